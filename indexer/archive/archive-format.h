/* archive-format.h - the format table and the loaders it dispatches to
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_archive library and its unit tests. formats.c holds
 * the table of formats, one row per file name ending, and dispatches each
 * file to its row's loader; the loaders (text.c, recset.c, jsonl.c,
 * extracted.c) read their format and never call back into formats.c.
 *
 * Adding a format: a row in formats.c, a loader file declaring its loader
 * here, that file in indexer/CMakeLists.txt, and the format in
 * docs/staff.md ("Where documents go"; test_document checks that table
 * against this one).
 */
#ifndef MS_ARCHIVE_FORMAT_H
#define MS_ARCHIVE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "archive-meta.h"
#include "ms_archive.h"

/* One archive file being loaded, as a loader sees it. Everything is
 * borrowed for the duration of the load. */
typedef struct ms_archive__source {
    const char *path;                 /* relative to the archive root: the derived id */
    const char *full;                 /* root/path: what is read, what errors name */
    const ms_archive_meta_t *staff;   /* its _defaults.yaml files and sidecar, merged */
    const ms_archive_options_t *opts; /* may be NULL */
    int variant;                      /* the row's variant (an ms_extract_format_t) */
    ms_archive_doc_cb each;           /* takes each document */
    ms_archive_warning_cb warn;       /* may be NULL */
    void *payload;                    /* for 'each' and 'warn' */
    ms_archive_error_t *err;          /* names 'full' already; may be NULL */
} ms_archive__source_t;

/* Read the file of 'src' and pass each of its documents to src->each.
 * Returns as ms_archive_load_each() does. */
typedef ms_archive_status_t (*ms_archive__loader_t)(const ms_archive__source_t *src);

/* Make the one document of 'len' bytes of 'data', the file at 'path' of
 * the row's 'variant', its own metadata laid over 'staff' (may be NULL):
 * for formats read whole into memory, so that ms_archive_doc_parse() can
 * take them from a test. */
typedef ms_archive_status_t (*ms_archive__parser_t)(ms_archive_doc_t **out, int variant,
                                                    const char *path, const char *data,
                                                    size_t len,
                                                    const ms_archive_meta_t *staff,
                                                    const ms_archive_options_t *opts,
                                                    ms_archive_error_t *err);

/* A row of the format table. */
typedef struct ms_archive__format {
    const char *extension;      /* ".md"; compared without ASCII case */
    ms_archive__loader_t load;  /* never NULL */
    ms_archive__parser_t parse; /* one document from memory; NULL: not offered */
    bool many;   /* many documents per file: its sidecar may not give an id */
    int variant; /* passed on in ms_archive__source_t.variant */
} ms_archive__format_t;

/* The table (formats.c) and its length. */
extern const ms_archive__format_t ms_archive__formats[];
extern const size_t ms_archive__n_formats;

/* The row for file name or path 'name', or NULL when it is no document
 * (no row's extension, or a helper file). */
const ms_archive__format_t *ms_archive__format_for(const char *name);

/* --- the loaders --- */

/* text.c: plain text, and Markdown with front matter (the variants). */
#define MS_ARCHIVE__TEXT_PLAIN 0
#define MS_ARCHIVE__TEXT_MARKDOWN 1
ms_archive_status_t ms_archive__load_text(const ms_archive__source_t *src);
ms_archive_status_t ms_archive__parse_text(ms_archive_doc_t **out, int variant,
                                           const char *path, const char *data, size_t len,
                                           const ms_archive_meta_t *staff,
                                           const ms_archive_options_t *opts,
                                           ms_archive_error_t *err);

/* Markdown (markdown.c): the plain text of the Markdown 'p' .. 'end' in
 * *body, and the text of its first level-1 heading in *heading (NULL if
 * none); both owned by the caller. Returns MS_ARCHIVE_OK or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__markdown_text(char **body, char **heading, const char *p,
                                              const char *end);

/* The end of the line starting at 'p': its '\n', or 'end'. */
const char *ms_archive__line_end(const char *p, const char *end);

/* extracted.c: HTML, PDF, DOCX and ODT through ms_extract_file(). */
ms_archive_status_t ms_archive__load_extracted(const ms_archive__source_t *src);

/* The document for the extracted file at 'path': 'result' gives the text
 * and the embedded metadata, the weakest layer, under 'staff' (defaults
 * and sidecar merged; may be NULL). */
ms_archive_status_t ms_archive__doc_from_extract(ms_archive_doc_t **out, const char *path,
                                                 const ms_extract_result_t *result,
                                                 const ms_archive_meta_t *staff,
                                                 const ms_archive_options_t *opts,
                                                 ms_archive_error_t *err);

/* recset.c: recommendation sets, one document per recommendation. */
ms_archive_status_t ms_archive__load_recset(const ms_archive__source_t *src);

/* The documents of the recommendation set in 'len' bytes of 'data', the
 * file at 'path', each passed to 'each' once the whole set is known good.
 * 'err' is expected to name the file already. */
ms_archive_status_t ms_archive__recset_read(const char *path, const char *data,
                                            size_t len, const ms_archive_meta_t *staff,
                                            const ms_archive_options_t *opts,
                                            ms_archive_doc_cb each, void *payload,
                                            ms_archive_error_t *err);

/* jsonl.c: JSON lines, one document per line, streamed. */
ms_archive_status_t ms_archive__load_jsonl(const ms_archive__source_t *src);

/* The documents of the JSON lines read from 'in', the file at 'path'
 * (named 'display' in warnings), passed to 'each' line by line; bad lines
 * go to 'warn'. 'err' is expected to name the file already. */
ms_archive_status_t
ms_archive__jsonl_read(FILE *in, const char *path, const char *display,
                       const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                       ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                       ms_archive_error_t *err);

/* --- one document from a test (formats.c) --- */

/* Build a document from 'len' bytes of 'data', the content of the file at
 * 'path' (relative to the archive root; its extension picks the format,
 * which must offer a parser: .txt and .md), with no metadata but its own:
 * no _defaults.yaml, no sidecar. 'data' need not be NUL-terminated.
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

#endif /* MS_ARCHIVE_FORMAT_H */
