/* main.c - migsearch-fcgi: socket, worker threads, signals and the accept loop
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Threads. The main thread blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2
 * and SIGPIPE before it starts any worker, so every thread inherits the
 * mask and the signals are only ever taken by the main thread's sigwait()
 * loop. That keeps libfcgi's own SIGTERM handler out of the picture and
 * lets signal work (reload, shutdown) run as ordinary code rather than in
 * a handler.
 *
 * The listening socket. When fd 0 is already a listening socket (the
 * FastCGI convention spawn-fcgi follows), the server serves it and never
 * chmods or unlinks it: the spawner owns it. Otherwise it creates
 * server.socket itself. Either way the socket is made non-blocking.
 *
 * Accepting. Each worker waits in poll() on the listening socket and on a
 * wake-up pipe, then calls FCGX_Accept_r; when another worker (or another
 * process sharing an inherited socket) took the connection, accept() says
 * EAGAIN and the worker polls again. libfcgi's OS_Accept retries by itself
 * only the errors of a client that went away (ECONNABORTED, ECONNRESET,
 * EPROTO, ...) and returns every other accept() failure, so EMFILE, ENFILE,
 * ENOBUFS and ENOMEM reach us as -errno. Those pass once descriptors or
 * memory free up, and the pending connection waits in the backlog
 * meanwhile: the worker logs (at most once a second for the whole
 * process), sleeps 50 ms and tries again. A socket closed or shut down
 * under us (poll() says POLLHUP, POLLERR or POLLNVAL, while accept() on it
 * would only say EAGAIN, for ever) and accept() errors that cannot pass
 * (EBADF, EINVAL, ENOTSOCK) end the worker.
 *
 * A dead worker. A worker that ends for any reason but shutdown tells the
 * main thread (SIGUSR2), which logs an error and stops the process with
 * status 1, so that the supervisor (systemd's Restart=on-failure) starts a
 * fresh server. Restarting the thread in place would hide a cause we do
 * not understand, and a server quietly serving with fewer threads than
 * configured is the one outcome we must not have.
 *
 * Shutdown. On SIGTERM/SIGINT the main thread sets 'stopping', removes the
 * socket file it created, so that nginx's new connections fail at once
 * rather than queue, and writes to the wake-up pipe. A worker finishes the
 * request in hand, then accepts what is still queued in the backlog until
 * accept() says EAGAIN (nginx made those connections before the file went
 * away; dropping them would be 502s), and leaves. On an inherited socket,
 * which sibling processes may share, workers leave without draining it.
 * If workers are still busy after 1.5 s the process exits anyway, so it
 * always goes away within 2 s. FCGX_ShutdownPending() is never called:
 * libfcgi would then fail every accept(), the drain included. For the
 * same reason SIGUSR1, which libfcgi's own handler turns into that flag,
 * is blocked and ignored.
 *
 * Reload. Configs are never freed before exit: SIGHUP loads the file
 * again and publishes a new generation (the running settings with the
 * new search.* and log.* values) through an atomic pointer. Workers read
 * the pointer once per request, so a request sees one consistent config
 * and no lock is taken on the request path. Reloads are rare, so keeping
 * every generation until exit costs nothing worth freeing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "ms_log.h"
#include "ms_metrics.h"
#include "ms_route.h"
#include "ms_server.h"

#define DEFAULT_CONFIG "/etc/migsearch/migsearch.yaml"

/* How long shutdown waits for busy workers before exiting regardless. */
#define JOIN_TIMEOUT_NS 1500000000L

/* Pause after an accept() failure that should pass (EMFILE and kin). */
#define ACCEPT_RETRY_NS 50000000L

/* Descriptors one worker may hold: its index handle (one per Xapian
 * table: 5 with glass, 6 with synonyms), the connection it serves, and
 * one spare. */
#define FDS_PER_WORKER 8

/* Descriptors outside the workers: stdio, the listening socket, the
 * wake-up pipe, and slack for the log and libraries. */
#define FDS_BASE 16

/* Longest field copied into a log line, before escaping. */
#define LOG_FIELD_MAX 200

/* One published config. 'cfg' is a copy of the startup config whose
 * search and log sections may come from a reload; its strings belong to
 * the startup config, which lives until exit. */
struct config_generation {
    ms_config_t cfg;
    struct config_generation *older;
};

struct worker_slot {
    struct server *server;
    pthread_t thread;
    ms_worker_t worker;
};

struct server {
    const char *config_path;
    const char *socket_path; /* our socket's path, or what fd 0 is */
    int listen_fd;
    bool socket_inherited; /* fd 0 from a spawner: no chmod, unlink, drain */
    bool socket_owned;     /* socket_path is ours to remove */
    int wake[2];           /* written once at shutdown and never read */
    pthread_t main_thread;
    atomic_bool worker_failed;
    atomic_llong accept_logged_ms; /* monotonic ms of the last accept log */
    ms_config_t *base;             /* as loaded at startup; owns every string */
    _Atomic(struct config_generation *) current;
    atomic_bool stopping;
    struct worker_slot *slots;
    unsigned n_started;
    pthread_mutex_t lock; /* guards 'running' */
    pthread_cond_t finished;
    unsigned running;
};

static const char usage_text[] =
    "usage: migsearch-fcgi [--config PATH] [--check-config] [--socket PATH] [--help]\n"
    "\n"
    "  --config PATH   configuration file (default " DEFAULT_CONFIG ")\n"
    "  --check-config  load and validate the configuration, then exit\n"
    "  --socket PATH   listen on this unix socket instead of server.socket\n"
    "  --help          show this help\n"
    "\n"
    "A listening socket on file descriptor 0 (as spawn-fcgi passes it) is served\n"
    "instead of server.socket and --socket, and left to its owner at exit.\n";

/* Copy 'src' into 'dst' for a log line: printable ASCII stays, anything
 * else (quotes, backslashes, control and non-ASCII bytes) becomes \xNN,
 * and long values are cut, so a client cannot forge or split log lines.
 * Spaces stay only in values the caller puts in double quotes. */
static const char *
log_escape(char *dst, size_t size, const char *src, bool quoted)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    size_t i;

    if (src == NULL)
        src = "-";
    for (i = 0; src[i] != '\0' && i < LOG_FIELD_MAX; i++) {
        unsigned char c = (unsigned char)src[i];

        if (n + 5 >= size)
            break;
        if ((c > 0x20 || (c == 0x20 && quoted)) && c < 0x7f && c != '"' && c != '\\') {
            dst[n++] = (char)c;
        } else {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        }
    }
    if (src[i] != '\0' && n + 4 < size) {
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = '\0';
    return dst;
}

static double
elapsed_ms(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) * 1e3 +
           (double)(to->tv_nsec - from->tv_nsec) / 1e6;
}

/* Serve the request libfcgi just accepted on 'request'. Everything
 * allocated for it is freed before returning. */
static void
serve(struct worker_slot *slot, FCGX_Request *request)
{
    ms_worker_t *w = &slot->worker;
    const struct config_generation *gen = atomic_load(&slot->server->current);
    char *path = NULL;
    ms_response_t response;
    ms_request_t req;
    const char *uri, *question;
    struct timespec start, end;
    char id_buf[4 * LOG_FIELD_MAX + 8], method_buf[64], path_buf[4 * LOG_FIELD_MAX + 8];
    char q_buf[4 * LOG_FIELD_MAX + 8], hits_buf[32];
    int status;
    bool head;

    clock_gettime(CLOCK_MONOTONIC, &start);
    memset(&response, 0, sizeof(response));
    memset(&req, 0, sizeof(req));
    req.method = FCGX_GetParam("REQUEST_METHOD", request->envp);
    req.request_id = FCGX_GetParam("REQUEST_ID", request->envp);
    req.remote_user = FCGX_GetParam("REMOTE_USER", request->envp);
    req.groups = FCGX_GetParam("MS_GROUPS", request->envp);
    uri = FCGX_GetParam("REQUEST_URI", request->envp);
    if (uri == NULL)
        uri = "";
    question = strchr(uri, '?');
    path = strndup(uri, question != NULL ? (size_t)(question - uri) : strlen(uri));
    if (path == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        abort();
    }
    req.path = path;
    req.query = FCGX_GetParam("QUERY_STRING", request->envp);
    if (req.query == NULL && question != NULL)
        req.query = question + 1;
    if (req.method == NULL)
        req.method = "";
    head = strcmp(req.method, "HEAD") == 0;

    w->cfg = &gen->cfg;
    status = ms_route(&response, w, &req);
    ms_reply_send_response(request->out, &response, head);
    clock_gettime(CLOCK_MONOTONIC, &end);
    ms_metrics_record(ms_route_endpoint(w->route), status,
                      elapsed_ms(&start, &end) / 1000.0);

    hits_buf[0] = '\0';
    if (w->hits >= 0)
        snprintf(hits_buf, sizeof(hits_buf), " hits=%ld", w->hits);
    q_buf[0] = '\0';
    if (gen->cfg.log.queries && w->route != NULL && w->route->log_query) {
        char escaped[4 * LOG_FIELD_MAX + 8];

        snprintf(q_buf, sizeof(q_buf), " query=\"%s\"",
                 log_escape(escaped, sizeof(escaped), req.query, true));
    }
    ms_log(MS_LOG_INFO, "request id=%s method=%s path=%s status=%d ms=%.2f%s%s",
           log_escape(id_buf, sizeof(id_buf), req.request_id, false),
           log_escape(method_buf, sizeof(method_buf), req.method, false),
           log_escape(path_buf, sizeof(path_buf), path, false), status,
           elapsed_ms(&start, &end), hits_buf, q_buf);
    if (w->detail[0] != '\0') {
        char detail_buf[4 * LOG_FIELD_MAX + 8];

        ms_log(status >= 500 && status != 503 ? MS_LOG_ERR : MS_LOG_WARN,
               "request failed id=%s status=%d detail=\"%s\"", id_buf, status,
               log_escape(detail_buf, sizeof(detail_buf), w->detail, true));
    }

    ms_response_free(&response);
    free(path);
}

static long long
monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Log an accept() failure at most once a second for the whole process:
 * while descriptors are exhausted every idle worker fails every 50 ms. */
static void
log_accept_failure(struct server *server, int error)
{
    long long now = monotonic_ms();
    long long last = atomic_load(&server->accept_logged_ms);

    if (now - last < 1000 ||
        !atomic_compare_exchange_strong(&server->accept_logged_ms, &last, now))
        return;
    ms_log(MS_LOG_WARN, "accept failed: %s; retrying",
           error != 0 ? strerror(error) : "unknown error");
}

/* true for accept() failures that pass by themselves: no descriptor or
 * memory right now, or a client that gave up (libfcgi retries most of
 * those itself; the rest are here in case a version does not). */
static bool
accept_error_passes(int error)
{
    switch (error) {
    case 0: /* libfcgi lost errno; assume the best, the log will tell */
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
    case EINTR:
    case ECONNABORTED:
    case ECONNRESET:
    case EPROTO:
    case EPERM: /* a firewall rule refused one connection */
    case ETIMEDOUT:
        return true;
    default:
        return false;
    }
}

static void
pause_after_failure(void)
{
    struct timespec pause = {0, ACCEPT_RETRY_NS};

    nanosleep(&pause, NULL);
}

enum wait_result { WAIT_CONNECTION, WAIT_STOPPING, WAIT_BROKEN };

/* Wait until the listening socket may have a connection or shutdown has
 * begun. WAIT_BROKEN: the socket was shut down or closed under us (poll
 * says POLLHUP, POLLERR or POLLNVAL, and accept() would only say EAGAIN
 * for ever). */
static enum wait_result
wait_for_connection(struct server *server)
{
    struct pollfd fds[2];

    fds[0].fd = server->listen_fd;
    fds[0].events = POLLIN;
    fds[1].fd = server->wake[0];
    fds[1].events = POLLIN;
    for (;;) {
        fds[0].revents = fds[1].revents = 0;
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_accept_failure(server, errno);
            pause_after_failure();
            continue;
        }
        if (fds[1].revents != 0)
            return WAIT_STOPPING;
        if ((fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0)
            return WAIT_BROKEN;
        if (fds[0].revents != 0)
            return WAIT_CONNECTION;
    }
}

/* A worker leaves. Unless the server is stopping, that is a failure the
 * main thread must hear about before anything else happens. */
static void
worker_done(struct server *server, bool failed)
{
    if (failed || !atomic_load(&server->stopping)) {
        atomic_store(&server->worker_failed, true);
        pthread_kill(server->main_thread, SIGUSR2);
    }
    pthread_mutex_lock(&server->lock);
    server->running--;
    pthread_cond_signal(&server->finished);
    pthread_mutex_unlock(&server->lock);
}

static void *
worker_main(void *arg)
{
    struct worker_slot *slot = arg;
    struct server *server = slot->server;
    FCGX_Request request;
    bool failed = false;

    if (FCGX_InitRequest(&request, server->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise a FastCGI request");
        failed = true;
        goto out;
    }
    for (;;) {
        bool stopping = atomic_load(&server->stopping);
        int rc, error;

        if (!stopping) {
            enum wait_result waited = wait_for_connection(server);

            if (waited == WAIT_BROKEN) {
                ms_log(MS_LOG_ERR, "the listening socket was shut down or closed; "
                                   "worker stops");
                failed = true;
                break;
            }
            stopping = waited == WAIT_STOPPING;
        }
        if (stopping && server->socket_inherited)
            break;
        rc = FCGX_Accept_r(&request);
        if (rc >= 0) {
            serve(slot, &request);
            FCGX_Finish_r(&request);
            continue;
        }
        /* -errno, or -9999 when libfcgi lost errno; other codes below
         * -9000 are libfcgi's own and do not pass. */
        error = rc == -9999 ? 0 : rc > -9000 ? -rc : -1;
        if (error == EAGAIN) { /* EWOULDBLOCK on Linux too */
            if (stopping)
                break; /* the backlog is drained */
            continue;  /* another worker took the connection */
        }
        if (stopping)
            break;
        if (error < 0 || !accept_error_passes(error)) {
            ms_log(MS_LOG_ERR, "accept failed: %s; worker stops",
                   error > 0 ? strerror(error) : "libfcgi error");
            failed = true;
            break;
        }
        log_accept_failure(server, error);
        pause_after_failure();
    }
    FCGX_Free(&request, 1);
out:
    worker_done(server, failed);
    return NULL;
}

/* Make room for the socket at 'path': remove a stale socket file left by
 * a crashed instance, but never a socket something still listens on, and
 * never a file that is not a socket. Returns 0 or -1 (logged). */
static int
clear_stale_socket(const char *path)
{
    struct sockaddr_un address;
    struct stat st;
    int fd = -1, rc = -1;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        ms_log(MS_LOG_ERR, "cannot inspect socket path=%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        ms_log(MS_LOG_ERR, "socket path exists and is not a socket path=%s", path);
        return -1;
    }
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        ms_log(MS_LOG_ERR, "socket: %s", strerror(errno));
        goto out;
    }
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) == 0) {
        ms_log(MS_LOG_ERR, "socket in use path=%s: another server is listening", path);
        goto out;
    }
    if (errno != ECONNREFUSED && errno != ENOENT) {
        ms_log(MS_LOG_ERR, "cannot probe socket path=%s: %s", path, strerror(errno));
        goto out;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        ms_log(MS_LOG_ERR, "cannot remove stale socket path=%s: %s", path,
               strerror(errno));
        goto out;
    }
    ms_log(MS_LOG_INFO, "removed stale socket path=%s", path);
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Create the listening socket, never more open than 0600 while it is
 * being set up, then give it the configured mode and group. */
static int
open_socket(struct server *server, const ms_config_t *cfg, bool has_group, gid_t gid)
{
    mode_t old_mask;

    if (clear_stale_socket(server->socket_path) != 0)
        return -1;
    old_mask = umask(0177);
    server->listen_fd = FCGX_OpenSocket(server->socket_path, (int)cfg->server.backlog);
    umask(old_mask);
    if (server->listen_fd < 0) {
        ms_log(MS_LOG_ERR, "cannot listen path=%s: %s", server->socket_path,
               strerror(errno));
        return -1;
    }
    server->socket_owned = true;
    if (chmod(server->socket_path, (mode_t)(cfg->server.socket_mode & 07777)) != 0) {
        ms_log(MS_LOG_ERR, "chmod socket path=%s: %s", server->socket_path,
               strerror(errno));
        return -1;
    }
    if (has_group && chown(server->socket_path, (uid_t)-1, gid) != 0) {
        ms_log(MS_LOG_ERR, "chgrp socket path=%s group=%s: %s", server->socket_path,
               cfg->server.socket_group, strerror(errno));
        return -1;
    }
    return 0;
}

/* spawn-fcgi, like any FastCGI spawner, hands the application its
 * listening socket as fd 0. Returns true when fd 0 is a listening stream
 * socket of a family we serve (unix, TCP), and describes it in 'where'. */
static bool
inherited_socket(char *where, size_t size)
{
    union {
        struct sockaddr any;
        struct sockaddr_un un;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } address;
    socklen_t length = sizeof(address), option_length;
    int listening = 0, type = 0;
    char host[INET6_ADDRSTRLEN];

    memset(&address, 0, sizeof(address));
    if (getsockname(0, &address.any, &length) != 0)
        return false; /* not a socket: /dev/null, a terminal, nothing */
    option_length = sizeof(listening);
    if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &option_length) != 0 ||
        !listening)
        return false;
    option_length = sizeof(type);
    if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &option_length) != 0 ||
        type != SOCK_STREAM)
        return false;
    switch (address.any.sa_family) {
    case AF_UNIX: {
        size_t offset = offsetof(struct sockaddr_un, sun_path);
        size_t path_length = length > offset ? length - offset : 0;

        if (path_length == 0 || address.un.sun_path[0] == '\0')
            snprintf(where, size, "fd 0 (unnamed unix socket)");
        else
            snprintf(where, size, "fd 0 (unix:%.*s)",
                     (int)strnlen(address.un.sun_path, path_length), address.un.sun_path);
        return true;
    }
    case AF_INET:
        inet_ntop(AF_INET, &address.in.sin_addr, host, sizeof(host));
        snprintf(where, size, "fd 0 (%s:%u)", host, (unsigned)ntohs(address.in.sin_port));
        return true;
    case AF_INET6:
        inet_ntop(AF_INET6, &address.in6.sin6_addr, host, sizeof(host));
        snprintf(where, size, "fd 0 ([%s]:%u)", host,
                 (unsigned)ntohs(address.in6.sin6_port));
        return true;
    default:
        return false;
    }
}

/* Workers poll before they accept, so the socket must not block: a worker
 * that lost the race for a connection must get EAGAIN, not sleep in
 * accept() where shutdown cannot reach it. Accepted connections do not
 * inherit the flag on Linux, so libfcgi's reads and writes still block.
 * On an inherited socket the flag reaches every process sharing it
 * (spawn-fcgi -F), which all run this same loop. */
static int
make_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        ms_log(MS_LOG_ERR, "cannot make the listening socket non-blocking: %s",
               strerror(errno));
        return -1;
    }
    return 0;
}

/* Say so at startup when the open file limit cannot hold every worker
 * with its index handle and a connection: the server would still run,
 * but requests would fail with 503 and accept() with EMFILE. */
static void
check_file_limit(unsigned threads)
{
    struct rlimit limit;
    unsigned long need = FDS_BASE + (unsigned long)threads * FDS_PER_WORKER;

    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < need)
        ms_log(MS_LOG_WARN,
               "open file limit %lu is below the %lu that %u threads need; "
               "raise it (LimitNOFILE= in the systemd unit)",
               (unsigned long)limit.rlim_cur, need, threads);
}

/* SIGHUP: publish the reloaded search.* and log.* settings, or keep the
 * running config when the file is invalid. */
static void
reload(struct server *server)
{
    ms_config_t *fresh = NULL;
    ms_config_error_t err;
    struct config_generation *gen;
    char message[600];

    if (ms_config_load(&fresh, server->config_path, &err) != 0) {
        ms_log(MS_LOG_ERR, "config reload failed, keeping the running config: %s",
               ms_config_error_format(&err, message, sizeof(message)));
        return;
    }
    gen = malloc(sizeof(*gen));
    if (gen == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        abort();
    }
    gen->cfg = *server->base;
    gen->cfg.search = fresh->search;
    gen->cfg.log = fresh->log;
    gen->older = atomic_load(&server->current);
    ms_config_free(fresh);
    atomic_store(&server->current, gen);
    ms_log_set_threshold(gen->cfg.log.level);
    ms_log(MS_LOG_INFO,
           "config reloaded path=%s (search.* and log.* applied; other "
           "settings need a restart)",
           server->config_path);
}

/* Ask the workers to leave (see "Shutdown" at the top of the file) and
 * wait up to JOIN_TIMEOUT_NS for them.
 * Returns true when every started worker has been joined. */
static bool
stop_workers(struct server *server)
{
    struct timespec deadline;
    bool all_done;

    atomic_store(&server->stopping, true);
    if (server->socket_owned) {
        /* From now on nginx's connect() fails at once with ENOENT; the
         * connections already queued are drained by the workers. */
        unlink(server->socket_path);
        server->socket_owned = false;
    }
    if (server->wake[1] >= 0 && write(server->wake[1], "x", 1) != 1)
        ms_log(MS_LOG_ERR, "cannot wake the workers: %s", strerror(errno));

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += JOIN_TIMEOUT_NS % 1000000000L;
    deadline.tv_sec += JOIN_TIMEOUT_NS / 1000000000L + deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;

    pthread_mutex_lock(&server->lock);
    while (server->running > 0) {
        if (pthread_cond_timedwait(&server->finished, &server->lock, &deadline) ==
            ETIMEDOUT)
            break;
    }
    all_done = server->running == 0;
    pthread_mutex_unlock(&server->lock);
    if (!all_done)
        return false;
    for (unsigned i = 0; i < server->n_started; i++)
        pthread_join(server->slots[i].thread, NULL);
    return true;
}

static int
start_workers(struct server *server, unsigned n_threads)
{
    server->slots = calloc(n_threads, sizeof(*server->slots));
    if (server->slots == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < n_threads; i++) {
        struct worker_slot *slot = &server->slots[i];
        int rc;

        slot->server = server;
        ms_worker_init(&slot->worker, &atomic_load(&server->current)->cfg);
        pthread_mutex_lock(&server->lock);
        server->running++;
        pthread_mutex_unlock(&server->lock);
        rc = pthread_create(&slot->thread, NULL, worker_main, slot);
        if (rc != 0) {
            pthread_mutex_lock(&server->lock);
            server->running--;
            pthread_mutex_unlock(&server->lock);
            ms_log(MS_LOG_ERR, "cannot start worker thread %u of %u: %s", i + 1,
                   n_threads, strerror(rc));
            return -1;
        }
        server->n_started++;
    }
    return 0;
}

static int
init_sync(struct server *server)
{
    pthread_condattr_t attr;
    int rc;

    if (pthread_mutex_init(&server->lock, NULL) != 0)
        return -1;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&server->finished, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

/* Check what can be checked before touching the file system, so usage
 * errors exit 2 before a socket exists. */
static int
check_socket_settings(const char *path, const char *group, bool *has_group, gid_t *gid)
{
    struct sockaddr_un address;

    if (path[0] == '\0' || strlen(path) >= sizeof(address.sun_path)) {
        ms_log(MS_LOG_ERR, "socket path is empty or longer than %zu bytes",
               sizeof(address.sun_path) - 1);
        return -1;
    }
    /* libfcgi reads "host:port" into any path with a colon. */
    if (strchr(path, ':') != NULL) {
        ms_log(MS_LOG_ERR, "socket path must not contain ':' path=%s", path);
        return -1;
    }
    *has_group = false;
    if (group != NULL && group[0] != '\0') {
        struct group *entry;

        errno = 0;
        entry = getgrnam(group);
        if (entry == NULL) {
            ms_log(MS_LOG_ERR, "unknown socket group group=%s", group);
            return -1;
        }
        *gid = entry->gr_gid;
        *has_group = true;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct server server;
    ms_config_error_t err;
    const char *socket_option = NULL;
    bool check_only = false, has_group = false;
    gid_t gid = 0;
    sigset_t signals;
    char message[600], inherited[160];
    int status = 1;

    memset(&server, 0, sizeof(server));
    server.config_path = DEFAULT_CONFIG;
    server.listen_fd = -1;
    server.wake[0] = server.wake[1] = -1;
    server.main_thread = pthread_self();
    atomic_init(&server.current, NULL);
    atomic_init(&server.stopping, false);
    atomic_init(&server.worker_failed, false);
    atomic_init(&server.accept_logged_ms, LLONG_MIN / 2);
    ms_log_init("fcgi", MS_LOG_INFO);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "--check-config") == 0) {
            check_only = true;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            server.config_path = argv[++i];
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket_option = argv[++i];
        } else {
            fprintf(stderr, "migsearch-fcgi: unknown or incomplete option '%s'\n%s",
                    argv[i], usage_text);
            return 2;
        }
    }

    if (ms_config_load(&server.base, server.config_path, &err) != 0) {
        ms_config_error_format(&err, message, sizeof(message));
        if (check_only)
            fprintf(stderr, "%s\n", message);
        else
            ms_log(MS_LOG_ERR, "invalid config: %s", message);
        return 2;
    }
    if (check_only) {
        printf("%s: ok\n", server.config_path);
        ms_config_free(server.base);
        return 0;
    }
    ms_log_init("fcgi", server.base->log.level);

    server.socket_path =
        socket_option != NULL ? socket_option : server.base->server.socket;
    if (server.base->server.threads == 0) {
        ms_log(MS_LOG_ERR, "server.threads must be at least 1");
        status = 2;
        goto out;
    }
    if (inherited_socket(inherited, sizeof(inherited))) {
        if (socket_option != NULL)
            ms_log(MS_LOG_WARN, "--socket ignored: serving the socket inherited on fd 0");
        server.socket_path = inherited;
        server.socket_inherited = true;
    } else if (check_socket_settings(server.socket_path, server.base->server.socket_group,
                                     &has_group, &gid) != 0) {
        status = 2;
        goto out;
    }
    {
        struct config_generation *gen = malloc(sizeof(*gen));

        if (gen == NULL) {
            ms_log(MS_LOG_ERR, "out of memory");
            goto out;
        }
        gen->cfg = *server.base;
        gen->older = NULL;
        atomic_store(&server.current, gen);
    }
    if (init_sync(&server) != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise thread synchronisation");
        goto out;
    }

    /* Block before FCGX_Init and before any thread exists; see the note at
     * the top of the file. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGUSR1);
    sigaddset(&signals, SIGUSR2);
    sigaddset(&signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    sigdelset(&signals, SIGPIPE);

    if (FCGX_Init() != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise libfcgi");
        goto out;
    }
    if (server.socket_inherited)
        server.listen_fd = 0;
    else if (open_socket(&server, server.base, has_group, gid) != 0)
        goto out;
    if (make_nonblocking(server.listen_fd) != 0)
        goto out;
    if (pipe(server.wake) != 0) {
        ms_log(MS_LOG_ERR, "pipe: %s", strerror(errno));
        goto out;
    }
    check_file_limit(server.base->server.threads);
    if (start_workers(&server, server.base->server.threads) != 0)
        goto out;
    ms_log(MS_LOG_INFO, "listening socket=%s threads=%u index=%s version=%s",
           server.socket_path, server.base->server.threads, server.base->index.path,
           MS_VERSION);

    for (;;) {
        int sig;

        if (sigwait(&signals, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(&server);
            continue;
        }
        if (sig == SIGUSR1) {
            ms_log(MS_LOG_WARN, "SIGUSR1 ignored; SIGTERM stops the server");
            continue;
        }
        if (sig == SIGUSR2) {
            if (!atomic_load(&server.worker_failed))
                continue;
            ms_log(MS_LOG_ERR, "a worker thread stopped; exiting with status 1 so that "
                               "the supervisor starts a complete server");
            status = 1;
            break;
        }
        ms_log(MS_LOG_INFO, "shutting down signal=%s", sig == SIGTERM ? "TERM" : "INT");
        status = 0;
        break;
    }

out:
    if (server.n_started > 0 && !stop_workers(&server)) {
        ms_log(MS_LOG_WARN, "workers still busy after %ld ms; exiting anyway",
               JOIN_TIMEOUT_NS / 1000000L);
        if (server.socket_owned)
            unlink(server.socket_path);
        /* Busy threads still use the index handles and the config, so
         * nothing may be freed: leave without running any cleanup. */
        _exit(status);
    }
    if (server.slots != NULL) {
        for (unsigned i = 0; i < server.n_started; i++)
            ms_worker_fini(&server.slots[i].worker);
        free(server.slots);
    }
    if (server.listen_fd >= 0)
        close(server.listen_fd);
    if (server.socket_owned)
        unlink(server.socket_path);
    for (int i = 0; i < 2; i++) {
        if (server.wake[i] >= 0)
            close(server.wake[i]);
    }
    for (struct config_generation *gen = atomic_load(&server.current); gen != NULL;) {
        struct config_generation *older = gen->older;

        free(gen);
        gen = older;
    }
    ms_config_free(server.base);
    if (status == 0)
        ms_log(MS_LOG_INFO, "stopped");
    return status;
}
