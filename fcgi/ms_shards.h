/* ms_shards.h - the state of the index's shards, for answers, /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_SHARDS_H
#define MS_SHARDS_H

#include <jansson.h>

#include "ms_buf.h"
#include "ms_response.h"
#include "ms_worker.h"

/* Each shard of w's open index as {"shard": K, "state": "up"|"down",
 * "endpoint": "local"|"host:port"}, local ones first; NULL if out of
 * memory. The caller owns it. w->idx must be open. */
json_t *ms_shards_json(ms_worker_t *w);

/* The numbers of the shards down, or NULL if none is (or out of memory).
 * The caller owns it. w->idx must be open. */
json_t *ms_shards_missing(ms_worker_t *w);

/* The header that marks an answer some shards were missing from; its
 * value is their numbers, "1,2". */
#define MS_SHARDS_HEADER "X-Migsearch-Partial"

/* Room enough for the list of missing shards of any answer. */
#define MS_SHARDS_LIST_SIZE 256

/* The numbers of the shards down as text, "1,2", into 'out' (cut at a
 * whole number when 'size' is too small), "" when none is; returns how
 * many are down. w->idx must be open. */
size_t ms_shards_missing_text(ms_worker_t *w, char *out, size_t size);

/* An endpoint's answer 'out' over the index's shards, built with status
 * 'http', when a shard is down: with search.partial_shards, the header
 * MS_SHARDS_HEADER added and, for a JSON object, "partial": true and
 * "missing_shards" (a text answer says it in its own body: the feed, the
 * fragment); else the answer replaced by the 503 shard_down error.
 * Returns the answer's status: 'http' untouched when every shard is up or
 * 'http' is not 200. w->idx must be open. */
int ms_shards_answer(ms_response_t *out, ms_worker_t *w, int http);

/* /health's object 'health' (its "status" "ok") completed over the
 * shards: "shards" (ms_shards_json) and, when a shard is down, "status":
 * "degraded" and "missing_shards" (ms_shards_missing, as an answer's).
 * Returns the HTTP status: 200, 503 when a shard is down and
 * search.partial_shards is false (every search answers 503 then; the body
 * stays whole, so it names the shard), or 500 when out of memory.
 * w->idx must be open. */
int ms_shards_health(json_t *health, ms_worker_t *w);

/* The gauge migsearch_shard_up, one line per shard, appended to 'b'.
 * w->idx must be open. */
void ms_shards_metrics(ms_buf_t *b, ms_worker_t *w);

#endif /* MS_SHARDS_H */
