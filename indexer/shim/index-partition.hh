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
 * index of one shard, else "shard-0/" ... in order, but for the shards
 * 'remote' names (served elsewhere: remote.cc), which may be missing.
 * Throws Xapian::DatabaseOpeningError if another is missing or 'dir'
 * cannot be read. */
std::vector<std::string> ms_index__shard_dirs(const std::string &dir,
                                              const std::vector<unsigned> &remote = {});

/* A reader's: 'one', partition 'name' of a shard ('remote': reached
 * through xapian-tcpsrv), joins the combined partition 'name'; a
 * partition other than "public" without its access set is left out. */
void ms_index__add_member(ms_index_handle *handle, const std::string &name,
                          const Xapian::Database &one, bool remote);

/* remote.cc: the shard numbers of handle->remotes; each remote shard
 * opened through the first of its endpoints that answers, its partitions
 * joining handle->parts (one that none answers is down, and left out);
 * whether a shard is down and the time to probe it again has come. */
std::vector<unsigned> ms_index__remote_numbers(const ms_index_handle *handle);
bool ms_index__remote_setup(ms_index_handle *handle, const ms_index_remote_t *remote);
void ms_index__remote_open(ms_index_handle *handle);
bool ms_index__remote_due(const ms_index_handle *handle);

/* remote.cc: what a remote shard's "public" is (UUID and partition
 * list); whether, index.remote_reprobe_s after the last look, a remote
 * shard in use serves another one to new connections, on every port of it
 * (a rebuild's new generation or a new partition on the shard host): then
 * the reader opens its partitions again (ms_index__parts_refresh). */
std::string ms_index__remote_identity(const Xapian::Database &pub);
bool ms_index__remote_moved(ms_index_handle *handle);

/* A reader's partitions and views opened again from scratch: after a
 * remote shard failed (ms_index__retry), or to probe one that was down. */
void ms_index__parts_reopen(ms_index_handle *handle);

/* Whether the view in use on this thread has a remote partition: then the
 * query holds no budget watch and no facet spy, which xapian-tcpsrv could
 * not run (docs/architecture.md, "Shards"). Set by ms_index_viewing. */
extern thread_local bool ms_index__remote_view;

/* A writer's handle->shards: a new index gets handle->want_shards, an
 * index with another number is refused (Xapian::DatabaseOpeningError,
 * saying to rebuild). */
void ms_index__shards_make(ms_index_handle *handle);

/* The shard folder ("" or "shard-K/") of the document 'id'. */
const std::string &ms_index__shard_of(const ms_index_handle *handle,
                                      const std::string &id);

/* The metadata key of each shard's "public" that lists the shard's
 * partitions, one a line, in the order of its stub ("public" first). */
#define MS_INDEX_PARTITIONS_KEY "partitions"

/* A writer's: each shard's MS_INDEX_PARTITIONS_KEY set to its partitions
 * now (in the transaction its commit ends). */
void ms_index__shards_list(ms_index_handle *handle);

/* A partition name without its shard folder. */
std::string ms_index__base_name(const std::string &name);

/* The partition that holds every document without access groups. */
#define MS_INDEX_PART_PUBLIC "public"

/* The access set of 'doc': the values of its access fields, folded as
 * terms are, sorted and once each; empty for a public document. */
std::vector<std::string> ms_index__access_set(const ms_document_t *doc);

/* The name of the partition of the access set 'groups'. */
std::string ms_index__part_name(const std::vector<std::string> &groups);
/* The name of the partition 'one' is, by its access set ("public" without
 * one): what a remote port serves, checked against the name it should. */
std::string ms_index__part_name_of(const Xapian::Database &one);

/* Whether the directory 'path' holds one glass database (a partition, or
 * the whole index of the layout before partitions). */
bool ms_index__holds_database(const std::string &path);

/* The partitions in 'dir' that hold a database (or a Xapian stub naming
 * one, as a search host's replicated copy), in byte order. Throws
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

/* The writer's partition whose spelling dictionary holds the words of
 * the documents of 'of': the partition of the same access set in shard 0
 * (docs/index-schema.md, "Spelling"), 'of' itself in an index of one
 * shard; created if it is new, and in a transaction. */
ms_index_part &ms_index__part_spelling(ms_index_handle *handle, const ms_index_part &of);

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
