/* test_index_caches.cc - the reader's caches kept by document number (index-caches.hh)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_index_lru keeps hits' records (records.cc) and feedback documents'
 * terms (expand.cc) within a byte budget a handle. What must hold: the
 * most recently used values stay, the least recently used leave first, a
 * value too large for its share is never kept, and the bytes counted
 * never pass the budget; and a reader keeps no more than
 * ms_index_set_cache() allows. That the caches follow a changed index is
 * tested where they are used (test_index, test_index_expand).
 */
#include <criterion/criterion.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "index-caches.hh"
#include "index-handle.hh"

extern "C" {
#include "tmpdir.h"
}

static std::shared_ptr<const std::string>
value(const char *text)
{
    return std::make_shared<const std::string>(text);
}

Test(lru, keeps_what_was_put_until_its_room_is_needed)
{
    ms_index_lru<const std::string> lru(100);
    lru.put(1, value("one"), 25);
    lru.put(2, value("two"), 25);
    lru.put(3, value("three"), 25);
    lru.put(4, value("four"), 25);
    cr_assert_eq(lru.bytes(), 100u);
    for (Xapian::docid did = 1; did <= 4; did++)
        cr_assert_not_null(lru.find(did), "%u", did);
    cr_assert_str_eq(lru.find(3)->c_str(), "three");
    cr_assert_null(lru.find(5));

    /* 1 was used longest ago (found first above): it leaves for 5. */
    lru.put(5, value("five"), 25);
    cr_assert_null(lru.find(1));
    cr_assert_not_null(lru.find(5));
    cr_assert_eq(lru.bytes(), 100u);
}

Test(lru, a_value_found_is_used_again_and_stays)
{
    ms_index_lru<const std::string> lru(100);
    for (Xapian::docid did = 1; did <= 5; did++)
        lru.put(did, value("x"), 20);
    cr_assert_not_null(lru.find(1)); /* 2 is now the least recently used */
    lru.put(6, value("six"), 25);    /* needs the room of two values */
    cr_assert_not_null(lru.find(1));
    cr_assert_null(lru.find(2));
    cr_assert_null(lru.find(3));
    cr_assert_not_null(lru.find(4));
    cr_assert_not_null(lru.find(5));
    cr_assert_not_null(lru.find(6));
    cr_assert_eq(lru.bytes(), 85u);
}

Test(lru, a_value_over_a_quarter_of_the_budget_is_not_kept)
{
    ms_index_lru<const std::string> lru(100);
    lru.put(1, value("one"), 25);
    lru.put(2, value("long"), 26);
    cr_assert_null(lru.find(2));
    cr_assert_not_null(lru.find(1), "a value not kept takes no one's room");
    cr_assert_eq(lru.bytes(), 25u);
}

Test(lru, a_value_given_out_outlives_its_leaving)
{
    ms_index_lru<const std::string> lru(100);
    lru.put(1, value("one"), 25);
    std::shared_ptr<const std::string> held = lru.find(1);
    for (Xapian::docid did = 2; did <= 5; did++)
        lru.put(did, value("x"), 25);
    cr_assert_null(lru.find(1));
    cr_assert_str_eq(held->c_str(), "one");
}

Test(lru, clear_forgets_everything)
{
    ms_index_lru<const std::string> lru(100);
    for (Xapian::docid did = 1; did <= 10; did++)
        lru.put(did, value("x"), 10);
    cr_assert_eq(lru.bytes(), 100u);
    lru.clear();
    cr_assert_eq(lru.bytes(), 0u);
    for (Xapian::docid did = 1; did <= 10; did++)
        cr_assert_null(lru.find(did));
    lru.put(11, value("y"), 25);
    cr_assert_not_null(lru.find(11));
}

Test(lru, a_smaller_budget_drops_the_least_recently_used_now)
{
    ms_index_lru<const std::string> lru(100);
    for (Xapian::docid did = 1; did <= 4; did++)
        lru.put(did, value("x"), 25);
    cr_assert_not_null(lru.find(1));
    lru.set_budget(50);
    cr_assert_eq(lru.bytes(), 50u);
    cr_assert_not_null(lru.find(1));
    cr_assert_not_null(lru.find(4));
    cr_assert_null(lru.find(2));
    cr_assert_null(lru.find(3));
    lru.set_budget(0);
    cr_assert_eq(lru.bytes(), 0u);
    lru.put(5, value("y"), 1);
    cr_assert_null(lru.find(5), "nothing fits a budget of 0");
}

Test(lru, a_value_that_grows_is_counted_again_and_makes_room)
{
    ms_index_lru<const std::string> lru(100);
    for (Xapian::docid did = 1; did <= 5; did++)
        lru.put(did, value("x"), 20);
    cr_assert_not_null(lru.find(1)); /* used last: 1 5 4 3 2 */

    /* 5 more than the budget: the least recently used, 2, leaves. */
    lru.resize(1, 25);
    cr_assert_eq(lru.bytes(), 85u, "%zu", lru.bytes());
    cr_assert_null(lru.find(2));
    lru.resize(4, 10); /* shrinks */
    cr_assert_eq(lru.bytes(), 75u);
    lru.put(6, value("y"), 25); /* fits: 6 1 5 4 3 */
    cr_assert_eq(lru.bytes(), 100u);

    /* Growing does not make a value recently used: 3 leaves, not 5. */
    lru.resize(5, 25);
    cr_assert_eq(lru.bytes(), 85u, "%zu", lru.bytes());
    cr_assert_null(lru.find(3));
    for (Xapian::docid did : {1u, 4u, 5u, 6u})
        cr_assert_not_null(lru.find(did), "%u", did);
}

Test(lru, a_value_grown_past_a_quarter_leaves_alone)
{
    ms_index_lru<const std::string> lru(100);
    lru.put(1, value("one"), 10);
    std::shared_ptr<const std::string> held = lru.find(1);
    lru.put(2, value("two"), 10);
    lru.resize(1, 26);
    cr_assert_null(lru.find(1));
    cr_assert_not_null(lru.find(2), "the others stay");
    cr_assert_eq(lru.bytes(), 10u);
    cr_assert_str_eq(held->c_str(), "one", "a value given out outlives its leaving");
    lru.resize(7, 10); /* not kept: nothing happens */
    cr_assert_eq(lru.bytes(), 10u);
}

/* A reader over a few long records, searched for each of them. */
static ms_index_t *
reader_of_long_records(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/index", dir);
    ms_index_t *writer = nullptr, *reader = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&writer, path, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    std::string body;
    while (body.size() < 20000)
        body += "Seasonal workers pick the orchards of the valley. ";
    for (int i = 0; i < 4; i++) {
        std::string id = "long-" + std::to_string(i);
        ms_document_t doc = {
            id.c_str(), "A long record", body.c_str(), "en", nullptr, nullptr, 0};
        cr_assert_eq(ms_index_put(writer, &doc), MS_INDEX_OK);
    }
    cr_assert_eq(ms_index_commit(writer), MS_INDEX_OK);
    ms_index_close(writer);
    cr_assert_eq(ms_index_open(&reader, path, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    return reader;
}

/* The bytes one cache ('records' or 'doc_terms') holds in every view of
 * 'reader' (a search reads through the view of its viewer). */
template <typename T>
static size_t
kept(ms_index_t *reader, ms_index_lru<T> ms_index_caches::*cache)
{
    size_t n = 0;
    for (auto &view : static_cast<ms_index_handle *>(reader)->views)
        n += (view.second->caches.*cache).bytes();
    return n;
}

static size_t
kept_records(ms_index_t *reader)
{
    return kept(reader, &ms_index_caches::records);
}

static size_t
kept_terms(ms_index_t *reader)
{
    return kept(reader, &ms_index_caches::doc_terms);
}

static void
search_orchards(ms_index_t *reader, unsigned snippet_length = 200)
{
    ms_search_t search = {};
    search.query = "orchards";
    search.language = "en";
    search.limit = 10;
    search.snippet_length = snippet_length;
    ms_results_t *results = nullptr;
    cr_assert_eq(ms_index_search(&results, reader, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 4u);
    if (snippet_length)
        cr_assert_not_null(strstr(results->hits[0].snippet, "<mark>orchards</mark>"));
    ms_results_free(results);
}

Test(caches, a_record_is_counted_again_with_what_snippets_add_to_it)
{
    char dir[PATH_MAX];
    ms_test_tmpdir(dir, "caches");
    ms_index_t *reader = reader_of_long_records(dir);

    search_orchards(reader, 0);
    size_t records = kept_records(reader);
    cr_assert_gt(records, 4 * 20000u, "four records: %zu", records);
    cr_assert_lt(records, 4 * 2 * 20000u, "no snippet text yet: %zu", records);
    /* Each adds its text in lower case and the words of its chunks. */
    search_orchards(reader);
    cr_assert_gt(kept_records(reader), records + 4 * 20000u, "%zu then %zu", records,
                 kept_records(reader));
    ms_index_close(reader);
    ms_test_remove_tree(dir);
}

Test(caches, a_reader_keeps_no_more_documents_than_it_is_told)
{
    char dir[PATH_MAX];
    ms_test_tmpdir(dir, "caches");
    ms_index_t *reader = reader_of_long_records(dir);

    search_orchards(reader);
    cr_assert_gt(kept_records(reader), 4 * 2 * 20000u, "four records and their text: %zu",
                 kept_records(reader));
    cr_assert_gt(kept_terms(reader), 0u);

    /* One record with its text, words and, once read again, its chunks'
     * starts (the four are alike). */
    size_t once = kept_records(reader);
    search_orchards(reader);
    cr_assert_gt(kept_records(reader), once, "the starts are counted");
    size_t one = kept_records(reader) / 4;
    cr_assert_eq(kept_records(reader), 4 * one);

    /* Room for four and a half: each is under a quarter, all stay. */
    ms_index_set_cache(reader, 2 * (4 * one + one / 2));
    search_orchards(reader);
    cr_assert_eq(kept_records(reader), 4 * one);

    /* Room for two and a half: two leave at once, and the two left, over
     * a quarter of it, leave when next used; the others are not kept. */
    ms_index_set_cache(reader, 2 * (2 * one + one / 2));
    cr_assert_eq(kept_records(reader), 2 * one);
    search_orchards(reader);
    cr_assert_eq(kept_records(reader), 0u);

    ms_index_set_cache(reader, 0);
    cr_assert_eq(kept_records(reader) + kept_terms(reader), 0u);
    search_orchards(reader);
    cr_assert_eq(kept_records(reader) + kept_terms(reader), 0u);
    ms_index_close(reader);
    ms_test_remove_tree(dir);
}
