/* meta.c - metadata layers: the keys, the checks of their values, merging
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every source of metadata (a _defaults.yaml, a sidecar, front matter, a
 * JSON line, what a PDF says about itself) becomes an ms_archive_meta_t:
 * keys under their canonical names with their values, already checked.
 * Layers are then laid over one another with ms_archive__meta_merge(), a
 * nearer key replacing the farther one whole. Replacing lists rather than
 * appending them is deliberate: a sidecar that says "countries: [Kenya]"
 * for one file of a folder whose defaults say "[Kenya, Uganda]" means
 * Kenya only, and appending would give staff no way to say so.
 *
 * Values are checked where they are read (meta_read.c, jsonl.c), so each
 * error can name the file, line and column of the value; merging never
 * fails but for memory.
 *
 * The keys: meta_slots[] below holds the document's own slots, and every
 * other key is the index's (ms_schema_key(): its fields, their other
 * names, which take a list, which values they allow). A field that staff
 * do not set (the year, the language, what migsearch-index writes itself)
 * is a free key here, as any key the schema does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archive-io.h"
#include "archive-meta.h"
#include "ms_buf.h"
#include "ms_date.h"

/* Keys and their checks */

/* The document's own slots; every other key is a field. */
/* clang-format off */
static const ms_archive_key_t meta_slots[] = {
    /* name      slot                      field  list   text_only check_empty */
    {"id",       MS_ARCHIVE_SLOT_ID,       NULL,  false, true,     true},
    {"title",    MS_ARCHIVE_SLOT_TITLE,    NULL,  false, false,    false},
    {"date",     MS_ARCHIVE_SLOT_DATE,     NULL,  false, true,     true},
    {"language", MS_ARCHIVE_SLOT_LANGUAGE, NULL,  false, true,     false},
};
/* clang-format on */

void
ms_archive__key(ms_archive_key_t *out, const char *key)
{
    const ms_schema_field_t *field;

    for (size_t i = 0; i < sizeof(meta_slots) / sizeof(meta_slots[0]); i++) {
        if (strcmp(key, meta_slots[i].name) == 0) {
            *out = meta_slots[i];
            return;
        }
    }
    memset(out, 0, sizeof(*out));
    field = ms_schema_key(key);
    if (field && field->source == MS_FIELD_FROM_META &&
        !(field->flags & MS_FIELD_GENERATED)) {
        out->name = field->name;
        out->field = field;
        out->list = (field->flags & MS_FIELD_MULTI) != 0;
        /* One value out of a list (type) is checked as strictly as a date. */
        out->text_only = out->check_empty = !out->list && field->values != NULL;
        return;
    }
    out->name = key;
    out->list = true;
}

bool
ms_archive__key_free(const ms_archive_key_t *key)
{
    return key->slot == MS_ARCHIVE_SLOT_NONE && !key->field;
}

/* "must be one of en, fr, ...": the languages of the index, in 'buf'. */
static const char *
languages_text(char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "must be one of");

    for (size_t i = 0; i < ms_schema_n_languages && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s %s", i ? "," : "",
                              ms_schema_languages[i].code);
    return buf;
}

const char *
ms_archive__value_check(const ms_archive_key_t *key, const char *value,
                        const char **stored, char *buf, size_t size)
{
    char values[200];

    if (stored)
        *stored = value;
    switch (key->slot) {
    case MS_ARCHIVE_SLOT_ID:
        return ms_schema_id_check(value);
    case MS_ARCHIVE_SLOT_DATE:
        return ms_date_parse(NULL, value)
                   ? NULL
                   : "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD";
    case MS_ARCHIVE_SLOT_LANGUAGE:
        if (!ms_archive__language_code(value))
            return languages_text(buf, size);
        if (stored)
            *stored = ms_archive__language_code(value);
        return NULL;
    case MS_ARCHIVE_SLOT_TITLE:
        return NULL;
    case MS_ARCHIVE_SLOT_NONE:
        break;
    }
    if (!key->field || ms_schema_value_valid(key->field, value))
        return NULL;
    snprintf(buf, size, "must be %s",
             ms_schema_values_text(key->field, values, sizeof(values)));
    return buf;
}

const char *
ms_archive__language_code(const char *tag)
{
    size_t len = strcspn(tag, "-_");

    /* "fr", "fr-FR", "fr_CA", "zh-Hant-TW": the primary subtag decides. */
    if (len != 2 || (tag[len] != '\0' && tag[len + 1] == '\0'))
        return NULL;
    for (size_t i = 0; i < ms_schema_n_languages; i++) {
        if (strncasecmp(tag, ms_schema_languages[i].code, 2) == 0 &&
            ms_schema_languages[i].code[2] == '\0')
            return ms_schema_languages[i].code;
    }
    return NULL;
}

/* Layers */

static void
entry_clear(ms_archive_meta_entry_t *entry)
{
    for (size_t i = 0; i < entry->n_values; i++)
        free(entry->values[i]);
    free(entry->values);
    free(entry->name);
    free(entry->seen);
}

void
ms_archive__meta_clear(ms_archive_meta_t *meta)
{
    if (!meta)
        return;
    for (size_t i = 0; i < meta->n_entries; i++)
        entry_clear(&meta->entries[i]);
    free(meta->entries);
    meta->entries = NULL;
    meta->n_entries = 0;
    meta->capacity = 0;
}

const ms_archive_meta_entry_t *
ms_archive__meta_get(const ms_archive_meta_t *meta, const char *name)
{
    for (size_t i = 0; meta && i < meta->n_entries; i++) {
        if (strcmp(meta->entries[i].name, name) == 0)
            return &meta->entries[i];
    }
    return NULL;
}

/* The entry called 'name', created empty at the end if missing. */
static ms_archive_meta_entry_t *
entry_for(ms_archive_meta_t *meta, const char *name)
{
    ms_archive_meta_entry_t *entry =
        (ms_archive_meta_entry_t *)ms_archive__meta_get(meta, name);

    if (entry)
        return entry;
    if (!ms_archive__grow(&meta->entries, &meta->capacity, meta->n_entries,
                          sizeof(*meta->entries), 8))
        return NULL;
    entry = &meta->entries[meta->n_entries];
    memset(entry, 0, sizeof(*entry));
    entry->name = strdup(name);
    if (!entry->name)
        return NULL;
    meta->n_entries++;
    return entry;
}

static ms_archive_status_t
entry_append(ms_archive_meta_entry_t *entry, const char *value, size_t len)
{
    size_t n = entry->n_values;
    char **values = entry->values;

    /* Grown at powers of two: one realloc per value copied a list of
     * 20,000 countries 20,000 times. */
    if (n == 0 || (n & (n - 1)) == 0) {
        values = realloc(entry->values, (n ? 2 * n : 1) * sizeof(*values));
        if (!values)
            return MS_ARCHIVE_NOMEM;
        entry->values = values;
    }
    values[entry->n_values] = strndup(value, len);
    if (!values[entry->n_values])
        return MS_ARCHIVE_NOMEM;
    entry->n_values++;
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__meta_add(ms_archive_meta_t *meta, const char *name, const char *value,
                     size_t len)
{
    ms_archive_meta_entry_t *entry = entry_for(meta, name);

    if (!entry)
        return MS_ARCHIVE_NOMEM;
    return value ? entry_append(entry, value, len) : MS_ARCHIVE_OK;
}

/* The slot of 'value' in entry->seen: where it is, or the free slot where
 * it would go. */
static size_t *
seen_slot(const ms_archive_meta_entry_t *entry, const char *value)
{
    size_t mask = entry->seen_capacity - 1;
    size_t i = ms_buf_hash(value) & mask;

    while (entry->seen[i] && strcmp(entry->values[entry->seen[i] - 1], value) != 0)
        i = (i + 1) & mask;
    return &entry->seen[i];
}

/* Bring entry->seen up to every value of 'entry' (values appended by
 * other calls too), with room for one more. False on OOM. */
static bool
seen_update(ms_archive_meta_entry_t *entry)
{
    if (2 * (entry->n_values + 1) > entry->seen_capacity) {
        size_t capacity = entry->seen_capacity ? entry->seen_capacity : 64;
        while (2 * (entry->n_values + 1) > capacity)
            capacity *= 2;
        size_t *seen = calloc(capacity, sizeof(*seen));
        if (!seen)
            return false;
        free(entry->seen);
        entry->seen = seen;
        entry->seen_capacity = capacity;
        entry->n_seen = 0;
    }
    for (; entry->n_seen < entry->n_values; entry->n_seen++) {
        size_t *slot = seen_slot(entry, entry->values[entry->n_seen]);
        if (!*slot)
            *slot = entry->n_seen + 1;
    }
    return true;
}

ms_archive_status_t
ms_archive__meta_add_distinct(ms_archive_meta_t *meta, const char *name,
                              const char *value)
{
    /* Hashed: a recommendation with 30,000 reports took minutes when each
     * country was compared with every one before it. */
    ms_archive_meta_entry_t *entry = entry_for(meta, name);
    ms_archive_status_t status;

    if (!entry || !seen_update(entry))
        return MS_ARCHIVE_NOMEM;
    if (*seen_slot(entry, value))
        return MS_ARCHIVE_OK;
    status = entry_append(entry, value, strlen(value));
    if (status == MS_ARCHIVE_OK) {
        *seen_slot(entry, value) = entry->n_values;
        entry->n_seen = entry->n_values;
    }
    return status;
}

/* Empty entry 'name' of its values, keeping its place in the order. */
static ms_archive_meta_entry_t *
entry_reset(ms_archive_meta_t *meta, const char *name)
{
    ms_archive_meta_entry_t *entry = entry_for(meta, name);

    if (!entry)
        return NULL;
    for (size_t i = 0; i < entry->n_values; i++)
        free(entry->values[i]);
    entry->n_values = 0;
    if (entry->seen)
        memset(entry->seen, 0, entry->seen_capacity * sizeof(*entry->seen));
    entry->n_seen = 0;
    entry->weak = false;
    return entry;
}

ms_archive_status_t
ms_archive__meta_set(ms_archive_meta_t *meta, const char *name, const char *value)
{
    ms_archive_meta_entry_t *entry = entry_reset(meta, name);

    if (!entry)
        return MS_ARCHIVE_NOMEM;
    return entry_append(entry, value, strlen(value));
}

ms_archive_status_t
ms_archive__meta_merge(ms_archive_meta_t *base, const ms_archive_meta_t *nearer)
{
    for (size_t i = 0; nearer && i < nearer->n_entries; i++) {
        const ms_archive_meta_entry_t *from = &nearer->entries[i];
        ms_archive_meta_entry_t *to = entry_reset(base, from->name);
        if (!to)
            return MS_ARCHIVE_NOMEM;
        to->weak = from->weak;
        for (size_t j = 0; j < from->n_values; j++) {
            if (entry_append(to, from->values[j], strlen(from->values[j])) !=
                MS_ARCHIVE_OK)
                return MS_ARCHIVE_NOMEM;
        }
    }
    return MS_ARCHIVE_OK;
}

void
ms_archive__meta_weaken(ms_archive_meta_t *meta)
{
    for (size_t i = 0; i < meta->n_entries; i++)
        meta->entries[i].weak = true;
}
