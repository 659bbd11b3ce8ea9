/* cli: the subcommands (one file each, cmd_<name>.c) and the few helpers
 * they share. A command parses its own options with getopt_long, prints its
 * own --help, and returns the process exit status: CLI_OK, CLI_FAIL or
 * CLI_USAGE. Commands hold wiring, not business logic.
 *
 * One set of option names for every command: --store URI (every kind of
 * store, one text: cli_help_store), --dataset D (a command that works on
 * one dataset, fetch, export and plot, defaults to production; status and
 * load, which can cover every dataset, cover every one unless it is given;
 * import reads it from each file unless it is given), --area A (NO for
 * Norway, every area summed), --groups g1,g2 (--group is the same
 * option), --from/--to DATE (Oslo days, inclusive; load's --from/--to are
 * the two stores), -o/--output FILE, -q/--quiet, -v/--verbose, -h/--help.
 * A mistyped command or long option is answered with the nearest name. */
#ifndef ELHUB_CLI_H
#define ELHUB_CLI_H

#include "err.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_fetch(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_repair(int argc, char **argv);
int cmd_snowdrift(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
/* `elhub analyze` with the size and theme of a picture file (-o FILE.png,
 * .svg, .pdf); pic NULL: CHART_DEFAULT_WIDTH x _HEIGHT at _DPI, light (cmd_analyze). `elhub
 * plot stl|spectrogram|...` runs this with its --width/--height/--dpi/--theme. */
struct chart_analysis_opts;
int cli_analyze(int argc, char **argv, const struct chart_analysis_opts *pic);
/* `elhub forecast` with the picture options pic (NULL: the defaults, as
 * for cli_analyze) for -o FILE.png|.svg|.pdf; its own --width, --height,
 * --dpi and --theme change them. `elhub plot forecast` runs this. */
int cli_forecast(int argc, char **argv, const struct chart_analysis_opts *pic);

/* The picture options of every chart file (elhub plot, elhub plot METHOD,
 * elhub forecast -o FILE.png): --width N and --height N (CSS pixels,
 * CHART_MIN_WIDTH or CHART_MIN_HEIGHT to 10000), --dpi N (10 to 2400),
 * --theme light|dark. cli_picture_option sets the one called name
 * ("width", "height", "dpi", "theme") in pic from value: 0, or prints
 * cmd's usage error ("--width must be a number from 320 to 10000, not
 * \"x\"", "unknown --theme ...") and returns CLI_USAGE. cli_picture_name:
 * the length of the name if arg is "--NAME" or "--NAME=VALUE" for one of
 * them, else 0. */
int cli_picture_option(const char *cmd, const char *name, const char *value,
                       struct chart_analysis_opts *pic);
size_t cli_picture_name(const char *arg);

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

/* Whether s ends with suffix (-o FILE's extension tells a format). */
int cli_ends_with(const char *s, const char *suffix);

/* The output format of a command, the one rule for every command that
 * writes a table: --format FORMAT when given (one of names[0..n)), else the
 * one -o PATH's extension names (".json" picks "json"), else names[0].
 * format and path may be NULL. Returns the index into names, or -1 after
 * printing the usage error for an unknown --format (return CLI_USAGE). */
int cli_output_format(const char *cmd, const char *format, const char *path,
                      const char *const *names, size_t n);

/* The dataset of a command that works on one when --dataset is not given. */
#define CLI_DEFAULT_DATASET "production"

/* Prints the --help lines of a store option: "  OPT  WHAT, one of:", then
 * every kind of store URI the tool opens, one per line, indented two
 * columns past column col (the column the command's option texts start
 * at), then with_default the line "default: $ELHUB_STORE, else
 * sqlite:elhub.db". The one description of store URIs every --help shows. */
void cli_help_store(FILE *out, const char *opt, int col, const char *what, int with_default);

/* The optimal string alignment distance of a and b (insertions, deletions,
 * substitutions and swaps of two neighbours each count one), ASCII case
 * folded. Words longer than 63 bytes compare as far apart. */
size_t cli_edit_distance(const char *a, const char *b);
/* The name among names[0..n) nearest to word, if near enough to be a typo
 * of it (distance 1 for words of up to 4 letters, 2 up to 8, 3 beyond, and
 * less than the word's length); NULL if none is. Ties go to the first. */
const char *cli_suggest(const char *word, const char *const *names, size_t n);
/* Turns getopt_long's answer c ('?' or ':'; the command sets opterr = 0
 * and starts its option string with ':') for argv into a usage error:
 * "unknown option --gruops (did you mean --groups?)", "option --store
 * needs a value", "option --json takes no value", "option --gr is
 * ambiguous (--groups, --group-by)". Returns CLI_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv, const struct option *longopts);

#endif
