/* test_budget.c - the work of one request is bounded: the worst query the config allows
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Through the real nginx, migsearch-fcgi and migsearch-index, over a
 * synthetic archive generated here: a few thousand documents of made-up
 * words that share their first letters, so that short wildcards expand
 * to as many terms as the config lets them.
 */
#include "harness.h"
#include "ms_clock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DOCUMENTS 2500
#define WORDS_PER_DOCUMENT 120

static ms_it_t it;
static char work[64];

static void
teardown(void)
{
    ms_it_stop(&it);
    ms_it_remove_tree(work);
}

TestSuite(budget, .fini = teardown, .timeout = 600);

static const char consonants[] = "bdfgklmnprstvz";
static const char vowels[] = "aeiou";

/* A made-up word of two to four syllables from the generator 'state'. */
static void
made_up_word(char *out, unsigned *state)
{
    unsigned syllables = 2 + (*state = *state * 1103515245u + 12345u) / 65536u % 3;
    for (unsigned i = 0; i < syllables; i++) {
        *state = *state * 1103515245u + 12345u;
        *out++ = consonants[*state / 65536u % (sizeof consonants - 1)];
        *state = *state * 1103515245u + 12345u;
        *out++ = vowels[*state / 65536u % (sizeof vowels - 1)];
    }
    *out = '\0';
}

/* DOCUMENTS Markdown reports in 'archive', two countries, dated 2001-2009. */
static void
write_archive(const char *archive)
{
    unsigned state = 13;
    cr_assert_eq(mkdir(archive, 0755), 0, "mkdir: %s", strerror(errno));
    for (int n = 0; n < DOCUMENTS; n++) {
        char path[256], word[16];
        snprintf(path, sizeof path, "%s/synthetic-%04d.md", archive, n);
        FILE *f = fopen(path, "w");
        cr_assert(f, "cannot write %s", path);
        fprintf(f,
                "---\nid: synthetic-%04d\ntitle: Synthetic report %d\ntype: report\n"
                "country: %s\ndate: %d-01-01\nlanguage: en\n---\n",
                n, n, n % 2 ? "Kyrgyzstan" : "Kazakhstan", 2001 + n % 9);
        for (int w = 0; w < WORDS_PER_DOCUMENT; w++) {
            made_up_word(word, &state);
            fprintf(f, "%s%s", word, w % 12 == 11 ? ".\n" : " ");
        }
        cr_assert_eq(fclose(f), 0);
    }
}

/* The bounds of docs/config.md at the largest values it allows: the
 * worst query the config can let through. */
/* Every request here searches, asked twice too (MS_IT_NO_KEPT_ANSWERS). */
#define MAXIMA                                                                           \
    MS_IT_NO_KEPT_ANSWERS                                                                \
    "  max_terms: 1024\n  max_query_length: 4096\n  max_depth: 64\n"                     \
    "  max_expansion: 10000\n  max_expansion_total: 10000\n  max_per_page: 1000\n"       \
    "  facet_limit: 10000000\n  snippets: 10\n  snippet_length: 4096\n"

/* The worst query 'wildcards' wildcards of two letters allow (each
 * expanding to its share of search.max_expansion_total), with filters, a
 * date range, facets, a page of 'per_page' and snippets. */
static void
worst_target(char *out, size_t size, int wildcards, int per_page)
{
    size_t used = (size_t)snprintf(out, size, "/search?q=");
    for (int i = 0; i < wildcards; i++) {
        const char c = consonants[i % (sizeof consonants - 1)];
        const char v = vowels[i / (sizeof consonants - 1) % (sizeof vowels - 1)];
        used += (size_t)snprintf(out + used, size - used, "%s%c%c*", i ? "+" : "", c, v);
    }
    snprintf(out + used, size - used,
             "&type=report&country=Kyrgyzstan&country=Kazakhstan&from=2001&to=2009"
             "&facets=1&per_page=%d",
             per_page);
}

/* Generate the synthetic archive and start the servers with 'extra'. */
static void
start_synthetic(const char *extra)
{
    char archive[128];

    snprintf(work, sizeof work, "/tmp/ms-budget.XXXXXX");
    cr_assert(mkdtemp(work), "mkdtemp: %s", strerror(errno));
    snprintf(archive, sizeof archive, "%s/archive", work);
    write_archive(archive);
    ms_it_start(&it, archive, extra);
}

static unsigned long
metric(const char *name)
{
    return ms_it_metric(&it, name);
}

/* At the maxima of docs/config.md (1024 two-letter wildcards in 4096
 * bytes, 10,000 terms between them, pages of 1000 with ten passages of
 * 4096 characters) and the default budget, the worst query answers within
 * the budget plus a margin generous for a sanitized build on a shared
 * machine, and says what it cut (or, cut before the match ended, is a 503
 * over_budget). Before the expansion and the match looked at the budget,
 * a query like it ran for tens of seconds (28 s on the 10,000 synthetic
 * documents of tests/bench/synth.c, release build). */
Test(budget, worst_query_at_the_maxima_finishes_within_its_budget)
{
    static char target[8192];
    ms_http_t res;

    start_synthetic(MAXIMA);
    worst_target(target, sizeof target, 1024, 1000);

    for (int round = 0; round < 2; round++) {
        long long start = ms_clock_ms();
        ms_it_get(&res, &it, target);
        long long took = ms_clock_ms() - start;
        cr_assert_lt(took, 2000 + 3000, "took %lld ms", took);
        /* Messages quote the start of a body only: an answer of 1000 hits
         * is megabytes, which Criterion's report pipe chokes on. */
        if (res.status == 503) {
            cr_assert_not_null(res.json, "%.300s", res.body);
            cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(res.json, "error"), "code")),
                             "over_budget");
        } else {
            cr_assert_eq(res.status, 200, "%ld %.300s", res.status, res.body);
            /* Cut, it says what it skipped; a search whose every phase
             * began within the budget is whole and skips nothing (the
             * time bound above is what holds it either way). */
            size_t skipped = json_array_size(json_object_get(res.json, "skipped"));
            if (json_is_true(json_object_get(res.json, "partial")))
                cr_assert_gt(skipped, 0);
            else
                cr_assert_eq(skipped, 0, "%.300s", res.body);
        }
        ms_http_free(&res);
    }
}

/* A thousand clients that send the worst query of the default bounds and
 * go away after a few milliseconds: nginx closes each one's FastCGI
 * connection, and the server stops the search at its next check, so 5 s
 * after the last client left nothing is running (without that, the 1000
 * searches of about half a second each would keep the four workers busy
 * for two minutes). */
Test(budget, abandoned_searches_stop_at_their_next_phase)
{
    char target[1024], request[1200];
    struct sockaddr_in addr = {.sin_family = AF_INET};

    start_synthetic(MS_IT_NO_KEPT_ANSWERS);
    worst_target(target, sizeof target, 64, 100);
    snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n",
             target);
    addr.sin_port = htons((uint16_t)it.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 1000; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        cr_assert_geq(fd, 0);
        cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0, "%s",
                     strerror(errno));
        cr_assert_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
        nanosleep(&(struct timespec){0, 3000000L}, NULL);
        close(fd);
    }
    sleep(5);
    cr_assert_eq(metric("migsearch_searches_running"), 0);
    unsigned long cancelled = metric("migsearch_searches_cancelled_total");
    cr_assert_gt(cancelled, 0, "no search was stopped: were they all finished?");

    /* /health shows the same gauge and counter. */
    ms_http_t res;
    ms_it_get(&res, &it, "/health");
    cr_assert_eq(res.status, 200, "%.300s", res.body);
    json_t *searches = json_object_get(res.json, "searches");
    cr_assert(json_is_object(searches), "%.300s", res.body);
    cr_assert_eq(json_integer_value(json_object_get(searches, "running")), 0, "%s",
                 res.body);
    cr_assert_eq(json_integer_value(json_object_get(searches, "cancelled")),
                 (json_int_t)cancelled, "%s", res.body);
    ms_http_free(&res);
}

/* nginx.conf.example as written (not relaxed for the test suite) refuses
 * a burst from one address past its limit with 429 and a JSON error,
 * before migsearch-fcgi sees the requests; the first ones pass. */
Test(budget, a_burst_over_the_limit_gets_429_json_from_nginx)
{
    unsigned passed = 0, refused = 0;
    ms_http_t res;

    setenv("MS_RENDER_LIMITS", "example", 1);
    ms_it_start(&it, MS_TEST_DATA "/archive", NULL);
    unsetenv("MS_RENDER_LIMITS");
    for (int i = 0; i < 150; i++) {
        ms_it_get(&res, &it, "/health");
        if (res.status == 200) {
            passed++;
        } else {
            cr_assert_eq(res.status, 429, "%ld %s", res.status, res.body);
            cr_assert_not_null(res.json, "not JSON: %s", res.body);
            cr_assert_str_eq(json_string_value(json_object_get(
                                 json_object_get(res.json, "error"), "code")),
                             "too_many_requests");
            refused++;
        }
        ms_http_free(&res);
    }
    cr_assert_geq(passed, 41, "the burst of 40 and the first request pass");
    cr_assert_gt(refused, 0, "150 requests at once were all let through");
    ms_it_get(&res, &it, "/metrics");
    char line[128];
    snprintf(line, sizeof line,
             "migsearch_requests_total{endpoint=\"health\",status=\"200\"} %u\n", passed);
    cr_assert_not_null(strstr(res.body, line),
                       "migsearch-fcgi saw only the %u passed: %s", passed, res.body);
    ms_http_free(&res);
}
