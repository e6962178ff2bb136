/* test_ssi.c - a portal page including GET /fragment with SSI, through the real nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The harness indexes a copy of the sample archive plus the canary (a
 * document only the group "board" may see, tests/data/canary) and starts
 * migsearch-fcgi and nginx with the config rendered from
 * nginx.conf.example. The example's /portal/ location (ssi on) serves the
 * portal's own folder; this test points it at a folder in its temporary
 * directory holding page.html, a page that includes the fragment exactly
 * as docs/admins.md tells portal authors to, and restarts nginx.
 * Identity comes from the test headers (harness.h), through the portal
 * location into the SSI subrequest, as auth_request would bring it.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"
#define CANARY MS_TEST_DATA "/canary"
#define CANARY_ID "canary-2005-board-minutes"
#define CANARY_WORD "zanzibarquartz"

/* The alias of /portal/ in nginx.conf.example. */
#define EXAMPLE_PORTAL "alias /srv/migsearch/portal/;"

/* The portal page: the include line as docs/admins.md gives it, between
 * two markers that show where the fragment landed. */
static const char page_html[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><title>Portal search</title></head>\n"
    "<body>\n"
    "<h1>Portal search</h1>\n"
    "<p id=\"before\">BEFORE-FRAGMENT</p>\n"
    "<!--# include virtual=\"/fragment?q=$arg_q&type=$arg_type&page=$arg_page\" -->\n"
    "<p id=\"after\">AFTER-FRAGMENT</p>\n"
    "</body>\n"
    "</html>\n";

static ms_it_t it;
static char archive[64];

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    cr_assert(size >= 0);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

/* Stop the harness's nginx and start it again on the same port with the
 * config as it now is. A reload would do, but for a moment old workers
 * would still answer with the old config; a restart leaves no doubt. */
static void
restart_nginx(void)
{
    char prefix[200], conf[224], errlog[224], log[224];
    snprintf(prefix, sizeof(prefix), "%s/nginx/", it.dir);
    snprintf(conf, sizeof(conf), "%snginx.conf", prefix);
    snprintf(errlog, sizeof(errlog), "%serror.log", prefix);
    snprintf(log, sizeof(log), "%s/nginx.out", it.dir);
    const char *nginx = getenv("MS_TEST_NGINX");
    if (!nginx || !*nginx)
        nginx = "nginx";

    cr_assert_eq(kill(it.nginx_pid, SIGQUIT), 0);
    cr_assert_eq(waitpid(it.nginx_pid, NULL, 0), it.nginx_pid);
    it.nginx_pid = 0;

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
        execlp(nginx, nginx, "-p", prefix, "-c", conf, "-e", errlog, (char *)NULL);
        _exit(127);
    }
    it.nginx_pid = pid;
    for (int i = 0; i < 500; i++) {
        ms_http_t res;
        int status;
        cr_assert_neq(waitpid(pid, &status, WNOHANG), pid, "nginx exited; see %s", log);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET,
                                   .sin_port = htons((uint16_t)it.port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bool up = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
        close(fd);
        if (up) {
            ms_it_get(&res, &it, "/portal/page.html");
            bool served =
                res.status == 200 && strstr(res.body, "BEFORE-FRAGMENT") != NULL;
            ms_http_free(&res);
            cr_assert(served, "nginx does not serve the portal page after the restart");
            return;
        }
        usleep(20000);
    }
    cr_assert_fail("nginx did not come back after the restart");
}

/* Point the rendered /portal/ location at 'portal' and restart nginx. */
static void
serve_portal(const char *portal)
{
    char conf[256];
    snprintf(conf, sizeof(conf), "%s/nginx/migsearch.conf", it.dir);
    char *text = read_file(conf);
    char *at = strstr(text, EXAMPLE_PORTAL);
    cr_assert_not_null(at, "the rendered config has no '%s'", EXAMPLE_PORTAL);
    cr_assert_null(strstr(at + 1, EXAMPLE_PORTAL), "two portal aliases");
    cr_assert_not_null(strstr(text, "ssi on;"), "the /portal/ location has no 'ssi on;'");

    size_t size = strlen(text) + strlen(portal) + 64;
    char *out = malloc(size);
    cr_assert_not_null(out);
    snprintf(out, size, "%.*salias %s/;%s", (int)(at - text), text, portal,
             at + strlen(EXAMPLE_PORTAL));
    write_file(conf, out);
    free(out);
    free(text);

    restart_nginx();
}

static void
start(void)
{
    ms_it_canary_archive(archive, sizeof(archive), "ms-ssi");
    ms_it_start(&it, archive, NULL);

    char portal[192], page[224];
    snprintf(portal, sizeof(portal), "%s/portal", it.dir);
    cr_assert_eq(mkdir(portal, 0755), 0, "%s: %s", portal, strerror(errno));
    snprintf(page, sizeof(page), "%s/page.html", portal);
    write_file(page, page_html);
    serve_portal(portal);
}

static void
stop(void)
{
    ms_it_stop(&it);
    ms_it_canary_archive_remove(archive);
}

TestSuite(ssi, .init = start, .fini = stop, .timeout = 60);

static unsigned
count(const char *haystack, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(haystack, needle); p;
         p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

/* GET the portal page with 'query' as the user with 'headers'
 * (NULL-terminated, or NULL), and check that it is the page with one
 * fragment in place of the include, between the two markers. Returns the
 * fragment's text in a new string. */
static char *
portal(ms_http_t *res, const char *query, const char *const *headers)
{
    char target[1024], type[128];
    snprintf(target, sizeof(target), "/portal/page.html%s%s", query ? "?" : "",
             query ? query : "");
    ms_it_request_headers(res, &it, "GET", target, NULL, headers);
    cr_assert_eq(res->status, 200, "%s: %ld\n%s", target, res->status, res->body);
    cr_assert_not_null(ms_http_header(res, "Content-Type", type, sizeof(type)));
    cr_assert(strncmp(type, "text/html", 9) == 0, "Content-Type %s", type);
    cr_assert_null(strstr(res->body, "<!--#"), "SSI left unprocessed:\n%s", res->body);
    cr_assert_null(strstr(res->body, "an error occurred while processing"),
                   "SSI failed:\n%s", res->body);

    const char *before = strstr(res->body, "<p id=\"before\">BEFORE-FRAGMENT</p>\n");
    const char *after = strstr(res->body, "<p id=\"after\">AFTER-FRAGMENT</p>");
    cr_assert(before && after && before < after, "markers missing:\n%s", res->body);
    before += strlen("<p id=\"before\">BEFORE-FRAGMENT</p>\n");
    cr_assert(strncmp(res->body, page_html, (size_t)(before - res->body)) == 0,
              "the page around the fragment changed:\n%s", res->body);
    cr_assert_str_eq(after, strstr(page_html, "<p id=\"after\">"));
    /* The page's own newline after the include is not the fragment's. */
    cr_assert(after > before && after[-1] == '\n');
    char *fragment = strndup(before, (size_t)(after - 1 - before));
    cr_assert_not_null(fragment);
    cr_assert_null(strstr(fragment, "<script"), "script in the fragment:\n%s", fragment);
    cr_assert_null(strstr(fragment, "<html"), "a page, not a fragment:\n%s", fragment);
    cr_assert_null(strstr(fragment, "<body"), "a page, not a fragment:\n%s", fragment);
    /* No style or event handler attribute in any tag. */
    for (const char *tag = strchr(fragment, '<'); tag; tag = strchr(tag + 1, '<')) {
        size_t len = strcspn(tag, ">");
        for (size_t k = 0; k + 3 < len; k++) {
            cr_assert(strncmp(tag + k, " on", 3) != 0 &&
                          strncmp(tag + k, " style", 6) != 0,
                      "attribute in <%.*s> of:\n%s", (int)len, tag, fragment);
        }
    }
    return fragment;
}

Test(ssi, results_appear_inside_the_page)
{
    ms_http_t api, res;
    char expected[96];

    /* The same search through the JSON API, as the reference. */
    ms_it_get(&api, &it, "/search?q=trafficking");
    cr_assert_eq(api.status, 200);
    json_t *results = json_object_get(api.json, "results");
    json_int_t total = json_integer_value(
        json_object_get(json_object_get(api.json, "total"), "estimate"));
    cr_assert_gt(json_array_size(results), 1);

    char *fragment = portal(&res, "q=trafficking", NULL);
    cr_assert(strncmp(fragment,
                      "<section class=\"ms-results\" aria-label=\"Search results\">",
                      56) == 0,
              "%s", fragment);
    snprintf(expected, sizeof(expected), "<p class=\"ms-count\">%lld results</p>",
             (long long)total);
    cr_assert_not_null(strstr(fragment, expected), "'%s' not in:\n%s", expected,
                       fragment);
    cr_assert_eq(count(fragment, "<li class=\"ms-result\""), json_array_size(results));
    cr_assert_not_null(strstr(fragment, "<mark>trafficking</mark>"), "%s", fragment);

    /* Every hit of the API, in the same order, linked to the document view. */
    const char *at = fragment;
    for (size_t i = 0; i < json_array_size(results); i++) {
        const char *id =
            json_string_value(json_object_get(json_array_get(results, i), "id"));
        char link[256];
        snprintf(link, sizeof(link), "<a href=\"/?doc=%s\" dir=\"auto\">", id);
        const char *found = strstr(at, link);
        cr_assert_not_null(found, "hit %zu (%s) missing or out of order:\n%s", i, id,
                           fragment);
        at = found + 1;
    }
    free(fragment);
    ms_http_free(&res);
    ms_http_free(&api);
}

Test(ssi, the_page_query_string_drives_paging_and_filters)
{
    ms_http_t api, res;
    char expected[160];

    /* Every recommendation (no q), whose count the API gives. */
    ms_it_get(&api, &it, "/search?type=recommendation&facets=0");
    cr_assert_eq(api.status, 200);
    json_int_t total = json_integer_value(
        json_object_get(json_object_get(api.json, "total"), "estimate"));
    json_int_t per_page = json_integer_value(json_object_get(api.json, "per_page"));
    json_int_t pages = (total + per_page - 1) / per_page;
    cr_assert_gt(pages, 1, "the sample archive should give more than a page");

    char *fragment = portal(&res, "type=recommendation&page=2", NULL);
    snprintf(expected, sizeof(expected), "<p class=\"ms-count\">%lld results</p>",
             (long long)total);
    cr_assert_not_null(strstr(fragment, expected), "%s", fragment);
    snprintf(expected, sizeof(expected), "<span class=\"ms-page\">Page 2 of %lld</span>",
             (long long)pages);
    cr_assert_not_null(strstr(fragment, expected), "%s", fragment);
    snprintf(expected, sizeof(expected), "<ol class=\"ms-list\" start=\"%lld\">",
             (long long)per_page + 1);
    cr_assert_not_null(strstr(fragment, expected), "%s", fragment);
    cr_assert_eq(count(fragment, "<p class=\"ms-meta\">recommendation"),
                 count(fragment, "<li class=\"ms-result\""), "%s", fragment);
    /* Links back to the portal page itself, with its parameters. */
    cr_assert_not_null(strstr(fragment, "<a class=\"ms-prev\" rel=\"prev\" "
                                        "href=\"?type=recommendation&amp;page=1\">"
                                        "Previous page</a>"),
                       "%s", fragment);
    if (pages > 2)
        cr_assert_not_null(strstr(fragment, "<a class=\"ms-next\" rel=\"next\" "
                                            "href=\"?type=recommendation&amp;page=3\">"
                                            "Next page</a>"),
                           "%s", fragment);
    else
        cr_assert_null(strstr(fragment, "Next page"), "%s", fragment);
    free(fragment);
    ms_http_free(&res);
    ms_http_free(&api);
}

Test(ssi, a_hostile_query_appears_only_escaped)
{
    ms_http_t res;
    /* Encoded as a browser sends it, and raw as a client may; the type
     * matches nothing, so the fragment echoes the query. */
    static const char *const queries[] = {
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&type=none",
        "q=<script>alert(1)</script>&type=none",
        "q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&type=%3Cb%3E",
    };

    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        char *fragment = portal(&res, queries[i], NULL);
        cr_assert_null(strstr(res.body, "<script"), "%s:\n%s", queries[i], res.body);
        cr_assert_null(strstr(res.body, "alert(1)</"), "%s:\n%s", queries[i], res.body);
        cr_assert_not_null(strstr(fragment, "<h2 class=\"ms-empty\">No documents match"),
                           "%s:\n%s", queries[i], fragment);
        cr_assert_not_null(strstr(fragment, "&lt;script&gt;alert(1)&lt;/script&gt;</q>"),
                           "%s: the query is not shown escaped:\n%s", queries[i],
                           fragment);
        free(fragment);
        ms_http_free(&res);
    }

    /* With results ("1" is a word of many documents) the query is only in
     * the page links: percent-encoded, then escaped. */
    char *fragment = portal(&res, "q=<script>alert(1)</script>", NULL);
    cr_assert_null(strstr(res.body, "<script"), "%s", res.body);
    cr_assert_not_null(strstr(fragment,
                              "<a class=\"ms-next\" rel=\"next\" "
                              "href=\"?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
                              "&amp;page=2\">Next page</a>"),
                       "%s", fragment);
    free(fragment);
    ms_http_free(&res);
}

Test(ssi, a_bad_request_is_an_error_paragraph_in_the_page)
{
    ms_http_t res;
    char *fragment = portal(&res, "q=trafficking&page=0", NULL);
    cr_assert_str_eq(fragment, "<p class=\"ms-error\">The search could not be run: "
                               "parameter &#39;page&#39; must be an integer from 1 to "
                               "1000.</p>\n");
    free(fragment);
    ms_http_free(&res);

    /* The page without a query browses everything: the include's
     * parameters are then all empty, which the fragment ignores. */
    fragment = portal(&res, NULL, NULL);
    cr_assert_not_null(strstr(fragment, "<section class=\"ms-results\""), "%s", fragment);
    free(fragment);
    ms_http_free(&res);
}

Test(ssi, the_fragment_sees_only_what_the_visitor_may_see)
{
    static const char *const board[] = {"X-Test-User: carol", "X-Test-Groups: board",
                                        NULL};
    static const char *const staff[] = {"X-Test-User: bob", "X-Test-Groups: staff", NULL};
    /* A client cannot pass groups in the query string of the page. */
    static const char *const queries[] = {"q=" CANARY_WORD,
                                          "q=" CANARY_WORD "&groups=board",
                                          "q=" CANARY_WORD "%26MS_GROUPS%3Dboard"};
    ms_http_t res;

    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        for (int who = 0; who < 2; who++) {
            char *fragment = portal(&res, queries[i], who == 0 ? NULL : staff);
            cr_assert_null(strstr(res.body, CANARY_ID), "%s:\n%s", queries[i], res.body);
            cr_assert_null(strstr(res.body, "Freedonia"), "%s", res.body);
            /* The last one searches for "board" too, so it may find others. */
            if (i < 2)
                cr_assert_not_null(
                    strstr(fragment, "<p class=\"ms-count\">0 results</p>"), "%s:\n%s",
                    queries[i], fragment);
            free(fragment);
            ms_http_free(&res);
        }
    }
    char *fragment = portal(&res, "q=" CANARY_WORD, board);
    cr_assert_not_null(strstr(fragment, "<p class=\"ms-count\">1 result</p>"), "%s",
                       fragment);
    cr_assert_not_null(strstr(fragment, "href=\"/?doc=" CANARY_ID "\""), "%s", fragment);
    free(fragment);
    ms_http_free(&res);
}
