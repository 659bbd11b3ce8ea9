/* cmd_analyze: `elhub analyze METHOD` - one time-series analysis (STL,
 * spectrogram, SPC outliers, LOF anomalies, sliding correlation) of stored
 * hourly series. Wiring only: the options become (name, value) pairs for
 * the one parameter parser (analysis/params.h, shared with the API), then
 * analysis/analysis.h reads, computes and writes the body (JSON or CSV)
 * to standard output or, whole or not at all, to -o FILE. */
#include "cli/cli.h"

#include "analysis/analysis.h"
#include "buf.h"
#include "chart/analysis.h"
#include "chart/output.h"
#include "csv_out.h"
#include "fileout.h"
#include "json.h"
#include "log.h"
#include "mem.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "analyze"

/* More than any method's table plus the common options. */
#define MAX_OPTS 48

/* One line per method for the help, and an example on the bundled data
 * (data/elhub, data/weather) where the method's use allows. */
static const struct {
    const char *summary;
    const char *what;
    const char *example;
} methods[ANALYSIS_METHODS] = {
    {"trend, seasonal and residual (STL)",
     "STL decomposition (Cleveland et al. 1990) into trend, seasonal and residual,\n"
     "as statsmodels.tsa.seasonal.STL",
     "elhub analyze stl --series production:NO5:hydro --from 2021-01-01 --to 2021-12-31 "
     "--robust"},
    {"power by frequency over time (short-time Fourier transform)",
     "spectrogram (short-time Fourier transform) in cycles per day, as\n"
     "scipy.signal.spectrogram(x, fs=24)",
     "elhub analyze spectrogram --series production:NO1:hydro --from 2021-01-01 --to "
     "2021-12-31 --window 168"},
    {"outlier hours by SPC on a DCT high-pass",
     "outliers by SPC: a DCT high-pass (SATV) and bounds of k robust sigmas\n"
     "(1.4826 MAD)",
     "elhub analyze outliers --series weather:NO5:temperature_2m --from 2019-01-01 --to "
     "2019-12-31 -o outliers.csv"},
    {"anomalous hours by Local Outlier Factor",
     "anomalies by Local Outlier Factor on one or several series, as\n"
     "sklearn.neighbors.LocalOutlierFactor",
     "elhub analyze anomalies --series weather:NO5:precipitation --from 2019-01-01 --to "
     "2019-12-31"},
    {"sliding-window correlation of two series, and the best lag",
     "sliding-window correlation of x (shifted by lag) and y, as pandas\n"
     "x.shift(lag).rolling(window, center=True).corr(y)",
     "elhub analyze correlate --x production:NO1:hydro --y production:NO5:hydro --from "
     "2021-01-01 --to 2021-12-31 --lag-range -48:48"},
};

/* "elhub analyze: MESSAGE" and where the help is; CLI_USAGE. */
static int usage(const char *method, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(const char *method, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "elhub %s: ", CMD);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'elhub %s %s --help'.\n", CMD, method ? method : "METHOD");
    return CLI_USAGE;
}

/* "elhub analyze: MESSAGE"; the exit status e calls for (a usage error:
 * an unknown area or group, a bad range; else a failure). */
static int fail(const struct err *e)
{
    fprintf(stderr, "elhub %s: %s\n", CMD, e->msg[0] ? e->msg : "unknown failure");
    return e->domain == ERR_USAGE ? CLI_USAGE : CLI_FAIL;
}

static void help_common(FILE *out)
{
    fprintf(out, "  --format json|csv\n"
                 "      default: -o's extension, else json\n"
                 "  -o, --output FILE.json|FILE.csv|FILE.png|FILE.svg|FILE.pdf\n"
                 "      write FILE (whole or not at all) instead of standard output;\n"
                 "      .png, .svg and .pdf draw the method's chart (as elhub plot METHOD)\n");
    cli_help_store(out, "--store URI", 6, "the store to read", 1);
    fprintf(out, "  -q, --quiet\n"
                 "      no notes (such as the hours --fill linear filled) on stderr\n"
                 "  -h, --help\n"
                 "      this text\n");
}

/* The options of method m, from its parameter table. */
static void help_method(FILE *out, enum analysis_method m)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    fprintf(out, "elhub analyze %s\n  ", analysis_method_name(m));
    for (const char *c = methods[m].what; *c; c++)
        fputs(*c == '\n' ? "\n  " : (char[2]){*c, '\0'}, out);
    fprintf(out, ".\n\n");
    if (analysis_params_help(m, &b) == 0 && b.len)
        fwrite(b.p, 1, b.len, out);
    buf_release(&b);
    help_common(out);
    fprintf(out, "\nExample: %s\n", methods[m].example);
}

static void help(FILE *out, const enum analysis_method *only)
{
    fprintf(out, "Usage: elhub analyze stl|spectrogram|outliers|anomalies|correlate\n"
                 "           --series SPEC (correlate: --x SPEC --y SPEC) --from DATE --to DATE\n"
                 "           [METHOD OPTIONS] [--fill none|linear] [--format json|csv]\n"
                 "           [-o FILE.json|.csv|.png|.svg|.pdf] [--store URI]\n"
                 "\n"
                 "Analyses stored hourly series. A series is DATASET:AREA:GROUP, e.g.\n"
                 "production:NO5:hydro or weather:NO5:temperature_2m, read from the first\n"
                 "hour of --from to the last hour of --to (Oslo dates, inclusive) as\n"
                 "instants: the 25-hour day has 25 samples, a period of 24 is 24 hours. A\n"
                 "gap inside the range is refused unless --fill linear interpolates it.\n"
                 "The body (JSON, or CSV with one row per time) goes to standard output\n"
                 "or -o FILE. Exit status: 0 done, 1 failure (store, gap, no data), 2\n"
                 "usage (an unknown option, a value out of its range).\n\n");
    if (only) {
        help_method(out, *only);
        return;
    }
    fprintf(out, "Methods (elhub analyze METHOD --help shows one):\n");
    for (int m = 0; m < ANALYSIS_METHODS; m++)
        fprintf(out, "  %-12s %s\n", analysis_method_name((enum analysis_method)m),
                methods[m].summary);
    for (int m = 0; m < ANALYSIS_METHODS; m++) {
        fprintf(out, "\n");
        help_method(out, (enum analysis_method)m);
    }
}

/* The method named first (argv[1]); prints the usage error if none. */
static int pick_method(int argc, char **argv, enum analysis_method *m)
{
    const char *names[ANALYSIS_METHODS], *near;
    char shown[80], list[96];

    analysis_method_list(" or ", list, sizeof list);
    if (argc < 2)
        return usage(NULL, "name the method: %s", list);
    if (analysis_method_parse(argv[1], m) == 0)
        return 0;
    if (argv[1][0] == '-')
        return usage(NULL, "name the method first: elhub analyze METHOD [OPTIONS] (%s)", list);
    for (int i = 0; i < ANALYSIS_METHODS; i++)
        names[i] = analysis_method_name((enum analysis_method)i);
    near = cli_suggest(argv[1], names, ANALYSIS_METHODS);
    err_quote(argv[1], strlen(argv[1]), shown, sizeof shown);
    if (near)
        return usage(NULL, "unknown method \"%s\" (did you mean %s?)", shown, near);
    analysis_method_list(", ", list, sizeof list);
    return usage(NULL, "unknown method \"%s\" (known: %s)", shown, list);
}

/* Writes the body of the finished analysis to path ("-": stdout) in
 * format csv or json; whole or not at all. */
static int write_body(const char *path, int csv, const struct analysis_request *rq,
                      const struct analysis_data *d, const struct analysis_result *r, struct err *e)
{
    struct fileout fo;
    struct buf b;
    int rc = -1;

    if (fileout_open(&fo, path, e) < 0)
        return -1;
    buf_init(&b, LIMIT_ANALYSIS_BODY);
    if (csv) {
        struct csv_out w;
        csv_out_init(&w, &b, fo.f, "\n");
        analysis_csv(&w, rq, d, r);
        if (csv_out_finish(&w) < 0) {
            int err = errno ? errno : EIO;
            err_set(e, ERR_SYS, err, "writing %s failed: %s",
                    fo.is_stdout ? "standard output" : path, strerror(err));
            goto out;
        }
    } else {
        struct json j;
        json_init(&j, &b);
        analysis_json(&j, rq, d, r);
        if (json_finish(&j) < 0 || buf_puts(&b, "\n") < 0) {
            err_set(e, ERR_USAGE, 0,
                    "the answer is larger than %u bytes: shorten the range or use -o FILE.csv",
                    LIMIT_ANALYSIS_BODY);
            goto out;
        }
        fwrite(b.p, 1, b.len, fo.f);
    }
    rc = fileout_commit(&fo, e);
    buf_release(&b);
    return rc;
out:
    fileout_abort(&fo);
    buf_release(&b);
    return -1;
}

int cmd_analyze(int argc, char **argv)
{
    return cli_analyze(argc, argv, NULL);
}

int cli_analyze(int argc, char **argv, const struct chart_analysis_opts *pic)
{
    static const struct chart_analysis_opts pic_default = {
        CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT, CHART_DEFAULT_DPI, CHART_THEME_LIGHT};
    enum { O_FORMAT = 1, O_STORE, O_TABLE = 256 };
    static const char *const formats[] = {"json", "csv"};
    struct option opts[MAX_OPTS];
    char names[MAX_OPTS][32];
    const struct analysis_param *rows;
    struct analysis_pair *pairs;
    struct analysis_request rq;
    struct analysis_data d;
    struct analysis_result r;
    enum analysis_method m;
    const char *format = NULL, *uri = NULL, *path = NULL;
    size_t nrows, npairs = 0, nopts = 0;
    struct store *st = NULL;
    struct err e = {0};
    int c, fmt, picture = 0, ret = CLI_USAGE;

    memset(&d, 0, sizeof d);
    memset(&r, 0, sizeof r);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        help(stdout, NULL);
        return CLI_OK;
    }
    if (pick_method(argc, argv, &m) != 0)
        return CLI_USAGE;
    /* The options: the table's names with '-' for '_', then the common
     * ones. */
    rows = analysis_params_table(m, &nrows);
    for (size_t i = 0; i < nrows && nopts < MAX_OPTS - 8; i++) {
        size_t k;
        for (k = 0; rows[i].name[k] && k + 1 < sizeof names[0]; k++)
            names[nopts][k] = rows[i].name[k] == '_' ? '-' : rows[i].name[k];
        names[nopts][k] = '\0';
        opts[nopts] = (struct option){
            names[nopts], rows[i].kind == ANALYSIS_P_BOOL ? optional_argument : required_argument,
            NULL, O_TABLE + (int)i};
        nopts++;
    }
    opts[nopts++] = (struct option){"format", required_argument, NULL, O_FORMAT};
    opts[nopts++] = (struct option){"store", required_argument, NULL, O_STORE};
    opts[nopts++] = (struct option){"output", required_argument, NULL, 'o'};
    opts[nopts++] = (struct option){"quiet", no_argument, NULL, 'q'};
    opts[nopts++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[nopts] = (struct option){NULL, 0, NULL, 0};

    /* argv[1] is the method: getopt starts after it. */
    argc--;
    argv++;
    pairs = xmalloc((size_t)argc * sizeof *pairs);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1) {
        if (c >= O_TABLE) {
            pairs[npairs].name = names[c - O_TABLE];        /* as typed: "low-pass" */
            pairs[npairs].value = optarg ? optarg : "true"; /* a bare --robust */
            npairs++;
            continue;
        }
        switch (c) {
        case O_FORMAT:
            format = optarg;
            break;
        case O_STORE:
            uri = optarg;
            break;
        case 'o':
            path = optarg;
            break;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'h':
            help(stdout, &m);
            ret = CLI_OK;
            goto out;
        default:
            if (m == ANALYSIS_CORRELATE && optind > 0 && strcmp(argv[optind - 1], "--series") == 0)
                ret = usage("correlate", "correlate takes two series: --x SPEC --y SPEC");
            else
                ret = cli_bad_option(CMD, c, argv, opts);
            goto out;
        }
    }
    if (optind < argc) {
        ret = usage(analysis_method_name(m), "unexpected argument \"%s\"", argv[optind]);
        goto out;
    }
    /* Every value is checked by the one parser, as for the API. */
    if (analysis_params_parse(m, pairs, npairs, &rq, &e) < 0) {
        ret = usage(analysis_method_name(m), "%s", e.msg);
        goto out;
    }
    if ((fmt = cli_output_format(CMD, format, path, formats, 2)) < 0)
        goto out;
    if (path && strcmp(path, "-") != 0 && !format && !cli_ends_with(path, ".json") &&
        !cli_ends_with(path, ".csv")) {
        enum chart_format cf;
        if (chart_format_from_path(path, &cf, NULL) == 0) {
            picture = 1; /* drawn by chart_analysis_write (chart/analysis.h) */
        } else {
            ret = usage(analysis_method_name(m),
                        "cannot tell the format of -o %s: name it .json, .csv, .png, .svg or .pdf, "
                        "or give --format json|csv",
                        path);
            goto out;
        }
    }
    if (store_open(uri ? uri : store_default_uri(), STORE_READ, &st, &e) < 0) {
        ret = fail(&e);
        goto out;
    }
    if (analysis_read(st, &rq, &d, &e) < 0) {
        ret = fail(&e);
        goto out;
    }
    for (size_t i = 0; i < d.n; i++)
        if (d.s[i].filled && analysis_first_of(&rq, i) && log_get_level() != LOG_QUIET)
            fprintf(stderr,
                    "elhub %s: %s: filled %zu hour%s in %zu gap%s by linear interpolation\n", CMD,
                    d.s[i].spec, d.s[i].filled, d.s[i].filled == 1 ? "" : "s", d.s[i].gaps,
                    d.s[i].gaps == 1 ? "" : "s");
    if (analysis_compute(&rq, &d, &r, &e) < 0) {
        ret = fail(&e);
        goto out;
    }
    if ((picture ? chart_analysis_write(&rq, &d, &r, pic ? pic : &pic_default, path, &e)
                 : write_body(path ? path : "-", fmt == 1, &rq, &d, &r, &e)) < 0) {
        ret = fail(&e);
        goto out;
    }
    ret = CLI_OK;
out:
    analysis_result_release(&r);
    analysis_data_release(&d);
    store_free(st);
    free(pairs);
    if (picture)
        chart_release_fonts(); /* the command is about to return */
    return ret;
}
