/* test_index_filtered.c - a filter restricts a search's hits, never reweighs them
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A filter (a facet value, a date range, a viewer's groups) is boolean: a
 * filtered search must answer the hits of the same search unfiltered that
 * the filter keeps, with the same scores, in the same order. Xapian
 * 1.4.22 does not hold that for a query with a phrase below an OR (words
 * joined by a hyphen, or quoted, beside other words) matched under a
 * filter: it can credit the phrase to a document that lacks its words
 * (indexer/shim/filter.cc, ms_index__restrict). The archive here is
 * generated (a fixed seed) so that the phrase "border management" is in
 * some documents, its words apart in others and neither in the rest, over
 * filters of every selectivity; each filtered answer is compared with the
 * unfiltered one, without feedback (which takes its words from the
 * filtered hits, so it may differ). The query's own AND and "+" ask their
 * right side as a filter does: those answers are compared with the sum
 * of the scores of their sides searched alone. Every fourth document is
 * the board's; in the single database of single_database() only the
 * access filter hides them from others.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_index_build.h"
#include "tmpdir.h"

#define DOCS 240
#define ALL 1000 /* more than the hits of any query here */

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];
static char onepath[PATH_MAX]; /* single_database() */

static const char *const types[] = {"recommendation", "report", "workshop"};
static const char *const countries[] = {"Ghana", "Togo", "Kenya", "Mali", "Niger"};
static const char *const words[] = {
    "border",  "management", "irregular", "migration", "labour", "mobility",
    "archive", "themes",     "delegates", "rights",    "return", "health",
};

static const char *const board_groups[] = {"board"};
static const ms_viewer_t board = {board_groups, 1};

/* Queries with a phrase beside other words, and one without. */
static const char *const queries[] = {
    "themes border-management irregular archive",
    "\"border management\" migration",
    "labour-mobility rights return",
    "border management delegates",
};

static unsigned long seed;

static unsigned
next_random(unsigned n)
{
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((seed >> 33) % n);
}

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-filtered");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
    ms_test_path_join(onepath, sizeof onepath, tmpdir, "one");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(filtered, .init = setup, .fini = teardown);

/* A text of 8 to 40 words of 'words', with "border management" as a
 * phrase in about one document of six. */
static void
make_text(char *out, size_t size)
{
    size_t len = 0;
    unsigned n = 8 + next_random(33);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        const char *word = next_random(6) == 0 && i + 1 < n
                               ? "border management"
                               : words[next_random(sizeof words / sizeof *words)];
        int wrote = snprintf(out + len, size - len, "%s%s", i ? " " : "", word);
        cr_assert(wrote > 0 && (size_t)wrote < size - len);
        len += (size_t)wrote;
    }
}

/* The archive: each document of a type, one or two countries, a year,
 * every fourth the board's; in 'shards' shards. */
static void
build(unsigned shards)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open_shards(&idx, dbpath, shards, &err), MS_INDEX_OK, "%s",
                 err.text);
    seed = 20;
    for (int i = 0; i < DOCS; i++) {
        char id[16], body[512], date[8];
        snprintf(id, sizeof id, "d%03d", i);
        make_text(body, sizeof body);
        snprintf(date, sizeof date, "%u", 1998 + next_random(7));
        ms_field_t fields[4] = {
            {"type", types[next_random(3)]},
            {"country", countries[next_random(5)]},
            {"country", countries[next_random(5)]},
            {"access", "board"},
        };
        size_t n_fields = i % 4 == 0 ? 4 : 3;
        ms_document_t doc = {id, NULL, body, "en", date, fields, n_fields};
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static ms_results_t *
search(ms_index_t *idx, const char *query, const ms_field_t *filters, size_t n_filters,
       const char *date_from, const ms_viewer_t *viewer, unsigned limit)
{
    ms_search_t s = {.query = query,
                     .language = "en",
                     .filters = filters,
                     .n_filters = n_filters,
                     .date_from = date_from,
                     .limit = limit,
                     .viewer = viewer,
                     .facets = 1,
                     .no_feedback = 1};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &s), MS_INDEX_OK, "%s: %s", query,
                 ms_index_errmsg(idx));
    return results;
}

/* Each hit of 'filtered' is a hit of 'all' with the same score, in the
 * order of 'all'; returns how many. */
static size_t
assert_restricted(const ms_results_t *all, const ms_results_t *filtered, const char *what)
{
    size_t last = 0;
    for (size_t i = 0; i < filtered->n_hits; i++) {
        const ms_hit_t *hit = &filtered->hits[i];
        size_t k = 0;
        while (k < all->n_hits && strcmp(all->hits[k].doc.id, hit->doc.id) != 0)
            k++;
        cr_assert_lt(k, all->n_hits, "%s: %s is not a hit unfiltered", what, hit->doc.id);
        cr_assert(fabs(all->hits[k].score - hit->score) <= 1e-9 * hit->score,
                  "%s: %s scores %.6f filtered, %.6f unfiltered", what, hit->doc.id,
                  hit->score, all->hits[k].score);
        cr_assert(i == 0 || k > last, "%s: %s out of order", what, hit->doc.id);
        last = k;
    }
    return filtered->n_hits;
}

/* How many of the hits of 'results' have 'value' in 'field', from its
 * facets (exact: counted over every match). */
static unsigned long
facet_count(const ms_results_t *results, const char *field, const char *value)
{
    for (size_t f = 0; f < results->n_facets; f++) {
        if (strcmp(results->facets[f].field, field) != 0)
            continue;
        for (size_t v = 0; v < results->facets[f].n_values; v++)
            if (strcmp(results->facets[f].values[v].value, value) == 0)
                return results->facets[f].values[v].count;
    }
    return 0;
}

/* The index of build(1) as one Xapian database at 'onepath', the layout
 * of an index from before partitions (docs/index-schema.md, "Partitions"):
 * every access set in it, so that only the access filter keeps the board's
 * documents from others. Its partitions merged by xapian-compact, the
 * public one first (the metadata), marked "2". */
static void
single_database(void)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    cr_assert_eq(ms_index_metadata_set(idx, "schema", "2"), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
    char command[4 * PATH_MAX] = "xapian-compact -q ";
    strcat(strcat(strcat(command, dbpath), "/public"), " ");
    DIR *dir = opendir(dbpath);
    cr_assert_not_null(dir);
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (strncmp(e->d_name, "a-", 2) == 0) {
            cr_assert_lt(strlen(command) + strlen(dbpath) + strlen(e->d_name) + 3,
                         sizeof command);
            strcat(strcat(strcat(strcat(command, dbpath), "/"), e->d_name), " ");
        }
    }
    closedir(dir);
    strcat(command, onepath);
    cr_assert_eq(system(command), 0, "%s", command);
}

static ms_index_t *
open_reader(const char *path)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, path, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    return idx;
}

/* Every query under every filter below, and the first ten under each:
 * the unfiltered hits the filter keeps, in the index at 'path'. */
static void
assert_filters_restrict_in(const char *path, const ms_viewer_t *viewer)
{
    ms_index_t *idx = open_reader(path);
    size_t compared = 0;
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        ms_results_t *all = search(idx, queries[q], NULL, 0, NULL, viewer, ALL);
        cr_assert_lt(all->n_hits, ALL);
        /* Every fourth document is the board's (build()): only the board
         * sees them. */
        size_t boards = 0;
        for (size_t i = 0; i < all->n_hits; i++)
            boards += atoi(all->hits[i].doc.id + 1) % 4 == 0;
        if (viewer)
            cr_assert_gt(boards, 0u, "'%s': no board document for the board", queries[q]);
        else
            cr_assert_eq(boards, 0u, "'%s': board documents for anyone", queries[q]);
        /* Each document has one type: the type facet counts every hit. */
        cr_assert_not(all->facets_estimated);
        unsigned long typed = 0;
        for (size_t t = 0; t < 3; t++)
            typed += facet_count(all, "type", types[t]);
        cr_assert_eq(typed, all->n_hits, "'%s': %lu typed of %zu hits", queries[q], typed,
                     all->n_hits);
        ms_field_t one[1], two[2];
        char what[160];
        for (size_t t = 0; t < 3; t++) {
            one[0] = (ms_field_t){"type", types[t]};
            for (unsigned limit = 10; limit <= ALL; limit += ALL - 10) {
                snprintf(what, sizeof what, "'%s' type=%s, %u hits", queries[q], types[t],
                         limit);
                ms_results_t *r = search(idx, queries[q], one, 1, NULL, viewer, limit);
                compared += assert_restricted(all, r, what);
                /* Every hit of the type, not some. */
                if (limit == ALL)
                    cr_assert_eq(r->n_hits, facet_count(all, "type", types[t]),
                                 "%s: %zu hits of %lu", what, r->n_hits,
                                 facet_count(all, "type", types[t]));
                ms_results_free(r);
            }
            /* The same filter typed in the query. */
            snprintf(what, sizeof what, "%s type:%s", queries[q], types[t]);
            ms_results_t *r = search(idx, what, NULL, 0, NULL, viewer, 10);
            compared += assert_restricted(all, r, what);
            ms_results_free(r);
        }
        for (size_t c = 0; c + 1 < 5; c++) {
            two[0] = (ms_field_t){"country", countries[c]};
            two[1] = (ms_field_t){"country", countries[c + 1]};
            snprintf(what, sizeof what, "'%s' country=%s|%s", queries[q], countries[c],
                     countries[c + 1]);
            ms_results_t *r = search(idx, queries[q], two, 2, NULL, viewer, ALL);
            compared += assert_restricted(all, r, what);
            ms_results_free(r);
            r = search(idx, queries[q], two, 1, "2003", viewer, 10);
            snprintf(what, sizeof what, "'%s' country=%s from 2003", queries[q],
                     countries[c]);
            compared += assert_restricted(all, r, what);
            ms_results_free(r);
        }
        ms_results_free(all);
    }
    /* The filters kept hits to compare (a broken archive would not). */
    cr_assert_gt(compared, 500u, "%zu hits compared", compared);
    ms_index_close(idx);
}

static void
assert_filters_restrict(const ms_viewer_t *viewer)
{
    assert_filters_restrict_in(dbpath, viewer);
}

/* The score of document 'id' among the hits of 'results', or -1. */
static double
score_of(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++)
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return results->hits[i].score;
    return -1;
}

/* Each hit of 'combined' scores the sum of its scores for 'a' and 'b'
 * searched alone, 0 for one it is not a hit of (BM25 adds the weights of
 * the words a document has); with 'a_required', every hit is one of 'a'. */
static void
assert_sum(ms_index_t *idx, const char *combined, const char *a, const char *b,
           bool a_required)
{
    ms_results_t *r = search(idx, combined, NULL, 0, NULL, NULL, ALL);
    ms_results_t *alone = search(idx, a, NULL, 0, NULL, NULL, ALL);
    ms_results_t *rest = search(idx, b, NULL, 0, NULL, NULL, ALL);
    cr_assert_gt(r->n_hits, 0u, "'%s': no hits", combined);
    for (size_t i = 0; i < r->n_hits; i++) {
        const ms_hit_t *hit = &r->hits[i];
        double sa = score_of(alone, hit->doc.id), sb = score_of(rest, hit->doc.id);
        cr_assert(sa > 0 || !a_required, "'%s': %s lacks '%s'", combined, hit->doc.id, a);
        double want = (sa > 0 ? sa : 0) + (sb > 0 ? sb : 0);
        cr_assert(fabs(hit->score - want) <= 1e-9 * want,
                  "'%s': %s scores %.6f, not %.6f", combined, hit->doc.id, hit->score,
                  want);
    }
    ms_results_free(rest);
    ms_results_free(alone);
    ms_results_free(r);
}

Test(filtered, a_phrase_beside_a_required_word_scores_as_the_two_alone)
{
    static const char *const required[] = {"health", "delegates", "archive", "rights"};
    build(1);
    ms_index_t *idx = open_reader(dbpath);
    for (size_t w = 0; w < sizeof required / sizeof *required; w++) {
        for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
            if (strstr(queries[q], required[w]))
                continue;
            char both[300], inner[200];
            snprintf(both, sizeof both, "%s AND (%s)", required[w], queries[q]);
            assert_sum(idx, both, required[w], queries[q], true);
            snprintf(both, sizeof both, "+%s %s", required[w], queries[q]);
            assert_sum(idx, both, required[w], queries[q], true);
            /* The AND below an OR, where Xapian asks it too. */
            const char *word = strcmp(required[w], "health") ? "health" : "archive";
            snprintf(inner, sizeof inner, "%s AND (%s)", required[w], queries[q]);
            snprintf(both, sizeof both, "%s OR (%s)", word, inner);
            if (!strstr(queries[q], word))
                assert_sum(idx, both, word, inner, false);
        }
    }
    ms_index_close(idx);
}

/* The rebuilt query grows with the query, not with 2 to the power of its
 * ANDs: a phrase and thirty words that match nothing, ANDed below an OR
 * ("health OR (border-management AND nothing1 AND ...)"), answers as
 * "health" alone. */
Test(filtered, thirty_required_words_beside_a_phrase_are_answered)
{
    build(1);
    ms_index_t *idx = open_reader(dbpath);
    char query[600] = "health OR (border-management";
    for (int i = 1; i <= 30; i++) {
        size_t len = strlen(query);
        snprintf(query + len, sizeof query - len, " AND nothing%d", i);
    }
    strcat(query, ")");
    ms_results_t *r = search(idx, query, NULL, 0, NULL, NULL, ALL);
    ms_results_t *alone = search(idx, "health", NULL, 0, NULL, NULL, ALL);
    cr_assert_eq(r->plain_words, 0, "'%s' was cut to plain words", query);
    cr_assert_gt(alone->n_hits, 0u);
    cr_assert_eq(r->n_hits, alone->n_hits, "%zu hits, 'health' alone %zu", r->n_hits,
                 alone->n_hits);
    for (size_t i = 0; i < r->n_hits; i++)
        cr_assert(strcmp(r->hits[i].doc.id, alone->hits[i].doc.id) == 0 &&
                      fabs(r->hits[i].score - alone->hits[i].score) <= 1e-9,
                  "hit %zu: %s %.6f, 'health' alone %s %.6f", i, r->hits[i].doc.id,
                  r->hits[i].score, alone->hits[i].doc.id, alone->hits[i].score);
    ms_results_free(alone);
    ms_results_free(r);
    ms_index_close(idx);
}

Test(filtered, a_filter_keeps_the_unfiltered_scores)
{
    build(1);
    assert_filters_restrict(NULL);
}

Test(filtered, a_filter_keeps_the_scores_for_a_signed_in_viewer)
{
    build(1);
    assert_filters_restrict(&board);
}

Test(filtered, a_filter_keeps_the_unfiltered_scores_over_shards)
{
    build(3);
    assert_filters_restrict(&board);
}

Test(filtered, a_filter_keeps_the_scores_in_a_single_database)
{
    build(1);
    single_database();
    assert_filters_restrict_in(onepath, NULL);
    assert_filters_restrict_in(onepath, &board);
}
