/* head: the check of an HTTP/1.x request head (RFC 9112 §2-§6) that the
 * server's gate runs on the bytes a client sent, before libmicrohttpd reads
 * them. Pure functions on a byte span: no sockets, so it is unit-tested and
 * fuzzed from fixtures. It is stricter than libmicrohttpd 0.9.75 on purpose:
 * whatever it lets through, MHD parses the same way and can hold within its
 * per-connection memory, so MHD never has to answer an error itself. */
#ifndef ELHUB_WEB_HEAD_H
#define ELHUB_WEB_HEAD_H

#include <stddef.h>

enum web_head_result {
    WEB_HEAD_BAD = -1,       /* answer status/error/detail and close */
    WEB_HEAD_INCOMPLETE = 0, /* no verdict yet: wait for more bytes */
    WEB_HEAD_OK = 1          /* a whole, acceptable head of len bytes */
};

struct web_head {
    size_t len;                    /* WEB_HEAD_OK: bytes of the head, final CRLF included */
    size_t target_off, target_len; /* the request target as sent */
    int head_method;               /* 1: HEAD, 0: GET or POST */
    int minor;                     /* HTTP/1.<minor> */
    int status;                    /* WEB_HEAD_BAD: 400, 405, 413, 414, 431 or 505 */
    const char *error, *detail;    /* WEB_HEAD_BAD: static strings for the JSON body */
    size_t scanned;                /* bytes of complete lines already checked (see below) */
};

/* Checks the n bytes at p, the start of what a client sent on a fresh
 * connection. Lines end in CRLF only (a bare CR or LF is rejected: MHD
 * would split lines where we did not look). Rejects, with the status RFC
 * 9110/9112 names:
 * - a request line that is not `METHOD SP TARGET SP HTTP/1.x` (400), another
 *   HTTP version (505), a method other than GET, HEAD and POST (405; the
 *   server answers POST for /api/fetch only, and no request may carry a body);
 * - a target longer than LIMIT_HTTP_TARGET (414), holding a byte outside
 *   0x21-0x7e (400: NUL, controls, spaces, raw non-ASCII), not in origin
 *   form ("/...") or absolute form ("http://host/...", no userinfo) (400),
 *   or whose query has more than LIMIT_HTTP_ARGS '&'-separated parts,
 *   empty ones included (400);
 * - a header line without "name:", with a control byte in its value, or
 *   folded (400); more than LIMIT_HTTP_HEADERS header lines plus cookie
 *   pieces (431); for HTTP/1.1 a missing or repeated Host (400); a body
 *   announced by Content-Length other than 0 or by Transfer-Encoding (413);
 * - no end of head within cap bytes: 414 if the request line is not
 *   complete, else 431.
 * Returns WEB_HEAD_INCOMPLETE while every complete line is fine and the
 * head has not ended. out is always filled. out->scanned lets a caller skip
 * re-checking when no new line has completed: if the bytes after
 * out->scanned hold no LF, the verdict cannot change until more arrive.
 * Thread-safe. */
enum web_head_result web_head_check(const char *p, size_t n, size_t cap, struct web_head *out);

/* The origin form (RFC 9112 §3.2.1) of a target that web_head_check
 * accepted: an absolute-form target ("http://host/a?b", §3.2.2) loses its
 * scheme and authority ("/a?b"; "http://host?b" becomes "/?b"); an origin
 * form is copied as it is. Writes at most cap-1 bytes and a NUL to out;
 * returns the length, or (size_t)-1 if it does not fit. Thread-safe. */
size_t web_head_origin(const char *target, size_t len, char *out, size_t cap);

#endif
