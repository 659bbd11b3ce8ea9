/* api_snowdrift: GET /api/snowdrift - Tabler's snow drift per snow year at
 * one location from the stored weather, the same JSON `elhub snowdrift
 * --format json` writes (weather/drift.h). Parameters: area (NO1-NO5 or a
 * location key) or lat and lon; from_year, to_year (default from_year);
 * T, F, theta (Tabler's defaults 3000, 30000, 0.5). docs/API.md. */
#include "web/api_int.h"

#include "log.h"
#include "text.h"
#include "weather/drift.h"
#include "weather/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int param_number(const struct api_query *q, const char *name, double *out, struct err *e)
{
    const char *v = api_query_get(q, name);
    if (!v)
        return 0;
    if (text_decimal(v, strlen(v), out) < 0)
        return err_set(e, ERR_USAGE, 0, "%s: expected a number", name);
    return 0;
}

static int param_year(const struct api_query *q, const char *name, int *out, struct err *e)
{
    const char *v = api_query_get(q, name);
    char *end;
    long y;
    if (!v)
        return 0;
    y = strtol(v, &end, 10);
    if (*end || end == v || y < 1990 || y > 2099)
        return err_set(e, ERR_USAGE, 0, "%s: expected a year, 1990..2099", name);
    *out = (int)y;
    return 0;
}

void api_drift(struct store *s, const struct api_query *q, struct api_response *r)
{
    static const char *const known[] = {"area",    "lat", "lon", "from_year",
                                        "to_year", "T",   "F",   "theta"};
    struct snowdrift_params p;
    struct source_place place;
    struct weather_drift d;
    struct err e = {0};
    struct json j;
    int y0 = 0, y1 = 0;

    for (size_t i = 0; i < q->n; i++) {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(q->p[i].name, known[k]) != 0)
            k++;
        if (k == sizeof known / sizeof known[0]) {
            err_set(&e, ERR_USAGE, 0,
                    "unknown parameter \"%s\" (known: area or lat and lon, from_year, to_year, "
                    "T, F, theta)",
                    q->p[i].name);
            api_bad_request(r, &e);
            return;
        }
    }
    snowdrift_params_default(&p);
    if (param_year(q, "from_year", &y0, &e) < 0 || param_year(q, "to_year", &y1, &e) < 0 ||
        param_number(q, "T", &p.T, &e) < 0 || param_number(q, "F", &p.F, &e) < 0 ||
        param_number(q, "theta", &p.theta, &e) < 0 || snowdrift_params_check(&p, &e) < 0) {
        api_bad_request(r, &e);
        return;
    }
    if (!y0) {
        err_set(&e, ERR_USAGE, 0, "from_year is required (season Y runs from 1 July of Y)");
        api_bad_request(r, &e);
        return;
    }
    if (!y1)
        y1 = y0;
    if (weather_place_resolve(api_query_get(q, "area"), api_query_get(q, "lat"),
                              api_query_get(q, "lon"), &place, &e) < 0) {
        api_bad_request(r, &e);
        return;
    }
    if (api_no_store(s, r))
        return;
    if (weather_drift_read(s, place.key, y0, y1, &p, &d, &e) < 0) {
        api_store_failed(r, "/api/snowdrift", &e);
        return;
    }
    json_init(&j, &r->body);
    weather_drift_json(&d, &j);
    weather_drift_release(&d);
    api_finish_json(r, &j);
}
