/* test_bad_inputs.c - every kind of bad archive file, through the real migsearch-index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One archive holds good documents beside each bad input the indexer must
 * survive. The run must finish with exit 3 ("completed with failed
 * files"), name every bad file with a reason in its --json report, index
 * every good document, and leave an index that xapian-check accepts.
 * Binary fixtures come from tests/tools/fixtures.c; the encrypted PDF is
 * made with qpdf, as a staff member's real one would be.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

static ms_ix_t ix;

static void
setup(void)
{
    ms_ix_setup(&ix, 50);
    /* A small size limit, so that one file can be over it. */
    FILE *f = fopen(ix.config, "w");
    cr_assert(f);
    fprintf(f,
            "index:\n  path: %s\n  spelling: false\n"
            "archive:\n  path: %s\n  max_file_size: 64K\n  extract_timeout: 20\n",
            ix.index, ix.archive);
    fclose(f);
}

static void
teardown(void)
{
    ms_ix_teardown(&ix);
}

TestSuite(bad_inputs, .init = setup, .fini = teardown, .timeout = 180);

static void
path_of(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", ix.archive, rel);
}

static void
write_bytes(const char *rel, const char *data, size_t length)
{
    char path[512];
    path_of(path, sizeof(path), rel);
    cr_assert_eq(ms_fixture_write_file(path, data, length), 0, "cannot write %s", rel);
}

static void
write_pdf(const char *rel, const char *text)
{
    char path[512];
    const char *pages[] = {text};
    ms_fixture_pdf_t pdf = {"A PDF fixture", NULL, NULL, pages, 1};
    path_of(path, sizeof(path), rel);
    cr_assert_eq(ms_fixture_write_pdf(path, &pdf), 0);
}

static void
make_bad_archive(void)
{
    char path[512], from[512];

    path_of(path, sizeof(path), "bad");
    cr_assert_eq(mkdir(path, 0755), 0);

    /* Good documents, one per format family, and an unusual file name. */
    ms_ix_write(&ix, "good/recommendation.md",
                "---\nid: good-md\ntype: recommendation\n---\n# Good\n\nGoodword one.\n");
    ms_ix_write(&ix, "good/plain.txt", "Plain\n\nGoodword two.\n");
    write_pdf("good/report.pdf", "Goodword three in a PDF report.");
    ms_ix_write(&ix, "good/Rapport d'été 2003 – Ош.md", "# Été\n\nGoodword four.\n");

    /* A corrupt PDF: the good one cut short. */
    path_of(from, sizeof(from), "good/report.pdf");
    path_of(path, sizeof(path), "bad/corrupt.pdf");
    cr_assert_eq(ms_fixture_truncate_copy(from, path, 200), 0);

    /* An encrypted PDF, made the way staff would get one. */
    path_of(path, sizeof(path), "bad/encrypted.pdf");
    const char *qpdf[] = {"qpdf", "--encrypt", "user", "owner", "256",
                          "--",   from,        path,   NULL};
    cr_assert_eq(ms_ix_system(qpdf), 0, "qpdf failed (is it installed?)");

    /* A zip bomb named .docx: 2 GiB of zeros in a few MB. */
    path_of(path, sizeof(path), "bad/bomb.docx");
    cr_assert_eq(ms_fixture_write_zip_bomb(path, 2ULL << 30, 0, 0), 0);

    write_bytes("bad/empty.txt", "", 0);
    static const char binary[] = {0x7f, 'E', 'L', 'F', 2,          1,
                                  1,    0,   0,   0,   (char)0xff, (char)0xfe};
    write_bytes("bad/program.txt", binary, sizeof(binary));
    write_bytes("bad/latin1.md", "# Caf\xe9\n\nLatin-1, not UTF-8.\n", 0);

    char big[80 * 1024];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ms_ix_write(&ix, "bad/too-big.txt", big);

    ms_ix_write(&ix, "bad/yaml-error.md", "---\ntitle: \"unclosed\nid: x\n---\nText.\n");
    ms_ix_write(&ix, "bad/wrong-type.md", "---\ncountries:\n  a: b\n---\nText.\n");
    ms_ix_write(&ix, "bad/twin-1.md", "---\nid: twin\n---\nFirst twin.\n");
    ms_ix_write(&ix, "bad/twin-2.md", "---\nid: twin\n---\nSecond twin.\n");

    /* Unreadable: chmod 000 stops everyone but root; a link to nowhere
     * stops root too. */
    ms_ix_write(&ix, "bad/secret.md", "# Secret\n");
    path_of(path, sizeof(path), "bad/secret.md");
    cr_assert_eq(chmod(path, 0), 0);
    path_of(path, sizeof(path), "bad/dangling.md");
    cr_assert_eq(symlink("no-such-file.md", path), 0);

    /* Symbolic link loops: a folder that contains itself, two files
     * pointing at each other. */
    path_of(path, sizeof(path), "bad/loop");
    cr_assert_eq(symlink(".", path), 0);
    path_of(path, sizeof(path), "bad/ping.md");
    cr_assert_eq(symlink("pong.md", path), 0);
    path_of(path, sizeof(path), "bad/pong.md");
    cr_assert_eq(symlink("ping.md", path), 0);
}

static void
expect_failure(const ms_ix_result_t *res, const char *file, const char *words)
{
    const char *reason = ms_ix_reason(res, file);
    cr_expect_not_null(reason, "%s is not among the failures:\n%s", file, res->out);
    if (reason && words)
        cr_expect_not_null(strstr(reason, words), "%s: reason \"%s\" lacks \"%s\"", file,
                           reason, words);
}

Test(bad_inputs, every_bad_file_is_named_and_every_good_one_indexed)
{
    ms_ix_result_t res;
    const char *args[] = {"--json", NULL};
    make_bad_archive();
    ms_ix_run(&res, &ix, args);
    cr_assert_not_null(res.json, "no JSON report (exit %d):\n%s", res.status, res.err);
    cr_assert_eq(res.status, 3, "exit %d, want 3 (completed with failed files):\n%s",
                 res.status, res.err);

    expect_failure(&res, "bad/corrupt.pdf", NULL);
    expect_failure(&res, "bad/encrypted.pdf", "encrypted");
    expect_failure(&res, "bad/bomb.docx", NULL);
    expect_failure(&res, "bad/empty.txt", NULL);
    expect_failure(&res, "bad/program.txt", "not a text file");
    expect_failure(&res, "bad/latin1.md", "UTF-8");
    expect_failure(&res, "bad/too-big.txt", NULL);
    expect_failure(&res, "bad/yaml-error.md", NULL);
    expect_failure(&res, "bad/wrong-type.md", "countries");
    expect_failure(&res, "bad/twin-1.md", "twin-2.md");
    expect_failure(&res, "bad/twin-2.md", "twin-1.md");
    expect_failure(&res, "bad/dangling.md", NULL);
    if (geteuid() != 0)
        expect_failure(&res, "bad/secret.md", NULL);
    /* A YAML error is placed: file:line:column in the log, line and
     * column in the report. */
    cr_expect_not_null(strstr(res.err, "bad/yaml-error.md:4:1: "), "stderr:\n%s",
                       res.err);
    cr_expect_not_null(
        strstr(ms_ix_reason(&res, "bad/yaml-error.md"), "line 4, column 1"));

    ms_index_t *idx = ms_ix_open(ix.index);
    ms_search_t search = {.query = "goodword", .language = "en", .limit = 10};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_expect_eq(results->estimate, 4, "all four good documents are searchable");
    ms_results_free(results);
    cr_expect(!ms_ix_has(idx, "twin"), "one of two twins won silently");
    ms_index_close(idx);

    /* The index the run left is sound. */
    char gen[512];
    ssize_t n = readlink(ix.index, gen, sizeof(gen) - 1);
    cr_assert(n > 0, "index path is not a generation link");
    gen[n] = '\0';
    char live[768];
    snprintf(live, sizeof(live), "%s/%s", ix.dir, gen);
    /* The stub lists the partitions: xapian-check checks each. */
    char stub[800];
    snprintf(stub, sizeof(stub), "%s/XAPIANDB", live);
    const char *check[] = {"xapian-check", stub, NULL};
    cr_expect_eq(ms_ix_system(check), 0, "xapian-check rejected %s", live);
    ms_ix_result_free(&res);
}
