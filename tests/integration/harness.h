/* harness.h - run the real migsearch-index, migsearch-fcgi and nginx for a test
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_it_start() makes a temporary directory, writes a config, indexes an
 * archive with the real migsearch-index, starts the real migsearch-fcgi on a
 * unix socket and the real nginx (config rendered from nginx.conf.example by
 * config/render-nginx.sh) on a free loopback port. Requests go over HTTP with
 * libcurl. The nginx config is rendered in its test identity mode: the
 * X-Test-User and X-Test-Groups request headers become REMOTE_USER and
 * MS_GROUPS (a request without them is anonymous), and /_migsearch/files/
 * serves the archive the test indexed. Environment:
 *   MS_TEST_NGINX   nginx binary (default: nginx on PATH)
 *   MS_TEST_LEAVE   keep the temporary directory
 *   MS_TEST_CATLOG  print the nginx and migsearch-fcgi logs at stop
 */
#ifndef MS_TEST_HARNESS_H
#define MS_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How migsearch-fcgi gets its listening socket. */
typedef enum ms_it_socket {
    MS_IT_OWN_SOCKET = 0, /* it creates server.socket itself */
    MS_IT_INHERIT_SOCKET, /* the harness listens on it->socket and passes it as
                             fd 0, keeping a copy in it->listen_fd */
    MS_IT_SPAWN_FCGI,     /* started by `spawn-fcgi -n -s it->socket -M 0600` */
    MS_IT_TCP             /* server.listen: it->socket is "127.0.0.1:PORT", nginx's
                             upstream that address; the test's server_lines
                             give server.allow_addresses */
} ms_it_socket_t;

typedef struct ms_it {
    char dir[128];
    char config[192];
    char socket[192];   /* the socket nginx connects to (MS_IT_TCP: its address) */
    char fcgi_log[192]; /* migsearch-fcgi's stdout and stderr */
    int port;
    pid_t fcgi_pid;
    pid_t nginx_pid;
    ms_it_socket_t socket_kind;
    unsigned threads;   /* server.threads, 0 for the default of 4 */
    bool has_listen_fd; /* MS_IT_INHERIT_SOCKET: the test's copy is listen_fd */
    int listen_fd;
    const char *indexer; /* the migsearch-index and migsearch-fcgi run */
    const char *server;
    const char *index_lines;  /* ms_it_options_t.index_lines */
    const char *server_lines; /* ms_it_options_t.server_lines */
    unsigned keepalive;       /* ms_it_options_t.keepalive */
    long nofile;              /* ms_it_options_t.nofile */
} ms_it_t;

/* Config for a server whose every /search is a search: no whole answer
 * kept and given again (search.result_cache_mb), for tests of searching
 * itself (its cost, its time budget, requests in flight, what threads
 * keep of documents). Other "search:" keys may follow it. */
#define MS_IT_NO_KEPT_ANSWERS "search:\n  result_cache_mb: 0\n"

/* Options of ms_it_start_with(); zero values are what ms_it_start() does. */
typedef struct ms_it_options {
    const char *extra_config; /* YAML appended to the generated config */
    long nofile;              /* RLIMIT_NOFILE of the server; 0: the test's */
    unsigned threads;         /* server.threads; 0: 4 */
    ms_it_socket_t socket;    /* other than OWN: server.socket in the config is
                                 it->dir/configured.sock, mode 0640, and must
                                 stay unused */
    const char *indexer;      /* programs to run instead of the build's
                                 migsearch-index and migsearch-fcgi (static
                                 strings); NULL: the build's */
    const char *server;
    const char *index_lines;  /* YAML lines written under index:, each
                                 "  key: value\n" (static string); NULL: none */
    const char *server_lines; /* the same under server: */
    unsigned keepalive;       /* above 0: nginx keeps this many idle connections
                                 to the server (upstream `keepalive`) with
                                 fastcgi_keep_conn on; 0: as in the example */
} ms_it_options_t;

/* The answer to one HTTP request. body is NUL-terminated; json is NULL if
 * the body is not JSON. Free with ms_http_free(). */
typedef struct ms_http {
    long status;
    char *body;
    size_t length;
    char *headers; /* all response header lines, NUL-terminated */
    json_t *json;
} ms_http_t;

/* Milliseconds of the monotonic clock. */
long ms_it_now_ms(void);

/* A loopback port nobody listens on right now (another process may still
 * take it first). */
int ms_it_free_port(void);

/* The first of 'n' (at most 16) loopback ports in a row nobody listens on
 * right now, below the ephemeral range (for ms-shard-serve: a port a
 * partition), and kept from other tests' picks while this process lives. */
int ms_it_free_ports(int n);

/* fork + exec 'argv' with stdout and stderr appended to 'log'; the child
 * is killed if the test process dies. */
pid_t ms_it_spawn(char *const argv[], const char *log);

/* Wait up to 10 s until something accepts connections on the loopback
 * 'port'. Returns true then; false when *pid exited first (*pid is then
 * 0, most likely the port was taken) or the time ran out. */
bool ms_it_wait_port(pid_t *pid, int port);

/* Serve shard 'k' of the index of 'it' (it->dir/index/shard-K) at 'port'
 * and the next ports with indexer/ms-shard-serve, in a process group of
 * its own (kill(-pid, ...) stops it whole), logging to 'log'. Returns its
 * process id; fails the current test if it does not serve. */
pid_t ms_it_serve_shard(ms_it_t *it, int k, int port, const char *log);

/* The states of /health's "shards" of 'it' as "0:up 1:down ..." (also from
 * its 503, search.partial_shards false with a shard down) */
void ms_it_shard_states(ms_it_t *it, char *out, size_t size);

/* Wait up to 10 s until ms_it_shard_states() of 'it' is 'want'; fails the
 * current test otherwise. */
void ms_it_wait_shard_states(ms_it_t *it, const char *want);

/* Index 'archive' and start both servers. 'extra_config' is YAML appended
 * to the generated config (may be NULL). Fails the current test on error. */
void ms_it_start(ms_it_t *it, const char *archive, const char *extra_config);

/* ms_it_start() with options (NULL: the defaults). Skips the test when
 * MS_IT_SPAWN_FCGI is asked for and spawn-fcgi is not installed. */
void ms_it_start_with(ms_it_t *it, const char *archive, const ms_it_options_t *options);

/* Write the test's config again with 'extra_config' (may be NULL) in
 * place of the one given at start, for reload tests. */
void ms_it_write_config(ms_it_t *it, const char *extra_config);

/* true if migsearch-fcgi's log contains 'needle'. */
bool ms_it_fcgi_log_contains(ms_it_t *it, const char *needle);

/* Occurrences of 'needle' in migsearch-fcgi's log. */
unsigned ms_it_fcgi_log_count(ms_it_t *it, const char *needle);

/* Run migsearch-index with the test's config; returns its exit status. */
int ms_it_index(ms_it_t *it, const char *archive);

/* Run migsearch-index with extra arguments (NULL-terminated, e.g.
 * {"--rebuild", NULL}); returns its exit status. */
int ms_it_index_args(ms_it_t *it, const char *archive, const char *const *args);

/* Send SIGTERM to migsearch-fcgi and wait up to 'timeout_ms'. Returns the
 * milliseconds it took to exit, or -1 if it did not (it is then killed).
 * *status receives its wait status. */
long ms_it_stop_fcgi(ms_it_t *it, long timeout_ms, int *status);

/* Stop migsearch-fcgi (SIGTERM) and start a new one on the same config,
 * index and socket, nginx left running: a server that holds nothing of
 * what was asked before. MS_IT_OWN_SOCKET and MS_IT_TCP only. */
void ms_it_restart_fcgi(ms_it_t *it);

/* Stop everything and remove the directory (unless MS_TEST_LEAVE). */
void ms_it_stop(ms_it_t *it);

/* The value of the unlabelled series 'name' in the /metrics of 'it'; fails
 * the current test if there is none. */
unsigned long ms_it_metric(ms_it_t *it, const char *name);

/* Remove the directory 'dir' a test made for itself (unless MS_TEST_LEAVE)
 * and empty the string; "" is left alone. */
void ms_it_remove_tree(char *dir);

/* Send 'method' 'target' (path and query) to nginx, with an optional body.
 * Fails the current test if the connection itself fails. */
void ms_it_request(ms_http_t *out, ms_it_t *it, const char *method, const char *target,
                   const char *body);

/* GET 'target'. */
void ms_it_get(ms_http_t *out, ms_it_t *it, const char *target);

/* GET 'target' and expect a 200 with a JSON body, which it returns
 * (borrowed from 'out'). Fails the current test otherwise. */
json_t *ms_it_get_json(ms_http_t *out, ms_it_t *it, const char *target);

/* 'text' percent-encoded for a query string or a path segment into 'out'
 * of 'size' bytes: every byte but ASCII letters, digits and "-._~" as
 * %XX. The test fails if it does not fit. */
void ms_it_url_encode(char *out, size_t size, const char *text);

/* The whole file at 'path', NUL-terminated; "" when it cannot be read.
 * Caller frees with free(). */
char *ms_it_read_file(const char *path);

/* The value of response header 'name' (case-insensitive), copied into buf;
 * returns buf, or NULL if absent. */
const char *ms_http_header(const ms_http_t *res, const char *name, char *buf,
                           size_t size);

void ms_http_free(ms_http_t *res);

/* ms_it_request() with extra request headers and no limit on the length of
 * 'target' (for oversized-query tests). 'headers' is a NULL-terminated
 * array of "Name: value" lines, or NULL. Fails the current test if the
 * connection itself fails. */
void ms_it_request_headers(ms_http_t *out, ms_it_t *it, const char *method,
                           const char *target, const char *body,
                           const char *const *headers);

/* ---- load: clients sending requests concurrently through nginx ---- */

typedef struct ms_it_load ms_it_load_t;

/* What the clients saw. A request is "ok" when it got a 2xx status and a
 * complete body that parses as JSON. */
typedef struct ms_it_load_stats {
    unsigned long ok;
    unsigned long non_2xx;       /* a status other than 2xx */
    unsigned long non_2xx_other; /* ... other than 502 */
    unsigned long non_2xx_before_mark;
    unsigned long transfer_errors; /* no answer, or a truncated one */
    unsigned long bad_bodies;      /* 2xx whose body is not JSON */
    unsigned long spanning_ok;     /* ok, sent before the mark, done after */
    char first_failure[256];       /* "" if none */
} ms_it_load_stats_t;

/* Start 'clients' threads, each sending GET requests for the targets of
 * the NULL-terminated 'targets' in turn (with 'headers', NULL-terminated
 * or NULL) until ms_it_load_stop(). Both arrays must outlive the load. */
ms_it_load_t *ms_it_load_start(ms_it_t *it, unsigned clients, const char *const *targets,
                               const char *const *headers);

/* Remember now as the mark (see ms_it_load_stats_t). */
void ms_it_load_mark(ms_it_load_t *load);

/* The counts so far. */
void ms_it_load_peek(ms_it_load_t *load, ms_it_load_stats_t *out);

/* Stop the clients, wait for their last requests and free 'load'. */
void ms_it_load_stop(ms_it_load_t *load, ms_it_load_stats_t *out);

/* Copy the sample archive (tests/data/archive) plus the restricted canary
 * folder (tests/data/canary/board) into a new folder /tmp/<prefix>.XXXXXX;
 * 'out' receives the archive's path. Fails the current test on error. */
void ms_it_canary_archive(char *out, size_t size, const char *prefix);

/* Remove the folder ms_it_canary_archive() made (kept with MS_TEST_LEAVE). */
void ms_it_canary_archive_remove(const char *archive);

/* Wait until the clock shows the next second, so that what the indexer
 * adds next was added later (to the second) than what it added before. */
void ms_it_next_second(void);

/* Index 'archive' again into the running server's index, with the
 * further arguments 'args' (NULL-terminated, or NULL), and wait until
 * every worker of the server serves the result (a worker looks for new
 * commits at most once a second, fcgi/worker.c). Fails the test if the
 * indexer fails. */
void ms_it_reindex(ms_it_t *it, const char *archive, const char *const *args);

#endif /* MS_TEST_HARNESS_H */
