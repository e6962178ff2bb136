/* ms_last_run.h - the indexer's last_run report, as the server reads it
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * migsearch-index stores the report of each run in the index's metadata
 * under "last_run" (docs/staff.md, the --json object). /health shows when
 * it finished and how many files it kept at their last good version;
 * /metrics turns it into the indexer's gauges. One reader for both.
 */
#ifndef MS_LAST_RUN_H
#define MS_LAST_RUN_H

#include <jansson.h>

#include "ms_buf.h"
#include "ms_worker.h"

/* The report of the last run from the worker's open index ('w->idx' must be
 * open), or NULL when there is none or it cannot be read: callers must not
 * fail over a report. Caller decrefs. */
json_t *ms_last_run_get(ms_worker_t *w);

/* Append the indexer's gauges from 'report' (may be NULL: nothing is
 * appended) to 'b' in Prometheus text format: when the run finished, its
 * exit status, duration, failed and kept files. */
void ms_last_run_metrics(ms_buf_t *b, const json_t *report);

#endif /* MS_LAST_RUN_H */
