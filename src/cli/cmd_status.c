/* cmd_status: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'status' is not implemented yet");
    return CLI_FAIL;
}
