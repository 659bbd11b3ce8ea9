/* present: how data is shown to people, shared by the dashboard (served to
 * the browser through /api/meta) and `elhub plot`, so both agree. The rules
 * that are data live here, once: the fixed order of the groups (stacking
 * bottom up, legends, pie slices clockwise), their colours and labels, the
 * unit ladders (energy kWh..TWh for totals and day/week/month buckets,
 * power kW..TW for hourly steps), the data's own precision (3 decimals of
 * kWh) and the number, share and coverage formats, and the colour of the
 * missing-hour band. Pure and thread-safe: no static mutable buffers. */
#ifndef ELHUB_PRESENT_H
#define ELHUB_PRESENT_H

#include "dataset.h"
#include "timeutil.h"

#include <stddef.h>
#include <stdint.h>

struct present_unit {
    const char *name; /* "kWh", "MWh", "GWh", "TWh"; "kW", "MW", "GW", "TW" */
    double divisor;   /* value in kWh (or kWh per hour) / divisor = value in this unit */
};

/* One group the table knows, in the fixed order. */
struct present_group {
    const char *group; /* "hydro", as stored */
    const char *color; /* "#1f77b4" */
    const char *label; /* "Hydro" */
};

/* The group's colour as "#rrggbb" (static storage). Known production and
 * consumption groups have fixed colours; any other group gets a stable colour
 * derived from its name, so a new group never crashes or collides randomly. */
const char *present_group_color(const char *group);
/* The same colour as 0..1 RGB components, for cairo. */
void present_group_rgb(const char *group, double *r, double *g, double *b);
/* "Hydro", "Wind", "Unspecified (*)"... for legends: a static string for a
 * known group, else the group capitalised into buf (n bytes), which is
 * returned. */
const char *present_group_label(const char *group, char *buf, size_t n);
/* The unit to show values of `unit` in when the largest absolute value
 * shown is max: for "kWh", the largest of kWh, MWh, GWh and TWh in which
 * max is at least 1; any other unit stays as it is (divisor 1). The same
 * as present_unit_pick(unit, PRESENT_ENERGY, max). */
struct present_unit present_unit_for(const char *unit, double max);

/* ---- the order of groups ------------------------------------------------ */

/* The known groups in the fixed order: production (hydro, wind, solar,
 * thermal, other, *), then consumption (household, cabin, primary,
 * secondary, tertiary). i < present_known_count(); static storage. */
size_t present_known_count(void);
const struct present_group *present_known(size_t i);
/* The group's place in the fixed order: its index among the known groups,
 * or present_known_count() for any other group. */
size_t present_group_rank(const char *group);
/* Orders two groups: by rank, then (two unknown groups) by name. strcmp
 * semantics; a stacked chart stacks the smaller one lower, a legend and a
 * pie list it first. */
int present_group_cmp(const char *a, const char *b);

/* ---- units and numbers -------------------------------------------------- */

/* What a value means on screen: energy (a total, a day/week/month bucket:
 * kWh..TWh) or power (an hourly bucket: kWh in one hour is the average kW;
 * kW..TW). */
enum present_measure { PRESENT_ENERGY, PRESENT_POWER };

/* The measure a series of this step is shown in: power for hours, energy
 * for days, weeks and months. */
enum present_measure present_measure_of(enum timeutil_step step);
/* The ladder of units for values in `unit` (a dataset's unit: "kWh") shown
 * as measure m, smallest first, in *out (static). For a unit other than
 * kWh, one rung: the unit itself. Returns the number of rungs. */
size_t present_ladder(const char *unit, enum present_measure m, const struct present_unit **out);
/* The rung to show values up to |max| in: the largest whose divisor is at
 * most |max| (so the value reads 1..999 and 3-4 significant digits show),
 * the smallest for |max| < 1. */
struct present_unit present_unit_pick(const char *unit, enum present_measure m, double max);

/* The data's own precision: Elhub publishes kWh with 3 decimals, so a sum
 * of its values has no more; anything finer is float noise. */
#define PRESENT_DECIMALS DATASET_KWH_DECIMALS
/* v rounded to PRESENT_DECIMALS decimals (half away from zero). */
double present_round(double v);
/* v (in `unit`, the dataset's) in the rung that suits v itself, with 4
 * significant digits but never more decimals than the data has, thousands
 * separated: "18.36 TWh", "2.960 MWh", "473.2 kWh", "0.005 kWh",
 * "-3.469 GW", "1,235 TWh". Returns the length (snprintf semantics). */
int present_format_value(double v, const char *unit, enum present_measure m, char *out, size_t n);
/* v divided by u's divisor with `decimals` fraction digits and thousands
 * separators: the numbers of an axis or a table column that share a unit. */
int present_format_in(double v, struct present_unit u, int decimals, char *out, size_t n);
/* An integer with thousands separators: "10,279", "-1,000". */
int present_format_count(long long v, char *out, size_t n);
/* A share 0..1 as a percentage a reader can compare: "97.2 %", "1.0 %",
 * "0.08 %", "<0.01 %", ">99.9 %", "0 %", "100 %". */
int present_format_share(double share, char *out, size_t n);
/* How much of a period of period_hours hours (period_days calendar days)
 * a group's hours present cover: "all 365 days", "31 of 365 days",
 * "0.5 of 31 days", "5 hours of 365 days"; a period under two days counts
 * hours ("20 of 24 hours"). */
int present_format_coverage(int64_t hours, int64_t period_hours, int period_days, char *out,
                            size_t n);

/* ---- marks -------------------------------------------------------------- */

/* The colour of the one merged band behind the hours missing for the
 * selected groups ("#rrggbb", static): light, so lines stay readable. */
const char *present_missing_color(int dark);
/* The words that explain the marks, the same on the page and in files. */
#define PRESENT_NOTE_PARTIAL "hollow markers: partial buckets (some hours missing)"
#define PRESENT_NOTE_MISSING "shaded: hours missing for"

#endif
