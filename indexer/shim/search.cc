/* search.cc - running a search: ranking, page, totals, facets, snippets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 *
 * A search is built in steps, each in a file of its own: the query text
 * under the limits (words.cc), its parse (query.cc), the filters and date
 * range (filter.cc), the access filter (access.cc); it is then ranked
 * here, reordered by pseudo relevance feedback (feedback.cc), and its
 * page of hits filled with passages (snippet.cc) and its matches counted
 * per facet value (facets.cc).
 *
 * Access: every query that reaches documents is filtered by
 * ms_index__visible(), so totals, hits, snippets, facets and the spelling
 * correction only ever reflect documents the viewer may see.
 *
 * Ranking (measured in docs/relevance.md): BM25 with k1 1.2 and b 0.5,
 * English stop words dropped from queries (whatever the language: they
 * are the words delegates write around a question), and pseudo relevance
 * feedback for queries of words only ranked by relevance.
 */
#include <algorithm>
#include <cassert>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include "index-added.hh"
#include "index-caches.hh"
#include "index-budget.hh"
#include "index-partition.hh"
#include "index-phrases.hh"
#include "index-snippets.hh"
#include "index-private.hh"
#include "ms_limits.h"

/* BM25 parameters, measured on the test collections of docs/relevance.md
 * (one setting for all): k1 1.2 saturates a word's repetitions a little
 * later than Xapian's default 1; b stays at Xapian's 0.5, since b 0.75
 * cost NPL and LISA more than it gave Cranfield and MEDLINE. */
#define BM25_K1 1.2
#define BM25_B 0.5

namespace
{

/* Sort key for the date orders: the value of 'slot' (the YYYYMMDD date,
 * or the time first indexed), its bytes inverted when sorting newest
 * first, then the document id, so that documents of one date come in the
 * order of their ids whichever the direction; a document without a date
 * sorts after every dated one. Keys are sorted ascending. */
class DateKey : public Xapian::KeyMaker
{
  public:
    DateKey(Xapian::valueno slot, bool newest) : slot_(slot), newest_(newest)
    {
    }

    std::string operator()(const Xapian::Document &doc) const override
    {
        std::string key = doc.get_value(slot_);
        if (key.empty())
            key = "\xff";
        else if (newest_)
            for (char &c : key)
                c = static_cast<char>(~static_cast<unsigned char>(c) & 0x7f);
        key += '\0';
        key += doc.get_value(MS_INDEX_SLOT_ID);
        return key;
    }

  private:
    Xapian::valueno slot_;
    bool newest_;
};

/* What a search matches, built from ms_search_t before it runs. */
struct plan {
    ms_index_parsed parsed;
    ms_index_scope scope; /* the viewer's, the filters and dates */
    Xapian::Query query;  /* parsed.ranked in 'scope' */
};

} /* namespace */

/* hit->snippet is snippets[0].html, not a copy; a hit built elsewhere
 * may still own a separate one. */
static void
free_results(ms_results_t *results) noexcept
{
    if (!results)
        return;
    for (size_t i = 0; i < results->n_hits; i++) {
        ms_hit_t *hit = &results->hits[i];
        ms_index__document_clear(&hit->doc);
        ms_snippet_t *snippets = const_cast<ms_snippet_t *>(hit->snippets);
        bool shared = hit->n_snippets > 0 && hit->snippet == snippets[0].html;
        if (!shared)
            free(const_cast<char *>(hit->snippet));
        for (size_t j = 0; j < hit->n_snippets; j++)
            free(const_cast<char *>(snippets[j].html));
        free(snippets);
    }
    free(results->hits);
    free(results->corrected);
    free(results->understood);
    ms_index__facets_free(results);
    free(results);
}

ms_index_results_ptr
ms_index__results_new()
{
    ms_index_results_ptr results(
        static_cast<ms_results_t *>(calloc(1, sizeof(ms_results_t))), free_results);
    if (!results)
        throw std::bad_alloc();
    return results;
}

void
ms_index__hits_fill(ms_results_t *results, ms_index_t *idx, const Xapian::MSet &mset,
                    ms_index_snippets *snippets, const Xapian::MSet *snippet_mset,
                    ms_index_budget *budget)
{
    if (mset.empty())
        return;
    results->hits = static_cast<ms_hit_t *>(calloc(mset.size(), sizeof(ms_hit_t)));
    if (!results->hits)
        throw std::bad_alloc();
    /* Asked once: the cache key reads every partition's UUID and revision. */
    ms_index_caches *caches = ms_index__doc_caches(idx);
    size_t i = 0;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it, ++i) {
        ms_hit_t *hit = &results->hits[i];
        /* Count the hit before filling it so that a failure part-way
         * frees what was copied. */
        results->n_hits = i + 1;
        std::shared_ptr<ms_index_record> record = ms_index__hit_record(caches, it);
        const ms_index_stored &stored = record->stored;
        ms_index__document_fill(&hit->doc, stored, false);
        ms_index__added_fill(&hit->doc, it.get_document());
        hit->score = it.get_weight();
        hit->percent = static_cast<unsigned>(it.get_percent());
        if (snippets && budget && budget->spent()) {
            results->skipped |= MS_PHASE_SNIPPETS;
            snippets = nullptr;
        }
        if (snippets) {
            snippets->fill(hit, *record, snippet_mset);
            ms_index__hit_record_grew(caches, it, *record);
        }
    }
}

/* The sort order of 'search', or false if it is none of ms_sort_t. It is
 * read as its underlying integer: C callers may store any value in the
 * enum, and loading one outside its range as the enum is undefined in
 * C++. */
static bool
read_sort(ms_sort_t *out, const ms_search_t *search)
{
    std::underlying_type<ms_sort_t>::type sort;
    memcpy(&sort, &search->sort, sizeof sort);
    if (sort != MS_SORT_RELEVANCE && sort != MS_SORT_NEWEST && sort != MS_SORT_OLDEST &&
        sort != MS_SORT_ADDED)
        return false;
    *out = static_cast<ms_sort_t>(sort);
    return true;
}

/* Parse and restrict the query of 'search' into *p, with 'understood'
 * and a correction the viewer may see into 'results'. */
static ms_index_status_t
prepare(plan *p, ms_results_t *results, ms_index_t *idx, Xapian::QueryParser &parser,
        const ms_search_t *search)
{
    ms_index_status_t status = ms_index__parse(&p->parsed, idx, parser, search);
    if (status == MS_INDEX_OK)
        status = ms_index__restrictions(&p->scope.restrictions, &p->scope.restricted, idx,
                                        search);
    if (status != MS_INDEX_OK)
        return status;
    results->plain_words = p->parsed.plain_words;
    p->parsed.ranked = ms_index__phrases_as_terms(idx, p->parsed.ranked);
    Xapian::Query shown = p->parsed.shown;
    if (p->scope.restricted)
        shown = Xapian::Query(Xapian::Query::OP_FILTER, shown, p->scope.restrictions);
    /* Described before the access filter, whose terms name groups. */
    results->understood = ms_index__strdup(shown.get_description());
    p->scope.viewer = search->viewer;
    p->scope.visible = ms_index__visible(search->viewer);
    if (!p->parsed.corrected.empty() &&
        ms_index__correction_visible(idx, parser, p->parsed, p->scope.visible))
        results->corrected = ms_index__strdup(p->parsed.corrected);
    return MS_INDEX_OK;
}

/* How many hits the page of 'search' holds: no page may reach past the
 * largest document number, which keeps offset + limit from wrapping
 * inside Xapian. */
static Xapian::doccount
page_size(ms_index_t *idx, const ms_search_t *search)
{
    Xapian::doccount count = search->limit;
    Xapian::doccount size = idx->db->get_doccount();
    if (count > size)
        count = size;
    if (count > UINT_MAX - search->offset)
        count = UINT_MAX - search->offset;
    return count;
}

/* The page of 'search' from 'enquire', which gives the search's totals
 * checked to MS_INDEX_MIN_CHECK matches; with 'counted' (the facet pass
 * or feedback's first match gives them), checking no more matches than the page, so that
 * Xapian prunes the rest (docs/performance.md). */
static Xapian::MSet
get_page(Xapian::Enquire &enquire, ms_index_t *idx, const ms_search_t *search,
         bool counted)
{
    Xapian::doccount count = page_size(idx, search);
    Xapian::doccount check = search->offset + count;
    if (!counted && check < MS_INDEX_MIN_CHECK)
        check = MS_INDEX_MIN_CHECK;
    return enquire.get_mset(search->offset, count, check);
}

/* Whether the totals of 'search' come from the facets' pass of their own
 * (ms_index__count_matches: exact up to twice facet_limit matches, past
 * that from a sample of every k-th document), so that the ranked page need
 * check only itself: not over remote shards, where that pass checks only
 * facet_limit matches of each shard (Xapian's ValueCountMatchSpy,
 * facets.cc). */
static bool
totals_from_facet_pass(const ms_search_t *search)
{
    return search->facets && !ms_index__remote_view;
}

/* Snippets mark the words typed: Xapian's own snippets (CJK queries) mark
 * the terms of the query of the Enquire that made the MSet, as it is when
 * they are made, so with feedback they come from an MSet of an Enquire of
 * the query as typed ('query'), holding no hits. */
static Xapian::MSet
snippet_mset(ms_index_t *idx, const Xapian::Query &query)
{
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(query);
    return enquire.get_mset(0, 0);
}

/* The phases after the match: facet counts and the hits with their
 * snippets, each while 'budget' lasts (MS_PHASE_FACETS, _SNIPPETS). */
static void
fill_results(ms_results_t *results, ms_index_t *idx, const ms_search_t *search,
             const plan &p, const Xapian::MSet &mset, const ms_index_feedback &fed,
             const Xapian::Stem &stemmer, ms_index_budget &budget)
{
    ms_index_counted counted;
    size_t limit = search->facet_limit ? search->facet_limit : MS_LIMIT_FACET_MATCHES;
    if (search->facets && budget.spent()) {
        results->skipped |= MS_PHASE_FACETS;
    } else if (search->facets) {
        try {
            counted = ms_index__count_matches(idx, p.query, limit);
        } catch (const ms_index_budget_spent &) {
            /* Spent while counting (budget.watch()): no facets. */
            results->skipped |= MS_PHASE_FACETS;
            counted.spy.reset();
        }
    }
    const Xapian::MatchSpy *spy = counted.spy.get();
    std::unique_ptr<ms_index_snippets> snippets;
    Xapian::MSet marked = mset;
    if (search->snippet_length > 0) {
        snippets.reset(new ms_index_snippets(
            *idx->db, p.parsed.words, stemmer, search->language ? search->language : "en",
            search->snippet_length, search->max_snippets));
        if (fed.expanded && snippets->needs_mset())
            marked = snippet_mset(idx, p.query);
    }

    if (spy) {
        results->estimate = counted.estimate;
        results->lower = counted.lower;
        results->upper = counted.upper;
    } else {
        /* A match of the window only counts the window: the first match
         * counted the rest. */
        const Xapian::MSet &counts = fed.window_only ? fed.first : mset;
        results->estimate = counts.get_matches_estimated();
        results->lower = counts.get_matches_lower_bound();
        results->upper = counts.get_matches_upper_bound();
    }
    ms_index__hits_fill(results, idx, mset, snippets.get(), &marked, &budget);
    if (spy)
        ms_index__facets_fill(results, *spy, idx, counted.estimate, search);
}

/* The phases of a search, in order: the parse (no budget: it is bounded
 * by the query's maxima), then while the budget lasts feedback, the match,
 * facets and snippets. A budget spent before the match ends leaves nothing
 * to answer: MS_INDEX_OVER_BUDGET. */
static ms_index_status_t
run_search(ms_results_t **out, ms_index_t *idx, const ms_search_t *search)
{
    ms_index_budget budget(search);
    ms_index_results_ptr results = ms_index__results_new();
    ms_sort_t sort;
    if (!read_sort(&sort, search))
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "unknown sort order");
    Xapian::Stem stemmer = ms_index__stemmer(search->language ? search->language : "en");
    Xapian::QueryParser parser;
    ms_index__parser_setup(parser, idx, stemmer, search->max_expansion);
    plan p;
    ms_index_status_t status = prepare(&p, results.get(), idx, parser, search);
    if (status != MS_INDEX_OK)
        return status;
    if (budget.spent())
        return budget.cancelled()
                   ? ms_index__fail(idx, MS_INDEX_CANCELLED, "the search was cancelled")
                   : ms_index__fail(idx, MS_INDEX_OVER_BUDGET,
                                    "the time budget ran out before the match");
    /* Every match from here stops soon after the budget is spent: one
     * begun in time but not finished is MS_INDEX_OVER_BUDGET too. */
    p.scope.watch = budget.watch();
    p.query = ms_index__restrict(
        ms_index__expand_wildcards(p.parsed.ranked, *idx->db, p.parsed.wildcard, budget),
        p.scope);

    /* Declared before the Enquire, which only borrows it. */
    std::unique_ptr<DateKey> date_key;
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(p.query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(BM25_K1, 0, 1, BM25_B, 0.5));
    /* Equal scores (every hit of a blank query) in the order of the ids. */
    if (sort == MS_SORT_RELEVANCE)
        enquire.set_sort_by_relevance_then_value(MS_INDEX_SLOT_ID, false);
    bool feedback = !search->no_feedback && sort == MS_SORT_RELEVANCE;
    if (feedback && budget.spent())
        results->skipped |= MS_PHASE_FEEDBACK;
    bool counted = totals_from_facet_pass(search);
    ms_index_feedback fed;
    if (feedback && !(results->skipped & MS_PHASE_FEEDBACK))
        fed = ms_index__feedback(enquire, idx, p.parsed, p.scope, search->feedback_window,
                                 search->offset + page_size(idx, search),
                                 counted ? 0 : MS_INDEX_MIN_CHECK);
    if (sort != MS_SORT_RELEVANCE) {
        bool newest = sort != MS_SORT_OLDEST;
        Xapian::valueno slot =
            sort == MS_SORT_ADDED ? MS_INDEX_SLOT_ADDED : MS_INDEX_SLOT_DATE;
        date_key.reset(new DateKey(slot, newest));
        /* Xapian 1.4's remote backend takes no KeyMaker: the value alone. */
        if (ms_index__remote_view)
            enquire.set_sort_by_value(slot, newest);
        else
            enquire.set_sort_by_key(date_key.get(), false);
    }
    /* A match the watch did not stop but that ended past the budget is
     * said so. */
    /* With facets the totals come from their pass, with feedback of the
     * window only from its first match (fill_results). */
    Xapian::MSet mset = get_page(enquire, idx, search, counted || fed.window_only);
    if (budget.spent())
        results->skipped |= MS_PHASE_MATCH;
    fill_results(results.get(), idx, search, p, mset, fed, stemmer, budget);
    if (budget.cancelled())
        return ms_index__fail(idx, MS_INDEX_CANCELLED, "the search was cancelled");
    *out = results.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_search(ms_results_t **out, ms_index_t *idx, const ms_search_t *search) noexcept
{
    assert(search);
    return ms_index__call_out(out, idx, [&] {
        ms_index_viewing viewing(idx, search->viewer);
        return run_search(out, idx, search);
    });
}

extern "C" MS_EXPORT void
ms_results_free(ms_results_t *results) noexcept
{
    free_results(results);
}
