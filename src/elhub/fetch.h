/* elhub/fetch: downloads month windows from the Elhub API with libcurl's
 * multi interface (several requests in flight), parses each body as it
 * arrives, checks the records lie inside the window asked for, and stores
 * each month with one atomic store_write. Transient failures (429, 5xx,
 * timeouts, resets, truncated or invalid bodies) are retried with bounded
 * exponential backoff and jitter; see docs/FETCH.md. */
#ifndef ELHUB_FETCH_H
#define ELHUB_FETCH_H

#include "dataset.h"
#include "elhub/window.h"
#include "err.h"
#include "store/store.h"

#include <stddef.h>

/* Tells the API's operators who is calling (the API refuses requests
 * without a User-Agent). The project has no public home page yet; when it
 * gets one, add it here as "(+URL)". */
#define ELHUB_USER_AGENT "elhub/" ELHUB_VERSION " (open-data client in C)"

#define ELHUB_FETCH_DEFAULT_URL "https://api.elhub.no/energy-data/v0"

struct elhub_fetch_opts {
    const struct dataset *ds;
    const char *api_url; /* NULL: ELHUB_FETCH_DEFAULT_URL */
    int jobs;            /* requests in flight, 1..LIMIT_FETCH_JOBS */
    int refresh;         /* re-fetch windows already recorded as done */
    int progress;        /* draw a live progress line on stderr (a TTY) */
    int max_attempts;    /* per window; 0: 6 */
    long retry_base_ms;  /* first backoff; 0: $ELHUB_RETRY_BASE_MS, else 1000 */
    long timeout_s;      /* whole request; 0: $ELHUB_TIMEOUT_S, else 300 */
};

struct elhub_fetch_result {
    size_t windows; /* windows asked for */
    size_t skipped; /* already done in the store (without --refresh) */
    size_t fetched; /* fetched and stored */
    size_t failed;  /* given up on */
    size_t rows;    /* rows stored */
    size_t retries; /* requests repeated after a transient failure */
    double seconds; /* wall time */
    /* The windows that failed, in order; owned by the caller (free()),
     * pointing into the window array passed in. */
    const struct elhub_window **failed_windows;
};

/* Fetches every window of w[0..n) into s. Windows recorded as done (their
 * month key, or their own key if partial) are skipped unless o->refresh.
 * Each window's rows land with one store_write carrying its done-key, so a
 * window is stored whole or not at all; windows ending less than
 * ELHUB_REVISION_DAYS ago are stored without a done-key, because the API
 * still revises them. Logs progress and per-window failures (log.h).
 * Returns 0 if every window was stored; -1 with e set if any failed
 * (res->failed_windows lists them; the others are stored) or on a setup
 * error. *res is always filled; release it with elhub_fetch_result_release. */
int elhub_fetch_run(struct store *s, const struct elhub_fetch_opts *o, const struct elhub_window *w,
                    size_t n, struct elhub_fetch_result *res, struct err *e);
void elhub_fetch_result_release(struct elhub_fetch_result *res);

/* Delay before attempt `attempt` (2 = the first retry) in milliseconds:
 * base * 2^(attempt-2), capped at ELHUB_RETRY_CAP_MS, scaled by a jitter
 * factor in [0.5, 1.0) taken from `rnd` (0..1). A server's Retry-After
 * (milliseconds, < 0 if absent) raises the delay to at least that much. */
long elhub_fetch_backoff_ms(int attempt, long base_ms, double rnd, long retry_after_ms);

#define ELHUB_REVISION_DAYS 14
#define ELHUB_RETRY_CAP_MS 60000L

#endif
