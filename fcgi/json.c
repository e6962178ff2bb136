/* json.c - the JSON shapes of the API: strings, documents, hits, facets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_escape.h"
#include "ms_json.h"
#include "ms_schema.h"
#include "ms_statuses.h"
#include "ms_utf8.h"

int
ms_json_put(json_t *object, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(object, key, value);
}

int
ms_json_append(json_t *array, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_array_append_new(array, value);
}

json_t *
ms_json_string(const char *s)
{
    json_t *value;
    char *repaired;

    if (s == NULL)
        return json_null();
    if (ms_utf8_valid(s, strlen(s), NULL))
        return json_string(s);
    repaired = ms_utf8_repair(s, strlen(s), NULL);
    if (repaired == NULL)
        return NULL;
    value = json_string(repaired);
    free(repaired);
    return value;
}

json_t *
ms_json_url(const char *prefix, const char *value)
{
    ms_buf_t url = MS_BUF_INIT;
    json_t *out = NULL;

    ms_buf_puts(&url, prefix);
    if (ms_escape_url_into(&url, value) == MS_BUF_OK)
        out = json_string(url.data);
    ms_buf_free(&url);
    return out;
}

json_t *
ms_json_doc_url(const char *id)
{
    return ms_json_url("/doc/", id != NULL ? id : "");
}

json_t *
ms_json_number(double value)
{
    return json_real(isfinite(value) ? value : 0.0);
}

/* Add a free field to "extra": a string for the first value, an array once
 * the field repeats. Names that are not valid UTF-8 are repaired. */
static int
put_extra(json_t *extra, const ms_field_t *field)
{
    char *name = ms_utf8_repair(field->name, strlen(field->name), NULL);
    json_t *old, *value = NULL;
    int rc = -1;

    if (name == NULL)
        goto out;
    value = ms_json_string(field->value);
    if (value == NULL)
        goto out;
    old = json_object_get(extra, name);
    if (old == NULL) {
        rc = json_object_set(extra, name, value);
    } else if (json_is_array(old)) {
        rc = json_array_append(old, value);
    } else {
        json_t *list = json_array();

        if (list != NULL && json_array_append(list, old) == 0 &&
            json_array_append(list, value) == 0)
            rc = json_object_set(extra, name, list);
        json_decref(list);
    }
out:
    json_decref(value);
    free(name);
    return rc;
}

/* How 'doc' shows its field 'name': as the table says when the table's
 * field takes its values from the document's fields of that name; a
 * field the table does not have, and a stored-only field whose name the
 * table gives a value from elsewhere (a "year" key: the year is from the
 * date), are free fields, shown under "extra". The field the index writes
 * itself ("added") comes first among the document's fields, so it is the
 * value shown. */
static const ms_schema_field_t *
shown_field(const char *name, ms_field_shown_t *shown)
{
    const ms_schema_field_t *f = ms_schema_field(name);

    *shown =
        f != NULL && (f->source == MS_FIELD_FROM_META || f->source == MS_FIELD_FROM_INDEX)
            ? f->shown
            : MS_FIELD_SHOWN_EXTRA;
    return f;
}

/* Add the value of 'field' to 'object' (or its "extra") as the table says. */
static int
put_field(json_t *object, json_t *extra, const ms_field_t *field)
{
    ms_field_shown_t shown;
    const ms_schema_field_t *f = shown_field(field->name, &shown);

    switch (shown) {
    case MS_FIELD_SHOWN_NEVER:
        /* Internal to the server: the archive path is for
         * X-Accel-Redirect only, and /doc shows "reports" parsed. */
        return 0;
    case MS_FIELD_SHOWN_SCALAR:
        /* A single-valued field given twice keeps its first value. */
        if (!json_is_null(json_object_get(object, f->json)))
            return 0;
        return ms_json_put(object, f->json, ms_json_string(field->value));
    case MS_FIELD_SHOWN_LIST:
        return ms_json_append(json_object_get(object, f->json),
                              ms_json_string(field->value));
    default:
        return put_extra(extra, field);
    }
}

json_t *
ms_json_document(const ms_document_t *doc)
{
    json_t *object = json_object();
    json_t *extra = json_object();
    int rc = object != NULL && extra != NULL ? 0 : -1;

    if (rc == 0) {
        rc |= ms_json_put(object, "id", ms_json_string(doc->id));
        rc |= ms_json_put(object, "title", ms_json_string(doc->title));
        rc |= ms_json_put(object, "date", ms_json_string(doc->date));
        rc |= ms_json_put(object, "language", ms_json_string(doc->language));
    }
    for (size_t i = 0; rc == 0 && i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *f = &ms_schema_fields[i];

        if (f->shown == MS_FIELD_SHOWN_SCALAR)
            rc |= ms_json_put(object, f->json, json_null());
        else if (f->shown == MS_FIELD_SHOWN_LIST)
            rc |= ms_json_put(object, f->json, json_array());
    }
    for (size_t i = 0; rc == 0 && i < doc->n_fields; i++) {
        if (doc->fields[i].name != NULL && doc->fields[i].value != NULL)
            rc |= put_field(object, extra, &doc->fields[i]);
    }
    if (rc == 0)
        rc |= ms_statuses_put(object, doc);
    if (rc == 0)
        rc |= json_object_set(object, "extra", extra);
    json_decref(extra);
    if (rc != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}

static json_t *
snippets_json(const ms_hit_t *hit)
{
    json_t *list = json_array();
    int rc = list != NULL ? 0 : -1;

    for (size_t i = 0; i < hit->n_snippets && rc == 0; i++) {
        const ms_snippet_t *snippet = &hit->snippets[i];
        json_t *item = json_object();

        rc |= ms_json_append(list, item);
        if (rc != 0)
            break;
        rc |= ms_json_put(item, "html",
                          ms_json_string(snippet->html != NULL ? snippet->html : ""));
        rc |= ms_json_put(item, "page",
                          snippet->page != 0 ? json_integer((json_int_t)snippet->page)
                                             : json_null());
    }
    if (rc != 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *
ms_json_hit(const ms_hit_t *hit, bool with_snippets)
{
    json_t *item = ms_json_document(&hit->doc);
    int rc = 0;

    if (item == NULL)
        return NULL;
    rc |= ms_json_put(item, "url", ms_json_doc_url(hit->doc.id));
    rc |= ms_json_put(item, "score", ms_json_number(hit->score));
    if (with_snippets) {
        rc |= ms_json_put(item, "snippet", ms_json_string(hit->snippet));
        rc |= ms_json_put(item, "snippets", snippets_json(hit));
    }
    if (rc != 0) {
        json_decref(item);
        return NULL;
    }
    return item;
}

/* Append the counts the index reported for 'field' to 'values'. */
static int
facet_values(json_t *values, const ms_results_t *results, const char *field)
{
    int rc = 0;

    for (size_t i = 0; i < results->n_facets && rc == 0; i++) {
        const ms_facet_t *facet = &results->facets[i];

        if (facet->field == NULL || strcmp(facet->field, field) != 0)
            continue;
        for (size_t k = 0; k < facet->n_values && rc == 0; k++) {
            const ms_facet_value_t *v = &facet->values[k];

            json_t *row;

            if (v->value == NULL)
                continue;
            row = json_pack("{s:o,s:I}", "value", ms_json_string(v->value), "count",
                            (json_int_t)v->count);
            /* The meetings' titles, for people to read (docs/api.md). */
            if (row != NULL && facet->labelled)
                rc |= ms_json_put(row, "label", ms_json_string(v->label));
            rc |= ms_json_append(values, row);
        }
    }
    return rc;
}

json_t *
ms_json_facets(const ms_results_t *results)
{
    json_t *object = json_object();
    int rc = object != NULL ? 0 : -1;

    for (size_t f = 0; f < ms_schema_n_fields && rc == 0; f++) {
        const char *name = ms_schema_fields[f].name;
        json_t *values;

        if ((ms_schema_fields[f].flags & MS_FIELD_FACET) == 0)
            continue;
        values = json_array();
        rc |= ms_json_put(object, name, values);
        if (rc == 0)
            rc |= facet_values(values, results, name);
    }
    if (rc != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}
