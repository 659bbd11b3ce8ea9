"""The Weather and Snow-drift pages in Chromium (issue 13, "The dashboard"
and "Snow drift"): tests/browser/weather.mjs opens the pages, acts (slider,
selects, checkbox) and reports what ECharts DREW (every line point's pixel
position turned back into data coordinates by the chart's own
convertFromPixel, null for a gap; the bars' drawn tops; the rose's drawn
sectors and the canvas pixel inside each), the table texts and the URL.
Everything is compared here with an independent reading of the CSV files in
Python (csv, gzip, zoneinfo), never with the pages' code:

- the Bergen ERA5 file (data/weather/, Open-Meteo.com, ERA5, CC BY 4.0),
  imported as NO5 with --utc-offset +01:00 --wind-unit kmh (wind = km/h /
  3.6), a copy of it with hours deleted (whole rows, and temperature cells
  emptied) imported at the point 60.3913 N 5.3221 E, and a copy with its
  times moved from 2019 to 2021 imported as NO1, so the weather sits beside
  NO1's real 2021 production (data/elhub/production_2021_slices.csv.gz,
  Elhub, CC BY 4.0) for the energy overlay;
- snow drift: Tabler's formulas as tests/integration/test_snowdrift.py
  computes them (imported from there: one Python reference).

Tolerances: x within 1 pixel's worth of time; y within 0.01 pixel's worth of
value or 0.0005 (the API answers weather to 3 decimals: km/h / 3.6 rounded),
whichever is larger; table texts within half a unit of their last printed
digit. Each test prints its largest differences. Screenshots:
build/test-output/browser-weather/."""
import csv
import datetime as dt
import gzip
import json
import math
import re
import zoneinfo
from collections import defaultdict

import pytest

import web_util
from conftest import REPO, run_elhub
from test_snowdrift import FENCES, bergen, season

pytestmark = pytest.mark.browser

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
PRODUCTION = REPO / "data" / "elhub" / "production_2021_slices.csv.gz"
SHOTS = REPO / "build" / "test-output" / "browser-weather"
VARS = ["temperature_2m", "precipitation", "wind_speed_10m", "wind_gusts_10m", "wind_direction_10m"]
POINT = "60.3913N_5.3221E"
H = 3600_000
API_ROUND = 0.0005
# Hours the test deletes from the point's copy: whole rows (every variable
# missing) and temperature cells only (file times, +01:00).
ROWS_GONE = {f"2019-10-12 {h:02d}:00:00" for h in range(3, 9)}
TEMP_GONE = {f"2019-10-20 {h:02d}:00:00" for h in range(10, 14)} | {"2019-10-27 01:00:00"}


def oslo_ms(y, m, d=1, h=0):
    return int(dt.datetime(y, m, d, h, tzinfo=OSLO).timestamp() * 1000)


def month_bounds(y, m):
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return oslo_ms(y, m), oslo_ms(ny, nm)


def read_weather(path):
    """{variable: {UTC ms: value}} of a Bergen-format file (times +01:00,
    wind and gusts in km/h -> m/s); an empty cell is no value."""
    plus1 = dt.timezone(dt.timedelta(hours=1))
    out = {v: {} for v in VARS}
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for r in rows:
            t = int(dt.datetime.strptime(r[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=plus1).timestamp() * 1000)
            for i, v in enumerate(VARS):
                if r[i + 1] != "":
                    out[v][t] = float(r[i + 1]) / (3.6 if v in ("wind_speed_10m", "wind_gusts_10m") else 1)
    return out


def read_production(path):
    """{area: {UTC ms: kWh summed over the groups}}."""
    out = defaultdict(lambda: defaultdict(float))
    with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = int(dt.datetime.fromisoformat(r["startTime"]).timestamp() * 1000)
            out[r["priceArea"]][t] += float(r["quantityKwh"])
    return out


def write_copy(src, dst, year=None, drop=False):
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
        rows = csv.reader(f)
        w = csv.writer(g, lineterminator="\n")
        w.writerow(next(rows))
        for r in rows:
            if drop and r[0] in ROWS_GONE:
                continue
            if drop and r[0] in TEMP_GONE:
                r[1] = ""
            if year:
                r[0] = f"{year}{r[0][4:]}"
            w.writerow(r)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("wxpage")
    uri = f"sqlite:{d / 'w.db'}"
    gapped = d / "bergen_gaps.csv"
    shifted = d / "bergen_2021.csv"
    write_copy(BERGEN, gapped, drop=True)
    write_copy(BERGEN, shifted, year=2021)
    opts = ["--utc-offset", "+01:00", "--wind-unit", "kmh"]
    run_elhub("import", "--store", uri, "--location", "NO5", *opts, BERGEN)
    run_elhub("import", "--store", uri, "--lat", "60.3913", "--lon", "5.3221", *opts, gapped)
    run_elhub("import", "--store", uri, "--location", "NO1", *opts, shifted)
    run_elhub("import", "--store", uri, PRODUCTION)
    with web_util.serve(uri) as srv:
        yield {"srv": srv, "tmp": d, "no5": read_weather(BERGEN), "point": read_weather(gapped),
               "no1": read_weather(shifted), "prod": read_production(PRODUCTION)}


def tol(chart):
    g = chart["grid"]
    (x0, x1), (y0, y1) = chart["x_extent"], chart["y_extent"]
    return (x1 - x0) / g["width"], max(API_ROUND, 0.01 * (y1 - y0) / g["height"])


def check_line(chart, sid, hours, want, what, scale=None, ytol=None):
    """The drawn points of series sid: one per Oslo hour in hours (ms), at
    the hour, with want's value (scaled by scale) or a gap where want has
    none. Returns (largest dx, largest dy, gaps drawn)."""
    tx, ty = tol(chart)
    ty = max(ty, ytol or 0)
    pts = next(s for s in chart["series"] if s["id"] == sid)["points"]
    assert len(pts) == len(hours), f"{what}: {len(pts)} points drawn for {len(hours)} hours"
    dx = dy = 0.0
    gaps = 0
    for t, p in zip(hours, pts):
        if t not in want:
            assert p is None, f"{what}: a point drawn at the missing hour {t}: {p}"
            gaps += 1
            continue
        assert p is not None, f"{what}: no point at {t}"
        y = scale(want[t]) if scale else want[t]
        dx, dy = max(dx, abs(p[0] - t)), max(dy, abs(p[1] - y))
    assert dx <= tx, f"{what}: x off by {dx} ms (tolerance {tx})"
    assert dy <= ty, f"{what}: y off by {dy} (tolerance {ty})"
    return dx, dy, gaps


def oslo_hours(a, b):
    return list(range(a, b, H))


def number(text):
    return float(text.replace(",", "").split()[0])


def near_text(text, value, what):
    """The shown number equals value within half a unit of its last digit."""
    m = re.match(r"-?[\d,]+(\.\d+)?", text.strip())
    assert m, f"{what}: {text!r}"
    digits = len(m.group(1)) - 1 if m.group(1) else 0
    d = abs(number(m.group(0)) - value)
    assert d <= 0.5 * 10 ** -digits + 1e-9, f"{what}: shows {text!r}, expected {value}"
    return d


def circular_mean(vals):
    s = math.fsum(math.sin(math.radians(v)) for v in vals)
    c = math.fsum(math.cos(math.radians(v)) for v in vals)
    return math.degrees(math.atan2(s, c)) % 360


@pytest.fixture(scope="module")
def drawn(env):
    cases = [
        {"name": "01-october-2019-temperature", "path": "/weather?area=NO5&var=temperature_2m&from=2019-10&to=2019-10&month=2019-10"},
        {"name": "02-gaps-point", "path": "/weather?lat=60.3913&lon=5.3221&var=temperature_2m&from=2019-10&to=2019-10&month=2019-10"},
        {"name": "03-all-together-2019", "path": "/weather?area=NO5&var=all&from=2019-01&to=2019-12&month=2019-03"},
        {"name": "04-slider", "path": "/weather?area=NO5&var=wind_speed_10m&from=2019-10&to=2019-10&month=2019-10",
         "fill": [["#range-from", 6], ["#range-to", 0]], "text": ["#range-text"]},
        {"name": "05-energy-overlay-NO1", "path": "/weather?area=NO1&var=temperature_2m&from=2021-10&to=2021-10&month=2021-10",
         "check": ["#energy"]},
        {"name": "05b-energy-not-stored", "path": "/weather?area=NO5&var=precipitation&from=2019-10&to=2019-10&month=2019-10&energy=consumption",
         "text": ["#energy-note", "#status"]},
        {"name": "06-no-weather", "path": "/weather?lat=61.2&lon=8.1", "text": ["#nodata-cmd", "#nodata-place"]},
        {"name": "07-snowdrift-NO5", "page": "snowdrift", "path": "/snowdrift?area=NO5&from_year=2018&to_year=2019&season=2019"},
        {"name": "08-snowdrift-params", "page": "snowdrift", "path": "/snowdrift?area=NO5&from_year=2018&to_year=2018",
         "fill": [["#T", 10], ["#F", 200], ["#theta", 0.4]]},
        {"name": "09-snowdrift-no-weather", "page": "snowdrift", "path": "/snowdrift?area=NO2&from_year=2019&to_year=2020",
         "text": ["#nodata-cmd", "#nodata-place"]},
    ]
    got = web_util.run_probe("weather.mjs", env["srv"], cases, env["tmp"] / "weather.json", SHOTS)
    return got


def test_month_drawn_equals_file_hours(env, drawn):
    """October 2019 (a DST month: 745 Oslo hours) at NO5: the main line
    and every variable's sparkline draw one point per hour of the file at
    the hour with its value; the table's min, mean and max equal the file's
    (direction: circular mean)."""
    r = drawn["01-october-2019-temperature"]
    a, b = month_bounds(2019, 10)
    hours = oslo_hours(a, b)
    assert len(hours) == 745
    main = r["charts"]["main"]
    assert main["x_extent"] == [a, b]
    dx, dy, gaps = check_line(main, "temperature_2m", hours, env["no5"]["temperature_2m"], "main")
    assert gaps == 0
    print(f"main line October 2019: 745 points, largest dx {dx} ms, dy {dy:.3g} °C")
    for v in VARS:
        sp = r["charts"][f"spark:{v}"]
        assert sp["x_extent"] == [a, b]
        dx, dy, gaps = check_line(sp, v, hours, env["no5"][v], f"sparkline {v}")
        assert gaps == 0
        print(f"sparkline {v}: 745 points, largest dx {dx} ms, dy {dy:.3g}")
    rows = {t["data"]["variable"]: t for t in r["table"]}
    assert list(rows) == VARS
    worst = 0.0
    for v in VARS:
        vals = [env["no5"][v][t] for t in hours]
        mean = circular_mean(vals) if v == "wind_direction_10m" else math.fsum(vals) / len(vals)
        want = {"min": min(vals), "mean": mean, "max": max(vals)}
        d = rows[v]["data"]
        assert int(d["hours"]) == 745
        for k, x in want.items():
            diff = abs(float(d[k]) - x)
            assert diff <= API_ROUND, (v, k, d[k], x)
            worst = max(worst, diff)
        cells = rows[v]["cells"]
        for k, i in (("min", 2), ("mean", 3), ("max", 4)):
            near_text(cells[i], want[k], f"{v} {k}")
        assert cells[6] == "745 / 745"
        if v == "precipitation":
            near_text(cells[5], math.fsum(vals), "precipitation total")
    print(f"table October 2019: largest difference {worst:.3g} (min, mean, max vs Python)")


def test_deleted_hours_are_gaps(env, drawn):
    """The point's copy (URL lat/lon) lost 6 whole rows and 5 temperature
    cells (one in the repeated hour of 27 October): the line has a null
    there, never 0, and the other hours' values."""
    r = drawn["02-gaps-point"]
    assert f"lat=60.3913" in r["url"] and "lon=5.3221" in r["url"]
    a, b = month_bounds(2019, 10)
    dx, dy, gaps = check_line(r["charts"]["main"], "temperature_2m", oslo_hours(a, b),
                              env["point"]["temperature_2m"], "gapped line")
    assert gaps == len(ROWS_GONE) + len(TEMP_GONE) == 11
    _, _, g2 = check_line(r["charts"]["spark:precipitation"], "precipitation", oslo_hours(a, b),
                          env["point"]["precipitation"], "gapped precipitation")
    assert g2 == len(ROWS_GONE)
    temp = next(t for t in r["table"] if t["data"]["variable"] == "temperature_2m")
    assert temp["cells"][6] == "734 / 745"
    print(f"gaps drawn: {gaps} temperature, {g2} precipitation; largest dx {dx} ms, dy {dy:.3g}")


def test_all_together_on_a_shared_scale(env, drawn):
    """var=all over 2019: five lines, each variable scaled to its own
    min-max over the year as 0-100 %; the legend names each range."""
    r = drawn["03-all-together-2019"]
    main = r["charts"]["main"]
    a, b = oslo_ms(2019, 1), oslo_ms(2020, 1)
    assert main["x_extent"] == [a, b] and main["y_extent"] == [0, 100]
    hours = oslo_hours(a, b)
    assert len(hours) == 8760
    assert [s["id"] for s in main["series"]] == VARS
    for v in VARS:
        vals = env["no5"][v]
        lo, hi = min(vals.values()), max(vals.values())
        # The API's rounding (0.0005) of the value and of both ends of the
        # range, as a share of the range.
        dx, dy, _ = check_line(main, v, hours, vals, f"all {v}", scale=lambda x: 100 * (x - lo) / (hi - lo),
                               ytol=3 * API_ROUND * 100 / (hi - lo))
        name = next(s["name"] for s in main["series"] if s["id"] == v)
        assert re.search(r"\(-?[\d.]+ to [\d.]+ ", name), name
        print(f"all together {v}: 8760 points, range {lo:.3f}..{hi:.3f}, largest dx {dx} ms, dy {dy:.3g} %")


def test_slider_sets_the_period(env, drawn):
    """Moving the slider's first end to July and then its second end to
    January: the URL says from=2019-01&to=2019-07 (the ends swapped into
    order) and the chart spans January to July with every hour."""
    r = drawn["04-slider"]
    assert "from=2019-01" in r["url"] and "to=2019-07" in r["url"], r["url"]
    a, b = oslo_ms(2019, 1), oslo_ms(2019, 8)
    main = r["charts"]["main"]
    assert main["x_extent"] == [a, b]
    dx, dy, _ = check_line(main, "wind_speed_10m", oslo_hours(a, b), env["no5"]["wind_speed_10m"], "slider period")
    assert r["text"]["#range-text"] == "Jan 2019 – Jul 2019"
    print(f"slider: {len(oslo_hours(a, b))} hours drawn, largest dx {dx} ms, dy {dy:.3g} m/s")


def test_energy_overlay_on_the_same_axis(env, drawn):
    """The checkbox adds NO1's production (all groups summed, MWh per hour)
    below, on the same x extent as the weather; its points are the file's
    hourly sums."""
    r = drawn["05-energy-overlay-NO1"]
    assert "energy=production" in r["url"]
    a, b = month_bounds(2021, 10)
    main, en = r["charts"]["main"], r["charts"]["energy"]
    assert en["x_extent"] == main["x_extent"] == [a, b]
    # and the same pixels: one instant is at one x in both charts.
    assert (en["grid"]["x"], en["grid"]["width"]) == (main["grid"]["x"], main["grid"]["width"])
    mwh = {t: k / 1000 for t, k in env["prod"]["NO1"].items()}
    dx, dy, gaps = check_line(en, "energy", oslo_hours(a, b), mwh, "energy")
    assert gaps == 0
    check_line(main, "temperature_2m", oslo_hours(a, b), env["no1"]["temperature_2m"], "NO1 weather")
    print(f"energy overlay: x extent {en['x_extent']} = weather's; 745 points, largest dx {dx} ms, dy {dy:.3g} MWh")


def test_energy_not_stored_is_said(drawn):
    """energy=consumption where the store holds none for NO5: no energy
    chart, a note saying so, no error."""
    r = drawn["05b-energy-not-stored"]
    assert "energy" not in r["charts"]
    assert r["text"]["#energy-note"] == "no consumption stored for NO5"
    assert r["text"]["#status"] in ("", None)


def test_no_weather_names_the_fetch_command(drawn):
    r = drawn["06-no-weather"]
    # The command as `elhub fetch` takes it, written by the server (/api/locate), not the
    # page, for the server's default months: the last 12 full Oslo months before now (the
    # Map page suggests the same).
    now = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Oslo"))
    to = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    assert r["text"]["#nodata-cmd"] == (f"elhub fetch --dataset weather --lat 61.2 --lon 8.1 "
                                        f"--from {now.year - 1:04d}-{now.month:02d} "
                                        f"--to {to[0]:04d}-{to[1]:02d}")
    r = drawn["09-snowdrift-no-weather"]
    assert r["text"]["#nodata-cmd"] == "elhub fetch --dataset weather --area NO2 --from 2019-07 --to 2021-06"
    assert "NO2" in r["text"]["#nodata-place"]


def check_table_row(row, want, what):
    c = row["cells"]
    assert c[0] == want["season"]
    assert c[1].startswith(f"{want['hours']} / {want['period_hours']}")
    worst = 0.0
    for i, k in ((2, "swe_mm"), (3, "qupot_kg_m"), (4, "qt_kg_m"), (5, "qt_t_m")):
        worst = max(worst, near_text(c[i], want[k], f"{what} {k}"))
    assert c[6] == want["control"]
    for i, k in ((7, "wyoming"), (8, "slat_wire"), (9, "solid")):
        worst = max(worst, near_text(c[i], want["fence_height_m"][k], f"{what} H {k}"))
    return worst


def test_snowdrift_table_rose_and_months(env, drawn):
    """Seasons 2018-2019 and 2019-2020 of the Bergen file: the table's
    numbers equal Tabler's formulas in Python, both seasons flagged partial;
    the rose of 2019-2020 has 16 bars whose drawn radii are proportional to
    the API's rose_kg_m (equal to Python's), sector 0 centred at the top and
    the sectors clockwise (checked on the canvas pixels); the monthly bars'
    drawn tops equal Python's monthly Qt."""
    r = drawn["07-snowdrift-NO5"]
    hours = bergen()
    want = {y: season(hours, y) for y in (2018, 2019)}
    for y in want:
        want[y]["season"] = f"{y}-{y + 1}"
    assert [t["data"]["season"] for t in r["table"]] == ["2018-2019", "2019-2020"]
    worst = 0.0
    for t, y in zip(r["table"], (2018, 2019)):
        worst = max(worst, check_table_row(t, want[y], want[y]["season"]))
        assert "sd-partial" in t["cls"].split()
        cov = 100 * want[y]["hours"] / want[y]["period_hours"]
        assert f"partial: {cov:.1f} %" in t["cells"][1], t["cells"][1]
    assert want[2018]["control"] == "wind" and want[2019]["control"] == "snowfall"
    print(f"snow-drift table: largest shown-vs-Python difference {worst:.3g} (within its printed digits)")
    _, _, body = env["srv"].get("/api/snowdrift?area=NO5&from_year=2019&to_year=2019")
    api = json.loads(body)["seasons"][0]["rose_kg_m"]
    rose = r["rose"]
    bars = rose["bars"]
    assert len(bars) == 16
    rel = 0.0
    for i, (bar, a, p) in enumerate(zip(bars, api, want[2019]["rose_kg_m"])):
        assert abs(a - p) <= 1e-9 * max(abs(a), abs(p)), (i, a, p)
        assert bar["value"] == a
        assert bar["r0"] == 0
        assert abs(bar["bearing"] - 22.5 * i) < 1e-9, (i, bar["bearing"])
    k = max(b["r"] for b in bars) / max(api)
    for bar, a in zip(bars, api):
        rel = max(rel, abs(bar["r"] - k * a) / (k * max(api)))
    assert rel <= 1e-6, f"radii not proportional: {rel}"
    # Pixels: half-way along each bar drawn long enough (>= 12 px) the canvas
    # has the bar's colour, north of the centre for sector 0.
    hexc = bars[0]["color"].lstrip("#")
    rgb = [int(hexc[i:i + 2], 16) for i in (0, 2, 4)]
    long = [b for b in bars if b["r"] >= 12]
    assert len(long) >= 8
    for b in long:
        assert b["pixel_at_half"][:3] == rgb, (b["name"], b["pixel_at_half"])
    print(f"rose: 16 bars, radii proportional within {rel:.2g} (relative), {len(long)} bars' pixels checked")
    mon = r["charts"]["monthly"]
    pts = mon["series"][0]["points"]
    tx, ty = tol(mon)
    dy = 0.0
    for i, (p, m) in enumerate(zip(pts, want[2019]["monthly"])):
        if m["hours"] == 0:
            assert p is None, (m, p)
            continue
        assert abs(p[0] - i) < 0.05 and abs(p[1] - m["qt_kg_m"]) <= ty, (m, p)
        dy = max(dy, abs(p[1] - m["qt_kg_m"]))
    print(f"monthly bars 2019-2020: largest dy {dy:.3g} kg/m (tolerance {ty:.3g})")


def test_snowdrift_parameters_from_the_inputs(drawn):
    """T, F, theta typed in: the URL carries them and the row equals
    Python's with them (the season turns snowfall-controlled)."""
    r = drawn["08-snowdrift-params"]
    for k in ("T=10", "F=200", "theta=0.4"):
        assert k in r["url"], r["url"]
    want = season(bergen(), 2018, T=10.0, F=200.0, theta=0.4)
    want["season"] = "2018-2019"
    assert want["control"] == "snowfall"
    worst = check_table_row(r["table"][0], want, "2018-2019 T=10 F=200 theta=0.4")
    print(f"snow drift with T=10 F=200 theta=0.4: largest difference {worst:.3g}; fences {sorted(FENCES)}")


def test_energy_page_offers_only_energy_datasets(env, tmp_path):
    """The Energy page draws production and consumption: weather (stored here
    beside production) is not offered as one of its datasets, and an old link
    /?ds=weather opens production instead of a pie of temperatures."""
    got = web_util.run_probe("probe.mjs", env["srv"], [
        {"name": "energy-ds-weather", "path": "/?ds=weather&area=NO1&year=2021&month=1"}],
        tmp_path / "energy.json", SHOTS / "energy")
    r = got["energy-ds-weather"]
    assert "ds=production" in r["url"], r["url"]
    assert "weather" not in r["controls"]["datasets"], r["controls"]
    meta = json.loads(env["srv"].get("/api/meta")[2])
    assert "weather" in [d["name"] for d in meta["datasets"]]
