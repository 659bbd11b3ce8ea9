/* fuzz_analysis_params: libFuzzer target for the parameters of GET
 * /api/analysis/<method>. The input is a raw query string; it is split into
 * pairs as the server splits it (api_query_parse), then given to
 * analysis_params_parse for every method, as api_analysis.c gives it
 * (without "format"). What is accepted must keep every bound the methods
 * and caps.h promise (so the read and the computation that follow are
 * bounded); what is refused must be a usage error whose message is text
 * safe to show (printable ASCII: err_quote's promise, which every other
 * message of the API keeps), with the request left at its defaults. The
 * whole handler is run too, without a store: only 400, 404 and 503. */
#include "analysis/params.h"
#include "caps.h"
#include "web/api.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    if (!*s)
        abort();
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            abort();
}

static int odd(int v)
{
    return v % 2 != 0;
}

/* The bounds an accepted request keeps (params.h, caps.h, the methods'
 * headers). */
static void check_request(enum analysis_method m, const struct analysis_request *r)
{
    size_t n = r->hours;
    if (r->method != m || n < 1 || n > LIMIT_ANALYSIS_POINTS || r->from >= r->to ||
        (int64_t)n * 3600 != r->to - r->from)
        abort();
    if (r->fill != SERIES_FILL_NONE && r->fill != SERIES_FILL_LINEAR)
        abort();
    if (m == ANALYSIS_CORRELATE ? r->nseries != 2
                                : (r->nseries < 1 || r->nseries > LIMIT_ANALYSIS_SERIES ||
                                   (m != ANALYSIS_ANOMALIES && r->nseries != 1)))
        abort();
    /* Each spec is normalised (series.h): its text parses back to itself. */
    for (size_t i = 0; i < r->nseries; i++) {
        struct series_spec again;
        if (!r->series[i].ds || !r->series[i].area[0] || !r->series[i].group[0] ||
            series_spec_parse(r->series[i].text, &again, NULL) < 0 ||
            strcmp(again.text, r->series[i].text) != 0)
            abort();
    }
    switch (m) {
    case ANALYSIS_STL: {
        const struct stl_params *p = &r->stl;
        double work =
            (double)n * (p->seasonal + p->trend + p->low_pass) * p->inner * (p->outer + 1);
        if (p->period < 2 || p->period > LIMIT_ANALYSIS_WINDOW || (size_t)p->period * 2 > n)
            abort();
        if (!odd(p->seasonal) || p->seasonal < 7 || p->seasonal > LIMIT_ANALYSIS_WINDOW)
            abort();
        if (!odd(p->trend) || p->trend <= p->period || p->trend > LIMIT_ANALYSIS_WINDOW)
            abort();
        if (!odd(p->low_pass) || p->low_pass <= p->period || p->low_pass > LIMIT_ANALYSIS_WINDOW)
            abort();
        if (p->inner < 1 || p->inner > LIMIT_ANALYSIS_ITER || p->outer < 0 ||
            p->outer > LIMIT_ANALYSIS_ITER || work > LIMIT_ANALYSIS_WORK)
            abort();
        if (p->seasonal_jump < 1 || p->trend_jump < 1 || p->low_pass_jump < 1 ||
            p->seasonal_deg < 0 || p->seasonal_deg > 1 || p->trend_deg < 0 || p->trend_deg > 1 ||
            p->low_pass_deg < 0 || p->low_pass_deg > 1)
            abort();
        break;
    }
    case ANALYSIS_SPECTROGRAM: {
        const struct spectrogram_params *p = &r->spectrogram;
        if (p->window < 2 || (size_t)p->window > n || p->overlap < 0 || p->overlap >= p->window ||
            !(p->fs > 0))
            abort();
        if ((double)spectrogram_segments(n, p) * (p->window / 2 + 1) > LIMIT_ANALYSIS_CELLS)
            abort();
        break;
    }
    case ANALYSIS_OUTLIERS:
        if (r->spc.cutoff < 0 || (size_t)r->spc.cutoff >= n || !(r->spc.k > 0) ||
            !(r->spc.k <= 100))
            abort();
        break;
    case ANALYSIS_ANOMALIES: {
        size_t k;
        if (r->lof.neighbors < 1 || r->lof.neighbors > LIMIT_ANALYSIS_NEIGHBORS || n < 2 ||
            !(r->lof.contamination >= 0) || !(r->lof.contamination <= 0.5))
            abort();
        k = (size_t)r->lof.neighbors < n ? (size_t)r->lof.neighbors : n - 1;
        if ((double)n * (double)k > LIMIT_ANALYSIS_LOF_CELLS)
            abort();
        break;
    }
    case ANALYSIS_CORRELATE: {
        const struct correlate_params *p = &r->correlate;
        if (p->window < 2 || (size_t)p->window > n || p->lag < -LIMIT_ANALYSIS_LAG ||
            p->lag > LIMIT_ANALYSIS_LAG)
            abort();
        if (p->has_range &&
            (p->lag_min > p->lag_max || p->lag_min < -LIMIT_ANALYSIS_LAG ||
             p->lag_max > LIMIT_ANALYSIS_LAG || p->lag_max - p->lag_min + 1 > LIMIT_ANALYSIS_LAGS))
            abort();
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct api_query *q = malloc(sizeof *q);
    struct analysis_request *r = malloc(sizeof *r);
    struct api_response resp;
    char *target;

    if (api_query_parse((const char *)data, size, q, NULL) == 0) {
        struct analysis_pair pairs[LIMIT_API_PARAMS];
        size_t n = 0;
        for (size_t i = 0; i < q->n; i++) {
            if (strcmp(q->p[i].name, "format") == 0)
                continue;
            pairs[n].name = q->p[i].name;
            pairs[n].value = q->p[i].value;
            n++;
        }
        for (int m = 0; m < ANALYSIS_METHODS; m++) {
            struct err e = {0};
            if (analysis_params_parse((enum analysis_method)m, pairs, n, r, &e) == 0) {
                check_request((enum analysis_method)m, r);
            } else {
                if (e.domain != ERR_USAGE || r->nseries != 0 ||
                    r->method != (enum analysis_method)m)
                    abort();
                check_text(e.msg);
            }
        }
    }

    /* The endpoint itself, without a store: the method from the first byte. */
    {
        static const char *const paths[] = {
            "/api/analysis/stl?",       "/api/analysis/spectrogram?", "/api/analysis/outliers?",
            "/api/analysis/anomalies?", "/api/analysis/correlate?",   "/api/analysis?",
            "/api/analysis/x?"};
        int which = size ? data[0] % 7 : 0;
        const char *path = paths[which];
        size_t plen = strlen(path), len = plen + (size ? size - 1 : 0);
        target = malloc(len + 1);
        memcpy(target, path, plen);
        if (size)
            memcpy(target + plen, data + 1, size - 1);
        api_response_init(&resp);
        api_handle(NULL, target, len, &resp);
        if (resp.status != 400 && resp.status != 503 && resp.status != 404 &&
            !(resp.status == 200 && which == 5))
            abort();
        api_response_release(&resp);
        free(target);
    }
    free(r);
    free(q);
    return 0;
}
