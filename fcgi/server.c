/* server.c - the worker threads of migsearch-fcgi and their accept loop
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Accepting. Each worker waits in poll() on the listening socket and on a
 * wake-up pipe, then accepts through conn.c (libfcgi never accepts: its
 * request has no listening socket; conn.c says why); when another worker
 * (or another process sharing an inherited socket) took the connection,
 * accept() says EAGAIN and the worker polls again. A connection then
 * serves request after request for as long as nginx keeps it (a worker
 * that holds one waits on it, not on the listening socket). accept()
 * failures that pass once descriptors or memory free up (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM) or that belong to one client that went away
 * (ECONNABORTED and kin) leave the connection in the backlog: the worker
 * logs (at most once a second for the whole process), sleeps 50 ms and
 * tries again. A socket closed or shut down under us (poll() says POLLHUP,
 * POLLERR or POLLNVAL, while accept() on it would only say EAGAIN, for
 * ever) and accept() errors that cannot pass (EBADF, EINVAL, ENOTSOCK) end
 * the worker.
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
 * is blocked and ignored (main.c).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "ms_answers.h"
#include "ms_clock.h"
#include "ms_log.h"
#include "ms_records.h"
#include "ms_server.h"

/* Pause after an accept() failure that should pass (EMFILE and kin). */
#define ACCEPT_RETRY_NS 50000000L

/* Descriptors one worker may hold: its index handle (one per Xapian
 * table: 5 with glass, 6 with synonyms), the connection it serves, and
 * one spare. */
#define FDS_PER_WORKER 8

/* Descriptors outside the workers: stdio, the listening socket, the
 * wake-up pipe, and slack for the log and libraries. */
#define FDS_BASE 16

/* Log an accept() failure at most once a second for the whole process:
 * while descriptors are exhausted every idle worker fails every 50 ms. */
static void
log_accept_failure(ms_server_t *server, int error)
{
    long long now = ms_clock_ms(), last = atomic_load(&server->accept_logged_ms);

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
wait_for_connection(ms_server_t *server)
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
worker_done(ms_server_t *server, bool failed)
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

/* Accept the next connection for 'slot' (see "Accepting" above). Returns
 * the connection, or -1 with *leave set when the worker should leave
 * (*failed: for a reason other than shutdown), or -1 to try again. */
static int
next_connection(ms_worker_slot_t *slot, bool *leave, bool *failed)
{
    ms_server_t *server = slot->server;
    bool stopping = atomic_load(&server->stopping);
    int fd;

    if (!stopping) {
        enum wait_result waited = wait_for_connection(server);

        if (waited == WAIT_BROKEN) {
            ms_log(MS_LOG_ERR, "the listening socket was shut down or closed; "
                               "worker stops");
            *leave = *failed = true;
            return -1;
        }
        stopping = waited == WAIT_STOPPING;
    }
    if (stopping && server->socket_inherited) {
        *leave = true;
        return -1;
    }
    fd = ms_conn_accept(slot);
    if (fd >= 0 || fd == -ECONNREFUSED)
        return fd;
    if (fd == -EAGAIN) {   /* EWOULDBLOCK on Linux too */
        *leave = stopping; /* the backlog is drained */
        return -1;         /* else another worker took the connection */
    }
    if (stopping) {
        *leave = true;
        return -1;
    }
    if (!accept_error_passes(-fd)) {
        ms_log(MS_LOG_ERR, "accept failed: %s; worker stops", strerror(-fd));
        *leave = *failed = true;
        return -1;
    }
    log_accept_failure(server, -fd);
    pause_after_failure();
    return -1;
}

/* Serve the requests of one connection, 'request.ipcFd', one by one for as
 * long as nginx keeps it; close it at the end. libfcgi never closes it
 * itself (keepConnection set, 'detached' so that a close on error skips
 * its unbounded lingering read): ms_conn_close() does. */
static void
serve_connection(ms_worker_slot_t *slot, FCGX_Request *request)
{
    ms_server_t *server = slot->server;

    while (request->ipcFd >= 0) {
        bool kept;

        if (!ms_conn_await_request(slot, request->ipcFd)) {
            close(request->ipcFd); /* nothing to answer: no lingering */
            request->ipcFd = -1;
            return;
        }
        request->keepConnection = 1;
        request->detached = 1;
        if (FCGX_Accept_r(request) < 0)
            return; /* libfcgi closed it: the header was checked, so a read
                       failed */
        ms_serve(&slot->worker, &atomic_load(&server->current)->cfg, request);
        kept = request->keepConnection != 0 && !atomic_load(&server->stopping);
        request->keepConnection = 1;
        request->detached = 1;
        FCGX_Finish_r(request); /* closes after a write error */
        if (!kept)
            break;
    }
    if (request->ipcFd >= 0)
        ms_conn_close(request->ipcFd);
    request->ipcFd = -1;
}

static void *
worker_main(void *arg)
{
    ms_worker_slot_t *slot = arg;
    ms_server_t *server = slot->server;
    FCGX_Request request;
    bool failed = false, leave = false;

    slot->peek = malloc(MS_RECORDS_HEADER_MAX);
    /* No listening socket for libfcgi: it must never accept by itself (a
     * retry inside FCGX_Accept_r gets EBADF instead). */
    if (slot->peek == NULL ||
        FCGX_InitRequest(&request, -1, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise a FastCGI request");
        failed = true;
        goto out;
    }
    while (!leave) {
        request.ipcFd = next_connection(slot, &leave, &failed);
        if (request.ipcFd >= 0)
            serve_connection(slot, &request);
    }
    FCGX_Free(&request, 0);
out:
    free(slot->peek);
    slot->peek = NULL;
    worker_done(server, failed);
    return NULL;
}

/* Say so at startup when the open file limit cannot hold every worker
 * with its index handle and a connection: the server would still run,
 * but requests would fail with 503 and accept() with EMFILE. */
void
ms_server_check_file_limit(unsigned threads)
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

/* See "Shutdown" at the top of the file. */
bool
ms_server_stop(ms_server_t *server)
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
    deadline.tv_nsec += MS_SERVER_JOIN_TIMEOUT_NS % 1000000000L;
    deadline.tv_sec +=
        MS_SERVER_JOIN_TIMEOUT_NS / 1000000000L + deadline.tv_nsec / 1000000000L;
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

int
ms_server_start(ms_server_t *server, unsigned n_threads)
{
    server->slots = calloc(n_threads, sizeof(*server->slots));
    server->answers = ms_answers_new();
    if (server->slots == NULL || server->answers == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < n_threads; i++) {
        ms_worker_slot_t *slot = &server->slots[i];
        int rc;

        slot->server = server;
        ms_worker_init(&slot->worker, &atomic_load(&server->current)->cfg);
        slot->worker.answers = server->answers;
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

int
ms_server_init_sync(ms_server_t *server)
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
