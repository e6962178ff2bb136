/* test_conn.c - the connection layer of migsearch-fcgi under hostile peers
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test starts its own index, migsearch-fcgi and nginx (harness.h).
 * Requests through nginx show what users get; raw connections to the
 * server's socket play the peers that are not nginx: kept-alive
 * connections, peers of another uid, crafted records, stalled headers.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(conn, .fini = stop, .timeout = 90);

static long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* GET 'target' through nginx; a 200 within 'budget_ms', or the test fails. */
static void
expect_prompt_ok(const char *target, long budget_ms, int round)
{
    ms_http_t res;
    long start = now_ms(), took;

    ms_it_get(&res, &it, target);
    took = now_ms() - start;
    cr_assert_eq(res.status, 200, "request %d: status %ld", round, res.status);
    cr_assert_lt(took, budget_ms, "request %d took %ld ms", round, took);
    ms_http_free(&res);
}

/* nginx keeps its connections to the server (upstream keepalive,
 * fastcgi_keep_conn on): each next request arrives on a connection a
 * worker already holds, with no new client to wake it. Every one must be
 * answered at once, not when the next connection comes in. */
Test(conn, kept_alive_connections_answer_every_request)
{
    ms_it_options_t options = {.keepalive = 2, .threads = 2};

    ms_it_start_with(&it, ARCHIVE, &options);
    for (int round = 0; round < 20; round++)
        expect_prompt_ok(round % 2 ? "/health" : "/search?q=water", 3000, round);
}
