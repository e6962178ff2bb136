/* index-words.hh - rewriting the terms of a parsed query (terms.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: the query rewriting that synonym phrases
 * (query.cc, phrases.cc), the query in every language (multilingual.cc)
 * and wildcards share, defined in terms.cc.
 * Kept apart from index-private.hh, which holds the rest.
 */
#ifndef MS_INDEX_WORDS_HH
#define MS_INDEX_WORDS_HH

#include <functional>
#include <string>

#include "index-private.hh"

/* A function that may replace one term of a query: returns true with the
 * replacement in *out, or false to keep 'leaf' as it is. A wildcard is
 * passed too, with an empty 'term' (its pattern is in 'leaf'). */
typedef std::function<bool(const Xapian::Query &leaf, const std::string &term,
                           Xapian::Query *out)>
    ms_index_term_map;

/* 'query' with the terms 'map' replaces replaced and the operators above
 * them rebuilt (*changed set if any). Only operators without parameters
 * are rebuilt: the parser puts no stems or synonyms under the others. */
Xapian::Query ms_index__map_terms(const Xapian::Query &query,
                                  const ms_index_term_map &map, bool *changed);

/* A function that may replace a subquery: given each one, and whether it
 * is a side of an OP_SYNONYM, it returns true with the replacement in
 * *out, or false to keep it (and walk below it). */
typedef std::function<bool(const Xapian::Query &sub, bool in_synonym, Xapian::Query *out)>
    ms_index_query_map;

/* The walk of ms_index__map_terms() over every subquery, the query itself
 * first: synonym phrases as terms (phrases.cc) replace a phrase. */
Xapian::Query ms_index__map_queries(const Xapian::Query &query,
                                    const ms_index_query_map &map, bool in_synonym,
                                    bool *changed);

/* 'query' (parsed by 'parser') with each stemmed word also matching its
 * stems by the other languages of its script that the index's documents
 * are in (multilingual.cc). */
Xapian::Query ms_index__in_each_language(const Xapian::Query &query,
                                         const Xapian::QueryParser &parser,
                                         const Xapian::Database &db);

/* The pattern of the wildcard 'query' (Xapian 1.4 has no accessor: read
 * from its description), or "" when it cannot be read back exactly
 * (wildcards.cc). */
std::string ms_index__wildcard_pattern(const Xapian::Query &query);

#endif /* MS_INDEX_WORDS_HH */
