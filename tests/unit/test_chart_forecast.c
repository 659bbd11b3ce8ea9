/* Unit tests for chart/forecast: a forecast answer built by hand (no fit,
 * no store), drawn onto an in-memory image surface at 640 x 400 and checked
 * where the documented geometry (chart/forecast.h: x from 96 to width - 24,
 * less 260 for the backtest panel; y from 96 to height - 66; the last 4
 * horizons of history, at least 336 hours) puts things: the band's columns,
 * the mean line, the backtest bars' lengths; the history rule, the words,
 * the refusals. */
#include "chart/forecast.h"
#include "check.h"

#define W 640
#define H 400
#define HORIZON 24
#define FC 0xe6550dU /* CHART_FORECAST_COLOR */

struct fixture {
    struct forecast_params p;
    struct forecast_answer a;
    double mean[HORIZON], lower[HORIZON], upper[HORIZON];
};

/* production:NO1:hydro trained 2021-01-04 .. 2021-02-28 (1,344 hours) at
 * 1 MW, a forecast of 2 MW in [1.5, 2.5] MW over 24 hours, converged. */
static void fixture(struct fixture *f)
{
    static const char *const pairs[][2] = {{"series", "production:NO1:hydro"},
                                           {"train_from", "2021-01-04"},
                                           {"train_to", "2021-02-28"},
                                           {"horizon", "24"},
                                           {"order", "1,0,0"}};
    struct err e = {0};
    memset(f, 0, sizeof *f);
    forecast_params_init(&f->p);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        CHECK_OK(forecast_params_set(&f->p, pairs[i][0], pairs[i][1], &e), &e);
    CHECK_OK(forecast_params_finish(&f->p, 1, &e), &e);
    f->a.p = &f->p;
    f->a.rq.n = forecast_params_hours(&f->p);
    CHECK_INT(f->a.rq.n, 1344);
    f->a.y = calloc(f->a.rq.n, sizeof *f->a.y);
    for (size_t i = 0; i < f->a.rq.n; i++)
        f->a.y[i] = 1000;
    f->a.lb.t0 = f->p.from;
    f->a.res.mode = FORECAST_FIT;
    f->a.res.horizon = HORIZON;
    f->a.res.converged = 1;
    f->a.res.aic = 123.45;
    f->a.res.z = 1.959964;
    for (size_t i = 0; i < HORIZON; i++) {
        f->mean[i] = 2000;
        f->lower[i] = 1500;
        f->upper[i] = 2500;
    }
    f->a.res.mean = f->mean;
    f->a.res.lower = f->lower;
    f->a.res.upper = f->upper;
}

static unsigned pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t v;
    memcpy(&v, d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) + (size_t)x * 4, 4);
    return v & 0xffffff;
}

static int near_rgb(unsigned p, double r, double g, double b, double tol)
{
    return fabs((double)(p >> 16 & 255) - r) <= tol && fabs((double)(p >> 8 & 255) - g) <= tol &&
           fabs((double)(p & 255) - b) <= tol;
}

static cairo_surface_t *draw(const struct forecast_answer *a, double w, double h)
{
    struct chart_analysis_opts o = {w, h, 96, CHART_THEME_LIGHT};
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    cairo_t *cr = cairo_create(s);
    struct err e = {0};
    CHECK_OK(chart_forecast_draw(a, &o, cr, &e), &e);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static void history(void)
{
    CHECK_INT(chart_forecast_history(1344, 168), 672);  /* 4 horizons */
    CHECK_INT(chart_forecast_history(1344, 24), 336);   /* at least 2 weeks */
    CHECK_INT(chart_forecast_history(100, 24), 100);    /* at most all */
    CHECK_INT(chart_forecast_history(8760, 744), 2976); /* a year, a month ahead */
}

static void words(void)
{
    struct fixture f;
    char s[256];
    chart_forecast_interval_label(0.05, s, sizeof s);
    CHECK_STR(s, "95 % interval");
    chart_forecast_interval_label(0.1, s, sizeof s);
    CHECK_STR(s, "90 % interval");
    chart_forecast_interval_label(0.025, s, sizeof s);
    CHECK_STR(s, "97.5 % interval");
    fixture(&f);
    chart_forecast_title(&f.a, s, sizeof s);
    CHECK_STR(s, "SARIMAX(1,0,0)(0,0,0,0) of production:NO1:hydro, trend n, AIC 123.5");
    f.a.res.converged = 0;
    snprintf(f.a.res.message, sizeof f.a.res.message, "iteration limit reached");
    chart_forecast_title(&f.a, s, sizeof s);
    CHECK_STR(s, "SARIMAX(1,0,0)(0,0,0,0) of production:NO1:hydro, trend n, AIC 123.5, not "
                 "converged: iteration limit reached");
    f.a.res.mode = FORECAST_GIVEN;
    chart_forecast_title(&f.a, s, sizeof s);
    CHECK(strstr(s, ", given parameters") != NULL && strstr(s, "converged") == NULL);
    free(f.a.y);
}

static void band_and_mean(void)
{
    struct fixture f;
    cairo_surface_t *s;
    /* The axis: 336 + 24 hours from x 96 to 616 (hand-derived). */
    const double x0 = 96, x1 = W - 24, hours = 336 + HORIZON;
    const double xa = x0 + (x1 - x0) * (336 + 0.5) / hours;
    const double xb = x0 + (x1 - x0) * (336 + HORIZON - 0.5) / hours;
    /* #e6550d at 25 % on white. */
    const double br = 0.25 * 0xe6 + 0.75 * 255, bg = 0.25 * 0x55 + 0.75 * 255,
                 bb = 0.25 * 0x0d + 0.75 * 255;
    int inside = 0, outside = 0, empty = 0, line = 0;

    fixture(&f);
    s = draw(&f.a, W, H);
    for (int x = (int)x0 + 1; x < (int)x1; x++) {
        int hits = 0;
        for (int y = 97; y < H - 66; y++) {
            if (near_rgb(pixel(s, x, y), br, bg, bb, 1.5))
                hits++;
            line += x > xa + 2 && x < xb - 2 && pixel(s, x, y) == FC;
        }
        if (x + 0.5 < xa - 1 || x + 0.5 > xb + 1)
            outside += hits;
        else if (x > xa + 1 && x < xb - 1) {
            inside += hits;
            empty += hits == 0;
        }
    }
    fprintf(stderr,
            "  band x %.2f..%.2f: %d pixels inside, %d outside, %d empty columns; "
            "%d line pixels\n",
            xa, xb, inside, outside, empty, line);
    CHECK_INT(outside, 0);
    CHECK_INT(empty, 0);
    CHECK(inside > 0);
    /* The mean line, a flat line in the forecast colour over the horizon. */
    CHECK(line > (int)(xb - xa) - 6);
    cairo_surface_destroy(s);
    free(f.a.y);
}

static void backtest_bars(void)
{
    struct fixture f;
    cairo_surface_t *s;
    /* x1 = 640 - 24 - 260 = 356; the bars from 392 to 616 - 76 = 540 at
     * the largest MAE (6 MW); the model's (3 MW) half of that, 74 px. The
     * model's bar spans y 96 + 8 + 48 + 10 .. + 16 (hand-derived). */
    const int bx0 = 392, y = 96 + 8 + 48 + 10 + 8;
    int run = 0;

    fixture(&f);
    f.a.res.has_backtest = 1;
    f.a.res.bt.folds = 2;
    f.a.res.bt.horizon = HORIZON;
    f.a.res.bt.refit = 1;
    f.a.res.bt.overall[BACKTEST_MODEL].mae = 3000;
    f.a.res.bt.overall[BACKTEST_SEASONAL_NAIVE].mae = 6000;
    f.a.res.bt.overall[BACKTEST_NAIVE_WEEK].mae = 4000;
    s = draw(&f.a, W, H);
    for (int x = bx0 - 5; x < W; x++)
        run += pixel(s, x, y) == FC;
    fprintf(stderr, "  model bar: %d px in the forecast colour (want 74)\n", run);
    CHECK(abs(run - 74) <= 1);
    CHECK(pixel(s, bx0 + 2, y) == FC && pixel(s, bx0 - 2, y) != FC);
    cairo_surface_destroy(s);
    free(f.a.y);
}

static void rejects(void)
{
    struct fixture f;
    struct chart_forecast_layout l;
    struct chart_analysis_opts o = {W, H, 96, CHART_THEME_LIGHT};
    struct err e = {0};

    fixture(&f);
    CHECK_OK(chart_forecast_layout(&f.a, &o, &l, &e), &e);
    CHECK_INT(l.history, 336);
    CHECK_INT(l.origin, f.p.to);
    CHECK_NEAR(l.l.p[0].y0, 96, 1e-9);
    CHECK_NEAR(l.l.p[0].x1, W - 24, 1e-9);
    o.width = 319;
    CHECK_INT(chart_forecast_layout(&f.a, &o, &l, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK(strstr(e.msg, "at least") != NULL);
    o.width = 400;
    f.a.res.has_backtest = 1;
    f.a.res.bt.folds = 1;
    CHECK_INT(chart_forecast_layout(&f.a, &o, &l, &e), -1);
    CHECK(strstr(e.msg, "too small for the forecast and the backtest panel") != NULL);
    o.width = W;
    f.a.res.mode = FORECAST_LOGLIKE;
    CHECK_INT(chart_forecast_layout(&f.a, &o, &l, &e), -1);
    CHECK(strstr(e.msg, "nothing to draw") != NULL);
    free(f.a.y);
}

int main(int argc, char **argv)
{
    static const struct check_case cases[] = {{"/chart_forecast/history", history},
                                              {"/chart_forecast/words", words},
                                              {"/chart_forecast/band_and_mean", band_and_mean},
                                              {"/chart_forecast/backtest_bars", backtest_bars},
                                              {"/chart_forecast/rejects", rejects}};
    int rc = check_run(cases, sizeof cases / sizeof cases[0], argc, argv);
    chart_release_fonts();
    return rc;
}
