/* test_http.c - the whole path: migsearch-index, migsearch-fcgi and nginx over HTTP
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every test starts its own index, server and nginx in a temporary
 * directory (see harness.h), so tests are independent and can fail alone.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;

static void
start_sample(void)
{
    ms_it_start(&it, ARCHIVE, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(http, .init = start_sample, .fini = stop, .timeout = 60);

static bool
ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

/* Lines of 'path' that start a recommendation ("  - number: N"). */
static int
count_recommendations(const char *path)
{
    char line[1024];
    int n = 0;
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    while (fgets(line, sizeof(line), f))
        n += strncmp(line, "  - number:", 11) == 0;
    fclose(f);
    return n;
}

/* Count the documents the sample archive should yield, independently of
 * the indexer's code: one per document file, one per recommendation of a
 * recommendation set; hidden files, '_' helper files and sidecars are no
 * documents (docs/staff.md). */
static int
count_documents(const char *dir)
{
    static const char *const formats[] = {".md",  ".txt",  ".html",
                                          ".pdf", ".docx", ".odt"};
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    cr_assert(d, "cannot open %s", dir);
    while ((e = readdir(d))) {
        char path[1024];
        struct stat st;
        if (e->d_name[0] == '.' || e->d_name[0] == '_')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            n += count_documents(path);
        } else if (ends_with(e->d_name, ".recommendations.yaml")) {
            n += count_recommendations(path);
        } else {
            for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++)
                n += ends_with(e->d_name, formats[i]);
        }
    }
    closedir(d);
    return n;
}

/* Whether 'hit' has 'tag' among its themes. */
static bool
has_tag(json_t *hit, const char *tag)
{
    size_t i;
    json_t *theme;
    json_array_foreach(json_object_get(hit, "themes"), i, theme)
    {
        if (strcmp(json_string_value(theme), tag) == 0)
            return true;
    }
    return false;
}

static void
assert_json_reply(const ms_http_t *res)
{
    char buf[128];
    cr_assert_not_null(res->json, "body is not JSON: %.200s", res->body);
    cr_assert_str_eq(ms_http_header(res, "Content-Type", buf, sizeof(buf)),
                     "application/json; charset=utf-8");
    cr_assert_str_eq(ms_http_header(res, "X-Content-Type-Options", buf, sizeof(buf)),
                     "nosniff");
}

static void
assert_error(const ms_http_t *res, long status, const char *code)
{
    cr_assert_eq(res->status, status, "expected %ld, got %ld: %s", status, res->status,
                 res->body);
    assert_json_reply(res);
    json_t *error = json_object_get(res->json, "error");
    cr_assert(json_is_object(error), "no error object: %s", res->body);
    cr_assert_str_eq(json_string_value(json_object_get(error, "code")), code);
    const char *message = json_string_value(json_object_get(error, "message"));
    cr_assert(message && *message, "error without a message");
    cr_assert_null(strstr(message, "/tmp/"), "error message reveals a path: %s", message);
}

Test(http, search_returns_highlighted_hits_from_the_sample_archive)
{
    ms_http_t res;
    ms_it_get(&res, &it, "/search?q=trafficking");
    cr_assert_eq(res.status, 200, "%s", res.body);
    assert_json_reply(&res);

    json_t *results = json_object_get(res.json, "results");
    cr_assert(json_is_array(results));
    cr_assert_gt(json_array_size(results), 0);
    json_t *total = json_object_get(res.json, "total");
    cr_assert_geq(json_integer_value(json_object_get(total, "estimate")),
                  (json_int_t)json_array_size(results));
    cr_assert_str_eq(json_string_value(json_object_get(res.json, "query")),
                     "trafficking");

    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        const char *id = json_string_value(json_object_get(hit, "id"));
        const char *snippet = json_string_value(json_object_get(hit, "snippet"));
        cr_assert(id && *id, "hit %zu has no id", i);
        cr_assert(json_is_string(json_object_get(hit, "title")), "hit %s has no title",
                  id);
        cr_assert(json_is_number(json_object_get(hit, "score")), "hit %s has no score",
                  id);
        /* A hit either shows the word in its snippet or has it as a tag
         * (theme, process, country: words of the document, docs/index-schema.md),
         * which the result shows beside the snippet. */
        cr_assert(snippet && (strstr(snippet, "<mark>") || has_tag(hit, "trafficking")),
                  "hit %s: snippet without <mark>: %s", id, snippet ? snippet : "(null)");
    }
    ms_http_free(&res);
}

Test(http, pages_partition_the_results)
{
    ms_http_t all, p1, p2;
    ms_it_get(&all, &it, "/search?q=migration&per_page=6");
    ms_it_get(&p1, &it, "/search?q=migration&per_page=3&page=1");
    ms_it_get(&p2, &it, "/search?q=migration&per_page=3&page=2");
    cr_assert_eq(all.status, 200);
    cr_assert_eq(p1.status, 200);
    cr_assert_eq(p2.status, 200);
    json_t *a = json_object_get(all.json, "results");
    cr_assert_eq(json_array_size(a), 6,
                 "the sample archive should have 6+ hits for migration");
    for (size_t i = 0; i < 6; i++) {
        json_t *page = json_object_get((i < 3 ? p1 : p2).json, "results");
        cr_assert_str_eq(
            json_string_value(json_object_get(json_array_get(a, i), "id")),
            json_string_value(json_object_get(json_array_get(page, i % 3), "id")),
            "hit %zu differs between per_page=6 and per_page=3", i);
    }
    ms_http_free(&all);
    ms_http_free(&p1);
    ms_http_free(&p2);
}

Test(http, doc_returns_the_document_a_search_found)
{
    ms_http_t res, doc;
    ms_it_get(&res, &it, "/search?q=remittances&per_page=1");
    cr_assert_eq(res.status, 200);
    json_t *hit = json_array_get(json_object_get(res.json, "results"), 0);
    cr_assert_not_null(hit, "no hit for remittances");
    const char *id = json_string_value(json_object_get(hit, "id"));

    char target[512];
    snprintf(target, sizeof(target), "/doc/%s", id);
    ms_it_get(&doc, &it, target);
    cr_assert_eq(doc.status, 200, "%s: %s", target, doc.body);
    assert_json_reply(&doc);
    cr_assert_str_eq(json_string_value(json_object_get(doc.json, "id")), id);
    cr_assert_str_eq(json_string_value(json_object_get(doc.json, "title")),
                     json_string_value(json_object_get(hit, "title")));
    const char *text = json_string_value(json_object_get(doc.json, "text"));
    cr_assert(text && strstr(text, "emittances"),
              "the text does not contain the query word");
    ms_http_free(&res);
    ms_http_free(&doc);
}

Test(http, health_counts_every_sample_document)
{
    ms_http_t res;
    ms_it_get(&res, &it, "/health");
    cr_assert_eq(res.status, 200, "%s", res.body);
    assert_json_reply(&res);
    cr_assert_str_eq(json_string_value(json_object_get(res.json, "status")), "ok");
    int expected = count_documents(ARCHIVE);
    cr_assert_eq(expected, 49, "tests/data/archive-expected.md says 49 documents");
    cr_assert_eq(json_integer_value(json_object_get(res.json, "documents")), expected);
    ms_http_free(&res);
}

Test(http, filters_narrow_the_results)
{
    ms_http_t all, fr;
    ms_it_get(&all, &it, "/search?per_page=100");
    ms_it_get(&fr, &it, "/search?per_page=100&lang=fr");
    cr_assert_eq(all.status, 200, "%s", all.body);
    cr_assert_eq(fr.status, 200, "%s", fr.body);
    json_t *results = json_object_get(fr.json, "results");
    cr_assert_gt(json_array_size(results), 0,
                 "no French documents in the sample archive");
    cr_assert_lt(json_array_size(results),
                 json_array_size(json_object_get(all.json, "results")));
    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        cr_assert_str_eq(json_string_value(json_object_get(hit, "language")), "fr");
    }
    ms_http_free(&all);
    ms_http_free(&fr);
}

Test(http, unknown_documents_are_404_json)
{
    static const char *targets[] = {"/doc/no-such-document", "/doc/a%2fb",
                                    "/doc/..%2fhealth", "/doc/", "/doc/%01"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(*targets); i++) {
        ms_http_t res;
        ms_it_get(&res, &it, targets[i]);
        assert_error(&res, 404, "not_found");
        ms_http_free(&res);
    }
}

/* nginx itself refuses a path that climbs above the root (400) and resolves
 * dot segments before choosing a location; whichever layer answers, no file
 * and no document may come back. */
Test(http, path_traversal_reaches_no_file)
{
    static const char *targets[] = {"/doc/..%2f..%2fetc%2fpasswd", "/doc/%2e%2e",
                                    "/doc/../../etc/passwd", "/search/../../etc/passwd",
                                    "/doc/%00"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(*targets); i++) {
        ms_http_t res;
        ms_it_get(&res, &it, targets[i]);
        cr_assert(res.status == 400 || res.status == 404 || res.status == 200,
                  "%s: status %ld", targets[i], res.status);
        cr_assert_null(strstr(res.body, "root:"), "%s leaked a file", targets[i]);
        cr_assert(!res.json || !json_object_get(res.json, "text"),
                  "%s returned a document", targets[i]);
        ms_http_free(&res);
    }
}

Test(http, bad_requests_are_400_json)
{
    static const char *targets[] = {"/search?q=x&page=0",
                                    "/search?q=x&page=-1",
                                    "/search?q=x&page=999999999999",
                                    "/search?q=x&per_page=100000",
                                    "/search?q=x&colour=red",
                                    "/search?q=%zz",
                                    "/search?q=%ff%fe"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(*targets); i++) {
        ms_http_t res;
        ms_it_get(&res, &it, targets[i]);
        assert_error(&res, 400, "bad_request");
        ms_http_free(&res);
    }
}

Test(http, unsupported_methods_are_405)
{
    ms_http_t res;
    ms_it_request(&res, &it, "POST", "/search?q=x", "q=y");
    assert_error(&res, 405, "method_not_allowed");
    ms_http_free(&res);
}

Test(http, a_body_on_get_is_ignored)
{
    ms_http_t res;
    ms_it_request(&res, &it, "GET", "/search?q=remittances", "this body is not for us");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert_gt(json_array_size(json_object_get(res.json, "results")), 0);
    ms_http_free(&res);
}

Test(http, metrics_count_the_requests_served)
{
    ms_http_t res;
    char buf[128];
    ms_it_get(&res, &it, "/search?q=remittances");
    ms_http_free(&res);
    ms_it_get(&res, &it, "/search?q=x&page=0");
    ms_http_free(&res);
    ms_it_get(&res, &it, "/metrics");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert_str_eq(ms_http_header(&res, "Content-Type", buf, sizeof(buf)),
                     "text/plain; version=0.0.4; charset=utf-8");
    cr_assert_not_null(
        strstr(res.body,
               "migsearch_requests_total{endpoint=\"search\",status=\"200\"} 1\n"),
        "%s", res.body);
    cr_assert_not_null(strstr(
        res.body, "migsearch_requests_total{endpoint=\"search\",status=\"400\"} 1\n"));
    cr_assert_not_null(strstr(res.body, "migsearch_index_up 1\n"));
    ms_http_free(&res);
}

Test(http, sigterm_stops_an_idle_server_within_two_seconds)
{
    int status = 0;
    ms_http_t res;
    ms_it_get(&res, &it, "/health"); /* the workers have served and gone idle */
    ms_http_free(&res);
    long ms = ms_it_stop_fcgi(&it, 2000, &status);
    cr_assert_geq(ms, 0, "migsearch-fcgi still running 2 s after SIGTERM");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "migsearch-fcgi exit status %d after SIGTERM (see fcgi.log)", status);
    struct stat st;
    cr_assert_neq(stat(it.socket, &st), 0, "the socket file was left behind");
}

static void
start_without_index(void)
{
    ms_it_start(&it, NULL, NULL);
}

TestSuite(no_index, .init = start_without_index, .fini = stop, .timeout = 60);

Test(no_index, search_and_health_are_503_until_an_index_appears)
{
    ms_http_t res;
    ms_it_get(&res, &it, "/search?q=trafficking");
    assert_error(&res, 503, "no_index");
    ms_http_free(&res);
    ms_it_get(&res, &it, "/health");
    cr_assert_eq(res.status, 503);
    ms_http_free(&res);

    /* The staff build the index while the server runs: no restart needed. */
    cr_assert_eq(ms_it_index(&it, ARCHIVE), 0);
    ms_it_get(&res, &it, "/search?q=trafficking");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert_gt(json_array_size(json_object_get(res.json, "results")), 0);
    ms_http_free(&res);
}

/* What admins copy must be what nginx accepts: render it and run nginx -t. */
Test(nginx_example, passes_nginx_t)
{
    char dir[] = "/tmp/ms-nginx-t.XXXXXX";
    char cmd[1024];
    cr_assert(mkdtemp(dir));
    const char *nginx = getenv("MS_TEST_NGINX");
    snprintf(cmd, sizeof(cmd),
             "/bin/sh %s/config/render-nginx.sh %s 8080 %s/ms.sock off && "
             "%s -t -q -p %s/ -c %s/nginx.conf -e %s/error.log && rm -rf %s",
             MS_SOURCE_DIR, dir, dir, nginx && *nginx ? nginx : "nginx", dir, dir, dir,
             dir);
    cr_assert_eq(system(cmd), 0, "nginx -t rejected the rendered nginx.conf.example");
}
