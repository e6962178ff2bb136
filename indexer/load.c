/* load.c - reading one new or changed archive file into the index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The archive library hands the file's documents over one by one
 * (ms_archive_load_each). Each claims its id (claims.c) and is put at
 * once, so a large JSON lines file never sits in memory whole. When an
 * id turns out to be claimed by another file, the rest of the file is
 * still read, without writing, so that every id it gives is claimed and
 * a third file using any of them fails too; then both files fail.
 *
 * A document is bounded before it is put: its text is cut at
 * archive.max_document_text (a warning names the file), and a document
 * with more metadata than MAX_FIELD_VALUES values or MAX_FIELD_BYTES bytes
 * fails its file, so no record or term list can make a request cost
 * gigabytes. Whatever goes wrong while one document is stored fails that
 * file only (named, exit 3, the rest of the batch committed); only a
 * failure of the index itself (I/O, disk full, the lock) ends the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load.h"
#include "ms_schema.h"
#include "ms_utf8.h"
#include "util.h"
#include "writer.h"

/* The most metadata one document may carry: values, and bytes of them.
 * A recommendation with every country and status is a few hundred. */
#define MAX_FIELD_VALUES 10000
#define MAX_FIELD_BYTES (1024 * 1024)

/* Loading one file. */
struct loading {
    ms_run_ctx_t *run;
    size_t file;
    size_t partners[8]; /* files that claim one of its ids */
    size_t n_partners;
    char conflict_id[MS_SCHEMA_ID_MAX + 1];
    char reason[512]; /* set when the file itself is at fault */
    size_t n_put;     /* documents of the file put so far */
    bool fatal;       /* the run must stop (the failure was logged) */
};

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

static ms_archive_status_t
loading_nomem(struct loading *load)
{
    load->run->nomem = true;
    return MS_ARCHIVE_NOMEM;
}

static void take_warning(const char *warning, void *payload);

/* Keep 'doc' within the bounds above: its text cut (said), its metadata
 * refused when over them (load->reason). */
static ms_archive_status_t
bound_document(struct loading *load, ms_archive_doc_t *doc)
{
    size_t cap = load->run->opts->archive_options.max_document_text;
    size_t length = strlen(doc->body), bytes = 0;
    char warning[512];

    for (size_t i = 0; i < doc->n_fields; i++)
        bytes += strlen(doc->fields[i].value);
    if (doc->n_fields > MAX_FIELD_VALUES || bytes > MAX_FIELD_BYTES) {
        snprintf(load->reason, sizeof(load->reason),
                 "document '%s': %zu metadata values of %zu bytes, over the limit of %d "
                 "values and %d bytes",
                 doc->id, doc->n_fields, bytes, MAX_FIELD_VALUES, MAX_FIELD_BYTES);
        return MS_ARCHIVE_INVALID;
    }
    if (cap > 0 && length > cap) {
        doc->body[ms_utf8_cut(doc->body, length, cap)] = '\0';
        snprintf(warning, sizeof(warning),
                 "%s: document '%s': text of %zu bytes cut to archive.max_document_text "
                 "(%zu)",
                 load->run->files[load->file].path, doc->id, length, cap);
        take_warning(warning, load);
    }
    return MS_ARCHIVE_OK;
}

/* The file being loaded claims 'id' (an index into run->ids), named
 * 'text'. *put tells whether its document goes into the index: not when
 * another file claims the id, nor once the file is known to conflict. */
static ms_archive_status_t
claim(struct loading *load, size_t id, const char *text, bool *put)
{
    ms_run_ctx_t *run = load->run;
    size_t other = run->ids[id].claimant;
    bool known = false;

    *put = false;
    if (other == load->file) {
        snprintf(load->reason, sizeof(load->reason), "id '%s' is used twice in the file",
                 text);
        return MS_ARCHIVE_INVALID;
    }
    if (other != MS_STRMAP_NONE) {
        for (size_t i = 0; i < load->n_partners; i++)
            known = known || load->partners[i] == other;
        if (!known &&
            load->n_partners < sizeof(load->partners) / sizeof(load->partners[0]))
            load->partners[load->n_partners++] = other;
        if (!load->conflict_id[0])
            snprintf(load->conflict_id, sizeof(load->conflict_id), "%s", text);
        return MS_ARCHIVE_OK;
    }
    run->ids[id].claimant = load->file;
    if (ms_run__list_add(&run->files[load->file].claimed, id) != 0)
        return loading_nomem(load);
    *put = load->n_partners == 0;
    return MS_ARCHIVE_OK;
}

/* Put 'doc', whose id is 'id' (an index into run->ids), into the index. */
static ms_archive_status_t
put_document(struct loading *load, size_t id, const ms_archive_doc_t *doc)
{
    ms_run_ctx_t *run = load->run;
    ms_field_t *fields = malloc((doc->n_fields + 1) * sizeof(*fields));
    ms_document_t view;
    ms_index_status_t status;
    size_t owner = run->ids[id].owner;

    if (!fields)
        return loading_nomem(load);
    view_with_source(&view, fields, doc, run->files[load->file].path);
    status = ms_index_put(run->idx, &view);
    free(fields);
    if (status == MS_INDEX_IO || status == MS_INDEX_LOCKED ||
        status == MS_INDEX_MODIFIED) {
        /* The index itself failed: nothing else can be written either. */
        ms_run__index_failed(run, "write to", status);
        load->fatal = true;
        return MS_ARCHIVE_IO;
    }
    if (status != MS_INDEX_OK) {
        /* This document could not be stored (an invalid field, a Xapian
         * limit, memory for it): its file fails, named, alone. */
        snprintf(load->reason, sizeof(load->reason), "document '%s' cannot be stored: %s",
                 doc->id, ms_index_errmsg(run->idx));
        return MS_ARCHIVE_INVALID;
    }
    run->report->docs_written++;
    run->pending++;
    load->n_put++;
    /* The id moves to this file. Its old owner can only be a file not yet
     * read this run (an unchanged or already read file claims its ids, and
     * a second claim is a conflict, not a move). */
    run->ids[id].owner = load->file;
    if (owner != MS_STRMAP_NONE && owner != load->file) {
        ms_run__list_remove(&run->files[owner].owned, id);
        if (ms_run__mark_dirty(run, owner) != 0)
            return loading_nomem(load);
    }
    return MS_ARCHIVE_OK;
}

/* Each document of the file being loaded. */
static ms_archive_status_t
take_document(ms_archive_doc_t *doc, void *payload)
{
    struct loading *load = payload;
    size_t id;
    ms_archive_status_t rc;
    bool put = false;

    if (ms_run__intern_given_id(load->run, doc->id, &id) != MS_EXIT_OK) {
        load->fatal = true; /* said */
        rc = MS_ARCHIVE_IO;
    } else {
        rc = claim(load, id, doc->id, &put);
    }
    if (rc == MS_ARCHIVE_OK && put)
        rc = bound_document(load, doc);
    if (rc == MS_ARCHIVE_OK && put)
        rc = put_document(load, id, doc);
    ms_archive_doc_free(doc);
    return rc;
}

static void
take_warning(const char *warning, void *payload)
{
    struct loading *load = payload;

    ms_run__log(load->run, MS_LOG_WARN, "%s", warning);
    if (ms_run_report_add_warning(load->run->report, warning) != 0)
        load->run->nomem = true;
}

/* Rewrite the entries of files that lost ids to the file just read. */
static int
flush_dirty(ms_run_ctx_t *run)
{
    int rc;

    for (size_t i = 0; i < run->n_dirty; i++) {
        size_t f = run->dirty[i];
        if (run->files[f].dirty && run->files[f].has_entry &&
            (rc = ms_run__write_entry(run, f, true)) != MS_EXIT_OK)
            return rc;
        run->files[f].dirty = false;
    }
    run->n_dirty = 0;
    return MS_EXIT_OK;
}

/* The file loaded and the files it shares ids with all fail. */
static int
fail_partners(ms_run_ctx_t *run, const struct loading *load)
{
    char reason[1024];
    int rc;

    for (size_t i = 0; i < load->n_partners; i++) {
        ms_run__conflict_reason(reason, sizeof(reason), run, load->conflict_id,
                                load->file);
        if ((rc = ms_run__fail_file(run, load->partners[i], reason, NULL, false)) !=
            MS_EXIT_OK)
            return rc;
    }
    ms_run__conflict_reason(reason, sizeof(reason), run, load->conflict_id,
                            load->partners[0]);
    return ms_run__fail_file(run, load->file, reason, NULL, false);
}

/* The file loaded could not be read (the archive's 'err', for the file
 * at 'full'), or is at fault itself (load->reason). Whatever was put
 * before the failure goes again (the archive contract: nothing of a
 * failed file is indexed). A file indexed before whose new version is
 * refused for its content ('status' MS_ARCHIVE_INVALID: a typo in a
 * recommendation set, its front matter, a sidecar or a _defaults.yaml)
 * keeps its last good version instead, so that a typo does not take a
 * meeting off the portal. */
static int
fail_unreadable(ms_run_ctx_t *run, const struct loading *load, ms_archive_status_t status,
                const ms_archive_error_t *err, const char *full)
{
    const ms_run_file_t *file = &run->files[load->file];
    bool keep = status == MS_ARCHIVE_INVALID && file->has_entry && file->owned.n > 0 &&
                load->n_put == 0;
    char text[sizeof(err->file) + sizeof(err->text) + 32];
    char reason[sizeof(err->file) + sizeof(err->text) + 64];

    if (load->reason[0])
        return ms_run__fail_file(run, load->file, load->reason, NULL, true);
    ms_file_error_format(err, text, sizeof(text));
    if (strcmp(err->file, full) != 0)
        snprintf(reason, sizeof(reason), "%s", text); /* another file's fault */
    else if (err->line)
        snprintf(reason, sizeof(reason), "line %u, column %u: %s", err->line, err->column,
                 err->text);
    else
        snprintf(reason, sizeof(reason), "%s", err->text);
    if (keep)
        return ms_run__keep_file(run, load->file, reason, text);
    return ms_run__fail_file(run, load->file, reason, text, true);
}

/* File 'f' was read whole: it owns what it claimed, gives up the ids it
 * gave before and gives no more, and its entry is stored. */
static int
keep_loaded(ms_run_ctx_t *run, size_t f)
{
    ms_run_file_t *file = &run->files[f];
    int rc;

    for (size_t i = 0; i < file->owned.n; i++) {
        size_t id = file->owned.items[i];
        if (run->ids[id].owner == f && run->ids[id].claimant != f &&
            (rc = ms_run__delete_document(run, id)) != MS_EXIT_OK)
            return rc;
    }
    file->owned.n = 0;
    for (size_t i = 0; i < file->claimed.n; i++) {
        if (run->ids[file->claimed.items[i]].owner == f &&
            ms_run__list_add(&file->owned, file->claimed.items[i]) != 0)
            return ms_run__nomem(run);
    }
    file->outcome = file->has_entry ? MS_RUN_UPDATED : MS_RUN_ADDED;
    free(file->entry_fp);
    file->entry_fp = strdup(file->fp);
    if (!file->entry_fp)
        return ms_run__nomem(run);
    file->has_entry = true;
    return ms_run__write_entry(run, f, true);
}

int
ms_run__load_file(ms_run_ctx_t *run, size_t f)
{
    const ms_run_options_t *opts = run->opts;
    struct loading load = {.run = run, .file = f};
    char *full = ms_util_path_join(opts->archive, run->files[f].path);
    ms_archive_error_t err;
    ms_archive_status_t status;
    struct stat st;
    int rc;

    if (!full)
        return ms_run__nomem(run);
    if (!ms_utf8_valid(run->files[f].path, strlen(run->files[f].path), NULL)) {
        char warning[1024];
        snprintf(
            warning, sizeof(warning),
            "%s: the file name is not UTF-8 (its bytes are shown as \\xNN); its "
            "documents are indexed, an id derived from it has ~XX for each such byte; "
            "rename the file",
            run->files[f].path);
        take_warning(warning, &load);
    }
    if (stat(full, &st) == 0)
        run->report->bytes_read += (unsigned long long)st.st_size;
    memset(&err, 0, sizeof(err));
    status =
        ms_archive_load_each(opts->archive, run->files[f].path, &opts->archive_options,
                             take_document, take_warning, &load, &err);
    if (load.fatal)
        rc = MS_EXIT_RUNTIME;
    else if (run->nomem || status == MS_ARCHIVE_NOMEM)
        rc = ms_run__nomem(run);
    else if (load.n_partners > 0)
        rc = fail_partners(run, &load);
    else if (status != MS_ARCHIVE_OK)
        rc = fail_unreadable(run, &load, status, &err, full);
    else
        rc = keep_loaded(run, f);
    if (rc == MS_EXIT_OK)
        rc = flush_dirty(run);
    free(full);
    return rc;
}
