/* weather/snowdrift: Tabler's (2003) snow-drift formulas (snowdrift.h). */
#include "weather/snowdrift.h"

#include <math.h>
#include <string.h>

void snowdrift_params_default(struct snowdrift_params *p)
{
    p->T = 3000;
    p->F = 30000;
    p->theta = 0.5;
}

int snowdrift_params_check(const struct snowdrift_params *p, struct err *e)
{
    if (!(p->T > 0 && p->T <= 1e6))
        return err_set(e, ERR_USAGE, 0, "T %g: the fetch must be more than 0 and at most 1e6 m",
                       p->T);
    if (!(p->F >= 0 && p->F <= 1e7))
        return err_set(e, ERR_USAGE, 0, "F %g: the fetch distance must be 0..1e7 m", p->F);
    if (!(p->theta >= 0 && p->theta <= 1))
        return err_set(e, ERR_USAGE, 0, "theta %g: the relocation coefficient must be 0..1",
                       p->theta);
    return 0;
}

double snowdrift_hour_transport(double u)
{
    return pow(u, 3.8) * 3600.0 / 233847.0;
}

int snowdrift_sector(double dir)
{
    double d = fmod(dir + 11.25, 360.0);
    int k;
    if (d < 0)
        d += 360.0;
    k = (int)floor(d / 22.5);
    return k < 0 ? 0 : k >= SNOWDRIFT_SECTORS ? SNOWDRIFT_SECTORS - 1 : k;
}

void snowdrift_sum_init(struct snowdrift_sum *s)
{
    memset(s, 0, sizeof *s);
}

void snowdrift_sum_add(struct snowdrift_sum *s, double temp_c, double precip_mm, double wind_ms,
                       double dir_deg)
{
    double q = snowdrift_hour_transport(wind_ms);
    if (temp_c < 1.0)
        s->swe_mm += precip_mm;
    s->qupot_kg_m += q;
    s->rose_kg_m[snowdrift_sector(dir_deg)] += q;
    s->hours++;
}

void snowdrift_sum_merge(struct snowdrift_sum *dst, const struct snowdrift_sum *src)
{
    dst->swe_mm += src->swe_mm;
    dst->qupot_kg_m += src->qupot_kg_m;
    for (int k = 0; k < SNOWDRIFT_SECTORS; k++)
        dst->rose_kg_m[k] += src->rose_kg_m[k];
    dst->hours += src->hours;
}

double snowdrift_fence_height(double qt_t_m, double f)
{
    return pow(qt_t_m / f, 1.0 / 2.2);
}

void snowdrift_compute(const struct snowdrift_sum *s, const struct snowdrift_params *p,
                       struct snowdrift_result *r)
{
    memset(r, 0, sizeof *r);
    r->swe_mm = s->swe_mm;
    r->qupot_kg_m = s->qupot_kg_m;
    r->qspot_kg_m = 0.5 * p->T * s->swe_mm;
    r->srwe_mm = p->theta * s->swe_mm;
    r->snowfall_controlled = r->qupot_kg_m > r->qspot_kg_m;
    r->qinf_kg_m = r->snowfall_controlled ? 0.5 * p->T * r->srwe_mm : r->qupot_kg_m;
    r->qt_kg_m = r->qinf_kg_m * (1.0 - pow(0.14, p->F / p->T));
    r->qt_t_m = r->qt_kg_m / 1000.0;
    r->fence_wyoming_m = snowdrift_fence_height(r->qt_t_m, 8.5);
    r->fence_slat_wire_m = snowdrift_fence_height(r->qt_t_m, 7.7);
    r->fence_solid_m = snowdrift_fence_height(r->qt_t_m, 2.9);
    for (int k = 0; k < SNOWDRIFT_SECTORS; k++)
        r->rose_kg_m[k] = s->qupot_kg_m > 0 ? r->qt_kg_m * (s->rose_kg_m[k] / s->qupot_kg_m) : 0.0;
}
