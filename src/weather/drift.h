/* weather/drift: snow drift per snow year at one location, read from the
 * store (the weather dataset's rows) and computed with weather/snowdrift.h;
 * the one JSON and CSV form of it, which `elhub snowdrift` and
 * /api/snowdrift both write. A snow year ("season") Y runs from 1 July of Y
 * to 1 July of Y+1, Oslo time; months are Oslo calendar months. An hour
 * counts when temperature_2m, precipitation, wind_speed_10m and
 * wind_direction_10m are all stored for it; a season with hours missing
 * is computed over the hours present and reported with them (hours,
 * period_hours), never silently. docs/WEATHER.md. */
#ifndef ELHUB_WEATHER_DRIFT_H
#define ELHUB_WEATHER_DRIFT_H

#include "buf.h"
#include "caps.h"
#include "csv_out.h"
#include "err.h"
#include "json.h"
#include "store/store.h"
#include "weather/snowdrift.h"

struct weather_drift_month {
    int year, month; /* Oslo calendar */
    struct snowdrift_sum sum;
    struct snowdrift_result r;
};

struct weather_drift_season {
    int year;                 /* the season year-(year+1) */
    int64_t from, to;         /* 1 July Oslo midnights */
    int64_t period_hours;     /* hours in [from, to) */
    struct snowdrift_sum sum; /* over the hours present */
    struct snowdrift_result r;
    struct weather_drift_month months[12]; /* July .. June */
};

/* The answer: owned; release with weather_drift_release. */
struct weather_drift {
    char location[LIMIT_NAME];
    struct snowdrift_params p;
    struct weather_drift_season *s; /* from_year .. to_year */
    size_t n;
};

/* The seasons from_year..to_year (at most 200) at location (a key the
 * store holds, weather/place.h) with params p. ERR_USAGE for a bad range
 * or bad parameters, and for a location without any stored weather (the
 * message names the fetch command that gets it); else the store's error.
 * out is zeroed on failure. */
int weather_drift_read(struct store *st, const char *location, int from_year, int to_year,
                       const struct snowdrift_params *p, struct weather_drift *out, struct err *e);
void weather_drift_release(struct weather_drift *d);

/* {"location":..,"seasons":[..],"params":{..}} (docs/WEATHER.md). */
void weather_drift_json(const struct weather_drift *d, struct json *j);
/* A header line and one line per season, through the one CSV writer. */
void weather_drift_csv(const struct weather_drift *d, struct csv_out *w);

#endif
