/* Unit tests of forecast/optim: BFGS on functions whose minimum is known
 * (a convex quadratic, Rosenbrock's valley), a domain that refuses part of
 * the line, a start outside the domain, and the iteration limit. */
#include "check.h"

#include "forecast/optim.h"

#include <math.h>

static int quad(const double *x, double *f, void *ctx)
{
    (void)ctx;
    /* minimum 0.5 at (1, -2, 3) */
    *f = 0.5 + 2 * (x[0] - 1) * (x[0] - 1) + 0.5 * (x[1] + 2) * (x[1] + 2) +
         10 * (x[2] - 3) * (x[2] - 3) + (x[0] - 1) * (x[1] + 2);
    return 0;
}

static int rosen(const double *x, double *f, void *ctx)
{
    int *calls = ctx;
    (*calls)++;
    *f = 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1 - x[0]) * (1 - x[0]);
    return 0;
}

/* (x - 2)^2 defined only for x < 2.5: a full step from far away fails. */
static int walled(const double *x, double *f, void *ctx)
{
    (void)ctx;
    if (x[0] >= 2.5)
        return -1;
    *f = (x[0] - 2) * (x[0] - 2);
    return 0;
}

static void test_quadratic(void)
{
    double x[3] = {0, 0, 0};
    struct optim_opts o = {100, 1e-8, 0, 0};
    struct optim_result r;
    CHECK_INT(optim_bfgs(3, x, quad, NULL, &o, &r), 0);
    CHECK_INT(r.converged, 1);
    CHECK_NEAR(x[0], 1, 1e-5);
    CHECK_NEAR(x[1], -2, 1e-5);
    CHECK_NEAR(x[2], 3, 1e-5);
    CHECK_NEAR(r.f, 0.5, 1e-10);
}

static void test_rosenbrock(void)
{
    double x[2] = {-1.2, 1};
    int calls = 0;
    struct optim_opts o = {500, 1e-6, 0, 0};
    struct optim_result r;
    CHECK_INT(optim_bfgs(2, x, rosen, &calls, &o, &r), 0);
    CHECK_INT(r.converged, 1);
    CHECK_NEAR(x[0], 1, 1e-4);
    CHECK_NEAR(x[1], 1, 1e-4);
    CHECK_INT(r.fevals, calls);
}

static void test_domain(void)
{
    double x[1] = {-40};
    struct optim_opts o = {100, 1e-7, 0, 0};
    struct optim_result r;
    CHECK_INT(optim_bfgs(1, x, walled, NULL, &o, &r), 0);
    CHECK_INT(r.converged, 1);
    CHECK_NEAR(x[0], 2, 1e-5);
    x[0] = 3;
    CHECK_INT(optim_bfgs(1, x, walled, NULL, &o, &r), -1);
    CHECK(strstr(r.reason, "starting point") != NULL);
}

static void test_iteration_limit(void)
{
    double x[2] = {-1.2, 1};
    int calls = 0;
    struct optim_opts o = {3, 1e-10, 0, 0};
    struct optim_result r;
    CHECK_INT(optim_bfgs(2, x, rosen, &calls, &o, &r), 0);
    CHECK_INT(r.converged, 0);
    CHECK_INT(r.iterations, 3);
    CHECK(strstr(r.reason, "iteration limit") != NULL);
    CHECK(r.f < 24.2); /* f(-1.2, 1) = 24.2: it did descend */
}

/* An evaluation limit is a hard bound: fn is called at most maxfev times,
 * and the point returned is one whose value was computed (Rosenbrock's
 * value there equals r.f). */
static void test_evaluation_limit(void)
{
    static const long limits[] = {1, 2, 5, 17, 40};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        double x[2] = {-1.2, 1}, f;
        int calls = 0, dummy = 0;
        struct optim_opts o = {500, 1e-10, 0, limits[i]};
        struct optim_result r;
        CHECK_INT(optim_bfgs(2, x, rosen, &calls, &o, &r), 0);
        CHECK(calls <= limits[i]);
        CHECK_INT(r.fevals, calls);
        CHECK_INT(r.converged, 0);
        CHECK_STR(r.reason, "evaluation limit reached");
        rosen(x, &f, &dummy);
        CHECK_NEAR(f, r.f, 0);
    }
}

CHECK_MAIN({"/forecast/optim/quadratic", test_quadratic},
           {"/forecast/optim/evaluation_limit", test_evaluation_limit},
           {"/forecast/optim/rosenbrock", test_rosenbrock}, {"/forecast/optim/domain", test_domain},
           {"/forecast/optim/iteration_limit", test_iteration_limit})
