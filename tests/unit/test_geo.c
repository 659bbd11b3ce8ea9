/* Tests of geo/geo.h: the embedded outlines parse into the five price
 * areas; the five course cities (issue 13) land in their own areas and
 * points outside Norway (Stockholm, Copenhagen, Helsinki, the North Sea) in
 * none; coordinates out of range are refused; ray casting on hand-made
 * squares (a hole, a MultiPolygon, a shared edge) gives the answers worked
 * out by hand; malformed documents are refused with a message. The check
 * against the original NVE polygons on a grid is in
 * tests/integration/test_geo.py. */
#include "check.h"

#include "geo/geo.h"

#include <math.h>

static const struct geo_areas *outlines(void)
{
    struct err e = {0};
    const struct geo_areas *g = geo_outlines(&e);
    if (!g)
        CHECK_FAIL_("geo_outlines: %s", e.msg);
    return g;
}

static const char *area_at(const struct geo_areas *g, double lat, double lon)
{
    struct err e = {0};
    const char *a = (const char *)1;
    if (geo_area_of(g, lat, lon, &a, &e) != 0)
        CHECK_FAIL_("geo_area_of(%g, %g): %s", lat, lon, e.msg);
    return a;
}

static void test_embedded(void)
{
    const struct geo_areas *g = outlines();
    static const char *const codes[] = {"NO1", "NO2", "NO3", "NO4", "NO5"};
    CHECK_INT(g->n, 5);
    for (size_t i = 0; i < 5; i++) {
        CHECK_STR(g->a[i].code, codes[i]);
        CHECK(g->a[i].npoly >= 1);
    }
    /* tools/simplify_areas.py at 0.1 km wrote 2,863 positions (SOURCES.md). */
    CHECK_INT(g->vertices, 2863);
    CHECK(geo_outlines(NULL) == g); /* parsed once */
}

static void test_cities(void)
{
    const struct geo_areas *g = outlines();
    CHECK_STR(area_at(g, 59.9139, 10.7522), "NO1"); /* Oslo */
    CHECK_STR(area_at(g, 58.1467, 7.9956), "NO2");  /* Kristiansand */
    CHECK_STR(area_at(g, 63.4305, 10.3951), "NO3"); /* Trondheim */
    CHECK_STR(area_at(g, 69.6492, 18.9553), "NO4"); /* Tromso */
    CHECK_STR(area_at(g, 60.3913, 5.3221), "NO5");  /* Bergen */
}

static void test_outside(void)
{
    const struct geo_areas *g = outlines();
    CHECK(area_at(g, 59.33, 18.07) == NULL); /* Stockholm */
    CHECK(area_at(g, 55.68, 12.57) == NULL); /* Copenhagen */
    CHECK(area_at(g, 60.17, 24.94) == NULL); /* Helsinki */
    CHECK(area_at(g, 58.0, 3.0) == NULL);    /* the North Sea */
    CHECK(area_at(g, 0, 0) == NULL);
    CHECK(area_at(g, -60, -170) == NULL);
}

static void test_range(void)
{
    const struct geo_areas *g = outlines();
    struct err e = {0};
    const char *a = "x";
    CHECK_INT(geo_area_of(g, 90.5, 10, &a, &e), -1);
    CHECK(a == NULL);
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK(strstr(e.msg, "lat") != NULL);
    CHECK_INT(geo_area_of(g, 60, -180.01, &a, &e), -1);
    CHECK(strstr(e.msg, "lon") != NULL);
    CHECK_INT(geo_area_of(g, NAN, 10, &a, &e), -1);
    CHECK_INT(geo_area_of(g, 60, INFINITY, &a, &e), -1);
    CHECK_INT(geo_point_check(-90, 180, &e), 0);
}

/* Two unit squares sharing the edge x = 1; A has a hole [0.25, 0.75]^2;
 * C is a MultiPolygon of two squares far apart. */
static const char squares[] =
    "{\"type\":\"FeatureCollection\",\"name\":\"x\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"a\":[1,{\"b\":2}]},\"id\":\"a\",\"geometry\":"
    "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
    "[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]]}},"
    "{\"type\":\"Feature\",\"id\":\"B\",\"geometry\":{\"coordinates\":"
    "[[[1,0],[2,0],[2,1],[1,1],[1,0]]],\"type\":\"Polygon\"}},"
    "{\"type\":\"Feature\",\"id\":\"C\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
    "[[[[10,10],[11,10],[11,11],[10,11],[10,10]]],[[[20,20,5],[21,20,5],[21,21,5],[20,20,5]]]]}}"
    "]}";

static void test_squares(void)
{
    struct geo_areas g;
    struct err e = {0};
    CHECK_OK(geo_areas_parse(squares, sizeof squares - 1, &g, &e), &e);
    CHECK_INT(g.n, 3);
    CHECK_STR(g.a[0].code, "A"); /* upper-cased as every area name */
    CHECK_INT(g.a[0].poly[0].nring, 2);
    CHECK_INT(g.a[0].poly[0].ring[0].n, 4); /* the closing repeat dropped */
    CHECK_INT(g.a[2].npoly, 2);
    CHECK_INT(g.vertices, 5 + 5 + 5 + 5 + 4);
    CHECK(g.a[0].box.west == 0 && g.a[0].box.east == 1 && g.a[2].box.north == 21);
    /* (lat, lon): lat is y. */
    CHECK_STR(area_at(&g, 0.1, 0.1), "A");
    CHECK(area_at(&g, 0.5, 0.5) == NULL); /* in A's hole */
    CHECK_STR(area_at(&g, 0.5, 0.9), "A");
    CHECK_STR(area_at(&g, 0.5, 1.5), "B");
    /* On the shared edge x = 1: in exactly one of A and B (half-open rule:
     * the crossing at x = 1 counts for A only when the point lies west of
     * it, so the point goes to B). */
    CHECK_STR(area_at(&g, 0.5, 1.0), "B");
    CHECK_STR(area_at(&g, 10.5, 10.5), "C");
    CHECK_STR(area_at(&g, 20.2, 20.8), "C"); /* below the diagonal of the triangle */
    CHECK(area_at(&g, 20.8, 20.2) == NULL);  /* above it */
    CHECK(area_at(&g, 15, 15) == NULL);
    CHECK(area_at(&g, 0.5, 2.5) == NULL);
    geo_areas_release(&g);
    geo_areas_release(&g); /* released twice: a no-op */
}

static void refused(const char *doc, const char *part)
{
    struct geo_areas g;
    struct err e = {0};
    if (geo_areas_parse(doc, strlen(doc), &g, &e) == 0) {
        geo_areas_release(&g);
        CHECK_FAIL_("accepted: %s", doc);
    }
    if (!strstr(e.msg, part))
        CHECK_FAIL_("\"%s\" not in \"%s\" (for %s)", part, e.msg, doc);
    CHECK_INT(g.n, 0);
}

#define FC(x) "{\"type\":\"FeatureCollection\",\"features\":[" x "]}"
#define SQ "[[[0,0],[1,0],[1,1],[0,0]]]"

static void test_refused(void)
{
    refused("", "empty document");
    refused("[1]", "not a JSON object");
    refused("{\"type\":\"Feature\"}", "FeatureCollection");
    refused(FC(""), "no features");
    refused(FC("{\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ "}}"), "no \"id\"");
    refused(FC("{\"id\":7,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ "}}"),
            "not a string");
    refused(FC("{\"id\":\"=x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ "}}"), "id");
    refused(FC("{\"id\":\"a\",\"geometry\":null}"), "not an object");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}"),
            "neither a Polygon");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":" SQ "}}"),
            "do not match");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[0,0],[1,0],[0,0]]]}}"),
            "at least 4");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[0,0],[1,0],[1,1],[0,1]]]}}"),
            "not closed");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[0,0],[1,0],[1,91],[0,0]]]}}"),
            "outside");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[0,0],[1],[1,1],[0,0]]]}}"),
            "a longitude and a latitude");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[]]}}"),
            "empty ring");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
               "[[[0,0],[1,\"0\"],[1,1],[0,0]]]}}"),
            "other than arrays of numbers");
    refused(FC("{\"id\":\"a\",\"id\":\"b\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ
               "}}"),
            "repeated");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ
               "}},{\"id\":\"A\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ "}}"),
            "same id");
    refused(FC("{\"id\":\"a\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" SQ "}}") "x",
            "bad JSON");
}

CHECK_MAIN({"/geo/embedded", test_embedded}, {"/geo/cities", test_cities},
           {"/geo/outside", test_outside}, {"/geo/range", test_range},
           {"/geo/squares", test_squares}, {"/geo/refused", test_refused})
