/* cmd_export: `elhub export` writes stored rows as CSV (the seed's
 * lower-case columns, through the one CSV writer) or as a JSON array of
 * API-style records, streaming from store_scan. The selection goes through
 * the one selection parser; -o goes through fileout (whole or not at all,
 * symlinks followed, FIFOs and devices written into). */
#include "cli/cli.h"

#include "buf.h"
#include "csv_out.h"
#include "elhub/names.h"
#include "fileout.h"
#include "json.h"
#include "log.h"
#include "query/query.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CMD "export"

enum format { FMT_CSV, FMT_JSON };

struct out {
    FILE *f;
    const struct dataset *ds;
    enum format fmt;
    size_t rows;
    struct csv_out csv;
    struct buf stage; /* the CSV writer's staging buffer / one JSON record */
    /* A dataset with variables (weather) is written wide: one line per
     * location and hour, a column per variable. The line being gathered: */
    char area[LIMIT_NAME];
    int64_t start;
    double vals[16];
    unsigned char have[16];
    int open;
};

static void help(FILE *out)
{
    fprintf(out,
            "Usage: elhub export [--dataset D] [--area A] [--groups G[,G...]] [--from DATE]\n"
            "                    [--to DATE] [--format csv|json] [--store URI] [-o FILE]\n"
            "\n"
            "Writes stored rows in time order. DATE is YYYY-MM or YYYY-MM-DD in Oslo time;\n"
            "both ends are inclusive (--to 2021-12 means up to the end of December).\n"
            "\n"
            "csv (default): header pricearea,productiongroup,starttime,endtime,quantitykwh,\n"
            "  lastupdatedtime (consumption: consumptiongroup, and meteringpointcount last);\n"
            "  times as the API writes them (2021-10-31T02:00:00+01:00), values without loss,\n"
            "  empty lastupdatedtime / meteringpointcount when unknown (RFC 4180 quoting).\n"
            "json: an array of records with the API's keys (priceArea, productionGroup,\n"
            "  startTime, endTime, quantityKwh, lastUpdatedTime, meteringPointCount); keys\n"
            "  whose value is unknown are left out. `elhub import` reads both back.\n"
            "weather: one line (JSON: object) per location and hour, wide:\n"
            "  location,time,temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,\n"
            "  wind_direction_10m (degrees C, mm, m/s, m/s, degrees); a missing value is an\n"
            "  empty cell (JSON null), never 0. --area takes the location (NO5, or a point\n"
            "  key such as 60.3913N_5.3221E).\n"
            "\n"
            "Options:\n"
            "  --dataset D       production (default), consumption or weather\n"
            "  --area A          one price area (NO1..NO5)\n"
            "  --groups G        one group (hydro, wind, cabin, ...) or a comma-separated\n"
            "                    list (--group is the same option)\n"
            "  --from DATE       first Oslo day (or month) to include\n"
            "  --to DATE         last Oslo day (or month) to include\n"
            "  --format F        csv or json (default: from -o's extension .json, else csv)\n");
    cli_help_store(out, "--store URI", 20, "the store to read", 1);
    fprintf(out, "  -o, --output FILE write to FILE (whole or not at all; a symlink's target is\n"
                 "                    replaced, a FIFO or device written into) instead of stdout\n"
                 "  -h, --help        this text\n");
}

/* Writes the JSON element staged in j (one row or one wide line) into the
 * array, after a comma unless it is the first. 0, or 1 on a failure. */
static int put_element(struct out *o, struct json *j)
{
    if (json_finish(j) < 0)
        return 1;
    fputs(o->rows ? ",\n" : "\n", o->f);
    fwrite(o->stage.p, 1, o->stage.len, o->f);
    return ferror(o->f) ? 1 : 0;
}

static int write_row(const struct record *r, void *ctx)
{
    struct out *o = ctx;

    if (o->fmt == FMT_CSV) {
        struct csv_out *w = &o->csv;
        csv_out_text(w, r->area);
        csv_out_text(w, r->group);
        csv_out_time(w, r->start);
        csv_out_time(w, r->end);
        csv_out_num(w, r->value);
        if (r->updated)
            csv_out_time(w, r->updated);
        else
            csv_out_empty(w);
        if (o->ds->count_col) {
            if (r->count >= 0)
                csv_out_int(w, r->count);
            else
                csv_out_empty(w);
        }
        csv_out_row(w);
        if (w->failed)
            return 1;
    } else {
        struct json j;
        buf_reset(&o->stage);
        json_init(&j, &o->stage);
        elhub_record_json(o->ds, r, &j);
        if (put_element(o, &j))
            return 1;
    }
    o->rows++;
    return 0;
}

/* Writes the gathered line of the wide form (if any). 0, or 1 on a write
 * failure. */
static int flush_wide(struct out *o)
{
    if (!o->open)
        return 0;
    o->open = 0;
    if (o->fmt == FMT_CSV) {
        struct csv_out *w = &o->csv;
        csv_out_text(w, o->area);
        csv_out_time(w, o->start);
        for (size_t i = 0; i < o->ds->nvars; i++) {
            if (o->have[i])
                csv_out_num(w, o->vals[i]);
            else
                csv_out_empty(w); /* missing: empty, never 0 */
        }
        csv_out_row(w);
        if (w->failed)
            return 1;
    } else {
        struct json j;
        buf_reset(&o->stage);
        json_init(&j, &o->stage);
        json_obj(&j);
        json_kstr(&j, o->ds->area_col, o->area);
        json_ktime(&j, o->ds->time_col, o->start);
        for (size_t i = 0; i < o->ds->nvars; i++) {
            json_key(&j, o->ds->vars[i].name);
            if (o->have[i])
                json_num(&j, o->vals[i]);
            else
                json_null(&j);
        }
        json_obj_end(&j);
        if (put_element(o, &j))
            return 1;
    }
    o->rows++;
    return 0;
}

/* Rows come in ascending start order, those of one start by area, then
 * group (store_scan): a location's hour is one run of rows. */
static int write_wide(const struct record *r, void *ctx)
{
    struct out *o = ctx;
    if (o->open && (r->start != o->start || strcmp(r->area, o->area) != 0) && flush_wide(o))
        return 1;
    if (!o->open) {
        o->open = 1;
        snprintf(o->area, sizeof o->area, "%s", r->area);
        o->start = r->start;
        memset(o->have, 0, sizeof o->have);
    }
    for (size_t i = 0; i < o->ds->nvars && i < sizeof o->have; i++) {
        if (strcmp(o->ds->vars[i].name, r->group) == 0) {
            o->vals[i] = r->value;
            o->have[i] = 1;
        }
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"dataset", required_argument, NULL, 'd'},
                                         {"area", required_argument, NULL, 'a'},
                                         {"group", required_argument, NULL, 'g'},
                                         {"groups", required_argument, NULL, 'g'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"store", required_argument, NULL, 's'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const unsigned takes =
        SELECT_DATASET | SELECT_AREA | SELECT_GROUPS | SELECT_FROM | SELECT_TO;
    struct out o;
    struct select sel;
    struct store_query q;
    struct fileout fo;
    const char *uri = NULL, *path = NULL, *format = NULL;
    struct store *s = NULL;
    struct err e = {0};
    int c, rc, ret = CLI_FAIL, opened = 0;

    memset(&o, 0, sizeof o);
    select_init(&sel);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        const char *name = NULL;
        switch (c) {
        case 'd':
            name = "dataset";
            break;
        case 'a':
            name = "area";
            break;
        case 'g':
            name = "groups";
            break;
        case 'f':
            name = "from";
            break;
        case 't':
            name = "to";
            break;
        case 'F':
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
        if (name && select_set(&sel, takes, name, optarg, &e) < 0)
            return cli_usage(CMD, "--%s", e.msg);
    }
    if (optind < argc)
        return cli_usage(CMD, "unexpected argument \"%s\"", argv[optind]);
    if (sel.norway)
        return cli_usage(CMD, "--area NO (Norway, every area summed) is for charts; export "
                              "writes each area's rows: leave --area out for every area");
    if (select_finish(&sel, 0, &e) < 0)
        return cli_usage(CMD, "%s", e.msg);
    {
        /* In the order of enum format. */
        static const char *const formats[] = {"csv", "json"};
        int f = cli_output_format(CMD, format, path, formats, 2);
        if (f < 0)
            return CLI_USAGE;
        o.fmt = (enum format)f;
    }
    o.ds = sel.ds;
    if ((ret = cli_open_store(uri, STORE_READ, &s)) != 0)
        return ret;
    ret = CLI_FAIL;
    if (query_check_selection(s, &sel, &e) < 0) {
        ret = cli_fail(&e);
        goto out;
    }
    if (fileout_open(&fo, path ? path : "-", &e) < 0)
        goto fail;
    opened = 1;
    o.f = fo.f;
    buf_init(&o.stage, 1024 * 1024);
    csv_out_init(&o.csv, &o.stage, o.f, "\n");
    if (o.fmt == FMT_CSV && o.ds->vars) {
        csv_out_text(&o.csv, o.ds->area_col);
        csv_out_text(&o.csv, o.ds->time_col);
        for (size_t i = 0; i < o.ds->nvars; i++)
            csv_out_text(&o.csv, o.ds->vars[i].name);
        csv_out_row(&o.csv);
    } else if (o.fmt == FMT_CSV) {
        csv_out_text(&o.csv, o.ds->area_col);
        csv_out_text(&o.csv, o.ds->group_col);
        csv_out_text(&o.csv, o.ds->time_col);
        csv_out_text(&o.csv, o.ds->end_col);
        csv_out_text(&o.csv, o.ds->value_col);
        csv_out_text(&o.csv, o.ds->update_col);
        if (o.ds->count_col)
            csv_out_text(&o.csv, o.ds->count_col);
        csv_out_row(&o.csv);
    } else {
        fputc('[', o.f);
    }
    q = select_query(&sel);
    rc = store_scan(s, &q, o.ds->vars ? write_wide : write_row, &o, &e);
    if (rc < 0)
        goto fail;
    if (rc == 0 && o.ds->vars)
        rc = flush_wide(&o);
    if (o.fmt == FMT_JSON)
        fputs(o.rows ? "\n]\n" : "]\n", o.f);
    errno = 0;
    if (rc > 0 || (o.fmt == FMT_CSV && csv_out_finish(&o.csv) < 0)) {
        int err = errno ? errno : EIO; /* before fileout_abort can change it */
        fileout_abort(&fo);
        opened = 0;
        err_set(&e, ERR_SYS, err, "writing %s failed: %s", path ? path : "standard output",
                strerror(err));
        goto fail;
    }
    opened = 0;
    if (fileout_commit(&fo, &e) < 0)
        goto fail;
    if (path)
        log_info("%s: %zu %s rows", fo.target, o.rows, o.ds->name);
    ret = CLI_OK;
    goto out;
fail:
    ret = cli_fail(&e);
out:
    if (opened)
        fileout_abort(&fo);
    buf_release(&o.stage);
    store_free(s);
    return ret;
}