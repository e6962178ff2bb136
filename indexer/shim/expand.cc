/* expand.cc - expansion terms for pseudo relevance feedback, with cached term frequencies
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Enquire::get_eset() looks up the document frequency of every term of
 * every feedback document in the index, on every query: measured on the
 * sample archive it was half the cost of a whole search (docs/benchmarks.md).
 * Those frequencies only change when the index does, so a reader keeps
 * them, per handle (one per thread), until the revision it reads changes.
 *
 * The weights are those of Xapian's default expansion scheme (TradEWeight
 * with k = 1), computed from the same statistics, so the terms chosen are
 * the ones get_eset() would choose; test_index_expand compares the two.
 * For a term t in r of the R feedback documents, n of the N documents of
 * the index:
 *
 *   weight(t) = sum over feedback documents d holding t of
 *                   2 wdf(t,d) / (len(d) / avg_len + wdf(t,d))
 *               * log( (r + 0.5) (N - n - (R - r) + 0.5)
 *                      / ((n - r + 0.5) (R - r + 0.5)) )
 *
 * (the Robertson/Sparck Jones relevance weight of t, scaled by how much of
 * the feedback documents t makes up). Terms of weight 0 or less are left
 * out, and ties between equal weights are broken as get_eset() breaks
 * them.
 */
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "index-caches.hh"
#include "index-private.hh"

/* Term frequencies kept per handle; past this many the cache starts over,
 * which bounds a long-running reader's memory (about 100 bytes an entry). */
#define MAX_CACHED_TERMFREQS 200000u

/* The document frequency of 'term' in idx->db, from 'caches' (NULL: a
 * writer, no cache). */
static Xapian::doccount
termfreq(ms_index_t *idx, ms_index_caches *caches, const std::string &term)
{
    if (!caches)
        return idx->db->get_termfreq(term);
    auto hit = caches->termfreqs.find(term);
    if (hit != caches->termfreqs.end())
        return hit->second;
    if (caches->termfreqs.size() >= MAX_CACHED_TERMFREQS)
        caches->termfreqs.clear();
    Xapian::doccount n = idx->db->get_termfreq(term);
    caches->termfreqs.emplace(term, n);
    return n;
}

Xapian::doccount
ms_index__termfreq(ms_index_t *idx, const std::string &term)
{
    return termfreq(idx, ms_index__caches(idx), term);
}

/* The first 8 bytes of 'term' as ms_index_doc_term.key. */
static uint64_t
term_key(const std::string &term)
{
    uint64_t key = 0;
    for (size_t i = 0; i < 8; i++)
        key = key << 8 | (i < term.size() ? static_cast<unsigned char>(term[i]) : 0u);
    return key;
}

/* Whether 'a' sorts before 'b' (by term). */
static bool
term_before(const ms_index_doc_term &a, const ms_index_doc_term &b)
{
    return a.key != b.key ? a.key < b.key : a.term < b.term;
}

/* Whether 'a' and 'b' are the same term. Terms of 8 bytes or fewer
 * with equal keys differ only if their lengths do. */
static bool
term_same(const ms_index_doc_term &a, const ms_index_doc_term &b)
{
    if (a.key != b.key || a.term.size() != b.term.size())
        return false;
    return a.term.size() <= 8 || a.term == b.term;
}

/* The terms of document 'doc' that start with 'prefix', in term order,
 * from the reader's cache of them when it has them ('caches', NULL for
 * none): a feedback document is read once, not once a search, until the
 * index changes. A long one (a treaty: tens of thousands of terms, their
 * list compressed by Xapian) cost more than the rest of the expansion. */
static std::shared_ptr<ms_index_doc_terms>
terms_of(Xapian::Database &db, ms_index_caches *caches, Xapian::docid doc,
         const std::string &prefix)
{
    std::shared_ptr<ms_index_doc_terms> terms;
    if (caches && (terms = caches->doc_terms.find(doc)) && terms->prefix == prefix)
        return terms;
    bool keep = caches && !terms; /* kept for another prefix: not replaced */
    terms = std::make_shared<ms_index_doc_terms>();
    terms->prefix = prefix;
    terms->length = static_cast<double>(db.get_doclength(doc));
    size_t bytes = sizeof(ms_index_doc_terms) + prefix.size();
    Xapian::TermIterator it = db.termlist_begin(doc), end = db.termlist_end(doc);
    for (it.skip_to(prefix); it != end; ++it) {
        std::string term = *it;
        if (term.compare(0, prefix.size(), prefix) != 0)
            break;
        bytes += sizeof(ms_index_doc_term) + term.size();
        /* A boolean term has wdf 0: Xapian counts it as 1. */
        double wdf = std::max<Xapian::termcount>(it.get_wdf(), 1);
        uint64_t key = term_key(term);
        terms->terms.push_back({std::move(term), key, wdf});
    }
    if (keep)
        caches->doc_terms.put(doc, terms, bytes);
    return terms;
}

/* Where the merge of the feedback documents' terms is in one of them. */
struct doc_cursor {
    std::shared_ptr<ms_index_doc_terms> doc;
    size_t at;
    ms_index_doc_term &head() const
    {
        return doc->terms[at];
    }
};

typedef std::vector<std::pair<std::string, double>> weighted_terms;

/* The best 'count' of 'candidates' (in term order, as Xapian meets them),
 * best first, chosen as get_eset() chooses them so that ties fall the
 * same way: while the set is not full every term with a positive weight
 * enters; then a term must beat the worst one kept, which leaves (the
 * worst first) by weight, then by term. */
static weighted_terms
best_terms(weighted_terms &candidates, size_t count)
{
    /* 'a' ranks before 'b'. */
    auto before = [](const std::pair<std::string, double> &a,
                     const std::pair<std::string, double> &b) {
        return a.second != b.second ? a.second > b.second : a.first > b.first;
    };
    weighted_terms out;
    double worst = 0;
    bool heap = false;
    for (auto &candidate : candidates) {
        if (candidate.second <= worst)
            continue;
        out.push_back(std::move(candidate));
        if (out.size() > count) {
            if (!heap) {
                std::make_heap(out.begin(), out.end(), before);
                heap = true;
            } else {
                std::push_heap(out.begin(), out.end(), before);
            }
            std::pop_heap(out.begin(), out.end(), before);
            out.pop_back();
            worst = out.front().second;
        }
    }
    std::sort(out.begin(), out.end(), before);
    return out;
}

/* The candidates are every term of the feedback documents 'docs' that
 * starts with 'prefix' and that 'decider' accepts, with its weight (the
 * formula above); terms of weight 0 or less are left out. */
weighted_terms
ms_index__expand(ms_index_t *idx, const std::vector<Xapian::docid> &docs, size_t count,
                 const std::string &prefix, const Xapian::ExpandDecider &decider)
{
    Xapian::Database &db = *idx->db;
    ms_index_caches *caches = ms_index__caches(idx);
    /* The documents' term lists merged in term order (each is sorted);
     * 'held' keeps every list alive to the end of the merge. */
    std::vector<std::shared_ptr<ms_index_doc_terms>> held;
    std::vector<doc_cursor> lists;
    ms_index_caches *doc_caches = ms_index__doc_caches(idx);
    for (Xapian::docid doc : docs) {
        held.push_back(terms_of(db, doc_caches, doc, prefix));
        if (!held.back()->terms.empty())
            lists.push_back({held.back(), 0});
    }
    double avg_len = db.get_avlength();
    double total = db.get_doccount(), feedback = static_cast<double>(docs.size());
    weighted_terms candidates;
    std::vector<ms_index_doc_term *> holders;
    while (!lists.empty()) {
        const ms_index_doc_term *least = &lists[0].head();
        for (size_t i = 1; i < lists.size(); i++) {
            if (term_before(lists[i].head(), *least))
                least = &lists[i].head();
        }
        /* 'held' keeps the term while the lists it heads move on. */
        const ms_index_doc_term &first = *least;
        const std::string &t = first.term;
        unsigned r = 0;
        double share = 0;
        holders.clear();
        for (size_t i = 0; i < lists.size();) {
            ms_index_doc_term &head = lists[i].head();
            if (!term_same(head, first)) {
                i++;
                continue;
            }
            r++;
            share +=
                2 * head.wdf /
                (avg_len > 0 ? lists[i].doc->length / avg_len + head.wdf : 1 + head.wdf);
            holders.push_back(&head);
            if (++lists[i].at < lists[i].doc->terms.size())
                i++;
            else
                lists.erase(lists.begin() + static_cast<long>(i));
        }
        if (!decider(t))
            continue;
        /* Kept in the documents' lists too, which the cache may keep. */
        Xapian::doccount df = holders[0]->df;
        if (df == 0) {
            df = termfreq(idx, caches, t);
            for (ms_index_doc_term *holder : holders)
                holder->df = df;
        }
        double n = df, without = feedback - r;
        double num = (r + 0.5) * (total - n - without + 0.5);
        double denom = (n - r + 0.5) * (without + 0.5);
        if (num > 0 && denom > 0)
            candidates.emplace_back(t, share * std::log(num / denom));
    }
    return best_terms(candidates, count);
}

size_t
ms_index__expand_kept(const weighted_terms &terms, double share)
{
    if (terms.empty())
        return 0;
    double least = share * terms.front().second;
    size_t kept = 1;
    while (kept < terms.size() && terms[kept].second >= least)
        kept++;
    return kept;
}
