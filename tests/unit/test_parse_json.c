/* Tests of the JSON tokenizer under the API parser (elhub/parse): RFC 8259
 * strings (escapes, \u with surrogate pairs, UTF-8, control characters),
 * numbers (grammar, and the fast kWh conversion against strtod), literals,
 * nesting caps, trailing garbage, and resuming mid-token at every chunk
 * boundary. */
#include "check.h"

#include "elhub/parse.h"

#include <math.h>
#include <stdlib.h>

struct got {
    size_t n;
    struct record r; /* the last record */
};

static int keep(const struct record *r, void *ctx)
{
    struct got *g = ctx;
    g->n++;
    g->r = *r;
    return 0;
}

static const struct dataset *prod(void)
{
    return dataset_find("production");
}

/* Parses doc (length len) fed in two pieces split at `cut`, then in chunks
 * of `chunk` bytes (chunk 0: whole). */
static int parse_split(const char *doc, size_t len, size_t cut, struct got *g, struct err *e)
{
    struct elhub_parser *p = elhub_parser_new(prod(), keep, g);
    int rc = elhub_parser_feed(p, doc, cut, e);
    if (rc == 0)
        rc = elhub_parser_feed(p, doc + cut, len - cut, e);
    if (rc == 0)
        rc = elhub_parser_finish(p, NULL, e);
    elhub_parser_free(p);
    return rc;
}

static int parse_chunks(const char *doc, size_t len, size_t chunk, struct got *g, struct err *e)
{
    struct elhub_parser *p = elhub_parser_new(prod(), keep, g);
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0; at += chunk)
        rc = elhub_parser_feed(p, doc + at, len - at < chunk ? len - at : chunk, e);
    if (rc == 0)
        rc = elhub_parser_finish(p, NULL, e);
    elhub_parser_free(p);
    return rc;
}

static int parse1(const char *doc, struct got *g, struct err *e)
{
    memset(g, 0, sizeof *g);
    return elhub_parse(prod(), doc, strlen(doc), keep, g, NULL, e);
}

#define REC_AT(area, kwh)                                                                          \
    "[{\"priceArea\":" area ",\"productionGroup\":\"hydro\","                                      \
    "\"startTime\":\"2021-01-01T00:00:00+01:00\",\"quantityKwh\":" kwh "}]"

static void test_escapes(void)
{
    struct got g;
    struct err e = {0};
    CHECK_OK(parse1(REC_AT("\"N\\u004f1\"", "1.0"), &g, &e), &e);
    CHECK_STR(g.r.area, "NO1");
    /* Names are letters, digits and ". _ - *" (record_set_area), so the
     * decoding of other escapes shows in the message quoting the decoded
     * bytes: printable ASCII as is, everything else as \xNN. */
    CHECK_INT(parse1(REC_AT("\"a\\\"b\\\\c\\/d\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"a\"b\\c/d\""));
    /* A surrogate pair is one code point, U+1F600, in UTF-8. */
    CHECK_INT(parse1(REC_AT("\"\\ud83d\\ude00\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"\\xf0\\x9f\\x98\\x80\""));
    /* A lone surrogate becomes U+FFFD. */
    CHECK_INT(parse1(REC_AT("\"x\\ud800\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"x\\xef\\xbf\\xbd\""));
    CHECK_INT(parse1(REC_AT("\"\\u00e6\\u00C6\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"\\xc3\\xa6\\xc3\\x86\""));
    /* Raw UTF-8 passes through the tokenizer unchanged. */
    CHECK_INT(parse1(REC_AT("\"\xC3\xA6\xE2\x82\xAC\xF0\x9F\x98\x80\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"\\xc3\\xa6\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80\""));
    /* Escapes of allowed characters make an ordinary name. */
    CHECK_OK(parse1(REC_AT("\"\\u004e\\u004F\\u0035\"", "1.0"), &g, &e), &e);
    CHECK_STR(g.r.area, "NO5");
    /* An escaped key is the same key. */
    CHECK_OK(parse1("[{\"\\u0070riceArea\":\"NO2\",\"productionGroup\":\"hydro\","
                    "\"startTime\":\"2021-01-01T00:00:00+01:00\",\"quantityKwh\":1}]",
                    &g, &e),
             &e);
    CHECK_STR(g.r.area, "NO2");
    /* An escape decoding to a control character is refused by the name
     * check, and the message shows it escaped, never raw. */
    CHECK_INT(parse1(REC_AT("\"N\\nO\"", "1.0"), &g, &e), -1);
    CHECK(strstr(e.msg, "area \"N\\x0aO\""));
}

static void test_bad_strings(void)
{
    static const char *const bad[] = {
        REC_AT("\"N\\xO\"", "1.0"),            /* unknown escape */
        REC_AT("\"N\\u12G4\"", "1.0"),         /* bad hex */
        REC_AT("\"N\\u12\"", "1.0"),           /* short \u */
        REC_AT("\"N\tO\"", "1.0"),             /* raw tab */
        REC_AT("\"N\x01O\"", "1.0"),           /* raw control character */
        REC_AT("\"\xC0\xAF\"", "1.0"),         /* overlong */
        REC_AT("\"\xED\xA0\x80\"", "1.0"),     /* an encoded surrogate */
        REC_AT("\"\xF4\x90\x80\x80\"", "1.0"), /* above U+10FFFF */
        REC_AT("\"\x80\"", "1.0"),             /* a lone continuation byte */
        REC_AT("\"\xE2\x82\"", "1.0"),         /* a cut sequence */
        "{'data':[]}",                         /* single quotes */
        "{data:[]}",                           /* bare key */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct got g;
        struct err e = {0};
        int rc = parse1(bad[i], &g, &e);
        if (rc != -1 || e.domain != ERR_PARSE || !strstr(e.msg, "bad JSON"))
            CHECK_FAIL_("case %zu: rc %d, \"%s\"", i, rc, e.msg);
    }
}

static void test_numbers(void)
{
    static const struct {
        const char *text;
        double want;
    } good[] = {
        {"-0", 0.0},
        {"0", 0.0},
        {"1e5", 1e5},
        {"1E+2", 100.0},
        {"2.5e-1", 0.25},
        {"-1.5", -1.5},
        {"0.1", 0.1},
        {"123456789012345", 123456789012345.0},
        {"0.1234567890123456789", 0.1234567890123456789}, /* past the fast path */
        {"0.000000000000000000000001", 1e-24},            /* 24 decimals: strtod */
        {"900719925474.0993", 900719925474.0993},
    };
    static const char *const bad[] = {"01",   "-01", "1.",       ".5",       "-",
                                      "+1",   "1e",  "1e+",      "1.e3",     "0x10",
                                      "1..2", "--1", "Infinity", "-Infinity"};
    char doc[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct got g;
        struct err e = {0};
        snprintf(doc, sizeof doc, REC_AT("\"NO1\"", "%s"), good[i].text);
        if (parse1(doc, &g, &e) != 0 || g.n != 1 || g.r.value != good[i].want ||
            signbit(g.r.value) != signbit(good[i].want))
            CHECK_FAIL_("%s: %s, got %.17g", good[i].text, e.msg, g.r.value);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct got g;
        struct err e = {0};
        snprintf(doc, sizeof doc, REC_AT("\"NO1\"", "%s"), bad[i]);
        if (parse1(doc, &g, &e) != -1 || !strstr(e.msg, "bad JSON"))
            CHECK_FAIL_("%s: should fail as bad JSON, got \"%s\"", bad[i], e.msg);
    }
}

/* The fast decimal conversion gives exactly strtod's double. */
static void test_numbers_exact(void)
{
    char text[64], doc[256];
    unsigned long long x = 88172645463325252ull; /* xorshift64 */
    for (int i = 0; i < 200000; i++) {
        struct got g;
        struct err e = {0};
        int digits, point;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        digits = 1 + (int)(x % 17);
        /* Digits before the point: at most 15 (LIMIT_KWH_MAX). */
        point = 1 + (int)((x >> 8) % (unsigned long long)digits);
        if (point > 15)
            point = 15;
        {
            unsigned long long v = x >> 12;
            char d[24];
            int n = 0;
            for (int k = 0; k < digits; k++) {
                d[k] = (char)('0' + v % 10);
                v /= 10;
            }
            if (point > 1 && d[0] == '0')
                d[0] = '7'; /* no leading zero */
            if ((x >> 40) & 1)
                text[n++] = '-';
            for (int k = 0; k < digits; k++) {
                if (k == point)
                    text[n++] = '.';
                text[n++] = d[k];
            }
            text[n] = '\0';
        }
        snprintf(doc, sizeof doc, REC_AT("\"NO1\"", "%s"), text);
        if (parse1(doc, &g, &e) != 0) {
            CHECK_FAIL_("%s: %s", text, e.msg);
        }
        if (g.r.value != strtod(text, NULL) + 0.0)
            CHECK_FAIL_("%s: got %.17g, strtod %.17g", text, g.r.value, strtod(text, NULL));
    }
}

static void test_literals_and_garbage(void)
{
    static const struct {
        const char *doc;
        int ok;
    } cases[] = {
        {"[] \n\t\r", 1},
        {"{\"data\":[],\"x\":[true,false,null,-0.5e3,\"\"]}", 1},
        {"[]x", 0},
        {"[][]", 0},
        {"[] 1", 0},
        {"{\"data\":[],\"x\":tru}", 0},
        {"{\"data\":[],\"x\":truex}", 0},
        {"{\"data\":[],\"x\":nul}", 0},
        {"{\"data\":[],\"x\":True}", 0},
        {"{\"data\":[],}", 0},
        {"{\"data\":[1,]}", 0},
        {"{\"data\" []}", 0},
        {"{,\"data\":[]}", 0},
        {"{\"data\":[]", 0},
        {"{\"data\":[]}}", 0},
        {"\xEF\xBB\xBF[]", 0}, /* a BOM is not JSON (RFC 8259 section 8.1) */
        {"[\"\\u0000\"]", 0},  /* fine JSON, but a string is no record */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct got g;
        struct err e = {0};
        int rc = parse1(cases[i].doc, &g, &e);
        if (cases[i].ok ? rc != 0 : (rc != -1 || e.domain != ERR_PARSE))
            CHECK_FAIL_("case %zu (%s): rc %d, \"%s\"", i, cases[i].doc, rc, e.msg);
    }
}

static void test_nesting(void)
{
    static char doc[2 * LIMIT_JSON_NEST + 64];
    size_t n = 0;
    struct got g;
    struct err e = {0};
    /* Skipped subtrees may nest up to the tokenizer's cap... */
    n += (size_t)snprintf(doc, sizeof doc, "%s", "{\"x\":");
    for (int i = 0; i < LIMIT_JSON_NEST - 1; i++)
        doc[n++] = '[';
    for (int i = 0; i < LIMIT_JSON_NEST - 1; i++)
        doc[n++] = ']';
    n += (size_t)snprintf(doc + n, sizeof doc - n, "%s", ",\"data\":[]}");
    memset(&g, 0, sizeof g);
    CHECK_OK(elhub_parse(prod(), doc, n, keep, &g, NULL, &e), &e);
    /* ...and not one level more. */
    n = 0;
    n += (size_t)snprintf(doc, sizeof doc, "%s", "{\"x\":");
    for (int i = 0; i < LIMIT_JSON_NEST; i++)
        doc[n++] = '[';
    CHECK_INT(elhub_parse(prod(), doc, n, keep, &g, NULL, &e), -1);
    CHECK(strstr(e.msg, "nesting too deep"));
}

/* Every split point and every chunk size give the one-shot result. */
static void test_resume(void)
{
    static const char *const docs[] = {
        "{\"data\":[{\"attributes\":{\"productionPerGroupMbaHour\":[{\"endTime\":"
        "\"2021-01-01T01:00:00+01:00\",\"lastUpdatedTime\":\"2021-02-01T10:00:00+01:00\","
        "\"priceArea\":\"N\\u004F1\",\"productionGroup\":\"h\\u0079d\\u0072o\","
        "\"quantityKwh\":-1234.5e-2,\"startTime\":\"2021-01-01T00:00:00+01:00\",\"x\":[true,"
        "false,null,{\"y\":\"\\\\\\\\\\u00e6\\ud83d\\ude00\\\"\"}]}]}}], \"meta\" : {\"n\": 0}}",
        "[{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\",\"note\":\"\xC3\xA6\xE2\x82\xAC"
        "\xF0\x9F\x98\x80\",\"startTime\":\"2021-01-01T00:00:00+01:00\",\"quantityKwh\":24.101}]",
        REC_AT("\"NO1\"", "1.0E+3"),
    };
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        const char *doc = docs[d];
        size_t len = strlen(doc);
        struct got want, g;
        struct err e = {0};
        CHECK_OK(parse1(doc, &want, &e), &e);
        CHECK_INT(want.n, 1);
        for (size_t cut = 0; cut <= len; cut++) {
            memset(&g, 0, sizeof g);
            if (parse_split(doc, len, cut, &g, &e) != 0 || g.n != 1 ||
                memcmp(&g.r, &want.r, sizeof g.r) != 0)
                CHECK_FAIL_("doc %zu cut at %zu: %s", d, cut, e.msg);
        }
        for (size_t chunk = 1; chunk <= 9; chunk++) {
            memset(&g, 0, sizeof g);
            if (parse_chunks(doc, len, chunk, &g, &e) != 0 || g.n != 1 ||
                memcmp(&g.r, &want.r, sizeof g.r) != 0)
                CHECK_FAIL_("doc %zu in chunks of %zu: %s", d, chunk, e.msg);
        }
    }
    /* A bad token is caught whichever chunk boundary cuts it. */
    {
        const char *doc = REC_AT("\"N\\qO\"", "1.0");
        size_t len = strlen(doc);
        for (size_t cut = 0; cut <= len; cut++) {
            struct got g = {0};
            struct err e = {0};
            if (parse_split(doc, len, cut, &g, &e) != -1 || !strstr(e.msg, "bad JSON"))
                CHECK_FAIL_("cut at %zu: \"%s\"", cut, e.msg);
        }
    }
}

CHECK_MAIN({"/parse/json/escapes", test_escapes}, {"/parse/json/bad-strings", test_bad_strings},
           {"/parse/json/numbers", test_numbers}, {"/parse/json/numbers-exact", test_numbers_exact},
           {"/parse/json/literals-garbage", test_literals_and_garbage},
           {"/parse/json/nesting", test_nesting}, {"/parse/json/resume", test_resume})
