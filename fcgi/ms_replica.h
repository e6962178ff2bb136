/* ms_replica.h - a search host's replication status, for /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * On a search host whose index is a replica kept by migsearch-replica
 * (packaging/cluster/, docs/admins.md "Scaling out"), the follower writes
 * its status beside the index, at index.path + ".replica": the master, the
 * generation, the partitions, when its last cycle that brought every
 * partition to the master's state began ("current_at", Unix seconds), when
 * it last tried ("checked_at") and the error of the last failed cycle. The
 * replication lag is at most now - current_at. No file: not a replica, and
 * /health and /metrics say nothing of replication. One reader for both.
 */
#ifndef MS_REPLICA_H
#define MS_REPLICA_H

#include <jansson.h>

#include "ms_buf.h"

/* The "replication" object of /health for the index at 'index_path': master,
 * generation, partitions, current_at and checked_at (ISO 8601 UTC),
 * lag_seconds (null before the first current cycle) and error (only when
 * the last cycle failed); NULL when there is no readable status file.
 * Caller decrefs. */
json_t *ms_replica_health(const char *index_path);

/* Append the replication gauges for 'index_path' to 'b' (Prometheus text):
 * lag, last current cycle, last attempt, partitions, failing. Nothing
 * without a status file. */
void ms_replica_metrics(ms_buf_t *b, const char *index_path);

#endif /* MS_REPLICA_H */
