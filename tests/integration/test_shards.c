/* test_shards.c - an index in shards, local and through xapian-tcpsrv, answers as one
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Over the servers of shards_fixture.c (the ADI collection unsharded, as 3
 * local shards, and as 3 shards of which 1 and 2 are served by
 * xapian-tcpsrv): every query of the collection, with no filter, a
 * country, a status and both, gives the same ids in the same order, the
 * same totals and the same facets on all three; a document of a remote
 * shard is whole; did-you-mean over the remote shards is the unsharded
 * index's (a misspelt word that only documents of shards 1 and 2 hold is
 * corrected from the spelling of every shard that shard 0 keeps,
 * docs/index-schema.md "Spelling"), and a remote shard 0 is said at start.
 * Faults: test_shards_faults.c. docs/index-schema.md "Shards".
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

/* ---- a remote shard updated in place ---- */

/* The ids, in the order of the archive's lines, of the first document of
 * shard 'shard' after skipping 'skip' of them; into out. */
static void
id_of_shard(char *out, size_t size, unsigned shard, unsigned skip)
{
    char path[160], line[65536];
    snprintf(path, sizeof path, "%s/archive/docs.jsonl", base);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    out[0] = '\0';
    while (!out[0] && fgets(line, sizeof line, f)) {
        json_t *doc = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(doc, "id"));
        if (id && shard_of(id) == shard && skip-- == 0)
            snprintf(out, size, "%s", id);
        json_decref(doc);
    }
    fclose(f);
    cr_assert(out[0], "no document of shard %u", shard);
}

/* The archive's docs.jsonl again: the line of 'changed' with its text
 * replaced, the line of 'deleted' left out, and 'added' lines appended. */
static void
edit_archive(const char *changed, const char *deleted, const char *const *added, size_t n)
{
    char path[160], tmp[176], line[65536];
    snprintf(path, sizeof path, "%s/archive/docs.jsonl", base);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *in = fopen(path, "r"), *out = fopen(tmp, "w");
    cr_assert(in && out);
    while (fgets(line, sizeof line, in)) {
        json_t *doc = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(doc, "id"));
        if (id && strcmp(id, deleted) == 0) {
            json_decref(doc);
            continue;
        }
        if (id && strcmp(id, changed) == 0) {
            json_object_set_new(doc, "text",
                                json_string("Quorvantine archives of indexing "
                                            "vocabularies, revised in place."));
            char *text = json_dumps(doc, JSON_COMPACT);
            fprintf(out, "%s\n", text);
            free(text);
        } else {
            fputs(line, out);
        }
        json_decref(doc);
    }
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s\n", added[i]);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
    cr_assert_eq(rename(tmp, path), 0);
}

/* Whether 'target' gives the same ids, totals and facets on 'one' and
 * 'remote'; the two answers' parts into a report when not. */
static bool
same_answer(const char *target, char *report, size_t size)
{
    ms_http_t a, c;
    ms_it_get_json(&a, &one, target);
    ms_it_get_json(&c, &remote, target);
    char *pa = compared_parts(&a), *pc = compared_parts(&c);
    bool same = strcmp(pa, pc) == 0;
    if (!same)
        snprintf(report, size, "%s\n  one index: %.300s\n  remote:    %.300s", target, pa,
                 pc);
    free(pa);
    free(pc);
    ms_http_free(&a);
    ms_http_free(&c);
    return same;
}

/* The shard hosts serve the very folders the indexer updates (a shard
 * host running its own migsearch-index, or a replica's copy): after an
 * update that adds documents to shards 1 and 2, changes one and deletes
 * another, the search host, at its next refresh (once a second),
 * answers as the unsharded index updated alike: the new and the changed
 * documents found, the deleted one gone, every total and facet. */
Test(shards, remote_shards_updated_in_place_answer_as_one_index)
{
    char changed[32], deleted[32], added_1[32], added_2[32], report[1024] = "";
    id_of_shard(changed, sizeof changed, 1, 0);
    id_of_shard(deleted, sizeof deleted, 2, 0);
    /* New ids: the first "upd-N" of shard 1 and of shard 2. */
    added_1[0] = added_2[0] = '\0';
    for (unsigned i = 0; !added_1[0] || !added_2[0]; i++) {
        char id[32];
        snprintf(id, sizeof id, "upd-%u", i);
        if (shard_of(id) == 1 && !added_1[0])
            snprintf(added_1, sizeof added_1, "%s", id);
        if (shard_of(id) == 2 && !added_2[0])
            snprintf(added_2, sizeof added_2, "%s", id);
    }
    char line_1[512], line_2[512];
    snprintf(
        line_1, sizeof line_1,
        "{\"countries\":[\"Ghana\"],\"status\":\"implemented\",\"type\":\"report\","
        "\"date\":\"1994\",\"meeting\":\"adi-9\",\"id\":\"%s\",\"title\":\"Quorvantine "
        "catalogues\",\"text\":\"Quorvantine catalogues for retrieval.\"}",
        added_1);
    snprintf(
        line_2, sizeof line_2,
        "{\"countries\":[\"Chile\",\"Mali\"],\"status\":\"not implemented\","
        "\"type\":\"workshop\",\"date\":\"1995\",\"meeting\":\"adi-9\",\"id\":\"%s\","
        "\"title\":\"Indexing in Quorvantine\",\"text\":\"Quorvantine indexing.\"}",
        added_2);
    const char *const added[] = {line_1, line_2};
    edit_archive(changed, deleted, added, 2);
    char archive[128];
    snprintf(archive, sizeof archive, "%s/archive", base);
    cr_assert_eq(ms_it_index(&one, archive), 0, "update of one; see %s/index.log",
                 one.dir);
    cr_assert_eq(ms_it_index(&remote, archive), 0, "update of remote; see %s/index.log",
                 remote.dir);

    static const char *const targets[] = {
        "/search?q=quorvantine&per_page=100",
        "/search?q=quorvantine&per_page=100&country=Mali",
        "/search?q=&per_page=100",
        "/search?q=&per_page=100&meeting=adi-9",
        "/search?q=indexing+vocabularies&per_page=100&status=implemented",
    };
    /* Each server refreshes once a second: wait until both have. */
    bool all_same = false;
    for (long until = ms_it_now_ms() + 10000; !all_same && ms_it_now_ms() < until;) {
        all_same = true;
        for (size_t i = 0; i < sizeof targets / sizeof *targets && all_same; i++)
            all_same = same_answer(targets[i], report, sizeof report);
        if (!all_same)
            usleep(200 * 1000);
    }
    cr_expect(all_same, "after the update: %s", report);

    /* And they are what the update made: three documents hold the word. */
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &remote, "/search?q=quorvantine&per_page=100");
    cr_expect_eq(
        json_integer_value(json_object_get(json_object_get(json, "total"), "estimate")),
        3, "%s", res.body);
    ms_http_free(&res);
    char target[64];
    snprintf(target, sizeof target, "/doc/%s", deleted);
    ms_it_get(&res, &remote, target);
    cr_expect_eq(res.status, 404, "%s of a remote shard, deleted: %ld", target,
                 res.status);
    ms_http_free(&res);
    snprintf(target, sizeof target, "/doc/%s", added_2);
    ms_it_get_json(&res, &remote, target);
    cr_expect_eq(res.status, 200, "%s of a remote shard, added: %s", target, res.body);
    ms_http_free(&res);
}
