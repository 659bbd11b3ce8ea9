/* bench/forecast_time: times forecasting in-process for
 * bench/bench_forecast.py (no process start, no store read, no JSON):
 *   - the fit: forecast_run in mode FIT with a one-hour horizon (the model,
 *     its starting values, BFGS, one forecast hour), as `elhub forecast`
 *     runs it after reading the store;
 *   - the forecast from the fitted model: sarimax_forecast at the fitted
 *     parameters (the filter over the training hours, then HORIZON steps
 *     projected) and the interval bounds at alpha 0.05;
 *   - the whole request at given parameters: forecast_run in mode GIVEN
 *     (the model, the log-likelihood, the forecast and its interval).
 * Reads the training series (one number per line) from a file, runs each
 * RUNS times after one warm-up run and prints one line per case:
 *   fit WALL CPU LLF ITERATIONS FEVALS CONVERGED
 *   forecast WALL CPU
 *   request WALL CPU
 *   params NAME=VALUE ...
 * with the median wall-clock and CPU time of a run in seconds.
 *   forecast_time RUNS Y_FILE [p,d,q [P,D,Q,s [TREND [HORIZON]]]]
 * (defaults 1,0,1 1,1,1,24 n 168). */
#include "forecast/forecast.h"
#include "mem.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "a,b,c" -> n ints; -1 unless exactly n. */
static int parse_ints(const char *s, int *out, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > 1000 || (i < n - 1 ? *end != ',' : *end != '\0'))
            return -1;
        out[i] = (int)v;
        s = end + 1;
    }
    return 0;
}

/* The times of one run go to wall[i] and cpu[i] (i >= 0; -1 is the
 * warm-up). */
struct clock_pair {
    double w0, c0;
};

static struct clock_pair start(void)
{
    return (struct clock_pair){bench_now(CLOCK_MONOTONIC), bench_now(CLOCK_PROCESS_CPUTIME_ID)};
}

static void stop(struct clock_pair c, int i, double *wall, double *cpu)
{
    if (i < 0)
        return;
    wall[i] = bench_now(CLOCK_MONOTONIC) - c.w0;
    cpu[i] = bench_now(CLOCK_PROCESS_CPUTIME_ID) - c.c0;
}

int main(int argc, char **argv)
{
    struct forecast_request rq;
    struct forecast_result fit, r;
    struct sarimax *m = NULL;
    struct err e = {0};
    int o[3] = {1, 0, 1}, so[4] = {1, 1, 1, 24}, runs;
    size_t n, horizon = 168;
    double *y, *wall, *cpu, *mean, *var, *lower, *upper, z;
    char name[128];

    if (argc < 3 || (runs = (int)strtol(argv[1], NULL, 10)) < 1 ||
        (argc > 3 && parse_ints(argv[3], o, 3) < 0) ||
        (argc > 4 && parse_ints(argv[4], so, 4) < 0)) {
        fprintf(stderr, "usage: forecast_time RUNS Y_FILE [p,d,q [P,D,Q,s [TREND [HORIZON]]]]\n");
        return 2;
    }
    memset(&rq, 0, sizeof rq);
    rq.spec =
        (struct sarimax_spec){o[0], o[1], o[2], so[0], so[1], so[2], so[3], SARIMAX_TREND_N, 0};
    if ((argc > 5 && sarimax_trend_parse(argv[5], &rq.spec.trend) < 0) ||
        (argc > 6 && (horizon = (size_t)strtoul(argv[6], NULL, 10)) < 1)) {
        fprintf(stderr, "forecast_time: bad trend or horizon\n");
        return 2;
    }
    if (bench_read_numbers(argv[2], &y, &n) < 0)
        return 1;
    rq.y = y;
    rq.n = n;
    rq.alpha = 0.05;
    wall = xmalloc((size_t)runs * sizeof *wall);
    cpu = xmalloc((size_t)runs * sizeof *cpu);

    /* The fit. */
    rq.mode = FORECAST_FIT;
    rq.horizon = 1;
    for (int i = -1; i < runs; i++) {
        struct clock_pair c = start();
        if (forecast_run(&rq, &fit, &e) < 0) {
            fprintf(stderr, "forecast_time: %s\n", e.msg);
            return 1;
        }
        stop(c, i, wall, cpu);
        if (i < runs - 1)
            forecast_result_release(&fit);
    }
    printf("fit %.9f %.9f %.10f %d %d %d\n", bench_median(wall, runs), bench_median(cpu, runs),
           fit.llf, fit.iterations, fit.fevals, fit.converged);

    /* The forecast from the fitted model. */
    if (sarimax_new(&rq.spec, y, NULL, n, &m, &e) < 0) {
        fprintf(stderr, "forecast_time: %s\n", e.msg);
        return 1;
    }
    mean = xmalloc(horizon * sizeof *mean);
    var = xmalloc(horizon * sizeof *var);
    lower = xmalloc(horizon * sizeof *lower);
    upper = xmalloc(horizon * sizeof *upper);
    z = sarimax_norm_ppf(1 - rq.alpha / 2);
    for (int i = -1; i < runs; i++) {
        struct clock_pair c = start();
        if (sarimax_forecast(m, fit.params, horizon, NULL, mean, var, &e) < 0) {
            fprintf(stderr, "forecast_time: %s\n", e.msg);
            return 1;
        }
        for (size_t j = 0; j < horizon; j++) {
            double sd = sqrt(var[j]);
            lower[j] = mean[j] - z * sd;
            upper[j] = mean[j] + z * sd;
        }
        stop(c, i, wall, cpu);
    }
    printf("forecast %.9f %.9f\n", bench_median(wall, runs), bench_median(cpu, runs));

    /* The whole request at the fitted parameters. */
    rq.mode = FORECAST_GIVEN;
    rq.horizon = horizon;
    rq.params = fit.params;
    for (int i = -1; i < runs; i++) {
        struct clock_pair c = start();
        if (forecast_run(&rq, &r, &e) < 0) {
            fprintf(stderr, "forecast_time: %s\n", e.msg);
            return 1;
        }
        stop(c, i, wall, cpu);
        forecast_result_release(&r);
    }
    printf("request %.9f %.9f\n", bench_median(wall, runs), bench_median(cpu, runs));

    printf("params");
    for (size_t i = 0; i < fit.nparams; i++) {
        sarimax_param_name(&rq.spec, NULL, i, name, sizeof name);
        printf(" %s=%.17g", name, fit.params[i]);
    }
    printf("\n");
    forecast_result_release(&fit);
    sarimax_free(m);
    free(mean);
    free(var);
    free(lower);
    free(upper);
    free(wall);
    free(cpu);
    free(y);
    return 0;
}
