/* fuzz_forecast_params: libFuzzer target for the two decoders of a
 * forecasting request's untrusted text (forecast/params.h). The first byte
 * picks one:
 *   even: the rest is a raw query string, split into pairs as the server
 *         splits it (api_query_parse) and given to forecast_params_set
 *         pair by pair, then forecast_params_finish, as /api/forecast and
 *         `elhub forecast` do. What is accepted must keep every bound that
 *         caps.h and the model promise (so the read and the fit that follow
 *         are bounded); what is refused must be a usage error whose message
 *         is printable ASCII (err_quote's promise).
 *   odd:  the rest is a PARAMS.json document for a model with every kind of
 *         parameter (trend ct, two regressors, AR, MA and seasonal parts);
 *         accepted means every parameter got a finite value, refused means
 *         a parse or usage error with a printable message. */
#include "caps.h"
#include "forecast/params.h"
#include "web/api.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    if (!*s)
        abort();
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            abort();
}

static void check_spec_text(const struct series_spec *s)
{
    struct series_spec again;
    if (!s->ds || !s->area[0] || !s->group[0] || series_spec_parse(s->text, &again, NULL) < 0 ||
        strcmp(again.text, s->text) != 0)
        abort();
}

/* The bounds an accepted, finished request keeps. */
static void check_request(const struct forecast_params *p, int need_horizon)
{
    const struct sarimax_spec *sp = &p->spec;
    size_t n = forecast_params_hours(p), ms = sarimax_states(sp);

    if (!(p->from < p->to) || (p->to - p->from) % 3600 != 0 || n < sarimax_min_obs(sp) ||
        n > LIMIT_FORECAST_OBS)
        abort();
    if (sp->p < 0 || sp->p > LIMIT_FORECAST_ORDER || sp->q < 0 || sp->q > LIMIT_FORECAST_ORDER ||
        sp->d < 0 || sp->d > LIMIT_FORECAST_DIFF || sp->P < 0 ||
        sp->P > LIMIT_FORECAST_SEASONAL_ORDER || sp->Q < 0 ||
        sp->Q > LIMIT_FORECAST_SEASONAL_ORDER || sp->D < 0 ||
        sp->D > LIMIT_FORECAST_SEASONAL_DIFF || sp->s < 0 || sp->s == 1 ||
        sp->s > LIMIT_FORECAST_PERIOD)
        abort();
    if ((sp->P || sp->D || sp->Q) && sp->s < 2)
        abort();
    if (ms > LIMIT_FORECAST_STATES || (double)ms * (double)ms * (double)n > LIMIT_FORECAST_WORK)
        abort();
    if ((need_horizon && p->horizon < 1) || p->horizon > LIMIT_FORECAST_HORIZON)
        abort();
    if (!(p->alpha > 0 && p->alpha < 1) || p->folds > LIMIT_FORECAST_FOLDS ||
        (p->folds && !p->horizon) || p->maxiter < 0 || p->maxiter > LIMIT_FORECAST_MAXITER)
        abort();
    if (p->nexog > LIMIT_FORECAST_EXOG || sp->k_exog != (int)p->nexog)
        abort();
    check_spec_text(&p->series);
    for (size_t j = 0; j < p->nexog; j++) {
        check_spec_text(&p->exog[j]);
        if (strcmp(p->exog[j].text, p->series.text) == 0)
            abort();
        for (size_t k = 0; k < j; k++)
            if (strcmp(p->exog[j].text, p->exog[k].text) == 0)
                abort();
    }
}

static void fuzz_query(const uint8_t *data, size_t size, int need_horizon)
{
    struct api_query *q = malloc(sizeof *q);
    struct forecast_params *p = malloc(sizeof *p);

    if (api_query_parse((const char *)data, size, q, NULL) == 0) {
        struct err e = {0};
        int rc = 0;
        forecast_params_init(p);
        for (size_t i = 0; i < q->n && rc == 0; i++)
            rc = forecast_params_set(p, q->p[i].name, q->p[i].value, &e);
        if (rc == 0)
            rc = forecast_params_finish(p, need_horizon, &e);
        if (rc == 0) {
            check_request(p, need_horizon);
        } else {
            if (e.domain != ERR_USAGE)
                abort();
            check_text(e.msg);
        }
    }
    free(p);
    free(q);
}

static void fuzz_params_json(const uint8_t *data, size_t size)
{
    static const char *const exog_names[] = {"weather:NO1:temperature_2m",
                                             "weather:NO1:wind_speed_10m"};
    const struct sarimax_spec sp = {.p = 2,
                                    .d = 1,
                                    .q = 1,
                                    .P = 1,
                                    .D = 0,
                                    .Q = 1,
                                    .s = 24,
                                    .trend = SARIMAX_TREND_CT,
                                    .k_exog = 2};
    size_t np = sarimax_nparams(&sp);
    double *out = malloc(np * sizeof *out);
    struct err e = {0};

    if (forecast_params_read_json((const char *)data, size, "PARAMS.json", &sp, exog_names, out,
                                  &e) == 0) {
        for (size_t i = 0; i < np; i++)
            if (!isfinite(out[i]))
                abort();
    } else {
        if (e.domain != ERR_PARSE && e.domain != ERR_USAGE)
            abort();
        check_text(e.msg);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        fuzz_params_json(data + 1, size - 1);
    else
        fuzz_query(data + 1, size - 1, (data[0] & 2) != 0);
    return 0;
}
