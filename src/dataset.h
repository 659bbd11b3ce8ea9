/* dataset: the datasets the tool knows, as data: a new dataset is a new row
 * of dataset_all, not new code. A row names the source that fetches it
 * (src/elhub/ for Elhub; the source keeps its own wire names), the columns
 * the stores create for it, its value column, unit and bounds. Nothing here
 * is specific to one source. */
#ifndef ELHUB_DATASET_H
#define ELHUB_DATASET_H

#include "record.h"

#include <stddef.h>

/* How the hours of a variable make one value for a longer span (a day, a
 * month, a period's total): a sum (energy, precipitation), the mean of the
 * hours present (temperature, wind speed), or the circular mean of a
 * direction in degrees (the direction of the mean unit vector, 0..360). */
enum dataset_agg { DATASET_AGG_SUM, DATASET_AGG_MEAN, DATASET_AGG_DIRECTION };

/* One variable of a dataset whose groups are a fixed set of measured
 * quantities in units of their own (weather: temperature_2m in °C, wind in
 * m/s): the group name, its unit, and the bounds record_check holds its
 * values to. Static data. */
struct dataset_var {
    const char *name;     /* "wind_speed_10m": record.group */
    const char *title;    /* "Wind speed (10 m)", for people */
    const char *unit;     /* "m/s" (UTF-8): the unit record.value is in */
    double min, max;      /* record.value must lie in [min, max] */
    enum dataset_agg agg; /* how its hours make a longer span's value */
};

struct dataset {
    const char *name;       /* "production": CLI, URLs, table and collection names */
    const char *title;      /* "Production", for people */
    const char *alias;      /* another name accepted for it (its source's), or NULL */
    const char *source;     /* "elhub": the source that fetches and decodes it */
    const char *area_col;   /* "pricearea": store column of record.area */
    const char *group_col;  /* "productiongroup": store and CSV column of record.group */
    const char *time_col;   /* "starttime": record.start */
    const char *end_col;    /* "endtime": record.end */
    const char *value_col;  /* "quantitykwh": record.value */
    const char *update_col; /* "lastupdatedtime": record.updated */
    const char *count_col;  /* "meteringpointcount": record.count, or NULL if it has none */
    const char *unit;       /* "kWh": the unit record.value is in */
    double value_min;       /* record.value must lie in [value_min, value_max] */
    double value_max;
    int decimals; /* the data's own precision: its source publishes values with at
                   * most this many decimals (Elhub: 1 to 3 of a kWh) */
    /* NULL, or the dataset's only groups (nvars of them) with their own
     * units and bounds, which then replace unit and value_min/max: a row
     * of any other group is refused (record_check). */
    const struct dataset_var *vars;
    size_t nvars;
};

/* The precision of the Elhub datasets (ELHUB-API: "1-3 decimals"). */
#define DATASET_KWH_DECIMALS 3

/* v rounded to ds->decimals (half away from zero): how a sum or a mean of
 * the data is answered, so no answer shows float noise (195514537.00000003)
 * or digits the data never had. Non-finite and huge values pass unchanged.
 * Pure. */
double dataset_round(const struct dataset *ds, double v);
/* v rounded to `decimals` decimals, the same way (the one rounding rule). */
double dataset_round_to(double v, int decimals);

/* Every dataset, in a stable order (status lists them so). Static. */
extern const struct dataset dataset_all[];
extern const size_t dataset_count;

/* Finds a dataset by name ("production") or alias
 * ("PRODUCTION_PER_GROUP_MBA_HOUR"), case-insensitively; NULL if unknown.
 * The result points into dataset_all (static). */
const struct dataset *dataset_find(const char *name);

/* The variable called group of ds, or NULL (ds has no variables, or none
 * of that name). Static. */
const struct dataset_var *dataset_var_find(const struct dataset *ds, const char *group);

/* The unit values of group are in: the variable's for a dataset with
 * variables (NULL for a group that is not one of them), else ds->unit.
 * Static. */
const char *dataset_group_unit(const struct dataset *ds, const char *group);

/* How values of group make a longer span's value: the variable's
 * aggregation for a dataset with variables, else DATASET_AGG_SUM (a group
 * that is not a variable: SUM). Static. */
enum dataset_agg dataset_group_agg(const struct dataset *ds, const char *group);

/* "sum", "mean" or "direction": the name an API writes. Static. */
const char *dataset_agg_name(enum dataset_agg agg);

/* "production, consumption": the known names, for messages. out must hold
 * n bytes; it is cut short if it does not fit. Returns out. */
char *dataset_names(char *out, size_t n);

/* Formats a value with the fewest digits that read back to the same
 * double, always with a fraction ("2246558.0", "24.101") and never an
 * exponent for magnitudes from 1e-4 to below 1e16, as the Elhub API and
 * Python's repr write them. A non-finite v is written as "null" (no
 * writer of ours emits a bare inf or nan). out must hold 32 bytes.
 * Returns the length. */
size_t dataset_format_value(double v, char *out);

#endif
