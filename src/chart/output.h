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
 * PDF are vector pages of that physical size (dpi is ignored). The SVG also
 * carries the title and the legend labels as <title>/<desc> text, since
 * cairo draws glyphs as outlines; the PDF carries the title as metadata.
 * On failure (e: ERR_SYS with errno for the file, ERR_CHART with the cairo
 * status, ERR_USAGE for a size beyond LIMIT_PLOT_PIXELS) nothing is left
 * at path: an existing file there is untouched. */
int chart_output_write(const struct chart *c, const char *path, double dpi, struct err *e);

/* Any drawing, written the same way: c->width x c->height become
 * width x height, the SVG's <title> and <desc> carry title and desc (the
 * words the drawing shows as outlines), the PDF's metadata title and
 * creator ("elhub plot", "elhub forecast"), and draw(ctx, cr, e) draws
 * onto a context whose user space measures width x height (the same
 * contract as chart_draw). All strings and ctx are borrowed for the call. */
struct chart_drawing {
    double width, height;
    const char *title, *desc, *creator;
    int (*draw)(const void *ctx, cairo_t *cr, struct err *e);
    const void *ctx;
};
int chart_output_write_drawing(const struct chart_drawing *d, const char *path, double dpi,
                               struct err *e);

#endif
