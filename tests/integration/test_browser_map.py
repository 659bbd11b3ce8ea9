"""The Map page in Chromium (issue 13), checked on what was drawn.

`elhub serve` over a store holding the bundled 2021 production slices
(NO1, NO4 and NO5 hydro and more) and the Bergen ERA5 weather file;
tests/browser/map.mjs opens the page, clicks where ECharts' own geo
coordinate system (convertToPixel) puts each point, and reports what ECharts
drew (the mark's element, the region elements' fill and stroke, the map
series' values, the visualMap option, the labels' boxes) and what the canvas
holds (pixels at points inside each area, the outline colour along each
area's border). The expectations are computed here: the area holding a point
by this file's own ray casting over /api/areas, the means from the CSV rows
on Python's Oslo calendar (zoneinfo), the colour from the visualMap's ramp by
linear interpolation.

Tolerances: the mark's drawn centre within 2 px of the click; the point in
the URL within 1 px's worth of degrees of the city (the mouse clicks whole
pixels); means within 0.0005 + 1e-9 relative of the Python mean (the API
rounds to 3 decimals); colours within 2 of
each 0-255 channel (canvas rounding); the outline colour at >= 90 % of the
outlined area's border vertices and at <= 5 % of the other borders' vertices
farther than 0.12 degrees from it. Screenshots in
build/test-output/browser-map/."""
import csv
import datetime as dt
import json
import math
import re
import shutil
import urllib.parse
import zoneinfo

import numpy as np
import pytest

import web_util
from conftest import REPO, open_data, run_elhub

pytestmark = pytest.mark.browser

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
SHOTS = REPO / "build" / "test-output" / "browser-map"
BERGEN_FILE = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
# The course's city per price area (data/weather/price_area_cities.csv).
CITIES = {"NO1": ("Oslo", 59.9139, 10.7522), "NO2": ("Kristiansand", 58.1467, 7.9956),
          "NO3": ("Trondheim", 63.4305, 10.3951), "NO4": ("Tromsø", 69.6492, 18.9553),
          "NO5": ("Bergen", 60.3913, 5.3221)}
# Points outside Norway (lat, lon): the North Sea, Stockholm, Ivalo (Finland).
OUTSIDE = {"north-sea": (58.5, 3.2), "sweden": (59.3293, 18.0686), "finland": (68.6586, 27.5397)}
BASE_PATH = "/map?ds=production&group=hydro&days=30&end=2021-12-31"
MARK_TOL_PX = 2.0
# /api/areamean rounds a mean to the data's 3 decimals (docs/API.md): half a
# unit of the third decimal, plus 1e-9 relative for the float sums.
MEAN_ABS_TOL = 0.0005
MEAN_REL_TOL = 1e-9
COLOUR_TOL = 2
# Longitude is scaled by cos(64.5 deg) for distances, as the page's aspect.
ASPECT = math.cos(math.radians(64.5))

worst = {}


def note(what, v):
    worst[what] = max(worst.get(what, 0.0), v)


def teardown_module():
    print("largest differences seen:", json.dumps(worst, sort_keys=True))


# ---- this file's own geometry ------------------------------------------------

def rings_of(geom):
    """[(exterior, [holes])] of a Polygon or MultiPolygon, as numpy arrays."""
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [(np.array(p[0], float), [np.array(h, float) for h in p[1:]]) for p in polys]


def in_ring(ring, x, y):
    """Ray casting (even-odd), vectorised over x, y."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    inside = np.zeros(x.shape, bool)
    xi, yi = ring[:, 0], ring[:, 1]
    xj, yj = np.roll(xi, 1), np.roll(yi, 1)
    for a, b, c, d in zip(xi, yi, xj, yj):
        if b == d:
            continue
        cross = ((b > y) != (d > y)) & (x < (c - a) * (y - b) / (d - b) + a)
        inside ^= cross
    return inside


def contains(geom, lon, lat):
    hit = np.zeros(np.shape(lon), bool)
    for ext, holes in rings_of(geom):
        h = in_ring(ext, lon, lat)
        for hole in holes:
            h &= ~in_ring(hole, lon, lat)
        hit |= h
    return hit


def area_of(areas, lat, lon):
    got = [f["properties"]["area"] for f in areas["features"] if contains(f["geometry"], lon, lat)]
    assert len(got) <= 1, f"{lat},{lon} in several areas: {got}"
    return got[0] if got else None


def segments(geoms):
    """Every border segment of geoms, scaled: (A, B) arrays of shape (M, 2)."""
    a, b = [], []
    for g in geoms:
        for ext, holes in rings_of(g):
            for r in [ext, *holes]:
                s = r * [ASPECT, 1.0]
                a.append(s[:-1])
                b.append(s[1:])
    return np.concatenate(a), np.concatenate(b)


def distance_to(points, segs):
    """Scaled-degree distance of each (lon, lat) point to the nearest segment."""
    p = np.asarray(points, float) * [ASPECT, 1.0]
    a, b = segs
    ab = b - a
    ll = np.maximum((ab ** 2).sum(1), 1e-18)
    out = np.empty(len(p))
    for i, q in enumerate(p):
        t = np.clip(((q - a) * ab).sum(1) / ll, 0, 1)
        out[i] = np.sqrt((((a + t[:, None] * ab) - q) ** 2).sum(1)).min()
    return out


def interior_samples(areas, name, n=10):
    """Up to n points well inside area name (>= 0.15 scaled degrees from any
    border of any area), spread at least 0.5 degrees apart."""
    f = next(f for f in areas["features"] if f["properties"]["area"] == name)
    ext = rings_of(f["geometry"])[0][0]
    (x0, y0), (x1, y1) = ext.min(0), ext.max(0)
    gx, gy = np.meshgrid(np.arange(x0, x1, 0.1), np.arange(y0, y1, 0.05))
    gx, gy = gx.ravel(), gy.ravel()
    keep = contains(f["geometry"], gx, gy)
    pts = np.stack([gx[keep], gy[keep]], 1)
    d = distance_to(pts, segments([g["geometry"] for g in areas["features"]]))
    order = np.argsort(-d)
    out = []
    for i in order:
        if d[i] < 0.15 or len(out) == n:
            break
        if all(abs(pts[i][0] - p[0]) * ASPECT + abs(pts[i][1] - p[1]) >= 0.5 for p in out):
            out.append([round(float(pts[i][0]), 4), round(float(pts[i][1]), 4)])
    return out


def border_vertices(areas, name):
    f = next(f for f in areas["features"] if f["properties"]["area"] == name)
    return [list(map(float, v)) for ext, _ in rings_of(f["geometry"]) for v in ext]


# ---- this file's own means ---------------------------------------------------

def oslo_day_bounds(end, days):
    """[from, to] Oslo dates, and the hours between them (DST included)."""
    e = dt.date.fromisoformat(end)
    f = e - dt.timedelta(days=days - 1)
    a = dt.datetime(f.year, f.month, f.day, tzinfo=OSLO)
    n = e + dt.timedelta(days=1)
    b = dt.datetime(n.year, n.month, n.day, tzinfo=OSLO)
    return f, e, int((b.timestamp() - a.timestamp()) // 3600)


def production_hours():
    """{(area, group): [(utc datetime, kWh)]} from the bundled CSV."""
    out = {}
    with open_data("production_2021_slices.csv") as fh:
        for r in csv.DictReader(fh):
            t = dt.datetime.fromisoformat(r["startTime"])
            out.setdefault((r["priceArea"], r["productionGroup"].lower()), []).append(
                (t.astimezone(dt.timezone.utc), float(r["quantityKwh"])))
    return out


def bergen_hours(column):
    """[(utc datetime, value)] of a column of the Bergen file, whose times
    are one fixed offset, +01:00, for the whole year (data/weather/SOURCES.md)."""
    out = []
    with open(BERGEN_FILE, newline="") as fh:
        for r in csv.DictReader(fh):
            if r[column] == "":
                continue
            t = dt.datetime.fromisoformat(r["time"]).replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))
            out.append((t.astimezone(dt.timezone.utc), float(r[column])))
    return out


def mean_over(hours, end, days):
    f, e, _ = oslo_day_bounds(end, days)
    vals = [v for t, v in hours if f <= t.astimezone(OSLO).date() <= e]
    return (math.fsum(vals) / len(vals) if vals else None), len(vals)


# ---- colours -------------------------------------------------------------------

def rgb(css):
    css = css.strip()
    if css.startswith("#"):
        h = css[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return [int(h[i:i + 2], 16) for i in (0, 2, 4)]
    m = re.match(r"rgba?\(([^)]*)\)", css)
    assert m, css
    return [round(float(x)) for x in m.group(1).split(",")[:3]]


def ramp_colour(v, lo, hi, colours):
    """The visualMap colour of v: linear over [lo, hi] through the colours."""
    t = min(max((v - lo) / (hi - lo), 0.0), 1.0)
    x = t * (len(colours) - 1)
    i = min(int(math.floor(x)), len(colours) - 2)
    f = x - i
    a, b = rgb(colours[i]), rgb(colours[i + 1])
    return [a[k] + (b[k] - a[k]) * f for k in range(3)]


def colour_diff(a, b):
    return max(abs(x - y) for x, y in zip(a[:3], b[:3]))


# ---- the page -----------------------------------------------------------------

@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("map")
    store = f"sqlite:{d / 'map.db'}"
    run_elhub("import", "--store", store, REPO / "data" / "elhub" / "production_2021_slices.csv.gz")
    run_elhub("import", "--store", store, "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", BERGEN_FILE)
    # The same file again as the point's own location (key 60.3913N_5.3221E):
    # /api/locate looks a point's weather up under the point's key, and a
    # location named by its area (NO5) is a different key.
    run_elhub("import", "--store", store, "--lat", "60.3913", "--lon", "5.3221", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", BERGEN_FILE)
    with web_util.serve(store) as s:
        yield s


def api(srv, path):
    status, _, body = srv.get(path)
    assert status == 200, f"{path}: {status} {body[:300]!r}"
    return json.loads(body)


@pytest.fixture(scope="module")
def areas(srv):
    return api(srv, "/api/areas")


def probe(srv, cases, tmp_path, name):
    shutil.rmtree(SHOTS / name, ignore_errors=True)
    return web_util.run_probe("map.mjs", srv, cases, tmp_path / f"{name}.json", SHOTS / name)


def url_point(url):
    q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    return q["lat"][0], q["lon"][0]


def outlined(d):
    """The regions drawn with the outline (stroke colour and width)."""
    return sorted(n for n, r in d["regions"].items()
                  if r["lineWidth"] > 1 and colour_diff(rgb(r["stroke"]), rgb(d["style"]["outline"])) == 0)


def check_outline(d, areas, want, what):
    """The outline drawn around want (None: around nothing), in the model and
    in the pixels along the borders."""
    assert outlined(d) == ([want] if want else []), f"{what}: outlined {outlined(d)}, want {want}"
    for n, r in d["regions"].items():
        if n != want:
            assert r["lineWidth"] == 1, f"{what}: {n} drawn with lineWidth {r['lineWidth']}"
    if want:
        hits = d["boundary"][want]
        frac = sum(hits) / len(hits)
        note("outline: share of the outlined border missing its colour", 1 - frac)
        assert frac >= 0.9, f"{what}: outline colour at {frac:.2%} of {want}'s border"
    for n, hits in d["boundary"].items():
        if n == want:
            continue
        frac = sum(hits) / max(len(hits), 1)
        note("outline: share of other borders in its colour", frac)
        assert frac <= 0.05, f"{what}: outline colour at {frac:.2%} of {n}'s border (outlined {want})"


def boundary_spec(areas, want):
    """Per area, the border vertices to look at: all of want's, and those of
    the others farther than 0.12 scaled degrees from want's border."""
    out = {}
    segs = None
    if want:
        f = next(f for f in areas["features"] if f["properties"]["area"] == want)
        segs = segments([f["geometry"]])
    for f in areas["features"]:
        n = f["properties"]["area"]
        vs = border_vertices(areas, n)
        if want and n != want:
            d = distance_to(vs, segs)
            vs = [v for v, x in zip(vs, d) if x > 0.12]
        out[n] = vs
    return out


def label_below(labels, area):
    """The drawn text line under an area's name label (its value, or "no
    data"): same left edge, the next line down."""
    head = [L for L in labels if L["text"] == area]
    assert len(head) == 1, f"{area}: {len(head)} name labels drawn"
    h = head[0]
    below = [L for L in labels if abs(L["x"] - h["x"]) < 0.5 and 0 < L["y"] - h["y"] <= 2 * h["height"] + 4]
    return below[0]["text"] if len(below) == 1 else None


def check_mark(r, d, what, i=-1):
    cx, cy = r["click_px"][i]
    m = d["mark"]
    assert m is not None, f"{what}: no mark drawn"
    dist = math.hypot(m["x"] - cx, m["y"] - cy)
    note("mark: drawn centre vs click (px)", dist)
    assert dist <= MARK_TOL_PX, f"{what}: mark drawn {dist:.2f} px from the click"
    # The canvas holds the mark's red there.
    assert colour_diff(m["rgba"], rgb("#d62728")) <= COLOUR_TOL, f"{what}: mark pixel {m['rgba']}"


def test_five_cities_clicked_land_in_their_areas(srv, areas, tmp_path):
    """(1) A click where ECharts draws each city: the mark drawn there, the
    point in the URL, the city's area outlined (model and pixels), and the
    panel showing the API's answer for that point."""
    cases = [{"name": f"city-{a}", "path": BASE_PATH, "clicks": [[c[2], c[1]]],
              "at": [c[2], c[1]], "boundary": boundary_spec(areas, a)} for a, c in CITIES.items()]
    got = probe(srv, cases, tmp_path, "cities")
    for a, (city, lat, lon) in CITIES.items():
        r = got[f"city-{a}"]
        d = r["drawn"]
        what = f"{city} ({a})"
        assert area_of(areas, lat, lon) == a, f"{what}: the city is not in {a} by this test's ray casting"
        check_mark(r, d, what)
        # The URL: the clicked point, 4 decimals, within a pixel of the city.
        ulat, ulon = url_point(r["url"])
        assert re.fullmatch(r"-?\d+\.\d{4}", ulat) and re.fullmatch(r"-?\d+\.\d{4}", ulon), r["url"]
        dlon, dlat = d["deg_per_px"]
        note("url point vs city (px)", max(abs(float(ulat) - lat) / dlat, abs(float(ulon) - lon) / dlon))
        assert abs(float(ulat) - lat) <= dlat and abs(float(ulon) - lon) <= dlon, \
            f"{what}: URL point {ulat},{ulon} more than 1 px from the city"
        # The mark is drawn at the URL's point (ECharts' model holds it).
        assert d["mark"]["data"] == [float(ulon), float(ulat)], d["mark"]["data"]
        assert area_of(areas, float(ulat), float(ulon)) == a
        check_outline(d, areas, a, what)
        loc = api(srv, f"/api/locate?lat={ulat}&lon={ulon}")
        assert loc["area"] == a
        p = d["panel"]
        assert p["area"] == a, p
        assert p["coords"] == f"{ulat}, {ulon}", p
        assert p["location"] == loc["location"] == f"{float(ulat):.4f}N_{float(ulon):.4f}E", p
        if loc["weather"]:
            assert p["weather_link"] == f"/weather?lat={ulat}&lon={ulon}", p
        else:
            assert p["fetch"] == loc["fetch"] and p["fetch"].startswith("elhub fetch --dataset weather"), p
            m = re.search(r"--lat (\S+) --lon (\S+)", p["fetch"])
            assert m and (float(m.group(1)), float(m.group(2))) == (float(ulat), float(ulon)), p


def test_points_outside_norway_get_the_message(srv, areas, tmp_path):
    """(2) The North Sea, Sweden, Finland: marked, the API's message shown,
    nothing outlined."""
    cases = [{"name": f"outside-{k}", "path": BASE_PATH, "clicks": [[lon, lat]],
              "boundary": boundary_spec(areas, None)} for k, (lat, lon) in OUTSIDE.items()]
    got = probe(srv, cases, tmp_path, "outside")
    for k, (lat, lon) in OUTSIDE.items():
        r = got[f"outside-{k}"]
        d = r["drawn"]
        check_mark(r, d, k)
        ulat, ulon = url_point(r["url"])
        assert area_of(areas, float(ulat), float(ulon)) is None, f"{k}: inside by this test's ray casting"
        loc = api(srv, f"/api/locate?lat={ulat}&lon={ulon}")
        assert loc["area"] is None and "outside" in loc["message"], loc
        assert d["panel"]["message"] == loc["message"], d["panel"]
        assert d["panel"]["area"] is None and d["panel"]["fetch"] is None, d["panel"]
        check_outline(d, areas, None, k)


COLOUR_CASES = [
    # (name, dataset, group, days, end)
    ("hydro-30d-dec", "production", "hydro", 30, "2021-12-31"),
    ("hydro-7d-dst", "production", "hydro", 7, "2021-10-31"),
    ("wind-31d-jan", "production", "wind", 31, "2021-01-31"),
    # NO4 hydro holds January only: 744 of the 1,080 hours.
    ("hydro-45d-partial", "production", "hydro", 45, "2021-02-14"),
    # No wind after January anywhere: every area grey, "no data".
    ("wind-90d-none", "production", "wind", 90, "2021-06-30"),
    ("temperature-31d", "weather", "temperature_2m", 31, "2019-01-31"),
    ("wind-speed-14d-dst", "weather", "wind_speed_10m", 14, "2019-03-31"),
]


def expected_means(ds, group, days, end, prod):
    if ds == "production":
        return {a: mean_over(prod.get((a, group), []), end, days) for a in CITIES}
    col = {"temperature_2m": "temperature_2m", "wind_speed_10m": "windspeed_10m"}[group]
    hours = bergen_hours(col)
    if group == "wind_speed_10m":
        hours = [(t, v / 3.6) for t, v in hours]  # km/h in the file, m/s stored
    # Weather: the areas' locations; only NO5 (Bergen) is stored.
    return {a: (mean_over(hours, end, days) if a == "NO5" else (None, 0)) for a in CITIES}


def test_area_colours_are_the_means(srv, areas, tmp_path):
    """(3) Each area's drawn fill (region element and canvas pixels inside
    it) is the visualMap colour of /api/areamean's mean, which equals the
    mean of the CSV rows computed here; no data: grey and labelled."""
    samples = {a: interior_samples(areas, a) for a in CITIES}
    for a, s in samples.items():
        assert len(s) >= 3, f"{a}: {len(s)} interior samples"
    cases = [{"name": f"colours-{n}", "path": f"/map?ds={ds}&group={g}&days={days}&end={end}",
              "samples": samples} for n, ds, g, days, end in COLOUR_CASES]
    got = probe(srv, cases, tmp_path, "colours")
    prod = production_hours()
    meta = api(srv, "/api/meta")
    for n, ds, g, days, end in COLOUR_CASES:
        r = got[f"colours-{n}"]
        d = r["drawn"]
        assert d["controls"] == {"ds": ds, "group": g, "days": str(days), "end": end}, d["controls"]
        am = api(srv, f"/api/areamean?dataset={ds}&group={g}&days={days}&end={end}")
        f, e, period = oslo_day_bounds(end, days)
        assert (am["from"], am["to"]) == (f.isoformat(), e.isoformat()), am
        want = expected_means(ds, g, days, end, prod)
        by = {x["area"]: x for x in am["areas"]}
        vm = d["visualmap"]
        lo, hi = vm["min"], vm["max"]
        # The legend shows the unit: the API's, or its power ladder's rung.
        dm = next(x for x in meta["datasets"] if x["name"] == ds)
        units = [u for u, _ in dm["units"]["power"]] if am["unit"] == "kW" else [am["unit"]]
        for t in vm["text"]:
            assert any(t.endswith(f" {u}") for u in units), f"{n}: legend text {t!r}, units {units}"
        drawn_values = {x["name"]: x["value"] for x in d["series"]}
        labels = d["labels"]
        for a in CITIES:
            wm, wh = want[a]
            x = by[a]
            assert x["hours"] == wh, f"{n} {a}: {x['hours']} hours, Python {wh}"
            assert x["period_hours"] == period, f"{n} {a}: period {x['period_hours']}, Python {period}"
            reg = d["regions"][a]
            ok_px = [s for s in d["samples"][a] if not any(
                L["x"] - 3 <= s["x"] <= L["x"] + L["width"] + 3 and L["y"] - 3 <= s["y"] <= L["y"] + L["height"] + 3
                for L in labels)]
            assert len(ok_px) >= 2, f"{n} {a}: {len(ok_px)} samples clear of the labels"
            if wm is None:
                assert x["mean"] is None, f"{n} {a}: API mean {x['mean']}, no rows in the files"
                # NaN in the series (JSON null): no visual colour, the grey.
                assert drawn_values[a] is None, f"{n} {a}: drawn value {drawn_values[a]}"
                colour = rgb(d["style"]["nodata"])
                assert label_below(labels, a) == "no data", f"{n} {a}: labelled {label_below(labels, a)!r}"
            else:
                diff = abs(x["mean"] - wm)
                note(f"mean: API vs Python ({am['unit']})", diff)
                assert diff <= MEAN_ABS_TOL + MEAN_REL_TOL * abs(wm), f"{n} {a}: API mean {x['mean']}, Python {wm}"
                assert drawn_values[a] == x["mean"], f"{n} {a}: drawn value {drawn_values[a]}"
                assert lo <= x["mean"] <= hi, f"{n} {a}: {x['mean']} outside the legend [{lo}, {hi}]"
                colour = ramp_colour(x["mean"], lo, hi, vm["colors"])
                shown = label_below(labels, a)
                assert shown and any(shown.endswith(f" {u}") for u in units), f"{n} {a}: labelled {shown!r}"
            diff = colour_diff(rgb(reg["fill"]), colour)
            note("colour: region element fill vs expected", diff)
            assert diff <= COLOUR_TOL, f"{n} {a}: drawn fill {reg['fill']}, expected {colour}"
            for s in ok_px:
                diff = colour_diff(s["rgba"], colour)
                note("colour: canvas pixel vs expected", diff)
                assert diff <= COLOUR_TOL, f"{n} {a}: pixel {s['rgba']} at {s['lonlat']}, expected {colour}"
        means = [x["mean"] for x in am["areas"] if x["mean"] is not None]
        assert bool(means) == (n != "wind-90d-none"), f"{n}: means {means}"
        # The legend spans the means: mean power from 0 to the largest, a
        # weather variable from the smallest to the largest, one value alone
        # in the middle of its legend.
        if means and (am["unit"] == "kW" or min(means) < max(means)):
            assert hi == max(means), f"{n}: legend max {hi}, means {means}"
            assert lo == (0 if am["unit"] == "kW" else min(means)), f"{n}: legend min {lo}, means {means}"
        elif means:
            assert lo < means[0] < hi and abs((lo + hi) / 2 - means[0]) < 1e-9, f"{n}: legend [{lo}, {hi}], {means}"


def test_url_restores_and_history_goes_back(srv, areas, tmp_path):
    """(4) A URL with lat/lon draws the mark there and outlines its area, the
    controls as in the URL; Back after two clicks returns to the first point."""
    lat, lon = CITIES["NO3"][1:]
    cases = [
        {"name": "reload-trondheim", "path": f"/map?ds=production&group=wind&days=7&end=2021-06-30&lat={lat:.4f}&lon={lon:.4f}",
         "at": [lon, lat], "boundary": boundary_spec(areas, "NO3")},
        {"name": "back-to-oslo", "path": BASE_PATH, "at": [CITIES["NO1"][2], CITIES["NO1"][1]],
         "clicks": [[CITIES["NO1"][2], CITIES["NO1"][1]], [CITIES["NO4"][2], CITIES["NO4"][1]]], "back": 1,
         "boundary": boundary_spec(areas, "NO1")},
    ]
    got = probe(srv, cases, tmp_path, "reload")
    r = got["reload-trondheim"]
    d = r["drawn"]
    assert url_point(r["url"]) == (f"{lat:.4f}", f"{lon:.4f}"), r["url"]
    assert d["controls"] == {"ds": "production", "group": "wind", "days": "7", "end": "2021-06-30"}, d["controls"]
    dist = math.hypot(d["mark"]["x"] - d["at_px"][0], d["mark"]["y"] - d["at_px"][1])
    note("mark: drawn centre vs convertToPixel of the URL point (px)", dist)
    assert dist <= MARK_TOL_PX, f"reload: mark {dist:.2f} px from the URL's point"
    check_outline(d, areas, "NO3", "reload")
    assert d["panel"]["area"] == "NO3", d["panel"]
    r = got["back-to-oslo"]
    d = r["drawn"]
    check_mark(r, d, "back", i=0)
    check_outline(d, areas, "NO1", "back")
    assert d["panel"]["area"] == "NO1", d["panel"]
    ulat, ulon = url_point(r["url"])
    assert area_of(areas, float(ulat), float(ulon)) == "NO1"


def test_point_weather_links_and_fetch_command(srv, areas, tmp_path):
    """(5) Bergen, whose weather is stored: its coverage and the links to the
    Weather and Snow-drift pages; Oslo, without weather: the API's exact
    `elhub fetch` command, which the copy button puts on the clipboard."""
    b_lat, b_lon = CITIES["NO5"][1:]
    o_lat, o_lon = CITIES["NO1"][1:]
    cases = [
        {"name": "weather-bergen", "path": f"{BASE_PATH}&lat={b_lat:.4f}&lon={b_lon:.4f}"},
        {"name": "fetch-oslo", "path": f"{BASE_PATH}&lat={o_lat:.4f}&lon={o_lon:.4f}", "copy": True},
    ]
    got = probe(srv, cases, tmp_path, "weather")
    loc = api(srv, f"/api/locate?lat={b_lat:.4f}&lon={b_lon:.4f}")
    w = loc["weather"]
    assert w and w["hours"] == 8760, loc
    # The hours independently: the Bergen file's rows.
    assert w["hours"] == len(bergen_hours("temperature_2m"))
    p = got["weather-bergen"]["drawn"]["panel"]
    assert p["area"] == "NO5" and p["weather"] == f"{w['hours']} hours, {w['first']} to {w['last']}", p
    assert p["weather_link"] == f"/weather?lat={b_lat:.4f}&lon={b_lon:.4f}", p
    assert p["snow_link"] == f"/snowdrift?lat={b_lat:.4f}&lon={b_lon:.4f}", p
    assert p["fetch"] is None, p
    loc = api(srv, f"/api/locate?lat={o_lat:.4f}&lon={o_lon:.4f}")
    assert loc["area"] == "NO1" and loc["weather"] is None, loc
    r = got["fetch-oslo"]
    p = r["drawn"]["panel"]
    assert p["weather"] == "none" and p["weather_link"] is None, p
    assert p["fetch"] == loc["fetch"], p
    m = re.fullmatch(r"elhub fetch --dataset weather --lat (\S+) --lon (\S+) --from \d{4}-\d{2} --to \d{4}-\d{2}",
                     loc["fetch"])
    assert m and (float(m.group(1)), float(m.group(2))) == (o_lat, o_lon), loc
    assert r["copied"] == loc["fetch"], r["copied"]
    assert "Copied" in r["copied_note"], r["copied_note"]
    # Without --online the page offers no fetch of its own.
    assert p["fetch_now"] is False, p
    # The area's city: Bergen's weather (stored as NO5) is named from any point in NO5,
    # with the links to its pages; NO1's city (Oslo) has none stored.
    p = got["weather-bergen"]["drawn"]["panel"]
    assert p["area_weather"] == "Bergen: 8760 hours stored", p
    assert (p["area_weather_link"], p["area_snow_link"]) == ("/weather?area=NO5", "/snowdrift?area=NO5"), p
    assert got["fetch-oslo"]["drawn"]["panel"]["area_weather"] is None


def test_fetch_it_now_with_serve_online(tmp_path):
    """elhub serve --online: the panel of a point without weather has "Fetch it
    now", which POSTs /api/fetch for the months /api/locate names and reports
    the job's end as GET /api/fetch states it; the fake API was asked for
    exactly those months of that point (the stored values themselves are
    checked against the source in test_online.py)."""
    from test_weather import Fake
    store = f"sqlite:{tmp_path / 'online.db'}"
    run_elhub("import", "--store", store, REPO / "data" / "elhub" / "production_2021_slices.csv.gz")
    lat, lon = 60.45, 5.45  # near Bergen, where the fake has its data; no weather stored
    fake = Fake()
    try:
        with web_util.serve(store, "--online", "--api-url", fake.url) as s:
            loc = api(s, f"/api/locate?lat={lat}&lon={lon}")
            assert loc["area"] == "NO5" and loc["weather"] is None, loc
            got = probe(s, [{"name": "fetch-now", "path": f"{BASE_PATH}&lat={lat}&lon={lon}",
                             "fetchNow": True}], tmp_path, "online")
            state = api(s, "/api/fetch")
        reqs = fake.requests()
    finally:
        fake.stop()
    r = got["fetch-now"]
    assert r["drawn"]["panel"]["fetch_now"] is True, r["drawn"]["panel"]
    assert state["state"] == "done" and state["location"] == loc["location"], state
    assert (state["from"], state["to"]) == (loc["fetch_from"], loc["fetch_to"]), (state, loc)
    assert r["fetch_state"] == (f" Stored {state['rows']} values ({state['fetched']} months fetched, "
                                f"{state['skipped']} already stored)."), r["fetch_state"]
    y0, m0 = map(int, loc["fetch_from"].split("-"))
    assert state["fetched"] == 12 and len(reqs) == 12, (state, reqs)
    for q in reqs:
        assert f"latitude={lat:.4f}&longitude={lon:.4f}" in q["url"] and "timezone=GMT" in q["url"], q
    months = sorted({re.search(r"end_date=(\d{4}-\d{2})", q["url"]).group(1) for q in reqs})
    want = [f"{y0 + (m0 - 1 + i) // 12:04d}-{(m0 - 1 + i) % 12 + 1:02d}" for i in range(12)]
    assert months == want, (months, want)


def test_controls_live_in_the_url(srv, areas, tmp_path):
    """The dataset, group, days and end date: each change in the URL and
    drawn (the map series holds /api/areamean's means for the new choice);
    Back undoes the last change; another dataset brings its own choices."""
    cases = [
        {"name": "controls-wind-january", "path": BASE_PATH,
         "select": [["#group", "wind"], ["#days", "7"], ["#end", "2021-01-31"]]},
        {"name": "controls-back", "path": BASE_PATH,
         "select": [["#group", "wind"], ["#end", "2021-01-31"]], "back": 1},
        {"name": "controls-weather", "path": BASE_PATH, "select": [["#ds", "weather"]]},
    ]
    got = probe(srv, cases, tmp_path, "controls")

    def query(r):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(r["url"]).query)
        return {k: q[k][0] for k in ("ds", "group", "days", "end")}

    def drawn_means(r):
        return {x["name"]: x["value"] for x in r["drawn"]["series"]}

    def api_means(c):
        am = api(srv, f"/api/areamean?dataset={c['ds']}&group={c['group']}&days={c['days']}&end={c['end']}")
        return {x["area"]: x["mean"] for x in am["areas"]}

    r = got["controls-wind-january"]
    want = {"ds": "production", "group": "wind", "days": "7", "end": "2021-01-31"}
    assert query(r) == want == r["drawn"]["controls"], (query(r), r["drawn"]["controls"])
    assert drawn_means(r) == api_means(want), drawn_means(r)
    assert any(v is not None for v in drawn_means(r).values()), "January wind drawn for no area"
    r = got["controls-back"]
    want = {"ds": "production", "group": "wind", "days": "30", "end": "2021-12-31"}
    assert query(r) == want == r["drawn"]["controls"], (query(r), r["drawn"]["controls"])
    assert drawn_means(r) == api_means(want)
    r = got["controls-weather"]
    q = query(r)
    meta = api(srv, "/api/meta")
    wx = next(d for d in meta["datasets"] if d["name"] == "weather")
    last = max(t for t, _ in bergen_hours("temperature_2m")).astimezone(OSLO).date().isoformat()
    assert q["ds"] == "weather" and q["group"] in wx["groups"] and q["end"] == last, q
    assert q["group"] != "wind_direction_10m", q  # no mean of a direction
    assert q == r["drawn"]["controls"], (q, r["drawn"]["controls"])
    assert drawn_means(r) == api_means(q)
