/* Unit tests of forecast/backtest and forecast/forecast: metrics on numbers
 * worked out by hand, the placement of origins and the naive forecasts, the
 * switch to sMAPE at zero, the checks on folds, and the JSON and CSV a
 * request produces (white noise at given parameters, whose forecast is 0
 * with variance sigma2, so every number is known). */
#include "check.h"

#include "caps.h"
#include "forecast/backtest.h"
#include "forecast/forecast.h"
#include "buf.h"
#include "csv_out.h"
#include "json.h"

#include <math.h>

static void test_score(void)
{
    double a[] = {10, 20, 40, 50}, f[] = {12, 18, 40, 45};
    struct backtest_metrics m;
    backtest_score(a, f, 4, 0, &m);
    CHECK_NEAR(m.mae, (2 + 2 + 0 + 5) / 4.0, 1e-15);
    CHECK_NEAR(m.rmse, sqrt((4 + 4 + 0 + 25) / 4.0), 1e-15);
    CHECK_NEAR(m.pct, 100 * (0.2 + 0.1 + 0 + 0.1) / 4, 1e-13);
    backtest_score(a, f, 4, 1, &m);
    CHECK_NEAR(m.pct, 100 * (2 * 2 / 22.0 + 2 * 2 / 38.0 + 0 + 2 * 5 / 95.0) / 4, 1e-13);
    {
        double z[] = {0, 0}, g[] = {0, 2};
        backtest_score(z, g, 2, 1, &m);
        CHECK_NEAR(m.pct, (0 + 200) / 2.0, 1e-13); /* 0/0 counts as 0 */
    }
}

/* A series whose value is its hour index: the naive forecasts are then the
 * hour indices they copy. White noise at sigma2 = 1 forecasts 0. */
static void test_origins_and_naives(void)
{
    struct sarimax_spec sp = {0, 0, 0, 0, 0, 0, 24, SARIMAX_TREND_N, 0};
    struct backtest_result r;
    struct err e = {0};
    double y[400], prm[] = {1.0};
    for (int t = 0; t < 400; t++)
        y[t] = t + 1;
    CHECK_OK(backtest_run(&sp, y, NULL, 400, 30, 3, prm, NULL, &r, &e), &e);
    CHECK_INT(r.folds, 3);
    CHECK_INT(r.season, 24);
    CHECK_INT(r.refit, 0);
    CHECK_INT(r.smape, 0);
    for (size_t i = 0; i < 3; i++) {
        const struct backtest_fold *f = &r.fold[i];
        CHECK_INT(f->origin, 400 - (3 - i) * 30);
        for (size_t j = 0; j < 30; j++) {
            CHECK_NEAR(f->fc[BACKTEST_MODEL][j], 0, 0);
            CHECK_NEAR(f->fc[BACKTEST_SEASONAL_NAIVE][j], y[f->origin - 24 + j % 24], 0);
            CHECK_NEAR(f->fc[BACKTEST_NAIVE_WEEK][j], y[f->origin - 168 + j], 0);
        }
        /* seasonal naive: hours 0..23 lag 24, hours 24..29 lag 48 */
        CHECK_NEAR(f->m[BACKTEST_SEASONAL_NAIVE].mae, (24 * 24 + 6 * 48) / 30.0, 1e-12);
        CHECK_NEAR(f->m[BACKTEST_NAIVE_WEEK].mae, 168, 1e-12);
    }
    CHECK_NEAR(r.overall[BACKTEST_NAIVE_WEEK].rmse, 168, 1e-12);
    /* The model forecasts 0: MAE is the mean of the actual hours 311..400. */
    CHECK_NEAR(r.overall[BACKTEST_MODEL].mae, (311 + 400) / 2.0, 1e-9);
    CHECK_NEAR(r.overall[BACKTEST_MODEL].pct, 100, 1e-12);
    backtest_release(&r);
    backtest_release(&r); /* released twice is harmless */
}

static void test_smape_at_zero(void)
{
    struct sarimax_spec sp = {0, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct backtest_result r;
    struct err e = {0};
    double y[300], prm[] = {2.0};
    for (int t = 0; t < 300; t++)
        y[t] = t % 10;
    CHECK_OK(backtest_run(&sp, y, NULL, 300, 10, 2, prm, NULL, &r, &e), &e);
    CHECK_INT(r.smape, 1);
    CHECK_INT(r.season, 24); /* no season in the model: daily */
    /* forecast 0 everywhere: each term is 200 except 0/0 = 0 */
    CHECK_NEAR(r.overall[BACKTEST_MODEL].pct, 200 * 0.9, 1e-12);
    backtest_release(&r);
}

static void test_checks(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct err e = {0};
    CHECK_INT(backtest_check(&sp, 400, 24, 0, &e), -1);
    CHECK(strstr(e.msg, "folds") != NULL);
    CHECK_INT(backtest_check(&sp, 400, 24, LIMIT_FORECAST_FOLDS + 1, &e), -1);
    CHECK_INT(backtest_check(&sp, 400, 0, 2, &e), -1);
    /* the first origin must leave a week before it */
    CHECK_INT(backtest_check(&sp, 168 + 48, 24, 2, &e), 0);
    CHECK_INT(backtest_check(&sp, 168 + 47, 24, 2, &e), -1);
    CHECK(strstr(e.msg, "training hours") != NULL);
}

static void test_refit(void)
{
    /* Refitting per fold sees only hours before the origin: an AR(1)
     * series whose last fold is replaced by a level shift must still give
     * that fold parameters fitted without it. */
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct backtest_result r1, r2;
    struct err e = {0};
    double y[500], y2[500], v = 0;
    for (int t = 0; t < 500; t++) {
        v = 0.6 * v + sin(t * 12.9898) * 43758.5453 - floor(sin(t * 12.9898) * 43758.5453) - 0.5;
        y[t] = y2[t] = v;
    }
    for (int t = 476; t < 500; t++)
        y2[t] += 100;
    CHECK_OK(backtest_run(&sp, y, NULL, 500, 24, 2, NULL, NULL, &r1, &e), &e);
    CHECK_OK(backtest_run(&sp, y2, NULL, 500, 24, 2, NULL, NULL, &r2, &e), &e);
    CHECK_INT(r1.refit, 1);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < r1.nparams; j++)
            CHECK_NEAR(r1.fold[i].params[j], r2.fold[i].params[j], 0);
    CHECK(r2.overall[BACKTEST_MODEL].mae > r1.overall[BACKTEST_MODEL].mae + 40);
    CHECK(fabs(r1.fold[1].params[0] - 0.6) < 0.15);
    backtest_release(&r1);
    backtest_release(&r2);
}

static void test_output(void)
{
    struct forecast_request rq = {0};
    struct forecast_result res;
    struct forecast_labels lb = {"production:NO1:hydro", NULL, 1609455600, "none",
                                 0}; /* 2021-01-01 */
    struct buf b;
    struct json j;
    struct csv_out w;
    struct err e = {0};
    double y[200], prm[] = {4.0};
    for (int t = 0; t < 200; t++)
        y[t] = (t % 7) - 3;
    rq.spec = (struct sarimax_spec){0, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    rq.mode = FORECAST_GIVEN;
    rq.y = y;
    rq.n = 200;
    rq.horizon = 2;
    rq.alpha = 0.05;
    rq.params = prm;
    CHECK_OK(forecast_run(&rq, &res, &e), &e);
    CHECK_NEAR(res.mean[1], 0, 0);
    CHECK_NEAR(res.upper[0], 2 * 1.959963984540054, 1e-14);
    buf_init(&b, 1u << 20);
    json_init(&j, &b);
    forecast_put_json(&j, &rq, &res, &lb);
    CHECK_INT(json_finish(&j), 0);
    CHECK(strstr(b.p, "\"params\":{\"sigma2\":4.0}") != NULL);
    CHECK(strstr(b.p, "\"time\":[\"2021-01-09T08:00:00+01:00\",\"2021-01-09T09:00:00+01:00\"]"));
    CHECK(strstr(b.p, "\"converged\":null") != NULL);
    CHECK(strstr(b.p, "\"mean\":[0.0,0.0]") != NULL);
    buf_reset(&b);
    csv_out_init(&w, &b, NULL, "\n");
    forecast_put_csv(&w, &res, &lb);
    CHECK_INT(csv_out_finish(&w), 0);
    CHECK(strncmp(b.p, "time,mean,lower,upper\n2021-01-09T08:00:00+01:00,0.0,-3.9199", 59) == 0);
    /* A small cap is reported, not overrun. */
    buf_release(&b);
    buf_init(&b, 64);
    json_init(&j, &b);
    forecast_put_json(&j, &rq, &res, &lb);
    CHECK_INT(json_finish(&j), -1);
    buf_release(&b);
    forecast_result_release(&res);
    /* Bad requests fail before any work. */
    rq.alpha = 1;
    CHECK_INT(forecast_run(&rq, &res, &e), -1);
    CHECK(strstr(e.msg, "alpha") != NULL);
    rq.alpha = 0.05;
    rq.horizon = LIMIT_FORECAST_HORIZON + 1;
    CHECK_INT(forecast_run(&rq, &res, &e), -1);
    CHECK(strstr(e.msg, "horizon") != NULL);
}

CHECK_MAIN({"/forecast/backtest/score", test_score},
           {"/forecast/backtest/origins_and_naives", test_origins_and_naives},
           {"/forecast/backtest/smape_at_zero", test_smape_at_zero},
           {"/forecast/backtest/checks", test_checks}, {"/forecast/backtest/refit", test_refit},
           {"/forecast/forecast/output", test_output})
