/* fetch: the HTTP job engine, the same for every source (source/source.h).
 * It runs one job per window with libcurl's multi interface (several
 * requests in flight), feeds each body to the source's streaming decoder as
 * it arrives, checks every record against its window, and hands each
 * finished window to a writer thread that stores it with one atomic
 * store_write carrying its done-key. Transient failures (429, 5xx,
 * timeouts, resets, truncated or invalid bodies) are retried with bounded
 * exponential backoff and jitter, honouring Retry-After, within a deadline
 * per window. It knows nothing of any one API; see docs/FETCH.md. */
#ifndef ELHUB_FETCH_H
#define ELHUB_FETCH_H

#include "dataset.h"
#include "err.h"
#include "source/source.h"
#include "store/store.h"

#include <signal.h>
#include <stddef.h>

/* The time one window may take, every attempt and wait included, unless
 * --timeout ($ELHUB_TIMEOUT_S) says otherwise. A healthy month takes a
 * few seconds; an API that accepts connections and never answers costs
 * this much per window, not 6 x the 30 s stall timeout. */
#define FETCH_DEADLINE_S 120
/* Attempts per window at most. */
#define FETCH_MAX_ATTEMPTS 6
/* The longest backoff between two attempts. */
#define FETCH_RETRY_CAP_MS 60000L

struct fetch_opts {
    const struct dataset *ds;
    const struct source_ops *src; /* the source of ds (source_of) */
    const char *base_url;         /* NULL: src->default_url */
    int jobs;                     /* requests in flight, 1..LIMIT_FETCH_JOBS */
    int refresh;                  /* fetch windows already recorded as done */
    int progress;                 /* draw a live progress line on stderr (a TTY) */
    int max_attempts;             /* per window; 0: FETCH_MAX_ATTEMPTS */
    long retry_base_ms;           /* first backoff; 0: $ELHUB_RETRY_BASE_MS, else 1000 */
    long deadline_s;              /* per window; 0: $ELHUB_TIMEOUT_S, else FETCH_DEADLINE_S */
    /* NULL, or a flag a signal handler sets (Ctrl-C): the run then starts
     * nothing more, drops the transfers in flight, stores the windows
     * already complete, and returns with res->interrupted set. */
    const volatile sig_atomic_t *stop;
};

struct fetch_result {
    size_t windows;  /* windows asked for */
    size_t skipped;  /* already done in the store (without refresh) */
    size_t fetched;  /* fetched and stored, empty ones included */
    size_t empty;    /* fetched with no record: stored without done-key */
    size_t failed;   /* given up on */
    size_t rows;     /* rows stored (each key once) */
    size_t repeats;  /* records dropped because their key came again in the same answer */
    size_t retries;  /* requests repeated after a transient failure */
    double seconds;  /* wall time */
    int interrupted; /* opts.stop ended the run */
    /* A failure that ends the run for every window (the API's host does
     * not resolve): e says which; the windows not fetched are not failed. */
    int fatal;
    /* The windows that failed, in order; owned by the caller (free() via
     * fetch_result_release), pointing into the window array passed in. */
    const struct source_window **failed_windows;
};

/* Fetches every window of w[0..n) of o->ds from o->src into s. Windows
 * recorded as done (their key or their outer_key) are skipped unless
 * o->refresh. Each window's rows land with one store_write carrying its key
 * as done-key, so a window is stored whole or not at all; a window that
 * ended less than src->revision_days ago, or whose answer held no record,
 * is stored without it (a rerun asks again). A note the source's decoder
 * has for a body (source_decoder_meta: a weather answer's grid cell) is
 * kept with store_meta_put just before the window's rows. A record whose key (area,
 * group, hour) comes twice in one answer is stored once and counted once;
 * the repeat is logged. Logs progress and per-window failures (log.h) from
 * the calling thread only.
 *
 * Returns 0 if every window was stored; -1 with e set if any failed
 * (res->failed_windows lists them; the others are stored), the run was
 * interrupted (res->interrupted), ended by a fatal failure (res->fatal), or
 * on a setup error. *res is always filled; release it with
 * fetch_result_release. s is used by one other thread during the call. */
int fetch_run(struct store *s, const struct fetch_opts *o, const struct source_window *w, size_t n,
              struct fetch_result *res, struct err *e);
void fetch_result_release(struct fetch_result *res);

/* Delay before attempt `attempt` (2 = the first retry) in milliseconds:
 * base * 2^(attempt-2), capped at FETCH_RETRY_CAP_MS, scaled by a jitter
 * factor in [0.5, 1.0) taken from `rnd` (0..1). A server's Retry-After
 * (milliseconds, < 0 if absent) raises the delay to at least that much.
 * Pure. */
long fetch_backoff_ms(int attempt, long base_ms, double rnd, long retry_after_ms);

/* Drops the records of rows[0..n) whose (area, group, start) came earlier
 * or later in the same array, keeping for each key the one the store
 * would end with had they all been written in order: the last, unless an
 * earlier one has a newer `updated`. The array may be reordered (into key
 * order) when it was not in (area, group, start) order. Returns the count
 * kept; *first (if not NULL) gets the first repeated record found. Pure. */
size_t fetch_drop_repeats(struct record *rows, size_t n, struct record *first);

#endif
