/* cmd_fetch: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_fetch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'fetch' is not implemented yet");
    return CLI_FAIL;
}
