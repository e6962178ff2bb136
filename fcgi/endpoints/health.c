/* health.c - GET /health: whether the index is open, for monitoring
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include "ms_endpoints.h"
#include "ms_json.h"
#include "ms_last_run.h"
#include "ms_metrics.h"
#include "ms_replica.h"
#include "ms_shards.h"

/* "finished" of the report, or JSON null. */
static json_t *
last_commit(const json_t *report)
{
    json_t *value = json_object_get(report, "finished");

    return json_is_string(value) ? ms_json_string(json_string_value(value)) : json_null();
}

/* How many files the last run kept at their last good version because the
 * new one has an error (docs/staff.md). A count, not the names: /health
 * answers every viewer, and a file's name may tell of a restricted
 * meeting; `migsearch-index status` names them. */
static json_int_t
kept_files(const json_t *report)
{
    return (json_int_t)json_array_size(json_object_get(report, "kept"));
}

int
ms_endpoint_health(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_index_info_t info;
    ms_index_status_t status;
    json_t *error = NULL;
    int http;

    status = ms_worker_index(w);
    if (status == MS_INDEX_OK) {
        /* What the viewer may see: the count of hidden documents, or a
         * commit that changed only them, is not the viewer's to learn. */
        status = ms_index_info_visible(&info, w->idx, ctx->viewer);
        if (status == MS_INDEX_OK) {
            json_t *report = ms_last_run_get(w);
            out->json = json_pack(
                "{s:s,s:I,s:I,s:o?,s:I,s:s,s:i,s:{s:I,s:I}}", "status", "ok", "documents",
                (json_int_t)info.doc_count, "revision", (json_int_t)info.revision,
                "last_commit", last_commit(report), "kept_files", kept_files(report),
                "version", MS_VERSION, "api", MS_API_VERSION, "searches", "running",
                (json_int_t)ms_metrics_searches_running(), "cancelled",
                (json_int_t)ms_metrics_searches_cancelled());
            json_decref(report);
            /* On a replica, how far behind the indexing host it may be. */
            if (out->json != NULL) {
                json_t *replication = ms_replica_health(w->cfg->index.path);

                if (replication != NULL)
                    json_object_set_new(out->json, "replication", replication);
            }
            /* "degraded" with a shard down: searches are partial or 503. */
            http = out->json != NULL ? ms_shards_health(out->json, w) : 500;
            if (http == 500) { /* no "ok" in an answer that failed */
                json_decref(out->json);
                out->json = NULL;
                return ms_response_internal(&out->json);
            }
            return http;
        }
    }
    /* Health checks want "unavailable", whatever the cause: reuse the
     * error table for the code and message, but always answer 503. */
    ms_worker_index_error(&error, w, status);
    if (error == NULL)
        return 500;
    out->json = json_pack("{s:s,s:O,s:o?}", "status", "unavailable", "error",
                          json_object_get(error, "error"), "replication",
                          ms_replica_health(w->cfg->index.path));
    http = out->json != NULL ? 503 : 500;
    json_decref(error);
    return http;
}
