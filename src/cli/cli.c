/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "elhub %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'elhub %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_fail(const struct err *e)
{
    log_error("%s", e->msg[0] ? e->msg : "unknown failure");
    return CLI_FAIL;
}

int cli_open_store(const char *uri, struct store **out)
{
    struct err e = {0};
    if (store_open(uri ? uri : store_default_uri(), out, &e) < 0) {
        cli_fail(&e);
        return -1;
    }
    return 0;
}

const struct dataset *cli_dataset(const char *cmd, const char *name)
{
    const struct dataset *ds = dataset_find(name);
    if (!ds) {
        char list[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < dataset_count; i++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                             dataset_all[i].name);
            if (n > 0 && (size_t)n < sizeof list - used)
                used += (size_t)n;
        }
        cli_usage(cmd, "unknown dataset \"%s\" (known: %s)", name, list);
    }
    return ds;
}
