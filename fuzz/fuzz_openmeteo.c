/* libFuzzer target for the Open-Meteo decoder (weather/source_openmeteo.c
 * behind source/source.h): arbitrary bytes, JSON or CSV, fed in chunks of a
 * size taken from the first byte, with options (a place or not, a UTC
 * offset or not, a wind unit or not, a window or not) taken from the
 * second; plus the error-body reader and sniff on the same bytes. Whatever
 * the input, the decoder must return cleanly, say why when it fails, and
 * every record it passes on must be a valid weather record (record_check). */
#include "record.h"
#include "source/source.h"
#include "weather/place.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_record(const struct record *r, void *ctx)
{
    if (record_check(dataset_find("weather"), r, NULL) < 0)
        abort();
    (*(size_t *)ctx)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct dataset *ds = dataset_find("weather");
    struct source_decoder *d;
    struct source_opts o;
    struct err e = {0};
    char msg[128], key[SOURCE_META_KEY_MAX], value[SOURCE_META_VALUE_MAX];
    size_t chunk, n = 0;
    int rc = 0;

    if (size < 2)
        return 0;
    chunk = (size_t)data[0] + 1;
    memset(&o, 0, sizeof o);
    if (data[1] & 1)
        weather_place_area("NO5", &o.place, NULL);
    if (data[1] & 2) {
        o.has_utc_offset = 1;
        o.utc_offset_s = 3600;
    }
    if (data[1] & 4)
        o.wind_unit = "kmh";
    if (data[1] & 8) {
        o.from = 1546297200; /* 2019-01-01T00:00:00+01:00 */
        o.to = o.from + 31 * 86400;
    }
    data += 2;
    size -= 2;

    d = source_decoder_new(&source_openmeteo_ops, ds, &o, check_record, &n);
    for (size_t at = 0; at < size && rc == 0; at += chunk)
        rc = source_decoder_feed(d, (const char *)data + at, size - at < chunk ? size - at : chunk,
                                 &e);
    if (rc == 0)
        rc = source_decoder_finish(d, &e);
    if (rc != 0 && !e.msg[0])
        abort();
    if (rc == 0)
        source_decoder_meta(d, key, sizeof key, value, sizeof value);
    source_decoder_free(d);

    source_openmeteo_ops.error_message((const char *)data, size, msg, sizeof msg);
    source_openmeteo_ops.sniff((const char *)data, size);
    return 0;
}
