/* xsum: exact sums of doubles. Every total, rollup and bucket in the tool is
 * an xsum, so a sum does not depend on the order its terms were added in:
 * the same data gives the same bytes from every backend, rollups equal the
 * rows they summarise exactly, and the result is the exact sum rounded once
 * (no "195514537.00000003" from rounding at every step).
 *
 * Representation: a 192-bit two's-complement integer counting units of
 * 2^-XSUM_FRAC_BITS. Any double with magnitude from 2^-28 (3.7e-9) up to
 * 2^100 is represented exactly; smaller magnitudes are rounded to the unit
 * (an error below 1e-24 per term); sums stay exact up to 2^110 in magnitude,
 * far beyond every bound in caps.h. Plain data: copy, store (as three
 * 64-bit words) and combine freely. Pure and thread-safe. */
#ifndef ELHUB_XSUM_H
#define ELHUB_XSUM_H

#include <stdint.h>

#define XSUM_FRAC_BITS 80

struct xsum {
    uint64_t w[3]; /* little-endian words of the 192-bit integer */
};

/* The empty sum, 0. A zero-initialised struct xsum is also 0. */
void xsum_init(struct xsum *s);
/* Adds v. A non-finite v or one of magnitude 2^100 or more is not added
 * and makes the sum invalid (xsum_value then returns NaN): record_check
 * keeps such values out of the store, so this never happens to stored
 * data. */
void xsum_add(struct xsum *s, double v);
/* s += t, and s -= t. */
void xsum_merge(struct xsum *s, const struct xsum *t);
void xsum_sub(struct xsum *s, const struct xsum *t);
/* The sum rounded once to the nearest double (ties to even); NaN if
 * invalid. */
double xsum_value(const struct xsum *s);
/* Whether the two sums are equal. */
int xsum_equal(const struct xsum *a, const struct xsum *b);

/* The three words as signed 64-bit integers, for stores that keep integers
 * (SQLite INTEGER, CQL bigint, BSON Int64), and back. */
void xsum_to_words(const struct xsum *s, int64_t out[3]);
void xsum_from_words(struct xsum *s, const int64_t in[3]);

#endif
