/* Tests for analysis/spc on analytic cases: the orthonormal DCT's basis
 * vectors are kept or removed whole, a spike on a slow cycle is the one
 * outlier, the bounds are the stated formula, a constant series flags
 * nothing, and bad input is refused. The match with scipy + numpy on real
 * data is tests/integration/test_analysis.py. */
#include "analysis/spc.h"
#include "check.h"

#define PI 3.14159265358979323846

/* The k-th orthonormal DCT-II basis vector of length n (what
 * scipy.fft.idct of a unit coefficient k gives). */
static double basis(int k, int i, int n)
{
    double s = k == 0 ? sqrt(1.0 / n) : sqrt(2.0 / n);
    return s * cos(PI * k * (2 * i + 1) / (2.0 * n));
}

static void basis_vectors(void)
{
    enum { n = 500 };
    double x[n];
    struct spc_params p = {30, 3.0};
    struct spc_result r;
    struct err e = {0};

    /* Above the cutoff: passes unchanged. Below: removed. */
    for (int i = 0; i < n; i++)
        x[i] = 5.0 * basis(40, i, n) + 2.0 * basis(3, i, n);
    CHECK_OK(spc_compute(x, n, &p, &r, &e), &e);
    for (int i = 0; i < n; i++)
        CHECK_NEAR(r.satv[i], 5.0 * basis(40, i, n), 1e-12);
    spc_result_release(&r);
    /* cutoff 0 keeps everything: SATV is the series. */
    p.cutoff = 0;
    CHECK_OK(spc_compute(x, n, &p, &r, &e), &e);
    for (int i = 0; i < n; i++)
        CHECK_NEAR(r.satv[i], x[i], 1e-12);
    spc_result_release(&r);
}

/* A slow cycle plus small deterministic noise plus one spike: the cycle
 * goes into the bounds, the spike is the only outlier and the largest
 * deviation. */
static void spike(void)
{
    enum { n = 2000, at = 777 };
    double x[n];
    unsigned s = 99;
    struct spc_params p = {30, 3.0};
    struct spc_result r;
    struct err e = {0};

    for (int i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = 10.0 + 8.0 * sin(2 * PI * i / n) + ((double)(s >> 16 & 0x7fff) / 32767.0 - 0.5);
    }
    x[at] += 12.0;
    CHECK_OK(spc_compute(x, n, &p, &r, &e), &e);
    CHECK_INT(r.count, 1);
    CHECK(r.outlier[at]);
    CHECK_INT(r.nlargest, 1);
    CHECK_INT(r.largest[0], at);
    /* Uniform noise on [-0.5, 0.5]: MAD 0.25, sigma about 0.37. */
    printf("  median %.3g sigma %.3g\n", r.median, r.sigma);
    CHECK(r.sigma > 0.3 && r.sigma < 0.45);
    for (int i = 0; i < n; i++) {
        double base = (x[i] - r.satv[i]) + r.median;
        CHECK_NEAR(r.lower[i], base - 3.0 * r.sigma, 1e-12);
        CHECK_NEAR(r.upper[i], base + 3.0 * r.sigma, 1e-12);
        CHECK_INT(r.outlier[i], x[i] < r.lower[i] || x[i] > r.upper[i]);
    }
    spc_result_release(&r);
    /* A narrower band flags more, a wider one none. */
    p.k = 1.0;
    CHECK_OK(spc_compute(x, n, &p, &r, &e), &e);
    CHECK(r.count > 100);
    CHECK_INT(r.nlargest, SPC_LARGEST);
    CHECK_INT(r.largest[0], at);
    for (int i = 1; i < SPC_LARGEST; i++)
        CHECK(fabs(r.satv[r.largest[i - 1]] - r.median) >= fabs(r.satv[r.largest[i]] - r.median));
    spc_result_release(&r);
    p.k = 50.0;
    CHECK_OK(spc_compute(x, n, &p, &r, &e), &e);
    CHECK_INT(r.count, 0);
    spc_result_release(&r);
}

static void constant(void)
{
    double x[300];
    struct spc_params p = {30, 3.0};
    struct spc_result r;
    struct err e = {0};
    for (int i = 0; i < 300; i++)
        x[i] = -4.25;
    CHECK_OK(spc_compute(x, 300, &p, &r, &e), &e);
    CHECK_INT(r.count, 0);
    for (int i = 0; i < 300; i++) {
        CHECK_NEAR(r.satv[i], 0.0, 1e-12);
        CHECK(r.lower[i] <= x[i] + 1e-9 && r.upper[i] >= x[i] - 1e-9);
    }
    spc_result_release(&r);
}

static void rejects(void)
{
    double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct spc_params p = {10, 3.0};
    struct spc_result r;
    struct err e = {0};
    CHECK(spc_compute(x, 10, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "cutoff must be from 0 to 9") != NULL);
    CHECK(r.satv == NULL);
    p.cutoff = 2;
    p.k = 0;
    CHECK(spc_compute(x, 10, &p, &r, &e) < 0);
    p.k = 3;
    CHECK(spc_compute(x, 1, &p, &r, &e) < 0); /* too short */
    x[4] = INFINITY;
    CHECK(spc_compute(x, 10, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "sample 4") != NULL);
}

CHECK_MAIN({"/spc/basis_vectors", basis_vectors}, {"/spc/spike", spike},
           {"/spc/constant", constant}, {"/spc/rejects", rejects})
