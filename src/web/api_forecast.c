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

#include "csv_out.h"
#include "forecast/request.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failure after the parameters were accepted: an unknown area or group
 * or too much work is the client's (400), a gap, a missing regressor hour
 * or no data a problem of the stored data for this request (422, the
 * message says what to change), anything else the store's (500, logged). */
static void failed(struct api_response *r, const struct err *e)
{
    if (e->domain == ERR_USAGE)
        api_bad_request(r, e);
    else if (e->domain == ERR_DATA)
        api_error(r, 422, "data problem", e->msg);
    else
        api_store_failed(r, "/api/forecast", e);
}

/* The body, written as `elhub forecast` writes it (cmd_forecast.c: the
 * same writers, "\n" line ends, the JSON followed by one "\n"). */
static void put_body(struct api_response *r, const struct forecast_answer *a)
{
    const struct forecast_params *p = a->p;
    if (p->format == FORECAST_CSV) {
        struct csv_out w;
        csv_out_init(&w, &r->body, NULL, "\n");
        forecast_answer_csv(&w, a);
        if (csv_out_finish(&w) < 0) {
            api_error(r, 500, "internal error",
                      "the response would exceed the server's size limit");
            return;
        }
        snprintf(r->filename, sizeof r->filename, "elhub-forecast-%s-%s.csv", p->from_s, p->to_s);
        r->status = 200;
        r->type = api_type_csv;
        r->cacheable = 1;
    } else {
        struct json j;
        json_init(&j, &r->body);
        forecast_answer_json(&j, a);
        api_finish_json(r, &j);
    }
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
        failed(r, &e);
        goto out;
    }
    put_body(r, &a);
out:
    forecast_answer_release(&a);
    free(p);
}

void api_forecast(struct store *s, const struct api_query *q, struct api_response *r)
{
    char shown[64], detail[256];

    if (!q->sub) {
        run(s, q, r);
        return;
    }
    snprintf(detail, sizeof detail,
             "no such endpoint /api/forecast/%s: there are /api/forecast, /api/forecast/params "
             "and /api/forecast/exog",
             err_quote(q->sub, q->sub_len, shown, sizeof shown));
    api_error(r, 404, "not found", detail);
}
