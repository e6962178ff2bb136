/* run.h - one migsearch-index run: its options, and ms_run()
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index: what main.c needs to start a run. main.c
 * parses the command line and prints; run.c takes the lock and hands the
 * work to update.c or rebuild.c. The parts of a run below it have their
 * own headers (report.h, claims.h, writer.h, load.h, update.h, workers.h,
 * rebuild.h, shard.h, state.h, strmap.h, lock.h, progress.h, util.h).
 */
#ifndef MS_RUN_H
#define MS_RUN_H

#include <stdbool.h>

#include "ms_archive.h"
#include "report.h"

typedef struct ms_run_options {
    const char *archive;    /* the archive folder */
    const char *index_path; /* index.path: the live index (a link) */
    ms_archive_options_t archive_options;
    unsigned batch_size;       /* documents per commit */
    bool rebuild;              /* build a new generation and switch to it */
    bool spelling;             /* index.spelling */
    const char *synonyms_path; /* index.synonyms; "": none */
    bool progress;             /* draw the progress bar on stderr */
    unsigned jobs;             /* worker processes of a rebuild (index.jobs, resolved:
                                  at least 1); 1 is one writer in this process */
    unsigned shards;           /* index.shards: shards of the index it writes */
} ms_run_options_t;

/* Take the lock, then update (or rebuild) the index at opts->index_path
 * from opts->archive, logging problems as they happen (ms_log) and
 * filling *report (zeroed first; the caller releases it with
 * ms_run_report_clear(), whatever the outcome). Returns an ms_exit code. */
int ms_run(ms_run_report_t *report, const ms_run_options_t *opts);

#endif /* MS_RUN_H */
