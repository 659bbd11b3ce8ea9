/* cql/conn: sockets, stream ids, pipelining, failover, authentication and
 * re-preparation for the CQL client (native_protocol_v4.spec §2.3, §4.1). */
#include "cql/conn.h"

#include "log.h"
#include "timeutil.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (256u * 1024)
/* Queued request bytes before submit flushes them: keeps a burst of
 * batches from growing the send queue without bound. */
#define OUTQ_FLUSH (1024u * 1024)

struct cql_prepared {
    char *query;
    uint8_t id[256];
    size_t idlen;
    uint16_t *types;
    size_t ntypes;
};

enum slot_kind { SLOT_FREE = 0, SLOT_USER, SLOT_REPREPARE };

struct slot {
    enum slot_kind kind;
    const struct cql_request_ops *ops;
    void *ctx;
    struct cql_prepared *ps; /* SLOT_REPREPARE: the statement */
    int orig;                /* SLOT_REPREPARE: the request waiting for it */
    int waiting;             /* SLOT_USER parked until its re-prepare returns */
    int reprepares;          /* times this request met Unprepared */
    int retries;             /* times it was resent after a transient error */
};

/* Server-side transient failures (§9): every statement elhub sends is
 * idempotent, so the request is sent again, up to RETRIES times with a
 * doubling pause, before the error is reported. */
#define RETRIES 5
#define RETRY_PAUSE_MS 100

struct cql_client {
    struct cql_host hosts[LIMIT_CQL_HOSTS];
    size_t nhosts, cur;
    char *user, *password;
    int timeout_ms;
    int fd;
    char peer[300];

    struct slot *slots; /* 2 * max_inflight: user requests + re-prepares */
    size_t nslots, max_inflight, user_inflight, inflight;

    struct buf outq; /* encoded frames not yet written */
    size_t out_off;
    uint8_t *in; /* received bytes */
    size_t in_len, in_off, in_cap;

    struct cql_prepared **stmts;
    size_t nstmts, stmts_cap;

    int failed; /* the round's first error is in err */
    struct err err;
};

/* ---- sockets ----------------------------------------------------------- */

static void close_fd(struct cql_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->in_len = c->in_off = 0;
    buf_reset(&c->outq);
    c->out_off = 0;
}

/* Connects to one host with a timeout; leaves the socket non-blocking. */
static int tcp_connect(const struct cql_host *h, int timeout_ms, int *fd_out, struct err *e)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1, soerr = 0, last_errno = 0;

    *fd_out = -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(h->name, h->port, &hints, &res);
    if (rc != 0)
        return err_set(e, ERR_SYS, 0, "cassandra %s:%s: cannot resolve host: %s", h->name, h->port,
                       gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        struct pollfd pfd;
        socklen_t len = sizeof soerr;
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (errno != EINPROGRESS) {
            last_errno = errno;
            close(fd);
            fd = -1;
            continue;
        }
        pfd.fd = fd;
        pfd.events = POLLOUT;
        rc = poll(&pfd, 1, timeout_ms);
        if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
            break;
        last_errno = rc == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return err_set(e, ERR_SYS, last_errno, "cassandra %s:%s: cannot connect: %s", h->name,
                       h->port, strerror(last_errno));
    *fd_out = fd;
    return 0;
}

/* Writes queued bytes without blocking; -1 on a socket error. */
static int flush_some(struct cql_client *c, struct err *e)
{
    while (c->out_off < c->outq.len) {
        ssize_t n = send(c->fd, c->outq.p + c->out_off, c->outq.len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR)
                continue;
            return err_set(e, ERR_SYS, errno, "cassandra %s: send: %s", c->peer, strerror(errno));
        }
        c->out_off += (size_t)n;
    }
    buf_reset(&c->outq);
    c->out_off = 0;
    return 0;
}

/* Reads what is available; -1 on error or when the peer closed. */
static int read_some(struct cql_client *c, struct err *e)
{
    ssize_t n;

    if (c->in_off > 0 && (c->in_off == c->in_len || c->in_off > c->in_cap / 2)) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
    if (c->in_cap - c->in_len < READ_CHUNK) {
        size_t cap = c->in_cap * 2;
        if (cap < c->in_len + READ_CHUNK)
            cap = c->in_len + READ_CHUNK;
        c->in_cap = cap;
        c->in = xrealloc(c->in, c->in_cap);
    }
    for (;;) {
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n > 0) {
            c->in_len += (size_t)n;
            return 0;
        }
        if (n == 0)
            return err_set(e, ERR_SYS, ECONNRESET, "cassandra %s: the server closed the connection",
                           c->peer);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return err_set(e, ERR_SYS, errno, "cassandra %s: recv: %s", c->peer, strerror(errno));
    }
}

/* Takes one complete frame from the input, if there is one: 1 and the
 * header/body, 0 if more bytes are needed, -1 on a bad header. */
static int next_frame(struct cql_client *c, struct cql_header *h, const uint8_t **body,
                      struct err *e)
{
    size_t avail = c->in_len - c->in_off;
    if (avail < CQL_HEADER_LEN)
        return 0;
    if (cql_header_decode(c->in + c->in_off, h, e) < 0)
        return err_prefix(e, "cassandra %s", c->peer);
    if (avail - CQL_HEADER_LEN < h->length)
        return 0;
    *body = c->in + c->in_off + CQL_HEADER_LEN;
    c->in_off += CQL_HEADER_LEN + h->length;
    return 1;
}

/* Blocks until one whole frame arrived (handshake only: nothing else is in
 * flight). */
static int read_frame_blocking(struct cql_client *c, struct cql_header *h, const uint8_t **body,
                               struct err *e)
{
    for (;;) {
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int rc = next_frame(c, h, body, e);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        rc = poll(&pfd, 1, c->timeout_ms);
        if (rc == 0)
            return err_set(e, ERR_SYS, ETIMEDOUT, "cassandra %s: no response within %d ms", c->peer,
                           c->timeout_ms);
        if (rc < 0 && errno != EINTR)
            return err_set(e, ERR_SYS, errno, "cassandra %s: poll: %s", c->peer, strerror(errno));
        if (rc > 0 && read_some(c, e) < 0)
            return -1;
    }
}

static int write_all_blocking(struct cql_client *c, struct err *e)
{
    while (c->out_off < c->outq.len) {
        struct pollfd pfd = {c->fd, POLLOUT, 0};
        int rc = poll(&pfd, 1, c->timeout_ms);
        if (rc == 0)
            return err_set(e, ERR_SYS, ETIMEDOUT, "cassandra %s: send timed out", c->peer);
        if (rc < 0 && errno != EINTR)
            return err_set(e, ERR_SYS, errno, "cassandra %s: poll: %s", c->peer, strerror(errno));
        if (flush_some(c, e) < 0)
            return -1;
    }
    return 0;
}

/* Sends one handshake frame and reads the reply into r (borrowing c->in). */
static int handshake_step(struct cql_client *c, struct cql_response *r, struct err *e)
{
    struct cql_header h;
    const uint8_t *body;

    memset(r, 0, sizeof *r);
    if (write_all_blocking(c, e) < 0 || read_frame_blocking(c, &h, &body, e) < 0)
        return -1;
    if (cql_response_decode(&h, body, h.length, r, e) < 0)
        return err_prefix(e, "cassandra %s", c->peer);
    return 0;
}

/* §4.1.1 STARTUP, then §4.2.3 AUTHENTICATE / §4.1.2 AUTH_RESPONSE with a
 * SASL PLAIN token, which is what PasswordAuthenticator expects. Returns
 * -2 for failures no other host would fix (bad credentials). */
static int handshake(struct cql_client *c, struct err *e)
{
    struct cql_response r;
    int rc = -1;

    if (cql_encode_startup(&c->outq, 0) < 0)
        return err_set(e, ERR_CQL, 0, "CQL: cannot encode STARTUP");
    if (handshake_step(c, &r, e) < 0)
        goto out;
    if (r.h.opcode == CQL_OP_ERROR) {
        cql_response_error(&r, e);
        err_prefix(e, "cassandra %s: STARTUP", c->peer);
        goto out;
    }
    if (r.h.opcode == CQL_OP_READY) {
        rc = 0;
        goto out;
    }
    if (r.h.opcode != CQL_OP_AUTHENTICATE) {
        err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra %s: unexpected reply 0x%02x to STARTUP",
                c->peer, r.h.opcode);
        goto out;
    }
    if (!c->user) {
        err_set(e, ERR_CQL, CQL_ERR_BAD_CREDENTIALS,
                "cassandra %s requires authentication (%.*s): give user:password in the store "
                "URI or set ELHUB_CASSANDRA_USER and ELHUB_CASSANDRA_PASSWORD",
                c->peer, (int)(r.auth.n > 200 ? 200 : r.auth.n),
                r.auth.p ? (const char *)r.auth.p : "");
        rc = -2;
        goto out;
    }
    cql_response_release(&r);
    if (cql_encode_auth_plain(&c->outq, 0, c->user, c->password ? c->password : "") < 0) {
        err_set(e, ERR_CQL, 0, "CQL: credentials too long");
        rc = -2;
        goto out;
    }
    /* The queue held the password: wipe it once it is sent. */
    rc = handshake_step(c, &r, e);
    memset(c->outq.p, 0, c->outq.alloc);
    if (rc < 0)
        goto out;
    rc = -1;
    if (r.h.opcode == CQL_OP_AUTH_SUCCESS) {
        rc = 0;
    } else if (r.h.opcode == CQL_OP_ERROR) {
        cql_response_error(&r, e);
        err_prefix(e, "cassandra %s: login as \"%s\" failed", c->peer, c->user);
        rc = r.err_code == CQL_ERR_BAD_CREDENTIALS ? -2 : -1;
    } else {
        err_set(e, ERR_CQL, CQL_ERR_PROTOCOL,
                "cassandra %s: unexpected reply 0x%02x to AUTH_RESPONSE (only PLAIN password "
                "authentication is supported)",
                c->peer, r.h.opcode);
        rc = -2;
    }
out:
    cql_response_release(&r);
    return rc;
}

/* Connects to the contact points in turn, starting at c->cur, until one
 * completes the handshake. */
static int connect_any(struct cql_client *c, struct err *e)
{
    struct err last = {0};
    char tried[512] = "";
    size_t used = 0;

    for (size_t i = 0; i < c->nhosts; i++) {
        const struct cql_host *h = &c->hosts[(c->cur + i) % c->nhosts];
        int fd, rc;

        close_fd(c);
        snprintf(c->peer, sizeof c->peer, "%s:%s", h->name, h->port);
        if (tcp_connect(h, c->timeout_ms, &fd, &last) == 0) {
            c->fd = fd;
            rc = handshake(c, &last);
            if (rc == 0) {
                c->cur = (c->cur + i) % c->nhosts;
                log_debug("cassandra: connected to %s", c->peer);
                return 0;
            }
            close_fd(c);
            if (rc == -2) {
                *e = last;
                return -1;
            }
        }
        log_debug("cassandra: %s", last.msg);
        int n = snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", c->peer);
        if (n > 0 && (size_t)n < sizeof tried - used)
            used += (size_t)n;
    }
    if (c->nhosts == 1) {
        *e = last;
        return err_prefix(e, "no Cassandra node answered (is it running?)");
    }
    err_set(e, last.domain, last.code, "no Cassandra contact point answered (%s); last error: %s",
            tried, last.msg);
    return -1;
}

/* ---- client ------------------------------------------------------------ */

int cql_client_new(const struct cql_config *cfg, struct cql_client **out, struct err *e)
{
    struct cql_client *c;

    *out = NULL;
    if (cfg->nhosts == 0 || cfg->nhosts > LIMIT_CQL_HOSTS)
        return err_set(e, ERR_USAGE, 0, "cassandra: between 1 and %d contact points needed",
                       LIMIT_CQL_HOSTS);
    c = xcalloc(1, sizeof *c);
    memcpy(c->hosts, cfg->hosts, sizeof c->hosts);
    c->nhosts = cfg->nhosts;
    c->user = cfg->user ? xstrdup(cfg->user) : NULL;
    c->password = cfg->password ? xstrdup(cfg->password) : NULL;
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 12000;
    c->max_inflight = cfg->max_inflight ? cfg->max_inflight : LIMIT_CQL_INFLIGHT;
    if (c->max_inflight > LIMIT_CQL_INFLIGHT)
        c->max_inflight = LIMIT_CQL_INFLIGHT;
    c->nslots = 2 * c->max_inflight; /* §2.3: ids 0..nslots-1 well under 32768 */
    c->slots = xcalloc(c->nslots, sizeof *c->slots);
    c->fd = -1;
    buf_init(&c->outq, (size_t)LIMIT_CQL_FRAME + OUTQ_FLUSH);
    if (connect_any(c, e) < 0) {
        cql_client_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

static void free_prepared(struct cql_prepared *ps)
{
    free(ps->query);
    free(ps->types);
    free(ps);
}

void cql_client_free(struct cql_client *c)
{
    if (!c)
        return;
    close_fd(c);
    if (c->password) {
        memset(c->password, 0, strlen(c->password));
        free(c->password);
    }
    free(c->user);
    free(c->slots);
    buf_release(&c->outq);
    free(c->in);
    for (size_t i = 0; i < c->nstmts; i++)
        free_prepared(c->stmts[i]);
    free(c->stmts);
    free(c);
}

const char *cql_client_peer(const struct cql_client *c)
{
    return c->peer;
}

static void fail(struct cql_client *c, const struct err *e)
{
    if (!c->failed) {
        c->err = *e;
        c->failed = 1;
    }
}

static int encode_slot(struct cql_client *c, int id)
{
    struct slot *s = &c->slots[id];
    if (s->kind == SLOT_REPREPARE)
        return cql_encode_prepare(&c->outq, (int16_t)id, s->ps->query);
    return s->ops->encode(&c->outq, (int16_t)id, s->ctx);
}

static void free_slot(struct cql_client *c, int id)
{
    if (c->slots[id].kind == SLOT_USER)
        c->user_inflight--;
    memset(&c->slots[id], 0, sizeof c->slots[id]);
    c->inflight--;
}

static int find_free_slot(struct cql_client *c, size_t from)
{
    for (size_t i = from; i < c->nslots; i++)
        if (c->slots[i].kind == SLOT_FREE)
            return (int)i;
    return -1;
}

static struct cql_prepared *find_by_id(struct cql_client *c, const struct cql_slice *id)
{
    for (size_t i = 0; i < c->nstmts; i++)
        if (c->stmts[i]->idlen == id->n && memcmp(c->stmts[i]->id, id->p, id->n) == 0)
            return c->stmts[i];
    return NULL;
}

static int store_prepared(struct cql_prepared *ps, const struct cql_response *r, struct err *e)
{
    if (r->h.opcode != CQL_OP_RESULT || r->kind != CQL_RESULT_PREPARED)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "CQL: PREPARE did not return Prepared");
    if (r->prepared_id.n > sizeof ps->id)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "CQL: prepared id of %zu bytes is too long",
                       r->prepared_id.n);
    memcpy(ps->id, r->prepared_id.p, r->prepared_id.n);
    ps->idlen = r->prepared_id.n;
    free(ps->types);
    ps->types = NULL;
    ps->ntypes = (size_t)r->nbind;
    if (ps->ntypes) {
        ps->types = xcalloc(ps->ntypes, sizeof *ps->types);
        for (size_t i = 0; i < ps->ntypes; i++)
            ps->types[i] = r->bind_cols[i].type;
    }
    return 0;
}

/* §9 Unprepared: the node forgot the statement (restart, cache eviction, a
 * different node after failover). PREPARE it again on a reserve stream and
 * park the request until the new id is known. */
static int reprepare(struct cql_client *c, int id, const struct cql_response *r, struct err *e)
{
    struct cql_prepared *ps = find_by_id(c, &r->unprepared_id);
    struct slot *s = &c->slots[id];
    int rid;

    if (!ps || s->kind != SLOT_USER || ++s->reprepares > 3)
        return cql_response_error(r, e);
    rid = find_free_slot(c, 0);
    if (rid < 0)
        return err_set(e, ERR_CQL, 0, "CQL: no stream left to re-prepare a statement");
    c->slots[rid].kind = SLOT_REPREPARE;
    c->slots[rid].ps = ps;
    c->slots[rid].orig = id;
    c->inflight++;
    s->waiting = 1;
    log_debug("cassandra %s: re-preparing \"%.60s\"", c->peer, ps->query);
    if (encode_slot(c, rid) < 0)
        return err_set(e, ERR_CQL, 0, "CQL: cannot encode PREPARE");
    return 0;
}

static int transient(int32_t code)
{
    return code == CQL_ERR_UNAVAILABLE || code == CQL_ERR_OVERLOADED ||
           code == CQL_ERR_IS_BOOTSTRAPPING || code == CQL_ERR_WRITE_TIMEOUT ||
           code == CQL_ERR_READ_TIMEOUT;
}

static void handle_frame(struct cql_client *c, const struct cql_header *h, const uint8_t *body)
{
    struct cql_response r;
    struct err e = {0};
    struct slot *s;
    int id = h->stream;

    if (id < 0)
        return; /* §4.2.6 EVENT pushes use negative streams; we never REGISTER */
    if ((size_t)id >= c->nslots || c->slots[id].kind == SLOT_FREE || c->slots[id].waiting) {
        err_set(&e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra %s: response on unknown stream %d",
                c->peer, id);
        fail(c, &e);
        return;
    }
    s = &c->slots[id];
    if (cql_response_decode(h, body, h->length, &r, &e) < 0) {
        err_prefix(&e, "cassandra %s", c->peer);
        fail(c, &e);
        free_slot(c, id);
        goto out;
    }
    if (s->kind == SLOT_REPREPARE) {
        int orig = s->orig;
        if (r.h.opcode == CQL_OP_ERROR) {
            cql_response_error(&r, &e);
        } else if (store_prepared(s->ps, &r, &e) == 0) {
            c->slots[orig].waiting = 0;
            if (encode_slot(c, orig) == 0) {
                free_slot(c, id);
                goto out;
            }
            err_set(&e, ERR_CQL, 0, "CQL: cannot encode a request again");
        }
        fail(c, &e);
        free_slot(c, id);
        free_slot(c, orig);
        goto out;
    }
    if (r.h.opcode == CQL_OP_ERROR) {
        if (r.err_code == CQL_ERR_UNPREPARED && reprepare(c, id, &r, &e) == 0)
            goto out;
        if (transient(r.err_code) && s->kind == SLOT_USER && s->retries < RETRIES) {
            struct timespec pause;
            long ms = (long)RETRY_PAUSE_MS << s->retries++;
            pause.tv_sec = ms / 1000;
            pause.tv_nsec = (ms % 1000) * 1000000;
            log_debug("cassandra %s: %s, retrying (%d of %d)", c->peer, cql_error_name(r.err_code),
                      s->retries, RETRIES);
            nanosleep(&pause, NULL);
            if (encode_slot(c, id) == 0)
                goto out;
        }
        if (e.domain == ERR_NONE)
            cql_response_error(&r, &e);
        fail(c, &e);
        free_slot(c, id);
        goto out;
    }
    if (s->ops->done && s->ops->done(&r, body, h->length, s->ctx, &e) < 0)
        fail(c, &e);
    free_slot(c, id);
out:
    cql_response_release(&r);
}

/* The connection broke: reconnect to the next contact point and send every
 * request in flight again (they are idempotent, see conn.h). */
static int failover(struct cql_client *c, struct err *why)
{
    struct err e = {0};

    log_warn("%s; trying %s", why->msg, c->nhosts > 1 ? "the next contact point" : "to reconnect");
    c->cur = (c->cur + 1) % c->nhosts;
    if (connect_any(c, &e) < 0) {
        err_set(why, e.domain, e.code, "%s", e.msg);
        return -1;
    }
    for (size_t i = 0; i < c->nslots; i++) {
        if (c->slots[i].kind == SLOT_FREE)
            continue;
        c->slots[i].waiting = 0;
        if (c->slots[i].kind == SLOT_REPREPARE) {
            /* Its request is resent below; it will meet Unprepared again. */
            memset(&c->slots[i], 0, sizeof c->slots[i]);
            c->inflight--;
            continue;
        }
        if (encode_slot(c, (int)i) < 0)
            return err_set(why, ERR_CQL, 0, "CQL: cannot encode a request again");
    }
    return 0;
}

/* Drops every request in flight after a fatal connection error. */
static void abandon(struct cql_client *c)
{
    close_fd(c);
    memset(c->slots, 0, c->nslots * sizeof *c->slots);
    c->inflight = c->user_inflight = 0;
}

/* Moves bytes until at most `target` user requests are in flight and the
 * queue is flushed (target SIZE_MAX: only flush what can be written). */
static int pump(struct cql_client *c, size_t target)
{
    struct err e = {0};
    int64_t last = timeutil_now_ms();
    int failovers = 0;

    while (c->inflight > 0 && (c->user_inflight > target || c->out_off < c->outq.len ||
                               (target == 0 && c->inflight > 0))) {
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int rc;

        if (c->out_off < c->outq.len)
            pfd.events |= POLLOUT;
        rc = poll(&pfd, 1, c->timeout_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            err_set(&e, ERR_SYS, errno, "cassandra %s: poll: %s", c->peer, strerror(errno));
            goto broken;
        }
        if (rc == 0 || timeutil_now_ms() - last > c->timeout_ms) {
            err_set(&e, ERR_SYS, ETIMEDOUT, "cassandra %s: no response within %d ms", c->peer,
                    c->timeout_ms);
            goto broken;
        }
        if ((pfd.revents & POLLOUT) && flush_some(c, &e) < 0)
            goto broken;
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            struct cql_header h;
            const uint8_t *body;
            if (read_some(c, &e) < 0)
                goto broken;
            while ((rc = next_frame(c, &h, &body, &e)) == 1) {
                handle_frame(c, &h, body);
                last = timeutil_now_ms();
                failovers = 0;
            }
            if (rc < 0)
                goto broken;
        }
        continue;
    broken:
        if (++failovers > (int)c->nhosts || failover(c, &e) < 0) {
            fail(c, &e);
            abandon(c);
            return -1;
        }
        last = timeutil_now_ms();
    }
    return 0;
}

int cql_client_submit(struct cql_client *c, const struct cql_request_ops *ops, void *ctx,
                      struct err *e)
{
    int id;

    if (c->failed) {
        *e = c->err;
        return -1;
    }
    if (c->fd < 0 && connect_any(c, e) < 0)
        return -1;
    if (c->user_inflight >= c->max_inflight && pump(c, c->max_inflight - 1) < 0) {
        *e = c->err;
        return -1;
    }
    if (c->failed) {
        *e = c->err;
        return -1;
    }
    id = find_free_slot(c, 0);
    if (id < 0)
        return err_set(e, ERR_CQL, 0, "CQL: no free stream id");
    c->slots[id].kind = SLOT_USER;
    c->slots[id].ops = ops;
    c->slots[id].ctx = ctx;
    c->inflight++;
    c->user_inflight++;
    if (encode_slot(c, id) < 0) {
        free_slot(c, id);
        return err_set(e, ERR_CQL, 0, "CQL: request larger than the %u-byte frame cap",
                       LIMIT_CQL_FRAME);
    }
    /* Write eagerly; wait only when the queue is long. */
    if (flush_some(c, e) < 0 || (c->outq.len - c->out_off > OUTQ_FLUSH && pump(c, SIZE_MAX) < 0)) {
        /* A broken socket is handled (failover) by the pump. */
        if (pump(c, 0) < 0 || c->failed) {
            *e = c->err;
            c->failed = 0;
            return -1;
        }
    }
    return 0;
}

int cql_client_wait(struct cql_client *c, struct err *e)
{
    pump(c, 0);
    if (c->failed) {
        *e = c->err;
        c->failed = 0;
        err_clear(&c->err);
        return -1;
    }
    return 0;
}

/* ---- synchronous calls ------------------------------------------------- */

void cql_result_release(struct cql_result *res)
{
    if (!res)
        return;
    cql_response_release(&res->r);
    free(res->body);
    memset(res, 0, sizeof *res);
}

struct sync_ctx {
    const char *query;
    struct cql_prepared *ps;
    const struct cql_params *params;
    struct cql_result *res;
};

static int sync_encode(struct buf *out, int16_t stream, void *ctx)
{
    struct sync_ctx *s = ctx;
    if (s->ps)
        return cql_prepared_encode_execute(s->ps, out, stream, s->params);
    return cql_encode_query(out, stream, s->query, s->params);
}

static int sync_done(const struct cql_response *r, const uint8_t *body, size_t len, void *ctx,
                     struct err *e)
{
    struct sync_ctx *s = ctx;
    if (!s->res)
        return 0;
    cql_result_release(s->res);
    s->res->body = xmalloc(len ? len : 1);
    memcpy(s->res->body, body, len);
    s->res->len = len;
    return cql_response_decode(&r->h, s->res->body, len, &s->res->r, e);
}

static const struct cql_request_ops sync_ops = {sync_encode, sync_done};

static int sync_call(struct cql_client *c, struct sync_ctx *s, struct err *e)
{
    if (s->res)
        memset(s->res, 0, sizeof *s->res);
    if (cql_client_submit(c, &sync_ops, s, e) < 0) {
        struct err ignored;
        cql_client_wait(c, &ignored);
        return -1;
    }
    return cql_client_wait(c, e);
}

int cql_client_query(struct cql_client *c, const char *query, const struct cql_params *p,
                     struct cql_result *res, struct err *e)
{
    struct sync_ctx s = {query, NULL, p, res};
    return sync_call(c, &s, e);
}

int cql_client_execute(struct cql_client *c, struct cql_prepared *ps, const struct cql_params *p,
                       struct cql_result *res, struct err *e)
{
    struct sync_ctx s = {NULL, ps, p, res};
    return sync_call(c, &s, e);
}

/* ---- prepared statements (§4.1.5, §4.1.6) ------------------------------ */

static int prepare_encode(struct buf *out, int16_t stream, void *ctx)
{
    return cql_encode_prepare(out, stream, ((struct cql_prepared *)ctx)->query);
}

static int prepare_done(const struct cql_response *r, const uint8_t *body, size_t len, void *ctx,
                        struct err *e)
{
    (void)body;
    (void)len;
    return store_prepared(ctx, r, e);
}

static const struct cql_request_ops prepare_ops = {prepare_encode, prepare_done};

int cql_client_prepare(struct cql_client *c, const char *query, struct cql_prepared **out,
                       struct err *e)
{
    struct cql_prepared *ps;

    *out = NULL;
    for (size_t i = 0; i < c->nstmts; i++) {
        if (strcmp(c->stmts[i]->query, query) == 0) {
            *out = c->stmts[i];
            return 0;
        }
    }
    ps = xcalloc(1, sizeof *ps);
    ps->query = xstrdup(query);
    if (cql_client_submit(c, &prepare_ops, ps, e) < 0 || cql_client_wait(c, e) < 0) {
        free_prepared(ps);
        return err_prefix(e, "preparing \"%.80s\"", query);
    }
    xgrow((void **)&c->stmts, &c->stmts_cap, c->nstmts + 1, sizeof *c->stmts);
    c->stmts[c->nstmts++] = ps;
    *out = ps;
    return 0;
}

size_t cql_prepared_nbind(const struct cql_prepared *ps)
{
    return ps->ntypes;
}

uint16_t cql_prepared_bind_type(const struct cql_prepared *ps, size_t i)
{
    return i < ps->ntypes ? ps->types[i] : CQL_TYPE_CUSTOM;
}

int cql_prepared_batch_add(const struct cql_prepared *ps, struct buf *out, struct cql_batch_mark *m,
                           const struct cql_value *v, uint16_t n)
{
    return cql_batch_add_prepared(out, m, ps->id, ps->idlen, v, n);
}

int cql_prepared_encode_execute(const struct cql_prepared *ps, struct buf *out, int16_t stream,
                                const struct cql_params *p)
{
    return cql_encode_execute(out, stream, ps->id, ps->idlen, p);
}
