/* Unit tests of forecast/sarimax: the likelihood on cases computed by hand
 * (AR(1) factorised into conditionals, white noise, a random walk and a
 * seasonal random walk behind the burned diffuse states, ARMA and seasonal
 * MA through the exact Toeplitz covariance, a trend's stationary mean,
 * regression with AR errors), forecasts of an AR(1), the parameter
 * transforms, the normal quantile, parameter names, bad orders, and a fit
 * that is stopped before it converges. */
#include "check.h"

#include "forecast/sarimax.h"

#include <math.h>

static const double y8[] = {0.3, -1.2, 0.8, 2.1, 1.4, -0.5, 0.2, 1.1};

static double lnorm(double x, double mean, double var)
{
    return -0.5 * (log(2 * M_PI) + log(var) + (x - mean) * (x - mean) / var);
}

/* log N(y; 0, S) for an n x n covariance by Cholesky (n <= 16). */
static double lmvn(const double *y, const double *S, int n)
{
    double L[16 * 16] = {0}, z[16], ll = -0.5 * n * log(2 * M_PI);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = S[i * n + j];
            for (int k = 0; k < j; k++)
                s -= L[i * 16 + k] * L[j * 16 + k];
            L[i * 16 + j] = i == j ? sqrt(s) : s / L[j * 16 + j];
        }
    for (int i = 0; i < n; i++) {
        double s = y[i];
        for (int k = 0; k < i; k++)
            s -= L[i * 16 + k] * z[k];
        z[i] = s / L[i * 16 + i];
        ll -= log(L[i * 16 + i]) + 0.5 * z[i] * z[i];
    }
    return ll;
}

/* llf of the model at params on y[0..n). */
static double llf_of(struct sarimax_spec sp, const double *y, const double *x, size_t n,
                     const double *params)
{
    struct sarimax *m = NULL;
    struct err e = {0};
    double llf = NAN;
    CHECK_OK(sarimax_new(&sp, y, x, n, &m, &e), &e);
    if (sarimax_loglike(m, params, &llf, &e) != 0) {
        sarimax_free(m);
        CHECK_FAIL_("loglike failed: %s", e.msg);
    }
    sarimax_free(m);
    return llf;
}

static void test_ar1(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    double phi = 0.5, s2 = 2.0, prm[] = {phi, s2}, want = lnorm(y8[0], 0, s2 / (1 - phi * phi));
    for (int t = 1; t < 4; t++)
        want += lnorm(y8[t], phi * y8[t - 1], s2);
    CHECK_NEAR(llf_of(sp, y8, NULL, 4, prm), want, 1e-12);
}

static void test_white_noise(void)
{
    struct sarimax_spec sp = {0, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    double prm[] = {1.7}, want = 0;
    for (int t = 0; t < 8; t++)
        want += lnorm(y8[t], 0, 1.7);
    CHECK_NEAR(llf_of(sp, y8, NULL, 8, prm), want, 1e-12);
}

/* ARIMA(0,1,0): after the first observation pins the level down, y_t given
 * the past is N(y_t-1, sigma2) exactly; the first term is burned. */
static void test_random_walk(void)
{
    struct sarimax_spec sp = {0, 1, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    double prm[] = {0.8}, want = 0;
    CHECK_INT(sarimax_burn(&sp), 1);
    for (int t = 1; t < 8; t++)
        want += lnorm(y8[t], y8[t - 1], 0.8);
    CHECK_NEAR(llf_of(sp, y8, NULL, 8, prm), want, 1e-9);
}

/* (0,0,0)(0,1,0,4): the same with a seasonal difference; 4 terms burned. */
static void test_seasonal_random_walk(void)
{
    struct sarimax_spec sp = {0, 0, 0, 0, 1, 0, 4, SARIMAX_TREND_N, 0};
    double y[12], prm[] = {0.6}, want = 0;
    for (int t = 0; t < 12; t++)
        y[t] = sin(t * 1.3) + 0.1 * t;
    CHECK_INT(sarimax_burn(&sp), 4);
    CHECK_INT(sarimax_states(&sp), 5);
    for (int t = 4; t < 12; t++)
        want += lnorm(y[t], y[t - 4], 0.6);
    CHECK_NEAR(llf_of(sp, y, NULL, 12, prm), want, 1e-8);
}

static void test_arma11_exact(void)
{
    struct sarimax_spec sp = {1, 0, 1, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    double phi = 0.6, th = -0.3, s2 = 1.5, prm[] = {phi, th, s2}, S[64], g[8];
    g[0] = s2 * (1 + 2 * phi * th + th * th) / (1 - phi * phi);
    g[1] = s2 * (1 + phi * th) * (phi + th) / (1 - phi * phi);
    for (int k = 2; k < 8; k++)
        g[k] = phi * g[k - 1];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            S[i * 8 + j] = g[abs(i - j)];
    CHECK_NEAR(llf_of(sp, y8, NULL, 8, prm), lmvn(y8, S, 8), 1e-11);
}

/* Seasonal AR(1) at lag 4: four independent stationary starts, then
 * conditionals on the value one season back. */
static void test_seasonal_ar(void)
{
    struct sarimax_spec sp = {0, 0, 0, 1, 0, 0, 4, SARIMAX_TREND_N, 0};
    double y[12], Phi = -0.7, s2 = 0.9, prm[] = {Phi, s2}, want = 0;
    for (int t = 0; t < 12; t++)
        y[t] = cos(t * 0.7) * (1 + 0.05 * t);
    for (int t = 0; t < 12; t++)
        want += t < 4 ? lnorm(y[t], 0, s2 / (1 - Phi * Phi)) : lnorm(y[t], Phi * y[t - 4], s2);
    CHECK_NEAR(llf_of(sp, y, NULL, 12, prm), want, 1e-11);
}

/* Seasonal MA(1) at lag 2: gamma(0) = s2 (1 + T^2), gamma(2) = s2 T. */
static void test_seasonal_ma_exact(void)
{
    struct sarimax_spec sp = {0, 0, 0, 0, 0, 1, 2, SARIMAX_TREND_N, 0};
    double T = 0.45, s2 = 1.2, prm[] = {T, s2}, S[144] = {0}, y[12];
    for (int i = 0; i < 12; i++) {
        y[i] = y8[i % 8] + 0.3 * i;
        S[i * 12 + i] = s2 * (1 + T * T);
        if (i + 2 < 12)
            S[i * 12 + i + 2] = S[(i + 2) * 12 + i] = s2 * T;
    }
    CHECK_NEAR(llf_of(sp, y, NULL, 12, prm), lmvn(y, S, 12), 1e-11);
}

/* A constant in the state equation of an AR(1): stationary mean c/(1-phi)
 * at the start, then y_t | y_t-1 ~ N(c + phi y_t-1, sigma2). */
static void test_trend_mean(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_C, 0};
    double c = 0.4, phi = 0.3, s2 = 1.1, prm[] = {c, phi, s2};
    double want = lnorm(y8[0], c / (1 - phi), s2 / (1 - phi * phi));
    for (int t = 1; t < 8; t++)
        want += lnorm(y8[t], c + phi * y8[t - 1], s2);
    CHECK_NEAR(llf_of(sp, y8, NULL, 8, prm), want, 1e-12);
}

/* 'ct': the state intercept at t is c + drift (t + 1). */
static void test_trend_ct(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_CT, 0};
    double c = 0.2, dr = 0.05, phi = 0.3, s2 = 1.1, prm[] = {c, dr, phi, s2};
    double want = lnorm(y8[0], (c + dr) / (1 - phi), s2 / (1 - phi * phi));
    for (int t = 1; t < 8; t++)
        want += lnorm(y8[t], c + dr * t + phi * y8[t - 1], s2);
    CHECK_NEAR(llf_of(sp, y8, NULL, 8, prm), want, 1e-12);
}

/* Regression with AR(1) errors: the AR(1) likelihood of y - x beta. */
static void test_exog(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 2};
    double x[16], u[8], b0 = 1.5, b1 = -0.25, phi = -0.4, s2 = 0.7;
    double prm[] = {b0, b1, phi, s2}, want;
    for (int t = 0; t < 8; t++) {
        x[2 * t] = 1 + 0.1 * t;
        x[2 * t + 1] = t % 3;
        u[t] = y8[t] - b0 * x[2 * t] - b1 * x[2 * t + 1];
    }
    want = lnorm(u[0], 0, s2 / (1 - phi * phi));
    for (int t = 1; t < 8; t++)
        want += lnorm(u[t], phi * u[t - 1], s2);
    CHECK_NEAR(llf_of(sp, y8, x, 8, prm), want, 1e-12);
}

/* AR(1) forecasts: mean phi^h y_n, variance s2 (1 + phi^2 + ... ). */
static void test_forecast_ar1(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct sarimax *m = NULL;
    struct err e = {0};
    double phi = 0.8, s2 = 0.5, prm[] = {phi, s2}, mean[5], var[5], pw = 1, vs = 0;
    CHECK_OK(sarimax_new(&sp, y8, NULL, 8, &m, &e), &e);
    CHECK_OK(sarimax_forecast(m, prm, 5, NULL, mean, var, &e), &e);
    for (int h = 0; h < 5; h++) {
        vs += s2 * pw * pw;
        pw *= phi;
        CHECK_NEAR(mean[h], pw * y8[7], 1e-12);
        CHECK_NEAR(var[h], vs, 1e-12);
    }
    sarimax_free(m);
}

static void test_forecast_needs_exog(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 1};
    struct sarimax *m = NULL;
    struct err e = {0};
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, prm[] = {0.1, 0.2, 1}, mean[2], var[2];
    CHECK_OK(sarimax_new(&sp, y8, x, 8, &m, &e), &e);
    CHECK(sarimax_forecast(m, prm, 2, NULL, mean, var, &e) == -1);
    CHECK(strstr(e.msg, "exogenous") != NULL);
    sarimax_free(m);
}

static void test_transform_values(void)
{
    double u1[] = {1.0}, c1[1], u2[] = {0.5, -0.3}, c2[2], r1 = 0.5 / sqrt(1.25),
           r2 = -0.3 / sqrt(1.09);
    sarimax_constrain_stationary(1, u1, c1);
    CHECK_NEAR(c1[0], -1 / sqrt(2.0), 1e-15);
    /* Durbin-Levinson by hand: y2 = (r1 + r2 r1, r2), result -y2. */
    sarimax_constrain_stationary(2, u2, c2);
    CHECK_NEAR(c2[0], -(r1 + r2 * r1), 1e-15);
    CHECK_NEAR(c2[1], -r2, 1e-15);
}

static void test_transform_round_trip(void)
{
    struct sarimax_spec sp = {3, 1, 2, 2, 1, 1, 24, SARIMAX_TREND_CT, 2};
    double u[16], c[16], back[16];
    struct err e = {0};
    size_t np = sarimax_nparams(&sp);
    CHECK_INT(np, 2 + 2 + 3 + 2 + 2 + 1 + 1);
    for (size_t i = 0; i < np; i++)
        u[i] = sin(3.7 * (double)i + 1) * 2.5;
    sarimax_transform_params(&sp, u, c);
    CHECK(sarimax_params_stationary(&sp, c));
    CHECK_OK(sarimax_untransform_params(&sp, c, back, &e), &e);
    for (size_t i = 0; i + 1 < np; i++)
        CHECK_NEAR(back[i], u[i], 1e-9 * fmax(1, fabs(u[i])));
    CHECK_NEAR(back[np - 1], fabs(u[np - 1]), 1e-12);
    /* A stationary polynomial outside the map's image does not exist: any
     * coefficient vector with |partial autocorrelation| >= 1 is refused. */
    {
        double bad[] = {1.2}, ub[1];
        CHECK_INT(sarimax_unconstrain_stationary(1, bad, ub), -1);
    }
}

static void test_nonstationary_refused(void)
{
    struct sarimax_spec sp = {1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct sarimax *m = NULL;
    struct err e = {0};
    double prm[] = {1.2, 1.0}, llf;
    CHECK_OK(sarimax_new(&sp, y8, NULL, 8, &m, &e), &e);
    CHECK_INT(sarimax_loglike(m, prm, &llf, &e), -1);
    CHECK(strstr(e.msg, "stationary") != NULL);
    prm[0] = 0.5;
    prm[1] = 0;
    CHECK_INT(sarimax_loglike(m, prm, &llf, &e), -1);
    CHECK(strstr(e.msg, "sigma2") != NULL);
    sarimax_free(m);
}

static void test_norm_ppf(void)
{
    CHECK_NEAR(sarimax_norm_ppf(0.975), 1.959963984540054, 1e-14);
    CHECK_NEAR(sarimax_norm_ppf(0.5), 0, 1e-15);
    CHECK_NEAR(sarimax_norm_ppf(0.001), -3.090232306167813, 1e-13);
    CHECK_NEAR(sarimax_norm_ppf(0.95), 1.6448536269514722, 1e-14);
    CHECK_NEAR(sarimax_norm_ppf(1e-10), -6.361340902404056, 1e-12);
    /* Symmetry, including the two tails (the branch points are 0.02425). */
    for (double p = 0.001; p < 0.5; p += 0.0123)
        CHECK_NEAR(sarimax_norm_ppf(p), -sarimax_norm_ppf(1 - p), 1e-13);
}

static void test_names(void)
{
    struct sarimax_spec sp = {2, 1, 1, 1, 1, 1, 24, SARIMAX_TREND_CT, 1};
    const char *ex[] = {"weather:NO1:temp"};
    const char *want[] = {"intercept", "drift",    "weather:NO1:temp", "ar.L1", "ar.L2",
                          "ma.L1",     "ar.S.L24", "ma.S.L24",         "sigma2"};
    char name[64];
    CHECK_INT(sarimax_nparams(&sp), 9);
    for (size_t i = 0; i < 9; i++) {
        CHECK_OK(sarimax_param_name(&sp, ex, i, name, sizeof name), &(struct err){0});
        CHECK_STR(name, want[i]);
    }
    CHECK_INT(sarimax_param_name(&sp, ex, 9, name, sizeof name), -1);
    sp.trend = SARIMAX_TREND_T;
    CHECK_OK(sarimax_param_name(&sp, NULL, 0, name, sizeof name), &(struct err){0});
    CHECK_STR(name, "drift");
    CHECK_OK(sarimax_param_name(&sp, NULL, 1, name, sizeof name), &(struct err){0});
    CHECK_STR(name, "x1");
}

static void test_bad_orders(void)
{
    struct {
        struct sarimax_spec sp;
        const char *needle;
    } cases[] = {
        {{6, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0}, "p = 6"},
        {{-1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0}, "p = -1"},
        {{1, 3, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0}, "d = 3"},
        {{1, 0, 0, 1, 0, 0, 0, SARIMAX_TREND_N, 0}, "seasonal period"},
        {{1, 0, 0, 1, 0, 0, 1, SARIMAX_TREND_N, 0}, "seasonal period"},
        {{1, 0, 0, 0, 0, 0, 169, SARIMAX_TREND_N, 0}, "s = 169"},
        {{4, 0, 0, 1, 0, 0, 4, SARIMAX_TREND_N, 0}, "both seasonal"},
        {{0, 0, 2, 0, 0, 1, 2, SARIMAX_TREND_N, 0}, "both seasonal"},
        {{1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 9}, "exogenous"},
        {{5, 2, 5, 2, 1, 2, 168, SARIMAX_TREND_N, 0}, "states"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = {0};
        CHECK_INT(sarimax_spec_check(&cases[i].sp, &e), -1);
        if (!strstr(e.msg, cases[i].needle))
            CHECK_FAIL_("case %zu: \"%s\" does not mention \"%s\"", i, e.msg, cases[i].needle);
    }
    {
        /* Too few observations for the model, and a non-finite one. */
        struct sarimax_spec sp = {1, 0, 1, 1, 1, 1, 24, SARIMAX_TREND_N, 0};
        struct sarimax *m = NULL;
        struct err e = {0};
        double y[8] = {1, 2, 3, 4, 5, 6, 7, NAN};
        CHECK_INT(sarimax_new(&sp, y, NULL, 8, &m, &e), -1);
        CHECK(strstr(e.msg, "too few") != NULL);
        CHECK(m == NULL);
        sp = (struct sarimax_spec){1, 0, 0, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
        CHECK_INT(sarimax_new(&sp, y, NULL, 8, &m, &e), -1);
        CHECK(strstr(e.msg, "not a finite") != NULL);
    }
}

/* A long AR(1) series from a fixed recursion (a hash, not a random
 * generator, so the test is the same everywhere). */
static void ar1_series(double *y, size_t n, double phi)
{
    double v = 0;
    unsigned long s = 12345;
    for (size_t t = 0; t < n; t++) {
        double e = 0;
        for (int k = 0; k < 12; k++) {
            s = s * 6364136223846793005ul + 1442695040888963407ul;
            e += (double)(s >> 11) / 9007199254740992.0;
        }
        v = phi * v + (e - 6);
        y[t] = v;
    }
}

static void test_fit_stopped_early(void)
{
    struct sarimax_spec sp = {1, 0, 1, 0, 0, 0, 0, SARIMAX_TREND_N, 0};
    struct sarimax_fit_opts o = {1, NULL, 0};
    struct sarimax_fit_info info;
    struct sarimax *m = NULL;
    struct err e = {0};
    double y[400], prm[3], full[3], llf0;
    ar1_series(y, 400, 0.7);
    CHECK_OK(sarimax_new(&sp, y, NULL, 400, &m, &e), &e);
    CHECK_OK(sarimax_start_params(m, prm, &e), &e);
    CHECK_OK(sarimax_loglike(m, prm, &llf0, &e), &e);
    CHECK_OK(sarimax_fit(m, &o, prm, &info, &e), &e);
    CHECK_INT(info.converged, 0);
    CHECK_INT(info.iterations, 1);
    CHECK(strstr(info.message, "iteration limit") != NULL);
    CHECK(isfinite(info.llf) && info.llf >= llf0);
    /* Left to run, the same fit converges to a higher likelihood, and the
     * AR coefficient lands near the 0.7 the series was built with. */
    o.maxiter = 0;
    CHECK_OK(sarimax_fit(m, &o, full, &info, &e), &e);
    CHECK_INT(info.converged, 1);
    CHECK(fabs(full[0] - 0.7) < 0.1);
    CHECK_NEAR(info.aic, -2 * info.llf + 6, 1e-9);
    CHECK_NEAR(info.bic, -2 * info.llf + 3 * log(400.0), 1e-9);
    sarimax_free(m);
}

CHECK_MAIN({"/forecast/sarimax/ar1", test_ar1}, {"/forecast/sarimax/white_noise", test_white_noise},
           {"/forecast/sarimax/random_walk", test_random_walk},
           {"/forecast/sarimax/seasonal_random_walk", test_seasonal_random_walk},
           {"/forecast/sarimax/arma11_exact", test_arma11_exact},
           {"/forecast/sarimax/seasonal_ar", test_seasonal_ar},
           {"/forecast/sarimax/seasonal_ma_exact", test_seasonal_ma_exact},
           {"/forecast/sarimax/trend_mean", test_trend_mean},
           {"/forecast/sarimax/trend_ct", test_trend_ct}, {"/forecast/sarimax/exog", test_exog},
           {"/forecast/sarimax/forecast_ar1", test_forecast_ar1},
           {"/forecast/sarimax/forecast_needs_exog", test_forecast_needs_exog},
           {"/forecast/sarimax/transform_values", test_transform_values},
           {"/forecast/sarimax/transform_round_trip", test_transform_round_trip},
           {"/forecast/sarimax/nonstationary_refused", test_nonstationary_refused},
           {"/forecast/sarimax/norm_ppf", test_norm_ppf}, {"/forecast/sarimax/names", test_names},
           {"/forecast/sarimax/bad_orders", test_bad_orders},
           {"/forecast/sarimax/fit_stopped_early", test_fit_stopped_early})
