/* series: specs through the selection parser, the hourly grid and its gap
 * policy, and the one read from the store (see series.h). */
#include "analysis/series.h"

#include "mem.h"
#include "query/query.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Part i of a spec, as the selection parser's parameter. */
static const char *const part_names[3] = {"dataset", "area", "groups"};

int series_spec_parse(const char *s, struct series_spec *out, struct err *e)
{
    const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *start[3], *end[3];
    char shown[80], part[LIMIT_ANALYSIS_SPEC];
    struct select sel;

    memset(out, 0, sizeof *out);
    err_quote(s, strlen(s), shown, sizeof shown);
    if (!c1 || !c2 || strchr(c2 + 1, ':'))
        return err_set(e, ERR_USAGE, 0,
                       "series \"%s\": expected DATASET:AREA:GROUP, e.g. production:NO5:hydro",
                       shown);
    start[0] = s;
    end[0] = c1;
    start[1] = c1 + 1;
    end[1] = c2;
    start[2] = c2 + 1;
    end[2] = s + strlen(s);
    select_init(&sel);
    for (int i = 0; i < 3; i++) {
        size_t n = (size_t)(end[i] - start[i]);
        if (n == 0 || n >= sizeof part || (i == 2 && memchr(start[i], ',', n)))
            return err_set(e, ERR_USAGE, 0, "series \"%s\": %s %s", shown,
                           n == 0             ? "empty"
                           : n >= sizeof part ? "too long"
                                              : "more than one",
                           i == 2 ? "group or variable" : part_names[i]);
        memcpy(part, start[i], n);
        part[n] = '\0';
        if (select_set(&sel, SELECT_DATASET | SELECT_AREA | SELECT_GROUPS, part_names[i], part, e) <
            0) {
            err_prefix(e, "series \"%s\"", shown);
            memset(out, 0, sizeof *out);
            return -1;
        }
    }
    if (sel.norway) {
        memset(out, 0, sizeof *out);
        return err_set(e, ERR_USAGE, 0,
                       "series \"%s\": area %s (all of Norway) is a sum over areas, not one "
                       "series; name a price area such as NO5",
                       shown, SELECT_NORWAY);
    }
    out->ds = sel.ds;
    memcpy(out->area, sel.area, sizeof out->area);
    memcpy(out->group, sel.groups[0], sizeof out->group);
    snprintf(out->text, sizeof out->text, "%s:%s:%s", out->ds->name, out->area, out->group);
    return 0;
}

void series_select(const struct series_spec *spec, const struct select *range, struct select *out)
{
    *out = *range;
    out->ds = spec->ds;
    memcpy(out->area, spec->area, sizeof out->area);
    memcpy(out->groups[0], spec->group, sizeof out->groups[0]);
    out->gp[0] = out->groups[0];
    out->ngroups = 1;
    out->step = TIMEUTIL_HOUR;
    out->given |= SELECT_DATASET | SELECT_AREA | SELECT_GROUPS;
}

int series_fill_parse(const char *s, enum series_fill *out)
{
    if (strcmp(s, "none") == 0)
        *out = SERIES_FILL_NONE;
    else if (strcmp(s, "linear") == 0)
        *out = SERIES_FILL_LINEAR;
    else
        return -1;
    return 0;
}

const char *series_fill_name(enum series_fill f)
{
    return f == SERIES_FILL_LINEAR ? "linear" : "none";
}

void series_release(struct series *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

int series_grid(const char *spec, const int64_t *t, const double *v, size_t m, int64_t from,
                int64_t to, enum series_fill fill, struct series *out, struct err *e)
{
    char a[TIMEUTIL_ISO_LEN], b[TIMEUTIL_ISO_LEN];
    size_t n, first = 0, last = 0, present = 0, missing = 0, runs = 0, gap_at = 0, gap_len = 0;
    double *x;

    memset(out, 0, sizeof *out);
    if (to <= from || (to - from) % 3600 != 0 || (to - from) / 3600 > LIMIT_ANALYSIS_POINTS)
        return err_set(e, ERR_USAGE, 0, "%s: a range of 1 to %u whole hours is needed", spec,
                       LIMIT_ANALYSIS_POINTS);
    n = (size_t)((to - from) / 3600);
    x = xmalloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = NAN;
    for (size_t i = 0; i < m; i++) {
        if (t[i] < from || t[i] >= to || (t[i] - from) % 3600 != 0)
            continue;
        x[(t[i] - from) / 3600] = v[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (!present++)
            first = i;
        last = i;
    }
    if (!present) {
        timeutil_format_oslo_date(from, a);
        timeutil_format_oslo_date(to - 1, b);
        free(x);
        return err_set(e, ERR_DATA, 0, "no data for %s from %s to %s", spec, a, b);
    }
    if (first > 0 || last < n - 1) {
        int lead = first > 0;
        timeutil_format_oslo(lead ? from : from + 3600 * (int64_t)(n - 1), a);
        timeutil_format_oslo(from + 3600 * (int64_t)(lead ? first : last), b);
        free(x);
        return err_set(
            e, ERR_DATA, 0,
            "%s has no data %s %s, where the range %s at %s; hours missing at the %s "
            "of a range cannot be interpolated, so move the range's %s past the missing hours",
            spec, lead ? "before" : "after", b, lead ? "starts" : "ends", a, lead ? "start" : "end",
            lead ? "start (from)" : "end (to)");
    }
    for (size_t i = first + 1; i <= last; i++) {
        if (!isnan(x[i]))
            continue;
        if (!isnan(x[i - 1]) && runs++ == 0) /* a run starts; the first one */
            gap_at = i;
        if (runs == 1)
            gap_len++;
        missing++;
    }
    if (missing && fill == SERIES_FILL_NONE) {
        timeutil_format_oslo(from + 3600 * (int64_t)gap_at, a);
        free(x);
        return err_set(e, ERR_DATA, 0,
                       "%s has a gap at %s (%zu missing hour%s; %zu missing in %zu gap%s in the "
                       "range); fill linear (--fill linear, fill=linear) interpolates gaps",
                       spec, a, gap_len, gap_len == 1 ? "" : "s", missing, runs,
                       runs == 1 ? "" : "s");
    }
    for (size_t i = first; i <= last; i++) {
        size_t j;
        double slope;
        if (!isnan(x[i]))
            continue;
        for (j = i; isnan(x[j]); j++) /* x[last] is present */
            ;
        /* numpy.interp: slope * (x - x0) + y0 from the known hours i-1 and j. */
        slope = (x[j] - x[i - 1]) / (double)(j - (i - 1));
        for (size_t k = i; k < j; k++)
            x[k] = slope * (double)(k - (i - 1)) + x[i - 1];
        i = j;
    }
    snprintf(out->spec, sizeof out->spec, "%s", spec);
    out->start = from;
    out->n = n;
    out->v = x;
    out->filled = missing;
    out->gaps = runs;
    return 0;
}

int series_read(struct store *s, const struct series_spec *spec, const struct select *range,
                enum series_fill fill, struct series *out, struct err *e)
{
    struct select sel;
    struct query_series qs;
    const struct query_group_series *g = NULL;
    int64_t *t = NULL;
    double *v = NULL;
    size_t m = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&qs, 0, sizeof qs);
    series_select(spec, range, &sel);
    if (query_check_selection(s, &sel, e) < 0) {
        err_prefix(e, "series %s", spec->text);
        return -1;
    }
    if (query_series(s, &sel, LIMIT_ANALYSIS_POINTS, &qs, e) < 0) {
        err_prefix(e, "reading %s", spec->text);
        return -1;
    }
    for (size_t i = 0; i < qs.ng; i++)
        if (strcmp(qs.g[i].group, spec->group) == 0)
            g = &qs.g[i];
    if (g) {
        m = g->n;
        t = xmalloc((m ? m : 1) * sizeof *t);
        v = xmalloc((m ? m : 1) * sizeof *v);
        for (size_t i = 0; i < m; i++) {
            t[i] = g->pts[i].t;
            v[i] = g->pts[i].value;
        }
    }
    rc = series_grid(spec->text, t, v, m, sel.from, sel.to, fill, out, e);
    query_series_release(&qs);
    free(t);
    free(v);
    return rc;
}
