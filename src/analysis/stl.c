/* stl: the STL decomposition (see stl.h). The structure follows the netlib
 * Fortran routines by name (est, ess, ss, fts, ma, rwts, onestp), which is
 * what statsmodels ports; positions inside those routines are 1-based as in
 * the Fortran so the window arithmetic can be checked against it line by
 * line. What is ours is how each LOESS fit is computed, never which fit:
 *   - est takes the weighted line from five weighted sums in one pass
 *     instead of normalising the weights and passing over them five times;
 *   - for a window centred on its point (every interior point) the tricube
 *     weights are the same at every point, so they are computed once per
 *     smoother (fast_est), and for long windows over the whole series the
 *     five sums of every point come at once from FFT convolutions
 *     (fft_fits): a handful of transforms a pass instead of window-length
 *     products at each point.
 * The fits are the same, rounded differently: within about 1e-12 of the
 * series' scale of statsmodels' on the real data (tests/integration). */
#include "analysis/stl.h"

#include "analysis/fft.h"
#include "analysis/quantile.h"
#include "mem.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int stl_default_trend(int period, int seasonal)
{
    int t = (int)ceil(1.5 * period / (1.0 - 1.5 / seasonal));
    return t % 2 ? t : t + 1;
}

int stl_default_low_pass(int period)
{
    int l = period + 1;
    return l % 2 ? l : l + 1;
}

void stl_params_default(struct stl_params *p, int period, int robust)
{
    memset(p, 0, sizeof *p);
    p->period = period;
    p->seasonal = 7;
    p->trend = stl_default_trend(period, 7);
    p->low_pass = stl_default_low_pass(period);
    p->seasonal_deg = p->trend_deg = p->low_pass_deg = 1;
    p->seasonal_jump = p->trend_jump = p->low_pass_jump = 1;
    p->robust = robust ? 1 : 0;
    p->inner = robust ? 2 : 5;
    p->outer = robust ? 15 : 0;
}

static int odd_window(const char *name, int v, int period, struct err *e)
{
    if (v < 3 || v % 2 == 0)
        return err_set(e, ERR_USAGE, 0, "%s must be an odd integer >= 3, not %d", name, v);
    if (period > 0 && v <= period)
        return err_set(e, ERR_USAGE, 0, "%s must be greater than the period (%d), not %d", name,
                       period, v);
    return 0;
}

int stl_params_check(const struct stl_params *p, size_t n, struct err *e)
{
    if (p->period < 2)
        return err_set(e, ERR_USAGE, 0, "period must be an integer >= 2, not %d", p->period);
    if (odd_window("seasonal", p->seasonal, 0, e) < 0 ||
        odd_window("trend", p->trend, p->period, e) < 0 ||
        odd_window("low_pass", p->low_pass, p->period, e) < 0)
        return -1;
    if ((p->seasonal_deg | p->trend_deg | p->low_pass_deg) & ~1)
        return err_set(e, ERR_USAGE, 0, "LOESS degrees must be 0 or 1");
    if (p->seasonal_jump < 1 || p->trend_jump < 1 || p->low_pass_jump < 1)
        return err_set(e, ERR_USAGE, 0, "LOESS jumps must be integers >= 1");
    if (p->inner < 1 || p->outer < 0)
        return err_set(e, ERR_USAGE, 0, "inner must be >= 1 and outer >= 0 (got %d and %d)",
                       p->inner, p->outer);
    if (n > (size_t)INT_MAX / 4 || (size_t)p->period > (size_t)INT_MAX / 8)
        return err_set(e, ERR_USAGE, 0, "series of %zu samples is too long for STL", n);
    if (n < 2 * (size_t)p->period)
        return err_set(e, ERR_USAGE, 0,
                       "STL needs at least two periods of data: %zu samples for period %d", n,
                       p->period);
    return 0;
}

/* The tricube weight of a point at distance r from the fitted position in
 * a window of half-width h, with the Fortran's cut-offs: 1 within 0.001 h,
 * 0 beyond 0.999 h. (est inlines the same arithmetic.) */
static double tricube(double r, double h)
{
    double q;
    if (r > 0.999 * h)
        return 0.0;
    if (r <= 0.001 * h)
        return 1.0;
    q = r * (1.0 / h);
    q = 1.0 - q * q * q;
    return q * q * q;
}

/* The weights of a centred window of half-width h, once per smoother:
 * k0[u+h] = K(u), k1 = K(u) u, k2 = K(u) u^2 for u = -h..h, and the sum of
 * k0 (the normaliser when there are no robustness weights). */
struct kernel {
    int h;
    double *k0, *k1, *k2;
    double s0;
};

static void kernel_init(struct kernel *k, int len)
{
    int h = (len - 1) / 2;
    k->h = h;
    k->k0 = xmalloc((size_t)(2 * h + 1) * 3 * sizeof *k->k0);
    k->k1 = k->k0 + 2 * h + 1;
    k->k2 = k->k1 + 2 * h + 1;
    k->s0 = 0;
    for (int u = -h; u <= h; u++) {
        double w = tricube(fabs((double)u), (double)h);
        k->k0[u + h] = w;
        k->k1[u + h] = w * u;
        k->k2[u + h] = w * u * u;
        k->s0 += w;
    }
}

static void kernel_release(struct kernel *k)
{
    free(k->k0);
}

/* One smoother's scratch: its kernel, room for rw*y of the sequence being
 * smoothed and, for long windows over the whole series, what the fits by
 * FFT need (fft_fits). */
struct smoother {
    struct kernel k;
    double *ry;
    int use_fft;         /* sequences of length fft_n get fft_fits */
    int fft_n, fft_size; /* series length, transform length */
    struct fft_plan fwd, inv;
    fftw_complex *kf[3];   /* transforms of the reversed k0, k1, k2 */
    fftw_complex *spec[2]; /* of the sequence (rw) and of rw*y */
    fftw_complex *prod;
    double *buf;    /* fft_size */
    double *sum[5]; /* by centre: S0 S1 S2 T0 T1 (fft_n each) */
    double *fit;    /* by centre, valid while have_fit */
    int have_fit;
};

/* Windows from this length on, over sequences at least twice as long, are
 * fitted through FFT convolutions: one or two transforms and up to five
 * inverse transforms a pass instead of (1 to 5) x length products a point. */
#define FFT_MIN_WINDOW 64

static void smoother_init(struct smoother *sm, int len, size_t wn, int n)
{
    memset(sm, 0, sizeof *sm);
    kernel_init(&sm->k, len);
    sm->ry = xmalloc(wn * sizeof *sm->ry);
    if (len < FFT_MIN_WINDOW || n < 2 * len)
        return;
    sm->use_fft = 1;
    sm->fft_n = n;
    /* Only outputs at centres h..n-1-h are used; there the circular
     * convolution of size >= n never wraps (see fft_fits). */
    sm->fft_size = fft_good_size(n);
    fft_get_r2c(sm->fft_size, &sm->fwd);
    fft_get_c2r(sm->fft_size, &sm->inv);
    sm->buf = fft_alloc_real((size_t)sm->fft_size);
    sm->prod = fft_alloc_complex((size_t)sm->fft_size / 2 + 1);
    for (int i = 0; i < 2; i++)
        sm->spec[i] = fft_alloc_complex((size_t)sm->fft_size / 2 + 1);
    for (int i = 0; i < 5; i++)
        sm->sum[i] = xmalloc((size_t)n * sizeof *sm->sum[i]);
    sm->fit = xmalloc((size_t)n * sizeof *sm->fit);
    for (int j = 0; j < 3; j++) {
        const double *kk = j == 0 ? sm->k.k0 : j == 1 ? sm->k.k1 : sm->k.k2;
        int m = 2 * sm->k.h;
        memset(sm->buf, 0, (size_t)sm->fft_size * sizeof *sm->buf);
        for (int t = 0; t <= m; t++)
            sm->buf[t] = kk[m - t];
        sm->kf[j] = fft_alloc_complex((size_t)sm->fft_size / 2 + 1);
        fft_execute_r2c(&sm->fwd, sm->buf, sm->kf[j]);
    }
}

static void smoother_release(struct smoother *sm)
{
    kernel_release(&sm->k);
    free(sm->ry);
    if (!sm->use_fft)
        return;
    fft_put(&sm->fwd);
    fft_put(&sm->inv);
    fft_free(sm->buf);
    fft_free(sm->prod);
    for (int i = 0; i < 2; i++)
        fft_free(sm->spec[i]);
    for (int i = 0; i < 3; i++)
        fft_free(sm->kf[i]);
    for (int i = 0; i < 5; i++)
        free(sm->sum[i]);
    free(sm->fit);
}

/* The Fortran est: the LOESS fit at position xs (1-based) from the points
 * nleft..nright of y[0..n-1]: tricube weights over the distance to xs with
 * the Fortran's half-width h (widened when the window is longer than the
 * sequence) and cut-offs, times the robustness weights; NaN when they are
 * all zero; then, for degree 1, the weighted least-squares line at xs
 * unless the positions' weighted spread is tiny (sqrt(c) <= 0.001 (n - 1)).
 * The Fortran normalises the weights and makes five passes over them; this
 * takes the same fit from the five weighted sums of one pass (about xs, and
 * about y's value at xs, which keeps the sums small):
 *   fit = mean(y) - mean(u) cov(u, y) / var(u),  u = position - xs. */
static double est(const double *y, int n, int len, int ideg, int xs, int nleft, int nright,
                  int userw, const double *rw)
{
    double range = (double)n - 1.0, h, h1, h9, inv, s0 = 0.0, s1 = 0.0, s2 = 0.0, t0 = 0.0,
           t1 = 0.0, y0, mean;
    int j;

    h = (double)(xs - nleft > nright - xs ? xs - nleft : nright - xs);
    if (len > n)
        h += (double)((len - n) / 2);
    h1 = 0.001 * h;
    h9 = 0.999 * h;
    inv = 1.0 / h;
    y0 = y[xs < 1 ? 0 : xs > n ? n - 1 : xs - 1];
    for (j = nleft - 1; j < nright; j++) {
        double u = (double)(j + 1 - xs), r = fabs(u), w, q, dy;
        if (r > h9)
            continue;
        if (r <= h1) {
            w = 1.0;
        } else {
            q = r * inv;
            q = 1.0 - q * q * q;
            w = q * q * q;
        }
        if (userw)
            w *= rw[j];
        dy = y[j] - y0;
        s0 += w;
        s1 += w * u;
        s2 += w * u * u;
        t0 += w * dy;
        t1 += w * u * dy;
    }
    if (s0 <= 0.0)
        return NAN;
    mean = t0 / s0;
    if (h > 0.0 && ideg > 0) {
        double au = s1 / s0, c = s2 / s0 - au * au;
        if (sqrt(c) > 0.001 * range)
            mean -= au * (t1 / s0 - au * mean) / c;
    }
    return mean + y0;
}

/* est for a window centred on xs with the kernel's half-width: the same
 * weighted linear fit, from the sums of K rw, K rw u, K rw u^2, K rw y and
 * K rw u y over the window (u = position - xs), where the fitted value at
 * u = 0 is mean(y) - mean(u) cov(u, y) / var(u) under the weights. Without
 * robustness weights mean(u) is 0 by symmetry, leaving the weighted mean. */
static double fast_est(const struct smoother *sm, const double *y, int n, int ideg, int xs,
                       int userw, const double *rw)
{
    const struct kernel *k = &sm->k;
    int lo = xs - 1 - k->h, m = 2 * k->h + 1;
    const double *yy = y + lo, *k0 = k->k0;

    if (!userw) {
        double t0 = 0.0, t1 = 0.0;
        int u = 0;
        for (; u + 1 < m; u += 2) {
            t0 += k0[u] * yy[u];
            t1 += k0[u + 1] * yy[u + 1];
        }
        if (u < m)
            t0 += k0[u] * yy[u];
        return (t0 + t1) / k->s0;
    } else {
        const double *k1 = k->k1, *k2 = k->k2, *ww = rw + lo, *ry = sm->ry + lo;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, t0 = 0.0, t1 = 0.0, mean;
        for (int u = 0; u < m; u++) {
            double r = ww[u], q = ry[u];
            s0 += k0[u] * r;
            s1 += k1[u] * r;
            s2 += k2[u] * r;
            t0 += k0[u] * q;
            t1 += k1[u] * q;
        }
        if (s0 <= 0.0)
            return NAN;
        mean = t0 / s0;
        if (ideg > 0) {
            double au = s1 / s0, c = s2 / s0 - au * au;
            if (sqrt(c) > 0.001 * ((double)n - 1.0))
                mean -= au * (t1 / s0 - au * mean) / c;
        }
        return mean;
    }
}

/* The fit at xs from nleft..nright by whichever of the two computes it. */
static double fit_at(const struct smoother *sm, const double *y, int n, int len, int ideg, int xs,
                     int nleft, int nright, int userw, const double *rw)
{
    if (len <= n && xs - nleft == sm->k.h && nright - xs == sm->k.h)
        return sm->have_fit ? sm->fit[xs - 1] : fast_est(sm, y, n, ideg, xs, userw, rw);
    return est(y, n, len, ideg, xs, nleft, nright, userw, rw);
}

/* sm->sum[j][c] for every centre c = h..n-1-h of the sequence v (length
 * n, zero-padded): sum over u = -h..h of kernel j at u times v[c + u], as
 * the linear convolution of v with the reversed kernel at c + h. The
 * transforms' size is at least n and the indices used stay in [2h, n-1],
 * where the circular convolution never wraps. FFTW's pair of transforms
 * multiplies by the size, divided out here. */
static void fft_sums(struct smoother *sm, const double *v, int n, const int *kernels,
                     const int *slots, int count, int which_spec)
{
    int h = sm->k.h, N = sm->fft_size;
    size_t nf = (size_t)N / 2 + 1;
    double scale = 1.0 / N;
    memset(sm->buf, 0, (size_t)N * sizeof *sm->buf);
    memcpy(sm->buf, v, (size_t)n * sizeof *v);
    fft_execute_r2c(&sm->fwd, sm->buf, sm->spec[which_spec]);
    for (int j = 0; j < count; j++) {
        fftw_complex *a = sm->spec[which_spec], *b = sm->kf[kernels[j]];
        double *out = sm->sum[slots[j]];
        for (size_t f = 0; f < nf; f++) {
            sm->prod[f][0] = a[f][0] * b[f][0] - a[f][1] * b[f][1];
            sm->prod[f][1] = a[f][0] * b[f][1] + a[f][1] * b[f][0];
        }
        fft_execute_c2r(&sm->inv, sm->prod, sm->buf);
        for (int c = h; c <= n - 1 - h; c++)
            out[c] = sm->buf[c + h] * scale;
    }
}

/* The fits of every centred window at once (what fast_est computes point
 * by point), from sums taken by FFT over y - m, m a level of the series:
 * LOESS commutes with adding a constant, and the smaller values keep the
 * transforms' rounding small (about 1e-15 of the values). Where the
 * weights all but vanish the sums lose their relative accuracy, so those
 * points are fitted by est itself. */
static void fft_fits(struct smoother *sm, const double *y, int n, int len, int ideg, int userw,
                     const double *rw)
{
    int h = sm->k.h;
    double m = y[n / 2];
    double *s0 = sm->sum[0], *s1 = sm->sum[1], *s2 = sm->sum[2], *t0 = sm->sum[3], *t1 = sm->sum[4];

    if (!userw) {
        static const int kern[1] = {0}, slot[1] = {3};
        for (int i = 0; i < n; i++)
            sm->ry[i] = y[i] - m;
        fft_sums(sm, sm->ry, n, kern, slot, 1, 1);
        for (int c = h; c <= n - 1 - h; c++)
            sm->fit[c] = t0[c] / sm->k.s0 + m;
        return;
    }
    {
        static const int kw[3] = {0, 1, 2}, sw[3] = {0, 1, 2}, ky[2] = {0, 1}, sy[2] = {3, 4};
        fft_sums(sm, rw, n, kw, sw, 3, 0);
        for (int i = 0; i < n; i++)
            sm->ry[i] = rw[i] * (y[i] - m);
        fft_sums(sm, sm->ry, n, ky, sy, 2, 1);
    }
    for (int c = h; c <= n - 1 - h; c++) {
        double mean, au, var;
        if (!(s0[c] > 1e-9 * sm->k.s0)) {
            sm->fit[c] = est(y, n, len, ideg, c + 1, c + 1 - h, c + 1 + h, userw, rw);
            continue;
        }
        mean = t0[c] / s0[c];
        if (ideg > 0) {
            au = s1[c] / s0[c];
            var = s2[c] / s0[c] - au * au;
            if (sqrt(var) > 0.001 * ((double)n - 1.0))
                mean -= au * (t1[c] / s0[c] - au * mean) / var;
        }
        sm->fit[c] = mean + m;
    }
}

/* The Fortran ess: smooths y[0..n-1] into ys with LOESS windows of len
 * points, fitting every njump-th point and interpolating linearly between.
 * A point whose weights are all zero keeps its value. */
static void ess(struct smoother *sm, const double *y, int n, int len, int ideg, int njump,
                int userw, const double *rw, double *ys)
{
    int newnj, nleft = 0, nright = 0, i, j, k;

    if (n < 2) {
        ys[0] = y[0];
        return;
    }
    if (sm->use_fft && n == sm->fft_n && len <= n) {
        fft_fits(sm, y, n, len, ideg, userw, rw);
        sm->have_fit = 1;
    } else if (userw) {
        for (i = 0; i < n; i++)
            sm->ry[i] = rw[i] * y[i];
    }
    newnj = njump < n - 1 ? njump : n - 1;
    if (len >= n) {
        nleft = 1;
        nright = n;
        for (i = 0; i < n; i += newnj) {
            ys[i] = fit_at(sm, y, n, len, ideg, i + 1, nleft, nright, userw, rw);
            if (isnan(ys[i]))
                ys[i] = y[i];
        }
    } else if (newnj == 1) {
        int nsh = (len + 2) / 2;
        nleft = 1;
        nright = len;
        for (i = 0; i < n; i++) {
            if (i + 1 > nsh && nright != n) {
                nleft++;
                nright++;
            }
            ys[i] = fit_at(sm, y, n, len, ideg, i + 1, nleft, nright, userw, rw);
            if (isnan(ys[i]))
                ys[i] = y[i];
        }
    } else {
        int nsh = (len + 1) / 2;
        for (i = 0; i < n; i += newnj) {
            if (i + 1 < nsh) {
                nleft = 1;
                nright = len;
            } else if (i + 1 >= n - nsh + 1) {
                nleft = n - len + 1;
                nright = n;
            } else {
                nleft = i + 1 - nsh + 1;
                nright = len + i + 1 - nsh;
            }
            ys[i] = fit_at(sm, y, n, len, ideg, i + 1, nleft, nright, userw, rw);
            if (isnan(ys[i]))
                ys[i] = y[i];
        }
    }
    if (newnj == 1) {
        sm->have_fit = 0;
        return;
    }
    for (i = 0; i < n - newnj; i += newnj) {
        double delta = (ys[i + newnj] - ys[i]) / newnj;
        for (j = i; j < i + newnj; j++)
            ys[j] = ys[i] + delta * ((j + 1) - (i + 1));
    }
    k = ((n - 1) / newnj) * newnj + 1;
    if (k != n) {
        /* The last point, from the window the loop ended on. */
        ys[n - 1] = fit_at(sm, y, n, len, ideg, n, nleft, nright, userw, rw);
        if (isnan(ys[n - 1]))
            ys[n - 1] = y[n - 1];
        if (k != n - 1) {
            double delta = (ys[n - 1] - ys[k - 1]) / (n - k);
            for (j = k; j < n; j++)
                ys[j] = ys[k - 1] + delta * ((j + 1) - k);
        }
    }
    sm->have_fit = 0;
}

/* The Fortran ma: moving averages of len points of x[0..n-1] into ave,
 * n - len + 1 values, by a running sum (updated in the Fortran's order). */
static void ma(const double *x, int n, int len, double *ave)
{
    double v = 0.0, flen = (double)len;
    int i, j, k = len, m = 0;
    for (i = 0; i < len; i++)
        v += x[i];
    ave[0] = v / flen;
    for (j = 1; j < n - len + 1; j++) {
        v += x[k] - x[m];
        ave[j] = v / flen;
        k++;
        m++;
    }
}

struct stl_work {
    const struct stl_params *p;
    const double *y;
    int n;
    double *w[5]; /* n + 2 period each, the Fortran's work(,1..5) */
    double *season, *trend, *rw;
    int userw;
    struct smoother ss, lp, tr; /* seasonal, low-pass and trend smoothers */
};

/* The Fortran ss: smooths each cycle-subseries of w0 (y - trend) with
 * the seasonal LOESS, extended by one value at each end, into w1 (n + 2
 * period values). */
static void ss(struct stl_work *s)
{
    const struct stl_params *p = s->p;
    int np = p->period, ns = p->seasonal, n = s->n;
    double *y = s->w[0], *season = s->w[1], *work1 = s->w[2], *work2 = s->w[3], *work3 = s->w[4];

    for (int j = 0; j < np; j++) {
        int k = (n - (j + 1)) / np + 1, nright, nleft;
        for (int i = 0; i < k; i++)
            work1[i] = y[i * np + j];
        if (s->userw)
            for (int i = 0; i < k; i++)
                work3[i] = s->rw[i * np + j];
        ess(&s->ss, work1, k, ns, p->seasonal_deg, p->seasonal_jump, s->userw, work3, work2 + 1);
        nright = ns < k ? ns : k;
        work2[0] = est(work1, k, ns, p->seasonal_deg, 0, 1, nright, s->userw, work3);
        if (isnan(work2[0]))
            work2[0] = work2[1];
        nleft = k - ns + 1 > 1 ? k - ns + 1 : 1;
        work2[k + 1] = est(work1, k, ns, p->seasonal_deg, k + 1, nleft, k, s->userw, work3);
        if (isnan(work2[k + 1]))
            work2[k + 1] = work2[k];
        for (int m = 0; m < k + 2; m++)
            season[m * np + j] = work2[m];
    }
}

/* The Fortran fts: the low-pass filter's three moving averages (period,
 * period, 3) of w1 into w2 (n values), using w0 between. */
static void fts(struct stl_work *s)
{
    int np = s->p->period, n = s->n + 2 * np;
    ma(s->w[1], n, np, s->w[2]);
    ma(s->w[2], n - np + 1, np, s->w[0]);
    ma(s->w[0], n - 2 * np + 2, 3, s->w[2]);
}

/* The Fortran onestp: `inner` passes of the inner loop. */
static void onestp(struct stl_work *s, int inner)
{
    const struct stl_params *p = s->p;
    int n = s->n, np = p->period;

    for (int it = 0; it < inner; it++) {
        for (int i = 0; i < n; i++)
            s->w[0][i] = s->y[i] - s->trend[i];
        ss(s);
        fts(s);
        ess(&s->lp, s->w[2], n, p->low_pass, p->low_pass_deg, p->low_pass_jump, 0, s->w[3],
            s->w[0]);
        for (int i = 0; i < n; i++) {
            s->season[i] = s->w[1][np + i] - s->w[0][i];
            s->w[0][i] = s->y[i] - s->season[i];
        }
        ess(&s->tr, s->w[0], n, p->trend, p->trend_deg, p->trend_jump, s->userw, s->rw, s->trend);
    }
}

/* The Fortran rwts (as statsmodels corrects it): bisquare weights of the
 * residuals y - fit over six times their median. */
static void rwts(struct stl_work *s, const double *fit, double *scratch)
{
    int n = s->n;
    size_t mid0 = (size_t)n / 2, mid1 = (size_t)n - mid0 - 1;
    double cmad, c1, c9, hi, lo;

    for (int i = 0; i < n; i++)
        s->rw[i] = fabs(s->y[i] - fit[i]);
    memcpy(scratch, s->rw, (size_t)n * sizeof *scratch);
    hi = quantile_select(scratch, (size_t)n, mid0);
    lo = hi;
    if (mid1 != mid0) /* mid1 = mid0 - 1: the largest value below position mid0 */
        for (size_t i = 0; i < mid0; i++)
            if (i == 0 || scratch[i] > lo)
                lo = scratch[i];
    cmad = 3.0 * (hi + lo);
    if (cmad == 0.0) {
        for (int i = 0; i < n; i++)
            s->rw[i] = 1.0;
        return;
    }
    c9 = 0.999 * cmad;
    c1 = 0.001 * cmad;
    for (int i = 0; i < n; i++) {
        double r = s->rw[i];
        if (r <= c1) {
            s->rw[i] = 1.0;
        } else if (r <= c9) {
            double q = r / cmad;
            q = 1.0 - q * q;
            s->rw[i] = q * q;
        } else {
            s->rw[i] = 0.0;
        }
    }
}

void stl_result_release(struct stl_result *r)
{
    free(r->trend);
    free(r->seasonal);
    free(r->resid);
    free(r->weights);
    memset(r, 0, sizeof *r);
}

int stl_fit(const double *y, size_t n, const struct stl_params *p, struct stl_result *out,
            struct err *e)
{
    struct stl_work s;
    size_t wn;

    memset(out, 0, sizeof *out);
    if (stl_params_check(p, n, e) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return err_set(e, ERR_DATA, (long)i, "STL input has a non-finite value at sample %zu",
                           i);

    memset(&s, 0, sizeof s);
    s.p = p;
    s.y = y;
    s.n = (int)n;
    wn = n + 2 * (size_t)p->period;
    for (int i = 0; i < 5; i++)
        s.w[i] = xcalloc(wn, sizeof *s.w[i]);
    s.season = xcalloc(n, sizeof *s.season);
    s.trend = xcalloc(n, sizeof *s.trend);
    s.rw = xmalloc(n * sizeof *s.rw);
    for (size_t i = 0; i < n; i++)
        s.rw[i] = 1.0;
    /* The seasonal smoother runs over cycle-subseries (n / period points),
     * never long enough for the FFT fits; the other two over the series. */
    smoother_init(&s.ss, p->seasonal, wn, 0);
    smoother_init(&s.lp, p->low_pass, wn, (int)n);
    smoother_init(&s.tr, p->trend, wn, (int)n);

    for (int k = 0;;) {
        onestp(&s, p->inner);
        if (++k > p->outer)
            break;
        for (size_t i = 0; i < n; i++)
            s.w[0][i] = s.trend[i] + s.season[i];
        rwts(&s, s.w[0], s.w[1]);
        s.userw = 1;
    }

    out->n = n;
    out->trend = s.trend;
    out->seasonal = s.season;
    out->weights = s.rw;
    out->resid = xmalloc(n * sizeof *out->resid);
    for (size_t i = 0; i < n; i++)
        out->resid[i] = (y[i] - s.season[i]) - s.trend[i];

    for (int i = 0; i < 5; i++)
        free(s.w[i]);
    smoother_release(&s.ss);
    smoother_release(&s.lp);
    smoother_release(&s.tr);
    return 0;
}
