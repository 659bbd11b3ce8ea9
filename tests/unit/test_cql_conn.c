/* Unit tests for cql/conn against a loopback fake server (mongo-c-driver's
 * mock server style): the server thread asserts the exact bytes of every
 * request and answers with hand-built frames. Covers failover past a dead
 * contact point, PasswordAuthenticator login, re-prepare on Unprepared,
 * out-of-order responses on several streams, and ERROR decoding. The real
 * server is exercised by tests/integration/test_cassandra.py. */
#include "check.h"

#include "cql/conn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

struct fake {
    int lfd;
    int port;
    char fail[512]; /* first mismatch seen by the server, "" if none */
    int (*script)(struct fake *f, int fd);
};

static int read_full(int fd, uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Reads one request frame into buf (cap 4096); returns its total length. */
static int read_request(int fd, uint8_t *buf)
{
    uint32_t len;
    if (read_full(fd, buf, 9) < 0)
        return -1;
    len = (uint32_t)buf[5] << 24 | (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 8 | buf[8];
    if (len > 4096 - 9 || read_full(fd, buf + 9, len) < 0)
        return -1;
    return (int)(9 + len);
}

/* Reads a request and compares it with want byte for byte. */
static int expect(struct fake *f, int fd, const uint8_t *want, size_t n, uint8_t *got)
{
    int len = read_request(fd, got);
    if (len < 0) {
        snprintf(f->fail, sizeof f->fail, "connection closed, expected %zu bytes", n);
        return -1;
    }
    if ((size_t)len != n || memcmp(got, want, n) != 0) {
        size_t used = 0;
        used += (size_t)snprintf(f->fail, sizeof f->fail, "request mismatch (got %d bytes:", len);
        for (int i = 0; i < len && used < sizeof f->fail - 4; i++)
            used += (size_t)snprintf(f->fail + used, sizeof f->fail - used, " %02x", got[i]);
        snprintf(f->fail + used, sizeof f->fail - used, ")");
        return -1;
    }
    return 0;
}

static void reply(int fd, int16_t stream, uint8_t op, const uint8_t *body, size_t n)
{
    uint8_t h[9] = {0x84,
                    0,
                    (uint8_t)((uint16_t)stream >> 8),
                    (uint8_t)stream,
                    op,
                    (uint8_t)(n >> 24),
                    (uint8_t)(n >> 16),
                    (uint8_t)(n >> 8),
                    (uint8_t)n};
    if (write(fd, h, 9) != 9 || (n && write(fd, body, n) != (ssize_t)n))
        return;
}

static void *serve(void *arg)
{
    struct fake *f = arg;
    int fd = accept(f->lfd, NULL, NULL);
    if (fd < 0) {
        snprintf(f->fail, sizeof f->fail, "accept failed");
        return NULL;
    }
    f->script(f, fd);
    close(fd);
    return NULL;
}

static int listen_any(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0)
        return -1;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* ---- the scripted conversation -------------------------------------- */

static const uint8_t startup[] = {0x04, 0,    0,    0,    0x01, 0,   0,   0,   0x16, 0x00, 0x01,
                                  0x00, 0x0B, 'C',  'Q',  'L',  '_', 'V', 'E', 'R',  'S',  'I',
                                  'O',  'N',  0x00, 0x05, '3',  '.', '0', '.', '0'};
static const uint8_t auth[] = {0x04, 0, 0, 0,   0x0F, 0,   0, 0,   13,  0,   0,
                               0,    9, 0, 'u', 's',  'r', 0, 'p', 'w', 'd', '!'};
static const char authenticator[] = "\x00\x2forg.apache.cassandra.auth.PasswordAuthenticator";
static const uint8_t prepare0[] = {0x04, 0, 0,   0,   0x09, 0,   0,   0,   12,  0,  0,
                                   0,    8, 'S', 'E', 'L',  'E', 'C', 'T', ' ', 'x'};
static const uint8_t prepare1[] = {0x04, 0, 0,   1,   0x09, 0,   0,   0,   12,  0,  0,
                                   0,    8, 'S', 'E', 'L',  'E', 'C', 'T', ' ', 'x'};
static const uint8_t execute0[] = {0x04, 0, 0, 0, 0x0A, 0, 0, 0, 7, 0, 2, 0xCA, 0xFE, 0, 1, 0};
static const uint8_t prepared_body[] = {0, 0, 0, 4, 0, 2, 0xCA, 0xFE, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0,    0,    0, 4, 0, 0, 0, 0};
static const uint8_t unprepared_body[] = {0, 0, 0x25, 0, 0, 2, 'n', 'o', 0, 2, 0xCA, 0xFE};
static const uint8_t syntax_body[] = {0,   0,   0x20, 0,   0,   9,   'b', 'a',
                                      'd', ' ', 'i',  'n', 'p', 'u', 't'};

/* A Rows result with one int column and one row holding v. */
static size_t rows_int(uint8_t *b, int32_t v)
{
    static const uint8_t head[] = {0, 0,   0, 2, 0,   0, 0,    1, 0, 0, 0, 1, 0, 1, 'k', 0,
                                   1, 't', 0, 1, 'v', 0, 0x09, 0, 0, 0, 1, 0, 0, 0, 4};
    memcpy(b, head, sizeof head);
    cql_put_be32(b + sizeof head, (uint32_t)v);
    return sizeof head + 4;
}

static int script_main(struct fake *f, int fd)
{
    uint8_t got[4096], body[64];
    int16_t streams[3];
    int values[3];

    if (expect(f, fd, startup, sizeof startup, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_AUTHENTICATE, (const uint8_t *)authenticator, sizeof authenticator - 1);
    if (expect(f, fd, auth, sizeof auth, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_AUTH_SUCCESS, (const uint8_t *)"\xff\xff\xff\xff", 4);
    /* PREPARE, EXECUTE -> Unprepared, PREPARE again on a reserve stream,
     * then the same EXECUTE again. */
    if (expect(f, fd, prepare0, sizeof prepare0, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_RESULT, prepared_body, sizeof prepared_body);
    if (expect(f, fd, execute0, sizeof execute0, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_ERROR, unprepared_body, sizeof unprepared_body);
    if (expect(f, fd, prepare1, sizeof prepare1, got) < 0)
        return -1;
    reply(fd, 1, CQL_OP_RESULT, prepared_body, sizeof prepared_body);
    if (expect(f, fd, execute0, sizeof execute0, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_RESULT, body, rows_int(body, 42));
    /* Three queries "Q0".."Q2" in flight; answered in reverse order with
     * the query's digit, so the client must match streams to requests. */
    for (int i = 0; i < 3; i++) {
        if (read_request(fd, got) < 0 || got[4] != CQL_OP_QUERY) {
            snprintf(f->fail, sizeof f->fail, "expected QUERY %d", i);
            return -1;
        }
        streams[i] = (int16_t)(got[2] << 8 | got[3]);
        values[i] = got[9 + 4 + 1] - '0';
    }
    for (int i = 2; i >= 0; i--)
        reply(fd, streams[i], CQL_OP_RESULT, body, rows_int(body, values[i]));
    /* A syntax error comes back as ERR_CQL with the code and message. */
    if (read_request(fd, got) < 0) {
        snprintf(f->fail, sizeof f->fail, "expected the bad query");
        return -1;
    }
    reply(fd, (int16_t)(got[2] << 8 | got[3]), CQL_OP_ERROR, syntax_body, sizeof syntax_body);
    return 0;
}

struct q_ctx {
    char query[4];
    int want;
    int got;
};

static int q_encode(struct buf *out, int16_t stream, void *ctx)
{
    struct cql_params p = {CQL_ONE, NULL, 0, 0, 0, {NULL, 0, 0}};
    return cql_encode_query(out, stream, ((struct q_ctx *)ctx)->query, &p);
}

static int q_done(const struct cql_response *r, const uint8_t *body, size_t len, void *ctx,
                  struct err *e)
{
    struct cql_slice cell;
    struct cql_rows rows = r->rows;
    int32_t v;
    (void)body;
    (void)len;
    if (cql_rows_next(&rows, &cell) < 0 || cql_cell_int(&cell, &v) < 0)
        return err_set(e, ERR_CQL, 0, "bad rows");
    ((struct q_ctx *)ctx)->got = v;
    return 0;
}

static const struct cql_request_ops q_ops = {q_encode, q_done};

static void test_fake_conversation(void)
{
    struct fake f;
    pthread_t th;
    struct cql_config cfg;
    struct cql_client *c = NULL;
    struct cql_prepared *ps;
    struct cql_result res;
    struct cql_params p = {CQL_ONE, NULL, 0, 0, 0, {NULL, 0, 0}};
    struct cql_slice cell;
    struct q_ctx qs[3] = {{"Q0", 0, -1}, {"Q1", 1, -1}, {"Q2", 2, -1}};
    struct err e = {0};
    int32_t v = 0;
    int dead_port, dead = listen_any(&dead_port);

    close(dead); /* nothing listens there now: the first contact point is down */
    memset(&f, 0, sizeof f);
    f.script = script_main;
    f.lfd = listen_any(&f.port);
    CHECK(f.lfd >= 0);
    pthread_create(&th, NULL, serve, &f);

    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.hosts[0].name, sizeof cfg.hosts[0].name, "127.0.0.1");
    snprintf(cfg.hosts[0].port, sizeof cfg.hosts[0].port, "%d", dead_port);
    snprintf(cfg.hosts[1].name, sizeof cfg.hosts[1].name, "127.0.0.1");
    snprintf(cfg.hosts[1].port, sizeof cfg.hosts[1].port, "%d", f.port);
    cfg.nhosts = 2;
    cfg.user = "usr";
    cfg.password = "pwd!";
    cfg.timeout_ms = 5000;

    if (cql_client_new(&cfg, &c, &e) == 0 && cql_client_prepare(c, "SELECT x", &ps, &e) == 0 &&
        cql_client_execute(c, ps, &p, &res, &e) == 0) {
        if (res.r.kind == CQL_RESULT_ROWS && cql_rows_next(&res.r.rows, &cell) == 0)
            cql_cell_int(&cell, &v);
        cql_result_release(&res);
        for (int i = 0; i < 3; i++)
            cql_client_submit(c, &q_ops, &qs[i], &e);
        cql_client_wait(c, &e);
        CHECK_INT(cql_client_query(c, "BAD", &p, NULL, &e), -1);
    }
    cql_client_free(c);
    pthread_join(th, NULL);
    close(f.lfd);
    CHECK_STR(f.fail, "");
    CHECK_INT(v, 42);
    for (int i = 0; i < 3; i++)
        CHECK_INT(qs[i].got, qs[i].want);
    CHECK_INT(e.domain, ERR_CQL);
    CHECK_INT(e.code, CQL_ERR_SYNTAX);
    CHECK_STR(e.msg, "Syntax_error (0x2000): bad input");
}

/* Bad credentials: the error says so and never shows the password. */
static int script_bad_login(struct fake *f, int fd)
{
    static const uint8_t bad[] = {0,   0,   0x01, 0,   0,   21,  'P', 'r', 'o',
                                  'v', 'i', 'd',  'e', 'd', ' ', 'u', 's', 'e',
                                  'r', 'n', 'a',  'm', 'e', ' ', 'b', 'a', 'd'};
    uint8_t got[4096];
    if (expect(f, fd, startup, sizeof startup, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_AUTHENTICATE, (const uint8_t *)authenticator, sizeof authenticator - 1);
    if (expect(f, fd, auth, sizeof auth, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_ERROR, bad, sizeof bad);
    return 0;
}

static void test_fake_bad_login(void)
{
    struct fake f;
    pthread_t th;
    struct cql_config cfg;
    struct cql_client *c = NULL;
    struct err e = {0};

    memset(&f, 0, sizeof f);
    f.script = script_bad_login;
    f.lfd = listen_any(&f.port);
    CHECK(f.lfd >= 0);
    pthread_create(&th, NULL, serve, &f);
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.hosts[0].name, sizeof cfg.hosts[0].name, "127.0.0.1");
    snprintf(cfg.hosts[0].port, sizeof cfg.hosts[0].port, "%d", f.port);
    cfg.nhosts = 1;
    cfg.user = "usr";
    cfg.password = "pwd!";
    CHECK_INT(cql_client_new(&cfg, &c, &e), -1);
    pthread_join(th, NULL);
    close(f.lfd);
    CHECK_STR(f.fail, "");
    CHECK_INT(e.code, CQL_ERR_BAD_CREDENTIALS);
    CHECK(strstr(e.msg, "Bad credentials") != NULL);
    CHECK(strstr(e.msg, "pwd!") == NULL);
}

/* Write_timeout once: the identical request is sent again and succeeds. */
static int script_retry(struct fake *f, int fd)
{
    static const uint8_t query[] = {0x04, 0, 0, 0, 0x07, 0,   0,    0,    9,
                                    0,    0, 0, 2, 'Q',  '7', 0x00, 0x01, 0x00};
    static const uint8_t timeout_body[] = {0, 0, 0x11, 0, 0, 4, 's', 'l', 'o', 'w', 0,   1,   0,  0,
                                           0, 0, 0,    0, 0, 1, 0,   5,   'B', 'A', 'T', 'C', 'H'};
    uint8_t got[4096], body[64];
    if (expect(f, fd, startup, sizeof startup, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_READY, NULL, 0);
    if (expect(f, fd, query, sizeof query, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_ERROR, timeout_body, sizeof timeout_body);
    if (expect(f, fd, query, sizeof query, got) < 0)
        return -1;
    reply(fd, 0, CQL_OP_RESULT, body, rows_int(body, 7));
    return 0;
}

static void test_fake_retry(void)
{
    struct fake f;
    pthread_t th;
    struct cql_config cfg;
    struct cql_client *c = NULL;
    struct q_ctx q = {"Q7", 7, -1};
    struct err e = {0};

    memset(&f, 0, sizeof f);
    f.script = script_retry;
    f.lfd = listen_any(&f.port);
    CHECK(f.lfd >= 0);
    pthread_create(&th, NULL, serve, &f);
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.hosts[0].name, sizeof cfg.hosts[0].name, "127.0.0.1");
    snprintf(cfg.hosts[0].port, sizeof cfg.hosts[0].port, "%d", f.port);
    cfg.nhosts = 1;
    if (cql_client_new(&cfg, &c, &e) == 0 && cql_client_submit(c, &q_ops, &q, &e) == 0)
        cql_client_wait(c, &e);
    cql_client_free(c);
    pthread_join(th, NULL);
    close(f.lfd);
    CHECK_STR(f.fail, "");
    CHECK_STR(e.msg, "");
    CHECK_INT(q.got, 7);
}

/* Nobody listens: a clear error naming the host. */
static void test_refused(void)
{
    struct cql_config cfg;
    struct cql_client *c = NULL;
    struct err e = {0};
    int port, fd = listen_any(&port);
    close(fd);
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.hosts[0].name, sizeof cfg.hosts[0].name, "127.0.0.1");
    snprintf(cfg.hosts[0].port, sizeof cfg.hosts[0].port, "%d", port);
    cfg.nhosts = 1;
    CHECK_INT(cql_client_new(&cfg, &c, &e), -1);
    CHECK(c == NULL);
    CHECK(strstr(e.msg, "127.0.0.1") != NULL);
    CHECK(strstr(e.msg, "refused") != NULL);
}

CHECK_MAIN({"/cql/conn/fake/conversation", test_fake_conversation},
           {"/cql/conn/fake/bad_login", test_fake_bad_login},
           {"/cql/conn/fake/retry_write_timeout", test_fake_retry},
           {"/cql/conn/refused", test_refused})
