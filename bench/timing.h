/* bench/timing.h: what the C bench harnesses (analysis_time.c,
 * forecast_time.c) share: reading a series of numbers, the clocks and the
 * median they time their runs with. Header-only: each harness is one
 * translation unit. */
#ifndef ELHUB_BENCH_TIMING_H
#define ELHUB_BENCH_TIMING_H

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Reads numbers, one per line, from path into *v (heap, *n of them); -1
 * (after perror) when the file cannot be opened. */
static inline int bench_read_numbers(const char *path, double **v, size_t *n)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1024;
    double x;
    if (!f) {
        perror(path);
        return -1;
    }
    *n = 0;
    *v = xmalloc(cap * sizeof **v);
    while (fscanf(f, "%lf", &x) == 1) {
        if (*n == cap) {
            cap *= 2;
            *v = xrealloc(*v, cap * sizeof **v);
        }
        (*v)[(*n)++] = x;
    }
    fclose(f);
    return 0;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seconds on clock (CLOCK_MONOTONIC: wall; CLOCK_PROCESS_CPUTIME_ID: CPU). */
static inline double bench_now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The median of t[0..n) (n >= 1); sorts t. */
static inline double bench_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

#endif
