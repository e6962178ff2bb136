/* index-partition.hh - an index as one database per access set
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim (partition.cc). An index is a directory
 * of partitions (docs/index-schema.md, "Partitions"): "public" holds the
 * documents without access groups, the index's metadata and synonyms;
 * "a-<16 hex digits>" holds the documents of one access set, which its
 * metadata key "access" names. A viewer searches the view of the
 * partitions it may see, so every statistic a search uses (term and
 * document frequencies, lengths, spelling, the lexicon wildcards and
 * suggestions walk) comes from visible documents only.
 */
#ifndef MS_INDEX_PARTITION_HH
#define MS_INDEX_PARTITION_HH

#include <string>
#include <vector>

#include "index-handle.hh"

/* 64-bit FNV-1a of 'bytes': partition names, a document's shard. */
uint64_t ms_index__fnv1a(const std::string &bytes);

/* The shard folders of the index folder 'dir' (shards.cc): {""} for an
 * index of one shard, else "shard-0/" ... in order. Throws
 * Xapian::DatabaseOpeningError if one is missing or 'dir' unreadable. */
std::vector<std::string> ms_index__shard_dirs(const std::string &dir);

/* A writer's handle->shards: a new index gets handle->want_shards, an
 * index with another number is refused (Xapian::DatabaseOpeningError,
 * saying to rebuild). */
void ms_index__shards_make(ms_index_handle *handle);

/* The shard folder ("" or "shard-K/") of the document 'id'. */
const std::string &ms_index__shard_of(const ms_index_handle *handle,
                                      const std::string &id);

/* A partition name without its shard folder. */
std::string ms_index__base_name(const std::string &name);

/* The partition that holds every document without access groups. */
#define MS_INDEX_PART_PUBLIC "public"

/* The access set of 'doc': the values of its access fields, folded as
 * terms are, sorted and once each; empty for a public document. */
std::vector<std::string> ms_index__access_set(const ms_document_t *doc);

/* The name of the partition of the access set 'groups'. */
std::string ms_index__part_name(const std::vector<std::string> &groups);

/* Whether the directory 'path' holds one glass database (a partition, or
 * the whole index of the layout before partitions). */
bool ms_index__holds_database(const std::string &path);

/* The partitions in 'dir' that hold a database, in byte order. Throws
 * Xapian::DatabaseOpeningError if 'dir' cannot be read. */
std::vector<std::string> ms_index__part_names(const std::string &dir);

/* Open the partitions in handle->dir ('writer': for writing): a reader those committed so
 * far (a directory of the old single-database layout as one partition every viewer sees,
 * filtered as before), a writer every one, creating "public" if missing, each in a
 * transaction. Builds the view of all and makes it active. Throws Xapian::Error. */
void ms_index__parts_open(ms_index_handle *handle, bool writer);

/* A reader's partitions brought to their latest revision, and those
 * committed since opened too; the views are rebuilt if any appeared. */
void ms_index__parts_refresh(ms_index_handle *handle);

/* A writer's partition for 'groups' in the shard of the document 'id',
 * created in a transaction if it is new. */
ms_index_part &ms_index__part_for(ms_index_handle *handle,
                                  const std::vector<std::string> &groups,
                                  const std::string &id);

/* Make 'part' the writer's active partition (idx->writer). */
void ms_index__part_activate(ms_index_handle *handle, ms_index_part *part);

/* The writer's "public" partition (of shard 0, where the metadata is). */
ms_index_part &ms_index__part_public(ms_index_handle *handle);

/* Write dir/XAPIANDB, Xapian's stub listing the partitions 'names'
 * ("public" first, whose metadata a stub's reader sees; of a sharded
 * index each "shard-K/name", and each shard's own stub too: shards.cc),
 * so that Xapian's own tools open the index, or one shard, whole. */
void ms_index__parts_write_stub(const std::string &dir,
                                const std::vector<std::string> &names);

/* While alive, idx->db is the view of the partitions 'viewer' (NULL:
 * anonymous) may see; then the view of all again. */
class ms_index_viewing
{
  public:
    ms_index_viewing(ms_index_t *idx, const ms_viewer_t *viewer);
    ~ms_index_viewing();
    ms_index_viewing(const ms_index_viewing &) = delete;
    ms_index_viewing &operator=(const ms_index_viewing &) = delete;

  private:
    ms_index_handle *handle_;
};

#endif /* MS_INDEX_PARTITION_HH */
