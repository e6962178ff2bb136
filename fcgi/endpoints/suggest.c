/* suggest.c - GET /suggest: completions of what is being typed
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Unlike the searches, which the index cuts to search.max_query_length
 * bytes, /suggest refuses a longer q with a 400: it completes the last
 * word being typed, and a cut text has no such word.
 */
#include <stdio.h>
#include <string.h>

#include "ms_endpoints.h"
#include "ms_shards.h"
#include "ms_json.h"
#include "ms_metrics.h"

/* The 200 body: the query and its completions. */
static json_t *
suggestions_json(const char *q, const ms_strings_t *strings)
{
    json_t *list = json_array(), *body = NULL;
    int rc = list != NULL ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < strings->n_items; i++)
        rc |= ms_json_append(list, ms_json_string(strings->items[i]));
    if (rc == 0)
        body = json_pack("{s:o,s:O}", "query", ms_json_string(q), "suggestions", list);
    json_decref(list);
    return body;
}

/* q, required and at most search.max_query_length bytes, into *q.
 * Returns 0 or the status of the error document in *out. */
static int
take_q(const char **q, json_t **out, const ms_params_t *params, unsigned max_bytes)
{
    char message[96];

    *q = ms_params_get(params, "q");
    if (*q == NULL)
        return ms_response_bad_request(out, "parameter 'q' is required");
    if (strlen(*q) <= max_bytes)
        return 0;
    snprintf(message, sizeof(message), "parameter 'q' must be at most %u bytes long",
             max_bytes);
    return ms_response_bad_request(out, message);
}

int
ms_endpoint_suggest(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    static const char *const allowed[] = {"q", NULL};
    ms_params_t params = {NULL, 0};
    ms_strings_t *strings = NULL;
    ms_index_status_t status;
    const char *q = NULL;
    int http;

    http = ms_params_parse_only(&params, &out->json, ctx->req->query, allowed);
    if (http == 0)
        http = take_q(&q, &out->json, &params, w->cfg->search.max_query_length);
    if (http != 0)
        goto out;
    status = ms_worker_index(w);
    if (status == MS_INDEX_OK) {
        ms_work_t work = ms_worker_work(w);

        ms_metrics_search_begin();
        status = ms_index_suggest(&strings, w->idx, q, ctx->viewer,
                                  w->cfg->search.suggestions, &work);
        ms_metrics_search_end(status == MS_INDEX_CANCELLED);
    }
    if (status != MS_INDEX_OK) {
        http = ms_worker_index_error(&out->json, w, status);
        goto out;
    }
    w->hits = (long)strings->n_items;
    http = ms_shards_answer(out, w, ms_response_json(out, suggestions_json(q, strings)));
out:
    ms_strings_free(strings);
    ms_params_free(&params);
    return http;
}
