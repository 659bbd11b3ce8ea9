/* weather/place: the locations weather is kept for, and their keys. A
 * location is a price area, meaning the course's city for it (NO5 is
 * Bergen, 60.3913 N 5.3221 E), or any point, keyed by its coordinates
 * rounded to 4 decimals as "60.3913N_5.3221E" (south and west as S and W).
 * That key is what the store keeps in the area column: it is a valid name
 * for record_check as it is (letters, digits, '.', '_'; it starts with a
 * digit), never holds a ',' that would split a list of names or need
 * quoting in a CSV cell, and never starts with '-' (a spreadsheet
 * formula). Pure and thread-safe; docs/WEATHER.md. */
#ifndef ELHUB_WEATHER_PLACE_H
#define ELHUB_WEATHER_PLACE_H

#include "err.h"
#include "source/source.h"

#include <stddef.h>

/* A price area and the course's city for it. */
struct weather_city {
    const char *area; /* "NO5" */
    const char *city; /* "Bergen" */
    double lat, lon;
};

/* NO1 Oslo, NO2 Kristiansand, NO3 Trondheim, NO4 Tromso, NO5 Bergen
 * (data/weather/price_area_cities.csv). Static. */
extern const struct weather_city weather_cities[];
extern const size_t weather_ncities;

/* How far (degrees, in latitude and in longitude) the grid cell an answer
 * or a file names may lie from the point it is for: ERA5's cells are 0.25
 * degrees, and Open-Meteo may pick a neighbouring land cell. Farther is
 * another place, refused. */
#define WEATHER_CELL_TOLERANCE 0.5

/* The key of the point (lat, lon) rounded to 4 decimals, into out
 * (LIMIT_NAME bytes). lat must be in [-90, 90], lon in [-180, 180]. */
void weather_point_key(double lat, double lon, char *out);

/* Parses a point key ("60.3913N_5.3221E", either case) into its
 * coordinates. 0, or -1 if key is not one. */
int weather_key_point(const char *key, double *lat, double *lon);

/* The place of a price area code (NO1..NO5, either case) or of a location
 * key: 0, or -1 with e set (ERR_USAGE) naming what is known. */
int weather_place_area(const char *area, struct source_place *out, struct err *e);

/* The place of the point (lat, lon): its key, and the point rounded as
 * the key is. ERR_USAGE outside [-90, 90] x [-180, 180]. */
int weather_place_point(double lat, double lon, struct source_place *out, struct err *e);

/* What a command line or a query named: area (NULL if not given) or
 * lat and lon as text (NULL if not given), exactly one of the two forms.
 * ERR_USAGE naming the problem. (struct source_ops.place.) */
int weather_place_resolve(const char *area, const char *lat, const char *lon,
                          struct source_place *out, struct err *e);

/* The one writer of the command that fetches place's weather for the Oslo
 * months or dates from..to (as `elhub fetch` takes them): "elhub fetch
 * --dataset weather --area NO5 --from 2019-07 --to 2020-06" for a price
 * area's city, "... --lat 60.45 --lon 5.45 ..." for a point. Into out (n
 * bytes, truncated if short). Every message and answer that tells a user
 * how to get weather writes it here. */
void weather_fetch_command(const struct source_place *place, const char *from, const char *to,
                           char *out, size_t n);

/* The grid cell an answer came from, as the store keeps it (elhub_meta):
 * key "weather.cell.<LOCATION>", value "LAT LON ELEVATION" (degrees,
 * degrees, metres; "null" for an unknown elevation). The _format
 * functions write into out (n bytes); _parse returns 0, or -1 for a value
 * that is not one (*elev is NAN when the elevation is unknown). */
void weather_cell_key(const char *location, char *out, size_t n);
void weather_cell_format(double lat, double lon, double elev, char *out, size_t n);
int weather_cell_parse(const char *value, double *lat, double *lon, double *elev);

#endif
