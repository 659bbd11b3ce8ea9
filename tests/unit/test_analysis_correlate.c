/* Tests for analysis/correlate: which windows are complete for odd and even
 * windows and positive and negative lags (pandas' centring), a correlation
 * computed by hand, exact +-1 on lines, NaN on constant windows, the rolling
 * sums against a direct two-pass computation on a long offset series, and
 * the best lag. The match with pandas on real data is
 * tests/integration/test_analysis.py. */
#include "analysis/correlate.h"
#include "check.h"

/* Pearson by two passes over one window of pairs (x[j - lag], y[j]). */
static double direct(const double *x, const double *y, int lo, int hi, int lag)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    int m = hi - lo + 1;
    for (int j = lo; j <= hi; j++) {
        mx += x[j - lag];
        my += y[j];
    }
    mx /= m;
    my /= m;
    for (int j = lo; j <= hi; j++) {
        sxx += (x[j - lag] - mx) * (x[j - lag] - mx);
        syy += (y[j] - my) * (y[j] - my);
        sxy += (x[j - lag] - mx) * (y[j] - my);
    }
    return sxy / sqrt(sxx * syy);
}

static void noise(double *v, int n, unsigned seed, double offset)
{
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = offset + (double)(seed >> 16 & 0x7fff) / 327.67;
    }
}

/* r[i] exists exactly when the window i + 1 + off - w .. i + off, off =
 * (w - 1) / 2, lies inside the series and inside the hours x.shift(lag)
 * has (j - lag in 0..n-1). */
static void complete_windows(void)
{
    enum { n = 40 };
    double x[n], y[n], r[n];
    const int windows[] = {4, 5, 2, 40, 41}, lags[] = {0, 3, -3, 39, -40};
    noise(x, n, 1, 0);
    noise(y, n, 2, 0);
    for (size_t a = 0; a < sizeof windows / sizeof windows[0]; a++) {
        for (size_t b = 0; b < sizeof lags / sizeof lags[0]; b++) {
            int w = windows[a], lag = lags[b], off = (w - 1) / 2;
            correlate_rolling(x, y, n, w, lag, r);
            for (int i = 0; i < n; i++) {
                int s = i + 1 + off - w, e = i + off;
                int ok = s >= 0 && e < n && s - lag >= 0 && e - lag < n;
                if (ok != !isnan(r[i]))
                    CHECK_FAIL_("window %d lag %d: r[%d] = %g, complete %d", w, lag, i, r[i], ok);
                if (ok)
                    CHECK_NEAR(r[i], direct(x, y, s, e, lag), 1e-12);
            }
        }
    }
}

static void by_hand(void)
{
    /* dx = -2 -1 0 1 2, dy = -1 -2 1 0 2: sxy 8, sxx 10, syy 10, r 0.8. */
    double x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 1, 4, 3, 5}, r[5];
    correlate_rolling(x, y, 5, 5, 0, r);
    CHECK(isnan(r[0]) && isnan(r[1]) && isnan(r[3]) && isnan(r[4]));
    CHECK_NEAR(r[2], 0.8, 1e-15);
    CHECK_NEAR(correlate_pearson(x, y, 5, 0), 0.8, 1e-15);
    /* Shifted by 1: pairs (1,1) (2,4) (3,3) (4,5). */
    CHECK_NEAR(correlate_pearson(x, y, 5, 1), direct(x, y, 1, 4, 1), 1e-15);
    CHECK(isnan(correlate_pearson(x, y, 5, 4))); /* one pair */
}

static void lines_and_constants(void)
{
    enum { n = 100 };
    double x[n], y[n], z[n], c[n], r[n];
    for (int i = 0; i < n; i++) {
        x[i] = 1000.0 + i * (i % 3 + 1);
        y[i] = 3.0 - 2.0 * x[i];
        z[i] = 0.5 * x[i] + 7;
        c[i] = i < 50 ? 5.0 : 5.0 + (i - 50);
    }
    correlate_rolling(x, y, n, 10, 0, r);
    for (int i = 5; i < n - 4; i++)
        CHECK_NEAR(r[i], -1.0, 1e-12);
    correlate_rolling(x, z, n, 11, 0, r);
    for (int i = 5; i < n - 5; i++)
        CHECK_NEAR(r[i], 1.0, 1e-12);
    /* c is constant on 0..50: no correlation there (pandas: NaN). */
    correlate_rolling(x, c, n, 10, 0, r);
    for (int i = 5; i <= 46; i++) /* window of 46: 41..50 */
        CHECK(isnan(r[i]));
    CHECK(!isnan(r[47])); /* window 42..51 holds c[51] = 6 */
    CHECK(isnan(correlate_pearson(x, c, 50, 0)));
}

/* Rolling sums keep their accuracy over a long series far from zero. */
static void long_offset_series(void)
{
    enum { n = 20000, w = 168 };
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *r = malloc(n * sizeof *r);
    double worst = 0;
    noise(x, n, 11, 2.5e6);
    noise(y, n, 12, -4e6);
    for (int i = 0; i < n; i++)
        y[i] += 0.3 * x[i];
    correlate_rolling(x, y, n, w, -24, r);
    for (int i = 0; i < n; i++) {
        int s = i + 1 + (w - 1) / 2 - w, e = i + (w - 1) / 2;
        if (s < 0 || e >= n - 24)
            continue;
        if (fabs(r[i] - direct(x, y, s, e, -24)) > worst)
            worst = fabs(r[i] - direct(x, y, s, e, -24));
    }
    printf("  rolling vs direct over %d points: largest difference %.3g\n", n, worst);
    CHECK(worst < 1e-12);
    free(x);
    free(y);
    free(r);
}

static void best_lag(void)
{
    enum { n = 500 };
    double x[n], y[n];
    struct correlate_params p = {24, 0, 1, -10, 10};
    struct correlate_result r;
    struct err e = {0};
    noise(x, n, 5, 0);
    /* y is x three hours later, plus a little of its own noise. */
    noise(y, n, 6, 0);
    for (int i = 0; i < n; i++)
        y[i] = (i >= 3 ? x[i - 3] : 0.0) + 0.01 * y[i];
    CHECK_OK(correlate_compute(x, y, n, &p, &r, &e), &e);
    CHECK(r.has_best);
    CHECK_INT(r.best_lag, 3);
    CHECK(r.best_r > 0.99);
    CHECK_NEAR(r.best_r, correlate_pearson(x, y, n, 3), 0);
    correlate_result_release(&r);
    /* An inverted copy: the strongest is the most negative. */
    for (int i = 0; i < n; i++)
        y[i] = i + 2 < n ? -x[i + 2] : 0.0;
    CHECK_OK(correlate_compute(x, y, n, &p, &r, &e), &e);
    CHECK_INT(r.best_lag, -2);
    CHECK_NEAR(r.best_r, -1.0, 1e-12);
    correlate_result_release(&r);
}

static void rejects(void)
{
    double x[10] = {0}, y[10] = {0};
    struct correlate_params p = {1, 0, 0, 0, 0};
    struct correlate_result r;
    struct err e = {0};
    CHECK(correlate_compute(x, y, 10, &p, &r, &e) < 0);
    p.window = 4;
    p.has_range = 1;
    p.lag_min = 3;
    p.lag_max = 2;
    CHECK(correlate_compute(x, y, 10, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "lag range 3:2 is empty") != NULL);
    p.has_range = 0;
    y[6] = NAN;
    CHECK(correlate_compute(x, y, 10, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "sample 6") != NULL);
    CHECK(r.r == NULL);
}

CHECK_MAIN({"/correlate/complete_windows", complete_windows}, {"/correlate/by_hand", by_hand},
           {"/correlate/lines_and_constants", lines_and_constants},
           {"/correlate/long_offset_series", long_offset_series}, {"/correlate/best_lag", best_lag},
           {"/correlate/rejects", rejects})
