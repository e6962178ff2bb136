/* test_front.c - nginx's own errors answer JSON, through nginx.conf.example
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * docs/api.md says every error of the API is JSON. Most come from
 * migsearch-fcgi; these come from nginx itself, before or instead of it,
 * and nginx.conf.example turns each into the API's error shape: a
 * malformed request (400), a body or a request line too large (413, 414),
 * the server stopped (502) and the server not answering in time (504).
 * Requests go over raw sockets, so nothing between the test and nginx
 * tidies them up.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;

static void
teardown(void)
{
    ms_it_stop(&it);
}

TestSuite(front, .fini = teardown, .timeout = 120);

/* Send 'request' (of 'len' bytes) to nginx as it is and read the answer
 * until nginx closes the connection (every request here asks it to). The
 * answer, NUL-terminated, into 'out' of 'size' bytes. */
static void
raw(char *out, size_t size, const char *request, size_t len)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)it.port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval timeout = {.tv_sec = 30};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t got = 0, sent = 0;
    ssize_t n;

    cr_assert(fd >= 0);
    cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    /* nginx may answer (413, 414) and close before reading all of it. */
    while (sent < len && (n = send(fd, request + sent, len - sent, MSG_NOSIGNAL)) > 0)
        sent += (size_t)n;
    while (got + 1 < size && (n = recv(fd, out + got, size - got - 1, 0)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(fd);
}

/* The answer 'response' has status 'status', the API's JSON content type,
 * and an error object whose code is 'code'. */
static void
expect_json_error(const char *response, int status, const char *code)
{
    char first[64], want[64];
    const char *body = strstr(response, "\r\n\r\n");
    json_error_t error;

    snprintf(first, sizeof(first), "%.*s", (int)strcspn(response, "\r"), response);
    snprintf(want, sizeof(want), "HTTP/1.1 %d ", status);
    cr_assert_eq(strncmp(first, want, strlen(want)), 0, "want %d, got '%s'", status,
                 first);
    cr_expect(strstr(response, "\r\nContent-Type: application/json; charset=utf-8\r\n"),
              "not JSON: %.400s", response);
    cr_assert_not_null(body, "no body: %s", response);
    json_t *json = json_loads(body + 4, 0, &error);
    cr_assert_not_null(json, "body is not JSON (%s): %.300s", error.text, body + 4);
    const char *got =
        json_string_value(json_object_get(json_object_get(json, "error"), "code"));
    cr_expect_str_eq(got ? got : "(none)", code, "%s", body + 4);
    cr_expect(
        json_string_value(json_object_get(json_object_get(json, "error"), "message")),
        "no message: %s", body + 4);
    json_decref(json);
}

static char answer[65536];

Test(front, malformed_and_oversized_requests_get_json_errors)
{
    ms_it_start(&it, ARCHIVE, NULL);

    /* Two Host headers: nginx refuses the request before any location. */
    const char two_hosts[] = "GET /search?q=a HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                             "Connection: close\r\n\r\n";
    raw(answer, sizeof(answer), two_hosts, strlen(two_hosts));
    expect_json_error(answer, 400, "bad_request");

    /* A request line past nginx's header buffers (8 KB by default). */
    size_t long_len = 20000;
    char *line = malloc(long_len + 100);
    cr_assert_not_null(line);
    int n = snprintf(line, 100, "GET /search?q=");
    memset(line + n, 'a', long_len);
    snprintf(line + n + long_len, 100,
             " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    raw(answer, sizeof(answer), line, strlen(line));
    free(line);
    expect_json_error(answer, 414, "too_large");

    /* A body past client_max_body_size (1k). */
    char body_request[4096];
    n = snprintf(body_request, sizeof(body_request),
                 "GET /search?q=a HTTP/1.1\r\nHost: a\r\nContent-Length: 2048\r\n"
                 "Connection: close\r\n\r\n");
    memset(body_request + n, 'b', 2048);
    raw(answer, sizeof(answer), body_request, (size_t)n + 2048);
    expect_json_error(answer, 413, "too_large");

    /* The server's own errors pass through untouched. */
    const char bad_page[] = "GET /search?page=0 HTTP/1.1\r\nHost: a\r\n"
                            "Connection: close\r\n\r\n";
    raw(answer, sizeof(answer), bad_page, strlen(bad_page));
    expect_json_error(answer, 400, "bad_request");
    cr_expect(strstr(answer, "page"), "the server's own message: %s", answer);
}

static const char search[] = "GET /search?q=migration HTTP/1.1\r\nHost: a\r\n"
                             "Connection: close\r\n\r\n";

Test(front, stopped_server_is_a_json_502)
{
    int status;

    ms_it_start(&it, ARCHIVE, NULL);
    raw(answer, sizeof(answer), search, strlen(search));
    cr_assert(strncmp(answer, "HTTP/1.1 200 ", 13) == 0, "%.200s", answer);
    cr_assert_geq(ms_it_stop_fcgi(&it, 5000, &status), 0);
    raw(answer, sizeof(answer), search, strlen(search));
    expect_json_error(answer, 502, "unavailable");
    /* The API's other paths too. */
    const char health[] = "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    raw(answer, sizeof(answer), health, strlen(health));
    expect_json_error(answer, 502, "unavailable");
}

Test(front, server_that_does_not_answer_is_a_json_504)
{
    long started;

    ms_it_start(&it, ARCHIVE, NULL);
    /* Stopped, not gone: the kernel still queues connections on its
     * socket, nginx sends the request and waits fastcgi_read_timeout
     * (10 s) for an answer. */
    cr_assert_eq(kill(it.fcgi_pid, SIGSTOP), 0);
    started = ms_it_now_ms();
    raw(answer, sizeof(answer), search, strlen(search));
    kill(it.fcgi_pid, SIGCONT);
    expect_json_error(answer, 504, "timeout");
    cr_expect_geq(ms_it_now_ms() - started, 9000, "504 before fastcgi_read_timeout");
}

/* nginx's access log and the server's request log name the same request
 * id and the same user (log_format migsearch in nginx.conf.example). */
Test(front, both_logs_carry_the_request_id_and_the_user)
{
    char path[256], id[64] = "", needle[160];

    ms_it_start(&it, ARCHIVE, NULL);
    const char request[] = "GET /search?q=zebrafishy HTTP/1.1\r\nHost: a\r\n"
                           "X-Test-User: amara\r\nConnection: close\r\n\r\n";
    raw(answer, sizeof(answer), request, strlen(request));
    cr_assert(strncmp(answer, "HTTP/1.1 200 ", 13) == 0, "%.200s", answer);

    /* nginx writes its line once the answer is sent: wait for it. */
    snprintf(path, sizeof(path), "%s/nginx/access.log", it.dir);
    long deadline = ms_it_now_ms() + 5000;
    char *log = NULL;
    const char *at = NULL;
    while (!at && ms_it_now_ms() < deadline) {
        free(log);
        log = ms_it_read_file(path);
        at = log ? strstr(log, "user=amara \"GET /search\" status=200") : NULL;
        if (!at)
            usleep(20 * 1000);
    }
    cr_assert_not_null(at, "no line for the request in nginx's log:\n%s", log ? log : "");
    const char *rid = strstr(at, "request_id=");
    cr_assert_not_null(rid, "%s", at);
    sscanf(rid, "request_id=%63[0-9a-f]", id);
    cr_assert_eq(strlen(id), 32, "request id '%s'", id);
    free(log);

    snprintf(needle, sizeof(needle), "request id=%s method=GET path=/search user=amara ",
             id);
    deadline = ms_it_now_ms() + 5000;
    while (!ms_it_fcgi_log_contains(&it, needle) && ms_it_now_ms() < deadline)
        usleep(20 * 1000);
    cr_expect(ms_it_fcgi_log_contains(&it, needle), "no '%s' in the server's log",
              needle);
    cr_expect(!ms_it_fcgi_log_contains(&it, "zebrafishy"),
              "the query reached a log without log.queries");
}
