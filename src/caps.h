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
/* Distinct groups one selection (--groups, groups=) may name. */
#define LIMIT_SELECT_GROUPS 32
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
 * parameters it may carry (every parameter of the largest analysis table,
 * STL's 17, plus format fits: a page may put them all in its URL), the
 * points one series response may hold (5
 * years of hours x 8 groups fits; the browser asks for coarser steps beyond
 * that), and the missing-hour ranges one quality response lists per group. */
#define LIMIT_API_QUERY 2048
#define LIMIT_API_PARAMS 24
#define LIMIT_API_POINTS 400000u
#define LIMIT_API_GAPS 200
/* The server: concurrent connections, seconds a connection may idle, and the
 * memory MHD may use per connection (request line + headers + bookkeeping;
 * the gate below keeps every head it hands over within it). */
#define LIMIT_HTTP_CONNECTIONS 512
#define LIMIT_HTTP_TIMEOUT_S 15
#define LIMIT_HTTP_CONN_MEMORY (32u * 1024)
/* The gate in front of MHD (src/web/server.c, src/web/head.c). A request
 * head (request line + headers, LIMIT_HTTP_REQUEST bytes at most) must be
 * complete this many seconds after accept (--head-timeout changes it, for
 * tests); one address may hold this many connections (a browser opens 6, a load test 50;
 * the total is LIMIT_HTTP_CONNECTIONS); a request target may be this long;
 * its query may have this many '&'-separated parts, empty ones included,
 * and the head this many header lines plus cookie pieces (MHD keeps each
 * as a ~64-byte record in the connection's LIMIT_HTTP_CONN_MEMORY, so
 * 8 KiB of head + (64 + 64) records always fit). After an error answer the
 * gate reads and drops what the client still sends for at most
 * LIMIT_HTTP_LINGER_MS before it closes (RFC 9112 §9.6). */
#define LIMIT_HTTP_HEAD_TIMEOUT_S 10
#define LIMIT_HTTP_PER_ADDRESS 64
#define LIMIT_HTTP_TARGET 4096
#define LIMIT_HTTP_ARGS 64
#define LIMIT_HTTP_HEADERS 64
#define LIMIT_HTTP_LINGER_MS 1000
/* Heavy reads (uncached store reads: every /api/ answer but /healthz) run
 * on a pool of --heavy-slots threads (default: --threads, at most
 * LIMIT_HTTP_HEAVY_SLOTS), never on the threads that read requests. One
 * that finds every slot taken waits in a queue of LIMIT_HTTP_HEAVY_QUEUE
 * for at most LIMIT_HTTP_HEAVY_WAIT_MS, then gets 503 with Retry-After:
 * LIMIT_HTTP_HEAVY_RETRY_S. */
#define LIMIT_HTTP_HEAVY_SLOTS 64
#define LIMIT_HTTP_HEAVY_QUEUE 64
#define LIMIT_HTTP_HEAVY_WAIT_MS 5000
#define LIMIT_HTTP_HEAVY_RETRY_S 5
/* A store connection that could not be opened is tried again after 1 s,
 * then twice as long each time, up to this many seconds; a changed store
 * file resets the wait. */
#define LIMIT_HTTP_STORE_RETRY_S 30
/* `elhub serve --online` (src/web/online.h): the dashboard may have the
 * weather of a point fetched on demand, one job at a time, at most
 * LIMIT_ONLINE_JOBS_PER_HOUR started in any hour, each of at most
 * LIMIT_ONLINE_MONTHS months with LIMIT_ONLINE_IN_FLIGHT requests in flight;
 * a refused job is told to retry after LIMIT_ONLINE_RETRY_S seconds. */
#define LIMIT_ONLINE_JOBS_PER_HOUR 30
#define LIMIT_ONLINE_MONTHS 24
#define LIMIT_ONLINE_IN_FLIGHT 2
#define LIMIT_ONLINE_RETRY_S 10
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

/* Time-series analysis (src/analysis/, `elhub analyze`, /api/analysis/),
 * so that one request cannot take a server down:
 *   - POINTS: hours one analysed range may hold (11 years);
 *   - WINDOW: the longest window any method takes, in samples (STL period
 *     and smoothers, spectrogram segment, correlation window: a leap year
 *     and a day);
 *   - ITER: STL inner and outer passes;
 *   - WORK: what one STL may do, in smoother-window points (hours x the
 *     three window lengths x passes; the default robust STL of a year is
 *     1.4e8, ~40 ms);
 *   - CELLS: spectrogram cells (segments x frequencies, 8 bytes each and
 *     ~20 in JSON);
 *   - NEIGHBORS: LOF neighbours; LOF_CELLS: points x neighbours, the
 *     neighbour lists LOF keeps (12 bytes each: 48 MB at the cap);
 *   - SERIES: series in one LOF;
 *   - LAG, LAGS: the largest |lag|, and the lags one lag range may scan
 *     (each a pass over the range);
 *   - BODY: one JSON or CSV body of `elhub analyze` (the API's answers are
 *     capped by LIMIT_HTTP_RESPONSE);
 *   - SPEC: one DATASET:AREA:GROUP name;
 *   - FFT_PLANS: FFTW plans kept for the life of the process (one per
 *     transform kind and size, a few kilobytes each). */
#define LIMIT_ANALYSIS_POINTS 100000u
#define LIMIT_ANALYSIS_WINDOW 8785
#define LIMIT_ANALYSIS_ITER 100
#define LIMIT_ANALYSIS_WORK 1e9
#define LIMIT_ANALYSIS_CELLS 2000000u
#define LIMIT_ANALYSIS_NEIGHBORS 100
#define LIMIT_ANALYSIS_LOF_CELLS 4000000u
#define LIMIT_ANALYSIS_SERIES 8
#define LIMIT_ANALYSIS_LAG 8784
#define LIMIT_ANALYSIS_LAGS 1001
#define LIMIT_ANALYSIS_BODY (64u * 1024 * 1024)
#define LIMIT_ANALYSIS_SPEC 128
#define LIMIT_FFT_PLANS 64

/* The price-area outlines (src/geo/): positions one GeoJSON document may
 * hold in all (the embedded one has about 2,900; NVE's original 54,510). */
#define LIMIT_GEO_VERTICES 1000000u
/* Days one /api/areamean interval may span (about 10 years). */
#define LIMIT_MAP_DAYS 3660

/* Forecasting (src/forecast/): what one SARIMAX request may ask for, so that
 * a request cannot take the server down. Orders p, q (and d, D, P, Q); the
 * seasonal period (a week of hours); the state dimension d + s*D +
 * max(p + s*P, q + s*Q + 1); the training hours (a leap year); the work of
 * one likelihood evaluation, states^2 * hours (4e8 is about 0.3 s); the
 * forecast hours (a month); backtest folds (each refits the model); the
 * exogenous regressors; BFGS iterations per fit; and the size of a
 * PARAMS.json file read by `elhub forecast --params/--loglike-at`. */
#define LIMIT_FORECAST_ORDER 5
#define LIMIT_FORECAST_DIFF 2
#define LIMIT_FORECAST_SEASONAL_ORDER 2
#define LIMIT_FORECAST_SEASONAL_DIFF 1
#define LIMIT_FORECAST_PERIOD 168
#define LIMIT_FORECAST_STATES 400
#define LIMIT_FORECAST_OBS 8784
#define LIMIT_FORECAST_WORK 4e8
#define LIMIT_FORECAST_HORIZON 744
#define LIMIT_FORECAST_FOLDS 10
#define LIMIT_FORECAST_EXOG 8
#define LIMIT_FORECAST_MAXITER 1000
#define LIMIT_FORECAST_PARAMS_FILE (64u * 1024)
/* The work one /api/forecast request may do in all, counted as above
 * (states^2 * hours per likelihood evaluation, summed over the fit, every
 * backtest fold's fit and the forecasts): 1.5e10 is about 10 s of one core
 * at the worst case (a model whose covariance never reaches its steady
 * state). A fit that would exceed its share stops and says so
 * ("converged": false, with its last log-likelihood), so a request can
 * never hold a heavy-read slot for longer. The command line has no such
 * budget (its iterations are capped by --maxiter). */
#define LIMIT_FORECAST_API_WORK 1.5e10

#endif
