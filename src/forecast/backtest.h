/* forecast/backtest: rolling-origin evaluation of a SARIMAX specification
 * against two naive forecasts, inside the training data.
 *
 * With n training hours, horizon h and F folds, fold i (0 = earliest) has
 * its origin at hour o_i = n - (F - i) h: the folds' horizons are F
 * consecutive, non-overlapping blocks of h hours that end exactly at the
 * end of the training data. For each fold:
 *   - model: SARIMAX fitted by maximum likelihood on hours [0, o_i) only
 *     (refitted per fold, from its own starting values, so nothing after the
 *     origin leaks in), or, when parameters are given, those parameters
 *     filtered over [0, o_i); then a dynamic forecast of hours
 *     [o_i, o_i + h). Exogenous values over the fold's horizon are the
 *     observed ones (perfect foresight of the regressors);
 *   - seasonal naive: y[o_i - s + (j mod s)] for hour o_i + j, the last
 *     observed value at the same phase of the season (s from the model;
 *     24 when the model has none);
 *   - naive last week: y[o_i - 168 + (j mod 168)].
 * Errors are scored by MAE, RMSE and MAPE in percent, or sMAPE
 * (200 |f - y| / (|f| + |y|), 0 when both are 0) when any actual value in
 * the evaluated hours is zero or negative; per fold and pooled over all
 * folds' hours.
 *
 * Pure computation; thread-safe (no shared state). */
#ifndef ELHUB_FORECAST_BACKTEST_H
#define ELHUB_FORECAST_BACKTEST_H

#include "err.h"
#include "forecast/sarimax.h"

#include <stddef.h>

/* The lag of the naive-last-week forecast, in hours. */
#define BACKTEST_WEEK 168

enum backtest_method { BACKTEST_MODEL, BACKTEST_SEASONAL_NAIVE, BACKTEST_NAIVE_WEEK };
#define BACKTEST_METHODS 3

struct backtest_metrics {
    double mae, rmse, pct; /* pct: MAPE or sMAPE, in percent */
};

struct backtest_fold {
    size_t origin;                /* hour index of the first forecast hour = hours trained on */
    double llf;                   /* of the fold's model at its parameters */
    int converged;                /* of the fold's fit (1 when parameters were given) */
    int iterations;               /* of the fold's fit (0 when parameters were given) */
    double *params;               /* owned: the fold's parameters (sarimax_nparams) */
    double *fc[BACKTEST_METHODS]; /* owned: horizon forecasts per method */
    struct backtest_metrics m[BACKTEST_METHODS];
};

struct backtest_result {
    size_t folds, horizon, season, nparams;
    int refit;                  /* 1: each fold fitted; 0: the given parameters */
    int smape;                  /* 1: pct is sMAPE (an actual value <= 0), else MAPE */
    struct backtest_fold *fold; /* owned, folds entries */
    struct backtest_metrics overall[BACKTEST_METHODS];
};

/* "model", "seasonal_naive", "naive_week": the keys the JSON output uses. */
const char *backtest_method_name(enum backtest_method m);

/* The season the seasonal-naive forecast repeats: sp->s if >= 2, else 24. */
size_t backtest_season(const struct sarimax_spec *sp);

/* The earliest origin the folds need: enough hours for the model (see
 * sarimax_min_obs), one season and one week. */
size_t backtest_min_origin(const struct sarimax_spec *sp);

/* Checks that folds x horizon fit into n training hours with the first
 * origin at or after backtest_min_origin, and the caps; -1 (ERR_USAGE) with
 * the numbers otherwise. backtest_run starts with this check. */
int backtest_check(const struct sarimax_spec *sp, size_t n, size_t horizon, size_t folds,
                   struct err *e);

/* Runs the evaluation above on y[0..n) (exog: n rows of sp->k_exog values,
 * NULL if none). params NULL refits every fold with fo (NULL: defaults);
 * otherwise those parameters are used for every fold. Fails (ERR_USAGE)
 * when folds or horizon are 0 or above their caps, or when the first
 * origin would be before backtest_min_origin; a fold whose model cannot be
 * evaluated fails the whole run with the fold named. out is caller storage,
 * filled on success and released with backtest_release (also safe after a
 * failure). */
int backtest_run(const struct sarimax_spec *sp, const double *y, const double *exog, size_t n,
                 size_t horizon, size_t folds, const double *params,
                 const struct sarimax_fit_opts *fo, struct backtest_result *out, struct err *e);
void backtest_release(struct backtest_result *r);

/* MAE, RMSE and MAPE (smape = 0) or sMAPE (smape = 1) of fc against
 * actual over n values. MAPE terms with actual = 0 are left out (the caller
 * picks sMAPE then). */
void backtest_score(const double *actual, const double *fc, size_t n, int smape,
                    struct backtest_metrics *out);

#endif
