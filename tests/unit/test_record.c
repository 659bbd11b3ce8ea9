/* Tests for record.h: the names a record may carry (set and checked), the
 * time bounds against timeutil's own calendar, and each reason
 * record_check refuses a row for, with its message. */
#include "check.h"
#include "dataset.h"
#include "record.h"
#include "timeutil.h"

#include <math.h>
#include <string.h>

/* A valid production row at 2024-01-01T00:00+01:00. */
static struct record good(void)
{
    struct record r;
    memset(&r, 0, sizeof r);
    memcpy(r.area, "NO1", sizeof "NO1");
    memcpy(r.group, "hydro", sizeof "hydro");
    r.start = timeutil_oslo_midnight(2024, 1, 1);
    r.end = r.start + 3600;
    r.value = 1234.5;
    r.updated = r.start + 86400;
    r.count = -1;
    return r;
}

static void test_time_bounds(void)
{
    /* record.c keeps the bounds as constants; the calendar decides them. */
    CHECK_INT(record_time_min(), timeutil_oslo_midnight(RECORD_YEAR_MIN, 1, 1));
    CHECK_INT(record_time_end(), timeutil_oslo_midnight(RECORD_YEAR_MAX + 1, 1, 1));
}

static void test_names(void)
{
    struct record r = good();
    struct err e = {0};
    const char *bad[] = {"",    "NO 1", "NO1;", "N\xc3\x98", "a\"b,c", "x\n",
                         "-23", ".x",   "_x",   "=1+1",      "@x"};

    CHECK_OK(record_set_area(&r, "no1", 3, &e), &e);
    CHECK_STR(r.area, "NO1");
    CHECK_OK(record_set_group(&r, "Wind_Onshore-2.x", 16, &e), &e);
    CHECK_STR(r.group, "wind_onshore-2.x");
    CHECK_OK(record_set_group(&r, "*", 1, &e), &e);
    CHECK_STR(r.group, "*");
    CHECK(record_set_area(&r, "*", 1, &e) < 0);
    CHECK(strstr(e.msg, "only letters") != NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(record_set_area(&r, bad[i], strlen(bad[i]), &e) < 0);
        CHECK(record_set_group(&r, bad[i], strlen(bad[i]), &e) < 0);
    }
    CHECK(record_set_area(&r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 33, &e) < 0);
    CHECK(strstr(e.msg, "too long") != NULL);
    /* A name not in stored form (lower-case area, upper-case group, a
     * byte outside the alphabet) is refused by the check. */
    r = good();
    memcpy(r.area, "no1", sizeof "no1");
    CHECK(record_check(&dataset_all[0], &r, &e) < 0);
    CHECK(strstr(e.msg, "bad area") != NULL);
    r = good();
    memcpy(r.group, "Hydro", sizeof "Hydro");
    CHECK(record_check(&dataset_all[0], &r, &e) < 0);
    CHECK(strstr(e.msg, "bad group") != NULL);
    r = good();
    memcpy(r.group, "-hydro", sizeof "-hydro");
    CHECK(record_check(&dataset_all[0], &r, &e) < 0);
    r = good();
    memcpy(r.group, "hy\x01o", sizeof "hy\x01o");
    CHECK(record_check(&dataset_all[0], &r, &e) < 0);
    CHECK(strstr(e.msg, "\\x01") != NULL);
}

static void refused(struct record r, const char *words)
{
    struct err e = {0};
    CHECK(record_check(&dataset_all[0], &r, &e) < 0);
    CHECK_INT(e.domain, ERR_DATA);
    if (!strstr(e.msg, words))
        CHECK_FAIL_("message \"%s\" lacks \"%s\"", e.msg, words);
}

static void test_reasons(void)
{
    const struct dataset *ds = &dataset_all[0];
    struct record r = good();
    struct err e = {0};

    CHECK_OK(record_check(ds, &r, &e), &e);
    r.start = record_time_min() - 3600;
    r.end = r.start + 3600;
    refused(r, "outside the years 1990-2100");
    r = good();
    r.start = record_time_end();
    r.end = r.start + 3600;
    refused(r, "outside the years");
    r = good();
    r.start += 60;
    r.end = r.start + 3600;
    refused(r, "2024-01-01T00:01:00+01:00 is not on a whole hour");
    r = good();
    r.end += 1;
    refused(r, "not one hour later");
    r = good();
    r.value = NAN;
    refused(r, "not a finite number");
    r.value = INFINITY;
    refused(r, "not a finite number");
    r = good();
    r.value = ds->value_max * 2;
    refused(r, "outside");
    r = good();
    r.updated = record_time_end() + 1;
    refused(r, "update time");
    r = good();
    r.count = -2;
    refused(r, "count");
    /* The edges that pass. */
    r = good();
    r.start = record_time_min();
    r.end = r.start + 3600;
    r.value = ds->value_min;
    r.updated = 0;
    r.count = 0;
    CHECK_OK(record_check(ds, &r, &e), &e);
    r.start = record_time_end() - 3600;
    r.end = r.start + 3600;
    r.value = ds->value_max;
    CHECK_OK(record_check(ds, &r, &e), &e);
}

CHECK_MAIN({"/record/time-bounds", test_time_bounds}, {"/record/names", test_names},
           {"/record/reasons", test_reasons})
