/* facets.cc - counts of filter values over every match of a search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Filterable fields are boolean terms (docs/index-schema.md), several per
 * document for a multi-valued field. A MatchSpy records every matching
 * document (search.cc checks them all); the counts then come from whichever
 * is cheaper: the term list of each match, walked over the facet prefixes
 * only, or the posting list of each facet value intersected with the
 * matches. Reading a term list costs about a hundred postings (measured:
 * walking term lists made a facet search over 2000 matches 8 times
 * slower), so many matches are counted by posting lists. Either way a
 * document counts once per value, however often the value is repeated
 * or spelt: a term occurs once per document.
 *
 * Terms are folded (lower case), but a delegate should read "Kyrgyzstan",
 * not "kyrgyzstan": for each value, the stored data of one matching
 * document that has it (the lowest docid, so the choice is stable) gives
 * the display form. Each such document is read once per search.
 *
 * Counting is exact up to search->facet_limit matches; a search with more
 * counts an even sample of them (every 2nd, 4th, ... match in document
 * order, at most facet_limit) and scales the counts to the total, saying
 * so in results->facets_estimated. Reading the values of a match costs
 * about a term list, so this bounds the cost of a search that matches
 * most of a large archive.
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
#include <utility>
#include <vector>

#include "index-private.hh"

/* The facets, in the order of ms_results_t.facets; the names are filter
 * names, so ms_index__prefix_for() gives their prefixes. */
static const char *const FACET_FIELDS[] = {"type",  "process", "meeting",  "country",
                                           "theme", "status",  "language", "year"};
#define N_FACETS (sizeof FACET_FIELDS / sizeof FACET_FIELDS[0])

/* One term list read costs about as much as walking this many postings;
 * measured on 3000 documents of 1 to 30 kB (Xapian 1.4, glass). */
#define TERMLIST_COST 100u

namespace
{

struct seen {
    unsigned long count = 0;
    Xapian::docid first = 0; /* lowest matching docid with the value */
};

typedef std::unordered_map<std::string, seen> value_counts;

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

    void operator()(const Xapian::Document &doc, double) override
    {
        if (seen_++ % stride_ != 0)
            return;
        docs_.push_back(doc.get_docid());
        if (docs_.size() > limit_) {
            size_t kept = 0;
            for (size_t i = 0; i < docs_.size(); i += 2)
                docs_[kept++] = docs_[i];
            docs_.resize(kept);
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

    std::vector<Xapian::docid> docs_;
    unsigned long seen_ = 0;

  private:
    size_t limit_;
    unsigned long stride_ = 1;
};

} /* namespace */

Xapian::MatchSpy *
ms_index__facet_spy_new(size_t limit)
{
    return new FacetSpy(limit);
}

static void
add(value_counts &counts, const std::string &value, Xapian::docid docid)
{
    seen &entry = counts[value];
    if (entry.count++ == 0 || docid < entry.first)
        entry.first = docid;
}

/* (prefix, facet) for every facet, in byte order of the prefixes. */
static std::vector<std::pair<std::string, size_t>>
facet_prefixes()
{
    std::vector<std::pair<std::string, size_t>> prefixes;
    for (size_t i = 0; i < N_FACETS; i++) {
        const char *prefix = ms_index__prefix_for(FACET_FIELDS[i], true);
        if (prefix)
            prefixes.emplace_back(prefix, i);
    }
    std::sort(prefixes.begin(), prefixes.end());
    return prefixes;
}

/* Few matches: read each one's term list over the facet prefixes. Term
 * lists are in byte order, so one iterator visits the prefixes in turn
 * and stops before the bulk of the words (Z stems and lower case). */
static void
count_by_termlists(value_counts *counts, const std::vector<Xapian::docid> &docs,
                   const std::vector<std::pair<std::string, size_t>> &prefixes,
                   const Xapian::Database &db)
{
    for (Xapian::docid docid : docs) {
        Xapian::TermIterator it = db.termlist_begin(docid);
        Xapian::TermIterator end = db.termlist_end(docid);
        for (const auto &step : prefixes) {
            const std::string &prefix = step.first;
            it.skip_to(prefix);
            for (; it != end; ++it) {
                const std::string term = *it;
                if (term.compare(0, prefix.size(), prefix) != 0)
                    break;
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
                   const std::vector<std::pair<std::string, size_t>> &prefixes,
                   const Xapian::Database &db)
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
            std::string value = term.substr(prefix.size());
            for (Xapian::PostingIterator p = db.postlist_begin(term);
                 p != db.postlist_end(term); ++p) {
                if (*p < matched.size() && matched[*p])
                    add(counts[step.second], value, *p);
            }
        }
    }
}

/* The stored form of 'folded' (a term without its prefix) in 'stored', or
 * "" if the document has no such value. */
static std::string
display_value(const ms_index_stored &stored, size_t facet, const std::string &folded)
{
    const char *name = FACET_FIELDS[facet];
    const char *prefix = ms_index__prefix_for(name, true);
    std::string term = prefix + folded;
    if (strcmp(name, "language") == 0) {
        if (stored.has_language &&
            ms_index__boolean_term(prefix, stored.language) == term)
            return stored.language;
        return "";
    }
    for (const auto &field : stored.fields) {
        if (field.first == name && ms_index__boolean_term(prefix, field.second) == term)
            return field.second;
    }
    return "";
}

void
ms_index__facets_fill(ms_results_t *results, const Xapian::MatchSpy &spy,
                      const Xapian::Database &db, const Xapian::MSet &mset)
{
    const FacetSpy &matches = dynamic_cast<const FacetSpy &>(spy);
    /* A sample, or fewer seen than match: scale each count by the share
     * counted. */
    double scale = 1;
    Xapian::doccount estimate = mset.get_matches_estimated();
    if (!matches.docs_.empty() && (!matches.complete() || estimate > matches.seen_)) {
        scale = static_cast<double>(estimate) / static_cast<double>(matches.docs_.size());
        results->facets_estimated = 1;
    }
    std::vector<std::pair<std::string, size_t>> prefixes = facet_prefixes();
    value_counts counts[N_FACETS];
    /* Choose the cheaper way to count: postings of facet values against
     * term lists of matches. */
    unsigned long postings = 0;
    for (const auto &step : prefixes) {
        for (Xapian::TermIterator t = db.allterms_begin(step.first);
             t != db.allterms_end(step.first); ++t)
            postings += t.get_termfreq();
    }
    if (matches.docs_.size() * static_cast<unsigned long>(TERMLIST_COST) < postings)
        count_by_termlists(counts, matches.docs_, prefixes, db);
    else
        count_by_postlists(counts, matches.docs_, prefixes, db);

    /* display[f][folded]: filled from each document's data in one read. */
    std::vector<std::unordered_map<std::string, std::string>> display(N_FACETS);
    std::map<Xapian::docid, std::vector<std::pair<size_t, const std::string *>>> wanted;
    for (size_t f = 0; f < N_FACETS; f++) {
        for (const auto &value : counts[f]) {
            /* A year term is the year itself, already as stored. */
            if (strcmp(FACET_FIELDS[f], "year") == 0)
                display[f][value.first] = value.first;
            else
                wanted[value.second.first].emplace_back(f, &value.first);
        }
    }
    for (const auto &doc : wanted) {
        ms_index_stored stored = ms_index__decode(db.get_document(doc.first).get_data());
        for (const auto &value : doc.second) {
            std::string shown = display_value(stored, value.first, *value.second);
            display[value.first][*value.second] = shown.empty() ? *value.second : shown;
        }
    }

    ms_facet_t *out = static_cast<ms_facet_t *>(calloc(N_FACETS, sizeof *out));
    if (!out)
        throw std::bad_alloc();
    /* Published zeroed, so that a failure below frees what exists. */
    results->facets = out;
    results->n_facets = N_FACETS;
    for (size_t f = 0; f < N_FACETS; f++) {
        out[f].field = FACET_FIELDS[f]; /* static: never freed */
        std::vector<std::pair<const std::string *, unsigned long>> sorted;
        sorted.reserve(counts[f].size());
        for (const auto &value : counts[f])
            sorted.emplace_back(&display[f][value.first],
                                static_cast<unsigned long>(std::lround(
                                    static_cast<double>(value.second.count) * scale)));
        std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
            if (a.second != b.second)
                return a.second > b.second;
            return *a.first < *b.first;
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
            values[i].value = ms_index__strdup(*sorted[i].first);
            values[i].count = sorted[i].second;
        }
    }
}

void
ms_index__facets_free(ms_results_t *results) noexcept
{
    ms_facet_t *facets = const_cast<ms_facet_t *>(results->facets);
    if (!facets)
        return;
    for (size_t f = 0; f < results->n_facets; f++) {
        ms_facet_value_t *values = const_cast<ms_facet_value_t *>(facets[f].values);
        for (size_t i = 0; i < facets[f].n_values; i++)
            free(const_cast<char *>(values[i].value));
        free(values);
    }
    free(facets);
    results->facets = nullptr;
    results->n_facets = 0;
}
