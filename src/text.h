/* text: small text rules shared by every parser of user-given text (URIs,
 * query strings, CSV and JSON values): hex digits, percent-decoding and
 * decimal numbers, written once. Pure and thread-safe. */
#ifndef ELHUB_TEXT_H
#define ELHUB_TEXT_H

#include <stddef.h>

/* The value of a hex digit (either case), or -1. */
int text_hexval(int c);

/* Percent-decodes s[0..n) into out (cap bytes, NUL-terminated); with
 * plus_is_space a '+' decodes to a space (application/x-www-form-
 * urlencoded). Returns the decoded length, or TEXT_PCT_TRUNCATED (an
 * escape cut short), TEXT_PCT_BAD (not two hex digits), TEXT_PCT_NUL (a
 * decoded NUL byte) or TEXT_PCT_LONG (the output does not fit). */
enum { TEXT_PCT_TRUNCATED = -1, TEXT_PCT_BAD = -2, TEXT_PCT_NUL = -3, TEXT_PCT_LONG = -4 };
long text_pct_decode(const char *s, size_t n, int plus_is_space, char *out, size_t cap);

/* Reads the plain decimal s[0..n) (need not be NUL-terminated): an
 * optional minus, digits with an optional point, an optional exponent; no
 * hex, inf or nan. *out is the nearest double, as strtod gives it, with
 * -0 read as 0. Returns 0, or -1 if s is not such a number, is longer than
 * TEXT_DECIMAL_MAX bytes or is out of range. */
#define TEXT_DECIMAL_MAX 63
int text_decimal(const char *s, size_t n, double *out);

/* The first occurrence of the NUL-terminated needle in hay[0..n) (which
 * may hold NULs and need not be terminated), or NULL: how the sources
 * sniff a saved file's first bytes. Borrowed from hay. */
const char *text_find(const char *hay, size_t n, const char *needle);

#endif
