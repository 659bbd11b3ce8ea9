/* timeutil: civil-date arithmetic (Howard Hinnant's days_from_civil), the
 * Oslo summer-time rule, and ISO-8601 parsing and formatting. */
#include "timeutil.h"

#include <time.h>

#include <stdio.h>
#include <string.h>

int64_t timeutil_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void timeutil_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp, yy;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int timeutil_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[(m - 1) % 12];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ISO weekday of a day number: 0 = Monday (1970-01-01 was a Thursday). */
static int weekday(int64_t days)
{
    return (int)(days + 3 - floor_div(days + 3, 7) * 7);
}

/* Days since epoch of the last Sunday of month m in year y. */
static int64_t last_sunday(int y, int m)
{
    int64_t last = timeutil_days_from_civil(y, m, timeutil_days_in_month(y, m));
    return last - (weekday(last) + 1) % 7;
}

int timeutil_oslo_offset(int64_t t)
{
    int y, m, d;
    int64_t start, end;
    timeutil_civil_from_days(floor_div(t, 86400), &y, &m, &d);
    start = last_sunday(y, 3) * 86400 + 3600;
    end = last_sunday(y, 10) * 86400 + 3600;
    return (t >= start && t < end) ? 7200 : 3600;
}

void timeutil_oslo_civil(int64_t t, struct timeutil_civil *out)
{
    int off = timeutil_oslo_offset(t);
    int64_t local = t + off;
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;
    timeutil_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
    out->wday = weekday(days);
    out->offset = off;
}

int64_t timeutil_oslo_midnight(int y, int m, int d)
{
    int64_t days, guess;
    /* Normalise month overflow, then let days overflow naturally. */
    y += (m - 1) >= 0 ? (m - 1) / 12 : -((12 - m) / 12);
    m = (int)(((m - 1) % 12 + 12) % 12) + 1;
    days = timeutil_days_from_civil(y, m, 1) + d - 1;
    /* Midnight is never inside a transition in Oslo (they happen at 02:00
     * and 03:00 local), so the offset at "midnight minus one hour" holds. */
    guess = days * 86400 - 3600;
    return days * 86400 - timeutil_oslo_offset(guess);
}

static int digits(const char *s, size_t len, size_t at, int n, int *out)
{
    int v = 0;
    if (at + (size_t)n > len)
        return -1;
    for (int i = 0; i < n; i++) {
        char c = s[at + (size_t)i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

static int bad_time(struct err *e, const char *s, size_t len, const char *why)
{
    char shown[80];
    return err_set(e, ERR_PARSE, 0, "bad time \"%s\": %s", err_quote(s, len, shown, sizeof shown),
                   why);
}

int timeutil_parse_iso(const char *s, size_t len, int64_t *out, struct err *e)
{
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;
    size_t i;

    *out = 0;
    if (digits(s, len, 0, 4, &y) || len < 16 || s[4] != '-' || digits(s, len, 5, 2, &mo) ||
        s[7] != '-' || digits(s, len, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
        digits(s, len, 11, 2, &h) || s[13] != ':' || digits(s, len, 14, 2, &mi))
        return bad_time(e, s, len, "expected YYYY-MM-DDTHH:MM:SS+HH:MM");
    i = 16;
    if (i < len && s[i] == ':') {
        if (digits(s, len, i + 1, 2, &sec))
            return bad_time(e, s, len, "bad seconds");
        i += 3;
        if (i < len && s[i] == '.') {
            i++;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > timeutil_days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 59)
        return bad_time(e, s, len, "field out of range");
    if (i == len)
        return bad_time(e, s, len,
                        "no UTC offset (a local time is ambiguous on DST days; add +01:00, "
                        "+02:00 or Z)");
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '-' ? -1 : 1;
        if (digits(s, len, i + 1, 2, &oh))
            return bad_time(e, s, len, "bad offset");
        i += 3;
        if (i < len && s[i] == ':')
            i++;
        if (i < len) {
            if (digits(s, len, i, 2, &om))
                return bad_time(e, s, len, "bad offset minutes");
            i += 2;
        }
        if (oh > 18 || om > 59)
            return bad_time(e, s, len, "offset out of range");
    } else {
        return bad_time(e, s, len, "unexpected character after the time");
    }
    if (i != len)
        return bad_time(e, s, len, "trailing characters");
    *out = timeutil_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
           sign * (oh * 3600 + om * 60);
    return 0;
}

int timeutil_parse_date(const char *s, int *y, int *m, int *d, int *has_day, struct err *e)
{
    size_t len = strlen(s);
    *y = *m = *d = 0;
    *has_day = 0;
    if ((len != 7 && len != 10) || digits(s, len, 0, 4, y) || s[4] != '-' ||
        digits(s, len, 5, 2, m) || *m < 1 || *m > 12)
        goto bad;
    *d = 1;
    if (len == 10) {
        if (s[7] != '-' || digits(s, len, 8, 2, d) || *d < 1 || *d > timeutil_days_in_month(*y, *m))
            goto bad;
        *has_day = 1;
    }
    return 0;
bad : {
    char shown[48];
    return err_set(e, ERR_USAGE, 0, "bad date \"%s\": expected YYYY-MM or YYYY-MM-DD",
                   err_quote(s, strnlen(s, 32), shown, sizeof shown));
}
}

/* Writes v (0..99) as two digits at p. */
static char *two_digits(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

size_t timeutil_format_oslo(int64_t t, char *out)
{
    struct timeutil_civil c;
    char *p = out;
    timeutil_oslo_civil(t, &c);
    if (c.year < 0 || c.year > 9999) {
        int n = snprintf(out, TIMEUTIL_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", c.year,
                         c.month, c.day, c.hour, c.min, c.sec, c.offset / 3600);
        return n > 0 ? (size_t)n : 0;
    }
    /* By hand, not snprintf: every time of every answer comes through here. */
    p = two_digits(p, c.year / 100);
    p = two_digits(p, c.year % 100);
    *p++ = '-';
    p = two_digits(p, c.month);
    *p++ = '-';
    p = two_digits(p, c.day);
    *p++ = 'T';
    p = two_digits(p, c.hour);
    *p++ = ':';
    p = two_digits(p, c.min);
    *p++ = ':';
    p = two_digits(p, c.sec);
    *p++ = '+';
    p = two_digits(p, c.offset / 3600);
    memcpy(p, ":00", 4);
    return (size_t)(p + 3 - out);
}

size_t timeutil_format_utc(int64_t t, char *out)
{
    int y, m, d, n;
    int64_t days = floor_div(t, 86400), secs = t - days * 86400;
    timeutil_civil_from_days(days, &y, &m, &d);
    n = snprintf(out, TIMEUTIL_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    return n > 0 ? (size_t)n : 0;
}

size_t timeutil_format_oslo_date(int64_t t, char *out)
{
    struct timeutil_civil c;
    int n;
    timeutil_oslo_civil(t, &c);
    n = snprintf(out, 11, "%04d-%02d-%02d", c.year, c.month, c.day);
    return n > 0 ? (size_t)n : 0;
}

static const char *const step_names[] = {"hour", "day", "week", "month"};

int timeutil_step_parse(const char *name, enum timeutil_step *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, step_names[i]) == 0) {
            *out = (enum timeutil_step)i;
            return 0;
        }
    }
    return -1;
}

const char *timeutil_step_name(enum timeutil_step s)
{
    return step_names[s];
}

int64_t timeutil_oslo_bucket(int64_t t, enum timeutil_step step)
{
    struct timeutil_civil c;
    if (step == TIMEUTIL_HOUR)
        return floor_div(t, 3600) * 3600;
    timeutil_oslo_civil(t, &c);
    switch (step) {
    case TIMEUTIL_DAY:
        return timeutil_oslo_midnight(c.year, c.month, c.day);
    case TIMEUTIL_WEEK:
        return timeutil_oslo_midnight(c.year, c.month, c.day - c.wday);
    default:
        return timeutil_oslo_midnight(c.year, c.month, 1);
    }
}

int64_t timeutil_oslo_bucket_next(int64_t b, enum timeutil_step step)
{
    struct timeutil_civil c;
    if (step == TIMEUTIL_HOUR)
        return b + 3600;
    timeutil_oslo_civil(b, &c);
    switch (step) {
    case TIMEUTIL_DAY:
        return timeutil_oslo_midnight(c.year, c.month, c.day + 1);
    case TIMEUTIL_WEEK:
        return timeutil_oslo_midnight(c.year, c.month, c.day + 7);
    default:
        return timeutil_oslo_midnight(c.year, c.month + 1, 1);
    }
}

int64_t timeutil_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
