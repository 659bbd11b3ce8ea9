/* cql/conn: one CQL native protocol v4 client connection with its I/O:
 * contact points with failover, STARTUP and PasswordAuthenticator (SASL
 * PLAIN), many requests in flight on stream ids (bounded), timeouts,
 * prepared statements re-prepared transparently on Unprepared (0x2500).
 * The byte layout lives in cql/frame; this file only moves frames.
 *
 * Every statement elhub sends is idempotent (IF NOT EXISTS schema, upserts
 * with explicit timestamps, reads), so the requests in flight when a
 * connection dies are sent again on the next contact point that answers.
 * For the same reason, requests that meet a transient server error
 * (Unavailable, Overloaded, Is_bootstrapping, Write_timeout, Read_timeout)
 * are retried a few times with a growing pause before the error is reported.
 * A struct cql_client is not thread-safe. */
#ifndef ELHUB_CQL_CONN_H
#define ELHUB_CQL_CONN_H

#include "cql/frame.h"
#include "err.h"
#include "caps.h"

#include <stddef.h>
#include <stdint.h>

struct cql_host {
    char name[256]; /* host name or IP literal, no brackets */
    char port[8];   /* decimal */
};

struct cql_config {
    struct cql_host hosts[LIMIT_CQL_HOSTS];
    size_t nhosts;
    const char *user;     /* NULL: no credentials; borrowed during cql_client_new */
    const char *password; /* borrowed during cql_client_new */
    int timeout_ms;       /* connect and per-response inactivity timeout */
    size_t max_inflight;  /* 0: LIMIT_CQL_INFLIGHT */
};

struct cql_client;
struct cql_prepared;

/* Connects to the first contact point that answers (in order) and completes
 * STARTUP and authentication. On success *out is a heap object to release
 * with cql_client_free. Errors name the host, never the credentials. */
int cql_client_new(const struct cql_config *cfg, struct cql_client **out, struct err *e);
void cql_client_free(struct cql_client *c); /* NULL is a no-op */
/* "host:port" of the current connection (static storage in c). */
const char *cql_client_peer(const struct cql_client *c);

/* A pipelined request. encode writes the whole request frame for the given
 * stream id into out (it may be called again to resend the request after a
 * re-prepare or a failover, and must then produce the same request). done,
 * if not NULL, gets every non-ERROR response; body/len is the raw body the
 * response borrows from, valid during the call only. An ERROR response
 * becomes the client's error (see cql_client_wait). */
struct cql_request_ops {
    int (*encode)(struct buf *out, int16_t stream, void *ctx);
    int (*done)(const struct cql_response *r, const uint8_t *body, size_t len, void *ctx,
                struct err *e);
};

/* Queues a request and returns once it is on its way, waiting for responses
 * while max_inflight requests are outstanding. ctx must stay valid until
 * cql_client_wait returns. Fails with the first error of an earlier request
 * in this round, if any (stop submitting then, and call cql_client_wait). */
int cql_client_submit(struct cql_client *c, const struct cql_request_ops *ops, void *ctx,
                      struct err *e);
/* Waits until no request is in flight. Returns -1 with the first error any
 * request of the round met (ERROR responses as ERR_CQL with their §9 code,
 * I/O failures once no contact point answers), and clears it. */
int cql_client_wait(struct cql_client *c, struct err *e);

/* A synchronous result: owns a copy of the body that r borrows from. */
struct cql_result {
    uint8_t *body;
    size_t len;
    struct cql_response r;
};
void cql_result_release(struct cql_result *res);

/* Runs one QUERY or EXECUTE and waits for it (nothing else may be in
 * flight). res may be NULL to discard the result; otherwise it is filled
 * (release it with cql_result_release, also on failure). */
int cql_client_query(struct cql_client *c, const char *query, const struct cql_params *p,
                     struct cql_result *res, struct err *e);
int cql_client_execute(struct cql_client *c, struct cql_prepared *ps, const struct cql_params *p,
                       struct cql_result *res, struct err *e);

/* Prepares query once per client (cached by its text). *out is borrowed
 * from c and valid until cql_client_free; its id changes in place when the
 * server forgets it and it is prepared again. */
int cql_client_prepare(struct cql_client *c, const char *query, struct cql_prepared **out,
                       struct err *e);
/* The bind variables' types (enum cql_type), as the server reported them. */
size_t cql_prepared_nbind(const struct cql_prepared *ps);
uint16_t cql_prepared_bind_type(const struct cql_prepared *ps, size_t i);
/* Appends this statement with the values to a batch under construction. */
int cql_prepared_batch_add(const struct cql_prepared *ps, struct buf *out, struct cql_batch_mark *m,
                           const struct cql_value *v, uint16_t n);
/* Encodes an EXECUTE of ps (for request encoders). */
int cql_prepared_encode_execute(const struct cql_prepared *ps, struct buf *out, int16_t stream,
                                const struct cql_params *p);

#endif
