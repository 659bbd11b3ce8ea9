/* cli: the subcommands (one file each, cmd_<name>.c) and the few helpers
 * they share. A command parses its own options with getopt_long, prints its
 * own --help, and returns the process exit status: CLI_OK, CLI_FAIL or
 * CLI_USAGE. Commands hold wiring, not business logic. */
#ifndef ELHUB_CLI_H
#define ELHUB_CLI_H

#include "err.h"
#include "store/store.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_fetch(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_repair(int argc, char **argv);

/* Prints "elhub CMD: MESSAGE" and a pointer to --help on stderr; returns
 * CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs e as an error ("elhub: error: <message>"); returns the exit status
 * it calls for: CLI_USAGE for a usage error (ERR_USAGE), else CLI_FAIL. */
int cli_fail(const struct err *e);
/* Opens uri (NULL: store_default_uri()) for reading or writing. Returns 0,
 * or logs the failure and returns the exit status it calls for (CLI_USAGE
 * for a URI that is not a store, CLI_FAIL otherwise). */
int cli_open_store(const char *uri, enum store_mode mode, struct store **out);
/* Resolves a --dataset value; logs a usage error listing the known ones and
 * returns NULL if unknown. */
const struct dataset *cli_dataset(const char *cmd, const char *name);

#endif
