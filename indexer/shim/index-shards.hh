/* index-shards.hh - the name of a shard's folder (shards.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. The rest of the shards' layout is in
 * index-partition.hh; this header exists so that compact.cc, which merges
 * the shards of one index into fewer, names them by the one rule without
 * every file of the shim depending on it.
 */
#ifndef MS_INDEX_SHARDS_HH
#define MS_INDEX_SHARDS_HH

#include <string>

/* "shard-K/": the folder of shard K of an index of several shards,
 * relative to the index folder, with its trailing slash. */
std::string ms_index__shard_folder(unsigned k);

#endif
