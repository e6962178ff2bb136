/* added.cc - the date each document was first indexed
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A delegate who follows a search wants to hear of a 1998 report the day
 * it is added to the archive, not only of documents dated this week. So
 * the index records, in MS_INDEX_SLOT_ADDED, the UTC time a document id
 * was first written ("YYYY-MM-DDTHH:MM:SSZ", which sorts as a string),
 * and keeps it when the document is written again: it is the date of
 * the addition, not of the last change, which a corrected typo would
 * otherwise move to the top of every feed. A rebuild writes into a new,
 * empty generation: ms_index_keep_added() lets it take each document's
 * time from the live index it replaces. Results show it as the generated
 * field "added" of ms_schema.h (MS_FIELD_FROM_INDEX).
 */
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "index-added.hh"
#include "index-private.hh"

/* The name of the field of ms_schema.h that comes from the index. */
static const char *
added_field_name()
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        if (ms_schema_fields[i].source == MS_FIELD_FROM_INDEX)
            return ms_schema_fields[i].name;
    }
    return nullptr;
}

std::string
ms_index__added_value(ms_index_t *idx, Xapian::docid existing, const std::string &id_term)
{
    std::string kept;
    if (existing)
        kept = idx->writer->get_document(existing).get_value(MS_INDEX_SLOT_ADDED);
    Xapian::Database *before = ms_index__added_from(idx).get();
    if (kept.empty() && before) {
        Xapian::PostingIterator it = before->postlist_begin(id_term);
        if (it != before->postlist_end(id_term))
            kept = before->get_document(*it).get_value(MS_INDEX_SLOT_ADDED);
    }
    if (!kept.empty())
        return kept;
    time_t now = time(nullptr);
    struct tm tm;
    char text[32];
    gmtime_r(&now, &tm);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

void
ms_index__added_fill(ms_document_t *doc, const Xapian::Document &xdoc)
{
    const char *name = added_field_name();
    std::string value = xdoc.get_value(MS_INDEX_SLOT_ADDED);
    if (!name || value.empty())
        return;
    ms_field_t *fields = static_cast<ms_field_t *>(realloc(
        const_cast<ms_field_t *>(doc->fields), (doc->n_fields + 1) * sizeof *fields));
    if (!fields)
        throw std::bad_alloc();
    /* First, so that a single-valued field shows this value, not one
     * staff may have written under the same name. */
    memmove(fields + 1, fields, doc->n_fields * sizeof *fields);
    fields[0].name = nullptr;
    fields[0].value = nullptr;
    doc->fields = fields;
    doc->n_fields++;
    fields[0].name = ms_index__strdup(name);
    fields[0].value = ms_index__strdup(value);
}

static ms_index_status_t
keep_added(ms_index_t *idx, const char *path)
{
    if (!idx->writer)
        return ms_index__fail(idx, MS_INDEX_INTERNAL, "not a writer");
    ms_index_location where;
    if (!ms_index__locate(path, where))
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no index to keep the times of");
    ms_index__added_from(idx).reset(new Xapian::Database(where.open_path));
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_keep_added(ms_index_t *idx, const char *path) noexcept
{
    assert(idx && path);
    return ms_index__call(idx, [&] { return keep_added(idx, path); });
}
