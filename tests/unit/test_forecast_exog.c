/* Unit tests of forecast/exog's pure rule (forecast_exog_pick) on coverage
 * written out by hand: a variable is offered only when every hour of the
 * training and forecast hours is present, in the dataset's order of
 * variables, never the series itself nor a group that is not a variable;
 * and forecast_exog_hours spans the training hours plus the horizon. */
#include "check.h"

#include "forecast/exog.h"

#include <string.h>

static struct query_group_coverage group(const char *name, int64_t present, int64_t missing)
{
    struct query_group_coverage g;
    memset(&g, 0, sizeof g);
    snprintf(g.group, sizeof g.group, "%s", name);
    g.present = present;
    g.missing = missing;
    return g;
}

static void test_pick(void)
{
    const struct dataset *w = dataset_find("weather");
    /* Sorted by group, as query_coverage returns them. */
    struct query_group_coverage g[] = {
        group("precipitation", 100, 0),     /* covers */
        group("snow_depth", 100, 0),        /* not a variable of the dataset */
        group("temperature_2m", 100, 0),    /* covers */
        group("wind_direction_10m", 99, 1), /* one hour missing */
        group("wind_gusts_10m", 60, 0),     /* fewer hours than asked */
        group("wind_speed_10m", 100, 0),    /* covers, but is the series itself */
    };
    struct query_coverage cov = {g, sizeof g / sizeof g[0], 100, 0};
    struct forecast_exog_option o[8];
    struct series_spec self;
    struct err e = {0};
    size_t n = 0;

    CHECK(w != NULL);
    CHECK_OK(series_spec_parse("weather:NO1:wind_speed_10m", &self, &e), &e);
    CHECK_INT(forecast_exog_pick(w, "NO1", &cov, 100, &self, o, 8, &n), 2);
    CHECK_INT(n, 2);
    /* weather_vars' order: temperature before precipitation. */
    CHECK_STR(o[0].spec, "weather:NO1:temperature_2m");
    CHECK_STR(o[0].var->unit, "\xc2\xb0"
                              "C");
    CHECK_STR(o[0].var->title, "Temperature (2 m)");
    CHECK_STR(o[1].spec, "weather:NO1:precipitation");
    CHECK(o[1].ds == w);

    /* Without a series to leave out, wind speed is offered too; the cap
     * holds. */
    n = 0;
    CHECK_INT(forecast_exog_pick(w, "NO1", &cov, 100, NULL, o, 8, &n), 3);
    CHECK_STR(o[2].spec, "weather:NO1:wind_speed_10m");
    n = 0;
    CHECK_INT(forecast_exog_pick(w, "NO1", &cov, 100, NULL, o, 1, &n), 1);
    CHECK_INT(n, 1);

    /* A longer span than the coverage counted: nothing covers it. */
    n = 0;
    CHECK_INT(forecast_exog_pick(w, "NO1", &cov, 101, NULL, o, 8, &n), 0);
    /* A dataset without variables offers nothing. */
    n = 0;
    CHECK_INT(forecast_exog_pick(dataset_find("production"), "NO1", &cov, 100, NULL, o, 8, &n), 0);
}

static void test_hours(void)
{
    struct forecast_params p;
    struct err e = {0};
    int64_t from, to;

    forecast_params_init(&p);
    CHECK_OK(forecast_params_set(&p, "series", "production:NO1:hydro", &e), &e);
    /* 2021-03-27..28 holds the spring change: 23 + 24 hours. */
    CHECK_OK(forecast_params_set(&p, "train_from", "2021-03-27", &e), &e);
    CHECK_OK(forecast_params_set(&p, "train_to", "2021-03-28", &e), &e);
    CHECK_OK(forecast_params_set(&p, "horizon", "5", &e), &e);
    CHECK_OK(forecast_params_finish_window(&p, &e), &e);
    forecast_exog_hours(&p, &from, &to);
    /* 2021-03-27T00:00+01:00 = 1616799600; 47 + 5 hours later. */
    CHECK_INT(from, 1616799600);
    CHECK_INT(to, 1616799600 + 3600 * (47 + 5));
}

CHECK_MAIN({"/forecast/exog/pick", test_pick}, {"/forecast/exog/hours", test_hours})
