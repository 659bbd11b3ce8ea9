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

void elhub_record_json(const struct dataset *ds, const struct record *r, struct json *j)
{
    const struct elhub_names *n = elhub_names(ds);
    const char *gkey = n ? n->json_group : ds->group_col;
    /* Keys in the API's (alphabetical) order; the group key sorts either
     * first (consumptionGroup) or after priceArea (productionGroup). */
    int group_first = strcmp(gkey, "endTime") < 0;
    json_obj(j);
    if (group_first)
        json_kstr(j, gkey, r->group);
    json_ktime(j, "endTime", r->end);
    if (r->updated)
        json_ktime(j, "lastUpdatedTime", r->updated);
    if (ds->count_col && r->count >= 0)
        json_kint(j, n && n->json_count ? n->json_count : "meteringPointCount", r->count);
    json_kstr(j, "priceArea", r->area);
    if (!group_first)
        json_kstr(j, gkey, r->group);
    json_knum(j, "quantityKwh", r->value);
    json_ktime(j, "startTime", r->start);
    json_obj_end(j);
}
