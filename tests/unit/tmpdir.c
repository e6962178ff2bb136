/* tmpdir.c - temporary directories for unit tests that write indexes
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include "tmpdir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
ms_test_path_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    cr_assert(n > 0 && (size_t)n < size, "path too long: %s/%s", dir, name);
}

void
ms_test_tmpdir(char *out, const char *prefix)
{
    int n = snprintf(out, PATH_MAX, "/tmp/%s-XXXXXX", prefix);
    cr_assert(n > 0 && n < PATH_MAX);
    cr_assert_not_null(mkdtemp(out), "mkdtemp %s", out);
}

void
ms_test_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[PATH_MAX];
            ms_test_path_join(child, sizeof child, path, entry->d_name);
            ms_test_remove_tree(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

void
ms_test_next_second(void)
{
    const struct timespec pause = {0, 10 * 1000 * 1000};
    time_t start = time(NULL);

    while (time(NULL) == start)
        nanosleep(&pause, NULL);
}
