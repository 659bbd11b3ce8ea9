"""The analysis pages in Chromium (issue 14, "Dashboard"): Decomposition
(STL | Spectrogram), Quality (Outliers (SPC) | Anomalies (LOF)) and
Weather × energy. tests/browser/analysis.mjs opens the pages, acts (fields,
sliders, buttons, a reload, a held request) and reports what ECharts DREW:
every line point and scatter symbol turned back from its pixel position into
data coordinates by the chart's own convertFromPixel (null for a gap), every
heatmap rectangle's category indices and value, the visualMap's range, the
category axes, the error shown, the spinner, the URL. Here that is compared
with:

- the API's own body for the same request (fetched by this test from the
  same URL the page asked for), and
- independent computations from the bundled files read in Python: the
  observed series (csv, gzip, zoneinfo), the hours of an Oslo range, the
  spectrogram's segment centres and frequencies from the window arithmetic,
  the SPC flags from scipy.fft.dct(norm="ortho") + numpy, the sliding
  correlation and the best lag from pandas
  (x.shift(lag).rolling(window, center=True).corr(y)).

The store: NO5 and NO1 hydro 2021 and the other slices
(data/elhub/production_2021_slices.csv.gz, Elhub, CC BY 4.0), the Bergen
ERA5 year (data/weather/, Open-Meteo.com, ERA5, CC BY 4.0) with its times
moved from 2019 to 2021 imported as NO5 (so weather and energy overlap), and
a copy of it with hours deleted imported as NO1 (gaps; test_browser_weather's
copies, one Python reading of the files for both tests).

Tolerances: x within one pixel's worth of time; y within one pixel's worth
of value (the drawn position is rounded to the device pixel grid); values
compared as numbers (heatmap values, counts, texts) exactly or within 1e-9.
Each test prints its largest differences. Screenshots:
build/test-output/browser-analysis/."""
import csv
import datetime as dt
import gzip
import json
import math
import urllib.parse
import zoneinfo

import numpy as np
import pandas as pd
import pytest
import scipy.fft

import web_util
from conftest import REPO, run_elhub
from test_browser_weather import ROWS_GONE, TEMP_GONE, VARS, read_weather, write_copy

pytestmark = pytest.mark.browser

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
PRODUCTION = REPO / "data" / "elhub" / "production_2021_slices.csv.gz"
SHOTS = REPO / "build" / "test-output" / "browser-analysis"
H = 3600_000
# The NO1 copy (test_browser_weather's write_copy, moved to 2021): six
# whole rows deleted on 12 October and five temperature cells emptied, so
# its temperature has gaps, the first of 6 hours, 11 hours missing in all.
TEMP_MISSING = len(ROWS_GONE) + len(TEMP_GONE)


def oslo_ms(day, hour=0):
    y, m, d = map(int, day.split("-"))
    return int(dt.datetime(y, m, d, hour, tzinfo=OSLO).timestamp() * 1000)


def oslo_hours(first, last):
    """The instants (ms) of every hour from Oslo midnight of first to the
    Oslo midnight after last: 25 on the day clocks go back."""
    a = oslo_ms(first)
    nxt = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    return list(range(a, oslo_ms(nxt), H))


def iso_ms(text):
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


def read_hydro(area):
    out = {}
    with gzip.open(PRODUCTION, "rt", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["priceArea"] == area and r["productionGroup"] == "hydro":
                out[iso_ms(r["startTime"])] = float(r["quantityKwh"])
    return out


def stored_specs():
    """Every series the test's store holds, from the files themselves."""
    specs = set()
    with gzip.open(PRODUCTION, "rt", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            specs.add(f"production:{r['priceArea']}:{r['productionGroup'].lower()}")
    for loc in ("NO5", "NO1"):
        specs |= {f"weather:{loc}:{v}" for v in VARS}
    return specs


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("anpage")
    uri = f"sqlite:{d / 'a.db'}"
    whole = d / "bergen_2021.csv"
    gapped = d / "bergen_2021_gap.csv"
    write_copy(BERGEN, whole, year=2021)
    write_copy(BERGEN, gapped, year=2021, drop=True)
    opts = ["--utc-offset", "+01:00", "--wind-unit", "kmh"]
    run_elhub("import", "--store", uri, PRODUCTION)
    run_elhub("import", "--store", uri, "--location", "NO5", *opts, whole)
    run_elhub("import", "--store", uri, "--location", "NO1", *opts, gapped)
    with web_util.serve(uri) as srv:
        yield {"srv": srv, "tmp": d, "wx": read_weather(whole), "no5": read_hydro("NO5")}


def api(env, path, status=200):
    code, _, body = env["srv"].get(path)
    assert code == status, (path, code, body[:300])
    return json.loads(body)


YEAR = "from=2021-01-01&to=2021-12-31"
STL = f"/decomposition?tab=stl&series=production:NO5:hydro&{YEAR}"
DST = "/decomposition?tab=stl&series=production:NO5:hydro&from=2021-10-25&to=2021-11-07&period=24"
SPEC = f"/decomposition?tab=spectrogram&series=production:NO5:hydro&{YEAR}"
SPEC_ODD = f"/decomposition?tab=spectrogram&series=production:NO5:hydro&{YEAR}&window=101&overlap=30&window_fn=hamming"
OUT = f"/quality?tab=outliers&series=weather:NO5:temperature_2m&{YEAR}"
LOF = f"/quality?tab=anomalies&series=weather:NO5:precipitation&{YEAR}"
CORR = f"/correlation?x=weather:NO5:temperature_2m&y=production:NO5:hydro&{YEAR}&lag_range=-48:48"
GAP = f"/quality?tab=outliers&series=weather:NO1:temperature_2m&{YEAR}"


@pytest.fixture(scope="module")
def drawn(env):
    cases = [
        {"name": "01-stl-year", "hook": "elhubDecomposition", "path": STL, "options": ["#p-series"]},
        {"name": "02-stl-dst-fortnight", "hook": "elhubDecomposition", "path": DST},
        {"name": "03-spectrogram", "hook": "elhubDecomposition", "path": SPEC},
        {"name": "04-spectrogram-odd", "hook": "elhubDecomposition", "path": SPEC_ODD},
        {"name": "05-outliers", "hook": "elhubQuality", "path": OUT, "text": ["#out-summary"]},
        {"name": "06-anomalies", "hook": "elhubQuality", "path": LOF, "text": ["#lof-summary"]},
        {"name": "06b-anomalies-two-series", "hook": "elhubQuality",
         "path": f"/quality?tab=anomalies&series=weather:NO5:precipitation,weather:NO5:wind_speed_10m&{YEAR}&neighbors=35"},
        {"name": "07-correlation", "hook": "elhubCorrelation", "path": CORR, "text": ["#best-lag", "#best-r"]},
        {"name": "08-correlation-lag-slider", "hook": "elhubCorrelation", "path": CORR,
         "fill": [["#p-lag-slider", -24], ["#p-window-slider", 73]]},
        {"name": "09-url-round-trip", "hook": "elhubDecomposition", "path": STL,
         "fill": [["#p-period", 24]], "click": ["#p-robust"], "reload": True},
        {"name": "10-bad-parameter", "hook": "elhubDecomposition", "path": f"{STL}&period=1", "text": ["#error-text", "#error-fill", "#stl-caption"]},
        {"name": "11-gap", "hook": "elhubQuality", "path": GAP, "text": ["#error-text"], "options": ["#p-series"]},
        {"name": "12-gap-filled", "hook": "elhubQuality", "path": GAP, "click": ["#error-fill-btn"], "text": ["#status", "#error"]},
        {"name": "13-spinner", "hook": "elhubDecomposition", "path": f"{STL}&seasonal=9", "hold": "**/api/analysis/stl*"},
        {"name": "14-defaults", "hook": "elhubDecomposition", "path": "/decomposition"},
    ]
    return web_util.run_probe("analysis.mjs", env["srv"], cases, env["tmp"] / "analysis.json", SHOTS)


def series_of(r, chart, sid):
    return next(s for s in r["charts"][chart]["series"] if s["id"] == sid)


def check_points(s, want, what):
    """The drawn points of s equal want (a list of (ms, value or None)):
    one per item, a gap where want has none, each within one pixel."""
    pts = s["points"]
    assert len(pts) == len(want), f"{what}: {len(pts)} points drawn for {len(want)}"
    tx, ty = s["px"]
    dx = dy = 0.0
    for (t, v), p in zip(want, pts):
        if v is None:
            assert p is None, f"{what}: a point drawn at {t} where there is no value: {p}"
            continue
        assert p is not None, f"{what}: no point at {t}"
        dx, dy = max(dx, abs(p[0] - t)), max(dy, abs(p[1] - v))
    assert dx <= tx, f"{what}: x off by {dx} ms (one pixel: {tx})"
    assert dy <= ty, f"{what}: y off by {dy} (one pixel: {ty})"
    return dx, dy


def test_stl_four_panels_one_point_per_hour(env, drawn):
    """Observed, trend, seasonal and residual: one point per hour of the
    range (8,760 for 2021; 14 days with the 25-hour 31 October: 337), at the
    hour, with the body's values; the observed series is the file's."""
    for name, first, last in (("01-stl-year", "2021-01-01", "2021-12-31"), ("02-stl-dst-fortnight", "2021-10-25", "2021-11-07")):
        r = drawn[name]
        hours = oslo_hours(first, last)
        assert len(hours) == {"2021-01-01": 8760, "2021-10-25": 14 * 24 + 1}[first]
        body = api(env, r["api"])
        assert [iso_ms(t) for t in body["time"]] == hours
        ids = [s["id"] for s in r["charts"]["stl-chart"]["series"]]
        assert ids == ["observed", "trend", "seasonal", "resid"], ids
        worst = {}
        for k in ids:
            worst[k] = check_points(series_of(r, "stl-chart", k), list(zip(hours, body[k])), f"{name} {k}")
        check_points(series_of(r, "stl-chart", "observed"), [(t, env["no5"][t]) for t in hours], f"{name} observed vs file")
        print(f"{name}: {len(hours)} hours; largest (dx ms, dy) per panel: {worst}")


def test_spectrogram_cells_are_segments_times_frequencies(env, drawn):
    """Every (segment, frequency) cell drawn once, its colour value log10 of
    the body's power (zero power at 12 decades under the largest), the
    visualMap over those values; the x categories are the segment centres
    (start + offset + window/2 hours, every window - overlap hours), the y
    categories k * 24 / window cycles per day."""
    for name, window, overlap in (("03-spectrogram", 168, 84), ("04-spectrogram-odd", 101, 30)):
        r = drawn[name]
        body = api(env, r["api"])
        n = len(oslo_hours("2021-01-01", "2021-12-31"))
        step = window - overlap
        nseg = (n - overlap) // step
        nf = window // 2 + 1
        assert len(body["time"]) == nseg and len(body["frequency"]) == nf
        s = series_of(r, "spec-chart", "power")
        assert s["count"] == nseg * nf and len(s["cells"]) == nseg * nf, (len(s["cells"]), nseg, nf)
        got = {}
        for (i, j), v in zip(s["cells"], s["values"]):
            got[(round(i), round(j))] = v
        assert len(got) == nseg * nf, "a cell drawn twice"
        p = np.array(body["power"], dtype=float)
        floor = p.max() * 1e-12
        want = np.log10(np.maximum(p, floor))
        dv = max(abs(got[(i, j)] - want[i, j]) for i in range(nseg) for j in range(nf))
        assert dv <= 1e-9, dv
        lo, hi = r["charts"]["spec-chart"]["visualmap"]
        assert abs(lo - want.min()) <= 1e-9 and abs(hi - want.max()) <= 1e-9
        start = oslo_ms("2021-01-01")
        centres = [start + round((k * step + window / 2) * H) for k in range(nseg)]
        cats = r["charts"]["spec-chart"]["categories"]
        assert [iso_ms(t) for t in cats["x"][0]] == centres
        freqs = [float(f.replace(",", "")) for f in cats["y"][0]]
        df = max(abs(f - k * 24 / window) for k, f in enumerate(freqs))
        assert df <= 5e-5, df  # the labels have 4 decimals
        print(f"{name}: {nseg} x {nf} cells; largest log10 difference {dv:.2e}, frequency label {df:.2e}")


def spc_flags(x, cutoff=30, k=3.0):
    """The course's SPC: the orthonormal DCT-II, the first cutoff
    coefficients zeroed, the inverse (SATV); flagged where the SATV leaves
    median +- k * 1.4826 * MAD."""
    c = scipy.fft.dct(x, norm="ortho")
    c[:cutoff] = 0
    satv = scipy.fft.idct(c, norm="ortho")
    med = np.median(satv)
    sigma = 1.4826 * np.median(np.abs(satv - med))
    return (satv < med - k * sigma) | (satv > med + k * sigma), x - satv + med - k * sigma, x - satv + med + k * sigma


def test_outlier_markers_are_the_flagged_hours(env, drawn):
    """As many markers as the body counts, at the flagged hours and values;
    the flags are scipy + numpy's on the file's temperatures; the band runs
    from the lower to the upper bound; the summary shows the count."""
    r = drawn["05-outliers"]
    body = api(env, r["api"])
    hours = oslo_hours("2021-01-01", "2021-12-31")
    x = np.array([env["wx"]["temperature_2m"][t] for t in hours])
    flags, lower, upper = spc_flags(x)
    flagged = [t for t, f in zip(hours, flags) if f]
    assert sum(body["outlier"]) == body["summary"]["count"] == len(flagged)
    assert [h for h, f in zip(hours, body["outlier"]) if f] == flagged
    dots = series_of(r, "out-chart", "outliers")
    check_points(dots, [(t, env["wx"]["temperature_2m"][t]) for t in flagged], "outlier markers")
    check_points(series_of(r, "out-chart", "lower"), list(zip(hours, lower)), "band bottom")
    # The band's stacked top is the upper bound.
    check_points(series_of(r, "out-chart", "band"), list(zip(hours, upper)), "band top")
    check_points(series_of(r, "out-chart", "value"), list(zip(hours, x)), "series")
    assert f"Outliers{len(flagged)}" in r["text"]["#out-summary"].replace(" ", ""), r["text"]["#out-summary"]
    print(f"outliers: {len(flagged)} flagged hours drawn where scipy flags them")


def test_anomaly_markers_and_scores(env, drawn):
    """The anomaly markers are the body's flagged hours at the file's
    precipitation; the score line is the body's scores; the summary shows
    the count."""
    r = drawn["06-anomalies"]
    body = api(env, r["api"])
    hours = oslo_hours("2021-01-01", "2021-12-31")
    flagged = [t for t, f in zip(hours, body["anomaly"]) if f]
    assert len(flagged) == body["count"] > 0
    pr = env["wx"]["precipitation"]
    check_points(series_of(r, "lof-chart", "anomalies-0"), [(t, pr[t]) for t in flagged], "anomaly markers")
    # The lower panel draws the factor, -score, on a log axis: compared as
    # log10 (one pixel there is a share of a decade).
    f = series_of(r, "lof-chart", "factor")
    assert len(f["points"]) == len(hours) and all(p is not None for p in f["points"])
    dx = max(abs(p[0] - t) for t, p in zip(hours, f["points"]))
    dy = max(abs(math.log10(p[1]) - math.log10(-s)) for s, p in zip(body["score"], f["points"]))
    assert dx <= f["px"][0] and dy <= f["px"][1], (dx, dy, f["px"])  # px[1]: decades per pixel
    check_points(series_of(r, "lof-chart", "value-0"), [(t, pr[t]) for t in hours], "precipitation")
    assert f"Anomalies{body['count']}" in r["text"]["#lof-summary"].replace(" ", "")
    print(f"anomalies: {len(flagged)} markers; factors off by at most {dx} ms, {dy} in log10")


def test_anomalies_of_two_series(env, drawn):
    """Two series (precipitation and wind speed, 35 neighbours): a line
    each at the file's values, and at every flagged hour a marker on each
    line; the request carries both series and the neighbours."""
    r = drawn["06b-anomalies-two-series"]
    assert "neighbors=35" in r["api"]
    body = api(env, r["api"])
    assert body["params"]["neighbors"] == 35 and len(body["value"][0]) == 2
    hours = oslo_hours("2021-01-01", "2021-12-31")
    flagged = [t for t, f in zip(hours, body["anomaly"]) if f]
    assert len(flagged) == body["count"] > 0
    for k, v in enumerate(("precipitation", "wind_speed_10m")):
        w = env["wx"][v]
        check_points(series_of(r, "lof-chart", f"value-{k}"), [(t, w[t]) for t in hours], f"{v} line")
        check_points(series_of(r, "lof-chart", f"anomalies-{k}"), [(t, w[t]) for t in flagged], f"{v} markers")
    print(f"two series: {len(flagged)} anomalies marked on both lines")


def pandas_r(env, lag, window, hours):
    x = pd.Series([env["wx"]["temperature_2m"][t] for t in hours])
    y = pd.Series([env["no5"][t] for t in hours])
    return x, y, x.shift(lag).rolling(window, center=True).corr(y)


def test_correlation_gaps_where_window_incomplete(env, drawn):
    """The r line equals pandas' x.shift(lag).rolling(window,
    center=True).corr(y) with a gap exactly where pandas has NaN (the
    incomplete windows), for the defaults and after moving the sliders to
    lag -24 and window 73; the URL keeps the slider values; the best lag
    over -48:48 is pandas' lag of the largest |corr| over the whole range."""
    hours = oslo_hours("2021-01-01", "2021-12-31")
    for name, lag, window in (("07-correlation", 0, 168), ("08-correlation-lag-slider", -24, 73)):
        r = drawn[name]
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["url"]).query)
        assert q.get("lag", ["0"]) == [str(lag)] and q.get("window", ["168"]) == [str(window)], r["url"]
        x, y, want = pandas_r(env, lag, window, hours)
        rs = series_of(r, "corr-chart", "r")
        exp = [(t, None if math.isnan(v) else v) for t, v in zip(hours, want)]
        dx, dy = check_points(rs, exp, f"{name} r")
        gaps = sum(p is None for p in rs["points"])
        assert gaps == sum(v is None for _, v in exp) > 0
        check_points(series_of(r, "corr-chart", "x"), [(t, None if math.isnan(v) else v) for t, v in zip(hours, x.shift(lag))], f"{name} x shifted")
        check_points(series_of(r, "corr-chart", "y"), list(zip(hours, y)), f"{name} y")
        print(f"{name}: {gaps} hours without r (pandas NaN), r off by at most {dy}")
    r = drawn["07-correlation"]
    x, y, _ = pandas_r(env, 0, 168, hours)
    by_lag = {lag: x.shift(lag).corr(y) for lag in range(-48, 49)}
    best = max(by_lag, key=lambda k: (abs(by_lag[k]), -abs(k)))
    body = api(env, r["api"])
    assert body["best_lag"] == best, (body["best_lag"], best)
    assert r["text"]["#best-lag"] == f"{best} h"
    assert abs(float(r["text"]["#best-r"]) - by_lag[best]) <= 0.5e-4
    print(f"best lag {best} h, r = {by_lag[best]:.6f} (pandas), shown {r['text']['#best-r']}")


def test_url_round_trip(env, drawn):
    """Set period 24 and robust, reload: the same URL, the same request,
    the same drawn chart (a fifth panel with the robustness weights)."""
    r = drawn["09-url-round-trip"]
    b = r["before_reload"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["url"]).query)
    assert q["period"] == ["24"] and q["robust"] == ["true"], r["url"]
    assert b["url"] == r["url"] and b["api"] == r["api"]
    assert "period=24" in r["api"] and "robust=true" in r["api"]
    assert b["charts"] == r["charts"]
    assert [s["id"] for s in r["charts"]["stl-chart"]["series"]][-1] == "weights"
    body = api(env, r["api"])
    assert body["params"]["period"] == 24 and body["params"]["robust"] is True


def test_api_errors_shown_verbatim(env, drawn):
    """A bad parameter's 400 and a gap's message appear as the API wrote
    them; the gap offers fill=linear, which then draws the series and says
    how many hours it filled."""
    r = drawn["10-bad-parameter"]
    detail = api(env, r["api"], status=400)["detail"]
    assert r["text"]["#error-text"] == detail and "period" in detail
    assert r["text"]["#error-fill"] is None and r["text"]["#stl-caption"] is None
    assert r["shown_error"]["status"] == 400 and r["charts"] == {}
    r = drawn["11-gap"]
    code, _, body = env["srv"].get(r["api"])
    detail = json.loads(body)["detail"]
    assert code >= 400 and "gap" in detail
    assert r["text"]["#error-text"] == detail
    r = drawn["12-gap-filled"]
    assert "fill=linear" in r["url"] and "fill=linear" in r["api"]
    assert r["text"]["#error"] is None
    body = api(env, r["api"])
    assert body["filled"]["weather:NO1:temperature_2m"] == TEMP_MISSING
    assert f"{TEMP_MISSING} hours" in r["text"]["#status"]
    assert series_of(r, "out-chart", "value")["count"] == 8760
    print(f"shown: {detail!r}")


def test_series_pickers_offer_the_store(drawn):
    """The pickers list exactly the series the store holds."""
    want = stored_specs()
    for name in ("01-stl-year", "11-gap"):
        got = set(drawn[name]["options"]["#p-series"])
        assert got == want, (sorted(got ^ want))


def test_spinner_for_a_slow_request(drawn):
    """With the analysis request held (a route that answers only once the
    spinner is visible: no race), the spinner shows; it is gone after."""
    s = drawn["13-spinner"]["spinner"]
    assert s["seen_while_held"] and s["hidden_after"]


def test_defaults_without_parameters(env, drawn):
    """/decomposition alone: STL of NO5 hydro over its stored year, with the
    table's defaults (period 168), written into the URL."""
    r = drawn["14-defaults"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["url"]).query)
    assert q["series"] == ["production:NO5:hydro"] and q["from"] == ["2021-01-01"] and q["to"] == ["2021-12-31"]
    body = api(env, r["api"])
    assert body["params"]["period"] == 168
    assert series_of(r, "stl-chart", "observed")["count"] == 8760


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The store `make demo` builds (scripts/demo.sh): every bundled Elhub
    file (2021 slices, and September-November 2025 with a first month that
    starts on the 16th) and the bundled weather as it is (Bergen 2019 as NO5,
    the Open-Meteo 2020 point): no weather shares an hour with energy."""
    d = tmp_path_factory.mktemp("andemo")
    uri = f"sqlite:{d / 'demo.db'}"
    run_elhub("import", "--store", uri, *sorted(str(p) for p in (REPO / "data" / "elhub").glob("*.gz")))
    run_elhub("import", "--store", uri, "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", BERGEN)
    run_elhub("import", "--store", uri, "--lat", "60.57", "--lon", "7.60", "--utc-offset", "+00:00",
              REPO / "data" / "weather" / "open-meteo-subset_2020.csv")
    with web_util.serve(uri) as srv:
        cases = [{"name": "15-demo-decomposition", "hook": "elhubDecomposition", "path": "/decomposition"},
                 {"name": "16-demo-correlation", "hook": "elhubCorrelation", "path": "/correlation"}]
        yield {"srv": srv, "drawn": web_util.run_probe("analysis.mjs", srv, cases, d / "demo.json", SHOTS)}


def test_demo_store_defaults_are_answerable(demo):
    """On the demo store the pages' defaults are ranges the API answers
    without filling: NO5 hydro's complete year 2021, not September 2025
    (stored from the 16th only); and, since no weather shares an hour with
    energy there, Weather x energy starts on two energy series that share
    their hours instead of on an error."""
    r = demo["drawn"]["15-demo-decomposition"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["url"]).query)
    assert (q["series"], q["from"], q["to"]) == (["production:NO5:hydro"], ["2021-01-01"], ["2021-12-31"]), r["url"]
    assert not r["shown_error"], r["shown_error"]
    assert series_of(r, "stl-chart", "observed")["count"] == 8760
    r = demo["drawn"]["16-demo-correlation"]
    assert not r["shown_error"], r["shown_error"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r["url"]).query)
    assert q["x"][0].split(":")[0] != "weather" and q["y"][0].split(":")[0] != "weather", r["url"]
    code, _, body = demo["srv"].get(r["api"])
    assert code == 200, body[:300]
    n = len(json.loads(body)["time"])
    assert series_of(r, "corr-chart", "r")["count"] == n > 0
