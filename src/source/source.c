/* source: the registry of sources (one line per source file) and the
 * decoder object that dispatches to a source's decoder functions. */
#include "source/source.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

static const struct source_ops *const all[] = {&source_elhub_ops};

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
                                          source_record_fn fn, void *ctx)
{
    struct source_decoder *d;
    void *impl;
    if (!src || !src->decoder_new)
        return NULL;
    impl = src->decoder_new(ds, fn, ctx);
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
