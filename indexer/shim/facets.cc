/* facets.cc - counts of filter values over every match of a search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The facets are the fields of ms_schema.h with MS_FIELD_FACET, in the
 * table's order (vocabulary.cc). Their values are boolean terms
 * (docs/index-schema.md), several per document for a multi-valued field.
 * A MatchSpy records every matching document (search.cc checks them all);
 * the counts then come from whichever is cheaper: the term list of each
 * match, walked over the facet prefixes only, or the posting list of each
 * facet value intersected with the matches. Reading a term list costs
 * about a hundred postings (measured: walking term lists made a facet
 * search over 2000 matches 8 times slower), so many matches are counted by
 * posting lists. Either way a document counts once per value, however
 * often the value is repeated or spelt: a term occurs once per document.
 *
 * How each value is shown, and the meeting facet's labels, are
 * display.cc's.
 *
 * Counting is exact up to search->facet_limit matches; a search with more
 * counts an even sample of them (every 2nd, 4th, ... match in document
 * order, at most facet_limit) and scales the counts to the total, saying
 * so in results->facets_estimated. Reading the values of a match costs
 * about a term list, so this bounds the cost of a search that matches
 * most of a large archive. A search with more than SAMPLE_AFTER times
 * facet_limit matches is not even walked whole: the pass stops there and
 * a second one looks only at every k-th document number of each
 * partition (StrideSource), k chosen from the first pass's estimate to
 * see about facet_limit matches, so that its cost stays that of a small
 * archive's search however large the archive (docs/performance.md,
 * "Facets over a stride").
 *
 * With a country or a status filter, the status and country facets are
 * derived from the (country, status) pairs instead (pairs.cc): the status
 * the filtered countries reported, the countries that reported a
 * filtered status. The pair terms are in MS_INDEX_SLOT_FACETS too, so
 * this costs no more reads.
 *
 * Over a view with a remote partition (a shard served by xapian-tcpsrv,
 * remote.cc) our spy cannot run: xapian-tcpsrv only builds the classes
 * of its Xapian::Registry. There Xapian's own ValueCountMatchSpy over
 * MS_INDEX_SLOT_FACETS counts, on each shard host, how many matches have
 * each distinct value, and Xapian merges the hosts' counts into the
 * search host's spy. A value is a document's whole set of facet terms in
 * byte order, so equal sets are equal strings: each distinct value is
 * taken apart here and its count added to each of its terms (and to the
 * derived facets of its pair terms), which gives the counts FacetSpy
 * gives. That spy keeps no sample and sends every distinct value (at
 * scale, nearly one a match) to the search host, so the facet pass over
 * remote shards checks only facet_limit matches of each remote shard
 * (search.cc): the first ones in document order, not an even sample; the
 * counts are then scaled to the estimate and marked estimated, as here.
 *
 * search.cc adds the spy only when facets are asked for, so a search
 * without facets pays nothing here.
 */
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "index-facets.hh"
#include "index-pairs.hh"
#include "index-partition.hh"

/* One term list read costs about as much as walking this many postings:
 * a term list is stored compressed and read whole, whatever its prefix.
 * Measured on 10,000 synthetic documents of about 280 words (Xapian 1.4,
 * glass): 27 us a term list, 37 ns a posting; an earlier 100, measured on
 * fewer, longer documents, sent searches with a few hundred matches to
 * term lists at three times the cost. */
#define TERMLIST_COST 700u

/* Matches the first facet pass walks before it samples instead, in
 * facet_limits. */
#define SAMPLE_AFTER 2u

namespace
{

typedef ms_index_facet_seen seen;
typedef ms_index_value_counts value_counts;

/* Records the documents that match; the counting happens afterwards,
 * when it is known how many there are. Past 'limit' documents it keeps an
 * even sample instead: every other one kept is dropped and from then on
 * only every 'stride'th match is recorded, the stride doubling each time,
 * so the sample spreads over all the matches (in document order) and is
 * the same for the same search. */
class FacetSpy : public Xapian::MatchSpy
{
  public:
    explicit FacetSpy(size_t limit) : limit_(std::max<size_t>(limit, 1))
    {
    }

    /* 'doc' comes from the partition that holds it, with that
     * partition's document number, not the view's (Xapian 1.4): its
     * facet value is read here, through the document itself. */
    void operator()(const Xapian::Document &doc, double) override
    {
        if (seen_++ % stride_ != 0)
            return;
        docs_.push_back(doc.get_docid());
        values_.push_back(doc.get_value(MS_INDEX_SLOT_FACETS));
        if (docs_.size() > limit_) {
            size_t kept = 0;
            for (size_t i = 0; i < docs_.size(); i += 2) {
                docs_[kept] = docs_[i];
                values_[kept++].swap(values_[i]);
            }
            docs_.resize(kept);
            values_.resize(kept);
            stride_ *= 2;
        }
    }

    std::string name() const override
    {
        return "migsearch.FacetSpy";
    }

    /* Every match seen is in docs_. */
    bool complete() const
    {
        return stride_ == 1;
    }

    /* The document numbers (a partition's, in a view of several) and
     * the MS_INDEX_SLOT_FACETS values of the matches kept. */
    std::vector<Xapian::docid> docs_;
    std::vector<std::string> values_;
    unsigned long seen_ = 0;

  private:
    size_t limit_;
    unsigned long stride_ = 1;
};

/* A filter that passes document numbers k, 2k, 3k... of each database it
 * is given (Xapian 1.4 gives init() each sub-database of a view alone, in
 * its own numbers): about one in k of any match, spread over the whole
 * archive, and the same for the same index. */
class StrideSource : public Xapian::PostingSource
{
  public:
    explicit StrideSource(Xapian::docid k) : k_(k)
    {
    }
    StrideSource *clone() const override
    {
        return new StrideSource(k_);
    }
    void init(const Xapian::Database &db) override
    {
        last_ = db.get_lastdocid();
        at_ = 0;
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0; /* documents may have been deleted */
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return last_ / k_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return last_ / k_;
    }
    void next(double) override
    {
        at_ = at_ > last_ - k_ ? last_ + 1 : at_ + k_;
    }
    void skip_to(Xapian::docid did, double) override
    {
        if (did <= at_)
            return;
        Xapian::docid up = (did - 1) / k_ + 1; /* the first multiple at or past did */
        at_ = up > last_ / k_ ? last_ + 1 : up * k_;
    }
    bool at_end() const override
    {
        return at_ > last_;
    }
    Xapian::docid get_docid() const override
    {
        return at_;
    }

  private:
    Xapian::docid k_;
    Xapian::docid last_ = 0;
    Xapian::docid at_ = 0; /* 0: not started */
};

/* The counting pass: 'spy' sees the matches of 'query', at least 'check'
 * of them. Membership only (BoolWeight) and the query as typed, without
 * feedback terms, which add no match: the ranked match keeps its pruning
 * instead of weighing every match with them. */
Xapian::MSet
count_pass(Xapian::MatchSpy *spy, ms_index_t *idx, const Xapian::Query &query,
           Xapian::doccount check)
{
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.add_matchspy(spy);
    return enquire.get_mset(0, 0, check);
}

} /* namespace */

/* A new match spy for facet counts, owned by the caller (delete): ours,
 * an even sample of at most 'limit' matches, or ('remote') Xapian's own,
 * which xapian-tcpsrv runs, counting each distinct facet value. */
static Xapian::MatchSpy *
facet_spy_new(size_t limit, bool remote)
{
    if (remote)
        return new Xapian::ValueCountMatchSpy(MS_INDEX_SLOT_FACETS);
    return new FacetSpy(limit);
}

ms_index_counted
ms_index__count_matches(ms_index_t *idx, const Xapian::Query &query, size_t limit)
{
    ms_index_counted out;
    out.spy.reset(facet_spy_new(limit, ms_index__remote_view));
    Xapian::doccount all = idx->db->get_doccount(), check = all;
    if (ms_index__remote_view && limit < all)
        check =
            static_cast<Xapian::doccount>(std::max<size_t>(limit, MS_INDEX_MIN_CHECK));
    else if (!ms_index__remote_view && limit < all / SAMPLE_AFTER)
        check = static_cast<Xapian::doccount>(limit * SAMPLE_AFTER);
    Xapian::MSet mset = count_pass(out.spy.get(), idx, query, check);
    out.lower = mset.get_matches_lower_bound();
    out.upper = mset.get_matches_upper_bound();
    out.estimate = mset.get_matches_estimated();
    /* Remote: scaled to the estimate. Locally done when the spy saw every
     * match (the bounds can be exact without: a single word's). */
    if (ms_index__remote_view ||
        static_cast<const FacetSpy *>(out.spy.get())->seen_ >= out.upper)
        return out;
    /* More than 'check': about 'limit' of them, every k-th document. */
    Xapian::docid k = static_cast<Xapian::docid>(
        std::max<double>(2, std::floor(static_cast<double>(out.estimate) / limit)));
    out.spy.reset(new FacetSpy(limit));
    Xapian::Query sample(Xapian::Query::OP_FILTER, query,
                         Xapian::Query((new StrideSource(k))->release()));
    mset = count_pass(out.spy.get(), idx, sample, all);
    double total = static_cast<double>(mset.get_matches_estimated()) * k;
    out.estimate = static_cast<Xapian::doccount>(
        std::min<double>(out.upper, std::max<double>(out.lower, total)));
    return out;
}

/* 'n' documents with 'value', of which 'docid' (0: unknown) is one. */
static void
add(value_counts &counts, const std::string &value, Xapian::docid docid,
    unsigned long n = 1)
{
    seen &entry = counts[value];
    if (entry.count == 0 || docid < entry.first)
        entry.first = docid;
    entry.count += n;
}

/* (prefix, facet) for every facet, in byte order of the prefixes. */
typedef std::vector<std::pair<std::string, size_t>> facet_prefix_list;

/* The facet of 'term' (an index into the vocabulary's facets) and the
 * length of its prefix, or false. No facet prefix is a prefix of another
 * (test_schema). */
static bool
facet_of(const std::string &term, size_t *facet, size_t *prefix_size)
{
    for (const auto &step : ms_index__vocabulary().facet_prefixes) {
        if (term.size() > step.first.size() &&
            term.compare(0, step.first.size(), step.first) == 0) {
            *facet = step.second;
            *prefix_size = step.first.size();
            return true;
        }
    }
    return false;
}

bool
ms_index__is_facet_term(const std::string &term)
{
    size_t facet, prefix_size;
    const ms_index_field *pair = ms_index__pair_field();
    return facet_of(term, &facet, &prefix_size) ||
           (pair && term.compare(0, pair->prefix.size(), pair->prefix) == 0);
}

/* Count what the document 'docid' counts for the derived facets, once the
 * 'pairs' counter has seen its pair terms. */
static void
add_pairs(value_counts *counts, ms_index_pair_counter &pairs, Xapian::docid docid,
          unsigned long n = 1)
{
    for (const auto &value : pairs.finish())
        add(counts[value.first], value.second, docid, n);
}

/* Count 'n' matches whose MS_INDEX_SLOT_FACETS value is 'value' (their
 * facet terms, each a length byte and the term) into 'counts', as the
 * document 'docid' (0: unknown). */
static void
count_value(value_counts *counts, const std::string &value, unsigned long n,
            Xapian::docid docid, ms_index_pair_counter &pairs)
{
    std::string term;
    for (size_t pos = 0; pos < value.size();) {
        size_t length = static_cast<unsigned char>(value[pos]);
        if (length == 0 || length > value.size() - pos - 1)
            throw Xapian::DatabaseCorruptError("malformed facet value");
        term.assign(value, pos + 1, length);
        pos += 1 + length;
        size_t facet, prefix_size;
        if (!pairs.take(term) && facet_of(term, &facet, &prefix_size) &&
            !pairs.derived(facet))
            add(counts[facet], term.substr(prefix_size), docid, n);
    }
    add_pairs(counts, pairs, docid, n);
}

/* Count the facet terms of the MS_INDEX_SLOT_FACETS values the spy kept
 * into 'counts'. The numbers of the documents without the value (indexed
 * before it existed) are returned, to be counted from their term lists;
 * 'numbered' says whether the spy's numbers are the database's (one
 * partition), which the counts then keep as the first document of each
 * value, else 0. */
static std::vector<Xapian::docid>
count_by_values(value_counts *counts, const FacetSpy &matches, bool numbered,
                ms_index_pair_counter &pairs)
{
    std::vector<Xapian::docid> missing;
    for (size_t i = 0; i < matches.docs_.size(); i++) {
        Xapian::docid docid = numbered ? matches.docs_[i] : 0;
        const std::string &value = matches.values_[i];
        if (value.empty()) {
            if (numbered)
                missing.push_back(docid);
            continue;
        }
        count_value(counts, value, 1, docid, pairs);
    }
    return missing;
}

/* Few matches: read each one's term list over the facet prefixes. Term
 * lists are in byte order, so one iterator visits the prefixes in turn
 * and stops before the bulk of the words (Z stems and lower case). */
static void
count_by_termlists(value_counts *counts, const std::vector<Xapian::docid> &docs,
                   const facet_prefix_list &prefixes, const Xapian::Database &db,
                   ms_index_pair_counter &pairs)
{
    for (Xapian::docid docid : docs) {
        if (pairs.active()) {
            Xapian::TermIterator it = db.termlist_begin(docid);
            for (it.skip_to(pairs.prefix());
                 it != db.termlist_end(docid) && pairs.take(*it); ++it) {
            }
            add_pairs(counts, pairs, docid);
        }
        Xapian::TermIterator it = db.termlist_begin(docid);
        Xapian::TermIterator end = db.termlist_end(docid);
        for (const auto &step : prefixes) {
            const std::string &prefix = step.first;
            it.skip_to(prefix);
            for (; it != end; ++it) {
                const std::string term = *it;
                if (term.compare(0, prefix.size(), prefix) != 0)
                    break;
                if (!pairs.derived(step.second))
                    add(counts[step.second], term.substr(prefix.size()), docid);
            }
            if (it == end)
                break;
        }
    }
}

/* Many matches: walk the posting list of every facet value once and count
 * the postings that are matches. This reads a few postings per document
 * instead of a whole term list. */
static void
count_by_postlists(value_counts *counts, const std::vector<Xapian::docid> &docs,
                   const facet_prefix_list &prefixes, const Xapian::Database &db)
{
    std::vector<bool> matched(static_cast<size_t>(db.get_lastdocid()) + 1);
    for (Xapian::docid docid : docs) {
        if (docid < matched.size())
            matched[docid] = true;
    }
    for (const auto &step : prefixes) {
        const std::string &prefix = step.first;
        for (Xapian::TermIterator t = db.allterms_begin(prefix);
             t != db.allterms_end(prefix); ++t) {
            const std::string term = *t;
            /* Counted here, entered once: a hash lookup a posting was
             * half the cost. Postings come in docid order, so the first
             * match is the lowest. */
            unsigned long n = 0;
            Xapian::docid first = 0;
            for (Xapian::PostingIterator p = db.postlist_begin(term);
                 p != db.postlist_end(term); ++p) {
                if (*p < matched.size() && matched[*p] && n++ == 0)
                    first = *p;
            }
            if (n > 0) {
                seen &entry = counts[step.second][term.substr(prefix.size())];
                entry.count += n;
                if (entry.first == 0 || first < entry.first)
                    entry.first = first;
            }
        }
    }
}

/* Count the values of the documents 'matches' recorded into counts[f]
 * for each facet f. */
static void
count_values(value_counts *counts, const FacetSpy &matches, const Xapian::Database &db,
             ms_index_pair_counter &pairs)
{
    const facet_prefix_list &prefixes = ms_index__vocabulary().facet_prefixes;
    /* Every document of an index with partitions has the value. */
    bool numbered = db.size() == 1;
    std::vector<Xapian::docid> missing =
        count_by_values(counts, matches, numbered, pairs);
    /* Documents of an index written before the value: choose the cheaper
     * way to count them, postings of facet values against term lists. */
    if (missing.empty())
        return;
    unsigned long postings = 0;
    for (const auto &step : prefixes) {
        for (Xapian::TermIterator t = db.allterms_begin(step.first);
             t != db.allterms_end(step.first); ++t)
            postings += t.get_termfreq();
    }
    /* Derived facets need each document's pairs: term lists. */
    if (pairs.active() ||
        missing.size() * static_cast<unsigned long>(TERMLIST_COST) < postings)
        count_by_termlists(counts, missing, prefixes, db, pairs);
    else
        count_by_postlists(counts, missing, prefixes, db);
}

/* results->facets from 'counts' scaled by 'scale', with their display
 * forms: each facet's values by count descending, then value ascending. */
static void
publish(ms_results_t *results, const std::vector<value_counts> &counts,
        ms_index_facet_displays &display, double scale)
{
    const std::vector<const ms_index_field *> &facets = ms_index__vocabulary().facets;
    ms_facet_t *out = static_cast<ms_facet_t *>(calloc(facets.size(), sizeof *out));
    if (!out && !facets.empty())
        throw std::bad_alloc();
    /* Published zeroed, so that a failure below frees what exists. */
    results->facets = out;
    results->n_facets = facets.size();
    for (size_t f = 0; f < facets.size(); f++) {
        out[f].field = facets[f]->schema->name; /* static: never freed */
        out[f].labelled = ms_index__facet_labelled(*facets[f]);
        std::vector<std::pair<const ms_index_facet_display *, unsigned long>> sorted;
        sorted.reserve(counts[f].size());
        for (const auto &value : counts[f])
            sorted.emplace_back(&display[f][value.first],
                                static_cast<unsigned long>(std::lround(
                                    static_cast<double>(value.second.count) * scale)));
        std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
            if (a.second != b.second)
                return a.second > b.second;
            return a.first->shown < b.first->shown;
        });
        if (sorted.empty())
            continue;
        ms_facet_value_t *values =
            static_cast<ms_facet_value_t *>(calloc(sorted.size(), sizeof *values));
        if (!values)
            throw std::bad_alloc();
        out[f].values = values;
        out[f].n_values = sorted.size();
        for (size_t i = 0; i < sorted.size(); i++) {
            values[i].value = ms_index__strdup(sorted[i].first->shown);
            values[i].count = sorted[i].second;
            if (sorted[i].first->labelled)
                values[i].label = ms_index__strdup(sorted[i].first->label);
        }
    }
}

/* The counts of a view with a remote partition: each distinct
 * MS_INDEX_SLOT_FACETS value (a set of facet terms, in byte order, so
 * that equal sets are equal strings) with the number of matches that
 * have it, counted by the shard hosts and merged by Xapian, taken apart
 * into its terms here, each term counting the value's matches: a term
 * occurs once per document, so the counts are those of FacetSpy. A match
 * without the value (no facet term) counts for nothing, as in a view of
 * several partitions. Returns the number of matches the spy saw. */
static Xapian::doccount
count_distinct_values(value_counts *counts, const Xapian::ValueCountMatchSpy &spy,
                      ms_index_pair_counter &pairs)
{
    for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
        count_value(counts, *v, v.get_termfreq(), 0, pairs);
    return spy.get_total();
}

void
ms_index__facets_fill(ms_results_t *results, const Xapian::MatchSpy &spy, ms_index_t *idx,
                      Xapian::doccount total, const ms_search_t *search)
{
    size_t n_facets = ms_index__vocabulary().facets.size();
    std::vector<value_counts> counts(n_facets);
    ms_index_pair_counter pairs(search);
    /* A sample, or fewer seen than match: scale each count by the share
     * counted. */
    double counted = 0, estimate = total;
    bool sample = false;
    const FacetSpy *matches = dynamic_cast<const FacetSpy *>(&spy);
    if (matches) {
        counted = static_cast<double>(matches->docs_.size());
        sample = !matches->complete() || estimate > static_cast<double>(matches->seen_);
        count_values(counts.data(), *matches, *idx->db, pairs);
    } else {
        counted = count_distinct_values(
            counts.data(), dynamic_cast<const Xapian::ValueCountMatchSpy &>(spy), pairs);
        sample = estimate > counted;
    }
    double scale = 1;
    if (counted > 0 && sample) {
        scale = estimate / counted;
        results->facets_estimated = 1;
    }
    ms_index_facet_displays display(n_facets);
    ms_index__display_forms(display, counts, idx);
    publish(results, counts, display, scale);
}

void
ms_index__facets_free(ms_results_t *results) noexcept
{
    ms_facet_t *facets = const_cast<ms_facet_t *>(results->facets);
    if (!facets)
        return;
    for (size_t f = 0; f < results->n_facets; f++) {
        ms_facet_value_t *values = const_cast<ms_facet_value_t *>(facets[f].values);
        for (size_t i = 0; i < facets[f].n_values; i++) {
            free(const_cast<char *>(values[i].value));
            free(const_cast<char *>(values[i].label));
        }
        free(values);
    }
    free(facets);
    results->facets = nullptr;
    results->n_facets = 0;
}
