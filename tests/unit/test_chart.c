/* Unit tests for chart: value ticks, percentages, Oslo time ticks across the
 * DST days, pie label placement, file format by extension, and drawing onto
 * an in-memory cairo surface (colours where the model says they are). */
#include "chart/chart.h"
#include "chart/output.h"
#include "check.h"
#include "timeutil.h"

static int64_t parse(const char *s)
{
    int64_t t = 0;
    struct err e = {0};
    if (timeutil_parse_iso(s, strlen(s), &t, &e) < 0) {
        fprintf(stderr, "parse %s: %s\n", s, e.msg);
        abort();
    }
    return t;
}

static void nice_ticks(void)
{
    struct chart_ticks t;
    chart_nice_ticks(0, 2.97, 8, &t);
    CHECK_NEAR(t.first, 0, 1e-12);
    CHECK_NEAR(t.step, 0.5, 1e-12);
    CHECK_INT(t.n, 7); /* 0 .. 3.0 */
    CHECK_INT(t.decimals, 1);

    chart_nice_ticks(0, 106, 9, &t);
    CHECK_NEAR(t.step, 20, 1e-12);
    CHECK_INT(t.n, 7); /* 0 .. 120 */
    CHECK_INT(t.decimals, 0);

    chart_nice_ticks(0, 0.9, 4, &t);
    CHECK_NEAR(t.step, 0.25, 1e-12);
    CHECK_INT(t.decimals, 2);

    /* Negative ranges and a flat series still give a usable axis. */
    chart_nice_ticks(-3.2, 7.7, 5, &t);
    CHECK(t.first <= -3.2);
    CHECK(t.first + (t.n - 1) * t.step >= 7.7);
    CHECK(t.n <= 6);
    chart_nice_ticks(0, 0, 5, &t);
    CHECK(t.n >= 2);
    CHECK(t.step > 0);
    chart_nice_ticks(5, 5, 5, &t);
    CHECK(t.first <= 5 && t.first + (t.n - 1) * t.step >= 5);
    CHECK(t.step > 0);
}

static void nice_ticks_cover(void)
{
    /* Over many ranges: covering, bounded count, nice step. */
    for (int i = 1; i < 2000; i++) {
        double hi = i * 0.0137 * i;
        struct chart_ticks t;
        double m;
        chart_nice_ticks(0, hi, 6, &t);
        CHECK(t.first <= 0);
        CHECK(t.first + (t.n - 1) * t.step >= hi * (1 - 1e-12));
        CHECK(t.n >= 2 && t.n <= 7);
        m = t.step / pow(10, floor(log10(t.step) + 1e-12));
        CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 2.5) < 1e-9 ||
              fabs(m - 5) < 1e-9);
    }
}

static void format_values(void)
{
    char s[32];
    chart_format_tick(2.5, 1, s, sizeof s);
    CHECK_STR(s, "2.5");
    chart_format_tick(-1e-17, 1, s, sizeof s);
    CHECK_STR(s, "0.0");
    chart_format_tick(120, 0, s, sizeof s);
    CHECK_STR(s, "120");
    chart_format_percent(0.5, s, sizeof s);
    CHECK_STR(s, "50.0 %");
    chart_format_percent(0.0286, s, sizeof s);
    CHECK_STR(s, "2.9 %");
    chart_format_percent(0.00078, s, sizeof s);
    CHECK_STR(s, "0.08 %");
    chart_format_percent(0.000001, s, sizeof s);
    CHECK_STR(s, "<0.01 %");
    chart_format_percent(0, s, sizeof s);
    CHECK_STR(s, "0 %");
    chart_format_percent(0.99997, s, sizeof s);
    CHECK_STR(s, ">99.9 %");
    chart_format_percent(1, s, sizeof s);
    CHECK_STR(s, "100 %");
}

static void time_ticks_month(void)
{
    struct chart_time_ticks t;
    int64_t from = parse("2021-01-01T00:00:00+01:00"), to = parse("2021-02-01T00:00:00+01:00");

    /* Room for ~12 labels: every 2 days (1, 3, ... 29; never 31 next to 1). */
    chart_time_ticks(from, to, 16, &t);
    CHECK_STR(t.unit, "day");
    CHECK_INT(t.every, 2);
    CHECK_INT(t.n, 16); /* 1 3 5 ... 29 = 15, plus 1 Feb */
    CHECK_STR(t.label[0], "1 Jan");
    CHECK_STR(t.label[14], "29 Jan");
    CHECK_STR(t.label[15], "1 Feb");
    CHECK_INT(t.nminor, 32);

    /* Less room: Mondays, with a minor tick each day. */
    chart_time_ticks(from, to, 8, &t);
    CHECK_STR(t.unit, "week");
    CHECK_INT(t.n, 5); /* 4, 11, 18, 25 Jan and 1 Feb (a Monday, the end) */
    CHECK_STR(t.label[0], "4 Jan");
    CHECK_INT(t.t[0], parse("2021-01-04T00:00:00+01:00"));
    CHECK_INT(t.nminor, 32);
}

static void time_ticks_dst(void)
{
    struct chart_time_ticks t;
    /* The autumn day has 25 hours: the ticks are at local midnights, which
     * are 25 h apart across it, and 6-hour ticks fall by local time. */
    int64_t from = parse("2021-10-30T00:00:00+02:00"), to = parse("2021-11-02T00:00:00+01:00");
    chart_time_ticks(from, to, 4, &t);
    CHECK_STR(t.unit, "day");
    CHECK_INT(t.n, 4);
    CHECK_INT(t.t[2] - t.t[1], 25 * 3600);
    CHECK_INT(t.t[3] - t.t[2], 24 * 3600);
    CHECK_STR(t.label[1], "31 Oct");

    from = parse("2021-10-31T00:00:00+02:00");
    to = parse("2021-11-01T00:00:00+01:00");
    chart_time_ticks(from, to, 6, &t);
    CHECK_STR(t.unit, "hour");
    CHECK_INT(t.every, 6);
    CHECK_INT(t.n, 5);
    CHECK_STR(t.label[0], "31 Oct");
    CHECK_STR(t.label[1], "06:00");
    CHECK_INT(t.t[1] - t.t[0], 7 * 3600); /* 00:00+02 to 06:00+01 */
    CHECK_STR(t.label[4], "1 Nov");

    /* The spring day has 23 hours; 02:00 does not exist. */
    from = parse("2021-03-28T00:00:00+01:00");
    to = parse("2021-03-29T00:00:00+02:00");
    chart_time_ticks(from, to, 30, &t);
    CHECK_STR(t.unit, "hour");
    CHECK_INT(t.every, 1);
    CHECK_INT(t.n, 24); /* 23 hours + the closing midnight */
    CHECK_STR(t.label[2], "03:00");
}

static void time_ticks_year(void)
{
    struct chart_time_ticks t;
    chart_time_ticks(parse("2021-01-01T00:00:00+01:00"), parse("2022-01-01T00:00:00+01:00"), 14,
                     &t);
    CHECK_STR(t.unit, "month");
    CHECK_INT(t.n, 13);
    CHECK_STR(t.label[0], "Jan 2021");
    CHECK_STR(t.label[1], "Feb");
    CHECK_STR(t.label[12], "Jan 2022");
    CHECK_INT(t.t[3], parse("2021-04-01T00:00:00+02:00")); /* summer time by April */

    chart_time_ticks(parse("2021-01-01T00:00:00+01:00"), parse("2022-01-01T00:00:00+01:00"), 5, &t);
    CHECK_STR(t.unit, "month");
    CHECK_INT(t.every, 3);
    CHECK_INT(t.n, 5);
    CHECK_INT(t.nminor, 13);

    /* Ten years with room for 4 labels: every 5 years, and no hour walk. */
    chart_time_ticks(parse("2015-01-01T00:00:00+01:00"), parse("2025-01-01T00:00:00+01:00"), 4, &t);
    CHECK_STR(t.unit, "year");
    CHECK_INT(t.every, 5);
    CHECK_STR(t.label[0], "2015");
}

static void pie_layout(void)
{
    /* NO1 2021 shares: one huge slice and four tiny ones next to each other. */
    double v[] = {18356783799.95, 547360328.045, 236117984.971, 14381936.168, 52561.227};
    struct chart_pie_label l[5];
    double lh = 18;
    chart_pie_layout(v, 5, 400, 300, 200, lh, 60, 560, 0.04, l);
    CHECK_INT(l[0].inside, 1);
    CHECK_NEAR(l[0].a0, -3.14159265358979 / 2, 1e-12);
    CHECK_NEAR(l[4].a1, -3.14159265358979 / 2 + 2 * 3.14159265358979, 1e-9);
    for (int i = 1; i < 5; i++) {
        CHECK_INT(l[i].inside, 0);
        CHECK_INT(l[i].right, 0); /* just left of 12 o'clock */
        CHECK(l[i].y >= 60 && l[i].y <= 560);
        CHECK_NEAR(l[i].x, 400 - 1.3 * 200, 1e-9);
        /* The leader starts on the rim. */
        CHECK_NEAR(hypot(l[i].rim_x - 400, l[i].rim_y - 300), 200, 1e-9);
    }
    /* No two outside labels closer than a line. */
    for (int i = 1; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            CHECK(fabs(l[i].y - l[j].y) >= lh - 1e-9);
    /* Order kept: the slice nearest 12 o'clock is labelled highest, so
     * leaders do not cross. */
    CHECK(l[4].y < l[3].y && l[3].y < l[2].y && l[2].y < l[1].y);

    /* 50/30/20 all inside; shares sum to one. */
    {
        double w[] = {50, 30, 20, 0};
        chart_pie_layout(w, 4, 0, 0, 100, lh, -1000, 1000, 0.04, l);
        CHECK_NEAR(l[0].share + l[1].share + l[2].share, 1, 1e-12);
        CHECK_INT(l[0].inside + l[1].inside + l[2].inside, 3);
        CHECK_INT(l[3].inside, -1);
        CHECK_NEAR(l[1].a1 - l[1].a0, 0.3 * 2 * 3.14159265358979, 1e-9);
    }
}

static void pie_layout_crowded(void)
{
    /* More tiny labels than fit between top and bottom: they still keep
     * their spacing and order rather than piling on one another. */
    double v[40];
    struct chart_pie_label l[40];
    v[0] = 1000;
    for (int i = 1; i < 40; i++)
        v[i] = 1;
    chart_pie_layout(v, 40, 0, 0, 100, 20, -150, 150, 0.04, l);
    for (int i = 1; i < 40; i++)
        for (int j = i + 1; j < 40; j++)
            if (l[i].inside == 0 && l[j].inside == 0 && l[i].right == l[j].right)
                CHECK(fabs(l[i].y - l[j].y) >= 20 - 1e-9);
}

static void formats(void)
{
    enum chart_format f;
    struct err e = {0};
    CHECK_OK(chart_format_from_path("a/b/chart.PNG", &f, &e), &e);
    CHECK_INT(f, CHART_PNG);
    CHECK_OK(chart_format_from_path("x.svg", &f, &e), &e);
    CHECK_INT(f, CHART_SVG);
    CHECK_OK(chart_format_from_path("x.pdf", &f, &e), &e);
    CHECK_INT(f, CHART_PDF);
    CHECK_INT(chart_format_from_path("x.jpg", &f, &e), -1);
    CHECK(strstr(e.msg, ".jpg") != NULL);
    CHECK_INT(chart_format_from_path("dir.d/chart", &f, &e), -1);
    CHECK(strstr(e.msg, "cannot tell the format") != NULL);
    CHECK_INT(chart_format_from_path(".png", &f, &e), -1);
}

/* Reads one pixel of an RGB24 image surface as 0xRRGGBB. */
static unsigned pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t v;
    memcpy(&v, d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) + (size_t)x * 4, 4);
    return v & 0xffffff;
}

static void draw_pie_colours(void)
{
    struct chart_item it[] = {
        {.label = "Hydro", .color = {0x1f / 255.0, 0x77 / 255.0, 0xb4 / 255.0}, .total = 50},
        {.label = "Wind", .color = {0x17 / 255.0, 0xbe / 255.0, 0xcf / 255.0}, .total = 50},
    };
    struct chart c = {.kind = CHART_PIE,
                      .theme = CHART_THEME_LIGHT,
                      .title = "T",
                      .value_name = "Production",
                      .width = 640,
                      .height = 400,
                      .items = it,
                      .nitems = 2};
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 400);
    cairo_t *cr = cairo_create(s);
    struct err e = {0};
    int hx = 0, wx = 0;

    CHECK_OK(chart_draw(&c, cr, &e), &e);
    cairo_surface_flush(s);
    /* Half and half: hydro on the right of 12 o'clock, wind on the left.
     * Scan the row a quarter below the top of the image for both colours. */
    for (int x = 0; x < 640; x++) {
        unsigned p = pixel(s, x, 150);
        if (p == 0x1f77b4)
            hx = hx ? hx : x;
        if (p == 0x17becf)
            wx = wx ? wx : x;
    }
    CHECK(hx > 0 && wx > 0);
    CHECK(wx < hx);
    CHECK_INT(pixel(s, 2, 2), 0xffffff); /* light background */
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void draw_rejects(void)
{
    double v[2] = {NAN, NAN};
    int64_t t[2] = {0, 3600};
    struct chart_item it[] = {{.label = "Hydro", .color = {0, 0, 1}, .v = v}};
    struct chart c = {.kind = CHART_LINE,
                      .theme = CHART_THEME_DARK,
                      .title = "T",
                      .value_name = "Production",
                      .per = "hour",
                      .width = 640,
                      .height = 400,
                      .items = it,
                      .nitems = 1,
                      .t = t,
                      .nt = 2,
                      .from = 0,
                      .to = 7200};
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 400);
    cairo_t *cr = cairo_create(s);
    struct err e = {0};

    CHECK_INT(chart_draw(&c, cr, &e), -1);
    CHECK(strstr(e.msg, "no points") != NULL);
    c.width = 100;
    CHECK_INT(chart_draw(&c, cr, &e), -1);
    CHECK(strstr(e.msg, "at least") != NULL);
    c.width = 640;
    v[0] = 5;
    v[1] = 7;
    CHECK_OK(chart_draw(&c, cr, &e), &e);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* CHECK_MAIN plus releasing the fonts, so the leak check sees only ours. */
int main(int argc, char **argv)
{
    static const struct check_case cases[] = {
        {"/chart/ticks/nice", nice_ticks},    {"/chart/ticks/nice_cover", nice_ticks_cover},
        {"/chart/format", format_values},     {"/chart/time/month", time_ticks_month},
        {"/chart/time/dst", time_ticks_dst},  {"/chart/time/year", time_ticks_year},
        {"/chart/pie/layout", pie_layout},    {"/chart/pie/crowded", pie_layout_crowded},
        {"/chart/output/formats", formats},   {"/chart/draw/pie", draw_pie_colours},
        {"/chart/draw/rejects", draw_rejects}};
    int rc = check_run(cases, sizeof cases / sizeof cases[0], argc, argv);
    chart_release_fonts();
    return rc;
}
