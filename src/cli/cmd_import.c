/* cmd_import: `elhub import [--dataset D] [--store URI] FILE...`. Imports
 * each file all or nothing (import/import.h), reports what each held, and
 * goes on with the next file after a rejected one. */
#include "cli/cli.h"
#include "timeutil.h"

#include "import/import.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>

static void help(FILE *out)
{
    fprintf(out,
            "Usage: elhub import [--dataset D] [--store URI] [-q|-v] FILE...\n"
            "\n"
            "Loads saved Elhub data into a store. Each FILE is an API JSON response, a JSON\n"
            "array of records, or a CSV file; gzip-compressed files are read as is, and '-'\n"
            "reads standard input. The format and the compression are told from the content.\n"
            "\n"
            "CSV: any column order; the seed's lower-case names (pricearea, productiongroup,\n"
            "starttime, endtime, quantitykwh, lastupdatedtime) or the API's camelCase\n"
            "(priceArea, productionGroup/consumptionGroup, startTime, ...); extra columns are\n"
            "ignored. Times need a UTC offset ('+01:00', '+00:00' or 'Z'; 'T' or a space).\n"
            "See docs/IMPORT.md for every accepted variant.\n"
            "\n"
            "Each file is all or nothing: a bad row (reported with its line and reason) or\n"
            "two rows for the same area, group and hour reject the whole file. Other files\n"
            "are still imported. A stored row is replaced only by one whose lastUpdatedTime\n"
            "is not older, so re-importing changes nothing.\n"
            "\n"
            "Options:\n"
            "  --dataset D   production or consumption (default: from the file's group column)\n");
    cli_help_store(out, "--store URI", 16, "the store to write", 1);
    fprintf(out, "  -q, --quiet   no per-file report, errors only\n"
                 "  -v, --verbose more detail\n"
                 "  -h, --help    this text\n"
                 "\n"
                 "Exit status: 0 all files imported, 1 a file was rejected or the store failed,\n"
                 "2 bad usage.\n");
}

static void report(const char *path, const struct import_report *r)
{
    char first[TIMEUTIL_ISO_LEN] = "-", last[TIMEUTIL_ISO_LEN] = "-";
    if (r->rows) {
        timeutil_format_oslo(r->first, first);
        timeutil_format_oslo(r->last, last);
    }
    printf("%s: %zu %s rows (%s%s), %zu series, areas %s, %s .. %s\n", path, r->rows, r->ds->name,
           r->format, r->gzip ? ", gzip" : "", r->series, r->areas[0] ? r->areas : "-", first,
           last);
    if (r->float32)
        log_warn("%s: values come from quantityKwhFloat32, rounded to float32 (about 7 "
                 "significant digits)",
                 path);
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dataset", required_argument, NULL, 'd'}, {"store", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},          {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},       {NULL, 0, NULL, 0}};
    const struct dataset *ds = NULL;
    const char *uri = NULL;
    struct store *s = NULL;
    int c, failed = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (!(ds = cli_dataset("import", optarg)))
                return CLI_USAGE;
            break;
        case 's':
            uri = optarg;
            break;
        case 'h':
            help(stdout);
            return CLI_OK;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'v':
            log_set_level(LOG_VERBOSE);
            break;
        default:
            return cli_bad_option("import", c, argv, opts);
        }
    }
    if (optind >= argc)
        return cli_usage("import", "no FILE given (use '-' for standard input)");
    {
        int orc = cli_open_store(uri, STORE_WRITE, &s);
        if (orc)
            return orc;
    }

    for (int i = optind; i < argc; i++) {
        struct import_report r;
        struct err e = {0};
        if (import_file(s, argv[i], ds, NULL, &r, &e) < 0) {
            log_error("%s", e.msg);
            if (r.stored)
                log_error("%s: failed part-way: rows 1-%zu of its %zu are stored, the others may "
                          "be in part (this store has no transactions); rerun the import to "
                          "complete it",
                          argv[i], r.stored, r.total);
            else
                log_error("%s: rejected, nothing from it was stored", argv[i]);
            failed++;
            continue;
        }
        if (log_get_level() != LOG_QUIET)
            report(argv[i], &r);
    }
    store_free(s);
    if (failed && argc - optind > 1)
        log_error("%d of %d files rejected", failed, argc - optind);
    return failed ? CLI_FAIL : CLI_OK;
}
