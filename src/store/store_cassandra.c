/* store_cassandra: the storage interface over Apache Cassandra through our
 * own CQL client (src/cql). A writing open creates the keyspace and the
 * tables if missing: the seed's table per dataset exactly, its day and month
 * rollups (<dataset>_daily, <dataset>_monthly, partitioned by area like the
 * rows), elhub_fetch_log and elhub_meta; a reading open creates nothing.
 * Rows are written in unlogged single-partition batches with
 * USING TIMESTAMP = lastUpdatedTime, so the newest update wins and a rerun
 * is idempotent; reads page through each area's partition and merge the
 * areas in start order in C. */
#include "store/store_int.h"

#include "cql/conn.h"
#include "log.h"
#include "mem.h"
#include "timeutil.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Prepared statements of one dataset, each NULL until first used. */
struct table {
    struct cql_prepared *insert;
    struct cql_prepared *select;
    struct cql_prepared *rollup_insert[2]; /* by enum store_level */
    struct cql_prepared *rollup_select[2];
    uint16_t meter_type; /* CQL_TYPE_INT or CQL_TYPE_BIGINT */
    /* A reading open found no table for the dataset (a keyspace written
     * before it existed): it holds no rows, and reads answer none. */
    int missing;
};

struct cass {
    struct cql_client *cli;
    char ks[64];
    uint16_t consistency;
    int replication;
    struct table *tables; /* one per dataset_all entry */
};

/* ---- URI -------------------------------------------------------------- */

struct uri {
    struct cql_config cfg;
    char user[256], password[256];
    int has_user;
    char ks[64];
    uint16_t consistency;
    int replication;
};

static const struct {
    const char *name;
    uint16_t level;
} levels[] = {
    {"ANY", CQL_ANY},
    {"ONE", CQL_ONE},
    {"TWO", CQL_TWO},
    {"THREE", CQL_THREE},
    {"QUORUM", CQL_QUORUM},
    {"ALL", CQL_ALL},
    {"LOCAL_QUORUM", CQL_LOCAL_QUORUM},
    {"EACH_QUORUM", CQL_EACH_QUORUM},
    {"LOCAL_ONE", CQL_LOCAL_ONE},
};

static int parse_host(const char *s, size_t n, struct cql_host *h)
{
    const char *name = s, *port = NULL;
    size_t namelen = n, portlen = 0;

    if (n && s[0] == '[') { /* [IPv6]:port */
        const char *close = memchr(s, ']', n);
        size_t rest;
        if (!close)
            return -1;
        name = s + 1;
        namelen = (size_t)(close - name);
        rest = n - (size_t)(close + 1 - s);
        if (rest) {
            if (close[1] != ':')
                return -1;
            port = close + 2;
            portlen = rest - 1;
        }
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon) {
            namelen = (size_t)(colon - s);
            port = colon + 1;
            portlen = n - namelen - 1;
        }
    }
    if (namelen == 0 || namelen >= sizeof h->name)
        return -1;
    memcpy(h->name, name, namelen);
    h->name[namelen] = '\0';
    snprintf(h->port, sizeof h->port, "9042");
    if (port) {
        long v = 0;
        if (portlen == 0 || portlen > 5)
            return -1;
        for (size_t i = 0; i < portlen; i++) {
            if (!isdigit((unsigned char)port[i]))
                return -1;
            v = v * 10 + (port[i] - '0');
        }
        if (v < 1 || v > 65535)
            return -1;
        snprintf(h->port, sizeof h->port, "%ld", v);
    }
    return 0;
}

static int parse_uri(const char *uri, struct uri *u, const char *safe, struct err *e)
{
    const char *p = uri + strlen("cassandra://");
    size_t auth_len = strcspn(p, "/?");
    const char *at = NULL, *hosts, *q;

    memset(u, 0, sizeof *u);
    u->consistency = CQL_LOCAL_QUORUM;
    u->replication = 1;
    u->cfg.timeout_ms = 12000;
    snprintf(u->ks, sizeof u->ks, "elhub");

    if (store_check_authority("cassandra", p, auth_len, e) < 0)
        return -1;
    for (size_t i = 0; i < auth_len; i++)
        if (p[i] == '@')
            at = p + i;
    hosts = p;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ulen = colon ? (size_t)(colon - p) : (size_t)(at - p);
        if (text_pct_decode(p, ulen, 0, u->user, sizeof u->user) < 0 || !u->user[0])
            return err_set(e, ERR_USAGE, 0, "store %s: bad user name in the URI", safe);
        if (colon && text_pct_decode(colon + 1, (size_t)(at - colon - 1), 0, u->password,
                                     sizeof u->password) < 0)
            return err_set(e, ERR_USAGE, 0, "store %s: bad password in the URI", safe);
        u->has_user = 1;
        hosts = at + 1;
    }
    /* host[:port][,host[:port]...] */
    while (hosts < p + auth_len) {
        size_t n = strcspn(hosts, ",/?");
        if (u->cfg.nhosts == LIMIT_CQL_HOSTS)
            return err_set(e, ERR_USAGE, 0, "store %s: more than %d hosts", safe, LIMIT_CQL_HOSTS);
        if (parse_host(hosts, n, &u->cfg.hosts[u->cfg.nhosts]) < 0)
            return err_set(e, ERR_USAGE, 0, "store %s: bad host \"%.*s\" (want host[:port])", safe,
                           (int)n, hosts);
        u->cfg.nhosts++;
        hosts += n;
        if (*hosts == ',')
            hosts++;
    }
    if (u->cfg.nhosts == 0)
        return err_set(e, ERR_USAGE, 0,
                       "store %s: no host; want cassandra://[user:password@]host[:port][,...]/"
                       "keyspace",
                       safe);
    p += auth_len;
    if (*p == '/') {
        size_t n = strcspn(++p, "?");
        if (n) {
            if (n >= 49)
                return err_set(e, ERR_USAGE, 0, "store %s: keyspace name longer than 48", safe);
            for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char)p[i]) || p[i] == '_'))
                    return err_set(e, ERR_USAGE, 0,
                                   "store %s: keyspace may hold only letters, digits and _", safe);
            for (size_t i = 0; i < n; i++)
                u->ks[i] = (char)tolower((unsigned char)p[i]);
            u->ks[n] = '\0';
        }
        p += n;
    }
    if (*p == '?')
        p++;
    for (q = p; *q;) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        char key[32], val[64];
        size_t kl = eq ? (size_t)(eq - q) : n, vl = eq ? n - kl - 1 : 0;
        char *end;
        long v;

        if (!eq || kl >= sizeof key || vl >= sizeof val || vl == 0)
            return err_set(e, ERR_USAGE, 0, "store %s: bad option \"%.*s\" (want key=value)", safe,
                           (int)n, q);
        memcpy(key, q, kl);
        key[kl] = '\0';
        memcpy(val, eq + 1, vl);
        val[vl] = '\0';
        v = strtol(val, &end, 10);
        if (strcmp(key, "replication") == 0) {
            if (*end || v < 1 || v > 64)
                return err_set(e, ERR_USAGE, 0, "store %s: replication must be 1..64", safe);
            u->replication = (int)v;
        } else if (strcmp(key, "timeout_ms") == 0) {
            if (*end || v < 100 || v > 3600000)
                return err_set(e, ERR_USAGE, 0, "store %s: timeout_ms must be 100..3600000", safe);
            u->cfg.timeout_ms = (int)v;
        } else if (strcmp(key, "inflight") == 0) {
            if (*end || v < 1 || v > LIMIT_CQL_INFLIGHT)
                return err_set(e, ERR_USAGE, 0, "store %s: inflight must be 1..%d", safe,
                               LIMIT_CQL_INFLIGHT);
            u->cfg.max_inflight = (size_t)v;
        } else if (strcmp(key, "consistency") == 0) {
            size_t i;
            for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
                if (strcasecmp(val, levels[i].name) == 0)
                    break;
            if (i == sizeof levels / sizeof levels[0])
                return err_set(e, ERR_USAGE, 0,
                               "store %s: unknown consistency \"%s\" (ONE, QUORUM, LOCAL_QUORUM, "
                               "ALL, LOCAL_ONE, ...)",
                               safe, val);
            u->consistency = levels[i].level;
        } else {
            return err_set(e, ERR_USAGE, 0,
                           "store %s: unknown option \"%s\" (known: replication, consistency, "
                           "timeout_ms, inflight)",
                           safe, key);
        }
        q += n;
        if (*q == '&')
            q++;
    }
    if (!u->has_user) {
        const char *eu = getenv("ELHUB_CASSANDRA_USER"), *ep = getenv("ELHUB_CASSANDRA_PASSWORD");
        if (eu && *eu) {
            snprintf(u->user, sizeof u->user, "%s", eu);
            snprintf(u->password, sizeof u->password, "%s", ep ? ep : "");
            u->has_user = 1;
        }
    }
    if (u->has_user) {
        u->cfg.user = u->user;
        u->cfg.password = u->password;
    }
    return 0;
}

/* ---- schema ----------------------------------------------------------- */

static struct cql_params params(const struct cass *c, const struct cql_value *v, uint16_t n)
{
    struct cql_params p;
    memset(&p, 0, sizeof p);
    p.consistency = c->consistency;
    p.values = v;
    p.nvalues = n;
    return p;
}

static struct cql_value text(const char *s)
{
    struct cql_value v = {s, (int32_t)strlen(s)};
    return v;
}

/* Runs a statement that needs no result; on failure says which. */
static int run(struct cass *c, const char *cql, struct err *e)
{
    struct cql_params p = params(c, NULL, 0);
    if (cql_client_query(c->cli, cql, &p, NULL, e) < 0)
        return err_prefix(e, "cassandra: %.100s", cql);
    return 0;
}

/* Column name -> type for one table from system_schema.columns. */
struct colinfo {
    char name[64];
    char type[64];
};

static int table_columns(struct cass *c, const char *table, struct colinfo **out, size_t *n,
                         struct err *e)
{
    struct cql_value v[2] = {text(c->ks), text(table)};
    struct cql_params p = params(c, v, 2);
    struct cql_result res;
    struct cql_slice cells[2];
    size_t cap = 0;
    int rc = -1;

    *out = NULL;
    *n = 0;
    p.consistency = CQL_ONE;
    if (cql_client_query(c->cli,
                         "SELECT column_name, type FROM system_schema.columns WHERE "
                         "keyspace_name = ? AND table_name = ?",
                         &p, &res, e) < 0)
        goto out;
    if (res.r.kind != CQL_RESULT_ROWS || res.r.rows.ncols != 2) {
        err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra: unexpected reply reading the schema");
        goto out;
    }
    while (cql_rows_next(&res.r.rows, cells) == 0) {
        struct colinfo *ci;
        if (cells[0].is_null || cells[1].is_null)
            continue;
        xgrow((void **)out, &cap, *n + 1, sizeof **out);
        ci = &(*out)[(*n)++];
        snprintf(ci->name, sizeof ci->name, "%.*s", (int)cells[0].n, (const char *)cells[0].p);
        snprintf(ci->type, sizeof ci->type, "%.*s", (int)cells[1].n, (const char *)cells[1].p);
    }
    rc = 0;
out:
    cql_result_release(&res);
    return rc;
}

static const char *col_type(const struct colinfo *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i].name, name) == 0)
            return cols[i].type;
    return NULL;
}

static const char *level_name(enum store_level level)
{
    return level == STORE_DAY ? "daily" : "monthly";
}

static const char *level_col(enum store_level level)
{
    return level == STORE_DAY ? "day" : "month";
}

static size_t ds_index(const struct dataset *ds)
{
    return (size_t)(ds - dataset_all);
}

/* Creates ds's tables if missing (the seed's schema exactly, and the
 * rollups), else checks that the existing row table has the columns we
 * read and write. A reading open only checks. */
static int ensure_table(struct cass *c, const struct dataset *ds, struct table *t,
                        enum store_mode mode, struct err *e)
{
    struct colinfo *cols = NULL;
    size_t n = 0;
    char cql[1024];
    int rc = -1;
    const struct {
        const char *name, *want, *alt;
    } need[] = {
        {ds->area_col, "text", "varchar"},       {ds->group_col, "text", "varchar"},
        {ds->time_col, "timestamp", NULL},       {ds->end_col, "timestamp", NULL},
        {ds->value_col, "double", NULL},         {ds->update_col, "timestamp", NULL},
        {"meteringpointcount", "int", "bigint"},
    };

    if (table_columns(c, ds->name, &cols, &n, e) < 0)
        return err_prefix(e, "cassandra: reading the schema of %s.%s", c->ks, ds->name);
    if (n == 0) {
        if (mode == STORE_READ) {
            /* An empty keyspace of ours may lack a dataset's table: it
             * then simply holds no rows of it. */
            t->missing = 1;
            rc = 0;
            goto out;
        }
        snprintf(cql, sizeof cql,
                 "CREATE TABLE IF NOT EXISTS %s.%s (%s text, %s text, %s timestamp,"
                 " %s timestamp, %s double,%s %s timestamp,"
                 " PRIMARY KEY (%s, %s, %s))",
                 c->ks, ds->name, ds->area_col, ds->group_col, ds->time_col, ds->end_col,
                 ds->value_col, ds->count_col ? " meteringpointcount int," : "", ds->update_col,
                 ds->area_col, ds->time_col, ds->group_col);
        if (run(c, cql, e) < 0)
            goto out;
        log_info("cassandra: created table %s.%s", c->ks, ds->name);
        t->meter_type = CQL_TYPE_INT;
    } else {
        for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
            const char *have = col_type(cols, n, need[i].name);
            if (i == 6 && !ds->count_col)
                continue;
            if (!have || (strcmp(have, need[i].want) != 0 &&
                          (!need[i].alt || strcmp(have, need[i].alt) != 0))) {
                err_set(e, ERR_DATA, 0,
                        "cassandra: existing table %s.%s is not compatible: column %s is %s, want "
                        "%s",
                        c->ks, ds->name, need[i].name, have ? have : "missing", need[i].want);
                goto out;
            }
            if (i == 6)
                t->meter_type = strcmp(have, "bigint") == 0 ? CQL_TYPE_BIGINT : CQL_TYPE_INT;
        }
    }
    if (mode == STORE_WRITE) {
        for (int l = STORE_DAY; l <= STORE_MONTH; l++) {
            snprintf(cql, sizeof cql,
                     "CREATE TABLE IF NOT EXISTS %s.%s_%s (%s text, %s timestamp, %s text,"
                     " %s double, sum0 bigint, sum1 bigint, sum2 bigint, hours bigint,"
                     " firsttime timestamp, lasttime timestamp, %s timestamp,"
                     " PRIMARY KEY (%s, %s, %s))",
                     c->ks, ds->name, level_name((enum store_level)l), ds->area_col,
                     level_col((enum store_level)l), ds->group_col, ds->value_col, ds->update_col,
                     ds->area_col, level_col((enum store_level)l), ds->group_col);
            if (run(c, cql, e) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    free(cols);
    return rc;
}

static int ensure_schema(struct cass *c, enum store_mode mode, struct err *e)
{
    struct cql_value v[1] = {text(c->ks)};
    struct cql_params p = params(c, v, 1);
    struct cql_result res;
    char cql[512];
    int exists;

    p.consistency = CQL_ONE;
    if (cql_client_query(
            c->cli, "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", &p,
            &res, e) < 0) {
        cql_result_release(&res);
        return err_prefix(e, "cassandra: reading the keyspaces");
    }
    exists = res.r.kind == CQL_RESULT_ROWS && res.r.rows.nrows > 0;
    cql_result_release(&res);
    if (!exists) {
        if (mode == STORE_READ)
            return err_set(e, ERR_DATA, 0,
                           "cassandra: no keyspace %s on %s (fill it with 'elhub load' or 'elhub "
                           "import' first)",
                           c->ks, cql_client_peer(c->cli));
        snprintf(cql, sizeof cql,
                 "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', "
                 "'replication_factor': %d}",
                 c->ks, c->replication);
        if (run(c, cql, e) < 0)
            return -1;
        log_info("cassandra: created keyspace %s (SimpleStrategy, replication %d)", c->ks,
                 c->replication);
    }
    for (size_t i = 0; i < dataset_count; i++)
        if (ensure_table(c, &dataset_all[i], &c->tables[i], mode, e) < 0)
            return -1;
    if (mode == STORE_READ)
        return 0;
    snprintf(cql, sizeof cql,
             "CREATE TABLE IF NOT EXISTS %s.elhub_fetch_log (dataset text, key text, rows int,"
             " at timestamp, PRIMARY KEY (dataset, key))",
             c->ks);
    if (run(c, cql, e) < 0)
        return -1;
    snprintf(cql, sizeof cql,
             "CREATE TABLE IF NOT EXISTS %s.elhub_meta (key text PRIMARY KEY, value text)", c->ks);
    return run(c, cql, e);
}

/* ---- open / close ----------------------------------------------------- */

static int open_cassandra(struct store *s, const char *uri, enum store_mode mode, struct err *e)
{
    struct uri u;
    struct cass *c = NULL;
    int rc = -1;

    if (parse_uri(uri, &u, s->uri_safe, e) < 0)
        goto out;
    c = xcalloc(1, sizeof *c);
    c->tables = xcalloc(dataset_count, sizeof *c->tables);
    memcpy(c->ks, u.ks, sizeof c->ks);
    c->consistency = u.consistency;
    c->replication = u.replication;
    if (cql_client_new(&u.cfg, &c->cli, e) < 0) {
        err_prefix(e, "store %s", s->uri_safe);
        goto out;
    }
    if (ensure_schema(c, mode, e) < 0)
        goto out;
    s->impl = c;
    c = NULL;
    rc = 0;
out:
    memset(u.password, 0, sizeof u.password);
    if (c) {
        cql_client_free(c->cli);
        free(c->tables);
        free(c);
    }
    return rc;
}

static void close_cassandra(struct store *s)
{
    struct cass *c = s->impl;
    if (!c)
        return;
    cql_client_free(c->cli);
    free(c->tables);
    free(c);
    s->impl = NULL;
}

/* ---- write ------------------------------------------------------------ */

/* One unlogged batch: rows[0..n) (pointers into the write), all in one
 * partition. */
struct batch {
    struct cass *c;
    const struct dataset *ds;
    const struct record *rows; /* of one area */
    size_t n;
};

static int64_t ms(int64_t s)
{
    if (s > INT64_MAX / 1000)
        return INT64_MAX;
    if (s < INT64_MIN / 1000)
        return INT64_MIN;
    return s * 1000;
}

/* Write timestamp (microseconds): lastUpdatedTime, so a stored row is only
 * replaced by a row updated at the same time or later. An unknown update
 * time (0) writes at timestamp 0: it never replaces a row whose update time
 * is known. Equal timestamps resolve to the same cell values on every
 * replica (Cassandra keeps the larger value), so reruns are idempotent. */
static int64_t write_ts(const struct record *r)
{
    if (r->updated <= 0)
        return 0;
    if (r->updated > INT64_MAX / 1000000)
        return INT64_MAX;
    return r->updated * 1000000;
}

static int encode_batch(struct buf *out, int16_t stream, void *ctx)
{
    struct batch *b = ctx;
    struct table *t = &b->c->tables[ds_index(b->ds)];
    struct cql_batch_mark m;

    /* §4.1.7: unlogged, one partition: no batch log, one mutation. */
    if (cql_batch_begin(out, stream, CQL_BATCH_UNLOGGED, &m) < 0)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        const struct record *r = &b->rows[i];
        uint8_t start[8], end[8], kwh[8], upd[8], ts[8], mc[8];
        struct cql_value v[8];
        uint16_t nv = 0;

        cql_put_be64(start, (uint64_t)ms(r->start));
        cql_put_be64(end, (uint64_t)ms(r->end));
        cql_put_double(kwh, r->value);
        cql_put_be64(upd, (uint64_t)ms(r->updated));
        cql_put_be64(ts, (uint64_t)write_ts(r));
        v[nv++] = text(r->area);
        v[nv++] = text(r->group);
        v[nv++] = (struct cql_value){start, 8};
        v[nv++] = (struct cql_value){end, 8};
        v[nv++] = (struct cql_value){kwh, 8};
        v[nv++] = r->updated > 0 ? (struct cql_value){upd, 8} : (struct cql_value){NULL, -1};
        if ((b->ds->count_col != NULL)) {
            if (r->count < 0) {
                v[nv++] = (struct cql_value){NULL, -1};
            } else if (t->meter_type == CQL_TYPE_BIGINT) {
                cql_put_be64(mc, (uint64_t)r->count);
                v[nv++] = (struct cql_value){mc, 8};
            } else {
                cql_put_be32(mc, (uint32_t)r->count);
                v[nv++] = (struct cql_value){mc, 4};
            }
        }
        v[nv++] = (struct cql_value){ts, 8};
        if (cql_prepared_batch_add(t->insert, out, &m, v, nv) < 0) {
            out->len = m.frame_start;
            return -1;
        }
    }
    return cql_batch_end(out, &m, b->c->consistency);
}

static const struct cql_request_ops batch_ops = {encode_batch, NULL};

static int prepare_insert(struct cass *c, const struct dataset *ds, struct err *e)
{
    struct table *t = &c->tables[ds_index(ds)];
    char cql[512];

    if (t->insert)
        return 0;
    snprintf(cql, sizeof cql,
             "INSERT INTO %s.%s (%s, %s, %s, %s, %s, %s%s)"
             " VALUES (?, ?, ?, ?, ?, ?%s) USING TIMESTAMP ?",
             c->ks, ds->name, ds->area_col, ds->group_col, ds->time_col, ds->end_col, ds->value_col,
             ds->update_col, ds->count_col ? ", meteringpointcount" : "",
             ds->count_col ? ", ?" : "");
    if (cql_client_prepare(c->cli, cql, &t->insert, e) < 0)
        return -1;
    if ((ds->count_col != NULL) && cql_prepared_nbind(t->insert) > 6)
        t->meter_type = cql_prepared_bind_type(t->insert, 6);
    return 0;
}

static int put_rows_cassandra(struct store *s, const struct dataset *ds, const struct record *rows,
                              size_t n, unsigned char *changed, struct err *e)
{
    (void)changed; /* cannot tell: every row counts as changed */
    struct cass *c = s->impl;
    size_t nb = 0;
    struct batch *batches = NULL;
    int rc = -1;

    if (ds_index(ds) >= dataset_count)
        return err_set(e, ERR_USAGE, 0, "cassandra: unknown dataset");
    if (prepare_insert(c, ds, e) < 0)
        goto fail;
    if (n) {
        /* One batch per partition (the area): the rows come in key order. */
        batches = xcalloc(n, sizeof *batches);
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && j - i < LIMIT_CQL_BATCH_ROWS && strcmp(rows[j].area, rows[i].area) == 0)
                j++;
            batches[nb++] = (struct batch){c, ds, rows + i, j - i};
            i = j;
        }
        for (size_t i = 0; i < nb; i++)
            if (cql_client_submit(c->cli, &batch_ops, &batches[i], e) < 0)
                break;
        if (cql_client_wait(c->cli, e) < 0)
            goto fail;
    }
    rc = 0;
    goto out;
fail:
    err_prefix(e, "store %s: writing %zu %s rows", s->uri_safe, n, ds->name);
out:
    free(batches);
    return rc;
}

static int put_done_cassandra(struct store *s, const struct dataset *ds, const char *done_key,
                              size_t n, struct err *e)
{
    struct cass *c = s->impl;
    char cql[256];
    uint8_t nrows[4], at[8];
    struct cql_value v[4] = {text(ds->name), text(done_key), {nrows, 4}, {at, 8}};
    struct cql_params p = params(c, v, 4);
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    cql_put_be32(nrows, (uint32_t)n);
    cql_put_be64(at, (uint64_t)((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000));
    snprintf(cql, sizeof cql,
             "INSERT INTO %s.elhub_fetch_log (dataset, key, rows, at) VALUES (?, ?, ?, ?)", c->ks);
    if (cql_client_query(c->cli, cql, &p, NULL, e) < 0)
        return err_prefix(e, "store %s: recording %s as done", s->uri_safe, done_key);
    return 0;
}

/* ---- rollups ---------------------------------------------------------- */

/* One unlogged batch of rollups of one area. */
struct rollup_batch {
    struct cass *c;
    struct cql_prepared *ps;
    const struct store_rollup *r;
    size_t n;
};

static int encode_rollups(struct buf *out, int16_t stream, void *ctx)
{
    struct rollup_batch *b = ctx;
    struct cql_batch_mark m;

    if (cql_batch_begin(out, stream, CQL_BATCH_UNLOGGED, &m) < 0)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        const struct store_rollup *r = &b->r[i];
        uint8_t t[8], val[8], s0[8], s1[8], s2[8], hours[8], first[8], last[8], upd[8];
        int64_t w[3];
        struct cql_value v[11];

        xsum_to_words(&r->sum, w);
        cql_put_be64(t, (uint64_t)ms(r->t));
        cql_put_double(val, xsum_value(&r->sum));
        cql_put_be64(s0, (uint64_t)w[0]);
        cql_put_be64(s1, (uint64_t)w[1]);
        cql_put_be64(s2, (uint64_t)w[2]);
        cql_put_be64(hours, (uint64_t)r->hours);
        cql_put_be64(first, (uint64_t)ms(r->first));
        cql_put_be64(last, (uint64_t)ms(r->last));
        cql_put_be64(upd, (uint64_t)ms(r->updated));
        v[0] = text(r->area);
        v[1] = (struct cql_value){t, 8};
        v[2] = text(r->group);
        v[3] = (struct cql_value){val, 8};
        v[4] = (struct cql_value){s0, 8};
        v[5] = (struct cql_value){s1, 8};
        v[6] = (struct cql_value){s2, 8};
        v[7] = (struct cql_value){hours, 8};
        v[8] = (struct cql_value){first, 8};
        v[9] = (struct cql_value){last, 8};
        v[10] = (struct cql_value){upd, 8};
        if (cql_prepared_batch_add(b->ps, out, &m, v, 11) < 0) {
            out->len = m.frame_start;
            return -1;
        }
    }
    return cql_batch_end(out, &m, b->c->consistency);
}

static const struct cql_request_ops rollup_ops = {encode_rollups, NULL};

static int put_rollups_cassandra(struct store *s, const struct dataset *ds, enum store_level level,
                                 const struct store_rollup *r, size_t n, struct err *e)
{
    struct cass *c = s->impl;
    struct table *t = &c->tables[ds_index(ds)];
    struct rollup_batch *batches = NULL;
    size_t nb = 0;
    char cql[512];
    int rc = -1;

    if (!t->rollup_insert[level]) {
        snprintf(cql, sizeof cql,
                 "INSERT INTO %s.%s_%s (%s, %s, %s, %s, sum0, sum1, sum2, hours, firsttime,"
                 " lasttime, %s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 c->ks, ds->name, level_name(level), ds->area_col, level_col(level), ds->group_col,
                 ds->value_col, ds->update_col);
        if (cql_client_prepare(c->cli, cql, &t->rollup_insert[level], e) < 0)
            goto fail;
    }
    /* Pieces of at most LIMIT_CQL_BATCH_ROWS, each inside one area (one
     * partition). */
    batches = xcalloc(n ? n : 1, sizeof *batches);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && j - i < LIMIT_CQL_BATCH_ROWS && strcmp(r[j].area, r[i].area) == 0)
            j++;
        batches[nb++] = (struct rollup_batch){c, t->rollup_insert[level], r + i, j - i};
        i = j;
    }
    for (size_t i = 0; i < nb; i++)
        if (cql_client_submit(c->cli, &rollup_ops, &batches[i], e) < 0)
            break;
    if (cql_client_wait(c->cli, e) < 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    err_prefix(e, "store %s: writing %s rollups", s->uri_safe, ds->name);
out:
    free(batches);
    return rc;
}

static int clear_rollups_cassandra(struct store *s, const struct dataset *ds, struct err *e)
{
    struct cass *c = s->impl;
    char cql[256];
    for (int l = STORE_DAY; l <= STORE_MONTH; l++) {
        snprintf(cql, sizeof cql, "TRUNCATE %s.%s_%s", c->ks, ds->name,
                 level_name((enum store_level)l));
        if (run(c, cql, e) < 0)
            return -1;
    }
    return 0;
}

static int get_meta_cassandra(struct store *s, const char *key, char *value, size_t n, int *found,
                              struct err *e)
{
    struct cass *c = s->impl;
    struct cql_value v[1] = {text(key)};
    struct cql_params p = params(c, v, 1);
    struct cql_result res;
    struct cql_slice cells[1];
    char cql[256];
    struct colinfo *cols = NULL;
    size_t ncols = 0;

    *found = 0;
    if (n)
        value[0] = '\0';
    /* A keyspace of an older elhub has no elhub_meta. */
    if (table_columns(c, "elhub_meta", &cols, &ncols, e) < 0)
        return err_prefix(e, "cassandra: reading the schema");
    free(cols);
    if (ncols == 0)
        return 0;
    snprintf(cql, sizeof cql, "SELECT value FROM %s.elhub_meta WHERE key = ?", c->ks);
    if (cql_client_query(c->cli, cql, &p, &res, e) < 0) {
        cql_result_release(&res);
        return err_prefix(e, "cassandra: reading elhub_meta");
    }
    if (res.r.kind == CQL_RESULT_ROWS && cql_rows_next(&res.r.rows, cells) == 0 &&
        !cells[0].is_null) {
        snprintf(value, n, "%.*s", (int)cells[0].n, (const char *)cells[0].p);
        *found = 1;
    }
    cql_result_release(&res);
    return 0;
}

static int put_meta_cassandra(struct store *s, const char *key, const char *value, struct err *e)
{
    struct cass *c = s->impl;
    struct cql_value v[2] = {text(key), text(value)};
    struct cql_params p = params(c, v, 2);
    char cql[256];
    snprintf(cql, sizeof cql, "INSERT INTO %s.elhub_meta (key, value) VALUES (?, ?)", c->ks);
    if (cql_client_query(c->cli, cql, &p, NULL, e) < 0)
        return err_prefix(e, "cassandra: writing elhub_meta");
    return 0;
}

static int is_done_cassandra(struct store *s, const struct dataset *ds, const char *done_key,
                             int *done, struct err *e)
{
    struct cass *c = s->impl;
    struct cql_value v[2] = {text(ds->name), text(done_key)};
    struct cql_params p = params(c, v, 2);
    struct cql_result res;
    char cql[256];
    int rc = -1;

    *done = 0;
    snprintf(cql, sizeof cql, "SELECT rows FROM %s.elhub_fetch_log WHERE dataset = ? AND key = ?",
             c->ks);
    if (cql_client_query(c->cli, cql, &p, &res, e) < 0) {
        err_prefix(e, "store %s", s->uri_safe);
        goto out;
    }
    *done = res.r.kind == CQL_RESULT_ROWS && res.r.rows.nrows > 0;
    rc = 0;
out:
    cql_result_release(&res);
    return rc;
}

/* ---- scan ------------------------------------------------------------- */

/* One area's partition, read page by page. */
struct cursor {
    char area[LIMIT_NAME];
    struct cql_result page;
    int has_row, more;
    struct record cur;
};

struct scan {
    struct cass *c;
    const struct dataset *ds;
    const struct store_query *q;
    struct cql_prepared *ps;
    uint8_t from[8], to[8];
};

static int row_to_record(const struct scan *sc, const struct cql_rows *rows,
                         const struct cql_slice *cells, struct record *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    r->count = -1;
    if (cells[0].is_null || record_set_area(r, (const char *)cells[0].p, cells[0].n, NULL) < 0 ||
        cells[1].is_null || record_set_group(r, (const char *)cells[1].p, cells[1].n, NULL) < 0)
        return err_set(e, ERR_DATA, 0, "cassandra: %s row with a bad area or group", sc->ds->name);
    int64_t v;
    if (cql_cell_bigint(&cells[2], &v) < 0)
        return err_set(e, ERR_DATA, 0, "cassandra: %s row without starttime", sc->ds->name);
    r->start = v / 1000;
    r->end = cql_cell_bigint(&cells[3], &v) == 0 ? v / 1000 : r->start + 3600;
    if (cql_cell_double(&cells[4], &r->value) < 0)
        return err_set(e, ERR_DATA, 0, "cassandra: %s row without quantitykwh", sc->ds->name);
    r->updated = cql_cell_bigint(&cells[5], &v) == 0 ? v / 1000 : 0;
    if ((sc->ds->count_col != NULL) && !cells[6].is_null) {
        int32_t i32;
        if (rows->cols && rows->cols[6].type == CQL_TYPE_BIGINT) {
            if (cql_cell_bigint(&cells[6], &v) == 0)
                r->count = v;
        } else if (cql_cell_int(&cells[6], &i32) == 0) {
            r->count = i32;
        }
    }
    return 0;
}

static int fetch_page(struct scan *sc, struct cursor *cu, struct err *e)
{
    struct cql_value v[3] = {text(cu->area), {sc->from, 8}, {sc->to, 8}};
    struct cql_params p = params(sc->c, v, 3);
    struct cql_result next;
    int rc;

    p.page_size = LIMIT_CQL_PAGE_ROWS;
    if (cu->more)
        p.paging_state = cu->page.r.rows.paging_state;
    rc = cql_client_execute(sc->c->cli, sc->ps, &p, &next, e);
    cql_result_release(&cu->page);
    cu->page = next;
    if (rc < 0)
        return -1;
    if (next.r.kind != CQL_RESULT_ROWS || next.r.rows.ncols < ((sc->ds->count_col != NULL) ? 7 : 6))
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra: unexpected reply to a read");
    cu->more = (next.r.rows.flags & CQL_ROWS_HAS_MORE_PAGES) && next.r.rows.paging_state.p;
    return 0;
}

/* Moves cu to its next row matching the query's groups; has_row 0 at the end. */
static int advance(struct scan *sc, struct cursor *cu, struct err *e)
{
    struct cql_slice cells[LIMIT_CQL_COLUMNS];

    for (;;) {
        if (cu->page.body && cql_rows_next(&cu->page.r.rows, cells) == 0) {
            int keep = sc->q->ngroups == 0;
            if (row_to_record(sc, &cu->page.r.rows, cells, &cu->cur, e) < 0)
                return -1;
            for (size_t i = 0; i < sc->q->ngroups && !keep; i++)
                keep = strcmp(sc->q->groups[i], cu->cur.group) == 0;
            if (keep) {
                cu->has_row = 1;
                return 0;
            }
            continue;
        }
        if (cu->page.body && !cu->more) {
            cu->has_row = 0;
            return 0;
        }
        if (fetch_page(sc, cu, e) < 0)
            return -1;
    }
}

/* The areas (partitions) of table ks.<table>. */
static int list_areas(struct cass *c, const struct dataset *ds, const char *table,
                      char (**areas)[LIMIT_NAME], size_t *n, struct err *e)
{
    char cql[256];
    struct cql_params p = params(c, NULL, 0);
    struct cql_result res;
    struct cql_slice cells[1];
    size_t cap = 0;
    int rc = -1;

    memset(&res, 0, sizeof res);
    *areas = NULL;
    *n = 0;
    snprintf(cql, sizeof cql, "SELECT DISTINCT %s FROM %s.%s", ds->area_col, c->ks, table);
    p.page_size = LIMIT_CQL_PAGE_ROWS;
    for (;;) {
        struct cql_result next;
        int more;
        if (cql_client_query(c->cli, cql, &p, &next, e) < 0) {
            cql_result_release(&next);
            goto out;
        }
        cql_result_release(&res);
        res = next;
        if (res.r.kind != CQL_RESULT_ROWS || res.r.rows.ncols != 1) {
            err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra: unexpected reply listing areas");
            goto out;
        }
        while (cql_rows_next(&res.r.rows, cells) == 0) {
            if (cells[0].is_null || cells[0].n == 0 || cells[0].n >= LIMIT_NAME)
                continue;
            xgrow((void **)areas, &cap, *n + 1, sizeof **areas);
            memcpy((*areas)[*n], cells[0].p, cells[0].n);
            (*areas)[*n][cells[0].n] = '\0';
            (*n)++;
        }
        more = (res.r.rows.flags & CQL_ROWS_HAS_MORE_PAGES) && res.r.rows.paging_state.p;
        if (!more)
            break;
        p.paging_state = res.r.rows.paging_state;
    }
    rc = 0;
out:
    cql_result_release(&res);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int scan_cassandra(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                          struct err *e)
{
    struct cass *c = s->impl;
    struct scan sc = {c, q->ds, q, NULL, {0}, {0}};
    struct table *t;
    char(*areas)[LIMIT_NAME] = NULL;
    struct cursor *cu = NULL;
    size_t na = 0;
    char cql[512];
    int rc = -1;

    if (ds_index(q->ds) >= dataset_count)
        return err_set(e, ERR_USAGE, 0, "cassandra: unknown dataset");
    t = &c->tables[ds_index(q->ds)];
    if (t->missing)
        return 0;
    if (!t->select) {
        snprintf(cql, sizeof cql,
                 "SELECT %s, %s, %s, %s, %s, %s%s FROM %s.%s WHERE %s = ? AND %s >= ? AND %s < ?",
                 q->ds->area_col, q->ds->group_col, q->ds->time_col, q->ds->end_col,
                 q->ds->value_col, q->ds->update_col,
                 q->ds->count_col ? ", meteringpointcount" : "", c->ks, q->ds->name,
                 q->ds->area_col, q->ds->time_col, q->ds->time_col);
        if (cql_client_prepare(c->cli, cql, &t->select, e) < 0)
            goto fail;
    }
    sc.ps = t->select;
    cql_put_be64(sc.from, (uint64_t)ms(q->from));
    cql_put_be64(sc.to, (uint64_t)ms(q->to));
    if (q->area) {
        areas = xcalloc(1, sizeof *areas);
        snprintf(areas[0], LIMIT_NAME, "%s", q->area);
        na = 1;
    } else if (list_areas(c, q->ds, q->ds->name, &areas, &na, e) < 0) {
        goto fail;
    }
    /* Partitions come in token order; merge them in area order so rows of
     * equal start come out by area, then group (the clustering order): the
     * same order the SQLite backend gives, so exports are byte-identical. */
    if (na > 1)
        qsort(areas, na, sizeof *areas, cmp_name);
    cu = xcalloc(na ? na : 1, sizeof *cu);
    for (size_t i = 0; i < na; i++) {
        memcpy(cu[i].area, areas[i], LIMIT_NAME);
        if (advance(&sc, &cu[i], e) < 0)
            goto fail;
    }
    /* k-way merge of the areas by start time (each partition is clustered
     * by starttime, so each cursor is already in order). */
    for (;;) {
        struct cursor *best = NULL;
        int stop;
        for (size_t i = 0; i < na; i++)
            if (cu[i].has_row && (!best || cu[i].cur.start < best->cur.start))
                best = &cu[i];
        if (!best)
            break;
        stop = fn(&best->cur, ctx);
        if (stop) {
            rc = stop;
            goto out;
        }
        if (advance(&sc, best, e) < 0)
            goto fail;
    }
    rc = 0;
    goto out;
fail:
    err_prefix(e, "store %s: reading %s", s->uri_safe, q->ds->name);
    rc = -1;
out:
    for (size_t i = 0; cu && i < na; i++)
        cql_result_release(&cu[i].page);
    free(cu);
    free(areas);
    return rc;
}

/* ---- reading rollups --------------------------------------------------- */

static int scan_rollups_cassandra(struct store *s, enum store_level level,
                                  const struct store_query *q, store_rollup_fn fn, void *ctx,
                                  struct err *e)
{
    struct cass *c = s->impl;
    struct table *t = &c->tables[ds_index(q->ds)];
    char(*areas)[LIMIT_NAME] = NULL, table[128], cql[512];
    size_t na = 0;
    uint8_t from[8], to[8];
    int rc = -1;

    if (t->missing)
        return 0;
    snprintf(table, sizeof table, "%s_%s", q->ds->name, level_name(level));
    if (!t->rollup_select[level]) {
        snprintf(cql, sizeof cql,
                 "SELECT %s, %s, %s, sum0, sum1, sum2, hours, firsttime, lasttime, %s FROM %s.%s"
                 " WHERE %s = ? AND %s >= ? AND %s < ?",
                 q->ds->area_col, q->ds->group_col, level_col(level), q->ds->update_col, c->ks,
                 table, q->ds->area_col, level_col(level), level_col(level));
        if (cql_client_prepare(c->cli, cql, &t->rollup_select[level], e) < 0)
            goto fail;
    }
    cql_put_be64(from, (uint64_t)ms(q->from));
    cql_put_be64(to, (uint64_t)ms(q->to));
    if (q->area) {
        areas = xcalloc(1, sizeof *areas);
        snprintf(areas[0], LIMIT_NAME, "%s", q->area);
        na = 1;
    } else if (list_areas(c, q->ds, table, &areas, &na, e) < 0) {
        goto fail;
    }
    for (size_t a = 0; a < na; a++) {
        struct cql_value v[3] = {text(areas[a]), {from, 8}, {to, 8}};
        struct cql_params p = params(c, v, 3);
        struct cql_result res;
        memset(&res, 0, sizeof res);
        p.page_size = LIMIT_CQL_PAGE_ROWS;
        for (;;) {
            struct cql_result next;
            struct cql_slice cells[10];
            int more;
            if (cql_client_execute(c->cli, t->rollup_select[level], &p, &next, e) < 0) {
                cql_result_release(&next);
                cql_result_release(&res);
                goto fail;
            }
            cql_result_release(&res);
            res = next;
            if (res.r.kind != CQL_RESULT_ROWS || res.r.rows.ncols != 10) {
                cql_result_release(&res);
                err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "cassandra: unexpected reply to a read");
                goto fail;
            }
            while (cql_rows_next(&res.r.rows, cells) == 0) {
                struct store_rollup r;
                int64_t w[3], v64;
                int keep = q->ngroups == 0, stop;
                memset(&r, 0, sizeof r);
                struct record names;
                if (cells[0].is_null || cells[1].is_null ||
                    record_set_area(&names, (const char *)cells[0].p, cells[0].n, NULL) < 0 ||
                    record_set_group(&names, (const char *)cells[1].p, cells[1].n, NULL) < 0)
                    continue;
                memcpy(r.area, names.area, sizeof r.area);
                memcpy(r.group, names.group, sizeof r.group);
                for (size_t g = 0; g < q->ngroups && !keep; g++)
                    keep = strcmp(q->groups[g], r.group) == 0;
                if (!keep)
                    continue;
                if (cql_cell_bigint(&cells[2], &v64) < 0)
                    continue;
                r.t = v64 / 1000;
                for (int k = 0; k < 3; k++)
                    if (cql_cell_bigint(&cells[3 + k], &w[k]) < 0)
                        w[k] = 0;
                xsum_from_words(&r.sum, w);
                r.hours = cql_cell_bigint(&cells[6], &v64) == 0 ? v64 : 0;
                r.first = cql_cell_bigint(&cells[7], &v64) == 0 ? v64 / 1000 : 0;
                r.last = cql_cell_bigint(&cells[8], &v64) == 0 ? v64 / 1000 : 0;
                r.updated = cql_cell_bigint(&cells[9], &v64) == 0 ? v64 / 1000 : 0;
                stop = fn(&r, ctx);
                if (stop) {
                    cql_result_release(&res);
                    rc = stop;
                    goto out;
                }
            }
            more = (res.r.rows.flags & CQL_ROWS_HAS_MORE_PAGES) && res.r.rows.paging_state.p;
            if (!more)
                break;
            p.paging_state = res.r.rows.paging_state;
        }
        cql_result_release(&res);
    }
    rc = 0;
    goto out;
fail:
    err_prefix(e, "store %s: reading %s rollups", s->uri_safe, q->ds->name);
    rc = -1;
out:
    free(areas);
    return rc;
}

const struct store_ops store_cassandra_ops = {
    .name = "cassandra",
    .transactional = 0,
    .area_scans = 1,
    .open = open_cassandra,
    .close = close_cassandra,
    .put_rows = put_rows_cassandra,
    .put_rollups = put_rollups_cassandra,
    .clear_rollups = clear_rollups_cassandra,
    .put_done = put_done_cassandra,
    .is_done = is_done_cassandra,
    .scan = scan_cassandra,
    .scan_rollups = scan_rollups_cassandra,
    .get_meta = get_meta_cassandra,
    .put_meta = put_meta_cassandra,
};
