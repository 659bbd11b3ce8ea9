/* head: the request-head check the server's gate runs before libmicrohttpd
 * sees a request (see head.h). Sections cited are RFC 9112 (HTTP/1.1
 * message syntax) and RFC 9110 (semantics). */
#include "web/head.h"

#include "caps.h"

#include <string.h>
#include <strings.h>

static int bad(struct web_head *h, int status, const char *error, const char *detail)
{
    h->status = status;
    h->error = error;
    h->detail = detail;
    return WEB_HEAD_BAD;
}

/* tchar (RFC 9110 §5.6.2). */
static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The end of the line starting at i (index of its CR), or -1 if the line is
 * not complete in [i, n); -2 for a bare CR or LF (§2.2). */
static long line_end(const char *p, size_t i, size_t n)
{
    for (size_t j = i; j < n; j++) {
        if (p[j] == '\n')
            return -2;
        if (p[j] == '\r') {
            if (j + 1 == n)
                return -1;
            return p[j + 1] == '\n' ? (long)j : -2;
        }
    }
    return -1;
}

static int is_http_scheme(const char *t, size_t n, size_t *skip)
{
    if (n >= 7 && strncasecmp(t, "http://", 7) == 0) {
        *skip = 7;
        return 1;
    }
    if (n >= 8 && strncasecmp(t, "https://", 8) == 0) {
        *skip = 8;
        return 1;
    }
    return 0;
}

/* The request line p[0..n) (no CRLF): §3. */
static int check_request_line(const char *p, size_t n, struct web_head *h)
{
    const char *sp1 = memchr(p, ' ', n), *sp2, *t, *q;
    size_t mlen, tlen, parts, skip;

    if (!sp1 || sp1 == p)
        return bad(h, 400, "bad request", "the request line is not METHOD TARGET HTTP/1.1");
    mlen = (size_t)(sp1 - p);
    sp2 = memchr(sp1 + 1, ' ', n - mlen - 1);
    if (!sp2 || sp2 == sp1 + 1 || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - p)))
        return bad(h, 400, "bad request",
                   "the request line is not METHOD TARGET HTTP/1.1 (one space apart; a space in "
                   "the target must be percent-encoded)");
    for (size_t i = 0; i < mlen; i++)
        if (!is_tchar((unsigned char)p[i]))
            return bad(h, 400, "bad request", "the method is not a token");
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3). */
    {
        const char *v = sp2 + 1;
        size_t vl = n - (size_t)(v - p);
        if (vl != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
            v[7] < '0' || v[7] > '9')
            return bad(h, 400, "bad request", "the request line does not end in HTTP/1.1");
        if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
            return bad(h, 505, "http version not supported",
                       "only HTTP/1.0 and HTTP/1.1 are served");
        h->minor = v[7] - '0';
    }
    t = sp1 + 1;
    tlen = (size_t)(sp2 - t);
    h->target_off = (size_t)(t - p);
    h->target_len = tlen;
    if (tlen > LIMIT_HTTP_TARGET)
        return bad(h, 414, "uri too long", "the request target is longer than the server accepts");
    for (size_t i = 0; i < tlen; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c < 0x21 || c > 0x7e)
            return bad(h, 400, "bad request",
                       "the request target holds a NUL, control, space or non-ASCII byte; "
                       "percent-encode it");
    }
    if (mlen == 3 && memcmp(p, "GET", 3) == 0)
        h->head_method = 0;
    else if (mlen == 4 && memcmp(p, "HEAD", 4) == 0)
        h->head_method = 1;
    else if (mlen == 4 && memcmp(p, "POST", 4) == 0)
        h->head_method = 0; /* POST /api/fetch only, with no body (server.c) */
    else
        return bad(h, 405, "method not allowed", "only GET, HEAD and POST are served");
    /* origin-form or absolute-form (§3.2.1, §3.2.2); the authority of an
     * absolute form must not carry userinfo (RFC 9110 §4.2.4). */
    if (t[0] != '/') {
        size_t a;
        if (!is_http_scheme(t, tlen, &skip))
            return bad(h, 400, "bad request",
                       "the request target is neither /PATH nor http://HOST/PATH");
        for (a = skip; a < tlen && t[a] != '/' && t[a] != '?'; a++)
            if (t[a] == '@' || t[a] == '#')
                return bad(h, 400, "bad request",
                           "the request target's authority is not HOST[:PORT]");
        if (a == skip)
            return bad(h, 400, "bad request", "the request target names no host");
    }
    /* MHD stores every '&'-separated part of the query (empty ones too) in
     * its per-connection memory before our handler runs. */
    q = memchr(t, '?', tlen);
    if (q) {
        parts = 1;
        for (const char *x = q + 1; x < t + tlen; x++)
            parts += *x == '&';
        if (parts > LIMIT_HTTP_ARGS)
            return bad(h, 400, "bad request", "the query has too many '&'-separated parts");
    }
    return 0;
}

/* A value of digits only, all of them zero: Content-Length: 0. */
static int is_zero(const char *v, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != '0')
            return 0;
    return 1;
}

static int is_digits(const char *v, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0;
    return 1;
}

struct fields {
    unsigned count, host, length;
};

/* One header line p[0..n) (no CRLF): field-line = name ":" OWS value OWS
 * (§5). */
static int check_field(const char *p, size_t n, struct fields *f, struct web_head *h)
{
    const char *colon = memchr(p, ':', n), *v, *end;
    size_t nl;

    if (p[0] == ' ' || p[0] == '\t')
        return bad(h, 400, "bad request", "a header line is folded (obsolete line folding)");
    if (!colon || colon == p)
        return bad(h, 400, "bad request", "a header line is not NAME: VALUE");
    nl = (size_t)(colon - p);
    for (size_t i = 0; i < nl; i++)
        if (!is_tchar((unsigned char)p[i]))
            return bad(h, 400, "bad request", "a header name is not a token (no space before ':')");
    v = colon + 1;
    end = p + n;
    for (const char *x = v; x < end; x++) {
        unsigned char c = (unsigned char)*x;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return bad(h, 400, "bad request", "a header value holds a NUL or control byte");
    }
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    f->count++;
    if (nl == 4 && strncasecmp(p, "host", 4) == 0) {
        f->host++;
    } else if (nl == 14 && strncasecmp(p, "content-length", 14) == 0) {
        if (++f->length > 1 || !is_digits(v, (size_t)(end - v)))
            return bad(h, 400, "bad request", "Content-Length is repeated or not a number");
        if (!is_zero(v, (size_t)(end - v)))
            return bad(h, 413, "content too large", "request bodies are not accepted");
    } else if (nl == 17 && strncasecmp(p, "transfer-encoding", 17) == 0) {
        return bad(h, 413, "content too large", "request bodies are not accepted");
    } else if (nl == 6 && strncasecmp(p, "cookie", 6) == 0) {
        /* MHD keeps every cookie as a record of its own. */
        for (const char *x = v; x < end; x++)
            f->count += *x == ';';
    }
    if (f->count > LIMIT_HTTP_HEADERS)
        return bad(h, 431, "request header fields too large",
                   "the request has too many header fields");
    return 0;
}

enum web_head_result web_head_check(const char *p, size_t n, size_t cap, struct web_head *h)
{
    struct fields f = {0, 0, 0};
    size_t i = 0, limit = n < cap ? n : cap;
    int have_line = 0;

    memset(h, 0, sizeof *h);
    /* A server SHOULD ignore empty lines before the request line (§2.2). */
    while (i + 1 < limit && p[i] == '\r' && p[i + 1] == '\n')
        i += 2;
    for (;;) {
        long e = line_end(p, i, limit);
        if (e == -2)
            return bad(h, 400, "bad request", "a line ends in a bare CR or LF, not CRLF");
        if (e == -1)
            break;
        h->scanned = (size_t)e + 2;
        if (!have_line) {
            int rc = check_request_line(p + i, (size_t)e - i, h);
            h->target_off += i; /* from the line's start to the buffer's */
            if (rc < 0)
                return WEB_HEAD_BAD;
            have_line = 1;
        } else if ((size_t)e == i) {
            if (h->minor == 1 && f.host != 1)
                return bad(h, 400, "bad request",
                           "an HTTP/1.1 request needs exactly one Host header");
            h->len = (size_t)e + 2;
            return WEB_HEAD_OK;
        } else if (check_field(p + i, (size_t)e - i, &f, h) < 0) {
            return WEB_HEAD_BAD;
        }
        i = (size_t)e + 2;
    }
    /* An unfinished request line can already be too long a target. */
    if (!have_line && limit - i > LIMIT_HTTP_TARGET + 32)
        return bad(h, 414, "uri too long", "the request target is longer than the server accepts");
    if (n >= cap)
        return have_line ? bad(h, 431, "request header fields too large",
                               "the request head is larger than the server accepts")
                         : bad(h, 414, "uri too long",
                               "the request line is longer than the server accepts");
    return WEB_HEAD_INCOMPLETE;
}

size_t web_head_origin(const char *t, size_t len, char *out, size_t cap)
{
    size_t skip = 0, a, o = 0;

    if (len && t[0] != '/' && is_http_scheme(t, len, &skip)) {
        for (a = skip; a < len && t[a] != '/' && t[a] != '?'; a++)
            ;
        t += a;
        len -= a;
        if (!len || t[0] == '?') {
            if (cap < 2)
                return (size_t)-1;
            out[o++] = '/';
        }
    }
    if (o + len + 1 > cap)
        return (size_t)-1;
    memcpy(out + o, t, len);
    o += len;
    out[o] = '\0';
    return o;
}
