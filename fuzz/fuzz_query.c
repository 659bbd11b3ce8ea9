/* fuzz_query: libFuzzer target for the dashboard's request targets: the
 * query-string decoder (api_query_parse) on raw bytes, then the whole
 * handler path (routing, parameter validation, error bodies) with no store,
 * which answers 400/404/503 without touching a database. */
#include "web/api.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/api/totals?",     "/api/series?", "/api/quality?",
                                        "/api/export.csv?", "/api/meta?",   "/healthz?"};
    struct api_query *q = malloc(sizeof *q);
    struct api_response r;
    char *target;
    size_t plen;
    const char *path;

    if (api_query_parse((const char *)data, size, q, NULL) == 0) {
        for (size_t i = 0; i < q->n; i++)
            if (!q->p[i].name[0] || strlen(q->p[i].name) > size || !api_query_get(q, q->p[i].name))
                abort();
    }
    free(q);

    path = paths[size ? data[0] % 6 : 0];
    plen = strlen(path);
    target = malloc(plen + size);
    memcpy(target, path, plen);
    if (size)
        memcpy(target + plen, data + 1, size - 1);
    api_response_init(&r);
    api_handle(NULL, target, plen + (size ? size - 1 : 0), &r);
    if (r.status != 400 && r.status != 503 && r.status != 404)
        abort();
    api_response_release(&r);
    free(target);
    return 0;
}
