/* forecast/params: the one parser of a forecasting request's parameters,
 * for the command line (`elhub forecast --NAME VALUE`, NAME with '-' for
 * '_') and the JSON API (`/api/forecast?NAME=VALUE`) alike, with one set of
 * bounds (the LIMIT_FORECAST_* caps in caps.h), and the reader of a
 * PARAMS.json file (statsmodels' parameter names to values) on the one
 * JSON tokenizer. Every refusal names the parameter, shows the value
 * escaped and states the allowed range. Pure: no I/O, no global state; a
 * struct forecast_params is plain caller-owned data. */
#ifndef ELHUB_FORECAST_PARAMS_H
#define ELHUB_FORECAST_PARAMS_H

#include "caps.h"
#include "err.h"
#include "forecast/sarimax.h"
#include "analysis/series.h"

#include <stddef.h>
#include <stdint.h>

enum forecast_format { FORECAST_JSON, FORECAST_CSV };

/* The parameters, as a bit set (forecast_params.given). */
enum {
    FORECAST_P_SERIES = 1 << 0,
    FORECAST_P_TRAIN_FROM = 1 << 1,
    FORECAST_P_TRAIN_TO = 1 << 2,
    FORECAST_P_HORIZON = 1 << 3,
    FORECAST_P_ORDER = 1 << 4,
    FORECAST_P_SEASONAL_ORDER = 1 << 5,
    FORECAST_P_TREND = 1 << 6,
    FORECAST_P_EXOG = 1 << 7,
    FORECAST_P_ALPHA = 1 << 8,
    FORECAST_P_FOLDS = 1 << 9,
    FORECAST_P_MAXITER = 1 << 10,
    FORECAST_P_FILL = 1 << 11,
    FORECAST_P_FORMAT = 1 << 12
};

/* What kind of value a parameter takes (forecast_param_info.kind). */
enum forecast_param_kind {
    FORECAST_K_SERIES,      /* DATASET:AREA:GROUP (analysis/series.h) */
    FORECAST_K_SERIES_LIST, /* comma-separated series; "" for none */
    FORECAST_K_DATE,        /* an Oslo date YYYY-MM-DD, or YYYY-MM */
    FORECAST_K_COUNT,       /* a whole number in lo[0]..hi[0] */
    FORECAST_K_ORDER,       /* nparts comma-separated whole numbers, part i in lo[i]..hi[i] */
    FORECAST_K_NUMBER,      /* a decimal number strictly between xlo and xhi */
    FORECAST_K_CHOICE       /* one of the names choice(0), choice(1), ... */
};

/* One parameter of a request, as the one table in params.c holds it: the
 * parser checks values against it, its messages quote it, the defaults
 * come from it and /api/forecast/params lists it, so a bound, a default or
 * a help line is written once. Static data. */
struct forecast_param_info {
    const char *name; /* the API name; the command line's option is it with '_' as '-' */
    unsigned bit;     /* FORECAST_P_* */
    enum forecast_param_kind kind;
    const char *def;              /* the value taken when it is not given; NULL: required */
    const char *example;          /* a value a form may start with */
    const char *parts;            /* ORDER: the parts' names ("p,d,q"); DATE: "first" or "last" */
    int nparts;                   /* ORDER: 3 or 4; COUNT: 1 */
    int lo[4], hi[4];             /* COUNT, ORDER: each part's bounds, inclusive */
    double xlo, xhi;              /* NUMBER: the bounds, exclusive */
    const char *none;             /* ORDER: the one value allowed outside lo ("0,0,0,0"), or NULL */
    const char *(*choice)(int i); /* CHOICE: the i-th name, NULL past the last */
    const char *help;             /* one line, printable ASCII */
};

/* The parameters in their order (n of them). Static. */
const struct forecast_param_info *forecast_params_table(size_t *n);

/* The allowed values of pi in words ("1..744", "one of n, c, t, ct",
 * "p,d,q: p 0..5, d 0..2, q 0..5"), written from its bounds into out
 * (size n, truncated): what a refusal says after "expected". Pure. */
void forecast_param_range(const struct forecast_param_info *pi, char *out, size_t n);

struct forecast_params {
    struct series_spec series; /* the series spec of the analysis layer */
    struct series_spec exog[LIMIT_FORECAST_EXOG];
    size_t nexog;
    int64_t from, to;          /* the training hours [from, to): Oslo midnights */
    char from_s[11], to_s[11]; /* the training days "YYYY-MM-DD", to inclusive */
    struct sarimax_spec spec;  /* spec.k_exog = nexog */
    size_t horizon;            /* forecast hours after `to`; 0 when not given */
    double alpha;              /* default 0.05 */
    size_t folds;              /* default 0: no backtest */
    int maxiter;               /* default 0: sarimax_fit's default */
    enum series_fill fill;     /* gaps in the training hours; default none */
    enum forecast_format format;
    unsigned given; /* the FORECAST_P_* set so far */
};

/* Every parameter at the table's default (forecast_params_table: no
 * series, trend n, no seasonal part, alpha 0.05, no folds, maxiter
 * SARIMAX_DEFAULT_MAXITER, fill none, JSON), none of them given. */
void forecast_params_init(struct forecast_params *p);

/* Sets one parameter from its text, by its API name (the table's):
 * series, train_from, train_to (Oslo dates YYYY-MM-DD, or YYYY-MM: the
 * month's first day for train_from, its last for train_to; inclusive),
 * horizon (hours), order (p,d,q), seasonal_order (P,D,Q,s), trend (n, c,
 * t, ct), exog (comma-separated series, "" for none), alpha, folds,
 * maxiter, fill (none, linear), format (json, csv). -1 with e (ERR_USAGE)
 * for an unknown name, a name given twice, a bad value or a value outside
 * its caps; a bad value's message is NAME "VALUE": expected RANGE (HELP),
 * in the table's words (forecast_param_range). */
int forecast_params_set(struct forecast_params *p, const char *name, const char *value,
                        struct err *e);

/* Checks the whole request once every parameter is set: series,
 * train_from, train_to and order given (and horizon when need_horizon);
 * the training days in order and at most LIMIT_FORECAST_OBS hours; the
 * model within its caps (sarimax_spec_check) with enough hours for it
 * (sarimax_min_obs) and for the backtest folds (backtest_check). */
int forecast_params_finish(struct forecast_params *p, int need_horizon, struct err *e);

/* Checks only the window of a request: series, train_from, train_to and
 * horizon given, the training days in order and at most LIMIT_FORECAST_OBS
 * hours (what forecast_params_finish checks of them, in its words): what
 * the list of usable regressors needs (forecast/exog.h). -1 with e
 * (ERR_USAGE). */
int forecast_params_finish_window(const struct forecast_params *p, struct err *e);

/* Training hours of a finished request. */
size_t forecast_params_hours(const struct forecast_params *p);

/* Reads a PARAMS.json document (text[0..len), at most
 * LIMIT_FORECAST_PARAMS_FILE bytes): one object whose members are the
 * model's parameters by statsmodels' names (sarimax_param_name with
 * exog_names) and finite numbers, every parameter once and nothing else,
 * into out (sarimax_nparams values, in the model's order). what names the
 * document in messages. -1 with e: ERR_PARSE for bad JSON or a member that
 * is not a finite number, ERR_USAGE for a missing, repeated or unknown
 * name. */
int forecast_params_read_json(const char *text, size_t len, const char *what,
                              const struct sarimax_spec *sp, const char *const *exog_names,
                              double *out, struct err *e);

#endif
