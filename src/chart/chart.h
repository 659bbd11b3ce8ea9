/* chart: the charts of `elhub plot` as plain data (struct chart) and the code
 * that lays them out and draws them onto a cairo context: a pie of totals,
 * line or stacked-area time series on an absolute-time axis labelled in Oslo
 * local time, and a wind rose (`elhub snowdrift -o rose.png`). Nothing here reads a store or writes
 * a file (chart/output.h does files); the tick and layout helpers are pure and unit-tested. */
#ifndef ELHUB_CHART_H
#define ELHUB_CHART_H

#include "err.h"

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

/* CHART_ROSE: one item whose v holds nt (CHART_ROSE_SECTORS) values, one
 * per compass sector (0 = N, then clockwise), each drawn as a wedge whose
 * radius is proportional to its value (none for 0), with rings labelled in
 * c->unit; t is unused. */
enum chart_kind { CHART_PIE, CHART_LINE, CHART_AREA, CHART_ROSE };
#define CHART_ROSE_SECTORS 16
enum chart_theme { CHART_THEME_LIGHT, CHART_THEME_DARK };

struct chart_rgb {
    double r, g, b; /* 0..1 */
};

/* One pie slice or one time series. Everything is borrowed from the caller. */
struct chart_item {
    const char *label;      /* legend label ("Hydro") */
    struct chart_rgb color; /* the group's colour (present.h) */
    double total;           /* kWh: the slice value, or the series' sum */
    const double *v;        /* series only: nt values in kWh, NAN = no data */
    /* Series: nt flags, nonzero where the bucket is partial (fewer hours
     * present than the bucket has inside the period): drawn as a hollow
     * marker. NULL = none is. */
    const unsigned char *partial;
    /* Pie: how much of the period the group covers ("31 of 365 days"),
     * shown after its share in the legend; NULL = not shown. */
    const char *detail;
};

/* A span of time drawn as one light band behind the series: hours missing
 * for the selected groups, merged. */
struct chart_band {
    int64_t from, to; /* [from, to), UTC seconds */
};

/* A chart. Items are drawn in the order given (pie: clockwise from 12
 * o'clock; area: stacked bottom up, at each instant, a missing value
 * counting 0). All strings are borrowed. */
struct chart {
    enum chart_kind kind;
    enum chart_theme theme;
    const char *title;
    const char *value_name; /* "Production": the y axis reads "Production (GWh per day)" */
    const char *per;        /* "hour", "day", ...: the y unit's denominator; NULL for a pie */
    const char *note;       /* small footer text (attribution); may be NULL */
    double width, height;   /* user units (CSS pixels); see CHART_MIN_* */
    const struct chart_item *items;
    size_t nitems;
    const int64_t *t; /* series: nt instants (UTC seconds), ascending, where
                       * value j is drawn (the caller picks, e.g. bucket middles) */
    size_t nt;
    int64_t from, to; /* series: the x range, from < to */
    const char *unit; /* the values' unit (the dataset's, "kWh"), scaled by present.h;
                       * NULL means kWh */
    /* Series: the values are kWh per hour, shown as power (kW, MW, GW: the
     * y axis reads "Production (MW)", no `per`). */
    int power;
    const struct chart_band *bands; /* series: missing hours, drawn behind; may be NULL */
    size_t nbands;
    const char *const *notes; /* lines of explanation above the footer, wrapped to fit */
    size_t nnotes;
};
#define CHART_MIN_WIDTH 320
/* A chart file's size when none is asked for (CSS pixels, at 96 dpi), for
 * elhub plot, elhub analyze -o and elhub plot METHOD alike. */
#define CHART_DEFAULT_WIDTH 1200
#define CHART_DEFAULT_HEIGHT 675
#define CHART_DEFAULT_DPI 96
#define CHART_MIN_HEIGHT 240

/* Draws c onto cr, whose user space must measure c->width x c->height (the
 * caller scales for DPI). Returns 0, or -1 with e set (ERR_USAGE for a chart
 * that cannot be drawn: too small, no items, a series without points;
 * ERR_CHART with the cairo status if cairo failed). Does not finish or
 * flush the surface. */
int chart_draw(const struct chart *c, cairo_t *cr, struct err *e);

/* A piece of text as chart_draw_text placed it, for a back end that keeps
 * text as text (SVG <text>): the baseline point at the anchor, in device
 * units, the size in device units, and the rotation. */
struct chart_text {
    double x, y;
    double size;
    int bold;
    int anchor;   /* 0 start, 1 middle, 2 end (SVG text-anchor) */
    double angle; /* degrees, clockwise (SVG rotate()) about (x, y) */
    struct chart_rgb color;
    char *s; /* owned by the list */
};

struct chart_texts {
    struct chart_text *v;
    size_t n, cap;
};

/* chart_draw, except that no glyph is drawn: every piece of text is laid
 * out exactly as chart_draw would (measured with the same font) and
 * appended to *texts instead. Release texts with chart_texts_release
 * (also after a failure). */
int chart_draw_text(const struct chart *c, cairo_t *cr, struct chart_texts *texts, struct err *e);
void chart_texts_release(struct chart_texts *t);

/* The font family every chart is drawn (and every SVG <text> names). */
#define CHART_FONT "DejaVu Sans"

/* Process teardown: drops cairo's font caches and fontconfig's
 * configuration so leak checkers see a clean exit. Call once, after the last
 * chart_draw, from the main thread with no cairo object alive; drawing again
 * afterwards reloads the fonts. */
void chart_release_fonts(void);

/* ---- drawing helpers for other chart files (chart/analysis.c) ----------
 * So every chart file looks alike and an SVG keeps its words as <text>:
 * the theme's colours, the font, the sizes, and one way to place text.
 * Thread-safe: they touch only the cairo context given (one per thread). */

/* The colours of a theme: background, text, secondary text, grid lines and
 * axis lines. Static storage. */
struct chart_palette {
    struct chart_rgb bg, fg, muted, grid, axis;
};
const struct chart_palette *chart_palette(enum chart_theme t);

/* The sizes chart_draw uses (user units, CSS pixels). */
#define CHART_MARGIN 18.0
#define CHART_TITLE_SIZE 20.0
#define CHART_LABEL_SIZE 13.0
#define CHART_TICK_SIZE 12.0
#define CHART_NOTE_SIZE 10.0

/* "#rrggbb" (present.h's colours) as 0..1 components. */
struct chart_rgb chart_rgb_hex(const char *hex);
/* c as cr's source colour (opaque). */
void chart_set_rgb(cairo_t *cr, struct chart_rgb c);
/* Selects CHART_FONT at size (user units), bold or not, on cr. */
void chart_font(cairo_t *cr, double size, int bold);
/* The advance width of s in cr's current font (user units). */
double chart_text_width(cairo_t *cr, const char *s);
/* Draws s in cr's current font and source colour with its anchor at
 * (x, y): halign 0 left, 0.5 centre, 1 right; y is the vertical middle of
 * the font's capitals. While a list is being collected on cr
 * (chart_texts_collect), the text is recorded there instead of drawn. */
void chart_text(cairo_t *cr, double x, double y, const char *s, double halign);
/* From now on, chart_text on cr records into texts instead of drawing
 * (texts borrowed until the call that passes NULL, which stops it).
 * chart_draw_text is chart_draw between these two calls. */
void chart_texts_collect(cairo_t *cr, struct chart_texts *texts);

/* ---- pure helpers (exposed for tests) ---------------------------------- */

/* Evenly spaced "nice" values (1, 2, 2.5 or 5 times a power of ten) covering
 * [lo, hi]: first <= lo, first + (n-1) * step >= hi, n <= max_ticks + 1 and
 * n >= 2. decimals is how many fraction digits a label needs to show step
 * exactly. lo == hi is widened; max_ticks < 1 is treated as 1. */
struct chart_ticks {
    double first, step;
    int n;
    int decimals;
};
void chart_nice_ticks(double lo, double hi, int max_ticks, struct chart_ticks *out);

/* Formats a tick value with the given decimals ("2.5", "1 000" is not used:
 * plain digits). Returns the length written (snprintf semantics). */
int chart_format_tick(double v, int decimals, char *out, size_t n);

/* Formats a share 0..1 as a percentage a reader can compare:
 * present_format_share ("95.8 %", "2.9 %", "0.08 %", "<0.01 %", "0 %"). */
int chart_format_percent(double share, char *out, size_t n);

/* Ticks for an absolute-time axis [from, to], on Oslo local calendar
 * boundaries: the finest of 1/2/3/6/12 hours, 1/2 days, weeks (Mondays),
 * 1/2/3/6 months, 1/2/5/10 years that gives at most max_ticks major ticks.
 * Minor ticks (days under 2-day or week majors, months under 2/3/6-month
 * majors) are given when there are at most CHART_MAX_MINOR of them. Labels
 * are Oslo local: "06:00" (hours; a tick at local midnight shows the date
 * "31 Oct"), "31 Oct" (days, weeks), "Oct" ("Jan 2022" at a January and on
 * the first tick), "2021" (years). On the autumn DST day the hour ticks are
 * by absolute time, so 02:00 can appear twice. */
#define CHART_MAX_TICKS 64
#define CHART_MAX_MINOR 400
#define CHART_TICK_LABEL 16
struct chart_time_ticks {
    int64_t t[CHART_MAX_TICKS];
    char label[CHART_MAX_TICKS][CHART_TICK_LABEL];
    size_t n;
    int64_t minor[CHART_MAX_MINOR];
    size_t nminor;
    const char *unit; /* "hour", "day", "week", "month", "year": the major unit */
    int every;        /* major tick every `every` units */
};
void chart_time_ticks(int64_t from, int64_t to, int max_ticks, struct chart_time_ticks *out);

/* Pie label placement. Slices start at 12 o'clock and go clockwise; slice i
 * spans share values[i] / sum. A slice of at least min_inside of the pie
 * gets its label inside (at 0.62 r); smaller slices get an outside label
 * joined by a leader line, on the side of the slice's middle, pushed apart
 * vertically so labels on one side are at least line_h apart and stay in
 * [top, bottom] when that is possible. Zero and negative values get no
 * label (inside = -1). */
struct chart_pie_label {
    double a0, a1; /* slice angles in cairo radians (0 = 3 o'clock, clockwise) */
    double share;  /* 0..1 */
    int inside;    /* 1 inside, 0 outside with a leader, -1 no label */
    double x, y;   /* label anchor: inside = centre; outside = the text's
                    * left (right side) or right (left side) end, mid-height */
    double rim_x, rim_y, elbow_x, elbow_y; /* the leader line (outside only) */
    int right;                             /* outside: 1 if on the right side */
};
void chart_pie_layout(const double *values, size_t n, double cx, double cy, double r, double line_h,
                      double top, double bottom, double min_inside, struct chart_pie_label *out);

#endif
