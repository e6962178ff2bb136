/* test_meetings.c - unit tests of the meetings file (indexer/archive/meetings.c)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * _meetings.yaml read from memory (a good file, every error at its place,
 * the bounds) and from an archive in a temporary folder (a missing file,
 * the size limit, the layer order defaults < meetings file < sidecar <
 * the file's own metadata, and the file as a dependency of every file).
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-meta.h"
#include "meta-expect.h"
#include "ms_archive.h"
#include "tmpdir.h"

#define TEXT_SIZE 1024

static ms_archive_meetings_t *
read_ok(const char *yaml)
{
    ms_archive_meetings_t *meetings = NULL;
    ms_archive_error_t err;
    char text[TEXT_SIZE];

    ms_file_error_set(&err, "_meetings.yaml", 0, 0, "-");
    cr_assert_eq(ms_archive__meetings_read(&meetings, yaml, strlen(yaml), &err),
                 MS_ARCHIVE_OK, "%s", ms_file_error_format(&err, text, sizeof(text)));
    return meetings;
}

/* The error reading 'yaml' gives, as "file:line:column: text". */
static const char *
read_error(const char *yaml, char *text, size_t size)
{
    ms_archive_meetings_t *meetings = (ms_archive_meetings_t *)1;
    ms_archive_error_t err;

    ms_file_error_set(&err, "_meetings.yaml", 0, 0, "-");
    cr_assert_eq(ms_archive__meetings_read(&meetings, yaml, strlen(yaml), &err),
                 MS_ARCHIVE_INVALID, "accepted: %s", yaml);
    cr_expect_null(meetings);
    return ms_file_error_format(&err, text, size);
}

#define expect_error(yaml, expected)                                                     \
    do {                                                                                 \
        char text_[TEXT_SIZE];                                                           \
        cr_expect_str_eq(read_error(yaml, text_, sizeof(text_)), expected);              \
    } while (0)

static const char good[] = "# staff's list\n"
                           "- id: ikd-2001-bishkek\n"
                           "  title: Third meeting of the Issyk-Kul Dialogue\n"
                           "  process: Issyk-Kul Dialogue\n"
                           "  date: 2001-06-14\n"
                           "  venue: Bishkek, Kyrgyzstan\n"
                           "  symbol: IMP/IKD/2001/3\n"
                           "- id: au-2003-gaborone\n"
                           "  title: \"Gaborone meeting: health workers\"\n";

Test(meetings, a_good_file_titles_the_meeting_a_document_names)
{
    ms_archive_meetings_t *meetings = read_ok(good);
    ms_archive_meta_t meta = {0};

    cr_expect_eq(ms_archive_meetings_count(meetings), 2);
    add(&meta, "meeting", "ikd-2001-bishkek");
    cr_assert_eq(ms_archive__meetings_apply(&meta, meetings), MS_ARCHIVE_OK);
    expect_entry(&meta, "meeting_title", "Third meeting of the Issyk-Kul Dialogue");
    expect_entry(&meta, "process", "Issyk-Kul Dialogue");
    expect_entry(&meta, "date", "2001-06-14");
    expect_entry(&meta, "venue", "Bishkek, Kyrgyzstan");
    expect_entry(&meta, "symbol", "IMP/IKD/2001/3");
    ms_archive__meta_clear(&meta);

    add(&meta, "meeting", "au-2003-gaborone");
    cr_assert_eq(ms_archive__meetings_apply(&meta, meetings), MS_ARCHIVE_OK);
    expect_entry(&meta, "meeting_title", "Gaborone meeting: health workers");
    expect_entry(&meta, "process", "-"); /* the file gives none */
    ms_archive__meta_clear(&meta);
    ms_archive_meetings_free(meetings);
}

Test(meetings, a_document_s_own_values_win_and_defaults_give_way)
{
    ms_archive_meetings_t *meetings = read_ok(good);
    ms_archive_meta_t defaults = {0}, meta = {0};

    add(&defaults, "process", "Some folder default");
    add(&defaults, "venue", "Geneva");
    ms_archive__meta_weaken(&defaults);
    cr_assert_eq(ms_archive__meta_merge(&meta, &defaults), MS_ARCHIVE_OK);
    add(&meta, "meeting", "ikd-2001-bishkek");
    add(&meta, "venue", "Cholpon-Ata"); /* appended to the weak entry: stays weak */
    cr_assert_eq(ms_archive__meta_set(&meta, "symbol", "OWN/1"), MS_ARCHIVE_OK);
    cr_assert_eq(ms_archive__meta_set(&meta, "meeting_title", "Own title"),
                 MS_ARCHIVE_OK);
    cr_assert_eq(ms_archive__meetings_apply(&meta, meetings), MS_ARCHIVE_OK);
    expect_entry(&meta, "process", "Issyk-Kul Dialogue"); /* over the defaults */
    expect_entry(&meta, "venue", "Bishkek, Kyrgyzstan");
    expect_entry(&meta, "symbol", "OWN/1"); /* the document's own */
    expect_entry(&meta, "meeting_title", "Own title");
    cr_expect_not(ms_archive__meta_get(&meta, "process")->weak);
    ms_archive__meta_clear(&meta);
    ms_archive__meta_clear(&defaults);
    ms_archive_meetings_free(meetings);
}

Test(meetings, unknown_meetings_and_no_file_change_nothing)
{
    ms_archive_meetings_t *meetings = read_ok(good);
    ms_archive_meta_t meta = {0};

    add(&meta, "meeting", "crc-1999-port-of-spain");
    cr_assert_eq(ms_archive__meetings_apply(&meta, meetings), MS_ARCHIVE_OK);
    cr_assert_eq(ms_archive__meetings_apply(&meta, NULL), MS_ARCHIVE_OK);
    cr_expect_eq(meta.n_entries, 1);
    ms_archive__meta_clear(&meta);
    cr_assert_eq(ms_archive__meetings_apply(&meta, meetings), MS_ARCHIVE_OK);
    cr_expect_eq(meta.n_entries, 0); /* no meeting at all */
    ms_archive_meetings_free(meetings);

    meetings = read_ok("# nothing yet\n");
    cr_expect_eq(ms_archive_meetings_count(meetings), 0);
    ms_archive_meetings_free(meetings);
}

Test(meetings, every_error_names_its_line_and_column)
{
    expect_error("id: x\ntitle: y\n",
                 "_meetings.yaml:1:1: must be a list of meetings (\"- id: ...\", "
                 "\"  title: ...\")");
    expect_error("- just a name\n",
                 "_meetings.yaml:1:3: a meeting: expected a mapping of keys to values, "
                 "found a single value");
    expect_error("- id: a\n  title: A\n  place: Geneva\n",
                 "_meetings.yaml:3:3: place: unknown key in a meeting; expected id, "
                 "title, process, date, venue, symbol");
    expect_error("- id: a\n  title: A\n- id: b\n  process: P\n",
                 "_meetings.yaml:3:3: a meeting needs a title");
    expect_error("- title: A\n", "_meetings.yaml:1:3: a meeting needs an id");
    expect_error("- id: a\n  title: \"\"\n",
                 "_meetings.yaml:2:10: title: must not be empty");
    expect_error("- id: a\n  title: [A, B]\n",
                 "_meetings.yaml:2:10: title: expected a single value, found a list");
    expect_error("- id: a b\n  title: A\n",
                 "_meetings.yaml:1:7: id: must not contain whitespace or control "
                 "characters");
    expect_error("- id: a\n  title: A\n  date: 2001-13\n",
                 "_meetings.yaml:3:9: date: must be a real date as YYYY, YYYY-MM or "
                 "YYYY-MM-DD");
    expect_error("- id: a\n  title: A\n  id: b\n",
                 "_meetings.yaml:3:3: id: duplicate key");
    expect_error("- id: b\n  title: B\n- id: a\n  title: A\n- id: b\n  title: C\n",
                 "_meetings.yaml:5:7: id: duplicate meeting 'b' (also on line 1)");
    expect_error("- id: a\n  title: [A\n",
                 "_meetings.yaml:3:1: invalid YAML: did not find expected ',' or ']' "
                 "while parsing a flow sequence started at 2:10");
}

Test(meetings, bounds_hold)
{
    size_t n = 10001, size = n * 32 + 1, used = 0;
    char *yaml = malloc(size);
    char text[TEXT_SIZE];

    cr_assert_not_null(yaml);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(yaml + used, size - used, "- {id: m%zu, title: T}\n", i);
    cr_expect_str_eq(read_error(yaml, text, sizeof(text)),
                     "_meetings.yaml:10001:3: more than 10000 meetings in one file");
    /* One fewer is fine. */
    *strstr(yaml, "- {id: m10000") = '\0';
    ms_archive_meetings_free(read_ok(yaml));
    free(yaml);
    /* Not text. */
    cr_expect_str_eq(read_error("- id: a\n  title: \xff\n", text, sizeof(text)),
                     "_meetings.yaml:2:10: not valid UTF-8 (byte 0xFF)");
}

/* Files */

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    ms_test_path_join(path, sizeof(path), dir, name);
    cr_assert_not_null(f = fopen(path, "w"), "%s", path);
    cr_assert_eq(fputs(text, f) >= 0, true);
    cr_assert_eq(fclose(f), 0);
}

static const char *
field_of(const ms_archive_doc_t *doc, const char *name)
{
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, name) == 0)
            return doc->fields[i].value;
    }
    return "-";
}

/* The one document of 'root'/'path', loaded with 'meetings'. */
static ms_archive_doc_t *
load_one(ms_archive_docset_t **set, const char *root, const char *path,
         const ms_archive_meetings_t *meetings)
{
    ms_archive_options_t opts = {.default_language = "en", .meetings = meetings};
    ms_archive_error_t err;
    char text[TEXT_SIZE];

    cr_assert_eq(ms_archive_load(set, root, path, &opts, &err), MS_ARCHIVE_OK, "%s",
                 ms_file_error_format(&err, text, sizeof(text)));
    cr_assert_eq((*set)->n_docs, 1);
    return (*set)->docs[0];
}

Test(meetings, the_layer_sits_between_defaults_and_the_file)
{
    char root[PATH_MAX];
    ms_archive_meetings_t *meetings = NULL;
    ms_archive_docset_t *set = NULL;
    ms_archive_doc_t *doc;
    ms_archive_error_t err;
    char **deps = NULL;

    ms_test_tmpdir(root, "ms-meetings");
    write_file(root, "_defaults.yaml", "process: Folder process\nvenue: Folder venue\n");
    write_file(root, "_meetings.yaml",
               "- id: m1\n  title: Meeting one\n  process: Meeting process\n"
               "  venue: Meeting venue\n  date: 2001-02-03\n");
    write_file(root, "own.md", "---\nmeeting: m1\nvenue: Own venue\n---\nText.\n");
    write_file(root, "plain.md", "---\nmeeting: m1\n---\nText.\n");
    write_file(root, "other.md", "---\nmeeting: m2\n---\nText.\n");
    cr_assert_eq(ms_archive_meetings_load(&meetings, root, &err), MS_ARCHIVE_OK);
    cr_assert_eq(ms_archive_meetings_count(meetings), 1);

    doc = load_one(&set, root, "own.md", meetings);
    cr_expect_str_eq(field_of(doc, "meeting_title"), "Meeting one");
    cr_expect_str_eq(field_of(doc, "process"), "Meeting process");
    cr_expect_str_eq(field_of(doc, "venue"), "Own venue");
    cr_expect_str_eq(doc->date, "2001-02-03");
    ms_archive_docset_free(set);

    doc = load_one(&set, root, "plain.md", meetings);
    cr_expect_str_eq(field_of(doc, "venue"), "Meeting venue");
    ms_archive_docset_free(set);

    doc = load_one(&set, root, "other.md", meetings);
    cr_expect_str_eq(field_of(doc, "meeting_title"), "-");
    cr_expect_str_eq(field_of(doc, "process"), "Folder process");
    cr_expect_null(doc->date);
    ms_archive_docset_free(set);

    /* Every file depends on the meetings file. */
    cr_assert_eq(ms_archive_dependencies(&deps, root, "other.md"), MS_ARCHIVE_OK);
    cr_expect_str_eq(deps[0], "_defaults.yaml");
    cr_expect_str_eq(deps[1], MS_ARCHIVE_MEETINGS_NAME);
    cr_expect_null(deps[2]);
    ms_archive_strings_free(deps);
    ms_archive_meetings_free(meetings);
    ms_test_remove_tree(root);
}

Test(meetings, a_missing_file_is_no_meetings_and_a_huge_one_is_refused)
{
    char root[PATH_MAX], text[TEXT_SIZE];
    ms_archive_meetings_t *meetings = (ms_archive_meetings_t *)1;
    ms_archive_error_t err;
    char *big = malloc(1024 * 1024 + 2);

    ms_test_tmpdir(root, "ms-meetings");
    cr_assert_eq(ms_archive_meetings_load(&meetings, root, &err), MS_ARCHIVE_OK);
    cr_expect_null(meetings);

    cr_assert_not_null(big);
    memset(big, '#', 1024 * 1024 + 1);
    big[1024 * 1024 + 1] = '\0';
    write_file(root, "_meetings.yaml", big);
    free(big);
    cr_expect_neq(ms_archive_meetings_load(&meetings, root, &err), MS_ARCHIVE_OK);
    cr_expect_null(meetings);
    ms_file_error_format(&err, text, sizeof(text));
    cr_expect(strstr(text, "_meetings.yaml") && strstr(text, "limit for metadata files"),
              "%s", text);
    ms_test_remove_tree(root);
}
