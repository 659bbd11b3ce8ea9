/* elhub/parse: the streaming decoder of Elhub API bodies, built on yajl's SAX
 * callbacks. A small stack of contexts tracks where in the document we are
 * (envelope -> data[] -> area -> attributes -> record list -> record); every
 * subtree we do not need is skipped by depth counting. Wire format: shared
 * docs ELHUB-API.md, "Response". */
#include "elhub/parse.h"

#include "caps.h"
#include "mem.h"
#include "timeutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

/* Where a value sits. The stack holds the context of each open container. */
enum ctx {
    C_ROOT,     /* before the first value */
    C_ENVELOPE, /* the top-level object {"data":..,"links":..,"meta":..} */
    C_DATA,     /* the data[] array of price-area objects */
    C_AREA,     /* one price-area object */
    C_ATTRS,    /* its attributes object */
    C_LIST,     /* the record list (envelope) or the top-level array */
    C_RECORD,   /* one record object */
    C_FOREIGN   /* the record list of another dataset (must stay empty) */
};

/* The record keys we read; F_OTHER keys are skipped. */
enum field { F_OTHER, F_AREA, F_GROUP, F_START, F_END, F_UPDATED, F_KWH, F_METERS };

enum { SEEN_AREA = 1, SEEN_GROUP = 2, SEEN_START = 4, SEEN_KWH = 8, SEEN_END = 16 };

struct elhub_parser {
    const struct dataset *ds;
    elhub_record_fn fn;
    void *ctx;
    yajl_handle h;

    enum ctx stack[LIMIT_JSON_DEPTH];
    size_t depth;   /* entries used in stack */
    size_t skip;    /* > 0: inside a skipped container, its nesting depth */
    int skip_next;  /* the next value belongs to an ignored key */
    int key;        /* what the last key in the current object means */
    int started;    /* the first value opened */
    int envelope;   /* the document is an object (JSON:API envelope) */
    int saw_data;   /* the envelope had a data[] array */
    int saw_errors; /* the envelope had an errors[] array */

    struct record rec;
    unsigned seen;

    /* The last time strings parsed: lastUpdatedTime repeats on every
     * record and one record's endTime is the next one's startTime, so this
     * saves most timeutil_parse_iso calls. */
    struct {
        char s[TIMEUTIL_ISO_LEN];
        size_t len;
        int64_t t;
    } tcache[4];
    unsigned tnext;

    size_t offset; /* bytes fed before the current chunk */
    char why[256]; /* why a callback stopped the parse */
    struct elhub_parse_stats st;
};

/* Keys of the envelope levels, in the key slot when the object is not a
 * record. */
enum { K_OTHER, K_DATA, K_ERRORS, K_ATTRS, K_LIST, K_FOREIGN_LIST };

/* Records why the parse stops and returns yajl's "cancel". */
static int stop(struct elhub_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int stop(struct elhub_parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    return 0;
}

static enum ctx top(const struct elhub_parser *p)
{
    return p->stack[p->depth - 1];
}

static int push(struct elhub_parser *p, enum ctx c)
{
    if (p->depth >= LIMIT_JSON_DEPTH)
        return stop(p, "nesting deeper than %d levels", LIMIT_JSON_DEPTH);
    p->stack[p->depth++] = c;
    p->key = K_OTHER;
    return 1;
}

/* The name of the current key for messages. */
static const char *field_name(const struct elhub_parser *p)
{
    switch (p->key) {
    case F_AREA:
        return "priceArea";
    case F_GROUP:
        return p->ds->json_group;
    case F_START:
        return "startTime";
    case F_END:
        return "endTime";
    case F_UPDATED:
        return "lastUpdatedTime";
    case F_KWH:
        return "quantityKwh";
    case F_METERS:
        return "meteringPointCount";
    default:
        return "?";
    }
}

/* Common entry of every value callback: handles skipping. Returns 1 if the
 * value is to be ignored (and adjusts skip depth for containers). */
static int skipping(struct elhub_parser *p, int opens)
{
    if (p->skip) {
        if (opens)
            p->skip++;
        return 1;
    }
    if (p->skip_next) {
        p->skip_next = 0;
        if (opens)
            p->skip = 1;
        return 1;
    }
    return 0;
}

/* A scalar that is not where one may be. */
static int scalar(struct elhub_parser *p, const char *what)
{
    switch (top(p)) {
    case C_ROOT:
        return stop(p, "expected an API response object or an array of records, got %s", what);
    case C_DATA:
        return stop(p, "data[] holds %s, expected price-area objects", what);
    case C_LIST:
        return stop(p, "the record list holds %s, expected record objects", what);
    case C_RECORD:
        break;
    case C_FOREIGN:
        return stop(p, "the body holds records of another dataset, not %s", p->ds->name);
    default:
        /* A scalar under a known key of the envelope levels. */
        if (p->key == K_DATA)
            return stop(p, "\"data\" is %s, expected an array", what);
        if (p->key == K_LIST)
            return stop(p, "the record list is %s, expected an array", what);
        return 1;
    }
    return -1; /* a record field: the caller handles it */
}

static int on_null(void *c)
{
    struct elhub_parser *p = c;
    int r;
    if (skipping(p, 0))
        return 1;
    if (top(p) == C_ATTRS && p->key == K_LIST)
        return 1; /* a null record list is an empty one */
    r = scalar(p, "null");
    if (r >= 0)
        return r;
    switch (p->key) {
    case F_OTHER:
        return 1;
    case F_END:
        p->seen &= ~(unsigned)SEEN_END;
        return 1;
    case F_UPDATED:
        p->rec.updated = 0;
        return 1;
    case F_METERS:
        p->rec.meter_count = -1;
        return 1;
    default:
        return stop(p, "%s is null", field_name(p));
    }
}

static int on_bool(void *c, int b)
{
    struct elhub_parser *p = c;
    int r;
    (void)b;
    if (skipping(p, 0))
        return 1;
    r = scalar(p, "a boolean");
    if (r >= 0)
        return r;
    if (p->key == F_OTHER)
        return 1;
    return stop(p, "%s is a boolean", field_name(p));
}

/* quantityKwh from its JSON text: strtod reads it exactly as written (the
 * nearest double), and the checks keep garbage out of the store. */
static int set_kwh(struct elhub_parser *p, const char *s, size_t len)
{
    char tmp[64];
    char *end;
    double v;

    if (len >= sizeof tmp)
        return stop(p, "quantityKwh has more than %zu characters", sizeof tmp - 1);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    v = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return stop(p, "quantityKwh %s is not a finite number", tmp);
    /* Negative values are real: consumption groups with local production
     * (NO4 tertiary in late 2025) report net negative hours. */
    if (fabs(v) > LIMIT_KWH_MAX)
        return stop(p, "quantityKwh %s is implausibly large", tmp);
    p->rec.kwh = v + 0.0; /* turns -0.0 into 0.0 */
    p->seen |= SEEN_KWH;
    return 1;
}

static int set_meters(struct elhub_parser *p, const char *s, size_t len)
{
    int64_t v = 0;
    if (len == 0 || len > 15)
        return stop(p, "meteringPointCount %.*s is out of range", (int)(len > 20 ? 20 : len), s);
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return stop(p, "meteringPointCount %.*s is not a non-negative integer",
                        (int)(len > 20 ? 20 : len), s);
        v = v * 10 + (s[i] - '0');
    }
    p->rec.meter_count = v;
    return 1;
}

static int on_number(void *c, const char *s, size_t len)
{
    struct elhub_parser *p = c;
    int r;
    if (skipping(p, 0))
        return 1;
    r = scalar(p, "a number");
    if (r >= 0)
        return r;
    switch (p->key) {
    case F_OTHER:
        return 1;
    case F_KWH:
        return set_kwh(p, s, len);
    case F_METERS:
        return set_meters(p, s, len);
    default:
        return stop(p, "%s is a number, expected a string", field_name(p));
    }
}

static int set_time(struct elhub_parser *p, const char *s, size_t len, int64_t *out)
{
    struct err e = {0};
    for (size_t i = 0; len > 0 && i < sizeof p->tcache / sizeof p->tcache[0]; i++) {
        if (p->tcache[i].len == len && memcmp(p->tcache[i].s, s, len) == 0) {
            *out = p->tcache[i].t;
            return 1;
        }
    }
    if (timeutil_parse_iso(s, len, out, &e) < 0)
        return stop(p, "%s: %s", field_name(p), e.msg);
    if (len < TIMEUTIL_ISO_LEN) {
        unsigned k = p->tnext++ % (unsigned)(sizeof p->tcache / sizeof p->tcache[0]);
        memcpy(p->tcache[k].s, s, len);
        p->tcache[k].len = len;
        p->tcache[k].t = *out;
    }
    return 1;
}

static int on_string(void *c, const unsigned char *u, size_t len)
{
    struct elhub_parser *p = c;
    const char *s = (const char *)u;
    int r;
    if (skipping(p, 0))
        return 1;
    r = scalar(p, "a string");
    if (r >= 0)
        return r;
    switch (p->key) {
    case F_OTHER:
        return 1;
    case F_AREA:
        if (dataset_set_area(&p->rec, s, len) < 0)
            return stop(p, "priceArea is empty, too long or has control characters");
        p->seen |= SEEN_AREA;
        return 1;
    case F_GROUP:
        if (dataset_set_group(&p->rec, s, len) < 0)
            return stop(p, "%s is empty, too long or has control characters", p->ds->json_group);
        p->seen |= SEEN_GROUP;
        return 1;
    case F_START:
        p->seen |= SEEN_START;
        return set_time(p, s, len, &p->rec.start);
    case F_END:
        p->seen |= SEEN_END;
        return set_time(p, s, len, &p->rec.end);
    case F_UPDATED:
        return set_time(p, s, len, &p->rec.updated);
    default:
        return stop(p, "%s is a string, expected a number", field_name(p));
    }
}

static int record_key(const struct elhub_parser *p, const char *k, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(k, lit, len) == 0)
    if (IS("priceArea"))
        return F_AREA;
    if (len == strlen(p->ds->json_group) && memcmp(k, p->ds->json_group, len) == 0)
        return F_GROUP;
    if (IS("startTime"))
        return F_START;
    if (IS("endTime"))
        return F_END;
    if (IS("lastUpdatedTime"))
        return F_UPDATED;
    if (IS("quantityKwh"))
        return F_KWH;
    if (IS("meteringPointCount"))
        return F_METERS;
    return F_OTHER;
#undef IS
}

static int on_map_key(void *c, const unsigned char *u, size_t len)
{
    struct elhub_parser *p = c;
    const char *k = (const char *)u;
    if (p->skip)
        return 1;
    p->skip_next = 0;
    switch (top(p)) {
    case C_ENVELOPE:
        p->key = len == 4 && memcmp(k, "data", 4) == 0     ? K_DATA
                 : len == 6 && memcmp(k, "errors", 6) == 0 ? K_ERRORS
                                                           : K_OTHER;
        if (p->key == K_ERRORS)
            p->saw_errors = 1;
        break;
    case C_AREA:
        p->key = len == 10 && memcmp(k, "attributes", 10) == 0 ? K_ATTRS : K_OTHER;
        break;
    case C_ATTRS:
        p->key = K_OTHER;
        if (len == strlen(p->ds->json_list) && memcmp(k, p->ds->json_list, len) == 0) {
            p->key = K_LIST;
        } else {
            for (size_t i = 0; i < dataset_count; i++)
                if (len == strlen(dataset_all[i].json_list) &&
                    memcmp(k, dataset_all[i].json_list, len) == 0)
                    p->key = K_FOREIGN_LIST;
        }
        break;
    case C_RECORD:
        p->key = record_key(p, k, len);
        break;
    default:
        break;
    }
    if (p->key == K_OTHER || (top(p) == C_ENVELOPE && p->key == K_ERRORS))
        p->skip_next = 1;
    if (top(p) == C_ATTRS && p->key == K_FOREIGN_LIST)
        p->skip_next = 0;
    return 1;
}

static int on_start_map(void *c)
{
    struct elhub_parser *p = c;
    if (skipping(p, 1))
        return 1;
    switch (top(p)) {
    case C_ROOT:
        p->started = p->envelope = 1;
        return push(p, C_ENVELOPE);
    case C_DATA:
        p->st.areas++;
        return push(p, C_AREA);
    case C_AREA:
        if (p->key == K_ATTRS)
            return push(p, C_ATTRS);
        p->skip = 1;
        return 1;
    case C_LIST:
        memset(&p->rec, 0, sizeof p->rec);
        p->rec.meter_count = -1;
        p->seen = 0;
        return push(p, C_RECORD);
    case C_RECORD:
        if (p->key != F_OTHER)
            return stop(p, "%s is an object", field_name(p));
        p->skip = 1;
        return 1;
    case C_ENVELOPE:
        if (p->key == K_DATA)
            return stop(p, "\"data\" is an object, expected an array");
        p->skip = 1;
        return 1;
    case C_FOREIGN:
        /* An empty list of another dataset (the "*" area) is harmless; a
         * record in it means the body is not the dataset we parse. */
        return stop(p, "the body holds records of another dataset, not %s", p->ds->name);
    case C_ATTRS:
        if (p->key == K_LIST)
            return stop(p, "the record list is an object, expected an array");
        if (p->key == K_FOREIGN_LIST)
            return stop(p, "the record list of another dataset is an object");
        p->skip = 1;
        return 1;
    }
    return 1;
}

static int on_start_array(void *c)
{
    struct elhub_parser *p = c;
    if (skipping(p, 1))
        return 1;
    switch (top(p)) {
    case C_ROOT:
        p->started = 1;
        return push(p, C_LIST);
    case C_ENVELOPE:
        if (p->key == K_DATA) {
            p->saw_data = 1;
            return push(p, C_DATA);
        }
        p->skip = 1;
        return 1;
    case C_ATTRS:
        if (p->key == K_LIST)
            return push(p, C_LIST);
        if (p->key == K_FOREIGN_LIST) /* see C_FOREIGN in on_start_map */
            return push(p, C_FOREIGN);
        p->skip = 1;
        return 1;
    case C_DATA:
        return stop(p, "data[] holds %s, expected price-area objects", "an array");
    case C_LIST:
        return stop(p, "the record list holds %s, expected record objects", "an array");
    case C_RECORD:
        if (p->key != F_OTHER)
            return stop(p, "%s is an array", field_name(p));
        p->skip = 1;
        return 1;
    default:
        p->skip = 1;
        return 1;
    }
}

static int end_record(struct elhub_parser *p)
{
    struct record *r = &p->rec;
    if (!(p->seen & SEEN_AREA))
        return stop(p, "record without %s", "priceArea");
    if (!(p->seen & SEEN_GROUP))
        return stop(p, "record without %s", p->ds->json_group);
    if (!(p->seen & SEEN_START))
        return stop(p, "record without %s", "startTime");
    if (!(p->seen & SEEN_KWH))
        return stop(p, "record without %s", "quantityKwh");
    if (!(p->seen & SEEN_END))
        r->end = r->start + 3600;
    if (r->end <= r->start)
        return stop(p, "record ends before it starts (%s)", "endTime <= startTime");
    if (p->st.records == 0 || r->start < p->st.min_start)
        p->st.min_start = r->start;
    if (p->st.records == 0 || r->start > p->st.max_start)
        p->st.max_start = r->start;
    p->st.records++;
    if (p->fn(r, p->ctx) != 0)
        return stop(p, "%s", "stopped by the record handler");
    return 1;
}

static int on_end_container(void *c)
{
    struct elhub_parser *p = c;
    enum ctx was;
    if (p->skip) {
        p->skip--;
        return 1;
    }
    was = top(p);
    p->depth--;
    if (was == C_RECORD)
        return end_record(p);
    /* Back in the parent: its current key was consumed. */
    p->key = K_OTHER;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null,        on_bool,          NULL,
    NULL,           on_number,        on_string,
    on_start_map,   on_map_key,       on_end_container,
    on_start_array, on_end_container,
};

struct elhub_parser *elhub_parser_new(const struct dataset *ds, elhub_record_fn fn, void *ctx)
{
    struct elhub_parser *p = xcalloc(1, sizeof *p);
    p->ds = ds;
    p->fn = fn;
    p->ctx = ctx;
    p->stack[0] = C_ROOT;
    p->depth = 1;
    p->h = yajl_alloc(&callbacks, NULL, p);
    if (!p->h)
        abort(); /* yajl only fails on out-of-memory */
    return p;
}

void elhub_parser_free(struct elhub_parser *p)
{
    if (!p)
        return;
    yajl_free(p->h);
    free(p);
}

/* Turns a yajl status into our error, with the absolute byte offset. */
static int fail(struct elhub_parser *p, yajl_status s, const char *chunk, size_t n, struct err *e)
{
    size_t at = p->offset + yajl_get_bytes_consumed(p->h);
    if (s == yajl_status_client_canceled)
        return err_set(e, ERR_PARSE, (long)at, "bad %s data at byte %zu: %s", p->ds->name, at,
                       p->why);
    {
        unsigned char *msg = yajl_get_error(p->h, 0, (const unsigned char *)chunk, n);
        size_t len = msg ? strlen((const char *)msg) : 0;
        while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
            msg[--len] = '\0'; /* yajl ends its message with a newline */
        err_set(e, ERR_PARSE, (long)at, "bad JSON at byte %zu: %s", at,
                len ? (const char *)msg : "syntax error");
        yajl_free_error(p->h, msg);
    }
    return -1;
}

int elhub_parser_feed(struct elhub_parser *p, const char *chunk, size_t n, struct err *e)
{
    yajl_status s;
    if (n == 0)
        return 0;
    s = yajl_parse(p->h, (const unsigned char *)chunk, n);
    if (s != yajl_status_ok)
        return fail(p, s, chunk, n, e);
    p->offset += n;
    return 0;
}

int elhub_parser_finish(struct elhub_parser *p, struct elhub_parse_stats *st, struct err *e)
{
    yajl_status s;

    if (st)
        *st = p->st;
    s = yajl_complete_parse(p->h);
    if (s == yajl_status_client_canceled)
        return fail(p, s, "", 0, e);
    if (!p->started && p->offset == 0)
        return err_set(e, ERR_PARSE, 0, "empty document: expected JSON");
    if (s != yajl_status_ok || p->depth > 1)
        return err_set(e, ERR_PARSE, (long)p->offset,
                       "bad JSON at byte %zu: the document ends early (truncated body?)",
                       p->offset);
    if (p->envelope && !p->saw_data)
        return err_set(e, ERR_PARSE, 0,
                       p->saw_errors ? "the body is a JSON:API error document, not data"
                                     : "not an Elhub API response: no \"data\" array");
    if (st)
        *st = p->st;
    return 0;
}

int elhub_parse(const struct dataset *ds, const char *body, size_t len, elhub_record_fn fn,
                void *ctx, struct elhub_parse_stats *st, struct err *e)
{
    struct elhub_parser *p = elhub_parser_new(ds, fn, ctx);
    int rc = elhub_parser_feed(p, body, len, e);
    if (rc == 0)
        rc = elhub_parser_finish(p, st, e);
    else if (st)
        memset(st, 0, sizeof *st);
    elhub_parser_free(p);
    return rc;
}

/* Copies a string node's value, or "" if it is not a string. */
static const char *tree_str(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

int elhub_parse_api_error(const char *body, size_t len, char *out, size_t n)
{
    char *copy;
    yajl_val root, errors, first;
    const char *path[] = {"errors", NULL};
    const char *title, *detail, *status;
    int rc = -1;

    if (n)
        out[0] = '\0';
    if (len > LIMIT_API_ERROR_BODY)
        return -1;
    /* Error bodies are small: a DOM parse of a NUL-terminated copy is fine. */
    copy = xstrndup(body, len);
    root = yajl_tree_parse(copy, NULL, 0);
    free(copy);
    if (!root)
        return -1;
    errors = yajl_tree_get(root, path, yajl_t_array);
    if (!errors || YAJL_GET_ARRAY(errors)->len == 0)
        goto out;
    first = YAJL_GET_ARRAY(errors)->values[0];
    if (!YAJL_IS_OBJECT(first))
        goto out;
    title = tree_str(first, "title");
    detail = tree_str(first, "detail");
    status = tree_str(first, "status");
    if (title && detail && *detail)
        snprintf(out, n, "%s: %s", title, detail);
    else if (title || detail)
        snprintf(out, n, "%s", title ? title : detail);
    else if (status)
        snprintf(out, n, "status %s", status);
    else
        goto out;
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}
