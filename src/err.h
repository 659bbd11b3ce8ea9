/* err: the error struct every fallible function fills (domain, native code,
 * message), after mongo-c-driver's bson_error_t. */
#ifndef ELHUB_ERR_H
#define ELHUB_ERR_H

enum err_domain {
    ERR_NONE = 0,
    ERR_SYS,    /* code is errno */
    ERR_USAGE,  /* bad command-line or query parameter */
    ERR_PARSE,  /* code is the byte offset or line number of the problem */
    ERR_DATA,   /* input parsed but is inconsistent (range, duplicate, ...) */
    ERR_CURL,   /* code is a CURLcode */
    ERR_HTTP,   /* code is the HTTP status */
    ERR_SQLITE, /* code is the SQLite result code */
    ERR_CQL,    /* code is the CQL error code (native_protocol_v4 §9) */
    ERR_MONGO,  /* code is the libmongoc error code */
    ERR_CHART,  /* code is a cairo_status_t */
    ERR_STORE   /* the store holds rows or rollups elhub would not write (edited by hand) */
};

#include <stddef.h>

#define ERR_MSG_MAX 512

struct err {
    enum err_domain domain;
    long code;
    char msg[ERR_MSG_MAX];
};

/* Resets e to "no error". e may be NULL. */
void err_clear(struct err *e);

/* Fills e (which may be NULL) and returns -1, so callers can write
 * `return err_set(e, ERR_SYS, errno, "open %s: %s", path, strerror(errno));`.
 * The message is truncated to ERR_MSG_MAX-1 bytes. */
int err_set(struct err *e, enum err_domain d, long code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prepends "context: " to an already set message; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the n bytes at s into out (cap bytes, NUL-terminated) as text safe
 * to show anywhere a user reads it (a terminal, a log, a JSON detail):
 * printable ASCII as is, every other byte as \xNN, and "..." when it does not
 * fit. Input bytes are never echoed raw, so no escape sequence of a hostile
 * file or request reaches a terminal. Returns out. */
char *err_quote(const char *s, size_t n, char *out, size_t cap);

/* A short lower-case name for the domain ("sqlite", "http", ...). */
const char *err_domain_name(enum err_domain d);

#endif
