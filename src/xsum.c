/* xsum: a 192-bit fixed-point accumulator; see xsum.h for the contract. */
#include "xsum.h"

#include <math.h>
#include <string.h>

/* Bit 190 set with bit 191 clear: no valid sum has that top word (valid
 * sums sign-extend through bits 190 and 191). */
#define INVALID_TOP 0x4000000000000000ull

static int invalid(const struct xsum *s)
{
    return s->w[2] == INVALID_TOP && s->w[1] == 0 && s->w[0] == 0;
}

static void set_invalid(struct xsum *s)
{
    s->w[0] = s->w[1] = 0;
    s->w[2] = INVALID_TOP;
}

void xsum_init(struct xsum *s)
{
    memset(s, 0, sizeof *s);
}

static void add3(uint64_t *w, const uint64_t *t)
{
    uint64_t carry = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t a = w[i], r = a + t[i];
        uint64_t c1 = r < a;
        uint64_t r2 = r + carry;
        uint64_t c2 = r2 < r;
        w[i] = r2;
        carry = c1 | c2;
    }
}

static void neg3(uint64_t *w)
{
    static const uint64_t one[3] = {1, 0, 0};
    for (int i = 0; i < 3; i++)
        w[i] = ~w[i];
    add3(w, one);
}

/* Whether the sum left the range where results are exact (bits 190 and 191
 * must agree). */
static int overflowed(const struct xsum *s)
{
    uint64_t top = s->w[2] >> 62;
    return top == 1 || top == 2;
}

void xsum_add(struct xsum *s, double v)
{
    uint64_t t[3] = {0, 0, 0}, m;
    int ex, sh;
    double f = 0;

    if (invalid(s))
        return;
    if (!isfinite(v) || fabs(v) >= 0x1p100) {
        set_invalid(s);
        return;
    }
    if (v == 0)
        return;
    {
        /* |v| = m * 2^(ex - 53) with m a 53-bit integer, read off the bits
         * (frexp/ldexp cost more on this hot path). */
        uint64_t bits64;
        int biased;
        memcpy(&bits64, &v, sizeof bits64);
        biased = (int)((bits64 >> 52) & 0x7ff);
        m = bits64 & ((1ull << 52) - 1);
        if (biased) {
            m |= 1ull << 52;
            ex = biased - 1022;
        } else {
            ex = -1021; /* subnormal */
        }
    }
    (void)f;
    sh = ex - 53 + XSUM_FRAC_BITS; /* |v| in units = m * 2^sh */
    if (sh >= 0) {
        int k = sh / 64, b = sh % 64;
        t[k] = m << b;
        if (b && k + 1 < 3)
            t[k + 1] = m >> (64 - b);
    } else if (sh > -64) {
        /* Below the unit: round to nearest, ties to even. */
        int r = -sh;
        uint64_t q = m >> r, rem = m & ((1ull << r) - 1), half = 1ull << (r - 1);
        if (rem > half || (rem == half && (q & 1)))
            q++;
        t[0] = q;
    } else {
        return; /* rounds to 0 */
    }
    if (v < 0)
        neg3(t);
    add3(s->w, t);
    if (overflowed(s))
        set_invalid(s);
}

void xsum_merge(struct xsum *s, const struct xsum *t)
{
    if (invalid(s))
        return;
    if (invalid(t)) {
        set_invalid(s);
        return;
    }
    add3(s->w, t->w);
    if (overflowed(s))
        set_invalid(s);
}

void xsum_sub(struct xsum *s, const struct xsum *t)
{
    struct xsum n = *t;
    if (invalid(t)) {
        set_invalid(s);
        return;
    }
    neg3(n.w);
    xsum_merge(s, &n);
}

/* Bits lo .. lo+count-1 (count <= 64) of w, as an integer. */
static uint64_t bits(const uint64_t *w, int lo, int count)
{
    uint64_t r = 0;
    for (int i = 0; i < count; i++) {
        int p = lo + i;
        if (p >= 0 && p < 192 && ((w[p / 64] >> (p % 64)) & 1))
            r |= 1ull << i;
    }
    return r;
}

/* Whether any bit below position hi (exclusive) is set. */
static int any_below(const uint64_t *w, int hi)
{
    for (int p = 0; p < hi && p < 192; p++)
        if ((w[p / 64] >> (p % 64)) & 1)
            return 1;
    return 0;
}

double xsum_value(const struct xsum *s)
{
    uint64_t w[3];
    int neg, h = -1;
    uint64_t mant;
    double r;

    if (invalid(s))
        return NAN;
    memcpy(w, s->w, sizeof w);
    neg = (w[2] >> 63) != 0;
    if (neg)
        neg3(w);
    for (int i = 2; i >= 0 && h < 0; i--)
        if (w[i])
            for (int b = 63; b >= 0; b--)
                if ((w[i] >> b) & 1) {
                    h = i * 64 + b;
                    break;
                }
    if (h < 0)
        return 0.0;
    if (h < 53) {
        r = ldexp((double)bits(w, 0, h + 1), -XSUM_FRAC_BITS);
    } else {
        int lo = h - 52;
        int round = (int)bits(w, lo - 1, 1);
        int sticky = any_below(w, lo - 1);
        mant = bits(w, lo, 53);
        if (round && (sticky || (mant & 1)))
            mant++; /* may reach 2^53: still exact as a double */
        r = ldexp((double)mant, lo - XSUM_FRAC_BITS);
    }
    return neg ? -r : r;
}

int xsum_equal(const struct xsum *a, const struct xsum *b)
{
    return memcmp(a->w, b->w, sizeof a->w) == 0;
}

void xsum_to_words(const struct xsum *s, int64_t out[3])
{
    for (int i = 0; i < 3; i++)
        memcpy(&out[i], &s->w[i], sizeof out[i]);
}

void xsum_from_words(struct xsum *s, const int64_t in[3])
{
    for (int i = 0; i < 3; i++)
        memcpy(&s->w[i], &in[i], sizeof s->w[i]);
}
