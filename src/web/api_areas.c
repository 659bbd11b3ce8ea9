/* api_areas: GET /api/areas - the five price areas' outlines as the GeoJSON
 * FeatureCollection embedded in the binary (data/geo/price_areas.geojson:
 * NVE's outlines simplified with shared borders kept, 5 decimals; each
 * feature "id":"NO1", properties {"area":"NO1","name":"NO1"}, [lon, lat]).
 * The same bytes every time; no parameters. docs/API.md, docs/MAP.md. */
#include "web/api_int.h"

#include "geo/geo.h"
#include "geo/outlines.h"
#include "log.h"

void api_areas(struct store *s, const struct api_query *q, struct api_response *r)
{
    struct err e = {0};

    if (q->n) {
        err_set(&e, ERR_USAGE, 0, "/api/areas takes no parameters");
        api_bad_request(r, &e);
        return;
    }
    if (api_no_store(s, r))
        return;
    /* Served only once the reader accepts them, so the map and /api/locate
     * can never disagree about what the outlines are. */
    if (!geo_outlines(&e) || buf_append(&r->body, geo_outline, geo_outline_len) < 0) {
        log_error("/api/areas: %s", e.msg[0] ? e.msg : "response too large");
        api_error(r, 500, "internal error", "the price-area outlines are not available");
        return;
    }
    r->status = 200;
    r->type = api_type_json;
    r->cacheable = 1;
}
