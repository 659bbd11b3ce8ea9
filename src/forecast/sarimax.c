/* forecast/sarimax: SARIMAX in statsmodels' state-space form: the system
 * matrices, the stationary initialisation of the ARMA block, the Kalman
 * filter and its log-likelihood, the starting values, the fit and the
 * forecasts. docs/FORECAST.md writes the representation out. */
#include "forecast/sarimax.h"

#include "caps.h"
#include "forecast/optim.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* statsmodels' default initial_variance for approximate-diffuse states. */
#define DIFFUSE_VARIANCE 1e6
#define LOG_2PI 1.8378770664093453
/* The predicted state covariance does not depend on the data, so once it
 * stops changing (||P_t+1 - P_t||_F <= 1e-10 ||P_t+1||_F, checked every
 * STEADY_EVERY steps) the filter keeps it fixed, as statsmodels does for
 * time-invariant models. Its test is absolute (squared change below 1e-19),
 * which kWh-sized data never meet; a relative one has to sit above the
 * rounding noise P keeps after converging (about 1e-12 for a pure AR model
 * of order 169). A step's change of 1e-10 moves the log-likelihood by far
 * less than 1e-6 relative even when convergence is slow. */
#define STEADY_REL2 1e-20
#define STEADY_EVERY 16
/* statsmodels solves for the stationary mean only when the state intercept
 * at t = 0 is larger than this (in absolute sum). */
#define MEAN_TOL 1e-9

struct sarimax {
    struct sarimax_spec sp;
    size_t n, k;      /* observations, exogenous regressors */
    double *y, *x;    /* copies: y[n], x[n * k] */
    size_t ksd, r, m; /* differencing states, ARMA states, all states */
    size_t kt, np;    /* trend terms, parameters */
    size_t burn;

    /* Set from a parameter vector by set_params. */
    double *phi;   /* [r + 2]: phi[1..r] the reduced AR polynomial, 0 beyond */
    double *theta; /* [r + 1]: theta[0] = 1, theta[1..r-1] the reduced MA one */
    size_t *thnz;  /* indices i with theta[i] != 0 */
    size_t nthnz;
    double sigma2, c0, drift;
    const double *beta; /* borrowed from the parameter vector */

    /* The transition matrix T (m x m) in compressed rows, and the design
     * vector Z as the indices of its ones. */
    size_t *rowp, *col;
    double *val;
    size_t *z;
    size_t nz;
    /* T's rows sorted for the covariance step: runs of consecutive unit
     * rows (T[j][src + t] = 1 for j = j0 + t, a shift register) and the
     * remaining general rows. */
    size_t *run_j0, *run_src, *run_len, nrun;
    size_t *gen, ngen;

    /* Work space. */
    double *P, *N, *Pchk; /* m x m */
    double *a, *at, *pz;  /* m */
    double *gam, *psi;    /* r + 2 */
    double *A;            /* (r + 1)^2: the autocovariance system */
};

/* ---- the specification --------------------------------------------------- */

int sarimax_trend_parse(const char *s, enum sarimax_trend *out)
{
    static const char *const names[] = {"n", "c", "t", "ct"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum sarimax_trend)i;
            return 0;
        }
    return -1;
}

const char *sarimax_trend_name(enum sarimax_trend t)
{
    switch (t) {
    case SARIMAX_TREND_C:
        return "c";
    case SARIMAX_TREND_T:
        return "t";
    case SARIMAX_TREND_CT:
        return "ct";
    default:
        return "n";
    }
}

static size_t trend_terms(enum sarimax_trend t)
{
    return t == SARIMAX_TREND_CT ? 2 : t == SARIMAX_TREND_N ? 0 : 1;
}

static size_t uz(int v)
{
    return v > 0 ? (size_t)v : 0;
}

static size_t k_order(const struct sarimax_spec *sp)
{
    size_t ar = uz(sp->p) + uz(sp->s) * uz(sp->P), ma = uz(sp->q) + uz(sp->s) * uz(sp->Q) + 1;
    return ar > ma ? ar : ma;
}

size_t sarimax_burn(const struct sarimax_spec *sp)
{
    return uz(sp->d) + uz(sp->s) * uz(sp->D);
}

size_t sarimax_states(const struct sarimax_spec *sp)
{
    return sarimax_burn(sp) + k_order(sp);
}

size_t sarimax_nparams(const struct sarimax_spec *sp)
{
    return trend_terms(sp->trend) + uz(sp->k_exog) + uz(sp->p) + uz(sp->q) + uz(sp->P) + uz(sp->Q) +
           1;
}

/* Rows the conditional-sum-of-squares regressions need beyond their lags
 * (see css()): the long AR for residuals and the final regression must both
 * be overdetermined. */
static size_t css_need(size_t k_ar, size_t k_ma, size_t ncols)
{
    size_t k = 2 * k_ma, r = k + k_ma > k_ar ? k + k_ma : k_ar, need = r + ncols + 1;
    if (k_ma > 0 && 2 * k + 1 > need)
        need = 2 * k + 1;
    return need;
}

size_t sarimax_min_obs(const struct sarimax_spec *sp)
{
    size_t s = uz(sp->s), burn = sarimax_burn(sp), np = sarimax_nparams(sp);
    size_t need = css_need(uz(sp->p), uz(sp->q), trend_terms(sp->trend) + uz(sp->p) + uz(sp->q));
    size_t ns = css_need(s * uz(sp->P), s * uz(sp->Q), uz(sp->P) + uz(sp->Q));
    if (ns > need)
        need = ns;
    if (uz(sp->k_exog) + 1 > need)
        need = uz(sp->k_exog) + 1;
    if (np + 1 > need)
        need = np + 1;
    return burn + need;
}

int sarimax_spec_check(const struct sarimax_spec *sp, struct err *e)
{
    const struct {
        const char *name;
        int v, max;
    } lim[] = {{"p", sp->p, LIMIT_FORECAST_ORDER},
               {"d", sp->d, LIMIT_FORECAST_DIFF},
               {"q", sp->q, LIMIT_FORECAST_ORDER},
               {"P", sp->P, LIMIT_FORECAST_SEASONAL_ORDER},
               {"D", sp->D, LIMIT_FORECAST_SEASONAL_DIFF},
               {"Q", sp->Q, LIMIT_FORECAST_SEASONAL_ORDER},
               {"s", sp->s, LIMIT_FORECAST_PERIOD},
               {"the number of exogenous regressors", sp->k_exog, LIMIT_FORECAST_EXOG}};
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (lim[i].v < 0 || lim[i].v > lim[i].max)
            return err_set(e, ERR_USAGE, 0, "%s = %d is outside 0..%d", lim[i].name, lim[i].v,
                           lim[i].max);
    if ((sp->P || sp->D || sp->Q) && sp->s < 2)
        return err_set(e, ERR_USAGE, 0,
                       "a seasonal order needs a seasonal period s >= 2 (got s = %d)", sp->s);
    if (sp->P && sp->p >= sp->s)
        return err_set(e, ERR_USAGE, 0,
                       "AR lag %d is both seasonal and non-seasonal: p = %d must be below s = %d",
                       sp->s, sp->p, sp->s);
    if (sp->Q && sp->q >= sp->s)
        return err_set(e, ERR_USAGE, 0,
                       "MA lag %d is both seasonal and non-seasonal: q = %d must be below s = %d",
                       sp->s, sp->q, sp->s);
    if ((int)sp->trend < 0 || (int)sp->trend > SARIMAX_TREND_CT)
        return err_set(e, ERR_USAGE, 0, "unknown trend");
    if (sarimax_states(sp) > LIMIT_FORECAST_STATES)
        return err_set(e, ERR_USAGE, 0,
                       "the model has %zu states (d + s*D + max(p + s*P, q + s*Q + 1)); at "
                       "most %d are allowed",
                       sarimax_states(sp), LIMIT_FORECAST_STATES);
    return 0;
}

int sarimax_param_name(const struct sarimax_spec *sp, const char *const *exog_names, size_t i,
                       char *out, size_t n)
{
    size_t kt = trend_terms(sp->trend), k = uz(sp->k_exog), s = uz(sp->s);
    size_t p = uz(sp->p), q = uz(sp->q), P = uz(sp->P), Q = uz(sp->Q);
    if (i < kt) {
        snprintf(out, n, "%s", sp->trend == SARIMAX_TREND_T || i == 1 ? "drift" : "intercept");
        return 0;
    }
    i -= kt;
    if (i < k) {
        if (exog_names)
            snprintf(out, n, "%s", exog_names[i]);
        else
            snprintf(out, n, "x%zu", i + 1);
        return 0;
    }
    i -= k;
    if (i < p) {
        snprintf(out, n, "ar.L%zu", i + 1);
        return 0;
    }
    i -= p;
    if (i < q) {
        snprintf(out, n, "ma.L%zu", i + 1);
        return 0;
    }
    i -= q;
    if (i < P) {
        snprintf(out, n, "ar.S.L%zu", (i + 1) * s);
        return 0;
    }
    i -= P;
    if (i < Q) {
        snprintf(out, n, "ma.S.L%zu", (i + 1) * s);
        return 0;
    }
    i -= Q;
    if (i == 0) {
        snprintf(out, n, "sigma2");
        return 0;
    }
    return -1;
}

/* ---- parameter transforms ------------------------------------------------ */

void sarimax_constrain_stationary(size_t n, const double *u, double *c)
{
    /* Partial autocorrelations r_k = u_k / sqrt(1 + u_k^2), then the
     * Durbin-Levinson recursion y_k[i] = y_k-1[i] + r_k y_k-1[k-1-i],
     * y_k[k] = r_k; the result is -y_n-1 (statsmodels' sign). */
    double *prev = xmalloc((n + 1) * sizeof *prev), *cur = xmalloc((n + 1) * sizeof *cur);
    for (size_t k = 0; k < n; k++) {
        double r = u[k] / sqrt(1 + u[k] * u[k]);
        for (size_t i = 0; i < k; i++)
            cur[i] = prev[i] + r * prev[k - i - 1];
        cur[k] = r;
        memcpy(prev, cur, (k + 1) * sizeof *cur);
    }
    for (size_t i = 0; i < n; i++)
        c[i] = -prev[i];
    free(prev);
    free(cur);
}

int sarimax_unconstrain_stationary(size_t n, const double *c, double *u)
{
    double *cur = xmalloc((n + 1) * sizeof *cur), *nxt = xmalloc((n + 1) * sizeof *nxt);
    int ret = 0;
    for (size_t i = 0; i < n; i++)
        cur[i] = -c[i];
    for (size_t k = n; k-- > 0;) {
        double r = cur[k];
        if (!(fabs(r) < 1)) {
            ret = -1;
            break;
        }
        u[k] = r / sqrt(1 - r * r);
        for (size_t i = 0; i < k; i++)
            nxt[i] = (cur[i] - r * cur[k - i - 1]) / (1 - r * r);
        memcpy(cur, nxt, k * sizeof *cur);
    }
    free(cur);
    free(nxt);
    return ret;
}

/* Where each block starts in the parameter vector. */
struct layout {
    size_t trend, exog, ar, ma, sar, sma, sigma2;
};

static struct layout layout_of(const struct sarimax_spec *sp)
{
    struct layout l;
    l.trend = 0;
    l.exog = trend_terms(sp->trend);
    l.ar = l.exog + uz(sp->k_exog);
    l.ma = l.ar + uz(sp->p);
    l.sar = l.ma + uz(sp->q);
    l.sma = l.sar + uz(sp->P);
    l.sigma2 = l.sma + uz(sp->Q);
    return l;
}

static void neg_constrain(size_t n, const double *u, double *c)
{
    sarimax_constrain_stationary(n, u, c);
    for (size_t i = 0; i < n; i++)
        c[i] = -c[i];
}

void sarimax_transform_params(const struct sarimax_spec *sp, const double *u, double *c)
{
    struct layout l = layout_of(sp);
    memcpy(c, u, l.ar * sizeof *c);
    sarimax_constrain_stationary(uz(sp->p), u + l.ar, c + l.ar);
    neg_constrain(uz(sp->q), u + l.ma, c + l.ma);
    sarimax_constrain_stationary(uz(sp->P), u + l.sar, c + l.sar);
    neg_constrain(uz(sp->Q), u + l.sma, c + l.sma);
    c[l.sigma2] = u[l.sigma2] * u[l.sigma2];
}

int sarimax_untransform_params(const struct sarimax_spec *sp, const double *c, double *u,
                               struct err *e)
{
    struct layout l = layout_of(sp);
    const struct {
        size_t at, n;
        int neg;
        const char *what;
    } parts[] = {{l.ar, uz(sp->p), 0, "the AR part is not stationary"},
                 {l.ma, uz(sp->q), 1, "the MA part is not invertible"},
                 {l.sar, uz(sp->P), 0, "the seasonal AR part is not stationary"},
                 {l.sma, uz(sp->Q), 1, "the seasonal MA part is not invertible"}};
    memcpy(u, c, l.ar * sizeof *u);
    for (size_t i = 0; i < 4; i++) {
        double *t = xmalloc((parts[i].n + 1) * sizeof *t);
        int rc;
        for (size_t j = 0; j < parts[i].n; j++)
            t[j] = parts[i].neg ? -c[parts[i].at + j] : c[parts[i].at + j];
        rc = sarimax_unconstrain_stationary(parts[i].n, t, u + parts[i].at);
        free(t);
        if (rc < 0)
            return err_set(e, ERR_DATA, 0, "%s", parts[i].what);
    }
    if (!(c[l.sigma2] > 0))
        return err_set(e, ERR_DATA, 0, "sigma2 must be positive");
    u[l.sigma2] = sqrt(c[l.sigma2]);
    return 0;
}

static int stationary(size_t n, const double *c)
{
    double *u = xmalloc((n + 1) * sizeof *u);
    int ok = sarimax_unconstrain_stationary(n, c, u) == 0;
    free(u);
    return ok;
}

static int invertible(size_t n, const double *c)
{
    double *t = xmalloc((n + 1) * sizeof *t);
    int ok;
    for (size_t i = 0; i < n; i++)
        t[i] = -c[i];
    ok = stationary(n, t);
    free(t);
    return ok;
}

int sarimax_params_stationary(const struct sarimax_spec *sp, const double *params)
{
    struct layout l = layout_of(sp);
    return stationary(uz(sp->p), params + l.ar) && stationary(uz(sp->P), params + l.sar);
}

/* ---- the model object ------------------------------------------------------ */

int sarimax_check_size(const struct sarimax_spec *sp, size_t n, struct err *e)
{
    size_t ms, need;
    if (sarimax_spec_check(sp, e) < 0)
        return -1;
    ms = sarimax_states(sp);
    need = sarimax_min_obs(sp);
    if (n < need)
        return err_set(e, ERR_USAGE, 0,
                       "%zu observations are too few for this model (it needs at least %zu)", n,
                       need);
    if (n > LIMIT_FORECAST_OBS)
        return err_set(e, ERR_USAGE, 0, "%zu observations are more than the %d allowed", n,
                       LIMIT_FORECAST_OBS);
    if ((double)ms * (double)ms * (double)n > LIMIT_FORECAST_WORK)
        return err_set(e, ERR_USAGE, 0,
                       "the model is too large for %zu observations: %zu states, and states^2 "
                       "x observations must stay below %.0e",
                       n, ms, (double)LIMIT_FORECAST_WORK);
    return 0;
}

int sarimax_new(const struct sarimax_spec *sp, const double *y, const double *exog, size_t n,
                struct sarimax **out, struct err *e)
{
    struct sarimax *m;
    size_t ms, nnz, d, D, s;

    *out = NULL;
    if (sarimax_check_size(sp, n, e) < 0)
        return -1;
    ms = sarimax_states(sp);
    if (sp->k_exog > 0 && !exog)
        return err_set(e, ERR_USAGE, 0, "the model has exogenous regressors but none were given");
    for (size_t t = 0; t < n; t++) {
        if (!isfinite(y[t]))
            return err_set(e, ERR_DATA, (long)t, "observation %zu is not a finite number", t);
        for (size_t j = 0; j < uz(sp->k_exog); j++)
            if (!isfinite(exog[t * uz(sp->k_exog) + j]))
                return err_set(e, ERR_DATA, (long)t,
                               "exogenous regressor %zu at observation %zu is not finite", j + 1,
                               t);
    }

    m = xcalloc(1, sizeof *m);
    m->sp = *sp;
    m->n = n;
    m->k = uz(sp->k_exog);
    m->y = xmalloc(n * sizeof *m->y);
    memcpy(m->y, y, n * sizeof *y);
    if (m->k) {
        m->x = xmalloc(n * m->k * sizeof *m->x);
        memcpy(m->x, exog, n * m->k * sizeof *exog);
    }
    d = uz(sp->d);
    D = uz(sp->D);
    s = uz(sp->s);
    m->ksd = sarimax_burn(sp);
    m->r = k_order(sp);
    m->m = ms;
    m->kt = trend_terms(sp->trend);
    m->np = sarimax_nparams(sp);
    m->burn = m->ksd;

    m->phi = xcalloc(m->r + 2, sizeof *m->phi);
    m->theta = xcalloc(m->r + 1, sizeof *m->theta);
    m->thnz = xcalloc(m->r + 1, sizeof *m->thnz);
    nnz = d * (d + D + 1) + D * (s + 2) + 2 * m->r;
    m->rowp = xcalloc(ms + 1, sizeof *m->rowp);
    m->col = xcalloc(nnz, sizeof *m->col);
    m->val = xcalloc(nnz, sizeof *m->val);
    m->z = xcalloc(d + D + 1, sizeof *m->z);
    m->run_j0 = xcalloc(ms, sizeof *m->run_j0);
    m->run_src = xcalloc(ms, sizeof *m->run_src);
    m->run_len = xcalloc(ms, sizeof *m->run_len);
    m->gen = xcalloc(ms, sizeof *m->gen);
    for (size_t i = 0; i < d; i++)
        m->z[m->nz++] = i;
    for (size_t l = 0; l < D; l++)
        m->z[m->nz++] = d + l * s + s - 1;
    m->z[m->nz++] = m->ksd;

    m->P = xmalloc(ms * ms * sizeof *m->P);
    m->N = xmalloc(ms * ms * sizeof *m->N);
    m->Pchk = xmalloc(ms * ms * sizeof *m->Pchk);
    m->a = xmalloc(ms * sizeof *m->a);
    m->at = xmalloc(ms * sizeof *m->at);
    m->pz = xmalloc(ms * sizeof *m->pz);
    m->gam = xmalloc((m->r + 2) * sizeof *m->gam);
    m->psi = xmalloc((m->r + 2) * sizeof *m->psi);
    m->A = xmalloc((m->r + 1) * (m->r + 1) * sizeof *m->A);
    *out = m;
    return 0;
}

void sarimax_free(struct sarimax *m)
{
    if (!m)
        return;
    free(m->y);
    free(m->x);
    free(m->phi);
    free(m->theta);
    free(m->thnz);
    free(m->rowp);
    free(m->col);
    free(m->val);
    free(m->z);
    free(m->run_j0);
    free(m->run_src);
    free(m->run_len);
    free(m->gen);
    free(m->P);
    free(m->N);
    free(m->Pchk);
    free(m->a);
    free(m->at);
    free(m->pz);
    free(m->gam);
    free(m->psi);
    free(m->A);
    free(m);
}

const struct sarimax_spec *sarimax_get_spec(const struct sarimax *m)
{
    return &m->sp;
}

size_t sarimax_nobs(const struct sarimax *m)
{
    return m->n;
}

/* Appends T[row][col] = v to the compressed rows being built. */
static void t_put(struct sarimax *m, size_t *nnz, size_t col, double v)
{
    m->col[*nnz] = col;
    m->val[*nnz] = v;
    (*nnz)++;
}

/* Fills phi, theta, sigma2, the trend and beta from params, and builds T. */
static int set_params(struct sarimax *m, const double *prm, struct err *e)
{
    const struct sarimax_spec *sp = &m->sp;
    struct layout l = layout_of(sp);
    size_t p = uz(sp->p), q = uz(sp->q), P = uz(sp->P), Q = uz(sp->Q), s = uz(sp->s);
    size_t d = uz(sp->d), D = uz(sp->D), r = m->r, nnz = 0;

    for (size_t i = 0; i < m->np; i++)
        if (!isfinite(prm[i]))
            return err_set(e, ERR_DATA, (long)i, "parameter %zu is not a finite number", i + 1);
    m->c0 = m->drift = 0;
    if (sp->trend == SARIMAX_TREND_C || sp->trend == SARIMAX_TREND_CT)
        m->c0 = prm[0];
    if (sp->trend == SARIMAX_TREND_T)
        m->drift = prm[0];
    if (sp->trend == SARIMAX_TREND_CT)
        m->drift = prm[1];
    m->beta = prm + l.exog;
    m->sigma2 = prm[l.sigma2];
    if (!(m->sigma2 > 0))
        return err_set(e, ERR_DATA, 0, "sigma2 must be positive (got %g)", m->sigma2);
    if (!sarimax_params_stationary(sp, prm))
        return err_set(e, ERR_DATA, 0,
                       "the AR parameters are not stationary, so the ARMA block has no "
                       "stationary initialisation");

    /* (1 - sum ar_j L^j)(1 - sum sar_j L^js) = 1 - sum phi_k L^k and
     * (1 + sum ma_j L^j)(1 + sum sma_j L^js) = sum theta_k L^k. */
    memset(m->phi, 0, (r + 2) * sizeof *m->phi);
    memset(m->theta, 0, (r + 1) * sizeof *m->theta);
    for (size_t j = 0; j <= p; j++) {
        double aj = j ? -prm[l.ar + j - 1] : 1;
        for (size_t i = 0; i <= P; i++) {
            double bi = i ? -prm[l.sar + i - 1] : 1;
            if (j + i * s > 0)
                m->phi[j + i * s] -= aj * bi;
        }
    }
    for (size_t j = 0; j <= q; j++) {
        double aj = j ? prm[l.ma + j - 1] : 1;
        for (size_t i = 0; i <= Q; i++) {
            double bi = i ? prm[l.sma + i - 1] : 1;
            m->theta[j + i * s] += aj * bi;
        }
    }
    m->nthnz = 0;
    for (size_t i = 0; i < r; i++)
        if (m->theta[i] != 0)
            m->thnz[m->nthnz++] = i;

    /* T, row by row (statsmodels' initial_transition plus the AR column). */
    for (size_t i = 0; i < d; i++) {
        m->rowp[i] = nnz;
        for (size_t j = i; j < d; j++)
            t_put(m, &nnz, j, 1);
        for (size_t lv = 0; lv < D; lv++)
            t_put(m, &nnz, d + lv * s + s - 1, 1);
        t_put(m, &nnz, m->ksd, 1);
    }
    for (size_t lv = 0; lv < D; lv++) {
        size_t start = d + lv * s;
        m->rowp[start] = nnz;
        t_put(m, &nnz, start + s - 1, 1);
        if (lv + 1 < D)
            t_put(m, &nnz, start + 2 * s - 1, 1);
        t_put(m, &nnz, m->ksd, 1);
        for (size_t i = 1; i < s; i++) {
            m->rowp[start + i] = nnz;
            t_put(m, &nnz, start + i - 1, 1);
        }
    }
    for (size_t i = 0; i < r; i++) {
        m->rowp[m->ksd + i] = nnz;
        if (m->phi[i + 1] != 0)
            t_put(m, &nnz, m->ksd, m->phi[i + 1]);
        if (i + 1 < r)
            t_put(m, &nnz, m->ksd + i + 1, 1);
    }
    m->rowp[m->m] = nnz;

    m->nrun = m->ngen = 0;
    for (size_t j = 0; j < m->m; j++) {
        int unit = m->rowp[j + 1] - m->rowp[j] == 1 && m->val[m->rowp[j]] == 1;
        if (!unit) {
            m->gen[m->ngen++] = j;
            continue;
        }
        if (m->nrun > 0) {
            size_t k = m->nrun - 1;
            if (m->run_j0[k] + m->run_len[k] == j &&
                m->run_src[k] + m->run_len[k] == m->col[m->rowp[j]]) {
                m->run_len[k]++;
                continue;
            }
        }
        m->run_j0[m->nrun] = j;
        m->run_src[m->nrun] = m->col[m->rowp[j]];
        m->run_len[m->nrun++] = 1;
    }
    return 0;
}

/* ---- the stationary initialisation ---------------------------------------- */

/* Solves A x = b (n x n, row-major, both overwritten; x in b) by Gaussian
 * elimination with partial pivoting. -1 if a pivot vanishes. */
static int lu_solve(size_t n, double *A, double *b)
{
    for (size_t k = 0; k < n; k++) {
        size_t piv = k;
        for (size_t i = k + 1; i < n; i++)
            if (fabs(A[i * n + k]) > fabs(A[piv * n + k]))
                piv = i;
        if (!(fabs(A[piv * n + k]) > 1e-300))
            return -1;
        if (piv != k) {
            for (size_t j = 0; j < n; j++) {
                double t = A[k * n + j];
                A[k * n + j] = A[piv * n + j];
                A[piv * n + j] = t;
            }
            double t = b[k];
            b[k] = b[piv];
            b[piv] = t;
        }
        for (size_t i = k + 1; i < n; i++) {
            double f = A[i * n + k] / A[k * n + k];
            if (f == 0)
                continue;
            for (size_t j = k; j < n; j++)
                A[i * n + j] -= f * A[k * n + j];
            b[i] -= f * b[k];
        }
    }
    for (size_t k = n; k-- > 0;) {
        double v = b[k];
        for (size_t j = k + 1; j < n; j++)
            v -= A[k * n + j] * b[j];
        b[k] = v / A[k * n + k];
    }
    return 0;
}

/* The stationary covariance of the ARMA block, the solution of the discrete
 * Lyapunov equation P = T P T' + sigma2 R R' for the companion T and
 * R = (theta_0 .. theta_r-1)', written into the lower-right r x r block of
 * m->P. Instead of a general solver (O(r^3) or worse) it uses the block's
 * structure: state i is sum_{l} phi_{i+1+l} y_{t-1-l} + theta_{i+l} eta_{t-1-l},
 * so its first row follows from the autocovariances gamma and the MA(inf)
 * weights psi of the ARMA process, and P[i][j] = phi_i+1 phi_j+1 P[0][0] +
 * phi_i+1 P[0][j+1] + phi_j+1 P[i+1][0] + P[i+1][j+1] + sigma2 theta_i
 * theta_j (T P T' written out) fills the rest from the bottom right. */
static int arma_stationary_cov(struct sarimax *m, struct err *e)
{
    size_t r = m->r, M = m->m, o = m->ksd, pe = 0, qe = 0;
    const double *phi = m->phi, *th = m->theta;
    double *gam = m->gam, *psi = m->psi, s2 = m->sigma2;
    double *P = m->P + o * M + o; /* P[i][j] is P[i * M + j] */

    for (size_t k = 1; k <= r; k++)
        if (phi[k] != 0)
            pe = k;
    for (size_t k = 0; k < r; k++)
        if (th[k] != 0)
            qe = k;
    /* psi_j = theta_j + sum_i phi_i psi_j-i */
    for (size_t j = 0; j <= r; j++) {
        double v = j < r ? th[j] : 0;
        for (size_t i = 1; i <= j && i <= pe; i++)
            v += phi[i] * psi[j - i];
        psi[j] = v;
    }
    /* gamma(k) - sum_j phi_j gamma(|k - j|) = sigma2 sum_{i >= k} theta_i psi_i-k,
     * for k = 0..pe as a linear system, beyond by recursion. */
    {
        size_t nn = pe + 1;
        double *A = m->A;
        memset(A, 0, nn * nn * sizeof *A);
        for (size_t k = 0; k < nn; k++) {
            double b = 0;
            A[k * nn + k] += 1;
            for (size_t j = 1; j <= pe; j++)
                A[k * nn + (k > j ? k - j : j - k)] -= phi[j];
            for (size_t i = k; i <= qe; i++)
                b += th[i] * psi[i - k];
            gam[k] = s2 * b;
        }
        if (lu_solve(nn, A, gam) < 0)
            return err_set(e, ERR_DATA, 0, "the AR part is too close to a unit root");
        for (size_t k = nn; k <= r; k++) {
            double v = 0;
            for (size_t j = 1; j <= pe; j++)
                v += phi[j] * gam[k - j];
            for (size_t i = k; i <= qe; i++)
                v += s2 * th[i] * psi[i - k];
            gam[k] = v;
        }
    }
    /* First row: P[0][k] = sum_l phi_k+1+l gamma(l+1) + sigma2 theta_k+l psi_l. */
    P[0] = gam[0];
    for (size_t k = 1; k < r; k++) {
        double v = 0;
        for (size_t l = 0; l + k < r; l++)
            v += phi[k + 1 + l] * gam[l + 1] + s2 * th[k + l] * psi[l];
        P[k] = v;
        P[k * M] = v;
    }
    for (size_t i = r; i-- > 1;)
        for (size_t j = r; j-- > i;) {
            double v = phi[i + 1] * phi[j + 1] * gam[0] + s2 * th[i] * th[j];
            if (j + 1 < r) {
                v += phi[i + 1] * P[j + 1] + P[(i + 1) * M + (j + 1)];
            }
            if (i + 1 < r)
                v += phi[j + 1] * P[i + 1];
            P[i * M + j] = v;
            P[j * M + i] = v;
        }
    for (size_t i = 0; i < r * r; i++)
        if (!isfinite(P[(i / r) * M + i % r]))
            return err_set(e, ERR_DATA, 0, "the stationary initialisation is not finite");
    return 0;
}

/* a_0 and P_0: zero mean and variance 1e6 for the differencing states; the
 * ARMA block at its stationary distribution, whose mean solves
 * (I - T) x = c_0 (c_0 the state intercept at t = 0, trend time 1). */
static int init_state(struct sarimax *m, struct err *e)
{
    size_t M = m->m, o = m->ksd, r = m->r;
    double c = m->c0 + m->drift;

    memset(m->a, 0, M * sizeof *m->a);
    memset(m->P, 0, M * M * sizeof *m->P);
    for (size_t i = 0; i < o; i++)
        m->P[i * M + i] = DIFFUSE_VARIANCE;
    if (fabs(c) > MEAN_TOL) {
        double sum = 0, x0, tail = 0;
        for (size_t k = 1; k <= r; k++)
            sum += m->phi[k];
        x0 = c / (1 - sum);
        m->a[o] = x0;
        for (size_t i = r; i-- > 1;) {
            tail += m->phi[i + 1];
            m->a[o + i] = x0 * tail;
        }
    }
    return arma_stationary_cov(m, e);
}

/* ---- the Kalman filter ---------------------------------------------------- */

/* The two vector kernels of the covariance step, written with the
 * compilers' vector extension (two doubles, plain SSE2 on x86-64) because
 * -O2 does not vectorise loops of unknown length. Each element is computed
 * exactly as the scalar expression would be. */
#if defined(__GNUC__)
typedef double v2d __attribute__((vector_size(16)));

static inline v2d ld2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void st2(double *p, v2d v)
{
    memcpy(p, &v, sizeof v);
}
#endif

/* out = a x - b z */
static void comb(double *restrict out, double a, const double *restrict x, double b,
                 const double *restrict z, size_t n)
{
    size_t j = 0;
#if defined(__GNUC__)
    v2d va = {a, a}, vb = {b, b};
    for (; j + 4 <= n; j += 4) {
        st2(out + j, va * ld2(x + j) - vb * ld2(z + j));
        st2(out + j + 2, va * ld2(x + j + 2) - vb * ld2(z + j + 2));
    }
#endif
    for (; j < n; j++)
        out[j] = a * x[j] - b * z[j];
}

/* out += a x */
static void axpy(double *restrict out, double a, const double *restrict x, size_t n)
{
    size_t j = 0;
#if defined(__GNUC__)
    v2d va = {a, a};
    for (; j + 4 <= n; j += 4) {
        st2(out + j, ld2(out + j) + va * ld2(x + j));
        st2(out + j + 2, ld2(out + j + 2) + va * ld2(x + j + 2));
    }
#endif
    for (; j < n; j++)
        out[j] += a * x[j];
}

static double trend_at(const struct sarimax *m, size_t t)
{
    return m->c0 + m->drift * (double)(t + 1);
}

static double dotv(const double *a, const double *b, size_t n)
{
    double v = 0;
    for (size_t j = 0; j < n; j++)
        v += a[j] * b[j];
    return v;
}

static double obs_intercept(const struct sarimax *m, const double *xrow)
{
    return dotv(m->beta, xrow, m->k);
}

/* a <- T a + c_t e_ksd */
static void predict_mean(struct sarimax *m, size_t t)
{
    size_t M = m->m;
    for (size_t i = 0; i < M; i++) {
        double v = 0;
        for (size_t q = m->rowp[i]; q < m->rowp[i + 1]; q++)
            v += m->val[q] * m->a[m->col[q]];
        m->at[i] = v;
    }
    m->at[m->ksd] += trend_at(m, t);
    memcpy(m->a, m->at, M * sizeof *m->a);
}

/* P <- T (P - pz pz' inv_f) T' + sigma2 R R': the update by the
 * observation (inv_f = 1/F; 0 for a step without one) and the prediction in
 * two passes over P. First N = T P_filtered row by row (a unit row copies a
 * row of P), then P = N T', whose column j is column src of N for a unit
 * row j, so each row of the result is a few contiguous copies plus a sparse
 * dot product per general row. P stays symmetric up to rounding. */
static void step_cov(struct sarimax *m, double inv_f)
{
    size_t M = m->m, o = m->ksd;
    double *restrict P = m->P, *restrict N = m->N;
    const double *restrict pz = m->pz;
    const size_t *rowp = m->rowp, *col = m->col;
    const double *val = m->val;

    for (size_t i = 0; i < M; i++) {
        double *ni = N + i * M, g = 0;
        size_t q0 = rowp[i], q1 = rowp[i + 1];
        if (q0 == q1) {
            memset(ni, 0, M * sizeof *ni);
            continue;
        }
        for (size_t q = q0; q < q1; q++)
            g += val[q] * pz[col[q]];
        comb(ni, val[q0], P + col[q0] * M, g * inv_f, pz, M);
        for (size_t q = q0 + 1; q < q1; q++)
            axpy(ni, val[q], P + col[q] * M, M);
    }
    for (size_t i = 0; i < M; i++) {
        double *restrict pi = P + i * M;
        const double *restrict ni = N + i * M;
        for (size_t k = 0; k < m->nrun; k++)
            memcpy(pi + m->run_j0[k], ni + m->run_src[k], m->run_len[k] * sizeof *pi);
        for (size_t k = 0; k < m->ngen; k++) {
            size_t j = m->gen[k];
            double v = 0;
            for (size_t q = rowp[j]; q < rowp[j + 1]; q++)
                v += val[q] * ni[col[q]];
            pi[j] = v;
        }
    }
    for (size_t a = 0; a < m->nthnz; a++)
        for (size_t b = 0; b < m->nthnz; b++) {
            size_t i = m->thnz[a], j = m->thnz[b];
            P[(o + i) * M + o + j] += m->sigma2 * m->theta[i] * m->theta[j];
        }
}

/* pz = P Z' (the sum of the rows of P that Z picks, P being symmetric) and
 * F = Z P Z'. */
static double project(struct sarimax *m)
{
    size_t M = m->m;
    double F = 0, *restrict pz = m->pz;
    memcpy(pz, m->P + m->z[0] * M, M * sizeof *pz);
    for (size_t q = 1; q < m->nz; q++) {
        const double *restrict pr = m->P + m->z[q] * M;
        for (size_t i = 0; i < M; i++)
            pz[i] += pr[i];
    }
    for (size_t q = 0; q < m->nz; q++)
        F += pz[m->z[q]];
    return F;
}

static double za(const struct sarimax *m)
{
    double v = 0;
    for (size_t q = 0; q < m->nz; q++)
        v += m->a[m->z[q]];
    return v;
}

/* Runs the filter over the data at the parameters set_params installed,
 * summing the log-likelihood terms from t = burn on. Leaves m->a and m->P
 * as the predicted state and covariance for t = n. */
static int filter(struct sarimax *m, double *llf, struct err *e)
{
    size_t M = m->m, n = m->n;
    double sum = 0, F = 0, logF = 0;
    int steady = 0, fresh = 0;

    if (init_state(m, e) < 0)
        return -1;
    for (size_t t = 0; t < n; t++) {
        double v = m->y[t] - za(m), kv;
        if (m->k)
            v -= obs_intercept(m, m->x + t * m->k);
        if (!steady || !fresh) {
            F = project(m);
            if (!(F > 0) || !isfinite(F))
                return err_set(e, ERR_DATA, (long)t,
                               "the Kalman filter broke down at observation %zu (forecast "
                               "variance %g)",
                               t, F);
            logF = log(F);
            fresh = steady;
        }
        if (t >= m->burn)
            sum += -0.5 * (LOG_2PI + logF + v * v / F);
        kv = v / F;
        for (size_t i = 0; i < M; i++)
            m->a[i] += m->pz[i] * kv;
        predict_mean(m, t);
        if (steady)
            continue;
        step_cov(m, 1 / F);
        if (t % STEADY_EVERY == STEADY_EVERY - 2) {
            memcpy(m->Pchk, m->P, M * M * sizeof *m->P);
        } else if (t % STEADY_EVERY == STEADY_EVERY - 1) {
            double dd = 0, pp = 0;
            for (size_t i = 0; i < M * M; i++) {
                double dv = m->P[i] - m->Pchk[i];
                dd += dv * dv;
                pp += m->P[i] * m->P[i];
            }
            if (dd <= STEADY_REL2 * pp)
                steady = 1;
        }
    }
    if (!isfinite(sum))
        return err_set(e, ERR_DATA, 0, "the log-likelihood is not finite");
    *llf = sum;
    return 0;
}

int sarimax_loglike(struct sarimax *m, const double *params, double *llf, struct err *e)
{
    if (set_params(m, params, e) < 0)
        return -1;
    return filter(m, llf, e);
}

int sarimax_forecast(struct sarimax *m, const double *params, size_t h, const double *exog_future,
                     double *mean, double *var, struct err *e)
{
    double llf;
    if (m->k && !exog_future)
        return err_set(e, ERR_USAGE, 0,
                       "the model has exogenous regressors: their values over the %zu forecast "
                       "hours are required",
                       h);
    if (h > LIMIT_FORECAST_HORIZON)
        return err_set(e, ERR_USAGE, 0, "a horizon of %zu hours is more than the %d allowed", h,
                       LIMIT_FORECAST_HORIZON);
    for (size_t j = 0; j < h * m->k; j++)
        if (!isfinite(exog_future[j]))
            return err_set(e, ERR_DATA, (long)j,
                           "exogenous value %zu over the horizon is not finite", j + 1);
    if (sarimax_loglike(m, params, &llf, e) < 0)
        return -1;
    for (size_t j = 0; j < h; j++) {
        double F = project(m);
        mean[j] = za(m) + (m->k ? obs_intercept(m, exog_future + j * m->k) : 0);
        var[j] = F;
        predict_mean(m, m->n + j);
        step_cov(m, 0);
    }
    return 0;
}

/* ---- starting values ------------------------------------------------------ */

/* Least squares min ||X b - y|| by Householder QR with column pivoting; X
 * is nr x nc column-major, X and y are overwritten. Columns whose remaining
 * norm is below 1e-12 of the largest get coefficient 0 (the basic solution
 * where numpy's pinv, which statsmodels uses, would give the minimum-norm
 * one; the two agree whenever X has full rank). */
static void lstsq(size_t nr, size_t nc, double *X, double *y, double *b)
{
    size_t *perm = xmalloc((nc + 1) * sizeof *perm), rank = 0;
    double *v = xmalloc((nr + 1) * sizeof *v), first = 0;

    for (size_t j = 0; j < nc; j++) {
        perm[j] = j;
        b[j] = 0;
    }
    for (size_t k = 0; k < nc && k < nr; k++) {
        size_t best = k;
        double bestn = -1, alpha, vv = 0;
        for (size_t j = k; j < nc; j++) {
            double s = 0;
            const double *c = X + j * nr;
            for (size_t i = k; i < nr; i++)
                s += c[i] * c[i];
            if (s > bestn) {
                bestn = s;
                best = j;
            }
        }
        bestn = sqrt(bestn);
        if (k == 0)
            first = bestn;
        if (!(bestn > 1e-12 * first) || bestn == 0)
            break;
        if (best != k) {
            size_t tp = perm[k];
            perm[k] = perm[best];
            perm[best] = tp;
            for (size_t i = 0; i < nr; i++) {
                double t = X[k * nr + i];
                X[k * nr + i] = X[best * nr + i];
                X[best * nr + i] = t;
            }
        }
        {
            double *c = X + k * nr;
            alpha = c[k] > 0 ? -bestn : bestn;
            for (size_t i = k; i < nr; i++)
                v[i] = c[i];
            v[k] -= alpha;
            for (size_t i = k; i < nr; i++)
                vv += v[i] * v[i];
            if (vv > 0) {
                for (size_t j = k + 1; j <= nc; j++) {
                    double *cj = j < nc ? X + j * nr : y, s = 0;
                    for (size_t i = k; i < nr; i++)
                        s += v[i] * cj[i];
                    s = 2 * s / vv;
                    for (size_t i = k; i < nr; i++)
                        cj[i] -= s * v[i];
                }
            }
            c[k] = alpha;
        }
        rank = k + 1;
    }
    for (size_t i = rank; i-- > 0;) {
        double s = y[i];
        for (size_t j = i + 1; j < rank; j++)
            s -= X[j * nr + i] * v[j];
        v[i] = s / X[i * nr + i];
    }
    for (size_t i = 0; i < rank; i++)
        b[perm[i]] = v[i];
    free(perm);
    free(v);
}

/* statsmodels' _conditional_sum_squares for one pair of lag polynomials
 * (AR lags ar_lag[0..n_ar), largest k_ar; MA likewise) with kt trend
 * columns (trend rows 0, 1, ... in `trend`, n x kt row-major): the residuals
 * of an AR(2 k_ma) regression stand in for the innovations, then y[r..n) is
 * regressed on the trend, its AR lags and the lagged residuals, with
 * r = max(3 k_ma, k_ar). Writes the coefficients, and the residual variance
 * to *var (*has_var = 0 when there is nothing to estimate, as statsmodels'
 * empty list). */
static void css(const double *y, size_t n, size_t k_ar, size_t step_ar, size_t n_ar, size_t k_ma,
                size_t step_ma, size_t n_ma, size_t kt, const double *trend, double *o_trend,
                double *o_ar, double *o_ma, double *var, int *has_var)
{
    size_t k = 2 * k_ma, r = k + k_ma > k_ar ? k + k_ma : k_ar, nc = kt + n_ar + n_ma;
    double *res = NULL, *res2 = NULL, *X = NULL, *Y = NULL, *b = NULL;
    size_t nres2 = 0;

    *has_var = 0;
    if (k_ar + k_ma + kt == 0)
        return;
    b = xcalloc(nc + 1, sizeof *b);
    if (n < css_need(k_ar, k_ma, nc)) {
        /* statsmodels' "too few observations" branch: zeros, and the
         * variance of the centred data. */
        double mean = 0;
        for (size_t t = 0; t < n; t++)
            mean += y[t] / (double)n;
        nres2 = 2 * n_ma + n;
        res2 = xcalloc(nres2 + 1, sizeof *res2);
        for (size_t t = 0; t < n; t++)
            res2[2 * n_ma + t] = y[t] - mean;
    } else {
        if (k_ma > 0) {
            size_t nr = n - k;
            double *c = xmalloc(nr * k * sizeof *c), *yy = xmalloc(nr * sizeof *yy);
            double *bb = xmalloc(k * sizeof *bb);
            for (size_t i = 0; i < nr; i++) {
                yy[i] = y[k + i];
                for (size_t j = 0; j < k; j++)
                    c[j * nr + i] = y[k + i - 1 - j];
            }
            lstsq(nr, k, c, yy, bb);
            res = xmalloc(nr * sizeof *res); /* res[i] is the residual at time k + i */
            for (size_t i = 0; i < nr; i++) {
                double f = 0;
                for (size_t j = 0; j < k; j++)
                    f += bb[j] * y[k + i - 1 - j];
                res[i] = y[k + i] - f;
            }
            free(c);
            free(yy);
            free(bb);
        }
        {
            size_t nr = n - r;
            X = xmalloc(nr * nc * sizeof *X);
            Y = xmalloc(nr * sizeof *Y);
            for (size_t i = 0; i < nr; i++) {
                size_t t = r + i, c = 0;
                Y[i] = y[t];
                for (size_t j = 0; j < kt; j++)
                    X[(c++) * nr + i] = trend[i * kt + j]; /* statsmodels: trend rows 0.. */
                for (size_t j = 0; j < n_ar; j++)
                    X[(c++) * nr + i] = y[t - (j + 1) * step_ar];
                for (size_t j = 0; j < n_ma; j++)
                    X[(c++) * nr + i] = res[t - (j + 1) * step_ma - k];
            }
            {
                double *Xc = xmalloc(nr * nc * sizeof *Xc), *Yc = xmalloc(nr * sizeof *Yc);
                memcpy(Xc, X, nr * nc * sizeof *X);
                memcpy(Yc, Y, nr * sizeof *Y);
                lstsq(nr, nc, Xc, Yc, b);
                free(Xc);
                free(Yc);
            }
            nres2 = nr;
            res2 = xmalloc((nr + 1) * sizeof *res2);
            for (size_t i = 0; i < nr; i++) {
                double f = 0;
                for (size_t j = 0; j < nc; j++)
                    f += X[j * nr + i] * b[j];
                res2[i] = Y[i] - f;
            }
        }
    }
    memcpy(o_trend, b, kt * sizeof *b);
    memcpy(o_ar, b + kt, n_ar * sizeof *b);
    memcpy(o_ma, b + kt + n_ar, n_ma * sizeof *b);
    if (nres2 > (n_ma > 1 ? n_ma : 1)) {
        double s = 0;
        for (size_t i = n_ma; i < nres2; i++)
            s += res2[i] * res2[i];
        *var = s / (double)(nres2 - n_ma);
    } else {
        double mean = 0, s = 0;
        for (size_t t = 0; t < n; t++)
            mean += y[t] / (double)n;
        for (size_t t = 0; t < n; t++)
            s += (y[t] - mean) * (y[t] - mean);
        *var = s / (double)n;
    }
    *has_var = 1;
    free(res);
    free(res2);
    free(X);
    free(Y);
    free(b);
}

/* Applies D seasonal differences of lag s, then d simple ones, to the
 * columns of v (n rows of w values, row-major, in place); returns the new
 * number of rows. */
static size_t difference(double *v, size_t n, size_t w, size_t d, size_t D, size_t s)
{
    for (size_t l = 0; l < D; l++) {
        for (size_t t = 0; t + s < n; t++)
            for (size_t j = 0; j < w; j++)
                v[t * w + j] = v[(t + s) * w + j] - v[t * w + j];
        n -= s;
    }
    for (size_t l = 0; l < d; l++) {
        for (size_t t = 0; t + 1 < n; t++)
            for (size_t j = 0; j < w; j++)
                v[t * w + j] = v[(t + 1) * w + j] - v[t * w + j];
        n -= 1;
    }
    return n;
}

int sarimax_start_params(struct sarimax *m, double *params, struct err *e)
{
    const struct sarimax_spec *sp = &m->sp;
    struct layout l = layout_of(sp);
    size_t n = m->n, k = m->k, kt = m->kt, nd, s = uz(sp->s);
    size_t p = uz(sp->p), q = uz(sp->q), P = uz(sp->P), Q = uz(sp->Q);
    double *yd = xmalloc(n * sizeof *yd), *xd = NULL, *trend = NULL, var1 = 0, var2 = 0;
    double dummy[2];
    int has1, has2;

    memset(params, 0, m->np * sizeof *params);
    memcpy(yd, m->y, n * sizeof *yd);
    nd = difference(yd, n, 1, uz(sp->d), uz(sp->D), s);
    if (k) {
        xd = xmalloc(n * k * sizeof *xd);
        memcpy(xd, m->x, n * k * sizeof *xd);
        difference(xd, n, k, uz(sp->d), uz(sp->D), s);
        {
            double *Xc = xmalloc(nd * k * sizeof *Xc), *Yc = xmalloc(nd * sizeof *Yc);
            for (size_t t = 0; t < nd; t++) {
                Yc[t] = yd[t];
                for (size_t j = 0; j < k; j++)
                    Xc[j * nd + t] = xd[t * k + j];
            }
            lstsq(nd, k, Xc, Yc, params + l.exog);
            free(Xc);
            free(Yc);
        }
        for (size_t t = 0; t < nd; t++)
            yd[t] -= dotv(params + l.exog, xd + t * k, k);
    }
    if (kt) {
        trend = xmalloc(nd * kt * sizeof *trend);
        for (size_t t = 0; t < nd; t++) {
            size_t c = 0;
            if (sp->trend == SARIMAX_TREND_C || sp->trend == SARIMAX_TREND_CT)
                trend[t * kt + c++] = 1;
            if (sp->trend == SARIMAX_TREND_T || sp->trend == SARIMAX_TREND_CT)
                trend[t * kt + c++] = (double)(t + 1);
        }
    }
    css(yd, nd, p, 1, p, q, 1, q, kt, trend, params + l.trend, params + l.ar, params + l.ma, &var1,
        &has1);
    if (p && !stationary(p, params + l.ar))
        memset(params + l.ar, 0, p * sizeof *params);
    if (q && !invertible(q, params + l.ma))
        memset(params + l.ma, 0, q * sizeof *params);
    css(yd, nd, s * P, s, P, s * Q, s, Q, 0, NULL, dummy, params + l.sar, params + l.sma, &var2,
        &has2);
    if (P && !stationary(P, params + l.sar))
        memset(params + l.sar, 0, P * sizeof *params);
    if (Q && !invertible(Q, params + l.sma))
        memset(params + l.sma, 0, Q * sizeof *params);
    if (!has1) {
        if (has2) {
            var1 = var2;
        } else {
            double s2 = 0;
            for (size_t t = 0; t < nd; t++)
                s2 += yd[t] * yd[t];
            var1 = k ? s2 : s2 / (double)n;
        }
    }
    params[l.sigma2] = var1 > 1e-10 ? var1 : 1e-10;
    free(yd);
    free(xd);
    free(trend);
    for (size_t i = 0; i < m->np; i++)
        if (!isfinite(params[i]))
            return err_set(e, ERR_DATA, 0, "the starting values are not finite");
    return 0;
}

/* ---- the fit ---------------------------------------------------------------- */

struct fit_ctx {
    struct sarimax *m;
    const double *scale;
    double *u, *c;
};

static int objective(const double *z, double *f, void *ctx)
{
    struct fit_ctx *fc = ctx;
    double llf;
    for (size_t i = 0; i < fc->m->np; i++)
        fc->u[i] = z[i] * fc->scale[i];
    sarimax_transform_params(&fc->m->sp, fc->u, fc->c);
    if (sarimax_loglike(fc->m, fc->c, &llf, NULL) < 0)
        return -1;
    *f = -llf / (double)fc->m->n;
    return 0;
}

int sarimax_fit(struct sarimax *m, const struct sarimax_fit_opts *o, double *params,
                struct sarimax_fit_info *info, struct err *e)
{
    size_t np = m->np;
    struct layout l = layout_of(&m->sp);
    double *u = xmalloc(np * sizeof *u), *z = xmalloc(np * sizeof *z);
    double *scale = xmalloc(np * sizeof *scale), *c = xmalloc(np * sizeof *c);
    struct fit_ctx fc = {m, scale, xmalloc(np * sizeof(double)), c};
    struct optim_opts oo = {SARIMAX_DEFAULT_MAXITER, OPTIM_GTOL_DEFAULT, OPTIM_FTOL_DEFAULT, 0};
    struct optim_result r;
    int ret = -1;

    memset(info, 0, sizeof *info);
    if (o && o->maxiter > 0)
        oo.maxiter = o->maxiter > LIMIT_FORECAST_MAXITER ? LIMIT_FORECAST_MAXITER : o->maxiter;
    if (o)
        oo.maxfev = o->maxfev;
    if (o && o->start)
        memcpy(params, o->start, np * sizeof *params);
    else if (sarimax_start_params(m, params, e) < 0)
        goto out;
    if (sarimax_untransform_params(&m->sp, params, u, e) < 0) {
        err_prefix(e, "starting values");
        goto out;
    }
    /* Scale the unconstrained trend, exog and sigma parameters by the size
     * of their start values so that the optimiser sees all parameters on a
     * similar scale (the AR and MA ones are already O(1)). */
    for (size_t i = 0; i < np; i++) {
        int unit = i >= l.ar && i < l.sigma2;
        scale[i] = unit ? 1 : fmax(fabs(u[i]), 1.0);
        z[i] = u[i] / scale[i];
    }
    if (optim_bfgs(np, z, objective, &fc, &oo, &r) < 0) {
        double llf;
        if (sarimax_loglike(m, params, &llf, e) == 0)
            err_set(e, ERR_DATA, 0, "the fit cannot start: %s", r.reason);
        else
            err_prefix(e, "the fit cannot start");
        goto out;
    }
    for (size_t i = 0; i < np; i++)
        u[i] = z[i] * scale[i];
    sarimax_transform_params(&m->sp, u, params);
    if (sarimax_loglike(m, params, &info->llf, e) < 0)
        goto out;
    info->converged = r.converged;
    info->iterations = r.iterations;
    info->fevals = r.fevals + 1;
    info->nobs_effective = m->n - m->burn;
    info->aic = -2 * info->llf + 2 * (double)np;
    info->bic = -2 * info->llf + (double)np * log((double)info->nobs_effective);
    snprintf(info->message, sizeof info->message, "%s", r.reason);
    ret = 0;
out:
    free(u);
    free(z);
    free(scale);
    free(c);
    free(fc.u);
    return ret;
}

/* ---- the normal quantile ---------------------------------------------------- */

double sarimax_norm_ppf(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    double x, qq, rr, ee, uu;

    if (!(p > 0 && p < 1))
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    if (p < plow) {
        qq = sqrt(-2 * log(p));
        x = (((((c[0] * qq + c[1]) * qq + c[2]) * qq + c[3]) * qq + c[4]) * qq + c[5]) /
            ((((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1);
    } else if (p <= 1 - plow) {
        qq = p - 0.5;
        rr = qq * qq;
        x = (((((a[0] * rr + a[1]) * rr + a[2]) * rr + a[3]) * rr + a[4]) * rr + a[5]) * qq /
            (((((b[0] * rr + b[1]) * rr + b[2]) * rr + b[3]) * rr + b[4]) * rr + 1);
    } else {
        qq = sqrt(-2 * log1p(-p));
        x = -(((((c[0] * qq + c[1]) * qq + c[2]) * qq + c[3]) * qq + c[4]) * qq + c[5]) /
            ((((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1);
    }
    /* One Halley step on Phi(x) - p (Acklam's refinement), computed from
     * the nearer tail so that nothing cancels: Phi(x) - p = (1 - p) - Q(x)
     * above the median, where 1 - p is exact. */
    if (p > 0.5)
        ee = (1 - p) - 0.5 * erfc(x / sqrt(2.0));
    else
        ee = 0.5 * erfc(-x / sqrt(2.0)) - p;
    uu = ee * sqrt(2 * M_PI) * exp(x * x / 2);
    x = x - uu / (1 + x * uu / 2);
    return x;
}
