/* store: the one storage interface, as its callers see it. A store is an
 * opaque handle on one of three backends (embedded SQLite, Cassandra,
 * MongoDB); callers never know which, and never see a backend's internals
 * (those are in store_int.h, for the backends and store.c only).
 *
 * What a store holds, per dataset:
 *   - the rows: one struct record per (area, group, hour), keyed like the
 *     seed's Cassandra table (pricearea, starttime, group);
 *   - rollups beside them, per area x group x Oslo day and x Oslo month:
 *     the exact sum (xsum), the hours present, the first and last hour and
 *     the newest update time. They are written with the rows (in the same
 *     transaction in SQLite), so a read of totals, day/week/month series,
 *     coverage or the overview never has to scan rows (src/query/);
 *   - the done-keys of fetched windows (fetch resumes from them).
 * Every time is an instant in UTC seconds; the Oslo calendar is timeutil's.
 *
 * A struct store is not thread-safe: use one per thread. */
#ifndef ELHUB_STORE_H
#define ELHUB_STORE_H

#include "dataset.h"
#include "err.h"
#include "xsum.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* How a store is opened. STORE_READ never creates anything: a missing
 * SQLite file is an error naming the path, and a store without rollups
 * (written by an older elhub, or filled by another tool) gets them built
 * once if it can be written, else an error saying how. STORE_WRITE creates
 * the file, keyspace or database and the schema as needed. */
enum store_mode { STORE_READ, STORE_WRITE };

/* The default store URI: $ELHUB_STORE, else "sqlite:elhub.db". Static or
 * environment storage; do not free. */
const char *store_default_uri(void);

/* Picks the backend by the URI's scheme ("sqlite:PATH", "cassandra://",
 * "mongodb://", "mongodb+srv://", "mongodb:") and opens it. On success *out
 * is a heap object the caller frees with store_free. A URI that is not a
 * store at all (unknown scheme, "sqlite:" with no path, an in-memory or
 * "file:" SQLite URI, which would lose everything written) fails with
 * ERR_USAGE. */
int store_open(const char *uri, enum store_mode mode, struct store **out, struct err *e);
void store_free(struct store *s); /* NULL is a no-op */

/* "sqlite", "cassandra" or "mongodb". Static. */
const char *store_kind(const struct store *s);
/* The URI with any password replaced by "***", for messages. Valid until
 * store_free. */
const char *store_uri_safe(const struct store *s);

/* Copies uri to out (size n) with the password of any "user:pass@" part
 * replaced by "***", for logs and error messages. */
void store_redact_uri(const char *uri, char *out, size_t n);

/* Upserts n rows of ds (at most LIMIT_BATCH_ROWS) and the rollups of every
 * day and month they touch; all or nothing in SQLite (one transaction),
 * idempotent everywhere (a rerun completes what a failure left). A stored
 * row is replaced unless its `updated` is newer than the new row's. The
 * rows must have passed record_check and no two may share a key (the
 * decoders reject or merge such input first); a duplicate is ERR_DATA.
 * When done_key is non-NULL it is recorded as complete for ds after (in
 * SQLite: atomically with) the rows. */
int store_write(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                const char *done_key, struct err *e);
/* Brackets several store_write calls (an imported file larger than one
 * write): in SQLite one transaction, so store_rollback leaves the store as
 * it was before store_begin and store_commit keeps all of them; *atomic is
 * set to 1. Cassandra and MongoDB have no such bracket: *atomic is 0, each
 * store_write stands alone (idempotent), and commit and rollback change
 * nothing. Brackets do not nest. store_rollback is safe without a bracket. */
int store_begin(struct store *s, int *atomic, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* *done = 1 if done_key was recorded for ds by store_write, else 0. */
int store_is_done(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                  struct err *e);

/* What to read. area NULL means every area; ngroups 0 means every group.
 * Times select [from, to) (rows: by start; rollups: by their day or
 * month); INT64_MIN / INT64_MAX for open ends. Strings are borrowed for the
 * duration of the call. */
struct store_query {
    const struct dataset *ds;
    const char *area;
    const char *const *groups;
    size_t ngroups;
    int64_t from, to;
};

/* Called once per row; return 0 to go on, or a positive value to stop the
 * scan, which then returns that value. The record is borrowed for the call
 * only. Backend failures make the scan return -1 with e set. */
typedef int (*store_row_fn)(const struct record *r, void *ctx);

/* Calls fn for every row matching q, in ascending start order; rows of
 * equal start come by area, then group. */
int store_scan(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
               struct err *e);

enum store_level { STORE_DAY, STORE_MONTH };

/* One rollup: the rows of one area x group in one Oslo day or month. */
struct store_rollup {
    char area[LIMIT_NAME];
    char group[LIMIT_NAME];
    int64_t t;       /* the day's or month's first instant (Oslo midnight) */
    struct xsum sum; /* exact sum of the values */
    int64_t hours;   /* rows present */
    int64_t first;   /* start of the first and the last row present */
    int64_t last;
    int64_t updated; /* newest update time; 0 if none is known */
};

typedef int (*store_rollup_fn)(const struct store_rollup *r, void *ctx);

/* Calls fn for every rollup of `level` matching q (by its t), in no
 * particular order. Same return convention as store_scan. */
int store_scan_rollups(struct store *s, enum store_level level, const struct store_query *q,
                       store_rollup_fn fn, void *ctx, struct err *e);

/* Rebuilds every rollup of every dataset from the rows (elhub repair, and
 * a store that has none). Logs progress. */
int store_rebuild_rollups(struct store *s, struct err *e);

/* The store's small key -> value table (elhub_meta in every backend),
 * for what a source notes beside its rows: "weather.cell.NO5" holds the
 * grid cell the location's answers came from (docs/WEATHER.md). The keys
 * the store uses itself ("rollups", "pending.*") are refused (ERR_USAGE). get: *found
 * 0 if absent, value NUL-terminated and cut to n bytes. put needs a store
 * opened for writing. */
int store_meta_get(struct store *s, const char *key, char *value, size_t n, int *found,
                   struct err *e);
int store_meta_put(struct store *s, const char *key, const char *value, struct err *e);

/* Checks the store answers a real read now (for /healthz): 0, or -1 with
 * e saying what is wrong. */
int store_ping(struct store *s, struct err *e);

/* A number that changes whenever the stored data may have changed through
 * another connection or process, so a reader can keep results derived from
 * the data (the dashboard's response cache) until it moves. *known = 0 when
 * the backend cannot tell; callers then expire such results by time.
 * SQLite answers with PRAGMA data_version (cheap: no table is read). */
int store_data_version(struct store *s, uint64_t *version, int *known, struct err *e);

#endif
