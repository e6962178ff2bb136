/* related.cc - access-checked retrieval, suggestions and similar documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning.
 *
 * Each of these paths reaches documents, so each applies
 * ms_index__visible() (access.cc) itself: a document the viewer may not see
 * is looked up, suggested from and recommended exactly as if it were not
 * in the index.
 *
 * Suggestions complete the last word the user is typing from the index's
 * unprefixed terms. The term list knows how many documents hold a term but
 * not whether the viewer may see them, so each candidate's count is
 * corrected by the documents hidden from the viewer that hold it. Only
 * restricted documents (MS_SCHEMA_TERM_RESTRICTED, "XR") can be hidden,
 * so the correction is an AND driven by the short "XR" posting list and
 * costs nothing in an archive without restricted documents.
 *
 * Suggestions and similar documents work under the time budget of a
 * search (index-budget.hh): the scan of terms and the matches look at it
 * as they go, and a budget spent, or a caller gone, ends the request with
 * MS_INDEX_OVER_BUDGET or MS_INDEX_CANCELLED rather than a partial list.
 */
#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>
#include <vector>

#include "index-added.hh"
#include "index-budget.hh"
#include "index-partition.hh"
#include "index-private.hh"
#include "ms_utf8.h"

/* Longest text ms_index_suggest() looks at; people type short queries,
 * and this keeps every term built from it under Xapian's limit. */
#define MAX_SUGGEST_INPUT 200

/* Terms of the index read per suggestion, and of those the most frequent
 * ones checked against the viewer's documents: a one-letter prefix must
 * not walk a whole vocabulary on every keystroke. */
#define MAX_SUGGEST_SCAN 20000
#define MAX_SUGGEST_CANDIDATES 200

/* Terms of the scan between two looks at the budget (and the caller's
 * callback): some tens of microseconds of reading. */
#define SUGGEST_CHECK_EVERY 256

/* Expansion terms of the model document that form a similar-documents
 * query. */
#define SIMILAR_TERMS 20

/* The whole body of a C API function of this file: ms_index__call_out()
 * for a 'viewer' the caller filled in (its groups, if it has any, are
 * there). */
template <typename T, typename F>
static ms_index_status_t
for_viewer(T **out, ms_index_t *idx, const ms_viewer_t *viewer, F body) noexcept
{
    assert(!viewer || viewer->n_groups == 0 || viewer->groups);
    return ms_index__call_out(out, idx, [&] {
        ms_index_viewing viewing(idx, viewer);
        return body();
    });
}

static ms_index_status_t
not_found(ms_index_t *idx)
{
    return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
}

/* The document 'id' if 'viewer' may see it, else an empty MSet. */
static Xapian::MSet
find_visible(ms_index_t *idx, const char *id, const ms_viewer_t *viewer)
{
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                    Xapian::Query(MS_SCHEMA_PREFIX_ID + std::string(id)),
                                    ms_index__visible(viewer)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 1);
}

static ms_index_status_t
get_visible(ms_document_t **out, ms_index_t *idx, const char *id,
            const ms_viewer_t *viewer)
{
    /* An id no document can have: also keeps over-long terms from Xapian. */
    if (!ms_index__possible_id(id))
        return not_found(idx);
    Xapian::MSet mset = find_visible(idx, id, viewer);
    if (mset.empty())
        return not_found(idx);
    Xapian::Document xdoc = mset.begin().get_document();
    *out = ms_index__document_new(ms_index__decode(xdoc.get_data()));
    ms_index__added_fill(*out, xdoc);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_get_visible(ms_document_t **out, ms_index_t *idx, const char *id,
                     const ms_viewer_t *viewer) noexcept
{
    return for_viewer(out, idx, viewer,
                      [&] { return get_visible(out, idx, id, viewer); });
}

/* --- suggestions --- */

/* Split 'text' into what stays as typed and the unfinished word at its
 * end, as the indexer would see that word: a run of word characters, or a
 * single CJK character (the index holds CJK text as characters and
 * two-character n-grams, so a CJK word completes by its last character).
 * False if 'text' is not valid UTF-8 or does not end inside a word. */
static bool
split_last_word(const char *text, size_t *word_start)
{
    const unsigned char *s = reinterpret_cast<const unsigned char *>(text);
    size_t size = strlen(text), pos = 0, start = 0;
    bool in_word = false, after_cjk = false;
    while (pos < size) {
        uint32_t c;
        size_t len = ms_utf8_decode(s + pos, size - pos, &c);
        if (len == 0)
            return false;
        if (!Xapian::Unicode::is_wordchar(c)) {
            in_word = after_cjk = false;
        } else if (ms_index__is_cjk(c)) {
            start = pos;
            in_word = after_cjk = true;
        } else {
            if (!in_word || after_cjk)
                start = pos;
            in_word = true;
            after_cjk = false;
        }
        pos += len;
    }
    *word_start = start;
    return in_word;
}

namespace
{

struct candidate {
    std::string term;
    Xapian::doccount count; /* documents holding it; visible ones after checking */
};

/* Restrict the terms of an ESet to the unprefixed ones (no Z stems, no
 * boolean terms) found in more documents than the model: a word of the
 * model alone finds nothing else and would only crowd out better terms. */
class SimilarTerms : public Xapian::ExpandDecider
{
  public:
    explicit SimilarTerms(const Xapian::Database &db) : db_(db)
    {
    }

    bool operator()(const std::string &term) const override
    {
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
            return false;
        return db_.get_termfreq(term) >= 2;
    }

  private:
    const Xapian::Database &db_;
};

} /* namespace */

/* How many of the documents holding 'term' the viewer may not see;
 * 'hidden' is the query for those documents. */
static Xapian::doccount
hidden_count(ms_index_t *idx, const std::string &term, const Xapian::Query &hidden)
{
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), hidden));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    /* check_at_least of every document makes the count exact; the AND is
     * driven by the shorter list, at most the restricted documents. */
    Xapian::MSet mset = enquire.get_mset(0, 0, idx->db->get_doccount());
    return mset.get_matches_lower_bound();
}

static bool
by_count(const candidate &a, const candidate &b)
{
    if (a.count != b.count)
        return a.count > b.count;
    return a.term < b.term;
}

/* The most frequent terms starting with 'word', at most
 * MAX_SUGGEST_CANDIDATES, most frequent first (counting every document),
 * while 'budget' lasts. */
static std::vector<candidate>
candidates_for(ms_index_t *idx, const std::string &word, ms_index_budget &budget)
{
    std::vector<candidate> found;
    size_t scanned = 0;
    for (Xapian::TermIterator it = idx->db->allterms_begin(word);
         it != idx->db->allterms_end(word) && scanned < MAX_SUGGEST_SCAN;
         ++it, ++scanned) {
        if (scanned % SUGGEST_CHECK_EVERY == 0)
            budget.check();
        const std::string term = *it;
        /* Prefixed terms start with a capital; the folded word never does,
         * but a digit or a non-ASCII word must not reach them either. */
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
            continue;
        found.push_back({term, it.get_termfreq()});
    }
    size_t keep = std::min<size_t>(found.size(), MAX_SUGGEST_CANDIDATES);
    std::partial_sort(found.begin(), found.begin() + keep, found.end(), by_count);
    found.resize(keep);
    return found;
}

static ms_index_status_t
suggest(ms_strings_t **out, ms_index_t *idx, const char *prefix,
        const ms_viewer_t *viewer, unsigned limit, const ms_work_t *work)
{
    ms_index_budget budget(work);
    size_t word_start = 0;
    if (limit == 0 || !prefix || strlen(prefix) > MAX_SUGGEST_INPUT ||
        !split_last_word(prefix, &word_start)) {
        *out = ms_index__strings({});
        return MS_INDEX_OK;
    }
    /* Compose and fold as the documents were indexed. */
    const std::string word =
        Xapian::Unicode::tolower(ms_index__composed(std::string(prefix + word_start)));
    std::vector<candidate> candidates = candidates_for(idx, word, budget);

    /* Correct each count by the documents hidden from the viewer, most
     * frequent candidate first. A candidate's visible count is at most its
     * total, so once 'limit' terms beat the next total nothing later can
     * enter the list. */
    bool restricted = idx->db->term_exists(MS_SCHEMA_TERM_RESTRICTED);
    Xapian::Query hidden(Xapian::Query::OP_AND_NOT,
                         Xapian::Query(MS_SCHEMA_TERM_RESTRICTED),
                         ms_index__visible(viewer));
    hidden = Xapian::Query(Xapian::Query::OP_FILTER, hidden, budget.watch());
    std::vector<candidate> visible;
    for (const candidate &c : candidates) {
        if (visible.size() >= limit && visible[limit - 1].count > c.count)
            break;
        Xapian::doccount count = c.count;
        budget.check();
        if (restricted)
            count -= std::min(count, hidden_count(idx, c.term, hidden));
        if (count == 0)
            continue;
        candidate v{c.term, count};
        visible.insert(std::upper_bound(visible.begin(), visible.end(), v, by_count), v);
    }

    std::vector<std::string> words;
    const std::string kept(prefix, word_start);
    for (size_t i = 0; i < visible.size() && i < limit; i++)
        words.push_back(kept + visible[i].term);
    *out = ms_index__strings(words);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_suggest(ms_strings_t **out, ms_index_t *idx, const char *prefix,
                 const ms_viewer_t *viewer, unsigned limit,
                 const ms_work_t *work) noexcept
{
    return for_viewer(out, idx, viewer,
                      [&] { return suggest(out, idx, prefix, viewer, limit, work); });
}

/* --- similar documents --- */

static ms_index_status_t
similar(ms_results_t **out, ms_index_t *idx, const char *id, const ms_viewer_t *viewer,
        unsigned limit, const ms_work_t *work)
{
    ms_index_budget budget(work);
    if (!ms_index__possible_id(id))
        return not_found(idx);
    Xapian::MSet model = find_visible(idx, id, viewer);
    if (model.empty())
        return not_found(idx);

    ms_index_results_ptr results = ms_index__results_new();

    /* The model's best expansion terms, as Enquire::get_eset() would
     * choose them (expand.cc): get_eset() itself finds none in a view of
     * several partitions (Xapian 1.4). */
    SimilarTerms decider(*idx->db);
    budget.check();
    std::vector<std::pair<std::string, double>> eset =
        ms_index__expand(idx, {*model.begin()}, SIMILAR_TERMS, "", decider);
    budget.check();
    if (eset.empty()) {
        /* A document with no shared words is like no other. */
        *out = results.release();
        return MS_INDEX_OK;
    }

    std::vector<Xapian::Query> terms;
    for (const auto &term : eset)
        terms.emplace_back(term.first);
    Xapian::Query query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    Xapian::Enquire enquire(*idx->db);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, ms_index__visible(viewer));
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, budget.watch());
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(MS_SCHEMA_PREFIX_ID + std::string(id)));
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    enquire.set_sort_by_relevance_then_value(MS_INDEX_SLOT_ID, false);

    Xapian::doccount count = std::min<Xapian::doccount>(limit, idx->db->get_doccount());
    Xapian::doccount check = std::max<Xapian::doccount>(count, MS_INDEX_MIN_CHECK);
    Xapian::MSet mset = enquire.get_mset(0, count, check);
    results->estimate = mset.get_matches_estimated();
    results->lower = mset.get_matches_lower_bound();
    results->upper = mset.get_matches_upper_bound();
    ms_index__hits_fill(results.get(), idx, mset, nullptr, nullptr);
    *out = results.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_similar(ms_results_t **out, ms_index_t *idx, const char *id,
                 const ms_viewer_t *viewer, unsigned limit,
                 const ms_work_t *work) noexcept
{
    return for_viewer(out, idx, viewer,
                      [&] { return similar(out, idx, id, viewer, limit, work); });
}
