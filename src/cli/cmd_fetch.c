/* cmd_fetch: `elhub fetch` - options, then the dataset's source plans the
 * windows (source/source.h) that the HTTP engine fetches into the store
 * (fetch/fetch.h), then a summary, also after Ctrl-C. */
#include "cli/cli.h"
#include "timeutil.h"

#include "caps.h"
#include "fetch/fetch.h"
#include "log.h"
#include "source/source.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by the SIGINT/SIGTERM handler, read by the fetch loop: a signal
 * handler can reach nothing but a static flag, so this is the one piece of
 * process-wide state of the command (written once per signal). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void help(void)
{
    const struct source_ops *elhub = source_find("elhub");
    const struct source_ops *om = source_find("openmeteo");
    printf("Usage: elhub fetch [--dataset D] --from YYYY-MM[-DD] --to YYYY-MM[-DD] [OPTIONS]\n"
           "       elhub fetch --dataset weather (--area A | --lat X --lon Y) --from D --to D\n\n"
           "Downloads hourly values per price area (NO1-NO5) and group from the dataset's\n"
           "source (%s) into a store, one request per calendar month.\n"
           "Weather (hourly ERA5: temperature_2m, precipitation, wind_speed_10m,\n"
           "wind_gusts_10m, wind_direction_10m; wind in m/s) comes from\n"
           "%s\n"
           "(default --api-url %s),\n"
           "one request per location and month.\n\n"
           "  --dataset D      production (default), consumption or weather\n"
           "  --area A         weather: a price area, meaning its city (NO1 Oslo,\n"
           "                   NO2 Kristiansand, NO3 Trondheim, NO4 Tromso, NO5 Bergen)\n"
           "  --lat X --lon Y  weather: any point (decimal degrees), kept as the location\n"
           "                   60.3913N_5.3221E (rounded to 4 decimals)\n"
           "  --from DATE      first Oslo day (a month means its 1st)\n"
           "  --to DATE        last Oslo day, inclusive (a month means its last day)\n",
           elhub->title, om->title, om->default_url);
    cli_help_store(stdout, "--store URI", 19, "the store to write", 1);
    printf("  --api-url URL    API base (default %s)\n"
           "  --jobs N         requests in flight, 1-%d (default 3)\n"
           "  --timeout S      seconds one month may take, every retry included\n"
           "                   (default $ELHUB_TIMEOUT_S, else %d)\n"
           "  --refresh        fetch months again even if already stored; revised values\n"
           "                   (newer lastUpdatedTime) replace the stored ones\n"
           "  -q, --quiet      only errors\n"
           "  -v, --verbose    every request and retry\n"
           "  -h, --help       this text\n\n"
           "A month is stored whole or not at all. A rerun skips months already stored,\n"
           "except the last %d days, which Elhub still revises, and months that came back\n"
           "empty. Failed requests (429, 5xx, timeouts, cut bodies) are retried with\n"
           "backoff; months that still fail are listed at the end and the exit status is\n"
           "1. A host that does not resolve ends the run at once. Ctrl-C stops the run,\n"
           "keeps what is stored, prints the summary and exits 130.\n\n"
           "Weather months that ended less than %d days ago are fetched again (ERA5 lags).\n\n"
           "Example: elhub fetch --dataset production --from 2021-01 --to 2021-12\n"
           "         elhub fetch --dataset weather --area NO5 --from 2019-01 --to 2019-12\n"
           "Data: Elhub, licensed CC BY 4.0. Weather data by Open-Meteo.com (ERA5,\n"
           "Copernicus/ECMWF), CC BY 4.0.\n",
           elhub->default_url, LIMIT_FETCH_JOBS, FETCH_DEADLINE_S, elhub->revision_days,
           om->revision_days);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The last line of every run: what was stored. */
static void summary(const struct fetch_opts *o, const struct fetch_result *res)
{
    size_t dropped = res->windows - res->skipped - res->fetched - res->failed;
    char extra[256] = "";
    int n = 0;

    if (res->empty)
        n += snprintf(extra + n, sizeof extra - (size_t)n, " (%zu empty)", res->empty);
    n += snprintf(extra + n, sizeof extra - (size_t)n, ", %zu already stored, %zu failed",
                  res->skipped, res->failed);
    if (dropped && n > 0 && (size_t)n < sizeof extra)
        n += snprintf(extra + n, sizeof extra - (size_t)n, ", %zu not fetched", dropped);
    if (res->repeats && n > 0 && (size_t)n < sizeof extra)
        snprintf(extra + n, sizeof extra - (size_t)n, ", %zu repeated %s dropped", res->repeats,
                 plural(res->repeats, "record", "records"));
    log_info("%s: %zu %s fetched%s; %zu %s in %.1f s (%.0f rows/s, %zu %s)", o->ds->name,
             res->fetched, source_windows(o->src, res->fetched), extra, res->rows,
             plural(res->rows, "row", "rows"), res->seconds,
             res->seconds > 0 ? (double)res->rows / res->seconds : 0.0, res->retries,
             plural(res->retries, "retry", "retries"));
}

static void failed_list(const struct fetch_opts *o, const struct fetch_result *res, size_t n)
{
    char list[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < res->failed; i++) {
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         res->failed_windows[i]->key);
        if (k < 0 || (size_t)k >= sizeof list - used)
            break;
        used += (size_t)k;
    }
    log_error("%zu of %zu %s failed: %s (%s)", res->failed, n, source_windows(o->src, n), list,
              res->failed < n ? "the others are stored; rerun to retry the failed ones"
                              : "rerun to retry");
}

int cmd_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {{"dataset", required_argument, NULL, 'd'},
                                             {"from", required_argument, NULL, 'f'},
                                             {"to", required_argument, NULL, 't'},
                                             {"store", required_argument, NULL, 's'},
                                             {"api-url", required_argument, NULL, 'a'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"refresh", no_argument, NULL, 'r'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"area", required_argument, NULL, 'A'},
                                             {"lat", required_argument, NULL, 'L'},
                                             {"lon", required_argument, NULL, 'O'},
                                             {NULL, 0, NULL, 0}};
    const char *dataset = NULL, *from = NULL, *to = NULL, *store_uri = NULL;
    const char *area = NULL, *lat = NULL, *lon = NULL;
    struct source_place place;
    struct fetch_opts o = {0};
    struct fetch_result res = {0};
    struct source_window *w = NULL;
    struct store *st = NULL;
    struct sigaction sa, old_int, old_term;
    struct err e = {0};
    size_t n = 0;
    int c, rc = CLI_FAIL;
    char *end;

    o.jobs = 3;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
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
            o.base_url = optarg;
            break;
        case 'j':
            o.jobs = (int)strtol(optarg, &end, 10);
            if (*end || o.jobs < 1 || o.jobs > LIMIT_FETCH_JOBS)
                return cli_usage("fetch", "--jobs %s: expected 1..%d", optarg, LIMIT_FETCH_JOBS);
            break;
        case 'T':
            o.deadline_s = strtol(optarg, &end, 10);
            if (*end || end == optarg || o.deadline_s < 1 || o.deadline_s > 86400)
                return cli_usage("fetch", "--timeout %s: expected seconds, 1..86400", optarg);
            break;
        case 'r':
            o.refresh = 1;
            break;
        case 'A':
            area = optarg;
            break;
        case 'L':
            lat = optarg;
            break;
        case 'O':
            lon = optarg;
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
            return cli_bad_option("fetch", c, argv, longopts);
        }
    }
    if (optind < argc)
        return cli_usage("fetch", "unexpected argument \"%s\"", argv[optind]);
    if (!from || !to)
        return cli_usage("fetch", "--from and --to are required");
    o.ds = cli_dataset("fetch", dataset ? dataset : CLI_DEFAULT_DATASET);
    if (!o.ds)
        return CLI_USAGE;
    o.src = source_of(o.ds);
    if (!o.src)
        return cli_usage("fetch", "the dataset %s has no source to fetch it from", o.ds->name);
    if (o.base_url && strncmp(o.base_url, "http://", 7) != 0 &&
        strncmp(o.base_url, "https://", 8) != 0)
        return cli_usage("fetch", "--api-url \"%s\" must start with http:// or https://",
                         o.base_url);
    /* A source that answers one place at a time (weather) needs it; one
     * that answers every area at once (Elhub) takes none. */
    memset(&place, 0, sizeof place);
    if (area || lat || lon) {
        if (!o.src->place)
            return cli_usage("fetch",
                             "%s answers every price area at once: --area, --lat and --lon are "
                             "for --dataset weather",
                             o.src->title);
        if (o.src->place(area, lat, lon, &place, &e) < 0)
            return cli_usage("fetch", "%s", e.msg);
    }
    if (o.src->plan(o.ds, from, to, &place, &w, &n, &e) < 0)
        return cli_usage("fetch", "%s", e.msg);
    o.progress = isatty(STDERR_FILENO) && log_get_level() == LOG_NORMAL;

    if (cli_open_store(store_uri, STORE_WRITE, &st) != 0)
        goto out;
    log_debug("fetch %s %s..%s: %zu %s into %s", o.ds->name, from, to, n, source_windows(o.src, n),
              store_uri_safe(st));

    /* Ctrl-C (or SIGTERM) stops the run in order; a second one kills. */
    stop_signal = 0;
    o.stop = &stop_signal;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = (int)(unsigned)SA_RESETHAND; /* an int; glibc's flag is 0x80000000u */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    if (fetch_run(st, &o, w, n, &res, &e) == 0) {
        rc = CLI_OK;
    } else if (res.fatal || res.interrupted || res.failed) {
        if (res.failed)
            failed_list(&o, &res, n);
        if (res.fatal) {
            log_error("%s (check --api-url and the network)", e.msg);
        } else if (res.interrupted) {
            log_error("interrupted: the %s stored so far stay stored; a rerun fetches the rest",
                      o.src->window_many);
            rc = 128 + (int)stop_signal;
        }
    } else {
        cli_fail(&e);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    summary(&o, &res);
out:
    fetch_result_release(&res);
    store_free(st);
    free(w);
    return rc;
}
