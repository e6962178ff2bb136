/* test_fronts.c - the API behind lighttpd and Apache, from docs/admins.md
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * docs/admins.md, "Other front ends", gives a lighttpd and an Apache
 * snippet. This test takes each as the guide prints it (the fenced
 * ```lighttpd and ```apache blocks), replaces the example's paths and
 * port with its own, adds what Debian's main config would (a pid file,
 * logs, modules) and runs the real server on a free loopback port in
 * front of the real migsearch-fcgi, with server.file_delivery set as the
 * guide says. Then through it: a search, a document, the document's file
 * (the bytes of the archive file, the right Content-Length for GET and
 * HEAD, no path of the archive in the answer), q=%ZZ (400 JSON), /health
 * and the search page. A front end whose Debian package is missing is
 * skipped, saying so; config/deps.sh test installs both.
 */
#define _GNU_SOURCE /* strcasestr, memmem */
#include <criterion/criterion.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define ARCHIVE MS_TEST_DATA "/archive"
#define WWW MS_SOURCE_DIR "/fcgi/www"
#define DOC_ID "crs-2003-implementation-review"
#define DOC_FILE ARCHIVE "/reports/" DOC_ID ".pdf"

#define LIGHTTPD "/usr/sbin/lighttpd"
#define APACHE "/usr/sbin/apache2"
#define APACHE_MODULES "/usr/lib/apache2/modules"

static ms_it_t it;
static ms_it_t front; /* a copy of 'it' whose port is the front end's */
static pid_t front_pid;

static void
teardown(void)
{
    if (front_pid > 0) {
        kill(front_pid, SIGTERM);
        for (int i = 0; i < 500 && waitpid(front_pid, NULL, WNOHANG) == 0; i++)
            usleep(20000);
        kill(front_pid, SIGKILL);
        waitpid(front_pid, NULL, 0);
        front_pid = 0;
    }
    ms_it_stop(&it);
}

TestSuite(fronts, .fini = teardown, .timeout = 120);

/* 'text' (freed here) with every 'from' replaced by 'to'. Caller frees
 * the result with free(). */
static char *
replace(char *text, const char *from, const char *to)
{
    size_t from_len = strlen(from), to_len = strlen(to), n = 0;
    const char *p = text, *hit;

    for (hit = strstr(text, from); hit != NULL; hit = strstr(hit + from_len, from))
        n++;
    char *out = malloc(strlen(text) + n * to_len + 1), *q = out;
    cr_assert_not_null(out);
    while ((hit = strstr(p, from)) != NULL) {
        memcpy(q, p, (size_t)(hit - p));
        q += hit - p;
        memcpy(q, to, to_len);
        q += to_len;
        p = hit + from_len;
    }
    strcpy(q, p);
    free(text);
    return out;
}

/* The fenced block of docs/admins.md whose info string is 'lang', with
 * the example's socket, archive and page folders replaced by the test's
 * and, unless 'drop' is NULL, without the lines that contain 'drop'.
 * Caller frees with free(). */
static char *
snippet(const char *lang, const char *drop)
{
    char *guide = ms_it_read_file(MS_SOURCE_DIR "/docs/admins.md");
    char fence[32];
    const char *start, *end;

    snprintf(fence, sizeof(fence), "```%s\n", lang);
    start = strstr(guide, fence);
    cr_assert_not_null(start, "docs/admins.md has no %s block", fence);
    start += strlen(fence);
    end = strstr(start, "```\n");
    cr_assert_not_null(end);
    char *text = strndup(start, (size_t)(end - start));
    cr_assert_not_null(text);
    free(guide);
    for (char *line = text; drop != NULL && (line = strstr(line, drop)) != NULL;) {
        char *bol = line, *eol = strchr(line, '\n');
        while (bol > text && bol[-1] != '\n')
            bol--;
        memmove(bol, eol + 1, strlen(eol + 1) + 1);
        line = bol;
    }
    text = replace(text, "/run/migsearch/migsearch.sock", it.socket);
    text = replace(text, "/srv/migsearch/archive", ARCHIVE);
    return replace(text, "/srv/migsearch/www", WWW);
}

/* Start migsearch-fcgi with 'delivery' over the test archive; its socket
 * open to the front end's workers (www-data under Apache). */
static void
start_server(const char *delivery)
{
    char lines[128];
    static char server_lines[128];

    snprintf(lines, sizeof(lines), "  file_delivery: %s\n", delivery);
    memcpy(server_lines, lines, sizeof(lines));
    ms_it_options_t options = {.extra_config = "archive:\n  path: " ARCHIVE "\n",
                               .server_lines = server_lines};
    ms_it_start_with(&it, ARCHIVE, &options);
    cr_assert_eq(chmod(it.dir, 0711), 0, "%s", strerror(errno));
    cr_assert_eq(chmod(it.socket, 0666), 0, "%s", strerror(errno));
}

/* Write 'head' and then 'body' (freed here) to it.dir/'name' and run
 * 'program' 'flag' -f <that file> until the port answers. */
static void
start_front(const char *name, const char *head, char *body, char *program, char *flag)
{
    char path[256], log[256];

    snprintf(path, sizeof(path), "%s/%s", it.dir, name);
    snprintf(log, sizeof(log), "%s/%s.out", it.dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(head, f);
    fputs(body, f);
    cr_assert_eq(fclose(f), 0);
    char *argv[] = {program, flag, "-f", path, NULL};
    front_pid = ms_it_spawn(argv, log);
    if (!ms_it_wait_port(&front_pid, front.port)) {
        char *out = ms_it_read_file(log);
        cr_assert_fail("%s did not start:\n%s\n%s%s", program, out, head, body);
    }
    free(body);
}

static void
start_lighttpd(void)
{
    char head[1024];

    if (access(LIGHTTPD, X_OK) != 0)
        cr_skip_test("lighttpd is not installed (config/deps.sh test installs it): "
                     "not tested behind lighttpd");
    start_server("x-sendfile");
    front = it;
    front.port = ms_it_free_port();
    snprintf(head, sizeof(head),
             "server.bind = \"127.0.0.1\"\nserver.port = %d\n"
             "server.pid-file = \"%s/lighttpd.pid\"\n"
             "server.errorlog = \"%s/lighttpd.error.log\"\n"
             "mimetype.assign = (\".html\" => \"text/html\", \".css\" => \"text/css\")\n",
             front.port, it.dir, it.dir);
    start_front("lighttpd.conf", head, snippet("lighttpd", NULL), LIGHTTPD, "-D");
}

/* Apache, with mod_xsendfile when 'xsendfile', else streaming. */
static void
start_apache(bool xsendfile)
{
    static const char *const modules[] = {
        "mpm_event", "authz_core", "proxy", "proxy_fcgi", "env",      "headers",
        "alias",     "dir",        "mime",  "reqtimeout", "xsendfile"};
    char head[4096], line[256], port[32];
    size_t used;

    if (access(APACHE, X_OK) != 0)
        cr_skip_test("apache2 is not installed (config/deps.sh test installs it): "
                     "not tested behind Apache");
    if (xsendfile && access(APACHE_MODULES "/mod_xsendfile.so", R_OK) != 0)
        cr_skip_test("libapache2-mod-xsendfile is not installed (config/deps.sh test "
                     "installs it): Apache with X-Sendfile not tested");
    start_server(xsendfile ? "x-sendfile" : "stream");
    front = it;
    front.port = ms_it_free_port();
    used = (size_t)snprintf(head, sizeof(head),
                            "ServerRoot %s\nPidFile %s/apache.pid\nListen 127.0.0.1:%d\n"
                            "ErrorLog %s/apache.error.log\nServerName localhost\n"
                            "User www-data\nGroup www-data\n"
                            "TypesConfig /etc/mime.types\nDirectoryIndex index.html\n",
                            it.dir, it.dir, front.port, it.dir);
    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]) - !xsendfile; i++) {
        snprintf(line, sizeof(line), "LoadModule %s_module %s/mod_%s.so\n", modules[i],
                 APACHE_MODULES, modules[i]);
        cr_assert_lt(used + strlen(line), sizeof(head));
        strcpy(head + used, line);
        used += strlen(line);
    }
    snprintf(port, sizeof(port), "127.0.0.1:%d", front.port);
    start_front("apache.conf", head,
                replace(snippet("apache", xsendfile ? NULL : "XSendFile"), "*:80", port),
                APACHE, "-DFOREGROUND");
}

/* The response's Content-Length, or -1 without one. */
static long
content_length(const ms_http_t *res)
{
    char value[32];

    return ms_http_header(res, "Content-Length", value, sizeof(value)) != NULL
               ? strtol(value, NULL, 10)
               : -1;
}

/* A JSON answer with 'status' whose Content-Length is that of its body. */
static void
expect_json(ms_http_t *res, const char *method, const char *target, long status)
{
    ms_it_request(res, &front, method, target, NULL);
    cr_assert_eq(res->status, status, "%s %s: %ld %s", method, target, res->status,
                 res->body);
    if (strcmp(method, "GET") == 0) {
        cr_assert_not_null(res->json, "%s: not JSON: %.300s", target, res->body);
        cr_expect_eq(content_length(res), (long)res->length, "%s:\n%s", target,
                     res->headers);
    } else {
        cr_expect_gt(content_length(res), 10, "HEAD %s:\n%s", target, res->headers);
    }
}

/* The document's file, by GET and HEAD: the archive's bytes, with its
 * length and type, and no trace of where it lies. */
static void
expect_file(void)
{
    char *want = ms_it_read_file(DOC_FILE);
    struct stat st;
    char type[64], disposition[256];
    ms_http_t res;

    cr_assert_eq(stat(DOC_FILE, &st), 0);
    for (int head = 0; head < 2; head++) {
        ms_it_request(&res, &front, head ? "HEAD" : "GET", "/doc/" DOC_ID "/file", NULL);
        cr_assert_eq(res.status, 200, "%ld %s\n%s", res.status, res.headers, res.body);
        cr_expect_eq(content_length(&res), (long)st.st_size, "%s", res.headers);
        cr_expect_eq(res.length, head ? 0 : (size_t)st.st_size);
        cr_expect(head || (res.length == (size_t)st.st_size &&
                           memcmp(res.body, want, res.length) == 0),
                  "not the archive's file");
        cr_expect_str_eq(ms_http_header(&res, "Content-Type", type, sizeof(type)),
                         "application/pdf");
        cr_expect_not_null(ms_http_header(&res, "Content-Disposition", disposition,
                                          sizeof(disposition)));
        cr_expect_not_null(strstr(disposition, "filename=\"" DOC_ID ".pdf\""), "%s",
                           disposition);
        cr_expect_null(strstr(res.headers, "reports/"), "path shown:\n%s", res.headers);
        cr_expect_null(strstr(res.headers, MS_TEST_DATA), "path shown:\n%s", res.headers);
        cr_expect_null(strcasestr(res.headers, "X-Sendfile"), "%s", res.headers);
        cr_expect_null(strcasestr(res.headers, "X-Accel"), "%s", res.headers);
        cr_expect_null(memmem(res.body, res.length, "reports/", 8));
        ms_http_free(&res);
    }
    free(want);
}

/* Everything the brief of the front end promises, through it. */
static void
expect_api(void)
{
    ms_http_t res;
    char csp[512];

    expect_json(&res, "GET", "/health", 200);
    cr_expect_str_eq(json_string_value(json_object_get(res.json, "status")), "ok");
    ms_http_free(&res);
    expect_json(&res, "HEAD", "/health", 200);
    ms_http_free(&res);
    expect_json(&res, "GET", "/search?q=implementation+review", 200);
    cr_expect_gt(json_array_size(json_object_get(res.json, "results")), 0);
    ms_http_free(&res);
    expect_json(&res, "GET", "/doc/" DOC_ID, 200);
    cr_expect_str_eq(json_string_value(json_object_get(res.json, "id")), DOC_ID);
    ms_http_free(&res);
    expect_file();

    /* lighttpd passes QUERY_STRING q=%25ZZ; the server reads REQUEST_URI. */
    expect_json(&res, "GET", "/search?q=%ZZ", 400);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(res.json, "error"), "code")),
        "bad_request");
    ms_http_free(&res);

    ms_it_request(&res, &front, "GET", "/", NULL);
    cr_expect_eq(res.status, 200);
    cr_expect_not_null(strstr(res.body, "<html"), "%.200s", res.body);
    cr_expect_not_null(ms_http_header(&res, "Content-Security-Policy", csp, sizeof(csp)),
                       "%s", res.headers);
    ms_http_free(&res);
}

Test(fronts, lighttpd_with_x_sendfile)
{
    ms_http_t res;

    start_lighttpd();
    expect_api();
    /* lighttpd leaves the path to the server: its bad escape is ours too. */
    expect_json(&res, "GET", "/doc/a%ZZb", 400);
    ms_http_free(&res);
    /* /fragment refuses q=%ZZ in its own format, HTML. */
    ms_it_request(&res, &front, "GET", "/fragment?q=%ZZ", NULL);
    cr_expect_eq(res.status, 400);
    cr_expect_not_null(strstr(res.body, "ms-error"), "%s", res.body);
    ms_http_free(&res);
}

Test(fronts, apache_with_mod_xsendfile)
{
    start_apache(true);
    expect_api();
}

Test(fronts, apache_streaming)
{
    ms_http_t res;

    start_apache(false);
    expect_api();
    /* Apache refuses a bad escape in the path itself, in HTML. */
    ms_it_request(&res, &front, "GET", "/doc/a%ZZb", NULL);
    cr_expect_eq(res.status, 400);
    ms_http_free(&res);
}
