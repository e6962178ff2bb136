/* index-handle.hh - what a handle holds beyond struct ms_index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: index.cc makes and deletes handles,
 * handle.cc gives the other files their members (index-private.hh), and
 * partition.cc opens an index's partitions and combines them into views.
 * The extra members live here so the shared struct ms_index stays as it
 * is: idx->db is always the database of the active view, idx->writer
 * (a writer only) that of the active partition.
 */
#ifndef MS_INDEX_HANDLE_HH
#define MS_INDEX_HANDLE_HH

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index-caches.hh"
#include "index-private.hh"
#include "ms_index_build.h"

/* One partition: the documents of one access set (index-partition.hh). */
struct ms_index_part {
    /* "public" or "a-<16 hex digits>"; a writer's of a sharded index
     * starts with its shard's folder, "shard-<K>/" (shards.cc). */
    std::string name;
    std::vector<std::string> groups; /* folded, sorted; empty for "public" */
    /* A reader's database, or a writer's (then 'writer' is the same). */
    std::unique_ptr<Xapian::Database> db;
    Xapian::WritableDatabase *writer = nullptr;
    /* A reader's: the partition of each shard that has it, which 'db'
     * combines (one for an index of one shard). */
    std::vector<Xapian::Database> members;
    bool remote = false; /* a reader's: a member is a remote database */
    /* A writer's state of the partition while another one is active. */
    bool in_transaction = false;
    ms_index_spelling_pending spelling_pending;
};

/* The revision of 'part': of a reader's, the sum of its shards'
 * (handle.cc). */
Xapian::rev ms_index__part_revision(const ms_index_part &part);

/* What 'parts' read now, as a string that changes when any of them moves
 * to another revision or database (handle.cc): the key of a reader's
 * caches (ms_index__caches). */
std::string ms_index__parts_key(const std::vector<const ms_index_part *> &parts);

/* A shard a reader opens through xapian-tcpsrv (remote.cc). */
struct ms_index_remote_shard {
    unsigned shard;                     /* K of "shard-K" */
    std::vector<std::string> endpoints; /* "host:port", tried in order */
    std::string in_use;                 /* the endpoint open; "" while down */
    /* What in_use served when opened (ms_index__remote_identity): a new
     * generation or partition there changes it. */
    std::string identity;
    /* Xapian's context of each partition open at 'in_use' ("remote:tcp(
     * host:port)"), which a NetworkError names; the endpoint that failed
     * during a call, left out of the reopening that follows it. */
    std::vector<std::string> contexts;
    std::string failed;
};

/* The partitions a viewer may see, as one database. */
struct ms_index_view {
    Xapian::Database db; /* shares each partition's database */
    std::vector<const ms_index_part *> parts;
    ms_index_caches caches; /* a reader's (ms_index__caches) */
    bool remote = false;    /* a partition has a remote member */
};

/* A handle: struct ms_index plus its partitions and views. */
struct ms_index_handle : ms_index {
    std::string path;         /* as given to ms_index_open() */
    std::string dir;          /* the directory the partitions are in */
    ms_index_location opened; /* what the reader has open */
    /* The folder of each shard in 'dir': {""} for an index of one shard,
     * else "shard-0/", "shard-1/", ... (shards.cc). */
    std::vector<std::string> shards;
    unsigned want_shards = 1; /* a writer's: for a new index */
    /* A reader's partitions of each local shard it took, "shard-K/name". */
    std::vector<std::string> opened_parts;
    /* A reader's remote shards (remote.cc) and how it reaches them. */
    std::vector<ms_index_remote_shard> remotes;
    unsigned remote_timeout_ms = 0, remote_connect_ms = 0, remote_reprobe_s = 0;
    double probed = 0;   /* CLOCK_MONOTONIC seconds of the last probe */
    double followed = 0; /* the same, of the last ms_index__remote_moved */
    /* A remote shard was opened with less than remote_timeout_ms (the
     * rest of a call's budget): open them again at the next refresh. */
    bool remote_short = false;
    /* By name, in byte order ("a-..." before "public"). */
    std::map<std::string, std::unique_ptr<ms_index_part>> parts;
    /* By the names of their partitions; "" is the view of all of them. */
    std::map<std::string, std::unique_ptr<ms_index_view>> views;
    ms_index_view *all = nullptr;     /* views[""] */
    ms_index_view *active = nullptr;  /* what idx->db is now */
    ms_index_part *writing = nullptr; /* a writer's active partition */
    /* A writer's index to take first-indexed times from (added.cc). */
    std::unique_ptr<Xapian::Database> added_from;
    ms_index_profile_t profile{}; /* a writer's CPU time (index-profile.hh) */
    /* A writer's synonym phrases (phrases.cc): the entries it indexes as
     * terms, once known (read again after ms_index_set_synonyms()), each
     * with its words, and the partitions whose list it has cut to them. */
    std::set<std::string> phrases;
    std::vector<std::pair<std::string, std::vector<std::string>>> phrase_words;
    bool phrases_known = false;
    std::set<std::string> phrases_listed;
    /* What a reader keeps by document number (ms_index_set_cache). */
    size_t cache_bytes = MS_INDEX_DOC_CACHE_BYTES;
};

#endif /* MS_INDEX_HANDLE_HH */
