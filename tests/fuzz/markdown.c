/* markdown.c - fuzz target: Markdown and plain text with front matter
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input is one archive file, parsed from memory (not NUL-terminated)
 * by ms_archive_doc_parse() as a.md, or as a.txt when it starts with 't'.
 */
#include "archive-format.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = size > 0 && data[0] == 't' ? "a.txt" : "a.md";
    ms_archive_options_t opts = {.default_language = "en"};
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;

    ms_archive_doc_parse(&doc, path, (const char *)data, size, &opts, &err);
    ms_archive_doc_free(doc);
    return 0;
}
