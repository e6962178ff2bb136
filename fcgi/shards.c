/* shards.c - the state of the index's shards, for answers, /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The shim knows which shards a worker's handle has open and which are
 * down (ms_index_shard_states, indexer/shim/remote.cc); this file says
 * it in JSON, in a response header and in Prometheus text, and decides
 * what an answer over the shards, and /health, is with a shard down
 * (search.partial_shards, docs/api.md "Partial answers" and "GET /health").
 */
#include <assert.h>
#include <stdio.h>

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

size_t
ms_shards_missing_text(ms_worker_t *w, char *out, size_t size)
{
    static _Thread_local ms_index_shard_state_t s[MAX_SHARDS];
    size_t n = states(w, s), missing = 0, used = 0;

    assert(size > 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (s[i].up)
            continue;
        if (used < size) {
            int wrote =
                snprintf(out + used, size - used, "%s%u", missing ? "," : "", s[i].shard);
            if (wrote < 0 || (size_t)wrote >= size - used) {
                out[used] = '\0'; /* the list cut at a whole number */
                used = size;      /* and nothing more written: counted on */
            } else {
                used += (size_t)wrote;
            }
        }
        missing++;
    }
    return missing;
}

int
ms_shards_answer(ms_response_t *out, ms_worker_t *w, int http)
{
    char list[MS_SHARDS_LIST_SIZE];
    json_t *missing;

    if (http != 200 || ms_shards_missing_text(w, list, sizeof list) == 0)
        return http;
    if (!w->cfg->search.partial_shards) {
        ms_response_drop_text(out);
        json_decref(out->json);
        out->json = NULL;
        return ms_worker_shard_down(&out->json);
    }
    if (ms_response_add_header(out, MS_SHARDS_HEADER, list) != 0)
        goto failed;
    if (!json_is_object(out->json))
        return http; /* a text answer says it in its own body */
    missing = ms_shards_missing(w);
    if (json_object_set_new(out->json, "partial", json_true()) != 0 ||
        json_object_set_new(out->json, "missing_shards", missing) != 0)
        goto failed;
    return http;
failed:
    ms_response_drop_text(out);
    json_decref(out->json);
    out->json = NULL;
    return ms_response_internal(&out->json);
}

int
ms_shards_health(json_t *health, ms_worker_t *w)
{
    char list[MS_SHARDS_LIST_SIZE];

    if (json_object_set_new(health, "shards", ms_shards_json(w)) != 0)
        return 500;
    if (ms_shards_missing_text(w, list, sizeof list) == 0)
        return 200;
    if (json_object_set_new(health, "status", json_string("degraded")) != 0 ||
        json_object_set_new(health, "missing_shards", ms_shards_missing(w)) != 0)
        return 500;
    /* A monitor reading the code alone learns what searches answer. */
    return w->cfg->search.partial_shards ? 200 : 503;
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
