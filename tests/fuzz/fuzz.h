/* fuzz.h - what the fuzz targets share: the libFuzzer entry points, a scratch folder
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each target (tests/fuzz/<name>.c) defines LLVMFuzzerTestOneInput over one
 * real parser, and LLVMFuzzerInitialize when it needs set-up. It is linked
 * either with libFuzzer (make fuzz, build/fuzz) or with replay.c (make
 * test), which runs it over the seeds and the saved crash inputs. How to
 * run one for hours and how to add one: docs/fuzzing.md.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The entry points libFuzzer calls (replay.c calls them the same way); a
 * target without set-up leaves LLVMFuzzerInitialize out. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A folder of this process's own, made on first use and removed at exit;
 * borrowed, valid for the life of the process. Aborts if none can be made. */
const char *ms_fuzz_dir(void);

/* Write 'size' bytes of 'data' to ms_fuzz_dir()/'name' (replacing it) and
 * return its full path in 'out' (4096 bytes). Aborts when the write fails:
 * a fuzz run that cannot write its input must stop, not pass. */
const char *ms_fuzz_write(char *out, const char *name, const void *data, size_t size);

/* Stop the run with a report libFuzzer keeps the input of: the property
 * 'what' did not hold. */
void ms_fuzz_fail(const char *what, const void *data, size_t size)
    __attribute__((noreturn));

#endif /* MS_FUZZ_H */
