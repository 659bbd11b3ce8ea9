/* present: group order, colours and labels, unit ladders, the data's
 * precision and the number formats; see present.h. */
#include "present.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The one fixed order (present.h): production, then consumption. */
static const struct present_group known[] = {
    /* Production: water blue, wind teal, sun amber, thermal red. */
    {"hydro", "#1f77b4", "Hydro"},
    {"wind", "#17becf", "Wind"},
    {"solar", "#f2b701", "Solar"},
    {"thermal", "#d62728", "Thermal"},
    {"other", "#7f7f7f", "Other"},
    {"*", "#8c564b", "Unspecified (*)"},
    /* Consumption. */
    {"household", "#2ca02c", "Household"},
    {"cabin", "#9467bd", "Cabin"},
    {"primary", "#e377c2", "Primary"},
    {"secondary", "#ff7f0e", "Secondary"},
    {"tertiary", "#bcbd22", "Tertiary"},
};
#define NKNOWN (sizeof known / sizeof known[0])

static const char *const fallback[] = {"#393b79", "#637939", "#8c6d31", "#843c39",
                                       "#7b4173", "#3182bd", "#31a354", "#756bb1"};

static const struct present_unit energy[] = {
    {"kWh", 1.0}, {"MWh", 1e3}, {"GWh", 1e6}, {"TWh", 1e9}};
static const struct present_unit power[] = {{"kW", 1.0}, {"MW", 1e3}, {"GW", 1e6}, {"TW", 1e9}};

static int find(const char *group)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (strcmp(known[i].group, group) == 0)
            return (int)i;
    return -1;
}

const char *present_group_color(const char *group)
{
    unsigned h = 5381;
    int i = find(group);
    if (i >= 0)
        return known[i].color;
    for (const char *p = group; *p; p++)
        h = h * 33u + (unsigned char)*p;
    return fallback[h % (sizeof fallback / sizeof fallback[0])];
}

void present_group_rgb(const char *group, double *r, double *g, double *b)
{
    unsigned v = 0;
    sscanf(present_group_color(group) + 1, "%6x", &v);
    *r = (double)((v >> 16) & 0xff) / 255.0;
    *g = (double)((v >> 8) & 0xff) / 255.0;
    *b = (double)(v & 0xff) / 255.0;
}

const char *present_group_label(const char *group, char *buf, size_t n)
{
    int i = find(group);
    if (i >= 0)
        return known[i].label;
    snprintf(buf, n, "%s", group);
    if (n && buf[0])
        buf[0] = (char)toupper((unsigned char)buf[0]);
    return buf;
}

struct present_unit present_unit_for(const char *unit, double max)
{
    return present_unit_pick(unit, PRESENT_ENERGY, max);
}

/* ---- order -------------------------------------------------------------- */

size_t present_known_count(void)
{
    return NKNOWN;
}

const struct present_group *present_known(size_t i)
{
    return i < NKNOWN ? &known[i] : NULL;
}

size_t present_group_rank(const char *group)
{
    int i = find(group);
    return i < 0 ? NKNOWN : (size_t)i;
}

int present_group_cmp(const char *a, const char *b)
{
    size_t ra = present_group_rank(a), rb = present_group_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a, b);
}

/* ---- units -------------------------------------------------------------- */

enum present_measure present_measure_of(enum timeutil_step step)
{
    return step == TIMEUTIL_HOUR ? PRESENT_POWER : PRESENT_ENERGY;
}

size_t present_ladder(const char *unit, enum present_measure m, const struct present_unit **out)
{
    if (strcmp(unit, "kWh") == 0) {
        *out = m == PRESENT_POWER ? power : energy;
        return sizeof energy / sizeof energy[0];
    }
    *out = NULL;
    return 1;
}

struct present_unit present_unit_pick(const char *unit, enum present_measure m, double max)
{
    const struct present_unit *l;
    size_t n = present_ladder(unit, m, &l), i = 0;
    struct present_unit same = {unit, 1.0};
    if (!l)
        return same;
    max = fabs(max);
    while (i + 1 < n && max >= l[i + 1].divisor)
        i++;
    return l[i];
}

/* ---- numbers ------------------------------------------------------------ */

double present_round(double v)
{
    return dataset_round_to(v, PRESENT_DECIMALS);
}

/* The decimals that show |v| (already in its unit) with 4 significant
 * digits, at most max_dec. */
static int decimals_for(double v, int max_dec)
{
    double a = fabs(v);
    int d = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
    if (a < 1 && a > 0)
        d = 3 - (int)floor(log10(a)); /* 0.0123 -> 0.01230 */
    return d < max_dec ? d : max_dec;
}

/* The most decimals a value in u may carry: the data's 3 decimals of the
 * base unit, shifted by the rung's power of ten. */
static int max_decimals(struct present_unit u)
{
    int k = (int)lround(log10(u.divisor));
    return PRESENT_DECIMALS + (k > 0 ? k : 0);
}

/* Inserts thousands separators into the digits of s (a plain "%.*f"
 * number) while copying it to out. */
static int separate(const char *s, char *out, size_t n)
{
    const char *p = s, *dot;
    size_t used = 0, int_len;
    char tmp[64];
    if (*p == '-')
        tmp[used++] = *p++;
    dot = strchr(p, '.');
    int_len = dot ? (size_t)(dot - p) : strlen(p);
    for (size_t i = 0; i < int_len && used < sizeof tmp - 2; i++) {
        if (i && (int_len - i) % 3 == 0)
            tmp[used++] = ',';
        tmp[used++] = p[i];
    }
    for (const char *q = p + int_len; *q && used < sizeof tmp - 1; q++)
        tmp[used++] = *q;
    tmp[used] = '\0';
    return snprintf(out, n, "%s", tmp);
}

int present_format_in(double v, struct present_unit u, int decimals, char *out, size_t n)
{
    char raw[48];
    double x = present_round(v) / u.divisor;
    if (decimals > max_decimals(u))
        decimals = max_decimals(u);
    if (decimals < 0)
        decimals = 0;
    /* No "-0.000" for a value that rounds to zero. */
    if (fabs(x) < 0.5 * pow(10, -decimals))
        x = 0;
    if (!isfinite(x) || fabs(x) >= 1e18)
        return snprintf(out, n, "%g", x);
    snprintf(raw, sizeof raw, "%.*f", decimals, x);
    return separate(raw, out, n);
}

int present_format_value(double v, const char *unit, enum present_measure m, char *out, size_t n)
{
    double r = present_round(v);
    struct present_unit u = present_unit_pick(unit, m, r);
    char num[48];
    present_format_in(r, u, decimals_for(r / u.divisor, max_decimals(u)), num, sizeof num);
    return snprintf(out, n, "%s %s", num, u.name);
}

int present_format_count(long long v, char *out, size_t n)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", v);
    return separate(raw, out, n);
}

int present_format_share(double share, char *out, size_t n)
{
    double pct = share * 100;
    if (!(pct > 0))
        return snprintf(out, n, "0 %%");
    if (pct < 0.01)
        return snprintf(out, n, "<0.01 %%");
    if (pct < 1)
        return snprintf(out, n, "%.2f %%", pct);
    if (pct >= 99.95 && pct < 100)
        return snprintf(out, n, ">99.9 %%");
    if (pct >= 100)
        return snprintf(out, n, "100 %%");
    return snprintf(out, n, "%.1f %%", pct);
}

/* d with no decimals when it is whole to a tenth, else one. */
static int days_text(double d, char *out, size_t n)
{
    if (fabs(d - round(d)) < 0.05)
        return snprintf(out, n, "%.0f", round(d));
    return snprintf(out, n, "%.1f", d);
}

int present_format_coverage(int64_t hours, int64_t period_hours, int period_days, char *out,
                            size_t n)
{
    char a[32], b[32];
    if (period_hours <= 0)
        return snprintf(out, n, "%lld hours", (long long)hours);
    if (period_hours < 48) {
        present_format_count(period_hours, b, sizeof b);
        if (hours >= period_hours)
            return snprintf(out, n, "all %s hours", b);
        present_format_count(hours, a, sizeof a);
        return snprintf(out, n, "%s of %s hours", a, b);
    }
    present_format_count(period_days, b, sizeof b);
    if (hours >= period_hours)
        return snprintf(out, n, "all %s days", b);
    if (hours < 24) {
        present_format_count(hours, a, sizeof a);
        return snprintf(out, n, "%s %s of %s days", a, hours == 1 ? "hour" : "hours", b);
    }
    /* Hours scaled to calendar days, so 744 hours of a 365-day year read 31
     * days and the 25-hour day does not make a month 31.04 days. */
    days_text((double)hours * period_days / (double)period_hours, a, sizeof a);
    return snprintf(out, n, "%s of %s days", a, b);
}

/* ---- marks -------------------------------------------------------------- */

const char *present_missing_color(int dark)
{
    return dark ? "#4a3434" : "#f6dede";
}
