/* online: `elhub serve --online`, a point's weather fetched on demand on a
 * thread of its own, one job at a time, rate-limited (online.h). The job is
 * planned (place and months checked) on the request's thread, so a bad
 * request is a 400 at once; only the fetch itself runs on the job thread. */
#include "web/online.h"

#include "caps.h"
#include "dataset.h"
#include "fetch/fetch.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "source/source.h"
#include "store/store.h"
#include "timeutil.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum job_state { JOB_IDLE, JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };

static const char *const state_names[] = {"idle", "running", "running", "done", "failed"};

struct online {
    char *store_uri, *api_url;
    const struct dataset *ds;
    const struct source_ops *src;
    pthread_t thread;
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t wake;
    int quit;
    volatile sig_atomic_t stop; /* read by fetch_run between transfers */

    /* The newest job. w (heap, n windows) is owned here while queued or
     * running. */
    enum job_state state;
    char location[LIMIT_NAME], from[16], to[16];
    struct source_window *w;
    size_t n;
    size_t fetched, skipped, failed, rows;
    char error[ERR_MSG_MAX + 64];

    /* When the jobs of the last hour started (ms), a ring. */
    int64_t started[LIMIT_ONLINE_JOBS_PER_HOUR];
    size_t nstarted;
};

static void run_job(struct online *o, struct source_window *w, size_t n)
{
    struct fetch_opts fo;
    struct fetch_result res;
    struct store *st = NULL;
    struct err e = {0};
    int rc = -1;

    memset(&fo, 0, sizeof fo);
    memset(&res, 0, sizeof res);
    fo.ds = o->ds;
    fo.src = o->src;
    fo.base_url = o->api_url;
    fo.jobs = LIMIT_ONLINE_IN_FLIGHT;
    fo.stop = &o->stop;
    if (store_open(o->store_uri, STORE_WRITE, &st, &e) == 0)
        rc = fetch_run(st, &fo, w, n, &res, &e);
    store_free(st);
    pthread_mutex_lock(&o->lock);
    o->fetched = res.fetched;
    o->skipped = res.skipped;
    o->failed = res.failed;
    o->rows = res.rows;
    o->state = rc == 0 ? JOB_DONE : JOB_FAILED;
    if (rc == 0)
        o->error[0] = '\0';
    else if (res.failed)
        snprintf(o->error, sizeof o->error, "%s (the server log has each month's reason)", e.msg);
    else
        snprintf(o->error, sizeof o->error, "%s", e.msg);
    pthread_mutex_unlock(&o->lock);
    if (rc == 0)
        log_info("online: %s %s..%s: %zu months fetched, %zu already stored, %zu rows", o->location,
                 o->from, o->to, res.fetched, res.skipped, res.rows);
    else
        log_warn("online: %s %s..%s failed: %s", o->location, o->from, o->to, e.msg);
    fetch_result_release(&res);
}

static void *job_main(void *arg)
{
    struct online *o = arg;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        struct source_window *w;
        size_t n;
        while (!o->quit && o->state != JOB_QUEUED)
            pthread_cond_wait(&o->wake, &o->lock);
        if (o->quit)
            break;
        o->state = JOB_RUNNING;
        w = o->w;
        n = o->n;
        pthread_mutex_unlock(&o->lock);
        run_job(o, w, n);
        pthread_mutex_lock(&o->lock);
        free(o->w);
        o->w = NULL;
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

int online_start(const char *store_uri, const char *api_url, struct online **out, struct err *e)
{
    struct online *o = xcalloc(1, sizeof *o);
    int rc;

    *out = NULL;
    o->ds = dataset_find("weather");
    o->src = o->ds ? source_of(o->ds) : NULL;
    if (!o->src) {
        free(o);
        return err_set(e, ERR_USAGE, 0, "--online: this build has no weather source");
    }
    o->store_uri = xstrdup(store_uri);
    o->api_url = api_url ? xstrdup(api_url) : NULL;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->wake, NULL);
    rc = pthread_create(&o->thread, NULL, job_main, o);
    if (rc != 0) {
        pthread_cond_destroy(&o->wake);
        pthread_mutex_destroy(&o->lock);
        free(o->store_uri);
        free(o->api_url);
        free(o);
        return err_set(e, ERR_SYS, rc, "--online: cannot start its thread");
    }
    *out = o;
    return 0;
}

void online_stop(struct online *o)
{
    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->quit = 1;
    o->stop = 1;
    pthread_cond_signal(&o->wake);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->thread, NULL);
    pthread_cond_destroy(&o->wake);
    pthread_mutex_destroy(&o->lock);
    free(o->w);
    free(o->store_uri);
    free(o->api_url);
    free(o);
}

/* Jobs started within the last hour (under lock). */
static size_t jobs_this_hour(const struct online *o, int64_t now)
{
    size_t k = 0;
    for (size_t i = 0; i < o->nstarted; i++)
        k += now - o->started[i] < 3600 * 1000;
    return k;
}

/* The state body (under lock). */
static void put_state(const struct online *o, int64_t now, struct api_response *r)
{
    struct json j;
    buf_reset(&r->body);
    json_init(&j, &r->body);
    json_obj(&j);
    json_kbool(&j, "online", 1);
    json_kstr(&j, "state", state_names[o->state]);
    if (o->state != JOB_IDLE) {
        json_kstr(&j, "location", o->location);
        json_kstr(&j, "from", o->from);
        json_kstr(&j, "to", o->to);
        json_kint(&j, "months", (int64_t)(o->w ? o->n : o->fetched + o->skipped + o->failed));
        json_kint(&j, "fetched", (int64_t)o->fetched);
        json_kint(&j, "skipped", (int64_t)o->skipped);
        json_kint(&j, "failed", (int64_t)o->failed);
        json_kint(&j, "rows", (int64_t)o->rows);
        json_key(&j, "error");
        if (o->error[0])
            json_str(&j, o->error);
        else
            json_null(&j);
    }
    json_kint(&j, "jobs_left", (int64_t)(LIMIT_ONLINE_JOBS_PER_HOUR - jobs_this_hour(o, now)));
    json_obj_end(&j);
    if (json_finish(&j) < 0 || buf_puts(&r->body, "\n") < 0) {
        api_error(r, 500, "internal error", "the state does not fit the response");
        return;
    }
    r->status = 200;
    r->type = "application/json; charset=utf-8";
    r->cacheable = 0;
}

void online_state(struct online *o, struct api_response *r)
{
    if (!o) {
        buf_reset(&r->body);
        if (buf_puts(&r->body, "{\"online\":false}\n") < 0) {
            api_error(r, 500, "internal error", "out of memory");
            return;
        }
        r->status = 200;
        r->type = "application/json; charset=utf-8";
        r->cacheable = 0;
        return;
    }
    pthread_mutex_lock(&o->lock);
    put_state(o, timeutil_now_ms(), r);
    pthread_mutex_unlock(&o->lock);
}

/* Reads the query into the place and the months to fetch: 400 material. */
static int plan_request(const struct online *o, const char *target, size_t len,
                        struct source_place *place, char *from, char *to, struct source_window **w,
                        size_t *n, struct err *e)
{
    static const char *const known[] = {"dataset", "area", "lat", "lon", "from", "to"};
    const char *q = memchr(target, '?', len);
    struct api_query aq;
    const char *ds, *f, *t;

    if (api_query_parse(q ? q + 1 : "", q ? len - (size_t)(q + 1 - target) : 0, &aq, e) < 0)
        return -1;
    for (size_t i = 0; i < aq.n; i++) {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(aq.p[i].name, known[k]) != 0)
            k++;
        if (k == sizeof known / sizeof known[0])
            return err_set(e, ERR_USAGE, 0,
                           "unknown parameter \"%s\" (known: dataset, area or lat and lon, from, "
                           "to)",
                           aq.p[i].name);
    }
    ds = api_query_get(&aq, "dataset");
    if (ds && strcmp(ds, o->ds->name) != 0)
        return err_set(e, ERR_USAGE, 0, "dataset: only %s is fetched on demand", o->ds->name);
    f = api_query_get(&aq, "from");
    t = api_query_get(&aq, "to");
    if (!f || !t)
        return err_set(e, ERR_USAGE, 0, "from and to are required (YYYY-MM or YYYY-MM-DD)");
    if (strlen(f) > 10 || strlen(t) > 10)
        return err_set(e, ERR_USAGE, 0, "from, to: expected YYYY-MM or YYYY-MM-DD");
    if (o->src->place(api_query_get(&aq, "area"), api_query_get(&aq, "lat"),
                      api_query_get(&aq, "lon"), place, e) < 0)
        return -1;
    if (o->src->plan(o->ds, f, t, place, w, n, e) < 0)
        return -1;
    if (*n > LIMIT_ONLINE_MONTHS) {
        free(*w);
        *w = NULL;
        return err_set(e, ERR_USAGE, 0,
                       "from..to covers %zu months; at most %d are fetched on demand (use "
                       "elhub fetch for more)",
                       *n, LIMIT_ONLINE_MONTHS);
    }
    snprintf(from, 16, "%s", f);
    snprintf(to, 16, "%s", t);
    return 0;
}

void online_submit(struct online *o, const char *target, size_t len, struct api_response *r)
{
    struct source_place place;
    struct source_window *w = NULL;
    char from[16], to[16], detail[ERR_MSG_MAX + 64];
    struct err e = {0};
    size_t n = 0;
    int64_t now = timeutil_now_ms();

    if (!o) {
        api_error(r, 403, "forbidden",
                  "this server does not fetch: start it with elhub serve --online, or run the "
                  "elhub fetch command the page shows");
        return;
    }
    if (plan_request(o, target, len, &place, from, to, &w, &n, &e) < 0) {
        api_error(r, 400, "bad request", e.msg);
        return;
    }
    pthread_mutex_lock(&o->lock);
    if (o->state == JOB_QUEUED || o->state == JOB_RUNNING) {
        snprintf(detail, sizeof detail,
                 "a fetch of %s is running; one runs at a time (GET /api/fetch shows it)",
                 o->location);
        pthread_mutex_unlock(&o->lock);
        free(w);
        api_error(r, 429, "too many requests", detail);
        return;
    }
    if (jobs_this_hour(o, now) >= LIMIT_ONLINE_JOBS_PER_HOUR) {
        pthread_mutex_unlock(&o->lock);
        free(w);
        snprintf(detail, sizeof detail,
                 "%d fetches were started in the last hour, the most this server starts; use "
                 "elhub fetch",
                 LIMIT_ONLINE_JOBS_PER_HOUR);
        api_error(r, 429, "too many requests", detail);
        return;
    }
    {
        /* The oldest start leaves the ring. */
        size_t slot = 0;
        if (o->nstarted < LIMIT_ONLINE_JOBS_PER_HOUR)
            slot = o->nstarted++;
        else
            for (size_t i = 1; i < o->nstarted; i++)
                if (o->started[i] < o->started[slot])
                    slot = i;
        o->started[slot] = now;
    }
    o->state = JOB_QUEUED;
    snprintf(o->location, sizeof o->location, "%s", place.key);
    snprintf(o->from, sizeof o->from, "%s", from);
    snprintf(o->to, sizeof o->to, "%s", to);
    o->w = w;
    o->n = n;
    o->fetched = o->skipped = o->failed = o->rows = 0;
    o->error[0] = '\0';
    put_state(o, now, r);
    if (r->status == 200)
        r->status = 202;
    pthread_cond_signal(&o->wake);
    pthread_mutex_unlock(&o->lock);
}
