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
 * disjoint and one of them would be lost without a word.
 */
#include <cassert>
#include <cerrno>
#include <cstring>
#include <string>

#include <sys/stat.h>

#include "index-private.hh"

namespace
{

/* Keeps a metadata value found in several sources only if they all agree. */
class merge_compactor : public Xapian::Compactor
{
  public:
    std::string conflict; /* the first key whose values differ */

    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override
    {
        for (size_t i = 1; i < num_tags; i++) {
            if (tags[i] != tags[0] && conflict.empty())
                conflict = key;
        }
        return tags[0];
    }
};

} // namespace

extern "C" MS_EXPORT ms_index_status_t
ms_index_merge(const char *dest, const char *const *sources, size_t n_sources,
               ms_index_error_t *err) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    char text[sizeof err->text] = "";

    try {
        assert(dest && (sources || n_sources == 0));
        struct stat st;
        if (n_sources == 0) {
            status = MS_INDEX_NOT_FOUND;
            ms_index__set_message(text, sizeof text, "nothing to merge");
            goto out;
        }
        {
            std::string iam = std::string(dest) + "/iamglass";
            if (stat(iam.c_str(), &st) == 0) {
                status = MS_INDEX_IO;
                ms_index__set_message(text, sizeof text,
                                      "the destination already holds an index");
                goto out;
            }
        }
        {
            Xapian::Database all;
            for (size_t i = 0; i < n_sources; i++) {
                assert(sources[i]);
                if (stat(sources[i], &st) != 0) {
                    status = MS_INDEX_NOT_FOUND;
                    ms_index__set_message(text, sizeof text, "a source index is missing");
                    goto out;
                }
                Xapian::Database one(sources[i]);
                std::string schema = one.get_metadata("schema");
                if (!schema.empty() && schema != MS_INDEX_SCHEMA) {
                    status = MS_INDEX_IO;
                    ms_index__set_message(text, sizeof text,
                                          "a source index has another schema");
                    goto out;
                }
                all.add_database(one);
            }
            merge_compactor compactor;
            /* MULTIPASS: with more than three sources the postlists are
             * merged in passes, which Xapian says is faster. */
            all.compact(dest, Xapian::DBCOMPACT_MULTIPASS, 0, compactor);
            if (!compactor.conflict.empty()) {
                status = MS_INDEX_BAD_QUERY;
                std::string message =
                    "sources disagree on the metadata key " + compactor.conflict;
                ms_index__set_message(text, sizeof text, message.c_str());
                goto out;
            }
        }
    } catch (...) {
        status = ms_index__map_exception(nullptr, text, sizeof text);
    }
out:
    ms_index__fill_error(err, status, status == MS_INDEX_OK ? "" : text);
    return status;
}

/* The functions below read what ms_index_merge() must keep equal to a
 * single writer's index and that the rest of the API does not show: for
 * tests and checks, not for the search path. */

extern "C" MS_EXPORT ms_index_status_t
ms_index_spelling_each(ms_index_t *idx, ms_index_word_cb fn, void *payload) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && fn);
        idx->message[0] = '\0';
        for (Xapian::TermIterator it = idx->db->spellings_begin();
             it != idx->db->spellings_end(); ++it) {
            if (fn((*it).c_str(), it.get_termfreq(), payload) != 0)
                break;
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_synonym_each(ms_index_t *idx, ms_index_metadata_cb fn, void *payload) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && fn);
        idx->message[0] = '\0';
        bool stop = false;
        for (Xapian::TermIterator k = idx->db->synonym_keys_begin();
             !stop && k != idx->db->synonym_keys_end(); ++k) {
            for (Xapian::TermIterator v = idx->db->synonyms_begin(*k);
                 !stop && v != idx->db->synonyms_end(*k); ++v)
                stop = fn((*k).c_str(), (*v).c_str(), payload) != 0;
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_term_each(ms_index_t *idx, const char *id, ms_index_word_cb fn,
                   void *payload) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx && id && fn);
        idx->message[0] = '\0';
        std::string term = std::string("Q") + id;
        Xapian::PostingIterator p = idx->db->postlist_begin(term);
        if (*id == '\0' || p == idx->db->postlist_end(term)) {
            status = MS_INDEX_NOT_FOUND;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "no document with this id");
            goto out;
        }
        {
            Xapian::Document doc = idx->db->get_document(*p);
            for (Xapian::TermIterator it = doc.termlist_begin(); it != doc.termlist_end();
                 ++it) {
                if (fn((*it).c_str(), it.get_wdf(), payload) != 0)
                    break;
            }
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}
