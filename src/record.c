/* record: name normalisation and the one record validation. */
#include "record.h"

#include "dataset.h"
#include "timeutil.h"

#include <math.h>
#include <string.h>

/* 1990-01-01T00:00:00+01:00 and 2101-01-01T00:00:00+01:00, as
 * timeutil_oslo_midnight gives them (test_timeutil checks the two agree). */
#define TIME_MIN INT64_C(631148400)
#define TIME_END INT64_C(4133977200)

int64_t record_time_min(void)
{
    return TIME_MIN;
}

int64_t record_time_end(void)
{
    return TIME_END;
}

/* The classes of the characters a name may hold: ASCII only, no locale
 * (record_check runs over every row of every write). */
enum { NAME_DIGIT = 1, NAME_UPPER = 2, NAME_LOWER = 4, NAME_PUNCT = 8, NAME_STAR = 16 };

static unsigned name_class(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return NAME_DIGIT;
    if (c >= 'A' && c <= 'Z')
        return NAME_UPPER;
    if (c >= 'a' && c <= 'z')
        return NAME_LOWER;
    if (c == '.' || c == '_' || c == '-')
        return NAME_PUNCT;
    return c == '*' ? NAME_STAR : 0;
}

static int set_name(char *dst, const char *s, size_t len, int is_group, struct err *e)
{
    char shown[80];
    const char *what = is_group ? "group" : "area";

    if (len == 0)
        return err_set(e, ERR_DATA, 0, "empty %s", what);
    if (len >= LIMIT_NAME)
        return err_set(e, ERR_DATA, 0, "%s \"%s\" is too long (at most %d bytes)", what,
                       err_quote(s, len, shown, sizeof shown), LIMIT_NAME - 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned cls = name_class(c);
        if (!(cls &
              (NAME_DIGIT | NAME_UPPER | NAME_LOWER | NAME_PUNCT | (is_group ? NAME_STAR : 0))))
            return err_set(e, ERR_DATA, 0,
                           "%s \"%s\": only letters, digits and . _ -%s are allowed in a name",
                           what, err_quote(s, len, shown, sizeof shown), is_group ? " *" : "");
        if (i == 0 && cls == NAME_PUNCT)
            return err_set(e, ERR_DATA, 0, "%s \"%s\": a name starts with a letter or a digit%s",
                           what, err_quote(s, len, shown, sizeof shown),
                           is_group ? " (or is *)" : "");
        if (is_group && cls == NAME_UPPER)
            c = (unsigned char)(c - 'A' + 'a');
        else if (!is_group && cls == NAME_LOWER)
            c = (unsigned char)(c - 'a' + 'A');
        dst[i] = (char)c;
    }
    dst[len] = '\0';
    return 0;
}

int record_set_area(struct record *r, const char *s, size_t len, struct err *e)
{
    return set_name(r->area, s, len, 0, e);
}

int record_set_group(struct record *r, const char *s, size_t len, struct err *e)
{
    return set_name(r->group, s, len, 1, e);
}

/* Whether name is a NUL-terminated name set_name would have produced. */
static int valid_name(const char *name, int is_group)
{
    unsigned ok = NAME_DIGIT | NAME_PUNCT | (is_group ? NAME_LOWER | NAME_STAR : NAME_UPPER);
    size_t i = 0;
    if (name_class((unsigned char)name[0]) == NAME_PUNCT)
        return 0;
    for (; i < LIMIT_NAME && name[i]; i++)
        if (!(name_class((unsigned char)name[i]) & ok))
            return 0;
    return i > 0 && i < LIMIT_NAME;
}

int record_check(const struct dataset *ds, const struct record *r, struct err *e)
{
    enum { OK, START, HOUR, END, FINITE, VARIABLE, BOUNDS, UPDATED, COUNT } why = OK;
    char when[TIMEUTIL_ISO_LEN], end[TIMEUTIL_ISO_LEN], shown[80];
    const struct dataset_var *var = NULL;
    double lo = ds->value_min, hi = ds->value_max;

    if (!valid_name(r->area, 0))
        return err_set(e, ERR_DATA, 0, "bad area \"%s\"",
                       err_quote(r->area, strnlen(r->area, LIMIT_NAME), shown, sizeof shown));
    if (!valid_name(r->group, 1))
        return err_set(e, ERR_DATA, 0, "bad group \"%s\"",
                       err_quote(r->group, strnlen(r->group, LIMIT_NAME), shown, sizeof shown));
    /* A dataset with variables holds those groups only, each in its own
     * unit and bounds. */
    if (ds->vars && (var = dataset_var_find(ds, r->group)) != NULL) {
        lo = var->min;
        hi = var->max;
    }
    /* The checks first; the times are formatted for a message only (this
     * runs over every row of every write). */
    if (r->start < record_time_min() || r->start >= record_time_end())
        why = START;
    else if (r->start % 3600 != 0)
        why = HOUR;
    else if (r->end != r->start + 3600)
        why = END;
    else if (!isfinite(r->value))
        why = FINITE;
    else if (ds->vars && !var)
        why = VARIABLE;
    else if (r->value < lo || r->value > hi)
        why = BOUNDS;
    else if (r->updated != 0 && (r->updated < record_time_min() || r->updated >= record_time_end()))
        why = UPDATED;
    else if (r->count < -1)
        why = COUNT;
    if (why == OK)
        return 0;
    timeutil_format_oslo(r->start, when);
    switch (why) {
    case START:
        return err_set(e, ERR_DATA, 0, "start time %s is outside the years %d-%d", when,
                       RECORD_YEAR_MIN, RECORD_YEAR_MAX);
    case HOUR:
        return err_set(e, ERR_DATA, 0, "start time %s is not on a whole hour", when);
    case END:
        timeutil_format_oslo(r->end, end);
        return err_set(e, ERR_DATA, 0, "the hour starting %s ends at %s, not one hour later", when,
                       end);
    case FINITE:
        return err_set(e, ERR_DATA, 0, "the value at %s is not a finite number", when);
    case VARIABLE: {
        char list[256];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < ds->nvars && used < sizeof list; i++) {
            int k =
                snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", ds->vars[i].name);
            if (k < 0)
                break;
            used += (size_t)k;
        }
        return err_set(e, ERR_DATA, 0, "%s \"%s\" at %s is not one of %s", ds->group_col, r->group,
                       when, list);
    }
    case BOUNDS:
        return err_set(e, ERR_DATA, 0, "the %s%svalue %g %s at %s is outside %g..%g",
                       var ? r->group : "", var ? " " : "", r->value, var ? var->unit : ds->unit,
                       when, lo, hi);
    case UPDATED:
        return err_set(e, ERR_DATA, 0, "the update time of the hour %s is outside the years %d-%d",
                       when, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
    default:
        return err_set(e, ERR_DATA, 0, "the count at %s is negative", when);
    }
}

int record_cmp_series(const struct record *a, const struct record *b)
{
    int c = strcmp(a->area, b->area);
    if (!c)
        c = strcmp(a->group, b->group);
    if (!c)
        c = a->start < b->start ? -1 : a->start > b->start;
    return c;
}
