/* Tests of the streaming API parser: the real response and sample files of
 * data/elhub/ (counts and sums computed independently with Python's
 * json module), chunked feeding, and malformed input of every kind. */
#include "check.h"

#include "elhub/parse.h"
#include "mem.h"
#include "timeutil.h"

#include "testdata.h"

#define REAL_JSON "api_response_production_2025-09-16_2025-10-15.json"
#define SAMPLE_JSON "api_response_production_trimmed_sample.json"
#define CONS_JSON "consumption_2021_sample_records.json"

/* What the callback saw. */
struct seen {
    size_t n;
    size_t per_area[6]; /* NO1..NO5 at 1..5, anything else at 0 */
    size_t star_group;
    double sum;
    struct record first, last;
    int stop_after; /* > 0: abort after that many */
};

static int collect(const struct record *r, void *ctx)
{
    struct seen *s = ctx;
    int a = 0;
    if (strlen(r->area) == 3 && strncmp(r->area, "NO", 2) == 0 && r->area[2] >= '1' &&
        r->area[2] <= '5')
        a = r->area[2] - '0';
    if (s->n == 0)
        s->first = *r;
    s->last = *r;
    s->n++;
    s->per_area[a]++;
    s->star_group += strcmp(r->group, "*") == 0;
    s->sum += r->value;
    return s->stop_after > 0 && s->n >= (size_t)s->stop_after;
}

/* Parses body fed in chunks of `chunk` bytes. */
static int parse_chunked(const struct dataset *ds, const char *body, size_t len, size_t chunk,
                         struct seen *s, struct elhub_parse_stats *st, struct err *e)
{
    struct elhub_parser *p = elhub_parser_new(ds, collect, s);
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0; at += chunk)
        rc = elhub_parser_feed(p, body + at, len - at < chunk ? len - at : chunk, e);
    if (rc == 0)
        rc = elhub_parser_finish(p, st, e);
    elhub_parser_free(p);
    return rc;
}

static int64_t iso(const char *s)
{
    int64_t t = 0;
    timeutil_parse_iso(s, strlen(s), &t, NULL);
    return t;
}

static void test_real_full(void)
{
    const struct dataset *ds = dataset_find("production");
    size_t len = 0;
    char *body = testdata_read(REAL_JSON, &len);
    static const size_t chunks[] = {4096, 65536, 3 * 1024 * 1024 + 17};
    CHECK(body);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        struct seen s = {0};
        struct elhub_parse_stats st;
        struct err e = {0};
        if (parse_chunked(ds, body, len, chunks[i], &s, &st, &e) != 0) {
            free(body);
            CHECK_FAIL_("parse failed: %s", e.msg);
        }
        CHECK_INT(s.n, 18732);
        CHECK_INT(st.records, 18732);
        CHECK_INT(st.areas, 6); /* the "*" pseudo-area included */
        CHECK_INT(s.per_area[0], 0);
        CHECK_INT(s.per_area[1], 3510);
        CHECK_INT(s.per_area[2], 3990);
        CHECK_INT(s.per_area[3], 3510);
        CHECK_INT(s.per_area[4], 3510);
        CHECK_INT(s.per_area[5], 4212);
        CHECK_INT(s.star_group, 1182);
        /* Python math.fsum over the file: 11932426424.032999. */
        CHECK_NEAR(s.sum, 11932426424.033, 0.01);
        CHECK_INT(st.min_start, iso("2025-09-16T16:00:00Z"));
        CHECK_INT(st.max_start, iso("2025-10-15T21:00:00Z"));
        CHECK_STR(s.first.area, "NO1");
        CHECK_STR(s.first.group, "hydro");
        CHECK(s.first.value == 2644987.0);
        CHECK_INT(s.first.start, iso("2025-09-16T18:00:00+02:00"));
        CHECK_INT(s.first.end, iso("2025-09-16T19:00:00+02:00"));
        CHECK_INT(s.first.updated, iso("2025-09-30T18:07:59+02:00"));
        CHECK_INT(s.first.count, -1);
        CHECK_STR(s.last.area, "NO5");
        CHECK_STR(s.last.group, "wind");
        CHECK(s.last.value == 0.0);
        CHECK_INT(s.last.start, iso("2025-10-15T23:00:00+02:00"));
        CHECK_INT(s.last.updated, iso("2025-10-16T17:40:30+02:00"));
    }
    free(body);
}

static void test_sample_bytewise(void)
{
    const struct dataset *ds = dataset_find("production");
    size_t len = 0;
    char *body = testdata_read(SAMPLE_JSON, &len);
    struct seen s1 = {0}, s2 = {0};
    struct elhub_parse_stats st;
    struct err e = {0};
    int rc1, rc2;
    CHECK(body);
    /* One byte at a time must give what one call gives: the tokenizer
     * keeps tokens split across chunks. */
    rc1 = parse_chunked(ds, body, len, 1, &s1, &st, &e);
    rc2 = elhub_parse(ds, body, len, collect, &s2, &st, &e);
    free(body);
    CHECK_INT(rc1, 0);
    CHECK_INT(rc2, 0);
    CHECK_INT(s1.n, 81);
    CHECK_INT(s2.n, 81);
    CHECK_INT(st.areas, 6);
    CHECK(s1.sum == s2.sum);
    CHECK(s1.last.value == s2.last.value);
}

/* The exact double of a 3-decimal value, as strtod reads it. */
static void test_value_exact(void)
{
    const char *doc =
        "[{\"priceArea\":\"no1\",\"productionGroup\":\"Hydro\",\"quantityKwh\":24.101,"
        "\"startTime\":\"2021-10-31T02:00:00+01:00\"}]";
    struct seen s = {0};
    struct err e = {0};
    CHECK_OK(elhub_parse(dataset_find("production"), doc, strlen(doc), collect, &s, NULL, &e), &e);
    CHECK_INT(s.n, 1);
    CHECK(s.first.value == strtod("24.101", NULL));
    CHECK_STR(s.first.area, "NO1");    /* upper-cased */
    CHECK_STR(s.first.group, "hydro"); /* lower-cased */
    CHECK_INT(s.first.start, iso("2021-10-31T01:00:00Z"));
    CHECK_INT(s.first.end, s.first.start + 3600); /* endTime defaults */
    CHECK_INT(s.first.updated, 0);
}

static void test_consumption_array(void)
{
    const struct dataset *ds = dataset_find("consumption");
    size_t len = 0;
    char *body = testdata_read(CONS_JSON, &len);
    struct seen s = {0};
    struct elhub_parse_stats st;
    struct err e = {0};
    int rc;
    CHECK(body);
    rc = elhub_parse(ds, body, len, collect, &s, &st, &e);
    free(body);
    CHECK_OK(rc, &e);
    CHECK_INT(s.n, 5);
    CHECK_INT(st.areas, 0);
    CHECK_STR(s.first.area, "NO1");
    CHECK_STR(s.first.group, "cabin");
    CHECK_INT(s.first.count, 100607);
    CHECK(s.first.value == 177071.56);
    CHECK(s.last.value == 159828.69);
    CHECK_INT(s.first.start, iso("2021-01-01T00:00:00+01:00"));
    CHECK_INT(s.last.updated, iso("2024-12-20T10:35:40+01:00"));
}

static void test_dataset_mismatch(void)
{
    size_t len = 0;
    char *body = testdata_read(SAMPLE_JSON, &len);
    struct seen s = {0};
    struct err e = {0};
    int rc;
    CHECK(body);
    rc = elhub_parse(dataset_find("consumption"), body, len, collect, &s, NULL, &e);
    free(body);
    CHECK_INT(rc, -1);
    CHECK_INT(e.domain, ERR_PARSE);
    CHECK(strstr(e.msg, "another dataset"));
    CHECK_INT(s.n, 0);

    body = testdata_read(CONS_JSON, &len);
    CHECK(body);
    rc = elhub_parse(dataset_find("production"), body, len, collect, &s, NULL, &e);
    free(body);
    CHECK_INT(rc, -1);
    CHECK(strstr(e.msg, "record without productionGroup"));
}

/* Every proper prefix of a response is an error, never a silent success. */
static void test_truncated(void)
{
    const struct dataset *ds = dataset_find("production");
    size_t len = 0, end;
    char *body = testdata_read(SAMPLE_JSON, &len);
    CHECK(body);
    end = len;
    while (end > 0 && body[end - 1] != '}')
        end--;
    for (size_t cut = 0; cut < end; cut += cut < 300 ? 1 : 13) {
        struct seen s = {0};
        struct err e = {0};
        int rc = elhub_parse(ds, body, cut, collect, &s, NULL, &e);
        if (rc != -1 || e.domain != ERR_PARSE) {
            free(body);
            CHECK_FAIL_("prefix of %zu bytes: rc %d, \"%s\"", cut, rc, e.msg);
        }
    }
    free(body);
}

struct bad_case {
    const char *doc;
    const char *want; /* substring of the message */
};

static void test_malformed(void)
{
#define REC(fields) "[{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\"," fields "}]"
#define OKT "\"startTime\":\"2021-01-01T00:00:00+01:00\""
#define OKT_ OKT
    static const struct bad_case cases[] = {
        {"", "empty document"},
        {"   ", "ends early"},
        {"42", "got a number"},
        {"\"x\"", "got a string"},
        {"[1]", "holds a number"},
        {"[[]]", "holds an array"},
        {"{\"data\":{}}", "\"data\" is an object"},
        {"{\"data\":\"x\"}", "\"data\" is a string"},
        {"{\"data\":[1]}", "data[] holds a number"},
        {"{\"data\":[{\"attributes\":{\"productionPerGroupMbaHour\":{}}}]}", "is an object"},
        {"{\"data\":[{\"attributes\":{\"productionPerGroupMbaHour\":7}}]}", "is a number"},
        {"{\"links\":{}}", "no \"data\" array"},
        {"{\"errors\":[{\"status\":\"400\",\"title\":\"Bad\"}]}", "JSON:API error"},
        {REC(OKT ",\"quantityKwh\":\"12.5\""), "quantityKwh is a string"},
        {REC(OKT ",\"quantityKwh\":-1e16"), "is outside -1e+15..1e+15"},
        {REC(OKT ",\"quantityKwh\":1e999"), "not a finite number"},
        {REC(OKT ",\"quantityKwh\":1e16"), "is outside -1e+15..1e+15"},
        {REC(OKT ",\"quantityKwh\":1"
                 "000000000000000000000000000000000000000000000000000000000000000000"),
         "more than 63 characters"},
        {REC(OKT ",\"quantityKwh\":null"), "quantityKwh is null"},
        {REC(OKT ",\"quantityKwh\":true"), "quantityKwh is a boolean"},
        {REC(OKT ",\"quantityKwh\":[1]"), "quantityKwh is an array"},
        {REC(OKT ",\"quantityKwh\":{}"), "quantityKwh is an object"},
        {REC(OKT ",\"quantityKwh\":NaN"), "bad JSON"},
        {REC(OKT), "record without quantityKwh"},
        {REC("\"quantityKwh\":1.0"), "record without startTime"},
        {"[{\"productionGroup\":\"hydro\"," OKT ",\"quantityKwh\":1.0}]", "without priceArea"},
        {"[{\"priceArea\":\"NO1\"," OKT ",\"quantityKwh\":1.0}]", "without productionGroup"},
        {"[{\"priceArea\":7,\"productionGroup\":\"hydro\"}]", "priceArea is a number"},
        {"[{\"priceArea\":\"\",\"productionGroup\":\"hydro\"}]", "priceArea: empty area"},
        {REC("\"startTime\":\"2021-01-01T00:00:00\",\"quantityKwh\":1.0"), "no UTC offset"},
        {REC("\"startTime\":\"2021-02-30T00:00:00Z\",\"quantityKwh\":1.0"), "out of range"},
        {REC("\"startTime\":\"\",\"quantityKwh\":1.0"), "startTime: bad time"},
        {"["
         "{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\"," OKT_ ",\"quantityKwh\":1.0},"
         "{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\",\"startTime\":\"\",\"quantityKwh\":"
         "1.0}]",
         "startTime: bad time"},
        {REC(OKT ",\"endTime\":\"2021-01-01T00:00:00+01:00\",\"quantityKwh\":1.0"),
         "not one hour later"},
        {REC(OKT ",\"quantityKwh\":1.0,\"meteringPointCount\":1.5"), "not a non-negative integer"},
        {REC(OKT ",\"quantityKwh\":1.0,\"meteringPointCount\":-3"), "not a non-negative integer"},
        {REC(OKT ",\"quantityKwh\":1.0"), NULL},  /* the good record the others break */
        {REC(OKT ",\"quantityKwh\":-1.5"), NULL}, /* net consumption can be negative */
        {REC(OKT ",\"quantityKwh\":-1e16"), "is outside -1e+15..1e+15"},
        {REC(OKT ",\"quantityKwh\":1.0,\"x\":{\"y\":[1,{\"z\":null}]},\"w\":[[]]"), NULL},
        {REC(OKT ",\"quantityKwh\":1.0,\"lastUpdatedTime\":null,\"endTime\":null"), NULL},
        {"{\"data\":[{\"attributes\":{\"productionPerGroupMbaHour\":null}}],\"meta\":{}}", NULL},
        {"{\"data\":[{\"attributes\":{\"consumptionPerGroupMbaHour\":[]}}]}", NULL},
        {"[]", NULL},
        {REC(OKT ",\"quantityKwh\":1.0") "x", "bad JSON"},
        /* A repeated key is a contradiction, not "last wins" (issue 11, item 12). */
        {REC(OKT ",\"quantityKwh\":1.0,\"priceArea\":\"NO2\""),
         "priceArea appears twice in one record"},
        {REC(OKT ",\"quantityKwh\":1.0,\"productionGroup\":\"wind\""),
         "productionGroup appears twice in one record"},
        {REC(OKT "," OKT ",\"quantityKwh\":1.0"), "startTime appears twice in one record"},
        {REC(OKT ",\"quantityKwh\":1.0,\"quantityKwh\":2.0"), "quantityKwh appears twice"},
        {REC(OKT ",\"quantityKwh\":1.0,\"endTime\":null,\"endTime\":\"2021-01-01T01:00:00+01:00\""),
         "endTime appears twice"},
        {REC(OKT ",\"quantityKwh\":1.0,\"lastUpdatedTime\":null,\"lastUpdatedTime\":null"),
         "lastUpdatedTime appears twice"},
        {"{\"data\":[],\"data\":[]}", "the key \"data\" appears twice in one object"},
        {"{\"data\":[{\"attributes\":{},\"attributes\":{}}]}", "\"attributes\" appears twice"},
        {"{\"data\":[{\"attributes\":{\"productionPerGroupMbaHour\":[],"
         "\"productionPerGroupMbaHour\":[]}}]}",
         "\"productionPerGroupMbaHour\" appears twice"},
        /* Keys the decoder ignores may repeat: they change nothing stored. */
        {REC(OKT ",\"quantityKwh\":1.0,\"x\":1,\"x\":2"), NULL},
        {"{\"data\":[],\"meta\":{},\"meta\":{}}", NULL},
        {"[{\"priceArea\":\"NO1\"", "ends early"},
    };
#undef REC
#undef OKT
#undef OKT_
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct seen s = {0};
        struct err e = {0};
        const char *doc = cases[i].doc;
        int rc = elhub_parse(dataset_find("production"), doc, strlen(doc), collect, &s, NULL, &e);
        if (!cases[i].want) {
            if (rc != 0)
                CHECK_FAIL_("case %zu (%s) should parse: %s", i, doc, e.msg);
            continue;
        }
        if (rc != -1 || e.domain != ERR_PARSE || !strstr(e.msg, cases[i].want))
            CHECK_FAIL_("case %zu (%s): rc %d, message \"%s\", wanted \"%s\"", i, doc, rc, e.msg,
                        cases[i].want);
    }
}

static void test_deep_nesting(void)
{
    char doc[4096];
    struct seen s = {0};
    struct err e = {0};
    size_t n = 0;
    /* Skipped subtrees may nest deeply; known levels may not. */
    n += (size_t)snprintf(doc, sizeof doc, "%s", "{\"x\":");
    for (int i = 0; i < 1000; i++)
        doc[n++] = '[';
    for (int i = 0; i < 1000; i++)
        doc[n++] = ']';
    n += (size_t)snprintf(doc + n, sizeof doc - n, "%s", ",\"data\":[]}");
    CHECK_OK(elhub_parse(dataset_find("production"), doc, n, collect, &s, NULL, &e), &e);

    n = 0;
    for (int i = 0; i < 2000; i++)
        doc[n++] = '[';
    CHECK_INT(elhub_parse(dataset_find("production"), doc, n, collect, &s, NULL, &e), -1);
    CHECK(strstr(e.msg, "holds an array"));
}

/* The error code carries the byte offset of the problem. */
static void test_offset(void)
{
    const char *doc = "[{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\","
                      "\"startTime\":\"2021-01-01T00:00:00+01:00\",\"quantityKwh\":1.0},"
                      "{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\","
                      "\"startTime\":\"yesterday\",\"quantityKwh\":1.0}]";
    const char *bad = strstr(doc, "yesterday");
    struct seen s = {0};
    struct err e = {0};
    CHECK_INT(elhub_parse(dataset_find("production"), doc, strlen(doc), collect, &s, NULL, &e), -1);
    CHECK_INT(s.n, 1);
    CHECK(e.code >= bad - doc && e.code <= bad - doc + 12);
    CHECK(strstr(e.msg, "startTime"));
    CHECK(strstr(e.msg, "yesterday"));

    /* The offset counts across chunks. */
    {
        struct elhub_parse_stats st;
        memset(&s, 0, sizeof s);
        CHECK_INT(parse_chunked(dataset_find("production"), doc, strlen(doc), 5, &s, &st, &e), -1);
        CHECK(e.code >= bad - doc && e.code <= bad - doc + 12);
    }
}

static void test_callback_abort(void)
{
    size_t len = 0;
    char *body = testdata_read(SAMPLE_JSON, &len);
    struct seen s = {0};
    struct err e = {0};
    int rc;
    CHECK(body);
    s.stop_after = 3;
    rc = elhub_parse(dataset_find("production"), body, len, collect, &s, NULL, &e);
    free(body);
    CHECK_INT(rc, -1);
    CHECK_INT(s.n, 3);
    CHECK(strstr(e.msg, "stopped by the record handler"));
}

static void test_api_error(void)
{
    char msg[256];
    const char *b1 = "{\"errors\":[{\"status\":\"400\",\"title\":\"Invalid dataset for grid-area "
                     "entity\",\"detail\":\"creationTime: 2025-10-22T11:01:43+02:00\","
                     "\"links\":{\"self\":\"https://api.elhub.no/x\"}}]}";
    const char *b2 = "{\"errors\":[{\"status\":\"503\"}]}";
    const char *b3 = "{\"errors\":[{\"title\":\"Too Many Requests\"}]}";
    CHECK_INT(elhub_parse_api_error(b1, strlen(b1), msg, sizeof msg), 0);
    CHECK_STR(msg, "Invalid dataset for grid-area entity: creationTime: 2025-10-22T11:01:43+02:00");
    CHECK_INT(elhub_parse_api_error(b2, strlen(b2), msg, sizeof msg), 0);
    CHECK_STR(msg, "status 503");
    CHECK_INT(elhub_parse_api_error(b3, strlen(b3), msg, sizeof msg), 0);
    CHECK_STR(msg, "Too Many Requests");
    /* Not error documents. */
    CHECK_INT(elhub_parse_api_error(b1, 40, msg, sizeof msg), -1);
    CHECK_STR(msg, "");
    CHECK_INT(elhub_parse_api_error("<html>502</html>", 16, msg, sizeof msg), -1);
    CHECK_INT(elhub_parse_api_error("{\"errors\":[]}", 13, msg, sizeof msg), -1);
    CHECK_INT(elhub_parse_api_error("{\"errors\":[7]}", 14, msg, sizeof msg), -1);
    CHECK_INT(elhub_parse_api_error("{\"data\":[]}", 11, msg, sizeof msg), -1);
    CHECK_INT(elhub_parse_api_error("", 0, msg, sizeof msg), -1);
    /* Bytes of the body never reach a terminal raw: ESC and non-ASCII
     * bytes are shown escaped. */
    {
        const char *b4 = "{\"errors\":[{\"title\":\"Bad\\u001b[2J\",\"detail\":\"\xC3\xA6\"}]}";
        CHECK_INT(elhub_parse_api_error(b4, strlen(b4), msg, sizeof msg), 0);
        CHECK_STR(msg, "Bad\\x1b[2J: \\xc3\\xa6");
    }
    /* Only the first entry counts; other members and nesting are skipped;
     * the whole body must still be JSON. */
    {
        const char *b5 = "{\"jsonapi\":{\"v\":[1,{\"title\":\"no\"}]},\"errors\":[{\"links\":"
                         "{\"title\":\"no\"},\"title\":\"First\",\"meta\":[\"x\"]},{\"title\":"
                         "\"Second\"}]}";
        CHECK_INT(elhub_parse_api_error(b5, strlen(b5), msg, sizeof msg), 0);
        CHECK_STR(msg, "First");
        CHECK_INT(elhub_parse_api_error(b5, strlen(b5) - 1, msg, sizeof msg), -1);
        CHECK_INT(elhub_parse_api_error("[{\"title\":\"x\"}]", 17, msg, sizeof msg), -1);
        CHECK_INT(elhub_parse_api_error("{\"errors\":{\"title\":\"x\"}}", 26, msg, sizeof msg), -1);
        CHECK_INT(elhub_parse_api_error("{\"errors\":[{\"title\":7}]}", 25, msg, sizeof msg), -1);
    }
    /* A small out buffer truncates. */
    CHECK_INT(elhub_parse_api_error(b1, strlen(b1), msg, 8), 0);
    CHECK_STR(msg, "Invalid");
}

CHECK_MAIN({"/parse/real/full", test_real_full},
           {"/parse/real/sample-bytewise", test_sample_bytewise},
           {"/parse/value/exact", test_value_exact},
           {"/parse/consumption/array", test_consumption_array},
           {"/parse/dataset/mismatch", test_dataset_mismatch},
           {"/parse/bad/truncated", test_truncated}, {"/parse/bad/malformed", test_malformed},
           {"/parse/bad/deep", test_deep_nesting}, {"/parse/bad/offset", test_offset},
           {"/parse/callback/abort", test_callback_abort}, {"/parse/api-error", test_api_error})
