/* query/agg: a span's value by its variable's aggregation (agg.h). */
#include "query/agg.h"

#include "query/query.h"

#include <math.h>

double query_agg_value(const struct dataset *ds, const char *group, const struct xsum *sum,
                       int64_t hours)
{
    if (dataset_group_agg(ds, group) == DATASET_AGG_SUM)
        return query_value(ds, sum);
    if (hours <= 0)
        return NAN;
    return dataset_round(ds, xsum_value(sum) / (double)hours);
}

void query_dir_add(struct query_dir *a, double deg)
{
    double r = deg * (M_PI / 180.0);
    a->sin += sin(r);
    a->cos += cos(r);
    a->n++;
}

double query_dir_mean(const struct dataset *ds, const struct query_dir *a)
{
    double d;
    if (a->n <= 0)
        return NAN;
    d = atan2(a->sin / (double)a->n, a->cos / (double)a->n) * (180.0 / M_PI);
    if (d < 0)
        d += 360.0;
    d = dataset_round(ds, d);
    return d >= 360.0 ? 0.0 : d;
}
