/* test_shards_faults.c - shards down, hung and failing over, on every endpoint
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Over the servers of shards_fixture.c: a shard host killed (SIGKILL) or
 * hung (SIGSTOP) gives an answer within the time budget, "partial": true
 * with the missing shard (or, with search.partial_shards: false, 503
 * shard_down), on every endpoint; a hung shard costs a small budget at
 * most; a replica killed after the open fails over within the search;
 * /health and /metrics say which shard is down (/health "degraded", and
 * 503 with search.partial_shards false) and follow a failover and a
 * recovery. docs/api.md "Partial answers" and "GET /health",
 * docs/admins.md "Scaling out".
 */
#define _GNU_SOURCE
#include "shards_fixture.h"
#include "ms_index.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <ctype.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(shards, .init = start, .fini = stop_all, .timeout = 240);

/* One search on 'remote' as a delegate would send it, timed. */
static long
timed_search(ms_http_t *res)
{
    long start = ms_it_now_ms();
    ms_it_get_json(res, &remote, "/search?q=computer+information+retrieval&facets=0");
    return ms_it_now_ms() - start;
}

/* The remote server's config with 'extra', applied by SIGHUP. */
static void
reload(const char *extra)
{
    unsigned had = ms_it_fcgi_log_count(&remote, "config reloaded");
    ms_it_write_config(&remote, extra);
    cr_assert_eq(kill(remote.fcgi_pid, SIGHUP), 0);
    for (long until = ms_it_now_ms() + 5000;
         ms_it_fcgi_log_count(&remote, "config reloaded") <= had &&
         ms_it_now_ms() < until;)
        usleep(50000);
}

/* A search answered within 'within_ms', partial without shard 2. */
static void
expect_partial_without_shard_2(const char *what, long within_ms)
{
    ms_http_t res;
    long took = timed_search(&res);
    cr_expect_eq(res.status, 200, "%s: %s", what, res.body);
    cr_expect_lt(took, within_ms, "%s: %ld ms, past %ld", what, took, within_ms);
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
    kill_host(2);
    for (int i = 0; i < 8; i++) /* most of the 4 workers meet it */
        expect_partial_without_shard_2("killed", BUDGET_MS);
    /* The gauge is the answering worker's, and nothing makes each of the
     * searches above reach a different worker: ask again, a search
     * between, until a worker that met the dead shard answers. */
    snprintf(want, sizeof want,
             "migsearch_shard_up{shard=\"2\",endpoint=\"127.0.0.1:%d\"} 0\n", ports[2]);
    ms_it_get(&res, &remote, "/metrics");
    for (int i = 0; i < 16 && !strstr(res.body, want); i++) {
        ms_http_free(&res);
        expect_partial_without_shard_2("killed", BUDGET_MS);
        ms_it_get(&res, &remote, "/metrics");
    }
    cr_expect(strstr(res.body, want), "no %s in %s", want, res.body);
    /* Shard 1 through its second replica, the first being dead. */
    snprintf(want, sizeof want,
             "migsearch_shard_up{shard=\"1\",endpoint=\"127.0.0.1:%d\"} 1\n", ports[1]);
    cr_expect(strstr(res.body, want), "no %s in %s", want, res.body);
    ms_http_free(&res);

    /* Configured to fail instead (search.partial_shards: false, applied
     * by SIGHUP): 503 shard_down, within the budget too. */
    reload(WINDOW_CONFIG "  time_budget_ms: 3000\n  partial_shards: false\n");
    long took = ms_it_now_ms();
    ms_it_get(&res, &remote, "/search?q=computer+information+retrieval&facets=0");
    took = ms_it_now_ms() - took;
    cr_expect_eq(res.status, 503, "%s", res.body);
    cr_expect(strstr(res.body, "\"shard_down\""), "%s", res.body);
    cr_expect_lt(took, BUDGET_MS, "503 after %ld ms", took);
    ms_http_free(&res);
    reload(WINDOW_CONFIG "  time_budget_ms: 3000\n");

    /* Back: the next probe finds it. */
    serve_shard(2);
    wait_states("0:up 1:up 2:up");
    /* Hung: the connection is accepted, nothing answers. */
    kill(-shard_host[2], SIGSTOP);
    for (int i = 0; i < 8; i++)
        expect_partial_without_shard_2("stopped", BUDGET_MS);
    kill(-shard_host[2], SIGCONT);
}

/* Searches whole: 200, no shard missing. */
static void
expect_whole(const char *what)
{
    for (int i = 0; i < 8; i++) {
        ms_http_t res;
        ms_it_get_json(&res, &remote,
                       "/search?q=computer+information+retrieval&facets=0");
        char *missing = json_dumps(json_object_get(res.json, "missing_shards"), 0);
        cr_expect(res.status == 200 && !missing, "%s: %ld, missing %s", what, res.status,
                  missing);
        free(missing);
        ms_http_free(&res);
    }
}

/* Hung with a budget far under index.remote_timeout_ms (5000): the server
 * bounds the remote timeout by half the budget and the retry by what is
 * left of it, so the answer comes within the budget and a margin. */
#define SMALL_BUDGET_MS 500
#define MARGIN_MS 1000 /* generous against a loaded machine */

Test(shards, a_hung_shard_answers_within_a_small_budget)
{
    reload(WINDOW_CONFIG "  time_budget_ms: 500\n"); /* SMALL_BUDGET_MS */
    expect_whole("reopened"); /* every worker opens the shards again */
    kill(-shard_host[2], SIGSTOP);
    for (int i = 0; i < 8; i++)
        expect_partial_without_shard_2("stopped", SMALL_BUDGET_MS + MARGIN_MS);
    kill(-shard_host[2], SIGCONT);
}

/* 'target' on 'remote': 'status', and with 200 the header naming shard 2
 * and 'mark' in the body (NULL: none). */
static void
expect_answer(const char *target, long status, const char *mark)
{
    ms_http_t res;
    char header[64];
    ms_it_get(&res, &remote, target);
    cr_expect_eq(res.status, status, "%s: %s", target, res.body);
    const char *got = ms_http_header(&res, "X-Migsearch-Partial", header, sizeof header);
    cr_expect(status != 200 || (got && !strcmp(got, "2")), "%s: X-Migsearch-Partial %s",
              target, got ? got : "absent");
    if (mark)
        cr_expect(strstr(res.body, mark), "%s: no %s in %s", target, mark, res.body);
    ms_http_free(&res);
}

/* /doc of every ADI document and of ids that name none: 503 shard_down
 * exactly for the ids of shard 2, whether or not such a document exists;
 * 200 or 404 for the others, as on the unsharded index. */
static void
expect_documents_by_shard(void)
{
    char target[48], id[16];
    for (int i = 1; i <= 88; i++) {
        /* 83 to 88 name none: 9001 to 9006, of shards 0, 1 and 2 */
        snprintf(id, sizeof id, "%d", i <= 82 ? i : 9001 + i - 83);
        snprintf(target, sizeof target, "/doc/%s", id);
        ms_http_t a, c;
        ms_it_get(&a, &one, target);
        ms_it_get(&c, &remote, target);
        long want = shard_of(id) == 2 ? 503 : a.status;
        cr_expect_eq(c.status, want, "%s (shard %u): %s", target, shard_of(id), c.body);
        if (want == 503)
            cr_expect(strstr(c.body, "\"shard_down\""), "%s: %s", target, c.body);
        ms_http_free(&a);
        ms_http_free(&c);
    }
}

Test(shards, every_endpoint_says_a_shard_is_missing)
{
    const char *similar = "/similar/3"; /* of shard 0; 7 is of shard 2 */
    cr_assert(shard_of("3") == 0 && shard_of("7") == 2);
    ms_http_t whole;
    ms_it_get(&whole, &remote, "/meeting/adi-9");
    cr_expect_eq(whole.status, 404, "/meeting/adi-9 with every shard: %s", whole.body);
    ms_http_free(&whole);
    kill_host(2);
    for (int i = 0; i < 8; i++) /* each worker finds it gone */
        expect_partial_without_shard_2("killed", BUDGET_MS);
    expect_answer("/search?q=computer&facets=0", 200, "\"missing_shards\":[2]");
    expect_answer("/suggest?q=comp", 200, "\"missing_shards\":[2]");
    expect_answer(similar, 200, "\"missing_shards\":[2]");
    expect_answer("/feed?q=computer", 200,
                  "<subtitle>Part of the archive did not answer");
    expect_answer("/fragment?q=computer", 200, "<p class=\"ms-partial\">");
    expect_answer("/meeting/adi-1", 200, "\"missing_shards\":[2]");
    expect_answer("/country/Mali", 200, "\"missing_shards\":[2]");
    expect_answer("/country/Mali?format=csv", 200, NULL);
    /* What no answering shard has may be on the missing one. */
    expect_answer("/meeting/adi-9", 503, "\"shard_down\"");
    expect_documents_by_shard();
    expect_answer("/doc/7/file", 503, "\"shard_down\"");

    reload(WINDOW_CONFIG "  time_budget_ms: 3000\n  partial_shards: false\n");
    expect_answer("/search?q=computer&facets=0", 503, "\"shard_down\"");
    expect_answer("/suggest?q=comp", 503, "\"shard_down\"");
    expect_answer(similar, 503, "\"shard_down\"");
    expect_answer("/feed?q=computer", 503, "\"shard_down\"");
    expect_answer("/fragment?q=computer", 503, "class=\"ms-error\"");
    expect_answer("/meeting/adi-1", 503, "\"shard_down\"");
    expect_answer("/country/Mali?format=csv", 503, "\"shard_down\"");
    expect_documents_by_shard();
}

/* 'search' on the reader 'idx': its hits as "total: id id ...". */
static void
reader_hits(char *out, size_t size, ms_index_t *idx, const ms_search_t *search)
{
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    size_t o = (size_t)snprintf(out, size, "%lu:", results->estimate);
    for (size_t i = 0; i < results->n_hits && o + 16 < size; i++)
        o += (size_t)snprintf(out + o, size - o, " %s", results->hits[i].doc.id);
    ms_results_free(results);
}

/* The remote server's index opened in this process, shard 1 at ports[1]
 * then ports[3], shard 2 at ports[2], a remote operation's timeout
 * 'timeout_ms'. */
static ms_index_t *
open_reader(unsigned timeout_ms)
{
    static char path[160], spec[160];
    snprintf(path, sizeof path, "%s/index", remote.dir);
    snprintf(spec, sizeof spec, "1=127.0.0.1:%d,127.0.0.1:%d 2=127.0.0.1:%d", ports[1],
             ports[3], ports[2]);
    const ms_index_remote_t how = {spec, timeout_ms, 200, 60};
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open_remote(&idx, path, &how, &err), MS_INDEX_OK, "%s",
                 err.text);
    return idx;
}

/* Through the shim alone, so that nothing refreshes between the open and
 * the search: the replica in use is killed after the open, and the search
 * itself meets it gone (a NetworkError in the match), fails over to the
 * next live replica and answers whole. */
Test(shards, a_replica_killed_after_the_open_fails_over_within_the_search)
{
    char before[4096], after[4096], want[32];
    const ms_search_t search = {
        .query = "computer information retrieval", .limit = 100, .time_budget_ms = 10000};
    ms_index_t *idx = open_reader(5000);
    ms_index_shard_state_t states[4];

    reader_hits(before, sizeof before, idx, &search);
    cr_assert_gt(strlen(before), 40, "%s", before);
    kill_host(1);
    reader_hits(after, sizeof after, idx, &search);
    cr_expect_str_eq(after, before);
    snprintf(want, sizeof want, "127.0.0.1:%d", ports[3]);
    cr_assert_eq(ms_index_shard_states(idx, states, 4), 3);
    cr_expect(states[1].up && states[1].shard == 1 && !strcmp(states[1].endpoint, want),
              "shard 1 %s at %s", states[1].up ? "up" : "down", states[1].endpoint);
    ms_index_close(idx);
}

/* 'search' on 'idx' once whole, then once more with slot 'hung' of the
 * shard hosts stopped (and 'killed', if not 0, killed): its status, its
 * time in *took; then the state of shard 'k' is down. */
static ms_index_status_t
search_hung(long *took, ms_index_t *idx, const ms_search_t *search, int hung, int killed,
            unsigned k)
{
    ms_results_t *results = NULL;
    ms_index_shard_state_t states[4];
    cr_assert_eq(ms_index_search(&results, idx, search), MS_INDEX_OK);
    ms_results_free(results);
    kill(-shard_host[hung], SIGSTOP);
    if (killed)
        kill_host(killed);
    *took = ms_it_now_ms();
    ms_index_status_t status = ms_index_search(&results, idx, search);
    *took = ms_it_now_ms() - *took;
    kill(-shard_host[hung], SIGCONT);
    cr_expect(status != MS_INDEX_OK || results->n_hits > 0);
    ms_results_free(results);
    cr_assert_eq(ms_index_shard_states(idx, states, 4), 3);
    cr_expect(states[k].shard == k && !states[k].up, "shard %u up", k);
    ms_index_close(idx);
    return status;
}

/* Through the shim alone too: shard 2 hung after the open, met by the
 * search itself, is waited on once (the operation's timeout), not again
 * when the search opens the shards to run once more without it. */
Test(shards, a_shard_hung_after_the_open_is_waited_on_once)
{
    const ms_search_t search = {
        .query = "computer information retrieval", .limit = 100, .time_budget_ms = 20000};
    long took;
    cr_expect_eq(search_hung(&took, open_reader(2000), &search, 2, 0, 2), MS_INDEX_OK);
    cr_expect_lt(took, 3000, "%ld ms: the hung host waited on twice?", took);
}

/* The replica in use killed and the next one hung: the search that meets
 * the first failure opens the shards again, and waits on the hung replica
 * no longer than what is left of its budget, far under the operation's
 * timeout. */
Test(shards, reopening_after_a_failure_waits_no_longer_than_the_budget)
{
    const ms_search_t search = {.query = "computer information retrieval",
                                .limit = 100,
                                .time_budget_ms = SMALL_BUDGET_MS};
    long took;
    ms_index_status_t status = search_hung(&took, open_reader(5000), &search, 3, 1, 1);
    cr_expect(status == MS_INDEX_OK || status == MS_INDEX_OVER_BUDGET, "%d", status);
    cr_expect_lt(took, SMALL_BUDGET_MS + MARGIN_MS, "%ld ms", took);
}

/* /health with shard 'k' 'state' at 'port' and the other shards up: its
 * entry in "shards", and the top "status", "missing_shards" and HTTP
 * status: "ok" and 200 with every shard up; "degraded", [k], and 200, or
 * with search.partial_shards false ('partial') 503, with shard k down. */
static bool
health_says(int k, const char *state, int port, bool partial)
{
    ms_http_t res;
    char want[32];
    bool ok = false, down = !strcmp(state, "down");
    snprintf(want, sizeof want, "127.0.0.1:%d", port);
    ms_it_get(&res, &remote, "/health");
    json_t *shards = json_object_get(res.json, "shards");
    for (size_t i = 0; i < json_array_size(shards); i++) {
        json_t *s = json_array_get(shards, i);
        if (json_integer_value(json_object_get(s, "shard")) == k)
            ok = !strcmp(json_string_value(json_object_get(s, "state")), state) &&
                 !strcmp(json_string_value(json_object_get(s, "endpoint")), want);
    }
    const char *status = json_string_value(json_object_get(res.json, "status"));
    json_t *missing = json_object_get(res.json, "missing_shards");
    ok = ok && res.status == (down && !partial ? 503 : 200) && status &&
         !strcmp(status, down ? "degraded" : "ok") &&
         (down ? json_array_size(missing) == 1 &&
                     json_integer_value(json_array_get(missing, 0)) == k
               : missing == NULL);
    ms_http_free(&res);
    return ok;
}

/* /health and /metrics (any worker, polled up to 10 s until 8 answers in
 * a row agree) with shard 1 'state' at 'port', search.partial_shards
 * 'partial'. */
static void
expect_shard_1(const char *state, int port, bool partial)
{
    char line[96];
    ms_http_t res;
    snprintf(line, sizeof line,
             "migsearch_shard_up{shard=\"1\",endpoint=\"127.0.0.1:%d\"} %d\n", port,
             !strcmp(state, "up"));
    int same = 0;
    for (long until = ms_it_now_ms() + 10000; same < 8 && ms_it_now_ms() < until;
         usleep(50000)) {
        ms_it_get(&res, &remote, "/metrics");
        bool metrics = res.body && strstr(res.body, line);
        ms_http_free(&res);
        same = metrics && health_says(1, state, port, partial) ? same + 1 : 0;
    }
    ms_it_get(&res, &remote, "/health");
    cr_assert_eq(same, 8, "shard 1 not %s at %d, or no %s; /health: %ld %s", state, port,
                 line, res.status, res.body);
    ms_http_free(&res);
}

Test(shards, health_and_metrics_follow_a_failover_and_a_recovery)
{
    expect_shard_1("up", ports[1], true);
    kill_host(1); /* the replica in use: the next live one, unnoticed */
    expect_whole("failed over");
    expect_shard_1("up", ports[3], true);
    kill_host(3); /* none left: down, the first endpoint named */
    expect_shard_1("down", dead_port, true);
    /* Every search answers 503 shard_down now: so does /health. */
    reload(WINDOW_CONFIG "  time_budget_ms: 3000\n  partial_shards: false\n");
    expect_shard_1("down", dead_port, false);
    serve_shard(1); /* recovered at the next probe */
    expect_shard_1("up", ports[1], false);
    expect_whole("recovered");
}
