/* Tests for analysis/lof: a case computed by hand, the documented tie rule
 * on a case where it decides the score, duplicates beyond k, invariance to
 * the input order, the k-d tree against a brute-force LOF written here (same
 * definitions, same tie rule), one variable against the same data as two
 * columns, the percentile threshold and refusals. The match with
 * scikit-learn on real data is tests/integration/test_analysis.py. */
#include "analysis/lof.h"
#include "check.h"

static void by_hand(void)
{
    /* k = 2. Neighbours (smaller value first on ties): 0:{1,2} 1:{0,2}
     * 2:{1,3} 3:{2,1} 10:{3,2}; k-distances 2 1 1 2 8. Mean reach
     * distances 1.5 for 0..3 and (7 + 8) / 2 for 10, so lrd 1/1.5 and
     * 1/7.5: LOF 1 for 0..3 and (1/1.5) / (1/7.5) = 5 for 10. */
    double x[5] = {3, 0, 10, 1, 2}; /* any order */
    struct lof_params p = {2, 0.2};
    struct lof_result r;
    struct err e = {0};
    CHECK_OK(lof_compute(x, 5, 1, &p, &r, &e), &e);
    CHECK_INT(r.k, 2);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(r.score[i], x[i] == 10 ? -5.0 : -1.0, 1e-9);
    /* numpy.percentile([-5,-1,-1,-1,-1], 20): position 0.8 between -5 and
     * -1, -1 - 4 * 0.2 = -1.8. Only the point at 10 is below. */
    CHECK_NEAR(r.offset, -1.8, 1e-9); /* 1e-10 in lrd moves it by 5e-11 */
    CHECK_INT(r.count, 1);
    CHECK(r.anomaly[2] && !r.anomaly[0] && !r.anomaly[1]);
    lof_result_release(&r);
}

static void tie_rule(void)
{
    /* k = 1: 2 has 1 and 3 at distance 1. The smaller value wins, so its
     * neighbour is 1 (lrd 1: its own neighbour 0 is 1 away), not 3 (lrd
     * 2: its neighbour 3.5 is 0.5 away). lrd(2) = 1, so LOF(2) = 1. */
    double x[5] = {0, 1, 2, 3, 3.5};
    struct lof_params p = {1, 0.1};
    struct lof_result r;
    struct err e = {0};
    CHECK_OK(lof_compute(x, 5, 1, &p, &r, &e), &e);
    CHECK_NEAR(r.score[2], -1.0, 1e-9);
    lof_result_release(&r);
    /* The same as rows of two columns (second constant): the same rule
     * through the k-d tree (lexicographically smaller row first). */
    {
        double xy[10];
        for (int i = 0; i < 5; i++) {
            xy[2 * i] = x[i];
            xy[2 * i + 1] = 7.0;
        }
        CHECK_OK(lof_compute(xy, 5, 2, &p, &r, &e), &e);
        CHECK_NEAR(r.score[2], -1.0, 1e-9);
        lof_result_release(&r);
    }
}

static void duplicates(void)
{
    /* More copies than k: every distance is 0, lrd 1 / 1e-10, LOF 1. */
    double x[30];
    struct lof_params p = {5, 0.0}; /* auto: offset -1.5 */
    struct lof_result r;
    struct err e = {0};
    for (int i = 0; i < 30; i++)
        x[i] = i < 25 ? 4.0 : 100.0 + i;
    CHECK_OK(lof_compute(x, 30, 1, &p, &r, &e), &e);
    CHECK_NEAR(r.offset, -1.5, 0);
    for (int i = 0; i < 25; i++)
        CHECK_NEAR(r.score[i], -1.0, 1e-12);
    for (int i = 25; i < 30; i++)
        CHECK(r.anomaly[i]); /* far from the pile of copies */
    lof_result_release(&r);
}

/* A brute-force LOF with the documented definitions and tie rule, on
 * rows of d columns. */
static int row_less(const double *x, int d, double da, int a, double db, int b)
{
    if (da != db)
        return da < db;
    for (int j = 0; j < d; j++)
        if (x[a * d + j] != x[b * d + j])
            return x[a * d + j] < x[b * d + j];
    return a < b;
}

static void brute_lof(const double *x, int n, int d, int k, double *score)
{
    int *nb = malloc((size_t)(n * k) * sizeof *nb);
    double *dist = malloc((size_t)(n * k) * sizeof *dist), *lrd = malloc((size_t)n * sizeof *lrd);
    for (int i = 0; i < n; i++) {
        /* Selection of the k smallest by (distance, row, index). */
        char *used = calloc((size_t)n, 1);
        for (int j = 0; j < k; j++) {
            int best = -1;
            double bd = 0;
            for (int o = 0; o < n; o++) {
                double s = 0, dd;
                if (o == i || used[o])
                    continue;
                for (int c = 0; c < d; c++)
                    s += (x[i * d + c] - x[o * d + c]) * (x[i * d + c] - x[o * d + c]);
                dd = sqrt(s);
                if (best < 0 || row_less(x, d, dd, o, bd, best)) {
                    best = o;
                    bd = dd;
                }
            }
            used[best] = 1;
            nb[i * k + j] = best;
            dist[i * k + j] = bd;
        }
        free(used);
    }
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            double kd = dist[nb[i * k + j] * k + k - 1];
            s += dist[i * k + j] > kd ? dist[i * k + j] : kd;
        }
        lrd[i] = 1.0 / (s / k + 1e-10);
    }
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < k; j++)
            s += lrd[nb[i * k + j]] / lrd[i];
        score[i] = -s / k;
    }
    free(nb);
    free(dist);
    free(lrd);
}

static void tree_against_brute_force(void)
{
    enum { n = 600, d = 3 };
    double *x = malloc(n * d * sizeof *x), want[n];
    unsigned s = 7;
    struct lof_params p = {12, 0.05};
    struct lof_result r;
    struct err e = {0};
    double worst = 0;

    /* Clustered points on a coarse grid, so ties are common. */
    for (int i = 0; i < n * d; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 16) % 40) / 4.0 + (i % d == 0 && i / d > n / 2 ? 20.0 : 0.0);
    }
    brute_lof(x, n, d, p.neighbors, want);
    CHECK_OK(lof_compute(x, n, d, &p, &r, &e), &e);
    for (int i = 0; i < n; i++)
        if (fabs(r.score[i] - want[i]) > worst)
            worst = fabs(r.score[i] - want[i]);
    printf("  k-d tree vs brute force: largest score difference %.3g\n", worst);
    CHECK(worst <= 1e-9);
    lof_result_release(&r);
    free(x);
}

static void sorted_runs_against_brute_force(void)
{
    enum { n = 500 };
    double x[n], want[n], worst = 0;
    unsigned s = 3;
    struct lof_params p = {20, 0.01};
    struct lof_result r;
    struct err e = {0};
    for (int i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 16) % 200) / 8.0; /* many equal values and equal gaps */
    }
    brute_lof(x, n, 1, p.neighbors, want);
    CHECK_OK(lof_compute(x, n, 1, &p, &r, &e), &e);
    for (int i = 0; i < n; i++)
        if (fabs(r.score[i] - want[i]) > worst)
            worst = fabs(r.score[i] - want[i]);
    printf("  sorted runs vs brute force: largest score difference %.3g\n", worst);
    CHECK(worst <= 1e-9);
    lof_result_release(&r);
}

/* Scores belong to values, not positions: reversing the input reverses the
 * scores exactly, ties included. */
static void order_invariant(void)
{
    enum { n = 300 };
    double x[n], y[n];
    struct lof_params p = {10, 0.02};
    struct lof_result a, b;
    struct err e = {0};
    for (int i = 0; i < n; i++) {
        x[i] = (double)((i * 37) % 50);
        y[n - 1 - i] = x[i];
    }
    CHECK_OK(lof_compute(x, n, 1, &p, &a, &e), &e);
    CHECK_OK(lof_compute(y, n, 1, &p, &b, &e), &e);
    for (int i = 0; i < n; i++)
        CHECK(a.score[i] == b.score[n - 1 - i]);
    lof_result_release(&a);
    lof_result_release(&b);
}

static void few_points(void)
{
    /* neighbors above n - 1 is cut to n - 1, as scikit-learn does. */
    double x[3] = {1, 2, 4};
    struct lof_params p = {20, 0.5};
    struct lof_result r;
    struct err e = {0};
    CHECK_OK(lof_compute(x, 3, 1, &p, &r, &e), &e);
    CHECK_INT(r.k, 2);
    lof_result_release(&r);
    CHECK(lof_compute(x, 1, 1, &p, &r, &e) < 0); /* one point has no neighbour */
    x[1] = NAN;
    CHECK(lof_compute(x, 3, 1, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "point 1") != NULL);
    x[1] = 2;
    p.contamination = 0.6;
    CHECK(lof_compute(x, 3, 1, &p, &r, &e) < 0);
    CHECK(r.score == NULL);
}

CHECK_MAIN({"/lof/by_hand", by_hand}, {"/lof/tie_rule", tie_rule}, {"/lof/duplicates", duplicates},
           {"/lof/tree_against_brute_force", tree_against_brute_force},
           {"/lof/sorted_runs_against_brute_force", sorted_runs_against_brute_force},
           {"/lof/order_invariant", order_invariant}, {"/lof/few_points", few_points})
