/* store_mongo: the MongoDB backend through libmongoc (1.23). One document per
 * hourly row in collections named after the dataset, written with unordered
 * bulk inserts and reconciled by _id; the day and month rollups in
 * <dataset>_daily and <dataset>_monthly (one document per area x group x
 * period, keyed by _id); elhub_fetch_log and elhub_meta. Reads are find
 * only, which FerretDB 1.24 runs as MongoDB does. A reading open creates
 * nothing. See docs/MONGODB.md for the document shapes and the write
 * algorithm. */
#include "store/store_int.h"

#include "log.h"
#include "mem.h"
#include "timeutil.h"

#include <mongoc/mongoc.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_DB "elhub"
#define FETCH_LOG "elhub_fetch_log"
#define META "elhub_meta"
#define KEY_INDEX "elhub_key"
#define START_INDEX "elhub_start_key"
/* Server selection gives up after this long unless the URI or
 * $ELHUB_MONGO_TIMEOUT_MS says otherwise: a down server fails fast. */
#define DEFAULT_TIMEOUT_MS 5000
/* "NO1|hydro|2024-01-01T00:00:00Z" */
#define ID_LEN (2 * LIMIT_NAME + TIMEUTIL_ISO_LEN)
/* On FerretDB, up to this many replacements go one by one (atomic per
 * document, one table scan each); more take replace_by_delete. It must stay
 * well below 100: FerretDB 1.24.2 holds one pooled SQLite connection (of
 * 100) per matching statement until an update command ends, and deadlocks
 * once they run out. */
#define MONGO_REPLACE_ONE_MAX 32

struct mongo_store {
    mongoc_client_t *client;
    char db[64];
    char hosts[256];      /* "host:port,..." for messages; never the password */
    char secret[256];     /* the password as written in the URI, to scrub */
    char secret_dec[256]; /* ... and percent-decoded */
    int ferretdb;         /* the server is FerretDB (buildInfo has ferretdbVersion) */
};

/* ---- library setup ---------------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libmongoc logs warnings to stderr on its own; route them to our log at
 * debug level, since every failure also reaches the caller as an error. */
static void route_log(mongoc_log_level_t level, const char *domain, const char *msg, void *ud)
{
    (void)ud;
    if (level <= MONGOC_LOG_LEVEL_WARNING)
        log_debug("libmongoc %s: %s", domain, msg);
}

static void init_library(void)
{
    mongoc_init();
    mongoc_log_set_handler(route_log, NULL);
    atexit(mongoc_cleanup);
}

/* ---- errors ----------------------------------------------------------- */

/* Replaces every occurrence of needle in s (size n) by "***". */
static void scrub(char *s, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    char *p;

    if (nl == 0)
        return;
    while ((p = strstr(s, needle)) != NULL) {
        size_t tail = strlen(p + nl);
        if ((size_t)(p - s) + 3 + tail + 1 > n)
            tail = n - (size_t)(p - s) - 4;
        memmove(p + 3, p + nl, tail);
        p[3 + tail] = '\0';
        memcpy(p, "***", 3);
    }
}

/* Fills e with "mongodb HOSTS: <what>: <libmongoc message>", the password
 * scrubbed from the driver's text. Returns -1. */
static int fail(const struct mongo_store *m, const bson_error_t *be, struct err *e, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
static int fail(const struct mongo_store *m, const bson_error_t *be, struct err *e, const char *fmt,
                ...)
{
    char what[256], msg[ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s", be && be->message[0] ? be->message : "no details");
    scrub(msg, sizeof msg, m->secret);
    scrub(msg, sizeof msg, m->secret_dec);
    return err_set(e, ERR_MONGO, be ? (long)be->code : 0, "mongodb %s: %s: %s", m->hosts, what,
                   msg);
}

/* ---- URI and config --------------------------------------------------- */

/* Reads the first non-empty, non-comment line of path into out. Returns 1
 * if found, 0 if the file does not exist, -1 on error. */
static int read_uri_file(const char *path, char *out, size_t n, struct err *e)
{
    FILE *f = fopen(path, "r");
    char line[LIMIT_MONGO_URI];
    struct stat st;
    int rc = 0;

    if (!f) {
        if (errno == ENOENT)
            return 0;
        return err_set(e, ERR_SYS, errno, "cannot read %s: %s", path, strerror(errno));
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
        log_warn("%s holds a password and is readable by others: chmod 600 %s", path, path);
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        while (*p == ' ' || *p == '\t')
            p++;
        end = p + strlen(p);
        while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        *end = '\0';
        if (*p == '\0' || *p == '#')
            continue;
        if ((size_t)(end - p) >= n) {
            rc = err_set(e, ERR_DATA, 0, "%s: the URI is longer than %zu bytes", path, n - 1);
            break;
        }
        memcpy(out, p, (size_t)(end - p) + 1);
        rc = 1;
        break;
    }
    fclose(f);
    return rc;
}

/* The config file: $XDG_CONFIG_HOME/elhub/mongo.uri, else
 * $HOME/.config/elhub/mongo.uri. Returns 0 and an empty path if neither
 * variable is set. */
static void config_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(out, n, "%s/elhub/mongo.uri", xdg);
    else if (home && *home)
        snprintf(out, n, "%s/.config/elhub/mongo.uri", home);
    else
        out[0] = '\0';
}

/* Resolves the store URI: a full mongodb:// or mongodb+srv:// URI is used
 * as is; exactly "mongodb:" takes $ELHUB_MONGO_URI, else the config file. */
static int resolve_uri(const char *uri, char *out, size_t n, struct err *e)
{
    char path[1024];
    const char *env;
    int rc;

    if (strncmp(uri, "mongodb://", 10) == 0 || strncmp(uri, "mongodb+srv://", 14) == 0) {
        const char *auth = strstr(uri, "://") + 3;
        if (strlen(uri) >= n)
            return err_set(e, ERR_USAGE, 0, "the mongodb URI is longer than %zu bytes", n - 1);
        /* Before libmongoc would take the rest of a password for a host
         * name and look it up through the resolver. */
        if (store_check_authority("mongodb", auth, strcspn(auth, "/?"), e) < 0)
            return -1;
        memcpy(out, uri, strlen(uri) + 1);
        return 0;
    }
    if (strcmp(uri, "mongodb:") != 0)
        return err_set(e, ERR_USAGE, 0,
                       "bad store URI: expected mongodb://HOST[:PORT]/DB, mongodb+srv://HOST/DB, "
                       "or just \"mongodb:\" to read it from $ELHUB_MONGO_URI or "
                       "~/.config/elhub/mongo.uri");
    env = getenv("ELHUB_MONGO_URI");
    if (env && *env)
        return resolve_uri(env, out, n, e) < 0 ? err_prefix(e, "$ELHUB_MONGO_URI") : 0;
    config_path(path, sizeof path);
    rc = path[0] ? read_uri_file(path, out, n, e) : 0;
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_USAGE, 0,
                       "store \"mongodb:\" reads its URI from $ELHUB_MONGO_URI or %s, and "
                       "neither is set",
                       path[0] ? path : "~/.config/elhub/mongo.uri");
    if (strncmp(out, "mongodb://", 10) != 0 && strncmp(out, "mongodb+srv://", 14) != 0)
        return err_set(e, ERR_DATA, 0, "%s: expected a mongodb:// or mongodb+srv:// URI", path);
    return 0;
}

/* Copies the raw password of "scheme://user:pass@..." into out (or ""). */
static void raw_password(const char *uri, char *out, size_t n)
{
    const char *auth = strstr(uri, "://"), *at, *colon, *slash;
    out[0] = '\0';
    if (!auth)
        return;
    auth += 3;
    at = strrchr(auth, '@');
    slash = strchr(auth, '/');
    if (!at || (slash && slash < at))
        return;
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon)
        snprintf(out, n, "%.*s", (int)(at - colon - 1), colon + 1);
}

static void describe_hosts(const mongoc_uri_t *uri, char *out, size_t n)
{
    const mongoc_host_list_t *h = mongoc_uri_get_hosts(uri);
    size_t len = 0;

    out[0] = '\0';
    if (mongoc_uri_get_srv_hostname(uri)) {
        snprintf(out, n, "%s (SRV)", mongoc_uri_get_srv_hostname(uri));
        return;
    }
    for (; h && len + 2 < n; h = h->next) {
        int w = snprintf(out + len, n - len, "%s%s", len ? "," : "", h->host_and_port);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len >= n)
        out[n - 1] = '\0';
}

/* ---- schema ----------------------------------------------------------- */

static const char *level_col(enum store_level level)
{
    return level == STORE_DAY ? "day" : "month";
}

static void rollup_coll(const struct dataset *ds, enum store_level level, char *out, size_t n)
{
    snprintf(out, n, "%s_%s", ds->name, level == STORE_DAY ? "daily" : "monthly");
}

/* Whether the database holds any of our collections (a reading open of a
 * database that does not exist, or of someone else's, is refused). */
static int has_collections(struct mongo_store *m, int *has, struct err *e)
{
    mongoc_database_t *db = mongoc_client_get_database(m->client, m->db);
    bson_error_t be;
    char **names = mongoc_database_get_collection_names_with_opts(db, NULL, &be);
    int rc = 0;

    *has = 0;
    if (!names) {
        rc = fail(m, &be, e, "listing the collections of %s", m->db);
    } else {
        for (size_t i = 0; names[i]; i++)
            for (size_t k = 0; k < dataset_count; k++)
                *has |= strcmp(names[i], dataset_all[k].name) == 0;
        bson_strfreev(names);
    }
    mongoc_database_destroy(db);
    return rc;
}

static int create_index(struct mongo_store *m, const char *coll, const bson_t *key,
                        const char *name, bool unique, struct err *e)
{
    bson_t cmd = BSON_INITIALIZER, reply;
    bson_error_t be;
    bool ok;

    BCON_APPEND(&cmd, "createIndexes", BCON_UTF8(coll), "indexes", "[", "{", "key",
                BCON_DOCUMENT(key), "name", BCON_UTF8(name), "unique", BCON_BOOL(unique), "}", "]");
    ok = mongoc_client_write_command_with_opts(m->client, m->db, &cmd, NULL, &reply, &be);
    bson_destroy(&cmd);
    bson_destroy(&reply);
    if (!ok)
        return fail(m, &be, e, "creating index %s on %s.%s", name, m->db, coll);
    return 0;
}

/* The key index the issue asks for (unique: it backs up the _id) and
 * (starttime, pricearea, group), which serves scan's sort on MongoDB. One index per createIndexes
 * command: FerretDB 1.24.2 drops the connection (a panic) when one command names two indexes that
 * both exist already. */
static int ensure_indexes(struct mongo_store *m, const struct dataset *ds, struct err *e)
{
    bson_t key = BSON_INITIALIZER, start = BSON_INITIALIZER;
    int rc;

    BSON_APPEND_INT32(&key, ds->area_col, 1);
    BSON_APPEND_INT32(&key, ds->time_col, 1);
    BSON_APPEND_INT32(&key, ds->group_col, 1);
    BSON_APPEND_INT32(&start, ds->time_col, 1);
    BSON_APPEND_INT32(&start, ds->area_col, 1);
    BSON_APPEND_INT32(&start, ds->group_col, 1);
    rc = create_index(m, ds->name, &key, KEY_INDEX, true, e) < 0 ||
                 create_index(m, ds->name, &start, START_INDEX, false, e) < 0
             ? -1
             : 0;
    bson_destroy(&key);
    bson_destroy(&start);
    for (int l = STORE_DAY; l <= STORE_MONTH && rc == 0; l++) {
        char coll[128];
        bson_t rkey = BSON_INITIALIZER;
        rollup_coll(ds, (enum store_level)l, coll, sizeof coll);
        BSON_APPEND_INT32(&rkey, ds->area_col, 1);
        BSON_APPEND_INT32(&rkey, level_col((enum store_level)l), 1);
        BSON_APPEND_INT32(&rkey, ds->group_col, 1);
        rc = create_index(m, coll, &rkey, KEY_INDEX, true, e);
        bson_destroy(&rkey);
    }
    return rc;
}

/* ---- open / close ----------------------------------------------------- */

static int open_mongo(struct store *s, const char *uri_text, enum store_mode mode, struct err *e)
{
    struct mongo_store *m = xcalloc(1, sizeof *m);
    char uri_buf[LIMIT_MONGO_URI];
    mongoc_uri_t *uri = NULL;
    bson_error_t be;
    bson_t ping = BSON_INITIALIZER, reply = BSON_INITIALIZER;
    const char *env;
    int rc = -1;

    pthread_once(&init_once, init_library);
    snprintf(m->hosts, sizeof m->hosts, "%s", "(unparsed URI)");
    if (resolve_uri(uri_text, uri_buf, sizeof uri_buf, e) < 0)
        goto out;
    store_redact_uri(uri_buf, s->uri_safe, sizeof s->uri_safe);
    raw_password(uri_buf, m->secret, sizeof m->secret);

    uri = mongoc_uri_new_with_error(uri_buf, &be);
    if (!uri) {
        /* Parse errors may quote the URI: scrub, and name only the redacted one. */
        fail(m, &be, e, "bad URI %s", s->uri_safe);
        goto out;
    }
    if (mongoc_uri_get_password(uri))
        snprintf(m->secret_dec, sizeof m->secret_dec, "%s", mongoc_uri_get_password(uri));
    describe_hosts(uri, m->hosts, sizeof m->hosts);
    snprintf(m->db, sizeof m->db, "%s",
             mongoc_uri_get_database(uri) && *mongoc_uri_get_database(uri)
                 ? mongoc_uri_get_database(uri)
                 : DEFAULT_DB);

    if (!mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
        long ms = DEFAULT_TIMEOUT_MS;
        env = getenv("ELHUB_MONGO_TIMEOUT_MS");
        if (env && *env) {
            char *end;
            ms = strtol(env, &end, 10);
            if (*end || ms <= 0 || ms > 600000) {
                err_set(e, ERR_USAGE, 0, "$ELHUB_MONGO_TIMEOUT_MS=%s: expected 1..600000", env);
                goto out;
            }
        }
        mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, (int32_t)ms);
        if (!mongoc_uri_has_option(uri, MONGOC_URI_CONNECTTIMEOUTMS))
            mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, (int32_t)ms);
    }
    if (!mongoc_uri_has_option(uri, MONGOC_URI_APPNAME))
        mongoc_uri_set_appname(uri, "elhub");

    m->client = mongoc_client_new_from_uri_with_error(uri, &be);
    if (!m->client) {
        fail(m, &be, e, "cannot create a client");
        goto out;
    }
    mongoc_client_set_error_api(m->client, MONGOC_ERROR_API_VERSION_2);

    /* Connect (and authenticate) now, so a down server or refused
     * credentials fail at open with the host named. */
    BSON_APPEND_INT32(&ping, "ping", 1);
    bson_destroy(&reply);
    if (!mongoc_client_command_simple(m->client, m->db, &ping, NULL, &reply, &be)) {
        fail(m, &be, e, "cannot connect (check the server is up and the credentials)");
        goto out;
    }
    bson_destroy(&ping);
    bson_init(&ping);
    BSON_APPEND_INT32(&ping, "buildInfo", 1);
    bson_destroy(&reply);
    if (mongoc_client_command_simple(m->client, "admin", &ping, NULL, &reply, &be))
        m->ferretdb = bson_has_field(&reply, "ferretdbVersion");
    if (mode == STORE_WRITE) {
        for (size_t i = 0; i < dataset_count; i++)
            if (ensure_indexes(m, &dataset_all[i], e) < 0)
                goto out;
    } else {
        int has = 0;
        if (has_collections(m, &has, e) < 0)
            goto out;
        if (!has) {
            err_set(e, ERR_DATA, 0,
                    "mongodb %s: database %s holds no elhub data (fill it with 'elhub load' or "
                    "'elhub import' first)",
                    m->hosts, m->db);
            goto out;
        }
    }
    s->impl = m;
    m = NULL;
    rc = 0;
out:
    bson_destroy(&ping);
    bson_destroy(&reply);
    mongoc_uri_destroy(uri);
    if (m) {
        mongoc_client_destroy(m->client);
        free(m);
    }
    return rc;
}

static void close_mongo(struct store *s)
{
    struct mongo_store *m = s->impl;
    if (!m)
        return;
    mongoc_client_destroy(m->client);
    free(m);
    s->impl = NULL;
}

/* ---- documents -------------------------------------------------------- */

static int64_t to_ms(int64_t t)
{
    if (t > INT64_MAX / 1000)
        return INT64_MAX;
    if (t < INT64_MIN / 1000)
        return INT64_MIN;
    return t * 1000;
}

static int64_t from_ms(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static void row_id(const struct record *r, char *out)
{
    char when[TIMEUTIL_ISO_LEN];
    timeutil_format_utc(r->start, when);
    snprintf(out, ID_LEN, "%s|%s|%s", r->area, r->group, when);
}

/* The document of r: _id (the key as a string, the one lookup FerretDB
 * pushes down), pricearea, the group column, starttime, endtime,
 * quantitykwh, lastupdatedtime (null if unknown), meteringpointcount. */
static void row_doc(const struct dataset *ds, const struct record *r, bson_t *doc)
{
    char id[ID_LEN];
    row_id(r, id);
    BSON_APPEND_UTF8(doc, "_id", id);
    BSON_APPEND_UTF8(doc, ds->area_col, r->area);
    BSON_APPEND_UTF8(doc, ds->group_col, r->group);
    BSON_APPEND_DATE_TIME(doc, ds->time_col, to_ms(r->start));
    BSON_APPEND_DATE_TIME(doc, ds->end_col, to_ms(r->end));
    BSON_APPEND_DOUBLE(doc, ds->value_col, r->value);
    if (r->updated)
        BSON_APPEND_DATE_TIME(doc, ds->update_col, to_ms(r->updated));
    else
        BSON_APPEND_NULL(doc, ds->update_col);
    if ((ds->count_col != NULL) && r->count >= 0)
        BSON_APPEND_INT64(doc, "meteringpointcount", r->count);
}

static int iter_number(const bson_iter_t *it, double *out)
{
    switch (bson_iter_type(it)) {
    case BSON_TYPE_DOUBLE:
        *out = bson_iter_double(it);
        return 0;
    case BSON_TYPE_INT32:
        *out = bson_iter_int32(it);
        return 0;
    case BSON_TYPE_INT64:
        *out = (double)bson_iter_int64(it);
        return 0;
    default:
        return -1;
    }
}

static int copy_name(char *dst, const bson_iter_t *it)
{
    uint32_t len;
    const char *s;
    if (!BSON_ITER_HOLDS_UTF8(it))
        return -1;
    s = bson_iter_utf8(it, &len);
    if (len == 0 || len >= LIMIT_NAME)
        return -1;
    memcpy(dst, s, len + 1);
    return 0;
}

/* Decodes a stored document into r. Fields other writers may have written
 * differently (int quantities, missing meter counts) are accepted; a
 * missing key field or a wrong type is an error naming the field. */
static int doc_record(const struct mongo_store *m, const struct dataset *ds, const bson_t *doc,
                      struct record *r, struct err *e)
{
    bson_iter_t it;
    unsigned seen = 0;
    const char *bad = NULL;
    double v;

    memset(r, 0, sizeof *r);
    r->count = -1;
    if (!bson_iter_init(&it, doc))
        return err_set(e, ERR_DATA, 0, "mongodb %s: %s: a corrupt BSON document", m->hosts,
                       ds->name);
    while (bson_iter_next(&it) && !bad) {
        const char *k = bson_iter_key(&it);
        if (strcmp(k, ds->area_col) == 0) {
            if (copy_name(r->area, &it) < 0)
                bad = k;
            seen |= 1;
        } else if (strcmp(k, ds->group_col) == 0) {
            if (copy_name(r->group, &it) < 0)
                bad = k;
            seen |= 2;
        } else if (strcmp(k, ds->time_col) == 0) {
            if (!BSON_ITER_HOLDS_DATE_TIME(&it))
                bad = k;
            else
                r->start = from_ms(bson_iter_date_time(&it));
            seen |= 4;
        } else if (strcmp(k, ds->end_col) == 0) {
            if (!BSON_ITER_HOLDS_DATE_TIME(&it))
                bad = k;
            else
                r->end = from_ms(bson_iter_date_time(&it));
            seen |= 8;
        } else if (strcmp(k, ds->value_col) == 0) {
            if (iter_number(&it, &r->value) < 0)
                bad = k;
            seen |= 16;
        } else if (strcmp(k, ds->update_col) == 0) {
            if (BSON_ITER_HOLDS_DATE_TIME(&it))
                r->updated = from_ms(bson_iter_date_time(&it));
            else if (!BSON_ITER_HOLDS_NULL(&it))
                bad = k;
        } else if (strcmp(k, "meteringpointcount") == 0) {
            if (BSON_ITER_HOLDS_NULL(&it))
                continue;
            if (iter_number(&it, &v) < 0 || v < 0 || v > 9e15)
                bad = k;
            else
                r->count = (int64_t)v;
        }
    }
    if (!bad && seen != 31)
        bad = !(seen & 1)   ? ds->area_col
              : !(seen & 2) ? ds->group_col
              : !(seen & 4) ? ds->time_col
              : !(seen & 8) ? ds->end_col
                            : ds->value_col;
    if (bad) {
        char id[ID_LEN] = "?";
        if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it))
            snprintf(id, sizeof id, "%s", bson_iter_utf8(&it, NULL));
        return err_set(e, ERR_DATA, 0,
                       "mongodb %s: %s.%s document %s: field %s is missing or of the wrong type",
                       m->hosts, m->db, ds->name, id, bad);
    }
    return 0;
}

/* ---- write ------------------------------------------------------------ */

struct tally {
    int64_t inserted;  /* new documents */
    int64_t replaced;  /* stored documents replaced by newer or equal rows */
    int64_t kept;      /* stored documents kept because they are newer */
    int64_t unchanged; /* stored documents already equal to the row */
};

struct dup {
    char id[ID_LEN];
    size_t row; /* index into the rows of the write call */
    int found;
};

struct dups {
    struct dup *d;
    size_t n, cap;
};

static int cmp_dup(const void *a, const void *b)
{
    return strcmp(((const struct dup *)a)->id, ((const struct dup *)b)->id);
}

static int64_t reply_int(const bson_t *reply, const char *key)
{
    bson_iter_t it;
    double v = 0;
    if (bson_iter_init_find(&it, reply, key))
        iter_number(&it, &v);
    return (int64_t)v;
}

/* Reads the first error of a bulk reply that is not "duplicate key" into
 * code/msg; calls on_dup(index) for every duplicate. Returns the number of
 * other errors. */
static size_t reply_errors(const bson_t *reply, struct dups *dups, const struct record *rows,
                           size_t base, size_t n, long *code, char *msg, size_t msgn)
{
    bson_iter_t it, arr, doc;
    size_t other = 0;

    if (!bson_iter_init_find(&it, reply, "writeErrors") || !BSON_ITER_HOLDS_ARRAY(&it) ||
        !bson_iter_recurse(&it, &arr))
        return 0;
    while (bson_iter_next(&arr)) {
        int64_t idx = -1, c = 0;
        const char *m = "";
        if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &doc))
            continue;
        while (bson_iter_next(&doc)) {
            double v;
            if (strcmp(bson_iter_key(&doc), "index") == 0 && iter_number(&doc, &v) == 0)
                idx = (int64_t)v;
            else if (strcmp(bson_iter_key(&doc), "code") == 0 && iter_number(&doc, &v) == 0)
                c = (int64_t)v;
            else if (strcmp(bson_iter_key(&doc), "errmsg") == 0 && BSON_ITER_HOLDS_UTF8(&doc))
                m = bson_iter_utf8(&doc, NULL);
        }
        if (c == 11000 && dups && idx >= 0 && (size_t)idx < n) {
            struct dup *d;
            xgrow((void **)&dups->d, &dups->cap, dups->n + 1, sizeof *dups->d);
            d = &dups->d[dups->n++];
            d->row = base + (size_t)idx;
            d->found = 0;
            row_id(&rows[d->row], d->id);
            continue;
        }
        if (other++ == 0) {
            *code = (long)c;
            snprintf(msg, msgn, "document %lld: %s", (long long)idx, m);
        }
    }
    return other;
}

/* One unordered bulk insert of rows[base, base+n). Duplicates (the row is
 * already stored) go to dups for reconciliation. */
static int insert_chunk(struct mongo_store *m, mongoc_collection_t *coll, const struct dataset *ds,
                        const struct record *rows, size_t base, size_t n, struct dups *dups,
                        struct tally *t, struct err *e)
{
    bson_t opts = BSON_INITIALIZER, reply, doc;
    mongoc_bulk_operation_t *bulk;
    bson_error_t be;
    long code = 0;
    char msg[300] = "";
    size_t other;
    uint32_t ok;
    int rc = 0;

    BSON_APPEND_BOOL(&opts, "ordered", false);
    bulk = mongoc_collection_create_bulk_operation_with_opts(coll, &opts);
    for (size_t i = 0; i < n; i++) {
        bson_init(&doc);
        row_doc(ds, &rows[base + i], &doc);
        mongoc_bulk_operation_insert_with_opts(bulk, &doc, NULL, NULL);
        bson_destroy(&doc);
    }
    ok = mongoc_bulk_operation_execute(bulk, &reply, &be);
    t->inserted += reply_int(&reply, "nInserted");
    other = reply_errors(&reply, dups, rows, base, n, &code, msg, sizeof msg);
    if (other) {
        bson_error_t we = {0};
        we.code = (uint32_t)code;
        snprintf(we.message, sizeof we.message, "%s (%zu such errors)", msg, other);
        rc = fail(m, &we, e, "insert into %s.%s", m->db, ds->name);
    } else if (!ok && !bson_has_field(&reply, "writeErrors")) {
        rc = fail(m, &be, e, "insert into %s.%s", m->db, ds->name);
    }
    bson_destroy(&reply);
    bson_destroy(&opts);
    mongoc_bulk_operation_destroy(bulk);
    return rc;
}

static int same_row(const struct record *a, const struct record *b)
{
    return a->end == b->end && a->value == b->value && a->updated == b->updated &&
           a->count == b->count;
}

/* Replaces stored documents one by one (replace_one by _id, upsert, in one
 * unordered bulk): atomic per document, and indexed on MongoDB. */
static int replace_by_id(struct mongo_store *m, mongoc_collection_t *coll, const struct dataset *ds,
                         const struct record *rows, const size_t *repl, size_t n, struct tally *t,
                         struct err *e)
{
    bson_t bopts = BSON_INITIALIZER, reply = BSON_INITIALIZER;
    mongoc_bulk_operation_t *bulk;
    bson_error_t be;
    long code = 0;
    char msg[300] = "";
    size_t other;
    uint32_t ok;
    int rc = 0;

    BSON_APPEND_BOOL(&bopts, "ordered", false);
    bulk = mongoc_collection_create_bulk_operation_with_opts(coll, &bopts);
    for (size_t i = 0; i < n; i++) {
        bson_t upd = BSON_INITIALIZER, sel = BSON_INITIALIZER, ro = BSON_INITIALIZER;
        char id[ID_LEN];
        row_id(&rows[repl[i]], id);
        row_doc(ds, &rows[repl[i]], &upd);
        BSON_APPEND_UTF8(&sel, "_id", id);
        BSON_APPEND_BOOL(&ro, "upsert", true);
        mongoc_bulk_operation_replace_one_with_opts(bulk, &sel, &upd, &ro, NULL);
        bson_destroy(&upd);
        bson_destroy(&sel);
        bson_destroy(&ro);
    }
    bson_destroy(&reply);
    ok = mongoc_bulk_operation_execute(bulk, &reply, &be);
    t->replaced += reply_int(&reply, "nModified") + reply_int(&reply, "nUpserted");
    /* A replacement equal to the stored bytes counts as matched only. */
    t->unchanged += reply_int(&reply, "nMatched") - reply_int(&reply, "nModified");
    other = reply_errors(&reply, NULL, rows, 0, 0, &code, msg, sizeof msg);
    if (other) {
        bson_error_t we = {0};
        we.code = (uint32_t)code;
        snprintf(we.message, sizeof we.message, "%s (%zu such errors)", msg, other);
        rc = fail(m, &we, e, "replacing stored %s rows", ds->name);
    } else if (!ok) {
        rc = fail(m, &be, e, "replacing stored %s rows", ds->name);
    }
    bson_destroy(&reply);
    bson_destroy(&bopts);
    mongoc_bulk_operation_destroy(bulk);
    return rc;
}

/* A row index with its start, so the indices sort without a global
 * context (qsort has no context argument). */
struct by_start {
    int64_t start;
    size_t idx;
};

static int cmp_by_start(const void *a, const void *b)
{
    int64_t x = ((const struct by_start *)a)->start, y = ((const struct by_start *)b)->start;
    return (x > y) - (x < y);
}

/* Sorts the row indices repl[0..n) by their rows' start. */
static void sort_by_start(const struct record *rows, size_t *repl, size_t n)
{
    struct by_start *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        tmp[i] = (struct by_start){rows[repl[i]].start, repl[i]};
    if (n > 1)
        qsort(tmp, n, sizeof *tmp, cmp_by_start);
    for (size_t i = 0; i < n; i++)
        repl[i] = tmp[i].idx;
    free(tmp);
}

/* FerretDB 1.24 (SQLite) looks a document up by _id with a full table scan
 * (its query says `->'$._id'`, its index `->"_id"`), so n replace_one
 * cost n scans. Instead, per batch of rows sorted by start: one
 * delete_many narrowed by the batch's time span, then one bulk insert.
 * Not atomic: a crash between the two leaves those rows absent until the
 * rerun writes them again (docs/MONGODB.md). */
static int replace_by_delete(struct mongo_store *m, mongoc_collection_t *coll,
                             const struct dataset *ds, const struct record *rows, size_t *repl,
                             size_t n, struct tally *t, struct err *e)
{
    sort_by_start(rows, repl, n);
    for (size_t off = 0; off < n; off += LIMIT_MONGO_BATCH) {
        size_t k = n - off < LIMIT_MONGO_BATCH ? n - off : LIMIT_MONGO_BATCH;
        bson_t filter = BSON_INITIALIZER, range, in, arr, reply = BSON_INITIALIZER;
        bson_error_t be;
        struct dups none = {NULL, 0, 0};
        struct tally it = {0, 0, 0, 0};
        bool ok;

        BSON_APPEND_DOCUMENT_BEGIN(&filter, ds->time_col, &range);
        BSON_APPEND_DATE_TIME(&range, "$gte", to_ms(rows[repl[off]].start));
        BSON_APPEND_DATE_TIME(&range, "$lte", to_ms(rows[repl[off + k - 1]].start));
        bson_append_document_end(&filter, &range);
        BSON_APPEND_DOCUMENT_BEGIN(&filter, "_id", &in);
        BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
        for (size_t i = 0; i < k; i++) {
            char id[ID_LEN], idx[16];
            const char *key;
            row_id(&rows[repl[off + i]], id);
            bson_uint32_to_string((uint32_t)i, &key, idx, sizeof idx);
            bson_append_utf8(&arr, key, -1, id, -1);
        }
        bson_append_array_end(&in, &arr);
        bson_append_document_end(&filter, &in);
        bson_destroy(&reply);
        ok = mongoc_collection_delete_many(coll, &filter, NULL, &reply, &be);
        bson_destroy(&filter);
        bson_destroy(&reply);
        if (!ok)
            return fail(m, &be, e, "replacing stored %s rows (delete)", ds->name);
        /* Insert the batch in its sorted order: a copy, as insert_chunk
         * takes consecutive rows. */
        {
            struct record *batch = xmalloc(k * sizeof *batch);
            int rc;
            for (size_t i = 0; i < k; i++)
                batch[i] = rows[repl[off + i]];
            rc = insert_chunk(m, coll, ds, batch, 0, k, &none, &it, e);
            free(batch);
            t->replaced += it.inserted;
            if (rc == 0 && none.n) {
                bson_error_t we = {0};
                snprintf(we.message, sizeof we.message,
                         "%zu rows were written by someone else meanwhile", none.n);
                rc = fail(m, &we, e, "replacing stored %s rows", ds->name);
            }
            free(none.d);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

/* The rows that hit a stored document: read the stored ones (one find over
 * the rows' time span, which both MongoDB's starttime index and FerretDB's
 * single table scan serve), keep newer stored documents, skip equal ones,
 * and replace the rest. */
static int reconcile(struct mongo_store *m, mongoc_collection_t *coll, const struct dataset *ds,
                     const struct record *rows, struct dups *dups, unsigned char *changed,
                     struct tally *t, struct err *e)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bson_t filter = BSON_INITIALIZER;
    mongoc_cursor_t *cur = NULL;
    const bson_t *doc;
    bson_error_t be;
    size_t *repl = xmalloc(dups->n * sizeof *repl);
    size_t nrepl = 0;
    int rc = -1;

    for (size_t i = 0; i < dups->n; i++) {
        int64_t st = rows[dups->d[i].row].start;
        lo = st < lo ? st : lo;
        hi = st > hi ? st : hi;
    }
    qsort(dups->d, dups->n, sizeof *dups->d, cmp_dup);
    BCON_APPEND(&filter, ds->time_col, "{", "$gte", BCON_DATE_TIME(to_ms(lo)), "$lte",
                BCON_DATE_TIME(to_ms(hi)), "}");
    cur = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
    while (mongoc_cursor_next(cur, &doc)) {
        bson_iter_t it;
        struct dup key, *d;
        struct record old;
        const struct record *nr;

        if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_UTF8(&it))
            continue;
        snprintf(key.id, sizeof key.id, "%s", bson_iter_utf8(&it, NULL));
        d = bsearch(&key, dups->d, dups->n, sizeof *dups->d, cmp_dup);
        if (!d || d->found)
            continue;
        d->found = 1;
        nr = &rows[d->row];
        if (doc_record(m, ds, doc, &old, NULL) < 0)
            old.updated = INT64_MIN; /* unreadable: replace it */
        if (old.updated != INT64_MIN && old.updated > nr->updated) {
            t->kept++;
            changed[d->row] = 0;
            continue;
        }
        if (old.updated != INT64_MIN && same_row(&old, nr)) {
            t->unchanged++;
            changed[d->row] = 0;
            continue;
        }
        repl[nrepl++] = d->row;
    }
    if (mongoc_cursor_error(cur, &be)) {
        fail(m, &be, e, "reading back stored %s rows", ds->name);
        goto out;
    }
    /* A duplicate with no document under its _id clashes on the key index
     * with a document another tool wrote (its own _id). */
    for (size_t i = 0; i < dups->n; i++) {
        if (!dups->d[i].found) {
            bson_error_t we = {0};
            snprintf(we.message, sizeof we.message,
                     "a document with the key of %s exists under another _id (written by "
                     "another tool?); remove it or use another database",
                     dups->d[i].id);
            fail(m, &we, e, "insert into %s.%s", m->db, ds->name);
            goto out;
        }
    }
    if (nrepl && (m->ferretdb && nrepl > MONGO_REPLACE_ONE_MAX
                      ? replace_by_delete(m, coll, ds, rows, repl, nrepl, t, e)
                      : replace_by_id(m, coll, ds, rows, repl, nrepl, t, e)) < 0)
        goto out;
    rc = 0;
out:
    free(repl);
    bson_destroy(&filter);
    mongoc_cursor_destroy(cur);
    return rc;
}

static void done_id(const struct dataset *ds, const char *key, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", ds->name, key);
}

static int write_done(struct mongo_store *m, const struct dataset *ds, const char *key, size_t n,
                      struct err *e)
{
    mongoc_collection_t *log = mongoc_client_get_collection(m->client, m->db, FETCH_LOG);
    bson_t sel = BSON_INITIALIZER, doc = BSON_INITIALIZER, opts = BSON_INITIALIZER;
    char id[512];
    bson_error_t be;
    int rc = 0;

    done_id(ds, key, id, sizeof id);
    BSON_APPEND_UTF8(&sel, "_id", id);
    BSON_APPEND_UTF8(&doc, "_id", id);
    BSON_APPEND_UTF8(&doc, "dataset", ds->name);
    BSON_APPEND_UTF8(&doc, "key", key);
    BSON_APPEND_INT64(&doc, "rows", (int64_t)n);
    BSON_APPEND_DATE_TIME(&doc, "at", to_ms((int64_t)time(NULL)));
    BSON_APPEND_BOOL(&opts, "upsert", true);
    if (!mongoc_collection_replace_one(log, &sel, &doc, &opts, NULL, &be))
        rc = fail(m, &be, e, "recording %s as done in %s.%s", id, m->db, FETCH_LOG);
    bson_destroy(&sel);
    bson_destroy(&doc);
    bson_destroy(&opts);
    mongoc_collection_destroy(log);
    return rc;
}

static int put_rows_mongo(struct store *s, const struct dataset *ds, const struct record *rows,
                          size_t n, unsigned char *changed, struct err *e)
{
    struct mongo_store *m = s->impl;
    mongoc_collection_t *coll;
    struct tally t = {0, 0, 0, 0};
    struct dups dups = {NULL, 0, 0};
    int rc = -1;

    coll = mongoc_client_get_collection(m->client, m->db, ds->name);
    for (size_t off = 0; off < n; off += LIMIT_MONGO_BATCH) {
        size_t k = n - off < LIMIT_MONGO_BATCH ? n - off : LIMIT_MONGO_BATCH;
        if (insert_chunk(m, coll, ds, rows, off, k, &dups, &t, e) < 0)
            goto out;
    }
    if (dups.n && reconcile(m, coll, ds, rows, &dups, changed, &t, e) < 0)
        goto out;
    log_debug("mongodb %s: %s: %zu rows: %lld inserted, %lld replaced, %lld kept (stored newer), "
              "%lld unchanged",
              m->hosts, ds->name, n, (long long)t.inserted, (long long)t.replaced,
              (long long)t.kept, (long long)t.unchanged);
    rc = 0;
out:
    if (rc < 0)
        err_prefix(e,
                   "%s: write of %zu rows incomplete (so far %lld inserted, %lld replaced, %lld "
                   "kept as stored is newer, %lld unchanged; a rerun completes it)",
                   ds->name, n, (long long)t.inserted, (long long)t.replaced, (long long)t.kept,
                   (long long)t.unchanged);
    free(dups.d);
    mongoc_collection_destroy(coll);
    return rc;
}

static int is_done_mongo(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                         struct err *e)
{
    struct mongo_store *m = s->impl;
    mongoc_collection_t *log = mongoc_client_get_collection(m->client, m->db, FETCH_LOG);
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t be;
    char id[512];
    int rc = 0;

    *done = 0;
    done_id(ds, done_key, id, sizeof id);
    BSON_APPEND_UTF8(&filter, "_id", id);
    BSON_APPEND_INT64(&opts, "limit", 1);
    cur = mongoc_collection_find_with_opts(log, &filter, &opts, NULL);
    if (mongoc_cursor_next(cur, &doc))
        *done = 1;
    else if (mongoc_cursor_error(cur, &be))
        rc = fail(m, &be, e, "reading %s.%s", m->db, FETCH_LOG);
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    bson_destroy(&opts);
    mongoc_collection_destroy(log);
    return rc;
}

/* ---- reads ------------------------------------------------------------ */

/* The $match of q: area, groups ($in) and the time range, each only when
 * q restricts it. */
static void query_filter(const struct store_query *q, bson_t *f)
{
    if (q->area)
        BSON_APPEND_UTF8(f, q->ds->area_col, q->area);
    if (q->ngroups) {
        bson_t in, arr;
        BSON_APPEND_DOCUMENT_BEGIN(f, q->ds->group_col, &in);
        BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
        for (size_t i = 0; i < q->ngroups; i++) {
            char idx[16];
            const char *key;
            bson_uint32_to_string((uint32_t)i, &key, idx, sizeof idx);
            bson_append_utf8(&arr, key, -1, q->groups[i], -1);
        }
        bson_append_array_end(&in, &arr);
        bson_append_document_end(f, &in);
    }
    if (q->from != INT64_MIN || q->to != INT64_MAX) {
        bson_t range;
        BSON_APPEND_DOCUMENT_BEGIN(f, q->ds->time_col, &range);
        if (q->from != INT64_MIN)
            BSON_APPEND_DATE_TIME(&range, "$gte", to_ms(q->from));
        if (q->to != INT64_MAX)
            BSON_APPEND_DATE_TIME(&range, "$lt", to_ms(q->to));
        bson_append_document_end(f, &range);
    }
}

static int scan_mongo(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
                      struct err *e)
{
    struct mongo_store *m = s->impl;
    mongoc_collection_t *coll = mongoc_client_get_collection(m->client, m->db, q->ds->name);
    bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t be;
    struct record r;
    int rc = 0;

    query_filter(q, &filter);
    /* Ties in start come out by area then group, as from SQLite, so
     * exports are byte-identical across the backends. */
    BCON_APPEND(&opts, "sort", "{", q->ds->time_col, BCON_INT32(1), q->ds->area_col, BCON_INT32(1),
                q->ds->group_col, BCON_INT32(1), "}");
    cur = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
    while (rc == 0 && mongoc_cursor_next(cur, &doc)) {
        if (doc_record(m, q->ds, doc, &r, e) < 0) {
            rc = -1;
            break;
        }
        rc = fn(&r, ctx);
    }
    if (rc == 0 && mongoc_cursor_error(cur, &be))
        rc = fail(m, &be, e, "reading %s.%s", m->db, q->ds->name);
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    bson_destroy(&opts);
    mongoc_collection_destroy(coll);
    return rc;
}

static int put_done_mongo(struct store *s, const struct dataset *ds, const char *done_key, size_t n,
                          struct err *e)
{
    return write_done(s->impl, ds, done_key, n, e);
}

/* ---- rollups ---------------------------------------------------------- */

static void rollup_id(const struct store_rollup *r, char *out)
{
    char when[TIMEUTIL_ISO_LEN];
    timeutil_format_utc(r->t, when);
    snprintf(out, ID_LEN, "%s|%s|%s", r->area, r->group, when);
}

static void rollup_doc(const struct dataset *ds, enum store_level level,
                       const struct store_rollup *r, bson_t *doc)
{
    char id[ID_LEN];
    int64_t w[3];
    rollup_id(r, id);
    xsum_to_words(&r->sum, w);
    BSON_APPEND_UTF8(doc, "_id", id);
    BSON_APPEND_UTF8(doc, ds->area_col, r->area);
    BSON_APPEND_UTF8(doc, ds->group_col, r->group);
    BSON_APPEND_DATE_TIME(doc, level_col(level), to_ms(r->t));
    BSON_APPEND_DOUBLE(doc, ds->value_col, xsum_value(&r->sum));
    BSON_APPEND_INT64(doc, "sum0", w[0]);
    BSON_APPEND_INT64(doc, "sum1", w[1]);
    BSON_APPEND_INT64(doc, "sum2", w[2]);
    BSON_APPEND_INT64(doc, "hours", r->hours);
    BSON_APPEND_DATE_TIME(doc, "firsttime", to_ms(r->first));
    BSON_APPEND_DATE_TIME(doc, "lasttime", to_ms(r->last));
    BSON_APPEND_DATE_TIME(doc, ds->update_col, to_ms(r->updated));
}

/* Replaces the rollups: a delete of their _ids, then an unordered insert
 * (FerretDB turns every upsert into a scan; a delete by _id list and a bulk
 * insert are two statements). Not atomic: a reader may miss them for a
 * moment, and a failure between the two is repaired by the rerun the
 * error asks for (store.c recomputes them from the rows). */
static int put_rollups_mongo(struct store *s, const struct dataset *ds, enum store_level level,
                             const struct store_rollup *r, size_t n, struct err *e)
{
    struct mongo_store *m = s->impl;
    char name[128];
    mongoc_collection_t *coll;
    bson_error_t be;
    int rc = 0;

    rollup_coll(ds, level, name, sizeof name);
    coll = mongoc_client_get_collection(m->client, m->db, name);
    for (size_t off = 0; off < n && rc == 0; off += LIMIT_MONGO_BATCH) {
        size_t k = n - off < LIMIT_MONGO_BATCH ? n - off : LIMIT_MONGO_BATCH;
        bson_t sel = BSON_INITIALIZER, in, arr;
        mongoc_bulk_operation_t *bulk;
        bson_t reply;

        BSON_APPEND_DOCUMENT_BEGIN(&sel, "_id", &in);
        BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
        for (size_t i = 0; i < k; i++) {
            char id[ID_LEN], idx[16];
            const char *key;
            rollup_id(&r[off + i], id);
            bson_uint32_to_string((uint32_t)i, &key, idx, sizeof idx);
            bson_append_utf8(&arr, key, -1, id, -1);
        }
        bson_append_array_end(&in, &arr);
        bson_append_document_end(&sel, &in);
        if (!mongoc_collection_delete_many(coll, &sel, NULL, NULL, &be))
            rc = fail(m, &be, e, "replacing rollups in %s.%s", m->db, name);
        bson_destroy(&sel);
        if (rc)
            break;
        {
            bson_t bopts = BSON_INITIALIZER;
            BSON_APPEND_BOOL(&bopts, "ordered", false);
            bulk = mongoc_collection_create_bulk_operation_with_opts(coll, &bopts);
            bson_destroy(&bopts);
        }
        for (size_t i = 0; i < k; i++) {
            bson_t doc = BSON_INITIALIZER;
            rollup_doc(ds, level, &r[off + i], &doc);
            mongoc_bulk_operation_insert(bulk, &doc);
            bson_destroy(&doc);
        }
        if (!mongoc_bulk_operation_execute(bulk, &reply, &be))
            rc = fail(m, &be, e, "writing rollups into %s.%s", m->db, name);
        bson_destroy(&reply);
        mongoc_bulk_operation_destroy(bulk);
    }
    mongoc_collection_destroy(coll);
    return rc;
}

static int clear_rollups_mongo(struct store *s, const struct dataset *ds, struct err *e)
{
    struct mongo_store *m = s->impl;
    int rc = 0;
    for (int l = STORE_DAY; l <= STORE_MONTH && rc == 0; l++) {
        char name[128];
        mongoc_collection_t *coll;
        bson_t all = BSON_INITIALIZER;
        bson_error_t be;
        rollup_coll(ds, (enum store_level)l, name, sizeof name);
        coll = mongoc_client_get_collection(m->client, m->db, name);
        if (!mongoc_collection_delete_many(coll, &all, NULL, NULL, &be))
            rc = fail(m, &be, e, "clearing %s.%s", m->db, name);
        bson_destroy(&all);
        mongoc_collection_destroy(coll);
    }
    return rc;
}

static int64_t iter_int64(const bson_iter_t *it)
{
    double v = 0;
    if (BSON_ITER_HOLDS_INT64(it))
        return bson_iter_int64(it);
    if (iter_number(it, &v) == 0)
        return (int64_t)v;
    return 0;
}

static int scan_rollups_mongo(struct store *s, enum store_level level, const struct store_query *q,
                              store_rollup_fn fn, void *ctx, struct err *e)
{
    struct mongo_store *m = s->impl;
    char name[128];
    mongoc_collection_t *coll;
    bson_t filter = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t be;
    int rc = 0;

    rollup_coll(q->ds, level, name, sizeof name);
    coll = mongoc_client_get_collection(m->client, m->db, name);
    if (q->area)
        BSON_APPEND_UTF8(&filter, q->ds->area_col, q->area);
    if (q->ngroups) {
        bson_t in, arr;
        BSON_APPEND_DOCUMENT_BEGIN(&filter, q->ds->group_col, &in);
        BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
        for (size_t i = 0; i < q->ngroups; i++) {
            char idx[16];
            const char *key;
            bson_uint32_to_string((uint32_t)i, &key, idx, sizeof idx);
            bson_append_utf8(&arr, key, -1, q->groups[i], -1);
        }
        bson_append_array_end(&in, &arr);
        bson_append_document_end(&filter, &in);
    }
    if (q->from != INT64_MIN || q->to != INT64_MAX) {
        bson_t range;
        BSON_APPEND_DOCUMENT_BEGIN(&filter, level_col(level), &range);
        if (q->from != INT64_MIN)
            BSON_APPEND_DATE_TIME(&range, "$gte", to_ms(q->from));
        if (q->to != INT64_MAX)
            BSON_APPEND_DATE_TIME(&range, "$lt", to_ms(q->to));
        bson_append_document_end(&filter, &range);
    }
    cur = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
    while (rc == 0 && mongoc_cursor_next(cur, &doc)) {
        struct store_rollup r;
        bson_iter_t it;
        int64_t w[3] = {0, 0, 0};
        unsigned seen = 0;
        memset(&r, 0, sizeof r);
        if (!bson_iter_init(&it, doc))
            continue;
        while (bson_iter_next(&it)) {
            const char *k = bson_iter_key(&it);
            if (strcmp(k, q->ds->area_col) == 0)
                seen |= copy_name(r.area, &it) == 0 ? 1u : 0u;
            else if (strcmp(k, q->ds->group_col) == 0)
                seen |= copy_name(r.group, &it) == 0 ? 2u : 0u;
            else if (strcmp(k, level_col(level)) == 0 && BSON_ITER_HOLDS_DATE_TIME(&it)) {
                r.t = from_ms(bson_iter_date_time(&it));
                seen |= 4;
            } else if (strcmp(k, "sum0") == 0)
                w[0] = iter_int64(&it);
            else if (strcmp(k, "sum1") == 0)
                w[1] = iter_int64(&it);
            else if (strcmp(k, "sum2") == 0)
                w[2] = iter_int64(&it);
            else if (strcmp(k, "hours") == 0)
                r.hours = iter_int64(&it);
            else if (strcmp(k, "firsttime") == 0 && BSON_ITER_HOLDS_DATE_TIME(&it))
                r.first = from_ms(bson_iter_date_time(&it));
            else if (strcmp(k, "lasttime") == 0 && BSON_ITER_HOLDS_DATE_TIME(&it))
                r.last = from_ms(bson_iter_date_time(&it));
            else if (strcmp(k, q->ds->update_col) == 0 && BSON_ITER_HOLDS_DATE_TIME(&it))
                r.updated = from_ms(bson_iter_date_time(&it));
        }
        if (seen != 7) {
            rc = err_set(e, ERR_DATA, 0, "mongodb %s: %s.%s holds a rollup without its key fields",
                         m->hosts, m->db, name);
            break;
        }
        xsum_from_words(&r.sum, w);
        rc = fn(&r, ctx);
    }
    if (rc == 0 && mongoc_cursor_error(cur, &be))
        rc = fail(m, &be, e, "reading %s.%s", m->db, name);
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    mongoc_collection_destroy(coll);
    return rc;
}

/* ---- the store's own key -> value table --------------------------------- */

static int get_meta_mongo(struct store *s, const char *key, char *value, size_t n, int *found,
                          struct err *e)
{
    struct mongo_store *m = s->impl;
    mongoc_collection_t *coll = mongoc_client_get_collection(m->client, m->db, META);
    bson_t filter = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t be;
    int rc = 0;

    *found = 0;
    if (n)
        value[0] = '\0';
    BSON_APPEND_UTF8(&filter, "_id", key);
    cur = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
    if (mongoc_cursor_next(cur, &doc)) {
        bson_iter_t it;
        if (bson_iter_init_find(&it, doc, "value") && BSON_ITER_HOLDS_UTF8(&it)) {
            snprintf(value, n, "%s", bson_iter_utf8(&it, NULL));
            *found = 1;
        }
    } else if (mongoc_cursor_error(cur, &be)) {
        rc = fail(m, &be, e, "reading %s.%s", m->db, META);
    }
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    mongoc_collection_destroy(coll);
    return rc;
}

static int put_meta_mongo(struct store *s, const char *key, const char *value, struct err *e)
{
    struct mongo_store *m = s->impl;
    mongoc_collection_t *coll = mongoc_client_get_collection(m->client, m->db, META);
    bson_t sel = BSON_INITIALIZER, doc = BSON_INITIALIZER;
    bson_error_t be;
    int rc = 0;

    BSON_APPEND_UTF8(&sel, "_id", key);
    BSON_APPEND_UTF8(&doc, "_id", key);
    BSON_APPEND_UTF8(&doc, "value", value);
    /* Delete then insert, as for the rollups (no upsert on FerretDB). */
    if (!mongoc_collection_delete_one(coll, &sel, NULL, NULL, &be) ||
        !mongoc_collection_insert_one(coll, &doc, NULL, NULL, &be))
        rc = fail(m, &be, e, "writing %s.%s", m->db, META);
    bson_destroy(&sel);
    bson_destroy(&doc);
    mongoc_collection_destroy(coll);
    return rc;
}

const struct store_ops store_mongo_ops = {
    .name = "mongodb",
    .transactional = 0,
    .area_scans = 0,
    .open = open_mongo,
    .close = close_mongo,
    .put_rows = put_rows_mongo,
    .put_rollups = put_rollups_mongo,
    .clear_rollups = clear_rollups_mongo,
    .put_done = put_done_mongo,
    .is_done = is_done_mongo,
    .scan = scan_mongo,
    .scan_rollups = scan_rollups_mongo,
    .get_meta = get_meta_mongo,
    .put_meta = put_meta_mongo,
};
