/* rebuild.h - --rebuild: a new generation, filled and switched in
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, called by run.c with the lock held.
 */
#ifndef MS_REBUILD_H
#define MS_REBUILD_H

#include "claims.h"

/* Build a new generation of run->opts->index_path from the archive, with
 * one writer or with run->opts->jobs workers, store last_run in it and
 * switch the index to it; a failed rebuild leaves the live index as it
 * was. Returns an exit code. */
int ms_run__rebuild(ms_run_ctx_t *run);

#endif /* MS_REBUILD_H */
