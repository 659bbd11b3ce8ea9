/* api_forecast: GET /api/forecast - a SARIMAX fit, forecast and backtest
 * of one stored series as the body `elhub forecast` writes on standard
 * output for the same parameters (JSON, or its CSV table) - and its two
 * listings for the dashboard's form: GET /api/forecast/params (the
 * parameter table) and GET /api/forecast/exog (the weather series a
 * request may take as regressors). The query pairs go unchanged to the one
 * request parser (forecast/params.h), the read and the run to
 * forecast/request.h, the regressor rule to forecast/exog.h; this file only
 * maps their errors to statuses (docs/API.md). Answers are cached by the
 * server like every 200 (keyed by the target, dropped when the store's
 * data version moves). */
#include "web/api_int.h"

#include "forecast/exog.h"
#include "forecast/request.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body `elhub forecast` writes, from the one writer
 * (forecast_answer_body). */
static void put_body(struct api_response *r, const struct forecast_answer *a)
{
    const struct forecast_params *p = a->p;
    if (forecast_answer_body(&r->body, a, NULL) < 0) {
        api_error(r, 500, "internal error", "the response would exceed the server's size limit");
        return;
    }
    if (p->format == FORECAST_CSV) {
        snprintf(r->filename, sizeof r->filename, "elhub-forecast-%s-%s.csv", p->from_s, p->to_s);
        r->type = api_type_csv;
    } else {
        r->type = api_type_json;
    }
    r->status = 200;
    r->cacheable = 1;
}

/* GET /api/forecast?<the parameters of elhub forecast>. */
static void run(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct forecast_params *p = xmalloc(sizeof *p);
    struct forecast_answer a;
    struct err e = {0};

    memset(&a, 0, sizeof a);
    forecast_params_init(p);
    for (size_t i = 0; i < q->n; i++) {
        if (forecast_params_set(p, q->p[i].name, q->p[i].value, &e) < 0) {
            api_bad_request(r, &e);
            goto out;
        }
    }
    if (forecast_params_finish(p, 1, &e) < 0 ||
        forecast_params_check_work(p, LIMIT_FORECAST_API_WORK, &e) < 0) {
        api_bad_request(r, &e);
        goto out;
    }
    if (api_no_store(s, r))
        goto out;
    if (forecast_answer_run(s, p, FORECAST_FIT, NULL, LIMIT_FORECAST_API_WORK, &a, &e) < 0) {
        api_request_failed(r, "/api/forecast", &e);
        goto out;
    }
    put_body(r, &a);
out:
    forecast_answer_release(&a);
    free(p);
}

/* How the listing names a parameter kind (forecast_param_kind order). */
static const char *const kind_names[] = {"series", "series_list", "date",  "count",
                                         "order",  "number",      "choice"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == FORECAST_K_CHOICE + 1,
               "one name per parameter kind");

/* One row of the table as the listing shows it: everything comes from the
 * table (forecast_params_table, forecast_param_range). */
static void put_param(struct json *j, const struct forecast_param_info *pi)
{
    char range[256];
    forecast_param_range(pi, range, sizeof range);
    json_obj(j);
    json_kstr(j, "name", pi->name);
    json_kstr(j, "kind", kind_names[pi->kind]);
    json_key(j, "default");
    if (pi->def)
        json_str(j, pi->def);
    else
        json_null(j);
    json_kbool(j, "required", !pi->def);
    json_kstr(j, "example", pi->example);
    json_kstr(j, "range", range);
    if (pi->kind == FORECAST_K_COUNT) {
        json_kint(j, "min", pi->lo[0]);
        json_kint(j, "max", pi->hi[0]);
    } else if (pi->kind == FORECAST_K_NUMBER) {
        json_knum(j, "min", pi->xlo);
        json_knum(j, "max", pi->xhi);
        json_kbool(j, "exclusive", 1);
    } else if (pi->kind == FORECAST_K_ORDER) {
        json_key(j, "parts");
        json_arr(j);
        for (int i = 0; i < pi->nparts; i++)
            json_strn(j, pi->parts + 2 * i, 1);
        json_arr_end(j);
        json_key(j, "min");
        json_arr(j);
        for (int i = 0; i < pi->nparts; i++)
            json_int(j, pi->lo[i]);
        json_arr_end(j);
        json_key(j, "max");
        json_arr(j);
        for (int i = 0; i < pi->nparts; i++)
            json_int(j, pi->hi[i]);
        json_arr_end(j);
        json_key(j, "none");
        if (pi->none)
            json_str(j, pi->none);
        else
            json_null(j);
    } else if (pi->kind == FORECAST_K_CHOICE) {
        json_key(j, "choices");
        json_arr(j);
        for (int i = 0; pi->choice(i); i++)
            json_str(j, pi->choice(i));
        json_arr_end(j);
    }
    json_kstr(j, "help", pi->help);
    json_obj_end(j);
}

/* GET /api/forecast/params: no store needed, no parameters taken. */
static void list_params(const struct api_query *q, struct api_response *r)
{
    struct json j;
    size_t n;
    const struct forecast_param_info *t = forecast_params_table(&n);

    if (api_no_params(q, r) < 0)
        return;
    json_init(&j, &r->body);
    json_obj(&j);
    json_key(&j, "params");
    json_arr(&j);
    for (size_t i = 0; i < n; i++)
        put_param(&j, &t[i]);
    json_arr_end(&j);
    json_key(&j, "limits");
    json_obj(&j);
    json_kint(&j, "training_hours", LIMIT_FORECAST_OBS);
    json_kint(&j, "states", LIMIT_FORECAST_STATES);
    json_kint(&j, "exog", LIMIT_FORECAST_EXOG);
    json_obj_end(&j);
    json_obj_end(&j);
    api_finish_json(r, &j);
}

/* GET /api/forecast/exog?series&train_from&train_to&horizon: the rule is
 * forecast/exog.h's; the four parameters go to the one request parser. */
static void list_exog(struct store *s, const struct api_query *q, struct api_response *r)
{
    static const char *const known[] = {"series", "train_from", "train_to", "horizon"};
    struct forecast_params *p = xmalloc(sizeof *p);
    struct forecast_exog_option *o = NULL;
    int64_t from, to;
    struct err e = {0};
    struct json j;
    size_t n = 0;

    forecast_params_init(p);
    if (api_only_params(q, known, sizeof known / sizeof known[0],
                        "series, train_from, train_to, horizon", &e) < 0)
        goto bad;
    for (size_t i = 0; i < q->n; i++)
        if (forecast_params_set(p, q->p[i].name, q->p[i].value, &e) < 0)
            goto bad;
    if (forecast_params_finish_window(p, &e) < 0)
        goto bad;
    if (api_no_store(s, r))
        goto out;
    if (forecast_exog_options(s, p, &o, &n, &e) < 0) {
        api_request_failed(r, "/api/forecast/exog", &e);
        goto out;
    }
    forecast_exog_hours(p, &from, &to);
    json_init(&j, &r->body);
    json_obj(&j);
    json_kstr(&j, "series", p->series.text);
    json_kstr(&j, "area", p->series.area);
    json_ktime(&j, "start", from);
    json_ktime(&j, "end", to);
    json_kint(&j, "hours", (to - from) / 3600);
    json_key(&j, "exog");
    json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        json_obj(&j);
        json_kstr(&j, "spec", o[i].spec);
        json_kstr(&j, "label", o[i].var->title);
        json_kstr(&j, "unit", o[i].var->unit);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_obj_end(&j);
    api_finish_json(r, &j);
    goto out;
bad:
    api_bad_request(r, &e);
out:
    free(o);
    free(p);
}

void api_forecast(struct store *s, const struct api_query *q, struct api_response *r)
{
    char shown[64], detail[256];

    if (!q->sub) {
        run(s, q, r);
        return;
    }
    if (q->sub_len == 6 && memcmp(q->sub, "params", 6) == 0) {
        list_params(q, r);
        return;
    }
    if (q->sub_len == 4 && memcmp(q->sub, "exog", 4) == 0) {
        list_exog(s, q, r);
        return;
    }
    snprintf(detail, sizeof detail,
             "no such endpoint /api/forecast/%s: there are /api/forecast, /api/forecast/params "
             "and /api/forecast/exog",
             err_quote(q->sub, q->sub_len, shown, sizeof shown));
    api_error(r, 404, "not found", detail);
}
