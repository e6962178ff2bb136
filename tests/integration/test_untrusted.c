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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The reason the --json report gives for a failed file, or NULL. */
static const char *
reason_for(const ms_ix_result_t *res, const char *file)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(res->json, "failures"), i, item)
    {
        const char *name = json_string_value(json_object_get(item, "file"));
        if (name && strstr(name, file))
            return json_string_value(json_object_get(item, "reason"));
    }
    return NULL;
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
    FILE *f = fopen(outside, "w");
    cr_assert(f);
    fputs("Outsideword secret.\n", f);
    fclose(f);

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
    FILE *f = fopen(outside, "w");
    cr_assert(f);
    fputs("title: Outsideword\n", f);
    fclose(f);
    ms_ix_write(&ix, "good.txt", "Insideword here.\n");
    ms_ix_write(&ix, "doc.txt", "Insideword with a bad sidecar.\n");
    link_in_archive(ix.archive, outside, "doc.meta.yaml");
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_expect_eq(res.status, 3, "exit %d:\n%s", res.status, res.err);
    const char *reason = reason_for(&res, "doc.txt");
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
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("Insideword here.\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/swapped.txt", archive);
    f = fopen(path, "w");
    cr_assert(f);
    fputs("Swappedword here.\n", f);
    fclose(f);
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
