/* spc: outliers by statistical process control on a DCT high-pass, the
 * course's method for temperature. The series' orthonormal DCT-II (scipy's
 * dct(x, norm="ortho"), computed with FFTW's REDFT10) has its first
 * `cutoff` coefficients zeroed; the inverse (DCT-III, REDFT01) is SATV, the
 * seasonally adjusted temperature variations. With m = median(SATV) and the
 * robust sigma s = 1.4826 median(|SATV - m|), the bounds on the original
 * scale are (x - SATV) + m -/+ k s, and an hour is an outlier when x lies
 * strictly outside them (equivalently |SATV - m| > k s). When SATV has no
 * spread (s below 1e-12 of the largest |x|: more than half the SATV equal,
 * e.g. a constant series, where rounding noise would otherwise be flagged)
 * nothing is flagged. Thread-safe (FFTW planning goes through
 * analysis/fft). */
#ifndef ELHUB_ANALYSIS_SPC_H
#define ELHUB_ANALYSIS_SPC_H

#include "err.h"

#include <stddef.h>

struct spc_params {
    int cutoff; /* DCT coefficients zeroed, 0 <= cutoff < n */
    double k;   /* bound width in robust sigmas, > 0 */
};

/* How many of the largest deviations the summary lists. */
#define SPC_LARGEST 10

struct spc_result {
    size_t n;
    double *satv;                /* owned, n */
    double *lower, *upper;       /* owned, n each */
    unsigned char *outlier;      /* owned, n: 1 outside the bounds */
    double median, sigma;        /* of SATV */
    size_t count;                /* outliers */
    size_t largest[SPC_LARGEST]; /* indices of the outliers with the largest
                                    |SATV - median|, largest first */
    size_t nlargest;
};

/* Computes the bounds and flags of x[0..n-1] (finite values, n >= 2). On
 * success out owns its arrays (spc_result_release); on failure out is empty
 * and e (ERR_USAGE or ERR_DATA) says why. */
int spc_compute(const double *x, size_t n, const struct spc_params *p, struct spc_result *out,
                struct err *e);
void spc_result_release(struct spc_result *r);

#endif
