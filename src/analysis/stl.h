/* stl: Seasonal-Trend decomposition by LOESS (R. B. Cleveland, W. S.
 * Cleveland, J. E. McRae and I. Terpenning, "STL: A Seasonal-Trend
 * Decomposition Procedure Based on Loess", Journal of Official Statistics
 * 6(1), 1990, 3-73), computed as the netlib Fortran `stl` does and as
 * statsmodels.tsa.seasonal.STL runs it: the same inner loop (cycle-subseries
 * smoothing, low-pass filter of three moving averages and a LOESS,
 * deseasonalising, trend LOESS), the same LOESS with jumps and linear
 * interpolation, the same robustness weights (bisquare of the residuals over
 * six times their median, with the median taken correctly as statsmodels
 * does) and the same outer loop. Pure computation: no I/O, no global state,
 * thread-safe; the one allocation is the result (and scratch freed before
 * returning). */
#ifndef ELHUB_ANALYSIS_STL_H
#define ELHUB_ANALYSIS_STL_H

#include "err.h"

#include <stddef.h>

struct stl_params {
    int period;   /* samples per seasonal cycle, >= 2 */
    int seasonal; /* length of the seasonal (cycle-subseries) smoother, odd >= 3 */
    int trend;    /* length of the trend smoother, odd >= 3 and > period */
    int low_pass; /* length of the low-pass LOESS, odd >= 3 and > period */
    int seasonal_deg, trend_deg, low_pass_deg;    /* LOESS degree, 0 or 1 */
    int seasonal_jump, trend_jump, low_pass_jump; /* LOESS every N points, >= 1 */
    int robust;                                   /* 1: robustness weights */
    int inner, outer;                             /* iterations, >= 1 and >= 0 */
};

/* statsmodels' default trend length: the smallest odd integer >= 1.5 *
 * period / (1 - 1.5 / seasonal). */
int stl_default_trend(int period, int seasonal);
/* statsmodels' default low-pass length: the smallest odd integer > period. */
int stl_default_low_pass(int period);

/* Fills p with statsmodels' defaults for period and robust: seasonal 7, the
 * default trend and low-pass lengths, degrees 1, jumps 1, and inner 2 and
 * outer 15 when robust, else inner 5 and outer 0. */
void stl_params_default(struct stl_params *p, int period, int robust);

/* Checks p against statsmodels' rules (above) and against the series
 * length: n must hold at least two periods. 0, or -1 with e (ERR_USAGE)
 * naming the parameter and what it must be. */
int stl_params_check(const struct stl_params *p, size_t n, struct err *e);

/* The decomposition: observed = trend + seasonal + resid. */
struct stl_result {
    size_t n;
    double *trend;    /* owned, n values */
    double *seasonal; /* owned, n values */
    double *resid;    /* owned, n values: y - seasonal - trend */
    double *weights;  /* owned, n values: the final robustness weights (all 1
                         unless robust) */
};

/* Decomposes y[0..n-1] (finite values; no gaps: sample i is period i). On
 * success out owns four arrays the caller frees with stl_result_release; on
 * failure out is empty (release is still safe) and e says why: invalid
 * parameters (stl_params_check), a NaN or infinite value (its index), or a
 * series too long for the int arithmetic of the algorithm. */
int stl_fit(const double *y, size_t n, const struct stl_params *p, struct stl_result *out,
            struct err *e);
void stl_result_release(struct stl_result *r);

#endif
