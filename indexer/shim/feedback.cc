/* feedback.cc - pseudo relevance feedback: the best hits reorder a search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * For a query of words only ranked by relevance (docs/relevance.md), the
 * best FEEDBACK_TERMS stems of the first FEEDBACK_DOCS hits (chosen as
 * Enquire::get_eset() would, with cached term frequencies: expand.cc),
 * less those weighing under FEEDBACK_CUT of the best one's expansion
 * weight, are added at FEEDBACK_WEIGHT of their BM25 weight. They only
 * reorder: a document must still match the query (OP_AND_MAYBE), so
 * totals and facets count what the user typed.
 */
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "index-private.hh"

#define FEEDBACK_DOCS 10u
#define FEEDBACK_TERMS 20u
#define FEEDBACK_WEIGHT 0.2
/* The expansion terms are most of the second match's cost (44% of a
 * search on 10,000 synthetic documents); those under a tenth of the best
 * one's weight barely move a ranking of the test collections
 * (docs/performance.md, "Feedback without a second full match"). */
#define FEEDBACK_CUT 0.1

namespace
{

/* Expansion terms: stems only (the form a typed word searches), none the
 * query already has. */
class StemDecider : public Xapian::ExpandDecider
{
  public:
    explicit StemDecider(const Xapian::Query &query)
        : terms_(query.get_unique_terms_begin(), query.get_unique_terms_end())
    {
    }
    bool operator()(const std::string &term) const override
    {
        if (term.size() <= 1 || term[0] != MS_SCHEMA_PREFIX_STEM[0])
            return false;
        /* A binary search, written out: a handful of query terms. */
        auto it = std::lower_bound(terms_.begin(), terms_.end(), term);
        return it == terms_.end() || *it != term;
    }

  private:
    std::vector<std::string> terms_;
};

} /* namespace */

/* Whether 'query' is words only: terms, their synonyms and ORs of them,
 * no phrase, boolean operator, filter or wildcard the user asked for.
 * With 'joined' a phrase counts as words: the parser makes one of words
 * joined by a hyphen or a dot ("non-users", "e.g."), which the user typed
 * as words (docs/relevance.md: feedback for those queries too lifts
 * Cranfield's MAP from .329 to .339). */
static bool
words_only(const Xapian::Query &query, bool joined)
{
    switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM:
        return !(*query.get_terms_begin()).empty();
    case Xapian::Query::OP_PHRASE:
        if (!joined)
            return false;
        /* fall through */
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_SCALE_WEIGHT:
        for (size_t i = 0; i < query.get_num_subqueries(); i++)
            if (!words_only(query.get_subquery(i), joined))
                return false;
        return true;
    default:
        return false;
    }
}

bool
ms_index__feedback(Xapian::Enquire &enquire, ms_index_t *idx,
                   const ms_index_parsed &parsed, const Xapian::Query *restrictions,
                   const Xapian::Query &visible)
{
    /* A phrase in a query without quotes is words the parser joined. */
    bool joined = parsed.text.find('"') == std::string::npos;
    if (!words_only(parsed.words, joined))
        return false;
    Xapian::MSet top = enquire.get_mset(0, FEEDBACK_DOCS);
    if (top.empty())
        return false;
    std::vector<Xapian::docid> docs;
    for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it)
        docs.push_back(*it);
    StemDecider decider(parsed.words);
    std::vector<std::pair<std::string, double>> eset =
        ms_index__expand(idx, docs, FEEDBACK_TERMS, MS_SCHEMA_PREFIX_STEM, decider);
    if (eset.empty())
        return false;
    std::vector<Xapian::Query> more;
    size_t kept = ms_index__expand_kept(eset, FEEDBACK_CUT);
    for (size_t i = 0; i < kept; i++)
        more.emplace_back(eset[i].first);
    Xapian::Query extra(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(Xapian::Query::OP_OR, more.begin(), more.end()),
                        FEEDBACK_WEIGHT);
    Xapian::Query query(Xapian::Query::OP_AND_MAYBE, parsed.ranked, extra);
    if (restrictions)
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, *restrictions);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, visible));
    return true;
}
