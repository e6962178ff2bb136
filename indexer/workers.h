/* workers.h - the worker processes of a parallel rebuild
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, used by rebuild.c: it makes the plan,
 * workers.c forks one worker per shard and waits for them all.
 */
#ifndef MS_WORKERS_H
#define MS_WORKERS_H

#include "claims.h"
#include "ms_archive.h"

/* The work of a parallel rebuild: which shard each file is in, and where
 * each worker writes. Every path is owned by the plan (rebuild.c). */
typedef struct ms_run_plan {
    const ms_archive_listing_t *listing; /* the walk (borrowed) */
    unsigned *shard_of;                  /* the shard of each listed file */
    unsigned jobs;                       /* shards, and workers */
    char *shards;                        /* "<generation>/.shards" */
    char **dbs;                          /* "<shards>/<k>": worker k's database */
    char **results;                      /* "<shards>/<k>.result": what it tells */
} ms_run_plan_t;

/* Fork one worker per shard of 'plan', each indexing its files into its
 * database and leaving its result file, and wait for them all, drawing
 * the progress bar from what they tell. The first worker that fails
 * makes the others stop. Returns an exit code. */
int ms_run__workers_run(ms_run_ctx_t *run, const ms_run_plan_t *plan);

#endif /* MS_WORKERS_H */
