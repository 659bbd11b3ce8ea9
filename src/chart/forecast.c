/* chart/forecast: layout and cairo drawing of a forecast chart (history,
 * forecast mean, interval band), and its file output through
 * chart_output_write_drawing. The axis arithmetic is ticks.c's; colours,
 * labels and units come from present.h. */
#include "chart/forecast.h"

#include "chart/output.h"
#include "mem.h"
#include "present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define MARGIN 18.0
#define TITLE_SIZE 20.0
#define LABEL_SIZE 13.0
#define TICK_SIZE 12.0
#define NOTE_SIZE 10.0
#define SWATCH 14.0
#define HOUR 3600

/* The light theme of `elhub plot`: background, text, muted text, grid,
 * axis; and the forecast's own ink (the mean line, the origin rule). */
static const struct chart_rgb BG = {1, 1, 1}, FG = {0.13, 0.13, 0.13}, MUTED = {0.40, 0.40, 0.40},
                              GRID = {0.90, 0.90, 0.90}, AXIS = {0.35, 0.35, 0.35};
#define BAND_ALPHA 0.25

static void ink(cairo_t *cr, struct chart_rgb c, double alpha)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

static void face(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double width_of(cairo_t *cr, const char *s)
{
    cairo_text_extents_t ex;
    cairo_text_extents(cr, s, &ex);
    return ex.x_advance;
}

/* s anchored at x (align 0 left, 0.5 centre, 1 right), y the middle of the
 * capitals. */
static void label(cairo_t *cr, double x, double y, const char *s, double align)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_move_to(cr, x - align * width_of(cr, s), y + (fe.ascent - fe.descent) / 2);
    cairo_show_text(cr, s);
}

static void range_of(const double *v, size_t n, double *lo, double *hi, int *any)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        *lo = *any ? fmin(*lo, v[i]) : v[i];
        *hi = *any ? fmax(*hi, v[i]) : v[i];
        *any = 1;
    }
}

/* The value ticks and unit of c (ticks in the shown unit). */
static int value_axis(const struct chart_forecast *c, double plot_h, struct chart_ticks *yt,
                      struct present_unit *u, struct err *e)
{
    double lo = 0, hi = 0;
    int any = 0;
    range_of(c->history, c->nhist, &lo, &hi, &any);
    range_of(c->mean, c->h, &lo, &hi, &any);
    range_of(c->lower, c->h, &lo, &hi, &any);
    range_of(c->upper, c->h, &lo, &hi, &any);
    if (!any)
        return err_set(e, ERR_USAGE, 0, "nothing to draw: no finite value");
    if (lo > 0)
        lo = 0; /* energy from zero, as `elhub plot` draws it */
    *u = present_unit_for(c->unit ? c->unit : "kWh", fmax(fabs(lo), fabs(hi)));
    chart_nice_ticks(lo / u->divisor, hi / u->divisor, (int)fmax(2, plot_h / 55), yt);
    return 0;
}

int chart_forecast_layout(const struct chart_forecast *c, cairo_t *cr,
                          struct chart_forecast_layout *out, struct err *e)
{
    struct chart_ticks yt;
    struct present_unit u;
    double tick_w = 0;
    char s[64];

    memset(out, 0, sizeof *out);
    if (c->width < CHART_MIN_WIDTH || c->height < CHART_MIN_HEIGHT)
        return err_set(e, ERR_USAGE, 0, "the chart must be at least %dx%d, not %gx%g",
                       CHART_MIN_WIDTH, CHART_MIN_HEIGHT, c->width, c->height);
    if (!c->nhist || !c->h)
        return err_set(e, ERR_USAGE, 0, "nothing to draw: no observed or no forecast hours");
    out->from = c->t0;
    out->to = c->t0 + HOUR * (int64_t)(c->nhist + c->h);
    out->y0 = MARGIN + TITLE_SIZE + 16 + LABEL_SIZE + 16;
    out->y1 = c->height - MARGIN - NOTE_SIZE - 8 - LABEL_SIZE - 10 - TICK_SIZE - 10;
    if (value_axis(c, out->y1 - out->y0, &yt, &u, e) < 0)
        return -1;
    face(cr, TICK_SIZE, 0);
    for (int k = 0; k < yt.n; k++) {
        chart_format_tick(yt.first + k * yt.step, yt.decimals, s, sizeof s);
        tick_w = fmax(tick_w, width_of(cr, s));
    }
    out->x0 = MARGIN + LABEL_SIZE + 10 + tick_w + 8;
    out->x1 = c->width - MARGIN - 8;
    out->vlo = yt.first * u.divisor;
    out->vhi = (yt.first + yt.step * (yt.n - 1)) * u.divisor;
    if (out->x1 - out->x0 < 100 || out->y1 - out->y0 < 60)
        return err_set(e, ERR_USAGE, 0, "the chart is too small for its axes: make it larger");
    return 0;
}

static double x_at(const struct chart_forecast_layout *l, int64_t t)
{
    return l->x0 + (l->x1 - l->x0) * (double)(t - l->from) / (double)(l->to - l->from);
}

static double y_at(const struct chart_forecast_layout *l, double v)
{
    return l->y1 - (l->y1 - l->y0) * (v - l->vlo) / (l->vhi - l->vlo);
}

/* A polyline through the finite values v[0..n) at hours t0 + 3600 (first
 * + i); a missing value breaks it. */
static void polyline(cairo_t *cr, const struct chart_forecast_layout *l, int64_t t0, size_t first,
                     const double *v, size_t n)
{
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        double x = x_at(l, t0 + HOUR * (int64_t)(first + i));
        if (!isfinite(v[i])) {
            pen = 0;
            continue;
        }
        if (pen)
            cairo_line_to(cr, x, y_at(l, v[i]));
        else
            cairo_move_to(cr, x, y_at(l, v[i]));
        pen = 1;
    }
}

/* The legend row under the title: observed, forecast, interval. */
static void legend(const struct chart_forecast *c, cairo_t *cr, double y)
{
    char band[48], obs[96];
    const char *text[3];
    double w = 0, x, gap = 22;

    snprintf(obs, sizeof obs, "%s (observed)", c->label ? c->label : "Observed");
    snprintf(band, sizeof band, "%g%% interval", round(c->level * 1000) / 10);
    text[0] = obs;
    text[1] = "Forecast (mean)";
    text[2] = band;
    face(cr, LABEL_SIZE, 0);
    for (int i = 0; i < 3; i++)
        w += SWATCH + 6 + width_of(cr, text[i]) + (i < 2 ? gap : 0);
    x = (c->width - w) / 2;
    for (int i = 0; i < 3; i++) {
        cairo_set_line_width(cr, 2.5);
        if (i == 0) {
            ink(cr, c->color, 1);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + SWATCH, y);
            cairo_stroke(cr);
        } else if (i == 1) {
            double dash[] = {5, 3};
            ink(cr, FG, 1);
            cairo_set_dash(cr, dash, 2, 0);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + SWATCH, y);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        } else {
            ink(cr, c->color, BAND_ALPHA);
            cairo_rectangle(cr, x, y - SWATCH / 2, SWATCH, SWATCH);
            cairo_fill(cr);
        }
        ink(cr, FG, 1);
        label(cr, x + SWATCH + 6, y, text[i], 0);
        x += SWATCH + 6 + width_of(cr, text[i]) + gap;
    }
}

int chart_forecast_draw(const struct chart_forecast *c, cairo_t *cr, struct err *e)
{
    struct chart_forecast_layout l;
    struct chart_time_ticks *xt = NULL;
    struct chart_ticks yt;
    struct present_unit u;
    int64_t origin = c->t0 + HOUR * (int64_t)c->nhist;
    double xo, dash[] = {6, 4};
    char s[64], ylabel[128];
    cairo_status_t st;
    int ret = -1;

    if (chart_forecast_layout(c, cr, &l, e) < 0)
        return -1;
    value_axis(c, l.y1 - l.y0, &yt, &u, NULL);
    xt = xcalloc(1, sizeof *xt);
    cairo_save(cr);
    ink(cr, BG, 1);
    cairo_paint(cr);

    ink(cr, FG, 1);
    face(cr, TITLE_SIZE, 1);
    label(cr, c->width / 2, MARGIN + TITLE_SIZE / 2, c->title ? c->title : "", 0.5);
    if (c->note) {
        ink(cr, MUTED, 1);
        face(cr, NOTE_SIZE, 0);
        label(cr, c->width - MARGIN, c->height - MARGIN / 2 - NOTE_SIZE / 2, c->note, 1);
    }
    legend(c, cr, MARGIN + TITLE_SIZE + 16 + LABEL_SIZE / 2);

    /* Grid, value ticks and time ticks (absolute time, Oslo labels). */
    cairo_set_line_width(cr, 1);
    face(cr, TICK_SIZE, 0);
    for (int k = 0; k < yt.n; k++) {
        double v = yt.first + k * yt.step, y = round(y_at(&l, v * u.divisor)) + 0.5;
        ink(cr, GRID, 1);
        cairo_move_to(cr, l.x0, y);
        cairo_line_to(cr, l.x1, y);
        cairo_stroke(cr);
        ink(cr, FG, 1);
        chart_format_tick(v, yt.decimals, s, sizeof s);
        label(cr, l.x0 - 6, y, s, 1);
    }
    chart_time_ticks(l.from, l.to, (int)fmax(2, (l.x1 - l.x0) / 78), xt);
    ink(cr, GRID, 1);
    for (size_t k = 0; k < xt->n; k++) {
        double x = round(x_at(&l, xt->t[k])) + 0.5;
        cairo_move_to(cr, x, l.y0);
        cairo_line_to(cr, x, l.y1);
    }
    cairo_stroke(cr);

    /* The data, clipped to the plot area: band, history, mean, origin. */
    cairo_save(cr);
    cairo_rectangle(cr, l.x0, l.y0, l.x1 - l.x0, l.y1 - l.y0);
    cairo_clip(cr);
    ink(cr, c->color, BAND_ALPHA);
    for (size_t j = 0; j < c->h; j++) {
        double x = x_at(&l, origin + HOUR * (int64_t)j);
        if (j == 0)
            cairo_move_to(cr, x, y_at(&l, c->upper[j]));
        else
            cairo_line_to(cr, x, y_at(&l, c->upper[j]));
    }
    for (size_t j = c->h; j-- > 0;)
        cairo_line_to(cr, x_at(&l, origin + HOUR * (int64_t)j), y_at(&l, c->lower[j]));
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, 1.5);
    ink(cr, c->color, 1);
    polyline(cr, &l, c->t0, 0, c->history, c->nhist);
    cairo_stroke(cr);
    ink(cr, FG, 1);
    cairo_set_dash(cr, dash, 2, 0);
    polyline(cr, &l, c->t0, c->nhist, c->mean, c->h);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    xo = round(x_at(&l, origin)) + 0.5;
    ink(cr, MUTED, 1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, xo, l.y0);
    cairo_line_to(cr, xo, l.y1);
    cairo_stroke(cr);
    cairo_restore(cr);

    /* Axes, tick marks and labels. */
    ink(cr, AXIS, 1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, l.x0 + 0.5, l.y0);
    cairo_line_to(cr, l.x0 + 0.5, l.y1 + 0.5);
    cairo_line_to(cr, l.x1, l.y1 + 0.5);
    for (size_t k = 0; k < xt->n; k++) {
        double x = round(x_at(&l, xt->t[k])) + 0.5;
        cairo_move_to(cr, x, l.y1);
        cairo_line_to(cr, x, l.y1 + 6);
    }
    for (size_t k = 0; k < xt->nminor; k++) {
        double x = round(x_at(&l, xt->minor[k])) + 0.5;
        cairo_move_to(cr, x, l.y1);
        cairo_line_to(cr, x, l.y1 + 3);
    }
    cairo_stroke(cr);
    ink(cr, FG, 1);
    face(cr, TICK_SIZE, 0);
    for (size_t k = 0; k < xt->n; k++)
        label(cr, x_at(&l, xt->t[k]), l.y1 + 8 + TICK_SIZE / 2, xt->label[k], 0.5);
    face(cr, LABEL_SIZE, 0);
    label(cr, (l.x0 + l.x1) / 2, l.y1 + 8 + TICK_SIZE + 10 + LABEL_SIZE / 2, "Time (Europe/Oslo)",
          0.5);
    snprintf(ylabel, sizeof ylabel, "%s (%s per hour)", c->value_name ? c->value_name : "Energy",
             u.name);
    cairo_save(cr);
    cairo_translate(cr, MARGIN + LABEL_SIZE / 2, (l.y0 + l.y1) / 2);
    cairo_rotate(cr, -M_PI / 2);
    label(cr, 0, 0, ylabel, 0.5);
    cairo_restore(cr);
    cairo_restore(cr);

    st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS)
        err_set(e, ERR_CHART, st, "drawing failed: %s", cairo_status_to_string(st));
    else
        ret = 0;
    free(xt);
    return ret;
}

static int draw(const void *ctx, cairo_t *cr, struct err *e)
{
    return chart_forecast_draw(ctx, cr, e);
}

int chart_forecast_write(const struct chart_forecast *c, const char *path, double dpi,
                         struct err *e)
{
    char desc[512], band[32];
    struct chart_drawing d = {c->width, c->height, c->title, desc, "elhub forecast", draw, c};

    snprintf(band, sizeof band, "%g%% interval", round(c->level * 1000) / 10);
    snprintf(desc, sizeof desc, "Legend: %s (observed), Forecast (mean), %s.%s%s",
             c->label ? c->label : "Observed", band, c->note ? " " : "", c->note ? c->note : "");
    return chart_output_write_drawing(&d, path, dpi, e);
}
