/* test_schema_field.c - a field added to the table alone works end to end
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * "Add a filter field" is one row of indexer/shim/fields.c. This test runs
 * the real migsearch-index, migsearch-fcgi and nginx built with one more
 * row, "funding" (tests/tools/fields-extra.c, linked instead of fields.c,
 * nothing else changed), over tests/data/extra-field/, and checks that the
 * new field is read from front matter, filters, is counted in facets,
 * works as a query prefix, shows in results and in GET /schema. The
 * expected documents are read from the fixture files themselves. The same
 * archive under the shipped programs shows the row is what makes the
 * difference: there "funding" is a free field and no parameter.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARCHIVE MS_TEST_DATA "/extra-field"

/* The fixture: each file's id (its name without ".md") and funding value. */
struct fixture {
    char id[64];
    char funding[256]; /* "" when the file has none */
};

static size_t
read_fixture(struct fixture *out, size_t max)
{
    DIR *dir = opendir(ARCHIVE);
    struct dirent *entry;
    size_t n = 0;

    cr_assert_not_null(dir);
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        char path[512], line[256];
        FILE *f;

        if (len < 4 || strcmp(entry->d_name + len - 3, ".md") != 0)
            continue;
        cr_assert_lt(n, max);
        snprintf(out[n].id, sizeof(out[n].id), "%.*s", (int)(len - 3), entry->d_name);
        out[n].funding[0] = '\0';
        snprintf(path, sizeof(path), "%s/%s", ARCHIVE, entry->d_name);
        f = fopen(path, "r");
        cr_assert_not_null(f);
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "funding: ", 9) == 0) {
                line[strcspn(line, "\n")] = '\0';
                snprintf(out[n].funding, sizeof(out[n].funding), "%s", line + 9);
            }
        }
        fclose(f);
        n++;
    }
    closedir(dir);
    return n;
}

static ms_it_t it;

static void
start_extra(void)
{
    ms_it_options_t options = {
        .indexer = MS_BINARY_DIR "/tests/migsearch-index-extra-field",
        .server = MS_BINARY_DIR "/tests/migsearch-fcgi-extra-field",
    };
    ms_it_start_with(&it, ARCHIVE, &options);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

/* GET 'target' and expect a 200 with JSON. */
static json_t *
get_json(ms_http_t *res, const char *target)
{
    ms_it_get(res, &it, target);
    cr_assert_eq(res->status, 200, "%s: %ld %.300s", target, res->status, res->body);
    cr_assert_not_null(res->json, "%s: not JSON", target);
    return res->json;
}

/* The ids of the results of 'json', sorted, joined by spaces, into 'out'. */
static void
result_ids(char *out, size_t size, json_t *json)
{
    json_t *results = json_object_get(json, "results");
    const char *ids[16];
    size_t n = json_array_size(results);

    cr_assert_leq(n, 16);
    for (size_t i = 0; i < n; i++)
        ids[i] = json_string_value(json_object_get(json_array_get(results, i), "id"));
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", ids[i]);
}

/* The ids of the fixture files whose funding is 'value', as result_ids. */
static void
expected_ids(char *out, size_t size, const char *value)
{
    struct fixture files[16];
    size_t n = read_fixture(files, 16);
    const char *ids[16];
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].funding, value) == 0)
            ids[k++] = files[i].id;
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    out[0] = '\0';
    for (size_t i = 0; i < k; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", ids[i]);
}

TestSuite(extra_field, .init = start_extra, .fini = stop, .timeout = 60);

Test(extra_field, schema_offers_it_as_a_filter_and_facet)
{
    ms_http_t res;
    json_t *fields = json_object_get(get_json(&res, "/schema"), "fields");
    json_t *found = NULL;
    size_t i;
    json_t *field;

    json_array_foreach(fields, i, field)
    {
        if (strcmp(json_string_value(json_object_get(field, "name")), "funding") == 0)
            found = field;
    }
    cr_assert_not_null(found, "/schema has no funding field");
    cr_assert_str_eq(json_string_value(json_object_get(found, "label")),
                     "Funding source");
    cr_assert_str_eq(json_string_value(json_object_get(found, "param")), "funding");
    cr_assert(json_is_true(json_object_get(found, "filter")));
    cr_assert(json_is_true(json_object_get(found, "facet")));
    ms_http_free(&res);
}

/* The fixture's values, and as they go in a URL. */
static const char *const values[][2] = {
    {"European Union", "European%20Union"},
    {"UNDP", "UNDP"},
};

Test(extra_field, filters_on_each_value_as_the_files_say)
{
    for (size_t v = 0; v < 2; v++) {
        ms_http_t res;
        char target[128], got[512], want[512];

        snprintf(target, sizeof(target), "/search?funding=%s&per_page=16", values[v][1]);
        result_ids(got, sizeof(got), get_json(&res, target));
        expected_ids(want, sizeof(want), values[v][0]);
        cr_assert_neq(want[0], '\0', "the fixture has %s", values[v][0]);
        cr_assert_str_eq(got, want, "funding=%s", values[v][0]);
        ms_http_free(&res);
    }
}

Test(extra_field, counts_it_in_facets)
{
    ms_http_t res;
    json_t *facet = json_object_get(
        json_object_get(get_json(&res, "/search?q=&per_page=1"), "facets"), "funding");

    cr_assert(json_is_array(facet), "facets.funding: %.300s", res.body);
    cr_assert_eq(json_array_size(facet), 2);
    for (size_t v = 0; v < 2; v++) {
        char want[512];
        size_t expected = 0;
        json_t *row = NULL;

        expected_ids(want, sizeof(want), values[v][0]);
        for (char *p = want; *p != '\0'; p++)
            expected += p == want || *p == ' ';
        for (size_t i = 0; i < json_array_size(facet); i++) {
            json_t *r = json_array_get(facet, i);

            if (strcmp(json_string_value(json_object_get(r, "value")), values[v][0]) == 0)
                row = r;
        }
        cr_assert_not_null(row, "no facet row for %s", values[v][0]);
        cr_assert_eq(json_integer_value(json_object_get(row, "count")),
                     (json_int_t)expected, "%s", values[v][0]);
    }
    ms_http_free(&res);
}

Test(extra_field, works_as_a_query_prefix_and_with_words_and_other_filters)
{
    ms_http_t res;
    char got[512], want[512];

    result_ids(got, sizeof(got), get_json(&res, "/search?q=funding:undp&per_page=16"));
    expected_ids(want, sizeof(want), "UNDP");
    cr_assert_str_eq(got, want, "q=funding:undp");
    ms_http_free(&res);

    /* Words AND the new field AND an old field: only the corridors report
     * speaks of remittances, is funded by the EU and concerns Ghana. */
    result_ids(
        got, sizeof(got),
        get_json(&res, "/search?q=remittances&funding=European%20Union&country=Ghana"));
    cr_assert_str_eq(got, "remittance-corridors");
    ms_http_free(&res);
}

Test(extra_field, shows_in_results_under_its_own_key)
{
    struct fixture files[16];
    size_t n = read_fixture(files, 16);

    for (size_t i = 0; i < n; i++) {
        ms_http_t res;
        char target[128];
        json_t *value;

        snprintf(target, sizeof(target), "/doc/%s", files[i].id);
        value = json_object_get(get_json(&res, target), "funding");
        if (files[i].funding[0] == '\0')
            cr_assert(json_is_null(value), "%s: %.300s", files[i].id, res.body);
        else
            cr_assert_str_eq(json_string_value(value), files[i].funding, "%s",
                             files[i].id);
        cr_assert_null(json_object_get(json_object_get(res.json, "extra"), "funding"),
                       "not also under extra");
        ms_http_free(&res);
    }
}

/* The same archive under the shipped programs: no row, no field. */
static void
start_shipped(void)
{
    ms_it_start(&it, ARCHIVE, NULL);
}

TestSuite(shipped_table, .init = start_shipped, .fini = stop, .timeout = 60);

Test(shipped_table, knows_no_funding_field)
{
    ms_http_t res;

    ms_it_get(&res, &it, "/search?funding=UNDP");
    cr_assert_eq(res.status, 400, "%ld %.300s", res.status, res.body);
    ms_http_free(&res);
    cr_assert_null(json_object_get(
        json_object_get(get_json(&res, "/search?q=&per_page=1"), "facets"), "funding"));
    ms_http_free(&res);
    /* A free field of the archive: stored and shown under "extra". */
    cr_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(get_json(&res, "/doc/remittance-costs"), "extra"),
            "funding")),
        "UNDP");
    ms_http_free(&res);
}
