/* search.c - GET /search: a search as JSON
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The parameters are those of ms_query.h; the answer has a stable shape
 * (docs/api.md): absent scalars are null and absent lists are [].
 *
 * A whole answer is kept by the server (ms_answers.h) under a key of
 * everything it depends on but the index and the config: the viewer's
 * groups and the query string, as received. The same question from a
 * viewer of other groups is another key, so no one is given what another
 * may see. A question asked with its parameters in another order is
 * searched again, which costs time, not correctness.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_answers.h"
#include "ms_clock.h"
#include "ms_endpoints.h"
#include "ms_json.h"
#include "ms_metrics.h"
#include "ms_query.h"
#include "ms_response.h"
#include "ms_shards.h"
#include "ms_statuses.h"
#include "ms_views.h"

/* The names of the phases in 'skipped' (ms_phase_t bits), in order. */
static json_t *
skipped_json(unsigned skipped)
{
    json_t *names = json_array();
    const char *name;

    for (unsigned i = 0; names != NULL && (name = ms_index_phase_name(1u << i)); i++)
        if ((skipped & (1u << i)) != 0 && ms_json_append(names, json_string(name)) != 0) {
            json_decref(names);
            return NULL;
        }
    return names;
}

/* Build the 200 body. Returns NULL on allocation failure. */
static json_t *
results_json(const ms_query_t *qp, double took_ms)
{
    const ms_results_t *results = qp->results;
    json_t *body = json_object();
    json_t *hits = json_array();
    int rc = body != NULL && hits != NULL ? 0 : -1;

    for (size_t i = 0; i < results->n_hits && rc == 0; i++) {
        json_t *hit = ms_json_hit(&results->hits[i], true);

        rc |= ms_json_append(hits, hit);
        /* With a country or status filter, the status it matched first. */
        if (rc == 0)
            rc |= ms_statuses_focus(hit, qp->filters, qp->n_filters);
    }
    if (rc != 0)
        goto out;
    rc |= ms_json_put(body, "query", json_string(qp->q));
    rc |= ms_json_put(body, "understood", ms_json_string(results->understood));
    rc |= ms_json_put(body, "did_you_mean", ms_json_string(results->corrected));
    rc |= ms_json_put(body, "plain_words", json_boolean(results->plain_words != 0));
    rc |= ms_json_put(body, "sort", json_string(qp->sort_name));
    rc |= ms_json_put(body, "from", ms_json_string(qp->from));
    rc |= ms_json_put(body, "to", ms_json_string(qp->to));
    rc |= ms_json_put(body, "page", json_integer(qp->page));
    rc |= ms_json_put(body, "per_page", json_integer(qp->per_page));
    rc |= ms_json_put(
        body, "total",
        json_pack("{s:I,s:I,s:I}", "estimate", (json_int_t)results->estimate, "lower",
                  (json_int_t)results->lower, "upper", (json_int_t)results->upper));
    rc |= ms_json_put(body, "took_ms", ms_json_number(took_ms));
    rc |= json_object_set(body, "results", hits);
    rc |= ms_json_put(body, "facets", qp->facets ? ms_json_facets(results) : json_null());
    rc |= ms_json_put(body, "facets_estimated", json_boolean(results->facets_estimated));
    rc |= ms_json_put(body, "partial", json_boolean(results->skipped != 0));
    rc |= ms_json_put(body, "skipped", skipped_json(results->skipped));
out:
    json_decref(hits);
    if (rc != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* Whether this worker keeps answers now, and in what scope: the server's
 * cache, a budget, an index state it knows, no remote shard (whose
 * changes no local state shows). */
static bool
keeps_answers(const ms_worker_t *w, ms_answers_scope_t *scope)
{
    const char *remote = w->cfg->index.remote;

    if (w->answers == NULL || w->cfg->search.result_cache_mb == 0 ||
        w->index_state == 0 || (remote != NULL && remote[0] != '\0'))
        return false;
    *scope = (ms_answers_scope_t){w->index_state, w->cfg,
                                  (size_t)w->cfg->search.result_cache_mb << 20};
    return true;
}

/* The key of the answer to 'ctx': each of the viewer's groups with its
 * length before it (so no two lists of groups make one key), then the
 * query string. A new string the caller frees; NULL on allocation
 * failure. */
static char *
answer_key(const ms_context_t *ctx, size_t *len)
{
    const char *query = ctx->req->query ? ctx->req->query : "";
    size_t n_groups = ctx->viewer ? ctx->viewer->n_groups : 0, query_len = strlen(query);
    size_t size = query_len + 1;
    char *key, *at;

    for (size_t i = 0; i < n_groups; i++)
        size += sizeof(size_t) + strlen(ctx->viewer->groups[i]);
    if ((key = malloc(size)) == NULL)
        return NULL;
    at = key;
    for (size_t i = 0; i < n_groups; i++) {
        size_t n = strlen(ctx->viewer->groups[i]);
        memcpy(at, &n, sizeof(n));
        memcpy(at + sizeof(n), ctx->viewer->groups[i], n);
        at += sizeof(n) + n;
    }
    *at++ = '\0'; /* the end of the groups: no length starts with it */
    memcpy(at, query, query_len);
    *len = size;
    return key;
}

/* The kept answer for 'key', its took_ms the time it took to find, as the
 * response (text, as a JSON answer is written); 0 if none. */
static int
answer_again(ms_response_t *out, ms_worker_t *w, const ms_answers_scope_t *scope,
             const char *key, size_t len)
{
    struct timespec start, end;
    ms_answer_t kept;
    char took[64];
    size_t n = 0, rest;
    json_t *value;
    bool hit;

    clock_gettime(CLOCK_MONOTONIC, &start);
    hit = ms_answers_get(w->answers, scope, key, len, &kept);
    ms_metrics_result_cache(hit);
    if (!hit)
        return 0;
    char *text = (char *)kept.text;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if ((value = ms_json_number(ms_clock_seconds(&start, &end) * 1e3)) != NULL)
        n = json_dumpb(value, took, sizeof took,
                       MS_RESPONSE_JSON_FLAGS | JSON_ENCODE_ANY);
    json_decref(value);
    rest = kept.length - kept.took_at - kept.took_length;
    if (n == 0 || n > sizeof took ||
        (out->text = malloc(kept.took_at + n + rest + 1)) == NULL) {
        free(text);
        return 0;
    }
    memcpy(out->text, text, kept.took_at);
    memcpy(out->text + kept.took_at, took, n);
    memcpy(out->text + kept.took_at + n, text + kept.took_at + kept.took_length, rest);
    free(text);
    out->text_length = kept.took_at + n + rest;
    out->text[out->text_length] = '\0';
    out->content_type = MS_RESPONSE_JSON_TYPE;
    w->hits = kept.hits;
    return 200;
}

/* Keep the whole answer in 'out' for 'key', written as the reply writes
 * JSON, and send that text (so the answer is written once; 'out' keeps
 * its JSON for its callers, and the reply sends the text, the same
 * bytes). Its top-level took_ms follows the first ',"took_ms":' of the
 * text: no JSON string holds that unescaped, and the one object before
 * it ("total") has fixed keys. An answer that cannot be written is not
 * kept, and the reply writes its JSON. */
static void
keep_answer(ms_response_t *out, ms_worker_t *w, const ms_answers_scope_t *scope,
            const char *key, size_t len)
{
    static const char took_key[] = ",\"took_ms\":";
    char *text = json_dumps(out->json, MS_RESPONSE_JSON_FLAGS);
    const char *took = text ? strstr(text, took_key) : NULL;
    ms_answer_t answer;

    if (took == NULL) {
        free(text);
        return;
    }
    answer.text = text;
    answer.length = strlen(text);
    answer.took_at = (size_t)(took - text) + sizeof(took_key) - 1;
    answer.took_length = strcspn(text + answer.took_at, ",}");
    answer.hits = w->hits;
    ms_answers_put(w->answers, scope, key, len, &answer);
    out->text = text;
    out->text_length = answer.length;
    out->content_type = MS_RESPONSE_JSON_TYPE;
}

int
ms_endpoint_search(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_query_t qp;
    ms_index_status_t status;
    struct timespec start, end;
    ms_answers_scope_t scope;
    char *key = NULL;
    size_t key_len = 0;
    int http;

    http = ms_query_parse(&qp, &out->json, w->cfg, ctx->req->query, MS_QUERY_SEARCH);
    if (http != 0)
        goto out;
    /* Open or refresh the index first: took_ms is the search alone. */
    status = ms_worker_index(w);
    if (status != MS_INDEX_OK) {
        http = ms_worker_index_error(&out->json, w, status);
        goto out;
    }
    if (keeps_answers(w, &scope) && (key = answer_key(ctx, &key_len)) != NULL &&
        (http = answer_again(out, w, &scope, key, key_len)) != 0)
        goto out;
    ms_query_prepare(&qp, w->cfg, ctx->viewer);
    clock_gettime(CLOCK_MONOTONIC, &start);
    http = ms_query_run(&qp, &out->json, w);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (http == 0)
        http = ms_response_json(out,
                                results_json(&qp, ms_clock_seconds(&start, &end) * 1e3));
    http = ms_shards_answer(out, w, http);
    /* Only a whole answer is kept. */
    if (key != NULL && http == 200 && json_is_object(out->json) &&
        json_is_false(json_object_get(out->json, "partial")))
        keep_answer(out, w, &scope, key, key_len);
out:
    free(key);
    ms_query_free(&qp);
    return http;
}
