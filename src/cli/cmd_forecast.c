/* cmd_forecast: `elhub forecast` fits a SARIMAX model to an hourly series
 * of the store (optionally with exogenous series as regressors) and writes
 * the forecast with confidence intervals and a rolling-origin backtest as
 * JSON or CSV, or evaluates the log-likelihood at given
 * parameters. The options go through the one request parser
 * (forecast/params.h), the work through forecast/request.h (the same path
 * as /api/forecast); this file reads PARAMS.json, picks the output and
 * writes it through fileout, or draws the chart file of -o FILE.png|.svg|.pdf
 * (chart/forecast.h, through the one page writer of chart/output.h). */
#include "chart/forecast.h"
#include "chart/output.h"
#include "cli/cli.h"
#include "fileout.h"
#include "forecast/request.h"
#include "log.h"
#include "mem.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CMD "forecast"
#define HOUR 3600

static void help(void)
{
    printf("Usage: elhub forecast --series DATASET:AREA:GROUP --train-from DATE --train-to DATE\n"
           "                      --horizon H --order p,d,q [--seasonal-order P,D,Q,s]\n"
           "                      [--trend n|c|t|ct] [--exog SPEC,...] [--alpha A] [--folds N]\n"
           "                      [--maxiter N] [--fill none|linear] [--params PARAMS.json]\n"
           "                      [--format json|csv] [-o FILE.json|csv|png|svg|pdf]\n"
           "                      [--width N] [--height N] [--dpi N] [--theme light|dark]\n"
           "                      [--store URI]\n"
           "       elhub forecast --loglike-at PARAMS.json --series ... --train-from ...\n"
           "                      --train-to ... --order ... [--seasonal-order ...] [--trend ...]\n"
           "                      [--exog ...]\n"
           "\n"
           "Fits SARIMAX(p,d,q)(P,D,Q,s) with a trend and exogenous regressors by maximum\n"
           "likelihood (the model, likelihood and parameter names of statsmodels' SARIMAX\n"
           "with its defaults; see docs/FORECAST.md) to the hourly series over the training\n"
           "days, then forecasts the H hours after the last training hour with confidence\n"
           "intervals, and optionally backtests the model against seasonal-naive and\n"
           "naive-last-week forecasts. The hours are the instants on the hour between the\n"
           "training days' Oslo midnights (a 23- or 25-hour day has 23 or 25). A gap in the\n"
           "training hours is refused, naming its first hour (or filled with --fill\n"
           "linear); each exogenous series must also have every forecast hour in the store,\n"
           "since a forecast needs the regressors' future values: they are never assumed.\n"
           "\n"
           "Options:\n"
           "  --series SPEC        the series to model, DATASET:AREA:GROUP, e.g.\n"
           "                       production:NO1:hydro or weather:NO1:temperature_2m\n"
           "  --train-from DATE    first training day, Oslo time, YYYY-MM-DD (or YYYY-MM)\n"
           "  --train-to DATE      last training day, inclusive; at most %d hours in all\n"
           "  --horizon H          hours to forecast after the last training hour, 1..%d\n"
           "                       (required unless --loglike-at)\n"
           "  --order p,d,q        p, q in 0..%d, d in 0..%d (required)\n"
           "  --seasonal-order P,D,Q,s\n"
           "                       P, Q in 0..%d, D in 0..%d, s in 2..%d hours; default 0,0,0,0\n"
           "                       (none). The state dimension d + s*D + max(p + s*P,\n"
           "                       q + s*Q + 1) may be at most %d.\n"
           "  --trend T            n (none, default), c (constant: 'intercept'), t (linear in\n"
           "                       time: 'drift'), ct (both)\n"
           "  --exog SPEC,...      up to %d exogenous series (DATASET:AREA:GROUP) as regressors;\n"
           "                       their parameters are named by SPEC. Default none.\n"
           "  --alpha A            the intervals are mean -/+ z(1 - A/2) sd, A in (0, 1);\n"
           "                       default 0.05 (95%% intervals)\n"
           "  --folds N            rolling-origin backtest with N folds of H hours each, ending\n"
           "                       at the last training hour, the model refitted per fold;\n"
           "                       0..%d, default 0 (none)\n"
           "  --maxiter N          BFGS iterations of a fit, 1..%d; default %d\n"
           "  --fill F             none (default: a gap in the training hours is refused) or\n"
           "                       linear (gaps inside the training hours are interpolated)\n"
           "  --params FILE        forecast (and backtest) at the parameters in FILE, a JSON\n"
           "                       object of statsmodels parameter names to values, instead of\n"
           "                       fitting; every parameter must be given, and nothing else\n"
           "  --loglike-at FILE    only evaluate the log-likelihood at the parameters in FILE\n"
           "                       (no fit, no forecast); the output is JSON\n",
           LIMIT_FORECAST_OBS, LIMIT_FORECAST_HORIZON, LIMIT_FORECAST_ORDER, LIMIT_FORECAST_DIFF,
           LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_SEASONAL_DIFF, LIMIT_FORECAST_PERIOD,
           LIMIT_FORECAST_STATES, LIMIT_FORECAST_EXOG, LIMIT_FORECAST_FOLDS, LIMIT_FORECAST_MAXITER,
           SARIMAX_DEFAULT_MAXITER);
    printf("  --format F           json (default) or csv (the forecast table\n"
           "                       time,mean,lower,upper); default from -o's extension\n"
           "  -o FILE              write FILE instead of standard output, whole or not at all:\n"
           "                       a .json or .csv file, or the chart of the forecast as a\n"
           "                       .png, .svg or .pdf file: the last training hours (4\n"
           "                       horizons, at least 2 weeks), the forecast mean and its\n"
           "                       interval band, the model and AIC (and convergence) in the\n"
           "                       title, and with --folds the backtest MAE of the model,\n"
           "                       seasonal-naive and naive-last-week (docs/PLOT.md);\n"
           "                       elhub plot forecast ... -o FILE.png|svg|pdf is the same\n"
           "  --width N, --height N\n"
           "                       the chart's size in CSS pixels (default %dx%d)\n"
           "  --dpi N              PNG resolution; %d gives width x height pixels (default %d)\n"
           "  --theme T            light (default) or dark\n",
           CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT, CHART_DEFAULT_DPI, CHART_DEFAULT_DPI);
    fputs("  --store URI          sqlite:PATH, cassandra://HOST/KS or mongodb://HOST/DB\n"
          "                       (default $ELHUB_STORE, else sqlite:elhub.db)\n"
          "  -q, --quiet          no message about the fit on standard error (errors still)\n"
          "  -h, --help           this text\n"
          "\n"
          "Exit status: 0 success, 1 failure (also for data that cannot answer, such as a\n"
          "gap), 2 bad usage. A fit that does not converge is reported (\"converged\": false,\n"
          "with its last log-likelihood), not a failure.\n",
          stdout);
}

/* Reads the file at path (at most LIMIT_FORECAST_PARAMS_FILE bytes) into
 * params through the one PARAMS.json reader. */
static int read_params(const char *path, const struct forecast_params *p, double *params,
                       struct err *e)
{
    const char *names[LIMIT_FORECAST_EXOG];
    char *text = xmalloc(LIMIT_FORECAST_PARAMS_FILE + 1);
    FILE *f = fopen(path, "rb");
    size_t len;
    int ret = -1;

    if (!f) {
        err_set(e, ERR_SYS, errno, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    len = fread(text, 1, LIMIT_FORECAST_PARAMS_FILE + 1, f);
    if (ferror(f)) {
        err_set(e, ERR_SYS, errno, "reading %s: %s", path, strerror(errno));
        goto out;
    }
    forecast_params_exog_names(p, names);
    ret = forecast_params_read_json(text, len, path, &p->spec, names, params, e);
out:
    if (f)
        fclose(f);
    free(text);
    return ret;
}

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* The body (forecast_answer_body: the one writer, the API's too) to path
 * ("-": standard output) through fileout. */
static int write_data(const struct forecast_answer *a, const char *path, struct err *e)
{
    struct fileout fo;
    struct buf b;
    int ret = -1;

    buf_init(&b, LIMIT_HTTP_RESPONSE);
    if (forecast_answer_body(&b, a, e) < 0)
        goto out;
    if (fileout_open(&fo, path, e) < 0)
        goto out;
    if (b.len && fwrite(b.p, 1, b.len, fo.f) != b.len) {
        int err = errno ? errno : EIO;
        fileout_abort(&fo);
        err_set(e, ERR_SYS, err, "writing %s failed: %s", path, strerror(err));
        goto out;
    }
    if (fileout_commit(&fo, e) < 0)
        goto out;
    ret = 0;
out:
    buf_release(&b);
    return ret;
}

int cmd_forecast(int argc, char **argv)
{
    return cli_forecast(argc, argv, NULL);
}

int cli_forecast(int argc, char **argv, const struct chart_analysis_opts *pic_in)
{
    enum { O_PARAMS = 256, O_LOGLIKE, O_STORE, O_WIDTH, O_HEIGHT, O_DPI, O_THEME, O_PARAM };
    static const char *const pic_names[] = {"width", "height", "dpi", "theme"};
    /* Options that are request parameters carry O_PARAM + their index
     * here; the name given to forecast_params_set is the option's with '-'
     * as '_'. */
    static const char *const param_opts[] = {
        "series", "train-from", "train-to", "horizon", "order", "seasonal-order", "trend",
        "exog",   "alpha",      "folds",    "maxiter", "fill",  "format"};
    enum { NPARAM = sizeof param_opts / sizeof param_opts[0] };
    struct option opts[NPARAM + 11];
    struct chart_analysis_opts pic = {CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT, CHART_DEFAULT_DPI,
                                      CHART_THEME_LIGHT};
    struct forecast_params p;
    struct forecast_answer a;
    enum forecast_mode mode = FORECAST_FIT;
    const char *uri = NULL, *path = NULL, *params_path = NULL;
    double *params = NULL;
    struct store *s = NULL;
    struct err e = {0};
    int c, ret = CLI_FAIL, picture = 0, pic_given = 0;

    for (int i = 0; i < NPARAM; i++)
        opts[i] = (struct option){param_opts[i], required_argument, NULL, O_PARAM + i};
    opts[NPARAM] = (struct option){"params", required_argument, NULL, O_PARAMS};
    opts[NPARAM + 1] = (struct option){"loglike-at", required_argument, NULL, O_LOGLIKE};
    opts[NPARAM + 2] = (struct option){"store", required_argument, NULL, O_STORE};
    opts[NPARAM + 3] = (struct option){"output", required_argument, NULL, 'o'};
    opts[NPARAM + 4] = (struct option){"quiet", no_argument, NULL, 'q'};
    opts[NPARAM + 5] = (struct option){"help", no_argument, NULL, 'h'};
    for (int i = 0; i < 4; i++)
        opts[NPARAM + 6 + i] = (struct option){pic_names[i], required_argument, NULL, O_WIDTH + i};
    opts[NPARAM + 10] = (struct option){NULL, 0, NULL, 0};
    if (pic_in)
        pic = *pic_in;

    memset(&a, 0, sizeof a);
    forecast_params_init(&p);
    optind = 1;
    while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
        if (c >= O_PARAM && c < O_PARAM + NPARAM) {
            char name[32];
            snprintf(name, sizeof name, "%s", param_opts[c - O_PARAM]);
            for (char *q = name; *q; q++)
                if (*q == '-')
                    *q = '_';
            if (forecast_params_set(&p, name, optarg, &e) < 0)
                return cli_usage(CMD, "%s", e.msg);
            continue;
        }
        switch (c) {
        case O_PARAMS:
        case O_LOGLIKE:
            if (params_path)
                return cli_usage(CMD, "give one of --params and --loglike-at, once");
            params_path = optarg;
            mode = c == O_PARAMS ? FORECAST_GIVEN : FORECAST_LOGLIKE;
            break;
        case O_STORE:
            uri = optarg;
            break;
        case O_WIDTH:
        case O_HEIGHT:
        case O_DPI:
        case O_THEME:
            if (cli_picture_option(CMD, pic_names[c - O_WIDTH], optarg, &pic) != 0)
                return CLI_USAGE;
            pic_given = 1;
            break;
        case 'o':
            path = optarg;
            break;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage(CMD, "unknown or incomplete option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage(CMD, "unexpected argument \"%s\"", argv[optind]);
    if (path) {
        const char *ext = extension(path);
        enum forecast_format by_ext = FORECAST_JSON;
        enum chart_format cf;
        if (strcasecmp(ext, "csv") == 0)
            by_ext = FORECAST_CSV;
        else if (strcasecmp(ext, "json") != 0) {
            if (chart_format_from_path(path, &cf, NULL) < 0)
                return cli_usage(CMD,
                                 "-o must name a .json, .csv, .png, .svg or .pdf file, not "
                                 "\"%s\"",
                                 path);
            picture = 1;
        }
        if (picture && (p.given & FORECAST_P_FORMAT))
            return cli_usage(CMD, "--format %s does not go with the chart file -o %s",
                             p.format == FORECAST_CSV ? "csv" : "json", path);
        if (!picture && (p.given & FORECAST_P_FORMAT) && p.format != by_ext)
            return cli_usage(CMD, "--format %s does not match -o %s",
                             p.format == FORECAST_CSV ? "csv" : "json", path);
        p.format = by_ext;
    }
    if (pic_given && !picture)
        return cli_usage(CMD, "--width, --height, --dpi and --theme are for a chart file: -o "
                              "FILE.png|.svg|.pdf");
    if (mode == FORECAST_LOGLIKE) {
        if (picture)
            return cli_usage(CMD,
                             "--loglike-at writes the log-likelihood as JSON only: it draws "
                             "no chart (-o %s)",
                             path);
        if (p.folds || p.format == FORECAST_CSV || (p.given & FORECAST_P_HORIZON))
            return cli_usage(CMD, "--loglike-at writes the log-likelihood as JSON only: no "
                                  "--horizon, --folds or CSV");
    }
    if (forecast_params_finish(&p, mode != FORECAST_LOGLIKE, &e) < 0)
        return cli_usage(CMD, "%s", e.msg);
    if (params_path) {
        params = xcalloc(sarimax_nparams(&p.spec), sizeof *params);
        if (read_params(params_path, &p, params, &e) < 0) {
            ret = e.domain == ERR_SYS ? cli_fail(&e) : cli_usage(CMD, "%s", e.msg);
            goto out;
        }
    }
    if ((ret = cli_open_store(uri, STORE_READ, &s)) != 0)
        goto out;
    if (forecast_answer_run(s, &p, mode, params, 0, &a, &e) < 0) {
        ret = e.domain == ERR_USAGE ? cli_usage(CMD, "%s", e.msg) : cli_fail(&e);
        goto out;
    }
    if (mode == FORECAST_FIT) {
        if (a.res.converged)
            log_info("%s: fitted in %d iterations, llf %.6f, aic %.3f", p.series.text,
                     a.res.iterations, a.res.llf, a.res.aic);
        else
            log_warn("%s: the fit did not converge (%s) after %d iterations; last "
                     "log-likelihood %.6f",
                     p.series.text, a.res.message, a.res.iterations, a.res.llf);
    }
    if ((picture ? chart_forecast_write(&a, &pic, path, &e)
                 : write_data(&a, path ? path : "-", &e)) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    ret = CLI_OK;
out:
    forecast_answer_release(&a);
    store_free(s);
    free(params);
    if (picture)
        chart_release_fonts(); /* the command is about to return */
    return ret;
}
