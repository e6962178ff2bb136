/* test_composed.c - a word found however its letters are written, through nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The UN's SDG goals and targets in French, Spanish and Russian
 * (../shared/data/corpus/sdg-goals-targets-indicators, read in place) are
 * written with decomposed letters: "é" as "e" and a combining acute, "й"
 * as "и" and a combining breve. A delegate's keyboard types them composed.
 * The folder is indexed and served by the real migsearch-index,
 * migsearch-fcgi and nginx (harness.h). For each of the three languages,
 * the words of goal-01.md that hold a combining mark are searched as typed
 * (composed, with utf8proc) and as written in the file; each must find
 * goal-01.md under its title, which the server shows composed.
 *
 * And a PDF whose font draws "fi", "fl", "ffi" and "ff" as one glyph
 * each, which its text layer gives as the ligature (U+FB01 ...: the
 * fixture PDF, tools/fixtures.c), is found by the letters typed, and
 * shown with them.
 */
#include "fixtures.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define SDG MS_SOURCE_DIR "/../shared/data/corpus/sdg-goals-targets-indicators"

/* Words of a file searched in each language: enough to cover its marks. */
#define WORDS_A_FILE 5

static ms_it_t it;

static void
start(void)
{
    ms_it_start(&it, SDG, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(composed, .init = start, .fini = stop, .timeout = 120);

static char *
composed(const char *text)
{
    char *out = (char *)utf8proc_NFC((const utf8proc_uint8_t *)text);
    cr_assert_not_null(out, "not UTF-8: %s", text);
    return out;
}

/* The first 'max' words of 'text' (letters and marks) that hold a
 * combining mark, into 'words'; how many were found. */
static size_t
marked_words(char words[][128], size_t max, const char *text)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t n = 0, start = 0, at = 0;
    bool marked = false;

    while (n < max) {
        utf8proc_int32_t c = 0;
        utf8proc_ssize_t len = p[at] ? utf8proc_iterate(p + at, -1, &c) : 0;
        cr_assert_geq(len, 0, "not UTF-8 at byte %zu", at);
        utf8proc_category_t cat = len ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
        bool letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME;
        if (!letter) {
            if (marked && at - start < 128) {
                memcpy(words[n], text + start, at - start);
                words[n++][at - start] = '\0';
            }
            marked = false;
            start = at + (size_t)len;
        } else if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) {
            marked = true;
        }
        if (len == 0)
            break;
        at += (size_t)len;
    }
    return n;
}

/* Whether the answer to 'query' (as typed, without lang=: the files have
 * no front matter, so they are indexed in the default language) has a
 * hit titled 'title'. */
static bool
finds(const char *query, const char *title)
{
    char encoded[600], target[800];
    ms_http_t res;
    json_t *hit;
    size_t i;
    bool found = false;

    ms_it_url_encode(encoded, sizeof(encoded), query);
    snprintf(target, sizeof(target), "/search?q=%s&per_page=50&facets=0", encoded);
    json_t *json = ms_it_get_json(&res, &it, target);
    json_array_foreach(json_object_get(json, "results"), i, hit)
    {
        const char *got = json_string_value(json_object_get(hit, "title"));
        if (got && strcmp(got, title) == 0)
            found = true;
    }
    ms_http_free(&res);
    return found;
}

static void
expect_found_both_ways(const char *language)
{
    char path[300], words[WORDS_A_FILE][128];
    snprintf(path, sizeof(path), "%s/%s/goal-01.md", SDG, language);
    char *text = ms_it_read_file(path);
    cr_assert(strncmp(text, "# ", 2) == 0, "%s: no title line", path);
    char *title = composed(strtok(text + 2, "\n"));
    char *body = text + strlen(text) + 1;
    size_t n = marked_words(words, WORDS_A_FILE, body);
    cr_assert_gt(n, 0, "%s: no word with a combining mark", path);

    for (size_t i = 0; i < n; i++) {
        char *typed = composed(words[i]);
        cr_assert_str_neq(typed, words[i], "'%s' composes to itself", words[i]);
        cr_expect(finds(typed, title), "%s: '%s' as typed (composed) misses '%s'",
                  language, typed, title);
        cr_expect(finds(words[i], title),
                  "%s: '%s' as in the file (decomposed) misses '%s'", language, words[i],
                  title);
        free(typed);
    }
    free(title);
    free(text);
}

Test(composed, french_words_typed_composed_find_decomposed_text)
{
    expect_found_both_ways("fr");
}

Test(composed, spanish_words_typed_composed_find_decomposed_text)
{
    expect_found_both_ways("es");
}

Test(composed, russian_words_typed_composed_find_decomposed_text)
{
    expect_found_both_ways("ru");
}

/* ---- ligatures ---- */

static char ligature_archive[64];

static void
start_ligatures(void)
{
    static const char *const pages[] = {
        "Remittance \xef\xac\x82ows and \xef\xac\x81nancial inclusion\n"
        "The o\xef\xac\x83"
        "ce reported the e\xef\xac\x80"
        "ective cost of transfers."};
    ms_fixture_pdf_t pdf = {"Remittance costs", NULL, "D:20030101000000Z", pages, 1};
    char path[128];

    strcpy(ligature_archive, "/tmp/ms-ligatures.XXXXXX");
    cr_assert(mkdtemp(ligature_archive));
    snprintf(path, sizeof(path), "%s/remittance-costs.pdf", ligature_archive);
    cr_assert_eq(ms_fixture_write_pdf(path, &pdf), 0);
    ms_it_start(&it, ligature_archive, NULL);
}

static void
stop_ligatures(void)
{
    ms_it_stop(&it);
    ms_it_remove_tree(ligature_archive);
}

TestSuite(ligatures, .init = start_ligatures, .fini = stop_ligatures, .timeout = 120);

/* The number of hits of 'query' (facets off); *body the answer's text
 * into 'body' when not NULL. */
static long
hits_of(const char *query, char **body)
{
    char encoded[300], target[400];
    ms_http_t res;

    ms_it_url_encode(encoded, sizeof(encoded), query);
    snprintf(target, sizeof(target), "/search?q=%s&facets=0", encoded);
    json_t *json = ms_it_get_json(&res, &it, target);
    long n = (long)json_integer_value(
        json_object_get(json_object_get(json, "total"), "estimate"));
    if (body)
        *body = strdup(res.body);
    ms_http_free(&res);
    return n;
}

Test(ligatures, a_pdf_drawn_with_ligatures_is_found_by_the_letters_typed)
{
    static const char *const typed[] = {"financial",
                                        "flows",
                                        "office",
                                        "effective",
                                        "\"financial inclusion\"",
                                        "effective cost",
                                        "\xef\xac\x81nancial"};
    char *body = NULL;

    for (size_t i = 0; i < sizeof(typed) / sizeof(*typed); i++)
        cr_expect_eq(hits_of(typed[i], NULL), 1, "'%s' does not find the PDF", typed[i]);
    cr_assert_eq(hits_of("financial flows", &body), 1);
    /* Its snippet reads as typed, the word marked; no ligature anywhere. */
    cr_expect_not_null(strstr(body, "<mark>financial</mark>"), "%s", body);
    cr_expect_null(strstr(body, "\xef\xac"), "%s", body);
    free(body);

    ms_http_t res;
    json_t *doc = ms_it_get_json(&res, &it, "/doc/remittance-costs");
    const char *text = json_string_value(json_object_get(doc, "text"));
    cr_expect(text && strstr(text, "The office reported the effective cost"), "%s",
              res.body);
    cr_expect_null(strstr(res.body, "\xef\xac"), "%s", res.body);
    ms_http_free(&res);
}
