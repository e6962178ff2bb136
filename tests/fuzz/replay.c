/* replay.c - a fuzz target without libFuzzer: run it over saved inputs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: fuzz_<name>_replay DIR...
 * Feeds every file of each DIR (not recursive; a missing DIR is empty) to
 * LLVMFuzzerTestOneInput once, in name order, in a buffer of exactly the
 * file's size, so that the sanitizers catch a read past its end. This is
 * how `make test` replays the seeds and every saved crash input under the
 * ordinary compiler; a crash fails the test, and its output names the
 * file. Prints "replay: N passed, 0 failed", which tests/run.sh counts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ms_file.h"

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void
replay_dir(const char *dir, size_t *count)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);

    for (int i = 0; i < n; i++) {
        char path[4096];
        char *data = NULL;
        size_t len = 0;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' &&
            ms_file_read(&data, &len, path, 64 * 1024 * 1024) == MS_FILE_OK) {
            /* ms_file_read adds a NUL past 'len': copy to an exact buffer. */
            uint8_t *exact = malloc(len > 0 ? len : 1);
            if (exact == NULL)
                abort();
            memcpy(exact, data, len);
            fprintf(stderr, "replay: %s\n", path);
            LLVMFuzzerTestOneInput(exact, len);
            free(exact);
            (*count)++;
        }
        free(data);
        free(names[i]);
    }
    free(names);
}

int
main(int argc, char **argv)
{
    size_t count = 0;

    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        replay_dir(argv[i], &count);
    printf("replay: %zu passed, 0 failed\n", count);
    return 0;
}
