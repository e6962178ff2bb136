/* ms_archive.h - archive files as documents: the model, the extractors, the walker
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. document.c turns the bytes of one archive
 * file into an ms_archive_doc_t (front matter, id, title, body), with no
 * I/O beyond reading that file and no logging, so the unit tests can drive
 * it directly. walk.c lists the files of an archive folder. main.c does the
 * logging and the index writes.
 *
 * A file type is handled by one extractor, chosen by the file's extension
 * (see the table in document.c); adding PDF or HTML later means adding a
 * row there, not touching the walker or main.c.
 */
#ifndef MS_ARCHIVE_H
#define MS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ms_index.h"

/* Bounds on a document id, given or derived (docs/index-schema.md). */
#define MS_ARCHIVE_ID_MAX 200

typedef enum ms_archive_status {
    MS_ARCHIVE_OK = 0,
    MS_ARCHIVE_NOMEM,   /* allocation failed */
    MS_ARCHIVE_INVALID, /* the file cannot be indexed; the error says why */
    MS_ARCHIVE_IO       /* the file or folder cannot be read */
} ms_archive_status_t;

/* Why a file cannot be indexed. Owned by the caller; nothing is allocated
 * on the error path. line and column are 1-based (column counts
 * characters), 0 when the problem has no place in the file. text is
 * "key: reason" for a front matter key, otherwise just "reason". */
typedef struct ms_archive_error {
    char file[4096];
    unsigned line;
    unsigned column;
    char text[256];
} ms_archive_error_t;

/* Format 'err' as "file:line:column: text", or "file: text" when it has
 * no position, into 'buf' of 'size' bytes. Returns 'buf'. */
const char *ms_archive_error_format(const ms_archive_error_t *err, char *buf,
                                    size_t size);

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
    size_t fields_capacity; /* private to document.c */
    ms_field_t *view;       /* the same fields, borrowed, for ms_archive_doc_view */
} ms_archive_doc_t;

/* What the extractors need from the configuration. Borrowed. */
typedef struct ms_archive_options {
    const char *default_language; /* index.language; may be NULL */
    size_t max_file_size;         /* bytes; 0 means no limit */
} ms_archive_options_t;

/* True if some extractor handles a file called 'name' (".txt", ".md",
 * compared without regard to ASCII case). */
bool ms_archive_supported(const char *name);

/* Build a document from 'len' bytes of 'data', the content of the file at
 * 'path' (relative to the archive root; its extension picks the
 * extractor, and it gives the derived id and the last-resort title).
 * 'data' need not be NUL-terminated.
 *
 * On success *out is owned by the caller, who frees it with
 * ms_archive_doc_free(). On failure *out is NULL and 'err', if not NULL,
 * names 'path' and the problem.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID (unsupported type, empty,
 * not UTF-8, bad front matter, bad id) or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_doc_parse(ms_archive_doc_t **out, const char *path,
                                         const char *data, size_t len,
                                         const ms_archive_options_t *opts,
                                         ms_archive_error_t *err);

/* Read 'root'/'path' and parse it as ms_archive_doc_parse() does. Files
 * over opts->max_file_size are refused without being read. Errors name
 * the file as 'root'/'path'.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID, MS_ARCHIVE_IO or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_doc_load(ms_archive_doc_t **out, const char *root,
                                        const char *path,
                                        const ms_archive_options_t *opts,
                                        ms_archive_error_t *err);

/* Fill *out with a view of 'doc' for ms_index_put(). Every pointer in it
 * is borrowed from 'doc' and valid until ms_archive_doc_free(doc). */
void ms_archive_doc_view(ms_document_t *out, const ms_archive_doc_t *doc);

/* Free a document. Accepts NULL. */
void ms_archive_doc_free(ms_archive_doc_t *doc);

/* The pieces of ms_archive_doc_parse, exposed for the unit tests. */

/* Check that 'len' bytes of 's' are UTF-8 without NUL bytes, overlong
 * forms, surrogates or code points past U+10FFFF. On failure, if 'bad' is
 * not NULL, *bad is the offset of the first offending byte. */
bool ms_archive_utf8_valid(const char *s, size_t len, size_t *bad);

/* True for "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real day (leap
 * years included); the year must be 0001 to 9999. */
bool ms_archive_date_valid(const char *date);

/* True for one of the document types: recommendation, workshop, report,
 * other. */
bool ms_archive_type_valid(const char *type);

/* Check a given id. Returns NULL if it is usable, or a static reason. */
const char *ms_archive_id_check(const char *id);

/* Derive the id of the file at 'path' (relative to the archive root):
 * the path without its extension, '/' replaced by '.', and whitespace,
 * control bytes and ?#%"'<>\ replaced by '-'. Other bytes, non-ASCII
 * letters included, are kept.
 * *out is owned by the caller (free()). Returns MS_ARCHIVE_OK,
 * MS_ARCHIVE_INVALID (the id would be empty or over MS_ARCHIVE_ID_MAX
 * bytes) or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_id_derive(char **out, const char *path);

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
 * through a symbolic link). */
typedef void (*ms_archive_walk_cb)(const char *path, const char *reason, bool failed,
                                   void *payload);

/* List every supported file under 'root', recursively. Names starting
 * with '.' are skipped silently; symbolic links are followed, but a
 * directory already visited is not entered again, so loops end.
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
