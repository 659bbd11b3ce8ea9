/* Tests for analysis/quantile against sorting: every order statistic of
 * arrays with many ties and of adversarial orders, numpy's median for odd
 * and even sizes, and numpy's linear percentile (values worked out from
 * numpy's formula). */
#include "analysis/quantile.h"
#include "check.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void select_all(void)
{
    enum { n = 301 };
    double base[n], sorted[n], work[n];
    unsigned s = 1;
    for (int kind = 0; kind < 4; kind++) {
        for (int i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            base[i] = kind == 0   ? (double)(s >> 16 & 7)     /* many ties */
                      : kind == 1 ? (double)i                 /* sorted */
                      : kind == 2 ? (double)(n - i)           /* reversed */
                                  : (double)(i % 2 ? i : -i); /* organ pipe */
        }
        memcpy(sorted, base, sizeof base);
        qsort(sorted, n, sizeof *sorted, cmp);
        for (size_t k = 0; k < n; k++) {
            memcpy(work, base, sizeof base);
            CHECK(quantile_select(work, n, k) == sorted[k]);
            for (size_t i = 0; i < n; i++)
                CHECK(i < k ? work[i] <= work[k] : work[i] >= work[k]);
        }
    }
}

static void medians(void)
{
    double a[] = {5, 1, 4, 2, 3}, b[] = {4, 1, 3, 2}, c[] = {7};
    CHECK(quantile_median(a, 5) == 3.0);
    CHECK(quantile_median(b, 4) == 2.5);
    CHECK(quantile_median(c, 1) == 7.0);
    {
        const double d[] = {1, 1, 1, 10};
        CHECK(quantile_median_copy(d, 4) == 1.0);
        CHECK(d[3] == 10); /* the copy leaves d as it was */
    }
}

static void percentiles(void)
{
    /* numpy.percentile([1..10], 1) = 1 + 0.09 * 1 = 1.09 (position 0.09);
     * 75 -> position 6.75, t >= 0.5: 8 - 1 * 0.25 = 7.75; 100 -> 10. */
    double a[10];
    for (int i = 0; i < 10; i++)
        a[i] = 10 - i;
    CHECK_NEAR(quantile_percentile(a, 10, 1.0), 1.09, 1e-15);
    CHECK_NEAR(quantile_percentile(a, 10, 75.0), 7.75, 1e-15);
    CHECK(quantile_percentile(a, 10, 100.0) == 10.0);
    CHECK(quantile_percentile(a, 10, 0.0) == 1.0);
    CHECK(quantile_percentile(a, 1, 50.0) == a[0]);
}

CHECK_MAIN({"/quantile/select_all", select_all}, {"/quantile/medians", medians},
           {"/quantile/percentiles", percentiles})
