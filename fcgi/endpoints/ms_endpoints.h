/* ms_endpoints.h - the endpoints of migsearch-fcgi, one file each
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every endpoint has the one signature ms_endpoint_fn and is called only
 * by the dispatcher (fcgi/route.c), through a row of its route table.
 * Endpoints build on the layer below them (ms_fcgi_core: ms_request.h,
 * ms_query.h, ms_worker.h, ms_json.h, ms_escape.h, ms_fields.h,
 * ms_response.h, ms_metrics.h) and never on each other or on the
 * dispatcher. Adding one: a file here (listed in fcgi/CMakeLists.txt),
 * its prototype below, a row in route.c's table.
 */
#ifndef MS_ENDPOINTS_H
#define MS_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "ms_request.h"
#include "ms_response.h"
#include "ms_worker.h"

struct ms_route;

/* What the dispatcher hands an endpoint besides the worker. Everything is
 * borrowed for the duration of the call. */
typedef struct ms_context {
    const ms_request_t *req;   /* the request as the server received it */
    const ms_viewer_t *viewer; /* from req->groups: pass it to every index call */
    const char *id;            /* the raw {id} of the route's pattern (not
                                  decoded, not NUL-terminated: 'id_length'
                                  bytes); NULL for a pattern without one */
    size_t id_length;
    const struct ms_route *routes; /* the whole route table, in order */
    size_t n_routes;
} ms_context_t;

/* An endpoint: answer the request of 'ctx' into *out (zero-filled by the
 * caller, released by it with ms_response_free()) and return the HTTP
 * status, which the dispatcher stores in out->status. The only I/O is on
 * the worker's index; w->hits is set by endpoints that search. */
typedef int ms_endpoint_fn(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx);

/* One row of the route table (route.c). */
typedef struct ms_route {
    const char *pattern;      /* "/search", or with one "{id}": "/doc/{id}/file" */
    ms_endpoint_fn *endpoint; /* what answers it */
    const char *label;        /* its "endpoint" label in /metrics */
    bool log_query;           /* its query string may be logged (log.queries) */
} ms_route_t;

/* The endpoints; docs/api.md describes each. */
ms_endpoint_fn ms_endpoint_search;   /* GET /search: JSON results */
ms_endpoint_fn ms_endpoint_doc;      /* GET /doc/{id}: one document */
ms_endpoint_fn ms_endpoint_file;     /* GET /doc/{id}/file: server.file_delivery */
ms_endpoint_fn ms_endpoint_suggest;  /* GET /suggest: completions */
ms_endpoint_fn ms_endpoint_similar;  /* GET /similar/{id}: related documents */
ms_endpoint_fn ms_endpoint_feed;     /* GET /feed: a search as Atom */
ms_endpoint_fn ms_endpoint_fragment; /* GET /fragment: results as HTML for SSI */
ms_endpoint_fn ms_endpoint_health;   /* GET /health: index status */
ms_endpoint_fn ms_endpoint_metrics;  /* GET /metrics: Prometheus text */
ms_endpoint_fn ms_endpoint_schema;   /* GET /schema: the field table */
ms_endpoint_fn ms_endpoint_meeting;  /* GET /meeting/{id}: recommendations x countries */
ms_endpoint_fn ms_endpoint_country;  /* GET /country/{id}: a country's recommendations */

/* feed.c: 'date' ("YYYY", "YYYY-MM" or "YYYY-MM-DD" as ms_date_parse()
 * accepts it; NULL or anything else counts as undated) as an RFC 3339
 * time at 00:00:00Z, missing parts taken as 01, into 'out' (at least 21
 * bytes). Undated is 1970-01-01T00:00:00Z. Returns true when the date was
 * usable. */
bool ms_feed_rfc3339(char *out, size_t size, const char *date);

#endif /* MS_ENDPOINTS_H */
