/* Unit tests for chart/analysis: results built by hand (no method runs),
 * drawn onto an in-memory image surface at 640 x 400, and checked where the
 * documented geometry (chart/analysis.h: panels between y 78 and height -
 * 66, x from 96 to width - 24, hours at their middles) says the marks are:
 * the outlier markers' colour and count, the band's rows, the hottest
 * spectrogram cell, the LOF threshold, the correlation's undefined
 * windows; the SVG page's words; the refusals. */
#include "chart/analysis.h"
#include "check.h"

#include <unistd.h>

#define W 640
#define H 400
#define MARK 0xe6001aU /* CHART_ANALYSIS_MARK */
#define HOT 0xfde725U  /* CHART_ANALYSIS_HOT */

/* A request of method m over [from, to] on production:NO5:hydro, with the
 * extra pairs given (name, value, name, value, ..., NULL). */
static void request(enum analysis_method m, struct analysis_request *rq, const char *from,
                    const char *to, const char *const *extra)
{
    struct analysis_pair p[12];
    size_t n = 0;
    struct err e = {0};
    if (m == ANALYSIS_CORRELATE) {
        p[n++] = (struct analysis_pair){"x", "production:NO1:hydro"};
        p[n++] = (struct analysis_pair){"y", "production:NO5:hydro"};
    } else {
        p[n++] = (struct analysis_pair){"series", "production:NO5:hydro"};
    }
    p[n++] = (struct analysis_pair){"from", from};
    p[n++] = (struct analysis_pair){"to", to};
    for (; extra && *extra; extra += 2)
        p[n++] = (struct analysis_pair){extra[0], extra[1]};
    if (analysis_params_parse(m, p, n, rq, &e) < 0) {
        fprintf(stderr, "params: %s\n", e.msg);
        abort();
    }
}

/* d holds k series of rq->hours hours from rq->from, all of value v0
 * (kWh per hour); the caller edits them. */
static void data(const struct analysis_request *rq, struct analysis_data *d, size_t k, double v0)
{
    memset(d, 0, sizeof *d);
    for (size_t j = 0; j < k; j++) {
        struct series *s = &d->s[j];
        snprintf(s->spec, sizeof s->spec, "%s", rq->series[j].text);
        s->start = rq->from;
        s->n = rq->hours;
        s->v = calloc(s->n, sizeof *s->v);
        for (size_t i = 0; i < s->n; i++)
            s->v[i] = v0;
    }
    d->n = k;
}

static double *filled(size_t n, double v)
{
    double *a = calloc(n, sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = v;
    return a;
}

/* An SPC result over 48 hours with bounds 500 .. 2000 kWh per hour and
 * the given outlier flags (borrowed); spc_free releases the bounds. */
static void spc_fixture(struct analysis_result *r, unsigned char *flag, size_t count)
{
    memset(r, 0, sizeof *r);
    r->method = ANALYSIS_OUTLIERS;
    r->spc = (struct spc_result){.n = 48,
                                 .satv = filled(48, 0),
                                 .lower = filled(48, 500),
                                 .upper = filled(48, 2000),
                                 .outlier = flag,
                                 .count = count};
}

static void spc_free(struct analysis_result *r)
{
    free(r->spc.satv);
    free(r->spc.lower);
    free(r->spc.upper);
}

static unsigned pixel(cairo_surface_t *s, double x, double y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t v;
    int ix = (int)floor(x), iy = (int)floor(y);
    if (ix < 0 || iy < 0 || ix >= W || iy >= H)
        return 0x1000000;
    memcpy(&v, d + (size_t)iy * (size_t)cairo_image_surface_get_stride(s) + (size_t)ix * 4, 4);
    return v & 0xffffff;
}

static int near_rgb(unsigned p, int r, int g, int b, int tol)
{
    return abs((int)(p >> 16 & 0xff) - r) <= tol && abs((int)(p >> 8 & 0xff) - g) <= tol &&
           abs((int)(p & 0xff) - b) <= tol;
}

struct canvas {
    cairo_surface_t *s;
    cairo_t *cr;
};

static void draw(struct canvas *c, const struct analysis_request *rq, const struct analysis_data *d,
                 const struct analysis_result *r, enum chart_theme theme,
                 struct chart_analysis_layout *l)
{
    struct chart_analysis_opts o = {W, H, 96, theme};
    struct err e = {0};
    c->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    c->cr = cairo_create(c->s);
    CHECK_OK(chart_analysis_draw(rq, d, r, &o, c->cr, &e), &e);
    CHECK_OK(chart_analysis_layout(rq, d, r, &o, l, &e), &e);
    cairo_surface_flush(c->s);
}

static void canvas_free(struct canvas *c)
{
    cairo_destroy(c->cr);
    cairo_surface_destroy(c->s);
}

/* The x of hour i's middle, computed from the documented geometry (not by
 * chart_analysis_x): x0 = 96, x1 = W - 24, linear in time over rq's range. */
static double hour_x(const struct analysis_request *rq, size_t i)
{
    double t = 3600.0 * (double)i + 1800;
    return 96 + (W - 24 - 96) * t / (double)(rq->to - rq->from);
}

/* Connected runs of MARK pixels along the row y (a marker is a run). */
static int mark_runs(cairo_surface_t *s, double y)
{
    int runs = 0, in = 0;
    for (int x = 0; x < W; x++) {
        int m = pixel(s, x, y) == MARK;
        runs += m && !in;
        in = m;
    }
    return runs;
}

static void outliers(void)
{
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    unsigned char flag[48] = {0};

    request(ANALYSIS_OUTLIERS, &rq, "2021-03-01", "2021-03-02", NULL);
    CHECK_INT(rq.hours, 48);
    data(&rq, &d, 1, 1000); /* 1 MW */
    d.s[0].v[30] = 5000;
    d.s[0].v[40] = 5000;
    flag[30] = flag[40] = 1;
    spc_fixture(&r, flag, 2);
    draw(&c, &rq, &d, &r, CHART_THEME_LIGHT, &l);

    /* One panel, 78 .. 400 - 66, values 0 .. 5 MW on nice ticks. */
    CHECK_INT(l.n, 1);
    CHECK_NEAR(l.p[0].y0, 78, 1e-9);
    CHECK_NEAR(l.p[0].y1, H - 66, 1e-9);
    CHECK_NEAR(l.p[0].lo, 0, 1e-9);
    CHECK_NEAR(l.p[0].hi, 5000, 1e-9);
    CHECK_STR(l.p[0].unit.name, "MW");
    CHECK_NEAR(chart_analysis_x(&l, rq.from + 30 * 3600 + 1800), hour_x(&rq, 30), 1e-9);
    {
        /* y of value v: 334 at 0, 78 at 5000 (hand-derived). */
#define VY(v) (334 - (334 - 78) * (v) / 5000.0)
        double y5 = VY(5000);
        CHECK_INT(pixel(c.s, hour_x(&rq, 30), y5 + 1), MARK);
        CHECK_INT(pixel(c.s, hour_x(&rq, 40), y5 + 1), MARK);
        /* Two markers, and nothing else in the mark colour on their row. */
        CHECK_INT(mark_runs(c.s, y5 + 1), 2);
        /* The band (hydro #1f77b4 at alpha 0.25 on white: 199, 221, 236)
         * covers 1.5 MW at hour 10 and not 2.5 MW nor 0.25 MW. */
        unsigned in = pixel(c.s, hour_x(&rq, 10), VY(1500));
        unsigned above = pixel(c.s, hour_x(&rq, 10), VY(2500));
        unsigned below = pixel(c.s, hour_x(&rq, 10), VY(250));
        fprintf(stderr, "  band %06x above %06x below %06x\n", in, above, below);
        CHECK(near_rgb(in, 199, 221, 236, 2));
        CHECK_INT(above, 0xffffff);
        CHECK_INT(below, 0xffffff);
        /* No marker at an unflagged hour's value. */
        CHECK(pixel(c.s, hour_x(&rq, 20), VY(1000)) != MARK);
#undef VY
    }
    CHECK_INT(pixel(c.s, 2, 2), 0xffffff);
    canvas_free(&c);
    spc_free(&r);
    free(d.s[0].v);
}

static void spectrogram(void)
{
    static const char *const extra[] = {"window", "24", "overlap", "0", NULL};
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    double centre[4] = {12, 36, 60, 84}, freq[5] = {0, 3, 6, 9, 12}, power[20];
    double ycell[5];

    request(ANALYSIS_SPECTROGRAM, &rq, "2021-03-01", "2021-03-04", extra);
    CHECK_INT(rq.hours, 96);
    data(&rq, &d, 1, 1000);
    for (size_t i = 0; i < 20; i++)
        power[i] = 1;
    power[2 * 5 + 3] = 1e6; /* segment 2, 9 cycles per day */
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_SPECTROGRAM;
    r.spectrogram = (struct spectrogram_result){4, 5, centre, freq, power};
    draw(&c, &rq, &d, &r, CHART_THEME_LIGHT, &l);

    /* log10 power from 0 to 6 on the ramp; x1 leaves room for the bar. */
    CHECK_NEAR(l.clo, 0, 1e-12);
    CHECK_NEAR(l.chi, 6, 1e-12);
    CHECK_NEAR(l.p[0].x1, W - 24 - 96, 1e-9);
    CHECK_NEAR(l.p[0].lo, 0, 1e-9);
    /* Nice ticks for 0 .. 12 with at most 256 / 45 = 5 steps: 2.5 apart. */
    CHECK_NEAR(l.p[0].hi, 12.5, 1e-9);
    for (int k = 0; k < 5; k++)
        ycell[k] = 334 - (334 - 78) * freq[k] / 12.5;
    {
        /* Cell centres: segment i at hour centre[i], x over 96 .. 520. */
        double xs[4];
        for (int i = 0; i < 4; i++)
            xs[i] = 96 + (520 - 96) * centre[i] / 96;
        CHECK_INT(pixel(c.s, xs[2], ycell[3]), HOT);
        CHECK_INT(pixel(c.s, xs[0], ycell[3]), 0x440154); /* the ramp's bottom */
        CHECK_INT(pixel(c.s, xs[3], ycell[1]), 0x440154);
        /* The hottest pixel of the plot is in that cell. */
        int hot = 0, outside = 0;
        for (int y = 79; y < 333; y++)
            for (int x = 97; x < 519; x++)
                if (pixel(c.s, x, y) == HOT) {
                    hot++;
                    outside +=
                        fabs(x - xs[2]) > 53 + 1 || fabs(y - ycell[3]) > 256 / 12.5 * 1.5 + 1;
                }
        fprintf(stderr, "  hot pixels %d, outside the cell %d\n", hot, outside);
        CHECK(hot > 100);
        CHECK_INT(outside, 0);
    }
    canvas_free(&c);
    free(d.s[0].v);
}

/* More segments than an image may have pixels a side (32767): the cells
 * are drawn as rectangles, with the same colours. */
static void spectrogram_many(void)
{
    static const char *const extra[] = {"window", "2", "overlap", "1", NULL};
    enum { NSEG = 40000 };
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    double *centre = calloc(NSEG, sizeof *centre), freq[2] = {0, 12};
    double *power = calloc(2 * NSEG, sizeof *power);
    double x_hot, x_cold, y_top;

    request(ANALYSIS_SPECTROGRAM, &rq, "2021-01-01", "2025-07-31", extra);
    data(&rq, &d, 1, 1000);
    for (size_t i = 0; i < NSEG; i++) {
        centre[i] = (double)i + 1;
        power[2 * i] = power[2 * i + 1] = 1;
        if (i >= 20000 && i < 24000)
            power[2 * i + 1] = 1e6; /* a hot run at 12 cycles per day */
    }
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_SPECTROGRAM;
    r.spectrogram = (struct spectrogram_result){NSEG, 2, centre, freq, power};
    draw(&c, &rq, &d, &r, CHART_THEME_LIGHT, &l);
    /* Hours from 2021-01-01 to 2025-08-01: x over 96 .. 520. */
    x_hot = 96 + (520 - 96) * 22000.0 / (double)rq.hours;
    x_cold = 96 + (520 - 96) * 10000.0 / (double)rq.hours;
    y_top = 334 - (334 - 78) * 11.0 / 12.5; /* inside the top cell (12 +- 6) */
    fprintf(stderr, "  hours %zu, hot %06x, cold %06x\n", rq.hours, pixel(c.s, x_hot, y_top),
            pixel(c.s, x_cold, y_top));
    CHECK_INT(pixel(c.s, x_hot, y_top), HOT);
    CHECK_INT(pixel(c.s, x_cold, y_top), 0x440154);
    canvas_free(&c);
    free(centre);
    free(power);
    free(d.s[0].v);
}

static void stl(void)
{
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    size_t n;
    double h = (H - 78 - 66 - 3 * 14) / 4.0;

    request(ANALYSIS_STL, &rq, "2021-03-01", "2021-03-14",
            (const char *const[]){"period", "24", NULL});
    n = rq.hours;
    data(&rq, &d, 1, 3000);
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_STL;
    r.stl = (struct stl_result){n, filled(n, 3000), filled(n, 0), filled(n, 0), filled(n, 1)};
    draw(&c, &rq, &d, &r, CHART_THEME_DARK, &l);
    CHECK_INT(l.n, 4);
    for (size_t k = 0; k < 4; k++) {
        CHECK_NEAR(l.p[k].y0, 78 + (double)k * (h + 14), 1e-9);
        CHECK_NEAR(l.p[k].y1 - l.p[k].y0, h, 1e-9);
    }
    /* Dark background (0.11, 0.12, 0.14 of 255). */
    CHECK(near_rgb(pixel(c.s, 2, 2), 28, 31, 36, 1));
    canvas_free(&c);
    free(r.stl.trend);
    free(r.stl.seasonal);
    free(r.stl.resid);
    free(r.stl.weights);
    free(d.s[0].v);
}

static void anomalies(void)
{
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    unsigned char flag[48] = {0};
    double *score;
    int dash = 0;

    request(ANALYSIS_ANOMALIES, &rq, "2021-03-01", "2021-03-02", NULL);
    data(&rq, &d, 1, 1000);
    score = filled(48, -1);
    score[20] = -3;
    flag[20] = 1;
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_ANOMALIES;
    r.lof = (struct lof_result){48, 20, score, flag, -1.5, 1};
    draw(&c, &rq, &d, &r, CHART_THEME_LIGHT, &l);
    CHECK_INT(l.n, 2);
    /* 2:1 panels: (400 - 78 - 66 - 14) = 242 -> 161.33 and 80.67. */
    CHECK_NEAR(l.p[0].y1 - l.p[0].y0, 242 * 2 / 3.0, 1e-9);
    CHECK_NEAR(l.p[1].y0, 78 + 242 * 2 / 3.0 + 14, 1e-9);
    {
        const struct chart_analysis_panel *p = &l.p[1];
        double ys = p->y1 - (p->y1 - p->y0) * (-3 - p->lo) / (p->hi - p->lo);
        double yo = round(p->y1 - (p->y1 - p->y0) * (-1.5 - p->lo) / (p->hi - p->lo));
        CHECK(p->lo <= -3 && p->hi >= -1);
        CHECK_INT(pixel(c.s, hour_x(&rq, 20), ys), MARK);
        /* The threshold: a dashed row in the mark colour. */
        for (int x = (int)p->x0 + 1; x < (int)p->x1; x++)
            dash += pixel(c.s, x, yo) == MARK;
        fprintf(stderr, "  threshold pixels %d of %d\n", dash, (int)(p->x1 - p->x0));
        CHECK(dash > (p->x1 - p->x0) * 0.4 && dash < (p->x1 - p->x0) * 0.8);
    }
    canvas_free(&c);
    free(score);
    free(d.s[0].v);
}

static void correlate(void)
{
    static const char *const extra[] = {"window", "12", "lag_range", "-6:6", NULL};
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct canvas c;
    char title[256];
    double *rr;
    const struct chart_analysis_panel *p;
    int line_at_10 = 0, line_at_2 = 0;

    request(ANALYSIS_CORRELATE, &rq, "2021-03-01", "2021-03-02", extra);
    data(&rq, &d, 2, 1000);
    for (size_t i = 0; i < 48; i++) {
        d.s[0].v[i] = 1000 + 100 * sin((double)i / 3);
        d.s[1].v[i] = 2000 + 300 * cos((double)i / 5);
    }
    rr = filled(48, 0.5);
    for (size_t i = 0; i < 6; i++)
        rr[i] = rr[47 - i] = NAN;
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_CORRELATE;
    r.correlate = (struct correlate_result){48, rr, 1, -3, 0.5};
    chart_analysis_title(&rq, &r, title, sizeof title);
    CHECK_STR(title, "Correlation of production:NO1:hydro and production:NO5:hydro, 2021-03-01 to "
                     "2021-03-02, best lag -3 h (r = 0.50)");
    draw(&c, &rq, &d, &r, CHART_THEME_LIGHT, &l);
    p = &l.p[1];
    CHECK_NEAR(p->lo, -1, 1e-12);
    CHECK_NEAR(p->hi, 1, 1e-12);
    /* r = 0.5 is drawn at hour 10 and not at hour 2 (window incomplete). */
    {
        double y = p->y1 - (p->y1 - p->y0) * 0.75;
        for (int dy = -2; dy <= 2; dy++) {
            line_at_10 |= pixel(c.s, hour_x(&rq, 10), y + dy) != 0xffffff;
            line_at_2 |= pixel(c.s, hour_x(&rq, 2), y + dy) != 0xffffff;
        }
    }
    CHECK(line_at_10);
    CHECK(!line_at_2);
    canvas_free(&c);
    free(rr);
    free(d.s[0].v);
    free(d.s[1].v);
}

static void titles(void)
{
    struct analysis_pair p[] = {
        {"series", "production:NO5:hydro,production:NO1:hydro,production:NO4:wind"},
        {"from", "2021-01-01"},
        {"to", "2021-01-31"}};
    struct analysis_request rq;
    struct analysis_result r;
    struct err e = {0};
    char t[512];

    memset(&r, 0, sizeof r);
    CHECK_OK(analysis_params_parse(ANALYSIS_ANOMALIES, p, 3, &rq, &e), &e);
    chart_analysis_title(&rq, &r, t, sizeof t);
    CHECK_STR(t, "Anomalies (LOF) of production:NO5:hydro, production:NO1:hydro and "
                 "production:NO4:wind, 2021-01-01 to 2021-01-31");
    request(ANALYSIS_SPECTROGRAM, &rq, "2021-01-01", "2021-01-31", NULL);
    chart_analysis_title(&rq, &r, t, sizeof t);
    CHECK_STR(t, "Spectrogram of production:NO5:hydro, 2021-01-01 to 2021-01-31");
    /* Cut short to fit, never past the buffer. */
    chart_analysis_title(&rq, &r, t, 12);
    CHECK_STR(t, "Spectrogram"); /* 11 characters and the NUL */
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = calloc((size_t)n + 1, 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

static void svg_page(void)
{
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_opts o = {W, H, 96, CHART_THEME_LIGHT};
    struct err e = {0};
    unsigned char flag[48] = {0};
    char path[] = "/tmp/test_chart_analysis_XXXXXX.svg";
    char *svg;
    int fd = mkstemps(path, 4);

    CHECK(fd >= 0);
    close(fd);
    request(ANALYSIS_OUTLIERS, &rq, "2021-03-01", "2021-03-02", NULL);
    data(&rq, &d, 1, 1000);
    spc_fixture(&r, flag, 0);
    CHECK_OK(chart_analysis_write(&rq, &d, &r, &o, path, &e), &e);
    svg = slurp(path);
    unlink(path);
    CHECK(svg != NULL);
    CHECK(strstr(svg, "<title>Outliers (SPC) of production:NO5:hydro, 2021-03-01 to "
                      "2021-03-02</title>") != NULL);
    CHECK(strstr(svg, ">Time (Europe/Oslo)</text>") != NULL);
    CHECK(strstr(svg, ">Production (MW)</text>") != NULL);
    CHECK(strstr(svg, "<desc>band: SPC bounds") != NULL);
    free(svg);

    /* A bad suffix is refused before anything is written. */
    CHECK_INT(chart_analysis_write(&rq, &d, &r, &o, "/tmp/x.gif", &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    spc_free(&r);
    free(d.s[0].v);
}

static void rejects(void)
{
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    struct chart_analysis_layout l;
    struct chart_analysis_opts o = {CHART_MIN_WIDTH, CHART_MIN_HEIGHT, 96, CHART_THEME_LIGHT};
    struct err e = {0};
    size_t n;

    request(ANALYSIS_STL, &rq, "2021-03-01", "2021-03-14",
            (const char *const[]){"period", "24", NULL});
    n = rq.hours;
    data(&rq, &d, 1, 3000);
    memset(&r, 0, sizeof r);
    r.method = ANALYSIS_STL;
    r.stl = (struct stl_result){n, d.s[0].v, d.s[0].v, d.s[0].v, d.s[0].v};
    /* Four panels do not fit 240 pixels: (240 - 144 - 42) / 4 < 24. */
    CHECK_INT(chart_analysis_layout(&rq, &d, &r, &o, &l, &e), -1);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK(strstr(e.msg, "too small") != NULL);
    o.height = 239;
    CHECK_INT(chart_analysis_layout(&rq, &d, &r, &o, &l, &e), -1);
    CHECK(strstr(e.msg, "at least") != NULL);
    o.height = 400;
    d.n = 0;
    CHECK_INT(chart_analysis_layout(&rq, &d, &r, &o, &l, &e), -1);
    CHECK(strstr(e.msg, "nothing to draw") != NULL);
    d.n = 1;
    CHECK_OK(chart_analysis_layout(&rq, &d, &r, &o, &l, &e), &e);
    free(d.s[0].v);
}

int main(int argc, char **argv)
{
    static const struct check_case cases[] = {
        {"/chart_analysis/outliers", outliers},
        {"/chart_analysis/spectrogram", spectrogram},
        {"/chart_analysis/spectrogram_many", spectrogram_many},
        {"/chart_analysis/stl", stl},
        {"/chart_analysis/anomalies", anomalies},
        {"/chart_analysis/correlate", correlate},
        {"/chart_analysis/svg", svg_page},
        {"/chart_analysis/rejects", rejects},
        {"/chart_analysis/titles", titles}};
    int rc = check_run(cases, sizeof cases / sizeof cases[0], argc, argv);
    chart_release_fonts();
    return rc;
}
