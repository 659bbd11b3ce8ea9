/* chart/analysis: lays out and draws the chart of one analysis result
 * (chart/analysis.h) with the chart module's palette, font, text and tick
 * helpers, and writes it through chart_output_page. */
#include "chart/analysis.h"

#include "chart/output.h"
#include "chart/panel.h"
#include "mem.h"
#include "present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

/* ---- small helpers --------------------------------------------------------- */

/* z-scores of v (mean and population σ of its finite values; σ = 0 gives 0)
 * into a new array (caller frees). */
static double *zscores(const double *v, size_t n)
{
    double *z = xmalloc((n ? n : 1) * sizeof *z), sum = 0, ss = 0, mean, sd;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            sum += v[i];
            m++;
        }
    mean = m ? sum / (double)m : 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            ss += (v[i] - mean) * (v[i] - mean);
    sd = m ? sqrt(ss / (double)m) : 0;
    for (size_t i = 0; i < n; i++)
        z[i] = !isfinite(v[i]) ? NAN : sd > 0 ? (v[i] - mean) / sd : 0;
    return z;
}

/* ---- geometry --------------------------------------------------------------- */

double chart_analysis_x(const struct chart_analysis_layout *l, int64_t t)
{
    const struct chart_analysis_panel *p = &l->p[0];
    return p->x0 + (p->x1 - p->x0) * (double)(t - l->from) / (double)(l->to - l->from);
}

double chart_analysis_y(const struct chart_analysis_layout *l, size_t k, double v)
{
    const struct chart_analysis_panel *p = &l->p[k];
    return p->y1 - (p->y1 - p->y0) * (v - p->lo) / (p->hi - p->lo);
}

/* The colour scale of a spectrogram: log10 of the largest power at the
 * top, at most 6 decades below it (or the smallest positive power) at the
 * bottom. */
static void power_scale(const struct spectrogram_result *s, double *clo, double *chi)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < s->nseg * s->nfreq; i++) {
        if (s->power[i] > 0 && isfinite(s->power[i])) {
            lo = fmin(lo, log10(s->power[i]));
            hi = fmax(hi, log10(s->power[i]));
        }
    }
    if (!isfinite(hi)) {
        lo = -1;
        hi = 0;
    }
    lo = fmax(lo, hi - 6);
    if (!(hi > lo))
        lo = hi - 1;
    *clo = lo;
    *chi = hi;
}

int chart_analysis_layout(const struct analysis_request *rq, const struct analysis_data *d,
                          const struct analysis_result *r, const struct chart_analysis_opts *o,
                          struct chart_analysis_layout *out, struct err *e)
{
    static const double weights[][CHART_ANALYSIS_PANELS] = {
        [ANALYSIS_STL] = {1, 1, 1, 1}, [ANALYSIS_SPECTROGRAM] = {1},  [ANALYSIS_OUTLIERS] = {1},
        [ANALYSIS_ANOMALIES] = {2, 1}, [ANALYSIS_CORRELATE] = {2, 1},
    };
    const double *w = weights[rq->method];
    double top = CHART_ANALYSIS_TOP, bottom = o->height - CHART_ANALYSIS_BOTTOM, sum = 0, y;
    double x1 = o->width - CHART_ANALYSIS_RIGHT;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    if (!(o->width >= CHART_MIN_WIDTH && o->height >= CHART_MIN_HEIGHT))
        return err_set(e, ERR_USAGE, 0, "the chart must be at least %dx%d, not %gx%g",
                       CHART_MIN_WIDTH, CHART_MIN_HEIGHT, o->width, o->height);
    if (d->n < 1 || d->s[0].n < 1 || (rq->method == ANALYSIS_CORRELATE && d->n < 2) ||
        !(rq->to > rq->from))
        return err_set(e, ERR_USAGE, 0, "nothing to draw: the series have no points");
    if (rq->method == ANALYSIS_SPECTROGRAM) {
        if (r->spectrogram.nseg < 1 || r->spectrogram.nfreq < 2)
            return err_set(e, ERR_USAGE, 0, "nothing to draw: the spectrogram has no segments");
        x1 -= CHART_ANALYSIS_BAR;
    }
    while (n < CHART_ANALYSIS_PANELS && w[n] > 0)
        sum += w[n++];
    out->n = n;
    out->from = rq->from;
    out->to = rq->to;
    y = top;
    for (size_t k = 0; k < n; k++) {
        double h = (bottom - top - CHART_ANALYSIS_GAP * (double)(n - 1)) * w[k] / sum;
        if (h < CHART_ANALYSIS_MIN_PANEL || x1 - CHART_ANALYSIS_LEFT < 100)
            return err_set(e, ERR_USAGE, 0,
                           "the chart is too small for its %zu panels: use a larger "
                           "--width/--height",
                           n);
        out->p[k].x0 = CHART_ANALYSIS_LEFT;
        out->p[k].y0 = y;
        out->p[k].x1 = x1;
        out->p[k].y1 = y + h;
        out->p[k].hi = 1;
        y += h + CHART_ANALYSIS_GAP;
    }

    {
        const struct series *s = &d->s[0];
        const char *u = chart_panel_unit(&rq->series[0]);
        double lo = INFINITY, hi = -INFINITY;
        switch (rq->method) {
        case ANALYSIS_STL: {
            /* One unit for the four panels: the observed values'. */
            const double *comp[4] = {s->v, r->stl.trend, r->stl.seasonal, r->stl.resid};
            double umax;
            chart_panel_widen(s->v, s->n, &lo, &hi);
            umax = fmax(fabs(lo), fabs(hi));
            for (size_t k = 0; k < 4; k++) {
                lo = INFINITY;
                hi = -INFINITY;
                chart_panel_widen(comp[k], r->stl.n, &lo, &hi);
                chart_panel_axis(&out->p[k], u, lo, hi, umax);
            }
            break;
        }
        case ANALYSIS_SPECTROGRAM: {
            const struct spectrogram_result *sp = &r->spectrogram;
            chart_panel_axis(&out->p[0], NULL, 0, sp->freq[sp->nfreq - 1], NAN);
            power_scale(sp, &out->clo, &out->chi);
            break;
        }
        case ANALYSIS_OUTLIERS:
            chart_panel_widen(s->v, s->n, &lo, &hi);
            chart_panel_widen(r->spc.lower, r->spc.n, &lo, &hi);
            chart_panel_widen(r->spc.upper, r->spc.n, &lo, &hi);
            chart_panel_axis(&out->p[0], u, lo, hi, NAN);
            break;
        case ANALYSIS_ANOMALIES:
            chart_panel_widen(s->v, s->n, &lo, &hi);
            chart_panel_axis(&out->p[0], u, lo, hi, NAN);
            lo = INFINITY;
            hi = -INFINITY;
            chart_panel_widen(r->lof.score, r->lof.n, &lo, &hi);
            chart_panel_widen(&r->lof.offset, 1, &lo, &hi);
            chart_panel_axis(&out->p[1], NULL, lo, hi, NAN);
            break;
        case ANALYSIS_CORRELATE: {
            double *zx = zscores(d->s[0].v, d->s[0].n), *zy = zscores(d->s[1].v, d->s[1].n);
            chart_panel_widen(zx, d->s[0].n, &lo, &hi);
            chart_panel_widen(zy, d->s[1].n, &lo, &hi);
            chart_panel_axis(&out->p[0], NULL, lo, hi, NAN);
            chart_panel_axis(&out->p[1], NULL, -1, 1, NAN);
            free(zx);
            free(zy);
            break;
        }
        }
    }
    return 0;
}

struct chart_rgb chart_analysis_ramp(double u)
{
    /* viridis at 0, 1/8, ..., 1 (matplotlib's _viridis_data, rounded). */
    static const char *const stops[] = {"#440154", "#472d7b", "#3b528b",
                                        "#2c728e", "#21918c", "#28ae80",
                                        "#5ec962", "#addc30", CHART_ANALYSIS_HOT};
    const size_t n = sizeof stops / sizeof stops[0];
    double pos;
    size_t i;
    struct chart_rgb a, b, c;

    if (!(u > 0))
        u = 0;
    if (u > 1)
        u = 1;
    pos = u * (double)(n - 1);
    i = (size_t)pos;
    if (i >= n - 1)
        return chart_rgb_hex(stops[n - 1]);
    a = chart_rgb_hex(stops[i]);
    b = chart_rgb_hex(stops[i + 1]);
    pos -= (double)i;
    c.r = a.r + (b.r - a.r) * pos;
    c.g = a.g + (b.g - a.g) * pos;
    c.b = a.b + (b.b - a.b) * pos;
    return c;
}

/* ---- words ------------------------------------------------------------------ */

void chart_analysis_title(const struct analysis_request *rq, const struct analysis_result *r,
                          char *out, size_t n)
{
    const char *a = rq->series[0].text, *from = rq->range.from_s, *to = rq->range.to_s;
    switch (rq->method) {
    case ANALYSIS_STL:
        snprintf(out, n, "STL of %s, %s to %s", a, from, to);
        break;
    case ANALYSIS_SPECTROGRAM:
        snprintf(out, n, "Spectrogram of %s, %s to %s", a, from, to);
        break;
    case ANALYSIS_OUTLIERS:
        snprintf(out, n, "Outliers (SPC) of %s, %s to %s", a, from, to);
        break;
    case ANALYSIS_ANOMALIES: {
        /* Every series: "A", "A and B", "A, B and C". */
        char names[LIMIT_ANALYSIS_SERIES * (LIMIT_ANALYSIS_SPEC + 8)];
        size_t used = 0;
        for (size_t i = 0; i < rq->nseries && used < sizeof names; i++) {
            int w = snprintf(names + used, sizeof names - used, "%s%s",
                             i == 0                 ? ""
                             : i + 1 == rq->nseries ? " and "
                                                    : ", ",
                             rq->series[i].text);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        snprintf(out, n, "Anomalies (LOF) of %s, %s to %s", names, from, to);
        break;
    }
    case ANALYSIS_CORRELATE:
        if (r && r->correlate.has_best)
            snprintf(out, n, "Correlation of %s and %s, %s to %s, best lag %d h (r = %.2f)", a,
                     rq->series[1].text, from, to, r->correlate.best_lag, r->correlate.best_r);
        else
            snprintf(out, n, "Correlation of %s and %s, %s to %s", a, rq->series[1].text, from, to);
        break;
    }
}

/* The line under the title: the parameters and what the marks mean. */
static void subtitle(const struct analysis_request *rq, const struct analysis_data *d,
                     const struct analysis_result *r, char *out, size_t n)
{
    char share[32];
    switch (rq->method) {
    case ANALYSIS_STL:
        snprintf(out, n,
                 "period %d h, seasonal %d, trend %d, low-pass %d%s; residual = observed - trend "
                 "- seasonal",
                 rq->stl.period, rq->stl.seasonal, rq->stl.trend, rq->stl.low_pass,
                 rq->stl.robust ? ", robust" : "");
        break;
    case ANALYSIS_SPECTROGRAM:
        snprintf(out, n,
                 "window %d h (%s), overlap %d h, detrend %s, scaling %s; colour: log10 power",
                 rq->spectrogram.window, spectrogram_window_name(rq->spectrogram.fn),
                 rq->spectrogram.overlap, spectrogram_detrend_name(rq->spectrogram.detrend),
                 spectrogram_scaling_name(rq->spectrogram.scaling));
        break;
    case ANALYSIS_OUTLIERS:
        present_format_share((double)r->spc.count / (double)(r->spc.n ? r->spc.n : 1), share,
                             sizeof share);
        snprintf(out, n,
                 "band: SPC bounds, median +- %g sigma of the high-pass (DCT cutoff %d); marked: "
                 "%zu outliers (%s)",
                 rq->spc.k, rq->spc.cutoff, r->spc.count, share);
        break;
    case ANALYSIS_ANOMALIES:
        present_format_share((double)r->lof.count / (double)(r->lof.n ? r->lof.n : 1), share,
                             sizeof share);
        snprintf(out, n,
                 "marked: %zu anomalous hours (%s), LOF with %d neighbours%s; below: scores, "
                 "dashed: threshold %.3f",
                 r->lof.count, share, r->lof.k, d->n > 1 ? " on every series, the first shown" : "",
                 r->lof.offset);
        break;
    case ANALYSIS_CORRELATE:
        snprintf(out, n,
                 "above: both series as z-scores (each its own mean and sigma); below: r over "
                 "centred %d h windows, x shifted by %d h",
                 rq->correlate.window, rq->correlate.lag);
        break;
    }
}

static const char *attribution(const struct analysis_request *rq)
{
    const struct series_spec *specs[LIMIT_ANALYSIS_SERIES];
    for (size_t i = 0; i < rq->nseries; i++)
        specs[i] = &rq->series[i];
    return chart_panel_attribution(specs, rq->nseries);
}

/* ---- drawing ---------------------------------------------------------------- */

/* A filled dot in the mark colour at every flagged hour of v. */
static void marks(const struct chart_panel_ctx *c, size_t k, const struct series *s,
                  const double *v, const unsigned char *flag)
{
    chart_set_rgb(c->cr, chart_rgb_hex(CHART_ANALYSIS_MARK));
    for (size_t i = 0; i < s->n; i++) {
        if (!flag[i] || !isfinite(v[i]))
            continue;
        cairo_new_sub_path(c->cr);
        cairo_arc(c->cr, chart_panel_hour_x(c, s, i), chart_analysis_y(c->l, k, v[i]),
                  CHART_ANALYSIS_MARK_R, 0, 2 * PI);
        cairo_fill(c->cr);
    }
}

static void draw_stl(const struct chart_panel_ctx *c, const struct analysis_request *rq,
                     const struct analysis_data *d, const struct analysis_result *r)
{
    static const char *const names[] = {"Observed", "Trend", "Seasonal", "Residual"};
    const double *comp[4] = {d->s[0].v, r->stl.trend, r->stl.seasonal, r->stl.resid};
    char label[96];
    for (size_t k = 0; k < 4; k++) {
        chart_panel_axis_label(&c->l->p[k], names[k], label, sizeof label);
        chart_panel_frame(c, k, label);
        chart_panel_clip(c, k);
        chart_panel_line(c, k, &d->s[0], comp[k], chart_panel_rgb(&rq->series[0]), 1.2);
        cairo_restore(c->cr);
        chart_panel_axes(c, k);
    }
}

/* cairo's image surfaces measure at most 32767 pixels a side. */
#define CELLS_IMAGE_MAX 32767

/* The colour of cell (segment i, frequency k): its log10 power on the
 * layout's ramp (power 0 or below clo at the bottom). */
static struct chart_rgb cell_rgb(const struct chart_analysis_layout *l,
                                 const struct spectrogram_result *sp, size_t i, size_t k)
{
    double pw = sp->power[i * sp->nfreq + k];
    double lv = pw > 0 && isfinite(pw) ? log10(pw) : l->clo;
    return chart_analysis_ramp((lv - l->clo) / (l->chi - l->clo));
}

static void draw_spectrogram(const struct chart_panel_ctx *c, const struct analysis_request *rq,
                             const struct analysis_data *d, const struct analysis_result *r,
                             struct err *e, int *rc)
{
    const struct spectrogram_result *sp = &r->spectrogram;
    const struct chart_analysis_panel *p = &c->l->p[0];
    const struct series *s = &d->s[0];
    double step = sp->nseg > 1 ? sp->centre[1] - sp->centre[0] : (double)rq->spectrogram.window;
    double df = sp->freq[1] - sp->freq[0];
    double xa =
        chart_analysis_x(c->l, s->start + (int64_t)llround((sp->centre[0] - step / 2) * 3600));
    double xb = chart_analysis_x(
        c->l, s->start + (int64_t)llround((sp->centre[sp->nseg - 1] + step / 2) * 3600));
    double ya = chart_analysis_y(c->l, 0, sp->freq[sp->nfreq - 1] + df / 2);
    double yb = chart_analysis_y(c->l, 0, sp->freq[0] - df / 2);
    double bx = p->x1 + 16, bw = 14;
    cairo_surface_t *img;
    unsigned char *px;
    int stride;
    struct chart_ticks bt;
    char s_[64], label[96];
    struct present_unit base =
        present_unit_pick(chart_panel_unit(&rq->series[0]), PRESENT_POWER, 0);

    chart_panel_frame(c, 0, "Frequency (cycles per day)");
    cairo_save(c->cr);
    cairo_rectangle(c->cr, p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
    cairo_clip(c->cr);
    if (cairo_surface_get_type(cairo_get_target(c->cr)) != CAIRO_SURFACE_TYPE_SVG &&
        sp->nseg <= CELLS_IMAGE_MAX && sp->nfreq <= CELLS_IMAGE_MAX) {
        /* PNG and PDF: one image pixel per cell, stretched with
         * nearest-neighbour sampling (PDF: /Interpolate false). */
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)sp->nseg, (int)sp->nfreq);
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
            *rc =
                err_set(e, ERR_CHART, cairo_surface_status(img), "cannot draw the spectrogram: %s",
                        cairo_status_to_string(cairo_surface_status(img)));
            cairo_surface_destroy(img);
            cairo_restore(c->cr);
            return;
        }
        cairo_surface_flush(img);
        px = cairo_image_surface_get_data(img);
        stride = cairo_image_surface_get_stride(img);
        for (size_t i = 0; i < sp->nseg; i++) {
            for (size_t k = 0; k < sp->nfreq; k++) {
                struct chart_rgb col = cell_rgb(c->l, sp, i, k);
                uint32_t v = (uint32_t)lround(col.r * 255) << 16 |
                             (uint32_t)lround(col.g * 255) << 8 | (uint32_t)lround(col.b * 255);
                memcpy(px + (size_t)stride * (sp->nfreq - 1 - k) + 4 * i, &v, 4);
            }
        }
        cairo_surface_mark_dirty(img);
        cairo_translate(c->cr, xa, ya);
        cairo_scale(c->cr, (xb - xa) / (double)sp->nseg, (yb - ya) / (double)sp->nfreq);
        cairo_set_source_surface(c->cr, img, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(c->cr), CAIRO_FILTER_NEAREST);
        cairo_paint(c->cr);
        cairo_surface_destroy(img);
    } else {
        /* SVG viewers smooth a scaled <image> (cairo 1.16 writes no
         * image-rendering), and an image has at most CELLS_IMAGE_MAX
         * pixels a side: here each cell is a rectangle, half a pixel wider
         * and higher than its share so that no seam shows between
         * neighbours (the later one covers the overlap). */
        double cw = (xb - xa) / (double)sp->nseg, chh = (yb - ya) / (double)sp->nfreq;
        cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_NONE);
        for (size_t i = 0; i < sp->nseg; i++) {
            for (size_t k = 0; k < sp->nfreq; k++) {
                chart_set_rgb(c->cr, cell_rgb(c->l, sp, i, k));
                cairo_rectangle(c->cr, xa + cw * (double)i, yb - chh * (double)(k + 1), cw + 0.5,
                                chh + 0.5);
                cairo_fill(c->cr);
            }
        }
    }
    cairo_restore(c->cr);
    chart_panel_axes(c, 0);

    /* The colour bar: the ramp bottom (clo) to top (chi), ticked. */
    for (int i = 0; i < 64; i++) {
        double y0 = p->y1 - (p->y1 - p->y0) * (i + 1) / 64.0,
               y1 = p->y1 - (p->y1 - p->y0) * i / 64.0;
        chart_set_rgb(c->cr, chart_analysis_ramp((i + 0.5) / 64.0));
        cairo_rectangle(c->cr, bx, y0, bw, y1 - y0 + 0.5);
        cairo_fill(c->cr);
    }
    chart_nice_ticks(c->l->clo, c->l->chi, 6, &bt);
    chart_font(c->cr, CHART_TICK_SIZE, 0);
    cairo_set_line_width(c->cr, 1);
    for (int i = 0; i < bt.n; i++) {
        double v = bt.first + i * bt.step, y;
        if (v < c->l->clo - 1e-9 || v > c->l->chi + 1e-9)
            continue;
        y = p->y1 - (p->y1 - p->y0) * (v - c->l->clo) / (c->l->chi - c->l->clo);
        chart_set_rgb(c->cr, c->th->axis);
        cairo_move_to(c->cr, bx + bw, round(y) + 0.5);
        cairo_line_to(c->cr, bx + bw + 4, round(y) + 0.5);
        cairo_stroke(c->cr);
        chart_set_rgb(c->cr, c->th->fg);
        chart_format_tick(v, bt.decimals, s_, sizeof s_);
        chart_text(c->cr, bx + bw + 6, y, s_, 0);
    }
    if (rq->spectrogram.scaling == SPECTROGRAM_DENSITY)
        snprintf(label, sizeof label, "log10 power (%s\xc2\xb2 per cycle/day)", base.name);
    else
        snprintf(label, sizeof label, "log10 power (%s\xc2\xb2)", base.name);
    chart_font(c->cr, CHART_LABEL_SIZE, 0);
    cairo_save(c->cr);
    cairo_translate(c->cr, bx + bw + 6 + 34 + CHART_LABEL_SIZE / 2, (p->y0 + p->y1) / 2);
    cairo_rotate(c->cr, -PI / 2);
    chart_text(c->cr, 0, 0, label, 0.5);
    cairo_restore(c->cr);
}

/* Panel 0: the first series as a line over its bounds' band (lower and
 * upper, or none when NULL), its flagged hours marked over everything. */
static void series_panel(const struct chart_panel_ctx *c, const struct analysis_request *rq,
                         const struct analysis_data *d, const double *lower, const double *upper,
                         const unsigned char *flag)
{
    const struct series *s = &d->s[0];
    char label[96];
    chart_panel_axis_label(&c->l->p[0], chart_panel_value_name(&rq->series[0]), label,
                           sizeof label);
    chart_panel_frame(c, 0, label);
    chart_panel_clip(c, 0);
    if (lower && upper)
        chart_panel_band(c, 0, s, lower, upper, chart_panel_rgb(&rq->series[0]), 0.25);
    chart_panel_line(c, 0, s, s->v, chart_panel_rgb(&rq->series[0]), 1.2);
    cairo_restore(c->cr);
    chart_panel_axes(c, 0);
    /* Marks last: over the axis lines too. */
    chart_panel_clip(c, 0);
    marks(c, 0, s, s->v, flag);
    cairo_restore(c->cr);
}

static void draw_anomalies(const struct chart_panel_ctx *c, const struct analysis_request *rq,
                           const struct analysis_data *d, const struct analysis_result *r)
{
    const struct series *s = &d->s[0];
    const struct chart_analysis_panel *p = &c->l->p[1];
    double dash[] = {5, 3}, y;

    series_panel(c, rq, d, NULL, NULL, r->lof.anomaly);

    chart_panel_frame(c, 1, "LOF score");
    chart_panel_axes(c, 1);
    chart_panel_clip(c, 1);
    chart_panel_line(c, 1, s, r->lof.score, c->th->muted, 1);
    marks(c, 1, s, r->lof.score, r->lof.anomaly);
    y = round(chart_analysis_y(c->l, 1, r->lof.offset)) + 0.5;
    chart_set_rgb(c->cr, chart_rgb_hex(CHART_ANALYSIS_MARK));
    cairo_set_line_width(c->cr, 1);
    cairo_set_dash(c->cr, dash, 2, 0);
    cairo_move_to(c->cr, p->x0, y);
    cairo_line_to(c->cr, p->x1, y);
    cairo_stroke(c->cr);
    cairo_set_dash(c->cr, NULL, 0, 0);
    cairo_restore(c->cr);
}

/* The second series' colour: its group's, unless that is the first's. */
static struct chart_rgb second_rgb(const struct chart_panel_ctx *c,
                                   const struct analysis_request *rq)
{
    return chart_panel_distinct(chart_panel_rgb(&rq->series[0]), chart_panel_rgb(&rq->series[1]),
                                c->th->fg);
}

static void draw_correlate(const struct chart_panel_ctx *c, const struct analysis_request *rq,
                           const struct analysis_data *d, const struct analysis_result *r)
{
    double *zx = zscores(d->s[0].v, d->s[0].n), *zy = zscores(d->s[1].v, d->s[1].n);
    struct chart_rgb cx = chart_panel_rgb(&rq->series[0]), cy = second_rgb(c, rq);
    const struct chart_analysis_panel *p = &c->l->p[0];
    char key[2][LIMIT_ANALYSIS_SPEC + 8];

    chart_panel_frame(c, 0, "z-score");
    chart_panel_clip(c, 0);
    chart_panel_line(c, 0, &d->s[0], zx, cx, 1);
    chart_panel_line(c, 0, &d->s[1], zy, cy, 1);
    cairo_restore(c->cr);
    chart_panel_axes(c, 0);
    /* A key naming the two lines, top left inside the panel. */
    snprintf(key[0], sizeof key[0], "x: %s", rq->series[0].text);
    snprintf(key[1], sizeof key[1], "y: %s", rq->series[1].text);
    chart_font(c->cr, CHART_TICK_SIZE, 0);
    for (int i = 0; i < 2; i++) {
        double y = p->y0 + 10 + i * (CHART_TICK_SIZE + 6);
        chart_set_rgb(c->cr, i ? cy : cx);
        cairo_rectangle(c->cr, p->x0 + 8, y - 5, 10, 10);
        cairo_fill(c->cr);
        chart_set_rgb(c->cr, c->th->fg);
        chart_text(c->cr, p->x0 + 24, y, key[i], 0);
    }

    chart_panel_frame(c, 1, "r");
    chart_panel_clip(c, 1);
    chart_panel_line(c, 1, &d->s[1], r->correlate.r, c->th->fg, 1.2);
    cairo_restore(c->cr);
    chart_panel_axes(c, 1);
    free(zx);
    free(zy);
}

int chart_analysis_draw(const struct analysis_request *rq, const struct analysis_data *d,
                        const struct analysis_result *r, const struct chart_analysis_opts *o,
                        cairo_t *cr, struct err *e)
{
    struct chart_analysis_layout l;
    struct chart_panel_ctx c;
    struct chart_time_ticks *xt;
    char title[512], sub[512];
    cairo_status_t st;
    int rc = 0;

    if (chart_analysis_layout(rq, d, r, o, &l, e) < 0)
        return -1;
    c.cr = cr;
    c.th = chart_palette(o->theme);
    c.l = &l;
    xt = xcalloc(1, sizeof *xt);
    chart_time_ticks(l.from, l.to, (int)fmax(2, (l.p[0].x1 - l.p[0].x0) / 78), xt);
    c.xt = xt;

    cairo_save(cr);
    chart_analysis_title(rq, r, title, sizeof title);
    subtitle(rq, d, r, sub, sizeof sub);
    chart_panel_heading(&c, o->width, o->height, title, sub, attribution(rq));

    switch (rq->method) {
    case ANALYSIS_STL:
        draw_stl(&c, rq, d, r);
        break;
    case ANALYSIS_SPECTROGRAM:
        draw_spectrogram(&c, rq, d, r, e, &rc);
        break;
    case ANALYSIS_OUTLIERS:
        series_panel(&c, rq, d, r->spc.lower, r->spc.upper, r->spc.outlier);
        break;
    case ANALYSIS_ANOMALIES:
        draw_anomalies(&c, rq, d, r);
        break;
    case ANALYSIS_CORRELATE:
        draw_correlate(&c, rq, d, r);
        break;
    }
    cairo_restore(cr);
    free(xt);
    if (rc < 0)
        return -1;
    st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS)
        return err_set(e, ERR_CHART, st, "drawing failed: %s", cairo_status_to_string(st));
    return 0;
}

/* ---- files ------------------------------------------------------------------ */

struct page_arg {
    const struct analysis_request *rq;
    const struct analysis_data *d;
    const struct analysis_result *r;
    const struct chart_analysis_opts *o;
};

static int draw_page(void *arg, cairo_t *cr, struct err *e)
{
    const struct page_arg *a = arg;
    return chart_analysis_draw(a->rq, a->d, a->r, a->o, cr, e);
}

int chart_analysis_write(const struct analysis_request *rq, const struct analysis_data *d,
                         const struct analysis_result *r, const struct chart_analysis_opts *o,
                         const char *path, struct err *e)
{
    struct page_arg a = {rq, d, r, o};
    char title[512], desc[600], sub[512];
    struct chart_page pg = {o->width, o->height, title, desc, "elhub analyze", draw_page, &a};

    chart_analysis_title(rq, r, title, sizeof title);
    subtitle(rq, d, r, sub, sizeof sub);
    snprintf(desc, sizeof desc, "%s. %s", sub, attribution(rq));
    return chart_output_page(&pg, path, o->dpi, e);
}
