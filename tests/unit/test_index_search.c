/* test_index_search.c - unit tests of ms_index_search for the search service
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Access control inside search, sort orders, date ranges, facets, snippets
 * with pages, query limits and symbol lookup, tested only through
 * ms_index.h. Each test gets a fresh index under /tmp, removed in .fini.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_index.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-search");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(search, .init = setup, .fini = teardown);

static ms_index_t *
open_writer(void)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, dbpath, MS_INDEX_WRITE, &err);
    cr_assert_eq(status, MS_INDEX_OK, "open: %s", err.text);
    return idx;
}

static void
put(ms_index_t *idx, const char *id, const char *title, const char *body,
    const char *date, const ms_field_t *fields, size_t n_fields)
{
    ms_document_t doc = {
        .id = id,
        .title = title,
        .body = body,
        .language = "en",
        .date = date,
        .fields = fields,
        .n_fields = n_fields,
    };
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "put %s: %s", id,
                 ms_index_errmsg(idx));
}

static void
commit(ms_index_t *idx)
{
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
}

/* A search that must succeed. */
static ms_results_t *
run(ms_index_t *idx, const ms_search_t *search)
{
    ms_results_t *results = NULL;
    ms_index_status_t status = ms_index_search(&results, idx, search);
    cr_assert_eq(status, MS_INDEX_OK, "search '%s': %s",
                 search->query ? search->query : "(null)", ms_index_errmsg(idx));
    cr_assert_not_null(results);
    return results;
}

/* A search that must fail with MS_INDEX_BAD_QUERY and a message holding
 * 'message'. */
static void
expect_bad(ms_index_t *idx, const ms_search_t *search, const char *message)
{
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, search), MS_INDEX_BAD_QUERY);
    cr_assert_null(results);
    cr_assert_not_null(strstr(ms_index_errmsg(idx), message), "message: %s",
                       ms_index_errmsg(idx));
}

static int
has_hit(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++) {
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return 1;
    }
    return 0;
}

static const ms_facet_t *
facet(const ms_results_t *results, const char *field)
{
    for (size_t i = 0; i < results->n_facets; i++) {
        if (strcmp(results->facets[i].field, field) == 0)
            return &results->facets[i];
    }
    cr_assert_fail("no facet '%s'", field);
    return NULL;
}

/* The count of 'value' in 'field', 0 if it is not listed. */
static unsigned long
facet_count(const ms_results_t *results, const char *field, const char *value)
{
    const ms_facet_t *f = facet(results, field);
    for (size_t i = 0; i < f->n_values; i++) {
        if (strcmp(f->values[i].value, value) == 0)
            return f->values[i].count;
    }
    return 0;
}

/* Hits' ids joined by spaces, for order checks. */
static void
ids(char *out, size_t size, const ms_results_t *results)
{
    out[0] = '\0';
    for (size_t i = 0; i < results->n_hits; i++) {
        if (i)
            strncat(out, " ", size - strlen(out) - 1);
        strncat(out, results->hits[i].doc.id, size - strlen(out) - 1);
    }
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- access control --- */

/* Two public documents and a canary restricted to group "board" with a
 * unique word, a unique country and a unique symbol; spelling on. */
static ms_index_t *
canary_index(void)
{
    ms_index_t *idx = open_writer();
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    ms_field_t pub1[] = {{"country", "Kyrgyzstan"}, {"type", "report"}};
    ms_field_t pub2[] = {{"country", "Kazakhstan"}, {"type", "report"}};
    ms_field_t secret[] = {{"country", "Narnialand"},
                           {"type", "report"},
                           {"symbol", "IMP/SEC/2002/9"},
                           {"access", "board"}};
    put(idx, "pub1", "Border migration", "Border management and migration policy.",
        "2001-05-14", pub1, 2);
    put(idx, "pub2", "Labour migration", "Migration of workers and remittances.", "2002",
        pub2, 2);
    put(idx, "secret", "Board migration memo",
        "Migration canary zorblatt quixotian remittances plan.", "2002-03", secret, 4);
    commit(idx);
    return idx;
}

Test(search, restricted_document_is_hidden_from_anonymous_and_other_groups)
{
    ms_index_t *idx = canary_index();
    const char *staff_groups[] = {"staff"};
    const char *board_groups[] = {"Board"}; /* folded like other values */
    ms_viewer_t staff = {staff_groups, 1};
    ms_viewer_t board = {board_groups, 1};
    const ms_viewer_t *hidden_from[] = {NULL, &staff};

    for (size_t v = 0; v < 2; v++) {
        const ms_viewer_t *viewer = hidden_from[v];
        ms_search_t search = {.query = "migration",
                              .limit = 10,
                              .snippet_length = 200,
                              .max_snippets = 3,
                              .facets = 1,
                              .viewer = viewer};
        ms_results_t *results = run(idx, &search);
        cr_assert_eq(results->n_hits, 2, "viewer %zu", v);
        cr_assert_eq(results->estimate, 2);
        cr_assert_eq(results->upper, 2);
        cr_assert(!has_hit(results, "secret"));
        for (size_t i = 0; i < results->n_hits; i++) {
            for (size_t j = 0; j < results->hits[i].n_snippets; j++)
                cr_assert_null(strstr(results->hits[i].snippets[j].html, "zorblatt"));
        }
        cr_assert_eq(facet_count(results, "country", "Narnialand"), 0);
        cr_assert_eq(facet(results, "country")->n_values, 2);
        cr_assert_eq(facet_count(results, "type", "report"), 2);
        cr_assert_eq(facet_count(results, "year", "2002"), 1);
        cr_assert_null(strstr(results->understood, "board"), "%s", results->understood);
        ms_results_free(results);

        /* Its unique word, a prefix of it, a misspelling, its symbol. */
        const char *probes[] = {"zorblatt",
                                "zorbl*",
                                "quixot*",
                                "IMP/SEC/2002/9",
                                "symbol:IMP/SEC/2002/9",
                                "country:Narnialand"};
        for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
            ms_search_t probe = {
                .query = probes[p], .limit = 10, .facets = 1, .viewer = viewer};
            results = run(idx, &probe);
            cr_assert_eq(results->n_hits, 0, "'%s' finds the canary", probes[p]);
            cr_assert_eq(results->estimate, 0);
            cr_assert_eq(facet_count(results, "country", "Narnialand"), 0);
            ms_results_free(results);
        }
        ms_search_t misspelt = {.query = "zorblat", .limit = 10, .viewer = viewer};
        results = run(idx, &misspelt);
        cr_assert_null(results->corrected, "correction '%s' leaks a hidden word",
                       results->corrected);
        ms_results_free(results);
        /* Also when another word of the query finds a visible document. */
        ms_search_t mixed = {.query = "migration zorblat", .limit = 10, .viewer = viewer};
        results = run(idx, &mixed);
        cr_assert_null(results->corrected, "'%s'", results->corrected);
        ms_results_free(results);
    }

    /* Corrections of visible words still work for anonymous users. */
    ms_search_t visible_typo = {.query = "bordr", .limit = 10};
    ms_results_t *results = run(idx, &visible_typo);
    cr_assert_not_null(results->corrected);
    cr_assert_str_eq(results->corrected, "border");
    ms_results_free(results);

    /* The board sees all of it. */
    ms_search_t search = {
        .query = "migration", .limit = 10, .facets = 1, .viewer = &board};
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 3);
    cr_assert(has_hit(results, "secret"));
    cr_assert_eq(facet_count(results, "country", "Narnialand"), 1);
    cr_assert_null(strstr(results->understood, "board"), "%s", results->understood);
    ms_results_free(results);
    const char *probes[] = {"zorblatt", "zorbl*", "IMP/SEC/2002/9"};
    for (size_t p = 0; p < 3; p++) {
        ms_search_t probe = {.query = probes[p], .limit = 10, .viewer = &board};
        results = run(idx, &probe);
        cr_assert_eq(results->n_hits, 1, "'%s'", probes[p]);
        cr_assert_str_eq(results->hits[0].doc.id, "secret");
        ms_results_free(results);
    }
    ms_search_t misspelt = {.query = "zorblat", .limit = 10, .viewer = &board};
    results = run(idx, &misspelt);
    cr_assert_not_null(results->corrected);
    cr_assert_str_eq(results->corrected, "zorblatt");
    ms_results_free(results);

    /* An empty group list is anonymous. */
    ms_viewer_t nobody = {NULL, 0};
    ms_search_t all = {.query = "", .limit = 10, .viewer = &nobody};
    results = run(idx, &all);
    cr_assert_eq(results->n_hits, 2);
    ms_results_free(results);
    ms_index_close(idx);
}

/* --- sort orders --- */

Test(search, date_orders_put_undated_last_and_break_ties_by_relevance)
{
    ms_index_t *idx = open_writer();
    put(idx, "d2001", NULL, "migration report", "2001-05-14", NULL, 0);
    put(idx, "d2003", NULL, "migration report", "2003", NULL, 0);
    put(idx, "d1999", NULL, "migration report", "1999-12", NULL, 0);
    put(idx, "u-strong", NULL, "migration migration migration", NULL, NULL, 0);
    put(idx, "u-weak", NULL, "migration with many other words in a longer text body here",
        NULL, NULL, 0);
    put(idx, "t-strong", NULL, "migration migration migration", "2002-02-02", NULL, 0);
    put(idx, "t-weak", NULL, "migration with many other words in a longer text body here",
        "2002-02-02", NULL, 0);
    commit(idx);

    char order[512];
    ms_search_t search = {.query = "migration", .limit = 20, .sort = MS_SORT_NEWEST};
    ms_results_t *results = run(idx, &search);
    ids(order, sizeof order, results);
    cr_assert_str_eq(order, "d2003 t-strong t-weak d2001 d1999 u-strong u-weak");
    ms_results_free(results);

    search.sort = MS_SORT_OLDEST;
    results = run(idx, &search);
    ids(order, sizeof order, results);
    cr_assert_str_eq(order, "d1999 d2001 t-strong t-weak d2003 u-strong u-weak");
    ms_results_free(results);

    /* Relevance: the strong ones first whatever their date. */
    search.sort = MS_SORT_RELEVANCE;
    results = run(idx, &search);
    cr_assert(strcmp(results->hits[0].doc.id, "u-strong") == 0 ||
              strcmp(results->hits[0].doc.id, "t-strong") == 0);
    ms_results_free(results);

    /* Paging through a date order. */
    ms_search_t page = {.query = "", .offset = 5, .limit = 2, .sort = MS_SORT_NEWEST};
    results = run(idx, &page);
    cr_assert_eq(results->n_hits, 2);
    cr_assert_eq(results->estimate, 7);
    cr_assert_eq(results->hits[0].doc.date, NULL);
    cr_assert_eq(results->hits[1].doc.date, NULL);
    ms_results_free(results);

    ms_search_t bad = {.query = "migration", .limit = 10, .sort = (ms_sort_t)7};
    expect_bad(idx, &bad, "sort");
    ms_index_close(idx);
}

/* --- date ranges --- */

static void
expect_range(ms_index_t *idx, const char *from, const char *to, const char *want)
{
    ms_search_t search = {.query = "",
                          .limit = 20,
                          .sort = MS_SORT_OLDEST,
                          .date_from = from,
                          .date_to = to};
    ms_results_t *results = run(idx, &search);
    char order[512];
    ids(order, sizeof order, results);
    cr_assert_str_eq(order, want, "from %s to %s", from ? from : "-", to ? to : "-");
    cr_assert_eq(results->estimate, results->n_hits);
    ms_results_free(results);
}

Test(search, date_ranges_are_inclusive_and_take_partial_dates_as_stored)
{
    ms_index_t *idx = open_writer();
    put(idx, "d2002", NULL, "text", "2002-12-31", NULL, 0);
    put(idx, "y2003", NULL, "text", "2003", NULL, 0);
    put(idx, "m2003-05", NULL, "text", "2003-05", NULL, 0);
    put(idx, "d2003-05-15", NULL, "text", "2003-05-15", NULL, 0);
    put(idx, "d2003-12-31", NULL, "text", "2003-12-31", NULL, 0);
    put(idx, "d2004", NULL, "text", "2004-01-01", NULL, 0);
    put(idx, "undated", NULL, "text", NULL, NULL, 0);
    commit(idx);

    expect_range(idx, "2003", "2003", "y2003 m2003-05 d2003-05-15 d2003-12-31");
    expect_range(idx, "2003-05", "2003-05", "m2003-05 d2003-05-15");
    expect_range(idx, "2003-05-15", NULL, "d2003-05-15 d2003-12-31 d2004");
    expect_range(idx, NULL, "2002", "d2002");
    expect_range(idx, NULL, "2003-05-15", "d2002 y2003 m2003-05 d2003-05-15");
    expect_range(idx, "2003-12-31", "2003-12-31", "d2003-12-31");
    expect_range(idx, "2004", "2003", "");
    /* Open at both ends, "" included: everything, undated too. */
    expect_range(idx, "", NULL,
                 "d2002 y2003 m2003-05 d2003-05-15 d2003-12-31 d2004 undated");

    const char *invalid[] = {"2003-13",    "03",          "2003-5", "2003-05-32",
                             "2003/05",    "2003-05-15x", "abcd",   "2003-02-31",
                             "2003-02-29", "0000",        "0000-05"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        ms_search_t from = {.query = "", .limit = 10, .date_from = invalid[i]};
        expect_bad(idx, &from, "date_from");
        ms_search_t to = {.query = "", .limit = 10, .date_to = invalid[i]};
        expect_bad(idx, &to, "date_to");
    }
    ms_index_close(idx);
}

/* --- facets --- */

Test(search, facets_count_every_match_once_per_value_with_display_forms)
{
    ms_index_t *idx = open_writer();
    ms_field_t r1[] = {{"country", "Kyrgyzstan"},
                       {"country", "Kazakhstan"},
                       {"theme", "trafficking"},
                       {"type", "recommendation"},
                       {"process", "Issyk-Kul Dialogue"}};
    ms_field_t r2[] = {{"country", "KYRGYZSTAN"}, /* same folded value */
                       {"country", "Kyrgyzstan"},
                       {"theme", "remittances"},
                       {"type", "recommendation"}};
    ms_field_t r3[] = {{"country", "Tajikistan"}, {"country", "Tajikistan"},
                       {"country", "Kyrgyzstan"}, {"theme", "trafficking"},
                       {"type", "report"},        {"status", "implemented"}};
    put(idx, "r1", "One", "migration", "2001-05-14", r1, 5);
    put(idx, "r2", "Two", "migration", "2001", r2, 4);
    put(idx, "r3", "Three", "migration border", "2003-02", r3, 6);
    put(idx, "r4", "Four", "unrelated", "2003", NULL, 0);
    commit(idx);

    ms_search_t search = {.query = "migration", .limit = 1, .facets = 1};
    ms_results_t *results = run(idx, &search);
    /* The facets are the table's (ms_schema.h), in its order: checked by
     * test_index_fields (fields, facets_follow_the_table). These are among
     * them. */
    cr_assert_eq(results->n_facets, 8);
    const char *fields[] = {"type",  "process", "meeting",  "country",
                            "theme", "status",  "language", "year"};
    for (size_t i = 0; i < 8; i++)
        cr_assert_not_null(facet(results, fields[i]));

    const ms_facet_t *country = facet(results, "country");
    cr_assert_eq(country->n_values, 3);
    cr_assert_str_eq(country->values[0].value, "Kyrgyzstan");
    cr_assert_eq(country->values[0].count, 3);
    cr_assert_str_eq(country->values[1].value, "Kazakhstan");
    cr_assert_eq(country->values[1].count, 1);
    cr_assert_str_eq(country->values[2].value, "Tajikistan");
    cr_assert_eq(country->values[2].count, 1);

    const ms_facet_t *type = facet(results, "type");
    cr_assert_eq(type->n_values, 2);
    cr_assert_str_eq(type->values[0].value, "recommendation");
    cr_assert_eq(type->values[0].count, 2);
    cr_assert_eq(facet_count(results, "type", "report"), 1);
    cr_assert_eq(facet_count(results, "process", "Issyk-Kul Dialogue"), 1);
    cr_assert_eq(facet(results, "meeting")->n_values, 0);
    cr_assert_eq(facet_count(results, "theme", "trafficking"), 2);
    cr_assert_eq(facet_count(results, "status", "implemented"), 1);
    cr_assert_eq(facet_count(results, "language", "en"), 3);
    const ms_facet_t *year = facet(results, "year");
    cr_assert_eq(year->n_values, 2);
    cr_assert_str_eq(year->values[0].value, "2001");
    cr_assert_eq(year->values[0].count, 2);
    cr_assert_str_eq(year->values[1].value, "2003");
    cr_assert_eq(year->values[1].count, 1);
    ms_results_free(results);

    /* Totals only (limit 0) and with filters: still every match. */
    ms_field_t filter[] = {{"theme", "trafficking"}};
    ms_search_t filtered = {
        .query = "", .filters = filter, .n_filters = 1, .limit = 0, .facets = 1};
    results = run(idx, &filtered);
    cr_assert_eq(results->n_hits, 0);
    cr_assert_eq(facet_count(results, "country", "Kyrgyzstan"), 2);
    cr_assert_eq(facet_count(results, "country", "Tajikistan"), 1);
    cr_assert_eq(facet_count(results, "theme", "remittances"), 0);
    ms_results_free(results);

    /* Not asked for: none. */
    ms_search_t plain = {.query = "migration", .limit = 10};
    results = run(idx, &plain);
    cr_assert_null(results->facets);
    cr_assert_eq(results->n_facets, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(search, facet_counts_are_exact_beyond_the_checked_minimum)
{
    ms_index_t *idx = open_writer();
    char id[32];
    ms_field_t even[] = {{"country", "Kenya"}, {"country", "Ghana"}};
    ms_field_t odd[] = {{"country", "Kenya"}};
    for (int i = 0; i < 2500; i++) {
        snprintf(id, sizeof id, "n%d", i);
        put(idx, id, NULL, i % 3 ? "migration policy" : "migration", "2001",
            i % 2 ? odd : even, i % 2 ? 1 : 2);
    }
    commit(idx);
    ms_search_t search = {.query = "migration", .limit = 10, .facets = 1};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(facet_count(results, "country", "Kenya"), 2500);
    cr_assert_eq(facet_count(results, "country", "Ghana"), 1250);
    cr_assert_eq(facet_count(results, "country", "Mali"), 0);
    cr_assert_eq(results->estimate, 2500);
    ms_results_free(results);

    /* Few matches in a large index (counted from their term lists rather
     * than from the values' posting lists): the same rules. */
    ms_field_t special[] = {{"country", "Mali"},
                            {"country", "MALI"},
                            {"country", "Kenya"},
                            {"theme", "diaspora"}};
    put(idx, "special1", NULL, "special", "2004-05", special, 4);
    put(idx, "special2", NULL, "special", NULL, special, 1);
    commit(idx);
    ms_search_t few = {.query = "special", .limit = 10, .facets = 1};
    results = run(idx, &few);
    cr_assert_eq(results->n_hits, 2);
    const ms_facet_t *country = facet(results, "country");
    cr_assert_eq(country->n_values, 2);
    cr_assert_str_eq(country->values[0].value, "Mali");
    cr_assert_eq(country->values[0].count, 2);
    cr_assert_str_eq(country->values[1].value, "Kenya");
    cr_assert_eq(country->values[1].count, 1);
    cr_assert_eq(facet_count(results, "theme", "diaspora"), 1);
    cr_assert_eq(facet_count(results, "year", "2004"), 1);
    cr_assert_eq(facet(results, "year")->n_values, 1);
    cr_assert_eq(facet_count(results, "language", "en"), 2);
    ms_results_free(results);
    ms_index_close(idx);
}

/* The group of the documents marked "access: board". */
static const char *const board_group[] = {"board"};

/* Commit and close writer 'idx'; a reader of the index it wrote. */
static ms_index_t *
reader_after(ms_index_t *idx)
{
    ms_index_t *reader = NULL;
    ms_index_error_t err;

    commit(idx);
    ms_index_close(idx);
    cr_assert_eq(ms_index_open(&reader, dbpath, MS_INDEX_READ, &err), MS_INDEX_OK,
                 "open: %s", err.text);
    return reader;
}

/* A value spelt differently by documents is shown as the first public
 * document spells it, for every viewer and search: never as a restricted
 * document spells it, and the same from the reader's cache. */
Test(search, facet_display_form_comes_from_the_first_public_document)
{
    ms_index_t *idx = open_writer();
    ms_field_t hidden[] = {{"country", "KYRGYZSTAN"}, {"access", "board"}};
    ms_field_t pub[] = {{"country", "Kyrgyzstan"}};
    ms_field_t later[] = {{"country", "kyrgyzstan"}};
    put(idx, "hidden", "Memo", "Migration memo.", NULL, hidden, 2);
    put(idx, "pub", "Report", "Migration report.", NULL, pub, 1);
    put(idx, "later", "Note", "Migration note.", NULL, later, 1);
    ms_index_t *reader = reader_after(idx);
    ms_viewer_t board = {.groups = board_group, .n_groups = 1};
    const ms_viewer_t *viewers[] = {NULL, &board, NULL};
    const char *queries[] = {"migration", "migration", "note"};
    for (size_t i = 0; i < 3; i++) {
        ms_search_t search = {
            .query = queries[i], .limit = 10, .facets = 1, .viewer = viewers[i]};
        ms_results_t *results = run(reader, &search);
        const ms_facet_t *country = facet(results, "country");
        cr_assert_eq(country->n_values, 1);
        cr_assert_str_eq(country->values[0].value, "Kyrgyzstan", "search %zu", i);
        ms_results_free(results);
    }
    ms_index_close(reader);
}

/* The label of 'value' in the meeting facet of 'results' ("" when the
 * row has none); fails when the row is missing. */
static const char *
meeting_label(const ms_results_t *results, const char *value)
{
    const ms_facet_t *meeting = facet(results, "meeting");
    cr_assert(meeting->labelled, "the meeting facet is labelled");
    for (size_t i = 0; i < meeting->n_values; i++) {
        if (strcmp(meeting->values[i].value, value) == 0)
            return meeting->values[i].label ? meeting->values[i].label : "";
    }
    cr_assert_fail("no meeting row '%s'", value);
    return NULL;
}

/* A meeting row's label is a meeting_title of its documents: the first
 * public one that has one (whoever asks, so a hidden document's title
 * never replaces it), else a restricted one the viewer sees (never shown
 * to others, though the row is); none when no document gives one. The
 * same from the reader's cache, whoever asked first. */
Test(search, meeting_rows_are_labelled_with_a_title_of_their_documents)
{
    ms_index_t *idx = open_writer();
    ms_field_t secret_a[] = {
        {"meeting", "mtg-a"}, {"meeting_title", "Secret title"}, {"access", "board"}};
    ms_field_t plain_a[] = {{"meeting", "mtg-a"}};
    ms_field_t titled_a[] = {{"meeting", "mtg-a"}, {"meeting_title", "Almaty 2001"}};
    ms_field_t secret_b[] = {
        {"meeting", "mtg-b"}, {"meeting_title", "Board retreat"}, {"access", "board"}};
    ms_field_t plain_c[] = {{"meeting", "mtg-c"}};
    ms_field_t plain_d[] = {{"meeting", "mtg-d"}};
    ms_field_t secret_d[] = {
        {"meeting", "mtg-d"}, {"meeting_title", "Closed session"}, {"access", "board"}};
    put(idx, "d0", "Agenda", "Migration agenda.", NULL, plain_d, 1);
    put(idx, "d1", "Minutes", "Migration minutes.", NULL, secret_d, 3);
    put(idx, "a0", "Memo", "Migration memo.", NULL, secret_a, 3);
    put(idx, "a1", "Report", "Migration report.", NULL, plain_a, 1);
    put(idx, "a2", "Set", "Migration set.", NULL, titled_a, 2);
    put(idx, "b0", "Retreat", "Migration retreat.", NULL, secret_b, 3);
    put(idx, "c0", "Note", "Migration note.", NULL, plain_c, 1);
    ms_index_t *reader = reader_after(idx);
    ms_viewer_t board = {.groups = board_group, .n_groups = 1};
    const ms_viewer_t *viewers[] = {NULL, &board, &board, NULL};
    for (size_t i = 0; i < 4; i++) {
        ms_search_t search = {
            .query = "migration", .limit = 10, .facets = 1, .viewer = viewers[i]};
        ms_results_t *results = run(reader, &search);
        cr_assert_str_eq(meeting_label(results, "mtg-a"), "Almaty 2001", "search %zu", i);
        cr_assert_str_eq(meeting_label(results, "mtg-c"), "", "search %zu", i);
        if (viewers[i] == &board) {
            cr_assert_str_eq(meeting_label(results, "mtg-b"), "Board retreat");
            cr_assert_str_eq(meeting_label(results, "mtg-d"), "Closed session");
        } else {
            cr_assert_eq(facet(results, "meeting")->n_values, 3, "search %zu", i);
            cr_assert_str_eq(meeting_label(results, "mtg-d"), "", "search %zu", i);
        }
        ms_results_free(results);
    }
    ms_index_close(reader);
}

/* Past facet_limit matches the counts come from a sample, scaled to the
 * estimated total, and the results say so; within it they are exact. */
Test(search, facets_beyond_the_limit_are_scaled_and_marked_estimated)
{
    ms_index_t *idx = open_writer();
    ms_field_t report[] = {{"type", "report"}};
    ms_field_t rec[] = {{"type", "recommendation"}};
    char id[32];
    for (int i = 0; i < 600; i++) {
        snprintf(id, sizeof id, "doc%d", i);
        put(idx, id, "Migration note", "Migration and labour mobility.", NULL,
            i % 3 == 2 ? rec : report, 1);
    }
    commit(idx);

    ms_search_t search = {.query = "migration", .limit = 10, .facets = 1};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->facets_estimated, 0);
    cr_assert_eq(facet_count(results, "type", "report"), 400);
    cr_assert_eq(facet_count(results, "type", "recommendation"), 200);
    ms_results_free(results);

    search.facet_limit = 60;
    results = run(idx, &search);
    cr_assert_neq(results->facets_estimated, 0);
    cr_assert_eq(results->n_hits, 10);
    unsigned long reports = facet_count(results, "type", "report");
    unsigned long recs = facet_count(results, "type", "recommendation");
    /* Scaled to the estimate, in the proportions of the sample. */
    cr_assert_geq(reports + recs, results->estimate - 2, "%lu + %lu vs %lu", reports,
                  recs, (unsigned long)results->estimate);
    cr_assert_leq(reports + recs, results->estimate + 2);
    cr_assert_geq(reports, 1.8 * (double)recs, "%lu reports, %lu", reports, recs);
    cr_assert_leq(reports, 2.2 * (double)recs, "%lu reports, %lu", reports, recs);
    ms_results_free(results);

    /* A limit above the matches counts them all. */
    search.facet_limit = 600;
    results = run(idx, &search);
    cr_assert_eq(results->facets_estimated, 0);
    cr_assert_eq(facet_count(results, "type", "report"), 400);
    ms_results_free(results);
    ms_index_close(idx);
}

/* A match of many times facet_limit is counted from a sample spread over
 * the whole archive (every k-th document, facets.cc), not from the
 * matches met first: here the first two thirds of the archive are
 * reports and the last third recommendations, so the first matches alone
 * would count reports only. The totals come from the same sample. */
Test(search, facets_of_a_large_match_come_from_a_sample_of_the_whole_archive)
{
    ms_index_t *idx = open_writer();
    ms_field_t report[] = {{"type", "report"}};
    ms_field_t rec[] = {{"type", "recommendation"}};
    char id[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "doc%04d", i);
        put(idx, id, "Migration note", "Migration and labour mobility.", NULL,
            i < 2000 ? report : rec, 1);
    }
    ms_index_t *reader = reader_after(idx);
    ms_search_t search = {
        .query = "migration", .limit = 10, .facets = 1, .facet_limit = 100};
    ms_results_t *results = run(reader, &search);
    cr_assert_neq(results->facets_estimated, 0);
    unsigned long reports = facet_count(results, "type", "report");
    unsigned long recs = facet_count(results, "type", "recommendation");
    cr_assert(reports >= 1800 && reports <= 2200, "%lu reports", reports);
    cr_assert(recs >= 900 && recs <= 1100, "%lu recommendations", recs);
    /* Exactly: 3000 matches over a limit of 100 is every 30th document,
     * documents 30 to 3000, of which 66 reports and 34 recommendations,
     * each standing for 30. Walking every match would count another
     * sample (the spy's own, every 32nd). */
    cr_assert_eq(reports, 66 * 30);
    cr_assert_eq(recs, 34 * 30);
    cr_assert(results->estimate >= 2700 && results->estimate <= 3300, "estimate %lu",
              (unsigned long)results->estimate);
    cr_assert_leq(results->lower, results->estimate);
    cr_assert_geq(results->upper, results->estimate);
    cr_assert_eq(results->n_hits, 10);
    ms_results_free(results);

    /* A filter that leaves no more than the limit: exact again, though the
     * archive holds more than twice the limit. */
    search.query = "migration type:recommendation";
    search.facet_limit = 1000;
    results = run(reader, &search);
    cr_assert_eq(results->facets_estimated, 0);
    cr_assert_eq(facet_count(results, "type", "recommendation"), 1000);
    cr_assert_eq(results->estimate, 1000);
    ms_results_free(results);
    ms_index_close(reader);
}

/* --- snippets --- */

Test(search, snippets_of_a_paged_document_carry_page_numbers)
{
    ms_index_t *idx = open_writer();
    put(idx, "pdf", "Paged", "page one text\fpage two text\fpage three unique", NULL,
        NULL, 0);
    put(idx, "txt", "Unpaged", "some unique text without pages", NULL, NULL, 0);
    commit(idx);

    ms_search_t search = {
        .query = "unique", .limit = 10, .snippet_length = 100, .max_snippets = 3};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->n_hits, 2);
    for (size_t i = 0; i < 2; i++) {
        const ms_hit_t *hit = &results->hits[i];
        cr_assert_eq(hit->n_snippets, 1);
        cr_assert_str_eq(hit->snippet, hit->snippets[0].html);
        cr_assert_not_null(strstr(hit->snippet, "<mark>unique</mark>"), "%s",
                           hit->snippet);
        if (strcmp(hit->doc.id, "pdf") == 0) {
            cr_assert_eq(hit->snippets[0].page, 3);
            cr_assert_null(strstr(hit->snippet, "one"), "%s", hit->snippet);
            cr_assert_null(strchr(hit->snippet, '\f'));
        } else {
            cr_assert_eq(hit->snippets[0].page, 0);
        }
    }
    ms_results_free(results);

    /* A word on two pages: a passage from each, none from the third. */
    search.query = "text";
    results = run(idx, &search);
    const ms_hit_t *pdf = NULL;
    for (size_t i = 0; i < results->n_hits; i++) {
        if (strcmp(results->hits[i].doc.id, "pdf") == 0)
            pdf = &results->hits[i];
    }
    cr_assert_not_null(pdf);
    cr_assert_eq(pdf->n_snippets, 2);
    unsigned pages = 0;
    for (size_t j = 0; j < 2; j++) {
        cr_assert_not_null(strstr(pdf->snippets[j].html, "<mark>text</mark>"));
        pages |= 1u << pdf->snippets[j].page;
    }
    cr_assert_eq(pages, (1u << 1) | (1u << 2));
    ms_results_free(results);

    /* max_snippets 0 means one. */
    search.max_snippets = 0;
    results = run(idx, &search);
    for (size_t i = 0; i < results->n_hits; i++)
        cr_assert_eq(results->hits[i].n_snippets, 1);
    ms_results_free(results);
    ms_index_close(idx);
}

/* A filler paragraph of about 400 bytes with none of the query's words. */
static void
append_filler(char *out, size_t size, int n)
{
    for (int i = 0; i < n; i++)
        strncat(out,
                "The delegates discussed the agenda at length and agreed to meet again "
                "after the summer. Several observers asked for more time to consult "
                "their capitals before any text could be adopted by the meeting. The "
                "chair thanked the host government for its hospitality and closed the "
                "session in the afternoon without further comment from the floor. ",
                size - strlen(out) - 1);
}

Test(search, long_document_gives_passages_from_different_parts_best_first)
{
    static char body[64 * 1024];
    body[0] = '\0';
    strcat(body, "Opening: remittances matter. ");
    append_filler(body, sizeof body, 20);
    strcat(body, "Middle: \"trafficking\" is discussed here. ");
    append_filler(body, sizeof body, 20);
    strcat(body, "Closing: remittances and trafficking together, remittances again. ");
    append_filler(body, sizeof body, 5);

    ms_index_t *idx = open_writer();
    put(idx, "long", "A long report", body, NULL, NULL, 0);
    commit(idx);

    ms_search_t search = {.query = "remittances trafficking",
                          .limit = 10,
                          .snippet_length = 120,
                          .max_snippets = 3};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1);
    const ms_hit_t *hit = &results->hits[0];
    cr_assert_eq(hit->n_snippets, 3);
    /* Best first: the passage with both words. */
    cr_assert_not_null(strstr(hit->snippets[0].html, "together"), "%s",
                       hit->snippets[0].html);
    int opening = 0, middle = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *html = hit->snippets[i].html;
        cr_assert_eq(hit->snippets[i].page, 0);
        cr_assert_not_null(strstr(html, "<mark>"), "%s", html);
        cr_assert_null(strchr(html, '"'), "%s", html);
        opening += strstr(html, "<mark>remittances</mark> matter") != NULL;
        middle += strstr(html, "&quot;<mark>trafficking</mark>&quot;") != NULL;
    }
    cr_assert_eq(opening, 1);
    cr_assert_eq(middle, 1);
    cr_assert_str_eq(hit->snippet, hit->snippets[0].html);
    ms_results_free(results);

    /* No snippets unless asked for. */
    search.snippet_length = 0;
    results = run(idx, &search);
    cr_assert_null(results->hits[0].snippet);
    cr_assert_eq(results->hits[0].n_snippets, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

/* --- limits --- */

Test(search, deep_nesting_is_searched_as_plain_words_quickly)
{
    ms_index_t *idx = open_writer();
    put(idx, "a", NULL, "rights of migrant workers", NULL, NULL, 0);
    commit(idx);

    /* 10,000 brackets: over max_bytes (0: 1024), so cut to its first
     * words, of which it has none: refused at once. */
    static char deep[20001];
    memset(deep, '(', 10000);
    deep[10000] = '\0';
    double start = now();
    ms_search_t search = {.query = deep, .limit = 10};
    expect_bad(idx, &search, "no words");
    /* 20,000 bytes of "(rights": cut, and its first words searched as
     * plain words, at once. */
    size_t at = 0;
    for (; at + 7 <= 20000; at += 7)
        memcpy(deep + at, "(rights", 7);
    deep[at] = '\0';
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    cr_assert_lt(now() - start, 1.0);

    /* Deep but short: never parsed, searched as plain words. */
    char nested[1024];
    memset(nested, '(', 500);
    strcpy(nested + 500, "rights");
    memset(nested + 506, ')', 500);
    nested[1006] = '\0';
    search.query = nested;
    start = now();
    results = run(idx, &search);
    cr_assert_lt(now() - start, 1.0);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);

    /* 17 levels is over the default; 16 is parsed. */
    search.query = "(((((((((((((((((rights)))))))))))))))))";
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    search.query = "((((((((((((((((rights OR workers))))))))))))))))";
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 0);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    search.max_depth = 2;
    search.query = "(((rights OR workers)))";
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    ms_results_free(results);
    ms_index_close(idx);
}

/* A query longer than max_bytes is not refused either: it is cut at a
 * word boundary, never inside a character, and searched as its first
 * words. */
Test(search, long_query_is_cut_at_a_word_boundary)
{
    ms_index_t *idx = open_writer();
    put(idx, "words", NULL, "rights duties", NULL, NULL, 0);
    put(idx, "part", NULL, "du", NULL, NULL, 0);
    put(idx, "accent", NULL, "\xc3\xa9t\xc3\xa9", NULL, NULL, 0);
    put(idx, "cjk", NULL, "\xe4\xba\xba", NULL, NULL, 0);
    commit(idx);

    /* Within the limit: parsed as typed. */
    ms_search_t search = {.query = "rights duties", .limit = 10, .max_bytes = 13};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->plain_words, 0);
    ms_results_free(results);

    /* "rights du|ties": the cut goes back to "rights ", so "du" is not
     * searched. */
    search.max_bytes = 9;
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    cr_assert(has_hit(results, "words"));
    ms_results_free(results);

    /* One word longer than the limit: cut at its last whole character,
     * not inside the two bytes of an accented letter. */
    search.query = "\xc3\xa9t\xc3\xa9s";
    search.max_bytes = 4;
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_str_eq(results->understood, "Query(Z\xc3\xa9t@1)");
    ms_results_free(results);
    search.max_bytes = 5;
    results = run(idx, &search);
    cr_assert(has_hit(results, "accent"), "%s", results->understood);
    ms_results_free(results);

    /* CJK characters are words of their own: cut between two. */
    search.query = "\xe4\xba\xba\xe5\x8f\xa3";
    search.max_bytes = 4;
    results = run(idx, &search);
    cr_assert_eq(results->plain_words, 1);
    cr_assert(has_hit(results, "cjk"), "%s", results->understood);
    ms_results_free(results);
    ms_index_close(idx);
}

/* A query longer than max_terms is not refused: its first max_terms words
 * that are not stop words are searched as plain words. */
Test(search, too_many_terms_searches_the_first_words)
{
    ms_index_t *idx = open_writer();
    put(idx, "a", NULL, "w1 w2 w3", NULL, NULL, 0);
    commit(idx);

    char query[1024] = "";
    for (int i = 1; i <= 64; i++) {
        char word[16];
        snprintf(word, sizeof word, "%sw%d", i > 1 ? " " : "", i);
        strcat(query, word);
    }
    ms_search_t search = {.query = query, .limit = 10};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_eq(results->plain_words, 0);
    ms_results_free(results);

    strcat(query, " w65");
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1, "65 words: the first 64 are searched");
    cr_assert_eq(results->plain_words, 1, "a cut query is flagged");
    ms_results_free(results);

    /* The words past the limit are not searched... */
    char cut[1024] = "";
    for (int i = 0; i < 64; i++)
        strcat(cut, "nowhere ");
    strcat(cut, "w1");
    search.query = cut;
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 0, "w1 is the 65th word");
    cr_assert_eq(results->plain_words, 1);
    ms_results_free(results);

    /* ...and stop words do not use up the limit. */
    char stop[1024] = "";
    for (int i = 0; i < 64; i++)
        strcat(stop, "the ");
    strcat(stop, "w1");
    search.query = stop;
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1, "w1 follows 64 stop words");
    ms_results_free(results);

    /* Operators count as terms: over the limit, they are words again. */
    ms_search_t small = {.query = "w1 AND w2 OR w3", .limit = 10, .max_terms = 4};
    results = run(idx, &small);
    cr_assert_eq(results->plain_words, 1);
    cr_assert_eq(results->n_hits, 1);
    ms_results_free(results);
    small.max_terms = 5;
    results = run(idx, &small);
    cr_assert_eq(results->plain_words, 0);
    ms_results_free(results);
    ms_index_close(idx);
}

Test(search, wildcard_expands_to_at_most_100_terms)
{
    ms_index_t *idx = open_writer();
    char id[32], body[64];
    for (int i = 0; i < 150; i++) {
        snprintf(id, sizeof id, "z%d", i);
        snprintf(body, sizeof body, "zeta%d common", i);
        put(idx, id, NULL, body, NULL, NULL, 0);
    }
    commit(idx);
    ms_search_t search = {.query = "zeta*", .limit = 200};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->plain_words, 0);
    cr_assert_eq(results->n_hits, 100);
    ms_results_free(results);
    ms_index_close(idx);
}

/* --- symbols and the query as understood --- */

Test(search, symbol_typed_plainly_is_found_first)
{
    ms_index_t *idx = open_writer();
    ms_field_t sym[] = {{"symbol", "E/CN.4/2003/74"}};
    ms_field_t res[] = {{"symbol", "A/RES/73/195"}};
    put(idx, "sym", "Commission report", "Human rights of migrants.", "2003", sym, 1);
    put(idx, "res", "Global compact", "Safe, orderly and regular migration.", "2018", res,
        1);
    put(idx, "cites", "Citing document",
        "See E/CN.4/2003/74 and again E/CN.4/2003/74, E CN 4 2003 74 and 2003 74.", NULL,
        NULL, 0);
    commit(idx);

    const char *queries[] = {"E/CN.4/2003/74", "e/cn.4/2003/74", "\"E/CN.4/2003/74\"",
                             "rights E/CN.4/2003/74."};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        ms_search_t search = {.query = queries[i], .limit = 10};
        ms_results_t *results = run(idx, &search);
        cr_assert_geq(results->n_hits, 1, "%s", queries[i]);
        cr_assert_str_eq(results->hits[0].doc.id, "sym", "%s", queries[i]);
        ms_results_free(results);
    }
    /* Its text is nowhere in the document: found by the symbol alone. */
    ms_search_t search = {.query = "A/RES/73/195", .limit = 10};
    ms_results_t *results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "res");
    cr_assert_not_null(strstr(results->understood, "XYa/res/73/195"), "%s",
                       results->understood);
    ms_results_free(results);
    /* Excluded with '-', it is not looked up: found by its text only. */
    search.query = "migration -A/RES/73/195";
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "res");
    cr_assert_lt(results->hits[0].score, 100.0);
    cr_assert_null(strstr(results->understood, "XY"), "%s", results->understood);
    ms_results_free(results);
    /* Dates and words with slashes are not symbols. */
    search.query = "14/05/2001";
    results = run(idx, &search);
    cr_assert_null(strstr(results->understood, "XY"), "%s", results->understood);
    ms_results_free(results);
    ms_index_close(idx);
}

/* A query of three or more words all in capitals is read in lower case
 * (caps lock): stemmed, and AND is a word. Fewer capital words stay
 * exact, and operators in a mixed-case query stay operators. */
Test(search, a_query_in_capitals_is_read_in_lower_case)
{
    ms_index_t *idx = open_writer();
    put(idx, "one-nurse", "Staffing", "A nurse left the district hospital.", NULL, NULL,
        0);
    put(idx, "nurses", "Staffing", "Nurses migrate abroad for training.", NULL, NULL, 0);
    put(idx, "remit", "Money", "Remittances fund schooling.", NULL, NULL, 0);
    put(idx, "both", "Money", "Remittances from the diaspora fund schooling.", NULL, NULL,
        0);
    put(idx, "dias", "People", "The diaspora votes abroad.", NULL, NULL, 0);
    commit(idx);

    char upper[256], lower[256];
    ms_search_t search = {.query = "NURSES MIGRATE ABROAD", .limit = 10};
    ms_results_t *results = run(idx, &search);
    ids(upper, sizeof upper, results);
    cr_assert(has_hit(results, "one-nurse"), "stemmed: %s", upper);
    ms_results_free(results);
    search.query = "nurses migrate abroad";
    results = run(idx, &search);
    ids(lower, sizeof lower, results);
    cr_assert_str_eq(upper, lower);
    ms_results_free(results);

    /* Two capital words: exact forms, as before. */
    search.query = "NURSES TRAINING";
    results = run(idx, &search);
    cr_assert(has_hit(results, "nurses"));
    cr_assert_not(has_hit(results, "one-nurse"));
    ms_results_free(results);

    /* In capitals AND is a word (and a stop word): either word finds. */
    search.query = "REMITTANCES AND DIASPORA";
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 3);
    ms_results_free(results);
    /* In a mixed-case query it is the operator. */
    search.query = "remittances AND diaspora";
    results = run(idx, &search);
    cr_assert_eq(results->n_hits, 1);
    cr_assert_str_eq(results->hits[0].doc.id, "both");
    ms_results_free(results);
    ms_index_close(idx);
}

static double
score_of(const ms_results_t *results, const char *id)
{
    for (size_t i = 0; i < results->n_hits; i++) {
        if (strcmp(results->hits[i].doc.id, id) == 0)
            return results->hits[i].score;
    }
    cr_assert_fail("no hit %s", id);
    return 0;
}

/* Feedback adds weight from the words of the best hits but never a hit;
 * no_feedback is plain BM25. */
Test(search, feedback_reorders_without_adding_hits_and_can_be_turned_off)
{
    ms_index_t *idx = open_writer();
    put(idx, "a1", "Note", "Remittances and diaspora bonds.", NULL, NULL, 0);
    put(idx, "a2", "Note", "Remittances and diaspora investment.", NULL, NULL, 0);
    put(idx, "a3", "Note", "Remittances and transfer fees.", NULL, NULL, 0);
    put(idx, "b1", "Note", "Diaspora bonds and investment.", NULL, NULL, 0);
    commit(idx);

    ms_search_t search = {.query = "remittances", .limit = 10};
    ms_results_t *with = run(idx, &search);
    search.no_feedback = 1;
    ms_results_t *without = run(idx, &search);
    cr_assert_eq(with->n_hits, 3);
    cr_assert_eq(without->n_hits, 3);
    cr_assert_not(has_hit(with, "b1"));
    cr_assert_eq(with->estimate, without->estimate);
    /* The words of the hits (diaspora, bonds, fees, ...) add weight. */
    for (size_t i = 0; i < without->n_hits; i++) {
        const char *id = without->hits[i].doc.id;
        cr_assert_gt(score_of(with, id), score_of(without, id) + 1e-9, "%s", id);
    }
    ms_results_free(with);
    ms_results_free(without);
    ms_index_close(idx);
}

/* The totals with feedback are those of the query as typed, checked to
 * the checked minimum (1000); with facets, which check no more than the
 * page in the ranked match, they come exact from the facet pass. The
 * filter keeps Xapian from knowing the totals from term statistics alone:
 * checked to the page only, they fall to a lower bound of 510. */
Test(search, feedback_keeps_the_totals_of_the_query_as_typed)
{
    ms_index_t *idx = open_writer();
    char id[32], body[96];
    ms_field_t kenya[] = {{"country", "Kenya"}};
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "t%d", i);
        snprintf(body, sizeof body, "%s transfer fees word%d",
                 i % 100 == 0 ? "remittances diaspora bonds investment"
                 : i % 3 != 0 ? "remittances"
                              : "visas",
                 i % 50);
        put(idx, id, NULL, body, NULL, i % 2 ? NULL : kenya, i % 2 ? 0 : 1);
    }
    commit(idx);

    ms_search_t search = {
        .query = "diaspora remittances", .limit = 10, .filters = kenya, .n_filters = 1};
    ms_results_t *with = run(idx, &search);
    search.no_feedback = 1;
    ms_results_t *without = run(idx, &search);
    search.no_feedback = 0;
    search.facets = 1;
    ms_results_t *faceted = run(idx, &search);
    cr_assert_eq(with->n_hits, 10);
    cr_assert_eq(with->estimate, without->estimate);
    cr_assert_eq(with->lower, without->lower);
    cr_assert_eq(with->upper, without->upper);
    cr_assert_geq(with->lower, 1000, "lower bound %lu", with->lower);
    cr_assert_eq(faceted->estimate, 1010);
    cr_assert_eq(faceted->lower, 1010);
    cr_assert_eq(faceted->upper, 1010);
    /* The feedback terms reorder: the hits score above plain BM25. */
    cr_assert_gt(with->hits[0].score, without->hits[0].score + 1e-9);
    ms_results_free(with);
    ms_results_free(without);
    ms_results_free(faceted);
    ms_index_close(idx);
}

Test(search, understood_describes_query_and_filters_without_access)
{
    ms_index_t *idx = canary_index();
    const char *groups[] = {"board"};
    ms_viewer_t board = {groups, 1};
    ms_field_t filter[] = {{"country", "Kyrgyzstan"}};
    ms_search_t search = {.query = "migration",
                          .filters = filter,
                          .n_filters = 1,
                          .date_from = "2001",
                          .limit = 10,
                          .viewer = &board};
    ms_results_t *results = run(idx, &search);
    cr_assert_not_null(results->understood);
    cr_assert_not_null(strstr(results->understood, "Zmigrat"), "%s", results->understood);
    cr_assert_not_null(strstr(results->understood, "XCkyrgyzstan"), "%s",
                       results->understood);
    cr_assert_not_null(strstr(results->understood, "20010000"), "%s",
                       results->understood);
    cr_assert_null(strstr(results->understood, "XA"), "%s", results->understood);
    cr_assert_null(strstr(results->understood, "XR"), "%s", results->understood);
    ms_results_free(results);

    ms_search_t all = {.query = NULL, .limit = 10};
    results = run(idx, &all);
    cr_assert_not_null(results->understood);
    ms_results_free(results);
    ms_index_close(idx);
}
