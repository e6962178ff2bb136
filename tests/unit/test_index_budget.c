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

/* Spent after the parse, before feedback: the match looks at the budget
 * every 16 documents it reaches (budget.watch()), so the 40 matches of
 * "remittances" are not ranked: nothing to answer. */
Test(budget, spent_after_the_parse_stops_the_match)
{
    struct clock_hand hand = {.sleep_on = 2, .sleep_ms = 5};
    ms_search_t search = heavy(&hand);
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OVER_BUDGET);
    cr_assert_null(results);
    cr_assert_not_null(strstr(ms_index_errmsg(idx), "time budget"));
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

/* Suggestions and similar documents work under the same budget and stop
 * for the same callback; neither answers a partial list. */
static ms_work_t
work_of(struct clock_hand *hand, unsigned time_budget_ms)
{
    ms_work_t work = {
        .time_budget_ms = time_budget_ms,
        .cancelled = tick,
        .cancel_payload = hand,
    };
    return work;
}

/* A request of the kind 'similar' (else a suggestion) under 'work';
 * *items gets the length of its answer. */
static ms_index_status_t
related(bool similar, ms_work_t *work, size_t *items)
{
    ms_strings_t *list = NULL;
    ms_results_t *results = NULL;
    ms_index_status_t status =
        similar ? ms_index_similar(&results, idx, "doc-00.txt", NULL, 5, work)
                : ms_index_suggest(&list, idx, "remit", NULL, 5, work);
    cr_assert(status == MS_INDEX_OK || (list == NULL && results == NULL),
              "no partial list");
    *items = similar ? (results ? results->n_hits : 0) : (list ? list->n_items : 0);
    ms_strings_free(list);
    ms_results_free(results);
    return status;
}

Test(budget, suggestions_and_similar_documents_work_within_the_budget)
{
    for (int similar = 0; similar < 2; similar++) {
        struct clock_hand hand = {0};
        ms_work_t work = work_of(&hand, 60000);
        size_t items = 0;

        cr_assert_eq(related(similar, &work, &items), MS_INDEX_OK, "%s",
                     ms_index_errmsg(idx));
        cr_assert_geq(items, similar ? 5 : 2);
        cr_assert_gt(hand.calls, 0, "the budget is asked");

        /* Out of time at the first check. */
        hand = (struct clock_hand){.sleep_on = 1, .sleep_ms = 5};
        work = work_of(&hand, 1);
        cr_assert_eq(related(similar, &work, &items), MS_INDEX_OVER_BUDGET);
        cr_assert_not_null(strstr(ms_index_errmsg(idx), "time budget"));

        /* Cancelled at the first check: nothing after it. */
        hand = (struct clock_hand){.cancel_from = 1};
        work = work_of(&hand, 60000);
        cr_assert_eq(related(similar, &work, &items), MS_INDEX_CANCELLED);
        cr_assert_eq(hand.calls, 1, "nothing after the first check");
    }
}

/* Wildcards are expanded before the match, under the budget
 * (wildcards.cc): with time to spare they find what Xapian's own
 * expansion found, every document of "remittances" and "money". */
Test(budget, a_wildcard_search_within_the_budget_is_complete)
{
    ms_search_t search = {
        .query = "rem* OR mon*",
        .limit = 10,
        .no_feedback = 1,
        .time_budget_ms = 60000,
    };
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    cr_assert_eq(results->estimate, 40);
    cr_assert_eq(results->skipped, 0u);
    ms_results_free(results);
}
