/* socket.c - the listening socket of migsearch-fcgi: made, inherited, checked
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * When fd 0 is already a listening socket (the FastCGI convention
 * spawn-fcgi follows), the server serves it and never chmods or unlinks
 * it: the spawner owns it. Otherwise it creates server.socket itself, or,
 * with server.listen set, listens on that TCP address (SO_REUSEADDR, so a
 * restart right after a crash or a kill does not wait for TIME_WAIT; an
 * IPv6 address is IPv6 only). conn.c checks TCP peers' addresses.
 * Either way the socket is made non-blocking: workers poll before they
 * accept, so a worker that lost the race for a connection must get
 * EAGAIN, not sleep in accept() where shutdown cannot reach it. Accepted
 * connections do not inherit the flag on Linux, so libfcgi's reads and
 * writes still block. On an inherited socket the flag reaches every
 * process sharing it (spawn-fcgi -F), which all run this same loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "ms_log.h"
#include "ms_net.h"
#include "ms_server.h"

int
ms_socket_check(const char *path, const char *group, bool *has_group, gid_t *gid)
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

int
ms_socket_open(ms_server_t *server, const ms_config_t *cfg, bool has_group, gid_t gid)
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

int
ms_socket_open_tcp(ms_server_t *server, const ms_config_t *cfg)
{
    struct sockaddr_storage address;
    socklen_t length;
    char reason[200];
    int on = 1, fd;

    if (ms_net_parse_address(&address, &length, server->socket_path, reason,
                             sizeof(reason)) != 0) {
        ms_log(MS_LOG_ERR, "server.listen: %s", reason);
        return -1;
    }
    fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ms_log(MS_LOG_ERR, "socket: %s", strerror(errno));
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        (address.ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
        bind(fd, (struct sockaddr *)&address, length) != 0 ||
        listen(fd, (int)cfg->server.backlog) != 0) {
        ms_log(MS_LOG_ERR, "cannot listen address=%s: %s", server->socket_path,
               strerror(errno));
        close(fd);
        return -1;
    }
    server->listen_fd = fd;
    return 0;
}

bool
ms_socket_inherited(char *where, size_t size)
{
    union {
        struct sockaddr any;
        struct sockaddr_un un;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } address;
    socklen_t length = sizeof(address), option_length;
    int listening = 0, type = 0;
    char text[80];

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
    case AF_INET6:
        snprintf(where, size, "fd 0 (%s)",
                 ms_net_format(&address.any, text, sizeof(text)));
        return true;
    default:
        return false;
    }
}

int
ms_socket_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        ms_log(MS_LOG_ERR, "cannot make the listening socket non-blocking: %s",
               strerror(errno));
        return -1;
    }
    return 0;
}
