/* buf: capped growable buffer. */
#include "buf.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->p);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int reserve(struct buf *b, size_t n)
{
    size_t need;

    if (n > b->max || b->len > b->max - n)
        return -1;
    need = b->len + n + 1;
    if (need > b->alloc) {
        size_t a = b->alloc ? b->alloc : 256;
        while (a < need)
            a *= 2;
        b->p = xrealloc(b->p, a);
        b->alloc = a;
    }
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
    if (reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int buf_json_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc;
        if (c == '"' || c == '\\') {
            char two[2] = {'\\', (char)c};
            rc = buf_append(b, two, 2);
        } else if (c < 0x20) {
            rc = buf_printf(b, "\\u%04x", c);
        } else {
            rc = buf_append(b, s, 1);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->p;
    if (len)
        *len = b->len;
    if (!p)
        p = xstrdup("");
    buf_init(b, b->max);
    return p;
}
