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
