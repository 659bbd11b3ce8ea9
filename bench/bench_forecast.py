"""Forecasting against statsmodels (make bench; docs/FORECAST.md). Real
bundled data: NO1 hydro production, the Oslo days 2021-01-04 to 2021-02-28
(1,344 hours; data/elhub/production_2021_slices.csv.gz, Elhub, CC BY 4.0),
imported with `elhub import` into a SQLite store in a temporary folder.

In the same run, median of N (BENCH_N, default 5; statsmodels' fit
BENCH_SM_N, default 3):
  - fitting SARIMAX(1,0,1)(1,1,1,24): `elhub forecast ... --horizon 1`, the
    whole process (store read, fit, one forecast hour, JSON), against
    statsmodels' SARIMAX(...).fit(disp=False) in this process (the fit
    only; the series already in memory);
  - a 168-hour forecast from a fitted model: `elhub forecast --params
    FITTED.json --horizon 168`, the whole process (store read, one filter
    over the training hours, the forecast, JSON), against statsmodels'
    results.get_forecast(168) with its conf_int (the filter already run).
Prints a table with the ratio statsmodels / elhub (targets: the fit >= 10x
faster than statsmodels' fit(), the forecast < 10 ms) and both fits'
log-likelihoods. Needs statsmodels (PyPI, a test peer)."""
import csv
import datetime as dt
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from zoneinfo import ZoneInfo

import numpy as np
from statsmodels.tsa.statespace.sarimax import SARIMAX

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from conftest import data_path, open_data  # noqa: E402

ELHUB = os.environ.get("ELHUB_BIN") or str(REPO / "build" / "elhub")
N = int(os.environ.get("BENCH_N", "5"))
SM_N = int(os.environ.get("BENCH_SM_N", "3"))
OSLO = ZoneInfo("Europe/Oslo")
FROM, TO = dt.date(2021, 1, 4), dt.date(2021, 2, 28)
ORDER, SEASONAL = (1, 0, 1), (1, 1, 1, 24)


def series():
    t0 = dt.datetime.combine(FROM, dt.time(), OSLO).astimezone(dt.timezone.utc)
    t1 = dt.datetime.combine(TO + dt.timedelta(days=1), dt.time(), OSLO).astimezone(
        dt.timezone.utc)
    v = {}
    for r in csv.DictReader(open_data("production_2021_slices.csv")):
        if r["priceArea"] == "NO1" and r["productionGroup"] == "hydro":
            t = dt.datetime.fromisoformat(r["startTime"]).astimezone(dt.timezone.utc)
            if t0 <= t < t1:
                v[t] = float(r["quantityKwh"])
    return np.array([v[k] for k in sorted(v)])


def timed(f, n):
    out, times = None, []
    for _ in range(n):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def main():
    with tempfile.TemporaryDirectory() as d:
        store = f"sqlite:{d}/f.db"
        subprocess.run([ELHUB, "import", "-q", "--store", store,
                        str(data_path("production_2021_slices.csv"))], check=True,
                       capture_output=True)
        base = [ELHUB, "forecast", "-q", "--store", store, "--series", "production:NO1:hydro",
                "--train-from", FROM.isoformat(), "--train-to", TO.isoformat(),
                "--order", ",".join(map(str, ORDER)),
                "--seasonal-order", ",".join(map(str, SEASONAL))]

        def ours_fit():
            p = subprocess.run(base + ["--horizon", "1"], check=True, capture_output=True,
                               text=True)
            return json.loads(p.stdout)

        fit, t_ours_fit = timed(ours_fit, N)
        pfile = pathlib.Path(d) / "params.json"
        pfile.write_text(json.dumps(fit["params"]))

        def ours_forecast():
            return subprocess.run(base + ["--horizon", "168", "--params", str(pfile)],
                                  check=True, capture_output=True)

        _, t_ours_fc = timed(ours_forecast, N)

        y = series()
        model = SARIMAX(y, order=ORDER, seasonal_order=SEASONAL)

        def sm_fit():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return model.fit(disp=False)

        res, t_sm_fit = timed(sm_fit, SM_N)

        def sm_forecast():
            f = res.get_forecast(168)
            return f.predicted_mean, f.conf_int(alpha=0.05)

        _, t_sm_fc = timed(sm_forecast, N)

    print(f"SARIMAX{ORDER}{SEASONAL} on {len(y)} hours of NO1 hydro "
          f"({FROM} to {TO}); median of {N} (statsmodels' fit: {SM_N})")
    print(f"{'case':<44} {'elhub':>10} {'statsmodels':>12} {'ratio':>7}")
    print(f"{'fit (elhub: whole process)':<44} {t_ours_fit * 1e3:>8.1f}ms "
          f"{t_sm_fit * 1e3:>10.1f}ms {t_sm_fit / t_ours_fit:>6.1f}x")
    print(f"{'168-hour forecast (elhub: whole process)':<44} {t_ours_fc * 1e3:>8.1f}ms "
          f"{t_sm_fc * 1e3:>10.1f}ms {t_sm_fc / t_ours_fc:>6.1f}x")
    print(f"llf: elhub {fit['llf']:.4f} ({fit['iterations']} iterations, converged "
          f"{fit['converged']}), statsmodels {res.llf:.4f}")


if __name__ == "__main__":
    main()
