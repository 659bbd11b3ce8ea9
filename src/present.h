/* present: how data is shown to people, shared by the dashboard (served to
 * the browser through /api/meta) and `elhub plot`, so both agree: one fixed
 * colour per group, group labels, and unit scaling (kWh, MWh, GWh, TWh for
 * a dataset in kWh; other units as they are). Pure and thread-safe: no
 * static buffers. */
#ifndef ELHUB_PRESENT_H
#define ELHUB_PRESENT_H

#include <stddef.h>

struct present_unit {
    const char *name; /* "kWh", "MWh", "GWh", "TWh" */
    double divisor;   /* value in kWh / divisor = value in this unit */
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
 * max is at least 1; any other unit stays as it is (divisor 1). */
struct present_unit present_unit_for(const char *unit, double max);

#endif
