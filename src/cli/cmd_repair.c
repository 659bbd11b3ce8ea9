/* cmd_repair: `elhub repair` rebuilds a store's day and month rollups from
 * its rows: for a store whose tables another tool changed, or after a
 * failed write on a backend without transactions. */
#include "cli/cli.h"

#include "log.h"

#include <getopt.h>
#include <stdio.h>

static void help(FILE *out)
{
    fprintf(out, "Usage: elhub repair [--store URI]\n"
                 "\n"
                 "Rebuilds the per-day and per-month rollups of every dataset from the stored\n"
                 "rows. Every elhub command keeps them exact by itself; run this after another\n"
                 "tool changed the row tables directly (a DELETE in sqlite3, say), or once a\n"
                 "failed write to Cassandra or MongoDB could not be rerun.\n"
                 "\n"
                 "Options:\n");
    cli_help_store(out, "--store URI", 16, "the store to repair", 1);
    fprintf(out, "  -q, --quiet   no progress messages\n"
                 "  -h, --help    this text\n");
}

int cmd_repair(int argc, char **argv)
{
    static const struct option opts[] = {{"store", required_argument, NULL, 's'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *uri = NULL;
    struct store *s = NULL;
    struct err e = {0};
    int c, rc;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            uri = optarg;
            break;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'h':
            help(stdout);
            return CLI_OK;
        default:
            return cli_bad_option("repair", c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage("repair", "unexpected argument \"%s\"", argv[optind]);
    if ((rc = cli_open_store(uri, STORE_WRITE, &s)) != 0)
        return rc;
    rc = store_rebuild_rollups(s, &e) < 0 ? cli_fail(&e) : CLI_OK;
    if (rc == CLI_OK)
        log_info("%s: rollups rebuilt from the rows", store_uri_safe(s));
    store_free(s);
    return rc;
}
