/* chart ticks: the pure axis and label arithmetic behind chart_draw (nice
 * value ticks, Oslo-calendar time ticks, pie label placement), kept apart
 * from cairo so it is unit-testable. */
#include "chart/chart.h"

#include "mem.h"
#include "present.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- value ticks ------------------------------------------------------- */

static int decimals_for(double step)
{
    int d = 0;
    double scaled = step;
    while (d < 12 && fabs(scaled - round(scaled)) > 1e-9 * fmax(1.0, fabs(scaled))) {
        scaled *= 10;
        d++;
    }
    return d;
}

void chart_nice_ticks(double lo, double hi, int max_ticks, struct chart_ticks *out)
{
    static const double mult[] = {1, 2, 2.5, 5, 10};
    double raw, p, step = 1, first = 0;
    int n = 2;

    if (max_ticks < 1)
        max_ticks = 1;
    if (!(hi > lo)) {
        double pad = lo != 0 ? fabs(lo) * 0.5 : 1.0;
        hi = lo + pad;
        if (lo > 0 && lo - pad >= 0)
            lo -= pad;
    }
    raw = (hi - lo) / max_ticks;
    p = pow(10, floor(log10(raw)));
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        double last;
        step = mult[i] * p;
        first = floor(lo / step + 1e-9) * step;
        last = ceil(hi / step - 1e-9) * step;
        n = (int)lround((last - first) / step) + 1;
        if (n <= max_ticks + 1)
            break;
    }
    if (n < 2)
        n = 2;
    out->first = first;
    out->step = step;
    out->n = n;
    out->decimals = decimals_for(step);
}

int chart_format_tick(double v, int decimals, char *out, size_t n)
{
    /* Avoid "-0" for a tick that is zero up to rounding. */
    if (fabs(v) < 0.5 * pow(10, -decimals))
        v = 0;
    return snprintf(out, n, "%.*f", decimals, v);
}

int chart_format_percent(double share, char *out, size_t n)
{
    return present_format_share(share, out, n);
}

/* ---- time ticks -------------------------------------------------------- */

enum tunit { TU_HOUR, TU_DAY, TU_WEEK, TU_MONTH, TU_YEAR };

static const char *const unit_names[] = {"hour", "day", "week", "month", "year"};
static const double unit_secs[] = {3600, 86400, 604800, 28 * 86400.0, 365 * 86400.0};
static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const struct {
    enum tunit u;
    int k;
} cands[] = {
    {TU_HOUR, 1}, {TU_HOUR, 2}, {TU_HOUR, 3},  {TU_HOUR, 6},  {TU_HOUR, 12}, {TU_DAY, 1},
    {TU_DAY, 2},  {TU_WEEK, 1}, {TU_MONTH, 1}, {TU_MONTH, 2}, {TU_MONTH, 3}, {TU_MONTH, 6},
    {TU_YEAR, 1}, {TU_YEAR, 2}, {TU_YEAR, 5},  {TU_YEAR, 10},
};

static int64_t unit_floor(int64_t t, enum tunit u)
{
    struct timeutil_civil c;
    switch (u) {
    case TU_HOUR:
        return timeutil_oslo_bucket(t, TIMEUTIL_HOUR);
    case TU_DAY:
        return timeutil_oslo_bucket(t, TIMEUTIL_DAY);
    case TU_WEEK:
        return timeutil_oslo_bucket(t, TIMEUTIL_WEEK);
    case TU_MONTH:
        return timeutil_oslo_bucket(t, TIMEUTIL_MONTH);
    default:
        timeutil_oslo_civil(t, &c);
        return timeutil_oslo_midnight(c.year, 1, 1);
    }
}

static int64_t unit_next(int64_t b, enum tunit u)
{
    struct timeutil_civil c;
    switch (u) {
    case TU_HOUR:
        return b + 3600;
    case TU_DAY:
        return timeutil_oslo_bucket_next(b, TIMEUTIL_DAY);
    case TU_WEEK:
        return timeutil_oslo_bucket_next(b, TIMEUTIL_WEEK);
    case TU_MONTH:
        return timeutil_oslo_bucket_next(b, TIMEUTIL_MONTH);
    default:
        timeutil_oslo_civil(b, &c);
        return timeutil_oslo_midnight(c.year + 1, 1, 1);
    }
}

/* Whether the unit boundary b is one of every k-th. Two-day ticks skip the
 * last day of a month when it would sit next to the 1st. */
static int aligned(int64_t b, enum tunit u, int k)
{
    struct timeutil_civil c;
    if (k == 1)
        return 1;
    timeutil_oslo_civil(b, &c);
    switch (u) {
    case TU_HOUR:
        return c.hour % k == 0;
    case TU_DAY:
        return (c.day - 1) % k == 0 && c.day <= timeutil_days_in_month(c.year, c.month) - k + 1;
    case TU_MONTH:
        return (c.month - 1) % k == 0;
    case TU_YEAR:
        return c.year % k == 0;
    default:
        return 1;
    }
}

/* Calls back for each tick of (u, k) in [from, to]; stops after cap. */
static size_t each_tick(int64_t from, int64_t to, enum tunit u, int k, int64_t *out, size_t cap)
{
    size_t n = 0;
    for (int64_t b = unit_floor(from, u); b <= to; b = unit_next(b, u)) {
        if (b < from || !aligned(b, u, k))
            continue;
        if (n >= cap)
            return cap + 1;
        if (out)
            out[n] = b;
        n++;
    }
    return n;
}

static void tick_label(int64_t t, enum tunit u, int first, char *out)
{
    struct timeutil_civil c;
    timeutil_oslo_civil(t, &c);
    switch (u) {
    case TU_HOUR:
        if (c.hour == 0)
            snprintf(out, CHART_TICK_LABEL, "%d %s", c.day, month_abbr[c.month - 1]);
        else
            snprintf(out, CHART_TICK_LABEL, "%02d:00", c.hour);
        break;
    case TU_DAY:
    case TU_WEEK:
        snprintf(out, CHART_TICK_LABEL, "%d %s", c.day, month_abbr[c.month - 1]);
        break;
    case TU_MONTH:
        if (first || c.month == 1)
            snprintf(out, CHART_TICK_LABEL, "%s %d", month_abbr[c.month - 1], c.year);
        else
            snprintf(out, CHART_TICK_LABEL, "%s", month_abbr[c.month - 1]);
        break;
    default:
        snprintf(out, CHART_TICK_LABEL, "%d", c.year);
    }
}

void chart_time_ticks(int64_t from, int64_t to, int max_ticks, struct chart_time_ticks *out)
{
    size_t pick = sizeof cands / sizeof cands[0] - 1, n;
    enum tunit minor_u = TU_YEAR;

    out->n = 0;
    out->nminor = 0;
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > CHART_MAX_TICKS)
        max_ticks = CHART_MAX_TICKS;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        /* Cheap estimate first so a long range never walks hour by hour. */
        if ((double)(to - from) / (unit_secs[cands[i].u] * cands[i].k) > 2.0 * max_ticks + 2)
            continue;
        if (each_tick(from, to, cands[i].u, cands[i].k, NULL, (size_t)max_ticks) <=
            (size_t)max_ticks) {
            pick = i;
            break;
        }
    }
    n = each_tick(from, to, cands[pick].u, cands[pick].k, out->t, CHART_MAX_TICKS);
    out->n = n > CHART_MAX_TICKS ? CHART_MAX_TICKS : n;
    out->unit = unit_names[cands[pick].u];
    out->every = cands[pick].k;
    for (size_t i = 0; i < out->n; i++)
        tick_label(out->t[i], cands[pick].u, i == 0, out->label[i]);

    if ((cands[pick].u == TU_DAY && cands[pick].k > 1) || cands[pick].u == TU_WEEK)
        minor_u = TU_DAY;
    else if (cands[pick].u == TU_MONTH && cands[pick].k > 1)
        minor_u = TU_MONTH;
    else if (cands[pick].u == TU_YEAR)
        minor_u = cands[pick].k == 1 ? TU_MONTH : TU_YEAR;
    else
        return;
    if (minor_u == TU_YEAR && cands[pick].k == 1)
        return;
    n = each_tick(from, to, minor_u, 1, out->minor, CHART_MAX_MINOR);
    out->nminor = n > CHART_MAX_MINOR ? 0 : n;
}

/* ---- pie labels -------------------------------------------------------- */

static const double PI = 3.14159265358979323846;

/* Orders indices by their label's y (insertion sort: a handful of labels). */
static void sort_by_y(size_t *idx, size_t n, const struct chart_pie_label *l)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && l[idx[j - 1]].y > l[v].y) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

static void spread(struct chart_pie_label *l, size_t *idx, size_t n, double line_h, double top,
                   double bottom)
{
    if (n == 0)
        return;
    sort_by_y(idx, n, l);
    if (l[idx[0]].y < top)
        l[idx[0]].y = top;
    for (size_t i = 1; i < n; i++)
        if (l[idx[i]].y < l[idx[i - 1]].y + line_h)
            l[idx[i]].y = l[idx[i - 1]].y + line_h;
    if (l[idx[n - 1]].y > bottom) {
        l[idx[n - 1]].y = bottom;
        for (size_t i = n - 1; i > 0; i--)
            if (l[idx[i - 1]].y > l[idx[i]].y - line_h)
                l[idx[i - 1]].y = l[idx[i]].y - line_h;
    }
}

void chart_pie_layout(const double *values, size_t n, double cx, double cy, double r, double line_h,
                      double top, double bottom, double min_inside, struct chart_pie_label *out)
{
    double sum = 0, a = -PI / 2;
    size_t *left = xcalloc(n ? n : 1, sizeof *left), *right = xcalloc(n ? n : 1, sizeof *right);
    size_t nl = 0, nr = 0;

    for (size_t i = 0; i < n; i++)
        if (values[i] > 0)
            sum += values[i];
    for (size_t i = 0; i < n; i++) {
        struct chart_pie_label *l = &out[i];
        double mid;
        l->share = values[i] > 0 && sum > 0 ? values[i] / sum : 0;
        l->a0 = a;
        l->a1 = a + l->share * 2 * PI;
        a = l->a1;
        mid = (l->a0 + l->a1) / 2;
        l->rim_x = cx + r * cos(mid);
        l->rim_y = cy + r * sin(mid);
        l->right = cos(mid) >= 0;
        if (l->share <= 0) {
            l->inside = -1;
            l->x = cx;
            l->y = cy;
        } else if (l->share >= min_inside) {
            l->inside = 1;
            l->x = cx + 0.62 * r * cos(mid);
            l->y = cy + 0.62 * r * sin(mid);
        } else {
            l->inside = 0;
            l->y = cy + 1.15 * r * sin(mid);
            if (l->right)
                right[nr++] = i;
            else
                left[nl++] = i;
        }
    }
    spread(out, left, nl, line_h, top, bottom);
    spread(out, right, nr, line_h, top, bottom);
    for (size_t i = 0; i < n; i++) {
        struct chart_pie_label *l = &out[i];
        double mid = (l->a0 + l->a1) / 2;
        if (l->inside != 0)
            continue;
        l->elbow_x = cx + 1.1 * r * cos(mid);
        l->elbow_y = cy + 1.1 * r * sin(mid);
        l->x = l->right ? cx + 1.3 * r : cx - 1.3 * r;
    }
    free(left);
    free(right);
}
