/* test_config.c - unit tests for config/: loading, validation and logging
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Invalid configs are data: each directory under
 * tests/data/config/invalid/<case>/ holds config.yaml and a one-line
 * 'expected' of "LINE COLUMN MESSAGE". Add a case by adding a directory.
 * The key table (config-private.h) is read here so that the shipped
 * config/migsearch.yaml and docs/config.md are checked against it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config-private.h"
#include "ms_config.h"
#include "ms_log.h"

#define VALID_DIR MS_TEST_DATA "/config/valid"
#define INVALID_DIR MS_TEST_DATA "/config/invalid"

/* Every test may leave a config or a temporary directory behind; the fini
 * hook releases both, so a failed assertion does not leak under ASan. */
static ms_config_t *cfg;
static ms_config_t *defaults;
static char tmpdir[64];

static void
setup(void)
{
    cfg = NULL;
    defaults = NULL;
    tmpdir[0] = '\0';
}

static void
teardown(void)
{
    ms_config_free(cfg);
    ms_config_free(defaults);
    if (tmpdir[0] != '\0') {
        DIR *dir = opendir(tmpdir);
        struct dirent *entry;
        char path[512];
        while (dir != NULL && (entry = readdir(dir)) != NULL) {
            if (entry->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", tmpdir, entry->d_name);
            unlink(path);
        }
        if (dir != NULL)
            closedir(dir);
        rmdir(tmpdir);
    }
}

TestSuite(config, .init = setup, .fini = teardown);
TestSuite(log, .init = setup, .fini = teardown);

/* Read a whole small file into a malloc'ed, NUL-terminated string. */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

static const char *
make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ms-test-config-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
    return tmpdir;
}

/* Write 'len' bytes of 'text' to 'name' in the temporary directory and
 * return the file's path in 'path'. */
static void
write_tmp(char *path, size_t size, const char *name, const char *text, size_t len)
{
    FILE *f;

    if (tmpdir[0] == '\0')
        make_tmpdir();
    snprintf(path, size, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void
load_ok(const char *path)
{
    ms_config_error_t err = {0};
    char msg[600];

    ms_config_free(cfg);
    cfg = NULL;
    cr_assert_eq(ms_config_load(&cfg, path, &err), 0, "%s",
                 ms_file_error_format(&err, msg, sizeof(msg)));
    cr_assert_not_null(cfg);
}

static void
load_text_ok(const char *text)
{
    char path[256];

    write_tmp(path, sizeof(path), "ok.yaml", text, strlen(text));
    load_ok(path);
}

/* Load 'text' and expect it to fail at line:column with 'message'. */
static void
load_text_fails(const char *text, size_t len, unsigned line, unsigned column,
                const char *message)
{
    ms_config_error_t err = {0};
    char path[256];

    write_tmp(path, sizeof(path), "bad.yaml", text, len);
    cr_assert_eq(ms_config_load(&cfg, path, &err), -1, "loaded: %s", text);
    cr_assert_null(cfg);
    cr_expect_str_eq(err.file, path);
    cr_expect_eq(err.line, line, "line %u, wanted %u (%s)", err.line, line, err.text);
    cr_expect_eq(err.column, column, "column %u, wanted %u (%s)", err.column, column,
                 err.text);
    cr_expect_str_eq(err.text, message);
}

/* Field by field, so a field the key table forgot still gets compared. */
static void
expect_config_equal(const ms_config_t *a, const ms_config_t *b)
{
    cr_expect_str_eq(a->index.path, b->index.path);
    cr_expect_str_eq(a->index.language, b->index.language);
    cr_expect_str_eq(a->archive.path, b->archive.path);
    cr_expect_eq(a->archive.max_file_size, b->archive.max_file_size);
    cr_expect_eq(a->archive.batch_size, b->archive.batch_size);
    cr_expect_str_eq(a->server.socket, b->server.socket);
    cr_expect_eq(a->server.socket_mode, b->server.socket_mode);
    cr_expect_str_eq(a->server.socket_group, b->server.socket_group);
    cr_expect_eq(a->server.threads, b->server.threads);
    cr_expect_eq(a->server.backlog, b->server.backlog);
    cr_expect_eq(a->search.per_page, b->search.per_page);
    cr_expect_eq(a->search.max_per_page, b->search.max_per_page);
    cr_expect_eq(a->search.max_page, b->search.max_page);
    cr_expect_eq(a->search.max_query_length, b->search.max_query_length);
    cr_expect_eq(a->search.snippet_length, b->search.snippet_length);
    cr_expect_eq(a->log.level, b->log.level);
    cr_expect_eq(a->log.queries, b->log.queries);
}

/* ---- defaults and the shipped file ---- */

Test(config, defaults_are_the_documented_values)
{
    cr_assert_eq(ms_config_defaults(&cfg), 0);
    cr_expect_str_eq(cfg->source, "");
    cr_expect_str_eq(cfg->index.path, "/var/lib/migsearch/index");
    cr_expect_str_eq(cfg->index.language, "en");
    cr_expect_str_eq(cfg->archive.path, "/srv/migsearch/archive");
    cr_expect_eq(cfg->archive.max_file_size, (size_t)64 * 1024 * 1024);
    cr_expect_eq(cfg->archive.batch_size, 500);
    cr_expect_str_eq(cfg->server.socket, "/run/migsearch/migsearch.sock");
    cr_expect_eq(cfg->server.socket_mode, 0660);
    cr_expect_str_eq(cfg->server.socket_group, "www-data");
    cr_expect_eq(cfg->server.threads, 4);
    cr_expect_eq(cfg->server.backlog, 256);
    cr_expect_eq(cfg->search.per_page, 10);
    cr_expect_eq(cfg->search.max_per_page, 100);
    cr_expect_eq(cfg->search.max_page, 1000);
    cr_expect_eq(cfg->search.max_query_length, 1024);
    cr_expect_eq(cfg->search.snippet_length, 240);
    cr_expect_eq(cfg->log.level, MS_LOG_INFO);
    cr_expect_eq(cfg->log.queries, false);
}

Test(config, shipped_file_equals_defaults)
{
    load_ok(MS_SOURCE_DIR "/config/migsearch.yaml");
    cr_assert_eq(ms_config_defaults(&defaults), 0);
    cr_expect_str_eq(cfg->source, MS_SOURCE_DIR "/config/migsearch.yaml");
    expect_config_equal(cfg, defaults);
}

/* Equal values could also come from a file that left keys out; the shipped
 * file is documentation, so every key must be written in it, under its
 * section, with a comment line just above. */
Test(config, shipped_file_lists_every_key_with_a_comment)
{
    char *text = slurp(MS_SOURCE_DIR "/config/migsearch.yaml");

    for (size_t i = 0; i < ms_config__key_count; i++) {
        const char *name = ms_config__keys[i].name, *dot = strchr(name, '.');
        char section[64], leaf[80];
        const char *at, *end, *line_start, *prev;

        snprintf(section, sizeof(section), "\n%.*s:\n", (int)(dot - name), name);
        snprintf(leaf, sizeof(leaf), "\n  %s: ", dot + 1);
        at = strstr(text, section);
        cr_assert_not_null(at, "no section for %s", name);
        /* The section ends at the next line that starts in column 1. */
        for (end = at + strlen(section); *end != '\0'; end++) {
            if (end[0] == '\n' && end[1] != ' ' && end[1] != '\n' && end[1] != '#')
                break;
        }
        line_start = strstr(at, leaf);
        cr_expect(line_start != NULL && line_start < end,
                  "%s missing from migsearch.yaml", name);
        if (line_start == NULL || line_start >= end)
            continue;
        for (prev = line_start - 1; prev > text && prev[-1] != '\n'; prev--)
            ;
        cr_expect_eq(strncmp(prev, "  # ", 4), 0, "%s has no comment above it", name);
    }
    free(text);
}

static const char *
type_name(ms_config__type_t type)
{
    switch (type) {
    case MS_CONFIG__STRING:
        return "string";
    case MS_CONFIG__PATH:
        return "path";
    case MS_CONFIG__UINT:
        return "uint";
    case MS_CONFIG__SIZE:
        return "size";
    case MS_CONFIG__MODE:
        return "mode";
    case MS_CONFIG__BOOL:
        return "bool";
    case MS_CONFIG__LOGLEVEL:
        return "log level";
    case MS_CONFIG__LANGUAGE:
        return "language";
    case MS_CONFIG__DELIVERY:
        return "delivery";
    case MS_CONFIG__ADDRESS:
        return "address";
    case MS_CONFIG__ADDRESSES:
        return "addresses";
    case MS_CONFIG__SHARDS:
        return "shards";
    }
    return "?";
}

Test(config, docs_list_every_key_with_type_and_default)
{
    char *text = slurp(MS_SOURCE_DIR "/docs/config.md");
    char row[256];
    size_t rows = 0;

    for (size_t i = 0; i < ms_config__key_count; i++) {
        const ms_config__key_t *key = &ms_config__keys[i];
        snprintf(row, sizeof(row), "| `%s` | %s | `%s` |", key->name,
                 type_name(key->type), key->default_text);
        cr_expect_not_null(strstr(text, row), "docs/config.md lacks the row %s", row);
    }
    /* ...and no row for a key that does not exist. */
    for (const char *p = text; (p = strstr(p, "\n| `")) != NULL; p++)
        rows++;
    cr_expect_eq(rows, ms_config__key_count, "docs/config.md has %zu key rows, table %zu",
                 rows, ms_config__key_count);
    free(text);
}

/* ---- valid files ---- */

Test(config, loads_a_full_config)
{
    load_ok(VALID_DIR "/full.yaml");
    cr_expect_str_eq(cfg->source, VALID_DIR "/full.yaml");
    cr_expect_str_eq(cfg->index.path, "/data/idx");
    cr_expect_str_eq(cfg->index.language, "fr");
    cr_expect_str_eq(cfg->archive.path, "/data/archive");
    cr_expect_eq(cfg->archive.max_file_size, (size_t)512 * 1024);
    cr_expect_eq(cfg->archive.batch_size, 1000);
    cr_expect_str_eq(cfg->server.socket, "/tmp/ms.sock");
    cr_expect_eq(cfg->server.socket_mode, 0600);
    cr_expect_str_eq(cfg->server.socket_group, "");
    cr_expect_eq(cfg->server.threads, 256);
    cr_expect_eq(cfg->server.backlog, 1);
    cr_expect_eq(cfg->search.per_page, 20);
    cr_expect_eq(cfg->search.max_per_page, 20);
    cr_expect_eq(cfg->search.max_page, 50);
    cr_expect_eq(cfg->search.max_query_length, 512);
    cr_expect_eq(cfg->search.snippet_length, 16);
    cr_expect_eq(cfg->log.level, MS_LOG_DEBUG);
    cr_expect_eq(cfg->log.queries, true);
}

Test(config, partial_config_keeps_other_defaults)
{
    load_ok(VALID_DIR "/partial.yaml");
    cr_assert_eq(ms_config_defaults(&defaults), 0);
    cr_expect_eq(cfg->server.threads, 8);
    cr_expect_eq(cfg->log.level, MS_LOG_WARN);
    /* Put the two changed values back: the rest must be the defaults. */
    cfg->server.threads = defaults->server.threads;
    cfg->log.level = defaults->log.level;
    expect_config_equal(cfg, defaults);
}

Test(config, empty_inputs_give_defaults)
{
    static const char *const inputs[] = {
        "",
        "# only a comment\n",
        "---\n",
        "--- ~\n",
        "index:\nsearch:\n  # per_page: 5\nlog: ~\n",
        "index: {}\n",
    };

    cr_assert_eq(ms_config_defaults(&defaults), 0);
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        load_text_ok(inputs[i]);
        expect_config_equal(cfg, defaults);
    }
}

Test(config, empty_file_in_tree_gives_defaults)
{
    load_ok(VALID_DIR "/empty.yaml");
    cr_assert_eq(ms_config_defaults(&defaults), 0);
    expect_config_equal(cfg, defaults);
}

Test(config, resolves_relative_paths_against_the_file)
{
    load_ok(VALID_DIR "/relative.yaml");
    cr_expect_str_eq(cfg->index.path, VALID_DIR "/idx");
    cr_expect_str_eq(cfg->archive.path, VALID_DIR "/archive/docs");
    cr_expect_str_eq(cfg->server.socket, VALID_DIR "/../run/ms.sock");
    /* Not paths: left exactly as written. */
    cr_expect_str_eq(cfg->server.socket_group, "staff");
}

Test(config, resolves_relative_paths_in_a_tmp_dir)
{
    char path[256];

    write_tmp(path, sizeof(path), "migsearch.yaml", "index: {path: idx}\n",
              strlen("index: {path: idx}\n"));
    load_ok(path);
    cr_expect_eq(strncmp(cfg->index.path, tmpdir, strlen(tmpdir)), 0);
    cr_expect_str_eq(cfg->index.path + strlen(tmpdir), "/idx");
}

/* index.synonyms: a file named must be there and readable, at load (both
 * programs and --check-config), and the message names the file. */
Test(config, synonyms_file_named_but_missing_is_an_error)
{
    char path[256], missing[300];
    ms_config_error_t err = {0};
    const char *text = "index:\n  synonyms: no-such-synonyms.yaml\n";

    write_tmp(path, sizeof(path), "migsearch.yaml", text, strlen(text));
    snprintf(missing, sizeof(missing), "%s/no-such-synonyms.yaml", tmpdir);
    cr_assert_neq(ms_config_load(&cfg, path, &err), 0);
    cr_expect_null(cfg);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.text, "index.synonyms: cannot read ") == err.text, "%s",
              err.text);
    cr_expect(strstr(err.text, missing) != NULL, "names %s: %s", missing, err.text);
    cr_expect(strstr(err.text, "No such file") != NULL, "%s", err.text);
}

Test(config, synonyms_path_that_is_a_directory_is_an_error)
{
    char path[256];
    ms_config_error_t err = {0};
    const char *text = "index:\n  synonyms: .\n";

    write_tmp(path, sizeof(path), "migsearch.yaml", text, strlen(text));
    cr_assert_neq(ms_config_load(&cfg, path, &err), 0);
    cr_expect(strstr(err.text, "not a regular file") != NULL, "%s", err.text);
}

Test(config, synonyms_empty_means_none_and_a_file_is_resolved)
{
    char path[256], synonyms[256];
    const char *off = "index:\n  synonyms: \"\"\n", *on = "index:\n  synonyms: s.yaml\n";

    write_tmp(path, sizeof(path), "migsearch.yaml", off, strlen(off));
    load_ok(path);
    cr_expect_str_eq(cfg->index.synonyms, "");
    ms_config_free(cfg);
    cfg = NULL;
    write_tmp(synonyms, sizeof(synonyms), "s.yaml", "- [a, b]\n", 9);
    write_tmp(path, sizeof(path), "migsearch.yaml", on, strlen(on));
    load_ok(path);
    cr_expect_str_eq(cfg->index.synonyms, synonyms);
}

/* The shipped file turns the shipped synonyms on (config/synonyms.yaml). */
Test(config, shipped_file_turns_synonyms_on)
{
    load_ok(MS_SOURCE_DIR "/config/migsearch.yaml");
    cr_expect_str_eq(cfg->index.synonyms, MS_SOURCE_DIR "/config/synonyms.yaml");
}

Test(config, resolves_against_cwd_for_a_relative_config_path)
{
    /* Criterion runs each test in its own process, so chdir stays local. */
    cr_assert_eq(chdir(VALID_DIR), 0);
    load_ok("relative.yaml");
    cr_expect_str_eq(cfg->source, "relative.yaml");
    cr_expect_str_eq(cfg->index.path, VALID_DIR "/idx");
    cr_assert_eq(chdir(MS_TEST_DATA "/config"), 0);
    load_ok("./valid/relative.yaml");
    cr_expect_str_eq(cfg->index.path, MS_TEST_DATA "/config/valid/idx");
}

Test(config, absolute_paths_are_kept)
{
    load_text_ok("index:\n  path: /abs/./idx\n");
    cr_expect_str_eq(cfg->index.path, "/abs/./idx");
}

Test(config, accepts_size_suffixes)
{
    static const struct {
        const char *text;
        size_t bytes;
    } cases[] = {
        {"1", 1},          {"4096", 4096},      {"1K", 1024},
        {"3k", 3072},      {"64M", 64UL << 20}, {"2m", 2UL << 20},
        {"1G", 1UL << 30}, {"1g", 1UL << 30},   {"\"10K\"", 10240},
    };
    char text[128];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "archive:\n  max_file_size: %s\n", cases[i].text);
        load_text_ok(text);
        cr_expect_eq(cfg->archive.max_file_size, cases[i].bytes, "%s gave %zu",
                     cases[i].text, cfg->archive.max_file_size);
    }
}

Test(config, accepts_octal_modes_plain_and_quoted)
{
    static const struct {
        const char *text;
        unsigned mode;
    } cases[] = {
        {"0660", 0660}, {"\"0660\"", 0660}, {"'0640'", 0640}, {"0777", 0777},
        {"0", 0},       {"600", 0600},      {"0000", 0},
    };
    char text[128];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "server:\n  socket_mode: %s\n", cases[i].text);
        load_text_ok(text);
        cr_expect_eq(cfg->server.socket_mode, cases[i].mode, "%s gave %o", cases[i].text,
                     cfg->server.socket_mode);
    }
}

Test(config, accepts_every_bool_spelling)
{
    static const struct {
        const char *text;
        bool value;
    } cases[] = {
        {"true", true},   {"yes", true}, {"on", true},   {"True", true},
        {"false", false}, {"no", false}, {"off", false}, {"OFF", false},
    };
    char text[128];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "log:\n  queries: %s\n", cases[i].text);
        load_text_ok(text);
        cr_expect_eq(cfg->log.queries, cases[i].value, "%s", cases[i].text);
    }
}

Test(config, accepts_every_log_level_and_language)
{
    static const char *const levels[] = {"err", "warn", "info", "debug"};
    static const char *const languages[] = {"en", "fr", "es", "ru", "ar", "zh", "none"};
    char text[128];

    for (size_t i = 0; i < 4; i++) {
        snprintf(text, sizeof(text), "log: {level: %s}\n", levels[i]);
        load_text_ok(text);
        cr_expect_eq(cfg->log.level, (ms_log_level_t)i, "%s", levels[i]);
    }
    for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++) {
        snprintf(text, sizeof(text), "index: {language: %s}\n", languages[i]);
        load_text_ok(text);
        cr_expect_str_eq(cfg->index.language, languages[i]);
    }
}

Test(config, accepts_range_limits)
{
    load_text_ok("server: {threads: 1, backlog: 65535}\n"
                 "search: {per_page: 1000, max_per_page: 1000}\n");
    cr_expect_eq(cfg->server.threads, 1);
    cr_expect_eq(cfg->server.backlog, 65535);
    cr_expect_eq(cfg->search.per_page, 1000);
}

Test(config, anchors_and_aliases_are_followed)
{
    load_text_ok("index: {path: &p /shared}\narchive: {path: *p}\n");
    cr_expect_str_eq(cfg->index.path, "/shared");
    cr_expect_str_eq(cfg->archive.path, "/shared");
}

/* ---- invalid files, as data ---- */

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Check one case directory. Returns 1 if it passed. */
static int
check_invalid_case(const char *name)
{
    char config_path[512], expected_path[512], msg[600];
    char *expected = NULL, *message;
    unsigned line = 0, column = 0;
    int consumed = 0, ok = 1;
    ms_config_error_t err = {0};
    ms_config_t *loaded = NULL;

    snprintf(config_path, sizeof(config_path), "%s/%s/config.yaml", INVALID_DIR, name);
    snprintf(expected_path, sizeof(expected_path), "%s/%s/expected", INVALID_DIR, name);
    expected = slurp(expected_path);
    expected[strcspn(expected, "\n")] = '\0';
    if (sscanf(expected, "%u %u %n", &line, &column, &consumed) != 2 || consumed == 0) {
        cr_expect_fail("%s: malformed expected file \"%s\"", name, expected);
        ok = 0;
        goto out;
    }
    message = expected + consumed;

    if (ms_config_load(&loaded, config_path, &err) == 0) {
        cr_expect_fail("%s: loaded without error", name);
        ok = 0;
        goto out;
    }
    cr_expect_null(loaded, "%s: *out set on failure", name);
    ms_file_error_format(&err, msg, sizeof(msg));
    if (err.line != line || err.column != column || strcmp(err.text, message) != 0) {
        cr_expect_fail("%s: got \"%u %u %s\", expected \"%s\"", name, err.line,
                       err.column, err.text, expected);
        ok = 0;
    }
    cr_expect_str_eq(err.file, config_path, "%s: wrong file in error", name);
out:
    ms_config_free(loaded);
    free(expected);
    return ok;
}

Test(config, rejects_every_invalid_case)
{
    DIR *dir = opendir(INVALID_DIR);
    struct dirent *entry;
    char *names[256];
    size_t count = 0, passed = 0;

    cr_assert_not_null(dir, "%s: %s", INVALID_DIR, strerror(errno));
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        cr_assert_lt(count, sizeof(names) / sizeof(names[0]));
        names[count] = strdup(entry->d_name);
        cr_assert_not_null(names[count]);
        count++;
    }
    closedir(dir);
    qsort(names, count, sizeof(names[0]), compare_names);

    /* An empty or missing directory must not pass quietly. */
    cr_expect_geq(count, 30, "only %zu invalid cases found", count);
    for (size_t i = 0; i < count; i++) {
        passed += (size_t)check_invalid_case(names[i]);
        free(names[i]);
    }
    cr_expect_eq(passed, count, "%zu of %zu invalid cases failed", count - passed, count);
}

/* Cases that are awkward to keep as files: NUL bytes, generated sizes. */

Test(config, rejects_nul_byte_in_a_value)
{
    const char *text = "server:\n  socket_group: \"ww\\0w\"\n";

    load_text_fails(text, strlen(text), 2, 17,
                    "server.socket_group: must not contain a NUL byte");
}

Test(config, rejects_nul_byte_in_a_key)
{
    const char *text = "server:\n  \"threads\\0x\": 4\n";

    load_text_fails(text, strlen(text), 2, 3, "server.threads?x: unknown key");
}

Test(config, rejects_raw_nul_byte_in_the_file)
{
    load_text_fails("log:\n  level: in\0fo\n", 20, 2, 12,
                    "control characters are not allowed");
}

Test(config, rejects_an_oversized_file)
{
    size_t len = 1024 * 1024 + 1;
    char *text = malloc(len);

    cr_assert_not_null(text);
    memset(text, '#', len);
    load_text_fails(text, len, 0, 0, "larger than 1048576 bytes");
    free(text);
}

Test(config, survives_deep_nesting)
{
    size_t depth = 100000;
    char *text = malloc(depth * 2 + 16);

    cr_assert_not_null(text);
    memcpy(text, "index: ", 7);
    memset(text + 7, '[', depth);
    memset(text + 7 + depth, ']', depth);
    text[7 + 2 * depth] = '\n';
    /* Stopped at the 64th '[' (the mapping is the first level), before
     * libyaml's scanner, which checks every open level at every token,
     * turns the rest into quadratic work. */
    load_text_fails(text, 8 + 2 * depth, 1, 8 + 63, "nested deeper than 64 levels");
    free(text);
}

Test(config, rejects_a_long_unknown_key_with_a_bounded_message)
{
    char text[1200], expected[128];

    memcpy(text, "server:\n  ", 10);
    memset(text + 10, 'k', 1000);
    memcpy(text + 1010, ": 1\n", 5);
    /* The key is cut to 64 bytes and marked as cut. */
    memcpy(expected, "server.", 7);
    memset(expected + 7, 'k', 64);
    memcpy(expected + 71, "...: unknown key", 17);
    load_text_fails(text, strlen(text), 2, 3, expected);
}

Test(config, rejects_a_relative_socket_that_resolves_too_long)
{
    char text[256], expected[128];

    /* 90 bytes fit on their own but not once joined to the tmp directory. */
    snprintf(text, sizeof(text), "server:\n  socket: %.*s\n", 90,
             "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
             "ssssssssssssssssssssssssssssssssssssssssssssssssssss");
    snprintf(expected, sizeof(expected),
             "server.socket: expected a non-empty path of at most 107 bytes");
    load_text_fails(text, strlen(text), 2, 11, expected);
}

Test(config, missing_file_is_an_error_without_position)
{
    ms_config_error_t err = {0};
    char msg[600];

    cr_assert_eq(ms_config_load(&cfg, VALID_DIR "/does-not-exist.yaml", &err), -1);
    cr_assert_null(cfg);
    cr_expect_str_eq(err.file, VALID_DIR "/does-not-exist.yaml");
    cr_expect_eq(err.line, 0);
    cr_expect_eq(err.column, 0);
    cr_expect_str_eq(err.text, strerror(ENOENT));
    cr_expect_str_eq(ms_file_error_format(&err, msg, sizeof(msg)),
                     VALID_DIR "/does-not-exist.yaml: No such file or directory");
}

Test(config, directory_is_an_error)
{
    ms_config_error_t err = {0};

    cr_assert_eq(ms_config_load(&cfg, VALID_DIR, &err), -1);
    cr_expect_eq(err.line, 0);
    cr_expect_str_eq(err.text, strerror(EISDIR));
}

Test(config, error_struct_may_be_null)
{
    cr_expect_eq(ms_config_load(&cfg, VALID_DIR "/does-not-exist.yaml", NULL), -1);
    cr_expect_eq(ms_config_load(&cfg, INVALID_DIR "/unknown-key-top/config.yaml", NULL),
                 -1);
    cr_expect_null(cfg);
}

Test(config, free_accepts_null)
{
    ms_config_free(NULL);
}

/* ---- error formatting, as --check-config prints it ---- */

Test(config, formats_errors_with_and_without_position)
{
    ms_config_error_t err = {.line = 3, .column = 12};
    char buf[600];

    snprintf(err.file, sizeof(err.file), "/etc/migsearch/migsearch.yaml");
    snprintf(err.text, sizeof(err.text),
             "server.threads: expected an unsigned integer from 1 to 256");
    cr_expect_str_eq(ms_file_error_format(&err, buf, sizeof(buf)),
                     "/etc/migsearch/migsearch.yaml:3:12: server.threads: expected an "
                     "unsigned integer from 1 to 256");
    err.line = 0;
    err.column = 0;
    cr_expect_str_eq(
        ms_file_error_format(&err, buf, sizeof(buf)),
        "/etc/migsearch/migsearch.yaml: server.threads: expected an unsigned "
        "integer from 1 to 256");
    /* A short buffer is truncated, still terminated. */
    cr_expect_str_eq(ms_file_error_format(&err, buf, 5), "/etc");
    cr_expect_eq(ms_file_error_format(&err, buf, 0), buf);
}

Test(config, formats_a_real_load_error)
{
    ms_config_error_t err = {0};
    char buf[600];

    cr_assert_eq(ms_config_load(&cfg, INVALID_DIR "/uint-out-of-range/config.yaml", &err),
                 -1);
    cr_expect_str_eq(ms_file_error_format(&err, buf, sizeof(buf)),
                     INVALID_DIR "/uint-out-of-range/config.yaml:2:12: server.threads: "
                                 "expected an unsigned integer from 1 to 256");
}

/* ---- logging ---- */

Test(log, parses_and_names_levels)
{
    static const char *const names[] = {"err", "warn", "info", "debug"};
    ms_log_level_t level = MS_LOG_ERR;

    for (size_t i = 0; i < 4; i++) {
        cr_expect_eq(ms_log_level_parse(&level, names[i]), 0, "%s", names[i]);
        cr_expect_eq(level, (ms_log_level_t)i);
        cr_expect_str_eq(ms_log_level_name(level), names[i]);
    }
    level = MS_LOG_WARN;
    cr_expect_eq(ms_log_level_parse(&level, "warning"), -1);
    cr_expect_eq(ms_log_level_parse(&level, "INFO"), -1);
    cr_expect_eq(ms_log_level_parse(&level, ""), -1);
    cr_expect_eq(level, MS_LOG_WARN, "a failed parse changed the level");
    cr_expect_str_eq(ms_log_level_name((ms_log_level_t)42), "unknown");
}

/* Point stderr at a file for the duration of 'body', then return what was
 * written. Criterion's own output does not go through fd 2 in a test. */
static char *
capture_stderr(void (*body)(void))
{
    char path[256];
    int saved, fd;

    write_tmp(path, sizeof(path), "stderr", "", 0);
    fd = open(path, O_WRONLY | O_TRUNC);
    cr_assert_geq(fd, 0);
    saved = dup(STDERR_FILENO);
    cr_assert_geq(saved, 0);
    cr_assert_geq(dup2(fd, STDERR_FILENO), 0);
    close(fd);
    body();
    cr_assert_geq(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    return slurp(path);
}

static void
log_two_lines(void)
{
    ms_log_init("test", MS_LOG_INFO);
    ms_log(MS_LOG_WARN, "disk %s at %d%%", "full", 97);
    ms_log(MS_LOG_INFO, "multi\nline");
}

Test(log, writes_one_formatted_line_per_event)
{
    char *out = capture_stderr(log_two_lines);
    char *second = strchr(out, '\n');

    /* 2026-11-28T07:00:00Z: 20 characters, then the rest. */
    cr_assert_geq(strlen(out), 21, "%s", out);
    cr_expect_eq(out[4], '-');
    cr_expect_eq(out[10], 'T');
    cr_expect_eq(out[19], 'Z');
    cr_expect_eq(strncmp(out + 20, " WARN test: disk full at 97%\n", 29), 0, "%s", out);
    cr_assert_not_null(second);
    /* A newline in the message is escaped: it cannot start a forged line. */
    cr_expect_str_eq(second + 21, " INFO test: multi\\x0Aline\n", "%s", out);
    free(out);
}

static int evaluated;

static int
side_effect(void)
{
    evaluated++;
    return 1;
}

static void
log_below_threshold(void)
{
    ms_log_init("test", MS_LOG_WARN);
    ms_log(MS_LOG_DEBUG, "never %d", side_effect());
    ms_log(MS_LOG_INFO, "never %d", side_effect());
    ms_log(MS_LOG_ERR, "shown %d", side_effect());
}

Test(log, skips_events_below_threshold_without_evaluating_them)
{
    char *out = capture_stderr(log_below_threshold);

    cr_expect_eq(evaluated, 1);
    cr_expect_not_null(strstr(out, " ERR test: shown 1\n"), "%s", out);
    cr_expect_null(strstr(out, "never"), "%s", out);
    free(out);
}

static void
log_huge(void)
{
    char *big = malloc(10000);

    cr_assert_not_null(big);
    memset(big, 'x', 9999);
    big[9999] = '\0';
    ms_log_init("test", MS_LOG_DEBUG);
    ms_log(MS_LOG_DEBUG, "%s", big);
    free(big);
}

Test(log, truncates_long_messages_to_one_line)
{
    char *out = capture_stderr(log_huge);
    size_t len = strlen(out);

    cr_expect_eq(len, 4096, "line of %zu bytes", len);
    cr_expect_eq(out[len - 1], '\n');
    cr_expect_eq(strchr(out, '\n'), out + len - 1, "more than one line");
    free(out);
}
