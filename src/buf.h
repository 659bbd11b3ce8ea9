/* buf: a growable byte buffer with a hard cap set at init (curl's dynbuf).
 * The content is always NUL-terminated, so b->p can be used as a C string. */
#ifndef ELHUB_BUF_H
#define ELHUB_BUF_H

#include <stddef.h>

struct buf {
    char *p;      /* owned; NULL until the first append */
    size_t len;   /* bytes used, excluding the trailing NUL */
    size_t alloc; /* bytes allocated */
    size_t max;   /* cap on len; appends beyond it fail */
};

/* Caller-owned storage; release with buf_release. */
void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Keeps the allocation, empties the content. */
void buf_reset(struct buf *b);
/* 0 on success, -1 (and b unchanged) if the cap would be exceeded. */
int buf_append(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the body of a JSON string (escaped, without quotes). */
int buf_json_escape(struct buf *b, const char *s);
/* Takes the content: returns b->p (caller frees) and re-inits b empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
