/* worker.c - the per-thread index handle and what endpoints fetch with it
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Endpoints do no I/O other than on the worker's index handle. Whatever
 * the index layer says (paths, Xapian descriptions) goes to w->detail,
 * which the server writes to the log; clients get the fixed messages of
 * the status table below.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_clock.h"
#include "ms_log.h"
#include "ms_metrics.h"
#include "ms_request.h"
#include "ms_response.h"
#include "ms_worker.h"

/* The one table from index status to HTTP. MS_INDEX_NOT_FOUND here means
 * the index itself is missing: callers that look up a document handle the
 * "no such document" meaning before they get here. Any status not listed
 * is a 500. */
static const struct index_error {
    ms_index_status_t status;
    int http;
    const char *code;
    const char *message;
} index_errors[] = {
    {MS_INDEX_BAD_QUERY, 400, "bad_query",
     "the query cannot be parsed, even as plain words"},
    {MS_INDEX_NOT_FOUND, 503, "no_index", "no search index is available"},
    {MS_INDEX_MODIFIED, 503, "no_index", "the search index is being updated; retry"},
    {MS_INDEX_OVER_BUDGET, 503, "over_budget",
     "the search ran out of time; try fewer words or wildcards"},
    {MS_INDEX_CANCELLED, 503, "cancelled", "the request was abandoned"},
};

void
ms_worker_init(ms_worker_t *w, const ms_config_t *cfg)
{
    memset(w, 0, sizeof(*w));
    w->cfg = cfg;
    w->idx = NULL;
    w->conn_fd = -1;
    ms_worker_reset(w);
}

void
ms_worker_fini(ms_worker_t *w)
{
    ms_index_close(w->idx);
    w->idx = NULL;
    w->answers = NULL; /* the server's */
}

void
ms_worker_reset(ms_worker_t *w)
{
    w->route = NULL;
    w->hits = -1;
    w->detail[0] = '\0';
}

static void
set_detail(ms_worker_t *w, const char *what, const char *text)
{
    snprintf(w->detail, sizeof(w->detail), "%s: %s", what, text);
}

/* Tell the metrics which revision this worker now serves. */
static void
note_revision(ms_worker_t *w, bool opened)
{
    ms_index_info_t info;

    /* As an anonymous viewer would: no answer of the server, /metrics
     * included, depends on a document someone may not see (the
     * differential test checks it); migsearch-index status counts all. */
    if (ms_index_info_visible(&info, w->idx, NULL) != MS_INDEX_OK) {
        w->index_state = 0; /* unknown: nothing is kept (ms_answers.h) */
        return;
    }
    ms_metrics_index_seen(info.revision, info.doc_count,
                          !opened && info.revision != w->revision);
    w->revision = info.revision;
    w->index_state = info.state;
}

/* The timeout of one operation on a remote shard, which Xapian fixes when
 * it opens the shard: index.remote_timeout_ms, but at most half the
 * search budget, so that a search that meets a hung shard still has half
 * its budget to answer without it (docs/architecture.md, "Shards"). */
static unsigned
remote_timeout(const ms_config_t *cfg)
{
    unsigned half_budget = cfg->search.time_budget_ms / 2;
    unsigned timeout = cfg->index.remote_timeout_ms;

    if (half_budget > 0 && (timeout == 0 || timeout > half_budget))
        timeout = half_budget;
    return timeout;
}

static ms_index_status_t
open_index(ms_worker_t *w, const struct timespec *now)
{
    ms_index_error_t err;
    ms_index_status_t status;

    err.text[0] = '\0';
    w->remote_timeout_ms = remote_timeout(w->cfg);
    const ms_index_remote_t remote = {w->cfg->index.remote, w->remote_timeout_ms,
                                      w->cfg->index.remote_connect_timeout_ms,
                                      w->cfg->index.remote_reprobe_s};
    status = ms_index_open_remote(&w->idx, w->cfg->index.path, &remote, &err);
    if (status != MS_INDEX_OK) {
        w->idx = NULL;
        set_detail(w, "open index", err.text);
        return status;
    }
    w->last_refresh = *now;
    note_revision(w, true);
    return MS_INDEX_OK;
}

static ms_index_status_t
open_or_refresh(ms_worker_t *w)
{
    ms_index_status_t status;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    /* A reload changed the budget: the remote shards again, bounded by it. */
    if (w->idx != NULL && w->cfg->index.remote != NULL &&
        w->cfg->index.remote[0] != '\0' &&
        remote_timeout(w->cfg) != w->remote_timeout_ms) {
        ms_index_close(w->idx);
        w->idx = NULL;
    }
    if (w->idx == NULL)
        return open_index(w, &now);
    /* A refresh is cheap but not free; once a second is enough for the
     * indexer's commits to show up promptly. */
    if (ms_clock_seconds(&w->last_refresh, &now) < 1.0)
        return MS_INDEX_OK;
    status = ms_index_refresh(w->idx);
    if (status == MS_INDEX_OK) {
        w->last_refresh = now;
        note_revision(w, false);
        return MS_INDEX_OK;
    }
    /* The index may have been replaced or damaged (a search host's copy
     * a full replication removed: packaging/cluster/migsearch-replica):
     * start over with a new handle rather than keep a broken one. When
     * that opens, the request goes on and the refresh's error is only
     * noted; otherwise the open's error is the request's. */
    char why[sizeof(w->detail)];
    snprintf(why, sizeof(why), "%s", ms_index_errmsg(w->idx));
    ms_index_close(w->idx);
    w->idx = NULL;
    status = open_index(w, &now);
    if (status == MS_INDEX_OK)
        ms_log(MS_LOG_INFO, "index opened again after a failed refresh: %s", why);
    return status;
}

ms_index_status_t
ms_worker_index(ms_worker_t *w)
{
    ms_index_status_t status = open_or_refresh(w);

    /* Every time: a reload may have changed search.cache_mb. */
    if (status == MS_INDEX_OK)
        ms_index_set_cache(w->idx, (size_t)w->cfg->search.cache_mb << 20);
    return status;
}

int
ms_worker_index_error(json_t **out, ms_worker_t *w, ms_index_status_t status)
{
    if (w->detail[0] == '\0' && w->idx != NULL)
        set_detail(w, ms_index_status_string(status), ms_index_errmsg(w->idx));
    else if (w->detail[0] == '\0')
        set_detail(w, "index", ms_index_status_string(status));
    /* After these the handle may be stuck on an old or broken revision. */
    if (status == MS_INDEX_MODIFIED || status == MS_INDEX_IO ||
        status == MS_INDEX_XAPIAN || status == MS_INDEX_INTERNAL) {
        ms_index_close(w->idx);
        w->idx = NULL;
    }
    for (size_t i = 0; i < sizeof(index_errors) / sizeof(index_errors[0]); i++) {
        if (index_errors[i].status == status)
            return ms_response_error(out, index_errors[i].http, index_errors[i].code,
                                     index_errors[i].message);
    }
    return ms_response_internal(out);
}

int
ms_worker_not_found(json_t **out)
{
    return ms_response_error(out, 404, "not_found", "no such document");
}

int
ms_worker_shard_down(json_t **out)
{
    return ms_response_error(out, 503, "shard_down",
                             "a shard of the index is down; try again later");
}

int
ms_worker_missing(json_t **out, ms_worker_t *w, const char *id)
{
    unsigned shard;

    /* The id's shard alone decides, never the document: a hidden, a
     * missing and an existing document of a shard down are the same. */
    if (w->idx != NULL && ms_index_document_shard_down(w->idx, id, &shard))
        return ms_worker_shard_down(out);
    return ms_worker_not_found(out);
}

int
ms_worker_document(ms_document_t **doc, json_t **out, ms_worker_t *w, const char *segment,
                   size_t len, const ms_viewer_t *viewer)
{
    ms_index_status_t status;
    ms_request_status_t id_status;
    char *id = NULL;
    int http = 0;

    *doc = NULL;
    id_status = ms_request_id(&id, segment, len);
    if (id_status != MS_REQUEST_OK) {
        http = id_status == MS_REQUEST_BAD ? ms_worker_not_found(out)
                                           : ms_response_internal(out);
        goto out;
    }
    status = ms_worker_index(w);
    if (status == MS_INDEX_OK)
        status = ms_index_get_visible(doc, w->idx, id, viewer);
    if (status == MS_INDEX_NOT_FOUND && w->idx != NULL) {
        /* Hidden and missing are the same answer, on purpose. */
        *doc = NULL;
        http = ms_worker_missing(out, w, id);
    } else if (status != MS_INDEX_OK) {
        *doc = NULL;
        http = ms_worker_index_error(out, w, status);
    }
out:
    free(id);
    return http;
}

/* nginx closes the FastCGI connection when its client aborts
 * (fastcgi_ignore_client_abort off, its default), so a hang-up of the
 * connection, or a reset, means nobody wants the answer; data waiting to
 * be read does not. One poll() that does not wait: cheap enough to ask
 * between every phase of a search. */
bool
ms_worker_client_gone(void *payload)
{
    struct pollfd conn = {.fd = *(const int *)payload, .events = POLLRDHUP};

    if (conn.fd < 0)
        return false;
    return poll(&conn, 1, 0) > 0 && (conn.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

ms_work_t
ms_worker_work(ms_worker_t *w)
{
    ms_work_t work = {
        .time_budget_ms = w->cfg->search.time_budget_ms,
        .cancelled = ms_worker_client_gone,
        .cancel_payload = &w->conn_fd,
    };
    return work;
}
