/* api_areamean: GET /api/areamean?dataset&group&days&end - what colours the
 * Map page: per price area, the mean per hour of one group (a weather
 * variable for weather, at the area's city) over the `days` Oslo days
 * ending on `end`, from the read model (query_area_means). docs/API.md,
 * docs/MAP.md. */
#include "web/api_int.h"

#include "present.h"

#include "geo/geo.h"
#include "log.h"
#include "query/query.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* days: a whole number of days, 1..LIMIT_MAP_DAYS. */
static int param_days(const struct api_query *q, int *out, struct err *e)
{
    double d;
    if (api_param_decimal(q, "days", &d, e) < 0)
        return -1;
    if (!(d >= 1 && d <= LIMIT_MAP_DAYS) || d != floor(d))
        return err_set(e, ERR_USAGE, 0, "days: expected a whole number of days, 1..%d",
                       LIMIT_MAP_DAYS);
    *out = (int)d;
    return 0;
}

/* Sets sel's range to the `days` Oslo days ending on `end` (inclusive),
 * through the one selection parser. */
static int set_range(struct select *sel, const char *end, int days, struct err *e)
{
    int y, m, d, has_day;
    char from[16];
    struct err pe = {0};
    if (!end)
        return err_set(e, ERR_USAGE, 0, "end is required (the last day, YYYY-MM-DD)");
    if (timeutil_parse_date(end, &y, &m, &d, &has_day, &pe) < 0 || !has_day) {
        char shown[64];
        return err_set(e, ERR_USAGE, 0, "end \"%s\": expected a day, YYYY-MM-DD",
                       err_quote(end, strlen(end), shown, sizeof shown));
    }
    timeutil_civil_from_days(timeutil_days_from_civil(y, m, d) - (days - 1), &y, &m, &d);
    snprintf(from, sizeof from, "%04d-%02d-%02d", y, m, d);
    if (select_set(sel, SELECT_TO, "to", end, e) < 0 ||
        select_set(sel, SELECT_FROM, "from", from, e) < 0)
        return err_prefix(e, "end and days");
    return 0;
}

void api_areamean(struct store *s, const struct api_query *q, struct api_response *r)
{
    static const char *const known[] = {"dataset", "group", "days", "end"};
    const char *codes[GEO_MAX_AREAS];
    struct query_area_mean means[GEO_MAX_AREAS];
    const struct geo_areas *g;
    const char *v, *unit;
    struct select sel;
    struct err e = {0};
    struct json j;
    int64_t period = 0;
    int days = 0;

    select_init(&sel);
    if (api_only_params(q, known, 4, "dataset, group, days, end", &e) < 0 ||
        ((v = api_query_get(q, "dataset")) &&
         select_set(&sel, SELECT_DATASET, "dataset", v, &e) < 0))
        goto bad;
    if (!(v = api_query_get(q, "group"))) {
        err_set(&e, ERR_USAGE, 0, "group is required (a %s)",
                sel.ds->vars ? "weather variable such as temperature_2m" : "group such as hydro");
        goto bad;
    }
    if (select_set(&sel, SELECT_GROUPS, "group", v, &e) < 0)
        goto bad;
    if (sel.ngroups != 1) {
        err_set(&e, ERR_USAGE, 0, "group: name one group");
        goto bad;
    }
    /* An energy mean per hour is power: the power unit of the dataset's
     * (present.h: kWh in an hour is kW). */
    unit = sel.ds->vars ? dataset_group_unit(sel.ds, sel.groups[0])
                        : present_unit_pick(sel.ds->unit, PRESENT_POWER, 0).name;
    if (!unit) {
        err_set(&e, ERR_USAGE, 0,
                "group \"%s\": not a variable of %s (temperature_2m, precipitation, "
                "wind_speed_10m, wind_gusts_10m, wind_direction_10m)",
                sel.groups[0], sel.ds->name);
        goto bad;
    }
    if (param_days(q, &days, &e) < 0 || set_range(&sel, api_query_get(q, "end"), days, &e) < 0 ||
        select_finish(&sel, 1, &e) < 0)
        goto bad;
    if (api_no_store(s, r))
        return;
    /* An unknown group is a 400 naming what exists; a dataset the store
     * holds nothing of gives every area a null mean. */
    if (query_check_selection(s, &sel, &e) < 0 && e.domain != ERR_DATA) {
        api_store_failed(r, "/api/areamean", &e);
        return;
    }
    g = geo_outlines(&e);
    if (!g) {
        log_error("/api/areamean: %s", e.msg);
        api_error(r, 500, "internal error", "the price-area outlines are not available");
        return;
    }
    for (size_t i = 0; i < g->n; i++)
        codes[i] = g->a[i].code;
    if (query_area_means(s, &sel, codes, g->n, means, &period, &e) < 0) {
        api_store_failed(r, "/api/areamean", &e);
        return;
    }
    json_init(&j, &r->body);
    json_obj(&j);
    json_kstr(&j, "dataset", sel.ds->name);
    json_kstr(&j, "group", sel.groups[0]);
    json_kstr(&j, "from", sel.from_s);
    json_kstr(&j, "to", sel.to_s);
    json_kint(&j, "days", days);
    json_kstr(&j, "unit", unit);
    json_kint(&j, "period_hours", period);
    json_key(&j, "areas");
    json_arr(&j);
    for (size_t i = 0; i < g->n; i++) {
        json_obj(&j);
        json_kstr(&j, "area", means[i].area);
        json_knum(&j, "mean", means[i].mean);
        json_kint(&j, "hours", means[i].hours);
        json_kint(&j, "period_hours", period);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_obj_end(&j);
    api_finish_json(r, &j);
    return;
bad:
    api_bad_request(r, &e);
}
