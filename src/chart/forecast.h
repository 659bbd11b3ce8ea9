/* chart/forecast: the chart of a forecast as plain data, and the code that
 * draws it onto a cairo context or into a PNG, SVG or PDF file
 * (chart/output.h): the observed hours before the forecast origin as a
 * line in the group's colour (present.h), the forecast mean as a dashed
 * line after it, the confidence interval as a translucent band, and the
 * origin marked, on an absolute-time axis labelled in Oslo time
 * (chart_time_ticks) with values in the unit ladder of the dataset's unit.
 * Nothing here reads a store or computes a forecast. Thread-safe: no
 * shared state. */
#ifndef ELHUB_CHART_FORECAST_H
#define ELHUB_CHART_FORECAST_H

#include "chart/chart.h"
#include "err.h"

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

/* Everything is borrowed from the caller. */
struct chart_forecast {
    const char *title;
    const char *value_name;  /* "Production": the y axis reads "Production (MWh per hour)" */
    const char *unit;        /* the values' unit ("kWh"), scaled by present_unit_for */
    const char *label;       /* the observed series' legend label ("Hydro") */
    struct chart_rgb color;  /* its colour (present_group_rgb) */
    const char *note;        /* small footer text (attribution); may be NULL */
    double width, height;    /* CSS pixels; at least CHART_MIN_WIDTH x CHART_MIN_HEIGHT */
    int64_t t0;              /* UTC instant of history[0]; hour i is t0 + 3600 i */
    const double *history;   /* nhist observed hours (NAN: none) */
    size_t nhist;            /* >= 1 */
    const double *mean;      /* h forecast hours, the first at t0 + 3600 nhist */
    const double *lower;     /* the interval, h values each */
    const double *upper;
    size_t h; /* >= 1 */
    double level; /* the interval's coverage, 1 - alpha (the legend says "95% interval") */
};

/* Where the plot area lies in user space, for tests and the drawing. */
struct chart_forecast_layout {
    double x0, x1, y0, y1;  /* plot rectangle: x grows with time, y0 is the top */
    double vlo, vhi;        /* the value range (in the dataset's unit) from y1 up to y0 */
    int64_t from, to;       /* the time range from x0 to x1: [t0, t0 + 3600 (nhist + h)) */
};

/* Lays c out with cr's font metrics. -1 with e (ERR_USAGE) for a chart
 * that cannot be drawn: too small, no hours, no finite value. */
int chart_forecast_layout(const struct chart_forecast *c, cairo_t *cr,
                          struct chart_forecast_layout *out, struct err *e);

/* Draws c onto cr, whose user space must measure c->width x c->height (the
 * caller scales for DPI). Errors as chart_forecast_layout, or ERR_CHART
 * with the cairo status. */
int chart_forecast_draw(const struct chart_forecast *c, cairo_t *cr, struct err *e);

/* Draws c into path (.png, .svg or .pdf) as chart_output_write_drawing
 * does: whole or not at all; the SVG carries the title and the legend. */
int chart_forecast_write(const struct chart_forecast *c, const char *path, double dpi,
                         struct err *e);

#endif
