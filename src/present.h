/* present: how data is shown to people, shared by the dashboard (served to
 * the browser through /api/meta) and `elhub plot`, so both agree: one fixed
 * colour per group, group labels, and kWh/MWh/GWh/TWh unit scaling. */
#ifndef ELHUB_PRESENT_H
#define ELHUB_PRESENT_H

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
/* "Hydro", "Wind", "Other (*)"... for legends; static or per-call storage:
 * the result is valid until the next call. */
const char *present_group_label(const char *group);
/* The largest unit in which max_kwh (the largest absolute value shown) is
 * at least 1, capped at TWh. */
struct present_unit present_unit_for(double max_kwh);

#endif
