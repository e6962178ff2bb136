/* schema.c - look-ups in the index's vocabulary (ms_schema.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The field table itself is in fields.c. The tables are a few dozen rows,
 * so look-ups are linear scans.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ms_schema.h"
#include "ms_utf8.h"

/* clang-format off */
const ms_schema_language_t ms_schema_languages[] = {
    {"en", "english", "English", MS_SCHEMA_SCRIPT_LATIN},
    {"fr", "french",  "French",  MS_SCHEMA_SCRIPT_LATIN},
    {"es", "spanish", "Spanish", MS_SCHEMA_SCRIPT_LATIN},
    {"ru", "russian", "Russian", MS_SCHEMA_SCRIPT_CYRILLIC},
    {"ar", "arabic",  "Arabic",  MS_SCHEMA_SCRIPT_ARABIC},
    {"zh", NULL,      "Chinese", MS_SCHEMA_SCRIPT_HAN},
};
/* clang-format on */

const size_t ms_schema_n_languages =
    sizeof(ms_schema_languages) / sizeof(ms_schema_languages[0]);

/* Code point ranges of the scripts, in order. */
static const struct {
    uint32_t first, last;
    ms_schema_script_t script;
} script_ranges[] = {
    {'A', 'Z', MS_SCHEMA_SCRIPT_LATIN},
    {'a', 'z', MS_SCHEMA_SCRIPT_LATIN},
    {0x00C0, 0x024F, MS_SCHEMA_SCRIPT_LATIN}, /* Latin-1 letters, Extended-A and B */
    {0x0400, 0x052F, MS_SCHEMA_SCRIPT_CYRILLIC},
    {0x0600, 0x06FF, MS_SCHEMA_SCRIPT_ARABIC},
    {0x0750, 0x077F, MS_SCHEMA_SCRIPT_ARABIC},
    {0x08A0, 0x08FF, MS_SCHEMA_SCRIPT_ARABIC},
    {0x1E00, 0x1EFF, MS_SCHEMA_SCRIPT_LATIN}, /* Latin Extended Additional */
    {0x3400, 0x4DBF, MS_SCHEMA_SCRIPT_HAN},
    {0x4E00, 0x9FFF, MS_SCHEMA_SCRIPT_HAN},
    {0xF900, 0xFAFF, MS_SCHEMA_SCRIPT_HAN},
    {0xFB50, 0xFDFF, MS_SCHEMA_SCRIPT_ARABIC}, /* presentation forms A */
    {0xFE70, 0xFEFF, MS_SCHEMA_SCRIPT_ARABIC}, /* presentation forms B */
    {0x20000, 0x2FFFF, MS_SCHEMA_SCRIPT_HAN},
};

ms_schema_script_t
ms_schema_script(const char *word, size_t len)
{
    const unsigned char *p = (const unsigned char *)word;
    size_t at = 0;

    while (at < len) {
        uint32_t cp;
        size_t n = ms_utf8_decode(p + at, len - at, &cp);

        if (n == 0) {
            at++;
            continue;
        }
        at += n;
        /* U+00D7 and U+00F7 (multiplication and division signs) sit among
         * the Latin letters. */
        if (cp == 0xD7 || cp == 0xF7)
            continue;
        for (size_t i = 0; i < sizeof script_ranges / sizeof script_ranges[0]; i++) {
            if (cp >= script_ranges[i].first && cp <= script_ranges[i].last)
                return script_ranges[i].script;
        }
    }
    return MS_SCHEMA_SCRIPT_OTHER;
}

const ms_schema_field_t *
ms_schema_field(const char *name)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        if (strcmp(ms_schema_fields[i].name, name) == 0)
            return &ms_schema_fields[i];
    }
    return NULL;
}

const ms_schema_field_t *
ms_schema_param(const char *param)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const char *p = ms_schema_fields[i].param;

        if (p != NULL && strcmp(p, param) == 0)
            return &ms_schema_fields[i];
    }
    return NULL;
}

const ms_schema_field_t *
ms_schema_key(const char *key)
{
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *f = &ms_schema_fields[i];

        if (strcmp(f->name, key) == 0 || (f->key != NULL && strcmp(f->key, key) == 0))
            return f;
    }
    return NULL;
}

bool
ms_schema_value_valid(const ms_schema_field_t *field, const char *value)
{
    if (field->values == NULL)
        return true;
    for (const char *const *v = field->values; *v != NULL; v++) {
        if (strcmp(*v, value) == 0)
            return true;
    }
    return false;
}

const char *
ms_schema_values_text(const ms_schema_field_t *field, char *buf, size_t size)
{
    size_t n;

    n = (size_t)snprintf(buf, size, "one of");
    for (const char *const *v = field->values; v != NULL && *v != NULL && n < size; v++)
        n += (size_t)snprintf(buf + n, size - n, "%s %s", v == field->values ? "" : ",",
                              *v);
    return buf;
}

const char *
ms_schema_pair_split(const char *value, size_t *country_len)
{
    const char *tab = strrchr(value, '\t');

    if (tab == NULL || tab == value || tab[1] == '\0')
        return NULL;
    *country_len = (size_t)(tab - value);
    return tab + 1;
}

const ms_schema_language_t *
ms_schema_language(const char *code)
{
    for (size_t i = 0; i < ms_schema_n_languages; i++) {
        if (strcasecmp(code, ms_schema_languages[i].code) == 0)
            return &ms_schema_languages[i];
    }
    return NULL;
}

/* Whitespace and controls no id may hold: C0, space, DEL, C1, NBSP, and the
 * Unicode spaces, separators and the BOM. */
static bool
is_space_or_control(uint32_t c)
{
    return c < 0x21 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

const char *
ms_schema_id_check(const char *id)
{
    size_t len = strlen(id);
    const unsigned char *p = (const unsigned char *)id;

    if (len == 0)
        return "must not be empty";
    if (len > MS_SCHEMA_ID_MAX)
        return "must be at most 200 bytes";
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return "must not be '.' or '..'";
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = ms_utf8_decode(p + i, len - i, &c);

        if (n == 0)
            return "must be UTF-8";
        if (c == '/' || c == '\\')
            return "must not contain '/' or '\\'";
        if (is_space_or_control(c))
            return "must not contain whitespace or control characters";
        i += n;
    }
    return NULL;
}
