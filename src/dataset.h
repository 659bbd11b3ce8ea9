/* dataset: the Elhub datasets the tool knows, as data (a new dataset is a
 * new table row, not new code), and the record every layer passes around. */
#ifndef ELHUB_DATASET_H
#define ELHUB_DATASET_H

#include "caps.h"

#include <stddef.h>
#include <stdint.h>

struct dataset {
    const char *name;       /* "production": CLI, URLs, table names */
    const char *api_name;   /* "PRODUCTION_PER_GROUP_MBA_HOUR" */
    const char *json_list;  /* "productionPerGroupMbaHour": list key in the API JSON */
    const char *json_group; /* "productionGroup": record key of the group */
    const char *group_col;  /* "productiongroup": store and CSV column */
    int has_meter_count;    /* consumption records carry meteringPointCount */
    const char *title;      /* "Production" for people */
};

/* One hourly value. Plain data, copied freely. */
struct record {
    char area[LIMIT_NAME];  /* "NO1".."NO5" (upper case) */
    char group[LIMIT_NAME]; /* "hydro", "*", ... (lower case, any string) */
    int64_t start;          /* UTC seconds */
    int64_t end;            /* UTC seconds */
    double kwh;
    int64_t updated;     /* lastUpdatedTime, UTC seconds; 0 = unknown */
    int64_t meter_count; /* meteringPointCount; -1 = absent */
};

extern const struct dataset dataset_all[];
extern const size_t dataset_count;

/* Finds a dataset by name ("production") or API name, case-insensitively;
 * NULL if unknown. The result points into dataset_all (static). */
const struct dataset *dataset_find(const char *name);

/* Copies s into a record field (area upper-cased, group lower-cased),
 * truncating at LIMIT_NAME-1 bytes. Returns -1 if s was empty or too long. */
int dataset_set_area(struct record *r, const char *s, size_t len);
int dataset_set_group(struct record *r, const char *s, size_t len);

/* Formats a kWh value with the fewest digits that read back to the same
 * double, always with a fraction ("2246558.0", "24.101"), as the API writes
 * them. out must hold 32 bytes. Returns the length. */
size_t dataset_format_kwh(double v, char *out);

#endif
