/* import/csv: a pure, incremental decoder for the hourly CSV files people
 * save from the Elhub API (RFC 4180 quoting, any column order, the seed's
 * lower-case names or the API's camelCase). No I/O: feed it bytes, get one
 * struct record per row through a callback. docs/IMPORT.md lists the
 * accepted variants and what is rejected. */
#ifndef ELHUB_IMPORT_CSV_H
#define ELHUB_IMPORT_CSV_H

#include "dataset.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

/* Called once per data row; r is borrowed for the call, line is the 1-based
 * line the row starts on. Return 0 to go on, non-zero to stop: feed/finish
 * then fail with "line N: stopped by the caller" (the callback keeps its own
 * reason in ctx). */
typedef int (*csv_record_fn)(const struct record *r, size_t line, void *ctx);

struct csv_stats {
    size_t rows;          /* data rows passed to the callback */
    size_t lines;         /* physical lines read */
    int quantity_float32; /* 1 if the values came from quantityKwhFloat32 */
};

struct csv_importer;

/* Creates a decoder. ds NULL means "take the dataset from the header's group
 * column" (productionGroup -> production, consumptionGroup -> consumption);
 * a non-NULL ds must agree with the header. Returns a heap object freed
 * with csv_importer_free; never NULL. */
struct csv_importer *csv_importer_new(const struct dataset *ds, csv_record_fn fn, void *ctx);
void csv_importer_free(struct csv_importer *ci); /* NULL is a no-op */

/* Feeds the next n bytes (chunks may split lines, quotes, CRLF and the BOM
 * anywhere). Returns -1 with e set (ERR_PARSE, code = line number, message
 * "line N: reason") on the first bad header or row; the decoder is then
 * unusable. Rows before the bad one have already been passed to the
 * callback, so a caller wanting all-or-nothing collects them first. */
int csv_importer_feed(struct csv_importer *ci, const char *data, size_t n, struct err *e);

/* Ends the input (a last line without a newline is a row). Fails on an open
 * quote or a file without a header. st may be NULL. */
int csv_importer_finish(struct csv_importer *ci, struct csv_stats *st, struct err *e);

/* The dataset, known once the header has been read (else the ds given to
 * csv_importer_new, possibly NULL). Points into dataset_all. */
const struct dataset *csv_importer_dataset(const struct csv_importer *ci);

#endif
