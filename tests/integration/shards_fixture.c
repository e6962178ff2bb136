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
    ms_it_remove_tree(base);
}

/* Serve slot 'k' (shard k, or shard 1 for slot 3) of the remote server's
 * index at ports[k] (ms_it_serve_shard: a process group of its own). */
void
serve_shard(int k)
{
    char log[128];
    snprintf(log, sizeof log, "%s/shard-%d.log", base, k);
    shard_host[k] = ms_it_serve_shard(&remote, k == 3 ? 1 : k, ports[k], log);
}

/* Kill slot 'k' of the shard hosts (its whole process group). */
void
kill_host(int k)
{
    kill(-shard_host[k], SIGKILL);
    waitpid(shard_host[k], NULL, 0);
    shard_host[k] = 0;
}

void
wait_states(const char *want)
{
    ms_it_wait_shard_states(&remote, want);
}

/* ADI's documents (base/adi/docs.jsonl) into 'archive' with values of
 * facets: one or two countries (a country twice counts once), a status
 * (so the (country, status) pairs), a type, a year and one of four
 * meetings (adi-0 to adi-3, without titles). */
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
                "\"type\":\"%s\",\"date\":\"%u\",\"meeting\":\"adi-%u\",%s",
                countries[n % 5], countries[n * 3 % 5], statuses[n % 3],
                n % 2 ? "report" : "workshop", 1990 + n % 4, n % 4, line + 1);
    }
    free(line);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
    cr_assert_geq(n, 80, "%u ADI documents", n);
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
             "mkdir %s",
             MS_SOURCE_DIR, MS_SOURCE_DIR, base, base, archive);
    cr_assert_eq(system(command), 0, "cannot convert ADI; see %s/convert.log", base);
    add_facet_values(archive);

    /* A feedback window of 5 on every server (and in every config the
     * fault tests reload): what each hit's order then depends on, the
     * documents that make the window, is passed by a posting source
     * locally and by their id terms to the remote shards (feedback.cc);
     * the shipped every-match feedback over shards is test_differential's. */
    static const ms_it_options_t plain = {.index_lines = "  jobs: 1\n",
                                          .extra_config = WINDOW_CONFIG};
    static const ms_it_options_t sharded = {.index_lines = "  jobs: 1\n  shards: 3\n",
                                            .extra_config = WINDOW_CONFIG};
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
                                    .extra_config =
                                        WINDOW_CONFIG "  time_budget_ms: 3000\n"};
    ms_it_start_with(&remote, archive, &served);
    serve_shard(1);
    serve_shard(2);
    serve_shard(3);
    wait_states("0:up 1:up 2:up");
}

/* "/search?q=<query>&per_page=100<filters>" */
void
search_target(char *out, size_t size, const char *query, const char *filters)
{
    char *q = curl_easy_escape(NULL, query, 0);
    snprintf(out, size, "/search?q=%s&per_page=100%s", q, filters);
    curl_free(q);
}

/* The ids of a /search answer in order, its total, its facets, whether
 * they are estimated and what it skipped, as text. */
char *
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
