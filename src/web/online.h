/* online: `elhub serve --online`, the weather of a point fetched on demand
 * for the dashboard (the Map page's "fetch it now"), through the same
 * source (source/source.h) and fetch engine (fetch/fetch.h) as `elhub
 * fetch`. Off by default: a server started without --online has no struct
 * online, and POST /api/fetch answers 403.
 *
 * Politeness toward the API is bounded in src/caps.h: one job at a time on
 * a thread of its own (the request threads never wait for the network), at
 * most LIMIT_ONLINE_JOBS_PER_HOUR jobs started in any hour, at most
 * LIMIT_ONLINE_MONTHS months per job with LIMIT_ONLINE_IN_FLIGHT requests
 * in flight; a refused job gets 429 with Retry-After. Each month lands in
 * the store whole or not at all, as with `elhub fetch`.
 *
 * Thread-safety: every function may be called from any thread at once. */
#ifndef ELHUB_WEB_ONLINE_H
#define ELHUB_WEB_ONLINE_H

#include "err.h"
#include "web/api.h"

#include <stddef.h>

struct online;

/* Starts the job thread. store_uri and api_url (NULL: the source's default
 * URL) are copied. *out is a heap object for online_stop. ERR_SYS if the
 * thread cannot start. */
int online_start(const char *store_uri, const char *api_url, struct online **out, struct err *e);

/* Lets a running job end (its months stored so far stay stored; it is
 * interrupted between transfers), joins the thread, frees o. NULL: no-op. */
void online_stop(struct online *o);

/* POST /api/fetch?QUERY (target as on the request line, len bytes):
 * parameters dataset (weather, the default), area (NO1-NO5 or a location
 * key) or lat and lon, from and to ("YYYY-MM" or "YYYY-MM-DD", as `elhub
 * fetch` takes them). Fills r (initialised by the caller): 403 when o is
 * NULL (the server runs without --online), 400 naming a bad parameter,
 * 429 while another job runs or when the hour's jobs are used up, else 202
 * with the job's state (online_state's body). Never blocks on the network. */
void online_submit(struct online *o, const char *target, size_t len, struct api_response *r);

/* GET /api/fetch: 200 with {"online":false} when o is NULL, else the state
 * of the newest job: {"online":true,"state":"idle"|"running"|"done"|
 * "failed","location","from","to","months","fetched","skipped","failed",
 * "rows","error","jobs_left"} (docs/API.md). Not cacheable. */
void online_state(struct online *o, struct api_response *r);

#endif
