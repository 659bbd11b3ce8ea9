"""`elhub forecast` against statsmodels' SARIMAX for the weekly-seasonal
models (1,0,0)(1,0,0,168), NO1 and NO5 hydro, trend n and c, on the eight
training weeks of test_forecast_refs.py (whose comment says what is
checked). These models have 169 states, and one statsmodels likelihood
evaluation takes 1-6 min here (its filter never reaches its steady-state
test), so its fit() would take hours: the log-likelihood (1e-6 relative)
and the 168-hour forecast mean and interval (1e-6 relative) are compared at
OUR fitted parameters, one statsmodels filter per model (shared by the two
checks: pytest-xdist's loadfile keeps a file in one worker); the fit is
compared in test_forecast_refs_weekly_fit.py. A file of its own so that
pytest-xdist runs it beside the others, and marked slow: `make test` runs
it, `make check` does not (tests/run.sh)."""
import pytest

from forecast_ref import WEEKLY, case_id, check_forecast, check_llf, store  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case", WEEKLY, ids=case_id)
def test_llf_at_params(store, tmp_path, case):
    check_llf(store, tmp_path, case)


@pytest.mark.parametrize("case", WEEKLY, ids=case_id)
def test_forecast_at_params(store, tmp_path, case):
    check_forecast(store, tmp_path, case)
