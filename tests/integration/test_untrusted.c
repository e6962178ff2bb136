/* test_untrusted.c - archive files as untrusted input, through the real programs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Issue 14: anyone with write access to one folder of the archive tries
 * to reach outside it (symbolic links), to amplify (YAML aliases, deep
 * nesting), to take a whole run down with one file, or to forge log lines
 * with file names. Each case runs the real migsearch-index (and, for what
 * is served, the real migsearch-fcgi behind the real nginx) on an archive
 * made here, and checks that the bad file fails alone, named, and that
 * the rest of the archive is indexed.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "run.h"

static ms_ix_t ix;

static void
setup(void)
{
    ms_ix_setup(&ix, 50);
}

static void
teardown(void)
{
    ms_ix_teardown(&ix);
}

TestSuite(untrusted, .init = setup, .fini = teardown, .timeout = 180);

/* Write 'text' to 'path' (outside the archive, or in another one). */
static void
write_at(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void
link_in_archive(const char *archive, const char *target, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", archive, rel);
    cr_assert_eq(symlink(target, path), 0, "symlink %s", rel);
}

/* The number of documents a search for 'query' finds. */
static unsigned long long
hits(const char *query)
{
    ms_index_t *idx = ms_ix_open(ix.index);
    ms_search_t search = {.query = query, .language = "en", .limit = 10};
    ms_results_t *results = NULL;
    unsigned long long n;

    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    n = results->estimate;
    ms_results_free(results);
    ms_index_close(idx);
    return n;
}

/* The JSON report's warnings, joined: what the run said it refused. */
static char *
warnings_of(const ms_ix_result_t *res)
{
    json_t *warnings = json_object_get(res->json, "warnings");
    return warnings ? json_dumps(warnings, 0) : strdup("");
}

Test(untrusted, links_leading_outside_the_archive_are_refused_and_named)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    char outside[256], *warnings;

    /* Outside the archive: a folder with a document, and a file. */
    snprintf(outside, sizeof(outside), "%s/outside", ix.dir);
    cr_assert_eq(mkdir(outside, 0755), 0);
    snprintf(outside, sizeof(outside), "%s/outside/secret.txt", ix.dir);
    write_at(outside, "Outsideword secret.\n");

    ms_ix_write(&ix, "good.txt", "Insideword here.\n");
    ms_ix_write(&ix, "shared/inner.txt", "Insideword linked.\n");
    link_in_archive(ix.archive, "/etc/passwd", "passwd.txt");
    link_in_archive(ix.archive, outside, "secret.txt");
    snprintf(outside, sizeof(outside), "%s/outside", ix.dir);
    link_in_archive(ix.archive, outside, "folder");
    link_in_archive(ix.archive, "..", "up");
    link_in_archive(ix.archive, "/", "everything");
    link_in_archive(ix.archive, "shared", "inside-link"); /* inside: followed */
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 0, "exit %d:\n%s", res.status, res.err);

    warnings = warnings_of(&res);
    static const char *const refused[] = {"passwd.txt", "secret.txt", "folder", "up",
                                          "everything"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char needle[64];
        snprintf(needle, sizeof(needle), "\"%s: symbolic link leads outside", refused[i]);
        cr_expect_not_null(strstr(warnings, needle), "%s not refused by name: %s",
                           refused[i], warnings);
    }
    cr_expect_eq(hits("outsideword"), 0, "a file outside was indexed");
    cr_expect_eq(hits("nologin"), 0, "/etc/passwd was indexed");
    /* shared/ and inside-link/ are one folder: read once. */
    cr_expect_eq(hits("insideword"), 2, "the archive's own files");
    cr_expect_lt(json_integer_value(
                     json_object_get(json_object_get(res.json, "documents"), "written")),
                 10, "the walk left the archive:\n%s", res.out);
    free(warnings);
    ms_ix_result_free(&res);
}

Test(untrusted, a_sidecar_leading_outside_fails_its_document)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    char outside[256];

    snprintf(outside, sizeof(outside), "%s/outside.yaml", ix.dir);
    write_at(outside, "title: Outsideword\n");
    ms_ix_write(&ix, "good.txt", "Insideword here.\n");
    ms_ix_write(&ix, "doc.txt", "Insideword with a bad sidecar.\n");
    link_in_archive(ix.archive, outside, "doc.meta.yaml");
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    const char *reason = ms_ix_reason(&res, "doc.txt");
    cr_assert_not_null(reason, "doc.txt did not fail:\n%s", res.out);
    cr_expect_not_null(strstr(reason, "doc.meta.yaml"), "%s", reason);
    cr_expect_not_null(strstr(reason, "outside the archive"), "%s", reason);
    cr_expect_eq(hits("outsideword"), 0);
    cr_expect_eq(hits("insideword"), 1);
    ms_ix_result_free(&res);
}

/* Through nginx: nothing outside is found or served, and a file swapped
 * for a link after it was indexed is refused by the server. */
Test(untrusted, nothing_outside_is_served_through_nginx)
{
    ms_it_t it;
    ms_http_t res;
    char archive[256], path[512];

    snprintf(archive, sizeof(archive), "%s/served", ix.dir);
    cr_assert_eq(mkdir(archive, 0755), 0);
    snprintf(path, sizeof(path), "%s/good.txt", archive);
    write_at(path, "Insideword here.\n");
    snprintf(path, sizeof(path), "%s/swapped.txt", archive);
    write_at(path, "Swappedword here.\n");
    link_in_archive(archive, "/etc/passwd", "passwd.txt");
    link_in_archive(archive, "/etc", "etc");
    /* The server reads archive.path to know the boundary. */
    char extra[320];
    snprintf(extra, sizeof(extra), "archive:\n  path: %s\n", archive);
    ms_it_start(&it, archive, extra);

    json_t *body = ms_it_get_json(&res, &it, "/search?q=nologin");
    cr_expect_eq(
        json_integer_value(json_object_get(json_object_get(body, "total"), "estimate")),
        0, "%s", res.body);
    ms_http_free(&res);
    ms_it_get(&res, &it, "/doc/passwd/file");
    cr_expect_eq(res.status, 404, "%s", res.body);
    cr_expect_null(strstr(res.body, "root:"), "/etc/passwd served");
    ms_http_free(&res);

    ms_it_get(&res, &it, "/doc/good/file");
    cr_expect_eq(res.status, 200, "%s", res.body);
    ms_http_free(&res);

    /* Indexed as a file, then replaced by a link to /etc/passwd. */
    cr_assert_eq(unlink(path), 0);
    link_in_archive(archive, "/etc/passwd", "swapped.txt");
    ms_it_get(&res, &it, "/doc/swapped/file");
    cr_expect_eq(res.status, 404, "%s", res.body);
    cr_expect_null(strstr(res.body, "root:"), "/etc/passwd served");
    ms_http_free(&res);
    ms_it_stop(&it);
}

/* 'head', 'open' 'n' times, 'middle', 'close' 'n' times, then 'tail',
 * into archive file 'rel'. */
static void
write_nested(const char *rel, const char *head, const char *open, const char *close,
             size_t n, const char *middle, const char *tail)
{
    size_t size = strlen(head) + (strlen(open) + strlen(close)) * n + strlen(middle) +
                  strlen(tail) + 1;
    char *text = malloc(size), *p = text;

    cr_assert(text);
    p += sprintf(p, "%s", head);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", open);
    p += sprintf(p, "%s", middle);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", close);
    sprintf(p, "%s", tail);
    ms_ix_write(&ix, rel, text);
    free(text);
}

static void
expect_failure(const ms_ix_result_t *res, const char *file, const char *words)
{
    const char *reason = ms_ix_reason(res, file);
    cr_expect_not_null(reason, "%s is not among the failures:\n%s", file, res->out);
    if (reason)
        cr_expect_not_null(strstr(reason, words), "%s: reason \"%s\" lacks \"%s\"", file,
                           reason, words);
}

/* The cases: each took gigabytes and tens of seconds (a deep
 * front matter of 2 MB about half an hour). Each now fails its own file
 * at its line and column; the bounds here are generous against a loaded
 * machine and the sanitizers' own memory (the whole run, every case). */
Test(untrusted, yaml_amplification_and_nesting_fail_their_file_at_once)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    struct rusage usage;
    char *big = malloc(200 * 1024 + 1);

    ms_ix_write(&ix, "good.txt", "Goodword here.\n");
    /* 691 KB: a list of 100,000 countries, then 255 keys naming it. */
    ms_ix_write(&ix, "bomb.txt", "Bombword.\n");
    {
        size_t size = 100000 * 8 + 255 * 16 + 64, n = 0;
        char *text = malloc(size);
        cr_assert(text);
        n += (size_t)sprintf(text + n, "countries: &c [");
        for (int i = 0; i < 100000; i++)
            n += (size_t)sprintf(text + n, "%sx%d", i ? "," : "", i);
        n += (size_t)sprintf(text + n, "]\n");
        for (int i = 0; i < 255; i++)
            n += (size_t)sprintf(text + n, "k%d: *c\n", i);
        ms_ix_write(&ix, "bomb.meta.yaml", text);
        free(text);
    }
    /* A recommendation set: 200 KB of obstacles, named 20,000 times. */
    cr_assert(big);
    memset(big, 'o', 200 * 1024);
    big[200 * 1024] = '\0';
    {
        char *head = malloc(200 * 1024 + 512);
        cr_assert(head);
        sprintf(head,
                "meeting: m-1\ntitle: A meeting\nrecommendations:\n"
                "  - number: 1\n    text: &o %s\n    reports:\n",
                big);
        write_nested("set.recommendations.yaml", head,
                     "      - {country: Kenya, status: implemented, obstacles: *o}\n", "",
                     20000, "", "");
        free(head);
    }
    free(big);
    /* 100,000 '[' in a front matter (200 KB). */
    write_nested("deep.md", "---\nx: ", "[", "]", 100000, "", "\n---\nDeepword.\n");
    /* An alias to the list that holds it. */
    ms_ix_write(&ix, "cycle.md", "---\nthemes: &t [a, *t]\n---\nCycleword.\n");

    long start = ms_it_now_ms();
    ms_ix_run(&res, &ix, args);
    long elapsed = ms_it_now_ms() - start;
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    expect_failure(&res, "bomb.txt", "bomb.meta.yaml:2:");
    expect_failure(&res, "bomb.txt", "aliases expand to more than");
    expect_failure(&res, "set.recommendations.yaml", "aliases expand to more than");
    expect_failure(&res, "deep.md", "line 2, column 67: nested deeper than 64 levels");
    expect_failure(&res, "cycle.md", "alias to a node that contains it");
    cr_expect_eq(hits("goodword"), 1, "the rest of the archive is indexed");
    cr_expect_lt(elapsed, 20000, "the run took %ld ms", elapsed);
    cr_assert_eq(getrusage(RUSAGE_CHILDREN, &usage), 0);
    cr_expect_lt(usage.ru_maxrss, 400 * 1024, "the indexer peaked at %ld KB",
                 usage.ru_maxrss);
    ms_ix_result_free(&res);
}

/* The test's config with 'archive_lines' ("  key: value\n") under archive:. */
static void
write_config(const char *archive_lines)
{
    FILE *f = fopen(ix.config, "w");
    cr_assert(f);
    fprintf(f,
            "index:\n  path: %s\n  language: en\n  spelling: false\n"
            "archive:\n  path: %s\n  batch_size: 50\n%s",
            ix.index, ix.archive, archive_lines);
    fclose(f);
}

/* A document over the bounds fails alone: the other documents of its
 * batch (a first run: nothing committed before) are committed, and the
 * failure names the file and the document. A long text is cut, said. */
Test(untrusted, a_document_over_its_bounds_fails_alone_and_a_long_text_is_cut)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    char *warnings;

    write_config("  max_document_text: 64K\n");
    ms_ix_write(&ix, "a.txt", "Goodword one.\n");
    ms_ix_write(&ix, "b/countries.txt", "Goodword too many countries.\n");
    write_nested("b/countries.meta.yaml", "countries:\n", "  - Kenya\n", "", 20000, "",
                 "");
    ms_ix_write(&ix, "c.txt", "Goodword three.\n");
    write_nested("long.txt", "Beginword ", "filler ", "", 20000, "", "Endword\n");
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    expect_failure(&res, "b/countries.txt",
                   "document 'b.countries': 20000 metadata values");
    cr_expect_eq(hits("goodword"), 2, "the batch's other documents are committed");

    warnings = warnings_of(&res);
    cr_expect_not_null(strstr(warnings, "long.txt: document 'long': text of 140018 bytes "
                                        "cut to archive.max_document_text (65536)"),
                       "%s", warnings);
    free(warnings);
    cr_expect_eq(hits("beginword"), 1);
    cr_expect_eq(hits("endword"), 0, "the text past the cap is not indexed");
    ms_ix_result_free(&res);
}

/* A name with a newline, and one that is not UTF-8: neither can forge a
 * line of the summary, `status` or the log; the second is indexed under an
 * id with its byte in hex, and named as not UTF-8; the JSON report keeps
 * the bytes, escaped. */
Test(untrusted, file_names_cannot_forge_lines_and_non_utf8_names_are_named)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    const char *status_args[] = {"status", NULL};

    ms_ix_write(&ix, "good.txt", "Goodword.\n");
    ms_ix_write(&ix, "evil\nfailed: forged.txt", "");
    ms_ix_write(&ix, "caf\xe9.txt", "Latinword.\n");
    ms_ix_run(&res, &ix, NULL);
    cr_expect_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    cr_expect_not_null(strstr(res.out, "\n  evil\\x0Afailed: forged.txt: empty file\n"),
                       "%s", res.out);
    cr_expect_null(strstr(res.out, "\nfailed: forged"), "a forged line:\n%s", res.out);
    cr_expect_null(strstr(res.err, "\nfailed: forged"), "a forged log line:\n%s",
                   res.err);
    cr_expect_not_null(strstr(res.err, "the file name is not UTF-8"), "%s", res.err);
    ms_ix_result_free(&res);

    ms_ix_run(&res, &ix, status_args);
    cr_expect_not_null(strstr(res.out, "  evil\\x0Afailed: forged.txt: empty file\n"),
                       "%s", res.out);
    cr_expect_null(strstr(res.out, "\nfailed: forged"), "a forged line:\n%s", res.out);
    ms_ix_result_free(&res);

    ms_ix_write(&ix, "touch.txt", "Another.\n");
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report:\n%s", res.out);
    cr_expect_not_null(ms_ix_reason(&res, "evil\\x0Afailed: forged.txt"), "%s", res.out);
    ms_ix_result_free(&res);

    ms_index_t *idx = ms_ix_open(ix.index);
    cr_expect(ms_ix_has(idx, "caf~E9"), "the Latin-1 name is indexed as caf~E9");
    ms_index_close(idx);
}

Test(untrusted, json_report_is_printed_on_a_lock_too)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    char lock[512];

    ms_ix_write(&ix, "good.txt", "Goodword.\n");
    ms_ix_run(&res, &ix, NULL);
    cr_assert_eq(res.status, 0, "%s", res.err);
    ms_ix_result_free(&res);
    snprintf(lock, sizeof(lock), "%s.lock", ix.index);
    int fd = open(lock, O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    ms_ix_run(&res, &ix, args);
    close(fd);
    cr_expect_eq(res.status, 4, "exit %d", res.status);
    cr_assert_not_null(res.json, "no JSON object on exit 4: '%s'", res.out);
    cr_expect_eq(json_integer_value(json_object_get(res.json, "exit")), 4);
    cr_expect_not_null(
        strstr(json_string_value(json_object_get(res.json, "error")), "holds the lock"));
    ms_ix_result_free(&res);
}

/* libxml2 stops at 256 levels and, recovering, dropped the whole page. */
Test(untrusted, html_nested_260_deep_is_indexed_whole)
{
    ms_ix_result_t res;

    write_nested("deep.html", "<html><body>", "<div>", "</div>", 260, "Deepword inside.",
                 "<p>Afterword here.</p></body></html>\n");
    ms_ix_run(&res, &ix, NULL);
    cr_expect_eq(res.status, 0, "exit %d:\n%s", res.status, res.err);
    cr_expect_eq(hits("deepword"), 1, "the text at depth 260");
    cr_expect_eq(hits("afterword"), 1, "the text after it");
    ms_ix_result_free(&res);
}

Test(untrusted, a_jsonl_file_over_its_cap_is_refused_unread)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    char path[512];

    write_config("  max_jsonl_size: 1M\n");
    ms_ix_write(&ix, "good.txt", "Goodword.\n");
    ms_ix_write(&ix, "big.jsonl", "{\"id\": \"one\", \"text\": \"Jsonword\"}\n");
    snprintf(path, sizeof(path), "%s/big.jsonl", ix.archive);
    cr_assert_eq(truncate(path, 20LL << 30), 0, "a sparse 20 GB file");
    long start = ms_it_now_ms();
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 3);
    expect_failure(&res, "big.jsonl", "over archive.max_jsonl_size");
    cr_expect_lt(ms_it_now_ms() - start, 20000, "the file was read");
    cr_expect_eq(hits("goodword"), 1);
    ms_ix_result_free(&res);
}
