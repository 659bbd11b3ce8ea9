/* elhub/names: the table of the Elhub API's dataset names. */
#include "elhub/names.h"

#include <string.h>
#include <strings.h>

const struct elhub_names elhub_names_all[] = {
    {"production", "PRODUCTION_PER_GROUP_MBA_HOUR", "productionPerGroupMbaHour", "productionGroup",
     NULL},
    {"consumption", "CONSUMPTION_PER_GROUP_MBA_HOUR", "consumptionPerGroupMbaHour",
     "consumptionGroup", "meteringPointCount"},
};
const size_t elhub_names_count = sizeof elhub_names_all / sizeof elhub_names_all[0];

const struct elhub_names *elhub_names(const struct dataset *ds)
{
    for (size_t i = 0; ds && i < elhub_names_count; i++)
        if (strcmp(elhub_names_all[i].dataset, ds->name) == 0)
            return &elhub_names_all[i];
    return NULL;
}

const struct dataset *elhub_dataset_by_api_name(const char *name)
{
    for (size_t i = 0; i < elhub_names_count; i++)
        if (strcasecmp(elhub_names_all[i].api_name, name) == 0)
            return dataset_find(elhub_names_all[i].dataset);
    return NULL;
}
