/* api: query-string decoding and the JSON/CSV handlers of the dashboard API
 * (docs/API.md). A handler parses its parameters with the one selection
 * parser (query/select.h), asks the read model (query/query.h), and formats
 * the answer with the one JSON writer or the one CSV writer; it computes
 * nothing itself. */
#include "web/api_int.h"

#include "csv_out.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "present.h"
#include "query/query.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- query string ------------------------------------------------------ */

static const char empty[] = "";

int api_query_parse(const char *qs, size_t len, struct api_query *out, struct err *e)
{
    size_t used = 0, i = 0;
    long k = 0;

    out->n = 0;
    out->mem[0] = '\0';
    out->sub = NULL;
    out->sub_len = 0;
    if (len > LIMIT_API_QUERY - 1)
        return err_set(e, ERR_USAGE, 0, "query string too long (%zu bytes, at most %u)", len,
                       LIMIT_API_QUERY - 1);
    while (i < len) {
        size_t start = i, end, eq;
        char *name;
        const char *value;

        while (i < len && qs[i] != '&')
            i++;
        end = i++;
        if (end == start)
            continue;
        for (eq = start; eq < end && qs[eq] != '='; eq++)
            ;
        if (eq == start)
            return err_set(e, ERR_USAGE, 0, "query parameter without a name");
        if (out->n == LIMIT_API_PARAMS)
            return err_set(e, ERR_USAGE, 0, "too many query parameters (at most %d)",
                           LIMIT_API_PARAMS);
        /* Decoding never lengthens a part, so a pair needs at most
         * (end - start) + 1 bytes of mem: the name's NUL stands where '='
         * was, the value's where '&' was (or one past the end). A pair
         * without '=' takes the static "" as its value. Hence the pairs fit
         * in len + 1 <= LIMIT_API_QUERY bytes. */
        name = out->mem + used;
        k = text_pct_decode(qs + start, eq - start, 1, name, sizeof out->mem - used);
        if (k < 0)
            goto bad_part;
        used += (size_t)k + 1;
        if (eq < end) {
            char *v = out->mem + used;
            k = text_pct_decode(qs + eq + 1, end - eq - 1, 1, v, sizeof out->mem - used);
            if (k < 0)
                goto bad_part;
            value = v;
            used += (size_t)k + 1;
        } else {
            value = empty;
        }
        for (const char *p = name; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                goto control;
        for (const char *p = value; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                goto control;
        for (size_t m = 0; m < out->n; m++) {
            if (strcmp(out->p[m].name, name) == 0) {
                char shown[80];
                err_set(e, ERR_USAGE, 0, "query parameter \"%s\" given twice",
                        err_quote(name, strlen(name), shown, sizeof shown));
                goto fail;
            }
        }
        out->p[out->n].name = name;
        out->p[out->n].value = value;
        out->n++;
    }
    return 0;
bad_part:
    if (k == TEXT_PCT_NUL)
        goto control;
    err_set(e, ERR_USAGE, 0,
            k == TEXT_PCT_TRUNCATED ? "truncated %%-escape in the query string"
                                    : "bad %%-escape in the query string");
    goto fail;
control:
    err_set(e, ERR_USAGE, 0, "control character in the query string");
fail:
    out->n = 0;
    return -1;
}

const char *api_query_get(const struct api_query *q, const char *name)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->p[i].name, name) == 0)
            return q->p[i].value;
    return NULL;
}

/* ---- responses ---------------------------------------------------------- */

const char api_type_json[] = "application/json; charset=utf-8";
const char api_type_csv[] = "text/csv; charset=utf-8";

void api_response_init(struct api_response *r)
{
    r->status = 500;
    r->type = api_type_json;
    buf_init(&r->body, LIMIT_HTTP_RESPONSE);
    r->filename[0] = '\0';
    r->cacheable = 0;
}

void api_response_release(struct api_response *r)
{
    buf_release(&r->body);
}

void api_error(struct api_response *r, int status, const char *error, const char *detail)
{
    struct json j;
    buf_reset(&r->body);
    r->status = status;
    r->type = api_type_json;
    r->filename[0] = '\0';
    r->cacheable = 0;
    json_init(&j, &r->body);
    json_obj(&j);
    json_kstr(&j, "error", error);
    json_kstr(&j, "detail", detail);
    json_obj_end(&j);
    buf_puts(&r->body, "\n");
}

void api_bad_request(struct api_response *r, const struct err *e)
{
    api_error(r, 400, "bad request", e->msg);
}

/* A store failure: the store's message may name paths or hosts, so it goes
 * to the server log and the client gets a generic detail. A selection the
 * store cannot answer (an unknown area or group) is the client's: 400. */
void api_store_failed(struct api_response *r, const char *what, const struct err *e)
{
    if (e->domain == ERR_USAGE) {
        api_bad_request(r, e);
        return;
    }
    log_error("%s: %s", what, e->msg);
    api_error(r, 500, "internal error", "the store could not answer; the server log has the cause");
}

/* A failure after the parameters were accepted: the client's (400), the
 * stored data's (422, ERR_DATA), or the store's (api_store_failed). */
void api_request_failed(struct api_response *r, const char *what, const struct err *e)
{
    if (e->domain == ERR_DATA)
        api_error(r, 422, "data problem", e->msg);
    else
        api_store_failed(r, what, e);
}

/* The store could not be opened (s NULL): parameters were still checked,
 * so a client learns about bad parameters first. */
int api_no_store(const struct store *s, struct api_response *r)
{
    if (s)
        return 0;
    api_error(r, 503, "store unavailable",
              "the server cannot open its store; the server log has the cause");
    return 1;
}

/* Sends the JSON in the body if it was written whole. */
void api_finish_json(struct api_response *r, const struct json *j)
{
    if (json_finish(j) < 0 || buf_puts(&r->body, "\n") < 0) {
        api_error(r, 500, "internal error", "the response would exceed the server's size limit");
        return;
    }
    r->status = 200;
    r->type = api_type_json;
    r->cacheable = 1;
}

/* ---- parameters --------------------------------------------------------- */

/* Parses q into sel through the one selection parser; the parameters an
 * endpoint takes are `allowed`, plus the endpoint's own in `extra` (names
 * the selection does not know, returned untouched). */
int api_parse_sel(const struct api_query *q, unsigned allowed, const char *extra,
                  struct select *sel, struct err *e)
{
    select_init(sel);
    for (size_t i = 0; i < q->n; i++) {
        if (extra && strcmp(q->p[i].name, extra) == 0)
            continue;
        if (select_set(sel, allowed, q->p[i].name, q->p[i].value, e) < 0)
            return -1;
    }
    return 0;
}

int api_only_params(const struct api_query *q, const char *const *known, size_t n, const char *list,
                    struct err *e)
{
    char shown[LIMIT_NAME * 2];
    for (size_t i = 0; i < q->n; i++) {
        size_t k = 0;
        while (k < n && strcmp(q->p[i].name, known[k]) != 0)
            k++;
        if (k == n)
            return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" (known: %s)",
                           err_quote(q->p[i].name, strlen(q->p[i].name), shown, sizeof shown),
                           list);
    }
    return 0;
}

int api_no_params(const struct api_query *q, struct api_response *r)
{
    struct err e = {0};
    if (api_only_params(q, NULL, 0, "none", &e) < 0) {
        api_bad_request(r, &e);
        return -1;
    }
    return 0;
}

int api_param_decimal(const struct api_query *q, const char *name, double *out, struct err *e)
{
    const char *v = api_query_get(q, name);
    char shown[80];
    if (!v)
        return err_set(e, ERR_USAGE, 0, "%s is required", name);
    if (text_decimal(v, strlen(v), out) < 0)
        return err_set(e, ERR_USAGE, 0, "%s \"%s\": expected a decimal number such as 60.3913",
                       name, err_quote(v, strlen(v), shown, sizeof shown));
    return 0;
}

/* The selection echoed back: "dataset", "area", "from", "to". */
void api_put_sel_head(struct json *j, const struct select *s)
{
    json_kstr(j, "dataset", s->ds->name);
    json_key(j, "area");
    if (s->area[0])
        json_str(j, s->area);
    else if (s->norway)
        json_str(j, SELECT_NORWAY);
    else
        json_null(j);
    json_key(j, "from");
    if (s->from_s[0])
        json_str(j, s->from_s);
    else
        json_null(j);
    json_key(j, "to");
    if (s->to_s[0])
        json_str(j, s->to_s);
    else
        json_null(j);
}

/* The period of a selection with both ends: "start" and "end" (instants,
 * Oslo time with offset), "period_hours", and "offsets", the stretches of
 * Oslo's UTC offset over it ([{"from": instant, "seconds": offset}, ...]).
 * Nothing for an open range. */
void api_put_period(struct json *j, const struct select *s)
{
    struct query_offset off[QUERY_OFFSETS_MAX];
    size_t n;
    if (!s->has_from || !s->has_to)
        return;
    json_ktime(j, "start", s->from);
    json_ktime(j, "end", s->to);
    json_kint(j, "period_hours", query_period_hours(s->from, s->to));
    n = query_oslo_offsets(s->from, s->to, off, QUERY_OFFSETS_MAX);
    json_key(j, "offsets");
    json_arr(j);
    for (size_t i = 0; i < n; i++) {
        json_obj(j);
        json_ktime(j, "from", off[i].from);
        json_kint(j, "seconds", off[i].offset);
        json_obj_end(j);
    }
    json_arr_end(j);
}

/* Parses and checks the selection against the store: 400 (with what
 * exists) for a bad or unknown one. Returns 0 to go on. */
int api_selection(struct store *s, const struct api_query *q, unsigned allowed, const char *extra,
                  int need_range, struct select *sel, struct api_response *r)
{
    struct err e = {0};
    if (api_parse_sel(q, allowed, extra, sel, &e) < 0 || select_finish(sel, need_range, &e) < 0) {
        api_bad_request(r, &e);
        return -1;
    }
    if (api_no_store(s, r))
        return -1;
    if (query_check_selection(s, sel, &e) < 0) {
        /* An unknown area or group, or a dataset the store has no data of:
         * the client's to change (the message says what exists). */
        if (e.domain == ERR_USAGE || e.domain == ERR_DATA)
            api_bad_request(r, &e);
        else
            api_store_failed(r, "selection", &e);
        return -1;
    }
    return 0;
}

/* ---- /api/meta ---------------------------------------------------------- */

static int cmp_instant(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_group_order(const void *a, const void *b)
{
    return present_group_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* "YYYY-MM" of the Oslo month starting at t. */
static void month_key(int64_t t, char out[11])
{
    timeutil_format_oslo_date(t, out);
    out[7] = '\0';
}

static void put_ladder(struct json *j, const char *key, const char *unit, enum present_measure m)
{
    const struct present_unit *l;
    size_t n = present_ladder(unit, m, &l);
    json_key(j, key);
    json_arr(j);
    for (size_t i = 0; i < n; i++) {
        json_arr(j);
        json_str(j, l ? l[i].name : unit);
        json_num(j, l ? l[i].divisor : 1.0);
        json_arr_end(j);
    }
    json_arr_end(j);
}

/* The dataset's months with data ("months": [["2021-01", hours of the
 * month], ...]); m[0..n) sorted by area, group, month. */
static void put_dataset_months(struct json *j, const struct query_series_month *m, size_t n)
{
    int64_t *t = xmalloc((n ? n : 1) * sizeof *t);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        t[k++] = m[i].t;
    qsort(t, k, sizeof *t, cmp_instant);
    json_key(j, "months");
    json_arr(j);
    for (size_t i = 0; i < k; i++) {
        char key[11];
        if (i && t[i] == t[i - 1])
            continue;
        month_key(t[i], key);
        json_arr(j);
        json_str(j, key);
        json_int(j, query_period_hours(t[i], timeutil_oslo_bucket_next(t[i], TIMEUTIL_MONTH)));
        json_arr_end(j);
    }
    json_arr_end(j);
    free(t);
}

static void handle_meta(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct query_overview o;
    struct query_series_month **months = NULL;
    struct query_location **locs = NULL;
    size_t *nmonths = NULL, *nlocs = NULL;
    struct err e = {0};
    struct json j;

    if (q->n) {
        err_set(&e, ERR_USAGE, 0, "/api/meta takes no parameters");
        api_bad_request(r, &e);
        return;
    }
    if (api_no_store(s, r))
        return;
    if (query_overview(s, NULL, &o, &e) < 0) {
        api_store_failed(r, "/api/meta", &e);
        return;
    }
    months = xcalloc(o.n ? o.n : 1, sizeof *months);
    nmonths = xcalloc(o.n ? o.n : 1, sizeof *nmonths);
    locs = xcalloc(o.n ? o.n : 1, sizeof *locs);
    nlocs = xcalloc(o.n ? o.n : 1, sizeof *nlocs);
    for (size_t d = 0; d < o.n; d++) {
        if (o.d[d].nseries &&
            (query_series_months(s, o.d[d].ds, &months[d], &nmonths[d], &e) < 0 ||
             query_series_means(s, &o.d[d], &e) < 0 ||
             (o.d[d].ds->vars && query_locations(s, &o.d[d], &locs[d], &nlocs[d], &e) < 0))) {
            api_store_failed(r, "/api/meta", &e);
            goto out;
        }
    }
    json_init(&j, &r->body);
    json_obj(&j);
    json_key(&j, "datasets");
    json_arr(&j);
    for (size_t d = 0; d < o.n; d++) {
        const struct query_dataset_overview *x = &o.d[d];
        if (!x->nseries)
            continue;
        json_obj(&j);
        json_kstr(&j, "name", x->ds->name);
        json_kstr(&j, "title", x->ds->title);
        json_key(&j, "api_name");
        if (x->ds->alias)
            json_str(&j, x->ds->alias);
        else
            json_null(&j);
        json_kstr(&j, "unit", x->ds->unit);
        json_kint(&j, "records", x->hours);
        json_ktime(&j, "first", x->first);
        json_ktime(&j, "last", x->last);
        json_ktime(&j, "end", x->last + 3600);
        json_key(&j, "newest_update");
        json_time_or_null(&j, x->updated, x->updated > 0);
        json_key(&j, "areas");
        json_arr(&j);
        for (size_t i = 0; i < x->nareas; i++)
            json_str(&j, x->areas[i]);
        json_arr_end(&j);
        json_key(&j, "groups");
        json_arr(&j);
        for (size_t i = 0; i < x->ngroups; i++)
            json_str(&j, x->groups[i]);
        json_arr_end(&j);
        json_key(&j, "years");
        json_arr(&j);
        for (size_t i = 0; i < x->nyears; i++)
            json_int(&j, x->years[i]);
        json_arr_end(&j);
        put_dataset_months(&j, months[d], nmonths[d]);
        json_key(&j, "units");
        json_obj(&j);
        put_ladder(&j, "energy", x->ds->unit, PRESENT_ENERGY);
        put_ladder(&j, "power", x->ds->unit, PRESENT_POWER);
        json_kint(&j, "decimals", PRESENT_DECIMALS);
        json_obj_end(&j);
        query_variables_json(&j, x->ds);
        if (x->ds->vars)
            query_locations_json(&j, locs[d], nlocs[d]);
        json_key(&j, "series");
        json_arr(&j);
        for (size_t i = 0, k = 0; i < x->nseries; i++) {
            const struct query_series_info *m = &x->series[i];
            json_obj(&j);
            json_kstr(&j, "area", m->area);
            json_kstr(&j, "group", m->group);
            json_kint(&j, "records", m->hours);
            json_ktime(&j, "first", m->first);
            json_ktime(&j, "last", m->last);
            if (x->ds->vars)
                query_series_mean_json(&j, x->ds, m); /* a sum of temperatures means nothing */
            else
                json_knum(&j, "kwh", m->value);
            /* The months it has rows in, with the hours present: both
             * lists are sorted by area, then group. */
            json_key(&j, "months");
            json_obj(&j);
            while (k < nmonths[d] && (strcmp(months[d][k].area, m->area) < 0 ||
                                      (strcmp(months[d][k].area, m->area) == 0 &&
                                       strcmp(months[d][k].group, m->group) < 0)))
                k++;
            for (; k < nmonths[d] && strcmp(months[d][k].area, m->area) == 0 &&
                   strcmp(months[d][k].group, m->group) == 0;
                 k++) {
                char key[11];
                month_key(months[d][k].t, key);
                json_kint(&j, key, months[d][k].hours);
            }
            json_obj_end(&j);
            json_obj_end(&j);
        }
        json_arr_end(&j);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_kint(&j, "records", o.hours);
    json_key(&j, "price_areas");
    json_arr(&j);
    for (int a = 1; a <= 5; a++) {
        char name[4] = {'N', 'O', (char)('0' + a), '\0'};
        json_str(&j, name);
    }
    json_arr_end(&j);
    json_key(&j, "groups");
    json_obj(&j);
    for (size_t i = 0; i < o.ngroups; i++) {
        char buf[64];
        json_key(&j, o.groups[i]);
        json_obj(&j);
        json_kstr(&j, "label", present_group_label(o.groups[i], buf, sizeof buf));
        json_kstr(&j, "color", present_group_color(o.groups[i]));
        json_obj_end(&j);
    }
    json_obj_end(&j);
    json_key(&j, "group_order");
    json_arr(&j);
    {
        const char **order = xmalloc((o.ngroups ? o.ngroups : 1) * sizeof *order);
        for (size_t i = 0; i < o.ngroups; i++)
            order[i] = o.groups[i];
        qsort(order, o.ngroups, sizeof *order, cmp_group_order);
        for (size_t i = 0; i < o.ngroups; i++)
            json_str(&j, order[i]);
        free(order);
    }
    json_arr_end(&j);
    json_key(&j, "norway");
    json_obj(&j);
    json_kstr(&j, "area", SELECT_NORWAY);
    json_kstr(&j, "label", "Norway");
    json_obj_end(&j);
    json_key(&j, "marks");
    json_obj(&j);
    json_kstr(&j, "missing_light", present_missing_color(0));
    json_kstr(&j, "missing_dark", present_missing_color(1));
    json_kstr(&j, "partial_note", PRESENT_NOTE_PARTIAL);
    json_kstr(&j, "missing_note", PRESENT_NOTE_MISSING);
    json_obj_end(&j);
    json_kstr(&j, "store", store_uri_safe(s));
    json_key(&j, "attribution");
    json_obj(&j);
    json_kstr(&j, "text", "Elhub");
    json_kstr(&j, "license", "CC BY 4.0");
    json_kstr(&j, "license_url", "https://creativecommons.org/licenses/by/4.0/");
    json_kstr(&j, "source", "Elhub Energy Data API");
    json_kstr(&j, "source_url", "https://api.elhub.no/energy-data/v0/price-areas");
    json_obj_end(&j);
    json_kstr(&j, "version", ELHUB_VERSION);
    json_obj_end(&j);
    api_finish_json(r, &j);
out:
    for (size_t d = 0; d < o.n; d++) {
        free(months[d]);
        free(locs[d]);
    }
    free(months);
    free(nmonths);
    free(locs);
    free(nlocs);
    query_overview_release(&o);
}

/* ---- /api/totals -------------------------------------------------------- */

/* For a dataset with variables: "units" and "aggregation" objects keyed by
 * the groups answered (each value is in its variable's unit and made by
 * its aggregation, query.h). The n group names lie `stride` bytes apart
 * from `first` (the group member of an array of results). */
static void put_var_units(struct json *j, const struct dataset *ds, const char *first, size_t n,
                          size_t stride)
{
    if (!ds->vars)
        return;
    json_key(j, "units");
    json_obj(j);
    for (size_t i = 0; i < n; i++) {
        const char *g = first + i * stride, *u = dataset_group_unit(ds, g);
        json_kstr(j, g, u ? u : "");
    }
    json_obj_end(j);
    json_key(j, "aggregation");
    json_obj(j);
    for (size_t i = 0; i < n; i++) {
        const char *g = first + i * stride;
        json_kstr(j, g, dataset_agg_name(dataset_group_agg(ds, g)));
    }
    json_obj_end(j);
}

static void handle_totals(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct select sel;
    struct query_totals t;
    struct err e = {0};
    struct json j;

    if (api_selection(s, q, SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO,
                      NULL, 0, &sel, r) < 0)
        return;
    if (query_totals(s, &sel, &t, &e) < 0) {
        api_store_failed(r, "/api/totals", &e);
        return;
    }
    json_init(&j, &r->body);
    json_obj(&j);
    api_put_sel_head(&j, &sel);
    json_kstr(&j, "unit", sel.ds->unit);
    if (t.n)
        put_var_units(&j, sel.ds, t.t[0].group, t.n, sizeof *t.t);
    json_key(&j, "totals");
    json_obj(&j);
    for (size_t i = 0; i < t.n; i++)
        json_knum(&j, t.t[i].group, t.t[i].value);
    json_obj_end(&j);
    json_key(&j, "records");
    json_obj(&j);
    for (size_t i = 0; i < t.n; i++)
        json_kint(&j, t.t[i].group, t.t[i].hours);
    json_obj_end(&j);
    /* "hours" is what "records" always was (hours present: one row per
     * hour), under the name the page reads beside period_hours. */
    json_key(&j, "hours");
    json_obj(&j);
    for (size_t i = 0; i < t.n; i++)
        json_kint(&j, t.t[i].group, t.t[i].hours);
    json_obj_end(&j);
    json_key(&j, "period_hours");
    if (t.period_hours > 0)
        json_int(&j, t.period_hours);
    else
        json_null(&j);
    json_obj_end(&j);
    query_totals_release(&t);
    api_finish_json(r, &j);
}

/* ---- /api/series and /api/export.csv ------------------------------------ */

static int load_series(struct store *s, const struct select *sel, struct query_series *ser,
                       struct api_response *r, const char *what)
{
    struct err e = {0};
    if (query_series(s, sel, LIMIT_API_POINTS, ser, &e) < 0) {
        api_store_failed(r, what, &e);
        return -1;
    }
    return 0;
}

/* One list per group under key: the points ([bucket start, kWh]), or
 * (hours != 0) per point the hours present, the hours of its bucket inside
 * the period (0 for an open range) and the hours of the whole bucket (a
 * bucket is partial when the first is smaller than the last; an edge week
 * clipped by the period is partial too). */
static void put_series_lists(struct json *j, const char *key, const struct query_series *ser,
                             enum timeutil_step step, int hours)
{
    json_key(j, key);
    json_obj(j);
    for (size_t i = 0; i < ser->ng; i++) {
        const struct query_group_series *g = &ser->g[i];
        json_key(j, g->group);
        json_arr(j);
        for (size_t k = 0; k < g->n; k++) {
            const struct query_point *p = &g->pts[k];
            json_arr(j);
            if (hours) {
                json_int(j, p->hours);
                json_int(j, p->period_hours);
                json_int(j, query_period_hours(p->t, timeutil_oslo_bucket_next(p->t, step)));
            } else {
                json_time(j, p->t);
                json_num(j, p->value);
            }
            json_arr_end(j);
        }
        json_arr_end(j);
    }
    json_obj_end(j);
}

static void handle_series(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct select sel;
    struct query_series ser;
    struct json j;

    if (api_selection(s, q,
                      SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO |
                          SELECT_STEP,
                      NULL, 0, &sel, r) < 0)
        return;
    if (load_series(s, &sel, &ser, r, "/api/series") < 0)
        return;
    json_init(&j, &r->body);
    json_obj(&j);
    api_put_sel_head(&j, &sel);
    json_kstr(&j, "step", timeutil_step_name(sel.step));
    json_kstr(&j, "unit", sel.ds->unit);
    if (ser.ng)
        put_var_units(&j, sel.ds, ser.g[0].group, ser.ng, sizeof *ser.g);
    api_put_period(&j, &sel);
    put_series_lists(&j, "series", &ser, sel.step, 0);
    /* Beside the points, not inside them, so clients that read [time,
     * kWh] pairs keep working. */
    put_series_lists(&j, "hours", &ser, sel.step, 1);
    json_obj_end(&j);
    query_series_release(&ser);
    api_finish_json(r, &j);
}

static void export_name(struct api_response *r, const struct select *sel, const char *what)
{
    snprintf(r->filename, sizeof r->filename, "elhub-%s-%s-%s-%s-%s.csv", sel->ds->name,
             sel->area[0] ? sel->area : "all", sel->from_s[0] ? sel->from_s : "start",
             sel->to_s[0] ? sel->to_s : "end", what);
    for (char *p = r->filename; *p; p++)
        if (*p == '*')
            *p = '_';
}

/* The series as one row per bucket and one column per group; a group
 * without a value in a bucket gets an empty cell. */
static void series_csv(struct csv_out *w, const struct select *sel, const struct query_series *ser)
{
    size_t *at = xcalloc(ser->ng ? ser->ng : 1, sizeof *at);
    char col[LIMIT_NAME + 16];

    csv_out_text(w, "start");
    csv_out_text(w, "end");
    for (size_t i = 0; i < ser->ng; i++) {
        /* Weather: the variable's own name (its values are in its unit
         * and aggregation, as /api/series says), not a kWh column. */
        if (sel->ds->vars)
            snprintf(col, sizeof col, "%s", ser->g[i].group);
        else
            snprintf(col, sizeof col, "%s_%s", ser->g[i].group, "kwh");
        csv_out_text(w, col);
    }
    csv_out_row(w);
    for (;;) {
        int64_t t = INT64_MAX;
        for (size_t i = 0; i < ser->ng; i++)
            if (at[i] < ser->g[i].n && ser->g[i].pts[at[i]].t < t)
                t = ser->g[i].pts[at[i]].t;
        if (t == INT64_MAX || w->failed)
            break;
        csv_out_time(w, t);
        csv_out_time(w, timeutil_oslo_bucket_next(t, sel->step));
        for (size_t i = 0; i < ser->ng; i++) {
            if (at[i] < ser->g[i].n && ser->g[i].pts[at[i]].t == t)
                csv_out_num(w, ser->g[i].pts[at[i]++].value);
            else
                csv_out_empty(w);
        }
        csv_out_row(w);
    }
    free(at);
}

static void handle_export(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct select sel;
    struct csv_out w;
    struct err e = {0};
    const char *chart = api_query_get(q, "chart");

    if (api_selection(s, q,
                      SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO |
                          SELECT_STEP,
                      "chart", 0, &sel, r) < 0)
        return;
    if (chart && strcmp(chart, "totals") != 0 && strcmp(chart, "series") != 0) {
        char shown[48];
        err_set(&e, ERR_USAGE, 0, "chart \"%s\": expected series or totals",
                err_quote(chart, strlen(chart), shown, sizeof shown));
        api_bad_request(r, &e);
        return;
    }
    csv_out_init(&w, &r->body, NULL, "\r\n");
    if (chart && strcmp(chart, "totals") == 0) {
        struct query_totals t;
        if (query_totals(s, &sel, &t, &e) < 0) {
            api_store_failed(r, "/api/export.csv", &e);
            return;
        }
        csv_out_text(&w, "group");
        csv_out_text(&w, sel.ds->vars ? "value" : "kwh");
        csv_out_text(&w, "records");
        csv_out_row(&w);
        for (size_t i = 0; i < t.n; i++) {
            csv_out_text(&w, t.t[i].group);
            csv_out_num(&w, t.t[i].value);
            csv_out_int(&w, t.t[i].hours);
            csv_out_row(&w);
        }
        query_totals_release(&t);
        export_name(r, &sel, "totals");
    } else {
        struct query_series ser;
        if (load_series(s, &sel, &ser, r, "/api/export.csv") < 0)
            return;
        series_csv(&w, &sel, &ser);
        query_series_release(&ser);
        export_name(r, &sel, timeutil_step_name(sel.step));
    }
    if (csv_out_finish(&w) < 0) {
        api_error(r, 500, "internal error", "the response would exceed the server's size limit");
        return;
    }
    r->status = 200;
    r->type = api_type_csv;
    r->cacheable = 1;
}

/* ---- /api/quality ------------------------------------------------------- */

static void handle_quality(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct select sel;
    struct query_coverage c;
    struct err e = {0};
    struct json j;

    if (api_selection(s, q, SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO,
                      NULL, 1, &sel, r) < 0)
        return;
    if (query_coverage(s, &sel, LIMIT_API_GAPS, &c, &e) < 0) {
        api_store_failed(r, "/api/quality", &e);
        return;
    }
    json_init(&j, &r->body);
    json_obj(&j);
    api_put_sel_head(&j, &sel);
    json_kint(&j, "expected_hours", c.period_hours);
    json_key(&j, "groups");
    json_obj(&j);
    for (size_t i = 0; i < c.ng; i++) {
        const struct query_group_coverage *g = &c.g[i];
        json_key(&j, g->group);
        json_obj(&j);
        json_kint(&j, "present", g->present);
        json_key(&j, "gaps");
        json_arr(&j);
        for (size_t k = 0; k < g->ngaps; k++) {
            json_arr(&j);
            json_time(&j, g->gaps[k].from);
            json_time(&j, g->gaps[k].to);
            json_arr_end(&j);
        }
        json_arr_end(&j);
        json_kint(&j, "missing", g->missing);
        json_obj_end(&j);
    }
    json_obj_end(&j);
    json_kbool(&j, "truncated", c.truncated);
    json_obj_end(&j);
    query_coverage_release(&c);
    api_finish_json(r, &j);
}

/* ---- routing ------------------------------------------------------------ */

/* Not "ok" from an open handle alone: a cheap real read (store_ping), so a
 * file that is not an elhub store, or whose tables cannot be read, answers
 * 503 saying so, without the path. */
static void handle_healthz(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct err e = {0};
    struct json j;
    (void)q;
    if (api_no_store(s, r))
        return;
    if (store_ping(s, &e) < 0) {
        log_error("healthz: %s", e.msg);
        api_error(r, 503, "store unavailable",
                  "the store cannot be read (corrupt, or not an elhub store?); the server log has "
                  "the cause");
        return;
    }
    json_init(&j, &r->body);
    json_obj(&j);
    json_kstr(&j, "status", "ok");
    json_kstr(&j, "store", store_kind(s));
    json_kstr(&j, "version", ELHUB_VERSION);
    json_obj_end(&j);
    api_finish_json(r, &j);
    r->cacheable = 0;
}

/* A path ending in '/' also answers that path without it, and
 * path<anything>, with the rest in q->sub (/api/analysis/<method>). */
static const struct {
    const char *path;
    void (*fn)(struct store *s, const struct api_query *q, struct api_response *r);
} routes[] = {
    {"/api/meta", handle_meta},       {"/api/totals", handle_totals},
    {"/api/series", handle_series},   {"/api/export.csv", handle_export},
    {"/api/quality", handle_quality}, {"/api/summary", api_handle_summary},
    {"/healthz", handle_healthz},     {"/api/snowdrift", api_drift},
    {"/api/areas", api_areas},        {"/api/locate", api_locate},
    {"/api/areamean", api_areamean},  {"/api/analysis/", api_analysis},
    {"/api/forecast/", api_forecast},
};

static size_t path_len(const char *target, size_t len)
{
    const char *q = memchr(target, '?', len);
    return q ? (size_t)(q - target) : len;
}

int api_owns_path(const char *target, size_t len)
{
    size_t n = path_len(target, len);
    return (n == 8 && memcmp(target, "/healthz", 8) == 0) ||
           (n >= 5 && memcmp(target, "/api/", 5) == 0);
}

void api_handle(struct store *s, const char *target, size_t len, struct api_response *out)
{
    struct api_query *q = xmalloc(sizeof *q);
    struct err e = {0};
    size_t n = path_len(target, len);

    buf_reset(&out->body);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t k = strlen(routes[i].path);
        int sub = routes[i].path[k - 1] == '/';
        if (sub)
            k--; /* the route's own path, without its '/' */
        if (k > n || memcmp(routes[i].path, target, k) != 0 ||
            (k < n && (!sub || target[k] != '/')))
            continue;
        if (api_query_parse(target + n + (n < len), len - n - (n < len), q, &e) < 0) {
            api_bad_request(out, &e);
        } else {
            if (k < n) {
                q->sub = target + k + 1;
                q->sub_len = n - k - 1;
            }
            routes[i].fn(s, q, out);
        }
        free(q);
        return;
    }
    free(q);
    api_error(out, 404, "not found",
              "no such endpoint; see /api/meta, /api/totals, /api/series, /api/export.csv, "
              "/api/quality, /api/summary, /api/snowdrift, /api/areas, /api/locate, /api/areamean, "
              "/api/analysis, /api/forecast, /healthz");
}
