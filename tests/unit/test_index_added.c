/* test_index_added.c - the time a document was first indexed (slot 2)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * What a follower of a search relies on: every document carries the time
 * it was first indexed as its field "added", a second write of the same id
 * keeps it, and MS_SORT_ADDED orders by it (latest first), whatever the
 * documents' own dates say.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ms_index.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-added");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(added, .init = setup, .fini = teardown);

static ms_index_t *
open_index_at(const char *path, ms_index_mode_t mode)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;

    cr_assert_eq(ms_index_open(&idx, path, mode, &err), MS_INDEX_OK, "open: %s",
                 err.text);
    return idx;
}

static ms_index_t *
open_index(ms_index_mode_t mode)
{
    return open_index_at(dbpath, mode);
}

/* Put one English document into 'idx'. */
static void
put_one(ms_index_t *idx, const char *id, const char *body, const char *date)
{
    ms_document_t doc = {
        .id = id, .title = id, .body = body, .language = "en", .date = date};

    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

/* Write and commit one English document. */
static void
write_one(const char *id, const char *body, const char *date)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);

    put_one(idx, id, body, date);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
}

/* The "added" field of document 'id' of the index at 'path' into 'out'
 * (32 bytes). */
static void
added_in(char *out, const char *path, const char *id)
{
    ms_index_t *idx = open_index_at(path, MS_INDEX_READ);
    ms_document_t *doc = NULL;
    const char *added = NULL;

    cr_assert_eq(ms_index_get(&doc, idx, id), MS_INDEX_OK);
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, "added") == 0 && added == NULL)
            added = doc->fields[i].value;
    }
    cr_assert_not_null(added, "%s has no added", id);
    snprintf(out, 32, "%s", added);
    ms_document_free(doc);
    ms_index_close(idx);
}

static void
added_of(char *out, const char *id)
{
    added_in(out, dbpath, id);
}

Test(added, is_the_utc_time_of_the_first_write)
{
    char added[32], low[32], high[32];
    time_t before = time(NULL), after;
    struct tm tm;

    write_one("a", "alpha", "2001");
    after = time(NULL);
    added_of(added, "a");
    strftime(low, sizeof low, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&before, &tm));
    strftime(high, sizeof high, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&after, &tm));
    cr_assert(strcmp(added, low) >= 0 && strcmp(added, high) <= 0,
              "added %s not in %s..%s", added, low, high);
}

Test(added, survives_a_rewrite_of_the_document)
{
    char first[32], again[32], other[32];

    write_one("a", "alpha", "2001");
    added_of(first, "a");
    ms_test_next_second();
    write_one("a", "alpha changed", "2002");
    write_one("b", "beta", "2002");
    added_of(again, "a");
    added_of(other, "b");
    cr_assert_str_eq(again, first, "a rewrite moved added from %s to %s", first, again);
    cr_assert_gt(strcmp(other, first), 0, "b (%s) not added after a (%s)", other, first);
}

/* The ids of the hits of an empty query in 'sort' order, space separated. */
static void
ids_in_order(char *out, size_t size, ms_sort_t sort)
{
    ms_index_t *idx = open_index(MS_INDEX_READ);
    ms_search_t search = {.query = "", .limit = 10, .sort = sort};
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    out[0] = '\0';
    for (size_t i = 0; i < results->n_hits; i++) {
        strncat(out, results->hits[i].doc.id, size - strlen(out) - 2);
        if (i + 1 < results->n_hits)
            strcat(out, " ");
    }
    ms_results_free(results);
    ms_index_close(idx);
}

Test(added, sort_added_puts_the_latest_addition_first_whatever_its_date)
{
    char order[128];

    write_one("new-2004", "delta", "2004-06-01");
    ms_test_next_second();
    write_one("old-1998", "gamma", "1998-01-01");
    ms_test_next_second();
    write_one("mid-2001", "epsilon", "2001");
    ids_in_order(order, sizeof order, MS_SORT_ADDED);
    cr_assert_str_eq(order, "mid-2001 old-1998 new-2004");
    /* The dates still order "newest". */
    ids_in_order(order, sizeof order, MS_SORT_NEWEST);
    cr_assert_str_eq(order, "new-2004 mid-2001 old-1998");
}

/* A rebuild writes a new index: with ms_index_keep_added() on the one it
 * replaces, a document that was there keeps its time and a new one gets
 * the time of the rebuild. */
Test(added, a_rebuild_keeps_the_times_of_the_index_it_replaces)
{
    char rebuilt[PATH_MAX], before[32], kept[32], fresh[32];
    ms_index_t *idx;

    write_one("old", "alpha", "1999");
    added_of(before, "old");
    ms_test_next_second();
    ms_test_path_join(rebuilt, sizeof rebuilt, tmpdir, "rebuilt");
    idx = open_index_at(rebuilt, MS_INDEX_WRITE);
    cr_assert_eq(ms_index_keep_added(idx, dbpath), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    put_one(idx, "old", "alpha again", "1999");
    put_one(idx, "new", "beta", "2000");
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
    added_in(kept, rebuilt, "old");
    added_in(fresh, rebuilt, "new");
    cr_assert_str_eq(kept, before);
    cr_assert_gt(strcmp(fresh, before), 0, "new %s not after old %s", fresh, before);

    /* Nothing to keep: a first build. A reader cannot take times. */
    idx = open_index_at(rebuilt, MS_INDEX_WRITE);
    ms_test_path_join(rebuilt, sizeof rebuilt, tmpdir, "nothing-here");
    cr_assert_eq(ms_index_keep_added(idx, rebuilt), MS_INDEX_NOT_FOUND);
    ms_index_close(idx);
    idx = open_index(MS_INDEX_READ);
    cr_assert_eq(ms_index_keep_added(idx, dbpath), MS_INDEX_INTERNAL);
    ms_index_close(idx);
}
