/* forecast/request: reading a request's series from the store and running
 * it (see request.h). */
#include "forecast/request.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

void forecast_params_exog_names(const struct forecast_params *p, const char **names)
{
    for (size_t j = 0; j < p->nexog; j++)
        names[j] = p->exog[j].text;
}

int forecast_params_check_work(const struct forecast_params *p, double work, struct err *e)
{
    struct forecast_request rq;
    memset(&rq, 0, sizeof rq);
    rq.spec = p->spec;
    rq.mode = FORECAST_FIT;
    rq.n = forecast_params_hours(p);
    rq.folds = p->folds;
    rq.work = work;
    return forecast_check_work(&rq, e);
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

/* The Oslo-midnight range [from, to) of the training days, or any range
 * of whole hours, as the selection series_read takes. */
static void range_of(const struct forecast_params *p, int64_t from, int64_t to, struct select *r)
{
    select_init(r);
    r->has_from = r->has_to = 1;
    r->from = from;
    r->to = to;
    if (from == p->from && to == p->to) {
        memcpy(r->from_s, p->from_s, sizeof r->from_s);
        memcpy(r->to_s, p->to_s, sizeof r->to_s);
    }
}

/* One series over the training hours through the analysis layer's one
 * reader and gap policy (series_read); an area or group the store lacks is
 * the caller's to change (ERR_USAGE naming what the store has). n values
 * are copied to out, with stride. */
static int read_training(struct store *s, const struct forecast_params *p,
                         const struct series_spec *spec, double *out, size_t stride, size_t *filled,
                         struct err *e)
{
    struct select r;
    struct series ser;

    range_of(p, p->from, p->to, &r);
    if (series_read(s, spec, &r, p->fill, &ser, e) < 0)
        return -1;
    for (size_t t = 0; t < ser.n; t++)
        out[t * stride] = ser.v[t];
    if (filled)
        *filled = ser.filled;
    series_release(&ser);
    return 0;
}

/* Regressor j over the h forecast hours after the training hours, as
 * stored: every hour must be there (fill none), since the future of a
 * regressor is never assumed. */
static int read_future(struct store *s, const struct forecast_params *p, size_t j, size_t h,
                       double *out, struct err *e)
{
    const struct series_spec *spec = &p->exog[j];
    size_t k = p->nexog;
    struct select r;
    struct series ser;

    range_of(p, p->to, p->to + HOUR * (int64_t)h, &r);
    if (series_read(s, spec, &r, SERIES_FILL_NONE, &ser, e) < 0)
        return err_prefix(e,
                          "exogenous series %s over the %zu forecast hours (a forecast needs "
                          "the regressors' values over the horizon, and they are never assumed "
                          "or filled: store them, or forecast fewer hours)",
                          spec->text, h);
    for (size_t t = 0; t < h; t++)
        out[t * k + j] = ser.v[t];
    series_release(&ser);
    return 0;
}

int forecast_answer_run(struct store *s, const struct forecast_params *p, enum forecast_mode mode,
                        const double *params, double work, struct forecast_answer *out,
                        struct err *e)
{
    size_t n = forecast_params_hours(p), h = mode == FORECAST_LOGLIKE ? 0 : p->horizon;
    size_t k = p->nexog;
    int ret = -1;

    memset(out, 0, sizeof *out);
    out->p = p;
    forecast_params_exog_names(p, out->exog_names);
    out->y = xmalloc((n ? n : 1) * sizeof *out->y);
    if (read_training(s, p, &p->series, out->y, 1, &out->lb.filled, e) < 0)
        goto out;
    if (k) {
        out->x = xmalloc(n * k * sizeof *out->x);
        out->xf = xmalloc((h ? h : 1) * k * sizeof *out->xf);
        for (size_t j = 0; j < k; j++) {
            if (read_training(s, p, &p->exog[j], out->x + j, k, NULL, e) < 0) {
                err_prefix(e, "exogenous series");
                goto out;
            }
            if (h && read_future(s, p, j, h, out->xf, e) < 0)
                goto out;
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
    out->lb.series = p->series.text;
    out->lb.exog_names = out->exog_names;
    out->lb.t0 = p->from;
    out->lb.fill = series_fill_name(p->fill);
    ret = 0;
out:
    if (ret < 0)
        forecast_answer_release(out);
    return ret;
}

int forecast_answer_body(struct buf *b, const struct forecast_answer *a, struct err *e)
{
    if (a->p->format == FORECAST_CSV) {
        struct csv_out w;
        csv_out_init(&w, b, NULL, "\n");
        forecast_put_csv(&w, &a->res, &a->lb);
        if (csv_out_finish(&w) < 0)
            return err_set(e, ERR_USAGE, 0, "the forecast table would exceed %zu bytes", b->max);
    } else {
        struct json j;
        json_init(&j, b);
        forecast_put_json(&j, &a->rq, &a->res, &a->lb);
        if (json_finish(&j) < 0 || buf_puts(b, "\n") < 0)
            return err_set(e, ERR_USAGE, 0, "the forecast output would exceed %zu bytes", b->max);
    }
    return 0;
}
