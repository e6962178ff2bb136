/* ms_fcgi.h - internal interface of migsearch-fcgi: requests, workers, routing
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The handlers (route.c, search.c, request.c) form the static library
 * ms_fcgi_handlers. They see a request as plain C strings and answer with an
 * HTTP status and a jansson document, so they never include libfcgi headers
 * and can be unit-tested without a socket. main.c and reply.c are the only
 * files that talk FastCGI.
 */
#ifndef MS_FCGI_H
#define MS_FCGI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "ms_config.h"
#include "ms_index.h"

/* The version reported by /health; CMake passes the project version. */
#ifndef MS_VERSION
#define MS_VERSION "0.0.0"
#endif

/* The version of the JSON schema documented in docs/api.md. */
#define MS_API_VERSION 1

/* One HTTP request as the handlers see it. Every string is borrowed from
 * the caller for the duration of ms_route(); NULL is allowed for all but
 * 'method' and 'path' and means "not sent". */
typedef struct ms_request {
    const char *method;      /* REQUEST_METHOD, e.g. "GET" */
    const char *path;        /* raw path part of REQUEST_URI, before '?' */
    const char *query;       /* raw QUERY_STRING, without '?' */
    const char *request_id;  /* REQUEST_ID (nginx's $request_id) */
    const char *remote_user; /* REMOTE_USER */
} ms_request_t;

/* Per-thread state of a worker. Not shared between threads.
 *
 * cfg:          borrowed; the owner may point it at a newer config between
 *               requests (after a reload), never during one.
 * idx:          owned; opened read-only from cfg->index.path on first use
 *               and reopened after failures; NULL while there is no index.
 * last_refresh: CLOCK_MONOTONIC time of the last open or refresh, so
 *               ms_index_refresh runs at most once a second.
 * revision:     the index revision 'idx' has open, reported to metrics.c.
 * hits:         set by ms_route for the log line: hits returned by a
 *               search, or -1 when the request was not a search.
 * detail:       set by ms_route: internal detail of a failure (index error
 *               text) for the log, never for the client; "" if none. */
typedef struct ms_worker {
    const ms_config_t *cfg;
    ms_index_t *idx;
    struct timespec last_refresh;
    unsigned long revision; /* of the open index, for the reopen count */
    long hits;
    char detail[256];
} ms_worker_t;

/* Prepare 'w' to serve requests under 'cfg' (borrowed, must outlive 'w' or
 * be replaced). Opens nothing yet. */
void ms_worker_init(ms_worker_t *w, const ms_config_t *cfg);

/* Close the index handle of 'w'. Accepts a worker that never opened one. */
void ms_worker_fini(ms_worker_t *w);

/* Answer 'req'.
 *
 * Returns the HTTP status and stores in *out a new JSON body that the
 * caller releases with json_decref(). *out is NULL only when even the
 * error document could not be allocated (status 500 then). The only I/O
 * is on the worker's index. Not thread-safe per worker. */
int ms_route(json_t **out, ms_worker_t *w, const ms_request_t *req);

/* ---- request.c: query strings and percent-encoding ---- */

typedef enum ms_request_status {
    MS_REQUEST_OK = 0,
    MS_REQUEST_NOMEM,
    MS_REQUEST_BAD /* malformed input; a message is in the error buffer */
} ms_request_status_t;

typedef struct ms_param {
    char *name;  /* decoded, NUL-terminated, valid UTF-8 */
    char *value; /* decoded; "" for "name" or "name=" */
} ms_param_t;

typedef struct ms_params {
    ms_param_t *items;
    size_t count;
} ms_params_t;

/* Decode 'len' bytes of 'in' ('%XX' escapes; '+' becomes a space when
 * 'plus_is_space'). The result is rejected unless every escape is two hex
 * digits, no escape yields a NUL byte and the decoded bytes are valid
 * UTF-8.
 * On success *out is a new string the caller frees with free().
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_request_decode(char **out, const char *in, size_t len,
                                      bool plus_is_space);

/* Split the query string 'query' (NULL or "" for none) on '&' into
 * decoded name/value pairs, in order, keeping repeats. Empty segments
 * ("a=1&&b=2") are skipped.
 * On success *out holds the pairs; release them with ms_params_free().
 * On MS_REQUEST_BAD 'err' (of 'err_size' bytes, may be NULL) holds a
 * message fit for a client. *out is empty on failure.
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_params_parse(ms_params_t *out, const char *query, char *err,
                                    size_t err_size);

/* Free the pairs of 'params' and leave it empty. Accepts an empty set. */
void ms_params_free(ms_params_t *params);

/* true if 'len' bytes at 's' are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
bool ms_request_utf8_valid(const char *s, size_t len);

/* A copy of the NUL-terminated 's' with every byte that is not part of a
 * well-formed UTF-8 sequence replaced by U+FFFD, for data the index hands
 * back that jansson would otherwise refuse. Caller frees with free().
 * NULL on allocation failure. */
char *ms_request_utf8_repair(const char *s);

/* ---- search.c and route.c internals shared inside the library ---- */

/* Fill *out with an error document {"error":{"code":..,"message":..}} and
 * return 'status'. *out is NULL if it could not be allocated. */
int ms_route__error(json_t **out, int status, const char *code, const char *message);

/* Answer an index status other than MS_INDEX_OK the way the one status
 * table says, copy the index's message into w->detail for the log, and
 * drop the handle when the failure suggests it is stale. */
int ms_route__index_error(json_t **out, ms_worker_t *w, ms_index_status_t status);

/* Make sure w->idx is open and fresh. Returns MS_INDEX_OK or the status of
 * the failed open/refresh (w->detail holds the message then). */
ms_index_status_t ms_route__index(ms_worker_t *w);

/* The metadata of 'doc' in the stable result shape (see docs/api.md).
 * Returns a new object, or NULL on allocation failure. */
json_t *ms_route__document_json(const ms_document_t *doc);

/* GET /search with the query string 'query'. */
int ms_search_handle(json_t **out, ms_worker_t *w, const char *query);

/* ---- metrics.c: counters for GET /metrics (Prometheus text format) ---- */

typedef enum ms_endpoint {
    MS_ENDPOINT_SEARCH,
    MS_ENDPOINT_DOC,
    MS_ENDPOINT_HEALTH,
    MS_ENDPOINT_METRICS,
    MS_ENDPOINT_OTHER,
    MS_ENDPOINT_COUNT
} ms_endpoint_t;

/* The endpoint a raw request path belongs to. */
ms_endpoint_t ms_metrics_endpoint(const char *path);

/* Count one answered request. Thread-safe, lock-free. */
void ms_metrics_record(ms_endpoint_t endpoint, int status, double seconds);

/* A worker has revision 'revision' with 'documents' documents open;
 * 'reopened' when it moved there from an older revision. Thread-safe. */
void ms_metrics_index_seen(unsigned long revision, unsigned long documents,
                           bool reopened);

/* Everything recorded so far, in Prometheus text exposition format 0.0.4.
 * Returns a new string the caller frees with free() and stores its length
 * in *length, or NULL on allocation failure. Thread-safe. */
char *ms_metrics_render(size_t *length);

/* ---- reply.c: FastCGI output (linked into the executable only) ---- */

struct FCGX_Stream;

/* Write an HTTP response with 'status' and the compact JSON of 'body' (a
 * fixed internal-error document if 'body' is NULL or cannot be encoded) to
 * 'out'. 'head' sends the headers only, with the Content-Length of the
 * body a GET would get. Returns 0, or -1 if the client went away. */
int ms_reply_send(struct FCGX_Stream *out, int status, const json_t *body, bool head);

/* Write a 200 response of 'length' bytes of 'text' with 'content_type'
 * (NULL text: a 500 JSON error). Returns 0, or -1 if the client went away. */
int ms_reply_send_text(struct FCGX_Stream *out, const char *content_type,
                       const char *text, size_t length, bool head);

#endif /* MS_FCGI_H */
