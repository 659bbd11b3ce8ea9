"""Forecasting against statsmodels (make bench; docs/FORECAST.md). Real
bundled data: NO1 hydro production, the Oslo days 2021-01-04 to 2021-02-28
(1,344 hours; data/elhub/production_2021_slices.csv.gz, Elhub, CC BY 4.0),
imported with `elhub import` into a SQLite store in a temporary folder.

In the same run, median of N (BENCH_N, default 5; statsmodels' fit
BENCH_SM_N, default 3):
  - fitting SARIMAX(1,0,1)(1,1,1,24) in-process: bench/forecast_time
    (build/bench/forecast_time, `make bench` builds it) times forecast_run
    in mode FIT (starting values, BFGS, one forecast hour) on the series in
    memory, against statsmodels' SARIMAX(...).fit(disp=False) in this
    process (the series already in memory);
  - a 168-hour forecast from the fitted model in-process: sarimax_forecast
    at the fitted parameters (the filter over the 1,344 training hours, 168
    steps projected, the interval bounds), against statsmodels'
    results.get_forecast(168) with its conf_int (its filter already run by
    fit()), and against statsmodels' filter(params) + get_forecast(168) (the
    same work as ours);
  - the whole request at given parameters in-process (forecast_run in mode
    GIVEN: the model, its log-likelihood, the forecast);
  - the same through the whole process: `elhub forecast ... --horizon 1`
    (store read, fit, JSON) and `elhub forecast --params FITTED.json
    --horizon 168`.
Prints a table with the ratio statsmodels / elhub (targets: the fit >= 10x
faster than statsmodels' fit(), the forecast < 10 ms), both fits'
log-likelihoods and the machine's load average (2 cores shared: the
ratios, measured in the same run, are what to compare). statsmodels runs
with one BLAS thread, as elhub runs on one core (and as the tests run it:
with a thread per core on busy cores its small matrix products are many
times slower, which would flatter the ratio). Needs statsmodels (PyPI, a
test peer)."""
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

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # before numpy loads OpenBLAS

import numpy as np  # noqa: E402
from statsmodels.tsa.statespace.sarimax import SARIMAX  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from conftest import data_path, open_data  # noqa: E402

ELHUB = os.environ.get("ELHUB_BIN") or str(REPO / "build" / "elhub")
TIMER = REPO / "build" / "bench" / "forecast_time"
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


def in_process(y, d):
    """bench/forecast_time on y: {case: (wall s, cpu s)}, the fit's llf,
    iterations and parameters."""
    f = pathlib.Path(d) / "y.txt"
    f.write_text("".join(f"{v:.17g}\n" for v in y))
    p = subprocess.run([str(TIMER), str(N), str(f), ",".join(map(str, ORDER)),
                        ",".join(map(str, SEASONAL)), "n", "168"], check=True,
                       capture_output=True, text=True)
    out, fit = {}, {}
    for line in p.stdout.splitlines():
        w = line.split()
        if w[0] == "fit":
            out["fit"] = (float(w[1]), float(w[2]))
            fit = {"llf": float(w[3]), "iterations": int(w[4]), "converged": w[6] == "1"}
        elif w[0] in ("forecast", "request"):
            out[w[0]] = (float(w[1]), float(w[2]))
        elif w[0] == "params":
            fit["params"] = dict((k, float(v)) for k, v in (x.split("=") for x in w[1:]))
    return out, fit


def load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    load0 = load()
    with tempfile.TemporaryDirectory() as d:
        store = f"sqlite:{d}/f.db"
        subprocess.run([ELHUB, "import", "-q", "--store", store,
                        str(data_path("production_2021_slices.csv"))], check=True,
                       capture_output=True)
        base = [ELHUB, "forecast", "-q", "--store", store, "--series", "production:NO1:hydro",
                "--train-from", FROM.isoformat(), "--train-to", TO.isoformat(),
                "--order", ",".join(map(str, ORDER)),
                "--seasonal-order", ",".join(map(str, SEASONAL))]
        y = series()
        ours, ours_fit = in_process(y, d)

        def proc_fit():
            p = subprocess.run(base + ["--horizon", "1"], check=True, capture_output=True,
                               text=True)
            return json.loads(p.stdout)

        fit, t_proc_fit = timed(proc_fit, N)
        pfile = pathlib.Path(d) / "params.json"
        pfile.write_text(json.dumps(fit["params"]))

        def proc_forecast():
            return subprocess.run(base + ["--horizon", "168", "--params", str(pfile)],
                                  check=True, capture_output=True)

        _, t_proc_fc = timed(proc_forecast, N)

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

        def sm_filter_forecast():
            f = model.filter(res.params).get_forecast(168)
            return f.predicted_mean, f.conf_int(alpha=0.05)

        _, t_sm_ffc = timed(sm_filter_forecast, N)

    def ms(t):
        return f"{t * 1e3:.1f} ms" if t >= 0.1 else f"{t * 1e3:.2f} ms"

    rows = [
        ("fit, in-process (forecast_run FIT)", ours["fit"][0], t_sm_fit),
        ("fit, whole process (elhub forecast --horizon 1)", t_proc_fit, t_sm_fit),
        ("168-h forecast from the fitted model, in-process", ours["forecast"][0], t_sm_fc),
        ("  the same vs statsmodels filter + get_forecast", ours["forecast"][0], t_sm_ffc),
        ("request at given params, in-process (forecast_run GIVEN)", ours["request"][0],
         t_sm_ffc),
        ("168-h forecast, whole process (elhub forecast --params)", t_proc_fc, t_sm_ffc),
    ]
    print(f"SARIMAX{ORDER}{SEASONAL} on {len(y)} hours of NO1 hydro "
          f"({FROM} to {TO}); median of {N} (statsmodels' fit: {SM_N}); "
          f"load average {load0} -> {load()} (2 cores)")
    print()
    print("| case | elhub | statsmodels | statsmodels / elhub |")
    print("|---|---|---|---|")
    for name, ours_t, sm_t in rows:
        print(f"| {name} | {ms(ours_t)} | {ms(sm_t)} | {sm_t / ours_t:.1f}x |")
    print()
    print(f"in-process CPU time: fit {ms(ours['fit'][1])}, forecast {ms(ours['forecast'][1])}, "
          f"request {ms(ours['request'][1])}")
    print(f"llf: elhub {ours_fit['llf']:.4f} ({ours_fit['iterations']} iterations, converged "
          f"{ours_fit['converged']}; whole process {fit['llf']:.4f}), statsmodels {res.llf:.4f} "
          f"(elhub - statsmodels = {ours_fit['llf'] - res.llf:+.4f})")
    print(f"targets: fit >= 10x statsmodels' fit(): {t_sm_fit / ours['fit'][0]:.1f}x; "
          f"168-h forecast < 10 ms: {ms(ours['forecast'][0])}")


if __name__ == "__main__":
    main()
