/* report.c - what a migsearch-index run did, and that as JSON
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The JSON object is versioned with the rest of the indexer's output in
 * docs/staff.md. Archive paths are bytes, not necessarily UTF-8, and a
 * reason may quote them; JSON strings must be UTF-8, so names, reasons
 * and warnings go through ms_utf8_escape() on their way out: a byte that
 * is no character, or a control character, is "\xNN", so the exact bytes
 * of a name can be read back.
 */
#include <stdlib.h>
#include <string.h>

#include "ms_utf8.h"
#include "report.h"
#include "util.h"

int
ms_run_report_add_failure(ms_run_report_t *r, const char *path, const char *reason)
{
    ms_run_failure_t *failures = ms_util_grow(r->failures, &r->failures_capacity,
                                              r->n_failures, sizeof(*failures));
    ms_run_failure_t *failure;

    if (!failures)
        return -1;
    r->failures = failures;
    failure = &failures[r->n_failures];
    failure->file = strdup(path);
    failure->reason = strdup(reason);
    if (!failure->file || !failure->reason) {
        free(failure->file);
        free(failure->reason);
        return -1;
    }
    r->n_failures++;
    return 0;
}

/* Append a copy of 'text' to the list *items of *n. 0, or -1 on OOM. */
static int
add_string(char ***items, size_t *n, size_t *capacity, const char *text)
{
    char **grown = ms_util_grow(*items, capacity, *n, sizeof(*grown));

    if (!grown)
        return -1;
    *items = grown;
    if ((grown[*n] = strdup(text)) == NULL)
        return -1;
    (*n)++;
    return 0;
}

int
ms_run_report_add_warning(ms_run_report_t *r, const char *warning)
{
    return add_string(&r->warnings, &r->n_warnings, &r->warnings_capacity, warning);
}

int
ms_run_report_add_unindexed_phrase(ms_run_report_t *r, const char *entry)
{
    return add_string(&r->unindexed_phrases, &r->n_unindexed_phrases,
                      &r->unindexed_phrases_capacity, entry);
}

int
ms_run_report_add_kept(ms_run_report_t *r, const char *path, const char *reason)
{
    if (add_string(&r->kept_files, &r->n_kept_files, &r->kept_files_capacity, path) != 0)
        return -1;
    return ms_run_report_add_failure(r, path, reason);
}

/* 'text' as a JSON string, escaped to UTF-8; NULL on OOM. */
static json_t *
json_text(const char *text)
{
    char *clean = ms_utf8_escape(text, strlen(text));
    json_t *string = clean ? json_string(clean) : NULL;

    free(clean);
    return string;
}

/* Failure 'i' of 'r' as a JSON object; NULL on OOM. */
static json_t *
failure_json(const ms_run_report_t *r, size_t i)
{
    json_t *item = json_object();

    /* json_object_set_new() takes the value also when it fails. */
    if (item &&
        (json_object_set_new(item, "file", json_text(r->failures[i].file)) != 0 ||
         json_object_set_new(item, "reason", json_text(r->failures[i].reason)) != 0)) {
        json_decref(item);
        item = NULL;
    }
    return item;
}

/* Warning 'i' of 'r' as a JSON string; NULL on OOM. */
static json_t *
warning_json(const ms_run_report_t *r, size_t i)
{
    return json_text(r->warnings[i]);
}

/* Kept file 'i' of 'r' as a JSON string; NULL on OOM. */
static json_t *
kept_json(const ms_run_report_t *r, size_t i)
{
    return json_text(r->kept_files[i]);
}

/* Unindexed synonym phrase 'i' of 'r' as a JSON string; NULL on OOM. */
static json_t *
phrase_json(const ms_run_report_t *r, size_t i)
{
    return json_text(r->unindexed_phrases[i]);
}

/* The first 'max' (0: all) of the 'n' items of 'r' that 'item' makes, as
 * a JSON array; NULL on OOM. */
static json_t *
array_json(const ms_run_report_t *r, size_t n, size_t max,
           json_t *(*item)(const ms_run_report_t *, size_t))
{
    json_t *array = json_array();
    int bad = !array;

    for (size_t i = 0; !bad && i < n && (!max || i < max); i++)
        bad = json_array_append_new(array, item(r, i));
    if (!bad)
        return array;
    json_decref(array);
    return NULL;
}

/* The names of the phases in --json, in the order of enum ms_run_phase. */
static const char *const phase_names[MS_RUN_N_PHASES] = {
    [MS_RUN_PHASE_TERMS] = "terms",       [MS_RUN_PHASE_INVERSION] = "inversion",
    [MS_RUN_PHASE_SPELLING] = "spelling", [MS_RUN_PHASE_COMMIT] = "commit",
    [MS_RUN_PHASE_MERGE] = "merge",
};

/* The CPU seconds of 'r' by phase, the rest as "other" and the total, as
 * a JSON object; NULL on OOM. */
static json_t *
cpu_json(const ms_run_report_t *r)
{
    json_t *cpu = json_object();
    double rest = r->cpu_total;
    int bad = !cpu;

    for (size_t i = 0; !bad && i < MS_RUN_N_PHASES; i++) {
        bad = json_object_set_new(cpu, phase_names[i], json_real(r->cpu[i])) != 0;
        rest -= r->cpu[i];
    }
    bad = bad || json_object_set_new(cpu, "other", json_real(rest > 0 ? rest : 0)) != 0;
    bad = bad || json_object_set_new(cpu, "total", json_real(r->cpu_total)) != 0;
    if (!bad)
        return cpu;
    json_decref(cpu);
    return NULL;
}

static void
format_time(char *buf, size_t size, const struct timespec *ts)
{
    struct tm tm;

    gmtime_r(&ts->tv_sec, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
ms_run_report_json(const ms_run_report_t *r, int exit_code, size_t max_failures)
{
    json_t *root, *list;
    char started[32], finished[32];
    double mb = (double)r->bytes_read / (1024.0 * 1024.0);
    double elapsed = r->elapsed > 0 ? r->elapsed : 1e-9;
    int bad;

    format_time(started, sizeof(started), &r->started);
    format_time(finished, sizeof(finished), &r->finished);
    root = json_pack(
        "{s:s, s:i, s:s, s:s, s:f, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I},"
        " s:{s:I, s:I, s:I}, s:f, s:f, s:I}",
        "mode", r->mode, "exit", exit_code, "started", started, "finished", finished,
        "elapsed", r->elapsed, "files", "total", (json_int_t)r->files, "added",
        (json_int_t)r->added, "updated", (json_int_t)r->updated, "deleted",
        (json_int_t)r->deleted, "unchanged", (json_int_t)r->unchanged, "failed",
        (json_int_t)r->failed, "kept", (json_int_t)r->kept, "documents", "written",
        (json_int_t)r->docs_written, "deleted", (json_int_t)r->docs_deleted, "total",
        (json_int_t)r->doc_count, "documents_per_second",
        (double)r->docs_written / elapsed, "mb_per_second", mb / elapsed, "bytes_read",
        (json_int_t)r->bytes_read);
    if (!root)
        return NULL;
    /* json_object_set_new() takes the list, also when it fails (a NULL
     * list, on OOM, is such a failure). */
    list = array_json(r, r->n_failures, max_failures, failure_json);
    bad = json_object_set_new(root, "failures", list) != 0;
    list = bad ? NULL : array_json(r, r->n_warnings, max_failures, warning_json);
    bad = bad || json_object_set_new(root, "warnings", list) != 0;
    /* All kept files, whatever 'max_failures': /health names them. */
    list = bad ? NULL : array_json(r, r->n_kept_files, 0, kept_json);
    bad = bad || json_object_set_new(root, "kept", list) != 0;
    /* Once the run has ended: not in the last_run the run stores. */
    if (r->cpu_total > 0)
        bad = bad || json_object_set_new(root, "cpu_seconds", cpu_json(r)) != 0;
    if (!bad && r->phrases_checked) {
        list = array_json(r, r->n_unindexed_phrases, 0, phrase_json);
        bad = json_object_set_new(root, "unindexed_synonym_phrases", list) != 0;
    }
    if (bad) {
        json_decref(root);
        root = NULL;
    }
    return root;
}

void
ms_run_report_clear(ms_run_report_t *r)
{
    if (!r)
        return;
    while (r->n_failures > 0) {
        ms_run_failure_t *last = &r->failures[--r->n_failures];
        free(last->file);
        free(last->reason);
    }
    while (r->n_warnings > 0)
        free(r->warnings[--r->n_warnings]);
    while (r->n_kept_files > 0)
        free(r->kept_files[--r->n_kept_files]);
    while (r->n_unindexed_phrases > 0)
        free(r->unindexed_phrases[--r->n_unindexed_phrases]);
    free(r->failures);
    free(r->warnings);
    free(r->kept_files);
    free(r->unindexed_phrases);
    memset(r, 0, sizeof(*r));
}
