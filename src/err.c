/* err: filling and decorating struct err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(struct err *e)
{
    if (!e)
        return;
    e->domain = ERR_NONE;
    e->code = 0;
    e->msg[0] = '\0';
}

int err_set(struct err *e, enum err_domain d, long code, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return -1;
    e->domain = d;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
    char head[ERR_MSG_MAX], old[ERR_MSG_MAX];
    va_list ap;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* Truncation of an over-long message is intended. */
    size_t hl = strlen(head);
    if (hl > sizeof e->msg - 3)
        hl = sizeof e->msg - 3;
    memcpy(e->msg, head, hl);
    memcpy(e->msg + hl, ": ", 2);
    size_t ol = strlen(old);
    if (ol > sizeof e->msg - hl - 3)
        ol = sizeof e->msg - hl - 3;
    memcpy(e->msg + hl + 2, old, ol);
    e->msg[hl + 2 + ol] = '\0';
    return -1;
}

char *err_quote(const char *s, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (cap == 0)
        return out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = (c >= 0x20 && c < 0x7f) ? 1 : 4;
        /* Room for this byte and, if more follow, the "..." marker. */
        if (o + need + (i + 1 < n ? 3 : 0) >= cap) {
            if (o + 3 < cap) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

const char *err_domain_name(enum err_domain d)
{
    static const char *const names[] = {"none", "system", "usage", "parse", "data", "curl",
                                        "http", "sqlite", "cql",   "mongo", "chart"};
    if ((unsigned)d < sizeof names / sizeof names[0])
        return names[d];
    return "unknown";
}
