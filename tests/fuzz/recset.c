/* recset.c - fuzz target: recommendation sets (NAME.recommendations.yaml)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input is the YAML of one set, read from memory by
 * ms_archive__recset_read() as the loader reads a file; every document it
 * makes goes through the document model and is freed.
 */
#include "archive-format.h"
#include "fuzz.h"

static ms_archive_status_t
take(ms_archive_doc_t *doc, void *payload)
{
    (void)payload;
    ms_archive_doc_free(doc);
    return MS_ARCHIVE_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_archive_options_t opts = {.default_language = "en", .max_file_size = 1 << 20};
    ms_archive_error_t err;

    ms_archive__recset_read("a.recommendations.yaml", (const char *)data, size, NULL,
                            &opts, take, NULL, &err);
    return 0;
}
