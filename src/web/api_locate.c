/* api_locate: GET /api/locate?lat&lon - what the Map page shows for a
 * clicked point: the price area containing it (geo/geo.h, on the embedded
 * outlines) or null with a message, its weather location key
 * (weather/place.h), the coverage of its stored weather (the read model's
 * overview), the same for its area's city (the location NO1..NO5, which
 * `--area` fetches and imports keep), and the exact `elhub fetch` command
 * for its last 12 full months before now (or the months from..to). The
 * place may also be named as area=NO5 or a location key (the Weather and
 * Snow-drift pages). docs/API.md, docs/MAP.md. */
#include "web/api_int.h"

#include "dataset.h"
#include "geo/geo.h"
#include "log.h"
#include "query/query.h"
#include "source/source.h"
#include "timeutil.h"
#include "weather/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The place the query names: area (a price area, meaning its city, or a
 * location key) or lat and lon (decimal degrees), through the weather
 * source's own resolver. */
static int query_place(const struct api_query *q, struct source_place *place, struct err *e)
{
    const char *area = api_query_get(q, "area");
    double lat, lon;
    if (area) {
        if (api_query_get(q, "lat") || api_query_get(q, "lon"))
            return err_set(e, ERR_USAGE, 0, "area: give area, or lat and lon, not both");
        return weather_place_area(area, place, e);
    }
    if (api_param_decimal(q, "lat", &lat, e) < 0 || api_param_decimal(q, "lon", &lon, e) < 0 ||
        geo_point_check(lat, lon, e) < 0)
        return -1;
    return weather_place_point(lat, lon, place, e);
}

void api_locate(struct store *s, const struct api_query *q, struct api_response *r)
{
    static const char *const known[] = {"lat", "lon", "area", "from", "to"};
    const struct dataset *ds = dataset_find("weather");
    const struct geo_areas *g;
    const char *area = NULL;
    struct source_place place;
    struct query_overview o;
    struct timeutil_civil now;
    struct err e = {0};
    struct json j;
    const char *fq, *tq;
    int64_t hours, first, last, ahours = 0, afirst = 0, alast = 0;
    struct source_place city;
    char cmd[200], msg[96], from[32], to[32];

    if (api_only_params(q, known, 5, "area or lat and lon, from, to", &e) < 0 ||
        query_place(q, &place, &e) < 0) {
        api_bad_request(r, &e);
        return;
    }
    /* The months of the fetch command: from..to as `elhub fetch` takes
     * them (checked by the source's own planner), else the last 12 full
     * Oslo months before the current one. */
    fq = api_query_get(q, "from");
    tq = api_query_get(q, "to");
    if (!fq != !tq || (fq && (strlen(fq) >= sizeof from || strlen(tq) >= sizeof to))) {
        err_set(&e, ERR_USAGE, 0, "from, to: give both, as YYYY-MM or YYYY-MM-DD");
        api_bad_request(r, &e);
        return;
    }
    if (fq) {
        struct source_window *w = NULL;
        size_t n = 0;
        if (source_of(ds)->plan(ds, fq, tq, &place, &w, &n, &e) < 0) {
            api_bad_request(r, &e);
            return;
        }
        free(w);
        snprintf(from, sizeof from, "%s", fq);
        snprintf(to, sizeof to, "%s", tq);
    } else {
        timeutil_oslo_civil((int64_t)time(NULL), &now);
        snprintf(from, sizeof from, "%04d-%02d", now.year - 1, now.month);
        snprintf(to, sizeof to, "%04d-%02d", now.month == 1 ? now.year - 1 : now.year,
                 now.month == 1 ? 12 : now.month - 1);
    }
    if (api_no_store(s, r))
        return;
    g = geo_outlines(&e);
    if (!g || geo_area_of(g, place.lat, place.lon, &area, &e) < 0) {
        log_error("/api/locate: %s", e.msg);
        api_error(r, 500, "internal error", "the price-area outlines are not available");
        return;
    }
    if (query_overview(s, ds, &o, &e) < 0) {
        api_store_failed(r, "/api/locate", &e);
        return;
    }
    query_location_coverage(o.n ? &o.d[0] : NULL, place.key, &hours, &first, &last);
    if (area && weather_place_area(area, &city, &e) == 0)
        query_location_coverage(o.n ? &o.d[0] : NULL, city.key, &ahours, &afirst, &alast);
    query_overview_release(&o);

    weather_fetch_command(&place, from, to, cmd, sizeof cmd);
    if (area)
        snprintf(msg, sizeof msg, "%.4f, %.4f is in price area %s", place.lat, place.lon, area);
    else
        snprintf(msg, sizeof msg, "%.4f, %.4f is outside Norway's price areas", place.lat,
                 place.lon);

    json_init(&j, &r->body);
    json_obj(&j);
    json_knum(&j, "lat", place.lat);
    json_knum(&j, "lon", place.lon);
    json_key(&j, "area");
    if (area)
        json_str(&j, area);
    else
        json_null(&j);
    json_kstr(&j, "message", msg);
    json_kstr(&j, "location", place.key);
    json_key(&j, "name"); /* a price area's city, or null for a point */
    if (place.name)
        json_str(&j, place.name);
    else
        json_null(&j);
    json_key(&j, "weather");
    if (hours) {
        json_obj(&j);
        json_kint(&j, "hours", hours);
        json_ktime(&j, "first", first);
        json_ktime(&j, "last", last);
        json_obj_end(&j);
    } else {
        json_null(&j);
    }
    /* The area's city, whose weather the area's pages and the map's colours use. */
    json_key(&j, "area_weather");
    if (ahours) {
        json_obj(&j);
        json_kstr(&j, "location", city.key);
        json_kstr(&j, "name", city.name ? city.name : city.key);
        json_knum(&j, "lat", city.lat);
        json_knum(&j, "lon", city.lon);
        json_kint(&j, "hours", ahours);
        json_ktime(&j, "first", afirst);
        json_ktime(&j, "last", alast);
        json_obj_end(&j);
    } else {
        json_null(&j);
    }
    json_kstr(&j, "fetch", cmd);
    /* The same months, for POST /api/fetch (elhub serve --online). */
    json_kstr(&j, "fetch_from", from);
    json_kstr(&j, "fetch_to", to);
    json_obj_end(&j);
    api_finish_json(r, &j);
    /* The fetch command names the current month: not cacheable across a
     * month's end (the cache keys on the target and the data only). */
    r->cacheable = 0;
}
