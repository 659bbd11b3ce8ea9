/* query/select: the one parser of a selection (dataset, area, groups, date
 * range, step), shared by every command line option and every API query
 * parameter, with one set of bounds: names by record_set_area/_group, dates
 * as Oslo calendar days inside RECORD_YEAR_MIN..RECORD_YEAR_MAX, at most
 * LIMIT_SELECT_GROUPS distinct groups. Whether the area and groups exist in
 * a store is the read model's check (query_check_selection). Pure;
 * a struct select is plain caller-owned data. */
#ifndef ELHUB_QUERY_SELECT_H
#define ELHUB_QUERY_SELECT_H

#include "caps.h"
#include "dataset.h"
#include "err.h"
#include "store/store.h"
#include "timeutil.h"

#include <stddef.h>
#include <stdint.h>

/* The parameters a selection can carry, as a bit set: a front end says
 * which ones it takes (select_set refuses the others by name). */
enum {
    SELECT_DATASET = 1 << 0,
    SELECT_AREA = 1 << 1,
    SELECT_GROUPS = 1 << 2,
    SELECT_FROM = 1 << 3,
    SELECT_TO = 1 << 4,
    SELECT_STEP = 1 << 5
};

/* The area name that means Norway: every area of the dataset summed (the
 * rule the read model applies when no area is given), with a group's hours
 * present counted as those of its least-covered area (query.h). */
#define SELECT_NORWAY "NO"

struct select {
    const struct dataset *ds;
    char area[LIMIT_NAME]; /* "" = every area */
    int norway;            /* area SELECT_NORWAY was given: area is "" */
    char groups[LIMIT_SELECT_GROUPS][LIMIT_NAME];
    const char *gp[LIMIT_SELECT_GROUPS]; /* gp[i] = groups[i], for store_query */
    size_t ngroups;                      /* 0 = every group */
    int has_from, has_to;
    int64_t from, to;          /* [from, to), Oslo midnights; INT64_MIN / INT64_MAX if open */
    char from_s[11], to_s[11]; /* "YYYY-MM-DD" (to inclusive), "" if open */
    enum timeutil_step step;
    unsigned given; /* the SELECT_* parameters set so far */
};

/* Defaults: the first dataset (production), every area and group, an open
 * range, hourly steps. */
void select_init(struct select *s);

/* Sets one parameter from its text, by name: "dataset", "area" (a price
 * area, or SELECT_NORWAY in any case for Norway), "groups"
 * (comma-separated; also "group"), "from", "to" (Oslo dates YYYY-MM-DD, or
 * YYYY-MM meaning the month's first day for from and its last for to; the
 * range is inclusive), "step" (hour, day, week, month). allowed is the set
 * of SELECT_* a front end takes. An unknown name, a parameter not allowed,
 * a bad value, or a value outside the bounds gives -1 with e set
 * (ERR_USAGE) to a message naming the parameter, showing the value escaped
 * and saying what is expected. */
int select_set(struct select *s, unsigned allowed, const char *name, const char *value,
               struct err *e);

/* "--year YYYY" and "--month YYYY-MM" of the command line: the whole
 * calendar year or month (Oslo time). */
int select_set_year(struct select *s, const char *value, struct err *e);
int select_set_month(struct select *s, const char *value, struct err *e);

/* Checks the whole selection once every parameter is set: from before to.
 * need_range: both ends must be given. */
int select_finish(struct select *s, int need_range, struct err *e);

/* The store query of s (borrows s). */
struct store_query select_query(const struct select *s);

/* The names allowed in the bit set, "dataset, area, ...", for messages. */
void select_names(unsigned allowed, char *out, size_t n);

#endif
