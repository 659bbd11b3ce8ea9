/* fuzz_csv: libFuzzer target for the CSV importer. The first byte picks the
 * dataset (none / production / consumption) and a chunk size, so the
 * splitter's state carried across feeds is fuzzed too. Every record the
 * decoder hands out must satisfy the contract in import/csv.h. */
#include "import/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int check_record(const struct record *r, size_t line, void *ctx)
{
    (void)ctx;
    if (line == 0 || !r->area[0] || !r->group[0] || r->end <= r->start || r->start % 3600 != 0 ||
        memchr(r->area, '\0', sizeof r->area) == NULL || r->value != r->value)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct dataset *ds = NULL;
    struct csv_importer *ci;
    struct err e;
    size_t chunk;

    if (size < 1)
        return 0;
    if (data[0] % 3 == 1)
        ds = dataset_find("production");
    else if (data[0] % 3 == 2)
        ds = dataset_find("consumption");
    chunk = (size_t)(data[0] / 3) % 17 + 1;
    data++;
    size--;
    ci = csv_importer_new(ds, check_record, NULL);
    for (size_t at = 0; at < size; at += chunk)
        if (csv_importer_feed(ci, (const char *)data + at, size - at < chunk ? size - at : chunk,
                              &e) < 0)
            break;
    csv_importer_finish(ci, NULL, &e);
    csv_importer_free(ci);
    return 0;
}
