/* forecast/sarimax: the SARIMAX(p,d,q)(P,D,Q,s) model with a trend and
 * exogenous regressors, in the state-space form statsmodels' SARIMAX uses
 * with its defaults (simple_differencing=False, measurement_error=False,
 * mle_regression=True, concentrate_scale=False, enforce_stationarity and
 * enforce_invertibility on, approximate-diffuse differencing states with
 * variance 1e6 and their log-likelihood terms burned, the ARMA block
 * initialised at its stationary distribution). Written from the model's
 * definition and statsmodels' documented representation, not from its code;
 * docs/FORECAST.md states the form in full.
 *
 * Pure computation: no I/O, no global state. A struct sarimax holds its own
 * work space, so one object must not be used by two threads at once;
 * distinct objects are independent. */
#ifndef ELHUB_FORECAST_SARIMAX_H
#define ELHUB_FORECAST_SARIMAX_H

#include "err.h"

#include <stddef.h>

/* statsmodels' trend strings: none, constant ("intercept"), linear time
 * trend ("drift", time counted 1, 2, ... from the first observation), or
 * both. The trend enters the state equation of the first ARMA state, so
 * with d > 0 a constant is a drift of the level. */
enum sarimax_trend { SARIMAX_TREND_N, SARIMAX_TREND_C, SARIMAX_TREND_T, SARIMAX_TREND_CT };

struct sarimax_spec {
    int p, d, q;    /* non-seasonal orders */
    int P, D, Q, s; /* seasonal orders and period (s = 0 when P = D = Q = 0) */
    enum sarimax_trend trend;
    int k_exog; /* exogenous regressors */
};

/* "n", "c", "t", "ct" -> trend; -1 if unknown. */
int sarimax_trend_parse(const char *s, enum sarimax_trend *out);
const char *sarimax_trend_name(enum sarimax_trend t);

/* Checks the orders against the caps in caps.h (LIMIT_FORECAST_*) and
 * against what the model needs: s >= 2 when any seasonal order is set, and
 * s not a multiple of the non-seasonal lags in a way statsmodels refuses
 * (p >= s or q >= s with seasonal terms). -1 with e (ERR_USAGE) naming the
 * offending order. */
int sarimax_spec_check(const struct sarimax_spec *sp, struct err *e);

/* Parameters in statsmodels' order: trend (intercept, drift), exogenous
 * coefficients, ar.L1..Lp, ma.L1..Lq, ar.S.Ls..L(P*s), ma.S.Ls..L(Q*s),
 * sigma2. */
size_t sarimax_nparams(const struct sarimax_spec *sp);
/* Writes the statsmodels name of parameter i ("ar.S.L24", "sigma2", or
 * exog_names[j] for the exogenous ones; "x1", "x2", ... when exog_names is
 * NULL) into out (size n, truncated). -1 if i is out of range. */
int sarimax_param_name(const struct sarimax_spec *sp, const char *const *exog_names, size_t i,
                       char *out, size_t n);
/* State dimension (d + s*D + max(p + s*P, q + s*Q + 1)) and the number of
 * leading log-likelihood terms burned (d + s*D, the diffuse states). */
size_t sarimax_states(const struct sarimax_spec *sp);
size_t sarimax_burn(const struct sarimax_spec *sp);
/* Fewest observations a fit needs: the burn, the state dimension and the
 * lag regressions of the starting values all have to fit in. */
size_t sarimax_min_obs(const struct sarimax_spec *sp);

/* Monahan's (1984) map from R^n onto the coefficients of a stationary
 * polynomial, exactly statsmodels' constrain_stationary_univariate (so the
 * AR coefficients are c, the MA ones -c). Pure. */
void sarimax_constrain_stationary(size_t n, const double *u, double *c);
/* Its inverse; -1 when c is not stationary (a partial autocorrelation is not
 * inside (-1, 1)), u then undefined. */
int sarimax_unconstrain_stationary(size_t n, const double *c, double *u);
/* The whole parameter vector, as statsmodels' transform_params /
 * untransform_params: trend and exog as they are, AR and seasonal AR by
 * the map above, MA and seasonal MA by its negative, sigma2 = u^2. The
 * inverse fails (-1, e set) when an AR part is not stationary or an MA part
 * not invertible. */
void sarimax_transform_params(const struct sarimax_spec *sp, const double *u, double *c);
int sarimax_untransform_params(const struct sarimax_spec *sp, const double *c, double *u,
                               struct err *e);
/* 1 if the AR parts of params are stationary, and 0 if not. */
int sarimax_params_stationary(const struct sarimax_spec *sp, const double *params);

/* Checks that a model of sp can be fitted to n observations: the spec
 * (sarimax_spec_check), at least sarimax_min_obs and at most
 * LIMIT_FORECAST_OBS observations, and the work of one likelihood
 * evaluation (states^2 * n) at most LIMIT_FORECAST_WORK. -1 with e
 * (ERR_USAGE) giving the numbers otherwise. sarimax_new starts with it. */
int sarimax_check_size(const struct sarimax_spec *sp, size_t n, struct err *e);

struct sarimax;

/* Creates a model of y[0..n) with exogenous rows exog[t*k_exog + j]
 * (NULL when k_exog is 0). Both arrays are copied. Fails (ERR_USAGE) on a
 * bad spec, non-finite data, fewer than sarimax_min_obs observations, more
 * than LIMIT_FORECAST_OBS, or too much work per likelihood evaluation
 * (states^2 * n > LIMIT_FORECAST_WORK). On success *out is a heap object
 * freed with sarimax_free. */
int sarimax_new(const struct sarimax_spec *sp, const double *y, const double *exog, size_t n,
                struct sarimax **out, struct err *e);
void sarimax_free(struct sarimax *m); /* NULL is a no-op */
const struct sarimax_spec *sarimax_get_spec(const struct sarimax *m);
size_t sarimax_nobs(const struct sarimax *m);

/* The exact Gaussian log-likelihood at the (constrained) params through the
 * Kalman filter, the same number as statsmodels' SARIMAX(...).loglike(params)
 * with its defaults. Fails (ERR_DATA) when the AR parts are not stationary
 * (the stationary initialisation does not exist), sigma2 <= 0, or the
 * filter breaks down (a forecast variance not positive and finite). */
int sarimax_loglike(struct sarimax *m, const double *params, double *llf, struct err *e);

/* Starting values of the kind statsmodels' start_params computes: the data
 * differenced, exog by least squares, then conditional sum of squares
 * (Hannan-Rissanen: a long AR for residuals, then one regression on lags and
 * lagged residuals) for the non-seasonal and seasonal parts separately, AR
 * or MA parts that come out non-stationary / non-invertible set to zero, and
 * sigma2 from the residuals. Writes sarimax_nparams values. */
int sarimax_start_params(struct sarimax *m, double *params, struct err *e);

/* The BFGS iterations of a fit unless told otherwise. */
#define SARIMAX_DEFAULT_MAXITER 200

struct sarimax_fit_opts {
    int maxiter;         /* BFGS iterations; 0 means SARIMAX_DEFAULT_MAXITER */
    const double *start; /* constrained start values, NULL for sarimax_start_params */
    long maxfev;         /* likelihood evaluations in all; 0 = no limit (see optim.h) */
};

struct sarimax_fit_info {
    double llf, aic, bic; /* at the returned params */
    int converged;        /* a stopping rule was met (see optim.h) */
    int iterations, fevals;
    size_t nobs_effective; /* nobs - burn, used by bic as statsmodels does */
    char message[128];     /* why the optimiser stopped */
};

/* Maximum likelihood: BFGS (optim.h) on the unconstrained parameters of
 * sarimax_untransform_params, each scaled by the size of its start value,
 * minimising -llf/nobs. Writes the constrained estimates to params
 * (sarimax_nparams values) and fills info. A fit that stops without meeting
 * a stopping rule returns 0 with info->converged = 0 and its last
 * log-likelihood; -1 (e set) only when not even the start is usable. */
int sarimax_fit(struct sarimax *m, const struct sarimax_fit_opts *o, double *params,
                struct sarimax_fit_info *info, struct err *e);

/* Dynamic forecasts of the h hours after the data: the filter runs over the
 * data at params, then the state is projected h steps without updates, as
 * statsmodels' get_forecast(h). exog_future holds h rows of k_exog values
 * (NULL when k_exog is 0; required otherwise). Writes the mean and the
 * forecast-error variance (h values each). */
int sarimax_forecast(struct sarimax *m, const double *params, size_t h, const double *exog_future,
                     double *mean, double *var, struct err *e);

/* The standard normal quantile function (Acklam's approximation refined by
 * one Halley step on erfc, to full double precision); p in (0, 1). The
 * interval at level alpha is mean -/+ sarimax_norm_ppf(1 - alpha/2)*sqrt(var),
 * as statsmodels' conf_int(alpha). */
double sarimax_norm_ppf(double p);

#endif
