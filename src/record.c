/* record: name normalisation and the one record validation. */
#include "record.h"

#include "dataset.h"
#include "timeutil.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

int64_t record_time_min(void)
{
    return timeutil_oslo_midnight(RECORD_YEAR_MIN, 1, 1);
}

int64_t record_time_end(void)
{
    return timeutil_oslo_midnight(RECORD_YEAR_MAX + 1, 1, 1);
}

static int name_char(unsigned char c, int is_group)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-' || (is_group && c == '*');
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
        if (!name_char(c, is_group))
            return err_set(e, ERR_DATA, 0,
                           "%s \"%s\": only letters, digits and . _ -%s are allowed in a name",
                           what, err_quote(s, len, shown, sizeof shown), is_group ? " *" : "");
        dst[i] = (char)(is_group ? tolower(c) : toupper(c));
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
    size_t n = strnlen(name, LIMIT_NAME);
    if (n == 0 || n >= LIMIT_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!name_char(c, is_group) || (is_group ? isupper(c) : islower(c)))
            return 0;
    }
    return 1;
}

int record_check(const struct dataset *ds, const struct record *r, struct err *e)
{
    char when[TIMEUTIL_ISO_LEN], shown[80];

    if (!valid_name(r->area, 0))
        return err_set(e, ERR_DATA, 0, "bad area \"%s\"",
                       err_quote(r->area, strnlen(r->area, LIMIT_NAME), shown, sizeof shown));
    if (!valid_name(r->group, 1))
        return err_set(e, ERR_DATA, 0, "bad group \"%s\"",
                       err_quote(r->group, strnlen(r->group, LIMIT_NAME), shown, sizeof shown));
    timeutil_format_oslo(r->start, when);
    if (r->start < record_time_min() || r->start >= record_time_end())
        return err_set(e, ERR_DATA, 0, "start time %s is outside the years %d-%d", when,
                       RECORD_YEAR_MIN, RECORD_YEAR_MAX);
    if (r->start % 3600 != 0)
        return err_set(e, ERR_DATA, 0, "start time %s is not on a whole hour", when);
    if (r->end != r->start + 3600) {
        char end[TIMEUTIL_ISO_LEN];
        timeutil_format_oslo(r->end, end);
        return err_set(e, ERR_DATA, 0, "the hour starting %s ends at %s, not one hour later", when,
                       end);
    }
    if (!isfinite(r->value))
        return err_set(e, ERR_DATA, 0, "the value at %s is not a finite number", when);
    if (r->value < ds->value_min || r->value > ds->value_max)
        return err_set(e, ERR_DATA, 0, "the value %g %s at %s is outside %g..%g", r->value,
                       ds->unit, when, ds->value_min, ds->value_max);
    if (r->updated != 0 && (r->updated < record_time_min() || r->updated >= record_time_end()))
        return err_set(e, ERR_DATA, 0, "the update time of the hour %s is outside the years %d-%d",
                       when, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
    if (r->count < -1)
        return err_set(e, ERR_DATA, 0, "the count at %s is negative", when);
    return 0;
}
