/* store_sqlite: the embedded default backend. One WAL-mode SQLite file:
 * one table per dataset keyed like the seed's Cassandra table
 * (pricearea, starttime, productiongroup) with times as integer UTC
 * seconds; beside it, the dataset's day and month rollups
 * (<dataset>_daily, <dataset>_monthly); a fetch_log of completed fetch
 * windows; and elhub_meta (the rollup version). Every table is created from
 * the dataset row's column names. A write (rows, rollups, done-key) is one
 * transaction, bracketed by store.c through begin/commit. */
#include "store/store_int.h"

#include "buf.h"
#include "mem.h"
#include "timeutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sqlite_store {
    sqlite3 *db;
    char path[4096];
    /* Per dataset_all entry: its tables are missing. Only a store opened
     * for reading can lack some (one written before the dataset existed):
     * such a dataset then holds no rows. */
    unsigned char *missing;
};

static int ds_missing(const struct sqlite_store *st, const struct dataset *ds)
{
    size_t i = (size_t)(ds - dataset_all);
    return i < dataset_count && st->missing[i];
}

static int sql_err(struct err *e, sqlite3 *db, int rc, const char *what)
{
    return err_set(e, ERR_SQLITE, rc, "sqlite: %s: %s", what,
                   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sql_err(e, db, rc, sql);
    return 0;
}

static const char *level_table(enum store_level level)
{
    return level == STORE_DAY ? "daily" : "monthly";
}

static const char *level_col(enum store_level level)
{
    return level == STORE_DAY ? "day" : "month";
}

static int create_schema(sqlite3 *db, struct err *e)
{
    char sql[1024];
    for (size_t i = 0; i < dataset_count; i++) {
        const struct dataset *ds = &dataset_all[i];
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS %s ("
                 " %s TEXT NOT NULL,"
                 " %s INTEGER NOT NULL,"
                 " %s TEXT NOT NULL,"
                 " %s INTEGER NOT NULL,"
                 " %s REAL NOT NULL,"
                 " %s INTEGER NOT NULL DEFAULT 0,"
                 " meteringpointcount INTEGER,"
                 " PRIMARY KEY (%s, %s, %s)) WITHOUT ROWID",
                 ds->name, ds->area_col, ds->time_col, ds->group_col, ds->end_col, ds->value_col,
                 ds->update_col, ds->area_col, ds->time_col, ds->group_col);
        if (exec(db, sql, e) < 0)
            return -1;
        for (int l = STORE_DAY; l <= STORE_MONTH; l++) {
            snprintf(sql, sizeof sql,
                     "CREATE TABLE IF NOT EXISTS %s_%s ("
                     " %s TEXT NOT NULL, %s INTEGER NOT NULL, %s TEXT NOT NULL,"
                     " %s REAL NOT NULL, sum0 INTEGER NOT NULL, sum1 INTEGER NOT NULL,"
                     " sum2 INTEGER NOT NULL, hours INTEGER NOT NULL, firsttime INTEGER NOT NULL,"
                     " lasttime INTEGER NOT NULL, %s INTEGER NOT NULL,"
                     " PRIMARY KEY (%s, %s, %s)) WITHOUT ROWID",
                     ds->name, level_table((enum store_level)l), ds->area_col,
                     level_col((enum store_level)l), ds->group_col, ds->value_col, ds->update_col,
                     ds->area_col, level_col((enum store_level)l), ds->group_col);
            if (exec(db, sql, e) < 0)
                return -1;
        }
    }
    return exec(db,
                "CREATE TABLE IF NOT EXISTS fetch_log ("
                " dataset TEXT NOT NULL, key TEXT NOT NULL, rows INTEGER NOT NULL,"
                " fetched_at INTEGER NOT NULL, PRIMARY KEY (dataset, key)) WITHOUT ROWID;"
                "CREATE TABLE IF NOT EXISTS elhub_meta ("
                " key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
                e);
}

/* Whether every table a reader needs is there (a read never creates one:
 * a SQLite file of another program is refused, not changed). */
static int check_schema(sqlite3 *db, const char *path, unsigned char *missing, struct err *e)
{
    sqlite3_stmt *st;
    int rc, n = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st,
                           NULL) != SQLITE_OK)
        return sql_err(e, db, sqlite3_errcode(db), "reading the schema");
    /* A dataset without its rows' table (a store written before the
     * dataset existed) holds no rows; missing rollup tables of one that has
     * rows are built by the first open (store.c), so only the rows' table
     * counts here. */
    memset(missing, 1, dataset_count);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; name && i < dataset_count; i++) {
            if (strcmp(name, dataset_all[i].name) == 0) {
                n++;
                missing[i] = 0;
            }
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_err(e, db, rc, "reading the schema");
    if (n == 0)
        return err_set(e, ERR_DATA, 0,
                       "%s is a SQLite file but not an elhub store (no production or consumption "
                       "table)",
                       path);
    return 0;
}

static int open_sqlite(struct store *s, const char *uri, enum store_mode mode, struct err *e)
{
    struct sqlite_store *st;
    const char *path = uri + strlen("sqlite:");
    struct stat sb;
    int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    if (!*path)
        return err_set(e, ERR_USAGE, 0, "store \"%s\": expected sqlite:PATH", uri);
    if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return err_set(e, ERR_USAGE, 0,
                       "store \"%s\": in-memory and file: URI databases are not stores (what is "
                       "written would be lost or land elsewhere); give a file path: sqlite:PATH",
                       uri);
    if (mode == STORE_READ && stat(path, &sb) != 0)
        return err_set(e, ERR_SYS, 0,
                       "no store at %s (sqlite:%s does not exist; fill one with 'elhub import' "
                       "or 'elhub fetch')",
                       path, path);
    if (mode == STORE_WRITE)
        flags |= SQLITE_OPEN_CREATE;
    st = xcalloc(1, sizeof *st);
    st->missing = xcalloc(dataset_count, 1);
    snprintf(st->path, sizeof st->path, "%s", path);
    rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_SQLITE, rc, "cannot open SQLite store %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if (mode == STORE_WRITE) {
        if (exec(st->db, "PRAGMA journal_mode=WAL", e) < 0 ||
            exec(st->db, "PRAGMA synchronous=NORMAL", e) < 0 || create_schema(st->db, e) < 0) {
            err_prefix(e, "cannot use SQLite store %s", path);
            goto fail;
        }
    } else if (check_schema(st->db, path, st->missing, e) < 0 ||
               exec(st->db, "PRAGMA query_only=1", e) < 0) {
        err_prefix(e, "cannot read SQLite store %s", path);
        goto fail;
    }
    s->impl = st;
    return 0;
fail:
    sqlite3_close(st->db);
    free(st->missing);
    free(st);
    return -1;
}

static void close_sqlite(struct store *s)
{
    struct sqlite_store *st = s->impl;
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st->missing);
    free(st);
    s->impl = NULL;
}

static int begin_sqlite(struct store *s, struct err *e)
{
    return exec(((struct sqlite_store *)s->impl)->db, "BEGIN IMMEDIATE", e);
}

static int commit_sqlite(struct store *s, struct err *e)
{
    return exec(((struct sqlite_store *)s->impl)->db, "COMMIT", e);
}

static void rollback_sqlite(struct store *s)
{
    sqlite3_exec(((struct sqlite_store *)s->impl)->db, "ROLLBACK", NULL, NULL, NULL);
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, struct err *e)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
    if (rc != SQLITE_OK)
        return sql_err(e, db, rc, "prepare");
    return 0;
}

/* Rows per INSERT statement: one statement carrying many rows costs SQLite
 * far less per row than a step per row (7 parameters each, well under
 * SQLITE_MAX_VARIABLE_NUMBER). */
#define SQLITE_ROWS_PER_STMT 64

/* Prepares the upsert for `rows` rows. A stored row is replaced unless it
 * was updated later than the new one: re-fetches replace revised values, and
 * replays change nothing. */
static int prepare_upsert(sqlite3 *db, const struct dataset *ds, size_t rows, sqlite3_stmt **out,
                          struct err *e)
{
    struct buf sql;
    int rc;

    buf_init(&sql, 64 * 1024);
    rc = buf_printf(&sql, "INSERT INTO %s (%s, %s, %s, %s, %s, %s, meteringpointcount) VALUES ",
                    ds->name, ds->area_col, ds->time_col, ds->group_col, ds->end_col, ds->value_col,
                    ds->update_col);
    for (size_t i = 0; i < rows; i++)
        rc |= buf_puts(&sql, i ? ",(?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?)");
    rc |= buf_printf(&sql,
                     " ON CONFLICT (%s, %s, %s) DO UPDATE SET"
                     " %s = excluded.%s, %s = excluded.%s, %s = excluded.%s,"
                     " meteringpointcount = excluded.meteringpointcount"
                     " WHERE excluded.%s >= %s.%s",
                     ds->area_col, ds->time_col, ds->group_col, ds->end_col, ds->end_col,
                     ds->value_col, ds->value_col, ds->update_col, ds->update_col, ds->update_col,
                     ds->name, ds->update_col);
    if (rc) {
        buf_release(&sql);
        return err_set(e, ERR_SQLITE, 0, "upsert statement too long");
    }
    rc = prepare(db, sql.p, out, e);
    buf_release(&sql);
    return rc;
}

static void bind_record(sqlite3_stmt *st, int base, const struct record *r)
{
    sqlite3_bind_text(st, base + 1, r->area, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 2, r->start);
    sqlite3_bind_text(st, base + 3, r->group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 4, r->end);
    sqlite3_bind_double(st, base + 5, r->value);
    sqlite3_bind_int64(st, base + 6, r->updated);
    if (r->count >= 0)
        sqlite3_bind_int64(st, base + 7, r->count);
    else
        sqlite3_bind_null(st, base + 7);
}

/* Runs stmt once with the k rows rows[0..k) bound. */
static int step_rows(sqlite3 *db, sqlite3_stmt *stmt, const struct record *rows, size_t k,
                     struct err *e)
{
    int rc;
    for (size_t i = 0; i < k; i++)
        bind_record(stmt, (int)i * 7, &rows[i]);
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return sql_err(e, db, rc, "insert");
    return 0;
}

static int put_rows_sqlite(struct store *s, const struct dataset *ds, const struct record *rows,
                           size_t n, unsigned char *changed, struct err *e)
{
    (void)changed; /* cannot tell: every row counts as changed */
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *many = NULL, *one = NULL;
    size_t i = 0;
    int ret = -1;

    if (n >= SQLITE_ROWS_PER_STMT) {
        if (prepare_upsert(st->db, ds, SQLITE_ROWS_PER_STMT, &many, e) < 0)
            goto out;
        for (; n - i >= SQLITE_ROWS_PER_STMT; i += SQLITE_ROWS_PER_STMT)
            if (step_rows(st->db, many, rows + i, SQLITE_ROWS_PER_STMT, e) < 0)
                goto out;
    }
    if (i < n) {
        if (prepare_upsert(st->db, ds, 1, &one, e) < 0)
            goto out;
        for (; i < n; i++)
            if (step_rows(st->db, one, rows + i, 1, e) < 0)
                goto out;
    }
    ret = 0;
out:
    sqlite3_finalize(many);
    sqlite3_finalize(one);
    return ret;
}

/* Rollups per INSERT statement (11 parameters each). */
#define SQLITE_ROLLUPS_PER_STMT 32

static int prepare_rollup_insert(sqlite3 *db, const struct dataset *ds, enum store_level level,
                                 size_t rows, sqlite3_stmt **out, struct err *e)
{
    struct buf sql;
    int rc;
    buf_init(&sql, 64 * 1024);
    rc = buf_printf(&sql,
                    "INSERT OR REPLACE INTO %s_%s (%s, %s, %s, %s, sum0, sum1, sum2, hours,"
                    " firsttime, lasttime, %s) VALUES ",
                    ds->name, level_table(level), ds->area_col, level_col(level), ds->group_col,
                    ds->value_col, ds->update_col);
    for (size_t i = 0; i < rows; i++)
        rc |= buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?)");
    if (rc) {
        buf_release(&sql);
        return err_set(e, ERR_SQLITE, 0, "rollup statement too long");
    }
    rc = prepare(db, sql.p, out, e);
    buf_release(&sql);
    return rc;
}

static void bind_rollup(sqlite3_stmt *st, int base, const struct store_rollup *r)
{
    int64_t w[3];
    xsum_to_words(&r->sum, w);
    sqlite3_bind_text(st, base + 1, r->area, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 2, r->t);
    sqlite3_bind_text(st, base + 3, r->group, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, base + 4, xsum_value(&r->sum));
    sqlite3_bind_int64(st, base + 5, w[0]);
    sqlite3_bind_int64(st, base + 6, w[1]);
    sqlite3_bind_int64(st, base + 7, w[2]);
    sqlite3_bind_int64(st, base + 8, r->hours);
    sqlite3_bind_int64(st, base + 9, r->first);
    sqlite3_bind_int64(st, base + 10, r->last);
    sqlite3_bind_int64(st, base + 11, r->updated);
}

static int put_rollups_sqlite(struct store *s, const struct dataset *ds, enum store_level level,
                              const struct store_rollup *r, size_t n, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *many = NULL, *one = NULL;
    size_t i = 0;
    int rc, ret = -1;

    if (n >= SQLITE_ROLLUPS_PER_STMT &&
        prepare_rollup_insert(st->db, ds, level, SQLITE_ROLLUPS_PER_STMT, &many, e) < 0)
        goto out;
    for (; many && n - i >= SQLITE_ROLLUPS_PER_STMT; i += SQLITE_ROLLUPS_PER_STMT) {
        for (size_t k = 0; k < SQLITE_ROLLUPS_PER_STMT; k++)
            bind_rollup(many, (int)k * 11, &r[i + k]);
        rc = sqlite3_step(many);
        sqlite3_reset(many);
        if (rc != SQLITE_DONE) {
            sql_err(e, st->db, rc, "rollups");
            goto out;
        }
    }
    if (i < n && prepare_rollup_insert(st->db, ds, level, 1, &one, e) < 0)
        goto out;
    for (; i < n; i++) {
        bind_rollup(one, 0, &r[i]);
        rc = sqlite3_step(one);
        sqlite3_reset(one);
        if (rc != SQLITE_DONE) {
            sql_err(e, st->db, rc, "rollups");
            goto out;
        }
    }
    ret = 0;
out:
    sqlite3_finalize(many);
    sqlite3_finalize(one);
    return ret;
}

static int clear_rollups_sqlite(struct store *s, const struct dataset *ds, struct err *e)
{
    struct sqlite_store *st = s->impl;
    char sql[256];
    for (int l = STORE_DAY; l <= STORE_MONTH; l++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s_%s", ds->name, level_table((enum store_level)l));
        if (exec(st->db, sql, e) < 0)
            return -1;
    }
    return 0;
}

static int put_done_sqlite(struct store *s, const struct dataset *ds, const char *done_key,
                           size_t rows, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *log = NULL;
    int rc;
    if (prepare(st->db,
                "INSERT OR REPLACE INTO fetch_log (dataset, key, rows, fetched_at)"
                " VALUES (?1, ?2, ?3, strftime('%s','now'))",
                &log, e) < 0)
        return -1;
    sqlite3_bind_text(log, 1, ds->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(log, 2, done_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(log, 3, (sqlite3_int64)rows);
    rc = sqlite3_step(log);
    sqlite3_finalize(log);
    if (rc != SQLITE_DONE)
        return sql_err(e, st->db, rc, "fetch_log");
    return 0;
}

static int is_done_sqlite(struct store *s, const struct dataset *ds, const char *done_key,
                          int *done, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *q = NULL;
    int rc;

    *done = 0;
    if (prepare(st->db, "SELECT 1 FROM fetch_log WHERE dataset = ?1 AND key = ?2", &q, e) < 0)
        return -1;
    sqlite3_bind_text(q, 1, ds->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, done_key, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *done = 1;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_err(e, st->db, rc, "fetch_log");
    return 0;
}

/* Builds "HEAD FROM TABLE WHERE TIME >= ?1 AND TIME < ?2 [AND area = ?3]
 * [AND group IN (?4, ...)] TAIL" for q and binds it after preparing. */
static int prepare_query(struct sqlite_store *st, const struct store_query *q, const char *head,
                         const char *table, const char *time_col, const char *tail,
                         sqlite3_stmt **out, struct err *e)
{
    struct buf sql;
    int rc, param = 3;

    *out = NULL;
    buf_init(&sql, 64 * 1024);
    rc = buf_printf(&sql, "%s FROM %s WHERE %s >= ?1 AND %s < ?2", head, table, time_col, time_col);
    if (q->area)
        rc |= buf_printf(&sql, " AND %s = ?%d", q->ds->area_col, param++);
    if (q->ngroups) {
        rc |= buf_printf(&sql, " AND %s IN (", q->ds->group_col);
        for (size_t i = 0; i < q->ngroups; i++)
            rc |= buf_printf(&sql, "%s?%d", i ? ", " : "", param++);
        rc |= buf_puts(&sql, ")");
    }
    rc |= buf_printf(&sql, " %s", tail);
    if (rc) {
        buf_release(&sql);
        return err_set(e, ERR_USAGE, 0, "query too large (%zu groups)", q->ngroups);
    }
    rc = prepare(st->db, sql.p, out, e);
    buf_release(&sql);
    if (rc < 0)
        return -1;
    sqlite3_bind_int64(*out, 1, q->from);
    sqlite3_bind_int64(*out, 2, q->to);
    param = 3;
    if (q->area)
        sqlite3_bind_text(*out, param++, q->area, -1, SQLITE_STATIC);
    for (size_t i = 0; i < q->ngroups; i++)
        sqlite3_bind_text(*out, param++, q->groups[i], -1, SQLITE_STATIC);
    return 0;
}

/* Copies a name column into dst[LIMIT_NAME], cut to fit (every row of
 * every read comes through here). */
static void copy_text(char *dst, sqlite3_stmt *stmt, int col)
{
    const unsigned char *t = sqlite3_column_text(stmt, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
    n = n < LIMIT_NAME - 1 ? n : LIMIT_NAME - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

/* The end of a scan's loop: the callback's stop code, or -1 if the last
 * step failed; finalizes stmt either way. */
static int end_scan(sqlite3 *db, sqlite3_stmt *stmt, int rc, int stop, const char *what,
                    struct err *e)
{
    if (!stop && rc != SQLITE_DONE) {
        sql_err(e, db, rc, what);
        sqlite3_finalize(stmt);
        return -1;
    }
    sqlite3_finalize(stmt);
    return stop;
}

static int scan_sqlite(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                       struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    char head[512];
    int rc, stop = 0;

    if (ds_missing(st, q->ds))
        return 0;
    snprintf(head, sizeof head, "SELECT %s, %s, %s, %s, %s, %s, meteringpointcount",
             q->ds->area_col, q->ds->group_col, q->ds->time_col, q->ds->end_col, q->ds->value_col,
             q->ds->update_col);
    /* Rows of equal start by area, then group: the same order from every
     * backend, so exports are byte-identical. */
    if (prepare_query(st, q, head, q->ds->name, q->ds->time_col,
                      q->area ? "ORDER BY 3, 2" : "ORDER BY 3, 1, 2", &stmt, e) < 0)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct record r;
        copy_text(r.area, stmt, 0);
        copy_text(r.group, stmt, 1);
        r.start = sqlite3_column_int64(stmt, 2);
        r.end = sqlite3_column_int64(stmt, 3);
        r.value = sqlite3_column_double(stmt, 4);
        r.updated = sqlite3_column_int64(stmt, 5);
        r.count = sqlite3_column_type(stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 6);
        stop = fn(&r, ctx);
        if (stop)
            break;
    }
    return end_scan(st->db, stmt, rc, stop, "scan", e);
}

static int scan_rollups_sqlite(struct store *s, enum store_level level, const struct store_query *q,
                               store_rollup_fn fn, void *ctx, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    char head[512], table[128];
    int rc, stop = 0;

    if (ds_missing(st, q->ds))
        return 0;
    snprintf(head, sizeof head,
             "SELECT %s, %s, %s, sum0, sum1, sum2, hours, firsttime, lasttime, %s", q->ds->area_col,
             q->ds->group_col, level_col(level), q->ds->update_col);
    snprintf(table, sizeof table, "%s_%s", q->ds->name, level_table(level));
    if (prepare_query(st, q, head, table, level_col(level), "", &stmt, e) < 0)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_rollup r;
        int64_t w[3];
        copy_text(r.area, stmt, 0);
        copy_text(r.group, stmt, 1);
        r.t = sqlite3_column_int64(stmt, 2);
        w[0] = sqlite3_column_int64(stmt, 3);
        w[1] = sqlite3_column_int64(stmt, 4);
        w[2] = sqlite3_column_int64(stmt, 5);
        xsum_from_words(&r.sum, w);
        r.hours = sqlite3_column_int64(stmt, 6);
        r.first = sqlite3_column_int64(stmt, 7);
        r.last = sqlite3_column_int64(stmt, 8);
        r.updated = sqlite3_column_int64(stmt, 9);
        stop = fn(&r, ctx);
        if (stop)
            break;
    }
    return end_scan(st->db, stmt, rc, stop, "rollups", e);
}

static int get_meta_sqlite(struct store *s, const char *key, char *value, size_t n, int *found,
                           struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *q = NULL;
    int rc;

    *found = 0;
    if (n)
        value[0] = '\0';
    rc = sqlite3_prepare_v2(st->db, "SELECT value FROM elhub_meta WHERE key = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        /* A store of an older elhub (or another tool) has no elhub_meta. */
        sqlite3_finalize(q);
        if (strstr(sqlite3_errmsg(st->db), "no such table"))
            return 0;
        return sql_err(e, st->db, rc, "elhub_meta");
    }
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(q, 0);
        snprintf(value, n, "%s", v ? (const char *)v : "");
        *found = 1;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_err(e, st->db, rc, "elhub_meta");
    return 0;
}

static int put_meta_sqlite(struct store *s, const char *key, const char *value, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *q = NULL;
    int rc;
    if (prepare(st->db, "INSERT OR REPLACE INTO elhub_meta (key, value) VALUES (?1, ?2)", &q, e) <
        0)
        return -1;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return sql_err(e, st->db, rc, "elhub_meta");
    return 0;
}

/* PRAGMA data_version: cheap (no table is read), and it moves whenever
 * another connection or process commits. */
static int data_version_sqlite(struct store *s, uint64_t *version, int *known, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    int rc;

    *version = 0;
    *known = 1;
    if (prepare(st->db, "PRAGMA data_version", &stmt, e) < 0)
        return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *version = (uint64_t)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        return sql_err(e, st->db, rc, "data_version");
    return 0;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .transactional = 1,
    .area_scans = 1,
    .open = open_sqlite,
    .close = close_sqlite,
    .begin = begin_sqlite,
    .commit = commit_sqlite,
    .rollback = rollback_sqlite,
    .put_rows = put_rows_sqlite,
    .put_rollups = put_rollups_sqlite,
    .clear_rollups = clear_rollups_sqlite,
    .put_done = put_done_sqlite,
    .is_done = is_done_sqlite,
    .scan = scan_sqlite,
    .scan_rollups = scan_rollups_sqlite,
    .get_meta = get_meta_sqlite,
    .put_meta = put_meta_sqlite,
    .data_version = data_version_sqlite,
};
