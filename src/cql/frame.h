/* cql/frame: the pure codec of the CQL native protocol v4 (apache/cassandra
 * doc/native_protocol_v4.spec): requests are encoded into a capped buffer,
 * responses decoded from bytes through a bounds-checked cursor. No I/O here,
 * so every function can be tested from byte fixtures and fuzzed. */
#ifndef ELHUB_CQL_FRAME_H
#define ELHUB_CQL_FRAME_H

#include "buf.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

/* §2.1: version byte with the direction bit. */
#define CQL_VERSION_REQUEST 0x04
#define CQL_VERSION_RESPONSE 0x84
#define CQL_HEADER_LEN 9

/* §2.2 header flags. */
#define CQL_FLAG_COMPRESSION 0x01
#define CQL_FLAG_TRACING 0x02
#define CQL_FLAG_CUSTOM_PAYLOAD 0x04
#define CQL_FLAG_WARNING 0x08

/* §2.4 opcodes. */
enum cql_opcode {
    CQL_OP_ERROR = 0x00,
    CQL_OP_STARTUP = 0x01,
    CQL_OP_READY = 0x02,
    CQL_OP_AUTHENTICATE = 0x03,
    CQL_OP_OPTIONS = 0x05,
    CQL_OP_SUPPORTED = 0x06,
    CQL_OP_QUERY = 0x07,
    CQL_OP_RESULT = 0x08,
    CQL_OP_PREPARE = 0x09,
    CQL_OP_EXECUTE = 0x0A,
    CQL_OP_REGISTER = 0x0B,
    CQL_OP_EVENT = 0x0C,
    CQL_OP_BATCH = 0x0D,
    CQL_OP_AUTH_CHALLENGE = 0x0E,
    CQL_OP_AUTH_RESPONSE = 0x0F,
    CQL_OP_AUTH_SUCCESS = 0x10
};

/* §3 [consistency]. */
enum cql_consistency {
    CQL_ANY = 0x0000,
    CQL_ONE = 0x0001,
    CQL_TWO = 0x0002,
    CQL_THREE = 0x0003,
    CQL_QUORUM = 0x0004,
    CQL_ALL = 0x0005,
    CQL_LOCAL_QUORUM = 0x0006,
    CQL_EACH_QUORUM = 0x0007,
    CQL_SERIAL = 0x0008,
    CQL_LOCAL_SERIAL = 0x0009,
    CQL_LOCAL_ONE = 0x000A
};

/* §4.2.5.2 native type option ids (the ones we interpret). */
enum cql_type {
    CQL_TYPE_CUSTOM = 0x0000,
    CQL_TYPE_ASCII = 0x0001,
    CQL_TYPE_BIGINT = 0x0002,
    CQL_TYPE_BLOB = 0x0003,
    CQL_TYPE_BOOLEAN = 0x0004,
    CQL_TYPE_COUNTER = 0x0005,
    CQL_TYPE_DOUBLE = 0x0007,
    CQL_TYPE_FLOAT = 0x0008,
    CQL_TYPE_INT = 0x0009,
    CQL_TYPE_TIMESTAMP = 0x000B,
    CQL_TYPE_VARCHAR = 0x000D,
    CQL_TYPE_LIST = 0x0020,
    CQL_TYPE_MAP = 0x0021,
    CQL_TYPE_SET = 0x0022,
    CQL_TYPE_UDT = 0x0030,
    CQL_TYPE_TUPLE = 0x0031
};

/* §4.2.5 result kinds. */
enum cql_result_kind {
    CQL_RESULT_VOID = 0x0001,
    CQL_RESULT_ROWS = 0x0002,
    CQL_RESULT_SET_KEYSPACE = 0x0003,
    CQL_RESULT_PREPARED = 0x0004,
    CQL_RESULT_SCHEMA_CHANGE = 0x0005
};

/* §9 error codes we act on. */
#define CQL_ERR_SERVER 0x0000
#define CQL_ERR_PROTOCOL 0x000A
#define CQL_ERR_BAD_CREDENTIALS 0x0100
#define CQL_ERR_UNAVAILABLE 0x1000
#define CQL_ERR_OVERLOADED 0x1001
#define CQL_ERR_IS_BOOTSTRAPPING 0x1002
#define CQL_ERR_WRITE_TIMEOUT 0x1100
#define CQL_ERR_READ_TIMEOUT 0x1200
#define CQL_ERR_SYNTAX 0x2000
#define CQL_ERR_UNAUTHORIZED 0x2100
#define CQL_ERR_INVALID 0x2200
#define CQL_ERR_CONFIG 0x2300
#define CQL_ERR_ALREADY_EXISTS 0x2400
#define CQL_ERR_UNPREPARED 0x2500

/* §4.2.5.2 Rows metadata flags. */
#define CQL_ROWS_GLOBAL_TABLES_SPEC 0x0001
#define CQL_ROWS_HAS_MORE_PAGES 0x0002
#define CQL_ROWS_NO_METADATA 0x0004

/* §4.1.4 query flags. */
#define CQL_QF_VALUES 0x01
#define CQL_QF_SKIP_METADATA 0x02
#define CQL_QF_PAGE_SIZE 0x04
#define CQL_QF_PAGING_STATE 0x08
#define CQL_QF_SERIAL_CONSISTENCY 0x10
#define CQL_QF_DEFAULT_TIMESTAMP 0x20

/* §4.1.7 batch types. */
#define CQL_BATCH_LOGGED 0
#define CQL_BATCH_UNLOGGED 1

/* A run of bytes borrowed from a decoded frame body. For a §3 [bytes] or
 * [value], null is p == NULL with n == 0 and is_null set. */
struct cql_slice {
    const uint8_t *p;
    size_t n;
    int is_null;
};

/* The read cursor every decoder goes through: each read checks `left`
 * first and fails (-1) rather than read past the end. */
struct cql_cursor {
    const uint8_t *p;
    size_t left;
};

int cql_get_byte(struct cql_cursor *c, uint8_t *v);
int cql_get_short(struct cql_cursor *c, uint16_t *v);
int cql_get_int(struct cql_cursor *c, int32_t *v);
int cql_get_long(struct cql_cursor *c, int64_t *v);
int cql_get_raw(struct cql_cursor *c, size_t n, struct cql_slice *out);
int cql_get_string(struct cql_cursor *c, struct cql_slice *out);      /* [string] */
int cql_get_long_string(struct cql_cursor *c, struct cql_slice *out); /* [long string] */
int cql_get_bytes(struct cql_cursor *c, struct cql_slice *out);       /* [bytes] */
int cql_get_short_bytes(struct cql_cursor *c, struct cql_slice *out); /* [short bytes] */

/* §2: a decoded 9-byte header. */
struct cql_header {
    uint8_t version;
    uint8_t flags;
    int16_t stream;
    uint8_t opcode;
    uint32_t length;
};

/* Decodes a response header. Fails (ERR_CQL, CQL_ERR_PROTOCOL) unless the
 * version is 0x84, the body is not compressed and the length is at most
 * LIMIT_CQL_FRAME: the caller may then read exactly h->length body bytes. */
int cql_header_decode(const uint8_t b[CQL_HEADER_LEN], struct cql_header *h, struct err *e);

/* One column of Rows metadata (§4.2.5.2); names borrowed from the body. */
struct cql_column {
    struct cql_slice name;
    uint16_t type; /* enum cql_type of the top-level option */
};

/* A Rows result. The cells are validated at decode time: every row has
 * ncols [bytes] inside the body, so cql_rows_next cannot run out. */
struct cql_rows {
    int32_t flags;
    int32_t ncols;
    struct cql_slice paging_state; /* p NULL when there are no more pages */
    struct cql_column *cols;       /* ncols entries, or NULL with No_metadata */
    int32_t nrows;
    struct cql_cursor content; /* rows_content */
    int32_t row_at;            /* rows already returned by cql_rows_next */
};

/* A decoded response. Every slice borrows from the body given to
 * cql_response_decode and is valid while that body is; cols is owned
 * (release with cql_response_release). */
struct cql_response {
    struct cql_header h;
    /* ERROR (§4.2.1, §9) */
    int32_t err_code;
    struct cql_slice err_msg;
    struct cql_slice unprepared_id; /* for CQL_ERR_UNPREPARED */
    /* AUTHENTICATE: authenticator class; AUTH_CHALLENGE/SUCCESS: token */
    struct cql_slice auth;
    /* RESULT (§4.2.5) */
    int32_t kind;
    struct cql_rows rows;         /* kind Rows */
    struct cql_slice prepared_id; /* kind Prepared */
    struct cql_column *bind_cols; /* kind Prepared: bind variables (owned) */
    int32_t nbind;
};

/* Decodes a response body of length h->length. Skips the tracing id, the
 * warnings and the custom payload the header flags announce (§2.2). Every
 * length from the peer is checked against what is left. r is initialised
 * even on failure; release it with cql_response_release in both cases. */
int cql_response_decode(const struct cql_header *h, const uint8_t *body, size_t len,
                        struct cql_response *r, struct err *e);
void cql_response_release(struct cql_response *r);

/* Fills cells (ncols entries) with the next row; 0 on success, -1 when
 * the rows are exhausted or (never after a successful decode) malformed. */
int cql_rows_next(struct cql_rows *rows, struct cql_slice *cells);

/* Cell decoders (§6): fail unless the cell has exactly the type's size. A
 * null cell fails too; callers check is_null first where null is allowed. */
int cql_cell_bigint(const struct cql_slice *s, int64_t *v); /* bigint, timestamp, counter */
int cql_cell_int(const struct cql_slice *s, int32_t *v);
int cql_cell_double(const struct cql_slice *s, double *v);

/* Sets e from an ERROR response: ERR_CQL, the §9 code, "<name> (0xNNNN):
 * <server message>". Returns -1. */
int cql_response_error(const struct cql_response *r, struct err *e);
/* A short name for a §9 code ("Unavailable", "Write_timeout", ...). */
const char *cql_error_name(int32_t code);

/* ---- encoding ------------------------------------------------------------
 * Encoders append one complete request frame to out (so several frames can
 * be queued in one buffer) and return -1, leaving out as it was, if the
 * frame would exceed LIMIT_CQL_FRAME or out's cap. */

/* A bound value (§3 [value]): len -1 is null. */
struct cql_value {
    const void *p;
    int32_t len;
};

/* §4.1.4 <query_parameters>. */
struct cql_params {
    uint16_t consistency;
    const struct cql_value *values;
    uint16_t nvalues;
    int skip_metadata;
    int32_t page_size;             /* 0: not sent */
    struct cql_slice paging_state; /* p NULL: not sent */
};

int cql_encode_startup(struct buf *out, int16_t stream);
int cql_encode_options(struct buf *out, int16_t stream);
int cql_encode_auth_response(struct buf *out, int16_t stream, const void *token, size_t n);
/* SASL PLAIN token for PasswordAuthenticator: "\0user\0password". */
int cql_encode_auth_plain(struct buf *out, int16_t stream, const char *user, const char *pass);
int cql_encode_query(struct buf *out, int16_t stream, const char *cql, const struct cql_params *p);
int cql_encode_prepare(struct buf *out, int16_t stream, const char *cql);
int cql_encode_execute(struct buf *out, int16_t stream, const uint8_t *id, size_t idlen,
                       const struct cql_params *p);

/* BATCH (§4.1.7) is built in three steps: begin, one add per statement,
 * end. *mark keeps the state between them. */
struct cql_batch_mark {
    size_t frame_start;
    size_t count_at;
    uint16_t count;
};
int cql_batch_begin(struct buf *out, int16_t stream, uint8_t type, struct cql_batch_mark *m);
int cql_batch_add_prepared(struct buf *out, struct cql_batch_mark *m, const uint8_t *id,
                           size_t idlen, const struct cql_value *values, uint16_t n);
int cql_batch_end(struct buf *out, struct cql_batch_mark *m, uint16_t consistency);

/* Value helpers: write the big-endian form of v into out. */
void cql_put_be64(uint8_t out[8], uint64_t v);
void cql_put_be32(uint8_t out[4], uint32_t v);
void cql_put_double(uint8_t out[8], double v);

#endif
