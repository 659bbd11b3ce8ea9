/* query/hourly: series specs, the hourly grid read through query_series,
 * and the gap policy (see hourly.h). */
#include "query/hourly.h"

#include "query/query.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HOUR 3600

int query_spec_parse(const char *text, size_t len, struct query_spec *out, struct err *e)
{
    static const char *const part[] = {"dataset", "area", "groups"};
    static const char *const what[] = {"dataset", "area", "group"};
    char shown[80], piece[LIMIT_NAME + 1];
    size_t at = 0;
    struct err pe = {0};

    memset(out, 0, sizeof *out);
    select_init(&out->sel);
    err_quote(text, len, shown, sizeof shown);
    for (int k = 0; k < 3; k++) {
        const char *colon = memchr(text + at, ':', len - at);
        size_t end = colon ? (size_t)(colon - text) : len, n = end - at;
        if ((k < 2) != (colon != NULL))
            return err_set(e, ERR_USAGE, 0,
                           "series \"%s\": expected DATASET:AREA:GROUP, e.g. production:NO1:hydro",
                           shown);
        if (n == 0 || n >= sizeof piece || memchr(text + at, ',', n))
            return err_set(e, ERR_USAGE, 0,
                           "series \"%s\": the %s is empty, too long or more than one name "
                           "(expected DATASET:AREA:GROUP, e.g. production:NO1:hydro)",
                           shown, what[k]);
        memcpy(piece, text + at, n);
        piece[n] = '\0';
        if (select_set(&out->sel, SELECT_DATASET | SELECT_AREA | SELECT_GROUPS, part[k], piece,
                       &pe) < 0)
            return err_set(e, ERR_USAGE, 0, "series \"%s\": %s", shown, pe.msg);
        at = end + 1;
    }
    snprintf(out->name, sizeof out->name, "%s:%s:%s", out->sel.ds->name, out->sel.area,
             out->sel.groups[0]);
    return 0;
}

int query_hourly(struct store *s, const struct query_spec *spec, int64_t from, int64_t to,
                 size_t max_hours, double *v, struct err *e)
{
    struct select sel = spec->sel;
    struct query_series ser;
    size_t n;

    if (!(from < to) || from % HOUR != 0 || to % HOUR != 0)
        return err_set(e, ERR_USAGE, 0, "%s: a range of whole hours is needed", spec->name);
    n = (size_t)((to - from) / HOUR);
    if (n > max_hours)
        return err_set(e, ERR_USAGE, 0, "%s: %zu hours asked for, at most %zu", spec->name, n,
                       max_hours);
    sel.from = from;
    sel.to = to;
    sel.step = TIMEUTIL_HOUR;
    if (query_series(s, &sel, n, &ser, e) < 0)
        return err_prefix(e, "reading %s", spec->name);
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
    for (size_t g = 0; g < ser.ng; g++) {
        if (strcmp(ser.g[g].group, spec->sel.groups[0]) != 0)
            continue;
        for (size_t k = 0; k < ser.g[g].n; k++) {
            const struct query_point *p = &ser.g[g].pts[k];
            if (p->t >= from && p->t < to && p->hours > 0)
                v[(p->t - from) / HOUR] = p->value;
        }
    }
    query_series_release(&ser);
    return 0;
}

int query_fill_parse(const char *s, enum query_fill *out)
{
    if (strcmp(s, "none") == 0)
        *out = QUERY_FILL_NONE;
    else if (strcmp(s, "linear") == 0)
        *out = QUERY_FILL_LINEAR;
    else
        return -1;
    return 0;
}

const char *query_fill_name(enum query_fill f)
{
    return f == QUERY_FILL_LINEAR ? "linear" : "none";
}

size_t query_hourly_first_missing(const double *v, size_t n)
{
    size_t i = 0;
    while (i < n && !isnan(v[i]))
        i++;
    return i;
}

int query_hourly_fill(const char *name, int64_t from, double *v, size_t n, enum query_fill fill,
                      size_t *filled, struct err *e)
{
    char a[TIMEUTIL_ISO_LEN], b[TIMEUTIL_ISO_LEN];
    size_t first = n, last = 0, missing = 0, runs = 0, gap_at = 0, gap_len = 0;

    if (filled)
        *filled = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        if (first == n)
            first = i;
        last = i;
    }
    if (first == n) {
        if (n) {
            timeutil_format_oslo(from, a);
            timeutil_format_oslo(from + HOUR * (int64_t)(n - 1), b);
        } else {
            a[0] = b[0] = '\0';
        }
        return err_set(e, ERR_DATA, 0, "%s has no value for any hour from %s to %s", name, a, b);
    }
    if (first > 0 || last < n - 1) {
        int lead = first > 0;
        timeutil_format_oslo(lead ? from : from + HOUR * (int64_t)(n - 1), a);
        timeutil_format_oslo(from + HOUR * (int64_t)(lead ? first : last), b);
        return err_set(e, ERR_DATA, 0,
                       "%s has no value %s %s, and the range %s at %s; hours missing at the %s of "
                       "a range cannot be filled, so choose days that %s",
                       name, lead ? "before" : "after", b, lead ? "starts" : "ends", a,
                       lead ? "start" : "end", lead ? "start later" : "end earlier");
    }
    for (size_t i = first; i <= last; i++) {
        if (!isnan(v[i]))
            continue;
        if (!isnan(v[i - 1]) && !runs++)
            gap_at = i;
        if (runs == 1)
            gap_len++;
        missing++;
    }
    if (missing && fill == QUERY_FILL_NONE) {
        timeutil_format_oslo(from + HOUR * (int64_t)gap_at, a);
        return err_set(e, ERR_DATA, (long)gap_at,
                       "%s has no value for the hour starting %s (a gap of %zu hour%s; %zu hours "
                       "missing in %zu gap%s in the range); import or fetch them, choose other "
                       "days, or fill the gaps linearly (fill linear)",
                       name, a, gap_len, gap_len == 1 ? "" : "s", missing, runs,
                       runs == 1 ? "" : "s");
    }
    for (size_t i = first; i <= last; i++) {
        size_t j;
        double slope;
        if (!isnan(v[i]))
            continue;
        for (j = i; isnan(v[j]); j++) /* v[last] is present */
            ;
        /* numpy.interp: y0 + (x - x0) * (y1 - y0) / (x1 - x0) from hours i-1 and j. */
        slope = (v[j] - v[i - 1]) / (double)(j - (i - 1));
        for (size_t k = i; k < j; k++)
            v[k] = slope * (double)(k - (i - 1)) + v[i - 1];
        i = j;
    }
    if (filled)
        *filled = missing;
    return 0;
}
