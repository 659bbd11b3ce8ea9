/* geo: the GeoJSON reader of the price-area outlines (through the one JSON
 * tokenizer), the embedded outlines parsed once, and point-in-polygon by ray
 * casting. geo.h has the contract. */
#include "geo/geo.h"

#include "geo/outlines.h"
#include "json_tok.h"
#include "mem.h"
#include "record.h"
#include "text.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Weak, empty defaults: build/gen/price_areas.c (linked into the binary and
 * test_geo only) overrides them. See outlines.h. */
__attribute__((weak)) const char *geo_outline = NULL;
__attribute__((weak)) size_t geo_outline_len = 0;

/* ---- the reader ---- */

struct reader {
    struct geo_areas *out;
    struct geo_area cur;  /* the feature being read */
    size_t cap_poly;      /* of cur.poly */
    size_t cap_ring;      /* of the last polygon's ring */
    size_t cap_pt;        /* of the ring being read */
    struct geo_ring ring; /* the ring being read */
    double num[2];        /* the position being read */
    size_t nnum;
    int leaf;      /* depth of the position arrays inside "coordinates" (1 = it), 0 unknown */
    int poly_open; /* a polygon of cur takes the next ring */
    int has_id, has_geom, has_type, has_coords, multi;
    size_t cap_area;
};

static void box_empty(struct geo_box *b)
{
    b->west = b->south = INFINITY;
    b->east = b->north = -INFINITY;
}

static void box_add(struct geo_box *b, const struct geo_box *o)
{
    b->west = fmin(b->west, o->west);
    b->south = fmin(b->south, o->south);
    b->east = fmax(b->east, o->east);
    b->north = fmax(b->north, o->north);
}

static void ring_release(struct geo_ring *r)
{
    free(r->lon);
    free(r->lat);
    memset(r, 0, sizeof *r);
}

static void area_release(struct geo_area *a)
{
    for (size_t p = 0; p < a->npoly; p++) {
        for (size_t i = 0; i < a->poly[p].nring; i++)
            ring_release(&a->poly[p].ring[i]);
        free(a->poly[p].ring);
    }
    free(a->poly);
    memset(a, 0, sizeof *a);
}

static int bad(size_t at, struct err *e, const char *what)
{
    return err_set(e, ERR_DATA, (long)at, "price-area outlines, byte %zu: %s", at, what);
}

static int add_position(struct reader *rd, size_t at, struct err *e)
{
    struct geo_ring *r = &rd->ring;
    size_t cap = rd->cap_pt;
    if (rd->nnum < 2)
        return bad(at, e, "a position needs a longitude and a latitude");
    if (!(rd->num[0] >= -180 && rd->num[0] <= 180 && rd->num[1] >= -90 && rd->num[1] <= 90))
        return bad(at, e, "a position lies outside [-180, 180] x [-90, 90]");
    if (rd->out->vertices >= LIMIT_GEO_VERTICES)
        return bad(at, e, "more positions than LIMIT_GEO_VERTICES");
    xgrow((void **)&r->lon, &cap, r->n + 1, sizeof *r->lon);
    xgrow((void **)&r->lat, &rd->cap_pt, r->n + 1, sizeof *r->lat);
    r->lon[r->n] = rd->num[0];
    r->lat[r->n] = rd->num[1];
    r->n++;
    rd->out->vertices++;
    rd->nnum = 0;
    return 0;
}

static int end_ring(struct reader *rd, size_t at, struct err *e)
{
    struct geo_ring *r = &rd->ring;
    struct geo_polygon *p;
    if (r->n < 4)
        return bad(at, e, "a ring needs at least 4 positions");
    if (r->lon[0] != r->lon[r->n - 1] || r->lat[0] != r->lat[r->n - 1])
        return bad(at, e, "a ring is not closed (its last position is not its first)");
    r->n--;
    box_empty(&r->box);
    for (size_t i = 0; i < r->n; i++) {
        struct geo_box pt = {r->lon[i], r->lat[i], r->lon[i], r->lat[i]};
        box_add(&r->box, &pt);
    }
    if (!rd->poly_open) {
        xgrow((void **)&rd->cur.poly, &rd->cap_poly, rd->cur.npoly + 1, sizeof *rd->cur.poly);
        memset(&rd->cur.poly[rd->cur.npoly++], 0, sizeof *rd->cur.poly);
        rd->cap_ring = 0;
        rd->poly_open = 1;
    }
    p = &rd->cur.poly[rd->cur.npoly - 1];
    xgrow((void **)&p->ring, &rd->cap_ring, p->nring + 1, sizeof *p->ring);
    p->ring[p->nring++] = *r;
    if (p->nring == 1)
        p->box = r->box;
    memset(r, 0, sizeof *r);
    rd->cap_pt = 0;
    return 0;
}

/* An event inside "coordinates" (rel: the arrays open inside it after the
 * event, 0 when it closed). */
static int coords_event(struct reader *rd, const struct json_tok_event *ev, int rel, struct err *e)
{
    if (ev->type == JSON_TOK_NUMBER) {
        double v;
        if (!rd->leaf)
            rd->leaf = rel;
        if (rel != rd->leaf || rd->leaf < 3 || rd->leaf > 4)
            return bad(ev->start, e, "coordinates are not those of a Polygon or MultiPolygon");
        if (text_decimal(ev->s, ev->len, &v) < 0)
            return bad(ev->start, e, "a coordinate is not a plain decimal number");
        if (rd->nnum < 2)
            rd->num[rd->nnum] = v;
        rd->nnum++; /* a third number (an altitude) is allowed and ignored */
        return 0;
    }
    if (ev->type == JSON_TOK_BEGIN_ARRAY)
        return rd->leaf && rel > rd->leaf ? bad(ev->start, e, "coordinates nest too deep") : 0;
    if (ev->type != JSON_TOK_END_ARRAY)
        return bad(ev->start, e, "coordinates hold something other than arrays of numbers");
    if (!rd->leaf)
        return bad(ev->start, e, "an empty ring or polygon");
    if (rel == rd->leaf - 1)
        return add_position(rd, ev->start, e);
    if (rel == rd->leaf - 2)
        return end_ring(rd, ev->start, e);
    if (rel == rd->leaf - 3)
        rd->poly_open = 0;
    return 0;
}

static int end_feature(struct reader *rd, size_t at, struct err *e)
{
    struct geo_areas *g = rd->out;
    if (!rd->has_id)
        return bad(at, e, "a feature has no \"id\" (the area code)");
    if (!rd->has_geom || !rd->has_coords || !rd->has_type)
        return bad(at, e, "a feature has no geometry with \"type\" and \"coordinates\"");
    if (rd->leaf != (rd->multi ? 4 : 3))
        return bad(at, e, "a geometry's coordinates do not match its type");
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->a[i].code, rd->cur.code) == 0)
            return bad(at, e, "two features have the same id");
    if (g->n >= GEO_MAX_AREAS)
        return bad(at, e, "more features than GEO_MAX_AREAS");
    box_empty(&rd->cur.box);
    for (size_t p = 0; p < rd->cur.npoly; p++)
        box_add(&rd->cur.box, &rd->cur.poly[p].box);
    xgrow((void **)&g->a, &rd->cap_area, g->n + 1, sizeof *g->a);
    g->a[g->n++] = rd->cur;
    memset(&rd->cur, 0, sizeof rd->cur);
    rd->cap_poly = 0;
    rd->leaf = rd->poly_open = rd->has_id = rd->has_geom = rd->has_type = rd->has_coords = 0;
    rd->multi = 0;
    return 0;
}

static int key_is(const struct json_tok_event *ev, const char *name)
{
    return ev->len == strlen(name) && memcmp(ev->s, name, ev->len) == 0;
}

/* Where the reader is: which member's value the next event is. */
enum want {
    W_NONE,
    W_SKIP, /* a member not read */
    W_TOP_TYPE,
    W_FEATURES,
    W_ID,
    W_GEOM,
    W_GEOM_TYPE,
    W_COORDS,
};

/* What is wrong when the value of a member read is not what it must be. */
static const char *const wrong[] = {
    [W_TOP_TYPE] = "the document is not a GeoJSON FeatureCollection",
    [W_FEATURES] = "\"features\" is not an array",
    [W_ID] = "a feature's \"id\" is not a string",
    [W_GEOM] = "a feature's \"geometry\" is not an object",
    [W_GEOM_TYPE] = "a geometry is neither a Polygon nor a MultiPolygon",
    [W_COORDS] = "\"coordinates\" is not an array",
};

int geo_areas_parse(const char *json, size_t n, struct geo_areas *out, struct err *e)
{
    struct reader rd;
    struct json_tok t;
    struct json_tok_event ev;
    enum want want = W_NONE;
    size_t skip = 0; /* >0: inside a skipped container opened to this depth */
    int in_features = 0, in_geom = 0, in_coords = 0, top_type = 0, first = 1, type;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&rd, 0, sizeof rd);
    rd.out = out;
    json_tok_init(&t);
    json_tok_feed(&t, json, n);
    json_tok_end(&t);
    while ((type = json_tok_next(&t, &ev, e)) > JSON_TOK_DONE) {
        size_t d = ev.depth;
        if (skip) {
            if ((type == JSON_TOK_END_OBJECT || type == JSON_TOK_END_ARRAY) && d == skip - 1)
                skip = 0;
            continue;
        }
        if (first) {
            first = 0;
            if (type != JSON_TOK_BEGIN_OBJECT) {
                bad(ev.start, e, "the document is not a JSON object");
                goto out;
            }
            continue;
        }
        if (in_coords) {
            if (coords_event(&rd, &ev, (int)d - 4, e) < 0)
                goto out;
            if (d == 4)
                in_coords = 0;
            continue;
        }
        if (want != W_NONE) {
            enum want w = want;
            want = W_NONE;
            if (w == W_SKIP) {
                if (type == JSON_TOK_BEGIN_OBJECT || type == JSON_TOK_BEGIN_ARRAY)
                    skip = d;
            } else if (w == W_TOP_TYPE && type == JSON_TOK_STRING &&
                       key_is(&ev, "FeatureCollection")) {
                top_type = 1;
            } else if (w == W_FEATURES && type == JSON_TOK_BEGIN_ARRAY) {
                in_features = 1;
            } else if (w == W_ID && type == JSON_TOK_STRING) {
                struct record r;
                if (record_set_area(&r, ev.s, ev.len, e) < 0) {
                    err_prefix(e, "price-area outlines, byte %zu: a feature's id", ev.start);
                    goto out;
                }
                memcpy(rd.cur.code, r.area, sizeof rd.cur.code);
                rd.has_id = 1;
            } else if (w == W_GEOM && type == JSON_TOK_BEGIN_OBJECT) {
                in_geom = 1;
                rd.has_geom = 1;
            } else if (w == W_GEOM_TYPE && type == JSON_TOK_STRING &&
                       (key_is(&ev, "Polygon") || key_is(&ev, "MultiPolygon"))) {
                rd.multi = key_is(&ev, "MultiPolygon");
                rd.has_type = 1;
            } else if (w == W_COORDS && type == JSON_TOK_BEGIN_ARRAY) {
                in_coords = 1;
                rd.has_coords = 1;
            } else {
                bad(ev.start, e, wrong[w]);
                goto out;
            }
            continue;
        }
        if (type == JSON_TOK_KEY) {
            int seen = -1;
            if (d == 1 && key_is(&ev, "type"))
                want = W_TOP_TYPE, seen = top_type;
            else if (d == 1 && key_is(&ev, "features"))
                want = W_FEATURES, seen = out->n > 0;
            else if (d == 3 && in_features && key_is(&ev, "id"))
                want = W_ID, seen = rd.has_id;
            else if (d == 3 && in_features && key_is(&ev, "geometry"))
                want = W_GEOM, seen = rd.has_geom;
            else if (d == 4 && in_geom && key_is(&ev, "type"))
                want = W_GEOM_TYPE, seen = rd.has_type;
            else if (d == 4 && in_geom && key_is(&ev, "coordinates"))
                want = W_COORDS, seen = rd.has_coords;
            if (seen > 0) {
                bad(ev.start, e, "a member is repeated");
                goto out;
            }
            if (want == W_NONE)
                want = W_SKIP;
            continue;
        }
        if (in_features && d == 3 && type == JSON_TOK_BEGIN_OBJECT)
            continue; /* a feature begins */
        if (in_features && d == 2 && type == JSON_TOK_END_OBJECT) {
            if (end_feature(&rd, ev.start, e) < 0)
                goto out;
            continue;
        }
        if (in_features && d == 1 && type == JSON_TOK_END_ARRAY) {
            in_features = 0;
            continue;
        }
        if (in_geom && d == 3 && type == JSON_TOK_END_OBJECT) {
            in_geom = 0;
            continue;
        }
        if (type == JSON_TOK_END_OBJECT && d == 0)
            continue;
        bad(ev.start, e, "a feature is not an object");
        goto out;
    }
    if (type == JSON_TOK_ERROR)
        goto out;
    if (!top_type) {
        bad(json_tok_bytes(&t), e, "the document is not a GeoJSON FeatureCollection");
        goto out;
    }
    if (!out->n) {
        bad(json_tok_bytes(&t), e, "no features");
        goto out;
    }
    rc = 0;
out:
    json_tok_release(&t);
    ring_release(&rd.ring);
    area_release(&rd.cur);
    if (rc < 0)
        geo_areas_release(out);
    return rc;
}

void geo_areas_release(struct geo_areas *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        area_release(&g->a[i]);
    free(g->a);
    memset(g, 0, sizeof *g);
}

/* ---- the embedded outlines, parsed once ---- */

static pthread_once_t outlines_once = PTHREAD_ONCE_INIT;
static struct geo_areas outlines; /* written once, under outlines_once */
static struct err outlines_err;   /* likewise */
static int outlines_ok;

static void outlines_load(void)
{
    if (!geo_outline || !geo_outline_len) {
        err_set(&outlines_err, ERR_DATA, 0,
                "no price-area outlines are built into this program (build/gen/price_areas.c)");
        return;
    }
    outlines_ok = geo_areas_parse(geo_outline, geo_outline_len, &outlines, &outlines_err) == 0;
}

const struct geo_areas *geo_outlines(struct err *e)
{
    pthread_once(&outlines_once, outlines_load);
    if (!outlines_ok) {
        if (e)
            *e = outlines_err;
        return NULL;
    }
    return &outlines;
}

/* ---- point in polygon ---- */

int geo_point_check(double lat, double lon, struct err *e)
{
    if (!(lat >= -90 && lat <= 90))
        return err_set(e, ERR_USAGE, 0, "lat: expected a latitude in -90..90 degrees");
    if (!(lon >= -180 && lon <= 180))
        return err_set(e, ERR_USAGE, 0, "lon: expected a longitude in -180..180 degrees");
    return 0;
}

static int in_box(const struct geo_box *b, double lat, double lon)
{
    return lat >= b->south && lat <= b->north && lon >= b->west && lon <= b->east;
}

/* Crossings of the ray from (lat, lon) towards +lon with the ring's edges,
 * odd or even (W. Randolph Franklin's PNPOLY): an edge counts when it
 * straddles the ray's latitude, half-open (lat_i > lat) != (lat_j > lat),
 * and crosses east of the point. */
static int ring_odd(const struct geo_ring *r, double lat, double lon)
{
    int odd = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        if ((r->lat[i] > lat) != (r->lat[j] > lat) &&
            lon < (r->lon[j] - r->lon[i]) * (lat - r->lat[i]) / (r->lat[j] - r->lat[i]) + r->lon[i])
            odd = !odd;
    }
    return odd;
}

int geo_area_of(const struct geo_areas *g, double lat, double lon, const char **area, struct err *e)
{
    *area = NULL;
    if (geo_point_check(lat, lon, e) < 0)
        return -1;
    for (size_t a = 0; a < g->n; a++) {
        if (!in_box(&g->a[a].box, lat, lon))
            continue;
        for (size_t p = 0; p < g->a[a].npoly; p++) {
            const struct geo_polygon *poly = &g->a[a].poly[p];
            int odd = 0;
            if (!in_box(&poly->box, lat, lon))
                continue;
            for (size_t k = 0; k < poly->nring; k++)
                if (k == 0 || in_box(&poly->ring[k].box, lat, lon))
                    odd ^= ring_odd(&poly->ring[k], lat, lon);
            if (odd) {
                *area = g->a[a].code;
                return 0;
            }
        }
    }
    return 0;
}
