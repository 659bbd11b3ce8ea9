/* chart/forecast: lays out and draws the chart of one forecast answer
 * (chart/forecast.h) with the panel pieces of chart/panel.h, and writes it
 * through chart_output_page. */
#include "chart/forecast.h"

#include "chart/output.h"
#include "chart/panel.h"
#include "mem.h"
#include "present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t chart_forecast_history(size_t n, size_t horizon)
{
    size_t want = CHART_FORECAST_HISTORY_HORIZONS * horizon;
    if (want < CHART_FORECAST_HISTORY_MIN)
        want = CHART_FORECAST_HISTORY_MIN;
    return want < n ? want : n;
}

int chart_forecast_layout(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                          struct chart_forecast_layout *out, struct err *e)
{
    const struct forecast_result *r = &a->res;
    const struct series_spec *spec = &a->p->series;
    struct chart_analysis_panel *p = &out->l.p[0];
    size_t n = a->rq.n;
    double lo = INFINITY, hi = -INFINITY;

    memset(out, 0, sizeof *out);
    if (!(o->width >= CHART_MIN_WIDTH && o->height >= CHART_MIN_HEIGHT))
        return err_set(e, ERR_USAGE, 0, "the chart must be at least %dx%d, not %gx%g",
                       CHART_MIN_WIDTH, CHART_MIN_HEIGHT, o->width, o->height);
    if (r->mode == FORECAST_LOGLIKE || r->horizon < 1 || !r->mean || n < 1)
        return err_set(e, ERR_USAGE, 0, "nothing to draw: the answer has no forecast");
    out->backtest = r->has_backtest && r->bt.folds > 0;
    out->history = chart_forecast_history(n, r->horizon);
    out->origin = a->lb.t0 + 3600 * (int64_t)n;
    out->l.n = 1;
    out->l.from = out->origin - 3600 * (int64_t)out->history;
    out->l.to = out->origin + 3600 * (int64_t)r->horizon;
    p->x0 = CHART_ANALYSIS_LEFT;
    p->x1 = o->width - CHART_ANALYSIS_RIGHT - (out->backtest ? CHART_FORECAST_SIDE : 0);
    p->y0 = CHART_FORECAST_TOP;
    p->y1 = o->height - CHART_ANALYSIS_BOTTOM;
    if (p->y1 - p->y0 < CHART_ANALYSIS_MIN_PANEL || p->x1 - p->x0 < 100)
        return err_set(e, ERR_USAGE, 0,
                       "the chart is too small for the forecast%s: use a larger --width/--height",
                       out->backtest ? " and the backtest panel" : "");
    if (out->backtest) {
        out->bx0 = p->x1 + 36;
        out->bx1 = o->width - CHART_ANALYSIS_RIGHT;
        for (int m = 0; m < BACKTEST_METHODS; m++)
            if (isfinite(r->bt.overall[m].mae))
                out->bmax = fmax(out->bmax, r->bt.overall[m].mae);
        if (!(out->bmax > 0))
            out->bmax = 1;
    }
    chart_panel_widen(a->y + (n - out->history), out->history, &lo, &hi);
    chart_panel_widen(r->mean, r->horizon, &lo, &hi);
    chart_panel_widen(r->lower, r->horizon, &lo, &hi);
    chart_panel_widen(r->upper, r->horizon, &lo, &hi);
    chart_panel_axis(p, chart_panel_unit(spec), lo, hi, NAN);
    return 0;
}

/* ---- words ------------------------------------------------------------------ */

void chart_forecast_title(const struct forecast_answer *a, char *out, size_t n)
{
    const struct sarimax_spec *sp = &a->p->spec;
    const struct forecast_result *r = &a->res;
    char tail[160] = "";

    if (r->mode == FORECAST_GIVEN)
        snprintf(tail, sizeof tail, ", given parameters");
    else if (r->mode == FORECAST_FIT && !r->converged)
        snprintf(tail, sizeof tail, ", not converged: %s", r->message);
    snprintf(out, n, "SARIMAX(%d,%d,%d)(%d,%d,%d,%d) of %s, trend %s, AIC %.1f%s", sp->p, sp->d,
             sp->q, sp->P, sp->D, sp->Q, sp->s, a->p->series.text, sarimax_trend_name(sp->trend),
             r->aic, tail);
}

void chart_forecast_interval_label(double alpha, char *out, size_t n)
{
    snprintf(out, n, "%.6g %% interval", 100 * (1 - alpha));
}

/* The line under the title: the training days, what is shown, the band,
 * the regressors. */
static void subtitle(const struct forecast_answer *a, const struct chart_forecast_layout *fl,
                     char *out, size_t n)
{
    char hours[32], shown[48] = "", exog[LIMIT_FORECAST_EXOG * (LIMIT_ANALYSIS_SPEC + 2)] = "";
    size_t used = 0;

    present_format_count((long long)a->rq.n, hours, sizeof hours);
    if (fl->history < a->rq.n)
        snprintf(shown, sizeof shown, "; the last %zu h shown", fl->history);
    for (size_t j = 0; j < a->p->nexog && used < sizeof exog; j++) {
        int w = snprintf(exog + used, sizeof exog - used, "%s%s",
                         j ? ", " : "; regressors: ", a->p->exog[j].text);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    snprintf(out, n, "trained on %s to %s (%s h%s); forecast %zu h, band: mean +- %.2f sd%s",
             a->p->from_s, a->p->to_s, hours, shown, a->res.horizon, a->res.z, exog);
}

static const char *attribution(const struct forecast_answer *a)
{
    const struct series_spec *specs[LIMIT_FORECAST_EXOG + 1];
    specs[0] = &a->p->series;
    for (size_t j = 0; j < a->p->nexog; j++)
        specs[j + 1] = &a->p->exog[j];
    return chart_panel_attribution(specs, a->p->nexog + 1);
}

/* ---- drawing ---------------------------------------------------------------- */

/* The legend above the panel, left to right from x0: a line swatch and
 * "history", a line swatch and "forecast", a band swatch and the
 * interval's words. */
static void legend(const struct chart_panel_ctx *c, const struct forecast_answer *a,
                   struct chart_rgb hist, struct chart_rgb fc)
{
    cairo_t *cr = c->cr;
    const struct chart_analysis_panel *p = &c->l->p[0];
    double x = p->x0, y = p->y0 - 14;
    char band[48];
    const char *words[3] = {"history", "forecast", band};

    chart_forecast_interval_label(a->p->alpha, band, sizeof band);
    chart_font(cr, CHART_TICK_SIZE, 0);
    for (int i = 0; i < 3; i++) {
        if (i < 2) {
            chart_set_rgb(cr, i ? fc : hist);
            cairo_set_line_width(cr, 2);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + 18, y);
            cairo_stroke(cr);
        } else {
            cairo_set_source_rgba(cr, fc.r, fc.g, fc.b, CHART_FORECAST_BAND_ALPHA);
            cairo_rectangle(cr, x, y - 5, 18, 10);
            cairo_fill(cr);
        }
        chart_set_rgb(cr, c->th->fg);
        chart_text(cr, x + 24, y, words[i], 0);
        x += 24 + chart_text_width(cr, words[i]) + 18;
    }
}

/* MAE m as "266 MW" (3 significant digits, the unit of the ladder for
 * the largest bar). */
static void format_mae(double m, struct present_unit u, char *out, size_t n)
{
    double v = fabs(m / u.divisor);
    char num[48];
    present_format_in(m, u, v >= 100 ? 0 : v >= 10 ? 1 : 2, num, sizeof num);
    if (u.name && *u.name)
        snprintf(out, n, "%s %s", num, u.name);
    else
        snprintf(out, n, "%s", num);
}

/* The backtest panel: the overall MAE per method as bars from bx0. */
static void backtest_panel(const struct chart_panel_ctx *c, const struct forecast_answer *a,
                           const struct chart_forecast_layout *fl, struct chart_rgb fc)
{
    static const char *const names[BACKTEST_METHODS] = {"model", "seasonal-naive",
                                                        "naive-last-week"};
    const struct backtest_result *bt = &a->res.bt;
    const struct chart_analysis_panel *p = &c->l->p[0];
    cairo_t *cr = c->cr;
    struct present_unit u =
        present_unit_pick(chart_panel_unit(&a->p->series), PRESENT_POWER, fl->bmax);
    double len = fl->bx1 - fl->bx0 - CHART_FORECAST_BAR_LABEL, y = p->y0 + 8;
    char s[96];

    chart_set_rgb(cr, c->th->fg);
    chart_font(cr, CHART_LABEL_SIZE, 1);
    chart_text(cr, fl->bx0, y, "Backtest: mean absolute error", 0);
    chart_set_rgb(cr, c->th->muted);
    chart_font(cr, CHART_TICK_SIZE, 0);
    snprintf(s, sizeof s, "%zu fold%s of %zu h, %s", bt->folds, bt->folds == 1 ? "" : "s",
             bt->horizon, bt->refit ? "refitted per fold" : "given parameters");
    chart_text(cr, fl->bx0, y + 18, s, 0);
    y += 48;
    for (int m = 0; m < BACKTEST_METHODS; m++) {
        double mae = bt->overall[m].mae, w = isfinite(mae) ? len * fmax(0, mae) / fl->bmax : 0;
        chart_set_rgb(cr, c->th->fg);
        chart_font(cr, CHART_TICK_SIZE, 0);
        chart_text(cr, fl->bx0, y, names[m], 0);
        chart_set_rgb(cr, m == BACKTEST_MODEL ? fc : c->th->muted);
        cairo_rectangle(cr, fl->bx0, y + 10, w, 16);
        cairo_fill(cr);
        chart_set_rgb(cr, c->th->fg);
        if (isfinite(mae))
            format_mae(mae, u, s, sizeof s);
        else
            snprintf(s, sizeof s, "n/a");
        chart_text(cr, fl->bx0 + w + 6, y + 18, s, 0);
        y += 52;
    }
    chart_set_rgb(cr, c->th->muted);
    snprintf(s, sizeof s, "%s: model %.1f %%, seasonal-naive %.1f %%", bt->smape ? "sMAPE" : "MAPE",
             bt->overall[BACKTEST_MODEL].pct, bt->overall[BACKTEST_SEASONAL_NAIVE].pct);
    chart_panel_fit_font(cr, CHART_TICK_SIZE, 0, s, fl->bx1 - fl->bx0);
    chart_text(cr, fl->bx0, y, s, 0);
    snprintf(s, sizeof s, "naive-last-week %.1f %%", bt->overall[BACKTEST_NAIVE_WEEK].pct);
    chart_text(cr, fl->bx0, y + 18, s, 0);
}

int chart_forecast_draw(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                        cairo_t *cr, struct err *e)
{
    const struct forecast_result *r = &a->res;
    struct chart_forecast_layout fl;
    struct chart_panel_ctx c;
    struct chart_time_ticks *xt;
    struct series hist, fut;
    struct chart_rgb hc, fc;
    char title[512], sub[512], label[96];
    double dash[] = {2, 3}, x;
    cairo_status_t st;

    if (chart_forecast_layout(a, o, &fl, e) < 0)
        return -1;
    c.cr = cr;
    c.th = chart_palette(o->theme);
    c.l = &fl.l;
    xt = xcalloc(1, sizeof *xt);
    chart_time_ticks(fl.l.from, fl.l.to, (int)fmax(2, (fl.l.p[0].x1 - fl.l.p[0].x0) / 78), xt);
    c.xt = xt;
    memset(&hist, 0, sizeof hist);
    memset(&fut, 0, sizeof fut);
    hist.start = fl.l.from;
    hist.n = fl.history;
    fut.start = fl.origin;
    fut.n = r->horizon;
    hc = chart_panel_rgb(&a->p->series);
    fc = chart_panel_distinct(hc, chart_rgb_hex(CHART_FORECAST_COLOR), c.th->fg);

    cairo_save(cr);
    chart_forecast_title(a, title, sizeof title);
    subtitle(a, &fl, sub, sizeof sub);
    chart_panel_heading(&c, o->width, o->height, title, sub, attribution(a));
    chart_panel_axis_label(&fl.l.p[0], chart_panel_value_name(&a->p->series), label, sizeof label);
    chart_panel_frame(&c, 0, label);
    chart_panel_clip(&c, 0);
    chart_panel_band(&c, 0, &fut, r->lower, r->upper, fc, CHART_FORECAST_BAND_ALPHA);
    /* The origin: a dotted line between the last training hour and the
     * first forecast hour. */
    x = round(chart_analysis_x(&fl.l, fl.origin)) + 0.5;
    chart_set_rgb(cr, c.th->muted);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x, fl.l.p[0].y0);
    cairo_line_to(cr, x, fl.l.p[0].y1);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    chart_panel_line(&c, 0, &hist, a->y + (a->rq.n - fl.history), hc, 1.2);
    chart_panel_line(&c, 0, &fut, r->mean, fc, 1.6);
    cairo_restore(cr);
    chart_panel_axes(&c, 0);
    legend(&c, a, hc, fc);
    if (fl.backtest)
        backtest_panel(&c, a, &fl, fc);
    cairo_restore(cr);
    free(xt);
    st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS)
        return err_set(e, ERR_CHART, st, "drawing failed: %s", cairo_status_to_string(st));
    return 0;
}

/* ---- files ------------------------------------------------------------------ */

struct page_arg {
    const struct forecast_answer *a;
    const struct chart_analysis_opts *o;
};

static int draw_page(void *arg, cairo_t *cr, struct err *e)
{
    const struct page_arg *pa = arg;
    return chart_forecast_draw(pa->a, pa->o, cr, e);
}

int chart_forecast_write(const struct forecast_answer *a, const struct chart_analysis_opts *o,
                         const char *path, struct err *e)
{
    struct page_arg pa = {a, o};
    struct chart_forecast_layout fl;
    char title[512], desc[700], sub[512];
    struct chart_page pg = {o->width, o->height, title, desc, "elhub forecast", draw_page, &pa};

    if (chart_forecast_layout(a, o, &fl, e) < 0)
        return -1;
    chart_forecast_title(a, title, sizeof title);
    subtitle(a, &fl, sub, sizeof sub);
    snprintf(desc, sizeof desc, "%s. %s", sub, attribution(a));
    return chart_output_page(&pg, path, o->dpi, e);
}
