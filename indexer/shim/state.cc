/* state.cc - index metadata, document ids and per-field counts of the ms_index C API
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning.
 *
 * migsearch-index keeps what it knows about the archive (which file gave
 * which documents, and how the file looked then) as Xapian user metadata,
 * written in the same transaction as the documents, so that a commit moves
 * documents and bookkeeping forward together and a killed run leaves both
 * at the same commit. The layout of those values belongs to the indexer;
 * this file only stores strings (docs/index-schema.md, "Metadata").
 */
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "index-private.hh"

extern "C" MS_EXPORT void
ms_index_string_free(char *text) noexcept
{
    free(text);
}

static ms_index_status_t
metadata_get(char **out, ms_index_t *idx, const char *key)
{
    std::string value;
    if (*key && strlen(key) <= MS_INDEX_METADATA_KEY_MAX) {
        ms_index__retry(idx, [&] {
            value = idx->db->get_metadata(key);
            return MS_INDEX_OK;
        });
    }
    /* Xapian stores no empty values: empty and absent are the same. */
    if (value.empty())
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no metadata under this key");
    *out = ms_index__strdup(value);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_get(char **out, ms_index_t *idx, const char *key) noexcept
{
    assert(out && idx && key);
    *out = nullptr;
    return ms_index__call(idx, [&] { return metadata_get(out, idx, key); });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_set(ms_index_t *idx, const char *key, const char *value) noexcept
{
    assert(idx && key);
    return ms_index__call_writer(idx, [&] {
        if (!*key || strlen(key) > MS_INDEX_METADATA_KEY_MAX)
            return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "invalid metadata key");
        /* The writer's transaction is what makes the value part of the
         * next commit and lets ms_index_close() drop it. */
        ms_index__ensure_transaction(idx);
        idx->writer->set_metadata(key, value ? value : "");
        return MS_INDEX_OK;
    });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_each(ms_index_t *idx, const char *prefix, ms_index_metadata_cb fn,
                       void *payload) noexcept
{
    assert(idx && fn);
    /* No retry: 'fn' has seen keys by the time a revision vanishes. */
    return ms_index__call(idx, [&] {
        std::string start = prefix ? prefix : "";
        ms_index__each_term(
            idx->db->metadata_keys_begin(start), idx->db->metadata_keys_end(start),
            [&](const Xapian::TermIterator &it) {
                std::string key = *it;
                std::string value = idx->db->get_metadata(key);
                return value.empty() ? 0 : fn(key.c_str(), value.c_str(), payload);
            });
        return MS_INDEX_OK;
    });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_each_id(ms_index_t *idx, ms_index_id_cb fn, void *payload) noexcept
{
    assert(idx && fn);
    return ms_index__call(idx, [&] {
        /* Each document has exactly one id term (docs/index-schema.md). */
        const std::string prefix = MS_SCHEMA_PREFIX_ID;
        ms_index__each_term(idx->db->allterms_begin(prefix),
                            idx->db->allterms_end(prefix),
                            [&](const Xapian::TermIterator &it) {
                                if (it.get_termfreq() == 0)
                                    return 0;
                                return fn((*it).substr(prefix.size()).c_str(), payload);
                            });
        return MS_INDEX_OK;
    });
}

extern "C" MS_EXPORT void
ms_index_counts_free(ms_index_counts_t *counts) noexcept
{
    if (!counts)
        return;
    for (size_t i = 0; i < counts->n_items; i++)
        free(counts->items[i].value);
    free(counts->items);
    free(counts);
}

static ms_index_status_t
count_by(ms_index_counts_t **out, ms_index_t *idx, const char *name)
{
    const ms_index_field *field = ms_index__field(name, MS_INDEX_FOR_QUERY);
    if (!field)
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "not a filterable field");
    const std::string &prefix = field->prefix;
    std::vector<std::pair<std::string, unsigned long>> found;
    ms_index__retry(idx, [&] {
        found.clear();
        /* Values are folded to lower case, so no other prefix's terms
         * (all upper-case letters) can follow this prefix. */
        for (Xapian::TermIterator it = idx->db->allterms_begin(prefix);
             it != idx->db->allterms_end(prefix); ++it) {
            if (it.get_termfreq() > 0)
                found.emplace_back((*it).substr(prefix.size()), it.get_termfreq());
        }
        return MS_INDEX_OK;
    });
    std::unique_ptr<ms_index_counts_t, void (*)(ms_index_counts_t *)> counts(
        static_cast<ms_index_counts_t *>(calloc(1, sizeof(ms_index_counts_t))),
        ms_index_counts_free);
    if (!counts)
        throw std::bad_alloc();
    if (!found.empty()) {
        counts->items =
            static_cast<ms_index_count_t *>(calloc(found.size(), sizeof *counts->items));
        if (!counts->items)
            throw std::bad_alloc();
    }
    for (const auto &f : found) {
        counts->items[counts->n_items].value = ms_index__strdup(f.first);
        counts->items[counts->n_items].count = f.second;
        counts->n_items++;
    }
    *out = counts.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_count_by(ms_index_counts_t **out, ms_index_t *idx, const char *field) noexcept
{
    assert(out && idx && field);
    *out = nullptr;
    return ms_index__call(idx, [&] { return count_by(out, idx, field); });
}
