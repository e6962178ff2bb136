/* test_index_phrases.cc - synonym phrases indexed as terms (shim/phrases.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A writer that knows the synonyms indexes each synonym entry of several
 * words that a document holds ("return migration") as one term, and a
 * search matches that term instead of the phrase where every database it
 * reads lists the entry. What must hold: the term is on exactly the
 * documents Xapian's phrase finds, with the phrase's wdf; a search finds
 * the same documents through the term as through the phrase; and a
 * database lists only entries every one of its documents was indexed
 * with, through later writes with other synonyms and through a merge.
 * Generated documents (a fixed seed); the index is read with Xapian to
 * compare the term with the phrase, and searched through ms_index.h.
 */
#include <criterion/criterion.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "index-private.hh"

extern "C" {
#include "tmpdir.h"
}

static char tmpdir[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-phrases");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(phrases, .init = setup, .fini = teardown);

static std::string
path_of(const char *name)
{
    return std::string(tmpdir) + "/" + name;
}

static const char *const RETURNS[] = {"return migration", "reintegration"};
static const char *const TRANSFERS[] = {"remittances", "money transfers",
                                        "transferts de fonds"};
static const ms_synonym_group_t GROUPS[] = {{RETURNS, 2}, {TRANSFERS, 3}};

/* Words the documents are made of: the synonyms' own, and others, so
 * that their phrases stand in some documents and their words apart in
 * others. */
static const char *const WORDS[] = {
    "return",    "migration", "reintegration", "money",    "transfers", "remittances",
    "de",        "fonds",     "transferts",    "policy",   "labour",    "workers",
    "delegates", "border",    "health",        "dialogue", "programme", "country"};

static unsigned seed;

static unsigned
next_random(unsigned n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
}

static std::string
make_text(unsigned words)
{
    std::string text;
    for (unsigned i = 0; i < words; i++) {
        if (i)
            text += ' ';
        text += WORDS[next_random(sizeof WORDS / sizeof *WORDS)];
    }
    return text;
}

#define DOCS 160

static ms_index_t *
open_writer(const std::string &path)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, path.c_str(), MS_INDEX_WRITE, &err), MS_INDEX_OK,
                 "%s", err.text);
    return idx;
}

static void
set_synonyms(ms_index_t *idx, const ms_synonym_group_t *groups, size_t n)
{
    cr_assert_eq(ms_index_set_synonyms(idx, groups, n), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
}

static void
put(ms_index_t *idx, const char *id, const char *title, const char *body)
{
    ms_document_t doc = {id, title, body, "en", nullptr, nullptr, 0};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

/* DOCS generated documents into the index at 'path', their ids starting
 * with 'prefix', with the synonyms (the first 'groups' of GROUPS) set
 * before them ('known': the writer indexes their phrases) or only after
 * them. */
static void
build(const std::string &path, bool known, const char *prefix = "d", size_t groups = 2)
{
    ms_index_t *idx = open_writer(path);
    if (known)
        set_synonyms(idx, GROUPS, groups);
    seed = 7;
    for (int i = 0; i < DOCS; i++) {
        char id[16];
        snprintf(id, sizeof id, "%s%03d", prefix, i);
        std::string title = make_text(1 + next_random(4));
        std::string body = make_text(5 + next_random(40));
        put(idx, id, title.c_str(), body.c_str());
    }
    if (!known)
        set_synonyms(idx, GROUPS, 2);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
}

/* The entries the public partition of the index at 'path' lists. */
static std::string
listed(const std::string &path)
{
    return Xapian::Database(path + "/public").get_metadata("phrase_terms");
}

/* The ids of the hits of 'query' (every hit), in the index at 'path'. */
static std::set<std::string>
hits(const std::string &path, const char *query)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, path.c_str(), MS_INDEX_READ, &err), MS_INDEX_OK,
                 "%s", err.text);
    ms_search_t search = {};
    search.query = query;
    search.language = "en";
    search.limit = 1000;
    ms_results_t *results = nullptr;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "'%s': %s", query,
                 ms_index_errmsg(idx));
    std::set<std::string> ids;
    for (size_t i = 0; i < results->n_hits; i++)
        ids.insert(results->hits[i].doc.id);
    ms_results_free(results);
    ms_index_close(idx);
    return ids;
}

static const char *const QUERIES[] = {
    "reintegration",       "return migration",      "remittances",
    "money transfers",     "reintegration workers", "remittances policy health",
    "transferts de fonds", "\"return migration\"",  "return"};

Test(phrases, the_term_stands_on_the_documents_of_the_phrase_with_its_wdf)
{
    std::string path = path_of("known");
    build(path, true);
    Xapian::Database db(path + "/public");
    static const char *const entries[] = {"return migration", "money transfers",
                                          "transferts de fonds"};
    size_t with = 0;
    for (const char *entry : entries) {
        std::vector<Xapian::Query> words;
        std::string term = std::string(MS_SCHEMA_PREFIX_PHRASE) + entry;
        for (const char *w = entry; *w;) {
            size_t n = strcspn(w, " ");
            words.emplace_back(std::string(w, n));
            w += n + (w[n] == ' ');
        }
        Xapian::Enquire enquire(db);
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end()));
        Xapian::MSet phrase = enquire.get_mset(0, db.get_doccount());
        std::set<Xapian::docid> by_phrase, by_term;
        for (Xapian::MSetIterator it = phrase.begin(); it != phrase.end(); ++it)
            by_phrase.insert(*it);
        for (Xapian::PostingIterator p = db.postlist_begin(term);
             p != db.postlist_end(term); ++p) {
            by_term.insert(*p);
            Xapian::termcount least = UINT_MAX;
            for (const Xapian::Query &word : words) {
                Xapian::TermIterator t = db.termlist_begin(*p);
                t.skip_to(*word.get_terms_begin());
                least = std::min(least, t.get_wdf());
            }
            cr_assert_eq(p.get_wdf(), least,
                         "'%s' in document %u: wdf %u, the phrase's %u", entry, *p,
                         p.get_wdf(), least);
        }
        cr_assert(by_phrase == by_term,
                  "'%s': the phrase is in %zu documents, the term in %zu", entry,
                  by_phrase.size(), by_term.size());
        with += by_term.size();
    }
    cr_assert_gt(with, 5u, "the generated documents hold too few phrases to test");
    std::string list = listed(path);
    for (const char *entry : entries)
        cr_assert(list.find(std::string(entry) + "\n") != std::string::npos,
                  "'%s' not listed in '%s'", entry, list.c_str());
}

Test(phrases, a_search_finds_through_the_term_what_it_finds_through_the_phrase)
{
    std::string with_terms = path_of("known"), without = path_of("later");
    build(with_terms, true);
    build(without, false);
    cr_assert(listed(without).empty(), "documents put before the synonyms: '%s'",
              listed(without).c_str());
    cr_assert(
        Xapian::Database(without + "/public").allterms_begin(MS_SCHEMA_PREFIX_PHRASE) ==
            Xapian::Database(without + "/public").allterms_end(MS_SCHEMA_PREFIX_PHRASE),
        "a writer without synonyms wrote phrase terms");
    for (const char *query : QUERIES) {
        std::set<std::string> a = hits(with_terms, query), b = hits(without, query);
        cr_assert_gt(b.size(), 0u, "'%s' finds nothing", query);
        cr_assert(a == b, "'%s': %zu hits through the terms, %zu through the phrases",
                  query, a.size(), b.size());
    }
}

/* A group added after the documents: its phrase is not on them, so it is
 * matched as a phrase, and the documents written before are found. */
Test(phrases, an_entry_added_later_stays_a_phrase)
{
    std::string path = path_of("added");
    ms_index_t *idx = open_writer(path);
    set_synonyms(idx, GROUPS, 2);
    put(idx, "before", "labour mobility",
        "a pilot of labour mobility and return migration");
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);

    static const char *const mobility[] = {"labour mobility", "contract work"};
    const ms_synonym_group_t more[] = {GROUPS[0], GROUPS[1], {mobility, 2}};
    idx = open_writer(path);
    set_synonyms(idx, more, 3);
    put(idx, "after", "contract work", "a scheme of contract work");
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);

    std::string list = listed(path);
    cr_assert(list.find("labour mobility") == std::string::npos, "%s", list.c_str());
    cr_assert(list.find("return migration\n") != std::string::npos, "%s", list.c_str());
    std::set<std::string> found = hits(path, "contract work");
    cr_assert(found.count("before") && found.count("after"), "'contract work': %zu hits",
              found.size());
    found = hits(path, "reintegration");
    cr_assert(found.count("before"), "'reintegration' misses the document put first");
}

/* A merge lists what every source lists: a source whose documents were
 * written without the synonyms lists nothing, and its phrases must still
 * be found. */
Test(phrases, a_merge_lists_what_every_source_lists)
{
    std::string with_terms = path_of("known"), without = path_of("old");
    build(with_terms, true);
    ms_index_t *idx = open_writer(without);
    put(idx, "old", "return migration", "an old text on return migration");
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);

    std::string merged = path_of("merged");
    const char *sources[] = {with_terms.c_str(), without.c_str()};
    ms_index_error_t err;
    cr_assert_eq(ms_index_merge(merged.c_str(), sources, 2, &err), MS_INDEX_OK, "%s",
                 err.text);
    cr_assert(listed(merged).empty(), "merged: '%s'", listed(merged).c_str());
    std::set<std::string> found = hits(merged, "reintegration");
    cr_assert(found.count("old"), "'reintegration' misses the document without the term");
    cr_assert(found.size() > 1, "'reintegration' finds only the old document");

    /* Both sources with the terms: the list stays. */
    std::string other = path_of("known2"), twice = path_of("twice");
    build(other, true, "e");
    const char *both[] = {with_terms.c_str(), other.c_str()};
    cr_assert_eq(ms_index_merge(twice.c_str(), both, 2, &err), MS_INDEX_OK, "%s",
                 err.text);
    std::string list = listed(twice);
    cr_assert(!list.empty() && list == listed(with_terms), "merged: '%s'", list.c_str());

    /* A source indexed with one group of the two: the merge lists that
     * group's phrase only, and the other's documents are still found. */
    std::string fewer = path_of("fewer"), mixed = path_of("mixed");
    build(fewer, true, "f", 1);
    const char *unlike[] = {with_terms.c_str(), fewer.c_str()};
    cr_assert_eq(ms_index_merge(mixed.c_str(), unlike, 2, &err), MS_INDEX_OK, "%s",
                 err.text);
    list = listed(mixed);
    cr_assert_str_eq(list.c_str(), "return migration\n");
    std::set<std::string> by_words = hits(path_of("fewer"), "\"money transfers\"");
    cr_assert_gt(by_words.size(), 0u);
    found = hits(mixed, "remittances");
    for (const std::string &id : by_words)
        cr_assert(found.count(id),
                  "'remittances' misses %s of the source without its term", id.c_str());
}

/* ms_index_phrases_unindexed() of the index at 'path' names 'want' (one
 * a line). */
static void
expect_unindexed(const std::string &path, const char *want)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, path.c_str(), MS_INDEX_READ, &err), MS_INDEX_OK,
                 "%s", err.text);
    ms_strings_t *list = nullptr;
    cr_assert_eq(ms_index_phrases_unindexed(&list, idx), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    std::string out;
    for (size_t i = 0; i < list->n_items; i++)
        out += std::string(list->items[i]) + "\n";
    ms_strings_free(list);
    ms_index_close(idx);
    cr_assert_str_eq(out.c_str(), want, "%s", path.c_str());
}

/* The entries a search still matches word by word: none in an index
 * without documents or written with the synonyms; those added after the
 * documents, until a rebuild, also when the documents written since went
 * to another partition; and only a reader answers. */
Test(phrases, a_reader_names_the_entries_added_after_the_documents)
{
    std::string empty = path_of("empty");
    ms_index_t *idx = open_writer(empty);
    set_synonyms(idx, GROUPS, 2);
    ms_strings_t *list = nullptr;
    cr_assert_eq(ms_index_phrases_unindexed(&list, idx), MS_INDEX_INTERNAL);
    cr_assert_null(list);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
    expect_unindexed(empty, "");

    std::string known = path_of("known"), later = path_of("later");
    build(known, true);
    build(later, false);
    expect_unindexed(known, "");
    expect_unindexed(later, "money transfers\nreturn migration\ntransferts de fonds\n");

    static const char *const mobility[] = {"labour mobility", "contract work"};
    const ms_synonym_group_t more[] = {GROUPS[0], GROUPS[1], {mobility, 2}};
    static const ms_field_t to_board[] = {{"access", "board"}};
    idx = open_writer(known);
    set_synonyms(idx, more, 3);
    ms_document_t doc = {"board-1", "contract work", "schemes of labour mobility",
                         "en",      nullptr,         to_board,
                         1};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_index_close(idx);
    expect_unindexed(known, "contract work\nlabour mobility\n");
}

/* The list decides: an index whose documents lack the terms but whose
 * list names the entry (written here by hand) is searched through the
 * term, and the documents with the phrase alone are not found. So the
 * tests above compared the term with the phrase, not the phrase twice. */
Test(phrases, a_search_takes_the_term_where_the_list_names_it)
{
    std::string path = path_of("later");
    build(path, false);
    std::set<std::string> truthful = hits(path, "reintegration");
    {
        Xapian::WritableDatabase db(path + "/public", Xapian::DB_OPEN);
        db.set_metadata("phrase_terms", "return migration\n");
        db.commit();
    }
    std::set<std::string> listed_only = hits(path, "reintegration");
    cr_assert_lt(listed_only.size(), truthful.size(),
                 "'reintegration': %zu hits with the entry listed, %zu without",
                 listed_only.size(), truthful.size());
    for (const std::string &id : listed_only)
        cr_assert(truthful.count(id), "%s", id.c_str());
}
