/* document.c - the document model: making, completing and titling documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every format ends here: whatever a loader read (a body, a title its text
 * suggests, the merged metadata layers), ms_archive__doc_finish() turns
 * it into the same ms_archive_doc_t, with the same rules for the id, the
 * title and the language whatever the format (docs/staff.md, "Ids" and
 * "Titles"). Nothing here reads files or knows a format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-doc.h"
#include "archive-io.h"
#include "ms_utf8.h"

/* Longest title taken from a heading or a first line; a .txt file whose
 * first line is a whole paragraph should not get a paragraph as title. */
#define TITLE_MAX 200

/* Titles */

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

char *
ms_archive__title_from(const char *s, size_t len)
{
    while (len > 0 && is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    return strndup(s, ms_utf8_cut(s, len, TITLE_MAX));
}

ms_archive_status_t
ms_archive__first_line_title(char **out, const char *text, size_t len)
{
    const char *p = text, *end = text + len;

    *out = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *q = p;
        while (q < eol && (is_blank(*q) || *q == '\f' || *q == '\v'))
            q++;
        if (q < eol) {
            *out = ms_archive__title_from(q, (size_t)(eol - q));
            return *out ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
        }
        p = eol + (eol < end);
    }
    return MS_ARCHIVE_OK;
}

/* The file name of 'path' without directory or extension. */
static char *
title_from_name(const char *path)
{
    const char *base = ms_archive__base(path);

    return ms_archive__title_from(base,
                                  ms_archive__stem_length(path) - (size_t)(base - path));
}

/* Ids */

ms_archive_status_t
ms_archive_id_derive(char **out, const char *path)
{
    size_t len = ms_archive__stem_length(path), n = 0;
    const unsigned char *p = (const unsigned char *)path;
    char *id;

    *out = NULL;
    if (len == 0)
        return MS_ARCHIVE_INVALID;
    /* A byte of no character (a name that is not UTF-8) becomes "~XX",
     * its value in hex: the id stays valid and tells the bytes apart. */
    id = malloc(3 * len + 1);
    if (!id)
        return MS_ARCHIVE_NOMEM;
    for (size_t i = 0; i < len;) {
        size_t k = p[i] < 0x80 ? 1 : ms_utf8_decode(p + i, len - i, NULL);
        if (k == 0) {
            n += (size_t)sprintf(id + n, "~%02X", p[i]);
            k = 1;
        } else if (p[i] == '/') {
            id[n++] = '.';
        } else if (p[i] <= 0x20 || p[i] == 0x7F || strchr("?#%\"'<>\\", p[i])) {
            id[n++] = '-';
        } else {
            memcpy(id + n, p + i, k);
            n += k;
        }
        i += k;
    }
    id[n] = '\0';
    if (n > MS_SCHEMA_ID_MAX) {
        free(id);
        return MS_ARCHIVE_INVALID;
    }
    *out = id;
    return MS_ARCHIVE_OK;
}

/* Documents */

ms_archive_doc_t *
ms_archive__doc_new(const char *path)
{
    ms_archive_doc_t *doc = calloc(1, sizeof(*doc));

    if (doc && !(doc->path = strdup(path))) {
        free(doc);
        doc = NULL;
    }
    return doc;
}

void
ms_archive_doc_free(ms_archive_doc_t *doc)
{
    if (doc) {
        char *strings[] = {doc->path, doc->id,       doc->title,
                           doc->body, doc->language, doc->date};

        for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
            free(strings[i]);
        for (size_t i = 0; i < doc->n_fields; i++) {
            free(doc->fields[i].name);
            free(doc->fields[i].value);
        }
        free(doc->fields);
        free(doc->view);
    }
    free(doc);
}

void
ms_archive_doc_view(ms_document_t *out, const ms_archive_doc_t *doc)
{
    out->id = doc->id;
    out->title = doc->title;
    out->body = doc->body;
    out->language = doc->language;
    out->date = doc->date;
    out->fields = doc->view;
    out->n_fields = doc->n_fields;
}

static ms_archive_status_t
add_field(ms_archive_doc_t *doc, const char *name, const char *value)
{
    ms_archive_field_t *f;

    if (!ms_archive__grow(&doc->fields, &doc->fields_capacity, doc->n_fields,
                          sizeof(*doc->fields), 8))
        return MS_ARCHIVE_NOMEM;
    f = &doc->fields[doc->n_fields];
    f->name = strdup(name);
    f->value = strdup(value);
    if (!f->name || !f->value) {
        free(f->name);
        free(f->value);
        return MS_ARCHIVE_NOMEM;
    }
    doc->n_fields++;
    return MS_ARCHIVE_OK;
}

/* Replace *slot by a copy of the single value of entry 'name', if any. */
static ms_archive_status_t
take_value(char **slot, const ms_archive_meta_t *meta, const char *name)
{
    const ms_archive_meta_entry_t *entry = ms_archive__meta_get(meta, name);
    char *copy;

    if (!entry || entry->n_values == 0)
        return MS_ARCHIVE_OK;
    copy = strdup(entry->values[entry->n_values - 1]);
    if (!copy)
        return MS_ARCHIVE_NOMEM;
    free(*slot);
    *slot = copy;
    return MS_ARCHIVE_OK;
}

/* The fields of 'doc': every entry of 'meta' that is not a slot, then the
 * view of them. */
static ms_archive_status_t
take_fields(ms_archive_doc_t *doc, const ms_archive_meta_t *meta)
{
    for (size_t i = 0; meta && i < meta->n_entries; i++) {
        const ms_archive_meta_entry_t *entry = &meta->entries[i];
        ms_archive_key_t key;

        ms_archive__key(&key, entry->name);
        for (size_t j = 0; key.slot == MS_ARCHIVE_SLOT_NONE && j < entry->n_values; j++) {
            if (add_field(doc, entry->name, entry->values[j]) != MS_ARCHIVE_OK)
                return MS_ARCHIVE_NOMEM;
        }
    }
    free(doc->view);
    doc->view = calloc(doc->n_fields ? doc->n_fields : 1, sizeof(*doc->view));
    if (!doc->view)
        return MS_ARCHIVE_NOMEM;
    for (size_t i = 0; i < doc->n_fields; i++) {
        doc->view[i].name = doc->fields[i].name;
        doc->view[i].value = doc->fields[i].value;
    }
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__doc_finish(ms_archive_doc_t *doc, const ms_archive_meta_t *meta,
                       const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    ms_archive_meta_t full = {0};
    ms_archive_status_t status = MS_ARCHIVE_NOMEM;

    if (!doc->body && !(doc->body = strdup("")))
        goto out;
    if (ms_archive__meta_merge(&full, meta) != MS_ARCHIVE_OK ||
        ms_archive__meetings_apply(&full, opts ? opts->meetings : NULL) != MS_ARCHIVE_OK)
        goto out;
    if (take_value(&doc->id, &full, "id") != MS_ARCHIVE_OK ||
        take_value(&doc->title, &full, "title") != MS_ARCHIVE_OK ||
        take_value(&doc->date, &full, "date") != MS_ARCHIVE_OK ||
        take_value(&doc->language, &full, "language") != MS_ARCHIVE_OK)
        goto out;
    if (!doc->id) {
        status = ms_archive_id_derive(&doc->id, doc->path);
        if (status == MS_ARCHIVE_INVALID)
            ms_file_error_set(err, NULL, 0, 0,
                              "the id derived from the path is empty or longer than "
                              "200 bytes; shorten the path or set an id");
        if (status != MS_ARCHIVE_OK)
            goto out;
        status = MS_ARCHIVE_NOMEM;
    }
    if (!doc->title || !doc->title[0]) {
        free(doc->title);
        if (!(doc->title = title_from_name(doc->path)))
            goto out;
    }
    if (!doc->language && opts && opts->default_language &&
        !(doc->language = strdup(opts->default_language)))
        goto out;
    if (ms_archive__pairs_apply(&full) != MS_ARCHIVE_OK)
        goto out;
    status = take_fields(doc, &full);

out:
    ms_archive__meta_clear(&full);
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    return status;
}
