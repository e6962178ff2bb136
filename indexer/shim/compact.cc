/* compact.cc - merging several indexes into one with Xapian's compaction
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning.
 *
 * A parallel rebuild (migsearch-index, index.jobs) fills one database per
 * worker process and merges them here. Xapian's compaction over a
 * Database with several shards writes every table afresh: documents get
 * new, consecutive ids in the order of the sources; spelling frequencies
 * of a word in several sources are summed and synonym sets are united, so
 * both come out as one writer would have left them. User metadata keys
 * are united too; a key in several sources keeps one value, and the
 * Compactor below insists that the values agree, because two different
 * values (two state entries for one file) would mean the sources were not
 * disjoint and one of them would be lost without a word. Each partition
 * (partition.cc) is merged with the same partition of the other sources.
 */
#include <cassert>
#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "index-partition.hh"
#include "index-phrases.hh"
#include "index-shards.hh"
#include "index-spelling.hh"

namespace
{

/* Whether 'stored', a metadata key as the compaction passes it, is the
 * key 'key': the table holds it after a prefix of Xapian's own (two
 * bytes in Xapian 1.4). */
bool
is_key(const std::string &stored, const std::string &key)
{
    return stored.size() >= key.size() && stored.size() <= key.size() + 2 &&
           stored.compare(stored.size() - key.size(), key.size(), key) == 0;
}

/* Keeps a metadata value found in several sources only if they all agree. */
class merge_compactor : public Xapian::Compactor
{
  public:
    std::string conflict; /* the first key whose values differ */

    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override
    {
        /* Each worker's list of its shard's partitions: the merged
         * index's first commit writes its own (shards.cc). */
        bool list = is_key(key, MS_INDEX_PARTITIONS_KEY);
        /* The synonym phrases each source has as terms: the merge has
         * those all of them have (phrases.cc). */
        if (is_key(key, MS_INDEX_PHRASES_KEY))
            return ms_index__phrases_merged(num_tags, tags);
        for (size_t i = 1; !list && i < num_tags; i++) {
            if (tags[i] != tags[0] && conflict.empty())
                conflict = key;
        }
        return tags[0];
    }
};

} // namespace

/* The partitions of the shard folder 'shard' ("" or "shard-K/") of the
 * source 'source' into *parts, by 'as' (the shard folder of the
 * destination they go to) + name, and into *unlisted the names of those
 * with documents but no list of synonym phrases (phrases.cc), which the
 * compaction cannot see; refused if its public partition is missing or
 * one has another schema. */
static ms_index_status_t
check_source(std::map<std::string, Xapian::Database> *parts,
             std::set<std::string> *unlisted, const char *source,
             const std::string &shard, const std::string &as, ms_index_error_t *err)
{
    struct stat st;
    std::string dir = std::string(source) + "/" + shard;
    std::vector<std::string> names;
    if (stat(dir.c_str(), &st) == 0)
        names = ms_index__part_names(dir);
    if (std::find(names.begin(), names.end(), MS_INDEX_PART_PUBLIC) == names.end())
        return ms_index__fill_error(err, MS_INDEX_NOT_FOUND, "a source index is missing");
    for (const std::string &name : names) {
        Xapian::Database one(dir + name);
        std::string schema = one.get_metadata("schema");
        if (!schema.empty() && schema != MS_INDEX_SCHEMA)
            return ms_index__fill_error(err, MS_INDEX_IO,
                                        "a source index has another schema");
        (*parts)[as + name].add_database(one);
        if (one.get_doccount() > 0 && one.get_metadata(MS_INDEX_PHRASES_KEY).empty())
            unlisted->insert(as + name);
    }
    return MS_INDEX_OK;
}

/* MS_INDEX_OK unless 'dest' already holds an index, of one shard or more. */
static ms_index_status_t
check_dest(const char *dest, ms_index_error_t *err)
{
    std::string d = dest;
    if (ms_index__holds_database(d) ||
        ms_index__holds_database(d + "/" MS_INDEX_PART_PUBLIC) ||
        ms_index__holds_database(d + "/" + ms_index__shard_folder(0) +
                                 MS_INDEX_PART_PUBLIC))
        return ms_index__fill_error(err, MS_INDEX_IO,
                                    "the destination already holds an index");
    return MS_INDEX_OK;
}

/* Refuse 'dest' if it already holds an index, and the sources if one is
 * missing or has another schema; else MS_INDEX_OK with each partition of
 * the sources, by name, in *parts. */
static ms_index_status_t
check_merge(std::map<std::string, Xapian::Database> *parts,
            std::set<std::string> *unlisted, const char *dest, const char *const *sources,
            size_t n_sources, ms_index_error_t *err)
{
    struct stat st;
    if (n_sources == 0)
        return ms_index__fill_error(err, MS_INDEX_NOT_FOUND, "nothing to merge");
    ms_index_status_t checked = check_dest(dest, err);
    if (checked != MS_INDEX_OK)
        return checked;
    std::vector<std::string> first_shards;
    for (size_t i = 0; i < n_sources; i++) {
        assert(sources[i]);
        std::vector<std::string> shards{""};
        if (stat(sources[i], &st) == 0)
            shards = ms_index__shard_dirs(sources[i]);
        if (i == 0)
            first_shards = shards;
        else if (shards != first_shards)
            return ms_index__fill_error(err, MS_INDEX_IO,
                                        "the source indexes have different shards");
        for (const std::string &shard : shards) {
            ms_index_status_t status =
                check_source(parts, unlisted, sources[i], shard, shard, err);
            if (status != MS_INDEX_OK)
                return status;
        }
    }
    return MS_INDEX_OK;
}

/* Each of 'parts' (by "shard-K/name" or "name") compacted into the
 * same name under 'dest', and the stubs that list them; the ones in
 * 'unlisted' without a list of synonym phrases. */
static ms_index_status_t
write_parts(const char *dest, std::map<std::string, Xapian::Database> &parts,
            const std::set<std::string> &unlisted, ms_index_error_t *err)
{
    if (mkdir(dest, 0755) != 0 && errno != EEXIST)
        return ms_index__fill_error(err, MS_INDEX_IO, strerror(errno));
    std::vector<std::string> names;
    for (auto &part : parts) {
        std::string shard =
            std::string(dest) + "/" +
            part.first.substr(0,
                              part.first.size() - ms_index__base_name(part.first).size());
        if (mkdir(shard.c_str(), 0755) != 0 && errno != EEXIST)
            return ms_index__fill_error(err, MS_INDEX_IO, strerror(errno));
        merge_compactor compactor;
        /* MULTIPASS: with more than three sources the postlists are merged
         * in passes, which Xapian says is faster. */
        part.second.compact(std::string(dest) + "/" + part.first,
                            Xapian::DBCOMPACT_MULTIPASS, 0, compactor);
        if (!compactor.conflict.empty()) {
            std::string message =
                "sources disagree on the metadata key " + compactor.conflict;
            return ms_index__fill_error(err, MS_INDEX_BAD_QUERY, message.c_str());
        }
        if (unlisted.count(part.first)) {
            Xapian::WritableDatabase merged(std::string(dest) + "/" + part.first,
                                            Xapian::DB_OPEN);
            merged.set_metadata(MS_INDEX_PHRASES_KEY, "");
            merged.commit();
        }
        names.push_back(part.first);
    }
    ms_index__parts_write_stub(dest, names);
    return MS_INDEX_OK;
}

/* Each partition of the sources compacted into the one of 'dest'. */
static ms_index_status_t
merge(const char *dest, const char *const *sources, size_t n_sources,
      ms_index_error_t *err)
{
    std::map<std::string, Xapian::Database> parts;
    std::set<std::string> unlisted;
    ms_index_status_t status =
        check_merge(&parts, &unlisted, dest, sources, n_sources, err);
    if (status != MS_INDEX_OK)
        return status;
    return write_parts(dest, parts, unlisted, err);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_merge(const char *dest, const char *const *sources, size_t n_sources,
               ms_index_error_t *err) noexcept
{
    assert(dest && (sources || n_sources == 0));
    return ms_index__call_unbound(
        err, [&](ms_index_error_t *own) { return merge(dest, sources, n_sources, own); });
}

/* Shard K of 'source' into *parts as shard K mod n of the destination,
 * by its "shard-<K mod n>/name" (by "name" when n is 1). Refused unless
 * 'source' has several shards, a multiple of n. */
static ms_index_status_t
check_reshard(std::map<std::string, Xapian::Database> *parts,
              std::set<std::string> *unlisted, const char *dest, const char *source,
              unsigned n, ms_index_error_t *err)
{
    ms_index_status_t status = check_dest(dest, err);
    if (status != MS_INDEX_OK)
        return status;
    struct stat st;
    if (stat(source, &st) != 0)
        return ms_index__fill_error(err, MS_INDEX_NOT_FOUND,
                                    "the source index is missing");
    std::vector<std::string> shards = ms_index__shard_dirs(source);
    if (n == 0 || shards.size() < 2 || shards.size() % n != 0)
        return ms_index__fill_error(err, MS_INDEX_IO,
                                    "the source's shards do not split into that many");
    for (size_t k = 0; k < shards.size() && status == MS_INDEX_OK; k++) {
        std::string as = n == 1 ? "" : ms_index__shard_folder((unsigned)(k % n));
        status = check_source(parts, unlisted, source, shards[k], as, err);
    }
    return status;
}

/* Each shard's list of its partitions (MS_INDEX_PARTITIONS_KEY) as a
 * writer of n shards leaves it (shards.cc): "public" first, then the
 * others in the order of the stub; none when n is 1. The compaction kept
 * the first source's, which lacks the partitions of the other sources.
 * When n is 1 the mark that every shard's spelling is in shard 0
 * (MS_INDEX_SPELLING_KEY, spelling.cc) goes too: one database has no
 * other shard, and its writer never sets it. */
static void
reshard_lists(const char *dest, const std::map<std::string, Xapian::Database> &parts,
              unsigned n)
{
    std::map<std::string, std::string> lists;
    for (const auto &part : parts) {
        const std::string base = ms_index__base_name(part.first);
        if (base != MS_INDEX_PART_PUBLIC)
            lists[part.first.substr(0, part.first.size() - base.size())] += base + "\n";
    }
    for (unsigned k = 0; k < n; k++) {
        std::string shard = n == 1 ? "" : ms_index__shard_folder(k);
        Xapian::WritableDatabase pub(
            std::string(dest) + "/" + shard + MS_INDEX_PART_PUBLIC, Xapian::DB_OPEN);
        if (n == 1) {
            pub.set_metadata(MS_INDEX_PARTITIONS_KEY, "");
            pub.set_metadata(MS_INDEX_SPELLING_KEY, "");
        } else
            pub.set_metadata(MS_INDEX_PARTITIONS_KEY,
                             MS_INDEX_PART_PUBLIC "\n" + lists[shard]);
        pub.commit();
    }
}

static ms_index_status_t
reshard(const char *dest, const char *source, unsigned n, ms_index_error_t *err)
{
    std::map<std::string, Xapian::Database> parts;
    std::set<std::string> unlisted;
    ms_index_status_t status = check_reshard(&parts, &unlisted, dest, source, n, err);
    if (status == MS_INDEX_OK)
        status = write_parts(dest, parts, unlisted, err);
    if (status == MS_INDEX_OK)
        reshard_lists(dest, parts, n);
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_reshard(const char *dest, const char *source, unsigned n,
                 ms_index_error_t *err) noexcept
{
    assert(dest && source);
    return ms_index__call_unbound(
        err, [&](ms_index_error_t *own) { return reshard(dest, source, n, own); });
}

/* The functions below read what ms_index_merge() must keep equal to a
 * single writer's index and that the rest of the API does not show: for
 * tests and checks, not for the search path. */

extern "C" MS_EXPORT ms_index_status_t
ms_index_spelling_each(ms_index_t *idx, ms_index_word_cb fn, void *payload) noexcept
{
    assert(idx && fn);
    return ms_index__call(idx, [&] {
        ms_index__each_term(idx->db->spellings_begin(), idx->db->spellings_end(),
                            [&](const Xapian::TermIterator &word) {
                                return fn((*word).c_str(), word.get_termfreq(), payload);
                            });
        return MS_INDEX_OK;
    });
}

/* Call 'fn' for each synonym of 'key'; nonzero if it stopped. */
static int
synonyms_of(ms_index_t *idx, const std::string &key, ms_index_metadata_cb fn,
            void *payload)
{
    int stop = 0;
    ms_index__each_term(idx->db->synonyms_begin(key), idx->db->synonyms_end(key),
                        [&](const Xapian::TermIterator &synonym) {
                            return stop = fn(key.c_str(), (*synonym).c_str(), payload);
                        });
    return stop;
}

/* Every key, and under it every synonym, until 'fn' stops. */
static ms_index_status_t
synonym_each(ms_index_t *idx, ms_index_metadata_cb fn, void *payload)
{
    Xapian::TermIterator keys = idx->db->synonym_keys_begin();
    ms_index__each_term(keys, idx->db->synonym_keys_end(),
                        [&](const Xapian::TermIterator &key) {
                            return synonyms_of(idx, *key, fn, payload);
                        });
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_synonym_each(ms_index_t *idx, ms_index_metadata_cb fn, void *payload) noexcept
{
    assert(idx && fn);
    return ms_index__call(idx, [&] { return synonym_each(idx, fn, payload); });
}

static ms_index_status_t
term_each(ms_index_t *idx, const char *id, ms_index_word_cb fn, void *payload)
{
    std::string term = MS_SCHEMA_PREFIX_ID + std::string(id);
    Xapian::PostingIterator p = idx->db->postlist_begin(term);
    if (*id == '\0' || p == idx->db->postlist_end(term))
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
    Xapian::Document doc = idx->db->get_document(*p);
    ms_index__each_term(doc.termlist_begin(), doc.termlist_end(),
                        [&](const Xapian::TermIterator &t) {
                            return fn((*t).c_str(), t.get_wdf(), payload);
                        });
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_term_each(ms_index_t *idx, const char *id, ms_index_word_cb fn,
                   void *payload) noexcept
{
    assert(idx && id && fn);
    return ms_index__call(idx, [&] { return term_each(idx, id, fn, payload); });
}
