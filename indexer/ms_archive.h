/* ms_archive.h - archive files as documents: the model, the formats, the walker
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. document.c turns one archive file into
 * documents (ms_archive_load), meta.c merges the metadata layers
 * (_defaults.yaml files, sidecars, front matter), recset.c reads
 * recommendation sets, jsonl.c reads JSON lines, walk.c lists the files of
 * an archive folder. None of them logs or touches the index, so the unit
 * tests can drive them directly; main.c does the logging and the writes.
 *
 * A format is chosen by the file's extension (the table in document.c);
 * adding one means adding a row there, not touching the walker or main.c.
 * The metadata layers and their order are described in docs/staff.md.
 */
#ifndef MS_ARCHIVE_H
#define MS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ms_extract.h"
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
    ms_extract_limits_t extract;  /* sandbox limits for HTML, PDF, DOCX, ODT */
} ms_archive_options_t;

/* True if 'name' (a file name or a path) is a document: its extension is
 * one of .txt, .md, .markdown, .html, .htm, .pdf, .docx, .odt, .jsonl or
 * .recommendations.yaml, compared without regard to ASCII case, and it is
 * not a helper file. Helper files are never documents: names starting
 * with '_' (_defaults.yaml, _synonyms.txt, ...) and sidecars (*.meta.yaml). */
bool ms_archive_supported(const char *name);

/* Build a document from 'len' bytes of 'data', the content of the .txt or
 * .md file at 'path' (relative to the archive root; its extension picks the
 * format, and it gives the derived id and the last-resort title), with no
 * metadata but its own front matter: no _defaults.yaml, no sidecar. Other
 * formats are MS_ARCHIVE_INVALID here; ms_archive_load() reads them all.
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
 * folder, the sidecar (see ms_archive_dependencies), then what staff wrote
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
 * root down, then the file's sidecar if it exists. For change detection:
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

/* Internal to the ms_archive library (document.c, meta.c, recset.c,
 * jsonl.c) and its unit tests; main.c has no use for what follows. Names
 * with a double underscore are shared between those files only. */

#include <stdio.h>

struct yaml_document_s;
struct yaml_node_s;

/* How a metadata key is checked. */
typedef enum ms_archive_key_kind {
    MS_ARCHIVE_KEY_ID,       /* one value, ms_archive_id_check */
    MS_ARCHIVE_KEY_TITLE,    /* one value */
    MS_ARCHIVE_KEY_DATE,     /* one value, ms_archive_date_valid */
    MS_ARCHIVE_KEY_LANGUAGE, /* one value, en fr es ru ar zh (regional forms folded) */
    MS_ARCHIVE_KEY_TYPE,     /* one value, ms_archive_type_valid */
    MS_ARCHIVE_KEY_SCALAR,   /* one value */
    MS_ARCHIVE_KEY_STATUS,   /* one value or a list, each an implementation status */
    MS_ARCHIVE_KEY_LIST /* one value or a list: countries, themes, access, free keys */
} ms_archive_key_kind_t;

/* Where a metadata layer comes from; decides what it may say. */
typedef enum ms_archive_layer {
    MS_ARCHIVE_LAYER_DEFAULTS, /* a _defaults.yaml: no id */
    MS_ARCHIVE_LAYER_SIDECAR,  /* NAME.meta.yaml */
    MS_ARCHIVE_LAYER_SHARED,   /* the sidecar of a file of many documents: no id */
    MS_ARCHIVE_LAYER_FILE      /* front matter, a JSON line */
} ms_archive_layer_t;

/* One key of a metadata layer, under its canonical name ("countries" and
 * "country" are both "country"). */
typedef struct ms_archive_meta_entry {
    char *name;    /* "id", "title", "date", "language" or a field name */
    char **values; /* n_values strings; an explicit empty list has none */
    size_t n_values;
} ms_archive_meta_entry_t;

/* A metadata layer, or the merge of several. Zero-initialise it; every
 * string is owned by it and released by ms_archive__meta_clear(). */
typedef struct ms_archive_meta {
    ms_archive_meta_entry_t *entries; /* in the order keys first appeared */
    size_t n_entries;
    size_t capacity;
} ms_archive_meta_t;

/* The canonical name of metadata key 'key' and, in *kind, how it is
 * checked. Unknown keys are free fields: their own name, MS_ARCHIVE_KEY_LIST. */
const char *ms_archive__key(const char *key, ms_archive_key_kind_t *kind);

/* Check one value of a key of 'kind' given by staff. Returns NULL if it is
 * usable, or a static reason ("must be one of ..."). */
const char *ms_archive__value_check(ms_archive_key_kind_t kind, const char *value);

/* Fold a language tag ("fr", "FR", "fr-FR", "fr_CA") to one of the codes
 * the index knows (en fr es ru ar zh) in 'out'. False if it is none. */
bool ms_archive__language_code(char out[3], const char *tag);

void ms_archive__meta_clear(ms_archive_meta_t *meta);

/* The entry called 'name', borrowed from 'meta', or NULL. */
const ms_archive_meta_entry_t *ms_archive__meta_get(const ms_archive_meta_t *meta,
                                                    const char *name);

/* Append 'len' bytes of 'value' to entry 'name', creating it; with
 * 'value' NULL, only make sure the entry exists. */
ms_archive_status_t ms_archive__meta_add(ms_archive_meta_t *meta, const char *name,
                                         const char *value, size_t len);

/* Replace entry 'name' by the single value 'value'. */
ms_archive_status_t ms_archive__meta_set(ms_archive_meta_t *meta, const char *name,
                                         const char *value);

/* Lay 'nearer' over 'base': each entry of 'nearer' replaces the entry of
 * the same name in 'base' whole (lists are replaced, not appended). */
ms_archive_status_t ms_archive__meta_merge(ms_archive_meta_t *base,
                                           const ms_archive_meta_t *nearer);

/* Read the YAML mapping 'mapping' of 'ydoc' into the empty layer 'out',
 * checking every key for a layer of kind 'layer'. Positions in errors are
 * counted from line 'first_line' of the file. */
ms_archive_status_t ms_archive__meta_yaml(ms_archive_meta_t *out,
                                          struct yaml_document_s *ydoc,
                                          struct yaml_node_s *mapping,
                                          unsigned first_line, ms_archive_layer_t layer,
                                          ms_archive_error_t *err);

/* Read one key (a scalar node) and its value into 'out' as
 * ms_archive__meta_yaml() does, for formats that mix metadata keys with
 * keys of their own. */
ms_archive_status_t ms_archive__meta_pair(ms_archive_meta_t *out,
                                          struct yaml_document_s *ydoc,
                                          struct yaml_node_s *key,
                                          struct yaml_node_s *value, unsigned first_line,
                                          ms_archive_layer_t layer,
                                          ms_archive_error_t *err);

/* Parse 'len' bytes of YAML text (one YAML document at most) into *out,
 * which the caller then releases with yaml_document_delete(). Syntax
 * errors are reported at their position counted from line 'first_line'.
 * On failure *out is not to be released. */
ms_archive_status_t ms_archive__yaml_load(struct yaml_document_s *out, const char *text,
                                          size_t len, unsigned first_line,
                                          ms_archive_error_t *err);

/* The metadata staff wrote outside 'path': its _defaults.yaml files, root
 * first, then its sidecar, merged into the empty layer *out. 'many' says
 * the file holds many documents, so its sidecar may not give an id. */
ms_archive_status_t ms_archive__layers_load(ms_archive_meta_t *out, const char *root,
                                            const char *path, bool many,
                                            ms_archive_error_t *err);

/* True for one of the implementation statuses: implemented, partially
 * implemented, not implemented, no information. */
bool ms_archive__status_valid(const char *status);

/* True for a helper file, never a document: a name (last component of
 * 'name') starting with '_', or ending in ".meta.yaml". */
bool ms_archive__is_helper(const char *name);

/* Read the whole of file 'full' into *out (NUL-terminated, caller frees),
 * refusing it if over 'max' bytes (0: no limit), a limit the error calls
 * 'limit'. Names no file in 'err'. */
ms_archive_status_t ms_archive__read_file(char **out, size_t *len, const char *full,
                                          size_t max, const char *limit,
                                          ms_archive_error_t *err);

/* Point 'err' at 'file' with no position or text yet. */
void ms_archive__error_reset(ms_archive_error_t *err, const char *file);

void ms_archive__set_error(ms_archive_error_t *err, unsigned line, unsigned column,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The 1-based line and column (in characters) of byte 'offset' of 'text'. */
void ms_archive__position(const char *text, size_t offset, unsigned *line,
                          unsigned *column);

/* A copy of 'len' bytes of 's' trimmed of blanks and cut to a title's
 * length on a character boundary. NULL on OOM. */
char *ms_archive__title_from(const char *s, size_t len);

/* A new empty document for 'path', or NULL on OOM. */
ms_archive_doc_t *ms_archive__doc_new(const char *path);

/* Complete 'doc', whose body (and any title found in its text) is set,
 * with 'meta': id (from 'meta', else derived from the path), title (from
 * 'meta', else the one found, else the file name), date, language (else
 * opts->default_language) and fields, then its view. */
ms_archive_status_t ms_archive__doc_finish(ms_archive_doc_t *doc,
                                           const ms_archive_meta_t *meta,
                                           const ms_archive_options_t *opts,
                                           ms_archive_error_t *err);

/* The document for the extracted file at 'path': 'result' gives the text
 * and the embedded metadata, the weakest layer, under 'staff' (defaults
 * and sidecar merged; may be NULL). */
ms_archive_status_t ms_archive__doc_from_extract(ms_archive_doc_t **out, const char *path,
                                                 const ms_extract_result_t *result,
                                                 const ms_archive_meta_t *staff,
                                                 const ms_archive_options_t *opts,
                                                 ms_archive_error_t *err);

/* The documents of the recommendation set in 'len' bytes of 'data', the
 * file at 'path', each passed to 'each' once the whole set is known good.
 * 'err' is expected to name the file already. */
ms_archive_status_t ms_archive__recset_read(const char *path, const char *data,
                                            size_t len, const ms_archive_meta_t *staff,
                                            const ms_archive_options_t *opts,
                                            ms_archive_doc_cb each, void *payload,
                                            ms_archive_error_t *err);

/* The documents of the JSON lines read from 'in', the file at 'path'
 * (named 'display' in warnings), passed to 'each' line by line; bad lines
 * go to 'warn'. 'err' is expected to name the file already. */
ms_archive_status_t
ms_archive__jsonl_read(FILE *in, const char *path, const char *display,
                       const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                       ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                       ms_archive_error_t *err);

#endif /* MS_ARCHIVE_H */
