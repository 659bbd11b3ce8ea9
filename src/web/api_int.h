/* api_int: what the endpoint files of the JSON API share (src/web/api.c and
 * any api_<topic>.c beside it), apart from api.h, which is what the server
 * and the tests see. A handler follows one pattern: parse its parameters
 * (api_parse_sel / api_selection for the selection, its own for the rest),
 * answer 400 for bad ones, then api_no_store (503 without a store, so the
 * server can check parameters before it takes a heavy-read slot), ask the
 * read model, and write the body with the one JSON writer (api_finish_json)
 * or the one CSV writer. New endpoints are added to the route table in
 * api.c. */
#ifndef ELHUB_WEB_API_INT_H
#define ELHUB_WEB_API_INT_H

#include "json.h"
#include "query/select.h"
#include "web/api.h"

/* Content types (static). */
extern const char api_type_json[];
extern const char api_type_csv[];

/* 400 with e's message as the detail. */
void api_bad_request(struct api_response *r, const struct err *e);

/* A failure of the store: 400 for a selection the store cannot answer
 * (ERR_USAGE: an unknown area or group), else 500 with a generic detail
 * and e's message (which may name files or hosts) in the server log. what
 * names the endpoint in the log. */
void api_store_failed(struct api_response *r, const char *what, const struct err *e);

/* A failure of a request whose parameters were accepted, for endpoints
 * that tell "change a parameter" from "the stored data cannot answer":
 * ERR_USAGE (an unknown area or group, a value a computation refuses) is
 * 400, ERR_DATA (a gap, missing hours, no data) 422 `data problem` with
 * e's message, anything else api_store_failed's 500. */
void api_request_failed(struct api_response *r, const char *what, const struct err *e);

/* Nonzero (with r set to 503) when s is NULL: the parameters were checked
 * without a store. */
int api_no_store(const struct store *s, struct api_response *r);

/* 200 with the JSON j wrote into r->body (cacheable), or 500 when it did
 * not fit the response cap. */
void api_finish_json(struct api_response *r, const struct json *j);

/* Parses q into sel through the one selection parser (query/select.h);
 * allowed is the SELECT_* set the endpoint takes, extra one more parameter
 * name of its own that is skipped (or NULL). */
int api_parse_sel(const struct api_query *q, unsigned allowed, const char *extra,
                  struct select *sel, struct err *e);

/* Parses and finishes the selection and checks it against the store (an
 * unknown area or group: 400 naming what exists); answers r and returns
 * -1 on any failure, 0 to go on. need_range: from and to are required. */
int api_selection(struct store *s, const struct api_query *q, unsigned allowed, const char *extra,
                  int need_range, struct select *sel, struct api_response *r);

/* 0 when every parameter of q is one of known[0..n); else -1 with e set
 * (ERR_USAGE) naming the first unknown one and listing the known (list,
 * e.g. "lat, lon"). */
int api_only_params(const struct api_query *q, const char *const *known, size_t n, const char *list,
                    struct err *e);

/* 0 when q has no parameters; else -1 with r set to the 400 of
 * api_only_params (naming the first one): for endpoints that take none. */
int api_no_params(const struct api_query *q, struct api_response *r);

/* The parameter name as a plain decimal number (text_decimal) in *out: 0,
 * or -1 with e set (ERR_USAGE) naming the parameter when it is missing or
 * not a number. */
int api_param_decimal(const struct api_query *q, const char *name, double *out, struct err *e);

/* The selection echoed in an answer: "dataset", "area" (a price area,
 * SELECT_NORWAY, or null for every area), "from", "to". */
void api_put_sel_head(struct json *j, const struct select *s);

/* The period of a selection with both ends given: "start", "end",
 * "period_hours" and "offsets" (docs/API.md); nothing for an open range. */
void api_put_period(struct json *j, const struct select *s);

/* The handlers of the endpoint files (one line each in api.c's routes). */
void api_handle_summary(struct store *s, const struct api_query *q, struct api_response *r);
void api_drift(struct store *s, const struct api_query *q, struct api_response *r);
void api_areas(struct store *s, const struct api_query *q, struct api_response *r);
void api_locate(struct store *s, const struct api_query *q, struct api_response *r);
void api_areamean(struct store *s, const struct api_query *q, struct api_response *r);
/* /api/analysis (the methods and their parameter tables) and
 * /api/analysis/<method> (q->sub): api_analysis.c, docs/API.md. */
void api_analysis(struct store *s, const struct api_query *q, struct api_response *r);
/* /api/forecast (a forecast), /api/forecast/params (the parameter table)
 * and /api/forecast/exog (the usable regressors): api_forecast.c,
 * docs/API.md. */
void api_forecast(struct store *s, const struct api_query *q, struct api_response *r);

#endif
