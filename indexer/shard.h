/* shard.h - the pieces of a parallel rebuild: partition, worker results, cleanup
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, used by rebuild.c. Nothing here touches
 * the index: the partition is arithmetic, and a result file carries a
 * worker's report (report.h) and claims to the parent.
 */
#ifndef MS_SHARD_H
#define MS_SHARD_H

#include <stddef.h>

#include "report.h"

/* Split 'n' files of 'sizes' bytes over 'jobs' shards (jobs >= 1) so that
 * the byte totals come out close: largest first, each to the lightest
 * shard, ties to the first. Deterministic. out[i] is the shard of file i.
 * 0, or -1 on OOM. */
int ms_shard_partition(unsigned *out, const unsigned long long *sizes, size_t n,
                       unsigned jobs);

/* An id a file claimed in a worker. */
typedef struct ms_shard_claim {
    char *file; /* relative to the archive folder */
    char *id;
} ms_shard_claim_t;

/* What a worker leaves for the parent. Only the counts added, failed,
 * docs_written, docs_deleted and bytes_read of 'report' are carried, with
 * its failures and warnings. Release with ms_shard_result_clear(). */
typedef struct ms_shard_result {
    ms_run_report_t report;
    ms_shard_claim_t *claims;
    size_t n_claims, claims_capacity;
} ms_shard_result_t;

/* Write the file 'path' holding 'report' and 'claims' (borrowed). 0, or
 * -1 with errno set. */
int ms_shard_result_write(const char *path, const ms_run_report_t *report,
                          const ms_shard_claim_t *claims, size_t n_claims);

/* Read what ms_shard_result_write() wrote into *out (owned by the caller,
 * released with ms_shard_result_clear(), also after a failure). 0, -1 if
 * the file cannot be read or is not a whole result, -2 on OOM. */
int ms_shard_result_read(ms_shard_result_t *out, const char *path);

/* Free what 'result' holds and zero it. Accepts NULL. */
void ms_shard_result_clear(ms_shard_result_t *result);

/* Remove 'path' and everything below it (links are not followed); a
 * missing 'path' is fine. 0, or -1 with errno set. */
int ms_shard_remove_tree(const char *path);

#endif /* MS_SHARD_H */
