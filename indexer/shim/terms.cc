/* terms.cc - rewriting the terms of a parsed query (index-words.hh)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One walk over a parsed query that lets a function replace its terms:
 * synonym phrases (query.cc) and the stems of other languages
 * (multilingual.cc) are both such a replacement. Kept apart from both, so
 * that each uses it without depending on the other.
 */
#include <vector>

#include "index-words.hh"

Xapian::Query
ms_index__map_terms(const Xapian::Query &query, const ms_index_term_map &map,
                    bool *changed)
{
    Xapian::Query::op op = query.get_type();
    switch (op) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::OP_WILDCARD: {
        Xapian::Query replaced;
        std::string term = op == Xapian::Query::LEAF_TERM ? *query.get_terms_begin() : "";
        if (!map(query, term, &replaced))
            return query;
        *changed = true;
        return replaced;
    }
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
            subqueries.push_back(ms_index__map_terms(query.get_subquery(i), map, &any));
        if (!any)
            return query;
        *changed = true;
        return Xapian::Query(op, subqueries.begin(), subqueries.end());
    }
    default:
        return query;
    }
}
