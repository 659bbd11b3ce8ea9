/* cmd_snowdrift: `elhub snowdrift` - Tabler's snow drift per snow year at
 * one location from the stored weather (weather/drift.h computes it; this
 * file parses the options and writes the table, JSON or CSV, or draws the
 * wind rose of transport into a PNG, SVG or PDF through chart/). */
#include "cli/cli.h"

#include "buf.h"
#include "chart/output.h"
#include "csv_out.h"
#include "fileout.h"
#include "json.h"
#include "log.h"
#include "source/source.h"
#include "text.h"
#include "weather/drift.h"
#include "weather/place.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CMD "snowdrift"
#define ATTRIBUTION "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: elhub snowdrift (--area A | --lat X --lon Y) --from-year Y --to-year Y\n"
            "                       [--T M] [--F M] [--theta X] [--format text|json|csv]\n"
            "                       [--store URI] [-o FILE]\n"
            "\n"
            "Snow drift (Tabler 2003) per snow year from the stored hourly weather at one\n"
            "location (fetch it first: elhub fetch --dataset weather ...). Season Y runs\n"
            "from 1 July of Y to 1 July of Y+1, Oslo time. Per season: Swe (precipitation\n"
            "of the hours below +1 C), the potential transport Qupot (sum of u^3.8 * 3600 /\n"
            "233847, u the wind speed in m/s), Qspot = 0.5 T Swe, Srwe = theta Swe, Qinf\n"
            "(0.5 T Srwe if Qupot > Qspot: snowfall-controlled, else Qupot: wind-controlled),\n"
            "the mean annual transport Qt = Qinf (1 - 0.14^(F/T)) in kg/m and t/m, the\n"
            "fence height for Qt (Wyoming, slat-and-wire, solid), a 16-sector rose and the\n"
            "months. A season with hours missing is computed over the hours present and\n"
            "shows them (hours of period_hours).\n"
            "\n"
            "  --area A          a price area's city (NO1-NO5) or a location key\n"
            "  --lat X --lon Y   a point (rounded to 4 decimals, as fetch keeps it)\n"
            "  --from-year Y     the first season\n"
            "  --to-year Y       the last season (default: --from-year)\n"
            "  --T M             fetch, m (default 3000)\n"
            "  --F M             fetch distance, m (default 30000)\n"
            "  --theta X         relocation coefficient (default 0.5)\n"
            "  --format F        text (default), json or csv (default from -o's extension)\n"
            "  -o rose.png|.svg|.pdf  draw the 16-sector wind rose of the transport Qt\n"
            "                    (kg/m per sector, N at the top, clockwise); several\n"
            "                    seasons: the mean of their roses (kg/m per year)\n");
    cli_help_store(out, "--store URI", 20, "the store to read", 1);
    fprintf(out, "  -o, --output FILE write to FILE instead of standard output\n"
                 "  -h, --help        this text\n"
                 "\n"
                 "Example: elhub snowdrift --area NO5 --from-year 2019 --format json\n"
                 "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0.\n");
}

static int number(const char *opt, const char *text, double *out)
{
    if (text_decimal(text, strlen(text), out) < 0)
        return cli_usage(CMD, "%s \"%s\": expected a number", opt, text);
    return 0;
}

static int year(const char *opt, const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < 1990 || v > 2099)
        return cli_usage(CMD, "%s \"%s\": expected a year, 1990..2099", opt, text);
    *out = (int)v;
    return 0;
}

static void print_text(FILE *f, const struct weather_drift *d)
{
    fprintf(f, "snow drift at %s (Tabler 2003; T %g m, F %g m, theta %g)\n", d->location, d->p.T,
            d->p.F, d->p.theta);
    fprintf(f, "%-9s %11s %9s %12s %12s %9s %-8s %8s\n", "season", "hours", "Swe mm", "Qupot kg/m",
            "Qt kg/m", "Qt t/m", "control", "H wyo m");
    for (size_t i = 0; i < d->n; i++) {
        const struct weather_drift_season *s = &d->s[i];
        char hours[32], name[16];
        snprintf(hours, sizeof hours, "%lld/%lld", (long long)s->sum.hours,
                 (long long)s->period_hours);
        snprintf(name, sizeof name, "%d-%d", s->year % 10000, (s->year + 1) % 10000);
        fprintf(f, "%-9s %11s %9.1f %12.1f %12.1f %9.3f %-8s %8.2f\n", name, hours, s->r.swe_mm,
                s->r.qupot_kg_m, s->r.qt_kg_m, s->r.qt_t_m,
                s->r.snowfall_controlled ? "snowfall" : "wind", s->r.fence_wyoming_m);
    }
}

/* The suffix of path if it names a picture format: 1 for one chart/output
 * draws (.png .svg .pdf), -1 for one it does not (a user asking for a
 * picture elhub cannot draw), 0 for anything else (a table, JSON, CSV). */
static int picture_suffix(const char *path)
{
    static const char *const other[] = {".jpg", ".jpeg", ".gif", ".webp", ".bmp",
                                        ".tif", ".tiff", ".eps", ".ps"};
    const char *dot = path ? strrchr(path, '.') : NULL;
    enum chart_format f;
    if (!dot || strchr(dot, '/'))
        return 0;
    /* The picture formats are the chart writer's (chart/output.h). */
    if (chart_format_from_path(path, &f, NULL) == 0)
        return 1;
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (strcasecmp(dot, other[i]) == 0)
            return -1;
    return 0;
}

/* Draws the rose of d into path: one season's rose, or for several the
 * mean of their roses (each season's Qt shared out by its sectors, so the
 * mean sums to the mean Qt: the mean annual transport by direction). */
static int write_rose(const struct weather_drift *d, const char *path, struct err *e)
{
    double rose[SNOWDRIFT_SECTORS] = {0}, qt = 0;
    char title[160], seasons[64], total[320], cover[LIMIT_NAME + 96];
    const char *notes[3];
    size_t nnotes = 0;
    int64_t hours = 0, period = 0;
    struct source_place place;
    struct chart_item item;
    struct chart ch;
    int rc;

    for (size_t i = 0; i < d->n; i++) {
        for (int k = 0; k < SNOWDRIFT_SECTORS; k++)
            rose[k] += d->s[i].r.rose_kg_m[k] / (double)d->n;
        qt += d->s[i].r.qt_kg_m / (double)d->n;
        hours += d->s[i].sum.hours;
        period += d->s[i].period_hours;
    }
    if (d->n == 1)
        snprintf(seasons, sizeof seasons, "season %d-%d", d->s[0].year, d->s[0].year + 1);
    else
        snprintf(seasons, sizeof seasons, "mean of seasons %d-%d to %d-%d", d->s[0].year,
                 d->s[0].year + 1, d->s[d->n - 1].year, d->s[d->n - 1].year + 1);
    if (weather_place_area(d->location, &place, NULL) == 0 && place.name)
        snprintf(title, sizeof title, "Snow drift rose, %s (%s), %s", d->location, place.name,
                 seasons);
    else
        snprintf(title, sizeof title, "Snow drift rose, %s, %s", d->location, seasons);
    snprintf(total, sizeof total,
             "Transport Qt by the direction the wind blows from, kg/m per sector "
             "(16 sectors of 22.5 degrees, N at the top); Qt %.0f kg/m%s (Tabler 2003; T %g m, "
             "F %g m, theta %g)",
             qt, d->n > 1 ? " a year" : "", d->p.T, d->p.F, d->p.theta);
    notes[nnotes++] = total;
    if (hours < period) {
        snprintf(cover, sizeof cover, "Computed over the %lld of %lld hours stored at %s.",
                 (long long)hours, (long long)period, d->location);
        notes[nnotes++] = cover;
    }
    memset(&item, 0, sizeof item);
    item.label = "Transport Qt (kg/m)";
    item.color = (struct chart_rgb){0.231, 0.431, 0.659}; /* #3b6ea8 */
    item.v = rose;
    memset(&ch, 0, sizeof ch);
    ch.kind = CHART_ROSE;
    ch.theme = CHART_THEME_LIGHT;
    ch.title = title;
    ch.note = ATTRIBUTION;
    ch.width = 720;
    ch.height = 760;
    ch.items = &item;
    ch.nitems = 1;
    ch.nt = SNOWDRIFT_SECTORS;
    ch.unit = "kg/m";
    ch.notes = notes;
    ch.nnotes = nnotes;
    rc = chart_output_write(&ch, path, 96, e);
    chart_release_fonts(); /* the command is about to return */
    return rc;
}

int cmd_snowdrift(int argc, char **argv)
{
    static const struct option opts[] = {{"area", required_argument, NULL, 'a'},
                                         {"lat", required_argument, NULL, 'L'},
                                         {"lon", required_argument, NULL, 'O'},
                                         {"from-year", required_argument, NULL, 'f'},
                                         {"to-year", required_argument, NULL, 't'},
                                         {"T", required_argument, NULL, 'T'},
                                         {"F", required_argument, NULL, 'F'},
                                         {"theta", required_argument, NULL, 'r'},
                                         {"format", required_argument, NULL, 'm'},
                                         {"store", required_argument, NULL, 's'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *area = NULL, *lat = NULL, *lon = NULL, *format = NULL, *uri = NULL, *path = NULL;
    int y0 = 0, y1 = 0, c, ret = CLI_FAIL, opened = 0;
    struct snowdrift_params p;
    struct source_place place;
    struct weather_drift d;
    struct store *s = NULL;
    struct fileout fo;
    struct err e = {0};
    enum { TEXT, JSON, CSV } fmt = TEXT;

    snowdrift_params_default(&p);
    memset(&d, 0, sizeof d);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            area = optarg;
            break;
        case 'L':
            lat = optarg;
            break;
        case 'O':
            lon = optarg;
            break;
        case 'f':
            if (year("--from-year", optarg, &y0))
                return CLI_USAGE;
            break;
        case 't':
            if (year("--to-year", optarg, &y1))
                return CLI_USAGE;
            break;
        case 'T':
            if (number("--T", optarg, &p.T))
                return CLI_USAGE;
            break;
        case 'F':
            if (number("--F", optarg, &p.F))
                return CLI_USAGE;
            break;
        case 'r':
            if (number("--theta", optarg, &p.theta))
                return CLI_USAGE;
            break;
        case 'm':
            format = optarg;
            break;
        case 's':
            uri = optarg;
            break;
        case 'o':
            path = optarg;
            break;
        case 'h':
            help(stdout);
            return CLI_OK;
        default:
            return cli_bad_option(CMD, c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage(CMD, "unexpected argument \"%s\"", argv[optind]);
    if (!y0)
        return cli_usage(CMD, "--from-year is required (season Y runs from 1 July of Y)");
    if (!y1)
        y1 = y0;
    if (!area && !lat && !lon)
        return cli_usage(CMD, "give the location: --area (NO1-NO5 or a location key) or --lat "
                              "and --lon");
    if (weather_place_resolve(area, lat, lon, &place, &e) < 0)
        return cli_usage(CMD, "%s", e.msg);
    if (snowdrift_params_check(&p, &e) < 0)
        return cli_usage(CMD, "--%s", e.msg);
    if (picture_suffix(path) < 0)
        return cli_usage(CMD,
                         "cannot draw \"%s\": name the rose .png, .svg or .pdf (or "
                         ".json, .csv, or any other name for the table)",
                         path);
    if (picture_suffix(path) > 0 && format)
        return cli_usage(CMD, "-o %s draws the rose; --format %s is for the table: drop one", path,
                         format);
    {
        /* In the order of fmt's enum. */
        static const char *const formats[] = {"text", "json", "csv"};
        int f = cli_output_format(CMD, format, path, formats, 3);
        if (f < 0)
            return CLI_USAGE;
        fmt = f == 1 ? JSON : f == 2 ? CSV : TEXT;
    }
    if ((ret = cli_open_store(uri, STORE_READ, &s)) != 0)
        return ret;
    ret = CLI_FAIL;
    if (weather_drift_read(s, place.key, y0, y1, &p, &d, &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    for (size_t i = 0; i < d.n; i++)
        if (d.s[i].sum.hours < d.s[i].period_hours)
            log_warn("season %d-%d at %s: %lld of its %lld hours are stored; computed over "
                     "those",
                     d.s[i].year, d.s[i].year + 1, d.location, (long long)d.s[i].sum.hours,
                     (long long)d.s[i].period_hours);
    if (picture_suffix(path) > 0) {
        ret = write_rose(&d, path, &e) < 0 ? cli_fail(&e) : CLI_OK;
        goto out;
    }
    if (fileout_open(&fo, path ? path : "-", &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    opened = 1;
    if (fmt == TEXT) {
        print_text(fo.f, &d);
    } else {
        struct buf b;
        buf_init(&b, LIMIT_HTTP_RESPONSE);
        if (fmt == JSON) {
            struct json j;
            json_init(&j, &b);
            weather_drift_json(&d, &j);
            if (json_finish(&j) < 0 || buf_puts(&b, "\n") < 0) {
                buf_release(&b);
                err_set(&e, ERR_USAGE, 0, "the answer is larger than %u bytes",
                        LIMIT_HTTP_RESPONSE);
                ret = cli_fail(&e);
                goto out;
            }
            fwrite(b.p, 1, b.len, fo.f);
        } else {
            struct csv_out w;
            csv_out_init(&w, &b, fo.f, "\n");
            weather_drift_csv(&d, &w);
            if (csv_out_finish(&w) < 0)
                errno = errno ? errno : EIO;
        }
        buf_release(&b);
    }
    if (fflush(fo.f) != 0 || ferror(fo.f)) {
        int err = errno ? errno : EIO;
        fileout_abort(&fo);
        opened = 0;
        err_set(&e, ERR_SYS, err, "writing %s failed: %s", path ? path : "standard output",
                strerror(err));
        ret = cli_fail(&e);
        goto out;
    }
    opened = 0;
    if (fileout_commit(&fo, &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    ret = CLI_OK;
out:
    if (opened)
        fileout_abort(&fo);
    weather_drift_release(&d);
    store_free(s);
    return ret;
}
