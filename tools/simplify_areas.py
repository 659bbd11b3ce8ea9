#!/usr/bin/env python3
"""simplify_areas: makes data/geo/price_areas.geojson, the price-area outlines
elhub embeds, from NVE's data/geo/elspot_price_areas_nve.geojson.gz (NLOD 2.0,
attribution "NVE"; data/geo/SOURCES.md). Run by hand; its output is committed.

Topology-aware Douglas-Peucker, shared borders kept shared:
1. Every ring is cut into arcs at its junctions: a vertex where the set of
   areas owning the edge before it differs from the set owning the edge after
   it, or a vertex with more than two distinct neighbours over all rings (NVE's
   neighbouring areas share their border vertices exactly).
2. Each distinct arc (an arc and its reverse are the same arc) is simplified
   once, its end points fixed, with Douglas-Peucker at TOLERANCE_KM measured in
   a local equirectangular projection (km), so both areas along a border get
   the same vertices. A ring with no junction is cut at its first vertex and the
   vertex farthest from it.
3. Rings are rebuilt from their arcs, coordinates rounded to 5 decimals
   (about 1 m), repeated points dropped, exterior rings made counter-clockwise
   (RFC 7946 section 3.1.6). Every ring keeps at least 3 distinct vertices.

Usage: python3 tools/simplify_areas.py [--tolerance KM] [--check]
  --check  rebuilds in memory and exits 1 if the committed file differs."""
import argparse
import gzip
import json
import math
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
SOURCE = REPO / "data" / "geo" / "elspot_price_areas_nve.geojson.gz"
OUTPUT = REPO / "data" / "geo" / "price_areas.geojson"
TOLERANCE_KM = 0.1
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320


def seg_dist_km(p, a, b):
    """Distance (km) of p from segment a-b, in the equirectangular projection
    around a's latitude."""
    c = math.cos(math.radians(a[1])) * KM_PER_DEG_LON
    px, py = (p[0] - a[0]) * c, (p[1] - a[1]) * KM_PER_DEG_LAT
    bx, by = (b[0] - a[0]) * c, (b[1] - a[1]) * KM_PER_DEG_LAT
    L = bx * bx + by * by
    t = 0.0 if L == 0 else max(0.0, min(1.0, (px * bx + py * by) / L))
    return math.hypot(px - t * bx, py - t * by)


def douglas_peucker(pts, tol):
    """Indices of pts kept (first and last always), iteratively."""
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, bi = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist_km(pts[k], pts[i], pts[j])
            if d > best:
                best, bi = d, k
        if bi >= 0 and best > tol:
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [p for p, k in zip(pts, keep) if k]


def load():
    doc = json.loads(gzip.decompress(SOURCE.read_bytes()))
    areas = {}
    for f in doc["features"]:
        code = f["properties"]["ElSpotOmr"].replace(" ", "")
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings = []
        for poly in polys:
            for ri, r in enumerate(poly):
                r = [tuple(p) for p in r]
                if r[0] == r[-1]:
                    r = r[:-1]
                rings.append((len(rings), ri == 0, r))
        areas[code] = (polys, rings)
    return doc, areas


def simplify(areas, tol):
    edge_owner = {}
    neigh = {}
    for code, (_, rings) in areas.items():
        for _, _, r in rings:
            n = len(r)
            for i in range(n):
                a, b = r[i], r[(i + 1) % n]
                edge_owner.setdefault(frozenset((a, b)), set()).add(code)
                neigh.setdefault(a, set()).update((b, r[i - 1]))
    arcs = {}
    out = {}
    for code, (polys, rings) in areas.items():
        new_rings = []
        for idx, exterior, r in rings:
            n = len(r)
            owner = [frozenset(edge_owner[frozenset((r[i], r[(i + 1) % n]))]) for i in range(n)]
            breaks = [i for i in range(n) if owner[i - 1] != owner[i] or len(neigh[r[i]]) > 2]
            if not breaks:
                far = max(range(n), key=lambda k: seg_dist_km(r[k], r[0], r[0]))
                breaks = [0, far]
            ring = []
            for bi, s in enumerate(breaks):
                e = breaks[(bi + 1) % len(breaks)]
                piece = [r[k % n] for k in range(s, e + (n if e <= s else 0) + 1)]
                key = min(tuple(piece), tuple(reversed(piece)))
                if key not in arcs:
                    arcs[key] = douglas_peucker(list(key), tol)
                simp = arcs[key] if key == tuple(piece) else list(reversed(arcs[key]))
                ring.extend(simp[:-1])
            new_rings.append((exterior, ring))
        out[code] = new_rings
    return out, len(arcs)


def fmt(x):
    s = f"{x:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def coords_text(c):
    """GeoJSON coordinates with every number written by fmt."""
    if isinstance(c, tuple):
        return "[%s,%s]" % (fmt(c[0]), fmt(c[1]))
    return "[" + ",".join(coords_text(x) for x in c) + "]"


def signed_area(r):
    return sum(r[i - 1][0] * r[i][1] - r[i][0] * r[i - 1][1] for i in range(len(r))) / 2


def build(tol):
    _, areas = load()
    simp, narcs = simplify(areas, tol)
    feats = []
    vertices = 0
    for code in sorted(simp):
        polys = []
        for exterior, ring in simp[code]:
            ring = [(round(p[0], 5), round(p[1], 5)) for p in ring]
            ring = [p for i, p in enumerate(ring) if p != ring[i - 1]]
            if len(set(ring)) < 3:
                sys.exit(f"simplify_areas: a ring of {code} collapsed; lower the tolerance")
            if (signed_area(ring) > 0) != exterior:
                ring.reverse()
            ring.append(ring[0])
            vertices += len(ring)
            if exterior:
                polys.append([ring])
            else:
                polys[-1].append(ring)
        geom = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else
                {"type": "MultiPolygon", "coordinates": polys})
        feats.append('{"type":"Feature","id":"%s","properties":{"area":"%s","name":"%s"},'
                     '"geometry":{"type":"%s","coordinates":%s}}' %
                     (code, code, code, geom["type"], coords_text(geom["coordinates"])))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(feats) + "\n]}\n"
    orig = sum(len(r) for _, rings in areas.values() for _, _, r in rings) + \
        sum(len(rings) for _, rings in areas.values())
    return text, orig, vertices, narcs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tolerance", type=float, default=TOLERANCE_KM)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    text, orig, vertices, narcs = build(a.tolerance)
    if a.check:
        same = OUTPUT.read_text() == text
        print("price_areas.geojson is " + ("up to date" if same else "STALE"))
        return 0 if same else 1
    OUTPUT.write_text(text)
    print(f"tolerance {a.tolerance} km: {orig} vertices -> {vertices} in {narcs} arcs, "
          f"{len(text.encode())} bytes -> {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
