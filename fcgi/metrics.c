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
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_fcgi.h"

static const char *const endpoint_names[MS_ENDPOINT_COUNT] = {
    "search", "doc",      "file",   "suggest", "similar",
    "feed",   "fragment", "health", "metrics", "other",
};

/* Statuses the handlers return; anything else is counted as "other". */
static const int known_statuses[] = {200, 400, 404, 405, 500, 503};
#define N_STATUSES (sizeof(known_statuses) / sizeof(known_statuses[0]) + 1)

/* Upper bounds in seconds: a search should sit in the first few. */
static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define N_BUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]) + 1) /* +Inf */

static _Atomic uint64_t requests[MS_ENDPOINT_COUNT][N_STATUSES];
/* Non-cumulative: buckets[e][i] counts requests in (bound[i-1], bound[i]]. */
static _Atomic uint64_t buckets[MS_ENDPOINT_COUNT][N_BUCKETS];
static _Atomic uint64_t duration_us[MS_ENDPOINT_COUNT];
static _Atomic uint64_t reopens;
static _Atomic uint64_t index_revision;
static _Atomic uint64_t index_documents;
static _Atomic int index_open; /* 1 once any worker has the index open */

ms_endpoint_t
ms_metrics_endpoint(const char *path)
{
    size_t len;

    if (path == NULL)
        return MS_ENDPOINT_OTHER;
    len = strlen(path);
    if (strcmp(path, "/search") == 0)
        return MS_ENDPOINT_SEARCH;
    if (strncmp(path, "/doc/", 5) == 0)
        return len > 10 && strcmp(path + len - 5, "/file") == 0 ? MS_ENDPOINT_FILE
                                                                : MS_ENDPOINT_DOC;
    if (strcmp(path, "/suggest") == 0)
        return MS_ENDPOINT_SUGGEST;
    if (strncmp(path, "/similar/", 9) == 0)
        return MS_ENDPOINT_SIMILAR;
    if (strcmp(path, "/feed") == 0)
        return MS_ENDPOINT_FEED;
    if (strcmp(path, "/fragment") == 0)
        return MS_ENDPOINT_FRAGMENT;
    if (strcmp(path, "/health") == 0)
        return MS_ENDPOINT_HEALTH;
    if (strcmp(path, "/metrics") == 0)
        return MS_ENDPOINT_METRICS;
    return MS_ENDPOINT_OTHER;
}

void
ms_metrics_record(ms_endpoint_t endpoint, int status, double seconds)
{
    size_t s = N_STATUSES - 1, b = N_BUCKETS - 1;

    if ((unsigned)endpoint >= MS_ENDPOINT_COUNT)
        endpoint = MS_ENDPOINT_OTHER;
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

/* A growing text buffer; 'failed' sticks after the first allocation error. */
typedef struct text {
    char *data;
    size_t length, capacity;
    bool failed;
} text_t;

static void append(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
append(text_t *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->failed)
        return;
    for (;;) {
        size_t room = t->capacity - t->length;
        va_start(ap, fmt);
        n = vsnprintf(t->data != NULL ? t->data + t->length : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < room) {
            t->length += (size_t)n;
            return;
        }
        size_t capacity = t->capacity ? t->capacity * 2 : 4096;
        while (capacity - t->length <= (size_t)n)
            capacity *= 2;
        char *grown = realloc(t->data, capacity);
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->capacity = capacity;
    }
}

char *
ms_metrics_render(size_t *length)
{
    text_t t = {0};

    append(&t, "# HELP migsearch_requests_total Requests answered, by endpoint and "
               "HTTP status.\n# TYPE migsearch_requests_total counter\n");
    for (size_t e = 0; e < MS_ENDPOINT_COUNT; e++) {
        for (size_t s = 0; s < N_STATUSES; s++) {
            uint64_t n = atomic_load_explicit(&requests[e][s], memory_order_relaxed);
            char status[16];
            if (s < N_STATUSES - 1)
                snprintf(status, sizeof(status), "%d", known_statuses[s]);
            else
                snprintf(status, sizeof(status), "other");
            append(&t, "migsearch_requests_total{endpoint=\"%s\",status=\"%s\"} %llu\n",
                   endpoint_names[e], status, (unsigned long long)n);
        }
    }

    append(&t, "# HELP migsearch_request_duration_seconds Time from accepting a "
               "request to the end of its reply.\n"
               "# TYPE migsearch_request_duration_seconds histogram\n");
    for (size_t e = 0; e < MS_ENDPOINT_COUNT; e++) {
        uint64_t cumulative = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cumulative += atomic_load_explicit(&buckets[e][b], memory_order_relaxed);
            if (b < N_BUCKETS - 1)
                append(&t,
                       "migsearch_request_duration_seconds_bucket{endpoint=\"%s\","
                       "le=\"%g\"} %llu\n",
                       endpoint_names[e], bucket_bounds[b],
                       (unsigned long long)cumulative);
            else
                append(&t,
                       "migsearch_request_duration_seconds_bucket{endpoint=\"%s\","
                       "le=\"+Inf\"} %llu\n",
                       endpoint_names[e], (unsigned long long)cumulative);
        }
        append(&t, "migsearch_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n",
               endpoint_names[e],
               (double)atomic_load_explicit(&duration_us[e], memory_order_relaxed) / 1e6);
        append(&t, "migsearch_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
               endpoint_names[e], (unsigned long long)cumulative);
    }

    append(&t,
           "# HELP migsearch_index_up Whether a worker has the index open.\n"
           "# TYPE migsearch_index_up gauge\nmigsearch_index_up %d\n"
           "# HELP migsearch_index_revision Newest index revision a worker has open.\n"
           "# TYPE migsearch_index_revision gauge\nmigsearch_index_revision %llu\n"
           "# HELP migsearch_index_documents Documents in that revision.\n"
           "# TYPE migsearch_index_documents gauge\nmigsearch_index_documents %llu\n"
           "# HELP migsearch_index_reopens_total Times a worker moved to a newer "
           "revision.\n# TYPE migsearch_index_reopens_total counter\n"
           "migsearch_index_reopens_total %llu\n",
           atomic_load(&index_open), (unsigned long long)atomic_load(&index_revision),
           (unsigned long long)atomic_load(&index_documents),
           (unsigned long long)atomic_load(&reopens));

    if (t.failed) {
        free(t.data);
        return NULL;
    }
    *length = t.length;
    return t.data;
}
