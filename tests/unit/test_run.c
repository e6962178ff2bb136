/* test_run.c - unit tests of the parts of a migsearch-index run below the index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The report and its JSON (report.h), state entries and fingerprints
 * (state.h), the string map (strmap.h), the partition and result files of
 * a parallel rebuild (shard.h) and the lock (lock.h), through their
 * headers, without an index or a run. The runs themselves are tested
 * through the real program in tests/integration/test_indexer.c.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "report.h"
#include "shard.h"
#include "state.h"
#include "strmap.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-run");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

static void
write_file(const char *name, const char *content)
{
    char path[PATH_MAX];
    FILE *f;

    ms_test_path_join(path, sizeof(path), tmpdir, name);
    f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(content, f);
    fclose(f);
}

/* --- the report --- */

static void
fill_report(ms_run_report_t *r)
{
    memset(r, 0, sizeof(*r));
    r->mode = "update";
    r->started.tv_sec = 1795849514; /* 2026-11-28T07:05:14Z */
    r->finished.tv_sec = 1795849515;
    r->elapsed = 0.5;
    r->files = 10;
    r->added = 3;
    r->updated = 1;
    r->deleted = 2;
    r->unchanged = 4;
    r->failed = 2;
    r->docs_written = 6;
    r->docs_deleted = 3;
    r->doc_count = 9;
    r->bytes_read = 1024 * 1024;
}

Test(report, json_has_every_count_of_docs_staff)
{
    ms_run_report_t r;
    fill_report(&r);
    json_t *json = ms_run_report_json(&r, 3, 0);

    cr_assert(json);
    cr_assert_str_eq(json_string_value(json_object_get(json, "mode")), "update");
    cr_assert_eq(json_integer_value(json_object_get(json, "exit")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json, "started")),
                     "2026-11-28T07:05:14Z");
    cr_assert_str_eq(json_string_value(json_object_get(json, "finished")),
                     "2026-11-28T07:05:15Z");
    json_t *files = json_object_get(json, "files");
    const char *names[] = {"total", "added", "updated", "deleted", "unchanged", "failed"};
    const json_int_t values[] = {10, 3, 1, 2, 4, 2};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(json_integer_value(json_object_get(files, names[i])), values[i],
                     "%s", names[i]);
    json_t *docs = json_object_get(json, "documents");
    cr_assert_eq(json_integer_value(json_object_get(docs, "written")), 6);
    cr_assert_eq(json_integer_value(json_object_get(docs, "deleted")), 3);
    cr_assert_eq(json_integer_value(json_object_get(docs, "total")), 9);
    cr_assert_float_eq(json_real_value(json_object_get(json, "documents_per_second")),
                       12.0, 1e-9);
    cr_assert_float_eq(json_real_value(json_object_get(json, "mb_per_second")), 2.0,
                       1e-9);
    cr_assert_eq(json_integer_value(json_object_get(json, "bytes_read")), 1024 * 1024);
    cr_assert_eq(json_array_size(json_object_get(json, "failures")), 0);
    cr_assert_eq(json_array_size(json_object_get(json, "warnings")), 0);
    json_decref(json);
    ms_run_report_clear(&r);
}

Test(report, json_has_the_cpu_time_by_phase_once_the_run_has_ended)
{
    ms_run_report_t r;
    fill_report(&r);
    json_t *json = ms_run_report_json(&r, 0, 0);
    cr_assert_null(json_object_get(json, "cpu_seconds"), "not before the end");
    json_decref(json);

    const char *names[] = {"terms", "inversion", "spelling", "commit", "merge"};
    const double values[] = {1.0, 2.0, 0.5, 1.5, 0.25};
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++)
        r.cpu[i] = values[i];
    r.cpu_total = 6.0;
    json = ms_run_report_json(&r, 0, 0);
    json_t *cpu = json_object_get(json, "cpu_seconds");
    cr_assert(json_is_object(cpu));
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++)
        cr_assert_float_eq(json_real_value(json_object_get(cpu, names[i])), values[i],
                           1e-9, "%s", names[i]);
    /* The rest of the total: walk, extraction, fingerprints. */
    cr_assert_float_eq(json_real_value(json_object_get(cpu, "other")), 0.75, 1e-9);
    cr_assert_float_eq(json_real_value(json_object_get(cpu, "total")), 6.0, 1e-9);
    json_decref(json);
    ms_run_report_clear(&r);
}

Test(report, json_names_the_unindexed_synonym_phrases_once_looked_up)
{
    ms_run_report_t r;
    fill_report(&r);
    json_t *json = ms_run_report_json(&r, 0, 0);
    cr_assert_null(json_object_get(json, "unindexed_synonym_phrases"),
                   "not before the run looked");
    json_decref(json);

    r.phrases_checked = true;
    json = ms_run_report_json(&r, 0, 0);
    cr_assert_eq(json_array_size(json_object_get(json, "unindexed_synonym_phrases")), 0);
    cr_assert(json_is_array(json_object_get(json, "unindexed_synonym_phrases")));
    json_decref(json);

    /* All of them, whatever the limit on failures and warnings. */
    const char *entries[] = {"contract work", "labour mobility", "return migration"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(ms_run_report_add_unindexed_phrase(&r, entries[i]), 0);
    json = ms_run_report_json(&r, 0, 1);
    json_t *list = json_object_get(json, "unindexed_synonym_phrases");
    cr_assert_eq(json_array_size(list), 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(json_string_value(json_array_get(list, i)), entries[i]);
    json_decref(json);
    ms_run_report_clear(&r);
    cr_assert_eq(r.n_unindexed_phrases, 0);
    cr_assert(!r.phrases_checked);
}

Test(report, json_lists_at_most_max_failures_and_warnings)
{
    ms_run_report_t r;
    char name[32];

    fill_report(&r);
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "f%d.md", i);
        cr_assert_eq(ms_run_report_add_failure(&r, name, "bad date"), 0);
        cr_assert_eq(ms_run_report_add_warning(&r, name), 0);
    }
    json_t *some = ms_run_report_json(&r, 3, 2), *all = ms_run_report_json(&r, 3, 0);
    cr_assert_eq(json_array_size(json_object_get(some, "failures")), 2);
    cr_assert_eq(json_array_size(json_object_get(some, "warnings")), 2);
    cr_assert_eq(json_array_size(json_object_get(all, "failures")), 5);
    cr_assert_eq(json_array_size(json_object_get(all, "warnings")), 5);
    json_t *last = json_array_get(json_object_get(all, "failures"), 4);
    cr_assert_str_eq(json_string_value(json_object_get(last, "file")), "f4.md");
    cr_assert_str_eq(json_string_value(json_object_get(last, "reason")), "bad date");
    json_decref(some);
    json_decref(all);
    ms_run_report_clear(&r);
}

Test(report, json_escapes_bytes_that_are_not_utf8_and_control_characters)
{
    ms_run_report_t r;

    fill_report(&r);
    cr_assert_eq(ms_run_report_add_failure(&r, "caf\xe9.md", "not \xff UTF-8"), 0);
    cr_assert_eq(ms_run_report_add_warning(&r, "x\xc3"), 0);
    cr_assert_eq(ms_run_report_add_failure(&r, "two\nlines.md", "ok"), 0);
    json_t *json = ms_run_report_json(&r, 3, 0);
    cr_assert(json, "a name that is not UTF-8 must not lose the report");
    json_t *failure = json_array_get(json_object_get(json, "failures"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(failure, "file")), "caf\\xE9.md");
    cr_assert_str_eq(json_string_value(json_object_get(failure, "reason")),
                     "not \\xFF UTF-8");
    cr_assert_str_eq(
        json_string_value(json_array_get(json_object_get(json, "warnings"), 0)),
        "x\\xC3");
    failure = json_array_get(json_object_get(json, "failures"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(failure, "file")),
                     "two\\x0Alines.md");
    json_decref(json);
    ms_run_report_clear(&r);
}

Test(report, add_copies_and_clear_empties)
{
    ms_run_report_t r = {0};
    char file[] = "a.md", reason[] = "why";

    cr_assert_eq(ms_run_report_add_failure(&r, file, reason), 0);
    file[0] = 'b';
    reason[0] = 'W';
    cr_assert_str_eq(r.failures[0].file, "a.md");
    cr_assert_str_eq(r.failures[0].reason, "why");
    ms_run_report_clear(&r);
    cr_assert_eq(r.n_failures, 0);
    cr_assert_null(r.failures);
    ms_run_report_clear(NULL);
}

/* --- the partition of a parallel rebuild --- */

Test(partition, largest_first_to_the_lightest_shard_ties_to_the_first)
{
    const unsigned long long sizes[] = {1, 10, 4, 4, 3, 0};
    unsigned out[6];

    cr_assert_eq(ms_shard_partition(out, sizes, 6, 3), 0);
    /* 10 -> shard 0; the 4 of file 2 -> 1 and the 4 of file 3 -> 2 (the
     * first equal one comes first); 3 -> 1 (4 and 4: the first); 1 -> 2
     * (7 > 4); 0 -> 2 (5 < 7). */
    const unsigned expected[] = {2, 0, 1, 2, 1, 2};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(out[i], expected[i], "file %zu: shard %u, not %u", i, out[i],
                     expected[i]);
}

Test(partition, is_deterministic_and_balanced)
{
    enum { N = 200, JOBS = 4 };
    unsigned long long sizes[N], totals[JOBS] = {0}, largest = 0, sum = 0;
    unsigned a[N], b[N];

    for (size_t i = 0; i < N; i++) {
        sizes[i] = (i * 7919) % 1000 + 1;
        sum += sizes[i];
        largest = sizes[i] > largest ? sizes[i] : largest;
    }
    cr_assert_eq(ms_shard_partition(a, sizes, N, JOBS), 0);
    cr_assert_eq(ms_shard_partition(b, sizes, N, JOBS), 0);
    cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "the same input, another partition");
    for (size_t i = 0; i < N; i++) {
        cr_assert_lt(a[i], JOBS);
        totals[a[i]] += sizes[i];
    }
    /* The greedy bound: no shard exceeds the mean by more than a file. */
    for (size_t k = 0; k < JOBS; k++)
        cr_assert_leq(totals[k], sum / JOBS + largest, "shard %zu: %llu bytes", k,
                      totals[k]);
}

Test(partition, one_job_and_no_files)
{
    const unsigned long long sizes[] = {5, 6, 7};
    unsigned out[3] = {9, 9, 9};

    cr_assert_eq(ms_shard_partition(out, sizes, 3, 1), 0);
    cr_assert(out[0] == 0 && out[1] == 0 && out[2] == 0);
    cr_assert_eq(ms_shard_partition(out, NULL, 0, 4), 0);
}

/* --- the result files of a parallel rebuild --- */

TestSuite(shard, .init = setup, .fini = teardown);

static void
result_path(char *out, const char *name)
{
    ms_test_path_join(out, PATH_MAX, tmpdir, name);
}

static void
write_sample_result(const char *path)
{
    ms_run_report_t r = {0};
    const ms_shard_claim_t claims[] = {{"a/one.md", "id-1"}, {"odd\nname.md", "id-2"}};

    r.added = 2;
    r.failed = 1;
    r.docs_written = 7;
    r.docs_deleted = 1;
    r.bytes_read = 5000000000ULL;
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++)
        r.cpu[i] = 1.5 + (double)i;
    cr_assert_eq(ms_run_report_add_failure(&r, "b/bad.md", "line 3, column 7: date"), 0);
    cr_assert_eq(ms_run_report_add_warning(&r, "x.jsonl:2:1: date: must be text"), 0);
    cr_assert_eq(ms_run_report_add_warning(&r, ""), 0);
    cr_assert_eq(ms_shard_result_write(path, &r, claims, 2), 0);
    ms_run_report_clear(&r);
}

Test(shard, result_file_reads_back_what_was_written)
{
    char path[PATH_MAX];
    ms_shard_result_t got;

    result_path(path, "0.result");
    write_sample_result(path);
    cr_assert_eq(ms_shard_result_read(&got, path), 0);
    cr_assert_eq(got.report.added, 2);
    cr_assert_eq(got.report.failed, 1);
    cr_assert_eq(got.report.docs_written, 7);
    cr_assert_eq(got.report.docs_deleted, 1);
    cr_assert_eq(got.report.bytes_read, 5000000000ULL);
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++)
        cr_assert_float_eq(got.report.cpu[i], 1.5 + (double)i, 1e-6, "phase %zu", i);
    cr_assert_eq(got.report.n_failures, 1);
    cr_assert_str_eq(got.report.failures[0].file, "b/bad.md");
    cr_assert_str_eq(got.report.failures[0].reason, "line 3, column 7: date");
    cr_assert_eq(got.report.n_warnings, 2);
    cr_assert_str_eq(got.report.warnings[0], "x.jsonl:2:1: date: must be text");
    cr_assert_str_eq(got.report.warnings[1], "");
    cr_assert_eq(got.n_claims, 2);
    cr_assert_str_eq(got.claims[1].file, "odd\nname.md");
    cr_assert_str_eq(got.claims[1].id, "id-2");
    ms_shard_result_clear(&got);
}

Test(shard, cut_or_damaged_result_files_are_refused)
{
    char path[PATH_MAX], text[4096];
    ms_shard_result_t got;
    FILE *f;
    size_t len;

    result_path(path, "0.result");
    write_sample_result(path);
    f = fopen(path, "rb");
    len = fread(text, 1, sizeof(text), f);
    fclose(f);
    /* Every cut short of the whole file is refused, and so is one byte more. */
    for (size_t cut = 0; cut < len; cut++) {
        f = fopen(path, "wb");
        fwrite(text, 1, cut, f);
        fclose(f);
        cr_assert_eq(ms_shard_result_read(&got, path), -1, "cut at %zu", cut);
        cr_assert_eq(got.n_claims, 0);
        cr_assert_eq(got.report.n_failures, 0);
    }
    f = fopen(path, "wb");
    fwrite(text, 1, len, f);
    fputc('x', f);
    fclose(f);
    cr_assert_eq(ms_shard_result_read(&got, path), -1);
    write_file("magic.result", "migsearch-shard 2\n");
    result_path(path, "magic.result");
    cr_assert_eq(ms_shard_result_read(&got, path), -1);
    result_path(path, "missing.result");
    cr_assert_eq(ms_shard_result_read(&got, path), -1);
}

Test(shard, remove_tree_removes_everything_below_and_follows_no_link)
{
    char dir[PATH_MAX], outside[PATH_MAX], link[PATH_MAX], kept[PATH_MAX];
    struct stat st;

    result_path(dir, "shards");
    result_path(outside, "outside");
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(mkdir(outside, 0755), 0);
    write_file("outside/kept", "x");
    write_file("shards/0.result", "x");
    ms_test_path_join(link, sizeof(link), dir, "link");
    cr_assert_eq(symlink(outside, link), 0);
    cr_assert_eq(ms_shard_remove_tree(dir), 0);
    cr_assert_neq(lstat(dir, &st), 0, "%s is still there", dir);
    ms_test_path_join(kept, sizeof(kept), outside, "kept");
    cr_assert_eq(stat(kept, &st), 0, "the link was followed");
    cr_assert_eq(ms_shard_remove_tree(dir), 0, "a missing tree is fine");
}

/* --- state entries --- */

TestSuite(state_entry, .init = setup, .fini = teardown);

Test(state_entry, encode_then_decode_gives_the_entry_back)
{
    char *ids[] = {"id-1", "id-2"};
    ms_state_entry_t entry = {"dir/a file%\n\x7f\xc3\xa9.md", "0123456789abcdef", ids, 2};
    ms_state_entry_t back;
    char *value = ms_state_encode(&entry);

    cr_assert(value);
    cr_assert_str_eq(value, "migsearch-state 1\npath dir/a%20file%25%0A%7F\xc3\xa9.md\n"
                            "fp 0123456789abcdef\nid id-1\nid id-2\n");
    cr_assert_eq(ms_state_decode(&back, value), 0);
    cr_assert_str_eq(back.path, entry.path);
    cr_assert_str_eq(back.fingerprint, entry.fingerprint);
    cr_assert_eq(back.n_ids, 2);
    cr_assert_str_eq(back.ids[0], "id-1");
    cr_assert_str_eq(back.ids[1], "id-2");
    ms_state_entry_clear(&back);
    free(value);
}

Test(state_entry, decode_refuses_what_is_not_an_entry)
{
    const char *bad[] = {
        "",
        "migsearch-state 2\npath a\nfp 1\n",
        "migsearch-state 1\npath a\n",          /* no fingerprint */
        "migsearch-state 1\nfp 1\n",            /* no path */
        "migsearch-state 1\npath a\nfp 1",      /* no newline at the end */
        "migsearch-state 1\npath a%0\nfp 1\n",  /* a cut escape */
        "migsearch-state 1\npath a%00\nfp 1\n", /* a NUL */
        "migsearch-state 1\npath a%zz\nfp 1\n", /* not hex */
        "migsearch-state 1\npath a\npath b\nfp 1\n",
        "migsearch-state 1\npath a\nfp 1\nsize 3\n",
    };
    ms_state_entry_t entry;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(ms_state_decode(&entry, bad[i]), -1, "case %zu", i);
        cr_assert_null(entry.path, "case %zu", i);
        cr_assert_null(entry.ids, "case %zu", i);
    }
    cr_assert_eq(ms_state_decode(&entry, "migsearch-state 1\npath a%2f%2F\nfp 1\n"), 0);
    cr_assert_str_eq(entry.path, "a//", "hex digits in either case");
    ms_state_entry_clear(&entry);
}

Test(state_entry, decode_head_counts_the_ids_and_refuses_what_decode_refuses)
{
    const char *bad[] = {
        "migsearch-state 1\npath a\nid x\n",          /* no fingerprint */
        "migsearch-state 1\npath a\nfp 1\nid x",      /* no newline at the end */
        "migsearch-state 1\npath a\nfp 1\nid x\nz\n", /* not a line of an entry */
    };
    ms_state_entry_t entry;
    size_t n = 99;

    cr_assert_eq(ms_state_decode_head(
                     &entry, &n, "migsearch-state 1\npath a%20b\nid x\nfp 1\nid y\n"),
                 0);
    cr_expect_str_eq(entry.path, "a b");
    cr_expect_str_eq(entry.fingerprint, "1");
    cr_expect_eq(n, 2, "every id line counted, before or after fp");
    cr_expect_null(entry.ids, "the ids are not kept");
    cr_expect_eq(entry.n_ids, 0);
    ms_state_entry_clear(&entry);
    cr_assert_eq(ms_state_decode_head(&entry, &n, "migsearch-state 1\npath a\nfp 1\n"),
                 0);
    cr_expect_eq(n, 0);
    ms_state_entry_clear(&entry);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = 99;
        cr_assert_eq(ms_state_decode_head(&entry, &n, bad[i]), -1, "case %zu", i);
        cr_assert_null(entry.path, "case %zu", i);
        cr_assert_eq(n, 0, "case %zu", i);
    }
}

Test(state_entry, long_paths_get_a_hashed_key)
{
    char path[400];
    char *key;

    key = ms_state_key("a/b.md");
    cr_assert_str_eq(key, MS_STATE_PREFIX_PATH "a/b.md");
    free(key);
    memset(path, 'x', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    path[MS_STATE_PATH_KEY_MAX] = '\0';
    key = ms_state_key(path);
    cr_assert_eq(strncmp(key, MS_STATE_PREFIX_PATH, 4), 0, "at the limit: the path");
    free(key);
    path[MS_STATE_PATH_KEY_MAX] = 'x';
    key = ms_state_key(path);
    cr_assert_eq(strncmp(key, MS_STATE_PREFIX_HASH, 4), 0, "past it: a hash");
    cr_assert_eq(strlen(key), 4 + 16);
    free(key);
}

Test(state_entry, settings_hash_follows_language_and_spelling)
{
    uint64_t en = ms_state_settings_hash("en", false);

    cr_assert_eq(en, ms_state_settings_hash("en", false));
    cr_assert_neq(en, ms_state_settings_hash("fr", false));
    cr_assert_neq(en, ms_state_settings_hash("en", true));
    cr_assert_neq(ms_state_settings_hash(NULL, false), en);
}

Test(state_entry, fingerprint_changes_with_the_file_and_marks_fresh_files_racy)
{
    char fp[MS_STATE_FINGERPRINT_SIZE], again[MS_STATE_FINGERPRINT_SIZE];
    struct timespec now, later;
    bool racy;

    write_file("a.md", "# A\n");
    clock_gettime(CLOCK_REALTIME, &now);
    later = now;
    later.tv_sec += 60;
    cr_assert_eq(ms_state_fingerprint(fp, &racy, tmpdir, "a.md", 1, &now), 0);
    cr_assert(racy, "written just now");
    cr_assert_eq(fp[strlen(fp) - 1], '~');
    cr_assert_eq(ms_state_fingerprint(fp, &racy, tmpdir, "a.md", 1, &later), 0);
    cr_assert_not(racy);
    cr_assert_eq(strlen(fp), 16);
    cr_assert_eq(ms_state_fingerprint(again, &racy, tmpdir, "a.md", 2, &later), 0);
    cr_assert_str_neq(fp, again, "other settings, another fingerprint");
    write_file("a.md", "# A, longer\n");
    cr_assert_eq(ms_state_fingerprint(again, &racy, tmpdir, "a.md", 1, &later), 0);
    cr_assert_str_neq(fp, again, "another size, another fingerprint");
    cr_assert_eq(ms_state_fingerprint(fp, &racy, tmpdir, "gone.md", 1, &later), -1);
}

/* --- the string map --- */

Test(strmap, finds_what_was_put_across_growth)
{
    enum { N = 1000 };
    static char keys[N][16];
    ms_strmap_t *map = ms_strmap_new();

    cr_assert(map);
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "key-%zu", i);
        cr_assert_eq(ms_strmap_put(map, keys[i], i * 2), 0);
    }
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(ms_strmap_get(map, keys[i]), i * 2, "%s", keys[i]);
    cr_assert_eq(ms_strmap_get(map, "key-1000"), MS_STRMAP_NONE);
    cr_assert_eq(ms_strmap_put(map, keys[7], 5), 0);
    cr_assert_eq(ms_strmap_get(map, "key-7"), 5, "put again: the new value");
    ms_strmap_free(map);
    ms_strmap_free(NULL);
}

/* --- the lock --- */

TestSuite(lock, .init = setup, .fini = teardown);

Test(lock, path_is_beside_the_index)
{
    const char *cases[][2] = {{"/srv/index", "/srv/index.lock"},
                              {"/srv/index//", "/srv/index.lock"},
                              {"index", "index.lock"},
                              {"/", "/.lock"}};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = ms_run_lock_path(cases[i][0]);
        cr_assert_str_eq(path, cases[i][1]);
        free(path);
    }
}

Test(lock, second_taker_is_told_locked)
{
    char index[PATH_MAX];
    int fd, again;

    ms_test_path_join(index, sizeof(index), tmpdir, "index");
    cr_assert_eq(ms_run_lock_take(&fd, index), MS_EXIT_OK);
    cr_assert_geq(fd, 0);
    /* flock belongs to the open file: a second open conflicts even in the
     * same process. */
    cr_assert_eq(ms_run_lock_take(&again, index), MS_EXIT_LOCKED);
    cr_assert_eq(again, -1);
    close(fd);
    cr_assert_eq(ms_run_lock_take(&fd, index), MS_EXIT_OK,
                 "free again once the holder let go");
    close(fd);
}
