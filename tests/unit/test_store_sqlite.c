/* Tests for the SQLite backend and the generic reads of store.c: upsert
 * rules, idempotence, fetch_log, every read compared against sums computed
 * here independently, and Oslo buckets across both DST days. */
#include "check.h"
#include "store/store.h"

#include <unistd.h>

static char path[256];
static char uri[300];

static struct store *fresh(void)
{
    struct store *s = NULL;
    struct err e = {0};
    snprintf(path, sizeof path, "/tmp/elhub-test-store-%d.db", (int)getpid());
    unlink(path);
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    CHECK_OK(store_open(uri, &s, &e), &e);
    return s;
}

static void gone(struct store *s)
{
    char p[300];
    store_free(s);
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
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
    struct record a[2] = {rec("NO1", "hydro", 1609455600, 10.5, 100),
                          rec("NO1", "wind", 1609455600, 2.0, 100)};
    struct store_total *t;
    size_t n;
    struct store_query q = {ds, "NO1", NULL, 0, INT64_MIN, INT64_MAX};

    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e);
    CHECK_OK(store_write(s, ds, a, 2, NULL, &e), &e); /* idempotent */
    CHECK_INT(count_rows(s, ds), 2);
    /* An older revision does not replace a newer one... */
    a[0].value = 99;
    a[0].updated = 50;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    CHECK_OK(store_totals(s, &q, &t, &n, &e), &e);
    CHECK_INT(n, 2);
    CHECK_STR(t[0].group, "hydro");
    CHECK_NEAR(t[0].value, 10.5, 0);
    free(t);
    /* ...a newer one does. */
    a[0].value = 11.25;
    a[0].updated = 200;
    CHECK_OK(store_write(s, ds, a, 1, NULL, &e), &e);
    CHECK_OK(store_totals(s, &q, &t, &n, &e), &e);
    CHECK_NEAR(t[0].value, 11.25, 0);
    CHECK_INT(t[0].rows, 1);
    free(t);
    CHECK_INT(count_rows(s, ds), 2);
    CHECK_INT(count_rows(s, dataset_find("consumption")), 0);
    gone(s);
}

/* The backend reorders a batch into key order before inserting; whatever
 * the input order (group-major as the API sends it, reversed, off-hour
 * times that skip the reordering), the stored result is the same, and a key
 * repeated inside one batch keeps the later row when it is not older. */
static void batch_order(void)
{
    const struct dataset *ds = dataset_find("production");
    const char *gs[] = {"wind", "hydro", "*"};
    struct record rows[3 * 50 + 2];
    size_t n = 0;
    for (int g = 0; g < 3; g++)
        for (int h = 49; h >= 0; h--)
            rows[n++] = rec(g == 2 ? "NO2" : "NO1", gs[g], 1609455600 + h * 3600, g * 100 + h, 5);
    rows[n++] = rec("NO1", "wind", 1609455600, 7777, 5);      /* same key, later in the batch */
    rows[n++] = rec("NO1", "hydro", 1609455600 + 1800, 1, 5); /* off the hour: no reordering */
    for (int pass = 0; pass < 2; pass++) {
        struct store *s = fresh();
        struct err e = {0};
        struct store_query q = {ds, NULL, NULL, 0, INT64_MIN, INT64_MAX};
        struct store_total *t;
        size_t nt;
        CHECK_OK(store_write(s, ds, rows, pass ? n : n - 1, NULL, &e), &e);
        CHECK_INT(count_rows(s, ds), pass ? 151 : 150);
        CHECK_OK(store_totals(s, &q, &t, &nt, &e), &e);
        CHECK_INT(nt, 3);
        CHECK_STR(t[0].group, "*");
        CHECK_NEAR(t[0].value, 200 * 50 + 49 * 50 / 2, 0);
        CHECK_STR(t[1].group, "hydro");
        CHECK_NEAR(t[1].value, 100 * 50 + 49 * 50 / 2 + pass, 0);
        CHECK_STR(t[2].group, "wind");
        CHECK_NEAR(t[2].value, 49 * 50 / 2 + 7777, 0);
        free(t);
        gone(s);
    }
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
                rows[n++] =
                    rec(areas[a], groups[g], *from + (int64_t)h * 3600, value(a, g, (int64_t)h), 1);
    CHECK_OK(store_write(s, ds, rows, n, NULL, &e), &e);
    free(rows);
    return s;
}

static void totals_and_summary(void)
{
    int64_t from, to;
    struct store *s = filled(&from, &to);
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    /* October only, NO2: sums computed here. */
    int64_t oct_end = timeutil_oslo_midnight(2021, 11, 1);
    struct store_query q = {ds, "NO2", NULL, 0, from, oct_end};
    struct store_total *t;
    size_t n;
    double want[3] = {0};
    int64_t hours = (oct_end - from) / 3600;

    CHECK_INT(hours, 745);
    for (int64_t h = 0; h < hours; h++)
        for (int g = 0; g < 3; g++)
            want[g] += value(1, g, h);
    CHECK_OK(store_totals(s, &q, &t, &n, &e), &e);
    CHECK_INT(n, 3);
    for (int g = 0; g < 3; g++) {
        CHECK_STR(t[g].group, groups[g]);
        CHECK_NEAR(t[g].value, want[g], 1e-6);
        CHECK_INT(t[g].rows, 745);
    }
    free(t);

    /* The generic scan-based reads of store.c agree with SQLite's native ones. */
    struct store_ops generic = *s->ops;
    const struct store_ops *native = s->ops;
    generic.totals = NULL;
    generic.summary = NULL;
    s->ops = &generic;
    CHECK_OK(store_totals(s, &q, &t, &n, &e), &e);
    CHECK_INT(n, 3);
    for (int g = 0; g < 3; g++)
        CHECK_NEAR(t[g].value, want[g], 1e-6);
    free(t);

    struct store_summary *m1, *m2;
    size_t n1, n2;
    CHECK_OK(store_summary(s, ds, &m1, &n1, &e), &e);
    s->ops = native;
    CHECK_OK(store_summary(s, ds, &m2, &n2, &e), &e);
    CHECK_INT(n1, 6);
    CHECK_INT(n2, 6);
    for (size_t i = 0; i < 6; i++) {
        CHECK_STR(m1[i].area, m2[i].area);
        CHECK_STR(m1[i].group, m2[i].group);
        CHECK_INT(m1[i].rows, m2[i].rows);
        CHECK_INT(m1[i].rows, (to - from) / 3600);
        CHECK_INT(m1[i].first, from);
        CHECK_INT(m2[i].last, to - 3600);
        CHECK_NEAR(m1[i].value, m2[i].value, 1e-6);
    }
    CHECK_STR(m1[0].area, "NO1");
    CHECK_STR(m1[5].group, "wind");
    free(m1);
    free(m2);
    gone(s);
}

static void series_buckets(void)
{
    int64_t from, to;
    struct store *s = filled(&from, &to);
    struct err e = {0};
    const struct dataset *ds = dataset_find("production");
    const char *want_groups[] = {"wind", "hydro", "thermal"};
    struct store_query q = {ds, "NO1", want_groups, 3, from, to};
    struct store_series out;

    /* Hourly October: 745 points; the DST day has 25 of them. */
    q.to = timeutil_oslo_midnight(2021, 11, 1);
    CHECK_OK(store_series(s, &q, TIMEUTIL_HOUR, &out, &e), &e);
    CHECK_INT(out.ng, 3);
    CHECK_STR(out.g[0].group, "hydro");
    CHECK_STR(out.g[1].group, "thermal"); /* asked for, no rows: present, empty */
    CHECK_INT(out.g[1].n, 0);
    CHECK_INT(out.g[0].n, 745);
    store_series_release(&out);

    /* Daily over Oct-Nov: 61 days, 31 Oct holds 25 hours. */
    q.to = to;
    CHECK_OK(store_series(s, &q, TIMEUTIL_DAY, &out, &e), &e);
    CHECK_INT(out.g[0].n, 61);
    CHECK_INT(out.g[0].pts[30].hours, 25);
    CHECK_INT(out.g[0].pts[30].t, timeutil_oslo_midnight(2021, 10, 31));
    double sum = 0, want = 0;
    for (size_t i = 0; i < out.g[0].n; i++)
        sum += out.g[0].pts[i].value;
    for (int64_t h = 0; h < (to - from) / 3600; h++)
        want += value(0, 0, h);
    CHECK_NEAR(sum, want, 1e-6);
    store_series_release(&out);

    /* Monthly: two buckets of 745 and 720 hours. */
    CHECK_OK(store_series(s, &q, TIMEUTIL_MONTH, &out, &e), &e);
    CHECK_INT(out.g[2].n, 2);
    CHECK_INT(out.g[2].pts[0].hours, 745);
    CHECK_INT(out.g[2].pts[1].hours, 720);
    store_series_release(&out);

    /* Weekly: Oct 1 2021 is a Friday, so the first bucket starts Monday
     * Sep 27 and holds only Fri-Sun. */
    CHECK_OK(store_series(s, &q, TIMEUTIL_WEEK, &out, &e), &e);
    CHECK_INT(out.g[0].pts[0].t, timeutil_oslo_midnight(2021, 9, 27));
    CHECK_INT(out.g[0].pts[0].hours, 72);
    store_series_release(&out);
    gone(s);
}

static void bad_uri(void)
{
    struct store *s = NULL;
    struct err e = {0};
    CHECK_INT(store_open("sqlite:", &s, &e), -1);
    CHECK(s == NULL);
    CHECK_INT(store_open("sqlite:/nonexistent-dir/x/y.db", &s, &e), -1);
    CHECK(strstr(e.msg, "/nonexistent-dir/x/y.db") != NULL);
    CHECK_INT(store_open("postgres://x", &s, &e), -1);
    CHECK(strstr(e.msg, "unknown store") != NULL);
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
}

CHECK_MAIN({"/store/sqlite/upsert", upsert_rules}, {"/store/sqlite/batch_order", batch_order},
           {"/store/sqlite/done_keys", done_keys},
           {"/store/sqlite/totals_summary", totals_and_summary},
           {"/store/series/buckets", series_buckets}, {"/store/open/bad_uri", bad_uri},
           {"/store/redact", redact})
