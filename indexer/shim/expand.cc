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

/* A feedback document's terms, read in order. */
struct doc_terms {
    Xapian::TermIterator it, end;
    double len;
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
    /* The documents' term lists merged in term order (each is sorted), from
     * the first term with 'prefix' to the last. */
    std::vector<doc_terms> lists;
    for (Xapian::docid doc : docs) {
        doc_terms list{db.termlist_begin(doc), db.termlist_end(doc),
                       static_cast<double>(db.get_doclength(doc))};
        list.it.skip_to(prefix);
        if (list.it != list.end && (*list.it).compare(0, prefix.size(), prefix) == 0)
            lists.push_back(list);
    }
    double avg_len = db.get_avlength();
    double total = db.get_doccount(), feedback = static_cast<double>(docs.size());
    weighted_terms candidates;
    std::vector<std::string> heads(lists.size());
    for (size_t i = 0; i < lists.size(); i++)
        heads[i] = *lists[i].it;
    while (!lists.empty()) {
        std::string term = *std::min_element(heads.begin(), heads.end());
        bool wanted = decider(term);
        unsigned r = 0;
        double share = 0;
        for (size_t i = 0; i < lists.size();) {
            if (heads[i] != term) {
                i++;
                continue;
            }
            /* A boolean term has wdf 0: Xapian counts it as 1. */
            double wdf = std::max<Xapian::termcount>(lists[i].it.get_wdf(), 1);
            r++;
            share += 2 * wdf / (avg_len > 0 ? lists[i].len / avg_len + wdf : 1 + wdf);
            ++lists[i].it;
            if (lists[i].it != lists[i].end &&
                (heads[i] = *lists[i].it).compare(0, prefix.size(), prefix) == 0) {
                i++;
            } else {
                lists.erase(lists.begin() + static_cast<long>(i));
                heads.erase(heads.begin() + static_cast<long>(i));
            }
        }
        if (!wanted)
            continue;
        double n = termfreq(idx, caches, term), without = feedback - r;
        double num = (r + 0.5) * (total - n - without + 0.5);
        double denom = (n - r + 0.5) * (without + 0.5);
        if (num > 0 && denom > 0)
            candidates.emplace_back(std::move(term), share * std::log(num / denom));
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
