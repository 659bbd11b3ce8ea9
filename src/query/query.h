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
    int64_t missing;          /* hours between first and last (inclusive) without a row */
    struct query_year *years; /* the years with at least one row, ascending */
    size_t nyears;
    /* The hours missing inside the years that have rows (years[].missing
     * summed): a year without any row between first and last is not
     * counted hour by hour but is an uncovered year. */
    int64_t missing_in_years;
    size_t uncovered; /* years between first and last without a row */
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

#endif
