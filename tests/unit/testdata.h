/* testdata: reads a data file bundled with the repository for the unit
 * tests: the real Elhub files in data/elhub/ (CC BY 4.0, attribution
 * "Elhub"), compressed or not, and small fixtures in tests/data/. The tests
 * run from the repository root (tests/run.sh does). Include after check.h. */
#ifndef ELHUB_TESTDATA_H
#define ELHUB_TESTDATA_H

#include "mem.h"

#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

/* The decompressed bytes of the bundled file NAME (for example
 * "production_2021_slices.csv" or "reference/production_2021_totals.csv"),
 * looked up as data/elhub/NAME.gz, data/elhub/NAME, tests/data/NAME.gz and
 * tests/data/NAME. NUL-terminated; the caller frees it. A missing or
 * corrupt file fails the running case with the places looked at. */
static char *testdata_read(const char *name, size_t *len)
{
    static const struct {
        const char *dir, *ext;
    } forms[] = {
        {"data/elhub/", ".gz"}, {"data/elhub/", ""}, {"tests/data/", ".gz"}, {"tests/data/", ""}};
    char path[512], *p = NULL;
    size_t cap = 0;
    int n = 0, errnum = Z_OK;
    gzFile f = NULL;

    for (size_t i = 0; i < sizeof forms / sizeof forms[0] && !f; i++) {
        snprintf(path, sizeof path, "%s%s%s", forms[i].dir, name, forms[i].ext);
        if (access(path, R_OK) == 0)
            f = gzopen(path, "rb");
    }
    if (!f)
        CHECK_FAIL_("bundled file %s not found under data/elhub/ or tests/data/ (run from the "
                    "repository root)",
                    name);
    *len = 0;
    do {
        xgrow((void **)&p, &cap, *len + 65537, 1);
        n = gzread(f, p + *len, 65536);
        if (n > 0)
            *len += (size_t)n;
    } while (n > 0);
    if (n < 0)
        gzerror(f, &errnum);
    if (gzclose(f) != Z_OK || n < 0 || errnum != Z_OK) {
        free(p);
        CHECK_FAIL_("%s: truncated or corrupt", path);
    }
    p[*len] = '\0';
    return p;
}

#endif
