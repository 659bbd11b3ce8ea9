/* chart output: renders a struct chart into a PNG, SVG or PDF file chosen by
 * the file's extension. The file appears whole or not at all: it is written
 * to a temporary file in the same directory and renamed over the target. */
#ifndef ELHUB_CHART_OUTPUT_H
#define ELHUB_CHART_OUTPUT_H

#include "chart/chart.h"
#include "err.h"

enum chart_format { CHART_PNG, CHART_SVG, CHART_PDF };

/* The format named by path's extension (".png", ".svg", ".pdf", any case).
 * -1 with e (ERR_USAGE) for a missing or unknown extension. */
int chart_format_from_path(const char *path, enum chart_format *out, struct err *e);
/* "PNG", "SVG", "PDF". */
const char *chart_format_name(enum chart_format f);

/* Draws c into path. c->width x c->height are CSS pixels (1/96 inch): a PNG
 * gets round(size * dpi / 96) pixels with everything scaled alike; SVG and
 * PDF are vector pages of that physical size (dpi is ignored). The SVG's
 * words are real <text> elements (cairo 1.16 would draw them as glyph
 * outlines; they are laid out by cairo and written by us), plus the title
 * and the legend labels as <title>/<desc>; the PDF carries the title as
 * metadata and its text as fonts, as cairo writes it.
 * On failure (e: ERR_SYS with errno for the file, ERR_CHART with the cairo
 * status, ERR_USAGE for a size beyond LIMIT_PLOT_PIXELS) nothing is left
 * at path: an existing file there is untouched. */
int chart_output_write(const struct chart *c, const char *path, double dpi, struct err *e);

/* Any drawing as a page, the one writer of chart files: draw paints a
 * width x height (CSS pixels) user space on cr (arg passed through; for an
 * SVG, cr collects its chart_text calls, chart.h, which become <text>);
 * title and desc (borrowed) go into the SVG's <title>/<desc> and the title
 * into the PDF's metadata, creator into the PDF's (NULL: "elhub plot").
 * Written to path by its extension as chart_output_write describes, with
 * its errors; chart_output_write is this page with chart_draw. */
struct chart_page {
    double width, height;
    const char *title, *desc, *creator;
    int (*draw)(void *arg, cairo_t *cr, struct err *e);
    void *arg;
};
int chart_output_page(const struct chart_page *pg, const char *path, double dpi, struct err *e);

#endif
