/* weather/place: price-area cities, point keys and grid-cell notes. */
#include "weather/place.h"

#include "dataset.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct weather_city weather_cities[] = {
    {"NO1", "Oslo", 59.9139, 10.7522},      {"NO2", "Kristiansand", 58.1467, 7.9956},
    {"NO3", "Trondheim", 63.4305, 10.3951}, {"NO4", "Troms\xc3\xb8", 69.6492, 18.9553},
    {"NO5", "Bergen", 60.3913, 5.3221},
};
const size_t weather_ncities = sizeof weather_cities / sizeof weather_cities[0];

/* Ten-thousandths of a degree, rounded half away from zero. */
static long ten_thousandths(double deg)
{
    return lround(deg * 1e4);
}

void weather_point_key(double lat, double lon, char *out)
{
    long a = ten_thousandths(lat), o = ten_thousandths(lon);
    char tmp[96];
    int k = snprintf(tmp, sizeof tmp, "%ld.%04ldN_%ld.%04ldE", labs(a) / 10000, labs(a) % 10000,
                     labs(o) / 10000, labs(o) % 10000);
    /* At most "90.0000N_180.0000E" for a point on Earth: it fits. */
    size_t len = k < 0 ? 0 : (size_t)k < LIMIT_NAME ? (size_t)k : LIMIT_NAME - 1;
    memcpy(out, tmp, len);
    out[len] = '\0';
    /* The hemispheres: S for a southern latitude, W for a western
     * longitude (a zero is N or E). */
    if (a < 0)
        *strchr(out, 'N') = 'S';
    if (o < 0)
        *strchr(out, 'E') = 'W';
}

/* Reads "D.DDDD" followed by one of two letters at s; returns the length
 * read, or 0. */
static size_t read_coord(const char *s, char pos, char neg, double max, double *out)
{
    size_t i = 0, whole = 0;
    long v = 0;
    while (s[i] >= '0' && s[i] <= '9' && whole < 3) {
        v = v * 10 + (s[i++] - '0');
        whole++;
    }
    if (whole == 0 || s[i++] != '.')
        return 0;
    for (int k = 0; k < 4; k++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i++] - '0');
    }
    if ((s[i] | 0x20) != (pos | 0x20) && (s[i] | 0x20) != (neg | 0x20))
        return 0;
    *out = (double)v / 1e4;
    if ((s[i] | 0x20) == (neg | 0x20))
        *out = -*out;
    if (fabs(*out) > max)
        return 0;
    return i + 1;
}

int weather_key_point(const char *key, double *lat, double *lon)
{
    size_t a = read_coord(key, 'N', 'S', 90, lat), b;
    if (!a || key[a] != '_')
        return -1;
    b = read_coord(key + a + 1, 'E', 'W', 180, lon);
    if (!b || key[a + 1 + b] != '\0')
        return -1;
    return 0;
}

int weather_place_area(const char *area, struct source_place *out, struct err *e)
{
    char shown[80];
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < weather_ncities; i++) {
        if (strcasecmp(area, weather_cities[i].area) == 0) {
            snprintf(out->key, sizeof out->key, "%s", weather_cities[i].area);
            out->lat = weather_cities[i].lat;
            out->lon = weather_cities[i].lon;
            out->name = weather_cities[i].city;
            return 0;
        }
    }
    if (strlen(area) < LIMIT_NAME && weather_key_point(area, &out->lat, &out->lon) == 0) {
        weather_point_key(out->lat, out->lon, out->key);
        return 0;
    }
    return err_set(e, ERR_USAGE, 0,
                   "unknown location \"%s\": a price area (NO1-NO5, meaning its city) or a point "
                   "key such as 60.3913N_5.3221E (or give --lat and --lon)",
                   err_quote(area, strlen(area), shown, sizeof shown));
}

int weather_place_point(double lat, double lon, struct source_place *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180))
        return err_set(e, ERR_USAGE, 0,
                       "the point %g, %g is not on Earth (latitude -90..90, longitude -180..180)",
                       lat, lon);
    out->lat = (double)ten_thousandths(lat) / 1e4;
    out->lon = (double)ten_thousandths(lon) / 1e4;
    weather_point_key(lat, lon, out->key);
    return 0;
}

static int degrees(const char *what, const char *text, double *out, struct err *e)
{
    char shown[80];
    if (text_decimal(text, strlen(text), out) < 0)
        return err_set(e, ERR_USAGE, 0, "%s \"%s\": expected decimal degrees such as 60.3913", what,
                       err_quote(text, strlen(text), shown, sizeof shown));
    return 0;
}

int weather_place_resolve(const char *area, const char *lat, const char *lon,
                          struct source_place *out, struct err *e)
{
    double a, o;
    memset(out, 0, sizeof *out);
    if (area && (lat || lon))
        return err_set(e, ERR_USAGE, 0,
                       "name a location either by area or by latitude and "
                       "longitude, not both");
    if (area)
        return weather_place_area(area, out, e);
    if (!lat || !lon)
        return err_set(e, ERR_USAGE, 0,
                       "a point needs both a latitude and a longitude (or name an area, NO1-NO5)");
    if (degrees("latitude", lat, &a, e) < 0 || degrees("longitude", lon, &o, e) < 0)
        return -1;
    return weather_place_point(a, o, out, e);
}

void weather_cell_key(const char *location, char *out, size_t n)
{
    snprintf(out, n, "weather.cell.%s", location);
}

void weather_cell_format(double lat, double lon, double elev, char *out, size_t n)
{
    char a[32], o[32], h[32];
    dataset_format_value(lat, a);
    dataset_format_value(lon, o);
    dataset_format_value(elev, h);
    snprintf(out, n, "%s %s %s", a, o, h);
}

int weather_cell_parse(const char *value, double *lat, double *lon, double *elev)
{
    const char *p = value, *sp;
    double *dst[3] = {lat, lon, elev};
    *lat = *lon = *elev = NAN;
    for (int i = 0; i < 3; i++) {
        size_t len;
        sp = strchr(p, ' ');
        len = sp && i < 2 ? (size_t)(sp - p) : strlen(p);
        if (i == 2 && len == 4 && memcmp(p, "null", 4) == 0)
            break;
        if (text_decimal(p, len, dst[i]) < 0)
            return -1;
        if (i < 2 && !sp)
            return -1;
        p = sp ? sp + 1 : p + len;
    }
    return 0;
}

void weather_fetch_command(const struct source_place *place, const char *from, const char *to,
                           char *out, size_t n)
{
    if (place->name) {
        snprintf(out, n, "elhub fetch --dataset weather --area %s --from %s --to %s", place->key,
                 from, to);
    } else {
        char a[32], b[32];
        dataset_format_value(place->lat, a);
        dataset_format_value(place->lon, b);
        snprintf(out, n, "elhub fetch --dataset weather --lat %s --lon %s --from %s --to %s", a, b,
                 from, to);
    }
}
