/* cql/frame: CQL native protocol v4 frame encoder and response decoder
 * (apache/cassandra doc/native_protocol_v4.spec; section numbers cited). */
#include "cql/frame.h"

#include "caps.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* ---- cursor (§3 notations) --------------------------------------------- */

int cql_get_byte(struct cql_cursor *c, uint8_t *v)
{
    if (c->left < 1)
        return -1;
    *v = c->p[0];
    c->p++;
    c->left--;
    return 0;
}

int cql_get_short(struct cql_cursor *c, uint16_t *v)
{
    if (c->left < 2)
        return -1;
    *v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return 0;
}

int cql_get_int(struct cql_cursor *c, int32_t *v)
{
    uint32_t u;
    if (c->left < 4)
        return -1;
    u = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
    *v = (int32_t)u;
    c->p += 4;
    c->left -= 4;
    return 0;
}

int cql_get_long(struct cql_cursor *c, int64_t *v)
{
    uint64_t u = 0;
    if (c->left < 8)
        return -1;
    for (int i = 0; i < 8; i++)
        u = u << 8 | c->p[i];
    *v = (int64_t)u;
    c->p += 8;
    c->left -= 8;
    return 0;
}

int cql_get_raw(struct cql_cursor *c, size_t n, struct cql_slice *out)
{
    if (c->left < n)
        return -1;
    out->p = c->p;
    out->n = n;
    out->is_null = 0;
    c->p += n;
    c->left -= n;
    return 0;
}

int cql_get_string(struct cql_cursor *c, struct cql_slice *out)
{
    uint16_t n;
    if (cql_get_short(c, &n) < 0)
        return -1;
    return cql_get_raw(c, n, out);
}

int cql_get_long_string(struct cql_cursor *c, struct cql_slice *out)
{
    int32_t n;
    if (cql_get_int(c, &n) < 0 || n < 0)
        return -1;
    return cql_get_raw(c, (size_t)n, out);
}

int cql_get_bytes(struct cql_cursor *c, struct cql_slice *out)
{
    int32_t n;
    if (cql_get_int(c, &n) < 0)
        return -1;
    if (n < 0) { /* §3 [bytes]: n < 0 is null */
        out->p = NULL;
        out->n = 0;
        out->is_null = 1;
        return 0;
    }
    return cql_get_raw(c, (size_t)n, out);
}

int cql_get_short_bytes(struct cql_cursor *c, struct cql_slice *out)
{
    return cql_get_string(c, out);
}

static int skip_string_list(struct cql_cursor *c)
{
    uint16_t n;
    struct cql_slice s;
    if (cql_get_short(c, &n) < 0)
        return -1;
    for (uint16_t i = 0; i < n; i++)
        if (cql_get_string(c, &s) < 0)
            return -1;
    return 0;
}

static int skip_bytes_map(struct cql_cursor *c)
{
    uint16_t n;
    struct cql_slice s;
    if (cql_get_short(c, &n) < 0)
        return -1;
    for (uint16_t i = 0; i < n; i++)
        if (cql_get_string(c, &s) < 0 || cql_get_bytes(c, &s) < 0)
            return -1;
    return 0;
}

/* ---- header (§2) ------------------------------------------------------- */

int cql_header_decode(const uint8_t b[CQL_HEADER_LEN], struct cql_header *h, struct err *e)
{
    h->version = b[0];
    h->flags = b[1];
    h->stream = (int16_t)(uint16_t)((unsigned)b[2] << 8 | b[3]);
    h->opcode = b[4];
    h->length = (uint32_t)b[5] << 24 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 8 | b[8];
    if (h->version != CQL_VERSION_RESPONSE)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL,
                       "CQL: unexpected frame version 0x%02x (want 0x84, protocol v4 response)",
                       h->version);
    if (h->flags & CQL_FLAG_COMPRESSION)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL,
                       "CQL: compressed frame received, but no compression was negotiated");
    if (h->length > LIMIT_CQL_FRAME)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL,
                       "CQL: frame body of %u bytes exceeds the %u-byte cap", h->length,
                       LIMIT_CQL_FRAME);
    return 0;
}

/* ---- responses (§4.2) -------------------------------------------------- */

/* Skips one [option] type (§4.2.5.2), following nested types up to
 * LIMIT_CQL_TYPE_DEPTH. */
static int read_type(struct cql_cursor *c, uint16_t *type, int depth)
{
    uint16_t id, n, sub;
    struct cql_slice s;

    if (depth > LIMIT_CQL_TYPE_DEPTH || cql_get_short(c, &id) < 0)
        return -1;
    if (type)
        *type = id;
    switch (id) {
    case CQL_TYPE_CUSTOM:
        return cql_get_string(c, &s);
    case CQL_TYPE_LIST:
    case CQL_TYPE_SET:
        return read_type(c, NULL, depth + 1);
    case CQL_TYPE_MAP:
        if (read_type(c, NULL, depth + 1) < 0)
            return -1;
        return read_type(c, NULL, depth + 1);
    case CQL_TYPE_UDT:
        if (cql_get_string(c, &s) < 0 || cql_get_string(c, &s) < 0 || cql_get_short(c, &n) < 0)
            return -1;
        for (uint16_t i = 0; i < n; i++)
            if (cql_get_string(c, &s) < 0 || read_type(c, &sub, depth + 1) < 0)
                return -1;
        return 0;
    case CQL_TYPE_TUPLE:
        if (cql_get_short(c, &n) < 0)
            return -1;
        for (uint16_t i = 0; i < n; i++)
            if (read_type(c, &sub, depth + 1) < 0)
                return -1;
        return 0;
    default:
        return 0; /* a native type: the option has no value */
    }
}

/* Reads <global_table_spec>?<col_spec_1>...<col_spec_n> into a new array. */
static int read_col_specs(struct cql_cursor *c, int32_t flags, int32_t ncols,
                          struct cql_column **out)
{
    struct cql_slice ks, table;
    struct cql_column *cols;

    *out = NULL;
    if (ncols == 0)
        return 0;
    if (flags & CQL_ROWS_GLOBAL_TABLES_SPEC)
        if (cql_get_string(c, &ks) < 0 || cql_get_string(c, &table) < 0)
            return -1;
    cols = xcalloc((size_t)ncols, sizeof *cols);
    for (int32_t i = 0; i < ncols; i++) {
        if (!(flags & CQL_ROWS_GLOBAL_TABLES_SPEC))
            if (cql_get_string(c, &ks) < 0 || cql_get_string(c, &table) < 0)
                goto fail;
        if (cql_get_string(c, &cols[i].name) < 0 || read_type(c, &cols[i].type, 0) < 0)
            goto fail;
    }
    *out = cols;
    return 0;
fail:
    free(cols);
    return -1;
}

/* §4.2.5.2 Rows: metadata, rows_count, then every cell checked in bounds. */
static int decode_rows(struct cql_cursor *c, struct cql_rows *rows)
{
    struct cql_cursor check;
    struct cql_slice cell;

    if (cql_get_int(c, &rows->flags) < 0 || cql_get_int(c, &rows->ncols) < 0)
        return -1;
    if (rows->ncols < 0 || rows->ncols > (int32_t)LIMIT_CQL_COLUMNS)
        return -1;
    if (rows->flags & CQL_ROWS_HAS_MORE_PAGES) {
        if (cql_get_bytes(c, &rows->paging_state) < 0 || rows->paging_state.is_null)
            return -1;
    }
    if (!(rows->flags & CQL_ROWS_NO_METADATA))
        if (read_col_specs(c, rows->flags, rows->ncols, &rows->cols) < 0)
            return -1;
    if (cql_get_int(c, &rows->nrows) < 0 || rows->nrows < 0)
        return -1;
    /* Rows of no column would take no bytes: a count of them is unbounded
     * by the body, and no query of ours selects nothing. */
    if (rows->ncols == 0 && rows->nrows > 0)
        return -1;
    /* Each cell takes at least 4 bytes: reject counts the body cannot hold
     * before walking them. */
    if (rows->ncols > 0 && (uint64_t)rows->nrows * (uint64_t)rows->ncols > c->left / 4)
        return -1;
    rows->content = *c;
    check = *c;
    for (int64_t i = 0; i < (int64_t)rows->nrows * rows->ncols; i++)
        if (cql_get_bytes(&check, &cell) < 0)
            return -1;
    rows->content.left -= check.left; /* the rows end here; extra bytes are ignored (§1) */
    *c = check;
    return 0;
}

/* §4.2.5.4 Prepared: <id><metadata><result_metadata>. */
static int decode_prepared(struct cql_cursor *c, struct cql_response *r)
{
    int32_t flags, ncols, pk_count;
    uint16_t pk;

    if (cql_get_short_bytes(c, &r->prepared_id) < 0 || r->prepared_id.n == 0)
        return -1;
    if (cql_get_int(c, &flags) < 0 || cql_get_int(c, &ncols) < 0 || cql_get_int(c, &pk_count) < 0)
        return -1;
    if (ncols < 0 || ncols > (int32_t)LIMIT_CQL_COLUMNS || pk_count < 0 || pk_count > ncols)
        return -1;
    for (int32_t i = 0; i < pk_count; i++)
        if (cql_get_short(c, &pk) < 0)
            return -1;
    if (read_col_specs(c, flags, ncols, &r->bind_cols) < 0)
        return -1;
    r->nbind = ncols;
    /* <result_metadata> follows; we do not need it (we never skip metadata
     * on EXECUTE), so it is left unread as §1 allows. */
    return 0;
}

int cql_response_decode(const struct cql_header *h, const uint8_t *body, size_t len,
                        struct cql_response *r, struct err *e)
{
    struct cql_cursor c = {body, len};
    struct cql_slice s;
    const char *what = "body";

    memset(r, 0, sizeof *r);
    r->h = *h;
    if (len != h->length)
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "CQL: frame body is %zu bytes, header says %u",
                       len, h->length);
    /* §2.2: tracing id, then warnings, then custom payload precede the body. */
    if (h->flags & CQL_FLAG_TRACING) {
        what = "tracing id";
        if (cql_get_raw(&c, 16, &s) < 0)
            goto bad;
    }
    if (h->flags & CQL_FLAG_WARNING) {
        what = "warnings";
        if (skip_string_list(&c) < 0)
            goto bad;
    }
    if (h->flags & CQL_FLAG_CUSTOM_PAYLOAD) {
        what = "custom payload";
        if (skip_bytes_map(&c) < 0)
            goto bad;
    }
    switch (h->opcode) {
    case CQL_OP_ERROR: /* §4.2.1 */
        what = "ERROR";
        if (cql_get_int(&c, &r->err_code) < 0 || cql_get_string(&c, &r->err_msg) < 0)
            goto bad;
        if (r->err_code == CQL_ERR_UNPREPARED) /* §9: followed by the unknown id */
            if (cql_get_short_bytes(&c, &r->unprepared_id) < 0)
                goto bad;
        return 0;
    case CQL_OP_READY:
    case CQL_OP_SUPPORTED:
    case CQL_OP_EVENT:
        return 0;
    case CQL_OP_AUTHENTICATE: /* §4.2.3 */
        what = "AUTHENTICATE";
        if (cql_get_string(&c, &r->auth) < 0)
            goto bad;
        return 0;
    case CQL_OP_AUTH_CHALLENGE: /* §4.2.7 */
    case CQL_OP_AUTH_SUCCESS:   /* §4.2.8 */
        what = "AUTH token";
        if (cql_get_bytes(&c, &r->auth) < 0)
            goto bad;
        return 0;
    case CQL_OP_RESULT: /* §4.2.5 */
        what = "RESULT";
        if (cql_get_int(&c, &r->kind) < 0)
            goto bad;
        switch (r->kind) {
        case CQL_RESULT_ROWS:
            what = "RESULT Rows";
            if (decode_rows(&c, &r->rows) < 0)
                goto bad;
            return 0;
        case CQL_RESULT_PREPARED:
            what = "RESULT Prepared";
            if (decode_prepared(&c, r) < 0)
                goto bad;
            return 0;
        case CQL_RESULT_VOID:
        case CQL_RESULT_SET_KEYSPACE:
        case CQL_RESULT_SCHEMA_CHANGE:
            return 0;
        default:
            return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "CQL: unknown RESULT kind 0x%04x",
                           (unsigned)r->kind);
        }
    default:
        return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL, "CQL: unexpected response opcode 0x%02x",
                       h->opcode);
    }
bad:
    return err_set(e, ERR_CQL, CQL_ERR_PROTOCOL,
                   "CQL: malformed %s in a %u-byte frame (opcode 0x%02x, at byte %zu)", what,
                   h->length, h->opcode, len - c.left);
}

void cql_response_release(struct cql_response *r)
{
    free(r->rows.cols);
    free(r->bind_cols);
    r->rows.cols = NULL;
    r->bind_cols = NULL;
}

int cql_rows_next(struct cql_rows *rows, struct cql_slice *cells)
{
    if (rows->row_at >= rows->nrows)
        return -1;
    for (int32_t i = 0; i < rows->ncols; i++)
        if (cql_get_bytes(&rows->content, &cells[i]) < 0)
            return -1;
    rows->row_at++;
    return 0;
}

/* ---- cells (§6) -------------------------------------------------------- */

int cql_cell_bigint(const struct cql_slice *s, int64_t *v)
{
    struct cql_cursor c = {s->p, s->n};
    if (s->is_null || s->n != 8)
        return -1;
    return cql_get_long(&c, v);
}

int cql_cell_int(const struct cql_slice *s, int32_t *v)
{
    struct cql_cursor c = {s->p, s->n};
    if (s->is_null || s->n != 4)
        return -1;
    return cql_get_int(&c, v);
}

int cql_cell_double(const struct cql_slice *s, double *v)
{
    int64_t bits;
    if (cql_cell_bigint(s, &bits) < 0)
        return -1;
    memcpy(v, &bits, sizeof *v); /* §6.7: IEEE 754 binary64, big-endian */
    return 0;
}

/* ---- errors (§9) ------------------------------------------------------- */

const char *cql_error_name(int32_t code)
{
    switch (code) {
    case 0x0000:
        return "Server error";
    case 0x000A:
        return "Protocol error";
    case 0x0100:
        return "Bad credentials";
    case 0x1000:
        return "Unavailable";
    case 0x1001:
        return "Overloaded";
    case 0x1002:
        return "Is_bootstrapping";
    case 0x1003:
        return "Truncate_error";
    case 0x1100:
        return "Write_timeout";
    case 0x1200:
        return "Read_timeout";
    case 0x1300:
        return "Read_failure";
    case 0x1400:
        return "Function_failure";
    case 0x1500:
        return "Write_failure";
    case 0x2000:
        return "Syntax_error";
    case 0x2100:
        return "Unauthorized";
    case 0x2200:
        return "Invalid";
    case 0x2300:
        return "Config_error";
    case 0x2400:
        return "Already_exists";
    case 0x2500:
        return "Unprepared";
    default:
        return "Error";
    }
}

int cql_response_error(const struct cql_response *r, struct err *e)
{
    int n = r->err_msg.n > 400 ? 400 : (int)r->err_msg.n;
    return err_set(e, ERR_CQL, r->err_code, "%s (0x%04x): %.*s", cql_error_name(r->err_code),
                   (unsigned)r->err_code, n, r->err_msg.p ? (const char *)r->err_msg.p : "");
}

/* ---- encoding (§4.1) --------------------------------------------------- */

void cql_put_be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

void cql_put_be32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

void cql_put_double(uint8_t out[8], double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    cql_put_be64(out, bits);
}

static int put_byte(struct buf *b, uint8_t v)
{
    return buf_append(b, &v, 1);
}

static int put_short(struct buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return buf_append(b, x, 2);
}

static int put_int(struct buf *b, int32_t v)
{
    uint8_t x[4];
    cql_put_be32(x, (uint32_t)v);
    return buf_append(b, x, 4);
}

static int put_string(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > 0xffff)
        return -1;
    return put_short(b, (uint16_t)n) < 0 ? -1 : buf_append(b, s, n);
}

static int put_long_string(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > (size_t)INT32_MAX)
        return -1;
    return put_int(b, (int32_t)n) < 0 ? -1 : buf_append(b, s, n);
}

static int put_short_bytes(struct buf *b, const uint8_t *p, size_t n)
{
    if (n > 0xffff)
        return -1;
    return put_short(b, (uint16_t)n) < 0 ? -1 : buf_append(b, p, n);
}

static int put_value(struct buf *b, const struct cql_value *v)
{
    if (v->len < 0)
        return put_int(b, -1); /* §3 [value]: null */
    return put_int(b, v->len) < 0 ? -1 : buf_append(b, v->p, (size_t)v->len);
}

/* Starts a frame: writes the §2 header with a zero length. */
static int frame_begin(struct buf *b, int16_t stream, uint8_t op, size_t *start)
{
    uint8_t h[CQL_HEADER_LEN] = {
        CQL_VERSION_REQUEST, 0, (uint8_t)((uint16_t)stream >> 8), (uint8_t)stream, op, 0, 0, 0, 0};
    *start = b->len;
    return buf_append(b, h, sizeof h);
}

/* Patches the body length into the header, or undoes the frame. */
static int frame_end(struct buf *b, size_t start, int ok)
{
    size_t body;
    if (ok < 0 || b->len - start - CQL_HEADER_LEN > LIMIT_CQL_FRAME) {
        b->len = start;
        if (b->p)
            b->p[start] = '\0';
        return -1;
    }
    body = b->len - start - CQL_HEADER_LEN;
    cql_put_be32((uint8_t *)b->p + start + 5, (uint32_t)body);
    return 0;
}

int cql_encode_startup(struct buf *out, int16_t stream)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_STARTUP, &at);
    /* §4.1.1: a [string map] with the mandatory CQL_VERSION. */
    if (ok == 0)
        ok = put_short(out, 1);
    if (ok == 0)
        ok = put_string(out, "CQL_VERSION");
    if (ok == 0)
        ok = put_string(out, "3.0.0");
    return frame_end(out, at, ok);
}

int cql_encode_options(struct buf *out, int16_t stream)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_OPTIONS, &at);
    return frame_end(out, at, ok);
}

int cql_encode_auth_response(struct buf *out, int16_t stream, const void *token, size_t n)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_AUTH_RESPONSE, &at);
    if (ok == 0 && n > (size_t)INT32_MAX)
        ok = -1;
    if (ok == 0)
        ok = put_int(out, (int32_t)n);
    if (ok == 0)
        ok = buf_append(out, token, n);
    return frame_end(out, at, ok);
}

int cql_encode_auth_plain(struct buf *out, int16_t stream, const char *user, const char *pass)
{
    struct buf tok;
    int rc;
    buf_init(&tok, 4096);
    /* RFC 4616 PLAIN: authzid NUL authcid NUL passwd, with an empty authzid. */
    rc = buf_append(&tok, "", 1);
    if (rc == 0)
        rc = buf_puts(&tok, user);
    if (rc == 0)
        rc = buf_append(&tok, "", 1);
    if (rc == 0)
        rc = buf_puts(&tok, pass);
    if (rc == 0)
        rc = cql_encode_auth_response(out, stream, tok.p, tok.len);
    if (tok.p)
        memset(tok.p, 0, tok.alloc); /* do not leave the password in freed memory */
    buf_release(&tok);
    return rc < 0 ? -1 : 0;
}

/* §4.1.4 <query_parameters>. */
static int put_params(struct buf *b, const struct cql_params *p)
{
    uint8_t flags = 0;
    int ok;

    if (p->nvalues)
        flags |= CQL_QF_VALUES;
    if (p->skip_metadata)
        flags |= CQL_QF_SKIP_METADATA;
    if (p->page_size > 0)
        flags |= CQL_QF_PAGE_SIZE;
    if (p->paging_state.p)
        flags |= CQL_QF_PAGING_STATE;
    /* Each put runs only if the previous ones succeeded, in wire order. */
    ok = put_short(b, p->consistency);
    if (ok == 0)
        ok = put_byte(b, flags);
    if (ok == 0 && p->nvalues) {
        ok = put_short(b, p->nvalues);
        for (uint16_t i = 0; i < p->nvalues && ok == 0; i++)
            ok = put_value(b, &p->values[i]);
    }
    if (ok == 0 && p->page_size > 0)
        ok = put_int(b, p->page_size);
    if (ok == 0 && p->paging_state.p) {
        if (p->paging_state.n > (size_t)INT32_MAX)
            return -1;
        ok = put_int(b, (int32_t)p->paging_state.n);
        if (ok == 0)
            ok = buf_append(b, p->paging_state.p, p->paging_state.n);
    }
    return ok;
}

int cql_encode_query(struct buf *out, int16_t stream, const char *cql, const struct cql_params *p)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_QUERY, &at);
    if (ok == 0)
        ok = put_long_string(out, cql);
    if (ok == 0)
        ok = put_params(out, p);
    return frame_end(out, at, ok);
}

int cql_encode_prepare(struct buf *out, int16_t stream, const char *cql)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_PREPARE, &at);
    if (ok == 0)
        ok = put_long_string(out, cql);
    return frame_end(out, at, ok);
}

int cql_encode_execute(struct buf *out, int16_t stream, const uint8_t *id, size_t idlen,
                       const struct cql_params *p)
{
    size_t at;
    int ok = frame_begin(out, stream, CQL_OP_EXECUTE, &at);
    if (ok == 0)
        ok = put_short_bytes(out, id, idlen);
    if (ok == 0)
        ok = put_params(out, p);
    return frame_end(out, at, ok);
}

int cql_batch_begin(struct buf *out, int16_t stream, uint8_t type, struct cql_batch_mark *m)
{
    int ok = frame_begin(out, stream, CQL_OP_BATCH, &m->frame_start);
    m->count = 0;
    m->count_at = 0;
    if (ok == 0)
        ok = put_byte(out, type);
    m->count_at = out->len;
    if (ok == 0)
        ok = put_short(out, 0);
    if (ok < 0)
        return frame_end(out, m->frame_start, -1);
    return 0;
}

int cql_batch_add_prepared(struct buf *out, struct cql_batch_mark *m, const uint8_t *id,
                           size_t idlen, const struct cql_value *values, uint16_t n)
{
    size_t before = out->len;
    int ok;

    if (m->count == 0xffff)
        return -1;
    /* §4.1.7 <query_i>: kind 1 (prepared), id, n, values. */
    ok = put_byte(out, 1);
    if (ok == 0)
        ok = put_short_bytes(out, id, idlen);
    if (ok == 0)
        ok = put_short(out, n);
    for (uint16_t i = 0; i < n && ok == 0; i++)
        ok = put_value(out, &values[i]);
    if (ok < 0) {
        out->len = before;
        return -1;
    }
    m->count++;
    return 0;
}

int cql_batch_end(struct buf *out, struct cql_batch_mark *m, uint16_t consistency)
{
    uint8_t *cnt;
    int ok = put_short(out, consistency);
    if (ok == 0)
        ok = put_byte(out, 0);
    if (ok == 0) {
        cnt = (uint8_t *)out->p + m->count_at;
        cnt[0] = (uint8_t)(m->count >> 8);
        cnt[1] = (uint8_t)m->count;
    }
    return frame_end(out, m->frame_start, ok);
}
