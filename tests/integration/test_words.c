/* test_words.c - words find what is tagged, in the six UN languages, through nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The sample archive indexed with the synonyms the shipped config turns on
 * (config/migsearch.yaml, index.synonyms), served by the real
 * migsearch-fcgi and nginx (harness.h). What each test expects is read
 * from the archive files and the synonyms file here, not copied from the
 * server: a query word is checked to be in its document's text, a
 * document's language and tags are read from its front matter or its
 * recommendation set, the synonym group from config/synonyms.yaml.
 */
#define _GNU_SOURCE /* strcasestr */
#include "harness.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define ARCHIVE MS_TEST_DATA "/archive"
#define CONFIG_DIR MS_SOURCE_DIR "/config"

static ms_it_t it;
static char index_lines[600];

/* A file of the tree, which must be there and not empty. */
static char *
slurp(const char *path)
{
    char *text = ms_it_read_file(path);
    cr_assert(text[0] != '\0', "cannot read %s", path);
    return text;
}

/* The value of the first line "<indent><key>: value" of 'text' (past its
 * first line), without quotes, into 'out'; false if there is none. */
static bool
line_value(char *out, size_t size, const char *text, const char *indent_key)
{
    char needle[80];
    snprintf(needle, sizeof(needle), "\n%s: ", indent_key);
    const char *at = strstr(text, needle);
    if (!at)
        return false;
    at += strlen(needle);
    size_t n = strcspn(at, "\n");
    if (n > 0 && (at[0] == '"' || at[0] == '\'') && at[n - 1] == at[0]) {
        at++;
        n -= 2;
    }
    cr_assert_lt(n, size);
    memcpy(out, at, n);
    out[n] = '\0';
    return true;
}

/* The synonyms file the shipped config names, resolved as the config
 * loader resolves it (against the config file's directory). */
static void
shipped_synonyms(char *out, size_t size)
{
    char *config = slurp(CONFIG_DIR "/migsearch.yaml"), value[400];
    cr_assert(line_value(value, sizeof(value), config, "  synonyms"),
              "config/migsearch.yaml sets no index.synonyms");
    cr_assert(value[0] != '\0', "config/migsearch.yaml turns synonyms off");
    if (value[0] == '/')
        snprintf(out, size, "%s", value);
    else
        snprintf(out, size, "%s/%s", CONFIG_DIR, value);
    free(config);
}

static void
start(void)
{
    char synonyms[500];
    shipped_synonyms(synonyms, sizeof(synonyms));
    snprintf(index_lines, sizeof(index_lines), "  synonyms: %s\n", synonyms);
    ms_it_options_t options = {.index_lines = index_lines};
    ms_it_start_with(&it, ARCHIVE, &options);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(words, .init = start, .fini = stop, .timeout = 60);

/* GET 'target' (already URL-encoded) and return the JSON of a 200. */
static json_t *
search(ms_http_t *res, const char *target)
{
    return ms_it_get_json(res, &it, target);
}

static bool
has_hit(json_t *json, const char *id)
{
    json_t *results = json_object_get(json, "results"), *hit;
    size_t i;
    cr_assert(json_is_array(results), "no results");
    json_array_foreach(results, i, hit)
    {
        if (strcmp(json_string_value(json_object_get(hit, "id")), id) == 0)
            return true;
    }
    return false;
}

static json_int_t
total_of(json_t *json)
{
    return json_integer_value(
        json_object_get(json_object_get(json, "total"), "estimate"));
}

/* One word of each of the six UN languages, from a document in that
 * language, typed without lang=: the document is found. The words are
 * inflected forms whose stem in the default language (English) differs
 * from their own language's, or in a script English does not stem. */
Test(words, a_word_of_each_language_finds_its_document_without_lang)
{
    static const struct {
        const char *language, *word, *file, *id;
    } cases[] = {
        {"en", "corridors", "recommendations/ikd-2002-cholponata.recommendations.yaml",
         "ikd-2002-cholponata.r4"},
        {"fr", "délégués", "recommendations/au-2001-bamako-recommandations.md",
         "au-2001-bamako-recommandations"},
        {"es", "enviadas", "recommendations/crc-2001-santo-domingo-recomendaciones.md",
         "crc-2001-santo-domingo-recomendaciones"},
        {"ru", "переводы", "recommendations/ikd-2003-dushanbe-rekomendatsii.md",
         "ikd-2003-dushanbe-rekomendatsii"},
        {"ar", "تحويلات", "workshops/kmi-2004-warsha-tahwilat.md",
         "kmi-2004-warsha-tahwilat"},
        {"zh", "汇款", "workshops/kmi-2004-huikuan-yantaohui.md",
         "kmi-2004-huikuan-yantaohui"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char path[512], language[16], encoded[256], target[400];
        snprintf(path, sizeof(path), "%s/%s", ARCHIVE, cases[i].file);
        char *text = slurp(path);
        /* The word is in the document, and the document in its language. */
        cr_assert_not_null(strstr(text, cases[i].word), "%s not in %s", cases[i].word,
                           cases[i].file);
        cr_assert(line_value(language, sizeof(language), text, "language"), "%s",
                  cases[i].file);
        cr_assert_str_eq(language, cases[i].language, "%s", cases[i].file);
        free(text);

        ms_it_url_encode(encoded, sizeof(encoded), cases[i].word);
        snprintf(target, sizeof(target), "/search?q=%s&per_page=100", encoded);
        ms_http_t res;
        json_t *json = search(&res, target);
        cr_expect(has_hit(json, cases[i].id), "%s (%s) does not find %s: %s",
                  cases[i].word, cases[i].language, cases[i].id, res.body);
        ms_http_free(&res);
    }
}

/* The first flow-list group of 'synonyms' that has 'entry', as entries. */
static size_t
synonym_group(char entries[][64], size_t max, const char *synonyms, const char *entry)
{
    for (const char *line = synonyms; line; line = strchr(line, '\n')) {
        line += *line == '\n';
        if (strncmp(line, "- [", 3) != 0)
            continue;
        size_t len = strcspn(line, "]");
        char group[400];
        cr_assert_lt(len, sizeof(group));
        memcpy(group, line + 3, len - 3);
        group[len - 3] = '\0';
        size_t n = 0;
        bool found = false;
        for (char *save, *e = strtok_r(group, ",", &save); e && n < max;
             e = strtok_r(NULL, ",", &save)) {
            e += strspn(e, " ");
            snprintf(entries[n], 64, "%s", e);
            found |= strcmp(entries[n], entry) == 0;
            n++;
        }
        if (found)
            return n;
    }
    return 0;
}

/* Each entry of the group that neither the body of document 'id' nor its
 * English tags contain finds it: only the synonyms can take it there. */
static void
expect_found_by_group(const char *id, const char *body, char entries[][64], size_t n)
{
    for (size_t e = 0; e < n; e++) {
        char encoded[256], target[400];
        if (strcmp(entries[e], "remittances") == 0 || strcasestr(body, entries[e]))
            continue;
        ms_it_url_encode(encoded, sizeof(encoded), entries[e]);
        snprintf(target, sizeof(target), "/search?q=%s&per_page=100", encoded);
        ms_http_t res;
        cr_expect(has_hit(search(&res, target), id), "\"%s\" misses %s", entries[e], id);
        ms_http_free(&res);
    }
}

/* With the shipped config, "remittances" also finds the French and
 * Spanish documents that say it only in their own words (an entry of its
 * group in config/synonyms.yaml), which the word alone cannot. */
Test(words, shipped_synonyms_take_remittances_to_french_and_spanish)
{
    char synonyms_path[500], entries[8][64], language[16];
    shipped_synonyms(synonyms_path, sizeof(synonyms_path));
    char *synonyms = slurp(synonyms_path);
    size_t n = synonym_group(entries, 8, synonyms, "remittances");
    free(synonyms);
    cr_assert_geq(n, 2, "no group with remittances in %s", synonyms_path);

    ms_http_t res;
    json_t *json = search(&res, "/search?q=remittances&per_page=100");
    glob_t files;
    cr_assert_eq(glob(ARCHIVE "/*/*.md", 0, NULL, &files), 0);
    size_t checked = 0;
    for (size_t f = 0; f < files.gl_pathc; f++) {
        char *text = slurp(files.gl_pathv[f]), id[128];
        /* The text is what follows the front matter (whose themes may
         * well say "remittances"). */
        const char *body = strstr(text, "\n---\n");
        if (!body || !line_value(language, sizeof(language), text, "language") ||
            (strcmp(language, "fr") != 0 && strcmp(language, "es") != 0) ||
            strcasestr(body, "remittance")) {
            free(text);
            continue;
        }
        for (size_t e = 0; e < n; e++) {
            if (strcmp(entries[e], "remittances") == 0 || !strcasestr(body, entries[e]))
                continue;
            cr_assert(line_value(id, sizeof(id), text, "id"));
            cr_expect(has_hit(json, id), "remittances misses %s (%s says \"%s\")", id,
                      language, entries[e]);
            expect_found_by_group(id, body, entries, n);
            checked++;
            break;
        }
        free(text);
    }
    globfree(&files);
    cr_assert_geq(checked, 2, "no French or Spanish document to check");
    ms_http_free(&res);
}

/* Run 'program' with a config naming a synonyms file that is not there:
 * it must not start (exit 2), and its message names the file. */
static void
expect_refused(const char *program, const char *extra_args)
{
    char config[300], missing[300], cmd[1200], log[300];
    snprintf(config, sizeof(config), "%s/missing-synonyms.yaml", it.dir);
    snprintf(missing, sizeof(missing), "%s/no-such-synonyms.yaml", it.dir);
    snprintf(log, sizeof(log), "%s/refused.log", it.dir);
    FILE *f = fopen(config, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "index:\n  path: %s/index\n  synonyms: %s\n"
            "server:\n  socket: %s/refused.sock\n  socket_group: \"\"\n",
            it.dir, missing, it.dir);
    cr_assert_eq(fclose(f), 0);
    snprintf(cmd, sizeof(cmd), "%s --config %s %s >%s 2>&1 </dev/null", program, config,
             extra_args, log);
    int status = system(cmd);
    cr_assert(WIFEXITED(status), "%s did not exit", program);
    cr_expect_eq(WEXITSTATUS(status), 2, "%s exited %d", program, WEXITSTATUS(status));
    char *text = slurp(log);
    cr_expect(strstr(text, missing) && strstr(text, "index.synonyms"),
              "%s: message does not name %s: %s", program, missing, text);
    free(text);
}

Test(words, a_missing_synonyms_file_stops_both_programs)
{
    expect_refused(MS_BINARY_DIR "/fcgi/migsearch-fcgi", "");
    expect_refused(MS_BINARY_DIR "/indexer/migsearch-index", "--archive " ARCHIVE);
    /* The server that was running is untouched. */
    ms_http_t res;
    search(&res, "/search?q=remittances");
    ms_http_free(&res);
}

/* The recommendations of 'set' (a recommendation set file) tagged
 * 'theme', as ids "<meeting>.r<number>", into 'ids'; returns how many.
 * The set's own process is checked to be 'process'. */
static size_t
tagged_recommendations(char ids[][128], size_t max, const char *set, const char *process,
                       const char *theme)
{
    char *text = slurp(set), meeting[96], value[200];
    cr_assert(line_value(value, sizeof(value), text, "process"), "%s: no process", set);
    cr_assert_str_eq(value, process, "%s is not of %s", set, process);
    cr_assert(line_value(meeting, sizeof(meeting), text, "meeting"));
    size_t n = 0;
    for (char *rec = strstr(text, "\n  - number: "); rec && n < max;) {
        int number = atoi(rec + strlen("\n  - number: "));
        char *next = strstr(rec + 1, "\n  - number: ");
        char *themes = strstr(rec, "\n    themes: [");
        if (themes && (!next || themes < next)) {
            size_t len = strcspn(themes, "]");
            if (memmem(themes, len, theme, strlen(theme)))
                snprintf(ids[n++], 128, "%s.r%d", meeting, number);
        }
        rec = next;
    }
    free(text);
    return n;
}

/* A theme is a word of the documents tagged with it: "remittances" with
 * the process filter finds the Issyk-Kul recommendation tagged
 * remittances, whose own text never says the word. */
Test(words, a_theme_word_with_the_process_filter_finds_the_tagged_recommendation)
{
    char ids[16][128];
    size_t n = tagged_recommendations(
        ids, 16, ARCHIVE "/recommendations/ikd-2002-cholponata.recommendations.yaml",
        "Issyk-Kul Dialogue", "remittances");
    cr_assert_geq(n, 1, "no recommendation of the set is tagged remittances");

    ms_http_t res;
    json_t *json =
        search(&res, "/search?q=remittances&process=Issyk-Kul%20Dialogue&per_page=100");
    for (size_t i = 0; i < n; i++)
        cr_expect(has_hit(json, ids[i]), "remittances + Issyk-Kul Dialogue misses %s: %s",
                  ids[i], res.body);
    ms_http_free(&res);

    /* Without the filter the word finds them too, among others. */
    json = search(&res, "/search?q=remittances&per_page=100");
    for (size_t i = 0; i < n; i++)
        cr_expect(has_hit(json, ids[i]), "remittances misses %s", ids[i]);
    cr_expect_gt(total_of(json), (json_int_t)n);
    ms_http_free(&res);
}

/* Every API example of the README answers 200, and a search example finds
 * something: an example that returns nothing teaches the wrong thing. */
Test(words, readme_api_examples_work_on_the_sample)
{
    char *readme = slurp(MS_SOURCE_DIR "/README.md");
    const char *prefix = "curl 'http://127.0.0.1:8080";
    size_t checked = 0;
    for (const char *at = strstr(readme, prefix); at; at = strstr(at + 1, prefix)) {
        char target[400];
        const char *start = at + strlen(prefix);
        size_t len = strcspn(start, "'");
        cr_assert_lt(len, sizeof(target));
        memcpy(target, start, len);
        target[len] = '\0';
        ms_http_t res;
        ms_it_get(&res, &it, target);
        cr_expect_eq(res.status, 200, "README example %s: HTTP %ld", target, res.status);
        if (strncmp(target, "/search", 7) == 0 && res.json)
            cr_expect_gt(total_of(res.json), 0, "README example %s finds nothing",
                         target);
        ms_http_free(&res);
        checked++;
    }
    free(readme);
    cr_assert_geq(checked, 3, "no API examples found in README.md");
}
