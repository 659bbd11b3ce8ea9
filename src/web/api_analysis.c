/* api_analysis: GET /api/analysis/<method> - one time-series analysis
 * (STL, spectrogram, SPC outliers, LOF anomalies, sliding correlation) as
 * the same JSON body `elhub analyze` writes, or its CSV - and GET
 * /api/analysis, the methods with their parameter tables. The query pairs
 * go unchanged to the one parameter parser (analysis/params.h), the read,
 * the computation and the body to analysis/analysis.h; this file only maps
 * their errors to statuses (docs/API.md). Answers are cached by the
 * server like every 200 (keyed by the target, dropped when the store's
 * data version moves). */
#include "web/api_int.h"

#include "analysis/analysis.h"
#include "csv_out.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How the listing names a parameter kind (analysis_param_kind order). */
static const char *const kind_names[] = {"int",    "odd",    "number",      "share", "bool",
                                         "choice", "series", "series_list", "date",  "range"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == ANALYSIS_P_RANGE + 1,
               "one name per parameter kind");

static int has_bounds(enum analysis_param_kind k)
{
    return k == ANALYSIS_P_INT || k == ANALYSIS_P_ODD || k == ANALYSIS_P_NUM ||
           k == ANALYSIS_P_SHARE || k == ANALYSIS_P_RANGE || k == ANALYSIS_P_SERIES_N;
}

/* One parameter row as the listing shows it: everything comes from the
 * table (analysis_params_table, analysis_param_range), nothing is typed
 * again here. */
static void put_param(struct json *j, const struct analysis_param *p)
{
    char range[160];
    analysis_param_range(p, range, sizeof range);
    json_obj(j);
    json_kstr(j, "name", p->name);
    json_kstr(j, "kind", kind_names[p->kind]);
    json_kstr(j, "value", p->value);
    json_kstr(j, "range", range);
    if (has_bounds(p->kind)) {
        json_knum(j, "min", p->lo);
        json_knum(j, "max", p->hi);
    }
    if (p->kind == ANALYSIS_P_CHOICE) {
        const char *c = p->value;
        json_key(j, "choices");
        json_arr(j);
        for (;;) {
            const char *bar = strchr(c, '|');
            size_t n = bar ? (size_t)(bar - c) : strlen(c);
            json_strn(j, c, n);
            if (!bar)
                break;
            c = bar + 1;
        }
        json_arr_end(j);
    }
    json_key(j, "default");
    if (p->def)
        json_str(j, p->def);
    else
        json_null(j);
    json_kbool(j, "required", !p->def);
    json_kstr(j, "help", p->help);
    json_obj_end(j);
}

/* GET /api/analysis: no store needed, no parameters taken. */
static void list_methods(const struct api_query *q, struct api_response *r)
{
    struct json j;

    if (api_no_params(q, r) < 0)
        return;
    json_init(&j, &r->body);
    json_obj(&j);
    json_key(&j, "methods");
    json_arr(&j);
    for (int m = 0; m < ANALYSIS_METHODS; m++) {
        size_t n;
        const struct analysis_param *t = analysis_params_table((enum analysis_method)m, &n);
        char path[48];
        snprintf(path, sizeof path, "/api/analysis/%s",
                 analysis_method_name((enum analysis_method)m));
        json_obj(&j);
        json_kstr(&j, "name", analysis_method_name((enum analysis_method)m));
        json_kstr(&j, "path", path);
        json_key(&j, "params");
        json_arr(&j);
        for (size_t i = 0; i < n; i++)
            put_param(&j, &t[i]);
        json_arr_end(&j);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    /* The endpoint's own parameter, beside every method's table. */
    json_key(&j, "format");
    json_obj(&j);
    json_kstr(&j, "name", "format");
    json_kstr(&j, "kind", "choice");
    json_kstr(&j, "value", "json|csv");
    json_kstr(&j, "range", "one of json, csv");
    json_key(&j, "choices");
    json_arr(&j);
    json_str(&j, "json");
    json_str(&j, "csv");
    json_arr_end(&j);
    json_kstr(&j, "default", "json");
    json_kbool(&j, "required", 0);
    json_kstr(&j, "help", "the body: the JSON of elhub analyze, or its CSV");
    json_obj_end(&j);
    json_obj_end(&j);
    api_finish_json(r, &j);
}

/* The body did not fit LIMIT_HTTP_RESPONSE: bounded work, refused. */
static void too_large(struct api_response *r, enum analysis_method m, int csv)
{
    char msg[256];
    snprintf(msg, sizeof msg,
             "the %s answer to these parameters would exceed the server's response cap of %u "
             "MiB: shorten the range or ask for fewer cells%s",
             analysis_method_name(m), LIMIT_HTTP_RESPONSE / (1024u * 1024u),
             csv ? " (JSON is smaller than CSV)" : "");
    api_error(r, 400, "bad request", msg);
}

static void put_body(struct api_response *r, const struct analysis_request *rq,
                     const struct analysis_data *d, const struct analysis_result *res, int csv)
{
    if (csv) {
        struct csv_out w;
        csv_out_init(&w, &r->body, NULL, "\r\n");
        analysis_csv(&w, rq, d, res);
        if (csv_out_finish(&w) < 0) {
            too_large(r, rq->method, 1);
            return;
        }
        snprintf(r->filename, sizeof r->filename, "elhub-%s-%s-%s.csv",
                 analysis_method_name(rq->method), rq->range.from_s, rq->range.to_s);
        r->status = 200;
        r->type = api_type_csv;
        r->cacheable = 1;
    } else {
        struct json j;
        json_init(&j, &r->body);
        analysis_json(&j, rq, d, res);
        if (json_finish(&j) < 0 || buf_puts(&r->body, "\n") < 0) {
            too_large(r, rq->method, 0);
            return;
        }
        r->status = 200;
        r->type = api_type_json;
        r->cacheable = 1;
    }
}

void api_analysis(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct analysis_pair pairs[LIMIT_API_PARAMS];
    struct analysis_request *rq;
    struct analysis_data d;
    struct analysis_result res;
    enum analysis_method m;
    struct err e = {0};
    char name[16], shown[64];
    const char *format = "json";
    size_t n = 0;

    if (!q->sub) {
        list_methods(q, r);
        return;
    }
    if (q->sub_len >= sizeof name) {
        name[0] = '\0';
    } else {
        memcpy(name, q->sub, q->sub_len);
        name[q->sub_len] = '\0';
    }
    if (analysis_method_parse(name, &m) < 0) {
        char detail[256], list[96];
        analysis_method_list(", ", list, sizeof list);
        snprintf(detail, sizeof detail,
                 "unknown analysis method \"%s\": the methods are %s (GET /api/analysis lists "
                 "their parameters)",
                 err_quote(q->sub, q->sub_len, shown, sizeof shown), list);
        api_error(r, 404, "not found", detail);
        return;
    }
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->p[i].name, "format") == 0) {
            format = q->p[i].value;
            continue;
        }
        pairs[n].name = q->p[i].name;
        pairs[n].value = q->p[i].value;
        n++;
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        err_set(&e, ERR_USAGE, 0, "format must be one of json, csv, not \"%s\"",
                err_quote(format, strlen(format), shown, sizeof shown));
        api_bad_request(r, &e);
        return;
    }
    rq = xmalloc(sizeof *rq);
    if (analysis_params_parse(m, pairs, n, rq, &e) < 0) {
        api_bad_request(r, &e);
        goto out;
    }
    if (api_no_store(s, r))
        goto out;
    if (analysis_read(s, rq, &d, &e) < 0) {
        api_request_failed(r, "/api/analysis", &e);
        goto out;
    }
    if (analysis_compute(rq, &d, &res, &e) < 0) {
        api_request_failed(r, "/api/analysis", &e);
        analysis_data_release(&d);
        goto out;
    }
    put_body(r, rq, &d, &res, strcmp(format, "csv") == 0);
    analysis_result_release(&res);
    analysis_data_release(&d);
out:
    free(rq);
}
