/* handle.cc - a handle's members and its writer's transaction
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * What the shim's files ask of a handle (index-private.hh): a writer's
 * pending spelling words and the index it takes first-indexed times from,
 * a reader's caches (those of its active view), the transaction a writer keeps open
 * between commits. Below every other file of the shim, which is why it is not index.cc:
 * index.cc commits through spelling.cc, and spelling.cc needs these. And a
 * writer's profile (index-profile.hh).
 */
#include <cassert>
#include <memory>
#include <string>

#include "index-added.hh"
#include "index-handle.hh"
#include "index-profile.hh"

ms_index_spelling_pending &
ms_index__spelling_pending(ms_index_t *idx)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle; a
     * writer always has an active partition. */
    return static_cast<ms_index_handle *>(idx)->writing->spelling_pending;
}

std::unique_ptr<Xapian::Database> &
ms_index__added_from(ms_index_t *idx)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    return static_cast<ms_index_handle *>(idx)->added_from;
}

ms_index_profile_t &
ms_index__profile(ms_index_t *idx)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    return static_cast<ms_index_handle *>(idx)->profile;
}

extern "C" MS_EXPORT void
ms_index_profile(ms_index_profile_t *out, const ms_index_t *idx) noexcept
{
    assert(out && idx);
    *out = static_cast<const ms_index_handle *>(idx)->profile;
}

Xapian::rev
ms_index__part_revision(const ms_index_part &part)
{
    if (part.members.empty())
        return part.db->get_revision();
    Xapian::rev sum = 0;
    for (const Xapian::Database &member : part.members) {
        try {
            sum += member.get_revision();
        } catch (const Xapian::UnimplementedError &) {
            /* A remote shard (remote.cc) tells none: only local ones count. */
        }
    }
    return sum;
}

std::string
ms_index__parts_key(const std::vector<const ms_index_part *> &parts)
{
    /* A rebuilt index (a new generation) may be at the same revisions:
     * the UUIDs tell the databases apart. */
    std::string key;
    for (const ms_index_part *part : parts)
        key += part->db->get_uuid() + '/' +
               std::to_string(ms_index__part_revision(*part)) + ' ';
    return key;
}

ms_index_caches *
ms_index__caches(ms_index_t *idx)
{
    if (idx->writer)
        return nullptr;
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    ms_index_view &view = *static_cast<ms_index_handle *>(idx)->active;
    std::string key = ms_index__parts_key(view.parts);
    ms_index_caches &caches = view.caches;
    if (key != caches.key) {
        caches.termfreqs.clear();
        caches.facet_display.clear();
        caches.records.clear();
        caches.doc_terms.clear();
        caches.phrases.clear();
        caches.phrases_known = false;
        caches.key = key;
    }
    return &caches;
}

ms_index_caches *
ms_index__doc_caches(ms_index_t *idx)
{
    ms_index_caches *caches = ms_index__caches(idx);
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    if (!caches || handle->active->remote || handle->cache_bytes == 0)
        return nullptr;
    /* A view made after ms_index_set_cache() starts at the default. */
    caches->records.set_budget(handle->cache_bytes / 2);
    caches->doc_terms.set_budget(handle->cache_bytes / 2);
    return caches;
}

extern "C" MS_EXPORT void
ms_index_set_cache(ms_index_t *idx, size_t bytes) noexcept
{
    assert(idx);
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    handle->cache_bytes = bytes;
    for (auto &view : handle->views) {
        view.second->caches.records.set_budget(bytes / 2);
        view.second->caches.doc_terms.set_budget(bytes / 2);
    }
}

void
ms_index__ensure_transaction(ms_index_t *idx)
{
    if (!idx->in_transaction) {
        idx->writer->begin_transaction(true);
        idx->in_transaction = true;
    }
}
