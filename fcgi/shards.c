/* shards.c - the state of the index's shards, for answers, /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The shim knows which shards a worker's handle has open and which are
 * down (ms_index_shard_states, indexer/shim/remote.cc); this file says
 * it in JSON and in Prometheus text, and decides what a search answers
 * with a shard down (search.partial_shards, docs/api.md).
 */
#include "ms_response.h"
#include "ms_shards.h"

/* The shards one handle may have: index.shards' maximum, plus remotes. */
#define MAX_SHARDS 512

static size_t
states(ms_worker_t *w, ms_index_shard_state_t *out)
{
    size_t n = ms_index_shard_states(w->idx, out, MAX_SHARDS);
    return n < MAX_SHARDS ? n : MAX_SHARDS;
}

json_t *
ms_shards_json(ms_worker_t *w)
{
    static _Thread_local ms_index_shard_state_t s[MAX_SHARDS];
    json_t *list = json_array();
    size_t n = states(w, s);

    for (size_t i = 0; list && i < n; i++) {
        json_t *one = json_pack("{s:I,s:s,s:s}", "shard", (json_int_t)s[i].shard, "state",
                                s[i].up ? "up" : "down", "endpoint", s[i].endpoint);
        if (!one || json_array_append_new(list, one) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

json_t *
ms_shards_missing(ms_worker_t *w)
{
    static _Thread_local ms_index_shard_state_t s[MAX_SHARDS];
    json_t *list = NULL;
    size_t n = states(w, s);

    for (size_t i = 0; i < n; i++) {
        if (s[i].up)
            continue;
        if (!list)
            list = json_array();
        if (list)
            json_array_append_new(list, json_integer((json_int_t)s[i].shard));
    }
    return list;
}

int
ms_shards_answer(ms_worker_t *w, json_t **body)
{
    json_t *missing = ms_shards_missing(w);

    if (!missing)
        return 0;
    if (!w->cfg->search.partial_shards) {
        json_decref(missing);
        json_decref(*body);
        *body = NULL;
        return ms_response_error(body, 503, "shard_down",
                                 "a shard of the index is down; try again later");
    }
    if (json_object_set_new(*body, "partial", json_true()) != 0 ||
        json_object_set_new(*body, "missing_shards", missing) != 0)
        return ms_response_internal(body);
    return 0;
}

void
ms_shards_metrics(ms_buf_t *b, ms_worker_t *w)
{
    static _Thread_local ms_index_shard_state_t s[MAX_SHARDS];
    size_t n = states(w, s);

    ms_buf_puts(b, "# HELP migsearch_shard_up Whether a shard of the index is open "
                   "(1) or down (0), by the worker that answered, with the "
                   "endpoint in use.\n# TYPE migsearch_shard_up gauge\n");
    for (size_t i = 0; i < n; i++) {
        ms_buf_printf(b, "migsearch_shard_up{shard=\"%u\",endpoint=\"%s\"} %d\n",
                      s[i].shard, s[i].endpoint, s[i].up ? 1 : 0);
    }
}
