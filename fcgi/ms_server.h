/* ms_server.h - the parts of the migsearch-fcgi executable, for each other
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Not a library header: main.c (arguments, config, signals, lifecycle),
 * socket.c (the listening socket), server.c (worker threads and the
 * accept loop), serve.c (one FastCGI request), access.c (its log line)
 * and reply.c (FastCGI output) share these declarations. They are the
 * only files that talk FastCGI or know threads; the endpoints below them
 * see plain C data (ms_route.h).
 */
#ifndef MS_SERVER_H
#define MS_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ms_config.h"
#include "ms_net.h"
#include "ms_request.h"
#include "ms_response.h"
#include "ms_worker.h"

struct FCGX_Request;
struct FCGX_Stream;

/* One published config. 'cfg' is a copy of the startup config whose
 * search and log sections may come from a reload; its strings belong to
 * the startup config, which lives until exit. */
typedef struct ms_generation {
    ms_config_t cfg;
    struct ms_generation *older;
} ms_generation_t;

struct ms_server;

/* Names server.allow_users or server.allow_groups may list. */
#define MS_CONN_NAMES_MAX 16

/* Who may connect and how long a connection may keep a worker (conn.c).
 * Set once before the workers start, read-only after. */
typedef struct ms_conn_policy {
    bool check_peers;                          /* a unix socket: peers have credentials */
    bool check_addresses;                      /* a TCP socket: peers have addresses */
    ms_net_cidr_t addresses[MS_NET_CIDRS_MAX]; /* server.allow_addresses */
    size_t n_addresses;
    uid_t users[MS_CONN_NAMES_MAX + 2]; /* + root and our own user */
    unsigned n_users;
    gid_t groups[MS_CONN_NAMES_MAX];
    unsigned n_groups;
    unsigned read_timeout_ms;
    unsigned write_timeout_ms;
    unsigned per_peer; /* workers one peer process may hold waiting */
} ms_conn_policy_t;

typedef struct ms_worker_slot {
    struct ms_server *server;
    pthread_t thread;
    ms_worker_t worker;
    unsigned char *peek; /* MS_RECORDS_HEADER_MAX bytes, the worker's own */
    pid_t peer_pid;      /* who holds the connection in hand */
    uid_t peer_uid;
    pid_t waiting_pid; /* peer_pid while waiting for its request, else 0;
                          under server->lock */
} ms_worker_slot_t;

typedef struct ms_server {
    const char *config_path;
    const char *socket_path; /* our socket's path, server.listen, or what fd 0 is */
    int listen_fd;
    bool tcp;              /* socket_path is server.listen, a TCP address of ours */
    bool socket_inherited; /* fd 0 from a spawner: no chmod, unlink, drain */
    bool socket_owned;     /* socket_path is ours to remove */
    int wake[2];           /* written once at shutdown and never read */
    pthread_t main_thread;
    atomic_bool worker_failed;
    atomic_llong accept_logged_ms; /* monotonic ms of the last accept log */
    ms_config_t *base;             /* as loaded at startup; owns every string */
    _Atomic(ms_generation_t *) current;
    atomic_bool stopping;
    ms_worker_slot_t *slots;
    unsigned n_started;
    struct ms_answers *answers; /* every worker's kept answers (ms_answers.h) */
    ms_conn_policy_t conn;
    atomic_llong refusal_logged_ms; /* monotonic ms of the last refusal log */
    pthread_mutex_t lock;           /* guards 'running' and waiting_pid */
    pthread_cond_t finished;
    unsigned running;
} ms_server_t;

/* ---- socket.c ---- */

/* Check the socket path and group before touching the file system, so
 * usage errors exit 2 before a socket exists; *gid is the group's when
 * *has_group. Returns 0 or -1 (logged). */
int ms_socket_check(const char *path, const char *group, bool *has_group, gid_t *gid);

/* true when fd 0 is a listening stream socket of a family we serve (a
 * spawner's, as spawn-fcgi passes it); 'where' describes it. */
bool ms_socket_inherited(char *where, size_t size);

/* Create server->socket_path as the listening socket, never more open
 * than 0600 while it is being set up, then give it cfg's mode and, with
 * 'has_group', the group 'gid'. Returns 0 or -1 (logged). */
int ms_socket_open(ms_server_t *server, const ms_config_t *cfg, bool has_group,
                   gid_t gid);

/* Listen on the TCP address server->socket_path (server.listen). Returns 0
 * or -1 (logged). */
int ms_socket_open_tcp(ms_server_t *server, const ms_config_t *cfg);

/* Make the listening socket 'fd' non-blocking. Returns 0 or -1 (logged). */
int ms_socket_nonblocking(int fd);

/* ---- conn.c ---- */

/* Fill server->conn from 'cfg' (user and group names looked up) for the
 * listening socket server->listen_fd. Returns 0 or -1 (logged). */
int ms_conn_policy_init(ms_server_t *server, const ms_config_t *cfg);

/* Accept one connection on server->listen_fd for 'slot' and check its
 * peer. Returns the connected descriptor (caller closes), -ECONNREFUSED
 * for a peer refused and closed (logged), or -errno of accept() (EAGAIN:
 * nothing to accept). */
int ms_conn_accept(ms_worker_slot_t *slot);

/* Wait until the peer of 'fd' has sent a whole, well-formed request
 * header (ms_records.h), within server.read_timeout, or less for a peer
 * that already holds its share of waiting workers; shutdown ends the
 * wait. Returns true when libfcgi may read it, false when the caller must
 * close 'fd' (logged as needed). */
bool ms_conn_await_request(ms_worker_slot_t *slot, int fd);

/* Close a connection whose answer is complete: stop sending, give the
 * peer up to a second to close its side, then close. */
void ms_conn_close(int fd);

/* ---- server.c ---- */

/* Initialise the lock and condition variable of 'server'. Returns 0 or -1. */
int ms_server_init_sync(ms_server_t *server);

/* Warn when the open file limit cannot hold 'threads' workers. */
void ms_server_check_file_limit(unsigned threads);

/* Start 'n_threads' workers on server->listen_fd. Returns 0 or -1 (logged;
 * the workers started so far are in server->n_started). */
int ms_server_start(ms_server_t *server, unsigned n_threads);

/* Ask the workers to leave and wait up to 1.5 s for them. Returns true
 * when every started worker has been joined. */
bool ms_server_stop(ms_server_t *server);

/* How long ms_server_stop() waits for busy workers. */
#define MS_SERVER_JOIN_TIMEOUT_NS 1500000000L

/* ---- serve.c ---- */

/* Serve the request libfcgi just accepted on 'request' with worker 'w'
 * under 'cfg': route it, reply, count it and log it. Everything allocated
 * for it is freed before returning. */
void ms_serve(ms_worker_t *w, const ms_config_t *cfg, struct FCGX_Request *request);

/* ---- access.c ---- */

/* Log the line of one answered request: id, method, path, status, time,
 * the hits and, with 'log_query', the query string; then the worker's
 * failure detail, if any, on a line of its own. */
void ms_access_log(const ms_request_t *req, int status, double ms, const ms_worker_t *w,
                   bool log_query);

/* ---- reply.c ---- */

/* Write 'resp' as an HTTP response to 'out': its status (anything but 200,
 * 400, 404, 405 and 503 is sent as 500), its body (a fixed internal-error
 * JSON document when it has none), its content type and extra headers, and
 * the common headers (nosniff, no-store, Content-Length). 'head' sends the
 * headers only. Returns 0, or -1 if the client went away. */
int ms_reply_send_response(struct FCGX_Stream *out, const ms_response_t *resp, bool head);

#endif /* MS_SERVER_H */
