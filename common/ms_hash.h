/* ms_hash.h - a 64-bit hash of bytes (FNV-1a), written once
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * For hash tables and fingerprints, never for security: the indexer's
 * state and string map, a document's shard (docs/index-schema.md
 * "Shards": FNV-1a of its id, so this is part of the index format), the
 * index state and the server's kept answers.
 */
#ifndef MS_HASH_H
#define MS_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a hash starts (FNV-1a's offset basis). */
#define MS_HASH_INIT 0xcbf29ce484222325ULL

/* 'hash' continued over the 'len' bytes at 'data' (start with
 * MS_HASH_INIT). */
uint64_t ms_hash(uint64_t hash, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MS_HASH_H */
