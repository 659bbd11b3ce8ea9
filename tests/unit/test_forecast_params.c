/* Unit tests of forecast/params' table: the defaults forecast_params_init
 * takes are the table's (checked against values written out here: 0.05,
 * 200 iterations, trend n, ...), every numeric bound in the table is the
 * one the parser holds (the bound accepted, one past it refused with the
 * table's range in the message), the range texts read as documented, and
 * a refusal names the parameter and quotes the value. */
#include "check.h"

#include "forecast/params.h"

#include <stdio.h>
#include <string.h>

static void test_defaults(void)
{
    struct forecast_params p;
    forecast_params_init(&p);
    CHECK_INT(p.given, 0);
    CHECK(p.alpha == 0.05);
    CHECK_INT(p.maxiter, 200);
    CHECK_INT(p.folds, 0);
    CHECK_INT(p.horizon, 0);
    CHECK_INT(p.spec.trend, SARIMAX_TREND_N);
    CHECK_INT(p.spec.s, 0);
    CHECK_INT(p.spec.P + p.spec.D + p.spec.Q, 0);
    CHECK_INT(p.nexog, 0);
    CHECK_INT(p.fill, SERIES_FILL_NONE);
    CHECK_INT(p.format, FORECAST_JSON);
}

/* Sets name=value on fresh params; returns forecast_params_set's result. */
static int set_one(const char *name, const char *value, struct err *e)
{
    struct forecast_params p;
    forecast_params_init(&p);
    return forecast_params_set(&p, name, value, e);
}

static void test_bounds_are_the_table(void)
{
    size_t n;
    const struct forecast_param_info *t = forecast_params_table(&n);
    int counts = 0, orders = 0;

    for (size_t i = 0; i < n; i++) {
        const struct forecast_param_info *pi = &t[i];
        char v[64], range[256], want[512];
        struct err e = {0};
        forecast_param_range(pi, range, sizeof range);
        if (pi->kind == FORECAST_K_COUNT) {
            counts++;
            snprintf(v, sizeof v, "%d", pi->hi[0]);
            CHECK_OK(set_one(pi->name, v, &e), &e);
            snprintf(v, sizeof v, "%d", pi->lo[0]);
            CHECK_OK(set_one(pi->name, v, &e), &e);
            snprintf(v, sizeof v, "%d", pi->hi[0] + 1);
            CHECK_INT(set_one(pi->name, v, &e), -1);
            snprintf(want, sizeof want, "%s \"%s\": expected %s (%s)", pi->name, v, range,
                     pi->help);
            CHECK_STR(e.msg, want);
            if (pi->lo[0] > 0) {
                snprintf(v, sizeof v, "%d", pi->lo[0] - 1);
                CHECK_INT(set_one(pi->name, v, &e), -1);
            }
        } else if (pi->kind == FORECAST_K_ORDER) {
            orders++;
            /* Each part at its bounds (the others at theirs), and one past. */
            for (int k = 0; k < pi->nparts; k++) {
                for (int edge = 0; edge < 3; edge++) {
                    size_t used = 0;
                    for (int m = 0; m < pi->nparts; m++) {
                        int x = m == k ? (edge == 0   ? pi->lo[m]
                                          : edge == 1 ? pi->hi[m]
                                                      : pi->hi[m] + 1)
                                       : pi->hi[m];
                        used +=
                            (size_t)snprintf(v + used, sizeof v - used, "%s%d", m ? "," : "", x);
                    }
                    if (edge < 2)
                        CHECK_OK(set_one(pi->name, v, &e), &e);
                    else
                        CHECK_INT(set_one(pi->name, v, &e), -1);
                }
            }
            if (pi->none)
                CHECK_OK(set_one(pi->name, pi->none, &e), &e);
        } else if (pi->kind == FORECAST_K_CHOICE) {
            for (int c = 0; pi->choice(c); c++)
                CHECK_OK(set_one(pi->name, pi->choice(c), &e), &e);
            CHECK_INT(set_one(pi->name, "nope", &e), -1);
            CHECK(strstr(e.msg, range) != NULL);
        }
    }
    CHECK_INT(counts, 3);
    CHECK_INT(orders, 2);
}

static void test_ranges(void)
{
    size_t n;
    const struct forecast_param_info *t = forecast_params_table(&n);
    char r[256];
    struct err e = {0};

    CHECK_INT(n, 13);
    CHECK_STR(t[0].name, "series");
    for (size_t i = 0; i < n; i++) {
        forecast_param_range(&t[i], r, sizeof r);
        if (strcmp(t[i].name, "horizon") == 0)
            CHECK_STR(r, "1..744");
        if (strcmp(t[i].name, "order") == 0)
            CHECK_STR(r, "p,d,q: p 0..5, d 0..2, q 0..5");
        if (strcmp(t[i].name, "seasonal_order") == 0)
            CHECK_STR(r, "P,D,Q,s: P 0..2, D 0..1, Q 0..2, s 2..168; 0,0,0,0 for none");
        if (strcmp(t[i].name, "trend") == 0)
            CHECK_STR(r, "one of n, c, t, ct");
        if (strcmp(t[i].name, "alpha") == 0)
            CHECK_STR(r, "between 0 and 1, exclusive");
        CHECK(t[i].help[0] != '\0');
        CHECK(t[i].example != NULL); /* what a form starts with, required or not */
    }
    /* A truncated range stays terminated. */
    forecast_param_range(&t[4], r, 8);
    CHECK_STR(r, "p,d,q: ");
    /* Seasonal period 1, and seasonal orders without a period, are refused;
     * alpha's ends are exclusive. */
    CHECK_INT(set_one("seasonal_order", "1,0,0,0", &e), -1);
    CHECK(strstr(e.msg, "seasonal_order \"1,0,0,0\": expected P,D,Q,s") == e.msg);
    CHECK_INT(set_one("seasonal_order", "0,0,0,1", &e), -1);
    CHECK_INT(set_one("alpha", "0", &e), -1);
    CHECK_INT(set_one("alpha", "1", &e), -1);
    CHECK_OK(set_one("alpha", "0.5", &e), &e);
    /* An empty exog is none; an unknown name lists the table's. */
    CHECK_OK(set_one("exog", "", &e), &e);
    CHECK_INT(set_one("horizn", "1", &e), -1);
    CHECK_STR(e.msg, "unknown parameter \"horizn\" (a forecast takes: series, train_from, "
                     "train_to, horizon, order, seasonal_order, trend, exog, alpha, folds, "
                     "maxiter, fill, format)");
}

static void test_window(void)
{
    struct forecast_params p;
    struct err e = {0};
    forecast_params_init(&p);
    CHECK_OK(forecast_params_set(&p, "series", "production:NO1:hydro", &e), &e);
    CHECK_OK(forecast_params_set(&p, "train_from", "2021-01-04", &e), &e);
    CHECK_OK(forecast_params_set(&p, "train_to", "2021-02-28", &e), &e);
    CHECK_INT(forecast_params_finish_window(&p, &e), -1);
    CHECK_STR(e.msg, "series, train_from, train_to and horizon are required");
    CHECK_OK(forecast_params_set(&p, "horizon", "24", &e), &e);
    CHECK_OK(forecast_params_finish_window(&p, &e), &e);
    CHECK_INT(forecast_params_hours(&p), 1344);
    forecast_params_init(&p);
    CHECK_OK(forecast_params_set(&p, "series", "production:NO1:hydro", &e), &e);
    CHECK_OK(forecast_params_set(&p, "train_from", "2020-01-01", &e), &e);
    CHECK_OK(forecast_params_set(&p, "train_to", "2021-01-01", &e), &e);
    CHECK_OK(forecast_params_set(&p, "horizon", "24", &e), &e);
    CHECK_INT(forecast_params_finish_window(&p, &e), -1);
    CHECK(strstr(e.msg, "at most 8784") != NULL);
}

CHECK_MAIN({"/forecast/params/defaults", test_defaults},
           {"/forecast/params/bounds_are_the_table", test_bounds_are_the_table},
           {"/forecast/params/ranges", test_ranges}, {"/forecast/params/window", test_window})
