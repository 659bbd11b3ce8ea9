/* forecast/forecast: one forecasting request on data in memory, from fit to
 * backtest, and its output through the one JSON writer (json.h) and the one
 * CSV writer (csv_out.h): fit (or take given parameters), forecast with
 * intervals, backtest. forecast/request.h feeds it from the store for the
 * command line and the JSON API, so the two cannot disagree. Pure: no I/O,
 * no shared state; thread-safe. */
#ifndef ELHUB_FORECAST_FORECAST_H
#define ELHUB_FORECAST_FORECAST_H

#include "csv_out.h"
#include "err.h"
#include "forecast/backtest.h"
#include "forecast/sarimax.h"
#include "json.h"

#include <stddef.h>
#include <stdint.h>

enum forecast_mode {
    FORECAST_FIT,    /* maximum likelihood, then forecast (and backtest) */
    FORECAST_GIVEN,  /* the given parameters, no fit */
    FORECAST_LOGLIKE /* only the log-likelihood at the given parameters */
};

/* Borrowed for the duration of forecast_run. */
struct forecast_request {
    struct sarimax_spec spec;
    enum forecast_mode mode;
    const double *y; /* n training hours */
    size_t n;
    const double *exog;        /* n rows of spec.k_exog values, or NULL */
    const double *exog_future; /* horizon rows of spec.k_exog values, or NULL */
    size_t horizon;            /* 1..LIMIT_FORECAST_HORIZON (unused for LOGLIKE) */
    double alpha;              /* interval level, in (0, 1) */
    size_t folds;              /* backtest folds, 0 for none */
    const double *params;      /* GIVEN / LOGLIKE: sarimax_nparams values */
    int maxiter;               /* fit iterations, 0 for the default */
    /* The work the whole request may do, in units of states^2 x hours per
     * likelihood evaluation (LIMIT_FORECAST_WORK's unit); 0 for no limit.
     * It is shared evenly by the fit and each fold's fit, each of which
     * stops at its share ("evaluation limit reached", not converged). */
    double work;
};

struct forecast_result {
    enum forecast_mode mode;
    size_t nparams;
    double *params;       /* owned: fitted or given */
    double *start_params; /* owned: the fit's starting values (FIT only, else NULL) */
    double llf, aic, bic;
    size_t nobs, nobs_effective;
    int converged, iterations, fevals; /* FIT only */
    long maxfev;                       /* FIT: the evaluations each fit may use (0: no limit) */
    char message[128];                 /* FIT only: why the optimiser stopped */
    size_t horizon;
    double z;                     /* the normal quantile of 1 - alpha/2 */
    double *mean, *lower, *upper; /* owned, horizon values (not for LOGLIKE) */
    int has_backtest;
    struct backtest_result bt;
};

/* Evaluations of the likelihood that `work` allows each fit of rq (0 when
 * rq->work is 0), and the fewest a fit is given at all: a request whose
 * share is below it is refused by forecast_run (ERR_USAGE) instead of
 * returning a fit that could not move. */
long forecast_maxfev(const struct forecast_request *rq);
#define FORECAST_MIN_FEVALS_PER_PARAM 10

/* The work rule alone (the check forecast_run makes first): -1 with e
 * (ERR_USAGE) when rq is a FIT whose share of rq->work is below the fewest
 * evaluations a fit is given. Reads only rq's spec, mode, n, folds and
 * work, so a front end can refuse a request before reading its data.
 * Pure. */
int forecast_check_work(const struct forecast_request *rq, struct err *e);

/* Runs rq. Validates everything a request may get wrong (ERR_USAGE: the
 * spec and its caps, horizon, alpha, folds, a missing exogenous block, the
 * work) before doing any work. out is caller storage, filled on success and
 * released with forecast_result_release (safe after a failure too). A fit
 * that does not converge is not a failure: out->converged says so, and
 * out->llf is its last log-likelihood. */
int forecast_run(const struct forecast_request *rq, struct forecast_result *out, struct err *e);
void forecast_result_release(struct forecast_result *r);

/* What the output calls things. Borrowed for the call. */
struct forecast_labels {
    const char *series;            /* "production:NO1:hydro" */
    const char *const *exog_names; /* spec.k_exog names (also the parameter names) */
    int64_t t0;                    /* UTC instant of training hour 0; hours are t0 + 3600 i */
    const char *fill;              /* the gap policy applied ("none", "linear") */
    size_t filled;                 /* training hours it filled */
};

/* Writes the result as one JSON object (the shape is in docs/FORECAST.md)
 * with j's writer: times as the Elhub API writes them, numbers losslessly,
 * null for anything not finite. Errors are j's (sticky; json_finish). */
void forecast_put_json(struct json *j, const struct forecast_request *rq,
                       const struct forecast_result *r, const struct forecast_labels *lb);
/* Writes the forecast as CSV rows: time,mean,lower,upper, one row per
 * forecast hour; a LOGLIKE result has none (only the header). Errors are
 * w's (csv_out_finish). */
void forecast_put_csv(struct csv_out *w, const struct forecast_result *r,
                      const struct forecast_labels *lb);

#endif
