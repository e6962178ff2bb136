/* fuzz.c - the scratch folder and the failure report of the fuzz targets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
/* nftw()s flags are XSI. */
#define _XOPEN_SOURCE 700

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void
remove_dir(void)
{
    if (dir[0] != '\0')
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
ms_fuzz_dir(void)
{
    if (dir[0] == '\0') {
        strcpy(dir, "/tmp/ms_fuzz-XXXXXX");
        if (mkdtemp(dir) == NULL) {
            perror("ms_fuzz_dir");
            abort();
        }
        atexit(remove_dir);
    }
    return dir;
}

const char *
ms_fuzz_write(char *out, const char *name, const void *data, size_t size)
{
    int fd;

    snprintf(out, 4096, "%s/%s", ms_fuzz_dir(), name);
    fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) ||
        close(fd) != 0) {
        perror(out);
        abort();
    }
    return out;
}

void
ms_fuzz_fail(const char *what, const void *data, size_t size)
{
    fprintf(stderr, "fuzz property failed: %s\n", what);
    fwrite(data, 1, size, stderr);
    fputc('\n', stderr);
    abort();
}
