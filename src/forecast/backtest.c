/* forecast/backtest: rolling-origin evaluation (see backtest.h for the
 * exact placement of origins and the metrics). */
#include "forecast/backtest.h"

#include "caps.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *backtest_method_name(enum backtest_method m)
{
    switch (m) {
    case BACKTEST_MODEL:
        return "model";
    case BACKTEST_SEASONAL_NAIVE:
        return "seasonal_naive";
    default:
        return "naive_week";
    }
}

size_t backtest_season(const struct sarimax_spec *sp)
{
    return sp->s >= 2 ? (size_t)sp->s : 24;
}

size_t backtest_min_origin(const struct sarimax_spec *sp)
{
    size_t need = sarimax_min_obs(sp);
    if (backtest_season(sp) > need)
        need = backtest_season(sp);
    if (BACKTEST_WEEK > need)
        need = BACKTEST_WEEK;
    return need;
}

void backtest_score(const double *actual, const double *fc, size_t n, int smape,
                    struct backtest_metrics *out)
{
    double ae = 0, se = 0, pe = 0;
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        double err = fc[i] - actual[i], den;
        ae += fabs(err);
        se += err * err;
        if (smape) {
            den = fabs(fc[i]) + fabs(actual[i]);
            pe += den > 0 ? 200 * fabs(err) / den : 0;
            np++;
        } else if (actual[i] != 0) {
            pe += 100 * fabs(err) / fabs(actual[i]);
            np++;
        }
    }
    out->mae = n ? ae / (double)n : NAN;
    out->rmse = n ? sqrt(se / (double)n) : NAN;
    out->pct = np ? pe / (double)np : NAN;
}

void backtest_release(struct backtest_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->fold && i < r->folds; i++) {
        free(r->fold[i].params);
        for (int k = 0; k < BACKTEST_METHODS; k++)
            free(r->fold[i].fc[k]);
    }
    free(r->fold);
    memset(r, 0, sizeof *r);
}

/* The fold's model forecast: fit (or take params) on [0, o), forecast h. */
static int fold_model(const struct sarimax_spec *sp, const double *y, const double *exog, size_t o,
                      size_t h, const double *params, const struct sarimax_fit_opts *fo,
                      struct backtest_fold *f, size_t np, struct err *e)
{
    struct sarimax *m = NULL;
    double *var = xmalloc(h * sizeof *var);
    size_t k = sp->k_exog > 0 ? (size_t)sp->k_exog : 0;
    int ret = -1;

    if (sarimax_new(sp, y, exog, o, &m, e) < 0)
        goto out;
    if (params) {
        memcpy(f->params, params, np * sizeof *params);
        if (sarimax_loglike(m, f->params, &f->llf, e) < 0)
            goto out;
        f->converged = 1;
        f->iterations = 0;
    } else {
        struct sarimax_fit_info info;
        if (sarimax_fit(m, fo, f->params, &info, e) < 0)
            goto out;
        f->llf = info.llf;
        f->converged = info.converged;
        f->iterations = info.iterations;
    }
    if (sarimax_forecast(m, f->params, h, k ? exog + o * k : NULL, f->fc[BACKTEST_MODEL], var, e) <
        0)
        goto out;
    ret = 0;
out:
    free(var);
    sarimax_free(m);
    return ret;
}

int backtest_check(const struct sarimax_spec *sp, size_t n, size_t horizon, size_t folds,
                   struct err *e)
{
    size_t need = backtest_min_origin(sp);
    if (sarimax_spec_check(sp, e) < 0)
        return -1;
    if (folds < 1 || folds > LIMIT_FORECAST_FOLDS)
        return err_set(e, ERR_USAGE, 0, "backtest folds must be 1..%d (got %zu)",
                       LIMIT_FORECAST_FOLDS, folds);
    if (horizon < 1 || horizon > LIMIT_FORECAST_HORIZON)
        return err_set(e, ERR_USAGE, 0, "the horizon must be 1..%d hours (got %zu)",
                       LIMIT_FORECAST_HORIZON, horizon);
    if (folds * horizon >= n || n - folds * horizon < need)
        return err_set(e, ERR_USAGE, 0,
                       "%zu folds of %zu hours need at least %zu training hours (%zu before the "
                       "first origin for the model, a season and a week); there are %zu",
                       folds, horizon, need + folds * horizon, need, n);
    return 0;
}

int backtest_run(const struct sarimax_spec *sp, const double *y, const double *exog, size_t n,
                 size_t horizon, size_t folds, const double *params,
                 const struct sarimax_fit_opts *fo, struct backtest_result *out, struct err *e)
{
    size_t np = sarimax_nparams(sp), season = backtest_season(sp), first;
    double *all_a = NULL, *all_f[BACKTEST_METHODS] = {NULL, NULL, NULL};

    memset(out, 0, sizeof *out);
    if (backtest_check(sp, n, horizon, folds, e) < 0)
        return -1;
    first = n - folds * horizon;

    out->folds = folds;
    out->horizon = horizon;
    out->season = season;
    out->nparams = np;
    out->refit = params == NULL;
    out->fold = xcalloc(folds, sizeof *out->fold);
    for (size_t i = 0; i < folds; i++) {
        struct backtest_fold *f = &out->fold[i];
        f->origin = first + i * horizon;
        f->params = xcalloc(np, sizeof *f->params);
        for (int k = 0; k < BACKTEST_METHODS; k++)
            f->fc[k] = xcalloc(horizon, sizeof *f->fc[k]);
        for (size_t j = 0; j < horizon; j++) {
            f->fc[BACKTEST_SEASONAL_NAIVE][j] = y[f->origin - season + j % season];
            f->fc[BACKTEST_NAIVE_WEEK][j] = y[f->origin - BACKTEST_WEEK + j % BACKTEST_WEEK];
        }
        if (fold_model(sp, y, exog, f->origin, horizon, params, fo, f, np, e) < 0) {
            err_prefix(e, "backtest fold %zu of %zu (origin hour %zu)", i + 1, folds, f->origin);
            backtest_release(out);
            return -1;
        }
    }
    for (size_t t = first; t < n; t++)
        if (y[t] <= 0)
            out->smape = 1;
    all_a = xmalloc(folds * horizon * sizeof *all_a);
    for (int k = 0; k < BACKTEST_METHODS; k++)
        all_f[k] = xmalloc(folds * horizon * sizeof *all_f[k]);
    for (size_t i = 0; i < folds; i++) {
        struct backtest_fold *f = &out->fold[i];
        memcpy(all_a + i * horizon, y + f->origin, horizon * sizeof *y);
        for (int k = 0; k < BACKTEST_METHODS; k++) {
            backtest_score(y + f->origin, f->fc[k], horizon, out->smape, &f->m[k]);
            memcpy(all_f[k] + i * horizon, f->fc[k], horizon * sizeof *y);
        }
    }
    for (int k = 0; k < BACKTEST_METHODS; k++) {
        backtest_score(all_a, all_f[k], folds * horizon, out->smape, &out->overall[k]);
        free(all_f[k]);
    }
    free(all_a);
    return 0;
}
