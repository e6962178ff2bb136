/* ms_file.h - read a whole file, or all of a descriptor, with a cap
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The config file, the synonyms file, archive files and the input of an
 * extractor are all read whole into memory, each under a size limit of its
 * own. This is the one loop that does it: EINTR is retried, and a file
 * larger than the cap is refused as soon as the bytes read pass it,
 * whatever size it claimed when it was opened, so memory stays bounded.
 */
#ifndef MS_FILE_H
#define MS_FILE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ms_file_status {
    MS_FILE_OK = 0,
    MS_FILE_NOMEM,  /* an allocation failed */
    MS_FILE_IO,     /* open() or read() failed; errno says why */
    MS_FILE_TOO_BIG /* more than 'max' bytes */
} ms_file_status_t;

/* Read 'fd' to its end into *out, a new NUL-terminated buffer of *len
 * bytes (the NUL not counted) that the caller frees with free(). 'max' 0
 * means no cap. On failure *out is NULL. 'fd' stays open. */
ms_file_status_t ms_file_read_fd(char **out, size_t *len, int fd, size_t max);

/* Open 'path' and read it as ms_file_read_fd() does. */
ms_file_status_t ms_file_read(char **out, size_t *len, const char *path, size_t max);

/* The archive is a boundary: nothing the indexer reads or the server hands
 * out may lie outside it, whatever symbolic links inside it point to.
 * ms_file_within() tells whether the resolved path 'real' is 'real_root'
 * itself or below it (both as realpath(3) gives them).
 * ms_file_inside() resolves 'root' and 'path' and returns 1 when 'path'
 * lies inside 'root', 0 when outside, -1 when either does not resolve
 * (errno says why: a missing file, a dangling link, a loop). On 0 or 1
 * *out is the resolved 'path', which the caller frees with free(). */
bool ms_file_within(const char *real_root, const char *real);
int ms_file_inside(char **out, const char *root, const char *path);

#endif /* MS_FILE_H */
