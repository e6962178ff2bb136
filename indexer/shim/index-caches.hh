/* index-caches.hh - what a reader keeps until its index changes
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: the caches a reader handle owns
 * (index-handle.hh, emptied by handle.cc), filled by expand.cc (the
 * expansion terms' frequencies, feedback documents' terms), display.cc
 * (how facet values are shown) and records.cc (hits' records). Kept apart
 * from index-private.hh, which holds the rest.
 */
#ifndef MS_INDEX_CACHES_HH
#define MS_INDEX_CACHES_HH

#include <cstdint>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index-snippets.hh"

/* How a facet value is shown (display.cc): as a document stores it, and
 * for a labelled facet (the meeting) its label, if one was found; when
 * none of its public documents gives one, 'restricted' says the viewer's
 * restricted documents are still to be asked. */
struct ms_index_facet_display {
    std::string shown;
    std::string label;
    bool labelled = false;
    bool restricted = false;
    unsigned publics = 0; /* when 'restricted': its public documents */
};

/* Values a reader keeps by document number (records.cc, expand.cc), the
 * most recently used first, together at most 'budget' bytes as their
 * keeper counts them; a value of more than a quarter of that is not kept,
 * so that one very long document cannot empty the cache of the others. */
template <typename T> class ms_index_lru
{
  public:
    explicit ms_index_lru(size_t budget) : budget_(budget)
    {
    }

    /* The value kept for 'did', now the most recently used; or NULL. */
    std::shared_ptr<T> find(Xapian::docid did)
    {
        auto found = where_.find(did);
        if (found == where_.end())
            return nullptr;
        order_.splice(order_.begin(), order_, found->second);
        return std::get<1>(*found->second);
    }

    /* Keep 'value' for 'did' (not kept yet), of 'bytes' bytes, leaving out
     * the least recently used ones it needs the room of. */
    void put(Xapian::docid did, const std::shared_ptr<T> &value, size_t bytes)
    {
        if (bytes > budget_ / 4)
            return;
        leave_until(budget_ - bytes);
        auto entry = order_.emplace(order_.begin(), did, value, bytes);
        try {
            where_.emplace(did, entry);
        } catch (...) {
            order_.erase(entry);
            throw;
        }
        bytes_ += bytes;
    }

    /* The value kept for 'did' (if it still is) now holds 'bytes' bytes:
     * it leaves if that is more than a quarter of the budget, and the
     * least recently used leave if all no longer fit. */
    void resize(Xapian::docid did, size_t bytes)
    {
        auto found = where_.find(did);
        if (found == where_.end())
            return;
        size_t &kept = std::get<2>(*found->second);
        bytes_ = bytes_ - kept + bytes;
        kept = bytes;
        if (bytes > budget_ / 4) {
            bytes_ -= bytes;
            order_.erase(found->second);
            where_.erase(found);
            return;
        }
        leave_until(budget_);
    }

    /* Keep at most 'budget' bytes from now on, the least recently used
     * leaving now if they no longer fit. */
    void set_budget(size_t budget)
    {
        budget_ = budget;
        leave_until(budget_);
    }

    /* The bytes of the values kept, as put() was told them. */
    size_t bytes() const
    {
        return bytes_;
    }

    void clear()
    {
        order_.clear();
        where_.clear();
        bytes_ = 0;
    }

  private:
    /* The least recently used leave until at most 'bytes' are kept. */
    void leave_until(size_t bytes)
    {
        while (!order_.empty() && bytes_ > bytes) {
            bytes_ -= std::get<2>(order_.back());
            where_.erase(std::get<0>(order_.back()));
            order_.pop_back();
        }
    }

    typedef std::tuple<Xapian::docid, std::shared_ptr<T>, size_t> entry_t;
    std::list<entry_t> order_;
    std::unordered_map<Xapian::docid, typename std::list<entry_t>::iterator> where_;
    size_t bytes_ = 0, budget_;
};

/* A feedback document's terms with a prefix, in term order (expand.cc). */
struct ms_index_doc_term {
    std::string term;
    /* The term's first 8 bytes, big-endian, zero-padded: ordering two
     * terms by (key, term) is ordering them by term, and most pairs are
     * told apart by the keys alone. */
    uint64_t key;
    double wdf;              /* at least 1: a boolean term counts as 1 */
    Xapian::doccount df = 0; /* its document frequency; 0 until looked up */
};
struct ms_index_doc_terms {
    std::string prefix;
    double length = 0;
    std::vector<ms_index_doc_term> terms;
};

/* What a new reader keeps by document number (ms_index_set_cache), half
 * for hits' records (records.cc), half for feedback documents' terms
 * (expand.cc): search.cache_mb's default, which holds what a stream of
 * searches drawn like users' reads of the corpus (docs/performance.md,
 * "What a thread keeps, against time"). */
#define MS_INDEX_DOC_CACHE_BYTES (32u << 20)

/* What a reader's index says until it changes (expand.cc, display.cc,
 * records.cc). */
struct ms_index_caches {
    std::string key; /* the UUID/revision they were filled at */
    /* term -> document frequency, for expansion candidates */
    std::unordered_map<std::string, Xapian::doccount> termfreqs;
    /* facet term (prefix and folded value) -> how it is shown */
    std::unordered_map<std::string, ms_index_facet_display> facet_display;
    /* Kept by document number, so never in a view with a remote shard
     * (ms_index__doc_caches): hits' records (records.cc) and feedback
     * documents' terms (expand.cc). */
    ms_index_lru<ms_index_record> records{MS_INDEX_DOC_CACHE_BYTES / 2};
    ms_index_lru<ms_index_doc_terms> doc_terms{MS_INDEX_DOC_CACHE_BYTES / 2};
    /* The synonym phrases every database of the view has as terms
     * (phrases.cc), once read. */
    std::set<std::string> phrases;
    bool phrases_known = false;
};

/* The caches of reader 'idx', emptied first if the index changed since
 * they were filled; NULL for a writer, whose counts change at the same
 * revision. Owned by the handle. */
ms_index_caches *ms_index__caches(ms_index_t *idx);

/* The same, for what is kept by document number, within the handle's
 * budget (ms_index_set_cache): also NULL when that is 0, and in a view with
 * a remote shard, whose revision the key cannot see and whose document
 * numbers a rebuilt shard gives to other documents. */
ms_index_caches *ms_index__doc_caches(ms_index_t *idx);

/* The decoded record of hit 'it', from 'caches' (ms_index__doc_caches(),
 * asked once for all the hits of a search) when they have it; read,
 * decoded and kept there otherwise. With 'caches' NULL (a writer, a view
 * with a remote shard, a budget of 0) it is read every time. Throws as
 * ms_index__decode() does. */
std::shared_ptr<ms_index_record> ms_index__hit_record(ms_index_caches *caches,
                                                      const Xapian::MSetIterator &it);

/* Count hit 'it''s record again in 'caches' (as for ms_index__hit_record)
 * after snippets added to it; it may leave them. */
void ms_index__hit_record_grew(ms_index_caches *caches, const Xapian::MSetIterator &it,
                               const ms_index_record &record);

#endif /* MS_INDEX_CACHES_HH */
