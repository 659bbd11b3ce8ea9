/* main: the elhub command line. Picks the subcommand and hands it argv;
 * holds no business logic. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"fetch", cmd_fetch, "download hourly data from the Elhub API into a store"},
    {"import", cmd_import, "load API JSON or CSV files into a store"},
    {"export", cmd_export, "write stored rows as CSV or JSON"},
    {"status", cmd_status, "show what a store holds, per area and group, and its gaps"},
    {"serve", cmd_serve, "serve the web dashboard and JSON API"},
    {"forecast", cmd_forecast, "fit a SARIMAX model to a stored series, forecast and backtest it"},
    {"plot", cmd_plot, "draw the dashboard's charts to PNG, SVG or PDF files"},
    {"load", cmd_load, "copy all rows from one store to another"},
    {"repair", cmd_repair, "rebuild a store's rollups from its rows"},
    {"snowdrift", cmd_snowdrift, "snow drift (Tabler 2003) per snow year from stored weather"},
    {"analyze", cmd_analyze, "STL, spectrogram, outliers, anomalies, correlation of series"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: elhub COMMAND [OPTIONS]\n\n"
                 "Norway's open electricity data (Elhub) from API to database to dashboard.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'elhub COMMAND --help' for a command's options.\n"
                 "The default store is $ELHUB_STORE, else sqlite:elhub.db.\n"
                 "Data: Elhub Energy Data API, licensed CC BY 4.0, attribution \"Elhub\".\n");
}

int main(int argc, char **argv)
{
    const size_t ncommands = NCOMMANDS;
    const char *names[NCOMMANDS], *near;
    char shown[80];

    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("elhub %s\n", ELHUB_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < ncommands; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
        names[i] = commands[i].name;
    }
    near = cli_suggest(argv[1], names, ncommands);
    err_quote(argv[1], strlen(argv[1]), shown, sizeof shown);
    if (near)
        fprintf(stderr, "elhub: unknown command \"%s\" (did you mean \"%s\"?)\n\n", shown, near);
    else
        fprintf(stderr, "elhub: unknown command \"%s\"\n\n", shown);
    usage(stderr);
    return CLI_USAGE;
}
