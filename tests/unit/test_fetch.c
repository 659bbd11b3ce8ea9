/* Tests of the pure parts of the HTTP engine (fetch/fetch.h): dropping
 * records repeated in one answer (which copy the store would keep, the
 * count kept), and the backoff schedule with its jitter and Retry-After,
 * against values worked out by hand. */
#include "check.h"

#include "fetch/fetch.h"

#include <stdio.h>

static struct record rec(const char *area, const char *group, int64_t hour, double value,
                         int64_t updated)
{
    struct record r;
    memset(&r, 0, sizeof r);
    snprintf(r.area, sizeof r.area, "%s", area);
    snprintf(r.group, sizeof r.group, "%s", group);
    r.start = 1609455600 + hour * 3600; /* 2021-01-01T00:00:00+01:00 */
    r.end = r.start + 3600;
    r.value = value;
    r.updated = updated;
    r.count = -1;
    return r;
}

static void test_no_repeats(void)
{
    struct record r[4] = {rec("NO1", "hydro", 0, 1, 0), rec("NO1", "hydro", 1, 2, 0),
                          rec("NO1", "wind", 0, 3, 0), rec("NO2", "hydro", 0, 4, 0)};
    struct record first = {0};
    CHECK_INT(fetch_drop_repeats(r, 4, &first), 4);
    CHECK(r[0].value == 1 && r[1].value == 2 && r[2].value == 3 && r[3].value == 4);
    CHECK_STR(first.area, ""); /* untouched */
    CHECK_INT(fetch_drop_repeats(r, 0, NULL), 0);
}

/* Adjacent repeats, as an answer in key order holds them: the later copy
 * wins on a tie of `updated` (it would overwrite the first in the store),
 * an earlier one wins when it is newer, and three copies make one row. */
static void test_adjacent(void)
{
    struct record r[7] = {rec("NO1", "hydro", 0, 1, 100), rec("NO1", "hydro", 0, 1.5, 100),
                          rec("NO1", "hydro", 1, 2, 200), rec("NO1", "hydro", 1, 2.5, 100),
                          rec("NO1", "solar", 5, 7, 0),   rec("NO1", "solar", 5, 8, 0),
                          rec("NO1", "solar", 5, 9, 0)};
    struct record first = {0};
    CHECK_INT(fetch_drop_repeats(r, 7, &first), 3);
    CHECK(r[0].value == 1.5);
    CHECK(r[1].value == 2); /* the newer revision, though earlier */
    CHECK_INT(r[1].updated, 200);
    CHECK(r[2].value == 9);
    CHECK_STR(first.group, "hydro");
    CHECK_INT(first.start, 1609455600);
}

/* Repeats far apart in an answer not in key order: sorted into key order,
 * and still the copy that came later wins. */
static void test_unordered(void)
{
    struct record r[5] = {rec("NO2", "wind", 3, 1, 0), rec("NO1", "hydro", 0, 2, 0),
                          rec("NO1", "hydro", 2, 3, 0), rec("NO2", "wind", 3, 4, 0),
                          rec("NO1", "hydro", 0, 5, 0)};
    struct record first = {0};
    CHECK_INT(fetch_drop_repeats(r, 5, &first), 3);
    CHECK_STR(r[0].area, "NO1");
    CHECK_INT(r[0].start, 1609455600);
    CHECK(r[0].value == 5);
    CHECK_INT(r[1].start, 1609455600 + 2 * 3600);
    CHECK(r[1].value == 3);
    CHECK_STR(r[2].area, "NO2");
    CHECK(r[2].value == 4);
    CHECK_STR(first.area, "NO1"); /* the first repeat in key order */
}

static void test_backoff(void)
{
    /* base * 2^(attempt-2) times a jitter in [0.5, 1). */
    CHECK_INT(fetch_backoff_ms(2, 1000, 0.0, -1), 500);
    CHECK_INT(fetch_backoff_ms(2, 1000, 0.5, -1), 750);
    CHECK_INT(fetch_backoff_ms(3, 1000, 0.0, -1), 1000);
    CHECK_INT(fetch_backoff_ms(6, 1000, 0.0, -1), 8000);
    CHECK(fetch_backoff_ms(6, 1000, 0.999999, -1) < 16000);
    /* Capped at FETCH_RETRY_CAP_MS before the jitter. */
    CHECK_INT(fetch_backoff_ms(30, 1000, 0.0, -1), FETCH_RETRY_CAP_MS / 2);
    /* Retry-After raises the delay, never lowers it. */
    CHECK_INT(fetch_backoff_ms(2, 1000, 0.0, 3000), 3000);
    CHECK_INT(fetch_backoff_ms(3, 1000, 0.0, 10), 1000);
}

CHECK_MAIN({"/fetch/repeats/none", test_no_repeats}, {"/fetch/repeats/adjacent", test_adjacent},
           {"/fetch/repeats/unordered", test_unordered}, {"/fetch/backoff", test_backoff})
