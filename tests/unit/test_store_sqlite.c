/* Tests for the SQLite backend, the write with its rollups (store.c) and
 * the read model over it (query.c): upsert rules, idempotence, fetch_log,
 * reads compared with sums computed here independently, Oslo buckets across
 * both DST days, the property that rollup reads equal raw-row reads on
 * hundreds of random selections after random writes, reading without
 * creating, and the one-time rollup build of a store filled by another
 * tool. */
#include "check.h"
#include "query/query.h"
#include "store/store.h"

#include <sqlite3.h>
#include <unistd.h>

static char path[256];
static char uri[300];

static void names(void)
{
    snprintf(path, sizeof path, "/tmp/elhub-test-store-%d.db", (int)getpid());
    snprintf(uri, sizeof uri, "sqlite:%s", path);
}

static void remove_files(void)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static struct store *fresh(void)
{
    struct store *s = NULL;
    struct err e = {0};
    names();
    remove_files();
    CHECK_OK(store_open(uri, STORE_WRITE, &s, &e), &e);
    return s;
}

static void gone(struct store *s)
{
    store_free(s);
    remove_files();
}

static struct record rec(const char *area, const char *group, int64_t start, double v,
                         int64_t updated)
{
    struct record r;
    memset(&r, 0, sizeof r);
    snprintf(r.area, sizeof r.area, "%s", area);
    snprintf(r.group, sizeof r.group, "%s", group);
    r.start = start;
    r.end = start + 3600;
    r.value = v;
    r.updated = updated;
    r.count = -1;
    return r;
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

static struct select sel_of(const char *ds, const char *area, int64_t from, int64_t to)
{
    struct select s;
    select_init(&s);
    s.ds = dataset_find(ds);
    if (area)
        snprintf(s.area, sizeof s.area, "%s", area);
    s.from = from;
    s.to = to;
    s.has_from = from != INT64_MIN;
    s.has_to = to != INT64_MAX;
    return s;
}

static const int64_t T2021 = 1609455600; /* 2021-01-01T00:00:00+01:00 */

static void upsert_rules(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record a[2] = {rec("NO1", "hydro", T2021, 10.5, T2021 + 100),
                          rec("NO1", "wind", T2021, 2.0, T2021 + 100)};
    struct select sel = sel_of("production", "NO1", INT64_MIN, INT64_MAX);
    struct query_totals t;

    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e);
    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e); /* idempotent */
    CHECK_INT(count_rows(s, ds), 2);
    /* An older revision does not replace a newer one... */
    a[0].value = 99;
    a[0].updated = T2021 + 50;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    CHECK_INT(t.n, 2);
    CHECK_STR(t.t[0].group, "hydro");
    CHECK(t.t[0].value == 10.5);
    query_totals_release(&t);
    /* ...a newer one does, and the rollups follow. */
    a[0].value = 11.25;
    a[0].updated = T2021 + 200;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    CHECK(t.t[0].value == 11.25);
    CHECK_INT(t.t[0].hours, 1);
    query_totals_release(&t);
    CHECK_INT(count_rows(s, ds), 2);
    CHECK_INT(count_rows(s, dataset_find("consumption")), 0);
    gone(s);
}

/* Whatever the input order (group-major as the API sends it, reversed),
 * the stored result is the same; a key repeated inside one batch, or a row
 * that fails record_check, makes the write fail with nothing written. */
static void batch_order_and_refusals(void)
{
    const struct dataset *ds = dataset_find("production");
    const char *gs[] = {"wind", "hydro", "*"};
    struct record rows[3 * 50 + 1];
    size_t n = 0;
    struct store *s = fresh();
    struct err e = {0};
    struct select sel = sel_of("production", NULL, INT64_MIN, INT64_MAX);
    struct query_totals t;

    for (int g = 0; g < 3; g++)
        for (int h = 49; h >= 0; h--)
            rows[n++] = rec(g == 2 ? "NO2" : "NO1", gs[g], T2021 + h * 3600, g * 100 + h, 0);
    rows[n++] = rec("NO1", "wind", T2021, 7777, 0); /* the same key again */
    CHECK_INT(store_write(s, ds, rows, n, NULL, &e), -1);
    CHECK(strstr(e.msg, "two production rows for NO1 wind at 2021-01-01T00:00:00+01:00"));
    CHECK_INT(count_rows(s, ds), 0);
    rows[n - 1] = rec("NO1", "hydro", T2021 + 1800, 1, 0); /* off the hour */
    CHECK_INT(store_write(s, ds, rows, n, NULL, &e), -1);
    CHECK(strstr(e.msg, "not on a whole hour") && strstr(e.msg, "nothing written"));
    CHECK_INT(count_rows(s, ds), 0);
    CHECK_OK(store_write(s, ds, rows, n - 1, NULL, &e), &e);
    CHECK_INT(count_rows(s, ds), 150);
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    CHECK_INT(t.n, 3);
    CHECK_STR(t.t[0].group, "*");
    CHECK(t.t[0].value == 200 * 50 + 49 * 50 / 2);
    CHECK_STR(t.t[1].group, "hydro");
    CHECK(t.t[1].value == 100 * 50 + 49 * 50 / 2);
    CHECK_STR(t.t[2].group, "wind");
    CHECK(t.t[2].value == 49 * 50 / 2);
    query_totals_release(&t);
    gone(s);
}

static void done_keys(void)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    struct record r = rec("NO2", "solar", T2021, 1.0, 0);
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

/* Two areas x three groups, every hour of Oct-Nov 2021 (crossing the
 * autumn DST change), value = a simple function of the hour. */
static double value(int area, int group, int64_t h)
{
    return (double)((h * 7 + area * 13 + group * 31) % 1000) + 0.125 * group;
}

static const char *const areas[] = {"NO1", "NO2"};
static const char *const groups[] = {"hydro", "solar", "wind"};

static struct store *filled(int64_t *from, int64_t *to)
{
    struct store *s = fresh();
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    size_t n = 0, hours;
    struct record *rows;
    *from = timeutil_oslo_midnight(2021, 10, 1);
    *to = timeutil_oslo_midnight(2021, 12, 1);
    hours = (size_t)((*to - *from) / 3600);
    rows = calloc(hours * 6, sizeof *rows);
    for (size_t h = 0; h < hours; h++)
        for (int a = 0; a < 2; a++)
            for (int g = 0; g < 3; g++)
                rows[n++] = rec(areas[a], groups[g], *from + (int64_t)h * 3600,
                                value(a, g, (int64_t)h), T2021);
    CHECK_OK(store_write(s, ds, rows, n, NULL, &e), &e);
    free(rows);
    return s;
}

static void totals_and_overview(void)
{
    int64_t from, to;
    struct store *s = filled(&from, &to);
    struct err e = {0};
    int64_t oct_end = timeutil_oslo_midnight(2021, 11, 1);
    struct select sel = sel_of("production", "NO2", from, oct_end);
    struct query_totals t;
    struct query_overview o;
    double want[3] = {0};
    int64_t hours = (oct_end - from) / 3600;

    CHECK_INT(hours, 745);
    for (int64_t h = 0; h < hours; h++)
        for (int g = 0; g < 3; g++)
            want[g] += value(1, g, h); /* exact: quarters and small integers */
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    CHECK_INT(t.n, 3);
    CHECK_INT(t.period_hours, 745);
    for (int g = 0; g < 3; g++) {
        CHECK_STR(t.t[g].group, groups[g]);
        CHECK(t.t[g].value == want[g]);
        CHECK_INT(t.t[g].hours, 745);
    }
    query_totals_release(&t);

    CHECK_OK(query_overview(s, NULL, &o, &e), &e);
    CHECK_INT(o.n, 3); /* production, consumption, weather */
    CHECK_INT(o.d[0].nseries, 6);
    CHECK_INT(o.d[1].nseries, 0);
    CHECK_INT(o.d[2].nseries, 0);
    for (size_t i = 0; i < 6; i++) {
        CHECK_INT(o.d[0].series[i].hours, (to - from) / 3600);
        CHECK_INT(o.d[0].series[i].first, from);
        CHECK_INT(o.d[0].series[i].last, to - 3600);
        CHECK_INT(o.d[0].series[i].missing, 0);
        CHECK_INT(o.d[0].series[i].updated, T2021);
    }
    CHECK_STR(o.d[0].series[0].area, "NO1");
    CHECK_STR(o.d[0].series[5].group, "wind");
    CHECK_INT(o.d[0].nyears, 1);
    CHECK_INT(o.d[0].years[0], 2021);
    CHECK_INT(o.d[0].nareas, 2);
    CHECK_INT(o.ngroups, 3);
    query_overview_release(&o);
    gone(s);
}

static void series_buckets(void)
{
    int64_t from, to;
    struct store *s = filled(&from, &to);
    struct err e = {0};
    struct select sel = sel_of("production", "NO1", from, timeutil_oslo_midnight(2021, 11, 1));
    struct query_series out;
    struct record g3[3];

    for (int i = 0; i < 3; i++)
        record_set_group(&g3[i], (const char *[]){"wind", "hydro", "thermal"}[i],
                         strlen((const char *[]){"wind", "hydro", "thermal"}[i]), NULL);
    for (int i = 0; i < 3; i++) {
        memcpy(sel.groups[i], g3[i].group, LIMIT_NAME);
        sel.gp[i] = sel.groups[i];
    }
    sel.ngroups = 3;

    /* Hourly October: 745 points; the DST day has 25 of them. */
    sel.step = TIMEUTIL_HOUR;
    CHECK_OK(query_series(s, &sel, 0, &out, &e), &e);
    CHECK_INT(out.ng, 3);
    CHECK_STR(out.g[0].group, "hydro");
    CHECK_STR(out.g[1].group, "thermal"); /* asked for, no rows: present, empty */
    CHECK_INT(out.g[1].n, 0);
    CHECK_INT(out.g[0].n, 745);
    query_series_release(&out);
    /* A cap on points is an error saying so. */
    CHECK_INT(query_series(s, &sel, 1000, &out, &e), -1);
    CHECK(strstr(e.msg, "more than 1000 points"));

    /* Daily over Oct-Nov: 61 days, 31 Oct holds 25 hours. */
    sel.to = to;
    sel.step = TIMEUTIL_DAY;
    CHECK_OK(query_series(s, &sel, 0, &out, &e), &e);
    CHECK_INT(out.g[0].n, 61);
    CHECK_INT(out.g[0].pts[30].hours, 25);
    CHECK_INT(out.g[0].pts[30].period_hours, 25);
    CHECK_INT(out.g[0].pts[30].t, timeutil_oslo_midnight(2021, 10, 31));
    {
        double sum = 0, want = 0;
        for (size_t i = 0; i < out.g[0].n; i++)
            sum += out.g[0].pts[i].value;
        for (int64_t h = 0; h < (to - from) / 3600; h++)
            want += value(0, 0, h);
        CHECK(sum == want);
    }
    query_series_release(&out);

    /* Monthly: two buckets of 745 and 720 hours. */
    sel.step = TIMEUTIL_MONTH;
    CHECK_OK(query_series(s, &sel, 0, &out, &e), &e);
    CHECK_INT(out.g[2].n, 2);
    CHECK_INT(out.g[2].pts[0].hours, 745);
    CHECK_INT(out.g[2].pts[1].hours, 720);
    query_series_release(&out);

    /* Weekly: Oct 1 2021 is a Friday, so the first bucket starts Monday
     * Sep 27 and holds only Fri-Sun, of which the period has 72 hours. */
    sel.step = TIMEUTIL_WEEK;
    CHECK_OK(query_series(s, &sel, 0, &out, &e), &e);
    CHECK_INT(out.g[0].pts[0].t, timeutil_oslo_midnight(2021, 9, 27));
    CHECK_INT(out.g[0].pts[0].hours, 72);
    CHECK_INT(out.g[0].pts[0].period_hours, 72);
    query_series_release(&out);
    gone(s);
}

/* ---- the property: rollup reads equal raw-row reads ----------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct raw {
    const char *area;
    const char *group;
    int64_t from, to;
    struct xsum sum[3];
    int64_t hours[3];
};

static int raw_row(const struct record *r, void *ctx)
{
    struct raw *w = ctx;
    for (int g = 0; g < 3; g++) {
        if (strcmp(r->group, groups[g]) == 0) {
            xsum_add(&w->sum[g], r->value);
            w->hours[g]++;
        }
    }
    return 0;
}

/* Random batches over two years across both DST changes (2021-03-28 and
 * 10-31), with holes, partial days, revisions newer and older and repeats;
 * then a few hundred random day ranges. Every read of the read model
 * (totals from month and day rollups, day/week/month series, coverage)
 * equals, bit for bit, what the rows themselves give, summed here with the
 * same exact sum but straight from store_scan. */
static void rollups_equal_rows(void)
{
    struct store *s = fresh();
    const struct dataset *ds = dataset_find("production");
    uint64_t seed = 0x51ed2701ull;
    struct err e = {0};
    const int64_t span_days = 730;
    int checks = 0;

    for (int batch = 0; batch < 40; batch++) {
        struct record rows[2000];
        size_t n = 0;
        int64_t day0 = (int64_t)(rnd(&seed) % (uint64_t)(span_days - 40));
        int64_t d0 = timeutil_oslo_midnight(2021, 1, 1 + (int)day0);
        int64_t hours = 24 + (int64_t)(rnd(&seed) % (24 * 30));
        int64_t upd = T2021 + (int64_t)(rnd(&seed) % 1000);
        for (int64_t h = 0; h < hours && n + 6 <= sizeof rows / sizeof rows[0]; h++) {
            for (int a = 0; a < 2; a++) {
                for (int g = 0; g < 3; g++) {
                    if (rnd(&seed) % 7 == 0) /* holes */
                        continue;
                    rows[n++] = rec(areas[a], groups[g], d0 + h * 3600,
                                    (double)(int64_t)(rnd(&seed) % 10000000) / 1000.0, upd);
                }
            }
        }
        CHECK_OK(store_write(s, ds, rows, n, NULL, &e), &e);
    }
    for (int round = 0; round < 300; round++) {
        int64_t a0 = (int64_t)(rnd(&seed) % (uint64_t)span_days);
        int64_t len = 1 + (int64_t)(rnd(&seed) % 120);
        int64_t from = timeutil_oslo_midnight(2021, 1, 1 + (int)a0);
        int64_t to = timeutil_oslo_midnight(2021, 1, 1 + (int)(a0 + len));
        const char *area = (rnd(&seed) & 1) ? areas[rnd(&seed) % 2] : NULL;
        struct select sel = sel_of("production", area, from, to);
        struct raw w;
        struct store_query q = {ds, area, NULL, 0, from, to};
        struct query_totals t;
        struct query_series ser;
        memset(&w, 0, sizeof w);
        CHECK_OK(store_scan(s, &q, raw_row, &w, &e), &e);
        CHECK_OK(query_totals(s, &sel, &t, &e), &e);
        for (int g = 0; g < 3; g++) {
            int found = 0;
            for (size_t i = 0; i < t.n; i++) {
                if (strcmp(t.t[i].group, groups[g]) != 0)
                    continue;
                found = 1;
                if (!xsum_equal(&t.t[i].sum, &w.sum[g]) || t.t[i].hours != w.hours[g])
                    CHECK_FAIL_("round %d totals %s: %.17g (%lld h) vs rows %.17g (%lld h)", round,
                                groups[g], t.t[i].value, (long long)t.t[i].hours,
                                xsum_value(&w.sum[g]), (long long)w.hours[g]);
            }
            CHECK_INT(found, w.hours[g] > 0);
        }
        query_totals_release(&t);
        for (int st = TIMEUTIL_DAY; st <= TIMEUTIL_MONTH; st++) {
            sel.step = (enum timeutil_step)st;
            CHECK_OK(query_series(s, &sel, 0, &ser, &e), &e);
            for (size_t gi = 0; gi < ser.ng; gi++) {
                struct xsum all;
                int64_t hrs = 0;
                int g = 0;
                xsum_init(&all);
                for (size_t k = 0; k < ser.g[gi].n; k++) {
                    xsum_merge(&all, &ser.g[gi].pts[k].sum);
                    hrs += ser.g[gi].pts[k].hours;
                    if (k)
                        CHECK(ser.g[gi].pts[k].t > ser.g[gi].pts[k - 1].t);
                }
                while (g < 3 && strcmp(groups[g], ser.g[gi].group) != 0)
                    g++;
                CHECK(g < 3);
                if (!xsum_equal(&all, &w.sum[g]) || hrs != w.hours[g])
                    CHECK_FAIL_("round %d step %d %s: buckets sum to %.17g, rows %.17g", round, st,
                                groups[g], xsum_value(&all), xsum_value(&w.sum[g]));
            }
            query_series_release(&ser);
        }
        if (area) {
            struct query_coverage c;
            sel.ngroups = 0;
            CHECK_OK(query_coverage(s, &sel, 1000000, &c, &e), &e);
            for (size_t gi = 0; gi < c.ng; gi++) {
                int g = 0;
                while (g < 3 && strcmp(groups[g], c.g[gi].group) != 0)
                    g++;
                CHECK(g < 3);
                CHECK_INT(c.g[gi].present, w.hours[g]);
                CHECK_INT(c.g[gi].present + c.g[gi].missing, (to - from) / 3600);
            }
            query_coverage_release(&c);
        }
        checks++;
    }
    CHECK_INT(checks, 300);
    gone(s);
}

/* ---- opening ------------------------------------------------------------ */

static void bad_uri_and_read_only(void)
{
    struct store *s = NULL;
    struct err e = {0};
    struct record r = rec("NO1", "hydro", T2021, 1, 0);

    CHECK_INT(store_open("sqlite:", STORE_WRITE, &s, &e), -1);
    CHECK(s == NULL);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK_INT(store_open("sqlite::memory:", STORE_WRITE, &s, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK_INT(store_open("sqlite:file:x.db?mode=memory", STORE_WRITE, &s, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK_INT(store_open("sqlite:/nonexistent-dir/x/y.db", STORE_WRITE, &s, &e), -1);
    CHECK(strstr(e.msg, "/nonexistent-dir/x/y.db") != NULL);
    CHECK_INT(store_open("postgres://x", STORE_READ, &s, &e), -1);
    CHECK(strstr(e.msg, "unknown store") != NULL);
    CHECK_INT(e.domain, ERR_USAGE);
    /* Reading never creates. */
    names();
    remove_files();
    CHECK_INT(store_open(uri, STORE_READ, &s, &e), -1);
    CHECK(strstr(e.msg, path) != NULL);
    CHECK(access(path, F_OK) != 0);
    /* A store opened for reading refuses writes. */
    s = fresh();
    store_free(s);
    CHECK_OK(store_open(uri, STORE_READ, &s, &e), &e);
    CHECK_INT(store_write(s, dataset_find("production"), &r, 1, NULL, &e), -1);
    CHECK(strstr(e.msg, "reading only"));
    gone(s);
}

/* A store whose tables another tool filled (the schema, rows, no rollups,
 * no elhub_meta) gets its rollups built when first opened, also for
 * reading, and then answers from them. */
static void upgrade_builds_rollups(void)
{
    sqlite3 *db;
    struct store *s = NULL;
    struct err e = {0};
    struct select sel = sel_of("production", "NO1", INT64_MIN, INT64_MAX);
    struct query_totals t;
    char sql[256];

    names();
    remove_files();
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db,
                           "CREATE TABLE production (pricearea TEXT NOT NULL, starttime INTEGER "
                           "NOT NULL, productiongroup TEXT NOT NULL, endtime INTEGER NOT NULL, "
                           "quantitykwh REAL NOT NULL, lastupdatedtime INTEGER NOT NULL DEFAULT 0, "
                           "meteringpointcount INTEGER, PRIMARY KEY (pricearea, starttime, "
                           "productiongroup)) WITHOUT ROWID",
                           NULL, NULL, NULL),
              SQLITE_OK);
    for (int h = 0; h < 48; h++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO production VALUES ('NO1', %lld, 'hydro', %lld, %d.5, 0, NULL)",
                 (long long)(T2021 + h * 3600), (long long)(T2021 + h * 3600 + 3600), h);
        CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(db);
    CHECK_OK(store_open(uri, STORE_READ, &s, &e), &e);
    CHECK_OK(query_totals(s, &sel, &t, &e), &e);
    CHECK_INT(t.n, 1);
    CHECK(t.t[0].value == 47 * 48 / 2 + 24.0);
    CHECK_INT(t.t[0].hours, 48);
    query_totals_release(&t);
    gone(s);
}

static void redact(void)
{
    char out[128];
    store_redact_uri("cassandra://bob:s3cret@h1:9042,h2/elhub", out, sizeof out);
    CHECK_STR(out, "cassandra://bob:***@h1:9042,h2/elhub");
    store_redact_uri("mongodb://h/elhub", out, sizeof out);
    CHECK_STR(out, "mongodb://h/elhub");
    store_redact_uri("mongodb://bob@h/elhub", out, sizeof out);
    CHECK_STR(out, "mongodb://bob@h/elhub");
    /* An unescaped '@' in the password: none of it is shown. */
    store_redact_uri("mongodb://admin:S3c@ret@127.0.0.1:18199/elhub", out, sizeof out);
    CHECK_STR(out, "mongodb://admin:***@127.0.0.1:18199/elhub");
}

CHECK_MAIN({"/store/sqlite/upsert", upsert_rules},
           {"/store/sqlite/batch_order", batch_order_and_refusals},
           {"/store/sqlite/done_keys", done_keys},
           {"/store/sqlite/totals_overview", totals_and_overview},
           {"/store/series/buckets", series_buckets},
           {"/store/rollups/equal_rows", rollups_equal_rows},
           {"/store/open/bad_uri_read_only", bad_uri_and_read_only},
           {"/store/open/upgrade", upgrade_builds_rollups}, {"/store/redact", redact})
