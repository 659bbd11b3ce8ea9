/* test_web_head: the gate's request-head check (src/web/head.c) on
 * hand-written heads: what is accepted, the status each bad head gets
 * (RFC 9112 / RFC 9110), incomplete heads, the caps, and the origin form of
 * absolute-form targets. */
#include "check.h"

#include "caps.h"
#include "web/head.h"

static int verdict(const char *s, size_t n, struct web_head *h)
{
    return web_head_check(s, n, LIMIT_HTTP_REQUEST, h);
}

#define V(lit, h) verdict(lit, sizeof lit - 1, h)

static void test_ok(void)
{
    struct web_head h;
    static const char req[] = "GET /api/meta?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nGARBAGE";

    CHECK_INT(verdict(req, sizeof req - 1, &h), WEB_HEAD_OK);
    CHECK_INT(h.len, sizeof req - 1 - 7);
    CHECK_INT(h.target_len, 13);
    CHECK(memcmp(req + h.target_off, "/api/meta?x=1", 13) == 0);
    CHECK_INT(h.minor, 1);
    CHECK_INT(h.head_method, 0);
    CHECK_INT(V("HEAD / HTTP/1.0\r\n\r\n", &h), WEB_HEAD_OK);
    CHECK_INT(h.head_method, 1);
    CHECK_INT(h.minor, 0);
    /* Empty lines before the request line are ignored (§2.2). */
    CHECK_INT(V("\r\n\r\nGET /x HTTP/1.0\r\n\r\n", &h), WEB_HEAD_OK);
    CHECK_INT(h.target_off, 8);
    CHECK_INT(h.target_len, 2);
    CHECK_INT(V("GET http://example.com:8080/api/meta HTTP/1.1\r\nHost: x\r\n\r\n", &h),
              WEB_HEAD_OK);
    CHECK_INT(V("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", &h), WEB_HEAD_OK);
}

static void test_incomplete(void)
{
    struct web_head h;
    CHECK_INT(V("", &h), WEB_HEAD_INCOMPLETE);
    CHECK_INT(V("GET / HT", &h), WEB_HEAD_INCOMPLETE);
    CHECK_INT(V("GET / HTTP/1.1\r", &h), WEB_HEAD_INCOMPLETE);
    CHECK_INT(V("GET / HTTP/1.1\r\nHost: x\r\n", &h), WEB_HEAD_INCOMPLETE);
    CHECK_INT(h.scanned, 25);
    CHECK_INT(V("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1", &h), WEB_HEAD_INCOMPLETE);
    CHECK_INT(h.scanned, 25);
    /* A complete bad line is rejected before the head ends. */
    CHECK_INT(V("PUT / HTTP/1.1\r\n", &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 405);
}

static void test_status(void)
{
    static const struct {
        const char *req;
        size_t len;
        int status;
    } cases[] = {
/* The length from sizeof: several requests hold a NUL. */
#define C(lit, st) {lit, sizeof lit - 1, st}
        C("GET /healthz\0/x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET /api/totals?area=NO1\0&area=NO2 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET /\xc3\xa5 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET / x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET /\r\n\r\n", 400),
        C("GET / HTTP/1.1\nHost: a\n\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400),
        C("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        C("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
        C("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        C("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        C("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n", 405),
        C("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01"
          "b\r\n\r\n",
          400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 413),
        C("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 400),
        C("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 413),
#undef C
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct web_head h;
        if (web_head_check(cases[i].req, cases[i].len, LIMIT_HTTP_REQUEST, &h) != WEB_HEAD_BAD ||
            h.status != cases[i].status) {
            fprintf(stderr, "  case %zu: status %d, want %d\n", i, h.status, cases[i].status);
            CHECK(0);
        }
        CHECK(h.error && h.detail);
    }
}

static void test_caps(void)
{
    static char buf[LIMIT_HTTP_REQUEST * 2];
    struct web_head h;
    size_t n;

    /* 64 query parts pass, 65 do not; each '&' makes one (empty) part. */
    n = (size_t)snprintf(buf, sizeof buf, "GET /api/totals?area=NO1");
    for (int i = 1; i < LIMIT_HTTP_ARGS; i++)
        buf[n++] = '&';
    n += (size_t)snprintf(buf + n, sizeof buf - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_OK);
    n = (size_t)snprintf(buf, sizeof buf, "GET /api/totals?area=NO1");
    for (int i = 0; i < 600; i++)
        buf[n++] = '&';
    n += (size_t)snprintf(buf + n, sizeof buf - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 400);

    /* A target of LIMIT_HTTP_TARGET bytes passes, one more is 414. */
    n = (size_t)snprintf(buf, sizeof buf, "GET /");
    memset(buf + n, 'a', LIMIT_HTTP_TARGET - 1);
    n += LIMIT_HTTP_TARGET - 1;
    n += (size_t)snprintf(buf + n, sizeof buf - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_OK);
    n = (size_t)snprintf(buf, sizeof buf, "GET /");
    memset(buf + n, 'a', LIMIT_HTTP_TARGET);
    n += LIMIT_HTTP_TARGET;
    n += (size_t)snprintf(buf + n, sizeof buf - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 414);
    /* ... and an unfinished one is refused as soon as it is too long. */
    CHECK_INT(verdict(buf, LIMIT_HTTP_TARGET + 100, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 414);

    /* 64 header lines pass, 65 are 431; cookie pieces count too. */
    n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 1; i < LIMIT_HTTP_HEADERS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "X-%d: y\r\n", i);
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_INCOMPLETE);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_OK);
    n -= 2;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "X-last: y\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 431);
    n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: a\r\nCookie: a");
    for (int i = 0; i < LIMIT_HTTP_HEADERS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, ";a");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n\r\n");
    CHECK_INT(verdict(buf, n, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 431);

    /* A head that does not end within the cap: 431, or 414 while the
     * request line itself is unfinished. */
    n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
    memset(buf + n, 'b', sizeof buf - n);
    CHECK_INT(web_head_check(buf, sizeof buf, LIMIT_HTTP_REQUEST, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 431);
    CHECK_INT(web_head_check(buf, 100, 100, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 431);
    CHECK_INT(web_head_check("GET /aaaaaaaa", 13, 13, &h), WEB_HEAD_BAD);
    CHECK_INT(h.status, 414);
}

static void test_origin(void)
{
    char out[64];
    CHECK_INT(web_head_origin("/api/meta?x", 11, out, sizeof out), 11);
    CHECK_STR(out, "/api/meta?x");
    CHECK_INT(web_head_origin("http://h:1/api/meta", 19, out, sizeof out), 9);
    CHECK_STR(out, "/api/meta");
    CHECK_INT(web_head_origin("HTTPS://h/healthz", 17, out, sizeof out), 8);
    CHECK_STR(out, "/healthz");
    CHECK_INT(web_head_origin("http://h", 8, out, sizeof out), 1);
    CHECK_STR(out, "/");
    CHECK_INT(web_head_origin("http://h?a=1", 12, out, sizeof out), 5);
    CHECK_STR(out, "/?a=1");
    CHECK_INT(web_head_origin("/abcdef", 7, out, 7), (size_t)-1);
    CHECK_INT(web_head_origin("/abcdef", 7, out, 8), 7);
}

CHECK_MAIN({"/web/head/ok", test_ok}, {"/web/head/incomplete", test_incomplete},
           {"/web/head/status", test_status}, {"/web/head/caps", test_caps},
           {"/web/head/origin", test_origin})
