/* text: hex digits and percent-decoding. */
#include "text.h"

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
