/* test_index_caches.cc - the reader's caches kept by document number (index-caches.hh)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_index_lru keeps hits' records (records.cc) and feedback documents'
 * terms (expand.cc) within a byte budget a handle. What must hold: the
 * most recently used values stay, the least recently used leave first, a
 * value too large for its share is never kept, and the bytes counted
 * never pass the budget. That the caches follow a changed index is
 * tested where they are used (test_index, test_index_expand).
 */
#include <criterion/criterion.h>

#include <memory>
#include <string>

#include "index-caches.hh"

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
