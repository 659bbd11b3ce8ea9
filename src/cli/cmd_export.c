/* cmd_export: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'export' is not implemented yet");
    return CLI_FAIL;
}
