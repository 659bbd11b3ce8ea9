/* elhub/window: calendar-month request windows on the Oslo calendar and
 * their URLs; the boundary reasoning is in window.h. */
#include "elhub/window.h"

#include "elhub/names.h"
#include "source/source.h"

#include "caps.h"
#include "mem.h"

#include <stdio.h>
#include <string.h>

int elhub_window_split(const char *from, const char *to, struct elhub_window **out, size_t *n,
                       struct err *e)
{
    struct source_window *sw;
    struct elhub_window *w;
    size_t k;

    *out = NULL;
    *n = 0;
    /* The one month planner of every source (parsing, bounds, keys). */
    if (source_plan_months(from, to, "", NULL, &sw, &k, e) < 0)
        return -1;
    w = xcalloc(k ? k : 1, sizeof *w);
    for (size_t i = 0; i < k; i++) {
        struct elhub_window *x = &w[i];
        int ly = 0, lm = 0;
        x->start = sw[i].start;
        x->end = sw[i].end;
        snprintf(x->key, sizeof x->key, "%s", sw[i].key);
        x->full = sw[i].outer_key[0] == '\0';
        if (x->full) {
            sscanf(sw[i].key, "%d-%d", &x->year, &x->month);
            x->first_day = 1;
            x->last_day = timeutil_days_in_month(x->year, x->month);
        } else {
            sscanf(sw[i].key, "%d-%d-%d..%d-%d-%d", &x->year, &x->month, &x->first_day, &ly, &lm,
                   &x->last_day);
        }
        snprintf(x->month_key, sizeof x->month_key, "%04d-%02d", x->year, x->month);
    }
    free(sw);
    *out = w;
    *n = k;
    return 0;
}

/* The startDate and endDate of [start, end). */
static void range_dates(int64_t start, int64_t end, char *start_s, char *end_s)
{
    timeutil_format_oslo(start, start_s);
    /* The last hour of the last day starts one hour before the next
     * midnight, whatever the DST state (transitions happen at 02:00-03:00). */
    timeutil_format_oslo(end - 3600, end_s);
}

void elhub_window_dates(const struct elhub_window *w, char *start, char *end)
{
    range_dates(w->start, w->end, start, end);
}

int elhub_window_request_hours(const struct elhub_window *w)
{
    return (int)((w->end - 3600 - w->start) / 3600);
}

static int put_encoded(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~:", c)) {
            if (buf_append(out, s, 1) < 0)
                return -1;
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (buf_append(out, esc, 3) < 0)
                return -1;
        }
    }
    return 0;
}

int elhub_window_url(const char *api_url, const struct dataset *ds, const struct elhub_window *w,
                     struct buf *out, struct err *e)
{
    return elhub_window_url_range(api_url, ds, w->start, w->end, out, e);
}

int elhub_window_url_range(const char *api_url, const struct dataset *ds, int64_t from, int64_t to,
                           struct buf *out, struct err *e)
{
    char start[TIMEUTIL_ISO_LEN], end[TIMEUTIL_ISO_LEN];
    size_t len = strlen(api_url);
    const struct elhub_names *names = elhub_names(ds);

    if (strncmp(api_url, "http://", 7) != 0 && strncmp(api_url, "https://", 8) != 0)
        return err_set(e, ERR_USAGE, 0, "--api-url \"%.200s\" must start with http:// or https://",
                       api_url);
    while (len > 0 && api_url[len - 1] == '/')
        len--;
    if (!names)
        return err_set(e, ERR_USAGE, 0, "the dataset %s is not served by the Elhub API", ds->name);
    range_dates(from, to, start, end);
    if (buf_append(out, api_url, len) < 0 || buf_puts(out, "/price-areas?dataset=") < 0 ||
        put_encoded(out, names->api_name) < 0 || buf_puts(out, "&startDate=") < 0 ||
        put_encoded(out, start) < 0 || buf_puts(out, "&endDate=") < 0 || put_encoded(out, end) < 0)
        return err_set(e, ERR_USAGE, 0, "request URL longer than %zu bytes", out->max);
    return 0;
}
