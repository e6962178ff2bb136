/* config.c - fuzz target: the config loader (config/migsearch.yaml)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input is the file, loaded and checked by ms_config_load() from the
 * scratch folder (relative paths in it resolve there).
 */
#include "fuzz.h"
#include "ms_config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4096];
    ms_config_t *cfg = NULL;
    ms_config_error_t err;

    ms_config_load(&cfg, ms_fuzz_write(path, "migsearch.yaml", data, size), &err);
    ms_config_free(cfg);
    return 0;
}
