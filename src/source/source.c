/* source: the registry of sources (one line per source file), the
 * decoder object that dispatches to a source's decoder functions, and the
 * calendar-month planner sources share. */
#include "source/source.h"

#include "caps.h"
#include "mem.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct source_ops *const all[] = {&source_elhub_ops, &source_openmeteo_ops};

struct source_decoder {
    const struct source_ops *ops;
    void *impl; /* the source's decoder state */
};

const struct source_ops *source_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

const struct source_ops *source_of(const struct dataset *ds)
{
    return ds ? source_find(ds->source) : NULL;
}

const struct dataset *source_sniff(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const struct dataset *ds = all[i]->sniff ? all[i]->sniff(p, n) : NULL;
        if (ds)
            return ds;
    }
    return NULL;
}

const char *source_windows(const struct source_ops *src, size_t n)
{
    return n == 1 ? src->window_one : src->window_many;
}

struct source_decoder *source_decoder_new(const struct source_ops *src, const struct dataset *ds,
                                          const struct source_opts *o, source_record_fn fn,
                                          void *ctx)
{
    static const struct source_opts none;
    struct source_decoder *d;
    void *impl;
    if (!src || !src->decoder_new)
        return NULL;
    impl = src->decoder_new(ds, o ? o : &none, fn, ctx);
    if (!impl)
        return NULL;
    d = xmalloc(sizeof *d);
    d->ops = src;
    d->impl = impl;
    return d;
}

int source_decoder_feed(struct source_decoder *d, const char *chunk, size_t n, struct err *e)
{
    return d->ops->decoder_feed(d->impl, chunk, n, e);
}

int source_decoder_finish(struct source_decoder *d, struct err *e)
{
    return d->ops->decoder_finish(d->impl, e);
}

void source_decoder_free(struct source_decoder *d)
{
    if (!d)
        return;
    d->ops->decoder_free(d->impl);
    free(d);
}

int source_decoder_meta(struct source_decoder *d, char *key, size_t kn, char *value, size_t vn)
{
    if (kn)
        key[0] = '\0';
    if (vn)
        value[0] = '\0';
    if (!d->ops->decoder_meta)
        return -1;
    return d->ops->decoder_meta(d->impl, key, kn, value, vn);
}

int source_plan_months(const char *from, const char *to, const char *prefix,
                       const struct source_place *place, struct source_window **out, size_t *n,
                       struct err *e)
{
    int y0, m0, d0, y1, m1, d1, has_day;
    int64_t first, last; /* days since 1970 of the first and the last Oslo day */
    long count;
    struct source_window *w;

    *out = NULL;
    *n = 0;
    if (timeutil_parse_date(from, &y0, &m0, &d0, &has_day, e) < 0)
        return err_prefix(e, "--from");
    if (timeutil_parse_date(to, &y1, &m1, &d1, &has_day, e) < 0)
        return err_prefix(e, "--to");
    if (!has_day)
        d1 = timeutil_days_in_month(y1, m1);
    first = timeutil_days_from_civil(y0, m0, d0);
    last = timeutil_days_from_civil(y1, m1, d1);
    if (last < first)
        return err_set(e, ERR_USAGE, 0, "--to %s is before --from %s", to, from);
    count = (long)(y1 - y0) * 12 + (m1 - m0) + 1;
    if (count > LIMIT_WINDOWS)
        return err_set(e, ERR_USAGE, 0, "%s..%s spans %ld months; at most %d per run", from, to,
                       count, LIMIT_WINDOWS);
    w = xcalloc((size_t)count, sizeof *w);
    for (long i = 0; i < count; i++) {
        struct source_window *x = &w[i];
        int y = y0 + (int)((m0 - 1 + i) / 12), m = (int)((m0 - 1 + i) % 12) + 1;
        int64_t month0 = timeutil_days_from_civil(y, m, 1);
        int64_t month1 = month0 + timeutil_days_in_month(y, m) - 1;
        int64_t a = first > month0 ? first : month0, b = last < month1 ? last : month1;
        int ay, am, ad, by, bm, bd;

        timeutil_civil_from_days(a, &ay, &am, &ad);
        timeutil_civil_from_days(b, &by, &bm, &bd);
        x->start = timeutil_oslo_midnight(ay, am, ad);
        x->end = timeutil_oslo_midnight(by, bm, bd + 1);
        if (a == month0 && b == month1) {
            snprintf(x->key, sizeof x->key, "%s%04d-%02d", prefix, y, m);
        } else {
            snprintf(x->key, sizeof x->key, "%s%04d-%02d-%02d..%04d-%02d-%02d", prefix, ay, am, ad,
                     by, bm, bd);
            snprintf(x->outer_key, sizeof x->outer_key, "%s%04d-%02d", prefix, y, m);
        }
        if (place)
            x->place = *place;
    }
    *out = w;
    *n = (size_t)count;
    return 0;
}
