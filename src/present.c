/* present: group colours, labels and unit scaling. */
#include "present.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *group;
    const char *color;
    const char *label;
} known[] = {
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

static const char *const fallback[] = {"#393b79", "#637939", "#8c6d31", "#843c39",
                                       "#7b4173", "#3182bd", "#31a354", "#756bb1"};

static int find(const char *group)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
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
    static const struct present_unit energy[] = {
        {"kWh", 1.0}, {"MWh", 1e3}, {"GWh", 1e6}, {"TWh", 1e9}};
    struct present_unit same = {unit, 1.0};
    size_t i = 0;
    if (strcmp(unit, "kWh") != 0)
        return same;
    if (max < 0)
        max = -max;
    while (i + 1 < sizeof energy / sizeof energy[0] && max >= energy[i + 1].divisor)
        i++;
    return energy[i];
}
