/* run.c - one migsearch-index run: incremental update or full rebuild
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
 *      nothing, and clears what a killed rebuild left;
 *   2. reads the state entries and walks the archive;
 *   3. fingerprints each file (stat only): an unchanged file is skipped
 *      without being read, and its ids are "claimed" by it;
 *   4. deletes the documents of files that are gone;
 *   5. loads every new or changed file and puts its documents, deletes the
 *      ids it gave before but no longer does, and stores its new entry;
 *   6. deletes documents no entry owns (left by an older version);
 *   7. stores last_run and commits.
 *
 * Commits happen only between files, once archive.batch_size documents
 * are pending, so every commit holds whole files together with their
 * entries: a kill -9 leaves an index at a commit where documents and
 * entries agree, and a rerun finds the rest changed and completes it.
 *
 * Ids are claimed in a map (id -> file claiming it this run, file owning
 * it in the index). Two files claiming one id both fail, and neither keeps
 * a document in the index, even one indexed by an earlier run: the file
 * that claimed the id first has its documents deleted when the second
 * claims it. A failed file has no entry, so it is read again next run.
 * A rebuild is the same run into a new, empty generation, switched in at
 * the end (ms_index_generation_switch).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"
#include "ms_log.h"
#include "ms_synonyms.h"
#include "progress.h"
#include "run.h"
#include "shard.h"
#include "state.h"
#include "strmap.h"
#include "util.h"

/* An id, its claimant this run and its owner in the index. */
struct id_info {
    char *id;
    size_t claimant; /* file index, or MS_STRMAP_NONE */
    size_t owner;    /* file index, or MS_STRMAP_NONE */
};

/* A list of indices into run.ids. */
struct id_list {
    size_t *items;
    size_t n, capacity;
};

enum outcome { OUT_NONE, OUT_UNCHANGED, OUT_ADDED, OUT_UPDATED, OUT_DELETED, OUT_FAILED };

struct file {
    char *path;
    bool listed;    /* found by this walk */
    bool has_entry; /* had a state entry at the start */
    char *entry_fp; /* fingerprint stored in its entry now */
    char fp[MS_STATE_FINGERPRINT_SIZE];
    struct id_list owned;   /* ids whose document in the index it gave */
    struct id_list claimed; /* ids it gives this run */
    enum outcome outcome;
    char *reason; /* why it failed */
    bool dirty;   /* 'owned' changed: its entry must be rewritten */
    /* Parallel rebuilds, in the parent: the shard that indexed the file,
     * and whether it claims an id a file of another shard claims. */
    unsigned shard;
    bool conflict;
};

struct run {
    const ms_run_options_t *opts;
    ms_run_report_t *report;
    ms_index_t *idx;
    ms_progress_t *progress;
    uint64_t settings;
    struct timespec now;
    struct file *files;
    size_t n_files, files_capacity;
    ms_strmap_t *file_map; /* path -> index in files */
    struct id_info *ids;
    size_t n_ids, ids_capacity;
    ms_strmap_t *id_map; /* id -> index in ids */
    size_t *dirty;       /* files whose 'dirty' is set */
    size_t n_dirty, dirty_capacity;
    char **walk_failed; /* paths the walk could not read */
    size_t n_walk_failed, walk_failed_capacity;
    unsigned long pending; /* documents put or deleted since the last commit */
    bool nomem;
    /* A worker of a parallel rebuild: it tells the parent of each file done
     * through parent_fd, and erases the parent's progress bar before a
     * log line (the bar is on the same terminal). */
    bool to_parent, erase_bar;
    int parent_fd;
};

/* Loading one file. */
struct loading {
    struct run *run;
    size_t file;
    size_t partners[8]; /* files that claim one of its ids */
    size_t n_partners;
    char conflict_id[MS_ARCHIVE_ID_MAX + 1];
    char reason[512]; /* set when the file itself is at fault */
    bool fatal;       /* the index failed: stop the run */
};

static void log_line(struct run *run, ms_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
log_line(struct run *run, ms_log_level_t level, const char *fmt, ...)
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

static int
list_add(struct id_list *list, size_t item)
{
    size_t *items = ms_util_grow(list->items, &list->capacity, list->n, sizeof(*items));

    if (!items)
        return -1;
    list->items = items;
    list->items[list->n++] = item;
    return 0;
}

static void
list_remove(struct id_list *list, size_t item)
{
    for (size_t i = 0; i < list->n; i++) {
        if (list->items[i] == item) {
            list->items[i] = list->items[--list->n];
            return;
        }
    }
}

/* Note that the entry of file 'f' must be rewritten. -1 on OOM. */
static int
mark_dirty(struct run *run, size_t f)
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

/* The index of 'id' in run->ids, added if new; MS_STRMAP_NONE on OOM. */
static size_t
intern_id(struct run *run, const char *id)
{
    size_t i = ms_strmap_get(run->id_map, id);
    struct id_info *ids;

    if (i != MS_STRMAP_NONE)
        return i;
    ids = ms_util_grow(run->ids, &run->ids_capacity, run->n_ids, sizeof(*ids));
    if (!ids)
        return MS_STRMAP_NONE;
    run->ids = ids;
    i = run->n_ids;
    ids[i].id = strdup(id);
    ids[i].claimant = MS_STRMAP_NONE;
    ids[i].owner = MS_STRMAP_NONE;
    if (!ids[i].id || ms_strmap_put(run->id_map, ids[i].id, i) != 0) {
        free(ids[i].id);
        return MS_STRMAP_NONE;
    }
    run->n_ids++;
    return i;
}

/* The index of 'path' in run->files, added if new; MS_STRMAP_NONE on OOM. */
static size_t
intern_file(struct run *run, const char *path)
{
    size_t i = ms_strmap_get(run->file_map, path);
    struct file *files;

    if (i != MS_STRMAP_NONE)
        return i;
    files = ms_util_grow(run->files, &run->files_capacity, run->n_files, sizeof(*files));
    if (!files)
        return MS_STRMAP_NONE;
    run->files = files;
    i = run->n_files;
    memset(&files[i], 0, sizeof(files[i]));
    files[i].path = strdup(path);
    if (!files[i].path || ms_strmap_put(run->file_map, files[i].path, i) != 0) {
        free(files[i].path);
        return MS_STRMAP_NONE;
    }
    run->n_files++;
    return i;
}

static int
out_of_memory(struct run *run)
{
    log_line(run, MS_LOG_ERR, "out of memory");
    return MS_EXIT_RUNTIME;
}

static int
index_failed(struct run *run, const char *what, ms_index_status_t status)
{
    log_line(run, MS_LOG_ERR, "cannot %s %s: %s: %s", what, run->opts->index_path,
             ms_index_status_string(status), ms_index_errmsg(run->idx));
    return MS_EXIT_RUNTIME;
}

/* Commit if a batch is full (or 'force'). Returns an exit code. */
static int
maybe_commit(struct run *run, bool force)
{
    ms_index_status_t status;

    if (!force && run->pending < run->opts->batch_size)
        return MS_EXIT_OK;
    status = ms_index_commit(run->idx);
    if (status != MS_INDEX_OK)
        return index_failed(run, "commit to", status);
    run->pending = 0;
    return MS_EXIT_OK;
}

/* Delete the document 'id' (index into run->ids) from the index. */
static int
delete_document(struct run *run, size_t id)
{
    ms_index_status_t status = ms_index_delete(run->idx, run->ids[id].id);

    run->ids[id].owner = MS_STRMAP_NONE;
    if (status == MS_INDEX_NOT_FOUND)
        return MS_EXIT_OK;
    if (status != MS_INDEX_OK)
        return index_failed(run, "delete from", status);
    run->report->docs_deleted++;
    run->pending++;
    return MS_EXIT_OK;
}

/* Store the entry of file 'f' (its fingerprint and the ids it owns), or
 * remove it when 'keep' is false. */
static int
write_entry(struct run *run, size_t f, bool keep)
{
    struct file *file = &run->files[f];
    ms_state_entry_t entry = {0};
    char *key = ms_state_key(file->path), *value = NULL;
    ms_index_status_t status;
    int rc = MS_EXIT_OK;

    if (!key)
        return out_of_memory(run);
    if (keep) {
        entry.path = file->path;
        entry.fingerprint = file->entry_fp;
        entry.n_ids = file->owned.n;
        entry.ids = calloc(file->owned.n ? file->owned.n : 1, sizeof(*entry.ids));
        if (!entry.ids) {
            rc = out_of_memory(run);
            goto out;
        }
        for (size_t i = 0; i < file->owned.n; i++)
            entry.ids[i] = run->ids[file->owned.items[i]].id;
        value = ms_state_encode(&entry);
        if (!value) {
            rc = out_of_memory(run);
            goto out;
        }
    }
    status = ms_index_metadata_set(run->idx, key, value);
    if (status != MS_INDEX_OK)
        rc = index_failed(run, "write the state of a file to", status);
    file->dirty = false;

out:
    free(entry.ids);
    free(value);
    free(key);
    return rc;
}

static int
record_failure(struct run *run, const char *path, const char *reason)
{
    return ms_run_report_add_failure(run->report, path, reason);
}

/* File 'f' fails: it keeps nothing in the index and loses its entry, so
 * the next run reads it again. A file already failed keeps its first
 * reason. 'reason' is what the summary shows after the file's name;
 * 'log_text', if not NULL, is the whole log line (else it is made of the
 * file's name and 'reason'). 'release' gives up its claims (for a file
 * that could not be read: what it claims is unknown). */
static int
fail_file(struct run *run, size_t f, const char *reason, const char *log_text,
          bool release)
{
    struct file *file = &run->files[f];
    struct id_list *lists[2] = {&file->owned, &file->claimed};
    int rc;

    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->n; i++) {
            size_t id = lists[l]->items[i];
            if (run->ids[id].owner == f && (rc = delete_document(run, id)) != MS_EXIT_OK)
                return rc;
            if (release && run->ids[id].claimant == f)
                run->ids[id].claimant = MS_STRMAP_NONE;
        }
    }
    file->owned.n = 0;
    if (file->has_entry && (rc = write_entry(run, f, false)) != MS_EXIT_OK)
        return rc;
    file->has_entry = false;
    if (file->outcome == OUT_FAILED)
        return MS_EXIT_OK;
    file->outcome = OUT_FAILED;
    file->reason = strdup(reason);
    if (!file->reason)
        return out_of_memory(run);
    if (log_text)
        log_line(run, MS_LOG_WARN, "%s (file skipped)", log_text);
    else
        log_line(run, MS_LOG_WARN, "%s/%s: %s (file skipped)", run->opts->archive,
                 file->path, reason);
    return MS_EXIT_OK;
}

/* The view of 'doc' for ms_index_put() with the field "source": 'path',
 * the file relative to the archive root, which the server hands to nginx
 * for /doc/{id}/file (docs/index-schema.md, "Access"). A "source" that
 * staff wrote is left out, so the field always names the file. 'fields'
 * has room for doc->n_fields + 1 entries and must outlive 'out'. */
static void
view_with_source(ms_document_t *out, ms_field_t *fields, const ms_archive_doc_t *doc,
                 const char *path)
{
    size_t n = 0;

    ms_archive_doc_view(out, doc);
    for (size_t i = 0; i < out->n_fields; i++) {
        if (strcmp(out->fields[i].name, "source") != 0)
            fields[n++] = out->fields[i];
    }
    fields[n].name = "source";
    fields[n].value = path;
    out->fields = fields;
    out->n_fields = n + 1;
}

/* Each document of the file being loaded. */
static ms_archive_status_t
take_document(ms_archive_doc_t *doc, void *payload)
{
    struct loading *load = payload;
    struct run *run = load->run;
    struct file *file = &run->files[load->file];
    ms_archive_status_t rc = MS_ARCHIVE_OK;
    ms_document_t view;
    ms_field_t *fields = NULL;
    ms_index_status_t status;
    size_t id = intern_id(run, doc->id);

    if (id == MS_STRMAP_NONE) {
        run->nomem = true;
        rc = MS_ARCHIVE_NOMEM;
        goto out;
    }
    if (run->ids[id].claimant == load->file) {
        snprintf(load->reason, sizeof(load->reason), "id '%s' is used twice in the file",
                 doc->id);
        rc = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (run->ids[id].claimant != MS_STRMAP_NONE) {
        /* Go on reading, without writing, so that every id of the file is
         * claimed: a third file using any of them fails too. */
        size_t other = run->ids[id].claimant;
        bool known = false;
        for (size_t i = 0; i < load->n_partners; i++)
            known = known || load->partners[i] == other;
        if (!known &&
            load->n_partners < sizeof(load->partners) / sizeof(load->partners[0]))
            load->partners[load->n_partners++] = other;
        if (!load->conflict_id[0])
            snprintf(load->conflict_id, sizeof(load->conflict_id), "%s", doc->id);
        goto out;
    }
    run->ids[id].claimant = load->file;
    if (list_add(&file->claimed, id) != 0) {
        run->nomem = true;
        rc = MS_ARCHIVE_NOMEM;
        goto out;
    }
    if (load->n_partners > 0)
        goto out;

    fields = malloc((doc->n_fields + 1) * sizeof(*fields));
    if (!fields) {
        run->nomem = true;
        rc = MS_ARCHIVE_NOMEM;
        goto out;
    }
    view_with_source(&view, fields, doc, file->path);
    status = ms_index_put(run->idx, &view);
    if (status == MS_INDEX_BAD_QUERY) {
        snprintf(load->reason, sizeof(load->reason), "document '%s': %s", doc->id,
                 ms_index_errmsg(run->idx));
        rc = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (status != MS_INDEX_OK) {
        index_failed(run, "write to", status);
        load->fatal = true;
        rc = MS_ARCHIVE_IO;
        goto out;
    }
    run->report->docs_written++;
    run->pending++;
    /* The id moves to this file. Its old owner can only be a file not yet
     * read this run (an unchanged or already read file claims its ids, and
     * a second claim is a conflict, not a move). */
    size_t owner = run->ids[id].owner;
    if (owner != MS_STRMAP_NONE && owner != load->file) {
        list_remove(&run->files[owner].owned, id);
        if (mark_dirty(run, owner) != 0) {
            run->nomem = true;
            rc = MS_ARCHIVE_NOMEM;
        }
    }
    run->ids[id].owner = load->file;

out:
    free(fields);
    ms_archive_doc_free(doc);
    return rc;
}

static void
take_warning(const char *warning, void *payload)
{
    struct loading *load = payload;

    log_line(load->run, MS_LOG_WARN, "%s", warning);
    if (ms_run_report_add_warning(load->run->report, warning) != 0)
        load->run->nomem = true;
}

/* Rewrite the entries of files that lost ids to the file just read. */
static int
flush_dirty(struct run *run)
{
    int rc;

    for (size_t i = 0; i < run->n_dirty; i++) {
        size_t f = run->dirty[i];
        if (run->files[f].dirty && run->files[f].has_entry &&
            (rc = write_entry(run, f, true)) != MS_EXIT_OK)
            return rc;
        run->files[f].dirty = false;
    }
    run->n_dirty = 0;
    return MS_EXIT_OK;
}

/* Read file 'f' (new or changed) and bring the index up to date with it. */
static int
load_file(struct run *run, size_t f)
{
    struct file *file = &run->files[f];
    struct loading load = {.run = run, .file = f};
    ms_archive_error_t err;
    ms_archive_status_t status;
    struct stat st;
    char text[sizeof(err.file) + sizeof(err.text) + 32];
    char full[8192];
    int rc;

    snprintf(full, sizeof(full), "%s/%s", run->opts->archive, file->path);
    if (stat(full, &st) == 0)
        run->report->bytes_read += (unsigned long long)st.st_size;
    memset(&err, 0, sizeof(err));
    status =
        ms_archive_load_each(run->opts->archive, file->path, &run->opts->archive_options,
                             take_document, take_warning, &load, &err);
    if (load.fatal)
        return MS_EXIT_RUNTIME;
    if (run->nomem || status == MS_ARCHIVE_NOMEM)
        return out_of_memory(run);

    if (load.n_partners > 0) {
        char reason[1024];
        for (size_t i = 0; i < load.n_partners; i++) {
            size_t other = load.partners[i];
            snprintf(reason, sizeof(reason),
                     "id '%s' is also used by %s/%s; neither file is indexed",
                     load.conflict_id, run->opts->archive, file->path);
            if ((rc = fail_file(run, other, reason, NULL, false)) != MS_EXIT_OK)
                return rc;
        }
        snprintf(reason, sizeof(reason),
                 "id '%s' is also used by %s/%s; neither file is indexed",
                 load.conflict_id, run->opts->archive, run->files[load.partners[0]].path);
        rc = fail_file(run, f, reason, NULL, false);
    } else if (status != MS_ARCHIVE_OK) {
        /* Whatever was put before the failure goes again (the archive
         * contract: nothing of a failed file is indexed). */
        if (load.reason[0]) {
            rc = fail_file(run, f, load.reason, NULL, true);
        } else {
            char reason[sizeof(err.file) + sizeof(err.text) + 64];
            ms_archive_error_format(&err, text, sizeof(text));
            if (strcmp(err.file, full) != 0)
                snprintf(reason, sizeof(reason), "%s", text); /* another file's fault */
            else if (err.line)
                snprintf(reason, sizeof(reason), "line %u, column %u: %s", err.line,
                         err.column, err.text);
            else
                snprintf(reason, sizeof(reason), "%s", err.text);
            rc = fail_file(run, f, reason, text, true);
        }
    } else {
        /* Ids it gave before and gives no more. */
        for (size_t i = 0; i < file->owned.n; i++) {
            size_t id = file->owned.items[i];
            if (run->ids[id].owner == f && run->ids[id].claimant != f &&
                (rc = delete_document(run, id)) != MS_EXIT_OK)
                return rc;
        }
        file->owned.n = 0;
        for (size_t i = 0; i < file->claimed.n; i++) {
            if (run->ids[file->claimed.items[i]].owner == f &&
                list_add(&file->owned, file->claimed.items[i]) != 0)
                return out_of_memory(run);
        }
        file->outcome = file->has_entry ? OUT_UPDATED : OUT_ADDED;
        free(file->entry_fp);
        file->entry_fp = strdup(file->fp);
        if (!file->entry_fp)
            return out_of_memory(run);
        file->has_entry = true;
        rc = write_entry(run, f, true);
    }
    if (rc == MS_EXIT_OK)
        rc = flush_dirty(run);
    return rc;
}

static int
take_entry(const char *key, const char *value, void *payload)
{
    struct run *run = payload;
    ms_state_entry_t entry;
    char *expected;
    size_t f;
    int decoded = ms_state_decode(&entry, value);

    (void)key;
    if (decoded == -2) {
        run->nomem = true;
        return 1;
    }
    if (decoded != 0)
        return 0; /* unreadable: its documents go as orphans */
    /* A hashed key whose entry is for another path is a collision; the
     * newer file wins the key, the other file is read again. */
    expected = ms_state_key(entry.path);
    if (!expected || strcmp(expected, key) != 0) {
        run->nomem = run->nomem || !expected;
        free(expected);
        ms_state_entry_clear(&entry);
        return run->nomem;
    }
    free(expected);
    f = intern_file(run, entry.path);
    if (f == MS_STRMAP_NONE)
        goto nomem;
    run->files[f].has_entry = true;
    run->files[f].entry_fp = entry.fingerprint;
    entry.fingerprint = NULL;
    for (size_t i = 0; i < entry.n_ids; i++) {
        size_t id = intern_id(run, entry.ids[i]);
        if (id == MS_STRMAP_NONE)
            goto nomem;
        /* Two entries cannot own one id unless the state was damaged;
         * the first keeps it, the other is rewritten without it. */
        if (run->ids[id].owner != MS_STRMAP_NONE) {
            if (mark_dirty(run, f) != 0)
                goto nomem;
            continue;
        }
        run->ids[id].owner = f;
        if (list_add(&run->files[f].owned, id) != 0)
            goto nomem;
    }
    ms_state_entry_clear(&entry);
    return 0;

nomem:
    ms_state_entry_clear(&entry);
    run->nomem = true;
    return 1;
}

static void
walk_problem(const char *path, const char *reason, bool failed, void *payload)
{
    struct run *run = payload;
    char **list;

    log_line(run, MS_LOG_WARN, "%s/%s: %s", run->opts->archive, path, reason);
    if (!failed)
        return;
    if (record_failure(run, path, reason) != 0) {
        run->nomem = true;
        return;
    }
    run->report->failed++;
    list = ms_util_grow(run->walk_failed, &run->walk_failed_capacity, run->n_walk_failed,
                        sizeof(*list));
    if (!list || !(list[run->n_walk_failed] = strdup(path))) {
        if (list)
            run->walk_failed = list;
        run->nomem = true;
        return;
    }
    run->walk_failed = list;
    run->n_walk_failed++;
}

/* True if 'path' is, or is below, something the walk could not read: what
 * the index has of it stays as it is. */
static bool
walk_failed_on(const struct run *run, const char *path)
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

struct orphans {
    struct run *run;
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
    if (!ids || !(ids[o->n] = strdup(id))) {
        if (ids)
            o->ids = ids;
        o->run->nomem = true;
        return 1;
    }
    o->ids = ids;
    o->n++;
    return 0;
}

/* Delete documents that no file owns: left by a version without state, or
 * by a damaged entry. */
static int
delete_orphans(struct run *run)
{
    struct orphans o = {.run = run};
    ms_index_status_t status = ms_index_each_id(run->idx, take_orphan, &o);
    int rc = MS_EXIT_OK;

    if (status != MS_INDEX_OK)
        rc = index_failed(run, "read the ids of", status);
    else if (run->nomem)
        rc = out_of_memory(run);
    for (size_t i = 0; i < o.n; i++) {
        if (rc == MS_EXIT_OK) {
            status = ms_index_delete(run->idx, o.ids[i]);
            if (status == MS_INDEX_OK) {
                run->report->docs_deleted++;
                run->pending++;
            } else if (status != MS_INDEX_NOT_FOUND) {
                rc = index_failed(run, "delete from", status);
            }
        }
        free(o.ids[i]);
    }
    free(o.ids);
    return rc;
}

/* Give the index the settings that are not per document. */
static int
apply_settings(struct run *run)
{
    ms_synonyms_t *synonyms = NULL;
    ms_synonyms_error_t err;
    ms_index_status_t status = ms_index_set_spelling(run->idx, run->opts->spelling);
    int rc = MS_EXIT_OK;

    if (status != MS_INDEX_OK)
        return index_failed(run, "set spelling on", status);
    if (!run->opts->synonyms_path)
        return MS_EXIT_OK;
    switch (ms_synonyms_load(&synonyms, run->opts->synonyms_path, &err)) {
    case MS_SYNONYMS_OK:
        status = ms_index_set_synonyms(run->idx, synonyms->groups, synonyms->n_groups);
        break;
    case MS_SYNONYMS_NOT_FOUND:
        status = ms_index_set_synonyms(run->idx, NULL, 0);
        break;
    case MS_SYNONYMS_NOMEM:
        return out_of_memory(run);
    default:
        /* Keep the synonyms the index has; documents are not at stake. */
        if (err.line)
            log_line(run, MS_LOG_WARN, "%s:%u:%u: %s (synonyms unchanged)", err.file,
                     err.line, err.column, err.text);
        else
            log_line(run, MS_LOG_WARN, "%s: %s (synonyms unchanged)", err.file, err.text);
        return MS_EXIT_OK;
    }
    if (status == MS_INDEX_BAD_QUERY)
        log_line(run, MS_LOG_WARN, "%s: %s (synonyms unchanged)",
                 run->opts->synonyms_path, ms_index_errmsg(run->idx));
    else if (status != MS_INDEX_OK)
        rc = index_failed(run, "write the synonyms to", status);
    ms_synonyms_free(synonyms);
    return rc;
}

/* Walk the archive folder into *out, recording what cannot be read. */
static int
walk_archive(struct run *run, ms_archive_listing_t **out)
{
    *out = NULL;
    switch (ms_archive_walk(out, run->opts->archive, walk_problem, run)) {
    case MS_ARCHIVE_OK:
        break;
    case MS_ARCHIVE_NOMEM:
        return out_of_memory(run);
    default:
        log_line(run, MS_LOG_ERR, "cannot read the archive folder %s: %s",
                 run->opts->archive, strerror(errno));
        return MS_EXIT_RUNTIME;
    }
    if (run->nomem) {
        ms_archive_listing_free(*out);
        *out = NULL;
        return out_of_memory(run);
    }
    return MS_EXIT_OK;
}

/* A file of the listing is done: tell the progress bar, or the parent
 * that draws it (one byte a file through the pipe). */
static void
file_done(struct run *run, size_t done)
{
    if (run->to_parent) {
        char byte = 1;
        while (write(run->parent_fd, &byte, 1) < 0 && errno == EINTR)
            ;
    }
    ms_progress_update(run->progress, done, NULL);
}

static int index_listing(struct run *run, const ms_archive_listing_t *listing,
                         const unsigned *shard_of, unsigned shard);

/* Steps 2 to 7 of the header comment, on the open writer run->idx.
 * 'given', if not NULL, is the walk already made (borrowed). */
static int
update(struct run *run, const ms_archive_listing_t *given)
{
    ms_archive_listing_t *listing = NULL;
    ms_index_status_t status;
    int rc;

    if ((rc = apply_settings(run)) != MS_EXIT_OK)
        return rc;
    status = ms_index_metadata_each(run->idx, MS_STATE_PREFIX_PATH, take_entry, run);
    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(run->idx, MS_STATE_PREFIX_HASH, take_entry, run);
    if (status != MS_INDEX_OK)
        return index_failed(run, "read the state of", status);
    if (run->nomem)
        return out_of_memory(run);

    if (!given) {
        if ((rc = walk_archive(run, &listing)) != MS_EXIT_OK)
            return rc;
        given = listing;
    }
    run->report->files = given->n_entries;
    run->progress = ms_progress_new(run->opts->progress, given->n_entries);
    rc = index_listing(run, given, NULL, 0);
    ms_archive_listing_free(listing);
    return rc;
}

/* Steps 3 to 6 for the files of 'listing' in shard 'shard' of 'shard_of'
 * (every file when 'shard_of' is NULL). */
static int
index_listing(struct run *run, const ms_archive_listing_t *listing,
              const unsigned *shard_of, unsigned shard)
{
    const ms_run_options_t *opts = run->opts;
    ms_index_status_t status;
    ms_index_info_t info;
    int rc;
    size_t done = 0;

    /* Fingerprints first: the claims of unchanged files must be known
     * before any changed file is read. */
    clock_gettime(CLOCK_REALTIME, &run->now);
    size_t *order = calloc(listing->n_entries ? listing->n_entries : 1, sizeof(*order));
    if (!order)
        return out_of_memory(run);
    for (size_t i = 0; i < listing->n_entries; i++) {
        order[i] = MS_STRMAP_NONE;
        if (shard_of && shard_of[i] != shard)
            continue;
        size_t f = intern_file(run, listing->entries[i].path);
        if (f == MS_STRMAP_NONE) {
            rc = out_of_memory(run);
            goto out_order;
        }
        order[i] = f;
        struct file *file = &run->files[f];
        bool racy;
        file->listed = true;
        int got = ms_state_fingerprint(file->fp, &racy, opts->archive, file->path,
                                       run->settings, &run->now);
        if (got == -2) {
            rc = out_of_memory(run);
            goto out_order;
        }
        if (got == -1) {
            file->fp[0] = '\0'; /* vanished since the walk: read it and fail */
            continue;
        }
        /* A fingerprint stored as racy ('~') is never trusted. */
        size_t stored = file->has_entry ? strlen(file->entry_fp) : 0;
        if (stored > 0 && file->entry_fp[stored - 1] != '~' &&
            strcmp(file->entry_fp, file->fp) == 0) {
            file->outcome = OUT_UNCHANGED;
            for (size_t k = 0; k < file->owned.n; k++) {
                size_t id = file->owned.items[k];
                if (run->ids[id].claimant == MS_STRMAP_NONE)
                    run->ids[id].claimant = f;
            }
        }
    }

    /* Files gone from the folder. */
    for (size_t f = 0; f < run->n_files; f++) {
        struct file *file = &run->files[f];
        if (file->listed || !file->has_entry)
            continue;
        if (walk_failed_on(run, file->path)) {
            file->outcome = OUT_UNCHANGED;
            for (size_t k = 0; k < file->owned.n; k++) {
                size_t id = file->owned.items[k];
                if (run->ids[id].claimant == MS_STRMAP_NONE)
                    run->ids[id].claimant = f;
            }
            continue;
        }
        for (size_t k = 0; k < file->owned.n; k++) {
            if (run->ids[file->owned.items[k]].owner == f &&
                (rc = delete_document(run, file->owned.items[k])) != MS_EXIT_OK)
                goto out_order;
        }
        file->owned.n = 0;
        file->outcome = OUT_DELETED;
        log_line(run, MS_LOG_DEBUG, "%s/%s: gone; its documents were deleted",
                 opts->archive, file->path);
        if ((rc = write_entry(run, f, false)) != MS_EXIT_OK ||
            (rc = maybe_commit(run, false)) != MS_EXIT_OK)
            goto out_order;
        file->has_entry = false;
    }

    /* New and changed files, in walk order. */
    for (size_t i = 0; i < listing->n_entries; i++) {
        size_t f = order[i];
        if (f == MS_STRMAP_NONE)
            continue;
        ms_progress_update(run->progress, done, run->files[f].path);
        if (run->files[f].outcome == OUT_NONE) {
            if ((rc = load_file(run, f)) != MS_EXIT_OK ||
                (rc = maybe_commit(run, false)) != MS_EXIT_OK)
                goto out_order;
        }
        file_done(run, ++done);
    }
    ms_progress_update(run->progress, done, NULL);
    ms_progress_clear(run->progress);

    if ((rc = delete_orphans(run)) != MS_EXIT_OK)
        goto out_order;
    status = ms_index_info(&info, run->idx);
    if (status != MS_INDEX_OK) {
        rc = index_failed(run, "read", status);
        goto out_order;
    }
    run->report->doc_count = info.doc_count;
    rc = MS_EXIT_OK;

out_order:
    free(order);
    return rc;
}

/* Sum up the outcomes into the report and the failure list. */
static int
tally(struct run *run)
{
    ms_run_report_t *r = run->report;

    for (size_t f = 0; f < run->n_files; f++) {
        struct file *file = &run->files[f];
        switch (file->outcome) {
        case OUT_UNCHANGED:
            r->unchanged += file->listed;
            break;
        case OUT_ADDED:
            r->added++;
            break;
        case OUT_UPDATED:
            r->updated++;
            break;
        case OUT_DELETED:
            r->deleted++;
            break;
        case OUT_FAILED:
            r->failed++;
            if (record_failure(run, file->path, file->reason ? file->reason : "failed") !=
                0)
                return -1;
            break;
        case OUT_NONE:
            break;
        }
    }
    return 0;
}

/* Store last_run and commit the end of the run. */
static int
finish(struct run *run, int rc)
{
    json_t *json;
    char *text;
    ms_index_status_t status;

    clock_gettime(CLOCK_REALTIME, &run->report->finished);
    json = ms_run_report_json(run->report, rc, 100);
    text = json ? json_dumps(json, JSON_COMPACT) : NULL;
    json_decref(json);
    if (!text)
        return out_of_memory(run);
    status = ms_index_metadata_set(run->idx, MS_STATE_LAST_RUN, text);
    free(text);
    if (status != MS_INDEX_OK)
        return index_failed(run, "write last_run to", status);
    return maybe_commit(run, true);
}

/* Open a writer on 'path'; on failure log it and return an exit code. */
static int
open_writer(ms_index_t **out, const char *path)
{
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(out, path, MS_INDEX_WRITE, &err);

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

/* Create an empty generation and make it live: the first run. */
static int
create_index(const char *path)
{
    ms_index_error_t err;
    ms_index_t *idx = NULL;
    char *generation = NULL;
    int rc;

    if (ms_index_generation_new(&generation, path, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", path, err.text);
        return MS_EXIT_RUNTIME;
    }
    rc = open_writer(&idx, generation);
    if (rc == MS_EXIT_OK && ms_index_commit(idx) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", generation,
               ms_index_errmsg(idx));
        rc = MS_EXIT_RUNTIME;
    }
    ms_index_close(idx);
    if (rc == MS_EXIT_OK &&
        ms_index_generation_switch(path, generation, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", path, err.text);
        rc = MS_EXIT_RUNTIME;
    }
    ms_index_string_free(generation);
    return rc;
}

static void
free_run(struct run *run)
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

/* --- parallel rebuilds (index.jobs > 1) ---
 *
 * The parent walks the archive once and splits the files over 'jobs'
 * shards of similar byte totals (ms_shard_partition). One forked worker
 * per shard runs steps 3 to 5 over its files into its own database, the
 * same code as a single writer, and leaves its counts, failures, warnings
 * and claimed ids in a result file (shard.c). The databases live in
 * "<generation>/.shards", so whatever a killed run leaves there goes with
 * the unfinished generation at the next run's prune.
 *
 * Two files in one shard that claim one id are handled by the worker as
 * in a single run. Two files in different shards are found by the parent
 * from the claims: both fail, and the documents and entry of either one
 * that its worker indexed are deleted from its shard before the merge,
 * so that each shard still holds each id once and the spelling
 * dictionary loses exactly the words of the deleted documents. Unlike a
 * single writer, both files' documents then count as written (and
 * deleted). The merge (ms_index_merge) writes the shards into the new
 * generation; the parent then applies the synonyms and stores last_run in
 * the merged index.
 *
 * Workers are processes, not threads: the extractor forks a sandboxed
 * child per file and expects a single-threaded process. A worker dies
 * with the parent (PR_SET_PDEATHSIG), and shares the parent's lock
 * (flock belongs to the open file, which fork shares), so no second
 * indexer can start while one of them still runs. */

/* A worker: index the files of 'shard' into the new database 'db' and
 * leave the result in 'result'. Returns the worker's exit status. */
static int
run_worker(struct run *run, const ms_archive_listing_t *listing, const unsigned *shard_of,
           unsigned shard, const char *db, const char *result, int progress_fd)
{
    ms_run_report_t report = {0};
    ms_shard_claim_t *claims = NULL;
    size_t n_claims = 0, claims_capacity = 0;
    ms_index_status_t status;
    int rc;

    /* The parent's report (walk failures) is the parent's to tell. */
    run->report = &report;
    run->progress = NULL;
    run->to_parent = progress_fd >= 0;
    run->parent_fd = progress_fd;
    run->erase_bar = run->opts->progress;
    rc = open_writer(&run->idx, db);
    if (rc != MS_EXIT_OK)
        goto out;
    status = ms_index_set_spelling(run->idx, run->opts->spelling);
    if (status != MS_INDEX_OK) {
        rc = index_failed(run, "set spelling on", status);
        goto out;
    }
    if ((rc = index_listing(run, listing, shard_of, shard)) != MS_EXIT_OK)
        goto out;
    if (tally(run) != 0) {
        rc = out_of_memory(run);
        goto out;
    }
    if ((rc = maybe_commit(run, true)) != MS_EXIT_OK)
        goto out;
    for (size_t f = 0; f < run->n_files; f++) {
        struct file *file = &run->files[f];
        for (size_t i = 0; i < file->claimed.n; i++) {
            struct id_info *id = &run->ids[file->claimed.items[i]];
            if (id->claimant != f)
                continue;
            claims = ms_util_grow(claims, &claims_capacity, n_claims, sizeof(*claims));
            if (!claims) {
                rc = out_of_memory(run);
                goto out;
            }
            claims[n_claims].file = file->path;
            claims[n_claims].id = id->id;
            n_claims++;
        }
    }
    if (ms_shard_result_write(result, &report, claims, n_claims) != 0) {
        log_line(run, MS_LOG_ERR, "cannot write %s: %s", result, strerror(errno));
        rc = MS_EXIT_RUNTIME;
    }
out:
    /* No cleanup: the process ends here, and its database is closed
     * without a commit. */
    ms_index_close(run->idx);
    run->idx = NULL;
    return rc == MS_EXIT_OK ? 0 : 1;
}

/* Start the workers; pids[k] is that of shard k's. Returns an exit code;
 * on failure the workers already started are in pids (others 0). */
static int
start_workers(pid_t *pids, struct run *run, const ms_archive_listing_t *listing,
              const unsigned *shard_of, unsigned jobs, char *const *dbs,
              char *const *results, const int *progress_pipe)
{
    pid_t parent = getpid();

    /* What is buffered would be written again by every child. */
    fflush(stdout);
    fflush(stderr);
    for (unsigned k = 0; k < jobs; k++) {
        pid_t pid = fork();
        if (pid < 0) {
            log_line(run, MS_LOG_ERR, "cannot start a rebuild worker: %s",
                     strerror(errno));
            return MS_EXIT_RUNTIME;
        }
        if (pid == 0) {
            int code = 1;
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() == parent) {
                if (progress_pipe[0] >= 0)
                    close(progress_pipe[0]);
                code = run_worker(run, listing, shard_of, k, dbs[k], results[k],
                                  progress_pipe[1]);
            }
            fflush(stderr);
            _exit(code);
        }
        pids[k] = pid;
    }
    return MS_EXIT_OK;
}

/* Wait for every worker, drawing the progress bar from the bytes they send
 * (one a file). The first worker that fails makes the others stop.
 * Returns an exit code. */
static int
wait_workers(struct run *run, pid_t *pids, unsigned jobs, int progress_fd, size_t total)
{
    unsigned running = 0;
    size_t done = 0;
    int rc = MS_EXIT_OK;

    for (unsigned k = 0; k < jobs; k++)
        running += pids[k] > 0;
    run->progress = ms_progress_new(run->opts->progress, total);
    while (running > 0) {
        struct pollfd pfd = {.fd = progress_fd, .events = POLLIN};
        char buf[4096];
        int status;
        pid_t pid;

        if (progress_fd >= 0 && poll(&pfd, 1, 200) > 0) {
            ssize_t n = read(progress_fd, buf, sizeof(buf));
            if (n > 0) {
                done += (size_t)n;
                ms_progress_update(run->progress, done, NULL);
            } else if (n == 0) {
                progress_fd = -1; /* every worker closed it: they are ending */
            }
        } else if (progress_fd < 0) {
            /* Sleep in waitpid below for the first worker to end. */
        }
        pid = waitpid(-1, &status, progress_fd >= 0 ? WNOHANG : 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            continue;
        for (unsigned k = 0; k < jobs; k++) {
            if (pids[k] != pid)
                continue;
            pids[k] = 0;
            running--;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                break;
            if (rc == MS_EXIT_OK) {
                ms_progress_clear(run->progress);
                if (WIFSIGNALED(status))
                    log_line(run, MS_LOG_ERR,
                             "rebuild worker %u of %u killed by signal %d", k + 1, jobs,
                             WTERMSIG(status));
                else
                    log_line(run, MS_LOG_ERR, "rebuild worker %u of %u failed (exit %d)",
                             k + 1, jobs, WEXITSTATUS(status));
                rc = MS_EXIT_RUNTIME;
                for (unsigned other = 0; other < jobs; other++) {
                    if (pids[other] > 0)
                        kill(pids[other], SIGKILL);
                }
            }
            break;
        }
    }
    ms_progress_update(run->progress, done, NULL);
    ms_progress_clear(run->progress);
    return rc;
}

/* Note the claims of shard 'shard' in run->files and run->ids (files
 * listed, their shard, and the ids they claim); a claim of an id that a
 * file of another shard claimed first makes both files conflicted. */
static int
take_claims(struct run *run, const ms_shard_result_t *result, unsigned shard)
{
    for (size_t i = 0; i < result->n_claims; i++) {
        size_t f = intern_file(run, result->claims[i].file);
        size_t id = f == MS_STRMAP_NONE ? f : intern_id(run, result->claims[i].id);
        if (id == MS_STRMAP_NONE || list_add(&run->files[f].claimed, id) != 0)
            return out_of_memory(run);
        run->files[f].shard = shard;
        size_t other = run->ids[id].claimant;
        if (other == MS_STRMAP_NONE) {
            run->ids[id].claimant = f;
            continue;
        }
        if (run->files[other].shard == shard)
            continue; /* cannot happen: the worker kept one claimant */
        size_t pair[2] = {f, other};
        for (size_t j = 0; j < 2; j++) {
            struct file *file = &run->files[pair[j]];
            char reason[1024];
            if (file->conflict || file->outcome == OUT_FAILED)
                continue;
            snprintf(reason, sizeof(reason),
                     "id '%s' is also used by %s/%s; neither file is indexed",
                     run->ids[id].id, run->opts->archive, run->files[pair[1 - j]].path);
            file->conflict = true;
            free(file->reason);
            file->reason = strdup(reason);
            if (!file->reason)
                return out_of_memory(run);
        }
    }
    return MS_EXIT_OK;
}

/* Take the documents and entries of the conflicted files of shard 'shard'
 * out of its database 'db', and count them as failed. */
static int
drop_conflicts(struct run *run, unsigned shard, const char *db)
{
    ms_run_report_t *r = run->report;
    ms_index_status_t status = MS_INDEX_OK;
    int rc = MS_EXIT_OK;
    bool any = false;

    for (size_t f = 0; f < run->n_files && !any; f++)
        any = run->files[f].conflict && run->files[f].shard == shard;
    if (!any)
        return MS_EXIT_OK;
    if ((rc = open_writer(&run->idx, db)) != MS_EXIT_OK)
        return rc;
    status = ms_index_set_spelling(run->idx, run->opts->spelling);
    for (size_t f = 0; status == MS_INDEX_OK && f < run->n_files; f++) {
        struct file *file = &run->files[f];
        if (!file->conflict || file->shard != shard)
            continue;
        for (size_t i = 0; status == MS_INDEX_OK && i < file->claimed.n; i++) {
            status = ms_index_delete(run->idx, run->ids[file->claimed.items[i]].id);
            if (status == MS_INDEX_OK)
                r->docs_deleted++;
            else if (status == MS_INDEX_NOT_FOUND)
                status = MS_INDEX_OK;
        }
        char *key = ms_state_key(file->path);
        if (!key) {
            rc = out_of_memory(run);
            goto out;
        }
        if (status == MS_INDEX_OK)
            status = ms_index_metadata_set(run->idx, key, NULL);
        free(key);
        if (status != MS_INDEX_OK)
            break;
        file->outcome = OUT_FAILED;
        r->added--;
        r->failed++;
        if (record_failure(run, file->path, file->reason) != 0) {
            rc = out_of_memory(run);
            goto out;
        }
        log_line(run, MS_LOG_WARN, "%s/%s: %s (file skipped)", run->opts->archive,
                 file->path, file->reason);
    }
    if (status == MS_INDEX_OK)
        status = ms_index_commit(run->idx);
    if (status != MS_INDEX_OK)
        rc = index_failed(run, "drop conflicting files from a shard of", status);
out:
    ms_index_close(run->idx);
    run->idx = NULL;
    return rc;
}

/* Add a worker's result to the report. */
static int
take_result(struct run *run, const ms_shard_result_t *result)
{
    ms_run_report_t *r = run->report;
    const ms_run_report_t *w = &result->report;

    r->added += w->added;
    r->failed += w->failed;
    r->docs_written += w->docs_written;
    r->docs_deleted += w->docs_deleted;
    r->bytes_read += w->bytes_read;
    for (size_t i = 0; i < w->n_failures; i++) {
        size_t f = intern_file(run, w->failures[i].file);
        if (f == MS_STRMAP_NONE ||
            record_failure(run, w->failures[i].file, w->failures[i].reason) != 0)
            return out_of_memory(run);
        run->files[f].outcome = OUT_FAILED;
    }
    for (size_t i = 0; i < w->n_warnings; i++) {
        if (ms_run_report_add_warning(r, w->warnings[i]) != 0)
            return out_of_memory(run);
    }
    return MS_EXIT_OK;
}

/* The rebuild into 'generation' with 'jobs' workers over 'listing', up to
 * and including last_run and the last commit. Returns an exit code; on a
 * failure the caller prunes the generation. */
static int
rebuild_parallel(struct run *run, const char *generation,
                 const ms_archive_listing_t *listing, unsigned jobs,
                 const struct timespec *start)
{
    const ms_run_options_t *opts = run->opts;
    size_t n = listing->n_entries;
    unsigned long long *sizes = calloc(n ? n : 1, sizeof(*sizes));
    unsigned *shard_of = calloc(n ? n : 1, sizeof(*shard_of));
    pid_t *pids = calloc(jobs, sizeof(*pids));
    char **dbs = calloc(jobs, sizeof(*dbs)), **results = calloc(jobs, sizeof(*results));
    ms_shard_result_t *got = calloc(jobs, sizeof(*got));
    char *shards = ms_util_path_join(generation, ".shards");
    int progress_pipe[2] = {-1, -1};
    ms_index_error_t err;
    ms_index_status_t status;
    ms_index_info_t info;
    struct timespec end;
    int rc = MS_EXIT_OK;

    if (!sizes || !shard_of || !pids || !dbs || !results || !got || !shards) {
        rc = out_of_memory(run);
        goto out;
    }
    run->report->files = n;
    for (size_t i = 0; i < n; i++)
        sizes[i] = listing->entries[i].size > 0
                       ? (unsigned long long)listing->entries[i].size
                       : 0;
    if (ms_shard_partition(shard_of, sizes, n, jobs) != 0) {
        rc = out_of_memory(run);
        goto out;
    }
    for (unsigned k = 0; k < jobs; k++) {
        char name[32];
        snprintf(name, sizeof(name), "%u", k);
        dbs[k] = ms_util_path_join(shards, name);
        snprintf(name, sizeof(name), "%u.result", k);
        results[k] = ms_util_path_join(shards, name);
        if (!dbs[k] || !results[k]) {
            rc = out_of_memory(run);
            goto out;
        }
    }
    if ((mkdir(generation, 0755) != 0 && errno != EEXIST) || mkdir(shards, 0755) != 0) {
        log_line(run, MS_LOG_ERR, "cannot create %s: %s", shards, strerror(errno));
        rc = MS_EXIT_RUNTIME;
        goto out;
    }
    if (opts->progress && pipe(progress_pipe) != 0)
        progress_pipe[0] = progress_pipe[1] = -1; /* no bar, then */
    /* Not for the extractor's sandboxed children. */
    for (int i = 0; i < 2; i++) {
        if (progress_pipe[i] >= 0)
            (void)fcntl(progress_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    log_line(run, MS_LOG_DEBUG, "rebuilding with %u workers", jobs);

    rc = start_workers(pids, run, listing, shard_of, jobs, dbs, results, progress_pipe);
    if (progress_pipe[1] >= 0) {
        close(progress_pipe[1]);
        progress_pipe[1] = -1;
    }
    if (rc != MS_EXIT_OK) {
        for (unsigned k = 0; k < jobs; k++) {
            if (pids[k] > 0)
                kill(pids[k], SIGKILL);
        }
    }
    {
        int waited =
            wait_workers(run, pids, jobs, rc == MS_EXIT_OK ? progress_pipe[0] : -1, n);
        if (rc == MS_EXIT_OK)
            rc = waited;
    }
    if (rc != MS_EXIT_OK)
        goto out;

    for (unsigned k = 0; k < jobs; k++) {
        int loaded = ms_shard_result_read(&got[k], results[k]);
        if (loaded == -2) {
            rc = out_of_memory(run);
            goto out;
        }
        if (loaded != 0) {
            log_line(run, MS_LOG_ERR, "cannot read the result of rebuild worker %u: %s",
                     k + 1, results[k]);
            rc = MS_EXIT_RUNTIME;
            goto out;
        }
        if ((rc = take_result(run, &got[k])) != MS_EXIT_OK)
            goto out;
    }
    for (unsigned k = 0; k < jobs; k++) {
        if ((rc = take_claims(run, &got[k], k)) != MS_EXIT_OK)
            goto out;
    }
    for (unsigned k = 0; k < jobs; k++) {
        if ((rc = drop_conflicts(run, k, dbs[k])) != MS_EXIT_OK)
            goto out;
    }

    status = ms_index_merge(generation, (const char *const *)dbs, jobs, &err);
    if (status != MS_INDEX_OK) {
        log_line(run, MS_LOG_ERR, "cannot merge the rebuild of %s: %s: %s",
                 opts->index_path, ms_index_status_string(status), err.text);
        rc = MS_EXIT_RUNTIME;
        goto out;
    }
    if (ms_shard_remove_tree(shards) != 0) {
        log_line(run, MS_LOG_ERR, "cannot remove %s: %s", shards, strerror(errno));
        rc = MS_EXIT_RUNTIME;
        goto out;
    }
    if ((rc = open_writer(&run->idx, generation)) != MS_EXIT_OK ||
        (rc = apply_settings(run)) != MS_EXIT_OK)
        goto out;
    status = ms_index_info(&info, run->idx);
    if (status != MS_INDEX_OK) {
        rc = index_failed(run, "read", status);
        goto out;
    }
    run->report->doc_count = info.doc_count;
    rc = run->report->failed > 0 ? MS_EXIT_PARTIAL : MS_EXIT_OK;
    clock_gettime(CLOCK_MONOTONIC, &end);
    run->report->elapsed = ms_util_seconds_between(start, &end);
    {
        int done = finish(run, rc);
        if (done != MS_EXIT_OK)
            rc = done;
    }

out:
    ms_index_close(run->idx);
    run->idx = NULL;
    if (shards && ms_shard_remove_tree(shards) != 0)
        log_line(run, MS_LOG_WARN, "cannot remove %s: %s", shards, strerror(errno));
    for (int i = 0; i < 2; i++) {
        if (progress_pipe[i] >= 0)
            close(progress_pipe[i]);
    }
    for (unsigned k = 0; got && k < jobs; k++)
        ms_shard_result_clear(&got[k]);
    for (unsigned k = 0; dbs && results && k < jobs; k++) {
        free(dbs[k]);
        free(results[k]);
    }
    free(got);
    free(dbs);
    free(results);
    free(pids);
    free(shard_of);
    free(sizes);
    free(shards);
    return rc;
}

int
ms_run(ms_run_report_t *report, const ms_run_options_t *opts)
{
    struct run run = {.opts = opts, .report = report};
    struct timespec start;
    ms_index_error_t err;
    char *generation = NULL;
    ms_archive_listing_t *listing = NULL;
    unsigned jobs = 1;
    struct stat st;
    int lock_fd, rc = MS_EXIT_OK;

    memset(report, 0, sizeof(*report));
    report->mode = opts->rebuild ? "rebuild" : "update";
    clock_gettime(CLOCK_REALTIME, &report->started);
    clock_gettime(CLOCK_MONOTONIC, &start);
    run.settings =
        ms_state_settings_hash(opts->archive_options.default_language, opts->spelling);

    lock_fd = ms_run_lock_take(opts->index_path, &rc);
    if (lock_fd < 0)
        return rc;
    run.file_map = ms_strmap_new();
    run.id_map = ms_strmap_new();
    if (!run.file_map || !run.id_map) {
        rc = out_of_memory(&run);
        goto out;
    }
    /* What a killed rebuild left is garbage now that the lock is ours. */
    if (ms_index_generation_prune(opts->index_path, &err) != MS_INDEX_OK)
        ms_log(MS_LOG_WARN, "cannot clean up beside %s: %s", opts->index_path, err.text);

    if (opts->rebuild) {
        if (ms_index_generation_new(&generation, opts->index_path, &err) != MS_INDEX_OK) {
            ms_log(MS_LOG_ERR, "cannot create a new generation of %s: %s",
                   opts->index_path, err.text);
            rc = MS_EXIT_RUNTIME;
            goto out;
        }
        /* A parallel rebuild splits the walk; one writer walks as it
         * always has. */
        if (opts->jobs > 1 && (rc = walk_archive(&run, &listing)) != MS_EXIT_OK)
            goto out;
        if (listing)
            jobs = listing->n_entries < opts->jobs ? (unsigned)listing->n_entries
                                                   : opts->jobs;
        if (jobs <= 1)
            rc = open_writer(&run.idx, generation);
    } else {
        /* No index yet: make an empty one live first, then fill it like
         * any update, so that a killed first run is resumed, not redone. */
        if (lstat(opts->index_path, &st) != 0 && errno == ENOENT)
            rc = create_index(opts->index_path);
        if (rc == MS_EXIT_OK)
            rc = open_writer(&run.idx, opts->index_path);
    }
    if (rc != MS_EXIT_OK)
        goto out;

    if (jobs > 1) {
        rc = rebuild_parallel(&run, generation, listing, jobs, &start);
    } else {
        rc = update(&run, listing);
        if (rc == MS_EXIT_OK && tally(&run) != 0)
            rc = out_of_memory(&run);
        if (rc == MS_EXIT_OK && report->failed > 0)
            rc = MS_EXIT_PARTIAL;
    }
    if (jobs <= 1 && (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL)) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        report->elapsed = ms_util_seconds_between(&start, &end);
        int done = finish(&run, rc);
        if (done != MS_EXIT_OK)
            rc = done;
    }
    ms_index_close(run.idx);
    run.idx = NULL;

    if (opts->rebuild) {
        if (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL) {
            if (ms_index_generation_switch(opts->index_path, generation, &err) !=
                MS_INDEX_OK) {
                ms_log(MS_LOG_ERR, "cannot switch %s to the new index: %s",
                       opts->index_path, err.text);
                rc = MS_EXIT_RUNTIME;
            }
        }
        /* A failed rebuild leaves the live index as it was. */
        if (rc != MS_EXIT_OK && rc != MS_EXIT_PARTIAL &&
            ms_index_generation_prune(opts->index_path, &err) != MS_INDEX_OK)
            ms_log(MS_LOG_WARN, "cannot clean up beside %s: %s", opts->index_path,
                   err.text);
    }

out : {
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    report->elapsed = ms_util_seconds_between(&start, &end);
    clock_gettime(CLOCK_REALTIME, &report->finished);
}
    ms_index_close(run.idx);
    ms_index_string_free(generation);
    ms_archive_listing_free(listing);
    free_run(&run);
    close(lock_fd);
    return rc;
}
