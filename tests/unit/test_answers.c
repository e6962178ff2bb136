/* test_answers.c - the /search answers a worker keeps (fcgi/answers.c)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The cache alone: keys compared as bytes, the budget, the least recently
 * used leaving first, any change of index state or config emptying it,
 * and the text and the place of its time kept as given.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_answers.h"

static const int config_a = 1, config_b = 2;

/* An answer of 'size' bytes or more, whose text names 'what'; its took_ms
 * value is "1.5". Free with free_answer(). */
static ms_answer_t
answer(const char *what, size_t size)
{
    static const char took[] = ",\"took_ms\":";
    ms_answer_t a;
    size_t n = strlen(what) + size + 64;
    char *text = malloc(n);
    cr_assert(text);
    int len = snprintf(text, n, "{\"query\":\"%s\"%s1.5,\"results\":[\"%*s\"]}", what,
                       took, (int)size, "");
    a.text = text;
    a.length = (size_t)len;
    a.took_at = (size_t)(strstr(text, took) - text) + sizeof(took) - 1;
    a.took_length = 3;
    a.hits = 1;
    return a;
}

static void
free_answer(ms_answer_t *a)
{
    free((char *)a->text);
}

/* Whether the kept answer for 'key' is there and names 'what'. */
static bool
has(ms_answers_t *a, const char *key, size_t len, const char *what)
{
    ms_answer_t got;
    char want[128];
    if (!ms_answers_get(a, key, len, &got))
        return false;
    snprintf(want, sizeof want, "{\"query\":\"%s\"", what);
    cr_assert(got.length > strlen(want) && memcmp(got.text, want, strlen(want)) == 0,
              "%s: %.*s", key, (int)got.length, got.text);
    cr_assert_eq(memcmp(got.text + got.took_at, "1.5", got.took_length), 0);
    cr_assert_eq(got.hits, 1);
    return true;
}

Test(answers, gives_again_what_it_kept_for_the_same_key_only)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("water", 100);

    cr_assert(a);
    ms_answers_sync(a, 7, &config_a, 1 << 20);
    cr_expect_not(has(a, "q=water", 7, "water"));
    cr_assert_eq(ms_answers_put(a, "q=water", 7, &one), 0);
    cr_expect(has(a, "q=water", 7, "water"));
    /* A key is all its bytes: a prefix, a longer one and one differing
     * after a NUL are other keys. */
    cr_expect_not(has(a, "q=wate", 6, "water"));
    cr_expect_not(has(a, "q=water&", 8, "water"));
    cr_assert_eq(ms_answers_put(a, "g\0q=x", 5, &one), 0);
    cr_expect_not(has(a, "g\0q=y", 5, "water"));
    cr_expect(has(a, "g\0q=x", 5, "water"));
    cr_expect_eq(ms_answers_count(a), 2);
    /* A copy was kept: the caller's text may go. */
    free_answer(&one);
    cr_expect(has(a, "q=water", 7, "water"));
    ms_answers_free(a);
}

Test(answers, a_new_index_state_or_config_empties_it)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("water", 100);

    ms_answers_sync(a, 7, &config_a, 1 << 20);
    ms_answers_put(a, "k", 1, &one);
    ms_answers_sync(a, 7, &config_a, 1 << 20);
    cr_expect(has(a, "k", 1, "water"), "the same state and config keep it");
    ms_answers_sync(a, 8, &config_a, 1 << 20);
    cr_expect_not(has(a, "k", 1, "water"), "a new index state");
    cr_expect_eq(ms_answers_count(a), 0);
    cr_expect_eq(ms_answers_bytes(a), 0);
    ms_answers_put(a, "k", 1, &one);
    ms_answers_sync(a, 8, &config_b, 1 << 20);
    cr_expect_not(has(a, "k", 1, "water"), "a reloaded config");
    free_answer(&one);
    ms_answers_free(a);
}

Test(answers, the_budget_holds_and_the_least_recently_used_leaves_first)
{
    ms_answers_t *a = ms_answers_new();
    char key[32];

    /* 64 KB: room for about thirty answers of 2 KB; one over a quarter
     * (16 KB) is not kept. */
    ms_answers_sync(a, 1, &config_a, 64 << 10);
    ms_answer_t big = answer("big", 17 << 10);
    cr_expect_eq(ms_answers_put(a, "big", 3, &big), -1);
    free_answer(&big);
    cr_expect_eq(ms_answers_count(a), 0);
    for (int i = 0; i < 100; i++) {
        ms_answer_t one = answer("n", 2000);
        snprintf(key, sizeof key, "q=%d", i);
        cr_assert_eq(ms_answers_put(a, key, strlen(key), &one), 0);
        free_answer(&one);
        cr_assert_leq(ms_answers_bytes(a), 64 << 10, "after %d: %zu bytes", i,
                      ms_answers_bytes(a));
        /* q=0 is asked for after every put: it is never the least
         * recently used, so it never leaves. */
        cr_assert(has(a, "q=0", 3, "n"), "q=0 left after %d puts", i);
    }
    cr_expect_geq(ms_answers_count(a), 20);
    cr_expect_lt(ms_answers_count(a), 40);
    /* The newest stay, the oldest (but q=0) went. */
    cr_expect_not(has(a, "q=1", 3, "n"));
    cr_expect(has(a, "q=99", 4, "n"));
    /* A smaller budget drops the least recently used at the next sync. */
    ms_answers_sync(a, 1, &config_a, 8 << 10);
    cr_expect_leq(ms_answers_bytes(a), 8 << 10);
    cr_expect(has(a, "q=99", 4, "n"), "the most recently used stays");
    ms_answers_sync(a, 1, &config_a, 0);
    cr_expect_eq(ms_answers_count(a), 0, "a budget of 0 keeps nothing");
    ms_answer_t one = answer("n", 10);
    cr_expect_eq(ms_answers_put(a, "k", 1, &one), -1);
    free_answer(&one);
    ms_answers_free(a);
}

Test(answers, a_key_put_again_replaces_its_answer)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("first", 100), two = answer("second", 100);

    ms_answers_sync(a, 1, &config_a, 1 << 20);
    ms_answers_put(a, "k", 1, &one);
    size_t bytes = ms_answers_bytes(a);
    ms_answers_put(a, "k", 1, &two);
    cr_expect_eq(ms_answers_count(a), 1);
    cr_expect_eq(ms_answers_bytes(a), bytes + 1, "\"second\" is one byte longer");
    cr_expect(has(a, "k", 1, "second"));
    free_answer(&one);
    free_answer(&two);
    ms_answers_free(a);
}

Test(answers, an_answer_whose_time_lies_outside_it_is_refused)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("water", 10);

    ms_answers_sync(a, 1, &config_a, 1 << 20);
    one.took_at = one.length - 1;
    one.took_length = 2;
    cr_expect_eq(ms_answers_put(a, "k", 1, &one), -1);
    cr_expect_eq(ms_answers_count(a), 0);
    free_answer(&one);
    ms_answers_free(a);
}

Test(answers, many_keys_grow_the_table_and_stay_found)
{
    ms_answers_t *a = ms_answers_new();
    char key[32];

    ms_answers_sync(a, 1, &config_a, 64 << 20);
    ms_answer_t one = answer("n", 10);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "q=%d", i);
        cr_assert_eq(ms_answers_put(a, key, strlen(key), &one), 0);
    }
    free_answer(&one);
    cr_expect_eq(ms_answers_count(a), 5000);
    for (int i = 0; i < 5000; i += 7) {
        snprintf(key, sizeof key, "q=%d", i);
        cr_assert(has(a, key, strlen(key), "n"), "%s", key);
    }
    ms_answers_free(a);
    ms_answers_free(NULL);
}
