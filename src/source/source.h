/* source: where data comes from, as data. A source is one table of function
 * pointers (struct source_ops), one file each, like the storage backends:
 * src/elhub/source_elhub.c for the Elhub Energy Data API today. A dataset
 * row names its source (struct dataset.source) and source_find resolves the
 * name. The generic HTTP engine (src/fetch/fetch.h) and the importer
 * (src/import/) use nothing else of a source, so the next one (hourly
 * weather from another API) is a new file, a registry line in source.c and
 * dataset rows, not a copy of the fetch loop.
 *
 * What a source says: how an inclusive range of Oslo dates is split into the
 * requests its API accepts (windows, with the keys that record them as
 * stored), the URL of each, how its bodies decode into records (a streaming
 * decoder), the check of each record against the window asked for, the
 * message of an error body, its default base URL and User-Agent, how long
 * it goes on revising published values, and, for files people saved, which
 * of its datasets a file holds.
 *
 * Thread-safety: the tables are static and their functions pure (no I/O, no
 * state), so any thread may call them at any time. A decoder is one
 * object used by one thread at a time. */
#ifndef ELHUB_SOURCE_H
#define ELHUB_SOURCE_H

#include "buf.h"
#include "dataset.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

/* Done-keys and window labels, NUL included. */
#define SOURCE_KEY_MAX 80

/* One request of a fetch. Plain data, copied freely. */
struct source_window {
    int64_t start, end; /* the records it answers start in [start, end), UTC seconds */
    /* Its done-key, recorded in the store with its rows once it is stored
     * whole, and its name in messages: "2021-10" or "2021-10-05..2021-10-20". */
    char key[SOURCE_KEY_MAX];
    /* "" or the key of a larger window that holds this one ("2021-10" for
     * "2021-10-05..2021-10-20"): the window is stored if either key is. */
    char outer_key[SOURCE_KEY_MAX];
};

/* Called once per decoded record, which is borrowed for the call and has
 * passed record_check. Return 0 to go on, non-zero to stop the decode
 * (feed then fails; the callback keeps its own reason). */
typedef int (*source_record_fn)(const struct record *r, void *ctx);

struct source_ops {
    const char *name;        /* "elhub": what struct dataset.source says */
    const char *title;       /* "the Elhub Energy Data API", for help texts */
    const char *default_url; /* the API base when the user names none */
    const char *user_agent;  /* sent with every request */
    /* A window that ended less than this many days ago may still be
     * revised by the source: it is stored without its done-key, so the
     * next run asks again. */
    int revision_days;
    /* What one window is called, and several: "month", "months". */
    const char *window_one, *window_many;

    /* Splits the inclusive range from..to (Oslo dates as the user wrote
     * them: "YYYY-MM" or "YYYY-MM-DD"; a month as `from` starts on its
     * first day, as `to` ends on its last) into the windows ds is fetched
     * in, ascending. *out is owned by the caller (free()), *n its length;
     * both zeroed on failure. ERR_USAGE for a malformed or reversed range
     * or one of more than LIMIT_WINDOWS windows. */
    int (*plan)(const struct dataset *ds, const char *from, const char *to,
                struct source_window **out, size_t *n, struct err *e);
    /* Appends the request URL of w to out, under base_url (http:// or
     * https://; a trailing '/' is dropped). ERR_USAGE on a bad base_url or
     * a full buffer. */
    int (*url)(const char *base_url, const struct dataset *ds, const struct source_window *w,
               struct buf *out, struct err *e);
    /* The streaming decoder of a response body (or of a file saved from
     * one); see struct source_decoder below for the contract. */
    void *(*decoder_new)(const struct dataset *ds, source_record_fn fn, void *ctx);
    int (*decoder_feed)(void *d, const char *chunk, size_t n, struct err *e);
    int (*decoder_finish)(void *d, struct err *e);
    void (*decoder_free)(void *d);
    /* 0 if r belongs in the answer to w; else -1 with e set (ERR_DATA) to a
     * message naming the record and the window (a server that ignored the
     * parameters sends other dates). */
    int (*check)(const struct dataset *ds, const struct source_window *w, const struct record *r,
                 struct err *e);
    /* Writes the message of an error body (a non-2xx answer) into out (n
     * bytes, always NUL-terminated when n > 0), with every byte outside
     * printable ASCII escaped. 0 if found, -1 (out "") if the body is not
     * such a document. */
    int (*error_message)(const char *body, size_t len, char *out, size_t n);
    /* Which dataset of this source the first n bytes of a saved file hold
     * (they may end anywhere), or NULL if they do not tell. */
    const struct dataset *(*sniff)(const char *p, size_t n);
};

/* The sources, defined one per file. */
extern const struct source_ops source_elhub_ops;

/* The source called name, or NULL. name may be NULL (NULL). Static. */
const struct source_ops *source_find(const char *name);
/* The source of ds (source_find(ds->source)), or NULL. */
const struct source_ops *source_of(const struct dataset *ds);

/* Asks every source which dataset the first n bytes of a saved file hold;
 * the first answer wins. NULL if none can tell. */
const struct dataset *source_sniff(const char *p, size_t n);

/* "month" or "months" for n windows of src. Static. */
const char *source_windows(const struct source_ops *src, size_t n);

/* A streaming decoder of one body of ds's source. Fed in chunks of any
 * size (a token may be cut anywhere), it passes every record to fn as soon
 * as the record is complete and valid (record_check); a body never has to
 * be held whole. A body that is malformed, truncated, of another dataset,
 * or holds a record that fails its checks is an error with its byte
 * offset (ERR_PARSE, code = offset); the decoder is then unusable and
 * every later call repeats the error. Heap object of the caller, freed
 * with source_decoder_free; one thread at a time. */
struct source_decoder;

/* NULL if src has no decoder for ds. */
struct source_decoder *source_decoder_new(const struct source_ops *src, const struct dataset *ds,
                                          source_record_fn fn, void *ctx);
int source_decoder_feed(struct source_decoder *d, const char *chunk, size_t n, struct err *e);
/* Ends the input: -1 if the document is incomplete (a truncated body) or
 * is not one of the source's documents. */
int source_decoder_finish(struct source_decoder *d, struct err *e);
void source_decoder_free(struct source_decoder *d); /* NULL is a no-op */

#endif
