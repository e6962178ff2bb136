/* harness.c - run the real migsearch-index, migsearch-fcgi and nginx for a test
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Child processes get PR_SET_PDEATHSIG so that a crashed test does not leave
 * servers behind; nginx runs with `daemon off` as our direct child for the
 * same reason.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A loopback port nobody listens on right now. Another process could take
 * it before nginx does; ms_it_start() retries with a new port if so. */
static int
free_port(void)
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

/* fork + exec 'argv' with stdout and stderr appended to 'log'. */
static pid_t
spawn(char *const argv[], const char *log)
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
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static int
run(char *const argv[], const char *log)
{
    int status;
    pid_t pid = spawn(argv, log);
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
ms_it_index(ms_it_t *it, const char *archive)
{
    char log[256];
    snprintf(log, sizeof(log), "%s/index.log", it->dir);
    char *argv[] = {MS_BINARY_DIR "/indexer/migsearch-index",
                    "--quiet",
                    "--config",
                    it->config,
                    "--archive",
                    (char *)archive,
                    NULL};
    return run(argv, log);
}

static void
write_config(ms_it_t *it, const char *extra)
{
    FILE *f = fopen(it->config, "w");
    cr_assert(f, "cannot write %s", it->config);
    fprintf(f,
            "index:\n  path: %s/index\n"
            "server:\n  socket: %s\n  socket_mode: \"0600\"\n  socket_group: \"\"\n"
            "  threads: 4\n"
            "log:\n  level: info\n",
            it->dir, it->socket);
    if (extra)
        fputs(extra, f);
    fclose(f);
}

static void
wait_for_socket(ms_it_t *it)
{
    struct stat st;
    long deadline = now_ms() + 10000;
    while (stat(it->socket, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        int status;
        if (waitpid(it->fcgi_pid, &status, WNOHANG) == it->fcgi_pid) {
            it->fcgi_pid = 0;
            cr_assert_fail("migsearch-fcgi exited before creating its socket");
        }
        cr_assert(now_ms() < deadline, "migsearch-fcgi socket did not appear");
        usleep(20000);
    }
}

/* Start nginx on a fresh port; retry if the port was taken meanwhile. */
static void
start_nginx(ms_it_t *it)
{
    char render[] = MS_SOURCE_DIR "/config/render-nginx.sh";
    char prefix[160], conf[192], errlog[192], port[16], log[192];
    snprintf(prefix, sizeof(prefix), "%s/nginx", it->dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", prefix);
    snprintf(errlog, sizeof(errlog), "%s/error.log", prefix);
    snprintf(log, sizeof(log), "%s/nginx.out", it->dir);

    for (int attempt = 0; attempt < 5; attempt++) {
        it->port = free_port();
        snprintf(port, sizeof(port), "%d", it->port);
        char *render_argv[] = {"/bin/sh", render, prefix, port, it->socket, "off", NULL};
        cr_assert(run(render_argv, log) == 0, "render-nginx.sh failed");

        char pfx[168];
        snprintf(pfx, sizeof(pfx), "%s/", prefix);
        char *argv[] = {
            (char *)nginx_binary(), "-p", pfx, "-c", conf, "-e", errlog, NULL};
        it->nginx_pid = spawn(argv, log);

        long deadline = now_ms() + 10000;
        while (now_ms() < deadline) {
            int status;
            if (waitpid(it->nginx_pid, &status, WNOHANG) == it->nginx_pid) {
                it->nginx_pid = 0;
                break; /* most likely the port was taken: try another */
            }
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in addr = {.sin_family = AF_INET,
                                       .sin_port = htons(it->port),
                                       .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
            int ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
            close(fd);
            if (ok)
                return;
            usleep(20000);
        }
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

void
ms_it_start(ms_it_t *it, const char *archive, const char *extra_config)
{
    memset(it, 0, sizeof(*it));
    strcpy(it->dir, "/tmp/ms-it.XXXXXX");
    cr_assert(mkdtemp(it->dir), "mkdtemp: %s", strerror(errno));
    snprintf(it->config, sizeof(it->config), "%s/migsearch.yaml", it->dir);
    snprintf(it->socket, sizeof(it->socket), "%s/migsearch.sock", it->dir);
    write_config(it, extra_config);

    if (archive)
        cr_assert_eq(ms_it_index(it, archive), 0,
                     "migsearch-index failed; see %s/index.log", it->dir);

    char log[192];
    snprintf(log, sizeof(log), "%s/fcgi.log", it->dir);
    char *argv[] = {MS_BINARY_DIR "/fcgi/migsearch-fcgi", "--config", it->config, NULL};
    it->fcgi_pid = spawn(argv, log);
    wait_for_socket(it);
    start_nginx(it);
}

long
ms_it_stop_fcgi(ms_it_t *it, long timeout_ms, int *status)
{
    int st = 0;
    long start = now_ms();
    if (it->fcgi_pid <= 0)
        return -1;
    kill(it->fcgi_pid, SIGTERM);
    while (now_ms() - start < timeout_ms) {
        if (waitpid(it->fcgi_pid, &st, WNOHANG) == it->fcgi_pid) {
            it->fcgi_pid = 0;
            if (status)
                *status = st;
            return now_ms() - start;
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

static void
remove_tree(const char *dir)
{
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
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

void
ms_it_get(ms_http_t *out, ms_it_t *it, const char *target)
{
    ms_it_request(out, it, "GET", target, NULL);
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
