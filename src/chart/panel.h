/* chart/panel: the pieces the chart files of computed results
 * (chart/analysis.c, chart/forecast.c) are drawn with, so they look alike:
 * a panel's value axis on present.h's unit ladder, its grid, ticks and
 * rotated label, the shared absolute-time axis labelled in Oslo time, an
 * hourly series as a line or a band, the heading (title, subtitle, data
 * attribution) and the words for a series (its unit, name and colour).
 * The geometry is struct chart_analysis_layout's (chart/analysis.h):
 * panels stacked on one time axis from l->from at x0 to l->to at x1.
 * Thread-safe: each call touches only the cairo context it is given. */
#ifndef ELHUB_CHART_PANEL_H
#define ELHUB_CHART_PANEL_H

#include "analysis/series.h"
#include "chart/analysis.h"
#include "chart/chart.h"

#include <cairo.h>
#include <stddef.h>

/* What the drawing helpers draw with; everything borrowed. xt: the time
 * ticks of the layout's time axis (chart_time_ticks over l->from..l->to). */
struct chart_panel_ctx {
    cairo_t *cr;
    const struct chart_palette *th;
    const struct chart_analysis_layout *l;
    const struct chart_time_ticks *xt;
};

/* Widens *lo / *hi (not reset: start them at +inf / -inf) to the
 * smallest and largest finite of v[0..n). */
void chart_panel_widen(const double *v, size_t n, double *lo, double *hi);

/* Panel p's value axis over [lo, hi] (own unit), p's y0/y1 set: shown in
 * the rung of `unit`'s power ladder that suits values up to |umax| (NAN:
 * the larger of |lo| and |hi|; a unit other than kWh as it is; NULL: a
 * unitless axis), ticked by chart_nice_ticks about every 45 units, lo and
 * hi widened to the ends of the ticks. Non-finite lo or hi give 0..1. */
void chart_panel_axis(struct chart_analysis_panel *p, const char *unit, double lo, double hi,
                      double umax);

/* "Production (MW)", or the plain name for a unitless axis, into out. */
void chart_panel_axis_label(const struct chart_analysis_panel *p, const char *name, char *out,
                            size_t n);

/* Panel k's grid, value tick labels (at x0 - 6, right-aligned) and
 * rotated label, and the vertical grid lines of the time ticks. */
void chart_panel_frame(const struct chart_panel_ctx *c, size_t k, const char *label);
/* Panel k's axis lines (the path x0+.5,y0 -> x0+.5,y1+.5 -> x1,y1+.5),
 * drawn over the data; under the last panel of the layout also the time
 * tick marks, their Oslo labels (centred on the tick) and "Time
 * (Europe/Oslo)". */
void chart_panel_axes(const struct chart_panel_ctx *c, size_t k);
/* cairo_save, then clips to panel k (plus a mark's radius); the caller
 * restores. */
void chart_panel_clip(const struct chart_panel_ctx *c, size_t k);

/* The x of hour i of s: its middle, s->start + 3600 i + 1800. */
double chart_panel_hour_x(const struct chart_panel_ctx *c, const struct series *s, size_t i);
/* The hourly values v (s->n of them, on s's hours) as a line in panel k;
 * a non-finite value breaks it. */
void chart_panel_line(const struct chart_panel_ctx *c, size_t k, const struct series *s,
                      const double *v, struct chart_rgb col, double width);
/* The area between lower and upper on s's hours in panel k, in col at
 * alpha (one path per run of hours where both are finite). */
void chart_panel_band(const struct chart_panel_ctx *c, size_t k, const struct series *s,
                      const double *lower, const double *upper, struct chart_rgb col, double alpha);

/* The chart font at size, or smaller (down to 8) until s fits width. */
void chart_panel_fit_font(cairo_t *cr, double size, int bold, const char *s, double width);
/* Paints the background of a width x height page, then the title (bold,
 * centred at the top), the subtitle under it (muted) and the note
 * (attribution) at the bottom right. */
void chart_panel_heading(const struct chart_panel_ctx *c, double width, double height,
                         const char *title, const char *sub, const char *note);

/* The unit of spec's values (the group's or the dataset's: "kWh", "°C"). */
const char *chart_panel_unit(const struct series_spec *spec);
/* "Production", or the variable's title ("Temperature (2 m)"). */
const char *chart_panel_value_name(const struct series_spec *spec);
/* The group's colour (present.h). */
struct chart_rgb chart_panel_rgb(const struct series_spec *spec);
/* b, unless it is close to a (then fallback): a second line stays
 * distinguishable from the first. */
struct chart_rgb chart_panel_distinct(struct chart_rgb a, struct chart_rgb b,
                                      struct chart_rgb fallback);
/* The attribution line of a chart drawing n series (static text): Elhub's,
 * Open-Meteo's for weather, or both. */
const char *chart_panel_attribution(const struct series_spec *const *specs, size_t n);

#endif
