/* api: query-string decoding, parameter validation, and the JSON/CSV
 * handlers of the dashboard API (docs/API.md), on top of src/store/store.h. */
#include "web/api.h"

#include "log.h"
#include "mem.h"
#include "present.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- query string ------------------------------------------------------ */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes src[0..n) into dst (which has room for n+1 bytes), NUL-terminates;
 * -1 with e set on a bad escape or a control byte. */
static int decode_part(const char *src, size_t n, char *dst, struct err *e)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return err_set(e, ERR_USAGE, 0, "truncated %%-escape in the query string");
            hi = hexval((unsigned char)src[i + 1]);
            lo = hexval((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return err_set(e, ERR_USAGE, 0, "bad %%-escape in the query string");
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f)
            return err_set(e, ERR_USAGE, 0, "control character in the query string");
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return 0;
}

static const char empty[] = "";

int api_query_parse(const char *qs, size_t len, struct api_query *out, struct err *e)
{
    size_t used = 0, i = 0;

    out->n = 0;
    out->mem[0] = '\0';
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
        if (decode_part(qs + start, eq - start, name, e) < 0)
            goto fail;
        used += strlen(name) + 1;
        if (eq < end) {
            char *v = out->mem + used;
            if (decode_part(qs + eq + 1, end - eq - 1, v, e) < 0)
                goto fail;
            value = v;
            used += strlen(value) + 1;
        } else {
            value = empty;
        }
        if (!name[0]) {
            err_set(e, ERR_USAGE, 0, "query parameter without a name");
            goto fail;
        }
        for (size_t k = 0; k < out->n; k++) {
            if (strcmp(out->p[k].name, name) == 0) {
                err_set(e, ERR_USAGE, 0, "query parameter \"%.32s\" given twice", name);
                goto fail;
            }
        }
        out->p[out->n].name = name;
        out->p[out->n].value = value;
        out->n++;
    }
    return 0;
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

static const char type_json[] = "application/json; charset=utf-8";
static const char type_csv[] = "text/csv; charset=utf-8";

void api_response_init(struct api_response *r)
{
    r->status = 500;
    r->type = type_json;
    buf_init(&r->body, LIMIT_HTTP_RESPONSE);
    r->filename[0] = '\0';
    r->cacheable = 0;
}

void api_response_release(struct api_response *r)
{
    buf_release(&r->body);
}

/* Copies s into a printable-ASCII form for an error detail: a client's bytes
 * are echoed back only as what they are, never as markup or escapes. */
static void printable(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 1 < n; s++)
        out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    out[o] = '\0';
}

static void fail(struct api_response *r, int status, const char *error, const char *detail)
{
    buf_reset(&r->body);
    r->status = status;
    r->type = type_json;
    r->filename[0] = '\0';
    r->cacheable = 0;
    buf_puts(&r->body, "{\"error\":\"");
    buf_json_escape(&r->body, error);
    buf_puts(&r->body, "\",\"detail\":\"");
    buf_json_escape(&r->body, detail);
    buf_puts(&r->body, "\"}\n");
}

void api_error(struct api_response *r, int status, const char *error, const char *detail)
{
    fail(r, status, error, detail);
}

static void bad_request(struct api_response *r, const struct err *e)
{
    fail(r, 400, "bad request", e->msg);
}

/* A store failure: the store's message may name paths or hosts, so it goes
 * to the server log and the client gets a generic detail. */
static void store_failed(struct api_response *r, const char *what, const struct err *e)
{
    log_error("%s: %s", what, e->msg);
    fail(r, 500, "internal error", "the store could not answer; the server log has the cause");
}

/* The store could not be opened (s NULL): parameters were still checked,
 * so a client learns about bad parameters first. */
static int no_store(const struct store *s, struct api_response *r)
{
    if (s)
        return 0;
    fail(r, 503, "store unavailable",
         "the server cannot open its store; the server log has the cause");
    return 1;
}

static void too_large(struct api_response *r)
{
    fail(r, 500, "internal error", "the response would exceed the server's size limit");
}

/* ---- parameters --------------------------------------------------------- */

enum {
    P_DATASET = 1 << 0,
    P_AREA = 1 << 1,
    P_GROUPS = 1 << 2,
    P_FROM = 1 << 3,
    P_TO = 1 << 4,
    P_STEP = 1 << 5,
    P_CHART = 1 << 6
};

static const struct {
    const char *name;
    int bit;
} param_names[] = {
    {"dataset", P_DATASET}, {"area", P_AREA}, {"groups", P_GROUPS}, {"from", P_FROM},
    {"to", P_TO},           {"step", P_STEP}, {"chart", P_CHART},
};

/* A validated selection. */
struct sel {
    const struct dataset *ds;
    char area[LIMIT_NAME]; /* "" = every area */
    char groups[LIMIT_API_GROUPS][LIMIT_NAME];
    const char *gp[LIMIT_API_GROUPS];
    size_t ng;
    char from_s[11], to_s[11]; /* "" = open end */
    int64_t from, to;          /* from <= start < to */
    enum timeutil_step step;
    int chart_totals; /* export: 1 = the pie's totals, 0 = the series */
};

static int parse_area(const char *v, char *out, struct err *e)
{
    char shown[40];
    size_t n = strlen(v);
    if (n == 0 || n >= LIMIT_NAME)
        goto bad;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)v[i]))
            goto bad;
        out[i] = (char)toupper((unsigned char)v[i]);
    }
    out[n] = '\0';
    return 0;
bad:
    printable(v, shown, sizeof shown);
    return err_set(e, ERR_USAGE, 0, "area \"%s\": expected a price area such as NO1", shown);
}

static int valid_group_char(unsigned char c)
{
    return isalnum(c) || c == '*' || c == '_' || c == '-';
}

static int parse_groups(const char *v, struct sel *s, struct err *e)
{
    const char *p = v;
    char shown[40];

    s->ng = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char g[LIMIT_NAME];
        int dup = 0;

        if (n == 0 || n >= LIMIT_NAME)
            goto bad;
        for (size_t i = 0; i < n; i++) {
            if (!valid_group_char((unsigned char)p[i]))
                goto bad;
            g[i] = (char)tolower((unsigned char)p[i]);
        }
        g[n] = '\0';
        for (size_t i = 0; i < s->ng; i++)
            dup |= strcmp(s->groups[i], g) == 0;
        if (!dup) {
            if (s->ng == LIMIT_API_GROUPS)
                return err_set(e, ERR_USAGE, 0, "too many groups (at most %d)", LIMIT_API_GROUPS);
            memcpy(s->groups[s->ng], g, n + 1);
            s->gp[s->ng] = s->groups[s->ng];
            s->ng++;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
bad:
    printable(v, shown, sizeof shown);
    return err_set(e, ERR_USAGE, 0,
                   "groups \"%s\": expected a comma-separated list of group names such as "
                   "hydro,wind",
                   shown);
}

/* "YYYY-MM-DD" or "YYYY-MM" as an Oslo calendar date; a month means its first
 * day for `from` and its last day for `to`. *t is the Oslo midnight that
 * starts (from) or ends (to, exclusive) the range. */
static int parse_day(const char *name, const char *v, int is_to, char *norm, int64_t *t,
                     struct err *e)
{
    int y, m, d, has_day;
    char shown[40];

    if (timeutil_parse_date(v, &y, &m, &d, &has_day, NULL) < 0 || y < 1990 || y > 2100) {
        printable(v, shown, sizeof shown);
        return err_set(e, ERR_USAGE, 0,
                       "%s \"%s\": expected an Oslo calendar date YYYY-MM-DD (or YYYY-MM), "
                       "years 1990-2100",
                       name, shown);
    }
    if (is_to && !has_day)
        d = timeutil_days_in_month(y, m);
    snprintf(norm, 11, "%04d-%02d-%02d", y, m, d);
    *t = timeutil_oslo_midnight(y, m, d + (is_to ? 1 : 0));
    return 0;
}

/* Validates q against the parameters endpoint `allowed` accepts. */
static int parse_sel(const struct api_query *q, int allowed, struct sel *s, struct err *e)
{
    const char *v;

    memset(s, 0, sizeof *s);
    s->ds = &dataset_all[0];
    s->from = INT64_MIN;
    s->to = INT64_MAX;
    s->step = TIMEUTIL_HOUR;
    for (size_t i = 0; i < q->n; i++) {
        int bit = 0;
        char shown[40];
        for (size_t k = 0; k < sizeof param_names / sizeof param_names[0]; k++)
            if (strcmp(q->p[i].name, param_names[k].name) == 0)
                bit = param_names[k].bit;
        if (!(bit & allowed)) {
            char list[128] = "";
            size_t used = 0;
            for (size_t k = 0; k < sizeof param_names / sizeof param_names[0]; k++) {
                int n;
                if (!(param_names[k].bit & allowed))
                    continue;
                n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                             param_names[k].name);
                if (n > 0 && (size_t)n < sizeof list - used)
                    used += (size_t)n;
            }
            printable(q->p[i].name, shown, sizeof shown);
            return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" (this endpoint takes: %s)",
                           shown, list[0] ? list : "none");
        }
    }
    if ((v = api_query_get(q, "dataset")) != NULL) {
        s->ds = dataset_find(v);
        if (!s->ds) {
            char shown[40];
            printable(v, shown, sizeof shown);
            return err_set(e, ERR_USAGE, 0, "dataset \"%s\": expected production or consumption",
                           shown);
        }
    }
    if ((v = api_query_get(q, "area")) != NULL && *v && parse_area(v, s->area, e) < 0)
        return -1;
    if ((v = api_query_get(q, "groups")) != NULL && parse_groups(v, s, e) < 0)
        return -1;
    if ((v = api_query_get(q, "from")) != NULL && *v &&
        parse_day("from", v, 0, s->from_s, &s->from, e) < 0)
        return -1;
    if ((v = api_query_get(q, "to")) != NULL && *v && parse_day("to", v, 1, s->to_s, &s->to, e) < 0)
        return -1;
    if (s->from_s[0] && s->to_s[0] && s->from >= s->to)
        return err_set(e, ERR_USAGE, 0, "from %s is after to %s", s->from_s, s->to_s);
    if ((v = api_query_get(q, "step")) != NULL && timeutil_step_parse(v, &s->step) < 0) {
        char shown[40];
        printable(v, shown, sizeof shown);
        return err_set(e, ERR_USAGE, 0, "step \"%s\": expected hour, day, week or month", shown);
    }
    if ((v = api_query_get(q, "chart")) != NULL) {
        if (strcmp(v, "totals") == 0) {
            s->chart_totals = 1;
        } else if (strcmp(v, "series") != 0) {
            char shown[40];
            printable(v, shown, sizeof shown);
            return err_set(e, ERR_USAGE, 0, "chart \"%s\": expected series or totals", shown);
        }
    }
    return 0;
}

static struct store_query sel_query(const struct sel *s)
{
    struct store_query q = {
        s->ds, s->area[0] ? s->area : NULL, s->ng ? s->gp : NULL, s->ng, s->from, s->to};
    return q;
}

/* ---- JSON pieces -------------------------------------------------------- */

static int put_str(struct buf *b, const char *s)
{
    int rc = buf_puts(b, "\"");
    rc |= buf_json_escape(b, s);
    rc |= buf_puts(b, "\"");
    return rc;
}

static int put_str_or_null(struct buf *b, const char *s)
{
    return s && *s ? put_str(b, s) : buf_puts(b, "null");
}

static int put_kwh(struct buf *b, double v)
{
    char num[32];
    size_t n = dataset_format_kwh(v, num);
    return buf_append(b, num, n);
}

static int put_time(struct buf *b, int64_t t)
{
    char iso[TIMEUTIL_ISO_LEN];
    size_t n = timeutil_format_oslo(t, iso);
    int rc = buf_puts(b, "\"");
    rc |= buf_append(b, iso, n);
    rc |= buf_puts(b, "\"");
    return rc;
}

/* The selection echoed back: "dataset", "area", "from", "to". */
static int put_sel_head(struct buf *b, const struct sel *s)
{
    int rc = buf_puts(b, "{\"dataset\":");
    rc |= put_str(b, s->ds->name);
    rc |= buf_puts(b, ",\"area\":");
    rc |= put_str_or_null(b, s->area);
    rc |= buf_puts(b, ",\"from\":");
    rc |= put_str_or_null(b, s->from_s);
    rc |= buf_puts(b, ",\"to\":");
    rc |= put_str_or_null(b, s->to_s);
    return rc;
}

/* ---- /api/meta ---------------------------------------------------------- */

struct years {
    int list[256];
    size_t n;
};

static void add_year(struct years *y, int year)
{
    size_t i;
    for (i = 0; i < y->n && y->list[i] < year; i++)
        ;
    if ((i < y->n && y->list[i] == year) || y->n == sizeof y->list / sizeof y->list[0])
        return;
    memmove(&y->list[i + 1], &y->list[i], (y->n - i) * sizeof y->list[0]);
    y->list[i] = year;
    y->n++;
}

static int oslo_year(int64_t t)
{
    struct timeutil_civil c;
    timeutil_oslo_civil(t, &c);
    return c.year;
}

static int stop_at_first(const struct record *r, void *ctx)
{
    (void)r;
    (void)ctx;
    return 1;
}

/* The Oslo calendar years that hold at least one row of ds: for each area,
 * each year between its first and last row not yet known is probed with a
 * scan that stops at its first row (in SQLite a primary-key seek, so the
 * cost does not grow with the data). */
static int data_years(struct store *s, const struct dataset *ds, const struct store_summary *sm,
                      size_t n, struct years *out, struct err *e)
{
    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        int y0, y1;
        if (i > 0 && strcmp(sm[i].area, sm[i - 1].area) == 0)
            continue;
        y0 = oslo_year(sm[i].first);
        y1 = oslo_year(sm[i].last);
        for (j = i; j < n && strcmp(sm[j].area, sm[i].area) == 0; j++) {
            int a = oslo_year(sm[j].first), b = oslo_year(sm[j].last);
            y0 = a < y0 ? a : y0;
            y1 = b > y1 ? b : y1;
        }
        for (int y = y0; y <= y1 && y - y0 < 256; y++) {
            struct store_query q = {ds,
                                    sm[i].area,
                                    NULL,
                                    0,
                                    timeutil_oslo_midnight(y, 1, 1),
                                    timeutil_oslo_midnight(y + 1, 1, 1)};
            int known = 0, rc;
            for (size_t k = 0; k < out->n; k++)
                known |= out->list[k] == y;
            if (known)
                continue;
            rc = store_scan(s, &q, stop_at_first, NULL, e);
            if (rc < 0)
                return -1;
            if (rc > 0)
                add_year(out, y);
        }
    }
    return 0;
}

struct name_set {
    char names[64][LIMIT_NAME];
    size_t n;
};

static void name_add(struct name_set *set, const char *name)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strcmp(set->names[i], name) == 0)
            return;
    if (set->n < sizeof set->names / sizeof set->names[0])
        snprintf(set->names[set->n++], LIMIT_NAME, "%s", name);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void handle_meta(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct buf *b = &r->body;
    struct name_set all_groups = {0};
    struct err e = {0};
    int64_t total_records = 0;
    int rc = 0;

    if (q->n) {
        err_set(&e, ERR_USAGE, 0, "/api/meta takes no parameters");
        bad_request(r, &e);
        return;
    }
    if (no_store(s, r))
        return;
    rc |= buf_puts(b, "{\"datasets\":[");
    for (size_t d = 0, shown = 0; d < dataset_count; d++) {
        const struct dataset *ds = &dataset_all[d];
        struct store_summary *sm = NULL;
        struct name_set areas = {0}, groups = {0};
        struct years years;
        int64_t records = 0, first = INT64_MAX, last = INT64_MIN, updated = 0;
        size_t n = 0;

        if (store_summary(s, ds, &sm, &n, &e) < 0) {
            store_failed(r, "/api/meta", &e);
            return;
        }
        if (n == 0) {
            free(sm);
            continue;
        }
        if (data_years(s, ds, sm, n, &years, &e) < 0) {
            free(sm);
            store_failed(r, "/api/meta", &e);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            records += sm[i].rows;
            first = sm[i].first < first ? sm[i].first : first;
            last = sm[i].last > last ? sm[i].last : last;
            updated = sm[i].newest_update > updated ? sm[i].newest_update : updated;
            name_add(&areas, sm[i].area);
            name_add(&groups, sm[i].group);
            name_add(&all_groups, sm[i].group);
        }
        qsort(groups.names, groups.n, sizeof groups.names[0], cmp_name);
        total_records += records;
        rc |= buf_puts(b, shown++ ? ",{\"name\":" : "{\"name\":");
        rc |= put_str(b, ds->name);
        rc |= buf_puts(b, ",\"title\":");
        rc |= put_str(b, ds->title);
        rc |= buf_puts(b, ",\"api_name\":");
        rc |= put_str(b, ds->api_name);
        rc |= buf_printf(b, ",\"records\":%" PRId64 ",\"first\":", records);
        rc |= put_time(b, first);
        rc |= buf_puts(b, ",\"last\":");
        rc |= put_time(b, last);
        rc |= buf_puts(b, ",\"end\":");
        rc |= put_time(b, last + 3600);
        rc |= buf_puts(b, ",\"newest_update\":");
        rc |= updated > 0 ? put_time(b, updated) : buf_puts(b, "null");
        rc |= buf_puts(b, ",\"areas\":[");
        for (size_t i = 0; i < areas.n; i++) {
            rc |= buf_puts(b, i ? "," : "");
            rc |= put_str(b, areas.names[i]);
        }
        rc |= buf_puts(b, "],\"groups\":[");
        for (size_t i = 0; i < groups.n; i++) {
            rc |= buf_puts(b, i ? "," : "");
            rc |= put_str(b, groups.names[i]);
        }
        rc |= buf_puts(b, "],\"years\":[");
        for (size_t i = 0; i < years.n; i++)
            rc |= buf_printf(b, "%s%d", i ? "," : "", years.list[i]);
        rc |= buf_puts(b, "],\"series\":[");
        for (size_t i = 0; i < n; i++) {
            rc |= buf_puts(b, i ? ",{\"area\":" : "{\"area\":");
            rc |= put_str(b, sm[i].area);
            rc |= buf_puts(b, ",\"group\":");
            rc |= put_str(b, sm[i].group);
            rc |= buf_printf(b, ",\"records\":%" PRId64 ",\"first\":", sm[i].rows);
            rc |= put_time(b, sm[i].first);
            rc |= buf_puts(b, ",\"last\":");
            rc |= put_time(b, sm[i].last);
            rc |= buf_puts(b, ",\"kwh\":");
            rc |= put_kwh(b, sm[i].kwh);
            rc |= buf_puts(b, "}");
        }
        rc |= buf_puts(b, "]}");
        free(sm);
    }
    qsort(all_groups.names, all_groups.n, sizeof all_groups.names[0], cmp_name);
    rc |= buf_printf(b,
                     "],\"records\":%" PRId64 ",\"price_areas\":[\"NO1\",\"NO2\",\"NO3\","
                     "\"NO4\",\"NO5\"],\"groups\":{",
                     total_records);
    for (size_t i = 0; i < all_groups.n; i++) {
        const char *g = all_groups.names[i];
        rc |= buf_puts(b, i ? "," : "");
        rc |= put_str(b, g);
        rc |= buf_puts(b, ":{\"label\":");
        rc |= put_str(b, present_group_label(g));
        rc |= buf_puts(b, ",\"color\":");
        rc |= put_str(b, present_group_color(g));
        rc |= buf_puts(b, "}");
    }
    rc |= buf_puts(b, "},\"attribution\":{\"text\":\"Elhub\",\"license\":\"CC BY 4.0\","
                      "\"license_url\":\"https://creativecommons.org/licenses/by/4.0/\","
                      "\"source\":\"Elhub Energy Data API\","
                      "\"source_url\":\"https://api.elhub.no/energy-data/v0/price-areas\"},"
                      "\"version\":\"" ELHUB_VERSION "\"}\n");
    if (rc) {
        too_large(r);
        return;
    }
    r->status = 200;
    r->cacheable = 1;
}

/* ---- /api/totals -------------------------------------------------------- */

static void handle_totals(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct sel sel;
    struct err e = {0};
    struct store_total *t = NULL;
    struct store_query sq;
    struct buf *b = &r->body;
    size_t n = 0;
    int rc;

    if (parse_sel(q, P_DATASET | P_AREA | P_GROUPS | P_FROM | P_TO, &sel, &e) < 0) {
        bad_request(r, &e);
        return;
    }
    if (no_store(s, r))
        return;
    sq = sel_query(&sel);
    if (store_totals(s, &sq, &t, &n, &e) < 0) {
        store_failed(r, "/api/totals", &e);
        return;
    }
    rc = put_sel_head(b, &sel);
    rc |= buf_puts(b, ",\"unit\":\"kWh\",\"totals\":{");
    for (size_t i = 0; i < n; i++) {
        rc |= buf_puts(b, i ? "," : "");
        rc |= put_str(b, t[i].group);
        rc |= buf_puts(b, ":");
        rc |= put_kwh(b, t[i].kwh);
    }
    rc |= buf_puts(b, "},\"records\":{");
    for (size_t i = 0; i < n; i++) {
        rc |= buf_puts(b, i ? "," : "");
        rc |= put_str(b, t[i].group);
        rc |= buf_printf(b, ":%" PRId64, t[i].rows);
    }
    rc |= buf_puts(b, "}}\n");
    free(t);
    if (rc) {
        too_large(r);
        return;
    }
    r->status = 200;
    r->cacheable = 1;
}

/* ---- /api/series and /api/export.csv ------------------------------------ */

static size_t count_points(const struct store_series *ser)
{
    size_t n = 0;
    for (size_t i = 0; i < ser->ng; i++)
        n += ser->g[i].n;
    return n;
}

static int load_series(struct store *s, const struct sel *sel, struct store_series *ser,
                       struct api_response *r, const char *what)
{
    struct store_query sq = sel_query(sel);
    struct err e = {0};
    size_t n;

    if (store_series(s, &sq, sel->step, ser, &e) < 0) {
        store_series_release(ser);
        store_failed(r, what, &e);
        return -1;
    }
    n = count_points(ser);
    if (n > LIMIT_API_POINTS) {
        char msg[160];
        store_series_release(ser);
        snprintf(msg, sizeof msg,
                 "the selection has %zu points (at most %u): choose a shorter range or a "
                 "coarser step",
                 n, LIMIT_API_POINTS);
        fail(r, 400, "bad request", msg);
        return -1;
    }
    return 0;
}

static void handle_series(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct sel sel;
    struct err e = {0};
    struct store_series ser;
    struct buf *b = &r->body;
    int rc;

    if (parse_sel(q, P_DATASET | P_AREA | P_GROUPS | P_FROM | P_TO | P_STEP, &sel, &e) < 0) {
        bad_request(r, &e);
        return;
    }
    if (no_store(s, r))
        return;
    if (load_series(s, &sel, &ser, r, "/api/series") < 0)
        return;
    rc = put_sel_head(b, &sel);
    rc |= buf_puts(b, ",\"step\":");
    rc |= put_str(b, timeutil_step_name(sel.step));
    rc |= buf_puts(b, ",\"unit\":\"kWh\",\"series\":{");
    for (size_t i = 0; i < ser.ng && !rc; i++) {
        const struct store_group_series *g = &ser.g[i];
        rc |= buf_puts(b, i ? "," : "");
        rc |= put_str(b, g->group);
        rc |= buf_puts(b, ":[");
        for (size_t k = 0; k < g->n; k++) {
            rc |= buf_puts(b, k ? ",[" : "[");
            rc |= put_time(b, g->pts[k].t);
            rc |= buf_puts(b, ",");
            rc |= put_kwh(b, g->pts[k].kwh);
            rc |= buf_puts(b, "]");
        }
        rc |= buf_puts(b, "]");
    }
    rc |= buf_puts(b, "}}\n");
    store_series_release(&ser);
    if (rc) {
        too_large(r);
        return;
    }
    r->status = 200;
    r->cacheable = 1;
}

static void export_name(struct api_response *r, const struct sel *sel, const char *what)
{
    snprintf(r->filename, sizeof r->filename, "elhub-%s-%s-%s-%s-%s.csv", sel->ds->name,
             sel->area[0] ? sel->area : "all", sel->from_s[0] ? sel->from_s : "start",
             sel->to_s[0] ? sel->to_s : "end", what);
    for (char *p = r->filename; *p; p++)
        if (*p == '*')
            *p = '_';
}

/* The series as one row per bucket and one column per group, in kWh; a
 * group without a value in a bucket gets an empty cell. */
static int series_csv(struct buf *b, const struct sel *sel, const struct store_series *ser)
{
    size_t *at = xcalloc(ser->ng ? ser->ng : 1, sizeof *at);
    int rc = buf_puts(b, "start,end");

    for (size_t i = 0; i < ser->ng; i++) {
        rc |= buf_puts(b, ",");
        rc |= buf_puts(b, ser->g[i].group);
        rc |= buf_puts(b, "_kwh");
    }
    rc |= buf_puts(b, "\r\n");
    while (!rc) {
        int64_t t = INT64_MAX;
        char iso[TIMEUTIL_ISO_LEN];
        for (size_t i = 0; i < ser->ng; i++)
            if (at[i] < ser->g[i].n && ser->g[i].pts[at[i]].t < t)
                t = ser->g[i].pts[at[i]].t;
        if (t == INT64_MAX)
            break;
        rc |= buf_append(b, iso, timeutil_format_oslo(t, iso));
        rc |= buf_puts(b, ",");
        rc |=
            buf_append(b, iso, timeutil_format_oslo(timeutil_oslo_bucket_next(t, sel->step), iso));
        for (size_t i = 0; i < ser->ng; i++) {
            rc |= buf_puts(b, ",");
            if (at[i] < ser->g[i].n && ser->g[i].pts[at[i]].t == t)
                rc |= put_kwh(b, ser->g[i].pts[at[i]++].kwh);
        }
        rc |= buf_puts(b, "\r\n");
    }
    free(at);
    return rc;
}

static void handle_export(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct sel sel;
    struct err e = {0};
    struct buf *b = &r->body;
    int rc = 0;

    if (parse_sel(q, P_DATASET | P_AREA | P_GROUPS | P_FROM | P_TO | P_STEP | P_CHART, &sel, &e) <
        0) {
        bad_request(r, &e);
        return;
    }
    if (no_store(s, r))
        return;
    if (sel.chart_totals) {
        struct store_query sq = sel_query(&sel);
        struct store_total *t = NULL;
        size_t n = 0;
        if (store_totals(s, &sq, &t, &n, &e) < 0) {
            store_failed(r, "/api/export.csv", &e);
            return;
        }
        rc |= buf_puts(b, "group,kwh,records\r\n");
        for (size_t i = 0; i < n; i++) {
            rc |= buf_puts(b, t[i].group);
            rc |= buf_puts(b, ",");
            rc |= put_kwh(b, t[i].kwh);
            rc |= buf_printf(b, ",%" PRId64 "\r\n", t[i].rows);
        }
        free(t);
        export_name(r, &sel, "totals");
    } else {
        struct store_series ser;
        if (load_series(s, &sel, &ser, r, "/api/export.csv") < 0)
            return;
        rc |= series_csv(b, &sel, &ser);
        store_series_release(&ser);
        export_name(r, &sel, timeutil_step_name(sel.step));
    }
    if (rc) {
        too_large(r);
        return;
    }
    r->status = 200;
    r->type = type_csv;
    r->cacheable = 1;
}

/* ---- /api/quality ------------------------------------------------------- */

/* Appends the missing-hour ranges of one hourly series inside [from, to) as
 * [[start, end], ...] (at most LIMIT_API_GAPS; *truncated set beyond) and
 * returns the number of missing hours. */
static int64_t put_gaps(struct buf *b, const struct store_group_series *g, int64_t from, int64_t to,
                        int *truncated, int *rc)
{
    int64_t missing = 0, t = from;
    size_t k = 0, shown = 0;

    *rc |= buf_puts(b, "[");
    while (t < to) {
        int64_t next = k < g->n ? g->pts[k].t : to;
        if (next > to)
            next = to;
        if (next > t) {
            missing += (next - t + 3599) / 3600;
            if (shown < LIMIT_API_GAPS) {
                *rc |= buf_puts(b, shown ? ",[" : "[");
                *rc |= put_time(b, t);
                *rc |= buf_puts(b, ",");
                *rc |= put_time(b, next);
                *rc |= buf_puts(b, "]");
            } else {
                *truncated = 1;
            }
            shown++;
        }
        if (k < g->n) {
            t = g->pts[k].t + 3600 > t ? g->pts[k].t + 3600 : t;
            k++;
        } else {
            t = to;
        }
    }
    *rc |= buf_puts(b, "]");
    return missing;
}

static void handle_quality(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct sel sel;
    struct err e = {0};
    struct store_series ser;
    struct buf *b = &r->body;
    int truncated = 0, rc;

    if (parse_sel(q, P_DATASET | P_AREA | P_GROUPS | P_FROM | P_TO, &sel, &e) < 0) {
        bad_request(r, &e);
        return;
    }
    if (!sel.from_s[0] || !sel.to_s[0]) {
        err_set(&e, ERR_USAGE, 0, "/api/quality needs from and to (Oslo dates, inclusive)");
        bad_request(r, &e);
        return;
    }
    if (no_store(s, r))
        return;
    if (sel.ng == 0) {
        /* Every group the area has anywhere in the dataset, so a group with
         * no rows at all in the range shows as entirely missing. */
        struct store_summary *sm = NULL;
        size_t n = 0;
        if (store_summary(s, sel.ds, &sm, &n, &e) < 0) {
            store_failed(r, "/api/quality", &e);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            int dup = 0;
            if (sel.area[0] && strcmp(sm[i].area, sel.area) != 0)
                continue;
            for (size_t k = 0; k < sel.ng; k++)
                dup |= strcmp(sel.groups[k], sm[i].group) == 0;
            if (dup || sel.ng == LIMIT_API_GROUPS)
                continue;
            snprintf(sel.groups[sel.ng], LIMIT_NAME, "%s", sm[i].group);
            sel.gp[sel.ng] = sel.groups[sel.ng];
            sel.ng++;
        }
        free(sm);
    }
    sel.step = TIMEUTIL_HOUR;
    if (sel.ng == 0) {
        memset(&ser, 0, sizeof ser);
    } else if (load_series(s, &sel, &ser, r, "/api/quality") < 0) {
        return;
    }
    rc = put_sel_head(b, &sel);
    rc |= buf_printf(b, ",\"expected_hours\":%" PRId64 ",\"groups\":{", (sel.to - sel.from) / 3600);
    for (size_t i = 0; i < ser.ng; i++) {
        int64_t missing;
        rc |= buf_puts(b, i ? "," : "");
        rc |= put_str(b, ser.g[i].group);
        rc |= buf_printf(b, ":{\"present\":%zu,\"gaps\":", ser.g[i].n);
        missing = put_gaps(b, &ser.g[i], sel.from, sel.to, &truncated, &rc);
        rc |= buf_printf(b, ",\"missing\":%" PRId64 "}", missing);
    }
    rc |= buf_printf(b, "},\"truncated\":%s}\n", truncated ? "true" : "false");
    store_series_release(&ser);
    if (rc) {
        too_large(r);
        return;
    }
    r->status = 200;
    r->cacheable = 1;
}

/* ---- routing ------------------------------------------------------------ */

/* Not "ok" from an open handle alone: a cheap real read of every table
 * (the fetch log by its key, each dataset's first hour of 1970 for one
 * area, i.e. a primary-key seek that finds no row), so a file that is not
 * an elhub store, or whose tables cannot be read, answers 503. */
static void handle_healthz(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct err e = {0};
    (void)q;
    if (no_store(s, r))
        return;
    for (size_t i = 0; i < dataset_count; i++) {
        const struct dataset *ds = &dataset_all[i];
        struct store_query sq = {ds, "NO1", NULL, 0, 0, 3600};
        int done;
        if (store_is_done(s, ds, "healthz", &done, &e) < 0 ||
            store_scan(s, &sq, stop_at_first, NULL, &e) < 0) {
            log_error("healthz: %s", e.msg);
            fail(r, 503, "store unavailable",
                 "the store cannot be read (corrupt, or not an elhub store?); the server log has "
                 "the cause");
            return;
        }
    }
    r->status = 200;
    buf_puts(&r->body, "{\"status\":\"ok\",\"store\":");
    put_str(&r->body, s->ops->name);
    buf_puts(&r->body, ",\"version\":\"" ELHUB_VERSION "\"}\n");
}

static const struct {
    const char *path;
    void (*fn)(struct store *s, const struct api_query *q, struct api_response *r);
} routes[] = {
    {"/api/meta", handle_meta},       {"/api/totals", handle_totals},
    {"/api/series", handle_series},   {"/api/export.csv", handle_export},
    {"/api/quality", handle_quality}, {"/healthz", handle_healthz},
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
        if (strlen(routes[i].path) != n || memcmp(routes[i].path, target, n) != 0)
            continue;
        if (api_query_parse(target + n + (n < len), len - n - (n < len), q, &e) < 0)
            bad_request(out, &e);
        else
            routes[i].fn(s, q, out);
        free(q);
        return;
    }
    free(q);
    fail(out, 404, "not found",
         "no such endpoint; see /api/meta, /api/totals, /api/series, /api/export.csv, "
         "/api/quality, /healthz");
}
