/* query/weather: the locations of a dataset with variables (the place a
 * key names, the grid cell its answers came from) and the JSON forms of
 * what weather adds, shared by status --json and /api/meta. */
#include "query/query.h"

#include "json.h"
#include "mem.h"
#include "weather/place.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int query_locations(struct store *s, const struct query_dataset_overview *d,
                    struct query_location **out, size_t *n, struct err *e)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < d->nseries; i++) {
        const char *key = d->series[i].area;
        char mk[SOURCE_META_KEY_MAX], v[SOURCE_META_VALUE_MAX];
        struct source_place place;
        struct query_location *l;
        int found = 0;
        if (i && strcmp(key, d->series[i - 1].area) == 0)
            continue;
        xgrow((void **)out, &cap, *n + 1, sizeof **out);
        l = &(*out)[(*n)++];
        memset(l, 0, sizeof *l);
        snprintf(l->location, sizeof l->location, "%s", key);
        if (weather_place_area(key, &place, NULL) == 0) {
            l->known = 1;
            l->name = place.name;
            l->lat = place.lat;
            l->lon = place.lon;
        }
        weather_cell_key(key, mk, sizeof mk);
        if (store_meta_get(s, mk, v, sizeof v, &found, e) < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
        if (found)
            l->has_cell = weather_cell_parse(v, &l->cell_lat, &l->cell_lon, &l->cell_elev) == 0;
    }
    return 0;
}

void query_locations_json(struct json *j, const struct query_location *l, size_t n)
{
    json_key(j, "locations");
    json_arr(j);
    for (size_t i = 0; i < n; i++) {
        json_obj(j);
        json_kstr(j, "location", l[i].location);
        json_key(j, "name");
        if (l[i].name)
            json_str(j, l[i].name);
        else
            json_null(j);
        json_key(j, "lat");
        l[i].known ? json_num(j, l[i].lat) : json_null(j);
        json_key(j, "lon");
        l[i].known ? json_num(j, l[i].lon) : json_null(j);
        json_key(j, "cell");
        if (l[i].has_cell) {
            json_obj(j);
            json_knum(j, "lat", l[i].cell_lat);
            json_knum(j, "lon", l[i].cell_lon);
            json_knum(j, "elevation", l[i].cell_elev); /* NaN (unknown) is written null */
            json_obj_end(j);
        } else {
            json_null(j);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
}

void query_variables_json(struct json *j, const struct dataset *ds)
{
    if (!ds->vars)
        return;
    json_key(j, "variables");
    json_arr(j);
    for (size_t i = 0; i < ds->nvars; i++) {
        json_obj(j);
        json_kstr(j, "name", ds->vars[i].name);
        json_kstr(j, "label", ds->vars[i].title);
        json_kstr(j, "unit", ds->vars[i].unit);
        json_kstr(j, "aggregation", dataset_agg_name(ds->vars[i].agg));
        json_obj_end(j);
    }
    json_arr_end(j);
}

void query_series_mean_json(struct json *j, const struct dataset *ds,
                            const struct query_series_info *m)
{
    const char *unit = dataset_group_unit(ds, m->group);
    json_key(j, "unit");
    if (unit)
        json_str(j, unit);
    else
        json_null(j);
    json_knum(j, "mean", m->mean); /* NaN (no hours) is written null */
}

void query_location_coverage(const struct query_dataset_overview *d, const char *key,
                             int64_t *hours, int64_t *first, int64_t *last)
{
    *hours = *first = *last = 0;
    for (size_t i = 0; d && i < d->nseries; i++) {
        const struct query_series_info *si = &d->series[i];
        if (strcmp(si->area, key) != 0 || !si->hours)
            continue;
        if (!*hours || si->first < *first)
            *first = si->first;
        if (!*hours || si->last > *last)
            *last = si->last;
        if (si->hours > *hours)
            *hours = si->hours;
    }
}
