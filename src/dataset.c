/* dataset: the dataset table and record field helpers. */
#include "dataset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct dataset dataset_all[] = {
    {"production", "PRODUCTION_PER_GROUP_MBA_HOUR", "productionPerGroupMbaHour", "productionGroup",
     "productiongroup", 0, "Production"},
    {"consumption", "CONSUMPTION_PER_GROUP_MBA_HOUR", "consumptionPerGroupMbaHour",
     "consumptionGroup", "consumptiongroup", 1, "Consumption"},
};
const size_t dataset_count = sizeof dataset_all / sizeof dataset_all[0];

const struct dataset *dataset_find(const char *name)
{
    for (size_t i = 0; i < dataset_count; i++) {
        if (strcasecmp(name, dataset_all[i].name) == 0 ||
            strcasecmp(name, dataset_all[i].api_name) == 0)
            return &dataset_all[i];
    }
    return NULL;
}

static int set_name(char *dst, const char *s, size_t len, int upper)
{
    if (len == 0 || len >= LIMIT_NAME)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return -1;
        dst[i] = (char)(upper ? toupper(c) : tolower(c));
    }
    dst[len] = '\0';
    return 0;
}

int dataset_set_area(struct record *r, const char *s, size_t len)
{
    return set_name(r->area, s, len, 1);
}

int dataset_set_group(struct record *r, const char *s, size_t len)
{
    return set_name(r->group, s, len, 0);
}

size_t dataset_format_kwh(double v, char *out)
{
    int n = 0;
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    if (n > 0 && !strpbrk(out, ".eEn")) {
        out[n++] = '.';
        out[n++] = '0';
        out[n] = '\0';
    }
    return n > 0 ? (size_t)n : 0;
}
