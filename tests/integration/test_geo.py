"""The price-area map's endpoints (docs/MAP.md) against independent readings.
- /api/areas against NVE's original outlines (data/geo/elspot_price_areas_nve.
  geojson.gz, read here with Python's json): every vertex served is an original
  vertex rounded to 5 decimals, a vertex on a border two areas share appears in
  both, no two edges cross, the vertex count and size are those SOURCES.md
  states, the bytes are the committed file's and the same every time;
  tools/simplify_areas.py rebuilds the committed file exactly.
- /api/locate: the five course cities in their areas, points outside Norway in
  none; 6,200 points against a numpy ray casting on NVE's ORIGINAL polygons
  (agreement except within BORDER_KM of an original border, the count and the
  farthest distance printed); the stored weather's coverage against the ERA5
  Bergen file read here; the fetch command against the wall clock.
- /api/areamean: against Python sums over the rows of
  production_2021_slices.csv.gz and the ERA5 Bergen file (zoneinfo for the Oslo
  days, DST days included), tolerance MEAN_TOL, largest difference printed;
  bad parameters are 400s naming the parameter."""
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


def test_areas_edges_do_not_cross(server):
    """Simplification made no ring cross itself or a neighbour: no two
    distinct edges of the served outlines cross properly (orientation test
    in numpy; edges that share an end point are not crossings)."""
    import numpy as np
    doc = json.loads(server.get("/api/areas")[2])
    edges = {tuple(sorted((tuple(a), tuple(b))))
             for f in doc["features"] for r in rings_of(f["geometry"]) for a, b in zip(r, r[1:])}
    S = np.array(sorted(edges))
    A, B = S[:, 0], S[:, 1]

    def orient(p, q, r):
        return np.sign((q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                       - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))
    crossings = 0
    for i in range(len(S) - 1):
        a, b, c, d = A[i], B[i], A[i + 1:], B[i + 1:]
        share = (np.all(c == a, 1) | np.all(c == b, 1) | np.all(d == a, 1) | np.all(d == b, 1))
        crossings += int(np.sum((orient(a, b, c) * orient(a, b, d) < 0)
                                & (orient(c, d, a[None]) * orient(c, d, b[None]) < 0) & ~share))
    print(f"{len(S)} distinct edges, {crossings} crossings")
    assert crossings == 0


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


# ---- /api/areamean and /api/locate's weather, on a store with real data -------

OSLO_TZ = "Europe/Oslo"
# A mean is answered rounded to the data's 3 decimals (dataset_round): half a
# thousandth; wind read in km/h is stored as km/h / 3.6 rounded to 3
# decimals, which may add another half. (Plus 1e-6 for the binary fraction
# of a value such as 4222877.9145 that rounds either way.)
MEAN_TOL = 5e-4 + 1e-6
WIND_TOL = 1e-3


def oslo_day_start(y, m, d):
    import datetime as dt
    import zoneinfo
    return int(dt.datetime(y, m, d, tzinfo=zoneinfo.ZoneInfo(OSLO_TZ)).timestamp())


def production_rows():
    """(area, group, UTC start, kWh) of production_2021_slices.csv, read here."""
    import csv
    from conftest import open_data
    with open_data("production_2021_slices.csv") as f:
        return [(r["priceArea"], r["productionGroup"].lower(), web_util.utc_seconds(r["startTime"]),
                 float(r["quantityKwh"])) for r in csv.DictReader(f)]


def bergen_rows():
    """(UTC start, {variable: value}) of the ERA5 Bergen file (times at +01:00,
    wind in km/h), read here."""
    import csv
    import datetime as dt
    tz = dt.timezone(dt.timedelta(hours=1))
    out = []
    with open(BERGEN, newline="") as f:
        for r in csv.DictReader(f):
            t = int(dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
                    .timestamp())
            out.append((t, {"temperature_2m": float(r["temperature_2m"]),
                            "precipitation": float(r["precipitation"]),
                            "wind_speed_10m": float(r["windspeed_10m"]) / 3.6,
                            "wind_direction_10m": float(r["winddirection_10m"])}))
    return out


def period(days, end):
    """[from, to) in UTC seconds and the from date of `days` Oslo days ending on end."""
    import datetime as dt
    e = dt.date.fromisoformat(end)
    f = e - dt.timedelta(days=days - 1)
    n = e + dt.timedelta(days=1)
    return oslo_day_start(f.year, f.month, f.day), oslo_day_start(n.year, n.month, n.day), \
        f.isoformat()


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    from conftest import data_path, run_elhub
    uri = f"sqlite:{tmp_path_factory.mktemp('geofull') / 'full.db'}"
    run_elhub("import", "-q", "--store", uri, data_path("production_2021_slices.csv"))
    for where in (["--location", "NO5"], ["--lat", "60.3913", "--lon", "5.3221"]):
        run_elhub("import", "-q", "--store", uri, *where, "--utc-offset", "+01:00",
                  "--wind-unit", "kmh", BERGEN)
    with web_util.serve(uri) as srv:
        yield srv


def check_means(srv, dataset, group, days, end, rows, tol):
    """rows: (area, UTC start, value). Compares every area's mean and hours."""
    import math
    lo, hi, first = period(days, end)
    st, _, body = srv.get(f"/api/areamean?dataset={dataset}&group={group}&days={days}&end={end}")
    assert st == 200, body
    j = json.loads(body)
    assert (j["dataset"], j["group"], j["from"], j["to"], j["days"]) == \
        (dataset, group, first, end, days)
    assert j["period_hours"] == (hi - lo) // 3600
    assert [a["area"] for a in j["areas"]] == CODES
    worst = 0.0
    for a in j["areas"]:
        vals = [v for (area, t, v) in rows if area == a["area"] and lo <= t < hi]
        assert a["hours"] == len(vals), (a, len(vals))
        assert a["period_hours"] == j["period_hours"]
        if not vals:
            assert a["mean"] is None, a
            continue
        want = math.fsum(vals) / len(vals)
        worst = max(worst, abs(a["mean"] - want))
        assert a["mean"] == pytest.approx(want, abs=tol, rel=1e-12), (a, want)
    return j, worst


def test_areamean_production_against_the_csv(full):
    rows = [(a, t, v) for a, g, t, v in production_rows() if g == "hydro"]
    worst = 0.0
    # Whole year, one month, the two DST days (23 and 25 hours), one day.
    for days, end in [(365, "2021-12-31"), (30, "2021-12-31"), (1, "2021-03-28"),
                      (1, "2021-10-31"), (7, "2021-11-03"), (1, "2021-06-15")]:
        j, w = check_means(full, "production", "hydro", days, end, rows, MEAN_TOL)
        worst = max(worst, w)
        assert j["unit"] == "kW"
        if days == 1 and end == "2021-03-28":
            assert j["period_hours"] == 23
        if days == 1 and end == "2021-10-31":
            assert j["period_hours"] == 25
    other = [(a, t, v) for a, g, t, v in production_rows() if g == "wind"]
    _, w = check_means(full, "production", "wind", 40, "2021-02-05", other, MEAN_TOL)
    worst = max(worst, w)
    print(f"/api/areamean production: largest |mean - Python fsum/len| = {worst:.3g} kW "
          f"(allowed {MEAN_TOL})")


def test_areamean_weather_against_the_file(full):
    hours = bergen_rows()
    worst = 0.0
    for group, tol, unit in [("temperature_2m", MEAN_TOL, "°C"), ("precipitation", MEAN_TOL, "mm"),
                             ("wind_speed_10m", WIND_TOL, "m/s")]:
        rows = [("NO5", t, v[group]) for t, v in hours]
        for days, end in [(365, "2019-12-31"), (31, "2019-01-31"), (1, "2019-10-27"),
                          (10, "2020-01-05")]:
            j, w = check_means(full, "weather", group, days, end, rows, tol)
            assert j["unit"] == unit
            worst = max(worst, w)
    print(f"/api/areamean weather: largest |mean - Python mean| = {worst:.3g} (allowed "
          f"{MEAN_TOL}, wind {WIND_TOL})")
    # A direction's mean is the circular one (atan2 of the mean sine and cosine,
    # 0..360), never the arithmetic mean of the degrees.
    import math
    for days, end in [(365, "2019-12-31"), (31, "2019-01-31"), (1, "2019-10-27")]:
        lo, hi, _ = period(days, end)
        degs = [v["wind_direction_10m"] for t, v in hours if lo <= t < hi]
        s_ = math.fsum(math.sin(math.radians(d)) for d in degs) / len(degs)
        c_ = math.fsum(math.cos(math.radians(d)) for d in degs) / len(degs)
        want = math.degrees(math.atan2(s_, c_)) % 360
        st, _, body = full.get(f"/api/areamean?dataset=weather&group=wind_direction_10m"
                               f"&days={days}&end={end}")
        assert st == 200, body
        got = next(a for a in json.loads(body)["areas"] if a["area"] == "NO5")
        assert got["hours"] == len(degs)
        diff = abs((got["mean"] - want + 180) % 360 - 180)
        print(f"direction {days} days to {end}: {got['mean']} vs circular mean {want:.4f}"
              f" (arithmetic {sum(degs) / len(degs):.1f})")
        assert diff <= MEAN_TOL, (got, want)


def test_areamean_refuses_bad_parameters(full):
    base = "dataset=production&group=hydro&days=30&end=2021-12-31"
    for q, name in [(base.replace("days=30", "days=0"), "days"),
                    (base.replace("days=30", "days=3661"), "days"),
                    (base.replace("days=30", "days=1.5"), "days"),
                    (base.replace("&days=30", ""), "days"),
                    (base.replace("end=2021-12-31", "end=2021-12"), "end"),
                    (base.replace("end=2021-12-31", "end=2021-02-30"), "end"),
                    (base.replace("&end=2021-12-31", ""), "end"),
                    (base.replace("end=2021-12-31", "end=1990-01-10"), "end"),
                    (base.replace("group=hydro", "group=hydro,wind"), "group"),
                    (base.replace("&group=hydro", ""), "group"),
                    (base.replace("group=hydro", "group=nuclear"), "group"),
                    (base.replace("dataset=production", "dataset=x"), "dataset"),
                    ("dataset=weather&group=hydro&days=3&end=2019-01-03", "group"),
                    (base + "&area=NO1", "area")]:
        st, _, body = full.get("/api/areamean?" + q)
        assert st == 400, (q, body)
        detail = json.loads(body)["detail"]
        assert detail.startswith(name) or f"{name} " in detail or f'"{name}"' in detail, \
            (q, detail)
    # The cap is LIMIT_MAP_DAYS (src/caps.h) = 3660 days.
    st, _, body = full.get("/api/areamean?" + base.replace("days=30", "days=3660"))
    assert st == 200, body


def test_locate_weather_and_fetch(full):
    import datetime as dt
    import zoneinfo
    hours = bergen_rows()
    before = dt.datetime.now(zoneinfo.ZoneInfo(OSLO_TZ))
    j = json.loads(full.get("/api/locate?lat=60.3913&lon=5.3221")[2])
    after = dt.datetime.now(zoneinfo.ZoneInfo(OSLO_TZ))
    assert j["area"] == "NO5" and j["location"] == "60.3913N_5.3221E"
    oslo = zoneinfo.ZoneInfo(OSLO_TZ)
    assert j["weather"] == {
        "hours": len(hours),
        "first": dt.datetime.fromtimestamp(min(t for t, _ in hours), oslo).isoformat(),
        "last": dt.datetime.fromtimestamp(max(t for t, _ in hours), oslo).isoformat()}

    def command(now):
        to = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
        return (f"elhub fetch --dataset weather --lat 60.3913 --lon 5.3221 "
                f"--from {now.year - 1:04d}-{now.month:02d} --to {to[0]:04d}-{to[1]:02d}")
    assert j["fetch"] in (command(before), command(after)), j["fetch"]
    assert j["fetch"].endswith(f" --from {j['fetch_from']} --to {j['fetch_to']}"), j
    # A point nobody fetched: no weather, the command for it.
    j = json.loads(full.get("/api/locate?lat=63.4305&lon=10.3951")[2])
    assert j["area"] == "NO3" and j["weather"] is None and j["location"] == "63.4305N_10.3951E"
    assert j["fetch"].startswith("elhub fetch --dataset weather --lat 63.4305 --lon 10.3951 ")
    # The area's city: NO5's weather (imported with --location NO5) is named for any point
    # in NO5; NO3 has none stored; a point outside Norway has no area and no city.
    j = json.loads(full.get("/api/locate?lat=60.9&lon=7.2")[2])
    assert j["area"] == "NO5" and j["weather"] is None
    assert j["area_weather"] == {
        "location": "NO5", "name": "Bergen", "lat": 60.3913, "lon": 5.3221,
        "hours": len(hours),
        "first": dt.datetime.fromtimestamp(min(t for t, _ in hours), oslo).isoformat(),
        "last": dt.datetime.fromtimestamp(max(t for t, _ in hours), oslo).isoformat()}
    assert json.loads(full.get("/api/locate?lat=63.4305&lon=10.3951")[2])["area_weather"] is None
    assert json.loads(full.get("/api/locate?lat=58.0&lon=3.0")[2])["area_weather"] is None


def test_locate_names_a_place_by_area_or_key_and_months(full):
    """The Weather and Snow-drift pages name their place as area= (a price area's
    city or a location key) and the months of the command they show as from/to;
    the command is the one `elhub fetch` takes (--area for a city, --lat/--lon for
    a point) and the months pass the fetch planner's own check."""
    j = json.loads(full.get("/api/locate?area=no5")[2])
    assert (j["location"], j["name"], j["area"], j["lat"], j["lon"]) == ("NO5", "Bergen", "NO5",
                                                                      60.3913, 5.3221)
    assert j["weather"]["hours"] == 8760
    j = json.loads(full.get("/api/locate?area=NO2&from=2019-07&to=2021-06")[2])
    assert j["weather"] is None and j["name"] == "Kristiansand"
    assert j["fetch"] == "elhub fetch --dataset weather --area NO2 --from 2019-07 --to 2021-06"
    j = json.loads(full.get("/api/locate?area=61.2000N_8.1000E&from=2019-01&to=2019-12")[2])
    assert (j["location"], j["name"], j["area"]) == ("61.2000N_8.1000E", None, "NO1"), j
    assert j["fetch"] == "elhub fetch --dataset weather --lat 61.2 --lon 8.1 --from 2019-01 --to 2019-12"
    for q, words in [("area=NO5&lat=60&lon=5", "not both"), ("area=NO9", "unknown location"),
                     ("area=NO5&from=2019-01", "give both"), ("area=NO5&from=2019-13&to=2019-12", "2019-13"),
                     ("area=NO5&from=2019-05&to=2019-01", "")]:
        st, _, body = full.get("/api/locate?" + q)
        assert st == 400 and words in json.loads(body)["detail"], (q, body)
