/* libFuzzer target for the JSON tokenizer (json_tok): arbitrary bytes are
 * tokenized whole in one chunk and again in chunks of a size taken from the
 * first byte, pulled in batches of another size; both runs must give the
 * same events (types, bytes, offsets, depths) and end the same way (done,
 * or the same error at the same offset). Every event must keep the
 * documented contract: offsets inside the input and increasing, depth
 * following the containers, strings valid UTF-8. */
#include "json_tok.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of the stream: FNV-1a over each event's fields and bytes. */
struct digest {
    uint64_t h;
    size_t events;
    long err_code;
    int done;
};

static void mix(struct digest *d, const void *p, size_t n)
{
    const unsigned char *u = p;
    for (size_t i = 0; i < n; i++) {
        d->h ^= u[i];
        d->h *= 1099511628211ULL;
    }
}

static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c >= 0x80 && (c < 0xC2 || c > 0xF4))
            return 0;
        if (i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

/* Checks one event against the contract; aborts on a breach. */
static void check_event(const struct json_tok_event *ev, size_t size, size_t *last_end,
                        size_t *depth)
{
    if (ev->start > ev->end || ev->end > size || ev->start < *last_end)
        abort();
    *last_end = ev->end;
    switch (ev->type) {
    case JSON_TOK_BEGIN_OBJECT:
    case JSON_TOK_BEGIN_ARRAY:
        if (ev->depth != *depth + 1 || ev->depth > LIMIT_JSON_NEST)
            abort();
        *depth = ev->depth;
        break;
    case JSON_TOK_END_OBJECT:
    case JSON_TOK_END_ARRAY:
        if (*depth == 0 || ev->depth != *depth - 1)
            abort();
        *depth = ev->depth;
        break;
    case JSON_TOK_KEY:
    case JSON_TOK_STRING:
        if (ev->depth != *depth || !valid_utf8((const unsigned char *)ev->s, ev->len) ||
            ev->len > LIMIT_JSON_TOKEN)
            abort();
        break;
    case JSON_TOK_NUMBER:
        if (ev->depth != *depth || ev->len == 0 || ev->len != ev->end - ev->start)
            abort();
        break;
    default:
        if (ev->s || ev->len)
            abort();
        break;
    }
}

static void run(const char *doc, size_t size, size_t chunk, size_t batch, struct digest *d)
{
    struct json_tok t;
    struct json_tok_event ev[16];
    struct err e = {0};
    size_t at = 0, last_end = 0, depth = 0;
    int over = 0;

    memset(d, 0, sizeof *d);
    d->h = 1469598103934665603ULL;
    json_tok_init(&t);
    while (!over) {
        size_t n = size - at < chunk ? size - at : chunk;
        if (n == 0)
            json_tok_end(&t);
        else
            json_tok_feed(&t, doc + at, n);
        at += n;
        for (;;) {
            size_t k = json_tok_next_n(&t, ev, batch, &e), j;
            for (j = 0; j < k; j++) {
                int type = ev[j].type;
                if (type == JSON_TOK_MORE)
                    break;
                if (type == JSON_TOK_ERROR) {
                    if (e.domain != ERR_PARSE || !e.msg[0] || (size_t)e.code > size)
                        abort();
                    d->err_code = e.code;
                    mix(d, e.msg, strlen(e.msg));
                    over = 1;
                    break;
                }
                if (type == JSON_TOK_DONE) {
                    if (depth != 0 || n != 0)
                        abort();
                    d->done = 1;
                    over = 1;
                    break;
                }
                check_event(&ev[j], size, &last_end, &depth);
                d->events++;
                mix(d, &type, sizeof type);
                mix(d, &ev[j].start, sizeof ev[j].start);
                mix(d, &ev[j].end, sizeof ev[j].end);
                mix(d, &ev[j].depth, sizeof ev[j].depth);
                if (ev[j].s)
                    mix(d, ev[j].s, ev[j].len);
            }
            if (j < k || k == 0)
                break;
        }
        if (n == 0 && !over)
            abort(); /* the end of input must settle the document */
    }
    json_tok_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct digest whole, cut;
    size_t chunk, batch;
    if (size < 1)
        return 0;
    chunk = (size_t)(data[0] & 0x3F) + 1;
    batch = (size_t)(data[0] >> 6) * 5 + 1; /* 1, 6, 11, 16 */
    data++;
    size--;
    run((const char *)data, size, size ? size : 1, 16, &whole);
    run((const char *)data, size, chunk, batch, &cut);
    if (whole.h != cut.h || whole.events != cut.events || whole.err_code != cut.err_code ||
        whole.done != cut.done)
        abort();
    return 0;
}
