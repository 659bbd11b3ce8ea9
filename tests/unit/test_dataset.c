/* Tests for dataset_format_value: its fast path and its bisection give
 * exactly the bytes of plain reference formatters (Python's repr rules:
 * fixed notation with the fewest decimals that read back for magnitudes
 * from 1e-4 to below 1e16, else the shortest exponent form), on
 * hand-picked edge values and on many generated ones. */
#include "check.h"
#include "dataset.h"

#include <math.h>
#include <stdint.h>

/* The reference: in the fixed range, the first number of decimals that
 * reads back ("%.*f"); elsewhere the first precision that reads back
 * ("%.*g"). A whole number gets ".0". */
static void reference(double v, char *out)
{
    int n = 0;
    if (!isfinite(v)) {
        snprintf(out, 32, "null");
        return;
    }
    if (v == 0 || (fabs(v) >= 1e-4 && fabs(v) < 1e16)) {
        for (int dec = 0; dec <= 40; dec++) {
            char tmp[80];
            n = snprintf(tmp, sizeof tmp, "%.*f", dec, v);
            if (strtod(tmp, NULL) == v) {
                snprintf(out, 32, "%.29s%s", tmp, dec ? "" : ".0");
                return;
            }
        }
    }
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    if (n > 0 && !strpbrk(out, ".eEn")) {
        out[n++] = '.';
        out[n++] = '0';
        out[n] = '\0';
    }
}

static int same(double v)
{
    char want[32], got[32];
    size_t n;
    reference(v, want);
    n = dataset_format_value(v, got);
    if (strcmp(want, got) != 0 || n != strlen(want)) {
        CHECK_FAIL_("%.17g: got \"%s\" (%zu), want \"%s\"", v, got, n, want);
        return 0;
    }
    return 1;
}

static void edges(void)
{
    const double v[] = {0.0,
                        -0.0,
                        0.001,
                        0.0005,
                        0.01,
                        0.1,
                        0.2,
                        0.3,
                        1.0,
                        10.0,
                        24.101,
                        2246558.0,
                        2246550.0,
                        1200000.0,
                        1e9,
                        1.5e9,
                        8589934591.999,
                        8589934592.0,
                        18356783799.950012,
                        1e15,
                        1e22,
                        123456.789,
                        -24.101,
                        -1200000.0,
                        0.1 + 0.2,
                        1.0 / 3.0,
                        5e-324,
                        1.7976931348623157e308,
                        999.9995,
                        999999.9995,
                        0.0999,
                        0.00099};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        CHECK(same(v[i]));
    {
        char out[32];
        CHECK_STR((dataset_format_value(2246558.0, out), out), "2246558.0");
        CHECK_STR((dataset_format_value(24.101, out), out), "24.101");
        CHECK_STR((dataset_format_value(1200000.0, out), out), "1200000.0");
        CHECK_STR((dataset_format_value(10.0, out), out), "10.0");
        CHECK_STR((dataset_format_value(1e15, out), out), "1000000000000000.0");
        CHECK_STR((dataset_format_value(1e16, out), out), "1e+16");
        CHECK_STR((dataset_format_value(0.0001, out), out), "0.0001");
        CHECK_STR((dataset_format_value(0.00001, out), out), "1e-05");
        CHECK_STR((dataset_format_value(-0.0, out), out), "-0.0");
        CHECK_STR((dataset_format_value(INFINITY, out), out), "null");
        CHECK_STR((dataset_format_value(NAN, out), out), "null");
    }
}

static void generated(void)
{
    uint64_t s = 88172645463325252ull; /* xorshift64: reproducible */
    int bad = 0;
    for (int i = 0; i < 600000 && bad < 5; i++) {
        double v;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        switch (i % 6) {
        case 0: /* three decimals, as Elhub publishes */
            v = (double)(int64_t)(s % 20000000000000ull) / 1000.0;
            break;
        case 1: /* sums: arbitrary doubles of kWh size */
            v = (double)(s >> 11) / 9007199254740992.0 * pow(10.0, (double)(s % 14) - 2.0);
            break;
        case 2: /* short values, often with trailing zeros */
            v = (double)(int64_t)(s % 100000) * pow(10.0, (double)(s % 9) - 3.0);
            break;
        case 3:
            v = -(double)(int64_t)(s % 9000000000ull) / 100.0;
            break;
        case 4: /* any double from 1e-5 to 1e16, as computed values are
                 * (STL components, spectra, scores): the general fast path */
            v = pow(10.0, (double)(s % 2100) / 100.0 - 5.0) * (1.0 + (double)(s >> 11) / 9.0e15);
            v = (s & 1) ? -v : v;
            break;
        default: /* 17-digit values next to a decimal midpoint: the last
                  * digit of the fast path is too close to call there */
            v = ((double)(s % 100000000000000000ull) + 0.5) / pow(10.0, (double)(s % 21));
            break;
        }
        bad += !same(v);
    }
    CHECK_INT(bad, 0);
}

CHECK_MAIN({"/dataset/format_value/edges", edges}, {"/dataset/format_value/generated", generated})
