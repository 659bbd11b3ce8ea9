/* timeutil: instants (int64 seconds since the Unix epoch, UTC) and the
 * Europe/Oslo calendar. Oslo follows the EU summer-time rule: UTC+2 from the
 * last Sunday of March 01:00 UTC until the last Sunday of October 01:00 UTC,
 * UTC+1 otherwise. The rule is built in (Norway has used it since 1996) so the
 * binary needs no tzdata; years before 1996 get the same rule, which is wrong
 * for them and documented as such. All functions are pure and thread-safe. */
#ifndef ELHUB_TIMEUTIL_H
#define ELHUB_TIMEUTIL_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

/* "2021-10-31T02:00:00+01:00" plus NUL fits. */
#define TIMEUTIL_ISO_LEN 32

enum timeutil_step { TIMEUTIL_HOUR, TIMEUTIL_DAY, TIMEUTIL_WEEK, TIMEUTIL_MONTH };

/* A broken-down Oslo local time. */
struct timeutil_civil {
    int year, month, day; /* month 1-12, day 1-31 */
    int hour, min, sec;
    int wday;   /* 0 = Monday ... 6 = Sunday (ISO) */
    int offset; /* seconds east of UTC: 3600 or 7200 */
};

/* Milliseconds of the monotonic clock (for timeouts and durations; not a
 * time of day). */
int64_t timeutil_now_ms(void);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t timeutil_days_from_civil(int y, int m, int d);
void timeutil_civil_from_days(int64_t days, int *y, int *m, int *d);
int timeutil_days_in_month(int y, int m);

/* Oslo's offset from UTC (3600 or 7200) at instant t. */
int timeutil_oslo_offset(int64_t t);
/* Breaks t down into Oslo local time. */
void timeutil_oslo_civil(int64_t t, struct timeutil_civil *out);
/* The instant of 00:00 Oslo time on the given date (month and day may
 * overflow: month 13 is January of the next year, day 32 rolls over). */
int64_t timeutil_oslo_midnight(int y, int m, int d);

/* Parses "YYYY-MM-DD[T| ]HH:MM[:SS[.frac]]" followed by "Z", "±HH:MM",
 * "±HHMM" or "±HH" (s need not be NUL-terminated; len bytes are read, and
 * surrounding blanks are not allowed). A time without an offset is rejected:
 * it is ambiguous on the autumn DST day. 0 on success, -1 with e set. */
int timeutil_parse_iso(const char *s, size_t len, int64_t *out, struct err *e);

/* Parses "YYYY-MM" (has_day = 0, day = 1) or "YYYY-MM-DD" (has_day = 1). */
int timeutil_parse_date(const char *s, int *y, int *m, int *d, int *has_day, struct err *e);

/* Writes t as the API does, in Oslo time with its offset:
 * "2021-10-31T02:00:00+01:00". out must hold TIMEUTIL_ISO_LEN bytes.
 * Returns the length written. */
size_t timeutil_format_oslo(int64_t t, char *out);
/* Writes t as "2021-10-31T01:00:00Z". */
size_t timeutil_format_utc(int64_t t, char *out);
/* Writes an Oslo date "2021-10-31". out must hold 11 bytes. */
size_t timeutil_format_oslo_date(int64_t t, char *out);

/* "hour", "day", "week", "month" -> step; -1 if unknown. */
int timeutil_step_parse(const char *name, enum timeutil_step *out);
const char *timeutil_step_name(enum timeutil_step s);
/* The instant the bucket containing t starts: the hour (UTC-aligned, which
 * is Oslo-aligned too), or Oslo midnight of the day, of the Monday of the ISO
 * week, or of the first of the month. */
int64_t timeutil_oslo_bucket(int64_t t, enum timeutil_step step);
/* The instant the bucket after the one starting at b starts. */
int64_t timeutil_oslo_bucket_next(int64_t b, enum timeutil_step step);

#endif
