/* import: loads one saved file (API JSON or CSV, plain or gzip, or stdin)
 * into a store, all or nothing: the whole file is decoded and validated
 * before the first row is written. The decoders are import/csv.h and each
 * source's (source/source.h, chosen by source_sniff); this module is the
 * I/O glue around them. */
#ifndef ELHUB_IMPORT_H
#define ELHUB_IMPORT_H

#include "dataset.h"
#include "err.h"
#include "source/source.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* What one imported file held. */
struct import_report {
    const struct dataset *ds; /* points into dataset_all */
    const char *format;       /* "csv" or "json" (static) */
    int gzip;                 /* the input was gzip-compressed */
    int float32;              /* CSV values came from quantityKwhFloat32 */
    size_t rows;              /* rows written (= rows in the file) */
    size_t series;            /* distinct area x group */
    char areas[128];          /* distinct areas, comma-separated, sorted */
    int64_t first, last;      /* start of the first and last hour; 0 if no rows */
    /* Set also when import_file fails: rows of the file that are stored
     * nonetheless (only in a store without transactions, where a failure
     * part-way through a file larger than one write keeps the writes
     * before it; in SQLite a failed file leaves nothing). */
    size_t stored;
    size_t total; /* rows in the file, with stored */
};

/* Imports path ("-" reads stdin) into s. ds NULL means: from the CSV header
 * or, for JSON, from the record keys near the start of the file (the
 * sources' sniff; a weather CSV is told by its header too). o (may be
 * NULL) is what the user said about the file (source.h: its location, the
 * UTC offset of times without one, the unit of wind without one), for the
 * source's decoder. A note of the decoder (a weather file's grid cell) is
 * kept with store_meta_put before the rows. Gzip is
 * detected from the content, as is JSON vs CSV (a first non-blank byte of
 * '{' or '[' is JSON). The decompressed input is capped at
 * LIMIT_IMPORT_FILE. Two rows with the same (area, group, start) in one
 * file are an error, not "last wins": the file contradicts itself.
 *
 * On any decoding or validation error nothing is written and -1 is
 * returned with e set to "PATH: line N: reason" (CSV) or
 * "PATH: reason" (JSON, with the byte offset). Rows are written in store
 * batches of LIMIT_BATCH_ROWS, each atomic; a store failure after the first
 * of several batches can leave the earlier ones (never for files of up to
 * LIMIT_BATCH_ROWS rows, which are one transaction). rep is filled on
 * success and zeroed on failure. */
int import_file(struct store *s, const char *path, const struct dataset *ds,
                const struct source_opts *o, struct import_report *rep, struct err *e);

#endif
