/* harness.h - run the real migsearch-index, migsearch-fcgi and nginx for a test
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_it_start() makes a temporary directory, writes a config, indexes an
 * archive with the real migsearch-index, starts the real migsearch-fcgi on a
 * unix socket and the real nginx (config rendered from nginx.conf.example by
 * config/render-nginx.sh) on a free loopback port. Requests go over HTTP with
 * libcurl. Environment:
 *   MS_TEST_NGINX   nginx binary (default: nginx on PATH)
 *   MS_TEST_LEAVE   keep the temporary directory
 *   MS_TEST_CATLOG  print the nginx and migsearch-fcgi logs at stop
 */
#ifndef MS_TEST_HARNESS_H
#define MS_TEST_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct ms_it {
    char dir[128];
    char config[192];
    char socket[192];
    int port;
    pid_t fcgi_pid;
    pid_t nginx_pid;
} ms_it_t;

/* The answer to one HTTP request. body is NUL-terminated; json is NULL if
 * the body is not JSON. Free with ms_http_free(). */
typedef struct ms_http {
    long status;
    char *body;
    size_t length;
    char *headers; /* all response header lines, NUL-terminated */
    json_t *json;
} ms_http_t;

/* Index 'archive' and start both servers. 'extra_config' is YAML appended
 * to the generated config (may be NULL). Fails the current test on error. */
void ms_it_start(ms_it_t *it, const char *archive, const char *extra_config);

/* Run migsearch-index with the test's config; returns its exit status. */
int ms_it_index(ms_it_t *it, const char *archive);

/* Send SIGTERM to migsearch-fcgi and wait up to 'timeout_ms'. Returns the
 * milliseconds it took to exit, or -1 if it did not (it is then killed).
 * *status receives its wait status. */
long ms_it_stop_fcgi(ms_it_t *it, long timeout_ms, int *status);

/* Stop everything and remove the directory (unless MS_TEST_LEAVE). */
void ms_it_stop(ms_it_t *it);

/* Send 'method' 'target' (path and query) to nginx, with an optional body.
 * Fails the current test if the connection itself fails. */
void ms_it_request(ms_http_t *out, ms_it_t *it, const char *method, const char *target,
                   const char *body);

/* GET 'target'. */
void ms_it_get(ms_http_t *out, ms_it_t *it, const char *target);

/* The value of response header 'name' (case-insensitive), copied into buf;
 * returns buf, or NULL if absent. */
const char *ms_http_header(const ms_http_t *res, const char *name, char *buf,
                           size_t size);

void ms_http_free(ms_http_t *res);

#endif /* MS_TEST_HARNESS_H */
