/* Tests for timeutil: the Oslo rule, parsing, formatting and buckets. */
#include "check.h"
#include "timeutil.h"

static int64_t parse(const char *s)
{
    struct err e = {0};
    int64_t t = 0;
    if (timeutil_parse_iso(s, strlen(s), &t, &e) != 0) {
        fprintf(stderr, "  parse(%s): %s\n", s, e.msg);
        CHECK(0);
    }
    return t;
}

static void parse_forms(void)
{
    int64_t t = parse("2021-01-01T00:00:00+01:00");
    CHECK_INT(t, 1609455600);
    CHECK_INT(parse("2020-12-31T23:00:00Z"), t);
    CHECK_INT(parse("2020-12-31 23:00:00+00:00"), t);
    CHECK_INT(parse("2021-01-01T00:00+0100"), t);
    CHECK_INT(parse("2021-01-01T00:00:00.000+01"), t);
}

static void parse_rejects(void)
{
    const char *bad[] = {
        "2021-01-01T00:00:00",        "2021-01-01", "2021-13-01T00:00:00Z", "2021-02-29T00:00:00Z",
        "2021-01-01T00:00:00+01:00 ", "garbage",    "2021-01-01T24:00:00Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        int64_t t;
        if (timeutil_parse_iso(bad[i], strlen(bad[i]), &t, &e) == 0)
            CHECK_FAIL_("accepted \"%s\"", bad[i]);
        CHECK(e.msg[0] != '\0');
    }
}

static void no_offset_message(void)
{
    struct err e = {0};
    int64_t t;
    CHECK_INT(timeutil_parse_iso("2021-10-31T02:00:00", 19, &t, &e), -1);
    CHECK(strstr(e.msg, "offset") != NULL);
}

static void dst_days(void)
{
    /* 2021-03-28 has 23 local hours, 2021-10-31 has 25. */
    CHECK_INT(timeutil_oslo_midnight(2021, 3, 29) - timeutil_oslo_midnight(2021, 3, 28), 23 * 3600);
    CHECK_INT(timeutil_oslo_midnight(2021, 11, 1) - timeutil_oslo_midnight(2021, 10, 31),
              25 * 3600);
    CHECK_INT(timeutil_oslo_offset(parse("2021-03-28T00:59:59Z")), 3600);
    CHECK_INT(timeutil_oslo_offset(parse("2021-03-28T01:00:00Z")), 7200);
    CHECK_INT(timeutil_oslo_offset(parse("2021-10-31T00:59:59Z")), 7200);
    CHECK_INT(timeutil_oslo_offset(parse("2021-10-31T01:00:00Z")), 3600);
}

static void format_roundtrip(void)
{
    char out[TIMEUTIL_ISO_LEN];
    const char *api[] = {"2021-10-31T02:00:00+02:00", "2021-10-31T02:00:00+01:00",
                         "2021-03-28T01:00:00+01:00", "2021-03-28T03:00:00+02:00",
                         "2024-02-29T23:00:00+01:00"};
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        timeutil_format_oslo(parse(api[i]), out);
        CHECK_STR(out, api[i]);
    }
    timeutil_format_utc(parse("2021-01-01T00:00:00+01:00"), out);
    CHECK_STR(out, "2020-12-31T23:00:00Z");
    /* Every hour 1990-2100 (and some odd seconds): the hand-written
     * formatter gives what the parser reads back, with the length and
     * offset an snprintf of the civil fields would give. */
    for (int64_t t = 631148400; t < 4133977200; t += 3600 * 7 + 13) {
        struct timeutil_civil c;
        char want[64];
        size_t n = timeutil_format_oslo(t, out);
        timeutil_oslo_civil(t, &c);
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", c.year, c.month, c.day,
                 c.hour, c.min, c.sec, c.offset / 3600);
        if (strcmp(out, want) != 0 || n != strlen(want) || parse(out) != t)
            CHECK_FAIL_("t=%lld: \"%s\", want \"%s\"", (long long)t, out, want);
    }
}

static void every_month_2020_2026(void)
{
    for (int y = 2020; y <= 2026; y++) {
        for (int m = 1; m <= 12; m++) {
            int64_t a = timeutil_oslo_midnight(y, m, 1), b = timeutil_oslo_midnight(y, m + 1, 1);
            int64_t hours = (b - a) / 3600, want = timeutil_days_in_month(y, m) * 24;
            if (m == 3)
                want -= 1;
            if (m == 10)
                want += 1;
            CHECK_INT(hours, want);
            char out[TIMEUTIL_ISO_LEN];
            timeutil_format_oslo(a, out);
            CHECK(strstr(out, "T00:00:00+0") != NULL);
            CHECK_INT(timeutil_oslo_bucket(a + 3600 * 5, TIMEUTIL_MONTH), a);
            CHECK_INT(timeutil_oslo_bucket_next(a, TIMEUTIL_MONTH), b);
        }
    }
}

static void buckets(void)
{
    int64_t t = parse("2021-10-31T02:30:00+01:00");
    CHECK_INT(timeutil_oslo_bucket(t, TIMEUTIL_HOUR), parse("2021-10-31T02:00:00+01:00"));
    CHECK_INT(timeutil_oslo_bucket(t, TIMEUTIL_DAY), parse("2021-10-31T00:00:00+02:00"));
    /* 2021-10-31 is a Sunday: its ISO week starts Monday 2021-10-25. */
    CHECK_INT(timeutil_oslo_bucket(t, TIMEUTIL_WEEK), parse("2021-10-25T00:00:00+02:00"));
    CHECK_INT(timeutil_oslo_bucket_next(parse("2021-10-25T00:00:00+02:00"), TIMEUTIL_WEEK),
              parse("2021-11-01T00:00:00+01:00"));
    CHECK_INT(timeutil_oslo_bucket(parse("2021-01-01T00:00:00+01:00"), TIMEUTIL_MONTH),
              parse("2021-01-01T00:00:00+01:00"));
    enum timeutil_step s;
    CHECK_INT(timeutil_step_parse("week", &s), 0);
    CHECK_INT(s, TIMEUTIL_WEEK);
    CHECK_INT(timeutil_step_parse("fortnight", &s), -1);
}

static void dates(void)
{
    int y, m, d, has;
    struct err e = {0};
    CHECK_OK(timeutil_parse_date("2021-10", &y, &m, &d, &has, &e), &e);
    CHECK_INT(y * 10000 + m * 100 + d, 20211001);
    CHECK_INT(has, 0);
    CHECK_OK(timeutil_parse_date("2024-02-29", &y, &m, &d, &has, &e), &e);
    CHECK_INT(has, 1);
    CHECK_INT(timeutil_parse_date("2023-02-29", &y, &m, &d, &has, &e), -1);
    CHECK_INT(timeutil_parse_date("2023-1-01", &y, &m, &d, &has, &e), -1);
}

CHECK_MAIN({"/timeutil/parse/forms", parse_forms}, {"/timeutil/parse/rejects", parse_rejects},
           {"/timeutil/parse/no_offset", no_offset_message}, {"/timeutil/oslo/dst_days", dst_days},
           {"/timeutil/format/roundtrip", format_roundtrip},
           {"/timeutil/oslo/every_month_2020_2026", every_month_2020_2026},
           {"/timeutil/bucket", buckets}, {"/timeutil/date", dates})
