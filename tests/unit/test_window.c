/* Tests of the month windows and request URLs: every month 2020-2026, both
 * DST days, partial first and last months, and the URL encoding. */
#include "check.h"

#include "buf.h"
#include "elhub/window.h"
#include "caps.h"

#include <stdlib.h>

static int64_t iso(const char *s)
{
    int64_t t = 0;
    timeutil_parse_iso(s, strlen(s), &t, NULL);
    return t;
}

/* EU rule, computed here independently of timeutil: the last Sunday of a
 * month as a day of the month (Zeller-free: Sakamoto's weekday). */
static int last_sunday(int y, int m)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int d = m == 3 || m == 10 ? 31 : 30;
    int yy = m < 3 ? y - 1 : y;
    int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7; /* 0 = Sunday */
    return d - wd;
}

static void test_every_month(void)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int y = 2020; y <= 2026; y++) {
        for (int m = 1; m <= 12; m++) {
            char ym[32], start[TIMEUTIL_ISO_LEN], end[TIMEUTIL_ISO_LEN], want[64];
            struct elhub_window *w = NULL;
            size_t n = 0;
            struct err e = {0};
            int days = mdays[m - 1] + (m == 2 && y % 4 == 0);
            int summer_start = m >= 4 && m <= 10; /* day 1 is in summer time */
            int summer_end = m >= 3 && m <= 9;    /* the last day ends in summer time */
            int hours = days * 24 - (m == 3) + (m == 10);
            snprintf(ym, sizeof ym, "%04d-%02d", y, m);
            CHECK_OK(elhub_window_split(ym, ym, &w, &n, &e), &e);
            CHECK_INT(n, 1);
            CHECK(w[0].full);
            CHECK_STR(w[0].key, ym);
            CHECK_INT(w[0].first_day, 1);
            CHECK_INT(w[0].last_day, days);
            CHECK_INT(w[0].end - w[0].start, hours * 3600);
            CHECK(elhub_window_request_hours(&w[0]) <= 744);
            CHECK_INT(elhub_window_request_hours(&w[0]), hours - 1);
            elhub_window_dates(&w[0], start, end);
            snprintf(want, sizeof want, "%s-01T00:00:00+0%d:00", ym, summer_start ? 2 : 1);
            CHECK_STR(start, want);
            snprintf(want, sizeof want, "%s-%02dT23:00:00+0%d:00", ym, days, summer_end ? 2 : 1);
            CHECK_STR(end, want);
            free(w);
        }
    }
}

/* A year in one call: contiguous windows covering every local hour. */
static void test_years_contiguous(void)
{
    for (int y = 2020; y <= 2026; y++) {
        char a[32], b[32];
        struct elhub_window *w = NULL;
        size_t n = 0;
        struct err e = {0};
        int64_t hours = 0;
        snprintf(a, sizeof a, "%04d-01", y);
        snprintf(b, sizeof b, "%04d-12", y);
        CHECK_OK(elhub_window_split(a, b, &w, &n, &e), &e);
        CHECK_INT(n, 12);
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && w[i].start != w[i - 1].end) {
                free(w);
                CHECK_FAIL_("gap between %s and the month before", w[i].key);
            }
            hours += (w[i].end - w[i].start) / 3600;
        }
        CHECK_INT(hours, y % 4 == 0 ? 8784 : 8760);
        CHECK_INT(w[0].start, timeutil_oslo_midnight(y, 1, 1));
        CHECK_INT(w[11].end, timeutil_oslo_midnight(y + 1, 1, 1));
        free(w);
    }
}

/* Both DST days, as single-day windows and inside their months. */
static void test_dst_days(void)
{
    for (int y = 2020; y <= 2026; y++) {
        for (int m = 3; m <= 10; m += 7) {
            char day[48], start[TIMEUTIL_ISO_LEN], end[TIMEUTIL_ISO_LEN], want[128];
            struct elhub_window *w = NULL;
            size_t n = 0;
            struct err e = {0};
            int d = last_sunday(y, m);
            snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
            CHECK_OK(elhub_window_split(day, day, &w, &n, &e), &e);
            CHECK_INT(n, 1);
            CHECK(!w[0].full);
            CHECK_INT(w[0].end - w[0].start, (m == 3 ? 23 : 25) * 3600);
            elhub_window_dates(&w[0], start, end);
            snprintf(want, sizeof want, "%sT00:00:00+0%d:00", day, m == 3 ? 1 : 2);
            CHECK_STR(start, want);
            snprintf(want, sizeof want, "%sT23:00:00+0%d:00", day, m == 3 ? 2 : 1);
            CHECK_STR(end, want);
            snprintf(want, sizeof want, "%s..%s", day, day);
            CHECK_STR(w[0].key, want);
            free(w);
        }
    }
    /* The real case the server rejected at 745 h. */
    {
        struct elhub_window *w = NULL;
        size_t n = 0;
        struct err e = {0};
        CHECK_OK(elhub_window_split("2021-10", "2021-10", &w, &n, &e), &e);
        CHECK_INT(w[0].start, iso("2021-10-01T00:00:00+02:00"));
        CHECK_INT(w[0].end, iso("2021-11-01T00:00:00+01:00"));
        CHECK_INT(w[0].end - w[0].start, 745 * 3600);
        CHECK_INT(elhub_window_request_hours(&w[0]), 744);
        free(w);
    }
}

static void test_partial(void)
{
    struct elhub_window *w = NULL;
    size_t n = 0;
    struct err e = {0};
    CHECK_OK(elhub_window_split("2021-10-05", "2022-01-10", &w, &n, &e), &e);
    CHECK_INT(n, 4);
    CHECK_STR(w[0].key, "2021-10-05..2021-10-31");
    CHECK(!w[0].full);
    CHECK_STR(w[0].month_key, "2021-10");
    CHECK_INT(w[0].start, iso("2021-10-05T00:00:00+02:00"));
    CHECK_INT(w[0].end, iso("2021-11-01T00:00:00+01:00"));
    CHECK_STR(w[1].key, "2021-11");
    CHECK_STR(w[2].key, "2021-12");
    CHECK(w[1].full && w[2].full);
    CHECK_STR(w[3].key, "2022-01-01..2022-01-10");
    CHECK_INT(w[3].start, iso("2022-01-01T00:00:00+01:00"));
    CHECK_INT(w[3].end, iso("2022-01-11T00:00:00+01:00"));
    free(w);

    /* A month as --to runs to its last day; a day as --from inside it. */
    CHECK_OK(elhub_window_split("2024-02-29", "2024-02", &w, &n, &e), &e);
    CHECK_INT(n, 1);
    CHECK_STR(w[0].key, "2024-02-29..2024-02-29");
    free(w);
    CHECK_OK(elhub_window_split("2024-02-01", "2024-02-29", &w, &n, &e), &e);
    CHECK(w[0].full);
    CHECK_STR(w[0].key, "2024-02");
    free(w);
}

static void test_bad_ranges(void)
{
    struct elhub_window *w = (struct elhub_window *)1;
    size_t n = 7;
    struct err e = {0};
    CHECK_INT(elhub_window_split("2021-11", "2021-10", &w, &n, &e), -1);
    CHECK(w == NULL && n == 0);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK(strstr(e.msg, "before"));
    CHECK_INT(elhub_window_split("2021-10-02", "2021-10-01", &w, &n, &e), -1);
    CHECK_INT(elhub_window_split("2021-13", "2021-12", &w, &n, &e), -1);
    CHECK(strstr(e.msg, "--from"));
    CHECK_INT(elhub_window_split("2021-01", "2021-02-30", &w, &n, &e), -1);
    CHECK(strstr(e.msg, "--to"));
    CHECK_INT(elhub_window_split("2021", "2021-02", &w, &n, &e), -1);
    CHECK_INT(elhub_window_split("1900-01", "2100-01", &w, &n, &e), -1);
    CHECK(strstr(e.msg, "months"));
}

static void test_url(void)
{
    struct elhub_window *w = NULL;
    size_t n = 0;
    struct err e = {0};
    struct buf b;
    buf_init(&b, LIMIT_URL);
    CHECK_OK(elhub_window_split("2021-10", "2021-10", &w, &n, &e), &e);
    CHECK_OK(elhub_window_url("https://api.elhub.no/energy-data/v0/", dataset_find("production"),
                              &w[0], &b, &e),
             &e);
    CHECK_STR(b.p, "https://api.elhub.no/energy-data/v0/price-areas"
                   "?dataset=PRODUCTION_PER_GROUP_MBA_HOUR"
                   "&startDate=2021-10-01T00:00:00%2B02:00&endDate=2021-10-31T23:00:00%2B01:00");
    buf_reset(&b);
    CHECK_OK(
        elhub_window_url("http://127.0.0.1:8080/v0", dataset_find("consumption"), &w[0], &b, &e),
        &e);
    CHECK_STR(b.p, "http://127.0.0.1:8080/v0/price-areas?dataset=CONSUMPTION_PER_GROUP_MBA_HOUR"
                   "&startDate=2021-10-01T00:00:00%2B02:00&endDate=2021-10-31T23:00:00%2B01:00");
    buf_reset(&b);
    CHECK_INT(elhub_window_url("ftp://x", dataset_find("production"), &w[0], &b, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    buf_release(&b);
    /* A full buffer is an error, not a cut URL. */
    buf_init(&b, 40);
    CHECK_INT(elhub_window_url("https://api.elhub.no/energy-data/v0", dataset_find("production"),
                               &w[0], &b, &e),
              -1);
    buf_release(&b);
    free(w);
}

CHECK_MAIN({"/window/every-month", test_every_month}, {"/window/years", test_years_contiguous},
           {"/window/dst", test_dst_days}, {"/window/partial", test_partial},
           {"/window/bad", test_bad_ranges}, {"/window/url", test_url})
