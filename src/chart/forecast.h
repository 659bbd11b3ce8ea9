/* chart/forecast: the chart file of `elhub forecast ... -o FILE.png|svg|pdf`
 * (and of its alias `elhub plot forecast`), drawn with cairo from a
 * forecast answer (forecast/request.h) with the panel pieces of the
 * analysis charts (chart/panel.h: the unit ladder of present.h, nice value
 * ticks, the absolute-time axis labelled in Oslo time):
 *   - one panel on one time axis: the last hours of the training series
 *     (the "history", CHART_FORECAST_HISTORY below), the forecast mean as a
 *     line and its interval (lower..upper) as a semi-transparent band, a
 *     dotted line at the forecast origin, and a legend above the panel
 *     ("history", "forecast", "95 % interval" from alpha);
 *   - with a backtest (--folds), a panel on the right with the overall
 *     MAE of the model, seasonal-naive and naive-last-week forecasts as
 *     horizontal bars from 0, each labelled with its value.
 * The title names the model, the series, the trend, the AIC, and "not
 * converged: <the optimiser's message>" when the fit did not converge.
 * Files are written whole or not at all (chart_output_page,
 * chart/output.h). Pure but for the file; thread-safe. */
#ifndef ELHUB_CHART_FORECAST_H
#define ELHUB_CHART_FORECAST_H

#include "chart/analysis.h"
#include "err.h"
#include "forecast/request.h"

#include <cairo.h>
#include <stddef.h>

/* The picture options are the analysis charts' (width, height, dpi,
 * theme): struct chart_analysis_opts. */

/* Draws the chart of a (a FIT or GIVEN answer of forecast_answer_run)
 * onto cr, whose user space measures o->width x o->height. 0, or -1 with
 * e (ERR_USAGE for a size below the minimum, a panel too small to draw, or
 * an answer without a forecast; ERR_CHART with cairo's status). Text goes
 * through chart_text, so an SVG keeps it as <text>. */
int chart_forecast_draw(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                        cairo_t *cr, struct err *e);

/* The title, e.g. "SARIMAX(1,0,1)(1,1,1,24) of production:NO1:hydro, trend
 * n, AIC 33644.9", then ", given parameters" for an answer at given
 * parameters, or ", not converged: MESSAGE" for a fit that did not
 * converge; into out (n bytes). */
void chart_forecast_title(const struct forecast_answer *a, char *out, size_t n);

/* "95 % interval": the legend's words for the band, from alpha
 * (100 (1 - alpha) with up to 6 significant digits), into out. */
void chart_forecast_interval_label(double alpha, char *out, size_t n);

/* Draws the chart into path, its format by extension (.png, .svg, .pdf),
 * through chart_output_page. Errors as chart_output_write's
 * (chart/output.h): on failure an existing file at path is untouched. */
int chart_forecast_write(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                         const char *path, struct err *e);

/* ---- geometry (pure; what the drawing uses, exposed for tests) --------
 * The history is the last chart_forecast_history(n, horizon) of the n
 * training hours: CHART_FORECAST_HISTORY_HORIZONS horizons, at least
 * CHART_FORECAST_HISTORY_MIN hours, at most all n (so the forecast keeps
 * a fifth of the width or more and a year of training does not squeeze
 * it to a sliver). The time axis runs from the first history hour's start
 * at x0 = CHART_ANALYSIS_LEFT to the end of the last forecast hour at x1
 * = width - CHART_ANALYSIS_RIGHT (minus CHART_FORECAST_SIDE with a
 * backtest), linear in UTC seconds; hour i is drawn at its middle. The
 * panel runs from y = CHART_FORECAST_TOP to height -
 * CHART_ANALYSIS_BOTTOM, its value axis over the history, mean, lower and
 * upper in the series' own unit (kWh per hour shown as kW..GW). The
 * backtest panel spans [bx0, bx1] x [y0, y1] of the main panel; a bar of
 * MAE m is (m / bmax) (bx1 - bx0 - CHART_FORECAST_BAR_LABEL) long. */
#define CHART_FORECAST_HISTORY_HORIZONS 4
#define CHART_FORECAST_HISTORY_MIN 336
#define CHART_FORECAST_TOP 96.0
#define CHART_FORECAST_SIDE 260.0
#define CHART_FORECAST_BAR_LABEL 76.0
/* The forecast's colour (line, band at CHART_FORECAST_BAND_ALPHA, the
 * model's bar), unlike every group colour of present.h; when it is close
 * to the series' colour the theme's text colour is used instead. */
#define CHART_FORECAST_COLOR "#e6550d"
#define CHART_FORECAST_BAND_ALPHA 0.25

size_t chart_forecast_history(size_t n, size_t horizon);

struct chart_forecast_layout {
    struct chart_analysis_layout l; /* one panel, the time axis */
    size_t history;                 /* training hours shown */
    int64_t origin;                 /* the first forecast hour's start */
    int backtest;                   /* 1: the backtest panel is drawn */
    double bx0, bx1;                /* its x range (user units) */
    double bmax;                    /* the MAE a full-length bar stands for */
};

/* The geometry of a's chart at o's size. 0, or -1 with e (ERR_USAGE) as
 * chart_forecast_draw. */
int chart_forecast_layout(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                          struct chart_forecast_layout *out, struct err *e);

#endif
