/* ms_metrics.h - request counters and latency histograms for GET /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Counters are kept per endpoint, an endpoint being
 * a row number of the route table (ms_route.h); the labels those rows
 * carry are handed to ms_metrics_render(), so this file names no
 * endpoint. Requests no route matched are counted as "other".
 */
#ifndef MS_METRICS_H
#define MS_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* Rows of the route table the counters have room for. */
#define MS_METRICS_MAX_ENDPOINTS 31

/* The endpoint of a request no route matched: rendered as "other". */
#define MS_METRICS_OTHER MS_METRICS_MAX_ENDPOINTS

/* Count one answered request of 'endpoint' (a route row number, or
 * MS_METRICS_OTHER; anything larger counts as other). Thread-safe,
 * lock-free. */
void ms_metrics_record(size_t endpoint, int status, double seconds);

/* A worker has revision 'revision' with 'documents' documents open;
 * 'reopened' when it moved there from an older revision. Thread-safe. */
void ms_metrics_index_seen(unsigned long revision, unsigned long documents,
                           bool reopened);

/* A search, a suggestion or a similar-documents lookup begins or ends
 * (ms_query_run, the /suggest and /similar endpoints): the gauge
 * migsearch_searches_running; 'cancelled' counts one the client left
 * before its answer (migsearch_searches_cancelled_total). */
void ms_metrics_search_begin(void);
void ms_metrics_search_end(bool cancelled);

/* A /search answer was given again from the server's kept answers ('hit'),
 * or looked for there and searched (migsearch_result_cache_hits_total,
 * _misses_total). Thread-safe. */
void ms_metrics_result_cache(bool hit);

/* Searches running now, and cancelled since the start, for /health. */
unsigned long ms_metrics_searches_running(void);
unsigned long ms_metrics_searches_cancelled(void);

/* Everything recorded so far, in Prometheus text exposition format 0.0.4:
 * endpoints 0 to n_labels - 1 under labels[i] (at most
 * MS_METRICS_MAX_ENDPOINTS are shown), then "other".
 * Returns a new string the caller frees with free() and stores its length
 * in *length, or NULL on allocation failure. Thread-safe. */
char *ms_metrics_render(size_t *length, const char *const *labels, size_t n_labels);

#endif /* MS_METRICS_H */
