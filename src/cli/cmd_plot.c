/* cmd_plot: placeholder until its issue lands; fails loudly. */
#include "cli/cli.h"

#include "log.h"

int cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("'plot' is not implemented yet");
    return CLI_FAIL;
}
