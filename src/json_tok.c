/* json_tok: the resumable RFC 8259 tokenizer (moved here from
 * src/elhub/parse.c, where it was written for issue 2's speed work).
 *
 * Tokens that lie whole inside a chunk are reported in place (no copy). A
 * string, number or literal cut by the end of a chunk is copied to t->carry
 * (capped at LIMIT_JSON_TOKEN); the next chunk's bytes up to the end of that
 * token, found by a cheap scan, are appended, and then the carry is decoded.
 * So every byte is scanned a bounded number of times whatever the chunking.
 * All reads go through (s, n) bounds: a scanner never looks at s[i] unless
 * i < n. */
#include "json_tok.h"

#include "mem.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

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

/* The paths taken once a chunk or once a document: kept out of the hot
 * loop's registers. */
#if defined(__GNUC__)
#define COLD __attribute__((noinline))
#else
#define COLD
#endif

/* Scanner results. */
enum { T_OK = 0, T_MORE = 1, T_BAD = -1 };

/* Fills ev and e with an error at absolute offset at; the tokenizer then
 * repeats it. Returns JSON_TOK_ERROR. */
static COLD int fail_at(struct json_tok *t, struct json_tok_event *ev, struct err *e, size_t at,
                        const char *what)
{
    t->failed = 1;
    ev->s = NULL;
    ev->len = 0;
    ev->depth = t->nest;
    if (at == 0 && what == NULL)
        err_set(&t->err, ERR_PARSE, 0, "empty document: expected JSON");
    else
        err_set(&t->err, ERR_PARSE, (long)at, "bad JSON at byte %zu: %s", at, what);
    if (e)
        *e = t->err;
    ev->type = JSON_TOK_ERROR;
    ev->start = ev->end = at;
    return JSON_TOK_ERROR;
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

/* Scans a string per RFC 8259 section 7 at s[0] == '"', from s[from] (1,
 * or where an earlier scan of the same cut string stopped). Sets *len to
 * its length with both quotes and *esc if it holds escapes; on T_MORE,
 * *stop is where the incomplete part (an escape, a UTF-8 sequence, or
 * nothing) begins, so a later scan can resume there. */
static HOT_INLINE int scan_string(const char *s, size_t n, size_t from, size_t *len, int *esc,
                                  const char **why, size_t *stop)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = from;
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
        if (i >= n) {
            *stop = i;
            return T_MORE;
        }
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
            if (i + 1 >= n) {
                *stop = i;
                return T_MORE;
            }
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
                    if (i + k >= n) {
                        *stop = i;
                        return T_MORE;
                    }
                    if (text_hexval((unsigned char)s[i + k]) < 0) {
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
            if (k == 0) {
                *stop = i;
                return T_MORE;
            }
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
    return (unsigned)(text_hexval((unsigned char)s[0]) << 12 |
                      text_hexval((unsigned char)s[1]) << 8 |
                      text_hexval((unsigned char)s[2]) << 4 | text_hexval((unsigned char)s[3]));
}

/* Decodes the escapes of a string already validated by scan_string (body
 * without quotes, n bytes) into t->dec; the result is never longer than the
 * input (an escape of 2 or 6 bytes gives at most 1 or 3, a pair of 12 gives
 * 4). A surrogate pair becomes one code point; a lone surrogate becomes
 * U+FFFD so the output stays valid UTF-8. */
static const char *unescape(struct json_tok *t, const char *s, size_t n, size_t *out_len)
{
    size_t o = 0;
    if (n + 1 > t->dec_cap) {
        t->dec_cap = n + 1;
        t->dec = xrealloc(t->dec, t->dec_cap);
    }
    for (size_t i = 0; i < n;) {
        char c = s[i];
        unsigned cp;
        if (c != '\\') {
            t->dec[o++] = c;
            i++;
            continue;
        }
        c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b':
            t->dec[o++] = '\b';
            continue;
        case 'f':
            t->dec[o++] = '\f';
            continue;
        case 'n':
            t->dec[o++] = '\n';
            continue;
        case 'r':
            t->dec[o++] = '\r';
            continue;
        case 't':
            t->dec[o++] = '\t';
            continue;
        case 'u':
            break;
        default:
            t->dec[o++] = c;
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
        o += put_utf8(t->dec + o, cp);
    }
    *out_len = o;
    return t->dec;
}

/* Scans the token at s[0] (a string, number or literal). T_OK: *len set. */
static HOT_INLINE int scan_token(const char *s, size_t n, int eof, size_t *len, int *esc,
                                 const char **why)
{
    static const char *const lits[] = {"true", "false", "null"};
    *esc = 0;
    if (s[0] == '"') {
        size_t stop;
        int r = scan_string(s, n, 1, len, esc, why, &stop);
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

static void gpush(struct json_tok *t, int is_obj)
{
    size_t d = t->nest++;
    t->in_obj = is_obj;
    if (is_obj)
        t->kind[d / 8] |= (unsigned char)(1u << (d % 8));
    else
        t->kind[d / 8] &= (unsigned char)~(1u << (d % 8));
}

/* Pops a container; in_obj becomes the kind of the one now innermost. */
static void gpop(struct json_tok *t)
{
    size_t d;
    t->nest--;
    if (t->nest == 0) {
        t->in_obj = 0;
        return;
    }
    d = t->nest - 1;
    t->in_obj = (t->kind[d / 8] >> (d % 8)) & 1;
}

/* Reports a complete scalar token s[0..len) (string, number or literal)
 * that starts at absolute offset start. */
static HOT_INLINE int emit(struct json_tok *t, struct json_tok_event *ev, struct err *e,
                           const char *s, size_t len, int esc, size_t start)
{
    if (len > LIMIT_JSON_TOKEN)
        return fail_at(t, ev, e, start, "a string or number longer than the cap");
    ev->start = start;
    ev->end = start + len;
    ev->depth = t->nest;
    if (s[0] == '"') {
        ev->s = s + 1;
        ev->len = len - 2;
        if (esc)
            ev->s = unescape(t, s + 1, len - 2, &ev->len);
        if (t->gstate == G_KEY || t->gstate == G_KEY_OR_CLOSE) {
            t->gstate = G_COLON;
            return ev->type = JSON_TOK_KEY;
        }
        t->gstate = t->nest ? G_COMMA : G_DONE;
        return ev->type = JSON_TOK_STRING;
    }
    if (t->gstate != G_VALUE && t->gstate != G_VALUE_OR_CLOSE)
        return fail_at(t, ev, e, start, "expected an object key (a string)");
    t->gstate = t->nest ? G_COMMA : G_DONE;
    if (s[0] == 't')
        return ev->type = JSON_TOK_TRUE;
    if (s[0] == 'f')
        return ev->type = JSON_TOK_FALSE;
    if (s[0] == 'n')
        return ev->type = JSON_TOK_NULL;
    ev->s = s;
    ev->len = len;
    return ev->type = JSON_TOK_NUMBER;
}

/* Where the carried token ends in s[0..n): the count of bytes of s that
 * belong to it; *done = 0 if it goes on past the chunk. */
static size_t carry_end(struct json_tok *t, const char *s, size_t n, int *done)
{
    size_t i = 0;
    *done = 1;
    if (t->carry[0] == '"') {
        for (; i < n; i++) {
            if (t->carry_esc)
                t->carry_esc = 0;
            else if (s[i] == '\\')
                t->carry_esc = 1;
            else if (s[i] == '"')
                return i + 1;
        }
        *done = 0;
        return n;
    }
    /* A literal: up to its length, as in one chunk ("trues" is true and
     * then a stray 's'; what is carried is a good prefix of it). */
    if (t->carry[0] == 't' || t->carry[0] == 'f' || t->carry[0] == 'n') {
        size_t want = t->carry[0] == 'f' ? 5 : 4;
        i = want - t->carry_len < n ? want - t->carry_len : n;
        *done = t->carry_len + i == want;
        return i;
    }
    /* A number: up to the first byte that cannot continue one (the scanner
     * then judges the whole). */
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '.' || s[i] == '+' || s[i] == '-'))
        i++;
    *done = i < n;
    return i;
}

/* Completes the carried token with the next bytes of the chunk; once the
 * input has ended, what is carried is the whole token. Returns
 * JSON_TOK_MORE if it is still cut, else the event or an error. */
static COLD int carry_feed(struct json_tok *t, struct json_tok_event *ev, struct err *e)
{
    const char *s = t->chunk + t->pos, *why = NULL;
    size_t len = 0, take = 0, at, stop = 0;
    int esc, r, done = 1, string = t->carry[0] == '"';
    if (t->pos < t->n)
        take = carry_end(t, s, t->n - t->pos, &done);
    t->pos += take;
    at = t->offset + t->pos;
    /* Errors are reported at the token's first byte, with the message the
     * scan of the whole token gives, so neither depends on the chunking. */
    if (t->carry_len + take > LIMIT_JSON_TOKEN)
        return fail_at(t, ev, e, at - take - t->carry_len,
                       "a string or number longer than the cap");
    /* One byte more than the token: the lookahead below. */
    if (t->carry_len + take + 1 > t->carry_cap) {
        t->carry_cap = (t->carry_len + take + 1) * 2;
        if (t->carry_cap > LIMIT_JSON_TOKEN + 1)
            t->carry_cap = LIMIT_JSON_TOKEN + 1;
        t->carry = xrealloc(t->carry, t->carry_cap);
    }
    memcpy(t->carry + t->carry_len, s, take);
    t->carry_len += take;
    if (!done && !t->eof) {
        /* Still cut. A string is checked as far as it goes (from where the
         * last check stopped), so a bad byte fails now, as it would in one
         * chunk, and not as a document that ends early. */
        if (string) {
            r = scan_string(t->carry, t->carry_len, t->carry_ok, &len, &esc, &why, &stop);
            if (r == T_BAD)
                return fail_at(t, ev, e, at - t->carry_len, why);
            t->carry_ok = stop;
        }
        return JSON_TOK_MORE;
    }
    if (!string && t->pos < t->n) {
        /* A number or literal ended by the byte at s[take]: scanned with
         * that byte after it, as in one chunk ("1." before "]" is "a '.'
         * not followed by a digit", not "cut short"). */
        t->carry[t->carry_len] = s[take];
        r = scan_token(t->carry, t->carry_len + 1, 0, &len, &esc, &why);
    } else {
        r = scan_token(t->carry, t->carry_len, 1, &len, &esc, &why);
    }
    if (r != T_OK || len != t->carry_len)
        return fail_at(t, ev, e, at - t->carry_len, why ? why : "a malformed token");
    t->carry_len = 0;
    return emit(t, ev, e, t->carry, len, esc, at - len);
}

/* Keeps the token cut at s[0..n) for the next chunk. */
static void carry_keep(struct json_tok *t, const char *s, size_t n)
{
    if (n > t->carry_cap) {
        t->carry_cap = n < 256 ? 256 : n;
        t->carry = xrealloc(t->carry, t->carry_cap);
    }
    memcpy(t->carry, s, n);
    t->carry_len = n;
    t->carry_ok = 1;
    /* The escape state of a cut string: an odd run of trailing backslashes
     * leaves an escape open. */
    t->carry_esc = 0;
    if (s[0] == '"')
        for (size_t k = n; k > 1 && s[k - 1] == '\\'; k--)
            t->carry_esc = !t->carry_esc;
}

void json_tok_init(struct json_tok *t)
{
    memset(t, 0, sizeof *t);
    t->gstate = G_VALUE;
}

void json_tok_release(struct json_tok *t)
{
    free(t->carry);
    free(t->dec);
    memset(t, 0, sizeof *t);
}

void json_tok_feed(struct json_tok *t, const char *chunk, size_t n)
{
    t->offset += t->n;
    t->chunk = chunk;
    t->n = n;
    t->pos = 0;
}

void json_tok_end(struct json_tok *t)
{
    t->eof = 1;
}

size_t json_tok_bytes(const struct json_tok *t)
{
    return t->offset + t->n;
}

/* The input has ended and the chunk is used up. */
static COLD int at_end(struct json_tok *t, struct json_tok_event *ev, struct err *e)
{
    size_t total = t->offset + t->n;
    ev->s = NULL;
    ev->len = 0;
    if (t->gstate == G_DONE) {
        ev->type = JSON_TOK_DONE;
        ev->start = ev->end = total;
        ev->depth = 0;
        return JSON_TOK_DONE;
    }
    if (total == 0)
        return fail_at(t, ev, e, 0, NULL);
    return fail_at(t, ev, e, total, "the document ends early (truncated?)");
}

size_t json_tok_next_n(struct json_tok *t, struct json_tok_event *ev, size_t cap, struct err *e)
{
    const char *s = t->chunk;
    size_t n = t->n, i;
    struct json_tok_event *v = ev, *last = ev + cap - 1;

    if (t->failed) {
        if (e)
            *e = t->err;
        ev->type = JSON_TOK_ERROR;
        ev->s = NULL;
        ev->len = 0;
        ev->start = ev->end = (size_t)t->err.code;
        return 1;
    }
    /* A cut string is never completed by the end of the input. The event
     * of a carried token borrows the carry: it ends the batch. */
    if (t->carry_len > 0 && (t->pos < n || (t->eof && t->carry[0] != '"'))) {
        ev->s = NULL;
        ev->len = 0;
        if (carry_feed(t, ev, e) != JSON_TOK_MORE)
            return 1;
    }
    i = t->pos;
    while (i < n) {
        char c = s[i];
        const char *why = NULL;
        size_t len;
        int esc, r;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            i++;
            continue;
        }
        switch (t->gstate) {
        case G_DONE:
            fail_at(t, v, e, t->offset + i, "trailing garbage after the document");
            return (size_t)(v - ev) + 1;
        case G_COLON:
            if (c != ':') {
                fail_at(t, v, e, t->offset + i, "expected ':' after an object key");
                return (size_t)(v - ev) + 1;
            }
            t->gstate = G_VALUE;
            i++;
            continue;
        case G_COMMA:
            if (c == ',') {
                t->gstate = t->in_obj ? G_KEY : G_VALUE;
                i++;
                continue;
            }
            if (c == (t->in_obj ? '}' : ']'))
                goto close;
            fail_at(t, v, e, t->offset + i,
                    t->in_obj ? "expected ',' or '}'" : "expected ',' or ']'");
            return (size_t)(v - ev) + 1;
        case G_KEY_OR_CLOSE:
            if (c == '}')
                goto close;
            /* fall through */
        case G_KEY:
            if (c != '"') {
                fail_at(t, v, e, t->offset + i, "expected an object key (a string)");
                return (size_t)(v - ev) + 1;
            }
            break;
        case G_VALUE_OR_CLOSE:
            if (c == ']')
                goto close;
            /* fall through */
        case G_VALUE:
            if (c == '{' || c == '[') {
                if (t->nest >= LIMIT_JSON_NEST) {
                    fail_at(t, v, e, t->offset + i, "nesting too deep");
                    return (size_t)(v - ev) + 1;
                }
                gpush(t, c == '{');
                t->gstate = c == '{' ? G_KEY_OR_CLOSE : G_VALUE_OR_CLOSE;
                v->type = c == '{' ? JSON_TOK_BEGIN_OBJECT : JSON_TOK_BEGIN_ARRAY;
                goto structural;
            }
            if (c == '}' || c == ']' || c == ',' || c == ':') {
                fail_at(t, v, e, t->offset + i, "expected a value");
                return (size_t)(v - ev) + 1;
            }
            break;
        }
        /* A scalar token starts at s[i]. */
        r = scan_token(s + i, n - i, 0, &len, &esc, &why);
        if (r == T_BAD) {
            fail_at(t, v, e, t->offset + i, why);
            return (size_t)(v - ev) + 1;
        }
        if (r == T_MORE) {
            if (n - i > LIMIT_JSON_TOKEN) {
                fail_at(t, v, e, t->offset + i, "a string or number longer than the cap");
                return (size_t)(v - ev) + 1;
            }
            carry_keep(t, s + i, n - i);
            i = n;
            break;
        }
        v->s = NULL;
        v->len = 0;
        if (emit(t, v, e, s + i, len, esc, t->offset + i) == JSON_TOK_ERROR)
            return (size_t)(v - ev) + 1;
        i += len;
        /* An unescaped string borrows t->dec: it ends the batch. */
        if (v++ == last || esc)
            goto out;
        continue;
    close:
        gpop(t);
        t->gstate = t->nest ? G_COMMA : G_DONE;
        v->type = c == '}' ? JSON_TOK_END_OBJECT : JSON_TOK_END_ARRAY;
    structural:
        v->s = NULL;
        v->len = 0;
        v->start = t->offset + i;
        v->end = v->start + 1;
        v->depth = t->nest;
        i++;
        if (v++ == last)
            goto out;
    }
    t->pos = n;
    v->s = NULL;
    v->len = 0;
    /* A number cut at the very end of the input is complete only now. */
    if (t->eof && t->carry_len > 0 && t->carry[0] != '"') {
        if (carry_feed(t, v, e) != JSON_TOK_MORE)
            return (size_t)(v - ev) + 1;
    }
    if (!t->eof) {
        v->type = JSON_TOK_MORE;
        v->start = v->end = t->offset + n;
        v->depth = t->nest;
        return (size_t)(v - ev) + 1;
    }
    at_end(t, v, e);
    return (size_t)(v - ev) + 1;
out:
    /* v is one past the last event filled. */
    t->pos = i;
    return (size_t)(v - ev);
}

int json_tok_next(struct json_tok *t, struct json_tok_event *ev, struct err *e)
{
    json_tok_next_n(t, ev, 1, e);
    return ev->type;
}
