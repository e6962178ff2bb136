/* shards_fixture.c - the servers test_shards.c and test_shards_faults.c ask
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The ADI collection (../shared/data/ir/adi, converted by
 * tests/relevance/convert.sh) indexed three times and served: 'one'
 * unsharded, 'local' as 3 local shards, 'remote' as 3 shards of which 1
 * and 2 are served by xapian-tcpsrv on 127.0.0.1 through
 * indexer/ms-shard-serve (shard 1 with a dead replica listed first, so the
 * server fails over to the second, and a third served too). Criterion
 * runs start() before each test, in the test's own process.
 */
#define _GNU_SOURCE
#include "shards_fixture.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char base[64];
ms_it_t one, local, remote;
/* ms-shard-serve (own process groups) of shards 1 and 2, and in slot 3 a
 * second live replica of shard 1, at ports[slot]. */
pid_t shard_host[4];
int ports[4], dead_port;

void
stop_all(void)
{
    for (int k = 1; k < 4; k++) {
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

/* Serve slot 'k' (shard k, or shard 1 for slot 3) of the remote server's
 * index at ports[k], in a process group of its own (setsid), so that the
 * test can kill or stop it whole. */
void
serve_shard(int k)
{
    char dir[256], port[16], log[128];
    snprintf(dir, sizeof dir, "%s/index/shard-%d", remote.dir, k == 3 ? 1 : k);
    snprintf(port, sizeof port, "%d", ports[k]);
    snprintf(log, sizeof log, "%s/shard-%d.log", base, k);
    char *argv[] = {"setsid", MS_SOURCE_DIR "/indexer/ms-shard-serve", dir, port, NULL};
    shard_host[k] = ms_it_spawn(argv, log);
    cr_assert(ms_it_wait_port(&shard_host[k], ports[k]), "shard %d does not serve", k);
}

/* Kill slot 'k' of the shard hosts (its whole process group). */
void
kill_host(int k)
{
    kill(-shard_host[k], SIGKILL);
    waitpid(shard_host[k], NULL, 0);
    shard_host[k] = 0;
}

/* The states of /health's "shards" as "0:up 1:down ..." */
void
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
void
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

void
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
    for (int k = 2; k < 4; k++) {
        bool apart;
        do {
            ports[k] = ms_it_free_port();
            apart = true;
            for (int j = 1; j < k; j++)
                apart = apart && abs(ports[k] - ports[j]) >= 20;
        } while (!apart);
    }
    /* A timeout above the budget, as an admin may set it: the server
     * bounds it by the budget (fcgi/worker.c). */
    snprintf(index_lines, sizeof index_lines,
             "  jobs: 1\n  shards: 3\n"
             "  remote: \"1=127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d 2=127.0.0.1:%d\"\n"
             "  remote_timeout_ms: 5000\n  remote_connect_timeout_ms: 200\n"
             "  remote_reprobe_s: 1\n",
             dead_port, ports[1], ports[3], ports[2]);
    const ms_it_options_t served = {.index_lines = index_lines,
                                    .extra_config = "search:\n  time_budget_ms: 3000\n"};
    ms_it_start_with(&remote, archive, &served);
    serve_shard(1);
    serve_shard(2);
    serve_shard(3);
    wait_states("0:up 1:up 2:up");
}

/* "/search?q=<query>&per_page=100&facets=0" */
void
search_target(char *out, size_t size, const char *query)
{
    char *q = curl_easy_escape(NULL, query, 0);
    snprintf(out, size, "/search?q=%s&per_page=100&facets=0", q);
    curl_free(q);
}

/* The ids of a /search answer in order, and its total, as text. */
char *
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

/* The shard of the document 'id' of 3, as docs/index-schema.md "Shards"
 * says: FNV-1a-64 of the id, mod 3. The test's own oracle. */
unsigned
shard_of(const char *id)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        hash ^= *c;
        hash *= 1099511628211ULL;
    }
    return (unsigned)(hash % 3);
}
