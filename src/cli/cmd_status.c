/* cmd_status: `elhub status` shows what a store holds per dataset x area x
 * group (rows, first and last hour, missing hours inside that range, newest
 * lastUpdatedTime, the sum) with totals per dataset, as a table or as JSON
 * (the shape is documented in docs/IMPORT.md). The numbers are the read
 * model's overview (query_overview); this file only formats them. */
#include "cli/cli.h"

#include "buf.h"
#include "json.h"
#include "log.h"
#include "query/query.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fprintf(out, "Usage: elhub status [--store URI] [--dataset D] [--json]\n"
                 "\n"
                 "Shows, per dataset, price area and group: rows, the first and last hour (Oslo\n"
                 "time, as the API writes it), the hours missing between them, the newest\n"
                 "lastUpdatedTime and the total kWh; then a total per dataset.\n"
                 "\n"
                 "Options:\n"
                 "  --store URI   sqlite:PATH (default $ELHUB_STORE, else sqlite:elhub.db)\n"
                 "  --dataset D   only this dataset (production or consumption)\n"
                 "  --json        one JSON object for machines (see docs/IMPORT.md)\n"
                 "  -h, --help    this text\n");
}

static void iso_or(int64_t t, int have, char *out, const char *none)
{
    if (have)
        timeutil_format_oslo(t, out);
    else
        snprintf(out, TIMEUTIL_ISO_LEN, "%s", none);
}

#define ROW_FMT "%-5s %-10s %7s  %-25s  %-25s  %7s  %-25s  %20s\n"

static void print_table(const char *store, const struct query_overview *o)
{
    for (size_t k = 0; k < o->n; k++) {
        const struct query_dataset_overview *d = &o->d[k];
        char first[TIMEUTIL_ISO_LEN], last[TIMEUTIL_ISO_LEN], upd[TIMEUTIL_ISO_LEN];
        char rows[24], miss[24], kwh[32];
        if (!d->nseries)
            continue;
        printf("%s%s in %s\n", k ? "\n" : "", d->ds->name, store);
        printf(ROW_FMT, "area", "group", "rows", "first hour", "last hour", "missing",
               "newest lastUpdatedTime", d->ds->unit);
        for (size_t i = 0; i < d->nseries; i++) {
            const struct query_series_info *m = &d->series[i];
            iso_or(m->first, 1, first, "");
            iso_or(m->last, 1, last, "");
            iso_or(m->updated, m->updated != 0, upd, "unknown");
            snprintf(rows, sizeof rows, "%lld", (long long)m->hours);
            snprintf(miss, sizeof miss, "%lld", (long long)m->missing);
            snprintf(kwh, sizeof kwh, "%.3f", m->value);
            printf(ROW_FMT, m->area, m->group, rows, first, last, miss, upd, kwh);
        }
        iso_or(d->first, 1, first, "");
        iso_or(d->last, 1, last, "");
        snprintf(rows, sizeof rows, "%lld", (long long)d->hours);
        snprintf(miss, sizeof miss, "%lld", (long long)d->missing);
        snprintf(kwh, sizeof kwh, "%.3f", d->value);
        printf(ROW_FMT, "total", "", rows, first, last, miss, "", kwh);
    }
}

/* The JSON of `status --json` (shape: docs/IMPORT.md). */
static int print_json(const char *store, const struct query_overview *o)
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
        json_knum(&j, "kwh", d->value);
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
            json_key(&j, "newest_update");
            json_time_or_null(&j, m->updated, m->updated != 0);
            json_knum(&j, "kwh", m->value);
            json_obj_end(&j);
        }
        json_arr_end(&j);
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
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
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
            return cli_usage("status", "bad option");
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
    if (json) {
        if (print_json(store_uri_safe(s), &o) < 0)
            goto out;
    } else if (o.hours == 0) {
        printf("The store %s holds no %s rows yet.\n"
               "Fill it with the bundled real data:  elhub import --store %s data/elhub/*.gz\n"
               "or from the Elhub API:  elhub fetch --dataset production --from 2024-01 --to "
               "2024-12 --store %s\n",
               store_uri_safe(s), only ? only->name : "data", store_uri_safe(s), store_uri_safe(s));
    } else {
        print_table(store_uri_safe(s), &o);
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
