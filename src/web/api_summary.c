/* api_summary: GET /api/summary, the table under the dashboard's chart
 * (docs/API.md): per group and over the groups, the total, its share, the
 * hours present, the mean power, the smallest and largest hour with their
 * times, and the hours below zero, from query_summary. */
#include "web/api_int.h"

#include "dataset.h"
#include "query/query.h"

#include <math.h>

static void put_extreme(struct json *j, const char *key, const struct query_extreme *x,
                        int64_t hours)
{
    json_key(j, key);
    if (!hours) {
        json_null(j);
        return;
    }
    json_arr(j);
    json_time(j, x->t);
    json_num(j, x->value);
    json_arr_end(j);
}

/* One row of the table (mean and share come from query_summary; json
 * writes their NANs as null). */
/* A weather variable's row: its value by its aggregation, in its unit; no
 * kWh, share or mean power. */
static void put_variable(struct json *j, const struct dataset *ds,
                         const struct query_hour_summary *g)
{
    json_obj(j);
    json_kstr(j, "unit", dataset_group_unit(ds, g->group));
    json_kstr(j, "aggregation", dataset_agg_name(dataset_group_agg(ds, g->group)));
    json_knum(j, "value", g->hours ? g->value : NAN);
    json_kint(j, "hours", g->hours);
    json_knum(j, "mean", g->hours ? g->mean : NAN);
    put_extreme(j, "min", &g->min, g->hours);
    put_extreme(j, "max", &g->max, g->hours);
    json_obj_end(j);
}

static void put_row(struct json *j, const struct query_hour_summary *g, int64_t complete)
{
    json_obj(j);
    json_knum(j, "kwh", g->value);
    json_kint(j, "hours", g->hours);
    json_knum(j, "mean_kw", g->mean);
    json_knum(j, "share", g->share);
    if (complete >= 0)
        json_kint(j, "complete_hours", complete);
    put_extreme(j, "min", &g->min, complete >= 0 ? complete : g->hours);
    put_extreme(j, "max", &g->max, complete >= 0 ? complete : g->hours);
    json_kint(j, "negative_hours", g->negative);
    json_obj_end(j);
}

void api_handle_summary(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct select sel;
    struct query_summary sum;
    struct err e = {0};
    struct json j;

    if (api_selection(s, q, SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO,
                      NULL, 1, &sel, r) < 0)
        return;
    if (query_summary(s, &sel, LIMIT_API_POINTS, &sum, &e) < 0) {
        api_store_failed(r, "/api/summary", &e);
        return;
    }
    json_init(&j, &r->body);
    json_obj(&j);
    api_put_sel_head(&j, &sel);
    json_kstr(&j, "unit", sel.ds->unit);
    json_kint(&j, "period_hours", sum.period_hours);
    json_key(&j, "groups");
    json_obj(&j);
    for (size_t i = 0; i < sum.ng; i++) {
        json_key(&j, sum.g[i].group);
        if (sel.ds->vars)
            put_variable(&j, sel.ds, &sum.g[i]);
        else
            put_row(&j, &sum.g[i], -1);
    }
    json_obj_end(&j);
    json_key(&j, "all");
    if (sel.ds->vars)
        json_null(&j); /* no sum over variables in different units */
    else
        put_row(&j, &sum.all, sum.complete_hours);
    json_obj_end(&j);
    query_summary_release(&sum);
    api_finish_json(r, &j);
}
