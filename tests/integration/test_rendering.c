/* test_rendering.c - titles and Markdown through nginx: snippets, /doc's source, titles
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * On the sample archive, with what is expected read from its files here:
 * a search for the words of a Markdown table's row finds its document
 * with a snippet that has the words marked and no table pipe; GET /doc
 * sends a Markdown file's source as it is after its front matter, and a
 * text without its syntax; every recommendation without a title from staff
 * is titled by the start of its text.
 */
#include "harness.h"
#include "ms_file.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARCHIVE MS_TEST_DATA "/archive"

static ms_it_t it;

static void
start_sample(void)
{
    ms_it_start(&it, ARCHIVE, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(rendering, .init = start_sample, .fini = stop, .timeout = 90);

/* The whole of the file at 'path'; fails the test if it cannot be read. */
static char *
read_all(const char *path)
{
    char *data = NULL;
    size_t len;

    cr_assert_eq(ms_file_read(&data, &len, path, 1 << 20), MS_FILE_OK, "cannot read %s",
                 path);
    return data;
}

/* The Markdown files of the sample, as "dir/name" in 'paths'. */
static size_t
markdown_files(char paths[][256], size_t max)
{
    static const char *const dirs[] = {"reports", "workshops", "recommendations"};
    size_t n = 0;

    for (size_t i = 0; i < 3; i++) {
        char dir[512];
        DIR *d;
        struct dirent *e;
        snprintf(dir, sizeof(dir), "%s/%s", ARCHIVE, dirs[i]);
        d = opendir(dir);
        cr_assert(d, "cannot open %s", dir);
        while ((e = readdir(d)) && n < max) {
            size_t len = strlen(e->d_name);
            if (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0 && e->d_name[0] != '_')
                snprintf(paths[n++], 256, "%s/%.200s", dirs[i], e->d_name);
        }
        closedir(d);
    }
    return n;
}

/* The document id of the Markdown file 'data' at 'path': its front
 * matter's "id:", else its path without ".md", '/' as '.'
 * (docs/staff.md, "Ids"). */
static void
markdown_id(char *out, size_t size, const char *path, const char *data)
{
    const char *id = strstr(data, "\nid: ");

    if (strncmp(data, "---\n", 4) == 0 && id && id < strstr(data + 4, "\n---\n")) {
        id += 5;
        snprintf(out, size, "%.*s", (int)strcspn(id, "\r\n"), id);
        return;
    }
    snprintf(out, size, "%.*s", (int)(strlen(path) - 3), path);
    for (char *c = out; *c; c++)
        *c = *c == '/' ? '.' : *c;
}

/* Where the Markdown starts: after the front matter's closing line. */
static const char *
markdown_body(const char *data)
{
    const char *close;

    if (strncmp(data, "---\n", 4) != 0)
        return data;
    close = strstr(data + 4, "\n---\n");
    cr_assert(close, "unclosed front matter");
    return close + 5;
}

/* The snippets of result 'id' of the search 'target' as one string, or
 * fails if the search does not find it. */
static void
snippets_of(char *out, size_t size, const char *target, const char *id)
{
    ms_http_t res;
    json_t *result;
    size_t i;

    ms_it_get(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
    out[0] = '\0';
    json_array_foreach(json_object_get(res.json, "results"), i, result)
    {
        json_t *snippet;
        size_t k;
        if (strcmp(json_string_value(json_object_get(result, "id")), id) != 0)
            continue;
        json_array_foreach(json_object_get(result, "snippets"), k, snippet)
        {
            snprintf(out + strlen(out), size - strlen(out), "%s\n",
                     json_string_value(json_object_get(snippet, "html")));
        }
        ms_http_free(&res);
        return;
    }
    cr_assert_fail("%s does not find %s: %s", target, id, res.body);
}

/* For every body row of every table in the sample's Markdown: its last
 * cell searched as a phrase finds the document, with that cell's words
 * marked and no pipe. */
Test(rendering, table_rows_give_snippets_without_pipes)
{
    char paths[64][256];
    size_t n = markdown_files(paths, 64), rows = 0;

    for (size_t f = 0; f < n; f++) {
        char full[512], id[256];
        char *data, *line, *save = NULL;
        bool in_table = false;
        snprintf(full, sizeof(full), "%s/%s", ARCHIVE, paths[f]);
        data = read_all(full);
        markdown_id(id, sizeof(id), paths[f], data);
        for (line = strtok_r(data, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char cell[256], query[1024], target[1200], snippets[16384];
            char *last;
            if (line[0] != '|') {
                in_table = false;
                continue;
            }
            if (strspn(line, "|-: ") == strlen(line)) {
                in_table = true; /* the separator: body rows follow */
                continue;
            }
            if (!in_table)
                continue;
            line[strlen(line) - 1] = '\0'; /* the closing pipe */
            last = strrchr(line, '|') + 1;
            snprintf(cell, sizeof(cell), "\"%.*s\"", (int)strcspn(last + 1, "|"),
                     last + 1);
            while (strlen(cell) > 2 && cell[strlen(cell) - 2] == ' ') {
                cell[strlen(cell) - 2] = '"';
                cell[strlen(cell) - 1] = '\0';
            }
            ms_it_url_encode(query, sizeof(query), cell);
            snprintf(target, sizeof(target), "/search?per_page=50&q=%s", query);
            snippets_of(snippets, sizeof(snippets), target, id);
            cr_expect(strchr(snippets, '|') == NULL, "%s, row %s: snippet %s", id, cell,
                      snippets);
            cr_expect(strstr(snippets, "<mark>") != NULL, "%s: nothing marked in %s",
                      cell, snippets);
            rows++;
        }
        free(data);
    }
    cr_assert_geq(rows, 5, "the sample's Markdown has tables (%zu rows)", rows);
}

/* GET /doc/{id}: "markdown" is the file after its front matter; "text" has
 * no table pipes; a plain text document has no "markdown". */
Test(rendering, doc_sends_the_markdown_source)
{
    char paths[64][256];
    size_t n = markdown_files(paths, 64);
    ms_http_t res;

    cr_assert_geq(n, 10);
    for (size_t f = 0; f < n; f++) {
        char full[512], id[256], target[300];
        char *data;
        const char *markdown, *text;
        snprintf(full, sizeof(full), "%s/%s", ARCHIVE, paths[f]);
        data = read_all(full);
        markdown_id(id, sizeof(id), paths[f], data);
        snprintf(target, sizeof(target), "/doc/%s", id);
        ms_it_get(&res, &it, target);
        cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
        markdown = json_string_value(json_object_get(res.json, "markdown"));
        text = json_string_value(json_object_get(res.json, "text"));
        cr_assert(markdown, "%s has no markdown", id);
        cr_expect_str_eq(markdown, markdown_body(data), "%s", id);
        if (strstr(markdown, "\n|"))
            cr_expect(strchr(text, '|') == NULL, "%s: text %s", id, text);
        ms_http_free(&res);
        free(data);
    }
    ms_it_get(&res, &it, "/doc/reports.health-workers-2004-survey");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_expect(json_is_null(json_object_get(res.json, "markdown")), "%s", res.body);
    ms_http_free(&res);
}

/* The text of recommendation number 'number' in the YAML 'data' (a
 * "text: >" block), white space collapsed; "" when it has a title. */
static void
recommendation_text(char *out, size_t size, const char *data, long number)
{
    char head[64];
    const char *p, *end;
    size_t n = 0;

    snprintf(head, sizeof(head), "\n  - number: %ld\n", number);
    p = strstr(data, head);
    cr_assert(p, "no recommendation %ld", number);
    p += strlen(head);
    end = strstr(p, "\n  - number: ");
    end = end ? end : p + strlen(p);
    out[0] = '\0';
    if (strncmp(p, "    title:", 10) == 0)
        return;
    p = strstr(p, "text: >");
    cr_assert(p && p < end, "recommendation %ld has no folded text", number);
    for (p += 7; p < end && n + 1 < size; p++) {
        if (p[0] == '\n' && strncmp(p + 1, "      ", 6) != 0)
            break; /* the next key */
        if (isspace((unsigned char)*p)) {
            if (n > 0 && out[n - 1] != ' ')
                out[n++] = ' ';
        } else {
            out[n++] = *p;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

Test(rendering, recommendations_are_titled_by_their_text)
{
    static const char *const sets[] = {"au-2004-accra", "ikd-2002-cholponata"};
    unsigned checked = 0;

    for (size_t s = 0; s < 2; s++) {
        char path[512];
        char *data;
        snprintf(path, sizeof(path), "%s/recommendations/%s.recommendations.yaml",
                 ARCHIVE, sets[s]);
        data = read_all(path);
        for (long number = 1; strstr(data, "\n  - number: ") != NULL; number++) {
            char head[64], target[128], text[4096];
            const char *title;
            size_t chars = 0, prefix;
            ms_http_t res;
            snprintf(head, sizeof(head), "\n  - number: %ld\n", number);
            if (!strstr(data, head))
                break;
            recommendation_text(text, sizeof(text), data, number);
            if (!text[0])
                continue; /* a title from staff */
            snprintf(target, sizeof(target), "/doc/%s.r%ld", sets[s], number);
            ms_it_get(&res, &it, target);
            cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
            title = json_string_value(json_object_get(res.json, "title"));
            for (const char *c = title; *c; c++)
                chars += ((unsigned char)*c & 0xC0) != 0x80;
            prefix = strlen(title);
            if (prefix > 3 && strcmp(title + prefix - 3, "\xe2\x80\xa6") == 0)
                prefix -= 3;
            cr_expect(strncmp(title, "Recommendation ", 15) != 0, "%s: %s", target,
                      title);
            cr_expect(strncmp(title, text, prefix) == 0,
                      "%s: \"%s\" does not start \"%s\"", target, title, text);
            cr_expect_leq(chars, 101, "%s: %s", target, title);
            cr_expect_eq(json_integer_value(json_object_get(res.json, "number")), number);
            ms_http_free(&res);
            checked++;
        }
        free(data);
    }
    cr_assert_geq(checked, 8, "untitled recommendations checked: %u", checked);
}
