/* weather/drift: snow drift per season read from the store (drift.h). */
#include "weather/drift.h"
#include "weather/place.h"

#include "dataset.h"
#include "mem.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V_TEMP, V_PRECIP, V_WIND, V_DIR, NV };
static const char *const needed[NV] = {"temperature_2m", "precipitation", "wind_speed_10m",
                                       "wind_direction_10m"};

/* The Oslo months of the seasons, in order: month m of season m / 12
 * (July first) spans [start[m], start[m + 1]). */
struct reader {
    struct weather_drift *d;
    int64_t *start; /* 12 n + 1 instants */
    size_t nm;      /* 12 n */
    size_t at;      /* the month the last hour fell in (hours ascend) */
    int64_t hour;   /* the hour being gathered, or INT64_MIN */
    double v[NV];
    unsigned have; /* bit per variable */
    int64_t seen;  /* rows of the needed variables read */
};

/* Adds the gathered hour to its month if it is whole. Hours come in
 * ascending order, so the month is found by moving forward from the last
 * one (no calendar per hour). */
static void flush(struct reader *rd)
{
    if (rd->hour == INT64_MIN || rd->have != (1u << NV) - 1 || rd->hour < rd->start[0])
        return;
    while (rd->at < rd->nm && rd->hour >= rd->start[rd->at + 1])
        rd->at++;
    if (rd->at >= rd->nm)
        return;
    snowdrift_sum_add(&rd->d->s[rd->at / 12].months[rd->at % 12].sum, rd->v[V_TEMP],
                      rd->v[V_PRECIP], rd->v[V_WIND], rd->v[V_DIR]);
}

/* Rows come in ascending start order, those of one start by group. Every
 * variable is read (one range scan of the key, no IN filter for the store
 * to apply per row) and the ones not needed are passed over here. */
static int on_row(const struct record *r, void *ctx)
{
    struct reader *rd = ctx;
    if (r->start != rd->hour) {
        flush(rd);
        rd->hour = r->start;
        rd->have = 0;
    }
    for (int k = 0; k < NV; k++) {
        if (strcmp(r->group, needed[k]) == 0) {
            rd->v[k] = r->value;
            rd->have |= 1u << k;
            rd->seen++;
            break;
        }
    }
    return 0;
}

void weather_drift_release(struct weather_drift *d)
{
    free(d->s);
    memset(d, 0, sizeof *d);
}

int weather_drift_read(struct store *st, const char *location, int from_year, int to_year,
                       const struct snowdrift_params *p, struct weather_drift *out, struct err *e)
{
    const struct dataset *ds = dataset_find("weather");
    struct reader rd;
    struct store_query q;

    memset(out, 0, sizeof *out);
    if (snowdrift_params_check(p, e) < 0)
        return -1;
    if (from_year < 1990 || to_year > 2099 || to_year < from_year || to_year - from_year >= 200)
        return err_set(e, ERR_USAGE, 0,
                       "seasons %d..%d: expected --from-year <= --to-year, within 1990..2099",
                       from_year, to_year);
    snprintf(out->location, sizeof out->location, "%s", location);
    out->p = *p;
    out->n = (size_t)(to_year - from_year + 1);
    out->s = xcalloc(out->n, sizeof *out->s);
    for (size_t i = 0; i < out->n; i++) {
        struct weather_drift_season *s = &out->s[i];
        s->year = from_year + (int)i;
        s->from = timeutil_oslo_midnight(s->year, 7, 1);
        s->to = timeutil_oslo_midnight(s->year + 1, 7, 1);
        s->period_hours = (s->to - s->from) / 3600;
        snowdrift_sum_init(&s->sum);
        for (int k = 0; k < 12; k++) {
            s->months[k].year = k < 6 ? s->year : s->year + 1;
            s->months[k].month = (k + 6) % 12 + 1;
            snowdrift_sum_init(&s->months[k].sum);
        }
    }
    memset(&rd, 0, sizeof rd);
    rd.d = out;
    rd.hour = INT64_MIN;
    rd.nm = 12 * out->n;
    rd.start = xmalloc((rd.nm + 1) * sizeof *rd.start);
    for (size_t m = 0; m < rd.nm; m++) {
        const struct weather_drift_month *wm = &out->s[m / 12].months[m % 12];
        rd.start[m] = timeutil_oslo_midnight(wm->year, wm->month, 1);
    }
    rd.start[rd.nm] = out->s[out->n - 1].to;
    memset(&q, 0, sizeof q);
    q.ds = ds;
    q.area = out->location;
    q.from = out->s[0].from;
    q.to = out->s[out->n - 1].to;
    if (store_scan(st, &q, on_row, &rd, e) < 0) {
        free(rd.start);
        weather_drift_release(out);
        return -1;
    }
    flush(&rd);
    free(rd.start);
    if (rd.seen == 0) {
        /* Nothing there: a usage error with the command that helps. */
        struct source_place place;
        char f[16], t[16], cmd[200];
        snprintf(f, sizeof f, "%04d-07", from_year);
        snprintf(t, sizeof t, "%04d-06", to_year + 1);
        if (weather_place_area(out->location, &place, NULL) == 0)
            weather_fetch_command(&place, f, t, cmd, sizeof cmd);
        else
            snprintf(cmd, sizeof cmd, "elhub fetch --dataset weather");
        err_set(e, ERR_USAGE, 0,
                "no weather stored for %s in the seasons %d-%d..%d-%d; get it with: %s",
                out->location, from_year, from_year + 1, to_year, to_year + 1, cmd);
        weather_drift_release(out);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) {
        struct weather_drift_season *s = &out->s[i];
        for (int k = 0; k < 12; k++) {
            snowdrift_sum_merge(&s->sum, &s->months[k].sum); /* a season is its months */
            snowdrift_compute(&s->months[k].sum, p, &s->months[k].r);
        }
        snowdrift_compute(&s->sum, p, &s->r);
    }
    return 0;
}

static void season_name(int y, char *out, size_t n)
{
    snprintf(out, n, "%d-%d", y, y + 1);
}

void weather_drift_json(const struct weather_drift *d, struct json *j)
{
    char name[32];
    json_obj(j);
    json_kstr(j, "location", d->location);
    json_key(j, "seasons");
    json_arr(j);
    for (size_t i = 0; i < d->n; i++) {
        const struct weather_drift_season *s = &d->s[i];
        const struct snowdrift_result *r = &s->r;
        json_obj(j);
        season_name(s->year, name, sizeof name);
        json_kstr(j, "season", name);
        json_ktime(j, "from", s->from);
        json_ktime(j, "to", s->to);
        json_kint(j, "hours", s->sum.hours);
        json_kint(j, "period_hours", s->period_hours);
        json_knum(j, "coverage",
                  s->period_hours ? (double)s->sum.hours / (double)s->period_hours : 0.0);
        json_knum(j, "swe_mm", r->swe_mm);
        json_knum(j, "qupot_kg_m", r->qupot_kg_m);
        json_knum(j, "qspot_kg_m", r->qspot_kg_m);
        json_knum(j, "srwe_mm", r->srwe_mm);
        json_knum(j, "qinf_kg_m", r->qinf_kg_m);
        json_knum(j, "qt_kg_m", r->qt_kg_m);
        json_knum(j, "qt_t_m", r->qt_t_m);
        json_kstr(j, "control", r->snowfall_controlled ? "snowfall" : "wind");
        json_key(j, "fence_height_m");
        json_obj(j);
        json_knum(j, "wyoming", r->fence_wyoming_m);
        json_knum(j, "slat_wire", r->fence_slat_wire_m);
        json_knum(j, "solid", r->fence_solid_m);
        json_obj_end(j);
        json_key(j, "rose_kg_m");
        json_arr(j);
        for (int k = 0; k < SNOWDRIFT_SECTORS; k++)
            json_num(j, r->rose_kg_m[k]);
        json_arr_end(j);
        json_key(j, "monthly");
        json_arr(j);
        for (int k = 0; k < 12; k++) {
            const struct weather_drift_month *m = &s->months[k];
            char mon[16];
            snprintf(mon, sizeof mon, "%04d-%02d", m->year % 10000, m->month % 100);
            json_obj(j);
            json_kstr(j, "month", mon);
            json_kint(j, "hours", m->sum.hours);
            json_knum(j, "swe_mm", m->r.swe_mm);
            json_knum(j, "qupot_kg_m", m->r.qupot_kg_m);
            json_knum(j, "qt_kg_m", m->r.qt_kg_m);
            json_kstr(j, "control", m->r.snowfall_controlled ? "snowfall" : "wind");
            json_obj_end(j);
        }
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "params");
    json_obj(j);
    json_knum(j, "T", d->p.T);
    json_knum(j, "F", d->p.F);
    json_knum(j, "theta", d->p.theta);
    json_obj_end(j);
    json_obj_end(j);
}

void weather_drift_csv(const struct weather_drift *d, struct csv_out *w)
{
    static const char *const head[] = {
        "location",          "season",       "from",       "to",         "hours",
        "period_hours",      "swe_mm",       "qupot_kg_m", "qspot_kg_m", "srwe_mm",
        "qinf_kg_m",         "qt_kg_m",      "qt_t_m",     "control",    "fence_wyoming_m",
        "fence_slat_wire_m", "fence_solid_m"};
    char name[32];
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csv_out_text(w, head[i]);
    for (int k = 0; k < SNOWDRIFT_SECTORS; k++) {
        snprintf(name, sizeof name, "rose_%02d_kg_m", k);
        csv_out_text(w, name);
    }
    csv_out_row(w);
    for (size_t i = 0; i < d->n; i++) {
        const struct weather_drift_season *s = &d->s[i];
        const struct snowdrift_result *r = &s->r;
        csv_out_text(w, d->location);
        season_name(s->year, name, sizeof name);
        csv_out_text(w, name);
        csv_out_time(w, s->from);
        csv_out_time(w, s->to);
        csv_out_int(w, s->sum.hours);
        csv_out_int(w, s->period_hours);
        csv_out_num(w, r->swe_mm);
        csv_out_num(w, r->qupot_kg_m);
        csv_out_num(w, r->qspot_kg_m);
        csv_out_num(w, r->srwe_mm);
        csv_out_num(w, r->qinf_kg_m);
        csv_out_num(w, r->qt_kg_m);
        csv_out_num(w, r->qt_t_m);
        csv_out_text(w, r->snowfall_controlled ? "snowfall" : "wind");
        csv_out_num(w, r->fence_wyoming_m);
        csv_out_num(w, r->fence_slat_wire_m);
        csv_out_num(w, r->fence_solid_m);
        for (int k = 0; k < SNOWDRIFT_SECTORS; k++)
            csv_out_num(w, r->rose_kg_m[k]);
        csv_out_row(w);
    }
}
