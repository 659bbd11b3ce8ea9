/* analysis: read, compute and write one analysis (see analysis.h). */
#include "analysis/analysis.h"

#include "mem.h"
#include "timeutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int analysis_read(struct store *st, const struct analysis_request *rq, struct analysis_data *d,
                  struct err *e)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < rq->nseries; i++) {
        if (series_read(st, &rq->series[i], &rq->range, rq->fill, &d->s[i], e) < 0) {
            analysis_data_release(d);
            return -1;
        }
        d->n = i + 1;
    }
    return 0;
}

void analysis_data_release(struct analysis_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        series_release(&d->s[i]);
    memset(d, 0, sizeof *d);
}

void analysis_result_release(struct analysis_result *r)
{
    stl_result_release(&r->stl);
    spectrogram_result_release(&r->spectrogram);
    spc_result_release(&r->spc);
    lof_result_release(&r->lof);
    correlate_result_release(&r->correlate);
}

int analysis_compute(const struct analysis_request *rq, const struct analysis_data *d,
                     struct analysis_result *r, struct err *e)
{
    const double *x = d->s[0].v;
    size_t n = d->s[0].n;
    int rc = -1;

    memset(r, 0, sizeof *r);
    r->method = rq->method;
    if (d->n < 1 || (rq->method == ANALYSIS_CORRELATE && d->n < 2))
        return err_set(e, ERR_USAGE, 0, "%s: series missing", analysis_method_name(rq->method));
    switch (rq->method) {
    case ANALYSIS_STL:
        rc = stl_fit(x, n, &rq->stl, &r->stl, e);
        break;
    case ANALYSIS_SPECTROGRAM:
        rc = spectrogram_compute(x, n, &rq->spectrogram, &r->spectrogram, e);
        break;
    case ANALYSIS_OUTLIERS:
        rc = spc_compute(x, n, &rq->spc, &r->spc, e);
        break;
    case ANALYSIS_ANOMALIES:
        if (d->n == 1) {
            rc = lof_compute(x, n, 1, &rq->lof, &r->lof, e);
        } else {
            /* Row-major points: one row per hour, one column per series. */
            double *pts = xmalloc(n * d->n * sizeof *pts);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < d->n; j++)
                    pts[i * d->n + j] = d->s[j].v[i];
            rc = lof_compute(pts, n, d->n, &rq->lof, &r->lof, e);
            free(pts);
        }
        break;
    case ANALYSIS_CORRELATE:
        rc = correlate_compute(x, d->s[1].v, n, &rq->correlate, &r->correlate, e);
        break;
    }
    if (rc < 0)
        analysis_result_release(r);
    return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_numbers(struct json *j, const char *key, const double *v, size_t n)
{
    json_key(j, key);
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_num(j, v[i]);
    json_arr_end(j);
}

static void json_flags(struct json *j, const char *key, const unsigned char *v, size_t n)
{
    json_key(j, key);
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_bool(j, v[i]);
    json_arr_end(j);
}

static void json_hours(struct json *j, const struct series *s)
{
    json_key(j, "time");
    json_arr(j);
    for (size_t i = 0; i < s->n; i++)
        json_time(j, s->start + 3600 * (int64_t)i);
    json_arr_end(j);
}

/* The effective parameters, defaults filled in, under their canonical
 * names. */
static void json_params(struct json *j, const struct analysis_request *rq)
{
    json_key(j, "params");
    json_obj(j);
    switch (rq->method) {
    case ANALYSIS_STL: {
        const struct stl_params *p = &rq->stl;
        json_kint(j, "period", p->period);
        json_kint(j, "seasonal", p->seasonal);
        json_kint(j, "trend", p->trend);
        json_kint(j, "low_pass", p->low_pass);
        json_kint(j, "seasonal_deg", p->seasonal_deg);
        json_kint(j, "trend_deg", p->trend_deg);
        json_kint(j, "low_pass_deg", p->low_pass_deg);
        json_kint(j, "seasonal_jump", p->seasonal_jump);
        json_kint(j, "trend_jump", p->trend_jump);
        json_kint(j, "low_pass_jump", p->low_pass_jump);
        json_kbool(j, "robust", p->robust);
        json_kint(j, "inner", p->inner);
        json_kint(j, "outer", p->outer);
        break;
    }
    case ANALYSIS_SPECTROGRAM: {
        const struct spectrogram_params *p = &rq->spectrogram;
        json_kint(j, "window", p->window);
        json_kint(j, "overlap", p->overlap);
        json_kstr(j, "window_fn", spectrogram_window_name(p->fn));
        json_kstr(j, "detrend", spectrogram_detrend_name(p->detrend));
        json_kstr(j, "scaling", spectrogram_scaling_name(p->scaling));
        json_knum(j, "fs", p->fs);
        break;
    }
    case ANALYSIS_OUTLIERS:
        json_kint(j, "cutoff", rq->spc.cutoff);
        json_knum(j, "k", rq->spc.k);
        break;
    case ANALYSIS_ANOMALIES:
        json_kint(j, "neighbors", rq->lof.neighbors);
        if (rq->lof.contamination > 0)
            json_knum(j, "contamination", rq->lof.contamination);
        else
            json_kstr(j, "contamination", "auto");
        break;
    case ANALYSIS_CORRELATE:
        json_kint(j, "window", rq->correlate.window);
        json_kint(j, "lag", rq->correlate.lag);
        if (rq->correlate.has_range) {
            json_key(j, "lag_range");
            json_arr(j);
            json_int(j, rq->correlate.lag_min);
            json_int(j, rq->correlate.lag_max);
            json_arr_end(j);
        }
        break;
    }
    json_kstr(j, "fill", series_fill_name(rq->fill));
    json_obj_end(j);
}

static void json_stl(struct json *j, const struct analysis_request *rq,
                     const struct analysis_data *d, const struct stl_result *r)
{
    json_hours(j, &d->s[0]);
    json_numbers(j, "observed", d->s[0].v, r->n);
    json_numbers(j, "trend", r->trend, r->n);
    json_numbers(j, "seasonal", r->seasonal, r->n);
    json_numbers(j, "resid", r->resid, r->n);
    if (rq->stl.robust)
        json_numbers(j, "weights", r->weights, r->n);
}

int analysis_first_of(const struct analysis_request *rq, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(rq->series[k].text, rq->series[i].text) == 0)
            return 0;
    return 1;
}

int64_t analysis_centre_time(const struct series *s, double centre)
{
    return s->start + (int64_t)llround(centre * 3600.0);
}

static void json_spectrogram(struct json *j, const struct analysis_data *d,
                             const struct spectrogram_result *r)
{
    json_key(j, "time");
    json_arr(j);
    for (size_t i = 0; i < r->nseg; i++)
        json_time(j, analysis_centre_time(&d->s[0], r->centre[i]));
    json_arr_end(j);
    json_numbers(j, "frequency", r->freq, r->nfreq);
    json_key(j, "power");
    json_arr(j);
    for (size_t i = 0; i < r->nseg; i++) {
        json_arr(j);
        for (size_t k = 0; k < r->nfreq; k++)
            json_num(j, r->power[i * r->nfreq + k]);
        json_arr_end(j);
    }
    json_arr_end(j);
}

static void json_outliers(struct json *j, const struct analysis_data *d, const struct spc_result *r)
{
    const struct series *s = &d->s[0];
    json_hours(j, s);
    json_numbers(j, "value", s->v, r->n);
    json_numbers(j, "satv", r->satv, r->n);
    json_numbers(j, "lower", r->lower, r->n);
    json_numbers(j, "upper", r->upper, r->n);
    json_flags(j, "outlier", r->outlier, r->n);
    json_key(j, "summary");
    json_obj(j);
    json_kint(j, "count", (int64_t)r->count);
    json_knum(j, "share", (double)r->count / (double)r->n);
    json_knum(j, "median", r->median);
    json_knum(j, "sigma", r->sigma);
    json_key(j, "largest");
    json_arr(j);
    for (size_t i = 0; i < r->nlargest; i++) {
        size_t at = r->largest[i];
        json_obj(j);
        json_ktime(j, "time", s->start + 3600 * (int64_t)at);
        json_knum(j, "value", s->v[at]);
        json_knum(j, "satv", r->satv[at]);
        json_knum(j, "sigmas", r->sigma > 0 ? (r->satv[at] - r->median) / r->sigma : NAN);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

static void json_anomalies(struct json *j, const struct analysis_data *d,
                           const struct lof_result *r)
{
    json_hours(j, &d->s[0]);
    if (d->n == 1) {
        json_numbers(j, "value", d->s[0].v, r->n);
    } else {
        json_key(j, "value");
        json_arr(j);
        for (size_t i = 0; i < r->n; i++) {
            json_arr(j);
            for (size_t k = 0; k < d->n; k++)
                json_num(j, d->s[k].v[i]);
            json_arr_end(j);
        }
        json_arr_end(j);
    }
    json_numbers(j, "score", r->score, r->n);
    json_flags(j, "anomaly", r->anomaly, r->n);
    json_knum(j, "offset", r->offset);
    json_kint(j, "count", (int64_t)r->count);
    json_kint(j, "neighbors_used", r->k);
}

static void json_correlate(struct json *j, const struct analysis_data *d,
                           const struct correlate_result *r)
{
    json_hours(j, &d->s[0]);
    json_numbers(j, "r", r->r, r->n);
    if (r->has_best) {
        json_kint(j, "best_lag", r->best_lag);
        json_knum(j, "best_r", r->best_r);
    }
}

void analysis_json(struct json *j, const struct analysis_request *rq, const struct analysis_data *d,
                   const struct analysis_result *r)
{
    json_obj(j);
    json_kstr(j, "method", analysis_method_name(rq->method));
    if (rq->method == ANALYSIS_CORRELATE) {
        json_kstr(j, "x", rq->series[0].text);
        json_kstr(j, "y", rq->series[1].text);
    } else if (rq->method == ANALYSIS_ANOMALIES && rq->nseries > 1) {
        json_key(j, "series");
        json_arr(j);
        for (size_t i = 0; i < rq->nseries; i++)
            json_str(j, rq->series[i].text);
        json_arr_end(j);
    } else {
        json_kstr(j, "series", rq->series[0].text);
    }
    json_kstr(j, "from", rq->range.from_s);
    json_kstr(j, "to", rq->range.to_s);
    json_params(j, rq);
    /* One key per series, though a request may name one twice
     * (correlate --x S --y S). */
    json_key(j, "filled");
    json_obj(j);
    for (size_t i = 0; i < d->n; i++)
        if (analysis_first_of(rq, i))
            json_kint(j, d->s[i].spec, (int64_t)d->s[i].filled);
    json_obj_end(j);
    json_key(j, "units");
    json_obj(j);
    for (size_t i = 0; i < rq->nseries; i++)
        if (analysis_first_of(rq, i))
            json_kstr(j, rq->series[i].text,
                      dataset_group_unit(rq->series[i].ds, rq->series[i].group));
    json_obj_end(j);
    if (d->n == 0) {
        json_obj_end(j);
        return;
    }
    switch (rq->method) {
    case ANALYSIS_STL:
        json_stl(j, rq, d, &r->stl);
        break;
    case ANALYSIS_SPECTROGRAM:
        json_spectrogram(j, d, &r->spectrogram);
        break;
    case ANALYSIS_OUTLIERS:
        json_outliers(j, d, &r->spc);
        break;
    case ANALYSIS_ANOMALIES:
        json_anomalies(j, d, &r->lof);
        break;
    case ANALYSIS_CORRELATE:
        json_correlate(j, d, &r->correlate);
        break;
    }
    json_obj_end(j);
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_bool(struct csv_out *w, int v)
{
    csv_out_text(w, v ? "true" : "false");
}

static void csv_header(struct csv_out *w, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csv_out_text(w, names[i]);
    csv_out_row(w);
}

void analysis_csv(struct csv_out *w, const struct analysis_request *rq,
                  const struct analysis_data *d, const struct analysis_result *r)
{
    const struct series *s = &d->s[0];

    if (d->n == 0)
        return;
    switch (rq->method) {
    case ANALYSIS_STL: {
        static const char *const names[] = {"time",     "observed", "trend",
                                            "seasonal", "resid",    "weight"};
        csv_header(w, names, rq->stl.robust ? 6 : 5);
        for (size_t i = 0; i < s->n && !w->failed; i++) {
            csv_out_time(w, s->start + 3600 * (int64_t)i);
            csv_out_num(w, s->v[i]);
            csv_out_num(w, r->stl.trend[i]);
            csv_out_num(w, r->stl.seasonal[i]);
            csv_out_num(w, r->stl.resid[i]);
            if (rq->stl.robust)
                csv_out_num(w, r->stl.weights[i]);
            csv_out_row(w);
        }
        break;
    }
    case ANALYSIS_SPECTROGRAM: {
        static const char *const names[] = {"time", "frequency", "power"};
        const struct spectrogram_result *p = &r->spectrogram;
        csv_header(w, names, 3);
        for (size_t i = 0; i < p->nseg && !w->failed; i++) {
            for (size_t k = 0; k < p->nfreq; k++) {
                csv_out_time(w, analysis_centre_time(s, p->centre[i]));
                csv_out_num(w, p->freq[k]);
                csv_out_num(w, p->power[i * p->nfreq + k]);
                csv_out_row(w);
            }
        }
        break;
    }
    case ANALYSIS_OUTLIERS: {
        static const char *const names[] = {"time", "value", "satv", "lower", "upper", "outlier"};
        csv_header(w, names, 6);
        for (size_t i = 0; i < s->n && !w->failed; i++) {
            csv_out_time(w, s->start + 3600 * (int64_t)i);
            csv_out_num(w, s->v[i]);
            csv_out_num(w, r->spc.satv[i]);
            csv_out_num(w, r->spc.lower[i]);
            csv_out_num(w, r->spc.upper[i]);
            csv_bool(w, r->spc.outlier[i]);
            csv_out_row(w);
        }
        break;
    }
    case ANALYSIS_ANOMALIES:
        csv_out_text(w, "time");
        for (size_t k = 0; k < d->n; k++)
            csv_out_text(w, d->n == 1 ? "value" : d->s[k].spec);
        csv_out_text(w, "score");
        csv_out_text(w, "anomaly");
        csv_out_row(w);
        for (size_t i = 0; i < s->n && !w->failed; i++) {
            csv_out_time(w, s->start + 3600 * (int64_t)i);
            for (size_t k = 0; k < d->n; k++)
                csv_out_num(w, d->s[k].v[i]);
            csv_out_num(w, r->lof.score[i]);
            csv_bool(w, r->lof.anomaly[i]);
            csv_out_row(w);
        }
        break;
    case ANALYSIS_CORRELATE: {
        static const char *const names[] = {"time", "r"};
        csv_header(w, names, 2);
        for (size_t i = 0; i < s->n && !w->failed; i++) {
            csv_out_time(w, s->start + 3600 * (int64_t)i);
            csv_out_num(w, r->correlate.r[i]);
            csv_out_row(w);
        }
        break;
    }
    }
}
