/* bench/analysis_time: times analysis_compute alone (no process start, no
 * store read, no JSON) for bench/bench_analysis.py. Reads one or two
 * series of numbers (one per line) from files, builds the request with the
 * one parameter parser (analysis/params.h) from NAME=VALUE arguments, runs
 * the method RUNS times after one warm-up run (FFTW plans, page faults) and
 * prints the median wall-clock and the median CPU time of a run, in
 * seconds.
 *   analysis_time METHOD RUNS X_FILE [Y_FILE] [NAME=VALUE...]
 * The series' name in the request is a placeholder: nothing is read from a
 * store. */
#include "analysis/analysis.h"
#include "mem.h"
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads numbers, one per line, into s (n of them). */
static int read_series(const char *path, struct series *s)
{
    memset(s, 0, sizeof *s);
    return bench_read_numbers(path, &s->v, &s->n);
}

int main(int argc, char **argv)
{
    struct analysis_pair pairs[32];
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    enum analysis_method m;
    struct err e = {0};
    size_t np = 0;
    int runs, at = 4;
    double *t;

    if (argc < 4 || analysis_method_parse(argv[1], &m) < 0 ||
        (runs = (int)strtol(argv[2], NULL, 10)) < 1) {
        fprintf(stderr, "usage: analysis_time METHOD RUNS X_FILE [Y_FILE] [NAME=VALUE...]\n");
        return 2;
    }
    memset(&d, 0, sizeof d);
    if (read_series(argv[3], &d.s[0]) < 0)
        return 1;
    d.n = 1;
    if (m == ANALYSIS_CORRELATE) {
        if (argc < 5 || read_series(argv[4], &d.s[1]) < 0)
            return 1;
        d.n = 2;
        at = 5;
        pairs[np++] = (struct analysis_pair){"x", "production:NO1:hydro"};
        pairs[np++] = (struct analysis_pair){"y", "production:NO5:hydro"};
    } else {
        pairs[np++] = (struct analysis_pair){"series", "production:NO5:hydro"};
    }
    /* The range only sets the hours the parser checks windows against. */
    pairs[np++] = (struct analysis_pair){"from", "2021-01-01"};
    pairs[np++] = (struct analysis_pair){"to", "2021-12-31"};
    for (int i = at; i < argc && np < 32; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            return 2;
        *eq = '\0';
        pairs[np++] = (struct analysis_pair){argv[i], eq + 1};
    }
    if (analysis_params_parse(m, pairs, np, &rq, &e) < 0) {
        fprintf(stderr, "analysis_time: %s\n", e.msg);
        return 2;
    }
    t = xmalloc(2 * (size_t)runs * sizeof *t);
    for (int i = -1; i < runs; i++) {
        double w0 = bench_now(CLOCK_MONOTONIC), c0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
        if (analysis_compute(&rq, &d, &r, &e) < 0) {
            fprintf(stderr, "analysis_time: %s\n", e.msg);
            return 1;
        }
        if (i >= 0) {
            t[i] = bench_now(CLOCK_MONOTONIC) - w0;
            t[runs + i] = bench_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        }
        analysis_result_release(&r);
    }
    printf("%.9f %.9f\n", bench_median(t, runs), bench_median(t + runs, runs));
    free(t);
    for (size_t i = 0; i < d.n; i++)
        free(d.s[i].v);
    return 0;
}
