/* store: the one storage interface. A backend is a table of function
 * pointers (struct store_ops), one file each: store_sqlite.c,
 * store_cassandra.c, store_mongo.c. Callers use the store_* functions below
 * and never know which backend they talk to.
 *
 * Rows are keyed by (dataset, area, start, group), the seed's Cassandra key.
 * Every time is an instant in UTC seconds; Oslo calendar logic lives in
 * timeutil and in the generic aggregation here, not in the backends.
 *
 * A struct store is not thread-safe: use one per thread. */
#ifndef ELHUB_STORE_H
#define ELHUB_STORE_H

#include "dataset.h"
#include "err.h"
#include "timeutil.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* What to read. area NULL means every area; ngroups 0 means every group.
 * Times select rows with from <= start < to; use INT64_MIN / INT64_MAX for
 * open ends. Strings are borrowed for the duration of the call. */
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

/* Sum per group. */
struct store_total {
    char group[LIMIT_NAME];
    double value;
    int64_t rows;
};

/* Per dataset x area x group: what `elhub status` and /api/meta show. */
struct store_summary {
    char area[LIMIT_NAME];
    char group[LIMIT_NAME];
    int64_t rows;
    int64_t first, last; /* start of the first and last hour */
    int64_t newest_update;
    double value;
};

struct store_ops {
    const char *name; /* "sqlite", "cassandra", "mongodb" */
    /* Opens the store named by uri (the full URI, scheme included) and
     * creates its schema if missing. On success s->impl is set. */
    int (*open)(struct store *s, const char *uri, struct err *e);
    /* Releases everything open() acquired. Never fails. */
    void (*close)(struct store *s);
    /* Upserts n rows of ds, all or nothing where the backend can (SQLite: one
     * transaction; the others: idempotent, so a retry completes the work).
     * A stored row is replaced unless its `updated` is newer than the new
     * row's. When done_key is non-NULL it is recorded as complete for ds
     * after (and, in SQLite, atomically with) the rows. */
    int (*write)(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                 const char *done_key, struct err *e);
    /* *done = 1 if done_key was recorded for ds by write(), else 0. */
    int (*is_done)(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                   struct err *e);
    /* Calls fn for every row matching q, in ascending start order (rows with
     * equal start in any order). */
    int (*scan)(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                struct err *e);
    /* Optional (NULL: computed from scan). Sums per group for q; *out is
     * owned by the caller (free()), sorted by group name. */
    int (*totals)(struct store *s, const struct store_query *q, struct store_total **out, size_t *n,
                  struct err *e);
    /* Optional (NULL: computed from scan). One entry per area x group of ds,
     * sorted by area then group; *out owned by the caller (free()). */
    int (*summary)(struct store *s, const struct dataset *ds, struct store_summary **out, size_t *n,
                   struct err *e);
    /* Optional (NULL: unknown). See store_data_version. */
    int (*data_version)(struct store *s, uint64_t *version, int *known, struct err *e);
};

struct store {
    const struct store_ops *ops;
    void *impl;         /* the backend's state */
    char uri_safe[512]; /* the URI with any password replaced by "***" */
};

/* The backends, defined one per file. */
extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_cassandra_ops;
extern const struct store_ops store_mongo_ops;

/* The default store URI: $ELHUB_STORE, else "sqlite:elhub.db". Static or
 * environment storage; do not free. */
const char *store_default_uri(void);

/* Picks the backend by the URI's scheme ("sqlite:", "cassandra://",
 * "mongodb://", "mongodb+srv://") and opens it. On success *out is a heap
 * object the caller frees with store_free. */
int store_open(const char *uri, struct store **out, struct err *e);
void store_free(struct store *s); /* NULL is a no-op */

/* Copies uri to out (size n) with the password of any "user:pass@" part
 * replaced by "***", for logs and error messages. */
void store_redact_uri(const char *uri, char *out, size_t n);

int store_write(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                const char *done_key, struct err *e);
int store_is_done(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                  struct err *e);
int store_scan(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
               struct err *e);
/* Sums per group, sorted by group; *out owned by the caller (free()). */
int store_totals(struct store *s, const struct store_query *q, struct store_total **out, size_t *n,
                 struct err *e);
/* Per area x group, sorted; *out owned by the caller (free()). */
int store_summary(struct store *s, const struct dataset *ds, struct store_summary **out, size_t *n,
                  struct err *e);

/* A number that changes whenever the stored data may have changed through
 * another connection or process, so a reader can keep results derived from
 * the data (the dashboard's response cache) until it moves. *known = 0 when
 * the backend cannot tell; callers then expire such results by time.
 * SQLite answers with PRAGMA data_version (cheap: no table is read). */
int store_data_version(struct store *s, uint64_t *version, int *known, struct err *e);

/* Per-group sums built in C, for backends whose totals add rows up as they
 * scan them. Zero-initialise, pass store_totals_add as the store_row_fn with
 * the accumulator as ctx, then store_totals_finish hands the array (owned by
 * the caller, free()) over sorted by group, and empties acc. */
struct store_totals_acc {
    struct store_total *t;
    size_t n, cap;
};
int store_totals_add(const struct record *r, void *acc);
void store_totals_finish(struct store_totals_acc *acc, struct store_total **out, size_t *n);
/* Sorts totals by group name (byte order), as every backend returns them. */
void store_totals_sort(struct store_total *t, size_t n);

/* A time series bucketed on the Oslo calendar. */
struct store_point {
    int64_t t;     /* bucket start (UTC) */
    double value;  /* sum of the hours present */
    int32_t hours; /* hours present in the bucket */
};

struct store_group_series {
    char group[LIMIT_NAME];
    struct store_point *pts; /* ascending t */
    size_t n, cap;
};

struct store_series {
    struct store_group_series *g; /* sorted by group name */
    size_t ng, cap;
};

/* Scans q and sums the rows into buckets of `step` on the Oslo calendar.
 * Groups named in q but without rows still appear, empty. Fills out (caller
 * storage, released with store_series_release even on failure). */
int store_series(struct store *s, const struct store_query *q, enum timeutil_step step,
                 struct store_series *out, struct err *e);
void store_series_release(struct store_series *out);

#endif
