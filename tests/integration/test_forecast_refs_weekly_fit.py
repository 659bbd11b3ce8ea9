"""Our fit of the weekly-seasonal models (1,0,0)(1,0,0,168), NO1 and NO5
hydro, trend n and c, on the eight training weeks of test_forecast_refs.py,
against statsmodels' maximum likelihood estimate: our fitted llf >=
statsmodels' llf - 1e-4 |llf| (the issue's tolerance).

statsmodels' SARIMAX fit() is out of reach here (one evaluation of its
169-state Kalman filter takes minutes, a fit hundreds of them), so the
estimate is statsmodels' other exact-likelihood estimator of the same
model: innovations_mle (statsmodels.tsa.arima.estimators.innovations, the
estimator of ARIMA(...).fit(method="innovations_mle")), which maximises the
exact Gaussian likelihood of the stationary SARMA process computed by the
innovations algorithm (statsmodels.tsa.innovations.arma_loglike) with
scipy's BFGS, from Hannan-Rissanen starting values. With d = D = 0 that is
the likelihood SARIMAX computes (stationary initialisation, nothing burned):
the test first checks arma_loglike at our fitted parameters against our
--loglike-at there (1e-9 relative; test_forecast_refs_weekly.py checks
that against SARIMAX's own filter at the same point). Trend c: innovations_mle with its default
demeaning (the sample mean subtracted, the mean then fixed at it), so
statsmodels' estimate is the model with intercept = mean (1 - ar.L1)
(1 - ar.S.L168), a point of our parameter space, and our maximum must be at
least as high. A file of its own so that pytest-xdist runs it beside the
filter tests; marked slow (make test only: 100-170 likelihood evaluations
of 0.1-0.6 s each per model)."""
import json
import warnings

import numpy as np
import pytest
from statsmodels.tsa.arima.estimators.innovations import innovations_mle
from statsmodels.tsa.innovations.arma_innovations import arma_loglike

from forecast_ref import (FIT_REL, WEEKLY, case_id, cli_args, our_fit, params_file, run_elhub,
                          store, training)  # noqa: F401

pytestmark = pytest.mark.slow

INNOV_REL = 1e-9  # arma_loglike against our --loglike-at at the same parameters


def ar_lags(phi, seasonal_phi, s):
    """The coefficients a_i of y_t = sum a_i y_{t-i} + e_t for the AR
    polynomial (1 - phi L)(1 - seasonal_phi L^s), i = 1..s+1."""
    poly = np.polymul([1.0, -phi], np.r_[1.0, np.zeros(s - 1), -seasonal_phi])
    return -poly[1:]


def innov_llf(y, mean, phi, seasonal_phi, sigma2, s):
    return float(arma_loglike(y - mean, ar_params=ar_lags(phi, seasonal_phi, s), ma_params=None,
                              sigma2=sigma2))


@pytest.mark.parametrize("case", WEEKLY, ids=case_id)
def test_weekly_fit_at_least_as_good(store, tmp_path, case):
    area, o, so, trend, _ = case
    s = so[3]
    y = training(area)
    ours = our_fit(store, case)
    p = ours["params"]
    mean = p.get("intercept", 0.0) / ((1 - p["ar.L1"]) * (1 - p["ar.S.L168"]))
    at_ours = innov_llf(y, mean, p["ar.L1"], p["ar.S.L168"], p["sigma2"], s)
    ll = json.loads(run_elhub(*cli_args(store, case), "--loglike-at",
                              params_file(tmp_path, p)).stdout)["llf"]
    d_innov = abs(at_ours - ll) / abs(ll)
    assert d_innov <= INNOV_REL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = innovations_mle(y, order=o, seasonal_order=so, demean=trend == "c")
    sm_mean = float(np.mean(y)) if trend == "c" else 0.0
    q = r.parameters
    sm_llf = innov_llf(y, sm_mean, float(q.ar_params[0]), float(q.seasonal_ar_params[0]),
                       float(q.sigma2), s)
    # statsmodels' own value of its optimum (scipy minimises -llf).
    assert sm_llf == pytest.approx(-r.other_results.minimize_results.fun, rel=1e-9)
    print(f"{case_id(case)}: arma_loglike at our parameters vs our --loglike-at: relative "
          f"difference {d_innov:.3g} (tolerance {INNOV_REL:g}); fitted llf ours "
          f"{ours['llf']:.6f} statsmodels innovations_mle {sm_llf:.6f} (ar.L1 "
          f"{q.ar_params[0]:.6f}, ar.S.L{s} {q.seasonal_ar_params[0]:.6f}"
          + (f", mean {sm_mean:.1f}" if trend == "c" else "")
          + f"), ours - statsmodels = {ours['llf'] - sm_llf:.6g} (allowed down to "
          f"{-FIT_REL * abs(sm_llf):.4g})")
    assert ours["llf"] >= sm_llf - FIT_REL * abs(sm_llf)
