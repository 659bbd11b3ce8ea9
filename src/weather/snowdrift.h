/* weather/snowdrift: Tabler's (2003) estimate of the snow a fence must
 * hold, from hourly weather, as pure functions: the sums over hours
 * (snow water equivalent, potential wind transport, a 16-sector rose),
 * then the season's figures from them (docs/WEATHER.md, "Snow drift"):
 *
 *   Swe   = sum of precipitation [mm] over hours with temperature_2m < +1 C
 *   Qupot = sum of u^3.8 * 3600 / 233847 over the hours [kg/m], u in m/s
 *   Qspot = 0.5 * T * Swe;  Srwe = theta * Swe
 *   Qinf  = 0.5 * T * Srwe if Qupot > Qspot (snowfall-controlled), else Qupot
 *   Qt    = Qinf * (1 - 0.14^(F / T))   [kg/m]; Qt / 1000 in t/m
 *   H     = (Qt[t/m] / f)^(1 / 2.2) for f = 8.5, 7.7, 2.9 [m]
 *
 * No I/O, no state: thread-safe. */
#ifndef ELHUB_WEATHER_SNOWDRIFT_H
#define ELHUB_WEATHER_SNOWDRIFT_H

#include "err.h"

#include <stdint.h>

#define SNOWDRIFT_SECTORS 16

/* The fetch T (m), fetch distance F (m) and relocation coefficient theta
 * (Tabler's defaults 3000, 30000, 0.5). Plain data. */
struct snowdrift_params {
    double T, F, theta;
};

void snowdrift_params_default(struct snowdrift_params *p);
/* 0, or -1 with e set (ERR_USAGE) unless 0 < T <= 1e6, 0 <= F <= 1e7 and
 * 0 <= theta <= 1. */
int snowdrift_params_check(const struct snowdrift_params *p, struct err *e);

/* The potential transport of one hour at wind speed u (m/s): u^3.8 * 3600
 * / 233847 kg/m. */
double snowdrift_hour_transport(double u);
/* The sector (0 = N, 1 = NNE, ... 15 = NNW) of a direction in degrees:
 * floor(((dir + 11.25) mod 360) / 22.5), for any finite dir. */
int snowdrift_sector(double dir);

/* Running sums over hours. Plain data; zero it with snowdrift_sum_init. */
struct snowdrift_sum {
    double swe_mm;                       /* precipitation of the cold hours */
    double qupot_kg_m;                   /* potential transport */
    double rose_kg_m[SNOWDRIFT_SECTORS]; /* potential transport by direction */
    int64_t hours;                       /* hours added */
};

void snowdrift_sum_init(struct snowdrift_sum *s);
/* Adds one hour: temperature (C), precipitation (mm), wind speed (m/s)
 * and direction (degrees), all present. */
void snowdrift_sum_add(struct snowdrift_sum *s, double temp_c, double precip_mm, double wind_ms,
                       double dir_deg);

/* Adds the sums of src (another span of hours) to dst. */
void snowdrift_sum_merge(struct snowdrift_sum *dst, const struct snowdrift_sum *src);

/* Tabler's figures of a span of hours. The rose is the transport Qt
 * shared out by the sectors' part of the potential transport, so its 16
 * values sum to qt_kg_m. Plain data. */
struct snowdrift_result {
    double swe_mm, qupot_kg_m, qspot_kg_m, srwe_mm, qinf_kg_m, qt_kg_m, qt_t_m;
    int snowfall_controlled; /* 1: Qupot > Qspot; 0: wind-controlled */
    double fence_wyoming_m, fence_slat_wire_m, fence_solid_m;
    double rose_kg_m[SNOWDRIFT_SECTORS];
};

void snowdrift_compute(const struct snowdrift_sum *s, const struct snowdrift_params *p,
                       struct snowdrift_result *out);

/* The fence height (m) that holds qt_t_m tonnes per metre for a fence of
 * factor f (8.5 Wyoming, 7.7 slat-and-wire, 2.9 solid): (Qt / f)^(1/2.2). */
double snowdrift_fence_height(double qt_t_m, double f);

#endif
