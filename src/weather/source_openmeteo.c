/* weather/source_openmeteo: hourly ERA5 weather from Open-Meteo's archive
 * API as a source (src/source/source.h): one request per Oslo calendar
 * month and location, always in GMT with wind in m/s; the decoder of its
 * JSON answers and of the CSV files people save of them (with or without
 * the metadata lines, units in the header or not); the checks of an answer
 * against the request (the grid cell near the point asked for, times
 * inside the days asked for). docs/OPEN-METEO.md is the wire format,
 * docs/WEATHER.md the behaviour. */
#include "source/source.h"

#include "buf.h"
#include "caps.h"
#include "dataset.h"
#include "json_tok.h"
#include "mem.h"
#include "record.h"
#include "text.h"
#include "timeutil.h"
#include "weather/place.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OPENMETEO_USER_AGENT "elhub/" ELHUB_VERSION " (open-data client in C)"

/* The variables, in the order of the dataset's vars (src/dataset.c). */
enum { V_TEMP, V_PRECIP, V_WIND, V_GUST, V_DIR, NV };
static const char *const var_names[NV] = {"temperature_2m", "precipitation", "wind_speed_10m",
                                          "wind_gusts_10m", "wind_direction_10m"};
/* The older names the API still answers to (docs/OPEN-METEO.md). */
static const char *const var_old_names[NV] = {NULL, NULL, "windspeed_10m", "windgusts_10m",
                                              "winddirection_10m"};
/* The order records are handed on: (area, group, time) is the store's key
 * order, and groups sort by name. */
static const int emit_order[NV] = {V_PRECIP, V_TEMP, V_DIR, V_GUST, V_WIND};

static int var_index(const char *s, size_t n)
{
    for (int i = 0; i < NV; i++) {
        if (strlen(var_names[i]) == n && memcmp(s, var_names[i], n) == 0)
            return i;
        if (var_old_names[i] && strlen(var_old_names[i]) == n &&
            memcmp(s, var_old_names[i], n) == 0)
            return i;
    }
    return -1;
}

static int place(const char *area, const char *lat, const char *lon, struct source_place *out,
                 struct err *e)
{
    return weather_place_resolve(area, lat, lon, out, e);
}

static int plan(const struct dataset *ds, const char *from, const char *to,
                const struct source_place *pl, struct source_window **out, size_t *n, struct err *e)
{
    char prefix[LIMIT_NAME + 2];
    *out = NULL;
    *n = 0;
    if (strcmp(ds->source, "openmeteo") != 0)
        return err_set(e, ERR_USAGE, 0, "the dataset %s is not served by Open-Meteo", ds->name);
    if (!pl || !pl->key[0])
        return err_set(e, ERR_USAGE, 0,
                       "weather is fetched for one location: give --area (NO1-NO5, meaning its "
                       "city) or --lat and --lon");
    /* The location is part of every key: months of two places are two
     * windows. */
    snprintf(prefix, sizeof prefix, "%s:", pl->key);
    return source_plan_months(from, to, prefix, pl, out, n, e);
}

/* "2019-01-01", NUL included, with room for any int year. */
#define DAY_TEXT 32

/* The UTC day (days since 1970) of instant t. */
static int64_t utc_day(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static void day_text(int64_t day, char out[DAY_TEXT])
{
    int y, m, d;
    timeutil_civil_from_days(day, &y, &m, &d);
    snprintf(out, DAY_TEXT, "%04d-%02d-%02d", y, m, d);
}

/* The UTC days a window asks for: the first day holding its start and the
 * last holding its last hour (an Oslo month starts on the evening before
 * in UTC). */
static void window_days(int64_t from, int64_t to, int64_t *d0, int64_t *d1)
{
    *d0 = utc_day(from);
    *d1 = utc_day(to - 3600);
}

static int url(const char *base_url, const struct dataset *ds, const struct source_window *w,
               struct buf *out, struct err *e)
{
    size_t len = strlen(base_url);
    int64_t d0, d1;
    char a[DAY_TEXT], b[DAY_TEXT];
    (void)ds;
    if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0)
        return err_set(e, ERR_USAGE, 0, "API URL \"%s\" must start with http:// or https://",
                       base_url);
    while (len && base_url[len - 1] == '/')
        len--;
    window_days(w->start, w->end, &d0, &d1);
    day_text(d0, a);
    day_text(d1, b);
    if (buf_printf(out,
                   "%.*s/archive?latitude=%.4f&longitude=%.4f&start_date=%s&end_date=%s"
                   "&hourly=temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,"
                   "wind_direction_10m&models=era5&wind_speed_unit=ms&timezone=GMT",
                   (int)len, base_url, w->place.lat, w->place.lon, a, b) < 0)
        return err_set(e, ERR_USAGE, 0, "the request URL is longer than %u bytes", LIMIT_URL);
    return 0;
}

/* ---- the decoder ---- */

enum top { T_NONE, T_LAT, T_LON, T_ELEV, T_OFFSET, T_ERROR, T_REASON, T_UNITS, T_HOURLY };
enum csv_state { C_FIRST, C_META_VALUES, C_HEADER, C_ROWS };

struct series {
    double *v;
    size_t n, cap;
    int present;
    char unit[24]; /* "" = not said */
    int has_unit;
};

struct om {
    const struct dataset *ds;
    struct source_opts o;
    source_record_fn fn;
    void *ctx;
    int kind; /* 0 not yet known, 'j' JSON, 'c' CSV */

    /* JSON */
    struct json_tok tok;
    int started;
    enum top top;
    int sub; /* in hourly/hourly_units: -2 time, 0..NV-1 a variable, -1 another member */

    /* CSV */
    struct buf line;
    size_t lineno;
    enum csv_state cs;
    int meta_col[4]; /* columns of latitude, longitude, elevation, utc_offset_seconds */
    int col_var[LIMIT_CSV_FIELDS]; /* per column: -2 time, -3 location, a variable, -1 ignored */
    size_t ncols;
    /* elhub's own wide CSV (export --dataset weather): a location column
     * first, times with their offsets, every variable in its own unit. */
    int wide;
    char file_loc[LIMIT_NAME]; /* its location ("" until the first row) */

    /* What the body said. */
    int64_t *times; /* naive: as written, read as if UTC */
    size_t nt, tcap;
    int has_time;
    struct series s[NV];
    double lat, lon, elev;
    int has_lat, has_lon, has_elev;
    int has_offset;
    long offset;
    int error_flag;
    char reason[200];
    int has_reason;
    char key[LIMIT_NAME]; /* the location of the records, after finish */
};

static void *decoder_new(const struct dataset *ds, const struct source_opts *o, source_record_fn fn,
                         void *ctx)
{
    struct om *d;
    if (strcmp(ds->source, "openmeteo") != 0)
        return NULL;
    d = xcalloc(1, sizeof *d);
    d->ds = ds;
    d->o = *o;
    d->fn = fn;
    d->ctx = ctx;
    d->elev = NAN;
    json_tok_init(&d->tok);
    buf_init(&d->line, LIMIT_CSV_LINE);
    return d;
}

static void decoder_free(void *p)
{
    struct om *d = p;
    if (!d)
        return;
    json_tok_release(&d->tok);
    buf_release(&d->line);
    for (int i = 0; i < NV; i++)
        free(d->s[i].v);
    free(d->times);
    free(d);
}

static void push_value(struct series *s, double v)
{
    if (s->n == s->cap)
        xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = v;
}

static void push_time(struct om *d, int64_t t)
{
    if (d->nt == d->tcap)
        xgrow((void **)&d->times, &d->tcap, d->nt + 1, sizeof *d->times);
    d->times[d->nt++] = t;
}

static int digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
    int v = 0;
    if (at + k > n)
        return -1;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "2019-01-01T00:00", "2019-01-01 00:00:00", optionally with "Z" or
 * "+01:00" after it: *t the time as written read as UTC, *has_off and *off
 * (seconds east) if it carries an offset. 0, or -1 if it is not one. */
static int parse_time(const char *s, size_t n, int64_t *t, int *has_off, long *off)
{
    int y, mo, dd, h, mi, sec = 0, oh, om;
    size_t i = 16;
    *has_off = 0;
    *off = 0;
    if (n < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
        digits(s, n, 0, 4, &y) < 0 || digits(s, n, 5, 2, &mo) < 0 || digits(s, n, 8, 2, &dd) < 0 ||
        digits(s, n, 11, 2, &h) < 0 || digits(s, n, 14, 2, &mi) < 0)
        return -1;
    if (i < n && s[i] == ':') {
        if (digits(s, n, 17, 2, &sec) < 0)
            return -1;
        i = 19;
    }
    if (i < n && s[i] == 'Z') {
        *has_off = 1;
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (n < i + 6 || s[i + 3] != ':' || digits(s, n, i + 1, 2, &oh) < 0 ||
            digits(s, n, i + 4, 2, &om) < 0 || oh > 23 || om > 59)
            return -1;
        *has_off = 1;
        *off = (s[i] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        i += 6;
    }
    if (i != n || mo < 1 || mo > 12 || dd < 1 || dd > timeutil_days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    *t = timeutil_days_from_civil(y, mo, dd) * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}

static int add_time(struct om *d, const char *s, size_t n, const char *where, struct err *e)
{
    int64_t t;
    int has_off;
    long off;
    char shown[80];
    if (parse_time(s, n, &t, &has_off, &off) < 0)
        return err_set(e, ERR_DATA, 0, "%s: bad time \"%s\" (expected 2019-01-01T00:00)", where,
                       err_quote(s, n, shown, sizeof shown));
    if (has_off)
        t -= off; /* a time that says its offset is read with it */
    else
        t += (int64_t)1 << 62; /* marked: the body's offset applies (finish) */
    push_time(d, t);
    return 0;
}

/* ---- JSON ---- */

static enum top top_key(const char *s, size_t n)
{
    static const struct {
        const char *name;
        enum top t;
    } keys[] = {{"latitude", T_LAT},       {"longitude", T_LON},
                {"elevation", T_ELEV},     {"utc_offset_seconds", T_OFFSET},
                {"error", T_ERROR},        {"reason", T_REASON},
                {"hourly_units", T_UNITS}, {"hourly", T_HOURLY}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].name) == n && memcmp(s, keys[i].name, n) == 0)
            return keys[i].t;
    return T_NONE;
}

static int number(const struct json_tok_event *ev, double *out)
{
    return text_decimal(ev->s, ev->len, out);
}

static int json_event(struct om *d, const struct json_tok_event *ev, struct err *e)
{
    double v;
    if (!d->started) {
        if (ev->type != JSON_TOK_BEGIN_OBJECT)
            return err_set(e, ERR_DATA, 0,
                           "not an Open-Meteo answer: the document is not an "
                           "object");
        d->started = 1;
        return 0;
    }
    if (ev->depth == 1 && ev->type == JSON_TOK_KEY) {
        d->top = top_key(ev->s, ev->len);
        d->sub = -1;
        return 0;
    }
    if (ev->depth == 1 && ev->type != JSON_TOK_END_OBJECT) {
        /* A scalar member of the root (containers open to depth 2). */
        switch (d->top) {
        case T_LAT:
        case T_LON:
        case T_ELEV:
        case T_OFFSET:
            if (ev->type == JSON_TOK_NULL && d->top == T_ELEV)
                return 0;
            if (ev->type != JSON_TOK_NUMBER || number(ev, &v) < 0)
                return err_set(e, ERR_DATA, 0,
                               "not an Open-Meteo answer: a coordinate, the "
                               "elevation or the UTC offset is not a number");
            if (d->top == T_LAT) {
                d->lat = v;
                d->has_lat = 1;
            } else if (d->top == T_LON) {
                d->lon = v;
                d->has_lon = 1;
            } else if (d->top == T_ELEV) {
                d->elev = v;
                d->has_elev = 1;
            } else {
                if (v != floor(v) || fabs(v) > 18 * 3600)
                    return err_set(e, ERR_DATA, 0, "utc_offset_seconds %g is not an offset", v);
                d->offset = (long)v;
                d->has_offset = 1;
            }
            return 0;
        case T_ERROR:
            d->error_flag = ev->type == JSON_TOK_TRUE;
            return 0;
        case T_REASON:
            if (ev->type == JSON_TOK_STRING) {
                err_quote(ev->s, ev->len, d->reason, sizeof d->reason);
                d->has_reason = 1;
            }
            return 0;
        default:
            return 0;
        }
    }
    if (d->top == T_UNITS && ev->depth == 2) {
        if (ev->type == JSON_TOK_KEY) {
            d->sub = var_index(ev->s, ev->len);
        } else if (ev->type == JSON_TOK_STRING && d->sub >= 0) {
            struct series *s = &d->s[d->sub];
            size_t k = ev->len < sizeof s->unit - 1 ? ev->len : sizeof s->unit - 1;
            memcpy(s->unit, ev->s, k);
            s->unit[k] = '\0';
            s->has_unit = 1;
        }
        return 0;
    }
    if (d->top == T_HOURLY && ev->depth == 2 && ev->type == JSON_TOK_KEY) {
        d->sub = ev->len == 4 && memcmp(ev->s, "time", 4) == 0 ? -2 : var_index(ev->s, ev->len);
        if (d->sub == -2) {
            if (d->has_time)
                return err_set(e, ERR_DATA, 0, "hourly.time comes twice");
            d->has_time = 1;
        } else if (d->sub >= 0) {
            if (d->s[d->sub].present)
                return err_set(e, ERR_DATA, 0, "hourly.%s comes twice", var_names[d->sub]);
            d->s[d->sub].present = 1;
        }
        return 0;
    }
    if (d->top == T_HOURLY && ev->depth == 2 && d->sub != -1 && ev->type != JSON_TOK_BEGIN_ARRAY &&
        ev->type != JSON_TOK_END_ARRAY)
        return err_set(e, ERR_DATA, 0, "hourly.%s is not an array",
                       d->sub == -2 ? "time" : var_names[d->sub]);
    if (d->top == T_HOURLY && ev->depth == 3 && d->sub != -1 && ev->type == JSON_TOK_BEGIN_ARRAY)
        return 0; /* the array opens */
    if (d->top == T_HOURLY && ev->depth == 3 && d->sub != -1) {
        if (d->sub == -2) {
            if (ev->type != JSON_TOK_STRING)
                return err_set(e, ERR_DATA, 0, "hourly.time: entry %zu is not a time text",
                               d->nt + 1);
            return add_time(d, ev->s, ev->len, "hourly.time", e);
        }
        if (ev->type == JSON_TOK_NULL) {
            push_value(&d->s[d->sub], NAN); /* missing: never stored */
            return 0;
        }
        if (ev->type != JSON_TOK_NUMBER || number(ev, &v) < 0)
            return err_set(e, ERR_DATA, 0, "hourly.%s: entry %zu is not a number or null",
                           var_names[d->sub], d->s[d->sub].n + 1);
        push_value(&d->s[d->sub], v);
        return 0;
    }
    return 0;
}

static int json_run(struct om *d, struct err *e)
{
    struct json_tok_event ev;
    int type;
    while ((type = json_tok_next(&d->tok, &ev, e)) > JSON_TOK_DONE)
        if (json_event(d, &ev, e) < 0)
            return -1;
    return type == JSON_TOK_ERROR ? -1 : 0;
}

/* ---- CSV ---- */

/* Splits line into fields (a field in double quotes loses them; Open-Meteo
 * writes none with a comma). Returns the count, at most cap. */
static size_t split(const char *line, size_t len, const char **f, size_t *fl, size_t cap)
{
    size_t n = 0, at = 0;
    for (;;) {
        size_t end = at;
        while (end < len && line[end] != ',')
            end++;
        if (n < cap) {
            f[n] = line + at;
            fl[n] = end - at;
            if (fl[n] >= 2 && f[n][0] == '"' && f[n][fl[n] - 1] == '"') {
                f[n]++;
                fl[n] -= 2;
            }
            n++;
        }
        if (end >= len)
            break;
        at = end + 1;
    }
    return n;
}

/* "wind_speed_10m (m/s)" -> the variable (or -1) and its unit. */
static int header_column(struct om *d, const char *s, size_t n)
{
    const char *paren = memchr(s, '(', n);
    size_t name_len = paren ? (size_t)(paren - s) : n;
    int v;
    while (name_len && s[name_len - 1] == ' ')
        name_len--;
    if (name_len == 4 && memcmp(s, "time", 4) == 0)
        return -2;
    v = var_index(s, name_len);
    if (v >= 0 && paren) {
        const char *close = memchr(paren, ')', n - (size_t)(paren - s));
        size_t k = close ? (size_t)(close - paren - 1) : 0;
        struct series *sr = &d->s[v];
        if (k >= sizeof sr->unit)
            k = sizeof sr->unit - 1;
        memcpy(sr->unit, paren + 1, k);
        sr->unit[k] = '\0';
        sr->has_unit = 1;
    }
    return v;
}

/* The header line: time, then the variables (others ignored); or elhub's
 * own wide CSV, location then time then the variables. */
static int csv_header(struct om *d, const char *const *f, const size_t *fl, size_t n, struct err *e)
{
    size_t t0 = 0;
    if (n >= 2 && fl[0] == 8 && memcmp(f[0], "location", 8) == 0 &&
        header_column(d, f[1], fl[1]) == -2) {
        d->wide = 1;
        t0 = 1;
    } else if (header_column(d, f[0], fl[0]) != -2) {
        return err_set(e, ERR_DATA, 0,
                       "line %zu: not an Open-Meteo CSV (the first column is not time, nor "
                       "location then time as elhub exports)",
                       d->lineno);
    }
    d->ncols = n;
    for (size_t i = 0; i < n; i++) {
        d->col_var[i] = i == t0 ? -2 : i < t0 ? -3 : header_column(d, f[i], fl[i]);
        if (i > t0 && d->col_var[i] == -2)
            d->col_var[i] = -1;
        if (d->col_var[i] >= 0) {
            if (d->s[d->col_var[i]].present)
                return err_set(e, ERR_DATA, 0, "line %zu: the column %s comes twice", d->lineno,
                               var_names[d->col_var[i]]);
            d->s[d->col_var[i]].present = 1;
        }
    }
    d->has_time = 1;
    d->cs = C_ROWS;
    return 0;
}

static int csv_line(struct om *d, const char *line, size_t len, struct err *e)
{
    const char *f[LIMIT_CSV_FIELDS];
    size_t fl[LIMIT_CSV_FIELDS], n;
    char where[48];
    double v;

    d->lineno++;
    if (len && line[len - 1] == '\r')
        len--;
    if (d->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (len == 0) {
        if (d->cs == C_ROWS)
            return 0; /* a blank line at the end */
        if (d->cs == C_FIRST || d->cs == C_HEADER)
            return 0;
        return err_set(e, ERR_DATA, 0, "line %zu: the metadata line has no values", d->lineno);
    }
    n = split(line, len, f, fl, LIMIT_CSV_FIELDS);
    snprintf(where, sizeof where, "line %zu", d->lineno);
    switch (d->cs) {
    case C_FIRST:
        if (fl[0] == 8 && memcmp(f[0], "latitude", 8) == 0) {
            static const char *const meta[4] = {"latitude", "longitude", "elevation",
                                                "utc_offset_seconds"};
            for (int k = 0; k < 4; k++) {
                d->meta_col[k] = -1;
                for (size_t i = 0; i < n; i++)
                    if (fl[i] == strlen(meta[k]) && memcmp(f[i], meta[k], fl[i]) == 0)
                        d->meta_col[k] = (int)i;
            }
            d->cs = C_META_VALUES;
            return 0;
        }
        d->cs = C_HEADER;
        return csv_header(d, f, fl, n, e); /* no metadata: this is the header */
    case C_HEADER:
        return csv_header(d, f, fl, n, e);
    case C_META_VALUES: {
        double *dst[4] = {&d->lat, &d->lon, &d->elev, NULL};
        int *has[4] = {&d->has_lat, &d->has_lon, &d->has_elev, &d->has_offset};
        for (int k = 0; k < 4; k++) {
            int c = d->meta_col[k];
            if (c < 0 || (size_t)c >= n || fl[c] == 0)
                continue;
            if (text_decimal(f[c], fl[c], &v) < 0)
                return err_set(e, ERR_DATA, 0,
                               "line %zu: the metadata value of column %d is not "
                               "a number",
                               d->lineno, c + 1);
            if (!dst[k] && (v != floor(v) || fabs(v) > 18 * 3600))
                return err_set(e, ERR_DATA, 0, "line %zu: utc_offset_seconds %g is not an offset",
                               d->lineno, v);
            if (dst[k])
                *dst[k] = v;
            else
                d->offset = (long)v;
            *has[k] = 1;
        }
        d->cs = C_HEADER;
        return 0;
    }
    case C_ROWS:
        if (n != d->ncols)
            return err_set(e, ERR_DATA, 0, "line %zu: %zu fields, the header has %zu", d->lineno, n,
                           d->ncols);
        if (d->wide) {
            char shown[80];
            if (!fl[0] || fl[0] >= sizeof d->file_loc)
                return err_set(e, ERR_DATA, 0, "line %zu: bad location \"%s\"", d->lineno,
                               err_quote(f[0], fl[0], shown, sizeof shown));
            if (!d->file_loc[0]) {
                memcpy(d->file_loc, f[0], fl[0]);
                d->file_loc[fl[0]] = '\0';
            } else if (strlen(d->file_loc) != fl[0] || strncasecmp(d->file_loc, f[0], fl[0]) != 0) {
                return err_set(e, ERR_DATA, 0,
                               "line %zu: location %s after %s: import one location per file "
                               "(export --area A writes one)",
                               d->lineno, err_quote(f[0], fl[0], shown, sizeof shown), d->file_loc);
            }
        }
        if (add_time(d, f[d->wide], fl[d->wide], where, e) < 0)
            return -1;
        for (size_t i = (size_t)d->wide + 1; i < n; i++) {
            int k = d->col_var[i];
            if (k < 0)
                continue;
            if (fl[i] == 0 ||
                (fl[i] == 3 && (memcmp(f[i], "nan", 3) == 0 || memcmp(f[i], "NaN", 3) == 0))) {
                push_value(&d->s[k], NAN); /* missing: never stored */
                continue;
            }
            if (text_decimal(f[i], fl[i], &v) < 0)
                return err_set(e, ERR_DATA, 0, "line %zu: %s is not a number", d->lineno,
                               var_names[k]);
            push_value(&d->s[k], v);
        }
        return 0;
    }
    return 0;
}

static int csv_feed(struct om *d, const char *p, size_t n, struct err *e)
{
    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) : n;
        if (buf_append(&d->line, p, k) < 0)
            return err_set(e, ERR_DATA, 0, "line %zu is longer than %u bytes", d->lineno + 1,
                           LIMIT_CSV_LINE);
        if (!nl)
            return 0;
        if (csv_line(d, d->line.p ? d->line.p : "", d->line.len, e) < 0)
            return -1;
        buf_reset(&d->line);
        p += k + 1;
        n -= k + 1;
    }
    return 0;
}

static int decoder_feed(void *p, const char *chunk, size_t n, struct err *e)
{
    struct om *d = p;
    if (!d->kind) {
        size_t i = 0;
        if (n >= 3 && memcmp(chunk, "\xef\xbb\xbf", 3) == 0)
            i = 3;
        while (i < n && strchr(" \t\r\n", chunk[i]))
            i++;
        if (i == n)
            return 0; /* nothing but blanks yet (they are kept by neither) */
        d->kind = chunk[i] == '{' || chunk[i] == '[' ? 'j' : 'c';
    }
    if (d->kind == 'j') {
        json_tok_feed(&d->tok, chunk, n);
        return json_run(d, e);
    }
    return csv_feed(d, chunk, n, e);
}

/* ---- finish: the checks, then the records ---- */

/* km/h: values are divided by 3.6 (not multiplied by its inverse), so
 * that m/s is exactly km/h / 3.6 as everyone computes it. */
#define KMH (-3.6)

/* The factor that turns a value in unit into the variable's own unit
 * (°C, mm, m/s, °), or 0 for a unit we do not know. Temperature in °F is
 * the one unit with an offset (*add). */
static double unit_factor(int var, const char *unit, double *add)
{
    *add = 0;
    switch (var) {
    case V_TEMP:
        if (strcmp(unit, "\xc2\xb0"
                         "C") == 0 ||
            strcmp(unit, "celsius") == 0)
            return 1;
        if (strcmp(unit, "\xc2\xb0"
                         "F") == 0 ||
            strcmp(unit, "fahrenheit") == 0) {
            *add = -32.0 * 5.0 / 9.0;
            return 5.0 / 9.0;
        }
        return 0;
    case V_PRECIP:
        if (strcmp(unit, "mm") == 0)
            return 1;
        if (strcmp(unit, "inch") == 0)
            return 25.4;
        return 0;
    case V_WIND:
    case V_GUST:
        if (strcmp(unit, "m/s") == 0 || strcmp(unit, "ms") == 0)
            return 1;
        if (strcmp(unit, "km/h") == 0 || strcmp(unit, "kmh") == 0)
            return KMH;
        if (strcmp(unit, "mp/h") == 0 || strcmp(unit, "mph") == 0)
            return 0.44704;
        if (strcmp(unit, "kn") == 0 || strcmp(unit, "knots") == 0)
            return 1852.0 / 3600.0;
        return 0;
    default:
        return strcmp(unit, "\xc2\xb0") == 0 ? 1 : 0;
    }
}

static void offset_text(long off, char out[8])
{
    long a = off < 0 ? -off : off;
    snprintf(out, 8, "%c%02ld:%02ld", off < 0 ? '-' : '+', (a / 3600) % 100, (a / 60) % 60);
}

static int finish_checks(struct om *d, long *offset, double factor[NV], double add[NV],
                         struct err *e)
{
    char a[8], b[8];
    int any = 0;

    if (d->error_flag)
        return err_set(e, ERR_DATA, 0, "Open-Meteo answered an error: %s",
                       d->has_reason ? d->reason : "(no reason given)");
    if (!d->has_time)
        return err_set(e, ERR_DATA, 0, "not an Open-Meteo answer: it has no hourly time list");
    for (int i = 0; i < NV; i++) {
        struct series *s = &d->s[i];
        if (!s->present)
            continue;
        any = 1;
        if (s->n != d->nt)
            return err_set(e, ERR_DATA, 0, "hourly.%s has %zu values for %zu times", var_names[i],
                           s->n, d->nt);
        if (!s->has_unit && (i == V_WIND || i == V_GUST) && d->wide && !d->o.wind_unit) {
            snprintf(s->unit, sizeof s->unit, "m/s"); /* elhub's export: always m/s */
        } else if (!s->has_unit && (i == V_WIND || i == V_GUST)) {
            if (!d->o.wind_unit)
                return err_set(e, ERR_USAGE, 0,
                               "%s has no unit: say which with --wind-unit ms or --wind-unit kmh "
                               "(Open-Meteo's default is km/h)",
                               var_names[i]);
            snprintf(s->unit, sizeof s->unit, "%s", d->o.wind_unit);
        } else if (!s->has_unit) {
            snprintf(s->unit, sizeof s->unit, "%s",
                     i == V_TEMP     ? "\xc2\xb0"
                                       "C"
                     : i == V_PRECIP ? "mm"
                                     : "\xc2\xb0");
        }
        factor[i] = unit_factor(i, s->unit, &add[i]);
        if (factor[i] == 0) {
            char shown[64];
            return err_set(e, ERR_DATA, 0, "%s is in \"%s\", a unit elhub does not know",
                           var_names[i], err_quote(s->unit, strlen(s->unit), shown, sizeof shown));
        }
    }
    if (!any)
        return err_set(e, ERR_DATA, 0,
                       "no weather variable elhub keeps (temperature_2m, precipitation, "
                       "wind_speed_10m, wind_gusts_10m, wind_direction_10m)");

    /* How the times are to be read. */
    if (d->has_offset && d->o.has_utc_offset && d->offset != d->o.utc_offset_s) {
        offset_text(d->offset, a);
        offset_text(d->o.utc_offset_s, b);
        return err_set(e, ERR_USAGE, 0, "the file says its times are at UTC%s, not %s", a, b);
    }
    if (d->has_offset)
        *offset = d->offset;
    else if (d->o.has_utc_offset)
        *offset = d->o.utc_offset_s;
    else
        *offset = LONG_MIN; /* unknown: only times that carry an offset are readable */

    /* Where. */
    if (d->wide && d->file_loc[0]) {
        struct source_place fp;
        if (weather_place_area(d->file_loc, &fp, e) < 0)
            return err_prefix(e, "the file's location column");
        if (d->o.place.key[0] && strcasecmp(fp.key, d->o.place.key) != 0)
            return err_set(e, ERR_USAGE, 0,
                           "the file's location column says %s, not %s as given: drop "
                           "--location/--lat/--lon or import the file meant for %s",
                           fp.key, d->o.place.key, d->o.place.key);
        snprintf(d->key, sizeof d->key, "%s", fp.key);
    } else if (d->o.place.key[0]) {
        snprintf(d->key, sizeof d->key, "%s", d->o.place.key);
        if (d->has_lat && d->has_lon &&
            (fabs(d->lat - d->o.place.lat) > WEATHER_CELL_TOLERANCE ||
             fabs(d->lon - d->o.place.lon) > WEATHER_CELL_TOLERANCE))
            return err_set(e, ERR_DATA, 0,
                           "the answer is for the grid cell at %.4f, %.4f, not near %s (%.4f, "
                           "%.4f) as asked",
                           d->lat, d->lon, d->o.place.key, d->o.place.lat, d->o.place.lon);
    } else if (d->has_lat && d->has_lon) {
        struct source_place cell;
        if (weather_place_point(d->lat, d->lon, &cell, e) < 0)
            return -1;
        snprintf(d->key, sizeof d->key, "%s", cell.key);
    } else {
        return err_set(e, ERR_USAGE, 0,
                       "the file does not say where it is: give --location (NO1-NO5 or a point "
                       "key) or --lat and --lon");
    }
    return 0;
}

static int decoder_finish(void *p, struct err *e)
{
    struct om *d = p;
    long offset = 0;
    double factor[NV] = {0}, add[NV] = {0};
    int64_t lo = INT64_MIN, hi = INT64_MAX, marked = (int64_t)1 << 62;
    struct record r;

    if (d->kind == 'j') {
        json_tok_end(&d->tok);
        if (json_run(d, e) < 0)
            return -1;
    } else if (d->kind == 'c') {
        if (d->line.len && csv_line(d, d->line.p, d->line.len, e) < 0)
            return -1;
        buf_reset(&d->line);
    } else {
        return err_set(e, ERR_DATA, 0, "empty document: expected an Open-Meteo answer");
    }
    if (finish_checks(d, &offset, factor, add, e) < 0)
        return -1;
    if (d->o.from < d->o.to) {
        int64_t d0, d1;
        window_days(d->o.from, d->o.to, &d0, &d1);
        lo = d0 * 86400;
        hi = (d1 + 1) * 86400;
    }
    /* The times in UTC, checked: whole hours, ascending, inside the days
     * asked for. */
    for (size_t i = 0; i < d->nt; i++) {
        int64_t t = d->times[i];
        char at[TIMEUTIL_ISO_LEN];
        if (t >= marked / 2) {
            if (offset == LONG_MIN)
                return err_set(e, ERR_USAGE, 0,
                               "the times carry no UTC offset and the file does not say which "
                               "it used: say how to read them with --utc-offset (+00:00 for "
                               "Open-Meteo's default GMT, +01:00 for a fixed Oslo winter offset)");
            t = t - marked - offset;
        }
        d->times[i] = t;
        if (t % 3600 != 0)
            return err_set(e, ERR_DATA, 0, "time %zu is not on a whole hour", i + 1);
        if (i && t <= d->times[i - 1]) {
            timeutil_format_utc(t, at);
            return err_set(e, ERR_DATA, 0,
                           "time %zu (%s) repeats or goes back: two rows for one hour (a local "
                           "time of a DST change?)",
                           i + 1, at);
        }
        if (t < lo || t >= hi) {
            char a[DAY_TEXT], b[DAY_TEXT];
            timeutil_format_utc(t, at);
            day_text(lo / 86400, a);
            day_text(hi / 86400 - 1, b);
            return err_set(e, ERR_DATA, 0,
                           "the answer holds %s, outside the days %s..%s (UTC) asked for; the "
                           "server may have ignored the dates (check --api-url)",
                           at, a, b);
        }
    }
    memset(&r, 0, sizeof r);
    if (record_set_area(&r, d->key, strlen(d->key), e) < 0)
        return -1;
    r.count = -1;
    for (int k = 0; k < NV; k++) {
        int v = emit_order[k];
        const struct series *s = &d->s[v];
        if (!s->present)
            continue;
        snprintf(r.group, sizeof r.group, "%s", var_names[v]);
        for (size_t i = 0; i < d->nt; i++) {
            if (isnan(s->v[i]))
                continue; /* null: missing, never 0 */
            r.start = d->times[i];
            r.end = r.start + 3600;
            r.value = factor[v] == KMH ? s->v[i] / 3.6 : s->v[i] * factor[v] + add[v];
            /* The one validation, before a record leaves the decoder. */
            if (record_check(d->ds, &r, e) < 0)
                return err_prefix(e, "time %zu, %s", i + 1, var_names[v]);
            if (d->fn(&r, d->ctx))
                return 0;
        }
    }
    return 0;
}

static int decoder_meta(void *p, char *key, size_t kn, char *value, size_t vn)
{
    struct om *d = p;
    if (!d->has_lat || !d->has_lon || !d->key[0])
        return -1;
    weather_cell_key(d->key, key, kn);
    weather_cell_format(d->lat, d->lon, d->has_elev ? d->elev : NAN, value, vn);
    return 0;
}

/* A month of Oslo days is asked for as whole UTC days (from the evening
 * before), so an answer holds a few hours of the neighbouring months: they
 * are left to their own windows. */
static int check(const struct dataset *ds, const struct source_window *w, const struct record *r,
                 struct err *e)
{
    int64_t d0, d1;
    char at[TIMEUTIL_ISO_LEN];
    (void)ds;
    if (r->start >= w->start && r->start < w->end)
        return 0;
    window_days(w->start, w->end, &d0, &d1);
    if (r->start >= d0 * 86400 && r->start < (d1 + 1) * 86400)
        return 1;
    timeutil_format_oslo(r->start, at);
    return err_set(e, ERR_DATA, 0,
                   "the server sent weather for %s (%s %s) outside the requested %s; it may have "
                   "ignored the date parameters (check --api-url)",
                   at, r->area, r->group, w->key);
}

/* {"error":true,"reason":"..."} -> the reason. */
static int error_message(const char *body, size_t len, char *out, size_t n)
{
    struct json_tok t;
    struct json_tok_event ev;
    int type, first = 1, reason_next = 0, found = -1;
    if (n)
        out[0] = '\0';
    if (len > LIMIT_API_ERROR_BODY)
        return -1;
    json_tok_init(&t);
    json_tok_feed(&t, body, len);
    json_tok_end(&t);
    while ((type = json_tok_next(&t, &ev, NULL)) > JSON_TOK_DONE) {
        if (first) {
            if (type != JSON_TOK_BEGIN_OBJECT)
                break;
            first = 0;
            continue;
        }
        if (ev.depth == 1 && type == JSON_TOK_KEY) {
            reason_next = ev.len == 6 && memcmp(ev.s, "reason", 6) == 0;
            continue;
        }
        if (reason_next && ev.depth == 1 && type == JSON_TOK_STRING && found < 0) {
            err_quote(ev.s, ev.len, out, n);
            found = 0;
        }
        reason_next = 0;
    }
    if (type != JSON_TOK_DONE && n)
        out[0] = '\0';
    json_tok_release(&t);
    return type == JSON_TOK_DONE ? found : -1;
}

/* An Open-Meteo answer names "hourly_units" or "utc_offset_seconds"; its
 * CSV starts with the metadata header or with time and a variable. */
static const struct dataset *sniff(const char *p, size_t n)
{
    size_t i = 0, k;
    const char *nl;
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n && strchr(" \t\r\n", p[i]))
        i++;
    if (i < n && p[i] == '{')
        return text_find(p, n, "\"hourly_units\"") || text_find(p, n, "\"utc_offset_seconds\"") ||
                       text_find(p, n, "\"hourly\"")
                   ? dataset_find("weather")
                   : NULL;
    if (n - i >= 19 && memcmp(p + i, "latitude,longitude,", 19) == 0)
        return dataset_find("weather");
    nl = memchr(p + i, '\n', n - i);
    k = nl ? (size_t)(nl - (p + i)) : n - i;
    if (k >= 5 && memcmp(p + i, "time,", 5) == 0) {
        for (int v = 0; v < NV; v++)
            if (text_find(p + i, k, var_names[v]) ||
                (var_old_names[v] && text_find(p + i, k, var_old_names[v])))
                return dataset_find("weather");
    }
    return NULL;
}

const struct source_ops source_openmeteo_ops = {
    .name = "openmeteo",
    .title = "Open-Meteo's historical weather API (ERA5)",
    .default_url = "https://archive-api.open-meteo.com/v1",
    .user_agent = OPENMETEO_USER_AGENT,
    /* ERA5 lags about five days; a month that ended less than a week ago
     * may still grow. */
    .revision_days = 7,
    .window_one = "month",
    .window_many = "months",
    .reads_csv = 1,
    .place = place,
    .plan = plan,
    .url = url,
    .decoder_new = decoder_new,
    .decoder_feed = decoder_feed,
    .decoder_finish = decoder_finish,
    .decoder_free = decoder_free,
    .decoder_meta = decoder_meta,
    .check = check,
    .error_message = error_message,
    .sniff = sniff,
};
