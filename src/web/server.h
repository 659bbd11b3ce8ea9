/* server: the HTTP glue of `elhub serve` (libmicrohttpd). It routes /api/...
 * and /healthz to src/web/api.c, everything else to the embedded assets,
 * and adds what HTTP needs around them: GET/HEAD only, ETag and
 * If-None-Match, Cache-Control, gzip, security headers, limits on request
 * size, idle time and connections, and a per-thread response cache. */
#ifndef ELHUB_WEB_SERVER_H
#define ELHUB_WEB_SERVER_H

#include "err.h"

#include <stddef.h>

struct server_config {
    const char *store_uri; /* borrowed for the server's lifetime */
    const char *host;      /* numeric IPv4/IPv6 or "localhost"; borrowed */
    unsigned port;         /* 0 picks a free port (see server_port) */
    unsigned threads;      /* worker threads; each has its own store */
    int cache;             /* 1: keep API responses until the data changes */
};

struct server;

/* Splits "HOST:PORT" or "[V6]:PORT" into host (size n) and port; "PORT"
 * and ":PORT" mean 127.0.0.1 (never an implicit wildcard). Port 0-65535. */
int server_parse_listen(const char *s, char *host, size_t n, unsigned *port, struct err *e);

/* Opens the store once to check it works (the workers then open their own,
 * lazily), binds and starts the worker threads. On success *out is a heap
 * object to pass to server_stop. Errors: ERR_USAGE for a bad address,
 * ERR_SYS for bind failures, the store's own domain for the store. */
int server_start(const struct server_config *cfg, struct server **out, struct err *e);

/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *srv);

/* Stops accepting, finishes in-flight requests, joins the threads and
 * releases every per-thread store and cache. NULL is a no-op. */
void server_stop(struct server *srv);

#endif
