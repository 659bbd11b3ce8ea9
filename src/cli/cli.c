/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
    return e->domain == ERR_USAGE ? CLI_USAGE : CLI_FAIL;
}

int cli_open_store(const char *uri, enum store_mode mode, struct store **out)
{
    struct err e = {0};
    if (store_open(uri ? uri : store_default_uri(), mode, out, &e) < 0)
        return cli_fail(&e);
    return 0;
}

const struct dataset *cli_dataset(const char *cmd, const char *name)
{
    const struct dataset *ds = dataset_find(name);
    if (!ds) {
        char list[256], shown[80];
        cli_usage(cmd, "unknown dataset \"%s\" (known: %s)",
                  err_quote(name, strlen(name), shown, sizeof shown),
                  dataset_names(list, sizeof list));
    }
    return ds;
}
