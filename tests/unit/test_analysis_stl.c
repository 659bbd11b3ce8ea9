/* Tests for analysis/stl on analytic cases: a sine on a line is decomposed
 * exactly (LOESS of degree 1 reproduces lines, the moving averages remove a
 * zero-mean cycle), constants stay constant, a step leaves the components
 * untouched far from it, robustness weights silence a spike, and bad
 * parameters and inputs are refused with a message. The match with
 * statsmodels on real data is tests/integration/test_analysis.py. */
#include "analysis/stl.h"
#include "check.h"

#define PI 3.14159265358979323846

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > m)
            m = fabs(a[i] - b[i]);
    return m;
}

/* y = 100 + 0.05 t + 3 sin(2 pi t / period): seasonal is the sine, trend
 * the line, resid 0, to rounding. */
static void check_sine_line(int period, int robust, int jump, int n)
{
    struct stl_params p;
    struct stl_result r;
    struct err e = {0};
    double *y = malloc((size_t)n * sizeof *y), *line = malloc((size_t)n * sizeof *y),
           *sine = malloc((size_t)n * sizeof *y), d;

    for (int t = 0; t < n; t++) {
        line[t] = 100 + 0.05 * t;
        sine[t] = 3 * sin(2 * PI * t / period);
        y[t] = line[t] + sine[t];
    }
    stl_params_default(&p, period, robust);
    p.seasonal_jump = p.trend_jump = p.low_pass_jump = jump;
    CHECK_OK(stl_fit(y, (size_t)n, &p, &r, &e), &e);
    CHECK_INT(r.n, n);
    d = max_abs_diff(r.trend, line, (size_t)n);
    printf("  period %d robust %d jump %d: max |trend - line| = %.3g", period, robust, jump, d);
    CHECK(d < 1e-9);
    d = max_abs_diff(r.seasonal, sine, (size_t)n);
    printf(", max |seasonal - sine| = %.3g\n", d);
    CHECK(d < 1e-9);
    for (int t = 0; t < n; t++) {
        CHECK_NEAR(r.resid[t], 0.0, 1e-9);
        CHECK_NEAR(r.resid[t] + r.trend[t] + r.seasonal[t], y[t], 1e-9);
        if (!robust)
            CHECK(r.weights[t] == 1.0);
    }
    stl_result_release(&r);
    free(y);
    free(line);
    free(sine);
}

static void sine(void)
{
    check_sine_line(24, 0, 1, 24 * 40);
    check_sine_line(168, 0, 1, 168 * 8 + 5); /* not whole periods */
    check_sine_line(7, 0, 1, 7 * 3);         /* short: windows longer than the subseries */
    /* Robust: whatever the weights, a weighted LOESS line is exact. Period
     * 168 takes the FFT fits (trend 321, low-pass 169 over 1,680 points). */
    check_sine_line(168, 1, 1, 168 * 10);
    check_sine_line(24, 1, 1, 24 * 30);
}

static void sine_jumps(void)
{
    /* Linear interpolation between fitted points is exact on a line too. */
    check_sine_line(24, 0, 3, 24 * 40 + 7);
    check_sine_line(24, 0, 10, 24 * 30);
    check_sine_line(168, 1, 7, 168 * 9 + 100);
}

static void constant(void)
{
    struct stl_params p;
    struct stl_result r;
    struct err e = {0};
    double y[24 * 10];
    for (size_t i = 0; i < 240; i++)
        y[i] = 42.5;
    for (int deg = 0; deg <= 1; deg++) {
        stl_params_default(&p, 24, 1);
        p.seasonal_deg = p.trend_deg = p.low_pass_deg = deg;
        CHECK_OK(stl_fit(y, 240, &p, &r, &e), &e);
        for (size_t i = 0; i < 240; i++) {
            CHECK_NEAR(r.trend[i], 42.5, 1e-10);
            CHECK_NEAR(r.seasonal[i], 0.0, 1e-10);
        }
        stl_result_release(&r);
    }
}

/* A level step (0 then 10) with no cycle: far from the step every local
 * window sees a constant, so seasonal is 0 and trend is the level there.
 * "Far" is what the inner loop can reach: per pass the seasonal smoother
 * spans (seasonal/2 + 1) cycles, the low-pass filter two periods and its
 * LOESS, the trend LOESS its window; bounded by (seasonal + 2) periods plus
 * both windows, times the passes. */
static void step(void)
{
    struct stl_params p;
    struct stl_result r;
    struct err e = {0};
    int n = 4800, at = 2400, period = 24, reach;
    double *y = malloc((size_t)n * sizeof *y);

    for (int t = 0; t < n; t++)
        y[t] = t < at ? 0.0 : 10.0;
    stl_params_default(&p, period, 0);
    reach = p.inner * ((p.seasonal + 2) * period + p.low_pass + p.trend);
    CHECK_OK(stl_fit(y, (size_t)n, &p, &r, &e), &e);
    for (int t = 0; t < n; t++) {
        if (t >= at - reach && t < at + reach)
            continue;
        CHECK_NEAR(r.seasonal[t], 0.0, 1e-9);
        CHECK_NEAR(r.trend[t], y[t], 1e-9);
    }
    /* Near the step the trend moves from one level to the other. */
    CHECK(r.trend[at - 1] > 0.5 && r.trend[at] < 9.5);
    stl_result_release(&r);
    free(y);
}

/* A sine on a line with small deterministic noise and one spike of +50:
 * robust STL gives the spike weight 0 and keeps the trend near the line
 * there; plain STL is pulled towards the spike. */
static void robust_spike(void)
{
    struct stl_params p;
    struct stl_result rob, plain;
    struct err e = {0};
    int n = 24 * 30, at = 24 * 15 + 5;
    double *y = malloc((size_t)n * sizeof *y), line_at = 100 + 0.05 * at;
    unsigned s = 12345;

    for (int t = 0; t < n; t++) {
        s = s * 1103515245u + 12345u;
        y[t] = 100 + 0.05 * t + 3 * sin(2 * PI * t / 24) +
               ((double)(s >> 16 & 0x7fff) / 32767.0 - 0.5) * 0.2;
    }
    y[at] += 50;
    stl_params_default(&p, 24, 1);
    CHECK_OK(stl_fit(y, (size_t)n, &p, &rob, &e), &e);
    stl_params_default(&p, 24, 0);
    CHECK_OK(stl_fit(y, (size_t)n, &p, &plain, &e), &e);
    printf("  spike: robust weight %.3g, trend error robust %.3g plain %.3g\n", rob.weights[at],
           fabs(rob.trend[at] - line_at), fabs(plain.trend[at] - line_at));
    CHECK(rob.weights[at] == 0.0);
    CHECK(fabs(rob.trend[at] - line_at) < 0.2);
    CHECK(fabs(plain.trend[at] - line_at) > 0.5);
    CHECK_NEAR(rob.resid[at], 50.0, 1.0);
    stl_result_release(&rob);
    stl_result_release(&plain);
    free(y);
}

static void expect_error(const struct stl_params *p, const double *y, size_t n, const char *word)
{
    struct stl_result r;
    struct err e = {0};
    if (stl_fit(y, n, p, &r, &e) == 0) {
        stl_result_release(&r);
        CHECK_FAIL_("accepted a case that should fail with \"%s\"", word);
    }
    CHECK(r.trend == NULL && r.n == 0);
    if (!strstr(e.msg, word))
        CHECK_FAIL_("message \"%s\" does not name \"%s\"", e.msg, word);
}

static void rejects(void)
{
    struct stl_params p;
    double y[100];
    for (int i = 0; i < 100; i++)
        y[i] = i % 7;
    stl_params_default(&p, 24, 0);
    expect_error(&p, y, 47, "two periods"); /* too short */
    stl_params_default(&p, 7, 0);
    p.seasonal = 8;
    expect_error(&p, y, 100, "seasonal must be an odd");
    stl_params_default(&p, 7, 0);
    p.trend = 7;
    expect_error(&p, y, 100, "trend must be greater than the period");
    stl_params_default(&p, 7, 0);
    p.low_pass = 4;
    expect_error(&p, y, 100, "low_pass must be an odd");
    stl_params_default(&p, 1, 0);
    expect_error(&p, y, 100, "period must be");
    stl_params_default(&p, 7, 0);
    p.trend_deg = 2;
    expect_error(&p, y, 100, "degrees");
    stl_params_default(&p, 7, 0);
    p.low_pass_jump = 0;
    expect_error(&p, y, 100, "jumps");
    stl_params_default(&p, 7, 0);
    y[42] = NAN;
    expect_error(&p, y, 100, "sample 42");
}

static void defaults(void)
{
    struct stl_params p;
    /* statsmodels: trend = ceil(1.5 * 168 / (1 - 1.5 / 7)) = ceil(320.7) = 321 (odd);
     * low_pass = 169; for period 24: ceil(45.8) = 46 -> 47, low_pass 25. */
    stl_params_default(&p, 168, 1);
    CHECK_INT(p.trend, 321);
    CHECK_INT(p.low_pass, 169);
    CHECK_INT(p.inner, 2);
    CHECK_INT(p.outer, 15);
    stl_params_default(&p, 24, 0);
    CHECK_INT(p.trend, 47);
    CHECK_INT(p.low_pass, 25);
    CHECK_INT(p.inner, 5);
    CHECK_INT(p.outer, 0);
    CHECK_INT(stl_default_trend(24, 13), 41); /* 1.5*24/(1-1.5/13) = 40.7 -> 41 */
}

CHECK_MAIN({"/stl/sine", sine}, {"/stl/sine_jumps", sine_jumps}, {"/stl/constant", constant},
           {"/stl/step", step}, {"/stl/robust_spike", robust_spike}, {"/stl/rejects", rejects},
           {"/stl/defaults", defaults})
