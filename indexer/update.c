/* update.c - one pass over the archive into an open writer: the update
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The index remembers, per archive file, a fingerprint and the ids of the
 * documents the file gave (state entries, state.c), as metadata written in
 * the same transaction as the documents. A run:
 *
 *   1. takes "<index>.lock" with flock(LOCK_EX | LOCK_NB) for its whole
 *      length, so a second indexer stops at once (exit 4) having changed
 *      nothing, and clears what a killed rebuild left (run.c, lock.c);
 *   2. reads the state entries (checked and their ids counted; a file's
 *      ids are decoded only once it is read or gone, claims.c) and walks
 *      the archive;
 *   3. fingerprints each file (stat only): an unchanged file is skipped
 *      without being read, and its ids are "claimed" by it (claims.c);
 *   4. deletes the documents of files that are gone;
 *   5. loads every new or changed file and puts its documents, deletes the
 *      ids it gave before but no longer does, and stores its new entry
 *      (load.c);
 *   6. deletes documents no entry owns (left by an older version), if the
 *      entries' ids do not add up to the index's document count;
 *   7. stores last_run and commits (writer.c, which also has when the
 *      commits in between happen).
 *
 * Steps 2 to 7 are here. A rebuild is the same run into a new, empty
 * generation, switched in at the end (rebuild.c); a parallel rebuild runs
 * steps 3 to 5 in each worker (workers.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "update.h"
#include "util.h"
#include "writer.h"

/* The file of 'entry' has an entry with 'n_ids' ids, which it owns; they
 * are interned when needed (claims.c), from the entry read again then:
 * keeping a copy of every entry cost half of an update of one document
 * at 1M (docs/performance.md). -1 on OOM. */
static int
own_entry(ms_run_ctx_t *run, ms_state_entry_t *entry, size_t n_ids)
{
    size_t f = ms_run__intern_file(run, entry->path);

    if (f == MS_STRMAP_NONE)
        return -1;
    run->files[f].has_entry = true;
    run->files[f].entry_fp = entry->fingerprint;
    entry->fingerprint = NULL;
    run->files[f].entry_ids = n_ids;
    run->files[f].entry_pending = true;
    return 0;
}

/* Each state entry of the index (step 2). */
static int
take_entry(const char *key, const char *value, void *payload)
{
    ms_run_ctx_t *run = payload;
    ms_state_entry_t entry;
    char *expected;
    size_t n_ids;
    int decoded = ms_state_decode_head(&entry, &n_ids, value);

    if (decoded != 0) {
        if (decoded == -2)
            run->nomem = true;
        return decoded == -2; /* unreadable: its documents go as orphans */
    }
    /* A hashed key whose entry is for another path is a collision; the
     * newer file wins the key, the other file is read again. */
    expected = ms_state_key(entry.path);
    if (!expected || (strcmp(expected, key) == 0 && own_entry(run, &entry, n_ids) != 0))
        run->nomem = true;
    free(expected);
    ms_state_entry_clear(&entry);
    return run->nomem;
}

static void
walk_problem(const char *path, const char *reason, bool failed, void *payload)
{
    ms_run_ctx_t *run = payload;
    char **list;

    ms_run__log(run, MS_LOG_WARN, "%s/%s: %s", run->opts->archive, path, reason);
    if (!failed) {
        /* Skipped on purpose (a link leading outside the archive): in the
         * report too, where the cron mail's reader looks. */
        char text[1024];
        snprintf(text, sizeof(text), "%s: %s", path, reason);
        if (ms_run_report_add_warning(run->report, text) != 0)
            run->nomem = true;
        return;
    }
    if (ms_run_report_add_failure(run->report, path, reason) != 0) {
        run->nomem = true;
        return;
    }
    run->report->failed++;
    list = ms_util_grow(run->walk_failed, &run->walk_failed_capacity, run->n_walk_failed,
                        sizeof(*list));
    if (list)
        run->walk_failed = list;
    if (!list || !(list[run->n_walk_failed] = strdup(path))) {
        run->nomem = true;
        return;
    }
    run->n_walk_failed++;
}

/* True if 'path' is, or is below, something the walk could not read: what
 * the index has of it stays as it is. */
static bool
walk_failed_on(const ms_run_ctx_t *run, const char *path)
{
    for (size_t i = 0; i < run->n_walk_failed; i++) {
        const char *bad = run->walk_failed[i];
        size_t len = strlen(bad);
        if (strcmp(bad, ".") == 0 || strcmp(bad, path) == 0 ||
            (strncmp(bad, path, len) == 0 && path[len] == '/'))
            return true;
    }
    return false;
}

int
ms_run__walk(ms_archive_listing_t **out, ms_run_ctx_t *run)
{
    *out = NULL;
    switch (ms_archive_walk(out, run->opts->archive, walk_problem, run)) {
    case MS_ARCHIVE_OK:
        break;
    case MS_ARCHIVE_NOMEM:
        return ms_run__nomem(run);
    default:
        ms_run__log(run, MS_LOG_ERR, "cannot read the archive folder %s: %s",
                    run->opts->archive, strerror(errno));
        return MS_EXIT_RUNTIME;
    }
    if (run->nomem) {
        ms_archive_listing_free(*out);
        *out = NULL;
        return ms_run__nomem(run);
    }
    return MS_EXIT_OK;
}

struct orphans {
    ms_run_ctx_t *run;
    char **ids;
    size_t n, capacity;
};

static int
take_orphan(const char *id, void *payload)
{
    struct orphans *o = payload;
    size_t i = ms_strmap_get(o->run->id_map, id);
    char **ids;

    if (i != MS_STRMAP_NONE && o->run->ids[i].owner != MS_STRMAP_NONE)
        return 0;
    ids = ms_util_grow(o->ids, &o->capacity, o->n, sizeof(*ids));
    if (ids)
        o->ids = ids;
    if (!ids || !(ids[o->n] = strdup(id))) {
        o->run->nomem = true;
        return 1;
    }
    o->n++;
    return 0;
}

/* The ids the state entries account for: those of the entries not
 * decoded, and those each other file owns. */
static unsigned long
accounted_ids(const ms_run_ctx_t *run)
{
    unsigned long n = 0;

    for (size_t f = 0; f < run->n_files; f++) {
        const ms_run_file_t *file = &run->files[f];
        if (file->entry_pending) {
            n += file->entry_ids;
            continue;
        }
        for (size_t k = 0; k < file->owned.n; k++)
            n += run->ids[file->owned.items[k]].owner == f;
    }
    return n;
}

/* Whether the entries account for every document of the index (as many
 * ids as it has documents), into *adds_up. An exit status. */
static int
entries_add_up(ms_run_ctx_t *run, bool *adds_up)
{
    ms_index_info_t info;
    ms_index_status_t status = ms_index_info(&info, run->idx);

    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "read", status);
    *adds_up = info.doc_count == accounted_ids(run);
    return MS_EXIT_OK;
}

/* Delete documents that no file owns (step 6): left by a version without
 * state, or by a damaged entry. Listing every id of the index grows with
 * the index, so it is done only when the entries do not account for
 * every document: when the index holds as many documents as the entries
 * list ids, each document is taken to have its entry (an entry listing an
 * id without a document and an orphan in the same index would hide each
 * other; update() already decoded every entry if the state did not add
 * up when the run began). */
static int
delete_orphans(ms_run_ctx_t *run)
{
    struct orphans o = {.run = run};
    ms_index_status_t status;
    bool adds_up = false;
    int rc = run->all_owned ? MS_EXIT_OK : entries_add_up(run, &adds_up);

    if (rc != MS_EXIT_OK || adds_up || (rc = ms_run__own_all(run)) != MS_EXIT_OK)
        return rc;
    status = ms_index_each_id(run->idx, take_orphan, &o);
    if (status != MS_INDEX_OK)
        rc = ms_run__index_failed(run, "read the ids of", status);
    else if (run->nomem)
        rc = ms_run__nomem(run);
    for (size_t i = 0; i < o.n; i++) {
        if (rc == MS_EXIT_OK) {
            status = ms_index_delete(run->idx, o.ids[i]);
            if (status == MS_INDEX_OK) {
                run->report->docs_deleted++;
                run->pending++;
            } else if (status != MS_INDEX_NOT_FOUND) {
                rc = ms_run__index_failed(run, "delete from", status);
            }
        }
        free(o.ids[i]);
    }
    free(o.ids);
    return rc;
}

/* Fingerprint file 'f' (step 3); if it is unchanged, it claims its ids.
 * Returns an exit code. */
static int
fingerprint(ms_run_ctx_t *run, size_t f)
{
    ms_run_file_t *file = &run->files[f];
    bool racy;
    int got = ms_state_fingerprint(file->fp, &racy, run->opts->archive, file->path,
                                   run->settings, &run->now);
    size_t stored = file->has_entry ? strlen(file->entry_fp) : 0;

    file->listed = true;
    if (got == -2)
        return ms_run__nomem(run);
    if (got == -1) {
        file->fp[0] = '\0'; /* vanished since the walk: read it and fail */
    } else if (stored > 0 && file->entry_fp[stored - 1] != '~' &&
               strcmp(file->entry_fp, file->fp) == 0) {
        /* A fingerprint stored as racy ('~') is never trusted. */
        file->outcome = MS_RUN_UNCHANGED;
        ms_run__claim_owned(run, f);
        return MS_EXIT_OK;
    }
    /* To be read: the ids it owned must be known. */
    return ms_run__own_file(run, f);
}

/* Intern and fingerprint the files of 'listing' in shard 'shard' of
 * 'shard_of' (all if NULL); order[i] is the file of listing entry i, or
 * MS_STRMAP_NONE for a file of another shard. Fingerprints come first:
 * the claims of unchanged files must be known before any changed file is
 * read. */
static int
fingerprint_listing(ms_run_ctx_t *run, size_t *order, const ms_archive_listing_t *listing,
                    const unsigned *shard_of, unsigned shard)
{
    int rc = MS_EXIT_OK;

    clock_gettime(CLOCK_REALTIME, &run->now);
    for (size_t i = 0; i < listing->n_entries; i++) {
        order[i] = MS_STRMAP_NONE;
        if (shard_of && shard_of[i] != shard)
            continue;
        order[i] = ms_run__intern_file(run, listing->entries[i].path);
        if (order[i] == MS_STRMAP_NONE)
            return ms_run__nomem(run);
        if ((rc = fingerprint(run, order[i])) != MS_EXIT_OK)
            return rc;
    }
    return rc;
}

/* Delete the documents and entries of files gone from the folder (step 4);
 * a file below what the walk could not read is kept as it is. */
static int
delete_gone(ms_run_ctx_t *run)
{
    int rc;

    for (size_t f = 0; f < run->n_files; f++) {
        ms_run_file_t *file = &run->files[f];
        if (file->listed || !file->has_entry)
            continue;
        if (walk_failed_on(run, file->path)) {
            file->outcome = MS_RUN_UNCHANGED;
            ms_run__claim_owned(run, f);
            continue;
        }
        if ((rc = ms_run__own_file(run, f)) != MS_EXIT_OK)
            return rc;
        for (size_t k = 0; k < file->owned.n; k++) {
            if (run->ids[file->owned.items[k]].owner == f &&
                (rc = ms_run__delete_document(run, file->owned.items[k])) != MS_EXIT_OK)
                return rc;
        }
        file->owned.n = 0;
        file->outcome = MS_RUN_DELETED;
        ms_run__log(run, MS_LOG_DEBUG, "%s/%s: gone; its documents were deleted",
                    run->opts->archive, file->path);
        if ((rc = ms_run__write_entry(run, f, false)) != MS_EXIT_OK ||
            (rc = ms_run__commit(run, false)) != MS_EXIT_OK)
            return rc;
        file->has_entry = false;
    }
    return MS_EXIT_OK;
}

/* Load the new and changed files, in walk order (step 5). */
static int
load_listing(ms_run_ctx_t *run, const size_t *order, size_t n)
{
    size_t done = 0;
    int rc;

    for (size_t i = 0; i < n; i++) {
        size_t f = order[i];
        if (f == MS_STRMAP_NONE)
            continue;
        ms_progress_update(run->progress, done, run->files[f].path);
        if (run->files[f].outcome == MS_RUN_NONE &&
            ((rc = ms_run__load_file(run, f)) != MS_EXIT_OK ||
             (rc = ms_run__commit(run, false)) != MS_EXIT_OK))
            return rc;
        done++;
        /* Tell the parent that draws the bar: one byte a file. */
        if (run->to_parent) {
            char byte = 1;
            while (write(run->parent_fd, &byte, 1) < 0 && errno == EINTR)
                ;
        }
        ms_progress_update(run->progress, done, NULL);
    }
    ms_progress_update(run->progress, done, NULL);
    ms_progress_clear(run->progress);
    return MS_EXIT_OK;
}

int
ms_run__index_listing(ms_run_ctx_t *run, const ms_archive_listing_t *listing,
                      const unsigned *shard_of, unsigned shard)
{
    size_t n = listing->n_entries;
    size_t *order = calloc(n ? n : 1, sizeof(*order));
    ms_index_info_t info;
    ms_index_status_t status;
    int rc;

    if (!order)
        return ms_run__nomem(run);
    if ((rc = fingerprint_listing(run, order, listing, shard_of, shard)) != MS_EXIT_OK ||
        (rc = delete_gone(run)) != MS_EXIT_OK ||
        (rc = load_listing(run, order, n)) != MS_EXIT_OK ||
        (rc = delete_orphans(run)) != MS_EXIT_OK)
        goto out;
    status = ms_index_info(&info, run->idx);
    if (status != MS_INDEX_OK) {
        rc = ms_run__index_failed(run, "read", status);
        goto out;
    }
    run->report->doc_count = info.doc_count;

out:
    free(order);
    return rc;
}

int
ms_run__tally(ms_run_ctx_t *run)
{
    ms_run_report_t *r = run->report;
    /* The count of each outcome; an unchanged file counts if listed. */
    unsigned long *count_of[] = {
        [MS_RUN_ADDED] = &r->added,     [MS_RUN_UPDATED] = &r->updated,
        [MS_RUN_DELETED] = &r->deleted, [MS_RUN_FAILED] = &r->failed,
        [MS_RUN_KEPT] = &r->kept,
    };

    for (size_t f = 0; f < run->n_files; f++) {
        const ms_run_file_t *file = &run->files[f];
        if (file->outcome == MS_RUN_UNCHANGED)
            r->unchanged += file->listed;
        else if (count_of[file->outcome])
            (*count_of[file->outcome])++;
        if (file->outcome == MS_RUN_FAILED &&
            ms_run_report_add_failure(r, file->path,
                                      file->reason ? file->reason : "failed"))
            return -1;
        if (file->outcome == MS_RUN_KEPT) {
            r->failed++; /* a kept file failed too; the exit status says so */
            if (ms_run_report_add_kept(r, file->path, file->reason))
                return -1;
        }
    }
    return 0;
}

/* Decode every entry now, as an index whose entries may be damaged
 * needs (two entries listing one id: the first keeps it), unless the
 * entries list exactly as many ids as the index has documents. */
static int
own_if_damaged(ms_run_ctx_t *run)
{
    bool adds_up;
    int rc = entries_add_up(run, &adds_up);

    if (rc == MS_EXIT_OK && !adds_up)
        rc = ms_run__own_all(run);
    return rc;
}

/* Steps 2 to 6. */
static int
update(ms_run_ctx_t *run, const ms_archive_listing_t *given)
{
    ms_archive_listing_t *listing = NULL;
    ms_index_status_t status;
    int rc;

    if ((rc = ms_run__apply_settings(run, false)) != MS_EXIT_OK)
        return rc;
    status = ms_index_metadata_each(run->idx, MS_STATE_PREFIX_PATH, take_entry, run);
    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(run->idx, MS_STATE_PREFIX_HASH, take_entry, run);
    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "read the state of", status);
    if (run->nomem)
        return ms_run__nomem(run);
    if ((rc = own_if_damaged(run)) != MS_EXIT_OK)
        return rc;
    if (!given) {
        if ((rc = ms_run__walk(&listing, run)) != MS_EXIT_OK)
            return rc;
        given = listing;
    }
    run->report->files = given->n_entries;
    run->progress = ms_progress_new(run->opts->progress, given->n_entries);
    rc = ms_run__index_listing(run, given, NULL, 0);
    ms_archive_listing_free(listing);
    return rc;
}

int
ms_run__update(ms_run_ctx_t *run, const ms_archive_listing_t *given)
{
    int rc = update(run, given);

    if (rc == MS_EXIT_OK && ms_run__tally(run) != 0)
        rc = ms_run__nomem(run);
    if (rc == MS_EXIT_OK && run->report->failed > 0)
        rc = MS_EXIT_PARTIAL;
    if (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL)
        rc = ms_run__store_last_run(run, rc);
    ms_run__take_profile(run);
    ms_index_close(run->idx);
    run->idx = NULL;
    return rc;
}
