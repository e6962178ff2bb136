/* test_kept_answers.c - /search answers kept and given again (search.result_cache_mb)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The real migsearch-index, migsearch-fcgi and nginx (harness.h), one
 * server thread, so that every question asked again meets the answer that
 * thread kept. A kept answer is given again only while nothing it depends
 * on changed: a commit, a rebuild and a reloaded config each end it (the
 * next asking searches and finds what changed), and /metrics counts what
 * was given again. That a kept answer is never another viewer's is
 * test_differential's kept_answers_equal_searches_whoever_asks.
 */
#include "harness.h"
#include "ms_clock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;
static char work[64]; /* the test's copy of the sample archive, or "" */

static void
stop(void)
{
    ms_it_stop(&it);
    ms_it_remove_tree(work);
}

TestSuite(kept_answers, .fini = stop, .timeout = 90);

static long
now_ms(void)
{
    return (long)ms_clock_ms();
}

static unsigned long
metric(const char *name)
{
    return ms_it_metric(&it, name);
}

/* The ids of the answer to 'target', space-separated, into 'out'. */
static void
ids_of(const char *target, char *out, size_t size)
{
    ms_http_t res;
    ms_it_get(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s: %ld %s", target, res.status, res.body);
    json_t *hits = json_object_get(res.json, "results");
    cr_assert(json_is_array(hits), "%s: %s", target, res.body);
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(hits); i++) {
        const char *id =
            json_string_value(json_object_get(json_array_get(hits, i), "id"));
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? " " : "", id ? id : "?");
    }
    ms_http_free(&res);
}

/* Ask 'target' until its ids are 'want', for at most 3 s; how long it
 * took, or -1. The server refreshes its index at most once a second. */
static long
until_ids(const char *target, const char *want, long since)
{
    char got[1024];
    while (now_ms() - since < 3000) {
        ids_of(target, got, sizeof got);
        if (strcmp(got, want) == 0)
            return now_ms() - since;
        nanosleep(&(struct timespec){0, 20000000L}, NULL);
    }
    return -1;
}

static void
write_document(const char *archive, const char *words)
{
    char path[256];
    snprintf(path, sizeof path, "%s/kept-answers.md", archive);
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fprintf(f,
            "---\nid: kept-answers-note\ntitle: A note on kept answers\ntype: report\n"
            "date: 2006-02-03\nlanguage: en\n---\n%s\n",
            words);
    cr_assert_eq(fclose(f), 0);
}

/* One server thread over a copy of the sample archive; its path in
 * 'archive'. */
static void
start(char *archive, size_t size, const char *search_lines)
{
    static char extra[512];
    char command[512];

    snprintf(work, sizeof work, "/tmp/ms-kept.XXXXXX");
    cr_assert(mkdtemp(work), "mkdtemp: %s", strerror(errno));
    snprintf(archive, size, "%s/archive", work);
    snprintf(command, sizeof command, "cp -R '%s' '%s'", ARCHIVE, archive);
    cr_assert_eq(system(command), 0, "cannot copy the sample archive");
    snprintf(extra, sizeof extra, "archive:\n  path: %s\n%s", archive,
             search_lines ? search_lines : "");
    const ms_it_options_t options = {.extra_config = extra, .threads = 1};
    ms_it_start_with(&it, archive, &options);
}

/* A question asked again is answered from what was kept; a commit that
 * changes its answer ends that within a second, and so does a rebuild
 * that takes the document away again. */
Test(kept_answers, a_commit_or_a_rebuild_ends_them)
{
    static const char *const target = "/search?q=zyxkept";
    static const char *const rebuild[] = {"--rebuild", NULL};
    char archive[128], path[256], ids[256];

    start(archive, sizeof archive, NULL);
    ids_of(target, ids, sizeof ids);
    cr_assert_str_eq(ids, "");
    unsigned long hits = metric("migsearch_result_cache_hits_total");
    ids_of(target, ids, sizeof ids);
    cr_assert_str_eq(ids, "");
    cr_assert_eq(metric("migsearch_result_cache_hits_total"), hits + 1,
                 "the question asked again was not answered from what was kept");

    write_document(archive, "The zyxkept word is here now.");
    cr_assert_eq(ms_it_index(&it, archive), 0, "see %s/index.log", it.dir);
    long took = until_ids(target, "kept-answers-note", now_ms());
    cr_assert(took >= 0 && took < 2000, "a kept answer outlived the commit (%ld ms)",
              took);

    snprintf(path, sizeof path, "%s/kept-answers.md", archive);
    cr_assert_eq(unlink(path), 0);
    ids_of(target, ids, sizeof ids); /* kept again, with the note */
    cr_assert_eq(ms_it_index_args(&it, archive, rebuild), 0, "see %s/index.log", it.dir);
    took = until_ids(target, "", now_ms());
    cr_assert(took >= 0 && took < 2000, "a kept answer outlived the rebuild (%ld ms)",
              took);
}

/* A reloaded config ends what was kept: the next asking has the new
 * settings. With search.result_cache_mb 0 nothing is kept at all. */
Test(kept_answers, a_reloaded_config_ends_them_and_0_keeps_none)
{
    char archive[128];
    ms_http_t res;

    start(archive, sizeof archive, "search:\n  per_page: 3\n");
    for (int i = 0; i < 2; i++) {
        json_t *json = ms_it_get_json(&res, &it, "/search?q=migration");
        cr_assert_eq(json_array_size(json_object_get(json, "results")), 3, "%s",
                     res.body);
        ms_http_free(&res);
    }
    cr_assert_geq(metric("migsearch_result_cache_hits_total"), 1);

    char extra[256];
    snprintf(extra, sizeof extra, "archive:\n  path: %s\nsearch:\n  per_page: 5\n",
             archive);
    ms_it_write_config(&it, extra);
    cr_assert_eq(kill(it.fcgi_pid, SIGHUP), 0);
    long since = now_ms();
    while (!ms_it_fcgi_log_contains(&it, "config reloaded") && now_ms() - since < 5000)
        nanosleep(&(struct timespec){0, 20000000L}, NULL);
    cr_assert(ms_it_fcgi_log_contains(&it, "config reloaded"));
    json_t *json = ms_it_get_json(&res, &it, "/search?q=migration");
    cr_assert_eq(json_array_size(json_object_get(json, "results")), 5,
                 "a kept answer outlived the reload: %s", res.body);
    ms_http_free(&res);

    snprintf(extra, sizeof extra,
             "archive:\n  path: %s\nsearch:\n  per_page: 5\n  result_cache_mb: 0\n",
             archive);
    ms_it_write_config(&it, extra);
    cr_assert_eq(kill(it.fcgi_pid, SIGHUP), 0);
    since = now_ms();
    while (ms_it_fcgi_log_count(&it, "config reloaded") < 2 && now_ms() - since < 5000)
        nanosleep(&(struct timespec){0, 20000000L}, NULL);
    cr_assert_eq(ms_it_fcgi_log_count(&it, "config reloaded"), 2);
    unsigned long hits = metric("migsearch_result_cache_hits_total");
    for (int i = 0; i < 3; i++) {
        json = ms_it_get_json(&res, &it, "/search?q=migration");
        cr_assert_eq(res.status, 200);
        ms_http_free(&res);
    }
    cr_assert_eq(metric("migsearch_result_cache_hits_total"), hits,
                 "answers were given again with search.result_cache_mb 0");
}
