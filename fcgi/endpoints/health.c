/* health.c - GET /health: whether the index is open, for monitoring
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include "ms_endpoints.h"
#include "ms_json.h"
#include "ms_metrics.h"

/* "finished" of the indexer's last_run report, or JSON null when there is
 * none or it cannot be read: /health must not fail over a report. */
static json_t *
last_commit(ms_worker_t *w)
{
    char *text = NULL;
    json_t *report, *value;

    if (ms_index_metadata_get(&text, w->idx, "last_run") != MS_INDEX_OK)
        return json_null();
    report = json_loads(text, 0, NULL);
    ms_index_string_free(text);
    value = json_object_get(report, "finished");
    value =
        json_is_string(value) ? ms_json_string(json_string_value(value)) : json_null();
    json_decref(report);
    return value;
}

int
ms_endpoint_health(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_index_info_t info;
    ms_index_status_t status;
    json_t *error = NULL;
    int http;

    (void)ctx;
    status = ms_worker_index(w);
    if (status == MS_INDEX_OK) {
        status = ms_index_info(&info, w->idx);
        if (status == MS_INDEX_OK) {
            out->json =
                json_pack("{s:s,s:I,s:I,s:o?,s:s,s:i,s:{s:I,s:I}}", "status", "ok",
                          "documents", (json_int_t)info.doc_count, "revision",
                          (json_int_t)info.revision, "last_commit", last_commit(w),
                          "version", MS_VERSION, "api", MS_API_VERSION, "searches",
                          "running", (json_int_t)ms_metrics_searches_running(),
                          "cancelled", (json_int_t)ms_metrics_searches_cancelled());
            return out->json != NULL ? 200 : 500;
        }
    }
    /* Health checks want "unavailable", whatever the cause: reuse the
     * error table for the code and message, but always answer 503. */
    ms_worker_index_error(&error, w, status);
    if (error == NULL)
        return 500;
    out->json = json_pack("{s:s,s:O}", "status", "unavailable", "error",
                          json_object_get(error, "error"));
    http = out->json != NULL ? 503 : 500;
    json_decref(error);
    return http;
}
