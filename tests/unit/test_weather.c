/* Tests of the weather source (weather/source_openmeteo.c behind
 * source/source.h) and of weather/place.h: location keys, the month
 * windows of a place, the request URL, the decoder of JSON and CSV bodies
 * (nulls, units, offsets, the grid cell), its refusals, the record check
 * and error bodies, against values worked out by hand from
 * docs/OPEN-METEO.md. */
#include "check.h"

#include "buf.h"
#include "caps.h"
#include "source/source.h"
#include "timeutil.h"
#include "weather/place.h"

#include <math.h>
#include <stdlib.h>

static int64_t iso(const char *s)
{
    int64_t t = 0;
    timeutil_parse_iso(s, strlen(s), &t, NULL);
    return t;
}

static void test_place(void)
{
    struct source_place p;
    struct err e = {0};
    char key[LIMIT_NAME];
    double lat, lon;

    CHECK_OK(weather_place_resolve("no5", NULL, NULL, &p, &e), &e);
    CHECK_STR(p.key, "NO5");
    CHECK_STR(p.name, "Bergen");
    CHECK(p.lat == 60.3913 && p.lon == 5.3221);
    CHECK_OK(weather_place_resolve(NULL, "60.391349", "5.32205", &p, &e), &e);
    CHECK_STR(p.key, "60.3913N_5.3221E"); /* rounded to 4 decimals, half away from 0 */
    CHECK(p.lat == 60.3913 && p.lon == 5.3221);
    weather_point_key(-33.86785, -151.20732, key);
    CHECK_STR(key, "33.8679S_151.2073W");
    CHECK_INT(weather_key_point("33.8679s_151.2073w", &lat, &lon), 0);
    CHECK(lat == -33.8679 && lon == -151.2073);
    CHECK_INT(weather_key_point("60.39N_5.3221E", &lat, &lon), -1); /* 4 decimals only */
    CHECK_INT(weather_place_resolve("NO9", NULL, NULL, &p, &e), -1);
    CHECK(strstr(e.msg, "unknown location"));
    CHECK_INT(weather_place_resolve("NO5", "60", NULL, &p, &e), -1);
    CHECK_INT(weather_place_resolve(NULL, "60", NULL, &p, &e), -1);
    CHECK_INT(weather_place_resolve(NULL, "91", "5", &p, &e), -1);
    CHECK(strstr(e.msg, "not on Earth"));
    CHECK_INT(weather_place_resolve(NULL, "sixty", "5", &p, &e), -1);
}

static void test_plan_url(void)
{
    const struct source_ops *src = source_find("openmeteo");
    const struct dataset *ds = dataset_find("weather");
    struct source_window *w = NULL;
    struct source_place p;
    struct buf b;
    size_t n = 0;
    struct err e = {0};

    CHECK(src == &source_openmeteo_ops && source_of(ds) == src);
    CHECK_INT(src->revision_days, 7);
    CHECK_INT(src->plan(ds, "2019-01", "2019-12", NULL, &w, &n, &e), -1); /* no place */
    CHECK_INT(e.domain, ERR_USAGE);
    CHECK_OK(weather_place_area("NO5", &p, &e), &e);
    CHECK_OK(src->plan(ds, "2019-03-30", "2019-04", &p, &w, &n, &e), &e);
    CHECK_INT(n, 2);
    CHECK_STR(w[0].key, "NO5:2019-03-30..2019-03-31");
    CHECK_STR(w[0].outer_key, "NO5:2019-03");
    CHECK_STR(w[1].key, "NO5:2019-04");
    CHECK_INT(w[1].start, iso("2019-04-01T00:00:00+02:00"));
    buf_init(&b, LIMIT_URL);
    /* An Oslo month is asked for as the UTC days that hold it: from the
     * evening before (22:00 UTC in summer) to its last day. */
    CHECK_OK(src->url("http://x/v1/", ds, &w[1], &b, &e), &e);
    CHECK_STR(b.p, "http://x/v1/archive?latitude=60.3913&longitude=5.3221&start_date=2019-03-31"
                   "&end_date=2019-04-30&hourly=temperature_2m,precipitation,wind_speed_10m,"
                   "wind_gusts_10m,wind_direction_10m&models=era5&wind_speed_unit=ms&timezone=GMT");
    buf_release(&b);
    /* Hours of the neighbouring month in the answer are left out (1); hours
     * outside the days asked for are an error. */
    {
        struct record r = {.start = iso("2019-03-31T22:00:00Z")};
        CHECK_INT(src->check(ds, &w[1], &r, &e), 0);
        r.start = iso("2019-03-31T21:00:00Z");
        CHECK_INT(src->check(ds, &w[1], &r, &e), 1);
        r.start = iso("2019-03-30T23:00:00Z");
        CHECK_INT(src->check(ds, &w[1], &r, &e), -1);
        CHECK_INT(e.domain, ERR_DATA);
    }
    free(w);
}

struct got {
    struct record r[64];
    size_t n;
};

static int add(const struct record *r, void *ctx)
{
    struct got *g = ctx;
    if (g->n < 64)
        g->r[g->n++] = *r;
    return 0;
}

/* Decodes doc with o, fed one byte at a time (a token may be cut
 * anywhere). Returns the decoder's result. */
static int decode(const char *doc, const struct source_opts *o, struct got *g, char *meta,
                  struct err *e)
{
    const struct dataset *ds = dataset_find("weather");
    struct source_decoder *d = source_decoder_new(&source_openmeteo_ops, ds, o, add, g);
    char key[SOURCE_META_KEY_MAX];
    int rc = 0;
    g->n = 0;
    for (size_t i = 0; doc[i] && rc == 0; i++)
        rc = source_decoder_feed(d, doc + i, 1, e);
    if (rc == 0)
        rc = source_decoder_finish(d, e);
    if (rc == 0 && meta) {
        meta[0] = '\0';
        if (source_decoder_meta(d, key, sizeof key, meta, SOURCE_META_VALUE_MAX) == 0)
            CHECK_STR(key, "weather.cell.NO5");
    }
    source_decoder_free(d);
    return rc;
}

static void test_decoder_json(void)
{
    /* A GMT answer with wind in km/h (the API's default, when
     * wind_speed_unit was ignored), a null and the old variable names. */
    const char *doc =
        "{\"latitude\":60.5,\"longitude\":5.25,\"generationtime_ms\":2.2,\"utc_offset_seconds\":0,"
        "\"timezone\":\"GMT\",\"elevation\":12.0,\"hourly_units\":{\"time\":\"iso8601\","
        "\"temperature_2m\":\"\xc2\xb0"
        "C\",\"windspeed_10m\":\"km/h\"},\"hourly\":{\"time\":"
        "[\"2019-01-01T00:00\",\"2019-01-01T01:00\"],\"temperature_2m\":[5.7,null],"
        "\"windspeed_10m\":[36.0,18.0]},\"daily\":{\"x\":[1,[2]]}}";
    struct source_opts o = {0};
    struct got g;
    struct err e = {0};
    char meta[SOURCE_META_VALUE_MAX];

    CHECK_OK(weather_place_area("NO5", &o.place, &e), &e);
    CHECK_OK(decode(doc, &o, &g, meta, &e), &e);
    CHECK_INT(g.n, 3); /* the null is missing, not 0 */
    CHECK_STR(g.r[0].area, "NO5");
    CHECK_STR(g.r[0].group, "temperature_2m");
    CHECK_INT(g.r[0].start, iso("2019-01-01T00:00:00Z"));
    CHECK_INT(g.r[0].end, g.r[0].start + 3600);
    CHECK(g.r[0].value == 5.7);
    CHECK_STR(g.r[1].group, "wind_speed_10m");
    CHECK_NEAR(g.r[1].value, 10.0, 1e-12); /* 36 km/h */
    CHECK_NEAR(g.r[2].value, 5.0, 1e-12);
    CHECK_STR(meta, "60.5 5.25 12.0");

    /* The same body asked for in Oslo time: one offset for all of it. */
    {
        const char *oslo = "{\"latitude\":60.5,\"longitude\":5.25,\"utc_offset_seconds\":3600,"
                           "\"hourly_units\":{\"precipitation\":\"mm\"},\"hourly\":{\"time\":["
                           "\"2019-03-31T02:00\"],\"precipitation\":[0.4]}}";
        CHECK_OK(decode(oslo, &o, &g, NULL, &e), &e);
        CHECK_INT(g.n, 1);
        CHECK_INT(g.r[0].start, iso("2019-03-31T01:00:00Z"));
    }
    /* Another grid cell than the place asked for is refused. */
    {
        const char *far = "{\"latitude\":63.5,\"longitude\":5.25,\"utc_offset_seconds\":0,"
                          "\"hourly\":{\"time\":[\"2019-01-01T00:00\"],\"precipitation\":[1]}}";
        CHECK_INT(decode(far, &o, &g, NULL, &e), -1);
        CHECK(strstr(e.msg, "grid cell at 63.5000, 5.2500"));
    }
    /* An error document, a cut body, unequal arrays, an unknown unit. */
    CHECK_INT(decode("{\"error\":true,\"reason\":\"Latitude must be in range\"}", &o, &g, NULL, &e),
              -1);
    CHECK(strstr(e.msg, "Latitude must be in range"));
    CHECK_INT(decode("{\"utc_offset_seconds\":0,\"hourly\":{\"time\":[\"2019-01-01T00:00\"", &o, &g,
                     NULL, &e),
              -1);
    CHECK_INT(decode("{\"utc_offset_seconds\":0,\"hourly\":{\"time\":[\"2019-01-01T00:00\"],"
                     "\"precipitation\":[1,2]}}",
                     &o, &g, NULL, &e),
              -1);
    CHECK(strstr(e.msg, "2 values for 1 times"));
    CHECK_INT(decode("{\"utc_offset_seconds\":0,\"hourly_units\":{\"wind_speed_10m\":\"bft\"},"
                     "\"hourly\":{\"time\":[\"2019-01-01T00:00\"],\"wind_speed_10m\":[3]}}",
                     &o, &g, NULL, &e),
              -1);
    CHECK(strstr(e.msg, "a unit elhub does not know"));
    /* Without an offset the times cannot be read; --utc-offset says how. */
    CHECK_INT(decode("{\"hourly\":{\"time\":[\"2019-01-01T00:00\"],\"precipitation\":[1]}}", &o, &g,
                     NULL, &e),
              -1);
    CHECK(strstr(e.msg, "--utc-offset"));
    o.has_utc_offset = 1;
    o.utc_offset_s = 3600;
    CHECK_OK(decode("{\"hourly\":{\"time\":[\"2019-01-01T00:00\"],\"precipitation\":[1]}}", &o, &g,
                    NULL, &e),
             &e);
    CHECK_INT(g.r[0].start, iso("2019-01-01T00:00:00+01:00"));
    /* A window's answer may hold only the days asked for. */
    memset(&o, 0, sizeof o);
    CHECK_OK(weather_place_area("NO5", &o.place, &e), &e);
    o.from = iso("2019-02-01T00:00:00+01:00");
    o.to = iso("2019-03-01T00:00:00+01:00");
    CHECK_INT(decode("{\"utc_offset_seconds\":0,\"hourly\":{\"time\":[\"2018-02-01T00:00\"],"
                     "\"precipitation\":[1]}}",
                     &o, &g, NULL, &e),
              -1);
    CHECK(strstr(e.msg, "outside the days 2019-01-31..2019-02-28"));
}

static void test_decoder_csv(void)
{
    /* Open-Meteo's CSV download: metadata, a blank line, units in the
     * header, an empty cell for a missing value. */
    const char *doc = "latitude,longitude,elevation,utc_offset_seconds,timezone,"
                      "timezone_abbreviation\r\n60.5,5.25,12.0,0,GMT,GMT\r\n\r\n"
                      "time,temperature_2m (\xc2\xb0"
                      "C),wind_speed_10m (km/h),weather_code (wmo code)\r\n"
                      "2019-01-01T00:00,5.7,36.0,3\r\n2019-01-01T01:00,,18.0,3\r\n";
    /* The Bergen file: no metadata, no units, times with seconds. */
    const char *bergen = "time,temperature_2m,precipitation,windspeed_10m\n"
                         "2019-01-01 00:00:00,5.7,0.7,37.0\n";
    struct source_opts o = {0};
    struct got g;
    struct err e = {0};
    char meta[SOURCE_META_VALUE_MAX];

    CHECK_OK(weather_place_area("NO5", &o.place, &e), &e);
    CHECK_OK(decode(doc, &o, &g, meta, &e), &e);
    CHECK_INT(g.n, 3);
    CHECK_STR(g.r[0].group, "temperature_2m");
    CHECK(g.r[0].value == 5.7);
    CHECK_STR(g.r[1].group, "wind_speed_10m");
    CHECK_NEAR(g.r[1].value, 10.0, 1e-12);
    CHECK_INT(g.r[2].start, iso("2019-01-01T01:00:00Z"));
    CHECK_STR(meta, "60.5 5.25 12.0");

    CHECK_INT(decode(bergen, &o, &g, NULL, &e), -1); /* wind without a unit */
    CHECK(strstr(e.msg, "--wind-unit"));
    o.wind_unit = "kmh";
    CHECK_INT(decode(bergen, &o, &g, NULL, &e), -1); /* times without an offset */
    CHECK(strstr(e.msg, "--utc-offset"));
    o.has_utc_offset = 1;
    o.utc_offset_s = 3600;
    CHECK_OK(decode(bergen, &o, &g, NULL, &e), &e);
    CHECK_INT(g.n, 3);
    CHECK_STR(g.r[0].group, "precipitation");
    CHECK_INT(g.r[0].start, iso("2018-12-31T23:00:00Z"));
    CHECK_NEAR(g.r[2].value, 37.0 / 3.6, 1e-12);

    /* A metadata offset that is not one (found by fuzz/fuzz_openmeteo.c). */
    CHECK_INT(decode("latitude,longitude,utc_offset_seconds\n60.5,5.25,2.2e27\n\ntime,"
                     "precipitation (mm)\n2019-01-01T00:00,1\n",
                     &o, &g, NULL, &e),
              -1);
    CHECK(strstr(e.msg, "is not an offset"));

    /* A file without a place and without one given is refused. */
    memset(&o, 0, sizeof o);
    o.has_utc_offset = 1;
    CHECK_INT(decode("time,precipitation (mm)\n2019-01-01T00:00,1\n", &o, &g, NULL, &e), -1);
    CHECK(strstr(e.msg, "--location"));
    /* Two rows for one hour (a local time of a DST change). */
    o.place.key[0] = 'X';
    CHECK_INT(decode("time,precipitation (mm)\n2019-01-01T00:00,1\n2019-01-01T00:00,2\n", &o, &g,
                     NULL, &e),
              -1);
    CHECK(strstr(e.msg, "repeats"));
}

static void test_error_and_sniff(void)
{
    const struct source_ops *src = &source_openmeteo_ops;
    const char *body = "{\"error\":true,\"reason\":\"Cannot initialize WeatherVariable from "
                       "invalid String value tempeature_2m\"}";
    char out[200];
    CHECK_INT(src->error_message(body, strlen(body), out, sizeof out), 0);
    CHECK_STR(out, "Cannot initialize WeatherVariable from invalid String value tempeature_2m");
    CHECK_INT(src->error_message("<html>", 6, out, sizeof out), -1);
    CHECK_STR(out, "");
    CHECK(src->sniff("{\"latitude\":60.5,\"utc_offset_seconds\":0", 38) == dataset_find("weather"));
    CHECK(src->sniff("time,temperature_2m (\xc2\xb0"
                     "C)\n",
                     24) == dataset_find("weather"));
    CHECK(src->sniff("latitude,longitude,elevation\n", 29) == dataset_find("weather"));
    CHECK(src->sniff("pricearea,productiongroup\n", 26) == NULL);
    CHECK(source_sniff("time,windspeed_10m\n", 19) == dataset_find("weather"));
}

CHECK_MAIN({"/weather/place", test_place}, {"/weather/openmeteo/plan-url", test_plan_url},
           {"/weather/openmeteo/json", test_decoder_json},
           {"/weather/openmeteo/csv", test_decoder_csv},
           {"/weather/openmeteo/error-sniff", test_error_and_sniff})
