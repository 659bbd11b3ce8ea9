/* Tests for the MongoDB backend. Without a server: URI and config-file
 * resolution, a down server and a bad URI give errors that name the host and
 * never the password. With ELHUB_TEST_MONGO_URI (a mongodb:// URI without a
 * database; tests/integration/test_mongo.py sets it to the FerretDB of
 * scripts/ferretdb.sh): the upsert rules, done keys, reads against sums
 * computed here, the stored document shape, and bad stored documents. Each
 * server case works in its own database and drops it. */
#include "check.h"
#include "query/query.h"
#include "store/store.h"

#include <mongoc/mongoc.h>

#include <sys/stat.h>
#include <unistd.h>

static char uri[600];
static char dbname[64];

/* ---- without a server ---------------------------------------------------- */

static void down_server(void)
{
    struct store *s = NULL;
    struct err e = {0};
    setenv("ELHUB_MONGO_TIMEOUT_MS", "2000", 1);
    CHECK_INT(store_open("mongodb://bob:s3cret%21@127.0.0.1:1/elhub", STORE_WRITE, &s, &e), -1);
    CHECK(s == NULL);
    CHECK(strstr(e.msg, "127.0.0.1:1") != NULL);
    CHECK(strstr(e.msg, "s3cret") == NULL);
    CHECK_INT(e.domain, ERR_MONGO);
    unsetenv("ELHUB_MONGO_TIMEOUT_MS");
}

static void bad_uri(void)
{
    struct store *s = NULL;
    struct err e = {0};
    CHECK_INT(store_open("mongodb://bob:s3cret@/elhub", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "s3cret") == NULL);
    CHECK(strstr(e.msg, "bob:***@") != NULL);
    CHECK_INT(
        store_open("mongodb://bob:s3cret@h:1/elhub?wTimeoutMS=notanumber", STORE_WRITE, &s, &e),
        -1);
    CHECK(strstr(e.msg, "s3cret") == NULL);
    /* An unescaped '@' in the password is refused before libmongoc sees
     * it (it would take the rest for a host name), showing none of it. */
    CHECK_INT(store_open("mongodb://admin:S3c@ret@127.0.0.1:18199/elhub", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "%40") != NULL);
    CHECK(strstr(e.msg, "S3c") == NULL && strstr(e.msg, "ret@") == NULL);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK_INT(store_open("mongodb:foo", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "mongodb://HOST") != NULL);
    setenv("ELHUB_MONGO_TIMEOUT_MS", "0", 1);
    CHECK_INT(store_open("mongodb://127.0.0.1:1/elhub", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "ELHUB_MONGO_TIMEOUT_MS") != NULL);
    unsetenv("ELHUB_MONGO_TIMEOUT_MS");
}

/* "mongodb:" reads $ELHUB_MONGO_URI, else $XDG_CONFIG_HOME/elhub/mongo.uri. */
static void config_file(void)
{
    char dir[128], sub[160], path[200];
    struct store *s = NULL;
    struct err e = {0};
    FILE *f;
    char *saved = getenv("ELHUB_MONGO_URI") ? strdup(getenv("ELHUB_MONGO_URI")) : NULL;

    snprintf(dir, sizeof dir, "/tmp/elhub-test-mongo-cfg-%d", (int)getpid());
    snprintf(sub, sizeof sub, "%s/elhub", dir);
    snprintf(path, sizeof path, "%s/mongo.uri", sub);
    mkdir(dir, 0700);
    mkdir(sub, 0700);
    unlink(path);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("ELHUB_MONGO_TIMEOUT_MS", "2000", 1);
    unsetenv("ELHUB_MONGO_URI");

    CHECK_INT(store_open("mongodb:", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, path) != NULL);

    f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("# the store\n\n  mongodb://alice:pa55word@127.0.0.1:2/elhub  \n", f);
    fclose(f);
    chmod(path, 0600);
    CHECK_INT(store_open("mongodb:", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "127.0.0.1:2") != NULL);
    CHECK(strstr(e.msg, "pa55word") == NULL);

    setenv("ELHUB_MONGO_URI", "mongodb://127.0.0.1:3/elhub", 1);
    CHECK_INT(store_open("mongodb:", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "127.0.0.1:3") != NULL);

    unlink(path);
    rmdir(sub);
    rmdir(dir);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("ELHUB_MONGO_TIMEOUT_MS");
    if (saved) {
        setenv("ELHUB_MONGO_URI", saved, 1);
        free(saved);
    } else {
        unsetenv("ELHUB_MONGO_URI");
    }
}

/* ---- against a server ---------------------------------------------------- */

static struct store *fresh(void)
{
    static int seq;
    const char *base = getenv("ELHUB_TEST_MONGO_URI");
    const char *q = strchr(base, '?');
    size_t blen = q ? (size_t)(q - base) : strlen(base);
    struct store *s = NULL;
    struct err e = {0};

    while (blen && base[blen - 1] == '/')
        blen--;
    snprintf(dbname, sizeof dbname, "elhub_ctest_%d_%d", (int)getpid(), ++seq);
    snprintf(uri, sizeof uri, "%.*s/%s%s", (int)blen, base, dbname, q ? q : "");
    CHECK_OK(store_open(uri, STORE_WRITE, &s, &e), &e);
    return s;
}

/* A libmongoc client of the test's own, to look at and tamper with what
 * the store wrote. */
static mongoc_client_t *raw_client(void)
{
    mongoc_client_t *c = mongoc_client_new(uri);
    CHECK(c != NULL);
    return c;
}

static void gone(struct store *s)
{
    mongoc_client_t *c;
    mongoc_database_t *db;
    store_free(s);
    c = raw_client();
    db = mongoc_client_get_database(c, dbname);
    mongoc_database_drop(db, NULL);
    mongoc_database_destroy(db);
    mongoc_client_destroy(c);
}

static struct record rec(const char *area, const char *group, int64_t start, double kwh,
                         int64_t updated)
{
    struct record r;
    memset(&r, 0, sizeof r);
    snprintf(r.area, sizeof r.area, "%s", area);
    snprintf(r.group, sizeof r.group, "%s", group);
    r.start = start;
    r.end = start + 3600;
    r.value = kwh;
    r.updated = updated;
    r.count = -1;
    return r;
}

static struct query_totals totals_of(struct store *s, const char *area, const char *const *groups,
                                     size_t ngroups, int64_t from, int64_t to)
{
    struct select sel;
    struct query_totals t;
    struct err e = {0};
    select_init(&sel);
    sel.ds = dataset_find("production");
    snprintf(sel.area, sizeof sel.area, "%s", area);
    for (size_t i = 0; i < ngroups; i++) {
        snprintf(sel.groups[i], LIMIT_NAME, "%s", groups[i]);
        sel.gp[i] = sel.groups[i];
    }
    sel.ngroups = ngroups;
    sel.from = from;
    sel.to = to;
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    return t;
}

static int count_row(const struct record *r, void *ctx)
{
    (void)r;
    ++*(int *)ctx;
    return 0;
}

static int count_rows(struct store *s, const struct dataset *ds)
{
    struct store_query q = {ds, NULL, NULL, 0, INT64_MIN, INT64_MAX};
    struct err e = {0};
    int n = 0;
    CHECK_OK(store_scan(s, &q, count_row, &n, &e), &e);
    return n;
}

static void upsert_rules(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record a[2] = {rec("NO1", "hydro", 1609455600, 10.5, 1609459200),
                          rec("NO1", "wind", 1609455600, 2.0, 1609459200)};
    struct query_totals t;

    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e);
    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e); /* idempotent */
    CHECK_INT(count_rows(s, ds), 2);
    /* An older revision does not replace a newer one... */
    a[0].value = 99;
    a[0].updated = 1609455600;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    t = totals_of(s, "NO1", NULL, 0, INT64_MIN, INT64_MAX);
    CHECK_INT(t.n, 2);
    CHECK_STR(t.t[0].group, "hydro");
    CHECK(t.t[0].value == 10.5);
    CHECK_INT(t.t[0].hours, 1);
    query_totals_release(&t);
    /* ...a newer one does, and so does an equal one with another value;
     * the rollups follow the stored rows. */
    a[0].value = 11.25;
    a[0].updated = 1609462800;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    t = totals_of(s, "NO1", NULL, 0, INT64_MIN, INT64_MAX);
    CHECK(t.t[0].value == 11.25);
    CHECK_INT(t.t[0].hours, 1);
    query_totals_release(&t);
    a[0].value = 12.5;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    t = totals_of(s, "NO1", NULL, 0, INT64_MIN, INT64_MAX);
    CHECK(t.t[0].value == 12.5);
    query_totals_release(&t);
    CHECK_INT(count_rows(s, ds), 2);
    CHECK_INT(count_rows(s, dataset_find("consumption")), 0);
    gone(s);
}

/* Many revised rows at once (FerretDB takes the delete + insert path),
 * mixed with older ones that must not win and equal ones. */
static void many_revisions(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record rows[300];
    struct query_totals t;
    double want = 0;

    for (int i = 0; i < 300; i++)
        rows[i] =
            rec("NO4", i % 2 ? "wind" : "hydro", 1609455600 + 3600 * (i / 2), 1.0, 1609459200);
    CHECK_OK(store_write(s, ds, rows, 300, NULL, &e), &e);
    for (int i = 0; i < 300; i++) {
        if (i % 3 == 0) { /* newer: replaces */
            rows[i].value = 2.5;
            rows[i].updated += 60;
        } else if (i % 3 == 1) { /* older: kept */
            rows[i].value = 100;
            rows[i].updated -= 60;
        }
        want += i % 3 == 0 ? 2.5 : 1.0;
    }
    CHECK_OK(store_write(s, ds, rows, 300, NULL, &e), &e);
    t = totals_of(s, "NO4", NULL, 0, INT64_MIN, INT64_MAX);
    CHECK_INT(t.n, 2);
    CHECK_INT(t.t[0].hours + t.t[1].hours, 300);
    CHECK(t.t[0].value + t.t[1].value == want);
    query_totals_release(&t);
    gone(s);
}

static void done_keys(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record r = rec("NO2", "solar", 1609455600, 1.0, 0);
    int done = 1;
    CHECK_OK(store_is_done(s, ds, "2021-01", &done, &e), &e);
    CHECK_INT(done, 0);
    CHECK_OK(store_write(s, ds, &r, 1, "2021-01", &e), &e);
    CHECK_OK(store_is_done(s, ds, "2021-01", &done, &e), &e);
    CHECK_INT(done, 1);
    CHECK_OK(store_is_done(s, dataset_find("consumption"), "2021-01", &done, &e), &e);
    CHECK_INT(done, 0);
    gone(s);
}

static double value(int area, int group, int64_t h)
{
    return (double)((h * 7 + area * 13 + group * 31) % 1000) + 0.125 * group;
}

static const char *const areas[] = {"NO1", "NO2"};
static const char *const groups[] = {"hydro", "solar", "wind"};

/* Two areas x three groups, every hour of October 2021 (25-hour DST day). */
static struct store *filled(int64_t *from, int64_t *to)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    size_t n = 0, hours;
    struct record *rows;
    *from = timeutil_oslo_midnight(2021, 10, 1);
    *to = timeutil_oslo_midnight(2021, 11, 1);
    hours = (size_t)((*to - *from) / 3600);
    rows = calloc(hours * 6, sizeof *rows);
    for (size_t h = 0; h < hours; h++)
        for (int a = 0; a < 2; a++)
            for (int g = 0; g < 3; g++)
                rows[n++] = rec(areas[a], groups[g], *from + (int64_t)h * 3600,
                                value(a, g, (int64_t)h), 1635000000);
    CHECK_OK(store_write(s, ds, rows, n, "2021-10", &e), &e);
    free(rows);
    return s;
}

static void reads(void)
{
    int64_t from, to;
    struct store *s = filled(&from, &to);
    struct err e = {0};
    int64_t mid = timeutil_oslo_midnight(2021, 10, 16);
    const char *two[] = {"wind", "hydro"};
    struct query_totals t;
    struct query_series out;
    struct query_overview o;
    struct select sel;
    double want[3] = {0};
    int64_t hours = (mid - from) / 3600;

    for (int64_t h = 0; h < hours; h++)
        for (int g = 0; g < 3; g++)
            want[g] += value(1, g, h);
    /* From the day rollups the backend keeps beside the rows. */
    t = totals_of(s, "NO2", two, 2, from, mid);
    CHECK_INT(t.n, 2);
    CHECK_STR(t.t[0].group, "hydro");
    CHECK(t.t[0].value == want[0]);
    CHECK_INT(t.t[0].hours, hours);
    CHECK_STR(t.t[1].group, "wind");
    CHECK(t.t[1].value == want[2]);
    CHECK_INT(t.t[1].hours, hours);
    query_totals_release(&t);
    /* The whole month from the month rollup. */
    t = totals_of(s, "NO2", two, 2, from, to);
    CHECK_INT(t.t[0].hours, 745);
    query_totals_release(&t);
    /* The Oslo-day series: 31 days, the 31st has 25 h. */
    select_init(&sel);
    sel.ds = dataset_find("production");
    snprintf(sel.area, sizeof sel.area, "NO2");
    sel.from = from;
    sel.to = to;
    sel.step = TIMEUTIL_DAY;
    CHECK_OK(query_series(s, &sel, 0, &out, &e), &e);
    CHECK_INT(out.ng, 3);
    CHECK_INT(out.g[0].n, 31);
    CHECK_INT(out.g[0].pts[30].hours, 25);
    CHECK_INT(out.g[0].pts[30].t, timeutil_oslo_midnight(2021, 10, 31));
    query_series_release(&out);
    /* The overview sees every row. */
    CHECK_OK(query_overview(s, sel.ds, &o, &e), &e);
    CHECK_INT(o.d[0].nseries, 6);
    CHECK_STR(o.d[0].series[0].area, "NO1");
    CHECK_INT(o.d[0].series[0].hours, 745);
    CHECK_INT(o.d[0].series[0].first, from);
    CHECK_INT(o.d[0].series[0].last, to - 3600);
    CHECK_INT(o.d[0].series[0].updated, 1635000000);
    query_overview_release(&o);
    gone(s);
}

/* What lands on the server: _id, BSON dates, a double, the indexes. */
static void doc_shape(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("consumption");
    struct record r = rec("NO3", "cabin", 1633039200, 42.125, 1633046400);
    mongoc_client_t *c;
    mongoc_collection_t *coll;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_t filter = BSON_INITIALIZER;
    bson_iter_t it;
    int unique_key = 0;

    r.count = 1234;
    CHECK_OK(store_write(s, ds, &r, 1, NULL, &e), &e);
    c = raw_client();
    coll = mongoc_client_get_collection(c, dbname, "consumption");
    cur = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
    CHECK(mongoc_cursor_next(cur, &doc));
    CHECK(bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it));
    CHECK_STR(bson_iter_utf8(&it, NULL), "NO3|cabin|2021-09-30T22:00:00Z");
    CHECK(bson_iter_init_find(&it, doc, "starttime") && BSON_ITER_HOLDS_DATE_TIME(&it));
    CHECK_INT(bson_iter_date_time(&it), 1633039200000LL);
    CHECK(bson_iter_init_find(&it, doc, "endtime") && BSON_ITER_HOLDS_DATE_TIME(&it));
    CHECK(bson_iter_init_find(&it, doc, "lastupdatedtime") && BSON_ITER_HOLDS_DATE_TIME(&it));
    CHECK(bson_iter_init_find(&it, doc, "quantitykwh") && BSON_ITER_HOLDS_DOUBLE(&it));
    CHECK(bson_iter_init_find(&it, doc, "consumptiongroup") && BSON_ITER_HOLDS_UTF8(&it));
    CHECK(bson_iter_init_find(&it, doc, "meteringpointcount") && BSON_ITER_HOLDS_INT64(&it));
    CHECK_INT(bson_iter_int64(&it), 1234);
    mongoc_cursor_destroy(cur);

    cur = mongoc_collection_find_indexes_with_opts(coll, NULL);
    while (mongoc_cursor_next(cur, &doc)) {
        if (bson_iter_init_find(&it, doc, "name") &&
            strcmp(bson_iter_utf8(&it, NULL), "elhub_key") == 0)
            unique_key = bson_iter_init_find(&it, doc, "unique") && bson_iter_as_bool(&it);
    }
    CHECK_INT(unique_key, 1);
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(c);
    gone(s);
}

/* A document another tool wrote badly is an error naming it and its field;
 * one with our key under another _id stops a write with a clear message. */
static void foreign_documents(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record r = rec("NO1", "hydro", 1609455600, 1.0, 1609459200);
    mongoc_client_t *c = raw_client();
    mongoc_collection_t *coll = mongoc_client_get_collection(c, dbname, "production");
    bson_t *bad =
        BCON_NEW("_id", BCON_UTF8("x"), "pricearea", BCON_UTF8("NO5"), "productiongroup",
                 BCON_UTF8("wind"), "starttime", BCON_DATE_TIME(1609455600000LL), "endtime",
                 BCON_DATE_TIME(1609459200000LL), "quantitykwh", BCON_UTF8("12"));
    bson_t *clash = BCON_NEW("pricearea", BCON_UTF8("NO1"), "productiongroup", BCON_UTF8("hydro"),
                             "starttime", BCON_DATE_TIME(1609455600000LL), "endtime",
                             BCON_DATE_TIME(1609459200000LL), "quantitykwh", BCON_DOUBLE(3.0));
    bson_error_t be;
    bool inserted;

    inserted = mongoc_collection_insert_one(coll, clash, NULL, NULL, &be);
    if (!inserted)
        fprintf(stderr, "insert of the clashing document: %s\n", be.message);
    CHECK(inserted);
    CHECK_INT(store_write(s, ds, &r, 1, NULL, &e), -1);
    CHECK(strstr(e.msg, "another _id") != NULL);
    CHECK(strstr(e.msg, "NO1|hydro|2020-12-31T23:00:00Z") != NULL);

    CHECK(mongoc_collection_insert_one(coll, bad, NULL, NULL, &be));
    CHECK_INT(count_rows(s, dataset_find("consumption")), 0);
    {
        struct store_query q = {ds, "NO5", NULL, 0, INT64_MIN, INT64_MAX};
        int n = 0;
        CHECK_INT(store_scan(s, &q, count_row, &n, &e), -1);
        CHECK(strstr(e.msg, "quantitykwh") != NULL);
        CHECK(strstr(e.msg, "document x") != NULL);
    }
    /* NaN is refused before anything is written. */
    r.value = NAN;
    r.start += 3600;
    r.end += 3600;
    CHECK_INT(store_write(s, ds, &r, 1, NULL, &e), -1);
    CHECK(strstr(e.msg, "finite") != NULL && strstr(e.msg, "nothing written") != NULL);
    bson_destroy(bad);
    bson_destroy(clash);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(c);
    gone(s);
}

int main(int argc, char **argv)
{
    static const struct check_case offline[] = {
        {"/store/mongo/open/down", down_server},
        {"/store/mongo/open/bad_uri", bad_uri},
        {"/store/mongo/open/config_file", config_file},
    };
    static const struct check_case online[] = {
        {"/store/mongo/upsert", upsert_rules}, {"/store/mongo/revisions", many_revisions},
        {"/store/mongo/done_keys", done_keys}, {"/store/mongo/reads", reads},
        {"/store/mongo/doc_shape", doc_shape}, {"/store/mongo/foreign", foreign_documents},
    };
    struct check_case all[sizeof offline / sizeof offline[0] + sizeof online / sizeof online[0]];
    size_t n = 0;
    const char *server = getenv("ELHUB_TEST_MONGO_URI");

    for (size_t i = 0; i < sizeof offline / sizeof offline[0]; i++)
        all[n++] = offline[i];
    /* The server cases run from tests/integration/test_mongo.py, which
     * starts FerretDB and sets ELHUB_TEST_MONGO_URI; the unit pass runs
     * before any server is up. */
    if (server && *server)
        for (size_t i = 0; i < sizeof online / sizeof online[0]; i++)
            all[n++] = online[i];
    else
        printf("# server cases need ELHUB_TEST_MONGO_URI (run by test_mongo.py)\n");
    return check_run(all, n, argc, argv);
}
