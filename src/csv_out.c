/* csv_out: the CSV writer; see csv_out.h for the contract. */
#include "csv_out.h"

#include "dataset.h"
#include "timeutil.h"

#include <inttypes.h>
#include <string.h>

/* Staged bytes beyond which a FILE-backed writer flushes. */
#define FLUSH_AT (64u * 1024)

void csv_out_init(struct csv_out *w, struct buf *b, FILE *f, const char *eol)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->f = f;
    w->eol = eol;
}

static void flush(struct csv_out *w)
{
    if (!w->f || w->failed || w->b->len == 0)
        return;
    if (fwrite(w->b->p, 1, w->b->len, w->f) != w->b->len)
        w->failed = 1;
    buf_reset(w->b);
}

static void put(struct csv_out *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (buf_append(w->b, s, n) < 0) {
        w->failed = 1;
        return;
    }
    if (w->f && w->b->len >= FLUSH_AT)
        flush(w);
}

static void sep(struct csv_out *w)
{
    if (w->cells++)
        put(w, ",", 1);
}

void csv_out_text(struct csv_out *w, const char *s)
{
    int formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    sep(w);
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        put(w, s, strlen(s));
        return;
    }
    put(w, "\"", 1);
    if (formula)
        put(w, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(w, "\"", 1);
        put(w, p, 1);
    }
    put(w, "\"", 1);
}

void csv_out_num(struct csv_out *w, double v)
{
    char out[32];
    size_t n = dataset_format_value(v, out);
    sep(w);
    if (strcmp(out, "null") != 0)
        put(w, out, n);
}

void csv_out_int(struct csv_out *w, int64_t v)
{
    char out[24];
    int n = snprintf(out, sizeof out, "%" PRId64, v);
    sep(w);
    put(w, out, n > 0 ? (size_t)n : 0);
}

void csv_out_time(struct csv_out *w, int64_t t)
{
    char iso[TIMEUTIL_ISO_LEN];
    size_t n = timeutil_format_oslo(t, iso);
    sep(w);
    put(w, iso, n);
}

void csv_out_empty(struct csv_out *w)
{
    sep(w);
}

void csv_out_row(struct csv_out *w)
{
    put(w, w->eol, strlen(w->eol));
    w->cells = 0;
}

int csv_out_finish(struct csv_out *w)
{
    flush(w);
    if (w->f && !w->failed && fflush(w->f) != 0)
        w->failed = 1;
    if (w->f && ferror(w->f))
        w->failed = 1;
    return w->failed ? -1 : 0;
}
