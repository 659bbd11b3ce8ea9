/* forecast/exog: which stored series a forecasting request may take as
 * exogenous regressors. A regressor's values are needed over every
 * training hour and every forecast hour (they are never assumed or filled,
 * forecast/request.h), so the usable ones are the variables of a dataset
 * with variables (weather) stored for the same location key as the
 * series' area (weather is keyed by price area, "NO1") with a row for each
 * of those hours, by the read model's one definition of coverage
 * (query_coverage). The series itself is never offered. The rule is here,
 * not in a front end, so the dashboard offers exactly what /api/forecast
 * accepts. */
#ifndef ELHUB_FORECAST_EXOG_H
#define ELHUB_FORECAST_EXOG_H

#include "analysis/series.h"
#include "dataset.h"
#include "err.h"
#include "forecast/params.h"
#include "query/query.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* One usable regressor. ds and var point into dataset_all (static). */
struct forecast_exog_option {
    char spec[LIMIT_ANALYSIS_SPEC]; /* "weather:NO1:temperature_2m": the exog name */
    const struct dataset *ds;
    const struct dataset_var *var; /* var->title the label, var->unit the unit */
};

/* The hours a regressor of p must have: [*from, *to), the training hours
 * and the p->horizon hours after them. Pure. */
void forecast_exog_hours(const struct forecast_params *p, int64_t *from, int64_t *to);

/* The pure half of the rule: appends to out (at most max; *n counts them)
 * every variable of ds, in ds's order, whose coverage in cov (of ds at
 * area, over hours hours) has every hour present and no hour missing, and
 * whose spec ds:area:var is not series. Returns how many were appended.
 * Thread-safe. */
size_t forecast_exog_pick(const struct dataset *ds, const char *area,
                          const struct query_coverage *cov, int64_t hours,
                          const struct series_spec *series, struct forecast_exog_option *out,
                          size_t max, size_t *n);

/* The usable regressors of p (series, train_from, train_to and horizon
 * set; the window checked by forecast_params_finish_window) on store s:
 * every dataset with variables, in dataset_all's order. Checks p's series
 * against the store first (an unknown area or group: ERR_USAGE naming what
 * exists). *out is owned by the caller (free(); NULL when *n is 0) and
 * set even on failure. Uses s as store.h allows (one thread at a time). */
int forecast_exog_options(struct store *s, const struct forecast_params *p,
                          struct forecast_exog_option **out, size_t *n, struct err *e);

#endif
