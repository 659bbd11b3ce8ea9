/* text: hex digits, percent-decoding and decimal numbers. */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int text_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long text_pct_decode(const char *s, size_t n, int plus_is_space, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '%') {
            int h, l;
            if (i + 2 >= n)
                return TEXT_PCT_TRUNCATED;
            h = text_hexval((unsigned char)s[i + 1]);
            l = text_hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return TEXT_PCT_BAD;
            c = h * 16 + l;
            i += 2;
        }
        if (c == 0)
            return TEXT_PCT_NUL;
        if (o + 1 >= cap)
            return TEXT_PCT_LONG;
        out[o++] = (char)c;
    }
    if (cap)
        out[o] = '\0';
    return (long)o;
}

static int decimal_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

int text_decimal(const char *s, size_t n, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    char tmp[TEXT_DECIMAL_MAX + 1], *end;
    uint64_t m = 0;
    size_t i = n && s[0] == '-', nd = 0, frac = 0;
    int dot = 0, fast = 1;
    double v;

    if (i == n || !((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
        return -1;
    /* The common shape, digits with an optional point and at most 15
     * significant digits: m / 10^k with m < 2^53 and k <= 22 are both
     * exact doubles, so the one division is correctly rounded, the double
     * strtod gives (Clinger's fast path, "How to read floating point
     * numbers accurately", PLDI 1990). */
    for (size_t j = i; j < n && fast; j++) {
        char c = s[j];
        if (c >= '0' && c <= '9') {
            fast = ++nd <= 15;
            m = m * 10 + (uint64_t)(c - '0');
            frac += (size_t)dot;
        } else if (c == '.' && !dot) {
            dot = 1;
        } else {
            fast = 0;
        }
    }
    if (fast && nd > 0 && frac <= 22) {
        v = (double)m / pow10[frac];
        *out = (i ? -v : v) + 0.0;
        return 0;
    }
    if (n >= sizeof tmp)
        return -1;
    for (size_t j = i; j < n; j++)
        if (!decimal_char(s[j]))
            return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    v = strtod(tmp, &end);
    if (end == tmp || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v + 0.0; /* -0 reads as 0 */
    return 0;
}

const char *text_find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}
