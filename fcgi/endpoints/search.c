/* search.c - GET /search: a search as JSON
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The parameters are those of ms_query.h; the answer has a stable shape
 * (docs/api.md): absent scalars are null and absent lists are [].
 */
#include <time.h>

#include "ms_clock.h"
#include "ms_endpoints.h"
#include "ms_json.h"
#include "ms_query.h"
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

int
ms_endpoint_search(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_query_t qp;
    ms_index_status_t status;
    struct timespec start, end;
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
    ms_query_prepare(&qp, w->cfg, ctx->viewer);
    clock_gettime(CLOCK_MONOTONIC, &start);
    http = ms_query_run(&qp, &out->json, w);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (http == 0)
        http = ms_response_json(out,
                                results_json(&qp, ms_clock_seconds(&start, &end) * 1e3));
    http = ms_shards_answer(out, w, http);
out:
    ms_query_free(&qp);
    return http;
}
