/* test_document.c - unit tests for documents: front matter, ids, titles, formats, keys
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Files under tests/data/frontmatter/ are loaded the way migsearch-index
 * loads them, with that folder as the archive root. The pure helpers
 * (dates, ids, UTF-8) are covered by tables, and so are the format table
 * (formats.c) and the metadata keys the field schema drives (meta.c).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "archive-meta.h"
#include "ms_archive.h"
#include "ms_utf8.h"
#include "ms_date.h"
#include "ms_schema.h"

#define ROOT MS_TEST_DATA "/frontmatter"

static const ms_archive_options_t options = {.default_language = "en"};

/* Big enough for any formatted error, so the compiler sees no truncation. */
#define TEXT_SIZE 4500

static ms_archive_doc_t *
load_ok(const char *path)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;
    char text[sizeof(err.file) + sizeof(err.text) + 32];
    ms_archive_status_t status = ms_archive_doc_load(&doc, ROOT, path, &options, &err);

    cr_assert_eq(status, MS_ARCHIVE_OK, "%s: status %d: %s", path, status,
                 ms_file_error_format(&err, text, sizeof(text)));
    cr_assert_not_null(doc);
    return doc;
}

/* Load 'path', expect it refused as invalid, and return the formatted
 * error with the archive root cut off ("bad.md:3:7: type: ..."). */
static void
load_fails(const char *path, char *out, size_t size)
{
    ms_archive_doc_t *doc = (ms_archive_doc_t *)1;
    ms_archive_error_t err;
    char text[sizeof(err.file) + sizeof(err.text) + 32];
    ms_archive_status_t status = ms_archive_doc_load(&doc, ROOT, path, &options, &err);

    cr_assert_eq(status, MS_ARCHIVE_INVALID, "%s: status %d", path, status);
    cr_assert_null(doc);
    ms_file_error_format(&err, text, sizeof(text));
    cr_assert_eq(strncmp(text, ROOT "/", strlen(ROOT "/")), 0, "error names the file: %s",
                 text);
    snprintf(out, size, "%s", text + strlen(ROOT "/"));
}

/* The fields of 'doc' but the Markdown source the loader adds to every
 * Markdown file (test_text checks it). */
static size_t
staff_fields(const ms_archive_doc_t *doc)
{
    size_t n = 0;

    for (size_t i = 0; i < doc->n_fields; i++)
        n += strcmp(doc->fields[i].name, "markdown") != 0;
    return n;
}

/* The values of field 'name', joined with '|', in order. */
static const char *
field_values(const ms_archive_doc_t *doc, const char *name, char *buf, size_t size)
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

Test(document, parses_full_front_matter)
{
    ms_archive_doc_t *doc = load_ok("full.md");
    char buf[256];

    cr_expect_str_eq(doc->id, "ikd-2001-rec-07");
    cr_expect_str_eq(doc->title, "Recommendation 7: counter-trafficking cooperation");
    cr_expect_str_eq(doc->date, "2001-06-14");
    cr_expect_str_eq(doc->language, "ru");
    cr_expect_str_eq(field_values(doc, "type", buf, sizeof(buf)), "recommendation");
    cr_expect_str_eq(field_values(doc, "symbol", buf, sizeof(buf)), "E/CN.4/2003/74");
    cr_expect_str_eq(field_values(doc, "process", buf, sizeof(buf)),
                     "Issyk-Kul Dialogue");
    cr_expect_str_eq(field_values(doc, "meeting", buf, sizeof(buf)), "ikd-2001-bishkek");
    cr_expect_str_eq(field_values(doc, "country", buf, sizeof(buf)),
                     "Kyrgyzstan|Kazakhstan");
    cr_expect_str_eq(field_values(doc, "theme", buf, sizeof(buf)),
                     "trafficking|border management");
    cr_expect_str_eq(field_values(doc, "status", buf, sizeof(buf)), "implemented");
    /* The document's one status is what each of its countries reported. */
    cr_expect_str_eq(field_values(doc, "report", buf, sizeof(buf)),
                     "Kyrgyzstan\timplemented|Kazakhstan\timplemented");
    cr_expect_eq(staff_fields(doc), 11);
    /* The body starts after the closing "---" and loses Markdown syntax. */
    cr_expect_str_eq(doc->body, "A heading that is not the title\n\n"
                                "Governments should strengthen regional cooperation\n"
                                "on trafficking cases.\n");
    ms_archive_doc_free(doc);
}

Test(document, converts_to_index_document)
{
    ms_archive_doc_t *doc = load_ok("full.md");
    ms_document_t view;

    ms_archive_doc_view(&view, doc);
    cr_expect_eq(view.id, doc->id);
    cr_expect_eq(view.title, doc->title);
    cr_expect_eq(view.body, doc->body);
    cr_expect_eq(view.language, doc->language);
    cr_expect_eq(view.date, doc->date);
    cr_assert_eq(view.n_fields, doc->n_fields);
    for (size_t i = 0; i < view.n_fields; i++) {
        cr_expect_str_eq(view.fields[i].name, doc->fields[i].name);
        cr_expect_str_eq(view.fields[i].value, doc->fields[i].value);
    }
    /* type, symbol, process, meeting, then the countries in file order. */
    cr_expect_str_eq(view.fields[4].name, "country");
    cr_expect_str_eq(view.fields[4].value, "Kyrgyzstan");
    cr_expect_str_eq(view.fields[5].value, "Kazakhstan");
    ms_archive_doc_free(doc);
}

Test(document, without_front_matter_uses_defaults)
{
    ms_archive_doc_t *doc = load_ok("none.md");

    cr_expect_str_eq(doc->id, "none");
    cr_expect_str_eq(doc->title, "Annual report on labour migration");
    cr_expect_str_eq(doc->language, "en");
    cr_expect_null(doc->date);
    cr_expect_eq(staff_fields(doc), 0);
    cr_expect_str_eq(doc->body, "Some words before the heading.\n\n"
                                "Annual report on labour migration\n\n"
                                "Body text with an chart image.\n");
    ms_archive_doc_free(doc);
}

Test(document, accepts_lists_and_scalars_and_skips_nulls)
{
    ms_archive_doc_t *doc = load_ok("lists.md");
    char buf[256];

    cr_expect_str_eq(field_values(doc, "country", buf, sizeof(buf)),
                     "Tajikistan|Uzbekistan");
    cr_expect_str_eq(field_values(doc, "theme", buf, sizeof(buf)), "remittances|labour");
    cr_expect_str_eq(field_values(doc, "symbol", buf, sizeof(buf)), "");
    cr_expect_str_eq(field_values(doc, "status", buf, sizeof(buf)), "");
    cr_expect_eq(staff_fields(doc), 4);
    ms_archive_doc_free(doc);
}

Test(document, keeps_free_fields)
{
    ms_archive_doc_t *doc = load_ok("free.md");
    char buf[256];

    cr_expect_str_eq(field_values(doc, "donor", buf, sizeof(buf)), "IOM");
    cr_expect_str_eq(field_values(doc, "keywords", buf, sizeof(buf)),
                     "visa|return migration");
    cr_expect_str_eq(field_values(doc, "reviewed", buf, sizeof(buf)), "");
    cr_expect_eq(staff_fields(doc), 3);
    ms_archive_doc_free(doc);
}

Test(document, derives_id_from_path_with_spaces_and_non_ascii)
{
    ms_archive_doc_t *doc = load_ok("derived/Rapport été 2003 #1.md");

    cr_expect_str_eq(doc->id, "derived.Rapport-été-2003--1");
    cr_expect_null(ms_schema_id_check(doc->id));
    cr_expect_str_eq(doc->title, "Rapport été 2003 #1");
    ms_archive_doc_free(doc);
}

/* Criterion may run each parameterized case in a freshly started process,
 * where pointers from the parent mean nothing, so the cases hold arrays. */
struct derive_case {
    char path[64];
    char id[64];
};

ParameterizedTestParameters(document, derives_ids)
{
    static struct derive_case cases[] = {
        {"a.md", "a"},
        {"reports/2003/annual.txt", "reports.2003.annual"},
        {"v1.2/notes.md", "v1.2.notes"},
        {"no-extension", "no-extension"},
        {"q?a#b%c\"d'e<f>g\\h.md", "q-a-b-c-d-e-f-g-h"},
        {"tab\there.md", "tab-here"},
        {"Ош/Бишкек.md", "Ош.Бишкек"},
    };
    return cr_make_param_array(struct derive_case, cases,
                               sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct derive_case *c, document, derives_ids)
{
    char *id = NULL;

    cr_assert_eq(ms_archive_id_derive(&id, c->path), MS_ARCHIVE_OK, "%s", c->path);
    cr_expect_str_eq(id, c->id);
    free(id);
}

Test(document, refuses_derived_id_over_200_bytes)
{
    char path[256], *id = (char *)1;

    memset(path, 'x', 201);
    strcpy(path + 201, ".md");
    cr_expect_eq(ms_archive_id_derive(&id, path), MS_ARCHIVE_INVALID);
    cr_expect_null(id);
    path[200] = '\0';
    strcpy(path + 200, ".md");
    cr_assert_eq(ms_archive_id_derive(&id, path), MS_ARCHIVE_OK);
    cr_expect_eq(strlen(id), 200);
    free(id);
}

Test(document, checks_given_ids)
{
    char long_id[202];

    memset(long_id, 'a', 201);
    long_id[201] = '\0';
    cr_expect_null(ms_schema_id_check("ikd-2001-rec-07"));
    cr_expect_null(ms_schema_id_check("E.CN.4.2003.74"));
    cr_expect_null(ms_schema_id_check("Бишкек-2001"));
    cr_expect_not_null(ms_schema_id_check(""));
    cr_expect_not_null(ms_schema_id_check("a/b"));
    cr_expect_not_null(ms_schema_id_check("a b"));
    cr_expect_not_null(ms_schema_id_check("a\tb"));
    cr_expect_not_null(ms_schema_id_check("a\x7f"));
    cr_expect_not_null(ms_schema_id_check(long_id));
    long_id[200] = '\0';
    cr_expect_null(ms_schema_id_check(long_id));
}

Test(document, rejects_invalid_given_id_with_position)
{
    char text[TEXT_SIZE];

    load_fails("bad-id.md", text, sizeof(text));
    cr_expect_str_eq(
        text, "bad-id.md:3:5: id: must not contain whitespace or control characters");
    load_fails("bad-id-slash.md", text, sizeof(text));
    cr_expect_str_eq(text, "bad-id-slash.md:2:5: id: must not contain '/' or '\\'");
}

Test(document, rejects_unknown_type)
{
    char text[TEXT_SIZE];

    load_fails("bad-type.md", text, sizeof(text));
    cr_expect_str_eq(text, "bad-type.md:3:7: type: must be one of recommendation, "
                           "workshop, report, other");
}

Test(document, rejects_impossible_date)
{
    char text[TEXT_SIZE];

    load_fails("bad-date.md", text, sizeof(text));
    cr_expect_str_eq(text, "bad-date.md:3:7: date: must be a real date as YYYY, YYYY-MM "
                           "or YYYY-MM-DD");
}

struct date_case {
    char date[16];
    bool valid;
};

ParameterizedTestParameters(document, validates_dates)
{
    static struct date_case cases[] = {
        {"2001", true},        {"2001-06", true},     {"2001-06-14", true},
        {"2004-02-29", true},  {"2000-02-29", true},  {"1999-12-31", true},
        {"2003-02-30", false}, {"2003-02-29", false}, {"1900-02-29", false},
        {"2001-04-31", false}, {"2001-13", false},    {"2001-00", false},
        {"2001-06-00", false}, {"0000", false},       {"01", false},
        {"2001-6-14", false},  {"2001/06/14", false}, {"2001-06-14T00", false},
        {"", false},           {"abcd", false},       {"2001-06-1x", false},
    };
    return cr_make_param_array(struct date_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct date_case *c, document, validates_dates)
{
    cr_expect_eq(ms_date_parse(NULL, c->date), c->valid, "%s", c->date);
}

Test(document, reports_yaml_syntax_error_at_its_position)
{
    char text[TEXT_SIZE];

    load_fails("syntax.md", text, sizeof(text));
    cr_expect_str_eq(text, "syntax.md:4:6: invalid YAML: mapping values are not allowed "
                           "in this context");
    /* libyaml notices at the closing "---"; the message points back to
     * where the list was opened. */
    load_fails("unclosed-list.md", text, sizeof(text));
    cr_expect_str_eq(text,
                     "unclosed-list.md:3:1: invalid YAML: did not find expected ',' "
                     "or ']' while parsing a flow sequence started at 2:8");
}

Test(document, rejects_mapping_where_scalar_expected_at_its_position)
{
    char text[TEXT_SIZE];

    load_fails("mapping.md", text, sizeof(text));
    cr_expect_str_eq(text, "mapping.md:4:3: process: expected a single value, found a "
                           "mapping");
    load_fails("mapping-in-list.md", text, sizeof(text));
    cr_expect_str_eq(text, "mapping-in-list.md:4:5: themes: expected a single value, "
                           "found a mapping");
    load_fails("nested-list.md", text, sizeof(text));
    cr_expect_str_eq(text,
                     "nested-list.md:2:13: countries: expected a value in the list, "
                     "found a nested list");
    load_fails("list-for-scalar.md", text, sizeof(text));
    cr_expect_str_eq(text, "list-for-scalar.md:2:7: date: expected a single value, found "
                           "a list");
}

Test(document, rejects_front_matter_that_is_not_a_mapping)
{
    char text[TEXT_SIZE];

    load_fails("not-mapping.md", text, sizeof(text));
    cr_expect_str_eq(text,
                     "not-mapping.md:2:1: front matter must be a mapping of keys to "
                     "values");
    load_fails("duplicate-key.md", text, sizeof(text));
    cr_expect_str_eq(text, "duplicate-key.md:3:1: title: duplicate key");
}

Test(document, rejects_invalid_utf8_at_its_position)
{
    char text[TEXT_SIZE];

    load_fails("invalid-utf8.txt", text, sizeof(text));
    cr_expect_str_eq(
        text, "invalid-utf8.txt:2:4: not valid UTF-8 (byte 0xE9); convert the file");
}

struct utf8_case {
    char bytes[8];
    size_t len;
    bool valid;
    size_t bad;
};

ParameterizedTestParameters(document, validates_utf8)
{
    static struct utf8_case cases[] = {
        {"plain", 5, true, 0},
        {"\xC3\xA9t\xC3\xA9", 5, true, 0}, /* été */
        {"\xE2\x80\x99", 3, true, 0},      /* ’ */
        {"\xF0\x9F\x99\x82", 4, true, 0},  /* U+1F642 */
        {"ab\xC3", 3, false, 2},           /* truncated */
        {"a\xC0\xAF", 3, false, 1},        /* overlong '/' */
        {"\xE0\x80\xAF", 3, false, 0},     /* overlong '/' */
        {"x\xED\xA0\x80", 4, false, 1},    /* surrogate D800 */
        {"\xF4\x90\x80\x80", 4, false, 0}, /* past U+10FFFF */
        {"ok\x80", 3, false, 2},           /* stray continuation */
        {"a\0b", 3, false, 1},             /* NUL */
        {"\xFF", 1, false, 0},
    };
    return cr_make_param_array(struct utf8_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct utf8_case *c, document, validates_utf8)
{
    size_t bad = 12345;

    cr_expect_eq(ms_utf8_valid(c->bytes, c->len, &bad), c->valid);
    if (!c->valid)
        cr_expect_eq(bad, c->bad);
}

Test(document, rejects_unterminated_front_matter)
{
    char text[TEXT_SIZE];

    load_fails("unterminated.md", text, sizeof(text));
    cr_expect_str_eq(text,
                     "unterminated.md:1:1: front matter is not closed by a '---' line");
}

Test(document, rejects_empty_file)
{
    char text[TEXT_SIZE];

    load_fails("empty.txt", text, sizeof(text));
    cr_expect_str_eq(text, "empty.txt: empty file");
}

Test(document, refuses_file_over_max_size)
{
    ms_archive_options_t small = {.default_language = "en", .max_file_size = 100};
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;

    cr_expect_eq(ms_archive_doc_load(&doc, ROOT, "full.md", &small, &err),
                 MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_not_null(strstr(err.text, "archive.max_file_size"), "%s", err.text);
    cr_expect_not_null(strstr(err.file, "full.md"));
    small.max_file_size = 4096;
    cr_assert_eq(ms_archive_doc_load(&doc, ROOT, "full.md", &small, &err), MS_ARCHIVE_OK);
    ms_archive_doc_free(doc);
}

Test(document, reports_missing_file_as_io)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;

    cr_expect_eq(ms_archive_doc_load(&doc, ROOT, "no-such-file.md", &options, &err),
                 MS_ARCHIVE_IO);
    cr_expect_null(doc);
    cr_expect_not_null(strstr(err.text, "cannot read"));
}

Test(document, takes_title_from_first_level_one_heading)
{
    ms_archive_doc_t *doc = load_ok("title-heading.md");
    char buf[64];

    /* Not the paragraph, not the fenced "# ...", not the "##" heading. */
    cr_expect_str_eq(doc->title, "The real title");
    cr_expect_str_eq(field_values(doc, "type", buf, sizeof(buf)), "workshop");
    cr_expect_not_null(strstr(doc->body, "# not a heading, inside code\n"));
    ms_archive_doc_free(doc);
}

Test(document, takes_title_from_first_non_empty_line_of_text)
{
    ms_archive_doc_t *doc = load_ok("title-text.txt");

    cr_expect_str_eq(doc->title, "First line of the text");
    cr_expect_str_eq(doc->id, "title-text");
    /* Text files are indexed as they are. */
    cr_expect_str_eq(doc->body, "\n   \n   First line of the text  \nSecond line.\n");
    ms_archive_doc_free(doc);
}

Test(document, takes_title_from_file_name_last)
{
    ms_archive_doc_t *doc = load_ok("title-name.md");

    cr_expect_str_eq(doc->title, "title-name");
    ms_archive_doc_free(doc);
}

Test(document, cuts_long_first_line_title_on_character_boundary)
{
    char text[600];
    ms_archive_doc_t *doc = NULL;
    size_t n = 0;

    /* 150 two-byte letters: 300 bytes, cut to at most 200. */
    for (int i = 0; i < 150; i++) {
        text[n++] = '\xD0';
        text[n++] = '\x96';
    }
    text[n++] = '\n';
    cr_assert_eq(ms_archive_doc_parse(&doc, "long.txt", text, n, &options, NULL),
                 MS_ARCHIVE_OK);
    cr_expect_eq(strlen(doc->title), 200);
    cr_expect(ms_utf8_valid(doc->title, strlen(doc->title), NULL));
    ms_archive_doc_free(doc);
}

Test(document, skips_byte_order_mark_before_front_matter)
{
    ms_archive_doc_t *doc = load_ok("bom.md");

    cr_expect_str_eq(doc->title, "After a BOM");
    cr_expect_str_eq(doc->body, "Body.\n");
    ms_archive_doc_free(doc);
}

Test(document, accepts_empty_front_matter)
{
    ms_archive_doc_t *doc = load_ok("empty-front-matter.md");

    cr_expect_str_eq(doc->body, "Only a body.\n");
    cr_expect_eq(staff_fields(doc), 0);
    ms_archive_doc_free(doc);
}

Test(document, rejects_nul_from_yaml_escape)
{
    static const char text[] = "---\ntitle: \"a\\0b\"\n---\n";
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;

    cr_expect_eq(
        ms_archive_doc_parse(&doc, "nul.md", text, sizeof(text) - 1, &options, &err),
        MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_eq(err.line, 2);
    cr_expect_eq(err.column, 8);
}

Test(document, rejects_unsupported_type_and_knows_supported_ones)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;

    cr_expect(ms_archive_supported("a.txt"));
    cr_expect(ms_archive_supported("A.MD"));
    cr_expect(ms_archive_supported("notes.markdown"));
    cr_expect(ms_archive_supported("a.pdf"));
    cr_expect(ms_archive_supported("dir/a.Docx"));
    cr_expect(ms_archive_supported("a.odt"));
    cr_expect(ms_archive_supported("a.HTM"));
    cr_expect(ms_archive_supported("a.html"));
    cr_expect(ms_archive_supported("a.jsonl"));
    cr_expect(ms_archive_supported("ikd-2002.recommendations.yaml"));
    cr_expect_not(ms_archive_supported("a.yaml"));
    cr_expect_not(ms_archive_supported("a.doc"));
    cr_expect_not(ms_archive_supported("md"));
    cr_expect_not(ms_archive_supported(".md"));
    cr_expect_not(ms_archive_supported("dir/.md"));
    /* Helper files are never documents, whatever their extension. */
    cr_expect_not(ms_archive_supported("_defaults.yaml"));
    cr_expect_not(ms_archive_supported("a/_synonyms.txt"));
    cr_expect_not(ms_archive_supported("report.meta.yaml"));
    cr_expect_not(ms_archive_supported("x.recommendations.meta.yaml"));
    cr_expect_eq(ms_archive_doc_parse(&doc, "a.exe", "x", 1, &options, &err),
                 MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_str_eq(err.text, "unsupported file type");
    /* The single-document parser reads text and Markdown only. */
    cr_expect_eq(ms_archive_doc_parse(&doc, "a.pdf", "x", 1, &options, &err),
                 MS_ARCHIVE_INVALID);
    cr_expect_null(doc);
    cr_expect_str_eq(err.text, "not a text or Markdown file");
}

Test(document, formats_errors_with_and_without_position)
{
    ms_archive_error_t err = {"a/b.md", 3, 7, "type: bad"};
    char buf[64];

    cr_expect_str_eq(ms_file_error_format(&err, buf, sizeof(buf)),
                     "a/b.md:3:7: type: bad");
    err.line = 0;
    cr_expect_str_eq(ms_file_error_format(&err, buf, sizeof(buf)), "a/b.md: type: bad");
}

Test(document, survives_hostile_front_matter)
{
    /* Unclosed flow collections, tabs, anchors and stray bytes must come
     * back as errors or documents, never crashes. */
    static const char *const inputs[] = {
        "---\n[[[[[[[[[[\n---\n",
        "---\na: &x [1, 2]\nb: *x\n---\n",
        "---\n? [a]\n: b\n---\n",
        "---\n\"\": x\n---\n",
        "---\na: \"\\x01\"\n---\n",
        "---\na:\tb\n---\n",
        "---\n!!binary x: y\n---\n",
        "---\n---",
        "---",
        "#",
        "# \n",
        "[a](",
        "![",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        ms_archive_doc_t *doc = NULL;
        ms_archive_error_t err;
        ms_archive_status_t status = ms_archive_doc_parse(
            &doc, "h.md", inputs[i], strlen(inputs[i]), &options, &err);
        cr_expect(status == MS_ARCHIVE_OK || status == MS_ARCHIVE_INVALID, "input %zu",
                  i);
        cr_expect_eq(doc != NULL, status == MS_ARCHIVE_OK, "input %zu", i);
        ms_archive_doc_free(doc);
    }
}

/* The format table (formats.c) */

Test(formats, every_row_has_a_loader_and_is_supported)
{
    cr_assert_gt(ms_archive__n_formats, 0);
    for (size_t i = 0; i < ms_archive__n_formats; i++) {
        const ms_archive__format_t *row = &ms_archive__formats[i];
        char name[64], upper[64];

        cr_assert_not_null(row->load, "%s", row->extension);
        cr_assert_eq(row->extension[0], '.', "%s", row->extension);
        snprintf(name, sizeof(name), "dir/x%s", row->extension);
        for (size_t j = 0; j < sizeof(upper) && (upper[j] = (char)toupper(name[j])); j++)
            ;
        cr_expect(ms_archive_supported(name), "%s", name);
        cr_expect(ms_archive_supported(upper), "%s", upper);
        cr_expect_eq(ms_archive__format_for(name), row, "%s", name);
        /* The extension alone is a hidden file, not a document. */
        cr_expect_not(ms_archive_supported(row->extension), "%s", row->extension);
    }
}

Test(formats, only_text_and_markdown_parse_from_memory)
{
    for (size_t i = 0; i < ms_archive__n_formats; i++) {
        const ms_archive__format_t *row = &ms_archive__formats[i];
        bool text = row->load == ms_archive__load_text;

        cr_expect_eq(row->parse != NULL, text, "%s", row->extension);
        /* Files of many documents are the ones whose sidecar gives no id. */
        cr_expect_eq(row->many,
                     row->load == ms_archive__load_recset ||
                         row->load == ms_archive__load_jsonl,
                     "%s", row->extension);
    }
}

Test(formats, staff_guide_lists_every_extension)
{
    FILE *f = fopen(MS_SOURCE_DIR "/docs/staff.md", "r");
    static char guide[1 << 17];
    size_t n;
    const char *table, *end;

    cr_assert_not_null(f);
    n = fread(guide, 1, sizeof(guide) - 1, f);
    fclose(f);
    guide[n] = '\0';
    table = strstr(guide, "## Where documents go");
    cr_assert_not_null(table);
    end = strstr(table + 1, "\n## ");
    cr_assert_not_null(end);
    for (size_t i = 0; i < ms_archive__n_formats; i++) {
        char quoted[64];
        const char *at;

        snprintf(quoted, sizeof(quoted), "`%s`", ms_archive__formats[i].extension);
        at = strstr(table, quoted);
        cr_expect(at && at < end, "docs/staff.md, \"Where documents go\", lacks %s",
                  quoted);
    }
}

/* Metadata keys: the document's slots, then the schema's fields (meta.c) */

Test(keys, every_field_staff_set_comes_from_the_schema)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *f = &ms_schema_fields[i];
        bool staff = f->source == MS_FIELD_FROM_META && !(f->flags & MS_FIELD_GENERATED);
        const char *names[] = {f->name, f->key};

        for (size_t j = 0; j < 2 && names[j]; j++) {
            ms_archive_key_t key;

            ms_archive__key(&key, names[j]);
            if (key.slot != MS_ARCHIVE_SLOT_NONE)
                continue; /* "language": the document's own slot */
            if (!staff) {
                /* year, source, reports: a free field of the given name */
                cr_expect(ms_archive__key_free(&key), "%s", names[j]);
                cr_expect_str_eq(key.name, names[j]);
                continue;
            }
            cr_expect_eq(key.field, f, "%s", names[j]);
            cr_expect_str_eq(key.name, f->name);
            cr_expect_eq(key.list, (f->flags & MS_FIELD_MULTI) != 0, "%s", names[j]);
        }
    }
}

Test(keys, slots_fields_and_free_keys)
{
    ms_archive_key_t key;

    ms_archive__key(&key, "countries");
    cr_expect_str_eq(key.name, "country");
    cr_expect_eq(key.field, ms_schema_field("country"));
    cr_expect(key.list);
    ms_archive__key(&key, "type");
    cr_expect_not(key.list);
    cr_expect(key.text_only);
    cr_expect(key.check_empty);
    ms_archive__key(&key, "venue");
    cr_expect_not(key.list);
    cr_expect_not(key.text_only);
    ms_archive__key(&key, "id");
    cr_expect_eq(key.slot, MS_ARCHIVE_SLOT_ID);
    ms_archive__key(&key, "language");
    cr_expect_eq(key.slot, MS_ARCHIVE_SLOT_LANGUAGE);
    cr_expect(key.text_only);
    cr_expect_not(key.check_empty);
    ms_archive__key(&key, "donor");
    cr_expect(ms_archive__key_free(&key));
    cr_expect_str_eq(key.name, "donor");
    cr_expect(key.list);
}

static const char *
check(const char *name, const char *value, const char **stored, char *buf, size_t size)
{
    ms_archive_key_t key;

    ms_archive__key(&key, name);
    return ms_archive__value_check(&key, value, stored, buf, size);
}

Test(keys, values_are_checked_by_the_one_rule_of_each)
{
    char buf[256];
    const char *stored;

    cr_expect_str_eq(check("type", "memo", NULL, buf, sizeof(buf)),
                     "must be one of recommendation, workshop, report, other");
    cr_expect_null(check("type", "report", NULL, buf, sizeof(buf)));
    cr_expect_str_eq(check("status", "done", NULL, buf, sizeof(buf)),
                     "must be one of implemented, partially implemented, "
                     "not implemented, no information");
    cr_expect_str_eq(check("language", "de", NULL, buf, sizeof(buf)),
                     "must be one of en, fr, es, ru, ar, zh");
    cr_expect_null(check("language", "fr_CA", &stored, buf, sizeof(buf)));
    cr_expect_str_eq(stored, "fr");
    cr_expect_null(check("language", "ZH-Hant-TW", &stored, buf, sizeof(buf)));
    cr_expect_str_eq(stored, "zh");
    cr_expect_not_null(check("language", "f", NULL, buf, sizeof(buf)));
    cr_expect_not_null(check("language", "fr-", NULL, buf, sizeof(buf)));
    cr_expect_str_eq(check("date", "2003-02-30", NULL, buf, sizeof(buf)),
                     "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD");
    cr_expect_str_eq(check("id", "a\\b", NULL, buf, sizeof(buf)),
                     ms_schema_id_check("a\\b"));
    cr_expect_null(check("country", "anything at all", &stored, buf, sizeof(buf)));
    cr_expect_null(check("donor", "anything at all", NULL, buf, sizeof(buf)));
}

/* Parse front matter 'yaml' as "k.md"; return the status, the error in
 * 'text' or the fields, "name=value" joined by '|'. */
static ms_archive_status_t
front_matter(const char *yaml, char *text, size_t size)
{
    char input[512];
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;
    ms_archive_status_t status;

    snprintf(input, sizeof(input), "---\n%s---\nBody.\n", yaml);
    status = ms_archive_doc_parse(&doc, "k.md", input, strlen(input), &options, &err);
    text[0] = '\0';
    if (status != MS_ARCHIVE_OK) {
        ms_file_error_format(&err, text, size);
        return status;
    }
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, "markdown") != 0)
            snprintf(text + strlen(text), size - strlen(text), "%s%s=%s",
                     text[0] ? "|" : "", doc->fields[i].name, doc->fields[i].value);
    }
    ms_archive_doc_free(doc);
    return status;
}

Test(keys, a_multi_field_takes_a_list_a_single_one_refuses_it)
{
    char text[TEXT_SIZE];

    cr_expect_eq(front_matter("countries: [Kenya, Ghana]\naddressee: [a, b]\n"
                              "status: [implemented, not implemented]\n",
                              text, sizeof(text)),
                 MS_ARCHIVE_OK);
    cr_expect_str_eq(text, "country=Kenya|country=Ghana|addressee=a|addressee=b|"
                           "status=implemented|status=not implemented|"
                           "report=Kenya\timplemented|report=Kenya\tnot implemented|"
                           "report=Ghana\timplemented|report=Ghana\tnot implemented");
    cr_expect_eq(front_matter("venue: [Osh, Bishkek]\n", text, sizeof(text)),
                 MS_ARCHIVE_INVALID);
    cr_expect_str_eq(text, "k.md:2:8: venue: expected a single value, found a list");
    cr_expect_eq(front_matter("type: [report]\n", text, sizeof(text)),
                 MS_ARCHIVE_INVALID);
    cr_expect_str_eq(text, "k.md:2:7: type: expected a single value, found a list");
    cr_expect_eq(front_matter("status: [implemented, done]\n", text, sizeof(text)),
                 MS_ARCHIVE_INVALID);
    cr_expect_str_eq(text, "k.md:2:23: status: must be one of implemented, partially "
                           "implemented, not implemented, no information");
}

Test(keys, fields_staff_do_not_set_are_free_keys)
{
    char text[TEXT_SIZE];

    /* year comes from the date, source and reports from migsearch-index:
     * written by staff, they are free fields, one value or a list. */
    cr_expect_eq(front_matter("year: [1999, 2000]\nsource: x.pdf\nreports: r\n", text,
                              sizeof(text)),
                 MS_ARCHIVE_OK);
    cr_expect_str_eq(text, "year=1999|year=2000|source=x.pdf|reports=r");
    /* A quoted empty value: absent for a free key or a list, a mistake for
     * a field of one value out of a list. */
    cr_expect_eq(
        front_matter("donor: \"\"\nthemes: \"\"\nvenue: \"\"\n", text, sizeof(text)),
        MS_ARCHIVE_OK);
    cr_expect_str_eq(text, "");
    cr_expect_eq(front_matter("type: \"\"\n", text, sizeof(text)), MS_ARCHIVE_INVALID);
    cr_expect_str_eq(text, "k.md:2:7: type: must be one of recommendation, workshop, "
                           "report, other");
}
