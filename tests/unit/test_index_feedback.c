/* test_index_feedback.c - the window pseudo relevance feedback reorders
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * With a window, feedback (indexer/shim/feedback.cc) reorders the best
 * feedback_window matches of the query as typed; the rest follow in their
 * own order. Without one (0), or for a query whose words are in fewer
 * than MS_INDEX_WINDOW_FACTOR times as many documents, it reorders every
 * match. The
 * archive here is made so that feedback over every match lifts documents
 * from past the window into it ("late": one "remittances" but the words
 * of the best hits), which the window must not do. Each answer is
 * checked against two others of the same index: feedback over every
 * match (feedback_window 0) for the window's order and
 * scores, and no feedback for the window's members and what follows.
 * The index is one database, and three shards read by a viewer of two
 * partitions (six sub-databases, whose document numbers interleave).
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ms_index_build.h"
#include "tmpdir.h"

#define WINDOW 20u
#define TOP 10    /* three "remittances" and the feedback words */
#define PLAIN 150 /* two "remittances", no feedback word */
#define LATE 30   /* one "remittances" and the feedback words */
#define OTHER 200
#define MATCHES (TOP + PLAIN + LATE)
/* Every view below holds "remittances" in enough documents for a window
 * of WINDOW (two thirds of the matches are public). */
_Static_assert(MATCHES * 2 / 3 >= MS_INDEX_WINDOW_FACTOR * WINDOW, "too few matches");

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static const char *const board_groups[] = {"board"};
static const ms_viewer_t board = {board_groups, 1};
static const ms_field_t to_board[] = {{"access", "board"}};

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-feedback");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(feedback, .init = setup, .fini = teardown);

/* The texts of the archive's documents: the best ones, the plain ones (a
 * word of their own each) and the words feedback takes from the best. */
#define BEST_TEXT "Remittances remittances remittances " FEEDBACK_WORDS
#define PLAIN_TEXT "Remittances remittances transfer fees w%d."
#define FEEDBACK_WORDS "diaspora bonds investment corridors."

/* Put a document of 'id' and 'text' in English, of 'date', the board's
 * when 'boards'. */
static void
put(ms_index_t *idx, const char *id, const char *text, const char *date, int boards)
{
    ms_document_t doc = {
        id, id, text, "en", date, boards ? to_board : NULL, boards ? 1 : 0};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
}

/* The archive above into a new index of 'shards' shards; every third
 * document is the board's. */
static void
build(unsigned shards)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open_shards(&idx, dbpath, shards, &err), MS_INDEX_OK, "%s",
                 err.text);
    char id[32], body[160];
    for (int i = 0; i < MATCHES + OTHER; i++) {
        const char *kind = i < TOP           ? "top"
                           : i < TOP + PLAIN ? "plain"
                           : i < MATCHES     ? "late"
                                             : "other";
        snprintf(id, sizeof id, "%s%03d", kind, i);
        if (i < TOP)
            snprintf(body, sizeof body, BEST_TEXT);
        else if (i < TOP + PLAIN)
            snprintf(body, sizeof body, PLAIN_TEXT, i);
        else if (i < MATCHES)
            snprintf(body, sizeof body, "Remittances " FEEDBACK_WORDS);
        else
            snprintf(body, sizeof body, "Visas and labour mobility w%d.", i);
        /* Only the best documents are of 2004 (a window holding every
         * match below). */
        put(idx, id, body, i < TOP ? "2004" : "2003", i % 3 == 0);
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

static ms_index_t *
open_reader(void)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    return idx;
}

static ms_results_t *
find_from(ms_index_t *idx, const ms_viewer_t *viewer, const char *date_from,
          unsigned offset, unsigned limit, int no_feedback, unsigned window)
{
    ms_search_t search = {.query = "remittances",
                          .language = "en",
                          .date_from = date_from,
                          .offset = offset,
                          .limit = limit,
                          .viewer = viewer,
                          .no_feedback = no_feedback,
                          .feedback_window = window};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    return results;
}

static ms_results_t *
find(ms_index_t *idx, const ms_viewer_t *viewer, unsigned offset, unsigned limit,
     int no_feedback, unsigned window)
{
    return find_from(idx, viewer, NULL, offset, limit, no_feedback, window);
}

/* Where 'id' is among the hits of 'results', or -1. */
static int
place(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++)
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return (int)i;
    return -1;
}

static void
expect_same_hit(const ms_hit_t *a, const ms_hit_t *b, const char *what, size_t at)
{
    cr_assert_str_eq(a->doc.id, b->doc.id, "%s, hit %zu", what, at);
    cr_assert(fabs(a->score - b->score) < 1e-9, "%s, hit %zu: %f vs %f", what, at,
              a->score, b->score);
}

/* The totals of 'a' are those of 'b'. */
static void
expect_same_totals(const ms_results_t *a, const ms_results_t *b, const char *what)
{
    cr_assert_eq(a->estimate, b->estimate, "%s", what);
    cr_assert_eq(a->lower, b->lower, "%s", what);
    cr_assert_eq(a->upper, b->upper, "%s", what);
}

/* Every match of "remittances" as 'viewer' sees them, by the window, by
 * every match and without feedback, held to what the window means. */
static void
expect_window(ms_index_t *idx, const ms_viewer_t *viewer)
{
    ms_results_t *window = find(idx, viewer, 0, 500, 0, WINDOW);
    ms_results_t *every = find(idx, viewer, 0, 500, 0, 0);
    ms_results_t *plain = find(idx, viewer, 0, 500, 1, 0);
    size_t n = plain->n_hits;
    cr_assert_gt(n, WINDOW);
    cr_assert_eq(window->n_hits, n);
    cr_assert_eq(every->n_hits, n);
    cr_assert_eq(window->estimate, plain->estimate);

    /* Over every match feedback lifts a late document into the window,
     * so what follows tells the two apart. */
    int lifted = 0;
    for (size_t i = 0; i < WINDOW; i++)
        lifted += strncmp(every->hits[i].doc.id, "late", 4) == 0;
    cr_assert_gt(lifted, 0, "the archive no longer tells the window apart");

    /* The window: the best WINDOW without feedback, in the order and with
     * the scores feedback over every match gives them. */
    int last = -1;
    for (size_t i = 0; i < WINDOW; i++) {
        const ms_hit_t *hit = &window->hits[i];
        cr_assert_geq(place(plain, hit->doc.id), 0);
        cr_assert_lt(place(plain, hit->doc.id), (int)WINDOW, "%s: not in the window",
                     hit->doc.id);
        int there = place(every, hit->doc.id);
        cr_assert_gt(there, last, "%s: out of feedback's order", hit->doc.id);
        last = there;
        expect_same_hit(hit, &every->hits[there], "against every match", i);
    }
    /* Past it: the order and scores without feedback. */
    for (size_t i = WINDOW; i < n; i++)
        expect_same_hit(&window->hits[i], &plain->hits[i], "against no feedback", i);

    /* A page across the window's edge is that part of the whole list. */
    ms_results_t *page = find(idx, viewer, WINDOW - 5, 10, 0, WINDOW);
    cr_assert_eq(page->n_hits, 10);
    for (size_t i = 0; i < page->n_hits; i++)
        expect_same_hit(&page->hits[i], &window->hits[WINDOW - 5 + i], "a page", i);
    ms_results_free(page);

    /* A page inside the window, matched over the window alone, is that
     * part of it too, with the totals of the search without feedback. */
    for (unsigned offset = 0; offset + 10 <= WINDOW; offset += 5) {
        ms_results_t *inside = find(idx, viewer, offset, 10, 0, WINDOW);
        ms_results_t *bare = find(idx, viewer, offset, 10, 1, 0);
        cr_assert_eq(inside->n_hits, 10);
        for (size_t i = 0; i < inside->n_hits; i++) {
            const ms_hit_t *hit = &inside->hits[i], *there = &window->hits[offset + i];
            expect_same_hit(hit, there, "a page inside", i);
            cr_assert_eq(hit->percent, there->percent,
                         "a page inside, hit %zu: %u%% vs %u%%", i, hit->percent,
                         there->percent);
        }
        expect_same_totals(inside, bare, "a page inside");
        ms_results_free(inside);
        ms_results_free(bare);
    }
    ms_results_free(window);
    ms_results_free(every);
    ms_results_free(plain);
}

Test(feedback, reorders_the_window_only_in_one_database)
{
    build(1);
    ms_index_t *idx = open_reader();
    expect_window(idx, NULL);
    ms_index_close(idx);
}

Test(feedback, reorders_the_window_only_over_shards_and_partitions)
{
    build(3);
    ms_index_t *idx = open_reader();
    expect_window(idx, &board);
    expect_window(idx, NULL);
    ms_index_close(idx);
}

/* A window for a query whose words are in fewer than
 * MS_INDEX_WINDOW_FACTOR times as many documents is not used: feedback
 * reorders every match. WIDE is under the matches, so a window of it
 * would keep the late documents past it, where every match lifts them;
 * and MS_INDEX_WINDOW_FACTOR times it is over twice the matches (the word
 * and its stem could each count them), so the rule must leave it out. */
#define WIDE 100u
_Static_assert((WIDE < MATCHES - LATE) && (MS_INDEX_WINDOW_FACTOR * WIDE > 2 * MATCHES),
               "WIDE must tell a window from every match");

Test(feedback, no_window_for_a_query_in_few_documents)
{
    build(1);
    ms_index_t *idx = open_reader();
    ms_results_t *wide = find(idx, &board, 0, 500, 0, WIDE);
    ms_results_t *every = find(idx, &board, 0, 500, 0, 0);
    cr_assert_eq(wide->n_hits, MATCHES, "%zu hits", wide->n_hits);
    cr_assert_eq(every->n_hits, MATCHES);
    for (size_t i = 0; i < every->n_hits; i++)
        expect_same_hit(&wide->hits[i], &every->hits[i], "every match", i);
    ms_results_free(wide);
    ms_results_free(every);
    ms_index_close(idx);
}

/* A window that holds every match (the words are in many documents, the
 * filter leaves fewer matches than the window) is every match reordered,
 * pages and totals as feedback over every match gives them. */
Test(feedback, a_window_holding_every_match_is_every_match)
{
    build(3);
    ms_index_t *idx = open_reader();
    ms_results_t *every = find_from(idx, &board, "2004", 0, 500, 0, 0);
    cr_assert_eq(every->n_hits, TOP);
    cr_assert_lt(every->n_hits, WINDOW);
    /* Pages inside the window, and one reaching past it. */
    for (unsigned offset = 0; offset < TOP; offset += 3) {
        unsigned limit = offset == 9 ? 500 : 5;
        ms_results_t *window = find_from(idx, &board, "2004", offset, limit, 0, WINDOW);
        cr_assert_eq(window->n_hits, offset + limit <= TOP ? limit : TOP - offset);
        for (size_t i = 0; i < window->n_hits; i++)
            expect_same_hit(&window->hits[i], &every->hits[offset + i], "every match", i);
        expect_same_totals(window, every, "every match");
        ms_results_free(window);
    }
    ms_results_free(every);
    ms_index_close(idx);
}

/* Documents of 2005 added to the archive: a few best ones with the words
 * feedback takes, plain ones under them, and last the lifted ones, which
 * have the plain ones' "remittances" and the feedback words. */
#define BEST05 10 /* the documents feedback reads: all "best" */
#define PLAIN05 8
#define LIFTED05 2
_Static_assert(BEST05 + PLAIN05 + LIFTED05 <= WINDOW, "the window holds 2005");

static void
add_2005(void)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    char id[32], body[160];
    for (int i = 0; i < BEST05; i++) {
        snprintf(id, sizeof id, "best05-%02d", i);
        put(idx, id, BEST_TEXT, "2005", 0);
    }
    for (int i = 0; i < PLAIN05; i++) {
        snprintf(id, sizeof id, "plain05-%02d", i);
        snprintf(body, sizeof body, PLAIN_TEXT, 500 + i);
        put(idx, id, body, "2005", 0);
    }
    /* One word longer than a plain one: under it without feedback. */
    for (int i = 0; i < LIFTED05; i++) {
        snprintf(id, sizeof id, "lifted05-%02d", i);
        put(idx, id, "Remittances remittances " FEEDBACK_WORDS, "2005", 0);
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

/* A page inside the window is found among the window's documents that
 * feedback can lift into it, down to the lowest: here the lifted
 * documents are last without feedback and right after the best ones
 * with it, so the pages from offset 5 hold them. */
Test(feedback, a_page_holds_what_feedback_lifts_from_low_in_the_window)
{
    build(1);
    add_2005();
    ms_index_t *idx = open_reader();
    ms_results_t *every = find_from(idx, NULL, "2005", 0, 500, 0, 0);
    ms_results_t *plain = find_from(idx, NULL, "2005", 0, 500, 1, 0);
    cr_assert_eq(every->n_hits, BEST05 + PLAIN05 + LIFTED05);
    int low = 0, lifted = 0;
    for (size_t i = 0; i < every->n_hits; i++) {
        if (strncmp(every->hits[i].doc.id, "lifted", 6) != 0)
            continue;
        low += place(plain, every->hits[i].doc.id) >= BEST05 + PLAIN05;
        lifted += i < BEST05 + LIFTED05;
    }
    cr_assert_eq(low, LIFTED05, "the lifted documents are not last without feedback");
    cr_assert_eq(lifted, LIFTED05,
                 "feedback no longer lifts the documents over the plain");
    for (unsigned offset = 0; offset < every->n_hits; offset += 5) {
        ms_results_t *page = find_from(idx, NULL, "2005", offset, 10, 0, WINDOW);
        size_t n = every->n_hits - offset < 10 ? every->n_hits - offset : 10;
        cr_assert_eq(page->n_hits, n);
        for (size_t i = 0; i < n; i++)
            expect_same_hit(&page->hits[i], &every->hits[offset + i], "a page", i);
        expect_same_totals(page, every, "a page");
        ms_results_free(page);
    }
    ms_results_free(every);
    ms_results_free(plain);
    ms_index_close(idx);
}
