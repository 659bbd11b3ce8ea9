/* store: backend dispatch by URI scheme, and the reads every backend gets
 * for free on top of scan (totals, summary, Oslo-calendar series). */
#include "store/store.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *prefix;
    const struct store_ops *ops;
} schemes[] = {
    {"sqlite:", &store_sqlite_ops},
    {"cassandra://", &store_cassandra_ops},
    {"mongodb://", &store_mongo_ops},
    {"mongodb+srv://", &store_mongo_ops},
    /* "mongodb:" alone: the URI comes from $ELHUB_MONGO_URI or a config
     * file, so a password never appears on a command line. */
    {"mongodb:", &store_mongo_ops},
};

const char *store_default_uri(void)
{
    const char *env = getenv("ELHUB_STORE");
    return env && *env ? env : "sqlite:elhub.db";
}

void store_redact_uri(const char *uri, char *out, size_t n)
{
    const char *scheme_end = strstr(uri, "://");
    const char *at, *colon, *auth = scheme_end ? scheme_end + 3 : NULL;

    snprintf(out, n, "%s", uri);
    if (!auth)
        return;
    at = strchr(auth, '@');
    if (!at || (strchr(auth, '/') && strchr(auth, '/') < at))
        return;
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return;
    snprintf(out, n, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
}

int store_open(const char *uri, struct store **out, struct err *e)
{
    struct store *s;

    *out = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strncmp(uri, schemes[i].prefix, strlen(schemes[i].prefix)) != 0)
            continue;
        s = xcalloc(1, sizeof *s);
        s->ops = schemes[i].ops;
        store_redact_uri(uri, s->uri_safe, sizeof s->uri_safe);
        if (s->ops->open(s, uri, e) < 0) {
            free(s);
            return -1;
        }
        *out = s;
        return 0;
    }
    {
        char safe[512];
        store_redact_uri(uri, safe, sizeof safe);
        return err_set(e, ERR_USAGE, 0,
                       "unknown store \"%s\": expected sqlite:PATH, cassandra://HOST/KEYSPACE or "
                       "mongodb://HOST/DB",
                       safe);
    }
}

void store_free(struct store *s)
{
    if (!s)
        return;
    s->ops->close(s);
    free(s);
}

int store_write(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                const char *done_key, struct err *e)
{
    return s->ops->write(s, ds, rows, n, done_key, e);
}

int store_is_done(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                  struct err *e)
{
    *done = 0;
    return s->ops->is_done(s, ds, done_key, done, e);
}

int store_scan(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
               struct err *e)
{
    return s->ops->scan(s, q, fn, ctx, e);
}

int store_data_version(struct store *s, uint64_t *version, int *known, struct err *e)
{
    *version = 0;
    *known = 0;
    if (!s->ops->data_version)
        return 0;
    return s->ops->data_version(s, version, known, e);
}

/* ---- totals from scan ------------------------------------------------- */

static int cmp_total(const void *a, const void *b)
{
    return strcmp(((const struct store_total *)a)->group, ((const struct store_total *)b)->group);
}

void store_totals_sort(struct store_total *t, size_t n)
{
    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(t, n, sizeof *t, cmp_total);
}

int store_totals_add(const struct record *r, void *ctx)
{
    struct store_totals_acc *acc = ctx;
    size_t i;
    for (i = 0; i < acc->n; i++)
        if (strcmp(acc->t[i].group, r->group) == 0)
            break;
    if (i == acc->n) {
        xgrow((void **)&acc->t, &acc->cap, acc->n + 1, sizeof *acc->t);
        memset(&acc->t[i], 0, sizeof acc->t[i]);
        memcpy(acc->t[i].group, r->group, sizeof r->group);
        acc->n++;
    }
    acc->t[i].value += r->value;
    acc->t[i].rows++;
    return 0;
}

void store_totals_finish(struct store_totals_acc *acc, struct store_total **out, size_t *n)
{
    store_totals_sort(acc->t, acc->n);
    *out = acc->t;
    *n = acc->n;
    memset(acc, 0, sizeof *acc);
}

int store_totals(struct store *s, const struct store_query *q, struct store_total **out, size_t *n,
                 struct err *e)
{
    struct store_totals_acc acc = {0};

    *out = NULL;
    *n = 0;
    if (s->ops->totals)
        return s->ops->totals(s, q, out, n, e);
    if (store_scan(s, q, store_totals_add, &acc, e) < 0) {
        free(acc.t);
        return -1;
    }
    store_totals_finish(&acc, out, n);
    return 0;
}

/* ---- summary from scan ------------------------------------------------ */

struct summary_acc {
    struct store_summary *s;
    size_t n, cap;
};

static int cmp_summary(const void *a, const void *b)
{
    const struct store_summary *x = a, *y = b;
    int c = strcmp(x->area, y->area);
    return c ? c : strcmp(x->group, y->group);
}

static int add_summary(const struct record *r, void *ctx)
{
    struct summary_acc *acc = ctx;
    struct store_summary *m;
    size_t i;
    for (i = 0; i < acc->n; i++)
        if (strcmp(acc->s[i].area, r->area) == 0 && strcmp(acc->s[i].group, r->group) == 0)
            break;
    if (i == acc->n) {
        xgrow((void **)&acc->s, &acc->cap, acc->n + 1, sizeof *acc->s);
        m = &acc->s[i];
        memset(m, 0, sizeof *m);
        memcpy(m->area, r->area, sizeof r->area);
        memcpy(m->group, r->group, sizeof r->group);
        m->first = r->start;
        m->last = r->start;
        acc->n++;
    }
    m = &acc->s[i];
    m->rows++;
    m->value += r->value;
    if (r->start < m->first)
        m->first = r->start;
    if (r->start > m->last)
        m->last = r->start;
    if (r->updated > m->newest_update)
        m->newest_update = r->updated;
    return 0;
}

int store_summary(struct store *s, const struct dataset *ds, struct store_summary **out, size_t *n,
                  struct err *e)
{
    struct summary_acc acc = {0};
    struct store_query q = {ds, NULL, NULL, 0, INT64_MIN, INT64_MAX};

    *out = NULL;
    *n = 0;
    if (s->ops->summary)
        return s->ops->summary(s, ds, out, n, e);
    if (store_scan(s, &q, add_summary, &acc, e) < 0) {
        free(acc.s);
        return -1;
    }
    if (acc.n > 1)
        qsort(acc.s, acc.n, sizeof *acc.s, cmp_summary);
    *out = acc.s;
    *n = acc.n;
    return 0;
}

/* ---- Oslo-calendar series --------------------------------------------- */

struct series_ctx {
    struct store_series *out;
    enum timeutil_step step;
    int64_t unordered_at; /* a start time seen out of order, or 0 */
};

static struct store_group_series *find_group(struct store_series *out, const char *group)
{
    size_t i;
    for (i = 0; i < out->ng; i++)
        if (strcmp(out->g[i].group, group) == 0)
            return &out->g[i];
    xgrow((void **)&out->g, &out->cap, out->ng + 1, sizeof *out->g);
    memset(&out->g[i], 0, sizeof out->g[i]);
    snprintf(out->g[i].group, sizeof out->g[i].group, "%s", group);
    out->ng++;
    return &out->g[i];
}

static int add_point(const struct record *r, void *ctx)
{
    struct series_ctx *c = ctx;
    struct store_group_series *g = find_group(c->out, r->group);
    int64_t b = timeutil_oslo_bucket(r->start, c->step);
    struct store_point *p;

    /* Rows arrive in start order, so a bucket is either the last one or new.
     * A backend that breaks the order is caught rather than mis-summed. */
    if (g->n && g->pts[g->n - 1].t == b) {
        p = &g->pts[g->n - 1];
    } else {
        if (g->n && g->pts[g->n - 1].t > b) {
            c->unordered_at = r->start;
            return 1;
        }
        xgrow((void **)&g->pts, &g->cap, g->n + 1, sizeof *g->pts);
        p = &g->pts[g->n++];
        p->t = b;
        p->value = 0;
        p->hours = 0;
    }
    p->value += r->value;
    p->hours++;
    return 0;
}

static int cmp_group_series(const void *a, const void *b)
{
    return strcmp(((const struct store_group_series *)a)->group,
                  ((const struct store_group_series *)b)->group);
}

int store_series(struct store *s, const struct store_query *q, enum timeutil_step step,
                 struct store_series *out, struct err *e)
{
    struct series_ctx c = {out, step, 0};
    int rc;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < q->ngroups; i++)
        find_group(out, q->groups[i]);
    rc = store_scan(s, q, add_point, &c, e);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        char when[TIMEUTIL_ISO_LEN];
        timeutil_format_utc(c.unordered_at, when);
        return err_set(e, ERR_DATA, 0, "%s: scan returned rows out of time order at %s",
                       s->ops->name, when);
    }
    if (out->ng > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(out->g, out->ng, sizeof *out->g, cmp_group_series);
    return 0;
}

void store_series_release(struct store_series *out)
{
    for (size_t i = 0; i < out->ng; i++)
        free(out->g[i].pts);
    free(out->g);
    memset(out, 0, sizeof *out);
}
