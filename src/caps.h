/* caps: every cap on untrusted or growable sizes, in one place (curl's
 * dynbuf limits). Change a cap here, never at a call site. */
#ifndef ELHUB_CAPS_H
#define ELHUB_CAPS_H

/* One API response (a month of production is ~3.6 MB; a month of a
 * 15-minute dataset would be ~4x that). */
#define LIMIT_API_BODY (64u * 1024 * 1024)
/* One decoded CQL frame body (native_protocol_v4 §2.5 allows 256 MB). */
#define LIMIT_CQL_FRAME (64u * 1024 * 1024)
/* One HTTP request line + headers the dashboard accepts. */
#define LIMIT_HTTP_REQUEST (8u * 1024)
/* One HTTP response the dashboard builds in memory. */
#define LIMIT_HTTP_RESPONSE (64u * 1024 * 1024)
/* Columns of one CSV line on import (the known ones plus extras). */
#define LIMIT_CSV_FIELDS 64
/* One CSV line on import. */
#define LIMIT_CSV_LINE (64u * 1024)
/* One imported file, decompressed. */
#define LIMIT_IMPORT_FILE (1024u * 1024 * 1024)
/* Rows one store write may carry (a month is ~19k; 31 days x 24 h x 5 areas
 * x 8 groups = 29,760). */
#define LIMIT_BATCH_ROWS 200000u
/* Length of an area, group or dataset name, including the NUL. */
#define LIMIT_NAME 32
/* One side of a plotted PNG, in pixels (cairo's own limit is 32767). */
#define LIMIT_PLOT_PIXELS 16384
/* Groups one --groups list may name. */
#define LIMIT_PLOT_GROUPS 32
/* One rendered chart file held in memory before it is written. */
#define LIMIT_PLOT_FILE (512u * 1024 * 1024)

/* Levels of a JSON document the Elhub decoder gives a meaning to (the
 * envelope needs 6); deeper subtrees are only skipped. */
#define LIMIT_JSON_DEPTH 64
/* Nesting of containers the JSON tokenizer (src/json_tok.h) accepts at all
 * (one bit per level; yajl, which it replaced, had no cap). */
#define LIMIT_JSON_NEST 16384
/* One JSON token (string or number) the tokenizer holds across chunk
 * boundaries or decodes escapes of; real tokens are under 40 bytes. */
#define LIMIT_JSON_TOKEN (1024u * 1024)
/* A quantityKwh above this is rejected as garbage (the largest real hourly
 * value per area and group is ~1e7 kWh). */
#define LIMIT_KWH_MAX 1e15
/* An API error body we decode for its message (JSON:API errors are small). */
#define LIMIT_API_ERROR_BODY (64u * 1024)
/* Calendar months one fetch may span (50 years). */
#define LIMIT_WINDOWS 600
/* One request URL. */
#define LIMIT_URL 4096
/* Requests in flight at once (--jobs): the API is a public service. */
#define LIMIT_FETCH_JOBS 8
/* A server's Retry-After we honour; longer waits fail the month instead. */
#define LIMIT_RETRY_AFTER_S 300

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

/* CQL client (src/cql): columns in one result or statement; nesting of a
 * type option (list<map<...>>) the decoder follows; requests in flight on
 * one connection (§2.3 allows 32768 streams); contact points in one URI. */
#define LIMIT_CQL_COLUMNS 256
#define LIMIT_CQL_TYPE_DEPTH 16
#define LIMIT_CQL_INFLIGHT 64
#define LIMIT_CQL_HOSTS 16
/* Rows per unlogged single-partition batch, and rows per page on reads. */
#define LIMIT_CQL_BATCH_ROWS 128
#define LIMIT_CQL_PAGE_ROWS 5000

/* Rows per MongoDB bulk insert command (libmongoc splits further at the
 * server's maxWriteBatchSize / 48 MB message size; ~250 bytes a row). */
#define LIMIT_MONGO_BATCH 5000u
/* A MongoDB URI read from $ELHUB_MONGO_URI or the config file. */
#define LIMIT_MONGO_URI 2048u

#endif
