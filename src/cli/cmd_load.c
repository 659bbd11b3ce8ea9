/* cmd_load: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_load(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'load' is not implemented yet");
    return CLI_FAIL;
}
