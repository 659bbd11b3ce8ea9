/* cmd_plot: `elhub plot pie|line|area`: reads totals or an Oslo-calendar
 * series through the storage interface, fills a struct chart with the
 * dashboard's colours and labels (present.h) and writes it with
 * chart_output_write. Options, validation and error wording live here. */
#include "chart/chart.h"
#include "chart/output.h"
#include "cli/cli.h"
#include "log.h"
#include "mem.h"
#include "present.h"

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
    const char *dataset, *area_arg, *year, *month, *groups, *step_arg, *out, *title, *store;
    enum chart_theme theme;
    double width, height, dpi;
    int has_step;
    enum timeutil_step step;
    /* Derived. */
    char area[LIMIT_NAME];
    char group[LIMIT_PLOT_GROUPS][LIMIT_NAME];
    const char *group_ptr[LIMIT_PLOT_GROUPS];
    size_t ngroups;
    int y, m; /* m = 0 for a whole year */
    int64_t from, to;
    char period[32];    /* "2021", "January 2021" */
    char period_id[16]; /* "2021", "2021-01" */
};

/* One plotted group: its label (copied: present_group_label may reuse a
 * buffer), colour, total and values on the common time axis. */
struct plot_item {
    char group[LIMIT_NAME];
    char label[64];
    double total;
    double *v;
};

static void help(void)
{
    printf("Usage: elhub plot pie  --area A (--year YYYY | --month YYYY-MM) [options]\n"
           "       elhub plot line --area A (--month YYYY-MM | --year YYYY) [options]\n"
           "       elhub plot area --area A (--month YYYY-MM | --year YYYY) [options]\n\n"
           "Draws the share of each group (pie), each group over time (line) or the\n"
           "groups stacked over time (area) to a PNG, SVG or PDF file, chosen by the\n"
           "file's extension. Times are bucketed on the Europe/Oslo calendar.\n\n"
           "Options:\n"
           "  --dataset D        production (default) or consumption\n"
           "  --area A           price area, e.g. NO1\n"
           "  --year YYYY        the calendar year (Oslo time)\n"
           "  --month YYYY-MM    the calendar month (Oslo time)\n"
           "  --groups g1,g2     only these groups (default: all in the store)\n"
           "  --step S           hour, day, week or month (line/area; default hour for\n"
           "                     a month, day for a year)\n"
           "  -o, --output FILE  .png, .svg or .pdf (default KIND-DATASET-AREA-PERIOD.png)\n"
           "  --width N          width in CSS pixels (default 1200)\n"
           "  --height N         height in CSS pixels (default 675)\n"
           "  --dpi N            PNG resolution; 96 gives width x height pixels (default 96)\n"
           "  --theme T          light (default) or dark\n"
           "  --title TEXT       replace the generated title\n"
           "  --store URI        sqlite:PATH, cassandra://HOST/KS or mongodb://HOST/DB\n"
           "                     (default $ELHUB_STORE, else sqlite:elhub.db)\n"
           "  -v, --verbose      say what was read and drawn\n"
           "  -h, --help         this help\n\n"
           "Example: elhub plot pie --area NO1 --year 2021 -o no1-2021.svg\n");
}

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return cli_usage(CMD, "--%s must be a number from %g to %g, not \"%s\"", opt, lo, hi, s);
    *out = v;
    return 0;
}

static int parse_groups(struct opts *o)
{
    const char *p = o->groups;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= LIMIT_NAME)
            return cli_usage(CMD, "bad --groups \"%s\": expected names like hydro,wind", o->groups);
        if (o->ngroups == LIMIT_PLOT_GROUPS)
            return cli_usage(CMD, "--groups names more than %d groups", LIMIT_PLOT_GROUPS);
        for (size_t i = 0; i < len; i++)
            o->group[o->ngroups][i] = (char)tolower((unsigned char)p[i]);
        o->group[o->ngroups][len] = '\0';
        o->group_ptr[o->ngroups] = o->group[o->ngroups];
        o->ngroups++;
        p += len + (comma ? 1 : 0);
        if (comma && !*p)
            return cli_usage(CMD, "bad --groups \"%s\": trailing comma", o->groups);
    }
    return 0;
}

static int parse_period(struct opts *o)
{
    struct err e = {0};
    int d, has_day;

    if (!o->year == !o->month)
        return cli_usage(CMD, "give either --year YYYY or --month YYYY-MM");
    if (o->year) {
        char *end;
        long y = strtol(o->year, &end, 10);
        if (end == o->year || *end || y < 1970 || y > 2100)
            return cli_usage(CMD, "bad --year \"%s\": expected a year like 2021", o->year);
        o->y = (int)y;
        o->m = 0;
        o->from = timeutil_oslo_midnight(o->y, 1, 1);
        o->to = timeutil_oslo_midnight(o->y + 1, 1, 1);
        snprintf(o->period, sizeof o->period, "%d", o->y);
        snprintf(o->period_id, sizeof o->period_id, "%d", o->y);
    } else {
        if (timeutil_parse_date(o->month, &o->y, &o->m, &d, &has_day, &e) < 0 || has_day ||
            o->y < 1970 || o->y > 2100)
            return cli_usage(CMD, "bad --month \"%s\": expected YYYY-MM like 2021-01", o->month);
        o->from = timeutil_oslo_midnight(o->y, o->m, 1);
        o->to = timeutil_oslo_midnight(o->y, o->m + 1, 1);
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
        {"groups", required_argument, NULL, O_GROUPS},
        {"step", required_argument, NULL, O_STEP},
        {"output", required_argument, NULL, 'o'},
        {"width", required_argument, NULL, O_WIDTH},
        {"height", required_argument, NULL, O_HEIGHT},
        {"dpi", required_argument, NULL, O_DPI},
        {"theme", required_argument, NULL, O_THEME},
        {"title", required_argument, NULL, O_TITLE},
        {"store", required_argument, NULL, O_STORE},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kind = NULL, *theme = "light";
    struct err e = {0};
    enum chart_format fmt;
    int c;

    o->dataset = "production";
    o->width = 1200;
    o->height = 675;
    o->dpi = 96;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+o:vh", longopts, NULL)) != -1 || optind < argc) {
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
            if (parse_num("width", optarg, CHART_MIN_WIDTH, 10000, &o->width) != 0)
                return CLI_USAGE;
            break;
        case O_HEIGHT:
            if (parse_num("height", optarg, CHART_MIN_HEIGHT, 10000, &o->height) != 0)
                return CLI_USAGE;
            break;
        case O_DPI:
            if (parse_num("dpi", optarg, 10, 2400, &o->dpi) != 0)
                return CLI_USAGE;
            break;
        case O_THEME:
            theme = optarg;
            break;
        case O_TITLE:
            o->title = optarg;
            break;
        case O_STORE:
            o->store = optarg;
            break;
        case 'v':
            log_set_level(LOG_VERBOSE);
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_usage(CMD, "unknown or incomplete option \"%s\"", argv[optind - 1]);
        }
    }
    if (!kind)
        return cli_usage(CMD, "which chart? pie, line or area");
    if (strcmp(kind, "pie") == 0)
        o->kind = CHART_PIE;
    else if (strcmp(kind, "line") == 0)
        o->kind = CHART_LINE;
    else if (strcmp(kind, "area") == 0)
        o->kind = CHART_AREA;
    else
        return cli_usage(CMD, "unknown chart \"%s\": use pie, line or area", kind);
    if (strcmp(theme, "light") == 0)
        o->theme = CHART_THEME_LIGHT;
    else if (strcmp(theme, "dark") == 0)
        o->theme = CHART_THEME_DARK;
    else
        return cli_usage(CMD, "unknown --theme \"%s\": use light or dark", theme);
    if (!o->area_arg)
        return cli_usage(CMD, "--area is required (e.g. --area NO1)");
    if (record_set_area(&(struct record){0}, o->area_arg, strlen(o->area_arg), &e) < 0)
        return cli_usage(CMD, "--area: %s", e.msg);
    for (size_t i = 0; o->area_arg[i]; i++)
        o->area[i] = (char)toupper((unsigned char)o->area_arg[i]);
    if (parse_period(o) != 0)
        return CLI_USAGE;
    if (o->groups && parse_groups(o) != 0)
        return CLI_USAGE;
    if (o->step_arg) {
        if (o->kind == CHART_PIE)
            return cli_usage(CMD, "--step applies to line and area charts only");
        if (timeutil_step_parse(o->step_arg, &o->step) < 0)
            return cli_usage(CMD, "unknown --step \"%s\": use hour, day, week or month",
                             o->step_arg);
    } else {
        o->step = o->m ? TIMEUTIL_HOUR : TIMEUTIL_DAY;
    }
    if (o->out && chart_format_from_path(o->out, &fmt, &e) < 0)
        return cli_usage(CMD, "%s", e.msg);
    return 0;
}

/* ---- what the store has, for errors ----------------------------------- */

static int has_name(char (*names)[LIMIT_NAME], size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return 1;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Checks the area and groups against the store's summary; on a mismatch
 * logs what the store has instead and returns -1. */
static int check_names(struct store *st, const struct dataset *ds, const struct opts *o)
{
    struct store_summary *sum = NULL;
    size_t n = 0, na = 0, ng = 0;
    char(*areas)[LIMIT_NAME] = NULL, (*groups)[LIMIT_NAME] = NULL;
    char list[1024];
    struct err e = {0};
    int ret = -1;

    if (store_summary(st, ds, &sum, &n, &e) < 0) {
        cli_fail(&e);
        return -1;
    }
    if (n == 0) {
        log_error("the store %s holds no %s data; load some with 'elhub fetch' or 'elhub import'",
                  st->uri_safe, ds->name);
        goto out;
    }
    areas = xcalloc(n, sizeof *areas);
    groups = xcalloc(n, sizeof *groups);
    for (size_t i = 0; i < n; i++) {
        if (!has_name(areas, na, sum[i].area))
            memcpy(areas[na++], sum[i].area, LIMIT_NAME);
        if (!has_name(groups, ng, sum[i].group))
            memcpy(groups[ng++], sum[i].group, LIMIT_NAME);
    }
    qsort(groups, ng, sizeof *groups, cmp_name);
    if (!has_name(areas, na, o->area)) {
        list[0] = '\0';
        for (size_t i = 0, used = 0; i < na && used < sizeof list; i++)
            used +=
                (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", areas[i]);
        log_error("no %s data for area %s; the store has %s", ds->name, o->area, list);
        goto out;
    }
    for (size_t g = 0; g < o->ngroups; g++) {
        if (has_name(groups, ng, o->group[g]))
            continue;
        list[0] = '\0';
        for (size_t i = 0, used = 0; i < ng && used < sizeof list; i++)
            used +=
                (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", groups[i]);
        log_error("unknown %s group \"%s\"; the store has %s", ds->name, o->group[g], list);
        goto out;
    }
    ret = 0;
out:
    free(sum);
    free(areas);
    free(groups);
    return ret;
}

/* Logs "no DATA for AREA in PERIOD; the store has AREA DATA in ..." listing
 * the years (for --year) or month ranges (for --month) that hold rows. */
static void explain_empty(struct store *st, const struct dataset *ds, const struct opts *o)
{
    struct store_query q = {ds, o->area, o->group_ptr, o->ngroups, INT64_MIN, INT64_MAX};
    struct store_series s;
    struct err e = {0};
    int64_t *months = NULL; /* y * 12 + m - 1, ascending, distinct */
    size_t nm = 0, cap = 0, used = 0;
    char list[512] = "", what[128];

    snprintf(what, sizeof what, "%s%s%s%s", ds->name, o->ngroups ? " (" : "",
             o->ngroups ? o->groups : "", o->ngroups ? ")" : "");
    if (store_series(st, &q, TIMEUTIL_MONTH, &s, &e) < 0) {
        log_error("no %s data for %s in %s (%s)", what, o->area, o->period, e.msg);
        store_series_release(&s);
        return;
    }
    for (size_t g = 0; g < s.ng; g++) {
        for (size_t i = 0; i < s.g[g].n; i++) {
            struct timeutil_civil c;
            int64_t k;
            size_t j;
            timeutil_oslo_civil(s.g[g].pts[i].t, &c);
            k = (int64_t)c.year * 12 + c.month - 1;
            for (j = 0; j < nm && months[j] < k; j++)
                ;
            if (j < nm && months[j] == k)
                continue;
            xgrow((void **)&months, &cap, nm + 1, sizeof *months);
            memmove(&months[j + 1], &months[j], (nm - j) * sizeof *months);
            months[j] = k;
            nm++;
        }
    }
    for (size_t i = 0; i < nm && used < sizeof list - 1; i++) {
        int n;
        if (!o->m) {
            if (i && months[i] / 12 == months[i - 1] / 12)
                continue;
            n = snprintf(list + used, sizeof list - used, "%s%d", used ? ", " : "",
                         (int)(months[i] / 12));
        } else {
            size_t j = i;
            while (j + 1 < nm && months[j + 1] == months[j] + 1)
                j++;
            if (j == i)
                n = snprintf(list + used, sizeof list - used, "%s%04d-%02d", used ? ", " : "",
                             (int)(months[i] / 12), (int)(months[i] % 12) + 1);
            else
                n = snprintf(list + used, sizeof list - used, "%s%04d-%02d..%04d-%02d",
                             used ? ", " : "", (int)(months[i] / 12), (int)(months[i] % 12) + 1,
                             (int)(months[j] / 12), (int)(months[j] % 12) + 1);
            i = j;
        }
        if (n > 0)
            used += (size_t)n;
    }
    if (nm)
        log_error("no %s data for %s in %s; the store has %s %s data in %s", what, o->area,
                  o->period, o->area, what, list);
    else
        log_error("no %s data for %s in %s; the store has none for %s at all", what, o->area,
                  o->period, o->area);
    free(months);
    store_series_release(&s);
}

/* ---- building the chart ------------------------------------------------ */

static int cmp_item(const void *a, const void *b)
{
    const struct plot_item *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    return strcmp(x->group, y->group);
}

static void set_item(struct plot_item *it, const char *group)
{
    snprintf(it->group, sizeof it->group, "%s", group);
    snprintf(it->label, sizeof it->label, "%s", present_group_label(group));
}

static void title_for(const struct opts *o, const struct dataset *ds, char *out, size_t n)
{
    static const char *const step_adj[] = {"Hourly", "Daily", "Weekly", "Monthly"};
    if (o->title)
        snprintf(out, n, "%s", o->title);
    else if (o->kind == CHART_PIE)
        snprintf(out, n, "Total %s by Group in %s (%s)", ds->title, o->area, o->period);
    else
        snprintf(out, n, "%s %s by Group in %s (%s)", step_adj[o->step], ds->title, o->area,
                 o->period);
}

/* Reads the selection; fills items (sorted by total, largest first) and,
 * for series, the common time axis t: the instant each value is drawn at,
 * one per bucket of the period. Returns 0, 1 for an empty selection,
 * or -1 after logging a store failure. */
static int read_data(struct store *st, const struct dataset *ds, const struct opts *o,
                     struct plot_item **items, size_t *nitems, int64_t **t, size_t *nt)
{
    struct store_query q = {ds, o->area, o->group_ptr, o->ngroups, o->from, o->to};
    struct err e = {0};

    *items = NULL;
    *nitems = 0;
    *t = NULL;
    *nt = 0;
    if (o->kind == CHART_PIE) {
        struct store_total *tot = NULL;
        size_t n = 0;
        if (store_totals(st, &q, &tot, &n, &e) < 0) {
            cli_fail(&e);
            return -1;
        }
        *items = xcalloc(n ? n : 1, sizeof **items);
        for (size_t i = 0; i < n; i++) {
            if (tot[i].rows == 0)
                continue;
            set_item(&(*items)[*nitems], tot[i].group);
            (*items)[(*nitems)++].total = tot[i].value;
            log_debug("%s: %lld hours, %.3f kWh", tot[i].group, (long long)tot[i].rows,
                      tot[i].value);
        }
        free(tot);
    } else {
        struct store_series s;
        size_t cap = 0, mid_cap = 0;
        int64_t *mid = NULL;
        int64_t first = timeutil_oslo_bucket(o->from, o->step);
        if (store_series(st, &q, o->step, &s, &e) < 0) {
            store_series_release(&s);
            cli_fail(&e);
            return -1;
        }
        /* Every bucket of the period, so x is absolute time and a missing
         * hour is a gap, not a shortcut. */
        for (int64_t b = first; b < o->to; b = timeutil_oslo_bucket_next(b, o->step)) {
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
                                 o->area, o->period);
                        break;
                    }
                }
                continue;
            }
            set_item(it, s.g[g].group);
            it->v = xmalloc(*nt * sizeof *it->v);
            for (size_t k = 0; k < *nt; k++)
                it->v[k] = NAN;
            for (size_t i = 0; i < s.g[g].n; i++) {
                while (j < *nt && (*t)[j] < s.g[g].pts[i].t)
                    j++;
                if (j < *nt && (*t)[j] == s.g[g].pts[i].t) {
                    it->v[j] = s.g[g].pts[i].value;
                    it->total += s.g[g].pts[i].value;
                }
            }
            log_debug("%s: %zu points", it->group, s.g[g].n);
            (*nitems)++;
        }
        store_series_release(&s);
        /* A value belongs to its whole bucket: draw it at the middle of the
         * part of the bucket inside the period (an hour: its half past; a
         * day: noon-ish, 12:30 on a 25-hour day). */
        for (size_t k = 0; k < *nt; k++) {
            int64_t a = (*t)[k] < o->from ? o->from : (*t)[k];
            int64_t z = timeutil_oslo_bucket_next((*t)[k], o->step);
            if (z > o->to)
                z = o->to;
            mid[k] = a + (z - a) / 2;
        }
        free(*t);
        *t = mid;
        log_debug("time axis: %zu %s buckets", *nt, timeutil_step_name(o->step));
    }
    if (*nitems == 0)
        return 1;
    qsort(*items, *nitems, sizeof **items, cmp_item);
    return 0;
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
    struct err e = {0};
    int rc, ret = CLI_FAIL;

    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return CLI_OK; /* --help */
    if (rc > 0)
        return rc;
    if (!(ds = cli_dataset(CMD, o.dataset)))
        return CLI_USAGE;
    snprintf(out_name, sizeof out_name, "%s-%s-%s-%s.png",
             o.kind == CHART_PIE    ? "pie"
             : o.kind == CHART_LINE ? "line"
                                    : "area",
             ds->name, o.area, o.period_id);
    out = o.out ? o.out : out_name;
    if (cli_open_store(o.store, &st) < 0)
        return CLI_FAIL;
    if (check_names(st, ds, &o) < 0)
        goto out;
    rc = read_data(st, ds, &o, &items, &nitems, &t, &nt);
    if (rc < 0)
        goto out;
    if (rc > 0) {
        explain_empty(st, ds, &o);
        goto out;
    }

    ci = xcalloc(nitems, sizeof *ci);
    for (size_t i = 0; i < nitems; i++) {
        ci[i].label = items[i].label;
        ci[i].total = items[i].total;
        ci[i].v = items[i].v;
        present_group_rgb(items[i].group, &ci[i].color.r, &ci[i].color.g, &ci[i].color.b);
    }
    title_for(&o, ds, title, sizeof title);
    ch.kind = o.kind;
    ch.theme = o.theme;
    ch.title = title;
    ch.value_name = ds->title;
    ch.per = o.kind == CHART_PIE ? NULL : timeutil_step_name(o.step);
    ch.note = "Data: Elhub (CC BY 4.0)";
    ch.width = o.width;
    ch.height = o.height;
    ch.items = ci;
    ch.nitems = nitems;
    ch.t = t;
    ch.nt = nt;
    ch.from = o.from;
    ch.to = o.to;
    if (chart_output_write(&ch, out, o.dpi, &e) < 0) {
        cli_fail(&e);
        goto out;
    }
    log_info("wrote %s", out);
    ret = CLI_OK;
out:
    for (size_t i = 0; i < nitems; i++)
        free(items[i].v);
    free(items);
    free(ci);
    free(t);
    store_free(st);
    chart_release_fonts(); /* the command is about to return */
    return ret;
}
