/* writer.c - what a run writes to the index: documents gone, entries, commits
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Commits happen only between files, once archive.batch_size documents
 * are pending, so every commit holds whole files together with their
 * entries: a kill -9 leaves an index at a commit where documents and
 * entries agree, and a rerun finds the rest changed and completes it.
 * The documents themselves are put by load.c, as a file is read.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_clock.h"
#include "ms_index_build.h"
#include "ms_synonyms.h"
#include "util.h"
#include "writer.h"

int
ms_run__open_writer(ms_index_t **out, const char *path, unsigned shards)
{
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open_shards(out, path, shards, &err);

    if (status == MS_INDEX_OK)
        return MS_EXIT_OK;
    if (status == MS_INDEX_LOCKED) {
        /* Our lock is held, so this is a writer that does not take it (an
         * older migsearch-index): the same situation for the user. */
        ms_log(MS_LOG_ERR, "another migsearch-index is already running on %s", path);
        return MS_EXIT_LOCKED;
    }
    ms_log(MS_LOG_ERR, "cannot open the index %s: %s: %s", path,
           ms_index_status_string(status), err.text);
    return MS_EXIT_RUNTIME;
}

void
ms_run__keep_added(ms_run_ctx_t *run)
{
    ms_index_status_t status = ms_index_keep_added(run->idx, run->opts->index_path);

    if (status != MS_INDEX_OK && status != MS_INDEX_NOT_FOUND)
        ms_log(MS_LOG_WARN,
               "cannot read when documents were added from %s: %s: %s; they count as "
               "added now",
               run->opts->index_path, ms_index_status_string(status),
               ms_index_errmsg(run->idx));
}

int
ms_run__commit(ms_run_ctx_t *run, bool force)
{
    ms_index_status_t status;

    if (!force && run->pending < run->opts->batch_size)
        return MS_EXIT_OK;
    status = ms_index_commit(run->idx);
    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "commit to", status);
    run->pending = 0;
    return MS_EXIT_OK;
}

void
ms_run__take_profile(ms_run_ctx_t *run)
{
    ms_index_profile_t profile;
    double *cpu = run->report->cpu;

    if (!run->idx)
        return;
    ms_index_profile(&profile, run->idx);
    cpu[MS_RUN_PHASE_TERMS] += profile.terms;
    cpu[MS_RUN_PHASE_INVERSION] += profile.inversion;
    cpu[MS_RUN_PHASE_SPELLING] += profile.spelling;
    cpu[MS_RUN_PHASE_COMMIT] += profile.commit;
}

int
ms_run__delete_document(ms_run_ctx_t *run, size_t id)
{
    ms_index_status_t status = ms_index_delete(run->idx, run->ids[id].id);

    run->ids[id].owner = MS_STRMAP_NONE;
    if (status == MS_INDEX_NOT_FOUND)
        return MS_EXIT_OK;
    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "delete from", status);
    run->report->docs_deleted++;
    run->pending++;
    return MS_EXIT_OK;
}

/* The entry of file 'f' as a metadata value into *out (caller frees).
 * MS_EXIT_OK, or MS_EXIT_RUNTIME on OOM (logged). */
static int
encode_entry(char **out, ms_run_ctx_t *run, size_t f)
{
    const ms_run_file_t *file = &run->files[f];
    ms_state_entry_t entry = {
        .path = file->path, .fingerprint = file->entry_fp, .n_ids = file->owned.n};

    entry.ids = calloc(file->owned.n ? file->owned.n : 1, sizeof(*entry.ids));
    if (!entry.ids)
        return ms_run__nomem(run);
    for (size_t i = 0; i < file->owned.n; i++)
        entry.ids[i] = run->ids[file->owned.items[i]].id;
    *out = ms_state_encode(&entry);
    free(entry.ids);
    return *out ? MS_EXIT_OK : ms_run__nomem(run);
}

int
ms_run__write_entry(ms_run_ctx_t *run, size_t f, bool keep)
{
    char *key = ms_state_key(run->files[f].path), *value = NULL;
    ms_index_status_t status;
    int rc = MS_EXIT_OK;

    if (!key)
        return ms_run__nomem(run);
    /* A pending entry is read again when its ids are needed, so none may
     * be overwritten first: not this file's, nor the one a hashed key
     * (a long path) may share with another file's. */
    rc = strncmp(key, MS_STATE_PREFIX_HASH, strlen(MS_STATE_PREFIX_HASH)) == 0
             ? ms_run__own_all(run)
             : ms_run__own_file(run, f);
    if (rc != MS_EXIT_OK || (keep && (rc = encode_entry(&value, run, f)) != MS_EXIT_OK))
        goto out;
    status = ms_index_metadata_set(run->idx, key, value);
    if (status != MS_INDEX_OK)
        rc = ms_run__index_failed(run, "write the state of a file to", status);
    run->files[f].dirty = false;

out:
    free(value);
    free(key);
    return rc;
}

int
ms_run__fail_file(ms_run_ctx_t *run, size_t f, const char *reason, const char *log_text,
                  bool release)
{
    ms_run_file_t *file = &run->files[f];
    ms_run_id_list_t *lists[2] = {&file->owned, &file->claimed};
    int rc = ms_run__own_file(run, f); /* its documents go too */

    if (rc != MS_EXIT_OK)
        return rc;
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->n; i++) {
            size_t id = lists[l]->items[i];
            if (run->ids[id].owner == f &&
                (rc = ms_run__delete_document(run, id)) != MS_EXIT_OK)
                return rc;
            if (release && run->ids[id].claimant == f)
                run->ids[id].claimant = MS_STRMAP_NONE;
        }
    }
    file->owned.n = 0;
    if (file->has_entry && (rc = ms_run__write_entry(run, f, false)) != MS_EXIT_OK)
        return rc;
    file->has_entry = false;
    if (file->outcome == MS_RUN_FAILED)
        return MS_EXIT_OK;
    file->outcome = MS_RUN_FAILED;
    free(file->reason); /* a kept file's, when a later file conflicts with it */
    file->reason = strdup(reason);
    if (!file->reason)
        return ms_run__nomem(run);
    if (log_text)
        ms_run__log(run, MS_LOG_WARN, "%s (file skipped)", log_text);
    else
        ms_run__log(run, MS_LOG_WARN, "%s/%s: %s (file skipped)", run->opts->archive,
                    file->path, reason);
    return MS_EXIT_OK;
}

int
ms_run__keep_file(ms_run_ctx_t *run, size_t f, const char *reason, const char *log_text)
{
    ms_run_file_t *file = &run->files[f];
    const char *kept = " (the last good version stays in the index until the file is "
                       "fixed)";
    size_t size = strlen(reason) + strlen(kept) + 1;

    assert(file->has_entry && file->outcome == MS_RUN_NONE);
    /* Its entry, fingerprint and documents stay as they are: the next run
     * finds the file changed and reads it again. */
    for (size_t i = 0; i < file->claimed.n; i++) {
        if (run->ids[file->claimed.items[i]].claimant == f)
            run->ids[file->claimed.items[i]].claimant = MS_STRMAP_NONE;
    }
    file->claimed.n = 0;
    ms_run__claim_owned(run, f);
    file->outcome = MS_RUN_KEPT;
    if (!(file->reason = malloc(size)))
        return ms_run__nomem(run);
    snprintf(file->reason, size, "%s%s", reason, kept);
    ms_run__log(run, MS_LOG_WARN, "%s (its last good version stays in the index)",
                log_text);
    return MS_EXIT_OK;
}

/* Log that the synonyms stay as they are, and why. */
static void
keep_synonyms(ms_run_ctx_t *run, const ms_synonyms_error_t *err)
{
    if (err->line)
        ms_run__log(run, MS_LOG_WARN, "%s:%u:%u: %s (synonyms unchanged)", err->file,
                    err->line, err->column, err->text);
    else
        ms_run__log(run, MS_LOG_WARN, "%s: %s (synonyms unchanged)", err->file,
                    err->text);
}

/* The synonyms, as ms_run__apply_settings() gives them. */
static int
apply_synonyms(ms_run_ctx_t *run, bool quiet)
{
    ms_synonyms_t *synonyms = NULL;
    ms_synonyms_error_t err;
    ms_index_status_t status;
    int rc = MS_EXIT_OK;

    if (!run->opts->synonyms_path)
        return MS_EXIT_OK;
    /* "": synonyms off. A file named was found readable when the config
     * was loaded; one gone since is taken as none, as before. */
    if (!run->opts->synonyms_path[0])
        status = ms_index_set_synonyms(run->idx, NULL, 0);
    else
        switch (ms_synonyms_load(&synonyms, run->opts->synonyms_path, &err)) {
        case MS_SYNONYMS_OK:
            status =
                ms_index_set_synonyms(run->idx, synonyms->groups, synonyms->n_groups);
            break;
        case MS_SYNONYMS_NOT_FOUND:
            status = ms_index_set_synonyms(run->idx, NULL, 0);
            break;
        case MS_SYNONYMS_NOMEM:
            return ms_run__nomem(run);
        default:
            /* Keep the synonyms the index has; documents are not at stake. */
            if (!quiet)
                keep_synonyms(run, &err);
            return MS_EXIT_OK;
        }
    if (status == MS_INDEX_BAD_QUERY) {
        if (!quiet)
            ms_run__log(run, MS_LOG_WARN, "%s: %s (synonyms unchanged)",
                        run->opts->synonyms_path, ms_index_errmsg(run->idx));
    } else if (status != MS_INDEX_OK)
        rc = ms_run__index_failed(run, "write the synonyms to", status);
    ms_synonyms_free(synonyms);
    return rc;
}

int
ms_run__apply_settings(ms_run_ctx_t *run, bool quiet)
{
    ms_index_status_t status = ms_index_set_spelling(run->idx, run->opts->spelling);

    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "set spelling on", status);
    return apply_synonyms(run, quiet);
}

int
ms_run__store_last_run(ms_run_ctx_t *run, int rc)
{
    struct timespec end;
    json_t *json;
    char *text;
    ms_index_status_t status;
    int done;

    clock_gettime(CLOCK_MONOTONIC, &end);
    run->report->elapsed = ms_clock_seconds(&run->start, &end);
    clock_gettime(CLOCK_REALTIME, &run->report->finished);
    json = ms_run_report_json(run->report, rc, 100);
    text = json ? json_dumps(json, JSON_COMPACT) : NULL;
    json_decref(json);
    if (!text)
        return ms_run__nomem(run);
    status = ms_index_metadata_set(run->idx, MS_STATE_LAST_RUN, text);
    free(text);
    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "write last_run to", status);
    done = ms_run__commit(run, true);
    return done != MS_EXIT_OK ? done : rc;
}
