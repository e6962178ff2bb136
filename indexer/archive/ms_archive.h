/* ms_archive.h - archive files as documents: the model, the formats, the walker
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The public header of the ms_archive library, for migsearch-index: turn
 * one archive file into documents with all its metadata
 * (ms_archive_load, ms_archive_load_each), list the files of an archive
 * folder (ms_archive_walk), and say which metadata files a file depends
 * on. Nothing in the library logs or touches the index, so the unit tests
 * can drive it directly; migsearch-index does the logging and the writes.
 * The metadata layers and their order are described in docs/staff.md.
 *
 * Inside, each file has one job, and calls only the layers below its own
 * (no file calls back into one that calls it):
 *
 *   walk.c                      the walker                  (this header)
 *   formats.c                   the format table, dispatch  archive-format.h
 *   text.c recset.c jsonl.c     the loaders, one per format archive-format.h
 *     extracted.c               (extracted.c over ms_extract.h)
 *   document.c                  the document model          archive-doc.h
 *   layers.c > meta_read.c      metadata files, YAML keys,  archive-meta.h
 *     > meta.c                  the layer and its key rules
 *   archive_yaml.c              YAML loading and checks     archive-yaml.h
 *   archive_io.c                errors, files, paths        archive-io.h
 *   common/ (ms_buf, ms_utf8, ms_date), ms_schema.h (fields, languages, ids)
 *
 * A format is chosen by the file's extension (the table in formats.c);
 * adding one means adding a row there and a loader file, not touching the
 * walker or migsearch-index. synonyms.c (ms_synonyms.h) is a neighbour in
 * the same library, over archive_io.c and archive_yaml.c.
 */
#ifndef MS_ARCHIVE_H
#define MS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ms_error.h"
#include "ms_extract.h"
#include "ms_index.h"

typedef enum ms_archive_status {
    MS_ARCHIVE_OK = 0,
    MS_ARCHIVE_NOMEM,   /* allocation failed */
    MS_ARCHIVE_INVALID, /* the file cannot be indexed; the error says why */
    MS_ARCHIVE_IO       /* the file or folder cannot be read */
} ms_archive_status_t;

/* Why a file cannot be indexed (common/ms_error.h): file, line and column
 * (1-based, in characters; 0 when the problem has no place in the file)
 * and text, "key: reason" for a front matter key, otherwise "reason".
 * Format it with ms_file_error_format(). */
typedef ms_file_error_t ms_archive_error_t;

/* A metadata field owned by its document. */
typedef struct ms_archive_field {
    char *name;
    char *value;
} ms_archive_field_t;

/* One archive file as a document. Every string is owned by the document
 * and freed by ms_archive_doc_free(). */
typedef struct ms_archive_doc {
    char *path;     /* relative to the archive root, as given */
    char *id;       /* never NULL */
    char *title;    /* never NULL: front matter, heading, first line or name */
    char *body;     /* never NULL, may be "" */
    char *language; /* NULL when neither the file nor the options give one */
    char *date;     /* YYYY, YYYY-MM or YYYY-MM-DD, or NULL */
    ms_archive_field_t *fields; /* type, country, theme, ... in file order */
    size_t n_fields;
    size_t fields_capacity; /* private to the library */
    ms_field_t *view;       /* the same fields, borrowed, for ms_archive_doc_view */
} ms_archive_doc_t;

/* What the extractors need from the configuration. Borrowed. */
/* The meetings file staff keep at the root of the archive (meetings.c;
 * docs/staff.md, "The meetings file"): a title, and optionally the
 * process, date, venue and symbol, for each meeting id. */
#define MS_ARCHIVE_MEETINGS_NAME "_meetings.yaml"
typedef struct ms_archive_meetings ms_archive_meetings_t;

/* Read 'root'/_meetings.yaml into *out (free it with
 * ms_archive_meetings_free()). No file: *out is NULL and MS_ARCHIVE_OK.
 * On failure *out is NULL and 'err' names the file, line and column.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID, MS_ARCHIVE_IO or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_meetings_load(ms_archive_meetings_t **out,
                                             const char *root, ms_archive_error_t *err);

/* How many meetings 'meetings' (may be NULL) lists. */
size_t ms_archive_meetings_count(const ms_archive_meetings_t *meetings);

/* Free what ms_archive_meetings_load() made. Accepts NULL. */
void ms_archive_meetings_free(ms_archive_meetings_t *meetings);

typedef struct ms_archive_options {
    const char *default_language;          /* index.language; may be NULL */
    const ms_archive_meetings_t *meetings; /* the meetings file, read once per run;
                                              may be NULL */
    size_t max_file_size;                  /* bytes; 0 means no limit */
    size_t max_document_text;              /* bytes of a document's text kept
                                              by the indexer; 0: no cap */
    size_t max_jsonl_size;                 /* bytes of a .jsonl file; 0: no cap */
    ms_extract_limits_t extract;           /* sandbox limits for HTML, PDF, DOCX, ODT */
} ms_archive_options_t;

/* True if 'name' (a file name or a path) is a document: its extension is
 * one of the format table's (formats.c; docs/staff.md lists them),
 * compared without regard to ASCII case, and it is not a helper file. Helper files are
 * never documents: names starting with '_' (_defaults.yaml, _synonyms.txt, ...) and
 * sidecars (*.meta.yaml). */
bool ms_archive_supported(const char *name);

/* Fill *out with a view of 'doc' for ms_index_put(). Every pointer in it
 * is borrowed from 'doc' and valid until ms_archive_doc_free(doc). */
void ms_archive_doc_view(ms_document_t *out, const ms_archive_doc_t *doc);

/* Free a document. Accepts NULL. */
void ms_archive_doc_free(ms_archive_doc_t *doc);

/* Every document one archive file yields, in file order: one for most
 * formats, one per recommendation for a recommendation set, one per good
 * line for JSON lines. */
typedef struct ms_archive_docset {
    ms_archive_doc_t **docs;
    size_t n_docs;
    /* Problems that cost part of the file but not all of it (a bad JSON
     * line), each formatted "file:line:column: reason" with the file as
     * 'root'/'path'. A bad recommendation fails its whole file instead. */
    char **warnings;
    size_t n_warnings;
} ms_archive_docset_t;

/* Load 'root'/'path' with all its metadata. From weakest to strongest:
 * what a format embeds (PDF/DOCX/ODT/HTML title, description, date,
 * language), the _defaults.yaml files from 'root' down to the file's
 * folder, the entry of opts->meetings for the document's meeting, the
 * sidecar (see ms_archive_dependencies), then what staff wrote
 * in the file itself (Markdown front matter, a recommendation set's
 * meeting and recommendation, a JSON line). A key in a stronger layer
 * replaces the whole value of the weaker one, lists included.
 *
 * Files over opts->max_file_size are refused without being read, except
 * .jsonl files, which are read a line at a time and where the limit
 * applies to each line instead (a longer line is a warning).
 *
 * On success *out is owned by the caller, who frees it with
 * ms_archive_docset_free(). On failure *out is NULL and 'err' (may be NULL)
 * names the file and the problem; nothing of the file is to be indexed.
 * err->file is the file where the problem is: usually 'root'/'path', but
 * a _defaults.yaml or a sidecar when one of those is wrong.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID, MS_ARCHIVE_IO or
 * MS_ARCHIVE_NOMEM. A large .jsonl file is better read with
 * ms_archive_load_each(), which does not hold all its documents at once. */
ms_archive_status_t ms_archive_load(ms_archive_docset_t **out, const char *root,
                                    const char *path, const ms_archive_options_t *opts,
                                    ms_archive_error_t *err);

/* Free a docset and its documents. Accepts NULL. */
void ms_archive_docset_free(ms_archive_docset_t *set);

/* Called for each document of a file; it takes ownership of 'doc' (free
 * it with ms_archive_doc_free()), even when it does not return
 * MS_ARCHIVE_OK. Any other status stops the load, which returns it. */
typedef ms_archive_status_t (*ms_archive_doc_cb)(ms_archive_doc_t *doc, void *payload);

/* Called for each warning, formatted as in ms_archive_docset_t; 'warning'
 * is borrowed for the duration of the call. */
typedef void (*ms_archive_warning_cb)(const char *warning, void *payload);

/* ms_archive_load() without the docset: each document goes to 'each' as
 * soon as it is made and each warning to 'warn' (may be NULL). A JSON
 * lines file is streamed, so memory does not grow with its size.
 *
 * A recommendation set is checked whole before its first document is
 * passed on, so an INVALID one passes on nothing. JSON lines are passed on
 * as they are read: a read error (MS_ARCHIVE_IO) part-way through comes
 * after some documents were delivered, and the caller must then drop them
 * (it knows their ids). Returns as ms_archive_load() does, or the status a
 * callback returned. */
ms_archive_status_t ms_archive_load_each(const char *root, const char *path,
                                         const ms_archive_options_t *opts,
                                         ms_archive_doc_cb each,
                                         ms_archive_warning_cb warn, void *payload,
                                         ms_archive_error_t *err);

/* The metadata files (relative to 'root') whose content changes what
 * ms_archive_load() makes of 'path': each existing _defaults.yaml from the
 * root down, then the file's sidecar if it exists, then _meetings.yaml if
 * it exists. For change detection:
 * a file whose dependencies appear, disappear or change is to be reloaded.
 * The sidecar of "dir/NAME.ext" is "dir/NAME.meta.yaml" (the name without
 * its last extension). A dangling link counts as existing, so that the
 * load reports it rather than silently ignoring it.
 * *out is a NULL-terminated array owned by the caller; free it with
 * ms_archive_strings_free(). Returns MS_ARCHIVE_OK or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_dependencies(char ***out, const char *root,
                                            const char *path);

/* Free a NULL-terminated array of strings and the strings. Accepts NULL. */
void ms_archive_strings_free(char **strings);

/* Walking the archive folder (walk.c). */

typedef struct ms_archive_entry {
    char *path; /* relative to the root, '/'-separated */
    off_t size; /* bytes, from stat(2) at walk time */
} ms_archive_entry_t;

typedef struct ms_archive_listing {
    ms_archive_entry_t *entries; /* sorted: depth first, names in byte order */
    size_t n_entries;
} ms_archive_listing_t;

/* Called for each directory or file the walker skips for a reason worth a
 * warning. 'path' is relative to the root. 'failed' is true when something
 * that may hold documents could not be read (permissions, a broken link),
 * false when it was skipped on purpose (a directory reached a second time
 * through a symbolic link, a link leading outside the archive). */
typedef void (*ms_archive_walk_cb)(const char *path, const char *reason, bool failed,
                                   void *payload);

/* List every supported file under 'root', recursively. Names starting
 * with '.' are skipped silently; symbolic links are followed when they
 * resolve inside 'root' (one leading outside is refused, through 'problem'
 * with 'failed' false), and a directory already visited is not entered
 * again, so loops end.
 *
 * On success *out is owned by the caller, who frees it with
 * ms_archive_listing_free(). 'problem', which may be NULL, hears about
 * each unreadable directory or file and each directory skipped as already
 * visited; the walk continues. Directories deeper than 64 levels are
 * skipped as failed.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_IO ('root' itself cannot be read; errno
 * is set) or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_walk(ms_archive_listing_t **out, const char *root,
                                    ms_archive_walk_cb problem, void *payload);

/* Free a listing. Accepts NULL. */
void ms_archive_listing_free(ms_archive_listing_t *listing);

#endif /* MS_ARCHIVE_H */
