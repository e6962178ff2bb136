/* similar.c - GET /similar/{id}: documents like one the viewer may see
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_endpoints.h"
#include "ms_shards.h"
#include "ms_json.h"
#include "ms_metrics.h"

/* The number of documents asked for: per_page (NULL: not given) from 1
 * to search.max_per_page, 10 by default. Returns 0 or the status of the
 * error document in *out. */
static int
similar_limit(unsigned *limit, json_t **out, const char *per_page, unsigned max)
{
    unsigned long value = 10;
    char message[96];

    if (value > max)
        value = max;
    if (per_page != NULL) {
        size_t len = strlen(per_page);

        if (len > 0 && len <= 10 && strspn(per_page, "0123456789") == len)
            value = strtoul(per_page, NULL, 10);
        else
            value = 0;
        if (value < 1 || value > max) {
            snprintf(message, sizeof(message),
                     "parameter 'per_page' must be an integer from 1 to %u", max);
            return ms_response_bad_request(out, message);
        }
    }
    *limit = (unsigned)value;
    return 0;
}

/* The 200 body: the id asked about and the similar documents. */
static json_t *
similar_json(const char *id, const ms_results_t *results)
{
    json_t *list = json_array(), *body = NULL;
    int rc = list != NULL ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < results->n_hits; i++)
        rc |= ms_json_append(list, ms_json_hit(&results->hits[i], false));
    if (rc == 0)
        body = json_pack("{s:o,s:O}", "id", ms_json_string(id), "results", list);
    json_decref(list);
    return body;
}

/* Check the request: its parameters (only per_page) into *limit and the
 * {id} into *id, which the caller frees. Returns 0 or the status of the
 * error document in *out. */
static int
read_request(char **id, unsigned *limit, json_t **out, const ms_context_t *ctx,
             unsigned max_per_page)
{
    static const char *const allowed[] = {"per_page", NULL};
    ms_params_t params = {NULL, 0};
    ms_request_status_t status;
    int http;

    *id = NULL;
    http = ms_params_parse_only(&params, out, ctx->req->query, allowed);
    if (http == 0)
        http =
            similar_limit(limit, out, ms_params_get(&params, "per_page"), max_per_page);
    ms_params_free(&params);
    if (http != 0)
        return http;
    status = ms_request_id(id, ctx->id, ctx->id_length);
    if (status == MS_REQUEST_OK)
        return 0;
    return status == MS_REQUEST_BAD ? ms_worker_not_found(out)
                                    : ms_response_internal(out);
}

int
ms_endpoint_similar(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_results_t *results = NULL;
    ms_index_status_t status;
    unsigned limit = 0;
    char *id = NULL;
    int http;

    http = read_request(&id, &limit, &out->json, ctx, w->cfg->search.max_per_page);
    if (http != 0)
        goto out;
    status = ms_worker_index(w);
    if (status == MS_INDEX_OK) {
        ms_work_t work = ms_worker_work(w);

        ms_metrics_search_begin();
        status = ms_index_similar(&results, w->idx, id, ctx->viewer, limit, &work);
        ms_metrics_search_end(status == MS_INDEX_CANCELLED);
    }
    if (status == MS_INDEX_NOT_FOUND && w->idx != NULL)
        http = ms_worker_missing(&out->json, w, id);
    else if (status != MS_INDEX_OK)
        http = ms_worker_index_error(&out->json, w, status);
    else
        http = ms_shards_answer(out, w, ms_response_json(out, similar_json(id, results)));
    w->hits = results != NULL ? (long)results->n_hits : -1;
out:
    ms_results_free(results);
    free(id);
    return http;
}
