/* update.h - one pass over the archive into an open writer: the update
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. run.c updates the live index with it, and
 * rebuild.c fills a new generation with it (one writer), or each shard of
 * a parallel rebuild with ms_run__index_listing() (workers.c).
 */
#ifndef MS_UPDATE_H
#define MS_UPDATE_H

#include "claims.h"
#include "ms_archive.h"

/* Walk the archive folder into *out (free it with
 * ms_archive_listing_free()), recording what cannot be read as failures
 * of the run. Returns an exit code. */
int ms_run__walk(ms_archive_listing_t **out, ms_run_ctx_t *run);

/* Steps 3 to 6 of update.c's header comment for the files of 'listing'
 * that are in shard 'shard' of 'shard_of' (every file when 'shard_of' is
 * NULL), on the open writer run->idx, ending with the document count in
 * the report. Returns an exit code. */
int ms_run__index_listing(ms_run_ctx_t *run, const ms_archive_listing_t *listing,
                          const unsigned *shard_of, unsigned shard);

/* Sum up the outcomes of the files into the report and its failures.
 * 0, or -1 on OOM. */
int ms_run__tally(ms_run_ctx_t *run);

/* Steps 2 to 7 on the open writer run->idx, which is closed at the end.
 * 'given', if not NULL, is the walk already made (borrowed). Returns an
 * exit code: MS_EXIT_PARTIAL when some files failed. */
int ms_run__update(ms_run_ctx_t *run, const ms_archive_listing_t *given);

#endif /* MS_UPDATE_H */
