/* fetch: the engine. One job per window; a libcurl multi handle runs up to
 * --jobs of them at once, each body is fed to the source's streaming
 * decoder as it arrives, and a finished job is retried, given up on, or
 * handed to the writer thread. The writer owns the store for the run and
 * stores one window per store_write, so decoding the next windows overlaps
 * with the store's work on two cores. Only the calling thread logs. */
#include "fetch/fetch.h"

#include "buf.h"
#include "caps.h"
#include "log.h"
#include "mem.h"
#include "timeutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* J_SKIPPED: already stored; J_DROPPED: not fetched because the run was
 * stopped (Ctrl-C, or a failure that ends it for every window). */
enum job_state { J_PENDING, J_RUNNING, J_WRITING, J_DONE, J_FAILED, J_SKIPPED, J_DROPPED };

/* Why a transfer stopped early, decided in the callbacks. */
enum job_abort { A_NONE, A_TOO_BIG, A_PARSE, A_OUTSIDE, A_TOO_MANY_ROWS };

struct fetch;

struct job {
    struct fetch *f;
    const struct source_window *w;
    enum job_state state;
    int attempt;          /* attempts started */
    int64_t not_before;   /* monotonic ms before which it must not start */
    int64_t deadline;     /* monotonic ms by which it must be done; 0 before the first attempt */
    const char *done_key; /* NULL for windows the source may still revise */

    CURL *easy;
    struct buf url;
    char curl_err[CURL_ERROR_SIZE];
    long status;
    size_t body_bytes;
    struct buf errbody; /* the body of a non-200 answer, capped */
    struct source_decoder *dec;
    enum job_abort abort;
    struct err perr; /* the decoder's or the window check's message */
    struct record *rows;
    size_t nrows, cap;

    /* The decoder's note for the store (source_decoder_meta), "" if none. */
    char meta_key[SOURCE_META_KEY_MAX];
    char meta_value[SOURCE_META_VALUE_MAX];

    struct err werr; /* the writer's result */
    int wrc;
    size_t repeats;       /* records the writer dropped as repeats */
    struct record repeat; /* the first of them */
    struct job *wnext;    /* in the writer's queue or its done list */
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
    const struct fetch_opts *o;
    const struct source_ops *src;
    struct store *store;
    CURLM *multi;
    struct job *jobs;
    size_t njobs;
    int running;
    uint64_t rng;
    int64_t t0;
    struct fetch_result *res;
    long retry_base_ms, deadline_s, low_speed_s;
    int max_attempts;
    int64_t last_draw;
    int line_drawn;
    int fatal;            /* the run ends for every window */
    struct err fatal_err; /* why */
    struct writer wr;
};

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

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

long fetch_backoff_ms(int attempt, long base_ms, double rnd, long retry_after_ms)
{
    double d = (double)base_ms;
    for (int i = 2; i < attempt && d < (double)FETCH_RETRY_CAP_MS; i++)
        d *= 2;
    if (d > (double)FETCH_RETRY_CAP_MS)
        d = (double)FETCH_RETRY_CAP_MS;
    d *= 0.5 + rnd / 2; /* "equal jitter": spreads retries, keeps half the wait */
    if (retry_after_ms >= 0 && d < (double)retry_after_ms)
        d = (double)retry_after_ms;
    return (long)d;
}

/* ---- repeated records -------------------------------------------------- */

/* A record and its place in the answer, for sorting unordered answers
 * stably. */
struct placed {
    struct record r;
    size_t at;
};

static int cmp_placed(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    int c = record_cmp_series(&x->r, &y->r);
    if (!c)
        c = x->at < y->at ? -1 : x->at > y->at;
    return c;
}

size_t fetch_drop_repeats(struct record *rows, size_t n, struct record *first)
{
    size_t k = 0;
    int sorted = 1, found = 0;

    for (size_t i = 1; i < n && sorted; i++)
        sorted = record_cmp_series(&rows[i - 1], &rows[i]) <= 0;
    if (!sorted) {
        /* Answers come in key order; only others pay for the sort. */
        struct placed *p = xmalloc(n * sizeof *p);
        for (size_t i = 0; i < n; i++) {
            p[i].r = rows[i];
            p[i].at = i;
        }
        qsort(p, n, sizeof *p, cmp_placed);
        for (size_t i = 0; i < n; i++)
            rows[i] = p[i].r;
        free(p);
    }
    /* Equal keys are now adjacent, in the order they came. Writing them in
     * that order would leave the last, unless an earlier one is newer. */
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && record_cmp_series(&rows[k - 1], &rows[i]) == 0) {
            if (!found && first)
                *first = rows[i];
            found = 1;
            if (!(rows[k - 1].updated > rows[i].updated))
                rows[k - 1] = rows[i];
            continue;
        }
        if (k != i)
            rows[k] = rows[i];
        k++;
    }
    return k;
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
    int64_t t = timeutil_now_ms();
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
    fprintf(stderr, "\r\033[Kfetch %s: %zu/%zu %s, %zu %s, %.0f rows/s", f->o->ds->name, done,
            total, source_windows(f->src, total), f->res->rows, plural(f->res->rows, "row", "rows"),
            rate);
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
    const struct fetch *f = j->f;
    int in = f->src->check(f->o->ds, j->w, r, &j->perr);
    if (in < 0) {
        j->abort = A_OUTSIDE;
        return 1;
    }
    if (in > 0)
        return 0; /* asked for with the window, but another window's */
    if (j->nrows >= LIMIT_BATCH_ROWS) {
        j->abort = A_TOO_MANY_ROWS;
        err_set(&j->perr, ERR_DATA, 0, "more than %u records in one %s", LIMIT_BATCH_ROWS,
                f->src->window_one);
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
    if (source_decoder_feed(j->dec, ptr, n, &pe) < 0) {
        if (j->abort == A_NONE) { /* else on_record left its own message */
            j->abort = A_PARSE;
            j->perr = pe;
        }
        return 0;
    }
    return n;
}

/* A job keeps no rows or decoder between attempts. */
static void job_drop(struct job *j)
{
    source_decoder_free(j->dec);
    j->dec = NULL;
    free(j->rows);
    j->rows = NULL;
    j->nrows = j->cap = 0;
}

static void job_reset(struct job *j)
{
    job_drop(j);
    j->status = 0;
    j->body_bytes = 0;
    j->abort = A_NONE;
    j->curl_err[0] = '\0';
    j->meta_key[0] = '\0';
    err_clear(&j->perr);
    buf_reset(&j->errbody);
}

static int job_start(struct fetch *f, struct job *j, struct err *e)
{
    int64_t now = timeutil_now_ms(), left;

    j->attempt++;
    /* The deadline runs from the first attempt: a window waiting for a
     * free slot loses none of it. */
    if (j->deadline == 0)
        j->deadline = now + (int64_t)f->deadline_s * 1000;
    left = j->deadline - now > 1 ? j->deadline - now : 1;
    job_reset(j);
    {
        struct source_opts so;
        memset(&so, 0, sizeof so);
        so.place = j->w->place;
        so.from = j->w->start;
        so.to = j->w->end;
        j->dec = source_decoder_new(f->src, f->o->ds, &so, on_record, j);
    }
    if (!j->dec)
        return err_set(e, ERR_USAGE, 0, "the source %s has no decoder for the dataset %s",
                       f->src->name, f->o->ds->name);
    if (!j->easy) {
        j->easy = curl_easy_init();
        if (!j->easy)
            return err_set(e, ERR_CURL, 0, "curl_easy_init failed");
    }
    curl_easy_reset(j->easy);
    curl_easy_setopt(j->easy, CURLOPT_URL, j->url.p);
    curl_easy_setopt(j->easy, CURLOPT_USERAGENT, f->src->user_agent);
    curl_easy_setopt(j->easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(j->easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->curl_err);
    curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(left < 15000 ? left : 15000));
    /* What is left of the window's deadline bounds the whole attempt. */
    curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, (long)left);
    /* A connection that stalls (under 1 byte/s for low_speed_s) is dropped
     * long before that. */
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
}

static void retry(struct fetch *f, struct job *j, const char *why, long retry_after_ms)
{
    long delay;
    int64_t now = timeutil_now_ms();
    if (j->attempt >= f->max_attempts) {
        give_up(f, j, why);
        return;
    }
    delay = fetch_backoff_ms(j->attempt + 1, f->retry_base_ms, next_rand(f), retry_after_ms);
    if (now + delay >= j->deadline) {
        char full[ERR_MSG_MAX + 160];
        snprintf(full, sizeof full, "%s; the %ld s allowed per %s are used up (--timeout)", why,
                 f->deadline_s, f->src->window_one);
        give_up(f, j, full);
        return;
    }
    j->state = J_PENDING;
    j->not_before = now + delay;
    f->res->retries++;
    clear_line(f);
    log_warn("%s: %s; retrying in %.1f s (attempt %d of %d)", j->w->key, why,
             (double)delay / 1000.0, j->attempt + 1, f->max_attempts);
}

static int is_transient(CURLcode rc)
{
    switch (rc) {
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

/* A host that does not resolve will not resolve for the next window
 * either, and retrying it only hides the cause: the run ends at once,
 * naming the host. */
static void resolve_failed(struct fetch *f, struct job *j, CURLcode rc)
{
    const char *base = f->o->base_url ? f->o->base_url : f->src->default_url;
    char *host = NULL, shown[256];
    CURLU *u = curl_url();

    if (u && curl_url_set(u, CURLUPART_URL, j->url.p, 0) == CURLUE_OK)
        curl_url_get(u, CURLUPART_HOST, &host, 0);
    err_quote(host ? host : "?", host ? strlen(host) : 1, shown, sizeof shown);
    if (rc == CURLE_COULDNT_RESOLVE_PROXY)
        err_set(&f->fatal_err, ERR_CURL, rc, "cannot resolve the proxy (%s)",
                j->curl_err[0] ? j->curl_err : curl_easy_strerror(rc));
    else
        err_set(&f->fatal_err, ERR_CURL, rc, "cannot resolve the host \"%s\" of the API URL %s",
                shown, base);
    curl_free(host);
    curl_url_cleanup(u);
    f->fatal = 1;
    j->state = J_PENDING; /* not failed: the run ends before any window is tried again */
}

/* ---- the writer thread --------------------------------------------------- */

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct job *j;
        size_t n;
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
        n = j->nrows;
        j->nrows = fetch_drop_repeats(j->rows, n, &j->repeat);
        j->repeats = n - j->nrows;
        /* The note first: a window recorded as done has its note. */
        j->wrc =
            j->meta_key[0] ? store_meta_put(w->store, j->meta_key, j->meta_value, &j->werr) : 0;
        if (j->wrc == 0)
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

/* A window came back from the writer: count it or give up on it. */
static void job_stored(struct fetch *f, struct job *j)
{
    f->wr.busy--;
    if (j->wrc < 0) {
        char why[ERR_MSG_MAX + 64];
        snprintf(why, sizeof why, "could not store %zu %s: %s", j->nrows,
                 plural(j->nrows, "row", "rows"), j->werr.msg);
        give_up(f, j, why);
    } else {
        j->state = J_DONE;
        f->res->fetched++;
        f->res->rows += j->nrows;
        f->res->repeats += j->repeats;
        if (j->repeats) {
            char when[TIMEUTIL_ISO_LEN];
            timeutil_format_oslo(j->repeat.start, when);
            clear_line(f);
            log_warn("%s: the answer holds %s %s %s more than once (%zu repeated %s dropped); "
                     "each is stored once",
                     j->w->key, j->repeat.area, j->repeat.group, when, j->repeats,
                     plural(j->repeats, "record", "records"));
        }
        if (!f->o->progress) {
            log_info("%s: %zu %s%s", j->w->key, j->nrows, plural(j->nrows, "row", "rows"),
                     j->done_key ? "" : " (recent: will be fetched again next time)");
        } else {
            clear_line(f);
            log_debug("%s: %zu %s", j->w->key, j->nrows, plural(j->nrows, "row", "rows"));
        }
    }
    job_drop(j);
}

/* A transfer ended: store it, retry it, or give up on it. */
static void job_finish(struct fetch *f, struct job *j, CURLcode rc)
{
    char why[ERR_MSG_MAX + 64];
    curl_off_t retry_after = -1;

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
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
        resolve_failed(f, j, rc);
        goto out;
    }
    if (rc != CURLE_OK) {
        /* curl's own words first (the tests and people search for them),
         * then its details ("Failed to connect to 127.0.0.1 port 1"). */
        if (j->curl_err[0])
            snprintf(why, sizeof why, "%s (%s)", curl_easy_strerror(rc), j->curl_err);
        else
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
        if (f->src->error_message(j->errbody.p ? j->errbody.p : "", j->errbody.len, detail,
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
    if (source_decoder_finish(j->dec, &j->perr) < 0) {
        snprintf(why, sizeof why, "invalid response body: %s", j->perr.msg);
        retry(f, j, why, -1);
        goto out;
    }
    if (j->nrows == 0) {
        /* Zero rows for a month that is over is what a server with a
         * problem (or a misread query) answers, not what the data is:
         * stored as nothing, and not marked done, so a rerun asks again. */
        j->state = J_DONE;
        f->res->fetched++;
        f->res->empty++;
        clear_line(f);
        if (j->w->end <= (int64_t)time(NULL))
            log_warn("%s: the answer holds no records for this past %s; not recorded as "
                     "stored, so the next run asks again",
                     j->w->key, f->src->window_one);
        else
            log_info("%s: no records yet", j->w->key);
        goto out;
    }
    source_decoder_meta(j->dec, j->meta_key, sizeof j->meta_key, j->meta_value,
                        sizeof j->meta_value);
    /* The rows now belong to the writer until job_stored. */
    j->state = J_WRITING;
    source_decoder_free(j->dec);
    j->dec = NULL;
    writer_push(&f->wr, j);
    return;
out:
    job_drop(j);
}

/* ---- the run ----------------------------------------------------------- */

static int plan(struct fetch *f, const struct source_window *w, size_t n, struct err *e)
{
    const char *base = f->o->base_url ? f->o->base_url : f->src->default_url;
    int64_t recent = (int64_t)time(NULL) - (int64_t)f->src->revision_days * 86400;

    f->jobs = xcalloc(n ? n : 1, sizeof *f->jobs);
    f->njobs = n;
    for (size_t i = 0; i < n; i++) {
        struct job *j = &f->jobs[i];
        int done = 0;
        j->f = f;
        j->w = &w[i];
        buf_init(&j->url, LIMIT_URL);
        buf_init(&j->errbody, LIMIT_API_ERROR_BODY);
        if (f->src->url(base, f->o->ds, &w[i], &j->url, e) < 0)
            return -1;
        j->done_key = w[i].end > recent ? NULL : w[i].key;
        if (!f->o->refresh) {
            if (w[i].outer_key[0] &&
                store_is_done(f->store, f->o->ds, w[i].outer_key, &done, e) < 0)
                return -1;
            if (!done && store_is_done(f->store, f->o->ds, w[i].key, &done, e) < 0)
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

/* Ends the run early: nothing more starts, transfers in flight are
 * dropped (their windows are not fetched), and what the writer holds is
 * still stored. */
static void stop_all(struct fetch *f)
{
    for (size_t i = 0; i < f->njobs; i++) {
        struct job *j = &f->jobs[i];
        if (j->state == J_RUNNING) {
            curl_multi_remove_handle(f->multi, j->easy);
            f->running--;
        }
        if (j->state == J_RUNNING || j->state == J_PENDING) {
            job_drop(j);
            j->state = J_DROPPED; /* counted as neither fetched nor failed */
        }
    }
}

static int run_loop(struct fetch *f, struct err *e)
{
    int stopping = 0;
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
        if (!stopping && (f->fatal || (f->o->stop && *f->o->stop))) {
            f->res->interrupted = !f->fatal;
            stop_all(f);
            stopping = 1;
        }
        /* Windows decoded but not yet stored count against --jobs too,
         * which bounds the rows held in memory when the store is the
         * slower side. */
        while (!stopping && f->running + (int)f->wr.busy < f->o->jobs + 1 &&
               f->running < f->o->jobs && (j = next_ready(f, timeutil_now_ms(), &wait_ms)) != NULL)
            if (job_start(f, j, e) < 0)
                return -1;
        next_ready(f, timeutil_now_ms(), &wait_ms);
        if (f->running == 0 && wait_ms < 0 && f->wr.busy == 0)
            return 0;
        if (curl_multi_perform(f->multi, &still) != CURLM_OK)
            return err_set(e, ERR_CURL, 0, "curl_multi_perform failed");
        while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            if (j->state == J_RUNNING)
                job_finish(f, j, msg->data.result);
        }
        draw_progress(f, 0);
        if (f->running > 0 || wait_ms > 0 || f->wr.busy > 0) {
            /* A signal interrupts the poll (curl treats EINTR as a
             * timeout); the 200 ms bound covers one taken by another
             * thread. */
            int timeout = 200;
            if (wait_ms >= 0 && wait_ms < timeout)
                timeout = (int)wait_ms;
            if (curl_multi_poll(f->multi, NULL, 0, timeout, NULL) != CURLM_OK)
                return err_set(e, ERR_CURL, 0, "curl_multi_poll failed");
        }
    }
}

int fetch_run(struct store *s, const struct fetch_opts *o, const struct source_window *w, size_t n,
              struct fetch_result *res, struct err *e)
{
    struct fetch f;
    int rc = -1, loop_rc = -1;

    memset(res, 0, sizeof *res);
    memset(&f, 0, sizeof f);
    res->windows = n;
    if (o->jobs < 1 || o->jobs > LIMIT_FETCH_JOBS)
        return err_set(e, ERR_USAGE, 0, "--jobs %d: expected 1..%d", o->jobs, LIMIT_FETCH_JOBS);
    if (!o->src)
        return err_set(e, ERR_USAGE, 0, "the dataset %s names no known source", o->ds->name);
    f.o = o;
    f.src = o->src;
    f.store = s;
    f.res = res;
    f.t0 = timeutil_now_ms();
    f.rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
    f.max_attempts = o->max_attempts > 0 ? o->max_attempts : FETCH_MAX_ATTEMPTS;
    f.retry_base_ms =
        o->retry_base_ms > 0 ? o->retry_base_ms : env_long("ELHUB_RETRY_BASE_MS", 1000, 0, 600000);
    f.deadline_s =
        o->deadline_s > 0 ? o->deadline_s : env_long("ELHUB_TIMEOUT_S", FETCH_DEADLINE_S, 1, 86400);
    f.low_speed_s = f.deadline_s / 4 < 1 ? 1 : f.deadline_s / 4 > 30 ? 30 : f.deadline_s / 4;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_CURL, 0, "curl_global_init failed");
    f.multi = curl_multi_init();
    if (!f.multi) {
        err_set(e, ERR_CURL, 0, "curl_multi_init failed");
        goto out;
    }
    if (plan(&f, w, n, e) < 0)
        goto out;
    if (res->skipped == n && n > 0) {
        if (n == 1)
            log_info("the %s is already stored (--refresh fetches it again)", f.src->window_one);
        else
            log_info("all %zu %s are already stored (--refresh fetches them again)", n,
                     f.src->window_many);
    }
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
    }
    if (f.fatal) {
        res->fatal = 1;
        if (e)
            *e = f.fatal_err;
        goto out;
    }
    if (res->interrupted) {
        err_set(e, ERR_SYS, EINTR, "interrupted");
        goto out;
    }
    if (res->failed) {
        err_set(e, ERR_DATA, 0, "%zu of %zu %s failed", res->failed, n, source_windows(f.src, n));
        goto out;
    }
    rc = 0;
out:
    res->seconds = (double)(timeutil_now_ms() - f.t0) / 1000.0;
    for (size_t i = 0; i < f.njobs; i++) {
        struct job *j = &f.jobs[i];
        if (j->state == J_RUNNING)
            curl_multi_remove_handle(f.multi, j->easy);
        if (j->easy)
            curl_easy_cleanup(j->easy);
        job_drop(j);
        buf_release(&j->url);
        buf_release(&j->errbody);
    }
    free(f.jobs);
    if (f.multi)
        curl_multi_cleanup(f.multi);
    curl_global_cleanup();
    return rc;
}

void fetch_result_release(struct fetch_result *res)
{
    free(res->failed_windows);
    res->failed_windows = NULL;
}
