/* phrases.cc - synonym phrases indexed as terms (index-phrases.hh)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A synonym group with an entry of several words ("return migration",
 * config/synonyms.yaml) makes every search for any of its entries hold
 * that phrase (query.cc, phrase_of). Xapian confirms a phrase from the
 * positions of its words in each document that has them all: at
 * 1,000,000 generated documents, where "return" and "migration" are
 * common and the phrase is in 36 documents, that took "reintegration"
 * from 12 to 70 ms and made it the slowest query of issue 20's stream
 * (docs/performance.md). Matched as a term, the phrase costs what a word
 * of 36 documents costs.
 *
 * The term's wdf is what Xapian's exact phrase gives inside a synonym
 * (the least wdf of its words), so that the synonym sums the same wdf;
 * the document's length grows by it, and the synonym's document
 * frequency is counted instead of estimated, so scores move a little
 * (docs/relevance.md). The term is used only where the phrase stands for
 * a synonym entry: a phrase the user typed is weighed by its words.
 *
 * Which documents have the terms: a database's list (MS_INDEX_PHRASES_KEY)
 * holds the entries every one of its documents was indexed with. A
 * writer cuts it, at its first put into the database, to the entries it
 * indexes; an empty database takes them all. So an entry added to the
 * synonyms stays a phrase until a rebuild (ms_index_phrases_unindexed()
 * names such entries, for migsearch-index to tell staff), and one taken
 * out leaves terms nobody asks for.
 */
#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index-caches.hh"
#include "index-partition.hh"
#include "index-phrases.hh"
#include "index-synonyms.hh"
#include "index-words.hh"

/* 'entries' one a line, as the metadata holds them. */
static std::string
joined(const std::set<std::string> &entries)
{
    std::string out;
    for (const std::string &entry : entries)
        out += entry + "\n";
    return out;
}

static std::set<std::string>
split(const std::string &value)
{
    std::vector<std::string> lines = ms_index__split(value, '\n');
    return std::set<std::string>(lines.begin(), lines.end());
}

static std::set<std::string>
intersection(const std::set<std::string> &a, const std::set<std::string> &b)
{
    std::set<std::string> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                          std::inserter(out, out.end()));
    return out;
}

/* A writer's: the entries of several words of its synonym table, from
 * now on; if they changed, the lists are cut again to them. */
static void
phrases_use(ms_index_t *idx, std::set<std::string> entries)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    handle->phrases_known = true;
    if (handle->phrases == entries)
        return;
    handle->phrases = std::move(entries);
    handle->phrase_words.clear();
    for (const std::string &entry : handle->phrases) {
        /* The synonym table holds an entry's words joined by spaces. */
        std::vector<std::string> words = ms_index__split(entry, ' ');
        if (words.size() >= 2)
            handle->phrase_words.emplace_back(entry, std::move(words));
    }
    handle->phrases_listed.clear();
}

/* The wdf Xapian gives the phrase of 'words' in 'xdoc', the least wdf
 * among them, if they stand one after the other somewhere; else 0. */
static Xapian::termcount
phrase_wdf(const Xapian::Document &xdoc, const std::vector<std::string> &words)
{
    std::vector<std::vector<Xapian::termpos>> positions;
    Xapian::termcount least = 0;
    for (const std::string &word : words) {
        Xapian::TermIterator t = xdoc.termlist_begin();
        t.skip_to(word);
        if (t == xdoc.termlist_end() || *t != word)
            return 0;
        least = positions.empty() ? t.get_wdf() : std::min(least, t.get_wdf());
        positions.emplace_back(t.positionlist_begin(), t.positionlist_end());
    }
    for (Xapian::termpos first : positions[0]) {
        bool all = true;
        for (size_t i = 1; i < positions.size() && all; i++)
            all = std::binary_search(positions[i].begin(), positions[i].end(),
                                     first + static_cast<Xapian::termpos>(i));
        if (all)
            return least;
    }
    return 0;
}

void
ms_index__phrases_put(ms_index_t *idx, Xapian::Document &xdoc)
{
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    if (!handle->phrases_known)
        phrases_use(idx,
                    ms_index__synonym_phrases(*ms_index__part_public(handle).writer));
    Xapian::WritableDatabase *db = idx->writer;
    if (!handle->phrases_listed.count(handle->writing->name)) {
        std::string was = db->get_metadata(MS_INDEX_PHRASES_KEY);
        std::string now =
            joined(db->get_doccount() == 0 ? handle->phrases
                                           : intersection(split(was), handle->phrases));
        if (now != was) {
            ms_index__ensure_transaction(idx);
            db->set_metadata(MS_INDEX_PHRASES_KEY, now);
        }
        handle->phrases_listed.insert(handle->writing->name);
    }
    for (const auto &phrase : handle->phrase_words) {
        Xapian::termcount wdf = phrase_wdf(xdoc, phrase.second);
        if (wdf)
            xdoc.add_term(MS_SCHEMA_PREFIX_PHRASE + phrase.first, wdf);
    }
}

/* The entries every database of the reader's view lists; a database
 * without documents lists them all, so a view without documents gives
 * 'all'. */
static std::set<std::string>
view_entries(const ms_index_view &view, const std::set<std::string> &all = {})
{
    std::set<std::string> out = all;
    bool first = true;
    for (const ms_index_part *part : view.parts) {
        for (const Xapian::Database &member : part->members) {
            if (member.get_doccount() == 0)
                continue;
            std::set<std::string> listed =
                split(member.get_metadata(MS_INDEX_PHRASES_KEY));
            out = first ? listed : intersection(out, listed);
            first = false;
        }
    }
    return out;
}

/* The term of 'sub' into *out if it is a synonym's phrase of one of
 * 'entries'. */
static bool
as_term(const Xapian::Query &sub, bool in_synonym, const std::set<std::string> &entries,
        Xapian::Query *out)
{
    if (!in_synonym || sub.get_type() != Xapian::Query::OP_PHRASE)
        return false;
    std::string entry;
    for (size_t i = 0; i < sub.get_num_subqueries(); i++) {
        Xapian::Query word = sub.get_subquery(i);
        if (word.get_type() != Xapian::Query::LEAF_TERM)
            return false;
        entry += (i ? " " : "") + *word.get_terms_begin();
    }
    if (!entries.count(entry))
        return false;
    *out = Xapian::Query(MS_SCHEMA_PREFIX_PHRASE + entry);
    return true;
}

Xapian::Query
ms_index__phrases_as_terms(ms_index_t *idx, const Xapian::Query &query)
{
    ms_index_caches *caches = ms_index__caches(idx);
    if (!caches)
        return query;
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    const ms_index_view &view = *static_cast<ms_index_handle *>(idx)->active;
    /* A remote member's list can change at a revision the caches' key
     * does not see: its phrases stay phrases. */
    if (view.remote)
        return query;
    if (!caches->phrases_known) {
        caches->phrases = view_entries(view);
        caches->phrases_known = true;
    }
    if (caches->phrases.empty())
        return query;
    const std::set<std::string> &entries = caches->phrases;
    bool changed = false;
    return ms_index__map_queries(
        query,
        [&](const Xapian::Query &sub, bool in_synonym, Xapian::Query *out) {
            return as_term(sub, in_synonym, entries, out);
        },
        false, &changed);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_phrases_unindexed(ms_strings_t **out, ms_index_t *idx) noexcept
{
    return ms_index__call_out(out, idx, [&] {
        if (idx->writer)
            return ms_index__fail(idx, MS_INDEX_INTERNAL, "needs a READ handle");
        /* Every handle was made by ms_index_open() as an ms_index_handle. */
        const ms_index_view &all = *static_cast<ms_index_handle *>(idx)->all;
        std::set<std::string> entries = ms_index__synonym_phrases(all.db);
        std::set<std::string> listed = view_entries(all, entries);
        std::vector<std::string> unindexed;
        std::set_difference(entries.begin(), entries.end(), listed.begin(), listed.end(),
                            std::back_inserter(unindexed));
        *out = ms_index__strings(unindexed);
        return MS_INDEX_OK;
    });
}

std::string
ms_index__phrases_merged(size_t n, const std::string values[])
{
    std::set<std::string> out = split(values[0]);
    for (size_t i = 1; i < n; i++)
        out = intersection(out, split(values[i]));
    return joined(out);
}
