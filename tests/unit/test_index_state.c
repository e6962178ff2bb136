/* test_index_state.c - unit tests of the shim's metadata, counts and generations
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * What migsearch-index builds its incremental updates and rebuilds on,
 * tested through ms_index.h only: metadata inside the writer's
 * transaction, iteration over keys and ids, counts per field value, and
 * readers following a generation switch. Each test gets a fresh directory
 * from mkdtemp, removed again in .fini.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_index_build.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-state");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "index");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(state, .init = setup, .fini = teardown);

static ms_index_t *
open_at(const char *path, ms_index_mode_t mode)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, path, mode, &err);
    cr_assert_eq(status, MS_INDEX_OK, "open %s: %s", path, err.text);
    return idx;
}

static void
put(ms_index_t *idx, const char *id, const char *language, const ms_field_t *fields,
    size_t n_fields)
{
    ms_document_t doc = {id, id, "some text", language, NULL, fields, n_fields};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

static void
commit(ms_index_t *idx)
{
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
}

static void
set(ms_index_t *idx, const char *key, const char *value)
{
    cr_assert_eq(ms_index_metadata_set(idx, key, value), MS_INDEX_OK, "set %s: %s", key,
                 ms_index_errmsg(idx));
}

/* The value under 'key', or NULL if there is none. Caller frees. */
static char *
get(ms_index_t *idx, const char *key)
{
    char *value = NULL;
    ms_index_status_t status = ms_index_metadata_get(&value, idx, key);
    if (status == MS_INDEX_NOT_FOUND) {
        cr_assert_null(value);
        return NULL;
    }
    cr_assert_eq(status, MS_INDEX_OK, "get %s: %s", key, ms_index_errmsg(idx));
    return value;
}

static bool
has_document(ms_index_t *idx, const char *id)
{
    ms_document_t *doc = NULL;
    ms_index_status_t status = ms_index_get(&doc, idx, id);
    cr_assert(status == MS_INDEX_OK || status == MS_INDEX_NOT_FOUND, "get %s: %s", id,
              ms_index_errmsg(idx));
    ms_document_free(doc);
    return status == MS_INDEX_OK;
}

static void
refresh(ms_index_t *idx)
{
    cr_assert_eq(ms_index_refresh(idx), MS_INDEX_OK, "refresh: %s", ms_index_errmsg(idx));
}

/* A new generation beside dbpath holding one document 'id', not yet live. */
static char *
make_generation(const char *id)
{
    char *generation = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_generation_new(&generation, dbpath, &err), MS_INDEX_OK, "%s",
                 err.text);
    ms_index_t *w = open_at(generation, MS_INDEX_WRITE);
    put(w, id, "en", NULL, 0);
    commit(w);
    ms_index_close(w);
    return generation;
}

static void
switch_to(const char *generation)
{
    ms_index_error_t err;
    cr_assert_eq(ms_index_generation_switch(dbpath, generation, &err), MS_INDEX_OK, "%s",
                 err.text);
}

static bool
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

Test(state, metadata_is_part_of_the_writers_transaction)
{
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    commit(w);
    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);

    set(w, "src:a.md", "entry for a");
    put(w, "a", "en", NULL, 0);
    char *mine = get(w, "src:a.md");
    cr_assert_str_eq(mine, "entry for a", "a writer sees its own uncommitted value");
    ms_index_string_free(mine);

    refresh(r);
    cr_assert_null(get(r, "src:a.md"), "a reader must not see an uncommitted value");
    cr_assert_not(has_document(r, "a"));

    commit(w);
    refresh(r);
    char *seen = get(r, "src:a.md");
    cr_assert_str_eq(seen, "entry for a");
    ms_index_string_free(seen);
    cr_assert(has_document(r, "a"), "the value and the document arrive together");
    ms_index_close(r);
    ms_index_close(w);
}

Test(state, close_without_commit_discards_metadata_with_documents)
{
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    set(w, "kept", "1");
    commit(w);
    set(w, "src:b.md", "entry for b");
    set(w, "kept", NULL);
    put(w, "b", "en", NULL, 0);
    ms_index_close(w);

    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);
    cr_assert_null(get(r, "src:b.md"));
    char *kept = get(r, "kept");
    cr_assert_str_eq(kept, "1", "the removal was not committed either");
    ms_index_string_free(kept);
    cr_assert_not(has_document(r, "b"));
    ms_index_close(r);
}

Test(state, empty_value_removes_key)
{
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    set(w, "k1", "v");
    set(w, "k2", "v");
    commit(w);
    set(w, "k1", "");
    set(w, "k2", NULL);
    commit(w);
    cr_assert_null(get(w, "k1"));
    cr_assert_null(get(w, "k2"));
    ms_index_close(w);
}

Test(state, invalid_keys_and_read_only_handles_are_refused)
{
    char long_key[MS_INDEX_METADATA_KEY_MAX + 2];
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';

    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    cr_assert_eq(ms_index_metadata_set(w, "", "v"), MS_INDEX_BAD_QUERY);
    cr_assert_eq(ms_index_metadata_set(w, long_key, "v"), MS_INDEX_BAD_QUERY);
    cr_assert_str_eq(ms_index_errmsg(w), "invalid metadata key");
    long_key[MS_INDEX_METADATA_KEY_MAX] = '\0'; /* exactly the limit is fine */
    set(w, long_key, "v");
    commit(w);
    ms_index_close(w);

    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);
    cr_assert_eq(ms_index_metadata_set(r, "k", "v"), MS_INDEX_INTERNAL);
    char *value = get(r, long_key);
    cr_assert_str_eq(value, "v");
    ms_index_string_free(value);
    ms_index_close(r);
}

struct seen {
    char keys[8][32];
    char values[8][32];
    size_t n;
    size_t stop_after;
};

static int
collect(const char *key, const char *value, void *payload)
{
    struct seen *s = payload;
    cr_assert_lt(s->n, 8);
    snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s", key);
    snprintf(s->values[s->n], sizeof(s->values[0]), "%s", value);
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

Test(state, metadata_each_lists_a_prefix_in_key_order)
{
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    set(w, "src:b", "2");
    set(w, "src:a", "1");
    set(w, "srh:x", "3");
    set(w, "last_run", "{}");
    commit(w);
    set(w, "src:c", "4"); /* uncommitted, but the writer sees it */

    struct seen s = {0};
    cr_assert_eq(ms_index_metadata_each(w, "src:", collect, &s), MS_INDEX_OK);
    cr_assert_eq(s.n, 3);
    cr_assert_str_eq(s.keys[0], "src:a");
    cr_assert_str_eq(s.values[0], "1");
    cr_assert_str_eq(s.keys[1], "src:b");
    cr_assert_str_eq(s.keys[2], "src:c");

    struct seen first = {.stop_after = 1};
    cr_assert_eq(ms_index_metadata_each(w, "src:", collect, &first), MS_INDEX_OK);
    cr_assert_eq(first.n, 1, "a non-zero return stops the iteration");

    struct seen all = {0};
    cr_assert_eq(ms_index_metadata_each(w, "", collect, &all), MS_INDEX_OK);
    cr_assert_eq(all.n, 6, "five keys and the shim's own \"schema\"");
    cr_assert_str_eq(all.keys[0], "last_run");
    cr_assert_str_eq(all.keys[1], "schema");
    ms_index_close(w);
}

static int
collect_id(const char *id, void *payload)
{
    struct seen *s = payload;
    return collect(id, "", s);
}

Test(state, each_id_lists_every_document_once)
{
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    put(w, "zeta", "en", NULL, 0);
    put(w, "alpha", "en", NULL, 0);
    put(w, "mid", "en", NULL, 0);
    put(w, "alpha", "fr", NULL, 0); /* a replacement, not a second document */
    commit(w);
    cr_assert_eq(ms_index_delete(w, "mid"), MS_INDEX_OK);
    commit(w);

    struct seen s = {0};
    cr_assert_eq(ms_index_each_id(w, collect_id, &s), MS_INDEX_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.keys[0], "alpha");
    cr_assert_str_eq(s.keys[1], "zeta");
    ms_index_close(w);
}

static unsigned long
count_of(const ms_index_counts_t *counts, const char *value)
{
    for (size_t i = 0; i < counts->n_items; i++) {
        if (strcmp(counts->items[i].value, value) == 0)
            return counts->items[i].count;
    }
    return 0;
}

Test(state, count_by_counts_documents_per_value)
{
    ms_field_t r1[] = {{"type", "Recommendation"}, {"status", "implemented"}};
    ms_field_t r2[] = {{"type", "recommendation"}, {"status", "not implemented"}};
    ms_field_t r3[] = {{"type", "report"},
                       {"status", "implemented"},
                       {"status", "partially implemented"}};
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    put(w, "r1", "en", r1, 2);
    put(w, "r2", "fr", r2, 2);
    put(w, "r3", "en", r3, 3);
    put(w, "plain", NULL, NULL, 0);
    commit(w);
    ms_index_close(w);

    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);
    ms_index_counts_t *types = NULL, *languages = NULL, *statuses = NULL, *years = NULL;
    cr_assert_eq(ms_index_count_by(&types, r, "type"), MS_INDEX_OK);
    cr_assert_eq(types->n_items, 2);
    cr_assert_str_eq(types->items[0].value, "recommendation",
                     "values in byte order, folded");
    cr_assert_eq(types->items[0].count, 2);
    cr_assert_eq(count_of(types, "report"), 1);

    cr_assert_eq(ms_index_count_by(&languages, r, "language"), MS_INDEX_OK);
    cr_assert_eq(languages->n_items, 2);
    cr_assert_eq(count_of(languages, "en"), 2);
    cr_assert_eq(count_of(languages, "fr"), 1);

    cr_assert_eq(ms_index_count_by(&statuses, r, "status"), MS_INDEX_OK);
    cr_assert_eq(count_of(statuses, "implemented"), 2);
    cr_assert_eq(count_of(statuses, "not implemented"), 1);
    cr_assert_eq(count_of(statuses, "partially implemented"), 1);

    cr_assert_eq(ms_index_count_by(&years, r, "year"), MS_INDEX_OK);
    cr_assert_eq(years->n_items, 0, "no document has a date");

    ms_index_counts_t *bad = NULL;
    cr_assert_eq(ms_index_count_by(&bad, r, "colour"), MS_INDEX_BAD_QUERY);
    cr_assert_null(bad);
    ms_index_counts_free(types);
    ms_index_counts_free(languages);
    ms_index_counts_free(statuses);
    ms_index_counts_free(years);
    ms_index_close(r);
}

Test(state, reader_follows_a_generation_switch_at_refresh)
{
    char *first = make_generation("old");
    switch_to(first);
    char target[PATH_MAX];
    ssize_t n = readlink(dbpath, target, sizeof(target) - 1);
    cr_assert_gt(n, 0, "the index path is a link after the first switch");
    target[n] = '\0';
    cr_assert_str_eq(target, "index.gen-1");

    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);
    cr_assert(has_document(r, "old"));

    char *second = make_generation("new");
    cr_assert(strstr(second, "index.gen-2"), "generations are numbered: %s", second);
    switch_to(second);
    cr_assert_not(exists(first), "the old generation is removed after the switch");

    /* The reader keeps the removed generation open until it refreshes. */
    cr_assert(has_document(r, "old"));
    cr_assert_not(has_document(r, "new"));
    refresh(r);
    cr_assert(has_document(r, "new"), "refresh opens the new generation");
    cr_assert_not(has_document(r, "old"));
    /* A second refresh with no switch is an ordinary reopen. */
    refresh(r);
    cr_assert(has_document(r, "new"));

    /* A writer opened on the path writes into the live generation. */
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    put(w, "added", "en", NULL, 0);
    commit(w);
    ms_index_close(w);
    refresh(r);
    cr_assert(has_document(r, "added"));

    ms_index_close(r);
    ms_index_string_free(first);
    ms_index_string_free(second);
}

Test(state, first_switch_replaces_a_plain_index_directory)
{
    /* An index from before generations: a database directory at the path. */
    ms_index_t *w = open_at(dbpath, MS_INDEX_WRITE);
    put(w, "legacy", "en", NULL, 0);
    commit(w);
    ms_index_close(w);
    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);

    char *generation = make_generation("rebuilt");
    cr_assert(strstr(generation, "index.gen-1"));
    switch_to(generation);
    struct stat st;
    cr_assert_eq(lstat(dbpath, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the directory was replaced by a link");

    cr_assert(has_document(r, "legacy"));
    refresh(r);
    cr_assert(has_document(r, "rebuilt"));
    cr_assert_not(has_document(r, "legacy"));

    char leftover[PATH_MAX];
    ms_test_path_join(leftover, sizeof leftover, tmpdir, "index.switch");
    cr_assert_not(exists(leftover), "the old directory is gone");
    ms_index_close(r);
    ms_index_string_free(generation);
}

Test(state, prune_removes_unfinished_generations_only)
{
    char *live = make_generation("live");
    switch_to(live);
    char *abandoned = make_generation("half-built");
    char switch_tmp[PATH_MAX];
    ms_test_path_join(switch_tmp, sizeof switch_tmp, tmpdir, "index.switch");
    cr_assert_eq(symlink("index.gen-2", switch_tmp), 0);
    char unrelated[PATH_MAX];
    ms_test_path_join(unrelated, sizeof unrelated, tmpdir, "index.gen-x");
    cr_assert_eq(mkdir(unrelated, 0755), 0);

    ms_index_error_t err;
    cr_assert_eq(ms_index_generation_prune(dbpath, &err), MS_INDEX_OK, "%s", err.text);
    cr_assert(exists(live));
    cr_assert_not(exists(abandoned));
    cr_assert_not(exists(switch_tmp));
    cr_assert(exists(unrelated), "only names of the form <path>.gen-<N> are generations");

    /* The next generation still gets a number of its own. */
    char *next = NULL;
    cr_assert_eq(ms_index_generation_new(&next, dbpath, &err), MS_INDEX_OK);
    cr_assert(strstr(next, "index.gen-2"), "%s", next);
    ms_index_t *r = open_at(dbpath, MS_INDEX_READ);
    cr_assert(has_document(r, "live"));
    ms_index_close(r);
    ms_index_string_free(live);
    ms_index_string_free(abandoned);
    ms_index_string_free(next);
}

Test(state, switch_refuses_what_is_not_a_generation_beside_the_index)
{
    ms_index_error_t err;
    char elsewhere[PATH_MAX];
    ms_test_path_join(elsewhere, sizeof elsewhere, tmpdir, "other.gen-1");
    cr_assert_eq(ms_index_generation_switch(dbpath, elsewhere, &err), MS_INDEX_IO);
    cr_assert_eq(err.status, MS_INDEX_IO);

    char *empty = NULL;
    cr_assert_eq(ms_index_generation_new(&empty, dbpath, &err), MS_INDEX_OK);
    cr_assert_eq(ms_index_generation_switch(dbpath, empty, &err), MS_INDEX_NOT_FOUND,
                 "a generation never written is no index: %s", err.text);
    cr_assert_not(exists(dbpath), "nothing was switched");
    ms_index_string_free(empty);
}

Test(state, reading_a_dangling_link_is_not_found)
{
    cr_assert_eq(symlink("index.gen-9", dbpath), 0);
    ms_index_t *r = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&r, dbpath, MS_INDEX_READ, &err), MS_INDEX_NOT_FOUND);
    cr_assert_null(r);
}
