/* query: the read model, the one layer between the stores and every front
 * end (the command line, the JSON API, chart files). Pure functions over
 * the storage interface that return plain structs; the front ends only
 * parse arguments (query/select.h) and format what these return, so the
 * CLI, the API, the dashboard and the files can never disagree.
 *
 * Everything here reads the rollups (store.h) except hourly series and the
 * few hours a coverage report has to locate exactly, which read rows. Sums
 * are exact (xsum) and rounded once when a value is asked for.
 *
 * One definition of coverage: the hours of a period are its instants on
 * the hour (a 23- or 25-hour Oslo day has 23 or 25), an hour is present if
 * a row exists for it, and the missing hours are the others. Every result
 * is caller-owned (release it with its _release function, which also
 * accepts a zeroed or failed result); no function keeps state, so distinct
 * stores may be read from distinct threads at once. */
#ifndef ELHUB_QUERY_H
#define ELHUB_QUERY_H

#include "query/select.h"
#include "store/store.h"
#include "xsum.h"

#include <stddef.h>
#include <stdint.h>

/* ---- totals ------------------------------------------------------------ */

struct query_total {
    char group[LIMIT_NAME];
    struct xsum sum;
    double value;  /* xsum_value(&sum) */
    int64_t hours; /* rows present */
};

/* The value the read model answers for an exact sum (or one hour) of ds's
 * data: xsum_value rounded to the data's own precision (dataset_round), so
 * every total, bucket, overview and summary value has the digits the data
 * has and no float noise. Pure. */
double query_value(const struct dataset *ds, const struct xsum *s);

struct query_totals {
    struct query_total *t; /* groups with at least one row, sorted by name */
    size_t n;
    int64_t period_hours; /* hours of [from, to); 0 when the range is open */
};

/* Sums per group of the selection's rows. For Norway (sel->norway) the
 * sums are over every area, and a group's hours are those of its
 * least-covered area among the areas that hold the group anywhere in the
 * dataset (an area without a row in the period counts 0): the hours in
 * which the sum is the whole of Norway's, at most. */
int query_totals(struct store *s, const struct select *sel, struct query_totals *out,
                 struct err *e);
void query_totals_release(struct query_totals *t);

/* ---- the mean per area (the Map page) ------------------------------------ */

/* One area's mean of one group over a period. */
struct query_area_mean {
    char area[LIMIT_NAME];
    double mean;   /* the group's value per hour over the hours present (energy: kWh per
                    * hour, i.e. mean kW), dataset_round-ed; NAN when hours is 0 */
    int64_t hours; /* hours present in the period */
};

/* For each areas[i] (i < n), the mean per hour of sel's one group (sel must
 * name exactly one group and both ends of the range; sel's own area is
 * ignored) over the hours of [from, to) present, from query_totals: the
 * exact sum over those hours divided by their count. out (n entries) is
 * filled in the order of areas; *period_hours is the hours of the period.
 * ERR_USAGE when sel does not name one group and a range; the store's
 * errors as they come. */
int query_area_means(struct store *s, const struct select *sel, const char *const *areas, size_t n,
                     struct query_area_mean *out, int64_t *period_hours, struct err *e);

/* ---- series ------------------------------------------------------------ */

struct query_point {
    int64_t t; /* the bucket's first instant */
    struct xsum sum;
    double value;         /* xsum_value(&sum) */
    int32_t hours;        /* rows present in the bucket */
    int32_t period_hours; /* hours of the bucket inside [from, to) (0 if the range is open) */
};

struct query_group_series {
    char group[LIMIT_NAME];
    struct query_point *pts; /* buckets with at least one row, ascending */
    size_t n;
};

struct query_series {
    struct query_group_series *g; /* sorted by group; the groups the
                                   * selection names appear even when empty */
    size_t ng;
    enum timeutil_step step;
    size_t points; /* sum of g[].n */
};

/* The selection bucketed by sel->step on the Oslo calendar (hourly buckets
 * are the rows). For Norway the values are summed over every area and a
 * point's hours are those of the group's least-covered area (as in
 * query_totals), so a bucket some area lacks hours of is partial. At most max_points points (0: no
 * cap); beyond it, -1 with e set (ERR_USAGE) saying how many there are. */
int query_series(struct store *s, const struct select *sel, size_t max_points,
                 struct query_series *out, struct err *e);
void query_series_release(struct query_series *out);

/* ---- coverage and gaps --------------------------------------------------- */

struct query_gap {
    int64_t from, to; /* [from, to): missing hours */
};

struct query_group_coverage {
    char group[LIMIT_NAME];
    int64_t present, missing; /* hours of the period */
    struct query_gap *gaps;   /* the first max_gaps runs of missing hours */
    size_t ngaps;
    int truncated; /* more runs than max_gaps */
};

struct query_coverage {
    struct query_group_coverage *g; /* sorted by group */
    size_t ng;
    int64_t period_hours;
    int truncated; /* any group's list was truncated */
};

/* Coverage of [sel->from, sel->to) (both must be given) per group: the
 * groups named, or every group the area has anywhere in the dataset (so a
 * group without a row in the period shows as wholly missing). For Norway
 * an hour is missing for a group when any area that holds the group lacks
 * it (the union of the areas' gaps). */
int query_coverage(struct store *s, const struct select *sel, size_t max_gaps,
                   struct query_coverage *out, struct err *e);
void query_coverage_release(struct query_coverage *out);

/* ---- the overview: what a store holds -------------------------------------- */

/* One Oslo calendar year of a series. */
struct query_year {
    int year;
    int64_t hours;       /* rows in the year */
    int64_t first, last; /* the year's first and last hour with a row */
    struct xsum sum;
    double value;
    int64_t missing; /* hours of the year inside the series' [first, last] without a row */
};

struct query_series_info {
    char area[LIMIT_NAME];
    char group[LIMIT_NAME];
    int64_t hours;       /* rows */
    int64_t first, last; /* the first and last hour */
    int64_t updated;     /* newest update time; 0 if unknown */
    struct xsum sum;
    double value;
    int64_t missing; /* hours between first and last (inclusive) without a row */
    /* For a dataset with variables: the series' value by its variable's
     * aggregation, per hour (value / hours, rounded: the mean of a
     * temperature, the mean hourly precipitation), in the variable's unit;
     * NAN for a direction until query_series_means has read its rows, and
     * for a dataset without variables. */
    double mean;
    struct query_year *years; /* the years with at least one row, ascending */
    size_t nyears;
    /* The hours missing inside the years that have rows (years[].missing
     * summed): a year without any row between first and last is not
     * counted hour by hour but is an uncovered year. */
    int64_t missing_in_years;
    size_t uncovered; /* years between first and last without a row */
};

/* One Oslo year of a dataset, over its series. */
struct query_year_total {
    int year;
    size_t series;   /* series with a row in the year */
    int64_t hours;   /* rows in the year */
    int64_t missing; /* the series' years[].missing, summed */
    struct xsum sum;
    double value;
};

struct query_dataset_overview {
    const struct dataset *ds;
    struct query_series_info *series; /* sorted by area, then group */
    size_t nseries;
    int64_t hours, first, last, updated, missing; /* over the series (0s when empty) */
    int64_t missing_in_years;                     /* the series' missing_in_years, summed */
    struct xsum sum;
    double value;
    char (*areas)[LIMIT_NAME]; /* sorted */
    size_t nareas;
    char (*groups)[LIMIT_NAME]; /* sorted */
    size_t ngroups;
    int *years; /* Oslo years with at least one row, ascending */
    size_t nyears;
    struct query_year_total *year_totals; /* one per years[], in its order */
};

struct query_overview {
    struct query_dataset_overview *d; /* one per dataset, in dataset_all order */
    size_t n;
    int64_t hours;              /* rows of every dataset */
    char (*groups)[LIMIT_NAME]; /* every group of every dataset, sorted, distinct */
    size_t ngroups;
};

/* What the store holds, per dataset (only `only` when non-NULL). */
int query_overview(struct store *s, const struct dataset *only, struct query_overview *out,
                   struct err *e);
void query_overview_release(struct query_overview *o);

/* ---- weather: what a dataset with variables adds (query/weather.c) ------- */

/* Fills d->series[].mean of every direction variable with the circular
 * mean of its rows (query_series_info.mean); other series keep theirs. A
 * no-op for a dataset without variables. */
int query_series_means(struct store *s, struct query_dataset_overview *d, struct err *e);

/* A location of a dataset with variables: the place its key names and the
 * grid cell the store noted for its answers (weather/place.h). */
struct query_location {
    char location[LIMIT_NAME]; /* the key: "NO5" or "60.3913N_5.3221E" */
    const char *name;          /* "Bergen", or NULL (a point; static) */
    int known;                 /* the key is a price area or a point key: lat, lon set */
    double lat, lon;
    int has_cell;                         /* cell_* set */
    double cell_lat, cell_lon, cell_elev; /* elevation NAN if unknown */
};

/* Each area (location) of d once, in d's order. *out owned by the caller
 * (free()); NULL with *n = 0 when d has no series. */
int query_locations(struct store *s, const struct query_dataset_overview *d,
                    struct query_location **out, size_t *n, struct err *e);

/* The stored weather of location key in d (d may be NULL): the most hours
 * any of its variables has, and the first and last hour over them (UTC
 * seconds); all 0 when nothing is stored. Pure. */
void query_location_coverage(const struct query_dataset_overview *d, const char *key,
                             int64_t *hours, int64_t *first, int64_t *last);

/* Writes "locations":[{"location","name","lat","lon","cell":{lat,lon,
 * elevation}|null}, ...] as a key of the JSON object open in j: the one
 * form status --json and /api/meta share (docs/API.md). */
struct json;
void query_locations_json(struct json *j, const struct query_location *l, size_t n);

/* Writes "variables":[{"name","label","unit","aggregation"}, ...] of ds as
 * a key of the open object (nothing for a dataset without variables). */
void query_variables_json(struct json *j, const struct dataset *ds);

/* Writes a weather series' "unit" and "mean" (query_series_info.mean) as
 * keys of the open object: status --json and /api/meta alike. */
void query_series_mean_json(struct json *j, const struct dataset *ds,
                            const struct query_series_info *m);

/* Checks sel's area and groups against what the store holds for its
 * dataset: an unknown one is -1 with e set (ERR_USAGE) naming what exists
 * ("area NO9: the store has production data for NO1, NO2"); a dataset the
 * store holds nothing of, asked for an area or groups, is ERR_DATA. */
int query_check_selection(struct store *s, const struct select *sel, struct err *e);

/* The Oslo months (first instants, ascending, distinct) with at least one
 * row of sel's dataset, area and groups, anywhere in time. *out owned by
 * the caller (free()). */
int query_months(struct store *s, const struct select *sel, int64_t **out, size_t *n,
                 struct err *e);

/* Hours (instants on the hour) in [from, to). */
int64_t query_period_hours(int64_t from, int64_t to);

/* ---- what the dashboard offers (query/months.c) --------------------------- */

struct query_series_month {
    char area[LIMIT_NAME];
    char group[LIMIT_NAME];
    int64_t t;     /* the Oslo month's first instant */
    int64_t hours; /* rows present in it (at least 1) */
};

/* Every (area, group, Oslo month) of ds that holds at least one row, sorted
 * by area, group and month, from the month rollups: what a front end needs
 * to offer only choices with data (years, months, areas, groups) and to
 * find complete months (hours == query_period_hours of the month). *out is
 * owned by the caller (free()); NULL with *n = 0 when there is none. */
int query_series_months(struct store *s, const struct dataset *ds, struct query_series_month **out,
                        size_t *n, struct err *e);

/* One stretch of Oslo's UTC offset: from `from` on (until the next entry
 * or the end of the period), Oslo time is UTC + offset seconds. */
struct query_offset {
    int64_t from;
    int offset;
};

/* At most this many stretches fit a period inside RECORD_YEAR_MIN..MAX:
 * two changes a year and the first stretch. */
#define QUERY_OFFSETS_MAX (2 * (RECORD_YEAR_MAX - RECORD_YEAR_MIN + 1) + 1)

/* The stretches of Oslo's offset over [from, to) (both finite, from < to):
 * out[0].from = from, then one entry at every instant the offset changes
 * (timeutil's rule), so a front end can turn any instant of the period into
 * Oslo wall time without a calendar of its own. Writes at most max entries
 * into out (QUERY_OFFSETS_MAX always suffice) and returns the count. Pure. */
size_t query_oslo_offsets(int64_t from, int64_t to, struct query_offset *out, size_t max);

/* ---- the hours of a selection, summarised (query/summary.c) ----------------- */

struct query_extreme {
    int64_t t;    /* the hour's start */
    double value; /* its value (the sum over areas when no area is given) */
};

struct query_hour_summary {
    char group[LIMIT_NAME]; /* "" for the sum over groups */
    struct xsum sum;
    double value;                  /* query_value(&sum) */
    int64_t hours;                 /* hours with a value */
    struct query_extreme min, max; /* over those hours (0s if none) */
    int64_t negative;              /* hours whose value is below zero */
    /* value / hours (the mean of an hour: kWh per hour is mean kW), rounded
     * as values are; NAN without hours. For a dataset with variables
     * (weather) value is the variable's aggregation (sum, mean, circular
     * mean) and mean its mean per hour. */
    double mean;
    /* value / the sum over the groups; NAN without hours or a zero sum, and
     * always for a dataset with variables (whose `all` row is empty: no sum
     * over units). */
    double share;
};

struct query_summary {
    struct query_hour_summary *g; /* the groups named (present even without rows),
                                   * else those with rows; sorted by name */
    size_t ng;
    /* The sum over the groups: value is the total; hours the hours where at
     * least one group has a value; min and max (and negative) over the
     * complete hours only, those where every group of g with a row in the
     * period has one, so a missing group never shows as a dip. */
    struct query_hour_summary all;
    int64_t complete_hours;
    int64_t period_hours;
};

/* Per group and over the groups, for people reading a period: the total,
 * the hours present, the smallest and largest hour and when they were, and
 * the hours below zero (net consumption). Reads rows of [sel->from,
 * sel->to), which must both be given. At most max_points group-hours
 * (groups x hours of the period; 0: no cap), else -1 with e set
 * (ERR_USAGE), as query_series. out is released with
 * query_summary_release. */
int query_summary(struct store *s, const struct select *sel, size_t max_points,
                  struct query_summary *out, struct err *e);
void query_summary_release(struct query_summary *out);

#endif
