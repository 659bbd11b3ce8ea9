/* Tests of xsum: exact, order-independent sums rounded once. The reference
 * is Shewchuk's exactly rounded summation (the algorithm behind Python's
 * math.fsum), written here independently of src/xsum.c, on hand-picked and
 * generated terms; plus analytic cases, order independence, subtraction,
 * the word round trip and invalid input. */
#include "check.h"
#include "xsum.h"

#include <math.h>
#include <stdint.h>

/* Shewchuk (1997), "Adaptive precision floating-point arithmetic": the
 * partials stay non-overlapping, so their sum is exact; the final pass
 * rounds it once, with the half-way correction math.fsum applies. */
static double msum(const double *x, size_t n)
{
    double p[64];
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        size_t k = 0;
        for (size_t j = 0; j < np; j++) {
            double y = p[j], hi, lo;
            if (fabs(v) < fabs(y)) {
                double t = v;
                v = y;
                y = t;
            }
            hi = v + y;
            lo = y - (hi - v);
            if (lo != 0)
                p[k++] = lo;
            v = hi;
        }
        p[k++] = v;
        np = k;
    }
    if (np == 0)
        return 0.0;
    {
        double hi = p[--np], lo = 0;
        while (np > 0) {
            double v = hi, y = p[--np];
            hi = v + y;
            lo = y - (hi - v);
            if (lo != 0)
                break;
        }
        if (np > 0 && ((lo < 0 && p[np - 1] < 0) || (lo > 0 && p[np - 1] > 0))) {
            double y = lo * 2, v = hi + y;
            if (y == v - hi)
                hi = v;
        }
        return hi;
    }
}

static double sum_of(const double *x, size_t n)
{
    struct xsum s;
    xsum_init(&s);
    for (size_t i = 0; i < n; i++)
        xsum_add(&s, x[i]);
    return xsum_value(&s);
}

static void test_analytic(void)
{
    double tenth[10], mixed[] = {1e15, 1.0, -1e15, 0.001, -0.001, 2246558.0};
    for (int i = 0; i < 10; i++)
        tenth[i] = 0.1;
    CHECK(sum_of(tenth, 10) == 1.0);
    CHECK(0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1 != 1.0); /* why it matters */
    CHECK(sum_of(mixed, 6) == 2246559.0);
    CHECK(sum_of(NULL, 0) == 0.0);
    {
        double one[] = {-24.101};
        CHECK(sum_of(one, 1) == -24.101);
    }
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_against_reference(void)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    double x[400];
    int bad = 0;
    for (int round = 0; round < 3000 && bad < 3; round++) {
        size_t n = 1 + rnd(&s) % 400;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rnd(&s);
            double mag = ldexp((double)(r >> 11) / 9007199254740992.0, (int)(r % 90) - 25);
            switch (round % 4) {
            case 0: /* kWh as published: three decimals */
                x[i] = (double)(int64_t)(r % 4000000000000ull) / 1000.0;
                break;
            case 1: /* any magnitude from 2^-26, both signs */
                x[i] = (r & 1) ? -mag : mag;
                break;
            case 2: /* cancellation: pairs that almost cancel */
                x[i] = (i & 1) ? -x[i - 1] * (1 + ldexp(1, -40)) : mag;
                break;
            default: /* small integers and halves: ties */
                x[i] = (double)(int64_t)(r % 2001) / 2.0 - 500.0;
                break;
            }
        }
        {
            double want = msum(x, n), got = sum_of(x, n);
            if (want != got) {
                fprintf(stderr, "  round %d: n %zu: got %.17g want %.17g\n", round, n, got, want);
                bad++;
            }
        }
    }
    CHECK_INT(bad, 0);
}

static void test_order_and_merge(void)
{
    double x[300];
    uint64_t s = 12345;
    struct xsum a, b, c, d;
    xsum_init(&a);
    xsum_init(&b);
    xsum_init(&c);
    xsum_init(&d);
    for (int i = 0; i < 300; i++)
        x[i] = (double)(int64_t)(rnd(&s) % 10000000000ull) / 1000.0 * ((i % 3) ? 1 : -1);
    for (int i = 0; i < 300; i++)
        xsum_add(&a, x[i]);
    for (int i = 299; i >= 0; i--)
        xsum_add(&b, x[i]);
    for (int i = 0; i < 300; i += 2)
        xsum_add(&c, x[i]);
    for (int i = 1; i < 300; i += 2)
        xsum_add(&d, x[i]);
    CHECK(xsum_equal(&a, &b));
    xsum_merge(&c, &d);
    CHECK(xsum_equal(&a, &c));
    xsum_sub(&c, &d);
    xsum_merge(&c, &d);
    CHECK(xsum_equal(&a, &c));
    {
        int64_t w[3];
        struct xsum e;
        xsum_to_words(&a, w);
        xsum_from_words(&e, w);
        CHECK(xsum_equal(&a, &e));
        CHECK(xsum_value(&e) == xsum_value(&a));
    }
}

static void test_invalid(void)
{
    struct xsum s;
    xsum_init(&s);
    xsum_add(&s, 1.0);
    xsum_add(&s, INFINITY);
    CHECK(isnan(xsum_value(&s)));
    xsum_add(&s, 1.0); /* stays invalid */
    CHECK(isnan(xsum_value(&s)));
    xsum_init(&s);
    xsum_add(&s, NAN);
    CHECK(isnan(xsum_value(&s)));
    xsum_init(&s);
    xsum_add(&s, 0x1p100);
    CHECK(isnan(xsum_value(&s)));
    xsum_init(&s);
    xsum_add(&s, 0x1p99);
    CHECK(xsum_value(&s) == 0x1p99);
    xsum_add(&s, -0x1p99);
    CHECK(xsum_value(&s) == 0.0);
}

CHECK_MAIN({"/xsum/analytic", test_analytic}, {"/xsum/reference", test_against_reference},
           {"/xsum/order-merge", test_order_and_merge}, {"/xsum/invalid", test_invalid})
