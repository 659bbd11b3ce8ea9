/* chart: draws a struct chart onto a cairo context: title, legend, pie with
 * percentage labels, or a line / stacked-area plot with labelled axes. The
 * arithmetic lives in ticks.c; this file is layout and cairo calls. */
#include "chart/chart.h"
#include "timeutil.h"

#include "mem.h"
#include "present.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT CHART_FONT
#define MARGIN CHART_MARGIN
#define TITLE_SIZE CHART_TITLE_SIZE
#define LABEL_SIZE CHART_LABEL_SIZE
#define TICK_SIZE CHART_TICK_SIZE
#define NOTE_SIZE CHART_NOTE_SIZE
#define NOTE_LINE (NOTE_SIZE * 1.5)
#define SWATCH 12.0
#define MARKER_R 3.5
#define MAX_NOTE_LINES 8
#define NOTE_CHARS 256

static const struct chart_palette themes[] = {
    /* light */
    {{1, 1, 1}, {0.13, 0.13, 0.13}, {0.40, 0.40, 0.40}, {0.90, 0.90, 0.90}, {0.35, 0.35, 0.35}},
    /* dark */
    {{0.11, 0.12, 0.14},
     {0.91, 0.91, 0.91},
     {0.65, 0.66, 0.68},
     {0.23, 0.24, 0.27},
     {0.60, 0.61, 0.64}},
};

static const double PI = 3.14159265358979323846;

/* The address names the list of texts chart_draw_text collects into; it
 * travels with the cairo context as user data, so every helper that draws
 * text can find it without a second parameter. */
static const cairo_user_data_key_t texts_key;

void chart_release_fonts(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

void chart_texts_release(struct chart_texts *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].s);
    free(t->v);
    memset(t, 0, sizeof *t);
}

void chart_set_rgb(cairo_t *cr, struct chart_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

struct chart_rgb chart_rgb_hex(const char *hex)
{
    unsigned v = 0;
    struct chart_rgb c;
    sscanf(hex + 1, "%6x", &v);
    c.r = (double)((v >> 16) & 0xff) / 255.0;
    c.g = (double)((v >> 8) & 0xff) / 255.0;
    c.b = (double)(v & 0xff) / 255.0;
    return c;
}

const struct chart_palette *chart_palette(enum chart_theme t)
{
    return &themes[t == CHART_THEME_DARK ? 1 : 0];
}

void chart_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double chart_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t ex;
    cairo_text_extents(cr, s, &ex);
    return ex.x_advance;
}

/* Appends s, placed at user point (x, y) with the given alignment, to the
 * list of texts: the point and the font size in device units, the colour
 * and the weight as set on cr. */
static void record_text(cairo_t *cr, struct chart_texts *l, double x, double y, const char *s,
                        double halign)
{
    struct chart_text *t;
    cairo_matrix_t m, fm;
    double r = 0, g = 0, b = 0, a = 1;
    cairo_font_face_t *face = cairo_get_font_face(cr);

    xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
    t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    cairo_get_matrix(cr, &m);
    cairo_get_font_matrix(cr, &fm);
    cairo_user_to_device(cr, &x, &y);
    t->x = x;
    t->y = y;
    t->size = fm.xx * hypot(m.xx, m.yx);
    t->angle = atan2(m.yx, m.xx) * 180 / PI;
    t->anchor = halign >= 0.75 ? 2 : halign >= 0.25 ? 1 : 0;
    t->bold = cairo_font_face_get_type(face) == CAIRO_FONT_TYPE_TOY &&
              cairo_toy_font_face_get_weight(face) == CAIRO_FONT_WEIGHT_BOLD;
    cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a);
    t->color.r = r;
    t->color.g = g;
    t->color.b = b;
    t->s = xstrdup(s);
}

void chart_texts_collect(cairo_t *cr, struct chart_texts *texts)
{
    cairo_set_user_data(cr, &texts_key, texts, NULL);
}

void chart_text(cairo_t *cr, double x, double y, const char *s, double halign)
{
    struct chart_texts *l = cairo_get_user_data(cr, &texts_key);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    if (l) {
        record_text(cr, l, x, y + (fe.ascent - fe.descent) / 2, s, halign);
        return;
    }
    cairo_move_to(cr, x - halign * chart_text_width(cr, s), y + (fe.ascent - fe.descent) / 2);
    cairo_show_text(cr, s);
}

/* The notes wrapped at word boundaries to lines of at most width. */
struct note_lines {
    char line[MAX_NOTE_LINES][NOTE_CHARS];
    size_t n;
};

static void wrap_notes(const struct chart *c, cairo_t *cr, double width, struct note_lines *out)
{
    out->n = 0;
    chart_font(cr, NOTE_SIZE, 0);
    for (size_t k = 0; k < c->nnotes && out->n < MAX_NOTE_LINES; k++) {
        const char *p = c->notes[k];
        while (*p && out->n < MAX_NOTE_LINES) {
            char *l = out->line[out->n];
            size_t used = 0, fit = 0;
            /* Take words while they fit (at least one). */
            while (p[used] && used < NOTE_CHARS - 1) {
                size_t w = used;
                while (p[w] == ' ')
                    w++;
                while (p[w] && p[w] != ' ' && w < NOTE_CHARS - 1)
                    w++;
                memcpy(l, p, w);
                l[w] = '\0';
                if (fit && chart_text_width(cr, l) > width)
                    break;
                fit = used = w;
            }
            memcpy(l, p, fit);
            l[fit] = '\0';
            p += fit;
            while (*p == ' ')
                p++;
            out->n++;
        }
    }
}

static void draw_title_note(const struct chart *c, cairo_t *cr, const struct chart_palette *th,
                            const struct note_lines *nl)
{
    double foot = c->height - MARGIN / 2 - NOTE_SIZE / 2;
    chart_set_rgb(cr, th->fg);
    chart_font(cr, TITLE_SIZE, 1);
    chart_text(cr, c->width / 2, MARGIN + TITLE_SIZE / 2, c->title ? c->title : "", 0.5);
    chart_set_rgb(cr, th->muted);
    chart_font(cr, NOTE_SIZE, 0);
    if (c->note)
        chart_text(cr, c->width - MARGIN, foot, c->note, 1);
    for (size_t k = 0; k < nl->n; k++)
        chart_text(cr, MARGIN, foot - (double)(nl->n - k) * NOTE_LINE, nl->line[k], 0);
}

/* A value in the unit that suits it, rounded to the data's precision:
 * "18.36 TWh" (present.h). */
static void format_energy(const char *unit, double kwh, char *out, size_t n)
{
    present_format_value(kwh, unit, PRESENT_ENERGY, out, n);
}

/* ---- legend ------------------------------------------------------------ */

/* The share column of a pie's legend for one item. */
static void pie_share(const struct chart_item *it, double total, char *out, size_t n)
{
    if (it->total < 0)
        snprintf(out, n, "negative");
    else
        chart_format_percent(total > 0 ? it->total / total : 0, out, n);
}

/* Legend rows: label, and for a pie the share, the amount and the
 * coverage in aligned columns. Returns the legend's width; draws only
 * when draw is set. */
static double legend(const struct chart *c, cairo_t *cr, const struct chart_palette *th, double x,
                     double y, double total, int draw)
{
    double w_label = 0, w_pct = 0, w_val = 0, w_det = 0, row = LABEL_SIZE * 1.7, gap = 12;
    char pct[32], val[48];

    chart_font(cr, LABEL_SIZE, 0);
    for (size_t i = 0; i < c->nitems; i++) {
        w_label = fmax(w_label, chart_text_width(cr, c->items[i].label));
        if (c->kind == CHART_PIE) {
            pie_share(&c->items[i], total, pct, sizeof pct);
            format_energy(c->unit ? c->unit : "kWh", c->items[i].total, val, sizeof val);
            w_pct = fmax(w_pct, chart_text_width(cr, pct));
            w_val = fmax(w_val, chart_text_width(cr, val));
            if (c->items[i].detail)
                w_det = fmax(w_det, chart_text_width(cr, c->items[i].detail));
        }
    }
    if (!draw)
        return SWATCH + 8 + w_label +
               (c->kind == CHART_PIE ? gap + w_pct + gap + w_val + (w_det > 0 ? gap + w_det : 0)
                                     : 0);
    for (size_t k = 0; k < c->nitems; k++) {
        /* A stacked area lists its top layer first, as the eye reads it. */
        size_t i = c->kind == CHART_AREA ? c->nitems - 1 - k : k;
        const struct chart_item *it = &c->items[i];
        double ry = y + (double)k * row;
        chart_set_rgb(cr, it->color);
        if (c->kind == CHART_LINE) {
            cairo_set_line_width(cr, 3);
            cairo_move_to(cr, x, ry);
            cairo_line_to(cr, x + SWATCH, ry);
            cairo_stroke(cr);
        } else {
            cairo_rectangle(cr, x, ry - SWATCH / 2, SWATCH, SWATCH);
            cairo_fill(cr);
        }
        chart_set_rgb(cr, th->fg);
        chart_text(cr, x + SWATCH + 8, ry, it->label, 0);
        if (c->kind == CHART_PIE) {
            double xp = x + SWATCH + 8 + w_label + gap;
            pie_share(it, total, pct, sizeof pct);
            format_energy(c->unit ? c->unit : "kWh", it->total, val, sizeof val);
            chart_text(cr, xp + w_pct, ry, pct, 1);
            chart_set_rgb(cr, th->muted);
            chart_text(cr, xp + w_pct + gap + w_val, ry, val, 1);
            if (it->detail)
                chart_text(cr, xp + w_pct + gap + w_val + gap, ry, it->detail, 0);
        }
    }
    return 0;
}

/* ---- pie --------------------------------------------------------------- */

static int draw_pie(const struct chart *c, cairo_t *cr, const struct chart_palette *th,
                    double notes_h, struct err *e)
{
    double *vals = xcalloc(c->nitems, sizeof *vals), total = 0, line_h = LABEL_SIZE * 1.5;
    struct chart_pie_label *lab = xcalloc(c->nitems, sizeof *lab);
    double top = MARGIN + TITLE_SIZE + 24, bottom = c->height - MARGIN - NOTE_SIZE - 10 - notes_h;
    double leg_w, pie_w, room = 12, r, cx, cy, leg_h;
    char pct[32], text[96];
    int ret = -1;

    for (size_t i = 0; i < c->nitems; i++) {
        vals[i] = c->items[i].total;
        if (vals[i] > 0)
            total += vals[i];
    }
    if (!(total > 0)) {
        err_set(e, ERR_USAGE, 0, "nothing to draw: no total is above zero");
        goto out;
    }
    leg_w = legend(c, cr, th, 0, 0, total, 0);
    pie_w = c->width - 2 * MARGIN - leg_w - 24;
    /* Room for outside labels: measure them with a provisional layout. */
    chart_pie_layout(vals, c->nitems, 0, 0, 1, 0, -1e9, 1e9, 0.04, lab);
    chart_font(cr, LABEL_SIZE, 0);
    for (size_t i = 0; i < c->nitems; i++) {
        if (lab[i].inside != 0)
            continue;
        chart_format_percent(lab[i].share, pct, sizeof pct);
        snprintf(text, sizeof text, "%s %s", c->items[i].label, pct);
        room = fmax(room, chart_text_width(cr, text) + 8);
    }
    /* Outside labels sit at 1.3 r plus their text on either side. */
    r = fmin((pie_w - 2 * room) / 2.6, (bottom - top) / 2 - line_h);
    if (r < 40) {
        err_set(e, ERR_USAGE, 0, "the chart is too small for its labels: use a larger --width");
        goto out;
    }
    /* Centre the pie, its label room and the legend as one group. */
    cx = (c->width - (2 * (1.3 * r + room) + 24 + leg_w)) / 2 + 1.3 * r + room;
    cy = (top + bottom) / 2;
    chart_pie_layout(vals, c->nitems, cx, cy, r, line_h, top + line_h / 2, bottom - line_h / 2,
                     0.04, lab);

    for (size_t i = 0; i < c->nitems; i++) {
        if (lab[i].inside < 0)
            continue;
        chart_set_rgb(cr, c->items[i].color);
        cairo_move_to(cr, cx, cy);
        cairo_arc(cr, cx, cy, r, lab[i].a0, lab[i].a1);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    /* Thin separators in the background colour between slices. */
    if (c->nitems > 1) {
        chart_set_rgb(cr, th->bg);
        cairo_set_line_width(cr, 1.5);
        for (size_t i = 0; i < c->nitems; i++) {
            if (lab[i].inside < 0)
                continue;
            cairo_move_to(cr, cx, cy);
            cairo_line_to(cr, cx + r * cos(lab[i].a0), cy + r * sin(lab[i].a0));
            cairo_stroke(cr);
        }
    }
    for (size_t i = 0; i < c->nitems; i++) {
        struct chart_rgb col = c->items[i].color;
        chart_format_percent(lab[i].share, pct, sizeof pct);
        if (lab[i].inside == 1) {
            /* Dark text on light slices, white on dark ones. */
            double lum = 0.299 * col.r + 0.587 * col.g + 0.114 * col.b;
            chart_font(cr, LABEL_SIZE + 1, 1);
            if (lum > 0.6)
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            else
                cairo_set_source_rgb(cr, 1, 1, 1);
            chart_text(cr, lab[i].x, lab[i].y, pct, 0.5);
        } else if (lab[i].inside == 0) {
            double tx = lab[i].right ? lab[i].x + 4 : lab[i].x - 4;
            chart_set_rgb(cr, th->muted);
            cairo_set_line_width(cr, 1);
            cairo_move_to(cr, lab[i].rim_x, lab[i].rim_y);
            cairo_line_to(cr, lab[i].elbow_x, lab[i].elbow_y);
            cairo_line_to(cr, lab[i].x, lab[i].y);
            cairo_stroke(cr);
            chart_font(cr, LABEL_SIZE, 0);
            chart_set_rgb(cr, th->fg);
            snprintf(text, sizeof text, "%s %s", c->items[i].label, pct);
            chart_text(cr, tx, lab[i].y, text, lab[i].right ? 0 : 1);
        }
    }
    leg_h = (double)c->nitems * LABEL_SIZE * 1.7;
    legend(c, cr, th, cx + 1.3 * r + room + 24, fmax(top, cy - leg_h / 2), total, 1);
    ret = 0;
out:
    free(vals);
    free(lab);
    return ret;
}

/* ---- line and stacked area -------------------------------------------- */

static double x_of(const struct chart *c, int64_t t, double x0, double x1)
{
    return x0 + (x1 - x0) * (double)(t - c->from) / (double)(c->to - c->from);
}

static int has(const double *v, size_t nt, size_t j)
{
    return j < nt && !isnan(v[j]);
}

/* A marker at (x, y): filled in the series' colour, or hollow (the
 * background inside a ring of that colour) for a partial bucket. */
static void marker(cairo_t *cr, const struct chart_palette *th, struct chart_rgb col, double x,
                   double y, int hollow)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, MARKER_R, 0, 2 * PI);
    chart_set_rgb(cr, hollow ? th->bg : col);
    cairo_fill_preserve(cr);
    chart_set_rgb(cr, col);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
}

static int draw_series(const struct chart *c, cairo_t *cr, const struct chart_palette *th,
                       double notes_h, struct err *e)
{
    double lo = 0, hi = 0, *base = NULL;
    double leg_w, x0, x1, y0, y1, tick_w = 0, sx, sy;
    struct present_unit unit;
    struct chart_ticks yt;
    struct chart_time_ticks *xt = xcalloc(1, sizeof *xt);
    char s[64], ylabel[128];
    int any = 0, ret = -1;

    if (c->nt == 0 || !(c->to > c->from)) {
        err_set(e, ERR_USAGE, 0, "nothing to draw: the series have no points");
        goto out;
    }
    base = xcalloc(c->nt, sizeof *base);
    /* The value range: every value, and for a stack every level it
     * reaches at each instant (negative layers go below zero). */
    for (size_t j = 0; j < c->nt; j++) {
        double level = 0;
        for (size_t i = 0; i < c->nitems; i++) {
            double v = c->items[i].v[j];
            if (isnan(v))
                continue;
            any = 1;
            level += v;
            lo = fmin(lo, c->kind == CHART_AREA ? level : v);
            hi = fmax(hi, c->kind == CHART_AREA ? level : v);
        }
    }
    if (!any) {
        err_set(e, ERR_USAGE, 0, "nothing to draw: the series have no points");
        goto out;
    }
    unit = present_unit_pick(c->unit ? c->unit : "kWh", c->power ? PRESENT_POWER : PRESENT_ENERGY,
                             fmax(fabs(lo), fabs(hi)));

    leg_w = legend(c, cr, th, 0, 0, 0, 0);
    x1 = c->width - MARGIN - leg_w - 24;
    y0 = MARGIN + TITLE_SIZE + 24;
    y1 = c->height - MARGIN - NOTE_SIZE - 8 - notes_h - LABEL_SIZE - 10 - TICK_SIZE - 10;
    chart_nice_ticks(lo / unit.divisor, hi / unit.divisor, (int)fmax(2, (y1 - y0) / 55), &yt);
    chart_font(cr, TICK_SIZE, 0);
    for (int k = 0; k < yt.n; k++) {
        chart_format_tick(yt.first + k * yt.step, yt.decimals, s, sizeof s);
        tick_w = fmax(tick_w, chart_text_width(cr, s));
    }
    x0 = MARGIN + LABEL_SIZE + 10 + tick_w + 8;
    if (x1 - x0 < 100 || y1 - y0 < 60) {
        err_set(e, ERR_USAGE, 0,
                "the chart is too small for its axes: use a larger --width/--height");
        goto out;
    }
    sx = (x1 - x0);
    sy = (y1 - y0) / (yt.step * (yt.n - 1));
#define Y_OF(v) (y1 - ((v) / unit.divisor - yt.first) * sy)

    /* Missing hours: one light band per merged gap, behind everything. */
    if (c->nbands) {
        chart_set_rgb(cr, chart_rgb_hex(present_missing_color(c->theme == CHART_THEME_DARK)));
        for (size_t k = 0; k < c->nbands; k++) {
            double a = x_of(c, c->bands[k].from < c->from ? c->from : c->bands[k].from, x0, x1);
            double z = x_of(c, c->bands[k].to > c->to ? c->to : c->bands[k].to, x0, x1);
            if (z > a)
                cairo_rectangle(cr, a, y0, z - a, y1 - y0);
        }
        cairo_fill(cr);
    }

    /* Grid and value ticks. */
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < yt.n; k++) {
        double v = yt.first + k * yt.step, y = y1 - (v - yt.first) * sy;
        chart_set_rgb(cr, th->grid);
        cairo_move_to(cr, x0, round(y) + 0.5);
        cairo_line_to(cr, x1, round(y) + 0.5);
        cairo_stroke(cr);
        chart_set_rgb(cr, th->fg);
        chart_format_tick(v, yt.decimals, s, sizeof s);
        chart_text(cr, x0 - 6, y, s, 1);
    }
    /* Time ticks: placed by absolute time, labelled in Oslo time. */
    chart_time_ticks(c->from, c->to, (int)fmax(2, sx / 78), xt);
    chart_set_rgb(cr, th->grid);
    for (size_t k = 0; k < xt->n; k++) {
        double x = round(x_of(c, xt->t[k], x0, x1)) + 0.5;
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
    }
    cairo_stroke(cr);

    /* The data, clipped to the plot area (whose range holds every value). */
    cairo_save(cr);
    cairo_rectangle(cr, x0 - MARKER_R - 1, y0 - MARKER_R - 1, x1 - x0 + 2 * MARKER_R + 2,
                    y1 - y0 + 2 * MARKER_R + 2);
    cairo_clip(cr);
    if (c->kind == CHART_AREA) {
        for (size_t i = 0; i < c->nitems; i++) {
            const double *v = c->items[i].v;
            chart_set_rgb(cr, c->items[i].color);
            for (size_t j = 0; j < c->nt; j++) {
                double top = base[j] + (isnan(v[j]) ? 0 : v[j]);
                double x = x_of(c, c->t[j], x0, x1);
                if (j == 0)
                    cairo_move_to(cr, x, Y_OF(top));
                else
                    cairo_line_to(cr, x, Y_OF(top));
            }
            for (size_t j = c->nt; j-- > 0;)
                cairo_line_to(cr, x_of(c, c->t[j], x0, x1), Y_OF(base[j]));
            cairo_close_path(cr);
            cairo_fill(cr);
            /* One bucket has no width to fill: a bar shows the layer. */
            if (c->nt == 1 && !isnan(v[0])) {
                double x = x_of(c, c->t[0], x0, x1);
                cairo_set_line_width(cr, 2 * MARKER_R);
                cairo_move_to(cr, x, Y_OF(base[0]));
                cairo_line_to(cr, x, Y_OF(base[0] + v[0]));
                cairo_stroke(cr);
            }
            for (size_t j = 0; j < c->nt; j++) {
                if (isnan(v[j]))
                    continue;
                base[j] += v[j];
                if ((c->items[i].partial && c->items[i].partial[j]) || c->nt == 1)
                    marker(cr, th, c->items[i].color, x_of(c, c->t[j], x0, x1), Y_OF(base[j]),
                           c->items[i].partial && c->items[i].partial[j]);
            }
        }
    } else {
        cairo_set_line_width(cr, 1.5);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        for (size_t i = 0; i < c->nitems; i++) {
            const double *v = c->items[i].v;
            int pen = 0;
            chart_set_rgb(cr, c->items[i].color);
            /* A gap in the data (NAN) breaks the line rather than bridging it. */
            for (size_t j = 0; j < c->nt; j++) {
                double x = x_of(c, c->t[j], x0, x1);
                if (isnan(v[j])) {
                    pen = 0;
                    continue;
                }
                if (pen)
                    cairo_line_to(cr, x, Y_OF(v[j]));
                else
                    cairo_move_to(cr, x, Y_OF(v[j]));
                pen = 1;
            }
            cairo_stroke(cr);
            /* Markers: hollow for a partial bucket, filled for a point
             * no line reaches (a single bucket, or one between gaps). */
            for (size_t j = 0; j < c->nt; j++) {
                int partial = c->items[i].partial && c->items[i].partial[j];
                int alone = !(j > 0 && has(v, c->nt, j - 1)) && !has(v, c->nt, j + 1);
                if (isnan(v[j]) || !(partial || alone))
                    continue;
                marker(cr, th, c->items[i].color, x_of(c, c->t[j], x0, x1), Y_OF(v[j]), partial);
            }
        }
    }
    cairo_restore(cr);
#undef Y_OF

    /* Axes, tick marks and labels. */
    chart_set_rgb(cr, th->axis);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x0 + 0.5, y0);
    cairo_line_to(cr, x0 + 0.5, y1 + 0.5);
    cairo_line_to(cr, x1, y1 + 0.5);
    for (size_t k = 0; k < xt->n; k++) {
        double x = round(x_of(c, xt->t[k], x0, x1)) + 0.5;
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 + 6);
    }
    for (size_t k = 0; k < xt->nminor; k++) {
        double x = round(x_of(c, xt->minor[k], x0, x1)) + 0.5;
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 + 3);
    }
    cairo_stroke(cr);
    chart_set_rgb(cr, th->fg);
    chart_font(cr, TICK_SIZE, 0);
    for (size_t k = 0; k < xt->n; k++)
        chart_text(cr, x_of(c, xt->t[k], x0, x1), y1 + 8 + TICK_SIZE / 2, xt->label[k], 0.5);

    chart_font(cr, LABEL_SIZE, 0);
    chart_text(cr, (x0 + x1) / 2, y1 + 8 + TICK_SIZE + 10 + LABEL_SIZE / 2, "Time (Europe/Oslo)",
               0.5);
    if (c->power)
        snprintf(ylabel, sizeof ylabel, "%s (%s)", c->value_name ? c->value_name : "Power",
                 unit.name);
    else
        snprintf(ylabel, sizeof ylabel, "%s (%s%s%s)", c->value_name ? c->value_name : "Energy",
                 unit.name, c->per ? " per " : "", c->per ? c->per : "");
    cairo_save(cr);
    cairo_translate(cr, MARGIN + LABEL_SIZE / 2, (y0 + y1) / 2);
    cairo_rotate(cr, -PI / 2);
    chart_text(cr, 0, 0, ylabel, 0.5);
    cairo_restore(cr);

    legend(c, cr, th, c->width - MARGIN - leg_w, y0 + LABEL_SIZE, 0, 1);
    ret = 0;
out:
    free(base);
    free(xt);
    return ret;
}

/* ---- wind rose ------------------------------------------------------------ */

/* The wedges of a 16-sector rose, north at the top and clockwise: sector i
 * spans compass i * 22.5 +- 11.25 degrees (less a small gap), drawn from
 * the centre to radius r * v[i] / top, where top is the outermost ring (a
 * "nice" value at least the largest sector), so every radius is
 * proportional to its value. Rings at the ticks, labelled in c->unit;
 * eight compass points around. */
static int draw_rose(const struct chart *c, cairo_t *cr, const struct chart_palette *th,
                     double notes_h, struct err *e)
{
    static const char *const points[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
    const struct chart_item *it = &c->items[0];
    double top = MARGIN + TITLE_SIZE + 24, bottom = c->height - MARGIN - NOTE_SIZE - 10 - notes_h;
    double vmax = 0, r, cx, cy, half = 11.25 - 0.6;
    struct chart_ticks tk;
    char label[64];

    if (c->nt != CHART_ROSE_SECTORS || !it->v)
        return err_set(e, ERR_USAGE, 0, "a rose needs %d sectors", CHART_ROSE_SECTORS);
    for (size_t i = 0; i < c->nt; i++)
        if (isfinite(it->v[i]) && it->v[i] > vmax)
            vmax = it->v[i];
    if (!(vmax > 0))
        return err_set(e, ERR_USAGE, 0, "nothing to draw: every sector is 0");
    r = fmin(c->width - 2 * MARGIN - 2 * (LABEL_SIZE + 10), bottom - top - 2 * (LABEL_SIZE + 10)) /
        2;
    if (r < 60)
        return err_set(e, ERR_USAGE, 0, "the chart is too small for its rose");
    cx = c->width / 2;
    cy = (top + bottom) / 2;
    chart_nice_ticks(0, vmax, 4, &tk);
    {
        double outer = tk.first + (tk.n - 1) * tk.step;
        /* Rings behind the wedges. */
        chart_set_rgb(cr, th->grid);
        cairo_set_line_width(cr, 1);
        for (int k = 1; k < tk.n; k++) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, cy, r * (tk.first + k * tk.step) / outer, 0, 2 * PI);
        }
        for (int k = 0; k < 8; k++) {
            double a = (k * 45.0 - 90.0) * PI / 180;
            cairo_move_to(cr, cx, cy);
            cairo_line_to(cr, cx + r * cos(a), cy + r * sin(a));
        }
        cairo_stroke(cr);
        /* The wedges. */
        chart_set_rgb(cr, it->color);
        for (size_t i = 0; i < c->nt; i++) {
            double v = it->v[i], rr, a0, a1;
            if (!(isfinite(v) && v > 0))
                continue;
            rr = r * v / outer;
            a0 = ((double)i * 22.5 - half - 90.0) * PI / 180;
            a1 = ((double)i * 22.5 + half - 90.0) * PI / 180;
            cairo_move_to(cr, cx, cy);
            cairo_line_to(cr, cx + rr * cos(a0), cy + rr * sin(a0));
            cairo_arc(cr, cx, cy, rr, a0, a1);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        /* Ring labels along the NNE line, compass points outside. */
        chart_set_rgb(cr, th->muted);
        chart_font(cr, TICK_SIZE, 0);
        for (int k = 1; k < tk.n; k++) {
            double rk = r * (tk.first + k * tk.step) / outer, a = (11.25 - 90.0) * PI / 180;
            int n = chart_format_tick(tk.first + k * tk.step, tk.decimals, label, sizeof label - 8);
            if (k == tk.n - 1 && c->unit && n > 0)
                snprintf(label + n, sizeof label - (size_t)n, " %s", c->unit);
            chart_text(cr, cx + rk * cos(a) + 3, cy + rk * sin(a), label, 0);
        }
        chart_set_rgb(cr, th->fg);
        chart_font(cr, LABEL_SIZE, 1);
        for (int k = 0; k < 8; k++) {
            double a = (k * 45.0 - 90.0) * PI / 180, d = r + LABEL_SIZE;
            chart_text(cr, cx + d * cos(a), cy + d * sin(a), points[k], 0.5);
        }
    }
    return 0;
}

static int draw(const struct chart *c, cairo_t *cr, struct err *e)
{
    const struct chart_palette *th = chart_palette(c->theme);
    struct note_lines *nl;
    cairo_status_t st;
    int rc;

    if (c->width < CHART_MIN_WIDTH || c->height < CHART_MIN_HEIGHT)
        return err_set(e, ERR_USAGE, 0, "the chart must be at least %dx%d, not %gx%g",
                       CHART_MIN_WIDTH, CHART_MIN_HEIGHT, c->width, c->height);
    if (c->nitems == 0)
        return err_set(e, ERR_USAGE, 0, "nothing to draw: no groups");
    nl = xcalloc(1, sizeof *nl);
    cairo_save(cr);
    chart_set_rgb(cr, th->bg);
    cairo_paint(cr);
    wrap_notes(c, cr, c->width - 2 * MARGIN, nl);
    draw_title_note(c, cr, th, nl);
    rc = c->kind == CHART_PIE    ? draw_pie(c, cr, th, (double)nl->n * NOTE_LINE, e)
         : c->kind == CHART_ROSE ? draw_rose(c, cr, th, (double)nl->n * NOTE_LINE, e)
                                 : draw_series(c, cr, th, (double)nl->n * NOTE_LINE, e);
    cairo_restore(cr);
    free(nl);
    if (rc < 0)
        return -1;
    st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS)
        return err_set(e, ERR_CHART, st, "drawing failed: %s", cairo_status_to_string(st));
    return 0;
}

int chart_draw(const struct chart *c, cairo_t *cr, struct err *e)
{
    return draw(c, cr, e);
}

int chart_draw_text(const struct chart *c, cairo_t *cr, struct chart_texts *texts, struct err *e)
{
    int rc;
    chart_texts_collect(cr, texts);
    rc = draw(c, cr, e);
    chart_texts_collect(cr, NULL);
    return rc;
}
