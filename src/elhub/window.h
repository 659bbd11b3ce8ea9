/* elhub/window: splits an inclusive range of Oslo dates into the requests
 * the API accepts (one calendar month at most, see docs/ELHUB-API.md
 * "Request") and builds their URLs. Pure: no I/O.
 *
 * Why these boundaries: the server rejects a request whose endDate is more
 * than 31 x 24 h of absolute time after its startDate, and it answers with
 * whole LOCAL calendar days. A local-midnight-to-local-midnight October is
 * 745 h (the autumn DST day has 25 h) and gets HTTP 400. So a window asks for
 * startDate = 00:00 local of its first day and endDate = 23:00 local of its
 * last day: the start of the last hour, still inside the last day. Any
 * whole-day selection rule (by local date, or by startTime <= endDate) then
 * returns exactly the window's days, and the longest request is October:
 * 31 days + 1 h - 1 h = 744 h. */
#ifndef ELHUB_WINDOW_H
#define ELHUB_WINDOW_H

#include "buf.h"
#include "dataset.h"
#include "err.h"
#include "timeutil.h"

#include <stddef.h>
#include <stdint.h>

struct elhub_window {
    int year, month;         /* the calendar month */
    int first_day, last_day; /* inclusive days of the month it covers */
    int full;                /* covers the whole month */
    int64_t start;           /* 00:00 Oslo of first_day (UTC seconds) */
    int64_t end;             /* 00:00 Oslo after last_day: records start in [start, end) */
    char month_key[32];      /* "2021-10" (sized for any int year) */
    char key[80];            /* done-key: "2021-10", or "2021-10-05..2021-10-20" if partial */
};

/* Splits the inclusive range from..to ("YYYY-MM" or "YYYY-MM-DD"; a month
 * as `from` starts on its 1st, as `to` ends on its last day) into one window
 * per calendar month, ascending: source_plan_months (the one month planner,
 * which the Elhub source's plan calls) seen as calendar fields. *out is owned by the caller
 * (free()), *n its length; both are zeroed on failure. ERR_USAGE if a date is malformed, to is
 * before from, or the range has more than LIMIT_WINDOWS months. */
int elhub_window_split(const char *from, const char *to, struct elhub_window **out, size_t *n,
                       struct err *e);

/* The startDate and endDate a window sends, in the API's form
 * ("2021-10-01T00:00:00+02:00", "2021-10-31T23:00:00+01:00"). Each buffer
 * holds TIMEUTIL_ISO_LEN bytes. */
void elhub_window_dates(const struct elhub_window *w, char *start, char *end);

/* Absolute hours between the startDate and endDate sent (at most 744). */
int elhub_window_request_hours(const struct elhub_window *w);

/* Appends the request URL for w to out:
 * API_URL/price-areas?dataset=NAME&startDate=..&endDate=.. with every byte
 * outside [A-Za-z0-9-._~:] percent-encoded ('+' becomes %2B, or the server
 * reads a space). api_url must be http:// or https:// (a trailing '/' is
 * dropped). -1 with e set (ERR_USAGE) on a bad api_url or a full buffer. */
int elhub_window_url(const char *api_url, const struct dataset *ds, const struct elhub_window *w,
                     struct buf *out, struct err *e);
/* The same for the window [start, end) of Oslo days given as instants
 * (what a struct source_window carries). */
int elhub_window_url_range(const char *api_url, const struct dataset *ds, int64_t start,
                           int64_t end, struct buf *out, struct err *e);

#endif
