/* test_index_lang.c - languages, spelling, synonyms and access terms of ms_index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The shim is tested only through ms_index.h, from C, like test_index.c;
 * the synonyms file parser (indexer/archive/synonyms.c) through ms_synonyms.h.
 * Each test gets a fresh directory from mkdtemp under /tmp, removed again
 * in .fini.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_index_build.h"
#include "tmpdir.h"
#include "ms_synonyms.h"

static char tmpdir[PATH_MAX];
static char dbpath[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(tmpdir, "ms-test-lang");
    ms_test_path_join(dbpath, sizeof dbpath, tmpdir, "db");
}

static void
teardown(void)
{
    ms_test_remove_tree(tmpdir);
}

TestSuite(lang, .init = setup, .fini = teardown);
TestSuite(synonyms_file, .init = setup, .fini = teardown);

static ms_index_t *
open_index(ms_index_mode_t mode)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, dbpath, mode, &err);
    cr_assert_eq(status, MS_INDEX_OK, "open: %s", err.text);
    return idx;
}

static void
put_fields(ms_index_t *idx, const char *id, const char *body, const char *language,
           const ms_field_t *fields, size_t n_fields)
{
    ms_document_t doc = {id, NULL, body, language, NULL, fields, n_fields};
    ms_index_status_t status = ms_index_put(idx, &doc);
    cr_assert_eq(status, MS_INDEX_OK, "put %s: %s", id, ms_index_errmsg(idx));
}

static void
put(ms_index_t *idx, const char *id, const char *body, const char *language)
{
    put_fields(idx, id, body, language, NULL, 0);
}

static void
commit(ms_index_t *idx)
{
    cr_assert_eq(ms_index_commit(idx), MS_INDEX_OK, "commit: %s", ms_index_errmsg(idx));
}

/* Searches see what a member of every group used here sees, so that the
 * access filter inside the shim does not hide the documents these tests
 * are about; access control itself is tested in test_index_search.c. */
static const char *const all_groups[] = {"staff", "unitar-board"};
static const ms_viewer_t member = {all_groups, 2};

static ms_results_t *
find_filtered(ms_index_t *idx, const char *query, const char *language,
              const ms_field_t *filters, size_t n_filters)
{
    ms_search_t search = {.query = query,
                          .language = language,
                          .filters = filters,
                          .n_filters = n_filters,
                          .limit = 20,
                          .viewer = &member};
    ms_results_t *results = NULL;
    ms_index_status_t status = ms_index_search(&results, idx, &search);
    cr_assert_eq(status, MS_INDEX_OK, "search '%s': %s", query ? query : "(null)",
                 ms_index_errmsg(idx));
    cr_assert_not_null(results);
    return results;
}

static ms_results_t *
find(ms_index_t *idx, const char *query, const char *language)
{
    return find_filtered(idx, query, language, NULL, 0);
}

/* The ids of the hits of 'query', sorted and joined by spaces, so one
 * assertion shows exactly what was found. */
static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *
hits_of(ms_index_t *idx, const char *query, const char *language)
{
    ms_results_t *results = find(idx, query, language);
    const char *ids[20];
    size_t n = results->n_hits;
    cr_assert_leq(n, 20);
    for (size_t i = 0; i < n; i++)
        ids[i] = results->hits[i].doc.id;
    qsort(ids, n, sizeof ids[0], compare_strings);
    char *out = calloc(1, 512);
    cr_assert_not_null(out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strncat(out, ids[i], 500 - strlen(out));
    }
    ms_results_free(results);
    return out;
}

static void
expect_hits(ms_index_t *idx, const char *query, const char *language, const char *want)
{
    char *got = hits_of(idx, query, language);
    cr_expect_str_eq(got, want, "query '%s' (%s): got '%s', want '%s'", query,
                     language ? language : "default", got, want);
    free(got);
}

/* --- stemming per language --- */

/* Each language: the document, an inflected query form that only that
 * language's stemmer maps onto the document's word, and the English
 * stemmer missing it (so the test shows the stemmer was used). */
static void
check_language(const char *language, const char *body, const char *query)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "doc", body, language);
    put(idx, "other", "unrelated text about border management", "en");
    commit(idx);
    expect_hits(idx, query, language, "doc");
    expect_hits(idx, query, "en", "");
    ms_index_close(idx);
}

/* --- a query that names no language (ms_search_t.every_language) --- */

/* The understood query and the sorted hit ids of 'query' with the English
 * stemmer, every_language on or off, into 'ids'. */
static void
search_every(ms_index_t *idx, const char *query, int every, char *ids, size_t size,
             char *understood, size_t understood_size)
{
    ms_search_t search = {.query = query,
                          .language = "en",
                          .limit = 20,
                          .viewer = &member,
                          .every_language = every};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK, "%s",
                 ms_index_errmsg(idx));
    const char *sorted[20];
    size_t n = results->n_hits;
    cr_assert_leq(n, 20);
    for (size_t i = 0; i < n; i++)
        sorted[i] = results->hits[i].doc.id;
    qsort(sorted, n, sizeof sorted[0], compare_strings);
    ids[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(ids + strlen(ids), size - strlen(ids), "%s%s", i ? " " : "", sorted[i]);
    snprintf(understood, understood_size, "%s",
             results->understood ? results->understood : "");
    ms_results_free(results);
}

/* Each case: an inflected form whose English stem misses the document
 * (so the English query alone finds nothing), found with every_language
 * by the stem of the document's own language. */
Test(lang, a_query_naming_no_language_is_stemmed_in_each_language_held)
{
    static const struct {
        const char *query, *want;
    } cases[] = {
        {"enviada", "es"}, /* doc: "enviadas" */
        /* переводов */
        {"\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xB2\xD0\xBE\xD0\xB4\xD0\xBE\xD0\xB2",
         "ru"},
        /* تحويلاتهم */
        {"\xD8\xAA\xD8\xAD\xD9\x88\xD9\x8A\xD9\x84\xD8\xA7\xD8\xAA\xD9\x87\xD9\x85",
         "ar"},
    };
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "en", "migrants send money home to their families", "en");
    put(idx, "es", "las remesas enviadas por los emigrantes", "es");
    /* денежные переводы мигрантов */
    put(idx, "ru",
        "\xD0\xB4\xD0\xB5\xD0\xBD\xD0\xB5\xD0\xB6\xD0\xBD\xD1\x8B\xD0\xB5 "
        "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xB2\xD0\xBE\xD0\xB4\xD1\x8B "
        "\xD0\xBC\xD0\xB8\xD0\xB3\xD1\x80\xD0\xB0\xD0\xBD\xD1\x82\xD0\xBE\xD0\xB2",
        "ru");
    /* تحويلات المهاجرين */
    put(idx, "ar",
        "\xD8\xAA\xD8\xAD\xD9\x88\xD9\x8A\xD9\x84\xD8\xA7\xD8\xAA "
        "\xD8\xA7\xD9\x84\xD9\x85\xD9\x87\xD8\xA7\xD8\xAC\xD8\xB1\xD9\x8A\xD9\x86",
        "ar");
    commit(idx);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ids[256], understood[512];
        search_every(idx, cases[i].query, 0, ids, sizeof ids, understood,
                     sizeof understood);
        cr_expect_str_eq(ids, "", "%s, English only: %s", cases[i].want, ids);
        search_every(idx, cases[i].query, 1, ids, sizeof ids, understood,
                     sizeof understood);
        cr_expect_str_eq(ids, cases[i].want, "%s in every language: '%s' (%s)",
                         cases[i].want, ids, understood);
    }
    /* A Latin word is not stemmed as Russian or Arabic: only the Latin
     * languages' stems sit beside the English one. */
    char ids[256], understood[512];
    search_every(idx, "enviadas", 1, ids, sizeof ids, understood, sizeof understood);
    /* Russian and Arabic stemmers leave a Latin word as it is. */
    cr_expect(strstr(understood, "Zenviadas") == NULL, "%s", understood);
    cr_expect(strstr(understood, "Zenvi ") || strstr(understood, "Zenvi)"), "%s",
              understood);
    ms_index_close(idx);
}

/* An index of one language (the IR test collections) gets the query as
 * it was: same parse, same hits, same ranking. */
Test(lang, a_query_in_an_index_of_one_language_is_unchanged)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "a", "remittances sent by migrants", "en");
    put(idx, "b", "the remittance corridors of the region", "en");
    commit(idx);
    char off_ids[256], off[512], on_ids[256], on[512];
    search_every(idx, "remittances corridors", 0, off_ids, sizeof off_ids, off,
                 sizeof off);
    search_every(idx, "remittances corridors", 1, on_ids, sizeof on_ids, on, sizeof on);
    cr_expect_str_eq(on, off);
    cr_expect_str_eq(on_ids, off_ids);
    cr_expect_str_eq(on_ids, "a b");
    ms_index_close(idx);
}

/* Adds the wdf of each stem of "trafficking" to *(unsigned long *)payload. */
static int
count_traffick_stems(const char *term, unsigned long count, void *payload)
{
    if (strncmp(term, "Ztraffick", 9) == 0)
        *(unsigned long *)payload += count;
    return 0;
}

/* Theme and country values are words of the document: stemmed
 * in the document's language when it writes their script (French), else
 * in the first language of the table that does (English for the Latin
 * names of a Russian document). */
Test(lang, tags_are_words_stemmed_once)
{
    static const ms_field_t tags[] = {{"theme", "trafficking"},
                                      {"process", "Issyk-Kul Dialogue"},
                                      {"country", "Kyrgyzstan"},
                                      {"meeting", "zzmeeting"}};
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_fields(idx, "ru", "\xD1\x82\xD0\xB5\xD0\xBA\xD1\x81\xD1\x82", "ru", tags, 4);
    put_fields(idx, "fr", "texte", "fr", tags, 1);
    put(idx, "other", "border management", "en");
    commit(idx);
    /* English and French stem the word apart: Ztraffick, Ztrafficking. */
    expect_hits(idx, "trafficking", "en", "ru");
    expect_hits(idx, "trafficking", "fr", "fr");
    expect_hits(idx, "kyrgyzstan", "en", "ru");
    /* A process or meeting is a filter, not words (fields.c). */
    expect_hits(idx, "issyk", "en", "");
    expect_hits(idx, "zzmeeting", "en", "");
    /* One stem per tag word, wdf 1, however many languages a query is
     * stemmed in; both documents found by the every-language query. */
    unsigned long stems = 0;
    cr_assert_eq(ms_index_term_each(idx, "fr", count_traffick_stems, &stems),
                 MS_INDEX_OK);
    cr_expect_eq(stems, 1,
                 "Z terms of 'trafficking' in the French document (wdf summed)");
    char ids[256], understood[512];
    search_every(idx, "trafficking", 1, ids, sizeof ids, understood, sizeof understood);
    cr_expect_str_eq(ids, "fr ru", "%s", understood);
    ms_index_close(idx);
}

Test(lang, french_stemming_finds_inflected_form)
{
    /* migrante and migrants: French stem "migr"; English "migrant". */
    check_language("fr", "Les travailleurs migrants envoient des fonds", "migrante");
}

Test(lang, spanish_stemming_finds_inflected_form)
{
    /* remesa and remesas: Spanish stem "remes"; English keeps "remesa". */
    check_language("es", "Las remesas de los trabajadores", "remesa");
}

Test(lang, russian_stemming_finds_inflected_form)
{
    /* мигрантов and мигранты: Russian stem "мигрант". */
    check_language("ru", "Трудовые мигранты отправляют деньги домой", "мигрантов");
}

Test(lang, arabic_stemming_finds_inflected_form)
{
    /* مهاجرون and المهاجرين: Arabic stem "مهاجر". */
    check_language("ar", "المهاجرين يرسلون التحويلات المالية", "مهاجرون");
}

Test(lang, language_codes_ignore_ascii_case)
{
    check_language("FR", "Les travailleurs migrants envoient des fonds", "migrante");
}

/* --- letters written composed or decomposed --- */

/* "й" as one character (U+0439) and as "и" with a combining breve (U+0438
 * U+0306); "é" (U+00E9) and "e" with an acute (U+0301); "ô" (U+00F4) and
 * "o" with a circumflex (U+0302). The UN's SDG texts in French, Spanish and
 * Russian are written decomposed; keyboards type composed letters. */
#define RU_COMPOSED "\xd0\xba\xd1\x80\xd0\xb0\xd0\xb9\xd0\xbd\xd1\x8e\xd1\x8e"
#define RU_DECOMPOSED "\xd0\xba\xd1\x80\xd0\xb0\xd0\xb8\xcc\x86\xd0\xbd\xd1\x8e\xd1\x8e"
#define FR_COMPOSED "\xc3\xa9galit\xc3\xa9"
#define FR_DECOMPOSED "e\xcc\x81galite\xcc\x81"

Test(lang, a_word_is_found_whether_its_letters_are_composed_or_not)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    ms_field_t ivory[] = {{"country", "Co\xcc\x82te d'Ivoire"}};
    put_fields(idx, "ru",
               "\xd0\xbb\xd0\xb8\xd0\xba\xd0\xb2\xd0\xb8\xd0\xb4\xd0\xb0\xd1\x86"
               "\xd0\xb8\xd1\x8f " RU_DECOMPOSED,
               "ru", ivory, 1);
    put(idx, "fr", "Une " FR_COMPOSED " des chances", "fr");
    put(idx, "fr-nfd", "Une " FR_DECOMPOSED " de droits", "fr");
    commit(idx);

    /* Typed composed, indexed decomposed; and the other way round. */
    expect_hits(idx, "+" RU_COMPOSED, "ru", "ru");
    expect_hits(idx, "+" RU_DECOMPOSED, "ru", "ru");
    expect_hits(idx, "\"" RU_COMPOSED "\"", "ru", "ru");
    expect_hits(idx, FR_COMPOSED, "fr", "fr fr-nfd");
    expect_hits(idx, FR_DECOMPOSED, "fr", "fr fr-nfd");

    /* A filter's value too. */
    ms_field_t composed[] = {{"country", "C\xc3\xb4te d'Ivoire"}};
    ms_results_t *results = find_filtered(idx, NULL, "en", composed, 1);
    cr_expect_eq(results->n_hits, 1);
    ms_results_free(results);

    /* What is stored is composed, so what is shown reads as it was typed. */
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, idx, "ru"), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_expect_not_null(strstr(doc->body, RU_COMPOSED), "%s", doc->body);
    cr_expect_null(strstr(doc->body, "\xcc\x86"), "%s", doc->body);
    const char *country = NULL;
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, "country") == 0)
            country = doc->fields[i].value;
    }
    cr_expect_str_eq(country ? country : "(none)", "C\xc3\xb4te d'Ivoire");
    ms_document_free(doc);
    ms_index_close(idx);
}

/* --- ligatures --- */

/* "ﬁ" (U+FB01), "ﬂ" (U+FB02), "ﬃ" (U+FB03) and "ﬀ" (U+FB00), as a PDF's
 * text layer may give them: indexed, searched and stored as their
 * letters. */
#define LIG_FI "\xef\xac\x81"
#define LIG_FL "\xef\xac\x82"
#define LIG_FFI "\xef\xac\x83"
#define LIG_FF "\xef\xac\x80"

Test(lang, a_word_drawn_with_a_ligature_is_found_by_its_letters)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "lig",
        "Remittance " LIG_FL "ows and " LIG_FI "nancial inclusion: the o" LIG_FFI
        "ce of e" LIG_FF "ective transfers",
        "en");
    put(idx, "plain", "The office counts financial flows", "en");
    commit(idx);

    expect_hits(idx, "+financial", "en", "lig plain");
    expect_hits(idx, "+office +effective", "en", "lig");
    expect_hits(idx, "\"financial inclusion\"", "en", "lig");
    expect_hits(idx, "+flows +remittance", "en", "lig");
    /* Typed (or pasted) with the ligature, found all the same. */
    expect_hits(idx, "+" LIG_FI "nancial", "en", "lig plain");

    /* Stored as letters: what is shown and its snippets read as typed. */
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, idx, "lig"), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    cr_expect_not_null(strstr(doc->body, "flows and financial inclusion: the office of "
                                         "effective"),
                       "%s", doc->body);
    cr_expect_null(strstr(doc->body, "\xef\xac"), "%s", doc->body);
    ms_document_free(doc);
    ms_index_close(idx);
}

/* --- Chinese --- */

Test(lang, chinese_found_by_two_character_word_in_any_query_language)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "zh", "移民工人汇款回家", "zh");
    put(idx, "en", "Remittances sent home by migrant workers", "en");
    commit(idx);
    /* 汇款 (remittance) is inside an unbroken run of characters. */
    expect_hits(idx, "汇款", "en", "zh");
    expect_hits(idx, "汇款", "fr", "zh");
    expect_hits(idx, "汇款", NULL, "zh");
    /* Both characters occur, but not next to each other: the bigram
     * decides, so this is not a match. */
    expect_hits(idx, "民人", "en", "");
    /* A word the text does not contain. */
    expect_hits(idx, "签证", "en", "");
    ms_index_close(idx);
}

Test(lang, chinese_in_a_document_of_another_language_is_split_too)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "mixed", "Workshop notes: 移民工人汇款回家", "en");
    commit(idx);
    expect_hits(idx, "汇款", "en", "mixed");
    ms_index_close(idx);
}

Test(lang, chinese_snippet_marks_the_word)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "zh", "移民工人汇款回家", "zh");
    commit(idx);
    ms_search_t search = {
        .query = "汇款", .language = "en", .limit = 10, .snippet_length = 50};
    ms_results_t *results = NULL;
    cr_assert_eq(ms_index_search(&results, idx, &search), MS_INDEX_OK);
    cr_assert_eq(results->n_hits, 1);
    cr_expect_not_null(strstr(results->hits[0].snippet, "<mark>"), "snippet: %s",
                       results->hits[0].snippet);
    ms_results_free(results);
    ms_index_close(idx);
}

/* --- exact words across languages --- */

Test(lang, exact_word_finds_document_in_another_language)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "fr", "Les travailleurs migrants envoient des fonds", "fr");
    commit(idx);
    /* STEM_SOME indexes the exact word beside the French stem (Zmigr), so
     * an English query that does not stem the word finds it: in quotes,
     * with a capital, or in a phrase. */
    expect_hits(idx, "\"migrants\"", "en", "fr");
    expect_hits(idx, "Migrants", "en", "fr");
    expect_hits(idx, "\"travailleurs migrants\"", "en", "fr");
    /* A lower-case English query is stemmed with English rules (Zmigrant)
     * and misses the French stem: docs/delegates.md section 10. */
    expect_hits(idx, "migrants", "en", "");
    ms_index_close(idx);
}

/* --- spelling --- */

static void
expect_correction(ms_index_t *idx, const char *query, const char *want)
{
    ms_results_t *results = find(idx, query, "en");
    if (want)
        cr_expect(results->corrected && strcmp(results->corrected, want) == 0,
                  "'%s': corrected '%s', want '%s'", query,
                  results->corrected ? results->corrected : "(null)", want);
    else
        cr_expect_null(results->corrected, "'%s': unexpected correction '%s'", query,
                       results->corrected);
    ms_results_free(results);
}

Test(lang, spelling_suggests_correction_when_on)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking in persons across borders", "en");
    commit(idx);
    expect_correction(idx, "trafficing", "trafficking");
    expect_correction(idx, "trafficing persons", "trafficking persons");
    /* Words that are in the index need no correction. */
    expect_correction(idx, "trafficking", NULL);
    ms_index_close(idx);

    /* A reader sees the dictionary too. */
    idx = open_index(MS_INDEX_READ);
    expect_correction(idx, "trafficing", "trafficking");
    ms_index_close(idx);
}

/* Words of the archive are not looked up in the dictionary at all (the
 * search skips the correction when every word is indexed), so a rare word
 * one letter from a frequent one stays; a query with an unknown word is
 * still corrected, its known words kept. */
Test(lang, spelling_leaves_words_of_the_index_alone)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Border posts and border guards", "en");
    put(idx, "d2", "The border crossing", "en");
    put(idx, "d3", "A border census", "en");
    put(idx, "d4", "A boarder in the hostel", "en");
    commit(idx);
    expect_correction(idx, "boarder", NULL);
    expect_correction(idx, "boarder hostel", NULL);
    expect_correction(idx, "bordr guards", "border guards");
    ms_index_close(idx);
}

Test(lang, spelling_gives_nothing_when_off)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "d1", "Trafficking in persons across borders", "en");
    commit(idx);
    expect_correction(idx, "trafficing", NULL);
    ms_index_close(idx);
}

Test(lang, spelling_turned_off_empties_the_dictionary)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking in persons", "en");
    commit(idx);
    expect_correction(idx, "trafficing", "trafficking");
    cr_assert_eq(ms_index_set_spelling(idx, false), MS_INDEX_OK);
    commit(idx);
    expect_correction(idx, "trafficing", NULL);
    ms_index_close(idx);
}

Test(lang, spelling_forgets_words_of_replaced_and_deleted_documents)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking trafficking", "en");
    put(idx, "d2", "Smuggling of migrants", "en");
    commit(idx);
    expect_correction(idx, "trafficing", "trafficking");

    /* d1 no longer says trafficking (twice): the word must go. */
    put(idx, "d1", "Border management", "en");
    commit(idx);
    expect_correction(idx, "trafficing", NULL);
    expect_correction(idx, "managment", "management");

    cr_assert_eq(ms_index_delete(idx, "d2"), MS_INDEX_OK);
    commit(idx);
    expect_correction(idx, "smugling", NULL);
    ms_index_close(idx);
}

/* The words of a put wait for the commit (document.cc): a document
 * replaced or deleted before it must still take its words out. */
Test(lang, spelling_forgets_words_of_documents_gone_before_the_commit)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking trafficking", "en");
    put(idx, "d2", "Smuggling of migrants", "en");
    put(idx, "d1", "Border management", "en");
    cr_assert_eq(ms_index_delete(idx, "d2"), MS_INDEX_OK);
    commit(idx);
    expect_correction(idx, "trafficing", NULL);
    expect_correction(idx, "smugling", NULL);
    expect_correction(idx, "managment", "management");
    ms_index_close(idx);
}

/* A word put twice and taken out once in one batch stays. */
Test(lang, spelling_keeps_a_word_another_document_still_has)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking", "en");
    put(idx, "d2", "Trafficking", "en");
    put(idx, "d1", "Border", "en");
    commit(idx);
    expect_correction(idx, "trafficing", "trafficking");
    ms_index_close(idx);
}

/* Documents put while spelling was off have no words in the dictionary:
 * putting them again once it is on must still add their words, however
 * the taking out of the old words and the adding of the new are grouped. */
Test(lang, spelling_adds_words_of_documents_put_again_after_turning_it_on)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "d1", "Trafficking trafficking", "en");
    commit(idx);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    put(idx, "d1", "Trafficking trafficking", "en");
    commit(idx);
    expect_correction(idx, "trafficing", "trafficking");
    ms_index_close(idx);
}

/* Of two corrections one edit away, the more frequent word wins: a word
 * counts once an occurrence, in the title (indexed with a wdf of 3) as in
 * the body. Here "cart" occurs 2 times (title and body), "cast" 3 times. */
Test(lang, spelling_counts_each_occurrence_once)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    ms_document_t doc = {"d1", "Cart", "cart cast cast cast", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(idx, &doc), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    commit(idx);
    expect_correction(idx, "caxt", "cast");
    /* Two more "cart" in the body put it ahead. */
    ms_document_t again = {"d2", NULL, "cart cart", "en", NULL, NULL, 0};
    cr_assert_eq(ms_index_put(idx, &again), MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    commit(idx);
    expect_correction(idx, "caxt", "cart");
    ms_index_close(idx);
}

static int
join_word(const char *word, unsigned long count, void *payload)
{
    char *out = payload;
    snprintf(out + strlen(out), 512 - strlen(out), "%s:%lu ", word, count);
    return 0;
}

/* The dictionary of the index, "word:count " each, in byte order. */
static void
dictionary(char out[512])
{
    ms_index_t *idx = open_index(MS_INDEX_READ);
    out[0] = '\0';
    cr_assert_eq(ms_index_spelling_each(idx, join_word, out), MS_INDEX_OK);
    ms_index_close(idx);
}

/* The n-grams of CJK text stay out of the dictionary: Xapian 1.4's parser
 * never looks one up for a correction. The words of other scripts beside
 * them are there, counted as ever (a tag word without positions too), and
 * still corrected; a CJK query with an unknown character is not. Deleting
 * the document takes all its words out, the tag's too. */
Test(lang, spelling_leaves_out_the_ngrams_of_cjk_text)
{
    static const ms_field_t kyrgyz[] = {{"country", "Kyrgyzstan"}};
    char words[512];
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    cr_assert_eq(ms_index_set_spelling(idx, true), MS_INDEX_OK);
    /* "migrant workers' remittances", then the English words. */
    put_fields(idx, "zh",
               "\xe7\xa7\xbb\xe6\xb0\x91\xe5\xb7\xa5\xe4\xba\xba\xe6\xb1\x87"
               "\xe6\xac\xbe remittances of migrant workers workers",
               "en", kyrgyz, 1);
    commit(idx);
    dictionary(words);
    cr_assert_str_eq(words, "kyrgyzstan:1 migrant:1 of:1 remittances:1 workers:2 ");
    expect_correction(idx, "remitances", "remittances");
    expect_correction(idx, "kyrgystan", "kyrgyzstan");
    /* The first two characters of the text, then one it does not have. */
    expect_correction(idx, "\xe7\xa7\xbb\xe6\xb0\x91\xe7\x8e\x8b", NULL);

    /* A tag word the text has too counts by the text. */
    put_fields(idx, "kg", "Kyrgyzstan reported", "en", kyrgyz, 1);
    commit(idx);
    dictionary(words);
    cr_assert_str_eq(words,
                     "kyrgyzstan:2 migrant:1 of:1 remittances:1 reported:1 workers:2 ");

    cr_assert_eq(ms_index_delete(idx, "zh"), MS_INDEX_OK);
    put_fields(idx, "kg", "Reported", "en", kyrgyz, 1);
    commit(idx);
    dictionary(words);
    cr_assert_str_eq(words, "kyrgyzstan:1 reported:1 ");
    cr_assert_eq(ms_index_delete(idx, "kg"), MS_INDEX_OK);
    commit(idx);
    dictionary(words);
    cr_assert_str_eq(words, "");
    ms_index_close(idx);
}

Test(lang, spelling_needs_a_write_handle)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    commit(idx);
    ms_index_close(idx);
    idx = open_index(MS_INDEX_READ);
    cr_expect_eq(ms_index_set_spelling(idx, true), MS_INDEX_INTERNAL);
    ms_index_close(idx);
}

/* --- synonyms --- */

static const char *const REMITTANCES[] = {"remittances", "  Money   Transfers ",
                                          "transferts de fonds", "remesas"};
static const char *const TRAFFICKING[] = {"trafficking in persons",
                                          "traite des êtres humains"};

static void
set_synonyms(ms_index_t *idx, const ms_synonym_group_t *groups, size_t n)
{
    ms_index_status_t status = ms_index_set_synonyms(idx, groups, n);
    cr_assert_eq(status, MS_INDEX_OK, "set_synonyms: %s", ms_index_errmsg(idx));
}

static void
put_remittance_documents(ms_index_t *idx)
{
    put(idx, "word", "Household remittances rose during 2003.", "en");
    put(idx, "phrase", "Money transfers to families abroad.", "en");
    put(idx, "scattered", "The transfers of money between banks.", "en");
    put(idx, "traite", "La traite des êtres humains en Afrique de l'Ouest.", "fr");
}

Test(lang, synonyms_apply_after_they_are_written)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_remittance_documents(idx);
    commit(idx);
    expect_hits(idx, "remesas", "en", "");

    ms_synonym_group_t groups[] = {{REMITTANCES, 4}, {TRAFFICKING, 2}};
    set_synonyms(idx, groups, 2);
    commit(idx);
    /* A single word finds the other single word and the phrase as a
     * phrase: "scattered" has both words, not next to each other. */
    expect_hits(idx, "remesas", "en", "phrase word");
    /* Keys are folded like queries: case and the messy spacing of the
     * group entry do not matter. */
    expect_hits(idx, "Remesas", "en", "phrase word");
    expect_hits(idx, "\"remesas\"", "en", "");
    /* A phrase of the group as a key; its own words still count. */
    expect_hits(idx, "money transfers", "en", "phrase scattered word");
    /* Another inflection of a single-word entry (Zremitt). */
    expect_hits(idx, "remittance", "en", "phrase word");
    /* Across languages, phrase to phrase. */
    expect_hits(idx, "\"trafficking in persons\"", "en", "");
    expect_hits(idx, "trafficking in persons", "en", "traite");
    ms_index_close(idx);

    /* Readers get the synonyms from the committed index. */
    idx = open_index(MS_INDEX_READ);
    expect_hits(idx, "remesas", "en", "phrase word");
    ms_index_close(idx);
}

Test(lang, removing_a_group_removes_its_effect)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_remittance_documents(idx);
    ms_synonym_group_t both[] = {{REMITTANCES, 4}, {TRAFFICKING, 2}};
    set_synonyms(idx, both, 2);
    commit(idx);
    expect_hits(idx, "remesas", "en", "phrase word");
    expect_hits(idx, "trafficking in persons", "en", "traite");

    ms_synonym_group_t one[] = {{TRAFFICKING, 2}};
    set_synonyms(idx, one, 1);
    commit(idx);
    expect_hits(idx, "remesas", "en", "");
    expect_hits(idx, "remittance", "en", "word");
    expect_hits(idx, "trafficking in persons", "en", "traite");

    /* Writing the same groups again changes nothing. */
    set_synonyms(idx, one, 1);
    commit(idx);
    expect_hits(idx, "trafficking in persons", "en", "traite");

    set_synonyms(idx, NULL, 0);
    commit(idx);
    expect_hits(idx, "trafficking in persons", "en", "");
    ms_index_close(idx);
}

Test(lang, invalid_synonym_groups_are_refused_and_change_nothing)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put_remittance_documents(idx);
    ms_synonym_group_t good[] = {{REMITTANCES, 4}};
    set_synonyms(idx, good, 1);
    commit(idx);

    static const char *const single[] = {"remittances"};
    static const char *const no_words[] = {"remittances", " ... "};
    static const char *const with_null[] = {"remittances", NULL};
    char long_entry[202];
    memset(long_entry, 'a', sizeof long_entry - 1);
    long_entry[sizeof long_entry - 1] = '\0';
    const char *const too_long[] = {"remittances", long_entry};
    const struct {
        ms_synonym_group_t group;
        const char *message;
    } cases[] = {
        {{single, 1}, "synonym group 2, entry 1: a group needs at least two entries"},
        {{no_words, 2}, "synonym group 2, entry 2: entry has no words"},
        {{with_null, 2}, "synonym group 2, entry 2: entry missing"},
        {{too_long, 2}, "synonym group 2, entry 2: entry longer than 200 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* The bad group comes second: the first must not be written. */
        ms_synonym_group_t groups[] = {{TRAFFICKING, 2}, cases[i].group};
        cr_expect_eq(ms_index_set_synonyms(idx, groups, 2), MS_INDEX_BAD_QUERY,
                     "case %zu", i);
        cr_expect_str_eq(ms_index_errmsg(idx), cases[i].message);
    }
    commit(idx);
    expect_hits(idx, "remesas", "en", "phrase word");
    expect_hits(idx, "trafficking in persons", "en", "");
    ms_index_close(idx);

    idx = open_index(MS_INDEX_READ);
    cr_expect_eq(ms_index_set_synonyms(idx, good, 1), MS_INDEX_INTERNAL);
    ms_index_close(idx);
}

/* --- access groups --- */

Test(lang, access_groups_are_filter_terms_absent_for_public_documents)
{
    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    ms_field_t restricted[] = {{"access", "staff"}, {"access", "UNITAR-Board"}};
    ms_field_t board[] = {{"access", "unitar-board"}};
    put_fields(idx, "restricted", "Draft evaluation of remittances", "en", restricted, 2);
    put_fields(idx, "board", "Board minutes on remittances", "en", board, 1);
    put(idx, "public", "Published report on remittances", "en");
    commit(idx);

    ms_field_t staff[] = {{"access", "staff"}};
    ms_results_t *results = find_filtered(idx, "remittances", "en", staff, 1);
    cr_expect_eq(results->n_hits, 1);
    cr_expect_str_eq(results->hits[0].doc.id, "restricted");
    ms_results_free(results);

    /* Folded like the other filters; the same field ORed. */
    ms_field_t either[] = {{"access", "Unitar-Board"}, {"access", "staff"}};
    results = find_filtered(idx, NULL, "en", either, 2);
    cr_expect_eq(results->n_hits, 2);
    ms_results_free(results);

    /* The public document has no access term at all, not even an empty
     * one; and "public" is not a group. */
    ms_field_t empty[] = {{"access", ""}};
    results = find_filtered(idx, NULL, "en", empty, 1);
    cr_expect_eq(results->n_hits, 0);
    ms_results_free(results);
    ms_field_t public_group[] = {{"access", "public"}};
    results = find_filtered(idx, NULL, "en", public_group, 1);
    cr_expect_eq(results->n_hits, 0);
    ms_results_free(results);

    /* Not a query prefix: access:staff in the query is ordinary words. */
    expect_hits(idx, "access:staff", "en", "");

    /* Stored and returned like any field. */
    ms_document_t *doc = NULL;
    cr_assert_eq(ms_index_get(&doc, idx, "restricted"), MS_INDEX_OK);
    cr_assert_eq(doc->n_fields, 3); /* "added", the time it was first indexed, first */
    cr_expect_str_eq(doc->fields[2].name, "access");
    cr_expect_str_eq(doc->fields[2].value, "UNITAR-Board");
    ms_document_free(doc);
    ms_index_close(idx);
}

/* --- the synonyms file --- */

static void
write_file(char *path, size_t size, const char *name, const char *text)
{
    ms_test_path_join(path, size, tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

static void
expect_invalid(const char *text, unsigned line, unsigned column, const char *message)
{
    char path[PATH_MAX];
    write_file(path, sizeof path, "bad.yaml", text);
    ms_synonyms_t *synonyms = (ms_synonyms_t *)1;
    ms_synonyms_error_t err;
    cr_assert_eq(ms_synonyms_load(&synonyms, path, &err), MS_SYNONYMS_INVALID,
                 "accepted: %s", text);
    cr_expect_null(synonyms);
    cr_expect_str_eq(err.file, path);
    cr_expect_eq(err.line, line, "line %u, want %u (%s)", err.line, line, err.text);
    cr_expect_eq(err.column, column, "column %u, want %u (%s)", err.column, column,
                 err.text);
    cr_expect(strstr(err.text, message) != NULL, "message '%s', want '%s'", err.text,
              message);
}

Test(synonyms_file, valid_file_gives_groups_in_order)
{
    char path[PATH_MAX];
    write_file(path, sizeof path, "synonyms.yaml",
               "# comment\n"
               "- [remittances, 'money transfers', \"remesas\"]\n"
               "- - trafficking in persons\n"
               "  - traite des êtres humains # inline comment\n");
    ms_synonyms_t *synonyms = NULL;
    ms_synonyms_error_t err;
    cr_assert_eq(ms_synonyms_load(&synonyms, path, &err), MS_SYNONYMS_OK, "%s", err.text);
    cr_assert_eq(synonyms->n_groups, 2);
    cr_assert_eq(synonyms->groups[0].n_terms, 3);
    cr_expect_str_eq(synonyms->groups[0].terms[0], "remittances");
    cr_expect_str_eq(synonyms->groups[0].terms[1], "money transfers");
    cr_expect_str_eq(synonyms->groups[0].terms[2], "remesas");
    cr_assert_eq(synonyms->groups[1].n_terms, 2);
    cr_expect_str_eq(synonyms->groups[1].terms[1], "traite des êtres humains");
    ms_synonyms_free(synonyms);
}

Test(synonyms_file, empty_file_and_comments_have_no_groups)
{
    const char *texts[] = {"", "# nothing yet\n", "---\n", "~\n", "[]\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char path[PATH_MAX];
        write_file(path, sizeof path, "empty.yaml", texts[i]);
        ms_synonyms_t *synonyms = NULL;
        ms_synonyms_error_t err;
        cr_assert_eq(ms_synonyms_load(&synonyms, path, &err), MS_SYNONYMS_OK, "'%s': %s",
                     texts[i], err.text);
        cr_expect_eq(synonyms->n_groups, 0);
        ms_synonyms_free(synonyms);
    }
}

Test(synonyms_file, missing_file_is_not_found)
{
    char path[PATH_MAX];
    ms_test_path_join(path, sizeof path, tmpdir, "absent.yaml");
    ms_synonyms_t *synonyms = NULL;
    cr_expect_eq(ms_synonyms_load(&synonyms, path, NULL), MS_SYNONYMS_NOT_FOUND);
    cr_expect_null(synonyms);
    /* A directory is there but is not a file. */
    cr_expect_eq(ms_synonyms_load(&synonyms, tmpdir, NULL), MS_SYNONYMS_IO);
}

Test(synonyms_file, yaml_syntax_error_has_line_and_column)
{
    expect_invalid("- [remittances, remesas]\n- [a, b\n- c\n", 4, 1, "");
    expect_invalid("- [remittances, remesas]\n  - x: [\n", 2, 3, "");
}

Test(synonyms_file, invalid_utf8_has_line_and_column)
{
    expect_invalid("- [remittances, remesas]\n- [ab, c\xff]\n", 2, 9, "");
}

Test(synonyms_file, wrong_types_have_line_and_column)
{
    expect_invalid("remittances: [remesas]\n", 1, 1, "expected a list of synonym groups");
    expect_invalid("- [remittances, remesas]\n- remittances\n", 2, 3,
                   "a synonym group must be a list");
    expect_invalid("- [a, b]\n- - remittances\n  - {es: remesas}\n", 3, 5,
                   "expected a word or phrase, found a list or mapping");
    expect_invalid("- [a, b]\n- [remittances, [remesas]]\n", 2, 17,
                   "expected a word or phrase, found a list or mapping");
    expect_invalid("- [a, b]\n- [remittances]\n", 2, 3, "at least two");
    expect_invalid("- [a, ~]\n", 1, 7, "found nothing");
    expect_invalid("- &g [a, b]\n- *g\n", 2, 3, "aliases are not supported");
    expect_invalid("- [a, b]\n---\n- [c, d]\n", 2, 1, "only one YAML document");
    expect_invalid("- [a, \"b\\0c\"]\n", 1, 7, "NUL");
}

Test(synonyms_file, overlong_entry_has_line_and_column)
{
    char text[300] = "- [a, ";
    memset(text + strlen(text), 'x', 201);
    strcat(text, "]\n");
    expect_invalid(text, 1, 7, "longer than 200 bytes");
}

Test(synonyms_file, example_file_loads_into_the_index)
{
    ms_synonyms_t *synonyms = NULL;
    ms_synonyms_error_t err;
    cr_assert_eq(ms_synonyms_load(&synonyms, MS_SOURCE_DIR "/config/synonyms.yaml", &err),
                 MS_SYNONYMS_OK, "%s:%u:%u: %s", err.file, err.line, err.column,
                 err.text);
    cr_assert_geq(synonyms->n_groups, 4);

    ms_index_t *idx = open_index(MS_INDEX_WRITE);
    put(idx, "phrase", "Money transfers to families abroad.", "en");
    put(idx, "traite", "La traite des êtres humains en Afrique.", "fr");
    cr_assert_eq(ms_index_set_synonyms(idx, synonyms->groups, synonyms->n_groups),
                 MS_INDEX_OK, "%s", ms_index_errmsg(idx));
    ms_synonyms_free(synonyms);
    commit(idx);
    expect_hits(idx, "remesas", "es", "phrase");
    expect_hits(idx, "human trafficking", "en", "traite");
    ms_index_close(idx);
}
