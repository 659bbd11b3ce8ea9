/* forecast/optim: unconstrained minimisation by BFGS with numerical
 * gradients and a backtracking line search, small enough to read in one
 * sitting (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithm 6.1
 * with the initial scaling of eq. 6.20 and a safeguarded cubic backtracking
 * line search, section 3.5). Pure; no global state; thread-safe as long as
 * fn is. */
#ifndef ELHUB_FORECAST_OPTIM_H
#define ELHUB_FORECAST_OPTIM_H

#include <stddef.h>

/* The objective: sets *f to its value at x and returns 0, or returns -1 when
 * x is outside its domain or the value cannot be computed (treated as
 * +infinity: the line search steps back). */
typedef int (*optim_fn)(const double *x, double *f, void *ctx);

struct optim_opts {
    int maxiter; /* iterations (gradient evaluations); >= 1 */
    double gtol; /* stop when max_i |g_i| <= gtol */
    double ftol; /* stop when (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol */
    long maxfev; /* evaluations of fn in all, gradients included; 0 = no limit */
};

/* scipy's L-BFGS-B defaults, which statsmodels' fit uses: gtol 1e-5 (its
 * pgtol) and ftol 2.2e-9 (factr 1e7 times the machine epsilon). */
#define OPTIM_GTOL_DEFAULT 1e-5
#define OPTIM_FTOL_DEFAULT 2.220446049250313e-09

struct optim_result {
    double f;           /* objective at the returned x */
    int iterations;     /* completed iterations */
    int fevals;         /* objective evaluations, gradients included */
    int converged;      /* 1 if the gtol or ftol rule stopped it */
    const char *reason; /* static text: why it stopped */
};

/* Minimises fn from x (n values, overwritten by the best point found).
 * With o->maxfev set, fn is never called more than maxfev times: when the
 * limit is reached it stops at the last point accepted (not converged,
 * reason "evaluation limit reached").
 * Gradients are finite differences: forward while the gradient is large,
 * central once it is small (max |g| < 1e-4) or a line search fails. Returns
 * 0 when it ran (converged or not: see r->converged and r->reason) and -1
 * when fn fails at the starting point (r->reason says so). n >= 1. */
int optim_bfgs(size_t n, double *x, optim_fn fn, void *ctx, const struct optim_opts *o,
               struct optim_result *r);

#endif
