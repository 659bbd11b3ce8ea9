/* forecast/params: the request parameter parser and the PARAMS.json reader
 * (see params.h). */
#include "forecast/params.h"

#include "forecast/backtest.h"
#include "json_tok.h"
#include "mem.h"
#include "record.h"
#include "text.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600
#define STR_(x) #x
#define STR(x) STR_(x)
#define MAX_OBS STR(LIMIT_FORECAST_OBS)

static const char *trend_choice(int i)
{
    return i >= 0 && i <= SARIMAX_TREND_CT ? sarimax_trend_name((enum sarimax_trend)i) : NULL;
}

static const char *fill_choice(int i)
{
    return i >= 0 && i <= SERIES_FILL_LINEAR ? series_fill_name((enum series_fill)i) : NULL;
}

/* In enum forecast_format's order. */
static const char *format_choice(int i)
{
    static const char *const names[] = {"json", "csv"};
    return i >= 0 && i < (int)(sizeof names / sizeof names[0]) ? names[i] : NULL;
}

/* THE table of a request's parameters (params.h). */
static const struct forecast_param_info table[] = {
    {.name = "series",
     .bit = FORECAST_P_SERIES,
     .kind = FORECAST_K_SERIES,
     .example = "production:NO1:hydro",
     .help = "the hourly series to model"},
    {.name = "train_from",
     .bit = FORECAST_P_TRAIN_FROM,
     .kind = FORECAST_K_DATE,
     .example = "2021-01-04",
     .parts = "first",
     .help = "the first training day, Oslo time"},
    {.name = "train_to",
     .bit = FORECAST_P_TRAIN_TO,
     .kind = FORECAST_K_DATE,
     .example = "2021-02-28",
     .parts = "last",
     .help = "the last training day, inclusive; at most " MAX_OBS " training hours in all"},
    {.name = "horizon",
     .bit = FORECAST_P_HORIZON,
     .kind = FORECAST_K_COUNT,
     .example = "168",
     .nparts = 1,
     .lo = {1},
     .hi = {LIMIT_FORECAST_HORIZON},
     .help = "the hours to forecast after the last training hour"},
    {.name = "order",
     .bit = FORECAST_P_ORDER,
     .kind = FORECAST_K_ORDER,
     .example = "1,0,1",
     .parts = "p,d,q",
     .nparts = 3,
     .hi = {LIMIT_FORECAST_ORDER, LIMIT_FORECAST_DIFF, LIMIT_FORECAST_ORDER},
     .help = "the AR order, the differences and the MA order"},
    {.name = "seasonal_order",
     .bit = FORECAST_P_SEASONAL_ORDER,
     .kind = FORECAST_K_ORDER,
     .def = "0,0,0,0",
     .example = "1,1,1,24",
     .parts = "P,D,Q,s",
     .nparts = 4,
     .lo = {0, 0, 0, 2},
     .hi = {LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_SEASONAL_DIFF,
            LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_PERIOD},
     .none = "0,0,0,0",
     .help = "the seasonal AR order, differences and MA order, and the period s in hours; the "
             "states d + s*D + max(p + s*P, q + s*Q + 1) at most " STR(LIMIT_FORECAST_STATES)},
    {.name = "trend",
     .bit = FORECAST_P_TREND,
     .kind = FORECAST_K_CHOICE,
     .def = "n",
     .example = "n",
     .choice = trend_choice,
     .help = "n none, c a constant ('intercept'), t a linear time trend ('drift'), ct both"},
    {.name = "exog",
     .bit = FORECAST_P_EXOG,
     .kind = FORECAST_K_SERIES_LIST,
     .def = "",
     .example = "",
     .help = "exogenous series as regressors, each needing every training and forecast hour "
             "stored (GET /api/forecast/exog lists the usable weather series)"},
    {.name = "alpha",
     .bit = FORECAST_P_ALPHA,
     .kind = FORECAST_K_NUMBER,
     .def = "0.05",
     .example = "0.05",
     .xlo = 0,
     .xhi = 1,
     .help = "the intervals cover 1 - alpha"},
    {.name = "folds",
     .bit = FORECAST_P_FOLDS,
     .kind = FORECAST_K_COUNT,
     .def = "0",
     .example = "0",
     .nparts = 1,
     .lo = {0},
     .hi = {LIMIT_FORECAST_FOLDS},
     .help = "rolling-origin backtest folds of horizon hours each, ending at the last training "
             "hour, the model refitted per fold; 0 for none"},
    {.name = "maxiter",
     .bit = FORECAST_P_MAXITER,
     .kind = FORECAST_K_COUNT,
     .def = STR(SARIMAX_DEFAULT_MAXITER),
     .example = STR(SARIMAX_DEFAULT_MAXITER),
     .nparts = 1,
     .lo = {1},
     .hi = {LIMIT_FORECAST_MAXITER},
     .help = "the BFGS iterations of each fit"},
    {.name = "fill",
     .bit = FORECAST_P_FILL,
     .kind = FORECAST_K_CHOICE,
     .def = "none",
     .example = "none",
     .choice = fill_choice,
     .help = "none refuses a gap in the training hours, linear interpolates it"},
    {.name = "format",
     .bit = FORECAST_P_FORMAT,
     .kind = FORECAST_K_CHOICE,
     .def = "json",
     .example = "json",
     .choice = format_choice,
     .help = "json: the whole answer; csv: the forecast table time,mean,lower,upper"},
};

const struct forecast_param_info *forecast_params_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

void forecast_param_range(const struct forecast_param_info *pi, char *out, size_t n)
{
    size_t used = 0;
    int k;

#define PUT(...)                                                                                   \
    do {                                                                                           \
        k = snprintf(out + used, n - used, __VA_ARGS__);                                           \
        used += k < 0 ? 0 : (size_t)k < n - used ? (size_t)k : n - used - 1;                       \
    } while (0)
    if (!n)
        return;
    out[0] = '\0';
    switch (pi->kind) {
    case FORECAST_K_SERIES:
        PUT("DATASET:AREA:GROUP, e.g. production:NO1:hydro");
        break;
    case FORECAST_K_SERIES_LIST:
        PUT("up to %d series DATASET:AREA:GROUP, comma-separated; empty for none",
            LIMIT_FORECAST_EXOG);
        break;
    case FORECAST_K_DATE:
        PUT("an Oslo date YYYY-MM-DD (or YYYY-MM: its %s day), years %d-%d", pi->parts,
            RECORD_YEAR_MIN, RECORD_YEAR_MAX);
        break;
    case FORECAST_K_COUNT:
        PUT("%d..%d", pi->lo[0], pi->hi[0]);
        break;
    case FORECAST_K_ORDER:
        PUT("%s:", pi->parts);
        for (int i = 0; i < pi->nparts; i++)
            PUT("%s %c %d..%d", i ? "," : "", pi->parts[2 * i], pi->lo[i], pi->hi[i]);
        if (pi->none)
            PUT("; %s for none", pi->none);
        break;
    case FORECAST_K_NUMBER:
        PUT("between %g and %g, exclusive", pi->xlo, pi->xhi);
        break;
    case FORECAST_K_CHOICE:
        PUT("one of");
        for (int i = 0; pi->choice(i); i++)
            PUT("%s %s", i ? "," : "", pi->choice(i));
        break;
    }
#undef PUT
}

/* "series, train_from, ...": every name of the table, for messages. */
static void list_names(char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof table / sizeof table[0] && used + 1 < n; i++) {
        int k = snprintf(out + used, n - used, "%s%s", i ? ", " : "", table[i].name);
        used += k < 0 ? 0 : (size_t)k < n - used ? (size_t)k : n - used - 1;
    }
}

/* Digits only (no sign, no blanks), at most max. */
static int parse_uint(const char *s, size_t n, long max, long *out)
{
    long v = 0;
    if (n == 0 || n > 6)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* Exactly pi->nparts comma-separated whole numbers, each inside its
 * bounds (pi->none, if any, also accepted as it is). */
static int parse_parts(const struct forecast_param_info *pi, const char *s, int *out)
{
    int none = pi->none && strcmp(s, pi->none) == 0;
    for (int i = 0; i < pi->nparts; i++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        long v;
        if ((comma != NULL) != (i + 1 < pi->nparts) || parse_uint(s, len, pi->hi[i], &v) < 0 ||
            (v < pi->lo[i] && !none))
            return -1;
        out[i] = (int)v;
        s += len + 1;
    }
    return 0;
}

/* The one refusal of a bad value: NAME "VALUE": expected RANGE (HELP). */
static int bad_value(const struct forecast_param_info *pi, const char *v, struct err *e)
{
    char shown[80], range[256];
    forecast_param_range(pi, range, sizeof range);
    return err_set(e, ERR_USAGE, 0, "%s \"%s\": expected %s (%s)", pi->name,
                   err_quote(v, strlen(v), shown, sizeof shown), range, pi->help);
}

static int set_day(struct forecast_params *p, const struct forecast_param_info *pi, const char *v,
                   struct err *e)
{
    int is_to = pi->bit == FORECAST_P_TRAIN_TO;
    struct select s;
    struct err se = {0};

    select_init(&s);
    if (select_set(&s, SELECT_FROM | SELECT_TO, is_to ? "to" : "from", v, &se) < 0)
        return bad_value(pi, v, e);
    if (is_to) {
        p->to = s.to;
        memcpy(p->to_s, s.to_s, sizeof p->to_s);
    } else {
        p->from = s.from;
        memcpy(p->from_s, s.from_s, sizeof p->from_s);
    }
    return 0;
}

static int set_exog(struct forecast_params *p, const char *v, struct err *e)
{
    const char *at = v;
    p->nexog = 0;
    p->spec.k_exog = 0;
    if (!*v)
        return 0; /* none */
    for (;;) {
        const char *comma = strchr(at, ',');
        size_t len = comma ? (size_t)(comma - at) : strlen(at);
        struct series_spec *x;
        char one[LIMIT_ANALYSIS_SPEC];
        if (p->nexog == LIMIT_FORECAST_EXOG)
            return err_set(e, ERR_USAGE, 0, "exog: at most %d series", LIMIT_FORECAST_EXOG);
        x = &p->exog[p->nexog];
        if (len >= sizeof one)
            return err_set(e, ERR_USAGE, 0, "exog: a series name is at most %d bytes",
                           LIMIT_ANALYSIS_SPEC - 1);
        memcpy(one, at, len);
        one[len] = '\0';
        if (series_spec_parse(one, x, e) < 0)
            return err_prefix(e, "exog");
        for (size_t j = 0; j < p->nexog; j++)
            if (strcmp(p->exog[j].text, x->text) == 0)
                return err_set(e, ERR_USAGE, 0, "exog names %s twice", x->text);
        p->nexog++;
        if (!comma)
            break;
        at = comma + 1;
    }
    p->spec.k_exog = (int)p->nexog;
    return 0;
}

/* Stores the value v of pi into p (v checked against pi). */
static int set_value(struct forecast_params *p, const struct forecast_param_info *pi, const char *v,
                     struct err *e)
{
    int o[4], c = 0;
    long n;
    double x;

    switch (pi->kind) {
    case FORECAST_K_SERIES:
        return series_spec_parse(v, &p->series, e);
    case FORECAST_K_SERIES_LIST:
        return set_exog(p, v, e);
    case FORECAST_K_DATE:
        return set_day(p, pi, v, e);
    case FORECAST_K_COUNT:
        if (parse_uint(v, strlen(v), pi->hi[0], &n) < 0 || n < pi->lo[0])
            return bad_value(pi, v, e);
        if (pi->bit == FORECAST_P_HORIZON)
            p->horizon = (size_t)n;
        else if (pi->bit == FORECAST_P_FOLDS)
            p->folds = (size_t)n;
        else /* FORECAST_P_MAXITER */
            p->maxiter = (int)n;
        return 0;
    case FORECAST_K_ORDER:
        if (parse_parts(pi, v, o) < 0)
            return bad_value(pi, v, e);
        if (pi->bit == FORECAST_P_ORDER) {
            p->spec.p = o[0];
            p->spec.d = o[1];
            p->spec.q = o[2];
        } else { /* FORECAST_P_SEASONAL_ORDER */
            p->spec.P = o[0];
            p->spec.D = o[1];
            p->spec.Q = o[2];
            p->spec.s = o[3];
        }
        return 0;
    case FORECAST_K_NUMBER: /* FORECAST_P_ALPHA */
        if (text_decimal(v, strlen(v), &x) < 0 || !(x > pi->xlo && x < pi->xhi))
            return bad_value(pi, v, e);
        p->alpha = x;
        return 0;
    case FORECAST_K_CHOICE:
        while (pi->choice(c) && strcmp(pi->choice(c), v) != 0)
            c++;
        if (!pi->choice(c))
            return bad_value(pi, v, e);
        if (pi->bit == FORECAST_P_TREND)
            p->spec.trend = (enum sarimax_trend)c;
        else if (pi->bit == FORECAST_P_FILL)
            p->fill = (enum series_fill)c;
        else /* FORECAST_P_FORMAT */
            p->format = (enum forecast_format)c;
        return 0;
    }
    return bad_value(pi, v, e);
}

void forecast_params_init(struct forecast_params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        int rc = table[i].def ? set_value(p, &table[i], table[i].def, NULL) : 0;
        assert(rc == 0); /* the table's defaults are valid values */
        (void)rc;
    }
    p->given = 0;
}

int forecast_params_set(struct forecast_params *p, const char *name, const char *value,
                        struct err *e)
{
    const struct forecast_param_info *pi = NULL;

    for (size_t i = 0; i < sizeof table / sizeof table[0] && !pi; i++)
        if (strcmp(table[i].name, name) == 0)
            pi = &table[i];
    if (!pi) {
        char shown[80], list[256];
        list_names(list, sizeof list);
        return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" (a forecast takes: %s)",
                       err_quote(name, strlen(name), shown, sizeof shown), list);
    }
    if (p->given & pi->bit)
        return err_set(e, ERR_USAGE, 0, "%s given twice", name);
    p->given |= pi->bit;
    return set_value(p, pi, value, e);
}

size_t forecast_params_hours(const struct forecast_params *p)
{
    return p->to > p->from ? (size_t)((p->to - p->from) / HOUR) : 0;
}

/* The training days in order and at most LIMIT_FORECAST_OBS hours. */
static int check_window(const struct forecast_params *p, struct err *e)
{
    size_t n = forecast_params_hours(p);
    if (!(p->from < p->to))
        return err_set(e, ERR_USAGE, 0, "train_from %s is after train_to %s", p->from_s, p->to_s);
    if (n > LIMIT_FORECAST_OBS)
        return err_set(e, ERR_USAGE, 0,
                       "the training days %s to %s hold %zu hours; at most %d are allowed",
                       p->from_s, p->to_s, n, LIMIT_FORECAST_OBS);
    return 0;
}

int forecast_params_finish_window(const struct forecast_params *p, struct err *e)
{
    const unsigned need =
        FORECAST_P_SERIES | FORECAST_P_TRAIN_FROM | FORECAST_P_TRAIN_TO | FORECAST_P_HORIZON;
    if ((p->given & need) != need)
        return err_set(e, ERR_USAGE, 0, "series, train_from, train_to and horizon are required");
    return check_window(p, e);
}

int forecast_params_finish(struct forecast_params *p, int need_horizon, struct err *e)
{
    const unsigned need = FORECAST_P_SERIES | FORECAST_P_TRAIN_FROM | FORECAST_P_TRAIN_TO |
                          FORECAST_P_ORDER | (need_horizon ? FORECAST_P_HORIZON : 0);
    size_t n;

    if ((p->given & need) != need)
        return err_set(e, ERR_USAGE, 0, "series, train_from, train_to, order%s are required",
                       need_horizon ? " and horizon" : "");
    if (p->folds && !p->horizon)
        return err_set(e, ERR_USAGE, 0, "folds need a horizon (the hours each fold forecasts)");
    if (check_window(p, e) < 0)
        return -1;
    n = forecast_params_hours(p);
    for (size_t j = 0; j < p->nexog; j++)
        if (strcmp(p->exog[j].text, p->series.text) == 0)
            return err_set(e, ERR_USAGE, 0, "exog names the series itself (%s)", p->series.text);
    p->spec.k_exog = (int)p->nexog;
    if (sarimax_check_size(&p->spec, n, e) < 0)
        return -1;
    if (p->folds && backtest_check(&p->spec, n, p->horizon, p->folds, e) < 0)
        return -1;
    return 0;
}

/* ---- PARAMS.json ------------------------------------------------------- */

int forecast_params_read_json(const char *text, size_t len, const char *what,
                              const struct sarimax_spec *sp, const char *const *exog_names,
                              double *out, struct err *e)
{
    size_t np = sarimax_nparams(sp), cur = SIZE_MAX;
    unsigned char *seen = xcalloc(np + 1, 1);
    struct json_tok t;
    struct json_tok_event ev;
    char name[128], shown[80];
    int type, ret = -1;

    json_tok_init(&t);
    if (len > LIMIT_FORECAST_PARAMS_FILE) {
        err_set(e, ERR_USAGE, 0, "%s is larger than %u bytes", what, LIMIT_FORECAST_PARAMS_FILE);
        goto out;
    }
    json_tok_feed(&t, text, len);
    json_tok_end(&t);
    type = json_tok_next(&t, &ev, e);
    if (type == JSON_TOK_ERROR) {
        err_prefix(e, "%s", what);
        goto out;
    }
    if (type != JSON_TOK_BEGIN_OBJECT) {
        err_set(e, ERR_PARSE, (long)ev.start,
                "%s must hold one JSON object of statsmodels parameter names to numbers", what);
        goto out;
    }
    for (;;) {
        type = json_tok_next(&t, &ev, e);
        if (type == JSON_TOK_ERROR) {
            err_prefix(e, "%s", what);
            goto out;
        }
        if (type == JSON_TOK_END_OBJECT && ev.depth == 0)
            break;
        if (type == JSON_TOK_KEY) {
            cur = SIZE_MAX;
            for (size_t i = 0; i < np && cur == SIZE_MAX; i++) {
                sarimax_param_name(sp, exog_names, i, name, sizeof name);
                if (strlen(name) == ev.len && memcmp(name, ev.s, ev.len) == 0)
                    cur = i;
            }
            err_quote(ev.s, ev.len, shown, sizeof shown);
            if (cur == SIZE_MAX) {
                err_set(e, ERR_USAGE, 0, "%s: \"%s\" is not a parameter of this model", what,
                        shown);
                goto out;
            }
            if (seen[cur]++) {
                err_set(e, ERR_USAGE, 0, "%s: \"%s\" is given twice", what, shown);
                goto out;
            }
            continue;
        }
        /* A member's value: a finite number, nothing else. */
        if (type != JSON_TOK_NUMBER || text_decimal(ev.s, ev.len, &out[cur]) < 0 ||
            !isfinite(out[cur])) {
            sarimax_param_name(sp, exog_names, cur, name, sizeof name);
            err_set(e, ERR_PARSE, (long)ev.start,
                    "%s: the value of \"%s\" (byte %zu) must be a finite number", what, name,
                    ev.start);
            goto out;
        }
    }
    type = json_tok_next(&t, &ev, e);
    if (type == JSON_TOK_ERROR) {
        err_prefix(e, "%s", what);
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        if (!seen[i]) {
            sarimax_param_name(sp, exog_names, i, name, sizeof name);
            err_set(e, ERR_USAGE, 0, "%s has no value for parameter \"%s\"", what, name);
            goto out;
        }
    }
    ret = 0;
out:
    json_tok_release(&t);
    free(seen);
    return ret;
}
