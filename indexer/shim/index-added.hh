/* index-added.hh - the time each document was first indexed (added.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: what the writer (index.cc, document.cc)
 * and the readers (search.cc, related.cc) use of added.cc, in value slot
 * MS_INDEX_SLOT_ADDED. Kept apart from index-private.hh, which holds the
 * rest.
 */
#ifndef MS_INDEX_ADDED_HH
#define MS_INDEX_ADDED_HH

#include <memory>
#include <string>

#include "index-private.hh"

/* The first-indexed time to write for the document with 'id_term'
 * replacing 'existing' (0 for a new one): the one 'existing' holds, else
 * the one the index of ms_index_keep_added() holds for 'id_term', else
 * now (added.cc). */
std::string ms_index__added_value(ms_index_t *idx, Xapian::docid existing,
                                  const std::string &id_term);

/* The index a writer takes first-indexed times from, owned by the handle
 * (index.cc); empty unless ms_index_keep_added() set it. */
std::unique_ptr<Xapian::Database> &ms_index__added_from(ms_index_t *idx);

/* Put the first-indexed time of 'xdoc', if it has one, first among doc's
 * fields, as the field of ms_schema.h with MS_FIELD_FROM_INDEX. Throws
 * std::bad_alloc; what was appended is freed with 'doc'. */
void ms_index__added_fill(ms_document_t *doc, const Xapian::Document &xdoc);

#endif /* MS_INDEX_ADDED_HH */
