/* test_indexer.c - the real migsearch-index: updates, rebuilds, kills, locks, CLI
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test writes a small archive of .md and .txt files into a fresh
 * temporary directory, runs migsearch-index with fork/exec (run.c) and
 * checks the exit code, the --json report and the index itself through
 * ms_index.h.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ms_index_build.h"
#include "run.h"

static ms_ix_t ix;

static void
setup(void)
{
    ms_ix_setup(&ix, 50);
}

static void
teardown(void)
{
    ms_ix_teardown(&ix);
}

TestSuite(indexer, .init = setup, .fini = teardown, .timeout = 120);

/* Four documents: three Markdown, one text. */
static void
write_small_archive(void)
{
    ms_ix_write(&ix, "a.md",
                "---\nid: doc-a\ntype: report\n---\n# Alpha\n\nAbout borders.\n");
    ms_ix_write(&ix, "b.md", "---\nid: doc-b\n---\n# Beta\n\nThe zebra crossing.\n");
    ms_ix_write(&ix, "sub/c.md", "# Gamma\n\nRemittances and households.\n");
    ms_ix_write(&ix, "sub/d.txt", "Delta\n\nPlain text about labour mobility.\n");
}

/* Run with --json and the given arguments; the report must parse. */
static void
run_json(ms_ix_result_t *res, const char *extra)
{
    const char *args[] = {"--json", extra, NULL};
    ms_ix_run(res, &ix, args);
    cr_assert_not_null(res->json, "--json output does not parse (exit %d):\n%s\n%s",
                       res->status, res->out, res->err);
}

static void
expect_files(const ms_ix_result_t *res, long long added, long long updated,
             long long deleted, long long unchanged, long long failed)
{
    long long got[5] = {
        ms_ix_count(res, "files", "added"), ms_ix_count(res, "files", "updated"),
        ms_ix_count(res, "files", "deleted"), ms_ix_count(res, "files", "unchanged"),
        ms_ix_count(res, "files", "failed")};
    cr_assert(
        got[0] == added && got[1] == updated && got[2] == deleted &&
            got[3] == unchanged && got[4] == failed,
        "files added/updated/deleted/unchanged/failed: got %lld/%lld/%lld/%lld/%lld, "
        "want %lld/%lld/%lld/%lld/%lld; stderr:\n%s",
        got[0], got[1], got[2], got[3], got[4], added, updated, deleted, unchanged,
        failed, res->err);
}

/* Run with --json and 'extra' into *res; it must exit with 'status' and
 * count these files (as expect_files). */
static void
run_expecting(ms_ix_result_t *res, const char *extra, int status, long long added,
              long long updated, long long deleted, long long unchanged, long long failed)
{
    run_json(res, extra);
    cr_assert_eq(res->status, status, "exit %d:\n%s", res->status, res->err);
    expect_files(res, added, updated, deleted, unchanged, failed);
}

/* The same, for a run nothing else is checked of. */
static void
expect_run(const char *extra, int status, long long added, long long updated,
           long long deleted, long long unchanged, long long failed)
{
    ms_ix_result_t res;

    run_expecting(&res, extra, status, added, updated, deleted, unchanged, failed);
    ms_ix_result_free(&res);
}

/* Write the small archive and index it with a first update, which must
 * succeed; with 'settle', wait until the next run may skip its files. */
static void
index_small_archive(bool settle)
{
    ms_ix_result_t res;

    write_small_archive();
    if (settle)
        ms_ix_settle();
    run_json(&res, NULL);
    cr_assert_eq(res.status, 0, "exit %d:\n%s", res.status, res.err);
    ms_ix_result_free(&res);
}

static unsigned long
doc_count(ms_index_t *idx)
{
    ms_index_info_t info;
    cr_assert_eq(ms_index_info(&info, idx), MS_INDEX_OK);
    return info.doc_count;
}

static unsigned long
hits(ms_index_t *idx, const char *query)
{
    ms_search_t search = {.query = query, .language = "en"};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    unsigned long n = results->estimate;
    ms_results_free(results);
    return n;
}

/* The value of field 'name' of document 'id', copied into buf. */
static const char *
field_of(ms_index_t *idx, const char *id, const char *name, char *buf, size_t size)
{
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, idx, id), MS_INDEX_OK, "no document %s", id);
    buf[0] = '\0';
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, name) == 0)
            snprintf(buf, size, "%s", doc->fields[i].value);
    }
    ms_document_free(doc);
    return buf;
}

/* The failure entry of the --json report for 'file', or NULL. */
static json_t *
failure_of(const ms_ix_result_t *res, const char *file)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(res->json, "failures"), i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "file")), file) == 0)
            return item;
    }
    return NULL;
}

/* The generation ix.index names now, into 'out' (PATH_MAX bytes). */
static void
live_generation(char *out)
{
    ssize_t n = readlink(ix.index, out, PATH_MAX - 1);
    cr_assert_gt(n, 0, "the index is a link to its generation");
    out[n] = '\0';
}

Test(indexer, first_run_adds_every_file)
{
    ms_ix_result_t res;
    write_small_archive();
    run_expecting(&res, NULL, 0, 4, 0, 0, 0, 0);
    cr_expect_eq(ms_ix_count(&res, "files", "total"), 4);
    cr_expect_eq(ms_ix_count(&res, "documents", "written"), 4);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 4);
    cr_expect_str_eq(json_string_value(json_object_get(res.json, "mode")), "update");
    cr_expect(json_is_number(json_object_get(res.json, "elapsed")));
    cr_expect(json_is_number(json_object_get(res.json, "documents_per_second")));
    cr_expect(json_is_number(json_object_get(res.json, "mb_per_second")));
    cr_expect_eq(json_array_size(json_object_get(res.json, "failures")), 0);
    cr_expect_null(strchr(res.err, '\r'), "no progress bar on a pipe");
    ms_ix_result_free(&res);

    char target[PATH_MAX];
    live_generation(target);
    cr_expect_str_eq(target, "index.gen-1");

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(doc_count(idx), 4);
    cr_expect(ms_ix_has(idx, "doc-a"));
    cr_expect(ms_ix_has(idx, "doc-b"));
    cr_expect(ms_ix_has(idx, "sub.c"));
    cr_expect(ms_ix_has(idx, "sub.d"));
    ms_index_close(idx);
}

Test(indexer, second_run_reads_no_unchanged_file)
{
    ms_ix_result_t res;
    index_small_archive(true);

    run_expecting(&res, NULL, 0, 0, 0, 0, 4, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "written"), 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "deleted"), 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 4);
    cr_expect_eq(json_integer_value(json_object_get(res.json, "bytes_read")), 0,
                 "unchanged files are not even opened");
    ms_ix_result_free(&res);
}

Test(indexer, changed_file_is_reindexed_and_its_old_text_is_gone)
{
    ms_ix_result_t res;
    index_small_archive(true);

    ms_ix_write(&ix, "b.md", "---\nid: doc-b\n---\n# Beta\n\nThe yak path.\n");
    ms_ix_settle();
    run_expecting(&res, NULL, 0, 0, 1, 0, 3, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "written"), 1);
    ms_ix_result_free(&res);

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(hits(idx, "zebra"), 0, "the old text is gone");
    cr_expect_eq(hits(idx, "yak"), 1);
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);

    /* A changed id: the old document goes, the new one comes. */
    ms_ix_write(&ix, "b.md", "---\nid: doc-b2\n---\n# Beta\n\nThe yak path.\n");
    expect_run(NULL, 0, 0, 1, 0, 3, 0);
    idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "doc-b"));
    cr_expect(ms_ix_has(idx, "doc-b2"));
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);
}

Test(indexer, deleted_file_takes_its_documents_along)
{
    ms_ix_result_t res;
    index_small_archive(true);

    ms_ix_remove(&ix, "sub/c.md");
    run_expecting(&res, NULL, 0, 0, 0, 1, 3, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "deleted"), 1);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 3);
    ms_ix_result_free(&res);

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "sub.c"));
    cr_expect_eq(hits(idx, "remittances"), 0);
    cr_expect_eq(doc_count(idx), 3);
    ms_index_close(idx);
}

Test(indexer, defaults_change_updates_the_files_below_it)
{
    char buf[64];
    write_small_archive();
    ms_ix_write(&ix, "sub/_defaults.yaml", "type: workshop\n");
    ms_ix_settle();
    expect_run(NULL, 0, 4, 0, 0, 0, 0);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_str_eq(field_of(idx, "sub.c", "type", buf, sizeof(buf)), "workshop");
    ms_index_close(idx);

    ms_ix_write(&ix, "sub/_defaults.yaml", "type: report\n");
    expect_run(NULL, 0, 0, 2, 0, 2, 0);
    idx = ms_ix_open(ix.index);
    cr_expect_str_eq(field_of(idx, "sub.c", "type", buf, sizeof(buf)), "report");
    cr_expect_str_eq(field_of(idx, "sub.d", "type", buf, sizeof(buf)), "report");
    ms_index_close(idx);

    /* A new _defaults.yaml higher up reaches every file. */
    ms_ix_write(&ix, "_defaults.yaml", "process: Issyk-Kul Dialogue\n");
    expect_run(NULL, 0, 0, 4, 0, 0, 0);
}

Test(indexer, rebuild_switches_and_an_open_reader_follows_at_refresh)
{
    ms_ix_result_t res;
    char path[PATH_MAX];
    index_small_archive(false);

    ms_index_t *reader = ms_ix_open(ix.index);
    ms_ix_write(&ix, "e.md", "---\nid: doc-e\n---\nEpsilon.\n");
    ms_ix_remove(&ix, "a.md");
    ms_ix_settle();
    run_json(&res, "--rebuild");
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect_str_eq(json_string_value(json_object_get(res.json, "mode")), "rebuild");
    expect_files(&res, 4, 0, 0, 0, 0);
    ms_ix_result_free(&res);

    char target[PATH_MAX];
    live_generation(target);
    cr_expect_str_eq(target, "index.gen-2");
    snprintf(path, sizeof(path), "%s.gen-1", ix.index);
    cr_expect_eq(access(path, F_OK), -1, "the old generation was removed");

    /* Before its refresh the reader still answers from the old generation. */
    cr_expect(ms_ix_has(reader, "doc-a"));
    cr_expect_not(ms_ix_has(reader, "doc-e"));
    cr_assert_eq(ms_index_refresh(reader), MS_INDEX_OK, "%s", ms_index_errmsg(reader));
    cr_expect(ms_ix_has(reader, "doc-e"));
    cr_expect_not(ms_ix_has(reader, "doc-a"));
    cr_expect_eq(doc_count(reader), 4);
    ms_index_close(reader);

    /* An update after the rebuild carries on from its state. */
    expect_run(NULL, 0, 0, 0, 0, 4, 0);
}

/* What an older migsearch-index wrote: a plain database directory at
 * ix.index, with a document "stale" whose file is long gone. */
static void
write_older_index(void)
{
    ms_index_t *old = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&old, ix.index, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    ms_document_t stale = {"stale", "Stale", "old text", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(old, &stale), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(old), MS_INDEX_OK);
    ms_index_close(old);
}

/* A run of the small archive ('added' files new, 'unchanged' not) deletes
 * the document write_older_index() put and leaves the archive's four. */
static void
expect_stale_deleted(long long added, long long unchanged)
{
    ms_ix_result_t res;
    run_expecting(&res, NULL, 0, added, 0, 0, unchanged, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "deleted"), 1);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 4);
    ms_ix_result_free(&res);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "stale"));
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);
}

Test(indexer, rebuild_replaces_an_index_directory_of_an_older_version)
{
    write_older_index();

    ms_ix_result_t res;
    write_small_archive();
    run_json(&res, "--rebuild");
    cr_assert_eq(res.status, 0, "%s", res.err);
    ms_ix_result_free(&res);

    struct stat st;
    cr_assert_eq(lstat(ix.index, &st), 0);
    cr_expect(S_ISLNK(st.st_mode), "the directory became a link");
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "stale"));
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);
}

Test(indexer, update_of_an_older_index_drops_documents_no_file_gives)
{
    write_older_index();
    write_small_archive();
    expect_stale_deleted(4, 0);
}

/* An index of layout 2, from before partitions: one Xapian database at
 * ix.index (made here by compacting a partition of a scratch index and
 * marking it "2"). Readers still open it; the next update rebuilds it
 * into partitions, saying so. */
Test(indexer, update_rebuilds_an_index_of_the_single_database_layout)
{
    char scratch[PATH_MAX], part[PATH_MAX + 16];
    snprintf(scratch, sizeof(scratch), "%s.scratch", ix.index);
    ms_index_t *old = NULL;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&old, scratch, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    ms_document_t stale = {"stale", "Stale", "old zebra text", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(old, &stale), MS_INDEX_OK);
    cr_assert_eq(ms_index_metadata_set(old, "schema", "2"), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(old), MS_INDEX_OK);
    ms_index_close(old);
    snprintf(part, sizeof(part), "%s/public", scratch);
    const char *compact[] = {"xapian-compact", part, ix.index, NULL};
    cr_assert_eq(ms_ix_system(compact), 0);
    cr_assert(ms_index_outdated(ix.index));

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(hits(idx, "zebra"), 1, "served as it is until the rebuild");
    ms_index_close(idx);

    ms_ix_result_t res;
    write_small_archive();
    run_json(&res, NULL);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect_not_null(strstr(res.err, "layout of an earlier version: rebuilding it"),
                       "%s", res.err);
    ms_ix_result_free(&res);
    cr_expect_not(ms_index_outdated(ix.index));
    struct stat st;
    cr_expect_eq(lstat(ix.index, &st), 0);
    cr_expect(S_ISLNK(st.st_mode), "the database became a link to a generation");
    idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "stale"));
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);
}

/* The small archive indexed ('settle' as index_small_archive() takes it),
 * then a new file z.md gives doc-a, a.md's id: both files fail, named in
 * each other's reason, and neither has a document in the index. */
static void
impostor_fails_both(bool settle)
{
    ms_ix_result_t res;
    index_small_archive(settle);

    ms_ix_write(&ix, "z.md", "---\nid: doc-a\n---\nAn impostor.\n");
    run_json(&res, NULL);
    cr_assert_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    cr_expect_eq(ms_ix_count(&res, "files", "failed"), 2);
    if (settle)
        cr_expect_eq(ms_ix_count(&res, "files", "unchanged"), 3, "a.md was not read");
    json_t *a = failure_of(&res, "a.md"), *z = failure_of(&res, "z.md");
    cr_assert(a && z, "both files are listed as failed:\n%s", res.out);
    cr_expect(strstr(json_string_value(json_object_get(a, "reason")), "z.md"),
              "a.md's reason names z.md");
    cr_expect(strstr(json_string_value(json_object_get(z, "reason")), "a.md"),
              "z.md's reason names a.md");
    cr_expect(strstr(res.err, "a.md") && strstr(res.err, "z.md"));
    ms_ix_result_free(&res);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_not(ms_ix_has(idx, "doc-a"), "neither file silently wins");
    cr_expect_eq(hits(idx, "impostor"), 0);
    cr_expect_eq(hits(idx, "borders"), 0);
    cr_expect_eq(doc_count(idx), 3);
    ms_index_close(idx);
}

Test(indexer, two_files_with_one_id_both_fail_until_fixed)
{
    ms_ix_result_t res;

    /* doc-a was indexed by the first run; now a second file claims it. */
    impostor_fails_both(false);

    /* Still in conflict: still neither, with no document in between. */
    run_json(&res, NULL);
    cr_assert_eq(res.status, 3);
    cr_expect_eq(ms_ix_count(&res, "files", "failed"), 2);
    ms_ix_result_free(&res);

    ms_ix_write(&ix, "z.md", "---\nid: doc-z\n---\nNo impostor after all.\n");
    run_json(&res, NULL);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect_eq(ms_ix_count(&res, "files", "added"), 2, "both files come (back)");
    ms_ix_result_free(&res);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect(ms_ix_has(idx, "doc-a"));
    cr_expect(ms_ix_has(idx, "doc-z"));
    cr_expect_eq(hits(idx, "borders"), 1, "doc-a is a.md's again");
    cr_expect_eq(doc_count(idx), 5);
    ms_index_close(idx);
}

/* An update interns the ids of a file's state entry only when it reads
 * the file or deletes it (claims.c): a new file that gives the id of an
 * unchanged file's document must still be found in conflict with it. */
Test(indexer, id_of_an_unchanged_file_in_a_new_file_fails_both)
{
    impostor_fails_both(true);
}

/* Documents moved from changed files to new ones, read before (0.md) and
 * after (z.md) the file they leave, stay; the next run has nothing to do. */
Test(indexer, documents_moved_between_files_are_kept)
{
    ms_ix_result_t res;
    index_small_archive(true);

    ms_ix_write(&ix, "0.md", "---\nid: doc-b\n---\n# Beta\n\nThe zebra moved.\n");
    ms_ix_write(&ix, "b.md", "---\nid: doc-b2\n---\n# Beta two\n\nA new beta.\n");
    ms_ix_write(&ix, "a.md", "---\nid: doc-a2\n---\n# Alpha two\n\nA new alpha.\n");
    ms_ix_write(&ix, "z.md", "---\nid: doc-a\n---\n# Alpha\n\nBorders moved.\n");
    ms_ix_settle();
    expect_run(NULL, 0, 2, 2, 0, 2, 0);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect(ms_ix_has(idx, "doc-a") && ms_ix_has(idx, "doc-b"), "the moved documents");
    cr_expect(ms_ix_has(idx, "doc-a2") && ms_ix_has(idx, "doc-b2"));
    cr_expect_eq(hits(idx, "moved"), 2);
    cr_expect_eq(doc_count(idx), 6);
    ms_index_close(idx);

    run_expecting(&res, NULL, 0, 0, 0, 0, 6, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "deleted"), 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 6);
    ms_ix_result_free(&res);
}

/* An update lists the index's ids (to delete documents no entry owns)
 * only when the entries do not account for every document: one put behind
 * the indexer's back makes the counts differ, and a run with nothing
 * changed deletes it. */
Test(indexer, document_no_entry_owns_goes_in_a_run_with_nothing_changed)
{
    index_small_archive(true);
    write_older_index();
    expect_stale_deleted(0, 4);
}

/* A damaged state entry that also lists another file's id: the entries
 * then list more ids than the index has documents, so the run decodes
 * every entry in order, the first entry keeps the id, and the damaged
 * entry's file, when it changes, does not take the other's document. */
Test(indexer, entry_listing_another_files_id_does_not_take_its_document)
{
    index_small_archive(true);

    ms_index_t *w = NULL;
    ms_index_error_t err;
    char *value = NULL, damaged[1024];
    cr_assert_eq(ms_index_open(&w, ix.index, MS_INDEX_WRITE, &err), MS_INDEX_OK);
    cr_assert_eq(ms_index_metadata_get(&value, w, "src:b.md"), MS_INDEX_OK);
    cr_assert(value && strstr(value, "\nid doc-b\n"), "%s", value ? value : "(none)");
    cr_assert_lt((size_t)snprintf(damaged, sizeof(damaged), "%sid doc-a\n", value),
                 sizeof(damaged));
    cr_assert_eq(ms_index_metadata_set(w, "src:b.md", damaged), MS_INDEX_OK);
    cr_assert_eq(ms_index_commit(w), MS_INDEX_OK);
    ms_index_close(w);
    ms_index_string_free(value);

    ms_ix_write(&ix, "b.md", "---\nid: doc-b\n---\n# Beta\n\nThe yak path.\n");
    ms_ix_settle();
    expect_run(NULL, 0, 0, 1, 0, 3, 0);
    char type[32];
    ms_index_t *idx = ms_ix_open(ix.index);
    /* a.md's document stays, b.md's is the new one. */
    cr_expect_str_eq(field_of(idx, "doc-a", "type", type, sizeof(type)), "report");
    cr_expect_eq(hits(idx, "borders") + hits(idx, "yak") + doc_count(idx), 6);
    ms_index_close(idx);
}

Test(indexer, failed_file_is_reported_and_retried)
{
    ms_ix_result_t res;
    write_small_archive();
    ms_ix_write(&ix, "bad.md", "---\ndate: 2003-02-30\n---\nBad date.\n");
    ms_ix_write(&ix, "binary.txt", "not \xff\xfe text\n");
    ms_ix_settle();
    run_expecting(&res, NULL, 3, 4, 0, 0, 0, 2);
    json_t *bad = failure_of(&res, "bad.md");
    cr_assert_not_null(bad);
    cr_expect(strstr(json_string_value(json_object_get(bad, "reason")), "date"));
    cr_expect_not_null(failure_of(&res, "binary.txt"));
    cr_expect(strstr(res.err, "bad.md:2:"), "the log names file:line: %s", res.err);
    ms_ix_result_free(&res);

    /* Unchanged but failed: read again, failed again. */
    expect_run(NULL, 3, 0, 0, 0, 4, 2);

    ms_ix_write(&ix, "bad.md", "---\ndate: 2003-02-28\n---\nGood date.\n");
    ms_ix_remove(&ix, "binary.txt");
    expect_run(NULL, 0, 1, 0, 0, 4, 0);
}

Test(indexer, unusual_file_names_are_tracked_like_any_other)
{
    /* Spaces, non-ASCII letters, and a path too long for a plain state key
     * (docs/index-schema.md: such paths are hashed). */
    char deep[400] = "";
    for (int i = 0; i < 12; i++)
        strcat(deep, "a-rather-long-folder/");
    strcat(deep, "final report.md");
    ms_ix_result_t res;
    ms_ix_write(&ix, "Final report 2003.md", "Spaces in the name.\n");
    ms_ix_write(&ix, "рекомендации/Отчёт 2003.md", "Cyrillic names.\n");
    ms_ix_write(&ix, deep, "---\nid: deep-down\n---\nDeep down.\n");
    ms_ix_settle();
    expect_run(NULL, 0, 3, 0, 0, 0, 0);

    expect_run(NULL, 0, 0, 0, 0, 3, 0);

    ms_ix_remove(&ix, "рекомендации/Отчёт 2003.md");
    ms_ix_remove(&ix, deep);
    run_expecting(&res, NULL, 0, 0, 0, 2, 1, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 1);
    ms_ix_result_free(&res);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect(ms_ix_has(idx, "Final-report-2003"));
    ms_index_close(idx);
}

/* Each state entry's ids, counted into the counts of 'ids' (n of them). */
struct entry_ids {
    const char *const *ids;
    int *counts;
    size_t n;
};

static int
count_entry_ids(const char *key, const char *value, void *payload)
{
    struct entry_ids *e = payload;
    char line[128];

    (void)key;
    for (size_t i = 0; i < e->n; i++) {
        snprintf(line, sizeof(line), "\nid %s\n", e->ids[i]);
        for (const char *at = value; (at = strstr(at, line)) != NULL; at++)
            e->counts[i]++;
    }
    return 0;
}

/* Writing the entry of a long path (a hashed key, which another path
 * could share) first decodes every entry the run had not decoded, in the
 * middle of the run (claims.h, ms_run__own_file): the unchanged files
 * keep their documents, and the entries list each id once. */
Test(indexer, a_long_path_changed_beside_unchanged_files_keeps_every_entry)
{
    char deep[400] = "", first[420], second[420];
    static const char *const ids[] = {"first-deep", "second-deep", "short"};
    int counts[3] = {0};
    struct entry_ids e = {ids, counts, 3};
    ms_ix_result_t res;

    for (int i = 0; i < 12; i++)
        strcat(deep, "a-rather-long-folder/");
    snprintf(first, sizeof(first), "%sfirst.md", deep);
    snprintf(second, sizeof(second), "%ssecond.md", deep);
    ms_ix_write(&ix, first, "---\nid: first-deep\n---\nFirst.\n");
    ms_ix_write(&ix, second, "---\nid: second-deep\n---\nSecond.\n");
    ms_ix_write(&ix, "short.md", "---\nid: short\n---\nShort.\n");
    ms_ix_settle();
    expect_run(NULL, 0, 3, 0, 0, 0, 0);

    ms_ix_write(&ix, second, "---\nid: second-deep\n---\nSecond, with a walrus.\n");
    ms_ix_settle();
    expect_run(NULL, 0, 0, 1, 0, 2, 0);
    expect_run(NULL, 0, 0, 0, 0, 3, 0);

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(doc_count(idx), 3);
    cr_expect_eq(hits(idx, "walrus"), 1);
    cr_assert_eq(ms_index_metadata_each(idx, "sr", count_entry_ids, &e), MS_INDEX_OK);
    for (size_t i = 0; i < 3; i++)
        cr_expect_eq(counts[i], 1, "%s is listed by %d entries", ids[i], counts[i]);
    ms_index_close(idx);

    ms_ix_remove(&ix, first);
    run_expecting(&res, NULL, 0, 0, 0, 1, 2, 0);
    cr_expect_eq(ms_ix_count(&res, "documents", "deleted"), 1);
    ms_ix_result_free(&res);
}

/* True if some process holds a flock on 'path' (from /proc/locks), without
 * taking it ourselves. */
static bool
flock_held(const char *path)
{
    struct stat st;
    char line[256], suffix[64];
    bool held = false;

    if (stat(path, &st) != 0)
        return false;
    snprintf(suffix, sizeof(suffix), ":%lu ", (unsigned long)st.st_ino);
    FILE *f = fopen("/proc/locks", "r");
    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f)) {
        if (strstr(line, "FLOCK") && strstr(line, suffix))
            held = true;
    }
    fclose(f);
    return held;
}

static void
write_many(unsigned n)
{
    char rel[64], text[256];
    for (unsigned i = 0; i < n; i++) {
        snprintf(rel, sizeof(rel), "d%02u/f%04u.md", i % 30, i);
        snprintf(text, sizeof(text),
                 "---\ntitle: File %u\n---\nBody of file %u about migration word%u.\n", i,
                 i, i % 97);
        ms_ix_write(&ix, rel, text);
    }
}

Test(indexer, second_indexer_exits_4_and_changes_nothing)
{
    ms_ix_result_t res;
    char lock[PATH_MAX];
    index_small_archive(false);
    ms_index_t *idx = ms_ix_open(ix.index);
    ms_index_info_t before, after;
    cr_assert_eq(ms_index_info(&before, idx), MS_INDEX_OK);

    /* Another indexer's lock, held here; then a real second process. */
    snprintf(lock, sizeof(lock), "%s.lock", ix.index);
    int fd = open(lock, O_RDWR);
    cr_assert_geq(fd, 0, "the lock file sits beside the index");
    cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    ms_ix_write(&ix, "new.md", "New file.\n");
    ms_ix_remove(&ix, "a.md");
    const char *rebuild[] = {"--rebuild", NULL};
    for (int i = 0; i < 2; i++) {
        ms_ix_run(&res, &ix, i == 0 ? NULL : rebuild);
        cr_expect_eq(res.status, 4, "exit %d", res.status);
        cr_expect(strstr(res.err, "another migsearch-index is already running on"), "%s",
                  res.err);
        cr_expect_eq(res.out[0], '\0', "no summary");
        ms_ix_result_free(&res);
    }
    close(fd);
    cr_assert_eq(ms_index_refresh(idx), MS_INDEX_OK);
    cr_assert_eq(ms_index_info(&after, idx), MS_INDEX_OK);
    cr_expect_eq(after.revision, before.revision, "nothing was committed");
    cr_expect(ms_ix_has(idx, "doc-a"));
    char gen2[PATH_MAX];
    snprintf(gen2, sizeof(gen2), "%s.gen-2", ix.index);
    cr_expect_eq(access(gen2, F_OK), -1, "no generation was started");

    /* Two real processes: the first holds the lock for its whole run,
     * made to last about a second by committing every other document. */
    char slow[PATH_MAX];
    snprintf(slow, sizeof(slow), "%s/slow.yaml", ix.dir);
    FILE *f = fopen(slow, "w");
    cr_assert_not_null(f);
    fprintf(
        f,
        "index:\n  path: %s\n  spelling: false\narchive:\n  path: %s\n  batch_size: 2\n",
        ix.index, ix.archive);
    fclose(f);
    write_many(1000);
    const char *args[] = {"--rebuild", "--config", slow, NULL};
    pid_t first = ms_ix_spawn(&ix, args);
    bool seen = false;
    for (int i = 0; i < 4000 && !seen; i++) {
        seen = flock_held(lock);
        if (!seen)
            usleep(1000);
    }
    cr_assert(seen, "the first indexer took the lock");
    ms_ix_run(&res, &ix, NULL);
    int first_status = ms_ix_wait(first);
    cr_expect_eq(res.status, 4, "exit %d: %s", res.status, res.err);
    ms_ix_result_free(&res);
    cr_expect_eq(first_status, 0, "the first run was not disturbed");
    cr_assert_eq(ms_index_refresh(idx), MS_INDEX_OK);
    cr_expect_eq(doc_count(idx), 1004);
    ms_index_close(idx);
}

/* Kill an indexer at random moments, then check the index is sound and
 * that a rerun completes it exactly. */
Test(indexer, kill_9_at_any_moment_then_rerun_equals_a_clean_build, .timeout = 240)
{
    ms_ix_result_t res;
    char clean[PATH_MAX];
    write_many(3000);
    ms_ix_write(&ix, "sub/_defaults.yaml", "type: report\n");

    /* The reference: a clean build into another index, timed. */
    snprintf(clean, sizeof(clean), "%s/clean", ix.dir);
    const char *clean_args[] = {"--json", "--index", clean, NULL};
    ms_ix_run(&res, &ix, clean_args);
    cr_assert_eq(res.status, 0, "%s", res.err);
    double full = json_real_value(json_object_get(res.json, "elapsed"));
    ms_ix_result_free(&res);

    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    srand(seed);
    static const double at[] = {0.05, 0.3, 0.6, 0.15, 0.45, 0.9};
    int killed = 0;
    for (int round = 0; round < 6; round++) {
        /* Early and late, from a first run on no index to runs resuming
         * one another, with some jitter so that every run of the test
         * kills at other moments. */
        double jitter = 0.8 + 0.4 * (double)rand() / RAND_MAX;
        long delay_us = 1000 + (long)(at[round] * jitter * full * 1e6);
        pid_t pid = ms_ix_spawn(&ix, NULL);
        usleep((useconds_t)delay_us);
        kill(pid, SIGKILL);
        if (ms_ix_wait(pid) == 128 + SIGKILL)
            killed++;
        if (access(ix.index, F_OK) == 0) {
            /* The stub lists the partitions: xapian-check checks each. */
            char stub[PATH_MAX];
            snprintf(stub, sizeof(stub), "%s/XAPIANDB", ix.index);
            const char *check[] = {"xapian-check", stub, NULL};
            cr_assert_eq(ms_ix_system(check), 0,
                         "xapian-check fails after a kill at %ld us (seed %u)", delay_us,
                         seed);
            ms_index_t *idx = ms_ix_open(ix.index);
            ms_index_close(idx);
        }
        /* Touch a few files between rounds, as staff would. */
        char rel[64], text[128];
        snprintf(rel, sizeof(rel), "d%02d/f%04d.md", round * 7 % 30, round * 7);
        snprintf(text, sizeof(text), "---\ntitle: File %d\n---\nRewritten in round %d.\n",
                 round * 7, round);
        ms_ix_write(&ix, rel, text);
    }
    cr_assert_geq(killed, 1, "no run was killed before it finished (seed %u)", seed);

    ms_ix_settle();
    run_json(&res, NULL);
    cr_assert_eq(res.status, 0, "the rerun completes (seed %u): %s", seed, res.err);
    ms_ix_result_free(&res);
    /* The reference again, now with the files rewritten meanwhile. */
    const char *rebuild_clean[] = {"--rebuild", "--index", clean, NULL};
    ms_ix_run(&res, &ix, rebuild_clean);
    cr_assert_eq(res.status, 0);
    ms_ix_result_free(&res);

    ms_index_t *got = ms_ix_open(ix.index), *want = ms_ix_open(clean);
    char *got_ids = ms_ix_ids(got), *want_ids = ms_ix_ids(want);
    cr_expect_eq(doc_count(got), 3000, "%lu documents", doc_count(got));
    cr_expect_eq(doc_count(got), doc_count(want));
    cr_expect_str_eq(got_ids, want_ids, "same ids as a clean build (seed %u)", seed);
    cr_expect_eq(hits(got, "rewritten"), 6, "the rewritten files are current");
    free(got_ids);
    free(want_ids);
    ms_index_close(got);
    ms_index_close(want);

    expect_run(NULL, 0, 0, 0, 0, 3000, 0);
}

Test(indexer, status_shows_counts_last_run_and_failures)
{
    ms_ix_result_t res;
    write_small_archive();
    ms_ix_write(&ix, "bad.md", "---\ntype: memo\n---\nWrong type.\n");
    run_json(&res, NULL);
    cr_assert_eq(res.status, 3);
    ms_ix_result_free(&res);

    const char *status_json[] = {"status", "--json", NULL};
    ms_ix_run(&res, &ix, status_json);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_assert_not_null(res.json, "%s", res.out);
    cr_expect_eq(json_integer_value(json_object_get(res.json, "documents")), 4);
    cr_expect_eq(json_integer_value(json_object_get(res.json, "files")), 4);
    cr_expect_eq(json_integer_value(
                     json_object_get(json_object_get(res.json, "by_type"), "report")),
                 1);
    cr_expect_eq(json_integer_value(
                     json_object_get(json_object_get(res.json, "by_language"), "en")),
                 4);
    json_t *last = json_object_get(res.json, "last_run");
    cr_assert(json_is_object(last));
    cr_expect_eq(json_integer_value(json_object_get(last, "exit")), 3);
    cr_expect_eq(
        json_integer_value(json_object_get(json_object_get(last, "files"), "added")), 4);
    json_t *failures = json_object_get(last, "failures");
    cr_assert_eq(json_array_size(failures), 1);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_array_get(failures, 0), "file")),
        "bad.md");
    ms_ix_result_free(&res);

    const char *status[] = {"status", NULL};
    ms_ix_run(&res, &ix, status);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect(strstr(res.out, "documents: 4 from 4 files"), "%s", res.out);
    cr_expect(strstr(res.out, "by type:"), "%s", res.out);
    cr_expect(strstr(res.out, "report 1"), "%s", res.out);
    cr_expect(strstr(res.out, "by language: en 4"), "%s", res.out);
    cr_expect(strstr(res.out, "last run: update"), "%s", res.out);
    cr_expect(strstr(res.out, "4 added"), "%s", res.out);
    cr_expect(strstr(res.out, "failed files:\n  bad.md: "), "%s", res.out);
    ms_ix_result_free(&res);
}

Test(indexer, status_without_an_index_fails_plainly)
{
    ms_ix_result_t res;
    const char *status[] = {"status", NULL};
    ms_ix_run(&res, &ix, status);
    cr_expect_eq(res.status, 1);
    cr_expect(strstr(res.err, "no index"), "%s", res.err);
    ms_ix_result_free(&res);
}

Test(indexer, summary_and_progress_bar)
{
    ms_ix_result_t res;
    write_small_archive();
    ms_ix_run(&res, &ix, NULL);
    cr_assert_eq(res.status, 0);
    cr_expect(strstr(res.out, "4 added, 0 updated, 0 deleted, 0 unchanged, 0 failed"),
              "%s", res.out);
    ms_ix_result_free(&res);

    const char *quiet[] = {"--quiet", NULL};
    ms_ix_run(&res, &ix, quiet);
    cr_assert_eq(res.status, 0);
    cr_expect_eq(res.out[0], '\0', "--quiet prints no summary");
    ms_ix_result_free(&res);

    ms_ix_run_tty(&res, &ix, NULL);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect(strstr(res.err, "\r["), "a bar on a terminal: %s", res.err);
    cr_expect(strstr(res.err, "4/4 files"), "%s", res.err);
    ms_ix_result_free(&res);
    ms_ix_run_tty(&res, &ix, quiet);
    cr_expect_null(strchr(res.err, '\r'), "--quiet draws no bar");
    ms_ix_result_free(&res);
}

Test(indexer, usage_errors_exit_2)
{
    ms_ix_result_t res;
    const char *cases[][4] = {
        {"frobnicate", NULL},       {"status", "--rebuild", NULL},
        {"update", "extra", NULL},  {"--archive", "/nonexistent/archive", NULL},
        {"--no-such-option", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ms_ix_run(&res, &ix, cases[i]);
        cr_expect_eq(res.status, 2, "case %zu: exit %d: %s", i, res.status, res.err);
        ms_ix_result_free(&res);
    }
    const char *help[] = {"--help", NULL};
    ms_ix_run(&res, &ix, help);
    cr_expect_eq(res.status, 0);
    cr_expect(strstr(res.out, "4  another migsearch-index is already running"), "%s",
              res.out);
    cr_expect(strstr(res.out, "--rebuild"));
    ms_ix_result_free(&res);
    cr_expect_eq(access(ix.index, F_OK), -1, "no index was created by a usage error");
}

/* --- parallel rebuilds (index.jobs) --- */

static unsigned config_shards = 1; /* index.shards of write_config */

/* Rewrite the config with 'jobs' rebuild workers and the given spelling
 * and synonyms (NULL: none), the archive at 'archive' (NULL: ix's), and
 * config_shards shards. */
static void
write_config(unsigned jobs, bool spelling, const char *synonyms, const char *archive)
{
    FILE *f = fopen(ix.config, "w");
    cr_assert(f, "cannot write %s", ix.config);
    fprintf(f,
            "index:\n  path: %s\n  language: en\n  spelling: %s\n  jobs: %u\n"
            "  shards: %u\n  synonyms: %s\narchive:\n  path: %s\n  batch_size: 50\n"
            "log:\n  level: info\n",
            ix.index, spelling ? "true" : "false", jobs, config_shards,
            synonyms ? synonyms : "\"\"", archive ? archive : ix.archive);
    fclose(f);
}

/* A growing text that collects what the callbacks below are given. */
struct dump {
    char *text;
    size_t len, cap;
};

static void
dump_add(struct dump *d, const char *a, const char *b, unsigned long n)
{
    size_t need = strlen(a) + strlen(b) + 32;
    if (d->len + need >= d->cap) {
        d->cap = (d->len + need) * 2;
        d->text = realloc(d->text, d->cap);
        cr_assert_not_null(d->text);
    }
    d->len +=
        (size_t)snprintf(d->text + d->len, d->cap - d->len, "%s\t%s\t%lu\n", a, b, n);
}

static int
dump_word(const char *word, unsigned long count, void *payload)
{
    dump_add(payload, word, "", count);
    return 0;
}

static int
dump_pair(const char *key, const char *value, void *payload)
{
    /* last_run holds times and speeds: it differs between any two runs. */
    if (strcmp(key, "last_run") != 0)
        dump_add(payload, key, value, 0);
    return 0;
}

static int
dump_id(const char *id, void *payload)
{
    dump_add(payload, id, "", 0);
    return 0;
}

/* Everything two equivalent indexes share, as text: each document's id,
 * stored data (but the added time) and terms with wdf (hence every term's frequencies),
 * the spelling dictionary with counts, the synonyms and the metadata. The Xapian document
 * numbers, which a merge renumbers, are left out. */
static char *
dump_index(const char *path)
{
    struct dump d = {0}, ids = {0};
    ms_index_t *idx = ms_ix_open(path);
    ms_index_info_t info;

    cr_assert_eq(ms_index_info(&info, idx), MS_INDEX_OK);
    dump_add(&d, "documents", "", info.doc_count);
    cr_assert_eq(ms_index_each_id(idx, dump_id, &ids), MS_INDEX_OK);
    for (char *line = ids.text, *end; line && *line; line = end + 1) {
        end = strchr(line, '\t');
        *end = '\0';
        ms_document_t *doc = NULL;
        cr_assert_eq(ms_index_get(&doc, idx, line), MS_INDEX_OK, "%s", line);
        dump_add(&d, "id", doc->id, 0);
        dump_add(&d, "title", doc->title ? doc->title : "-", 0);
        dump_add(&d, "body", doc->body ? doc->body : "-", 0);
        dump_add(&d, "language", doc->language ? doc->language : "-", 0);
        dump_add(&d, "date", doc->date ? doc->date : "-", 0);
        /* Every document has the time it was first indexed, first; like
         * last_run it differs between any two runs, so only its presence
         * is compared. */
        cr_assert(doc->n_fields > 0 && strcmp(doc->fields[0].name, "added") == 0 &&
                      strlen(doc->fields[0].value) == 20,
                  "%s has no added time", line);
        for (size_t i = 1; i < doc->n_fields; i++)
            dump_add(&d, doc->fields[i].name, doc->fields[i].value, i);
        ms_document_free(doc);
        cr_assert_eq(ms_index_term_each(idx, line, dump_word, &d), MS_INDEX_OK);
        end = strchr(end + 1, '\n');
    }
    dump_add(&d, "spelling", "", 0);
    cr_assert_eq(ms_index_spelling_each(idx, dump_word, &d), MS_INDEX_OK);
    dump_add(&d, "synonyms", "", 0);
    cr_assert_eq(ms_index_synonym_each(idx, dump_pair, &d), MS_INDEX_OK);
    dump_add(&d, "metadata", "", 0);
    cr_assert_eq(ms_index_metadata_each(idx, "", dump_pair, &d), MS_INDEX_OK);
    ms_index_close(idx);
    free(ids.text);
    return d.text;
}

/* The first line where two dumps differ, for the failure message. */
static const char *
first_difference(const char *a, const char *b)
{
    const char *line = a;
    for (size_t i = 0; a[i] && a[i] == b[i]; i++) {
        if (a[i] == '\n')
            line = a + i + 1;
    }
    return line;
}

/* Rebuild the index at 'index' with 'jobs' workers; the run must exit
 * with 'want'. */
static void
rebuild_with(ms_ix_result_t *res, unsigned jobs, bool spelling, const char *synonyms,
             const char *archive, const char *index, int want)
{
    write_config(jobs, spelling, synonyms, archive);
    const char *args[] = {"--json", "--rebuild", "--index", index, NULL};
    ms_ix_run(res, &ix, args);
    cr_assert_eq(res->status, want, "jobs %u: exit %d, want %d:\n%s", jobs, res->status,
                 want, res->err);
    cr_assert_not_null(res->json, "%s", res->out);
}

/* An update run of the index at 'index' ('jobs', spelling on, 'synonyms',
 * 'archive') finds every file unchanged and writes nothing. */
static void
expect_nothing_to_update(unsigned jobs, const char *synonyms, const char *archive,
                         const char *index)
{
    ms_ix_result_t res;
    write_config(jobs, true, synonyms, archive);
    const char *update[] = {"--json", "--index", index, NULL};
    ms_ix_run(&res, &ix, update);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect_eq(ms_ix_count(&res, "files", "unchanged"),
                 ms_ix_count(&res, "files", "total"));
    cr_expect_eq(ms_ix_count(&res, "documents", "written"), 0);
    ms_ix_result_free(&res);
}

/* The CPU time of a rebuild's phases in 'res''s --json: every phase of
 * the writers took some, the merge only 'merged', and they fit in the
 * total. */
static void
expect_profile(const ms_ix_result_t *res, bool merged)
{
    static const char *const phases[] = {"terms", "inversion", "spelling", "commit"};
    json_t *cpu = json_object_get(res->json, "cpu_seconds");
    double sum = 0;

    cr_assert(json_is_object(cpu), "--json has cpu_seconds:\n%s", res->out);
    for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
        double v = json_real_value(json_object_get(cpu, phases[i]));
        cr_expect_gt(v, 0.0, "%s", phases[i]);
        sum += v;
    }
    double merge = json_real_value(json_object_get(cpu, "merge"));
    if (merged)
        cr_expect_gt(merge, 0.0, "the merge");
    else
        cr_expect_eq(merge, 0.0, "no merge with one writer");
    cr_expect_geq(json_real_value(json_object_get(cpu, "total")) + 0.01, sum + merge);
}

Test(indexer, parallel_rebuild_equals_one_writer_on_the_sample_archive, .timeout = 240)
{
    ms_ix_result_t one, two;
    char single[PATH_MAX], merged[PATH_MAX];
    const char *archive = MS_TEST_DATA "/archive";
    const char *synonyms = MS_SOURCE_DIR "/config/synonyms.yaml";

    snprintf(single, sizeof(single), "%s/single", ix.dir);
    snprintf(merged, sizeof(merged), "%s/merged", ix.dir);
    rebuild_with(&one, 1, true, synonyms, archive, single, 0);
    rebuild_with(&two, 2, true, synonyms, archive, merged, 0);
    static const char *const counts[][2] = {
        {"files", "total"},     {"files", "added"},       {"files", "failed"},
        {"documents", "total"}, {"documents", "written"}, {"documents", "deleted"}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        cr_expect_eq(ms_ix_count(&one, counts[i][0], counts[i][1]),
                     ms_ix_count(&two, counts[i][0], counts[i][1]), "%s.%s", counts[i][0],
                     counts[i][1]);
    cr_expect_eq(json_integer_value(json_object_get(one.json, "bytes_read")),
                 json_integer_value(json_object_get(two.json, "bytes_read")));
    cr_expect_gt(ms_ix_count(&two, "documents", "total"), 40);
    expect_profile(&one, false);
    expect_profile(&two, true);
    ms_ix_result_free(&one);
    ms_ix_result_free(&two);

    char *want = dump_index(single), *got = dump_index(merged);
    cr_assert(strstr(want, "spelling\t\t0\n") && !strstr(want, "spelling\t\t0\nsynonyms"),
              "the reference has a spelling dictionary");
    cr_assert(!strstr(want, "synonyms\t\t0\nmetadata"), "and synonyms");
    /* And the synonym phrases as terms, listed (docs/index-schema.md): the
     * workers write the synonyms before their documents. */
    cr_assert(strstr(want, "\nXWreturn migration\t") &&
                  strstr(want, "\nphrase_terms\tcontractual labour\n"),
              "and the synonym phrases as terms");
    cr_expect(strcmp(want, got) == 0,
              "the merged index differs from one writer's at:\n%.300s",
              first_difference(want, got));
    free(want);
    free(got);

    /* The stub lists the partitions: xapian-check checks each. */
    char stub[PATH_MAX + 16];
    snprintf(stub, sizeof(stub), "%s/XAPIANDB", merged);
    const char *check[] = {"xapian-check", stub, NULL};
    cr_expect_eq(ms_ix_system(check), 0, "xapian-check passes on the merged index");
    /* Nothing of the workers is left beside or inside the generation. */
    char shards[PATH_MAX + 16];
    snprintf(shards, sizeof(shards), "%s/.shards", merged);
    cr_expect_neq(access(shards, F_OK), 0, "%s is gone", shards);

    /* An update of the merged index finds every file unchanged. */
    expect_nothing_to_update(2, synonyms, archive, merged);
}

/* An index of 4 shards merged by ms_index_reshard() into 2 and into 1 is
 * the index a writer of 2 or of 1 shard(s) leaves, but for Xapian's
 * document numbers: tests/bench/shards.sh measures the 1M-document archive
 * as 2 shards and as one database that way, indexing it only once. */
Test(indexer, reshard_of_4_shards_equals_the_index_written_as_2_and_as_1, .timeout = 240)
{
    ms_ix_result_t res;
    ms_index_error_t err;
    char four[PATH_MAX], direct[PATH_MAX], merged[PATH_MAX];
    const char *archive = MS_TEST_DATA "/archive";
    const char *synonyms = MS_SOURCE_DIR "/config/synonyms.yaml";

    snprintf(four, sizeof(four), "%s/four", ix.dir);
    config_shards = 4;
    rebuild_with(&res, 2, true, synonyms, archive, four, 0);
    ms_ix_result_free(&res);
    cr_assert_eq(ms_index_shard_count(four), 4);
    for (unsigned n = 2; n >= 1; n--) {
        config_shards = n;
        snprintf(direct, sizeof(direct), "%s/direct-%u", ix.dir, n);
        rebuild_with(&res, 1, true, synonyms, archive, direct, 0);
        ms_ix_result_free(&res);
        snprintf(merged, sizeof(merged), "%s/merged-%u", ix.dir, n);
        cr_assert_eq(ms_index_reshard(merged, four, n, &err), MS_INDEX_OK, "%s",
                     err.text);
        cr_expect_eq(ms_index_shard_count(merged), n);
        char *want = dump_index(direct), *got = dump_index(merged);
        cr_expect(strcmp(want, got) == 0,
                  "%u shard(s): the merged index differs from one writer's at:\n%.300s",
                  n, first_difference(want, got));
        free(want);
        free(got);
        /* Each shard alone, as xapian-tcpsrv serves it, lists the
         * partitions the writer's does (ms-shard-serve's ports). */
        for (unsigned k = 0; n > 1 && k < n; k++) {
            char a[PATH_MAX + 32], b[PATH_MAX + 32];
            snprintf(a, sizeof(a), "%s/shard-%u", direct, k);
            snprintf(b, sizeof(b), "%s/shard-%u", merged, k);
            want = dump_index(a);
            got = dump_index(b);
            cr_expect(strcmp(want, got) == 0, "shard %u of %u differs at:\n%.300s", k, n,
                      first_difference(want, got));
            free(want);
            free(got);
        }
    }
    /* An update of the merged index of 2 shards finds every file unchanged:
     * the state entries came along in shard 0. */
    config_shards = 2;
    snprintf(merged, sizeof(merged), "%s/merged-2", ix.dir);
    expect_nothing_to_update(1, synonyms, archive, merged);

    /* 4 shards do not split into 3, one into anything; nothing is merged
     * over an index. */
    snprintf(merged, sizeof(merged), "%s/merged-3", ix.dir);
    cr_expect_eq(ms_index_reshard(merged, four, 3, &err), MS_INDEX_IO);
    cr_expect_eq(ms_index_reshard(merged, four, 0, &err), MS_INDEX_IO);
    cr_expect_eq(ms_index_reshard(merged, direct, 1, &err), MS_INDEX_IO);
    snprintf(merged, sizeof(merged), "%s/merged-2", ix.dir);
    cr_expect_eq(ms_index_reshard(merged, four, 2, &err), MS_INDEX_IO);
    snprintf(direct, sizeof(direct), "%s/none", ix.dir);
    snprintf(merged, sizeof(merged), "%s/merged-3", ix.dir);
    cr_expect_eq(ms_index_reshard(merged, direct, 1, &err), MS_INDEX_NOT_FOUND);
    config_shards = 1;
}

/* Twenty files; the two largest (a.md and b.md, same size) use one id, so
 * the greedy split puts them in different shards; bad.md cannot be read. */
static void
write_conflict_archive(void)
{
    char rel[64], text[256];
    for (unsigned i = 0; i < 18; i++) {
        snprintf(rel, sizeof(rel), "n/f%02u.md", i);
        snprintf(text, sizeof(text), "---\ntitle: File %u\n---\nSmall file %u.\n", i, i);
        ms_ix_write(&ix, rel, text);
    }
    ms_ix_write(&ix, "a.md",
                "---\nid: shared\n---\nThe first of two files that claim one id, "
                "padded to be the largest file of the archive by far: aaaa.\n");
    ms_ix_write(&ix, "b.md",
                "---\nid: shared\n---\nThe second of two files that claim one id, "
                "padded to be the largest file of the archive by far: bbb.\n");
    ms_ix_write(&ix, "n/bad.md", "---\ntitle: [unclosed\n---\nBroken front matter.\n");
}

Test(indexer, parallel_rebuild_reports_bad_files_by_name_and_indexes_the_rest)
{
    ms_ix_result_t one, two;
    char single[PATH_MAX], merged[PATH_MAX];

    write_conflict_archive();
    /* State entries mark a file written too recently to trust; the two
     * runs must not see that differently. */
    ms_ix_settle();
    snprintf(single, sizeof(single), "%s/single", ix.dir);
    snprintf(merged, sizeof(merged), "%s/merged", ix.dir);
    rebuild_with(&one, 1, true, NULL, NULL, single, 3);
    rebuild_with(&two, 2, true, NULL, NULL, merged, 3);

    cr_expect_eq(ms_ix_count(&two, "files", "failed"), 3, "%s", two.out);
    cr_expect_eq(ms_ix_count(&two, "files", "added"), 18);
    cr_expect_eq(ms_ix_count(&two, "documents", "total"), 18);
    json_t *bad = failure_of(&two, "n/bad.md"), *a = failure_of(&two, "a.md"),
           *b = failure_of(&two, "b.md");
    cr_assert(bad && a && b, "each failed file is listed:\n%s", two.out);
    cr_expect(strstr(json_string_value(json_object_get(a, "reason")), "b.md"),
              "a.md's reason names b.md");
    cr_expect(strstr(json_string_value(json_object_get(b, "reason")), "a.md"),
              "b.md's reason names a.md");
    cr_expect(strstr(two.err, "bad.md"), "the warning names the file:\n%s", two.err);
    cr_expect(strstr(two.err, "a.md") && strstr(two.err, "b.md"));
    ms_ix_result_free(&one);
    ms_ix_result_free(&two);

    /* The conflict is resolved as one writer resolves it. */
    char *want = dump_index(single), *got = dump_index(merged);
    cr_expect(strcmp(want, got) == 0,
              "the merged index differs from one writer's at:\n%.300s",
              first_difference(want, got));
    free(want);
    free(got);
    ms_index_t *idx = ms_ix_open(merged);
    cr_expect_not(ms_ix_has(idx, "shared"), "neither file silently wins");
    cr_expect_eq(hits(idx, "padded"), 0);
    ms_index_close(idx);
    /* The stub lists the partitions: xapian-check checks each. */
    char stub[PATH_MAX + 16];
    snprintf(stub, sizeof(stub), "%s/XAPIANDB", merged);
    const char *check[] = {"xapian-check", stub, NULL};
    cr_expect_eq(ms_ix_system(check), 0);
}

/* A parallel rebuild (2 workers) of 3000 more files over a built small
 * archive, whose generation is left in 'before': the indexer's pid once
 * shard 'shard' has a database, so that it is still running. */
static pid_t
start_parallel_rebuild(char *before, int shard)
{
    ms_ix_result_t res;
    write_small_archive();
    write_config(2, true, NULL, NULL);
    run_json(&res, NULL);
    cr_assert_eq(res.status, 0, "%s", res.err);
    ms_ix_result_free(&res);
    live_generation(before);

    /* Enough files that the rebuild is still running when it is killed. */
    write_many(3000);
    const char *args[] = {"--rebuild", NULL};
    pid_t pid = ms_ix_spawn(&ix, args);
    /* Until the workers have written something into the new generation. */
    char shards[PATH_MAX];
    snprintf(shards, sizeof(shards), "%s.gen-2/.shards/%d/public/iamglass", ix.index,
             shard);
    for (int i = 0; i < 3000 && access(shards, F_OK) != 0; i++)
        usleep(1000);
    cr_assert_eq(access(shards, F_OK), 0, "the workers started");
    return pid;
}

Test(indexer, killed_parallel_rebuild_keeps_the_old_generation, .timeout = 240)
{
    ms_ix_result_t res;
    char before[PATH_MAX], after[PATH_MAX], lock[PATH_MAX];

    pid_t pid = start_parallel_rebuild(before, 0);
    kill(pid, SIGKILL);
    cr_assert_eq(ms_ix_wait(pid), 128 + SIGKILL, "killed before it finished");

    /* The workers die with the parent and let go of the lock. */
    snprintf(lock, sizeof(lock), "%s.lock", ix.index);
    for (int i = 0; i < 500 && flock_held(lock); i++)
        usleep(10000);
    cr_expect_not(flock_held(lock), "no worker outlives the parent");

    live_generation(after);
    cr_expect_str_eq(after, before, "the live index is still the old generation");
    /* The stub lists the partitions: xapian-check checks each. */
    char stub[PATH_MAX];
    snprintf(stub, sizeof(stub), "%s/XAPIANDB", ix.index);
    const char *check[] = {"xapian-check", stub, NULL};
    cr_expect_eq(ms_ix_system(check), 0);
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(doc_count(idx), 4, "the old generation is served as it was");
    cr_expect_eq(hits(idx, "zebra"), 1);
    ms_index_close(idx);

    /* The next run clears what the killed one left and completes. */
    run_json(&res, "--rebuild");
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_expect_eq(ms_ix_count(&res, "documents", "total"), 3004);
    ms_ix_result_free(&res);
    char leftover[2 * PATH_MAX + 16];
    live_generation(after);
    cr_expect_str_neq(after, before, "the rerun switched to a new generation");
    /* The killed run's generation was pruned first, so the rerun took its
     * number again; its shards are gone with it. */
    snprintf(leftover, sizeof(leftover), "%s/%s/.shards", ix.dir, after);
    cr_expect_neq(access(leftover, F_OK), 0, "%s is gone", leftover);
    snprintf(leftover, sizeof(leftover), "%s/%s", ix.dir, before);
    cr_expect_neq(access(leftover, F_OK), 0,
                  "the old generation is gone after the switch");
}

Test(indexer, killed_worker_fails_the_rebuild_and_keeps_the_old_generation,
     .timeout = 240)
{
    char before[PATH_MAX], after[PATH_MAX], path[PATH_MAX];

    pid_t pid = start_parallel_rebuild(before, 1);
    /* The indexer's children are its workers (.md files need no
     * extraction child): kill one of them. */
    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        cr_skip_test("no %s", path);
    int worker = 0;
    cr_assert_eq(fscanf(f, "%d", &worker), 1, "the indexer has children");
    fclose(f);
    kill(worker, SIGKILL);
    cr_expect_eq(ms_ix_wait(pid), 1, "a killed worker fails the rebuild");

    live_generation(after);
    cr_expect_str_eq(after, before, "the live index is still the old generation");
    snprintf(path, sizeof(path), "%s.gen-2", ix.index);
    cr_expect_neq(access(path, F_OK), 0, "the failed generation and its shards are gone");
    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect_eq(doc_count(idx), 4);
    ms_index_close(idx);
}

/* --- synonym phrases that wait for a rebuild --- */

/* The entries of 'list' (a JSON array of strings) joined by ','. */
static void
joined(char *out, size_t size, json_t *list)
{
    size_t i;
    json_t *item;

    out[0] = '\0';
    json_array_foreach(list, i, item)
    {
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "",
                 json_string_value(item));
    }
}

/* Run with 'args' ("--json" first); its unindexed_synonym_phrases, or
 * "(none)" without the key, must be 'want'. */
static void
expect_unindexed(const char *const *args, const char *want)
{
    ms_ix_result_t res;
    char got[256];

    ms_ix_run(&res, &ix, args);
    cr_assert_eq(res.status, 0, "%s", res.err);
    cr_assert_not_null(res.json, "%s", res.out);
    json_t *list = json_object_get(res.json, "unindexed_synonym_phrases");
    if (list)
        joined(got, sizeof got, list);
    else
        snprintf(got, sizeof got, "(none)");
    cr_expect_str_eq(got, want, "%s %s", args[0], args[1] ? args[1] : "");
    if (json_object_get(res.json, "last_run"))
        cr_expect_null(json_object_get(json_object_get(res.json, "last_run"),
                                       "unindexed_synonym_phrases"),
                       "last_run is stored before the run looks");
    ms_ix_result_free(&res);
}

/* A synonym entry of several words added after the documents is matched
 * word by word until a rebuild (docs/staff.md): the update that adds it,
 * its summary and `status` name it, and the rebuild clears it. */
Test(indexer, the_synonym_phrases_waiting_for_a_rebuild_are_named)
{
    const char *update[] = {"--json", NULL};
    const char *rebuild[] = {"--json", "--rebuild", NULL};
    const char *status_json[] = {"status", "--json", NULL};
    const char *status[] = {"status", NULL};
    const char *plain[] = {NULL};
    static const char *const wait =
        "synonym phrases matched word by word until migsearch-index --rebuild:\n"
        "  \"contract work\"\n  \"labour mobility\"\n";
    char synonyms[PATH_MAX];
    ms_ix_result_t res;

    snprintf(synonyms, sizeof synonyms, "%s/synonyms.yaml", ix.dir);
    FILE *f = fopen(synonyms, "w");
    cr_assert_not_null(f);
    fputs("- [remittances, money transfers]\n", f);
    fclose(f);
    write_config(1, true, synonyms, NULL);
    write_small_archive();
    expect_unindexed(update, "");

    f = fopen(synonyms, "a");
    cr_assert_not_null(f);
    fputs("- [labour mobility, contract work]\n", f);
    fclose(f);
    expect_unindexed(update, "contract work,labour mobility");
    expect_unindexed(status_json, "contract work,labour mobility");
    ms_ix_run(&res, &ix, plain);
    cr_expect(res.status == 0 && strstr(res.out, wait), "%s", res.out);
    ms_ix_result_free(&res);
    ms_ix_run(&res, &ix, status);
    cr_expect(res.status == 0 && strstr(res.out, wait), "%s", res.out);
    ms_ix_result_free(&res);

    expect_unindexed(rebuild, "");
    expect_unindexed(status_json, "");
    ms_ix_run(&res, &ix, status);
    cr_expect(res.status == 0 && !strstr(res.out, "word by word"), "%s", res.out);
    ms_ix_result_free(&res);
}
