/* spelling.cc - the spelling dictionary a writer keeps in step
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 *
 * The dictionary feeds the "did you mean" corrections of a search
 * (docs/index-schema.md, "Spelling"). A writer with spelling on counts the
 * words of every document it puts and adds them at the commit, once a
 * word; replacing or deleting a document first takes its words out again,
 * which Xapian never does itself.
 *
 * Of a sharded index, the words of the documents of partition P of every
 * shard go to the dictionary of P in shard 0 (ms_index__part_spelling),
 * and the other shards have none: xapian-tcpsrv serves no spelling table,
 * so a search host that keeps shard 0 reads the whole dictionary locally,
 * and each view's dictionary is the unsharded index's exactly.
 */
#include <algorithm>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "index-partition.hh"
#include "index-spelling.hh"

/* Whether 'term' is one of the n-grams TermGenerator makes of CJK text
 * (a character, or two). They stay out of the dictionary: Xapian 1.4's
 * query parser looks up only the words of other scripts for a correction
 * (a CJK n-gram never, queryparser.lemony), and no such word shares a
 * fragment with one, so no query could be offered one; they were a third
 * of the shared corpus's dictionary, and leaving them out takes 13% to
 * 21% off its rebuild's CPU (docs/performance.md, session 21). */
static bool
is_ngram(const std::string &term)
{
    Xapian::Utf8Iterator first(term);
    return first != Xapian::Utf8Iterator() && ms_index__is_cjk(*first);
}

/* The words ms_index__spelling_count() counted of the document 'stored'
 * was put as: each unprefixed word of the title and body once per
 * occurrence (the title's wdf of 3 does not count), and a word only of
 * its tag fields (country, theme: no positions) by its wdf there; CJK
 * n-grams too (is_ngram). They come back as the terms of a scratch
 * document, count as wdf. */
static Xapian::Document
spelling_words(const ms_index_stored &stored)
{
    Xapian::Document words, tags;
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator.set_document(words);
    if (stored.has_title)
        generator.index_text(stored.title);
    if (stored.has_body)
        generator.index_text(stored.body);
    generator.set_document(tags);
    for (const auto &value : stored.fields) {
        const ms_index_field *field =
            ms_index__field(value.first.c_str(), MS_INDEX_FOR_DOCUMENT);
        if (field && (field->schema->flags & MS_FIELD_TEXT))
            generator.index_text_without_positions(value.second);
    }
    for (Xapian::TermIterator t = tags.termlist_begin(); t != tags.termlist_end(); ++t) {
        Xapian::TermIterator in_text = words.termlist_begin();
        in_text.skip_to(*t);
        if (in_text == words.termlist_end() || *in_text != *t)
            words.add_term(*t, t.get_wdf());
    }
    return words;
}

/* The partition whose dictionary holds the words of the documents of
 * writer 'idx''s active partition. */
static ms_index_part &
table_of(ms_index_t *idx)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle; a
     * writer always has an active partition. */
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    return ms_index__part_spelling(handle, *handle->writing);
}

/* Without this, words of documents long gone would still be offered as
 * corrections.
 *
 * The words may still be pending (ms_index__spelling_pending). Taking a
 * count r off a word with p pending occurrences gives what adding the p
 * and then removing the r would give: p - r stay pending if p >= r, else
 * r - p go from the dictionary, which Xapian floors at zero as it would
 * have floored (stored + p) - r. */
void
ms_index__spelling_remove(ms_index_t *idx, Xapian::docid did)
{
    ms_index_stored stored = ms_index__decode(idx->writer->get_document(did).get_data());
    Xapian::Document words = spelling_words(stored);
    ms_index_part &table = table_of(idx);
    ms_index_spelling_pending &pending = table.spelling_pending;
    for (Xapian::TermIterator t = words.termlist_begin(); t != words.termlist_end();
         ++t) {
        if (is_ngram(*t))
            continue;
        Xapian::termcount remove = t.get_wdf();
        auto found = pending.find(*t);
        if (found != pending.end()) {
            Xapian::termcount held = std::min(found->second, remove);
            found->second -= held;
            remove -= held;
        }
        if (remove > 0)
            table.writer->remove_spelling(*t, remove);
    }
}

/* The words TermGenerator's FLAG_SPELLING would have added one
 * add_spelling() an occurrence, which costs a map lookup and often a
 * B-tree lookup each. Added at the commit, once a word, they give the same
 * dictionary (Xapian sums the counts), less the CJK n-grams (is_ngram).
 *
 * Those words are the unprefixed terms (prefixes are upper case, and the
 * generator lower-cases words). Each occurrence of a word in the title or
 * the body has a position; a word only of the tag fields (country, theme:
 * document.cc) has none and counts its wdf. */
void
ms_index__spelling_count(ms_index_t *idx, const Xapian::Document &xdoc)
{
    ms_index_spelling_pending &pending = table_of(idx).spelling_pending;
    for (Xapian::TermIterator t = xdoc.termlist_begin(); t != xdoc.termlist_end(); ++t) {
        const std::string &term = *t;
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z') || is_ngram(term))
            continue;
        Xapian::termcount occurrences = t.positionlist_count();
        pending[term] += occurrences > 0 ? occurrences : t.get_wdf();
    }
}

/* The words go in byte order: Xapian files a word new to the dictionary
 * under each of its fragments in in-memory sets, and in order their
 * paths stay in the cache. In the hash map's order a rebuild of the shared
 * corpus took 12% more CPU (docs/performance.md). */
void
ms_index__spelling_flush(ms_index_t *idx)
{
    ms_index_spelling_pending &pending = ms_index__spelling_pending(idx);
    std::vector<std::pair<std::string, Xapian::termcount>> words;
    words.reserve(pending.size());
    while (!pending.empty()) {
        auto word = pending.extract(pending.begin());
        if (word.mapped() > 0)
            words.emplace_back(std::move(word.key()), word.mapped());
    }
    std::sort(words.begin(), words.end());
    for (const auto &word : words)
        idx->writer->add_spelling(word.first, word.second);
}

/* The words of 'part''s dictionary, collected before anything changes
 * what the iterator walks. */
static std::vector<std::pair<std::string, Xapian::termcount>>
dictionary_of(const ms_index_part &part)
{
    std::vector<std::pair<std::string, Xapian::termcount>> words;
    for (Xapian::TermIterator it = part.writer->spellings_begin();
         it != part.writer->spellings_end(); ++it)
        words.emplace_back(*it, it.get_termfreq());
    return words;
}

/* Empty every partition's dictionary (of every shard: an index written
 * before kept words in each), so that turning the option off also stops
 * the suggestions. Each partition is in its transaction: the active one
 * once ensured, the others since the writer opened or last committed. */
static void
clear_dictionaries(ms_index_t *idx)
{
    ms_index__ensure_transaction(idx);
    for (auto &entry : static_cast<ms_index_handle *>(idx)->parts) {
        ms_index_part &part = *entry.second;
        part.spelling_pending.clear();
        for (const auto &word : dictionary_of(part))
            part.writer->remove_spelling(word.first, word.second);
    }
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_set_spelling(ms_index_t *idx, bool enabled) noexcept
{
    assert(idx);
    return ms_index__call_writer(idx, [&] {
        idx->spelling = enabled;
        if (!enabled)
            clear_dictionaries(idx);
        return MS_INDEX_OK;
    });
}

void
ms_index__spelling_gather(ms_index_handle *handle)
{
    if (handle->shards.size() < 2)
        return;
    ms_index_part &pub = ms_index__part_public(handle);
    if (pub.writer->get_metadata(MS_INDEX_SPELLING_KEY) == MS_INDEX_SPELLING_IN_SHARD_0)
        return;
    /* Listed first: the tables of shard 0 may be new partitions. */
    std::vector<ms_index_part *> others;
    for (auto &entry : handle->parts) {
        if (entry.first.compare(0, handle->shards[0].size(), handle->shards[0]) != 0)
            others.push_back(entry.second.get());
    }
    for (ms_index_part *part : others) {
        std::vector<std::pair<std::string, Xapian::termcount>> words =
            dictionary_of(*part);
        if (words.empty())
            continue;
        ms_index_part &table = ms_index__part_spelling(handle, *part);
        for (const auto &word : words) {
            table.writer->add_spelling(word.first, word.second);
            part->writer->remove_spelling(word.first, word.second);
        }
    }
    pub.writer->set_metadata(MS_INDEX_SPELLING_KEY, MS_INDEX_SPELLING_IN_SHARD_0);
}
