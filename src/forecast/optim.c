/* forecast/optim: BFGS with finite-difference gradients and a safeguarded
 * backtracking line search (see optim.h for the references). */
#include "forecast/optim.h"

#include "mem.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Armijo constant and the largest number of step reductions per search. */
#define ARMIJO_C1 1e-4
#define SEARCH_STEPS 40
/* Below this gradient size forward differences are no longer accurate
 * enough, so the gradient switches to central differences. */
#define CENTRAL_BELOW 1e-4

struct work {
    size_t n;
    optim_fn fn;
    void *ctx;
    int fevals;
    long maxfev;   /* 0: no limit */
    int exhausted; /* an evaluation was refused for the limit */
    double *xt;    /* scratch point */
};

/* fn with failures and non-finite values mapped to +inf; past the
 * evaluation limit fn is not called and the work is marked exhausted. */
static double eval(struct work *w, const double *x)
{
    double f;
    if (w->maxfev > 0 && w->fevals >= w->maxfev) {
        w->exhausted = 1;
        return INFINITY;
    }
    w->fevals++;
    if (w->fn(x, &f, w->ctx) != 0 || !isfinite(f))
        return INFINITY;
    return f;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

/* Finite-difference gradient of fn at x (where fn is f0). Forward steps of
 * sqrt(eps) relative size, or central steps of eps^(1/3); a side where fn
 * fails is replaced by the other one. */
static void gradient(struct work *w, const double *x, double f0, int central, double *g)
{
    const double rel = central ? 6.055454452393343e-06 : 1.4901161193847656e-08;
    memcpy(w->xt, x, w->n * sizeof *x);
    for (size_t i = 0; i < w->n; i++) {
        double h = rel * fmax(fabs(x[i]), 1.0), fp, fm;
        w->xt[i] = x[i] + h;
        fp = eval(w, w->xt);
        if (central) {
            w->xt[i] = x[i] - h;
            fm = eval(w, w->xt);
            if (isfinite(fp) && isfinite(fm))
                g[i] = (fp - fm) / (2 * h);
            else if (isfinite(fp))
                g[i] = (fp - f0) / h;
            else if (isfinite(fm))
                g[i] = (f0 - fm) / h;
            else
                g[i] = 0;
        } else if (isfinite(fp)) {
            g[i] = (fp - f0) / h;
        } else {
            w->xt[i] = x[i] - h;
            fm = eval(w, w->xt);
            g[i] = isfinite(fm) ? (f0 - fm) / h : 0;
        }
        w->xt[i] = x[i];
    }
}

/* Backtracking along d from x (value f, slope gd < 0): the first step
 * alpha meeting the Armijo condition, reduced by safeguarded quadratic
 * interpolation. Writes the point to xn and its value to *fn_out; returns
 * the step, or 0 when none was found. */
static double line_search(struct work *w, const double *x, double f, const double *d, double gd,
                          double alpha, double *xn, double *fn_out)
{
    for (int k = 0; k < SEARCH_STEPS; k++) {
        double ft, next;
        for (size_t i = 0; i < w->n; i++)
            xn[i] = x[i] + alpha * d[i];
        ft = eval(w, xn);
        if (ft <= f + ARMIJO_C1 * alpha * gd) {
            *fn_out = ft;
            return alpha;
        }
        if (isfinite(ft)) {
            /* Minimum of the quadratic through f, gd and ft. */
            double den = 2 * (ft - f - gd * alpha);
            next = den > 0 ? -gd * alpha * alpha / den : 0.5 * alpha;
            if (next < 0.1 * alpha)
                next = 0.1 * alpha;
            if (next > 0.5 * alpha)
                next = 0.5 * alpha;
        } else {
            next = 0.25 * alpha;
        }
        alpha = next;
    }
    return 0;
}

int optim_bfgs(size_t n, double *x, optim_fn fn, void *ctx, const struct optim_opts *o,
               struct optim_result *r)
{
    struct work w = {n, fn, ctx, 0, o->maxfev, 0, NULL};
    double *H = xcalloc(n * n, sizeof *H), *g = xmalloc(n * sizeof *g);
    double *gn = xmalloc(n * sizeof *gn), *d = xmalloc(n * sizeof *d);
    double *xn = xmalloc(n * sizeof *xn), *s = xmalloc(n * sizeof *s);
    double *y = xmalloc(n * sizeof *y), *Hy = xmalloc(n * sizeof *Hy);
    double f, fnew = 0;
    int central = 0, scaled = 0, ret = 0;

    w.xt = xmalloc(n * sizeof *w.xt);
    memset(r, 0, sizeof *r);
    r->reason = "iteration limit reached";
    f = eval(&w, x);
    if (!isfinite(f)) {
        r->f = f;
        r->reason = "the objective cannot be evaluated at the starting point";
        ret = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        H[i * n + i] = 1;
    gradient(&w, x, f, central, g);
    if (max_abs(g, n) < CENTRAL_BELOW) {
        central = 1;
        gradient(&w, x, f, central, g);
    }

    while (r->iterations < o->maxiter && !w.exhausted) {
        double gd = 0, gmax = max_abs(g, n), alpha, sy = 0, yy = 0, ss = 0, yHy = 0, rel;

        if (gmax <= o->gtol) {
            r->converged = 1;
            r->reason = "gradient below gtol";
            break;
        }
        for (size_t i = 0; i < n; i++) {
            d[i] = 0;
            for (size_t j = 0; j < n; j++)
                d[i] -= H[i * n + j] * g[j];
            gd += d[i] * g[i];
        }
        if (!(gd < 0)) { /* not a descent direction: restart from steepest descent */
            memset(H, 0, n * n * sizeof *H);
            for (size_t i = 0; i < n; i++) {
                H[i * n + i] = 1;
                d[i] = -g[i];
            }
            gd = 0;
            for (size_t i = 0; i < n; i++)
                gd -= g[i] * g[i];
            scaled = 0;
        }
        /* The first step of a fresh (unscaled) matrix moves at most 1. */
        alpha = scaled ? 1.0 : fmin(1.0, 1.0 / max_abs(d, n));
        alpha = line_search(&w, x, f, d, gd, alpha, xn, &fnew);
        if (w.exhausted)
            break;
        if (alpha == 0) {
            if (!central) { /* forward differences may have misled it */
                central = 1;
                gradient(&w, x, f, central, g);
                memset(H, 0, n * n * sizeof *H);
                for (size_t i = 0; i < n; i++)
                    H[i * n + i] = 1;
                scaled = 0;
                continue;
            }
            r->reason = "line search found no lower value";
            break;
        }
        r->iterations++;
        rel = (f - fnew) / fmax(fmax(fabs(f), fabs(fnew)), 1.0);
        for (size_t i = 0; i < n; i++)
            s[i] = xn[i] - x[i];
        memcpy(x, xn, n * sizeof *x);
        f = fnew;
        if (rel <= o->ftol) {
            r->converged = 1;
            r->reason = "relative reduction of the objective below ftol";
            break;
        }
        gradient(&w, x, f, central, gn);
        if (!central && max_abs(gn, n) < CENTRAL_BELOW) {
            central = 1;
            gradient(&w, x, f, central, gn);
        }
        if (w.exhausted)
            break;
        for (size_t i = 0; i < n; i++) {
            y[i] = gn[i] - g[i];
            sy += s[i] * y[i];
            yy += y[i] * y[i];
            ss += s[i] * s[i];
        }
        memcpy(g, gn, n * sizeof *g);
        if (!(sy > 1e-10 * sqrt(ss * yy)))
            continue;  /* curvature condition fails: keep H */
        if (!scaled) { /* N&W eq. 6.20 */
            for (size_t i = 0; i < n * n; i++)
                H[i] *= sy / yy;
            scaled = 1;
        }
        /* H+ = H - (H y s' + s y' H)/sy + (1 + y'Hy/sy) s s'/sy */
        for (size_t i = 0; i < n; i++) {
            Hy[i] = 0;
            for (size_t j = 0; j < n; j++)
                Hy[i] += H[i * n + j] * y[j];
            yHy += y[i] * Hy[i];
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                H[i * n + j] +=
                    -(Hy[i] * s[j] + s[i] * Hy[j]) / sy + (1 + yHy / sy) * s[i] * s[j] / sy;
    }
    if (w.exhausted) {
        /* x and f are the last accepted point; g may be half computed. */
        r->converged = 0;
        r->reason = "evaluation limit reached";
    } else if (!r->converged && max_abs(g, n) <= o->gtol) {
        r->converged = 1;
        r->reason = "gradient below gtol";
    }
    r->f = f;
out:
    r->fevals = w.fevals;
    free(H);
    free(g);
    free(gn);
    free(d);
    free(xn);
    free(s);
    free(y);
    free(Hy);
    free(w.xt);
    return ret;
}
