/* check.h - `migsearch-index check [PATH...]`: every error of every file
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index; main.c calls it. check.c has how.
 */
#ifndef MS_CHECK_H
#define MS_CHECK_H

#include <stddef.h>

#include "ms_archive.h"
#include "report.h" /* the exit codes */

/* Read the documents of the archive folder 'archive' (or, if 'n_paths' is
 * not 0, those 'paths' name: files or folders, in the archive or outside
 * it) as an update would, writing nothing, and print each error once on
 * standard output as "file:line:column: text", then a count. 'options'
 * is borrowed. Returns MS_EXIT_OK (no error), MS_EXIT_PARTIAL (errors
 * found), MS_EXIT_USAGE (no such archive or path) or MS_EXIT_RUNTIME
 * (out of memory). */
int ms_check(const char *archive, const ms_archive_options_t *options,
             const char *const *paths, size_t n_paths);

#endif /* MS_CHECK_H */
