/* test_index_fields.c - every filter and facet field of the table, end to end
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The index layer reads its fields from ms_schema.h and keeps no list of
 * its own, so a field is one row of indexer/shim/fields.c. This test
 * loops over that table: for every row with MS_FIELD_FILTER or
 * MS_FIELD_FACET, documents put with a value of the field (a metadata
 * field, the language or the date, as the row's source says) are found by
 * a filter on its name and on its param, by the query prefix
 * param:"value", counted by ms_index_count_by(), and, with MS_FIELD_FACET,
 * counted in a search's facets under the value as it was stored. A new
 * row is covered without a new test.
 *
 * The same test is built a second time as test_index_fields_extra, linked
 * with tests/tools/fields-extra.c: the shipped rows plus a throw-away one,
 * "funding", that no code in the index layer names. Its passing shows
 * that the row alone makes a field filterable, searchable and faceted.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ms_index.h"
#include "ms_schema.h"
#include "tmpdir.h"

static char tmpdir[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-fields");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(fields, .init = setup, .fini = teardown);

/* Two values of 'field' as a document gives them (mixed case where the
 * field takes any value, to see the stored form come back), and the date
 * that gives each for a field of the year. */
struct sample {
    const char *value[2];
    const char *date[2];
};

static struct sample
sample_of(const ms_schema_field_t *field)
{
    struct sample s = {{"Alpha Value", "Beta Value"}, {NULL, NULL}};

    if (field->source == MS_FIELD_FROM_LANGUAGE) {
        s.value[0] = ms_schema_languages[0].code;
        s.value[1] = ms_schema_languages[1].code;
    } else if (field->source == MS_FIELD_FROM_YEAR) {
        s.value[0] = "2003";
        s.value[1] = "1999";
        s.date[0] = "2003-05-01";
        s.date[1] = "1999";
    } else if (field->values != NULL) {
        s.value[0] = field->values[0];
        s.value[1] = field->values[1];
    }
    return s;
}

/* Put document 'id' with the values of 'which' (bit 0: the first, bit 1:
 * the second) of 'field'. */
static void
put(ms_index_t *idx, const char *id, const ms_schema_field_t *field,
    const struct sample *s, unsigned which)
{
    ms_field_t fields[2];
    ms_document_t doc = {.id = id, .title = "Title", .body = "common words"};

    for (unsigned k = 0; k < 2; k++) {
        if (!(which & (1u << k)))
            continue;
        if (field->source == MS_FIELD_FROM_LANGUAGE)
            doc.language = s->value[k];
        else if (field->source == MS_FIELD_FROM_YEAR)
            doc.date = s->date[k];
        else
            fields[doc.n_fields++] = (ms_field_t){field->name, s->value[k]};
    }
    doc.fields = doc.n_fields ? fields : NULL;
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s: put %s: %s", field->name, id,
                 ms_index_errmsg(idx));
}

/* The ids of the hits, in order of the ids, "in both" for example. */
static void
hit_ids(char *out, size_t size, const ms_results_t *results)
{
    const char *order[] = {"in", "other", "both", "none"};

    out[0] = '\0';
    for (size_t k = 0; k < 4; k++) {
        for (size_t i = 0; i < results->n_hits; i++) {
            if (strcmp(results->hits[i].doc.id, order[k]) != 0)
                continue;
            if (out[0] != '\0')
                strncat(out, " ", size - strlen(out) - 1);
            strncat(out, order[k], size - strlen(out) - 1);
        }
    }
}

static ms_results_t *
run(ms_index_t *idx, const ms_search_t *search, const char *field)
{
    ms_results_t *results = NULL;

    cr_assert_eq(ms_index_search(&results, idx, search), MS_INDEX_OK, "%s: %s", field,
                 ms_index_errmsg(idx));
    return results;
}

/* A filter on 'name' (the field's name or param) finds exactly 'want'. */
static void
expect_filter(ms_index_t *idx, const char *field, const char *name, const char *value,
              const char *want)
{
    ms_field_t filter = {name, value};
    ms_search_t search = {.limit = 10, .filters = &filter, .n_filters = 1};
    ms_results_t *results = run(idx, &search, field);
    char ids[64];

    hit_ids(ids, sizeof(ids), results);
    cr_assert_str_eq(ids, want, "%s: filter %s=%s", field, name, value);
    ms_results_free(results);
}

/* The query 'param:"value"' finds exactly 'want', parsed as typed. */
static void
expect_query(ms_index_t *idx, const ms_schema_field_t *field, const char *value,
             const char *want)
{
    char query[128], ids[64];

    snprintf(query, sizeof(query), "%s:\"%s\"", field->param, value);
    ms_search_t search = {.query = query, .limit = 10};
    ms_results_t *results = run(idx, &search, field->name);
    hit_ids(ids, sizeof(ids), results);
    cr_assert_str_eq(ids, want, "%s: query %s (%s)", field->name, query,
                     results->understood);
    cr_assert_eq(results->plain_words, 0, "%s: %s", field->name, query);
    ms_results_free(results);
}

/* ms_index_count_by() of 'name' counts 'n' documents of 'value' (folded). */
static void
expect_count(ms_index_t *idx, const char *field, const char *name, const char *value,
             unsigned long n)
{
    ms_index_counts_t *counts = NULL;
    char folded[64];
    size_t i;

    for (i = 0; value[i] != '\0' && i + 1 < sizeof(folded); i++)
        folded[i] =
            (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] - 'A' + 'a' : value[i]);
    folded[i] = '\0';
    cr_assert_eq(ms_index_count_by(&counts, idx, name), MS_INDEX_OK,
                 "%s: count_by %s: %s", field, name, ms_index_errmsg(idx));
    for (i = 0; i < counts->n_items; i++) {
        if (strcmp(counts->items[i].value, folded) == 0)
            break;
    }
    cr_assert_lt(i, counts->n_items, "%s: no count of %s", field, folded);
    cr_assert_eq(counts->items[i].count, n, "%s: count of %s", field, folded);
    ms_index_counts_free(counts);
}

/* Every document counts in the facet of 'field', each value as stored. */
static void
expect_facet(ms_index_t *idx, const ms_schema_field_t *field, const struct sample *s,
             unsigned long n)
{
    ms_search_t search = {.limit = 10, .facets = 1};
    ms_results_t *results = run(idx, &search, field->name);
    const ms_facet_t *facet = NULL;

    for (size_t i = 0; i < results->n_facets; i++) {
        if (strcmp(results->facets[i].field, field->name) == 0)
            facet = &results->facets[i];
    }
    cr_assert_not_null(facet, "%s: no facet", field->name);
    cr_assert_eq(facet->n_values, 2, "%s: facet values", field->name);
    for (unsigned k = 0; k < 2; k++) {
        size_t i = 0;
        while (i < 2 && strcmp(facet->values[i].value, s->value[k]) != 0)
            i++;
        cr_assert_lt(i, 2, "%s: no facet value '%s' (as stored)", field->name,
                     s->value[k]);
        cr_assert_eq(facet->values[i].count, n, "%s: facet count of %s", field->name,
                     s->value[k]);
    }
    ms_results_free(results);
}

/* Documents "in" (the first value), "other" (the second), "none" and,
 * for a field that takes several values, "both"; then every way to reach
 * them through the field. */
static void
check_field(const ms_schema_field_t *field)
{
    char path[PATH_MAX];
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    struct sample s = sample_of(field);
    bool multi = (field->flags & MS_FIELD_MULTI) != 0;
    const char *want = multi ? "in both" : "in";

    ms_test_path_join(path, sizeof(path), tmpdir, field->name);
    cr_assert_eq(ms_index_open(&idx, path, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    put(idx, "in", field, &s, 1);
    put(idx, "other", field, &s, 2);
    put(idx, "none", field, &s, 0);
    if (multi)
        put(idx, "both", field, &s, 3);
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "%s", ms_index_errmsg(idx));

    expect_filter(idx, field->name, field->name, s.value[0], want);
    expect_filter(idx, field->name, field->name, s.value[1],
                  multi ? "other both" : "other");
    cr_assert_not_null(field->param, "%s: a filter or facet has a param", field->name);
    expect_filter(idx, field->name, field->param, s.value[0], want);
    expect_query(idx, field, s.value[0], want);
    expect_count(idx, field->name, field->name, s.value[0], multi ? 2 : 1);
    expect_count(idx, field->name, field->param, s.value[1], multi ? 2 : 1);
    if (field->flags & MS_FIELD_FACET)
        expect_facet(idx, field, &s, multi ? 2 : 1);
    ms_index_close(idx);
}

Test(fields, every_filter_and_facet_field_of_the_table_works)
{
    size_t checked = 0;

    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *field = &ms_schema_fields[i];

        if (!(field->flags & (MS_FIELD_FILTER | MS_FIELD_FACET)))
            continue;
        check_field(field);
        checked++;
    }
    cr_assert_gt(checked, 0);
#ifdef MS_TEST_EXTRA_FIELD
    /* The row fields-extra.c adds is in the table the index layer read. */
    const ms_schema_field_t *extra = ms_schema_field(MS_TEST_EXTRA_FIELD);
    cr_assert_not_null(extra, "%s is not in the table", MS_TEST_EXTRA_FIELD);
    cr_assert(extra->flags & MS_FIELD_FILTER && extra->flags & MS_FIELD_FACET);
#endif
}

/* A facet search reports one facet per MS_FIELD_FACET row, in table order. */
Test(fields, facets_follow_the_table)
{
    char path[PATH_MAX];
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_results_t *results = NULL;
    ms_search_t search = {.limit = 1, .facets = 1};
    size_t n = 0;

    ms_test_path_join(path, sizeof(path), tmpdir, "db");
    cr_assert_eq(ms_index_open(&idx, path, MS_INDEX_WRITE, &err), MS_INDEX_OK, "%s",
                 err.text);
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        if (!(ms_schema_fields[i].flags & MS_FIELD_FACET))
            continue;
        cr_assert_lt(n, results->n_facets);
        cr_assert_str_eq(results->facets[n].field, ms_schema_fields[i].name);
        n++;
    }
    cr_assert_eq(results->n_facets, n);
    ms_results_free(results);
    ms_index_close(idx);
}
