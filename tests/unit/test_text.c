/* Tests for text.h: text_decimal gives exactly strtod's double on its fast
 * path and off it (random decimals of every length around the 15-digit
 * edge, exponents, negative zero), and refuses what is not a plain finite
 * decimal; hex digits and percent-decoding on their edges. */
#include "check.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void same_as_strtod(const char *s)
{
    double got = -1, want = strtod(s, NULL) + 0.0;
    if (text_decimal(s, strlen(s), &got) != 0)
        CHECK_FAIL_("\"%s\" refused", s);
    if (memcmp(&got, &want, sizeof got) != 0)
        CHECK_FAIL_("\"%s\": %.17g, strtod %.17g", s, got, want);
}

static void test_decimal_equals_strtod(void)
{
    const char *edges[] = {
        "0",
        "-0",
        "0.0",
        "-0.000",
        "1",
        ".5",
        "5.",
        "2514622.104",
        "-123.456",
        "999999999999999",
        "9999999999999999",
        "0.1",
        "0.30000000000000004",
        "123456789012345.6",
        "1e22",
        "1e23",
        "1.5E-3",
        "2.2250738585072014e-308",
        "0.0000000000000000000001",
        "0.00000000000000000000001",
        "1797693134862315708145274237317043567980705675258449965989174768031572"};
    char buf[64];

    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        if (strlen(edges[i]) <= TEXT_DECIMAL_MAX)
            same_as_strtod(edges[i]);
    /* Random decimals with 1..19 digits and 0..12 decimals: both sides of
     * the fast path's 15-digit and 10^22 bounds. */
    for (int k = 0; k < 200000; k++) {
        int digits = 1 + (int)(next() % 19), decimals = (int)(next() % 13), n = 0;
        if (next() % 4 == 0)
            buf[n++] = '-';
        for (int d = 0; d < digits; d++) {
            if (d == digits - decimals && d > 0)
                buf[n++] = '.';
            buf[n++] = (char)('0' + next() % 10);
        }
        buf[n] = '\0';
        same_as_strtod(buf);
    }
}

static void test_decimal_refuses(void)
{
    const char *bad[] = {"",   "-",  ".",     "abc", "0x10", "inf", "nan", "-inf",  "1,5",
                         " 1", "1 ", "1.2.3", "1e",  "1e+",  "--1", "+1",  "1e999", "1e-999"};
    double v;
    char longer[TEXT_DECIMAL_MAX + 2];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (text_decimal(bad[i], strlen(bad[i]), &v) == 0)
            CHECK_FAIL_("\"%s\" read as %g", bad[i], v);
    }
    /* A NUL inside the given length is not a digit. */
    CHECK(text_decimal("12\0"
                       "3",
                       4, &v) < 0);
    /* Not NUL-terminated: only n bytes are read. */
    CHECK_INT(text_decimal("2514622.104XYZ", 11, &v), 0);
    CHECK(v == 2514622.104);
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    longer[1] = '.';
    CHECK(text_decimal(longer, TEXT_DECIMAL_MAX + 1, &v) < 0);
    CHECK_INT(text_decimal(longer, TEXT_DECIMAL_MAX, &v), 0);
}

static void test_hex_and_percent(void)
{
    char out[16];
    CHECK_INT(text_hexval('0'), 0);
    CHECK_INT(text_hexval('f'), 15);
    CHECK_INT(text_hexval('F'), 15);
    CHECK_INT(text_hexval('g'), -1);
    CHECK_INT(text_hexval(-1), -1);
    CHECK_INT(text_pct_decode("a%20b+c", 7, 1, out, sizeof out), 5);
    CHECK_STR(out, "a b c");
    CHECK_INT(text_pct_decode("a+b", 3, 0, out, sizeof out), 3);
    CHECK_STR(out, "a+b");
    CHECK_INT(text_pct_decode("%4", 2, 0, out, sizeof out), TEXT_PCT_TRUNCATED);
    CHECK_INT(text_pct_decode("%zz", 3, 0, out, sizeof out), TEXT_PCT_BAD);
    CHECK_INT(text_pct_decode("%00", 3, 0, out, sizeof out), TEXT_PCT_NUL);
    CHECK_INT(text_pct_decode("0123456789abcdef", 16, 0, out, sizeof out), TEXT_PCT_LONG);
}

CHECK_MAIN({"/text/decimal-equals-strtod", test_decimal_equals_strtod},
           {"/text/decimal-refuses", test_decimal_refuses},
           {"/text/hex-and-percent", test_hex_and_percent})
