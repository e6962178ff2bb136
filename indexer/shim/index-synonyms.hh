/* index-synonyms.hh - the synonym table of a database, as phrases.cc reads it
 * (synonyms.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. synonyms.cc writes the table
 * (ms_index_set_synonyms); phrases.cc indexes its entries of several words
 * as terms (index-phrases.hh) and reads them here.
 */
#ifndef MS_INDEX_SYNONYMS_HH
#define MS_INDEX_SYNONYMS_HH

#include <set>
#include <string>

#include <xapian.h>

/* The entries of several words in the synonym table of 'db', its keys
 * and values. A writable database's holds what was written and not yet
 * committed. */
std::set<std::string> ms_index__synonym_phrases(const Xapian::Database &db);

#endif /* MS_INDEX_SYNONYMS_HH */
