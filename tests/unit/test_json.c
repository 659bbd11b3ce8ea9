/* Tests of the JSON writer (src/json.h) and the CSV writer
 * (src/csv_out.h): exact bytes for nesting, commas, escapes, numbers
 * (never a bare inf or nan), times, RFC 4180 quoting and formula
 * neutralisation, and sticky errors at the buffer's cap. */
#include "check.h"
#include "csv_out.h"
#include "json.h"

#include <math.h>

static void test_json_shapes(void)
{
    struct buf b;
    struct json j;
    buf_init(&b, 4096);
    json_init(&j, &b);
    json_obj(&j);
    json_kstr(&j, "a", "x\"y\\z\n\x01<");
    json_key(&j, "list");
    json_arr(&j);
    json_num(&j, 2246558.0);
    json_num(&j, 10.0);
    json_num(&j, INFINITY);
    json_num(&j, NAN);
    json_int(&j, -42);
    json_bool(&j, 1);
    json_null(&j);
    json_arr(&j);
    json_arr_end(&j);
    json_obj(&j);
    json_obj_end(&j);
    json_arr_end(&j);
    json_ktime(&j, "t", 1635642000); /* 2021-10-31T01:00:00Z = 02:00+01:00 */
    json_key(&j, "n");
    json_time_or_null(&j, 0, 0);
    json_obj_end(&j);
    CHECK_INT(json_finish(&j), 0);
    CHECK_STR(b.p, "{\"a\":\"x\\\"y\\\\z\\n\\u0001\\u003c\",\"list\":[2246558.0,10.0,null,null,-42,"
                   "true,null,[],{}],\"t\":\"2021-10-31T02:00:00+01:00\",\"n\":null}");
    buf_release(&b);
}

static void test_json_errors(void)
{
    struct buf b;
    struct json j;
    buf_init(&b, 8);
    json_init(&j, &b);
    json_arr(&j);
    json_str(&j, "longer than eight bytes");
    json_arr_end(&j);
    CHECK_INT(json_finish(&j), -1); /* the cap, sticky */
    buf_release(&b);
    buf_init(&b, 100);
    json_init(&j, &b);
    json_obj(&j);
    CHECK_INT(json_finish(&j), -1); /* unclosed */
    json_key(&j, "k");
    json_obj_end(&j); /* a key without a value */
    CHECK_INT(json_finish(&j), -1);
    buf_release(&b);
}

static void test_csv_out(void)
{
    struct buf b;
    struct csv_out w;
    buf_init(&b, 4096);
    csv_out_init(&w, &b, NULL, "\r\n");
    csv_out_text(&w, "plain");
    csv_out_text(&w, "a\"b,c");
    csv_out_text(&w, "=SUM(A1)");
    csv_out_text(&w, "-x");
    csv_out_text(&w, "@x");
    csv_out_text(&w, "\tx");
    csv_out_num(&w, -24.101);
    csv_out_num(&w, NAN);
    csv_out_int(&w, 7);
    csv_out_time(&w, 1616893200); /* 2021-03-28T01:00:00Z = 03:00+02:00 */
    csv_out_empty(&w);
    csv_out_row(&w);
    csv_out_text(&w, "line\nbreak");
    csv_out_row(&w);
    CHECK_INT(csv_out_finish(&w), 0);
    CHECK_STR(b.p, "plain,\"a\"\"b,c\",\"'=SUM(A1)\",\"'-x\",\"'@x\",\"'\tx\",-24.101,,7,"
                   "2021-03-28T03:00:00+02:00,\r\n\"line\nbreak\"\r\n");
    buf_release(&b);
}

static void test_csv_out_file_errors(void)
{
    struct buf b;
    struct csv_out w;
    FILE *f = fopen("/dev/full", "w");
    CHECK(f);
    buf_init(&b, 1024 * 1024);
    csv_out_init(&w, &b, f, "\n");
    for (int i = 0; i < 20000; i++) {
        csv_out_text(&w, "0123456789");
        csv_out_row(&w);
    }
    CHECK_INT(csv_out_finish(&w), -1);
    fclose(f);
    buf_release(&b);
}

CHECK_MAIN({"/json/shapes", test_json_shapes}, {"/json/errors", test_json_errors},
           {"/csv_out/cells", test_csv_out}, {"/csv_out/file-errors", test_csv_out_file_errors})
