/* Tests for the dashboard API without sockets: the query-string decoder,
 * each handler over a real SQLite file written through the store interface,
 * and the --listen parser of the server. */
#include "check.h"
#include "store/store.h"
#include "timeutil.h"
#include "web/api.h"
#include "web/server.h"

#include <unistd.h>

static char path[256];

static struct store *fresh(void)
{
    struct store *s = NULL;
    struct err e = {0};
    char uri[300];
    snprintf(path, sizeof path, "/tmp/elhub-test-web-%d.db", (int)getpid());
    unlink(path);
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    CHECK_OK(store_open(uri, STORE_WRITE, &s, &e), &e);
    return s;
}

static void gone(struct store *s)
{
    char p[300];
    store_free(s);
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* NO1 hydro for every hour of 2021-10-31 (25 hours, value = hour index + 0.5)
 * and NO1 wind for the first 3 hours; NO2 hydro one hour. */
static struct store *filled(void)
{
    struct store *s = fresh();
    struct record rows[40];
    struct err e = {0};
    size_t n = 0;
    int64_t day = timeutil_oslo_midnight(2021, 10, 31);

    for (int h = 0; h < 25; h++, n++) {
        memset(&rows[n], 0, sizeof rows[n]);
        snprintf(rows[n].area, sizeof rows[n].area, "NO1");
        snprintf(rows[n].group, sizeof rows[n].group, "hydro");
        rows[n].start = day + h * 3600;
        rows[n].end = rows[n].start + 3600;
        rows[n].value = h + 0.5;
        rows[n].count = -1;
    }
    for (int h = 0; h < 3; h++, n++) {
        rows[n] = rows[h];
        snprintf(rows[n].group, sizeof rows[n].group, "wind");
        rows[n].value = 10.125;
    }
    rows[n] = rows[0];
    snprintf(rows[n].area, sizeof rows[n].area, "NO2");
    rows[n].value = 7.0;
    n++;
    CHECK_OK(store_write(s, &dataset_all[0], rows, n, NULL, &e), &e);
    return s;
}

static void call(struct store *s, const char *target, struct api_response *r)
{
    api_response_init(r);
    api_handle(s, target, strlen(target), r);
}

static void test_query_decode(void)
{
    struct api_query q;
    struct err e = {0};
    const char *qs = "a=1&b=x+y&&c=%41%2b%2F&d&=&e=";

    /* "=" alone has an empty name: rejected. */
    CHECK(api_query_parse(qs, strlen(qs), &q, &e) < 0);
    CHECK(strstr(e.msg, "without a name") != NULL);
    qs = "a=1&b=x+y&&c=%41%2b%2F&d&e=";
    CHECK_OK(api_query_parse(qs, strlen(qs), &q, &e), &e);
    CHECK_INT(q.n, 5);
    CHECK_STR(api_query_get(&q, "a"), "1");
    CHECK_STR(api_query_get(&q, "b"), "x y");
    CHECK_STR(api_query_get(&q, "c"), "A+/");
    CHECK_STR(api_query_get(&q, "d"), "");
    CHECK_STR(api_query_get(&q, "e"), "");
    CHECK(api_query_get(&q, "f") == NULL);
    CHECK_OK(api_query_parse("", 0, &q, &e), &e);
    CHECK_INT(q.n, 0);
}

static void test_query_errors(void)
{
    static const struct {
        const char *qs, *msg;
    } bad[] = {
        {"a=%4", "truncated"},  {"a=%", "truncated"},   {"a=%zz", "bad %-escape"},
        {"a=%00", "control"},   {"a=%0a", "control"},   {"a=1&a=2", "twice"},
        {"%61=1&a=2", "twice"}, {"a\x01=1", "control"},
    };
    struct api_query q;
    struct err e = {0};
    char many[256] = "", *big;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&e);
        CHECK(api_query_parse(bad[i].qs, strlen(bad[i].qs), &q, &e) < 0);
        if (!strstr(e.msg, bad[i].msg))
            CHECK_STR(e.msg, bad[i].msg);
        CHECK_INT(q.n, 0);
    }
    for (int i = 0; i <= LIMIT_API_PARAMS; i++) {
        size_t used = strlen(many);
        snprintf(many + used, sizeof many - used, "p%d=1&", i);
    }
    CHECK(api_query_parse(many, strlen(many), &q, &e) < 0);
    CHECK(strstr(e.msg, "too many") != NULL);
    big = calloc(LIMIT_API_QUERY + 1, 1);
    memset(big, 'a', LIMIT_API_QUERY);
    CHECK(api_query_parse(big, LIMIT_API_QUERY, &q, &e) < 0);
    CHECK(strstr(e.msg, "too long") != NULL);
    /* The longest allowed query fills mem exactly. */
    big[0] = 'x';
    big[1] = '=';
    CHECK_OK(api_query_parse(big, LIMIT_API_QUERY - 1, &q, &e), &e);
    CHECK_INT(strlen(api_query_get(&q, "x")), LIMIT_API_QUERY - 3);
    free(big);
}

static void test_totals(void)
{
    struct store *s = filled();
    struct api_response r;

    call(s, "/api/totals?dataset=production&area=no1&from=2021-10-31&to=2021-10-31", &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.type, "application/json; charset=utf-8");
    /* hydro: sum of h + 0.5 for h = 0..24 = 300 + 12.5. */
    CHECK_STR(r.body.p, "{\"dataset\":\"production\",\"area\":\"NO1\",\"from\":\"2021-10-31\","
                        "\"to\":\"2021-10-31\",\"unit\":\"kWh\",\"totals\":{\"hydro\":312.5,"
                        "\"wind\":30.375},\"records\":{\"hydro\":25,\"wind\":3},"
                        "\"hours\":{\"hydro\":25,\"wind\":3},\"period_hours\":25}\n");
    CHECK(r.cacheable);
    api_response_release(&r);
    /* The day before has nothing; a month selects the whole month. */
    call(s, "/api/totals?area=NO1&from=2021-10-30&to=2021-10-30", &r);
    CHECK(strstr(r.body.p, "\"totals\":{}") != NULL);
    api_response_release(&r);
    call(s, "/api/totals?from=2021-10&to=2021-10&groups=hydro", &r);
    CHECK(strstr(r.body.p, "\"area\":null,\"from\":\"2021-10-01\",\"to\":\"2021-10-31\"") != NULL);
    CHECK(strstr(r.body.p, "\"hydro\":319.5") != NULL);
    api_response_release(&r);
    gone(s);
}

static void test_series_dst(void)
{
    struct store *s = filled();
    struct api_response r;
    const char *p;
    int n = 0;

    call(s, "/api/series?area=NO1&groups=hydro&from=2021-10-31&to=2021-10-31&step=hour", &r);
    CHECK_INT(r.status, 200);
    for (p = r.body.p; (p = strstr(p, "[\"2021-")) != NULL; p++)
        n++;
    CHECK_INT(n, 25);
    CHECK(strstr(r.body.p,
                 "[\"2021-10-31T02:00:00+02:00\",2.5],[\"2021-10-31T02:00:00+01:00\",3.5]") !=
          NULL);
    api_response_release(&r);
    call(s, "/api/series?area=NO1&from=2021-10-31&to=2021-10-31&step=day", &r);
    CHECK(strstr(r.body.p, "\"step\":\"day\"") != NULL);
    CHECK(strstr(r.body.p, "\"hydro\":[[\"2021-10-31T00:00:00+02:00\",312.5]]") != NULL);
    CHECK(strstr(r.body.p, "\"wind\":[[\"2021-10-31T00:00:00+02:00\",30.375]]") != NULL);
    api_response_release(&r);
    /* Monthly over an open range, from the month rollups. */
    call(s, "/api/series?area=NO2&groups=hydro&step=month", &r);
    CHECK(strstr(r.body.p, "\"hydro\":[[\"2021-10-01T00:00:00+02:00\",7.0]]") != NULL);
    api_response_release(&r);
    /* A named group without rows in the range is present and empty. */
    call(s, "/api/series?area=NO1&groups=wind,hydro&step=month&from=2021-11&to=2021-11", &r);
    CHECK(strstr(r.body.p, "\"series\":{\"hydro\":[],\"wind\":[]}") != NULL);
    api_response_release(&r);
    gone(s);
}

static void test_export_and_quality(void)
{
    struct store *s = filled();
    struct api_response r;

    call(s, "/api/export.csv?area=NO1&from=2021-10-31&to=2021-10-31&step=hour", &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.type, "text/csv; charset=utf-8");
    CHECK_STR(r.filename, "elhub-production-NO1-2021-10-31-2021-10-31-hour.csv");
    CHECK(strstr(r.body.p,
                 "start,end,hydro_kwh,wind_kwh\r\n"
                 "2021-10-31T00:00:00+02:00,2021-10-31T01:00:00+02:00,0.5,10.125\r\n") == r.body.p);
    CHECK(strstr(r.body.p, "2021-10-31T03:00:00+01:00,2021-10-31T04:00:00+01:00,4.5,\r\n") != NULL);
    api_response_release(&r);
    call(s, "/api/export.csv?chart=totals&area=NO1", &r);
    CHECK_STR(r.body.p, "group,kwh,records\r\nhydro,312.5,25\r\nwind,30.375,3\r\n");
    CHECK_STR(r.filename, "elhub-production-NO1-start-end-totals.csv");
    api_response_release(&r);
    call(s, "/api/quality?area=NO1&from=2021-10-31&to=2021-10-31", &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body.p, "\"expected_hours\":25") != NULL);
    CHECK(strstr(r.body.p, "\"hydro\":{\"present\":25,\"gaps\":[],\"missing\":0}") != NULL);
    CHECK(strstr(r.body.p, "\"wind\":{\"present\":3,\"gaps\":[[\"2021-10-31T02:00:00+01:00\","
                           "\"2021-11-01T00:00:00+01:00\"]],\"missing\":22}") != NULL);
    api_response_release(&r);
    gone(s);
}

static void test_meta(void)
{
    struct store *s = filled();
    struct api_response r;

    call(s, "/api/meta", &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body.p, "\"records\":29,") != NULL);
    CHECK(strstr(r.body.p, "\"years\":[2021]") != NULL);
    CHECK(strstr(r.body.p, "\"areas\":[\"NO1\",\"NO2\"]") != NULL);
    CHECK(strstr(r.body.p, "\"hydro\":{\"label\":\"Hydro\",\"color\":\"#1f77b4\"}") != NULL);
    CHECK(strstr(r.body.p, "\"license\":\"CC BY 4.0\"") != NULL);
    api_response_release(&r);
    gone(s);
}

/* One error answer: the status and a piece of the (JSON-escaped) detail. */
struct error_case {
    const char *target;
    int status;
    const char *detail;
};

static void check_errors(struct store *s, const struct error_case *cases, size_t n)
{
    struct api_response r;
    for (size_t i = 0; i < n; i++) {
        call(s, cases[i].target, &r);
        if (r.status != cases[i].status || !strstr(r.body.p, cases[i].detail)) {
            fprintf(stderr, "  %s -> %d %s", cases[i].target, r.status, r.body.p);
            api_response_release(&r);
            CHECK(0);
        }
        CHECK(strstr(r.body.p, "{\"error\":\"") == r.body.p);
        CHECK(!r.cacheable);
        api_response_release(&r);
    }
}

static void test_errors(void)
{
    static const struct error_case cases[] = {
        {"/api/nope", 404, "no such endpoint"},
        {"/api/totals?dataset=x", 400, "dataset \\\"x\\\""},
        {"/api/totals?area=N%C3%98", 400, "area \\\"N\\\\xc3\\\\x98\\\""},
        {"/api/totals?area=NO9", 400, "area NO9: the store has production data for NO1, NO2"},
        {"/api/totals?area=NO1&groups=solar", 400, "group solar"},
        {"/api/totals?from=2021-1-1", 400, "from"},
        {"/api/totals?to=1989-12-31", 400, "years 1990-2100"},
        {"/api/series?step=year", 400, "step"},
        {"/api/series?groups=a,,b", 400, "groups"},
        {"/api/totals?step=day", 400, "unknown parameter \\\"step\\\""},
        {"/api/quality?from=2021-01-01", 400, "both from and to"},
        {"/api/export.csv?chart=pie", 400, "chart"},
        {"/api/meta?a", 400, "no parameters"},
    };
    struct store *s = filled();
    struct api_response r;

    check_errors(s, cases, sizeof cases / sizeof cases[0]);
    call(NULL, "/api/meta", &r);
    CHECK_INT(r.status, 503);
    api_response_release(&r);
    gone(s);
}

/* /api/analysis: the listing, the sub-path route, the statuses, and one
 * body over the 25-hour day (NO1 hydro against itself: r is 1 wherever the
 * 5-hour window is whole, null for the 2 hours at either end). */
static void test_analysis(void)
{
    static const struct error_case cases[] = {
        {"/api/analysis/", 404, "unknown analysis method \\\"\\\""},
        {"/api/analysis/fourier", 404, "the methods are stl, spectrogram"},
        {"/api/analysis/stl/x", 404, "unknown analysis method \\\"stl/x\\\""},
        {"/api/analysisx", 404, "no such endpoint"},
        {"/api/analysis?series=x", 400, "unknown parameter"},
        {"/api/analysis/outliers?series=production:NO1:hydro&from=2021-10-31&to=2021-10-31", 400,
         "cutoff must be less than the hours in the range (25)"},
        {"/api/analysis/stl?series=production:NO1:hydro&from=2021-10-31&to=2021-10-31&format=x",
         400, "format must be one of json, csv"},
        {"/api/analysis/stl?series=production:NO2:hydro&from=2021-10-31&to=2021-10-31&period=2",
         422, "production:NO2:hydro has no data after"},
    };
    const char *corr = "/api/analysis/correlate?x=production:NO1:hydro&y=production:NO1:hydro"
                       "&from=2021-10-31&to=2021-10-31&window=5";
    struct store *s = filled();
    struct api_response r;
    const char *p;
    int nulls = 0, ones = 0;

    call(NULL, "/api/analysis", &r);
    CHECK_INT(r.status, 200);
    CHECK(r.cacheable);
    CHECK(strstr(r.body.p, "{\"name\":\"period\",\"kind\":\"int\"") != NULL);
    api_response_release(&r);
    check_errors(s, cases, sizeof cases / sizeof cases[0]);
    call(NULL, corr, &r); /* parameters fine, no store */
    CHECK_INT(r.status, 503);
    api_response_release(&r);
    call(s, corr, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.cacheable);
    CHECK(strstr(r.body.p, "\"2021-10-31T02:00:00+02:00\",\"2021-10-31T02:00:00+01:00\"") != NULL);
    p = strstr(r.body.p, "\"r\":[");
    CHECK(p != NULL);
    for (p += 5; *p && *p != ']'; p++) {
        if (strncmp(p, "null", 4) == 0)
            nulls++;
        if (strncmp(p, "1.0", 3) == 0 && (p[3] == ',' || p[3] == ']'))
            ones++;
    }
    CHECK_INT(nulls, 4);
    CHECK_INT(ones, 21);
    api_response_release(&r);
    gone(s);
}

static void test_owns_path(void)
{
    CHECK(api_owns_path("/api/meta", 9));
    CHECK(api_owns_path("/healthz?x", 10));
    CHECK(!api_owns_path("/healthzz", 9));
    CHECK(!api_owns_path("/", 1));
    CHECK(!api_owns_path("/app.js?v=1", 11));
}

static void test_listen(void)
{
    char host[64];
    unsigned port;
    struct err e = {0};

    CHECK_OK(server_parse_listen("127.0.0.1:8080", host, sizeof host, &port, &e), &e);
    CHECK_STR(host, "127.0.0.1");
    CHECK_INT(port, 8080);
    CHECK_OK(server_parse_listen("[::1]:0", host, sizeof host, &port, &e), &e);
    CHECK_STR(host, "::1");
    CHECK_INT(port, 0);
    /* A port alone, with or without its colon, means loopback. */
    CHECK_OK(server_parse_listen(":8080", host, sizeof host, &port, &e), &e);
    CHECK_STR(host, "127.0.0.1");
    CHECK_INT(port, 8080);
    CHECK_OK(server_parse_listen("8081", host, sizeof host, &port, &e), &e);
    CHECK_STR(host, "127.0.0.1");
    CHECK_INT(port, 8081);
    CHECK(server_parse_listen(":", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("127.0.0.1:", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("80a", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("127.0.0.1", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("127.0.0.1:65536", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("127.0.0.1:-1", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("::1:80", host, sizeof host, &port, &e) < 0);
    CHECK(server_parse_listen("[::1]80", host, sizeof host, &port, &e) < 0);
}

CHECK_MAIN({"/web/query/decode", test_query_decode}, {"/web/query/errors", test_query_errors},
           {"/web/api/totals", test_totals}, {"/web/api/series/dst", test_series_dst},
           {"/web/api/export-quality", test_export_and_quality}, {"/web/api/meta", test_meta},
           {"/web/api/errors", test_errors}, {"/web/api/analysis", test_analysis},
           {"/web/api/owns-path", test_owns_path}, {"/web/server/listen", test_listen})
