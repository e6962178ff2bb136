/* meta.c - fuzz target: the metadata layers (_defaults.yaml, sidecars, meetings file)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The first byte of the input picks the file the rest becomes, in a
 * scratch archive holding one document, a.md: its folder's _defaults.yaml,
 * its sidecar a.meta.yaml, or the meetings file _meetings.yaml. Then the
 * document is loaded as the indexer loads it (ms_archive_load), through
 * every layer and the merge.
 */
#include <stdio.h>

#include "fuzz.h"
#include "ms_archive.h"

static const char *const names[] = {"_defaults.yaml", "a.meta.yaml", "_meetings.yaml"};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[4096];
    static const char body[] = "# A recommendation\n\nGovernments should act.\n";

    (void)argc, (void)argv;
    ms_fuzz_write(path, "a.md", body, sizeof(body) - 1);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4096];
    const char *name = names[size > 0 ? data[0] % 3 : 0];
    ms_archive_options_t opts = {.default_language = "en", .max_file_size = 1 << 20};
    ms_archive_meetings_t *meetings = NULL;
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;

    ms_fuzz_write(path, name, data + (size > 0), size - (size > 0));
    if (ms_archive_meetings_load(&meetings, ms_fuzz_dir(), &err) == MS_ARCHIVE_OK) {
        opts.meetings = meetings;
        ms_archive_load(&set, ms_fuzz_dir(), "a.md", &opts, &err);
    }
    ms_archive_docset_free(set);
    ms_archive_meetings_free(meetings);
    remove(path);
    return 0;
}
