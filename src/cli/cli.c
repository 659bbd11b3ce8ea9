/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include "chart/analysis.h"

#include "log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "elhub %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'elhub %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_fail(const struct err *e)
{
    log_error("%s", e->msg[0] ? e->msg : "unknown failure");
    return e->domain == ERR_USAGE ? CLI_USAGE : CLI_FAIL;
}

int cli_open_store(const char *uri, enum store_mode mode, struct store **out)
{
    struct err e = {0};
    if (store_open(uri ? uri : store_default_uri(), mode, out, &e) < 0)
        return cli_fail(&e);
    return 0;
}

const struct dataset *cli_dataset(const char *cmd, const char *name)
{
    const struct dataset *ds = dataset_find(name);
    if (!ds) {
        const char *names[16], *near;
        char list[256], shown[80];
        size_t n = 0;
        for (size_t i = 0; i < dataset_count && n < 16; i++)
            names[n++] = dataset_all[i].name;
        near = cli_suggest(name, names, n);
        err_quote(name, strlen(name), shown, sizeof shown);
        if (near)
            cli_usage(cmd, "unknown dataset \"%s\" (did you mean %s?)", shown, near);
        else
            cli_usage(cmd, "unknown dataset \"%s\" (known: %s)", shown,
                      dataset_names(list, sizeof list));
    }
    return ds;
}

void cli_help_store(FILE *out, const char *opt, int col, const char *what, int with_default)
{
    static const char *const kinds[] = {
        "sqlite:PATH (a file; the default kind)",
        "cassandra://[USER:PASS@]HOST[:PORT][,HOST...]/KEYSPACE[?OPTIONS]",
        "mongodb://[USER:PASS@]HOST[:PORT]/DB (or mongodb+srv://...)",
    };
    int pad = col - 2 - (int)strlen(opt);
    fprintf(out, "  %s%*s%s, one of:\n", opt, pad > 1 ? pad : 1, "", what);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        fprintf(out, "%*s%s\n", col + 2, "", kinds[i]);
    if (with_default)
        fprintf(out, "%*sdefault: $ELHUB_STORE, else sqlite:elhub.db\n", col, "");
}

#define EDIT_MAX 64

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t d[EDIT_MAX + 1][EDIT_MAX + 1];
    if (na > EDIT_MAX - 1 || nb > EDIT_MAX - 1)
        return (size_t)-1;
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + (ca != cb) < best)
                best = d[i - 1][j - 1] + (ca != cb);
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[na][nb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
    size_t len = strlen(word), limit = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = (size_t)-1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = cli_edit_distance(word, names[i]);
        if (d < best) {
            best = d;
            pick = names[i];
        }
    }
    return best <= limit && best < len ? pick : NULL;
}

int cli_bad_option(const char *cmd, int c, char **argv, const struct option *longopts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    const char *names[64], *hit = NULL;
    char word[64], shown[80];
    size_t n = 0, len, prefixed = 0;

    for (const struct option *o = longopts; o->name && n < 64; o++)
        names[n++] = o->name;
    if (strncmp(arg, "--", 2) != 0) {
        /* A short option: getopt names it in optopt. */
        if (c == ':')
            return cli_usage(cmd, "option -%c needs a value", optopt);
        return cli_usage(cmd, "unknown option -%c", optopt ? optopt : '?');
    }
    len = strcspn(arg + 2, "=");
    snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), arg + 2);
    err_quote(word, strlen(word), shown, sizeof shown);
    if (c == ':')
        return cli_usage(cmd, "option --%s needs a value", shown);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], word) == 0)
            return cli_usage(cmd, "option --%s takes no value", shown);
        if (strncmp(names[i], word, strlen(word)) == 0) {
            prefixed++;
            hit = names[i];
        }
    }
    if (prefixed > 1) {
        char list[256];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            int k;
            if (strncmp(names[i], word, strlen(word)) != 0)
                continue;
            k = snprintf(list + used, sizeof list - used, "%s--%s", used ? ", " : "", names[i]);
            if (k < 0 || (size_t)k >= sizeof list - used)
                break;
            used += (size_t)k;
        }
        return cli_usage(cmd, "option --%s is ambiguous (%s)", shown, list);
    }
    if (prefixed == 1 && strchr(arg, '='))
        return cli_usage(cmd, "option --%s takes no value", hit);
    hit = cli_suggest(word, names, n);
    if (hit)
        return cli_usage(cmd, "unknown option --%s (did you mean --%s?)", shown, hit);
    return cli_usage(cmd, "unknown option --%s", shown);
}

int cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int cli_output_format(const char *cmd, const char *format, const char *path,
                      const char *const *names, size_t n)
{
    char list[128] = "", suffix[32];
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        if (format) {
            if (strcmp(format, names[i]) == 0)
                return (int)i;
            continue;
        }
        snprintf(suffix, sizeof suffix, ".%s", names[i]);
        if (path && cli_ends_with(path, suffix))
            return (int)i;
    }
    if (!format)
        return 0;
    for (size_t i = 0; i < n && len < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s",
                         i == 0 ? "" : (i + 1 == n ? " or " : ", "), names[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    cli_usage(cmd, "--format must be %s, not \"%s\"", list, format);
    return -1;
}

static const char *const picture_names[] = {"width", "height", "dpi", "theme"};

size_t cli_picture_name(const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    for (size_t k = 0; k < sizeof picture_names / sizeof picture_names[0]; k++) {
        size_t len = strlen(picture_names[k]);
        if (strncmp(arg + 2, picture_names[k], len) == 0 &&
            (arg[2 + len] == '\0' || arg[2 + len] == '='))
            return len;
    }
    return 0;
}

int cli_picture_option(const char *cmd, const char *name, const char *value,
                       struct chart_analysis_opts *pic)
{
    double lo = 10, hi = 2400, v, *field = &pic->dpi;
    char *end;

    if (strcmp(name, "theme") == 0) {
        if (strcmp(value, "light") == 0)
            pic->theme = CHART_THEME_LIGHT;
        else if (strcmp(value, "dark") == 0)
            pic->theme = CHART_THEME_DARK;
        else
            return cli_usage(cmd, "unknown --theme \"%s\": use light or dark", value);
        return 0;
    }
    if (strcmp(name, "width") == 0) {
        field = &pic->width;
        lo = CHART_MIN_WIDTH;
        hi = 10000;
    } else if (strcmp(name, "height") == 0) {
        field = &pic->height;
        lo = CHART_MIN_HEIGHT;
        hi = 10000;
    }
    v = strtod(value, &end);
    if (end == value || *end || !(v >= lo && v <= hi))
        return cli_usage(cmd, "--%s must be a number from %g to %g, not \"%s\"", name, lo, hi,
                         value);
    *field = v;
    return 0;
}
