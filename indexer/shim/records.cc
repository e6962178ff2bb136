/* records.cc - hits' document records, kept by a reader until its index changes
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A hit's record (docs/index-schema.md, "Document data") holds its whole
 * body, which snippets read. Xapian stores it compressed, so every hit of
 * every search decompressed it again: on issue 20's Zipf stream over the
 * corpus, the first ten hits of 1250 distinct queries held 125 MB of text
 * in all but 3.9 MB of distinct documents, since the long treaties match
 * many queries, and zlib was a third of a search's CPU
 * (docs/performance.md, "what a search over long documents read again").
 *
 * A reader keeps the decoded records it read, most recently used first,
 * up to half of what ms_index_set_cache() allows a handle (one handle a
 * server thread; 32 MB unless told: search.cache_mb). The cache lives with
 * the other caches of the view (index-caches.hh, ms_index__doc_caches) and
 * is emptied with them when the UUID or revision of any partition it reads
 * changes, so a record is never older than the match that found its hit. A
 * view with a remote shard keeps none: its key cannot see a remote shard's
 * revision, and a rebuilt remote shard gives its document numbers to other
 * documents.
 *
 * Kept with a record, once snippets have asked for it, is its snippet text
 * (chunk.cc): the text cut into chunks and in lower case, and the words of
 * the chunks snippets came from, which were made again for every hit; the
 * record is counted again once snippets have added to it. Only the record is kept, by
 * document number within the view; which hits a viewer gets is still the access-filtered
 * match's, and snippets are still chosen and marked for each query.
 */
#include <memory>
#include <string>

#include "index-caches.hh"

/* The bytes a record holds, as the cache counts them: its fields, and its
 * snippet text as far as snippets have made it. */
static size_t
record_bytes(const ms_index_record &record)
{
    const ms_index_stored &stored = record.stored;
    size_t n = stored.id.size() + stored.title.size() + stored.body.size() +
               stored.language.size() + stored.date.size();
    for (const auto &field : stored.fields)
        n += field.first.size() + field.second.size();
    if (record.snippet_text)
        n += ms_index__snippet_text_bytes(*record.snippet_text);
    return n;
}

std::shared_ptr<ms_index_record>
ms_index__hit_record(ms_index_caches *caches, const Xapian::MSetIterator &it)
{
    std::shared_ptr<ms_index_record> record;
    if (caches && (record = caches->records.find(*it)))
        return record;
    record = std::make_shared<ms_index_record>();
    record->stored = ms_index__decode(it.get_document().get_data());
    if (caches)
        caches->records.put(*it, record, record_bytes(*record));
    return record;
}

void
ms_index__hit_record_grew(ms_index_caches *caches, const Xapian::MSetIterator &it,
                          const ms_index_record &record)
{
    if (caches)
        caches->records.resize(*it, record_bytes(record));
}
