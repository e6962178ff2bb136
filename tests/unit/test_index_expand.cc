/* test_index_expand.cc - ms_index__expand() against Xapian's own Enquire::get_eset()
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The feedback terms of a search come from ms_index__expand(), which
 * computes Xapian's default expansion weights with cached term
 * frequencies. These tests hold it to what get_eset() chooses on a real
 * index (every paragraph of the sample archive as a document), before and
 * after the index changes under a reader, since a stale cached frequency
 * would silently change the ranking.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <sys/stat.h>

#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "index-caches.hh"
#include "index-private.hh"

extern "C" {
#include "tmpdir.h"
}

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "expand");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "index");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(expand, .init = setup, .fini = teardown);

/* Candidates as the search's feedback takes them: stems only. */
class StemsOnly : public Xapian::ExpandDecider
{
  public:
    bool operator()(const std::string &term) const override
    {
        return term.size() > 1 && term[0] == 'Z';
    }
};

class Nothing : public Xapian::ExpandDecider
{
  public:
    bool operator()(const std::string &) const override
    {
        return false;
    }
};

/* Every .md and .txt file under 'dir', recursively. */
static void
collect_files(const std::string &dir, std::vector<std::string> *out)
{
    DIR *d = opendir(dir.c_str());
    cr_assert_not_null(d, "%s", dir.c_str());
    while (struct dirent *entry = readdir(d)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..")
            continue;
        std::string path = dir + "/" + name;
        struct stat st;
        cr_assert_eq(stat(path.c_str(), &st), 0);
        if (S_ISDIR(st.st_mode))
            collect_files(path, out);
        else if (name.size() > 3 && (name.compare(name.size() - 3, 3, ".md") == 0 ||
                                     name.compare(name.size() - 4, 4, ".txt") == 0))
            out->push_back(path);
    }
    closedir(d);
}

/* Add each paragraph of 'files' (from 'first' on, every 'step'th) as a
 * document, indexed as the indexer indexes text: English stems (Z) and
 * words. Returns the documents added. */
static unsigned
add_paragraphs(const std::vector<std::string> &files, size_t first, size_t step)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("en"));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    unsigned added = 0;
    for (size_t i = first; i < files.size(); i += step) {
        std::ifstream in(files[i]);
        std::stringstream whole;
        whole << in.rdbuf();
        std::string text = whole.str();
        for (size_t pos = 0; pos < text.size();) {
            size_t end = text.find("\n\n", pos);
            if (end == std::string::npos)
                end = text.size();
            if (end - pos > 40) {
                Xapian::Document doc;
                generator.set_document(doc);
                generator.index_text(text.substr(pos, end - pos));
                idx->writer->add_document(doc);
                added++;
            }
            pos = end + 2;
        }
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    ms_index_close(idx);
    return added;
}

/* The first 'n' documents matching 'query' (English stems). */
static std::vector<Xapian::docid>
top_documents(const Xapian::Database &db, const char *query, unsigned n)
{
    Xapian::QueryParser parser;
    parser.set_stemmer(Xapian::Stem("en"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(query));
    Xapian::MSet mset = enquire.get_mset(0, n);
    std::vector<Xapian::docid> docs;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        docs.push_back(*it);
    return docs;
}

/* ms_index__expand() and get_eset() give the same terms, in the same
 * order, with the same weights, for the documents 'docs' (the top ones of
 * 'query'). */
static void
expect_docs_same_as_xapian(ms_index_t *idx, const char *query,
                           const std::vector<Xapian::docid> &docs, unsigned count)
{
    StemsOnly decider;
    Xapian::RSet rset;
    for (Xapian::docid doc : docs)
        rset.add_document(doc);
    Xapian::Enquire enquire(*idx->db);
    Xapian::ESet eset = enquire.get_eset(count, rset, &decider);
    std::vector<std::pair<std::string, double>> ours =
        ms_index__expand(idx, docs, count, "Z", decider);
    cr_assert_eq(ours.size(), eset.size(), "%s: %zu terms, Xapian %u", query, ours.size(),
                 eset.size());
    size_t i = 0;
    for (Xapian::ESetIterator it = eset.begin(); it != eset.end(); ++it, ++i) {
        cr_expect_eq(ours[i].first, *it, "%s, term %zu: %s, Xapian %s", query, i,
                     ours[i].first.c_str(), (*it).c_str());
        cr_expect(std::fabs(ours[i].second - it.get_weight()) <=
                      1e-9 * std::fabs(it.get_weight()),
                  "%s, %s: weight %.12g, Xapian %.12g", query, (*it).c_str(),
                  ours[i].second, it.get_weight());
    }
}

/* The same for the top documents of each of a few queries. */
static void
expect_same_as_xapian(ms_index_t *idx, unsigned count)
{
    static const char *const queries[] = {
        "migration",       "trafficking victims",      "remittances",
        "labour mobility", "return and reintegration", "border management",
        "diaspora",
    };
    for (const char *query : queries) {
        std::vector<Xapian::docid> docs = top_documents(*idx->db, query, 10);
        cr_assert_geq(docs.size(), 2u, "%s finds too little to test with", query);
        expect_docs_same_as_xapian(idx, query, docs, count);
    }
}

Test(expand, chooses_the_terms_and_weights_xapian_does)
{
    std::vector<std::string> files;
    collect_files(MS_TEST_DATA "/archive", &files);
    cr_assert_geq(files.size(), 10u);
    cr_assert_geq(add_paragraphs(files, 0, 1), 100u);

    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    expect_same_as_xapian(idx, 20);
    /* Again, with every frequency now from the cache. */
    cr_assert_gt(ms_index__caches(idx)->termfreqs.size(), 0u);
    expect_same_as_xapian(idx, 20);
    /* Fewer terms than candidates, and more. */
    expect_same_as_xapian(idx, 3);
    expect_same_as_xapian(idx, 100000);
    ms_index_close(idx);
}

Test(expand, cached_frequencies_follow_a_changed_index)
{
    std::vector<std::string> files;
    collect_files(MS_TEST_DATA "/archive", &files);
    /* Half the paragraphs first, the reader fills its cache, then the
     * other half arrives: every frequency changes. */
    add_paragraphs(files, 0, 2);
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    expect_same_as_xapian(idx, 20);
    std::string key = ms_index__caches(idx)->key;
    add_paragraphs(files, 1, 2);
    cr_assert_eq(ms_index_refresh(idx), MS_INDEX_OK);
    expect_same_as_xapian(idx, 20);
    cr_expect_neq(ms_index__caches(idx)->key, key);
    ms_index_close(idx);
}

/* A reader of every paragraph of the sample archive. */
static ms_index_t *
open_paragraphs(void)
{
    std::vector<std::string> files;
    collect_files(MS_TEST_DATA "/archive", &files);
    add_paragraphs(files, 0, 1);
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK, "%s",
                 err.text);
    return idx;
}

/* A reader keeps feedback documents' terms by document number until its
 * index changes: documents replaced in place, at the same numbers, must
 * be expanded from their new terms once it refreshes. */
Test(expand, cached_terms_follow_documents_replaced_in_place)
{
    ms_index_t *idx = open_paragraphs();
    std::vector<Xapian::docid> docs = top_documents(*idx->db, "migration", 10);
    cr_assert_geq(docs.size(), 5u);
    expect_docs_same_as_xapian(idx, "migration", docs, 20);
    expect_docs_same_as_xapian(idx, "migration", docs, 20);

    ms_index_t *writer = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&writer, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("en"));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    for (size_t i = 0; i < docs.size(); i += 2) {
        Xapian::Document doc;
        generator.set_document(doc);
        generator.index_text("migration corridors and seasonal harvests: "
                             "orchards, vineyards, greenhouses and their pickers");
        writer->writer->replace_document(docs[i], doc);
    }
    cr_assert_eq(ms_index_commit(writer), MS_INDEX_OK);
    ms_index_close(writer);

    cr_assert_eq(ms_index_refresh(idx), MS_INDEX_OK);
    expect_docs_same_as_xapian(idx, "migration", docs, 20);
    ms_index_close(idx);
}

Test(expand, a_decider_refusing_everything_gives_no_terms)
{
    ms_index_t *idx = open_paragraphs();
    std::vector<Xapian::docid> docs = top_documents(*idx->db, "migration", 10);
    cr_assert_eq(ms_index__expand(idx, docs, 20, "Z", Nothing()).size(), 0u);
    cr_assert_eq(ms_index__expand(idx, {}, 20, "Z", StemsOnly()).size(), 0u);
    ms_index_close(idx);
}

/* Feedback keeps the expansion terms weighing at least a share of the
 * best one's weight: a prefix of the list, never empty unless the list
 * is, the boundary itself kept. */
Test(expand, kept_terms_are_those_above_the_share)
{
    std::vector<std::pair<std::string, double>> terms = {
        {"Za", 10.0}, {"Zb", 4.0}, {"Zc", 1.0}, {"Zd", 0.99}, {"Ze", 0.5}};
    cr_expect_eq(ms_index__expand_kept(terms, 0.0), 5u);
    cr_expect_eq(ms_index__expand_kept(terms, 0.1), 3u);
    cr_expect_eq(ms_index__expand_kept(terms, 0.4), 2u);
    cr_expect_eq(ms_index__expand_kept(terms, 0.5), 1u);
    cr_expect_eq(ms_index__expand_kept(terms, 1.0), 1u);
    cr_expect_eq(ms_index__expand_kept({}, 0.1), 0u);

    /* On a real expansion list: the kept ones all weigh at least the
     * share, the first left out less. */
    ms_index_t *idx = open_paragraphs();
    std::vector<Xapian::docid> docs = top_documents(*idx->db, "trafficking victims", 10);
    std::vector<std::pair<std::string, double>> eset =
        ms_index__expand(idx, docs, 20, "Z", StemsOnly());
    cr_assert_eq(eset.size(), 20u);
    size_t kept = ms_index__expand_kept(eset, 0.3);
    cr_assert_geq(kept, 1u);
    for (size_t i = 0; i < kept; i++)
        cr_expect_geq(eset[i].second, 0.3 * eset[0].second, "term %zu", i);
    if (kept < eset.size())
        cr_expect_lt(eset[kept].second, 0.3 * eset[0].second);
    ms_index_close(idx);
}
