/* test_answers.c - the /search answers a worker keeps (fcgi/answers.c)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The cache alone: keys compared as bytes, the budget, the least recently
 * used leaving first, any change of index state or config emptying it,
 * the text and the place of its time kept as given, and threads sharing
 * it, each in its own scope.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
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
has_in(ms_answers_t *a, const ms_answers_scope_t *scope, const char *key, size_t len,
       const char *what)
{
    ms_answer_t got;
    char want[128];
    if (!ms_answers_get(a, scope, key, len, &got))
        return false;
    snprintf(want, sizeof want, "{\"query\":\"%s\"", what);
    cr_assert(got.length > strlen(want) && memcmp(got.text, want, strlen(want)) == 0,
              "%s: %.*s", key, (int)got.length, got.text);
    cr_assert_eq(memcmp(got.text + got.took_at, "1.5", got.took_length), 0);
    cr_assert_eq(got.hits, 1);
    free((char *)got.text);
    return true;
}

/* The scope the tests below are in; set_scope() changes it. */
static ms_answers_scope_t scope;

static void
set_scope(unsigned long long state, const void *config, size_t budget)
{
    scope = (ms_answers_scope_t){state, config, budget};
}

static bool
has(ms_answers_t *a, const char *key, size_t len, const char *what)
{
    return has_in(a, &scope, key, len, what);
}

static int
put(ms_answers_t *a, const char *key, size_t len, const ms_answer_t *answer)
{
    return ms_answers_put(a, &scope, key, len, answer);
}

Test(answers, gives_again_what_it_kept_for_the_same_key_only)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("water", 100);

    cr_assert(a);
    set_scope(7, &config_a, 1 << 20);
    cr_expect_not(has(a, "q=water", 7, "water"));
    cr_assert_eq(put(a, "q=water", 7, &one), 0);
    cr_expect(has(a, "q=water", 7, "water"));
    /* A key is all its bytes: a prefix, a longer one and one differing
     * after a NUL are other keys. */
    cr_expect_not(has(a, "q=wate", 6, "water"));
    cr_expect_not(has(a, "q=water&", 8, "water"));
    cr_assert_eq(put(a, "g\0q=x", 5, &one), 0);
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

    set_scope(7, &config_a, 1 << 20);
    put(a, "k", 1, &one);
    set_scope(7, &config_a, 1 << 20);
    cr_expect(has(a, "k", 1, "water"), "the same state and config keep it");
    set_scope(8, &config_a, 1 << 20);
    cr_expect_not(has(a, "k", 1, "water"), "a new index state");
    cr_expect_eq(ms_answers_count(a), 0);
    cr_expect_eq(ms_answers_bytes(a), 0);
    put(a, "k", 1, &one);
    set_scope(8, &config_b, 1 << 20);
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
    set_scope(1, &config_a, 64 << 10);
    ms_answer_t big = answer("big", 17 << 10);
    cr_expect_eq(put(a, "big", 3, &big), -1);
    free_answer(&big);
    cr_expect_eq(ms_answers_count(a), 0);
    for (int i = 0; i < 100; i++) {
        ms_answer_t one = answer("n", 2000);
        snprintf(key, sizeof key, "q=%d", i);
        cr_assert_eq(put(a, key, strlen(key), &one), 0);
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
    /* A smaller budget drops the least recently used at the next call. */
    set_scope(1, &config_a, 8 << 10);
    cr_expect(has(a, "q=99", 4, "n"), "the most recently used stays");
    cr_expect_leq(ms_answers_bytes(a), 8 << 10);
    set_scope(1, &config_a, 0);
    cr_expect_not(has(a, "q=99", 4, "n"));
    cr_expect_eq(ms_answers_count(a), 0, "a budget of 0 keeps nothing");
    ms_answer_t one = answer("n", 10);
    cr_expect_eq(put(a, "k", 1, &one), -1);
    free_answer(&one);
    ms_answers_free(a);
}

Test(answers, a_key_put_again_replaces_its_answer)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("first", 100), two = answer("second", 100);

    set_scope(1, &config_a, 1 << 20);
    put(a, "k", 1, &one);
    size_t bytes = ms_answers_bytes(a);
    put(a, "k", 1, &two);
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

    set_scope(1, &config_a, 1 << 20);
    one.took_at = one.length - 1;
    one.took_length = 2;
    cr_expect_eq(put(a, "k", 1, &one), -1);
    cr_expect_eq(ms_answers_count(a), 0);
    free_answer(&one);
    ms_answers_free(a);
}

Test(answers, many_keys_grow_the_table_and_stay_found)
{
    ms_answers_t *a = ms_answers_new();
    char key[32];

    set_scope(1, &config_a, 64 << 20);
    ms_answer_t one = answer("n", 10);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "q=%d", i);
        cr_assert_eq(put(a, key, strlen(key), &one), 0);
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

/* ---- threads ---- */

/* A worker thread as the server has them: it serves 'state' (two threads
 * a state: one has reopened the index, the other not yet), puts answers
 * that name their state and asks for keys any thread may have put. */
typedef struct sharer {
    ms_answers_t *a;
    unsigned long long state;
    atomic_long *foreign; /* answers got that name another state */
    long got;
} sharer_t;

static void *
share(void *arg)
{
    sharer_t *s = arg;
    ms_answers_scope_t mine = {s->state, &config_a, 256 << 10};
    char key[32], want[32];
    ms_answer_t one = answer(s->state == 1 ? "state 1" : "state 2", 500), got;

    snprintf(want, sizeof want, "{\"query\":\"state %llu\"", s->state);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "q=%d", i % 64);
        if (i % 3 == 0)
            ms_answers_put(s->a, &mine, key, strlen(key), &one);
        else if (ms_answers_get(s->a, &mine, key, strlen(key), &got)) {
            s->got++;
            if (memcmp(got.text, want, strlen(want)) != 0)
                atomic_fetch_add(s->foreign, 1);
            free((char *)got.text);
        }
    }
    free_answer(&one);
    return NULL;
}

static void *
get_k(void *arg)
{
    sharer_t *s = arg;
    ms_answers_scope_t mine = {s->state, &config_a, 1 << 20};
    ms_answer_t got;

    if (ms_answers_get(s->a, &mine, "k", 1, &got)) {
        s->got++;
        free((char *)got.text);
    }
    return NULL;
}

/* One cache for every thread: what one keeps, another is given; and
 * threads in different scopes, side by side, are never given each
 * other's answers (a call in one scope empties what another kept). Run
 * under the sanitizers, the lock is checked too. */
Test(answers, threads_share_it_each_in_its_own_scope)
{
    ms_answers_t *a = ms_answers_new();
    ms_answer_t one = answer("water", 100);
    ms_answers_scope_t scope_1 = {1, &config_a, 1 << 20};
    atomic_long foreign = 0;
    sharer_t reader = {a, 1, &foreign, 0}, sharers[4];
    pthread_t tid[4];

    cr_assert_eq(ms_answers_put(a, &scope_1, "k", 1, &one), 0);
    free_answer(&one);
    pthread_create(&tid[0], NULL, get_k, &reader);
    pthread_join(tid[0], NULL);
    cr_expect_eq(reader.got, 1, "another thread in the same scope is not given it");

    for (int i = 0; i < 4; i++) {
        sharers[i] = (sharer_t){a, 1 + (unsigned long long)(i % 2), &foreign, 0};
        pthread_create(&tid[i], NULL, share, &sharers[i]);
    }
    long got = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        got += sharers[i].got;
    }
    cr_expect_eq(atomic_load(&foreign), 0, "%ld of %ld answers were another scope's",
                 atomic_load(&foreign), got);
    cr_expect_gt(got, 0, "no thread was given an answer");
    cr_expect_leq(ms_answers_bytes(a), 256 << 10);
    ms_answers_free(a);
}
