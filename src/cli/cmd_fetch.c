/* cmd_fetch: `elhub fetch` - options, then month windows (elhub/window) fed
 * to the API client (elhub/fetch), then a summary. */
#include "cli/cli.h"
#include "timeutil.h"

#include "elhub/fetch.h"
#include "elhub/window.h"
#include "caps.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    printf("Usage: elhub fetch --dataset production|consumption --from YYYY-MM[-DD]\n"
           "                   --to YYYY-MM[-DD] [OPTIONS]\n\n"
           "Downloads hourly values per price area (NO1-NO5) and group from the Elhub\n"
           "Energy Data API into a store, one request per calendar month.\n\n"
           "  --dataset D      production or consumption\n"
           "  --from DATE      first Oslo day (a month means its 1st)\n"
           "  --to DATE        last Oslo day, inclusive (a month means its last day)\n"
           "  --store URI      sqlite:PATH (default $ELHUB_STORE, else sqlite:elhub.db)\n"
           "  --api-url URL    API base (default %s)\n"
           "  --jobs N         requests in flight, 1-%d (default 3)\n"
           "  --refresh        fetch months again even if already stored; revised values\n"
           "                   (newer lastUpdatedTime) replace the stored ones\n"
           "  -q, --quiet      only errors\n"
           "  -v, --verbose    every request and retry\n"
           "  -h, --help       this text\n\n"
           "A month is stored whole or not at all. A rerun skips months already stored,\n"
           "except the last %d days, which Elhub still revises. Failed requests (429,\n"
           "5xx, timeouts, cut bodies) are retried with backoff; months that still fail\n"
           "are listed at the end and the exit status is 1.\n\n"
           "Example: elhub fetch --dataset production --from 2021-01 --to 2021-12\n"
           "Data: Elhub, licensed CC BY 4.0.\n",
           ELHUB_FETCH_DEFAULT_URL, LIMIT_FETCH_JOBS, ELHUB_REVISION_DAYS);
}

int cmd_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {{"dataset", required_argument, NULL, 'd'},
                                             {"from", required_argument, NULL, 'f'},
                                             {"to", required_argument, NULL, 't'},
                                             {"store", required_argument, NULL, 's'},
                                             {"api-url", required_argument, NULL, 'a'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"refresh", no_argument, NULL, 'r'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dataset = NULL, *from = NULL, *to = NULL, *store_uri = NULL;
    struct elhub_fetch_opts o = {0};
    struct elhub_fetch_result res = {0};
    struct elhub_window *w = NULL;
    struct store *st = NULL;
    struct err e = {0};
    size_t n = 0;
    int c, rc = CLI_FAIL;
    char *end;

    o.api_url = ELHUB_FETCH_DEFAULT_URL;
    o.jobs = 3;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dataset = optarg;
            break;
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 's':
            store_uri = optarg;
            break;
        case 'a':
            o.api_url = optarg;
            break;
        case 'j':
            o.jobs = (int)strtol(optarg, &end, 10);
            if (*end || o.jobs < 1 || o.jobs > LIMIT_FETCH_JOBS)
                return cli_usage("fetch", "--jobs %s: expected 1..%d", optarg, LIMIT_FETCH_JOBS);
            break;
        case 'r':
            o.refresh = 1;
            break;
        case 'q':
            log_set_level(LOG_QUIET);
            break;
        case 'v':
            log_set_level(LOG_VERBOSE);
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_usage("fetch", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage("fetch", "unexpected argument \"%s\"", argv[optind]);
    if (!dataset || !from || !to)
        return cli_usage("fetch", "--dataset, --from and --to are required");
    o.ds = cli_dataset("fetch", dataset);
    if (!o.ds)
        return CLI_USAGE;
    if (strncmp(o.api_url, "http://", 7) != 0 && strncmp(o.api_url, "https://", 8) != 0)
        return cli_usage("fetch", "--api-url \"%s\" must start with http:// or https://",
                         o.api_url);
    if (elhub_window_split(from, to, &w, &n, &e) < 0)
        return cli_usage("fetch", "%s", e.msg);
    o.progress = isatty(STDERR_FILENO) && log_get_level() == LOG_NORMAL;

    if (cli_open_store(store_uri, STORE_WRITE, &st) != 0)
        goto out;
    log_debug("fetch %s %s..%s: %zu months into %s", o.ds->name, from, to, n, store_uri_safe(st));
    if (elhub_fetch_run(st, &o, w, n, &res, &e) < 0) {
        if (res.failed) {
            char list[1024] = "";
            size_t used = 0;
            for (size_t i = 0; i < res.failed; i++) {
                int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 res.failed_windows[i]->key);
                if (k < 0 || (size_t)k >= sizeof list - used)
                    break;
                used += (size_t)k;
            }
            log_error("%zu of %zu months failed: %s (the other months are stored; rerun to "
                      "retry the failed ones)",
                      res.failed, n, list);
        } else {
            cli_fail(&e);
        }
    } else {
        rc = CLI_OK;
    }
    log_info("%s: %zu months fetched, %zu already stored, %zu failed; %zu rows in %.1f s "
             "(%.0f rows/s, %zu retries)",
             o.ds->name, res.fetched, res.skipped, res.failed, res.rows, res.seconds,
             res.seconds > 0 ? (double)res.rows / res.seconds : 0.0, res.retries);
out:
    elhub_fetch_result_release(&res);
    store_free(st);
    free(w);
    return rc;
}
