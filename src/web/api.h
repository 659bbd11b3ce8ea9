/* api: the dashboard's JSON API as pure functions: request target in,
 * status + content type + body out, reading through the storage interface.
 * No sockets here (src/web/server.c is the HTTP glue), so every handler is
 * unit-testable and the query-string parser is fuzzable. Endpoints and their
 * contracts are documented in docs/API.md. */
#ifndef ELHUB_WEB_API_H
#define ELHUB_WEB_API_H

#include "buf.h"
#include "err.h"
#include "caps.h"
#include "store/store.h"

#include <stddef.h>

/* One decoded query parameter; both strings point into api_query.mem. */
struct api_param {
    const char *name;
    const char *value;
};

/* A decoded query string (application/x-www-form-urlencoded). Fixed size,
 * no heap: at most LIMIT_API_PARAMS parameters from at most
 * LIMIT_API_QUERY-1 raw bytes. */
struct api_query {
    struct api_param p[LIMIT_API_PARAMS];
    size_t n;
    char mem[LIMIT_API_QUERY];
    /* For a route that takes a sub-path (/api/analysis/<method>): the raw
     * bytes after the route's path and its '/' (sub_len of them, not
     * NUL-terminated, borrowed from the target for the handler's call);
     * NULL when the path is the route's own. Set by api_handle. */
    const char *sub;
    size_t sub_len;
};

/* Decodes the len bytes at qs (the part after '?', not NUL-terminated):
 * '&'-separated name[=value] pairs, '+' as space, %XX escapes. Empty pairs
 * are skipped. Rejects (-1, e set with ERR_USAGE and a message fit for a
 * 400 detail) a query longer than LIMIT_API_QUERY-1 bytes, more than
 * LIMIT_API_PARAMS parameters, an empty name, a bad or truncated escape, a
 * decoded control byte (including NUL), and a name given twice. out is
 * always initialised. Thread-safe. */
int api_query_parse(const char *qs, size_t len, struct api_query *out, struct err *e);

/* The value of parameter name, or NULL if absent. Borrowed from q. */
const char *api_query_get(const struct api_query *q, const char *name);

/* What a handler answers. body is owned (released by api_response_release);
 * type and the disposition filename are static or copied. */
struct api_response {
    int status;         /* 200, 400, 404, 500, ... */
    const char *type;   /* static Content-Type */
    struct buf body;    /* capped at LIMIT_HTTP_RESPONSE */
    char filename[128]; /* non-empty: send as an attachment with this name */
    int cacheable;      /* 1: depends only on the target and the stored data */
};

void api_response_init(struct api_response *r);
void api_response_release(struct api_response *r);

/* Fills r (initialised) with status and the documented error body
 * {"error":error,"detail":detail} (JSON-escaped, not cacheable): the one
 * writer of error bodies, for the handlers and for the server's own. */
void api_error(struct api_response *r, int status, const char *error, const char *detail);

/* Nonzero if the request path (the target up to '?') is one api_handle
 * answers: "/healthz" and everything under "/api/". */
int api_owns_path(const char *target, size_t len);

/* Answers GET target (path + optional "?query", raw as on the request line;
 * len bytes, need not be NUL-terminated) from store s. Always fills out
 * (call api_response_release after): 200 with JSON or CSV, 400 with
 * {"error":..,"detail":..} for bad parameters, 404 for an unknown path under
 * /api/, 500 when the store fails (the store's own message goes to the log,
 * never to the client, as it may name files). s may be NULL for a store
 * that could not be opened: parameters are still validated (400), then
 * every endpoint answers 503; the fuzzer uses this to reach the validators
 * without a store.
 * Not thread-safe for one s (struct store is not); distinct stores may be
 * used from distinct threads at once. */
void api_handle(struct store *s, const char *target, size_t len, struct api_response *out);

#endif
