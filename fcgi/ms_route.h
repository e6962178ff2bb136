/* ms_route.h - the route table of migsearch-fcgi and its dispatcher
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One row per route (ms_route_t, ms_endpoints.h): its path pattern, the
 * endpoint that answers it, its metrics label and whether its query
 * string may be logged. The server, the metrics and the log read those
 * from the table; nothing else lists the endpoints.
 */
#ifndef MS_ROUTE_H
#define MS_ROUTE_H

#include <stddef.h>

#include "ms_endpoints.h"

/* The route table, in the order /metrics shows its endpoints. */
extern const ms_route_t ms_routes[];
extern const size_t ms_n_routes;

/* The row whose pattern matches the raw path 'path' (NULL: none), or NULL.
 * A pattern matches a path that is the same but for its "{id}", which
 * stands for the rest of the path up to the pattern's tail, '/' included
 * (the endpoint then refuses it with the id rule: /doc/a/b is the same
 * 404 as any unknown id); of several matches the longest pattern wins
 * (/doc/{id}/file over /doc/{id}). *id and *id_length receive the part
 * of 'path' the {id} stands for (NULL and 0 without one). */
const ms_route_t *ms_route_match(const char *path, const char **id, size_t *id_length);

/* The metrics endpoint of 'route' (a row of ms_routes, or NULL for a
 * request no route matched: MS_METRICS_OTHER). */
size_t ms_route_endpoint(const ms_route_t *route);

/* Answer 'req': check the method (GET and HEAD; anything else is a 405
 * on every path), match the path (none: 404) and call the row's
 * endpoint.
 *
 * Fills *out (which the caller releases with ms_response_free(); its old
 * contents are not freed) and returns out->status. Sets w->route to the
 * matched row (NULL: none) and w->hits and w->detail for the log. The
 * only I/O is on the worker's index; every index call is made for the
 * viewer described by req->groups. Not thread-safe per worker. */
int ms_route(ms_response_t *out, ms_worker_t *w, const ms_request_t *req);

#endif /* MS_ROUTE_H */
