/* test_index_spelling_shards.cc - a sharded index keeps all its spelling in shard 0
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * xapian-tcpsrv serves no spelling table, so the words of every shard's
 * documents are in the dictionaries of shard 0 (docs/index-schema.md,
 * "Spelling"), partition by partition, which a search host keeps locally.
 * The same puts, replacements, deletions and access changes are applied
 * to an index of 3 shards and to one of a single shard: the dictionaries
 * must be equal word for word and count for count, the other shards must
 * hold none, and each viewer must be offered the same corrections. An
 * index written before (each shard with the words of its own documents,
 * made here with Xapian directly) has them moved to shard 0 by the next
 * writer that opens it.
 */
#include <criterion/criterion.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include <dirent.h>
#include <xapian.h>

/* ms_index.h names a function after its struct (ms_index_info), which
 * C++'s -Wshadow reports; the shim includes it the same way. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#include "ms_index_build.h"
#pragma GCC diagnostic pop

extern "C" {
#include "tmpdir.h"
}

static char tmpdir[PATH_MAX];
static char sharded[PATH_MAX];
static char single[PATH_MAX];

static const char *const board_groups[] = {"board"};
static const ms_viewer_t board = {board_groups, 1};
static const ms_field_t to_board[] = {{"access", "board"}};

static const char *const birds[] = {"kestrel",   "falcon", "osprey",  "harrier",
                                    "buzzard",   "merlin", "goshawk", "peregrine",
                                    "kittiwake", "condor", "vulture", "albatross"};
enum { N_BIRDS = sizeof birds / sizeof *birds };

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-spelling-shards");
    ms_test_path_join(sharded, sizeof sharded, tmpdir, "sharded");
    ms_test_path_join(single, sizeof single, tmpdir, "single");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(spelling_shards, .init = setup, .fini = teardown);

typedef std::map<std::string, unsigned long> words_t;

static int
add_word(const char *word, unsigned long count, void *payload)
{
    (*static_cast<words_t *>(payload))[word] = count;
    return 0;
}

static ms_index_t *
open_reader(const std::string &path)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, path.c_str(), MS_INDEX_READ, &err), MS_INDEX_OK,
                 "open %s: %s", path.c_str(), err.text);
    return idx;
}

/* The dictionary of the index (or shard folder) at 'path', all partitions. */
static words_t
dictionary(const std::string &path)
{
    words_t words;
    ms_index_t *idx = open_reader(path);
    cr_assert_eq(ms_index_spelling_each(idx, add_word, &words), MS_INDEX_OK);
    ms_index_close(idx);
    return words;
}

static ms_index_t *
open_writer(const char *path, unsigned shards)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open_shards(&idx, path, shards, &err), MS_INDEX_OK, "%s",
                 err.text);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    return idx;
}

static void
put(ms_index_t *idx, int i, const char *body, bool restricted)
{
    char id[8];
    snprintf(id, sizeof id, "d%02d", i);
    ms_document_t doc = {id, "", body, "en", "2003", to_board, restricted ? 1u : 0u};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

/* Run 'step' of the history on the index at 'path' of 'shards' shards:
 * 0 the first run, 1 an update that changes, deletes and moves. */
static void
run(const char *path, unsigned shards, int step)
{
    ms_index_t *w = open_writer(path, shards);
    char body[64];
    if (step == 0) {
        for (int i = 0; i < N_BIRDS; i++) {
            snprintf(body, sizeof body, "common %s of the coast", birds[i]);
            put(w, i, body, i >= 9);
        }
    } else {
        put(w, 1, "common gyrfalcon of the coast", false);    /* falcon goes */
        cr_assert_eq(ms_index_delete(w, "d02"), MS_INDEX_OK); /* osprey goes */
        put(w, 3, "common harrier of the coast", true);       /* to the board */
        put(w, 10, "common vulture of the coast", false);     /* to everyone */
    }
    cr_assert_eq(ms_index_commit(w), MS_INDEX_OK, "%s", ms_index_errmsg(w));
    ms_index_close(w);
}

static std::string
shard_dir(int k)
{
    return std::string(sharded) + "/shard-" + std::to_string(k);
}

/* The correction 'viewer' is offered for 'query' at 'path' ("" for none). */
static std::string
corrected(const char *path, const char *query, const ms_viewer_t *viewer)
{
    ms_index_t *idx = open_reader(path);
    ms_search_t search = {};
    search.query = query;
    search.language = "en";
    search.limit = 5;
    search.viewer = viewer;
    ms_results_t *results = nullptr;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    std::string out = results->corrected ? results->corrected : "";
    ms_results_free(results);
    ms_index_close(idx);
    return out;
}

/* The sharded index as the single one: every shard holds documents, only
 * shard 0 words, and the words and corrections are the same. */
static void
expect_as_single(const char *when)
{
    for (int k = 1; k < 3; k++) {
        /* Every document has "common"; the board's documents count too. */
        ms_index_t *idx = open_reader(shard_dir(k));
        ms_search_t search = {};
        search.query = "common";
        search.limit = 5;
        search.viewer = &board;
        ms_results_t *results = nullptr;
        cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
        cr_assert_gt(results->n_hits, 0, "%s: shard %d is empty: the test shows nothing",
                     when, k);
        ms_results_free(results);
        ms_index_close(idx);
        cr_expect(dictionary(shard_dir(k)).empty(), "%s: shard %d has spelling words",
                  when, k);
    }
    words_t want = dictionary(single);
    cr_assert_gt(want.size(), 10u);
    cr_expect(dictionary(sharded) == want, "%s: the dictionaries differ", when);
    cr_expect(dictionary(shard_dir(0)) == want, "%s: shard 0 lacks words", when);
    static const char *const misspelt[] = {"kestral",  "falcn",  "ospray",   "harier",
                                           "vultur",   "condr",  "albatros", "gyrfalcn",
                                           "peregrin", "merlinn"};
    for (const char *query : misspelt) {
        for (const ms_viewer_t *viewer : {(const ms_viewer_t *)nullptr, &board}) {
            std::string a = corrected(single, query, viewer);
            std::string b = corrected(sharded, query, viewer);
            cr_expect_eq(a, b, "%s: %s as %s: \"%s\" unsharded, \"%s\" sharded", when,
                         query, viewer ? "board" : "anonymous", a.c_str(), b.c_str());
        }
    }
}

Test(spelling_shards, every_shards_words_are_in_shard_0_through_updates)
{
    run(single, 1, 0);
    run(sharded, 3, 0);
    expect_as_single("first run");
    cr_expect_eq(corrected(sharded, "condr", nullptr), "", "a board word, anonymous");
    cr_expect_eq(corrected(sharded, "condr", &board), "condor");

    run(single, 1, 1);
    run(sharded, 3, 1);
    expect_as_single("after the update");
    words_t words = dictionary(sharded);
    cr_expect(!words.count("falcon") && !words.count("osprey") &&
                  words.count("gyrfalcon"),
              "the words of a replaced and a deleted document left the dictionary");
    cr_expect_eq(corrected(sharded, "harier", nullptr), "", "moved to the board");
    cr_expect_eq(corrected(sharded, "harier", &board), "harrier");
    cr_expect_eq(corrected(sharded, "vultur", nullptr), "vulture", "moved to everyone");
}

/* The words of the dictionary of 'from' moved, every other one, to the
 * partition of the same name in shard 'k': the layout an earlier writer
 * left, each shard with the words of its documents (the counts stay the
 * same summed over the shards). */
static void
scatter(const std::string &from, int k)
{
    std::string name = from.substr(from.rfind('/') + 1);
    std::string to = shard_dir(k) + "/" + name;
    Xapian::WritableDatabase source(from, Xapian::DB_OPEN);
    Xapian::WritableDatabase target(to, Xapian::DB_CREATE_OR_OPEN);
    words_t moved;
    bool every_other = false;
    for (Xapian::TermIterator t = source.spellings_begin(); t != source.spellings_end();
         ++t) {
        if ((every_other = !every_other))
            moved[*t] = t.get_termfreq();
    }
    cr_assert(!moved.empty());
    for (const auto &word : moved) {
        source.remove_spelling(word.first, word.second);
        target.add_spelling(word.first, word.second);
    }
    target.set_metadata("access", source.get_metadata("access"));
    if (name == "public")
        source.set_metadata("spelling", ""); /* as before the key existed */
    source.commit();
    target.commit();
}

Test(spelling_shards, an_index_written_before_has_its_words_moved_to_shard_0)
{
    run(sharded, 3, 0);
    words_t before = dictionary(sharded);
    scatter(shard_dir(0) + "/public", 1);
    /* The board's partition too, into shard 2. */
    DIR *d = opendir(shard_dir(0).c_str());
    cr_assert_not_null(d);
    int restricted = 0;
    for (struct dirent *entry; (entry = readdir(d)) != nullptr;) {
        if (strncmp(entry->d_name, "a-", 2) == 0) {
            scatter(shard_dir(0) + "/" + entry->d_name, 2);
            restricted++;
        }
    }
    closedir(d);
    cr_assert_eq(restricted, 1);
    cr_assert(!dictionary(shard_dir(2)).empty(), "the old layout was not made");
    cr_assert(!dictionary(shard_dir(1)).empty(), "the old layout was not made");
    cr_assert(dictionary(sharded) == before, "the old layout has the same words");

    ms_index_t *w = open_writer(sharded, 3);
    cr_assert_eq(ms_index_commit(w), MS_INDEX_OK, "%s", ms_index_errmsg(w));
    ms_index_close(w);
    cr_expect(dictionary(shard_dir(1)).empty(), "shard 1 still has spelling words");
    cr_expect(dictionary(shard_dir(2)).empty(), "shard 2 still has spelling words");
    cr_expect(dictionary(shard_dir(0)) == before, "shard 0 lacks words");

    /* And the index goes on as one written so from the start. */
    run(single, 1, 0);
    run(single, 1, 1);
    run(sharded, 3, 1);
    expect_as_single("after the move and an update");
}

/* index.spelling turned off empties every dictionary, the restricted
 * partitions' and each shard's, not only the public one of shard 0. */
Test(spelling_shards, turning_spelling_off_empties_every_dictionary)
{
    for (const char *path : {single, sharded}) {
        unsigned shards = path == single ? 1 : 3;
        run(path, shards, 0);
        cr_assert(dictionary(path).count("condor"), "%s: no board word", path);
        ms_index_t *w = nullptr;
        ms_index_error_t err;
        cr_assert_eq(ms_index_open_shards(&w, path, shards, &err), MS_INDEX_OK, "%s",
                     err.text);
        cr_assert_eq(ms_index_set_spelling(w, false), MS_INDEX_OK);
        cr_assert_eq(ms_index_commit(w), MS_INDEX_OK, "%s", ms_index_errmsg(w));
        ms_index_close(w);
        words_t left = dictionary(path);
        cr_expect(left.empty(), "%s: %zu words left, \"%s\" first", path, left.size(),
                  left.empty() ? "" : left.begin()->first.c_str());
        cr_expect_eq(corrected(path, "condr", &board), "", "%s", path);
    }
}
