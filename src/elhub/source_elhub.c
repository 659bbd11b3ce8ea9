/* elhub/source_elhub: the Elhub Energy Data API as a source (source.h):
 * calendar-month windows and their URLs (elhub/window), the streaming
 * decoder of its JSON:API bodies and of saved record arrays (elhub/parse),
 * the check that a record lies in the month asked for, its JSON:API error
 * bodies, and the dataset of a saved file from the Elhub keys in it
 * (elhub/names). Wire format: docs/ELHUB-API.md. */
#include "source/source.h"

#include "elhub/names.h"
#include "elhub/parse.h"
#include "elhub/window.h"

#include "mem.h"
#include "text.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tells the API's operators who is calling (the API refuses requests
 * without a User-Agent). The project has no public home page yet; when it
 * gets one, add it here as "(+URL)". */
#define ELHUB_USER_AGENT "elhub/" ELHUB_VERSION " (open-data client in C)"

static int plan(const struct dataset *ds, const char *from, const char *to,
                const struct source_place *place, struct source_window **out, size_t *n,
                struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!elhub_names(ds))
        return err_set(e, ERR_USAGE, 0, "the dataset %s is not served by the Elhub API", ds->name);
    if (place && place->key[0])
        return err_set(e, ERR_USAGE, 0,
                       "the Elhub API answers every price area at once: --area, --lat and --lon "
                       "are for the weather dataset");
    /* Months on the Oslo calendar; a partial month is stored if its
     * whole month is (outer_key). */
    return source_plan_months(from, to, "", NULL, out, n, e);
}

static int url(const char *base_url, const struct dataset *ds, const struct source_window *w,
               struct buf *out, struct err *e)
{
    return elhub_window_url_range(base_url, ds, w->start, w->end, out, e);
}

static void *decoder_new(const struct dataset *ds, const struct source_opts *o, source_record_fn fn,
                         void *ctx)
{
    (void)o; /* Elhub bodies and files say everything themselves */
    if (!elhub_names(ds))
        return NULL;
    return elhub_parser_new(ds, fn, ctx);
}

static int decoder_feed(void *d, const char *chunk, size_t n, struct err *e)
{
    return elhub_parser_feed(d, chunk, n, e);
}

static int decoder_finish(void *d, struct err *e)
{
    return elhub_parser_finish(d, NULL, e);
}

static void decoder_free(void *d)
{
    elhub_parser_free(d);
}

/* The API silently ignores parameters it does not know and then serves its
 * default window (the last ~30 days): a record outside the month asked for
 * is the sign of it. */
static int check(const struct dataset *ds, const struct source_window *w, const struct record *r,
                 struct err *e)
{
    char at[TIMEUTIL_ISO_LEN];
    (void)ds;
    if (r->start >= w->start && r->start < w->end)
        return 0;
    timeutil_format_oslo(r->start, at);
    return err_set(e, ERR_DATA, 0,
                   "the server sent a record for %s (%s %s) outside the requested %s; it may have "
                   "ignored the date parameters (check --api-url)",
                   at, r->area, r->group, w->key);
}

/* The dataset whose record list key ("productionPerGroupMbaHour") or group
 * key ("productionGroup") appears first in the prefix: a response names its
 * list before any record, a saved array names the group in every record. */
static const struct dataset *sniff(const char *p, size_t n)
{
    const struct dataset *best = NULL;
    const char *best_at = NULL;
    char key[64];
    for (size_t i = 0; i < elhub_names_count; i++) {
        const char *names[2] = {elhub_names_all[i].json_list, elhub_names_all[i].json_group};
        for (int j = 0; j < 2; j++) {
            const char *at;
            snprintf(key, sizeof key, "\"%s\"", names[j]);
            at = text_find(p, n, key);
            if (at && (!best_at || at < best_at)) {
                best_at = at;
                best = dataset_find(elhub_names_all[i].dataset);
            }
        }
    }
    return best;
}

const struct source_ops source_elhub_ops = {
    .name = "elhub",
    .title = "the Elhub Energy Data API",
    .default_url = "https://api.elhub.no/energy-data/v0",
    .user_agent = ELHUB_USER_AGENT,
    /* Elhub revises published values for about two weeks. */
    .revision_days = 14,
    .window_one = "month",
    .window_many = "months",
    .plan = plan,
    .url = url,
    .decoder_new = decoder_new,
    .decoder_feed = decoder_feed,
    .decoder_finish = decoder_finish,
    .decoder_free = decoder_free,
    .check = check,
    .error_message = elhub_parse_api_error,
    .sniff = sniff,
};
