/* geo: the price areas as polygons, and which area a point lies in. The
 * outlines are GeoJSON (RFC 7946): a FeatureCollection whose features carry
 * an "id" (the area code, "NO1") and a Polygon or MultiPolygon geometry of
 * [lon, lat] positions; the first ring of a polygon is its outline, the
 * others its holes. The product's outlines are the embedded ones
 * (geo/outlines.h, docs/MAP.md), parsed once; geo_areas_parse reads any such
 * document (the tests feed it their own). */
#ifndef ELHUB_GEO_GEO_H
#define ELHUB_GEO_GEO_H

#include "caps.h"
#include "err.h"

#include <stddef.h>

/* A bounding box in degrees. */
struct geo_box {
    double west, south, east, north;
};

/* A ring: n positions, the closing repeat of the first one dropped. */
struct geo_ring {
    double *lon, *lat; /* owned, n each */
    size_t n;
    struct geo_box box;
};

/* A polygon: ring[0] the outline, ring[1..] holes. */
struct geo_polygon {
    struct geo_ring *ring; /* owned */
    size_t nring;
    struct geo_box box;
};

struct geo_area {
    char code[LIMIT_NAME];    /* the feature's id, upper-cased ("NO1") */
    struct geo_polygon *poly; /* owned; a Polygon has one, a MultiPolygon several */
    size_t npoly;
    struct geo_box box;
};

/* Areas in the order of the document. Plain caller-owned data
 * (geo_areas_release); read-only use from many threads at once is safe. */
struct geo_areas {
    struct geo_area *a; /* owned */
    size_t n;
    size_t vertices; /* positions in all, closing repeats included, as written */
};

/* Parses the GeoJSON json[0..n) into out (initialised even on failure). A
 * FeatureCollection of at most GEO_MAX_AREAS features, each with a string
 * "id" that is a valid area name (record_set_area: letters, digits, ". _ -",
 * shorter than LIMIT_NAME; kept upper-cased) and a Polygon or MultiPolygon "geometry" whose rings
 * are closed, hold at least 4 positions and lie inside [-180, 180] x [-90, 90]; at most
 * LIMIT_GEO_VERTICES positions in all. Other members are skipped. Anything else: -1 with e set
 * (ERR_PARSE for bad JSON, with its byte offset; ERR_DATA for a document that is not such a
 * collection, naming what is wrong). */
#define GEO_MAX_AREAS 64
int geo_areas_parse(const char *json, size_t n, struct geo_areas *out, struct err *e);

/* Frees what g holds and empties it; g may be NULL. */
void geo_areas_release(struct geo_areas *g);

/* The embedded outlines, parsed on the first call (pthread_once) and kept
 * for the life of the process: borrowed, read-only. NULL with e set
 * (ERR_DATA) when none are linked into this program (the library's weak
 * default) or they do not parse. Thread-safe. */
const struct geo_areas *geo_outlines(struct err *e);

/* The area of g containing the point (lat, lon) in degrees: 0 with *area
 * its code (borrowed from g), or with *area NULL if the point lies in none.
 * Ray casting (even-odd over every ring of a polygon, holes included) after
 * a bounding-box check; the edge rule is half-open, so a point exactly on
 * a border two areas share is in one of them, not both. Where areas
 * overlap, the first in g wins. lat outside [-90, 90], lon outside
 * [-180, 180] or either not finite: -1 with e set (ERR_USAGE) naming the
 * coordinate, and *area NULL. Pure; thread-safe. */
int geo_area_of(const struct geo_areas *g, double lat, double lon, const char **area,
                struct err *e);

/* Checks a point as geo_area_of does: 0, or -1 with e set (ERR_USAGE)
 * naming "lat" or "lon" and the range. */
int geo_point_check(double lat, double lon, struct err *e);

#endif
