/* scratch.h - a throw-away copy of an archive file and its metadata files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, for `check` (check.c): errors past the
 * first of a file are found in a copy whose bad lines are set aside.
 */
#ifndef MS_SCRATCH_H
#define MS_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>

/* Copy 'root'/'path' and its metadata files (ms_archive_dependencies) into
 * a new folder under $TMPDIR, at the same relative paths. Returns the
 * folder (caller removes and frees it with ms_scratch_remove()), or NULL
 * when the copy fails. */
char *ms_scratch_copy(const char *root, const char *path);

/* The block of line 'line' (1-based) of 'file': the line and the lines
 * after it indented deeper (a YAML value that belongs to it). Returns its
 * last line, or 0 when there is none (past the end, a blank line or a
 * comment, I/O). With 'set_aside' ('file' must then be in a scratch copy),
 * the block is commented out, each line keeping its place. */
unsigned ms_scratch_block(const char *file, unsigned line, bool set_aside);

/* Replace each tab in the indentation of line 'line' of 'file' (in a
 * scratch copy) with 'width' blanks. 0, or -1 when the line has no tab
 * there, or on I/O errors. */
int ms_scratch_untab(const char *file, unsigned line, unsigned width);

/* Give the "key: value" line 'line' of 'file' (in a scratch copy) the
 * value 'with' or, if 'with' is NULL, the value of the 'nth' (from 0)
 * other line of the file with the same key and another value: a value
 * likely good, so that the key is still there for the checks that need
 * it. 0, or -1 when there is no such line. */
int ms_scratch_set_value(const char *file, unsigned line, const char *with, unsigned nth);

/* Write 'len' bytes of 'data' to 'file' (in a scratch copy): to put back
 * what ms_file_read() read of it. 0, or -1. */
int ms_scratch_write(const char *file, const char *data, size_t len);

/* Remove the folder 'dir' made by ms_scratch_copy() and free the string.
 * Accepts NULL. */
void ms_scratch_remove(char *dir);

#endif /* MS_SCRATCH_H */
