/* progress.h - the progress bar migsearch-index draws on a terminal
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. The run draws it while it reads files and
 * erases it before each log line (claims.c); a parallel rebuild's parent
 * draws it from what its workers tell (rebuild.c).
 */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ms_progress ms_progress_t;

/* A progress bar on stderr for 'total' files, drawn only if 'enabled'.
 * Release with ms_progress_free(). NULL on OOM (then progress is simply
 * not shown: every function accepts NULL). */
ms_progress_t *ms_progress_new(bool enabled, size_t total);

/* 'done' files of the total are finished; 'current' (may be NULL) is
 * being read. Redraws at most ten times a second. Accepts NULL. */
void ms_progress_update(ms_progress_t *progress, size_t done, const char *current);

/* Erase the bar, so that a log line can be written; the next update draws
 * it again. Accepts NULL. */
void ms_progress_clear(ms_progress_t *progress);

/* Erase the bar and free it. Accepts NULL. */
void ms_progress_free(ms_progress_t *progress);

#endif /* MS_PROGRESS_H */
