/* test_conn.c - the connection layer of migsearch-fcgi under hostile peers
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test starts its own index, migsearch-fcgi and nginx (harness.h).
 * Requests through nginx show what users get; raw connections to the
 * server's socket play the peers that are not nginx: kept-alive
 * connections, peers of another uid, crafted records, stalled headers;
 * on TCP (server.listen), peers from addresses listed and not listed.
 */
#include "harness.h"
#include "../fcgi_bytes.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(conn, .fini = stop, .timeout = 90);

/* GET 'target' through nginx; a 200 within 'budget_ms', or the test fails. */
static void
expect_prompt_ok(const char *target, long budget_ms, int round)
{
    ms_http_t res;
    long start = ms_it_now_ms(), took;

    ms_it_get(&res, &it, target);
    took = ms_it_now_ms() - start;
    cr_assert_eq(res.status, 200, "request %d: status %ld", round, res.status);
    cr_assert_lt(took, budget_ms, "request %d took %ld ms", round, took);
    ms_http_free(&res);
}

/* nginx keeps its connections to the server (upstream keepalive,
 * fastcgi_keep_conn on): each next request arrives on a connection a
 * worker already holds, with no new client to wake it. Every one must be
 * answered at once, not when the next connection comes in. */
Test(conn, kept_alive_connections_answer_every_request)
{
    ms_it_options_t options = {.keepalive = 2, .threads = 2};

    ms_it_start_with(&it, ARCHIVE, &options);
    for (int round = 0; round < 20; round++)
        expect_prompt_ok(round % 2 ? "/health" : "/search?q=water", 3000, round);
}

/* ---- raw FastCGI on the server's socket ---- */

typedef struct raw {
    unsigned char data[1024];
    size_t length;
} raw_t;

static void
raw_record(raw_t *r, unsigned type, const void *content, size_t length)
{
    cr_assert(fcgi_bytes_record(r->data, sizeof(r->data), &r->length, type, 1, content,
                                length, 0));
}

/* A whole GET /health request as nginx would send it, or, with 'crafted',
 * the params record that aborts Debian's libfcgi 2.4.2 (CVE-2025-23016):
 * a four-byte name length of 0x40000000. */
static void
raw_request(raw_t *r, bool crafted)
{
    static const unsigned char begin[8] = {0, 1, 0};
    static const unsigned char bad[] = {0xc0, 0, 0, 0, 0xc0, 0, 0, 0, 'A', 'B'};
    unsigned char params[256];
    size_t n = 0;

    r->length = 0;
    raw_record(r, 1, begin, sizeof(begin));
    if (crafted) {
        raw_record(r, 4, bad, sizeof(bad));
    } else {
        n += fcgi_bytes_pair(params + n, "REQUEST_METHOD", "GET");
        n += fcgi_bytes_pair(params + n, "REQUEST_URI", "/health");
        raw_record(r, 4, params, n);
    }
    raw_record(r, 4, NULL, 0);
    raw_record(r, 5, NULL, 0);
}

/* The local address raw TCP connections come from (MS_IT_TCP). */
static const char *raw_source = "127.0.0.1";

/* A connection to the server's TCP address it.socket ("127.0.0.1:PORT")
 * from raw_source, or -1. */
static int
raw_connect_tcp(void)
{
    struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    cr_assert_eq(inet_pton(AF_INET, raw_source, &from.sin_addr), 1);
    cr_assert_eq(inet_pton(AF_INET, "127.0.0.1", &to.sin_addr), 1);
    to.sin_port = htons((unsigned short)atoi(strchr(it.socket, ':') + 1));
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int
raw_connect(void)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    int fd;

    if (it.socket_kind == MS_IT_TCP)
        return raw_connect_tcp();
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    cr_assert_lt(strlen(it.socket), sizeof(address.sun_path));
    memcpy(address.sun_path, it.socket, strlen(it.socket) + 1);
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

enum raw_outcome { RAW_ANSWERED, RAW_CLOSED, RAW_SILENT, RAW_NO_CONNECT };

/* Send 'r' on a new connection and see what comes back within 'wait_ms':
 * an answer (any bytes), the connection closed without one, or silence. */
static enum raw_outcome
raw_exchange(const raw_t *r, long wait_ms)
{
    int fd = raw_connect();
    unsigned char reply[256];
    struct pollfd one;
    enum raw_outcome outcome = RAW_SILENT;

    if (fd < 0)
        return RAW_NO_CONNECT;
    if (r->length > 0 && send(fd, r->data, r->length, MSG_NOSIGNAL) < 0) {
        close(fd);
        return RAW_CLOSED; /* refused before we could even send */
    }
    one = (struct pollfd){fd, POLLIN, 0};
    if (poll(&one, 1, (int)wait_ms) == 1) {
        ssize_t got = recv(fd, reply, sizeof(reply), 0);
        outcome = got > 0 ? RAW_ANSWERED : RAW_CLOSED;
    }
    close(fd);
    return outcome;
}

/* Let anyone reach the socket, as a careless socket_mode would: only the
 * credential check stands between other users and the server. */
static void
open_socket_to_all(void)
{
    cr_assert_eq(chmod(it.dir, 0711), 0);
    cr_assert_eq(chmod(it.socket, 0666), 0);
}

/* A process of a user that is neither allowed nor root nor the server's
 * own (nobody, 65534) connects and sends a whole, valid request: it is
 * closed without an answer, the refusal is logged with its uid and pid,
 * and the server keeps serving. The same bytes from an allowed user are
 * answered, so the request itself is not what is refused. */
Test(conn, refuses_a_peer_of_another_user)
{
    raw_t request;
    pid_t child;
    int status;

    /* make test runs as root (README); a check that quietly does not
     * run is one nobody made. */
    cr_assert_eq(geteuid(), 0, "needs root, to run a process as nobody");
    ms_it_start(&it, ARCHIVE, NULL);
    open_socket_to_all();
    raw_request(&request, false);
    cr_assert_eq(raw_exchange(&request, 5000), RAW_ANSWERED, "allowed peer unanswered");

    child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(10);
        _exit((int)raw_exchange(&request, 5000));
    }
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), RAW_CLOSED,
                 "nobody's request: outcome %d (0 answered, 2 silent, 3 no connect)",
                 WEXITSTATUS(status));
    cr_assert(ms_it_fcgi_log_contains(&it, "connection refused: user and group not "
                                           "allowed uid=65534 gid=65534"));
    expect_prompt_ok("/search?q=water", 5000, 0);
}

/* The params record that aborts Debian's libfcgi 2.4.2 (SIGABRT before the
 * accept layer): refused and logged, the process lives on and answers. */
Test(conn, crafted_params_length_does_not_crash)
{
    raw_t crafted;
    int status;

    ms_it_start(&it, ARCHIVE, NULL);
    raw_request(&crafted, true);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(raw_exchange(&crafted, 5000), RAW_CLOSED, "attempt %d", i);
    cr_assert_eq(waitpid(it.fcgi_pid, &status, WNOHANG), 0,
                 "migsearch-fcgi died (signal %d)",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    cr_assert(ms_it_fcgi_log_contains(&it, "request refused: a params length past"));
    expect_prompt_ok("/search?q=water", 5000, 0);
    expect_prompt_ok("/health", 5000, 1);
}

/* Milliseconds until the server closes 'fd' (recv says 0 or an error),
 * or -1 if it is still open after 'limit_ms'. */
static long
ms_until_closed(int fd, long limit_ms)
{
    long start = ms_it_now_ms();
    unsigned char byte;

    for (;;) {
        long left = limit_ms - (ms_it_now_ms() - start);
        struct pollfd one = {fd, POLLIN, 0};

        if (left <= 0)
            return -1;
        if (poll(&one, 1, (int)left) == 1 && recv(fd, &byte, 1, 0) <= 0)
            return ms_it_now_ms() - start;
    }
}

/* N+1 stalled peers (half a request header each, then nothing) against N
 * workers: nginx's requests keep being answered at once, each stalled
 * connection is closed once server.read_timeout has passed, and
 * FCGI_GET_VALUES is closed at once rather than holding a worker. */
Test(conn, stalled_peers_do_not_pin_the_workers)
{
    enum { threads = 2, stalled = threads + 1 };
    ms_it_options_t options = {.threads = threads, .server_lines = "  read_timeout: 2\n"};
    static const unsigned char get_values[] = {1,   9,   0,   0,   0,   16,  0,   0,
                                               14,  0,   'F', 'C', 'G', 'I', '_', 'M',
                                               'A', 'X', '_', 'C', 'O', 'N', 'N', 'S'};
    raw_t whole;
    int fds[stalled];
    long started;

    ms_it_start_with(&it, ARCHIVE, &options);
    raw_request(&whole, false);
    started = ms_it_now_ms();
    for (int i = 0; i < stalled; i++) {
        fds[i] = raw_connect();
        cr_assert_geq(fds[i], 0);
        cr_assert_eq(send(fds[i], whole.data, 20, MSG_NOSIGNAL), 20); /* half */
    }
    for (int round = 0; round < 5; round++)
        expect_prompt_ok(round % 2 ? "/health" : "/search?q=water", 1000, round);
    for (int i = 0; i < stalled; i++) {
        long closed = ms_until_closed(fds[i], 8000);

        cr_assert_geq(closed, 0, "stalled connection %d still open after 8 s", i);
        close(fds[i]);
    }
    cr_assert_geq(ms_it_now_ms() - started, 1900,
                  "a connection was closed before its timeout");
    cr_assert(ms_it_fcgi_log_contains(&it, "connection closed: no whole request within"));

    fds[0] = raw_connect();
    cr_assert_geq(fds[0], 0);
    cr_assert_eq(send(fds[0], get_values, sizeof(get_values), MSG_NOSIGNAL),
                 (ssize_t)sizeof(get_values));
    cr_assert_geq(ms_until_closed(fds[0], 1000), 0, "FCGI_GET_VALUES held a worker");
    close(fds[0]);
    cr_assert(ms_it_fcgi_log_contains(&it, "request refused: management record"));
    expect_prompt_ok("/health", 1000, 5);
}

/* ---- TCP (server.listen, server.allow_addresses) ---- */

/* migsearch-fcgi on 127.0.0.1:PORT, nginx's upstream over TCP: a peer
 * whose address is listed is served (nginx, and a raw request from
 * 127.0.0.1); the same whole, valid request from 127.0.0.2, not listed, is
 * closed without a byte of answer and logged with its address; the read
 * timeout still closes a stalled TCP peer; and the server serves on. */
Test(conn, tcp_peers_listed_are_served_and_others_closed_unanswered)
{
    ms_it_options_t options = {
        .socket = MS_IT_TCP,
        .server_lines = "  allow_addresses: \"127.0.0.1/32, ::1\"\n  read_timeout: 2\n"};
    raw_t request;
    int fd;
    long closed;

    ms_it_start_with(&it, ARCHIVE, &options);
    cr_assert(ms_it_fcgi_log_contains(&it, "listening socket=127.0.0.1:"));
    expect_prompt_ok("/search?q=water", 5000, 0);
    raw_request(&request, false);
    raw_source = "127.0.0.1";
    cr_assert_eq(raw_exchange(&request, 5000), RAW_ANSWERED, "a listed peer unanswered");

    raw_source = "127.0.0.2";
    for (int i = 0; i < 3; i++)
        cr_assert_eq(raw_exchange(&request, 5000), RAW_CLOSED,
                     "an unlisted peer, attempt %d: outcome (0 answered, 2 silent, 3 no "
                     "connect)",
                     i);
    cr_assert(ms_it_fcgi_log_contains(
        &it,
        "connection refused: address not in server.allow_addresses peer=127.0.0.2:"));

    raw_source = "127.0.0.1";
    fd = raw_connect();
    cr_assert_geq(fd, 0);
    cr_assert_eq(send(fd, request.data, 20, MSG_NOSIGNAL), 20); /* half a header */
    closed = ms_until_closed(fd, 8000);
    close(fd);
    cr_assert_geq(closed, 1900,
                  "a stalled TCP peer closed after %ld ms, before the timeout", closed);
    expect_prompt_ok("/health", 5000, 1);
}

/* With server.listen and no server.allow_addresses nobody is served: the
 * server says so at start, and nginx itself is refused (502). */
Test(conn, tcp_without_allowed_addresses_refuses_every_peer)
{
    ms_it_options_t options = {.socket = MS_IT_TCP};
    ms_http_t res;
    raw_t request;

    ms_it_start_with(&it, ARCHIVE, &options);
    cr_assert(ms_it_fcgi_log_contains(&it, "server.allow_addresses is empty"));
    raw_request(&request, false);
    raw_source = "127.0.0.1";
    cr_assert_eq(raw_exchange(&request, 5000), RAW_CLOSED);
    ms_it_get(&res, &it, "/health");
    cr_expect_eq(res.status, 502, "status %ld", res.status);
    ms_http_free(&res);
}

/* A listen address that is not numeric, or an allow-list entry that is
 * not a network, stops the server before it listens: exit status 2 and
 * the value named with its file, line and column. */
Test(conn, bad_tcp_settings_are_named_with_their_place)
{
    static const struct {
        const char *lines;
        const char *message;
    } cases[] = {
        {"server:\n  listen: \"localhost:9000\"\n",
         ":2:11: server.listen: expected a numeric address and port"},
        {"server:\n  listen: \"[::1]:9000\"\n  allow_addresses: \"10.0.0.0/8 ::1/200\"\n",
         ":3:20: server.allow_addresses: '::1/200' is not an address or network"},
    };
    char dir[] = "/tmp/ms-tcp.XXXXXX", path[64], command[256], output[1024];

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/migsearch.yaml", dir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        FILE *file = fopen(path, "w"), *pipe;
        size_t n;
        int status;

        cr_assert_not_null(file);
        fputs(cases[i].lines, file);
        fclose(file);
        snprintf(command, sizeof(command),
                 "%s/fcgi/migsearch-fcgi --config %s --check-config 2>&1", MS_BINARY_DIR,
                 path);
        pipe = popen(command, "r");
        cr_assert_not_null(pipe);
        n = fread(output, 1, sizeof(output) - 1, pipe);
        output[n] = '\0';
        status = pclose(pipe);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "case %zu: status %d", i,
                  status);
        cr_expect_not_null(strstr(output, cases[i].message), "case %zu said: %s", i,
                           output);
        cr_expect_not_null(strstr(output, path), "case %zu names no file: %s", i, output);
    }
    unlink(path);
    rmdir(dir);
}
