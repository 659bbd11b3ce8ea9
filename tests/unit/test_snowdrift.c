/* Tests of weather/snowdrift.h (Tabler 2003) against values worked out by
 * hand from the formulas in the header: the sector rule, one hour's
 * transport, both controls, the fence heights, the rose's shares, the
 * parameter checks. */
#include "check.h"

#include "weather/snowdrift.h"

#include <math.h>

static void test_sector(void)
{
    CHECK_INT(snowdrift_sector(0), 0);
    CHECK_INT(snowdrift_sector(11.24), 0);
    CHECK_INT(snowdrift_sector(11.25), 1); /* the boundary belongs to the next sector */
    CHECK_INT(snowdrift_sector(33.75), 2);
    CHECK_INT(snowdrift_sector(190), 8); /* S: (190 + 11.25) / 22.5 = 8.94 */
    CHECK_INT(snowdrift_sector(348.75), 0);
    CHECK_INT(snowdrift_sector(348.74), 15);
    CHECK_INT(snowdrift_sector(360), 0);
    CHECK_INT(snowdrift_sector(-10), 0); /* -10 + 11.25 = 1.25 */
    CHECK_INT(snowdrift_sector(-30), 15);
}

static void test_hour(void)
{
    CHECK(snowdrift_hour_transport(0) == 0);
    CHECK_NEAR(snowdrift_hour_transport(1), 3600.0 / 233847.0, 1e-15);
    /* 10 m/s: 10^3.8 = 6309.5734448 kg/m per hour-unit, x 3600 / 233847 */
    CHECK_NEAR(snowdrift_hour_transport(10), 6309.5734448019 * 3600.0 / 233847.0, 1e-9);
}

static void test_controls(void)
{
    struct snowdrift_params p;
    struct snowdrift_sum s;
    struct snowdrift_result r;
    double keep = 1 - pow(0.14, 10); /* F / T = 10 */

    snowdrift_params_default(&p);
    CHECK(p.T == 3000 && p.F == 30000 && p.theta == 0.5);
    snowdrift_sum_init(&s);
    s.swe_mm = 10;
    s.qupot_kg_m = 20000;
    s.rose_kg_m[0] = 5000;
    s.rose_kg_m[4] = 15000;
    snowdrift_compute(&s, &p, &r);
    /* Qspot = 0.5 * 3000 * 10 = 15000 < Qupot: snowfall-controlled, Qinf =
     * 0.5 * 3000 * (0.5 * 10) = 7500. */
    CHECK(r.qspot_kg_m == 15000 && r.srwe_mm == 5);
    CHECK_INT(r.snowfall_controlled, 1);
    CHECK(r.qinf_kg_m == 7500);
    CHECK_NEAR(r.qt_kg_m, 7500 * keep, 1e-9);
    CHECK_NEAR(r.qt_t_m, 7.5 * keep, 1e-12);
    CHECK_NEAR(r.fence_wyoming_m, pow(7.5 * keep / 8.5, 1 / 2.2), 1e-12);
    CHECK_NEAR(r.fence_slat_wire_m, pow(7.5 * keep / 7.7, 1 / 2.2), 1e-12);
    CHECK_NEAR(r.fence_solid_m, pow(7.5 * keep / 2.9, 1 / 2.2), 1e-12);
    CHECK_NEAR(r.rose_kg_m[0], r.qt_kg_m * 0.25, 1e-9); /* the sector's share of Qupot */
    CHECK_NEAR(r.rose_kg_m[4], r.qt_kg_m * 0.75, 1e-9);
    CHECK(r.rose_kg_m[1] == 0);

    s.qupot_kg_m = 15000; /* equal: not more than Qspot, so wind-controlled */
    snowdrift_compute(&s, &p, &r);
    CHECK_INT(r.snowfall_controlled, 0);
    CHECK(r.qinf_kg_m == 15000);
    CHECK_NEAR(r.qt_kg_m, 15000 * keep, 1e-9);

    /* The sums over hours: only hours below +1 C add their precipitation. */
    snowdrift_sum_init(&s);
    snowdrift_sum_add(&s, 0.9, 2.0, 10, 185);
    snowdrift_sum_add(&s, 1.0, 3.0, 0, 0);
    CHECK(s.swe_mm == 2.0);
    CHECK_INT(s.hours, 2);
    CHECK_NEAR(s.qupot_kg_m, snowdrift_hour_transport(10), 1e-12);
    CHECK_NEAR(s.rose_kg_m[8], snowdrift_hour_transport(10), 1e-12);

    /* No wind at all: nothing moves, the rose is zeros. */
    snowdrift_sum_init(&s);
    snowdrift_compute(&s, &p, &r);
    CHECK(r.qt_kg_m == 0 && r.rose_kg_m[0] == 0 && r.snowfall_controlled == 0);
}

/* Two spans merged: the sums of each (hand-computed), hours added. */
static void test_merge(void)
{
    struct snowdrift_sum a, b;
    snowdrift_sum_init(&a);
    snowdrift_sum_init(&b);
    snowdrift_sum_add(&a, -2.0, 1.5, 10, 0); /* N, cold: Swe 1.5 */
    snowdrift_sum_add(&b, 5.0, 4.0, 10, 90); /* E, warm: no Swe */
    snowdrift_sum_add(&b, 0.0, 0.5, 0, 270); /* calm, cold: Swe 0.5 */
    snowdrift_sum_merge(&a, &b);
    CHECK(a.swe_mm == 2.0);
    CHECK_INT(a.hours, 3);
    CHECK_NEAR(a.qupot_kg_m, 2 * snowdrift_hour_transport(10), 1e-12);
    CHECK_NEAR(a.rose_kg_m[0], snowdrift_hour_transport(10), 1e-12);
    CHECK_NEAR(a.rose_kg_m[4], snowdrift_hour_transport(10), 1e-12);
    CHECK(a.rose_kg_m[12] == 0);
}

static void test_params(void)
{
    struct snowdrift_params p = {3000, 30000, 0.5};
    struct err e = {0};
    CHECK_OK(snowdrift_params_check(&p, &e), &e);
    p.T = 0;
    CHECK_INT(snowdrift_params_check(&p, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    p.T = 3000;
    p.theta = 1.5;
    CHECK_INT(snowdrift_params_check(&p, &e), -1);
    p.theta = NAN;
    CHECK_INT(snowdrift_params_check(&p, &e), -1);
    p.theta = 0.5;
    p.F = -1;
    CHECK_INT(snowdrift_params_check(&p, &e), -1);
}

CHECK_MAIN({"/snowdrift/sector", test_sector}, {"/snowdrift/hour", test_hour},
           {"/snowdrift/controls", test_controls}, {"/snowdrift/params", test_params},
           {"/snowdrift/merge", test_merge})
