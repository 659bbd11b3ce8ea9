/* fuzz_head: libFuzzer target for the gate's request-head check
 * (web_head_check) on raw bytes, as a client may send them, with the
 * invariants the server relies on: an accepted head lies inside the input,
 * its target inside the head and free of bytes outside 0x21-0x7e, and its
 * origin form fits the connection record; a rejected one carries a status
 * and a body text. */
#include "caps.h"
#include "web/head.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct web_head h;
    enum web_head_result v = web_head_check((const char *)data, size, LIMIT_HTTP_REQUEST, &h);

    if (v == WEB_HEAD_OK) {
        char out[LIMIT_HTTP_TARGET + 1];
        if (h.len > size || h.len > LIMIT_HTTP_REQUEST || h.target_off + h.target_len > h.len ||
            h.target_len == 0 || h.target_len > LIMIT_HTTP_TARGET)
            abort();
        for (size_t i = 0; i < h.target_len; i++)
            if (data[h.target_off + i] < 0x21 || data[h.target_off + i] > 0x7e)
                abort();
        if (web_head_origin((const char *)data + h.target_off, h.target_len, out, sizeof out) ==
            (size_t)-1)
            abort();
    } else if (v == WEB_HEAD_BAD) {
        if (h.status < 400 || h.status > 505 || !h.error || !h.detail)
            abort();
    } else if (size >= LIMIT_HTTP_REQUEST || h.scanned > size) {
        abort();
    }
    return 0;
}
