/* record: the one hourly value every layer passes around, and the one
 * validation every input goes through before anything is stored (CSV, API
 * JSON, a copy from another store): names from a safe alphabet, an hour
 * inside the supported years, a finite value inside the dataset's bounds.
 * The same year bounds limit every selection a user can ask for
 * (src/query/select.h). */
#ifndef ELHUB_RECORD_H
#define ELHUB_RECORD_H

#include "caps.h"
#include "err.h"

#include <stddef.h>
#include <stdint.h>

struct dataset;

/* One hourly value. Plain data, copied freely. */
struct record {
    char area[LIMIT_NAME];  /* price area ("NO1") or location key, upper case */
    char group[LIMIT_NAME]; /* group ("hydro", "*"), lower case */
    int64_t start;          /* UTC seconds, on a whole hour */
    int64_t end;            /* start + 3600 */
    double value;           /* in the dataset's unit (struct dataset.unit) */
    int64_t updated;        /* when the source last revised it, UTC seconds; 0 = unknown */
    int64_t count;          /* the dataset's count column (meteringPointCount); -1 = absent */
};

/* Times the tool stores or answers for: Oslo calendar years
 * RECORD_YEAR_MIN..RECORD_YEAR_MAX. Outside them an hour is garbage (a
 * year-0001 row once made /api/meta drop real years). */
#define RECORD_YEAR_MIN 1990
#define RECORD_YEAR_MAX 2100

/* The first instant of RECORD_YEAR_MIN and the first one after
 * RECORD_YEAR_MAX, Oslo time. */
int64_t record_time_min(void);
int64_t record_time_end(void);

/* Copies the len bytes at s (need not be NUL-terminated) into r->area,
 * upper-cased, or into r->group, lower-cased. A name is 1 to LIMIT_NAME-1
 * bytes of ASCII letters, digits and ". _ -" (groups also "*"), starting
 * with a letter, a digit or "*": so no stored name is ever a spreadsheet
 * formula (= + - @) in a CSV cell, and exports read back as they are. On a bad
 * name returns -1 with e set (ERR_DATA) to a message that shows the name
 * with control bytes escaped. */
int record_set_area(struct record *r, const char *s, size_t len, struct err *e);
int record_set_group(struct record *r, const char *s, size_t len, struct err *e);

/* The one validation of a record of dataset ds: area and group as above,
 * start on a whole hour inside the supported years, end = start + 3600,
 * value finite and inside [ds->value_min, ds->value_max] (for a dataset
 * with variables, struct dataset.vars: the group one of them and the value
 * inside its bounds), updated 0 or
 * inside the supported years, count -1 or >= 0. Returns 0, or -1 with e
 * set (ERR_DATA) to "REASON" without position (callers prefix the file,
 * line or record). Pure and thread-safe. */
int record_check(const struct dataset *ds, const struct record *r, struct err *e);

/* Orders records by series, then time: (area, group, start), the order the
 * Elhub API answers in. 0 means the same key (one hour of one series). */
int record_cmp_series(const struct record *a, const struct record *b);

#endif
