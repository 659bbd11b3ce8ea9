/* forecast/request: reading a request's series from the store and running
 * it (see request.h). */
#include "forecast/request.h"

#include "mem.h"
#include "query/query.h"
#include "timeutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

void forecast_params_exog_names(const struct forecast_params *p, const char **names)
{
    for (size_t j = 0; j < p->nexog; j++)
        names[j] = p->exog[j].name;
}

void forecast_answer_release(struct forecast_answer *a)
{
    if (!a)
        return;
    free(a->y);
    free(a->x);
    free(a->xf);
    forecast_result_release(&a->res);
    memset(a, 0, sizeof *a);
}

/* The series must exist in the store (an unknown area or group is the
 * caller's to change: ERR_USAGE naming what the store has). */
static int check_exists(struct store *s, const struct query_spec *q, struct err *e)
{
    if (query_check_selection(s, &q->sel, e) < 0) {
        if (e && e->domain == ERR_DATA)
            e->domain = ERR_USAGE;
        return err_prefix(e, "%s", q->name);
    }
    return 0;
}

/* One regressor over the training hours and the h forecast hours: the
 * training part through the gap policy, the forecast hours as stored. */
static int read_exog(struct store *s, const struct forecast_params *p, size_t j, size_t n, size_t h,
                     double *col, struct err *e)
{
    const struct query_spec *q = &p->exog[j];
    size_t miss;

    if (query_hourly(s, q, p->from, p->to + HOUR * (int64_t)h, n + h, col, e) < 0)
        return -1;
    if (query_hourly_fill(q->name, p->from, col, n, p->fill, NULL, e) < 0)
        return err_prefix(e, "exogenous series");
    miss = query_hourly_first_missing(col + n, h);
    if (miss < h) {
        char when[TIMEUTIL_ISO_LEN];
        size_t count = 0;
        for (size_t t = miss; t < h; t++)
            count += isnan(col[n + t]) != 0;
        timeutil_format_oslo(p->to + HOUR * (int64_t)miss, when);
        return err_set(e, ERR_DATA, (long)miss,
                       "exogenous series %s has no value for the hour starting %s (forecast hour "
                       "%zu of %zu; %zu of the %zu forecast hours are missing): a forecast needs "
                       "the regressors' values over the horizon, and they are never assumed; "
                       "store them, or forecast fewer hours",
                       q->name, when, miss + 1, h, count, h);
    }
    return 0;
}

int forecast_answer_run(struct store *s, const struct forecast_params *p, enum forecast_mode mode,
                        const double *params, double work, struct forecast_answer *out,
                        struct err *e)
{
    size_t n = forecast_params_hours(p), h = mode == FORECAST_LOGLIKE ? 0 : p->horizon;
    size_t k = p->nexog;
    double *col = NULL;
    int ret = -1;

    memset(out, 0, sizeof *out);
    out->p = p;
    forecast_params_exog_names(p, out->exog_names);
    if (check_exists(s, &p->series, e) < 0)
        return -1;
    for (size_t j = 0; j < k; j++)
        if (check_exists(s, &p->exog[j], e) < 0)
            return -1;

    out->y = xmalloc((n ? n : 1) * sizeof *out->y);
    if (query_hourly(s, &p->series, p->from, p->to, n, out->y, e) < 0 ||
        query_hourly_fill(p->series.name, p->from, out->y, n, p->fill, &out->lb.filled, e) < 0)
        goto out;
    if (k) {
        col = xmalloc((n + h) * sizeof *col);
        out->x = xmalloc(n * k * sizeof *out->x);
        out->xf = xmalloc((h ? h : 1) * k * sizeof *out->xf);
        for (size_t j = 0; j < k; j++) {
            if (read_exog(s, p, j, n, h, col, e) < 0)
                goto out;
            for (size_t t = 0; t < n; t++)
                out->x[t * k + j] = col[t];
            for (size_t t = 0; t < h; t++)
                out->xf[t * k + j] = col[n + t];
        }
    }

    out->rq.spec = p->spec;
    out->rq.mode = mode;
    out->rq.y = out->y;
    out->rq.n = n;
    out->rq.exog = out->x;
    out->rq.exog_future = k && h ? out->xf : NULL;
    out->rq.horizon = h;
    out->rq.alpha = p->alpha;
    out->rq.folds = mode == FORECAST_LOGLIKE ? 0 : p->folds;
    out->rq.params = params;
    out->rq.maxiter = p->maxiter;
    out->rq.work = work;
    if (forecast_run(&out->rq, &out->res, e) < 0)
        goto out;
    out->rq.params = out->res.params; /* params is borrowed only for the call */
    out->lb.series = p->series.name;
    out->lb.exog_names = out->exog_names;
    out->lb.t0 = p->from;
    out->lb.fill = query_fill_name(p->fill);
    ret = 0;
out:
    free(col);
    if (ret < 0)
        forecast_answer_release(out);
    return ret;
}

void forecast_answer_json(struct json *j, const struct forecast_answer *a)
{
    forecast_put_json(j, &a->rq, &a->res, &a->lb);
}

void forecast_answer_csv(struct csv_out *w, const struct forecast_answer *a)
{
    forecast_put_csv(w, &a->res, &a->lb);
}
