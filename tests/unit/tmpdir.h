/* tmpdir.h - temporary directories for unit tests that write indexes
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_TEST_TMPDIR_H
#define MS_TEST_TMPDIR_H

#include <stddef.h>

/* dir + "/" + name into out; a path that does not fit fails the test. */
void ms_test_path_join(char *out, size_t size, const char *dir, const char *name);

/* Make a fresh directory "/tmp/<prefix>-XXXXXX" into out (PATH_MAX bytes);
 * failure fails the test. */
void ms_test_tmpdir(char *out, const char *prefix);

/* Remove 'path' and everything below it; symbolic links are not followed. */
void ms_test_remove_tree(const char *path);

/* Wait until the clock shows the next second, so that what an index
 * writes next was added later (to the second) than what it wrote before. */
void ms_test_next_second(void);

#endif /* MS_TEST_TMPDIR_H */
