/* elhub/names: the Elhub API's own names for the datasets it serves (the
 * dataset parameter, the record list key, the group key), kept with the
 * Elhub source rather than in the generic dataset table. */
#ifndef ELHUB_ELHUB_NAMES_H
#define ELHUB_ELHUB_NAMES_H

#include "dataset.h"
#include "json.h"

struct elhub_names {
    const char *dataset;    /* our dataset name: "production" */
    const char *api_name;   /* "PRODUCTION_PER_GROUP_MBA_HOUR" */
    const char *json_list;  /* "productionPerGroupMbaHour": list key in the API JSON */
    const char *json_group; /* "productionGroup": record key of the group */
    const char *json_count; /* "meteringPointCount", or NULL */
};

/* The Elhub names of ds, or NULL if ds is not an Elhub dataset. Static. */
const struct elhub_names *elhub_names(const struct dataset *ds);
/* The dataset whose API name is name (case-insensitive), or NULL. */
const struct dataset *elhub_dataset_by_api_name(const char *name);
/* Every Elhub dataset's names, for decoders that sniff which one a file
 * holds: elhub_names_all[0..elhub_names_count). */
extern const struct elhub_names elhub_names_all[];
extern const size_t elhub_names_count;

/* Writes r as one API-style JSON record of ds: the API's keys in its
 * (alphabetical) order, a key left out when its value is unknown. The
 * format `elhub export --format json` writes and `elhub import` reads. */
void elhub_record_json(const struct dataset *ds, const struct record *r, struct json *j);

#endif
