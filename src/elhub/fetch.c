/* elhub/fetch: the API client. One job per month window; a libcurl multi
 * handle runs up to --jobs of them at once, each body is fed to the
 * streaming parser as it arrives, and a finished job is retried, given up on,
 * or handed to the writer thread. The writer owns the store for the run and
 * stores one month per store_write, so parsing the next months overlaps with
 * SQLite's work on two cores. Only the calling thread logs. */
#include "elhub/fetch.h"
#include "timeutil.h"

#include "buf.h"
#include "elhub/parse.h"
#include "caps.h"
#include "log.h"
#include "mem.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum job_state { J_PENDING, J_RUNNING, J_WRITING, J_DONE, J_FAILED, J_SKIPPED };

/* Why a transfer stopped early, decided in the callbacks. */
enum job_abort { A_NONE, A_TOO_BIG, A_PARSE, A_OUTSIDE, A_TOO_MANY_ROWS };

struct job {
    const struct elhub_window *w;
    enum job_state state;
    int attempt;          /* attempts started */
    int64_t not_before;   /* monotonic ms before which it must not start */
    const char *done_key; /* NULL for windows the API may still revise */

    CURL *easy;
    struct buf url;
    long status;
    size_t body_bytes;
    struct buf errbody; /* the body of a non-200 answer, capped */
    struct elhub_parser *parser;
    enum job_abort abort;
    struct err perr; /* the parser's or the window check's message */
    struct record *rows;
    size_t nrows, cap;

    char last_error[ERR_MSG_MAX];
    struct err werr; /* the writer's result */
    int wrc;
    struct job *wnext; /* in the writer's queue or its done list */
};

/* The hand-off to the writer thread: jobs to store, jobs stored. */
struct writer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *todo, *todo_tail, *done;
    int stop;
    size_t busy; /* jobs handed over and not yet collected */
    struct store *store;
    const struct dataset *ds;
    CURLM *multi; /* woken when a job is stored */
};

struct fetch {
    const struct elhub_fetch_opts *o;
    struct store *store;
    CURLM *multi;
    struct job *jobs;
    size_t njobs;
    int running;
    uint64_t rng;
    int64_t t0;
    struct elhub_fetch_result *res;
    long retry_base_ms, timeout_s, low_speed_s;
    int max_attempts;
    int64_t last_draw;
    int line_drawn;
    struct writer wr;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double next_rand(struct fetch *f)
{
    /* xorshift64*: jitter needs spread, not cryptographic quality. */
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return (double)((f->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static long env_long(const char *name, long dflt, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long x;
    if (!v || !*v)
        return dflt;
    x = strtol(v, &end, 10);
    if (*end || x < min || x > max) {
        log_warn("ignoring %s=%s (expected %ld..%ld)", name, v, min, max);
        return dflt;
    }
    return x;
}

long elhub_fetch_backoff_ms(int attempt, long base_ms, double rnd, long retry_after_ms)
{
    double d = (double)base_ms;
    for (int i = 2; i < attempt && d < (double)ELHUB_RETRY_CAP_MS; i++)
        d *= 2;
    if (d > (double)ELHUB_RETRY_CAP_MS)
        d = (double)ELHUB_RETRY_CAP_MS;
    d *= 0.5 + rnd / 2; /* "equal jitter": spreads retries, keeps half the wait */
    if (retry_after_ms >= 0 && d < (double)retry_after_ms)
        d = (double)retry_after_ms;
    return (long)d;
}

/* ---- progress ---------------------------------------------------------- */

static void clear_line(struct fetch *f)
{
    if (f->line_drawn) {
        fputs("\r\033[K", stderr);
        f->line_drawn = 0;
    }
}

static void draw_progress(struct fetch *f, int force)
{
    int64_t t = now_ms();
    size_t done, total;
    double secs, rate, eta;
    if (!f->o->progress || log_get_level() == LOG_QUIET || (!force && t - f->last_draw < 200))
        return;
    f->last_draw = t;
    done = f->res->fetched + f->res->failed;
    total = f->res->windows - f->res->skipped;
    secs = (double)(t - f->t0) / 1000.0;
    rate = secs > 0 ? (double)f->res->rows / secs : 0;
    eta = done > 0 ? secs * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\r\033[Kfetch %s: %zu/%zu months, %zu rows, %.0f rows/s", f->o->ds->name, done,
            total, f->res->rows, rate);
    if (done > 0 && done < total)
        fprintf(stderr, ", ETA %.0f s", eta);
    if (f->res->failed)
        fprintf(stderr, ", %zu failed", f->res->failed);
    fflush(stderr);
    f->line_drawn = 1;
}

/* ---- one transfer ------------------------------------------------------ */

static int on_record(const struct record *r, void *ctx)
{
    struct job *j = ctx;
    if (r->start < j->w->start || r->start >= j->w->end) {
        char at[TIMEUTIL_ISO_LEN];
        timeutil_format_oslo(r->start, at);
        j->abort = A_OUTSIDE;
        err_set(&j->perr, ERR_DATA, 0,
                "the server sent a record for %s (%s %s) outside the requested %s; it may have "
                "ignored the date parameters (check --api-url)",
                at, r->area, r->group, j->w->key);
        return 1;
    }
    if (j->nrows >= LIMIT_BATCH_ROWS) {
        j->abort = A_TOO_MANY_ROWS;
        err_set(&j->perr, ERR_DATA, 0, "more than %u records in one month", LIMIT_BATCH_ROWS);
        return 1;
    }
    xgrow((void **)&j->rows, &j->cap, j->nrows + 1, sizeof *j->rows);
    j->rows[j->nrows++] = *r;
    return 0;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct job *j = ud;
    size_t n = size * nmemb;
    struct err pe;

    if (j->status == 0)
        curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &j->status);
    if (n > LIMIT_API_BODY - j->body_bytes) {
        j->abort = A_TOO_BIG;
        return 0;
    }
    j->body_bytes += n;
    if (j->status != 200) {
        size_t room = j->errbody.max - j->errbody.len;
        buf_append(&j->errbody, ptr, n < room ? n : room);
        return n;
    }
    if (elhub_parser_feed(j->parser, ptr, n, &pe) < 0) {
        if (j->abort == A_NONE) { /* else on_record left its own message */
            j->abort = A_PARSE;
            j->perr = pe;
        }
        return 0;
    }
    return n;
}

static void job_reset(struct job *j)
{
    elhub_parser_free(j->parser);
    j->parser = NULL;
    j->status = 0;
    j->body_bytes = 0;
    j->abort = A_NONE;
    err_clear(&j->perr);
    buf_reset(&j->errbody);
    j->nrows = 0;
}

static int job_start(struct fetch *f, struct job *j, struct err *e)
{
    j->attempt++;
    job_reset(j);
    j->parser = elhub_parser_new(f->o->ds, on_record, j);
    if (!j->easy) {
        j->easy = curl_easy_init();
        if (!j->easy)
            return err_set(e, ERR_CURL, 0, "curl_easy_init failed");
    }
    curl_easy_reset(j->easy);
    curl_easy_setopt(j->easy, CURLOPT_URL, j->url.p);
    curl_easy_setopt(j->easy, CURLOPT_USERAGENT, ELHUB_USER_AGENT);
    curl_easy_setopt(j->easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(j->easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(j->easy, CURLOPT_TIMEOUT, f->timeout_s);
    /* A connection that stalls (under 1 byte/s for low_speed_s) is dropped
     * long before the overall timeout. */
    curl_easy_setopt(j->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(j->easy, CURLOPT_LOW_SPEED_TIME, f->low_speed_s);
    curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
    if (curl_multi_add_handle(f->multi, j->easy) != CURLM_OK)
        return err_set(e, ERR_CURL, 0, "curl_multi_add_handle failed");
    j->state = J_RUNNING;
    f->running++;
    log_debug("%s: GET %s (attempt %d)", j->w->key, j->url.p, j->attempt);
    return 0;
}

static void give_up(struct fetch *f, struct job *j, const char *why)
{
    j->state = J_FAILED;
    f->res->failed++;
    clear_line(f);
    if (j->attempt > 1)
        log_error("%s: %s (gave up after %d attempts)", j->w->key, why, j->attempt);
    else
        log_error("%s: %s", j->w->key, why);
    snprintf(j->last_error, sizeof j->last_error, "%s", why);
}

static void retry(struct fetch *f, struct job *j, const char *why, long retry_after_ms)
{
    long delay;
    if (j->attempt >= f->max_attempts) {
        give_up(f, j, why);
        return;
    }
    delay = elhub_fetch_backoff_ms(j->attempt + 1, f->retry_base_ms, next_rand(f), retry_after_ms);
    j->state = J_PENDING;
    j->not_before = now_ms() + delay;
    f->res->retries++;
    clear_line(f);
    log_warn("%s: %s; retrying in %.1f s (attempt %d of %d)", j->w->key, why,
             (double)delay / 1000.0, j->attempt + 1, f->max_attempts);
}

static int is_transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
        return 1;
    default:
        return 0;
    }
}

/* Key order of the stores, (area, start, group): inserting in it makes
 * B-tree inserts near-sequential (SQLite's cost per row drops by a third). */

/* ---- the writer thread --------------------------------------------------- */

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct job *j;
        while (!w->todo && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->todo)
            break;
        j = w->todo;
        w->todo = j->wnext;
        if (!w->todo)
            w->todo_tail = NULL;
        pthread_mutex_unlock(&w->mu);
        err_clear(&j->werr);
        j->wrc = store_write(w->store, w->ds, j->rows, j->nrows, j->done_key, &j->werr);
        pthread_mutex_lock(&w->mu);
        j->wnext = w->done;
        w->done = j;
        curl_multi_wakeup(w->multi);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void writer_push(struct writer *w, struct job *j)
{
    pthread_mutex_lock(&w->mu);
    j->wnext = NULL;
    if (w->todo_tail)
        w->todo_tail->wnext = j;
    else
        w->todo = j;
    w->todo_tail = j;
    w->busy++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Takes the list of jobs the writer has finished (newest first). */
static struct job *writer_collect(struct writer *w)
{
    struct job *d;
    pthread_mutex_lock(&w->mu);
    d = w->done;
    w->done = NULL;
    pthread_mutex_unlock(&w->mu);
    return d;
}

/* A month came back from the writer: count it or give up on it. */
static void job_stored(struct fetch *f, struct job *j)
{
    f->wr.busy--;
    if (j->wrc < 0) {
        char why[ERR_MSG_MAX + 64];
        snprintf(why, sizeof why, "could not store %zu rows: %s", j->nrows, j->werr.msg);
        give_up(f, j, why);
    } else {
        j->state = J_DONE;
        f->res->fetched++;
        f->res->rows += j->nrows;
        if (!f->o->progress) {
            log_info("%s: %zu rows%s", j->w->key, j->nrows,
                     j->done_key ? "" : " (recent: will be re-fetched next time)");
        } else {
            clear_line(f);
            log_debug("%s: %zu rows", j->w->key, j->nrows);
        }
    }
    free(j->rows);
    j->rows = NULL;
    j->nrows = j->cap = 0;
}

/* A transfer ended: store it, retry it, or give up on it. */
static void job_finish(struct fetch *f, struct job *j, CURLcode rc)
{
    char why[ERR_MSG_MAX + 64];
    curl_off_t retry_after = -1;
    struct elhub_parse_stats st;

    curl_multi_remove_handle(f->multi, j->easy);
    f->running--;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &j->status);

    if (j->abort == A_OUTSIDE || j->abort == A_TOO_MANY_ROWS) {
        give_up(f, j, j->perr.msg);
        goto out;
    }
    if (j->abort == A_TOO_BIG) {
        snprintf(why, sizeof why, "response larger than %u bytes", LIMIT_API_BODY);
        give_up(f, j, why);
        goto out;
    }
    if (j->abort == A_PARSE) {
        snprintf(why, sizeof why, "invalid response body: %s", j->perr.msg);
        retry(f, j, why, -1);
        goto out;
    }
    if (rc != CURLE_OK) {
        snprintf(why, sizeof why, "%s", curl_easy_strerror(rc));
        if (is_transient(rc))
            retry(f, j, why, -1);
        else
            give_up(f, j, why);
        goto out;
    }
    if (j->status != 200) {
        char detail[300] = "";
        int n = snprintf(why, sizeof why, "HTTP %ld", j->status);
        if (elhub_parse_api_error(j->errbody.p ? j->errbody.p : "", j->errbody.len, detail,
                                  sizeof detail) == 0 &&
            n > 0)
            snprintf(why + n, sizeof why - (size_t)n, ": %s", detail);
        curl_easy_getinfo(j->easy, CURLINFO_RETRY_AFTER, &retry_after);
        if (j->status == 429 || j->status >= 500) {
            if (retry_after > LIMIT_RETRY_AFTER_S) {
                n = (int)strlen(why);
                snprintf(why + n, sizeof why - (size_t)n,
                         " (Retry-After %" CURL_FORMAT_CURL_OFF_T " s is too long)", retry_after);
                give_up(f, j, why);
            } else {
                retry(f, j, why, retry_after > 0 ? (long)retry_after * 1000 : -1);
            }
        } else {
            give_up(f, j, why);
        }
        goto out;
    }
    if (elhub_parser_finish(j->parser, &st, &j->perr) < 0) {
        snprintf(why, sizeof why, "invalid response body: %s", j->perr.msg);
        retry(f, j, why, -1);
        goto out;
    }
    /* The rows now belong to the writer until job_stored. */
    j->state = J_WRITING;
    elhub_parser_free(j->parser);
    j->parser = NULL;
    writer_push(&f->wr, j);
    return;
out:
    /* A job keeps no rows or parser between attempts. */
    elhub_parser_free(j->parser);
    j->parser = NULL;
    free(j->rows);
    j->rows = NULL;
    j->nrows = j->cap = 0;
}

/* ---- the run ----------------------------------------------------------- */

static int plan(struct fetch *f, const struct elhub_window *w, size_t n, struct err *e)
{
    const char *api = f->o->api_url ? f->o->api_url : ELHUB_FETCH_DEFAULT_URL;
    time_t now = time(NULL);

    f->jobs = xcalloc(n ? n : 1, sizeof *f->jobs);
    f->njobs = n;
    for (size_t i = 0; i < n; i++) {
        struct job *j = &f->jobs[i];
        int done = 0;
        j->w = &w[i];
        buf_init(&j->url, LIMIT_URL);
        buf_init(&j->errbody, LIMIT_API_ERROR_BODY);
        if (elhub_window_url(api, f->o->ds, &w[i], &j->url, e) < 0)
            return -1;
        j->done_key = w[i].end > (int64_t)now - ELHUB_REVISION_DAYS * 86400 ? NULL : w[i].key;
        if (!f->o->refresh) {
            if (store_is_done(f->store, f->o->ds, w[i].month_key, &done, e) < 0)
                return -1;
            if (!done && !w[i].full && store_is_done(f->store, f->o->ds, w[i].key, &done, e) < 0)
                return -1;
        }
        if (done) {
            j->state = J_SKIPPED;
            f->res->skipped++;
            log_debug("%s: already stored, skipped (--refresh fetches it again)", w[i].key);
        }
    }
    return 0;
}

/* The next job allowed to start now, or NULL; *wait_ms gets the time until
 * the earliest pending one becomes ready (-1 if none is pending). */
static struct job *next_ready(struct fetch *f, int64_t now, long *wait_ms)
{
    *wait_ms = -1;
    for (size_t i = 0; i < f->njobs; i++) {
        struct job *j = &f->jobs[i];
        if (j->state != J_PENDING)
            continue;
        if (j->not_before <= now)
            return j;
        if (*wait_ms < 0 || j->not_before - now < *wait_ms)
            *wait_ms = (long)(j->not_before - now);
    }
    return NULL;
}

static int run_loop(struct fetch *f, struct err *e)
{
    for (;;) {
        struct job *j;
        long wait_ms;
        int still = 0, left = 0;
        CURLMsg *msg;

        for (j = writer_collect(&f->wr); j;) {
            struct job *next = j->wnext;
            job_stored(f, j);
            j = next;
        }
        /* Months parsed but not yet stored count against --jobs too, which
         * bounds the rows held in memory when the store is the slower side. */
        while (f->running + (int)f->wr.busy < f->o->jobs + 1 && f->running < f->o->jobs &&
               (j = next_ready(f, now_ms(), &wait_ms)) != NULL)
            if (job_start(f, j, e) < 0)
                return -1;
        next_ready(f, now_ms(), &wait_ms);
        if (f->running == 0 && wait_ms < 0 && f->wr.busy == 0)
            return 0;
        if (curl_multi_perform(f->multi, &still) != CURLM_OK)
            return err_set(e, ERR_CURL, 0, "curl_multi_perform failed");
        while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            job_finish(f, j, msg->data.result);
        }
        draw_progress(f, 0);
        if (f->running > 0 || wait_ms > 0 || f->wr.busy > 0) {
            int timeout = 200;
            if (wait_ms >= 0 && wait_ms < timeout)
                timeout = (int)wait_ms;
            if (curl_multi_poll(f->multi, NULL, 0, timeout, NULL) != CURLM_OK)
                return err_set(e, ERR_CURL, 0, "curl_multi_poll failed");
        }
    }
}

int elhub_fetch_run(struct store *s, const struct elhub_fetch_opts *o, const struct elhub_window *w,
                    size_t n, struct elhub_fetch_result *res, struct err *e)
{
    struct fetch f;
    int rc = -1, loop_rc = -1;

    memset(res, 0, sizeof *res);
    memset(&f, 0, sizeof f);
    res->windows = n;
    if (o->jobs < 1 || o->jobs > LIMIT_FETCH_JOBS)
        return err_set(e, ERR_USAGE, 0, "--jobs %d: expected 1..%d", o->jobs, LIMIT_FETCH_JOBS);
    f.o = o;
    f.store = s;
    f.res = res;
    f.t0 = now_ms();
    f.rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
    f.max_attempts = o->max_attempts > 0 ? o->max_attempts : 6;
    f.retry_base_ms =
        o->retry_base_ms > 0 ? o->retry_base_ms : env_long("ELHUB_RETRY_BASE_MS", 1000, 0, 600000);
    f.timeout_s = o->timeout_s > 0 ? o->timeout_s : env_long("ELHUB_TIMEOUT_S", 300, 1, 86400);
    f.low_speed_s = f.timeout_s < 30 ? f.timeout_s : 30;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_CURL, 0, "curl_global_init failed");
    f.multi = curl_multi_init();
    if (!f.multi) {
        err_set(e, ERR_CURL, 0, "curl_multi_init failed");
        goto out;
    }
    if (plan(&f, w, n, e) < 0)
        goto out;
    if (res->skipped == n && n > 0)
        log_info("all %zu months already stored (use --refresh to fetch them again)", n);
    f.wr.store = s;
    f.wr.ds = o->ds;
    f.wr.multi = f.multi;
    pthread_mutex_init(&f.wr.mu, NULL);
    pthread_cond_init(&f.wr.cv, NULL);
    if (pthread_create(&f.wr.thread, NULL, writer_main, &f.wr) != 0) {
        err_set(e, ERR_SYS, 0, "cannot start the writer thread");
        goto out_sync;
    }
    loop_rc = run_loop(&f, e);
    /* Stop the writer; on a loop failure it finishes what it holds first. */
    pthread_mutex_lock(&f.wr.mu);
    f.wr.stop = 1;
    pthread_cond_signal(&f.wr.cv);
    pthread_mutex_unlock(&f.wr.mu);
    pthread_join(f.wr.thread, NULL);
    for (struct job *j = writer_collect(&f.wr); j;) {
        struct job *next = j->wnext;
        job_stored(&f, j);
        j = next;
    }
out_sync:
    pthread_cond_destroy(&f.wr.cv);
    pthread_mutex_destroy(&f.wr.mu);
    if (loop_rc < 0)
        goto out;
    draw_progress(&f, 1);
    clear_line(&f);
    if (res->failed) {
        size_t k = 0;
        res->failed_windows = xcalloc(res->failed, sizeof *res->failed_windows);
        for (size_t i = 0; i < f.njobs; i++)
            if (f.jobs[i].state == J_FAILED)
                res->failed_windows[k++] = f.jobs[i].w;
        err_set(e, ERR_DATA, 0, "%zu of %zu months failed", res->failed, n);
        goto out;
    }
    rc = 0;
out:
    res->seconds = (double)(now_ms() - f.t0) / 1000.0;
    for (size_t i = 0; i < f.njobs; i++) {
        struct job *j = &f.jobs[i];
        if (j->state == J_RUNNING)
            curl_multi_remove_handle(f.multi, j->easy);
        if (j->easy)
            curl_easy_cleanup(j->easy);
        elhub_parser_free(j->parser);
        free(j->rows);
        buf_release(&j->url);
        buf_release(&j->errbody);
    }
    free(f.jobs);
    if (f.multi)
        curl_multi_cleanup(f.multi);
    curl_global_cleanup();
    return rc;
}

void elhub_fetch_result_release(struct elhub_fetch_result *res)
{
    free(res->failed_windows);
    res->failed_windows = NULL;
}
