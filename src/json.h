/* json: the one JSON writer, on a struct buf. It keeps the comma state of
 * every open object and array, escapes every string, writes numbers
 * losslessly (dataset_format_value) and never a bare inf or nan (null
 * instead), and times as the Elhub API writes them. An error (the buffer's
 * cap reached, nesting too deep) is sticky: every later call does nothing
 * and json_finish reports it once, so writers need no check per call.
 * A struct json is caller-owned storage; not thread-safe (one per output). */
#ifndef ELHUB_JSON_H
#define ELHUB_JSON_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
    struct buf *b;                   /* borrowed */
    unsigned char n[JSON_MAX_DEPTH]; /* per open container: members written so far (capped at 1) */
    int depth;
    int after_key; /* a key was written; the next value is its value */
    int failed;
};

/* Starts writing into b (appends to what it holds). */
void json_init(struct json *j, struct buf *b);
/* 0 if everything was written, -1 if anything failed (then b holds a
 * truncated document the caller must not send). */
int json_finish(const struct json *j);

void json_obj(struct json *j);     /* { */
void json_obj_end(struct json *j); /* } */
void json_arr(struct json *j);     /* [ */
void json_arr_end(struct json *j); /* ] */
/* A member name inside an object; the next call writes its value. */
void json_key(struct json *j, const char *k);

void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
/* A number as dataset_format_value writes it ("2246558.0"); null if not
 * finite. */
void json_num(struct json *j, double v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* An instant as "2021-10-31T02:00:00+01:00" (Oslo time with its offset). */
void json_time(struct json *j, int64_t t);
/* An instant, or null when have is 0. */
void json_time_or_null(struct json *j, int64_t t, int have);

/* Shorthands for a member: key then value. */
void json_kstr(struct json *j, const char *k, const char *s);
void json_knum(struct json *j, const char *k, double v);
void json_kint(struct json *j, const char *k, int64_t v);
void json_kbool(struct json *j, const char *k, int v);
void json_ktime(struct json *j, const char *k, int64_t t);

#endif
