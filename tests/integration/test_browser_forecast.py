"""The Forecast page in Chromium (issue 15, "Dashboard"). tests/browser/
analysis.mjs opens /forecast, acts (fields, a brush dragged across the
history chart, a click on Run, a reload, a held request) and reports what
ECharts DREW: every line point turned back from its pixel position into
data coordinates by the chart's own convertFromPixel, the tables' cell
texts, the inputs offered, the error shown, the URL and the forecast request
the page made. Here that is compared with the /api/forecast body (fetched by
this test with urllib from the same server, the same URL: independent of
the page) and with numbers formatted here in Python:

- the forecast mean and the interval band (its lower edge, and the stacked
  top = upper) within one pixel of the body's, at the body's hours;
- the backtest table: every MAE and RMSE in the unit ladder's rung that the
  largest of them needs (/api/meta's ladder), 4 significant digits but no
  more decimals than the data has; the percentages (MAPE or sMAPE, as the
  body's pct_metric says) with two decimals; the fit's llf, AIC and BIC;
- the URL round trip, the brush, the errors verbatim, the regressors
  offered (= /api/forecast/exog's list), the spinner.

The store: every bundled Elhub file (data/elhub/*.gz, Elhub, CC BY 4.0:
2021 slices, and September-November 2025 from the 16th) and the Bergen ERA5
year (data/weather/, Open-Meteo.com, ERA5, CC BY 4.0) moved from 2019 to
2021 and imported as NO5, so NO5 hydro has weather over its 2021 hours; and
a second server on the store `make demo` builds (scripts/demo.sh), where no
weather shares an hour with energy. Screenshots:
build/test-output/browser-forecast/."""
import datetime as dt
import json
import math
import urllib.parse
import urllib.request
import zoneinfo

import pytest

import web_util
from conftest import REPO, run_elhub
from test_browser_analysis import BERGEN, check_points, series_of
from test_browser_weather import write_copy

pytestmark = pytest.mark.browser

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
SHOTS = REPO / "build" / "test-output" / "browser-forecast"
MODEL = "horizon=168&order=1,0,1&seasonal_order=1,1,1,24&folds=3"
NO1 = f"/forecast?series=production:NO1:hydro&train_from=2021-01-04&train_to=2021-02-28&{MODEL}"
NO5 = f"/forecast?series=production:NO5:hydro&train_from=2021-01-04&train_to=2021-02-28&{MODEL}"
TEMP = "weather:NO5:temperature_2m"


def oslo_ms(day):
    y, m, d = map(int, day.split("-"))
    return int(dt.datetime(y, m, d, tzinfo=OSLO).timestamp() * 1000)


def iso_ms(text):
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


def import_demo(uri, weather):
    """The bundled Elhub files, then the weather: Bergen as NO5 (weather: the
    file to import), and the Open-Meteo 2020 point, as scripts/demo.sh."""
    run_elhub("import", "--store", uri, *sorted(str(p) for p in (REPO / "data" / "elhub").glob("*.gz")))
    run_elhub("import", "--store", uri, "--location", "NO5", "--utc-offset", "+01:00", "--wind-unit", "kmh", weather)
    run_elhub("import", "--store", uri, "--lat", "60.57", "--lon", "7.60", "--utc-offset", "+00:00",
              REPO / "data" / "weather" / "open-meteo-subset_2020.csv")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("fcpage")
    uri = f"sqlite:{d / 'f.db'}"
    moved = d / "bergen_2021.csv"
    write_copy(BERGEN, moved, year=2021)
    import_demo(uri, moved)
    with web_util.serve(uri) as srv:
        yield {"srv": srv, "tmp": d}


def fetch(srv, path, status=200):
    """path's body by urllib, independent of the page."""
    try:
        with urllib.request.urlopen(srv.url + path, timeout=120) as r:
            code, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, body = e.code, e.read()
    assert code == status, (path, code, body[:300])
    return json.loads(body)


def query(url):
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


@pytest.fixture(scope="module")
def drawn(env):
    brush = [oslo_ms("2021-02-01"), oslo_ms("2021-03-29")]
    cases = [
        {"name": "01-defaults", "hook": "elhubForecast", "path": "/forecast",
         "tables": ["#backtest", "#fit"], "options": ["#p-series"], "text": ["#bt-caption"]},
        {"name": "02-round-trip", "hook": "elhubForecast", "path": NO1,
         "fill": [["#p-horizon", 48], ["#p-order", "2,1,1"], ["#p-seasonal_order", "0,1,1,24"], ["#p-alpha", 0.1],
                  ["#p-folds", 2]], "click": ["#run"], "reload": True, "tables": ["#backtest"],
         "text": ["#bt-caption"]},
        {"name": "03-brush", "hook": "elhubForecast", "path": NO1, "brush": ["history-chart", *brush],
         "click": ["#run"]},
        {"name": "04-bad-order", "hook": "elhubForecast", "path": NO1.replace("order=1,0,1", "order=9,0,1"),
         "text": ["#error-text"]},
        {"name": "05-missing-hours", "hook": "elhubForecast",
         "path": f"/forecast?series=production:NO1:hydro&train_from=2025-09-01&train_to=2025-10-26&{MODEL}",
         "text": ["#error-text"]},
        {"name": "06-exog", "hook": "elhubForecast", "path": NO5, "inputs": ["#p-exog"],
         "click": [f'#p-exog input[value="{TEMP}"]', "#run"], "tables": ["#fit-params"]},
        {"name": "07-spinner", "hook": "elhubForecast", "path": NO1, "hold": "**/api/forecast?series=*"},
    ]
    return web_util.run_probe("analysis.mjs", env["srv"], cases, env["tmp"] / "forecast.json", SHOTS)


def in_rung(x, rung, decimals):
    """common.js' inUnit, written again here: 4 significant digits, never
    more decimals than the data has (decimals in the base unit)."""
    v = x / rung
    max_frac = max(0, min(20, decimals + round(math.log10(rung))))
    digits = max(0, 3 - math.floor(math.log10(abs(v)))) if abs(v) >= 1 else 3
    return fixed(v, min(max_frac, digits))


def fixed(v, frac):
    """Intl.NumberFormat('en-US', {maximumFractionDigits: frac})."""
    s = f"{v:,.{frac}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def ladder(srv, dataset):
    meta = fetch(srv, "/api/meta")
    d = next(x for x in meta["datasets"] if x["name"] == dataset)
    return d["units"]["energy"], d["units"]["decimals"]


def check_forecast(r, body):
    """The mean line and the band within one pixel of the body's."""
    f = body["forecast"]
    t = [iso_ms(x) for x in f["time"]]
    worst = {}
    worst["mean"] = check_points(series_of(r, "forecast-chart", "mean"), list(zip(t, f["mean"])), "mean")
    worst["lower"] = check_points(series_of(r, "forecast-chart", "lower"), list(zip(t, f["lower"])), "band bottom")
    # The band's stacked top is the upper bound.
    worst["upper"] = check_points(series_of(r, "forecast-chart", "band"), list(zip(t, f["upper"])), "band top")
    return worst


def test_defaults_draw_the_body(env, drawn):
    """/forecast alone: NO1 hydro, the 8 weeks 2021-01-04..2021-02-28 (the
    first Monday of its complete year), (1,0,1)(1,1,1,24), 168 h, 3 folds,
    all written into the URL and the request; the mean and the band drawn
    at the body's 168 hours and values."""
    r = drawn["01-defaults"]
    q = query(r["url"])
    want = {"series": "production:NO1:hydro", "train_from": "2021-01-04", "train_to": "2021-02-28", "horizon": "168",
            "order": "1,0,1", "seasonal_order": "1,1,1,24", "folds": "3"}
    assert {k: q.get(k) for k in want} == want, r["url"]
    assert {k: query(r["api"]).get(k) for k in want} == want, r["api"]
    assert not r["shown_error"]
    body = fetch(env["srv"], r["api"])
    assert len(body["forecast"]["time"]) == 168
    worst = check_forecast(r, body)
    print(f"defaults: largest (dx ms, dy kWh) per line: {worst}")


def test_backtest_and_fit_tables_are_the_body(env, drawn):
    """Each fold's and the overall MAE, RMSE and MAPE/sMAPE of the model,
    seasonal naive and naive week, as formatted here from the body; the
    header names the rung and the body's pct_metric; the fit's llf, AIC
    and BIC."""
    rungs, decimals = ladder(env["srv"], "production")
    for name in ("01-defaults", "02-round-trip"):
        r = drawn[name]
        body = fetch(env["srv"], r["api"])
        bt = body["backtest"]
        groups = [f["metrics"] for f in bt["per_fold"]] + [bt["overall"]]
        top = max(g[m][k] for g in groups for m in g for k in ("mae", "rmse"))
        unit, rung = [u for u in rungs if top >= u[1]][-1]
        pct = bt["pct_metric"]
        rows = r["tables"]["#backtest"]
        assert len(rows) == 3 * len(groups), rows
        want = []
        for g in groups:
            for m in ("model", "seasonal_naive", "naive_week"):
                want.append([in_rung(g[m]["mae"], rung, decimals), in_rung(g[m]["rmse"], rung, decimals), fixed(g[m][pct], 2)])
        got = [row[-3:] for row in rows]
        assert got == want, (got, want)
        # The heading names the forecast with the smallest overall MAE and
        # its margin, computed here from the body.
        o = bt["overall"]
        best = min(("model", "seasonal_naive", "naive_week"), key=lambda m: o[m]["mae"])
        cap = r["text"]["#bt-caption"]

        def pct_below(a, b):
            return f"{fixed(100 * (1 - o[a]['mae'] / o[b]['mae']), 1)} % below"
        if best == "model":
            want_cap = (f"the model wins: MAE {pct_below('model', 'seasonal_naive')} seasonal naive, "
                        f"{pct_below('model', 'naive_week')} naive last week")
        else:
            label = {"seasonal_naive": "seasonal naive", "naive_week": "naive last week"}[best]
            want_cap = f"{label} wins: MAE {pct_below(best, 'model')} the model's"
        assert cap == want_cap, (cap, want_cap)
        print(f"{name}: heading {cap!r}")
        print(f"{name}: {len(rows)} backtest rows in {unit} ({pct}) equal the body's as formatted")
    r = drawn["01-defaults"]
    body = fetch(env["srv"], r["api"])
    fit = {row[0]: row[1] for row in r["tables"]["#fit"]}
    assert fit["Log-likelihood"] == fixed(body["llf"], 3) and fit["AIC"] == fixed(body["aic"], 3) and fit["BIC"] == fixed(body["bic"], 3), fit
    assert fit["Converged"].startswith("yes" if body["converged"] else "no") and body["message"] in fit["Converged"]


def test_url_round_trip(env, drawn):
    """Horizon 48, (2,1,1)(0,1,1,24), alpha 0.1, 2 folds, Run, reload: the
    same URL, the same request, the same drawn charts; the body is the
    request's."""
    r = drawn["02-round-trip"]
    b = r["before_reload"]
    want = {"horizon": "48", "order": "2,1,1", "seasonal_order": "0,1,1,24", "alpha": "0.1", "folds": "2"}
    for u in (r["url"], r["api"]):
        assert {k: query(u).get(k) for k in want} == want, u
    assert b["url"] == r["url"] and b["api"] == r["api"]
    assert b["charts"] == r["charts"]
    body = fetch(env["srv"], r["api"])
    assert len(body["forecast"]["time"]) == 48 and body["backtest"]["folds"] == 2 and body["forecast"]["alpha"] == 0.1
    check_forecast(r, body)


def test_brush_sets_the_training_days(env, drawn):
    """A drag from the Oslo midnight starting 1 February to the one starting
    29 March: train_from 2021-02-01, train_to 2021-03-28 in the URL and in
    the next request, which answers 1,343 hours (28 March has 23)."""
    r = drawn["03-brush"]
    q = query(r["url"])
    assert (q["train_from"], q["train_to"]) == ("2021-02-01", "2021-03-28"), r["url"]
    a = query(r["api"])
    assert (a["train_from"], a["train_to"]) == ("2021-02-01", "2021-03-28"), r["api"]
    body = fetch(env["srv"], r["api"])
    assert body["train"]["hours"] == 56 * 24 - 1
    check_forecast(r, body)


def test_api_errors_shown_verbatim(env, drawn):
    """A bad order (400) and training days with hours missing (September
    2025 is stored from the 16th: 422) appear as the API wrote them."""
    for name, status in (("04-bad-order", 400), ("05-missing-hours", 422)):
        r = drawn[name]
        detail = fetch(env["srv"], r["api"], status=status)["detail"]
        assert r["text"]["#error-text"] == detail, (r["text"], detail)
        assert r["shown_error"]["status"] == status and "forecast-chart" not in r["charts"]
        print(f"{name}: shown {detail!r}")


def test_exog_offered_is_the_servers_list(env, drawn):
    """The regressor boxes are /api/forecast/exog's list for the series and
    hours (NO5's weather, moved into 2021); ticking temperature puts it in
    the URL and the request, and the fit names its coefficient."""
    r = drawn["06-exog"]
    q = query(r["url"])
    ex = fetch(env["srv"], "/api/forecast/exog?" + urllib.parse.urlencode(
        {k: q[k] for k in ("series", "train_from", "train_to", "horizon")}))
    offered = [spec for spec, _ in r["inputs"]["#p-exog"]]
    assert offered == [x["spec"] for x in ex["exog"]] and TEMP in offered, (offered, ex)
    assert q["exog"] == TEMP and query(r["api"])["exog"] == TEMP
    body = fetch(env["srv"], r["api"])
    assert body["exog"] == [TEMP] and TEMP in body["params"]
    assert TEMP in [row[0] for row in r["tables"]["#fit-params"]]
    check_forecast(r, body)


def test_series_picker_offers_the_energy_series(env, drawn):
    """The picker lists the store's energy series (production and
    consumption in /api/meta), no weather."""
    meta = fetch(env["srv"], "/api/meta")
    want = {f"{d['name']}:{s['area']}:{s['group']}" for d in meta["datasets"] if d["unit"] == "kWh"
            for s in d["series"] if s["group"] != "*"}
    got = set(drawn["01-defaults"]["options"]["#p-series"])
    assert got == want and not any(s.startswith("weather:") for s in got), sorted(got ^ want)


def test_spinner_for_a_slow_fit(drawn):
    """With the forecast request held (released only once the spinner is
    visible: no race), the spinner shows; it is gone after."""
    s = drawn["07-spinner"]["spinner"]
    assert s["seen_while_held"] and s["hidden_after"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The store `make demo` builds (scripts/demo.sh)."""
    d = tmp_path_factory.mktemp("fcdemo")
    uri = f"sqlite:{d / 'demo.db'}"
    import_demo(uri, BERGEN)
    with web_util.serve(uri) as srv:
        cases = [{"name": "08-demo-defaults", "hook": "elhubForecast", "path": "/forecast", "inputs": ["#p-exog"]}]
        yield {"srv": srv, "drawn": web_util.run_probe("analysis.mjs", srv, cases, d / "demo.json", SHOTS)}


def test_demo_store_defaults_are_answerable(demo):
    """On the demo store /forecast alone answers: NO1 hydro's 8 weeks from
    2021-01-04, a forecast drawn at the body's hours, three backtest folds;
    no regressor offered (no weather shares an hour with energy there)."""
    r = demo["drawn"]["08-demo-defaults"]
    assert not r["shown_error"], r["shown_error"]
    q = query(r["url"])
    assert (q["series"], q["train_from"], q["train_to"]) == ("production:NO1:hydro", "2021-01-04", "2021-02-28"), r["url"]
    body = fetch(demo["srv"], r["api"])
    assert body["backtest"]["folds"] == 3
    check_forecast(r, body)
    assert r["inputs"]["#p-exog"] == []
