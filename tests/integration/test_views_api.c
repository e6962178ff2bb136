/* test_views_api.c - GET /meeting/{id} and GET /country/{name}, through the real nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The expected tables are computed here from the archive files with
 * libyaml, never copied from the server: every recommendation set
 * (*.recommendations.yaml: the meeting, its participants, each
 * recommendation's reports) and every other recommendation (front matter
 * and _defaults.yaml: its meeting, countries and status). The rule is the
 * one docs/api.md states: a country's status is its latest report (an
 * undated report is older than any dated one; of the same date the later
 * in the file wins); a participant without a report has "no information";
 * a recommendation that is a document of its own gives its one status to
 * each of its countries. Then every meeting's CSV and JSON and every
 * country's JSON and CSV are compared with that model cell by cell, and a
 * recommendation only the group "board" may see must stay out of every
 * table and count of everyone else.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "yaml-read.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#define ARCHIVE MS_TEST_DATA "/archive"
#define MAX_RECS 128
#define MAX_ITEMS 64
#define TEXT 200

typedef struct report {
    char country[TEXT], status[TEXT], date[TEXT];
} report_t;

typedef struct rec {
    char id[TEXT], meeting[TEXT], meeting_title[TEXT], number[16], type[TEXT];
    bool from_set;
    char countries[MAX_ITEMS][TEXT]; /* participants (the set's, or the document's) */
    int n_countries;
    char statuses[MAX_ITEMS][TEXT]; /* a document's own statuses */
    int n_statuses;
    report_t reports[MAX_ITEMS];
    int n_reports;
} rec_t;

static rec_t recs[MAX_RECS];
static int n_recs;

/* ---- reading the archive with libyaml ---- */

static void
scalar(char *out, yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = yaml_get(doc, map, key);
    if (n && n->type == YAML_SCALAR_NODE)
        snprintf(out, TEXT, "%s", (char *)n->data.scalar.value);
}

/* A scalar or a list of scalars under 'key' (or its singular) into 'out'. */
static void
list(char out[][TEXT], int *n, yaml_document_t *doc, yaml_node_t *map, const char *key,
     const char *singular)
{
    yaml_node_t *node = yaml_get(doc, map, key);
    if (!node)
        node = yaml_get(doc, map, singular);
    if (!node)
        return;
    *n = 0;
    if (node->type == YAML_SCALAR_NODE) {
        snprintf(out[(*n)++], TEXT, "%s", (char *)node->data.scalar.value);
        return;
    }
    for (yaml_node_item_t *i = node->data.sequence.items.start;
         i < node->data.sequence.items.top; i++) {
        cr_assert_lt(*n, MAX_ITEMS);
        snprintf(out[(*n)++], TEXT, "%s",
                 (char *)yaml_document_get_node(doc, *i)->data.scalar.value);
    }
}

static bool
load_yaml(yaml_document_t *doc, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    bool ok = yaml_parser_load(&parser, doc) && yaml_document_get_root_node(doc);
    yaml_parser_delete(&parser);
    return ok;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static void
load_set(const char *path)
{
    size_t len;
    char *text = slurp(path, &len);
    yaml_document_t doc;
    cr_assert(load_yaml(&doc, text, len), "%s is not YAML", path);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    rec_t meeting = {.from_set = true};
    scalar(meeting.meeting, &doc, root, "meeting");
    scalar(meeting.meeting_title, &doc, root, "title");
    snprintf(meeting.type, TEXT, "recommendation");
    list(meeting.countries, &meeting.n_countries, &doc, root, "countries", "country");
    yaml_node_t *items = yaml_get(&doc, root, "recommendations");
    for (yaml_node_item_t *i = items->data.sequence.items.start;
         i < items->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(&doc, *i);
        cr_assert_lt(n_recs, MAX_RECS);
        rec_t *rec = &recs[n_recs++];
        *rec = meeting;
        char number[TEXT] = "";
        scalar(number, &doc, item, "number");
        snprintf(rec->number, sizeof(rec->number), "%.15s", number);
        snprintf(rec->id, TEXT, "%.150s.r%.8s", meeting.meeting, number);
        yaml_node_t *reports = yaml_get(&doc, item, "reports");
        for (yaml_node_item_t *r = reports ? reports->data.sequence.items.start : NULL;
             reports && r < reports->data.sequence.items.top; r++) {
            yaml_node_t *report = yaml_document_get_node(&doc, *r);
            report_t *out = &rec->reports[rec->n_reports++];
            scalar(out->country, &doc, report, "country");
            scalar(out->status, &doc, report, "status");
            scalar(out->date, &doc, report, "date");
        }
    }
    yaml_document_delete(&doc);
    free(text);
}

/* The keys of a _defaults.yaml or a front matter that matter here. */
static void
apply(rec_t *rec, const char *text, size_t len)
{
    yaml_document_t doc;
    if (!load_yaml(&doc, text, len))
        return;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    scalar(rec->id, &doc, root, "id");
    scalar(rec->type, &doc, root, "type");
    scalar(rec->meeting, &doc, root, "meeting");
    scalar(rec->meeting_title, &doc, root, "meeting_title");
    list(rec->countries, &rec->n_countries, &doc, root, "countries", "country");
    list(rec->statuses, &rec->n_statuses, &doc, root, "status", "status");
    yaml_document_delete(&doc);
}

static void
load_dir(const rec_t *inherited, const char *dir)
{
    rec_t defaults = *inherited;
    char path[1024];
    size_t len;
    struct stat st;

    snprintf(path, sizeof(path), "%s/_defaults.yaml", dir);
    if (stat(path, &st) == 0) {
        char *text = slurp(path, &len);
        apply(&defaults, text, len);
        free(text);
    }
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    cr_assert(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (name[0] != '.' && name[0] != '_' && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                load_dir(&defaults, path);
            } else if (ends_with(name, ".recommendations.yaml")) {
                load_set(path);
            } else if (ends_with(name, ".md")) {
                char *text = slurp(path, &len), *end;
                rec_t doc = defaults;
                doc.id[0] = '\0';
                if (strncmp(text, "---\n", 4) == 0 && (end = strstr(text + 4, "\n---\n")))
                    apply(&doc, text + 4, (size_t)(end - text - 3));
                if (strcmp(doc.type, "recommendation") == 0) {
                    cr_assert(doc.id[0], "%s: the model needs an id", path);
                    cr_assert_lt(n_recs, MAX_RECS);
                    recs[n_recs++] = doc;
                }
                free(text);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void
load_model(void)
{
    rec_t empty = {0};
    n_recs = 0;
    load_dir(&empty, ARCHIVE);
    cr_assert_gt(n_recs, 10, "the model found %d recommendations", n_recs);
}

/* ---- the rule, computed independently ---- */

static bool
has(char values[][TEXT], int n, const char *value)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(values[i], value) == 0)
            return true;
    return false;
}

/* The status 'country' has for 'rec'; NULL when it is not concerned. */
static const char *
expected_status(const rec_t *rec, const char *country)
{
    const report_t *best = NULL;
    for (int i = 0; i < rec->n_reports; i++) {
        const report_t *r = &rec->reports[i];
        /* "" sorts before every date: undated is the oldest. */
        if (strcasecmp(r->country, country) == 0 &&
            (!best || strcmp(r->date, best->date) >= 0))
            best = r;
    }
    if (best)
        return best->status;
    if (!has((char(*)[TEXT])rec->countries, rec->n_countries, country))
        return NULL;
    if (!rec->from_set && rec->n_statuses == 1)
        return rec->statuses[0];
    return "no information";
}

/* ---- CSV, parsed here ---- */

#define CSV_MAX_ROWS 64
#define CSV_MAX_COLS 24

typedef struct csv {
    char cell[CSV_MAX_ROWS][CSV_MAX_COLS][400];
    int n_cols[CSV_MAX_ROWS];
    int n_rows;
} csv_t;

static void
csv_parse(csv_t *out, const char *s)
{
    memset(out, 0, sizeof(*out));
    int row = 0, col = 0;
    size_t k = 0;
    while (*s) {
        cr_assert_lt(row, CSV_MAX_ROWS);
        cr_assert_lt(col, CSV_MAX_COLS);
        char *cell = out->cell[row][col];
        k = 0;
        if (*s == '"') {
            for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
                if (*s == '"')
                    s++;
                cell[k++] = *s;
            }
            cr_assert_eq(*s, '"', "unterminated quoted field");
            s++;
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n')
                cell[k++] = *s++;
        }
        cell[k] = '\0';
        col++;
        if (*s == ',') {
            s++;
            continue;
        }
        cr_assert(s[0] == '\r' && s[1] == '\n', "a record must end in CRLF");
        s += 2;
        out->n_cols[row++] = col;
        col = 0;
    }
    out->n_rows = row;
}

/* ---- the servers ---- */

static ms_it_t it;
static char archive[96];

static void
start(void)
{
    load_model();
    ms_it_start(&it, ARCHIVE, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

static char *
escape(const char *s)
{
    static char out[3 * TEXT];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            out[k++] = (char)*p;
        else
            k += (size_t)sprintf(out + k, "%%%02X", *p);
    }
    out[k] = '\0';
    return out;
}

static void
get_as(ms_http_t *res, const char *const *headers, const char *fmt, const char *arg)
{
    char target[1024];
    snprintf(target, sizeof(target), fmt, escape(arg));
    ms_it_request_headers(res, &it, "GET", target, NULL, headers);
}

static const rec_t *
model_rec(const char *id)
{
    for (int i = 0; i < n_recs; i++)
        if (strcmp(recs[i].id, id) == 0)
            return &recs[i];
    return NULL;
}

/* The meeting 'id' as 'headers' sees it equals the model's recommendations
 * of that meeting, in CSV and in JSON. */
static void
check_meeting(const char *meeting, const char *const *headers)
{
    ms_http_t res;
    char buf[256];
    static csv_t csv;
    int expected_rows = 0;

    get_as(&res, headers, "/meeting/%s?format=csv", meeting);
    cr_assert_eq(res.status, 200, "%s: %ld %s", meeting, res.status, res.body);
    cr_assert_str_eq(ms_http_header(&res, "Content-Type", buf, sizeof(buf)),
                     "text/csv; charset=utf-8");
    cr_assert(strncmp(ms_http_header(&res, "Content-Disposition", buf, sizeof(buf)),
                      "attachment;", 11) == 0,
              "%s", buf);
    csv_parse(&csv, res.body);
    ms_http_free(&res);
    cr_assert_str_eq(csv.cell[0][0], "id");
    cr_assert_str_eq(csv.cell[0][1], "number");
    cr_assert_str_eq(csv.cell[0][2], "title");
    /* Every column is a country some recommendation concerns. */
    for (int i = 0; i < n_recs; i++) {
        if (strcmp(recs[i].meeting, meeting) != 0)
            continue;
        expected_rows++;
        for (int c = 0; c < recs[i].n_countries; c++) {
            bool found = false;
            for (int col = 3; col < csv.n_cols[0]; col++)
                found = found || strcasecmp(csv.cell[0][col], recs[i].countries[c]) == 0;
            cr_assert(found, "%s: no column for %s", meeting, recs[i].countries[c]);
        }
    }
    cr_assert_eq(csv.n_rows - 1, expected_rows, "%s: %d rows, the model has %d", meeting,
                 csv.n_rows - 1, expected_rows);
    for (int row = 1; row < csv.n_rows; row++) {
        const rec_t *rec = model_rec(csv.cell[row][0]);
        cr_assert(rec && strcmp(rec->meeting, meeting) == 0, "%s: row %s", meeting,
                  csv.cell[row][0]);
        cr_assert_eq(csv.n_cols[row], csv.n_cols[0]);
        cr_assert_str_eq(csv.cell[row][1], rec->from_set ? rec->number : "");
        if (row > 1 && rec->from_set && csv.cell[row - 1][1][0])
            cr_assert_lt(atoi(csv.cell[row - 1][1]), atoi(rec->number), "%s: row order",
                         meeting);
        for (int col = 3; col < csv.n_cols[0]; col++) {
            const char *want = expected_status(rec, csv.cell[0][col]);
            cr_assert_str_eq(csv.cell[row][col], want ? want : "", "%s, %s: %s, not %s",
                             rec->id, csv.cell[0][col], csv.cell[row][col],
                             want ? want : "(not concerned)");
        }
    }

    /* The JSON: the same table, and summaries that count it. */
    get_as(&res, headers, "/meeting/%s", meeting);
    cr_assert_eq(res.status, 200);
    json_t *countries = json_object_get(res.json, "countries");
    json_t *rows = json_object_get(res.json, "recommendations");
    cr_assert_eq(json_array_size(countries), (size_t)(csv.n_cols[0] - 3));
    cr_assert_eq(json_array_size(rows), (size_t)(csv.n_rows - 1));
    const rec_t *first = model_rec(csv.cell[1][0]);
    const char *title =
        json_string_value(json_object_get(json_object_get(res.json, "meeting"), "title"));
    if (first->meeting_title[0])
        cr_assert_str_eq(title ? title : "(null)", first->meeting_title);
    for (int col = 3; col < csv.n_cols[0]; col++) {
        json_t *country = json_array_get(countries, (size_t)col - 3);
        cr_assert_str_eq(json_string_value(json_object_get(country, "name")),
                         csv.cell[0][col]);
        long concerned = 0;
        for (int row = 1; row < csv.n_rows; row++)
            concerned += csv.cell[row][col][0] != '\0';
        cr_assert_eq(json_integer_value(json_object_get(
                         json_object_get(country, "summary"), "recommendations")),
                     concerned);
    }
    for (int row = 1; row < csv.n_rows; row++) {
        json_t *r = json_array_get(rows, (size_t)row - 1);
        json_t *cells = json_object_get(r, "cells");
        json_t *summary = json_object_get(r, "summary");
        long implemented = 0, concerned = 0;
        cr_assert_str_eq(json_string_value(json_object_get(r, "id")), csv.cell[row][0]);
        for (int col = 3; col < csv.n_cols[0]; col++) {
            json_t *cell = json_array_get(cells, (size_t)col - 3);
            const char *status = json_string_value(json_object_get(cell, "status"));
            cr_assert_str_eq(status ? status : "", csv.cell[row][col]);
            concerned += status != NULL;
            implemented += status && strcmp(status, "implemented") == 0;
        }
        cr_assert_eq(json_integer_value(json_object_get(summary, "countries")),
                     concerned);
        cr_assert_eq(json_integer_value(json_object_get(summary, "implemented")),
                     implemented);
    }
    ms_http_free(&res);
}

TestSuite(views, .init = start, .fini = stop, .timeout = 120);

Test(views, every_meeting_table_equals_the_archive_files)
{
    int meetings = 0;
    for (int i = 0; i < n_recs; i++) {
        bool seen = false;
        for (int k = 0; k < i; k++)
            seen = seen || strcmp(recs[k].meeting, recs[i].meeting) == 0;
        if (!seen && recs[i].meeting[0]) {
            check_meeting(recs[i].meeting, NULL);
            meetings++;
        }
    }
    cr_assert_geq(meetings, 10);
}

/* One country: exactly the model's recommendations concerning it, with
 * its status and its reports newest first; the CSV has a row per report. */
static void
check_country(const char *country)
{
    ms_http_t res;
    static csv_t csv;
    int expected = 0, expected_rows = 0, seen = 0;

    get_as(&res, NULL, "/country/%s", country);
    cr_assert_eq(res.status, 200, "%s: %ld", country, res.status);
    json_t *meetings = json_object_get(res.json, "meetings"), *m, *r;
    size_t i, k;
    const char *previous = NULL;
    json_array_foreach(meetings, i, m)
    {
        const char *date = json_string_value(json_object_get(m, "date"));
        if (previous && date)
            cr_assert_geq(strcmp(previous, date), 0, "%s: meetings not newest first",
                          country);
        previous = date ? date : previous;
        json_array_foreach(json_object_get(m, "recommendations"), k, r)
        {
            const char *id = json_string_value(json_object_get(r, "id"));
            const rec_t *rec = model_rec(id);
            cr_assert(rec, "%s: %s is not a recommendation of the model", country, id);
            const char *want = expected_status(rec, country);
            cr_assert(want, "%s: %s does not concern it", country, id);
            cr_assert_str_eq(json_string_value(json_object_get(r, "status")), want,
                             "%s: %s", country, id);
            /* Its reports: the model's, newest first. */
            json_t *reports = json_object_get(r, "reports"), *got;
            size_t j, mine = 0;
            const char *last = NULL;
            json_array_foreach(reports, j, got)
            {
                const char *d = json_string_value(json_object_get(got, "date"));
                if (last)
                    cr_assert_geq(strcmp(last, d ? d : ""), 0);
                last = d ? d : "";
            }
            for (int x = 0; x < rec->n_reports; x++)
                mine += strcasecmp(rec->reports[x].country, country) == 0;
            cr_assert_eq(json_array_size(reports), mine, "%s: %s", country, id);
            seen++;
        }
    }
    for (int x = 0; x < n_recs; x++) {
        if (!expected_status(&recs[x], country))
            continue;
        expected++;
        int mine = 0;
        for (int y = 0; y < recs[x].n_reports; y++)
            mine += strcasecmp(recs[x].reports[y].country, country) == 0;
        expected_rows += mine ? mine : 1;
    }
    cr_assert_eq(seen, expected, "%s: %d recommendations, the model has %d", country,
                 seen, expected);
    ms_http_free(&res);

    get_as(&res, NULL, "/country/%s?format=csv", country);
    cr_assert_eq(res.status, 200);
    csv_parse(&csv, res.body);
    cr_assert_eq(csv.n_rows - 1, expected_rows, "%s: CSV rows", country);
    ms_http_free(&res);
}

Test(views, every_country_lists_exactly_its_recommendations)
{
    int countries = 0;
    for (int i = 0; i < n_recs; i++) {
        for (int c = 0; c < recs[i].n_countries; c++) {
            check_country(recs[i].countries[c]);
            countries++;
        }
        for (int r = 0; r < recs[i].n_reports; r++)
            check_country(recs[i].reports[r].country);
    }
    cr_assert_gt(countries, 20);
}

/* A country typed with a decomposed letter ("o" and a combining
 * circumflex, U+0302) is the country the documents spell composed: the
 * same table, under the documents' spelling, the same CSV. */
Test(views, a_country_typed_decomposed_is_the_composed_one)
{
    static const char *const forms[][2] = {
        {"/country/C%C3%B4te%20d%27Ivoire", "/country/Co%CC%82te%20d%27Ivoire"},
        {"/country/C%C3%B4te%20d%27Ivoire?format=csv",
         "/country/Co%CC%82te%20d%27Ivoire?format=csv"}};
    for (size_t f = 0; f < 2; f++) {
        ms_http_t composed, decomposed;
        ms_it_get(&composed, &it, forms[f][0]);
        ms_it_get(&decomposed, &it, forms[f][1]);
        cr_assert_eq(composed.status, 200, "%s: %ld", forms[f][0], composed.status);
        cr_assert_eq(decomposed.status, 200, "%s: %ld", forms[f][1], decomposed.status);
        if (composed.json) {
            cr_expect_str_eq(json_string_value(json_object_get(
                                 json_object_get(decomposed.json, "country"), "name")),
                             "C\xc3\xb4te d'Ivoire");
            cr_expect_gt(json_array_size(json_object_get(composed.json, "meetings")), 0);
            cr_expect(json_equal(composed.json, decomposed.json), "%s and %s differ",
                      forms[f][0], forms[f][1]);
        } else {
            cr_expect_str_eq(decomposed.body, composed.body, "%s and %s differ",
                             forms[f][0], forms[f][1]);
        }
        ms_http_free(&composed);
        ms_http_free(&decomposed);
    }
}

/* Each meeting facet row of a search is labelled with the meeting's title
 * from the archive: a set's title, a document's meeting_title, or the
 * meetings file's. */
Test(views, meeting_facet_rows_carry_the_meeting_title)
{
    ms_http_t res;
    ms_it_get(&res, &it, "/search?q=&per_page=1");
    cr_assert_eq(res.status, 200);
    json_t *rows = json_object_get(json_object_get(res.json, "facets"), "meeting"), *row;
    size_t i;
    int titled = 0;
    cr_assert_gt(json_array_size(rows), 10);
    json_array_foreach(rows, i, row)
    {
        const char *value = json_string_value(json_object_get(row, "value"));
        const char *want = NULL;
        for (int k = 0; k < n_recs && !want; k++)
            if (strcmp(recs[k].meeting, value) == 0 && recs[k].meeting_title[0])
                want = recs[k].meeting_title;
        json_t *label = json_object_get(row, "label");
        cr_assert(label, "%s: no label key", value);
        if (want) {
            cr_assert_str_eq(json_string_value(label), want, "%s", value);
            titled++;
        } else {
            /* Titled by the sample's _meetings.yaml: test_meetings_api.c
             * checks the text. */
            cr_assert(json_is_string(label), "%s: no label", value);
        }
    }
    cr_assert_geq(titled, 2);
    ms_http_free(&res);
}

Test(views, errors_are_json)
{
    static const struct {
        const char *target;
        long status;
        const char *code;
    } cases[] = {
        {"/meeting/no-such-meeting", 404, "not_found"},
        {"/meeting/a%20b", 400, "bad_request"},
        {"/meeting/%C3%28", 400, "bad_request"},
        {"/meeting/ikd-2002-cholponata?format=xml", 400, "bad_request"},
        {"/meeting/ikd-2002-cholponata?sort=newest", 400, "bad_request"},
        {"/country/Nowhereland", 404, "not_found"},
        {"/country/a%0Ab", 400, "bad_request"},
        {"/country/%FF", 400, "bad_request"},
        {"/country/Ghana?format=pdf", 400, "bad_request"},
    };
    ms_http_t res;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ms_it_get(&res, &it, cases[i].target);
        cr_assert_eq(res.status, cases[i].status, "%s: %ld", cases[i].target, res.status);
        cr_assert(res.json, "%s: not JSON", cases[i].target);
        cr_assert_str_eq(json_string_value(
                             json_object_get(json_object_get(res.json, "error"), "code")),
                         cases[i].code, "%s", cases[i].target);
        ms_http_free(&res);
    }
}

/* ---- access: a recommendation only "board" may see ---- */

static const char hidden_set[] =
    "process: Issyk-Kul Dialogue\n"
    "meeting: ikd-2002-cholponata\n"
    "title: Restricted annex of the special session\n"
    "access: [board]\n"
    "countries: [Kyrgyzstan, Ruritania]\n"
    "recommendations:\n"
    "  - number: 99\n"
    "    text: Ruritania and Kyrgyzstan exchange liaison officers.\n"
    "    reports:\n"
    "      - country: Kyrgyzstan\n"
    "        status: not implemented\n"
    "        date: 2005-01\n"
    "      - country: Ruritania\n"
    "        status: implemented\n"
    "        date: 2005-02\n";

static void
start_hidden(void)
{
    load_model();
    ms_it_canary_archive(archive, sizeof(archive), "ms-views");
    char path[256];
    snprintf(path, sizeof(path), "%s/board/ikd-2002-annex.recommendations.yaml", archive);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(hidden_set, f);
    fclose(f);
    ms_it_start(&it, archive, NULL);
}

static void
stop_hidden(void)
{
    ms_it_stop(&it);
    ms_it_canary_archive_remove(archive);
}

static const char *const board[] = {"X-Test-User: carol", "X-Test-Groups: board", NULL};
static const char *const staff[] = {"X-Test-User: bob", "X-Test-Groups: staff", NULL};

TestSuite(views_access, .init = start_hidden, .fini = stop_hidden, .timeout = 120);

Test(views_access, hidden_recommendation_is_in_no_table_or_count)
{
    const char *const *outsiders[] = {NULL, staff};
    ms_http_t res, missing;

    for (size_t u = 0; u < 2; u++) {
        /* Exactly the public table: no row 99, no Ruritania column. */
        check_meeting("ikd-2002-cholponata", outsiders[u]);
        get_as(&res, outsiders[u], "/meeting/%s", "ikd-2002-cholponata");
        cr_assert_null(strcasestr(res.body, "Ruritania"));
        cr_assert_null(strcasestr(res.body, ".r99"));
        cr_assert_null(strcasestr(res.body, "Restricted annex"));
        ms_http_free(&res);
        get_as(&res, outsiders[u], "/search?q=%s&per_page=100", "");
        cr_assert_null(strcasestr(res.body, "Restricted annex"));
        cr_assert_null(strcasestr(res.body, "Ruritania"));
        ms_http_free(&res);
        get_as(&res, outsiders[u], "/country/%s", "Kyrgyzstan");
        cr_assert_null(strcasestr(res.body, ".r99"));
        ms_http_free(&res);
        /* A hidden country answers as a missing one, byte for byte. */
        get_as(&res, outsiders[u], "/country/%s", "Ruritania");
        get_as(&missing, outsiders[u], "/country/%s", "Nowhereland");
        cr_assert_eq(res.status, 404);
        cr_assert_str_eq(res.body, missing.body);
        ms_http_free(&res);
        ms_http_free(&missing);
    }
    /* A member of "board" sees the row and the column. */
    get_as(&res, board, "/meeting/%s?format=csv", "ikd-2002-cholponata");
    cr_assert(strstr(res.body, "\r\nikd-2002-cholponata.r99,99,"), "%s", res.body);
    cr_assert(strstr(res.body, ",Ruritania"), "%s", res.body);
    ms_http_free(&res);
    get_as(&res, board, "/country/%s", "Ruritania");
    cr_assert_eq(res.status, 200);
    cr_assert(strstr(res.body, "\"implemented\""));
    ms_http_free(&res);
}
