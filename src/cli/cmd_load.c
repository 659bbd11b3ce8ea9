/* cmd_load: `elhub load --from URI --to URI` copies every row of one store
 * into another (any two backends) through store_scan and store_write, in
 * bounded batches. Writes are upserts, so a rerun, or a rerun after a
 * failure, converges on the same content. */
#include "cli/cli.h"
#include "timeutil.h"

#include "caps.h"
#include "log.h"
#include "mem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per store_write: large enough to keep a remote store busy, small
 * enough that a failure loses little progress and memory stays flat. */
#define LOAD_BATCH_DEFAULT 20000u

struct copy {
    struct store *to;
    const struct dataset *ds;
    struct record *rows;
    size_t n, cap;
    int64_t copied;
    double t0, last_report;
    struct err e;
    int failed;
};

static double now_s(void)
{
    return (double)timeutil_now_ms() / 1000.0;
}

static int flush(struct copy *c)
{
    double t;
    if (c->n == 0)
        return 0;
    if (store_write(c->to, c->ds, c->rows, c->n, NULL, &c->e) < 0) {
        c->failed = 1;
        return -1;
    }
    c->copied += (int64_t)c->n;
    c->n = 0;
    t = now_s();
    if (t - c->last_report >= 1.0) {
        log_info("load: %s: %lld rows copied (%.0f rows/s)", c->ds->name, (long long)c->copied,
                 (double)c->copied / (t - c->t0 > 1e-9 ? t - c->t0 : 1e-9));
        c->last_report = t;
    }
    return 0;
}

static int add_row(const struct record *r, void *ctx)
{
    struct copy *c = ctx;
    c->rows[c->n++] = *r;
    if (c->n == c->cap && flush(c) < 0)
        return 1; /* stop the scan; the error is in c->e */
    return 0;
}

static void help(void)
{
    printf("Usage: elhub load --from URI --to URI [--dataset NAME]... [--batch N]\n\n"
           "Copies every stored row from one store to another. Rows already present are\n"
           "replaced unless the stored row was updated later, so a rerun changes nothing.\n\n");
    cli_help_store(stdout, "--from URI", 19, "the store to read", 0);
    cli_help_store(stdout, "--to URI", 19, "the store to write (schema created if missing)", 0);
    printf("  --dataset NAME   copy only this dataset (repeatable; default: every one)\n"
           "  --batch N        rows per write (default %u, at most %u)\n"
           "  -q, --quiet      no progress messages\n"
           "  -v, --verbose    more messages\n"
           "  -h, --help       this text\n",
           LOAD_BATCH_DEFAULT, LIMIT_BATCH_ROWS);
}

int cmd_load(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},    {"to", required_argument, NULL, 't'},
        {"dataset", required_argument, NULL, 'd'}, {"batch", required_argument, NULL, 'b'},
        {"quiet", no_argument, NULL, 'q'},         {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL;
    const struct dataset *only[8];
    size_t nonly = 0;
    unsigned long batch = LOAD_BATCH_DEFAULT;
    struct store *src = NULL, *dst = NULL;
    struct copy c;
    int opt, rc = CLI_FAIL;

    memset(&c, 0, sizeof c);
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":f:t:d:b:qvh", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'd':
            if (nonly == sizeof only / sizeof only[0])
                return cli_usage("load", "too many --dataset options");
            if (!(only[nonly++] = cli_dataset("load", optarg)))
                return CLI_USAGE;
            break;
        case 'b': {
            char *end;
            batch = strtoul(optarg, &end, 10);
            if (*end || batch < 1 || batch > LIMIT_BATCH_ROWS)
                return cli_usage("load", "--batch must be 1..%u", LIMIT_BATCH_ROWS);
            break;
        }
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
            return cli_bad_option("load", opt, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage("load", "unexpected argument \"%s\"", argv[optind]);
    if (!from || !to)
        return cli_usage("load", "both --from and --to are needed");
    if (strcmp(from, to) == 0)
        return cli_usage("load", "--from and --to name the same store");
    if ((rc = cli_open_store(from, STORE_READ, &src)) != 0 ||
        (rc = cli_open_store(to, STORE_WRITE, &dst)) != 0)
        goto out;
    rc = CLI_FAIL;

    c.to = dst;
    c.cap = batch;
    c.rows = xmalloc(batch * sizeof *c.rows);
    for (size_t i = 0; i < dataset_count; i++) {
        const struct dataset *ds = &dataset_all[i];
        struct store_query q = {ds, NULL, NULL, 0, INT64_MIN, INT64_MAX};
        int skip = nonly > 0, src_rc;

        for (size_t k = 0; k < nonly; k++)
            if (only[k] == ds)
                skip = 0;
        if (skip)
            continue;
        c.ds = ds;
        c.n = 0;
        c.copied = 0;
        c.t0 = c.last_report = now_s();
        src_rc = store_scan(src, &q, add_row, &c, &c.e);
        if (src_rc < 0 || c.failed || flush(&c) < 0) {
            if (c.failed)
                err_prefix(&c.e, "load: %s: after %lld rows copied to %s", ds->name,
                           (long long)c.copied, store_uri_safe(dst));
            else
                err_prefix(&c.e, "load: %s: reading %s", ds->name, store_uri_safe(src));
            cli_fail(&c.e);
            log_error("nothing copied so far is lost; rerun the same command to complete the copy");
            goto out;
        }
        {
            double t = now_s() - c.t0;
            log_info("load: %s: %lld rows from %s to %s in %.1f s (%.0f rows/s)", ds->name,
                     (long long)c.copied, store_uri_safe(src), store_uri_safe(dst), t,
                     t > 1e-9 ? (double)c.copied / t : 0.0);
        }
    }
    rc = CLI_OK;
out:
    free(c.rows);
    store_free(src);
    store_free(dst);
    return rc;
}
