/* test_index_partitions.c - an index as one database per access set
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Through ms_index.h only: documents go to the partition of their access
 * set, move when it changes (keeping the time they were first indexed),
 * and what a viewer is told (counts, spelling, wildcards, suggestions,
 * scores) comes from the partitions it may see. The whole server is
 * compared with an index without the hidden documents in
 * tests/integration/test_differential.c; these are the shim's own rules.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ms_index_build.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static const char *const board_groups[] = {"Board"};
static const ms_viewer_t board = {board_groups, 1};
static const char *const staff_groups[] = {"staff"};
static const ms_viewer_t staff = {staff_groups, 1};

static const ms_field_t to_board[] = {{"access", "board"}};
static const ms_field_t to_board_and_staff[] = {{"access", "staff"}, {"access", "BOARD"}};

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-partitions");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(partitions, .init = setup, .fini = teardown);

static ms_index_t *
open_index(ms_index_mode_t mode)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, mode, &err), MS_INDEX_OK, "open: %s",
                 err.text);
    return idx;
}

static void
put(ms_index_t *idx, const char *id, const char *body, const ms_field_t *fields,
    size_t n_fields)
{
    ms_document_t doc = {id, id, body, "en", "2003", fields, n_fields};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

static void
commit_close(ms_index_t *idx)
{
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static ms_results_t *
find(ms_index_t *idx, const char *query, const ms_viewer_t *viewer)
{
    ms_search_t search = {
        .query = query, .language = "en", .limit = 20, .viewer = viewer};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    return results;
}

static size_t
hits(ms_index_t *idx, const char *query, const ms_viewer_t *viewer)
{
    ms_results_t *results = find(idx, query, viewer);
    size_t n = results->n_hits;
    ms_results_free(results);
    return n;
}

static unsigned long
visible_count(ms_index_t *idx, const ms_viewer_t *viewer)
{
    ms_index_info_t info;
    cr_assert_eq(ms_index_info_visible(&info, idx, viewer), MS_INDEX_OK);
    return info.doc_count;
}

/* How many partition directories the index has (public included). */
static int
partitions(void)
{
    char stub[PATH_MAX + 16], line[128];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dbpath);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f, "no stub at %s", stub);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        cr_assert_eq(strncmp(line, "auto ", 5), 0, "%s", line);
        n++;
    }
    fclose(f);
    return n;
}

Test(partitions, each_access_set_has_its_own_database_and_groups_fold)
{
    ms_index_t *w = open_index(MS_INDEX_WRITE);
    put(w, "pub", "open text", NULL, 0);
    put(w, "b1", "board text", to_board, 1);
    put(w, "bs", "shared text", to_board_and_staff, 2);
    commit_close(w);
    cr_assert_eq(partitions(), 3, "public, {board}, {board, staff}");

    ms_index_t *r = open_index(MS_INDEX_READ);
    ms_index_info_t info;
    cr_assert_eq(ms_index_info(&info, r), MS_INDEX_OK);
    cr_assert_eq(info.doc_count, 3);
    cr_assert_eq(visible_count(r, NULL), 1);
    cr_assert_eq(visible_count(r, &staff), 2);
    cr_assert_eq(visible_count(r, &board), 3, "'Board' folds to 'board'");
    cr_assert_eq(hits(r, "text", NULL), 1);
    cr_assert_eq(hits(r, "text", &staff), 2);
    cr_assert_eq(hits(r, "text", &board), 3);
    ms_index_close(r);
}

/* The hits of 'query' for 'viewer' as "id|title|snippet" lines, malloc'd. */
static char *
answer(ms_index_t *idx, const char *query, const ms_viewer_t *viewer)
{
    ms_search_t search = {.query = query,
                          .language = "en",
                          .limit = 20,
                          .snippet_length = 120,
                          .viewer = viewer};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    size_t size = 1;
    for (size_t i = 0; i < results->n_hits; i++)
        size += strlen(results->hits[i].doc.id) + strlen(results->hits[i].doc.title) +
                strlen(results->hits[i].snippet) + 3;
    char *out = calloc(1, size);
    cr_assert_not_null(out);
    for (size_t i = 0; i < results->n_hits; i++) {
        const ms_hit_t *hit = &results->hits[i];
        strcat(out, hit->doc.id);
        strcat(out, "|");
        strcat(out, hit->doc.title);
        strcat(out, "|");
        strcat(out, hit->snippet);
        strcat(out, "\n");
    }
    ms_results_free(results);
    return out;
}

/* A reader keeps hits' records by document number in each viewer's view
 * (records.cc); the same number is another document in another view. One
 * reader asked by viewers in turns answers each as a fresh reader does. */
Test(partitions, a_reader_asked_by_viewers_in_turns_answers_each_as_a_new_one)
{
    ms_index_t *w = open_index(MS_INDEX_WRITE);
    char id[16], body[96];
    for (int i = 0; i < 6; i++) {
        snprintf(body, sizeof body, "asylum report number %d, open to all", i);
        snprintf(id, sizeof id, "pub-%d", i);
        put(w, id, body, NULL, 0);
        snprintf(body, sizeof body, "asylum minutes number %d, for the board", i);
        snprintf(id, sizeof id, "b-%d", i);
        put(w, id, body, to_board, 1);
        snprintf(body, sizeof body, "asylum notes number %d, for staff and board", i);
        snprintf(id, sizeof id, "bs-%d", i);
        put(w, id, body, to_board_and_staff, 2);
    }
    commit_close(w);

    static const ms_viewer_t *const viewers[] = {NULL, &staff, &board};
    char *fresh[3];
    for (size_t v = 0; v < 3; v++) {
        ms_index_t *r = open_index(MS_INDEX_READ);
        fresh[v] = answer(r, "asylum", viewers[v]);
        ms_index_close(r);
    }
    cr_assert_neq(strcmp(fresh[0], fresh[2]), 0);

    ms_index_t *r = open_index(MS_INDEX_READ);
    for (int round = 0; round < 3; round++) {
        for (size_t v = 0; v < 3; v++) {
            char *now = answer(r, "asylum", viewers[(v + (size_t)round) % 3]);
            cr_expect_str_eq(now, fresh[(v + (size_t)round) % 3], "viewer %zu, round %d",
                             (v + (size_t)round) % 3, round);
            free(now);
        }
    }
    ms_index_close(r);
    for (size_t v = 0; v < 3; v++)
        free(fresh[v]);
}

/* A document whose access set changes leaves its old partition: never in
 * two, never lost, its first-indexed time kept. */
Test(partitions, a_document_moves_when_its_access_changes)
{
    ms_index_t *w = open_index(MS_INDEX_WRITE);
    put(w, "doc", "zebra crossing", NULL, 0);
    commit_close(w);
    ms_index_t *r = open_index(MS_INDEX_READ);
    ms_document_t *before = NULL;
    cr_assert_eq(ms_index_get(&before, r, "doc"), MS_INDEX_OK);
    ms_index_close(r);

    w = open_index(MS_INDEX_WRITE);
    put(w, "doc", "zebra crossing, now for the board", to_board, 1);
    commit_close(w);
    r = open_index(MS_INDEX_READ);
    ms_index_info_t info;
    cr_assert_eq(ms_index_info(&info, r), MS_INDEX_OK);
    cr_assert_eq(info.doc_count, 1, "in one partition only");
    cr_assert_eq(hits(r, "zebra", NULL), 0);
    cr_assert_eq(hits(r, "zebra", &board), 1);
    ms_document_t *after = NULL;
    cr_assert_eq(ms_index_get(&after, r, "doc"), MS_INDEX_OK);
    cr_assert_str_eq(after->fields[0].name, "added");
    cr_assert_str_eq(after->fields[0].value, before->fields[0].value);
    ms_document_free(before);
    ms_document_free(after);
    ms_index_close(r);

    w = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_delete(w, "doc"), MS_INDEX_OK);
    cr_assert_eq(ms_index_delete(w, "doc"), MS_INDEX_NOT_FOUND);
    commit_close(w);
    r = open_index(MS_INDEX_READ);
    cr_assert_eq(ms_index_info(&info, r), MS_INDEX_OK);
    cr_assert_eq(info.doc_count, 0);
    ms_index_close(r);
}

/* What a viewer is told comes from its partitions only: a hidden word is
 * corrected like a word that is nowhere, frequent hidden words do not
 * crowd a wildcard or a suggestion, and a public document scores as if
 * the hidden ones did not exist. */
Test(partitions, corrections_wildcards_suggestions_and_scores_ignore_hidden_words)
{
    ms_index_t *w = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(w, true), MS_INDEX_OK);
    put(w, "p1", "zebra migration policy", NULL, 0);
    put(w, "p2", "zebra labour policy", NULL, 0);
    char id[16], body[64];
    for (int i = 0; i < 150; i++) {
        snprintf(id, sizeof id, "h%03d", i);
        snprintf(body, sizeof body, "zeal%03d zeal%03d policy zebrb", i, i);
        put(w, id, body, to_board, 1);
    }
    commit_close(w);
    ms_index_t *r = open_index(MS_INDEX_READ);

    ms_results_t *results = find(r, "zebrb", NULL);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_not_null(results->corrected,
                       "a hidden word is corrected as an unknown one");
    cr_assert_str_eq(results->corrected, "zebra");
    ms_results_free(results);

    cr_assert_eq(hits(r, "ze*", NULL), 2, "150 hidden zeal words do not push zebra out");

    ms_strings_t *words = NULL;
    cr_assert_eq(ms_index_suggest(&words, r, "ze", NULL, 5, NULL), MS_INDEX_OK);
    cr_assert_eq(words->n_items, 1);
    cr_assert_str_eq(words->items[0], "zebra");
    ms_strings_free(words);

    /* "policy" is in every hidden document: to the anonymous viewer it is
     * in both of two documents, and weighs as such. */
    results = find(r, "policy migration", NULL);
    double anonymous = results->hits[0].score;
    ms_results_free(results);
    results = find(r, "policy migration", &board);
    cr_assert_str_eq(results->hits[0].doc.id, "p1");
    cr_assert(results->hits[0].score != anonymous,
              "the board's statistics include its documents: %f", anonymous);
    ms_results_free(results);
    ms_index_close(r);

    /* The same two public documents alone score the same for anyone. */
    ms_test_remove_tree(dbpath);
    w = open_index(MS_INDEX_WRITE);
    put(w, "p1", "zebra migration policy", NULL, 0);
    put(w, "p2", "zebra labour policy", NULL, 0);
    commit_close(w);
    r = open_index(MS_INDEX_READ);
    results = find(r, "policy migration", NULL);
    cr_assert_float_eq(results->hits[0].score, anonymous, 1e-9);
    ms_results_free(results);
    ms_index_close(r);
}

/* Equal scores come in the order of the ids, whatever order the
 * documents were written in. */
Test(partitions, ties_are_broken_by_the_id)
{
    ms_index_t *w = open_index(MS_INDEX_WRITE);
    put(w, "c", "same words", NULL, 0);
    put(w, "a", "same words", to_board, 1);
    put(w, "b", "same words", NULL, 0);
    commit_close(w);
    ms_index_t *r = open_index(MS_INDEX_READ);
    ms_results_t *results = find(r, "same", &board);
    cr_assert_eq(results->n_hits, 3);
    cr_assert_str_eq(results->hits[0].doc.id, "a");
    cr_assert_str_eq(results->hits[1].doc.id, "b");
    cr_assert_str_eq(results->hits[2].doc.id, "c");
    ms_results_free(results);
    ms_index_close(r);
}
