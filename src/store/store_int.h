/* store_int: the inside of the storage interface, for the backends
 * (store_sqlite.c, store_cassandra.c, store_mongo.c) and store.c only,
 * as SQLite keeps btreeInt.h apart from btree.h. A backend is one table of
 * function pointers; store.c builds everything callers see (the write with
 * its rollups, rebuilds, checks) on top of these few operations. */
#ifndef ELHUB_STORE_INT_H
#define ELHUB_STORE_INT_H

#include "store/store.h"

/* The version of the rollup tables' content. A store whose recorded
 * version differs gets its rollups rebuilt (store.c). */
#define STORE_ROLLUP_VERSION "1"

struct store_ops {
    const char *name; /* "sqlite", "cassandra", "mongodb" */
    /* 1 if begin/commit make the rows, rollups and done-key of one write
     * atomic (SQLite). The others are idempotent instead, and store.c
     * recomputes rollups from the rows it reads back. */
    int transactional;
    /* Opens the store named by uri (scheme included). STORE_WRITE creates
     * what is missing (schema included); STORE_READ creates nothing and
     * fails on a missing store. On success s->impl is set. */
    int (*open)(struct store *s, const char *uri, enum store_mode mode, struct err *e);
    /* Releases everything open() acquired. Never fails. */
    void (*close)(struct store *s);
    /* Optional (transactional backends): one write's brackets. */
    int (*begin)(struct store *s, struct err *e);
    int (*commit)(struct store *s, struct err *e);
    void (*rollback)(struct store *s);
    /* Upserts rows (newer or equal `updated` wins; see store_write). The
     * rows come checked, in key order (area, start, group), each key once. */
    int (*put_rows)(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                    struct err *e);
    /* Replaces the rollups r[0..n) of level (keyed by area, group, t). */
    int (*put_rollups)(struct store *s, const struct dataset *ds, enum store_level level,
                       const struct store_rollup *r, size_t n, struct err *e);
    /* Deletes every rollup of ds (a rebuild starts from none). */
    int (*clear_rollups)(struct store *s, const struct dataset *ds, struct err *e);
    /* Records done_key for ds, with the rows it carried. */
    int (*put_done)(struct store *s, const struct dataset *ds, const char *done_key, size_t rows,
                    struct err *e);
    int (*is_done)(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                   struct err *e);
    /* See store_scan and store_scan_rollups. */
    int (*scan)(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                struct err *e);
    int (*scan_rollups)(struct store *s, enum store_level level, const struct store_query *q,
                        store_rollup_fn fn, void *ctx, struct err *e);
    /* A small key -> value table of the store's own (the rollup version).
     * get: *found 0 if absent; value is NUL-terminated, cut to n bytes. */
    int (*get_meta)(struct store *s, const char *key, char *value, size_t n, int *found,
                    struct err *e);
    int (*put_meta)(struct store *s, const char *key, const char *value, struct err *e);
    /* Optional (NULL: unknown). See store_data_version. */
    int (*data_version)(struct store *s, uint64_t *version, int *known, struct err *e);
};

struct store {
    const struct store_ops *ops;
    void *impl; /* the backend's state */
    enum store_mode mode;
    char uri_safe[512]; /* the URI with any password replaced by "***" */
};

/* The backends, defined one per file. */
extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_cassandra_ops;
extern const struct store_ops store_mongo_ops;

#endif
