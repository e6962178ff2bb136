/* test_schema.c - the index's vocabulary: the field table is consistent,
 * agrees with its documentation, and the id rule holds
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ms_schema.h"

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

Test(schema, names_params_keys_and_prefixes_are_unique)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *a = &ms_schema_fields[i];

        cr_assert_not_null(a->name);
        cr_assert_eq(ms_schema_field(a->name), a, "%s", a->name);
        cr_assert_eq(ms_schema_key(a->name), a, "%s", a->name);
        if (a->key != NULL)
            cr_assert_eq(ms_schema_key(a->key), a, "%s", a->key);
        if (a->param != NULL)
            cr_assert_eq(ms_schema_param(a->param), a, "%s", a->param);
        for (size_t j = i + 1; j < ms_schema_n_fields; j++) {
            const ms_schema_field_t *b = &ms_schema_fields[j];

            cr_assert_str_neq(a->name, b->name);
            if (a->prefix == NULL || b->prefix == NULL)
                continue;
            /* Facets and filters find a field's terms by prefix alone. */
            cr_assert_not(starts_with(a->prefix, b->prefix) ||
                              starts_with(b->prefix, a->prefix),
                          "prefixes of %s and %s overlap", a->name, b->name);
        }
    }
}

Test(schema, field_prefixes_stay_clear_of_the_shims_own_terms)
{
    static const char *const own[] = {MS_SCHEMA_PREFIX_ID, MS_SCHEMA_PREFIX_TITLE,
                                      MS_SCHEMA_PREFIX_STEM, MS_SCHEMA_TERM_RESTRICTED,
                                      MS_SCHEMA_PREFIX_PHRASE};

    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const char *prefix = ms_schema_fields[i].prefix;

        for (size_t k = 0; prefix != NULL && k < sizeof(own) / sizeof(own[0]); k++)
            cr_assert_not(starts_with(prefix, own[k]) || starts_with(own[k], prefix),
                          "%s's prefix %s overlaps %s", ms_schema_fields[i].name, prefix,
                          own[k]);
        /* Field prefixes are upper case: Xapian's term generator never
         * writes one, so a word of a text cannot pass for a field term. */
        for (const char *p = prefix; p != NULL && *p != '\0'; p++)
            cr_assert(*p >= 'A' && *p <= 'Z', "%s", prefix);
    }
}

Test(schema, every_filter_and_facet_has_a_parameter_prefix_and_label)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *f = &ms_schema_fields[i];

        if (f->flags & (MS_FIELD_FILTER | MS_FIELD_FACET)) {
            cr_assert_not_null(f->param, "%s", f->name);
            cr_assert_not_null(f->prefix, "%s", f->name);
            cr_assert_not_null(f->label, "%s", f->name);
        }
        if (f->shown == MS_FIELD_SHOWN_SCALAR || f->shown == MS_FIELD_SHOWN_LIST)
            cr_assert_not_null(f->json, "%s is shown under a key of its own", f->name);
        else
            cr_assert_null(f->json, "%s", f->name);
        if (f->source != MS_FIELD_FROM_META)
            cr_assert_not(f->flags & MS_FIELD_MULTI, "%s", f->name);
    }
}

Test(schema, values_are_checked_against_the_list)
{
    const ms_schema_field_t *type = ms_schema_field("type");
    const ms_schema_field_t *country = ms_schema_field("country");
    char text[128];

    cr_assert_not_null(type);
    cr_assert(ms_schema_value_valid(type, "recommendation"));
    cr_assert_not(ms_schema_value_valid(type, "Recommendation"));
    cr_assert(ms_schema_value_valid(country, "anything at all"));
    cr_assert_str_eq(ms_schema_values_text(type, text, sizeof(text)),
                     "one of recommendation, workshop, report, other");
    cr_assert_eq(ms_schema_key("countries"), country);
    cr_assert_null(ms_schema_key("obstacles"), "a free key");
    cr_assert_eq(ms_schema_param("lang"), ms_schema_field("language"));
    cr_assert_null(ms_schema_param("language"), "the parameter is lang");
}

Test(schema, languages_are_matched_by_exact_code)
{
    cr_assert_str_eq(ms_schema_language("FR")->stemmer, "french");
    cr_assert_null(ms_schema_language("fr-FR"));
    cr_assert_null(ms_schema_language("de"));
    cr_assert_null(ms_schema_language("zh")->stemmer, "CJK: n-grams, no stemmer");
}

/* The script of a query word picks the stemmers it is tried with
 * (multilingual.cc): the first letter of a known script decides. */
struct script_case {
    char word[32];
    ms_schema_script_t script;
};

ParameterizedTestParameters(schema, words_are_told_apart_by_script)
{
    static struct script_case cases[] = {
        {"remittances", MS_SCHEMA_SCRIPT_LATIN},
        {"\xC3\xA9"
         "coles",
         MS_SCHEMA_SCRIPT_LATIN}, /* écoles */
        {"Dieu-\xC3\x9E", MS_SCHEMA_SCRIPT_LATIN},
        {"\xE1\xBB\x87", MS_SCHEMA_SCRIPT_LATIN},                        /* Vietnamese */
        {"\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5", MS_SCHEMA_SCRIPT_CYRILLIC}, /* пере */
        {"\xD8\xAA\xD8\xAD\xD9\x88", MS_SCHEMA_SCRIPT_ARABIC},           /* تحو */
        {"\xEF\xBB\xB7", MS_SCHEMA_SCRIPT_ARABIC},          /* presentation form */
        {"\xE6\xB1\x87\xE6\xAC\xBE", MS_SCHEMA_SCRIPT_HAN}, /* 汇款 */
        {"2003-\xD0\xB3", MS_SCHEMA_SCRIPT_CYRILLIC},       /* digits first */
        {"\xC3\x97x", MS_SCHEMA_SCRIPT_LATIN},              /* × is no letter */
        {"\xFF\xD0\xB0", MS_SCHEMA_SCRIPT_CYRILLIC},        /* ill-formed byte */
        {"2003", MS_SCHEMA_SCRIPT_OTHER},
        {"\xCE\xB1\xCE\xB2", MS_SCHEMA_SCRIPT_OTHER}, /* Greek */
        {"", MS_SCHEMA_SCRIPT_OTHER},
    };
    return cr_make_param_array(struct script_case, cases,
                               sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct script_case *c, schema, words_are_told_apart_by_script)
{
    ms_schema_script_t got = ms_schema_script(c->word, strlen(c->word));
    cr_assert_eq(got, c->script, "'%s': %d, expected %d", c->word, (int)got,
                 (int)c->script);
}

/* Every language with a stemmer writes in a script the detection knows,
 * and a word cut short is read only up to its length. */
Test(schema, every_language_has_a_script)
{
    for (size_t i = 0; i < ms_schema_n_languages; i++)
        cr_expect_neq(ms_schema_languages[i].script, MS_SCHEMA_SCRIPT_OTHER, "%s",
                      ms_schema_languages[i].code);
    cr_assert_eq(ms_schema_language("ar")->script, MS_SCHEMA_SCRIPT_ARABIC);
    cr_assert_eq(ms_schema_script("2003\xD0\xB3", 4), MS_SCHEMA_SCRIPT_OTHER);
}

/* Arrays, not pointers: a case may run in a freshly started process. */
struct id_case {
    char id[24];
    bool ok;
};

ParameterizedTestParameters(schema, ids_follow_the_one_rule)
{
    static struct id_case cases[] = {
        {"ikd-2001-bishkek.r3", true},
        {"rapport-été-2003", true},
        {"A.RES.73.195", true},
        {"...", true},
        {"", false},
        {".", false},
        {"..", false},
        {"a/b", false},
        {"a\\b", false},
        {"a b", false},
        {"a\tb", false},
        {"a\x7f", false},
        {"a\xC2\x85", false},      /* NEL, a C1 control */
        {"a\xC2\xA0z", false},     /* NBSP */
        {"a\xE2\x80\x83z", false}, /* EM SPACE */
        {"\xEF\xBB\xBFid", false}, /* BOM */
        {"caf\xE9", false},        /* Latin-1, not UTF-8 */
    };
    return cr_make_param_array(struct id_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct id_case *c, schema, ids_follow_the_one_rule)
{
    const char *reason = ms_schema_id_check(c->id);

    if (c->ok)
        cr_assert_null(reason, "'%s': %s", c->id, reason);
    else
        cr_assert_not_null(reason, "'%s' accepted", c->id);
}

Test(schema, ids_longer_than_200_bytes_are_refused)
{
    char id[202];

    memset(id, 'a', 200);
    id[200] = '\0';
    cr_assert_null(ms_schema_id_check(id));
    id[200] = 'a';
    id[201] = '\0';
    cr_assert_str_eq(ms_schema_id_check(id), "must be at most 200 bytes");
}

/* The whole of a text file; fails the test if it cannot be read. */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    text = malloc((size_t)size + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

Test(schema, docs_describe_every_indexed_field)
{
    char *schema = slurp(MS_SOURCE_DIR "/docs/index-schema.md");
    char *api = slurp(MS_SOURCE_DIR "/docs/api.md");

    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *f = &ms_schema_fields[i];
        char row[128], param[64];

        if (f->prefix == NULL)
            continue;
        /* docs/index-schema.md, "Filterable fields": "| name ... | `XT` |" */
        snprintf(row, sizeof(row), "\n| %s", f->name);
        cr_assert_not_null(strstr(schema, row), "index-schema.md has no row for %s",
                           f->name);
        snprintf(row, sizeof(row), "`%s`", f->prefix);
        cr_assert_not_null(strstr(strstr(schema, "\n| "), row),
                           "index-schema.md does not name prefix %s", f->prefix);
        if (!(f->flags & MS_FIELD_FILTER))
            continue;
        snprintf(param, sizeof(param), "`%s`", f->param);
        cr_assert_not_null(strstr(api, param), "api.md does not name parameter %s",
                           f->param);
    }
    free(schema);
    free(api);
}
