/* correlate: rolling and whole-series Pearson correlation, and the best
 * lag (see correlate.h). */
#include "analysis/correlate.h"

#include "mem.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The hours j both series have after the shift: x[j - lag] and y[j]. */
static void overlap(size_t n, int lag, size_t *lo, size_t *hi)
{
    size_t l = lag > 0 ? (size_t)lag : 0;
    size_t shrink = lag < 0 ? (size_t) - (long)lag : 0;
    *lo = l;
    *hi = shrink < n ? n - shrink : 0; /* exclusive */
    if ((size_t)labs(lag) >= n)
        *lo = *hi = 0;
}

/* x.shift(lag) at hour j (lo <= j < hi). */
static double xs_at(const double *x, size_t j, int lag)
{
    return x[(ptrdiff_t)j - lag];
}

double correlate_pearson(const double *x, const double *y, size_t n, int lag)
{
    size_t lo, hi, m;
    double mx = 0.0, my = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0, r;

    overlap(n, lag, &lo, &hi);
    if (hi < lo + 2)
        return NAN;
    m = hi - lo;
    for (size_t j = lo; j < hi; j++) {
        mx += xs_at(x, j, lag);
        my += y[j];
    }
    mx /= (double)m;
    my /= (double)m;
    for (size_t j = lo; j < hi; j++) {
        double a = xs_at(x, j, lag) - mx, b = y[j] - my;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    if (sxx <= 0.0 || syy <= 0.0)
        return NAN;
    r = sxy / sqrt(sxx) / sqrt(syy);
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

void correlate_rolling(const double *x, const double *y, size_t n, int window, int lag, double *r)
{
    size_t lo, hi, w = (size_t)window, off = (w - 1) / 2, runa = 0, runb = 0, since = 0;
    double ma = 0.0, mb = 0.0, su = 0.0, sv = 0.0, suu = 0.0, svv = 0.0, suv = 0.0;

    for (size_t i = 0; i < n; i++)
        r[i] = NAN;
    overlap(n, lag, &lo, &hi);
    if (w < 2 || hi < lo + w)
        return;
    /* The window of i is i + 1 + off - w .. i + off; complete when it lies
     * in [lo, hi). Slide its end e from lo + w - 1 to hi - 1. */
    for (size_t j = lo; j < lo + w - 1; j++) {
        runa = j > lo && xs_at(x, j, lag) == xs_at(x, j - 1, lag) ? runa + 1 : 1;
        runb = j > lo && y[j] == y[j - 1] ? runb + 1 : 1;
    }
    for (size_t e = lo + w - 1; e < hi; e++) {
        size_t s = e + 1 - w, i = e - off;
        double dw = (double)w, cov, vu, vv, rr;
        runa = e > lo && xs_at(x, e, lag) == xs_at(x, e - 1, lag) ? runa + 1 : 1;
        runb = e > lo && y[e] == y[e - 1] ? runb + 1 : 1;
        if (e == lo + w - 1 || since == w) {
            /* Afresh, about this window's means: the sums of deviations
             * stay small, so the differences below lose little, and at
             * most w updates accumulate rounding before the next start. */
            ma = mb = su = sv = suu = svv = suv = 0.0;
            for (size_t j = s; j <= e; j++) {
                ma += xs_at(x, j, lag);
                mb += y[j];
            }
            ma /= dw;
            mb /= dw;
            for (size_t j = s; j <= e; j++) {
                double a = xs_at(x, j, lag) - ma, b = y[j] - mb;
                su += a;
                sv += b;
                suu += a * a;
                svv += b * b;
                suv += a * b;
            }
            since = 0;
        } else {
            double a = xs_at(x, e, lag) - ma, b = y[e] - mb, a0 = xs_at(x, s - 1, lag) - ma,
                   b0 = y[s - 1] - mb;
            su += a - a0;
            sv += b - b0;
            suu += a * a - a0 * a0;
            svv += b * b - b0 * b0;
            suv += a * b - a0 * b0;
            since++;
        }
        if (runa >= w || runb >= w)
            continue; /* a constant side: no correlation */
        cov = suv - su * sv / dw;
        vu = suu - su * su / dw;
        vv = svv - sv * sv / dw;
        if (vu <= 0.0 || vv <= 0.0)
            continue;
        rr = cov / sqrt(vu * vv);
        r[i] = rr > 1.0 ? 1.0 : rr < -1.0 ? -1.0 : rr;
    }
}

void correlate_result_release(struct correlate_result *r)
{
    free(r->r);
    memset(r, 0, sizeof *r);
}

int correlate_compute(const double *x, const double *y, size_t n, const struct correlate_params *p,
                      struct correlate_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (p->window < 2)
        return err_set(e, ERR_USAGE, 0, "window must be at least 2, not %d", p->window);
    if (p->has_range && p->lag_min > p->lag_max)
        return err_set(e, ERR_USAGE, 0, "the lag range %d:%d is empty", p->lag_min, p->lag_max);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return err_set(e, ERR_DATA, (long)i,
                           "correlation input has a non-finite value at sample %zu", i);
    out->n = n;
    out->r = xmalloc((n ? n : 1) * sizeof *out->r);
    correlate_rolling(x, y, n, p->window, p->lag, out->r);
    if (p->has_range) {
        double best = -1.0;
        for (int lag = p->lag_min; lag <= p->lag_max; lag++) {
            double r = correlate_pearson(x, y, n, lag);
            if (!isnan(r) && fabs(r) > best) {
                best = fabs(r);
                out->has_best = 1;
                out->best_lag = lag;
                out->best_r = r;
            }
        }
    }
    return 0;
}
