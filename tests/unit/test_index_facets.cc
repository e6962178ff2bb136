/* test_index_facets.cc - facet counts from the facet value slot and from term lists agree
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Facets are counted from each match's MS_INDEX_SLOT_FACETS value; a
 * document indexed before that value existed is counted from its term
 * list instead. Both must give the same counts, whichever mix an index
 * holds, so the test strips the value from some documents of one index
 * (as an older indexer would have left them) and compares.
 */
#include <criterion/criterion.h>

#include <climits>
#include <cstdio>
#include <map>
#include <string>

#include "index-private.hh"

extern "C" {
#include "tmpdir.h"
}

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "facets");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "index");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(facets, .init = setup, .fini = teardown);

typedef std::map<std::string, unsigned long> counts_t;

/* field/value -> count of every facet of a search for "migration". */
static counts_t
facet_counts(ms_index_t *idx)
{
    ms_search_t search = {};
    search.query = "migration";
    search.limit = 5;
    search.facets = 1;
    ms_results_t *results = nullptr;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    counts_t out;
    for (size_t f = 0; f < results->n_facets; f++) {
        for (size_t v = 0; v < results->facets[f].n_values; v++)
            out[std::string(results->facets[f].field) + "/" +
                results->facets[f].values[v].value] = results->facets[f].values[v].count;
    }
    cr_assert_eq(results->facets_estimated, 0);
    ms_results_free(results);
    return out;
}

Test(facets, counts_from_values_and_from_term_lists_agree)
{
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    static const char *const countries[] = {"Kyrgyzstan", "Kazakhstan", "Mali"};
    static const char *const types[] = {"report", "recommendation"};
    unsigned long mali = 0, themed = 0;
    for (int i = 0; i < 60; i++) {
        char id[16], date[16];
        snprintf(id, sizeof id, "d%d", i);
        snprintf(date, sizeof date, "%d-05-01", 2000 + i % 4);
        ms_field_t fields[] = {{"type", types[i % 2]},
                               {"country", countries[i % 3]},
                               {"country", countries[(i + 1) % 3]},
                               {"theme", "remittances"}};
        ms_document_t doc = {};
        doc.id = id;
        doc.title = "Migration";
        doc.body = "Labour migration and remittances.";
        doc.language = i % 5 ? "en" : "fr";
        doc.date = date;
        doc.fields = fields;
        doc.n_fields = i % 7 ? 4 : 2; /* some without theme or second country */
        bool has_mali = i % 3 == 2 || (doc.n_fields == 4 && (i + 1) % 3 == 2);
        mali += has_mali;
        themed += doc.n_fields == 4;
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    counts_t from_values = facet_counts(idx);
    cr_assert_eq(from_values["type/report"], 30u);
    cr_assert_eq(from_values["year/2001"], 15u);
    cr_assert_eq(from_values["language/fr"], 12u);
    cr_assert_eq(from_values["country/Mali"], mali);
    cr_assert_eq(from_values["theme/remittances"], themed);

    /* Every third document as an older indexer left it: no facet value. */
    for (Xapian::docid did = 1; did <= 60; did += 3) {
        Xapian::Document doc = idx->writer->get_document(did);
        cr_assert(!doc.get_value(MS_INDEX_SLOT_FACETS).empty());
        doc.remove_value(MS_INDEX_SLOT_FACETS);
        idx->writer->replace_document(did, doc);
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    counts_t mixed = facet_counts(idx);
    cr_assert(mixed == from_values, "counts differ once some documents lack the value");
    ms_index_close(idx);
}
