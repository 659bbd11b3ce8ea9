/* analysis_driver: runs one analysis on values read from stdin, for the
 * reference tests before (and beside) `elhub analyze`: the same parameter
 * parser, the same pure computation and the same JSON writer as the
 * command, without a store. Usage:
 *   analysis_driver METHOD name=value... < values
 * with series=..., from=..., to=... among the pairs; stdin holds one line
 * per hour of [from, to) with one number per series, separated by blanks.
 * Writes the JSON body to stdout; exit 2 for usage, 1 for failure. */
#include "analysis/analysis.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    enum analysis_method m;
    struct analysis_pair pairs[64];
    size_t np = 0;
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct err e;
    struct buf b;
    struct json j;

    if (argc < 2 || analysis_method_parse(argv[1], &m) < 0) {
        fprintf(stderr, "usage: analysis_driver METHOD name=value... < values\n");
        return 2;
    }
    for (int i = 2; i < argc && np < 64; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "not name=value: %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        pairs[np].name = argv[i];
        pairs[np].value = eq + 1;
        np++;
    }
    err_clear(&e);
    if (analysis_params_parse(m, pairs, np, &rq, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 2;
    }
    size_t n = rq.hours, ns = rq.nseries;
    double *v = xmalloc(n * ns * sizeof *v);
    int64_t *t = xmalloc(n * sizeof *t);
    for (size_t i = 0; i < n * ns; i++) {
        if (scanf("%lf", &v[i]) != 1) {
            fprintf(stderr, "expected %zu values, got %zu\n", n * ns, i);
            return 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        t[i] = rq.from + 3600 * (int64_t)i;
    memset(&d, 0, sizeof d);
    double *col = xmalloc(n * sizeof *col);
    for (size_t k = 0; k < ns; k++) {
        for (size_t i = 0; i < n; i++)
            col[i] = v[i * ns + k];
        if (series_grid(rq.series[k].text, t, col, n, rq.from, rq.to, rq.fill, &d.s[k], &e) < 0) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        d.n = k + 1;
    }
    if (analysis_compute(&rq, &d, &r, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    buf_init(&b, LIMIT_ANALYSIS_BODY);
    json_init(&j, &b);
    analysis_json(&j, &rq, &d, &r);
    if (json_finish(&j) < 0) {
        fprintf(stderr, "body too large\n");
        return 1;
    }
    fwrite(b.p, 1, b.len, stdout);
    putchar('\n');
    buf_release(&b);
    analysis_result_release(&r);
    analysis_data_release(&d);
    free(col);
    free(t);
    free(v);
    return 0;
}
