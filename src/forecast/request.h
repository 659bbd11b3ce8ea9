/* forecast/request: a forecasting request from its parameters
 * (forecast/params.h) to its result, on a store: the series and each
 * exogenous regressor are read over the training hours through the
 * analysis layer's one series reader (analysis/series.h: checked against
 * what the store holds, hourly on the regular UTC grid, its gap policy),
 * and run (forecast/forecast.h). Exogenous values over the forecast hours
 * are read the same way with no fill: a missing one is refused, naming
 * it; they are never assumed or filled. The one path of `elhub forecast` and
 * `/api/forecast`. Uses the store as store.h allows (one thread at a
 * time). */
#ifndef ELHUB_FORECAST_REQUEST_H
#define ELHUB_FORECAST_REQUEST_H

#include "buf.h"
#include "forecast/forecast.h"
#include "forecast/params.h"
#include "store/store.h"

struct forecast_answer {
    const struct forecast_params *p; /* borrowed, see forecast_answer_run */
    const char *exog_names[LIMIT_FORECAST_EXOG];
    double *y, *x, *xf; /* owned: training values, training and forecast-hour regressors */
    struct forecast_request rq;
    struct forecast_result res;
    struct forecast_labels lb;
};

/* The names of p's regressors (its parameter names): names[j] =
 * p->exog[j].text, borrowed from p. */
void forecast_params_exog_names(const struct forecast_params *p, const char **names);

/* Refuses (-1 with e, ERR_USAGE) a fit of p (finished) that would be more
 * work than `work` allows (forecast_check_work), before any data is read:
 * the JSON API's check ahead of its heavy-read slot. 0 when work is 0. */
int forecast_params_check_work(const struct forecast_params *p, double work, struct err *e);

/* Runs p (finished by forecast_params_finish) on store s: mode FIT, or
 * GIVEN / LOGLIKE at params (sarimax_nparams values, copied); work is
 * forecast_request.work (0: no limit). out is caller storage, filled on
 * success, and borrows p until forecast_answer_release (safe after a
 * failure too). Errors: ERR_USAGE for a request the store or the caps
 * refuse (an unknown area or group, too much work), ERR_DATA for data
 * that cannot answer it (a gap, a missing regressor hour, a model that
 * cannot be evaluated), or the store's own. */
int forecast_answer_run(struct store *s, const struct forecast_params *p, enum forecast_mode mode,
                        const double *params, double work, struct forecast_answer *out,
                        struct err *e);
void forecast_answer_release(struct forecast_answer *a);

/* The one body of an answer, as `elhub forecast` writes it and
 * /api/forecast serves it, appended to b: for a->p->format JSON the object
 * (forecast_put_json) and one "\n", for CSV the table (forecast_put_csv)
 * with "\n" line ends. -1 with e (ERR_USAGE) when it would exceed b's cap,
 * b then holding a partial body. */
int forecast_answer_body(struct buf *b, const struct forecast_answer *a, struct err *e);

#endif
