/* serve.c - one FastCGI request: read, route, reply, count, log
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The request's parameters become a plain ms_request_t, the dispatcher
 * answers it (ms_route.h), reply.c writes the answer, and the matched
 * route's row gives the metrics label and whether the query may be
 * logged. Executables may abort on OOM (CONVENTIONS.md, "Memory").
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "ms_clock.h"
#include "ms_log.h"
#include "ms_metrics.h"
#include "ms_route.h"
#include "ms_server.h"

/* Fill 'req' from the parameters of 'request'. Returns the path, which
 * req->path points to and the caller frees with free(). */
static char *
read_request(ms_request_t *req, FCGX_Request *request)
{
    const char *uri, *question;
    char *path;

    memset(req, 0, sizeof(*req));
    req->method = FCGX_GetParam("REQUEST_METHOD", request->envp);
    req->request_id = FCGX_GetParam("REQUEST_ID", request->envp);
    req->remote_user = FCGX_GetParam("REMOTE_USER", request->envp);
    req->groups = FCGX_GetParam("MS_GROUPS", request->envp);
    uri = FCGX_GetParam("REQUEST_URI", request->envp);
    if (uri == NULL)
        uri = "";
    question = strchr(uri, '?');
    path = strndup(uri, question != NULL ? (size_t)(question - uri) : strlen(uri));
    if (path == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        abort();
    }
    req->path = path;
    req->uri = uri;
    req->query = FCGX_GetParam("QUERY_STRING", request->envp);
    if (req->query == NULL && question != NULL)
        req->query = question + 1;
    if (req->method == NULL)
        req->method = "";
    return path;
}

void
ms_serve(ms_worker_t *w, const ms_config_t *cfg, FCGX_Request *request)
{
    ms_response_t response;
    ms_request_t req;
    struct timespec start, end;
    char *path;
    int status;

    clock_gettime(CLOCK_MONOTONIC, &start);
    path = read_request(&req, request);
    w->cfg = cfg;
    w->conn_fd = request->ipcFd;
    status = ms_route(&response, w, &req);
    w->conn_fd = -1;
    ms_reply_send_response(request->out, &response, strcmp(req.method, "HEAD") == 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    ms_metrics_record(ms_route_endpoint(w->route), status,
                      ms_clock_seconds(&start, &end));
    ms_access_log(&req, status, ms_clock_seconds(&start, &end) * 1e3, w,
                  cfg->log.queries && w->route != NULL && w->route->log_query);
    ms_response_free(&response);
    free(path);
}
