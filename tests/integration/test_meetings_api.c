/* test_meetings_api.c - meeting titles from the meetings file, through the real nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The titles expected are read here from the archive with libyaml, never
 * copied from the server: a recommendation set's "title" is its meeting's,
 * every other meeting's title is the one _meetings.yaml gives. Then every
 * meeting facet row of the sample must carry that label, every result and
 * /doc of the meeting its meeting_title, and /meeting/{id} its title. On a
 * copy of the archive: an edit of _meetings.yaml and an update change the
 * label; a broken meetings file is reported and leaves every document
 * searchable; a removed one takes the titles away.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "yaml-read.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define ARCHIVE MS_TEST_DATA "/archive"
#define MAX_MEETINGS 128
#define TEXT 256

typedef struct meeting {
    char id[TEXT], title[TEXT];
    bool from_set;
} meeting_t;

static meeting_t meetings[MAX_MEETINGS];
static int n_meetings;

/* ---- the expected titles, from the YAML files ---- */

static const char *
text_of(yaml_node_t *node)
{
    cr_assert(node && node->type == YAML_SCALAR_NODE);
    return (const char *)node->data.scalar.value;
}

static yaml_node_t *
load_yaml(yaml_document_t *doc, const char *path)
{
    char *text = ms_it_read_file(path);
    yaml_parser_t parser;

    cr_assert(text, "cannot read %s", path);
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    cr_assert(yaml_parser_load(&parser, doc), "%s: not YAML", path);
    yaml_parser_delete(&parser);
    free(text);
    return yaml_document_get_root_node(doc);
}

static meeting_t *
find(const char *id)
{
    for (int i = 0; i < n_meetings; i++)
        if (strcmp(meetings[i].id, id) == 0)
            return &meetings[i];
    return NULL;
}

/* Add or (for a set) override the title of meeting 'id'. */
static void
note(const char *id, const char *title, bool from_set)
{
    meeting_t *m = find(id);

    if (!m) {
        cr_assert_lt(n_meetings, MAX_MEETINGS);
        m = &meetings[n_meetings++];
        snprintf(m->id, TEXT, "%s", id);
    } else if (m->from_set && !from_set) {
        return; /* a set's own title wins */
    }
    snprintf(m->title, TEXT, "%s", title);
    m->from_set = from_set;
}

static void
read_sets(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    const char suffix[] = ".recommendations.yaml";

    cr_assert(d, "%s", dir);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char path[1024];
        yaml_document_t doc;
        if (n <= sizeof(suffix) - 1 || strcmp(e->d_name + n - sizeof(suffix) + 1, suffix))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        yaml_node_t *root = load_yaml(&doc, path);
        note(text_of(yaml_get(&doc, root, "meeting")),
             text_of(yaml_get(&doc, root, "title")), true);
        yaml_document_delete(&doc);
    }
    closedir(d);
}

static void
read_model(const char *archive)
{
    char path[1024];
    yaml_document_t doc;

    n_meetings = 0;
    snprintf(path, sizeof(path), "%s/recommendations", archive);
    read_sets(path);
    snprintf(path, sizeof(path), "%s/_meetings.yaml", archive);
    yaml_node_t *root = load_yaml(&doc, path);
    cr_assert(root && root->type == YAML_SEQUENCE_NODE);
    for (yaml_node_item_t *i = root->data.sequence.items.start;
         i < root->data.sequence.items.top; i++) {
        yaml_node_t *m = yaml_document_get_node(&doc, *i);
        note(text_of(yaml_get(&doc, m, "id")), text_of(yaml_get(&doc, m, "title")),
             false);
    }
    yaml_document_delete(&doc);
}

/* ---- the server ---- */

static ms_it_t it;

/* The label of every meeting facet row, checked against the model; with
 * 'all', every row must have one. Returns the number of rows. */
static size_t
check_labels(bool all)
{
    ms_http_t res;
    json_t *rows, *row;
    size_t i;

    ms_it_get(&res, &it, "/search?q=&per_page=1");
    cr_assert_eq(res.status, 200, "%s", res.body);
    rows = json_object_get(json_object_get(res.json, "facets"), "meeting");
    json_array_foreach(rows, i, row)
    {
        const char *value = json_string_value(json_object_get(row, "value"));
        const meeting_t *m = find(value);
        json_t *label = json_object_get(row, "label");
        if (all)
            cr_assert(m, "meeting %s has no title in the archive", value);
        if (m)
            cr_expect_str_eq(json_string_value(label) ? json_string_value(label)
                                                      : "(null)",
                             m->title, "label of %s", value);
        else
            cr_expect(json_is_null(label), "%s: label %s", value,
                      json_string_value(label));
    }
    i = json_array_size(rows);
    ms_http_free(&res);
    return i;
}

static void
start(void)
{
    read_model(ARCHIVE);
    ms_it_start(&it, ARCHIVE, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(meetings, .init = start, .fini = stop, .timeout = 120);

Test(meetings, every_meeting_facet_row_of_the_sample_is_labelled)
{
    cr_assert_gt(check_labels(true), 20);
}

/* Results, /doc and /meeting/{id} carry the same title. */
Test(meetings, results_documents_and_the_meeting_view_carry_the_title)
{
    char target[512];

    for (int k = 0; k < n_meetings; k++) {
        const meeting_t *m = &meetings[k];
        ms_http_t res, doc;
        json_t *results, *r;
        size_t i;

        snprintf(target, sizeof(target), "/search?q=&meeting=%.400s&per_page=100", m->id);
        ms_it_get(&res, &it, target);
        cr_assert_eq(res.status, 200, "%s", res.body);
        results = json_object_get(res.json, "results");
        cr_assert_gt(json_array_size(results), 0, "no document of %s", m->id);
        json_array_foreach(results, i, r)
        {
            const char *title = json_string_value(json_object_get(r, "meeting_title"));
            cr_expect_str_eq(title ? title : "(null)", m->title, "%s",
                             json_string_value(json_object_get(r, "id")));
        }
        snprintf(target, sizeof(target), "/doc/%s",
                 json_string_value(json_object_get(json_array_get(results, 0), "id")));
        ms_it_get(&doc, &it, target);
        cr_assert_eq(doc.status, 200, "%s: %s", target, doc.body);
        cr_expect_str_eq(json_string_value(json_object_get(doc.json, "meeting_title")),
                         m->title, "%s", target);
        ms_http_free(&doc);
        ms_http_free(&res);

        snprintf(target, sizeof(target), "/meeting/%.400s", m->id);
        ms_it_get(&res, &it, target);
        cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
        const char *title = json_string_value(
            json_object_get(json_object_get(res.json, "meeting"), "title"));
        cr_expect_str_eq(title ? title : "(null)", m->title, "%s", target);
        ms_http_free(&res);
    }
}

/* ---- updates, on a copy of the archive ---- */

static char work[64];

static void
start_copy(void)
{
    char command[512];

    snprintf(work, sizeof(work), "/tmp/ms-meetings.XXXXXX");
    cr_assert(mkdtemp(work), "mkdtemp: %s", strerror(errno));
    snprintf(command, sizeof(command), "cp -R '%s' '%s/archive'", ARCHIVE, work);
    cr_assert_eq(system(command), 0, "cannot copy the sample archive");
    snprintf(command, sizeof(command), "%s/archive", work);
    read_model(command);
    ms_it_start(&it, command, NULL);
}

static void
stop_copy(void)
{
    char command[128];

    ms_it_stop(&it);
    snprintf(command, sizeof(command), "rm -rf '%s'", work);
    cr_expect_eq(system(command), 0);
}

TestSuite(meetings_update, .init = start_copy, .fini = stop_copy, .timeout = 180);

static void
write_meetings(const char *text)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/archive/_meetings.yaml", work);
    cr_assert(f = fopen(path, "w"));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* The server's workers look for a newer revision at most once a second
 * (fcgi/worker.c): wait that long after an update. */
static void
let_server_see(void)
{
    usleep(1200 * 1000);
}

/* Run an update of the copy; its exit code. */
static int
update(void)
{
    char archive[128];
    int rc;

    snprintf(archive, sizeof(archive), "%s/archive", work);
    rc = ms_it_index(&it, archive);
    let_server_see();
    return rc;
}

static json_int_t
total(void)
{
    ms_http_t res;
    json_int_t n;

    ms_it_get(&res, &it, "/search?q=&per_page=1");
    cr_assert_eq(res.status, 200);
    n = json_integer_value(json_object_get(json_object_get(res.json, "total"), "lower"));
    ms_http_free(&res);
    return n;
}

Test(meetings_update, an_edit_a_broken_file_and_a_removal_each_take_effect)
{
    static const char *const json_args[] = {"--json", NULL};
    char path[256], *log;
    json_int_t before = total();

    cr_assert_gt(before, 40);
    check_labels(true);

    /* An edit: a new title for one meeting, one meeting dropped. */
    write_meetings("- id: ikd-2001-bishkek\n  title: Bishkek, edited\n");
    cr_assert_eq(update(), 0, "see %s/index.log", it.dir);
    n_meetings = 0;
    read_sets(strcat(strcpy(path, work), "/archive/recommendations"));
    note("ikd-2001-bishkek", "Bishkek, edited", false);
    cr_expect_eq(check_labels(false), (size_t)27);
    cr_expect_eq(total(), before);

    /* Broken: reported, exit 3, every document still there and found. */
    write_meetings("- id: ikd-2001-bishkek\n  title: Bishkek\n  place: Bishkek\n");
    snprintf(path, sizeof(path), "%s/archive", work);
    cr_assert_eq(ms_it_index_args(&it, path, json_args), 3,
                 "a broken meetings file must be reported (exit 3)");
    let_server_see();
    /* In the run's report (--json) and the log: the file, the place, why. */
    snprintf(path, sizeof(path), "%s/index.log", it.dir);
    log = ms_it_read_file(path);
    cr_assert(log);
    cr_expect(strstr(log, "\"_meetings.yaml\""), "%s", log);
    cr_expect(strstr(log, "line 3, column 3: place: unknown key in a meeting"), "%s",
              log);
    cr_expect(strstr(log, "meetings file skipped"), "%s", log);
    free(log);
    cr_expect_eq(total(), before);
    n_meetings = 0;
    read_sets(strcat(strcpy(path, work), "/archive/recommendations"));
    check_labels(false); /* the sets keep their titles, the rest have none */

    /* Fixed, then removed. */
    write_meetings("- id: ikd-2001-bishkek\n  title: Bishkek again\n");
    cr_assert_eq(update(), 0);
    note("ikd-2001-bishkek", "Bishkek again", false);
    check_labels(false);
    snprintf(path, sizeof(path), "%s/archive/_meetings.yaml", work);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(update(), 0);
    n_meetings = 0;
    read_sets(strcat(strcpy(path, work), "/archive/recommendations"));
    check_labels(false);
    cr_expect_eq(total(), before);
}
