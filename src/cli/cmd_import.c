/* cmd_import: `elhub import [--dataset D] [--store URI] FILE...`. Imports
 * each file all or nothing (import/import.h), reports what each held, and
 * goes on with the next file after a rejected one. */
#include "cli/cli.h"
#include "timeutil.h"

#include "import/import.h"
#include "log.h"
#include "source/source.h"

#include <string.h>

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
            "  --dataset D   production, consumption or weather (default: from the file)\n"
            "Weather files (Open-Meteo JSON or CSV, with or without the metadata lines):\n"
            "  --location A  the location the file is for: a price area (NO1-NO5, its city)\n"
            "                or a point key (60.3913N_5.3221E); --area is the same option.\n"
            "                Without it, a file that names its grid cell is kept at the\n"
            "                cell's point; one that does not is refused.\n"
            "  --lat X --lon Y  the point the file is for instead (decimal degrees)\n"
            "  --utc-offset +HH:MM  how to read times written without an offset, for a file\n"
            "                that does not say (the course's CSV: +00:00; the Bergen file\n"
            "                fetched with timezone=Europe/Oslo: +01:00); else it is refused\n"
            "  --wind-unit ms|kmh  the unit of wind columns whose header names none\n");
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

/* "+01:00", "-02:30", "+00:00" or "Z" -> seconds east of UTC. */
static int parse_offset(const char *s, int *out)
{
    int h, m;
    if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0) {
        *out = 0;
        return 0;
    }
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || s[1] < '0' || s[1] > '9' ||
        s[2] < '0' || s[2] > '9' || s[4] < '0' || s[4] > '5' || s[5] < '0' || s[5] > '9')
        return -1;
    h = (s[1] - '0') * 10 + (s[2] - '0');
    m = (s[4] - '0') * 10 + (s[5] - '0');
    if (h > 18)
        return -1;
    *out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"dataset", required_argument, NULL, 'd'},
                                         {"store", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"location", required_argument, NULL, 'l'},
                                         {"area", required_argument, NULL, 'l'},
                                         {"lat", required_argument, NULL, 'L'},
                                         {"lon", required_argument, NULL, 'O'},
                                         {"utc-offset", required_argument, NULL, 'u'},
                                         {"wind-unit", required_argument, NULL, 'w'},
                                         {NULL, 0, NULL, 0}};
    const struct dataset *ds = NULL;
    const char *uri = NULL, *location = NULL, *lat = NULL, *lon = NULL;
    struct source_opts so;
    struct err pe = {0};
    struct store *s = NULL;
    int c, failed = 0;

    memset(&so, 0, sizeof so);
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
        case 'l':
            location = optarg;
            break;
        case 'L':
            lat = optarg;
            break;
        case 'O':
            lon = optarg;
            break;
        case 'u':
            if (parse_offset(optarg, &so.utc_offset_s) < 0)
                return cli_usage("import",
                                 "--utc-offset \"%s\": expected +HH:MM or -HH:MM (+01:00, "
                                 "+00:00)",
                                 optarg);
            so.has_utc_offset = 1;
            break;
        case 'w':
            if (strcmp(optarg, "ms") != 0 && strcmp(optarg, "kmh") != 0)
                return cli_usage("import", "--wind-unit \"%s\": expected ms or kmh", optarg);
            so.wind_unit = optarg;
            break;
        default:
            return cli_bad_option("import", c, argv, opts);
        }
    }
    if (optind >= argc)
        return cli_usage("import", "no FILE given (use '-' for standard input)");
    /* What the user said about the files' place and times is for sources
     * whose files need it (weather). */
    if (location || lat || lon) {
        const struct source_ops *src = source_find("openmeteo");
        if (ds && !(source_of(ds) && source_of(ds)->place))
            return cli_usage("import", "--location, --lat and --lon are for --dataset weather");
        if (src->place(location, lat, lon, &so.place, &pe) < 0)
            return cli_usage("import", "%s", pe.msg);
    }
    {
        int orc = cli_open_store(uri, STORE_WRITE, &s);
        if (orc)
            return orc;
    }

    for (int i = optind; i < argc; i++) {
        struct import_report r;
        struct err e = {0};
        if (import_file(s, argv[i], ds, &so, &r, &e) < 0) {
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
