/* wildcards.cc - wildcards expanded under the time budget, each pattern once
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Xapian 1.4 expands a wildcard inside get_mset(), where nothing can stop
 * it: to keep its most frequent terms it opens a posting list for every
 * term of the index that starts with the pattern, then merges the ones it
 * keeps into a tree of ORs whose set-up grows faster than the number of
 * terms. At the maxima the config allows (1024 wildcards of one or two
 * letters, 100,000 terms between them) that set-up alone ran for tens of
 * seconds on 10,000 documents (docs/admins.md "Limits on the work of one
 * request").
 *
 * Here a search's wildcards are expanded before the match instead: each
 * distinct pattern reads the term list once, looking at the budget every
 * few hundred terms, keeps the 'limit' most frequent terms (ties by term,
 * so the choice does not depend on the order of the term list) and
 * becomes the OP_SYNONYM of them that Xapian would have built (its default
 * combiner); no posting list is opened for a term that is not kept.
 */
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "index-budget.hh"
#include "index-words.hh"

/* Terms of the term list read between two looks at the budget. */
#define WILDCARD_CHECK_EVERY 256u

std::string
ms_index__wildcard_pattern(const Xapian::Query &query)
{
    /* "Query(WILDCARD <combiner> <pattern>)"; a backslash is written as
     * an escape, so such a pattern is not read back. */
    std::string desc = query.get_description();
    const std::string head = "Query(WILDCARD ";
    if (desc.compare(0, head.size(), head) != 0 || desc.back() != ')')
        return std::string();
    size_t at = desc.find(' ', head.size());
    if (at == std::string::npos)
        return std::string();
    std::string pattern = desc.substr(at + 1, desc.size() - at - 2);
    return pattern.find('\\') == std::string::npos ? pattern : std::string();
}

namespace
{

typedef std::pair<Xapian::doccount, std::string> frequent_term;

/* The walk of one query, with the expansion of each pattern seen. */
struct expansion {
    const Xapian::Database &db;
    unsigned limit;
    ms_index_budget &budget;
    std::map<std::string, Xapian::Query> done;

    /* The OP_SYNONYM of the 'limit' most frequent terms starting with
     * 'pattern'. */
    Xapian::Query of(const std::string &pattern)
    {
        auto hit = done.find(pattern);
        if (hit != done.end())
            return hit->second;
        /* Most frequent first, then by term. */
        auto before = [](const frequent_term &a, const frequent_term &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        };
        std::vector<frequent_term> kept;
        unsigned long read = 0;
        for (Xapian::TermIterator it = db.allterms_begin(pattern);
             it != db.allterms_end(pattern); ++it) {
            if (++read % WILDCARD_CHECK_EVERY == 0)
                budget.check();
            kept.emplace_back(it.get_termfreq(), *it);
            if (kept.size() > 2 * static_cast<size_t>(limit) + WILDCARD_CHECK_EVERY) {
                std::nth_element(kept.begin(), kept.begin() + limit, kept.end(), before);
                kept.resize(limit);
            }
        }
        size_t keep = std::min<size_t>(kept.size(), limit);
        std::partial_sort(kept.begin(), kept.begin() + static_cast<long>(keep),
                          kept.end(), before);
        kept.resize(keep);
        std::sort(kept.begin(), kept.end(),
                  [](const frequent_term &a, const frequent_term &b) {
                      return a.second < b.second;
                  });
        std::vector<Xapian::Query> terms;
        for (const frequent_term &term : kept)
            terms.emplace_back(term.second);
        Xapian::Query out(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
        done.emplace(pattern, out);
        return out;
    }
};

} /* namespace */

Xapian::Query
ms_index__expand_wildcards(const Xapian::Query &query, const Xapian::Database &db,
                           unsigned limit, ms_index_budget &budget)
{
    expansion expand{db, limit, budget, {}};
    /* Under the operators ms_index__map_terms() rebuilds; a wildcard under
     * another (none the parser makes) is left to Xapian. */
    auto each = [&](const Xapian::Query &leaf, const std::string &term,
                    Xapian::Query *out) {
        if (!term.empty() || leaf.get_type() != Xapian::Query::OP_WILDCARD)
            return false;
        std::string pattern = ms_index__wildcard_pattern(leaf);
        if (pattern.empty())
            return false;
        *out = expand.of(pattern);
        return true;
    };
    bool changed = false;
    return ms_index__map_terms(query, each, &changed);
}
