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
 *   correlate    the two series (each on its own scale) and the
 *                correlation series on [-1, 1], the best lag in the title.
 * Files are written whole or not at all (fileout, via chart/output.h's
 * writer). Pure but for the file; thread-safe (cairo contexts are per
 * call). */
#ifndef ELHUB_CHART_ANALYSIS_H
#define ELHUB_CHART_ANALYSIS_H

#include "analysis/analysis.h"
#include "chart/chart.h"
#include "err.h"

#include <cairo.h>

struct chart_analysis_opts {
    double width, height; /* CSS pixels, at least CHART_MIN_WIDTH x CHART_MIN_HEIGHT */
    double dpi;           /* PNG only: 96 gives width x height pixels */
    enum chart_theme theme;
};

/* Draws the chart of r onto cr, whose user space measures o->width x
 * o->height. 0, or -1 with e (ERR_USAGE for a size below the minimum or
 * an empty result; ERR_CHART with cairo's status). */
int chart_analysis_draw(const struct analysis_request *rq, const struct analysis_data *d,
                        const struct analysis_result *r, const struct chart_analysis_opts *o,
                        cairo_t *cr, struct err *e);

/* The chart's title ("STL of production:NO5:hydro, 2021-01-01 to
 * 2021-12-31"), into out (n bytes). */
void chart_analysis_title(const struct analysis_request *rq, const struct analysis_result *r,
                          char *out, size_t n);

/* Draws the chart into path, its format by extension (.png, .svg, .pdf).
 * Errors as chart_output_write's (chart/output.h). */
int chart_analysis_write(const struct analysis_request *rq, const struct analysis_data *d,
                         const struct analysis_result *r, const struct chart_analysis_opts *o,
                         const char *path, struct err *e);

#endif
