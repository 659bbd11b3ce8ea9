/* Tests of the source interface (source/source.h) and the Elhub source
 * behind it: the registry, the windows and their done-keys, URLs, the
 * record check, sniffing saved files, error bodies and the decoder object,
 * against values worked out by hand from docs/ELHUB-API.md. */
#include "check.h"

#include "buf.h"
#include "caps.h"
#include "source/source.h"
#include "timeutil.h"

#include "testdata.h"

#include <stdlib.h>

static int64_t iso(const char *s)
{
    int64_t t = 0;
    timeutil_parse_iso(s, strlen(s), &t, NULL);
    return t;
}

static void test_registry(void)
{
    const struct source_ops *src = source_find("elhub");
    CHECK(src == &source_elhub_ops);
    CHECK(source_find("era5") == NULL);
    CHECK(source_find(NULL) == NULL);
    CHECK(source_of(dataset_find("production")) == src);
    CHECK(source_of(dataset_find("consumption")) == src);
    CHECK(source_of(NULL) == NULL);
    CHECK_STR(source_windows(src, 1), "month");
    CHECK_STR(source_windows(src, 0), "months");
    CHECK_STR(source_windows(src, 12), "months");
    CHECK_INT(src->revision_days, 14);
    CHECK(strncmp(src->user_agent, "elhub/", 6) == 0);
    CHECK_STR(src->default_url, "https://api.elhub.no/energy-data/v0");
}

static void test_plan(void)
{
    const struct source_ops *src = &source_elhub_ops;
    const struct dataset *ds = dataset_find("production");
    struct source_window *w = NULL;
    size_t n = 0;
    struct err e = {0};
    CHECK_OK(src->plan(ds, "2021-10-05", "2021-12", NULL, &w, &n, &e), &e);
    CHECK_INT(n, 3);
    CHECK_STR(w[0].key, "2021-10-05..2021-10-31");
    CHECK_STR(w[0].outer_key, "2021-10"); /* a partial month is stored if its month is */
    CHECK_INT(w[0].start, iso("2021-10-05T00:00:00+02:00"));
    CHECK_INT(w[0].end, iso("2021-11-01T00:00:00+01:00"));
    CHECK_STR(w[1].key, "2021-11");
    CHECK_STR(w[1].outer_key, "");
    CHECK_INT(w[2].end, iso("2022-01-01T00:00:00+01:00"));
    free(w);
    CHECK_INT(src->plan(ds, "2021-12", "2021-10", NULL, &w, &n, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK(w == NULL && n == 0);
    CHECK_INT(src->plan(ds, "1900-01", "2100-12", NULL, &w, &n, &e), -1); /* > LIMIT_WINDOWS */
    CHECK_INT(e.domain, ERR_USAGE);
}

static void test_url(void)
{
    struct source_window w = {0};
    struct buf b;
    struct err e = {0};
    w.start = iso("2021-03-28T00:00:00+01:00");
    w.end = iso("2021-03-29T00:00:00+02:00"); /* the 23-hour day */
    buf_init(&b, LIMIT_URL);
    CHECK_OK(
        source_elhub_ops.url("http://127.0.0.1:1/v0/", dataset_find("consumption"), &w, &b, &e),
        &e);
    CHECK_STR(b.p, "http://127.0.0.1:1/v0/price-areas?dataset=CONSUMPTION_PER_GROUP_MBA_HOUR"
                   "&startDate=2021-03-28T00:00:00%2B01:00&endDate=2021-03-28T23:00:00%2B02:00");
    buf_release(&b);
}

static void test_check(void)
{
    struct source_window w = {0};
    struct record r = {0};
    struct err e = {0};
    snprintf(w.key, sizeof w.key, "2021-10");
    w.start = iso("2021-10-01T00:00:00+02:00");
    w.end = iso("2021-11-01T00:00:00+01:00");
    snprintf(r.area, sizeof r.area, "NO1");
    snprintf(r.group, sizeof r.group, "hydro");
    r.start = w.start;
    CHECK_OK(source_elhub_ops.check(dataset_find("production"), &w, &r, &e), &e);
    r.start = w.end - 3600; /* the last hour, 2021-10-31T23:00+01:00 */
    CHECK_OK(source_elhub_ops.check(dataset_find("production"), &w, &r, &e), &e);
    r.start = w.end;
    CHECK_INT(source_elhub_ops.check(dataset_find("production"), &w, &r, &e), -1);
    CHECK_INT(e.domain, ERR_DATA);
    CHECK(strstr(e.msg, "2021-11-01T00:00:00+01:00 (NO1 hydro) outside the requested 2021-10"));
    r.start = w.start - 3600;
    CHECK_INT(source_elhub_ops.check(dataset_find("production"), &w, &r, &e), -1);
}

static void test_sniff(void)
{
    size_t len = 0;
    char *body = testdata_read("api_response_production_trimmed_sample.json", &len);
    CHECK(body);
    CHECK(source_sniff(body, len < 65536 ? len : 65536) == dataset_find("production"));
    free(body);
    body = testdata_read("consumption_2021_sample_records.json", &len);
    CHECK(body);
    CHECK(source_sniff(body, len) == dataset_find("consumption"));
    free(body);
    /* The key that comes first decides; no key, no answer. */
    {
        const char *both = "{\"consumptionPerGroupMbaHour\":[],\"productionGroup\":1}";
        CHECK(source_sniff(both, strlen(both)) == dataset_find("consumption"));
        CHECK(source_sniff("{\"data\":[]}", 11) == NULL);
        CHECK(source_sniff("", 0) == NULL);
        /* A key cut by the end of the prefix does not count. */
        CHECK(source_sniff("[{\"productionGro", 16) == NULL);
    }
}

static void test_error_message(void)
{
    char msg[128];
    const char *b =
        "{\"errors\":[{\"status\":\"400\",\"title\":\"Invalid period\",\"detail\":\"too "
        "long\"}]}";
    CHECK_INT(source_elhub_ops.error_message(b, strlen(b), msg, sizeof msg), 0);
    CHECK_STR(msg, "Invalid period: too long");
    CHECK_INT(source_elhub_ops.error_message("<html>", 6, msg, sizeof msg), -1);
    CHECK_STR(msg, "");
}

struct sum {
    size_t n;
    double kwh;
};

static int add(const struct record *r, void *ctx)
{
    struct sum *s = ctx;
    s->n++;
    s->kwh += r->value;
    return 0;
}

static void test_decoder(void)
{
    const char *doc = "[{\"priceArea\":\"NO1\",\"productionGroup\":\"hydro\",\"quantityKwh\":1.25,"
                      "\"startTime\":\"2021-01-01T00:00:00+01:00\"},{\"priceArea\":\"NO1\","
                      "\"productionGroup\":\"hydro\",\"quantityKwh\":2.5,"
                      "\"startTime\":\"2021-01-01T01:00:00+01:00\"}]";
    const struct dataset *ds = dataset_find("production");
    struct sum s = {0};
    struct err e = {0};
    struct source_decoder *d = source_decoder_new(&source_elhub_ops, ds, NULL, add, &s);
    CHECK(d);
    CHECK_OK(source_decoder_feed(d, doc, 30, &e), &e);
    CHECK_OK(source_decoder_feed(d, doc + 30, strlen(doc) - 30, &e), &e);
    CHECK_OK(source_decoder_finish(d, &e), &e);
    source_decoder_free(d);
    CHECK_INT(s.n, 2);
    CHECK(s.kwh == 3.75);
    /* A cut body is an error at the end. */
    d = source_decoder_new(&source_elhub_ops, ds, NULL, add, &s);
    CHECK_OK(source_decoder_feed(d, doc, strlen(doc) - 1, &e), &e);
    CHECK_INT(source_decoder_finish(d, &e), -1);
    CHECK_INT(e.domain, ERR_PARSE);
    CHECK(strstr(e.msg, "ends early"));
    source_decoder_free(d);
    source_decoder_free(NULL);
    CHECK(source_decoder_new(NULL, ds, NULL, add, &s) == NULL);
}

CHECK_MAIN({"/source/registry", test_registry}, {"/source/elhub/plan", test_plan},
           {"/source/elhub/url", test_url}, {"/source/elhub/check", test_check},
           {"/source/elhub/sniff", test_sniff}, {"/source/elhub/error-message", test_error_message},
           {"/source/elhub/decoder", test_decoder})
