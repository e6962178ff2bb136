/* index-phrases.hh - synonym phrases indexed as terms (phrases.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. A synonym entry of several words ("return
 * migration") is matched as a phrase (query.cc), which Xapian confirms by
 * reading the positions of its words in every document that has them all.
 * A writer also indexes each such phrase a document holds as one term,
 * MS_SCHEMA_PREFIX_PHRASE + the entry, and each database lists under
 * MS_INDEX_PHRASES_KEY the entries every one of its documents was indexed
 * with; a search matches the term instead of the phrase when every
 * database it reads lists the entry (docs/index-schema.md, "Synonym
 * phrases").
 */
#ifndef MS_INDEX_PHRASES_HH
#define MS_INDEX_PHRASES_HH

#include <set>
#include <string>

#include "index-handle.hh"

/* The metadata key of each database (each shard's partition): the entries
 * it has the phrase terms of, sorted, one a line. */
#define MS_INDEX_PHRASES_KEY "phrase_terms"

/* A writer's, before 'xdoc' goes into the active partition: the term of
 * each entry of several words of the index's synonym table (read again
 * at the first put after ms_index_set_synonyms()) whose phrase 'xdoc' holds, with the wdf
 * Xapian gives the phrase (the least wdf of its words); and the partition's list cut to
 * the entries this writer indexes, once a partition. */
void ms_index__phrases_put(ms_index_t *idx, Xapian::Document &xdoc);

/* A reader's: 'query' with each synonym phrase (an OP_PHRASE inside an
 * OP_SYNONYM, which only query.cc makes) that every database of the
 * reader's view has the terms of replaced by its term. A writer's, or a
 * view with a remote shard: 'query' as it is. */
Xapian::Query ms_index__phrases_as_terms(ms_index_t *idx, const Xapian::Query &query);

/* The merged value of MS_INDEX_PHRASES_KEY of several sources: the
 * entries all of them list (compact.cc). */
std::string ms_index__phrases_merged(size_t n, const std::string values[]);

#endif /* MS_INDEX_PHRASES_HH */
