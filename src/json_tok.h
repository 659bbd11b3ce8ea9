/* json_tok: a resumable RFC 8259 JSON tokenizer. It is fed a document in
 * chunks of any size (a token may be cut anywhere, down to one byte a
 * chunk) and reports it as a stream of events pulled one at a time:
 * begin/end of objects and arrays, member names, strings (unescaped),
 * numbers (as written) and the three literals. It checks the whole grammar
 * (structure, escapes, UTF-8, number syntax, trailing garbage) but builds
 * nothing: what to keep is the caller's business (src/elhub/parse.c keeps
 * records, the error-body decoder keeps a message). Pure: no I/O.
 *
 * Caps (src/caps.h): one string or number is at most LIMIT_JSON_TOKEN
 * bytes, containers nest at most LIMIT_JSON_NEST deep. A repeated member
 * name is not an error here (RFC 8259 section 4 says names SHOULD be
 * unique); callers that read a member reject its repeats themselves.
 *
 * A struct json_tok is caller-owned storage (json_tok_init/release) used by
 * one thread at a time; distinct tokenizers share nothing. */
#ifndef ELHUB_JSON_TOK_H
#define ELHUB_JSON_TOK_H

#include "caps.h"
#include "err.h"

#include <stddef.h>

enum json_tok_type {
    JSON_TOK_ERROR = -1, /* malformed JSON or a cap exceeded: e is set */
    JSON_TOK_MORE = 0,   /* the chunk is used up: feed the next one, or end the input */
    JSON_TOK_DONE,       /* after json_tok_end: the document was complete */
    JSON_TOK_BEGIN_OBJECT,
    JSON_TOK_END_OBJECT,
    JSON_TOK_BEGIN_ARRAY,
    JSON_TOK_END_ARRAY,
    JSON_TOK_KEY,    /* an object member's name, unescaped */
    JSON_TOK_STRING, /* a string value, unescaped */
    JSON_TOK_NUMBER, /* the text of a number as written (RFC 8259 section 6 grammar) */
    JSON_TOK_TRUE,
    JSON_TOK_FALSE,
    JSON_TOK_NULL
};

/* One event. For KEY, STRING and NUMBER, s[0..len) holds the bytes (not
 * NUL-terminated; a string may contain "\u0000" as a NUL byte); s is
 * borrowed: it points into the chunk fed or into the tokenizer's own
 * buffers, and is valid until the next json_tok_next, json_tok_feed or
 * json_tok_release. Strings are valid UTF-8 (a lone surrogate escape
 * becomes U+FFFD). For the other types s is NULL and len 0. */
struct json_tok_event {
    enum json_tok_type type;
    const char *s;
    size_t len;
    size_t start; /* absolute byte offset of the token's first byte */
    size_t end;   /* absolute byte offset just past it */
    size_t depth; /* containers open after the event: 1 for the top-level object's keys */
};

/* The state. Read no field directly; sized so it can live inside the
 * caller's own struct without an extra allocation. */
struct json_tok {
    const char *chunk; /* the chunk being read (borrowed from the caller) */
    size_t n, pos;     /* its length, and how far it is read */
    size_t offset;     /* bytes of the chunks before it */
    int gstate;        /* what the grammar expects next */
    int eof;           /* json_tok_end was called */
    int failed;        /* an error was reported; every later call repeats it */
    int in_obj;        /* the innermost open container is an object */
    size_t nest;       /* containers open */
    unsigned char kind[LIMIT_JSON_NEST / 8]; /* bit set: that level is an object */
    char *carry;                             /* a token cut by a chunk end (owned) */
    size_t carry_len, carry_cap;
    int carry_esc;   /* the cut string ends inside an escape */
    size_t carry_ok; /* the cut string is valid up to there */
    char *dec;       /* an unescaped string (owned) */
    size_t dec_cap;
    struct err err; /* the error, repeated by later calls */
};

/* Prepares t for one document. Never fails. */
void json_tok_init(struct json_tok *t);
/* Frees what t holds; t may then be initialised again. */
void json_tok_release(struct json_tok *t);

/* Hands t the next n bytes of the document. The chunk is borrowed: it must
 * stay unchanged until json_tok_next returns JSON_TOK_MORE (or an error),
 * and only then may the next chunk be fed. n may be 0. */
void json_tok_feed(struct json_tok *t, const char *chunk, size_t n);
/* Says that no more bytes follow: the next calls flush a number cut at the
 * very end and then report JSON_TOK_DONE or the error of an incomplete
 * document. */
void json_tok_end(struct json_tok *t);

/* The next event, in *ev (always filled). Returns its type: an event,
 * JSON_TOK_MORE when the chunk is used up, JSON_TOK_DONE once the input has
 * ended after a complete document (and again on every later call), or
 * JSON_TOK_ERROR with e set (ERR_PARSE, code = the byte offset, message
 * "bad JSON at byte N: WHAT", or "empty document: expected JSON" when not
 * one byte was fed). After an error every call returns it again. */
int json_tok_next(struct json_tok *t, struct json_tok_event *ev, struct err *e);

/* The same, several at a time, for decoders where a call per event shows
 * (src/elhub/parse.c): fills ev[0..cap) (cap >= 1) with the next events and
 * returns how many (at least 1). The batch ends early after an event whose
 * bytes lie in the tokenizer's own buffers (a token cut by a chunk end, an
 * unescaped string), so every s in it stays valid until the next call; it
 * ends with JSON_TOK_MORE, JSON_TOK_DONE or JSON_TOK_ERROR (e set) when
 * the chunk is used up, the document is complete, or something is wrong. */
size_t json_tok_next_n(struct json_tok *t, struct json_tok_event *ev, size_t cap, struct err *e);

/* Bytes fed so far (the chunks before the current one plus all of it). */
size_t json_tok_bytes(const struct json_tok *t);

#endif
