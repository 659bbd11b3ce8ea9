/* cmd_serve: `elhub serve`, the web dashboard and JSON API over a store.
 * Parses options, starts src/web/server.c, prints the URL, and waits for
 * SIGINT/SIGTERM to stop cleanly. */
#include "cli/cli.h"

#include "caps.h"
#include "log.h"
#include "web/server.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("Usage: elhub serve [--store URI] [--listen ADDR] [--threads N] [--no-cache]\n"
           "                   [--heavy-slots N] [--online [--api-url URL]]\n"
           "\n"
           "Serves the dashboard (the page, with every asset built into the binary)\n"
           "and its JSON API (docs/API.md) from a store, until Ctrl-C or SIGTERM.\n"
           "\n"
           "Options:\n");
    cli_help_store(stdout, "--store URI", 22, "the store to read", 1);
    printf("  --listen ADDR       HOST:PORT, [V6]:PORT, or PORT / :PORT for 127.0.0.1\n"
           "                      (default $ELHUB_LISTEN, else 127.0.0.1:8080; port 0 picks\n"
           "                      a free one). Binding beyond loopback exposes the data to\n"
           "                      the network (read-only unless --online): say so deliberately.\n"
           "  --threads N         worker threads, each with its own store connection\n"
           "                      (default 2, at most 64)\n"
           "  --no-cache          recompute every API response (for benchmarks)\n"
           "  --heavy-slots N     threads for uncached store reads (default: --threads;\n"
           "                      0 runs them on the request threads, unbounded: for\n"
           "                      benchmarks); more wait up to 5 s, then get 503\n"
           "  --online            let the Map page fetch a point's weather on demand\n"
           "                      (POST /api/fetch; off by default): one fetch at a\n"
           "                      time, at most %d an hour, %d months each, %d requests\n"
           "                      in flight, through the same code as elhub fetch\n"
           "  --api-url URL       with --online: the Open-Meteo archive API\n"
           "                      (default https://archive-api.open-meteo.com/v1)\n"
           "  --head-timeout S    seconds a client has to send its request head\n"
           "                      (default 10; for tests)\n"
           "  -v, --verbose       log server internals\n"
           "  -h, --help          show this help\n"
           "\n"
           "Prints \"serving http://HOST:PORT/\" on stdout once it accepts connections.\n"
           "Data: Elhub Energy Data API, CC BY 4.0, attribution \"Elhub\"; weather by\n"
           "Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0; price areas: NVE (NLOD 2.0).\n",
           LIMIT_ONLINE_JOBS_PER_HOUR, LIMIT_ONLINE_MONTHS, LIMIT_ONLINE_IN_FLIGHT);
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"no-cache", no_argument, NULL, 'n'},
        {"heavy-slots", required_argument, NULL, 'H'},
        {"head-timeout", required_argument, NULL, 'T'},
        {"online", no_argument, NULL, 'o'},
        {"api-url", required_argument, NULL, 'a'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct server_config cfg = {NULL, NULL, 8080, 2, 1, -1, 0, 0, NULL};
    const char *listen = getenv("ELHUB_LISTEN");
    char host[256];
    struct server *srv = NULL;
    struct err e = {0};
    sigset_t set;
    int c, sig = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:l:t:vh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            cfg.store_uri = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 't': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*end || n < 1 || n > 64 || optarg[0] == '-')
                return cli_usage("serve", "--threads \"%s\": expected 1 to 64", optarg);
            cfg.threads = (unsigned)n;
            break;
        }
        case 'n':
            cfg.cache = 0;
            break;
        case 'H': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*end || !optarg[0] || n > LIMIT_HTTP_HEAVY_SLOTS || optarg[0] == '-')
                return cli_usage("serve", "--heavy-slots \"%s\": expected 0 to %d", optarg,
                                 LIMIT_HTTP_HEAVY_SLOTS);
            cfg.heavy_slots = (int)n;
            break;
        }
        case 'T': {
            char *end;
            double sec = strtod(optarg, &end);
            if (*end || !optarg[0] || !(sec >= 0.1 && sec <= 3600))
                return cli_usage("serve", "--head-timeout \"%s\": expected 0.1 to 3600 seconds",
                                 optarg);
            cfg.head_timeout_ms = (unsigned)(sec * 1000 + 0.5);
            break;
        }
        case 'o':
            cfg.online = 1;
            break;
        case 'a':
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return cli_usage("serve", "--api-url \"%s\" must start with http:// or https://",
                                 optarg);
            cfg.online_url = optarg;
            break;
        case 'v':
            log_set_level(LOG_VERBOSE);
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return cli_bad_option("serve", c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage("serve", "unexpected argument \"%s\"", argv[optind]);
    if (cfg.online_url && !cfg.online)
        return cli_usage("serve", "--api-url is for --online (fetching on demand)");
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    if (server_parse_listen(listen, host, sizeof host, &cfg.port, &e) < 0)
        return cli_usage("serve", "%s", e.msg);
    cfg.host = host;
    if (!cfg.store_uri)
        cfg.store_uri = store_default_uri();

    /* Block the stop signals before the worker threads exist, so they
     * inherit the mask and only sigwait below receives them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (server_start(&cfg, &srv, &e) < 0)
        return cli_fail(&e);
    if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "::1") != 0 &&
        strcmp(host, "localhost") != 0)
        log_warn("listening on %s: reachable beyond this machine", host);
    printf(strchr(host, ':') ? "serving http://[%s]:%u/\n" : "serving http://%s:%u/\n", host,
           server_port(srv));
    fflush(stdout);
    log_info("dashboard and API ready; Ctrl-C stops");
    sigwait(&set, &sig);
    log_info("stopping (%s)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(srv);
    return CLI_OK;
}
