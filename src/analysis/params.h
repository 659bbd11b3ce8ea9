/* params: the parameters of each analysis method, parsed from (name,
 * value) string pairs by one pure function per method, so the command line
 * (which builds pairs from its options) and the JSON API (which passes its
 * query pairs) accept exactly the same things with the same defaults, caps
 * (caps.h) and messages. One table per method lists every parameter with
 * its type, allowed range, default and a one-line explanation; the parser,
 * the --help text and any page that explains a parameter are all read from
 * it, so they cannot disagree.
 *
 * Names: the canonical spelling uses underscores (low_pass); a '-' in a
 * given name counts as '_' (the CLI's --low-pass gives "low-pass"). Every
 * method takes series (anomalies: one or more, repeated or comma-separated;
 * correlate: x and y instead), from and to (Oslo dates YYYY-MM-DD or
 * YYYY-MM, inclusive, read by the one selection parser, query/select.h)
 * and fill (none or linear). Unknown names, repeated names and
 * values out of range are refused with a message that names the parameter
 * and its allowed range. Pure and thread-safe. */
#ifndef ELHUB_ANALYSIS_PARAMS_H
#define ELHUB_ANALYSIS_PARAMS_H

#include "analysis/correlate.h"
#include "analysis/lof.h"
#include "analysis/series.h"
#include "analysis/spc.h"
#include "analysis/spectrogram.h"
#include "analysis/stl.h"
#include "buf.h"
#include "caps.h"
#include "err.h"
#include "query/select.h"

#include <stddef.h>
#include <stdint.h>

enum analysis_method {
    ANALYSIS_STL,
    ANALYSIS_SPECTROGRAM,
    ANALYSIS_OUTLIERS,
    ANALYSIS_ANOMALIES,
    ANALYSIS_CORRELATE
};
#define ANALYSIS_METHODS 5

/* "stl", "spectrogram", "outliers", "anomalies", "correlate". */
const char *analysis_method_name(enum analysis_method m);
/* The methods' names in order, separated by ", " and the last by last
 * (", " or " or "), into out (size n, truncated): "stl, spectrogram, ...,
 * correlate", for messages. */
void analysis_method_list(const char *last, char *out, size_t n);
/* -1 if s names no method. */
int analysis_method_parse(const char *s, enum analysis_method *out);

/* One given parameter; both strings borrowed for the call. */
struct analysis_pair {
    const char *name;
    const char *value;
};

/* Everything a method needs, parsed and completed with defaults. */
struct analysis_request {
    enum analysis_method method;
    struct series_spec series[LIMIT_ANALYSIS_SERIES]; /* correlate: [0] x, [1] y */
    size_t nseries;
    struct select range; /* from and to, through the one selection parser;
                          * range.from_s / to_s are the dates, YYYY-MM-DD */
    int64_t from, to;    /* [from, to): Oslo midnights */
    size_t hours;        /* hours (instants) in [from, to) */
    enum series_fill fill;
    struct stl_params stl;
    struct spectrogram_params spectrogram;
    struct spc_params spc;
    struct lof_params lof;
    struct correlate_params correlate;
};

/* The parser of method m: fills out from n pairs, with the defaults for
 * what is not given. 0, or -1 with e (ERR_USAGE) naming the parameter and
 * its allowed range; out is fully initialised either way (the defaults,
 * without series, on failure). */
int analysis_params_parse(enum analysis_method m, const struct analysis_pair *p, size_t n,
                          struct analysis_request *out, struct err *e);

/* How a parameter's value is read. */
enum analysis_param_kind {
    ANALYSIS_P_INT,      /* an integer from lo to hi */
    ANALYSIS_P_ODD,      /* an odd integer from lo to hi */
    ANALYSIS_P_NUM,      /* a number > lo and <= hi */
    ANALYSIS_P_SHARE,    /* a number > lo and <= hi, or "auto" */
    ANALYSIS_P_BOOL,     /* true|false (also 1|0, yes|no) */
    ANALYSIS_P_CHOICE,   /* one of the words in value, separated by '|' */
    ANALYSIS_P_SERIES,   /* DATASET:AREA:GROUP */
    ANALYSIS_P_SERIES_N, /* one or more, comma-separated or repeated */
    ANALYSIS_P_DATE,     /* YYYY-MM-DD */
    ANALYSIS_P_RANGE     /* MIN:MAX, integers from lo to hi */
};

/* One row of a method's table, for the parser, help texts and pages. */
struct analysis_param {
    const char *name; /* canonical: "low_pass" */
    enum analysis_param_kind kind;
    double lo, hi;     /* bounds (see the kind) */
    const char *value; /* what a value looks like: "N", "hann|hamming|boxcar" */
    const char *def;   /* the default as people read it; NULL when required */
    const char *help;  /* one line */
    int field;         /* which request field it sets (params.c) */
};

/* Writes what values p allows ("an odd integer from 7 to 8785") into out
 * (size n), as the messages and the help say it. */
void analysis_param_range(const struct analysis_param *p, char *out, size_t n);

/* The rows of method m's table (static storage) and their count. */
const struct analysis_param *analysis_params_table(enum analysis_method m, size_t *n);

/* Appends method m's options as a --help block: one line per parameter
 * with its CLI spelling (--low-pass), default and allowed range. -1 if b's
 * cap is reached. */
int analysis_params_help(enum analysis_method m, struct buf *b);

#endif
