/* chart/analysis: the chart files of `elhub analyze ... -o FILE.png|svg|pdf`,
 * drawn with cairo from an analysis result (analysis/analysis.h) through
 * the presentation module (present.h: the series' group colour and label,
 * the unit ladder) and the axis arithmetic of chart/ticks.c (Oslo time
 * labels on an absolute-time axis, nice value ticks):
 *   stl          four panels on one time axis: observed, trend, seasonal,
 *                residual;
 *   spectrogram  a heatmap of log10 power, time across (segment centres),
 *                frequency in cycles per day up, with a colour bar;
 *   outliers     the series, the SPC bounds as a band, outliers marked;
 *   anomalies    the (first) series with the anomalous hours marked, and
 *                the LOF scores with the threshold below it;
 *   correlate    the two series as z-scores (each minus its own mean, over
 *                its own standard deviation) on one axis, and the
 *                correlation series on [-1, 1], the best lag in the title.
 * Files are written whole or not at all (chart_output_page, chart/output.h).
 * Pure but for the file; thread-safe (cairo contexts are per call). */
#ifndef ELHUB_CHART_ANALYSIS_H
#define ELHUB_CHART_ANALYSIS_H

#include "analysis/analysis.h"
#include "chart/chart.h"
#include "err.h"
#include "present.h"

#include <cairo.h>

struct chart_analysis_opts {
    double width, height; /* CSS pixels, at least CHART_MIN_WIDTH x CHART_MIN_HEIGHT */
    double dpi;           /* PNG only: 96 gives width x height pixels */
    enum chart_theme theme;
};

/* Draws the chart of r (computed by analysis_compute from rq and d) onto
 * cr, whose user space measures o->width x o->height. 0, or -1 with e
 * (ERR_USAGE for a size below the minimum, panels too small to draw, or
 * an empty result; ERR_CHART with cairo's status). Text goes through
 * chart_text, so an SVG page keeps it as <text>. */
int chart_analysis_draw(const struct analysis_request *rq, const struct analysis_data *d,
                        const struct analysis_result *r, const struct chart_analysis_opts *o,
                        cairo_t *cr, struct err *e);

/* The chart's title ("STL of production:NO5:hydro, 2021-01-01 to
 * 2021-12-31"; correlate: "Correlation of X and Y, ..., best lag -3 h
 * (r = 0.62)" when a lag range was searched), into out (n bytes). */
void chart_analysis_title(const struct analysis_request *rq, const struct analysis_result *r,
                          char *out, size_t n);

/* Draws the chart into path, its format by extension (.png, .svg, .pdf),
 * through chart_output_page. Errors as chart_output_write's
 * (chart/output.h): on failure an existing file at path is untouched. */
int chart_analysis_write(const struct analysis_request *rq, const struct analysis_data *d,
                         const struct analysis_result *r, const struct chart_analysis_opts *o,
                         const char *path, struct err *e);

/* ---- geometry (pure; what the drawing uses, exposed for tests) --------
 * Every chart has one absolute time axis, shared by its panels, from
 * rq->from at x0 to rq->to at x1 (UTC seconds, linear); hour i of a series
 * is drawn at its middle, start + 3600 i + 1800; a spectrogram segment is a
 * cell centred on its centre time (analysis_centre_time), one segment step
 * wide, and frequency k a cell centred on freq[k], freq[1] - freq[0] high.
 * Panels are stacked top to bottom between y = CHART_ANALYSIS_TOP and
 * height - CHART_ANALYSIS_BOTTOM, CHART_ANALYSIS_GAP apart, all from
 * x0 = CHART_ANALYSIS_LEFT to x1 = width - CHART_ANALYSIS_RIGHT (the
 * spectrogram: minus CHART_ANALYSIS_BAR more for its colour bar), with
 * heights in the ratios stl 1:1:1:1 (observed, trend, seasonal, residual),
 * anomalies 2:1 (values, LOF scores), correlate 2:1 (the two series as
 * z-scores, r), one panel otherwise (spectrogram: frequency up). A panel's
 * value axis runs linearly from lo at y1 up to hi at y0, the ends of its
 * nice ticks (chart_nice_ticks) around the values it shows, in the values'
 * own unit (the dataset's: kWh per hour, shown as kW..GW by present.h's
 * power ladder). */
#define CHART_ANALYSIS_PANELS 4
#define CHART_ANALYSIS_LEFT 96.0
#define CHART_ANALYSIS_RIGHT 24.0
#define CHART_ANALYSIS_BAR 96.0
#define CHART_ANALYSIS_TOP 78.0
#define CHART_ANALYSIS_BOTTOM 66.0
#define CHART_ANALYSIS_GAP 14.0
#define CHART_ANALYSIS_MIN_PANEL 24.0

struct chart_analysis_panel {
    double x0, y0, x1, y1;    /* the plot rectangle (user units), y0 < y1 */
    double lo, hi;            /* values at y1 and y0, in the values' own unit */
    struct chart_ticks ticks; /* the value ticks, in the shown unit */
    struct present_unit unit; /* the shown unit: value / divisor */
};

struct chart_analysis_layout {
    size_t n; /* panels */
    struct chart_analysis_panel p[CHART_ANALYSIS_PANELS];
    int64_t from, to; /* the time axis: from at x0, to at x1 */
    double clo, chi;  /* spectrogram: log10 power at the bottom and the top of
                       * the colour ramp (below clo, and power 0, drawn as clo) */
};

/* The geometry of rq's chart of r at o's size. 0, or -1 with e (ERR_USAGE)
 * as chart_analysis_draw. */
int chart_analysis_layout(const struct analysis_request *rq, const struct analysis_data *d,
                          const struct analysis_result *r, const struct chart_analysis_opts *o,
                          struct chart_analysis_layout *out, struct err *e);
/* The x of instant t, the y of value v (own unit) in panel k. */
double chart_analysis_x(const struct chart_analysis_layout *l, int64_t t);
double chart_analysis_y(const struct chart_analysis_layout *l, size_t k, double v);

/* The colour of the ramp at u in [0, 1] (clamped): a viridis-like ramp,
 * dark blue (0) to yellow (1, CHART_ANALYSIS_HOT). */
struct chart_rgb chart_analysis_ramp(double u);
#define CHART_ANALYSIS_HOT "#fde725"
/* The colour of marked hours (outliers, anomalies) and of the LOF
 * threshold, unlike any group colour of present.h. */
#define CHART_ANALYSIS_MARK "#e6001a"
#define CHART_ANALYSIS_MARK_R 3.5

#endif
