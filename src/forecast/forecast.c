/* forecast/forecast: one request from fit to backtest, and its JSON and CSV
 * output through the one JSON and CSV writers (see forecast.h). */
#include "forecast/forecast.h"

#include "caps.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

void forecast_result_release(struct forecast_result *r)
{
    if (!r)
        return;
    free(r->params);
    free(r->start_params);
    free(r->mean);
    free(r->lower);
    free(r->upper);
    backtest_release(&r->bt);
    memset(r, 0, sizeof *r);
}

long forecast_maxfev(const struct forecast_request *rq)
{
    double per_eval, fits, v;
    if (!(rq->work > 0))
        return 0;
    per_eval = (double)sarimax_states(&rq->spec) * (double)sarimax_states(&rq->spec) *
               (double)(rq->n ? rq->n : 1);
    fits = rq->mode == FORECAST_FIT ? 1.0 + (double)rq->folds : 1.0;
    v = floor(rq->work / (per_eval * fits));
    return v > 1e9 ? 1000000000L : v < 1 ? 1 : (long)v;
}

int forecast_check_work(const struct forecast_request *rq, struct err *e)
{
    long maxfev = forecast_maxfev(rq);
    size_t np = sarimax_nparams(&rq->spec);
    if (rq->mode == FORECAST_FIT && maxfev > 0 &&
        maxfev < FORECAST_MIN_FEVALS_PER_PARAM * (long)(np + 1))
        return err_set(e, ERR_USAGE, 0,
                       "the request is more work than this server allows: %zu hours of a "
                       "%zu-state model fitted %zu time%s; ask for fewer folds, fewer training "
                       "days or a smaller model, or run elhub forecast on the command line",
                       rq->n, sarimax_states(&rq->spec), 1 + rq->folds, rq->folds ? "s" : "");
    return 0;
}

int forecast_run(const struct forecast_request *rq, struct forecast_result *out, struct err *e)
{
    const struct sarimax_spec *sp = &rq->spec;
    size_t np = sarimax_nparams(sp), k = sp->k_exog > 0 ? (size_t)sp->k_exog : 0;
    struct sarimax *m = NULL;
    double *var = NULL;
    long maxfev = forecast_maxfev(rq);
    int ret = -1;

    memset(out, 0, sizeof *out);
    if (sarimax_check_size(sp, rq->n, e) < 0)
        return -1;
    if (rq->mode != FORECAST_LOGLIKE) {
        if (rq->horizon < 1 || rq->horizon > LIMIT_FORECAST_HORIZON)
            return err_set(e, ERR_USAGE, 0, "the horizon must be 1..%d hours (got %zu)",
                           LIMIT_FORECAST_HORIZON, rq->horizon);
        if (!(rq->alpha > 0 && rq->alpha < 1))
            return err_set(e, ERR_USAGE, 0, "alpha must be between 0 and 1 (got %g)", rq->alpha);
        if (rq->folds > LIMIT_FORECAST_FOLDS)
            return err_set(e, ERR_USAGE, 0, "at most %d backtest folds (got %zu)",
                           LIMIT_FORECAST_FOLDS, rq->folds);
        if (rq->folds > 0 && backtest_check(sp, rq->n, rq->horizon, rq->folds, e) < 0)
            return -1;
        if (k && !rq->exog_future)
            return err_set(e, ERR_USAGE, 0,
                           "the exogenous regressors' values over the %zu forecast hours are "
                           "required",
                           rq->horizon);
    }
    if (k && !rq->exog)
        return err_set(e, ERR_USAGE, 0, "the model has %zu exogenous regressors but none given", k);
    if (rq->mode != FORECAST_FIT && !rq->params)
        return err_set(e, ERR_USAGE, 0, "parameters are required");
    if (forecast_check_work(rq, e) < 0)
        return -1;
    if (sarimax_new(sp, rq->y, rq->exog, rq->n, &m, e) < 0)
        return -1;

    out->mode = rq->mode;
    out->nparams = np;
    out->nobs = rq->n;
    out->nobs_effective = rq->n - sarimax_burn(sp);
    out->params = xcalloc(np, sizeof *out->params);
    if (rq->mode == FORECAST_FIT) {
        struct sarimax_fit_opts fo = {rq->maxiter, NULL, maxfev};
        struct sarimax_fit_info info;
        out->maxfev = maxfev;
        out->start_params = xcalloc(np, sizeof *out->start_params);
        if (sarimax_start_params(m, out->start_params, e) < 0)
            goto out;
        fo.start = out->start_params;
        if (sarimax_fit(m, &fo, out->params, &info, e) < 0)
            goto out;
        out->llf = info.llf;
        out->converged = info.converged;
        out->iterations = info.iterations;
        out->fevals = info.fevals;
        snprintf(out->message, sizeof out->message, "%s", info.message);
    } else {
        memcpy(out->params, rq->params, np * sizeof *out->params);
        if (sarimax_loglike(m, out->params, &out->llf, e) < 0)
            goto out;
    }
    out->aic = -2 * out->llf + 2 * (double)np;
    out->bic = -2 * out->llf + (double)np * log((double)out->nobs_effective);
    if (rq->mode == FORECAST_LOGLIKE) {
        ret = 0;
        goto out;
    }

    out->horizon = rq->horizon;
    out->z = sarimax_norm_ppf(1 - rq->alpha / 2);
    out->mean = xmalloc(rq->horizon * sizeof *out->mean);
    out->lower = xmalloc(rq->horizon * sizeof *out->lower);
    out->upper = xmalloc(rq->horizon * sizeof *out->upper);
    var = xmalloc(rq->horizon * sizeof *var);
    if (sarimax_forecast(m, out->params, rq->horizon, rq->exog_future, out->mean, var, e) < 0)
        goto out;
    for (size_t j = 0; j < rq->horizon; j++) {
        double sd = sqrt(var[j]);
        out->lower[j] = out->mean[j] - out->z * sd;
        out->upper[j] = out->mean[j] + out->z * sd;
    }
    if (rq->folds > 0) {
        struct sarimax_fit_opts fo = {rq->maxiter, NULL, maxfev};
        if (backtest_run(sp, rq->y, rq->exog, rq->n, rq->horizon, rq->folds,
                         rq->mode == FORECAST_GIVEN ? rq->params : NULL, &fo, &out->bt, e) < 0)
            goto out;
        out->has_backtest = 1;
    }
    ret = 0;
out:
    free(var);
    sarimax_free(m);
    if (ret < 0)
        forecast_result_release(out);
    return ret;
}

/* ---- output ---------------------------------------------------------------- */

static void numbers(struct json *j, const double *v, size_t n)
{
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_num(j, v[i]);
    json_arr_end(j);
}

static void times(struct json *j, int64_t t0, size_t from, size_t n)
{
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_time(j, t0 + HOUR * (int64_t)(from + i));
    json_arr_end(j);
}

static void params_obj(struct json *j, const struct sarimax_spec *sp, const char *const *names,
                       const double *p)
{
    char name[128];
    json_obj(j);
    for (size_t i = 0; i < sarimax_nparams(sp); i++) {
        sarimax_param_name(sp, names, i, name, sizeof name);
        json_knum(j, name, p[i]);
    }
    json_obj_end(j);
}

static void methods_obj(struct json *j, const struct backtest_metrics *m, int smape)
{
    json_obj(j);
    for (int k = 0; k < BACKTEST_METHODS; k++) {
        json_key(j, backtest_method_name((enum backtest_method)k));
        json_obj(j);
        json_knum(j, "mae", m[k].mae);
        json_knum(j, "rmse", m[k].rmse);
        json_knum(j, smape ? "smape" : "mape", m[k].pct);
        json_obj_end(j);
    }
    json_obj_end(j);
}

static void backtest_obj(struct json *j, const struct forecast_request *rq,
                         const struct backtest_result *bt, const struct forecast_labels *lb)
{
    json_obj(j);
    json_kint(j, "folds", (int64_t)bt->folds);
    json_kint(j, "horizon", (int64_t)bt->horizon);
    json_kbool(j, "refit", bt->refit);
    json_kint(j, "season", (int64_t)bt->season);
    json_kint(j, "naive_week_lag", BACKTEST_WEEK);
    json_kstr(j, "pct_metric", bt->smape ? "smape" : "mape");
    json_key(j, "overall");
    methods_obj(j, bt->overall, bt->smape);
    json_key(j, "per_fold");
    json_arr(j);
    for (size_t i = 0; i < bt->folds; i++) {
        const struct backtest_fold *f = &bt->fold[i];
        json_obj(j);
        json_ktime(j, "origin", lb->t0 + HOUR * (int64_t)f->origin);
        json_kint(j, "train_hours", (int64_t)f->origin);
        json_knum(j, "llf", f->llf);
        json_kbool(j, "converged", f->converged);
        json_kint(j, "iterations", f->iterations);
        json_key(j, "params");
        params_obj(j, &rq->spec, lb->exog_names, f->params);
        json_key(j, "metrics");
        methods_obj(j, f->m, bt->smape);
        json_key(j, "time");
        times(j, lb->t0, f->origin, bt->horizon);
        json_key(j, "actual");
        numbers(j, rq->y + f->origin, bt->horizon);
        for (int k = 0; k < BACKTEST_METHODS; k++) {
            json_key(j, backtest_method_name((enum backtest_method)k));
            numbers(j, f->fc[k], bt->horizon);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

void forecast_put_json(struct json *j, const struct forecast_request *rq,
                       const struct forecast_result *r, const struct forecast_labels *lb)
{
    const struct sarimax_spec *sp = &rq->spec;
    static const char *const modes[] = {"mle", "given", "loglike"};

    json_obj(j);
    json_kstr(j, "series", lb->series);
    json_key(j, "exog");
    json_arr(j);
    for (int k = 0; k < sp->k_exog; k++)
        json_str(j, lb->exog_names[k]);
    json_arr_end(j);
    json_key(j, "train");
    json_obj(j);
    json_ktime(j, "from", lb->t0);
    json_ktime(j, "to", lb->t0 + HOUR * (int64_t)(rq->n - 1));
    json_kint(j, "hours", (int64_t)rq->n);
    json_kstr(j, "fill", lb->fill ? lb->fill : "none");
    json_kint(j, "filled", (int64_t)lb->filled);
    json_obj_end(j);
    json_key(j, "model");
    json_obj(j);
    json_key(j, "order");
    json_arr(j);
    json_int(j, sp->p);
    json_int(j, sp->d);
    json_int(j, sp->q);
    json_arr_end(j);
    json_key(j, "seasonal_order");
    json_arr(j);
    json_int(j, sp->P);
    json_int(j, sp->D);
    json_int(j, sp->Q);
    json_int(j, sp->s);
    json_arr_end(j);
    json_kstr(j, "trend", sarimax_trend_name(sp->trend));
    json_kint(j, "states", (int64_t)sarimax_states(sp));
    json_kint(j, "burn", (int64_t)sarimax_burn(sp));
    json_obj_end(j);
    json_kstr(j, "method", modes[r->mode]);
    json_key(j, "params");
    params_obj(j, sp, lb->exog_names, r->params);
    if (r->start_params) {
        json_key(j, "start_params");
        params_obj(j, sp, lb->exog_names, r->start_params);
    }
    json_knum(j, "llf", r->llf);
    json_knum(j, "aic", r->aic);
    json_knum(j, "bic", r->bic);
    json_kint(j, "nobs", (int64_t)r->nobs);
    json_kint(j, "nobs_effective", (int64_t)r->nobs_effective);
    if (r->mode == FORECAST_FIT) {
        json_kbool(j, "converged", r->converged);
        json_kint(j, "iterations", r->iterations);
        json_kint(j, "fevals", r->fevals);
        json_key(j, "max_fevals");
        if (r->maxfev > 0)
            json_int(j, r->maxfev);
        else
            json_null(j);
        json_kstr(j, "message", r->message);
    } else {
        json_key(j, "converged");
        json_null(j);
    }
    if (r->mode != FORECAST_LOGLIKE) {
        json_key(j, "forecast");
        json_obj(j);
        json_knum(j, "alpha", rq->alpha);
        json_knum(j, "z", r->z);
        json_key(j, "time");
        times(j, lb->t0, rq->n, r->horizon);
        json_key(j, "mean");
        numbers(j, r->mean, r->horizon);
        json_key(j, "lower");
        numbers(j, r->lower, r->horizon);
        json_key(j, "upper");
        numbers(j, r->upper, r->horizon);
        json_obj_end(j);
    }
    if (r->has_backtest) {
        json_key(j, "backtest");
        backtest_obj(j, rq, &r->bt, lb);
    }
    json_obj_end(j);
}

void forecast_put_csv(struct csv_out *w, const struct forecast_result *r,
                      const struct forecast_labels *lb)
{
    csv_out_text(w, "time");
    csv_out_text(w, "mean");
    csv_out_text(w, "lower");
    csv_out_text(w, "upper");
    csv_out_row(w);
    if (r->mode == FORECAST_LOGLIKE)
        return;
    for (size_t j = 0; j < r->horizon; j++) {
        csv_out_time(w, lb->t0 + HOUR * (int64_t)(r->nobs + j));
        csv_out_num(w, r->mean[j]);
        csv_out_num(w, r->lower[j]);
        csv_out_num(w, r->upper[j]);
        csv_out_row(w);
    }
}
