/* json: the JSON writer; see json.h for the contract. */
#include "json.h"

#include "dataset.h"
#include "timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json *j, struct buf *b)
{
    memset(j, 0, sizeof *j);
    j->b = b;
}

int json_finish(const struct json *j)
{
    return j->failed || j->depth != 0 ? -1 : 0;
}

static void put(struct json *j, const char *s, size_t n)
{
    if (!j->failed && buf_append(j->b, s, n) < 0)
        j->failed = 1;
}

/* Writes the comma a value needs before it, unless it follows its key. */
static void before_value(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->n[j->depth - 1])
            put(j, ",", 1);
        j->n[j->depth - 1] = 1;
    }
}

static void open(struct json *j, char c)
{
    before_value(j);
    if (j->depth == JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    put(j, &c, 1);
    j->n[j->depth++] = 0;
}

static void close_(struct json *j, char c)
{
    if (j->depth == 0 || j->after_key) {
        j->failed = 1;
        return;
    }
    j->depth--;
    put(j, &c, 1);
}

void json_obj(struct json *j)
{
    open(j, '{');
}

void json_obj_end(struct json *j)
{
    close_(j, '}');
}

void json_arr(struct json *j)
{
    open(j, '[');
}

void json_arr_end(struct json *j)
{
    close_(j, ']');
}

static void quoted(struct json *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    put(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
            /* Also <, > and &: a body can never close a script or open markup. */
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        if (!esc)
            continue;
        put(j, s + run, i - run);
        put(j, esc, strlen(esc));
        run = i + 1;
    }
    put(j, s + run, n - run);
    put(j, "\"", 1);
}

void json_key(struct json *j, const char *k)
{
    if (j->depth == 0 || j->after_key) {
        j->failed = 1;
        return;
    }
    before_value(j);
    quoted(j, k, strlen(k));
    put(j, ":", 1);
    j->after_key = 1;
}

void json_str(struct json *j, const char *s)
{
    json_strn(j, s, strlen(s));
}

void json_strn(struct json *j, const char *s, size_t n)
{
    before_value(j);
    quoted(j, s, n);
}

void json_num(struct json *j, double v)
{
    char out[32];
    size_t n = dataset_format_value(v, out); /* "null" when not finite */
    before_value(j);
    put(j, out, n);
}

void json_int(struct json *j, int64_t v)
{
    char out[24];
    int n = snprintf(out, sizeof out, "%" PRId64, v);
    before_value(j);
    put(j, out, n > 0 ? (size_t)n : 0);
}

void json_bool(struct json *j, int v)
{
    before_value(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j)
{
    before_value(j);
    put(j, "null", 4);
}

void json_time(struct json *j, int64_t t)
{
    char iso[TIMEUTIL_ISO_LEN];
    size_t n = timeutil_format_oslo(t, iso);
    before_value(j);
    put(j, "\"", 1);
    put(j, iso, n);
    put(j, "\"", 1);
}

void json_time_or_null(struct json *j, int64_t t, int have)
{
    if (have)
        json_time(j, t);
    else
        json_null(j);
}

void json_kstr(struct json *j, const char *k, const char *s)
{
    json_key(j, k);
    json_str(j, s);
}

void json_knum(struct json *j, const char *k, double v)
{
    json_key(j, k);
    json_num(j, v);
}

void json_kint(struct json *j, const char *k, int64_t v)
{
    json_key(j, k);
    json_int(j, v);
}

void json_kbool(struct json *j, const char *k, int v)
{
    json_key(j, k);
    json_bool(j, v);
}

void json_ktime(struct json *j, const char *k, int64_t t)
{
    json_key(j, k);
    json_time(j, t);
}
