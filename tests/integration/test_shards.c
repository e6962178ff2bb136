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
