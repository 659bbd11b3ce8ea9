/* geo/outlines: the price-area outlines embedded in the binary, the bytes of
 * data/geo/price_areas.geojson (made by tools/simplify_areas.py from NVE's
 * outlines, data/geo/SOURCES.md). tools/embed_file.c turns the file into
 * build/gen/price_areas.c, linked into the binary and the geo unit test;
 * the library carries weak empty defaults (src/geo/geo.c), so the fuzzers
 * and other tests link without it and see no outlines. Static, read-only. */
#ifndef ELHUB_GEO_OUTLINES_H
#define ELHUB_GEO_OUTLINES_H

#include <stddef.h>

/* The GeoJSON text (NUL-terminated; NULL when none is linked) and its length
 * without the NUL. */
extern const char *geo_outline;
extern size_t geo_outline_len;

#endif
