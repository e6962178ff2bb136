/* test_keep.c - `migsearch-index check`, and keep-last-good, through the real programs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Issue 15: a typo must not take a meeting off the portal. A
 * recommendation set (or a _defaults.yaml) that was indexed and now has
 * an error keeps its last good version searchable, and the run says so
 * (exit 3, its report, /health); a file that was never good is skipped as
 * before. `check` reports every error of a file with several, names a tab
 * as a tab, and changes nothing.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define SAMPLE MS_TEST_DATA "/archive"

static ms_it_t it;
static char archive[192];

static void
teardown(void)
{
    char command[256];

    ms_it_stop(&it);
    if (archive[0] && !getenv("MS_TEST_LEAVE")) {
        snprintf(command, sizeof(command), "rm -rf '%s'", archive);
        cr_expect_eq(system(command), 0);
    }
}

TestSuite(keep, .fini = teardown, .timeout = 120);

/* Write 'content' to 'rel' under the test's archive, creating folders. The
 * file's time moves a second on, so that an update sees it changed. */
static void
write_file(const char *rel, const char *content)
{
    static long tick;
    char path[512], dir[512];
    struct timespec times[2];

    snprintf(path, sizeof(path), "%s/%s", archive, rel);
    snprintf(dir, sizeof(dir), "%s", path);
    for (char *p = dir + strlen(archive) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(content, f);
    cr_assert_eq(fclose(f), 0);
    clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec += ++tick;
    times[1] = times[0];
    cr_assert_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void
make_archive(void)
{
    snprintf(archive, sizeof(archive), "/tmp/ms-keep.XXXXXX");
    cr_assert_not_null(mkdtemp(archive));
}

static const char good_set[] = "meeting: kp-2001-keep\n"
                               "title: Meeting on keeping\n"
                               "date: 2001-05-02\n"
                               "countries: [Kenya]\n"
                               "recommendations:\n"
                               "  - number: 1\n"
                               "    text: Governments should count zanzibarite flows.\n"
                               "    reports:\n"
                               "      - country: Kenya\n"
                               "        status: implemented\n"
                               "  - number: 2\n"
                               "    text: Consulates should keep quokkaline registers.\n";

/* The same set with a tab (line 6), a bad status (line 10) and a bad
 * date (line 11): three errors. */
static const char broken_set[] =
    "meeting: kp-2001-keep\n"
    "title: Meeting on keeping\n"
    "date: 2001-05-02\n"
    "countries: [Kenya]\n"
    "recommendations:\n"
    "\t- number: 1\n"
    "    text: Governments should count zanzibarite flows.\n"
    "    reports:\n"
    "      - country: Kenya\n"
    "        status: implemnted\n"
    "        date: 2003-13\n"
    "  - number: 2\n"
    "    text: Consulates should keep quokkaline registers.\n";

/* Run migsearch-index with 'args' (after --config and --archive); its
 * output into *out (caller frees). Returns the exit status. */
static int
indexer(char **out, const char *const *args)
{
    char log[256];

    snprintf(log, sizeof(log), "%s/index.log", it.dir);
    unlink(log);
    int status = ms_it_index_args(&it, archive, args);
    *out = ms_it_read_file(log);
    cr_assert_not_null(*out);
    return status;
}

static long
get_status(const char *target)
{
    ms_http_t res;
    ms_it_get(&res, &it, target);
    long status = res.status;
    ms_http_free(&res);
    return status;
}

/* /health's "revision". */
static long long
revision(void)
{
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &it, "/health");
    cr_assert_eq(res.status, 200, "%s", res.body);
    long long n = json_integer_value(json_object_get(json, "revision"));
    ms_http_free(&res);
    return n;
}

/* Index the archive, expecting exit 'status', the output into *out; then
 * wait (at most 10 s) until a worker serves a newer revision, and a second
 * more, since each worker looks for one at most once a second
 * (fcgi/worker.c) and the next request may reach another. */
static void
reindex(char **out, int status)
{
    long long before = revision();
    long deadline = ms_it_now_ms() + 10000;
    char log[256];

    snprintf(log, sizeof(log), "%s/index.log", it.dir);
    unlink(log);
    int got = ms_it_index(&it, archive);
    *out = ms_it_read_file(log);
    cr_assert_eq(got, status, "%s", *out);
    while (revision() <= before && ms_it_now_ms() < deadline)
        usleep(50 * 1000);
    usleep(1100 * 1000);
    cr_assert_gt(revision(), before, "the server did not pick up the new revision");
}

static long long
health_kept(void)
{
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &it, "/health");
    cr_assert_eq(res.status, 200, "%s", res.body);
    json_t *kept = json_object_get(json, "kept_files");
    cr_assert(json_is_integer(kept), "/health has no kept_files: %s", res.body);
    long long n = json_integer_value(kept);
    ms_http_free(&res);
    return n;
}

static unsigned long
hits(const char *query)
{
    ms_http_t res;
    char target[256];
    snprintf(target, sizeof(target), "/search?q=%s", query);
    json_t *json = ms_it_get_json(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s", res.body);
    unsigned long n = (unsigned long)json_integer_value(
        json_object_get(json_object_get(json, "total"), "estimate"));
    ms_http_free(&res);
    return n;
}

/* /metrics has the indexer's gauges of the last run, and every metric the
 * shipped alert rules name. */
static void
expect_indexer_metrics(int exit_status, int kept)
{
    ms_http_t res;
    char line[128];
    char *rules = ms_it_read_file(MS_SOURCE_DIR "/packaging/ops/migsearch-alerts.yml");

    ms_it_get(&res, &it, "/metrics");
    cr_assert_eq(res.status, 200, "%s", res.body);
    snprintf(line, sizeof(line), "\nmigsearch_indexer_last_run_exit_status %d\n",
             exit_status);
    cr_expect(strstr(res.body, line), "no '%s' in /metrics", line + 1);
    snprintf(line, sizeof(line), "\nmigsearch_indexer_last_run_kept_files %d\n", kept);
    cr_expect(strstr(res.body, line), "no '%s' in /metrics", line + 1);
    cr_expect(strstr(res.body, "\nmigsearch_indexer_last_run_finished_seconds 1"),
              "no finished time in /metrics");
    cr_assert_not_null(rules);
    for (const char *p = rules; (p = strstr(p, "migsearch_")) != NULL;) {
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
        snprintf(line, sizeof(line), "\n%.*s", (int)n, p);
        cr_expect(strstr(res.body, line), "the alert rules name %s, /metrics has not",
                  line + 1);
        p += n;
    }
    free(rules);
    ms_http_free(&res);
}

Test(keep, broken_set_keeps_its_last_good_version_until_fixed)
{
    char *out;

    make_archive();
    write_file("m/kp.recommendations.yaml", good_set);
    write_file("notes/_defaults.yaml", "type: report\n");
    write_file("notes/a.md", "# Alpha\n\nAbout xylophonic borders.\n");
    ms_it_start(&it, archive, NULL);
    cr_assert_eq(get_status("/doc/kp-2001-keep.r1"), 200);
    cr_assert_eq(hits("zanzibarite"), 1);
    cr_assert_eq(health_kept(), 0);

    /* A typo in the set, one in a _defaults.yaml, and a new set that was
     * never good. */
    write_file("m/kp.recommendations.yaml", broken_set);
    write_file("notes/_defaults.yaml", "type: [report\n");
    write_file("m/new.recommendations.yaml",
               "meeting: kp-2002-new\ntitle: New\nrecommendations:\n"
               "  - number: 1\n    text: Never good.\n    colour: red\n");
    reindex(&out, 3);
    cr_expect(strstr(out, "kp.recommendations.yaml:6:1: invalid YAML: a tab character"),
              "the tab is named: %s", out);
    cr_expect(strstr(out, "last good version"), "%s", out);
    free(out);
    cr_expect_eq(get_status("/doc/kp-2001-keep.r1"), 200, "the old recommendations stay");
    cr_expect_eq(get_status("/doc/kp-2001-keep.r2"), 200);
    cr_expect_eq(hits("zanzibarite"), 1, "and are searchable");
    cr_expect_eq(hits("xylophonic"), 1, "a.md keeps its version under a broken default");
    cr_expect_eq(get_status("/doc/kp-2002-new.r1"), 404, "a never-good set is skipped");
    cr_expect_eq(health_kept(), 2, "/health counts the two kept files");
    expect_indexer_metrics(3, 2);

    /* The run report names them. */
    const char *args[] = {"status", "--json", NULL};
    cr_assert_eq(indexer(&out, args), 0, "%s", out);
    cr_expect(strstr(out, "\"kept\": [\n"), "%s", out);
    cr_expect(strstr(out, "\"m/kp.recommendations.yaml\""), "%s", out);
    cr_expect(strstr(out, "\"notes/a.md\""), "%s", out);
    free(out);

    /* A second run keeps them still (the files are read again each run). */
    reindex(&out, 3);
    free(out);
    cr_expect_eq(hits("zanzibarite"), 1);

    /* Fixed: the new version replaces the old. */
    char fixed[sizeof(good_set) + 16];
    snprintf(fixed, sizeof(fixed), "%s", good_set);
    memcpy(strstr(fixed, "zanzibarite"), "quarantined", 11);
    write_file("m/kp.recommendations.yaml", fixed);
    write_file("notes/_defaults.yaml", "type: report\n");
    write_file("m/new.recommendations.yaml",
               "meeting: kp-2002-new\ntitle: New\nrecommendations:\n"
               "  - number: 1\n    text: Good now.\n");
    reindex(&out, 0);
    free(out);
    cr_expect_eq(hits("zanzibarite"), 0);
    cr_expect_eq(hits("quarantined"), 1);
    cr_expect_eq(get_status("/doc/kp-2002-new.r1"), 200);
    cr_expect_eq(health_kept(), 0);
}

Test(keep, check_reports_every_error_of_every_file_and_changes_nothing)
{
    char *out, *before, *after, path[256];
    static const char md[] = "---\nid: doc-b\ndate: 2003-02-30\ntype: nonsense\n"
                             "language: xx\n---\nThree errors.\n";

    make_archive();
    write_file("m/kp.recommendations.yaml", broken_set);
    write_file("b.md", md);
    write_file("c.md", "# Fine\n\nNothing wrong here.\n");
    snprintf(path, sizeof(path), "%s/dangling.md", archive);
    cr_assert_eq(symlink("/nonexistent/x.md", path), 0); /* the walk cannot read it */
    ms_it_start(&it, NULL, NULL);

    const char *args[] = {"check", NULL};
    cr_assert_eq(indexer(&out, args), 3, "%s", out);
    const char *expected[] = {
        "/m/kp.recommendations.yaml:6:1: invalid YAML: a tab character; YAML indents "
        "with spaces only",
        "/m/kp.recommendations.yaml:10:17: status: must be one of",
        "/m/kp.recommendations.yaml:11:15: date: must be a real date",
        "/b.md:3:7: date: must be a real date",
        "/b.md:4:7: type: must be one of",
        "/b.md:5:11: language: must be one of",
        "/dangling.md: cannot read",
        "files checked: 3; with errors: 3; errors: 7",
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++)
        cr_expect(strstr(out, expected[i]), "no '%s' in:\n%s", expected[i], out);
    cr_expect(!strstr(out, "c.md"), "a good file is not named: %s", out);
    cr_expect(!strstr(out, "missing"), "no error that only follows another: %s", out);
    free(out);

    /* Nothing changed: no index was made, the files are as they were. */
    snprintf(path, sizeof(path), "%s/index", it.dir);
    cr_expect_neq(access(path, F_OK), 0, "check made an index");
    snprintf(path, sizeof(path), "%s/m/kp.recommendations.yaml", archive);
    before = strdup(broken_set);
    after = ms_it_read_file(path);
    cr_expect_str_eq(after, before, "check changed the file");
    free(before);
    free(after);

    /* One file, by its path; then one outside the archive. */
    snprintf(path, sizeof(path), "%s/b.md", archive);
    const char *one[] = {"check", path, NULL};
    cr_assert_eq(indexer(&out, one), 3, "%s", out);
    cr_expect(strstr(out, "files checked: 1; with errors: 1; errors: 3"), "%s", out);
    free(out);
    snprintf(path, sizeof(path), "%s/outside.md", it.dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("---\ndate: 2003-13\n---\nOutside.\n", f);
    fclose(f);
    const char *outside[] = {"check", path, NULL};
    cr_assert_eq(indexer(&out, outside), 3, "%s", out);
    cr_expect(strstr(out, "outside.md:2:7: date:"), "%s", out);
    free(out);
    /* The template staff copy for a new meeting (docs/staff.md) is clean. */
    const char *template[] = {
        "check", MS_SOURCE_DIR "/docs/templates/meeting.recommendations.yaml", NULL};
    cr_expect_eq(indexer(&out, template), 0, "%s", out);
    free(out);
    const char *missing[] = {"check", "/nonexistent/file.md", NULL};
    cr_expect_eq(indexer(&out, missing), 2, "%s", out);
    free(out);
}

Test(keep, the_sample_archive_checks_clean)
{
    char *out;

    snprintf(archive, sizeof(archive), "%s", SAMPLE);
    ms_it_start(&it, NULL, NULL);
    const char *args[] = {"check", NULL};
    cr_expect_eq(indexer(&out, args), 0, "%s", out);
    cr_expect(strstr(out, "; with errors: 0; errors: 0"), "%s", out);
    free(out);
    archive[0] = '\0'; /* not ours to remove */
}
