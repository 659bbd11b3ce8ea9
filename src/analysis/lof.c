/* lof: the Local Outlier Factor on exact k nearest neighbours: runs of the
 * sorted values for one variable, a k-d tree for several (see lof.h). */
#include "analysis/lof.h"

#include "analysis/quantile.h"
#include "mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Neighbour lists: for point i, nb[i k + j] and dist[i k + j], j = 0..k-1,
 * nearest first. */
struct knn {
    int k;
    int *nb;
    double *dist;
};

/* ---- one variable: runs of the sorted values ------------------------- */

struct ranked {
    double v;
    int i;
};

/* The bits of v as an unsigned key that sorts as v does (negative values
 * flipped whole, positive ones with the sign bit set). */
static uint64_t sort_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | (1ULL << 63);
}

/* Sorts s[0..n-1] by value, ties in index order: an LSD radix sort on the
 * keys, a byte a pass, stable, so the input (in index order) keeps its
 * order among equal values. */
static void sort_ranked(struct ranked *s, int n)
{
    struct ranked *tmp = xmalloc((size_t)n * sizeof *tmp), *from = s, *to = tmp;
    size_t count[256];
    for (int pass = 0; pass < 8; pass++) {
        int shift = 8 * pass;
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (int i = 0; i < n; i++)
            count[(sort_key(from[i].v) >> shift) & 0xff]++;
        for (size_t d = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (int i = 0; i < n; i++)
            to[count[(sort_key(from[i].v) >> shift) & 0xff]++] = from[i];
        {
            struct ranked *t = from;
            from = to;
            to = t;
        }
    }
    /* An even number of passes: the result is back in s. */
    free(tmp);
}

/* LOF of one variable, in sorted order. The k nearest others of the point
 * at sorted position p, with p, are a run of k + 1 positions [a, a + k]:
 * the run that cannot be improved by moving one step, where moving right
 * is an improvement when the next value above is strictly closer than the
 * lowest of the run (so on a tie the smaller value stays: the tie rule),
 * since distances grow monotonically away from p on each side (rounding
 * of the subtraction cannot reverse that). The run's start never moves
 * left as p moves right, so finding every run is O(n) in all; each point's
 * sums then run over its run, skipping itself. score is in input order. */
static void lof_sorted(const double *x, int n, int k, double *score)
{
    struct ranked *s = xmalloc((size_t)n * sizeof *s);
    int *start = xmalloc((size_t)n * sizeof *start), a = 0;
    double *kd = xmalloc((size_t)n * sizeof *kd), *lrd = xmalloc((size_t)n * sizeof *lrd);

    for (int i = 0; i < n; i++) {
        s[i].v = x[i];
        s[i].i = i;
    }
    sort_ranked(s, n);
    for (int p = 0; p < n; p++) {
        double v = s[p].v, dl, dr;
        if (a < p - k)
            a = p - k;
        while (a < p && a + k + 1 < n && s[a + k + 1].v - v < v - s[a].v)
            a++;
        start[p] = a;
        dl = v - s[a].v;
        dr = s[a + k].v - v;
        kd[p] = dl > dr ? dl : dr; /* the k-distance: the run's farther end */
    }
    for (int p = 0; p < n; p++) {
        double v = s[p].v, sum = 0.0;
        for (int o = start[p]; o <= start[p] + k; o++) {
            double d = v > s[o].v ? v - s[o].v : s[o].v - v;
            if (o != p)
                sum += d > kd[o] ? d : kd[o];
        }
        lrd[p] = 1.0 / (sum / k + 1e-10);
    }
    for (int p = 0; p < n; p++) {
        double sum = 0.0;
        for (int o = start[p]; o <= start[p] + k; o++)
            if (o != p)
                sum += lrd[o] / lrd[p];
        score[s[p].i] = -(sum / k);
    }
    free(s);
    free(start);
    free(kd);
    free(lrd);
}

/* ---- several variables: a k-d tree ------------------------------------ */

#define KD_LEAF 16

struct kd_node {
    int lo, hi;          /* points idx[lo..hi) */
    int left, right;     /* child nodes, -1 for a leaf */
    double *bmin, *bmax; /* bounding box, d values each */
};

struct kd_tree {
    const double *x;
    int n, d;
    int *idx;
    struct kd_node *node;
    size_t nnode, cap;
    double *box; /* storage of every node's box */
    size_t nbox, boxcap;
};

/* Orders points by (coordinate dim, index). */
static int kd_less(const struct kd_tree *t, int dim, int a, int b)
{
    double va = t->x[(size_t)a * (size_t)t->d + (size_t)dim],
           vb = t->x[(size_t)b * (size_t)t->d + (size_t)dim];
    return va < vb || (va == vb && a < b);
}

static void iswap(int *a, int i, int j)
{
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Quickselect: idx[lo..hi) reordered so that position m holds the point it
 * would hold sorted by kd_less, with smaller ones before it. The keys are
 * distinct (the index breaks ties), so Lomuto partitioning is safe; the
 * pivot is the median of three. */
static void kd_select(struct kd_tree *t, int dim, int lo, int hi, int m)
{
    int *a = t->idx;
    hi--; /* inclusive */
    while (hi > lo) {
        int mid = lo + (hi - lo) / 2, store = lo;
        if (kd_less(t, dim, a[mid], a[lo]))
            iswap(a, mid, lo);
        if (kd_less(t, dim, a[hi], a[lo]))
            iswap(a, hi, lo);
        if (kd_less(t, dim, a[mid], a[hi]))
            iswap(a, mid, hi); /* a[hi] is now the median of three */
        for (int i = lo; i < hi; i++)
            if (kd_less(t, dim, a[i], a[hi]))
                iswap(a, i, store++);
        iswap(a, store, hi);
        if (store == m)
            return;
        if (m < store)
            hi = store - 1;
        else
            lo = store + 1;
    }
}

static double *kd_box(struct kd_tree *t)
{
    if (t->nbox + 2 * (size_t)t->d > t->boxcap)
        abort(); /* sized exactly in kd_build */
    t->nbox += 2 * (size_t)t->d;
    return t->box + t->nbox - 2 * (size_t)t->d;
}

static int kd_build_node(struct kd_tree *t, int lo, int hi)
{
    int id = (int)t->nnode, dim = 0, mid;
    double spread = -1.0, *b;
    struct kd_node *nd;

    xgrow((void **)&t->node, &t->cap, t->nnode + 1, sizeof *t->node);
    t->nnode++;
    b = kd_box(t);
    nd = &t->node[id];
    nd->lo = lo;
    nd->hi = hi;
    nd->left = nd->right = -1;
    nd->bmin = b;
    nd->bmax = b + t->d;
    for (int j = 0; j < t->d; j++) {
        nd->bmin[j] = INFINITY;
        nd->bmax[j] = -INFINITY;
    }
    for (int i = lo; i < hi; i++) {
        const double *row = t->x + (size_t)t->idx[i] * (size_t)t->d;
        for (int j = 0; j < t->d; j++) {
            if (row[j] < nd->bmin[j])
                nd->bmin[j] = row[j];
            if (row[j] > nd->bmax[j])
                nd->bmax[j] = row[j];
        }
    }
    if (hi - lo <= KD_LEAF)
        return id;
    for (int j = 0; j < t->d; j++) {
        if (nd->bmax[j] - nd->bmin[j] > spread) {
            spread = nd->bmax[j] - nd->bmin[j];
            dim = j;
        }
    }
    mid = lo + (hi - lo) / 2;
    kd_select(t, dim, lo, hi, mid);
    {
        int left = kd_build_node(t, lo, mid), right = kd_build_node(t, mid, hi);
        t->node[id].left = left; /* t->node may have moved */
        t->node[id].right = right;
    }
    return id;
}

static void kd_build(struct kd_tree *t, const double *x, int n, int d)
{
    size_t leaves = (size_t)n / (KD_LEAF / 2) + 1;
    memset(t, 0, sizeof *t);
    t->x = x;
    t->n = n;
    t->d = d;
    t->idx = xmalloc((size_t)n * sizeof *t->idx);
    for (int i = 0; i < n; i++)
        t->idx[i] = i;
    /* A binary tree whose leaves hold more than KD_LEAF / 2 points has
     * fewer than 2 n / (KD_LEAF / 2) + 1 nodes. */
    t->boxcap = (2 * leaves + 1) * 2 * (size_t)d;
    t->box = xmalloc(t->boxcap * sizeof *t->box);
    kd_build_node(t, 0, n);
}

static void kd_release(struct kd_tree *t)
{
    free(t->idx);
    free(t->node);
    free(t->box);
}

/* A candidate neighbour, and the order that decides between them:
 * distance, then the row lexicographically, then the index. */
struct cand {
    double dist;
    int i;
};

static int cand_less(const struct kd_tree *t, const struct cand *a, const struct cand *b)
{
    if (a->dist != b->dist)
        return a->dist < b->dist;
    if (a->i == b->i)
        return 0;
    {
        const double *ra = t->x + (size_t)a->i * (size_t)t->d,
                     *rb = t->x + (size_t)b->i * (size_t)t->d;
        for (int j = 0; j < t->d; j++)
            if (ra[j] != rb[j])
                return ra[j] < rb[j];
    }
    return a->i < b->i;
}

/* A bounded max-heap of the k best candidates so far. */
struct heap {
    struct cand *c;
    int n, k;
};

static void heap_sift_down(const struct kd_tree *t, struct heap *h, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && cand_less(t, &h->c[m], &h->c[l]))
            m = l;
        if (r < h->n && cand_less(t, &h->c[m], &h->c[r]))
            m = r;
        if (m == i)
            return;
        {
            struct cand tmp = h->c[i];
            h->c[i] = h->c[m];
            h->c[m] = tmp;
        }
        i = m;
    }
}

static void heap_offer(const struct kd_tree *t, struct heap *h, struct cand c)
{
    if (h->n < h->k) {
        int i = h->n++;
        h->c[i] = c;
        while (i > 0 && cand_less(t, &h->c[(i - 1) / 2], &h->c[i])) {
            struct cand tmp = h->c[i];
            h->c[i] = h->c[(i - 1) / 2];
            h->c[(i - 1) / 2] = tmp;
            i = (i - 1) / 2;
        }
    } else if (cand_less(t, &c, &h->c[0])) {
        h->c[0] = c;
        heap_sift_down(t, h, 0);
    }
}

/* sqrt of the sum of squared differences, in coordinate order: the same
 * expression for points and for boxes, so a box is never computed farther
 * than a point inside it (every step is monotone). */
static double point_dist(const double *a, const double *b, int d)
{
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double g = a[j] - b[j];
        s += g * g;
    }
    return sqrt(s);
}

static double box_dist(const struct kd_node *nd, const double *q, int d)
{
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double g = 0.0;
        if (q[j] < nd->bmin[j])
            g = nd->bmin[j] - q[j];
        else if (q[j] > nd->bmax[j])
            g = q[j] - nd->bmax[j];
        s += g * g;
    }
    return sqrt(s);
}

static void kd_search(const struct kd_tree *t, int id, int qi, struct heap *h)
{
    const struct kd_node *nd = &t->node[id];
    const double *q = t->x + (size_t)qi * (size_t)t->d;

    /* A box farther than the worst kept candidate cannot improve the heap;
     * one at exactly that distance can (by the tie rule), so it is kept. */
    if (h->n == h->k && box_dist(nd, q, t->d) > h->c[0].dist)
        return;
    if (nd->left < 0) {
        for (int p = nd->lo; p < nd->hi; p++) {
            int i = t->idx[p];
            struct cand c;
            if (i == qi)
                continue;
            c.dist = point_dist(q, t->x + (size_t)i * (size_t)t->d, t->d);
            c.i = i;
            heap_offer(t, h, c);
        }
        return;
    }
    {
        double dl = box_dist(&t->node[nd->left], q, t->d),
               dr = box_dist(&t->node[nd->right], q, t->d);
        int first = dl <= dr ? nd->left : nd->right, second = dl <= dr ? nd->right : nd->left;
        kd_search(t, first, qi, h);
        kd_search(t, second, qi, h);
    }
}

static void knn_tree(const double *x, int n, int d, struct knn *kn)
{
    struct kd_tree t;
    struct heap h;

    kd_build(&t, x, n, d);
    h.k = kn->k;
    h.c = xmalloc((size_t)kn->k * sizeof *h.c);
    for (int i = 0; i < n; i++) {
        h.n = 0;
        kd_search(&t, 0, i, &h);
        /* Heap sort in place: pop the largest to the end. */
        for (int m = h.n - 1; m > 0; m--) {
            struct cand tmp = h.c[0];
            h.c[0] = h.c[m];
            h.c[m] = tmp;
            h.n = m;
            heap_sift_down(&t, &h, 0);
        }
        for (int j = 0; j < kn->k; j++) {
            kn->nb[(size_t)i * (size_t)kn->k + (size_t)j] = h.c[j].i;
            kn->dist[(size_t)i * (size_t)kn->k + (size_t)j] = h.c[j].dist;
        }
    }
    free(h.c);
    kd_release(&t);
}

/* ---- LOF on the neighbour lists ---------------------------------------- */

void lof_result_release(struct lof_result *r)
{
    free(r->score);
    free(r->anomaly);
    memset(r, 0, sizeof *r);
}

int lof_compute(const double *x, size_t n, size_t d, const struct lof_params *p,
                struct lof_result *out, struct err *e)
{
    struct knn kn;
    double *lrd, *tmp;
    size_t k;

    memset(out, 0, sizeof *out);
    if (n < 2 || n > INT32_MAX / 2)
        return err_set(e, ERR_USAGE, 0, "LOF needs from 2 to 2^30 points, not %zu", n);
    if (d < 1 || d > 1024)
        return err_set(e, ERR_USAGE, 0, "LOF needs 1 to 1024 variables, not %zu", d);
    if (p->neighbors < 1)
        return err_set(e, ERR_USAGE, 0, "neighbors must be >= 1, not %d", p->neighbors);
    if (!(p->contamination >= 0.0 && p->contamination <= 0.5))
        return err_set(e, ERR_USAGE, 0, "contamination must be > 0 and <= 0.5 (or auto)");
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i]))
            return err_set(e, ERR_DATA, (long)(i / d),
                           "LOF input has a non-finite value at point %zu", i / d);

    k = (size_t)p->neighbors < n - 1 ? (size_t)p->neighbors : n - 1;
    out->n = n;
    out->k = (int)k;
    out->score = xmalloc(n * sizeof *out->score);
    if (d == 1) {
        lof_sorted(x, (int)n, (int)k, out->score);
    } else {
        kn.k = (int)k;
        kn.nb = xmalloc(n * k * sizeof *kn.nb);
        kn.dist = xmalloc(n * k * sizeof *kn.dist);
        knn_tree(x, (int)n, (int)d, &kn);
        /* lrd(i) = 1 / (mean reach distance + 1e-10); the k-distance of o
         * is the last entry of o's list. */
        lrd = xmalloc(n * sizeof *lrd);
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t j = 0; j < k; j++) {
                size_t o = (size_t)kn.nb[i * k + j];
                double dd = kn.dist[i * k + j], kd = kn.dist[o * k + k - 1];
                s += dd > kd ? dd : kd;
            }
            lrd[i] = 1.0 / (s / (double)k + 1e-10);
        }
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t j = 0; j < k; j++)
                s += lrd[kn.nb[i * k + j]] / lrd[i];
            out->score[i] = -(s / (double)k);
        }
        free(lrd);
        free(kn.nb);
        free(kn.dist);
    }
    if (p->contamination > 0.0) {
        tmp = xmalloc(n * sizeof *tmp);
        memcpy(tmp, out->score, n * sizeof *tmp);
        out->offset = quantile_percentile(tmp, n, 100.0 * p->contamination);
        free(tmp);
    } else {
        out->offset = -1.5;
    }
    out->anomaly = xcalloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        if (out->score[i] < out->offset) {
            out->anomaly[i] = 1;
            out->count++;
        }
    }
    return 0;
}
