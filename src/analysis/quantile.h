/* quantile: order statistics on arrays of doubles (selection in expected
 * linear time, the median as numpy computes it, and numpy's default
 * "linear" percentile), shared by the analysis methods. All functions are
 * pure and thread-safe; none allocates except quantile_median_copy. NaN
 * values are not allowed in the input (callers check first). */
#ifndef ELHUB_ANALYSIS_QUANTILE_H
#define ELHUB_ANALYSIS_QUANTILE_H

#include <stddef.h>

/* Reorders a[0..n-1] so that a[k] holds the value it would hold if a were
 * sorted ascending, everything before it is <= a[k] and everything after is
 * >= a[k] (C++'s nth_element). Returns a[k]. Requires k < n. Median-of-three
 * quickselect that falls back to sorting the remaining range when it stops
 * shrinking fast enough, so crafted input cannot make it quadratic. */
double quantile_select(double *a, size_t n, size_t k);

/* The median of a[0..n-1] as numpy.median computes it (the mean of the two
 * middle values when n is even). Reorders a. Requires n > 0. */
double quantile_median(double *a, size_t n);

/* Like quantile_median, on a copy: x is not modified. */
double quantile_median_copy(const double *x, size_t n);

/* numpy.percentile(x, q) with its default method "linear": the value at
 * position q/100 * (n - 1) of the sorted data, interpolated linearly
 * between the two order statistics around it, in numpy's own form of the
 * interpolation (so the result matches to the last bit). Reorders a.
 * Requires n > 0 and 0 <= q <= 100. */
double quantile_percentile(double *a, size_t n, double q);

#endif
