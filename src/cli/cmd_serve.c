/* cmd_serve: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'serve' is not implemented yet");
    return CLI_FAIL;
}
