/* index.cc - handles, revisions and commits of the ms_index C API
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 * The document functions live in document.cc, searching in search.cc,
 * generations in generation.cc.
 *
 * A writer keeps a Xapian transaction open between commits. Xapian 1.4
 * commits pending changes when a WritableDatabase is destroyed, but
 * cancels an open transaction instead, and ms_index_close() promises to
 * discard what was not committed. A transaction also stops Xapian's
 * autoflush from publishing a half-finished indexing run to readers.
 *
 * Generations (docs/index-schema.md, "Generations and the switch"): the
 * index path is a symbolic link to "<path>.gen-<N>", replaced in one
 * rename(2) by a rebuild. Xapian's reopen() only rereads the database it
 * has open, so a reader remembers which directory it opened (link target,
 * device and inode) and ms_index_refresh() compares that with what the
 * path names now. Every handle is an ms_index_handle (index-handle.hh),
 * created here by ms_index_open() and deleted here by ms_index_close().
 */
#include <cassert>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "index-partition.hh"
#include "index-profile.hh"
#include "index-spelling.hh"

/* Open the partitions of the index 'path' leads to for reading and
 * record where that was. A rebuild may switch the link and remove the
 * old generation between locating and the open; then look again, a few
 * times. */
static void
open_reader(ms_index_handle *handle)
{
    for (int attempt = 0;; attempt++) {
        ms_index_location loc;
        if (!ms_index__locate(handle->path, loc))
            throw Xapian::DatabaseNotFoundError("no index exists at this path");
        try {
            handle->dir = loc.open_path;
            ms_index__parts_open(handle, false);
            handle->opened = loc;
            return;
        } catch (const Xapian::DatabaseOpeningError &) {
            handle->views.clear();
            handle->parts.clear();
            ms_index_location now;
            if (attempt >= 3 || !ms_index__locate(handle->path, now) ||
                ms_index__same_location(now, loc))
                throw;
        }
    }
}

static ms_index_status_t
open_index(ms_index_t **out, const char *path, ms_index_mode_t mode, unsigned shards,
           const ms_index_remote_t *remote, ms_index_error_t *err)
{
    if (!path || !*path)
        return ms_index__fill_error(
            err, mode == MS_INDEX_READ ? MS_INDEX_NOT_FOUND : MS_INDEX_IO,
            "empty index path");
    /* Say plainly that nothing is there; Xapian's own message for this
     * ("Couldn't detect type of database") misleads. */
    struct stat st;
    if (mode == MS_INDEX_READ && stat(path, &st) != 0 && errno == ENOENT)
        return ms_index__fill_error(err, MS_INDEX_NOT_FOUND,
                                    "no index exists at this path");

    /* Closed again if anything below throws. */
    std::unique_ptr<ms_index_handle, void (*)(ms_index_t *)> handle(new ms_index_handle(),
                                                                    ms_index_close);
    ms_index_t *idx = handle.get();
    idx->message[0] = '\0';
    handle->path = path;
    if (!ms_index__remote_setup(handle.get(), remote))
        return ms_index__fill_error(err, MS_INDEX_BAD_QUERY,
                                    "index.remote: expected K=host:port[,host:port...] "
                                    "for each remote shard, separated by spaces");
    if (mode == MS_INDEX_READ) {
        open_reader(handle.get());
    } else {
        handle->dir = path;
        handle->want_shards = shards;
        ms_index__parts_open(handle.get(), true);
    }
    ms_index__check_schema(*idx->db);
    /* Each shard's, so that a shard is an index of its own. */
    for (const std::string &shard : handle->shards) {
        auto part = handle->parts.find(shard + MS_INDEX_PART_PUBLIC);
        if (part != handle->parts.end() && part->second->writer &&
            part->second->writer->get_metadata("schema").empty())
            part->second->writer->set_metadata("schema", MS_INDEX_SCHEMA);
    }
    if (mode != MS_INDEX_READ)
        ms_index__spelling_gather(handle.get());
    *out = handle.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_open(ms_index_t **out, const char *path, ms_index_mode_t mode,
              ms_index_error_t *err) noexcept
{
    assert(out);
    *out = nullptr;
    return ms_index__call_unbound(err, [&](ms_index_error_t *own) {
        return open_index(out, path, mode, 1, nullptr, own);
    });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_open_remote(ms_index_t **out, const char *path, const ms_index_remote_t *remote,
                     ms_index_error_t *err) noexcept
{
    assert(out);
    *out = nullptr;
    return ms_index__call_unbound(err, [&](ms_index_error_t *own) {
        return open_index(out, path, MS_INDEX_READ, 1, remote, own);
    });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_open_shards(ms_index_t **out, const char *path, unsigned shards,
                     ms_index_error_t *err) noexcept
{
    assert(out);
    *out = nullptr;
    return ms_index__call_unbound(err, [&](ms_index_error_t *own) {
        return open_index(out, path, MS_INDEX_WRITE, shards, nullptr, own);
    });
}

/* Cancel the open transaction of each of a writer's partitions. */
static void
cancel_transactions(ms_index_handle *handle)
{
    if (handle->writing)
        ms_index__part_activate(handle, handle->writing); /* saves its state */
    for (auto &entry : handle->parts) {
        ms_index_part &part = *entry.second;
        if (part.writer && part.in_transaction) {
            try {
                part.writer->cancel_transaction();
            } catch (...) {
                /* Nothing useful to report from a destructor: the
                 * changes are lost either way. */
            }
        }
    }
}

extern "C" MS_EXPORT void
ms_index_close(ms_index_t *idx) noexcept
{
    try {
        if (!idx)
            return;
        /* Every handle was made by ms_index_open() as an ms_index_handle. */
        ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
        cancel_transactions(handle);
        /* The views share the partitions' databases: drop them first, so
         * that each database closes (and a writer's lock goes) with its
         * partition. */
        handle->views.clear();
        handle->parts.clear();
        delete handle;
    } catch (...) {
        /* Xapian destructors do not throw; this only keeps C frames safe. */
    }
}

/* Bring reader 'idx' to what its path holds now. If the path leads
 * elsewhere, a rebuild has switched generations: open the new one. If it
 * leads nowhere, keep serving what is open rather than fail. */
static ms_index_status_t
refresh_reader(ms_index_t *idx)
{
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    ms_index_location now;
    if (ms_index__locate(handle->path, now) &&
        !ms_index__same_location(now, handle->opened)) {
        std::unique_ptr<ms_index_handle> fresh(new ms_index_handle());
        fresh->dir = now.open_path;
        fresh->path = handle->path;
        fresh->remotes = handle->remotes;
        fresh->remote_timeout_ms = handle->remote_timeout_ms;
        fresh->remote_connect_ms = handle->remote_connect_ms;
        fresh->remote_reprobe_s = handle->remote_reprobe_s;
        ms_index__parts_open(fresh.get(), false);
        ms_index__check_schema(*fresh->db);
        handle->views = std::move(fresh->views);
        handle->parts = std::move(fresh->parts);
        handle->all = fresh->all;
        handle->active = fresh->active;
        handle->db = fresh->db;
        handle->dir = fresh->dir;
        handle->shards = fresh->shards;
        handle->opened_parts = fresh->opened_parts;
        handle->remotes = fresh->remotes;
        handle->probed = fresh->probed;
        handle->opened = now;
    } else {
        ms_index__parts_refresh(handle);
        ms_index__check_schema(*idx->db);
    }
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_refresh(ms_index_t *idx) noexcept
{
    assert(idx);
    /* A writer always sees its own latest state. */
    return ms_index__call(
        idx, [&] { return idx->writer ? MS_INDEX_OK : refresh_reader(idx); });
}

/* The documents of the active view and the sum of its partitions'
 * revisions, which grows with every commit that changed one of them. */
static ms_index_status_t
info(ms_index_info_t *out, ms_index_t *idx)
{
    const ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    out->doc_count = idx->db->get_doccount();
    out->revision = 0;
    for (const ms_index_part *part : handle->active->parts)
        out->revision += ms_index__part_revision(*part);
    std::vector<const ms_index_part *> all;
    for (const auto &entry : handle->parts)
        all.push_back(entry.second.get());
    out->state = ms_index__fnv1a(ms_index__parts_key(all));
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_info(ms_index_info_t *out, ms_index_t *idx) noexcept
{
    assert(out && idx);
    return ms_index__call_retry(idx, [&] { return info(out, idx); });
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_info_visible(ms_index_info_t *out, ms_index_t *idx,
                      const ms_viewer_t *viewer) noexcept
{
    assert(out && idx);
    return ms_index__call_retry(idx, [&] {
        ms_index_viewing viewing(idx, viewer);
        return info(out, idx);
    });
}

/* Commit the active partition of writer 'idx' and begin its next
 * transaction. */
static void
commit_active(ms_index_t *idx)
{
    ms_index_profile_t &profile = ms_index__profile(idx);
    {
        /* Words of documents put in this batch: in the same commit. */
        ms_index_timer timer(profile.spelling);
        ms_index__spelling_flush(idx);
    }
    ms_index_timer timer(profile.commit);
    if (idx->in_transaction) {
        idx->in_transaction = false;
        idx->writer->commit_transaction();
    } else {
        idx->writer->commit();
    }
    ms_index__ensure_transaction(idx);
}

/* Commit each partition of writer 'idx', the public one last: it holds
 * the indexer's record of what is indexed, so a run killed between the
 * commits finds the others' documents ahead of that record, and puts
 * them again, rather than behind it. */
static ms_index_status_t
commit(ms_index_t *idx)
{
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    ms_index_part &public_part = ms_index__part_public(handle);
    std::vector<std::string> names;
    for (const ms_index_part *part : handle->all->parts)
        names.push_back(part->name);
    ms_index__shards_list(handle);
    for (const ms_index_part *listed : handle->all->parts) {
        ms_index_part *part = handle->parts.at(listed->name).get();
        if (part == &public_part)
            continue;
        ms_index__part_activate(handle, part);
        commit_active(idx);
    }
    ms_index__parts_write_stub(handle->dir, names);
    ms_index__part_activate(handle, &public_part);
    commit_active(idx);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_commit(ms_index_t *idx) noexcept
{
    assert(idx);
    return ms_index__call_writer(idx, [&] { return commit(idx); });
}
