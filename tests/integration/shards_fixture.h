/* shards_fixture.h - the servers of the shard tests (shards_fixture.c)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_SHARDS_FIXTURE_H
#define MS_SHARDS_FIXTURE_H

#include "harness.h"

#include <stddef.h>
#include <sys/types.h>

#define ADI "/../shared/data/ir/adi"
#define BUDGET_MS 3000 /* search.time_budget_ms below */
/* The config every server of the fixture has (shards_fixture.c). */
#define WINDOW_CONFIG "search:\n  feedback_window: 5\n"

/* The test's folder, and its three servers: unsharded, 3 local shards,
 * 3 shards of which 1 and 2 remote. */
extern char base[64];
extern ms_it_t one, local, remote;
/* ms-shard-serve (own process groups) of shards 1 and 2, and in slot 3 a
 * second live replica of shard 1, at ports[slot]; dead_port answers no one. */
extern pid_t shard_host[4];
extern int ports[4], dead_port;

/* The suite's .init and .fini. */
void start(void);
void stop_all(void);
/* Serve slot 'k' of the shard hosts (again); kill it, its whole group. */
void serve_shard(int k);
void kill_host(int k);
/* Wait up to 10 s until /health's "shards" of 'remote' is 'want'
 * ("0:up 1:down ..."). */
void wait_states(const char *want);
/* "/search?q=<query>&per_page=100<filters>" */
void search_target(char *out, size_t size, const char *query, const char *filters);
/* The ids of a /search answer in order, its total, its facets, whether
 * they are estimated and what it skipped, as JSON text (free()). */
char *compared_parts(const ms_http_t *res);
/* Shard K of the document 'id' of 3 (docs/index-schema.md "Shards"). */
unsigned shard_of(const char *id);

#endif
