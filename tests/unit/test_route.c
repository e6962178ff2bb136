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
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ms_fcgi.h"

static char tmpdir[64];
static char index_path[128];
static ms_config_t *cfg;
static ms_worker_t worker;
static json_t *body;

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
    ms_worker_init(&worker, cfg);
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

static void
teardown(void)
{
    json_decref(body);
    body = NULL;
    ms_worker_fini(&worker);
    ms_config_free(cfg);
    cfg = NULL;
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run one request; the body lands in the global 'body' (freed by the next
 * call or by teardown). */
static int
request(const char *method, const char *path, const char *query)
{
    ms_request_t req = {method, path, query, "test-id", NULL};
    int status;

    json_decref(body);
    body = NULL;
    status = ms_route(&body, &worker, &req);
    cr_assert_not_null(body, "%s %s?%s gave no body", method, path, query ? query : "");
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
    static const char *const keys[] = {
        "id",     "title",  "type",   "date",     "process", "meeting", "countries",
        "themes", "status", "symbol", "language", "score",   "snippet", "extra"};
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
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(hit, "extra"), "source")),
        "ikd");
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

Test(route, rejects_raw_invalid_utf8)
{
    assert_error(search("q=caf\xe9"), 400, "bad_request");
}

Test(route, rejects_overlong_query)
{
    size_t size = 1024 * 1024;
    char *query = malloc(size + 3);

    cr_assert_not_null(query);
    memcpy(query, "q=", 2);
    memset(query + 2, 'a', size);
    query[size + 2] = '\0';
    cr_assert_not_null(strstr(assert_error(search(query), 400, "bad_request"), "'q'"));
    free(query);

    /* Exactly the limit is fine. */
    query = malloc(1024 + 3);
    cr_assert_not_null(query);
    memcpy(query, "q=", 2);
    memset(query + 2, 'a', 1024);
    query[1024 + 2] = '\0';
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
        "/doc/%0a",     "/doc/%zz", "/doc/%ff",   "/doc/rec-001/", "/doc/..%2f..%2fetc",
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
    cr_assert(ms_request_utf8_valid("", 0));
    cr_assert(ms_request_utf8_valid("plain", 5));
    cr_assert(ms_request_utf8_valid("\xc3\xa9", 2));
    cr_assert(ms_request_utf8_valid("\xe2\x82\xac", 3));
    cr_assert(ms_request_utf8_valid("\xf0\x9f\x98\x80", 4));
    cr_assert(ms_request_utf8_valid("\xf4\x8f\xbf\xbf", 4));
    cr_assert_not(ms_request_utf8_valid("\xc3", 1));
    cr_assert_not(ms_request_utf8_valid("\x80", 1));
    cr_assert_not(ms_request_utf8_valid("\xc0\xaf", 2));
    cr_assert_not(ms_request_utf8_valid("\xe0\x80\xaf", 3));
    cr_assert_not(ms_request_utf8_valid("\xed\xa0\x80", 3));
    cr_assert_not(ms_request_utf8_valid("\xf4\x90\x80\x80", 4));
    cr_assert_not(ms_request_utf8_valid("\xf8\x88\x80\x80\x80", 5));
    cr_assert_not(ms_request_utf8_valid("\xe2\x82", 2));
}

Test(params, utf8_repair_replaces_bad_bytes)
{
    char *fixed = ms_request_utf8_repair("a\xffz\xc3\xa9\xe2\x82");

    cr_assert_not_null(fixed);
    cr_assert_str_eq(fixed, "a\xef\xbf\xbdz\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd");
    free(fixed);
}

Test(params, document_json_survives_invalid_utf8)
{
    static const ms_field_t fields[] = {{"theme", "bad\xff"}, {"od\xffname", "v"}};
    ms_document_t doc = {"x", "T\xe9l\xe9", NULL, NULL, NULL, fields, 2};
    json_t *object = ms_route__document_json(&doc);

    cr_assert_not_null(object);
    cr_assert_str_eq(json_string_value(json_object_get(object, "title")),
                     "T\xef\xbf\xbdl\xef\xbf\xbd");
    cr_assert_eq(json_array_size(json_object_get(object, "themes")), 1);
    cr_assert_eq(json_object_size(json_object_get(object, "extra")), 1);
    cr_assert(json_is_null(json_object_get(object, "date")));
    json_decref(object);
}
