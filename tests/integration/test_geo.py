"""The price-area map's endpoints (docs/MAP.md) against independent readings:
/api/areas against NVE's original outlines (data/geo/elspot_price_areas_nve.
geojson.gz, read here with Python's json): every vertex served is an original
vertex rounded to 5 decimals, a vertex on a border two areas share appears in
both, the vertex count and size are those SOURCES.md states, the bytes are
the committed file's and the same every time; tools/simplify_areas.py
rebuilds the committed file exactly."""
import gzip
import json
import re
import subprocess
import sys

import pytest

import web_util
from conftest import REPO, make_empty_store

GEO = REPO / "data" / "geo"
VERTICES = 2863          # tools/simplify_areas.py at 0.1 km (data/geo/SOURCES.md)
CODES = ["NO1", "NO2", "NO3", "NO4", "NO5"]


def rings_of(geometry):
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else \
        geometry["coordinates"]
    return [ring for poly in polys for ring in poly]


def original():
    """{area: [rings of (lon, lat)]} from NVE's file, as published."""
    doc = json.loads(gzip.decompress((GEO / "elspot_price_areas_nve.geojson.gz").read_bytes()))
    return {f["properties"]["ElSpotOmr"].replace(" ", ""):
            [[tuple(p) for p in r] for r in rings_of(f["geometry"])] for f in doc["features"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = make_empty_store(tmp_path_factory.mktemp("geo") / "empty.db")
    with web_util.serve(store) as srv:
        yield srv


def test_areas_geojson(server):
    st, hdr, body = server.get("/api/areas")
    assert st == 200, body
    assert hdr["Content-Type"].startswith("application/json")
    assert body == (GEO / "price_areas.geojson").read_bytes()
    assert server.get("/api/areas")[2] == body
    assert len(body) < 150 * 1024, len(body)
    doc = json.loads(body)
    assert doc["type"] == "FeatureCollection"
    assert [f["id"] for f in doc["features"]] == CODES
    assert [f["properties"] for f in doc["features"]] == [{"area": c, "name": c} for c in CODES]
    # Every number has at most 5 decimals, as written in the body.
    numbers = re.findall(rb"-?\d+(?:\.\d+)?", body.split(b'"coordinates":', 1)[1])
    assert numbers and all(len(n.split(b".")[1]) <= 5 for n in numbers if b"." in n)
    count = sum(len(r) for f in doc["features"] for r in rings_of(f["geometry"]))
    print(f"/api/areas: {count} vertices, {len(body)} bytes")
    assert count == VERTICES
    for f in doc["features"]:
        for r in rings_of(f["geometry"]):
            assert r[0] == r[-1] and len(r) >= 4


def test_areas_shared_borders(server):
    """A served vertex that is (rounded) an original vertex NVE's file has on
    the border of areas A and B is served in both A and B; every served
    vertex is an original one rounded."""
    orig = original()
    owners = {}
    for area, rings in orig.items():
        for r in rings:
            for lon, lat in r:
                owners.setdefault((round(lon, 5), round(lat, 5)), set()).add(area)
    doc = json.loads(server.get("/api/areas")[2])
    served = {f["id"]: {tuple(p) for r in rings_of(f["geometry"]) for p in r}
              for f in doc["features"]}
    shared = 0
    for area, pts in served.items():
        for p in pts:
            assert p in owners, f"{area}: {p} is not an original vertex"
            assert area in owners[p], f"{area}: {p} is a vertex of {owners[p]} only"
            for other in owners[p] - {area}:
                assert p in served[other], f"{p} is on {area}/{other} but only in {area}"
                shared += 1
    print(f"border vertices served in both areas: {shared // 2} pairs")
    assert shared > 100


def test_areas_rebuild():
    p = subprocess.run([sys.executable, str(REPO / "tools" / "simplify_areas.py"), "--check"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


def test_areas_refuses_parameters(server):
    st, _, body = server.get("/api/areas?x=1")
    assert st == 400 and b"no parameters" in body


# ---- /api/locate --------------------------------------------------------------

CITIES = {"NO1": (59.9139, 10.7522), "NO2": (58.1467, 7.9956), "NO3": (63.4305, 10.3951),
          "NO4": (69.6492, 18.9553), "NO5": (60.3913, 5.3221)}
OUTSIDE = {"Stockholm": (59.33, 18.07), "Copenhagen": (55.68, 12.57),
           "the North Sea": (58.0, 3.0), "Helsinki": (60.17, 24.94)}
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
# The disagreement allowed between geo on the simplified outlines and the
# original polygons: the simplification tolerance (0.1 km) plus slack for the
# 5-decimal rounding (< 1.2 m) and the local projection Douglas-Peucker
# measures in (tools/simplify_areas.py).
BORDER_KM = 0.15


def km_to_segments(lat, lon, ax, ay, bx, by):
    """Distance (km) from (lat, lon) to the nearest of the segments
    (ax, ay)-(bx, by) (numpy arrays, degrees), equirectangular around lat."""
    import numpy as np
    c = np.cos(np.radians(lat)) * 111.320
    px, py = 0.0, 0.0
    x1, y1 = (ax - lon) * c, (ay - lat) * 110.574
    x2, y2 = (bx - lon) * c, (by - lat) * 110.574
    dx, dy = x2 - x1, y2 - y1
    L = dx * dx + dy * dy
    t = np.clip(np.where(L > 0, ((px - x1) * dx + (py - y1) * dy) / np.where(L > 0, L, 1), 0), 0, 1)
    return float(np.min(np.hypot(x1 + t * dx - px, y1 + t * dy - py)))


def pip_original(orig, lats, lons):
    """Which original area (or None) each point is in: even-odd ray casting
    in numpy on NVE's unsimplified rings, written here independently of
    src/geo/geo.c."""
    import numpy as np
    out = [None] * len(lats)
    lats, lons = np.asarray(lats), np.asarray(lons)
    for area, rings in orig.items():
        odd = np.zeros(len(lats), dtype=bool)
        for r in rings:
            a = np.asarray(r[:-1] if r[0] == r[-1] else r)
            x1, y1 = a[:, 0], a[:, 1]
            x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
            for k in range(0, len(lats), 256):
                py, px = lats[k:k + 256, None], lons[k:k + 256, None]
                straddle = (y1 > py) != (y2 > py)
                with np.errstate(divide="ignore", invalid="ignore"):
                    xcross = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
                odd[k:k + 256] ^= (np.count_nonzero(straddle & (px < xcross), axis=1) % 2) == 1
        for i in np.nonzero(odd)[0]:
            assert out[i] is None, f"{lats[i]},{lons[i]} in {out[i]} and {area}"
            out[i] = area
    return out


def locate_many(url, points):
    import http.client
    import urllib.parse
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    got = []
    for lat, lon in points:
        conn.request("GET", f"/api/locate?lat={lat}&lon={lon}")
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200, body
        got.append(json.loads(body)["area"])
    conn.close()
    return got


def test_locate_cities_and_outside(server):
    for area, (lat, lon) in CITIES.items():
        st, _, body = server.get(f"/api/locate?lat={lat}&lon={lon}")
        j = json.loads(body)
        assert st == 200 and j["area"] == area, j
        assert (j["lat"], j["lon"]) == (lat, lon)
    for name, (lat, lon) in OUTSIDE.items():
        j = json.loads(server.get(f"/api/locate?lat={lat}&lon={lon}")[2])
        assert j["area"] is None, (name, j)
        assert j["message"] == f"{lat:.4f}, {lon:.4f} is outside Norway's price areas", j


def test_locate_refuses_bad_points(server):
    for q, name in [("lat=91&lon=10", "lat"), ("lat=60&lon=-181", "lon"), ("lat=x&lon=1", "lat"),
                    ("lat=60", "lon"), ("lon=5", "lat"), ("lat=nan&lon=5", "lat"),
                    ("lat=1e999&lon=5", "lat"), ("lat=60&lon=5&area=NO1", "area")]:
        st, _, body = server.get("/api/locate?" + q)
        assert st == 400, (q, body)
        detail = json.loads(body)["detail"]
        assert detail.startswith(name) or f'"{name}"' in detail, (q, body)


def test_locate_grid_against_original_polygons(server):
    """A 70 x 60 grid over Norway's bounding box (points with 2 decimals, so
    the 4-decimal rounding of /api/locate leaves them as they are), plus 2,000
    points scattered within about 0.5 km of NVE's border vertices (4
    decimals; numpy's generator with a fixed seed): geo on the simplified
    outlines and ray casting on NVE's original polygons agree except within
    BORDER_KM of an original border."""
    import numpy as np
    orig = original()
    grid = [(round(57.70 + 0.23 * j, 2), round(4.00 + 0.40 * i, 2))
            for j in range(60) for i in range(70)]
    verts = np.asarray([p for rings in orig.values() for r in rings for p in r])
    rng = np.random.default_rng(13)
    pick = verts[rng.choice(len(verts), 2000, replace=False)]
    near = [(round(float(la), 4), round(float(lo), 4)) for lo, la in
            pick + rng.uniform(-1, 1, (2000, 2)) * [0.009, 0.0045]]
    segs = [np.asarray(r) for rings in orig.values() for r in rings]
    ax = np.concatenate([s[:-1, 0] for s in segs])
    ay = np.concatenate([s[:-1, 1] for s in segs])
    bx = np.concatenate([s[1:, 0] for s in segs])
    by = np.concatenate([s[1:, 1] for s in segs])
    for name, points, most in (("grid", grid, 0), ("near borders", near, 200)):
        got = locate_many(server.url, points)
        want = pip_original(orig, [p[0] for p in points], [p[1] for p in points])
        bad = [(p, g, w, km_to_segments(p[0], p[1], ax, ay, bx, by))
               for p, g, w in zip(points, got, want) if g != w]
        inside = sum(w is not None for w in want)
        worst = max((d for *_, d in bad), default=0.0)
        print(f"{name}: {len(points)} points, {inside} inside an area; {len(bad)} disagree, "
              f"farthest {worst:.4f} km from an original border (allowed {BORDER_KM} km)")
        assert inside > len(points) // 5
        assert all(d <= BORDER_KM for *_, d in bad), [b for b in bad if b[3] > BORDER_KM]
        assert len(bad) <= max(most, len(points) // 500), bad
