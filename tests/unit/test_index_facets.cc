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

/* field/value -> count of a browse with 'filters' (n of them), and the
 * number of matches in *total. */
static counts_t
filtered_counts(ms_index_t *idx, const ms_field_t *filters, size_t n,
                unsigned long *total)
{
    ms_search_t search = {};
    search.query = "";
    search.limit = 100;
    search.facets = 1;
    search.filters = filters;
    search.n_filters = n;
    ms_results_t *results = nullptr;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    counts_t out;
    for (size_t f = 0; f < results->n_facets; f++) {
        for (size_t v = 0; v < results->facets[f].n_values; v++)
            out[std::string(results->facets[f].field) + "/" +
                results->facets[f].values[v].value] = results->facets[f].values[v].count;
    }
    *total = static_cast<unsigned long>(results->estimate);
    ms_results_free(results);
    return out;
}

/* Status by country (docs/index-schema.md): a country and a status filter
 * match the pair, and the status and country facets under them count
 * pairs, the same from the facet value as from term lists. */
Test(facets, country_and_status_count_as_pairs)
{
    static const char *const statuses[] = {"implemented", "partially implemented",
                                           "not implemented", "no information"};
    ms_index_t *idx = nullptr;
    ms_index_error_t err;
    cr_assert_eq(ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    /* Kenya reported statuses[i % 4], Ghana statuses[(i + 1) % 4]. */
    for (int i = 0; i < 40; i++) {
        char id[16], kenya[64], ghana[64];
        snprintf(id, sizeof id, "p%d", i);
        snprintf(kenya, sizeof kenya, "Kenya\t%s", statuses[i % 4]);
        snprintf(ghana, sizeof ghana, "Ghana\t%s", statuses[(i + 1) % 4]);
        ms_field_t fields[] = {
            {"country", "Kenya"},          {"country", "Ghana"},
            {"status", statuses[i % 4]},   {"status", statuses[(i + 1) % 4]},
            {MS_SCHEMA_PAIR_FIELD, kenya}, {MS_SCHEMA_PAIR_FIELD, ghana}};
        ms_document_t doc = {};
        doc.id = id;
        doc.title = "Recommendation";
        doc.body = "Text.";
        doc.language = "en";
        doc.fields = fields;
        doc.n_fields = 6;
        cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    }
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    for (int round = 0; round < 2; round++) {
        unsigned long total;
        const ms_field_t kenya[] = {{"country", "Kenya"}};
        counts_t by_kenya = filtered_counts(idx, kenya, 1, &total);
        cr_assert_eq(total, 40u);
        for (const char *status : statuses)
            cr_assert_eq(by_kenya[std::string("status/") + status], 10u, "%s", status);
        const ms_field_t done[] = {{"status", "implemented"}};
        counts_t by_done = filtered_counts(idx, done, 1, &total);
        cr_assert_eq(total, 20u); /* reported by one country or the other */
        cr_assert_eq(by_done["country/Kenya"], 10u);
        cr_assert_eq(by_done["country/Ghana"], 10u);
        const ms_field_t pair[] = {{"country", "kenya"}, {"status", "implemented"}};
        counts_t by_pair = filtered_counts(idx, pair, 2, &total);
        cr_assert_eq(total, 10u, "only where Kenya reported it");
        cr_assert_eq(by_pair["status/implemented"], 10u);
        cr_assert_eq(by_pair.count("status/partially implemented"), 0u);
        cr_assert_eq(by_pair["country/Kenya"], 10u);
        cr_assert_eq(by_pair.count("country/Ghana"), 0u);
        /* Again with every other document as an older indexer left it. */
        for (Xapian::docid did = 1; round == 0 && did <= 40; did += 2) {
            Xapian::Document doc = idx->writer->get_document(did);
            doc.remove_value(MS_INDEX_SLOT_FACETS);
            idx->writer->replace_document(did, doc);
        }
        cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK);
    }
    ms_index_close(idx);
}
