/* analysis: one analysis from a parsed request (analysis/params.h) to the
 * body every front end returns, in three steps so each can be timed and
 * tested alone: read the series (through the read model,
 * analysis/series), compute the method (pure), write JSON or CSV with the
 * one writers (pure). The JSON body is the same for `elhub analyze` and
 * the API:
 *   {"method":"stl","series":"production:NO5:hydro","from":"2021-01-01",
 *    "to":"2021-12-31","params":{...},"filled":{"production:NO5:hydro":0},
 *    "units":{"production:NO5:hydro":"kWh"},"time":[...], <the arrays>}
 * with times as the API writes them (Oslo time with its offset, json_time),
 * numbers in the one lossless format (dataset_format_value; null where a
 * value is undefined, e.g. an incomplete correlation window). The arrays per method:
 *   stl          observed, trend, seasonal, resid (+ weights when robust)
 *   spectrogram  time (segment centres), frequency (cycles per day), power
 *                (one row of frequencies per time)
 *   outliers     value, satv, lower, upper, outlier (booleans), summary
 *   anomalies    value (one row of values per hour with several series),
 *                score (scikit-learn's negative_outlier_factor_), anomaly,
 *                offset, count
 *   correlate    r, and best_lag, best_r with a lag range ("x" and "y" name
 *                the series instead of "series")
 * CSV has one row per time (spectrogram: per time and frequency) and empty
 * fields for undefined values. Thread-safety: the functions touch only
 * their arguments; analysis_read uses the store as store.h allows. */
#ifndef ELHUB_ANALYSIS_ANALYSIS_H
#define ELHUB_ANALYSIS_ANALYSIS_H

#include "analysis/params.h"
#include "csv_out.h"
#include "err.h"
#include "json.h"
#include "store/store.h"

struct analysis_data {
    struct series s[LIMIT_ANALYSIS_SERIES]; /* in request order; owned */
    size_t n;
};

/* Reads every series of rq over its range with its gap policy. On failure
 * d is empty (release is still safe) and e names the series and the
 * problem (a gap, missing hours at an end, no data, the store's error). */
int analysis_read(struct store *st, const struct analysis_request *rq, struct analysis_data *d,
                  struct err *e);
void analysis_data_release(struct analysis_data *d);

struct analysis_result {
    enum analysis_method method;
    struct stl_result stl;
    struct spectrogram_result spectrogram;
    struct spc_result spc;
    struct lof_result lof;
    struct correlate_result correlate;
};

/* Runs rq's method on d. On success r owns the method's arrays
 * (analysis_result_release); on failure r is empty and e says why. */
int analysis_compute(const struct analysis_request *rq, const struct analysis_data *d,
                     struct analysis_result *r, struct err *e);
void analysis_result_release(struct analysis_result *r);

/* The body, with the one JSON writer (appended to j: the object above) or
 * the one CSV writer (a header and one row per time). Errors (a cap
 * reached) are the writers' own, sticky, reported by json_finish /
 * csv_out_finish. */
void analysis_json(struct json *j, const struct analysis_request *rq, const struct analysis_data *d,
                   const struct analysis_result *r);
void analysis_csv(struct csv_out *w, const struct analysis_request *rq,
                  const struct analysis_data *d, const struct analysis_result *r);

/* Whether series i of rq is the first of its name (a request may name one
 * series twice, e.g. correlate --x S --y S): 1, or 0 for a repeat. */
int analysis_first_of(const struct analysis_request *rq, size_t i);

/* A segment centre of a spectrogram, as an instant (a half hour for an odd
 * window). */
int64_t analysis_centre_time(const struct series *s, double centre);

#endif
