/* query: the read model over the rollups; see query.h. */
#include "query/query.h"
#include "query/agg.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

static int64_t day_of(int64_t t)
{
    return timeutil_oslo_bucket(t, TIMEUTIL_DAY);
}

static int64_t month_of(int64_t t)
{
    return timeutil_oslo_bucket(t, TIMEUTIL_MONTH);
}

static int64_t next_of(int64_t b, enum timeutil_step step)
{
    return timeutil_oslo_bucket_next(b, step);
}

/* The first instant on the hour at or after t. */
static int64_t hour_ceil(int64_t t)
{
    int64_t q = t / HOUR;
    return (q * HOUR < t ? q + 1 : q) * HOUR;
}

int64_t query_period_hours(int64_t from, int64_t to)
{
    if (from == INT64_MIN || to == INT64_MAX || to <= from)
        return 0;
    return (hour_ceil(to) - hour_ceil(from)) / HOUR;
}

static int is_midnight(int64_t t)
{
    return t == INT64_MIN || t == INT64_MAX || day_of(t) == t;
}

/* Calls fn once for every rollup that together cover [q->from, q->to)
 * exactly: month rollups for the months wholly inside, day rollups for the
 * days at either edge. from and to are Oslo midnights or open. */
static int scan_range(struct store *s, const struct store_query *q, store_rollup_fn fn, void *ctx,
                      struct err *e)
{
    int64_t from = q->from, to = q->to, m0, m1;
    struct store_query part = *q;

    if (from == INT64_MIN)
        m0 = INT64_MIN;
    else
        m0 = month_of(from) == from ? from : next_of(month_of(from), TIMEUTIL_MONTH);
    m1 = to == INT64_MAX ? INT64_MAX : month_of(to);
    if (m0 >= m1)
        return store_scan_rollups(s, STORE_DAY, q, fn, ctx, e);
    if (from < m0) {
        part.from = from;
        part.to = m0;
        if (store_scan_rollups(s, STORE_DAY, &part, fn, ctx, e) < 0)
            return -1;
    }
    part.from = m0;
    part.to = m1;
    if (store_scan_rollups(s, STORE_MONTH, &part, fn, ctx, e) < 0)
        return -1;
    if (m1 < to) {
        part.from = m1;
        part.to = to;
        if (store_scan_rollups(s, STORE_DAY, &part, fn, ctx, e) < 0)
            return -1;
    }
    return 0;
}

/* ---- Norway: every area summed (defined at the end) ----------------------- */

static int norway_totals(struct store *s, const struct select *sel, struct query_totals *out,
                         struct err *e);
static int norway_series(struct store *s, const struct select *sel, size_t max_points,
                         struct query_series *out, struct err *e);
static int norway_coverage(struct store *s, const struct select *sel, size_t max_gaps,
                           struct query_coverage *out, struct err *e);

/* ---- a variable's aggregation (dataset_group_agg) ---------------------------- */

/* Weather values are per location: a sum or mean over locations means
 * nothing, so a dataset with variables is read one location at a time. */
static int need_location(const struct select *sel, struct err *e)
{
    if (!sel->ds->vars || (sel->area[0] && !sel->norway))
        return 0;
    return err_set(e, ERR_USAGE, 0,
                   "%s values are per location: name one (area NO1..NO5 or a point key such as "
                   "60.3913N_5.3221E)",
                   sel->ds->name);
}

/* Rows of one group of q into buckets: acc[i] for the point pts[i] whose
 * bucket (step) holds the row; one accumulator when pts is NULL. */
struct dir_scan {
    const struct query_point *pts;
    size_t n;
    enum timeutil_step step;
    struct query_dir *acc;
};

static int cmp_point_t(const void *key, const void *elem)
{
    int64_t t = *(const int64_t *)key, u = ((const struct query_point *)elem)->t;
    return (t > u) - (t < u);
}

static int dir_row(const struct record *r, void *ctx)
{
    struct dir_scan *d = ctx;
    const struct query_point *p;
    int64_t t;
    if (!d->pts) {
        query_dir_add(d->acc, r->value);
        return 0;
    }
    t = timeutil_oslo_bucket(r->start, d->step);
    p = bsearch(&t, d->pts, d->n, sizeof *d->pts, cmp_point_t);
    if (p)
        query_dir_add(&d->acc[p - d->pts], r->value);
    return 0;
}

/* Scans the rows of group in q's area and range into d. */
static int dir_scan_group(struct store *s, const struct store_query *q, const char *group,
                          struct dir_scan *d, struct err *e)
{
    struct store_query one = *q;
    const char *gp[1] = {group};
    one.groups = gp;
    one.ngroups = 1;
    return store_scan(s, &one, dir_row, d, e);
}

int query_series_means(struct store *s, struct query_dataset_overview *d, struct err *e)
{
    for (size_t i = 0; d->ds->vars && i < d->nseries; i++) {
        struct query_series_info *x = &d->series[i];
        struct store_query q = {d->ds, x->area, NULL, 0, INT64_MIN, INT64_MAX};
        struct query_dir a = {0, 0, 0};
        struct dir_scan ds = {NULL, 0, TIMEUTIL_HOUR, &a};
        if (dataset_group_agg(d->ds, x->group) != DATASET_AGG_DIRECTION)
            continue;
        if (dir_scan_group(s, &q, x->group, &ds, e) < 0)
            return -1;
        x->mean = query_dir_mean(d->ds, &a);
    }
    return 0;
}

/* ---- totals ------------------------------------------------------------ */

struct totals_acc {
    struct query_total *t;
    size_t n, cap;
};

static struct query_total *total_for(struct totals_acc *a, const char *group)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->t[i].group, group) == 0)
            return &a->t[i];
    xgrow((void **)&a->t, &a->cap, a->n + 1, sizeof *a->t);
    memset(&a->t[a->n], 0, sizeof a->t[a->n]);
    snprintf(a->t[a->n].group, LIMIT_NAME, "%s", group);
    return &a->t[a->n++];
}

static int total_rollup(const struct store_rollup *r, void *ctx)
{
    struct query_total *t = total_for(ctx, r->group);
    xsum_merge(&t->sum, &r->sum);
    t->hours += r->hours;
    return 0;
}

static int total_row(const struct record *r, void *ctx)
{
    struct query_total *t = total_for(ctx, r->group);
    xsum_add(&t->sum, r->value);
    t->hours++;
    return 0;
}

static int cmp_total(const void *a, const void *b)
{
    return strcmp(((const struct query_total *)a)->group, ((const struct query_total *)b)->group);
}

double query_value(const struct dataset *ds, const struct xsum *s)
{
    return dataset_round(ds, xsum_value(s));
}

int query_totals(struct store *s, const struct select *sel, struct query_totals *out, struct err *e)
{
    struct store_query q = select_query(sel);
    struct totals_acc acc = {NULL, 0, 0};
    int rc;

    memset(out, 0, sizeof *out);
    if (need_location(sel, e) < 0)
        return -1;
    if (sel->norway)
        return norway_totals(s, sel, out, e);
    if (is_midnight(q.from) && is_midnight(q.to))
        rc = scan_range(s, &q, total_rollup, &acc, e);
    else
        rc = store_scan(s, &q, total_row, &acc, e);
    if (rc < 0) {
        free(acc.t);
        return -1;
    }
    if (acc.n > 1)
        qsort(acc.t, acc.n, sizeof *acc.t, cmp_total);
    for (size_t i = 0; i < acc.n; i++) {
        struct query_total *t = &acc.t[i];
        if (dataset_group_agg(sel->ds, t->group) == DATASET_AGG_DIRECTION) {
            struct query_dir a = {0, 0, 0};
            struct dir_scan d = {NULL, 0, sel->step, &a};
            if (dir_scan_group(s, &q, t->group, &d, e) < 0) {
                free(acc.t);
                return -1;
            }
            t->value = query_dir_mean(sel->ds, &a);
        } else {
            t->value = query_agg_value(sel->ds, t->group, &t->sum, t->hours);
        }
    }
    out->t = acc.t;
    out->n = acc.n;
    out->period_hours = query_period_hours(q.from, q.to);
    return 0;
}

void query_totals_release(struct query_totals *t)
{
    free(t->t);
    memset(t, 0, sizeof *t);
}

/* ---- series ------------------------------------------------------------ */

/* One contribution to a (group, bucket) point, collected in any order and
 * merged after a sort. */
struct contrib {
    char group[LIMIT_NAME];
    int64_t t;
    struct xsum sum;
    int64_t hours;
};

struct contribs {
    struct contrib *v;
    size_t n, cap;
    enum timeutil_step step;
};

static void contrib_push(struct contribs *c, const char *group, int64_t t, const struct xsum *sum,
                         double value, int64_t hours)
{
    struct contrib *x;
    xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v);
    x = &c->v[c->n++];
    snprintf(x->group, sizeof x->group, "%s", group);
    x->t = t;
    if (sum) {
        x->sum = *sum;
    } else {
        xsum_init(&x->sum);
        xsum_add(&x->sum, value);
    }
    x->hours = hours;
}

static int series_rollup(const struct store_rollup *r, void *ctx)
{
    struct contribs *c = ctx;
    contrib_push(c, r->group, timeutil_oslo_bucket(r->t, c->step), &r->sum, 0, r->hours);
    return 0;
}

static int series_row(const struct record *r, void *ctx)
{
    struct contribs *c = ctx;
    contrib_push(c, r->group, timeutil_oslo_bucket(r->start, c->step), NULL, r->value, 1);
    return 0;
}

static int cmp_contrib(const void *a, const void *b)
{
    const struct contrib *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    return c ? c : (x->t > y->t) - (x->t < y->t);
}

static struct query_group_series *series_group(struct query_series *out, size_t *cap,
                                               const char *group)
{
    for (size_t i = 0; i < out->ng; i++)
        if (strcmp(out->g[i].group, group) == 0)
            return &out->g[i];
    xgrow((void **)&out->g, cap, out->ng + 1, sizeof *out->g);
    memset(&out->g[out->ng], 0, sizeof out->g[out->ng]);
    snprintf(out->g[out->ng].group, LIMIT_NAME, "%s", group);
    return &out->g[out->ng++];
}

static int cmp_group_series(const void *a, const void *b)
{
    return strcmp(((const struct query_group_series *)a)->group,
                  ((const struct query_group_series *)b)->group);
}

int query_series(struct store *s, const struct select *sel, size_t max_points,
                 struct query_series *out, struct err *e)
{
    struct store_query q = select_query(sel);
    struct contribs c = {NULL, 0, 0, sel->step};
    size_t gcap = 0;
    int rc;

    memset(out, 0, sizeof *out);
    out->step = sel->step;
    if (need_location(sel, e) < 0)
        return -1;
    if (sel->norway)
        return norway_series(s, sel, max_points, out, e);
    if (sel->step == TIMEUTIL_HOUR || !is_midnight(q.from) || !is_midnight(q.to))
        rc = store_scan(s, &q, series_row, &c, e);
    else if (sel->step == TIMEUTIL_MONTH)
        rc = scan_range(s, &q, series_rollup, &c, e);
    else
        rc = store_scan_rollups(s, STORE_DAY, &q, series_rollup, &c, e);
    if (rc < 0) {
        free(c.v);
        return -1;
    }
    for (size_t i = 0; i < sel->ngroups; i++)
        series_group(out, &gcap, sel->groups[i]);
    if (c.n > 1)
        qsort(c.v, c.n, sizeof *c.v, cmp_contrib);
    {
        /* Merge: equal (group, t) are adjacent now. */
        struct query_group_series *g = NULL;
        size_t pcap = 0;
        for (size_t i = 0; i < c.n; i++) {
            struct query_point *p;
            if (!g || strcmp(g->group, c.v[i].group) != 0) {
                g = series_group(out, &gcap, c.v[i].group);
                pcap = 0;
            }
            if (g->n && g->pts[g->n - 1].t == c.v[i].t) {
                p = &g->pts[g->n - 1];
                xsum_merge(&p->sum, &c.v[i].sum);
                p->hours += (int32_t)c.v[i].hours;
                continue;
            }
            if (max_points && out->points == max_points) {
                free(c.v);
                query_series_release(out);
                return err_set(e, ERR_USAGE, 0,
                               "the selection has more than %zu points: choose a shorter range or "
                               "a coarser step",
                               max_points);
            }
            xgrow((void **)&g->pts, &pcap, g->n + 1, sizeof *g->pts);
            p = &g->pts[g->n++];
            memset(p, 0, sizeof *p);
            p->t = c.v[i].t;
            p->sum = c.v[i].sum;
            p->hours = (int32_t)c.v[i].hours;
            out->points++;
        }
    }
    free(c.v);
    for (size_t i = 0; i < out->ng; i++) {
        for (size_t k = 0; k < out->g[i].n; k++) {
            struct query_point *p = &out->g[i].pts[k];
            int64_t a = p->t < q.from ? q.from : p->t, z = next_of(p->t, sel->step);
            if (z > q.to)
                z = q.to;
            p->value = query_agg_value(sel->ds, out->g[i].group, &p->sum, p->hours);
            p->period_hours = (int32_t)query_period_hours(a, z);
        }
        if (sel->step != TIMEUTIL_HOUR && out->g[i].n &&
            dataset_group_agg(sel->ds, out->g[i].group) == DATASET_AGG_DIRECTION) {
            struct query_group_series *g = &out->g[i];
            struct dir_scan d = {g->pts, g->n, sel->step, xcalloc(g->n, sizeof *d.acc)};
            if (dir_scan_group(s, &q, g->group, &d, e) < 0) {
                free(d.acc);
                query_series_release(out);
                return -1;
            }
            for (size_t k = 0; k < g->n; k++)
                g->pts[k].value = query_dir_mean(sel->ds, &d.acc[k]);
            free(d.acc);
        }
    }
    if (out->ng > 1)
        qsort(out->g, out->ng, sizeof *out->g, cmp_group_series);
    return 0;
}

void query_series_release(struct query_series *out)
{
    for (size_t i = 0; i < out->ng; i++)
        free(out->g[i].pts);
    free(out->g);
    memset(out, 0, sizeof *out);
}

/* ---- the overview ---------------------------------------------------------- */

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int cmp_info(const void *a, const void *b)
{
    const struct query_series_info *x = a, *y = b;
    int c = strcmp(x->area, y->area);
    return c ? c : strcmp(x->group, y->group);
}

struct overview_acc {
    struct query_dataset_overview *d;
    size_t cap;
    int *years;
    size_t nyears, ycap;
};

static void add_year(struct overview_acc *a, int y)
{
    size_t i = 0;
    while (i < a->nyears && a->years[i] < y)
        i++;
    if (i < a->nyears && a->years[i] == y)
        return;
    xgrow((void **)&a->years, &a->ycap, a->nyears + 1, sizeof *a->years);
    memmove(&a->years[i + 1], &a->years[i], (a->nyears - i) * sizeof *a->years);
    a->years[i] = y;
    a->nyears++;
}

/* Adds rollup r to a running sum, count and first..last span (a series'
 * or one of its years). */
static void span_add(struct xsum *sum, int64_t *hours, int64_t *first, int64_t *last,
                     const struct store_rollup *r)
{
    xsum_merge(sum, &r->sum);
    *hours += r->hours;
    if (r->first < *first)
        *first = r->first;
    if (r->last > *last)
        *last = r->last;
}

/* Adds a month rollup to the series' entry for its Oslo year (the years
 * kept ascending; a series spans few). */
static void series_year_add(struct query_series_info *x, int year, const struct store_rollup *r)
{
    size_t i = 0;
    struct query_year *y;
    while (i < x->nyears && x->years[i].year < year)
        i++;
    if (i == x->nyears || x->years[i].year != year) {
        x->years = xrealloc(x->years, (x->nyears + 1) * sizeof *x->years);
        memmove(&x->years[i + 1], &x->years[i], (x->nyears - i) * sizeof *x->years);
        memset(&x->years[i], 0, sizeof x->years[i]);
        x->years[i].year = year;
        x->years[i].first = r->first;
        x->years[i].last = r->last;
        x->nyears++;
    }
    y = &x->years[i];
    span_add(&y->sum, &y->hours, &y->first, &y->last, r);
}

/* Per year: the value, and the hours missing inside the year's part of
 * the series' span [first, last]; the years between without a row. */
static void series_years_finish(const struct dataset *ds, struct query_series_info *x)
{
    x->missing_in_years = 0;
    for (size_t i = 0; i < x->nyears; i++) {
        struct query_year *y = &x->years[i];
        int64_t a = timeutil_oslo_midnight(y->year, 1, 1),
                z = timeutil_oslo_midnight(y->year + 1, 1, 1);
        if (a < x->first)
            a = x->first;
        if (z > x->last + HOUR)
            z = x->last + HOUR;
        y->value = query_value(ds, &y->sum);
        y->missing = query_period_hours(a, z) - y->hours;
        x->missing_in_years += y->missing;
    }
    x->uncovered = 0;
    for (size_t i = 0; i + 1 < x->nyears; i++)
        x->uncovered += (size_t)(x->years[i + 1].year - x->years[i].year - 1);
}

static int overview_rollup(const struct store_rollup *r, void *ctx)
{
    struct overview_acc *a = ctx;
    struct query_dataset_overview *d = a->d;
    struct query_series_info *x = NULL;
    struct timeutil_civil c;

    if (r->hours <= 0)
        return 0;
    for (size_t i = d->nseries; i > 0 && !x; i--)
        if (strcmp(d->series[i - 1].area, r->area) == 0 &&
            strcmp(d->series[i - 1].group, r->group) == 0)
            x = &d->series[i - 1];
    if (!x) {
        xgrow((void **)&d->series, &a->cap, d->nseries + 1, sizeof *d->series);
        x = &d->series[d->nseries++];
        memset(x, 0, sizeof *x);
        memcpy(x->area, r->area, sizeof x->area);
        memcpy(x->group, r->group, sizeof x->group);
        x->first = r->first;
        x->last = r->last;
    }
    span_add(&x->sum, &x->hours, &x->first, &x->last, r);
    if (r->updated > x->updated)
        x->updated = r->updated;
    timeutil_oslo_civil(r->t, &c);
    add_year(a, c.year);
    series_year_add(x, c.year, r);
    return 0;
}

static void add_name(char (**names)[LIMIT_NAME], size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], s) == 0)
            return;
    xgrow((void **)names, cap, *n + 1, sizeof **names);
    snprintf((*names)[*n], LIMIT_NAME, "%s", s);
    (*n)++;
}

static int dataset_overview(struct store *s, const struct dataset *ds, const char *area,
                            struct query_dataset_overview *d, struct err *e)
{
    struct store_query q = {ds, area, NULL, 0, INT64_MIN, INT64_MAX};
    struct overview_acc a = {d, 0, NULL, 0, 0};
    size_t acap = 0, gcap = 0;

    memset(d, 0, sizeof *d);
    d->ds = ds;
    if (store_scan_rollups(s, STORE_MONTH, &q, overview_rollup, &a, e) < 0) {
        for (size_t i = 0; i < d->nseries; i++)
            free(d->series[i].years);
        free(d->series);
        free(a.years);
        memset(d, 0, sizeof *d);
        d->ds = ds;
        return -1;
    }
    if (d->nseries > 1)
        qsort(d->series, d->nseries, sizeof *d->series, cmp_info);
    for (size_t i = 0; i < d->nseries; i++) {
        struct query_series_info *x = &d->series[i];
        x->value = query_value(ds, &x->sum);
        x->missing = query_period_hours(x->first, x->last + HOUR) - x->hours;
        x->mean =
            ds->vars && dataset_group_agg(ds, x->group) != DATASET_AGG_DIRECTION && x->hours > 0
                ? dataset_round(ds, xsum_value(&x->sum) / (double)x->hours)
                : NAN;
        series_years_finish(ds, x);
        xsum_merge(&d->sum, &x->sum);
        d->hours += x->hours;
        d->missing += x->missing;
        d->missing_in_years += x->missing_in_years;
        if (i == 0 || x->first < d->first)
            d->first = x->first;
        if (i == 0 || x->last > d->last)
            d->last = x->last;
        if (x->updated > d->updated)
            d->updated = x->updated;
        add_name(&d->areas, &d->nareas, &acap, x->area);
        add_name(&d->groups, &d->ngroups, &gcap, x->group);
    }
    d->value = query_value(ds, &d->sum);
    if (d->ngroups > 1)
        qsort(d->groups, d->ngroups, sizeof *d->groups, cmp_name);
    d->years = a.years;
    d->nyears = a.nyears;
    d->year_totals = xcalloc(d->nyears ? d->nyears : 1, sizeof *d->year_totals);
    for (size_t k = 0; k < d->nyears; k++) {
        struct query_year_total *t = &d->year_totals[k];
        t->year = d->years[k];
        xsum_init(&t->sum);
        for (size_t i = 0; i < d->nseries; i++)
            for (size_t j = 0; j < d->series[i].nyears; j++) {
                const struct query_year *y = &d->series[i].years[j];
                if (y->year != t->year)
                    continue;
                t->series++;
                t->hours += y->hours;
                t->missing += y->missing;
                xsum_merge(&t->sum, &y->sum);
            }
        t->value = query_value(ds, &t->sum);
    }
    return 0;
}

static void dataset_overview_release(struct query_dataset_overview *d)
{
    for (size_t i = 0; i < d->nseries; i++)
        free(d->series[i].years);
    free(d->series);
    free(d->areas);
    free(d->groups);
    free(d->years);
    free(d->year_totals);
    memset(d, 0, sizeof *d);
}

int query_overview(struct store *s, const struct dataset *only, struct query_overview *out,
                   struct err *e)
{
    size_t gcap = 0;

    memset(out, 0, sizeof *out);
    out->d = xcalloc(dataset_count, sizeof *out->d);
    for (size_t i = 0; i < dataset_count; i++) {
        const struct dataset *ds = &dataset_all[i];
        if (only && only != ds)
            continue;
        if (dataset_overview(s, ds, NULL, &out->d[out->n], e) < 0) {
            query_overview_release(out);
            return -1;
        }
        out->hours += out->d[out->n].hours;
        for (size_t k = 0; k < out->d[out->n].ngroups; k++)
            add_name(&out->groups, &out->ngroups, &gcap, out->d[out->n].groups[k]);
        out->n++;
    }
    if (out->ngroups > 1)
        qsort(out->groups, out->ngroups, sizeof *out->groups, cmp_name);
    return 0;
}

void query_overview_release(struct query_overview *o)
{
    for (size_t i = 0; i < o->n; i++)
        dataset_overview_release(&o->d[i]);
    free(o->d);
    free(o->groups);
    memset(o, 0, sizeof *o);
}

/* "NO1, NO2" of names[0..n), cut to fit out. */
static void list_names(char (*names)[LIMIT_NAME], size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", names[i]);
        if (k < 0 || (size_t)k >= cap - used)
            break;
        used += (size_t)k;
    }
}

int query_check_selection(struct store *s, const struct select *sel, struct err *e)
{
    struct query_dataset_overview all, one;
    const struct query_dataset_overview *in;
    char list[512];
    int rc = -1;

    memset(&all, 0, sizeof all);
    memset(&one, 0, sizeof one);
    if (!sel->area[0] && !sel->ngroups)
        return 0; /* nothing named that could be missing */
    /* The overview of the one area named, when there is one (a fraction of
     * the dataset's rollups); the whole dataset's only to name what exists
     * when that area has nothing, or when no area is named. */
    if (sel->area[0] && dataset_overview(s, sel->ds, sel->area, &one, e) < 0)
        return -1;
    if ((!sel->area[0] || one.nseries == 0) && dataset_overview(s, sel->ds, NULL, &all, e) < 0)
        goto out;
    if (sel->area[0] && one.nseries == 0) {
        if (all.nareas == 0)
            err_set(e, ERR_DATA, 0,
                    "the store holds no %s data; load some with 'elhub fetch' or 'elhub import'",
                    sel->ds->name);
        else {
            list_names(all.areas, all.nareas, list, sizeof list);
            err_set(e, ERR_USAGE, 0, "area %s: the store has %s data for %s", sel->area,
                    sel->ds->name, list);
        }
        goto out;
    }
    in = sel->area[0] ? &one : &all;
    if (in->nareas == 0) {
        err_set(e, ERR_DATA, 0,
                "the store holds no %s data; load some with 'elhub fetch' or 'elhub import'",
                sel->ds->name);
        goto out;
    }
    for (size_t g = 0; g < sel->ngroups; g++) {
        int found = 0;
        for (size_t i = 0; i < in->ngroups; i++)
            found |= strcmp(in->groups[i], sel->groups[g]) == 0;
        if (!found) {
            list_names(in->groups, in->ngroups, list, sizeof list);
            if (sel->area[0])
                err_set(e, ERR_USAGE, 0, "group %s: the store has %s data in %s for %s",
                        sel->groups[g], sel->ds->name, sel->area, list);
            else
                err_set(e, ERR_USAGE, 0, "group %s: the store has %s data for %s", sel->groups[g],
                        sel->ds->name, list);
            goto out;
        }
    }
    rc = 0;
out:
    dataset_overview_release(&all);
    dataset_overview_release(&one);
    return rc;
}

struct months_acc {
    int64_t *v;
    size_t n, cap;
};

static int month_rollup(const struct store_rollup *r, void *ctx)
{
    struct months_acc *m = ctx;
    size_t i = 0;
    if (r->hours <= 0)
        return 0;
    while (i < m->n && m->v[i] < r->t)
        i++;
    if (i < m->n && m->v[i] == r->t)
        return 0;
    xgrow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v);
    memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof *m->v);
    m->v[i] = r->t;
    m->n++;
    return 0;
}

int query_months(struct store *s, const struct select *sel, int64_t **out, size_t *n, struct err *e)
{
    struct store_query q = select_query(sel);
    struct months_acc m = {NULL, 0, 0};
    q.from = INT64_MIN;
    q.to = INT64_MAX;
    *out = NULL;
    *n = 0;
    if (store_scan_rollups(s, STORE_MONTH, &q, month_rollup, &m, e) < 0) {
        free(m.v);
        return -1;
    }
    *out = m.v;
    *n = m.n;
    return 0;
}

/* ---- coverage ------------------------------------------------------------- */

/* Hours present per (group, day) from the day rollups, and later the hours
 * present of the partial days, read from rows. */
struct cov_group {
    char group[LIMIT_NAME];
    int64_t *day_hours;  /* per day index of the period */
    unsigned char *hour; /* presence per hour of [span_from, span_to), partial days only */
    int64_t span_from, span_to;
};

struct cov_ctx {
    struct cov_group *g;
    size_t ng;
    int64_t *days; /* the period's days (first instants) */
    size_t ndays;
    int all_areas; /* no area given: presence from rows */
};

static struct cov_group *cov_group_of(struct cov_ctx *c, const char *group)
{
    for (size_t i = 0; i < c->ng; i++)
        if (strcmp(c->g[i].group, group) == 0)
            return &c->g[i];
    return NULL;
}

static size_t day_index(const struct cov_ctx *c, int64_t day)
{
    size_t lo = 0, hi = c->ndays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cov_rollup(const struct store_rollup *r, void *ctx)
{
    struct cov_ctx *c = ctx;
    struct cov_group *g = cov_group_of(c, r->group);
    size_t i = day_index(c, r->t);
    if (g && i < c->ndays && c->days[i] == r->t)
        g->day_hours[i] += r->hours;
    return 0;
}

static int cov_row(const struct record *r, void *ctx)
{
    struct cov_ctx *c = ctx;
    struct cov_group *g = cov_group_of(c, r->group);
    if (g && g->hour && r->start >= g->span_from && r->start < g->span_to)
        g->hour[(r->start - g->span_from) / HOUR] = 1;
    return 0;
}

static void add_gap(struct query_group_coverage *o, size_t max_gaps, size_t *cap, int64_t from,
                    int64_t to)
{
    if (o->ngaps && o->gaps[o->ngaps - 1].to == from) {
        o->gaps[o->ngaps - 1].to = to;
        return;
    }
    if (o->ngaps == max_gaps) {
        o->truncated = 1;
        return;
    }
    xgrow((void **)&o->gaps, cap, o->ngaps + 1, sizeof *o->gaps);
    o->gaps[o->ngaps].from = from;
    o->gaps[o->ngaps].to = to;
    o->ngaps++;
}

static int cmp_cov(const void *a, const void *b)
{
    return strcmp(((const struct query_group_coverage *)a)->group,
                  ((const struct query_group_coverage *)b)->group);
}

int query_coverage(struct store *s, const struct select *sel, size_t max_gaps,
                   struct query_coverage *out, struct err *e)
{
    struct store_query q = select_query(sel);
    struct cov_ctx c;
    size_t dcap = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (!sel->has_from || !sel->has_to)
        return err_set(e, ERR_USAGE, 0, "coverage needs from and to (Oslo dates, inclusive)");
    if (sel->norway)
        return norway_coverage(s, sel, max_gaps, out, e);
    /* The groups: those named, or every group the area (or dataset) has. */
    if (sel->ngroups) {
        c.g = xcalloc(sel->ngroups, sizeof *c.g);
        for (size_t i = 0; i < sel->ngroups; i++)
            snprintf(c.g[c.ng++].group, LIMIT_NAME, "%s", sel->groups[i]);
    } else {
        struct query_dataset_overview d;
        if (dataset_overview(s, sel->ds, sel->area[0] ? sel->area : NULL, &d, e) < 0)
            return -1;
        c.g = xcalloc(d.ngroups ? d.ngroups : 1, sizeof *c.g);
        for (size_t i = 0; i < d.ngroups; i++)
            snprintf(c.g[c.ng++].group, LIMIT_NAME, "%s", d.groups[i]);
        dataset_overview_release(&d);
    }
    for (int64_t d = day_of(q.from); d < q.to; d = next_of(d, TIMEUTIL_DAY)) {
        xgrow((void **)&c.days, &dcap, c.ndays + 1, sizeof *c.days);
        c.days[c.ndays++] = d;
    }
    for (size_t i = 0; i < c.ng; i++)
        c.g[i].day_hours = xcalloc(c.ndays ? c.ndays : 1, sizeof *c.g[i].day_hours);
    c.all_areas = !sel->area[0];
    q.groups = NULL;
    q.ngroups = 0;
    if (!c.all_areas && is_midnight(q.from) && is_midnight(q.to)) {
        struct store_query gq = select_query(sel);
        gq.from = c.ndays ? c.days[0] : q.from;
        if (store_scan_rollups(s, STORE_DAY, &gq, cov_rollup, &c, e) < 0)
            goto out;
    }
    /* The days whose presence must come from rows: partial days (or, for
     * every area together, all of them: presence is per hour across
     * areas). One row scan per group over the span of those days. */
    for (size_t i = 0; i < c.ng; i++) {
        struct cov_group *g = &c.g[i];
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t k = 0; k < c.ndays; k++) {
            int64_t a = c.days[k] < q.from ? q.from : c.days[k];
            int64_t z =
                next_of(c.days[k], TIMEUTIL_DAY) > q.to ? q.to : next_of(c.days[k], TIMEUTIL_DAY);
            int64_t want = query_period_hours(a, z);
            if (c.all_areas || (g->day_hours[k] > 0 && g->day_hours[k] < want) ||
                !is_midnight(q.from) || !is_midnight(q.to)) {
                if (a < lo)
                    lo = a;
                if (z > hi)
                    hi = z;
            }
        }
        if (lo < hi) {
            struct store_query rq = select_query(sel);
            const char *one[1] = {g->group};
            rq.groups = one;
            rq.ngroups = 1;
            rq.from = lo;
            rq.to = hi;
            g->span_from = lo;
            g->span_to = hi;
            g->hour = xcalloc((size_t)((hi - lo) / HOUR) + 1, 1);
            if (store_scan(s, &rq, cov_row, &c, e) < 0)
                goto out;
        }
    }
    out->g = xcalloc(c.ng ? c.ng : 1, sizeof *out->g);
    out->period_hours = query_period_hours(q.from, q.to);
    for (size_t i = 0; i < c.ng; i++) {
        struct cov_group *g = &c.g[i];
        struct query_group_coverage *o = &out->g[out->ng++];
        size_t gcap = 0;
        snprintf(o->group, sizeof o->group, "%s", g->group);
        for (size_t k = 0; k < c.ndays; k++) {
            int64_t a = c.days[k] < q.from ? q.from : c.days[k];
            int64_t z =
                next_of(c.days[k], TIMEUTIL_DAY) > q.to ? q.to : next_of(c.days[k], TIMEUTIL_DAY);
            int64_t want = query_period_hours(a, z);
            if (g->hour && a >= g->span_from && z <= g->span_to) {
                for (int64_t h = a; h < z; h += HOUR) {
                    if (g->hour[(h - g->span_from) / HOUR]) {
                        o->present++;
                    } else {
                        o->missing++;
                        add_gap(o, max_gaps, &gcap, h, h + HOUR);
                    }
                }
            } else if (g->day_hours[k] >= want) {
                o->present += want;
            } else {
                o->missing += want;
                add_gap(o, max_gaps, &gcap, a, z);
            }
        }
        out->truncated |= o->truncated;
    }
    if (out->ng > 1)
        qsort(out->g, out->ng, sizeof *out->g, cmp_cov);
    rc = 0;
out:
    for (size_t i = 0; i < c.ng; i++) {
        free(c.g[i].day_hours);
        free(c.g[i].hour);
    }
    free(c.g);
    free(c.days);
    if (rc < 0)
        query_coverage_release(out);
    return rc;
}

void query_coverage_release(struct query_coverage *out)
{
    for (size_t i = 0; i < out->ng; i++)
        free(out->g[i].gaps);
    free(out->g);
    memset(out, 0, sizeof *out);
}

/* ---- Norway ---------------------------------------------------------------- */

/* Whether the overview d has a series of group in area. */
static int area_holds(const struct query_dataset_overview *d, const char *area, const char *group)
{
    for (size_t i = 0; i < d->nseries; i++)
        if (strcmp(d->series[i].area, area) == 0 && strcmp(d->series[i].group, group) == 0)
            return 1;
    return 0;
}

/* sel narrowed to one area (its groups kept). */
static void one_area(const struct select *sel, const char *area, struct select *out)
{
    *out = *sel;
    out->norway = 0;
    snprintf(out->area, sizeof out->area, "%s", area);
    for (size_t i = 0; i < out->ngroups; i++)
        out->gp[i] = out->groups[i];
}

static int norway_totals(struct store *s, const struct select *sel, struct query_totals *out,
                         struct err *e)
{
    struct query_dataset_overview d;
    struct totals_acc acc = {NULL, 0, 0};
    struct query_totals *per;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (dataset_overview(s, sel->ds, NULL, &d, e) < 0)
        return -1;
    per = xcalloc(d.nareas ? d.nareas : 1, sizeof *per);
    for (size_t a = 0; a < d.nareas; a++) {
        struct select one;
        one_area(sel, d.areas[a], &one);
        if (query_totals(s, &one, &per[a], e) < 0)
            goto out;
        for (size_t i = 0; i < per[a].n; i++)
            xsum_merge(&total_for(&acc, per[a].t[i].group)->sum, &per[a].t[i].sum);
    }
    for (size_t i = 0; i < acc.n; i++) {
        int64_t h = INT64_MAX;
        for (size_t a = 0; a < d.nareas; a++) {
            int64_t ha = 0;
            if (!area_holds(&d, d.areas[a], acc.t[i].group))
                continue;
            for (size_t k = 0; k < per[a].n; k++)
                if (strcmp(per[a].t[k].group, acc.t[i].group) == 0)
                    ha = per[a].t[k].hours;
            if (ha < h)
                h = ha;
        }
        acc.t[i].hours = h == INT64_MAX ? 0 : h;
        acc.t[i].value = query_value(sel->ds, &acc.t[i].sum);
    }
    if (acc.n > 1)
        qsort(acc.t, acc.n, sizeof *acc.t, cmp_total);
    out->t = acc.t;
    out->n = acc.n;
    out->period_hours = query_period_hours(sel->from, sel->to);
    acc.t = NULL;
    rc = 0;
out:
    for (size_t a = 0; a < d.nareas; a++)
        query_totals_release(&per[a]);
    free(per);
    free(acc.t);
    dataset_overview_release(&d);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static const struct query_group_series *group_in(const struct query_series *q, const char *group)
{
    for (size_t i = 0; i < q->ng; i++)
        if (strcmp(q->g[i].group, group) == 0)
            return &q->g[i];
    return NULL;
}

/* Merges the areas' series of one group: the sum at each instant any area
 * has, with the hours of the least-covered area holding the group. */
static int merge_group(const struct query_dataset_overview *d, const struct query_series *per,
                       size_t max_points, struct query_series *out, struct query_group_series *g,
                       struct err *e)
{
    const struct query_group_series **src = xcalloc(d->nareas ? d->nareas : 1, sizeof *src);
    size_t *pos = xcalloc(d->nareas ? d->nareas : 1, sizeof *pos);
    int64_t *ts = NULL;
    size_t nts = 0, tcap = 0, pcap = 0;
    int rc = -1;

    for (size_t a = 0; a < d->nareas; a++) {
        src[a] = group_in(&per[a], g->group);
        for (size_t k = 0; src[a] && k < src[a]->n; k++) {
            xgrow((void **)&ts, &tcap, nts + 1, sizeof *ts);
            ts[nts++] = src[a]->pts[k].t;
        }
    }
    if (nts > 1)
        qsort(ts, nts, sizeof *ts, cmp_i64);
    for (size_t i = 0; i < nts; i++) {
        struct query_point *p;
        int64_t hours = INT64_MAX;
        if (i && ts[i] == ts[i - 1])
            continue;
        if (max_points && out->points == max_points) {
            err_set(e, ERR_USAGE, 0,
                    "the selection has more than %zu points: choose a shorter range or a coarser "
                    "step",
                    max_points);
            goto out;
        }
        xgrow((void **)&g->pts, &pcap, g->n + 1, sizeof *g->pts);
        p = &g->pts[g->n++];
        memset(p, 0, sizeof *p);
        p->t = ts[i];
        out->points++;
        for (size_t a = 0; a < d->nareas; a++) {
            const struct query_point *q = NULL;
            if (!area_holds(d, d->areas[a], g->group))
                continue;
            while (src[a] && pos[a] < src[a]->n && src[a]->pts[pos[a]].t < ts[i])
                pos[a]++;
            if (src[a] && pos[a] < src[a]->n && src[a]->pts[pos[a]].t == ts[i])
                q = &src[a]->pts[pos[a]];
            if (q) {
                xsum_merge(&p->sum, &q->sum);
                p->period_hours = q->period_hours;
            }
            if ((q ? q->hours : 0) < hours)
                hours = q ? q->hours : 0;
        }
        p->hours = hours == INT64_MAX ? 0 : (int32_t)hours;
        p->value = query_value(d->ds, &p->sum);
    }
    rc = 0;
out:
    free(src);
    free(pos);
    free(ts);
    return rc;
}

static int norway_series(struct store *s, const struct select *sel, size_t max_points,
                         struct query_series *out, struct err *e)
{
    struct query_dataset_overview d;
    struct query_series *per;
    size_t gcap = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    out->step = sel->step;
    if (dataset_overview(s, sel->ds, NULL, &d, e) < 0)
        return -1;
    per = xcalloc(d.nareas ? d.nareas : 1, sizeof *per);
    for (size_t a = 0; a < d.nareas; a++) {
        struct select one;
        one_area(sel, d.areas[a], &one);
        if (query_series(s, &one, max_points, &per[a], e) < 0)
            goto out;
    }
    for (size_t i = 0; i < sel->ngroups; i++)
        series_group(out, &gcap, sel->groups[i]);
    for (size_t a = 0; a < d.nareas; a++)
        for (size_t i = 0; i < per[a].ng; i++)
            if (per[a].g[i].n)
                series_group(out, &gcap, per[a].g[i].group);
    for (size_t i = 0; i < out->ng; i++)
        if (merge_group(&d, per, max_points, out, &out->g[i], e) < 0)
            goto out;
    if (out->ng > 1)
        qsort(out->g, out->ng, sizeof *out->g, cmp_group_series);
    rc = 0;
out:
    for (size_t a = 0; a < d.nareas; a++)
        query_series_release(&per[a]);
    free(per);
    dataset_overview_release(&d);
    if (rc < 0)
        query_series_release(out);
    return rc;
}

static int cmp_gap(const void *a, const void *b)
{
    const struct query_gap *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static int norway_coverage(struct store *s, const struct select *sel, size_t max_gaps,
                           struct query_coverage *out, struct err *e)
{
    struct query_dataset_overview d;
    struct query_coverage *per;
    struct query_gap **gaps = NULL;
    size_t *ngaps = NULL, *caps = NULL, ng,
           all = (size_t)query_period_hours(sel->from, sel->to) + 1;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (dataset_overview(s, sel->ds, NULL, &d, e) < 0)
        return -1;
    ng = sel->ngroups ? sel->ngroups : d.ngroups;
    per = xcalloc(d.nareas ? d.nareas : 1, sizeof *per);
    out->g = xcalloc(ng ? ng : 1, sizeof *out->g);
    gaps = xcalloc(ng ? ng : 1, sizeof *gaps);
    ngaps = xcalloc(ng ? ng : 1, sizeof *ngaps);
    caps = xcalloc(ng ? ng : 1, sizeof *caps);
    out->period_hours = query_period_hours(sel->from, sel->to);
    for (size_t i = 0; i < ng; i++)
        snprintf(out->g[i].group, LIMIT_NAME, "%s", sel->ngroups ? sel->groups[i] : d.groups[i]);
    out->ng = ng;
    /* Each area once, for the groups it holds (of those asked for). */
    for (size_t a = 0; a < d.nareas; a++) {
        struct select one;
        one_area(sel, d.areas[a], &one);
        one.ngroups = 0;
        for (size_t i = 0; i < ng; i++) {
            if (!area_holds(&d, d.areas[a], out->g[i].group))
                continue;
            snprintf(one.groups[one.ngroups], LIMIT_NAME, "%s", out->g[i].group);
            one.gp[one.ngroups] = one.groups[one.ngroups];
            one.ngroups++;
        }
        if (!one.ngroups)
            continue;
        if (query_coverage(s, &one, all, &per[a], e) < 0)
            goto out;
        for (size_t k = 0; k < per[a].ng; k++) {
            for (size_t i = 0; i < ng; i++) {
                if (strcmp(out->g[i].group, per[a].g[k].group) != 0)
                    continue;
                for (size_t j = 0; j < per[a].g[k].ngaps; j++) {
                    xgrow((void **)&gaps[i], &caps[i], ngaps[i] + 1, sizeof *gaps[i]);
                    gaps[i][ngaps[i]++] = per[a].g[k].gaps[j];
                }
            }
        }
    }
    for (size_t i = 0; i < ng; i++) {
        struct query_group_coverage *o = &out->g[i];
        size_t gcap = 0, held = 0;
        for (size_t a = 0; a < d.nareas; a++)
            held += (size_t)area_holds(&d, d.areas[a], o->group);
        if (!held) { /* no area has the group: wholly missing */
            xgrow((void **)&gaps[i], &caps[i], 1, sizeof *gaps[i]);
            gaps[i][0].from = sel->from;
            gaps[i][0].to = sel->to;
            ngaps[i] = 1;
        }
        if (ngaps[i] > 1)
            qsort(gaps[i], ngaps[i], sizeof *gaps[i], cmp_gap);
        for (size_t j = 0; j < ngaps[i];) {
            int64_t from = gaps[i][j].from, to = gaps[i][j].to;
            for (j++; j < ngaps[i] && gaps[i][j].from <= to; j++)
                if (gaps[i][j].to > to)
                    to = gaps[i][j].to;
            o->missing += query_period_hours(from, to);
            add_gap(o, max_gaps, &gcap, from, to);
        }
        o->present = out->period_hours - o->missing;
        out->truncated |= o->truncated;
    }
    if (out->ng > 1)
        qsort(out->g, out->ng, sizeof *out->g, cmp_cov);
    rc = 0;
out:
    for (size_t a = 0; a < d.nareas; a++)
        query_coverage_release(&per[a]);
    for (size_t i = 0; i < ng; i++)
        free(gaps[i]);
    free(gaps);
    free(ngaps);
    free(caps);
    free(per);
    dataset_overview_release(&d);
    if (rc < 0)
        query_coverage_release(out);
    return rc;
}
