/* shards.cc - an index as N shards, each a partitioned index of its own
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * An index of one shard is the folder of partitions partition.cc
 * describes. An index of N > 1 shards (index.shards) is a folder of N
 * such folders, "shard-0" ... "shard-<N-1>" (docs/index-schema.md,
 * "Shards"); a document lives in shard FNV-1a(id) mod N, so its shard
 * never changes while N stays. Each shard is complete (its "public"
 * partition carries the schema), so it can be served, replicated and
 * checked alone; the indexer's state entries, last_run and the synonyms
 * are in shard 0's "public" only. A reader combines the same partition
 * of every shard into one database (partition.cc), so a viewer's view
 * and all its statistics are those of the unsharded index.
 *
 * Writer partitions are named with their shard's folder
 * ("shard-1/a-0123..."); the names of handle->shards are those folders
 * with a trailing '/', or {""} for one shard.
 */
#include <algorithm>
#include <map>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-partition.hh"
#include "ms_hash.h"
#include "index-shards.hh"

#define SHARD_PREFIX "shard-"

uint64_t
ms_index__fnv1a(const std::string &bytes)
{
    return ms_hash(MS_HASH_INIT, bytes.data(), bytes.size());
}

std::string
ms_index__shard_folder(unsigned k)
{
    return SHARD_PREFIX + std::to_string(k) + "/";
}

/* The number K of "shard-K", or -1 for another name. */
static long
shard_number(const char *name)
{
    size_t n = strlen(SHARD_PREFIX);
    if (strncmp(name, SHARD_PREFIX, n) != 0 || !name[n] || strlen(name + n) > 4)
        return -1;
    if (name[n] == '0' && name[n + 1])
        return -1; /* no leading zeros: one name per shard */
    long k = 0;
    for (const char *p = name + n; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        k = k * 10 + (*p - '0');
    }
    return k;
}

std::vector<std::string>
ms_index__shard_dirs(const std::string &dir, const std::vector<unsigned> &remote)
{
    std::vector<long> found;
    DIR *d = opendir(dir.c_str());
    if (!d)
        throw Xapian::DatabaseOpeningError("cannot read " + dir + ": " + strerror(errno));
    for (struct dirent *entry; (entry = readdir(d)) != nullptr;) {
        long k = shard_number(entry->d_name);
        if (k >= 0)
            found.push_back(k);
    }
    closedir(d);
    if (found.empty())
        return {""};
    std::sort(found.begin(), found.end());
    auto served_elsewhere = [&](long k) {
        return std::find(remote.begin(), remote.end(), (unsigned)k) != remote.end();
    };
    std::vector<std::string> shards;
    long k = 0;
    for (long have : found) {
        for (; k < have; k++) {
            if (!served_elsewhere(k))
                throw Xapian::DatabaseOpeningError(dir +
                                                   " lacks the folder " SHARD_PREFIX +
                                                   std::to_string(k) + " of its shards");
        }
        if (!served_elsewhere(have))
            shards.push_back(ms_index__shard_folder((unsigned)have));
        k = have + 1;
    }
    return shards;
}

/* Whether 'dir' holds a partition or a shard folder yet. */
static bool
holds_index(const std::string &dir)
{
    return ms_index__holds_database(dir) ||
           ms_index__holds_database(dir + "/" MS_INDEX_PART_PUBLIC) ||
           ms_index__shard_dirs(dir).size() > 1 || !ms_index__part_names(dir).empty();
}

void
ms_index__shards_make(ms_index_handle *handle)
{
    unsigned want = handle->want_shards ? handle->want_shards : 1;
    if (!holds_index(handle->dir) && want > 1) {
        for (unsigned k = 0; k < want; k++) {
            std::string path = handle->dir + "/" SHARD_PREFIX + std::to_string(k);
            if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
                throw Xapian::DatabaseCreateError("cannot create " + path + ": " +
                                                  strerror(errno));
        }
    }
    handle->shards = ms_index__shard_dirs(handle->dir);
    if (handle->shards.size() != want)
        throw Xapian::DatabaseOpeningError(
            "the index has " + std::to_string(handle->shards.size()) +
            " shard(s), not the " + std::to_string(want) +
            " of index.shards: rebuild it (migsearch-index --rebuild)");
}

const std::string &
ms_index__shard_of(const ms_index_handle *handle, const std::string &id)
{
    return handle->shards[ms_index__fnv1a(id) % handle->shards.size()];
}

std::string
ms_index__base_name(const std::string &name)
{
    size_t slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

/* One stub file: 'lines' as "auto" lines, written whole, then renamed. */
static void
write_stub(const std::string &dir, const std::vector<std::string> &lines)
{
    std::string text;
    for (const std::string &line : lines)
        text += "auto " + line + "\n";
    std::string temp = dir + "/XAPIANDB.new", stub = dir + "/XAPIANDB";
    FILE *f = fopen(temp.c_str(), "w");
    bool ok = f && fwrite(text.data(), 1, text.size(), f) == text.size();
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(temp.c_str(), stub.c_str()) != 0) {
        int saved = errno;
        unlink(temp.c_str());
        throw Xapian::DatabaseError("cannot write " + stub + ": " + strerror(saved));
    }
}

void
ms_index__parts_write_stub(const std::string &dir, const std::vector<std::string> &names)
{
    /* Each shard's partitions, its "public" first, then the others in
     * byte order: a stub's reader shows the metadata of its first one. */
    std::vector<std::string> sorted = names, all;
    std::sort(sorted.begin(), sorted.end());
    std::string shard;
    std::vector<std::string> own;
    auto flush = [&]() {
        if (!shard.empty())
            write_stub(dir + "/" + shard, own);
        own.clear();
    };
    for (size_t i = 0; i < sorted.size(); i++) {
        std::string prefix =
            sorted[i].substr(0, sorted[i].size() - ms_index__base_name(sorted[i]).size());
        if (prefix != shard || i == 0) {
            flush();
            shard = prefix;
            std::string pub = prefix + MS_INDEX_PART_PUBLIC;
            if (std::binary_search(sorted.begin(), sorted.end(), pub)) {
                all.push_back(pub);
                own.push_back(MS_INDEX_PART_PUBLIC);
            }
        }
        if (ms_index__base_name(sorted[i]) != MS_INDEX_PART_PUBLIC) {
            all.push_back(sorted[i]);
            own.push_back(ms_index__base_name(sorted[i]));
        }
    }
    flush();
    write_stub(dir, all);
}

void
ms_index__shards_list(ms_index_handle *handle)
{
    /* Each shard's names in the order of its stub, "public" first: the
     * ports ms-shard-serve gives them, base port first (remote.cc). */
    if (handle->shards.size() < 2)
        return; /* one shard: the layout of before shards, untouched */
    std::map<std::string, std::string> lists;
    for (const auto &entry : handle->parts) {
        const std::string &name = entry.first;
        std::string shard =
            name.substr(0, name.size() - ms_index__base_name(name).size());
        if (ms_index__base_name(name) != MS_INDEX_PART_PUBLIC)
            lists[shard] += ms_index__base_name(name) + "\n";
    }
    for (const std::string &shard : handle->shards) {
        auto pub = handle->parts.find(shard + MS_INDEX_PART_PUBLIC);
        std::string list = MS_INDEX_PART_PUBLIC "\n" + lists[shard];
        if (pub != handle->parts.end() && pub->second->writer &&
            pub->second->writer->get_metadata(MS_INDEX_PARTITIONS_KEY) != list)
            pub->second->writer->set_metadata(MS_INDEX_PARTITIONS_KEY, list);
    }
}

extern "C" MS_EXPORT unsigned
ms_index_shard_count(const char *path) noexcept
{
    ms_index_location where;
    try {
        if (!path || !ms_index__locate(path, where) || !holds_index(where.open_path))
            return 0;
        return (unsigned)ms_index__shard_dirs(where.open_path).size();
    } catch (...) {
        return 0;
    }
}
