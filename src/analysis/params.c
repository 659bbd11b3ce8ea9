/* params: the method tables and the one table-driven parser behind the
 * five per-method functions (see params.h). */
#include "analysis/params.h"

#include "query/query.h"

#include "text.h"
#include "timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[ANALYSIS_METHODS] = {"stl", "spectrogram", "outliers",
                                                           "anomalies", "correlate"};

const char *analysis_method_name(enum analysis_method m)
{
    return method_names[m];
}

void analysis_method_list(const char *last, char *out, size_t n)
{
    size_t used = 0;
    if (n)
        out[0] = '\0';
    for (int i = 0; i < ANALYSIS_METHODS && used < n; i++) {
        int k = snprintf(out + used, n - used, "%s%s",
                         i == 0 ? "" : (i + 1 == ANALYSIS_METHODS ? last : ", "), method_names[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

int analysis_method_parse(const char *s, enum analysis_method *out)
{
    for (int i = 0; i < ANALYSIS_METHODS; i++) {
        if (strcmp(s, method_names[i]) == 0) {
            *out = (enum analysis_method)i;
            return 0;
        }
    }
    return -1;
}

/* The request fields a row can set. */
enum field {
    F_SERIES,
    F_X,
    F_Y,
    F_FROM,
    F_TO,
    F_FILL,
    F_PERIOD,
    F_SEASONAL,
    F_TREND,
    F_LOW_PASS,
    F_SEASONAL_DEG,
    F_TREND_DEG,
    F_LOW_PASS_DEG,
    F_SEASONAL_JUMP,
    F_TREND_JUMP,
    F_LOW_PASS_JUMP,
    F_ROBUST,
    F_INNER,
    F_OUTER,
    F_SPEC_WINDOW,
    F_OVERLAP,
    F_WINDOW_FN,
    F_DETREND,
    F_SCALING,
    F_CUTOFF,
    F_K,
    F_NEIGHBORS,
    F_CONTAMINATION,
    F_CORR_WINDOW,
    F_LAG,
    F_LAG_RANGE
};

#define W LIMIT_ANALYSIS_WINDOW
#define COMMON                                                                                     \
    {"from",                                                                                       \
     ANALYSIS_P_DATE,                                                                              \
     0,                                                                                            \
     0,                                                                                            \
     "YYYY-MM-DD",                                                                                 \
     NULL,                                                                                         \
     "first Oslo day of the range (its 00:00 hour)",                                               \
     F_FROM},                                                                                      \
        {"to",                                                                                     \
         ANALYSIS_P_DATE,                                                                          \
         0,                                                                                        \
         0,                                                                                        \
         "YYYY-MM-DD",                                                                             \
         NULL,                                                                                     \
         "last Oslo day of the range (up to its last hour), inclusive",                            \
         F_TO},                                                                                    \
    {                                                                                              \
        "fill", ANALYSIS_P_CHOICE, 0, 0, "none|linear", "none",                                    \
            "gaps inside the range: refuse them, or interpolate linearly", F_FILL                  \
    }
#define SERIES_ROW                                                                                 \
    {                                                                                              \
        "series", ANALYSIS_P_SERIES, 0, 0, "DATASET:AREA:GROUP", NULL,                             \
            "the series, e.g. production:NO5:hydro", F_SERIES                                      \
    }

static const struct analysis_param stl_table[] = {
    SERIES_ROW,
    COMMON,
    {"period", ANALYSIS_P_INT, 2, W, "N", "168", "samples (hours) per seasonal cycle", F_PERIOD},
    {"seasonal", ANALYSIS_P_ODD, 7, W, "N", "7", "length of the seasonal smoother, in cycles",
     F_SEASONAL},
    {"trend", ANALYSIS_P_ODD, 3, W, "N",
     "auto: the smallest odd >= 1.5 period / (1 - 1.5 / seasonal)",
     "length of the trend smoother in hours; must exceed period", F_TREND},
    {"low_pass", ANALYSIS_P_ODD, 3, W, "N", "auto: the smallest odd > period",
     "length of the low-pass filter in hours; must exceed period", F_LOW_PASS},
    {"seasonal_deg", ANALYSIS_P_INT, 0, 1, "0|1", "1",
     "degree of the seasonal LOESS (0 constant, 1 linear)", F_SEASONAL_DEG},
    {"trend_deg", ANALYSIS_P_INT, 0, 1, "0|1", "1", "degree of the trend LOESS", F_TREND_DEG},
    {"low_pass_deg", ANALYSIS_P_INT, 0, 1, "0|1", "1", "degree of the low-pass LOESS",
     F_LOW_PASS_DEG},
    {"seasonal_jump", ANALYSIS_P_INT, 1, W, "N", "1",
     "fit the seasonal LOESS every N points, interpolate between", F_SEASONAL_JUMP},
    {"trend_jump", ANALYSIS_P_INT, 1, W, "N", "1", "fit the trend LOESS every N points",
     F_TREND_JUMP},
    {"low_pass_jump", ANALYSIS_P_INT, 1, W, "N", "1", "fit the low-pass LOESS every N points",
     F_LOW_PASS_JUMP},
    {"robust", ANALYSIS_P_BOOL, 0, 0, "true|false", "false",
     "robustness weights, so outliers do not bend trend and season", F_ROBUST},
    {"inner", ANALYSIS_P_INT, 1, LIMIT_ANALYSIS_ITER, "N", "2 if robust, else 5",
     "passes of the inner loop (season and trend)", F_INNER},
    {"outer", ANALYSIS_P_INT, 0, LIMIT_ANALYSIS_ITER, "N", "15 if robust, else 0",
     "passes of the outer loop (robustness weights)", F_OUTER},
};

static const struct analysis_param spectrogram_table[] = {
    SERIES_ROW,
    COMMON,
    {"window", ANALYSIS_P_INT, 2, W, "N", "168", "samples (hours) per segment", F_SPEC_WINDOW},
    {"overlap", ANALYSIS_P_INT, 0, W - 1, "N", "window / 2",
     "samples shared by consecutive segments; less than window", F_OVERLAP},
    {"window_fn", ANALYSIS_P_CHOICE, 0, 0, "hann|hamming|boxcar", "hann",
     "taper applied to each segment (scipy's periodic windows)", F_WINDOW_FN},
    {"detrend", ANALYSIS_P_CHOICE, 0, 0, "constant|linear|none", "constant",
     "removed from each segment before the transform", F_DETREND},
    {"scaling", ANALYSIS_P_CHOICE, 0, 0, "density|spectrum", "density",
     "power spectral density (per cycle/day) or power spectrum", F_SCALING},
};

static const struct analysis_param outliers_table[] = {
    SERIES_ROW,
    COMMON,
    {"cutoff", ANALYSIS_P_INT, 0, LIMIT_ANALYSIS_POINTS - 1, "N", "30",
     "DCT coefficients removed (the slow seasonal part); less than the hours", F_CUTOFF},
    {"k", ANALYSIS_P_NUM, 0, 100, "X", "3", "bound width in robust sigmas (1.4826 MAD)", F_K},
};

static const struct analysis_param anomalies_table[] = {
    {"series", ANALYSIS_P_SERIES_N, 1, LIMIT_ANALYSIS_SERIES, "DATASET:AREA:GROUP[,...]", NULL,
     "one or more series, repeated or comma-separated (one variable each)", F_SERIES},
    COMMON,
    {"neighbors", ANALYSIS_P_INT, 1, LIMIT_ANALYSIS_NEIGHBORS, "N", "20",
     "neighbours whose density a point is compared with", F_NEIGHBORS},
    {"contamination", ANALYSIS_P_SHARE, 0, 0.5, "X|auto", "0.01",
     "share of hours flagged (auto: scores below -1.5)", F_CONTAMINATION},
};

static const struct analysis_param correlate_table[] = {
    {"x", ANALYSIS_P_SERIES, 0, 0, "DATASET:AREA:GROUP", NULL,
     "the series shifted by lag, e.g. production:NO1:hydro", F_X},
    {"y", ANALYSIS_P_SERIES, 0, 0, "DATASET:AREA:GROUP", NULL, "the other series", F_Y},
    COMMON,
    {"window", ANALYSIS_P_INT, 2, W, "N", "168", "hours per centred window", F_CORR_WINDOW},
    {"lag", ANALYSIS_P_INT, -LIMIT_ANALYSIS_LAG, LIMIT_ANALYSIS_LAG, "N", "0",
     "hours x is shifted by (positive: x later), negative allowed", F_LAG},
    {"lag_range", ANALYSIS_P_RANGE, -LIMIT_ANALYSIS_LAG, LIMIT_ANALYSIS_LAG, "MIN:MAX", "none",
     "find the lag of the strongest whole-range correlation", F_LAG_RANGE},
};

#undef W

static const struct {
    const struct analysis_param *rows;
    size_t n;
} tables[ANALYSIS_METHODS] = {
    {stl_table, sizeof stl_table / sizeof stl_table[0]},
    {spectrogram_table, sizeof spectrogram_table / sizeof spectrogram_table[0]},
    {outliers_table, sizeof outliers_table / sizeof outliers_table[0]},
    {anomalies_table, sizeof anomalies_table / sizeof anomalies_table[0]},
    {correlate_table, sizeof correlate_table / sizeof correlate_table[0]},
};

/* The largest table has fewer rows than this. */
#define MAX_ROWS 32

const struct analysis_param *analysis_params_table(enum analysis_method m, size_t *n)
{
    *n = tables[m].n;
    return tables[m].rows;
}

void analysis_param_range(const struct analysis_param *p, char *out, size_t n)
{
    switch (p->kind) {
    case ANALYSIS_P_INT:
        snprintf(out, n, "an integer from %.0f to %.0f", p->lo, p->hi);
        break;
    case ANALYSIS_P_ODD:
        snprintf(out, n, "an odd integer from %.0f to %.0f", p->lo, p->hi);
        break;
    case ANALYSIS_P_NUM:
        snprintf(out, n, "a number > %g and <= %g", p->lo, p->hi);
        break;
    case ANALYSIS_P_SHARE:
        snprintf(out, n, "a number > %g and <= %g, or auto", p->lo, p->hi);
        break;
    case ANALYSIS_P_BOOL:
        snprintf(out, n, "true or false");
        break;
    case ANALYSIS_P_CHOICE: {
        /* "a|b|c" -> "one of a, b, c" */
        size_t used = (size_t)snprintf(out, n, "one of ");
        for (const char *c = p->value; *c && used + 3 < n; c++) {
            if (*c == '|') {
                out[used++] = ',';
                out[used++] = ' ';
            } else {
                out[used++] = *c;
            }
        }
        out[used < n ? used : n - 1] = '\0';
        break;
    }
    case ANALYSIS_P_SERIES:
        snprintf(out, n, "DATASET:AREA:GROUP, e.g. production:NO5:hydro");
        break;
    case ANALYSIS_P_SERIES_N:
        snprintf(out, n, "1 to %.0f series DATASET:AREA:GROUP", p->hi);
        break;
    case ANALYSIS_P_DATE:
        snprintf(out, n, "an Oslo date YYYY-MM-DD (or YYYY-MM), years %d to %d", RECORD_YEAR_MIN,
                 RECORD_YEAR_MAX);
        break;
    case ANALYSIS_P_RANGE:
        snprintf(out, n, "MIN:MAX with integers from %.0f to %.0f, at most %d lags", p->lo, p->hi,
                 LIMIT_ANALYSIS_LAGS);
        break;
    }
}

/* "must be <range>, not "<value>"" for row p given as name. */
static int bad_value(const struct analysis_param *p, const char *name, const char *value,
                     struct err *e)
{
    char range[160], shown[48];
    analysis_param_range(p, range, sizeof range);
    return err_set(e, ERR_USAGE, 0, "%s must be %s, not \"%s\"", name, range,
                   err_quote(value, strlen(value), shown, sizeof shown));
}

/* A whole-string decimal integer. */
static int parse_long(const char *s, long *out)
{
    char *end;
    long v;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* A plain decimal (text_decimal: no hex, inf or nan). */
static int parse_double(const char *s, double *out)
{
    return text_decimal(s, strlen(s), out);
}

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no"))
        *out = 0;
    else
        return -1;
    return 0;
}

/* What one pass over the pairs collects before the cross-checks. */
struct state {
    int seen[MAX_ROWS];
    /* STL values that default from others; 0 = not given. */
    int trend, low_pass, inner, outer, overlap_given;
};

static int set_series(struct analysis_request *r, size_t slot, const char *name, const char *value,
                      struct err *e)
{
    if (series_spec_parse(value, &r->series[slot], e) < 0)
        return err_prefix(e, "%s", name);
    if (slot >= r->nseries)
        r->nseries = slot + 1;
    return 0;
}

static int set_series_list(const struct analysis_param *p, struct analysis_request *r,
                           const char *name, const char *value, struct err *e)
{
    const char *s = value;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        char one[LIMIT_ANALYSIS_SPEC];
        if (r->nseries >= (size_t)p->hi)
            return err_set(e, ERR_USAGE, 0, "%s names more than %.0f series", name, p->hi);
        if (len >= sizeof one)
            return err_set(e, ERR_USAGE, 0, "%s: a series spec is too long", name);
        memcpy(one, s, len);
        one[len] = '\0';
        if (set_series(r, r->nseries, name, one, e) < 0)
            return -1;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

static int set_range(const struct analysis_param *p, struct analysis_request *r, const char *name,
                     const char *value, struct err *e)
{
    const char *colon = strchr(value, ':');
    char lo[24];
    long a, b;
    if (!colon || (size_t)(colon - value) >= sizeof lo)
        return bad_value(p, name, value, e);
    memcpy(lo, value, (size_t)(colon - value));
    lo[colon - value] = '\0';
    if (parse_long(lo, &a) < 0 || parse_long(colon + 1, &b) < 0 || a < p->lo || b > p->hi ||
        a > b || b - a + 1 > LIMIT_ANALYSIS_LAGS)
        return bad_value(p, name, value, e);
    r->correlate.has_range = 1;
    r->correlate.lag_min = (int)a;
    r->correlate.lag_max = (int)b;
    return 0;
}

static int set_choice(const struct analysis_param *p, struct analysis_request *r, const char *name,
                      const char *value, struct err *e)
{
    int ok = -1;
    switch (p->field) {
    case F_FILL:
        ok = series_fill_parse(value, &r->fill);
        break;
    case F_WINDOW_FN:
        ok = spectrogram_window_parse(value, &r->spectrogram.fn);
        break;
    case F_DETREND:
        ok = spectrogram_detrend_parse(value, &r->spectrogram.detrend);
        break;
    case F_SCALING:
        ok = spectrogram_scaling_parse(value, &r->spectrogram.scaling);
        break;
    }
    return ok < 0 ? bad_value(p, name, value, e) : 0;
}

static void set_int(struct analysis_request *r, struct state *st, int field, int v)
{
    switch (field) {
    case F_PERIOD:
        r->stl.period = v;
        break;
    case F_SEASONAL:
        r->stl.seasonal = v;
        break;
    case F_TREND:
        st->trend = v;
        break;
    case F_LOW_PASS:
        st->low_pass = v;
        break;
    case F_SEASONAL_DEG:
        r->stl.seasonal_deg = v;
        break;
    case F_TREND_DEG:
        r->stl.trend_deg = v;
        break;
    case F_LOW_PASS_DEG:
        r->stl.low_pass_deg = v;
        break;
    case F_SEASONAL_JUMP:
        r->stl.seasonal_jump = v;
        break;
    case F_TREND_JUMP:
        r->stl.trend_jump = v;
        break;
    case F_LOW_PASS_JUMP:
        r->stl.low_pass_jump = v;
        break;
    case F_INNER:
        st->inner = v;
        break;
    case F_OUTER:
        st->outer = v + 1; /* 0 is a value here; stored shifted */
        break;
    case F_SPEC_WINDOW:
        r->spectrogram.window = v;
        break;
    case F_OVERLAP:
        r->spectrogram.overlap = v;
        st->overlap_given = 1;
        break;
    case F_CUTOFF:
        r->spc.cutoff = v;
        break;
    case F_NEIGHBORS:
        r->lof.neighbors = v;
        break;
    case F_CORR_WINDOW:
        r->correlate.window = v;
        break;
    case F_LAG:
        r->correlate.lag = v;
        break;
    }
}

/* Parses one pair for row p. */
static int set_one(const struct analysis_param *p, struct analysis_request *r, struct state *st,
                   const char *name, const char *value, struct err *e)
{
    long l;
    double d;
    int b;

    switch (p->kind) {
    case ANALYSIS_P_INT:
    case ANALYSIS_P_ODD:
        if (parse_long(value, &l) < 0 || l < p->lo || l > p->hi ||
            (p->kind == ANALYSIS_P_ODD && l % 2 == 0))
            return bad_value(p, name, value, e);
        set_int(r, st, p->field, (int)l);
        return 0;
    case ANALYSIS_P_NUM:
    case ANALYSIS_P_SHARE:
        if (p->kind == ANALYSIS_P_SHARE && strcmp(value, "auto") == 0) {
            d = 0.0; /* lof_params: 0 is "auto" */
        } else if (parse_double(value, &d) < 0 || !(d > p->lo) || !(d <= p->hi)) {
            return bad_value(p, name, value, e);
        }
        if (p->field == F_K)
            r->spc.k = d;
        else
            r->lof.contamination = d;
        return 0;
    case ANALYSIS_P_BOOL:
        if (parse_bool(value, &b) < 0)
            return bad_value(p, name, value, e);
        r->stl.robust = b;
        return 0;
    case ANALYSIS_P_CHOICE:
        return set_choice(p, r, name, value, e);
    case ANALYSIS_P_SERIES:
        return set_series(r, p->field == F_Y ? 1 : 0, name, value, e);
    case ANALYSIS_P_SERIES_N:
        return set_series_list(p, r, name, value, e);
    case ANALYSIS_P_DATE:
        /* The one selection parser: Oslo dates, its years and messages. */
        return select_set(&r->range, SELECT_FROM | SELECT_TO, p->name, value, e);
    case ANALYSIS_P_RANGE:
        return set_range(p, r, name, value, e);
    }
    return -1;
}

/* The canonical form of a given name ('-' as '_'); "" if too long. */
static void canonical(const char *name, char *out, size_t n)
{
    size_t i;
    for (i = 0; name[i] && i + 1 < n; i++)
        out[i] = name[i] == '-' ? '_' : name[i];
    out[name[i] ? 0 : i] = '\0';
}

static void defaults(enum analysis_method m, struct analysis_request *r)
{
    memset(r, 0, sizeof *r);
    r->method = m;
    select_init(&r->range);
    r->fill = SERIES_FILL_NONE;
    stl_params_default(&r->stl, 168, 0);
    r->spectrogram.window = 168;
    r->spectrogram.fn = SPECTROGRAM_HANN;
    r->spectrogram.detrend = SPECTROGRAM_DETREND_CONSTANT;
    r->spectrogram.scaling = SPECTROGRAM_DENSITY;
    r->spectrogram.fs = 24.0;
    r->spc.cutoff = 30;
    r->spc.k = 3.0;
    r->lof.neighbors = 20;
    r->lof.contamination = 0.01;
    r->correlate.window = 168;
}

static const struct analysis_param *find_row(enum analysis_method m, const char *name, int *at)
{
    for (size_t i = 0; i < tables[m].n; i++) {
        if (strcmp(tables[m].rows[i].name, name) == 0) {
            *at = (int)i;
            return &tables[m].rows[i];
        }
    }
    return NULL;
}

static int unknown(enum analysis_method m, const char *name, struct err *e)
{
    char list[400] = "", shown[48];
    size_t used = 0;
    for (size_t i = 0; i < tables[m].n; i++) {
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         tables[m].rows[i].name);
        if (k > 0 && (size_t)k < sizeof list - used)
            used += (size_t)k;
    }
    return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" for %s (known: %s)",
                   err_quote(name, strlen(name), shown, sizeof shown), method_names[m], list);
}

/* Checks that need several parameters and the range's length. */
static int cross_check(struct analysis_request *r, struct state *st, struct err *e)
{
    enum analysis_method m = r->method;
    size_t n = r->hours;

    switch (m) {
    case ANALYSIS_STL: {
        struct stl_params *s = &r->stl;
        double work;
        s->trend = st->trend ? st->trend : stl_default_trend(s->period, s->seasonal);
        s->low_pass = st->low_pass ? st->low_pass : stl_default_low_pass(s->period);
        s->inner = st->inner ? st->inner : (s->robust ? 2 : 5);
        s->outer = st->outer ? st->outer - 1 : (s->robust ? 15 : 0);
        if (s->trend <= s->period || s->trend > LIMIT_ANALYSIS_WINDOW)
            return err_set(e, ERR_USAGE, 0,
                           "trend must be an odd integer greater than period (%d) and at most "
                           "%d, not %d",
                           s->period, LIMIT_ANALYSIS_WINDOW, s->trend);
        if (s->low_pass <= s->period || s->low_pass > LIMIT_ANALYSIS_WINDOW)
            return err_set(e, ERR_USAGE, 0,
                           "low_pass must be an odd integer greater than period (%d) and at "
                           "most %d, not %d",
                           s->period, LIMIT_ANALYSIS_WINDOW, s->low_pass);
        if (n < 2 * (size_t)s->period)
            return err_set(e, ERR_USAGE, 0,
                           "STL needs at least two periods: period %d needs %d hours, the range "
                           "has %zu",
                           s->period, 2 * s->period, n);
        work = (double)n * (s->seasonal + s->trend + s->low_pass) * s->inner * (s->outer + 1);
        if (work > LIMIT_ANALYSIS_WORK)
            return err_set(e, ERR_USAGE, 0,
                           "STL of %zu hours with these windows and passes is %.3g window "
                           "points, more than the cap of %.3g: shorten the range, the windows "
                           "or the passes",
                           n, work, LIMIT_ANALYSIS_WORK);
        return 0;
    }
    case ANALYSIS_SPECTROGRAM: {
        struct spectrogram_params *s = &r->spectrogram;
        double cells;
        if (!st->overlap_given)
            s->overlap = s->window / 2;
        if (s->overlap >= s->window)
            return err_set(e, ERR_USAGE, 0,
                           "overlap must be an integer from 0 to window - 1 (%d), not %d",
                           s->window - 1, s->overlap);
        if ((size_t)s->window > n)
            return err_set(e, ERR_USAGE, 0,
                           "window must be at most the hours in the range (%zu), not %d", n,
                           s->window);
        cells = (double)spectrogram_segments(n, s) * (s->window / 2 + 1);
        if (cells > LIMIT_ANALYSIS_CELLS)
            return err_set(e, ERR_USAGE, 0,
                           "the spectrogram would have %.0f cells (segments x frequencies), "
                           "more than the cap of %u: use a smaller overlap or window",
                           cells, LIMIT_ANALYSIS_CELLS);
        return 0;
    }
    case ANALYSIS_OUTLIERS:
        if ((size_t)r->spc.cutoff >= n)
            return err_set(e, ERR_USAGE, 0,
                           "cutoff must be less than the hours in the range (%zu), not %d", n,
                           r->spc.cutoff);
        return 0;
    case ANALYSIS_ANOMALIES: {
        size_t k = (size_t)r->lof.neighbors < n ? (size_t)r->lof.neighbors : n - 1;
        if (n < 2)
            return err_set(e, ERR_USAGE, 0, "LOF needs at least 2 hours, the range has %zu", n);
        if ((double)n * (double)k > LIMIT_ANALYSIS_LOF_CELLS)
            return err_set(e, ERR_USAGE, 0,
                           "LOF of %zu hours with %zu neighbours keeps %zu neighbour entries, "
                           "more than the cap of %u: shorten the range or use fewer neighbours",
                           n, k, n * k, LIMIT_ANALYSIS_LOF_CELLS);
        return 0;
    }
    case ANALYSIS_CORRELATE:
        if ((size_t)r->correlate.window > n)
            return err_set(e, ERR_USAGE, 0,
                           "window must be at most the hours in the range (%zu), not %d", n,
                           r->correlate.window);
        return 0;
    }
    return 0;
}

int analysis_params_parse(enum analysis_method m, const struct analysis_pair *p, size_t n,
                          struct analysis_request *out, struct err *e)
{
    struct state st;

    defaults(m, out);
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < n; i++) {
        char name[48];
        int at;
        const struct analysis_param *row;
        canonical(p[i].name, name, sizeof name);
        if (!(row = find_row(m, name, &at))) {
            unknown(m, p[i].name, e);
            goto fail;
        }
        if (st.seen[at]++ && row->kind != ANALYSIS_P_SERIES_N) {
            err_set(e, ERR_USAGE, 0, "%s is given more than once", row->name);
            goto fail;
        }
        if (set_one(row, out, &st, p[i].name, p[i].value, e) < 0)
            goto fail;
    }
    for (size_t i = 0; i < tables[m].n; i++) {
        if (!tables[m].rows[i].def && !st.seen[i]) {
            err_set(e, ERR_USAGE, 0, "%s is required (%s)", tables[m].rows[i].name,
                    tables[m].rows[i].help);
            goto fail;
        }
    }
    if (select_finish(&out->range, 1, e) < 0)
        goto fail;
    out->from = out->range.from;
    out->to = out->range.to;
    out->hours = (size_t)query_period_hours(out->from, out->to);
    if (out->hours > LIMIT_ANALYSIS_POINTS) {
        err_set(e, ERR_USAGE, 0,
                "from %s to %s is %zu hours; at most %u hours can be analysed at once",
                out->range.from_s, out->range.to_s, out->hours, LIMIT_ANALYSIS_POINTS);
        goto fail;
    }
    if (cross_check(out, &st, e) < 0)
        goto fail;
    return 0;
fail:
    defaults(m, out);
    return -1;
}

int analysis_params_help(enum analysis_method m, struct buf *b)
{
    int rc = 0;
    for (size_t i = 0; i < tables[m].n; i++) {
        const struct analysis_param *p = &tables[m].rows[i];
        char opt[48], range[160];
        size_t j;
        for (j = 0; p->name[j] && j + 1 < sizeof opt; j++)
            opt[j] = p->name[j] == '_' ? '-' : p->name[j];
        opt[j] = '\0';
        analysis_param_range(p, range, sizeof range);
        if (p->kind == ANALYSIS_P_BOOL)
            rc |= buf_printf(b, "  --%s\n", opt);
        else
            rc |= buf_printf(b, "  --%s %s\n", opt, p->value);
        rc |= buf_printf(b, "      %s\n", p->help);
        if (p->def)
            rc |= buf_printf(b, "      default %s; %s\n", p->def, range);
        else
            rc |= buf_printf(b, "      required; %s\n", range);
    }
    return rc < 0 ? -1 : 0;
}
