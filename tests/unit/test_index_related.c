/* test_index_related.c - unit tests of access-checked retrieval, suggestions
 * and similar documents in ms_index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Tested only through ms_index.h. Each test builds the small index it
 * needs in a fresh directory under /tmp: restricted documents carry
 * 'access' fields, and every check is made for several kinds of viewer,
 * because a hidden document must look exactly like a missing one.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_index.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-related");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(related, .init = setup, .fini = teardown);

/* A test document: 'access' is NULL for a public one, else up to two
 * groups separated by a comma. */
struct doc {
    const char *id;
    const char *title;
    const char *body;
    const char *language;
    const char *access;
};

static void
build(const struct doc *docs, size_t n)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK,
                 "open: %s", err.text);
    for (size_t i = 0; i < n; i++) {
        ms_field_t fields[3];
        size_t n_fields = 0;
        char groups[64] = "";
        fields[n_fields++] = (ms_field_t){"type", "report"};
        if (docs[i].access) {
            snprintf(groups, sizeof groups, "%s", docs[i].access);
            char *comma = strchr(groups, ',');
            if (comma)
                *comma = '\0';
            fields[n_fields++] = (ms_field_t){"access", groups};
            if (comma)
                fields[n_fields++] = (ms_field_t){"access", comma + 1};
        }
        ms_document_t doc = {docs[i].id, docs[i].title, docs[i].body, docs[i].language,
                             NULL,       fields,        n_fields};
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", docs[i].id,
                     ms_index_errmsg(idx));
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static ms_index_t *
open_reader(void)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK,
                 "open: %s", err.text);
    return idx;
}

/* Viewers. */
static const char *const board_groups[] = {"board"};
static const char *const staff_groups[] = {"staff"};
static const char *const board_upper_groups[] = {"BOARD"};
static const char *const several_groups[] = {"finance", "staff", "board"};
static const char *const empty_groups[] = {""};
static const ms_viewer_t board = {board_groups, 1};
static const ms_viewer_t staff = {staff_groups, 1};
static const ms_viewer_t board_upper = {board_upper_groups, 1};
static const ms_viewer_t several = {several_groups, 3};
static const ms_viewer_t no_groups = {NULL, 0};
static const ms_viewer_t empty_group = {empty_groups, 1};

/* --- ms_index_get_visible --- */

static const struct doc access_docs[] = {
    {"public-1", "Labour migration", "Bilateral labour agreements.", "en", NULL},
    {"canary", "Board minutes", "Quillbrook accord on remittances.", "en", "board"},
    {"staff-memo", "Staff memo", "Travel rules for staff.", "en", "staff,hr"},
};

/* ms_index_get_visible() for 'id' and 'viewer' gives 'expected'; a found
 * document must be the one asked for, with its body. */
static void
expect_visible(ms_index_t *idx, const char *id, const ms_viewer_t *viewer,
               ms_index_status_t expected)
{
    ms_document_t *doc = (ms_document_t *)1;
    ms_index_status_t status = ms_index_get_visible(&doc, idx, id, viewer);
    cr_assert_eq(status, expected, "get_visible %s: status %d (%s)", id ? id : "(null)",
                 status, ms_index_errmsg(idx));
    if (expected != MS_INDEX_OK) {
        cr_assert_null(doc);
        /* Hidden and missing must be told apart by nothing at all. */
        cr_assert_str_eq(ms_index_errmsg(idx), "no document with this id");
        return;
    }
    cr_assert_not_null(doc);
    cr_assert_str_eq(doc->id, id);
    cr_assert_not_null(doc->body);
    ms_document_free(doc);
}

Test(related, get_visible_public_document_is_visible_to_everyone)
{
    build(access_docs, 3);
    ms_index_t *idx = open_reader();
    expect_visible(idx, "public-1", NULL, MS_INDEX_OK);
    expect_visible(idx, "public-1", &no_groups, MS_INDEX_OK);
    expect_visible(idx, "public-1", &staff, MS_INDEX_OK);
    expect_visible(idx, "public-1", &board, MS_INDEX_OK);
    ms_index_close(idx);
}

Test(related, get_visible_restricted_document_only_for_its_groups)
{
    build(access_docs, 3);
    ms_index_t *idx = open_reader();
    expect_visible(idx, "canary", NULL, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "canary", &no_groups, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "canary", &empty_group, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "canary", &staff, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "canary", &board, MS_INDEX_OK);
    expect_visible(idx, "canary", &board_upper, MS_INDEX_OK);
    expect_visible(idx, "canary", &several, MS_INDEX_OK);

    /* A document of two groups is visible to a member of either. */
    static const char *const hr_groups[] = {"hr"};
    const ms_viewer_t hr = {hr_groups, 1};
    expect_visible(idx, "staff-memo", NULL, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "staff-memo", &board, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "staff-memo", &staff, MS_INDEX_OK);
    expect_visible(idx, "staff-memo", &hr, MS_INDEX_OK);
    ms_index_close(idx);
}

Test(related, get_visible_missing_or_impossible_id_is_not_found)
{
    build(access_docs, 3);
    ms_index_t *idx = open_reader();
    char long_id[400];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    expect_visible(idx, "nope", &several, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "", &several, MS_INDEX_NOT_FOUND);
    expect_visible(idx, NULL, &several, MS_INDEX_NOT_FOUND);
    expect_visible(idx, long_id, &several, MS_INDEX_NOT_FOUND);
    expect_visible(idx, "../canary", &board, MS_INDEX_NOT_FOUND);
    ms_index_close(idx);
}

/* --- ms_index_suggest --- */

/* Exact frequencies of the words starting with "hou": household 3,
 * housing 2, hour 1 (all public); houseboat 1 public, 3 board, 1 staff;
 * housekeeper 1 board. */
static const struct doc suggest_docs[] = {
    {"s1", NULL, "household housing hour", NULL, NULL},
    {"s2", NULL, "household housing", NULL, NULL},
    {"s3", NULL, "household houseboat", NULL, NULL},
    {"s4", NULL, "houseboat", NULL, "board"},
    {"s5", NULL, "houseboat", NULL, "board"},
    {"s6", NULL, "houseboat housekeeper", NULL, "board"},
    {"s7", NULL, "houseboat", NULL, "staff"},
};

/* Run a suggestion that must succeed. */
static ms_strings_t *
suggest(ms_index_t *idx, const char *prefix, const ms_viewer_t *viewer, unsigned limit)
{
    ms_strings_t *list = NULL;
    ms_index_status_t status = ms_index_suggest(&list, idx, prefix, viewer, limit, NULL);
    cr_assert_eq(status, MS_INDEX_OK, "suggest: %s", ms_index_errmsg(idx));
    cr_assert_not_null(list);
    return list;
}

/* The list is exactly the NULL-terminated 'expected', in order. */
static void
expect_list(const ms_strings_t *list, const char *const *expected)
{
    size_t n = 0;
    while (expected[n])
        n++;
    for (size_t i = 0; i < list->n_items && i < n; i++)
        cr_expect_str_eq(list->items[i], expected[i], "item %zu", i);
    cr_assert_eq(list->n_items, n, "got %zu items, expected %zu", list->n_items, n);
}

static bool
list_has(const ms_strings_t *list, const char *item)
{
    for (size_t i = 0; i < list->n_items; i++) {
        if (strcmp(list->items[i], item) == 0)
            return true;
    }
    return false;
}

Test(related, suggest_orders_by_frequency_in_visible_documents)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();

    /* houseboat is in five documents but one public one: for anonymous it
     * ranks by that one, and ties go alphabetically. */
    static const char *const anonymous[] = {"household", "housing", "hour", "houseboat",
                                            NULL};
    ms_strings_t *list = suggest(idx, "hou", NULL, 10);
    expect_list(list, anonymous);
    ms_strings_free(list);

    static const char *const for_board[] = {"houseboat", "household",   "housing",
                                            "hour",      "housekeeper", NULL};
    list = suggest(idx, "hou", &board, 10);
    expect_list(list, for_board);
    ms_strings_free(list);

    static const char *const for_staff[] = {"household", "houseboat", "housing", "hour",
                                            NULL};
    list = suggest(idx, "hou", &staff, 10);
    expect_list(list, for_staff);
    ms_strings_free(list);

    static const char *const for_several[] = {"houseboat", "household",   "housing",
                                              "hour",      "housekeeper", NULL};
    list = suggest(idx, "hou", &several, 10);
    expect_list(list, for_several);
    ms_strings_free(list);
    ms_index_close(idx);
}

Test(related, suggest_never_offers_a_word_only_hidden_documents_have)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();
    const ms_viewer_t *hidden_from[] = {NULL, &no_groups, &empty_group, &staff};
    for (size_t i = 0; i < sizeof hidden_from / sizeof hidden_from[0]; i++) {
        ms_strings_t *list = suggest(idx, "housek", hidden_from[i], 10);
        cr_assert_eq(list->n_items, 0, "viewer %zu sees %s", i,
                     list->n_items ? list->items[0] : "");
        ms_strings_free(list);
    }
    static const char *const expected[] = {"housekeeper", NULL};
    ms_strings_t *list = suggest(idx, "housek", &board, 10);
    expect_list(list, expected);
    ms_strings_free(list);
    ms_index_close(idx);
}

Test(related, suggest_keeps_earlier_words_and_folds_the_last)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();
    static const char *const expected[] = {"Remittances and household",
                                           "Remittances and housing", NULL};
    ms_strings_t *list = suggest(idx, "Remittances and HOU", NULL, 2);
    expect_list(list, expected);
    ms_strings_free(list);

    /* Punctuation before the word is kept as typed. */
    static const char *const quoted[] = {"\"money household", NULL};
    list = suggest(idx, "\"money househ", NULL, 5);
    expect_list(list, quoted);
    ms_strings_free(list);
    ms_index_close(idx);
}

Test(related, suggest_respects_the_limit)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();
    static const char *const expected[] = {"household", "housing", NULL};
    ms_strings_t *list = suggest(idx, "hou", NULL, 2);
    expect_list(list, expected);
    ms_strings_free(list);

    list = suggest(idx, "hou", NULL, 0);
    cr_assert_eq(list->n_items, 0);
    ms_strings_free(list);
    ms_index_close(idx);
}

Test(related, suggest_has_nothing_without_an_unfinished_word)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();
    const char *prefixes[] = {"", "   ", "\t\n", "hou ", "hou,", "(", "zzz", "housing-"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        ms_strings_t *list = suggest(idx, prefixes[i], &several, 10);
        cr_assert_eq(list->n_items, 0, "prefix '%s' gave '%s'", prefixes[i],
                     list->n_items ? list->items[0] : "");
        ms_strings_free(list);
    }
    ms_strings_t *list = suggest(idx, NULL, NULL, 10);
    cr_assert_eq(list->n_items, 0);
    ms_strings_free(list);
    ms_index_close(idx);
}

Test(related, suggest_refuses_long_and_invalid_input_quietly)
{
    build(suggest_docs, 7);
    ms_index_t *idx = open_reader();

    /* 199 spaces and "hou" is over the bound: nothing, and no error. */
    char text[300];
    memset(text, ' ', 199);
    strcpy(text + 199, "hou");
    ms_strings_t *list = suggest(idx, text, NULL, 10);
    cr_assert_eq(list->n_items, 0);
    ms_strings_free(list);
    /* Within the bound the same input works. */
    list = suggest(idx, text + 10, NULL, 10);
    cr_assert_eq(list->n_items, 4);
    ms_strings_free(list);

    size_t size = 1 << 20;
    char *huge = malloc(size + 1);
    cr_assert_not_null(huge);
    memset(huge, 'h', size);
    huge[size] = '\0';
    list = suggest(idx, huge, NULL, 10);
    cr_assert_eq(list->n_items, 0);
    ms_strings_free(list);
    free(huge);

    const char *invalid[] = {"hou\xff", "\xc3", "h\xc3\x28u", "\xed\xa0\x80hou"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        list = suggest(idx, invalid[i], NULL, 10);
        cr_assert_eq(list->n_items, 0, "invalid input %zu", i);
        ms_strings_free(list);
    }
    ms_index_close(idx);
}

static const struct doc language_docs[] = {
    {"fr-1", "L'éducation des migrants", "Une éducation pour tous; éducation et écoles.",
     "fr", NULL},
    {"fr-2", NULL, "Éducation des enfants, édition 2003.", "fr", NULL},
    {"ru-1", "Миграционная политика", "Миграция и миграционная политика.", "ru", NULL},
    {"zh-1", "国际移民", "关于移民的建议", "zh", NULL},
    {"fr-secret", NULL, "Éducatrices du conseil.", "fr", "board"},
};

Test(related, suggest_folds_and_completes_utf8_words)
{
    build(language_docs, 5);
    ms_index_t *idx = open_reader();

    ms_strings_t *list = suggest(idx, "droits Édu", NULL, 10);
    cr_assert_geq(list->n_items, 1);
    cr_assert_str_eq(list->items[0], "droits éducation");
    cr_assert(!list_has(list, "droits éducatrices"), "a hidden word was suggested");
    ms_strings_free(list);

    list = suggest(idx, "droits Édu", &board, 10);
    cr_assert(list_has(list, "droits éducatrices"));
    ms_strings_free(list);

    /* "миграционная" is in the title (three times) and the body but in one
     * document, "миграция" once: documents count, not occurrences, and the
     * tie goes by byte order. */
    static const char *const russian[] = {"миграционная", "миграция", NULL};
    list = suggest(idx, "МИГР", NULL, 10);
    expect_list(list, russian);
    ms_strings_free(list);

    /* A CJK word completes by its last character, from the bigrams. */
    list = suggest(idx, "关于移", NULL, 10);
    cr_assert(list_has(list, "关于移民"), "got %zu items", list->n_items);
    ms_strings_free(list);
    ms_index_close(idx);
}

/* --- ms_index_similar --- */

static const struct doc topic_docs[] = {
    {"r1", "Remittances and household income",
     "Remittances sent home by migrant workers raise household income. Transfer fees "
     "charged by money transfer operators cut what families receive.",
     "en", NULL},
    {"r2", "Lowering the cost of remittances",
     "Money transfer operators charge high fees on remittances; mobile money and "
     "competition lower transfer fees for families.",
     "en", NULL},
    {"r3", "How households use remittances",
     "Families spend remittances on schooling and health; transfer fees and money "
     "transfer operators matter to household income.",
     "en", NULL},
    {"r4", "Diaspora savings",
     "Diaspora savings accounts channel remittances into investment; money transfer "
     "fees fall when banks compete.",
     "en", NULL},
    {"t1", "Combating trafficking at borders",
     "Border guards are trained to identify victims of trafficking; smuggling networks "
     "cross the border at night.",
     "en", NULL},
    {"t2", "Protection of trafficking victims",
     "Shelters and legal aid for victims of trafficking; prosecution of smuggling "
     "networks and traffickers.",
     "en", NULL},
    {"t3", "Border management cooperation",
     "Joint border patrols share trafficking indicators; smuggling networks and victims "
     "are reported between border agencies.",
     "en", NULL},
    {"t4", "Smuggling of migrants",
     "Smuggling networks move migrants across the border; victims of trafficking need "
     "protection at the border.",
     "en", NULL},
    {"canary", "Quillbrook remittances",
     "Quillbrook money transfer operators: remittances, transfer fees and household "
     "income of families.",
     "en", "board"},
};

static ms_results_t *
similar(ms_index_t *idx, const char *id, const ms_viewer_t *viewer, unsigned limit)
{
    ms_results_t *results = NULL;
    ms_index_status_t status = ms_index_similar(&results, idx, id, viewer, limit, NULL);
    cr_assert_eq(status, MS_INDEX_OK, "similar %s: %s", id, ms_index_errmsg(idx));
    cr_assert_not_null(results);
    return results;
}

static bool
has_hit(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++) {
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return true;
    }
    return false;
}

/* The first 'n' hits all have ids starting with 'topic'; no hit is
 * 'self'; hits have stored fields but no body and no snippets. */
static void
expect_topic_first(const ms_results_t *results, const char *self, char topic, size_t n)
{
    cr_assert_geq(results->n_hits, n, "only %zu hits", results->n_hits);
    for (size_t i = 0; i < results->n_hits; i++) {
        const ms_hit_t *hit = &results->hits[i];
        cr_assert_str_neq(hit->doc.id, self, "the document itself was returned");
        if (i < n)
            cr_assert_eq(hit->doc.id[0], topic, "hit %zu is %s", i, hit->doc.id);
        cr_assert_not_null(hit->doc.title);
        cr_assert_null(hit->doc.body);
        cr_assert_null(hit->snippet);
        cr_assert_eq(hit->n_snippets, 0);
        cr_assert_gt(hit->score, 0.0);
        if (i > 0)
            cr_assert_geq(results->hits[i - 1].score, hit->score);
    }
    cr_assert_leq(results->lower, results->estimate);
    cr_assert_leq(results->estimate, results->upper);
    cr_assert_geq(results->lower, results->n_hits);
}

Test(related, similar_finds_documents_of_the_same_topic_first)
{
    build(topic_docs, 9);
    ms_index_t *idx = open_reader();

    ms_results_t *results = similar(idx, "r1", NULL, 10);
    expect_topic_first(results, "r1", 'r', 3);
    cr_assert(!has_hit(results, "canary"), "a hidden document was recommended");
    ms_results_free(results);

    results = similar(idx, "t2", NULL, 10);
    expect_topic_first(results, "t2", 't', 3);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(related, similar_counts_and_returns_hidden_documents_only_for_their_groups)
{
    build(topic_docs, 9);
    ms_index_t *idx = open_reader();

    ms_results_t *anonymous = similar(idx, "r1", NULL, 10);
    ms_results_t *staff_view = similar(idx, "r1", &staff, 10);
    ms_results_t *board_view = similar(idx, "r1", &board, 10);
    cr_assert(!has_hit(staff_view, "canary"));
    cr_assert(has_hit(board_view, "canary"));
    /* Totals are exact here; the hidden document is not even counted. */
    cr_assert_eq(anonymous->lower, anonymous->upper);
    cr_assert_eq(board_view->lower, board_view->upper);
    cr_assert_eq(staff_view->upper, anonymous->upper);
    cr_assert_eq(board_view->upper, anonymous->upper + 1);
    ms_results_free(anonymous);
    ms_results_free(staff_view);
    ms_results_free(board_view);
    ms_index_close(idx);
}

Test(related, similar_of_hidden_or_missing_document_is_not_found)
{
    build(topic_docs, 9);
    ms_index_t *idx = open_reader();
    const char *ids[] = {"canary", "nope", "", NULL};
    const ms_viewer_t *viewers[] = {NULL, &staff, &no_groups, &board};
    for (size_t v = 0; v < 4; v++) {
        for (size_t i = 0; i < 4; i++) {
            bool visible = v == 3 && i == 0;
            ms_results_t *results = (ms_results_t *)1;
            ms_index_status_t status =
                ms_index_similar(&results, idx, ids[i], viewers[v], 5, NULL);
            if (visible) {
                cr_assert_eq(status, MS_INDEX_OK, "%s", ms_index_errmsg(idx));
                expect_topic_first(results, "canary", 'r', 3);
                ms_results_free(results);
                continue;
            }
            cr_assert_eq(status, MS_INDEX_NOT_FOUND, "viewer %zu id %zu: %d", v, i,
                         status);
            cr_assert_null(results);
            cr_assert_str_eq(ms_index_errmsg(idx), "no document with this id");
        }
    }
    ms_index_close(idx);
}

Test(related, similar_respects_the_limit)
{
    build(topic_docs, 9);
    ms_index_t *idx = open_reader();
    ms_results_t *results = similar(idx, "r2", NULL, 2);
    cr_assert_eq(results->n_hits, 2);
    cr_assert_geq(results->estimate, 3);
    ms_results_free(results);

    results = similar(idx, "r2", NULL, 0);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_null(results->hits);
    cr_assert_geq(results->estimate, 3);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(related, similar_of_a_document_sharing_no_words_is_empty)
{
    static const struct doc docs[] = {
        {"a", NULL, "alpha beta", NULL, NULL},
        {"b", NULL, "gamma delta", NULL, NULL},
        {"c", NULL, NULL, NULL, NULL},
    };
    build(docs, 3);
    ms_index_t *idx = open_reader();
    for (size_t i = 0; i < 3; i++) {
        ms_results_t *results = similar(idx, docs[i].id, NULL, 10);
        cr_assert_eq(results->n_hits, 0, "%s", docs[i].id);
        cr_assert_eq(results->upper, 0);
        ms_results_free(results);
    }
    ms_index_close(idx);
}
