/* import/csv: the CSV decoder. A byte-level RFC 4180 state machine (quoted
 * fields with "" escapes, CRLF or LF, an optional UTF-8 BOM) splits records;
 * the header maps known column names to roles, and each row is validated
 * into a struct record. */
#include "import/csv.h"

#include "buf.h"
#include "mem.h"
#include "text.h"
#include "timeutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The roles a column can play; every other column is ignored. */
enum role { R_AREA, R_GROUP, R_START, R_END, R_KWH, R_KWH32, R_UPDATED, R_METERS, R_COUNT };

static const char *const role_names[R_COUNT] = {
    "priceArea",          "group",           "startTime",         "endTime", "quantityKwh",
    "quantityKwhFloat32", "lastUpdatedTime", "meteringPointCount"};

enum state { S_FIELD_START, S_UNQUOTED, S_QUOTED, S_QUOTED_QUOTE };

struct csv_importer {
    const struct dataset *ds; /* given, or set from the header */
    csv_record_fn fn;
    void *ctx;

    int have_header;
    int col[R_COUNT]; /* field index per role, -1 if absent */
    int kwh_col;      /* the quantity column actually used */
    size_t nheader;   /* fields in the header */

    struct buf rec;                   /* the current record's fields, each NUL-terminated */
    size_t off[LIMIT_CSV_FIELDS + 1]; /* start of each field in rec */
    size_t nfields;                   /* completed fields */
    int rec_quoted;                   /* the record used a quote (so it is not blank) */
    enum state st;
    int skip_lf;     /* the last byte was a CR ending a record */
    int bom;         /* BOM bytes matched so far; 3 = past the BOM check */
    size_t line;     /* physical line being read, 1-based */
    size_t rec_line; /* line the current record started on */
    int failed;
    struct csv_stats stats;
};

struct csv_importer *csv_importer_new(const struct dataset *ds, csv_record_fn fn, void *ctx)
{
    struct csv_importer *ci = xcalloc(1, sizeof *ci);
    ci->ds = ds;
    ci->fn = fn;
    ci->ctx = ctx;
    buf_init(&ci->rec, LIMIT_CSV_LINE);
    ci->line = 1;
    ci->rec_line = 1;
    for (int i = 0; i < R_COUNT; i++)
        ci->col[i] = -1;
    return ci;
}

void csv_importer_free(struct csv_importer *ci)
{
    if (!ci)
        return;
    buf_release(&ci->rec);
    free(ci);
}

const struct dataset *csv_importer_dataset(const struct csv_importer *ci)
{
    return ci->ds;
}

/* ---- the header --------------------------------------------------------- */

/* Lower-cases name and drops '_', '-' and blanks, so "priceArea",
 * "pricearea" and "price_area" all read as "pricearea". */
static void normalize(const char *name, char *out, size_t n)
{
    size_t j = 0;
    for (; *name && j + 1 < n; name++) {
        unsigned char c = (unsigned char)*name;
        if (c == '_' || c == '-' || c == ' ' || c == '\t')
            continue;
        out[j++] = (char)tolower(c);
    }
    out[j] = '\0';
}

/* The role of a normalized column name, or -1; *ds_out is set when the
 * name is a dataset's group column. */
static int role_of(const char *norm, const struct dataset **ds_out)
{
    static const struct {
        const char *name;
        enum role role;
    } names[] = {
        {"pricearea", R_AREA},
        {"group", R_GROUP},
        {"starttime", R_START},
        {"endtime", R_END},
        {"quantitykwh", R_KWH},
        {"quantitykwhfloat32", R_KWH32},
        {"lastupdatedtime", R_UPDATED},
        {"meteringpointcount", R_METERS},
        {"countmeteringpoints", R_METERS},
    };
    char g[LIMIT_NAME * 2];

    *ds_out = NULL;
    for (size_t i = 0; i < dataset_count; i++) {
        normalize(dataset_all[i].group_col, g, sizeof g);
        if (strcmp(norm, g) == 0) {
            *ds_out = &dataset_all[i];
            return R_GROUP;
        }
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(norm, names[i].name) == 0)
            return (int)names[i].role;
    return -1;
}

static int fail_line(struct csv_importer *ci, size_t line, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_line(struct csv_importer *ci, size_t line, struct err *e, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ci->failed = 1;
    return err_set(e, ERR_PARSE, (long)line, "line %zu: %s", line, msg);
}

static const char *field(const struct csv_importer *ci, size_t i)
{
    return ci->rec.p + ci->off[i];
}

static int read_header(struct csv_importer *ci, struct err *e)
{
    const struct dataset *header_ds = NULL;
    char norm[128], missing[160] = "", got[256] = "";
    size_t used = 0;

    for (size_t i = 0; i < ci->nfields; i++) {
        const struct dataset *ds;
        int r;
        normalize(field(ci, i), norm, sizeof norm);
        r = role_of(norm, &ds);
        if (used < sizeof got) {
            int k = snprintf(got + used, sizeof got - used, "%s%s", i ? "," : "", field(ci, i));
            used += k > 0 ? (size_t)k : 0;
        }
        if (r < 0)
            continue; /* extra columns (startTimeUtc, src, ...) are ignored */
        if (ci->col[r] >= 0)
            return fail_line(ci, ci->rec_line, e, "header: column %s appears twice",
                             r == R_GROUP ? "group" : role_names[r]);
        ci->col[r] = (int)i;
        if (ds)
            header_ds = ds;
    }
    ci->nheader = ci->nfields;
    ci->kwh_col = ci->col[R_KWH] >= 0 ? ci->col[R_KWH] : ci->col[R_KWH32];
    ci->stats.quantity_float32 = ci->col[R_KWH] < 0 && ci->col[R_KWH32] >= 0;

    if (ci->col[R_AREA] < 0)
        snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " priceArea");
    if (ci->col[R_GROUP] < 0)
        snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
                 " productionGroup|consumptionGroup");
    if (ci->col[R_START] < 0)
        snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " startTime");
    if (ci->kwh_col < 0)
        snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " quantityKwh");
    if (missing[0])
        return fail_line(ci, ci->rec_line, e,
                         "header matches neither production nor consumption CSV: missing%s "
                         "(header: %.200s)",
                         missing, got);
    if (header_ds && ci->ds && header_ds != ci->ds)
        return fail_line(ci, ci->rec_line, e,
                         "header has a %s column (dataset %s) but the dataset asked for is %s",
                         header_ds->group_col, header_ds->name, ci->ds->name);
    if (!header_ds && !ci->ds)
        return fail_line(ci, ci->rec_line, e,
                         "header has a plain \"group\" column: say which dataset with --dataset");
    if (!ci->ds)
        ci->ds = header_ds;
    ci->have_header = 1;
    return 0;
}

/* ---- one data row -------------------------------------------------------- */

static int parse_time(struct csv_importer *ci, const char *what, const char *s, int64_t *out,
                      struct err *e)
{
    if (timeutil_parse_iso(s, strlen(s), out, e) < 0) {
        err_prefix(e, "line %zu: %s", ci->rec_line, what);
        if (e)
            e->code = (long)ci->rec_line;
        ci->failed = 1;
        return -1;
    }
    return 0;
}

/* A count of metering points: digits, optionally ".0" as pandas writes
 * integer columns that had a missing value. */
static int parse_count(const char *s, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (*p == '.')
        for (p++; *p == '0'; p++)
            ;
    if (*p)
        return -1;
    *out = v;
    return 0;
}

static int read_row(struct csv_importer *ci, struct err *e)
{
    struct record r;
    struct err ce = {0};
    char shown[80];
    const char *s;
    size_t line = ci->rec_line;

    if (ci->nfields != ci->nheader)
        return fail_line(ci, line, e, "expected %zu fields as in the header, got %zu", ci->nheader,
                         ci->nfields);
    memset(&r, 0, sizeof r);

    s = field(ci, (size_t)ci->col[R_AREA]);
    if (record_set_area(&r, s, strlen(s), &ce) < 0)
        return fail_line(ci, line, e, "priceArea: %s", ce.msg);
    s = field(ci, (size_t)ci->col[R_GROUP]);
    if (record_set_group(&r, s, strlen(s), &ce) < 0)
        return fail_line(ci, line, e, "%s: %s", ci->ds->group_col, ce.msg);

    if (parse_time(ci, "startTime", field(ci, (size_t)ci->col[R_START]), &r.start, e) < 0)
        return -1;
    r.end = r.start + 3600;
    if (ci->col[R_END] >= 0 && *(s = field(ci, (size_t)ci->col[R_END]))) {
        if (parse_time(ci, "endTime", s, &r.end, e) < 0)
            return -1;
    }

    s = field(ci, (size_t)ci->kwh_col);
    if (text_decimal(s, strlen(s), &r.value) < 0)
        return fail_line(ci, line, e, "%s \"%s\" is not a decimal number",
                         ci->kwh_col == ci->col[R_KWH] ? "quantityKwh" : "quantityKwhFloat32",
                         err_quote(s, strlen(s), shown, sizeof shown));

    if (ci->col[R_UPDATED] >= 0 && *(s = field(ci, (size_t)ci->col[R_UPDATED])))
        if (parse_time(ci, "lastUpdatedTime", s, &r.updated, e) < 0)
            return -1;

    r.count = -1;
    if (ci->ds->count_col && ci->col[R_METERS] >= 0 && *(s = field(ci, (size_t)ci->col[R_METERS])))
        if (parse_count(s, &r.count) < 0)
            return fail_line(ci, line, e, "meteringPointCount \"%s\" is not a whole number",
                             err_quote(s, strlen(s), shown, sizeof shown));

    if (record_check(ci->ds, &r, &ce) < 0)
        return fail_line(ci, line, e, "%s", ce.msg);
    if (ci->fn(&r, line, ci->ctx) != 0)
        return fail_line(ci, line, e, "stopped by the caller");
    ci->stats.rows++;
    return 0;
}

/* ---- the record splitter --------------------------------------------------- */

/* Trims blanks around the field being closed, NUL-terminates it, and
 * starts the next one. */
static int end_field(struct csv_importer *ci, struct err *e)
{
    size_t start = ci->off[ci->nfields], len = ci->rec.len - start;
    char *p = ci->rec.p ? ci->rec.p + start : NULL;
    size_t lead = 0;

    while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
        lead++;
    while (len > lead && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (lead)
        memmove(p, p + lead, len - lead);
    ci->rec.len = start + (len - lead);
    if (buf_append(&ci->rec, "", 1) < 0)
        return fail_line(ci, ci->rec_line, e, "line longer than %u bytes", LIMIT_CSV_LINE);
    if (++ci->nfields > LIMIT_CSV_FIELDS)
        return fail_line(ci, ci->rec_line, e, "more than %d fields", LIMIT_CSV_FIELDS);
    ci->off[ci->nfields] = ci->rec.len;
    return 0;
}

static int end_record(struct csv_importer *ci, struct err *e)
{
    int rc = 0;
    if (end_field(ci, e) < 0)
        return -1;
    /* A blank line (one empty unquoted field) is skipped. */
    if (!(ci->nfields == 1 && !ci->rec_quoted && field(ci, 0)[0] == '\0'))
        rc = ci->have_header ? read_row(ci, e) : read_header(ci, e);
    buf_reset(&ci->rec);
    ci->nfields = 0;
    ci->off[0] = 0;
    ci->rec_quoted = 0;
    ci->st = S_FIELD_START;
    return rc;
}

static int add(struct csv_importer *ci, char c, struct err *e)
{
    if (c == '\0')
        return fail_line(ci, ci->line, e, "a NUL byte inside a field (the file is not text)");
    if (buf_append(&ci->rec, &c, 1) < 0)
        return fail_line(ci, ci->rec_line, e, "line longer than %u bytes", LIMIT_CSV_LINE);
    return 0;
}

/* A newline outside quotes: ends the record, counts the line. */
static int newline(struct csv_importer *ci, char c, struct err *e)
{
    int rc = end_record(ci, e);
    ci->skip_lf = c == '\r';
    ci->line++;
    ci->rec_line = ci->line;
    return rc;
}

static int put(struct csv_importer *ci, unsigned char c, struct err *e)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

    if (ci->bom < 3) {
        if (c == bom[ci->bom]) {
            ci->bom++;
            return 0;
        }
        if (ci->bom > 0)
            return fail_line(ci, 1, e, "broken UTF-8 byte-order mark");
        ci->bom = 3;
    }
    if (ci->skip_lf) {
        ci->skip_lf = 0;
        if (c == '\n')
            return 0;
    }
    switch (ci->st) {
    case S_QUOTED:
        if (c == '"') {
            ci->st = S_QUOTED_QUOTE;
            return 0;
        }
        if (c == '\n')
            ci->line++;
        return add(ci, (char)c, e);
    case S_QUOTED_QUOTE:
        if (c == '"') {
            ci->st = S_QUOTED;
            return add(ci, '"', e);
        }
        if (c == ',') {
            ci->st = S_FIELD_START;
            return end_field(ci, e);
        }
        if (c == '\n' || c == '\r')
            return newline(ci, (char)c, e);
        if (c == ' ' || c == '\t')
            return 0; /* blanks after a closing quote */
        return fail_line(ci, ci->line, e, "unexpected character after a closing quote");
    case S_FIELD_START:
        if (c == '"') {
            /* Blanks before an opening quote are dropped with the quote. */
            ci->rec.len = ci->off[ci->nfields];
            ci->st = S_QUOTED;
            ci->rec_quoted = 1;
            return 0;
        }
        if (c == ',')
            return end_field(ci, e);
        if (c == '\n' || c == '\r')
            return newline(ci, (char)c, e);
        if (c != ' ' && c != '\t')
            ci->st = S_UNQUOTED;
        return add(ci, (char)c, e);
    case S_UNQUOTED:
        if (c == ',') {
            ci->st = S_FIELD_START;
            return end_field(ci, e);
        }
        if (c == '\n' || c == '\r')
            return newline(ci, (char)c, e);
        return add(ci, (char)c, e);
    }
    return 0;
}

int csv_importer_feed(struct csv_importer *ci, const char *data, size_t n, struct err *e)
{
    if (ci->failed)
        return err_set(e, ERR_PARSE, 0, "CSV decoder used after an error");
    for (size_t i = 0; i < n;) {
        /* Fast path: inside an unquoted field, append the run of plain
         * bytes up to the next delimiter in one go. */
        if (ci->st == S_UNQUOTED && !ci->skip_lf) {
            size_t k = i;
            while (k < n && data[k] != ',' && data[k] != '\n' && data[k] != '\r' &&
                   data[k] != '"' && data[k] != '\0')
                k++;
            if (k > i) {
                if (buf_append(&ci->rec, data + i, k - i) < 0)
                    return fail_line(ci, ci->rec_line, e, "line longer than %u bytes",
                                     LIMIT_CSV_LINE);
                i = k;
                continue;
            }
        }
        if (put(ci, (unsigned char)data[i], e) < 0)
            return -1;
        i++;
    }
    return 0;
}

int csv_importer_finish(struct csv_importer *ci, struct csv_stats *st, struct err *e)
{
    int rc = 0;

    if (st)
        memset(st, 0, sizeof *st);
    if (ci->failed)
        return err_set(e, ERR_PARSE, 0, "CSV decoder used after an error");
    if (ci->st == S_QUOTED)
        return fail_line(ci, ci->rec_line, e, "quoted field not closed at the end of the input");
    ci->stats.lines = ci->line - 1;
    if (ci->rec.len > 0 || ci->nfields > 0 || ci->rec_quoted) {
        rc = end_record(ci, e);
        ci->stats.lines++;
    }
    if (rc < 0)
        return -1;
    if (!ci->have_header)
        return fail_line(ci, 1, e, "no header line: the input is empty");
    if (st)
        *st = ci->stats;
    return 0;
}
