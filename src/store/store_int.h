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
     * journals the days each write touches in the meta table, so the next
     * write rebuilds the rollups an interrupted one left. */
    int transactional;
    /* 1 if a scan narrowed to one area costs less than one over every area
     * (SQLite's key and Cassandra's partitions start with the area); 0 if
     * the same (MongoDB reads a time range by its starttime index, FerretDB
     * scans its table either way), so store.c reads the rollups and rows a
     * write needs for every area in one query. */
    int area_scans;
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
     * rows come checked, in key order (area, start, group), each key once.
     * changed[0..n) comes all 1; a backend that can tell clears the entry
     * of each row that left the stored row as it was (the same, or the
     * stored one newer), so its day's rollup is not recomputed. */
    int (*put_rows)(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                    unsigned char *changed, struct err *e);
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
    int bracket;        /* inside store_begin..store_commit (a transaction) */
    char uri_safe[512]; /* the URI with any password replaced by "***" */
};

/* The one check of a URI's authority (the n bytes after "scheme://", up
 * to the path): at most one '@', as RFC 3986 wants an '@' inside the user
 * name or password written %40. Made before anything resolves a host, so
 * a password's tail never becomes a host name; the message shows nothing
 * of the password. ERR_USAGE. */
int store_check_authority(const char *scheme, const char *auth, size_t n, struct err *e);

/* The backends, defined one per file. */
extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_cassandra_ops;
extern const struct store_ops store_mongo_ops;

#endif
