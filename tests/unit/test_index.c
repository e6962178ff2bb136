/* test_index.c - unit tests of the ms_index C API (the Xapian shim)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The shim is tested only through ms_index.h, from C. Each test gets a
 * fresh directory from mkdtemp under /tmp, removed again in .fini.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_index.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-index");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(index, .init = setup, .fini = teardown);

static ms_index_t *
open_index(ms_index_mode_t mode)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, dbpath, mode, &err);
    cr_assert_eq(status, MS_INDEX_OK, "open: %s", err.text);
    cr_assert_not_null(idx);
    return idx;
}

static void
put(ms_index_t *idx, const char *id, const char *title, const char *body,
    const char *language, const char *date, const ms_field_t *fields, size_t n_fields)
{
    ms_document_t doc = {id, title, body, language, date, fields, n_fields};
    ms_index_status_t status = ms_index_put(idx, &doc);
    cr_assert_eq(status, MS_INDEX_OK, "put %s: %s", id, ms_index_errmsg(idx));
}

static void
commit(ms_index_t *idx)
{
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
}

/* Run a search that must succeed. */
static ms_results_t *
find(ms_index_t *idx, const char *query, const char *language, const ms_field_t *filters,
     size_t n_filters, unsigned snippet_length)
{
    ms_search_t search = {.query = query,
                          .language = language,
                          .filters = filters,
                          .n_filters = n_filters,
                          .limit = 20,
                          .snippet_length = snippet_length};
    ms_results_t *results = NULL;
    ms_index_status_t status = ms_index_search(&results, idx, &search);
    cr_assert_eq(status, MS_INDEX_OK, "search '%s': %s", query ? query : "(null)",
                 ms_index_errmsg(idx));
    cr_assert_not_null(results);
    return results;
}

static int
has_hit(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++) {
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return 1;
    }
    return 0;
}

static unsigned long
doc_count(ms_index_t *idx)
{
    ms_index_info_t info;
    cr_assert_eq(ms_index_info(&info, idx), MS_INDEX_OK);
    return info.doc_count;
}

/* Three documents for the filter and paging tests. */
static void
put_three(ms_index_t *idx)
{
    ms_field_t f1[] = {
        {"country", "Kyrgyzstan"}, {"theme", "Trafficking"}, {"type", "report"}};
    ms_field_t f2[] = {
        {"country", "Tajikistan"}, {"theme", "trafficking"}, {"type", "report"}};
    ms_field_t f3[] = {
        {"country", "KYRGYZSTAN"}, {"theme", "remittances"}, {"type", "workshop"}};
    put(idx, "d1", "Border cooperation", "Migration and border management.", "en",
        "2001-05-14", f1, 3);
    put(idx, "d2", "Labour migration", "Migration of workers abroad.", "en", "2003", f2,
        3);
    put(idx, "d3", "Remittances", "Migration and household remittances.", "ru", "2001-09",
        f3, 3);
}

Test(index, put_commit_search_finds_document_with_snippet)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    put(writer, "rec-1", "Labour migration",
        "States should protect migrant workers from abuse.", "en", "2001-05-14", NULL, 0);
    commit(writer);

    ms_index_t *reader = open_index(MS_INDEX_READ);
    ms_results_t *results = find(reader, "migrants", "en", NULL, 0, 200);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_eq(results->estimate, 1);
    cr_assert_eq(results->plain_words, 0);
    const ms_hit_t *hit = &results->hits[0];
    cr_assert_str_eq(hit->doc.id, "rec-1");
    cr_assert_str_eq(hit->doc.title, "Labour migration");
    cr_assert_str_eq(hit->doc.date, "2001-05-14");
    cr_assert_null(hit->doc.body, "hits carry no body");
    cr_assert_gt(hit->score, 0.0);
    cr_assert_gt(hit->percent, 0);
    cr_assert_not_null(hit->snippet);
    cr_assert_not_null(strstr(hit->snippet, "<mark>migrant</mark>"), "snippet: %s",
                       hit->snippet);
    ms_results_free(results);

    results = find(reader, "migrants", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_null(results->hits[0].snippet, "no snippet unless asked for");
    ms_results_free(results);

    ms_index_close(reader);
    ms_index_close(writer);
}

Test(index, empty_query_matches_everything)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_three(idx);
    commit(idx);
    ms_results_t *results = find(idx, "", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 3);
    ms_results_free(results);
    results = find(idx, NULL, NULL, NULL, 0, 0);
    cr_assert_eq(results->n_hits, 3);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, title_match_outranks_body_match)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "body", "Labour mobility",
        "Regional cooperation on trafficking and border management policies.", "en", NULL,
        NULL, 0);
    put(idx, "title", "Trafficking in persons",
        "Regional cooperation on labour mobility and border management policies.", "en",
        NULL, NULL, 0);
    commit(idx);

    ms_results_t *results = find(idx, "trafficking", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 2);
    cr_assert_str_eq(results->hits[0].doc.id, "title");
    cr_assert_gt(results->hits[0].score, results->hits[1].score);
    ms_results_free(results);

    /* title: searches the title only. */
    results = find(idx, "title:trafficking", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "title");
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, put_same_id_replaces_document)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "rec-1", NULL, "alpha text about asylum", "en", NULL, NULL, 0);
    commit(idx);
    put(idx, "rec-1", NULL, "beta text about visas", "en", NULL, NULL, 0);
    commit(idx);

    cr_assert_eq(doc_count(idx), 1);
    ms_results_t *results = find(idx, "beta", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    results = find(idx, "alpha", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_eq(results->estimate, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, delete_removes_document)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "keep", NULL, "asylum procedures", "en", NULL, NULL, 0);
    put(idx, "gone", NULL, "asylum reception", "en", NULL, NULL, 0);
    commit(idx);
    cr_assert_eq(ms_index_delete(idx, "gone"), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    commit(idx);

    cr_assert_eq(doc_count(idx), 1);
    ms_results_t *results = find(idx, "asylum", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "keep");
    ms_results_free(results);

    cr_assert_eq(ms_index_delete(idx, "gone"), MS_INDEX_NOT_FOUND);
    cr_assert_neq(ms_index_errmsg(idx)[0], '\0');
    cr_assert_eq(ms_index_delete(idx, "never-there"), MS_INDEX_NOT_FOUND);
    cr_assert_eq(ms_index_delete(idx, ""), MS_INDEX_NOT_FOUND);
    ms_index_close(idx);
}

Test(index, get_returns_fields_in_order_and_body)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    ms_field_t fields[] = {{"country", "Kyrgyzstan"},
                           {"theme", "trafficking"},
                           {"country", "Tajikistan"},
                           {"source_file", "ikd/2001/recs.yaml"}};
    put(idx, "rec-7", "Title \xc3\xa9t\xc3\xa9", "Body\nwith\ttabs and \"quotes\".", "fr",
        "2001-05", fields, 4);
    put(idx, "bare", NULL, NULL, NULL, NULL, NULL, 0);
    commit(idx);

    ms_index_t *reader = open_index(MS_INDEX_READ);
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, reader, "rec-7"), MS_INDEX_OK, "%s",
                 ms_index_errmsg(reader));
    cr_assert_not_null(doc);
    cr_assert_str_eq(doc->id, "rec-7");
    cr_assert_str_eq(doc->title, "Title \xc3\xa9t\xc3\xa9");
    cr_assert_str_eq(doc->body, "Body\nwith\ttabs and \"quotes\".");
    cr_assert_str_eq(doc->language, "fr");
    cr_assert_str_eq(doc->date, "2001-05");
    /* The time the index first saw it, then the fields as given. */
    cr_assert_eq(doc->n_fields, 5);
    cr_assert_str_eq(doc->fields[0].name, "added");
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(doc->fields[i + 1].name, fields[i].name);
        cr_assert_str_eq(doc->fields[i + 1].value, fields[i].value);
    }
    ms_document_free(doc);

    doc = NULL;
    cr_assert_eq(ms_index_get(&doc, reader, "bare"), MS_INDEX_OK);
    cr_assert_str_eq(doc->id, "bare");
    cr_assert_null(doc->title);
    cr_assert_null(doc->body);
    cr_assert_null(doc->language);
    cr_assert_null(doc->date);
    cr_assert_eq(doc->n_fields, 1);
    cr_assert_str_eq(doc->fields[0].name, "added");
    ms_document_free(doc);

    doc = (ms_document_t *)1;
    cr_assert_eq(ms_index_get(&doc, reader, "missing"), MS_INDEX_NOT_FOUND);
    cr_assert_null(doc);
    cr_assert_neq(ms_index_errmsg(reader)[0], '\0');
    ms_document_free(NULL);

    ms_index_close(reader);
    ms_index_close(idx);
}

Test(index, filters_or_within_field_and_across_fields)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_three(idx);
    commit(idx);

    /* Case-folded: stored "Kyrgyzstan" and "KYRGYZSTAN" both match. */
    ms_field_t one[] = {{"country", "kyrgyzstan"}};
    ms_results_t *results = find(idx, NULL, "en", one, 1, 0);
    cr_assert_eq(results->n_hits, 2);
    cr_assert(has_hit(results, "d1") && has_hit(results, "d3"));
    ms_results_free(results);

    /* OR within country, AND with theme. */
    ms_field_t both[] = {
        {"country", "KYRGYZSTAN"}, {"theme", "TRAFFICKING"}, {"country", "tajikistan"}};
    results = find(idx, "migration", "en", both, 3, 0);
    cr_assert_eq(results->n_hits, 2);
    cr_assert(has_hit(results, "d1") && has_hit(results, "d2"));
    ms_results_free(results);

    ms_field_t years[] = {{"year", "2001"}, {"type", "Report"}};
    results = find(idx, NULL, "en", years, 2, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "d1");
    ms_results_free(results);

    ms_field_t langs[] = {{"language", "RU"}, {"lang", "xx"}};
    results = find(idx, NULL, "en", langs, 2, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "d3");
    ms_results_free(results);

    /* The same fields as prefixes inside the query string. */
    results = find(idx, "country:KYRGYZSTAN theme:Trafficking", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "d1");
    ms_results_free(results);

    results = find(idx, "household year:2001 lang:ru", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "d3");
    ms_results_free(results);

    ms_index_close(idx);
}

Test(index, unknown_filter_is_bad_query)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_three(idx);
    commit(idx);
    ms_field_t filters[] = {{"country", "kyrgyzstan"}, {"colour", "red"}};
    ms_search_t search = {.query = "migration",
                          .language = "en",
                          .filters = filters,
                          .n_filters = 2,
                          .limit = 10};
    ms_results_t *results = (ms_results_t *)1;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_BAD_QUERY);
    cr_assert_null(results);
    cr_assert_str_eq(ms_index_errmsg(idx), "unknown filter field 'colour'");

    /* A stored-only field name is not filterable either. */
    ms_field_t stored[] = {{"source_file", "x"}};
    search.filters = stored;
    search.n_filters = 1;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_BAD_QUERY);
    ms_index_close(idx);
}

Test(index, french_document_found_by_inflected_form)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "fr-1", "Politiques migratoires",
        "Les autorit\xc3\xa9s nationales prot\xc3\xa8gent les travailleurs.", "fr", NULL,
        NULL, 0);
    commit(idx);

    ms_results_t *results = find(idx, "nationale", "fr", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "fr-1");
    ms_results_free(results);

    results = find(idx, "travailleur", "fr", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    /* Without the French stemmer the inflected form does not match. */
    results = find(idx, "nationale", "xx", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, only_upper_case_operators_are_operators)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "done", NULL, "the plan was implemented", "en", NULL, NULL, 0);
    put(idx, "pending", NULL, "the plan was not implemented", "en", NULL, NULL, 0);
    commit(idx);

    /* A sentence: "not" is a word, and the document that has it ranks first. */
    ms_results_t *results = find(idx, "not implemented", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 2);
    cr_assert_str_eq(results->hits[0].doc.id, "pending");
    ms_results_free(results);

    /* The operator: documents with "not" are excluded. */
    results = find(idx, "implemented NOT not", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "done");
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, syntax_error_falls_back_to_plain_words)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "a", NULL, "rights and duties or obligations", "en", NULL, NULL, 0);
    commit(idx);

    ms_results_t *results = find(idx, "AND OR (", "en", NULL, 0, 0);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    results = find(idx, "rights AND", "en", NULL, 0, 0);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    results = find(idx, "rights AND duties", "en", NULL, 0, 0);
    cr_assert_eq(results->plain_words, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    /* Too long to be typed by a person: over max_bytes (0: the default of
     * ms_limits.h, 1024), whatever the server's own limit. Not refused:
     * cut to its first words and searched as plain words, here "duties"
     * (the rest are stop words). */
    char *long_query = malloc(5000);
    cr_assert_not_null(long_query);
    strcpy(long_query, "duties ");
    for (size_t i = 7; i < 4999; i++)
        long_query[i] = "(a OR "[i % 6];
    long_query[4999] = '\0';
    ms_search_t too_long = {.query = long_query, .language = "en", .limit = 10};
    results = NULL;
    ms_index_status_t status = ms_index_search(&results, idx, &too_long);
    free(long_query);
    cr_assert_eq(status, MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1, "its first word is searched");
    ms_results_free(results);

    /* Nothing searchable at all. */
    ms_search_t search = {.query = "( ) \"", .language = "en", .limit = 10};
    results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_BAD_QUERY);
    cr_assert_null(results);
    cr_assert_neq(ms_index_errmsg(idx)[0], '\0');
    ms_index_close(idx);
}

Test(index, wildcard_over_many_terms_is_bounded)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    char id[32], body[128];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "w%d", i);
        snprintf(body, sizeof body, "alpha%d aword%d asylum", i, i * 7);
        put(idx, id, NULL, body, "en", NULL, NULL, 0);
    }
    commit(idx);
    ms_results_t *results = find(idx, "a*", "en", NULL, 0, 0);
    cr_assert_gt(results->n_hits, 0);
    cr_assert_eq(results->plain_words, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, snippet_escapes_quotes_and_markup)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "q", NULL, "He said \"stop trafficking\" and it's <b>urgent</b> & real.",
        "en", NULL, NULL, 0);
    commit(idx);
    ms_results_t *results = find(idx, "trafficking", "en", NULL, 0, 300);
    cr_assert_eq(results->n_hits, 1);
    const char *snippet = results->hits[0].snippet;
    cr_assert_not_null(snippet);
    cr_assert_not_null(strstr(snippet, "&quot;stop <mark>trafficking</mark>&quot;"), "%s",
                       snippet);
    cr_assert_not_null(strstr(snippet, "it&#39;s"), "%s", snippet);
    cr_assert_not_null(strstr(snippet, "&lt;b&gt;"), "%s", snippet);
    cr_assert_null(strchr(snippet, '"'), "%s", snippet);
    cr_assert_null(strchr(snippet, '\''), "%s", snippet);
    ms_results_free(results);
    ms_index_close(idx);
}

/* The words marked in 'snippet', in order, each followed by '|'. */
static void
marked_words(char *out, size_t size, const char *snippet)
{
    out[0] = '\0';
    size_t used = 0;
    for (const char *at = strstr(snippet, "<mark>"); at; at = strstr(at, "<mark>")) {
        at += strlen("<mark>");
        const char *end = strstr(at, "</mark>");
        cr_assert_not_null(end, "%s", snippet);
        int n = snprintf(out + used, size - used, "%.*s|", (int)(end - at), at);
        cr_assert(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
        at = end;
    }
}

/* A query, and the words its one hit's snippet marks (marked_words()). */
struct mark_case {
    const char *query, *marked;
};

/* Index 'text' alone with the synonym 'groups', and expect each of 'cases'. */
static void
expect_marks(const char *text, const ms_synonym_group_t *groups, size_t n_groups,
             const struct mark_case *cases, size_t n)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "m", NULL, text, "en", NULL, NULL, 0);
    if (n_groups)
        cr_assert_eq(ms_index_set_synonyms(idx, groups, n_groups), MS_INDEX_OK, "%s",
                     ms_index_errmsg(idx));
    commit(idx);
    for (size_t i = 0; i < n; i++) {
        ms_results_t *results = find(idx, cases[i].query, "en", NULL, 0, 400);
        cr_assert_eq(results->n_hits, 1, "%s", cases[i].query);
        char words[256];
        marked_words(words, sizeof words, results->hits[0].snippet);
        cr_assert_str_eq(words, cases[i].marked, "'%s': %s", cases[i].query,
                         results->hits[0].snippet);
        ms_results_free(results);
    }
    ms_index_close(idx);
}

/* Snippets look up only the words that start as a query word may (its
 * first byte, then its first two): words of one byte, one-byte
 * wildcards, stems and words that start with a non-ASCII letter are
 * marked as a look-up of every word would mark them. */
Test(index, snippet_marks_exactly_the_words_that_match)
{
    static const struct mark_case cases[] = {
        {"visas", "visa|visas|Visa|"},
        {"mi*", "mi|mig|migrant|Migrants|mimic|"},
        {"m*", "m|mi|mig|migrant|Migrants|mimic|"},
        {"\xc3\xa9migr\xc3\xa9", "\xc3\x89migr\xc3\xa9s|\xc3\xa9migr\xc3\xa9|"},
        {"x", "x|"},
        {"migrants visa", "visa|visas|Visa|migrant|Migrants|"},
    };
    expect_marks("A visa, visas and Visa-free travel: m, mi, mig, migrant, Migrants, "
                 "\xc3\x89migr\xc3\xa9s, \xc3\xa9migr\xc3\xa9, mimic, x, xi, vi.",
                 NULL, 0, cases, sizeof cases / sizeof cases[0]);
}

/* A word of the query that is only in its phrases (a synonym group's
 * "migration de retour", a quoted phrase) is marked where the phrase
 * stands, not wherever the word does: a search for "reintegration" must
 * not mark every "de" of a text. A word typed alone is marked anywhere. */
Test(index, snippet_marks_a_phrase_word_only_in_its_phrase)
{
    static const char *const group[] = {"reintegration", "return migration",
                                        "migration de retour"};
    ms_synonym_group_t groups[] = {{group, 3}};
    static const struct mark_case cases[] = {
        {"reintegration", "reintegration|return|migration|migration|de|retour|"},
        {"\"return migration\"", "return|migration|"},
        {"return \"migration de retour\"", "return|migration|de|retour|return|"},
        {"migration", "migration|migration|Migration|"},
        /* Typed without quotes, the words of a synonym phrase are also
         * searched alone: marked wherever they stand. */
        {"return migration",
         "reintegration|return|migration|migration|de|retour|Migration|return|"},
        /* ADJ is a phrase whose words need not touch: marked anywhere. */
        {"return ADJ migration", "return|migration|migration|Migration|return|"},
    };
    expect_marks(
        "The dossier de presse covers reintegration. It speaks of return migration "
        "and of la migration de retour. Migration is wide; return is rare.",
        groups, 1, cases, sizeof cases / sizeof cases[0]);
}

/* A new index of one document, "long", with the text 'body' and the
 * synonyms {reintegration, migration de retour}, committed. */
static ms_index_t *
index_long_text(const char *body)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "long", NULL, body, "en", NULL, NULL, 0);
    static const char *const group[] = {"reintegration", "migration de retour"};
    ms_synonym_group_t groups[] = {{group, 2}};
    cr_assert_eq(ms_index_set_synonyms(idx, groups, 1), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    commit(idx);
    return idx;
}

/* Of a long text, the snippet comes from the passage that holds the
 * phrase, not from one that holds its words apart, many times. */
Test(index, snippet_of_a_long_text_comes_from_the_phrase)
{
    char body[12288] = "";
    for (int i = 0; i < 80; i++)
        strcat(body, "La migration de la commission; le retour du rapport. ");
    strcat(body, "Migration de retour: a programme for returnees. ");
    for (int i = 0; i < 60; i++)
        strcat(body, "Other business was heard. ");
    ms_index_t *idx = index_long_text(body);
    ms_results_t *results = find(idx, "reintegration", "en", NULL, 0, 200);
    cr_assert_eq(results->n_hits, 1);
    const char *snippet = results->hits[0].snippet;
    cr_assert_not_null(
        strstr(snippet, "<mark>Migration</mark> <mark>de</mark> <mark>retour</mark>"),
        "%s", snippet);
    ms_results_free(results);
    ms_index_close(idx);
}

/* Assert that 'query' finds the one document of 'idx' with three
 * extracts of 200 bytes asked, and that it gets exactly the extracts
 * 'marks' lists, each holding its mark ("<mark>retour</mark>"), best
 * first. */
static void
expect_extracts(ms_index_t *idx, const char *query, const char *const *marks, size_t n)
{
    ms_search_t search = {.query = query,
                          .language = "en",
                          .limit = 10,
                          .snippet_length = 200,
                          .max_snippets = 3};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 1, "%s", query);
    const ms_hit_t *hit = &results->hits[0];
    cr_assert_eq(hit->n_snippets, n, "%s: %zu extracts, the last: %s", query,
                 hit->n_snippets, hit->snippets[hit->n_snippets - 1].html);
    for (size_t i = 0; i < n; i++)
        cr_assert_not_null(strstr(hit->snippets[i].html, marks[i]), "%s: extract %zu: %s",
                           query, i, hit->snippets[i].html);
    ms_results_free(results);
}

/* A passage that holds only a phrase's small words ("de") is no extract:
 * of three asked, the one passage with the phrase is given. */
Test(index, no_extract_for_the_small_words_of_a_phrase)
{
    char body[8192] = "Migration de retour: a programme for returnees. ";
    for (int i = 0; i < 60; i++)
        strcat(body, "Other business was heard. ");
    for (int i = 0; i < 60; i++)
        strcat(body, "Le rapport de la commission de suivi. ");
    ms_index_t *idx = index_long_text(body);
    static const char *const marks[] = {"<mark>retour</mark>"};
    expect_extracts(idx, "reintegration", marks, 1);
    ms_index_close(idx);
}

/* Chunks that hold a phrase's longest word apart are ranked after the
 * phrase's but before the rest, and show nothing marked once the word is
 * unmarked outside the phrase: of three extracts asked, they are left
 * out, and a chunk that holds another of the query's words is given
 * instead, however fewer times it holds it. */
Test(index, no_extract_without_a_marked_word)
{
    /* Chunks are about 2,000 bytes: the phrase's, then migration apart
     * (2,160 bytes), padding, "reintegration" alone in a chunk of its
     * padding, then migration apart again (4,320 bytes). */
    char body[16384] = "Migration de retour: a programme for returnees. ";
    for (int i = 0; i < 40; i++)
        strcat(body, "La migration de la commission; le retour du rapport. ");
    for (int i = 0; i < 80; i++)
        strcat(body, "Other business was heard. ");
    strcat(body, "Reintegration was discussed once. ");
    for (int i = 0; i < 80; i++)
        strcat(body, "Other business was heard. ");
    for (int i = 0; i < 80; i++)
        strcat(body, "La migration de la commission; le retour du rapport. ");
    ms_index_t *idx = index_long_text(body);
    static const char *const marks[] = {"<mark>retour</mark>",
                                        "<mark>Reintegration</mark>"};
    expect_extracts(idx, "reintegration", marks, 2);
    /* A quoted phrase: its one chunk alone. */
    expect_extracts(idx, "\"migration de retour\"", marks, 1);
    ms_index_close(idx);
}

Test(index, read_open_of_missing_path_is_not_found)
{
    ms_index_t *idx = (ms_index_t *)1;
    ms_index_error_t err;
    memset(&err, 0, sizeof err);
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_NOT_FOUND);
    cr_assert_null(idx);
    cr_assert_eq(err.status, MS_INDEX_NOT_FOUND);
    cr_assert_neq(err.text[0], '\0');

    /* An existing directory that holds no index. */
    cr_assert_eq(ms_index_open(&idx, tmpdir, MS_INDEX_READ, &err), MS_INDEX_NOT_FOUND,
                 "%s", err.text);
    cr_assert_null(idx);
    cr_assert_neq(err.text[0], '\0');

    /* A NULL error struct is allowed. */
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, NULL), MS_INDEX_NOT_FOUND);
}

Test(index, second_writer_is_locked)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    ms_index_t *second = (ms_index_t *)1;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&second, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_LOCKED,
                 "%s", err.text);
    cr_assert_null(second);
    cr_assert_eq(err.status, MS_INDEX_LOCKED);
    cr_assert_neq(err.text[0], '\0');
    ms_index_close(writer);

    /* The lock goes with the handle. */
    second = open_index(MS_INDEX_WRITE);
    ms_index_close(second);
}

Test(index, reader_sees_commit_after_refresh)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    put(writer, "one", NULL, "first document", "en", NULL, NULL, 0);
    commit(writer);

    ms_index_t *reader = open_index(MS_INDEX_READ);
    ms_index_info_t before, after;
    cr_assert_eq(ms_index_info(&before, reader), MS_INDEX_OK);
    cr_assert_eq(before.doc_count, 1);

    put(writer, "two", NULL, "second document", "en", NULL, NULL, 0);
    commit(writer);
    cr_assert_eq(doc_count(reader), 1, "a reader keeps its revision until refresh");

    cr_assert_eq(ms_index_refresh(reader), MS_INDEX_OK);
    cr_assert_eq(ms_index_info(&after, reader), MS_INDEX_OK);
    cr_assert_eq(after.doc_count, 2);
    cr_assert_gt(after.revision, before.revision);
    ms_results_t *results = find(reader, "second", "en", NULL, 0, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    ms_index_close(reader);
    ms_index_close(writer);
}

/* A reader keeps hits' records until its index changes (records.cc): a
 * document replaced in place must show its new title and text, in the
 * hit and in its snippet, once the reader refreshes. */
Test(index, reader_shows_a_replaced_document_as_it_now_is)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    put(writer, "rec-1", "Old title", "Asylum procedures in the old wording.", "en", NULL,
        NULL, 0);
    put(writer, "rec-2", "Another", "Visas and asylum.", "en", NULL, NULL, 0);
    commit(writer);

    ms_index_t *reader = open_index(MS_INDEX_READ);
    for (int i = 0; i < 2; i++) {
        ms_results_t *results = find(reader, "procedures", "en", NULL, 0, 200);
        cr_assert_eq(results->n_hits, 1);
        cr_assert_str_eq(results->hits[0].doc.title, "Old title");
        cr_assert_not_null(strstr(results->hits[0].snippet, "old wording"));
        ms_results_free(results);
    }

    put(writer, "rec-1", "New title", "Asylum procedures in the new wording.", "en", NULL,
        NULL, 0);
    commit(writer);
    cr_assert_eq(ms_index_refresh(reader), MS_INDEX_OK);
    ms_results_t *results = find(reader, "procedures", "en", NULL, 0, 200);
    cr_assert_eq(results->n_hits, 1);
    cr_expect_str_eq(results->hits[0].doc.title, "New title");
    cr_expect_not_null(strstr(results->hits[0].snippet, "new wording"), "%s",
                       results->hits[0].snippet);
    cr_expect_null(strstr(results->hits[0].snippet, "old"), "%s",
                   results->hits[0].snippet);
    ms_results_free(results);

    ms_index_close(reader);
    ms_index_close(writer);
}

/* A reader keeps a hit's text cut into chunks (records.cc); which chunk a
 * snippet comes from is still chosen for each query. */
Test(index, each_query_gets_the_chunk_of_its_own_words)
{
    /* About 9000 bytes: the word "orchards" in the first chunk only,
     * "lighthouses" in the last only. */
    char body[9200];
    size_t len = 0;
    len += (size_t)snprintf(body + len, sizeof body - len, "Orchards need pickers. ");
    while (len < 8800)
        len += (size_t)snprintf(body + len, sizeof body - len, "Delegates met again. ");
    snprintf(body + len, sizeof body - len, "Lighthouses guide the boats.");

    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    put(writer, "long-1", "A long record", body, "en", NULL, NULL, 0);
    commit(writer);
    ms_index_t *reader = open_index(MS_INDEX_READ);
    static const char *const asked[][2] = {
        {"orchards", "<mark>Orchards</mark>"},
        {"lighthouses", "<mark>Lighthouses</mark>"},
        {"orchards", "<mark>Orchards</mark>"},
    };
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        ms_results_t *results = find(reader, asked[i][0], "en", NULL, 0, 120);
        cr_assert_eq(results->n_hits, 1);
        cr_expect_not_null(strstr(results->hits[0].snippet, asked[i][1]), "%s: %s",
                           asked[i][0], results->hits[0].snippet);
        ms_results_free(results);
    }
    ms_index_close(reader);
    ms_index_close(writer);
}

Test(index, close_without_commit_discards_changes)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    put(writer, "kept", NULL, "committed", "en", NULL, NULL, 0);
    commit(writer);
    put(writer, "lost", NULL, "never committed", "en", NULL, NULL, 0);
    cr_assert_eq(doc_count(writer), 2, "a writer sees its own changes");
    ms_index_close(writer);

    ms_index_t *reader = open_index(MS_INDEX_READ);
    cr_assert_eq(doc_count(reader), 1);
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, reader, "lost"), MS_INDEX_NOT_FOUND);
    ms_index_close(reader);
}

static void
copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    cr_assert_not_null(in, "%s", from);
    FILE *out = fopen(to, "wb");
    cr_assert_not_null(out, "%s", to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

Test(index, corrupt_index_fails_cleanly)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    char id[32], body[256];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "c%d", i);
        snprintf(body, sizeof body, "migration policy document number %d about borders",
                 i);
        put(writer, id, "Corrupt me", body, "en", "2002", NULL, 0);
    }
    commit(writer);
    ms_index_close(writer);

    /* Copy the index (its one partition, "public"), then cut the copy's
     * postlist table to a few bytes. */
    char copy[PATH_MAX], top[PATH_MAX], from_dir[PATH_MAX];
    ms_test_path_join(top, sizeof top, tmpdir, "copy");
    cr_assert_eq(mkdir(top, 0700), 0);
    ms_test_path_join(copy, sizeof copy, top, "public");
    cr_assert_eq(mkdir(copy, 0700), 0);
    ms_test_path_join(from_dir, sizeof from_dir, dbpath, "public");
    DIR *dir = opendir(from_dir);
    cr_assert_not_null(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' || strcmp(entry->d_name, "flintlock") == 0)
            continue;
        char from[PATH_MAX], to[PATH_MAX];
        ms_test_path_join(from, sizeof from, from_dir, entry->d_name);
        ms_test_path_join(to, sizeof to, copy, entry->d_name);
        copy_file(from, to);
    }
    closedir(dir);
    char postlist[PATH_MAX];
    ms_test_path_join(postlist, sizeof postlist, copy, "postlist.glass");
    cr_assert_eq(truncate(postlist, 7), 0);

    ms_index_t *idx = NULL;
    ms_index_error_t err;
    memset(&err, 0, sizeof err);
    ms_index_status_t status = ms_index_open(&idx, top, MS_INDEX_READ, &err);
    if (status != MS_INDEX_OK) {
        /* Glass reads the table roots when opening, so this is the usual
         * path; a later read error is accepted below. */
        cr_assert_null(idx);
        cr_assert(status == MS_INDEX_XAPIAN || status == MS_INDEX_IO, "status %s",
                  ms_index_status_string(status));
        cr_assert_eq(err.status, status);
        cr_assert_eq(strncmp(err.text, "Database", 8), 0, "%s", err.text);
        return;
    }
    ms_search_t search = {
        .query = "migration", .language = "en", .limit = 10, .snippet_length = 100};
    ms_results_t *results = NULL;
    status = ms_index_search(&results, idx, &search);
    cr_assert_neq(status, MS_INDEX_OK, "a truncated postlist table went unnoticed");
    cr_assert_null(results);
    cr_assert(status == MS_INDEX_XAPIAN || status == MS_INDEX_IO, "status %s",
              ms_index_status_string(status));
    cr_assert_eq(strncmp(ms_index_errmsg(idx), "Database", 8), 0, "%s",
                 ms_index_errmsg(idx));
    ms_index_close(idx);
}

Test(index, invalid_document_id_is_rejected)
{
    /* The one id rule of ms_schema.h (ms_schema_id_check). */
    static const char *bad[] = {"",          "a/b",     "a b",      "tab\tid",
                                "new\nline", "del\x7f", "\xff\xfe", "nbsp\xc2\xa0id",
                                "trunc\xc3", "a\\b",    ".",        "..",
                                NULL};
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    for (size_t i = 0; bad[i]; i++) {
        ms_document_t doc = {bad[i], "t", "body", "en", NULL, NULL, 0};
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_BAD_QUERY, "id #%zu", i);
        cr_assert_str_eq(ms_index_errmsg(idx), "invalid document id");
    }
    ms_document_t doc = {NULL, "t", "body", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_BAD_QUERY);

    char id[202];
    memset(id, 'x', 201);
    id[201] = '\0';
    doc.id = id;
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_BAD_QUERY, "201 bytes is too long");
    id[200] = '\0';
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "200 bytes is fine: %s",
                 ms_index_errmsg(idx));
    cr_assert_str_eq(ms_index_errmsg(idx), "", "a successful call clears the message");
    doc.id = "r\xc3\xa9solution-12.3_(b)";
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_assert_eq(doc_count(idx), 2);
    ms_index_close(idx);
}

Test(index, invalid_date_and_fields_are_rejected)
{
    /* The one date rule of ms_date.h: a real day, month or year. */
    static const char *bad[] = {"2001-13",          "2001-00",    "01-05-2001",
                                "2001-05-32",       "2001/05",    "2001-05-1",
                                "2001-05-10T00:00", "abcd",       "2003-02-31",
                                "2001-02-29",       "2003-04-31", "0000",
                                "0000-01-01",       NULL};
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    for (size_t i = 0; bad[i]; i++) {
        ms_document_t doc = {"d", NULL, "body", "en", bad[i], NULL, 0};
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_BAD_QUERY, "date %s", bad[i]);
    }
    cr_assert_eq(doc_count(idx), 0);
    ms_document_t leap = {"leap", NULL, "body", "en", "2000-02-29", NULL, 0};
    cr_assert_eq(ms_index_put(idx, &leap), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_assert_eq(ms_index_delete(idx, "leap"), MS_INDEX_OK);
    ms_field_t nameless[] = {{NULL, "x"}};
    ms_document_t doc = {"d", NULL, "body", "en", NULL, nameless, 1};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_BAD_QUERY);
    cr_assert_eq(doc_count(idx), 0);
    ms_index_close(idx);
}

Test(index, long_filter_values_are_truncated_consistently)
{
    /* 300 bytes of two-byte characters: the term must be cut to fit, at a
     * character boundary, the same way for the document and the filter. */
    char value[301];
    for (int i = 0; i < 300; i += 2) {
        value[i] = '\xc3';
        value[i + 1] = '\x89'; /* É: not ASCII, so not folded */
    }
    value[300] = '\0';
    ms_field_t fields[] = {{"process", value}};
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "long", NULL, "text", "en", NULL, fields, 1);
    commit(idx);
    ms_results_t *results = find(idx, NULL, "en", fields, 1, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, offset_beyond_end_gives_no_hits_and_right_total)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_three(idx);
    commit(idx);

    /* d1 and d2: d3 is Russian, so its "Migration" is not stemmed to the
     * English query's "migrat". */
    ms_search_t search = {.query = "migration",
                          .language = "en",
                          .offset = 10,
                          .limit = 10,
                          .snippet_length = 50};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_null(results->hits);
    cr_assert_eq(results->estimate, 2);
    cr_assert_eq(results->lower, 2);
    cr_assert_eq(results->upper, 2);
    ms_results_free(results);

    /* Pages: the second hit alone. */
    search.offset = 1;
    search.limit = 1;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_eq(results->estimate, 2);
    ms_results_free(results);

    /* Totals only. */
    search.offset = 0;
    search.limit = 0;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_eq(results->estimate, 2);
    ms_results_free(results);

    /* offset + limit would overflow. */
    search.offset = UINT_MAX;
    search.limit = UINT_MAX;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    cr_assert_eq(results->n_hits, 0);
    cr_assert_eq(results->estimate, 2);
    ms_results_free(results);
    search.offset = UINT_MAX - 1;
    search.limit = 5;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(index, read_only_handle_refuses_writes)
{
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    commit(writer);
    ms_index_t *reader = open_index(MS_INDEX_READ);
    ms_document_t doc = {"x", NULL, "body", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(reader, &doc), MS_INDEX_INTERNAL);
    cr_assert_neq(ms_index_errmsg(reader)[0], '\0');
    cr_assert_eq(ms_index_delete(reader, "x"), MS_INDEX_INTERNAL);
    cr_assert_eq(ms_index_commit(reader), MS_INDEX_INTERNAL);
    ms_index_close(reader);
    ms_index_close(writer);
}

Test(index, status_strings_and_null_arguments)
{
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_OK), "ok");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_NOMEM), "out of memory");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_NOT_FOUND), "not found");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_BAD_QUERY), "bad query");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_LOCKED), "locked");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_MODIFIED), "index modified");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_IO), "i/o error");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_XAPIAN), "xapian error");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_INTERNAL), "internal error");
    cr_assert_not_null(ms_index_status_string((ms_index_status_t)99));
    cr_assert_str_eq(ms_index_errmsg(NULL), "");
    ms_index_close(NULL);
    ms_results_free(NULL);

    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_str_eq(ms_index_errmsg(idx), "");
    ms_index_close(idx);
}

Test(index, reader_recovers_when_its_revision_is_overwritten)
{
    char id[32], body[128];
    ms_index_t *writer = open_index(MS_INDEX_WRITE);
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "m%d", i);
        snprintf(body, sizeof body, "original text %d", i);
        put(writer, id, NULL, body, "en", NULL, NULL, 0);
    }
    commit(writer);
    ms_index_t *reader = open_index(MS_INDEX_READ);
    cr_assert_eq(doc_count(reader), 300);

    /* Rewrite everything several times: glass reuses the blocks of the
     * reader's revision, and its next read raises DatabaseModifiedError,
     * which the shim must absorb with a reopen and one retry. */
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 300; i++) {
            snprintf(id, sizeof id, "m%d", i);
            snprintf(body, sizeof body, "rewritten%d text %d", round, i);
            put(writer, id, NULL, body, "en", NULL, NULL, 0);
        }
        commit(writer);
    }

    ms_results_t *results = find(reader, "rewritten3", "en", NULL, 0, 200);
    cr_assert_eq(results->estimate, 300, "the retry read the newest revision");
    cr_assert_eq(results->n_hits, 20);
    cr_assert_not_null(strstr(results->hits[0].snippet, "<mark>rewritten3</mark>"));
    ms_results_free(results);
    ms_index_close(reader);
    ms_index_close(writer);
}
