/* elhub/parse: the streaming decoder of Elhub API bodies: an RFC 8259 JSON
 * tokenizer of our own (resumable at any byte) driving SAX-style callbacks.
 * A small stack of contexts tracks where in the document we are
 * (envelope -> data[] -> area -> attributes -> record list -> record); every
 * subtree we do not need is skipped by depth counting. Wire format:
 * docs/ELHUB-API.md, "Response". */
#include "elhub/parse.h"

#include "elhub/names.h"

#include "caps.h"
#include "mem.h"
#include "timeutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

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

    /* The tokenizer (grammar state, container kinds, a cut token). */
    int gstate;                               /* enum gstate */
    size_t nest;                              /* open containers */
    int in_obj;                               /* the innermost one is an object */
    unsigned char gtype[LIMIT_JSON_NEST / 8]; /* bit set: that level is an object */
    char *carry;                              /* a token cut by a chunk end */
    size_t carry_len, carry_cap;
    int carry_esc; /* the cut string ends inside an escape */
    char *dec;     /* unescaped string */
    size_t dec_cap;
    int canceled; /* a callback stopped the parse (why says why) */
    size_t cancel_at;
    char bad[96]; /* a JSON syntax error */
    size_t bad_at;
    int failed;

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

    size_t offset; /* bytes fed before the current chunk */
    char why[256]; /* why a callback stopped the parse */
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
        p->rec.count = -1;
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

/* The common quantityKwh, "-?digits(.digits)?" with at most 15 significant
 * digits, already validated by scan_number: m / 10^k with m < 2^53 and
 * k <= 22, both exact doubles, so the one division is correctly rounded
 * and gives the nearest double, exactly what strtod returns (Clinger's fast
 * path, "How to read floating point numbers accurately", PLDI 1990).
 * Returns 0 when the text is not of that shape (strtod takes over). */
static int kwh_fast(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    size_t i = 0, nd = 0, frac = 0;
    int neg = 0, dot = 0;
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (++nd > 15)
                return 0;
            m = m * 10 + (uint64_t)(c - '0');
            frac += (size_t)dot;
        } else if (c == '.' && !dot) {
            dot = 1;
        } else {
            return 0; /* an exponent */
        }
    }
    if (nd == 0 || frac > 22)
        return 0;
    *out = (double)m / pow10[frac];
    if (neg)
        *out = -*out;
    return 1;
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
    if (kwh_fast(s, len, &v)) {
        /* Its bounds are record_check's, at the end of the record. */
        p->rec.value = v + 0.0; /* turns -0.0 into 0.0 */
        p->seen |= SEEN_KWH;
        return 1;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    v = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return stop(p, "quantityKwh %s is not a finite number", tmp);
    /* Negative values are real: consumption groups with local production
     * (NO4 tertiary in late 2025) report net negative hours. The bounds
     * are record_check's, at the end of the record. */
    p->rec.value = v + 0.0; /* turns -0.0 into 0.0 */
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
        p->rec.count = -1;
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

/* ---- The tokenizer: RFC 8259 JSON, fed in arbitrary chunks ----
 *
 * Tokens that lie whole inside a chunk are handled in place (no copy). A
 * string, number or literal cut by the end of a chunk is copied to p->carry
 * (capped at LIMIT_JSON_TOKEN); the next feed appends bytes up to the end of
 * that token, found by a cheap scan, and then decodes the carry. So every
 * byte is scanned a bounded number of times whatever the chunking. All reads
 * go through (s, n) bounds: a scanner never looks at s[i] unless i < n. */

/* What the grammar expects next (RFC 8259 section 2). */
enum gstate {
    G_VALUE,          /* a value: document start, after ':' or ',' in an array */
    G_VALUE_OR_CLOSE, /* after '[' */
    G_KEY,            /* after ',' in an object */
    G_KEY_OR_CLOSE,   /* after '{' */
    G_COLON,          /* after a key */
    G_COMMA,          /* after a value inside a container */
    G_DONE            /* after the top-level value: only whitespace */
};

/* The scanners sit in the innermost loop: inlined into it. */
#if defined(__GNUC__)
#define HOT_INLINE inline __attribute__((always_inline))
#else
#define HOT_INLINE inline
#endif

/* Scanner results. */
enum { T_OK = 0, T_MORE = 1, T_BAD = -1 };

/* Records a JSON syntax error at absolute offset at. */
static int syntax(struct elhub_parser *p, size_t at, const char *what)
{
    p->bad_at = at;
    snprintf(p->bad, sizeof p->bad, "%s", what);
    return -1;
}

/* Scans a number per RFC 8259 section 6 at s[0] ('-' or a digit). Sets *len.
 * T_MORE if the chunk ends inside it and eof is 0. */
static HOT_INLINE int scan_number(const char *s, size_t n, int eof, size_t *len, const char **why)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i == n)
        goto more;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        *why = "a '-' not followed by a digit";
        return T_BAD;
    }
    if (i == n)
        goto more_or_done;
    if (s[i] == '.') {
        i++;
        if (i == n)
            goto more;
        if (s[i] < '0' || s[i] > '9') {
            *why = "a '.' not followed by a digit";
            return T_BAD;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == n)
            goto more_or_done;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i == n)
            goto more;
        if (s[i] < '0' || s[i] > '9') {
            *why = "an exponent without digits";
            return T_BAD;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == n)
            goto more_or_done;
    }
    /* A number runs into the next structural byte or whitespace; "01",
     * "1.5x" or "2a" are malformed. */
    if ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' ||
        s[i] == '-' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')) {
        *why = "a malformed number (leading zero or stray character)";
        return T_BAD;
    }
    *len = i;
    return T_OK;
more_or_done:
    if (eof) {
        *len = i;
        return T_OK;
    }
more:
    if (eof) {
        *why = "a number cut short";
        return T_BAD;
    }
    return T_MORE;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Length of the UTF-8 sequence at s (RFC 3629 section 4, no overlongs, no
 * surrogates, at most U+10FFFF): 1..4, 0 if cut by the chunk end, -1 if
 * malformed. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    int need;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return -1;
    for (int k = 1; k <= need; k++) {
        if ((size_t)k >= n)
            return 0;
        if (s[k] < lo || s[k] > hi)
            return -1;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Scans a string per RFC 8259 section 7 at s[0] == '"'. Sets *len to its
 * length with both quotes and *esc if it holds escapes. */
static HOT_INLINE int scan_string(const char *s, size_t n, size_t *len, int *esc, const char **why)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 1;
    *esc = 0;
    for (;;) {
        /* The common case: plain ASCII, sixteen bytes at a time (SSE2, in
         * every x86-64) while none of them is '"', '\\', a control character
         * or a non-ASCII byte: as signed bytes the last two are both < 0x20. */
#if defined(__SSE2__) && defined(__GNUC__)
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            __m128i x = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                     _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            unsigned m = (unsigned)_mm_movemask_epi8(x);
            if (m) {
                i += (size_t)__builtin_ctz(m);
                goto special;
            }
            i += 16;
        }
#endif
        /* Elsewhere (and for the tail) eight bytes at a time, with the bit
         * tricks of "Bit Twiddling Hacks" (determine if a word has a zero
         * byte / a byte less than n). */
        while (i + 8 <= n) {
            uint64_t w, q, b, m;
            memcpy(&w, u + i, 8);
            q = w ^ 0x2222222222222222u;
            b = w ^ 0x5C5C5C5C5C5C5C5Cu;
            m = (((q - 0x0101010101010101u) & ~q) | ((b - 0x0101010101010101u) & ~b) |
                 ((w - 0x2020202020202020u) & ~w) | w) &
                0x8080808080808080u;
            if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                /* A borrow only spreads to higher bytes, so the lowest flag
                 * marks a real special byte: jump to it. */
                i += (size_t)__builtin_ctzll(m) >> 3;
                goto special;
#else
                break;
#endif
            }
            i += 8;
        }
        while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\')
            i++;
        if (i >= n)
            return T_MORE;
    special:
        if (u[i] == '"') {
            *len = i + 1;
            return T_OK;
        }
        if (u[i] < 0x20) {
            *why = "a control character inside a string";
            return T_BAD;
        }
        if (u[i] == '\\') {
            *esc = 1;
            if (i + 1 >= n)
                return T_MORE;
            switch (u[i + 1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                i += 2;
                continue;
            case 'u':
                for (size_t k = 2; k < 6; k++) {
                    if (i + k >= n)
                        return T_MORE;
                    if (hexval(s[i + k]) < 0) {
                        *why = "a \\u escape without four hex digits";
                        return T_BAD;
                    }
                }
                i += 6;
                continue;
            default:
                *why = "an unknown escape in a string";
                return T_BAD;
            }
        }
        {
            int k = utf8_len(u + i, n - i);
            if (k == 0)
                return T_MORE;
            if (k < 0) {
                *why = "invalid UTF-8 in a string";
                return T_BAD;
            }
            i += (size_t)k;
        }
    }
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned hex4(const char *s)
{
    return (unsigned)(hexval(s[0]) << 12 | hexval(s[1]) << 8 | hexval(s[2]) << 4 | hexval(s[3]));
}

/* Decodes the escapes of a string already validated by scan_string (body
 * without quotes, n bytes) into p->dec; the result is never longer than the
 * input. A surrogate pair becomes one code point; a lone surrogate becomes
 * U+FFFD so the output stays valid UTF-8. */
static const char *unescape(struct elhub_parser *p, const char *s, size_t n, size_t *out_len)
{
    size_t o = 0;
    if (n + 1 > p->dec_cap) {
        p->dec_cap = n + 1;
        p->dec = xrealloc(p->dec, p->dec_cap);
    }
    for (size_t i = 0; i < n;) {
        char c = s[i];
        unsigned cp;
        if (c != '\\') {
            p->dec[o++] = c;
            i++;
            continue;
        }
        c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b':
            p->dec[o++] = '\b';
            continue;
        case 'f':
            p->dec[o++] = '\f';
            continue;
        case 'n':
            p->dec[o++] = '\n';
            continue;
        case 'r':
            p->dec[o++] = '\r';
            continue;
        case 't':
            p->dec[o++] = '\t';
            continue;
        case 'u':
            break;
        default:
            p->dec[o++] = c;
            continue; /* " \ / */
        }
        cp = hex4(s + i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
            unsigned lo = hex4(s + i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        o += put_utf8(p->dec + o, cp);
    }
    *out_len = o;
    return p->dec;
}

/* Scans the token at s[0] (a string, number or literal). T_OK: *len set. */
static HOT_INLINE int scan_token(struct elhub_parser *p, const char *s, size_t n, int eof,
                                 size_t *len, int *esc, const char **why)
{
    static const char *const lits[] = {"true", "false", "null"};
    *esc = 0;
    (void)p;
    if (s[0] == '"') {
        int r = scan_string(s, n, len, esc, why);
        if (r == T_MORE && eof) {
            *why = "a string cut short";
            return T_BAD;
        }
        return r;
    }
    if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
        return scan_number(s, n, eof, len, why);
    for (size_t k = 0; k < 3; k++) {
        if (s[0] != lits[k][0])
            continue;
        size_t m = strlen(lits[k]);
        for (size_t i = 1; i < m; i++) {
            if (i >= n) {
                if (eof)
                    break;
                return T_MORE;
            }
            if (s[i] != lits[k][i])
                break;
            if (i == m - 1) {
                *len = m;
                return T_OK;
            }
        }
        break;
    }
    *why = "an invalid literal or character";
    return T_BAD;
}

static void gpush(struct elhub_parser *p, int is_obj)
{
    size_t d = p->nest++;
    p->in_obj = is_obj;
    if (is_obj)
        p->gtype[d / 8] |= (unsigned char)(1u << (d % 8));
    else
        p->gtype[d / 8] &= (unsigned char)~(1u << (d % 8));
}

/* Pops a container; in_obj becomes the kind of the one now innermost. */
static void gpop(struct elhub_parser *p)
{
    size_t d;
    p->nest--;
    if (p->nest == 0) {
        p->in_obj = 0;
        return;
    }
    d = p->nest - 1;
    p->in_obj = (p->gtype[d / 8] >> (d % 8)) & 1;
}

/* Hands a complete scalar token (string/number/literal) to the semantic
 * layer. at: absolute offset just past the token. -1 if the parse stops. */
static int emit_token(struct elhub_parser *p, const char *s, size_t len, int esc, size_t at)
{
    int ok;
    if (len > LIMIT_JSON_TOKEN)
        return syntax(p, at, "a string or number longer than the cap");
    if (s[0] == '"') {
        const char *v = s + 1;
        size_t vlen = len - 2;
        if (esc)
            v = unescape(p, v, vlen, &vlen);
        if (p->gstate == G_KEY || p->gstate == G_KEY_OR_CLOSE) {
            ok = on_map_key(p, (const unsigned char *)v, vlen);
            p->gstate = G_COLON;
        } else {
            ok = on_string(p, (const unsigned char *)v, vlen);
            p->gstate = p->nest ? G_COMMA : G_DONE;
        }
    } else {
        if (p->gstate != G_VALUE && p->gstate != G_VALUE_OR_CLOSE)
            return syntax(p, at - len, "expected an object key (a string)");
        if (s[0] == 't' || s[0] == 'f')
            ok = on_bool(p, s[0] == 't');
        else if (s[0] == 'n')
            ok = on_null(p);
        else
            ok = on_number(p, s, len);
        p->gstate = p->nest ? G_COMMA : G_DONE;
    }
    if (!ok) {
        p->cancel_at = at;
        p->canceled = 1;
        return -1;
    }
    return 0;
}

/* Runs the grammar over s[0..n) from *pos. Returns 0 when the chunk is used
 * up (a cut token left in p->carry), -1 on an error. */
static int tokenize(struct elhub_parser *p, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        const char *why = NULL;
        size_t len;
        int esc, r, ok = 1;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            i++;
            continue;
        }
        switch (p->gstate) {
        case G_DONE:
            return syntax(p, p->offset + i, "trailing garbage after the document");
        case G_COLON:
            if (c != ':')
                return syntax(p, p->offset + i, "expected ':' after an object key");
            p->gstate = G_VALUE;
            i++;
            continue;
        case G_COMMA:
            if (c == ',') {
                p->gstate = p->in_obj ? G_KEY : G_VALUE;
                i++;
                continue;
            }
            if (c == (p->in_obj ? '}' : ']'))
                goto close;
            return syntax(p, p->offset + i,
                          p->in_obj ? "expected ',' or '}'" : "expected ',' or ']'");
        case G_KEY_OR_CLOSE:
            if (c == '}')
                goto close;
            /* fall through */
        case G_KEY:
            if (c != '"')
                return syntax(p, p->offset + i, "expected an object key (a string)");
            break;
        case G_VALUE_OR_CLOSE:
            if (c == ']')
                goto close;
            /* fall through */
        case G_VALUE:
            if (c == '{' || c == '[') {
                if (p->nest >= LIMIT_JSON_NEST)
                    return syntax(p, p->offset + i, "nesting too deep");
                gpush(p, c == '{');
                p->gstate = c == '{' ? G_KEY_OR_CLOSE : G_VALUE_OR_CLOSE;
                ok = c == '{' ? on_start_map(p) : on_start_array(p);
                i++;
                if (!ok) {
                    p->cancel_at = p->offset + i;
                    p->canceled = 1;
                    return -1;
                }
                continue;
            }
            if (c == '}' || c == ']' || c == ',' || c == ':')
                return syntax(p, p->offset + i, "expected a value");
            break;
        }
        /* A scalar token starts at s[i]. */
        r = scan_token(p, s + i, n - i, 0, &len, &esc, &why);
        if (r == T_BAD)
            return syntax(p, p->offset + i, why);
        if (r == T_MORE) {
            if (n - i > LIMIT_JSON_TOKEN)
                return syntax(p, p->offset + i, "a string or number longer than the cap");
            if (n - i > p->carry_cap) {
                p->carry_cap = n - i < 256 ? 256 : n - i;
                p->carry = xrealloc(p->carry, p->carry_cap);
            }
            memcpy(p->carry, s + i, n - i);
            p->carry_len = n - i;
            /* The escape state of a cut string: an odd run of trailing
             * backslashes leaves an escape open. */
            p->carry_esc = 0;
            if (s[i] == '"')
                for (size_t k = n; k > i + 1 && s[k - 1] == '\\'; k--)
                    p->carry_esc = !p->carry_esc;
            return 0;
        }
        if (emit_token(p, s + i, len, esc, p->offset + i + len) < 0)
            return -1;
        i += len;
        continue;
    close:
        gpop(p);
        p->gstate = p->nest ? G_COMMA : G_DONE;
        i++;
        ok = on_end_container(p);
        if (!ok) {
            p->cancel_at = p->offset + i;
            p->canceled = 1;
            return -1;
        }
    }
    return 0;
}

/* Where the carried token ends in s[0..n): the count of bytes of s that
 * belong to it, n if it goes on past the chunk. */
static size_t carry_end(struct elhub_parser *p, const char *s, size_t n, int *done)
{
    size_t i = 0;
    *done = 1;
    if (p->carry[0] == '"') {
        for (; i < n; i++) {
            if (p->carry_esc)
                p->carry_esc = 0;
            else if (s[i] == '\\')
                p->carry_esc = 1;
            else if (s[i] == '"')
                return i + 1;
        }
        *done = 0;
        return n;
    }
    /* A number or literal: up to the first byte that cannot continue one
     * (the scanner then judges the whole). */
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '.' || s[i] == '+' || s[i] == '-'))
        i++;
    *done = i < n;
    return i;
}

/* Completes the carried token with the first bytes of s; *used: bytes taken. */
static int carry_feed(struct elhub_parser *p, const char *s, size_t n, int eof, size_t *used)
{
    size_t len, take = 0;
    const char *why = NULL;
    int esc, r, done = 1;
    if (!eof)
        take = carry_end(p, s, n, &done);
    *used = take;
    if (p->carry_len + take > LIMIT_JSON_TOKEN)
        return syntax(p, p->offset + take, "a string or number longer than the cap");
    if (p->carry_len + take > p->carry_cap) {
        p->carry_cap = (p->carry_len + take) * 2;
        if (p->carry_cap > LIMIT_JSON_TOKEN)
            p->carry_cap = LIMIT_JSON_TOKEN;
        p->carry = xrealloc(p->carry, p->carry_cap);
    }
    memcpy(p->carry + p->carry_len, s, take);
    p->carry_len += take;
    if (!done)
        return 0; /* still cut: wait for more */
    r = scan_token(p, p->carry, p->carry_len, 1, &len, &esc, &why);
    if (r != T_OK || len != p->carry_len)
        return syntax(p, p->offset + take, why ? why : "a malformed token");
    p->carry_len = 0;
    return emit_token(p, p->carry, len, esc, p->offset + take);
}

struct elhub_parser *elhub_parser_new(const struct dataset *ds, elhub_record_fn fn, void *ctx)
{
    struct elhub_parser *p = xcalloc(1, sizeof *p);
    p->ds = ds;
    p->fn = fn;
    p->ctx = ctx;
    p->stack[0] = C_ROOT;
    p->depth = 1;
    p->gstate = G_VALUE;
    p->names = elhub_names(ds);
    p->group_len = strlen(p->names->json_group);
    return p;
}

void elhub_parser_free(struct elhub_parser *p)
{
    if (!p)
        return;
    free(p->carry);
    free(p->dec);
    free(p);
}

/* Turns a stop into our error, with the absolute byte offset. */
static int fail(struct elhub_parser *p, struct err *e)
{
    p->failed = 1;
    if (p->canceled)
        return err_set(e, ERR_PARSE, (long)p->cancel_at, "bad %s data at byte %zu: %s", p->ds->name,
                       p->cancel_at, p->why);
    return err_set(e, ERR_PARSE, (long)p->bad_at, "bad JSON at byte %zu: %s", p->bad_at, p->bad);
}

int elhub_parser_feed(struct elhub_parser *p, const char *chunk, size_t n, struct err *e)
{
    size_t used = 0;
    int rc = 0;
    if (p->failed)
        return fail(p, e);
    if (n == 0)
        return 0;
    if (p->carry_len > 0)
        rc = carry_feed(p, chunk, n, 0, &used);
    if (rc == 0 && used < n) {
        p->offset += used;
        rc = tokenize(p, chunk + used, n - used);
        p->offset -= used;
    }
    if (rc < 0)
        return fail(p, e);
    p->offset += n;
    return 0;
}

int elhub_parser_finish(struct elhub_parser *p, struct elhub_parse_stats *st, struct err *e)
{
    size_t used;

    if (st)
        *st = p->st;
    if (p->failed)
        return fail(p, e);
    if (p->carry_len > 0 && p->carry[0] != '"' && carry_feed(p, "", 0, 1, &used) < 0)
        return fail(p, e);
    if (!p->started && p->offset == 0 && p->gstate == G_VALUE)
        return err_set(e, ERR_PARSE, 0, "empty document: expected JSON");
    if (p->gstate != G_DONE || p->depth > 1)
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
