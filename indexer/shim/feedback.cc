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
 *
 * With a window (search.feedback_window) they reorder only the first
 * match's best 'window' documents: each of those gets its feedback weight
 * on top of its own, and the rest keep their own order after them. The
 * second match then weighs the expansion terms for those documents, not
 * for every match, which pays where a query matches many documents; the
 * first match, which must find the window, costs more. So the window is
 * used only for a query whose words the index holds in many more
 * documents than the window (MS_INDEX_WINDOW_FACTOR times), which the
 * term frequencies tell before any match (docs/performance.md, "Feedback
 * over a window", "A window only where it pays"). When the page lies
 * inside the window, the second match is of the window's documents only,
 * and the first match, checking as many matches as the page's would,
 * gives the totals ("Issue 20: feedback, a match of the window only").
 */
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "index-partition.hh"
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

/* A filter that passes the documents 'docs' (numbers of the combined
 * database) and no other, in a local database of any layout a reader
 * combines: each partition of each shard is a sub-database (partition.cc).
 * Xapian 1.4 gives init() each sub-database alone, in its own document
 * numbers, and numbers document 'local' of sub-database 'i' of n as
 * (local - 1) * n + i + 1; the sub-database is told by its UUID, whose
 * place in 'uuids' is i. */
class WindowSource : public Xapian::PostingSource
{
  public:
    WindowSource(std::shared_ptr<const std::vector<std::string>> uuids,
                 std::shared_ptr<const std::vector<Xapian::docid>> docs)
        : uuids_(std::move(uuids)), docs_(std::move(docs))
    {
    }
    WindowSource *clone() const override
    {
        return new WindowSource(uuids_, docs_);
    }
    void init(const Xapian::Database &db) override
    {
        auto found = std::find(uuids_->begin(), uuids_->end(), db.get_uuid());
        if (found == uuids_->end())
            throw Xapian::InvalidOperationError(
                "feedback window: a sub-database unknown");
        Xapian::docid n = static_cast<Xapian::docid>(uuids_->size());
        Xapian::docid i = static_cast<Xapian::docid>(found - uuids_->begin());
        here_.clear();
        for (Xapian::docid did : *docs_)
            if ((did - 1) % n == i)
                here_.push_back((did - 1) / n + 1);
        std::sort(here_.begin(), here_.end());
        at_ = BEFORE;
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return count();
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return count();
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return count();
    }
    void next(double) override
    {
        at_ = at_ == BEFORE ? 0 : at_ + 1;
    }
    void skip_to(Xapian::docid did, double) override
    {
        size_t from = at_ == BEFORE ? 0 : at_;
        auto begin = here_.begin() + static_cast<std::ptrdiff_t>(from);
        at_ = static_cast<size_t>(std::lower_bound(begin, here_.end(), did) -
                                  here_.begin());
    }
    bool at_end() const override
    {
        return at_ != BEFORE && at_ >= here_.size();
    }
    Xapian::docid get_docid() const override
    {
        return here_[at_];
    }

  private:
    static constexpr size_t BEFORE = SIZE_MAX; /* not started: next() gives the first */
    Xapian::doccount count() const
    {
        return static_cast<Xapian::doccount>(here_.size());
    }

    std::shared_ptr<const std::vector<std::string>> uuids_;
    std::shared_ptr<const std::vector<Xapian::docid>> docs_;
    std::vector<Xapian::docid> here_; /* this sub-database's, in its numbers, sorted */
    size_t at_ = BEFORE;
};

/* The UUIDs of the sub-databases of 'db' in their order (Xapian joins
 * them with ':'), or none when one has none or two share one (a copy
 * made without a new UUID): WindowSource cannot tell them apart then. */
std::vector<std::string>
sub_uuids(const Xapian::Database &db)
{
    std::vector<std::string> uuids;
    std::string all = db.get_uuid();
    for (size_t from = 0; !all.empty();) {
        size_t to = all.find(':', from);
        uuids.push_back(all.substr(from, to == std::string::npos ? to : to - from));
        if (uuids.back().empty())
            return {};
        if (to == std::string::npos)
            break;
        from = to + 1;
    }
    std::vector<std::string> sorted(uuids);
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return {};
    return uuids;
}

/* A filter that passes the documents of 'top' and no other. Locally a
 * WindowSource; over remote shards, which cannot run a posting source of
 * ours, or sub-databases it cannot tell apart, an OR of the documents' id
 * terms (each id is the sort key of its hit: search.cc sorts equal
 * weights by id), the same documents for a few more term lookups. */
Xapian::Query
window_filter(ms_index_t *idx, const Xapian::MSet &top)
{
    std::vector<std::string> uuids;
    if (!ms_index__remote_view)
        uuids = sub_uuids(*idx->db);
    if (!uuids.empty()) {
        auto docs = std::make_shared<std::vector<Xapian::docid>>();
        for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it)
            docs->push_back(*it);
        auto source = new WindowSource(
            std::make_shared<const std::vector<std::string>>(std::move(uuids)), docs);
        return Xapian::Query(source->release());
    }
    std::vector<Xapian::Query> ids;
    for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it) {
        std::string id = it.get_sort_key();
        if (id.empty())
            id = it.get_document().get_value(MS_INDEX_SLOT_ID);
        ids.emplace_back(MS_SCHEMA_PREFIX_ID + id);
    }
    return Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end());
}

/* 'window', or 0 when the words of 'parsed' are in fewer than
 * MS_INDEX_WINDOW_FACTOR times as many documents (the sum of their
 * frequencies, an upper bound on the matches of the words alone): a query
 * that matches few more documents than the window reorders every match. */
Xapian::doccount
window_for(ms_index_t *idx, const ms_index_parsed &parsed, Xapian::doccount window)
{
    if (window == 0)
        return 0;
    uint64_t need = static_cast<uint64_t>(window) * MS_INDEX_WINDOW_FACTOR, found = 0;
    for (auto t = parsed.words.get_unique_terms_begin();
         t != parsed.words.get_unique_terms_end() && found < need; ++t)
        found += ms_index__termfreq(idx, *t);
    return found >= need ? window : 0;
}

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

ms_index_feedback
ms_index__feedback(Xapian::Enquire &enquire, ms_index_t *idx,
                   const ms_index_parsed &parsed, const ms_index_scope &scope,
                   Xapian::doccount window, Xapian::doccount page_end,
                   Xapian::doccount check)
{
    ms_index_feedback done;
    /* A phrase in a query without quotes is words the parser joined. */
    bool joined = parsed.text.find('"') == std::string::npos;
    if (!words_only(parsed.words, joined))
        return done;
    window = window_for(idx, parsed, window);
    Xapian::doccount wanted = window ? std::max(window, FEEDBACK_DOCS) : FEEDBACK_DOCS;
    /* A window that will hold the page gives the totals too; only for
     * words apart, not joined into a phrase, which Xapian 1.4 can weigh
     * wrongly in a match filtered to the window (below), nor boosted by a
     * typed symbol. */
    bool apart = words_only(parsed.ranked, false);
    bool may_hold = window && apart && page_end <= wanted;
    done.first = enquire.get_mset(0, wanted, may_hold ? std::max(check, wanted) : 0);
    const Xapian::MSet &top = done.first;
    if (top.empty())
        return done;
    std::vector<Xapian::docid> docs;
    for (Xapian::MSetIterator it = top.begin();
         it != top.end() && docs.size() < FEEDBACK_DOCS; ++it)
        docs.push_back(*it);
    StemDecider decider(parsed.words);
    std::vector<std::pair<std::string, double>> eset =
        ms_index__expand(idx, docs, FEEDBACK_TERMS, MS_SCHEMA_PREFIX_STEM, decider);
    if (eset.empty())
        return done;
    std::vector<Xapian::Query> more;
    size_t kept = ms_index__expand_kept(eset, FEEDBACK_CUT);
    for (size_t i = 0; i < kept; i++)
        more.emplace_back(eset[i].first);
    Xapian::Query extra(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(Xapian::Query::OP_OR, more.begin(), more.end()),
                        FEEDBACK_WEIGHT);
    Xapian::Query query(Xapian::Query::OP_AND_MAYBE, parsed.ranked, extra);
    /* Every match outside the window weighs no more than the window's last
     * (and sorts after it on a tie), and feedback only adds weight, so the
     * window is the first 'wanted' hits of every match. A page inside it,
     * or a window holding every match, needs a match of the window only:
     * the same weights, for 'wanted' documents instead of every match.
     * With a phrase, Xapian 1.4.22 can credit it, in a match filtered to
     * a set of documents, to one that lacks a word of it: in Cranfield's
     * query 17, document 94, without "three", gets the weight of "three
     * dimensional" (docs/performance.md, "Issue 20: feedback, a match of
     * the window only"); such a query is matched over every match, as
     * before. */
    done.window_only = may_hold || (window && apart && top.size() < wanted);
    if (done.window_only)
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, window_filter(idx, top));
    else if (window)
        query = Xapian::Query(
            Xapian::Query::OP_AND_MAYBE, parsed.ranked,
            Xapian::Query(Xapian::Query::OP_FILTER, extra, window_filter(idx, top)));
    enquire.set_query(ms_index__restrict(query, scope));
    done.expanded = true;
    return done;
}
