"""`elhub forecast` against statsmodels' SARIMAX (statsmodels 0.15.0, a
Python test peer) on real bundled data: NO1 and NO5 hydro production of
2021 (data/elhub/production_2021_slices.csv.gz, Elhub, CC BY 4.0), eight
weeks of training (the Oslo days 2021-01-04 to 2021-02-28: 1,344 hours, no
daylight-saving change), orders (1,0,1)(1,1,1,24), (2,1,1)(0,1,1,24) and
(1,0,0)(1,0,0,168), each without a trend and with a constant.

The store is filled by `elhub import`; the reference input is built here,
independently, from the same file with Python's csv and zoneinfo (the hours
are the UTC instants from one Oslo midnight to another). statsmodels is run
with its defaults (approximate-diffuse differencing states burned,
stationary ARMA initialisation, enforce_stationarity and
enforce_invertibility), fitted with its default fit().

Checks, with the largest difference of each printed (run with -s):
  - the log-likelihood at statsmodels' fitted parameters (--loglike-at)
    equals its llf within 1e-6 relative;
  - our own fit's llf is at least statsmodels' llf - 1e-4 |llf|;
  - the forecast mean and interval at statsmodels' parameters (--params)
    equal its get_forecast(168).predicted_mean / conf_int(alpha=0.05)
    within 1e-6 relative, at the 168 Oslo hours after the training days;
  - the weekly-seasonal models (1,0,0)(1,0,0,168) have 169 states, and one
    statsmodels SARIMAX likelihood evaluation of them takes 1-6 min here
    (its filter never reaches a steady state at its tolerance), so its
    fit() would take hours: for those the likelihood and the forecast are
    compared at OUR fitted parameters instead, one SARIMAX filter per model
    (test_forecast_refs_weekly.py), and the fit against statsmodels'
    innovations-algorithm maximum likelihood estimate of the same model
    (test_forecast_refs_weekly_fit.py, which says why that is the same
    likelihood);
  - exogenous regressors: the same checks with a SYNTHETIC weather variable
    (no real weather in the repository overlaps the bundled 2021 energy
    hours, so the test writes an hourly temperature_2m for location NO1,
    imports it with `elhub import --dataset weather`, and aligns it with
    the energy series by UTC instant itself); a forecast past the stored
    regressor hours is refused, never assumed;
  - backtests: MAE, RMSE and MAPE of the model, seasonal-naive and
    naive-last-week forecasts per fold and overall against an independent
    computation (the folds' model forecasts by statsmodels at the same
    parameters, the naive ones and the scores computed here).
make check runs the cases in forecast_ref.FAST, the backtests and the
refusal; every other case is marked slow (make test only)."""
import json
import math

import numpy as np
import pytest

from forecast_ref import (CASES, DAILY, EXOG_CASES, FC_REL, FIT_REL, N, OSLO, SCORE_REL, T0,
                          WEATHER, case_id, check_forecast, check_llf, cli_args, hours, our_fit,
                          params_file, rel, run_elhub, sm_fit, sm_model, store,  # noqa: F401
                          tiered, training)


@pytest.mark.parametrize("case", tiered(DAILY + EXOG_CASES))
def test_llf_at_params(store, tmp_path, case):
    check_llf(store, tmp_path, case)


@pytest.mark.parametrize("case", tiered(DAILY + EXOG_CASES))
def test_fit_at_least_as_good(store, case):
    params, llf, _ = sm_fit(case)
    out = our_fit(store, case)
    print(f"{case_id(case)}: fitted llf ours {out['llf']:.6f} statsmodels {llf:.6f}, "
          f"ours - statsmodels = {out['llf'] - llf:.6g} (allowed down to "
          f"{-FIT_REL * abs(llf):.4g}); converged {out['converged']}, {out['iterations']} "
          f"iterations: {out['message']}")
    assert out["llf"] >= llf - FIT_REL * abs(llf)
    assert set(out["params"]) == set(params)


@pytest.mark.parametrize("case", tiered(DAILY + EXOG_CASES))
def test_forecast_at_params(store, tmp_path, case):
    check_forecast(store, tmp_path, case)


def test_exog_missing_over_horizon_is_refused(store):
    # The synthetic weather ends with the hour 2021-03-09 23:00 UTC; a
    # 744-hour forecast from 2021-03-01 needs it until 2021-03-31.
    p = run_elhub(*cli_args(store, EXOG_CASES[0]), "--horizon", "744", check=False)
    assert p.returncode == 1, p.stderr
    assert WEATHER in p.stderr and "forecast hours" in p.stderr
    assert "2021-03-10T00:00:00+01:00" in p.stderr  # the last stored hour, in Oslo time


def scores(actual, fc):
    actual, fc = np.asarray(actual, float), np.asarray(fc, float)
    err = fc - actual
    return {"mae": float(np.mean(np.abs(err))), "rmse": float(math.sqrt(np.mean(err ** 2))),
            "mape": float(100 * np.mean(np.abs(err) / np.abs(actual)))}


def check_scores(got, want, what, worst):
    for k in ("mae", "rmse", "mape"):
        d = abs(got[k] - want[k]) / abs(want[k])
        worst[0] = max(worst[0], d)
        assert d <= SCORE_REL, (what, k, got[k], want[k])


@pytest.mark.parametrize("refit", [False, True], ids=["given-params", "refit"])
def test_backtest_scores(store, tmp_path, refit):
    """Three folds of 24 hours at the end of the training days. With given
    parameters (statsmodels' fit) every model forecast is statsmodels' own
    at those parameters, filtered over the fold's hours only; refitted, the
    fold's forecasts are ours, and the scores of those forecasts, the naive
    forecasts and their scores are computed here."""
    case = CASES[0]  # NO1, (1,0,1)(1,1,1,24), no trend
    folds, h = 3, 24
    params, _, raw = sm_fit(case)
    extra = [] if refit else ["--params", params_file(tmp_path, params)]
    out = json.loads(run_elhub(*cli_args(store, case), "--horizon", str(h), "--folds",
                               str(folds), *extra).stdout)
    bt = out["backtest"]
    y = training(case[0])
    assert bt["folds"] == folds and bt["horizon"] == h and bt["refit"] == refit
    assert bt["pct_metric"] == "mape"
    pooled = {k: [] for k in ("actual", "model", "seasonal_naive", "naive_week")}
    worst, worst_fc = [0.0], 0.0
    for i, f in enumerate(bt["per_fold"]):
        o = N - (folds - i) * h
        assert f["train_hours"] == o
        assert f["time"] == [t.astimezone(OSLO).isoformat() for t in hours(T0, N)[o:o + h]]
        actual = y[o:o + h]
        assert f["actual"] == pytest.approx(actual, rel=0, abs=0)
        if refit:
            model = np.array(f["model"])
        else:
            m = sm_model(case, n=o)
            model = m.filter(raw).get_forecast(h).predicted_mean
            worst_fc = max(worst_fc, rel(f["model"], model))
            assert rel(f["model"], model) <= FC_REL
        snaive = np.array([y[o - 24 + (j % 24)] for j in range(h)])
        wnaive = np.array([y[o - 168 + (j % 168)] for j in range(h)])
        assert f["seasonal_naive"] == pytest.approx(snaive, rel=0, abs=0)
        assert f["naive_week"] == pytest.approx(wnaive, rel=0, abs=0)
        for name, fc in (("model", model), ("seasonal_naive", snaive), ("naive_week", wnaive)):
            check_scores(f["metrics"][name], scores(actual, fc), (i, name), worst)
            pooled[name].extend(fc)
        pooled["actual"].extend(actual)
    for name in ("model", "seasonal_naive", "naive_week"):
        check_scores(bt["overall"][name], scores(pooled["actual"], pooled[name]),
                     ("overall", name), worst)
    ov = bt["overall"]
    print(f"backtest {'refit' if refit else 'given params'}: largest relative difference of "
          f"the scores {worst[0]:.3g}"
          + ("" if refit else f", of the fold forecasts {worst_fc:.3g}")
          + f" (tolerance {SCORE_REL:g}); overall MAE model {ov['model']['mae']:.0f}, "
          f"seasonal-naive {ov['seasonal_naive']['mae']:.0f}, naive-week "
          f"{ov['naive_week']['mae']:.0f} kWh")
