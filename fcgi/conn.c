/* conn.c - what migsearch-fcgi accepts before libfcgi reads a byte
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Own accept layer. libfcgi trusts whoever connects: it parses any record
 * (Debian's 2.4.2 aborts on a crafted params length, CVE-2025-23016), takes
 * any user and groups from the params, and reads without a timeout, so a
 * peer that sends half a header holds a worker for ever. So the worker
 * never lets libfcgi accept: it accepts here, checks the peer's
 * credentials (SO_PEERCRED) before reading a byte, sets read and write
 * timeouts on the connection, and peeks (MSG_PEEK, nothing consumed) until
 * the whole request header has arrived and ms_records_check() finds it
 * well-formed. Only then is the descriptor handed to libfcgi, as the
 * connection of its FCGX_Request (ipcFd, with keepConnection set so that
 * FCGX_Accept_r reads it rather than accepting one of its own); libfcgi
 * parses bytes already checked and already buffered. The same wait runs
 * before each request on a connection nginx keeps.
 *
 * Peers. On a unix socket, allowed: root and the server's own user (both
 * could stop or read the process anyway), the users of server.allow_users
 * and the primary groups of server.allow_groups. A TCP peer (server.listen,
 * or a TCP socket inherited from a spawner) has no credentials, only an
 * address: it is served when the address lies in server.allow_addresses
 * (ms_net.h), and closed before a byte is read otherwise; an empty list
 * refuses every TCP peer. The timeouts below apply to both kinds. A TCP
 * peer has no pid either, so the per-process share below does not apply
 * to it: the hosts listed are nginx hosts, trusted to that extent.
 *
 * Waiting. Data that has arrived but does not yet make a whole header
 * keeps poll() readable, so a partial header is re-peeked after a short
 * wait (1 ms, doubling up to 50 ms) that only the peer's close or
 * shutdown cuts short. One peer process may keep server.peer_share
 * workers (default half of them, at least one) waiting for a
 * request: its connections beyond that must deliver their header within
 * OVER_SHARE_MS, so that N stalled connections from one process cannot
 * leave nginx without a worker. That also bounds nginx's own idle kept
 * connections: those beyond the share are closed, and nginx opens new
 * ones as needed.
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERCRED, accept4 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ms_clock.h"
#include "ms_list.h"
#include "ms_log.h"
#include "ms_net.h"
#include "ms_records.h"
#include "ms_server.h"

/* How long a peer's connections beyond its share may take to send a
 * whole request header. nginx sends its header as it connects. */
#define OVER_SHARE_MS 100

/* The longest sleep between two peeks at a partial header. */
#define PEEK_SLEEP_MAX_MS 50

/* How long ms_conn_close() lets the peer close its side. */
#define CLOSE_LINGER_MS 1000

/* Add the ids named in 'list' (spaces or commas between names) to 'ids'.
 * 'group': look up group names, else user names. Returns 0 or -1. */
static int
add_names(unsigned *ids, unsigned *count, unsigned max, const char *list, bool group,
          const char *key)
{
    char name[256];
    const char *at = list, *item;
    size_t length;

    while ((length = ms_list_next(&at, &item)) > 0) {
        if (length >= sizeof(name) || *count >= max) {
            ms_log(MS_LOG_ERR, "%s: too many names or a name too long", key);
            return -1;
        }
        memcpy(name, item, length);
        name[length] = '\0';
        if (group) {
            struct group *entry = getgrnam(name);

            if (entry == NULL)
                goto unknown;
            ids[(*count)++] = entry->gr_gid;
        } else {
            struct passwd *entry = getpwnam(name);

            if (entry == NULL)
                goto unknown;
            ids[(*count)++] = entry->pw_uid;
        }
        continue;
    unknown:
        ms_log(MS_LOG_ERR, "%s: unknown %s name=%s", key, group ? "group" : "user", name);
        return -1;
    }
    return 0;
}

/* server.allow_addresses into 'policy', for a TCP socket. Returns 0 or -1. */
static int
init_addresses(ms_conn_policy_t *policy, const ms_config_t *cfg)
{
    char reason[200];

    if (ms_net_parse_cidrs(policy->addresses, MS_NET_CIDRS_MAX, &policy->n_addresses,
                           cfg->server.allow_addresses, reason, sizeof(reason)) != 0) {
        ms_log(MS_LOG_ERR, "server.allow_addresses: %s", reason);
        return -1;
    }
    if (policy->n_addresses == 0)
        ms_log(MS_LOG_WARN, "server.allow_addresses is empty: every TCP connection will "
                            "be refused");
    return 0;
}

int
ms_conn_policy_init(ms_server_t *server, const ms_config_t *cfg)
{
    ms_conn_policy_t *policy = &server->conn;
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    unsigned ids[MS_CONN_NAMES_MAX];
    unsigned n = 0;

    memset(policy, 0, sizeof(*policy));
    if (getsockname(server->listen_fd, (struct sockaddr *)&address, &length) != 0) {
        ms_log(MS_LOG_ERR, "getsockname: %s", strerror(errno));
        return -1;
    }
    policy->check_peers = address.ss_family == AF_UNIX;
    policy->check_addresses =
        address.ss_family == AF_INET || address.ss_family == AF_INET6;
    if (policy->check_addresses && init_addresses(policy, cfg) != 0)
        return -1;
    policy->users[policy->n_users++] = 0;
    policy->users[policy->n_users++] = geteuid();
    if (add_names(ids, &n, MS_CONN_NAMES_MAX, cfg->server.allow_users, false,
                  "server.allow_users") != 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        policy->users[policy->n_users++] = (uid_t)ids[i];
    n = 0;
    if (add_names(ids, &n, MS_CONN_NAMES_MAX, cfg->server.allow_groups, true,
                  "server.allow_groups") != 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        policy->groups[policy->n_groups++] = (gid_t)ids[i];
    policy->read_timeout_ms = cfg->server.read_timeout * 1000;
    policy->write_timeout_ms = cfg->server.write_timeout * 1000;
    policy->per_peer = cfg->server.peer_share > 0    ? cfg->server.peer_share
                       : cfg->server.threads / 2 > 0 ? cfg->server.threads / 2
                                                     : 1;
    return 0;
}

static bool
peer_allowed(const ms_conn_policy_t *policy, const struct ucred *peer)
{
    for (unsigned i = 0; i < policy->n_users; i++) {
        if (policy->users[i] == peer->uid)
            return true;
    }
    for (unsigned i = 0; i < policy->n_groups; i++) {
        if (policy->groups[i] == peer->gid)
            return true;
    }
    return false;
}

/* Log a refusal at most once a second for the whole process: a local
 * user or a remote host must not be able to flood the log. 'address' is
 * the TCP peer's, or NULL for a unix peer ('peer'). */
static void
log_refusal(ms_server_t *server, const struct ucred *peer,
            const struct sockaddr_storage *address, const char *why)
{
    long long now = ms_clock_ms(), last = atomic_load(&server->refusal_logged_ms);
    char text[80];

    if (now - last < 1000 ||
        !atomic_compare_exchange_strong(&server->refusal_logged_ms, &last, now))
        return;
    if (address != NULL)
        ms_log(MS_LOG_WARN, "connection refused: %s peer=%s", why,
               ms_net_format((const struct sockaddr *)address, text, sizeof(text)));
    else
        ms_log(MS_LOG_WARN, "connection refused: %s uid=%ld gid=%ld pid=%ld", why,
               (long)peer->uid, (long)peer->gid, (long)peer->pid);
}

static void
set_timeout(int fd, int option, unsigned ms)
{
    struct timeval limit = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

    if (setsockopt(fd, SOL_SOCKET, option, &limit, sizeof(limit)) != 0)
        ms_log(MS_LOG_WARN, "cannot set a socket timeout: %s", strerror(errno));
}

int
ms_conn_accept(ms_worker_slot_t *slot)
{
    ms_server_t *server = slot->server;
    struct ucred peer = {0, (uid_t)-1, (gid_t)-1};
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    int fd =
        accept4(server->listen_fd, (struct sockaddr *)&address, &length, SOCK_CLOEXEC);

    if (fd < 0)
        return -errno;
    if (server->conn.check_addresses &&
        !ms_net_cidrs_match(server->conn.addresses, server->conn.n_addresses,
                            (struct sockaddr *)&address)) {
        log_refusal(server, &peer, &address, "address not in server.allow_addresses");
        close(fd);
        return -ECONNREFUSED;
    }
    length = sizeof(peer);
    if (server->conn.check_peers) {
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) {
            log_refusal(server, &peer, NULL, "no peer credentials");
            close(fd);
            return -ECONNREFUSED;
        }
        if (!peer_allowed(&server->conn, &peer)) {
            log_refusal(server, &peer, NULL, "user and group not allowed");
            close(fd);
            return -ECONNREFUSED;
        }
    }
    slot->peer_pid = peer.pid;
    slot->peer_uid = peer.uid;
    set_timeout(fd, SO_RCVTIMEO, server->conn.read_timeout_ms);
    set_timeout(fd, SO_SNDTIMEO, server->conn.write_timeout_ms);
    return fd;
}

/* Start waiting for a request from slot's peer: true when the peer holds
 * fewer than its share of waiting workers. */
static bool
begin_wait(ms_worker_slot_t *slot)
{
    ms_server_t *server = slot->server;
    unsigned others = 0;

    pthread_mutex_lock(&server->lock);
    for (unsigned i = 0; i < server->n_started; i++) {
        if (&server->slots[i] != slot && slot->peer_pid != 0 &&
            server->slots[i].waiting_pid == slot->peer_pid)
            others++;
    }
    slot->waiting_pid = slot->peer_pid;
    pthread_mutex_unlock(&server->lock);
    return others < server->conn.per_peer;
}

static void
end_wait(ms_worker_slot_t *slot)
{
    pthread_mutex_lock(&slot->server->lock);
    slot->waiting_pid = 0;
    pthread_mutex_unlock(&slot->server->lock);
}

/* Wait up to 'ms' for more from 'fd', for its peer to close, or for
 * shutdown. With 'have_data' bytes are pending already, so POLLIN would
 * return at once: only the peer's close (POLLRDHUP) ends the wait early,
 * and the caller keeps 'ms' short. Returns false when the peer has
 * stopped sending: what it sent is all there will be. */
static bool
wait_a_little(ms_server_t *server, int fd, long long ms, bool have_data)
{
    struct pollfd fds[2] = {{fd, have_data ? POLLRDHUP : POLLIN | POLLRDHUP, 0},
                            {server->wake[0], POLLIN, 0}};

    if (ms <= 0)
        return true;
    if (poll(fds, 2, (int)ms) < 0 && errno != EINTR)
        ms_log(MS_LOG_WARN, "poll: %s", strerror(errno));
    return (fds[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0;
}

bool
ms_conn_await_request(ms_worker_slot_t *slot, int fd)
{
    ms_server_t *server = slot->server;
    long long start = ms_clock_ms(), deadline, sleep_ms = 1;
    ssize_t seen = 0;
    bool ready = false;

    deadline = start + (begin_wait(slot) ? server->conn.read_timeout_ms : OVER_SHARE_MS);
    for (;;) {
        ssize_t got =
            recv(fd, slot->peek, MS_RECORDS_HEADER_MAX, MSG_PEEK | MSG_DONTWAIT);
        const char *reason;
        long long now;

        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
            break; /* the peer closed or reset: nothing to say */
        if (got < 0)
            got = 0;
        switch (ms_records_check(slot->peek, (size_t)got, &reason)) {
        case MS_RECORDS_COMPLETE:
            ready = true;
            goto out;
        case MS_RECORDS_BAD:
            ms_log(MS_LOG_WARN, "request refused: %s uid=%ld pid=%ld", reason,
                   (long)slot->peer_uid, (long)slot->peer_pid);
            goto out;
        case MS_RECORDS_PARTIAL:
            break;
        }
        if (got == MS_RECORDS_HEADER_MAX) {
            ms_log(MS_LOG_WARN, "request refused: header too large uid=%ld pid=%ld",
                   (long)slot->peer_uid, (long)slot->peer_pid);
            goto out;
        }
        now = ms_clock_ms();
        if (now >= deadline || atomic_load(&server->stopping)) {
            if (got > 0)
                ms_log(MS_LOG_INFO,
                       "connection closed: no whole request within %lld ms "
                       "uid=%ld pid=%ld",
                       deadline - start, (long)slot->peer_uid, (long)slot->peer_pid);
            goto out;
        }
        sleep_ms = got > seen                         ? 1
                   : sleep_ms * 2 > PEEK_SLEEP_MAX_MS ? PEEK_SLEEP_MAX_MS
                                                      : sleep_ms * 2;
        seen = got;
        if (!wait_a_little(server, fd,
                           got > 0
                               ? (sleep_ms < deadline - now ? sleep_ms : deadline - now)
                               : deadline - now,
                           got > 0))
            goto out; /* half a header, and the peer will send no more */
    }
out:
    end_wait(slot);
    return ready;
}

void
ms_conn_close(int fd)
{
    long long deadline = ms_clock_ms() + CLOSE_LINGER_MS;
    char trash[1024];

    if (shutdown(fd, SHUT_WR) == 0) {
        for (;;) {
            struct pollfd one = {fd, POLLIN, 0};
            long long left = deadline - ms_clock_ms();

            if (left <= 0 || poll(&one, 1, (int)left) <= 0 ||
                read(fd, trash, sizeof(trash)) <= 0)
                break;
        }
    }
    close(fd);
}
