/* store: backend dispatch by URI scheme, and what every backend gets on top
 * of its few operations (store_int.h): the write that keeps the day and
 * month rollups exact, their rebuild, and the one-time upgrade of a store
 * that has none. */
#include "store/store_int.h"

#include "log.h"
#include "mem.h"
#include "timeutil.h"

#include <math.h>
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
    const char *at, *colon, *auth = scheme_end ? scheme_end + 3 : NULL, *slash;

    snprintf(out, n, "%s", uri);
    if (!auth)
        return;
    /* The userinfo ends at the last '@' before the path: a password may
     * hold an unescaped '@' (it is refused later, but never shown). */
    slash = strchr(auth, '/');
    at = NULL;
    for (const char *p = auth; *p && (!slash || p < slash); p++)
        if (*p == '@')
            at = p;
    if (!at)
        return;
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return;
    snprintf(out, n, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
}

int store_check_authority(const char *scheme, const char *auth, size_t n, struct err *e)
{
    size_t ats = 0;
    for (size_t i = 0; i < n; i++)
        ats += auth[i] == '@';
    if (ats > 1)
        return err_set(e, ERR_USAGE, 0,
                       "the %s URI has more than one '@' before the host: an '@' inside the user "
                       "name or password must be percent-encoded as %%40",
                       scheme);
    return 0;
}

const char *store_kind(const struct store *s)
{
    return s->ops->name;
}

const char *store_uri_safe(const struct store *s)
{
    return s->uri_safe;
}

static int check_rollups(struct store *s, const char *uri, struct err *e);

static int open_as(const char *uri, enum store_mode mode, struct store **out, struct err *e)
{
    struct store *s;

    *out = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strncmp(uri, schemes[i].prefix, strlen(schemes[i].prefix)) != 0)
            continue;
        s = xcalloc(1, sizeof *s);
        s->ops = schemes[i].ops;
        s->mode = mode;
        store_redact_uri(uri, s->uri_safe, sizeof s->uri_safe);
        if (s->ops->open(s, uri, mode, e) < 0) {
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

int store_open(const char *uri, enum store_mode mode, struct store **out, struct err *e)
{
    if (open_as(uri, mode, out, e) < 0)
        return -1;
    if (check_rollups(*out, uri, e) < 0) {
        store_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    s->ops->close(s);
    free(s);
}

int store_is_done(struct store *s, const struct dataset *ds, const char *done_key, int *done,
                  struct err *e)
{
    *done = 0;
    return s->ops->is_done(s, ds, done_key, done, e);
}

/* What is read is checked as what is written: a row or rollup that
 * record_check would refuse (a store file edited by hand, or written by
 * another tool) stops the read, so nothing invalid is ever served. */
struct checked_scan {
    const struct store *s;
    const struct dataset *ds;
    store_row_fn row_fn;
    store_rollup_fn rollup_fn;
    void *ctx;
    int bad;
    struct err why;
};

static int checked_row(const struct record *r, void *p)
{
    struct checked_scan *c = p;
    if (record_check(c->ds, r, &c->why) < 0) {
        c->bad = 1;
        return 1;
    }
    return c->row_fn(r, c->ctx);
}

static int checked_rollup(const struct store_rollup *r, void *p)
{
    struct checked_scan *c = p;
    struct record probe = {.start = r->t, .end = r->t + 3600, .count = -1};
    memcpy(probe.area, r->area, sizeof probe.area);
    memcpy(probe.group, r->group, sizeof probe.group);
    if (record_check(c->ds, &probe, &c->why) < 0 || r->hours < 1 ||
        !isfinite(xsum_value(&r->sum))) {
        if (!c->why.msg[0])
            err_set(&c->why, ERR_DATA, 0, "a rollup of %s %s has %lld hours or a non-finite sum",
                    r->area, r->group, (long long)r->hours);
        c->bad = 1;
        return 1;
    }
    return c->rollup_fn(r, c->ctx);
}

static int checked_end(const struct checked_scan *c, int rc, struct err *e)
{
    if (!c->bad)
        return rc;
    return err_set(e, ERR_STORE, 0,
                   "%s holds %s data elhub would not store (%s); delete it and import again",
                   c->s->uri_safe, c->ds->name, c->why.msg);
}

int store_scan(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx,
               struct err *e)
{
    struct checked_scan c = {.s = s, .ds = q->ds, .row_fn = fn, .ctx = ctx};
    return checked_end(&c, s->ops->scan(s, q, checked_row, &c, e), e);
}

int store_scan_rollups(struct store *s, enum store_level level, const struct store_query *q,
                       store_rollup_fn fn, void *ctx, struct err *e)
{
    struct checked_scan c = {.s = s, .ds = q->ds, .rollup_fn = fn, .ctx = ctx};
    return checked_end(&c, s->ops->scan_rollups(s, level, q, checked_rollup, &c, e), e);
}

int store_data_version(struct store *s, uint64_t *version, int *known, struct err *e)
{
    *version = 0;
    *known = 0;
    if (!s->ops->data_version)
        return 0;
    return s->ops->data_version(s, version, known, e);
}

/* Keys of the store's own (the rollup version, the write journal) are not
 * for callers: a note may not overwrite them. */
static int meta_key_ok(const char *key, struct err *e)
{
    if (strcmp(key, "rollups") == 0 || strncmp(key, "pending.", 8) == 0 || !key[0])
        return err_set(e, ERR_USAGE, 0, "meta key \"%s\" is the store's own", key);
    return 0;
}

int store_meta_get(struct store *s, const char *key, char *value, size_t n, int *found,
                   struct err *e)
{
    *found = 0;
    if (n)
        value[0] = '\0';
    if (meta_key_ok(key, e) < 0)
        return -1;
    return s->ops->get_meta(s, key, value, n, found, e);
}

int store_meta_put(struct store *s, const char *key, const char *value, struct err *e)
{
    if (s->mode != STORE_WRITE)
        return err_set(e, ERR_USAGE, 0, "store %s was opened for reading only", s->uri_safe);
    if (meta_key_ok(key, e) < 0)
        return -1;
    return s->ops->put_meta(s, key, value, e);
}

static int stop_at_first(const struct store_rollup *r, void *ctx)
{
    (void)r;
    (void)ctx;
    return 1;
}

int store_ping(struct store *s, struct err *e)
{
    struct store_query q = {&dataset_all[0], NULL, NULL, 0, INT64_MIN, INT64_MAX};
    char v[16];
    int found;
    /* A real read of the store's own table and of a rollup table. */
    if (s->ops->get_meta(s, "rollups", v, sizeof v, &found, e) < 0)
        return -1;
    return store_scan_rollups(s, STORE_MONTH, &q, stop_at_first, NULL, e) < 0 ? -1 : 0;
}

/* ---- a set of rollups keyed by (area, group, t) ------------------------ */

struct rollups {
    struct store_rollup *v;
    size_t n, cap;
    size_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t nslot;
};

static uint64_t key_hash(const char *area, const char *group, int64_t t)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = area; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (const char *p = group; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (h ^ (uint64_t)t) * 0x9e3779b97f4a7c15ull;
}

static void rollups_free(struct rollups *rs)
{
    free(rs->v);
    free(rs->slot);
    memset(rs, 0, sizeof *rs);
}

static void rollups_rehash(struct rollups *rs)
{
    size_t n = rs->nslot ? rs->nslot * 2 : 64;
    free(rs->slot);
    rs->slot = xcalloc(n, sizeof *rs->slot);
    rs->nslot = n;
    for (size_t i = 0; i < rs->n; i++) {
        const struct store_rollup *r = &rs->v[i];
        size_t k = (size_t)(key_hash(r->area, r->group, r->t) & (n - 1));
        while (rs->slot[k])
            k = (k + 1) & (n - 1);
        rs->slot[k] = i + 1;
    }
}

/* The rollup for (area, group, t): found, or added empty when add. */
static struct store_rollup *rollups_get(struct rollups *rs, const char *area, const char *group,
                                        int64_t t, int add)
{
    size_t k;
    struct store_rollup *r;

    if (rs->nslot == 0 || (rs->n + 1) * 2 > rs->nslot) {
        if (!add && rs->nslot == 0)
            return NULL;
        if (add)
            rollups_rehash(rs);
    }
    k = (size_t)(key_hash(area, group, t) & (rs->nslot - 1));
    while (rs->slot[k]) {
        r = &rs->v[rs->slot[k] - 1];
        if (r->t == t && strcmp(r->area, area) == 0 && strcmp(r->group, group) == 0)
            return r;
        k = (k + 1) & (rs->nslot - 1);
    }
    if (!add)
        return NULL;
    xgrow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v);
    r = &rs->v[rs->n];
    memset(r, 0, sizeof *r);
    memcpy(r->area, area, strnlen(area, sizeof r->area - 1));
    memcpy(r->group, group, strnlen(group, sizeof r->group - 1));
    r->t = t;
    rs->slot[k] = ++rs->n;
    return r;
}

static void rollup_add_row(struct store_rollup *r, const struct record *row)
{
    xsum_add(&r->sum, row->value);
    if (r->hours == 0 || row->start < r->first)
        r->first = row->start;
    if (r->hours == 0 || row->start > r->last)
        r->last = row->start;
    if (row->updated > r->updated)
        r->updated = row->updated;
    r->hours++;
}

static void rollup_add_rollup(struct store_rollup *r, const struct store_rollup *d)
{
    xsum_merge(&r->sum, &d->sum);
    if (r->hours == 0 || d->first < r->first)
        r->first = d->first;
    if (r->hours == 0 || d->last > r->last)
        r->last = d->last;
    if (d->updated > r->updated)
        r->updated = d->updated;
    r->hours += d->hours;
}

static int64_t day_of(int64_t t)
{
    return timeutil_oslo_bucket(t, TIMEUTIL_DAY);
}

static int64_t month_of(int64_t t)
{
    return timeutil_oslo_bucket(t, TIMEUTIL_MONTH);
}

/* The Oslo day of t, remembered: rows come in runs of the same day, and
 * the calendar arithmetic is the hot part of a write otherwise. */
struct day_memo {
    int64_t d, next; /* [d, next) is the last day asked for; next 0 = none */
};

static int64_t day_memo_of(struct day_memo *m, int64_t t)
{
    if (!(m->next && t >= m->d && t < m->next)) {
        m->d = day_of(t);
        m->next = timeutil_oslo_bucket_next(m->d, TIMEUTIL_DAY);
    }
    return m->d;
}

/* Writes rs to the backend in pieces of a bounded size. */
static int put_all(struct store *s, const struct dataset *ds, enum store_level level,
                   const struct rollups *rs, struct err *e)
{
    const size_t piece = 4096;
    for (size_t i = 0; i < rs->n; i += piece) {
        size_t k = rs->n - i < piece ? rs->n - i : piece;
        if (s->ops->put_rollups(s, ds, level, rs->v + i, k, e) < 0)
            return -1;
    }
    return 0;
}

/* ---- the write --------------------------------------------------------- */

static int collect_rollup(const struct store_rollup *r, void *ctx)
{
    struct rollups *rs = ctx;
    rollup_add_rollup(rollups_get(rs, r->area, r->group, r->t, 1), r);
    return 0;
}

static int collect_month(const struct store_rollup *r, void *ctx)
{
    struct rollups *rs = ctx;
    rollup_add_rollup(rollups_get(rs, r->area, r->group, month_of(r->t), 1), r);
    return 0;
}

/* The key order (area, start, group) through an array of pointers (qsort
 * has no context argument): the general case. */
static int cmp_rowp(const void *a, const void *b)
{
    const struct record *x = *(const struct record *const *)a;
    const struct record *y = *(const struct record *const *)b;
    int c = strcmp(x->area, y->area);
    if (!c)
        c = x->start < y->start ? -1 : x->start > y->start;
    if (!c)
        c = strcmp(x->group, y->group);
    return c;
}

/* A batch's distinct names, sorted, for ranks without string sorting. */
struct names {
    const char *v[256];
    size_t n;
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds name to the set; -1 when the set is full. */
static int add_name(struct names *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], name) == 0)
            return 0;
    if (ns->n == sizeof ns->v / sizeof ns->v[0])
        return -1;
    ns->v[ns->n++] = name;
    return 0;
}

/* The rank of name in the sorted set; runs of one name are common, so the
 * last rank is tried first. */
static uint16_t rank_of(const struct names *ns, const char *name, uint16_t *last)
{
    if (strcmp(ns->v[*last], name) != 0) {
        const char *const *hit = bsearch(&name, ns->v, ns->n, sizeof ns->v[0], cmp_name);
        *last = (uint16_t)(hit - ns->v);
    }
    return *last;
}

/* Fills order[0..n) with the indices of rows in key order. A counting sort
 * on (area, hour) buckets, then by group inside each small bucket: linear,
 * no string comparison per row. Batches it does not fit (a span far longer
 * than the batch, too many distinct names) take qsort. Starts are on whole
 * hours (record_check). */
static void key_order(const struct record *rows, size_t n, uint32_t *order)
{
    struct names areas = {{0}, 0}, groups = {{0}, 0};
    uint16_t *arank, *grank, la = 0, lg = 0;
    size_t *count, hours, nb;
    int64_t lo = rows[0].start, hi = rows[0].start;
    int fits = 1;

    for (size_t i = 0; i < n && fits; i++) {
        /* Runs of one area and of one group are the rule: skip the set. */
        int same_area = i && strcmp(rows[i].area, rows[i - 1].area) == 0;
        int same_group = i && strcmp(rows[i].group, rows[i - 1].group) == 0;
        if ((!same_area && add_name(&areas, rows[i].area) < 0) ||
            (!same_group && add_name(&groups, rows[i].group) < 0))
            fits = 0;
        lo = rows[i].start < lo ? rows[i].start : lo;
        hi = rows[i].start > hi ? rows[i].start : hi;
    }
    hours = fits ? (size_t)((hi - lo) / 3600) + 1 : 0;
    if (!fits || hours > 4 * n + 1024) {
        const struct record **p = xmalloc(n * sizeof *p);
        for (size_t i = 0; i < n; i++)
            p[i] = &rows[i];
        qsort(p, n, sizeof *p, cmp_rowp);
        for (size_t i = 0; i < n; i++)
            order[i] = (uint32_t)(p[i] - rows);
        free(p);
        return;
    }
    nb = areas.n * hours;
    qsort(areas.v, areas.n, sizeof areas.v[0], cmp_name);
    qsort(groups.v, groups.n, sizeof groups.v[0], cmp_name);
    arank = xmalloc(n * sizeof *arank);
    grank = xmalloc(n * sizeof *grank);
    count = xcalloc(nb + 1, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        arank[i] = rank_of(&areas, rows[i].area, &la);
        grank[i] = rank_of(&groups, rows[i].group, &lg);
        count[arank[i] * hours + (size_t)((rows[i].start - lo) / 3600) + 1]++;
    }
    for (size_t b = 1; b <= nb; b++)
        count[b] += count[b - 1];
    for (size_t i = 0; i < n; i++)
        order[count[arank[i] * hours + (size_t)((rows[i].start - lo) / 3600)]++] = (uint32_t)i;
    /* count[b] is now the end of bucket b; order each bucket by group. */
    for (size_t b = 0, start = 0; b < nb; start = count[b], b++) {
        for (size_t j = start + 1; j < count[b]; j++) {
            uint32_t v = order[j];
            size_t k = j;
            for (; k > start && grank[order[k - 1]] > grank[v]; k--)
                order[k] = order[k - 1];
            order[k] = v;
        }
    }
    free(arank);
    free(grank);
    free(count);
}

/* Day rollups built from rows that come in key order (area, start, group):
 * the rows of one area's day are contiguous, so the day's groups are kept
 * in a small array and emitted when the next day or area starts. No
 * hashing per row. */
struct day_acc {
    struct store_rollup *out; /* emitted rollups */
    size_t n, cap;
    struct store_rollup cur[64]; /* the current day, one per group */
    size_t ncur, last;           /* last: the entry of the previous row */
    int64_t day;
    struct day_memo memo;
};

static void day_acc_flush(struct day_acc *a)
{
    for (size_t i = 0; i < a->ncur; i++) {
        xgrow((void **)&a->out, &a->cap, a->n + 1, sizeof *a->out);
        a->out[a->n++] = a->cur[i];
    }
    a->ncur = 0;
}

static void day_acc_add(struct day_acc *a, const struct record *r)
{
    int64_t d = day_memo_of(&a->memo, r->start);
    size_t i;
    if (a->ncur && (d != a->day || strcmp(a->cur[0].area, r->area) != 0))
        day_acc_flush(a);
    a->day = d;
    i = a->last < a->ncur && strcmp(a->cur[a->last].group, r->group) == 0 ? a->last : 0;
    for (; i < a->ncur && strcmp(a->cur[i].group, r->group) != 0; i++)
        ;
    if (i == a->ncur) {
        if (a->ncur == sizeof a->cur / sizeof a->cur[0])
            day_acc_flush(a); /* more groups than fit: emit, the same key merges below */
        i = a->ncur++;
        memset(&a->cur[i], 0, sizeof a->cur[i]);
        memcpy(a->cur[i].area, r->area, sizeof a->cur[i].area);
        memcpy(a->cur[i].group, r->group, sizeof a->cur[i].group);
        a->cur[i].t = d;
    }
    a->last = i;
    rollup_add_row(&a->cur[i], r);
}

/* The emitted rollups merged by key (only needed when more groups than
 * fit in one day's array, or rows not in day order, emitted a key twice). */
static void day_acc_finish(struct day_acc *a, struct rollups *out)
{
    day_acc_flush(a);
    for (size_t i = 0; i < a->n; i++)
        rollup_add_rollup(rollups_get(out, a->out[i].area, a->out[i].group, a->out[i].t, 1),
                          &a->out[i]);
    free(a->out);
    memset(a, 0, sizeof *a);
}

/* Rows read back for the (group, day) keys of `want` only. */
struct readback2 {
    const struct rollups *want;
    struct day_acc acc;
    struct day_memo memo;
};

static int readback2_row(const struct record *r, void *ctx)
{
    struct readback2 *rb = ctx;
    if (rollups_get((struct rollups *)rb->want, r->area, r->group, day_memo_of(&rb->memo, r->start),
                    0))
        day_acc_add(&rb->acc, r);
    return 0;
}

/* Refreshes the rollups for the rows rows[lo..hi) of one write (in key
 * order; one area, or several where the backend reads every area at the
 * cost of one), of which changed[i] says whether the write changed the
 * stored row. The stored rollups are exact before the write (a
 * transaction, or the journal of store_write), so a (group, day) without
 * one has no stored rows: its rollup is the batch's rows. A day with one
 * and a changed row is read back (after the upsert: the stored rows
 * decide); a day without a changed row keeps its rollup. */
static int refresh_rows(struct store *s, const struct dataset *ds, const struct record *rows,
                        const unsigned char *changed, size_t lo, size_t hi, struct err *e)
{
    struct rollups existing = {0}, days = {0}, months = {0}, reread = {0};
    struct store_query q = {ds, NULL, NULL, 0, INT64_MAX, INT64_MIN};
    struct day_acc fresh;
    struct readback2 rb;
    struct day_memo memo = {0, 0};
    int rc = -1;

    for (size_t i = lo; i < hi; i++) {
        if (changed[i]) {
            q.from = rows[i].start < q.from ? rows[i].start : q.from;
            q.to = rows[i].start > q.to ? rows[i].start : q.to;
        }
    }
    if (q.from > q.to)
        return 0; /* nothing stored changed */
    if (strcmp(rows[lo].area, rows[hi - 1].area) == 0)
        q.area = rows[lo].area;
    memset(&fresh, 0, sizeof fresh);
    memset(&rb, 0, sizeof rb);
    /* One read of the day rollups of the whole months touched: it decides
     * which days are read back, and the months are summed from it. */
    q.from = month_of(q.from);
    q.to = timeutil_oslo_bucket_next(month_of(q.to), TIMEUTIL_MONTH);
    if (s->ops->scan_rollups(s, STORE_DAY, &q, collect_rollup, &existing, e) < 0)
        goto out;
    for (size_t i = lo; i < hi; i++) {
        int64_t d;
        if (!changed[i])
            continue;
        d = day_memo_of(&memo, rows[i].start);
        if (existing.n && rollups_get(&existing, rows[i].area, rows[i].group, d, 0))
            rollups_get(&reread, rows[i].area, rows[i].group, d, 1);
        else
            day_acc_add(&fresh, &rows[i]);
    }
    if (reread.n) {
        /* Only the span of the days read back (often one, where two
         * batches meet). */
        struct store_query rq = q;
        rq.from = INT64_MAX;
        rq.to = INT64_MIN;
        for (size_t i = 0; i < reread.n; i++) {
            rq.from = reread.v[i].t < rq.from ? reread.v[i].t : rq.from;
            rq.to = reread.v[i].t > rq.to ? reread.v[i].t : rq.to;
        }
        rq.to = timeutil_oslo_bucket_next(rq.to, TIMEUTIL_DAY);
        rb.want = &reread;
        if (s->ops->scan(s, &rq, readback2_row, &rb, e) < 0)
            goto out;
    }
    day_acc_finish(&fresh, &days);
    day_acc_finish(&rb.acc, &days);
    if (put_all(s, ds, STORE_DAY, &days, e) < 0)
        goto out;
    /* The months of those days, whole: the new day rollups, and the other
     * days of the same area, group and month as read. */
    for (size_t i = 0; i < days.n; i++) {
        const struct store_rollup *d = &days.v[i];
        rollup_add_rollup(rollups_get(&months, d->area, d->group, month_of(d->t), 1), d);
    }
    for (size_t i = 0; i < existing.n; i++) {
        const struct store_rollup *x = &existing.v[i];
        struct store_rollup *m = rollups_get(&months, x->area, x->group, month_of(x->t), 0);
        if (m && !rollups_get(&days, x->area, x->group, x->t, 0))
            rollup_add_rollup(m, x);
    }
    if (put_all(s, ds, STORE_MONTH, &months, e) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        day_acc_finish(&fresh, &days);
        day_acc_finish(&rb.acc, &days);
    }
    rollups_free(&existing);
    rollups_free(&reread);
    rollups_free(&days);
    rollups_free(&months);
    return rc;
}

/* The write journal of the backends without transactions: before a write
 * touches rows, meta "pending.<dataset>" records the span of days whose
 * rollups it will change ("FROM TO", UTC seconds); after the rollups it is
 * emptied. A write that finds it set (an earlier one was interrupted)
 * first rebuilds the rollups of that span from the stored rows. */
static void pending_key(const struct dataset *ds, char *key, size_t n)
{
    snprintf(key, n, "pending.%s", ds->name);
}

static int rebuild_span(struct store *s, const struct dataset *ds, int64_t from, int64_t to,
                        struct err *e);

static int pending_repair(struct store *s, const struct dataset *ds, struct err *e)
{
    char key[64], v[64];
    long long from, to;
    int found = 0;

    pending_key(ds, key, sizeof key);
    if (s->ops->get_meta(s, key, v, sizeof v, &found, e) < 0)
        return -1;
    if (!found || !v[0])
        return 0;
    if (sscanf(v, "%lld %lld", &from, &to) != 2 || from >= to) {
        from = INT64_MIN; /* unreadable: rebuild everything */
        to = INT64_MAX;
    }
    log_info("%s: rebuilding the %s rollups an interrupted write left (%s)", s->uri_safe, ds->name,
             v);
    if (rebuild_span(s, ds, (int64_t)from, (int64_t)to, e) < 0)
        return -1;
    return s->ops->put_meta(s, key, "", e);
}

static int pending_set(struct store *s, const struct dataset *ds, int64_t from, int64_t to,
                       struct err *e)
{
    char key[64], v[64];
    pending_key(ds, key, sizeof key);
    if (from >= to)
        v[0] = '\0';
    else
        snprintf(v, sizeof v, "%lld %lld", (long long)from, (long long)to);
    return s->ops->put_meta(s, key, v, e);
}

int store_begin(struct store *s, int *atomic, struct err *e)
{
    *atomic = s->ops->transactional;
    if (s->mode != STORE_WRITE)
        return err_set(e, ERR_USAGE, 0, "store %s was opened for reading only", s->uri_safe);
    if (s->bracket)
        return err_set(e, ERR_USAGE, 0, "store %s: store_begin inside store_begin", s->uri_safe);
    if (!s->ops->transactional)
        return 0;
    if (s->ops->begin(s, e) < 0)
        return -1;
    s->bracket = 1;
    return 0;
}

int store_commit(struct store *s, struct err *e)
{
    if (!s->bracket)
        return 0;
    s->bracket = 0;
    if (s->ops->commit(s, e) < 0) {
        s->ops->rollback(s);
        return err_prefix(e, "store %s", s->uri_safe);
    }
    return 0;
}

void store_rollback(struct store *s)
{
    if (!s->bracket)
        return;
    s->bracket = 0;
    s->ops->rollback(s);
}

int store_write(struct store *s, const struct dataset *ds, const struct record *rows, size_t n,
                const char *done_key, struct err *e)
{
    struct record *sorted = NULL;
    unsigned char *changed = NULL;
    int began = 0, rc = -1;

    if (s->mode != STORE_WRITE)
        return err_set(e, ERR_USAGE, 0, "store %s was opened for reading only", s->uri_safe);
    if (n > LIMIT_BATCH_ROWS)
        return err_set(e, ERR_USAGE, 0, "%zu rows in one write (at most %u)", n, LIMIT_BATCH_ROWS);
    /* The one record validation (record.h), here too: a copy from another
     * store (elhub load) reaches the store through this call alone. */
    for (size_t i = 0; i < n; i++) {
        if (record_check(ds, &rows[i], e) < 0)
            return err_prefix(e, "%s row %zu of %zu refused, nothing written", ds->name, i + 1, n);
    }
    /* The backends get the rows in key order (store_int.h): the B-tree
     * inserts in order, one partition after another, and the rollups of a
     * day from one run of rows. */
    if (n) {
        uint32_t *order = xmalloc(n * sizeof *order);
        key_order(rows, n, order);
        sorted = xmalloc(n * sizeof *sorted);
        for (size_t i = 0; i < n; i++)
            sorted[i] = rows[order[i]];
        free(order);
        for (size_t i = 1; i < n; i++) {
            if (sorted[i].start == sorted[i - 1].start &&
                strcmp(sorted[i].group, sorted[i - 1].group) == 0 &&
                strcmp(sorted[i].area, sorted[i - 1].area) == 0) {
                char when[TIMEUTIL_ISO_LEN];
                timeutil_format_oslo(sorted[i].start, when);
                err_set(e, ERR_DATA, 0, "two %s rows for %s %s at %s in one write", ds->name,
                        sorted[i].area, sorted[i].group, when);
                goto out;
            }
        }
    }
    if (s->ops->begin && !s->bracket) {
        if (s->ops->begin(s, e) < 0)
            goto out;
        began = 1;
    }
    if (!s->ops->transactional &&
        (pending_repair(s, ds, e) < 0 ||
         (n && pending_set(s, ds, day_of(sorted[0].start),
                           timeutil_oslo_bucket_next(day_of(sorted[n - 1].start), TIMEUTIL_DAY),
                           e) < 0))) {
        err_prefix(e, "store %s: the write journal of %s", s->uri_safe, ds->name);
        goto out;
    }
    if (n) {
        changed = xmalloc(n);
        memset(changed, 1, n);
        if (s->ops->put_rows(s, ds, sorted, n, changed, e) < 0)
            goto out;
    }
    /* The rollups: one area at a time where a scan of one area is cheaper
     * (store_int.h, area_scans), else every area at once. */
    for (size_t lo = 0; lo < n;) {
        size_t hi = lo + 1;
        while (hi < n && (!s->ops->area_scans || strcmp(sorted[hi].area, sorted[lo].area) == 0))
            hi++;
        if (refresh_rows(s, ds, sorted, changed, lo, hi, e) < 0) {
            err_prefix(e, "store %s: updating the %s rollups", s->uri_safe, ds->name);
            goto out;
        }
        lo = hi;
    }
    if (done_key && s->ops->put_done(s, ds, done_key, n, e) < 0)
        goto out;
    if (began) {
        began = 0;
        if (s->ops->commit(s, e) < 0) {
            s->ops->rollback(s);
            goto out;
        }
    }
    if (!s->ops->transactional && n && pending_set(s, ds, 0, 0, e) < 0)
        goto out;
    rc = 0;
out:
    if (began)
        s->ops->rollback(s);
    free(sorted);
    free(changed);
    return rc;
}

/* ---- rebuild and upgrade ------------------------------------------------ */

struct rebuild {
    struct rollups days;
    struct day_memo memo;
};

static int rebuild_row(const struct record *r, void *ctx)
{
    struct rebuild *rb = ctx;
    rollup_add_row(rollups_get(&rb->days, r->area, r->group, day_memo_of(&rb->memo, r->start), 1),
                   r);
    return 0;
}

/* Rebuilds the rollups of the days [from, to) of ds from the stored rows
 * (every area), and the months that hold them. The whole range
 * (INT64_MIN, INT64_MAX) starts from no rollups. */
static int rebuild_span(struct store *s, const struct dataset *ds, int64_t from, int64_t to,
                        struct err *e)
{
    struct store_query q = {ds, NULL, NULL, 0, from, to};
    struct rebuild rb = {{0}, {0, 0}};
    struct rollups months = {0};
    struct rollups *days = &rb.days;
    int whole = from == INT64_MIN && to == INT64_MAX;
    int rc = -1;

    if (whole && s->ops->clear_rollups(s, ds, e) < 0)
        goto out;
    if (s->ops->scan(s, &q, rebuild_row, &rb, e) < 0)
        goto out;
    if (put_all(s, ds, STORE_DAY, days, e) < 0)
        goto out;
    if (whole) {
        for (size_t i = 0; i < days->n; i++)
            rollup_add_rollup(
                rollups_get(&months, days->v[i].area, days->v[i].group, month_of(days->v[i].t), 1),
                &days->v[i]);
    } else {
        /* The months of the span, whole, from their day rollups. */
        struct store_query mq = {ds, NULL, NULL, 0, month_of(from), 0};
        mq.to = timeutil_oslo_bucket_next(month_of(to - 1), TIMEUTIL_MONTH);
        if (s->ops->scan_rollups(s, STORE_DAY, &mq, collect_month, &months, e) < 0)
            goto out;
    }
    if (put_all(s, ds, STORE_MONTH, &months, e) < 0)
        goto out;
    if (days->n)
        log_info("%s: rollups of %s built (%zu days, %zu months)", s->uri_safe, ds->name, days->n,
                 months.n);
    rc = 0;
out:
    rollups_free(days);
    rollups_free(&months);
    return rc;
}

int store_rebuild_rollups(struct store *s, struct err *e)
{
    int began = 0;

    if (s->mode != STORE_WRITE)
        return err_set(e, ERR_USAGE, 0, "store %s was opened for reading only", s->uri_safe);
    if (s->ops->begin && !s->bracket) {
        if (s->ops->begin(s, e) < 0)
            return -1;
        began = 1;
    }
    for (size_t i = 0; i < dataset_count; i++)
        if (rebuild_span(s, &dataset_all[i], INT64_MIN, INT64_MAX, e) < 0 ||
            (!s->ops->transactional && pending_set(s, &dataset_all[i], 0, 0, e) < 0))
            goto fail;
    if (s->ops->put_meta(s, "rollups", STORE_ROLLUP_VERSION, e) < 0)
        goto fail;
    if (began && s->ops->commit(s, e) < 0)
        goto fail;
    return 0;
fail:
    if (began)
        s->ops->rollback(s);
    return err_prefix(e, "store %s: building rollups", s->uri_safe);
}

/* A store without current rollups (an older elhub wrote it, or another
 * tool filled its tables) gets them built once: directly when it was
 * opened for writing, else through a writing connection of its own. */
static int check_rollups(struct store *s, const char *uri, struct err *e)
{
    char v[16];
    int found = 0;
    struct store *w = NULL;
    int rc;

    if (s->ops->get_meta(s, "rollups", v, sizeof v, &found, e) < 0)
        return err_prefix(e, "store %s", s->uri_safe);
    if (found && strcmp(v, STORE_ROLLUP_VERSION) == 0)
        return 0;
    if (s->mode == STORE_WRITE)
        return store_rebuild_rollups(s, e);
    log_info("%s: building the per-day rollups this version reads (once)", s->uri_safe);
    if (open_as(uri, STORE_WRITE, &w, e) < 0)
        return err_prefix(e,
                          "store %s has no rollups (an older elhub or another tool wrote it) and "
                          "cannot be opened for writing here to build them; run 'elhub repair "
                          "--store URI' where it can",
                          s->uri_safe);
    rc = store_rebuild_rollups(w, e);
    store_free(w);
    return rc;
}
