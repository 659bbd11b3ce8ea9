/* chart output: renders a chart to PNG, SVG or PDF bytes in memory through
 * cairo's stream surfaces, then writes them to a temporary file beside the
 * target and renames it into place. */
#include "chart/output.h"

#include "fileout.h"
#include "timeutil.h"

#include "buf.h"
#include "caps.h"
#include "mem.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_names[] = {"PNG", "SVG", "PDF"};

const char *chart_format_name(enum chart_format f)
{
    return format_names[f];
}

int chart_format_from_path(const char *path, enum chart_format *out, struct err *e)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    *out = CHART_PNG;
    if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1))
        return err_set(e, ERR_USAGE, 0,
                       "cannot tell the format of \"%s\": name it .png, .svg or .pdf", path);
    for (int f = CHART_PNG; f <= CHART_PDF; f++) {
        if (strcasecmp(dot + 1, format_names[f]) == 0) {
            *out = (enum chart_format)f;
            return 0;
        }
    }
    return err_set(e, ERR_USAGE, 0, "unknown file type \"%s\" in \"%s\": use .png, .svg or .pdf",
                   dot, path);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    return buf_append(closure, data, length) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static int cairo_fail(struct err *e, cairo_status_t st, const char *what)
{
    if (st == CAIRO_STATUS_WRITE_ERROR)
        return err_set(e, ERR_CHART, st, "%s: the file would exceed %u MB", what,
                       LIMIT_PLOT_FILE / (1024 * 1024));
    return err_set(e, ERR_CHART, st, "%s: %s", what, cairo_status_to_string(st));
}

/* Appends s with XML's five special characters escaped. */
static void xml_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&apos;");
            break;
        default:
            buf_append(b, s, 1);
        }
    }
}

/* One <text> element for t: real text a reader can search, select and
 * edit, at the place cairo measured for it. */
static void svg_text(struct buf *b, const struct chart_text *t)
{
    static const char *const anchors[] = {"start", "middle", "end"};
    buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"%s, sans-serif\" font-size=\"%.2f\"",
               t->x, t->y, CHART_FONT, t->size);
    if (t->bold)
        buf_puts(b, " font-weight=\"bold\"");
    if (t->anchor)
        buf_printf(b, " text-anchor=\"%s\"", anchors[t->anchor]);
    buf_printf(b, " fill=\"rgb(%d,%d,%d)\"", (int)lround(t->color.r * 255),
               (int)lround(t->color.g * 255), (int)lround(t->color.b * 255));
    if (fabs(t->angle) > 1e-9)
        buf_printf(b, " transform=\"rotate(%.2f %.2f %.2f)\"", t->angle, t->x, t->y);
    buf_puts(b, ">");
    xml_escape(b, t->s);
    buf_puts(b, "</text>\n");
}

/* Inserts <title> and <desc> right after the root <svg ...> tag, so the
 * chart's words are in the file for search, screen readers and tests, and
 * the chart's texts as <text> elements before the closing </svg>, on top
 * of everything cairo drew. */
static int svg_add_text(const struct chart_page *pg, const struct chart_texts *texts,
                        struct buf *svg, struct err *e)
{
    const char *root = strstr(svg->p ? svg->p : "", "<svg"), *end, *close;
    struct buf out;
    size_t head, tail;
    int ret = -1;

    if (!root || !(end = strchr(root, '>')))
        return err_set(e, ERR_CHART, 0, "cairo wrote an SVG without a root element");
    close = svg->p + svg->len;
    while (close > end && strncmp(close, "</svg>", 6) != 0)
        close--;
    if (close <= end)
        return err_set(e, ERR_CHART, 0, "cairo wrote an SVG without a closing </svg>");
    head = (size_t)(end + 1 - svg->p);
    tail = (size_t)(close - svg->p);
    buf_init(&out, LIMIT_PLOT_FILE);
    buf_append(&out, svg->p, head);
    buf_puts(&out, "\n<title>");
    xml_escape(&out, pg->title ? pg->title : "");
    buf_puts(&out, "</title>\n<desc>");
    xml_escape(&out, pg->desc ? pg->desc : "");
    buf_puts(&out, "</desc>");
    buf_append(&out, svg->p + head, tail - head);
    for (size_t i = 0; i < texts->n; i++)
        svg_text(&out, &texts->v[i]);
    if (buf_append(&out, svg->p + tail, svg->len - tail) < 0) {
        err_set(e, ERR_CHART, 0, "the SVG would exceed %u MB", LIMIT_PLOT_FILE / (1024 * 1024));
        goto out;
    }
    buf_release(svg);
    *svg = out;
    buf_init(&out, LIMIT_PLOT_FILE);
    ret = 0;
out:
    buf_release(&out);
    return ret;
}

static int render(const struct chart_page *c, enum chart_format f, double dpi, struct buf *out,
                  struct err *e)
{
    cairo_surface_t *sf = NULL;
    cairo_t *cr = NULL;
    cairo_status_t st;
    struct chart_texts texts = {NULL, 0, 0};
    double scale = 1;
    int ret = -1;

    switch (f) {
    case CHART_PNG: {
        double pw = round(c->width * dpi / 96), ph = round(c->height * dpi / 96);
        if (!(pw >= 1 && ph >= 1 && pw <= LIMIT_PLOT_PIXELS && ph <= LIMIT_PLOT_PIXELS))
            return err_set(e, ERR_USAGE, 0,
                           "a %gx%g chart at %g dpi is %.0fx%.0f pixels; the most is %d per side",
                           c->width, c->height, dpi, pw, ph, LIMIT_PLOT_PIXELS);
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)pw, (int)ph);
        scale = dpi / 96;
        break;
    }
    case CHART_SVG:
        /* Unit px: the document measures width x height CSS pixels, 1:1. */
        sf = cairo_svg_surface_create_for_stream(to_buf, out, c->width, c->height);
        cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
        break;
    case CHART_PDF:
        /* PDF pages are in points (1/72 inch); a CSS pixel is 0.75 pt. */
        sf = cairo_pdf_surface_create_for_stream(to_buf, out, c->width * 0.75, c->height * 0.75);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, c->title ? c->title : "");
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
                                       c->creator ? c->creator : "elhub plot");
        scale = 0.75;
        break;
    }
    st = cairo_surface_status(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_fail(e, st, "cannot create the drawing surface");
        goto out;
    }
    cr = cairo_create(sf);
    cairo_scale(cr, scale, scale);
    /* SVG: cairo 1.16 writes text only as glyph outlines (<symbol> paths
     * placed by <use>; cairo-svg.h has no option for <text>), so the chart
     * is drawn without its text and the text is written as <text>. */
    if (f == CHART_SVG)
        chart_texts_collect(cr, &texts);
    if (c->draw(c->arg, cr, e) < 0)
        goto out;
    cairo_destroy(cr);
    cr = NULL;
    if (f == CHART_PNG)
        st = cairo_surface_write_to_png_stream(sf, to_buf, out);
    else {
        cairo_surface_finish(sf);
        st = cairo_surface_status(sf);
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_fail(e, st, "cannot encode the chart");
        goto out;
    }
    if (f == CHART_SVG && svg_add_text(c, &texts, out, e) < 0)
        goto out;
    ret = 0;
out:
    if (cr)
        cairo_destroy(cr);
    if (sf)
        cairo_surface_destroy(sf);
    chart_texts_release(&texts);
    return ret;
}

/* Writes len bytes to path through fileout: whole or not at all, symlinks
 * followed, FIFOs and devices written into. Messages say "cannot write". */
static int write_file(const char *path, const char *data, size_t len, struct err *e)
{
    struct fileout o;
    if (fileout_open(&o, path, e) < 0)
        return err_prefix(e, "cannot write %s", path);
    if (len && fwrite(data, 1, len, o.f) != len) {
        fileout_abort(&o);
        return err_set(e, ERR_SYS, errno, "cannot write %s: %s", path, strerror(errno));
    }
    if (fileout_commit(&o, e) < 0)
        return err_prefix(e, "cannot write %s", path);
    return 0;
}

int chart_output_page(const struct chart_page *pg, const char *path, double dpi, struct err *e)
{
    enum chart_format f;
    struct buf data;
    int ret = -1;

    if (chart_format_from_path(path, &f, e) < 0)
        return -1;
    if (!(dpi >= 1 && dpi <= 2400))
        return err_set(e, ERR_USAGE, 0, "dpi %g is out of range (1-2400)", dpi);
    buf_init(&data, LIMIT_PLOT_FILE);
    if (render(pg, f, dpi, &data, e) < 0)
        goto out;
    if (write_file(path, data.p ? data.p : "", data.len, e) < 0)
        goto out;
    ret = 0;
out:
    buf_release(&data);
    return ret;
}

static int draw_chart(void *arg, cairo_t *cr, struct err *e)
{
    return chart_draw(arg, cr, e);
}

/* A struct chart as a page: its SVG <desc> is "Legend: a, b." and the note. */
int chart_output_write(const struct chart *c, const char *path, double dpi, struct err *e)
{
    struct chart_page pg = {c->width, c->height, c->title, NULL, NULL, draw_chart, (void *)c};
    struct buf desc;
    int ret;

    buf_init(&desc, LIMIT_PLOT_FILE);
    buf_puts(&desc, "Legend: ");
    for (size_t i = 0; i < c->nitems; i++) {
        if (i)
            buf_puts(&desc, ", ");
        buf_puts(&desc, c->items[i].label);
    }
    buf_puts(&desc, ".");
    if (c->note) {
        buf_puts(&desc, " ");
        buf_puts(&desc, c->note);
    }
    pg.desc = desc.p;
    ret = chart_output_page(&pg, path, dpi, e);
    buf_release(&desc);
    return ret;
}
