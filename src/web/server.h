/* server: the HTTP glue of `elhub serve` (libmicrohttpd behind a gate of
 * our own). It routes /api/... and /healthz to src/web/api.c, everything
 * else to the embedded assets, and adds what HTTP needs around them: GET/HEAD
 * only, ETag and If-None-Match, Cache-Control, gzip, security headers, a
 * per-thread store connection that follows the store file, a response
 * cache, and the limits a server facing hostile clients needs: request
 * heads checked and bounded in size and time, connections per address,
 * heavy reads on a bounded pool (docs/DASHBOARD.md, "Limits and hostile
 * clients"). */
#ifndef ELHUB_WEB_SERVER_H
#define ELHUB_WEB_SERVER_H

#include "err.h"

#include <stddef.h>

struct server_config {
    const char *store_uri;    /* borrowed for the server's lifetime */
    const char *host;         /* numeric IPv4/IPv6 or "localhost"; borrowed */
    unsigned port;            /* 0 picks a free port (see server_port) */
    unsigned threads;         /* worker threads; each has its own store */
    int cache;                /* 1: keep API responses until the data changes */
    int heavy_slots;          /* threads for heavy reads; -1: as many as threads; 0: none
                                 (heavy reads run on the request threads, unbounded) */
    unsigned head_timeout_ms; /* a request head must be in this soon after accept;
                                 0: LIMIT_HTTP_HEAD_TIMEOUT_S */
    int online;               /* 1: POST /api/fetch fetches weather (web/online.h) */
    const char *online_url;   /* with online: the weather API's URL; NULL: its default */
};

struct server;

/* Splits "HOST:PORT" or "[V6]:PORT" into host (size n) and port; "PORT"
 * and ":PORT" mean 127.0.0.1 (never an implicit wildcard). Port 0-65535. */
int server_parse_listen(const char *s, char *host, size_t n, unsigned *port, struct err *e);

/* Opens the store once to check it works (the threads then open their own,
 * lazily, and again whenever the store file is replaced), binds, and starts
 * the gate thread, MHD's worker threads and the heavy-read threads. On
 * success *out is a heap object to pass to server_stop. Errors: ERR_USAGE
 * for a bad address, ERR_SYS for bind failures, the store's own domain for
 * the store. Call it once per process at a time: the threads it starts are
 * its own. */
int server_start(const struct server_config *cfg, struct server **out, struct err *e);

/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *srv);

/* Stops accepting, answers 503 to heavy reads still waiting, lets running
 * ones finish, joins the threads and releases every per-thread store and
 * the cache. NULL is a no-op. */
void server_stop(struct server *srv);

#endif
