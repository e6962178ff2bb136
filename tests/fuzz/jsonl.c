/* jsonl.c - fuzz target: JSON lines (NAME.jsonl), one document per line
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input is the file, streamed by ms_archive__jsonl_read() from a
 * memory stream with a small line limit, so long lines are reached too.
 */
#include <stdio.h>

#include "archive-format.h"
#include "fuzz.h"

static ms_archive_status_t
take(ms_archive_doc_t *doc, void *payload)
{
    (void)payload;
    ms_archive_doc_free(doc);
    return MS_ARCHIVE_OK;
}

static void
warn(const char *warning, void *payload)
{
    (void)warning, (void)payload;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_archive_options_t opts = {.default_language = "en", .max_file_size = 4096};
    ms_archive_error_t err;
    FILE *in = fmemopen((void *)data, size, "r");

    if (size == 0 || in == NULL) /* fmemopen refuses an empty buffer */
        in = fopen("/dev/null", "r");
    ms_archive__jsonl_read(in, "a.jsonl", "a.jsonl", NULL, &opts, take, warn, NULL, &err);
    fclose(in);
    return 0;
}
