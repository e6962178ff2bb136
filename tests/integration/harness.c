/* harness.c - run the real migsearch-index, migsearch-fcgi and nginx for a test
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Child processes get PR_SET_PDEATHSIG so that a crashed test does not leave
 * servers behind; nginx runs with `daemon off` as our direct child for the
 * same reason. The load generator's threads never call cr_assert (it must
 * run on the test's own thread); they count what they see instead.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long
ms_it_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A loopback port nobody listens on right now. Another process could take
 * it before nginx does; ms_it_start() retries with a new port if so. */
int
ms_it_free_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    cr_assert(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind: %s",
              strerror(errno));
    cr_assert(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    close(fd);
    return ntohs(addr.sin_port);
}

/* Whether the loopback 'port' can be bound now. */
static bool
port_free(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    bool free = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    return free;
}

/* Ports below Linux's ephemeral range (32768-60999), where every client
 * socket of the machine takes a port and a range of them is soon hit, in
 * blocks of MS_IT_PORT_BLOCK. A block is this process's while it holds
 * an flock on /tmp/ms-it-ports/BLOCK (released when the process ends), so
 * that tests running side by side (ctest -j, Criterion --jobs) never pick
 * the same ports between picking and binding them. */
#define MS_IT_PORT_BLOCK 16
#define MS_IT_PORTS_FROM 20000
#define MS_IT_PORT_BLOCKS 750 /* 20000 to 31999 */

static bool
claim_block(int block)
{
    char path[64];
    mkdir("/tmp/ms-it-ports", 01777);
    snprintf(path, sizeof(path), "/tmp/ms-it-ports/%d", block);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return false;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return false;
    }
    return true; /* fd stays open: the claim lasts as long as the process */
}

int
ms_it_free_ports(int n)
{
    cr_assert(n > 0 && n <= MS_IT_PORT_BLOCK, "%d ports: at most %d in a row", n,
              MS_IT_PORT_BLOCK);
    unsigned seed = (unsigned)getpid() ^ (unsigned)ms_it_now_ms();
    for (int attempt = 0; attempt < 1000; attempt++) {
        int block = (int)(rand_r(&seed) % MS_IT_PORT_BLOCKS);
        int base = MS_IT_PORTS_FROM + block * MS_IT_PORT_BLOCK;
        int i = 0;
        while (i < n && port_free(base + i))
            i++;
        if (i == n && claim_block(block))
            return base;
    }
    cr_assert_fail("no %d free ports in a row", n);
    return 0;
}

/* fork + exec 'argv' with stdout and stderr appended to 'log', 'stdin_fd'
 * (if >= 0) as its fd 0 and, if 'nofile' > 0, that RLIMIT_NOFILE. */
static pid_t
spawn_with(char *const argv[], const char *log, int stdin_fd, long nofile)
{
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        if (stdin_fd >= 0 && stdin_fd != 0) {
            dup2(stdin_fd, 0);
            close(stdin_fd);
        }
        if (nofile > 0) {
            struct rlimit limit = {(rlim_t)nofile, (rlim_t)nofile};
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
                fprintf(stderr, "setrlimit: %s\n", strerror(errno));
                _exit(127);
            }
        }
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

pid_t
ms_it_spawn(char *const argv[], const char *log)
{
    return spawn_with(argv, log, -1, 0);
}

bool
ms_it_wait_port(pid_t *pid, int port)
{
    long deadline = ms_it_now_ms() + 10000;

    while (ms_it_now_ms() < deadline) {
        int status;
        if (waitpid(*pid, &status, WNOHANG) == *pid) {
            *pid = 0;
            return false;
        }
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET,
                                   .sin_port = htons((uint16_t)port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
        close(fd);
        if (ok)
            return true;
        usleep(20000);
    }
    return false;
}

pid_t
ms_it_serve_shard(ms_it_t *it, int k, int port, const char *log)
{
    char dir[256], port_text[16];
    snprintf(dir, sizeof dir, "%s/index/shard-%d", it->dir, k);
    snprintf(port_text, sizeof port_text, "%d", port);
    char *argv[] = {"setsid", MS_SOURCE_DIR "/indexer/ms-shard-serve", dir, port_text,
                    NULL};
    pid_t pid = ms_it_spawn(argv, log);
    cr_assert(ms_it_wait_port(&pid, port), "shard %d does not serve; see %s", k, log);
    return pid;
}

void
ms_it_shard_states(ms_it_t *it, char *out, size_t size)
{
    ms_http_t res;
    ms_it_get(&res, it, "/health"); /* 503 with a shard down: shards too */
    json_t *shards = json_object_get(res.json, "shards");
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(shards) && o + 16 < size; i++) {
        json_t *s = json_array_get(shards, i);
        o += (size_t)snprintf(out + o, size - o, "%s%lld:%s", i ? " " : "",
                              (long long)json_integer_value(json_object_get(s, "shard")),
                              json_string_value(json_object_get(s, "state")));
    }
    ms_http_free(&res);
}

/* The servers probe a shard that was down at their next refresh once
 * index.remote_reprobe_s has passed: tests set it to 1 s. */
void
ms_it_wait_shard_states(ms_it_t *it, const char *want)
{
    char got[128] = "";
    for (long until = ms_it_now_ms() + 10000; ms_it_now_ms() < until; usleep(100000)) {
        ms_it_shard_states(it, got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
    }
    cr_assert_fail("shards: %s, want %s", got, want);
}

static int
run(char *const argv[], const char *log)
{
    int status;
    pid_t pid = ms_it_spawn(argv, log);
    cr_assert(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
cat_file(const char *path)
{
    char buf[4096];
    size_t n;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fprintf(stderr, "==== %s\n", path);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stderr);
    fclose(f);
}

static const char *
nginx_binary(void)
{
    const char *nginx = getenv("MS_TEST_NGINX");
    return nginx && *nginx ? nginx : "nginx";
}

int
ms_it_index_args(ms_it_t *it, const char *archive, const char *const *args)
{
    char log[256];
    char *argv[16] = {
        (char *)(it->indexer ? it->indexer : MS_BINARY_DIR "/indexer/migsearch-index"),
        "--quiet",
        "--config",
        it->config,
        "--archive",
        (char *)archive};
    size_t n = 6;
    snprintf(log, sizeof(log), "%s/index.log", it->dir);
    for (size_t i = 0; args && args[i]; i++) {
        cr_assert(n + 1 < sizeof(argv) / sizeof(*argv), "too many indexer arguments");
        argv[n++] = (char *)args[i];
    }
    argv[n] = NULL;
    return run(argv, log);
}

int
ms_it_index(ms_it_t *it, const char *archive)
{
    return ms_it_index_args(it, archive, NULL);
}

/* Write the config, atomically (rename), since a reload may read it at
 * any moment. With a socket the server does not create, server.socket
 * names a path that must stay unused, with a mode that would show if the
 * server applied it. */
static void
write_config(ms_it_t *it, const char *extra)
{
    char tmp[208], socket[192];
    const char *mode = "0600";
    snprintf(tmp, sizeof(tmp), "%s.tmp", it->config);
    snprintf(socket, sizeof(socket), "%s", it->socket);
    if (it->socket_kind != MS_IT_OWN_SOCKET) {
        snprintf(socket, sizeof(socket), "%s/configured.sock", it->dir);
        mode = "0640";
    }
    FILE *f = fopen(tmp, "w");
    cr_assert(f, "cannot write %s", tmp);
    fprintf(f,
            "index:\n  path: %s/index\n%s"
            "server:\n  socket: %s\n  socket_mode: \"%s\"\n  socket_group: \"\"\n"
            "  threads: %u\n%s%s%s%s"
            "log:\n  level: info\n",
            it->dir, it->index_lines ? it->index_lines : "", socket, mode,
            it->threads ? it->threads : 4, it->server_lines ? it->server_lines : "",
            it->socket_kind == MS_IT_TCP ? "  listen: \"" : "",
            it->socket_kind == MS_IT_TCP ? it->socket : "",
            it->socket_kind == MS_IT_TCP ? "\"\n" : "");
    if (extra)
        fputs(extra, f);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, it->config), 0, "rename: %s", strerror(errno));
}

void
ms_it_write_config(ms_it_t *it, const char *extra_config)
{
    write_config(it, extra_config);
}

void
ms_it_url_encode(char *out, size_t size, const char *text)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        cr_assert_lt(n + 4, size, "'%s' does not fit %zu bytes encoded", text, size);
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, size - n, "%%%02X", *p);
    }
    out[n] = '\0';
}

char *
ms_it_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *data = NULL;
    size_t length = 0;
    char buf[4096];
    size_t n;
    if (!f)
        return strdup("");
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        char *grown = realloc(data, length + n + 1);
        cr_assert(grown);
        data = grown;
        memcpy(data + length, buf, n);
        length += n;
    }
    fclose(f);
    if (!data)
        return strdup("");
    data[length] = '\0';
    return data;
}

unsigned
ms_it_fcgi_log_count(ms_it_t *it, const char *needle)
{
    char *text = ms_it_read_file(it->fcgi_log);
    unsigned n = 0;
    cr_assert(text);
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    free(text);
    return n;
}

bool
ms_it_fcgi_log_contains(ms_it_t *it, const char *needle)
{
    return ms_it_fcgi_log_count(it, needle) > 0;
}

/* Start nginx on a fresh port; retry if the port was taken meanwhile.
 * The config is rendered in the test identity mode (harness.h), serving
 * 'archive' (may be NULL) at /_migsearch/files/. */
static void
start_nginx(ms_it_t *it, const char *archive)
{
    char render[] = MS_SOURCE_DIR "/config/render-nginx.sh";
    char prefix[160], conf[192], errlog[192], port[16], log[192], keepalive[16];
    snprintf(prefix, sizeof(prefix), "%s/nginx", it->dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", prefix);
    snprintf(errlog, sizeof(errlog), "%s/error.log", prefix);
    snprintf(log, sizeof(log), "%s/nginx.out", it->dir);
    snprintf(keepalive, sizeof(keepalive), "%u", it->keepalive);

    for (int attempt = 0; attempt < 5; attempt++) {
        it->port = ms_it_free_port();
        snprintf(port, sizeof(port), "%d", it->port);
        char *render_argv[] = {"/bin/sh",
                               render,
                               prefix,
                               port,
                               it->socket,
                               "off",
                               archive ? (char *)archive : "",
                               "testauth",
                               keepalive,
                               NULL};
        cr_assert(run(render_argv, log) == 0, "render-nginx.sh failed");

        char pfx[168];
        snprintf(pfx, sizeof(pfx), "%s/", prefix);
        char *argv[] = {
            (char *)nginx_binary(), "-p", pfx, "-c", conf, "-e", errlog, NULL};
        it->nginx_pid = ms_it_spawn(argv, log);
        if (ms_it_wait_port(&it->nginx_pid, it->port))
            return;
        if (it->nginx_pid > 0) {
            kill(it->nginx_pid, SIGKILL);
            waitpid(it->nginx_pid, NULL, 0);
            it->nginx_pid = 0;
        }
    }
    cat_file(log);
    cat_file(errlog);
    cr_assert_fail("nginx did not start (is it installed? set MS_TEST_NGINX)");
}

/* A listening unix socket at it->socket, as a spawner would make it. */
static int
listen_unix(ms_it_t *it)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    cr_assert(strlen(it->socket) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, it->socket);
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old);
    cr_assert(rc == 0, "bind %s: %s", it->socket, strerror(errno));
    cr_assert(listen(fd, 64) == 0, "listen: %s", strerror(errno));
    return fd;
}

/* Wait until migsearch-fcgi logs that it listens (the config's log level
 * is info), the line after the 'before' such lines already in its log. */
static void
wait_for_listening(ms_it_t *it, unsigned before)
{
    long deadline = ms_it_now_ms() + 10000;
    while (ms_it_fcgi_log_count(it, "listening socket=") <= before) {
        int status;
        if (waitpid(it->fcgi_pid, &status, WNOHANG) == it->fcgi_pid) {
            it->fcgi_pid = 0;
            cat_file(it->fcgi_log);
            cr_assert_fail("migsearch-fcgi exited before listening");
        }
        cr_assert(ms_it_now_ms() < deadline, "migsearch-fcgi did not start listening");
        usleep(20000);
    }
}

/* Start migsearch-fcgi on it->config, the way it->socket_kind says, and
 * wait until it listens: its socket file appears at bind(), before
 * listen(), and a request sent between the two is refused (nginx: 502), so
 * the wait is for the line it logs once listening, the first since this
 * start (the log is appended to across restarts). */
static void
spawn_fcgi(ms_it_t *it)
{
    char *fcgi = (char *)(it->server ? it->server : MS_BINARY_DIR "/fcgi/migsearch-fcgi");
    char *own[] = {fcgi, "--config", it->config, NULL};
    /* -n: spawn-fcgi execs the server itself, so its pid is ours. */
    char *spawner[] = {"spawn-fcgi", "-n", "-s",       it->socket, "-M", "0600",
                       "--",         fcgi, "--config", it->config, NULL};
    bool spawned = it->socket_kind == MS_IT_SPAWN_FCGI;
    /* MS_IT_INHERIT_SOCKET: the test's listening socket is its fd 0. */
    int stdin_fd = it->socket_kind == MS_IT_INHERIT_SOCKET ? it->listen_fd : -1;

    unsigned before = access(it->fcgi_log, F_OK) == 0
                          ? ms_it_fcgi_log_count(it, "listening socket=")
                          : 0;

    it->fcgi_pid =
        spawn_with(spawned ? spawner : own, it->fcgi_log, stdin_fd, it->nofile);
    wait_for_listening(it, before);
}

void
ms_it_restart_fcgi(ms_it_t *it)
{
    cr_assert(it->socket_kind == MS_IT_OWN_SOCKET || it->socket_kind == MS_IT_TCP,
              "ms_it_restart_fcgi: a server of its own socket or address only");
    cr_assert_geq(ms_it_stop_fcgi(it, 5000, NULL), 0, "migsearch-fcgi did not stop");
    if (it->socket_kind == MS_IT_OWN_SOCKET)
        unlink(it->socket); /* removed at exit, unless the server was killed */
    spawn_fcgi(it);
}

void
ms_it_start_with(ms_it_t *it, const char *archive, const ms_it_options_t *options)
{
    static const ms_it_options_t defaults;
    if (!options)
        options = &defaults;
    memset(it, 0, sizeof(*it));
    if (options->socket == MS_IT_SPAWN_FCGI &&
        system("command -v spawn-fcgi >/dev/null") != 0)
        cr_skip_test("spawn-fcgi is not installed (config/deps.sh test installs it)");
    it->socket_kind = options->socket;
    it->threads = options->threads;
    it->keepalive = options->keepalive;
    it->indexer = options->indexer;
    it->server = options->server;
    it->index_lines = options->index_lines;
    it->server_lines = options->server_lines;
    strcpy(it->dir, "/tmp/ms-it.XXXXXX");
    cr_assert(mkdtemp(it->dir), "mkdtemp: %s", strerror(errno));
    snprintf(it->config, sizeof(it->config), "%s/migsearch.yaml", it->dir);
    snprintf(it->socket, sizeof(it->socket), "%s/migsearch.sock", it->dir);
    if (options->socket == MS_IT_TCP)
        snprintf(it->socket, sizeof(it->socket), "127.0.0.1:%d", ms_it_free_port());
    snprintf(it->fcgi_log, sizeof(it->fcgi_log), "%s/fcgi.log", it->dir);
    write_config(it, options->extra_config);

    if (archive)
        cr_assert_eq(ms_it_index(it, archive), 0,
                     "migsearch-index failed; see %s/index.log", it->dir);

    it->nofile = options->nofile;
    if (options->socket == MS_IT_INHERIT_SOCKET) {
        it->listen_fd = listen_unix(it);
        it->has_listen_fd = true;
    }
    spawn_fcgi(it);
    start_nginx(it, archive);
}

void
ms_it_start(ms_it_t *it, const char *archive, const char *extra_config)
{
    ms_it_options_t options = {.extra_config = extra_config};
    ms_it_start_with(it, archive, &options);
}

long
ms_it_stop_fcgi(ms_it_t *it, long timeout_ms, int *status)
{
    int st = 0;
    long start = ms_it_now_ms();
    if (it->fcgi_pid <= 0)
        return -1;
    kill(it->fcgi_pid, SIGTERM);
    while (ms_it_now_ms() - start < timeout_ms) {
        if (waitpid(it->fcgi_pid, &st, WNOHANG) == it->fcgi_pid) {
            it->fcgi_pid = 0;
            if (status)
                *status = st;
            return ms_it_now_ms() - start;
        }
        usleep(5000);
    }
    kill(it->fcgi_pid, SIGKILL);
    waitpid(it->fcgi_pid, &st, 0);
    it->fcgi_pid = 0;
    if (status)
        *status = st;
    return -1;
}

/* rm -rf 'dir'; whether it succeeded. */
static bool
remove_tree(const char *dir)
{
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

void
ms_it_stop(ms_it_t *it)
{
    if (it->nginx_pid > 0) {
        kill(it->nginx_pid, SIGQUIT);
        waitpid(it->nginx_pid, NULL, 0);
        it->nginx_pid = 0;
    }
    ms_it_stop_fcgi(it, 3000, NULL);
    if (it->has_listen_fd) {
        close(it->listen_fd);
        it->has_listen_fd = false;
    }
    if (getenv("MS_TEST_CATLOG")) {
        char path[192];
        snprintf(path, sizeof(path), "%s/fcgi.log", it->dir);
        cat_file(path);
        snprintf(path, sizeof(path), "%s/nginx/error.log", it->dir);
        cat_file(path);
    }
    if (it->dir[0] && !getenv("MS_TEST_LEAVE"))
        remove_tree(it->dir);
    else if (it->dir[0])
        fprintf(stderr, "MS_TEST_LEAVE: kept %s\n", it->dir);
}

typedef struct buffer {
    char *data;
    size_t length;
} buffer_t;

static size_t
append(char *ptr, size_t size, size_t nmemb, void *payload)
{
    buffer_t *buf = payload;
    size_t n = size * nmemb;
    char *grown = realloc(buf->data, buf->length + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + buf->length, ptr, n);
    buf->length += n;
    grown[buf->length] = '\0';
    buf->data = grown;
    return n;
}

void
ms_it_request(ms_http_t *out, ms_it_t *it, const char *method, const char *target,
              const char *body)
{
    char url[8192];
    buffer_t resp = {0}, head = {0};
    memset(out, 0, sizeof(*out));
    int n = snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", it->port, target);
    cr_assert(n > 0 && (size_t)n < sizeof(url), "target too long for the test client");

    CURL *curl = curl_easy_init();
    cr_assert(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    CURLcode rc = curl_easy_perform(curl);
    cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, target, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(curl);

    out->body = resp.data ? resp.data : strdup("");
    out->length = resp.length;
    out->headers = head.data ? head.data : strdup("");
    out->json = json_loadb(out->body, out->length, 0, NULL);
}

json_t *
ms_it_get_json(ms_http_t *out, ms_it_t *it, const char *target)
{
    ms_it_get(out, it, target);
    cr_assert_eq(out->status, 200, "%s: HTTP %ld: %.300s", target, out->status,
                 out->body);
    cr_assert_not_null(out->json, "%s: not JSON", target);
    return out->json;
}

void
ms_it_get(ms_http_t *out, ms_it_t *it, const char *target)
{
    ms_it_request(out, it, "GET", target, NULL);
}

unsigned long
ms_it_metric(ms_it_t *it, const char *name)
{
    ms_http_t res;
    char line[128];

    ms_it_get(&res, it, "/metrics");
    cr_assert_eq(res.status, 200);
    snprintf(line, sizeof line, "\n%s ", name);
    const char *at = strstr(res.body, line);
    cr_assert_not_null(at, "no %s in /metrics", name);
    unsigned long value = strtoul(at + strlen(line), NULL, 10);
    ms_http_free(&res);
    return value;
}

void
ms_it_remove_tree(char *dir)
{
    if (dir[0] && !getenv("MS_TEST_LEAVE") && !remove_tree(dir))
        fprintf(stderr, "cannot remove %s\n", dir);
    dir[0] = '\0';
}

const char *
ms_http_header(const ms_http_t *res, const char *name, char *buf, size_t size)
{
    size_t len = strlen(name);
    for (const char *line = res->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end)
            end = line + strlen(line);
        if ((size_t)(end - line) > len && strncasecmp(line, name, len) == 0 &&
            line[len] == ':') {
            const char *value = line + len + 1;
            while (*value == ' ')
                value++;
            snprintf(buf, size, "%.*s", (int)(end - value), value);
            return buf;
        }
        line = *end ? end + 2 : end;
    }
    return NULL;
}

void
ms_http_free(ms_http_t *res)
{
    free(res->body);
    free(res->headers);
    json_decref(res->json);
    memset(res, 0, sizeof(*res));
}

void
ms_it_request_headers(ms_http_t *out, ms_it_t *it, const char *method, const char *target,
                      const char *body, const char *const *headers)
{
    buffer_t resp = {0}, head = {0};
    struct curl_slist *list = NULL;
    memset(out, 0, sizeof(*out));
    size_t size = strlen(target) + 64;
    char *url = malloc(size);
    cr_assert(url);
    snprintf(url, size, "http://127.0.0.1:%d%s", it->port, target);

    CURL *curl = curl_easy_init();
    cr_assert(curl);
    for (size_t i = 0; headers && headers[i]; i++) {
        struct curl_slist *grown = curl_slist_append(list, headers[i]);
        cr_assert(grown);
        list = grown;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    if (list)
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(list);
    free(url);
    cr_assert_eq(rc, CURLE_OK, "%s %.100s: %s", method, target, curl_easy_strerror(rc));

    out->body = resp.data ? resp.data : strdup("");
    out->length = resp.length;
    out->headers = head.data ? head.data : strdup("");
    out->json = json_loadb(out->body, out->length, 0, NULL);
}

/* ---- load generator ---- */

struct ms_it_load {
    ms_it_t *it;
    const char *const *targets;
    const char *const *headers;
    unsigned n_clients;
    pthread_t *threads;
    struct client *clients; /* the threads' arguments */
    atomic_bool stop;
    atomic_long mark_ms;  /* 0: no mark yet */
    pthread_mutex_t lock; /* guards stats */
    ms_it_load_stats_t stats;
};

typedef struct client {
    ms_it_load_t *load;
    unsigned index;
} client_t;

static void load_failure(ms_it_load_t *load, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Keep the first failure's description; the caller holds the lock. */
static void
load_failure(ms_it_load_t *load, const char *format, ...)
{
    va_list ap;
    if (load->stats.first_failure[0] != '\0')
        return;
    va_start(ap, format);
    vsnprintf(load->stats.first_failure, sizeof(load->stats.first_failure), format, ap);
    va_end(ap);
}

static void *
load_client(void *arg)
{
    client_t *client = arg;
    ms_it_load_t *load = client->load;
    struct curl_slist *list = NULL;
    CURL *curl = curl_easy_init();
    size_t n_targets = 0;
    if (!curl)
        return NULL;
    while (load->targets[n_targets])
        n_targets++;
    for (size_t i = 0; load->headers && load->headers[i]; i++)
        list = curl_slist_append(list, load->headers[i]);
    for (size_t i = client->index; !atomic_load(&load->stop); i++) {
        char url[2048];
        buffer_t resp = {0};
        long status = 0;
        const char *target = load->targets[i % n_targets];
        snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", load->it->port, target);
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
        if (list)
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
        long start = ms_it_now_ms();
        CURLcode rc = curl_easy_perform(curl);
        long end = ms_it_now_ms();
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        long mark = atomic_load(&load->mark_ms);
        bool before_mark = mark == 0 || end < mark;

        pthread_mutex_lock(&load->lock);
        if (rc != CURLE_OK) {
            load->stats.transfer_errors++;
            load_failure(load, "%s: %s (status %ld, %zu bytes)", target,
                         curl_easy_strerror(rc), status, resp.length);
        } else if (status < 200 || status > 299) {
            load->stats.non_2xx++;
            load->stats.non_2xx_other += status != 502;
            load->stats.non_2xx_before_mark += before_mark;
            load_failure(load, "%s: status %ld", target, status);
        } else {
            json_t *json = json_loadb(resp.data ? resp.data : "", resp.length, 0, NULL);
            if (!json_is_object(json)) {
                load->stats.bad_bodies++;
                load_failure(load,
                             "%s: status %ld with a body that is not JSON (%zu bytes)",
                             target, status, resp.length);
            } else {
                load->stats.ok++;
                load->stats.spanning_ok += mark != 0 && start < mark && end >= mark;
            }
            json_decref(json);
        }
        pthread_mutex_unlock(&load->lock);
        free(resp.data);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return NULL;
}

ms_it_load_t *
ms_it_load_start(ms_it_t *it, unsigned clients, const char *const *targets,
                 const char *const *headers)
{
    ms_it_load_t *load = calloc(1, sizeof(*load));
    client_t *args;
    cr_assert(load && clients > 0 && targets && targets[0]);
    /* Not thread-safe itself: once, here, before any client thread. */
    cr_assert_eq(curl_global_init(CURL_GLOBAL_ALL), CURLE_OK);
    load->it = it;
    load->targets = targets;
    load->headers = headers;
    load->n_clients = clients;
    atomic_init(&load->stop, false);
    atomic_init(&load->mark_ms, 0);
    pthread_mutex_init(&load->lock, NULL);
    load->threads = calloc(clients, sizeof(*load->threads));
    args = calloc(clients, sizeof(*args));
    cr_assert(load->threads && args);
    for (unsigned i = 0; i < clients; i++) {
        args[i].load = load;
        args[i].index = i;
        cr_assert_eq(pthread_create(&load->threads[i], NULL, load_client, &args[i]), 0);
    }
    load->clients = args;
    return load;
}

void
ms_it_load_mark(ms_it_load_t *load)
{
    atomic_store(&load->mark_ms, ms_it_now_ms());
}

void
ms_it_load_peek(ms_it_load_t *load, ms_it_load_stats_t *out)
{
    pthread_mutex_lock(&load->lock);
    *out = load->stats;
    pthread_mutex_unlock(&load->lock);
}

void
ms_it_load_stop(ms_it_load_t *load, ms_it_load_stats_t *out)
{
    atomic_store(&load->stop, true);
    for (unsigned i = 0; i < load->n_clients; i++)
        pthread_join(load->threads[i], NULL);
    ms_it_load_peek(load, out);
    pthread_mutex_destroy(&load->lock);
    free(load->threads);
    free(load->clients);
    free(load);
}

void
ms_it_canary_archive(char *out, size_t size, const char *prefix)
{
    char parent[96];
    snprintf(parent, sizeof(parent), "/tmp/%s.XXXXXX", prefix);
    cr_assert(mkdtemp(parent), "mkdtemp: %s", strerror(errno));
    int n = snprintf(out, size, "%s/archive", parent);
    cr_assert(n > 0 && (size_t)n < size);
    char *copy[] = {"cp", "-R", MS_TEST_DATA "/archive", out, NULL};
    cr_assert_eq(run(copy, "/dev/null"), 0, "cannot copy the sample archive");
    char *canary[] = {"cp", "-R", MS_TEST_DATA "/canary/board", out, NULL};
    cr_assert_eq(run(canary, "/dev/null"), 0, "cannot add the canary");
}

void
ms_it_canary_archive_remove(const char *archive)
{
    const char *slash = strrchr(archive, '/');
    if (!archive[0] || !slash || getenv("MS_TEST_LEAVE"))
        return;
    char parent[128];
    snprintf(parent, sizeof(parent), "%.*s", (int)(slash - archive), archive);
    remove_tree(parent);
}

void
ms_it_next_second(void)
{
    const struct timespec pause = {0, 10 * 1000 * 1000};
    time_t start = time(NULL);

    while (time(NULL) == start)
        nanosleep(&pause, NULL);
}

void
ms_it_reindex(ms_it_t *it, const char *archive, const char *const *args)
{
    const struct timespec settle = {1, 200 * 1000 * 1000};

    cr_assert_eq(ms_it_index_args(it, archive, args), 0,
                 "migsearch-index failed; see %s/index.log", it->dir);
    nanosleep(&settle, NULL);
}
