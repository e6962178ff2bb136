/* test_model.c - unit tests for the archive model: layers, formats, walker
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Fixtures live under tests/data/model/, one folder per theme, each used
 * as an archive root: layers/ (_defaults.yaml files and sidecars),
 * bad-defaults/ and bad-sidecar/ (metadata errors), recsets/ and jsonl/
 * (the two formats of many documents), names/ (spaces and non-ASCII
 * letters). The walker's failure cases (link loops, unreadable files) are
 * made in a temporary folder at test time, since git keeps neither.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-format.h"
#include "archive-io.h"
#include "ms_archive.h"

#define MODEL MS_TEST_DATA "/model"
#define LAYERS MODEL "/layers"
#define RECSETS MODEL "/recsets"
#define JSONL MODEL "/jsonl"

static const ms_archive_options_t options = {.default_language = "en"};

/* Big enough for any formatted error or warning. */
#define TEXT_SIZE 4500

static ms_archive_docset_t *
load_ok(const char *root, const char *path)
{
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;
    char text[TEXT_SIZE];
    ms_archive_status_t status = ms_archive_load(&set, root, path, &options, &err);

    cr_assert_eq(status, MS_ARCHIVE_OK, "%s: status %d: %s", path, status,
                 ms_file_error_format(&err, text, sizeof(text)));
    cr_assert_not_null(set);
    return set;
}

/* The only document of 'root'/'path'. Freed with its set by the caller. */
static ms_archive_doc_t *
load_one(ms_archive_docset_t **set, const char *root, const char *path)
{
    *set = load_ok(root, path);
    cr_assert_eq((*set)->n_docs, 1, "%s: %zu documents", path, (*set)->n_docs);
    cr_expect_eq((*set)->n_warnings, 0);
    return (*set)->docs[0];
}

/* Load 'path', expect 'expected' status, and return the formatted error
 * with MODEL "/" cut off ("bad-sidecar/date.meta.yaml:2:7: ..."). */
static void
load_fails(const char *root, const char *path, ms_archive_status_t expected, char *out,
           size_t size)
{
    ms_archive_docset_t *set = (ms_archive_docset_t *)1;
    ms_archive_error_t err;
    char text[TEXT_SIZE];
    ms_archive_status_t status = ms_archive_load(&set, root, path, &options, &err);

    cr_assert_eq(status, expected, "%s: status %d, expected %d", path, status, expected);
    cr_assert_null(set);
    ms_file_error_format(&err, text, sizeof(text));
    cr_assert_eq(strncmp(text, MODEL "/", strlen(MODEL "/")), 0,
                 "error names the file: %s", text);
    snprintf(out, size, "%s", text + strlen(MODEL "/"));
}

/* The values of field 'name', joined with '|', in order. */
static const char *
values(const ms_archive_doc_t *doc, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, name) != 0)
            continue;
        if (buf[0])
            strncat(buf, "|", size - strlen(buf) - 1);
        strncat(buf, doc->fields[i].value, size - strlen(buf) - 1);
    }
    return buf;
}

#define expect_field(doc, name, expected)                                                \
    do {                                                                                 \
        char buf_[1024];                                                                 \
        cr_expect_str_eq(values(doc, name, buf_, sizeof(buf_)), expected, "field %s",    \
                         name);                                                          \
    } while (0)

static const ms_archive_doc_t *
find(const ms_archive_docset_t *set, const char *id)
{
    for (size_t i = 0; i < set->n_docs; i++) {
        if (strcmp(set->docs[i]->id, id) == 0)
            return set->docs[i];
    }
    cr_assert_fail("no document %s", id);
    return NULL;
}

/* Metadata layers */

Test(layers, apply_in_order_nearest_last)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, LAYERS, "a/b/doc.md");

    cr_expect_str_eq(doc->id, "a.b.doc");
    /* Front matter beats the sidecar, which beats the defaults. */
    cr_expect_str_eq(doc->title, "Title from the front matter");
    cr_expect_str_eq(doc->date, "2003-04");                  /* sidecar over a/ */
    cr_expect_str_eq(doc->language, "fr");                   /* root defaults */
    expect_field(doc, "type", "report");                     /* root defaults */
    expect_field(doc, "process", "A Process");               /* a/ over the root */
    expect_field(doc, "symbol", "SC/2003/1");                /* sidecar */
    expect_field(doc, "sample", "true");                     /* root defaults, free key */
    expect_field(doc, "theme", "diaspora|return migration"); /* a/b/ over the root */
    /* A list in a nearer layer replaces the farther one, not appends. */
    expect_field(doc, "country", "Mali");
    /* An explicit empty list in the sidecar clears the root's [staff]. */
    expect_field(doc, "access", "");
    cr_expect_not_null(strstr(doc->body, "Body of doc."));
    ms_archive_docset_free(set);
}

Test(layers, sidecar_describes_a_text_file)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, LAYERS, "a/b/plain.txt");

    cr_expect_str_eq(doc->id, "plain-given");
    cr_expect_str_eq(doc->title, "Title of the plain text");
    cr_expect_str_eq(doc->language, "ru"); /* "ru-RU" folded */
    cr_expect_str_eq(doc->date, "2002");
    expect_field(doc, "type", "workshop");
    expect_field(doc, "country", "Ghana"); /* a/ replaces [Kenya, Uganda] */
    expect_field(doc, "access", "staff");
    cr_expect_str_eq(doc->body, "First line of plain\nMore text.\n");
    ms_archive_docset_free(set);
}

Test(layers, empty_list_in_front_matter_clears_inherited_list)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, LAYERS, "a/empty-list.md");

    expect_field(doc, "theme", "");
    expect_field(doc, "country", "Ghana");
    cr_expect_str_eq(doc->language, "es"); /* "ES" folded */
    ms_archive_docset_free(set);
}

Test(layers, root_defaults_reach_files_at_the_root)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, LAYERS, "bare.txt");

    cr_expect_str_eq(doc->id, "bare");
    cr_expect_str_eq(doc->title, "Nothing but text.");
    cr_expect_str_eq(doc->language, "fr");
    cr_expect_null(doc->date);
    expect_field(doc, "type", "report");
    expect_field(doc, "country", "Kenya|Uganda");
    expect_field(doc, "theme", "remittances");
    expect_field(doc, "access", "staff");
    ms_archive_docset_free(set);
}

Test(layers, id_is_never_inherited_from_defaults)
{
    char text[TEXT_SIZE];

    load_fails(MODEL "/bad-defaults", "sub/x.txt", MS_ARCHIVE_INVALID, text,
               sizeof(text));
    cr_expect_str_eq(text, "bad-defaults/_defaults.yaml:2:1: id: not allowed in "
                           "_defaults.yaml; an id names one file, so set it in the file "
                           "or its sidecar");
}

Test(layers, sidecar_errors_name_file_line_column_and_key)
{
    char text[TEXT_SIZE];

    load_fails(MODEL "/bad-sidecar", "date.txt", MS_ARCHIVE_INVALID, text, sizeof(text));
    cr_expect_str_eq(text, "bad-sidecar/date.meta.yaml:2:7: date: must be a real date as "
                           "YYYY, YYYY-MM or YYYY-MM-DD");
    load_fails(MODEL "/bad-sidecar", "syntax.txt", MS_ARCHIVE_INVALID, text,
               sizeof(text));
    cr_expect_str_eq(text, "bad-sidecar/syntax.meta.yaml:3:5: invalid YAML: did not find "
                           "expected ',' or ']' while parsing a flow sequence started at "
                           "2:12");
    load_fails(MODEL "/bad-sidecar", "mapping.txt", MS_ARCHIVE_INVALID, text,
               sizeof(text));
    cr_expect_str_eq(text,
                     "bad-sidecar/mapping.meta.yaml:2:3: countries: expected a value "
                     "or a list of values, found a mapping");
    load_fails(MODEL "/bad-sidecar", "language.txt", MS_ARCHIVE_INVALID, text,
               sizeof(text));
    cr_expect_str_eq(text,
                     "bad-sidecar/language.meta.yaml:1:11: language: must be one of "
                     "en, fr, es, ru, ar, zh");
    load_fails(MODEL "/bad-sidecar", "status.txt", MS_ARCHIVE_INVALID, text,
               sizeof(text));
    cr_expect_str_eq(text, "bad-sidecar/status.meta.yaml:1:23: status: must be one of "
                           "implemented, partially implemented, not implemented, no "
                           "information");
    load_fails(MODEL "/bad-sidecar", "list.txt", MS_ARCHIVE_INVALID, text, sizeof(text));
    cr_expect_str_eq(
        text, "bad-sidecar/list.meta.yaml:1:1: must be a mapping of keys to values");
}

static void
expect_dependencies(const char *path, const char *const *expected)
{
    char **deps = NULL;
    size_t n = 0;

    cr_assert_eq(ms_archive_dependencies(&deps, LAYERS, path), MS_ARCHIVE_OK);
    cr_assert_not_null(deps);
    for (; deps[n]; n++) {
        cr_assert_not_null(expected[n], "%s: extra dependency %s", path, deps[n]);
        cr_expect_str_eq(deps[n], expected[n], "%s: dependency %zu", path, n);
    }
    cr_expect_null(expected[n], "%s: missing dependency %s", path, expected[n]);
    ms_archive_strings_free(deps);
}

Test(layers, lists_dependencies_root_first_then_sidecar)
{
    static const char *const doc[] = {"_defaults.yaml", "a/_defaults.yaml",
                                      "a/b/_defaults.yaml", "a/b/doc.meta.yaml", NULL};
    static const char *const report[] = {"_defaults.yaml", "a/_defaults.yaml",
                                         "a/b/_defaults.yaml", "a/b/report.meta.yaml",
                                         NULL};
    static const char *const empty_list[] = {"_defaults.yaml", "a/_defaults.yaml", NULL};
    static const char *const bare[] = {"_defaults.yaml", NULL};

    expect_dependencies("a/b/doc.md", doc);
    expect_dependencies("a/b/report.pdf", report);
    expect_dependencies("a/empty-list.md", empty_list);
    expect_dependencies("bare.txt", bare);
}

/* Extracted formats: the mapping from ms_extract_result_t, with results
 * built by hand so the test does not depend on the extractors. */

static ms_archive_doc_t *
from_extract(const char *path, ms_extract_result_t *result, bool with_staff)
{
    ms_archive_meta_t staff = {0};
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;
    char text[TEXT_SIZE];

    if (with_staff)
        cr_assert_eq(ms_archive__layers_load(&staff, LAYERS, path, false, &err),
                     MS_ARCHIVE_OK);
    result->text_length = strlen(result->text);
    cr_assert_eq(ms_archive__doc_from_extract(&doc, path, result, &staff, &options, &err),
                 MS_ARCHIVE_OK, "%s", ms_file_error_format(&err, text, sizeof(text)));
    ms_archive__meta_clear(&staff);
    return doc;
}

Test(extracted, staff_layers_beat_embedded_metadata)
{
    ms_extract_result_t result = {.text = "Page one\fPage two",
                                  .title = "Embedded title",
                                  .description = "  A summary.\n",
                                  .date = "2004-03-05T10:00:00Z",
                                  .language = "en-GB"};
    ms_archive_doc_t *doc = from_extract("a/b/report.pdf", &result, true);

    cr_expect_str_eq(doc->id, "a.b.report");
    cr_expect_str_eq(doc->title, "Staff title of the report"); /* sidecar */
    cr_expect_str_eq(doc->language, "fr"); /* root defaults over the embedded en-GB */
    cr_expect_str_eq(doc->date, "2002");   /* a/ defaults over the embedded date */
    cr_expect_str_eq(doc->body, "Page one\fPage two");
    expect_field(doc, "description", "A summary.");
    expect_field(doc, "type", "report");
    ms_archive_doc_free(doc);
}

Test(extracted, embedded_metadata_fills_what_staff_left_out)
{
    ms_extract_result_t result = {.text = "\n  Page one\fPage two",
                                  .title = "Embedded title",
                                  .date = "2004-03-05T10:00:00Z",
                                  .language = "es-ES"};
    ms_archive_doc_t *doc = from_extract("elsewhere.docx", &result, false);

    cr_expect_str_eq(doc->id, "elsewhere");
    cr_expect_str_eq(doc->title, "Embedded title");
    cr_expect_str_eq(doc->language, "es");
    cr_expect_str_eq(doc->date, "2004-03-05");
    cr_expect_eq(doc->n_fields, 0);
    ms_archive_doc_free(doc);
}

Test(extracted, unusable_embedded_metadata_is_ignored)
{
    ms_extract_result_t result = {.text = "\n  First line\nSecond",
                                  .title = "   ",
                                  .description = "",
                                  .date = "D:20040305",
                                  .language = "tlh"};
    ms_archive_doc_t *doc = from_extract("odd.odt", &result, false);

    cr_expect_str_eq(doc->title, "First line");
    cr_expect_str_eq(doc->language, "en"); /* index.language */
    cr_expect_null(doc->date);
    cr_expect_eq(doc->n_fields, 0);
    ms_archive_doc_free(doc);
}

Test(extracted, refuses_empty_or_invalid_text)
{
    ms_extract_result_t empty = {.text = ""};
    ms_extract_result_t bad = {.text = "ok \xff", .text_length = 4};
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err = {0};

    cr_expect_eq(
        ms_archive__doc_from_extract(&doc, "e.pdf", &empty, NULL, &options, &err),
        MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_str_eq(err.text, "no text in the file");
    cr_expect_eq(ms_archive__doc_from_extract(&doc, "b.pdf", &bad, NULL, &options, &err),
                 MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_str_eq(err.text, "extracted text is not valid UTF-8 at byte 3");
}

Test(extracted, missing_file_is_io)
{
    char text[TEXT_SIZE];

    load_fails(LAYERS, "a/b/report.pdf", MS_ARCHIVE_IO, text, sizeof(text));
    cr_expect_not_null(strstr(text, "layers/a/b/report.pdf: cannot read"), "%s", text);
}

/* Recommendation sets */

Test(recset, makes_one_document_per_recommendation)
{
    ms_archive_docset_t *set = load_ok(RECSETS, "good.recommendations.yaml");
    const ms_archive_doc_t *r1, *r2, *r10;

    cr_assert_eq(set->n_docs, 3);
    cr_expect_eq(set->n_warnings, 0);
    cr_expect_str_eq(set->docs[0]->id, "td-2002-testville.r1");
    cr_expect_str_eq(set->docs[1]->id, "td-2002-testville.r2");
    cr_expect_str_eq(set->docs[2]->id, "td-2002-testville.r10");
    r1 = find(set, "td-2002-testville.r1");
    r2 = find(set, "td-2002-testville.r2");
    r10 = find(set, "td-2002-testville.r10");

    /* Untitled: its first sentence, without the full stop; its number and
     * meeting are fields. */
    cr_expect_str_eq(r1->title, "Governments should publish remittance costs");
    cr_expect_str_eq(r1->date, "2002-10-03");
    cr_expect_str_eq(r1->language, "en");
    expect_field(r1, "type", "recommendation");
    expect_field(r1, "process", "Test Dialogue");
    expect_field(r1, "meeting", "td-2002-testville");
    expect_field(r1, "venue", "Testville");
    expect_field(r1, "number", "1");
    /* Participants first, then each reporting country not already there. */
    expect_field(r1, "country", "Kenya|Ghana|Mali");
    expect_field(r1, "theme", "remittances|migration data");
    expect_field(r1, "status", "implemented|partially implemented");
    expect_field(r1, "report",
                 "Kenya\timplemented|Ghana\timplemented|Mali\tpartially implemented");
    expect_field(r1, "addressee", "governments|central banks");
    expect_field(
        r1, "reports",
        "[{\"country\":\"Kenya\",\"status\":\"implemented\",\"date\":\"2003-06\"},"
        "{\"country\":\"Mali\",\"status\":\"partially implemented\","
        "\"date\":\"2004\",\"obstacles\":\"The survey of money transfer "
        "operators was not funded.\"},"
        "{\"country\":\"Ghana\",\"status\":\"implemented\"}]");
    cr_expect_str_eq(r1->body, "Governments should publish remittance costs.\n\n"
                               "Mali: The survey of money transfer operators was not "
                               "funded.");

    cr_expect_str_eq(r2->title, "Diaspora registers");
    expect_field(r2, "theme", "remittances"); /* the meeting's themes */
    /* In the order of the countries: Kenya's, then Ghana's. */
    expect_field(r2, "status", "no information|not implemented");
    expect_field(r2, "report", "Kenya\tno information|Ghana\tnot implemented");
    expect_field(r2, "addressee", "consulates");
    expect_field(r2, "country", "Kenya|Ghana");
    cr_expect_str_eq(r2->body,
                     "Consulates should keep voluntary registers of nationals "
                     "abroad.\n\nGhana: No legal basis for keeping the register.");

    /* Nobody reported: "no information", an empty table. */
    expect_field(r10, "status", "no information");
    expect_field(r10, "report", "Kenya\tno information|Ghana\tno information");
    expect_field(r10, "reports", "[]");
    expect_field(r10, "number", "10");
    cr_expect_str_eq(r10->body, "The Dialogue should meet again in 2003.");
    ms_archive_docset_free(set);
}

Test(recset, empty_reports_mean_no_information)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, RECSETS, "no-reports.recommendations.yaml");

    cr_expect_str_eq(doc->id, "td-2002-testville.r3");
    expect_field(doc, "status", "no information");
    cr_expect_str_eq(doc->language, "en"); /* index.language */
    ms_archive_docset_free(set);
}

struct recset_error {
    const char *file;
    const char *error;
};

Test(recset, bad_set_fails_whole_with_position)
{
    static const struct recset_error cases[] = {
        {"unknown-status",
         "recsets/unknown-status.recommendations.yaml:8:17: status: must "
         "be one of implemented, partially implemented, not "
         "implemented, no information"},
        {"duplicate-number",
         "recsets/duplicate-number.recommendations.yaml:8:13: number: "
         "1 is already used at line 4"},
        {"missing-meeting", "recsets/missing-meeting.recommendations.yaml:1:1: meeting: "
                            "missing; the meeting id names every recommendation "
                            "(<meeting>.r<number>)"},
        {"wrong-type", "recsets/wrong-type.recommendations.yaml:7:7: themes: expected a "
                       "value or a list of values, found a mapping"},
        {"text-list", "recsets/text-list.recommendations.yaml:5:11: text: expected a "
                      "single value, found a list"},
        {"bad-number", "recsets/bad-number.recommendations.yaml:4:13: number: must be a "
                       "whole number from 1 to 999999"},
        {"unknown-key",
         "recsets/unknown-key.recommendations.yaml:3:1: recomendations: "
         "unknown key in recommendation set; expected process, meeting, "
         "title, date, venue, language, symbol, countries, themes, access, "
         "recommendations"},
        {"bad-meeting",
         "recsets/bad-meeting.recommendations.yaml:1:10: meeting: must not "
         "contain whitespace or control characters"},
        {"bad-report",
         "recsets/bad-report.recommendations.yaml:7:9: country: missing; say "
         "which country reports"},
        {"empty", "recsets/empty.recommendations.yaml:3:18: recommendations: the list is "
                  "empty"},
        {"shared", "recsets/shared.recommendations.meta.yaml:1:1: id: not allowed in the "
                   "sidecar of a file of many documents; each document has its own id"},
    };
    char path[128], text[TEXT_SIZE];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(path, sizeof(path), "%s.recommendations.yaml", cases[i].file);
        load_fails(RECSETS, path, MS_ARCHIVE_INVALID, text, sizeof(text));
        cr_expect_str_eq(text, cases[i].error);
    }
}

static ms_archive_status_t
recset_text(const char *yaml, ms_archive_error_t *err)
{
    return ms_archive__recset_read("t.recommendations.yaml", yaml, strlen(yaml), NULL,
                                   &options, NULL, NULL, err);
}

Test(recset, survives_hostile_yaml)
{
    /* None of these may crash; each is refused before any document is
     * passed on (the callback is NULL and would crash if called). */
    static const char *const inputs[] = {
        "",
        "[]",
        "just text",
        "meeting: m\ntitle: t\nrecommendations: x\n",
        "meeting: m\ntitle: t\nrecommendations: {a: b}\n",
        "meeting: m\ntitle: t\nrecommendations: [1, 2]\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - number: 1\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - {number: 1, text: x, reports: "
        "[1]}\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - {number: 1, text: x, reports: {a: "
        "b}}\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - {number: -1, text: x}\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - {number: 1234567, text: x}\n",
        "meeting: [m]\ntitle: t\nrecommendations: []\n",
        "meeting: m\nmeeting: n\n",
        "? [a]\n: b\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - &r {number: 1, text: x}\n  - *r\n",
        "meeting: \"a\\0b\"\ntitle: t\nrecommendations: []\n",
        "meeting: m\ntitle: t\nrecommendations:\n  - {number: 1, text: x, "
        "reports: [{country: K, status: implemented, date: 2003-02-30}]}\n",
        "meeting: m\ntitle: t\ndate: 2003-13\nrecommendations: []\n",
        "meeting: m\n---\nmeeting: n\n",
    };

    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        ms_archive_error_t err;
        ms_archive__error_reset(&err, "t");
        cr_expect_eq(recset_text(inputs[i], &err), MS_ARCHIVE_INVALID, "input %zu", i);
        cr_expect(err.text[0] != '\0', "input %zu has a reason", i);
    }
}

/* JSON lines */

Test(jsonl, makes_one_document_per_line)
{
    ms_archive_docset_t *set = load_ok(JSONL, "good.jsonl");
    const ms_archive_doc_t *doc;

    cr_assert_eq(set->n_docs, 3);
    cr_expect_eq(set->n_warnings, 0);
    doc = find(set, "ext-001");
    cr_expect_str_eq(doc->title, "Remittance survey");
    cr_expect_str_eq(doc->date, "2003-05");
    cr_expect_str_eq(doc->language, "en");
    cr_expect_str_eq(doc->body, "Survey of remittance costs.\nSecond line.");
    cr_expect_str_eq(doc->path, "good.jsonl");
    expect_field(doc, "type", "report");
    expect_field(doc, "country", "Kenya|Uganda");
    expect_field(doc, "theme", "remittances");

    doc = find(set, "ext-002");
    cr_expect_str_eq(doc->title, "Seminar on return migration, Osh."); /* first line */
    cr_expect_str_eq(doc->body, "Seminar on return migration, Osh.");
    expect_field(doc, "type", "workshop");
    /* Numbers and booleans are text for free keys. */
    expect_field(doc, "pages", "12");
    expect_field(doc, "reviewed", "true");
    expect_field(doc, "score", "2.5");

    doc = find(set, "ext-003");
    cr_expect_str_eq(doc->language, "fr");
    cr_expect_str_eq(doc->title, "ext-003"); /* no title, no text: the id */
    cr_expect_str_eq(doc->body, "");
    expect_field(doc, "process", "2004");
    ms_archive_docset_free(set);
}

Test(jsonl, bad_lines_are_warnings_with_positions)
{
    static const char *const expected[] = {
        ":2:31: invalid JSON: premature end of input near '\"broken'",
        ":3:1: expected a JSON object, found a list",
        ":4:1: id: missing; every JSON line needs its own id",
        ":5:8: id: mix-1 is already used at line 1",
        ":6:25: date: must be text (in quotes), found a number",
        ":7:29: not valid UTF-8 (byte 0xE9)",
        ":8:30: countries: expected a value or a list of values, found an object",
        ":9:25: type: must be one of recommendation, workshop, report, other",
        ":10:26: title: expected a single value, found a list",
        ":12:21: invalid JSON: duplicate object key near '\"id\"'",
        ":13:8: id: must not contain whitespace or control characters",
        ":14:39: body: give either text or body, not both",
        ":15:28: themes: expected a value in the list, found a list",
    };
    ms_archive_docset_t *set = load_ok(JSONL, "mixed.jsonl");
    size_t n = sizeof(expected) / sizeof(expected[0]);

    cr_assert_eq(set->n_docs, 2);
    cr_expect_str_eq(set->docs[0]->id, "mix-1");
    cr_expect_str_eq(set->docs[1]->id, "mix-10"); /* a CRLF line */
    cr_expect_str_eq(set->docs[1]->body, "good line ten");
    cr_assert_eq(set->n_warnings, n, "%zu warnings", set->n_warnings);
    for (size_t i = 0; i < n; i++) {
        const char *w = set->warnings[i];
        cr_assert_eq(strncmp(w, JSONL "/mixed.jsonl:", strlen(JSONL "/mixed.jsonl:")), 0,
                     "%s", w);
        cr_expect_str_eq(w + strlen(JSONL "/mixed.jsonl"), expected[i]);
    }
    ms_archive_docset_free(set);
}

Test(jsonl, all_bad_or_empty_file_is_invalid)
{
    char text[TEXT_SIZE];

    load_fails(JSONL, "all-bad.jsonl", MS_ARCHIVE_INVALID, text, sizeof(text));
    cr_expect_str_eq(text, "jsonl/all-bad.jsonl:1:3: no valid line (2 bad); the first: "
                           "invalid JSON: '[' or '{' expected near 'not'");
    load_fails(JSONL, "empty.jsonl", MS_ARCHIVE_INVALID, text, sizeof(text));
    cr_expect_str_eq(text, "jsonl/empty.jsonl: empty file: no JSON lines");
    load_fails(JSONL, "blank.jsonl", MS_ARCHIVE_INVALID, text, sizeof(text));
    cr_expect_str_eq(text, "jsonl/blank.jsonl: empty file: no JSON lines");
}

struct collected {
    size_t docs, warnings, stop_after;
};

static ms_archive_status_t
count_doc(ms_archive_doc_t *doc, void *payload)
{
    struct collected *c = payload;

    ms_archive_doc_free(doc);
    c->docs++;
    return c->stop_after && c->docs >= c->stop_after ? MS_ARCHIVE_NOMEM : MS_ARCHIVE_OK;
}

static void
count_warning(const char *warning, void *payload)
{
    struct collected *c = payload;

    (void)warning;
    c->warnings++;
}

Test(jsonl, streams_through_callbacks_and_stops_when_told)
{
    struct collected c = {0, 0, 0};
    ms_archive_error_t err;

    cr_expect_eq(ms_archive_load_each(JSONL, "mixed.jsonl", &options, count_doc,
                                      count_warning, &c, &err),
                 MS_ARCHIVE_OK);
    cr_expect_eq(c.docs, 2);
    cr_expect_eq(c.warnings, 13);
    c = (struct collected){0, 0, 1};
    cr_expect_eq(
        ms_archive_load_each(JSONL, "good.jsonl", &options, count_doc, NULL, &c, &err),
        MS_ARCHIVE_NOMEM);
    cr_expect_eq(c.docs, 1);
}

Test(jsonl, size_limit_applies_per_line_not_per_file)
{
    static char input[300];
    ms_archive_options_t small = {.default_language = "en", .max_file_size = 60};
    struct collected c = {0, 0, 0};
    ms_archive_error_t err;
    FILE *in;

    snprintf(input, sizeof(input),
             "{\"id\": \"a\"}\n{\"id\": \"b\", \"text\": \"%0100d\"}\n"
             "{\"id\": \"c\"}\n{\"id\": \"d\"}\n{\"id\": \"e\"}\n",
             0);
    /* The input is longer than the limit; only line 2 is. */
    cr_assert_gt(strlen(input), 60);
    in = fmemopen(input, strlen(input), "r");
    cr_assert_not_null(in);
    cr_expect_eq(ms_archive__jsonl_read(in, "m.jsonl", "m.jsonl", NULL, &small, count_doc,
                                        count_warning, &c, &err),
                 MS_ARCHIVE_OK);
    fclose(in);
    cr_expect_eq(c.docs, 4);
    cr_expect_eq(c.warnings, 1);
}

/* Documents and warnings of one read: the ids, and the warnings' text. */
struct kept {
    char ids[8][16];
    size_t n_ids;
    char warnings[8][256];
    size_t n_warnings;
};

static ms_archive_status_t
keep_doc(ms_archive_doc_t *doc, void *payload)
{
    struct kept *k = payload;

    if (k->n_ids < 8)
        snprintf(k->ids[k->n_ids++], sizeof(k->ids[0]), "%s", doc->id);
    ms_archive_doc_free(doc);
    return MS_ARCHIVE_OK;
}

static void
keep_warning(const char *warning, void *payload)
{
    struct kept *k = payload;

    if (k->n_warnings < 8)
        snprintf(k->warnings[k->n_warnings++], sizeof(k->warnings[0]), "%s", warning);
}

Test(jsonl, keys_take_what_the_field_schema_says)
{
    /* A list for a field that takes one (venue), a number for a field of
     * one value out of a list (type), a boolean for a field that is not
     * free (symbol); a list of anything for a key staff do not set (year). */
    static char input[] =
        "{\"id\": \"a\", \"countries\": [\"Kenya\"], \"status\": [\"implemented\"]}\n"
        "{\"id\": \"b\", \"venue\": [\"Osh\"]}\n"
        "{\"id\": \"c\", \"type\": 7}\n"
        "{\"id\": \"d\", \"year\": [true, 1999]}\n"
        "{\"id\": \"e\", \"symbol\": false}\n";
    struct kept k = {.n_ids = 0};
    ms_archive_error_t err;
    FILE *in = fmemopen(input, strlen(input), "r");

    cr_assert_not_null(in);
    cr_expect_eq(ms_archive__jsonl_read(in, "k.jsonl", "k.jsonl", NULL, &options,
                                        keep_doc, keep_warning, &k, &err),
                 MS_ARCHIVE_OK);
    fclose(in);
    cr_assert_eq(k.n_ids, 2);
    cr_expect_str_eq(k.ids[0], "a");
    cr_expect_str_eq(k.ids[1], "d");
    cr_assert_eq(k.n_warnings, 3);
    cr_expect_str_eq(k.warnings[0],
                     "k.jsonl:2:22: venue: expected a single value, found a list");
    cr_expect_str_eq(k.warnings[1],
                     "k.jsonl:3:21: type: must be text (in quotes), found a number");
    cr_expect_str_eq(k.warnings[2],
                     "k.jsonl:5:23: symbol: must be text, found true or false");
}

/* File names with spaces and non-ASCII letters */

Test(names, spaces_and_non_ascii_letters_load)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc = load_one(&set, MODEL "/names", "Rapport d'été 2003.txt");

    cr_expect_str_eq(doc->id, "Rapport-d-été-2003");
    cr_expect_str_eq(doc->title, "Rapport été"); /* from its sidecar */
    expect_field(doc, "country", "Sénégal|Côte d'Ivoire");
    ms_archive_docset_free(set);

    doc = load_one(&set, MODEL "/names", "Отчёт о миграции.md");
    cr_expect_str_eq(doc->id, "Отчёт-о-миграции");
    cr_expect_str_eq(doc->title, "Отчёт о миграции");
    cr_expect_str_eq(doc->language, "ru");
    ms_archive_docset_free(set);

    doc = load_one(&set, MODEL "/names", "lines with spaces.jsonl");
    cr_expect_str_eq(doc->id, "space-1");
    ms_archive_docset_free(set);
}

/* The walker */

static void
expect_listing(const char *root, const char *const *expected)
{
    ms_archive_listing_t *listing = NULL;
    size_t n = 0;

    cr_assert_eq(ms_archive_walk(&listing, root, NULL, NULL), MS_ARCHIVE_OK);
    for (; n < listing->n_entries; n++) {
        cr_assert_not_null(expected[n], "extra entry %s", listing->entries[n].path);
        cr_expect_str_eq(listing->entries[n].path, expected[n]);
    }
    cr_expect_null(expected[n], "missing entry %s", expected[n]);
    ms_archive_listing_free(listing);
}

Test(walk, lists_documents_never_helper_files)
{
    static const char *const layers[] = {"a/b/doc.md", "a/b/plain.txt", "a/empty-list.md",
                                         "bare.txt", NULL};
    static const char *const names[] = {
        "Rapport d'été 2003.txt", "lines with spaces.jsonl", "Отчёт о миграции.md", NULL};

    expect_listing(LAYERS, layers);
    expect_listing(MODEL "/names", names);
}

Test(walk, lists_new_formats)
{
    ms_archive_listing_t *listing = NULL;
    size_t recsets = 0, sidecars = 0;

    cr_assert_eq(ms_archive_walk(&listing, RECSETS, NULL, NULL), MS_ARCHIVE_OK);
    for (size_t i = 0; i < listing->n_entries; i++) {
        recsets += strstr(listing->entries[i].path, ".recommendations.yaml") != NULL;
        sidecars += strstr(listing->entries[i].path, ".meta.yaml") != NULL;
    }
    cr_expect_eq(recsets, 13);
    cr_expect_eq(sidecars, 0);
    ms_archive_listing_free(listing);
}

struct problems {
    char text[2048];
    int failed;
    int skipped;
};

static void
note_problem(const char *path, const char *reason, bool failed, void *payload)
{
    struct problems *p = payload;
    size_t len = strlen(p->text);

    snprintf(p->text + len, sizeof(p->text) - len, "%s: %s%s\n", path, reason,
             failed ? "" : " (skipped)");
    if (failed)
        p->failed++;
    else
        p->skipped++;
}

static char scratch[64];

static void
make_scratch(void)
{
    snprintf(scratch, sizeof(scratch), "/tmp/ms-test-model-XXXXXX");
    cr_assert_not_null(mkdtemp(scratch));
}

static void
remove_scratch(void)
{
    char command[256];

    /* Give permissions back first, or a non-root run cannot delete. */
    snprintf(command, sizeof(command), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'",
             scratch, scratch);
    cr_expect_eq(system(command), 0);
}

static void
make_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", scratch, rel);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static void
make_link(const char *target, const char *rel)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", scratch, rel);
    cr_assert_eq(symlink(target, path), 0, "%s: %s", path, strerror(errno));
}

TestSuite(walk_failures, .init = make_scratch, .fini = remove_scratch);

Test(walk_failures, link_loops_end_and_are_reported)
{
    struct problems p = {"", 0, 0};
    ms_archive_listing_t *listing = NULL;
    char dir[128], text[TEXT_SIZE];
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;

    snprintf(dir, sizeof(dir), "%s/loop", scratch);
    cr_assert_eq(mkdir(dir, 0755), 0);
    make_file("good.md", "# Good\n");
    make_file("loop/inside.txt", "Inside.\n");
    make_link("..", "loop/back"); /* a folder loop */
    make_link("y.md", "x.md");    /* a file loop */
    make_link("x.md", "y.md");

    cr_assert_eq(ms_archive_walk(&listing, scratch, note_problem, &p), MS_ARCHIVE_OK);
    cr_assert_eq(listing->n_entries, 2, "%s", p.text);
    cr_expect_str_eq(listing->entries[0].path, "good.md");
    cr_expect_str_eq(listing->entries[1].path, "loop/inside.txt");
    cr_expect_not_null(strstr(p.text, "loop/back: directory already visited through "
                                      "another path; skipped (skipped)\n"),
                       "%s", p.text);
    cr_expect_not_null(strstr(p.text, "x.md: cannot read: Too many levels of symbolic "
                                      "links\n"),
                       "%s", p.text);
    cr_expect_not_null(strstr(p.text, "y.md: cannot read: "), "%s", p.text);
    cr_expect_eq(p.failed, 2, "%s", p.text);
    cr_expect_eq(p.skipped, 1, "%s", p.text);
    ms_archive_listing_free(listing);

    /* A loader that is handed the looping name anyway says why. */
    cr_expect_eq(ms_archive_load(&set, scratch, "x.md", &options, &err), MS_ARCHIVE_IO);
    cr_expect_null(set);
    cr_expect_not_null(strstr(ms_file_error_format(&err, text, sizeof(text)),
                              "x.md: cannot read: Too many levels of symbolic links"),
                       "%s", text);
}

/* chmod 000 stops every user but root, who reads through it; as root a
 * dangling link is the unreadable document instead, and the test checks
 * that the permission-less file is then read, not skipped. */
Test(walk_failures, unreadable_files_are_reported_not_listed)
{
    struct problems p = {"", 0, 0};
    ms_archive_listing_t *listing = NULL;
    char path[256], text[TEXT_SIZE];
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;
    bool root;

    make_file("good.md", "# Good\n");
    make_file("secret.txt", "Secret.\n");
    make_link("nowhere.txt", "gone.txt");
    make_link("nowhere.pdf", "ignored.bin"); /* not a document: not worth a word */
    snprintf(path, sizeof(path), "%s/secret.txt", scratch);
    cr_assert_eq(chmod(path, 0), 0);
    root = access(path, R_OK) == 0;

    cr_assert_eq(ms_archive_walk(&listing, scratch, note_problem, &p), MS_ARCHIVE_OK);
    cr_expect_not_null(
        strstr(p.text, "gone.txt: cannot read: No such file or directory\n"), "%s",
        p.text);
    cr_expect_null(strstr(p.text, "ignored.bin"), "%s", p.text);
    cr_expect_str_eq(listing->entries[0].path, "good.md");
    if (root) {
        cr_expect_eq(listing->n_entries, 2);
        cr_expect_eq(p.failed, 1, "%s", p.text);
    } else {
        cr_expect_eq(listing->n_entries, 1);
        cr_expect_not_null(strstr(p.text, "secret.txt: cannot read: Permission denied\n"),
                           "%s", p.text);
        cr_expect_eq(p.failed, 2, "%s", p.text);
        cr_expect_eq(ms_archive_load(&set, scratch, "secret.txt", &options, &err),
                     MS_ARCHIVE_IO);
    }
    ms_archive_listing_free(listing);
    cr_expect_eq(ms_archive_load(&set, scratch, "gone.txt", &options, &err),
                 MS_ARCHIVE_IO);
    cr_expect_null(set);
    cr_expect_not_null(strstr(ms_file_error_format(&err, text, sizeof(text)),
                              "gone.txt: cannot read: No such file or directory"),
                       "%s", text);
}

Test(walk_failures, dangling_sidecar_is_an_error_not_ignored)
{
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;
    char text[TEXT_SIZE];

    make_file("report.txt", "Report.\n");
    make_link("nowhere.yaml", "report.meta.yaml");
    cr_expect_eq(ms_archive_load(&set, scratch, "report.txt", &options, &err),
                 MS_ARCHIVE_IO);
    cr_expect_not_null(strstr(ms_file_error_format(&err, text, sizeof(text)),
                              "report.meta.yaml: cannot read"),
                       "%s", text);
}

/* The sample archive's additions */

#define ARCHIVE MS_TEST_DATA "/archive"

Test(sample, recommendation_sets_load)
{
    ms_archive_docset_t *set = load_ok(ARCHIVE, "recommendations/ikd-2002-cholponata."
                                                "recommendations.yaml");
    char statuses[4][32] = {"implemented", "partially implemented", "not implemented",
                            "no information"};
    bool seen[4] = {false, false, false, false};

    cr_expect_eq(set->n_docs, 6);
    cr_expect_str_eq(set->docs[0]->id, "ikd-2002-cholponata.r1");
    for (size_t i = 0; i < set->n_docs; i++) {
        expect_field(set->docs[i], "type", "recommendation");
        expect_field(set->docs[i], "sample", "true");
        for (size_t j = 0; j < set->docs[i]->n_fields; j++) {
            for (int k = 0; k < 4; k++) {
                if (strcmp(set->docs[i]->fields[j].name, "status") == 0 &&
                    strcmp(set->docs[i]->fields[j].value, statuses[k]) == 0)
                    seen[k] = true;
            }
        }
    }
    ms_archive_docset_free(set);
    set = load_ok(ARCHIVE, "recommendations/au-2004-accra.recommendations.yaml");
    cr_expect_eq(set->n_docs, 7);
    cr_expect_str_eq(set->docs[0]->id, "au-2004-accra.r1");
    cr_expect_str_eq(set->docs[0]->language, "en");
    for (size_t i = 0; i < set->n_docs; i++) {
        for (size_t j = 0; j < set->docs[i]->n_fields; j++) {
            for (int k = 0; k < 4; k++) {
                if (strcmp(set->docs[i]->fields[j].name, "status") == 0 &&
                    strcmp(set->docs[i]->fields[j].value, statuses[k]) == 0)
                    seen[k] = true;
            }
        }
    }
    ms_archive_docset_free(set);
    for (int k = 0; k < 4; k++)
        cr_expect(seen[k], "status %s appears", statuses[k]);
}

Test(sample, folder_defaults_reach_plain_text_files)
{
    ms_archive_docset_t *set;
    ms_archive_doc_t *doc =
        load_one(&set, ARCHIVE, "workshops/kmi-1998-concept-note.txt");

    expect_field(doc, "type", "workshop");
    ms_archive_docset_free(set);
    doc = load_one(&set, ARCHIVE, "recommendations/ikd-2000-almaty-recommendations.txt");
    expect_field(doc, "type", "recommendation");
    expect_field(doc, "sample", "true");
    ms_archive_docset_free(set);
}

Test(sample, every_listed_file_loads)
{
    ms_archive_listing_t *listing = NULL;
    size_t docs = 0;

    cr_assert_eq(ms_archive_walk(&listing, ARCHIVE, NULL, NULL), MS_ARCHIVE_OK);
    for (size_t i = 0; i < listing->n_entries; i++) {
        const char *path = listing->entries[i].path;
        ms_archive_docset_t *set = NULL;
        ms_archive_error_t err;
        char text[TEXT_SIZE];
        cr_expect_null(strstr(path, "_defaults"), "%s", path);
        cr_expect_null(strstr(path, ".meta.yaml"), "%s", path);
        /* Binary formats wait for the extractors; skip them here. */
        if (!strstr(path, ".md") && !strstr(path, ".txt") && !strstr(path, ".yaml") &&
            !strstr(path, ".jsonl"))
            continue;
        cr_expect_eq(ms_archive_load(&set, ARCHIVE, path, &options, &err), MS_ARCHIVE_OK,
                     "%s", ms_file_error_format(&err, text, sizeof(text)));
        docs += set ? set->n_docs : 0;
        ms_archive_docset_free(set);
    }
    /* 32 single documents (tests/data/ARCHIVE.md) plus 6 + 7 recommendations. */
    cr_expect_eq(docs, 45);
    ms_archive_listing_free(listing);
}

/* Through the real extractors: what the mapping makes of an HTML file. */

Test(extracted, html_file_through_the_extractor)
{
    ms_archive_options_t opts = {.default_language = "en",
                                 .extract = {.timeout_ms = 30000}};
    ms_archive_docset_t *set = NULL;
    ms_archive_error_t err;
    char text[TEXT_SIZE];
    ms_archive_doc_t *doc;

    cr_assert_eq(ms_archive_load(&set, MODEL "/html", "page.html", &opts, &err),
                 MS_ARCHIVE_OK, "%s", ms_file_error_format(&err, text, sizeof(text)));
    cr_assert_eq(set->n_docs, 1);
    doc = set->docs[0];
    cr_expect_str_eq(doc->id, "page");
    cr_expect_str_eq(doc->title, "Titre de la page");
    /* The folder's defaults (staff) beat the page's lang="fr-FR". */
    cr_expect_str_eq(doc->language, "ru");
    expect_field(doc, "description", "Un résumé de la page");
    expect_field(doc, "type", "report");
    cr_expect_not_null(strstr(doc->body, "Texte du corps."), "%s", doc->body);
    cr_expect_null(strstr(doc->body, "scripted"), "%s", doc->body);
    ms_archive_docset_free(set);

    cr_assert_eq(ms_archive_load(&set, MODEL "/html", "sidecar.html", &opts, &err),
                 MS_ARCHIVE_OK, "%s", ms_file_error_format(&err, text, sizeof(text)));
    doc = set->docs[0];
    cr_expect_str_eq(doc->title, "Title from the sidecar");
    cr_expect_str_eq(doc->language, "en");
    ms_archive_docset_free(set);
}
