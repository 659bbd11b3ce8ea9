/* store_sqlite: the embedded default backend. One WAL-mode SQLite file, one
 * table per dataset keyed like the seed's Cassandra table
 * (pricearea, starttime, productiongroup), times as integer UTC seconds, and
 * a fetch_log table of completed fetch windows written in the same
 * transaction as their rows. */
#include "store/store.h"

#include "buf.h"
#include "mem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
    sqlite3 *db;
    char path[4096];
};

static int sql_err(struct err *e, sqlite3 *db, int rc, const char *what)
{
    return err_set(e, ERR_SQLITE, rc, "sqlite: %s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sql_err(e, db, rc, sql);
    return 0;
}

static int create_schema(sqlite3 *db, struct err *e)
{
    char sql[1024];
    for (size_t i = 0; i < dataset_count; i++) {
        const struct dataset *ds = &dataset_all[i];
        snprintf(sql, sizeof sql,
                 "CREATE TABLE IF NOT EXISTS %s ("
                 " pricearea TEXT NOT NULL,"
                 " starttime INTEGER NOT NULL,"
                 " %s TEXT NOT NULL,"
                 " endtime INTEGER NOT NULL,"
                 " quantitykwh REAL NOT NULL,"
                 " lastupdatedtime INTEGER NOT NULL DEFAULT 0,"
                 " meteringpointcount INTEGER,"
                 " PRIMARY KEY (pricearea, starttime, %s)) WITHOUT ROWID",
                 ds->name, ds->group_col, ds->group_col);
        if (exec(db, sql, e) < 0)
            return -1;
    }
    return exec(db,
                "CREATE TABLE IF NOT EXISTS fetch_log ("
                " dataset TEXT NOT NULL, key TEXT NOT NULL, rows INTEGER NOT NULL,"
                " fetched_at INTEGER NOT NULL, PRIMARY KEY (dataset, key)) WITHOUT ROWID",
                e);
}

static int open_sqlite(struct store *s, const char *uri, struct err *e)
{
    struct sqlite_store *st;
    const char *path = uri + strlen("sqlite:");
    int rc;

    if (!*path)
        return err_set(e, ERR_USAGE, 0, "store \"%s\": expected sqlite:PATH", uri);
    st = xcalloc(1, sizeof *st);
    snprintf(st->path, sizeof st->path, "%s", path);
    rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_SQLITE, rc, "cannot open SQLite store %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if (exec(st->db, "PRAGMA journal_mode=WAL", e) < 0 ||
        exec(st->db, "PRAGMA synchronous=NORMAL", e) < 0 || create_schema(st->db, e) < 0) {
        err_prefix(e, "cannot use SQLite store %s", path);
        goto fail;
    }
    s->impl = st;
    return 0;
fail:
    sqlite3_close(st->db);
    free(st);
    return -1;
}

static void close_sqlite(struct store *s)
{
    struct sqlite_store *st = s->impl;
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st);
    s->impl = NULL;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, struct err *e)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
    if (rc != SQLITE_OK)
        return sql_err(e, db, rc, "prepare");
    return 0;
}

static int write_sqlite(struct store *s, const struct dataset *ds, const struct record *rows,
                        size_t n, const char *done_key, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *ins = NULL, *log = NULL;
    char sql[1024];
    int rc, ret = -1;

    /* A stored row is replaced unless it was updated later than the new one:
     * re-fetches replace revised values, and replays change nothing. */
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (pricearea, starttime, %s, endtime, quantitykwh, lastupdatedtime,"
             " meteringpointcount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
             " ON CONFLICT (pricearea, starttime, %s) DO UPDATE SET"
             " endtime = excluded.endtime, quantitykwh = excluded.quantitykwh,"
             " lastupdatedtime = excluded.lastupdatedtime,"
             " meteringpointcount = excluded.meteringpointcount"
             " WHERE excluded.lastupdatedtime >= %s.lastupdatedtime",
             ds->name, ds->group_col, ds->group_col, ds->name);
    if (exec(st->db, "BEGIN IMMEDIATE", e) < 0)
        return -1;
    if (prepare(st->db, sql, &ins, e) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct record *r = &rows[i];
        sqlite3_bind_text(ins, 1, r->area, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, r->start);
        sqlite3_bind_text(ins, 3, r->group, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 4, r->end);
        sqlite3_bind_double(ins, 5, r->kwh);
        sqlite3_bind_int64(ins, 6, r->updated);
        if (r->meter_count >= 0)
            sqlite3_bind_int64(ins, 7, r->meter_count);
        else
            sqlite3_bind_null(ins, 7);
        rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE) {
            sql_err(e, st->db, rc, "insert");
            goto out;
        }
        sqlite3_reset(ins);
    }
    if (done_key) {
        if (prepare(st->db,
                    "INSERT OR REPLACE INTO fetch_log (dataset, key, rows, fetched_at)"
                    " VALUES (?1, ?2, ?3, strftime('%s','now'))",
                    &log, e) < 0)
            goto out;
        sqlite3_bind_text(log, 1, ds->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(log, 2, done_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(log, 3, (sqlite3_int64)n);
        rc = sqlite3_step(log);
        if (rc != SQLITE_DONE) {
            sql_err(e, st->db, rc, "fetch_log");
            goto out;
        }
    }
    if (exec(st->db, "COMMIT", e) < 0)
        goto out;
    ret = 0;
out:
    sqlite3_finalize(ins);
    sqlite3_finalize(log);
    if (ret < 0)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return ret;
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

/* Builds "WHERE starttime >= ?1 AND starttime < ?2 [AND pricearea = ?3]
 * [AND group IN (?4, ...)]" for q and binds it after preparing. */
static int prepare_query(struct sqlite_store *st, const struct store_query *q, const char *head,
                         const char *tail, sqlite3_stmt **out, struct err *e)
{
    struct buf sql;
    int rc, param = 3;

    *out = NULL;
    buf_init(&sql, 64 * 1024);
    rc = buf_printf(&sql, "%s FROM %s WHERE starttime >= ?1 AND starttime < ?2", head, q->ds->name);
    if (q->area)
        rc |= buf_printf(&sql, " AND pricearea = ?%d", param++);
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

static void copy_text(char *dst, sqlite3_stmt *stmt, int col)
{
    const unsigned char *t = sqlite3_column_text(stmt, col);
    snprintf(dst, LIMIT_NAME, "%s", t ? (const char *)t : "");
}

static int scan_sqlite(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                       struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    char head[256];
    int rc, stop = 0;

    snprintf(head, sizeof head,
             "SELECT pricearea, %s, starttime, endtime, quantitykwh, lastupdatedtime,"
             " meteringpointcount",
             q->ds->group_col);
    if (prepare_query(st, q, head, "ORDER BY starttime", &stmt, e) < 0)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct record r;
        copy_text(r.area, stmt, 0);
        copy_text(r.group, stmt, 1);
        r.start = sqlite3_column_int64(stmt, 2);
        r.end = sqlite3_column_int64(stmt, 3);
        r.kwh = sqlite3_column_double(stmt, 4);
        r.updated = sqlite3_column_int64(stmt, 5);
        r.meter_count = sqlite3_column_type(stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 6);
        stop = fn(&r, ctx);
        if (stop)
            break;
    }
    if (!stop && rc != SQLITE_DONE) {
        sql_err(e, st->db, rc, "scan");
        sqlite3_finalize(stmt);
        return -1;
    }
    sqlite3_finalize(stmt);
    return stop;
}

static int totals_sqlite(struct store *s, const struct store_query *q, struct store_total **out,
                         size_t *n, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    char head[256], tail[128];
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(head, sizeof head, "SELECT %s, SUM(quantitykwh), COUNT(*)", q->ds->group_col);
    snprintf(tail, sizeof tail, "GROUP BY %s ORDER BY %s", q->ds->group_col, q->ds->group_col);
    if (prepare_query(st, q, head, tail, &stmt, e) < 0)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_total *t;
        xgrow((void **)out, &cap, *n + 1, sizeof **out);
        t = &(*out)[(*n)++];
        copy_text(t->group, stmt, 0);
        t->kwh = sqlite3_column_double(stmt, 1);
        t->rows = sqlite3_column_int64(stmt, 2);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return sql_err(e, st->db, rc, "totals");
    }
    return 0;
}

static int summary_sqlite(struct store *s, const struct dataset *ds, struct store_summary **out,
                          size_t *n, struct err *e)
{
    struct sqlite_store *st = s->impl;
    sqlite3_stmt *stmt;
    char sql[512];
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(sql, sizeof sql,
             "SELECT pricearea, %s, COUNT(*), MIN(starttime), MAX(starttime),"
             " MAX(lastupdatedtime), SUM(quantitykwh) FROM %s GROUP BY pricearea, %s"
             " ORDER BY pricearea, %s",
             ds->group_col, ds->name, ds->group_col, ds->group_col);
    if (prepare(st->db, sql, &stmt, e) < 0)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_summary *m;
        xgrow((void **)out, &cap, *n + 1, sizeof **out);
        m = &(*out)[(*n)++];
        copy_text(m->area, stmt, 0);
        copy_text(m->group, stmt, 1);
        m->rows = sqlite3_column_int64(stmt, 2);
        m->first = sqlite3_column_int64(stmt, 3);
        m->last = sqlite3_column_int64(stmt, 4);
        m->newest_update = sqlite3_column_int64(stmt, 5);
        m->kwh = sqlite3_column_double(stmt, 6);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return sql_err(e, st->db, rc, "summary");
    }
    return 0;
}

const struct store_ops store_sqlite_ops = {
    "sqlite",     open_sqlite,   close_sqlite,   write_sqlite,  is_done_sqlite,
    scan_sqlite,  totals_sqlite, summary_sqlite,
};
