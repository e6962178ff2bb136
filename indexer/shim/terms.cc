/* terms.cc - rewriting the terms of a parsed query (index-words.hh)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One walk over a parsed query that lets a function replace its
 * subqueries, and over it one that replaces its terms: synonym phrases
 * (query.cc), the stems of other languages (multilingual.cc) and a
 * synonym's phrase as its term (phrases.cc) are such replacements. Kept
 * apart from them, so that each uses it without depending on the others.
 */
#include <vector>

#include "index-words.hh"

Xapian::Query
ms_index__map_queries(const Xapian::Query &query, const ms_index_query_map &map,
                      bool in_synonym, bool *changed)
{
    Xapian::Query replaced;
    if (map(query, in_synonym, &replaced)) {
        *changed = true;
        return replaced;
    }
    Xapian::Query::op op = query.get_type();
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: {
        bool any = false;
        std::vector<Xapian::Query> subqueries;
        for (size_t i = 0; i < query.get_num_subqueries(); i++)
            subqueries.push_back(ms_index__map_queries(
                query.get_subquery(i), map, op == Xapian::Query::OP_SYNONYM, &any));
        if (!any)
            return query;
        *changed = true;
        return Xapian::Query(op, subqueries.begin(), subqueries.end());
    }
    default:
        return query;
    }
}

Xapian::Query
ms_index__map_terms(const Xapian::Query &query, const ms_index_term_map &map,
                    bool *changed)
{
    auto leaf = [&](const Xapian::Query &sub, bool, Xapian::Query *out) {
        Xapian::Query::op op = sub.get_type();
        if (op != Xapian::Query::LEAF_TERM && op != Xapian::Query::OP_WILDCARD)
            return false;
        std::string term = op == Xapian::Query::LEAF_TERM ? *sub.get_terms_begin() : "";
        return map(sub, term, out);
    };
    return ms_index__map_queries(query, leaf, false, changed);
}
