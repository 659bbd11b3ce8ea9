/* elhub/parse: the streaming decoder of Elhub API bodies, on the generic
 * JSON tokenizer (src/json_tok.h): it pulls the tokenizer's events and keeps
 * what makes records. A small stack of contexts tracks where in the document
 * we are (envelope -> data[] -> area -> attributes -> record list ->
 * record); every subtree we do not need is skipped by depth counting. Wire
 * format: docs/ELHUB-API.md, "Response". */
#include "elhub/parse.h"

#include "elhub/names.h"

#include "caps.h"
#include "json_tok.h"
#include "mem.h"
#include "text.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

    struct json_tok tok;
    int canceled; /* the content was rejected (why says why) */
    size_t cancel_at;
    int failed; /* the parse stopped: every later call repeats its error */

    enum ctx stack[LIMIT_JSON_DEPTH];
    /* Per level, the envelope keys seen in its object (1 << K_*): a
     * repeated one is rejected, not "last wins". */
    unsigned char kseen[LIMIT_JSON_DEPTH];
    size_t depth;   /* entries used in stack */
    size_t skip;    /* > 0: inside a skipped container, its nesting depth */
    int skip_next;  /* the next value belongs to an ignored key */
    int key;        /* what the last key in the current object means */
    int envelope;   /* the document is an object (JSON:API envelope) */
    int saw_data;   /* the envelope had a data[] array */
    int saw_errors; /* the envelope had an errors[] array */

    struct record rec;
    unsigned seen;                   /* SEEN_*: the record's values set */
    unsigned keys;                   /* 1 << F_*: the record's keys seen, for repeats */
    const struct elhub_names *names; /* the dataset's Elhub keys */
    size_t group_len;                /* strlen(names->json_group) */
    /* The last priceArea and group as written and as set: they repeat for
     * hundreds of records in a row. */
    char area_raw[LIMIT_NAME], area_set[LIMIT_NAME], group_raw[LIMIT_NAME], group_set[LIMIT_NAME];
    size_t area_raw_len, group_raw_len;

    /* The last time strings parsed: lastUpdatedTime repeats on every
     * record and one record's endTime is the next one's startTime, so this
     * saves most timeutil_parse_iso calls. */
    struct {
        char s[TIMEUTIL_ISO_LEN];
        size_t len;
        int64_t t;
    } tcache[4];
    unsigned tnext;

    char why[256]; /* why the content was rejected */
    struct elhub_parse_stats st;
};

/* Keys of the envelope levels, in the key slot when the object is not a
 * record. */
enum { K_OTHER, K_DATA, K_ERRORS, K_ATTRS, K_LIST, K_FOREIGN_LIST };

/* Records why the parse stops and returns 0, the callbacks' "stop". */
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
    p->kseen[p->depth] = 0;
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
        return p->names->json_group;
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

static int on_null(struct elhub_parser *p)
{
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
        p->rec.count = -1;
        return 1;
    default:
        return stop(p, "%s is null", field_name(p));
    }
}

static int on_bool(struct elhub_parser *p)
{
    int r;
    if (skipping(p, 0))
        return 1;
    r = scalar(p, "a boolean");
    if (r >= 0)
        return r;
    if (p->key == F_OTHER)
        return 1;
    return stop(p, "%s is a boolean", field_name(p));
}

/* quantityKwh from its JSON text, read exactly as written (the nearest
 * double); the checks keep garbage out of the store. */
static int set_kwh(struct elhub_parser *p, const char *s, size_t len)
{
    char shown[80];
    /* Negative values are real: consumption groups with local production
     * (NO4 tertiary in late 2025) report net negative hours. The bounds
     * are record_check's, at the end of the record. */
    if (len > TEXT_DECIMAL_MAX)
        return stop(p, "quantityKwh has more than %d characters", TEXT_DECIMAL_MAX);
    if (text_decimal(s, len, &p->rec.value) < 0)
        return stop(p, "quantityKwh %s is not a finite number",
                    err_quote(s, len, shown, sizeof shown));
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
    p->rec.count = v;
    return 1;
}

static int on_number(struct elhub_parser *p, const char *s, size_t len)
{
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

/* Whether times a and b (both len >= 16 bytes) agree outside the hour
 * digits a[11..13): four overlapping 8-byte words for the usual lengths. */
static int same_but_hour(const char *a, const char *b, size_t len)
{
    if (len >= 21 && len <= 29) {
        uint64_t x[4], y[4];
        memcpy(&x[0], a, 8);
        memcpy(&x[1], a + 3, 8);
        memcpy(&x[2], a + 13, 8);
        memcpy(&x[3], a + len - 8, 8);
        memcpy(&y[0], b, 8);
        memcpy(&y[1], b + 3, 8);
        memcpy(&y[2], b + 13, 8);
        memcpy(&y[3], b + len - 8, 8);
        return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
    }
    return memcmp(a, b, 11) == 0 && memcmp(a + 13, b + 13, len - 13) == 0;
}

static int set_time(struct elhub_parser *p, const char *s, size_t len, int64_t *out)
{
    struct err e;
    /* A cached time that differs at most in the hour digits: the hour adds
     * linearly (the cached one was validated, the offset is explicit). */
    for (size_t i = 0; len >= 16 && i < sizeof p->tcache / sizeof p->tcache[0]; i++) {
        const char *c = p->tcache[i].s;
        if (p->tcache[i].len == len && same_but_hour(c, s, len) && s[11] >= '0' && s[11] <= '2' &&
            s[12] >= '0' && s[12] <= '9') {
            int h = (s[11] - '0') * 10 + (s[12] - '0');
            int ch = (c[11] - '0') * 10 + (c[12] - '0');
            if (h > 23)
                break;
            *out = p->tcache[i].t + (int64_t)(h - ch) * 3600;
            return 1;
        }
    }
    e.msg[0] = '\0';
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

static int on_string(struct elhub_parser *p, const char *s, size_t len)
{
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
        if (len > 0 && len == p->area_raw_len && memcmp(s, p->area_raw, len) == 0) {
            memcpy(p->rec.area, p->area_set, len + 1);
        } else {
            struct err ne = {0};
            if (record_set_area(&p->rec, s, len, &ne) < 0)
                return stop(p, "priceArea: %s", ne.msg);
            memcpy(p->area_raw, s, len); /* len < LIMIT_NAME: record_set_area checked */
            p->area_raw_len = len;
            memcpy(p->area_set, p->rec.area, len + 1);
        }
        p->seen |= SEEN_AREA;
        return 1;
    case F_GROUP:
        if (len > 0 && len == p->group_raw_len && memcmp(s, p->group_raw, len) == 0) {
            memcpy(p->rec.group, p->group_set, len + 1);
        } else {
            struct err ne = {0};
            if (record_set_group(&p->rec, s, len, &ne) < 0)
                return stop(p, "%s: %s", p->names->json_group, ne.msg);
            memcpy(p->group_raw, s, len);
            p->group_raw_len = len;
            memcpy(p->group_set, p->rec.group, len + 1);
        }
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
    /* Told apart by length and first letter: one memcmp per key. */
    switch (len) {
    case 7:
        if (IS("endTime"))
            return F_END;
        break;
    case 9:
        if (k[0] == 's' && IS("startTime"))
            return F_START;
        if (k[0] == 'p' && IS("priceArea"))
            return F_AREA;
        break;
    case 11:
        if (IS("quantityKwh"))
            return F_KWH;
        break;
    case 15:
        if (k[0] == 'l' && IS("lastUpdatedTime"))
            return F_UPDATED;
        break;
    case 18:
        if (IS("meteringPointCount"))
            return F_METERS;
        break;
    default:
        break;
    }
    if (len == p->group_len && memcmp(k, p->names->json_group, len) == 0)
        return F_GROUP;
    return F_OTHER;
#undef IS
}

/* A key of an envelope level: a repeat is rejected (the second "data"
 * would add records the first did not announce, or replace them). */
static int envelope_key(struct elhub_parser *p, const char *k, size_t len)
{
    unsigned bit = 1u << p->key;
    if (p->key == K_OTHER)
        return 1;
    if (p->kseen[p->depth - 1] & bit)
        return stop(p, "the key \"%.*s\" appears twice in one object", (int)len, k);
    p->kseen[p->depth - 1] |= (unsigned char)bit;
    return 1;
}

static int on_map_key(struct elhub_parser *p, const char *k, size_t len)
{
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
        if (len == strlen(p->names->json_list) && memcmp(k, p->names->json_list, len) == 0) {
            p->key = K_LIST;
        } else {
            for (size_t i = 0; i < elhub_names_count; i++)
                if (len == strlen(elhub_names_all[i].json_list) &&
                    memcmp(k, elhub_names_all[i].json_list, len) == 0)
                    p->key = K_FOREIGN_LIST;
        }
        break;
    case C_RECORD:
        p->key = record_key(p, k, len);
        if (p->key != F_OTHER) {
            /* "priceArea":"NO1","priceArea":"NO2" is a contradiction, not
             * NO2. Keys the decoder ignores change nothing it stores. */
            unsigned bit = 1u << p->key;
            if (p->keys & bit)
                return stop(p, "%s appears twice in one record", field_name(p));
            p->keys |= bit;
        } else {
            p->skip_next = 1;
        }
        return 1;
    default:
        break;
    }
    if (!envelope_key(p, k, len))
        return 0;
    if (p->key == K_OTHER || (top(p) == C_ENVELOPE && p->key == K_ERRORS))
        p->skip_next = 1;
    if (top(p) == C_ATTRS && p->key == K_FOREIGN_LIST)
        p->skip_next = 0;
    return 1;
}

static int on_start_map(struct elhub_parser *p)
{
    if (skipping(p, 1))
        return 1;
    switch (top(p)) {
    case C_ROOT:
        p->envelope = 1;
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
        p->rec.count = -1;
        p->seen = 0;
        p->keys = 0;
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

static int on_start_array(struct elhub_parser *p)
{
    if (skipping(p, 1))
        return 1;
    switch (top(p)) {
    case C_ROOT:
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
        return stop(p, "record without %s", p->names->json_group);
    if (!(p->seen & SEEN_START))
        return stop(p, "record without %s", "startTime");
    if (!(p->seen & SEEN_KWH))
        return stop(p, "record without %s", "quantityKwh");
    if (!(p->seen & SEEN_END))
        r->end = r->start + 3600;
    {
        struct err ce = {0};
        if (record_check(p->ds, r, &ce) < 0)
            return stop(p, "%s", ce.msg);
    }
    if (p->st.records == 0 || r->start < p->st.min_start)
        p->st.min_start = r->start;
    if (p->st.records == 0 || r->start > p->st.max_start)
        p->st.max_start = r->start;
    p->st.records++;
    if (p->fn(r, p->ctx) != 0)
        return stop(p, "%s", "stopped by the record handler");
    return 1;
}

static int on_end_container(struct elhub_parser *p)
{
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

/* Hands one event of the tokenizer to the semantic layer; 0 if the content
 * is rejected (p->why says why). */
static inline int dispatch(struct elhub_parser *p, const struct json_tok_event *ev)
{
    switch (ev->type) {
    case JSON_TOK_BEGIN_OBJECT:
        return on_start_map(p);
    case JSON_TOK_BEGIN_ARRAY:
        return on_start_array(p);
    case JSON_TOK_END_OBJECT:
    case JSON_TOK_END_ARRAY:
        return on_end_container(p);
    case JSON_TOK_KEY:
        return on_map_key(p, ev->s, ev->len);
    case JSON_TOK_STRING:
        return on_string(p, ev->s, ev->len);
    case JSON_TOK_NUMBER:
        return on_number(p, ev->s, ev->len);
    case JSON_TOK_TRUE:
    case JSON_TOK_FALSE:
        return on_bool(p);
    case JSON_TOK_NULL:
        return on_null(p);
    default:
        return 1;
    }
}

struct elhub_parser *elhub_parser_new(const struct dataset *ds, elhub_record_fn fn, void *ctx)
{
    struct elhub_parser *p = xcalloc(1, sizeof *p);
    p->ds = ds;
    p->fn = fn;
    p->ctx = ctx;
    json_tok_init(&p->tok);
    p->stack[0] = C_ROOT;
    p->depth = 1;
    p->names = elhub_names(ds);
    p->group_len = strlen(p->names->json_group);
    return p;
}

void elhub_parser_free(struct elhub_parser *p)
{
    if (!p)
        return;
    json_tok_release(&p->tok);
    free(p);
}

/* The error that stopped the parse, again: content, with the absolute byte
 * offset, or the tokenizer's own (which it repeats). */
static int fail(struct elhub_parser *p, struct err *e)
{
    struct json_tok_event ev;
    p->failed = 1;
    if (p->canceled)
        return err_set(e, ERR_PARSE, (long)p->cancel_at, "bad %s data at byte %zu: %s", p->ds->name,
                       p->cancel_at, p->why);
    json_tok_next(&p->tok, &ev, e);
    return -1;
}

/* Pulls and handles events until the tokenizer wants more input (0), the
 * document is complete (0) or something is wrong (-1). */
static int run(struct elhub_parser *p, struct err *e)
{
    struct json_tok_event ev[64];
    for (;;) {
        size_t k = json_tok_next_n(&p->tok, ev, sizeof ev / sizeof ev[0], NULL);
        for (size_t j = 0; j < k; j++) {
            switch (ev[j].type) {
            case JSON_TOK_MORE:
            case JSON_TOK_DONE:
                return 0;
            case JSON_TOK_ERROR:
                return fail(p, e);
            default:
                if (!dispatch(p, &ev[j])) {
                    p->canceled = 1;
                    p->cancel_at = ev[j].end;
                    return fail(p, e);
                }
            }
        }
    }
}

int elhub_parser_feed(struct elhub_parser *p, const char *chunk, size_t n, struct err *e)
{
    if (p->failed)
        return fail(p, e);
    if (n == 0)
        return 0;
    json_tok_feed(&p->tok, chunk, n);
    return run(p, e);
}

int elhub_parser_finish(struct elhub_parser *p, struct elhub_parse_stats *st, struct err *e)
{
    if (st)
        *st = p->st;
    if (p->failed)
        return fail(p, e);
    json_tok_end(&p->tok);
    if (run(p, e) < 0) {
        if (st)
            *st = p->st;
        return -1;
    }
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

/* ---- JSON:API error bodies -------------------------------------------- */

/* The members of the first error object kept for the message, shown with
 * every byte outside printable ASCII escaped (err_quote): no byte of a
 * body reaches a terminal raw. */
struct api_error {
    char title[200], detail[200], status[32];
    int has_title, has_detail, has_status;
};

/* Keeps the string member the last key named, if it is one we show. */
static void api_error_member(struct api_error *a, const char *key, size_t klen,
                             const struct json_tok_event *ev)
{
    if (ev->type != JSON_TOK_STRING)
        return;
    if (klen == 5 && memcmp(key, "title", 5) == 0 && !a->has_title) {
        err_quote(ev->s, ev->len, a->title, sizeof a->title);
        a->has_title = 1;
    } else if (klen == 6 && memcmp(key, "detail", 6) == 0 && !a->has_detail) {
        err_quote(ev->s, ev->len, a->detail, sizeof a->detail);
        a->has_detail = 1;
    } else if (klen == 6 && memcmp(key, "status", 6) == 0 && !a->has_status) {
        err_quote(ev->s, ev->len, a->status, sizeof a->status);
        a->has_status = 1;
    }
}

int elhub_parse_api_error(const char *body, size_t len, char *out, size_t n)
{
    struct json_tok t;
    struct json_tok_event ev;
    struct api_error a;
    char key[8] = "";
    size_t klen = 0;
    /* Events of the document: the root must be an object whose "errors"
     * is an array whose first entry is an object (depths 1, 2, 3). */
    int first = 1, errors_next = 0, in_errors = 0, entry = 0, rc = -1, type;

    memset(&a, 0, sizeof a);
    if (n)
        out[0] = '\0';
    if (len > LIMIT_API_ERROR_BODY)
        return -1;
    json_tok_init(&t);
    json_tok_feed(&t, body, len);
    json_tok_end(&t);
    while ((type = json_tok_next(&t, &ev, NULL)) > JSON_TOK_DONE) {
        if (first) {
            if (type != JSON_TOK_BEGIN_OBJECT)
                goto out;
            first = 0;
        } else if (!in_errors) {
            if (errors_next && entry == 0 && type == JSON_TOK_BEGIN_ARRAY)
                in_errors = 1;
            errors_next = ev.depth == 1 && type == JSON_TOK_KEY && ev.len == 6 &&
                          memcmp(ev.s, "errors", 6) == 0;
        } else if (entry == 0) {
            if (type != JSON_TOK_BEGIN_OBJECT || ev.depth != 3)
                goto out; /* "errors":[] or [7]: no error object */
            entry = 1;
        } else if (entry == 1) {
            if (ev.depth == 2 && type == JSON_TOK_END_OBJECT) {
                entry = 2; /* the rest is only checked to be JSON */
                in_errors = 0;
            } else if (ev.depth == 3 && type == JSON_TOK_KEY) {
                klen = ev.len < sizeof key ? ev.len : sizeof key;
                memcpy(key, ev.s, klen);
            } else if (ev.depth == 3 || (ev.depth == 4 && (type == JSON_TOK_BEGIN_OBJECT ||
                                                           type == JSON_TOK_BEGIN_ARRAY))) {
                api_error_member(&a, key, klen, &ev);
                klen = 0;
            }
        }
    }
    if (type != JSON_TOK_DONE || entry != 2)
        goto out;
    if (a.has_title && a.has_detail && a.detail[0])
        snprintf(out, n, "%s: %s", a.title, a.detail);
    else if (a.has_title || a.has_detail)
        snprintf(out, n, "%s", a.has_title ? a.title : a.detail);
    else if (a.has_status)
        snprintf(out, n, "status %s", a.status);
    else
        goto out;
    rc = 0;
out:
    json_tok_release(&t);
    return rc;
}
