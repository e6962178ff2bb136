/* test_fragment.c - GET /fragment: results as an HTML fragment for SSI
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test writes a small real index in a temporary directory and drives
 * ms_route() with plain ms_request_t values, as test_route.c does. Every
 * fragment a test receives also goes through assert_embeddable(), a small
 * scanner that accepts only the tags and attributes the fragment may use,
 * "ms-" classes, and '&' only as the start of a character reference: a
 * hostile title or query that got through unescaped fails it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "embeddable.h"
#include "ms_route.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char index_path[PATH_MAX];
static ms_config_t *cfg;
static ms_worker_t worker;
static ms_response_t response;
static const char *html; /* response.text, borrowed */

static const ms_field_t rec1_fields[] = {
    {"type", "recommendation"},      {"country", "Kyrgyzstan"},
    {"theme", "trafficking"},        {"process", "Issyk-Kul Dialogue"},
    {"meeting", "ikd-2001-bishkek"},
};
static const ms_field_t ws1_fields[] = {
    {"type", "workshop"},
    {"country", "Kazakhstan"},
    {"meeting", "ikd-2005-almaty"},
};
static const ms_field_t rep1_fields[] = {
    {"type", "report"},
};
/* Markup and quotes in every field the fragment shows. */
static const ms_field_t evil_fields[] = {
    {"type", "<b>bold</b>"},
    {"process", "\"><img src=x>"},
    {"meeting", "a&b 'c'"},
};
static const ms_field_t canary_fields[] = {
    {"type", "report"},
    {"access", "board"},
};

static const ms_document_t documents[] = {
    {"rec-001", "Protection of migrant workers",
     "Governments should protect migrant workers from trafficking and abuse.", "en",
     "2001-05-10", rec1_fields, sizeof(rec1_fields) / sizeof(rec1_fields[0])},
    {"ws-001", "Workshop on border management",
     "Border management training for officials and trafficking prevention.", "en",
     "2005-02", ws1_fields, sizeof(ws1_fields) / sizeof(ws1_fields[0])},
    {"rep-001", "Rapport sur la migration", "Rapport annuel sur la migration de travail.",
     "fr", "2007-11-01", rep1_fields, sizeof(rep1_fields) / sizeof(rep1_fields[0])},
    {"ar-001", "\xd8\xa7\xd9\x84\xd9\x87\xd8\xac\xd8\xb1\xd8\xa9",
     "zebrafinch \xd8\xa7\xd9\x84\xd9\x87\xd8\xac\xd8\xb1\xd8\xa9", "ar", "2010", NULL,
     0},
    {"evil\"<'&>", "<script>alert(\"x\")</script> & 'co'",
     "zebracorn <script>alert(1)</script> & \"quotes\" <mark>fake</mark>", "en", "2011",
     evil_fields, sizeof(evil_fields) / sizeof(evil_fields[0])},
    {"pdf-001", "Annual report",
     "The first page says nothing.\fThe second page is about zanzibar cloves.\fEnd.",
     "en", "2009", NULL, 0},
    {"canary-001", "Board minutes zqxcanary", "Confidential zqxcanary minutes.", "en",
     "2024-01-15", canary_fields, sizeof(canary_fields) / sizeof(canary_fields[0])},
};
#define N_DOCUMENTS (sizeof(documents) / sizeof(documents[0]))
#define N_PUBLIC (N_DOCUMENTS - 1)

static void
write_documents(const char *path, bool spelling)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;

    cr_assert_eq(ms_index_open(&idx, path, MS_INDEX_WRITE, &err), MS_INDEX_OK, "open: %s",
                 err.text);
    if (spelling)
        cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    for (size_t i = 0; i < N_DOCUMENTS; i++)
        cr_assert_eq(ms_index_put(idx, &documents[i]), MS_INDEX_OK, "put %s: %s",
                     documents[i].id, ms_index_errmsg(idx));
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static void
setup_config(void)
{
    ms_test_tmpdir(tmpdir, "ms_test_fragment");
    ms_test_path_join(index_path, sizeof(index_path), tmpdir, "index");
    cr_assert_eq(ms_config_defaults(&cfg), 0);
    free(cfg->index.path);
    cfg->index.path = strdup(index_path);
    cr_assert_not_null(cfg->index.path);
    cfg->search.per_page = 10;
    cfg->search.max_per_page = 100;
    cfg->search.max_page = 1000;
    cfg->search.max_query_length = 1024;
    cfg->search.snippet_length = 80;
    cfg->search.snippets = 3;
    ms_worker_init(&worker, cfg);
    memset(&response, 0, sizeof(response));
    html = NULL;
}

static void
setup(void)
{
    setup_config();
    write_documents(index_path, true);
}

static void
teardown(void)
{
    ms_response_free(&response);
    html = NULL;
    ms_worker_fini(&worker);
    ms_config_free(cfg);
    cfg = NULL;
    ms_test_remove_tree(tmpdir);
}

/* Fail unless 'text' is a fragment fit to embed (tools/embeddable.h). */
static void
assert_embeddable(const char *text)
{
    char why[128];

    cr_assert(ms_test_embeddable(text, why, sizeof(why)), "%s in:\n%s", why, text);
}

/* GET /fragment?'query' as the viewer with MS_GROUPS 'groups'; the text
 * lands in 'html'. Every answer must be an embeddable HTML fragment. */
static int
fragment_as(const char *groups, const char *query)
{
    ms_request_t req = {"GET", "/fragment", query, "test-id", NULL, groups, NULL};
    int status;

    ms_response_free(&response);
    status = ms_route(&response, &worker, &req);
    cr_assert_eq(status, response.status);
    cr_assert_null(response.json, "a JSON body for /fragment?%s", query ? query : "");
    cr_assert_not_null(response.text, "no body for /fragment?%s", query ? query : "");
    cr_assert_str_eq(response.content_type, "text/html; charset=utf-8");
    cr_assert_eq(strlen(response.text), response.text_length);
    html = response.text;
    assert_embeddable(html);
    return status;
}

static int
fragment(const char *query)
{
    return fragment_as(NULL, query);
}

static unsigned
count(const char *haystack, const char *needle)
{
    unsigned n = 0;

    for (const char *p = strstr(haystack, needle); p != NULL;
         p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

static void
assert_contains(const char *needle)
{
    cr_assert_not_null(strstr(html, needle), "'%s' not in:\n%s", needle, html);
}

static void
assert_lacks(const char *needle)
{
    cr_assert_null(strstr(html, needle), "'%s' in:\n%s", needle, html);
}

TestSuite(fragment, .init = setup, .fini = teardown);

Test(fragment, lists_the_results_of_a_query)
{
    cr_assert_eq(fragment("q=trafficking"), 200);
    cr_assert(strncmp(html,
                      "<section class=\"ms-results\" aria-label=\"Search results\">",
                      56) == 0,
              "%s", html);
    cr_assert_eq(strcmp(html + strlen(html) - 11, "</section>\n"), 0, "%s", html);
    assert_contains("<p class=\"ms-count\">2 results</p>");
    assert_contains("<ol class=\"ms-list\" start=\"1\">");
    cr_assert_eq(count(html, "<li class=\"ms-result\""), 2);
    assert_contains("<li class=\"ms-result\" lang=\"en\">");
    assert_contains(
        "<h2 class=\"ms-title\"><a href=\"/?doc=rec-001\" dir=\"auto\">Protection of "
        "migrant workers</a></h2>");
    assert_contains("<p class=\"ms-meta\">recommendation \xC2\xB7 2001-05-10 \xC2\xB7 "
                    "Issyk-Kul Dialogue \xC2\xB7 ikd-2001-bishkek</p>");
    assert_contains("<p class=\"ms-meta\">workshop \xC2\xB7 2005-02 \xC2\xB7 "
                    "ikd-2005-almaty</p>");
    assert_contains("<p class=\"ms-snippet\" dir=\"auto\">");
    assert_contains("<mark>trafficking</mark>");
    /* One page of results: no page links. */
    assert_lacks("<nav");
    assert_lacks("ms-did-you-mean");
    cr_assert_eq(worker.hits, 2);
}

Test(fragment, one_result_is_singular)
{
    cr_assert_eq(fragment("q=zanzibar"), 200);
    assert_contains("<p class=\"ms-count\">1 result</p>");
    /* A PDF snippet links to its page of the original file. */
    assert_contains("<mark>zanzibar</mark>");
    assert_contains("<a class=\"ms-page-link\" href=\"/doc/pdf-001/file#page=2\">page "
                    "2</a>");
}

Test(fragment, arabic_results_carry_their_language)
{
    cr_assert_eq(fragment("q=zebrafinch"), 200);
    assert_contains("<li class=\"ms-result\" lang=\"ar\">");
    assert_contains("<a href=\"/?doc=ar-001\" dir=\"auto\">"
                    "\xd8\xa7\xd9\x84\xd9\x87\xd8\xac\xd8\xb1\xd8\xa9</a>");
}

Test(fragment, hostile_documents_are_escaped)
{
    cr_assert_eq(fragment("q=zebracorn"), 200);
    assert_contains("<p class=\"ms-count\">1 result</p>");
    assert_contains("<a href=\"/?doc=evil%22%3C%27%26%3E\" dir=\"auto\">"
                    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                    "&#39;co&#39;</a>");
    assert_contains("<p class=\"ms-meta\">&lt;b&gt;bold&lt;/b&gt; \xC2\xB7 2011 \xC2\xB7 "
                    "&quot;&gt;&lt;img src=x&gt; \xC2\xB7 a&amp;b &#39;c&#39;</p>");
    /* The body's markup is text in the snippet; only the index's own
     * highlighting is markup. */
    assert_contains("<mark>zebracorn</mark>");
    assert_contains("&lt;script&gt;");
    assert_lacks("<mark>fake</mark>");
    assert_lacks("<script");
    assert_lacks("<img");
    assert_lacks("<b>");
}

Test(fragment, hostile_queries_are_escaped)
{
    /* The filter keeps out the hostile document, whose text matches. */
    cr_assert_eq(fragment("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&type=workshop"), 200);
    assert_contains(
        "Nothing was found for <q>&lt;script&gt;alert(1)&lt;/script&gt;</q>.");
    assert_lacks("<script");
    /* With results, the query is only in links: encoded, then escaped. */
    cr_assert_eq(fragment("q=%3Cscript%3Etrafficking%3C%2Fscript%3E&per_page=1"), 200);
    assert_contains("href=\"?q=%3Cscript%3Etrafficking%3C%2Fscript%3E&amp;per_page=1&amp;"
                    "page=2\">Next page</a>");
    assert_lacks("<script");

    cr_assert_eq(fragment("q=%22%3E%3Cb%3E%27%26"), 200);
    assert_contains("<q>&quot;&gt;&lt;b&gt;&#39;&amp;</q>");
    assert_lacks("<b>");
}

Test(fragment, page_links_carry_the_query_escaped)
{
    /* Quotes, '<', '&' and a non-ASCII letter in q, a filter, and one
     * result per page: two pages. */
    cr_assert_eq(
        fragment("q=trafficking+%27%3C%26%22%C3%A9&country=Kyrgyzstan&country=Kazakhstan"
                 "&per_page=1"),
        200);
    assert_contains("<p class=\"ms-count\">2 results</p>");
    assert_contains("<nav class=\"ms-pages\" aria-label=\"Pages\">");
    assert_contains("<span class=\"ms-page\">Page 1 of 2</span>");
    assert_lacks("Previous page");
    assert_contains(
        "<a class=\"ms-next\" rel=\"next\" href=\"?q=trafficking%20%27%3C%26%22"
        "%C3%A9&amp;country=Kyrgyzstan&amp;country=Kazakhstan&amp;per_page=1"
        "&amp;page=2\">Next page</a>");

    cr_assert_eq(
        fragment("q=trafficking+%27%3C%26%22%C3%A9&country=Kyrgyzstan&country=Kazakhstan"
                 "&per_page=1&page=2"),
        200);
    assert_contains("<ol class=\"ms-list\" start=\"2\">");
    cr_assert_eq(count(html, "<li class=\"ms-result\""), 1);
    assert_contains("<span class=\"ms-page\">Page 2 of 2</span>");
    assert_contains(
        "<a class=\"ms-prev\" rel=\"prev\" href=\"?q=trafficking%20%27%3C%26%22"
        "%C3%A9&amp;country=Kyrgyzstan&amp;country=Kazakhstan&amp;per_page=1"
        "&amp;page=1\">Previous page</a>");
    assert_lacks("Next page");
}

Test(fragment, browsing_everything_pages_without_q)
{
    char expected[64];

    cr_assert_eq(fragment("per_page=2&sort=newest"), 200);
    snprintf(expected, sizeof(expected), "<p class=\"ms-count\">%zu results</p>",
             N_PUBLIC);
    assert_contains(expected);
    assert_contains("href=\"?per_page=2&amp;sort=newest&amp;page=2\">Next page</a>");
    /* Newest first: the 2011 document before the 2010 one. */
    cr_assert(strstr(html, "/?doc=evil") < strstr(html, "/?doc=ar-001"), "%s", html);
}

Test(fragment, page_past_the_end_offers_the_way_back)
{
    cr_assert_eq(fragment("q=trafficking&page=5"), 200);
    assert_contains("<p class=\"ms-count\">2 results</p>");
    assert_contains("There are no results on this page.");
    assert_lacks("<ol");
    assert_contains("href=\"?q=trafficking&amp;page=4\">Previous page</a>");
    assert_lacks("Next page");
}

Test(fragment, suggests_a_correction_linking_back_to_the_page)
{
    cr_assert_eq(fragment("type=workshop&q=trafficing&page=1"), 200);
    assert_contains("<p class=\"ms-did-you-mean\">Did you mean <a "
                    "href=\"?type=workshop&amp;q=trafficking\">trafficking</a>?</p>");
    cr_assert_eq(fragment("q=trafficking"), 200);
    assert_lacks("Did you mean");
}

Test(fragment, no_results_says_so)
{
    cr_assert_eq(fragment("q=qqqxyzzy"), 200);
    assert_contains("<p class=\"ms-count\">0 results</p>");
    assert_contains("<h2 class=\"ms-empty\">No documents match</h2>");
    assert_contains("Nothing was found for <q>qqqxyzzy</q>. Check the spelling");
    assert_contains("remove filters");
    assert_lacks("<ol");
    assert_lacks("<nav");
    cr_assert_eq(worker.hits, 0);
}

Test(fragment, empty_parameters_are_ignored)
{
    /* What an SSI template sends when the page had no such parameter. */
    cr_assert_eq(fragment("q=trafficking&page=&per_page=&sort=&from=&to=&type=&lang"),
                 200);
    assert_contains("<p class=\"ms-count\">2 results</p>");
    cr_assert_eq(fragment("q=&page="), 200);
    assert_contains("results</p>");
    cr_assert_eq(fragment(NULL), 200);
    cr_assert_eq(fragment(""), 200);
    cr_assert_eq(fragment("&&"), 200);
}

Test(fragment, bad_requests_are_400_fragments)
{
    cr_assert_eq(fragment("q=trafficking&page=0"), 400);
    cr_assert_str_eq(html, "<p class=\"ms-error\">The search could not be run: parameter "
                           "&#39;page&#39; must be an integer from 1 to 1000.</p>\n");
    /* The message quotes the parameter name, escaped. */
    cr_assert_eq(fragment("%3Cb%3E=1"), 400);
    cr_assert_str_eq(html, "<p class=\"ms-error\">The search could not be run: unknown "
                           "parameter &#39;&lt;b&gt;&#39;.</p>\n");
    cr_assert_eq(fragment("q=%ZZ"), 400);
    assert_contains("<p class=\"ms-error\">");
    cr_assert_eq(fragment("=x"), 400);
    cr_assert_eq(fragment("q=a&q=b"), 400);
    cr_assert_eq(fragment("from=2010&to=2001"), 400);
    cr_assert_eq(fragment("sort=%22%3E"), 400);
    assert_lacks("\"&gt;");
}

Test(fragment, restricted_documents_stay_invisible_to_anonymous)
{
    static const char *const outsiders[] = {NULL, "", "staff", "boardx"};

    for (size_t i = 0; i < sizeof(outsiders) / sizeof(outsiders[0]); i++) {
        cr_assert_eq(fragment_as(outsiders[i], "q=zqxcanary"), 200);
        assert_contains("<p class=\"ms-count\">0 results</p>");
        assert_lacks("canary-001");
        assert_lacks("Board minutes");
        cr_assert_eq(fragment_as(outsiders[i], "type=report"), 200);
        assert_contains("<p class=\"ms-count\">1 result</p>");
        assert_lacks("canary-001");
    }
    cr_assert_eq(fragment_as("staff, board", "q=zqxcanary"), 200);
    assert_contains("<p class=\"ms-count\">1 result</p>");
    assert_contains("<a href=\"/?doc=canary-001\" dir=\"auto\">Board minutes "
                    "zqxcanary</a>");
}

Test(fragment, head_is_answered_like_get)
{
    ms_request_t req = {"HEAD", "/fragment", "q=trafficking", "id", NULL, NULL, NULL};

    cr_assert_eq(ms_route(&response, &worker, &req), 200);
    cr_assert_str_eq(response.content_type, "text/html; charset=utf-8");
}

TestSuite(fragment_no_index, .init = setup_config, .fini = teardown);

Test(fragment_no_index, no_index_is_a_503_fragment)
{
    cr_assert_eq(fragment("q=trafficking"), 503);
    cr_assert_str_eq(html, "<p class=\"ms-error\">The search service is not available "
                           "right now. Please try again in a few minutes.</p>\n");
    cr_assert_null(strstr(html, tmpdir), "the fragment reveals the path");
    cr_assert_neq(worker.detail[0], '\0', "no detail for the log");
}

Test(fragment_no_index, bad_requests_are_400_even_without_index)
{
    cr_assert_eq(fragment("page=x"), 400);
    assert_contains("<p class=\"ms-error\">The search could not be run:");
}
