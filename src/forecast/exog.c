/* forecast/exog: the regressors a request may take (see exog.h). */
#include "forecast/exog.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

void forecast_exog_hours(const struct forecast_params *p, int64_t *from, int64_t *to)
{
    *from = p->from;
    *to = p->to + HOUR * (int64_t)p->horizon;
}

size_t forecast_exog_pick(const struct dataset *ds, const char *area,
                          const struct query_coverage *cov, int64_t hours,
                          const struct series_spec *series, struct forecast_exog_option *out,
                          size_t max, size_t *n)
{
    size_t added = 0;
    for (size_t v = 0; ds->vars && v < ds->nvars; v++) {
        const struct query_group_coverage *g = NULL;
        struct forecast_exog_option *o;
        for (size_t i = 0; i < cov->ng && !g; i++)
            if (strcmp(cov->g[i].group, ds->vars[v].name) == 0)
                g = &cov->g[i];
        if (!g || g->missing != 0 || g->present != hours || hours <= 0 || *n == max)
            continue;
        o = &out[*n];
        snprintf(o->spec, sizeof o->spec, "%s:%s:%s", ds->name, area, ds->vars[v].name);
        if (series && strcmp(o->spec, series->text) == 0)
            continue;
        o->ds = ds;
        o->var = &ds->vars[v];
        (*n)++;
        added++;
    }
    return added;
}

int forecast_exog_options(struct store *s, const struct forecast_params *p,
                          struct forecast_exog_option **out, size_t *n, struct err *e)
{
    struct select range, sel;
    size_t max = 0;
    int64_t from, to;

    *out = NULL;
    *n = 0;
    forecast_exog_hours(p, &from, &to);
    select_init(&range);
    range.has_from = range.has_to = 1;
    range.from = p->from;
    range.to = p->to;
    memcpy(range.from_s, p->from_s, sizeof range.from_s);
    memcpy(range.to_s, p->to_s, sizeof range.to_s);
    series_select(&p->series, &range, &sel);
    if (query_check_selection(s, &sel, e) < 0)
        return err_prefix(e, "series %s", p->series.text);
    for (size_t d = 0; d < dataset_count; d++)
        if (dataset_all[d].vars)
            max += dataset_all[d].nvars;
    *out = xcalloc(max ? max : 1, sizeof **out);
    for (size_t d = 0; d < dataset_count; d++) {
        const struct dataset *ds = &dataset_all[d];
        struct query_coverage cov;
        if (!ds->vars)
            continue;
        select_init(&sel);
        sel.ds = ds;
        memcpy(sel.area, p->series.area, sizeof sel.area);
        sel.has_from = sel.has_to = 1;
        sel.from = from;
        sel.to = to;
        sel.given = SELECT_DATASET | SELECT_AREA | SELECT_FROM | SELECT_TO;
        if (query_coverage(s, &sel, 0, &cov, e) < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
        forecast_exog_pick(ds, p->series.area, &cov, query_period_hours(from, to), &p->series, *out,
                           max, n);
        query_coverage_release(&cov);
    }
    if (!*n) {
        free(*out);
        *out = NULL;
    }
    return 0;
}
