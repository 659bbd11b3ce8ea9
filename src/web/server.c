/* server: the HTTP side of `elhub serve`. A gate thread accepts every
 * connection, holds it until its request head is complete and checked
 * (src/web/head.c), answers what is malformed, too large, too slow or from
 * an address holding too many connections itself, and hands the rest to
 * libmicrohttpd, which then never meets a request it would have to refuse.
 * Behind MHD: one response cache shared by its worker threads, a small pool
 * of threads for heavy (uncached) store reads, one store connection per
 * thread reopened when the store file changes, HTTP caching and
 * compression, and the embedded assets. The handlers are in api.c. */
#include "web/server.h"
#include "timeutil.h"

#include "caps.h"
#include "log.h"
#include "mem.h"
#include "store/store.h"
#include "web/api.h"
#include "web/assets.h"
#include "web/head.h"
#include "web/online.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Weak, empty defaults: build/gen/assets.c (linked into the binary only)
 * overrides them. See assets.h. */
__attribute__((weak)) const struct web_asset *web_asset_table = NULL;
__attribute__((weak)) size_t web_asset_count = 0;

/* Seconds a cached response lives when the backend cannot report a data
 * version (Cassandra, MongoDB): short enough that a fetch shows up almost at
 * once, long enough to absorb a burst of identical requests. */
#define CACHE_TTL_MS 2000
/* Bodies smaller than this are sent uncompressed: gzip would not pay. */
#define GZIP_MIN 1024
/* How often the gate thread looks at its deadlines, the heavy-read queue
 * and the store file's identity. */
#define TICK_MS 100
#define IDENT_CHECK_MS 1000

/* ---- state ---------------------------------------------------------------- */

struct cache_entry {
    char *key; /* the request target; NULL = free slot */
    uint64_t hash;
    int status;
    const char *type;
    char filename[128];
    unsigned char *body, *gz; /* owned; gz NULL until first asked for */
    size_t len, gzlen;
    char etag[24], gz_etag[28];
    uint64_t used; /* LRU tick */
    int64_t created_ms;
};

/* Why a slot has no store. */
enum store_why { STORE_OK = 0, STORE_MISSING, STORE_FAILED };

/* One store connection of one thread (struct store is not thread-safe).
 * Opened on first use, closed and reopened when the store file changed
 * (gen), tried again after a failure once the back-off has passed. */
struct slot {
    struct store *s;
    unsigned gen;
    int64_t retry_ms, backoff_ms;
    enum store_why why;
};

/* One per thread that reads the store: MHD's workers (for /healthz), the
 * heavy-read threads. */
struct worker {
    struct slot st;
    struct worker *next;
};

/* API responses, shared by the workers so each result is computed once per
 * data version. Keyed by the request target; valid while the data version
 * read through vslot (a connection of its own, used only under lock) is the
 * one they were computed under, or for CACHE_TTL_MS if the backend cannot
 * tell. */
struct cache {
    pthread_mutex_t lock;
    struct slot vslot;
    uint64_t version;
    int version_known;
    /* The warmer (see warm_main): woken through `wake` when the data
     * version moves; both flags under lock. */
    pthread_cond_t wake;
    int warm_pending, warm_stop;
    struct cache_entry e[LIMIT_CACHE_ENTRIES];
    size_t bytes;
    uint64_t tick;
};

/* What MHD holds for one connection (its socket context, from
 * MHD_CONNECTION_NOTIFY_STARTED to _CLOSED, which MHD calls for every
 * connection it took; MHD_OPTION_NOTIFY_COMPLETED is not: see
 * docs/DASHBOARD.md). Every connection carries one request (responses say
 * Connection: close), so nothing here is allocated per request. */
enum job { JOB_NONE = 0, JOB_QUEUED, JOB_RUNNING, JOB_DONE };
struct conn {
    unsigned char addr[16];             /* the client's address, for the per-address count */
    int counted;                        /* still counted there (released once, see on_completed) */
    char target[LIMIT_HTTP_TARGET + 1]; /* origin form, as sent (not decoded) */
    size_t len;
    int seen; /* the access handler was called once (headers are in) */
    /* A heavy read handed to the pool; the connection is suspended while
     * job is QUEUED or RUNNING. */
    struct MHD_Connection *c;
    enum job job;
    int64_t deadline_ms;
    uint64_t version;      /* the cache's data version and store generation when */
    unsigned gen;          /* the answer was looked up */
    struct api_response r; /* JOB_DONE: the answer */
    int busy;              /* r is the 503 of a full pool */
    struct conn *next;
};

/* The pool for heavy reads. */
struct heavy {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct conn *head, *tail;
    size_t queued;
    int stop;
    pthread_t *threads;
    unsigned nthreads;
};

/* A connection the gate holds until its head is in (or its error answer
 * is out and it lingers). Gate thread only. */
enum pend_state { PEND_HEAD, PEND_LINGER };
struct pend {
    int fd;
    enum pend_state state;
    int64_t deadline_ms;
    size_t scanned; /* bytes of complete, checked lines (web_head.scanned) */
    size_t peeked;
    struct sockaddr_storage sa;
    socklen_t salen;
    unsigned char addr[16];
    struct pend *prev, *next;
};

struct addr_count {
    unsigned char addr[16];
    unsigned n;
};

struct server {
    struct MHD_Daemon *d;
    const char *store_uri;
    const char *store_path; /* the SQLite file inside store_uri, or NULL */
    int cache;
    int started; /* the startup probe is done */
    unsigned head_timeout_ms;
    unsigned heavy_slots;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards workers */
    struct worker *workers;
    struct cache c;
    pthread_t warmer;
    int warmer_started;
    unsigned port;

    /* The store file: its identity as last seen by the gate thread, and a
     * generation every slot compares with its own. */
    atomic_uint gen;
    int ident_present;
    dev_t ident_dev;
    ino_t ident_ino;
    int64_t ident_next_ms;

    /* The gate. */
    int lfd, efd, wakefd;
    pthread_t gate;
    int gate_started;
    int accept_paused;
    struct pend *pending;
    pthread_mutex_t alock; /* guards addrs, naddrs, nconn */
    struct addr_count addrs[LIMIT_HTTP_CONNECTIONS];
    size_t naddrs;
    unsigned nconn;

    struct heavy h;
    struct online *online; /* NULL: without --online */
};

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* ---- the store ------------------------------------------------------------ */

/* The one place the server opens its store: the startup probe, the cache's
 * and the warmer's connections, every thread's. Always for reading: the
 * server never creates a store (STORE_READ fails on a missing one); a file
 * that went missing is reported as such. */
static int open_store(struct server *srv, struct store **out, enum store_why *why, struct err *e)
{
    struct stat st;

    *out = NULL;
    *why = STORE_FAILED;
    if (srv->store_path && stat(srv->store_path, &st) < 0 && errno == ENOENT) {
        *why = STORE_MISSING;
        return err_set(e, ERR_SYS, ENOENT,
                       "the store file %s is missing (deleted or moved); not creating a new one",
                       srv->store_path);
    }
    if (store_open(srv->store_uri, STORE_READ, out, e) < 0)
        return -1;
    *why = STORE_OK;
    return 0;
}

/* The slot's store, (re)opened as needed; NULL while it cannot be opened
 * (sl->why says why). A failed open is tried again after 1 s, then after
 * twice as long each time up to LIMIT_HTTP_STORE_RETRY_S; a new store file
 * (srv->gen moved) is tried at once. */
static struct store *slot_store(struct server *srv, struct slot *sl)
{
    unsigned gen = atomic_load(&srv->gen);
    int64_t now;
    struct err e = {0};
    enum store_why why;

    if (sl->s && sl->gen == gen)
        return sl->s;
    if (sl->gen != gen) {
        store_free(sl->s);
        sl->s = NULL;
        sl->gen = gen;
        sl->retry_ms = 0;
        sl->backoff_ms = 0;
    }
    now = timeutil_now_ms();
    if (now < sl->retry_ms)
        return NULL;
    if (open_store(srv, &sl->s, &why, &e) < 0) {
        sl->backoff_ms = sl->backoff_ms ? sl->backoff_ms * 2 : 1000;
        if (sl->backoff_ms > LIMIT_HTTP_STORE_RETRY_S * 1000)
            sl->backoff_ms = LIMIT_HTTP_STORE_RETRY_S * 1000;
        sl->retry_ms = now + sl->backoff_ms;
        sl->why = why;
        log_error("serve: %s (trying again in %lld s)", e.msg, (long long)sl->backoff_ms / 1000);
        return NULL;
    }
    if (sl->why != STORE_OK)
        log_info("serve: the store is open again");
    sl->why = STORE_OK;
    sl->backoff_ms = 0;
    return sl->s;
}

static void slot_release(struct slot *sl)
{
    store_free(sl->s);
    sl->s = NULL;
}

static struct worker *worker_get(struct server *srv)
{
    struct worker *w = pthread_getspecific(srv->key);
    if (w)
        return w;
    w = xcalloc(1, sizeof *w);
    w->st.gen = atomic_load(&srv->gen);
    pthread_setspecific(srv->key, w);
    pthread_mutex_lock(&srv->lock);
    w->next = srv->workers;
    srv->workers = w;
    pthread_mutex_unlock(&srv->lock);
    return w;
}

/* ---- the response cache -------------------------------------------------- */

static void cache_drop(struct cache *w, struct cache_entry *c)
{
    if (!c->key)
        return;
    w->bytes -= c->len + c->gzlen;
    free(c->key);
    free(c->body);
    free(c->gz);
    memset(c, 0, sizeof *c);
}

static void cache_clear(struct cache *w)
{
    for (size_t i = 0; i < LIMIT_CACHE_ENTRIES; i++)
        cache_drop(w, &w->e[i]);
}

/* Drops every cached response if the data moved since they were made, or
 * if the store cannot tell (its connection is gone). Under k->lock. */
static void cache_check_version(struct server *srv)
{
    struct cache *w = &srv->c;
    struct store *s = slot_store(srv, &w->vslot);
    uint64_t v;
    int known;
    struct err e = {0};

    if (!s || store_data_version(s, &v, &known, &e) < 0) {
        if (s)
            log_warn("serve: cannot read the store's data version: %s", e.msg);
        cache_clear(w);
        w->version_known = 0;
        return;
    }
    if (!known || !w->version_known || v != w->version) {
        cache_clear(w);
        /* New data: have /api/meta recomputed in the background before
         * a page asks for it (with an unknown version, entries expire by
         * time instead and the warmer is not woken on every request). */
        if (known) {
            w->warm_pending = 1;
            pthread_cond_signal(&w->wake);
        }
    }
    w->version = v;
    w->version_known = known;
}

static struct cache_entry *cache_find(struct cache *w, const char *key, size_t len, uint64_t h)
{
    int64_t now = timeutil_now_ms();
    for (size_t i = 0; i < LIMIT_CACHE_ENTRIES; i++) {
        struct cache_entry *c = &w->e[i];
        if (!c->key || c->hash != h || strlen(c->key) != len || memcmp(c->key, key, len) != 0)
            continue;
        if (!w->version_known && now - c->created_ms > CACHE_TTL_MS) {
            cache_drop(w, c);
            return NULL;
        }
        c->used = ++w->tick;
        return c;
    }
    return NULL;
}

/* Stores r under key, evicting the least recently used entries to stay
 * within LIMIT_CACHE_ENTRIES and LIMIT_CACHE_BYTES. Returns the entry, or
 * NULL if the body is too large to keep (then the caller serves r). */
static struct cache_entry *cache_put(struct cache *w, const char *key, size_t len, uint64_t h,
                                     struct api_response *r)
{
    struct cache_entry *c = NULL;

    if (r->body.len > LIMIT_CACHE_BODY)
        return NULL;
    for (;;) {
        struct cache_entry *lru = NULL, *free_slot = NULL;
        for (size_t i = 0; i < LIMIT_CACHE_ENTRIES; i++) {
            struct cache_entry *x = &w->e[i];
            if (!x->key) {
                free_slot = free_slot ? free_slot : x;
            } else if (!lru || x->used < lru->used) {
                lru = x;
            }
        }
        if (free_slot && w->bytes + r->body.len <= LIMIT_CACHE_BYTES) {
            c = free_slot;
            break;
        }
        if (!lru)
            return NULL;
        cache_drop(w, lru);
    }
    c->key = xstrndup(key, len);
    c->hash = h;
    c->status = r->status;
    c->type = r->type;
    snprintf(c->filename, sizeof c->filename, "%s", r->filename);
    c->body = (unsigned char *)buf_detach(&r->body, &c->len);
    snprintf(c->etag, sizeof c->etag, "\"%016llx\"", (unsigned long long)fnv1a(c->body, c->len));
    snprintf(c->gz_etag, sizeof c->gz_etag, "\"%016llx-gz\"",
             (unsigned long long)fnv1a(c->body, c->len));
    c->used = ++w->tick;
    c->created_ms = timeutil_now_ms();
    w->bytes += c->len;
    return c;
}

/* ---- HTTP helpers --------------------------------------------------------- */

/* Whether the client takes gzip: a "gzip" (or "*") token in Accept-Encoding
 * whose q is not zero (RFC 9110 §12.5.3). */
static int accepts_gzip(struct MHD_Connection *c)
{
    const char *h =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    while (h && *h) {
        const char *end = strchr(h, ','), *semi;
        size_t n = end ? (size_t)(end - h) : strlen(h), tn;
        while (n && (*h == ' ' || *h == '\t')) {
            h++;
            n--;
        }
        semi = memchr(h, ';', n);
        tn = semi ? (size_t)(semi - h) : n;
        while (tn && (h[tn - 1] == ' ' || h[tn - 1] == '\t'))
            tn--;
        if ((tn == 4 && strncasecmp(h, "gzip", 4) == 0) || (tn == 1 && h[0] == '*')) {
            const char *q = semi ? strstr(semi, "q=") : NULL;
            if (!q || q >= h + n || strtod(q + 2, NULL) > 0)
                return 1;
        }
        h = end ? end + 1 : NULL;
    }
    return 0;
}

/* Whether If-None-Match lists etag (weak comparison, RFC 9110 §13.1.2). */
static int etag_matches(struct MHD_Connection *c, const char *etag)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    size_t n = strlen(etag);
    while (h && *h) {
        while (*h == ' ' || *h == '\t' || *h == ',')
            h++;
        if (*h == '*')
            return 1;
        if (strncmp(h, "W/", 2) == 0)
            h += 2;
        if (strncmp(h, etag, n) == 0 && (h[n] == '\0' || h[n] == ',' || h[n] == ' '))
            return 1;
        while (*h && *h != ',')
            h++;
    }
    return 0;
}

static int gzip_bytes(const unsigned char *in, size_t n, unsigned char **out, size_t *outlen)
{
    z_stream z;
    size_t cap;
    int rc;

    *out = NULL;
    *outlen = 0;
    memset(&z, 0, sizeof z);
    if (n > UINT32_MAX || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    cap = deflateBound(&z, (uLong)n);
    *out = xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = *out;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH);
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static void common_headers(struct MHD_Response *resp, const char *type)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    /* One request per connection: the gate checks every request head
     * before MHD reads it, which it can only do on a fresh connection. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

static enum MHD_Result send_static_error(struct MHD_Connection *c, unsigned status,
                                         const char *json)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        strlen(json), (void *)(uintptr_t)json, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;
    common_headers(resp, "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Sends a body with its validators: 304 when If-None-Match matches, gzip
 * when the client takes it and it pays. copy: MHD copies the bytes (for
 * cache entries that may be evicted while the response is in flight). */
static enum MHD_Result send_body(struct MHD_Connection *c, int status, const char *type,
                                 const char *cache_control, const unsigned char *body, size_t len,
                                 const unsigned char *gz, size_t gzlen, const char *etag,
                                 const char *gz_etag, const char *filename, int copy)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    int use_gz = gz && status == 200 && accepts_gzip(c);
    const char *tag = use_gz ? gz_etag : etag;

    if (status == 200 && tag && etag_matches(c, tag)) {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, tag);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
        ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (use_gz) {
        body = gz;
        len = gzlen;
    }
    resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                           copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    common_headers(resp, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
    if (status == 200) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
        if (tag)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, tag);
    }
    if (use_gz)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (status == 503 || status == 429) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d",
                 status == 503 ? LIMIT_HTTP_HEAVY_RETRY_S : LIMIT_ONLINE_RETRY_S);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (filename && *filename) {
        char disp[192];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
    }
    if (strncmp(type, "text/html", 9) == 0) {
        /* Everything the page needs comes from this server; ECharts writes
         * inline styles into its tooltips, hence 'unsafe-inline' for styles
         * only. */
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self' "
                                "'unsafe-inline'; img-src 'self' data: blob:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
    ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- routes -------------------------------------------------------------- */

/* Sends a cache entry (under c->lock: MHD copies the bytes before it is
 * released), gzipping it once if this client is the first to want that. */
static enum MHD_Result send_entry(struct MHD_Connection *c, struct cache *k, struct cache_entry *ce)
{
    if (!ce->gz && ce->len >= GZIP_MIN && accepts_gzip(c) &&
        gzip_bytes(ce->body, ce->len, &ce->gz, &ce->gzlen) == 0)
        k->bytes += ce->gzlen;
    return send_body(c, ce->status, ce->type, "no-cache", ce->body, ce->len, ce->gz, ce->gzlen,
                     ce->etag, ce->gz_etag, ce->filename, 1);
}

/* Sends rq->r (computed under data version `version`), keeping it in the
 * cache if it may be kept, and releases it. */
static enum MHD_Result finish_api(struct server *srv, struct MHD_Connection *c, struct conn *rq)
{
    struct cache *k = &srv->c;
    struct api_response *r = &rq->r;
    struct cache_entry *ce;
    unsigned char *gz = NULL;
    size_t gzlen = 0;
    char etag[24], gz_etag[28];
    uint64_t eh, h = fnv1a(rq->target, rq->len);
    enum MHD_Result ret;

    rq->job = JOB_NONE;
    if (r->status == 200 && r->cacheable && srv->cache) {
        pthread_mutex_lock(&k->lock);
        /* A result computed while the data moved, or from a store file
         * that has since been replaced, is sent, not kept. */
        ce = k->version == rq->version && atomic_load(&srv->gen) == rq->gen
                 ? cache_put(k, rq->target, rq->len, h, r)
                 : NULL;
        if (ce) {
            ret = send_entry(c, k, ce);
            pthread_mutex_unlock(&k->lock);
            api_response_release(r);
            return ret;
        }
        pthread_mutex_unlock(&k->lock);
    }
    /* Not cached (an error, cache off, too large): sent as it is, with gzip
     * made now for large bodies. */
    eh = fnv1a(r->body.p ? r->body.p : "", r->body.len);
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)eh);
    snprintf(gz_etag, sizeof gz_etag, "\"%016llx-gz\"", (unsigned long long)eh);
    if (r->status == 200 && r->body.len >= GZIP_MIN && accepts_gzip(c))
        gzip_bytes((const unsigned char *)r->body.p, r->body.len, &gz, &gzlen);
    ret = send_body(c, r->status, r->type, r->status == 200 ? "no-cache" : "no-store",
                    (const unsigned char *)(r->body.p ? r->body.p : ""), r->body.len, gz, gzlen,
                    r->status == 200 ? etag : NULL, gz_etag, r->filename, 1);
    free(gz);
    api_response_release(r);
    return ret;
}

/* The answer when a thread has no store: what is wrong, without the path
 * (the log has it). */
static void no_store(struct api_response *r, enum store_why why)
{
    api_error(r, 503, "store unavailable",
              why == STORE_MISSING
                  ? "the store file is missing (deleted or moved); the server log has the cause"
                  : "the server cannot open its store; the server log has the cause");
}

/* Answers rq on worker w's store connection (503 if it has none). */
static void answer(struct server *srv, struct worker *w, struct conn *rq)
{
    struct store *s = slot_store(srv, &w->st);
    api_response_init(&rq->r);
    if (s)
        api_handle(s, rq->target, rq->len, &rq->r);
    else
        no_store(&rq->r, w->st.why);
}

static void busy(struct conn *rq, const char *detail)
{
    api_response_init(&rq->r);
    api_error(&rq->r, 503, "busy", detail);
    rq->busy = 1;
}

static const char busy_detail[] =
    "every slot for heavy reads stayed taken; retry after the seconds in Retry-After";

/* Hands rq to the heavy-read pool and suspends its connection; the pool
 * resumes it with rq->job == JOB_DONE. A full queue or a stopping server
 * answers 503 at once. */
static enum MHD_Result heavy_submit(struct server *srv, struct MHD_Connection *c, struct conn *rq)
{
    struct heavy *hv = &srv->h;

    pthread_mutex_lock(&hv->lock);
    if (hv->stop || hv->queued >= LIMIT_HTTP_HEAVY_QUEUE) {
        int stopping = hv->stop;
        pthread_mutex_unlock(&hv->lock);
        busy(rq, stopping ? "the server is stopping" : busy_detail);
        return finish_api(srv, c, rq);
    }
    /* Suspended before a pool thread can see it, so its resume never comes
     * first. */
    MHD_suspend_connection(c);
    rq->c = c;
    rq->job = JOB_QUEUED;
    rq->deadline_ms = timeutil_now_ms() + LIMIT_HTTP_HEAVY_WAIT_MS;
    rq->next = NULL;
    if (hv->tail)
        hv->tail->next = rq;
    else
        hv->head = rq;
    hv->tail = rq;
    hv->queued++;
    pthread_cond_signal(&hv->cond);
    pthread_mutex_unlock(&hv->lock);
    return MHD_YES;
}

/* A fault-injection point for tests (docs/DASHBOARD.md): with
 * $ELHUB_TEST_HEAVY_GATE naming a file, a heavy read that has taken its
 * slot waits while that file exists, so a test holds every slot at a point
 * of its choosing instead of hoping a read is slow enough. Unset in use. */
static void test_gate(void)
{
    const char *gate = getenv("ELHUB_TEST_HEAVY_GATE");
    struct timespec pause = {0, 10 * 1000 * 1000};
    while (gate && *gate && access(gate, F_OK) == 0)
        nanosleep(&pause, NULL);
}

static void *heavy_main(void *arg)
{
    struct server *srv = arg;
    struct heavy *hv = &srv->h;
    struct worker *w = worker_get(srv);

    pthread_mutex_lock(&hv->lock);
    for (;;) {
        struct conn *rq;
        while (!hv->head && !hv->stop)
            pthread_cond_wait(&hv->cond, &hv->lock);
        if (!hv->head)
            break;
        rq = hv->head;
        hv->head = rq->next;
        if (!hv->head)
            hv->tail = NULL;
        hv->queued--;
        rq->job = JOB_RUNNING;
        pthread_mutex_unlock(&hv->lock);
        log_debug("serve: heavy read started: %s", rq->target);
        test_gate();
        if (timeutil_now_ms() > rq->deadline_ms) {
            busy(rq, busy_detail);
        } else {
            answer(srv, w, rq);
        }
        rq->job = JOB_DONE;
        MHD_resume_connection(rq->c);
        pthread_mutex_lock(&hv->lock);
    }
    pthread_mutex_unlock(&hv->lock);
    return NULL;
}

/* Answers 503 to every queued heavy read whose wait is over (all of them
 * when stopping) and resumes their connections. */
static void heavy_expire(struct server *srv, int all)
{
    struct heavy *hv = &srv->h;
    struct conn *done = NULL, **pp, *rq;
    int64_t now = timeutil_now_ms();

    pthread_mutex_lock(&hv->lock);
    hv->tail = NULL;
    for (pp = &hv->head; (rq = *pp) != NULL;) {
        if (all || now > rq->deadline_ms) {
            *pp = rq->next;
            hv->queued--;
            rq->next = done;
            done = rq;
        } else {
            hv->tail = rq;
            pp = &rq->next;
        }
    }
    pthread_mutex_unlock(&hv->lock);
    while ((rq = done) != NULL) {
        done = rq->next;
        busy(rq, all ? "the server is stopping" : busy_detail);
        rq->job = JOB_DONE;
        MHD_resume_connection(rq->c);
    }
}

static enum MHD_Result serve_api(struct server *srv, struct MHD_Connection *c, struct conn *rq)
{
    struct cache *k = &srv->c;
    struct cache_entry *ce;
    uint64_t h = fnv1a(rq->target, rq->len);
    size_t plen = strcspn(rq->target, "?");
    enum MHD_Result ret;

    rq->version = 0;
    rq->gen = atomic_load(&srv->gen);
    /* /healthz is cheap and must tell the truth now: never cached, always
     * on this thread, through its own store connection. */
    if (plen == 8 && memcmp(rq->target, "/healthz", 8) == 0) {
        struct worker *w = worker_get(srv);
        answer(srv, w, rq);
        return finish_api(srv, c, rq);
    }
    /* The state of the on-demand fetch (web/online.h): no store read. */
    if (plen == 10 && memcmp(rq->target, "/api/fetch", 10) == 0) {
        api_response_init(&rq->r);
        online_state(srv->online, &rq->r);
        return finish_api(srv, c, rq);
    }
    if (srv->cache) {
        pthread_mutex_lock(&k->lock);
        cache_check_version(srv);
        rq->version = k->version;
        ce = cache_find(k, rq->target, rq->len, h);
        if (ce) {
            ret = send_entry(c, k, ce);
            pthread_mutex_unlock(&k->lock);
            return ret;
        }
        pthread_mutex_unlock(&k->lock);
    }
    api_response_init(&rq->r);
    if (srv->heavy_slots == 0) {
        /* No pool (--heavy-slots 0, the old behaviour): computed here. */
        struct worker *w = worker_get(srv);
        struct store *s = slot_store(srv, &w->st);
        if (s)
            api_handle(s, rq->target, rq->len, &rq->r);
        else
            no_store(&rq->r, w->st.why);
        return finish_api(srv, c, rq);
    }
    /* Parameters are checked without a store (a 400 or 404 takes no slot);
     * a valid request answers 503 there and goes to the pool. */
    api_handle(NULL, rq->target, rq->len, &rq->r);
    if (rq->r.status != 503)
        return finish_api(srv, c, rq);
    api_response_release(&rq->r);
    return heavy_submit(srv, c, rq);
}

/* The targets the warmer keeps computed: /api/meta is what every page load
 * asks first and the one answer that reads the whole store (a full pass:
 * ~0.5 s over five years), so it is made at start and again whenever the
 * data version moves, on a store connection of the warmer's own. Only for
 * backends that report a data version (SQLite); the others expire entries
 * by time and get no warmer work. */
static const char warm_target[] = "/api/meta";

static void *warm_main(void *arg)
{
    struct server *srv = arg;
    struct cache *k = &srv->c;
    struct slot sl;

    memset(&sl, 0, sizeof sl);
    sl.gen = atomic_load(&srv->gen);
    pthread_mutex_lock(&k->lock);
    for (;;) {
        struct api_response r;
        struct store *s;
        uint64_t version, h = fnv1a(warm_target, sizeof warm_target - 1);
        unsigned gen;
        while (!k->warm_pending && !k->warm_stop) {
            /* Woken by a request that saw the version move, or once a
             * second to look for itself (a cheap pragma for SQLite), so
             * the answer is ready before the first page after a write. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            if (pthread_cond_timedwait(&k->wake, &k->lock, &until) != 0 && k->version_known)
                cache_check_version(srv);
        }
        if (k->warm_stop)
            break;
        k->warm_pending = 0;
        cache_check_version(srv);
        k->warm_pending = 0; /* the check may have set it again: this pass serves it */
        version = k->version;
        gen = atomic_load(&srv->gen);
        if (!k->version_known || cache_find(k, warm_target, sizeof warm_target - 1, h))
            continue;
        pthread_mutex_unlock(&k->lock);
        s = slot_store(srv, &sl);
        api_response_init(&r);
        if (s)
            api_handle(s, warm_target, sizeof warm_target - 1, &r);
        pthread_mutex_lock(&k->lock);
        if (s && r.status == 200 && r.cacheable && k->version_known && k->version == version &&
            atomic_load(&srv->gen) == gen && !cache_find(k, warm_target, sizeof warm_target - 1, h))
            cache_put(k, warm_target, sizeof warm_target - 1, h, &r);
        api_response_release(&r);
    }
    pthread_mutex_unlock(&k->lock);
    slot_release(&sl);
    return NULL;
}

static const struct web_asset *find_asset(const char *path, size_t n)
{
    if (n == 11 && memcmp(path, "/index.html", 11) == 0)
        n = 1;
    for (size_t i = 0; i < web_asset_count; i++) {
        const struct web_asset *a = &web_asset_table[i];
        if (strlen(a->path) == n && memcmp(a->path, path, n) == 0)
            return a;
    }
    return NULL;
}

static enum MHD_Result serve_asset(struct MHD_Connection *c, const char *target, size_t len)
{
    const char *q = memchr(target, '?', len);
    size_t n = q ? (size_t)(q - target) : len;
    const struct web_asset *a = find_asset(target, n);
    const char *cc = "no-cache";
    char gz_etag[40];

    if (!a)
        return send_static_error(c, MHD_HTTP_NOT_FOUND,
                                 "{\"error\":\"not found\",\"detail\":\"no such page; the "
                                 "dashboard is at /\"}\n");
    /* index.html links assets as PATH?v=HASH: such a URL never changes
     * meaning, so it may be kept for a year; bare URLs revalidate. */
    if (a->versioned && q) {
        char want[40];
        int wl = snprintf(want, sizeof want, "v=%.*s", (int)strlen(a->etag) - 2, a->etag + 1);
        if (wl > 0 && len - n - 1 == (size_t)wl && memcmp(q + 1, want, (size_t)wl) == 0)
            cc = "public, max-age=31536000, immutable";
    }
    snprintf(gz_etag, sizeof gz_etag, "%.*s-gz\"", (int)strlen(a->etag) - 1, a->etag);
    return send_body(c, 200, a->type, cc, a->data, a->len, a->gz, a->gzlen, a->etag, gz_etag, NULL,
                     0);
}

/* ---- per-address connection counts ---------------------------------------- */

/* The address as 16 bytes: IPv6 as it is, IPv4 mapped (::ffff:a.b.c.d). */
static void addr_key(const struct sockaddr *sa, unsigned char out[16])
{
    memset(out, 0, 16);
    if (sa && sa->sa_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    } else if (sa && sa->sa_family == AF_INET) {
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    }
}

/* Counts one more connection from addr. limited: refuse (1) when addr
 * already holds LIMIT_HTTP_PER_ADDRESS; refuse (2) when the server holds
 * LIMIT_HTTP_CONNECTIONS. 0 when counted. */
static int addr_acquire(struct server *srv, const unsigned char addr[16], int limited)
{
    struct addr_count *a = NULL;
    int rc = 0;

    pthread_mutex_lock(&srv->alock);
    for (size_t i = 0; i < srv->naddrs; i++)
        if (memcmp(srv->addrs[i].addr, addr, 16) == 0)
            a = &srv->addrs[i];
    if (limited && srv->nconn >= LIMIT_HTTP_CONNECTIONS)
        rc = 2;
    else if (limited && a && a->n >= LIMIT_HTTP_PER_ADDRESS)
        rc = 1;
    else if (!a && srv->naddrs == LIMIT_HTTP_CONNECTIONS)
        rc = 2; /* only when not limited and over the total: MHD's own cap holds */
    if (rc == 0) {
        if (!a) {
            a = &srv->addrs[srv->naddrs++];
            memcpy(a->addr, addr, 16);
            a->n = 0;
        }
        a->n++;
        srv->nconn++;
    }
    pthread_mutex_unlock(&srv->alock);
    return rc;
}

static void addr_release(struct server *srv, const unsigned char addr[16])
{
    pthread_mutex_lock(&srv->alock);
    for (size_t i = 0; i < srv->naddrs; i++) {
        struct addr_count *a = &srv->addrs[i];
        if (memcmp(a->addr, addr, 16) != 0)
            continue;
        srv->nconn--;
        if (--a->n == 0)
            *a = srv->addrs[--srv->naddrs];
        break;
    }
    pthread_mutex_unlock(&srv->alock);
}

/* POST /api/fetch (web/online.h). A browser sends Origin with a POST: one
 * from another site (a page that posts to this loopback server) is
 * refused, so only this server's own pages and non-browser clients start a
 * fetch. */
static enum MHD_Result serve_fetch(struct server *srv, struct MHD_Connection *c, struct conn *rq)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

    api_response_init(&rq->r);
    if (origin && (!host || strncmp(origin, "http://", 7) != 0 || strcmp(origin + 7, host) != 0))
        api_error(&rq->r, 403, "forbidden",
                  "a fetch is started only from this server's own pages (the Origin is another "
                  "site's)");
    else
        online_submit(srv->online, rq->target, rq->len, &rq->r);
    return finish_api(srv, c, rq);
}

/* ---- MHD callbacks -------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct server *srv = cls;
    struct conn *rq = *con_cls;

    (void)url;
    (void)version;
    (void)upload_data;
    if (!rq) /* on_uri always sets it: a request MHD took without a connection record */
        return MHD_NO;
    /* Answer on the second call, once the headers are in (the gate let
     * no body through; one would be read and dropped). */
    if (!rq->seen) {
        rq->seen = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->job == JOB_DONE) /* back from the heavy-read pool */
        return finish_api(srv, c, rq);
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && strcspn(rq->target, "?") == 10 &&
        memcmp(rq->target, "/api/fetch", 10) == 0)
        return serve_fetch(srv, c, rq);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return send_static_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                                 "{\"error\":\"method not allowed\",\"detail\":\"only GET and "
                                 "HEAD are served (and POST /api/fetch)\"}\n");
    if (api_owns_path(rq->target, rq->len))
        return serve_api(srv, c, rq);
    return serve_asset(c, rq->target, rq->len);
}

/* The raw target, before MHD splits and decodes it (our own parser handles
 * the query), in origin form. The gate has checked it: no NUL, no space, at
 * most LIMIT_HTTP_TARGET bytes. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn *rq = ci ? ci->socket_context : NULL;
    size_t n;

    (void)cls;
    if (!rq)
        return NULL;
    n = web_head_origin(uri, strnlen(uri, LIMIT_HTTP_TARGET + 1), rq->target, sizeof rq->target);
    rq->len = n == (size_t)-1 ? 0 : n;
    if (n == (size_t)-1)
        rq->target[0] = '\0';
    rq->seen = 0;
    return rq;
}

/* MHD calls _STARTED and _CLOSED for every connection it takes, whatever
 * becomes of its request; the connection record lives between the two. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *srv = cls;
    struct conn *rq = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        rq = xcalloc(1, sizeof *rq);
        addr_key(ci ? ci->client_addr : NULL, rq->addr);
        rq->counted = addr_acquire(srv, rq->addr, 0) == 0;
        *socket_context = rq;
        return;
    }
    if (!rq)
        return;
    if (rq->job == JOB_DONE)
        api_response_release(&rq->r);
    if (rq->counted)
        addr_release(srv, rq->addr);
    free(rq);
    *socket_context = NULL;
}

/* The request's answer is out and its connection about to close: it stops
 * counting against its address now rather than when MHD gets round to
 * cleaning it up, so a client that reconnects at once is not refused.
 * MHD does not call this for every request (not when it ends a connection
 * whose request had already failed); on_connection releases those. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct conn *rq = *con_cls;
    (void)c;
    (void)toe;
    if (rq && rq->counted) {
        addr_release(srv, rq->addr);
        rq->counted = 0;
    }
}

/* libmicrohttpd hands us its own format strings. */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (log_get_level() < LOG_VERBOSE)
        return;
    fputs("elhub: mhd: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- the gate ------------------------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

/* Reads and drops what the client has sent so far (at most 64 KiB a call).
 * Returns 1 if the peer has closed (or the socket failed), else 0. */
static int drain(int fd)
{
    char b[4096];
    for (int i = 0; i < 16; i++) {
        ssize_t n = recv(fd, b, sizeof b, 0);
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        return 1;
    }
    return 0;
}

/* Writes a whole error response (the documented JSON body, no body for a
 * HEAD request) to a fresh socket, after dropping what it sent: closing a
 * socket with unread bytes would reset the connection and could lose the
 * answer. The answer is small, so the socket buffer takes it at once. */
static void write_error(int fd, int status, const char *error, const char *detail, int head)
{
    struct api_response r;
    char hdr[512];
    int hl;

    api_response_init(&r);
    api_error(&r, status, error, detail);
    hl = snprintf(hdr, sizeof hdr,
                  "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                  "Content-Length: %zu\r\nCache-Control: no-store\r\n"
                  "X-Content-Type-Options: nosniff\r\nConnection: close\r\n%s%s\r\n",
                  status, reason(status), r.body.len, status == 405 ? "Allow: GET, HEAD\r\n" : "",
                  status == 503 ? "Retry-After: 1\r\n" : "");
    drain(fd);
    if (hl > 0 && (size_t)hl < sizeof hdr) {
        struct iovec iov[2] = {{hdr, (size_t)hl}, {r.body.p, head ? 0 : r.body.len}};
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = iov;
        m.msg_iovlen = 2;
        if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
            log_debug("serve: cannot send an error answer: %s", strerror(errno));
    }
    api_response_release(&r);
}

static void pend_unlink(struct server *srv, struct pend *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        srv->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
}

static void pend_close(struct server *srv, struct pend *p)
{
    pend_unlink(srv, p);
    epoll_ctl(srv->efd, EPOLL_CTL_DEL, p->fd, NULL);
    close(p->fd);
    addr_release(srv, p->addr);
    free(p);
}

/* Answers and lingers: the write side is closed, what the client still
 * sends is read and dropped until it closes or LIMIT_HTTP_LINGER_MS pass
 * (RFC 9112 §9.6). */
static void pend_reject(struct server *srv, struct pend *p, int status, const char *error,
                        const char *detail, int head)
{
    (void)srv;
    write_error(p->fd, status, error, detail, head);
    shutdown(p->fd, SHUT_WR);
    p->state = PEND_LINGER;
    p->deadline_ms = timeutil_now_ms() + LIMIT_HTTP_LINGER_MS;
}

/* The head is in and fine: MHD takes the socket (and closes it). */
static void pend_handoff(struct server *srv, struct pend *p)
{
    int fd = p->fd;
    pend_unlink(srv, p);
    epoll_ctl(srv->efd, EPOLL_CTL_DEL, fd, NULL);
    /* MHD counts it again when it takes it (on_connection). */
    addr_release(srv, p->addr);
    if (MHD_add_connection(srv->d, fd, (const struct sockaddr *)&p->sa, p->salen) != MHD_YES)
        log_warn("serve: libmicrohttpd refused a connection (over its limit?)");
    free(p);
}

static void pend_event(struct server *srv, struct pend *p, uint32_t events, char *buf)
{
    struct web_head h;
    enum web_head_result v;
    ssize_t n;

    if (p->state == PEND_LINGER) {
        if (drain(p->fd) || (events & (EPOLLHUP | EPOLLERR)))
            pend_close(srv, p);
        return;
    }
    n = recv(p->fd, buf, LIMIT_HTTP_REQUEST, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) { /* closed (or failed) before a whole head arrived */
        pend_close(srv, p);
        return;
    }
    /* Nothing new to judge until a line completes (or the cap is hit). */
    if ((size_t)n < LIMIT_HTTP_REQUEST && (size_t)n > p->scanned &&
        !memchr(buf + p->scanned, '\n', (size_t)n - p->scanned) && !(events & EPOLLRDHUP)) {
        p->peeked = (size_t)n;
        return;
    }
    p->peeked = (size_t)n;
    v = web_head_check(buf, (size_t)n, LIMIT_HTTP_REQUEST, &h);
    if (v == WEB_HEAD_OK) {
        pend_handoff(srv, p);
    } else if (v == WEB_HEAD_BAD) {
        pend_reject(srv, p, h.status, h.error, h.detail, h.head_method);
    } else {
        p->scanned = h.scanned;
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            pend_close(srv, p);
    }
}

static void gate_accept(struct server *srv)
{
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t salen = sizeof sa;
        unsigned char addr[16];
        struct epoll_event ev;
        struct pend *p;
        int fd = accept(srv->lfd, (struct sockaddr *)&sa, &salen);
        int rc;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: stop listening until the next tick
                 * rather than spin on a listening socket that stays ready. */
                log_warn("serve: cannot accept a connection: %s", strerror(errno));
                epoll_ctl(srv->efd, EPOLL_CTL_DEL, srv->lfd, NULL);
                srv->accept_paused = 1;
            }
            return;
        }
        if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            close(fd);
            continue;
        }
        addr_key((const struct sockaddr *)&sa, addr);
        rc = addr_acquire(srv, addr, 1);
        if (rc == 2) { /* the server is full: no answer to spare */
            close(fd);
            continue;
        }
        if (rc == 1) {
            write_error(fd, 503, "too many connections",
                        "this address holds as many connections as the server allows one "
                        "address; close some and retry",
                        0);
            close(fd);
            continue;
        }
        p = xcalloc(1, sizeof *p);
        p->fd = fd;
        p->state = PEND_HEAD;
        p->deadline_ms = timeutil_now_ms() + srv->head_timeout_ms;
        memcpy(&p->sa, &sa, salen);
        p->salen = salen;
        memcpy(p->addr, addr, 16);
        p->next = srv->pending;
        if (p->next)
            p->next->prev = p;
        srv->pending = p;
        memset(&ev, 0, sizeof ev);
        /* Edge-triggered: the gate only peeks, so the socket stays
         * readable; an edge comes with each new segment. */
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = p;
        if (epoll_ctl(srv->efd, EPOLL_CTL_ADD, fd, &ev) < 0)
            pend_close(srv, p);
    }
}

/* Once a second: has the store file been deleted or replaced? Then every
 * store connection is reopened (slot_store sees the new generation) and
 * every cached answer dropped. */
static void ident_check(struct server *srv)
{
    struct stat st;
    int present;

    if (!srv->store_path)
        return;
    present = stat(srv->store_path, &st) == 0;
    if (present == srv->ident_present &&
        (!present || (st.st_dev == srv->ident_dev && st.st_ino == srv->ident_ino)))
        return;
    if (!present)
        log_warn("serve: the store file %s is gone (deleted or moved): the API answers 503 "
                 "until it is back",
                 srv->store_path);
    else
        log_warn("serve: the store file %s was replaced: reopening it, cached answers dropped",
                 srv->store_path);
    srv->ident_present = present;
    if (present) {
        srv->ident_dev = st.st_dev;
        srv->ident_ino = st.st_ino;
    }
    atomic_fetch_add(&srv->gen, 1u);
    pthread_mutex_lock(&srv->c.lock);
    cache_clear(&srv->c);
    srv->c.version_known = 0;
    pthread_mutex_unlock(&srv->c.lock);
}

static void gate_tick(struct server *srv)
{
    int64_t now = timeutil_now_ms();
    struct pend *p, *next;

    for (p = srv->pending; p; p = next) {
        next = p->next;
        if (now < p->deadline_ms)
            continue;
        if (p->state == PEND_LINGER) {
            pend_close(srv, p);
        } else {
            char detail[96];
            snprintf(detail, sizeof detail,
                     "the request head did not arrive within %u ms of connecting",
                     srv->head_timeout_ms);
            pend_reject(srv, p, 408, "request timeout", detail, 0);
        }
    }
    if (srv->heavy_slots)
        heavy_expire(srv, 0);
    if (srv->accept_paused) {
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN;
        ev.data.ptr = &srv->lfd;
        if (epoll_ctl(srv->efd, EPOLL_CTL_ADD, srv->lfd, &ev) == 0)
            srv->accept_paused = 0;
    }
    if (now >= srv->ident_next_ms) {
        ident_check(srv);
        srv->ident_next_ms = now + IDENT_CHECK_MS;
    }
}

static void *gate_main(void *arg)
{
    struct server *srv = arg;
    char *buf = xmalloc(LIMIT_HTTP_REQUEST);
    int64_t next_tick = timeutil_now_ms() + TICK_MS;

    for (;;) {
        struct epoll_event ev[64];
        int64_t now = timeutil_now_ms();
        int n = epoll_wait(srv->efd, ev, 64, next_tick > now ? (int)(next_tick - now) : 0);
        int stop = 0;

        for (int i = 0; i < n; i++) {
            if (ev[i].data.ptr == &srv->lfd)
                gate_accept(srv);
            else if (ev[i].data.ptr == &srv->wakefd)
                stop = 1;
            else
                pend_event(srv, ev[i].data.ptr, ev[i].events, buf);
        }
        if (stop)
            break;
        if (timeutil_now_ms() >= next_tick) {
            gate_tick(srv);
            next_tick = timeutil_now_ms() + TICK_MS;
        }
    }
    while (srv->pending)
        pend_close(srv, srv->pending);
    free(buf);
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------------ */

int server_parse_listen(const char *s, char *host, size_t n, unsigned *port, struct err *e)
{
    const char *colon, *h = s, *digits;
    size_t hl;
    char *end;
    unsigned long p;

    *port = 0;
    if (n)
        host[0] = '\0';
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            goto bad;
        h = s + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else if (!strchr(s, ':')) {
        /* "8080": a port alone means loopback. */
        h = "127.0.0.1";
        hl = strlen(h);
        colon = s - 1;
    } else {
        colon = strrchr(s, ':');
        if (memchr(s, ':', (size_t)(colon - s)))
            goto bad;
        hl = (size_t)(colon - s);
        if (hl == 0) { /* ":8080" */
            h = "127.0.0.1";
            hl = strlen(h);
        }
    }
    digits = colon + 1;
    if (hl == 0 || hl >= n || !*digits || *digits < '0' || *digits > '9')
        goto bad;
    p = strtoul(digits, &end, 10);
    if (*end || p > 65535)
        goto bad;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (unsigned)p;
    return 0;
bad:
    return err_set(e, ERR_USAGE, 0,
                   "listen address \"%.64s\": expected HOST:PORT such as 127.0.0.1:8080 or "
                   "[::1]:8080, or a port alone (8080, :8080) for 127.0.0.1",
                   s);
}

/* Why the listening socket could not be made, in words that say what to
 * do: a taken port names another and how to choose it. */
static int listen_error(const struct server_config *cfg, int en, struct err *e)
{
    unsigned next = cfg->port == 65535 ? 8081 : cfg->port + 1;
    if (en == EADDRINUSE)
        return err_set(e, ERR_SYS, en,
                       "cannot listen on %s:%u: the port is taken by another program (another "
                       "elhub serve?). Choose another port with --listen, e.g. --listen %s:%u, or "
                       "set ELHUB_LISTEN (ELHUB_LISTEN=:%u make demo)",
                       cfg->host, cfg->port, cfg->host, next, next);
    if (en == EADDRNOTAVAIL)
        return err_set(e, ERR_USAGE, en,
                       "cannot listen on %s:%u: %s is not an address of this machine", cfg->host,
                       cfg->port, cfg->host);
    if (en == EACCES)
        return err_set(e, ERR_SYS, en,
                       "cannot listen on %s:%u: ports below 1024 need privileges; choose a port "
                       "from 1024 with --listen or ELHUB_LISTEN",
                       cfg->host, cfg->port);
    return err_set(e, ERR_SYS, en, "cannot listen on %s:%u: %s", cfg->host, cfg->port,
                   strerror(en));
}

/* The listening socket, bound to addr: the gate's, not MHD's. */
static int listen_on(const struct sockaddr_storage *addr, socklen_t alen, struct err *e)
{
    int one = 1;
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return err_set(e, ERR_SYS, errno, "socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)addr, alen) < 0 || listen(fd, SOMAXCONN) < 0) {
        int en = errno;
        close(fd);
        errno = en;
        return -1;
    }
    return fd;
}

int server_start(const struct server_config *cfg, struct server **out, struct err *e)
{
    struct server *srv;
    struct store *probe = NULL;
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage addr;
    socklen_t alen;
    const char *host = strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET |
                     MHD_ALLOW_SUSPEND_RESUME;
    unsigned threads = cfg->threads > 1 ? cfg->threads : 1;
    enum store_why why;
    struct epoll_event ev;
    struct stat st;
    int rc;

    *out = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &ai);
    if (rc != 0 || !ai || ai->ai_addrlen > sizeof addr) {
        if (ai)
            freeaddrinfo(ai);
        return err_set(e, ERR_USAGE, 0,
                       "listen host \"%.64s\": expected a numeric IPv4 or IPv6 address or "
                       "localhost",
                       cfg->host);
    }
    memset(&addr, 0, sizeof addr);
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    alen = (socklen_t)ai->ai_addrlen;
    freeaddrinfo(ai);
    if (addr.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)cfg->port);
    else
        ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)cfg->port);

    srv = xcalloc(1, sizeof *srv);
    srv->lfd = srv->efd = srv->wakefd = -1;
    srv->store_uri = cfg->store_uri;
    if (strncmp(cfg->store_uri, "sqlite:", 7) == 0 && cfg->store_uri[7] &&
        strcmp(cfg->store_uri + 7, ":memory:") != 0 && strncmp(cfg->store_uri + 7, "file:", 5) != 0)
        srv->store_path = cfg->store_uri + 7;
    srv->cache = cfg->cache;
    srv->head_timeout_ms =
        cfg->head_timeout_ms ? cfg->head_timeout_ms : LIMIT_HTTP_HEAD_TIMEOUT_S * 1000;
    srv->heavy_slots = cfg->heavy_slots < 0 ? threads : (unsigned)cfg->heavy_slots;
    atomic_init(&srv->gen, 0u);
    pthread_mutex_init(&srv->c.lock, NULL);
    pthread_cond_init(&srv->c.wake, NULL);
    pthread_key_create(&srv->key, NULL);
    pthread_mutex_init(&srv->lock, NULL);
    pthread_mutex_init(&srv->alock, NULL);
    pthread_mutex_init(&srv->h.lock, NULL);
    pthread_cond_init(&srv->h.cond, NULL);

    /* Fail now, with the store's own message, rather than on the first
     * request. The connection then serves the cache's data version. */
    if (open_store(srv, &probe, &why, e) < 0) {
        server_stop(srv);
        return -1;
    }
    srv->c.vslot.s = probe;
    srv->started = 1;
    if (srv->store_path && stat(srv->store_path, &st) == 0) {
        srv->ident_present = 1;
        srv->ident_dev = st.st_dev;
        srv->ident_ino = st.st_ino;
    }

    srv->lfd = listen_on(&addr, alen, e);
    if (srv->lfd < 0) {
        int en = errno;
        server_stop(srv);
        return listen_error(cfg, en, e);
    }
    {
        struct sockaddr_storage b;
        socklen_t bl = sizeof b;
        if (getsockname(srv->lfd, (struct sockaddr *)&b, &bl) == 0)
            srv->port = ntohs(b.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&b)->sin6_port
                                                      : ((struct sockaddr_in *)&b)->sin_port);
    }
    srv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
                              on_mhd_log, srv, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned int)LIMIT_HTTP_CONNECTIONS,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)LIMIT_HTTP_TIMEOUT_S,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HTTP_CONN_MEMORY,
                              MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
                              MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (!srv->d) {
        server_stop(srv);
        return err_set(e, ERR_SYS, 0, "cannot start the HTTP server (libmicrohttpd)");
    }
    srv->h.threads = xcalloc(srv->heavy_slots ? srv->heavy_slots : 1, sizeof *srv->h.threads);
    for (unsigned i = 0; i < srv->heavy_slots; i++) {
        if (pthread_create(&srv->h.threads[i], NULL, heavy_main, srv) != 0) {
            server_stop(srv);
            return err_set(e, ERR_SYS, errno, "cannot start the heavy-read threads");
        }
        srv->h.nthreads++;
    }
    srv->efd = epoll_create1(EPOLL_CLOEXEC);
    srv->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &srv->lfd;
    if (srv->efd < 0 || srv->wakefd < 0 || epoll_ctl(srv->efd, EPOLL_CTL_ADD, srv->lfd, &ev) < 0) {
        server_stop(srv);
        return err_set(e, ERR_SYS, errno, "cannot set up epoll: %s", strerror(errno));
    }
    ev.data.ptr = &srv->wakefd;
    epoll_ctl(srv->efd, EPOLL_CTL_ADD, srv->wakefd, &ev);
    srv->ident_next_ms = timeutil_now_ms() + IDENT_CHECK_MS;
    if (pthread_create(&srv->gate, NULL, gate_main, srv) != 0) {
        server_stop(srv);
        return err_set(e, ERR_SYS, errno, "cannot start the connection thread");
    }
    srv->gate_started = 1;
    if (cfg->online && online_start(cfg->store_uri, cfg->online_url, &srv->online, e) < 0) {
        server_stop(srv);
        return -1;
    }
    if (srv->cache) {
        srv->c.warm_pending = 1;
        if (pthread_create(&srv->warmer, NULL, warm_main, srv) == 0)
            srv->warmer_started = 1;
        else
            log_warn("serve: no thread to precompute /api/meta; it is computed on first use");
    }
    *out = srv;
    return 0;
}

unsigned server_port(const struct server *srv)
{
    return srv->port;
}

void server_stop(struct server *srv)
{
    struct worker *w, *next;
    if (!srv)
        return;
    /* No new connections, then no heavy read left waiting or running (MHD
     * must not stop with a suspended connection), then MHD. */
    if (srv->gate_started) {
        uint64_t one = 1;
        if (write(srv->wakefd, &one, sizeof one) < 0)
            log_warn("serve: cannot wake the connection thread: %s", strerror(errno));
        pthread_join(srv->gate, NULL);
    }
    if (srv->lfd >= 0)
        close(srv->lfd);
    online_stop(srv->online);
    pthread_mutex_lock(&srv->h.lock);
    srv->h.stop = 1;
    pthread_cond_broadcast(&srv->h.cond);
    pthread_mutex_unlock(&srv->h.lock);
    heavy_expire(srv, 1);
    for (unsigned i = 0; i < srv->h.nthreads; i++)
        pthread_join(srv->h.threads[i], NULL);
    free(srv->h.threads);
    if (srv->warmer_started) {
        pthread_mutex_lock(&srv->c.lock);
        srv->c.warm_stop = 1;
        pthread_cond_signal(&srv->c.wake);
        pthread_mutex_unlock(&srv->c.lock);
        pthread_join(srv->warmer, NULL);
    }
    if (srv->d)
        MHD_stop_daemon(srv->d);
    if (srv->efd >= 0)
        close(srv->efd);
    if (srv->wakefd >= 0)
        close(srv->wakefd);
    for (w = srv->workers; w; w = next) {
        next = w->next;
        slot_release(&w->st);
        free(w);
    }
    cache_clear(&srv->c);
    slot_release(&srv->c.vslot);
    pthread_cond_destroy(&srv->c.wake);
    pthread_mutex_destroy(&srv->c.lock);
    pthread_key_delete(srv->key);
    pthread_mutex_destroy(&srv->lock);
    pthread_mutex_destroy(&srv->alock);
    pthread_cond_destroy(&srv->h.cond);
    pthread_mutex_destroy(&srv->h.lock);
    free(srv);
}
