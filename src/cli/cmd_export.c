/* cmd_export: `elhub export` writes stored rows as CSV (the seed's
 * lower-case columns) or as a JSON array of API-style records, streaming
 * from store_scan. With -o the output goes to a temporary file that is
 * renamed into place only when complete. */
#include "cli/cli.h"
#include "elhub/names.h"

#include "buf.h"
#include "log.h"
#include "mem.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum format { FMT_CSV, FMT_JSON };

struct out {
    FILE *f;
    const struct dataset *ds;
    enum format fmt;
    size_t rows;
    struct buf scratch; /* JSON escaping */
};

static void help(FILE *out)
{
    fprintf(out,
            "Usage: elhub export --dataset D [--area A] [--group G] [--from DATE] [--to DATE]\n"
            "                    [--format csv|json] [--store URI] [-o FILE]\n"
            "\n"
            "Writes stored rows in time order. DATE is YYYY-MM or YYYY-MM-DD in Oslo time;\n"
            "both ends are inclusive (--to 2021-12 means up to the end of December).\n"
            "\n"
            "csv (default): header pricearea,productiongroup,starttime,endtime,quantitykwh,\n"
            "  lastupdatedtime (consumption: consumptiongroup, and meteringpointcount last);\n"
            "  times as the API writes them (2021-10-31T02:00:00+01:00), values without loss,\n"
            "  empty lastupdatedtime / meteringpointcount when unknown.\n"
            "json: an array of records with the API's keys (priceArea, productionGroup,\n"
            "  startTime, endTime, quantityKwh, lastUpdatedTime, meteringPointCount); keys\n"
            "  whose value is unknown are left out. `elhub import` reads both back.\n"
            "\n"
            "Options:\n"
            "  --dataset D   production or consumption (required)\n"
            "  --area A      one price area (NO1..NO5)\n"
            "  --group G     one group (hydro, wind, cabin, ...)\n"
            "  --from DATE   first Oslo day (or month) to include\n"
            "  --to DATE     last Oslo day (or month) to include\n"
            "  --format F    csv or json (default csv)\n"
            "  --store URI   sqlite:PATH (default $ELHUB_STORE, else sqlite:elhub.db)\n"
            "  -o FILE       write to FILE (atomically) instead of standard output\n"
            "  -h, --help    this text\n");
}

/* Writes s as a CSV field, quoted if it holds a comma, quote or newline. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const char *json_str(struct out *o, const char *s)
{
    buf_reset(&o->scratch);
    if (buf_json_escape(&o->scratch, s) < 0)
        return "";
    return o->scratch.p ? o->scratch.p : "";
}

static int write_row(const struct record *r, void *ctx)
{
    struct out *o = ctx;
    char start[TIMEUTIL_ISO_LEN], end[TIMEUTIL_ISO_LEN], upd[TIMEUTIL_ISO_LEN] = "", kwh[32];
    int meters = (o->ds->count_col != NULL) && r->count >= 0;

    timeutil_format_oslo(r->start, start);
    timeutil_format_oslo(r->end, end);
    if (r->updated)
        timeutil_format_oslo(r->updated, upd);
    dataset_format_value(r->value, kwh);

    if (o->fmt == FMT_CSV) {
        csv_field(o->f, r->area);
        fputc(',', o->f);
        csv_field(o->f, r->group);
        fprintf(o->f, ",%s,%s,%s,%s", start, end, kwh, upd);
        if ((o->ds->count_col != NULL)) {
            if (meters)
                fprintf(o->f, ",%lld", (long long)r->count);
            else
                fputc(',', o->f);
        }
        fputc('\n', o->f);
    } else {
        /* Keys in the API's (alphabetical) order; the group key sorts either
         * first (consumptionGroup) or after priceArea (productionGroup). */
        int group_first = strcmp(elhub_names(o->ds)->json_group, "endTime") < 0;
        fputs(o->rows ? ",\n{" : "\n{", o->f);
        if (group_first)
            fprintf(o->f, "\"%s\":\"%s\",", elhub_names(o->ds)->json_group, json_str(o, r->group));
        fprintf(o->f, "\"endTime\":\"%s\",", end);
        if (upd[0])
            fprintf(o->f, "\"lastUpdatedTime\":\"%s\",", upd);
        if (meters)
            fprintf(o->f, "\"meteringPointCount\":%lld,", (long long)r->count);
        fprintf(o->f, "\"priceArea\":\"%s\",", json_str(o, r->area));
        if (!group_first)
            fprintf(o->f, "\"%s\":\"%s\",", elhub_names(o->ds)->json_group, json_str(o, r->group));
        fprintf(o->f, "\"quantityKwh\":%s,\"startTime\":\"%s\"}", kwh, start);
    }
    o->rows++;
    return ferror(o->f) ? 1 : 0;
}

/* Parses --from / --to into an instant: the Oslo midnight starting the day
 * or month (from), or ending it (to, inclusive). */
static int parse_bound(const char *arg, int is_to, int64_t *out)
{
    struct err e = {0};
    int y, m, d, has_day;
    if (timeutil_parse_date(arg, &y, &m, &d, &has_day, &e) < 0) {
        cli_usage("export", "%s", e.msg);
        return -1;
    }
    if (is_to) {
        if (has_day)
            d++;
        else
            m++;
    }
    *out = timeutil_oslo_midnight(y, m, d);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dataset", required_argument, NULL, 'd'}, {"area", required_argument, NULL, 'a'},
        {"group", required_argument, NULL, 'g'},   {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},      {"format", required_argument, NULL, 'F'},
        {"store", required_argument, NULL, 's'},   {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    struct out o = {0};
    struct store_query q = {NULL, NULL, NULL, 0, INT64_MIN, INT64_MAX};
    struct record key; /* area/group normalised like imported rows */
    const char *uri = NULL, *path = NULL, *group = NULL;
    char *tmp = NULL;
    struct store *s = NULL;
    struct err e = {0};
    int c, rc, ret = CLI_FAIL;

    memset(&key, 0, sizeof key);
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (!(o.ds = cli_dataset("export", optarg)))
                return CLI_USAGE;
            break;
        case 'a':
            if (record_set_area(&key, optarg, strlen(optarg), &e) < 0)
                return cli_usage("export", "--area: %s", e.msg);
            q.area = key.area;
            break;
        case 'g':
            if (record_set_group(&key, optarg, strlen(optarg), &e) < 0)
                return cli_usage("export", "--group: %s", e.msg);
            group = key.group;
            break;
        case 'f':
            if (parse_bound(optarg, 0, &q.from) < 0)
                return CLI_USAGE;
            break;
        case 't':
            if (parse_bound(optarg, 1, &q.to) < 0)
                return CLI_USAGE;
            break;
        case 'F':
            if (strcmp(optarg, "csv") == 0)
                o.fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                o.fmt = FMT_JSON;
            else
                return cli_usage("export", "--format must be csv or json, not \"%s\"", optarg);
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
            return cli_usage("export", "bad option");
        }
    }
    if (optind < argc)
        return cli_usage("export", "unexpected argument \"%s\"", argv[optind]);
    if (!o.ds)
        return cli_usage("export", "--dataset is required");
    if (q.from >= q.to)
        return cli_usage("export", "--from is after --to");
    q.ds = o.ds;
    if (group) {
        q.groups = &group;
        q.ngroups = 1;
    }
    if (cli_open_store(uri, &s) < 0)
        return CLI_FAIL;

    if (path) {
        size_t n = strlen(path) + 16;
        int fd;
        tmp = xmalloc(n);
        snprintf(tmp, n, "%s.tmpXXXXXX", path);
        fd = mkstemp(tmp);
        if (fd >= 0) {
            /* mkstemp makes 0600; give the file the usual umask-based mode. */
            mode_t mask = umask(0);
            umask(mask);
            fchmod(fd, 0666 & ~mask);
        }
        if (fd < 0 || !(o.f = fdopen(fd, "w"))) {
            err_set(&e, ERR_SYS, errno, "cannot create %s: %s", tmp, strerror(errno));
            if (fd >= 0) {
                close(fd);
                unlink(tmp);
            }
            free(tmp);
            tmp = NULL;
            goto out;
        }
    } else {
        o.f = stdout;
    }
    buf_init(&o.scratch, 4096);

    if (o.fmt == FMT_CSV)
        fprintf(o.f, "pricearea,%s,starttime,endtime,quantitykwh,lastupdatedtime%s\n",
                o.ds->group_col, (o.ds->count_col != NULL) ? ",meteringpointcount" : "");
    else
        fputc('[', o.f);
    rc = store_scan(s, &q, write_row, &o, &e);
    if (rc < 0)
        goto out;
    if (o.fmt == FMT_JSON)
        fputs(o.rows ? "\n]\n" : "]\n", o.f);
    if (rc > 0 || fflush(o.f) != 0 || ferror(o.f)) {
        err_set(&e, ERR_SYS, errno, "writing %s: %s", path ? tmp : "standard output",
                strerror(errno));
        goto out;
    }
    if (path) {
        FILE *f = o.f;
        o.f = NULL;
        if (fsync(fileno(f)) != 0 || fclose(f) != 0) {
            err_set(&e, ERR_SYS, errno, "writing %s: %s", tmp, strerror(errno));
            goto out;
        }
        if (rename(tmp, path) != 0) {
            err_set(&e, ERR_SYS, errno, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
            goto out;
        }
        free(tmp);
        tmp = NULL;
        log_info("%s: %zu %s rows", path, o.rows, o.ds->name);
    }
    ret = CLI_OK;
out:
    if (ret != CLI_OK)
        cli_fail(&e);
    if (o.f && o.f != stdout)
        fclose(o.f);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    buf_release(&o.scratch);
    store_free(s);
    return ret;
}
