/* fuzz_cql: libFuzzer target for the CQL response decoder (cql/frame). The
 * input is a header followed by a body; both are decoded as a peer's bytes
 * and every row cell is walked and converted. */
#include "cql/frame.h"
#include "caps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cql_header h;
    struct cql_response r;
    struct cql_slice cells[LIMIT_CQL_COLUMNS];
    uint8_t hdr[CQL_HEADER_LEN];
    uint8_t *body;
    size_t n;

    if (size < CQL_HEADER_LEN)
        return 0;
    memcpy(hdr, data, CQL_HEADER_LEN);
    hdr[0] = CQL_VERSION_RESPONSE; /* reach the body decoder most of the time */
    n = size - CQL_HEADER_LEN;
    hdr[5] = (uint8_t)(n >> 24);
    hdr[6] = (uint8_t)(n >> 16);
    hdr[7] = (uint8_t)(n >> 8);
    hdr[8] = (uint8_t)n;
    (void)cql_header_decode(data, &h, NULL); /* the header as sent, too */
    if (cql_header_decode(hdr, &h, NULL) < 0)
        return 0;
    /* An exact-size copy so ASan sees any read past the end. */
    body = malloc(n ? n : 1);
    memcpy(body, data + CQL_HEADER_LEN, n);
    if (cql_response_decode(&h, body, n, &r, NULL) == 0 && r.kind == CQL_RESULT_ROWS) {
        int64_t v;
        int32_t i;
        double d;
        while (cql_rows_next(&r.rows, cells) == 0) {
            for (int32_t c = 0; c < r.rows.ncols; c++) {
                (void)cql_cell_bigint(&cells[c], &v);
                (void)cql_cell_int(&cells[c], &i);
                (void)cql_cell_double(&cells[c], &d);
            }
        }
    }
    cql_response_release(&r);
    free(body);
    return 0;
}
