/* quantile: selection (quickselect with a sorting fallback), numpy's
 * median and numpy's "linear" percentile. */
#include "analysis/quantile.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void swap(double *a, size_t i, size_t j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
}

double quantile_select(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1; /* the range that still holds position k */
    /* Each round should shrink the range by a fair fraction; allow twice
     * the rounds a halving would need, then sort what is left. */
    int budget = 2;
    for (size_t m = n; m > 1; m >>= 1)
        budget += 2;

    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2, i, j;
        double pivot;
        if (budget-- == 0) {
            qsort(a + lo, hi - lo + 1, sizeof *a, cmp_double);
            return a[k];
        }
        /* Median of three to a[mid], then Hoare partition around it. */
        if (a[mid] < a[lo])
            swap(a, mid, lo);
        if (a[hi] < a[lo])
            swap(a, hi, lo);
        if (a[hi] < a[mid])
            swap(a, hi, mid);
        pivot = a[mid];
        i = lo;
        j = hi;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(a, i, j);
            i++;
            j--;
        }
        /* Now a[lo..j] <= pivot <= a[j+1..hi] (Hoare's invariant, with j
         * possibly below i when they crossed on equal values). */
        if (k <= j)
            hi = j;
        else
            lo = j + 1;
    }
    return a[k];
}

/* The largest value of a[0..n-1] (n > 0). */
static double max_of(const double *a, size_t n)
{
    double m = a[0];
    for (size_t i = 1; i < n; i++)
        if (a[i] > m)
            m = a[i];
    return m;
}

double quantile_median(double *a, size_t n)
{
    size_t h = n / 2;
    double hi = quantile_select(a, n, h);
    if (n % 2)
        return hi;
    /* After the selection a[0..h-1] holds the h smallest values. */
    return (max_of(a, h) + hi) / 2.0;
}

double quantile_median_copy(const double *x, size_t n)
{
    double *a = xmalloc(n * sizeof *a), m;
    memcpy(a, x, n * sizeof *a);
    m = quantile_median(a, n);
    free(a);
    return m;
}

double quantile_percentile(double *a, size_t n, double q)
{
    double v = (double)(n - 1) * (q / 100.0), prev_f = floor(v), g, lo, hi, diff;
    size_t prev;

    if (v >= (double)(n - 1))
        return quantile_select(a, n, n - 1);
    if (v < 0)
        return quantile_select(a, n, 0);
    prev = (size_t)prev_f;
    hi = quantile_select(a, n, prev + 1);
    lo = max_of(a, prev + 1); /* a[0..prev] are the prev+1 smallest */
    g = v - prev_f;
    /* numpy's _lerp: a + (b-a)*t, or b - (b-a)*(1-t) from t = 0.5 on. */
    diff = hi - lo;
    return g >= 0.5 ? hi - diff * (1.0 - g) : lo + diff * g;
}
