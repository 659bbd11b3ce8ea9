/* query/months: the months each series of a dataset has data in, and the
 * stretches of Oslo's UTC offset over a period; see query.h. */
#include "query/query.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define HOUR 3600

struct months_list {
    struct query_series_month *v;
    size_t n, cap;
};

static int series_month(const struct store_rollup *r, void *ctx)
{
    struct months_list *m = ctx;
    struct query_series_month *x;
    if (r->hours <= 0)
        return 0;
    xgrow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v);
    x = &m->v[m->n++];
    memcpy(x->area, r->area, sizeof x->area);
    memcpy(x->group, r->group, sizeof x->group);
    x->t = r->t;
    x->hours = r->hours;
    return 0;
}

static int cmp_month(const void *a, const void *b)
{
    const struct query_series_month *x = a, *y = b;
    int c = strcmp(x->area, y->area);
    if (!c)
        c = strcmp(x->group, y->group);
    return c ? c : (x->t > y->t) - (x->t < y->t);
}

int query_series_months(struct store *s, const struct dataset *ds, struct query_series_month **out,
                        size_t *n, struct err *e)
{
    struct store_query q = {ds, NULL, NULL, 0, INT64_MIN, INT64_MAX};
    struct months_list m = {NULL, 0, 0};
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (store_scan_rollups(s, STORE_MONTH, &q, series_month, &m, e) < 0) {
        free(m.v);
        return -1;
    }
    if (m.n > 1)
        qsort(m.v, m.n, sizeof *m.v, cmp_month);
    /* A backend may keep one month in pieces (several rollups of one key
     * are summed); merge equal keys, now adjacent. */
    for (size_t i = 0; i < m.n; i++) {
        if (k && cmp_month(&m.v[k - 1], &m.v[i]) == 0)
            m.v[k - 1].hours += m.v[i].hours;
        else
            m.v[k++] = m.v[i];
    }
    *out = m.v;
    *n = k;
    return 0;
}

size_t query_oslo_offsets(int64_t from, int64_t to, struct query_offset *out, size_t max)
{
    size_t n = 0;
    int cur;

    if (max == 0 || to <= from)
        return 0;
    cur = timeutil_oslo_offset(from);
    out[n].from = from;
    out[n++].offset = cur;
    /* Day by day; where the offset at the next midnight differs, the
     * change is on the hour inside that day (Oslo changes at 01:00 UTC). */
    for (int64_t d = timeutil_oslo_bucket(from, TIMEUTIL_DAY); d < to;) {
        int64_t next = timeutil_oslo_bucket_next(d, TIMEUTIL_DAY);
        if (timeutil_oslo_offset(next) != cur) {
            for (int64_t h = d < from ? from : d; h < next && h < to; h += HOUR) {
                if (timeutil_oslo_offset(h) != cur) {
                    if (n == max)
                        return n;
                    cur = timeutil_oslo_offset(h);
                    out[n].from = h;
                    out[n++].offset = cur;
                    break;
                }
            }
        }
        d = next;
    }
    return n;
}
