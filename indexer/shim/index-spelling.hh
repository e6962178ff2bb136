/* index-spelling.hh - where a sharded index keeps its spelling (spelling.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. The words of the documents of partition
 * P of every shard are in the dictionary of P in shard 0, which a search
 * host keeps locally (docs/index-schema.md, "Spelling"); the writer puts
 * them there (spelling.cc), and moves there, once, those an index written
 * before kept in the shard of each document.
 */
#ifndef MS_INDEX_SPELLING_HH
#define MS_INDEX_SPELLING_HH

#include "index-handle.hh"

/* The metadata key of shard 0's "public" that says every shard's
 * spelling is in shard 0, and its value. */
#define MS_INDEX_SPELLING_KEY "spelling"
#define MS_INDEX_SPELLING_IN_SHARD_0 "shard-0"

/* A writer's, just opened: of a sharded index without
 * MS_INDEX_SPELLING_KEY, the words of the other shards' dictionaries
 * moved to those of shard 0, and the key set (in the transactions the
 * next commit ends). Nothing for an index of one shard. */
void ms_index__spelling_gather(ms_index_handle *handle);

#endif /* MS_INDEX_SPELLING_HH */
