/* dataset: the dataset table and the lossless value formatter. */
#include "dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The hourly ERA5 variables fetched from Open-Meteo (docs/WEATHER.md).
 * Wind is always in m/s: the snow-drift formulas are made for it. The
 * bounds are physical ones: wide enough for any hour on record anywhere,
 * narrow enough to refuse garbage (a sentinel such as -9999, a misread
 * column). */
static const struct dataset_var weather_vars[] = {
    {"temperature_2m", "Temperature (2 m)",
     "\xc2\xb0"
     "C",
     -90, 60, DATASET_AGG_MEAN},
    {"precipitation", "Precipitation", "mm", 0, 500, DATASET_AGG_SUM},
    {"wind_speed_10m", "Wind speed (10 m)", "m/s", 0, 150, DATASET_AGG_MEAN},
    {"wind_gusts_10m", "Wind gusts (10 m)", "m/s", 0, 200, DATASET_AGG_MEAN},
    {"wind_direction_10m", "Wind direction (10 m)", "\xc2\xb0", 0, 360, DATASET_AGG_DIRECTION},
};

const struct dataset dataset_all[] = {
    {.name = "production",
     .title = "Production",
     .alias = "PRODUCTION_PER_GROUP_MBA_HOUR",
     .source = "elhub",
     .area_col = "pricearea",
     .group_col = "productiongroup",
     .time_col = "starttime",
     .end_col = "endtime",
     .value_col = "quantitykwh",
     .update_col = "lastupdatedtime",
     .count_col = NULL,
     .unit = "kWh",
     .value_min = -LIMIT_KWH_MAX,
     .value_max = LIMIT_KWH_MAX,
     .decimals = DATASET_KWH_DECIMALS},
    {.name = "consumption",
     .title = "Consumption",
     .alias = "CONSUMPTION_PER_GROUP_MBA_HOUR",
     .source = "elhub",
     .area_col = "pricearea",
     .group_col = "consumptiongroup",
     .time_col = "starttime",
     .end_col = "endtime",
     .value_col = "quantitykwh",
     .update_col = "lastupdatedtime",
     .count_col = "meteringpointcount",
     .unit = "kWh",
     .value_min = -LIMIT_KWH_MAX,
     .value_max = LIMIT_KWH_MAX,
     .decimals = DATASET_KWH_DECIMALS},
    /* Hourly weather at a location (a price area's city or a point): the
     * area column holds the location key, the group column the variable.
     * Key (location, time, variable); docs/WEATHER.md. */
    {.name = "weather",
     .title = "Weather",
     .alias = "era5",
     .source = "openmeteo",
     .area_col = "location",
     .group_col = "variable",
     .time_col = "time",
     .end_col = "endtime",
     .value_col = "value",
     .update_col = "updated",
     .count_col = NULL,
     .unit = "",
     .value_min = -1e6,
     .value_max = 1e6,
     .decimals = 3, /* Open-Meteo writes 1 or 2; km/h read as m/s keep 3 */
     .vars = weather_vars,
     .nvars = sizeof weather_vars / sizeof weather_vars[0]},
};
const size_t dataset_count = sizeof dataset_all / sizeof dataset_all[0];

double dataset_round_to(double v, int decimals)
{
    double s = pow(10, decimals);
    if (!isfinite(v) || fabs(v) >= 1e15)
        return v;
    return round(v * s) / s;
}

double dataset_round(const struct dataset *ds, double v)
{
    return dataset_round_to(v, ds->decimals);
}

const struct dataset *dataset_find(const char *name)
{
    for (size_t i = 0; i < dataset_count; i++)
        if (strcasecmp(name, dataset_all[i].name) == 0 ||
            (dataset_all[i].alias && strcasecmp(name, dataset_all[i].alias) == 0))
            return &dataset_all[i];
    return NULL;
}

const struct dataset_var *dataset_var_find(const struct dataset *ds, const char *group)
{
    for (size_t i = 0; i < ds->nvars; i++)
        if (strcmp(ds->vars[i].name, group) == 0)
            return &ds->vars[i];
    return NULL;
}

const char *dataset_group_unit(const struct dataset *ds, const char *group)
{
    const struct dataset_var *v;
    if (!ds->vars)
        return ds->unit;
    v = dataset_var_find(ds, group);
    return v ? v->unit : NULL;
}

enum dataset_agg dataset_group_agg(const struct dataset *ds, const char *group)
{
    const struct dataset_var *v = ds->vars ? dataset_var_find(ds, group) : NULL;
    return v ? v->agg : DATASET_AGG_SUM;
}

const char *dataset_agg_name(enum dataset_agg agg)
{
    switch (agg) {
    case DATASET_AGG_MEAN:
        return "mean";
    case DATASET_AGG_DIRECTION:
        return "direction";
    case DATASET_AGG_SUM:
        break;
    }
    return "sum";
}

char *dataset_names(char *out, size_t n)
{
    size_t used = 0;
    if (n)
        out[0] = '\0';
    for (size_t i = 0; i < dataset_count && used < n; i++) {
        int k = snprintf(out + used, n - used, "%s%s", i ? ", " : "", dataset_all[i].name);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return out;
}

/* The fast path of dataset_format_value, for the common case: a value with at
 * most three decimals (the resolution Elhub publishes kWh in) and magnitude
 * in [0.001, 2^33). Such a v is the double nearest r/1000 for an integer r,
 * and below 2^33 doubles are spaced less than 2e-6 apart, so every other
 * decimal with three decimals or fewer (any shorter candidate is one) reads
 * back to another double: the digits of r without trailing zeros are the
 * shortest that read back. They are laid out in fixed notation (the
 * decimal exponent X is -3..9 here). Returns 0 when v is not such a
 * value. */
static size_t format_milli(double v, char *out)
{
    char dig[24];
    int nd = 0, p, x, neg = v < 0;
    double a = neg ? -v : v;
    unsigned long long r;
    size_t n = 0;

    if (!(a >= 0.001 && a < 8589934592.0))
        return 0;
    r = (unsigned long long)(a * 1000.0 + 0.5);
    if ((double)r / 1000.0 != a)
        return 0;
    for (unsigned long long t = r; t; t /= 10)
        dig[nd++] = (char)('0' + t % 10);
    for (int i = 0; i < nd / 2; i++) { /* most significant first */
        char c = dig[i];
        dig[i] = dig[nd - 1 - i];
        dig[nd - 1 - i] = c;
    }
    x = nd - 1 - 3;
    for (p = nd; p > 1 && dig[p - 1] == '0'; p--)
        ;
    if (neg)
        out[n++] = '-';
    if (x >= 0) {
        memcpy(out + n, dig, (size_t)x + 1);
        n += (size_t)x + 1;
        out[n++] = '.';
        if (p > x + 1) {
            memcpy(out + n, dig + x + 1, (size_t)(p - x - 1));
            n += (size_t)(p - x - 1);
        } else {
            out[n++] = '0'; /* "2246558" + ".0", as below */
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = -1; i > x; i--)
            out[n++] = '0';
        memcpy(out + n, dig, (size_t)p);
        n += (size_t)p;
    }
    out[n] = '\0';
    return n;
}

/* Rewrites the exponent form "-d.ddde+X" that printf's %g wrote in out
 * as fixed notation "-ddd.ddd" with at least one fractional digit. */
static size_t exp_to_fixed(char *out)
{
    char dig[24], res[40];
    int nd = 0, x, neg = out[0] == '-';
    size_t n = 0;
    const char *p = out + neg, *e = strchr(out, 'e');

    x = (int)strtol(e + 1, NULL, 10);
    for (; p < e; p++)
        if (*p != '.')
            dig[nd++] = *p;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    if (neg)
        res[n++] = '-';
    if (x >= 0) {
        for (int i = 0; i <= x; i++)
            res[n++] = i < nd ? dig[i] : '0';
        res[n++] = '.';
        if (nd > x + 1) {
            memcpy(res + n, dig + x + 1, (size_t)(nd - x - 1));
            n += (size_t)(nd - x - 1);
        } else {
            res[n++] = '0';
        }
    } else {
        res[n++] = '0';
        res[n++] = '.';
        for (int i = -1; i > x; i--)
            res[n++] = '0';
        memcpy(res + n, dig, (size_t)nd);
        n += (size_t)nd;
    }
    memcpy(out, res, n);
    out[n] = '\0';
    return n;
}

/* Exact powers of ten: in double up to 1e22 (Clinger's fast path), in long
 * double up to 1e27 (5^27 < 2^64). */
static const double pow10_d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const long double pow10_ld[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                       1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                       1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                       1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* The P significant digits of a (as the integer *d, P digits; *x the
 * decimal exponent of its first digit), correctly rounded, from
 * s = a 10^(16 - e10) in long double (17 digits before the point). s and
 * the division by an exact power of ten each carry a relative error of at
 * most 2^-64, so q below is within 10^P 2^-63 of the exact value (0.011
 * of the last digit at P = 17, 1.1e-4 at P = 15): the rounding is the
 * correct one unless the discarded fraction lies within twice that of one
 * half, and then -1 (the caller takes the exact path). */
static int digits_of(long double s, int e10, int p, unsigned long long *d, int *x)
{
    long double q = p == 17 ? s : s / pow10_ld[17 - p], f, margin = pow10_ld[p] * 0x1p-62L;
    unsigned long long r = (unsigned long long)q;

    f = q - (long double)r;
    if (f > 0.5L - margin && f < 0.5L + margin)
        return -1;
    r += f >= 0.5L;
    *x = e10;
    if (r == (unsigned long long)pow10_ld[p]) { /* rounded up to 10^P */
        r /= 10;
        (*x)++;
    }
    *d = r;
    return 0;
}

/* Whether d 10^t (d < 10^17, |t| <= 27) reads back to a (> 0): one
 * correctly rounded double operation when d < 2^53 and |t| <= 22
 * (Clinger's fast path); else its distance to a in long double (relative
 * error 2^-64, a 2^-11 of a half-ulp) against the half-gaps to a's
 * neighbours, and strtod of the decimal when that is too close to call. */
static int reads_back(unsigned long long d, int t, double a)
{
    char s[48];
    long double y, diff, half;
    if (d < (1ull << 53) && t >= -22 && t <= 22)
        return (t >= 0 ? (double)d * pow10_d[t] : (double)d / pow10_d[-t]) == a;
    if (t >= -27 && t <= 27) {
        y = t >= 0 ? (long double)d * pow10_ld[t] : (long double)d / pow10_ld[-t];
        diff = y - (long double)a;
        half = diff >= 0 ? ((long double)nextafter(a, INFINITY) - a) / 2
                         : ((long double)a - nextafter(a, 0.0)) / 2;
        diff = fabsl(diff);
        if (diff < half * (1 - 0x1p-8L))
            return 1;
        if (diff > half * (1 + 0x1p-8L))
            return 0;
    }
    snprintf(s, sizeof s, "%llue%d", d, t);
    return strtod(s, NULL) == a;
}

/* The general fast path of dataset_format_value, for magnitudes in
 * [1e-4, 1e15) that format_milli does not take: the fewest correctly
 * rounded digits that read back, found by bisection as below but with the
 * digits from one long double product and the read-back from one double
 * operation, without printf or strtod (about 40x faster on arbitrary
 * doubles such as the analysis arrays). Laid out in fixed notation as
 * format_milli does. Returns 0 when not handled (no long double wider than
 * double, another magnitude, a rounding too close to call). */
static size_t format_fast(double v, char *out)
{
    double a = fabs(v);
    int e10, lo = 1, hi = 17, x = 0, nd, tries;
    long double s = 0;
    unsigned long long d = 0;
    char dig[24];
    size_t n = 0;

    if (sizeof(long double) <= sizeof(double) || !(a >= 1e-4 && a < 1e15))
        return 0;
    /* floor(log10 a) from the binary exponent, then corrected so that s
     * has 17 digits before the point. */
    frexp(a, &e10);
    e10 = (int)floor((e10 - 1) * 0.30102999566398120);
    for (tries = 0; tries < 3; tries++) {
        if (e10 < -5 || e10 > 15)
            return 0;
        s = (long double)a * pow10_ld[16 - e10];
        if (s < 1e16L)
            e10--;
        else if (s >= 1e17L)
            e10++;
        else
            break;
    }
    if (tries == 3)
        return 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (digits_of(s, e10, mid, &d, &x) < 0)
            return 0;
        if (reads_back(d, x - mid + 1, a))
            hi = mid;
        else
            lo = mid + 1;
    }
    if (digits_of(s, e10, lo, &d, &x) < 0)
        return 0;
    for (nd = 0; d; d /= 10)
        dig[nd++] = (char)('0' + d % 10);
    for (int i = 0; i < nd / 2; i++) { /* most significant first */
        char c = dig[i];
        dig[i] = dig[nd - 1 - i];
        dig[nd - 1 - i] = c;
    }
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    if (signbit(v))
        out[n++] = '-';
    if (x >= 0) {
        for (int i = 0; i <= x; i++)
            out[n++] = i < nd ? dig[i] : '0';
        out[n++] = '.';
        if (nd > x + 1) {
            memcpy(out + n, dig + x + 1, (size_t)(nd - x - 1));
            n += (size_t)(nd - x - 1);
        } else {
            out[n++] = '0';
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = -1; i > x; i--)
            out[n++] = '0';
        memcpy(out + n, dig, (size_t)nd);
        n += (size_t)nd;
    }
    out[n] = '\0';
    return n;
}

size_t dataset_format_value(double v, char *out)
{
    int n, lo = 1, hi = 17;
    size_t fast;

    if (!isfinite(v)) {
        memcpy(out, "null", 5);
        return 4;
    }
    fast = format_milli(v, out);
    if (!fast)
        fast = format_fast(v, out);
    if (fast)
        return fast;
    /* The fewest digits that read back. More digits never read back worse
     * (the correctly rounded P+1-digit decimal is at least as close as the
     * P-digit one, which is also a P+1-digit decimal), so the smallest P is
     * found by bisection: 4-5 conversions instead of up to 17. */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        n = snprintf(out, 32, "%.*g", mid, v); /* %g of a double with <= 17 digits fits */
        if (n > 0 && strtod(out, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    n = snprintf(out, 32, "%.*g", lo, v);
    if (n <= 0)
        return 0;
    if (strchr(out, 'e')) {
        double a = fabs(v);
        if (a >= 1e-4 && a < 1e16)
            return exp_to_fixed(out);
        return (size_t)n;
    }
    if (!strchr(out, '.')) {
        out[n++] = '.';
        out[n++] = '0';
        out[n] = '\0';
    }
    return (size_t)n;
}
