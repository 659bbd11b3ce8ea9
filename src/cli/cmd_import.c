/* cmd_import: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'import' is not implemented yet");
    return CLI_FAIL;
}
