/* archive-io.h - the archive library's toolkit: errors, files, paths, arrays
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_archive library and its unit tests. This is the lowest
 * of the library's layers (the map is in ms_archive.h): every other file
 * of it may call what is declared here, and archive_io.c calls none of
 * them. Below it sit only common/ (ms_buf, ms_utf8, ms_date) and the
 * index's vocabulary (ms_schema.h).
 */
#ifndef MS_ARCHIVE_IO_H
#define MS_ARCHIVE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ms_archive.h"

/* The config key behind ms_archive_options_t.max_file_size, for errors. */
#define MS_ARCHIVE__MAX_SIZE_KEY "archive.max_file_size"

/* Point 'err' (may be NULL) at 'file' with no position or text yet. */
void ms_archive__error_reset(ms_archive_error_t *err, const char *file);

/* The 1-based line and column (in characters) of byte 'offset' of 'text'. */
void ms_archive__position(const char *text, size_t offset, unsigned *line,
                          unsigned *column);

/* What ms_archive__text_check() asks of a file. */
#define MS_ARCHIVE__TEXT_NOT_EMPTY (1u << 0) /* an empty file is refused */
#define MS_ARCHIVE__TEXT_DOCUMENT (1u << 1)  /* a document: errors say how to fix it */

/* Check that 'len' bytes of 'data', the content of a file, are well-formed
 * UTF-8 without NUL bytes (and, with MS_ARCHIVE__TEXT_NOT_EMPTY, not
 * empty). Invalid UTF-8 is refused, never repaired: see document.c.
 * Returns MS_ARCHIVE_OK, or MS_ARCHIVE_INVALID with 'err' at the line and
 * column of the first bad byte. */
ms_archive_status_t ms_archive__text_check(const char *data, size_t len, unsigned flags,
                                           ms_archive_error_t *err);

/* Open 'full' for reading and check it is a regular file of at most 'max'
 * bytes (0: any size; 'limit' names the limit in the error). *fd is the
 * descriptor, also on failure (-1 if not opened; the caller closes it);
 * *size is the file's size.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID or MS_ARCHIVE_IO. */
ms_archive_status_t ms_archive__open_regular(int *fd, off_t *size, const char *full,
                                             size_t max, const char *limit,
                                             ms_archive_error_t *err);

/* Read the whole of file 'full' into *out (NUL-terminated, caller frees)
 * as ms_archive__open_regular() opens it. 'err' keeps the file it names.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID, MS_ARCHIVE_IO or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__read_file(char **out, size_t *len, const char *full,
                                          size_t max, const char *limit,
                                          ms_archive_error_t *err);

/* Read the whole of document file 'full' as ms_archive__read_file() does,
 * refusing it over opts->max_file_size ('opts' may be NULL: no limit). */
ms_archive_status_t ms_archive__read_document(char **out, size_t *len, const char *full,
                                              const ms_archive_options_t *opts,
                                              ms_archive_error_t *err);

/* "root/path" into 'out' of 'size' bytes; returns 'out'. */
const char *ms_archive__full_path(char *out, size_t size, const char *root,
                                  const char *path);

/* The archive is a boundary (ms_file_inside()): refuse 'full'
 * (root/path), MS_ARCHIVE_INVALID with its target named, when it resolves
 * outside 'root'. A path that does not resolve passes, for the open after
 * it to report. Called just before a file is read (the loaders, the
 * metadata layers), not only by the walk, so a link swapped in after the
 * walk is refused too. */
ms_archive_status_t ms_archive__inside(const char *root, const char *full,
                                       ms_archive_error_t *err);

/* The last component of 'path' (borrowed from it). */
const char *ms_archive__base(const char *path);

/* The length of 'path' without the extension of its last component
 * ("a/b.c.md" -> 6, "v1.2/notes" -> 10, ".md" -> 3): only the last
 * component has an extension, and a name starting with '.' is not one. */
size_t ms_archive__stem_length(const char *path);

/* Make room in the array *items (of 'size'-byte elements, *capacity
 * allocated) for element 'n', doubling from 'first'. False on OOM, the
 * array untouched. */
bool ms_archive__grow(void *items, size_t *capacity, size_t n, size_t size, size_t first);

#endif /* MS_ARCHIVE_IO_H */
