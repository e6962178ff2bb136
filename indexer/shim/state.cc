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

static ms_index_status_t
read_only(ms_index_t *idx)
{
    ms_index__set_message(idx->message, sizeof idx->message, "index is open read-only");
    return MS_INDEX_INTERNAL;
}

extern "C" MS_EXPORT void
ms_index_string_free(char *text) noexcept
{
    free(text);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_get(char **out, ms_index_t *idx, const char *key) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(out && idx && key);
        *out = nullptr;
        idx->message[0] = '\0';
        std::string value;
        if (*key && strlen(key) <= MS_INDEX_METADATA_KEY_MAX) {
            status = ms_index__retry(idx, [&] {
                value = idx->db->get_metadata(key);
                return MS_INDEX_OK;
            });
        }
        /* Xapian stores no empty values: empty and absent are the same. */
        if (value.empty()) {
            status = MS_INDEX_NOT_FOUND;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "no metadata under this key");
        } else {
            *out = ms_index__strdup(value);
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_set(ms_index_t *idx, const char *key, const char *value) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && key);
        idx->message[0] = '\0';
        if (!idx->writer) {
            status = read_only(idx);
            goto out;
        }
        if (!*key || strlen(key) > MS_INDEX_METADATA_KEY_MAX) {
            status = MS_INDEX_BAD_QUERY;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "invalid metadata key");
            goto out;
        }
        /* The writer's transaction is what makes the value part of the
         * next commit and lets ms_index_close() drop it. */
        if (!idx->in_transaction) {
            idx->writer->begin_transaction(true);
            idx->in_transaction = true;
        }
        idx->writer->set_metadata(key, value ? value : "");
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_metadata_each(ms_index_t *idx, const char *prefix, ms_index_metadata_cb fn,
                       void *payload) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && fn);
        idx->message[0] = '\0';
        std::string start = prefix ? prefix : "";
        /* No retry: 'fn' has seen keys by the time a revision vanishes. */
        for (Xapian::TermIterator it = idx->db->metadata_keys_begin(start);
             it != idx->db->metadata_keys_end(start); ++it) {
            std::string key = *it;
            std::string value = idx->db->get_metadata(key);
            if (value.empty())
                continue;
            if (fn(key.c_str(), value.c_str(), payload) != 0)
                break;
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_each_id(ms_index_t *idx, ms_index_id_cb fn, void *payload) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && fn);
        idx->message[0] = '\0';
        /* Each document has exactly one Q term, its id (docs/index-schema.md). */
        for (Xapian::TermIterator it = idx->db->allterms_begin("Q");
             it != idx->db->allterms_end("Q"); ++it) {
            if (it.get_termfreq() == 0)
                continue;
            std::string id = (*it).substr(1);
            if (fn(id.c_str(), payload) != 0)
                break;
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

/* Free 'n' items of 'items' and the array. */
static void
free_items(ms_index_count_t *items, size_t n) noexcept
{
    for (size_t i = 0; i < n; i++)
        free(items[i].value);
    free(items);
}

extern "C" MS_EXPORT void
ms_index_counts_free(ms_index_counts_t *counts) noexcept
{
    if (!counts)
        return;
    free_items(counts->items, counts->n_items);
    free(counts);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_count_by(ms_index_counts_t **out, ms_index_t *idx, const char *field) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    ms_index_counts_t *counts = nullptr;

    try {
        assert(out && idx && field);
        *out = nullptr;
        idx->message[0] = '\0';
        const char *prefix = ms_index__prefix_for(field, true);
        if (!prefix) {
            status = MS_INDEX_BAD_QUERY;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "not a filterable field");
            goto out;
        }
        std::vector<std::pair<std::string, unsigned long>> found;
        status = ms_index__retry(idx, [&] {
            found.clear();
            /* Values are folded to lower case, so no other prefix's terms
             * (all upper-case letters) can follow this prefix. */
            for (Xapian::TermIterator it = idx->db->allterms_begin(prefix);
                 it != idx->db->allterms_end(prefix); ++it) {
                if (it.get_termfreq() > 0)
                    found.emplace_back((*it).substr(strlen(prefix)), it.get_termfreq());
            }
            return MS_INDEX_OK;
        });
        counts = static_cast<ms_index_counts_t *>(calloc(1, sizeof *counts));
        if (!counts)
            throw std::bad_alloc();
        if (!found.empty()) {
            counts->items = static_cast<ms_index_count_t *>(
                calloc(found.size(), sizeof *counts->items));
            if (!counts->items)
                throw std::bad_alloc();
        }
        for (const auto &f : found) {
            counts->items[counts->n_items].value = ms_index__strdup(f.first);
            counts->items[counts->n_items].count = f.second;
            counts->n_items++;
        }
        *out = counts;
        counts = nullptr;
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    ms_index_counts_free(counts);
    return status;
}
