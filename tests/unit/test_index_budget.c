/* test_index_budget.c - unit tests of a search's time budget and cancellation
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Time is made to pass at a chosen phase by the 'cancelled' callback,
 * which the search calls between its phases: it sleeps past the budget on
 * its n-th call, so which phases are skipped does not depend on the
 * machine's speed.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ms_index.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];
static ms_index_t *idx;

/* Forty documents with a country each, all about remittances. */
static void
setup(void)
{
    ms_index_error_t err;

    ms_test_tmpdir(tmpdir, "ms-test-budget");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    for (int i = 0; i < 40; i++) {
        char id[32], title[64];
        ms_field_t fields[] = {{"country", i % 2 ? "Kyrgyzstan" : "Kazakhstan"}};
        snprintf(id, sizeof id, "doc-%02d.txt", i);
        snprintf(title, sizeof title, "Remittances report %d", i);
        ms_document_t doc = {
            .id = id,
            .title = title,
            .body = "Remittances from migrant workers support households; money "
                    "transfers grew and remittance costs fell in the region.",
            .language = "en",
            .fields = fields,
            .n_fields = 1,
        };
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
}

static void
teardown(void)
{
    ms_index_close(idx);
    ms_test_remove_tree(tmpdir);
}

TestSuite(budget, .init = setup, .fini = teardown);

/* The callback's state: sleep 'sleep_ms' on call 'sleep_on' (1-based);
 * answer 'cancel' from call 'cancel_from' on (0: never). */
struct clock_hand {
    unsigned calls, sleep_on, sleep_ms, cancel_from;
};

static bool
tick(void *payload)
{
    struct clock_hand *hand = payload;
    hand->calls++;
    if (hand->calls == hand->sleep_on) {
        struct timespec pause = {0, (long)hand->sleep_ms * 1000000L};
        nanosleep(&pause, NULL);
    }
    return hand->cancel_from != 0 && hand->calls >= hand->cancel_from;
}

/* A search with facets, snippets and feedback, under a 1 ms budget. */
static ms_search_t
heavy(struct clock_hand *hand)
{
    ms_search_t search = {
        .query = "remittances",
        .limit = 10,
        .snippet_length = 80,
        .facets = 1,
        .time_budget_ms = 1,
        .cancelled = tick,
        .cancel_payload = hand,
    };
    return search;
}

Test(budget, a_search_within_its_budget_is_complete)
{
    struct clock_hand hand = {0};
    ms_search_t search = heavy(&hand);
    search.time_budget_ms = 60000;
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    cr_assert_eq(results->skipped, 0u);
    cr_assert_eq(results->n_hits, 10);
    cr_assert_not_null(results->hits[9].snippet);
    cr_assert_gt(results->n_facets, 0);
    cr_assert_gt(hand.calls, 3, "the budget is asked between phases");
    ms_results_free(results);
}

Test(budget, spent_before_the_match_is_over_budget)
{
    struct clock_hand hand = {.sleep_on = 1, .sleep_ms = 5};
    ms_search_t search = heavy(&hand);
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OVER_BUDGET);
    cr_assert_null(results);
    cr_assert_not_null(strstr(ms_index_errmsg(idx), "time budget"));
}

Test(budget, spent_after_the_parse_answers_hits_without_the_later_phases)
{
    struct clock_hand hand = {.sleep_on = 2, .sleep_ms = 5};
    ms_search_t search = heavy(&hand);
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    cr_assert_eq(results->n_hits, 10, "the match still answers");
    cr_assert_eq(results->skipped & MS_PHASE_FEEDBACK, MS_PHASE_FEEDBACK);
    cr_assert_eq(results->skipped & MS_PHASE_FACETS, MS_PHASE_FACETS);
    cr_assert_eq(results->skipped & MS_PHASE_SNIPPETS, MS_PHASE_SNIPPETS);
    cr_assert_eq(results->n_facets, 0);
    for (size_t i = 0; i < results->n_hits; i++)
        cr_assert_null(results->hits[i].snippet, "hit %zu", i);
    ms_results_free(results);
}

Test(budget, spent_during_the_snippets_leaves_the_last_hits_without)
{
    /* Calls: after the parse, before feedback, after the match, before
     * the facets, then one per hit: the sleep, past a budget generous for
     * the rest, comes at the fourth hit. */
    struct clock_hand hand = {.sleep_on = 8, .sleep_ms = 600};
    ms_search_t search = heavy(&hand);
    search.time_budget_ms = 500;
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    cr_assert_eq(results->skipped, MS_PHASE_SNIPPETS);
    cr_assert_not_null(results->hits[2].snippet);
    cr_assert_null(results->hits[3].snippet);
    cr_assert_null(results->hits[9].snippet);
    cr_assert_gt(results->n_facets, 0);
    ms_results_free(results);
}

Test(budget, a_cancelled_search_stops)
{
    struct clock_hand hand = {.cancel_from = 1};
    ms_search_t search = heavy(&hand);
    search.time_budget_ms = 60000;
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_CANCELLED);
    cr_assert_null(results);
    cr_assert_eq(hand.calls, 1, "nothing after the first phase");

    hand = (struct clock_hand){.cancel_from = 4};
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_CANCELLED);
    cr_assert_null(results);
}

Test(budget, phases_have_names_in_bit_order)
{
    cr_assert_str_eq(ms_index_phase_name(MS_PHASE_FEEDBACK), "feedback");
    cr_assert_str_eq(ms_index_phase_name(MS_PHASE_MATCH), "match");
    cr_assert_str_eq(ms_index_phase_name(MS_PHASE_FACETS), "facets");
    cr_assert_str_eq(ms_index_phase_name(MS_PHASE_SNIPPETS), "snippets");
    cr_assert_null(ms_index_phase_name(1u << 4));
    cr_assert_null(ms_index_phase_name(0));
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_OVER_BUDGET), "over budget");
    cr_assert_str_eq(ms_index_status_string(MS_INDEX_CANCELLED), "cancelled");
}

/* Forty documents share the words "remittances", "report" and "region";
 * these wildcards each match several terms. */
static unsigned long
matches_of(const char *query, unsigned max_expansion, unsigned total)
{
    ms_search_t search = {
        .query = query,
        .limit = 10,
        .max_expansion = max_expansion,
        .max_expansion_total = total,
        .no_feedback = 1,
    };
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    unsigned long n = results->estimate;
    ms_results_free(results);
    return n;
}

Test(budget, wildcards_share_the_total_expansion)
{
    ms_index_t *writer = idx;
    ms_document_t only = {
        .id = "only-remitz.txt", .title = "x", .body = "remitz", .language = "en"};
    ms_document_t more = {
        .id = "more-rezzz.txt", .title = "y", .body = "rezzz", .language = "en"};

    cr_assert_eq(ms_index_put(writer, &only), MS_INDEX_OK);
    cr_assert_eq(ms_index_put(writer, &more), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(writer), MS_INDEX_OK);
    /* "rem*" expands to remitz and the forty documents' "remitt..." terms,
     * "rez*" to rezzz: with room for all, both rare documents match. */
    cr_assert_eq(matches_of("rem* OR rez*", 100, 1000), 42);
    /* A total of 2 leaves each wildcard its most frequent term only: the
     * rare documents' words are not among them. */
    cr_assert_eq(matches_of("rem* OR rez*", 100, 2), 41);
    /* The share is at least one term, and never more than max_expansion. */
    cr_assert_eq(matches_of("rem* OR rez*", 1, 1000), 41);
    cr_assert_eq(matches_of("rem* OR rez*", 100, 1), 41);
}
