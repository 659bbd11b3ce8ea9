/* source: where data comes from, as data. A source is one table of function
 * pointers (struct source_ops), one file each, like the storage backends:
 * src/elhub/source_elhub.c for the Elhub Energy Data API today. A dataset
 * row names its source (struct dataset.source) and source_find resolves the
 * name. The generic HTTP engine (src/fetch/fetch.h) and the importer
 * (src/import/) use nothing else of a source, so the next one (hourly
 * weather from another API) is a new file, a registry line in source.c and
 * dataset rows, not a copy of the fetch loop: src/weather/source_openmeteo.c
 * (hourly ERA5 weather from Open-Meteo's archive API) is that second one.
 *
 * What a source says: how an inclusive range of Oslo dates is split into the
 * requests its API accepts (windows, with the keys that record them as
 * stored), the URL of each, how its bodies decode into records (a streaming
 * decoder), the check of each record against the window asked for, the
 * message of an error body, its default base URL and User-Agent, how long
 * it goes on revising published values, and, for files people saved, which
 * of its datasets a file holds. A source whose API answers one point at a
 * time (weather) also says which places it knows (struct source_place);
 * one that answers everything at once (Elhub: every price area) has none.
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
/* A decoder's note for the store (source_decoder_meta): key and value,
 * NUL included. */
#define SOURCE_META_KEY_MAX 64
#define SOURCE_META_VALUE_MAX 256

/* A place a source is asked about: a location key (what the store keeps in
 * the area column) and the point it stands for. Plain data. */
struct source_place {
    char key[LIMIT_NAME]; /* "NO5" or "60.3913N_5.3221E"; "" = no place named */
    double lat, lon;      /* WGS84 degrees of the point asked for */
    const char *name;     /* "Bergen" (a price area's city), or NULL; static */
};

/* What the user said about a body or a file beyond its bytes, for the
 * decoder (all optional: a zeroed struct says nothing). Plain data. */
struct source_opts {
    struct source_place place; /* the place the body is for (key "" if not said) */
    /* The UTC offset of times written without one (--utc-offset), for files
     * that do not say which they used. */
    int has_utc_offset;
    int utc_offset_s;
    /* The unit of wind columns that name none (--wind-unit): "ms", "kmh",
     * or NULL. Static or borrowed for the decoder's life. */
    const char *wind_unit;
    /* A fetch: the window the body answers (the engine sets it from
     * struct source_window; 0, 0 for a file). */
    int64_t from, to;
};

/* One request of a fetch. Plain data, copied freely. */
struct source_window {
    int64_t start, end; /* the records it answers start in [start, end), UTC seconds */
    /* Its done-key, recorded in the store with its rows once it is stored
     * whole, and its name in messages: "2021-10" or "2021-10-05..2021-10-20". */
    char key[SOURCE_KEY_MAX];
    /* "" or the key of a larger window that holds this one ("2021-10" for
     * "2021-10-05..2021-10-20"): the window is stored if either key is. */
    char outer_key[SOURCE_KEY_MAX];
    /* The place it asks about (key "" for a source without places). */
    struct source_place place;
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
    /* 1 if the decoder also reads the CSV files people save of this
     * source's data (import hands it every file of its datasets), 0 if it
     * reads bodies only (import's own CSV decoder, src/import/csv.h, reads
     * Elhub's CSV). */
    int reads_csv;

    /* NULL for a source without places. Else resolves what the user named:
     * area (a price area code, or a location key; NULL if not given) or a
     * point lat, lon (decimal degrees as text; NULL if not given), exactly
     * one of the two, into *out. ERR_USAGE naming what is wrong. */
    int (*place)(const char *area, const char *lat, const char *lon, struct source_place *out,
                 struct err *e);
    /* Splits the inclusive range from..to (Oslo dates as the user wrote
     * them: "YYYY-MM" or "YYYY-MM-DD"; a month as `from` starts on its
     * first day, as `to` ends on its last) into the windows ds is fetched
     * in, ascending, for place (NULL, or key "", when none was named: a
     * source with places then refuses, one without refuses a place).
     * *out is owned by the caller (free()), *n its length; both zeroed on
     * failure. ERR_USAGE for a malformed or reversed range, one of more
     * than LIMIT_WINDOWS windows, or a missing or unexpected place. */
    int (*plan)(const struct dataset *ds, const char *from, const char *to,
                const struct source_place *place, struct source_window **out, size_t *n,
                struct err *e);
    /* Appends the request URL of w to out, under base_url (http:// or
     * https://; a trailing '/' is dropped). ERR_USAGE on a bad base_url or
     * a full buffer. */
    int (*url)(const char *base_url, const struct dataset *ds, const struct source_window *w,
               struct buf *out, struct err *e);
    /* The streaming decoder of a response body (or of a file saved from
     * one); see struct source_decoder below for the contract. */
    void *(*decoder_new)(const struct dataset *ds, const struct source_opts *o, source_record_fn fn,
                         void *ctx);
    int (*decoder_feed)(void *d, const char *chunk, size_t n, struct err *e);
    int (*decoder_finish)(void *d, struct err *e);
    void (*decoder_free)(void *d);
    /* Optional: after a successful finish, a note the store keeps beside
     * the rows (source_decoder_meta). */
    int (*decoder_meta)(void *d, char *key, size_t kn, char *value, size_t vn);
    /* 0 if r belongs in the answer to w; 1 if the request covered r but w
     * does not (a request wider than its window, as when a source's API
     * takes whole days of another time zone): r is left out; else -1 with
     * e set (ERR_DATA) to a message naming the record and the window (a
     * server that ignored the parameters sends other dates). */
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
extern const struct source_ops source_openmeteo_ops;

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

/* NULL if src has no decoder for ds. o (may be NULL: nothing said) is
 * borrowed for the call; the decoder copies what it needs. */
struct source_decoder *source_decoder_new(const struct source_ops *src, const struct dataset *ds,
                                          const struct source_opts *o, source_record_fn fn,
                                          void *ctx);
int source_decoder_feed(struct source_decoder *d, const char *chunk, size_t n, struct err *e);
/* Ends the input: -1 if the document is incomplete (a truncated body) or
 * is not one of the source's documents. */
int source_decoder_finish(struct source_decoder *d, struct err *e);
void source_decoder_free(struct source_decoder *d); /* NULL is a no-op */
/* After a successful finish: a key and value (NUL-terminated, cut to kn
 * and vn bytes) the store is to keep beside the rows in its meta table
 * (store_meta_put), such as the grid cell a weather answer came from.
 * Returns 0 with key and value set, or -1 (both "") if the source has no
 * note for this body. */
int source_decoder_meta(struct source_decoder *d, char *key, size_t kn, char *value, size_t vn);

/* Splits the inclusive range from..to of Oslo dates ("YYYY-MM" or
 * "YYYY-MM-DD", as struct source_ops.plan takes them) into Oslo calendar
 * months clipped to the range, ascending, for sources that fetch a month
 * at a time. Keys are prefix + "2021-10" for a whole month, prefix +
 * "2021-10-05..2021-10-20" for a part (outer key prefix + "2021-10"); the
 * place is copied into every window (NULL: none). *out is owned by the
 * caller (free()). ERR_USAGE as for plan. Pure. */
int source_plan_months(const char *from, const char *to, const char *prefix,
                       const struct source_place *place, struct source_window **out, size_t *n,
                       struct err *e);

#endif
