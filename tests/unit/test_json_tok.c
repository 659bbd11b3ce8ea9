/* Tests of the generic JSON tokenizer (json_tok): the event stream of
 * documents written out by hand (RFC 8259 sections 2-7), byte offsets and
 * depths, errors with their offsets, the caps, the end of input, and that
 * every split point, every chunk size and every batch size give the
 * one-shot stream. */
#include "check.h"

#include "buf.h"
#include "json_tok.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>

/* The events as text: { } [ ] k:KEY s:STRING n:NUMBER t f z, separated
 * by spaces; bytes outside printable ASCII as \xNN; an error as
 * "ERROR@OFFSET: message". */
static void put_bytes(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf_append(b, s + i, 1);
        else
            buf_printf(b, "\\x%02x", c);
    }
}

/* Appends one event; returns 1 once the stream is over (DONE or ERROR),
 * -1 for MORE. */
static int put_event(struct buf *b, const struct json_tok_event *ev, const struct err *e)
{
    if (ev->type == JSON_TOK_MORE)
        return -1;
    if (b->len)
        buf_puts(b, " ");
    switch (ev->type) {
    case JSON_TOK_BEGIN_OBJECT:
        buf_puts(b, "{");
        break;
    case JSON_TOK_END_OBJECT:
        buf_puts(b, "}");
        break;
    case JSON_TOK_BEGIN_ARRAY:
        buf_puts(b, "[");
        break;
    case JSON_TOK_END_ARRAY:
        buf_puts(b, "]");
        break;
    case JSON_TOK_KEY:
        buf_puts(b, "k:");
        put_bytes(b, ev->s, ev->len);
        break;
    case JSON_TOK_STRING:
        buf_puts(b, "s:");
        put_bytes(b, ev->s, ev->len);
        break;
    case JSON_TOK_NUMBER:
        buf_puts(b, "n:");
        put_bytes(b, ev->s, ev->len);
        break;
    case JSON_TOK_TRUE:
        buf_puts(b, "t");
        break;
    case JSON_TOK_FALSE:
        buf_puts(b, "f");
        break;
    case JSON_TOK_NULL:
        buf_puts(b, "z");
        break;
    case JSON_TOK_DONE:
        buf_puts(b, "DONE");
        return 1;
    case JSON_TOK_ERROR:
        buf_printf(b, "ERROR@%ld: %s", e->code, e->msg);
        return 1;
    default:
        buf_puts(b, "?");
        break;
    }
    return 0;
}

/* Tokenizes doc[0..len) fed in chunks of `chunk` bytes (0: whole; the first
 * piece may be `first` bytes long instead), pulling `batch` events a call,
 * and writes the stream into out (caller releases). */
static void tokenize(const char *doc, size_t len, size_t first, size_t chunk, size_t batch,
                     struct buf *out)
{
    struct json_tok t;
    struct json_tok_event ev[8];
    struct err e = {0};
    size_t at = 0;
    int over = 0;

    buf_init(out, 1u << 24);
    json_tok_init(&t);
    while (!over) {
        size_t n = 0;
        if (at < len) {
            n = chunk ? chunk : len;
            if (at == 0 && first)
                n = first;
            if (n > len - at)
                n = len - at;
        }
        if (at >= len && n == 0)
            json_tok_end(&t);
        else
            json_tok_feed(&t, doc + at, n);
        at += n;
        for (;;) {
            size_t k = 1;
            if (batch == 1)
                json_tok_next(&t, ev, &e);
            else
                k = json_tok_next_n(&t, ev, batch, &e);
            int r = 0;
            for (size_t j = 0; j < k && r == 0; j++)
                r = put_event(out, &ev[j], &e);
            if (r > 0)
                over = 1;
            if (r != 0)
                break;
        }
        if (at >= len && n == 0 && !over) {
            buf_puts(out, " (no end after json_tok_end)");
            over = 1;
        }
    }
    json_tok_release(&t);
}

static void check_stream(const char *doc, size_t len, const char *want)
{
    struct buf got;
    tokenize(doc, len, 0, 0, 8, &got);
    if (strcmp(got.p ? got.p : "", want) != 0) {
        char shown[200];
        err_quote(doc, len, shown, sizeof shown);
        fprintf(stderr, "  doc   %s\n  got   %s\n  want  %s\n", shown, got.p ? got.p : "", want);
        buf_release(&got);
        CHECK_FAIL_("event stream differs");
    }
    buf_release(&got);
}

#define DOC(s) s, sizeof(s) - 1

static void test_events(void)
{
    check_stream(DOC("{}"), "{ } DONE");
    check_stream(DOC("[]"), "[ ] DONE");
    check_stream(DOC(" \t\r\n[ ] \n"), "[ ] DONE");
    check_stream(DOC("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}"),
                 "{ k:a n:1 k:b [ t f z ] k:c { k:d s:e } } DONE");
    check_stream(DOC("[-0,0.5,1e5,1E+2,-2.5e-3,123456789012345678901234567890]"),
                 "[ n:-0 n:0.5 n:1e5 n:1E+2 n:-2.5e-3 n:123456789012345678901234567890 ] DONE");
    check_stream(DOC("\"top\""), "s:top DONE");
    check_stream(DOC("42"), "n:42 DONE");
    check_stream(DOC("true"), "t DONE");
    check_stream(DOC("[[],{},[{}]]"), "[ [ ] { } [ { } ] ] DONE");
    /* A repeated name is reported as it is; callers decide. */
    check_stream(DOC("{\"a\":1,\"a\":2}"), "{ k:a n:1 k:a n:2 } DONE");
    check_stream(DOC("{\"\":\"\"}"), "{ k: s: } DONE");
}

static void test_strings(void)
{
    check_stream(DOC("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]"),
                 "[ s:a\"b\\x5cc/d\\x08\\x0c\\x0a\\x0d\\x09 ] DONE");
    /* \u to UTF-8 (RFC 3629): U+00E6, U+20AC, a surrogate pair (U+1F600). */
    check_stream(DOC("[\"\\u00e6\\u20AC\\ud83d\\ude00\"]"),
                 "[ s:\\xc3\\xa6\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80 ] DONE");
    /* A lone surrogate becomes U+FFFD; \u0000 is a NUL byte inside. */
    check_stream(DOC("[\"x\\ud800y\",\"\\udc00\",\"a\\u0000b\"]"),
                 "[ s:x\\xef\\xbf\\xbdy s:\\xef\\xbf\\xbd s:a\\x00b ] DONE");
    /* Raw UTF-8 passes as is, keys are unescaped too. */
    check_stream(DOC("{\"\\u006be\\u0079\":\"\xC3\xA6\xE2\x82\xAC\xF0\x9F\x98\x80\"}"),
                 "{ k:key s:\\xc3\\xa6\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80 } DONE");
    /* 40 plain bytes take the 16- and 8-byte paths of the scanner. */
    check_stream(DOC("[\"0123456789abcdefghijklmnopqrstuvwxyzABCD\"]"),
                 "[ s:0123456789abcdefghijklmnopqrstuvwxyzABCD ] DONE");
}

/* Offsets and depths, counted by hand on the document below. */
static void test_offsets(void)
{
    /*                 0123456789012345678901234 */
    const char *doc = "{\"ab\": [1, \"x\\n\"], \"c\":{}}";
    static const struct {
        enum json_tok_type type;
        size_t start, end, depth;
    } want[] = {
        {JSON_TOK_BEGIN_OBJECT, 0, 1, 1}, {JSON_TOK_KEY, 1, 5, 1},
        {JSON_TOK_BEGIN_ARRAY, 7, 8, 2},  {JSON_TOK_NUMBER, 8, 9, 2},
        {JSON_TOK_STRING, 11, 16, 2},     {JSON_TOK_END_ARRAY, 16, 17, 1},
        {JSON_TOK_KEY, 19, 22, 1},        {JSON_TOK_BEGIN_OBJECT, 23, 24, 2},
        {JSON_TOK_END_OBJECT, 24, 25, 1}, {JSON_TOK_END_OBJECT, 25, 26, 0},
    };
    struct json_tok t;
    struct json_tok_event ev;
    struct err e = {0};
    json_tok_init(&t);
    json_tok_feed(&t, doc, strlen(doc));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int type = json_tok_next(&t, &ev, &e);
        if (type != (int)want[i].type || ev.start != want[i].start || ev.end != want[i].end ||
            ev.depth != want[i].depth) {
            json_tok_release(&t);
            CHECK_FAIL_("event %zu: type %d start %zu end %zu depth %zu, want %d %zu %zu %zu", i,
                        type, ev.start, ev.end, ev.depth, (int)want[i].type, want[i].start,
                        want[i].end, want[i].depth);
        }
    }
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_MORE);
    CHECK_INT(json_tok_bytes(&t), strlen(doc));
    json_tok_end(&t);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_DONE);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_DONE); /* and again */
    json_tok_release(&t);
}

/* Malformed documents: the message and the byte offset of the problem. */
static void test_errors(void)
{
    static const struct {
        const char *doc;
        const char *want; /* the whole stream, error included */
    } cases[] = {
        {"", "ERROR@0: empty document: expected JSON"},
        {"   ", "ERROR@3: bad JSON at byte 3: the document ends early (truncated?)"},
        {"[1,", "[ n:1 ERROR@3: bad JSON at byte 3: the document ends early (truncated?)"},
        {"{\"a\"", "{ k:a ERROR@4: bad JSON at byte 4: the document ends early (truncated?)"},
        {"[\"ab", "[ ERROR@4: bad JSON at byte 4: the document ends early (truncated?)"},
        {"[]x", "[ ] ERROR@2: bad JSON at byte 2: trailing garbage after the document"},
        {"[] []", "[ ] ERROR@3: bad JSON at byte 3: trailing garbage after the document"},
        {"{\"a\" 1}", "{ k:a ERROR@5: bad JSON at byte 5: expected ':' after an object key"},
        {"{\"a\":1 \"b\"}", "{ k:a n:1 ERROR@7: bad JSON at byte 7: expected ',' or '}'"},
        {"[1 2]", "[ n:1 ERROR@3: bad JSON at byte 3: expected ',' or ']'"},
        {"{1:2}", "{ ERROR@1: bad JSON at byte 1: expected an object key (a string)"},
        {"{\"a\":1,}", "{ k:a n:1 ERROR@7: bad JSON at byte 7: expected an object key (a string)"},
        {"[1,]", "[ n:1 ERROR@3: bad JSON at byte 3: expected a value"},
        {"[,1]", "[ ERROR@1: bad JSON at byte 1: expected a value"},
        {"{\"a\":}", "{ k:a ERROR@5: bad JSON at byte 5: expected a value"},
        {"[01]", "[ ERROR@1: bad JSON at byte 1: a malformed number (leading zero or stray "
                 "character)"},
        {"[1.]", "[ ERROR@1: bad JSON at byte 1: a '.' not followed by a digit"},
        {"[-]", "[ ERROR@1: bad JSON at byte 1: a '-' not followed by a digit"},
        {"[1e]", "[ ERROR@1: bad JSON at byte 1: an exponent without digits"},
        {"[.5]", "[ ERROR@1: bad JSON at byte 1: an invalid literal or character"},
        {"[+1]", "[ ERROR@1: bad JSON at byte 1: an invalid literal or character"},
        {"[tru]", "[ ERROR@1: bad JSON at byte 1: an invalid literal or character"},
        {"[True]", "[ ERROR@1: bad JSON at byte 1: an invalid literal or character"},
        {"[nulll]", "[ z ERROR@5: bad JSON at byte 5: expected ',' or ']'"},
        {"['a']", "[ ERROR@1: bad JSON at byte 1: an invalid literal or character"},
        {"[\"a\\x\"]", "[ ERROR@1: bad JSON at byte 1: an unknown escape in a string"},
        {"[\"\\u12G4\"]", "[ ERROR@1: bad JSON at byte 1: a \\u escape without four hex digits"},
        {"[\"a\tb\"]", "[ ERROR@1: bad JSON at byte 1: a control character inside a string"},
        {"[\"\xC0\xAF\"]", "[ ERROR@1: bad JSON at byte 1: invalid UTF-8 in a string"},
        {"[\"\xED\xA0\x80\"]", "[ ERROR@1: bad JSON at byte 1: invalid UTF-8 in a string"},
        {"[\"\xF4\x90\x80\x80\"]", "[ ERROR@1: bad JSON at byte 1: invalid UTF-8 in a string"},
        {"[\"\x80\"]", "[ ERROR@1: bad JSON at byte 1: invalid UTF-8 in a string"},
        {"\xEF\xBB\xBF[]", "ERROR@0: bad JSON at byte 0: an invalid literal or character"},
        {"]", "ERROR@0: bad JSON at byte 0: expected a value"},
        {"[}", "[ ERROR@1: bad JSON at byte 1: expected a value"},
        {"{]", "{ ERROR@1: bad JSON at byte 1: expected an object key (a string)"},
        {"[1}", "[ n:1 ERROR@2: bad JSON at byte 2: expected ',' or ']'"},
        {"1 2", "n:1 ERROR@2: bad JSON at byte 2: trailing garbage after the document"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_stream(cases[i].doc, strlen(cases[i].doc), cases[i].want);
}

/* The end of the input: a top-level number is complete only at the end;
 * an error is repeated by every later call. */
static void test_end(void)
{
    struct json_tok t;
    struct json_tok_event ev;
    struct err e = {0};

    json_tok_init(&t);
    json_tok_feed(&t, "42", 2);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_MORE); /* "42" may go on: "421" */
    json_tok_feed(&t, "", 0);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_MORE);
    json_tok_end(&t);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_NUMBER);
    CHECK_INT(ev.len, 2);
    CHECK(memcmp(ev.s, "42", 2) == 0);
    CHECK_INT(ev.start, 0);
    CHECK_INT(ev.end, 2);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_DONE);
    json_tok_release(&t);

    json_tok_init(&t);
    json_tok_feed(&t, "[1}", 3);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_BEGIN_ARRAY);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_NUMBER);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_ERROR);
    CHECK_INT(e.domain, ERR_PARSE);
    CHECK_INT(e.code, 2);
    memset(&e, 0, sizeof e);
    CHECK_INT(json_tok_next(&t, &ev, &e), JSON_TOK_ERROR);
    CHECK_INT(e.code, 2);
    CHECK(strstr(e.msg, "expected ',' or ']'"));
    /* e may be NULL. */
    CHECK_INT(json_tok_next(&t, &ev, NULL), JSON_TOK_ERROR);
    json_tok_release(&t);
}

static void test_caps(void)
{
    size_t n = 0, big = LIMIT_JSON_TOKEN + 8;
    char *doc = xmalloc(2 * LIMIT_JSON_NEST + big + 16);
    struct buf got;

    /* Nesting up to the cap, and not one level more. */
    for (int i = 0; i < LIMIT_JSON_NEST; i++)
        doc[n++] = '[';
    for (int i = 0; i < LIMIT_JSON_NEST; i++)
        doc[n++] = ']';
    tokenize(doc, n, 0, 0, 8, &got);
    CHECK(got.p && strstr(got.p, "DONE") && !strstr(got.p, "ERROR"));
    buf_release(&got);
    n = 0;
    for (int i = 0; i <= LIMIT_JSON_NEST; i++)
        doc[n++] = '[';
    tokenize(doc, n, 0, 0, 8, &got);
    CHECK(got.p && strstr(got.p, "nesting too deep"));
    buf_release(&got);

    /* A string longer than the cap, whole in one chunk and cut across
     * chunks of 64 KB. */
    n = 0;
    doc[n++] = '[';
    doc[n++] = '"';
    memset(doc + n, 'a', big);
    n += big;
    doc[n++] = '"';
    doc[n++] = ']';
    tokenize(doc, n, 0, 0, 8, &got);
    CHECK(got.p && strstr(got.p, "longer than the cap"));
    buf_release(&got);
    tokenize(doc, n, 0, 65536, 8, &got);
    CHECK(got.p && strstr(got.p, "longer than the cap"));
    buf_release(&got);
    /* At the cap it passes (the token with its quotes is LIMIT_JSON_TOKEN). */
    n = LIMIT_JSON_TOKEN;
    doc[0] = '"';
    memset(doc + 1, 'b', n - 2);
    doc[n - 1] = '"';
    tokenize(doc, n, 0, 65536, 8, &got);
    CHECK(got.p && strstr(got.p, " DONE") && !strstr(got.p, "ERROR"));
    buf_release(&got);
    free(doc);
}

/* Every split point, chunk size and batch size give the one-shot stream,
 * errors (message and offset) included. */
static void test_resume(void)
{
    static const char *const docs[] = {
        "{\"data\":[{\"attributes\":{\"list\":[{\"endTime\":\"2021-01-01T01:00:00+01:00\","
        "\"a\\u004F1\":\"h\\u0079d\\u0072o\",\"q\":-1234.5e-2,\"x\":[true,false,null,{\"y\":"
        "\"\\\\\\\\\\u00e6\\ud83d\\ude00\\\"\"}]}]}}], \"meta\" : {\"n\": 0}}",
        "[\"\xC3\xA6\xE2\x82\xAC\xF0\x9F\x98\x80\", 24.101, 1.0E+3, -0, \"\\\\\", \"\\\"\"]",
        "  12345.678e-9  ",
        "[\"0123456789abcdefghijklmnopqrstuvwxyz\\n0123456789abcdefghijklmnop\"]",
        "[1, 2, tru]",
        "{\"a\":\"b\\qc\"}",
        "[\"\xE2\x82\"]",
        "{\"k\":1}}",
        "[123",
        "fals",
        /* Found by fuzz/fuzz_json_tok.c: a bad UTF-8 byte after a cut, a
         * literal run into letters, numbers ended by a bad byte after a
         * cut; each must fail the same way in one chunk or many. */
        "[\"sta\xF1\xBD{x\" , 1]",
        "[1, trues]",
        "[1., 2]",
        "[-, 2]",
        "[1e, 2]",
        "[\"a\tb\"]",
        "[12\x80]",
    };
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        const char *doc = docs[d];
        size_t len = strlen(doc);
        struct buf want, got;
        tokenize(doc, len, 0, 0, 8, &want);
        for (size_t cut = 1; cut < len; cut++) {
            tokenize(doc, len, cut, 0, 8, &got);
            if (strcmp(got.p, want.p) != 0) {
                fprintf(stderr, "  got  %s\n  want %s\n", got.p, want.p);
                buf_release(&got);
                buf_release(&want);
                CHECK_FAIL_("doc %zu cut at %zu", d, cut);
            }
            buf_release(&got);
        }
        for (size_t chunk = 1; chunk <= 9; chunk++) {
            for (size_t batch = 1; batch <= 8; batch += 3) {
                tokenize(doc, len, 0, chunk, batch, &got);
                if (strcmp(got.p, want.p) != 0) {
                    fprintf(stderr, "  got  %s\n  want %s\n", got.p, want.p);
                    buf_release(&got);
                    buf_release(&want);
                    CHECK_FAIL_("doc %zu in chunks of %zu, batches of %zu", d, chunk, batch);
                }
                buf_release(&got);
            }
        }
        buf_release(&want);
    }
}

/* A batch ends after an event that borrows the tokenizer's buffers, so
 * every string of a batch is still intact when the caller reads it. */
static void test_batch_borrow(void)
{
    const char *doc = "[\"a\\n\",\"b\\t\",\"c\",\"d\\r\"]";
    struct json_tok t;
    struct json_tok_event ev[8];
    struct err e = {0};
    size_t k;
    json_tok_init(&t);
    json_tok_feed(&t, doc, strlen(doc));
    k = json_tok_next_n(&t, ev, 8, &e);
    CHECK_INT(k, 2); /* [ and the escaped "a\n" */
    CHECK_INT(ev[1].type, JSON_TOK_STRING);
    CHECK_INT(ev[1].len, 2);
    CHECK(memcmp(ev[1].s, "a\n", 2) == 0);
    k = json_tok_next_n(&t, ev, 8, &e);
    CHECK_INT(k, 1);
    CHECK(memcmp(ev[0].s, "b\t", 2) == 0);
    k = json_tok_next_n(&t, ev, 8, &e);
    CHECK_INT(k, 2); /* "c" in place, then "d\r" */
    CHECK(memcmp(ev[0].s, "c", 1) == 0);
    CHECK(memcmp(ev[1].s, "d\r", 2) == 0);
    k = json_tok_next_n(&t, ev, 8, &e);
    CHECK_INT(k, 2);
    CHECK_INT(ev[0].type, JSON_TOK_END_ARRAY);
    CHECK_INT(ev[1].type, JSON_TOK_MORE);
    json_tok_release(&t);
}

CHECK_MAIN({"/json_tok/events", test_events}, {"/json_tok/strings", test_strings},
           {"/json_tok/offsets", test_offsets}, {"/json_tok/errors", test_errors},
           {"/json_tok/end", test_end}, {"/json_tok/caps", test_caps},
           {"/json_tok/resume", test_resume}, {"/json_tok/batch-borrow", test_batch_borrow})
