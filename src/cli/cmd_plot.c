/* cmd_plot: `elhub plot pie|line|area`: parses the selection with the one
 * selection parser, reads totals or an Oslo-calendar series from the read
 * model (query.h), fills a struct chart with the dashboard's colours and
 * labels (present.h) and writes it with chart_output_write. `elhub plot
 * stl|spectrogram|outliers|anomalies|correlate` is `elhub analyze METHOD
 * -o FILE.png|.svg|.pdf` (cli_analyze) with plot's size and theme, and
 * `elhub plot forecast` is `elhub forecast -o FILE.png|.svg|.pdf`
 * (cli_forecast) alike. */
#include "analysis/params.h"
#include "chart/analysis.h"
#include "chart/chart.h"
#include "chart/output.h"
#include "cli/cli.h"
#include "log.h"
#include "mem.h"
#include "present.h"
#include "query/query.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "plot"

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

struct opts {
    enum chart_kind kind;
    const char *dataset, *area_arg, *year, *month, *from, *to, *groups, *step_arg, *out, *title,
        *store;
    struct chart_analysis_opts pic; /* --width, --height, --dpi, --theme */
    /* Derived. */
    struct select sel;  /* dataset, area, groups, [from, to), step */
    int y, m;           /* m = 0 for a whole year, -1 for a --from/--to range */
    char period[40];    /* "2021", "January 2021", "2021-10-30 to 2021-11-01" */
    char period_id[32]; /* "2021", "2021-01", "2021-10-30_2021-11-01" */
};

/* One plotted group: its label, colour, total and values on the common
 * time axis, which buckets are partial, and (pie) how much of the period
 * it covers. */
struct plot_item {
    char group[LIMIT_NAME];
    char label[64];
    double total;
    double *v;
    unsigned char *partial;
    int64_t hours;
    char detail[64];
};

/* What the chart says beside the data: the merged missing-hour bands and
 * the notes that explain the marks. */
struct plot_marks {
    struct chart_band *bands;
    size_t nbands;
    char missing[320]; /* "shaded: hours missing for Hydro, Wind (120 hours)" */
    int any_partial;
    int uneven; /* pie: the groups cover different parts of the period */
    const char *notes[3];
    size_t nnotes;
};

static void help(void)
{
    printf("Usage: elhub plot pie|line|area --area A PERIOD [options]\n"
           "       PERIOD: --year YYYY | --month YYYY-MM | --from DATE --to DATE\n"
           "       elhub plot stl|spectrogram|outliers|anomalies|correlate -o FILE\n"
           "           [the options of elhub analyze METHOD] [--width/--height/--dpi/--theme]\n"
           "           (the chart file of elhub analyze METHOD -o FILE.png|.svg|.pdf)\n"
           "       elhub plot forecast -o FILE [the options of elhub forecast]\n"
           "           (the chart file of elhub forecast -o FILE.png|.svg|.pdf)\n\n"
           "Draws the share of each group (pie), each group over time (line) or the\n"
           "groups stacked over time (area) to a PNG, SVG or PDF file, chosen by the\n"
           "file's extension. Times are bucketed on the Europe/Oslo calendar.\n\n"
           "Options:\n"
           "  --dataset D        production (default) or consumption\n"
           "  --area A           price area, e.g. NO1; NO for Norway (every area summed:\n"
           "                     a group's hours are those of its least-covered area)\n"
           "  --year YYYY        the calendar year (Oslo time)\n"
           "  --month YYYY-MM    the calendar month (Oslo time)\n"
           "  --from/--to DATE   any range of Oslo days instead, both inclusive\n"
           "                     (YYYY-MM-DD, or YYYY-MM for a month's first/last day)\n"
           "  --groups g1,g2     only these groups (default: all in the store; --group is\n"
           "                     the same option)\n"
           "  --step S           hour, day, week or month (line/area; default hour for\n"
           "                     up to a month, day for longer)\n"
           "  -o, --output FILE  .png, .svg or .pdf (default KIND-DATASET-AREA-PERIOD.png)\n"
           "  --width N          width in CSS pixels (default %d)\n"
           "  --height N         height in CSS pixels (default %d)\n"
           "  --dpi N            PNG resolution; %d gives width x height pixels (default %d)\n"
           "  --theme T          light (default) or dark\n"
           "  --title TEXT       replace the generated title\n",
           CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT, CHART_DEFAULT_DPI, CHART_DEFAULT_DPI);
    cli_help_store(stdout, "--store URI", 21, "the store to read", 1);
    printf("  -q, --quiet        errors only (no \"wrote FILE\")\n"
           "  -v, --verbose      say what was read and drawn\n"
           "  -h, --help         this help\n\n"
           "Example: elhub plot pie --area NO1 --year 2021 -o no1-2021.svg\n");
}

static int parse_period(struct opts *o)
{
    struct err e = {0};

    int given = !!o->year + !!o->month + !!(o->from || o->to);
    if (given != 1)
        return cli_usage(CMD, "give either --year YYYY or --month YYYY-MM, or --from DATE --to "
                              "DATE (one period)");
    if (o->from || o->to) {
        if (!o->from || !o->to)
            return cli_usage(CMD, "--from and --to go together (Oslo dates, both inclusive)");
        if (select_set(&o->sel, SELECT_FROM | SELECT_TO, "from", o->from, &e) < 0 ||
            select_set(&o->sel, SELECT_FROM | SELECT_TO, "to", o->to, &e) < 0 ||
            select_finish(&o->sel, 1, &e) < 0)
            return cli_usage(CMD, "%s", e.msg);
        o->m = -1;
        snprintf(o->period, sizeof o->period, "%s to %s", o->sel.from_s, o->sel.to_s);
        snprintf(o->period_id, sizeof o->period_id, "%s_%s", o->sel.from_s, o->sel.to_s);
    } else if (o->year) {
        if (select_set_year(&o->sel, o->year, &e) < 0)
            return cli_usage(CMD, "bad --%s", e.msg);
        o->y = (int)strtol(o->year, NULL, 10);
        o->m = 0;
        snprintf(o->period, sizeof o->period, "%d", o->y);
        snprintf(o->period_id, sizeof o->period_id, "%d", o->y);
    } else {
        int d, has_day;
        if (select_set_month(&o->sel, o->month, &e) < 0)
            return cli_usage(CMD, "bad --%s", e.msg);
        timeutil_parse_date(o->month, &o->y, &o->m, &d, &has_day, NULL);
        snprintf(o->period, sizeof o->period, "%s %d", month_names[o->m - 1], o->y);
        snprintf(o->period_id, sizeof o->period_id, "%04d-%02d", o->y, o->m);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    enum {
        O_DATASET = 256,
        O_AREA,
        O_YEAR,
        O_MONTH,
        O_FROM,
        O_TO,
        O_GROUPS,
        O_STEP,
        O_WIDTH,
        O_HEIGHT,
        O_DPI,
        O_THEME,
        O_TITLE,
        O_STORE
    };
    static const struct option longopts[] = {
        {"dataset", required_argument, NULL, O_DATASET},
        {"area", required_argument, NULL, O_AREA},
        {"year", required_argument, NULL, O_YEAR},
        {"month", required_argument, NULL, O_MONTH},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"groups", required_argument, NULL, O_GROUPS},
        {"group", required_argument, NULL, O_GROUPS},
        {"step", required_argument, NULL, O_STEP},
        {"output", required_argument, NULL, 'o'},
        {"width", required_argument, NULL, O_WIDTH},
        {"height", required_argument, NULL, O_HEIGHT},
        {"dpi", required_argument, NULL, O_DPI},
        {"theme", required_argument, NULL, O_THEME},
        {"title", required_argument, NULL, O_TITLE},
        {"store", required_argument, NULL, O_STORE},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kind = NULL;
    struct err e = {0};
    enum chart_format fmt;
    int c;

    o->dataset = "production";
    select_init(&o->sel);
    o->pic = (struct chart_analysis_opts){CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT,
                                          CHART_DEFAULT_DPI, CHART_THEME_LIGHT};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:o:qvh", longopts, NULL)) != -1 || optind < argc) {
        if (c == -1) {
            /* A non-option: the chart kind, once; then keep parsing. */
            if (kind)
                return cli_usage(CMD, "unexpected argument \"%s\"", argv[optind]);
            kind = argv[optind++];
            continue;
        }
        switch (c) {
        case O_DATASET:
            o->dataset = optarg;
            break;
        case O_AREA:
            o->area_arg = optarg;
            break;
        case O_YEAR:
            o->year = optarg;
            break;
        case O_MONTH:
            o->month = optarg;
            break;
        case O_FROM:
            o->from = optarg;
            break;
        case O_TO:
            o->to = optarg;
            break;
        case O_GROUPS:
            o->groups = optarg;
            break;
        case O_STEP:
            o->step_arg = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case O_WIDTH:
        case O_HEIGHT:
        case O_DPI:
        case O_THEME:
            if (cli_picture_option(CMD,
                                   c == O_WIDTH    ? "width"
                                   : c == O_HEIGHT ? "height"
                                   : c == O_DPI    ? "dpi"
                                                   : "theme",
                                   optarg, &o->pic) != 0)
                return CLI_USAGE;
            break;
        case O_TITLE:
            o->title = optarg;
            break;
        case O_STORE:
            o->store = optarg;
            break;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'v':
            log_set_level(LOG_VERBOSE);
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option(CMD, c, argv, longopts);
        }
    }
#define KINDS                                                                                      \
    "pie, line or area; or, as the first argument, stl, spectrogram, outliers, anomalies, "        \
    "correlate or forecast"
    if (!kind)
        return cli_usage(CMD, "which chart? " KINDS);
    if (strcmp(kind, "pie") == 0)
        o->kind = CHART_PIE;
    else if (strcmp(kind, "line") == 0)
        o->kind = CHART_LINE;
    else if (strcmp(kind, "area") == 0)
        o->kind = CHART_AREA;
    else {
        static const char *const kinds[] = {"pie",       "line",        "area",
                                            "stl",       "spectrogram", "outliers",
                                            "anomalies", "correlate",   "forecast"};
        const char *near = cli_suggest(kind, kinds, sizeof kinds / sizeof kinds[0]);
        char shown[80];
        err_quote(kind, strlen(kind), shown, sizeof shown);
        if (analysis_method_parse(kind, &(enum analysis_method){0}) == 0 ||
            strcmp(kind, "forecast") == 0)
            return cli_usage(CMD, "name the analysis first: elhub plot %s [OPTIONS] -o FILE",
                             shown);
        if (near)
            return cli_usage(CMD, "unknown chart \"%s\" (did you mean %s?): use " KINDS, shown,
                             near);
        return cli_usage(CMD, "unknown chart \"%s\": use " KINDS, shown);
    }
#undef KINDS
    if (!o->area_arg)
        return cli_usage(CMD, "--area is required (e.g. --area NO1)");
    if (select_set(&o->sel, SELECT_DATASET, "dataset", o->dataset, &e) < 0 ||
        select_set(&o->sel, SELECT_AREA, "area", o->area_arg, &e) < 0)
        return cli_usage(CMD, "--%s", e.msg);
    /* A pie or stack of groups is a sum over groups: weather's variables
     * are in different units (degrees and millimetres do not add). */
    if (o->sel.ds->vars)
        return cli_usage(CMD,
                         "--dataset %s: plot draws the energy datasets (production, consumption); "
                         "%s variables have units of their own: see the dashboard's Weather page, "
                         "or elhub snowdrift -o rose.png",
                         o->sel.ds->name, o->sel.ds->name);
    if (parse_period(o) != 0)
        return CLI_USAGE;
    if (o->groups && select_set(&o->sel, SELECT_GROUPS, "groups", o->groups, &e) < 0)
        return cli_usage(CMD, "--%s", e.msg);
    if (o->step_arg) {
        if (o->kind == CHART_PIE)
            return cli_usage(CMD, "--step applies to line and area charts only");
        if (select_set(&o->sel, SELECT_STEP, "step", o->step_arg, &e) < 0)
            return cli_usage(CMD, "unknown --%s", e.msg);
    } else {
        /* Hours for up to a month, days beyond. */
        o->sel.step = o->m > 0 || (o->m < 0 && query_period_hours(o->sel.from, o->sel.to) <= 745)
                          ? TIMEUTIL_HOUR
                          : TIMEUTIL_DAY;
    }
    if (o->out && chart_format_from_path(o->out, &fmt, &e) < 0)
        return cli_usage(CMD, "%s", e.msg);
    return 0;
}

/* ---- what the store has, for errors ----------------------------------- */

/* The area as a title or a message names it. */
static const char *area_name(const struct opts *o)
{
    return o->sel.norway ? "Norway" : o->sel.area;
}

/* Logs "no DATA for AREA in PERIOD; the store has AREA DATA in ..." listing
 * the years (for --year) or month ranges (for --month) that hold rows. */
static void explain_empty(struct store *st, const struct opts *o)
{
    const struct dataset *ds = o->sel.ds;
    int64_t *months = NULL; /* Oslo month starts, ascending */
    size_t nm = 0, used = 0;
    char list[512] = "", what[128];
    struct err e = {0};

    snprintf(what, sizeof what, "%s%s%s%s", ds->name, o->sel.ngroups ? " (" : "",
             o->sel.ngroups ? o->groups : "", o->sel.ngroups ? ")" : "");
    if (query_months(st, &o->sel, &months, &nm, &e) < 0) {
        log_error("no %s data for %s in %s (%s)", what, area_name(o), o->period, e.msg);
        return;
    }
    for (size_t i = 0; i < nm && used < sizeof list - 1; i++) {
        struct timeutil_civil a, b;
        int n;
        timeutil_oslo_civil(months[i], &a);
        if (!o->m) {
            if (i) {
                timeutil_oslo_civil(months[i - 1], &b);
                if (b.year == a.year)
                    continue;
            }
            n = snprintf(list + used, sizeof list - used, "%s%d", used ? ", " : "", a.year);
        } else {
            size_t j = i;
            while (j + 1 < nm &&
                   months[j + 1] == timeutil_oslo_bucket_next(months[j], TIMEUTIL_MONTH))
                j++;
            timeutil_oslo_civil(months[j], &b);
            if (j == i)
                n = snprintf(list + used, sizeof list - used, "%s%04d-%02d", used ? ", " : "",
                             a.year, a.month);
            else
                n = snprintf(list + used, sizeof list - used, "%s%04d-%02d..%04d-%02d",
                             used ? ", " : "", a.year, a.month, b.year, b.month);
            i = j;
        }
        if (n > 0)
            used += (size_t)n;
    }
    if (nm)
        log_error("no %s data for %s in %s; the store has %s %s data in %s", what, area_name(o),
                  o->period, area_name(o), what, list);
    else
        log_error("no %s data for %s in %s; the store has none for %s at all", what, area_name(o),
                  o->period, area_name(o));
    free(months);
}

/* ---- building the chart ------------------------------------------------ */

/* The fixed group order of present.h: stacked bottom up, listed and
 * sliced in this order, on the page and in files alike. */
static int cmp_item(const void *a, const void *b)
{
    const struct plot_item *x = a, *y = b;
    return present_group_cmp(x->group, y->group);
}

/* Calendar days of [from, to) on the Oslo calendar. */
static int period_days(int64_t from, int64_t to)
{
    int n = 0;
    for (int64_t d = timeutil_oslo_bucket(from, TIMEUTIL_DAY); d < to;
         d = timeutil_oslo_bucket_next(d, TIMEUTIL_DAY))
        n++;
    return n;
}

static void set_item(struct plot_item *it, const char *group)
{
    char buf[64];
    snprintf(it->group, sizeof it->group, "%s", group);
    snprintf(it->label, sizeof it->label, "%s", present_group_label(group, buf, sizeof buf));
}

static void title_for(const struct opts *o, const struct dataset *ds, char *out, size_t n)
{
    static const char *const step_adj[] = {"Hourly", "Daily", "Weekly", "Monthly"};
    if (o->title)
        snprintf(out, n, "%s", o->title);
    else if (o->kind == CHART_PIE)
        snprintf(out, n, "Total %s by Group in %s (%s)", ds->title, area_name(o), o->period);
    else
        snprintf(out, n, "%s %s by Group in %s (%s)", step_adj[o->sel.step], ds->title,
                 area_name(o), o->period);
}

/* Reads the selection; fills items (sorted by total, largest first) and,
 * for series, the common time axis t: the instant each value is drawn at,
 * one per bucket of the period. Returns 0, 1 for an empty selection,
 * or -1 after logging a store failure. */
static int read_data(struct store *st, const struct opts *o, struct plot_item **items,
                     size_t *nitems, int64_t **t, size_t *nt)
{
    const struct select *sel = &o->sel;
    const struct dataset *ds = sel->ds;
    struct err e = {0};

    *items = NULL;
    *nitems = 0;
    *t = NULL;
    *nt = 0;
    if (o->kind == CHART_PIE) {
        struct query_totals tot;
        if (query_totals(st, sel, &tot, &e) < 0) {
            cli_fail(&e);
            return -1;
        }
        int days = period_days(sel->from, sel->to);
        *items = xcalloc(tot.n ? tot.n : 1, sizeof **items);
        for (size_t i = 0; i < tot.n; i++) {
            struct plot_item *it = &(*items)[*nitems];
            set_item(it, tot.t[i].group);
            it->total = tot.t[i].value;
            it->hours = tot.t[i].hours;
            present_format_coverage(it->hours, tot.period_hours, days, it->detail,
                                    sizeof it->detail);
            (*nitems)++;
            log_debug("%s: %lld hours, %.3f %s", tot.t[i].group, (long long)tot.t[i].hours,
                      tot.t[i].value, ds->unit);
        }
        query_totals_release(&tot);
    } else {
        struct query_series s;
        size_t cap = 0, mid_cap = 0;
        int64_t *mid = NULL;
        int64_t first = timeutil_oslo_bucket(sel->from, sel->step);
        if (query_series(st, sel, 0, &s, &e) < 0) {
            cli_fail(&e);
            return -1;
        }
        /* Every bucket of the period, so x is absolute time and a missing
         * hour is a gap, not a shortcut. */
        for (int64_t b = first; b < sel->to; b = timeutil_oslo_bucket_next(b, sel->step)) {
            xgrow((void **)t, &cap, *nt + 1, sizeof **t);
            (*t)[(*nt)++] = b;
        }
        xgrow((void **)&mid, &mid_cap, *nt ? *nt : 1, sizeof *mid);
        *items = xcalloc(s.ng ? s.ng : 1, sizeof **items);
        for (size_t g = 0; g < s.ng; g++) {
            struct plot_item *it = &(*items)[*nitems];
            size_t j = 0;
            if (s.g[g].n == 0) {
                /* Worth a warning only next to groups that do have data;
                 * with none at all the caller explains the empty selection. */
                for (size_t h = 0; h < s.ng; h++) {
                    if (s.g[h].n) {
                        log_warn("no %s data for group %s in %s %s", ds->name, s.g[g].group,
                                 area_name(o), o->period);
                        break;
                    }
                }
                continue;
            }
            set_item(it, s.g[g].group);
            it->v = xmalloc(*nt * sizeof *it->v);
            it->partial = xcalloc(*nt, 1);
            for (size_t k = 0; k < *nt; k++)
                it->v[k] = NAN;
            for (size_t i = 0; i < s.g[g].n; i++) {
                const struct query_point *pt = &s.g[g].pts[i];
                while (j < *nt && (*t)[j] < pt->t)
                    j++;
                if (j < *nt && (*t)[j] == pt->t) {
                    it->v[j] = pt->value;
                    it->partial[j] = pt->period_hours > 0 && pt->hours < pt->period_hours;
                    it->total += pt->value;
                    it->hours += pt->hours;
                }
            }
            log_debug("%s: %zu points", it->group, s.g[g].n);
            (*nitems)++;
        }
        query_series_release(&s);
        /* A value belongs to its whole bucket: draw it at the middle of the
         * part of the bucket inside the period (an hour: its half past; a
         * day: noon-ish, 12:30 on a 25-hour day). */
        for (size_t k = 0; k < *nt; k++) {
            int64_t a = (*t)[k] < sel->from ? sel->from : (*t)[k];
            int64_t z = timeutil_oslo_bucket_next((*t)[k], sel->step);
            if (z > sel->to)
                z = sel->to;
            mid[k] = a + (z - a) / 2;
        }
        free(*t);
        *t = mid;
        log_debug("time axis: %zu %s buckets", *nt, timeutil_step_name(sel->step));
    }
    if (*nitems == 0)
        return 1;
    qsort(*items, *nitems, sizeof **items, cmp_item);
    return 0;
}

static int cmp_band(const void *a, const void *b)
{
    const struct chart_band *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

/* The marks of a chart: for a series, the hours missing for the groups
 * drawn (and only those), merged into one list of bands, and the notes
 * that name them; for a pie, whether the groups cover the period
 * unevenly. Returns 0, or -1 after logging a store failure. */
static int read_marks(struct store *st, const struct opts *o, const struct plot_item *items,
                      size_t nitems, size_t nt, struct plot_marks *m)
{
    struct select sel = o->sel;
    struct query_coverage cov;
    struct chart_band *all = NULL;
    size_t n = 0, cap = 0, used = 0;
    int64_t hours = 0;
    struct err e = {0};

    memset(m, 0, sizeof *m);
    if (o->kind == CHART_PIE) {
        for (size_t i = 1; i < nitems; i++)
            m->uneven |= items[i].hours != items[0].hours;
        if (m->uneven)
            m->notes[m->nnotes++] = "The groups cover different parts of the period (see each "
                                    "group's days): a share compares unequal spans.";
        return 0;
    }
    for (size_t i = 0; i < nitems; i++)
        m->any_partial |= memchr(items[i].partial, 1, nt) != NULL;
    sel.ngroups = 0;
    for (size_t i = 0; i < nitems && i < LIMIT_SELECT_GROUPS; i++) {
        snprintf(sel.groups[i], LIMIT_NAME, "%s", items[i].group);
        sel.gp[i] = sel.groups[i];
        sel.ngroups++;
    }
    if (query_coverage(st, &sel, (size_t)query_period_hours(sel.from, sel.to) + 1, &cov, &e) < 0) {
        cli_fail(&e);
        return -1;
    }
    for (size_t g = 0; g < cov.ng; g++) {
        for (size_t k = 0; k < cov.g[g].ngaps; k++) {
            xgrow((void **)&all, &cap, n + 1, sizeof *all);
            all[n].from = cov.g[g].gaps[k].from;
            all[n++].to = cov.g[g].gaps[k].to;
        }
    }
    if (n > 1)
        qsort(all, n, sizeof *all, cmp_band);
    /* Overlapping or touching runs become one band. */
    for (size_t k = 0; k < n; k++) {
        if (m->nbands && all[k].from <= m->bands[m->nbands - 1].to) {
            if (all[k].to > m->bands[m->nbands - 1].to)
                m->bands[m->nbands - 1].to = all[k].to;
            continue;
        }
        if (!m->bands)
            m->bands = xcalloc(n, sizeof *m->bands);
        m->bands[m->nbands++] = all[k];
    }
    for (size_t k = 0; k < m->nbands; k++)
        hours += query_period_hours(m->bands[k].from, m->bands[k].to);
    if (m->nbands) {
        int k = snprintf(m->missing, sizeof m->missing, "%s", PRESENT_NOTE_MISSING);
        used = k > 0 ? (size_t)k : 0;
        for (size_t g = 0; g < cov.ng && used < sizeof m->missing; g++) {
            char label[64];
            if (!cov.g[g].missing)
                continue;
            k = snprintf(m->missing + used, sizeof m->missing - used, "%s%s",
                         used > strlen(PRESENT_NOTE_MISSING) ? ", " : " ",
                         present_group_label(cov.g[g].group, label, sizeof label));
            used += k > 0 ? (size_t)k : 0;
        }
        if (used < sizeof m->missing) {
            char count[32];
            present_format_count(hours, count, sizeof count);
            snprintf(m->missing + used, sizeof m->missing - used, " (%s %s)", count,
                     hours == 1 ? "hour" : "hours");
        }
        m->notes[m->nnotes++] = m->missing;
    }
    if (m->any_partial)
        m->notes[m->nnotes++] = PRESENT_NOTE_PARTIAL;
    free(all);
    query_coverage_release(&cov);
    return 0;
}

/* `elhub plot forecast ...` is `elhub forecast ...` (argv[1] is "forecast"). */
static int run_forecast(int argc, char **argv, const struct chart_analysis_opts *pic)
{
    return cli_forecast(argc - 1, argv + 1, pic);
}

/* `elhub plot METHOD ...` and `elhub plot forecast ...`: takes plot's
 * picture options (--width, --height, --dpi, --theme, as "--opt V" or
 * "--opt=V") out of argv, checks that -o names a picture, and runs the
 * command (run: cli_analyze, or run_forecast) on the rest. */
static int plot_picture(int argc, char **argv,
                        int (*run)(int, char **, const struct chart_analysis_opts *))
{
    struct chart_analysis_opts pic = {CHART_DEFAULT_WIDTH, CHART_DEFAULT_HEIGHT, CHART_DEFAULT_DPI,
                                      CHART_THEME_LIGHT};
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    const char *out = NULL;
    int n = 0, ret = CLI_USAGE, help_asked = 0;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        size_t len = i >= 2 ? cli_picture_name(a) : 0;
        if (len) {
            char name[16];
            snprintf(name, sizeof name, "%.*s", (int)len, a + 2);
            v = a[2 + len] == '=' ? a + 3 + len : NULL;
            if (!v && (v = i + 1 < argc ? argv[++i] : NULL) == NULL) {
                cli_usage(CMD, "--%s needs a value", name);
                goto out;
            }
            if (cli_picture_option(CMD, name, v, &pic) != 0)
                goto out;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            help_asked = 1;
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc)
            out = argv[i + 1];
        else if (strncmp(a, "--output=", 9) == 0)
            out = a + 9;
        else if (strncmp(a, "-o", 2) == 0 && a[2])
            out = a + 2;
        rest[n++] = argv[i];
    }
    if (!help_asked) {
        enum chart_format f;
        struct err e = {0};
        if (!out) {
            cli_usage(CMD, "%s: -o FILE.png|.svg|.pdf is required", argv[1]);
            goto out;
        }
        if (chart_format_from_path(out, &f, &e) < 0) {
            cli_usage(CMD, "%s", e.msg);
            goto out;
        }
    }
    ret = run(n, rest, &pic);
out:
    free(rest);
    return ret;
}

int cmd_plot(int argc, char **argv)
{
    struct opts o = {0};
    struct store *st = NULL;
    const struct dataset *ds;
    struct plot_item *items = NULL;
    struct chart_item *ci = NULL;
    size_t nitems = 0, nt = 0;
    int64_t *t = NULL;
    char title[256], out_name[128];
    const char *out;
    struct chart ch = {0};
    struct plot_marks marks;
    struct err e = {0};
    int rc, ret = CLI_FAIL;

    memset(&marks, 0, sizeof marks);
    if (argc >= 2 && analysis_method_parse(argv[1], &(enum analysis_method){0}) == 0)
        return plot_picture(argc, argv, cli_analyze);
    if (argc >= 2 && strcmp(argv[1], "forecast") == 0)
        return plot_picture(argc, argv, run_forecast);

    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return CLI_OK; /* --help */
    if (rc > 0)
        return rc;
    ds = o.sel.ds;
    snprintf(out_name, sizeof out_name, "%s-%s-%s-%s.png",
             o.kind == CHART_PIE    ? "pie"
             : o.kind == CHART_LINE ? "line"
                                    : "area",
             ds->name, o.sel.norway ? SELECT_NORWAY : o.sel.area, o.period_id);
    out = o.out ? o.out : out_name;
    if ((ret = cli_open_store(o.store, STORE_READ, &st)) != 0)
        return ret;
    ret = CLI_FAIL;
    if (query_check_selection(st, &o.sel, &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    rc = read_data(st, &o, &items, &nitems, &t, &nt);
    if (rc < 0)
        goto out;
    if (rc > 0) {
        explain_empty(st, &o);
        goto out;
    }
    if (read_marks(st, &o, items, nitems, nt, &marks) < 0)
        goto out;

    ci = xcalloc(nitems, sizeof *ci);
    for (size_t i = 0; i < nitems; i++) {
        ci[i].label = items[i].label;
        ci[i].total = items[i].total;
        ci[i].v = items[i].v;
        ci[i].partial = items[i].partial;
        ci[i].detail = o.kind == CHART_PIE ? items[i].detail : NULL;
        present_group_rgb(items[i].group, &ci[i].color.r, &ci[i].color.g, &ci[i].color.b);
    }
    title_for(&o, ds, title, sizeof title);
    ch.kind = o.kind;
    ch.theme = o.pic.theme;
    ch.title = title;
    ch.value_name = ds->title;
    ch.unit = ds->unit;
    /* Hourly values are energy per hour, shown as power (MW, GW); days,
     * weeks and months as energy per bucket (present.h). */
    ch.power = o.kind != CHART_PIE && present_measure_of(o.sel.step) == PRESENT_POWER;
    ch.per = o.kind == CHART_PIE || ch.power ? NULL : timeutil_step_name(o.sel.step);
    ch.note = "Data: Elhub (CC BY 4.0)";
    ch.width = o.pic.width;
    ch.height = o.pic.height;
    ch.items = ci;
    ch.nitems = nitems;
    ch.t = t;
    ch.nt = nt;
    ch.from = o.sel.from;
    ch.to = o.sel.to;
    ch.bands = marks.bands;
    ch.nbands = marks.nbands;
    ch.notes = marks.notes;
    ch.nnotes = marks.nnotes;
    if (chart_output_write(&ch, out, o.pic.dpi, &e) < 0) {
        cli_fail(&e);
        goto out;
    }
    log_info("wrote %s", out);
    ret = CLI_OK;
out:
    for (size_t i = 0; i < nitems; i++) {
        free(items[i].v);
        free(items[i].partial);
    }
    free(marks.bands);
    free(items);
    free(ci);
    free(t);
    store_free(st);
    chart_release_fonts(); /* the command is about to return */
    return ret;
}
