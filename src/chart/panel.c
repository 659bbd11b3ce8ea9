/* chart/panel: the shared panel pieces of the chart files of computed
 * results (chart/panel.h): value axes, frames, the Oslo time axis, lines,
 * bands, the heading and a series' words. */
#include "chart/panel.h"

#include "present.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

void chart_panel_widen(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
    }
}

void chart_panel_axis(struct chart_analysis_panel *p, const char *unit, double lo, double hi,
                      double umax)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (isnan(umax))
        umax = fmax(fabs(lo), fabs(hi));
    p->unit = unit ? present_unit_pick(unit, PRESENT_POWER, umax) : (struct present_unit){"", 1};
    chart_nice_ticks(lo / p->unit.divisor, hi / p->unit.divisor, (int)fmax(2, (p->y1 - p->y0) / 45),
                     &p->ticks);
    p->lo = p->ticks.first * p->unit.divisor;
    p->hi = (p->ticks.first + (p->ticks.n - 1) * p->ticks.step) * p->unit.divisor;
}

void chart_panel_axis_label(const struct chart_analysis_panel *p, const char *name, char *out,
                            size_t n)
{
    if (p->unit.name && *p->unit.name)
        snprintf(out, n, "%s (%s)", name, p->unit.name);
    else
        snprintf(out, n, "%s", name);
}

void chart_panel_frame(const struct chart_panel_ctx *c, size_t k, const char *label)
{
    cairo_t *cr = c->cr;
    const struct chart_analysis_panel *p = &c->l->p[k];
    char s[64];

    cairo_set_line_width(cr, 1);
    chart_font(cr, CHART_TICK_SIZE, 0);
    for (int i = 0; i < p->ticks.n; i++) {
        double v = p->ticks.first + i * p->ticks.step;
        double y = chart_analysis_y(c->l, k, v * p->unit.divisor);
        chart_set_rgb(cr, c->th->grid);
        cairo_move_to(cr, p->x0, round(y) + 0.5);
        cairo_line_to(cr, p->x1, round(y) + 0.5);
        cairo_stroke(cr);
        chart_set_rgb(cr, c->th->fg);
        chart_format_tick(v, p->ticks.decimals, s, sizeof s);
        chart_text(cr, p->x0 - 6, y, s, 1);
    }
    chart_set_rgb(cr, c->th->grid);
    for (size_t i = 0; i < c->xt->n; i++) {
        double x = round(chart_analysis_x(c->l, c->xt->t[i])) + 0.5;
        cairo_move_to(cr, x, p->y0);
        cairo_line_to(cr, x, p->y1);
    }
    cairo_stroke(cr);
    chart_font(cr, CHART_LABEL_SIZE, 0);
    chart_set_rgb(cr, c->th->fg);
    cairo_save(cr);
    cairo_translate(cr, CHART_MARGIN + CHART_LABEL_SIZE / 2, (p->y0 + p->y1) / 2);
    cairo_rotate(cr, -PI / 2);
    chart_text(cr, 0, 0, label, 0.5);
    cairo_restore(cr);
}

void chart_panel_axes(const struct chart_panel_ctx *c, size_t k)
{
    cairo_t *cr = c->cr;
    const struct chart_analysis_panel *p = &c->l->p[k];
    int last = k + 1 == c->l->n;

    chart_set_rgb(cr, c->th->axis);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, p->x0 + 0.5, p->y0);
    cairo_line_to(cr, p->x0 + 0.5, p->y1 + 0.5);
    cairo_line_to(cr, p->x1, p->y1 + 0.5);
    for (size_t i = 0; i < c->xt->n; i++) {
        double x = round(chart_analysis_x(c->l, c->xt->t[i])) + 0.5;
        cairo_move_to(cr, x, p->y1);
        cairo_line_to(cr, x, p->y1 + (last ? 6 : 3));
    }
    for (size_t i = 0; last && i < c->xt->nminor; i++) {
        double x = round(chart_analysis_x(c->l, c->xt->minor[i])) + 0.5;
        cairo_move_to(cr, x, p->y1);
        cairo_line_to(cr, x, p->y1 + 3);
    }
    cairo_stroke(cr);
    if (!last)
        return;
    chart_set_rgb(cr, c->th->fg);
    chart_font(cr, CHART_TICK_SIZE, 0);
    for (size_t i = 0; i < c->xt->n; i++)
        chart_text(cr, chart_analysis_x(c->l, c->xt->t[i]), p->y1 + 8 + CHART_TICK_SIZE / 2,
                   c->xt->label[i], 0.5);
    chart_font(cr, CHART_LABEL_SIZE, 0);
    chart_text(cr, (p->x0 + p->x1) / 2, p->y1 + 8 + CHART_TICK_SIZE + 10 + CHART_LABEL_SIZE / 2,
               "Time (Europe/Oslo)", 0.5);
}

void chart_panel_clip(const struct chart_panel_ctx *c, size_t k)
{
    const struct chart_analysis_panel *p = &c->l->p[k];
    cairo_save(c->cr);
    cairo_rectangle(c->cr, p->x0 - CHART_ANALYSIS_MARK_R - 1, p->y0 - CHART_ANALYSIS_MARK_R - 1,
                    p->x1 - p->x0 + 2 * CHART_ANALYSIS_MARK_R + 2,
                    p->y1 - p->y0 + 2 * CHART_ANALYSIS_MARK_R + 2);
    cairo_clip(c->cr);
}

double chart_panel_hour_x(const struct chart_panel_ctx *c, const struct series *s, size_t i)
{
    return chart_analysis_x(c->l, s->start + 3600 * (int64_t)i + 1800);
}

void chart_panel_line(const struct chart_panel_ctx *c, size_t k, const struct series *s,
                      const double *v, struct chart_rgb col, double width)
{
    int pen = 0;
    cairo_set_line_width(c->cr, width);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    chart_set_rgb(c->cr, col);
    for (size_t i = 0; i < s->n; i++) {
        double x = chart_panel_hour_x(c, s, i), y;
        if (!isfinite(v[i])) {
            pen = 0;
            continue;
        }
        y = chart_analysis_y(c->l, k, v[i]);
        if (pen)
            cairo_line_to(c->cr, x, y);
        else
            cairo_move_to(c->cr, x, y);
        pen = 1;
    }
    cairo_stroke(c->cr);
}

void chart_panel_band(const struct chart_panel_ctx *c, size_t k, const struct series *s,
                      const double *lower, const double *upper, struct chart_rgb col, double alpha)
{
    size_t a = 0;
    cairo_set_source_rgba(c->cr, col.r, col.g, col.b, alpha);
    while (a < s->n) {
        size_t z = a;
        while (z < s->n && isfinite(lower[z]) && isfinite(upper[z]))
            z++;
        if (z > a) {
            cairo_new_path(c->cr);
            for (size_t i = a; i < z; i++)
                cairo_line_to(c->cr, chart_panel_hour_x(c, s, i),
                              chart_analysis_y(c->l, k, upper[i]));
            for (size_t i = z; i-- > a;)
                cairo_line_to(c->cr, chart_panel_hour_x(c, s, i),
                              chart_analysis_y(c->l, k, lower[i]));
            cairo_close_path(c->cr);
            cairo_fill(c->cr);
        }
        a = z + 1;
    }
}

void chart_panel_fit_font(cairo_t *cr, double size, int bold, const char *s, double width)
{
    chart_font(cr, size, bold);
    while (size > 8 && chart_text_width(cr, s) > width)
        chart_font(cr, --size, bold);
}

void chart_panel_heading(const struct chart_panel_ctx *c, double width, double height,
                         const char *title, const char *sub, const char *note)
{
    cairo_t *cr = c->cr;
    chart_set_rgb(cr, c->th->bg);
    cairo_paint(cr);
    chart_set_rgb(cr, c->th->fg);
    chart_panel_fit_font(cr, CHART_TITLE_SIZE, 1, title, width - 2 * CHART_MARGIN);
    chart_text(cr, width / 2, CHART_MARGIN + CHART_TITLE_SIZE / 2, title, 0.5);
    chart_set_rgb(cr, c->th->muted);
    chart_panel_fit_font(cr, CHART_LABEL_SIZE, 0, sub, width - 2 * CHART_MARGIN);
    chart_text(cr, width / 2, CHART_MARGIN + CHART_TITLE_SIZE + 14, sub, 0.5);
    chart_font(cr, CHART_NOTE_SIZE, 0);
    chart_text(cr, width - CHART_MARGIN, height - CHART_MARGIN / 2 - CHART_NOTE_SIZE / 2, note, 1);
}

const char *chart_panel_unit(const struct series_spec *spec)
{
    const char *u = dataset_group_unit(spec->ds, spec->group);
    return u ? u : spec->ds->unit;
}

const char *chart_panel_value_name(const struct series_spec *spec)
{
    const struct dataset_var *v = dataset_var_find(spec->ds, spec->group);
    return v ? v->title : spec->ds->title;
}

struct chart_rgb chart_panel_rgb(const struct series_spec *spec)
{
    struct chart_rgb c;
    present_group_rgb(spec->group, &c.r, &c.g, &c.b);
    return c;
}

struct chart_rgb chart_panel_distinct(struct chart_rgb a, struct chart_rgb b,
                                      struct chart_rgb fallback)
{
    if (fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b) < 0.1)
        return fallback;
    return b;
}

const char *chart_panel_attribution(const struct series_spec *const *specs, size_t n)
{
    int elhub = 0, weather = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(specs[i]->ds->source, "elhub") == 0)
            elhub = 1;
        else
            weather = 1;
    }
    if (elhub && weather)
        return "Data: Elhub (CC BY 4.0); weather by Open-Meteo.com (ERA5), CC BY 4.0";
    return elhub ? "Data: Elhub (CC BY 4.0)"
                 : "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0";
}
