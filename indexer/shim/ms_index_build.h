/* ms_index_build.h - building an index: generations, merging, checks
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The part of the ms_index C API that only migsearch-index (and tests)
 * use: where a rebuild writes and how it goes live, the merge of a
 * parallel rebuild's pieces, walks that check an index, and what waits
 * for a rebuild. Searching and serving need only ms_index.h.
 */
#ifndef MS_INDEX_BUILD_H
#define MS_INDEX_BUILD_H

#include <stdbool.h>

#include "ms_index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Generations. The live index at 'path' is a symbolic link to a sibling
 * directory "<path>.gen-<N>" holding the index's partitions (one Xapian
 * database per access set, docs/index-schema.md); a rebuild fills
 * a new generation and swaps the link with rename(2), so a reader only
 * ever opens a complete one. ms_index_open() follows the link, and
 * ms_index_refresh() on a reader notices a switch and opens the new
 * generation. A plain database directory at 'path' (the layout of older
 * versions) keeps working and becomes a link at the first switch.
 *
 * The functions below change what is at 'path'. They do not lock: the
 * caller (migsearch-index) holds its own lock on "<path>.lock" around
 * them, so that only one of them runs at a time. Paths are given as for
 * ms_index_open(); a trailing '/' is ignored. */

/* Choose the directory of a new, empty generation beside 'path': one
 * number past every generation there. Nothing is created; open it with
 * ms_index_open(MS_INDEX_WRITE), fill it, commit, close it, then pass it
 * to ms_index_generation_switch().
 *
 * *out is owned by the caller; release it with ms_index_string_free().
 * Returns MS_INDEX_OK, MS_INDEX_IO (the folder of 'path' cannot be read;
 * message in 'err') or MS_INDEX_NOMEM. */
ms_index_status_t ms_index_generation_new(char **out, const char *path,
                                          ms_index_error_t *err) MS_NOEXCEPT;

/* Make 'generation' (from ms_index_generation_new) the index at 'path' in
 * one atomic step, then remove every other generation and, at the first
 * switch, the plain directory 'path' was. A reader that has an old
 * generation open keeps reading it until its next ms_index_refresh().
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND ('generation' holds no index),
 * MS_INDEX_IO (message in 'err'; the old index is then still live) or
 * MS_INDEX_NOMEM. */
ms_index_status_t ms_index_generation_switch(const char *path, const char *generation,
                                             ms_index_error_t *err) MS_NOEXCEPT;

/* Open the index 'path' for writing as ms_index_open(MS_INDEX_WRITE) does,
 * as an index of 'shards' shards (index.shards; docs/index-schema.md,
 * "Shards"): an empty folder gets that many; an index with another
 * number is refused with MS_INDEX_IO and a message saying to rebuild. */
ms_index_status_t ms_index_open_shards(ms_index_t **out, const char *path,
                                       unsigned shards,
                                       ms_index_error_t *err) MS_NOEXCEPT;

/* The number of shards of the index at 'path' (1 for an unsharded
 * one), or 0 if there is none. */
unsigned ms_index_shard_count(const char *path) MS_NOEXCEPT;

/* Whether the index at 'path' has a layout older than partitions (one
 * database for every access set): readers still open it, writers refuse
 * it, and migsearch-index rebuilds it. False if nothing is there. */
bool ms_index_outdated(const char *path) MS_NOEXCEPT;

/* Remove what a killed rebuild left beside 'path': every generation that
 * 'path' does not point at, and a half-done switch. The live index is
 * never touched. Returns MS_INDEX_OK, MS_INDEX_IO or MS_INDEX_NOMEM. */
ms_index_status_t ms_index_generation_prune(const char *path,
                                            ms_index_error_t *err) MS_NOEXCEPT;

/* Merge the indexes at 'sources' (n_sources of them, each written and
 * closed by its own writer, none open for writing now) into a new index
 * at 'dest', for a rebuild split over several processes. 'dest' may be an
 * existing folder but must not hold an index yet. Documents keep their
 * ids and data, with new Xapian document numbers in the order of the
 * sources; spelling frequencies of a word are summed over the sources and
 * synonym groups united, as one writer putting every document would have
 * left them. Metadata keys are united: the sources must be disjoint
 * except for keys with the same value everywhere (such as "schema").
 * Nothing is opened for writing afterwards: open 'dest' with
 * ms_index_open() to add to it.
 *
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (no sources, or a source is
 * missing), MS_INDEX_IO ('dest' holds an index, a source has another
 * schema, or a file cannot be written), MS_INDEX_BAD_QUERY (two sources
 * hold different values under one metadata key; the message names it),
 * MS_INDEX_XAPIAN or MS_INDEX_NOMEM, with the message in 'err' (may be
 * NULL). On failure 'dest' may hold part of an index; the caller removes
 * it. Reads the sources only. */
ms_index_status_t ms_index_merge(const char *dest, const char *const *sources,
                                 size_t n_sources, ms_index_error_t *err) MS_NOEXCEPT;

/* Write into 'dest' the index of n shards that merging the shards of the
 * index 'source' gives: its shard K goes to shard K mod n (n = 1: one
 * database). Since a document's shard is FNV-1a(id) mod N, and
 * (h mod M) mod n = h mod n when n divides M, that is the index a writer
 * of n shards leaves, with other Xapian document numbers: merging an index
 * of 4 shards gives those of 2 and of 1 without indexing again (the
 * 1M-document bench, tests/bench/shards.sh). Partitions are compacted as
 * by ms_index_merge(). 'dest' (the folder of a generation) may exist but
 * must not hold an index; 'source' is read only.
 *
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (no 'source', or a partition of
 * it is missing), MS_INDEX_IO ('dest' holds an index, 'source' has one
 * shard or a number that n does not divide, or a file cannot be written),
 * MS_INDEX_BAD_QUERY, MS_INDEX_XAPIAN or MS_INDEX_NOMEM, as
 * ms_index_merge(). On failure 'dest' may hold part of an index. */
ms_index_status_t ms_index_reshard(const char *dest, const char *source, unsigned n,
                                   ms_index_error_t *err) MS_NOEXCEPT;

/* The CPU seconds writer 'idx' spent in each phase of its puts and
 * commits since ms_index_open(), from the process's CPU clock (the
 * indexer's profile of a rebuild, docs/performance.md). */
typedef struct ms_index_profile {
    /* Each document made into a Xapian document: TermGenerator's words,
     * stems, CJK n-grams and positions, the field terms, values and the
     * stored record. */
    double terms;
    /* Xapian's add or replace of each document: its postings, positions
     * and term list into the writer's in-memory buffers, the look-up of
     * its id. */
    double inversion;
    /* The spelling dictionary: each document's words counted, and added
     * at each commit (nothing with spelling off). */
    double spelling;
    /* The commits less the dictionary: the B-tree tables written
     * (postings, positions, term lists, stored records, zlib). */
    double commit;
} ms_index_profile_t;

/* Copy writer 'idx''s profile into 'out'. */
void ms_index_profile(ms_index_profile_t *out, const ms_index_t *idx) MS_NOEXCEPT;

/* Called for each word of ms_index_spelling_each() or term of
 * ms_index_term_each() with its count; 'word' is borrowed for the call.
 * Return 0 to go on, anything else to stop. */
typedef int (*ms_index_word_cb)(const char *word, unsigned long count, void *payload);

/* Call 'fn' for every word of the spelling dictionary with its frequency,
 * in byte order; for checking an index (a merge against one writer), not
 * for serving. 'fn' must not change 'idx'.
 * Returns MS_INDEX_OK, MS_INDEX_MODIFIED, MS_INDEX_NOMEM or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_spelling_each(ms_index_t *idx, ms_index_word_cb fn,
                                         void *payload) MS_NOEXCEPT;

/* Call 'fn' for every synonym entry as (key, synonym), keys and their
 * synonyms in byte order. Returns as ms_index_spelling_each(). */
ms_index_status_t ms_index_synonym_each(ms_index_t *idx, ms_index_metadata_cb fn,
                                        void *payload) MS_NOEXCEPT;

/* Call 'fn' for every term of the document 'id' with its wdf, in byte
 * order. Returns as ms_index_spelling_each(), or MS_INDEX_NOT_FOUND. */
ms_index_status_t ms_index_term_each(ms_index_t *idx, const char *id, ms_index_word_cb fn,
                                     void *payload) MS_NOEXCEPT;

/* The synonym entries of several words ("return migration") that searches
 * of the READ handle 'idx' still match word by word, from the positions of
 * the words (docs/index-schema.md, "Synonym phrases"): entries added to the
 * synonyms after documents that are still in the index were written. A
 * full rebuild indexes them as terms; until then the same documents are
 * found, more slowly in a large archive. Over every partition and shard,
 * whatever the viewer; sorted; empty for an index without documents.
 * *out: the caller's, ms_strings_free().
 * Returns MS_INDEX_OK, MS_INDEX_NOMEM, MS_INDEX_IO or MS_INDEX_XAPIAN;
 * MS_INDEX_INTERNAL on a WRITE handle. */
ms_index_status_t ms_index_phrases_unindexed(ms_strings_t **out,
                                             ms_index_t *idx) MS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MS_INDEX_BUILD_H */
