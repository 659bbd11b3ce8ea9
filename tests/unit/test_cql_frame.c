/* Unit tests for cql/frame: encoders checked byte for byte against
 * native_protocol_v4.spec layouts, decoders fed hand-built responses and
 * every truncation of them. */
#include "check.h"

#include "cql/frame.h"
#include "caps.h"

static const uint8_t rows_body[] = {
    0x00, 0x00, 0x00, 0x02,                               /* kind Rows */
    0x00, 0x00, 0x00, 0x03,                               /* flags: global spec, more pages */
    0x00, 0x00, 0x00, 0x02,                               /* 2 columns */
    0x00, 0x00, 0x00, 0x02, 0xAB, 0xCD,                   /* paging state */
    0x00, 0x02, 'k',  's',  0x00, 0x01, 't',              /* keyspace, table */
    0x00, 0x04, 'a',  'r',  'e',  'a',  0x00, 0x0D,       /* area varchar */
    0x00, 0x05, 's',  't',  'a',  'r',  't',  0x00, 0x0B, /* start timestamp */
    0x00, 0x00, 0x00, 0x02,                               /* 2 rows */
    0x00, 0x00, 0x00, 0x03, 'N',  'O',  '1',              /* row 1 */
    0x00, 0x00, 0x00, 0x08, 0,    0,    0x01, 0x8C, 0xC2, 0x51,
    0xF4, 0x00, 0x00, 0x00, 0x00, 0x03, 'N',  'O',  '2', /* row 2: null start */
    0xFF, 0xFF, 0xFF, 0xFF,
};

static struct cql_header hdr(uint8_t op, size_t len, uint8_t flags)
{
    struct cql_header h = {CQL_VERSION_RESPONSE, flags, 1, op, (uint32_t)len};
    return h;
}

static void test_encode_startup(void)
{
    struct buf b;
    static const uint8_t want[] = {0x04, 0,    0x00, 0x07, 0x01, 0,   0,   0,   0x16, 0x00, 0x01,
                                   0x00, 0x0B, 'C',  'Q',  'L',  '_', 'V', 'E', 'R',  'S',  'I',
                                   'O',  'N',  0x00, 0x05, '3',  '.', '0', '.', '0'};
    buf_init(&b, 1024);
    CHECK_INT(cql_encode_startup(&b, 7), 0);
    CHECK_INT(b.len, sizeof want);
    CHECK(memcmp(b.p, want, sizeof want) == 0);
    buf_release(&b);
}

static void test_encode_auth(void)
{
    struct buf b;
    static const uint8_t want[] = {0x04, 0, 0, 0,   0x0F, 0,   0, 0,   13,  0,   0,
                                   0,    9, 0, 'u', 's',  'r', 0, 'p', 'w', 'd', '!'};
    buf_init(&b, 1024);
    CHECK_INT(cql_encode_auth_plain(&b, 0, "usr", "pwd!"), 0);
    CHECK_INT(b.len, sizeof want);
    CHECK(memcmp(b.p, want, sizeof want) == 0);
    buf_release(&b);
}

static void test_encode_query(void)
{
    struct buf b;
    uint8_t v8[8];
    struct cql_value vals[2] = {{"NO1", 3}, {NULL, -1}};
    struct cql_params p = {CQL_LOCAL_QUORUM, vals, 2, 0, 5000, {(const uint8_t *)"\x01\x02", 2, 0}};
    static const uint8_t want[] = {
        0x04, 0,    0x00, 0x02, 0x07, 0,    0,   0,   36,       /* header */
        0,    0,    0,    6,    'S',  'E',  'L', 'E', 'C', 'T', /* [long string] */
        0x00, 0x06,                                             /* LOCAL_QUORUM */
        0x0D, /* values | page size | paging state */
        0x00, 0x02, 0,    0,    0,    3,    'N', 'O', '1', 0xFF, 0xFF, 0xFF, 0xFF, /* values */
        0,    0,    0x13, 0x88,             /* page size 5000 */
        0,    0,    0,    2,    0x01, 0x02, /* paging state */
    };
    (void)v8;
    buf_init(&b, 1024);
    CHECK_INT(cql_encode_query(&b, 2, "SELECT", &p), 0);
    CHECK_INT(b.len, sizeof want);
    CHECK(memcmp(b.p, want, sizeof want) == 0);
    buf_release(&b);
}

static void test_encode_batch(void)
{
    struct buf b;
    struct cql_batch_mark m;
    const uint8_t id[2] = {0xAA, 0xBB};
    struct cql_value v[1] = {{"x", 1}};
    static const uint8_t want[] = {
        0x04, 0,    0,    3,    0x0D, 0,    0,    0, 25,            /* header */
        0x01, 0x00, 0x02,                                           /* unlogged, 2 statements */
        0x01, 0x00, 0x02, 0xAA, 0xBB, 0x00, 0x01, 0, 0,  0, 1, 'x', /* stmt 1 */
        0x01, 0x00, 0x02, 0xAA, 0xBB, 0x00, 0x00,                   /* stmt 2, no values */
        0x00, 0x01, 0x00,                                           /* ONE, flags */
    };
    buf_init(&b, 1024);
    CHECK_INT(cql_batch_begin(&b, 3, CQL_BATCH_UNLOGGED, &m), 0);
    CHECK_INT(cql_batch_add_prepared(&b, &m, id, 2, v, 1), 0);
    CHECK_INT(cql_batch_add_prepared(&b, &m, id, 2, NULL, 0), 0);
    CHECK_INT(cql_batch_end(&b, &m, CQL_ONE), 0);
    CHECK_INT(b.len, sizeof want);
    CHECK(memcmp(b.p, want, sizeof want) == 0);
    buf_release(&b);
}

static void test_encode_cap(void)
{
    struct buf b;
    buf_init(&b, 16); /* too small for STARTUP: the buffer stays as it was */
    CHECK_INT(cql_encode_startup(&b, 0), -1);
    CHECK_INT(b.len, 0);
    buf_release(&b);
}

static void test_header(void)
{
    struct cql_header h;
    struct err e = {0};
    uint8_t ok[9] = {0x84, 0x08, 0x00, 0x05, 0x08, 0, 0, 0x01, 0x00};
    uint8_t v3[9] = {0x83, 0, 0, 0, 0x08, 0, 0, 0, 0};
    uint8_t big[9] = {0x84, 0, 0, 0, 0x08, 0x10, 0, 0, 0};
    uint8_t comp[9] = {0x84, 0x01, 0, 0, 0x08, 0, 0, 0, 0};

    CHECK_OK(cql_header_decode(ok, &h, &e), &e);
    CHECK_INT(h.stream, 5);
    CHECK_INT(h.opcode, CQL_OP_RESULT);
    CHECK_INT(h.length, 256);
    CHECK_INT(h.flags, CQL_FLAG_WARNING);
    CHECK_INT(cql_header_decode(v3, &h, &e), -1);
    CHECK(strstr(e.msg, "0x83") != NULL);
    CHECK_INT(cql_header_decode(big, &h, &e), -1); /* 256 MB > LIMIT_CQL_FRAME */
    CHECK(strstr(e.msg, "cap") != NULL);
    CHECK_INT(cql_header_decode(comp, &h, &e), -1);
}

static void test_error(void)
{
    static const uint8_t body[] = {0, 0, 0x22, 0x00, 0, 5, 'o', 'o', 'p', 's', '!'};
    static const uint8_t unprep[] = {0, 0, 0x25, 0x00, 0, 1, '?', 0, 2, 0x12, 0x34};
    struct cql_header h = hdr(CQL_OP_ERROR, sizeof body, 0);
    struct cql_response r;
    struct err e = {0};

    CHECK_OK(cql_response_decode(&h, body, sizeof body, &r, &e), &e);
    CHECK_INT(r.err_code, CQL_ERR_INVALID);
    CHECK_INT(cql_response_error(&r, &e), -1);
    CHECK_STR(e.msg, "Invalid (0x2200): oops!");
    CHECK_INT(e.domain, ERR_CQL);
    CHECK_INT(e.code, 0x2200);
    cql_response_release(&r);

    h = hdr(CQL_OP_ERROR, sizeof unprep, 0);
    CHECK_OK(cql_response_decode(&h, unprep, sizeof unprep, &r, &e), &e);
    CHECK_INT(r.err_code, CQL_ERR_UNPREPARED);
    CHECK_INT(r.unprepared_id.n, 2);
    CHECK_INT(r.unprepared_id.p[1], 0x34);
    cql_response_release(&r);
}

static void test_rows(void)
{
    struct cql_header h = hdr(CQL_OP_RESULT, sizeof rows_body, 0);
    struct cql_response r;
    struct cql_slice cells[2];
    struct err e = {0};
    int64_t t;

    CHECK_OK(cql_response_decode(&h, rows_body, sizeof rows_body, &r, &e), &e);
    CHECK_INT(r.kind, CQL_RESULT_ROWS);
    CHECK_INT(r.rows.ncols, 2);
    CHECK_INT(r.rows.nrows, 2);
    CHECK(r.rows.flags & CQL_ROWS_HAS_MORE_PAGES);
    CHECK_INT(r.rows.paging_state.n, 2);
    CHECK_INT(r.rows.paging_state.p[0], 0xAB);
    CHECK_INT(r.rows.cols[0].type, CQL_TYPE_VARCHAR);
    CHECK_INT(r.rows.cols[1].type, CQL_TYPE_TIMESTAMP);
    CHECK(r.rows.cols[1].name.n == 5 && memcmp(r.rows.cols[1].name.p, "start", 5) == 0);
    CHECK_INT(cql_rows_next(&r.rows, cells), 0);
    CHECK(cells[0].n == 3 && memcmp(cells[0].p, "NO1", 3) == 0);
    CHECK_INT(cql_cell_bigint(&cells[1], &t), 0);
    CHECK_INT(t, 1704067200000LL); /* 2024-01-01T00:00:00Z */
    CHECK_INT(cql_rows_next(&r.rows, cells), 0);
    CHECK(cells[1].is_null);
    CHECK_INT(cql_cell_bigint(&cells[1], &t), -1);
    CHECK_INT(cql_rows_next(&r.rows, cells), -1); /* exhausted */
    cql_response_release(&r);
}

/* Every proper prefix of a valid body must fail cleanly (ASan watches). */
static void test_rows_truncated(void)
{
    for (size_t n = 0; n < sizeof rows_body; n++) {
        struct cql_header h = hdr(CQL_OP_RESULT, n, 0);
        struct cql_response r;
        struct err e = {0};
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, rows_body, n);
        CHECK_INT(cql_response_decode(&h, copy, n, &r, &e), -1);
        CHECK(e.domain == ERR_CQL && strstr(e.msg, "malformed") != NULL);
        cql_response_release(&r);
        free(copy);
    }
}

static void test_rows_lies(void)
{
    /* A row count the body cannot hold, and a column count over the cap. */
    static const uint8_t many[] = {0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF};
    static const uint8_t wide[] = {0, 0, 0, 2, 0, 0, 0, 4, 0x7F, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t neg[] = {0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE};
    struct cql_response r;
    struct err e = {0};
    struct cql_header h = hdr(CQL_OP_RESULT, sizeof many, 0);

    CHECK_INT(cql_response_decode(&h, many, sizeof many, &r, &e), -1);
    cql_response_release(&r);
    h = hdr(CQL_OP_RESULT, sizeof wide, 0);
    CHECK_INT(cql_response_decode(&h, wide, sizeof wide, &r, &e), -1);
    cql_response_release(&r);
    h = hdr(CQL_OP_RESULT, sizeof neg, 0);
    CHECK_INT(cql_response_decode(&h, neg, sizeof neg, &r, &e), -1);
    cql_response_release(&r);
    /* Rows of zero columns cost no bytes: a huge count must not pass
     * (found by fuzz_cql as a timeout). */
    {
        static const uint8_t zero[] = {0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF};
        h = hdr(CQL_OP_RESULT, sizeof zero, 0);
        CHECK_INT(cql_response_decode(&h, zero, sizeof zero, &r, &e), -1);
        cql_response_release(&r);
    }
    /* Header length and body length disagree. */
    h = hdr(CQL_OP_RESULT, sizeof rows_body + 1, 0);
    CHECK_INT(cql_response_decode(&h, rows_body, sizeof rows_body, &r, &e), -1);
    cql_response_release(&r);
}

static void test_nested_type_depth(void)
{
    uint8_t body[64 + 2 * (LIMIT_CQL_TYPE_DEPTH + 4)];
    size_t n = 0;
    struct cql_header h;
    struct cql_response r;
    struct err e = {0};
    static const uint8_t head[] = {0, 0, 0, 2,   0, 0, 0,   1, 0, 0,  0,
                                   1, 0, 1, 'k', 0, 1, 't', 0, 1, 'c'};

    memcpy(body, head, sizeof head);
    n = sizeof head;
    for (int i = 0; i < LIMIT_CQL_TYPE_DEPTH + 2; i++) { /* list<list<...>> */
        body[n++] = 0x00;
        body[n++] = 0x20;
    }
    body[n++] = 0x00;
    body[n++] = 0x09;
    memset(body + n, 0, 4); /* 0 rows */
    n += 4;
    h = hdr(CQL_OP_RESULT, n, 0);
    CHECK_INT(cql_response_decode(&h, body, n, &r, &e), -1);
    cql_response_release(&r);
}

static void test_prepared(void)
{
    static const uint8_t body[] = {
        0, 0,  0,    4,                       /* Prepared */
        0, 2,  0xCA, 0xFE,                    /* id */
        0, 0,  0,    1,    0,    0,   0,   2, /* global spec, 2 binds */
        0, 0,  0,    1,    0,    0,           /* 1 pk index: 0 */
        0, 1,  'k',  0,    1,    't',         /* spec */
        0, 1,  'a',  0,    0x0D,              /* a varchar */
        0, 11, '[',  't',  'i',  'm', 'e', 's', 't', 'a', 'm', 'p', ']', 0, 0x02, /* bigint */
        0, 0,  0,    4,    0,    0,   0,   0, /* result metadata: no metadata, 0 cols */
    };
    struct cql_header h = hdr(CQL_OP_RESULT, sizeof body, 0);
    struct cql_response r;
    struct err e = {0};

    CHECK_OK(cql_response_decode(&h, body, sizeof body, &r, &e), &e);
    CHECK_INT(r.kind, CQL_RESULT_PREPARED);
    CHECK_INT(r.prepared_id.n, 2);
    CHECK_INT(r.nbind, 2);
    CHECK_INT(r.bind_cols[0].type, CQL_TYPE_VARCHAR);
    CHECK_INT(r.bind_cols[1].type, CQL_TYPE_BIGINT);
    cql_response_release(&r);
}

static void test_warnings_and_tracing(void)
{
    uint8_t body[64];
    size_t n = 0;
    struct cql_header h;
    struct cql_response r;
    struct err e = {0};

    memset(body, 0x11, 16); /* tracing id */
    n = 16;
    memcpy(body + n, "\x00\x01\x00\x02hi", 6); /* one warning */
    n += 6;
    memcpy(body + n, "\x00\x00\x00\x01", 4); /* Void */
    n += 4;
    h = hdr(CQL_OP_RESULT, n, CQL_FLAG_TRACING | CQL_FLAG_WARNING);
    CHECK_OK(cql_response_decode(&h, body, n, &r, &e), &e);
    CHECK_INT(r.kind, CQL_RESULT_VOID);
    cql_response_release(&r);
}

static void test_cells(void)
{
    uint8_t d[8];
    double v;
    int32_t i;
    struct cql_slice s = {d, 8, 0}, s4 = {d, 4, 0};
    cql_put_double(d, 2246558.25);
    CHECK_INT(cql_cell_double(&s, &v), 0);
    CHECK_NEAR(v, 2246558.25, 0);
    cql_put_be32(d, 0xFFFFFFFEu);
    CHECK_INT(cql_cell_int(&s4, &i), 0);
    CHECK_INT(i, -2);
    CHECK_INT(cql_cell_int(&s, &i), -1); /* wrong size */
}

CHECK_MAIN({"/cql/frame/encode/startup", test_encode_startup},
           {"/cql/frame/encode/auth_plain", test_encode_auth},
           {"/cql/frame/encode/query", test_encode_query},
           {"/cql/frame/encode/batch", test_encode_batch},
           {"/cql/frame/encode/cap", test_encode_cap}, {"/cql/frame/header", test_header},
           {"/cql/frame/error", test_error}, {"/cql/frame/rows", test_rows},
           {"/cql/frame/rows/truncated", test_rows_truncated},
           {"/cql/frame/rows/lies", test_rows_lies},
           {"/cql/frame/rows/type_depth", test_nested_type_depth},
           {"/cql/frame/prepared", test_prepared}, {"/cql/frame/flags", test_warnings_and_tracing},
           {"/cql/frame/cells", test_cells})
