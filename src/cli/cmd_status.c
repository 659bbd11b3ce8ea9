/* cmd_status: `elhub status` shows what a store holds per dataset x area x
 * group (rows, first and last hour, missing hours inside that range, newest
 * lastUpdatedTime, kWh) with totals per dataset, as a table or as JSON (the
 * shape is documented in docs/IMPORT.md). */
#include "cli/cli.h"

#include "buf.h"

#include <getopt.h>
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

/* Hours in [first, last] that have no row, in absolute time (so DST days
 * count 23 or 25 hours). */
static int64_t missing_hours(const struct store_summary *m)
{
    return (m->last - m->first) / 3600 + 1 - m->rows;
}

struct ds_status {
    const struct dataset *ds;
    struct store_summary *sum; /* owned (free) */
    size_t n;
    int64_t rows, missing, first, last;
    double value;
};

static void totals(struct ds_status *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct store_summary *m = &d->sum[i];
        d->rows += m->rows;
        d->value += m->value;
        d->missing += missing_hours(m);
        if (i == 0 || m->first < d->first)
            d->first = m->first;
        if (i == 0 || m->last > d->last)
            d->last = m->last;
    }
}

static void iso_or(int64_t t, int have, char *out, const char *none)
{
    if (have)
        timeutil_format_oslo(t, out);
    else
        snprintf(out, TIMEUTIL_ISO_LEN, "%s", none);
}

#define ROW_FMT "%-5s %-10s %7s  %-25s  %-25s  %7s  %-25s  %20s\n"

static void print_table(const char *store, const struct ds_status *d, size_t nd)
{
    for (size_t k = 0; k < nd; k++) {
        char first[TIMEUTIL_ISO_LEN], last[TIMEUTIL_ISO_LEN], upd[TIMEUTIL_ISO_LEN];
        char rows[24], miss[24], kwh[32];
        if (!d[k].n)
            continue;
        printf("%s%s in %s\n", k ? "\n" : "", d[k].ds->name, store);
        printf(ROW_FMT, "area", "group", "rows", "first hour", "last hour", "missing",
               "newest lastUpdatedTime", "kWh");
        for (size_t i = 0; i < d[k].n; i++) {
            const struct store_summary *m = &d[k].sum[i];
            iso_or(m->first, 1, first, "");
            iso_or(m->last, 1, last, "");
            iso_or(m->newest_update, m->newest_update != 0, upd, "unknown");
            snprintf(rows, sizeof rows, "%lld", (long long)m->rows);
            snprintf(miss, sizeof miss, "%lld", (long long)missing_hours(m));
            snprintf(kwh, sizeof kwh, "%.3f", m->value);
            printf(ROW_FMT, m->area, m->group, rows, first, last, miss, upd, kwh);
        }
        iso_or(d[k].first, 1, first, "");
        iso_or(d[k].last, 1, last, "");
        snprintf(rows, sizeof rows, "%lld", (long long)d[k].rows);
        snprintf(miss, sizeof miss, "%lld", (long long)d[k].missing);
        snprintf(kwh, sizeof kwh, "%.3f", d[k].value);
        printf(ROW_FMT, "total", "", rows, first, last, miss, "", kwh);
    }
}

static void json_time(struct buf *b, const char *key, int64_t t, int have)
{
    char iso[TIMEUTIL_ISO_LEN];
    if (!have) {
        buf_printf(b, "\"%s\":null", key);
        return;
    }
    timeutil_format_oslo(t, iso);
    buf_printf(b, "\"%s\":\"%s\"", key, iso);
}

static int print_json(const char *store, const struct ds_status *d, size_t nd, int empty)
{
    struct buf b;
    char kwh[32];
    int rc = 0;

    buf_init(&b, LIMIT_HTTP_RESPONSE);
    buf_puts(&b, "{\"store\":\"");
    buf_json_escape(&b, store);
    buf_printf(&b, "\",\"empty\":%s,\"datasets\":[", empty ? "true" : "false");
    for (size_t k = 0; k < nd; k++) {
        dataset_format_value(d[k].value, kwh);
        buf_printf(&b, "%s\n{\"dataset\":\"%s\",\"rows\":%lld,\"series_count\":%zu,", k ? "," : "",
                   d[k].ds->name, (long long)d[k].rows, d[k].n);
        buf_printf(&b, "\"missing_hours\":%lld,\"kwh\":%s,", (long long)d[k].missing, kwh);
        json_time(&b, "first", d[k].first, d[k].n > 0);
        buf_puts(&b, ",");
        json_time(&b, "last", d[k].last, d[k].n > 0);
        buf_puts(&b, ",\"series\":[");
        for (size_t i = 0; i < d[k].n; i++) {
            const struct store_summary *m = &d[k].sum[i];
            dataset_format_value(m->value, kwh);
            buf_printf(&b, "%s\n {\"area\":\"", i ? "," : "");
            buf_json_escape(&b, m->area);
            buf_puts(&b, "\",\"group\":\"");
            buf_json_escape(&b, m->group);
            buf_printf(&b, "\",\"rows\":%lld,", (long long)m->rows);
            json_time(&b, "first", m->first, 1);
            buf_puts(&b, ",");
            json_time(&b, "last", m->last, 1);
            buf_printf(&b, ",\"missing_hours\":%lld,", (long long)missing_hours(m));
            json_time(&b, "newest_update", m->newest_update, m->newest_update != 0);
            buf_printf(&b, ",\"kwh\":%s}", kwh);
        }
        buf_puts(&b, "]}");
    }
    if (buf_puts(&b, "\n]}\n") < 0) {
        fprintf(stderr, "elhub: error: status JSON larger than %u bytes\n", LIMIT_HTTP_RESPONSE);
        rc = -1;
    } else {
        fwrite(b.p, 1, b.len, stdout);
    }
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
    struct ds_status d[8];
    const struct dataset *only = NULL;
    const char *uri = NULL;
    struct store *s = NULL;
    struct err e = {0};
    size_t nd = 0;
    int c, json = 0, empty = 1, ret = CLI_FAIL;

    memset(d, 0, sizeof d);
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
    if (cli_open_store(uri, &s) < 0)
        return CLI_FAIL;

    for (size_t i = 0; i < dataset_count && nd < sizeof d / sizeof d[0]; i++) {
        if (only && only != &dataset_all[i])
            continue;
        d[nd].ds = &dataset_all[i];
        if (store_summary(s, d[nd].ds, &d[nd].sum, &d[nd].n, &e) < 0) {
            cli_fail(&e);
            goto out;
        }
        totals(&d[nd]);
        if (d[nd].n)
            empty = 0;
        nd++;
    }

    if (json) {
        if (print_json(s->uri_safe, d, nd, empty) < 0)
            goto out;
    } else if (empty) {
        printf("The store %s holds no %s rows yet.\n"
               "Fill it with the bundled real data:  elhub import --store %s data/elhub/*.gz\n"
               "or from the Elhub API:  elhub fetch --dataset production --from 2024-01 --to "
               "2024-12 --store %s\n",
               s->uri_safe, only ? only->name : "data", s->uri_safe, s->uri_safe);
    } else {
        print_table(s->uri_safe, d, nd);
    }
    ret = CLI_OK;
out:
    for (size_t i = 0; i < nd; i++)
        free(d[i].sum);
    store_free(s);
    return ret;
}
