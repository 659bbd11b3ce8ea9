/* csv_out: the one CSV writer (RFC 4180): a text cell is quoted when it
 * holds a comma, a quote or a line break, with quotes doubled; a text cell
 * that a spreadsheet would run as a formula (starting with = + - @, a tab or
 * a CR; OWASP's advice) gets a leading apostrophe; numbers are written
 * losslessly (dataset_format_value) and an absent or non-finite one as an
 * empty cell; times as the Elhub API writes them. It appends to a struct
 * buf; with a FILE it flushes the buffer there as it fills. Errors (the
 * buffer's cap, a write error) are sticky and reported once by
 * csv_out_finish. Caller-owned storage; one writer per output, not
 * thread-safe. */
#ifndef ELHUB_CSV_OUT_H
#define ELHUB_CSV_OUT_H

#include "buf.h"

#include <stdint.h>
#include <stdio.h>

struct csv_out {
    struct buf *b;   /* borrowed */
    FILE *f;         /* borrowed; NULL: everything stays in b */
    const char *eol; /* "\r\n" (RFC 4180) or "\n" */
    int cells;       /* cells written in the current row */
    int failed;
};

/* Writes into b; with f non-NULL, b is only a staging buffer flushed to f.
 * eol is "\r\n" or "\n" (static). */
void csv_out_init(struct csv_out *w, struct buf *b, FILE *f, const char *eol);
void csv_out_text(struct csv_out *w, const char *s);
void csv_out_num(struct csv_out *w, double v);
void csv_out_int(struct csv_out *w, int64_t v);
void csv_out_time(struct csv_out *w, int64_t t);
void csv_out_empty(struct csv_out *w);
/* Ends the row. */
void csv_out_row(struct csv_out *w);
/* Flushes to f (if any); 0 if every byte was written, else -1. */
int csv_out_finish(struct csv_out *w);

#endif
