/* test_status.c - status by country through nginx, against the recommendation sets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The sample archive's recommendation sets are read here with libyaml,
 * not with the indexer's code, and the status each country reported is
 * worked out from them by the rule docs/staff.md gives staff: a country's
 * latest report (by date; of two equally recent ones, the later in the
 * file), "no information" for a participant of the set that did not
 * report. Then, through the real nginx, migsearch-fcgi and migsearch-index,
 * for every country and every status of the vocabulary:
 *   - /search?country=C&status=S (alone, with type=recommendation, and
 *     with each recommendation's own word as q) returns exactly the
 *     recommendations where C reported S;
 *   - the status facet under a country filter and the country facet under
 *     a status filter count exactly those reports;
 *   - every result's "statuses" and "status_summary" are its reports.
 * Searches are kept to the two sets' meetings, whose documents are all
 * recommendations of the sets.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "harness.h"
#include "yaml-read.h"

#define ARCHIVE MS_TEST_DATA "/archive"
#define SETS ARCHIVE "/recommendations"
#define MAX_RECS 64
#define MAX_COUNTRIES 48
#define NAME 96

static const char *const statuses[] = {"implemented", "partially implemented",
                                       "not implemented", "no information"};
#define N_STATUSES (sizeof(statuses) / sizeof(*statuses))

typedef struct rec {
    char id[NAME];
    char meeting[NAME];
    char word[NAME]; /* the longest word of its text: a query that finds it */
    int n_pairs;
    char country[MAX_COUNTRIES][NAME]; /* in the order of the set's countries */
    char status[MAX_COUNTRIES][NAME];
    char date[MAX_COUNTRIES][16]; /* of the report counted; "" if none */
} rec_t;

static rec_t recs[MAX_RECS];
static int n_recs;
static char countries[MAX_COUNTRIES][NAME]; /* every country of the sets */
static int n_countries;
static char meetings[4][NAME];
static int n_meetings;
static ms_it_t it;

/* --- the sets, read with libyaml --- */

static void
add_country(const char *name)
{
    for (int i = 0; i < n_countries; i++)
        if (strcmp(countries[i], name) == 0)
            return;
    cr_assert_lt(n_countries, MAX_COUNTRIES);
    snprintf(countries[n_countries++], NAME, "%s", name);
}

/* The pair of 'country' in 'rec', added if missing. */
static int
pair_of(rec_t *rec, const char *country)
{
    for (int i = 0; i < rec->n_pairs; i++)
        if (strcmp(rec->country[i], country) == 0)
            return i;
    cr_assert_lt(rec->n_pairs, MAX_COUNTRIES);
    snprintf(rec->country[rec->n_pairs], NAME, "%s", country);
    rec->status[rec->n_pairs][0] = rec->date[rec->n_pairs][0] = '\0';
    add_country(country);
    return rec->n_pairs++;
}

/* "2004" < "2004-01" < "2004-01-01"; "" (no date) before any. */
static int
date_cmp(const char *a, const char *b)
{
    char pa[17] = "", pb[17] = "";
    if (*a)
        snprintf(pa, sizeof(pa), "%.10s%s", a,
                 strlen(a) == 4   ? "-00-00"
                 : strlen(a) == 7 ? "-00"
                                  : "");
    if (*b)
        snprintf(pb, sizeof(pb), "%.10s%s", b,
                 strlen(b) == 4   ? "-00-00"
                 : strlen(b) == 7 ? "-00"
                                  : "");
    return strcmp(pa, pb);
}

static void
read_reports(rec_t *rec, yaml_document_t *doc, yaml_node_t *reports)
{
    for (yaml_node_item_t *i = reports && reports->type == YAML_SEQUENCE_NODE
                                   ? reports->data.sequence.items.start
                                   : NULL;
         i && i < reports->data.sequence.items.top; i++) {
        yaml_node_t *report = yaml_document_get_node(doc, *i);
        const char *date = yaml_text(yaml_get(doc, report, "date"));
        int p = pair_of(rec, yaml_text(yaml_get(doc, report, "country")));
        /* The latest counts; equally recent: the later in the file. */
        if (!rec->status[p][0] || date_cmp(date ? date : "", rec->date[p]) >= 0) {
            snprintf(rec->status[p], NAME, "%s",
                     yaml_text(yaml_get(doc, report, "status")));
            snprintf(rec->date[p], sizeof(rec->date[p]), "%s", date ? date : "");
        }
    }
}

static void
longest_word(char *out, const char *s)
{
    size_t best = 0;
    out[0] = '\0';
    while (*s) {
        size_t n = 0;
        while (isalpha((unsigned char)s[n]))
            n++;
        if (n > best && n < NAME) {
            memcpy(out, s, n);
            out[n] = '\0';
            best = n;
        }
        s += n ? n : 1;
    }
}

static void
read_set(const char *path)
{
    FILE *f = fopen(path, "rb");
    yaml_parser_t parser;
    yaml_document_t doc;
    cr_assert(f, "%s", path);
    cr_assert(yaml_parser_initialize(&parser));
    yaml_parser_set_input_file(&parser, f);
    cr_assert(yaml_parser_load(&parser, &doc), "%s: not YAML", path);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    const char *meeting = yaml_text(yaml_get(&doc, root, "meeting"));
    yaml_node_t *participants = yaml_get(&doc, root, "countries");
    yaml_node_t *list = yaml_get(&doc, root, "recommendations");
    cr_assert(meeting && list && list->type == YAML_SEQUENCE_NODE, "%s", path);
    snprintf(meetings[n_meetings++], NAME, "%s", meeting);
    for (yaml_node_item_t *i = list->data.sequence.items.start;
         i < list->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(&doc, *i);
        cr_assert_lt(n_recs, MAX_RECS);
        rec_t *rec = &recs[n_recs++];
        const char *number = yaml_text(yaml_get(&doc, item, "number"));
        memset(rec, 0, sizeof(*rec));
        cr_assert_not_null(number, "%s: a recommendation without a number", path);
        snprintf(rec->id, NAME, "%s.r%s", meeting, number);
        snprintf(rec->meeting, NAME, "%s", meeting);
        longest_word(rec->word, yaml_text(yaml_get(&doc, item, "text")));
        for (yaml_node_item_t *c = participants ? participants->data.sequence.items.start
                                                : NULL;
             c && c < participants->data.sequence.items.top; c++)
            pair_of(rec, yaml_text(yaml_document_get_node(&doc, *c)));
        read_reports(rec, &doc, yaml_get(&doc, item, "reports"));
        for (int p = 0; p < rec->n_pairs; p++)
            if (!rec->status[p][0])
                snprintf(rec->status[p], NAME, "no information");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
}

static void
read_sets(void)
{
    DIR *dir = opendir(SETS);
    struct dirent *entry;
    cr_assert(dir);
    n_recs = n_countries = n_meetings = 0;
    while ((entry = readdir(dir)) != NULL) {
        const char *suffix = ".recommendations.yaml";
        size_t n = strlen(entry->d_name), m = strlen(suffix);
        char path[512];
        if (n <= m || strcmp(entry->d_name + n - m, suffix) != 0)
            continue;
        cr_assert_lt(n_meetings, 4);
        snprintf(path, sizeof(path), "%s/%s", SETS, entry->d_name);
        read_set(path);
    }
    closedir(dir);
    cr_assert_geq(n_meetings, 2, "the sample has two recommendation sets");
}

/* What 'country' reported for 'rec', or NULL if the recommendation does
 * not concern it. */
static const char *
reported(const rec_t *rec, const char *country)
{
    for (int p = 0; p < rec->n_pairs; p++)
        if (strcmp(rec->country[p], country) == 0)
            return rec->status[p];
    return NULL;
}

/* --- requests --- */

static void
start(void)
{
    read_sets();
    ms_it_start(&it, ARCHIVE, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(status, .init = start, .fini = stop, .timeout = 120);

/* value percent-encoded into 'out' */
static const char *
enc(char *out, size_t size, const char *value)
{
    char *e = curl_easy_escape(NULL, value, 0);
    cr_assert(e);
    snprintf(out, size, "%s", e);
    curl_free(e);
    return out;
}

/* GET /search with the two meetings and 'params' (formatted); the JSON. */
static json_t *search(ms_http_t *res, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *
search(ms_http_t *res, const char *format, ...)
{
    char params[1024], target[2048];
    va_list ap;
    va_start(ap, format);
    vsnprintf(params, sizeof(params), format, ap);
    va_end(ap);
    int n = snprintf(target, sizeof(target), "/search?per_page=100&%s", params);
    for (int m = 0; m < n_meetings; m++)
        n += snprintf(target + n, sizeof(target) - (size_t)n, "&meeting=%s", meetings[m]);
    ms_it_get(res, &it, target);
    cr_assert_eq(res->status, 200, "%s: %ld %.300s", target, res->status, res->body);
    cr_assert(res->json, "%s", target);
    return res->json;
}

static json_t *
find_hit(json_t *json, const char *id)
{
    size_t i;
    json_t *hit;
    json_array_foreach(json_object_get(json, "results"), i,
                       hit) if (strcmp(json_string_value(json_object_get(hit, "id")),
                                       id) == 0) return hit;
    return NULL;
}

static bool
has_hit(json_t *json, const char *id)
{
    return find_hit(json, id) != NULL;
}

/* The results are exactly the recommendations where 'country' reported
 * 'status'. */
static void
assert_exact(json_t *json, const char *country, const char *status, const char *what)
{
    int expected = 0;
    for (int r = 0; r < n_recs; r++) {
        const char *s = reported(&recs[r], country);
        bool want = s && strcmp(s, status) == 0;
        expected += want;
        cr_assert_eq(has_hit(json, recs[r].id), want, "%s: %s %s (%s reported %s)", what,
                     recs[r].id, want ? "missing" : "should not match", country,
                     s ? s : "nothing");
    }
    cr_assert_eq(json_array_size(json_object_get(json, "results")), (size_t)expected,
                 "%s: %zu results, expected %d", what,
                 json_array_size(json_object_get(json, "results")), expected);
}

Test(status, every_country_and_status_pair_returns_its_recommendations)
{
    char c[256], s[256];
    for (int k = 0; k < n_countries; k++) {
        for (size_t j = 0; j < N_STATUSES; j++) {
            ms_http_t res;
            char what[256];
            enc(c, sizeof(c), countries[k]);
            enc(s, sizeof(s), statuses[j]);
            snprintf(what, sizeof(what), "%.120s/%.120s", countries[k], statuses[j]);
            assert_exact(search(&res, "country=%s&status=%s", c, s), countries[k],
                         statuses[j], what);
            ms_http_free(&res);
            assert_exact(search(&res, "country=%s&status=%s&type=recommendation", c, s),
                         countries[k], statuses[j], what);
            ms_http_free(&res);
        }
    }
}

Test(status, a_query_word_keeps_the_pair_rule)
{
    char c[256], s[256];
    for (int r = 0; r < n_recs; r++) {
        for (int k = 0; k < n_countries; k++) {
            const char *got = reported(&recs[r], countries[k]);
            for (size_t j = 0; j < N_STATUSES; j++) {
                ms_http_t res;
                json_t *json = search(&res, "q=%s&country=%s&status=%s", recs[r].word,
                                      enc(c, sizeof(c), countries[k]),
                                      enc(s, sizeof(s), statuses[j]));
                bool want = got && strcmp(got, statuses[j]) == 0;
                cr_assert_eq(has_hit(json, recs[r].id), want, "q=%s: %s for %s/%s",
                             recs[r].word, recs[r].id, countries[k], statuses[j]);
                ms_http_free(&res);
            }
        }
    }
}

/* facets.<field> as given, against 'expected' counts per value of 'names'
 * (0: absent). */
static void
assert_facet(json_t *json, const char *field, char (*names)[NAME], const int *expected,
             int n, const char *what)
{
    json_t *facet = json_object_get(json_object_get(json, "facets"), field);
    int nonzero = 0;
    for (int v = 0; v < n; v++) {
        long got = 0;
        size_t i;
        json_t *value;
        json_array_foreach(
            facet, i,
            value) if (strcmp(json_string_value(json_object_get(value, "value")),
                              names[v]) == 0) got =
            (long)json_integer_value(json_object_get(value, "count"));
        cr_assert_eq(got, expected[v], "%s: facet %s=%s is %ld, expected %d", what, field,
                     names[v], got, expected[v]);
        nonzero += expected[v] > 0;
    }
    cr_assert_eq(json_array_size(facet), (size_t)nonzero, "%s: facet %s has %zu values",
                 what, field, json_array_size(facet));
}

Test(status, facets_count_what_each_country_reported)
{
    static char status_names[N_STATUSES][NAME];
    char e[256];
    for (size_t j = 0; j < N_STATUSES; j++)
        snprintf(status_names[j], NAME, "%s", statuses[j]);
    /* A country filter: the statuses that country reported. */
    for (int k = 0; k < n_countries; k++) {
        int expected[N_STATUSES] = {0};
        for (int r = 0; r < n_recs; r++)
            for (size_t j = 0; j < N_STATUSES; j++) {
                const char *s = reported(&recs[r], countries[k]);
                expected[j] += s && strcmp(s, statuses[j]) == 0;
            }
        ms_http_t res;
        json_t *json = search(&res, "country=%s", enc(e, sizeof(e), countries[k]));
        assert_facet(json, "status", status_names, expected, N_STATUSES, countries[k]);
        ms_http_free(&res);
    }
    /* A status filter: the countries that reported it. */
    for (size_t j = 0; j < N_STATUSES; j++) {
        int expected[MAX_COUNTRIES] = {0};
        for (int r = 0; r < n_recs; r++)
            for (int k = 0; k < n_countries; k++) {
                const char *s = reported(&recs[r], countries[k]);
                expected[k] += s && strcmp(s, statuses[j]) == 0;
            }
        ms_http_t res;
        json_t *json = search(&res, "status=%s", enc(e, sizeof(e), statuses[j]));
        assert_facet(json, "country", countries, expected, n_countries, statuses[j]);
        ms_http_free(&res);
    }
}

/* Every result's breakdown is its reports, in the set's order, with the
 * summary counting them. */
Test(status, every_result_shows_each_countrys_status)
{
    ms_http_t res;
    json_t *json = search(&res, "facets=0");
    cr_assert_eq(json_array_size(json_object_get(json, "results")), (size_t)n_recs);
    for (int r = 0; r < n_recs; r++) {
        const rec_t *rec = &recs[r];
        json_t *hit = find_hit(json, rec->id);
        cr_assert(hit, "%s missing", rec->id);
        json_t *list = json_object_get(hit, "statuses");
        json_t *summary = json_object_get(hit, "status_summary");
        cr_assert_eq(json_array_size(list), (size_t)rec->n_pairs, "%s", rec->id);
        cr_assert_eq(json_integer_value(json_object_get(summary, "countries")),
                     rec->n_pairs, "%s", rec->id);
        for (int p = 0; p < rec->n_pairs; p++) {
            json_t *row = json_array_get(list, (size_t)p);
            cr_assert_str_eq(json_string_value(json_object_get(row, "country")),
                             rec->country[p], "%s", rec->id);
            cr_assert_str_eq(json_string_value(json_object_get(row, "status")),
                             rec->status[p], "%s %s", rec->id, rec->country[p]);
        }
        for (size_t j = 0; j < N_STATUSES; j++) {
            long n = 0;
            for (int p = 0; p < rec->n_pairs; p++)
                n += strcmp(rec->status[p], statuses[j]) == 0;
            cr_assert_eq(json_integer_value(json_object_get(summary, statuses[j])), n,
                         "%s: %s", rec->id, statuses[j]);
        }
    }
    ms_http_free(&res);
}

/* The wrong answers of issue 12, by name. */
Test(status, the_issues_examples_are_answered_right)
{
    ms_http_t res;
    json_t *json = search(&res, "q=trafficking&country=Ghana&status=not+implemented");
    cr_assert_not(has_hit(json, "au-2004-accra.r4"), "Ghana partially implemented r4");
    ms_http_free(&res);
    json = search(&res, "q=trafficking&country=Ghana&status=partially+implemented");
    /* Labelled with Ghana's status, Ghana's entry first and marked. */
    json_t *hit = find_hit(json, "au-2004-accra.r4");
    cr_assert(hit);
    json_t *first = json_array_get(json_object_get(hit, "statuses"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(hit, "status")),
                     "partially implemented");
    cr_assert_str_eq(json_string_value(json_object_get(first, "country")), "Ghana");
    cr_assert(json_is_true(json_object_get(first, "matched")));
    ms_http_free(&res);
    /* "ô" as one character and as "o" with a combining circumflex
     * (U+0302): the search and the status shown agree either way. */
    static const char *const ivoire[] = {"C%C3%B4te", "Co%CC%82te"};
    for (size_t k = 0; k < 2; k++) {
        json = search(&res, "q=trafficking&country=%s+d%%27Ivoire&status=not+implemented",
                      ivoire[k]);
        hit = find_hit(json, "au-2004-accra.r4");
        cr_assert(hit, "%s", ivoire[k]);
        cr_assert_str_eq(json_string_value(json_object_get(hit, "status")),
                         "not implemented");
        first = json_array_get(json_object_get(hit, "statuses"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(first, "country")),
                         "C\xc3\xb4te d'Ivoire");
        cr_assert(json_is_true(json_object_get(first, "matched")), "%s", ivoire[k]);
        ms_http_free(&res);
    }

    json = search(&res, "country=Kyrgyzstan&status=not+implemented");
    cr_assert_not(has_hit(json, "ikd-2002-cholponata.r3"));
    ms_http_free(&res);

    /* r5: Tajikistan gave no information, and Uzbekistan did not report. */
    ms_it_get(&res, &it, "/doc/ikd-2002-cholponata.r5");
    cr_assert_eq(res.status, 200);
    json_t *list = json_object_get(res.json, "statuses");
    bool tajikistan = false, uzbekistan = false;
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        const char *country = json_string_value(json_object_get(row, "country"));
        const char *status = json_string_value(json_object_get(row, "status"));
        tajikistan |=
            strcmp(country, "Tajikistan") == 0 && strcmp(status, "no information") == 0;
        uzbekistan |=
            strcmp(country, "Uzbekistan") == 0 && strcmp(status, "no information") == 0;
    }
    cr_assert(tajikistan && uzbekistan, "%s", res.body);
    cr_assert_eq(json_integer_value(json_object_get(
                     json_object_get(res.json, "status_summary"), "implemented")),
                 2);
    ms_http_free(&res);
}
