/* metrics.c - GET /metrics: the counters in Prometheus text format
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The endpoints are the rows of the route table the dispatcher hands
 * over, each under its own label, so a new route is counted and shown
 * without a line here.
 */
#include <stdlib.h>

#include "ms_endpoints.h"
#include "ms_last_run.h"
#include "ms_metrics.h"
#include "ms_replica.h"
#include "ms_shards.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

int
ms_endpoint_metrics(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    const char *labels[MS_METRICS_MAX_ENDPOINTS];
    size_t n = 0;

    for (; n < ctx->n_routes && n < MS_METRICS_MAX_ENDPOINTS; n++)
        labels[n] = ctx->routes[n].label;
    out->text = ms_metrics_render(&out->text_length, labels, n);
    if (out->text == NULL)
        return ms_response_internal(&out->json);
    /* The indexer's last run, when the index can be read; the replication
     * status of a replica, whether or not it can. */
    {
        ms_buf_t b = MS_BUF_INIT;
        ms_buf_append(&b, out->text, out->text_length);
        if (ms_worker_index(w) == MS_INDEX_OK) {
            json_t *report = ms_last_run_get(w);
            ms_last_run_metrics(&b, report);
            ms_shards_metrics(&b, w);
            json_decref(report);
        }
        ms_replica_metrics(&b, w->cfg->index.path);
        free(out->text);
        out->text = ms_buf_take(&b, &out->text_length);
        if (out->text == NULL)
            return ms_response_internal(&out->json);
    }
    out->content_type = CONTENT_TYPE;
    return 200;
}
