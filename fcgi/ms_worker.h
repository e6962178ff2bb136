/* ms_worker.h - the per-thread index handle and what endpoints fetch with it
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. A worker opens the index read-only on first use,
 * refreshes it at most once a second and drops it after a failure that
 * suggests it is stale. Index statuses become HTTP answers through the
 * one table in worker.c (CONVENTIONS.md, "Errors").
 */
#ifndef MS_WORKER_H
#define MS_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "ms_config.h"
#include "ms_index.h"

struct ms_route;

/* Per-thread state of a worker. Not shared between threads.
 *
 * cfg:          borrowed; the owner may point it at a newer config between
 *               requests (after a reload), never during one.
 * idx:          owned; opened read-only from cfg->index.path on first use
 *               and reopened after failures; NULL while there is no index.
 * last_refresh: CLOCK_MONOTONIC time of the last open or refresh, so
 *               ms_index_refresh runs at most once a second.
 * revision:     the index revision 'idx' has open, reported to metrics.
 * route:        set by ms_route: the row of the route table the request
 *               matched (its metrics label and log flag), NULL for none.
 * hits:         set by the endpoint for the log line: hits returned by a
 *               search, or -1 when the request was not a search.
 * detail:       internal detail of a failure (index error text) for the
 *               log, never for the client; "" if none.
 * conn_fd:      the FastCGI connection of the request being served (set by
 *               ms_serve), polled between a search's phases to stop the
 *               search of a client that has gone; -1 outside a request.
 * remote_timeout_ms: the timeout 'idx' opened its remote shards with
 *               (index.remote_timeout_ms bounded by the search budget).
 * index_state:  ms_index_info()'s state of 'idx' at its last open or
 *               refresh: changes when any partition does.
 * answers:      borrowed, the server's (every worker's the same): the
 *               whole answers of /search kept for the same question
 *               (ms_answers.h, search.result_cache_mb); NULL keeps none. */
typedef struct ms_worker {
    const ms_config_t *cfg;
    ms_index_t *idx;
    struct timespec last_refresh;
    unsigned long revision;
    const struct ms_route *route;
    long hits;
    char detail[256];
    int conn_fd;
    unsigned remote_timeout_ms;
    unsigned long long index_state;
    struct ms_answers *answers;
} ms_worker_t;

/* Prepare 'w' to serve requests under 'cfg' (borrowed, must outlive 'w' or
 * be replaced). Opens nothing yet. */
void ms_worker_init(ms_worker_t *w, const ms_config_t *cfg);

/* Close the index handle of 'w'. Accepts a worker that never opened one. */
void ms_worker_fini(ms_worker_t *w);

/* Forget what the last request left for the log (route, hits, detail). */
void ms_worker_reset(ms_worker_t *w);

/* Make sure w->idx is open and fresh. Returns MS_INDEX_OK or the status of
 * the failed open/refresh (w->detail holds the message then). */
ms_index_status_t ms_worker_index(ms_worker_t *w);

/* Answer an index status other than MS_INDEX_OK the way the one status
 * table says: fill *out with the error document and return its HTTP
 * status. Copies the index's message into w->detail for the log, and
 * drops the handle when the failure suggests it is stale. */
int ms_worker_index_error(json_t **out, ms_worker_t *w, ms_index_status_t status);

/* Fetch the document named by the raw path segment 'segment' ('len'
 * bytes) for 'viewer' into *doc, which the caller frees with
 * ms_document_free(). A segment that names no acceptable id, a missing
 * and a hidden document are the same 404 on purpose (ms_worker_missing:
 * 503 shard_down when the id's shard is down). Returns 0, or the status
 * of the error document stored in *out (*doc is NULL then). */
int ms_worker_document(ms_document_t **doc, json_t **out, ms_worker_t *w,
                       const char *segment, size_t len, const ms_viewer_t *viewer);

/* Fill *out with the 404 "no such document" error and return its status. */
int ms_worker_not_found(json_t **out);

/* Fill *out with the 503 "shard_down" error (a shard of the index is
 * down) and return its status. */
int ms_worker_shard_down(json_t **out);

/* The answer for the document 'id' the index did not give: the 404 of
 * ms_worker_not_found(), or the 503 of ms_worker_shard_down() when the
 * shard that would hold 'id' is down. Which one depends on the id and the
 * shards' states only, so it tells nothing of a document the viewer may
 * not see. Fills *out, returns the status. */
int ms_worker_missing(json_t **out, ms_worker_t *w, const char *id);

/* Whether the client of the request on the connection *payload (an int,
 * the fd; -1: none) has gone: the 'cancelled' callback of ms_search_t and
 * ms_work_t. */
bool ms_worker_client_gone(void *payload);

/* The bounds of the request 'w' serves, for index calls other than a
 * search: search.time_budget_ms, and stopped when its client has gone. */
ms_work_t ms_worker_work(ms_worker_t *w);

#endif /* MS_WORKER_H */
