/* limits: every cap on untrusted or growable sizes, in one place (curl's
 * dynbuf limits). Change a cap here, never at a call site. */
#ifndef ELHUB_LIMITS_H
#define ELHUB_LIMITS_H

/* One API response (a month of production is ~3.6 MB; a month of a
 * 15-minute dataset would be ~4x that). */
#define LIMIT_API_BODY (64u * 1024 * 1024)
/* One decoded CQL frame body (native_protocol_v4 §2.5 allows 256 MB). */
#define LIMIT_CQL_FRAME (64u * 1024 * 1024)
/* One HTTP request line + headers the dashboard accepts. */
#define LIMIT_HTTP_REQUEST (8u * 1024)
/* One HTTP response the dashboard builds in memory. */
#define LIMIT_HTTP_RESPONSE (64u * 1024 * 1024)
/* One CSV line on import. */
#define LIMIT_CSV_LINE (64u * 1024)
/* One imported file, decompressed. */
#define LIMIT_IMPORT_FILE (1024u * 1024 * 1024)
/* Rows one store write may carry (a month is ~19k; 31 days x 24 h x 5 areas
 * x 8 groups = 29,760). */
#define LIMIT_BATCH_ROWS 200000u
/* Length of an area, group or dataset name, including the NUL. */
#define LIMIT_NAME 32

/* The web API (src/web/): the raw query string of one request, the
 * parameters it may carry, the groups one request may name, the points one
 * series response may hold (5 years of hours x 8 groups fits; the browser
 * asks for coarser steps beyond that), and the missing-hour ranges one
 * quality response lists per group. */
#define LIMIT_API_QUERY 2048
#define LIMIT_API_PARAMS 16
#define LIMIT_API_GROUPS 16
#define LIMIT_API_POINTS 400000u
#define LIMIT_API_GAPS 200
/* The server: concurrent connections, seconds a connection may idle, and the
 * memory MHD may use per connection (request line + headers + bookkeeping),
 * which is what bounds LIMIT_HTTP_REQUEST in practice. */
#define LIMIT_HTTP_CONNECTIONS 512
#define LIMIT_HTTP_TIMEOUT_S 15
#define LIMIT_HTTP_CONN_MEMORY (32u * 1024)
/* The per-thread response cache: entries, bytes, largest body kept. */
#define LIMIT_CACHE_ENTRIES 128
#define LIMIT_CACHE_BYTES (16u * 1024 * 1024)
#define LIMIT_CACHE_BODY (4u * 1024 * 1024)

#endif
