/* fft: the one place FFTW plans are made, cached and destroyed. FFTW's
 * planner is not thread-safe (only the execute functions are), so every
 * planner call takes one process-wide mutex. Planning is costly next to
 * executing (about 0.25 ms for 8,760 points, against 0.1-0.2 ms for the
 * transform), so plans are cached per (kind, size) for the life of the
 * process, up to LIMIT_FFT_PLANS of them; beyond that a plan is made for
 * the caller and destroyed when it is put back. FFTW allows one plan to be
 * executed by many threads at once on different arrays (the new-array
 * execute functions), which is how cached plans are used: always through
 * fft_execute_*, always on arrays from fft_alloc_* (FFTW's aligned
 * allocator, so every array has the alignment the plan was made for),
 * always out of place. Plans are made with FFTW_ESTIMATE: no timing
 * measurements, so the same plan (and the same rounding) on every run. */
#ifndef ELHUB_ANALYSIS_FFT_H
#define ELHUB_ANALYSIS_FFT_H

#include <fftw3.h>
#include <stddef.h>

struct fft_plan {
    fftw_plan p;
    int owned; /* 1: not cached, fft_put destroys it */
};

/* A plan of n points: real to complex (n/2 + 1 outputs), complex to real
 * (n/2 + 1 inputs, destroyed by the transform), or real to real of an r2r
 * kind (FFTW_REDFT10 is the DCT-II, FFTW_REDFT01 the DCT-III). Never fails
 * (FFTW aborts rather than fail to plan an estimate). Thread-safe. */
void fft_get_r2c(int n, struct fft_plan *out);
void fft_get_c2r(int n, struct fft_plan *out);
void fft_get_r2r(int n, fftw_r2r_kind kind, struct fft_plan *out);
/* Gives a plan back: destroys it unless it is cached. Thread-safe. */
void fft_put(struct fft_plan *p);

/* Execute p on arrays from fft_alloc_* of its size (in and out distinct).
 * Thread-safe, also on the same plan from several threads. */
void fft_execute_r2c(const struct fft_plan *p, double *in, fftw_complex *out);
void fft_execute_c2r(const struct fft_plan *p, fftw_complex *in, double *out);
void fft_execute_r2r(const struct fft_plan *p, double *in, double *out);

/* Aligned arrays of n doubles or n complex values, zeroed; free with
 * fft_free (NULL is a no-op). Abort on out-of-memory like xmalloc. */
double *fft_alloc_real(size_t n);
fftw_complex *fft_alloc_complex(size_t n);
void fft_free(void *p);

/* The smallest m >= n whose only prime factors are 2, 3, 5 and 7, the
 * sizes FFTW transforms fastest. */
int fft_good_size(int n);

#endif
