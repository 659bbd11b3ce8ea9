"""GET /api/forecast, /api/forecast/params and /api/forecast/exog against a
running `elhub serve` on loopback over a SQLite store of the real bundled
data (Elhub production 2021: NO1 and NO5 hydro a full year; one NO5 hydro
training hour left out, a gap) and synthetic weather imported by elhub
itself: no real weather overlaps the bundled energy hours (the bundled ERA5
files are 2019/2020), so the tests write their own for 2021 (the series of
forecast_ref.py for NO1 temperature, and two more variables made here).

What is checked: the API's body is `elhub forecast`'s standard output for
the same parameters byte for byte (JSON and CSV, with backtest folds, with
an exogenous regressor), apart from "max_fevals", which states the
server's work budget and is compared with the budget computed here from
LIMIT_FORECAST_API_WORK's documented rule; refusals name the parameter in
the listing's own words (400); a gap and a regressor hour missing over the
horizon are 422; too much work is refused (400) before any heavy read; the
parameter listing is what the parser holds (each bound accepted, one past
it refused, each default the same answer as the parameter left out); the
regressor listing offers exactly the weather variables of the series' area
stored for every training and forecast hour (and the forecast accepts what
it offers and refuses what it does not); unknown sub-paths are 404; and
answers are cached until an import moves the data version."""
import csv
import datetime as dt
import gzip
import json
import math
import re
import shutil
import subprocess

import pytest

from conftest import BUNDLED_DATA, elhub_bin, run_elhub
from forecast_ref import W0, WN, weather
from test_analysis_api import Server, get_json
from web_util import slices_without_hour

SLICES = BUNDLED_DATA / "production_2021_slices.csv.gz"
UTC = dt.timezone.utc
# The NO5 hydro hour left out of the store (a gap in the training days
# below), imported later to show the cache follows the data.
GAP_HOUR = "2021-02-10T12:00:00+01:00"
# The wind hour left out: inside the 168 forecast hours after 2021-02-28,
# after the first 24 of them.
WIND_GAP = dt.datetime(2021, 3, 3, 12, tzinfo=UTC)
# The training days and the server's budget (src/caps.h).
WINDOW = "train_from=2021-01-04&train_to=2021-02-28"
TRAIN_HOURS = 56 * 24
API_WORK = 1.5e10
TEMP = "weather:NO1:temperature_2m"
WIND = "weather:NO1:wind_speed_10m"
RAIN5 = "weather:NO5:precipitation"


def utc(text):
    return int(dt.datetime.fromisoformat(text).timestamp())


def write_weather(path, var, values):
    """A weather file elhub imports: time (UTC) and one variable."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["time", var])
        for t, v in sorted(values.items()):
            w.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), f"{v:.1f}"])


def hours_from(t0, n):
    return [t0 + dt.timedelta(hours=i) for i in range(n)]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("forecast_api")
    db = d / "f.db"
    cut = slices_without_hour(d / "slices_without_one_hour.csv", "NO5", "hydro", utc(GAP_HOUR))
    run_elhub("import", "-q", "--store", f"sqlite:{db}", cut)
    # NO1 temperature: forecast_ref's synthetic series (UTC 2021-01-03 to
    # 2021-03-09, every hour). NO1 wind: the same hours but WIND_GAP. NO5
    # precipitation: every hour, another area.
    ts = hours_from(W0, WN)
    write_weather(d / "t.csv", "temperature_2m", weather())
    write_weather(d / "w.csv", "wind_speed_10m",
                  {t: 5 + 3 * math.sin(i / 7) for i, t in enumerate(ts) if t != WIND_GAP})
    write_weather(d / "p.csv", "precipitation",
                  {t: abs(math.sin(i / 11)) for i, t in enumerate(ts)})
    for loc, name in (("NO1", "t.csv"), ("NO1", "w.csv"), ("NO5", "p.csv")):
        run_elhub("import", "-q", "--dataset", "weather", "--location", loc, "--utc-offset",
                  "+00:00", "--wind-unit", "ms", "--store", f"sqlite:{db}", d / name)
    return db


@pytest.fixture(scope="module")
def srv(store):
    s = Server(f"sqlite:{store}")
    yield s
    s.stop()


def cli(store, args):
    """`elhub forecast`'s standard output, as bytes."""
    p = subprocess.run([elhub_bin(), "forecast", "-q", "--store", f"sqlite:{store}", *args],
                       capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    return p.stdout


def states(o, so):
    p, d, q = o
    P, D, Q, s = so
    return d + s * D + max(p + s * P, q + s * Q + 1)


def budget(o, so, folds, n=TRAIN_HOURS):
    """The evaluations each fit may use under the server's budget: the
    work (states^2 x hours per evaluation) shared by the fit and each fold's
    fit (docs/FORECAST.md, src/caps.h)."""
    return math.floor(API_WORK / (states(o, so) ** 2 * n * (1 + folds)))


# Four training weeks (672 hours) keep the fits quick under the sanitizers.
SHORT = "train_from=2021-02-01&train_to=2021-02-28"
CLI_SHORT = ["--train-from", "2021-02-01", "--train-to", "2021-02-28"]
CASES = [
    # (query, the same as options, order, seasonal order, folds)
    ("series=production:NO1:hydro&horizon=48&order=1,0,1&seasonal_order=1,1,1,24&folds=1",
     ["--series", "production:NO1:hydro", "--horizon", "48", "--order", "1,0,1",
      "--seasonal-order", "1,1,1,24", "--folds", "1"], (1, 0, 1), (1, 1, 1, 24), 1),
    (f"series=production:NO1:hydro&horizon=72&order=2,1,1&seasonal_order=0,1,1,24&trend=n"
     f"&exog={TEMP}&alpha=0.1&folds=1",
     ["--series", "production:NO1:hydro", "--horizon", "72", "--order", "2,1,1",
      "--seasonal-order", "0,1,1,24", "--trend", "n", "--exog", TEMP, "--alpha", "0.1",
      "--folds", "1"], (2, 1, 1), (0, 1, 1, 24), 1),
    ("series=production:NO5:hydro&horizon=48&order=1,0,0&fill=linear&trend=c",
     ["--series", "production:NO5:hydro", "--horizon", "48", "--order", "1,0,0", "--fill",
      "linear", "--trend", "c"], (1, 0, 0), (0, 0, 0, 0), 0),
]


@pytest.mark.parametrize("case", CASES, ids=["folds", "exog", "filled"])
def test_json_body_is_the_cli_output(srv, store, case):
    query, args, o, so, folds = case
    code, headers, body = srv.get(f"/api/forecast?{SHORT}&{query}")
    assert code == 200, body[:600]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    want = cli(store, [*CLI_SHORT, *args])
    # The one member that differs: the API's budget, null on the command line.
    m = re.findall(rb'"max_fevals":(\d+)', body)
    assert len(m) == 1, body[:300]
    assert int(m[0]) == budget(o, so, folds, 672), (m[0], budget(o, so, folds, 672))
    assert body.replace(b'"max_fevals":' + m[0], b'"max_fevals":null') == want
    got = json.loads(body)
    assert got["train"]["hours"] == 672
    assert bool(got.get("backtest")) == (folds > 0)
    if "exog" in query:
        assert got["exog"] == [TEMP] and TEMP in got["params"]
    print(f"{query}: {len(body)} bytes equal to the CLI's but max_fevals {int(m[0])}")


@pytest.mark.parametrize("case", CASES[:2], ids=["folds", "exog"])
def test_csv_body_is_the_cli_output(srv, store, case):
    query, args, _, _, _ = case
    code, headers, body = srv.get(f"/api/forecast?{SHORT}&{query}&format=csv")
    assert code == 200, body[:600]
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body == cli(store, [*CLI_SHORT, *args, "--format", "csv"])
    rows = list(csv.reader(body.decode().splitlines()))
    assert rows[0] == ["time", "mean", "lower", "upper"]
    assert len(rows) == 1 + int(re.search(r"horizon=(\d+)", query)[1])


def listing(srv):
    return {p["name"]: p for p in get_json(srv, "/api/forecast/params")["params"]}


def test_params_listing_shape(srv):
    got = get_json(srv, "/api/forecast/params")
    names = [p["name"] for p in got["params"]]
    assert names == ["series", "train_from", "train_to", "horizon", "order", "seasonal_order",
                     "trend", "exog", "alpha", "folds", "maxiter", "fill", "format"]
    by = {p["name"]: p for p in got["params"]}
    for p in got["params"]:
        assert p["help"] and p["range"] and p["example"] is not None, p
        assert p["required"] == (p["default"] is None), p
    assert [n for n in names if by[n]["required"]] == ["series", "train_from", "train_to",
                                                       "horizon", "order"]
    assert (by["horizon"]["min"], by["horizon"]["max"], by["horizon"]["range"]) == (1, 744,
                                                                                    "1..744")
    assert by["order"]["parts"] == ["p", "d", "q"]
    assert (by["order"]["min"], by["order"]["max"]) == ([0, 0, 0], [5, 2, 5])
    assert by["seasonal_order"]["max"] == [2, 1, 2, 168]
    assert by["seasonal_order"]["none"] == "0,0,0,0"
    assert by["trend"]["choices"] == ["n", "c", "t", "ct"]
    assert by["fill"]["choices"] == ["none", "linear"]
    assert by["format"]["choices"] == ["json", "csv"]
    assert by["alpha"]["exclusive"] is True and (by["alpha"]["min"], by["alpha"]["max"]) == (0, 1)
    assert got["limits"] == {"training_hours": 8784, "states": 400, "exog": 8}
    get_json(srv, "/api/forecast/params?x=1", status=400)


# A cheap model, so a parameter the parser accepts is answered quickly.
CHEAP = f"series=production:NO1:hydro&{WINDOW}&order=1,0,0"


def with_param(name, value):
    """CHEAP with name=value (replacing CHEAP's own value of it), plus a
    horizon unless name is horizon."""
    parts = [p for p in CHEAP.split("&") if not p.startswith(name + "=")]
    if name != "horizon":
        parts.append("horizon=24")
    parts.append(f"{name}={value}")
    return "/api/forecast?" + "&".join(parts)


def refused_by_parser(srv, name, value, rng):
    got = get_json(srv, with_param(name, value), status=400)
    assert got["error"] == "bad request"
    assert got["detail"].startswith(f'{name} "{value}": expected {rng} ('), got["detail"]
    return got["detail"]


def test_numeric_bounds_in_the_listing_are_the_parsers(srv):
    by = listing(srv)
    for name in ("horizon", "folds", "maxiter"):
        p = by[name]
        assert p["kind"] == "count"
        refused_by_parser(srv, name, p["max"] + 1, p["range"])
        if p["min"] > 0:
            refused_by_parser(srv, name, p["min"] - 1, p["range"])
    # The largest horizon is answered, with as many hours.
    got = get_json(srv, with_param("horizon", by["horizon"]["max"]))
    assert len(got["forecast"]["time"]) == 744
    # The most folds, at a short horizon; the most iterations.
    got = get_json(srv, with_param("folds", by["folds"]["max"]))
    assert len(got["backtest"]["per_fold"]) == by["folds"]["max"]
    get_json(srv, with_param("maxiter", by["maxiter"]["max"]))
    # Orders: each part one past its maximum is the parser's refusal; at
    # its maximum the parser takes it, and what refuses the request then is
    # the model's state cap or, for a series of an area the store lacks
    # (nothing is fitted), the store.
    for name in ("order", "seasonal_order"):
        p = by[name]
        top = list(p["max"])
        for k in range(len(p["parts"])):
            refused_by_parser(srv, name, ",".join(map(str, top[:k] + [top[k] + 1] + top[k + 1:])),
                              p["range"])
        got = get_json(srv, with_param(name, ",".join(map(str, top))).replace("NO1", "NO3"),
                       status=400)
        assert not got["detail"].startswith(f'{name} "'), got["detail"]
        assert "the store has production data for" in got["detail"] or \
            "states" in got["detail"], got["detail"]
    # alpha's ends are exclusive.
    for v in ("0", "1"):
        refused_by_parser(srv, "alpha", v, by["alpha"]["range"])
    for name in ("trend", "fill", "format"):
        refused_by_parser(srv, name, "nope", by[name]["range"])
        for c in by[name]["choices"]:
            code, _, body = srv.get(with_param(name, c))
            assert code == 200, (name, c, body[:300])


def test_defaults_in_the_listing_are_the_parsers(srv):
    """Each optional parameter given its listed default answers exactly as
    when it is left out."""
    by = listing(srv)
    left_out = srv.get(with_param("horizon", 24))[2]
    for name, p in by.items():
        if p["required"]:
            continue
        code, _, body = srv.get(with_param("horizon", 24) + f"&{name}={p['default']}")
        assert code == 200 and body == left_out, (name, body[:300])


@pytest.mark.parametrize("query, param", [
    ("order=1,0", "order"),
    ("order=1,0,1&seasonal_order=1,1,1,1", "seasonal_order"),
    ("order=1,0,1&trend=q", "trend"),
    ("order=1,0,1&alpha=abc", "alpha"),
    ("order=1,0,1&folds=x", "folds"),
    ("order=1,0,1&fill=spline", "fill"),
    ("order=1,0,1&format=xml", "format"),
])
def test_bad_values_name_the_parameter_and_its_range(srv, query, param):
    got = get_json(srv, f"/api/forecast?series=production:NO1:hydro&{WINDOW}&horizon=24&{query}",
                   status=400)
    value = query.rsplit("=", 1)[1]
    rng = listing(srv)[param]["range"]
    assert got["detail"].startswith(f'{param} "{value}": expected {rng}'), got["detail"]


def test_other_refusals(srv):
    base = f"/api/forecast?series=production:NO1:hydro&{WINDOW}&horizon=24&order=1,0,1"
    got = get_json(srv, base + "&horizn=3", status=400)
    assert got["detail"].startswith('unknown parameter "horizn" (a forecast takes: series, ')
    got = get_json(srv, "/api/forecast?series=production:NO1:hydro&order=1,0,0", status=400)
    assert "are required" in got["detail"]
    got = get_json(srv, base.replace("2021-01-04", "2021-03-04"), status=400)
    assert "train_from 2021-03-04 is after train_to 2021-02-28" in got["detail"]
    got = get_json(srv, base.replace("NO1", "NO3"), status=400)
    assert "NO1, NO4, NO5" in got["detail"]
    got = get_json(srv, base + "&exog=production:NO1:hydro", status=400)
    assert "exog names the series itself" in got["detail"]
    got = get_json(srv, base.replace("series=production:NO1:hydro", "series=production:NO1"),
                   status=400)
    assert "DATASET:AREA:GROUP" in got["detail"]


def test_gap_and_missing_regressor_hours_are_422(srv):
    got = get_json(srv, f"/api/forecast?series=production:NO5:hydro&{WINDOW}&horizon=24"
                   "&order=1,0,0", status=422)
    assert got["error"] == "data problem"
    assert "production:NO5:hydro has a gap at 2021-02-10T12:00:00+01:00" in got["detail"]
    # The wind misses one hour of the 168 forecast hours: refused, naming it.
    got = get_json(srv, f"/api/forecast?series=production:NO1:hydro&{WINDOW}&horizon=168"
                   f"&order=1,0,0&exog={WIND}", status=422)
    assert f"exogenous series {WIND} over the 168 forecast hours" in got["detail"]
    assert "2021-03-03T13:00:00+01:00" in got["detail"], got["detail"]
    # Over the first 24 forecast hours it has every hour.
    get_json(srv, f"/api/forecast?series=production:NO1:hydro&{WINDOW}&horizon=24&order=1,0,0"
             f"&exog={WIND}")


def exog_listing(srv, series, horizon, status=200):
    return get_json(srv, f"/api/forecast/exog?series={series}&{WINDOW}&horizon={horizon}",
                    status=status)


def test_exog_listing_offers_what_covers_the_hours(srv):
    got = exog_listing(srv, "production:NO1:hydro", 168)
    assert got["series"] == "production:NO1:hydro" and got["area"] == "NO1"
    assert got["hours"] == TRAIN_HOURS + 168
    assert utc(got["start"]) == utc("2021-01-04T00:00:00+01:00")
    assert utc(got["end"]) == utc("2021-03-01T00:00:00+01:00") + 168 * 3600
    # Temperature covers every hour; the wind misses one forecast hour;
    # precipitation is NO5's.
    assert got["exog"] == [{"spec": TEMP, "label": "Temperature (2 m)", "unit": "°C"}]
    got = exog_listing(srv, "production:NO1:hydro", 24)
    assert [x["spec"] for x in got["exog"]] == [TEMP, WIND]
    assert got["exog"][1]["unit"] == "m/s"
    got = exog_listing(srv, "production:NO5:hydro", 168)
    assert got["exog"] == [{"spec": RAIN5, "label": "Precipitation", "unit": "mm"}]
    # A series of the weather is never offered as its own regressor.
    got = exog_listing(srv, TEMP, 24)
    assert [x["spec"] for x in got["exog"]] == [WIND]
    # Past the synthetic weather's last hour (2021-03-09T23:00Z) nothing is.
    assert exog_listing(srv, "production:NO1:hydro", 744)["exog"] == []
    # Refusals: a bad or missing parameter, an unknown area, a parameter
    # the listing does not take.
    got = exog_listing(srv, "production:NO1:hydro", 0, status=400)
    assert got["detail"].startswith('horizon "0": expected 1..744')
    got = get_json(srv, f"/api/forecast/exog?series=production:NO1:hydro&{WINDOW}", status=400)
    assert "horizon are required" in got["detail"]
    assert "NO1, NO4, NO5" in exog_listing(srv, "production:NO3:hydro", 24, status=400)["detail"]
    got = get_json(srv, f"/api/forecast/exog?series=production:NO1:hydro&{WINDOW}&horizon=24"
                   "&order=1,0,0", status=400)
    assert 'unknown parameter "order"' in got["detail"]


def test_forecast_accepts_what_the_listing_offers(srv):
    """Every regressor offered is one the forecast runs with; every stored
    NO1 variable not offered is refused as a data problem."""
    for horizon in (24, 168):
        offered = {x["spec"] for x in exog_listing(srv, "production:NO1:hydro", horizon)["exog"]}
        for spec in (TEMP, WIND):
            code, _, body = srv.get(f"/api/forecast?series=production:NO1:hydro&{WINDOW}"
                                    f"&horizon={horizon}&order=1,0,0&exog={spec}")
            assert code == (200 if spec in offered else 422), (horizon, spec, body[:300])


def test_unknown_sub_paths_are_404(srv):
    for path in ("/api/forecast/", "/api/forecast/fit", "/api/forecast/params/x",
                 "/api/forecastx", "/api/forecast/exogs"):
        got = get_json(srv, path, status=404)
        assert got["error"] == "not found", path


def test_too_much_work_is_refused_before_any_read(srv):
    # A 169-state weekly model on a year refitted for 10 folds: within the
    # model's caps, beyond the server's budget.
    big = ("/api/forecast?series=production:NO1:hydro&train_from=2021-01-01&train_to=2021-12-31"
           "&horizon=24&order=1,0,0&seasonal_order=1,0,0,168&folds=10")
    assert budget((1, 0, 0), (1, 0, 0, 168), 10, 8760) < 10 * (3 + 1)
    m0 = srv.mark()
    got = get_json(srv, big, status=400)
    assert "more work than this server allows" in got["detail"]
    # A request after it: once its heavy read is logged, one of the refused
    # request would have been logged before.
    after = with_param("horizon", 23)
    get_json(srv, after)
    m1 = srv.wait_heavy(after, m0)
    assert srv.heavy_reads(big, m0, m1) == 0


def test_answers_are_cached_until_the_data_changes(store, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(store, db)
    s = Server(f"sqlite:{db}")
    try:
        path = (f"/api/forecast?series=production:NO5:hydro&{WINDOW}&horizon=24&order=1,0,0"
                "&fill=linear")
        listed = f"/api/forecast/exog?series=production:NO1:hydro&{WINDOW}&horizon=168"
        m0 = s.mark()
        first = get_json(s, path)
        assert first["train"]["filled"] == 1
        m1 = s.wait_heavy(path, m0)
        assert get_json(s, path) == first
        assert [x["spec"] for x in get_json(s, listed)["exog"]] == [TEMP]
        m2 = s.wait_heavy(listed, m1)
        assert s.heavy_reads(path, m1, m2) == 0, "the repeated request was computed again"
        # Import the missing hydro hour and the missing wind hour.
        want = None
        with gzip.open(SLICES, "rt", newline="") as f:
            for r in csv.DictReader(f):
                if (r["priceArea"], r["productionGroup"]) == ("NO5", "hydro") and \
                        utc(r["startTime"]) == utc(GAP_HOUR):
                    want = r["quantityKwh"]
        one = tmp_path / "one.csv"
        one.write_text("priceArea,productionGroup,startTime,quantityKwh\n"
                       f"NO5,hydro,{GAP_HOUR},{want}\n")
        run_elhub("import", "-q", "--store", f"sqlite:{db}", one)
        wind = tmp_path / "wind.csv"
        write_weather(wind, "wind_speed_10m", {WIND_GAP: 4.0})
        run_elhub("import", "-q", "--dataset", "weather", "--location", "NO1", "--utc-offset",
                  "+00:00", "--wind-unit", "ms", "--store", f"sqlite:{db}", wind)
        after = get_json(s, path)
        assert after["train"]["filled"] == 0
        assert [x["spec"] for x in get_json(s, listed)["exog"]] == [TEMP, WIND]
    finally:
        s.stop()
