/* ms_error.h - "file:line:column: text", the one shape of an error in a file
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The config file, the synonyms file and every archive file report what is
 * wrong with them the same way, so staff and admins read one format and
 * the code fills one structure (ms_config_error_t, ms_synonyms_error_t and
 * ms_archive_error_t are this type under their module's name). It is owned
 * by the caller and nothing is allocated on the error path.
 */
#ifndef MS_ERROR_H
#define MS_ERROR_H

#include <stddef.h>

typedef struct ms_file_error {
    char file[4096]; /* the file the problem is in; "" when there is none */
    unsigned line;   /* 1-based; 0 when the problem has no place in the file */
    unsigned column; /* 1-based, in characters; 0 likewise */
    char text[256];  /* "key: reason", or just "reason" */
} ms_file_error_t;

/* Fill 'err' (may be NULL: nothing happens) with 'file' (NULL keeps the
 * file it names), 'line', 'column' (capped at UINT_MAX) and the formatted
 * text, each cut to fit. */
void ms_file_error_set(ms_file_error_t *err, const char *file, size_t line, size_t column,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* 'err' as "file:line:column: text", "file: text" without a position, or
 * just "text" without a file, into 'buf' of 'size' bytes. Returns 'buf'. */
const char *ms_file_error_format(const ms_file_error_t *err, char *buf, size_t size);

#endif /* MS_ERROR_H */
