/* forecast/params: the request parameter parser and the PARAMS.json reader
 * (see params.h). */
#include "forecast/params.h"

#include "forecast/backtest.h"
#include "json_tok.h"
#include "mem.h"
#include "record.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

static const struct {
    const char *name;
    unsigned bit;
} names[] = {
    {"series", FORECAST_P_SERIES},     {"train_from", FORECAST_P_TRAIN_FROM},
    {"train_to", FORECAST_P_TRAIN_TO}, {"horizon", FORECAST_P_HORIZON},
    {"order", FORECAST_P_ORDER},       {"seasonal_order", FORECAST_P_SEASONAL_ORDER},
    {"trend", FORECAST_P_TREND},       {"exog", FORECAST_P_EXOG},
    {"alpha", FORECAST_P_ALPHA},       {"folds", FORECAST_P_FOLDS},
    {"maxiter", FORECAST_P_MAXITER},   {"fill", FORECAST_P_FILL},
    {"format", FORECAST_P_FORMAT},
};

const char *forecast_params_names(void)
{
    return "series, train_from, train_to, horizon, order, seasonal_order, trend, exog, alpha, "
           "folds, maxiter, fill, format";
}

void forecast_params_init(struct forecast_params *p)
{
    memset(p, 0, sizeof *p);
    p->spec.trend = SARIMAX_TREND_N;
    p->alpha = 0.05;
    p->fill = SERIES_FILL_NONE;
    p->format = FORECAST_JSON;
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

/* Exactly n comma-separated whole numbers, each at most max[i]. */
static int parse_list(const char *s, int n, const int *max, int *out)
{
    for (int i = 0; i < n; i++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        long v;
        if ((comma != NULL) != (i + 1 < n) || parse_uint(s, len, max[i], &v) < 0)
            return -1;
        out[i] = (int)v;
        s += len + 1;
    }
    return 0;
}

static int set_count(const char *name, const char *v, long lo, long hi, const char *unit, long *out,
                     struct err *e)
{
    char shown[48];
    if (parse_uint(v, strlen(v), hi, out) < 0 || *out < lo)
        return err_set(e, ERR_USAGE, 0, "%s \"%s\": expected %s%s%ld..%ld", name,
                       err_quote(v, strlen(v), shown, sizeof shown), unit, *unit ? " " : "", lo,
                       hi);
    return 0;
}

static int set_day(struct forecast_params *p, const char *name, const char *v, int is_to,
                   struct err *e)
{
    struct select s;
    struct err se = {0};
    char shown[48];

    select_init(&s);
    if (select_set(&s, SELECT_FROM | SELECT_TO, is_to ? "to" : "from", v, &se) < 0)
        return err_set(e, ERR_USAGE, 0,
                       "%s \"%s\": expected an Oslo calendar date YYYY-MM-DD (or YYYY-MM: its "
                       "%s day), years %d-%d",
                       name, err_quote(v, strlen(v), shown, sizeof shown), is_to ? "last" : "first",
                       RECORD_YEAR_MIN, RECORD_YEAR_MAX);
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

int forecast_params_set(struct forecast_params *p, const char *name, const char *value,
                        struct err *e)
{
    unsigned bit = 0;
    char shown[80];
    long v;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            bit = names[i].bit;
    if (!bit)
        return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" (a forecast takes: %s)",
                       err_quote(name, strlen(name), shown, sizeof shown), forecast_params_names());
    if (p->given & bit)
        return err_set(e, ERR_USAGE, 0, "%s given twice", name);
    p->given |= bit;
    err_quote(value, strlen(value), shown, sizeof shown);
    switch (bit) {
    case FORECAST_P_SERIES:
        return series_spec_parse(value, &p->series, e);
    case FORECAST_P_TRAIN_FROM:
        return set_day(p, name, value, 0, e);
    case FORECAST_P_TRAIN_TO:
        return set_day(p, name, value, 1, e);
    case FORECAST_P_HORIZON:
        if (set_count(name, value, 1, LIMIT_FORECAST_HORIZON, "hours", &v, e) < 0)
            return -1;
        p->horizon = (size_t)v;
        return 0;
    case FORECAST_P_ORDER: {
        const int max[] = {LIMIT_FORECAST_ORDER, LIMIT_FORECAST_DIFF, LIMIT_FORECAST_ORDER};
        int o[3];
        if (parse_list(value, 3, max, o) < 0)
            return err_set(e, ERR_USAGE, 0,
                           "order \"%s\": expected p,d,q with p and q in 0..%d and d in 0..%d",
                           shown, LIMIT_FORECAST_ORDER, LIMIT_FORECAST_DIFF);
        p->spec.p = o[0];
        p->spec.d = o[1];
        p->spec.q = o[2];
        return 0;
    }
    case FORECAST_P_SEASONAL_ORDER: {
        const int max[] = {LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_SEASONAL_DIFF,
                           LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_PERIOD};
        int o[4];
        if (parse_list(value, 4, max, o) < 0 || (o[3] == 1) || ((o[0] || o[1] || o[2]) && !o[3]))
            return err_set(e, ERR_USAGE, 0,
                           "seasonal_order \"%s\": expected P,D,Q,s with P and Q in 0..%d, D in "
                           "0..%d and the seasonal period s in 2..%d hours (0,0,0,0: none)",
                           shown, LIMIT_FORECAST_SEASONAL_ORDER, LIMIT_FORECAST_SEASONAL_DIFF,
                           LIMIT_FORECAST_PERIOD);
        p->spec.P = o[0];
        p->spec.D = o[1];
        p->spec.Q = o[2];
        p->spec.s = o[3];
        return 0;
    }
    case FORECAST_P_TREND:
        if (sarimax_trend_parse(value, &p->spec.trend) < 0)
            return err_set(e, ERR_USAGE, 0,
                           "trend \"%s\": expected n (none), c (constant), t (linear in time) or "
                           "ct (both)",
                           shown);
        return 0;
    case FORECAST_P_EXOG:
        return set_exog(p, value, e);
    case FORECAST_P_ALPHA:
        if (text_decimal(value, strlen(value), &p->alpha) < 0 || !(p->alpha > 0 && p->alpha < 1))
            return err_set(e, ERR_USAGE, 0,
                           "alpha \"%s\": expected a number between 0 and 1, exclusive (the "
                           "intervals cover 1 - alpha)",
                           shown);
        return 0;
    case FORECAST_P_FOLDS:
        if (set_count(name, value, 0, LIMIT_FORECAST_FOLDS, "", &v, e) < 0)
            return -1;
        p->folds = (size_t)v;
        return 0;
    case FORECAST_P_MAXITER:
        if (set_count(name, value, 1, LIMIT_FORECAST_MAXITER, "iterations", &v, e) < 0)
            return -1;
        p->maxiter = (int)v;
        return 0;
    case FORECAST_P_FILL:
        if (series_fill_parse(value, &p->fill) < 0)
            return err_set(e, ERR_USAGE, 0,
                           "fill \"%s\": expected none (refuse gaps) or linear (interpolate them)",
                           shown);
        return 0;
    default: /* FORECAST_P_FORMAT */
        if (strcmp(value, "json") == 0)
            p->format = FORECAST_JSON;
        else if (strcmp(value, "csv") == 0)
            p->format = FORECAST_CSV;
        else
            return err_set(e, ERR_USAGE, 0, "format \"%s\": expected json or csv", shown);
        return 0;
    }
}

size_t forecast_params_hours(const struct forecast_params *p)
{
    return p->to > p->from ? (size_t)((p->to - p->from) / HOUR) : 0;
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
    if (!(p->from < p->to))
        return err_set(e, ERR_USAGE, 0, "train_from %s is after train_to %s", p->from_s, p->to_s);
    n = forecast_params_hours(p);
    if (n > LIMIT_FORECAST_OBS)
        return err_set(e, ERR_USAGE, 0,
                       "the training days %s to %s hold %zu hours; at most %d are allowed",
                       p->from_s, p->to_s, n, LIMIT_FORECAST_OBS);
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
