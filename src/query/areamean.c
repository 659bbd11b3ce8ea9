/* query/areamean: the mean of one group per price area over a period, for
 * the Map page's colours (query.h, query_area_means), from the totals: the
 * mean per hour of a summed group (energy: mean kW; precipitation: mm per
 * hour), a weather variable's own mean (the circular mean of a direction). */
#include "query/query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int query_area_means(struct store *s, const struct select *sel, const char *const *areas, size_t n,
                     struct query_area_mean *out, int64_t *period_hours, struct err *e)
{
    struct select one = *sel;

    *period_hours = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].mean = NAN;
    }
    if (sel->ngroups != 1 || !sel->has_from || !sel->has_to)
        return err_set(e, ERR_USAGE, 0, "a mean per area needs one group and a period");
    one.norway = 0;
    for (size_t k = 0; k < LIMIT_SELECT_GROUPS; k++)
        one.gp[k] = one.groups[k]; /* point into the copy, not into sel */
    for (size_t i = 0; i < n; i++) {
        struct query_totals t;
        snprintf(one.area, sizeof one.area, "%s", areas[i]);
        snprintf(out[i].area, sizeof out[i].area, "%s", areas[i]);
        if (query_totals(s, &one, &t, e) < 0)
            return -1;
        *period_hours = t.period_hours;
        for (size_t g = 0; g < t.n; g++) {
            if (strcmp(t.t[g].group, one.groups[0]) != 0 || !t.t[g].hours)
                continue;
            out[i].hours = t.t[g].hours;
            /* A total is the group's aggregation (query_totals): a sum is
             * divided by its hours; a mean or a direction already is one. */
            out[i].mean = dataset_group_agg(sel->ds, one.groups[0]) == DATASET_AGG_SUM
                              ? dataset_round(sel->ds, t.t[g].value / (double)t.t[g].hours)
                              : t.t[g].value;
        }
        query_totals_release(&t);
    }
    return 0;
}
