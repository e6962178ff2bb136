/* file.c - read a whole file, or all of a descriptor, with a cap; the
 * archive as a boundary
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ms_buf.h"
#include "ms_file.h"

ms_file_status_t
ms_file_read_fd(char **out, size_t *len, int fd, size_t max)
{
    ms_buf_t buf = MS_BUF_INIT;
    char chunk[65536];

    *out = NULL;
    *len = 0;
    /* One byte past the cap tells a file at the cap from a larger one. */
    buf.limit = max != 0 ? max + 1 : 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;

            ms_buf_free(&buf);
            errno = saved;
            return MS_FILE_IO;
        }
        if (n == 0)
            break;
        if (ms_buf_append(&buf, chunk, (size_t)n) == MS_BUF_LIMIT ||
            (max != 0 && buf.len > max)) {
            ms_buf_free(&buf);
            return MS_FILE_TOO_BIG;
        }
        if (buf.status != MS_BUF_OK)
            break;
    }
    *out = ms_buf_take(&buf, len);
    return *out != NULL ? MS_FILE_OK : MS_FILE_NOMEM;
}

ms_file_status_t
ms_file_read(char **out, size_t *len, const char *path, size_t max)
{
    ms_file_status_t status;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *out = NULL;
    *len = 0;
    if (fd < 0)
        return MS_FILE_IO;
    status = ms_file_read_fd(out, len, fd, max);
    if (status == MS_FILE_IO) {
        int saved = errno;

        close(fd);
        errno = saved;
        return status;
    }
    close(fd);
    return status;
}

bool
ms_file_within(const char *real_root, const char *real)
{
    size_t n = strlen(real_root);

    /* "/" holds everything; else "/a/b" holds "/a/b" and "/a/b/c", not "/a/bc". */
    if (n == 1 && real_root[0] == '/')
        return true;
    return strncmp(real, real_root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

int
ms_file_inside(char **out, const char *root, const char *path)
{
    char *real_root = realpath(root, NULL);
    char *real = real_root ? realpath(path, NULL) : NULL;
    int rc = -1;

    *out = NULL;
    if (real) {
        rc = ms_file_within(real_root, real) ? 1 : 0;
        *out = real;
    }
    free(real_root);
    return rc;
}
