/* test_route.c - unit tests of the migsearch-fcgi handlers and request parser
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test builds a small real index through ms_index.h in a temporary
 * directory and drives ms_route() with plain ms_request_t values, so the
 * whole handler path runs without a socket.
 */
#define _GNU_SOURCE /* nftw flags */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ms_escape.h"
#include "ms_json.h"
#include "ms_metrics.h"
#include "ms_route.h"
#include "ms_utf8.h"
#include "tmpdir.h"

static char tmpdir[64];
static char index_path[128];
static ms_config_t *cfg;
static ms_worker_t worker;
static ms_response_t response;
static json_t *body; /* response.json, borrowed */

static const ms_field_t rec1_fields[] = {
    {"type", "recommendation"},
    {"country", "Kyrgyzstan"},
    {"country", "Kazakhstan"},
    {"theme", "trafficking"},
    {"status", "implemented"},
    {"process", "Issyk-Kul Dialogue"},
    {"symbol", "E/CN.4/2003/74"},
    {"source", "ikd"},
    {"note", "a"},
    {"note", "b"},
};
static const ms_field_t rec2_fields[] = {
    {"type", "recommendation"},
    {"country", "Tajikistan"},
    {"theme", "labour"},
};
static const ms_field_t ws1_fields[] = {
    {"type", "workshop"},
    {"country", "Kazakhstan"},
    {"theme", "border"},
    {"meeting", "ikd-2005-almaty"},
};
static const ms_field_t rep1_fields[] = {
    {"type", "report"},
    {"country", "Kyrgyzstan"},
};

static const ms_document_t documents[] = {
    {"rec-001", "Protection of migrant workers",
     "Governments should protect migrant workers from trafficking and abuse.", "en",
     "2001-05-10", rec1_fields, sizeof(rec1_fields) / sizeof(rec1_fields[0])},
    {"rec-002", "Labour migration statistics",
     "Collect statistics on labour migration and remittances.", "en", "2003", rec2_fields,
     sizeof(rec2_fields) / sizeof(rec2_fields[0])},
    {"ws-001", "Workshop on border management",
     "Border management training for officials and trafficking prevention.", "en",
     "2005-02", ws1_fields, sizeof(ws1_fields) / sizeof(ws1_fields[0])},
    {"rep-001", "Rapport sur la migration", "Rapport annuel sur la migration de travail.",
     "fr", "2007-11-01", rep1_fields, sizeof(rep1_fields) / sizeof(rep1_fields[0])},
};
#define N_DOCUMENTS (sizeof(documents) / sizeof(documents[0]))

static void
write_documents(const char *path, const ms_document_t *docs, size_t n)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;

    cr_assert_eq(ms_index_open(&idx, path, MS_INDEX_WRITE, &err), MS_INDEX_OK, "open: %s",
                 err.text);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ms_index_put(idx, &docs[i]), MS_INDEX_OK, "put %s: %s", docs[i].id,
                     ms_index_errmsg(idx));
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static void
use_index_path(const char *path)
{
    free(cfg->index.path);
    cfg->index.path = strdup(path);
    cr_assert_not_null(cfg->index.path);
}

static void
setup_config(void)
{
    strcpy(tmpdir, "/tmp/ms_test_route_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(index_path, sizeof(index_path), "%s/index", tmpdir);
    cr_assert_eq(ms_config_defaults(&cfg), 0);
    use_index_path(index_path);
    cfg->search.per_page = 10;
    cfg->search.max_per_page = 100;
    cfg->search.max_page = 1000;
    cfg->search.max_query_length = 1024;
    cfg->search.snippet_length = 80;
    cfg->search.snippets = 3;
    cfg->search.feed_size = 20;
    cfg->search.suggestions = 8;
    free(cfg->server.files_location);
    cfg->server.files_location = strdup("/_files/");
    cr_assert_not_null(cfg->server.files_location);
    ms_worker_init(&worker, cfg);
    memset(&response, 0, sizeof(response));
    body = NULL;
}

static void
setup(void)
{
    setup_config();
    write_documents(index_path, documents, N_DOCUMENTS);
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A JSON body sent as text (a /search answer given again from what the
 * worker kept, fcgi/ms_answers.h), parsed as a client would; freed with
 * the next request or by teardown. */
static json_t *parsed;

static void
teardown(void)
{
    ms_response_free(&response);
    json_decref(parsed);
    parsed = NULL;
    body = NULL;
    ms_worker_fini(&worker);
    ms_config_free(cfg);
    cfg = NULL;
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run one request as the viewer with the MS_GROUPS value 'groups'; the
 * response lands in the global 'response' and a JSON body in 'body' (freed
 * by the next call or by teardown). */
static int
request_as(const char *groups, const char *method, const char *path, const char *query)
{
    ms_request_t req = {method, path, query, "test-id", NULL, groups, NULL};
    int status;

    ms_response_free(&response);
    json_decref(parsed);
    parsed = NULL;
    status = ms_route(&response, &worker, &req);
    cr_assert_eq(status, response.status);
    body = response.json;
    if (body == NULL && response.text != NULL && response.content_type != NULL &&
        strcmp(response.content_type, MS_RESPONSE_JSON_TYPE) == 0) {
        json_error_t error;
        parsed = json_loadb(response.text, response.text_length, 0, &error);
        cr_assert_not_null(parsed, "%s %s?%s: a kept answer that is not JSON: %s", method,
                           path, query ? query : "", error.text);
        body = parsed;
    }
    cr_assert(body != NULL || response.text != NULL || response.file != NULL,
              "%s %s?%s gave no body", method, path, query ? query : "");
    return status;
}

/* The same as an anonymous user, expecting JSON. */
static int
request(const char *method, const char *path, const char *query)
{
    int status = request_as(NULL, method, path, query);

    cr_assert_not_null(body, "%s %s?%s gave no JSON body", method, path,
                       query ? query : "");
    return status;
}

static int
search(const char *query)
{
    return request("GET", "/search", query);
}

/* Assert the error document shape and return its message. */
static const char *
assert_error(int status, int expected_status, const char *expected_code)
{
    json_t *error = json_object_get(body, "error");

    cr_assert_eq(status, expected_status, "status %d, expected %d", status,
                 expected_status);
    cr_assert(json_is_object(error), "no error object");
    cr_assert_eq(json_object_size(error), 2);
    cr_assert(json_is_string(json_object_get(error, "code")));
    cr_assert(json_is_string(json_object_get(error, "message")));
    cr_assert_str_eq(json_string_value(json_object_get(error, "code")), expected_code);
    return json_string_value(json_object_get(error, "message"));
}

/* The ids of the results, sorted and joined with ',' into 'buf'. */
static const char *
result_ids(char *buf, size_t size)
{
    json_t *results = json_object_get(body, "results");
    const char *ids[16];
    size_t n = json_array_size(results);

    cr_assert(json_is_array(results), "no results array");
    cr_assert_leq(n, 16);
    for (size_t i = 0; i < n; i++) {
        ids[i] = json_string_value(json_object_get(json_array_get(results, i), "id"));
        cr_assert_not_null(ids[i]);
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0 && strcmp(ids[k - 1], ids[k]) > 0; k--) {
            const char *t = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = t;
        }
    }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, ids[i], size - strlen(buf) - 1);
    }
    return buf;
}

static json_t *
result_with_id(const char *id)
{
    json_t *results = json_object_get(body, "results");

    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *item = json_array_get(results, i);

        if (strcmp(json_string_value(json_object_get(item, "id")), id) == 0)
            return item;
    }
    return NULL;
}

TestSuite(route, .init = setup, .fini = teardown);

Test(route, search_finds_matching_ids)
{
    char ids[256];

    cr_assert_eq(search("q=trafficking"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,ws-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "query")), "trafficking");
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(body, "total"), "estimate")),
        2);

    cr_assert_eq(search("q=remittances"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-002");
}

Test(route, search_answer_has_stable_shape)
{
    static const char *const keys[] = {"id",      "title",    "type",      "date",
                                       "process", "meeting",  "countries", "themes",
                                       "status",  "symbol",   "language",  "score",
                                       "snippet", "snippets", "extra",     "url"};
    json_t *hit, *total;

    cr_assert_eq(search("q=trafficking&per_page=5"), 200);
    cr_assert(json_is_boolean(json_object_get(body, "plain_words")));
    cr_assert_eq(json_integer_value(json_object_get(body, "page")), 1);
    cr_assert_eq(json_integer_value(json_object_get(body, "per_page")), 5);
    cr_assert(json_is_real(json_object_get(body, "took_ms")));
    total = json_object_get(body, "total");
    cr_assert(json_is_integer(json_object_get(total, "estimate")));
    cr_assert(json_is_integer(json_object_get(total, "lower")));
    cr_assert(json_is_integer(json_object_get(total, "upper")));

    hit = result_with_id("rec-001");
    cr_assert_not_null(hit);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        cr_assert_not_null(json_object_get(hit, keys[i]), "result lacks '%s'", keys[i]);
    cr_assert_str_eq(json_string_value(json_object_get(hit, "title")),
                     "Protection of migrant workers");
    cr_assert_str_eq(json_string_value(json_object_get(hit, "type")), "recommendation");
    cr_assert_str_eq(json_string_value(json_object_get(hit, "status")), "implemented");
    cr_assert_str_eq(json_string_value(json_object_get(hit, "symbol")), "E/CN.4/2003/74");
    cr_assert_str_eq(json_string_value(json_object_get(hit, "language")), "en");
    cr_assert(json_is_null(json_object_get(hit, "meeting")), "absent scalar is not null");
    cr_assert_eq(json_array_size(json_object_get(hit, "countries")), 2);
    cr_assert_str_eq(
        json_string_value(json_array_get(json_object_get(hit, "countries"), 0)),
        "Kyrgyzstan");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(hit, "themes"), 0)),
                     "trafficking");
    cr_assert(json_is_real(json_object_get(hit, "score")));
    cr_assert(json_is_string(json_object_get(hit, "snippet")));
    /* The archive path is never shown. */
    cr_assert_null(json_object_get(json_object_get(hit, "extra"), "source"));
    cr_assert_null(json_object_get(hit, "source"));
    cr_assert_str_eq(json_string_value(json_object_get(hit, "url")), "/doc/rec-001");
    cr_assert_eq(json_array_size(json_object_get(json_object_get(hit, "extra"), "note")),
                 2);

    hit = result_with_id("ws-001");
    cr_assert_not_null(hit);
    cr_assert(json_is_null(json_object_get(hit, "status")));
    cr_assert_eq(json_array_size(json_object_get(hit, "themes")), 1);
    cr_assert_eq(json_object_size(json_object_get(hit, "extra")), 0);
}

Test(route, missing_or_empty_q_browses_everything)
{
    char ids[256];

    cr_assert_eq(search(NULL), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,rec-002,rep-001,ws-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "query")), "");
    cr_assert_eq(search("q="), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), N_DOCUMENTS);
    cr_assert_eq(search("q=+"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), N_DOCUMENTS);
}

Test(route, pages_do_not_overlap)
{
    char first[64], second[64];

    cr_assert_eq(search("per_page=1"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), 1);
    result_ids(first, sizeof(first));
    cr_assert_eq(search("per_page=1&page=2"), 200);
    cr_assert_eq(json_integer_value(json_object_get(body, "page")), 2);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), 1);
    result_ids(second, sizeof(second));
    cr_assert_str_neq(first, second);
    cr_assert_eq(search("per_page=3&page=2"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), N_DOCUMENTS - 3);
    cr_assert_eq(search("page=1000"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), 0);
}

struct bad_number {
    char query[48];
    char parameter[16];
};

ParameterizedTestParameters(route, rejects_bad_page_numbers)
{
    static struct bad_number cases[] = {
        {"page=0", "'page'"},           {"page=-1", "'page'"},
        {"page=99999999999", "'page'"}, {"page=1001", "'page'"},
        {"page=abc", "'page'"},         {"page=", "'page'"},
        {"page=1.5", "'page'"},         {"page=+1", "'page'"},
        {"page=%201", "'page'"},        {"per_page=1000", "'per_page'"},
        {"per_page=0", "'per_page'"},   {"per_page=101", "'per_page'"},
        {"per_page=-5", "'per_page'"},  {"per_page=1e2", "'per_page'"},
    };
    return cr_make_param_array(struct bad_number, cases,
                               sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_number *c, route, rejects_bad_page_numbers)
{
    const char *message = assert_error(search(c->query), 400, "bad_request");

    cr_assert_not_null(strstr(message, c->parameter), "'%s': message '%s'", c->query,
                       message);
    cr_assert_not_null(strstr(message, "from 1 to"), "'%s': message '%s'", c->query,
                       message);
}

Test(route, accepts_page_bounds)
{
    cr_assert_eq(search("page=1000&per_page=100"), 200);
    cr_assert_eq(search("page=1&per_page=1"), 200);
}

Test(route, rejects_unknown_parameter)
{
    cr_assert_str_eq(assert_error(search("q=x&foo=1"), 400, "bad_request"),
                     "unknown parameter 'foo'");
    assert_error(search("Q=x"), 400, "bad_request");
}

Test(route, rejects_repeated_single_parameters)
{
    assert_error(search("q=a&q=b"), 400, "bad_request");
    assert_error(search("page=1&page=1"), 400, "bad_request");
    assert_error(search("per_page=2&per_page=2"), 400, "bad_request");
}

ParameterizedTestParameters(route, rejects_bad_encoding)
{
    static char cases[][24] = {
        "q=%zz",    "q=%4",        "q=abc%",         "q=%%41", "q=%ff",  "q=%c3%28",
        "q=%c0%af", "q=%ed%a0%80", "q=%f4%90%80%80", "q=%00",  "q%ff=1", "country=%e2%82",
    };
    return cr_make_param_array(char[24], cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(char (*query)[24], route, rejects_bad_encoding)
{
    assert_error(search(*query), 400, "bad_request");
}

/* lighttpd passes QUERY_STRING "q=%25ZZ" for "q=%ZZ" and keeps the
 * client's REQUEST_URI: the 400 comes from the URI's query. */
static int
request_uri(const char *path, const char *query, const char *uri)
{
    ms_request_t req = {"GET", path, query, "id", NULL, NULL, uri};

    ms_response_free(&response);
    body = NULL;
    cr_assert_eq(ms_route(&response, &worker, &req), response.status);
    body = response.json;
    return response.status;
}

Test(route, rejects_bad_escapes_in_the_request_uri)
{
    static const char *const uris[] = {"/search?q=%ZZ", "/search?q=%4", "/search?q=a%",
                                       "/search?page=%zz"};

    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        const char *message =
            assert_error(request_uri("/search", "q=%25ZZ", uris[i]), 400, "bad_request");
        cr_expect_not_null(strstr(message, "percent-encoding"), "%s: %s", uris[i],
                           message);
    }
    cr_assert_eq(request_uri("/search", "q=%25ZZ", "/search?q=%25ZZ%20%C3%A9"), 200);
    cr_assert_eq(request_uri("/search", "q=%25ZZ", "/search"), 200);
    /* /health ignores its query string, as documented, whatever its escapes. */
    cr_assert_eq(request_uri("/health", "x=%25", "/health?x=%"), 200);
    /* /fragment refuses it in its own format. */
    cr_assert_eq(request_uri("/fragment", "q=%25ZZ", "/fragment?q=%ZZ"), 400);
    cr_assert_null(response.json);
    cr_assert_not_null(strstr(response.text, "ms-error"), "%s", response.text);
}

Test(route, rejects_bad_escapes_in_the_path)
{
    assert_error(request("GET", "/doc/a%ZZ", NULL), 400, "bad_request");
    assert_error(request("GET", "/search%", "q=a"), 400, "bad_request");
}

Test(route, rejects_raw_invalid_utf8)
{
    assert_error(search("q=caf\xe9"), 400, "bad_request");
}

/* "q=" and 'n' times 'unit', as a new string. */
static char *
repeated_query(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *query = malloc(2 + n * len + 1);

    cr_assert_not_null(query);
    memcpy(query, "q=", 2);
    for (size_t i = 0; i < n; i++)
        memcpy(query + 2 + i * len, unit, len);
    query[2 + n * len] = '\0';
    return query;
}

/* search.max_query_length bounds what is searched, not what may be asked:
 * the index cuts a longer q to its first words and searches them as plain
 * words (docs/api.md, "Bounds"), on /search, /feed and /fragment alike. */
Test(route, overlong_query_is_cut_not_refused)
{
    char *query = repeated_query("trafficking+", 1024 * 1024 / 12 + 1);

    cr_assert_eq(search(query), 200);
    cr_assert_eq(json_object_get(body, "plain_words"), json_true());
    cr_assert_gt(json_array_size(json_object_get(body, "results")), 0);
    cr_assert_eq(request_as(NULL, "GET", "/feed", query), 200);
    cr_assert_eq(request_as(NULL, "GET", "/fragment", query), 200);
    free(query);

    /* One byte over: "trafficking" and 1,014 spaces. */
    query = repeated_query("+", 1025);
    memcpy(query + 2, "trafficking", 11);
    cr_assert_eq(search(query), 200);
    cr_assert_eq(json_object_get(body, "plain_words"), json_true());
    cr_assert_gt(json_array_size(json_object_get(body, "results")), 0);
    free(query);

    /* Exactly the limit is fine. */
    query = repeated_query("a", 1024);
    cr_assert_eq(search(query), 200);
    free(query);
}

Test(route, decodes_query_text)
{
    char ids[256];

    cr_assert_eq(search("q=migrant+workers"), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "query")),
                     "migrant workers");
    cr_assert_eq(search("q=%72emittances"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-002");
}

Test(route, filters_or_within_and_across_fields)
{
    char ids[256];

    cr_assert_eq(search("country=Kazakhstan"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,ws-001");
    cr_assert_eq(search("country=Kazakhstan&country=Tajikistan"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,rec-002,ws-001");
    cr_assert_eq(search("country=Kazakhstan&type=workshop"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "ws-001");
    cr_assert_eq(search("country=Kyrgyzstan&type=report&type=workshop"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rep-001");
    cr_assert_eq(search("q=trafficking&theme=border"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "ws-001");
    cr_assert_eq(search("lang=fr"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rep-001");
    cr_assert_eq(search("year=2003"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-002");
    cr_assert_eq(search("status=implemented&process=Issyk-Kul+Dialogue"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001");
    cr_assert_eq(search("meeting=ikd-2005-almaty"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "ws-001");
    cr_assert_eq(search("country=Narnia"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "results")), 0);
}

Test(route, rejects_empty_filter_value)
{
    assert_error(search("country="), 400, "bad_request");
}

Test(route, unparsable_query_is_not_a_server_error)
{
    int status = search("q=%22unclosed+AND+(");

    cr_assert(status == 200 || status == 400, "status %d", status);
    if (status == 400)
        assert_error(status, 400, "bad_query");
}

Test(route, doc_returns_metadata_and_text)
{
    cr_assert_eq(request("GET", "/doc/rec-001", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "id")), "rec-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "text")), documents[0].body);
    cr_assert_str_eq(json_string_value(json_object_get(body, "date")), "2001-05-10");
    cr_assert_eq(json_array_size(json_object_get(body, "countries")), 2);
    cr_assert(json_is_null(json_object_get(body, "meeting")));

    cr_assert_eq(request("HEAD", "/doc/ws-001", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "id")), "ws-001");
}

Test(route, doc_id_is_percent_decoded)
{
    static const ms_document_t odd = {"a+b:\xc3\xa9", "Odd", "odd body", "en",
                                      NULL,           NULL,  0};

    write_documents(index_path, &odd, 1);
    /* '+' is literal in a path: only query strings use it for a space. */
    cr_assert_eq(request("GET", "/doc/a+b%3A%C3%a9", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "id")), "a+b:\xc3\xa9");
}

ParameterizedTestParameters(route, doc_rejects_bad_ids)
{
    static char cases[][32] = {
        "/doc/missing", "/doc/",    "/doc/.",     "/doc/..",       "/doc/%2e%2e",
        "/doc/%2E",     "/doc/a/b", "/doc/a%2Fb", "/doc/%2f",      "/doc/%00",
        "/doc/%0a",     "/doc/%c3", "/doc/%ff",   "/doc/rec-001/", "/doc/..%2f..%2fetc",
    };
    return cr_make_param_array(char[32], cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(char (*path)[32], route, doc_rejects_bad_ids)
{
    assert_error(request("GET", *path, NULL), 404, "not_found");
}

Test(route, health_reports_document_count)
{
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "status")), "ok");
    cr_assert_eq(json_integer_value(json_object_get(body, "documents")), N_DOCUMENTS);
    cr_assert(json_is_integer(json_object_get(body, "revision")));
    cr_assert_str_eq(json_string_value(json_object_get(body, "version")), MS_VERSION);
    cr_assert_str_eq(MS_VERSION, "0.1.0");
}

Test(route, sees_new_commits_within_a_second)
{
    static const ms_document_t extra = {"late-001", "Late", "late body", "en", NULL,
                                        NULL,       0};
    struct timespec pause = {1, 100000000L};

    cr_assert_eq(request("GET", "/health", NULL), 200);
    write_documents(index_path, &extra, 1);
    nanosleep(&pause, NULL);
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert_eq(json_integer_value(json_object_get(body, "documents")), N_DOCUMENTS + 1);
    cr_assert_eq(request("GET", "/doc/late-001", NULL), 200);
}

Test(route, rejects_other_methods)
{
    static const char *const methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "get", ""};

    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        assert_error(request(methods[i], "/search", "q=x"), 405, "method_not_allowed");
    assert_error(request("POST", "/nowhere", NULL), 405, "method_not_allowed");
    assert_error(request(NULL, "/search", NULL), 405, "method_not_allowed");
}

Test(route, unknown_paths_are_404)
{
    static const char *const paths[] = {"/",        "",          "/searchx",
                                        "/search/", "/Search",   "/doc",
                                        "/health/", "/%73earch", "//search"};

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        assert_error(request("GET", paths[i], NULL), 404, "not_found");
    assert_error(request("GET", NULL, NULL), 404, "not_found");
}

Test(route, head_is_answered_like_get)
{
    cr_assert_eq(request("HEAD", "/health", NULL), 200);
    cr_assert_eq(json_integer_value(json_object_get(body, "documents")), N_DOCUMENTS);
    cr_assert_eq(request("HEAD", "/search", "q=trafficking"), 200);
}

/* ---- the route table ---- */

Test(routes, every_row_has_its_label_and_log_flag)
{
    static const struct {
        const char *pattern, *label;
        bool log_query;
    } expected[] = {
        {"/search", "search", true},         {"/doc/{id}", "doc", false},
        {"/doc/{id}/file", "file", false},   {"/suggest", "suggest", true},
        {"/similar/{id}", "similar", false}, {"/feed", "feed", true},
        {"/fragment", "fragment", true},     {"/health", "health", false},
        {"/metrics", "metrics", false},      {"/schema", "schema", false},
        {"/meeting/{id}", "meeting", false}, {"/country/{id}", "country", false},
    };

    cr_assert_eq(ms_n_routes, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < ms_n_routes; i++) {
        cr_assert_str_eq(ms_routes[i].pattern, expected[i].pattern);
        cr_assert_str_eq(ms_routes[i].label, expected[i].label);
        cr_assert_eq(ms_routes[i].log_query, expected[i].log_query, "%s",
                     ms_routes[i].pattern);
        cr_assert_not_null(ms_routes[i].endpoint);
        cr_assert_eq(ms_route_endpoint(&ms_routes[i]), i);
        cr_assert_str_neq(ms_routes[i].label, "other");
        for (size_t k = 0; k < i; k++)
            cr_assert_str_neq(ms_routes[i].label, ms_routes[k].label);
    }
    cr_assert_eq(ms_route_endpoint(NULL), MS_METRICS_OTHER);
}

/* The row 'path' matches, its label and the {id} it captured. */
static void
assert_match(const char *path, const char *label, const char *id)
{
    const char *found;
    size_t length;
    const ms_route_t *route = ms_route_match(path, &found, &length);

    if (label == NULL) {
        cr_assert_null(route, "%s matched %s", path, route ? route->pattern : "");
        return;
    }
    cr_assert_not_null(route, "%s matched nothing", path);
    cr_assert_str_eq(route->label, label, "%s", path);
    if (id == NULL) {
        cr_assert_null(found, "%s", path);
        cr_assert_eq(length, 0);
    } else {
        cr_assert_not_null(found, "%s", path);
        cr_assert_eq(length, strlen(id), "%s", path);
        cr_assert_eq(strncmp(found, id, length), 0, "%s", path);
    }
}

Test(routes, patterns_match_paths)
{
    assert_match("/search", "search", NULL);
    assert_match("/doc/x", "doc", "x");
    assert_match("/doc/x/file", "file", "x");
    assert_match("/doc/file", "doc", "file");
    assert_match("/doc/", "doc", "");
    assert_match("/doc//file", "file", "");
    assert_match("/doc/a/b", "doc", "a/b");
    assert_match("/doc/a%2Fb/file", "file", "a%2Fb");
    assert_match("/similar/x", "similar", "x");
    assert_match("/schema", "schema", NULL);
    assert_match("/metrics", "metrics", NULL);
    assert_match("/meeting/ikd-2002-cholponata", "meeting", "ikd-2002-cholponata");
    assert_match("/country/C%C3%B4te", "country", "C%C3%B4te");
    assert_match("/meeting", NULL, NULL);
    assert_match("/searchx", NULL, NULL);
    assert_match("/search/", NULL, NULL);
    assert_match("/fragment/x", NULL, NULL);
    assert_match("/doc", NULL, NULL);
    assert_match("/similar", NULL, NULL);
    assert_match("/", NULL, NULL);
    assert_match("", NULL, NULL);
    assert_match(NULL, NULL, NULL);
}

Test(route, dispatch_answers_from_the_table)
{
    /* An empty {id} is no document. */
    cr_assert_str_eq(assert_error(request("GET", "/doc/", NULL), 404, "not_found"),
                     "no such document");
    cr_assert_str_eq(worker.route->label, "doc");
    assert_error(request("GET", "/doc//file", NULL), 404, "not_found");
    cr_assert_str_eq(worker.route->label, "file");
    /* Unknown: a 404 JSON error, counted as "other". */
    cr_assert_str_eq(assert_error(request("GET", "/nowhere", "q=x"), 404, "not_found"),
                     "no such resource");
    cr_assert_null(worker.route);
    /* A method other than GET and HEAD is a 405 on its route's label. */
    assert_error(request("POST", "/search", "q=x"), 405, "method_not_allowed");
    cr_assert_str_eq(worker.route->label, "search");
    assert_error(request("POST", "/doc/rec-001/file", NULL), 405, "method_not_allowed");
    cr_assert_str_eq(worker.route->label, "file");
    /* /metrics answers through the table too, as text. */
    cr_assert_eq(request_as(NULL, "GET", "/metrics", NULL), 200);
    cr_assert_str_eq(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    cr_assert_not_null(
        strstr(response.text, "migsearch_requests_total{endpoint=\"schema\""));
    cr_assert_eq(worker.hits, -1);
}

Test(route, search_logs_hit_count_for_the_caller)
{
    cr_assert_eq(search("q=trafficking"), 200);
    cr_assert_eq(worker.hits, 2);
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert_eq(worker.hits, -1);
}

TestSuite(route_no_index, .init = setup_config, .fini = teardown);

Test(route_no_index, search_and_health_are_503)
{
    const char *message;

    message = assert_error(search("q=x"), 503, "no_index");
    cr_assert_null(strstr(message, tmpdir), "message reveals the path: %s", message);
    cr_assert_neq(worker.detail[0], '\0', "no detail for the log");

    cr_assert_eq(request("GET", "/health", NULL), 503);
    cr_assert_str_eq(json_string_value(json_object_get(body, "status")), "unavailable");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(body, "error"), "code")),
        "no_index");
    assert_error(request("GET", "/doc/rec-001", NULL), 503, "no_index");
}

Test(route_no_index, bad_requests_are_400_even_without_index)
{
    assert_error(search("page=0"), 400, "bad_request");
}

Test(route_no_index, index_appearing_later_is_opened)
{
    cr_assert_eq(request("GET", "/health", NULL), 503);
    write_documents(index_path, documents, N_DOCUMENTS);
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert_eq(json_integer_value(json_object_get(body, "documents")), N_DOCUMENTS);
}

/* ---- the query-string parser ---- */

Test(params, splits_and_decodes_in_order)
{
    ms_params_t params;
    char err[128];

    cr_assert_eq(
        ms_params_parse(&params, "a=1&b=x+y&&c&d=%41%42&=v&e=1=2", err, sizeof(err)),
        MS_REQUEST_OK);
    cr_assert_eq(params.count, 6);
    cr_assert_str_eq(params.items[0].name, "a");
    cr_assert_str_eq(params.items[0].value, "1");
    cr_assert_str_eq(params.items[1].value, "x y");
    cr_assert_str_eq(params.items[2].name, "c");
    cr_assert_str_eq(params.items[2].value, "");
    cr_assert_str_eq(params.items[3].value, "AB");
    cr_assert_str_eq(params.items[4].name, "");
    cr_assert_str_eq(params.items[4].value, "v");
    cr_assert_str_eq(params.items[5].name, "e");
    cr_assert_str_eq(params.items[5].value, "1=2");
    ms_params_free(&params);
    cr_assert_eq(params.count, 0);
}

Test(params, empty_and_null_give_nothing)
{
    ms_params_t params;

    cr_assert_eq(ms_params_parse(&params, NULL, NULL, 0), MS_REQUEST_OK);
    cr_assert_eq(params.count, 0);
    cr_assert_eq(ms_params_parse(&params, "", NULL, 0), MS_REQUEST_OK);
    cr_assert_eq(params.count, 0);
    cr_assert_eq(ms_params_parse(&params, "&&&", NULL, 0), MS_REQUEST_OK);
    cr_assert_eq(params.count, 0);
}

Test(params, values_are_composed_as_the_index_composes_them)
{
    ms_params_t params;

    /* "Co" + U+0302 (circumflex) typed decomposed; "й" as "и" + U+0306. */
    cr_assert_eq(ms_params_parse(&params,
                                 "country=Co%CC%82te+d%27Ivoire&q=%D0%B8%CC%86&c%CC%82=x",
                                 NULL, 0),
                 MS_REQUEST_OK);
    cr_assert_eq(params.count, 3);
    cr_expect_str_eq(params.items[0].value, "C\xc3\xb4te d'Ivoire");
    cr_expect_str_eq(params.items[1].value, "\xd0\xb9");
    /* Names are the API's keys, compared byte for byte: never changed. */
    cr_expect_str_eq(params.items[2].name, "c\xcc\x82");
    ms_params_free(&params);

    char *text = strdup("e\xcc\x81galit\xc3\xa9");
    cr_assert_not_null(text);
    cr_assert_eq(ms_request_compose(&text), MS_REQUEST_OK);
    cr_expect_str_eq(text, "\xc3\xa9galit\xc3\xa9");
    free(text);
}

Test(params, keeps_repeats_and_utf8)
{
    ms_params_t params;

    cr_assert_eq(ms_params_parse(&params, "t=a&t=b&q=%D0%BC%D0%B8%D1%80", NULL, 0),
                 MS_REQUEST_OK);
    cr_assert_eq(params.count, 3);
    cr_assert_str_eq(params.items[1].value, "b");
    cr_assert_str_eq(params.items[2].value, "\xd0\xbc\xd0\xb8\xd1\x80");
    ms_params_free(&params);
}

Test(params, reports_bad_input_with_a_message)
{
    ms_params_t params;
    char err[128];

    cr_assert_eq(ms_params_parse(&params, "a=1&b=%g1", err, sizeof(err)), MS_REQUEST_BAD);
    cr_assert_eq(params.count, 0);
    cr_assert_not_null(strstr(err, "percent-encoding"), "%s", err);
    cr_assert_eq(ms_params_parse(&params, "b=%e9", err, sizeof(err)), MS_REQUEST_BAD);
    cr_assert_not_null(strstr(err, "UTF-8"), "%s", err);
    cr_assert_eq(ms_params_parse(&params, "b=%00", err, sizeof(err)), MS_REQUEST_BAD);
}

Test(params, decode_plus_only_when_asked)
{
    char *out = NULL;

    cr_assert_eq(ms_request_decode(&out, "a+b%2B", 6, true), MS_REQUEST_OK);
    cr_assert_str_eq(out, "a b+");
    free(out);
    cr_assert_eq(ms_request_decode(&out, "a+b%2B", 6, false), MS_REQUEST_OK);
    cr_assert_str_eq(out, "a+b+");
    free(out);
    /* 'len' bounds the input: a '%' cut off by it is incomplete. */
    cr_assert_eq(ms_request_decode(&out, "ab%41", 4, false), MS_REQUEST_BAD);
    cr_assert_null(out);
}

Test(params, utf8_validation)
{
    cr_assert(ms_utf8_valid("", 0, NULL));
    cr_assert(ms_utf8_valid("plain", 5, NULL));
    cr_assert(ms_utf8_valid("\xc3\xa9", 2, NULL));
    cr_assert(ms_utf8_valid("\xe2\x82\xac", 3, NULL));
    cr_assert(ms_utf8_valid("\xf0\x9f\x98\x80", 4, NULL));
    cr_assert(ms_utf8_valid("\xf4\x8f\xbf\xbf", 4, NULL));
    cr_assert_not(ms_utf8_valid("\xc3", 1, NULL));
    cr_assert_not(ms_utf8_valid("\x80", 1, NULL));
    cr_assert_not(ms_utf8_valid("\xc0\xaf", 2, NULL));
    cr_assert_not(ms_utf8_valid("\xe0\x80\xaf", 3, NULL));
    cr_assert_not(ms_utf8_valid("\xed\xa0\x80", 3, NULL));
    cr_assert_not(ms_utf8_valid("\xf4\x90\x80\x80", 4, NULL));
    cr_assert_not(ms_utf8_valid("\xf8\x88\x80\x80\x80", 5, NULL));
    cr_assert_not(ms_utf8_valid("\xe2\x82", 2, NULL));
}

Test(params, utf8_repair_replaces_bad_bytes)
{
    static const char broken[] = "a\xffz\xc3\xa9\xe2\x82";
    char *fixed = ms_utf8_repair(broken, strlen(broken), NULL);

    cr_assert_not_null(fixed);
    cr_assert_str_eq(fixed, "a\xef\xbf\xbdz\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd");
    free(fixed);
}

Test(params, document_json_survives_invalid_utf8)
{
    static const ms_field_t fields[] = {{"theme", "bad\xff"}, {"od\xffname", "v"}};
    ms_document_t doc = {"x", "T\xe9l\xe9", NULL, NULL, NULL, fields, 2};
    json_t *object = ms_json_document(&doc);

    cr_assert_not_null(object);
    cr_assert_str_eq(json_string_value(json_object_get(object, "title")),
                     "T\xef\xbf\xbdl\xef\xbf\xbd");
    cr_assert_eq(json_array_size(json_object_get(object, "themes")), 1);
    cr_assert_eq(json_object_size(json_object_get(object, "extra")), 1);
    cr_assert(json_is_null(json_object_get(object, "date")));
    json_decref(object);
}

/* ---- the search service: parameters, facets, snippets, access, files ---- */

/* The ids of the results in answer order, joined with ','. */
static const char *
ordered_ids(char *buf, size_t size)
{
    json_t *results = json_object_get(body, "results");

    cr_assert(json_is_array(results), "no results array");
    buf[0] = '\0';
    for (size_t i = 0; i < json_array_size(results); i++) {
        const char *id =
            json_string_value(json_object_get(json_array_get(results, i), "id"));

        cr_assert_not_null(id);
        if (i > 0)
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, id, size - strlen(buf) - 1);
    }
    return buf;
}

/* Assert a 400 bad_request whose message names 'parameter' (quoted). */
static void
assert_bad_parameter(int status, const char *parameter)
{
    const char *message = assert_error(status, 400, "bad_request");
    char quoted[64];

    snprintf(quoted, sizeof(quoted), "'%s'", parameter);
    cr_assert_not_null(strstr(message, quoted), "message '%s' does not name %s", message,
                       quoted);
}

Test(route, search_sorts_by_date_both_ways)
{
    char ids[256];

    cr_assert_eq(search("sort=newest"), 200);
    cr_assert_str_eq(ordered_ids(ids, sizeof(ids)), "rep-001,ws-001,rec-002,rec-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "sort")), "newest");
    cr_assert_eq(search("sort=oldest"), 200);
    cr_assert_str_eq(ordered_ids(ids, sizeof(ids)), "rec-001,rec-002,ws-001,rep-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "sort")), "oldest");
    cr_assert_eq(search("sort=newest&per_page=2&page=2"), 200);
    cr_assert_str_eq(ordered_ids(ids, sizeof(ids)), "rec-002,rec-001");
    cr_assert_eq(search("q=trafficking"), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "sort")), "relevance");
    cr_assert_eq(search("q=trafficking&sort=relevance"), 200);

    assert_bad_parameter(search("sort=date"), "sort");
    assert_bad_parameter(search("sort="), "sort");
    assert_bad_parameter(search("sort=Newest"), "sort");
    assert_bad_parameter(search("sort=newest&sort=oldest"), "sort");
}

Test(route, search_restricts_dates)
{
    char ids[256];

    cr_assert_eq(search("from=2003&to=2005"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-002,ws-001");
    cr_assert_str_eq(json_string_value(json_object_get(body, "from")), "2003");
    cr_assert_str_eq(json_string_value(json_object_get(body, "to")), "2005");
    cr_assert_eq(search("from=2005-03"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rep-001");
    cr_assert(json_is_null(json_object_get(body, "to")));
    cr_assert_eq(search("to=2003-12-31"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,rec-002");
    cr_assert(json_is_null(json_object_get(body, "from")));
    cr_assert_eq(search("from=2001-05-10&to=2001-05-10"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001");
    cr_assert_eq(search("from=2003-05&to=2003"), 200);

    /* Undated documents are outside every range. */
    {
        static const ms_document_t undated = {"undated", "U", "u", "en", NULL, NULL, 0};

        write_documents(index_path, &undated, 1);
    }
    cr_assert_eq(search("to=2003"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,rec-002");
    cr_assert_eq(search("from=2001"), 200);
    cr_assert_str_eq(result_ids(ids, sizeof(ids)), "rec-001,rec-002,rep-001,ws-001");
}

struct bad_date {
    char query[40];
    char parameter[8];
};

ParameterizedTestParameters(route, rejects_bad_dates)
{
    static struct bad_date cases[] = {
        {"from=2003-13", "from"},
        {"from=2003-02-30", "from"},
        {"from=2001-02-29", "from"},
        {"to=20031", "to"},
        {"from=abcd", "from"},
        {"to=2003-1-01", "to"},
        {"to=2003-00", "to"},
        {"from=", "from"},
        {"to=2003-01-32", "to"},
        {"from=03", "from"},
        {"to=2003/01", "to"},
        {"from=-2003", "from"},
        {"from=2005&to=2003", "from"},
        {"from=2003-02-01&to=2003-01", "from"},
        {"from=2003&from=2004", "from"},
    };
    return cr_make_param_array(struct bad_date, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_date *c, route, rejects_bad_dates)
{
    assert_bad_parameter(search(c->query), c->parameter);
}

Test(route, accepts_leap_day)
{
    cr_assert_eq(search("from=2004-02-29&to=2000-02-29"), 400);
    cr_assert_eq(search("from=2000-02-29"), 200);
}

/* The count of 'value' in the facet 'field' of the answer; -1 if absent. */
static long
facet_count(const char *field, const char *value)
{
    json_t *values = json_object_get(json_object_get(body, "facets"), field);

    cr_assert(json_is_array(values), "facet '%s' is not an array", field);
    for (size_t i = 0; i < json_array_size(values); i++) {
        json_t *item = json_array_get(values, i);

        /* The meeting rows also carry the meeting's title as "label". */
        cr_assert_eq(json_object_size(item), strcmp(field, "meeting") == 0 ? 3 : 2);
        if (strcmp(json_string_value(json_object_get(item, "value")), value) == 0)
            return (long)json_integer_value(json_object_get(item, "count"));
    }
    return -1;
}

Test(route, search_counts_facets_of_all_matches)
{
    static const char *const fields[] = {"type",  "process", "meeting",  "country",
                                         "theme", "status",  "language", "year"};
    json_t *facets;

    cr_assert_eq(search("per_page=1"), 200);
    facets = json_object_get(body, "facets");
    cr_assert(json_is_object(facets));
    cr_assert_eq(json_object_size(facets), 8);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        cr_assert(json_is_array(json_object_get(facets, fields[i])), "no facet %s",
                  fields[i]);
    /* Over every match, not the one hit of the page; two documents share
     * each of these countries. */
    cr_assert_eq(facet_count("country", "Kazakhstan"), 2);
    cr_assert_eq(facet_count("country", "Kyrgyzstan"), 2);
    cr_assert_eq(facet_count("country", "Tajikistan"), 1);
    cr_assert_eq(facet_count("type", "recommendation"), 2);
    cr_assert_eq(facet_count("type", "workshop"), 1);
    cr_assert_eq(facet_count("language", "en"), 3);
    cr_assert_eq(facet_count("language", "fr"), 1);
    cr_assert_eq(facet_count("year", "2003"), 1);
    cr_assert_eq(facet_count("status", "implemented"), 1);
    cr_assert_eq(facet_count("meeting", "ikd-2005-almaty"), 1);
    /* A handful of matches, far below search.facet_limit: exact. */
    cr_assert(json_is_false(json_object_get(body, "facets_estimated")));

    cr_assert_eq(search("q=trafficking"), 200);
    cr_assert_eq(facet_count("country", "Kazakhstan"), 2);
    cr_assert_eq(facet_count("country", "Kyrgyzstan"), 1);
    cr_assert_eq(facet_count("country", "Tajikistan"), -1);
    cr_assert_eq(facet_count("type", "report"), -1);

    cr_assert_eq(search("country=Narnia"), 200);
    cr_assert_eq(
        json_array_size(json_object_get(json_object_get(body, "facets"), "type")), 0);
}

/* search.feedback: false reaches the search: without the feedback words
 * the same hits score less (plain BM25), none more. */
Test(route, search_feedback_follows_the_configuration)
{
    /* The config is changed in place here, which a reload never does (it
     * publishes a new one): searches only, no answer kept. */
    cfg->search.result_cache_mb = 0;
    cr_assert_eq(search("q=trafficking&facets=0"), 200);
    json_t *with = json_incref(json_object_get(body, "results"));
    cfg->search.feedback = false;
    cr_assert_eq(search("q=trafficking&facets=0"), 200);
    json_t *without = json_object_get(body, "results");
    cr_assert_gt(json_array_size(with), 0);
    cr_assert_eq(json_array_size(with), json_array_size(without));
    size_t i, j, lower = 0;
    json_t *a, *b;
    json_array_foreach(with, i, a)
    {
        json_array_foreach(without, j, b)
        {
            if (!json_equal(json_object_get(a, "id"), json_object_get(b, "id")))
                continue;
            double sa = json_number_value(json_object_get(a, "score"));
            double sb = json_number_value(json_object_get(b, "score"));
            cr_assert_geq(sa, sb - 1e-9);
            lower += sb < sa - 1e-9;
        }
    }
    cr_assert_gt(lower, 0, "no hit scored differently without feedback");
    json_decref(with);
}

Test(route, search_facets_can_be_turned_off)
{
    cr_assert_eq(search("facets=0"), 200);
    cr_assert(json_is_null(json_object_get(body, "facets")));
    cr_assert(json_is_false(json_object_get(body, "facets_estimated")));
    cr_assert_eq(search("facets=1"), 200);
    cr_assert(json_is_object(json_object_get(body, "facets")));
    assert_bad_parameter(search("facets=no"), "facets");
    assert_bad_parameter(search("facets="), "facets");
    assert_bad_parameter(search("facets=0&facets=0"), "facets");
}

Test(route, search_answer_echoes_and_explains_the_query)
{
    cr_assert_eq(search("q=migrant+workers"), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "query")),
                     "migrant workers");
    cr_assert(json_is_string(json_object_get(body, "understood")));
    cr_assert_neq(json_string_length(json_object_get(body, "understood")), 0);
    cr_assert(json_is_null(json_object_get(body, "did_you_mean")));
    cr_assert(json_is_object(json_object_get(body, "total")));
    cr_assert(json_is_real(json_object_get(body, "took_ms")));
}

Test(route, search_snippets_carry_page_numbers)
{
    static const ms_document_t paged = {
        "pdf-001",
        "Annual report",
        "The first page says nothing.\fThe second page is about zanzibar cloves.\fEnd.",
        "en",
        "2009",
        NULL,
        0};
    json_t *hit, *snippets, *first;

    write_documents(index_path, &paged, 1);
    cr_assert_eq(search("q=zanzibar"), 200);
    hit = result_with_id("pdf-001");
    cr_assert_not_null(hit);
    cr_assert_str_eq(json_string_value(json_object_get(hit, "url")), "/doc/pdf-001");
    snippets = json_object_get(hit, "snippets");
    cr_assert(json_is_array(snippets));
    cr_assert_geq(json_array_size(snippets), 1);
    cr_assert_leq(json_array_size(snippets), 3);
    first = json_array_get(snippets, 0);
    cr_assert_not_null(strstr(json_string_value(json_object_get(first, "html")),
                              "<mark>zanzibar</mark>"));
    cr_assert_eq(json_integer_value(json_object_get(first, "page")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(hit, "snippet")),
                     json_string_value(json_object_get(first, "html")));

    /* A document without pages has snippets without a page. */
    cr_assert_eq(search("q=remittances"), 200);
    first = json_array_get(json_object_get(result_with_id("rec-002"), "snippets"), 0);
    cr_assert_not_null(first);
    cr_assert(json_is_null(json_object_get(first, "page")));
}

Test(route, search_suggests_a_correction)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    char spelled[128];

    /* A second index, written with the spelling dictionary on. */
    snprintf(spelled, sizeof(spelled), "%s/spelled", tmpdir);
    cr_assert_eq(ms_index_open(&idx, spelled, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    for (size_t i = 0; i < N_DOCUMENTS; i++)
        cr_assert_eq(ms_index_put(idx, &documents[i]), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
    ms_worker_fini(&worker);
    use_index_path(spelled);
    ms_worker_init(&worker, cfg);

    cr_assert_eq(search("q=trafficing"), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "did_you_mean")),
                     "trafficking");
    cr_assert_eq(search("q=trafficking"), 200);
    cr_assert(json_is_null(json_object_get(body, "did_you_mean")));
}

Test(route, result_urls_are_percent_encoded)
{
    static const ms_document_t odd = {"a+b:\xc3\xa9", "Odd", "odd zebra body", "en", NULL,
                                      NULL,           0};

    write_documents(index_path, &odd, 1);
    cr_assert_eq(search("q=zebra"), 200);
    cr_assert_str_eq(
        json_string_value(json_object_get(result_with_id("a+b:\xc3\xa9"), "url")),
        "/doc/a%2Bb%3A%C3%A9");
    cr_assert_eq(request("GET", "/doc/a%2Bb%3A%C3%A9", NULL), 200);
}

/* ---- access control: a canary only the board may see ---- */

static const ms_field_t canary_fields[] = {
    {"type", "report"},
    {"country", "Narnia"},
    {"access", "board"},
    {"source", "board/minutes 2024.pdf"},
};
static const ms_document_t canary = {"canary-001",
                                     "Board minutes zqxcanary",
                                     "Confidential zqxcanary minutes on trafficking.",
                                     "en",
                                     "2024-01-15",
                                     canary_fields,
                                     sizeof(canary_fields) / sizeof(canary_fields[0])};

static void
setup_canary(void)
{
    setup();
    write_documents(index_path, &canary, 1);
}

TestSuite(access, .init = setup_canary, .fini = teardown);

Test(access, anonymous_never_sees_the_canary)
{
    static const char *const anonymous[] = {NULL,     "",       " , ,",     "staff",
                                            "boardx", "Board2", "board\x01"};

    for (size_t i = 0; i < sizeof(anonymous) / sizeof(anonymous[0]); i++) {
        const char *groups = anonymous[i];

        assert_error(request_as(groups, "GET", "/doc/canary-001", NULL), 404,
                     "not_found");
        assert_error(request_as(groups, "GET", "/doc/canary-001/file", NULL), 404,
                     "not_found");
        assert_error(request_as(groups, "GET", "/similar/canary-001", NULL), 404,
                     "not_found");
        cr_assert_eq(request_as(groups, "GET", "/search", "q=zqxcanary"), 200);
        cr_assert_eq(json_array_size(json_object_get(body, "results")), 0);
        cr_assert_eq(request_as(groups, "GET", "/search", "q=trafficking"), 200);
        cr_assert_null(result_with_id("canary-001"));
        cr_assert_eq(json_integer_value(
                         json_object_get(json_object_get(body, "total"), "estimate")),
                     2);
        cr_assert_eq(facet_count("country", "Narnia"), -1);
        cr_assert_eq(request_as(groups, "GET", "/suggest", "q=zqxc"), 200);
        cr_assert_eq(json_array_size(json_object_get(body, "suggestions")), 0);
        cr_assert_eq(request_as(groups, "GET", "/feed", "q=zqxcanary"), 200);
        cr_assert_null(strstr(response.text, "canary-001"), "feed shows the canary");
        cr_assert_null(strstr(response.text, "<entry>"), "feed shows the canary");
    }
}

Test(access, the_board_sees_the_canary)
{
    static const char *const board[] = {"board", " staff , board ,,", "BOARD",
                                        "x,y,board"};

    for (size_t i = 0; i < sizeof(board) / sizeof(board[0]); i++) {
        const char *groups = board[i];

        cr_assert_eq(request_as(groups, "GET", "/doc/canary-001", NULL), 200,
                     "groups '%s'", groups);
        cr_assert_str_eq(json_string_value(json_object_get(body, "id")), "canary-001");
        cr_assert_eq(request_as(groups, "GET", "/doc/canary-001/file", NULL), 200);
        cr_assert_eq(request_as(groups, "GET", "/similar/rec-001", NULL), 200);
        cr_assert_eq(request_as(groups, "GET", "/similar/canary-001", NULL), 200);
        cr_assert_eq(request_as(groups, "GET", "/search", "q=zqxcanary"), 200);
        cr_assert_not_null(result_with_id("canary-001"));
        cr_assert_eq(facet_count("country", "Narnia"), 1);
        cr_assert_eq(request_as(groups, "GET", "/feed", "q=zqxcanary"), 200);
        cr_assert_not_null(strstr(response.text, "canary-001"));
    }
}

Test(access, groups_past_the_limit_are_ignored)
{
    char groups[64 * 40];

    groups[0] = '\0';
    for (int i = 0; i < MS_VIEWER_MAX_GROUPS; i++) {
        char name[16];

        snprintf(name, sizeof(name), "g%d,", i);
        strcat(groups, name);
    }
    strcat(groups, "board");
    assert_error(request_as(groups, "GET", "/doc/canary-001", NULL), 404, "not_found");
}

Test(access, viewer_parsing_trims_and_bounds)
{
    ms_viewer_buf_t v;
    char long_name[MS_VIEWER_GROUP_MAX + 2];
    char many[40 * 8];

    ms_request_viewer(&v, NULL);
    cr_assert_eq(v.viewer.n_groups, 0);
    ms_request_viewer(&v, " a , ,b,,\tc\t ,");
    cr_assert_eq(v.viewer.n_groups, 3);
    cr_assert_str_eq(v.viewer.groups[0], "a");
    cr_assert_str_eq(v.viewer.groups[1], "b");
    cr_assert_str_eq(v.viewer.groups[2], "c");

    memset(long_name, 'x', MS_VIEWER_GROUP_MAX + 1);
    long_name[MS_VIEWER_GROUP_MAX + 1] = '\0';
    ms_request_viewer(&v, long_name);
    cr_assert_eq(v.viewer.n_groups, 0);
    long_name[MS_VIEWER_GROUP_MAX] = '\0';
    ms_request_viewer(&v, long_name);
    cr_assert_eq(v.viewer.n_groups, 1);
    cr_assert_eq(strlen(v.viewer.groups[0]), MS_VIEWER_GROUP_MAX);

    ms_request_viewer(&v, "ok,bad\x7f,bad\xff,al\xc3\xa9");
    cr_assert_eq(v.viewer.n_groups, 2);
    cr_assert_str_eq(v.viewer.groups[1], "al\xc3\xa9");

    many[0] = '\0';
    for (int i = 0; i < 40; i++) {
        char name[8];

        snprintf(name, sizeof(name), "g%d,", i);
        strcat(many, name);
    }
    ms_request_viewer(&v, many);
    cr_assert_eq(v.viewer.n_groups, MS_VIEWER_MAX_GROUPS);
    cr_assert_str_eq(v.viewer.groups[MS_VIEWER_MAX_GROUPS - 1], "g31");
}

/* ---- /doc/{id}/file ---- */

/* The value of the extra header 'name' of the response, or NULL. */
static const char *
header(const char *name)
{
    for (size_t i = 0; i < response.n_headers; i++) {
        if (strcmp(response.headers[i].name, name) == 0)
            return response.headers[i].value;
    }
    return NULL;
}

Test(route, file_is_served_by_nginx_after_the_check)
{
    static const ms_field_t fields[] = {
        {"type", "report"},
        {"source", "reports/2007/Rapport annuel \xc3\xa9t\xc3\xa9 #1?.pdf"}};
    static const ms_document_t doc = {"rep-file", "Rapport", "texte", "fr",
                                      "2007",     fields,    2};

    write_documents(index_path, &doc, 1);
    cr_assert_eq(request_as(NULL, "GET", "/doc/rep-file/file", NULL), 200);
    cr_assert_null(response.json);
    cr_assert_not_null(response.text);
    cr_assert_eq(response.text_length, 0);
    /* nginx picks the type from the file's extension only if we send none. */
    cr_assert_null(response.content_type);
    cr_assert_str_eq(
        header("X-Accel-Redirect"),
        "/_files/reports/2007/Rapport%20annuel%20%C3%A9t%C3%A9%20%231%3F.pdf");
    cr_assert_str_eq(header("Content-Disposition"),
                     "inline; filename=\"Rapport annuel _t_ #1?.pdf\"; "
                     "filename*=UTF-8''Rapport%20annuel%20%C3%A9t%C3%A9%20%231%3F.pdf");
    cr_assert_eq(request_as(NULL, "HEAD", "/doc/rep-file/file", NULL), 200);
    cr_assert_not_null(header("X-Accel-Redirect"));

    /* /doc links the file and never shows the path. */
    cr_assert_eq(request("GET", "/doc/rep-file", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "file")),
                     "/doc/rep-file/file");
    cr_assert_null(json_object_get(json_object_get(body, "extra"), "source"));
    {
        char *dump = json_dumps(body, 0);

        cr_assert_not_null(dump);
        cr_assert_null(strstr(dump, "reports/2007"), "the path leaks: %s", dump);
        free(dump);
    }
}

/* An archive in the test's directory with 'name' holding 'text', set as
 * archive.path, with 'delivery'. */
static void
use_archive(ms_file_delivery_t delivery, const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/archive", tmpdir);
    mkdir(path, 0700);
    free(cfg->archive.path);
    cfg->archive.path = strdup(path);
    cr_assert_not_null(cfg->archive.path);
    cfg->server.file_delivery = delivery;
    snprintf(path, sizeof(path), "%s/archive/%s", tmpdir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

Test(route, file_is_streamed_by_the_server)
{
    static const ms_field_t pdf[] = {{"source", "a.pdf"}};
    static const ms_field_t html[] = {{"source", "page.html"}};
    static const ms_field_t gone[] = {{"source", "gone.pdf"}};
    static const ms_document_t docs[] = {{"s-pdf", "P", "p", "en", NULL, pdf, 1},
                                         {"s-html", "H", "h", "en", NULL, html, 1},
                                         {"s-gone", "G", "g", "en", NULL, gone, 1}};
    char got[32] = "";

    write_documents(index_path, docs, 3);
    use_archive(MS_FILE_DELIVERY_STREAM, "page.html", "<script>x</script>");
    use_archive(MS_FILE_DELIVERY_STREAM, "a.pdf", "%PDF-1.4 body");
    cr_assert_eq(request_as(NULL, "GET", "/doc/s-pdf/file", NULL), 200);
    cr_assert_not_null(response.file);
    cr_assert_null(response.text);
    cr_assert_eq(response.text_length, strlen("%PDF-1.4 body"));
    cr_assert_eq(fread(got, 1, sizeof(got) - 1, response.file), response.text_length);
    cr_assert_str_eq(got, "%PDF-1.4 body");
    cr_assert_str_eq(response.content_type, "application/pdf");
    cr_assert_str_eq(header("Content-Disposition"), "inline; filename=\"a.pdf\"");
    cr_assert_null(header("X-Accel-Redirect"));
    /* An HTML file of the archive must not run as a page of the portal. */
    cr_assert_eq(request_as(NULL, "GET", "/doc/s-html/file", NULL), 200);
    cr_assert_str_eq(response.content_type, "application/octet-stream");
    assert_error(request("GET", "/doc/s-gone/file", NULL), 404, "not_found");
}

Test(route, file_is_named_by_x_sendfile)
{
    static const ms_field_t pdf[] = {{"source", "a.pdf"}};
    static const ms_field_t gone[] = {{"source", "gone.pdf"}};
    static const ms_document_t docs[] = {{"x-pdf", "P", "p", "en", NULL, pdf, 1},
                                         {"x-gone", "G", "g", "en", NULL, gone, 1}};
    char path[256];
    char *real;

    write_documents(index_path, docs, 2);
    use_archive(MS_FILE_DELIVERY_X_SENDFILE, "a.pdf", "%PDF-1.4 body");
    snprintf(path, sizeof(path), "%s/archive/a.pdf", tmpdir);
    real = realpath(path, NULL);
    cr_assert_not_null(real);
    cr_assert_eq(request_as(NULL, "HEAD", "/doc/x-pdf/file", NULL), 200);
    cr_assert_str_eq(header("X-Sendfile"), real);
    cr_assert_str_eq(response.content_type, "application/pdf");
    cr_assert_not_null(header("Content-Disposition"));
    cr_assert_null(response.file);
    cr_assert_eq(response.text_length, 0);
    assert_error(request("GET", "/doc/x-gone/file", NULL), 404, "not_found");
    free(real);
}

Test(route, file_name_is_quoted_safely)
{
    static const ms_field_t fields[] = {{"source", "a\"b\\c;d.pdf"}};
    static const ms_document_t doc = {"quoted", "Q", "q", "en", NULL, fields, 1};

    write_documents(index_path, &doc, 1);
    cr_assert_eq(request_as(NULL, "GET", "/doc/quoted/file", NULL), 200);
    cr_assert_str_eq(header("X-Accel-Redirect"), "/_files/a%22b%5Cc%3Bd.pdf");
    cr_assert_str_eq(
        header("Content-Disposition"),
        "inline; filename=\"a_b_c;d.pdf\"; filename*=UTF-8''a%22b%5Cc%3Bd.pdf");
}

Test(route, plain_file_name_has_no_extended_form)
{
    static const ms_field_t fields[] = {{"source", "ikd/minutes.pdf"}};
    static const ms_document_t doc = {"plain", "P", "p", "en", NULL, fields, 1};

    write_documents(index_path, &doc, 1);
    cr_assert_eq(request_as(NULL, "GET", "/doc/plain/file", NULL), 200);
    cr_assert_str_eq(header("X-Accel-Redirect"), "/_files/ikd/minutes.pdf");
    cr_assert_str_eq(header("Content-Disposition"), "inline; filename=\"minutes.pdf\"");
}

Test(route, documents_without_a_file_have_none)
{
    static const ms_field_t jsonl[] = {{"source", "data/decisions.jsonl"}};
    static const ms_field_t recset[] = {{"source", "ikd/2005.recommendations.yaml"}};
    static const ms_field_t escape[] = {{"source", "../etc/passwd"}};
    static const ms_field_t absolute[] = {{"source", "/etc/passwd"}};
    static const ms_field_t dots[] = {{"source", "a/./b.pdf"}};
    static const ms_field_t empty[] = {{"source", "a//b.pdf"}};
    static const ms_document_t docs[] = {
        {"f-jsonl", "J", "j", "en", NULL, jsonl, 1},
        {"f-recset", "R", "r", "en", NULL, recset, 1},
        {"f-escape", "E", "e", "en", NULL, escape, 1},
        {"f-absolute", "A", "a", "en", NULL, absolute, 1},
        {"f-dots", "D", "d", "en", NULL, dots, 1},
        {"f-empty", "E", "e", "en", NULL, empty, 1},
    };
    char path[64];

    write_documents(index_path, docs, sizeof(docs) / sizeof(docs[0]));
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        snprintf(path, sizeof(path), "/doc/%s/file", docs[i].id);
        assert_error(request("GET", path, NULL), 404, "not_found");
        cr_assert_eq(response.n_headers, 0);
        snprintf(path, sizeof(path), "/doc/%s", docs[i].id);
        cr_assert_eq(request("GET", path, NULL), 200);
        cr_assert(json_is_null(json_object_get(body, "file")), "%s links a file", path);
    }
    /* Without any source at all. */
    assert_error(request("GET", "/doc/rec-002/file", NULL), 404, "not_found");
    assert_error(request("GET", "/doc/missing/file", NULL), 404, "not_found");
    assert_error(request("GET", "/doc/rec-001/files", NULL), 404, "not_found");
    assert_error(request("GET", "/doc/rec-001/file/", NULL), 404, "not_found");
    assert_error(request("GET", "/doc/../file", NULL), 404, "not_found");
}

Test(route, response_headers_refuse_control_bytes)
{
    ms_response_t r;

    memset(&r, 0, sizeof(r));
    cr_assert_eq(ms_response_add_header(&r, "X-A", "ok"), 0);
    cr_assert_eq(ms_response_add_header(&r, "X-B", "bad\r\nSet-Cookie: x"), -1);
    cr_assert_eq(ms_response_add_header(&r, "X-B", "tab\there"), -1);
    cr_assert_eq(r.n_headers, 1);
    for (int i = 1; i < MS_RESPONSE_MAX_HEADERS; i++)
        cr_assert_eq(ms_response_add_header(&r, "X-C", "v"), 0);
    cr_assert_eq(ms_response_add_header(&r, "X-D", "v"), -1);
    ms_response_free(&r);
    cr_assert_eq(r.n_headers, 0);
}

/* ---- /doc of a recommendation ---- */

Test(route, recommendation_shows_meeting_and_implementation)
{
    static const ms_field_t fields[] = {
        {"type", "recommendation"},
        {"number", "3"},
        {"meeting", "ikd 2005/almaty"},
        {"source", "ikd/2005.recommendations.yaml"},
        {"reports", "[{\"country\":\"Kyrgyzstan\",\"status\":\"implemented\","
                    "\"date\":\"2004\",\"obstacles\":\"funding\"},"
                    "{\"country\":\"Tajikistan\",\"status\":\"not implemented\"},"
                    "7]"},
    };
    static const ms_document_t rec = {
        "ikd-2005.r3", "Recommendation 3", "Do it.", "en", "2005", fields, 5};
    json_t *rows, *row;

    write_documents(index_path, &rec, 1);
    cr_assert_eq(request("GET", "/doc/ikd-2005.r3", NULL), 200);
    cr_assert_eq(json_integer_value(json_object_get(body, "number")), 3);
    cr_assert(json_is_integer(json_object_get(body, "number")));
    cr_assert_str_eq(json_string_value(json_object_get(body, "meeting")),
                     "ikd 2005/almaty");
    cr_assert_str_eq(json_string_value(json_object_get(body, "meeting_url")),
                     "/search?meeting=ikd%202005%2Falmaty");
    cr_assert(json_is_null(json_object_get(body, "file")));
    cr_assert_null(json_object_get(json_object_get(body, "extra"), "reports"));
    cr_assert_null(json_object_get(json_object_get(body, "extra"), "number"));
    rows = json_object_get(body, "implementation");
    cr_assert_eq(json_array_size(rows), 2);
    row = json_array_get(rows, 0);
    cr_assert_str_eq(json_string_value(json_object_get(row, "country")), "Kyrgyzstan");
    cr_assert_str_eq(json_string_value(json_object_get(row, "status")), "implemented");
    cr_assert_str_eq(json_string_value(json_object_get(row, "obstacles")), "funding");
    cr_assert_str_eq(json_string_value(json_object_get(row, "date")), "2004");
    row = json_array_get(rows, 1);
    cr_assert_eq(json_object_size(row), 4);
    cr_assert(json_is_null(json_object_get(row, "obstacles")));
    cr_assert(json_is_null(json_object_get(row, "date")));

    /* Search results do not carry the raw reports either. */
    cr_assert_eq(search("q=it&type=recommendation"), 200);
}

Test(route, recommendation_with_bad_reports_is_still_shown)
{
    static const ms_field_t fields[] = {
        {"type", "recommendation"}, {"number", "x7"}, {"reports", "[{\"country\":"}};
    static const ms_document_t rec = {"bad.r1", "R", "r", "en", NULL, fields, 3};

    write_documents(index_path, &rec, 1);
    cr_assert_eq(request("GET", "/doc/bad.r1", NULL), 200);
    cr_assert_null(json_object_get(body, "implementation"));
    cr_assert_str_eq(json_string_value(json_object_get(body, "number")), "x7");
    cr_assert(json_is_null(json_object_get(body, "meeting_url")));

    /* Not a recommendation: none of the recommendation keys. */
    cr_assert_eq(request("GET", "/doc/ws-001", NULL), 200);
    cr_assert_null(json_object_get(body, "implementation"));
    cr_assert_null(json_object_get(body, "meeting_url"));
    cr_assert_null(json_object_get(body, "number"));
}

/* ---- /suggest ---- */

Test(route, suggest_completes_the_last_word)
{
    json_t *list;
    bool found = false;

    cr_assert_eq(request("GET", "/suggest", "q=traff"), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "query")), "traff");
    list = json_object_get(body, "suggestions");
    cr_assert(json_is_array(list));
    cr_assert_leq(json_array_size(list), 8);
    for (size_t i = 0; i < json_array_size(list); i++) {
        cr_assert(json_is_string(json_array_get(list, i)));
        found |= strcmp(json_string_value(json_array_get(list, i)), "trafficking") == 0;
    }
    cr_assert(found, "no 'trafficking' among the suggestions");
    cr_assert_eq(worker.hits, (long)json_array_size(list));
    cr_assert_eq(request("HEAD", "/suggest", "q=traff"), 200);
    cr_assert_eq(request("GET", "/suggest", "q=qqqqqq"), 200);
    cr_assert_eq(json_array_size(json_object_get(body, "suggestions")), 0);
}

Test(route, suggest_rejects_bad_parameters)
{
    assert_bad_parameter(request("GET", "/suggest", NULL), "q");
    assert_bad_parameter(request("GET", "/suggest", "p=traff"), "p");
    assert_bad_parameter(request("GET", "/suggest", "q=a&q=b"), "q");
    assert_bad_parameter(request("GET", "/suggest", "q=a&limit=3"), "limit");
    assert_error(request("GET", "/suggest", "q=%ff"), 400, "bad_request");
    assert_error(request("POST", "/suggest", "q=a"), 405, "method_not_allowed");
}

/* /suggest completes the word being typed, which a cut q would not end
 * with: a q over search.max_query_length is refused, not cut. */
Test(route, suggest_refuses_an_overlong_q)
{
    char *query = repeated_query("a", 1025);

    assert_bad_parameter(request("GET", "/suggest", query), "q");
    query[2 + 1024] = '\0';
    cr_assert_eq(request("GET", "/suggest", query), 200);
    free(query);
}

/* ---- /similar/{id} ---- */

Test(route, similar_lists_other_documents)
{
    json_t *results;

    cr_assert_eq(request("GET", "/similar/rec-001", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "id")), "rec-001");
    results = json_object_get(body, "results");
    cr_assert(json_is_array(results));
    cr_assert_geq(json_array_size(results), 1);
    cr_assert_null(result_with_id("rec-001"), "a document is not similar to itself");
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *hit = json_array_get(results, i);

        cr_assert_null(json_object_get(hit, "snippet"));
        cr_assert_null(json_object_get(hit, "snippets"));
        cr_assert(json_is_string(json_object_get(hit, "url")));
        cr_assert(json_is_real(json_object_get(hit, "score")));
        cr_assert(json_is_array(json_object_get(hit, "countries")));
    }
    cr_assert_eq(request("GET", "/similar/rec-001", "per_page=1"), 200);
    cr_assert_leq(json_array_size(json_object_get(body, "results")), 1);
    cr_assert_eq(request("HEAD", "/similar/rec-001", NULL), 200);
}

Test(route, similar_rejects_bad_requests)
{
    assert_error(request("GET", "/similar/missing", NULL), 404, "not_found");
    assert_error(request("GET", "/similar/", NULL), 404, "not_found");
    assert_error(request("GET", "/similar/a/b", NULL), 404, "not_found");
    assert_error(request("GET", "/similar/..", NULL), 404, "not_found");
    assert_error(request("GET", "/similar", NULL), 404, "not_found");
    assert_bad_parameter(request("GET", "/similar/rec-001", "per_page=0"), "per_page");
    assert_bad_parameter(request("GET", "/similar/rec-001", "per_page=101"), "per_page");
    assert_bad_parameter(request("GET", "/similar/rec-001", "per_page=-1"), "per_page");
    assert_bad_parameter(request("GET", "/similar/rec-001", "page=2"), "page");
}

/* ---- /health ---- */

Test(route, health_reports_the_last_commit)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    struct timespec pause = {1, 100000000L};

    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert(json_is_null(json_object_get(body, "last_commit")));
    cr_assert_eq(json_integer_value(json_object_get(body, "api")), MS_API_VERSION);

    cr_assert_eq(ms_index_open(&idx, index_path, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    cr_assert_eq(ms_index_metadata_set(idx, "last_run",
                                       "{\"mode\":\"update\",\"finished\":"
                                       "\"2026-01-02T03:04:05Z\"}"),
                 MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
    nanosleep(&pause, NULL);
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert_str_eq(json_string_value(json_object_get(body, "last_commit")),
                     "2026-01-02T03:04:05Z");

    cr_assert_eq(ms_index_open(&idx, index_path, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    cr_assert_eq(ms_index_metadata_set(idx, "last_run", "{not json"), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
    nanosleep(&pause, NULL);
    cr_assert_eq(request("GET", "/health", NULL), 200);
    cr_assert(json_is_null(json_object_get(body, "last_commit")));
}

/* ---- /feed ---- */

static xmlDocPtr feed_doc;

/* Parse the Atom text of the last response strictly (no recovery, no
 * network, no entities) and return its root, which must be an Atom feed. */
static xmlNodePtr
parse_feed(void)
{
    xmlNodePtr root;

    cr_assert_not_null(response.text, "not a text answer");
    cr_assert_str_eq(response.content_type, "application/atom+xml; charset=utf-8");
    cr_assert_eq(response.text_length, strlen(response.text));
    xmlFreeDoc(feed_doc);
    feed_doc = xmlReadMemory(response.text, (int)response.text_length, "feed.xml", NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(feed_doc, "feed is not well-formed XML:\n%s", response.text);
    root = xmlDocGetRootElement(feed_doc);
    cr_assert_not_null(root);
    cr_assert_str_eq((const char *)root->name, "feed");
    cr_assert_not_null(root->ns);
    cr_assert_str_eq((const char *)root->ns->href, "http://www.w3.org/2005/Atom");
    return root;
}

static void
free_feed(void)
{
    xmlFreeDoc(feed_doc);
    feed_doc = NULL;
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name, size_t nth)
{
    for (xmlNodePtr node = parent->children; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE &&
            strcmp((const char *)node->name, name) == 0 && nth-- == 0)
            return node;
    }
    return NULL;
}

/* The text of the child 'name' of 'parent' into 'buf'; fails if missing. */
static const char *
child_text(char *buf, size_t size, xmlNodePtr parent, const char *name)
{
    xmlNodePtr node = child(parent, name, 0);
    xmlChar *text;

    cr_assert_not_null(node, "no <%s>", name);
    text = xmlNodeGetContent(node);
    cr_assert_not_null(text);
    snprintf(buf, size, "%s", (const char *)text);
    xmlFree(text);
    return buf;
}

static const char *
attribute(char *buf, size_t size, xmlNodePtr node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);

    cr_assert_not_null(value, "no attribute %s", name);
    snprintf(buf, size, "%s", (const char *)value);
    xmlFree(value);
    return buf;
}

static void
setup_feed(void)
{
    setup();
    feed_doc = NULL;
}

static void
teardown_feed(void)
{
    free_feed();
    teardown();
}

TestSuite(feed, .init = setup_feed, .fini = teardown_feed);

/* The "added" time /doc/{id} shows for 'id' into 'buf'. */
static const char *
added_of(char *buf, size_t size, const char *id)
{
    char path[256];
    const char *added;

    snprintf(path, sizeof(path), "/doc/%s", id);
    cr_assert_eq(request("GET", path, NULL), 200, "%s", path);
    added = json_string_value(json_object_get(body, "added"));
    cr_assert_not_null(added, "%s has no added", id);
    cr_assert_eq(strlen(added), 20, "added %s", added);
    cr_assert(added[4] == '-' && added[10] == 'T' && added[19] == 'Z', "added %s", added);
    snprintf(buf, size, "%s", added);
    return buf;
}

/* The entry 'nth' of 'root' links to the page showing 'id'. */
static void
assert_entry_links_page(xmlNodePtr root, size_t nth, const char *id)
{
    char text[512], expected[300];
    xmlNodePtr entry = child(root, "entry", nth), link;

    cr_assert_not_null(entry, "no entry %zu", nth);
    link = child(entry, "link", 0);
    cr_assert_not_null(link);
    snprintf(expected, sizeof(expected), "/?doc=%s", id);
    cr_assert_str_eq(attribute(text, sizeof(text), link, "href"), expected);
    cr_assert_str_eq(attribute(text, sizeof(text), link, "rel"), "alternate");
    cr_assert_str_eq(attribute(text, sizeof(text), link, "type"), "text/html");
    cr_assert_null(child(entry, "link", 1), "entry %zu has a second link", nth);
}

Test(feed, is_an_atom_feed_of_the_latest_additions)
{
    /* Dated long before the others, but added after them. */
    static const ms_document_t late = {"late-1998",
                                       "Trafficking report found late",
                                       "a trafficking report of 1998",
                                       "en",
                                       "1998-03-01",
                                       NULL,
                                       0};
    char text[512], added[32], earlier[32];
    xmlNodePtr root, entry, link;

    ms_test_next_second();
    write_documents(index_path, &late, 1);
    added_of(added, sizeof(added), "late-1998");
    added_of(earlier, sizeof(earlier), "ws-001");
    cr_assert_gt(strcmp(added, earlier), 0, "late-1998 added %s, ws-001 %s", added,
                 earlier);
    cr_assert_eq(request_as(NULL, "GET", "/feed", "q=trafficking&sort=relevance"), 200);
    cr_assert_null(response.json);
    cr_assert_eq(worker.hits, 3);
    root = parse_feed();
    cr_assert_str_eq(child_text(text, sizeof(text), root, "title"),
                     "migsearch: trafficking");
    cr_assert_str_eq(child_text(text, sizeof(text), root, "id"),
                     "tag:migsearch,2026:search?q=trafficking");
    /* The feed is as new as its latest addition. */
    cr_assert_str_eq(child_text(text, sizeof(text), root, "updated"), added);
    link = child(root, "link", 0);
    cr_assert_not_null(link);
    cr_assert_str_eq(attribute(text, sizeof(text), link, "rel"), "self");
    cr_assert_str_eq(attribute(text, sizeof(text), link, "href"), "/feed?q=trafficking");
    /* And the same search on the page. */
    link = child(root, "link", 1);
    cr_assert_not_null(link);
    cr_assert_str_eq(attribute(text, sizeof(text), link, "rel"), "alternate");
    cr_assert_str_eq(attribute(text, sizeof(text), link, "type"), "text/html");
    cr_assert_str_eq(attribute(text, sizeof(text), link, "href"), "/?q=trafficking");
    cr_assert_not_null(child(child(root, "author", 0), "name", 0));

    /* Latest added first, whatever 'sort' said: the 1998 report leads. */
    entry = child(root, "entry", 0);
    cr_assert_not_null(entry);
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "title"),
                     "Trafficking report found late");
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "id"),
                     "tag:migsearch,2026:doc/late-1998");
    assert_entry_links_page(root, 0, "late-1998");
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "updated"), added);
    child_text(text, sizeof(text), entry, "summary");
    cr_assert_not_null(strstr(text, "trafficking"), "summary: %s", text);
    cr_assert_null(strstr(text, "<mark>"), "summary keeps the markup: %s", text);
    /* Then the two added together before it, when they were added. */
    for (size_t i = 1; i <= 2; i++) {
        char id[sizeof(text)];

        entry = child(root, "entry", i);
        cr_assert_not_null(entry);
        child_text(text, sizeof(text), entry, "id");
        cr_assert(strcmp(text, "tag:migsearch,2026:doc/ws-001") == 0 ||
                      strcmp(text, "tag:migsearch,2026:doc/rec-001") == 0,
                  "entry %zu is %s", i, text);
        snprintf(id, sizeof(id), "%s", text + strlen("tag:migsearch,2026:doc/"));
        assert_entry_links_page(root, i, id);
        added_of(earlier, sizeof(earlier), id);
        cr_assert_str_eq(child_text(text, sizeof(text), entry, "updated"), earlier);
    }
    cr_assert_null(child(root, "entry", 3));
}

Test(feed, names_its_filters_and_escapes_everything)
{
    static const ms_field_t fields[] = {{"type", "report"}, {"country", "Kazakhstan"}};
    static const ms_document_t odd = {"odd&<id>",
                                      "Fish & <Chips> \"quoted\" \x01"
                                      "bell\xff",
                                      "fish & chips <b>x</b>",
                                      "en",
                                      NULL,
                                      fields,
                                      2};
    char text[512], added[32];
    xmlNodePtr root, entry;

    write_documents(index_path, &odd, 1);
    cr_assert_eq(request_as(NULL, "GET", "/feed",
                            "q=fish&country=Kazakhstan&lang=en&from=2001&to=2009-12"),
                 200);
    root = parse_feed();
    cr_assert_str_eq(child_text(text, sizeof(text), root, "title"),
                     "migsearch: fish country=Kazakhstan lang=en from=2001 to=2009-12");
    cr_assert_str_eq(child_text(text, sizeof(text), root, "id"),
                     "tag:migsearch,2026:search?q=fish&country=Kazakhstan&lang=en&from="
                     "2001&to=2009-12");
    /* Undated only: the date range leaves nothing. */
    cr_assert_null(child(root, "entry", 0));

    cr_assert_eq(request_as(NULL, "GET", "/feed", "q=fish"), 200);
    root = parse_feed();
    entry = child(root, "entry", 0);
    cr_assert_not_null(entry);
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "title"),
                     "Fish & <Chips> \"quoted\" bell\xef\xbf\xbd");
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "id"),
                     "tag:migsearch,2026:doc/odd%26%3Cid%3E");
    /* Undated, but added: when it was added. */
    assert_entry_links_page(root, 0, "odd%26%3Cid%3E");
    cr_assert_str_eq(child_text(text, sizeof(text), entry, "updated"),
                     added_of(added, sizeof(added), "odd%26%3Cid%3E"));
    child_text(text, sizeof(text), entry, "summary");
    cr_assert_not_null(strstr(text, "fish & chips <b>x</b>"), "summary: %s", text);
}

Test(feed, of_everything_when_nothing_is_asked)
{
    char text[256], first[64];
    xmlNodePtr root;
    size_t n = 0;

    cfg->search.feed_size = 3;
    cr_assert_eq(request_as(NULL, "HEAD", "/feed", NULL), 200);
    cr_assert_eq(request_as(NULL, "GET", "/feed", NULL), 200);
    root = parse_feed();
    cr_assert_str_eq(child_text(text, sizeof(text), root, "title"),
                     "migsearch: all documents");
    /* All were added together: the feed is as new as they are. */
    cr_assert_str_eq(
        child_text(text, sizeof(text), root, "updated"),
        child_text(first, sizeof(first), child(root, "entry", 0), "updated"));
    while (child(root, "entry", n) != NULL)
        n++;
    cr_assert_eq(n, 3);
}

Test(feed, rejects_what_search_rejects)
{
    assert_bad_parameter(request("GET", "/feed", "page=2"), "page");
    assert_bad_parameter(request("GET", "/feed", "per_page=2"), "per_page");
    assert_bad_parameter(request("GET", "/feed", "facets=0"), "facets");
    assert_bad_parameter(request("GET", "/feed", "from=2001-13"), "from");
    assert_bad_parameter(request("GET", "/feed", "sort=random"), "sort");
    assert_bad_parameter(request("GET", "/feed", "foo=1"), "foo");
    assert_error(request("GET", "/feed", "q=%zz"), 400, "bad_request");
}

Test(feed, helpers_convert_dates_and_snippets)
{
    char date[32];
    char *text;

    cr_assert(ms_feed_rfc3339(date, sizeof(date), "2003"));
    cr_assert_str_eq(date, "2003-01-01T00:00:00Z");
    cr_assert(ms_feed_rfc3339(date, sizeof(date), "2003-07"));
    cr_assert_str_eq(date, "2003-07-01T00:00:00Z");
    cr_assert(ms_feed_rfc3339(date, sizeof(date), "2003-07-09"));
    cr_assert_str_eq(date, "2003-07-09T00:00:00Z");
    cr_assert_not(ms_feed_rfc3339(date, sizeof(date), NULL));
    cr_assert_str_eq(date, "1970-01-01T00:00:00Z");
    cr_assert_not(ms_feed_rfc3339(date, sizeof(date), "2003-7"));
    cr_assert_not(ms_feed_rfc3339(date, sizeof(date), "<script>"));
    /* Cut short: not usable, and still a terminated string. */
    cr_assert_not(ms_feed_rfc3339(date, 20, "2003-07-09"));
    cr_assert_str_eq(date, "2003-07-09T00:00:00");

    text =
        ms_escape_snippet_text("a <mark>b</mark> &amp; c &lt;d&gt; &quot;e&#39; &#x263A; "
                               "&#1; &bogus; & <unclosed");
    cr_assert_not_null(text);
    cr_assert_str_eq(text, "a b & c <d> \"e' \xe2\x98\xba  &bogus; & ");
    free(text);

    text = ms_escape_xml("<a href='x'>&\"\x01\t\xef\xbf\xbe\xc3\xa9\xff</a>");
    cr_assert_not_null(text);
    cr_assert_str_eq(
        text, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\t\xc3\xa9\xef\xbf\xbd&lt;/a&gt;");
    free(text);
}

Test(feed, needs_an_index)
{
    ms_worker_fini(&worker);
    use_index_path("/nonexistent/migsearch/index");
    ms_worker_init(&worker, cfg);
    assert_error(request("GET", "/feed", NULL), 503, "no_index");
    assert_error(request("GET", "/suggest", "q=a"), 503, "no_index");
    assert_error(request("GET", "/similar/rec-001", NULL), 503, "no_index");
    assert_error(request("GET", "/doc/rec-001/file", NULL), 503, "no_index");
}
