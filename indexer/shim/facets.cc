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
 * Terms are folded (lower case), but a delegate should read "Kyrgyzstan",
 * not "kyrgyzstan": for each value, the stored data of the first public
 * document of the index that has it gives the display form, whatever the
 * search and the viewer, so it is the same in every answer (a value only
 * restricted documents have is shown as the viewer's lowest match has it).
 * A reader caches the forms until the index changes: reading documents
 * for them (whole, decompressed) was most of the cost of a facet search
 * over 10,000 documents.
 *
 * Counting is exact up to search->facet_limit matches; a search with more
 * counts an even sample of them (every 2nd, 4th, ... match in document
 * order, at most facet_limit) and scales the counts to the total, saying
 * so in results->facets_estimated. Reading the values of a match costs
 * about a term list, so this bounds the cost of a search that matches
 * most of a large archive.
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

#include "index-pairs.hh"
#include "index-private.hh"

/* Display forms a reader caches; past this many the cache starts over. */
#define MAX_CACHED_DISPLAY 100000u

/* One term list read costs about as much as walking this many postings:
 * a term list is stored compressed and read whole, whatever its prefix.
 * Measured on 10,000 synthetic documents of about 280 words (Xapian 1.4,
 * glass): 27 us a term list, 37 ns a posting; an earlier 100, measured on
 * fewer, longer documents, sent searches with a few hundred matches to
 * term lists at three times the cost. */
#define TERMLIST_COST 700u

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

} /* namespace */

Xapian::MatchSpy *
ms_index__facet_spy_new(size_t limit, bool remote)
{
    if (remote)
        return new Xapian::ValueCountMatchSpy(MS_INDEX_SLOT_FACETS);
    return new FacetSpy(limit);
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

/* The lowest document with 'term' that every viewer may see (no access
 * groups), or 0: the display form comes from it, so that it is the same
 * for everyone and never a hidden document's spelling. Not 'public_only':
 * the lowest of the view that has it. */
static Xapian::docid
first_public(const Xapian::Database &db, const std::string &term, bool public_only = true)
{
    Xapian::Enquire enquire(db);
    Xapian::Query query(term);
    if (public_only)
        query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                              Xapian::Query(MS_SCHEMA_TERM_RESTRICTED));
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet first = enquire.get_mset(0, 1);
    return first.empty() ? 0 : *first.begin();
}

/* The stored form of 'folded' (a term of 'field' without its prefix) in
 * 'stored', or "" if the document has no such value. */
static std::string
display_value(const ms_index_stored &stored, const ms_index_field &field,
              const std::string &folded)
{
    std::string term = field.prefix + folded;
    if (field.schema->source == MS_FIELD_FROM_LANGUAGE) {
        if (stored.has_language &&
            ms_index__boolean_term(field.prefix, stored.language) == term)
            return stored.language;
        return "";
    }
    for (const auto &value : stored.fields) {
        if (value.first == field.schema->name &&
            ms_index__boolean_term(field.prefix, value.second) == term)
            return value.second;
    }
    return "";
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

/* The field whose value labels a value of facet 'field' (a meeting's
 * title labels the meeting), or NULL when its values have no label. */
static const char *
label_field(const ms_index_field &field)
{
    return strcmp(field.schema->name, "meeting") == 0 ? "meeting_title" : nullptr;
}

/* The first value of field 'name' in 'stored', or NULL. */
static const std::string *
stored_field(const ms_index_stored &stored, const char *name)
{
    for (const auto &value : stored.fields) {
        if (value.first == name)
            return &value.second;
    }
    return nullptr;
}

/* Documents of a value read for its label when the one its display form
 * came from has none: a recommendation set gives its title to each of
 * its recommendations, so when the first few have none, none will. */
#define LABEL_LOOKS 20u

/* Look for a label of 'term' (field 'name' of its documents) in the
 * lowest LABEL_LOOKS documents with 'term' that every viewer may see or,
 * when 'restricted', in the view's restricted ones. Returns how many
 * documents were read; *label is set when one gave it. */
static Xapian::doccount
look_for_label(const Xapian::Database &db, const std::string &term, const char *name,
               bool restricted, ms_index_facet_display *label)
{
    Xapian::Enquire enquire(db);
    Xapian::Query::op op = restricted ? Xapian::Query::OP_AND : Xapian::Query::OP_AND_NOT;
    enquire.set_query(
        Xapian::Query(op, Xapian::Query(term), Xapian::Query(MS_SCHEMA_TERM_RESTRICTED)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet docs = enquire.get_mset(0, LABEL_LOOKS);
    Xapian::doccount read = 0;
    for (Xapian::MSetIterator d = docs.begin(); d != docs.end() && !label->labelled; ++d) {
        read++;
        ms_index_stored stored = ms_index__decode(d.get_document().get_data());
        const std::string *found = stored_field(stored, name);
        if (found && !found->empty()) {
            label->label = *found;
            label->labelled = true;
        }
    }
    return read;
}

/* The label of 'term' from its public documents when the one its display
 * form came from gave none: the first found. When they are all read and
 * none has one, shown->restricted is set: a viewer's restricted documents
 * may still give it (restricted_label()). What is found here is the same
 * for every viewer, so it may be cached with the display form. */
static void
public_label(const Xapian::Database &db, const std::string &term, const char *name,
             ms_index_facet_display *shown)
{
    Xapian::doccount read = look_for_label(db, term, name, false, shown);
    if (read < LABEL_LOOKS && !shown->labelled) {
        shown->restricted = true;
        shown->publics = read;
    }
}

/* The label of 'term' from the restricted documents this view has, for a
 * value public_label() found none for. Asked on every search (never
 * cached): the answer depends on the viewer. A view whose documents with
 * 'term' are all public (its frequency is their number) is not asked. */
static void
restricted_label(const Xapian::Database &db, const std::string &term, const char *name,
                 ms_index_facet_display *shown)
{
    if (shown->restricted && !shown->labelled && db.get_termfreq(term) > shown->publics)
        look_for_label(db, term, name, true, shown);
}

/* How each value of 'counts' is shown, into display[f][folded]: from the
 * reader's cache, else from the data of the first document of the index
 * with the value, each document read once. A value of a labelled facet
 * takes its label from that document too, or, when it has none, from the
 * first of its others that has one (public_label, restricted_label). */
static void
display_forms(std::vector<std::unordered_map<std::string, ms_index_facet_display>> &display,
              const std::vector<value_counts> &counts, ms_index_t *idx)
{
    const std::vector<const ms_index_field *> &facets = ms_index__vocabulary().facets;
    ms_index_caches *caches = ms_index__caches(idx);
    std::map<Xapian::docid, std::vector<std::pair<size_t, const std::string *>>> wanted;
    std::unordered_set<std::string> uncached;
    for (size_t f = 0; f < facets.size(); f++) {
        for (const auto &value : counts[f]) {
            /* A year term is the year itself, already as stored. */
            if (facets[f]->schema->source == MS_FIELD_FROM_YEAR) {
                display[f][value.first].shown = value.first;
                continue;
            }
            std::string term = facets[f]->prefix + value.first;
            if (caches) {
                auto hit = caches->facet_display.find(term);
                if (hit != caches->facet_display.end()) {
                    ms_index_facet_display &shown = display[f][value.first];
                    shown = hit->second;
                    if (const char *name = label_field(*facets[f]))
                        restricted_label(*idx->db, term, name, &shown);
                    continue;
                }
            }
            /* A value only restricted documents spell: from the lowest
             * match this viewer sees, not cached. */
            Xapian::docid docid = first_public(*idx->db, term);
            Xapian::docid from = docid ? docid : value.second.first;
            if (!from)
                from = first_public(*idx->db, term, false);
            wanted[from].emplace_back(f, &value.first);
            if (!docid)
                uncached.insert(term);
        }
    }
    for (const auto &doc : wanted) {
        ms_index_stored stored =
            ms_index__decode(idx->db->get_document(doc.first).get_data());
        for (const auto &value : doc.second) {
            const ms_index_field &field = *facets[value.first];
            ms_index_facet_display shown;
            shown.shown = display_value(stored, field, *value.second);
            if (shown.shown.empty())
                shown.shown = *value.second;
            std::string term = field.prefix + *value.second;
            const char *name = label_field(field);
            const std::string *label = name ? stored_field(stored, name) : nullptr;
            if (label && !label->empty()) {
                shown.label = *label;
                shown.labelled = true;
            } else if (name) {
                public_label(*idx->db, term, name, &shown);
            }
            if (caches && !uncached.count(term)) {
                if (caches->facet_display.size() >= MAX_CACHED_DISPLAY)
                    caches->facet_display.clear();
                caches->facet_display[term] = shown;
            }
            if (name)
                restricted_label(*idx->db, term, name, &shown);
            display[value.first][*value.second] = std::move(shown);
        }
    }
}

/* results->facets from 'counts' scaled by 'scale', with their display
 * forms: each facet's values by count descending, then value ascending. */
static void
publish(ms_results_t *results, const std::vector<value_counts> &counts,
        std::vector<std::unordered_map<std::string, ms_index_facet_display>> &display,
        double scale)
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
        out[f].labelled = label_field(*facets[f]) != nullptr;
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
                      const Xapian::MSet &mset, const ms_search_t *search)
{
    size_t n_facets = ms_index__vocabulary().facets.size();
    std::vector<value_counts> counts(n_facets);
    ms_index_pair_counter pairs(search);
    /* A sample, or fewer seen than match: scale each count by the share
     * counted. */
    double counted = 0, estimate = mset.get_matches_estimated();
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
    std::vector<std::unordered_map<std::string, ms_index_facet_display>> display(n_facets);
    display_forms(display, counts, idx);
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
