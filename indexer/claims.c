/* claims.c - one run's tables: the files, the ids they claim and own
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Ids are claimed in a map (id -> file claiming it this run, file owning
 * it in the index). An unchanged file claims the ids it owns before any
 * changed file is read; a file that is read claims each id it gives. Two
 * files claiming one id both fail, and neither keeps a document in the
 * index, even one indexed by an earlier run: the file that claimed the id
 * first has its documents deleted when the second claims it (load.c). A
 * failed file has no entry, so it is read again next run.
 *
 * Files and ids are interned: each is one row of its table, named by its
 * index, so lists of ids and owners are arrays of indices. The ids of a
 * state entry are interned only when needed (ms_run__own_file()): an
 * update of one file among a thousand unchanged ones interns the ids of
 * that one file, not a million (docs/performance.md, "One changed
 * document").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "util.h"

int
ms_run__init(ms_run_ctx_t *run, const ms_run_options_t *opts, ms_run_report_t *report)
{
    memset(run, 0, sizeof(*run));
    run->opts = opts;
    run->report = report;
    run->parent_fd = -1;
    run->settings =
        ms_state_settings_hash(opts->archive_options.default_language, opts->spelling);
    clock_gettime(CLOCK_MONOTONIC, &run->start);
    run->file_map = ms_strmap_new();
    run->id_map = ms_strmap_new();
    if (!run->file_map || !run->id_map)
        return ms_run__nomem(run);
    return MS_EXIT_OK;
}

void
ms_run__free(ms_run_ctx_t *run)
{
    for (size_t f = 0; f < run->n_files; f++) {
        free(run->files[f].path);
        free(run->files[f].entry_fp);
        free(run->files[f].owned.items);
        free(run->files[f].claimed.items);
        free(run->files[f].reason);
    }
    free(run->files);
    for (size_t i = 0; i < run->n_ids; i++)
        free(run->ids[i].id);
    free(run->ids);
    for (size_t i = 0; i < run->n_walk_failed; i++)
        free(run->walk_failed[i]);
    free(run->walk_failed);
    free(run->dirty);
    ms_strmap_free(run->file_map);
    ms_strmap_free(run->id_map);
    ms_progress_free(run->progress);
}

void
ms_run__log(ms_run_ctx_t *run, ms_log_level_t level, const char *fmt, ...)
{
    char text[8192];
    va_list ap;

    if ((int)level > ms_log_threshold)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ms_progress_clear(run->progress);
    if (run->erase_bar)
        fputs("\r\033[K", stderr);
    ms_log_write(level, "%s", text);
}

int
ms_run__nomem(ms_run_ctx_t *run)
{
    ms_run__log(run, MS_LOG_ERR, "out of memory");
    return MS_EXIT_RUNTIME;
}

int
ms_run__index_failed(ms_run_ctx_t *run, const char *what, ms_index_status_t status)
{
    ms_run__log(run, MS_LOG_ERR, "cannot %s %s: %s: %s", what, run->opts->index_path,
                ms_index_status_string(status), ms_index_errmsg(run->idx));
    return MS_EXIT_RUNTIME;
}

/* The index of 'key' in the table '*items' ('*n' rows of 'size' bytes,
 * '*capacity' allocated) that 'map' indexes. A new row is zeroed but for
 * its first member, a char *, which is set to a copy of 'key'.
 * MS_STRMAP_NONE on OOM. */
static size_t
intern(void **items, size_t *n, size_t *capacity, size_t size, ms_strmap_t *map,
       const char *key)
{
    size_t i = ms_strmap_get(map, key);
    unsigned char *rows;
    char *copy;

    if (i != MS_STRMAP_NONE)
        return i;
    rows = ms_util_grow(*items, capacity, *n, size);
    if (!rows)
        return MS_STRMAP_NONE;
    *items = rows;
    copy = strdup(key);
    if (!copy || ms_strmap_put(map, copy, *n) != 0) {
        free(copy);
        return MS_STRMAP_NONE;
    }
    memset(rows + *n * size, 0, size);
    memcpy(rows + *n * size, &copy, sizeof(copy));
    return (*n)++;
}

size_t
ms_run__intern_id(ms_run_ctx_t *run, const char *id)
{
    void *rows = run->ids;
    size_t before = run->n_ids;
    size_t i = intern(&rows, &run->n_ids, &run->ids_capacity, sizeof(*run->ids),
                      run->id_map, id);

    run->ids = rows;
    if (run->n_ids > before) {
        run->ids[i].claimant = MS_STRMAP_NONE;
        run->ids[i].owner = MS_STRMAP_NONE;
    }
    return i;
}

size_t
ms_run__intern_file(ms_run_ctx_t *run, const char *path)
{
    void *rows = run->files;
    size_t i = intern(&rows, &run->n_files, &run->files_capacity, sizeof(*run->files),
                      run->file_map, path);

    run->files = rows;
    return i;
}

/* File 'f's pending entry, read again from the index, into *entry. An
 * exit status. */
static int
read_entry(ms_state_entry_t *entry, ms_run_ctx_t *run, size_t f)
{
    const ms_run_file_t *file = &run->files[f];
    char *key = ms_state_key(file->path), *value = NULL;
    ms_index_status_t status;
    int decoded = -1, rc = MS_EXIT_OK;

    memset(entry, 0, sizeof(*entry));
    if (!key)
        return ms_run__nomem(run);
    status = ms_index_metadata_get(&value, run->idx, key);
    if (status == MS_INDEX_OK)
        decoded = ms_state_decode(entry, value);
    if (status == MS_INDEX_NOMEM || decoded == -2) {
        rc = ms_run__nomem(run);
    } else if (status != MS_INDEX_OK && status != MS_INDEX_NOT_FOUND) {
        rc = ms_run__index_failed(run, "read the state of", status);
    } else if (decoded != 0 || strcmp(entry->path, file->path) != 0 ||
               strcmp(entry->fingerprint, file->entry_fp) != 0) {
        /* It decoded when the run began (ms_state_decode_head()): only a
         * change can make it differ, and a change is a defect of this run
         * (ms_run__own_file()). */
        ms_run__log(run, MS_LOG_ERR,
                    "%s: the state entry of %s/%s changed during the run",
                    run->opts->index_path, run->opts->archive, file->path);
        rc = MS_EXIT_RUNTIME;
    }
    if (rc != MS_EXIT_OK)
        ms_state_entry_clear(entry);
    ms_index_string_free(value);
    free(key);
    return rc;
}

int
ms_run__own_file(ms_run_ctx_t *run, size_t f)
{
    ms_run_file_t *file = &run->files[f];
    ms_state_entry_t entry;
    int rc;

    if (!file->entry_pending)
        return MS_EXIT_OK;
    if ((rc = read_entry(&entry, run, f)) != MS_EXIT_OK)
        return rc;
    file->entry_pending = false;
    for (size_t i = 0; i < entry.n_ids && rc == MS_EXIT_OK; i++) {
        size_t id = ms_run__intern_id(run, entry.ids[i]);
        if (id == MS_STRMAP_NONE) {
            rc = ms_run__nomem(run);
        } else if (run->ids[id].owner != MS_STRMAP_NONE) {
            /* Two entries cannot own one id unless the state was damaged;
             * the first keeps it, the other is rewritten without it. */
            if (ms_run__mark_dirty(run, f) != 0)
                rc = ms_run__nomem(run);
        } else {
            run->ids[id].owner = f;
            if (ms_run__list_add(&file->owned, id) != 0)
                rc = ms_run__nomem(run);
        }
    }
    ms_state_entry_clear(&entry);
    if (rc == MS_EXIT_OK && file->outcome == MS_RUN_UNCHANGED)
        ms_run__claim_owned(run, f);
    return rc;
}

int
ms_run__own_all(ms_run_ctx_t *run)
{
    int rc;

    if (run->all_owned)
        return MS_EXIT_OK;
    for (size_t f = 0; f < run->n_files; f++) {
        if ((rc = ms_run__own_file(run, f)) != MS_EXIT_OK)
            return rc;
    }
    run->all_owned = true;
    return MS_EXIT_OK;
}

int
ms_run__intern_given_id(ms_run_ctx_t *run, const char *id, size_t *out)
{
    ms_document_t *doc = NULL;
    int rc;

    if (!run->all_owned && ms_strmap_get(run->id_map, id) == MS_STRMAP_NONE) {
        /* Any answer but "no such document" counts as one: decoding every
         * entry is never wrong, only slower. */
        ms_index_status_t status = ms_index_get(&doc, run->idx, id);
        ms_document_free(doc);
        if (status != MS_INDEX_NOT_FOUND && (rc = ms_run__own_all(run)) != MS_EXIT_OK)
            return rc;
    }
    *out = ms_run__intern_id(run, id);
    return *out == MS_STRMAP_NONE ? ms_run__nomem(run) : MS_EXIT_OK;
}

int
ms_run__list_add(ms_run_id_list_t *list, size_t item)
{
    size_t *items = ms_util_grow(list->items, &list->capacity, list->n, sizeof(*items));

    if (!items)
        return -1;
    list->items = items;
    list->items[list->n++] = item;
    return 0;
}

void
ms_run__list_remove(ms_run_id_list_t *list, size_t item)
{
    for (size_t i = 0; i < list->n; i++) {
        if (list->items[i] == item) {
            list->items[i] = list->items[--list->n];
            return;
        }
    }
}

int
ms_run__mark_dirty(ms_run_ctx_t *run, size_t f)
{
    size_t *dirty;

    if (run->files[f].dirty)
        return 0;
    dirty = ms_util_grow(run->dirty, &run->dirty_capacity, run->n_dirty, sizeof(*dirty));
    if (!dirty)
        return -1;
    run->dirty = dirty;
    run->dirty[run->n_dirty++] = f;
    run->files[f].dirty = true;
    return 0;
}

void
ms_run__claim_owned(ms_run_ctx_t *run, size_t f)
{
    const ms_run_id_list_t *owned = &run->files[f].owned;

    for (size_t k = 0; k < owned->n; k++) {
        ms_run_id_t *id = &run->ids[owned->items[k]];
        if (id->claimant == MS_STRMAP_NONE)
            id->claimant = f;
    }
}

void
ms_run__conflict_reason(char *out, size_t size, const ms_run_ctx_t *run, const char *id,
                        size_t other)
{
    snprintf(out, size, "id '%s' is also used by %s/%s; neither file is indexed", id,
             run->opts->archive, run->files[other].path);
}
