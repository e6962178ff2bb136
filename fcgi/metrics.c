/* metrics.c - request counters and latency histograms in Prometheus text format
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * All state is a fixed set of C11 atomic counters: workers record without
 * locks, and /metrics reads whatever has been recorded so far. A counter
 * read while another thread updates it may be one request behind, which
 * Prometheus tolerates; the histogram's _count is derived from its buckets
 * so that the two always agree in one scrape.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_metrics.h"

/* Statuses the handlers return; anything else is counted as "other". */
static const int known_statuses[] = {200, 400, 404, 405, 500, 503};
#define N_STATUSES (sizeof(known_statuses) / sizeof(known_statuses[0]) + 1)

/* Upper bounds in seconds: a search should sit in the first few. */
static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define N_BUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]) + 1) /* +Inf */

static _Atomic uint64_t requests[MS_METRICS_OTHER + 1][N_STATUSES];
/* Non-cumulative: buckets[e][i] counts requests in (bound[i-1], bound[i]]. */
static _Atomic uint64_t buckets[MS_METRICS_OTHER + 1][N_BUCKETS];
static _Atomic uint64_t duration_us[MS_METRICS_OTHER + 1];
static _Atomic uint64_t reopens;
static _Atomic uint64_t index_revision;
static _Atomic uint64_t index_documents;
static _Atomic int index_open; /* 1 once any worker has the index open */
static _Atomic uint64_t searches_running;
static _Atomic uint64_t searches_cancelled;
static _Atomic uint64_t result_cache_hits, result_cache_misses;

void
ms_metrics_record(size_t endpoint, int status, double seconds)
{
    size_t s = N_STATUSES - 1, b = N_BUCKETS - 1;

    if (endpoint > MS_METRICS_OTHER)
        endpoint = MS_METRICS_OTHER;
    for (size_t i = 0; i < N_STATUSES - 1; i++) {
        if (known_statuses[i] == status) {
            s = i;
            break;
        }
    }
    if (seconds < 0)
        seconds = 0;
    for (size_t i = 0; i < N_BUCKETS - 1; i++) {
        if (seconds <= bucket_bounds[i]) {
            b = i;
            break;
        }
    }
    atomic_fetch_add_explicit(&requests[endpoint][s], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&buckets[endpoint][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&duration_us[endpoint], (uint64_t)(seconds * 1e6),
                              memory_order_relaxed);
}

void
ms_metrics_index_seen(unsigned long revision, unsigned long documents, bool reopened)
{
    atomic_store_explicit(&index_revision, revision, memory_order_relaxed);
    atomic_store_explicit(&index_documents, documents, memory_order_relaxed);
    atomic_store_explicit(&index_open, 1, memory_order_relaxed);
    if (reopened)
        atomic_fetch_add_explicit(&reopens, 1, memory_order_relaxed);
}

void
ms_metrics_search_begin(void)
{
    atomic_fetch_add(&searches_running, 1);
}

void
ms_metrics_search_end(bool cancelled)
{
    atomic_fetch_sub(&searches_running, 1);
    if (cancelled)
        atomic_fetch_add(&searches_cancelled, 1);
}

void
ms_metrics_result_cache(bool hit)
{
    atomic_fetch_add_explicit(hit ? &result_cache_hits : &result_cache_misses, 1,
                              memory_order_relaxed);
}

unsigned long
ms_metrics_searches_running(void)
{
    return (unsigned long)atomic_load(&searches_running);
}

unsigned long
ms_metrics_searches_cancelled(void)
{
    return (unsigned long)atomic_load(&searches_cancelled);
}

/* The counters of 'endpoint' under 'label'. */
static void
render_endpoint(ms_buf_t *b, size_t endpoint, const char *label)
{
    for (size_t s = 0; s < N_STATUSES; s++) {
        uint64_t n = atomic_load_explicit(&requests[endpoint][s], memory_order_relaxed);
        char status[16];

        if (s < N_STATUSES - 1)
            snprintf(status, sizeof(status), "%d", known_statuses[s]);
        else
            snprintf(status, sizeof(status), "other");
        ms_buf_printf(b, "migsearch_requests_total{endpoint=\"%s\",status=\"%s\"} %llu\n",
                      label, status, (unsigned long long)n);
    }
}

/* The latency histogram of 'endpoint' under 'label'. */
static void
render_histogram(ms_buf_t *b, size_t endpoint, const char *label)
{
    uint64_t cumulative = 0;

    for (size_t i = 0; i < N_BUCKETS; i++) {
        cumulative += atomic_load_explicit(&buckets[endpoint][i], memory_order_relaxed);
        if (i < N_BUCKETS - 1)
            ms_buf_printf(b,
                          "migsearch_request_duration_seconds_bucket{endpoint=\"%s\","
                          "le=\"%g\"} %llu\n",
                          label, bucket_bounds[i], (unsigned long long)cumulative);
        else
            ms_buf_printf(b,
                          "migsearch_request_duration_seconds_bucket{endpoint=\"%s\","
                          "le=\"+Inf\"} %llu\n",
                          label, (unsigned long long)cumulative);
    }
    ms_buf_printf(
        b, "migsearch_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", label,
        (double)atomic_load_explicit(&duration_us[endpoint], memory_order_relaxed) / 1e6);
    ms_buf_printf(b, "migsearch_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
                  label, (unsigned long long)cumulative);
}

char *
ms_metrics_render(size_t *length, const char *const *labels, size_t n_labels)
{
    ms_buf_t b = MS_BUF_INIT;

    if (n_labels > MS_METRICS_MAX_ENDPOINTS)
        n_labels = MS_METRICS_MAX_ENDPOINTS;
    ms_buf_puts(&b, "# HELP migsearch_requests_total Requests answered, by endpoint and "
                    "HTTP status.\n# TYPE migsearch_requests_total counter\n");
    for (size_t e = 0; e < n_labels; e++)
        render_endpoint(&b, e, labels[e]);
    render_endpoint(&b, MS_METRICS_OTHER, "other");

    ms_buf_puts(&b, "# HELP migsearch_request_duration_seconds Time from accepting a "
                    "request to the end of its reply.\n"
                    "# TYPE migsearch_request_duration_seconds histogram\n");
    for (size_t e = 0; e < n_labels; e++)
        render_histogram(&b, e, labels[e]);
    render_histogram(&b, MS_METRICS_OTHER, "other");

    ms_buf_printf(
        &b,
        "# HELP migsearch_index_up Whether a worker has the index open.\n"
        "# TYPE migsearch_index_up gauge\nmigsearch_index_up %d\n"
        "# HELP migsearch_index_revision Newest index revision a worker has open "
        "(public).\n"
        "# TYPE migsearch_index_revision gauge\nmigsearch_index_revision %llu\n"
        "# HELP migsearch_index_documents Public documents in that revision.\n"
        "# TYPE migsearch_index_documents gauge\nmigsearch_index_documents %llu\n"
        "# HELP migsearch_index_reopens_total Times a worker moved to a newer "
        "revision.\n# TYPE migsearch_index_reopens_total counter\n"
        "migsearch_index_reopens_total %llu\n"
        "# HELP migsearch_searches_running Searches, suggestions and similar-document "
        "lookups running now.\n"
        "# TYPE migsearch_searches_running gauge\nmigsearch_searches_running %llu\n"
        "# HELP migsearch_searches_cancelled_total Searches stopped because their "
        "client had gone.\n# TYPE migsearch_searches_cancelled_total counter\n"
        "migsearch_searches_cancelled_total %llu\n"
        "# HELP migsearch_result_cache_hits_total Searches answered again from the "
        "server's kept answers (search.result_cache_mb).\n"
        "# TYPE migsearch_result_cache_hits_total counter\n"
        "migsearch_result_cache_hits_total %llu\n"
        "# HELP migsearch_result_cache_misses_total Searches looked for in the server's "
        "kept answers and run.\n"
        "# TYPE migsearch_result_cache_misses_total counter\n"
        "migsearch_result_cache_misses_total %llu\n",
        atomic_load(&index_open), (unsigned long long)atomic_load(&index_revision),
        (unsigned long long)atomic_load(&index_documents),
        (unsigned long long)atomic_load(&reopens),
        (unsigned long long)atomic_load(&searches_running),
        (unsigned long long)atomic_load(&searches_cancelled),
        (unsigned long long)atomic_load(&result_cache_hits),
        (unsigned long long)atomic_load(&result_cache_misses));
    return ms_buf_take(&b, length);
}
