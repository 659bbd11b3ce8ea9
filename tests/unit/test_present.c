/* Tests for present.h, the rules the dashboard and `elhub plot` share:
 * the fixed group order, the unit ladders (energy and power), rounding to
 * the data's precision, and the number, count, share and coverage formats,
 * each against values worked out by hand. */
#include "check.h"
#include "present.h"

#include <math.h>
#include <string.h>

static void group_order(void)
{
    const char *want[] = {"hydro",     "wind",  "solar",   "thermal",   "other",   "*",
                          "household", "cabin", "primary", "secondary", "tertiary"};
    CHECK_INT((long long)present_known_count(), 11);
    for (size_t i = 0; i < present_known_count(); i++) {
        CHECK_STR(present_known(i)->group, want[i]);
        CHECK_INT((long long)present_group_rank(want[i]), (long long)i);
    }
    CHECK(present_known(11) == NULL);
    CHECK_INT((long long)present_group_rank("biogas"), 11);
    CHECK(present_group_cmp("hydro", "wind") < 0);
    CHECK(present_group_cmp("thermal", "solar") > 0);
    CHECK(present_group_cmp("*", "other") > 0);
    CHECK(present_group_cmp("tertiary", "biogas") < 0); /* known before unknown */
    CHECK(present_group_cmp("biogas", "zinc") < 0);     /* unknown by name */
    CHECK_INT(present_group_cmp("wind", "wind"), 0);
}

static void ladders(void)
{
    const struct present_unit *l;
    struct present_unit u;
    CHECK_INT((long long)present_ladder("kWh", PRESENT_ENERGY, &l), 4);
    CHECK_STR(l[3].name, "TWh");
    CHECK_INT((long long)present_ladder("kWh", PRESENT_POWER, &l), 4);
    CHECK_STR(l[0].name, "kW");
    CHECK_STR(l[2].name, "GW");
    CHECK_INT((long long)present_ladder("m3", PRESENT_ENERGY, &l), 1);
    CHECK(l == NULL);
    CHECK(present_measure_of(TIMEUTIL_HOUR) == PRESENT_POWER);
    CHECK(present_measure_of(TIMEUTIL_DAY) == PRESENT_ENERGY);
    CHECK(present_measure_of(TIMEUTIL_MONTH) == PRESENT_ENERGY);
    u = present_unit_pick("kWh", PRESENT_POWER, 2.9e6); /* 2.9 GWh in one hour: 2.9 GW */
    CHECK_STR(u.name, "GW");
    u = present_unit_pick("kWh", PRESENT_ENERGY, -999.9);
    CHECK_STR(u.name, "kWh");
    u = present_unit_pick("kWh", PRESENT_ENERGY, -1000);
    CHECK_STR(u.name, "MWh");
    u = present_unit_pick("kWh", PRESENT_ENERGY, 0.2);
    CHECK_STR(u.name, "kWh");
    u = present_unit_pick("kWh", PRESENT_ENERGY, 5e13); /* beyond the ladder: its top */
    CHECK_STR(u.name, "TWh");
    u = present_unit_pick("m3", PRESENT_ENERGY, 5e9);
    CHECK_STR(u.name, "m3");
    CHECK(u.divisor == 1.0);
    u = present_unit_for("kWh", 18356783799.95);
    CHECK_STR(u.name, "TWh");
}

static void rounding(void)
{
    /* 0.1 + 0.2 is 0.30000000000000004 in doubles; the data has 3 decimals. */
    CHECK(present_round(0.1 + 0.2) == 0.3);
    CHECK(present_round(833413.1599999999) == 833413.16);
    CHECK(present_round(195514537.00000003) == 195514537.0);
    CHECK(present_round(1.2344) == 1.234);
    CHECK(isnan(present_round(NAN)));
    CHECK(present_round(3e15) == 3e15); /* beyond the range where decimals exist */
}

static void values(void)
{
    char s[64];
    present_format_value(18356783799.95, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "18.36 TWh");
    present_format_value(2959.511, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "2.960 MWh");
    present_format_value(473.165, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "473.2 kWh");
    present_format_value(0.005747, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "0.006 kWh"); /* never finer than the data's 3 decimals */
    present_format_value(-3469000, "kWh", PRESENT_POWER, s, sizeof s);
    CHECK_STR(s, "-3.469 GW");
    present_format_value(1234.567e9, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "1,235 TWh");
    present_format_value(0, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "0.000 kWh");
    present_format_value(-0.0001, "kWh", PRESENT_ENERGY, s, sizeof s);
    CHECK_STR(s, "0.000 kWh"); /* no "-0.000" */
    present_format_in(1234567.891, present_unit_pick("kWh", PRESENT_ENERGY, 1), 2, s, sizeof s);
    CHECK_STR(s, "1,234,567.89");
    present_format_in(2.5e9, present_unit_pick("kWh", PRESENT_ENERGY, 2.5e9), 1, s, sizeof s);
    CHECK_STR(s, "2.5");
}

static void counts_shares_coverage(void)
{
    char s[64];
    present_format_count(10279, s, sizeof s);
    CHECK_STR(s, "10,279");
    present_format_count(-1000, s, sizeof s);
    CHECK_STR(s, "-1,000");
    present_format_count(999, s, sizeof s);
    CHECK_STR(s, "999");
    present_format_count(462300, s, sizeof s);
    CHECK_STR(s, "462,300");
    present_format_share(0.972, s, sizeof s);
    CHECK_STR(s, "97.2 %");
    present_format_share(0.0008, s, sizeof s);
    CHECK_STR(s, "0.08 %");
    present_format_share(-0.1, s, sizeof s);
    CHECK_STR(s, "0 %");
    /* 744 hours of a 365-day (8760-hour) year: 31 days. */
    present_format_coverage(744, 8760, 365, s, sizeof s);
    CHECK_STR(s, "31 of 365 days");
    present_format_coverage(8760, 8760, 365, s, sizeof s);
    CHECK_STR(s, "all 365 days");
    present_format_coverage(5, 8760, 365, s, sizeof s);
    CHECK_STR(s, "5 hours of 365 days");
    present_format_coverage(1, 8760, 365, s, sizeof s);
    CHECK_STR(s, "1 hour of 365 days");
    /* October 2021 has 745 hours (the 25-hour day); 745 of them is all. */
    present_format_coverage(745, 745, 31, s, sizeof s);
    CHECK_STR(s, "all 31 days");
    present_format_coverage(12 * 24, 745, 31, s, sizeof s); /* 288 * 31 / 745 = 11.98 */
    CHECK_STR(s, "12 of 31 days");
    present_format_coverage(36, 745, 31, s, sizeof s); /* 1.498 days */
    CHECK_STR(s, "1.5 of 31 days");
    present_format_coverage(20, 25, 1, s, sizeof s);
    CHECK_STR(s, "20 of 25 hours");
    present_format_coverage(23, 23, 1, s, sizeof s);
    CHECK_STR(s, "all 23 hours");
    CHECK_STR(present_missing_color(0), "#f6dede");
}

CHECK_MAIN({"/present/order", group_order}, {"/present/ladders", ladders},
           {"/present/round", rounding}, {"/present/values", values},
           {"/present/counts", counts_shares_coverage})
