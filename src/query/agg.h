/* query/agg: how a weather variable's hours make a longer span's value
 * (dataset_group_agg), shared by the read model's files (query.c,
 * summary.c); internal to src/query/. Pure and thread-safe. */
#ifndef ELHUB_QUERY_AGG_H
#define ELHUB_QUERY_AGG_H

#include "dataset.h"
#include "xsum.h"

#include <stdint.h>

/* The value of a span from its exact sum and hours present, by the
 * group's aggregation: the sum, or the mean of the hours (a direction's
 * circular mean needs the hourly values: query_dir_mean). Rounded as every
 * value is (dataset_round); NAN for a mean without hours. */
double query_agg_value(const struct dataset *ds, const char *group, const struct xsum *sum,
                       int64_t hours);

/* The running sums of a direction's unit vector. */
struct query_dir {
    double sin, cos;
    int64_t n;
};

/* Adds one direction in degrees. */
void query_dir_add(struct query_dir *a, double deg);

/* The circular mean in degrees, 0 <= mean < 360 (the direction of the
 * mean unit vector: atan2 of the mean sine and cosine), rounded as values
 * are; NAN without hours. */
double query_dir_mean(const struct dataset *ds, const struct query_dir *a);

#endif
