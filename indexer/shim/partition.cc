/* partition.cc - an index as one database per access set, and its views
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Filtering a single database by access (access.cc) keeps hidden
 * documents out of the results, but not out of what a search computes
 * from the whole database: BM25's statistics, the spelling dictionary,
 * the lexicon a wildcard or a suggestion walks. Each of those told an
 * anonymous viewer something of the hidden documents. So the documents
 * of each access set live in a database of their own (a partition), and
 * a viewer's searches run on the partitions it may see, combined by
 * Xapian as one database: nothing computed there has seen a hidden
 * document. The filter of access.cc stays as a second guard.
 *
 * Layout (docs/index-schema.md, "Partitions"): the index directory holds
 * "public" and one "a-<hash>" per access set (the hash of the set, which
 * the partition's metadata key "access" names, groups separated by NUL),
 * and Xapian's stub file XAPIANDB listing them, so that Xapian's tools
 * open the directory as one database. Readers list the directory rather
 * than trust the stub, and take a partition only once its access set is
 * committed: until then nobody may see it.
 */
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-partition.hh"

/* The metadata key of a partition that names its access set. */
static const char ACCESS_KEY[] = "access";

/* Views kept per handle before they are dropped and built again. */
#define MAX_VIEWS 64

/* 'value' folded as the terms of the access field are, without the
 * prefix: what ms_index__visible() compares. */
static std::string
fold_group(const ms_index_field &access, const char *value)
{
    return ms_index__boolean_term(access.prefix, value).substr(access.prefix.size());
}

std::vector<std::string>
ms_index__access_set(const ms_document_t *doc)
{
    std::vector<std::string> groups;
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ms_field_t &value = doc->fields[i];
        const ms_index_field *field = ms_index__field(value.name, MS_INDEX_FOR_DOCUMENT);
        if (field && field->access && value.value[0])
            groups.push_back(fold_group(*field, value.value));
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    return groups;
}

/* The groups as the "access" key stores them. */
static std::string
join_groups(const std::vector<std::string> &groups)
{
    std::string joined;
    for (const std::string &group : groups) {
        if (!joined.empty())
            joined += '\0';
        joined += group;
    }
    return joined;
}

static std::vector<std::string>
split_groups(const std::string &joined)
{
    return ms_index__split(joined, '\0');
}

std::string
ms_index__part_name(const std::vector<std::string> &groups)
{
    if (groups.empty())
        return MS_INDEX_PART_PUBLIC;
    /* FNV-1a, 64 bits: a name, not a secret; the "access" key is what
     * counts, and ms_index__part_for() refuses two sets under one name. */
    uint64_t hash = ms_index__fnv1a(join_groups(groups));
    char name[32];
    snprintf(name, sizeof name, "a-%016" PRIx64, hash);
    return name;
}

std::string
ms_index__part_name_of(const Xapian::Database &one)
{
    return ms_index__part_name(split_groups(one.get_metadata(ACCESS_KEY)));
}

static bool
is_part_name(const std::string &name)
{
    if (name == MS_INDEX_PART_PUBLIC)
        return true;
    if (name.size() != 18 || name.compare(0, 2, "a-") != 0)
        return false;
    return name.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

bool
ms_index__holds_database(const std::string &path)
{
    struct stat st;
    return stat((path + "/iamglass").c_str(), &st) == 0;
}

/* Whether the partition folder 'path' holds a database: its own, or a
 * Xapian stub file naming one. A search host's copy of a partition is the
 * folder xapian-replicate keeps, whose stub names the live one of its two
 * copies (packaging/cluster/migsearch-replica), so that a full copy never
 * leaves a reader's path leading to the copy it removed. */
static bool
holds_partition(const std::string &path)
{
    struct stat st;
    return ms_index__holds_database(path) ||
           (stat((path + "/XAPIANDB").c_str(), &st) == 0 && S_ISREG(st.st_mode));
}

std::vector<std::string>
ms_index__part_names(const std::string &dir)
{
    std::vector<std::string> names;
    DIR *d = opendir(dir.c_str());
    if (!d)
        throw Xapian::DatabaseOpeningError("cannot read " + dir + ": " + strerror(errno));
    for (struct dirent *entry; (entry = readdir(d)) != nullptr;) {
        std::string name = entry->d_name;
        if (is_part_name(name) && holds_partition(dir + "/" + name))
            names.push_back(name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

static std::unique_ptr<ms_index_part>
open_part(const std::string &dir, const std::string &name, bool writer)
{
    std::unique_ptr<ms_index_part> part(new ms_index_part());
    part->name = name;
    std::string path = name.empty() ? dir : dir + "/" + name;
    if (writer) {
        part->writer = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN |
                                                              Xapian::DB_BACKEND_GLASS);
        part->db.reset(part->writer);
    } else {
        part->db.reset(new Xapian::Database(path));
    }
    if (!name.empty() && ms_index__base_name(name) != MS_INDEX_PART_PUBLIC)
        part->groups = split_groups(part->db->get_metadata(ACCESS_KEY));
    return part;
}

/* The partitions in the order views combine them: the public one (or the
 * single database of the old layout; a writer's of a sharded index: each
 * shard's, shard 0's first) first, whose metadata a combined database
 * shows, then the others in byte order. */
static std::vector<const ms_index_part *>
ordered(const ms_index_handle *handle)
{
    std::vector<const ms_index_part *> parts, others;
    for (const auto &entry : handle->parts)
        (entry.second->groups.empty() ? parts : others).push_back(entry.second.get());
    parts.insert(parts.end(), others.begin(), others.end());
    return parts;
}

static ms_index_view *
make_view(ms_index_handle *handle, const std::string &key,
          const std::vector<const ms_index_part *> &parts)
{
    std::unique_ptr<ms_index_view> view(new ms_index_view());
    for (const ms_index_part *part : parts)
        view->db.add_database(*part->db);
    view->parts = parts;
    for (const ms_index_part *part : parts)
        view->remote = view->remote || part->remote;
    ms_index_view *made = view.get();
    handle->views[key] = std::move(view);
    return made;
}

/* Forget every view and make the view of all partitions the active one. */
static void
reset_views(ms_index_handle *handle)
{
    handle->views.clear();
    handle->all = make_view(handle, "", ordered(handle));
    handle->active = handle->all;
    handle->db = &handle->all->db;
}

void
ms_index__part_activate(ms_index_handle *handle, ms_index_part *part)
{
    if (handle->writing)
        handle->writing->in_transaction = handle->in_transaction;
    handle->writing = part;
    handle->writer = part->writer;
    handle->in_transaction = part->in_transaction;
}

ms_index_part &
ms_index__part_public(ms_index_handle *handle)
{
    return *handle->parts.at(handle->shards.at(0) + MS_INDEX_PART_PUBLIC);
}

static void
begin(ms_index_part &part)
{
    if (!part.in_transaction) {
        part.writer->begin_transaction(true);
        part.in_transaction = true;
    }
}

static void
open_writer(ms_index_handle *handle)
{
    if (ms_index__holds_database(handle->dir))
        throw Xapian::DatabaseOpeningError(
            "the index has the single-database layout of an earlier version: "
            "rebuild it (migsearch-index --rebuild)");
    if (mkdir(handle->dir.c_str(), 0755) != 0 && errno != EEXIST)
        throw Xapian::DatabaseCreateError("cannot create " + handle->dir + ": " +
                                          strerror(errno));
    ms_index__shards_make(handle);
    for (const std::string &shard : handle->shards) {
        std::string pub = shard + MS_INDEX_PART_PUBLIC;
        handle->parts[pub] = open_part(handle->dir, pub, true);
        for (const std::string &name : ms_index__part_names(handle->dir + "/" + shard)) {
            if (!handle->parts.count(shard + name))
                handle->parts[shard + name] = open_part(handle->dir, shard + name, true);
        }
    }
    for (auto &entry : handle->parts)
        begin(*entry.second);
    ms_index__part_activate(handle, &ms_index__part_public(handle));
}

void
ms_index__add_member(ms_index_handle *handle, const std::string &name,
                     const Xapian::Database &one, bool remote)
{
    std::vector<std::string> groups;
    if (name != MS_INDEX_PART_PUBLIC) {
        groups = split_groups(one.get_metadata(ACCESS_KEY));
        if (groups.empty())
            return; /* not yet committed (or damaged): nobody may see it */
    }
    std::unique_ptr<ms_index_part> &part = handle->parts[name];
    if (!part) {
        part.reset(new ms_index_part());
        part->name = name;
        part->groups = groups;
        part->db.reset(new Xapian::Database());
    } else if (part->groups != groups) {
        throw Xapian::DatabaseCorruptError("two access sets share the partition " + name);
    }
    part->db->add_database(one);
    part->members.push_back(one);
    part->remote = part->remote || remote;
}

/* Whether a partition of some shard was committed since the reader
 * opened them (one it did not take then, holding its access set now). */
static bool
grown(const ms_index_handle *handle)
{
    const std::vector<std::string> &opened = handle->opened_parts;
    for (const std::string &shard : handle->shards) {
        for (const std::string &name : ms_index__part_names(handle->dir + "/" + shard)) {
            if (std::find(opened.begin(), opened.end(), shard + name) != opened.end())
                continue;
            Xapian::Database one(handle->dir + "/" + shard + name);
            if (name == MS_INDEX_PART_PUBLIC || !one.get_metadata(ACCESS_KEY).empty())
                return true;
        }
    }
    return false;
}

static void
open_reader(ms_index_handle *handle)
{
    handle->shards = ms_index__shard_dirs(handle->dir, ms_index__remote_numbers(handle));
    for (const std::string &shard : handle->shards) {
        for (const std::string &name : ms_index__part_names(handle->dir + "/" + shard)) {
            size_t had =
                handle->parts.count(name) ? handle->parts[name]->members.size() : 0;
            ms_index__add_member(
                handle, name, Xapian::Database(handle->dir + "/" + shard + name), false);
            if (handle->parts.count(name) && handle->parts[name]->members.size() > had)
                handle->opened_parts.push_back(shard + name);
        }
    }
    ms_index__remote_open(handle);
    if (!handle->parts.count(MS_INDEX_PART_PUBLIC))
        throw Xapian::DatabaseNotFoundError("no index exists at this path");
}

void
ms_index__parts_open(ms_index_handle *handle, bool writer)
{
    if (writer) {
        open_writer(handle);
    } else if (ms_index__holds_database(handle->dir)) {
        handle->shards = {""};
        handle->parts[""] = open_part(handle->dir, "", false);
    } else {
        open_reader(handle);
    }
    reset_views(handle);
}

void
ms_index__parts_reopen(ms_index_handle *handle)
{
    handle->views.clear();
    handle->parts.clear();
    handle->opened_parts.clear();
    open_reader(handle);
    reset_views(handle);
}

void
ms_index__parts_refresh(ms_index_handle *handle)
{
    try {
        for (auto &entry : handle->parts)
            entry.second->db->reopen();
    } catch (const Xapian::NetworkError &error) {
        ms_index__remote_failed(handle, error); /* a remote shard went: without it */
        return;
    }
    if (handle->parts.count(""))
        return;
    /* A partition new in some shard joins a database already combined,
     * or a remote shard that was down is due a probe, or one serves a
     * new generation or partition list: open them all again. The names
     * only grow until a rebuild. */
    if (grown(handle) || ms_index__remote_due(handle) || ms_index__remote_moved(handle))
        ms_index__parts_reopen(handle);
}

/* A writer's partition 'name' ("shard-K/" and the name of 'groups'),
 * created in a transaction if it is new. */
static ms_index_part &
part_named(ms_index_handle *handle, const std::string &name,
           const std::vector<std::string> &groups)
{
    auto found = handle->parts.find(name);
    if (found != handle->parts.end()) {
        if (found->second->groups != groups)
            throw Xapian::DatabaseCorruptError("two access sets share the partition " +
                                               name);
        return *found->second;
    }
    std::unique_ptr<ms_index_part> part = open_part(handle->dir, name, true);
    begin(*part);
    part->groups = groups;
    part->writer->set_metadata(ACCESS_KEY, join_groups(groups));
    ms_index_part &made = *part;
    handle->parts[name] = std::move(part);
    reset_views(handle);
    return made;
}

ms_index_part &
ms_index__part_for(ms_index_handle *handle, const std::vector<std::string> &groups,
                   const std::string &id)
{
    return part_named(
        handle, ms_index__shard_of(handle, id) + ms_index__part_name(groups), groups);
}

ms_index_part &
ms_index__part_spelling(ms_index_handle *handle, const ms_index_part &of)
{
    std::string name = handle->shards.at(0) + ms_index__base_name(of.name);
    ms_index_part &table = part_named(handle, name, of.groups);
    /* The active partition's transaction is the handle's (ensured by
     * whoever writes to it); another one's is its own. */
    if (&table != handle->writing)
        begin(table);
    return table;
}

/* Whether a viewer in 'groups' (folded, sorted) may see 'part'. */
static bool
may_see(const std::vector<std::string> &groups, const ms_index_part &part)
{
    if (part.groups.empty())
        return true; /* public, or the old layout's single database */
    for (const std::string &group : part.groups) {
        if (std::binary_search(groups.begin(), groups.end(), group))
            return true;
    }
    return false;
}

/* The view of the partitions 'viewer' may see, made on first use. */
static ms_index_view *
view_for(ms_index_handle *handle, const ms_viewer_t *viewer)
{
    std::vector<std::string> groups;
    const ms_index_field *access = ms_index__vocabulary().access;
    for (size_t i = 0; access && viewer && i < viewer->n_groups; i++) {
        if (viewer->groups[i] && viewer->groups[i][0])
            groups.push_back(fold_group(*access, viewer->groups[i]));
    }
    std::sort(groups.begin(), groups.end());
    std::vector<const ms_index_part *> parts;
    std::string key;
    for (const ms_index_part *part : ordered(handle)) {
        if (may_see(groups, *part)) {
            parts.push_back(part);
            key += part->name + "/";
        }
    }
    auto found = handle->views.find(key);
    if (found != handle->views.end())
        return found->second.get();
    if (handle->views.size() >= MAX_VIEWS)
        reset_views(handle);
    return make_view(handle, key, parts);
}

ms_index_viewing::ms_index_viewing(ms_index_t *idx, const ms_viewer_t *viewer)
    : handle_(static_cast<ms_index_handle *>(idx))
{
    handle_->active = view_for(handle_, viewer);
    handle_->db = &handle_->active->db;
    ms_index__remote_view = handle_->active->remote;
}

ms_index_viewing::~ms_index_viewing()
{
    handle_->active = handle_->all;
    handle_->db = &handle_->all->db;
    ms_index__remote_view = false;
}
