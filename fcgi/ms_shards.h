/* ms_shards.h - the state of the index's shards, for answers, /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_SHARDS_H
#define MS_SHARDS_H

#include <jansson.h>

#include "ms_buf.h"
#include "ms_worker.h"

/* Each shard of w's open index as {"shard": K, "state": "up"|"down",
 * "endpoint": "local"|"host:port"}, local ones first; NULL if out of
 * memory. The caller owns it. w->idx must be open. */
json_t *ms_shards_json(ms_worker_t *w);

/* The numbers of the shards down, or NULL if none is (or out of memory).
 * The caller owns it. w->idx must be open. */
json_t *ms_shards_missing(ms_worker_t *w);

/* A search's answer '*body' with a shard down: with
 * search.partial_shards, "partial": true and "missing_shards" added,
 * returning 0; else *body replaced by the 503 shard_down error, returning
 * 503. 0 and *body untouched when every shard is up. */
int ms_shards_answer(ms_worker_t *w, json_t **body);

/* The gauge migsearch_shard_up, one line per shard, appended to 'b'.
 * w->idx must be open. */
void ms_shards_metrics(ms_buf_t *b, ms_worker_t *w);

#endif /* MS_SHARDS_H */
