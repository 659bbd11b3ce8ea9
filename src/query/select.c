/* query/select: parsing a selection; see select.h. */
#include "query/select.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    unsigned bit;
} params[] = {
    {"dataset", SELECT_DATASET}, {"area", SELECT_AREA}, {"groups", SELECT_GROUPS},
    {"group", SELECT_GROUPS},    {"from", SELECT_FROM}, {"to", SELECT_TO},
    {"step", SELECT_STEP},
};

void select_init(struct select *s)
{
    memset(s, 0, sizeof *s);
    s->ds = &dataset_all[0];
    s->from = INT64_MIN;
    s->to = INT64_MAX;
    s->step = TIMEUTIL_HOUR;
}

void select_names(unsigned allowed, char *out, size_t n)
{
    size_t used = 0;
    if (n)
        out[0] = '\0';
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        int k;
        if (!(params[i].bit & allowed) || strcmp(params[i].name, "group") == 0)
            continue;
        k = snprintf(out + used, n - used, "%s%s", used ? ", " : "", params[i].name);
        if (k < 0 || (size_t)k >= n - used)
            break;
        used += (size_t)k;
    }
}

static int set_groups(struct select *s, const char *v, struct err *e)
{
    const char *p = v;
    char shown[80];

    s->ngroups = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        struct record g;
        struct err ge = {0};
        int dup = 0;

        if (record_set_group(&g, p, n, &ge) < 0)
            return err_set(e, ERR_USAGE, 0,
                           "groups: %s (a comma-separated list such as hydro,wind)", ge.msg);
        for (size_t i = 0; i < s->ngroups; i++)
            dup |= strcmp(s->groups[i], g.group) == 0;
        if (!dup) {
            if (s->ngroups == LIMIT_SELECT_GROUPS)
                return err_set(e, ERR_USAGE, 0, "too many groups (at most %d)",
                               LIMIT_SELECT_GROUPS);
            memcpy(s->groups[s->ngroups], g.group, sizeof g.group);
            s->gp[s->ngroups] = s->groups[s->ngroups];
            s->ngroups++;
        }
        p += n;
        if (*p == ',') {
            p++;
            if (!*p)
                return err_set(e, ERR_USAGE, 0, "groups \"%s\": trailing comma",
                               err_quote(v, strlen(v), shown, sizeof shown));
        }
    }
    return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM" as an Oslo calendar date; a month means its
 * first day for from and its last day for to. *t is the Oslo midnight that
 * starts (from) or ends (to, exclusive) the range. */
static int set_day(struct select *s, const char *name, const char *v, int is_to, struct err *e)
{
    int y, m, d, has_day;
    char shown[48];

    if (timeutil_parse_date(v, &y, &m, &d, &has_day, NULL) < 0 || y < RECORD_YEAR_MIN ||
        y > RECORD_YEAR_MAX)
        return err_set(e, ERR_USAGE, 0,
                       "%s \"%s\": expected an Oslo calendar date YYYY-MM-DD (or YYYY-MM), years "
                       "%d-%d",
                       name, err_quote(v, strlen(v), shown, sizeof shown), RECORD_YEAR_MIN,
                       RECORD_YEAR_MAX);
    if (is_to && !has_day)
        d = timeutil_days_in_month(y, m);
    if (is_to) {
        snprintf(s->to_s, sizeof s->to_s, "%04d-%02d-%02d", y, m, d);
        s->to = timeutil_oslo_midnight(y, m, d + 1);
        s->has_to = 1;
    } else {
        snprintf(s->from_s, sizeof s->from_s, "%04d-%02d-%02d", y, m, d);
        s->from = timeutil_oslo_midnight(y, m, d);
        s->has_from = 1;
    }
    return 0;
}

int select_set(struct select *s, unsigned allowed, const char *name, const char *value,
               struct err *e)
{
    unsigned bit = 0;
    char shown[80], list[128];

    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (strcmp(params[i].name, name) == 0)
            bit = params[i].bit;
    if (!(bit & allowed)) {
        select_names(allowed, list, sizeof list);
        return err_set(e, ERR_USAGE, 0, "unknown parameter \"%s\" (this takes: %s)",
                       err_quote(name, strlen(name), shown, sizeof shown), list[0] ? list : "none");
    }
    s->given |= bit;
    switch (bit) {
    case SELECT_DATASET:
        s->ds = dataset_find(value);
        if (!s->ds) {
            char names[128];
            return err_set(e, ERR_USAGE, 0, "unknown dataset \"%s\" (known: %s)",
                           err_quote(value, strlen(value), shown, sizeof shown),
                           dataset_names(names, sizeof names));
        }
        return 0;
    case SELECT_AREA: {
        struct record r;
        struct err ae = {0};
        s->norway = 0;
        if (!*value || strcasecmp(value, SELECT_NORWAY) == 0) {
            s->area[0] = '\0';
            s->norway = *value != '\0';
            return 0;
        }
        if (record_set_area(&r, value, strlen(value), &ae) < 0)
            return err_set(e, ERR_USAGE, 0, "area: %s (a price area such as NO1)", ae.msg);
        memcpy(s->area, r.area, sizeof s->area);
        return 0;
    }
    case SELECT_GROUPS:
        return set_groups(s, value, e);
    case SELECT_FROM:
        return set_day(s, "from", value, 0, e);
    case SELECT_TO:
        return set_day(s, "to", value, 1, e);
    default: /* SELECT_STEP */
        if (timeutil_step_parse(value, &s->step) < 0)
            return err_set(e, ERR_USAGE, 0, "step \"%s\": expected hour, day, week or month",
                           err_quote(value, strlen(value), shown, sizeof shown));
        return 0;
    }
}

int select_set_year(struct select *s, const char *value, struct err *e)
{
    char from[16], to[16], shown[48];
    size_t n = strlen(value);
    if (n != 4 || strspn(value, "0123456789") != 4)
        return err_set(e, ERR_USAGE, 0, "year \"%s\": expected a year like 2021",
                       err_quote(value, n, shown, sizeof shown));
    snprintf(from, sizeof from, "%s-01-01", value);
    snprintf(to, sizeof to, "%s-12-31", value);
    if (set_day(s, "year", from, 0, e) < 0 || set_day(s, "year", to, 1, e) < 0)
        return -1;
    s->given |= SELECT_FROM | SELECT_TO;
    return 0;
}

int select_set_month(struct select *s, const char *value, struct err *e)
{
    char shown[48];
    size_t n = strlen(value);
    if (n != 7 || value[4] != '-')
        return err_set(e, ERR_USAGE, 0, "month \"%s\": expected YYYY-MM like 2021-01",
                       err_quote(value, n, shown, sizeof shown));
    if (set_day(s, "month", value, 0, e) < 0 || set_day(s, "month", value, 1, e) < 0)
        return -1;
    s->given |= SELECT_FROM | SELECT_TO;
    return 0;
}

int select_finish(struct select *s, int need_range, struct err *e)
{
    if (need_range && (!s->has_from || !s->has_to))
        return err_set(e, ERR_USAGE, 0, "give both from and to (Oslo dates, inclusive)");
    if (s->has_from && s->has_to && s->from >= s->to)
        return err_set(e, ERR_USAGE, 0, "from %s is after to %s", s->from_s, s->to_s);
    return 0;
}

struct store_query select_query(const struct select *s)
{
    struct store_query q = {
        s->ds, s->area[0] ? s->area : NULL, s->ngroups ? s->gp : NULL, s->ngroups, s->from, s->to};
    return q;
}
