/* import: reads a file through zlib (which passes plain files through),
 * sniffs JSON vs CSV, decodes every row into memory, rejects duplicates,
 * and only then writes the rows to the store. */
#include "import/import.h"
#include "timeutil.h"

#include "import/csv.h"
#include "caps.h"
#include "mem.h"
#include "source/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (64u * 1024)

/* A decoded row and where it came from (CSV line or JSON record number). */
struct row {
    struct record r;
    size_t where;
};

struct rows {
    struct row *v;
    size_t n, cap;
    int lines; /* where is a CSV line number (else a record number) */
};

static void push(struct rows *rs, const struct record *r, size_t where)
{
    xgrow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v);
    rs->v[rs->n].r = *r;
    rs->v[rs->n].where = where;
    rs->n++;
}

static int on_csv_row(const struct record *r, size_t line, void *ctx)
{
    push(ctx, r, line);
    return 0;
}

static int on_source_row(const struct record *r, void *ctx)
{
    struct rows *rs = ctx;
    push(rs, r, rs->n + 1);
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    return record_cmp_series(&((const struct row *)a)->r, &((const struct row *)b)->r);
}

/* zlib's message without the "path: " it puts first. */
static const char *zlib_reason(gzFile f, int *zerr)
{
    const char *msg = gzerror(f, zerr), *colon = strrchr(msg, ':');
    return colon && colon[1] == ' ' ? colon + 2 : msg;
}

/* Reads up to CHUNK bytes; -1 with e set on a read or inflate error. */
static int read_chunk(gzFile f, const char *name, char *p, size_t *n, size_t *total, struct err *e)
{
    int got = gzread(f, p, CHUNK);
    *n = 0;
    if (got < 0) {
        int zerr;
        const char *msg = zlib_reason(f, &zerr);
        if (zerr == Z_ERRNO)
            return err_set(e, ERR_SYS, errno, "%s: read failed: %s", name, strerror(errno));
        return err_set(e, ERR_DATA, zerr, "%s: the compressed data is cut short or corrupt (%s)",
                       name, msg);
    }
    if (got == 0) {
        /* End of input; zlib says here whether the stream ended early. */
        int zerr;
        const char *msg = zlib_reason(f, &zerr);
        if (zerr != Z_OK)
            return err_set(e, ERR_DATA, zerr,
                           "%s: the compressed data is cut short or corrupt (%s)", name, msg);
    }
    *n = (size_t)got;
    *total += *n;
    if (*total > LIMIT_IMPORT_FILE)
        return err_set(e, ERR_DATA, 0, "%s: larger than %u MB decompressed; split it", name,
                       LIMIT_IMPORT_FILE / (1024 * 1024));
    return 0;
}

/* Decodes the whole input into rs. Sets *ds_out and the format fields;
 * a note of the source's decoder goes into meta_key/meta_value. */
static int decode(gzFile f, const char *name, const struct dataset *ds, const struct source_opts *o,
                  struct rows *rs, struct import_report *rep, char *meta_key, char *meta_value,
                  struct err *e)
{
    char *chunk = xmalloc(CHUNK);
    struct csv_importer *ci = NULL;
    struct source_decoder *jp = NULL;
    struct csv_stats cst;
    size_t n, total = 0, skip = 0;
    int ret = -1;

    if (read_chunk(f, name, chunk, &n, &total, e) < 0)
        goto out;
    if (n >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    while (skip < n && strchr(" \t\r\n", chunk[skip]))
        skip++;
    /* Which dataset the first bytes hold, when the user did not say: the
     * sources know their JSON keys and, for those that read CSV, their
     * CSV headers. */
    if (!ds)
        ds = source_sniff(chunk, n);
    if (ds && source_of(ds) && source_of(ds)->reads_csv &&
        !(skip < n && (chunk[skip] == '{' || chunk[skip] == '['))) {
        /* A CSV file of a source whose decoder reads its CSV (weather). */
        rep->format = "csv";
        skip = 0;
        jp = source_decoder_new(source_of(ds), ds, o, on_source_row, rs);
        if (!jp) {
            err_set(e, ERR_DATA, 0, "%s: no source decodes CSV of the dataset %s", name, ds->name);
            goto out;
        }
    } else if (skip < n && (chunk[skip] == '{' || chunk[skip] == '[')) {
        rep->format = "json";
        if (!ds) {
            err_set(e, ERR_DATA, 0,
                    "%s: the first %u KB do not tell which dataset this JSON holds (no source "
                    "knows its keys); say which with --dataset",
                    name, CHUNK / 1024);
            goto out;
        }
        jp = source_decoder_new(source_of(ds), ds, o, on_source_row, rs);
        if (!jp) {
            err_set(e, ERR_DATA, 0, "%s: no source decodes JSON of the dataset %s", name, ds->name);
            goto out;
        }
    } else {
        rep->format = "csv";
        skip = 0; /* the CSV decoder handles the BOM itself */
        ci = csv_importer_new(ds, on_csv_row, rs);
        rs->lines = 1;
    }

    for (char *p = chunk + skip; n > skip; p = chunk, skip = 0) {
        int rc =
            jp ? source_decoder_feed(jp, p, n - skip, e) : csv_importer_feed(ci, p, n - skip, e);
        if (rc < 0 || read_chunk(f, name, chunk, &n, &total, e) < 0)
            goto fail;
    }
    if (jp ? source_decoder_finish(jp, e) : csv_importer_finish(ci, &cst, e))
        goto fail;
    rep->ds = jp ? ds : csv_importer_dataset(ci);
    rep->float32 = ci ? cst.quantity_float32 : 0;
    if (jp)
        source_decoder_meta(jp, meta_key, SOURCE_META_KEY_MAX, meta_value, SOURCE_META_VALUE_MAX);
    ret = 0;
    goto out;
fail:
    if (e && strncmp(e->msg, name, strlen(name)) != 0)
        err_prefix(e, "%s", name);
out:
    source_decoder_free(jp);
    csv_importer_free(ci);
    free(chunk);
    return ret;
}

/* Sorts rs by key, rejects a repeated key, and fills the report. */
static int check_and_summarize(struct rows *rs, const char *name, struct import_report *rep,
                               struct err *e)
{
    const char *unit = rs->lines ? "lines" : "records";
    size_t used = 0;

    /* API responses already come in this order (area, group, time); only
     * files saved in another order pay for the sort. */
    for (size_t i = 1; i < rs->n; i++) {
        if (cmp_row(&rs->v[i - 1], &rs->v[i]) > 0) {
            qsort(rs->v, rs->n, sizeof *rs->v, cmp_row);
            break;
        }
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct record *r = &rs->v[i].r;
        if (i > 0 && cmp_row(&rs->v[i - 1], &rs->v[i]) == 0) {
            char when[TIMEUTIL_ISO_LEN];
            size_t a = rs->v[i - 1].where, b = rs->v[i].where;
            timeutil_format_oslo(r->start, when);
            return err_set(e, ERR_DATA, (long)(a > b ? a : b),
                           "%s: %s %s %s appears twice (%s %zu and %zu); fix the file, nothing "
                           "was imported from it",
                           name, r->area, r->group, when, unit, a < b ? a : b, a > b ? a : b);
        }
        if (i == 0 || strcmp(rs->v[i - 1].r.area, r->area) != 0) {
            int k = snprintf(rep->areas + used, sizeof rep->areas - used, "%s%s", used ? "," : "",
                             r->area);
            if (k > 0 && (size_t)k < sizeof rep->areas - used)
                used += (size_t)k;
        }
        if (i == 0 || strcmp(rs->v[i - 1].r.area, r->area) != 0 ||
            strcmp(rs->v[i - 1].r.group, r->group) != 0)
            rep->series++;
        if (i == 0 || r->start < rep->first)
            rep->first = r->start;
        if (i == 0 || r->start > rep->last)
            rep->last = r->start;
    }
    rep->rows = rs->n;
    return 0;
}

/* Writes the file's rows in writes of at most LIMIT_BATCH_ROWS, all in one
 * bracket: in SQLite a failure leaves nothing of the file. Elsewhere the
 * writes before a failure stay; *stored counts their rows. */
static int write_rows(struct store *s, const struct rows *rs, const struct dataset *ds,
                      const char *name, size_t *stored, struct err *e)
{
    size_t batch = rs->n < LIMIT_BATCH_ROWS ? rs->n : LIMIT_BATCH_ROWS;
    struct record *buf = xmalloc((batch ? batch : 1) * sizeof *buf);
    int atomic = 0, ret = 0;

    *stored = 0;
    if (store_begin(s, &atomic, e) < 0) {
        free(buf);
        return -1;
    }
    for (size_t at = 0; at < rs->n && ret == 0; at += batch) {
        size_t k = rs->n - at < batch ? rs->n - at : batch;
        for (size_t i = 0; i < k; i++)
            buf[i] = rs->v[at + i].r;
        if (store_write(s, ds, buf, k, NULL, e) < 0) {
            err_prefix(e, "%s: storing rows %zu-%zu of %zu", name, at + 1, at + k, rs->n);
            ret = -1;
        } else if (!atomic) {
            *stored = at + k;
        }
    }
    if (ret == 0 && store_commit(s, e) < 0) {
        err_prefix(e, "%s", name);
        ret = -1;
    }
    if (ret < 0)
        store_rollback(s);
    free(buf);
    return ret;
}

int import_file(struct store *s, const char *path, const struct dataset *ds,
                const struct source_opts *o, struct import_report *rep, struct err *e)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char meta_key[SOURCE_META_KEY_MAX] = "", meta_value[SOURCE_META_VALUE_MAX] = "";
    struct rows rs = {0};
    gzFile f;
    size_t stored = 0;
    int ret = -1, zrc;

    memset(rep, 0, sizeof *rep);
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        f = fd >= 0 ? gzdopen(fd, "rb") : NULL;
        if (!f && fd >= 0)
            close(fd);
    } else {
        f = gzopen(path, "rb");
    }
    if (!f)
        return err_set(e, ERR_SYS, errno, "cannot open %s: %s", name,
                       errno ? strerror(errno) : "out of memory");
    gzbuffer(f, 256 * 1024);

    if (decode(f, name, ds, o, &rs, rep, meta_key, meta_value, e) < 0)
        goto out;
    rep->gzip = !gzdirect(f);
    /* zlib tells at close whether the last read ended inside a gzip
     * stream (the file was cut, even if only its trailer). */
    zrc = gzclose(f);
    f = NULL;
    if (zrc != Z_OK) {
        err_set(e, ERR_DATA, zrc, "%s: the compressed data is cut short or corrupt (%s)", name,
                zrc == Z_BUF_ERROR ? "it ends inside the gzip stream" : zError(zrc));
        goto out;
    }
    if (check_and_summarize(&rs, name, rep, e) < 0)
        goto out;
    if (meta_key[0] && rs.n && store_meta_put(s, meta_key, meta_value, e) < 0) {
        err_prefix(e, "%s", name);
        goto out;
    }
    if (write_rows(s, &rs, rep->ds, name, &stored, e) < 0)
        goto out;
    ret = 0;
out:
    if (f)
        gzclose(f);
    free(rs.v);
    if (ret < 0) {
        size_t total = rs.n;
        memset(rep, 0, sizeof *rep);
        rep->stored = stored;
        rep->total = total;
    }
    return ret;
}
