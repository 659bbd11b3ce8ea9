/* query/hourly: one series named DATASET:AREA:GROUP ("production:NO5:hydro";
 * for weather, AREA is the location and GROUP the variable) read through
 * the read model as hourly values on the regular UTC grid, with missing
 * hours explicit, and the one gap policy for the methods that need every
 * hour (forecasting):
 *   - the hours of a range are its instants on the hour, so the 25-hour
 *     Oslo day has 25 values and the 23-hour day 23;
 *   - a missing hour is NAN in the grid; a gap inside the range is refused,
 *     naming its first hour in Oslo time, unless the fill is linear, which
 *     interpolates between the hours either side (numpy.interp's formula)
 *     and counts the hours it filled;
 *   - missing hours at the start or the end of the range are always
 *     refused (nothing to interpolate from), naming the first or last
 *     stored hour so the range can be moved.
 * The spec's parts go through the one selection parser (query/select.h).
 * query_hourly reads the store (one store per thread, as store.h says);
 * the rest is pure and thread-safe. */
#ifndef ELHUB_QUERY_HOURLY_H
#define ELHUB_QUERY_HOURLY_H

#include "caps.h"
#include "err.h"
#include "query/select.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* "production:NO1:hydro" and its NUL. */
#define QUERY_SPEC_LEN (3 * LIMIT_NAME + 2)

struct query_spec {
    struct select sel;         /* the dataset, the area and the one group */
    char name[QUERY_SPEC_LEN]; /* normalised: "production:NO1:hydro" */
};

/* Parses the len bytes at text (need not be NUL-terminated) as
 * DATASET:AREA:GROUP, each part through select_set (so a name is checked
 * and case-folded exactly as a selection's). 0, or -1 with e (ERR_USAGE)
 * saying which part is wrong and what is expected; out is always set. */
int query_spec_parse(const char *text, size_t len, struct query_spec *out, struct err *e);

/* Reads spec over [from, to) (instants on whole hours, from < to, at most
 * max_hours of them) into v[0 .. (to - from) / 3600): v[i] is the stored
 * value of the hour starting at from + 3600 i, or NAN when it has no row.
 * Store errors are passed on with the spec named. */
int query_hourly(struct store *s, const struct query_spec *spec, int64_t from, int64_t to,
                 size_t max_hours, double *v, struct err *e);

enum query_fill { QUERY_FILL_NONE, QUERY_FILL_LINEAR };

/* "none" / "linear" -> fill; -1 if neither. */
int query_fill_parse(const char *s, enum query_fill *out);
const char *query_fill_name(enum query_fill f);

/* The gap policy above on v[0..n) (hour i starts at from + 3600 i), in
 * place. name is the series' name for messages. On success *filled (may be
 * NULL) is the number of hours interpolated. Fails with e (ERR_DATA) when
 * no hour is present, when hours are missing at the start or the end, or
 * (fill none) when a gap is inside; the message names the hours in Oslo
 * time and what to do. */
int query_hourly_fill(const char *name, int64_t from, double *v, size_t n, enum query_fill fill,
                      size_t *filled, struct err *e);

/* The first NAN in v[0..n), or n if there is none. */
size_t query_hourly_first_missing(const double *v, size_t n);

#endif
