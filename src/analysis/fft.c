/* fft: FFTW plans under one mutex, cached per kind and size (see fft.h).
 * The mutex and the cache are the only process-wide state of the analysis
 * layer; they exist because FFTW's planner has process-wide state of its
 * own and is slow next to the transforms it plans. */
#include "analysis/fft.h"

#include "caps.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_R2C, K_C2R, K_R2R };

struct entry {
    int kind, r2r, n;
    fftw_plan p;
};

static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[LIMIT_FFT_PLANS];
static int ncache;

static void *alloc_zeroed(size_t bytes)
{
    void *p = fftw_malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "elhub: out of memory (%zu bytes)\n", bytes);
        abort();
    }
    memset(p, 0, bytes);
    return p;
}

double *fft_alloc_real(size_t n)
{
    if (n > SIZE_MAX / sizeof(double))
        abort();
    return alloc_zeroed(n * sizeof(double));
}

fftw_complex *fft_alloc_complex(size_t n)
{
    if (n > SIZE_MAX / sizeof(fftw_complex))
        abort();
    return alloc_zeroed(n * sizeof(fftw_complex));
}

void fft_free(void *p)
{
    if (p)
        fftw_free(p);
}

/* Plans on scratch arrays from the same allocator the callers use, so the
 * plan's alignment assumptions hold for theirs. Called with the lock. */
static fftw_plan make(int kind, fftw_r2r_kind r2r, int n)
{
    double *re = fft_alloc_real((size_t)n + 2), *re2 = fft_alloc_real((size_t)n);
    fftw_complex *c = fft_alloc_complex((size_t)n / 2 + 1);
    fftw_plan p;
    if (kind == K_R2C)
        p = fftw_plan_dft_r2c_1d(n, re, c, FFTW_ESTIMATE);
    else if (kind == K_C2R)
        p = fftw_plan_dft_c2r_1d(n, c, re, FFTW_ESTIMATE);
    else
        p = fftw_plan_r2r_1d(n, re, re2, r2r, FFTW_ESTIMATE);
    fft_free(re);
    fft_free(re2);
    fft_free(c);
    if (!p)
        abort();
    return p;
}

static void get(int kind, fftw_r2r_kind r2r, int n, struct fft_plan *out)
{
    pthread_mutex_lock(&planner);
    for (int i = 0; i < ncache; i++) {
        if (cache[i].kind == kind && cache[i].n == n && cache[i].r2r == (int)r2r) {
            out->p = cache[i].p;
            out->owned = 0;
            pthread_mutex_unlock(&planner);
            return;
        }
    }
    out->p = make(kind, r2r, n);
    out->owned = 1;
    if (ncache < LIMIT_FFT_PLANS) {
        cache[ncache].kind = kind;
        cache[ncache].r2r = (int)r2r;
        cache[ncache].n = n;
        cache[ncache].p = out->p;
        ncache++;
        out->owned = 0;
    }
    pthread_mutex_unlock(&planner);
}

void fft_get_r2c(int n, struct fft_plan *out)
{
    get(K_R2C, FFTW_R2HC, n, out);
}

void fft_get_c2r(int n, struct fft_plan *out)
{
    get(K_C2R, FFTW_R2HC, n, out);
}

void fft_get_r2r(int n, fftw_r2r_kind kind, struct fft_plan *out)
{
    get(K_R2R, kind, n, out);
}

void fft_put(struct fft_plan *p)
{
    if (p->p && p->owned) {
        pthread_mutex_lock(&planner);
        fftw_destroy_plan(p->p);
        pthread_mutex_unlock(&planner);
    }
    p->p = NULL;
    p->owned = 0;
}

void fft_execute_r2c(const struct fft_plan *p, double *in, fftw_complex *out)
{
    fftw_execute_dft_r2c(p->p, in, out);
}

void fft_execute_c2r(const struct fft_plan *p, fftw_complex *in, double *out)
{
    fftw_execute_dft_c2r(p->p, in, out);
}

void fft_execute_r2r(const struct fft_plan *p, double *in, double *out)
{
    fftw_execute_r2r(p->p, in, out);
}

int fft_good_size(int n)
{
    for (int m = n > 1 ? n : 1;; m++) {
        int r = m;
        while (r % 2 == 0)
            r /= 2;
        while (r % 3 == 0)
            r /= 3;
        while (r % 5 == 0)
            r /= 5;
        while (r % 7 == 0)
            r /= 7;
        if (r == 1)
            return m;
    }
}
