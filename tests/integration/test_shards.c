/* test_shards.c - an index in shards, local and through xapian-tcpsrv, answers as one
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The ADI collection (../shared/data/ir/adi, converted by
 * tests/relevance/convert.sh) is indexed three times: unsharded, as 3
 * local shards, and as 3 shards of which 1 and 2 are served by
 * xapian-tcpsrv on 127.0.0.1 through indexer/ms-shard-serve (shard 1 with
 * a dead replica listed first, so the server fails over to the second).
 * Every query of the collection gives the same ids in the same order and
 * the same totals on all three. Then a shard host is killed (SIGKILL) and
 * hung (SIGSTOP): the server answers within its time budget, "partial":
 * true with the missing shard (or, with search.partial_shards: false, 503
 * shard_down), and /health and /metrics say which shard is down;
 * continued, the shard comes back at the next probe.
 * docs/index-schema.md "Shards", docs/api.md.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ADI "/../shared/data/ir/adi"
#define BUDGET_MS 3000 /* search.time_budget_ms below */

static char base[64];
static ms_it_t one, local, remote;
static pid_t shard_host[3]; /* ms-shard-serve of shards 1 and 2 (own process groups) */
static int ports[3], dead_port;

static void
stop_all(void)
{
    for (int k = 1; k < 3; k++) {
        if (shard_host[k] > 0) {
            kill(-shard_host[k], SIGCONT);
            kill(-shard_host[k], SIGKILL);
            waitpid(shard_host[k], NULL, 0);
        }
    }
    if (remote.dir[0])
        ms_it_stop(&remote);
    if (local.dir[0])
        ms_it_stop(&local);
    if (one.dir[0])
        ms_it_stop(&one);
    if (base[0] && !getenv("MS_TEST_LEAVE")) {
        char command[128];
        snprintf(command, sizeof command, "rm -rf %s", base);
        (void)system(command);
    }
}

/* Serve shard 'k' of the remote server's index at ports[k]. */
static void
serve_shard(int k)
{
    char log[128];
    snprintf(log, sizeof log, "%s/shard-%d.log", base, k);
    shard_host[k] = ms_it_serve_shard(&remote, k, ports[k], log);
}

static void
wait_states(const char *want)
{
    ms_it_wait_shard_states(&remote, want);
}

/* ADI's documents (base/adi/docs.jsonl) into 'archive' with values of
 * facets: one or two countries (a country twice counts once), a status
 * (so the (country, status) pairs), a type and a year. */
static void
add_facet_values(const char *archive)
{
    static const char *const countries[] = {"Mali", "Jamaica", "Kyrgyzstan", "Ghana",
                                            "Chile"};
    static const char *const statuses[] = {"implemented", "not implemented",
                                           "partially implemented"};
    char from[160], to[160], *line = NULL;
    size_t size = 0;
    unsigned n = 0;
    snprintf(from, sizeof from, "%s/adi/docs.jsonl", base);
    snprintf(to, sizeof to, "%s/docs.jsonl", archive);
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    cr_assert(in && out, "%s, %s", from, to);
    while (getline(&line, &size, in) > 0) {
        cr_assert_eq(line[0], '{', "%s: %s", from, line);
        n++;
        fprintf(out,
                "{\"countries\":[\"%s\",\"%s\"],\"status\":\"%s\","
                "\"type\":\"%s\",\"date\":\"%u\",%s",
                countries[n % 5], countries[n * 3 % 5], statuses[n % 3],
                n % 2 ? "report" : "workshop", 1990 + n % 4, line + 1);
    }
    free(line);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
    cr_assert_geq(n, 80, "%u ADI documents", n);
}

static void
start(void)
{
    char archive[128], command[2048];
    static char index_lines[512];

    strcpy(base, "/tmp/ms-shards.XXXXXX");
    cr_assert(mkdtemp(base));
    snprintf(archive, sizeof archive, "%s/archive", base);
    snprintf(command, sizeof command,
             "%s/tests/relevance/convert.sh adi %s" ADI " %s/adi >%s/convert.log 2>&1 && "
             "mkdir %s",
             MS_SOURCE_DIR, MS_SOURCE_DIR, base, base, archive);
    cr_assert_eq(system(command), 0, "cannot convert ADI; see %s/convert.log", base);
    add_facet_values(archive);

    static const ms_it_options_t plain = {.index_lines = "  jobs: 1\n"};
    static const ms_it_options_t sharded = {.index_lines = "  jobs: 1\n  shards: 3\n"};
    ms_it_start_with(&one, archive, &plain);
    ms_it_start_with(&local, archive, &sharded);
    dead_port = ms_it_free_port();
    /* Each shard takes its base port and the next ones (a partition each). */
    ports[1] = ms_it_free_port();
    do
        ports[2] = ms_it_free_port();
    while (abs(ports[2] - ports[1]) < 20);
    snprintf(index_lines, sizeof index_lines,
             "  jobs: 1\n  shards: 3\n"
             "  remote: \"1=127.0.0.1:%d,127.0.0.1:%d 2=127.0.0.1:%d\"\n"
             "  remote_timeout_ms: 300\n  remote_connect_timeout_ms: 200\n"
             "  remote_reprobe_s: 1\n",
             dead_port, ports[1], ports[2]);
    const ms_it_options_t served = {.index_lines = index_lines,
                                    .extra_config = "search:\n  time_budget_ms: 3000\n"};
    ms_it_start_with(&remote, archive, &served);
    serve_shard(1);
    serve_shard(2);
    wait_states("0:up 1:up 2:up");
}

TestSuite(shards, .init = start, .fini = stop_all, .timeout = 240);

/* "/search?q=<query>&per_page=100<filters>" */
static void
search_target(char *out, size_t size, const char *query, const char *filters)
{
    char *q = curl_easy_escape(NULL, query, 0);
    snprintf(out, size, "/search?q=%s&per_page=100%s", q, filters);
    curl_free(q);
}

/* The ids of a /search answer in order, its total, its facets, whether
 * they are estimated and what it skipped, as text. */
static char *
compared_parts(const ms_http_t *res)
{
    static const char *const keys[] = {"total", "facets", "facets_estimated", "skipped"};
    json_t *results = json_object_get(res->json, "results");
    json_t *kept = json_object();
    json_t *ids = json_array();
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *value = json_object_get(res->json, keys[i]);
        if (value)
            json_object_set(kept, keys[i], value);
    }
    for (size_t i = 0; i < json_array_size(results); i++)
        json_array_append(ids, json_object_get(json_array_get(results, i), "id"));
    json_object_set_new(kept, "ids", ids);
    char *text = json_dumps(kept, JSON_SORT_KEYS);
    json_decref(kept);
    return text;
}

/* Values the ADI documents get in start() (the country, the status, the
 * pairs of the two) and the filters of the queries: none, a country, a
 * status (the derived facets), both (the pairs themselves). */
static const char *const filters[] = {"", "&country=Mali", "&status=implemented",
                                      "&country=Jamaica&status=not+implemented"};

/* Every ADI query under every filter gives the same ids in the same
 * order, the same totals and the same facets on one index, on 3 local
 * shards and on 3 shards of which 2 are remote (their facets counted by
 * Xapian's ValueCountMatchSpy on the shard hosts, facets.cc). */
Test(shards, every_adi_query_answers_as_over_one_index)
{
    char path[160], target[2048], line[4096];
    snprintf(path, sizeof path, "%s/adi/queries.tsv", base);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    unsigned queries = 0, countries = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        tab[strcspn(tab, "\n")] = '\0';
        for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
            search_target(target, sizeof target, tab + 1, filters[i]);
            ms_http_t a, b, c;
            ms_it_get_json(&a, &one, target);
            ms_it_get_json(&b, &local, target);
            ms_it_get_json(&c, &remote, target);
            cr_assert(a.status == 200 && b.status == 200 && c.status == 200,
                      "%s: %ld %ld %ld", target, a.status, b.status, c.status);
            char *x = compared_parts(&a), *y = compared_parts(&b),
                 *z = compared_parts(&c);
            cr_expect_str_eq(y, x, "3 local shards: %s", target);
            cr_expect_str_eq(z, x, "remote shards: %s", target);
            cr_expect(!json_is_true(json_object_get(c.json, "partial")), "%s", c.body);
            countries += json_array_size(
                json_object_get(json_object_get(a.json, "facets"), "country"));
            free(x);
            free(y);
            free(z);
            ms_http_free(&a);
            ms_http_free(&b);
            ms_http_free(&c);
        }
        queries++;
    }
    fclose(f);
    cr_assert_geq(queries, 30, "only %u ADI queries", queries);
    cr_assert_geq(countries, 100, "the country facet is nearly empty: %u", countries);
}

/* /doc over a remote shard: the document itself; "added" is the time each
 * server's own indexer run first saw it, so it is left out. */
Test(shards, documents_of_remote_shards_are_whole)
{
    for (int id = 1; id <= 82; id += 9) {
        char target[32];
        ms_http_t a, c;
        snprintf(target, sizeof target, "/doc/%d", id);
        ms_it_get_json(&a, &one, target);
        ms_it_get_json(&c, &remote, target);
        cr_expect_eq(c.status, a.status, "%s", target);
        cr_assert(a.json && c.json, "%s: %s", target, c.body);
        json_object_del(a.json, "added");
        json_object_del(c.json, "added");
        cr_expect(json_object_size(a.json) > 3 && json_equal(a.json, c.json),
                  "%s: %s\nvs %s", target, a.body, c.body);
        ms_http_free(&a);
        ms_http_free(&c);
    }
}

/* One search on 'remote' as a delegate would send it, timed. */
static long
timed_search(ms_http_t *res)
{
    long start = ms_it_now_ms();
    ms_it_get_json(res, &remote, "/search?q=computer+information+retrieval&facets=0");
    return ms_it_now_ms() - start;
}

static void
expect_partial_without_shard_2(const char *what)
{
    ms_http_t res;
    long took = timed_search(&res);
    cr_expect_eq(res.status, 200, "%s: %s", what, res.body);
    cr_expect_lt(took, BUDGET_MS, "%s: %ld ms, past the budget of %d", what, took,
                 BUDGET_MS);
    cr_expect(json_is_true(json_object_get(res.json, "partial")), "%s: %s", what,
              res.body);
    json_t *missing = json_object_get(res.json, "missing_shards");
    cr_expect(json_array_size(missing) == 1 &&
                  json_integer_value(json_array_get(missing, 0)) == 2,
              "%s: %s", what, res.body);
    ms_http_free(&res);
}

Test(shards, a_shard_host_killed_or_hung_gives_a_partial_answer_in_time)
{
    ms_http_t res;
    char want[96];
    /* Killed: every worker finds it gone, the answer leaves it out. */
    kill(-shard_host[2], SIGKILL);
    waitpid(shard_host[2], NULL, 0);
    shard_host[2] = 0;
    for (int i = 0; i < 8; i++) /* each of the 4 workers meets it */
        expect_partial_without_shard_2("killed");
    ms_it_get(&res, &remote, "/metrics");
    snprintf(want, sizeof want,
             "migsearch_shard_up{shard=\"2\",endpoint=\"127.0.0.1:%d\"} 0\n", ports[2]);
    cr_expect(strstr(res.body, want), "no %s in %s", want, res.body);
    /* Shard 1 through its second replica, the first being dead. */
    snprintf(want, sizeof want,
             "migsearch_shard_up{shard=\"1\",endpoint=\"127.0.0.1:%d\"} 1\n", ports[1]);
    cr_expect(strstr(res.body, want), "no %s in %s", want, res.body);
    ms_http_free(&res);

    /* Configured to fail instead (search.partial_shards: false, applied
     * by SIGHUP): 503 shard_down, within the budget too. */
    ms_it_write_config(&remote,
                       "search:\n  time_budget_ms: 3000\n  partial_shards: false\n");
    cr_assert_eq(kill(remote.fcgi_pid, SIGHUP), 0);
    for (long until = ms_it_now_ms() + 5000;
         !ms_it_fcgi_log_contains(&remote, "config reloaded") && ms_it_now_ms() < until;)
        usleep(50000);
    long took = ms_it_now_ms();
    ms_it_get(&res, &remote, "/search?q=computer+information+retrieval&facets=0");
    took = ms_it_now_ms() - took;
    cr_expect_eq(res.status, 503, "%s", res.body);
    cr_expect(strstr(res.body, "\"shard_down\""), "%s", res.body);
    cr_expect_lt(took, BUDGET_MS, "503 after %ld ms", took);
    ms_http_free(&res);
    ms_it_write_config(&remote, "search:\n  time_budget_ms: 3000\n");
    cr_assert_eq(kill(remote.fcgi_pid, SIGHUP), 0);
    for (long until = ms_it_now_ms() + 5000;
         ms_it_fcgi_log_count(&remote, "config reloaded") < 2 && ms_it_now_ms() < until;)
        usleep(50000);

    /* Back: the next probe finds it. */
    serve_shard(2);
    wait_states("0:up 1:up 2:up");
    /* Hung: the connection is accepted, nothing answers. */
    kill(-shard_host[2], SIGSTOP);
    for (int i = 0; i < 8; i++)
        expect_partial_without_shard_2("stopped");
    kill(-shard_host[2], SIGCONT);
}
