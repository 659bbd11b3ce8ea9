/* elhub/parse: a streaming decoder for Elhub API response bodies (JSON:API
 * envelope, see docs/ELHUB-API.md) and for plain JSON arrays of records as
 * people save them. Pure: no I/O. Fed in chunks of any size (a token may
 * be cut anywhere), so a body never has to be held whole. */
#ifndef ELHUB_PARSE_H
#define ELHUB_PARSE_H

#include "dataset.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

/* Called once per decoded record; the record is borrowed for the call.
 * Return 0 to go on, non-zero to abort the parse (feed then fails with the
 * error the callback left in its own context; e gets a generic message). */
typedef int (*elhub_record_fn)(const struct record *r, void *ctx);

struct elhub_parse_stats {
    size_t records;               /* records passed to the callback */
    size_t areas;                 /* price-area objects seen, the "*" pseudo-area included */
    int64_t min_start, max_start; /* over the records; 0 if none */
};

struct elhub_parser;

/* Creates a parser for dataset ds. Records must carry ds->json_group; a
 * record missing a required key (priceArea, group, startTime, quantityKwh),
 * with a wrong type, an unparseable time, a non-finite or absurdly large number is
 * an error, reported with its byte offset. endTime defaults to start + 1 h,
 * lastUpdatedTime to 0 (unknown), meteringPointCount to -1. The result is a
 * heap object the caller frees with elhub_parser_free. */
struct elhub_parser *elhub_parser_new(const struct dataset *ds, elhub_record_fn fn, void *ctx);
void elhub_parser_free(struct elhub_parser *p); /* NULL is a no-op */
/* Feeds the next n bytes. -1 with e set (ERR_PARSE, code = byte offset) on
 * malformed JSON or a bad record; the parser is then unusable. */
int elhub_parser_feed(struct elhub_parser *p, const char *chunk, size_t n, struct err *e);
/* Ends the input: -1 if the document is incomplete (a truncated body). */
int elhub_parser_finish(struct elhub_parser *p, struct elhub_parse_stats *st, struct err *e);

/* One-shot convenience over the three calls above. */
int elhub_parse(const struct dataset *ds, const char *body, size_t len, elhub_record_fn fn,
                void *ctx, struct elhub_parse_stats *st, struct err *e);

/* Extracts "title: detail" of the first entry of a JSON:API error body
 * ({"errors":[{"status":..,"title":..,"detail":..}]}) into out (size n).
 * Returns 0 if found, -1 if the body is not such a document. */
int elhub_parse_api_error(const char *body, size_t len, char *out, size_t n);

#endif
