/* archive_io.c - the archive library's toolkit: errors, files, paths, arrays
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The bottom layer of ms_archive (archive-io.h): it calls nothing of the
 * library above it. Every problem comes back as an ms_archive_error_t, a
 * fixed-size struct owned by the caller, so nothing here allocates on the
 * error path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-io.h"
#include "ms_error.h"
#include "ms_file.h"
#include "ms_utf8.h"

/* Errors */

void
ms_archive__error_reset(ms_archive_error_t *err, const char *file)
{
    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file);
    err->line = 0;
    err->column = 0;
    err->text[0] = '\0';
}

void
ms_archive__position(const char *text, size_t offset, unsigned *line, unsigned *column)
{
    unsigned l = 1, c = 1;

    for (size_t i = 0; i < offset; i++) {
        unsigned char byte = (unsigned char)text[i];
        if (byte == '\n') {
            l++;
            c = 1;
        } else if ((byte & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

ms_archive_status_t
ms_archive__text_check(const char *data, size_t len, unsigned flags,
                       ms_archive_error_t *err)
{
    bool document = (flags & MS_ARCHIVE__TEXT_DOCUMENT) != 0;
    unsigned line, column;
    size_t bad;

    if (len == 0 && (flags & MS_ARCHIVE__TEXT_NOT_EMPTY)) {
        ms_file_error_set(err, NULL, 0, 0, "empty file");
        return MS_ARCHIVE_INVALID;
    }
    if (ms_utf8_valid(data, len, &bad))
        return MS_ARCHIVE_OK;
    ms_archive__position(data, bad, &line, &column);
    if (document && data[bad] == '\0')
        ms_file_error_set(err, NULL, line, column,
                          "contains a NUL byte; not a text file");
    else
        ms_file_error_set(err, NULL, line, column, "not valid UTF-8 (byte 0x%02X)%s",
                          (unsigned char)data[bad], document ? "; convert the file" : "");
    return MS_ARCHIVE_INVALID;
}

/* Files */

ms_archive_status_t
ms_archive__open_regular(int *fd, off_t *size, const char *full, size_t max,
                         const char *limit, ms_archive_error_t *err)
{
    struct stat st;

    /* O_NONBLOCK: a FIFO swapped in after the walk must not block us. */
    *fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0 || fstat(*fd, &st) != 0) {
        ms_file_error_set(err, NULL, 0, 0, "cannot read: %s", strerror(errno));
        return MS_ARCHIVE_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        ms_file_error_set(err, NULL, 0, 0, "not a regular file");
        return MS_ARCHIVE_INVALID;
    }
    if (max > 0 && (size_t)st.st_size > max) {
        ms_file_error_set(err, NULL, 0, 0, "%lld bytes, over %s (%zu)",
                          (long long)st.st_size, limit, max);
        return MS_ARCHIVE_INVALID;
    }
    *size = st.st_size;
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__read_file(char **out, size_t *len, const char *full, size_t max,
                      const char *limit, ms_archive_error_t *err)
{
    char *data = NULL;
    size_t n = 0;
    off_t size = 0;
    int fd = -1;
    ms_archive_status_t status;

    *out = NULL;
    *len = 0;
    status = ms_archive__open_regular(&fd, &size, full, max, limit, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    data = malloc((size_t)size + 1);
    if (!data) {
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    /* Read what stat promised; a file growing meanwhile is cut there. */
    while (n < (size_t)size) {
        ssize_t got = read(fd, data + n, (size_t)size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ms_file_error_set(err, NULL, 0, 0, "cannot read: %s", strerror(errno));
            status = MS_ARCHIVE_IO;
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    data = NULL;

out:
    if (fd >= 0)
        close(fd);
    free(data);
    return status;
}

ms_archive_status_t
ms_archive__read_document(char **out, size_t *len, const char *full,
                          const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    return ms_archive__read_file(out, len, full, opts ? opts->max_file_size : 0,
                                 MS_ARCHIVE__MAX_SIZE_KEY, err);
}

/* Paths */

ms_archive_status_t
ms_archive__inside(const char *root, const char *full, ms_archive_error_t *err)
{
    char *real = NULL;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    /* What cannot be resolved (missing, a dangling link, a loop) is left
     * to the open that follows, which says why. */
    if (ms_file_inside(&real, root, full) == 0) {
        ms_file_error_set(err, NULL, 0, 0,
                          "symbolic link leads outside the archive (to %s); refused",
                          real);
        status = MS_ARCHIVE_INVALID;
    }
    free(real);
    return status;
}

const char *
ms_archive__full_path(char *out, size_t size, const char *root, const char *path)
{
    snprintf(out, size, "%s/%s", root, path);
    return out;
}

const char *
ms_archive__base(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

size_t
ms_archive__stem_length(const char *path)
{
    const char *base = ms_archive__base(path);
    const char *dot = strrchr(base, '.');

    return dot && dot != base ? (size_t)(dot - path) : strlen(path);
}

/* Arrays */

bool
ms_archive__grow(void *items, size_t *capacity, size_t n, size_t size, size_t first)
{
    void *array, *grown;
    size_t cap;

    if (n < *capacity)
        return true;
    cap = *capacity ? *capacity * 2 : first;
    if (cap > SIZE_MAX / size)
        return false;
    /* 'items' points at any T *; copied rather than cast through void **. */
    memcpy(&array, items, sizeof(array));
    grown = realloc(array, cap * size);
    if (!grown)
        return false;
    memcpy(items, &grown, sizeof(grown));
    *capacity = cap;
    return true;
}
