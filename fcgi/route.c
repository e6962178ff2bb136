/* route.c - the route table of migsearch-fcgi and its dispatcher
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The dispatcher only dispatches: method check, match, call. Everything
 * an endpoint needs is in the layer below (ms_fcgi_core), never here, so
 * no endpoint calls back into this file. Adding an endpoint is a file in
 * endpoints/ (with its prototype in ms_endpoints.h and its name in
 * fcgi/CMakeLists.txt) and a row below; nginx.conf.example must route a
 * new path to the server too. Its metrics label and log flag come from
 * the row, nowhere else.
 */
#include <string.h>

#include "ms_metrics.h"
#include "ms_route.h"

/* clang-format off */
const ms_route_t ms_routes[] = {
    /* pattern         endpoint              metrics label  query may be logged */
    {"/search",        ms_endpoint_search,   "search",      true},
    {"/doc/{id}",      ms_endpoint_doc,      "doc",         false},
    {"/doc/{id}/file", ms_endpoint_file,     "file",        false},
    {"/suggest",       ms_endpoint_suggest,  "suggest",     true},
    {"/similar/{id}",  ms_endpoint_similar,  "similar",     false},
    {"/feed",          ms_endpoint_feed,     "feed",        true},
    {"/fragment",      ms_endpoint_fragment, "fragment",    true},
    {"/health",        ms_endpoint_health,   "health",      false},
    {"/metrics",       ms_endpoint_metrics,  "metrics",     false},
    {"/schema",        ms_endpoint_schema,   "schema",      false},
    {"/meeting/{id}",  ms_endpoint_meeting,  "meeting",     false},
    {"/country/{id}",  ms_endpoint_country,  "country",     false},
};
/* clang-format on */

const size_t ms_n_routes = sizeof(ms_routes) / sizeof(ms_routes[0]);

_Static_assert(sizeof(ms_routes) / sizeof(ms_routes[0]) <= MS_METRICS_MAX_ENDPOINTS,
               "the metrics have room for every route");

/* true if 'path' matches 'pattern' (see ms_route_match). */
static bool
match(const char *pattern, const char *path, const char **id, size_t *id_length)
{
    const char *hole = strstr(pattern, "{id}");
    size_t head, tail, len = strlen(path);

    *id = NULL;
    *id_length = 0;
    if (hole == NULL)
        return strcmp(pattern, path) == 0;
    head = (size_t)(hole - pattern);
    tail = strlen(hole + 4);
    if (len < head + tail || strncmp(path, pattern, head) != 0 ||
        strcmp(path + len - tail, hole + 4) != 0)
        return false;
    *id = path + head;
    *id_length = len - head - tail;
    return true;
}

const ms_route_t *
ms_route_match(const char *path, const char **id, size_t *id_length)
{
    const ms_route_t *best = NULL;
    const char *found;
    size_t found_length;

    *id = NULL;
    *id_length = 0;
    for (size_t i = 0; path != NULL && i < ms_n_routes; i++) {
        if (!match(ms_routes[i].pattern, path, &found, &found_length))
            continue;
        if (best != NULL && strlen(best->pattern) >= strlen(ms_routes[i].pattern))
            continue;
        best = &ms_routes[i];
        *id = found;
        *id_length = found_length;
    }
    return best;
}

size_t
ms_route_endpoint(const ms_route_t *route)
{
    return route != NULL ? (size_t)(route - ms_routes) : MS_METRICS_OTHER;
}

/* The query string to parse: QUERY_STRING, unless the query part of the
 * REQUEST_URI the client sent has a bad escape. lighttpd re-encodes
 * QUERY_STRING ("%ZZ" arrives as "%25ZZ"); the endpoints then parse the
 * client's own and refuse it as any bad escape, each in its own format
 * (/fragment in HTML). Endpoints that ignore the query still ignore it. */
static const char *
client_query(const ms_request_t *req)
{
    const char *question = req->uri != NULL ? strchr(req->uri, '?') : NULL;

    if (question != NULL && !ms_request_escapes_valid(question + 1))
        return question + 1;
    return req->query;
}

int
ms_route(ms_response_t *out, ms_worker_t *w, const ms_request_t *req)
{
    ms_viewer_buf_t viewer;
    ms_request_t raw; /* 'req' with the query string the client sent */
    ms_context_t ctx;
    const ms_route_t *route;

    memset(out, 0, sizeof(*out));
    ms_worker_reset(w);
    route = ms_route_match(req->path, &ctx.id, &ctx.id_length);
    w->route = route;
    if (req->method == NULL ||
        (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)) {
        out->status = ms_response_error(&out->json, 405, "method_not_allowed",
                                        "method not allowed; use GET or HEAD");
    } else if (!ms_request_escapes_valid(req->path)) {
        out->status = ms_response_bad_request(&out->json, "invalid percent-encoding");
    } else if (route == NULL) {
        out->status = ms_response_error(&out->json, 404, "not_found", "no such resource");
    } else {
        ms_request_viewer(&viewer, req->groups);
        raw = *req;
        raw.query = client_query(req);
        ctx.req = &raw;
        ctx.viewer = &viewer.viewer;
        ctx.routes = ms_routes;
        ctx.n_routes = ms_n_routes;
        out->status = route->endpoint(out, w, &ctx);
    }
    if (out->json == NULL && out->text == NULL && out->file == NULL)
        out->status = 500;
    return out->status;
}
