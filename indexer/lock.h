/* lock.h - the lock file that keeps a second migsearch-index out
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. run.c takes the lock before anything else
 * and holds it for the whole run.
 */
#ifndef MS_LOCK_H
#define MS_LOCK_H

/* The lock file of the index at 'path' ("<path>.lock", trailing slashes
 * dropped). Caller frees with free(). NULL on OOM. */
char *ms_run_lock_path(const char *path);

/* Take the lock of the index at 'index_path': *out is the descriptor
 * holding it (close it to let go), or -1. Returns MS_EXIT_OK,
 * MS_EXIT_LOCKED when another indexer holds it, or MS_EXIT_RUNTIME; why
 * it cannot be taken is logged. */
int ms_run_lock_take(int *out, const char *index_path);

#endif /* MS_LOCK_H */
