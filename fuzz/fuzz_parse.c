/* libFuzzer target for the API response parser (elhub/parse): arbitrary
 * bytes, fed in chunks of a size taken from the first byte, for either
 * dataset; plus the JSON:API error extractor on the same bytes. Whatever the
 * input, the parser must return cleanly and every record it passes on must
 * satisfy the documented contract. */
#include "elhub/names.h"
#include "elhub/parse.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_record(const struct record *r, void *ctx)
{
    size_t *n = ctx;
    /* The contract of parse.h: finite and bounded (negative net values are
     * real), named, ordered. */
    if (!isfinite(r->value) || fabs(r->value) > LIMIT_KWH_MAX || !r->area[0] || !r->group[0] ||
        r->end <= r->start || strlen(r->area) >= LIMIT_NAME || strlen(r->group) >= LIMIT_NAME)
        abort();
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct dataset *ds;
    struct elhub_parser *p;
    struct elhub_parse_stats st;
    struct err e = {0};
    char msg[128];
    size_t chunk, n = 0;
    int rc = 0;

    if (size < 1)
        return 0;
    /* The datasets of the Elhub source (weather has its own decoder). */
    ds = dataset_find(elhub_names_all[data[0] % elhub_names_count].dataset);
    chunk = (size_t)(data[0] >> 1) + 1;
    data++;
    size--;

    p = elhub_parser_new(ds, check_record, &n);
    for (size_t at = 0; at < size && rc == 0; at += chunk)
        rc = elhub_parser_feed(p, (const char *)data + at, size - at < chunk ? size - at : chunk,
                               &e);
    if (rc == 0)
        rc = elhub_parser_finish(p, &st, &e);
    if (rc == 0 && st.records != n)
        abort();
    if (rc != 0 && (e.domain != ERR_PARSE || !e.msg[0]))
        abort();
    elhub_parser_free(p);

    elhub_parse_api_error((const char *)data, size, msg, sizeof msg);
    return 0;
}
