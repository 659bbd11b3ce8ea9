/* Tests for the CSV importer: every real bundled CSV (row counts, per-series
 * sums from data/elhub/SOURCES.md, the DST days), the variants people save,
 * chunk-split invariance, and malformed input with its line and reason. */
#include "check.h"
#include "import/csv.h"
#include "mem.h"
#include "timeutil.h"

#include "testdata.h"

/* Everything the callback saw. */
struct seen {
    struct record *r;
    size_t *line;
    size_t n, cap, cap_line;
    int stop_after; /* > 0: ask the decoder to stop after this many rows */
};

static int collect(const struct record *r, size_t line, void *ctx)
{
    struct seen *s = ctx;
    if (s->stop_after > 0 && s->n >= (size_t)s->stop_after)
        return 1;
    xgrow((void **)&s->r, &s->cap, s->n + 1, sizeof *s->r);
    xgrow((void **)&s->line, &s->cap_line, s->n + 1, sizeof *s->line);
    s->r[s->n] = *r;
    s->line[s->n] = line;
    s->n++;
    return 0;
}

static void seen_free(struct seen *s)
{
    free(s->r);
    free(s->line);
    memset(s, 0, sizeof *s);
}

/* Decodes text fed in chunks of `chunk` bytes (0: all at once). Returns the
 * result of the decoder; *dsout gets the dataset it settled on. */
static int decode(const char *text, size_t len, size_t chunk, const struct dataset *ds,
                  struct seen *s, struct csv_stats *st, struct err *e, const struct dataset **dsout)
{
    struct csv_importer *ci = csv_importer_new(ds, collect, s);
    int rc = 0;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t at = 0; at < len && rc == 0; at += chunk)
        rc = csv_importer_feed(ci, text + at, len - at < chunk ? len - at : chunk, e);
    if (rc == 0)
        rc = csv_importer_finish(ci, st, e);
    if (dsout)
        *dsout = csv_importer_dataset(ci);
    csv_importer_free(ci);
    return rc;
}

static int decode_str(const char *text, const struct dataset *ds, struct seen *s, struct err *e)
{
    return decode(text, strlen(text), 0, ds, s, NULL, e, NULL);
}

/* Rows and kWh of one series, and its rows on an Oslo date. */
static void series(const struct seen *s, const char *area, const char *group, const char *date,
                   size_t *rows, double *kwh, size_t *rows_on_date)
{
    char d[11];
    *rows = 0;
    *kwh = 0;
    *rows_on_date = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->r[i].area, area) || strcmp(s->r[i].group, group))
            continue;
        (*rows)++;
        *kwh += s->r[i].value;
        timeutil_format_oslo_date(s->r[i].start, d);
        if (date && strcmp(d, date) == 0)
            (*rows_on_date)++;
    }
}

static void decode_file(const char *name, size_t chunk, struct seen *s, struct csv_stats *st,
                        const struct dataset **ds)
{
    struct err e = {0};
    size_t len;
    char *text = testdata_read(name, &len);
    int rc = decode(text, len, chunk, NULL, s, st, &e, ds);
    free(text);
    CHECK_OK(rc, &e);
}

/* ---- the real files ---------------------------------------------------- */

static void test_slices(void)
{
    struct seen s = {0};
    struct csv_stats st;
    const struct dataset *ds;
    size_t rows, day;
    double kwh;

    decode_file("production_2021_slices.csv", 4093, &s, &st, &ds);
    CHECK_INT(s.n, 24216);
    CHECK_INT(st.rows, 24216);
    CHECK_INT(st.quantity_float32, 0);
    CHECK_STR(ds->name, "production");

    series(&s, "NO1", "hydro", "2021-03-28", &rows, &kwh, &day);
    CHECK_INT(rows, 8760);
    CHECK_NEAR(kwh, 18356783799.95, 0.01);
    CHECK_INT(day, 23);
    series(&s, "NO1", "hydro", "2021-10-31", &rows, &kwh, &day);
    CHECK_INT(day, 25);
    series(&s, "NO5", "hydro", "2021-10-31", &rows, &kwh, &day);
    CHECK_INT(rows, 8760);
    CHECK_NEAR(kwh, 30336867547.29, 0.01);
    CHECK_INT(day, 25);
    series(&s, "NO5", "hydro", "2021-03-28", &rows, &kwh, &day);
    CHECK_INT(day, 23);

    /* The January-only series (SOURCES.md). */
    series(&s, "NO1", "thermal", NULL, &rows, &kwh, &day);
    CHECK_INT(rows, 744);
    CHECK_NEAR(kwh, 34499172.794, 0.0005);
    series(&s, "NO1", "other", NULL, &rows, &kwh, &day);
    CHECK_NEAR(kwh, 1345.247, 0.0005);
    series(&s, "NO4", "hydro", NULL, &rows, &kwh, &day);
    CHECK_INT(rows, 744);
    CHECK_NEAR(kwh, 2814279245.2, 0.001);
    series(&s, "NO4", "solar", NULL, &rows, &kwh, &day);
    CHECK_NEAR(kwh, 2.418, 0.0005);
    series(&s, "NO4", "wind", NULL, &rows, &kwh, &day);
    CHECK_NEAR(kwh, 193537857.0, 0.0005);

    /* First row: 2021-01-01T00:00+01:00, no lastUpdatedTime column. */
    CHECK_INT(s.r[0].start, 1609455600);
    CHECK_INT(s.r[0].end, 1609459200);
    CHECK_INT(s.r[0].updated, 0);
    CHECK_INT(s.r[0].count, -1);
    CHECK_INT(s.line[0], 2);
    seen_free(&s);
}

static void test_excerpt(void)
{
    struct seen s = {0};
    const struct dataset *ds;
    int64_t upd;
    struct err e = {0};
    char iso[TIMEUTIL_ISO_LEN];

    decode_file("production_2021_raw_excerpt_NO1_hydro.csv", 0, &s, NULL, &ds);
    /* SOURCES.md says "15 rows": 15 lines, the header included. */
    CHECK_INT(s.n, 14);
    CHECK_OK(timeutil_parse_iso("2024-12-20T10:35:40+01:00", 25, &upd, &e), &e);
    for (size_t i = 0; i < s.n; i++) {
        CHECK_INT(s.r[i].updated, upd);
        CHECK_INT(s.r[i].end - s.r[i].start, 3600);
    }
    /* The two 02:00 hours of 2021-10-31 are two instants an hour apart. */
    for (size_t i = 1; i < s.n; i++) {
        timeutil_format_oslo(s.r[i].start, iso);
        if (strcmp(iso, "2021-10-31T02:00:00+01:00") == 0) {
            char prev[TIMEUTIL_ISO_LEN];
            timeutil_format_oslo(s.r[i - 1].start, prev);
            CHECK_STR(prev, "2021-10-31T02:00:00+02:00");
            CHECK_INT(s.r[i].start - s.r[i - 1].start, 3600);
            seen_free(&s);
            return;
        }
    }
    seen_free(&s);
    CHECK_FAIL_("no 2021-10-31T02:00:00+01:00 row in the excerpt");
}

static void test_rows_2025(void)
{
    struct seen s = {0};
    const struct dataset *ds;
    size_t rows, day;
    double kwh;

    decode_file("production_2025-10-20_2025-11-19_rows.csv", 8192, &s, NULL, &ds);
    CHECK_INT(s.n, 18599);
    CHECK_STR(ds->name, "production");
    series(&s, "NO1", "hydro", "2025-10-26", &rows, &kwh, &day);
    CHECK_INT(day, 25);
    /* startTime "2025-10-20 09:00:00+02:00" (space) = 07:00Z. */
    CHECK_INT(s.r[0].start, 1760943600);
    CHECK(s.r[0].updated > s.r[0].start);
    for (size_t i = 0; i < s.n; i++)
        if (s.r[i].end - s.r[i].start != 3600)
            CHECK_FAIL_("row %zu: end - start = %lld", i, (long long)(s.r[i].end - s.r[i].start));
    seen_free(&s);
}

static void test_snapshot_utc(void)
{
    struct seen s = {0};
    const struct dataset *ds;
    char iso[TIMEUTIL_ISO_LEN];

    decode_file("production_2025-09-22_2025-10-20_utc_snapshot.csv", 1000, &s, NULL, &ds);
    CHECK_INT(s.n, 18384);
    CHECK_STR(ds->name, "production");
    /* "2025-09-22 10:00:00+00:00", no endTime, no lastUpdatedTime. */
    timeutil_format_oslo(s.r[0].start, iso);
    CHECK_STR(iso, "2025-09-22T12:00:00+02:00");
    CHECK_INT(s.r[0].end, s.r[0].start + 3600);
    CHECK_INT(s.r[0].updated, 0);
    seen_free(&s);
}

static void test_consumption_utc(void)
{
    struct seen s = {0};
    const struct dataset *ds;
    size_t rows, day;
    double kwh;

    decode_file("consumption_2025-10-22_2025-11-21_utc.csv", 0, &s, NULL, &ds);
    CHECK_INT(s.n, 18100);
    CHECK_STR(ds->name, "consumption");
    /* Upper-case groups are lower-cased; the empty count is "absent". */
    CHECK_STR(s.r[0].group, "cabin");
    CHECK_STR(s.r[0].area, "NO1");
    CHECK_INT(s.r[0].count, -1);
    CHECK_NEAR(s.r[0].value, 67069.06, 0);
    series(&s, "NO1", "household", NULL, &rows, &kwh, &day);
    CHECK(rows > 700);
    /* Real negative hours (NO4 tertiary, 24 of them) are kept. */
    rows = 0;
    for (size_t i = 0; i < s.n; i++)
        rows += s.r[i].value < 0;
    CHECK_INT(rows, 24);
    seen_free(&s);
}

static void test_float32(void)
{
    struct seen s = {0};
    struct csv_stats st;
    const struct dataset *ds;
    size_t rows, day;
    double kwh;

    decode_file("production_2021_NO2_wind_float32.csv", 0, &s, &st, &ds);
    CHECK_INT(s.n, 8760);
    CHECK_INT(st.quantity_float32, 1);
    series(&s, "NO2", "wind", "2021-10-31", &rows, &kwh, &day);
    CHECK_INT(rows, 8760);
    CHECK_INT(day, 25);
    CHECK_NEAR(kwh, 3221530055.19, 0.01); /* the file's own sum */
    CHECK_NEAR(kwh, 3221530055.06, 0.2);  /* the exact total, float32-rounded */
    CHECK_NEAR(s.r[0].value, 706.2059936523438, 0);
    seen_free(&s);
}

static void test_totals_rejected(void)
{
    struct seen s = {0};
    struct err e = {0};
    size_t len;
    char *text = testdata_read("reference/production_2021_totals.csv", &len);
    int rc = decode(text, len, 0, NULL, &s, NULL, &e, NULL);
    free(text);
    CHECK_INT(rc, -1);
    CHECK_INT(s.n, 0);
    CHECK(strstr(e.msg, "line 1: header matches neither") != NULL);
    CHECK(strstr(e.msg, "startTime") != NULL);
    CHECK(strstr(e.msg, "quantityKwh") != NULL);
    seen_free(&s);
}

/* ---- variants ------------------------------------------------------------ */

static void test_variants(void)
{
    struct seen s = {0};
    struct err e = {0};
    /* BOM, CRLF, quoted fields (one with a comma and a "" escape in an
     * ignored column), reordered columns, an extra column, upper-case group,
     * UTC offsets, Z, missing endTime and an empty lastUpdatedTime. */
    const char *text =
        "\xEF\xBB\xBF"
        "note,quantityKwh,startTime,\"productionGroup\",priceArea,lastUpdatedTime\r\n"
        "\"a, \"\"b\"\"\",\"12.5\",2021-01-01 00:00:00+01:00,HYDRO,no1,\r\n"
        "x,0.0,2020-12-31T23:00:00Z,wind,NO2,2024-12-20T10:35:40+01:00\r\n"
        "\r\n"
        "y, 3 ,2021-01-01T00:00+00:00, solar ,NO3,2024-12-20T09:35:40Z";
    CHECK_OK(decode_str(text, NULL, &s, &e), &e);
    CHECK_INT(s.n, 3);
    CHECK_STR(s.r[0].area, "NO1");
    CHECK_STR(s.r[0].group, "hydro");
    CHECK_INT(s.r[0].start, 1609455600);
    CHECK_INT(s.r[0].end, 1609459200);
    CHECK_NEAR(s.r[0].value, 12.5, 0);
    CHECK_INT(s.r[0].updated, 0);
    CHECK_INT(s.r[1].start, 1609455600);
    CHECK_INT(s.r[1].updated, 1734687340);
    CHECK_INT(s.r[2].updated, 1734687340);
    CHECK_STR(s.r[2].group, "solar");
    CHECK_INT(s.r[2].start, 1609459200);
    CHECK_NEAR(s.r[2].value, 3, 0);
    CHECK_INT(s.line[0], 2);
    CHECK_INT(s.line[2], 5);
    seen_free(&s);
}

static void test_seed_lowercase(void)
{
    struct seen s = {0};
    struct err e = {0};
    const struct dataset *ds;
    const char *text = "pricearea,consumptiongroup,starttime,endtime,quantitykwh,lastupdatedtime,"
                       "meteringpointcount\n"
                       "NO1,cabin,2021-01-01T00:00:00+01:00,2021-01-01T01:00:00+01:00,177071.56,"
                       "2024-12-20T10:35:40+01:00,100607\n"
                       "NO1,cabin,2021-01-01T01:00:00+01:00,,171335.12,,100607.0\n";
    CHECK_OK(decode(text, strlen(text), 0, NULL, &s, NULL, &e, &ds), &e);
    CHECK_STR(ds->name, "consumption");
    CHECK_INT(s.n, 2);
    CHECK_INT(s.r[0].count, 100607);
    CHECK_INT(s.r[1].count, 100607);
    CHECK_INT(s.r[1].end, s.r[1].start + 3600);
    seen_free(&s);
}

static void test_plain_group_needs_dataset(void)
{
    struct seen s = {0};
    struct err e = {0};
    const char *text = "area,group,start,kwh\n";
    const char *ok = "price_area,group,start_time,quantity_kwh\nNO1,hydro,2021-01-01T00:00Z,1.0\n";
    CHECK_INT(decode_str(text, NULL, &s, &e), -1);
    CHECK(strstr(e.msg, "header matches neither") != NULL);
    CHECK_INT(decode_str(ok, NULL, &s, &e), -1);
    CHECK(strstr(e.msg, "--dataset") != NULL);
    CHECK_OK(decode_str(ok, dataset_find("production"), &s, &e), &e);
    CHECK_INT(s.n, 1);
    seen_free(&s);
}

/* Every split point of a tricky input gives the same rows. */
static void test_chunk_invariance(void)
{
    const char *text = "\xEF\xBB\xBF"
                       "priceArea,productionGroup,startTime,quantityKwh,x\r\n"
                       "NO1,hydro,2021-10-31T02:00:00+02:00,1.5,\"q\"\"\r\nz\"\r\n"
                       "NO1,hydro,2021-10-31T02:00:00+01:00,2.5,\"\"\r";
    size_t len = strlen(text);
    for (size_t chunk = 1; chunk <= len; chunk++) {
        struct seen s = {0};
        struct err e = {0};
        struct csv_stats st;
        if (decode(text, len, chunk, NULL, &s, &st, &e, NULL) != 0)
            CHECK_FAIL_("chunk %zu: %s", chunk, e.msg);
        CHECK_INT(s.n, 2);
        CHECK_INT(s.r[1].start - s.r[0].start, 3600);
        CHECK_INT(s.line[1], 4); /* the quoted CRLF counts as a line */
        CHECK_NEAR(s.r[1].value, 2.5, 0);
        seen_free(&s);
    }
}

/* ---- malformed input -------------------------------------------------------- */

/* Expects text to fail with a message containing want. */
static void reject(const char *text, const struct dataset *ds, const char *want)
{
    struct seen s = {0};
    struct err e = {0};
    int rc = decode(text, strlen(text), 0, ds, &s, NULL, &e, NULL);
    seen_free(&s);
    if (rc == 0)
        CHECK_FAIL_("accepted: %s", text);
    if (!strstr(e.msg, want))
        CHECK_FAIL_("message \"%s\" lacks \"%s\"", e.msg, want);
    CHECK_INT(e.domain, ERR_PARSE);
}

#define HDR "priceArea,productionGroup,startTime,endTime,quantityKwh\n"
#define OK "NO1,hydro,2021-01-01T00:00:00+01:00,2021-01-01T01:00:00+01:00,1.0\n"

static void test_malformed(void)
{
    reject(HDR OK "NO1,hydro,2021-01-01T01:00:00,,1.0\n", NULL, "line 3: startTime: bad time");
    reject(HDR OK "NO1,hydro,2021-01-01T01:00:00,,1.0\n", NULL, "no UTC offset");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,1.0\n", NULL,
           "line 2: expected 5 fields as in the header, got 4");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,--1.0\n", NULL, "line 2: quantityKwh");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,abc\n", NULL, "not a decimal number");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,nan\n", NULL, "not a decimal number");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,-inf\n", NULL, "not a decimal number");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,0x10\n", NULL, "not a decimal number");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,1e999\n", NULL, "not a decimal number");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,\n", NULL, "quantityKwh \"\"");
    reject(HDR "NO1,hydro,2021-01-01T00:30:00+01:00,,1.0\n", NULL, "not on a whole hour");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,2021-01-01T00:00:00+01:00,1.0\n", NULL,
           "ends at 2021-01-01T00:00:00+01:00, not one hour later");
    /* One validation for every input (record_check): the JSON path's bounds. */
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,1e300\n", NULL, "is outside");
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,,1.7e308\n", NULL, "is outside");
    reject(HDR "NO1,hydro,0001-01-01T00:00:00+01:00,,1.0\n", NULL, "outside the years 1990-2100");
    reject(HDR "NO1,hydro,9999-01-01T00:00:00+01:00,,1.0\n", NULL, "outside the years 1990-2100");
    reject(HDR "NO1,hydro,1900-01-01T00:00:00+01:00,,1.0\n", NULL, "outside the years 1990-2100");
    reject(HDR "NO1,hy dro,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "only letters, digits");
    reject(HDR "NO1,\"a\"\"b,c\",2021-01-01T00:00:00+01:00,,1.0\n", NULL, "only letters, digits");
    reject(HDR "NO1\x1b[31m,hydro,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "NO1\\x1b[31m");
    {
        /* A NUL byte inside a field is refused, not taken as its end. */
        static const char nul[] = HDR "NO1,hy\0dro,2021-01-01T00:00:00+01:00,,1.0\n";
        struct seen s = {0};
        struct err e = {0};
        CHECK_INT(decode(nul, sizeof nul - 1, 0, NULL, &s, NULL, &e, NULL), -1);
        CHECK(strstr(e.msg, "line 2: a NUL byte"));
        seen_free(&s);
    }
    reject(HDR "NO1,hydro,2021-01-01T00:00:00+01:00,2021-13-01T00:00:00+01:00,1.0\n", NULL,
           "line 2: endTime: bad time");
    reject(HDR ",hydro,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "priceArea: empty area");
    reject(HDR "NO1,,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "productiongroup: empty group");
    reject(HDR "NO1,averyveryveryveryverylonggroupname,2021-01-01T00:00:00+01:00,,1.0\n", NULL,
           "too long");
    reject(HDR "NO1,\"hydro,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "quoted field not closed");
    reject(HDR "NO1,\"hydro\"x,2021-01-01T00:00:00+01:00,,1.0\n", NULL, "after a closing quote");
    reject("", NULL, "no header line");
    reject("\n\n", NULL, "no header line");
    reject("\xEF\xBB"
           "x",
           NULL, "byte-order mark");
    reject("priceArea,priceArea,productionGroup,startTime,quantityKwh\n", NULL, "appears twice");
    reject("priceArea,productionGroup,consumptionGroup,startTime,quantityKwh\n", NULL,
           "appears twice");
    reject(HDR, dataset_find("consumption"), "dataset asked for is consumption");
    reject("priceArea,consumptionGroup,startTime,quantityKwh,meteringPointCount\n"
           "NO1,cabin,2021-01-01T00:00:00+01:00,1.0,12x\n",
           NULL, "meteringPointCount \"12x\"");
    reject("priceArea,consumptionGroup,startTime,quantityKwh,meteringPointCount\n"
           "NO1,cabin,2021-01-01T00:00:00+01:00,1.0,99999999999999999999\n",
           NULL, "not a whole number");
}

static void test_caps(void)
{
    size_t n = LIMIT_CSV_LINE + 10;
    char *text = xmalloc(n + 64);
    int k = snprintf(text, 64, HDR "NO1,");
    memset(text + k, 'a', n);
    text[(size_t)k + n] = '\0';
    reject(text, NULL, "line 2: line longer than");
    free(text);
    {
        struct buf_like {
            char s[LIMIT_CSV_FIELDS * 2 + 64];
        } b;
        size_t at = 0;
        for (int i = 0; i <= LIMIT_CSV_FIELDS; i++)
            b.s[at++] = ',';
        b.s[at++] = '\n';
        b.s[at] = '\0';
        reject(b.s, NULL, "more than");
    }
}

static void test_header_only_and_stop(void)
{
    struct seen s = {0};
    struct err e = {0};
    struct csv_stats st;
    const char *two = HDR OK "NO1,hydro,2021-01-01T01:00:00+01:00,,2.0\n";

    CHECK_OK(decode(HDR, strlen(HDR), 0, NULL, &s, &st, &e, NULL), &e);
    CHECK_INT(st.rows, 0);
    s.stop_after = 1;
    CHECK_INT(decode_str(two, NULL, &s, &e), -1);
    CHECK(strstr(e.msg, "line 3: stopped by the caller") != NULL);
    CHECK_INT(s.n, 1);
    seen_free(&s);
}

CHECK_MAIN({"/csv/file/slices", test_slices}, {"/csv/file/excerpt", test_excerpt},
           {"/csv/file/rows_2025", test_rows_2025}, {"/csv/file/snapshot_utc", test_snapshot_utc},
           {"/csv/file/consumption_utc", test_consumption_utc}, {"/csv/file/float32", test_float32},
           {"/csv/file/totals_rejected", test_totals_rejected},
           {"/csv/variants/mixed", test_variants}, {"/csv/variants/seed", test_seed_lowercase},
           {"/csv/variants/plain_group", test_plain_group_needs_dataset},
           {"/csv/variants/chunks", test_chunk_invariance}, {"/csv/bad/rows", test_malformed},
           {"/csv/bad/caps", test_caps},
           {"/csv/bad/header_only_and_stop", test_header_only_and_stop})
