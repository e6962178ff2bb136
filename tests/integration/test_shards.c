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
 * continued, the shard comes back at the next probe. Did-you-mean over
 * the remote shards is the unsharded index's: a misspelt word that only
 * documents of shards 1 and 2 hold is corrected, from the spelling of
 * every shard that shard 0 keeps (docs/index-schema.md "Spelling").
 * docs/index-schema.md "Shards", docs/api.md.
 */
#define _GNU_SOURCE
#include "harness.h"

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

/* Serve shard 'k' of the remote server's index at ports[k], in a process
 * group of its own (setsid), so that the test can kill or stop it whole. */
static void
serve_shard(int k)
{
    char dir[256], port[16], log[128];
    snprintf(dir, sizeof dir, "%s/index/shard-%d", remote.dir, k);
    snprintf(port, sizeof port, "%d", ports[k]);
    snprintf(log, sizeof log, "%s/shard-%d.log", base, k);
    char *argv[] = {"setsid", MS_SOURCE_DIR "/indexer/ms-shard-serve", dir, port, NULL};
    shard_host[k] = ms_it_spawn(argv, log);
    cr_assert(ms_it_wait_port(&shard_host[k], ports[k]), "shard %d does not serve", k);
}

/* The states of /health's "shards" as "0:up 1:down ..." */
static void
shard_states(char *out, size_t size)
{
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &remote, "/health");
    json_t *shards = json_object_get(json, "shards");
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(shards) && o + 16 < size; i++) {
        json_t *s = json_array_get(shards, i);
        o += (size_t)snprintf(out + o, size - o, "%s%lld:%s", i ? " " : "",
                              (long long)json_integer_value(json_object_get(s, "shard")),
                              json_string_value(json_object_get(s, "state")));
    }
    ms_http_free(&res);
}

/* Wait up to 10 s (the servers probe a shard that was down every second)
 * until /health of 'remote' says 'want'. */
static void
wait_states(const char *want)
{
    char got[128] = "";
    for (long until = ms_it_now_ms() + 10000; ms_it_now_ms() < until; usleep(100000)) {
        shard_states(got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
    }
    cr_assert_fail("shards: %s, want %s", got, want);
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
             "mkdir %s && mv %s/adi/docs.jsonl %s/",
             MS_SOURCE_DIR, MS_SOURCE_DIR, base, base, archive, base, archive);
    cr_assert_eq(system(command), 0, "cannot convert ADI; see %s/convert.log", base);

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

/* "/search?q=<query>&per_page=100&facets=0" */
static void
search_target(char *out, size_t size, const char *query)
{
    char *q = curl_easy_escape(NULL, query, 0);
    snprintf(out, size, "/search?q=%s&per_page=100&facets=0", q);
    curl_free(q);
}

/* The ids of a /search answer in order, and its total, as text. */
static char *
ids_and_total(const ms_http_t *res)
{
    json_t *results = json_object_get(res->json, "results");
    json_t *kept = json_pack("{sOso}", "total", json_object_get(res->json, "total"),
                             "ids", json_array());
    for (size_t i = 0; i < json_array_size(results); i++)
        json_array_append(json_object_get(kept, "ids"),
                          json_object_get(json_array_get(results, i), "id"));
    char *text = json_dumps(kept, JSON_SORT_KEYS);
    json_decref(kept);
    return text;
}

Test(shards, every_adi_query_answers_as_over_one_index)
{
    char path[160], target[2048], line[4096];
    snprintf(path, sizeof path, "%s/adi/queries.tsv", base);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    unsigned queries = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        tab[strcspn(tab, "\n")] = '\0';
        search_target(target, sizeof target, tab + 1);
        ms_http_t a, b, c;
        ms_it_get_json(&a, &one, target);
        ms_it_get_json(&b, &local, target);
        ms_it_get_json(&c, &remote, target);
        cr_assert(a.status == 200 && b.status == 200 && c.status == 200,
                  "%s: %ld %ld %ld", target, a.status, b.status, c.status);
        char *x = ids_and_total(&a), *y = ids_and_total(&b), *z = ids_and_total(&c);
        cr_expect_str_eq(y, x, "3 local shards: %s", target);
        cr_expect_str_eq(z, x, "remote shards: %s", target);
        cr_expect(!json_is_true(json_object_get(c.json, "partial")), "%s", c.body);
        free(x);
        free(y);
        free(z);
        ms_http_free(&a);
        ms_http_free(&b);
        ms_http_free(&c);
        queries++;
    }
    fclose(f);
    cr_assert_geq(queries, 30, "only %u ADI queries", queries);
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

/* The shard of the document 'id' of 3, as docs/index-schema.md "Shards"
 * says: FNV-1a-64 of the id, mod 3. The test's own oracle. */
static unsigned
shard_of(const char *id)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        hash ^= *c;
        hash *= 1099511628211ULL;
    }
    return (unsigned)(hash % 3);
}

/* A word of the collection and the shards whose documents hold it. */
typedef struct {
    char word[32];
    unsigned shards; /* bit K: shard K */
} word_t;

/* Every word (letters only, lower case) of 'text' into words[*n] with
 * 'shard'. */
static void
add_words(word_t *words, size_t *n, size_t max, const char *text, unsigned shard)
{
    for (const char *p = text; *p;) {
        while (*p && !isalpha((unsigned char)*p))
            p++;
        size_t len = 0;
        char word[32];
        for (; isalpha((unsigned char)*p); p++)
            if (len + 1 < sizeof word)
                word[len++] = (char)tolower((unsigned char)*p);
        word[len] = '\0';
        if (len == 0)
            continue;
        size_t i = 0;
        while (i < *n && strcmp(words[i].word, word) != 0)
            i++;
        if (i == *n && *n < max)
            snprintf(words[(*n)++].word, sizeof words[0].word, "%s", word);
        if (i < *n)
            words[i].shards |= 1u << shard;
    }
}

/* The did-you-mean of 'server' for 'query' ("" for none), into out. */
static void
did_you_mean(char *out, size_t size, ms_it_t *server, const char *query)
{
    char target[256];
    ms_http_t res;
    snprintf(target, sizeof target, "/search?q=%s&facets=0", query);
    ms_it_get_json(&res, server, target);
    cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
    const char *dym = json_string_value(json_object_get(res.json, "did_you_mean"));
    snprintf(out, size, "%s", dym ? dym : "");
    ms_http_free(&res);
}

Test(shards, a_word_only_remote_shards_hold_is_corrected_as_over_one_index)
{
    enum { MAX_WORDS = 8000 };
    static word_t words[MAX_WORDS];
    size_t n = 0;
    char path[160], line[65536];
    snprintf(path, sizeof path, "%s/archive/docs.jsonl", base);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    while (fgets(line, sizeof line, f)) {
        json_t *doc = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(doc, "id"));
        if (id) {
            unsigned shard = shard_of(id);
            const char *title = json_string_value(json_object_get(doc, "title"));
            const char *text = json_string_value(json_object_get(doc, "text"));
            add_words(words, &n, MAX_WORDS, title ? title : "", shard);
            add_words(words, &n, MAX_WORDS, text ? text : "", shard);
        }
        json_decref(doc);
    }
    fclose(f);

    /* Long words of shards 1 and 2 only, one letter changed. */
    unsigned tried = 0, corrected = 0;
    for (size_t i = 0; i < n && corrected < 8; i++) {
        size_t len = strlen(words[i].word);
        if ((words[i].shards & 1u) || len < 8)
            continue;
        char misspelt[32], a[64], b[64], c[64];
        snprintf(misspelt, sizeof misspelt, "%s", words[i].word);
        misspelt[len / 2] = misspelt[len / 2] == 'q' ? 'z' : 'q';
        did_you_mean(a, sizeof a, &one, misspelt);
        did_you_mean(b, sizeof b, &local, misspelt);
        did_you_mean(c, sizeof c, &remote, misspelt);
        cr_expect_str_eq(b, a, "3 local shards: %s: \"%s\", unsharded \"%s\"", misspelt,
                         b, a);
        cr_expect_str_eq(c, a,
                         "remote shards: %s (a word of shards %#x): \"%s\", "
                         "unsharded \"%s\"",
                         misspelt, words[i].shards, c, a);
        tried++;
        corrected += strcmp(a, words[i].word) == 0;
    }
    cr_assert_geq(corrected, 5, "only %u of %u misspellings corrected unsharded",
                  corrected, tried);
}

/* index.remote naming shard 0: the search host has no spelling table
 * then (xapian-tcpsrv serves none), and migsearch-fcgi says so at start
 * rather than answer without did-you-mean in silence. The servers that
 * keep shard 0 say nothing of it. */
Test(shards, a_remote_shard_0_is_said_at_start)
{
    char config[128], log[128];
    snprintf(config, sizeof config, "%s/shard-0-remote.yaml", base);
    snprintf(log, sizeof log, "%s/shard-0-remote.log", base);
    FILE *f = fopen(config, "w");
    cr_assert(f);
    fprintf(f,
            "index:\n  path: %s/index\n  synonyms: \"\"\n"
            "  remote: \"0=127.0.0.1:%d\"\n"
            "archive:\n  path: %s/archive\n"
            "server:\n  socket: %s/shard-0-remote.sock\n"
            "log:\n  level: info\n",
            remote.dir, dead_port, base, base);
    cr_assert_eq(fclose(f), 0);
    char *argv[] = {MS_BINARY_DIR "/fcgi/migsearch-fcgi", "--config", config, NULL};
    pid_t pid = ms_it_spawn(argv, log);
    char *text = NULL;
    for (long until = ms_it_now_ms() + 10000; ms_it_now_ms() < until; usleep(50000)) {
        free(text);
        text = ms_it_read_file(log);
        if (text && strstr(text, "listening"))
            break;
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    cr_assert(text && strstr(text, "listening"), "did not start: %s", text);
    cr_expect(strstr(text, "WARN fcgi: index.remote serves shard 0: searches offer no "
                           "did-you-mean"),
              "%s", text);
    free(text);
    cr_expect(!ms_it_fcgi_log_contains(&remote, "serves shard 0"));
    cr_expect(!ms_it_fcgi_log_contains(&local, "serves shard 0"));
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
