"""The shared part of the forecasting reference tests
(test_forecast_refs.py: the daily models, regressors and backtests;
test_forecast_refs_weekly.py: the weekly models, in a file of their own so
that pytest-xdist runs them beside the others): the cases, the reference
input built independently of elhub, the store, statsmodels' fits and
filters, and the command lines. See test_forecast_refs.py for what is
checked and why."""
import csv
import datetime
import functools
import json
import math
import warnings
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from statsmodels.tsa.statespace.kalman_filter import MEMORY_CONSERVE, MEMORY_NO_FORECAST
from statsmodels.tsa.statespace.sarimax import SARIMAX

from conftest import data_path, open_data, run_elhub

OSLO = ZoneInfo("Europe/Oslo")
UTC = datetime.timezone.utc
TRAIN_FROM = datetime.date(2021, 1, 4)
TRAIN_TO = datetime.date(2021, 2, 28)  # inclusive
HORIZON = 168
ALPHA = 0.05
WEATHER = "weather:NO1:temperature_2m"

LLF_REL = 1e-6  # llf at statsmodels' parameters
FIT_REL = 1e-4  # our fitted llf >= statsmodels' - FIT_REL |llf|
FC_REL = 1e-6  # forecast mean, lower, upper at statsmodels' parameters
SCORE_REL = 1e-6  # backtest scores

ORDERS = [((1, 0, 1), (1, 1, 1, 24)), ((2, 1, 1), (0, 1, 1, 24)), ((1, 0, 0), (1, 0, 0, 168))]
CASES = [(area, o, so, trend, False) for area in ("NO1", "NO5") for o, so in ORDERS
         for trend in ("n", "c")]
DAILY = [c for c in CASES if c[2][3] == 24]  # statsmodels fit(): 10-100 s each
WEEKLY = [c for c in CASES if c[2][3] == 168]  # one statsmodels filter: 1-6 min
EXOG_CASES = [("NO1", (1, 0, 1), (1, 1, 1, 24), "c", True),
              ("NO5", (2, 1, 1), (0, 1, 1, 24), "n", True)]
# make check runs this case (one statsmodels fit(), 10-40 s on this machine,
# which the backtest tests reuse); every other case carries the marker
# slow (each its own fit(), up to 100 s with the regressor on a busy
# machine): make test runs all.
FAST = [CASES[0]]


def tiered(cases):
    """cases as pytest parameters, those outside FAST marked slow."""
    return [pytest.param(c, id=case_id(c), marks=() if c in FAST else pytest.mark.slow)
            for c in cases]


def case_id(c):
    area, o, so, trend, exog = c
    return (f"{area}-{''.join(map(str, o))}-{''.join(map(str, so[:3]))}s{so[3]}-{trend}"
            + ("-exog" if exog else ""))


def oslo_midnight(d):
    return datetime.datetime.combine(d, datetime.time(), OSLO).astimezone(UTC)


T0 = oslo_midnight(TRAIN_FROM)
T1 = oslo_midnight(TRAIN_TO + datetime.timedelta(days=1))
N = int((T1 - T0).total_seconds()) // 3600


@functools.lru_cache(maxsize=None)
def production(area):
    """{UTC hour start: kWh} of area's hydro production, from the bundled
    file's startTime column (Oslo time with offset)."""
    out = {}
    for r in csv.DictReader(open_data("production_2021_slices.csv")):
        if r["priceArea"] == area and r["productionGroup"] == "hydro":
            t = datetime.datetime.fromisoformat(r["startTime"]).astimezone(UTC)
            out[t] = float(r["quantityKwh"])
    return out


def hours(start, n):
    return [start + datetime.timedelta(hours=i) for i in range(n)]


def training(area):
    p = production(area)
    return np.array([p[t] for t in hours(T0, N)])


# The synthetic weather: an hourly temperature over the training hours, the
# horizon and a margin either side (the UTC days 2021-01-03 to 2021-03-09), a daily
# cycle, a nine-day swing and noise, rounded to 0.1 as weather files are.
W0 = datetime.datetime(2021, 1, 3, tzinfo=UTC)
WN = 66 * 24


@functools.lru_cache(maxsize=None)
def weather():
    rng = np.random.default_rng(15)
    out = {}
    for i, t in enumerate(hours(W0, WN)):
        v = (-4 + 3 * math.sin(2 * math.pi * (i - 14) / 24)
             + 5 * math.sin(2 * math.pi * i / (24 * 9)) + rng.normal(0, 1))
        out[t] = round(v, 1)
    return out


def weather_at(ts):
    w = weather()
    return np.array([[w[t]] for t in ts])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("forecast")
    db = d / "f.db"
    run_elhub("import", "--store", f"sqlite:{db}", data_path("production_2021_slices.csv"))
    wfile = d / "weather.csv"
    with open(wfile, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["time", "temperature_2m"])
        for t, v in weather().items():
            w.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), f"{v:.1f}"])
    run_elhub("import", "--dataset", "weather", "--location", "NO1", "--utc-offset", "+00:00",
              "--store", f"sqlite:{db}", wfile)
    return f"sqlite:{db}"


def sm_model(case, n=N):
    area, o, so, trend, exog = case
    y = training(area)[:n]
    x = weather_at(hours(T0, n)) if exog else None
    return SARIMAX(y, exog=x, order=o, seasonal_order=so, trend=trend)


def our_name(name):
    """statsmodels' name of a parameter -> ours (the same but for the
    regressor, which statsmodels calls x1 for an unnamed array and we call
    by its series)."""
    return WEATHER if name == "x1" else name


@functools.lru_cache(maxsize=None)
def sm_fit(case):
    """statsmodels' default fit: (params by our names, llf, params as
    statsmodels' array). low_memory only keeps the fit from storing every
    step's matrices; it changes neither the estimate nor the llf."""
    m = sm_model(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = m.fit(disp=False, low_memory=True)
    params = {our_name(k): float(v) for k, v in zip(m.param_names, r.params)}
    return params, float(r.llf), r.params


def cli_args(store, case):
    area, o, so, trend, exog = case
    a = ["forecast", "--store", store, "--series", f"production:{area}:hydro",
         "--train-from", TRAIN_FROM.isoformat(), "--train-to", TRAIN_TO.isoformat(),
         "--order", ",".join(map(str, o)), "--seasonal-order", ",".join(map(str, so)),
         "--trend", trend, "-q"]
    if exog:
        a += ["--exog", WEATHER]
    return a


OUR_FITS = {}


def our_fit(store, case):
    """Our fitted parameters (by name) for case, fitted once per session."""
    if case not in OUR_FITS:
        OUR_FITS[case] = json.loads(run_elhub(*cli_args(store, case), "--horizon", "1").stdout)
    return OUR_FITS[case]


REFS = {}
KEEP_FORECASTS = MEMORY_CONSERVE & ~MEMORY_NO_FORECAST


def reference(store, case):
    """(whose parameters, params by our names, statsmodels' llf there, its
    forecast there): at statsmodels' fitted parameters for the daily
    models, at ours for the weekly ones (see the module comment). One
    statsmodels filter per case, storing no step's state matrices (the
    169-state models would need gigabytes) but the one-step forecasts and
    their variances: without those (low_memory=True) get_forecast's
    intervals come out NaN."""
    if case not in REFS:
        m = sm_model(case)
        if case in WEEKLY:
            params, who = our_fit(store, case)["params"], "our fitted"
        else:
            params, who = sm_fit(case)[0], "statsmodels' fitted"
        raw = np.array([params[our_name(k)] for k in m.param_names])
        r = m.filter(raw, conserve_memory=KEEP_FORECASTS)
        f = r.get_forecast(HORIZON, exog=weather_at(hours(T1, HORIZON)) if case[4] else None)
        REFS[case] = (who, params, float(r.llf), f.predicted_mean, f.conf_int(alpha=ALPHA))
    return REFS[case]


def params_file(tmp_path, params):
    p = tmp_path / "params.json"
    p.write_text(json.dumps(params))
    return p


def rel(a, b):
    """The largest relative difference of a from b; inf when either holds
    a value that is not finite, so that no comparison passes on NaN."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return math.inf
    return float(np.max(np.abs(a - b) / np.abs(b)))


def check_llf(store, tmp_path, case):
    """--loglike-at the reference parameters against statsmodels' llf there."""
    who, params, llf, _, _ = reference(store, case)
    if case not in WEEKLY:
        assert llf == pytest.approx(sm_fit(case)[1], rel=1e-12)  # the fit's own llf
    out = json.loads(run_elhub(*cli_args(store, case), "--loglike-at",
                               params_file(tmp_path, params)).stdout)
    d = abs(out["llf"] - llf) / abs(llf)
    print(f"{case_id(case)}: llf at {who} parameters: ours {out['llf']:.10f} statsmodels "
          f"{llf:.10f}, relative difference {d:.3g} (tolerance {LLF_REL:g})")
    assert out["nobs"] == N
    assert d <= LLF_REL


def check_forecast(store, tmp_path, case):
    """--params at the reference parameters: the forecast against
    statsmodels' get_forecast there."""
    who, params, _, mean, ci = reference(store, case)
    out = json.loads(run_elhub(*cli_args(store, case), "--horizon", str(HORIZON), "--params",
                               params_file(tmp_path, params)).stdout)
    fc = out["forecast"]
    assert fc["time"] == [t.astimezone(OSLO).isoformat() for t in hours(T1, HORIZON)]
    worst = {k: rel(fc[k], w) for k, w in (("mean", mean), ("lower", ci[:, 0]),
                                            ("upper", ci[:, 1]))}
    print(f"{case_id(case)}: {HORIZON}-hour forecast at {who} parameters, largest relative "
          f"difference mean {worst['mean']:.3g}, lower {worst['lower']:.3g}, upper "
          f"{worst['upper']:.3g} (tolerance {FC_REL:g})")
    assert all(v <= FC_REL for v in worst.values())
