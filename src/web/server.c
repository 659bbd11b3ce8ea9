/* server: libmicrohttpd wiring for the dashboard: worker threads with one
 * store each, one response cache shared by all of them, HTTP caching and
 * compression, and the embedded assets. The handlers themselves are in
 * api.c. */
#include "web/server.h"
#include "timeutil.h"

#include "caps.h"
#include "log.h"
#include "mem.h"
#include "store/store.h"
#include "web/api.h"
#include "web/assets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* ---- per-thread state ---------------------------------------------------- */

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

/* One per worker thread. */
struct worker {
    struct store *store; /* NULL until opened; open_failed set if it could not be */
    int open_failed;
    struct worker *next;
};

/* API responses, shared by the workers so each result is computed once per
 * data version. Keyed by the request target; valid while the data version
 * read through vstore (a connection of its own, used only under lock) is the
 * one they were computed under, or for CACHE_TTL_MS if the backend cannot
 * tell. */
struct cache {
    pthread_mutex_t lock;
    struct store *vstore;
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

struct server {
    struct MHD_Daemon *d;
    const char *store_uri;
    int cache;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards workers */
    struct worker *workers;
    struct cache c;
    pthread_t warmer;
    int warmer_started;
    unsigned port;
};

/* One request: the raw target as sent, captured by the URI log callback
 * before MHD splits and decodes it (our own parser handles the query). */
struct request {
    char *target;
    size_t len;
    int seen; /* the access handler was called once (headers are in) */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static struct worker *worker_get(struct server *srv)
{
    struct worker *w = pthread_getspecific(srv->key);
    if (w)
        return w;
    w = xcalloc(1, sizeof *w);
    pthread_setspecific(srv->key, w);
    pthread_mutex_lock(&srv->lock);
    w->next = srv->workers;
    srv->workers = w;
    pthread_mutex_unlock(&srv->lock);
    return w;
}

/* The worker's store, opened on first use (SQLite: one connection per
 * thread, which WAL lets read concurrently). NULL if it cannot be opened;
 * the cause is logged once. */
static struct store *worker_store(struct server *srv, struct worker *w)
{
    struct err e = {0};
    if (w->store || w->open_failed)
        return w->store;
    if (store_open(srv->store_uri, STORE_READ, &w->store, &e) < 0) {
        log_error("serve: %s", e.msg);
        w->open_failed = 1;
        w->store = NULL;
    }
    return w->store;
}

/* Drops every cached response if the data moved since they were made. */
static void cache_check_version(struct cache *w)
{
    uint64_t v;
    int known;
    struct err e = {0};

    if (store_data_version(w->vstore, &v, &known, &e) < 0) {
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
    int64_t now = now_ms();
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
    c->created_ms = now_ms();
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

static enum MHD_Result serve_api(struct server *srv, struct MHD_Connection *c, const char *target,
                                 size_t len)
{
    struct worker *w = worker_get(srv);
    struct store *s = worker_store(srv, w);
    struct cache *k = &srv->c;
    struct api_response r;
    struct cache_entry *ce;
    uint64_t h = fnv1a(target, len), version = 0;
    unsigned char *gz = NULL;
    size_t gzlen = 0;
    char etag[24], gz_etag[28];
    uint64_t eh;
    enum MHD_Result ret;

    if (s && srv->cache) {
        pthread_mutex_lock(&k->lock);
        cache_check_version(k);
        version = k->version;
        ce = cache_find(k, target, len, h);
        if (ce) {
            ret = send_entry(c, k, ce);
            pthread_mutex_unlock(&k->lock);
            return ret;
        }
        pthread_mutex_unlock(&k->lock);
    }
    /* Computed outside the lock, so workers answer different requests at
     * once; two workers may compute the same one, which is harmless. */
    api_response_init(&r);
    api_handle(s, target, len, &r);
    if (r.status == 200 && r.cacheable && s && srv->cache) {
        pthread_mutex_lock(&k->lock);
        /* A result computed while the data moved is sent, not kept. */
        ce = k->version == version ? cache_put(k, target, len, h, &r) : NULL;
        if (ce) {
            ret = send_entry(c, k, ce);
            pthread_mutex_unlock(&k->lock);
            api_response_release(&r);
            return ret;
        }
        pthread_mutex_unlock(&k->lock);
    }
    /* Not cached (an error, cache off, too large): sent as it is, with gzip
     * made now for large bodies. */
    eh = fnv1a(r.body.p ? r.body.p : "", r.body.len);
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)eh);
    snprintf(gz_etag, sizeof gz_etag, "\"%016llx-gz\"", (unsigned long long)eh);
    if (r.status == 200 && r.body.len >= GZIP_MIN && accepts_gzip(c))
        gzip_bytes((const unsigned char *)r.body.p, r.body.len, &gz, &gzlen);
    ret = send_body(c, r.status, r.type, r.status == 200 ? "no-cache" : "no-store",
                    (const unsigned char *)(r.body.p ? r.body.p : ""), r.body.len, gz, gzlen,
                    r.status == 200 ? etag : NULL, gz_etag, r.filename, 1);
    free(gz);
    api_response_release(&r);
    return ret;
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
    struct store *s = NULL;
    struct err e = {0};

    if (store_open(srv->store_uri, STORE_READ, &s, &e) < 0) {
        log_warn("serve: cannot open the store to precompute /api/meta: %s", e.msg);
        return NULL;
    }
    pthread_mutex_lock(&k->lock);
    for (;;) {
        struct api_response r;
        uint64_t version, h = fnv1a(warm_target, sizeof warm_target - 1);
        while (!k->warm_pending && !k->warm_stop) {
            /* Woken by a request that saw the version move, or once a
             * second to look for itself (a cheap pragma for SQLite), so
             * the answer is ready before the first page after a write. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            if (pthread_cond_timedwait(&k->wake, &k->lock, &until) != 0 && k->version_known)
                cache_check_version(k);
        }
        if (k->warm_stop)
            break;
        k->warm_pending = 0;
        cache_check_version(k);
        k->warm_pending = 0; /* the check may have set it again: this pass serves it */
        version = k->version;
        if (!k->version_known || cache_find(k, warm_target, sizeof warm_target - 1, h))
            continue;
        pthread_mutex_unlock(&k->lock);
        api_response_init(&r);
        api_handle(s, warm_target, sizeof warm_target - 1, &r);
        pthread_mutex_lock(&k->lock);
        if (r.status == 200 && r.cacheable && k->version == version &&
            !cache_find(k, warm_target, sizeof warm_target - 1, h))
            cache_put(k, warm_target, sizeof warm_target - 1, h, &r);
        api_response_release(&r);
    }
    pthread_mutex_unlock(&k->lock);
    store_free(s);
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct server *srv = cls;
    struct request *rq = *con_cls;
    const char *target = url;
    size_t len;

    (void)version;
    (void)upload_data;
    /* Answer on the second call, once any body has been read (and dropped):
     * MHD closes the connection when a response is queued on the first
     * call, as it cannot know whether a body follows. */
    if (rq && !rq->seen) {
        rq->seen = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a body is ignored, not kept */
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return send_static_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                                 "{\"error\":\"method not allowed\",\"detail\":\"only GET and "
                                 "HEAD are served\"}\n");
    if (rq && rq->target)
        target = rq->target;
    len = rq && rq->target ? rq->len : strlen(url);
    if (api_owns_path(target, len))
        return serve_api(srv, c, target, len);
    return serve_asset(c, target, len);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct request *rq = xcalloc(1, sizeof *rq);
    (void)cls;
    (void)c;
    rq->len = strnlen(uri, LIMIT_HTTP_REQUEST);
    rq->target = xstrndup(uri, rq->len);
    return rq;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *rq = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (rq) {
        free(rq->target);
        free(rq);
    }
    *con_cls = NULL;
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

/* Why binding addr failed, as an errno, found by binding a probe socket the
 * same way (MHD_start_daemon reports only that it failed). 0 if the probe
 * binds, which means the failure was something else. */
static int bind_errno(const struct sockaddr_storage *addr)
{
    socklen_t len = addr->ss_family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6)
                                                : (socklen_t)sizeof(struct sockaddr_in);
    int fd = socket(addr->ss_family, SOCK_STREAM, 0), one = 1, rc = 0;
    if (fd < 0)
        return errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)addr, len) < 0)
        rc = errno;
    close(fd);
    return rc;
}

int server_start(const struct server_config *cfg, struct server **out, struct err *e)
{
    struct server *srv;
    struct store *probe = NULL;
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage addr;
    const char *host = strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    const union MHD_DaemonInfo *info;
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
    freeaddrinfo(ai);
    if (addr.ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)cfg->port);
    }

    /* Fail now, with the store's own message, rather than on the first
     * request. The connection then serves the cache's data version. */
    if (store_open(cfg->store_uri, STORE_READ, &probe, e) < 0)
        return -1;

    srv = xcalloc(1, sizeof *srv);
    srv->c.vstore = probe;
    pthread_mutex_init(&srv->c.lock, NULL);
    pthread_cond_init(&srv->c.wake, NULL);
    srv->store_uri = cfg->store_uri;
    srv->cache = cfg->cache;
    pthread_key_create(&srv->key, NULL);
    pthread_mutex_init(&srv->lock, NULL);
    srv->d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)(cfg->threads > 1 ? cfg->threads : 1), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)LIMIT_HTTP_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)LIMIT_HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)LIMIT_HTTP_CONN_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_END);
    if (!srv->d) {
        int why = bind_errno(&addr);
        server_stop(srv);
        if (why == EADDRINUSE)
            return err_set(e, ERR_SYS, why,
                           "cannot listen on %s:%u: the port is taken by another program "
                           "(another elhub serve?). Choose another port with --listen, e.g. "
                           "--listen %s:%u, or set ELHUB_LISTEN (ELHUB_LISTEN=:%u make demo)",
                           cfg->host, cfg->port, cfg->host,
                           cfg->port == 65535 ? 8081 : cfg->port + 1,
                           cfg->port == 65535 ? 8081 : cfg->port + 1);
        if (why == EADDRNOTAVAIL)
            return err_set(e, ERR_USAGE, why,
                           "cannot listen on %s:%u: %s is not an address of this machine",
                           cfg->host, cfg->port, cfg->host);
        if (why == EACCES)
            return err_set(e, ERR_SYS, why,
                           "cannot listen on %s:%u: ports below 1024 need privileges; choose a "
                           "port from 1024 with --listen or ELHUB_LISTEN",
                           cfg->host, cfg->port);
        return err_set(e, ERR_SYS, why, "cannot listen on %s:%u: %s", cfg->host, cfg->port,
                       why ? strerror(why) : "the HTTP server did not start");
    }
    info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
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
    if (srv->warmer_started) {
        pthread_mutex_lock(&srv->c.lock);
        srv->c.warm_stop = 1;
        pthread_cond_signal(&srv->c.wake);
        pthread_mutex_unlock(&srv->c.lock);
        pthread_join(srv->warmer, NULL);
    }
    if (srv->d)
        MHD_stop_daemon(srv->d);
    for (w = srv->workers; w; w = next) {
        next = w->next;
        store_free(w->store);
        free(w);
    }
    cache_clear(&srv->c);
    store_free(srv->c.vstore);
    pthread_cond_destroy(&srv->c.wake);
    pthread_mutex_destroy(&srv->c.lock);
    pthread_key_delete(srv->key);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
