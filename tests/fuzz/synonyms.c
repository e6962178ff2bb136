/* synonyms.c - fuzz target: the synonyms file (index.synonyms)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input is the file, loaded by ms_synonyms_load() from the scratch
 * folder.
 */
#include "fuzz.h"
#include "ms_synonyms.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4096];
    ms_synonyms_t *synonyms = NULL;
    ms_synonyms_error_t err;

    ms_synonyms_load(&synonyms, ms_fuzz_write(path, "synonyms.yaml", data, size), &err);
    ms_synonyms_free(synonyms);
    return 0;
}
