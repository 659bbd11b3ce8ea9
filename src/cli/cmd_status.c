/* cmd_status: `elhub status` shows what a store holds per dataset x area x
 * group (rows, first and last hour, missing hours inside the years that
 * have rows, newest lastUpdatedTime, the sum in a readable unit) with a
 * total and a per-year breakdown per dataset, as a table of at most 100
 * columns or as JSON (the shape is documented in docs/IMPORT.md). The
 * numbers are the read model's overview (query_overview); this file only
 * formats them (present.h). */
#include "cli/cli.h"

#include "buf.h"
#include "json.h"
#include "log.h"
#include "present.h"
#include "query/query.h"
#include "source/source.h"
#include "weather/place.h"

#include <getopt.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fprintf(out, "Usage: elhub status [--store URI] [--dataset D] [--json]\n"
                 "\n"
                 "Shows, per dataset, price area and group: rows, the first and last hour, the\n"
                 "hours missing inside the years that have rows (a year without any row is an\n"
                 "uncovered year, listed apart and not counted hour by hour), the newest\n"
                 "lastUpdatedTime and the total in a readable unit (kWh, MWh, GWh, TWh); then a\n"
                 "total per dataset and a breakdown per year. Times are Oslo time; the JSON\n"
                 "has every value exactly.\n"
                 "\n"
                 "Options:\n");
    cli_help_store(out, "--store URI", 16, "the store to read", 1);
    fprintf(out, "  --dataset D   only this dataset (production or consumption; default: every\n"
                 "                dataset)\n"
                 "  --json        one JSON object for machines (see docs/IMPORT.md)\n"
                 "  -h, --help    this text\n");
}

/* An Oslo time to the minute, "2021-10-31 02:00" (the table's columns are
 * Oslo time; the JSON has the offsets). */
static void short_time(int64_t t, int have, char *out, size_t n)
{
    char iso[TIMEUTIL_ISO_LEN];
    if (!have) {
        snprintf(out, n, "unknown");
        return;
    }
    timeutil_format_oslo(t, iso);
    snprintf(out, n, "%.10s %.5s", iso, iso + 11);
}

/* The width of a table line is at most 100 columns for names of up to 4
 * (area) and 9 (group) characters. */
#define ROW_FMT "%-4s %-9s %7s  %-16s  %-16s %8s  %-16s %11s\n"
#define YEAR_FMT "%-9s %6s %10s %10s %13s\n"

/* Appends "2022" or "2022-2024" for the years a..z to out. */
static void years_text(int a, int z, char *out, size_t n)
{
    if (a == z)
        snprintf(out, n, "%d", a);
    else
        snprintf(out, n, "%d-%d", a, z);
}

/* The per-year lines of a dataset: rows, series with rows, hours missing
 * inside the year (for each series, within its first..last) and the total;
 * runs of years without a row between are named as uncovered. */
static void print_years(const struct query_dataset_overview *d)
{
    char rows[32], miss[32], val[48], nser[24], yr[32];
    printf("\n" YEAR_FMT, "year", "series", "rows", "missing", "total");
    for (size_t k = 0; k < d->nyears; k++) {
        const struct query_year_total *t = &d->year_totals[k];
        int y = t->year;
        if (k && d->years[k - 1] + 1 < y) {
            years_text(d->years[k - 1] + 1, y - 1, yr, sizeof yr);
            printf("%-9s no rows: uncovered, not counted as missing\n", yr);
        }
        snprintf(yr, sizeof yr, "%d", y);
        snprintf(nser, sizeof nser, "%zu", t->series);
        present_format_count(t->hours, rows, sizeof rows);
        present_format_count(t->missing, miss, sizeof miss);
        present_format_value(t->value, d->ds->unit, PRESENT_ENERGY, val, sizeof val);
        printf(YEAR_FMT, yr, nser, rows, miss, val);
    }
}

/* Weather (a dataset with variables, each in its own unit): per location
 * and variable the rows, first and last hour, missing hours and the mean
 * (a sum of temperatures means nothing); then each location's place and
 * the grid cell its answers came from (weather/place.h). At most 98
 * columns for location keys of up to 16 characters. */
#define WX_FMT "%-16s %-18s %7s  %-16s  %-16s %7s %10s\n"

static int print_weather(struct store *s, const struct query_dataset_overview *d)
{
    char first[24], last[24], rows[32], miss[32], mean[48];
    struct query_location *l = NULL;
    size_t nl = 0;
    struct err e = {0};

    if (query_locations(s, d, &l, &nl, &e) < 0)
        return cli_fail(&e);
    printf("\n%s (%s)\n", d->ds->name, source_of(d->ds) ? source_of(d->ds)->title : "");
    printf(WX_FMT, d->ds->area_col, d->ds->group_col, "rows", "first hour", "last hour", "missing",
           "mean");
    for (size_t i = 0; i < d->nseries; i++) {
        const struct query_series_info *m = &d->series[i];
        const char *unit = dataset_group_unit(d->ds, m->group);
        short_time(m->first, 1, first, sizeof first);
        short_time(m->last, 1, last, sizeof last);
        present_format_count(m->hours, rows, sizeof rows);
        present_format_count(m->missing_in_years, miss, sizeof miss);
        snprintf(mean, sizeof mean, "%.2f %s", m->mean, unit ? unit : "");
        printf(WX_FMT, m->area, m->group, rows, first, last, miss, mean);
    }
    for (size_t i = 0; i < nl; i++) {
        printf("%s: %s", l[i].location, l[i].name ? l[i].name : "the point");
        if (l[i].known)
            printf(" %.4f, %.4f", l[i].lat, l[i].lon);
        if (l[i].has_cell) {
            printf("; ERA5 grid cell %.4g, %.4g", l[i].cell_lat, l[i].cell_lon);
            if (!isnan(l[i].cell_elev))
                printf(", %.0f m", l[i].cell_elev);
        }
        printf("\n");
    }
    free(l);
    return 0;
}

static int print_table(struct store *st, const char *store, const struct query_overview *o)
{
    printf("store %s (times in Oslo time)\n", store);
    for (size_t k = 0; k < o->n; k++) {
        const struct query_dataset_overview *d = &o->d[k];
        char first[24], last[24], upd[24], rows[32], miss[32], val[48];
        if (!d->nseries)
            continue;
        if (d->ds->vars) {
            if (print_weather(st, d) != 0)
                return -1;
            continue;
        }
        printf("\n%s\n", d->ds->name);
        printf(ROW_FMT, "area", "group", "rows", "first hour", "last hour", "missing",
               "newest update", "total");
        for (size_t i = 0; i < d->nseries; i++) {
            const struct query_series_info *m = &d->series[i];
            short_time(m->first, 1, first, sizeof first);
            short_time(m->last, 1, last, sizeof last);
            short_time(m->updated, m->updated != 0, upd, sizeof upd);
            present_format_count(m->hours, rows, sizeof rows);
            present_format_count(m->missing_in_years, miss, sizeof miss);
            present_format_value(m->value, d->ds->unit, PRESENT_ENERGY, val, sizeof val);
            printf(ROW_FMT, m->area, m->group, rows, first, last, miss, upd, val);
        }
        short_time(d->first, 1, first, sizeof first);
        short_time(d->last, 1, last, sizeof last);
        present_format_count(d->hours, rows, sizeof rows);
        present_format_count(d->missing_in_years, miss, sizeof miss);
        present_format_value(d->value, d->ds->unit, PRESENT_ENERGY, val, sizeof val);
        printf(ROW_FMT, "all", "", rows, first, last, miss, "", val);
        print_years(d);
    }
    return 0;
}

/* The JSON of `status --json` (shape: docs/IMPORT.md). Sums are rounded
 * to the data's own precision (present_round: 3 decimals of kWh), so an
 * exact sum of binary values does not show as 833413.1599999999. */
static int print_json(struct store *st, const char *store, const struct query_overview *o)
{
    struct buf b;
    struct json j;
    int rc;

    buf_init(&b, LIMIT_HTTP_RESPONSE);
    json_init(&j, &b);
    json_obj(&j);
    json_kstr(&j, "store", store);
    json_kbool(&j, "empty", o->hours == 0);
    json_key(&j, "datasets");
    json_arr(&j);
    for (size_t k = 0; k < o->n; k++) {
        const struct query_dataset_overview *d = &o->d[k];
        json_obj(&j);
        json_kstr(&j, "dataset", d->ds->name);
        json_kint(&j, "rows", d->hours);
        json_kint(&j, "series_count", (int64_t)d->nseries);
        json_kint(&j, "missing_hours", d->missing);
        json_kint(&j, "missing_in_years", d->missing_in_years);
        json_key(&j, "uncovered_years");
        json_arr(&j);
        for (size_t y = 1; y < d->nyears; y++)
            for (int u = d->years[y - 1] + 1; u < d->years[y]; u++)
                json_int(&j, u);
        json_arr_end(&j);
        if (!d->ds->vars)
            json_knum(&j, "kwh", present_round(d->value));
        json_key(&j, "first");
        json_time_or_null(&j, d->first, d->nseries > 0);
        json_key(&j, "last");
        json_time_or_null(&j, d->last, d->nseries > 0);
        json_key(&j, "series");
        json_arr(&j);
        for (size_t i = 0; i < d->nseries; i++) {
            const struct query_series_info *m = &d->series[i];
            json_obj(&j);
            json_kstr(&j, "area", m->area);
            json_kstr(&j, "group", m->group);
            json_kint(&j, "rows", m->hours);
            json_ktime(&j, "first", m->first);
            json_ktime(&j, "last", m->last);
            json_kint(&j, "missing_hours", m->missing);
            json_kint(&j, "missing_in_years", m->missing_in_years);
            json_key(&j, "uncovered_years");
            json_arr(&j);
            for (size_t y = 1; y < m->nyears; y++)
                for (int u = m->years[y - 1].year + 1; u < m->years[y].year; u++)
                    json_int(&j, u);
            json_arr_end(&j);
            json_key(&j, "newest_update");
            json_time_or_null(&j, m->updated, m->updated != 0);
            if (d->ds->vars) {
                /* Weather: the mean in the variable's unit (a sum of
                 * temperatures means nothing). */
                query_series_mean_json(&j, d->ds, m);
            } else {
                json_knum(&j, "kwh", present_round(m->value));
            }
            json_key(&j, "years");
            json_arr(&j);
            for (size_t y = 0; y < m->nyears; y++) {
                json_obj(&j);
                json_kint(&j, "year", m->years[y].year);
                json_kint(&j, "rows", m->years[y].hours);
                json_kint(&j, "missing_hours", m->years[y].missing);
                if (!d->ds->vars)
                    json_knum(&j, "kwh", present_round(m->years[y].value));
                json_obj_end(&j);
            }
            json_arr_end(&j);
            json_obj_end(&j);
        }
        json_arr_end(&j);
        if (d->ds->vars) {
            struct query_location *l = NULL;
            size_t nl = 0;
            struct err e = {0};
            if (query_locations(st, d, &l, &nl, &e) < 0) {
                log_error("%s", e.msg);
                buf_release(&b);
                return -1;
            }
            query_locations_json(&j, l, nl);
            free(l);
        }
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_obj_end(&j);
    rc = json_finish(&j) < 0 || buf_puts(&b, "\n") < 0 ? -1 : 0;
    if (rc < 0)
        log_error("status JSON larger than %u bytes", LIMIT_HTTP_RESPONSE);
    else
        fwrite(b.p, 1, b.len, stdout);
    buf_release(&b);
    return rc;
}

int cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {{"store", required_argument, NULL, 's'},
                                         {"dataset", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const struct dataset *only = NULL;
    const char *uri = NULL;
    struct store *s = NULL;
    struct query_overview o;
    struct err e = {0};
    int c, json = 0, ret = CLI_FAIL;

    memset(&o, 0, sizeof o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            uri = optarg;
            break;
        case 'd':
            if (!(only = cli_dataset("status", optarg)))
                return CLI_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            help(stdout);
            return CLI_OK;
        default:
            return cli_bad_option("status", c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage("status", "unexpected argument \"%s\"", argv[optind]);
    if ((ret = cli_open_store(uri, STORE_READ, &s)) != 0)
        return ret;
    ret = CLI_FAIL;
    if (query_overview(s, only, &o, &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    for (size_t k = 0; k < o.n; k++)
        if (query_series_means(s, &o.d[k], &e) < 0) {
            ret = cli_fail(&e);
            goto out;
        }
    if (json) {
        if (print_json(s, store_uri_safe(s), &o) < 0)
            goto out;
    } else if (o.hours == 0) {
        printf("The store %s holds no %s rows yet.\n"
               "Fill it with the bundled real data:  elhub import --store %s data/elhub/*.gz\n"
               "or from the Elhub API:  elhub fetch --dataset production --from 2024-01 --to "
               "2024-12 --store %s\n",
               store_uri_safe(s), only ? only->name : "data", store_uri_safe(s), store_uri_safe(s));
    } else {
        if (print_table(s, store_uri_safe(s), &o) < 0)
            goto out;
    }
    /* Output that did not reach its destination is a failure (a full disk,
     * a closed pipe), not a success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        log_error("writing the status to standard output failed: %s",
                  strerror(errno ? errno : EIO));
        goto out;
    }
    ret = CLI_OK;
out:
    query_overview_release(&o);
    store_free(s);
    return ret;
}
