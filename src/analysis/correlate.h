/* correlate: sliding-window Pearson correlation between two series on the
 * same hourly grid, as pandas computes
 *   x.shift(lag).rolling(window, center=True).corr(y)
 * with min_periods = window: r[i] is the correlation of the pairs
 * (x[j - lag], y[j]) over the window j = i + 1 + off - window .. i + off,
 * off = (window - 1) / 2 (so an even window has one more point before i than
 * after it, as pandas centres it), and NaN where that window is incomplete:
 * it runs past either end of the series, or past the hours x.shift(lag)
 * has. A window where either side is constant has no correlation (NaN, as
 * pandas gives). Values are rolling sums about the global means with
 * compensated updates, recomputed from scratch every window steps, so
 * rounding does not accumulate over long series.
 *
 * The best lag over [lag_min, lag_max] is the lag whose whole-series
 * correlation, pandas' x.shift(lag).corr(y) over the hours both have, is
 * strongest in absolute value; the lowest such lag wins a tie. Pure and
 * thread-safe. */
#ifndef ELHUB_ANALYSIS_CORRELATE_H
#define ELHUB_ANALYSIS_CORRELATE_H

#include "err.h"

#include <stddef.h>

struct correlate_params {
    int window;    /* samples, >= 2 */
    int lag;       /* x is shifted by lag samples (later when positive) */
    int has_range; /* 1: find the best lag over lag_min..lag_max */
    int lag_min, lag_max;
};

struct correlate_result {
    size_t n;
    double *r; /* owned, n: NaN where the window is incomplete */
    int has_best;
    int best_lag; /* with has_range and some lag with a correlation */
    double best_r;
};

/* x.shift(lag).corr(y): the Pearson correlation over the hours both series
 * have after the shift; NaN when fewer than 2 or either side is constant.
 * Clipped to [-1, 1] as pandas does. */
double correlate_pearson(const double *x, const double *y, size_t n, int lag);

/* The rolling correlation into r[0..n-1] (see above). */
void correlate_rolling(const double *x, const double *y, size_t n, int window, int lag, double *r);

/* Both, for p. x and y are n finite values each. On success out owns r
 * (correlate_result_release); on failure out is empty and e (ERR_USAGE or
 * ERR_DATA) says why. */
int correlate_compute(const double *x, const double *y, size_t n, const struct correlate_params *p,
                      struct correlate_result *out, struct err *e);
void correlate_result_release(struct correlate_result *r);

#endif
