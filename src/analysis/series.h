/* series: the one way the analysis layer names and reads a series. A spec
 * is DATASET:AREA:GROUP_OR_VARIABLE ("production:NO5:hydro",
 * "weather:NO5:temperature_2m"), its three parts read by the one selection
 * parser (query/select.h: dataset, area, one group), so a name the rest of
 * the tool accepts is accepted here and normalised the same way.
 *
 * A series is hourly on a regular UTC grid from the first hour of an Oslo
 * date to the last hour of another, read through the read model
 * (query_series with hourly buckets: the stored rows): hours are instants,
 * so the 25-hour day has 25 samples and the 23-hour day 23, and a period of
 * 24 samples is 24 hours whatever the wall clock says. Missing hours are
 * explicit (NaN) until the gap policy has run:
 *   - a gap inside the range is refused, naming its first hour in Oslo time,
 *     unless the fill is linear, which interpolates it (numpy.interp's
 *     formula) and counts the hours it filled;
 *   - missing hours at the start or end of the range are always refused
 *     (there is nothing to interpolate from): the message names the first or
 *     last stored hour so the range can be narrowed.
 * series_read is the only store access of the analysis layer; everything
 * else here is pure and thread-safe. */
#ifndef ELHUB_ANALYSIS_SERIES_H
#define ELHUB_ANALYSIS_SERIES_H

#include "caps.h"
#include "dataset.h"
#include "err.h"
#include "query/select.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

struct series_spec {
    const struct dataset *ds;       /* points into dataset_all */
    char area[LIMIT_NAME];          /* as select_set normalises it: "NO5" */
    char group[LIMIT_NAME];         /* group or variable: "hydro" */
    char text[LIMIT_ANALYSIS_SPEC]; /* normalised: "production:NO5:hydro" */
};

/* Parses a spec. 0, or -1 with e (ERR_USAGE) saying which part is wrong in
 * the selection parser's words (an unknown dataset lists the known ones);
 * out is zeroed on failure. */
int series_spec_parse(const char *s, struct series_spec *out, struct err *e);

/* The selection of spec over the Oslo dates of range (its from/to),
 * hourly, for the read model. */
void series_select(const struct series_spec *spec, const struct select *range, struct select *out);

enum series_fill { SERIES_FILL_NONE, SERIES_FILL_LINEAR };

/* "none" / "linear" -> fill; -1 if neither. */
int series_fill_parse(const char *s, enum series_fill *out);
const char *series_fill_name(enum series_fill f);

/* An hourly series: sample i is the hour starting at start + 3600 i. */
struct series {
    char spec[LIMIT_ANALYSIS_SPEC];
    int64_t start;
    size_t n;
    double *v;     /* owned, n finite values once the gap policy has run */
    size_t filled; /* hours filled by linear interpolation */
    size_t gaps;   /* runs of missing hours that were filled */
};

/* Builds the series spec over [from, to) (instants on whole hours, from <
 * to, at most LIMIT_ANALYSIS_POINTS hours) from m points (t[i] the start of
 * an hour, v[i] its value; points outside the range or off the hour are
 * ignored) and applies the gap policy. On success out owns its values
 * (series_release); on failure out is empty and e (ERR_DATA) says which
 * hours are missing, in Oslo time. */
int series_grid(const char *spec, const int64_t *t, const double *v, size_t m, int64_t from,
                int64_t to, enum series_fill fill, struct series *out, struct err *e);

/* Reads spec over range (from and to set) from store s: checks the area
 * and group against what the store holds (query_check_selection: an
 * unknown one is ERR_USAGE naming what exists), reads the hours through
 * query_series and builds the series with series_grid. Errors of the store
 * are passed on, prefixed with the spec; "no data at all" names the range.
 * Uses s as store.h allows (one store per thread). */
int series_read(struct store *s, const struct series_spec *spec, const struct select *range,
                enum series_fill fill, struct series *out, struct err *e);

void series_release(struct series *s);

#endif
