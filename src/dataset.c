/* dataset: the dataset table and record field helpers. */
#include "dataset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct dataset dataset_all[] = {
    {"production", "PRODUCTION_PER_GROUP_MBA_HOUR", "productionPerGroupMbaHour", "productionGroup",
     "productiongroup", 0, "Production"},
    {"consumption", "CONSUMPTION_PER_GROUP_MBA_HOUR", "consumptionPerGroupMbaHour",
     "consumptionGroup", "consumptiongroup", 1, "Consumption"},
};
const size_t dataset_count = sizeof dataset_all / sizeof dataset_all[0];

const struct dataset *dataset_find(const char *name)
{
    for (size_t i = 0; i < dataset_count; i++) {
        if (strcasecmp(name, dataset_all[i].name) == 0 ||
            strcasecmp(name, dataset_all[i].api_name) == 0)
            return &dataset_all[i];
    }
    return NULL;
}

static int set_name(char *dst, const char *s, size_t len, int upper)
{
    if (len == 0 || len >= LIMIT_NAME)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return -1;
        dst[i] = (char)(upper ? toupper(c) : tolower(c));
    }
    dst[len] = '\0';
    return 0;
}

int dataset_set_area(struct record *r, const char *s, size_t len)
{
    return set_name(r->area, s, len, 1);
}

int dataset_set_group(struct record *r, const char *s, size_t len)
{
    return set_name(r->group, s, len, 0);
}

/* The fast path of dataset_format_kwh, for the common case: a value with at
 * most three decimals (the resolution Elhub publishes kWh in) and magnitude
 * in [0.001, 2^33). Such a v is the double nearest r/1000 for an integer r,
 * and below 2^33 doubles are spaced less than 2e-6 apart, so every other
 * decimal with three decimals or fewer (any shorter candidate is one) reads
 * back to another double: the digits of r without trailing zeros are the
 * shortest that read back. They are laid out as printf's "%.Pg" would with
 * P = their count: fixed when the decimal exponent X < P (X >= -3 here),
 * else "d.ddde+0X". Returns 0 when v is not such a value. */
static size_t format_milli(double v, char *out)
{
    char dig[24];
    int nd = 0, p, x, neg = v < 0;
    double a = neg ? -v : v;
    unsigned long long r;
    size_t n = 0;

    if (!(a >= 0.001 && a < 8589934592.0))
        return 0;
    r = (unsigned long long)(a * 1000.0 + 0.5);
    if ((double)r / 1000.0 != a)
        return 0;
    for (unsigned long long t = r; t; t /= 10)
        dig[nd++] = (char)('0' + t % 10);
    for (int i = 0; i < nd / 2; i++) { /* most significant first */
        char c = dig[i];
        dig[i] = dig[nd - 1 - i];
        dig[nd - 1 - i] = c;
    }
    x = nd - 1 - 3;
    for (p = nd; p > 1 && dig[p - 1] == '0'; p--)
        ;
    if (neg)
        out[n++] = '-';
    if (x >= p) {
        out[n++] = dig[0];
        if (p > 1) {
            out[n++] = '.';
            memcpy(out + n, dig + 1, (size_t)p - 1);
            n += (size_t)p - 1;
        }
        memcpy(out + n, "e+0", 3);
        n += 3;
        out[n++] = (char)('0' + x);
    } else if (x >= 0) {
        memcpy(out + n, dig, (size_t)x + 1);
        n += (size_t)x + 1;
        out[n++] = '.';
        if (p > x + 1) {
            memcpy(out + n, dig + x + 1, (size_t)(p - x - 1));
            n += (size_t)(p - x - 1);
        } else {
            out[n++] = '0'; /* "2246558" + ".0", as below */
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = -1; i > x; i--)
            out[n++] = '0';
        memcpy(out + n, dig, (size_t)p);
        n += (size_t)p;
    }
    out[n] = '\0';
    return n;
}

size_t dataset_format_kwh(double v, char *out)
{
    int n, lo = 1, hi = 17;
    size_t fast = format_milli(v, out);

    if (fast)
        return fast;
    /* The fewest digits that read back. More digits never read back worse
     * (the correctly rounded P+1-digit decimal is at least as close as the
     * P-digit one, which is also a P+1-digit decimal), so the smallest P is
     * found by bisection: 4-5 conversions instead of up to 17. */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        n = snprintf(out, 32, "%.*g", mid, v); /* %g of a double with <= 17 digits fits */
        if (n > 0 && strtod(out, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    n = snprintf(out, 32, "%.*g", lo, v);
    if (n > 0 && !strpbrk(out, ".eEn")) {
        out[n++] = '.';
        out[n++] = '0';
        out[n] = '\0';
    }
    return n > 0 ? (size_t)n : 0;
}
