/* query/summary: the hours of a selection summarised per group and over
 * the groups (total, hours present, smallest and largest hour, hours below
 * zero); see query.h. One pass over the rows into an exact sum per group
 * and hour of the period (rows of every area add into the same hour when no
 * area is given). */
#include "query/query.h"

#include "query/agg.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

struct sum_group {
    char group[LIMIT_NAME];
    struct xsum *hour;  /* per hour of the period */
    unsigned char *has; /* a row was seen for the hour */
    int named;          /* named in the selection */
};

struct sum_ctx {
    struct sum_group *g;
    size_t ng, cap;
    int64_t from, hours; /* the period's first instant and its hours */
    size_t max_points;
    int too_many;
};

static struct sum_group *group_of(struct sum_ctx *c, const char *group)
{
    struct sum_group *g;
    for (size_t i = 0; i < c->ng; i++)
        if (strcmp(c->g[i].group, group) == 0)
            return &c->g[i];
    if (c->max_points && (uint64_t)(c->ng + 1) * (uint64_t)c->hours > c->max_points) {
        c->too_many = 1;
        return NULL;
    }
    xgrow((void **)&c->g, &c->cap, c->ng + 1, sizeof *c->g);
    g = &c->g[c->ng++];
    memset(g, 0, sizeof *g);
    snprintf(g->group, sizeof g->group, "%s", group);
    g->hour = xcalloc(c->hours ? (size_t)c->hours : 1, sizeof *g->hour);
    g->has = xcalloc(c->hours ? (size_t)c->hours : 1, 1);
    return g;
}

static int sum_row(const struct record *r, void *ctx)
{
    struct sum_ctx *c = ctx;
    struct sum_group *g = group_of(c, r->group);
    int64_t i = (r->start - c->from) / HOUR;
    if (!g)
        return 1; /* stop: more group-hours than allowed */
    if (i >= 0 && i < c->hours) {
        xsum_add(&g->hour[i], r->value);
        g->has[i] = 1;
    }
    return 0;
}

static void extreme(struct query_hour_summary *s, int64_t t, double v, int first)
{
    if (first || v < s->min.value) {
        s->min.t = t;
        s->min.value = v;
    }
    if (first || v > s->max.value) {
        s->max.t = t;
        s->max.value = v;
    }
    if (v < 0)
        s->negative++;
}

static int cmp_sum_group(const void *a, const void *b)
{
    return strcmp(((const struct sum_group *)a)->group, ((const struct sum_group *)b)->group);
}

int query_summary(struct store *s, const struct select *sel, size_t max_points,
                  struct query_summary *out, struct err *e)
{
    struct store_query q = select_query(sel);
    struct sum_ctx c;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (!sel->has_from || !sel->has_to)
        return err_set(e, ERR_USAGE, 0, "a summary needs from and to (Oslo dates, inclusive)");
    c.from = q.from;
    c.hours = query_period_hours(q.from, q.to);
    c.max_points = max_points;
    for (size_t i = 0; i < sel->ngroups; i++) {
        struct sum_group *g = group_of(&c, sel->groups[i]);
        if (!g)
            break;
        g->named = 1;
    }
    if (!c.too_many && store_scan(s, &q, sum_row, &c, e) < 0)
        goto out;
    if (c.too_many) {
        err_set(e, ERR_USAGE, 0,
                "the selection has more than %zu group-hours: choose a shorter range or fewer "
                "groups",
                max_points);
        goto out;
    }
    if (c.ng > 1)
        qsort(c.g, c.ng, sizeof *c.g, cmp_sum_group);
    out->period_hours = c.hours;
    out->ng = c.ng;
    out->g = xcalloc(c.ng ? c.ng : 1, sizeof *out->g);
    for (size_t i = 0; i < c.ng; i++) {
        struct query_hour_summary *o = &out->g[i];
        struct query_dir dir = {0, 0, 0};
        snprintf(o->group, sizeof o->group, "%s", c.g[i].group);
        for (int64_t h = 0; h < c.hours; h++) {
            double v;
            if (!c.g[i].has[h])
                continue;
            xsum_merge(&o->sum, &c.g[i].hour[h]);
            v = query_value(sel->ds, &c.g[i].hour[h]);
            extreme(o, c.from + h * HOUR, v, o->hours == 0);
            query_dir_add(&dir, v);
            o->hours++;
        }
        /* A weather variable's value is its aggregation (a sum of
         * temperatures means nothing); an energy group's is its sum. */
        o->value = dataset_group_agg(sel->ds, o->group) == DATASET_AGG_DIRECTION
                       ? query_dir_mean(sel->ds, &dir)
                       : query_agg_value(sel->ds, o->group, &o->sum, o->hours);
    }
    /* Over the groups: every hour where one has a value counts for the
     * total; the extremes only where every group with rows has one. */
    for (int64_t h = 0; h < c.hours; h++) {
        struct xsum t;
        int any = 0, all = 1;
        xsum_init(&t);
        for (size_t i = 0; i < c.ng; i++) {
            if (c.g[i].has[h]) {
                any = 1;
                xsum_merge(&t, &c.g[i].hour[h]);
            } else if (out->g[i].hours) {
                all = 0;
            }
        }
        if (!any)
            continue;
        xsum_merge(&out->all.sum, &t);
        out->all.hours++;
        if (all) {
            extreme(&out->all, c.from + h * HOUR, query_value(sel->ds, &t),
                    out->complete_hours == 0);
            out->complete_hours++;
        }
    }
    out->all.value = query_value(sel->ds, &out->all.sum);
    if (sel->ds->vars) {
        /* Variables in different units: no sum over them, no shares; a
         * variable's mean per hour (a sum's, or the mean itself). */
        memset(&out->all, 0, sizeof out->all);
        out->all.value = out->all.mean = out->all.share = NAN;
        out->complete_hours = 0;
        for (size_t i = 0; i < out->ng; i++) {
            struct query_hour_summary *o = &out->g[i];
            o->mean = dataset_group_agg(sel->ds, o->group) == DATASET_AGG_SUM && o->hours
                          ? dataset_round(sel->ds, o->value / (double)o->hours)
                          : o->value;
            o->share = NAN;
        }
    } else {
        for (size_t i = 0; i <= out->ng; i++) {
            struct query_hour_summary *o = i < out->ng ? &out->g[i] : &out->all;
            o->mean = o->hours ? dataset_round(sel->ds, o->value / (double)o->hours) : NAN;
            o->share = o->hours && out->all.value != 0 ? o->value / out->all.value : NAN;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < c.ng; i++) {
        free(c.g[i].hour);
        free(c.g[i].has);
    }
    free(c.g);
    if (rc < 0)
        query_summary_release(out);
    return rc;
}

void query_summary_release(struct query_summary *out)
{
    free(out->g);
    memset(out, 0, sizeof *out);
}
