/* statuses.c - a document's status by country as JSON: breakdown and summary
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The pairs are what the archive decided (indexer/archive/pairs.c): every
 * country a recommendation concerns with the status it last reported, "no
 * information" for a participant that did not. This file only shows them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ms_schema.h"
#include "ms_statuses.h"
#include "ms_utf8.h"

/* 'len' bytes of 's' as a JSON string, invalid UTF-8 repaired. */
static json_t *
string_json(const char *s, size_t len)
{
    char *repaired = ms_utf8_repair(s, len, NULL);
    json_t *value = repaired != NULL ? json_string(repaired) : NULL;

    free(repaired);
    return value;
}

/* The pair 'value' as {"country", "status"}; NULL if it is not a pair or
 * on allocation failure (*failed then set). */
static json_t *
pair_json(const char *value, bool *failed)
{
    size_t country_len;
    const char *status = ms_schema_pair_split(value, &country_len);
    json_t *row;

    if (status == NULL)
        return NULL;
    row = json_pack("{s:o?,s:o?}", "country", string_json(value, country_len), "status",
                    string_json(status, strlen(status)));
    if (row == NULL || json_object_size(row) != 2) {
        json_decref(row);
        *failed = true;
        return NULL;
    }
    return row;
}

/* {"countries": n, "<status>": count, ...} for the rows of 'list'. */
static json_t *
summary_json(json_t *list)
{
    const ms_schema_field_t *field = ms_schema_field(MS_SCHEMA_PAIR_STATUS);
    json_t *summary = json_object(), *row, *seen = json_object();
    size_t i;
    int rc = summary != NULL && seen != NULL ? 0 : -1;

    for (const char *const *v = field ? field->values : NULL; rc == 0 && v && *v; v++)
        rc |= json_object_set_new(summary, *v, json_integer(0));
    json_array_foreach(list, i, row)
    {
        const char *country = json_string_value(json_object_get(row, "country"));
        const char *status = json_string_value(json_object_get(row, "status"));
        json_t *count = json_object_get(summary, status);

        if (rc == 0 && count != NULL)
            rc |= json_integer_set(count, json_integer_value(count) + 1);
        if (rc == 0)
            rc |= json_object_set_new(seen, country, json_true());
    }
    if (rc == 0)
        rc |= json_object_set_new(summary, "countries",
                                  json_integer((json_int_t)json_object_size(seen)));
    json_decref(seen);
    if (rc != 0) {
        json_decref(summary);
        return NULL;
    }
    return summary;
}

int
ms_statuses_put(json_t *object, const ms_document_t *doc)
{
    json_t *list = json_array();
    bool failed = list == NULL;
    int rc = 0;

    for (size_t i = 0; !failed && i < doc->n_fields; i++) {
        const ms_field_t *field = &doc->fields[i];
        json_t *row;

        if (field->name == NULL || field->value == NULL ||
            strcmp(field->name, MS_SCHEMA_PAIR_FIELD) != 0)
            continue;
        row = pair_json(field->value, &failed);
        if (row != NULL && json_array_append_new(list, row) != 0)
            failed = true;
    }
    if (failed) {
        json_decref(list);
        return -1;
    }
    rc |= json_object_set_new(object, "status_summary", summary_json(list));
    rc |= json_object_set_new(object, "statuses", list);
    return rc != 0 ? -1 : 0;
}

/* Whether 'value' is one of the filters on the field 'name' (folded as
 * the index folds: ASCII case); true when there is no such filter. */
static bool
filtered(const ms_field_t *filters, size_t n_filters, const char *name, const char *value)
{
    bool any = false;

    for (size_t i = 0; i < n_filters; i++) {
        if (filters[i].name == NULL || filters[i].value == NULL ||
            strcmp(filters[i].name, name) != 0)
            continue;
        if (value != NULL && strcasecmp(filters[i].value, value) == 0)
            return true;
        any = true;
    }
    return !any;
}

int
ms_statuses_focus(json_t *object, const ms_field_t *filters, size_t n_filters)
{
    json_t *list = json_object_get(object, "statuses");
    json_t *first = json_array(), *rest = json_array(), *row;
    bool none = filtered(filters, n_filters, MS_SCHEMA_PAIR_COUNTRY, NULL) &&
                filtered(filters, n_filters, MS_SCHEMA_PAIR_STATUS, NULL);
    size_t i;
    int rc = first != NULL && rest != NULL ? 0 : -1;

    json_array_foreach(list, i, row)
    {
        const char *country = json_string_value(json_object_get(row, "country"));
        const char *status = json_string_value(json_object_get(row, "status"));
        bool match = !none &&
                     filtered(filters, n_filters, MS_SCHEMA_PAIR_COUNTRY, country) &&
                     filtered(filters, n_filters, MS_SCHEMA_PAIR_STATUS, status);

        if (rc == 0 && match)
            rc |= json_object_set_new(row, "matched", json_true());
        if (rc == 0)
            rc |= json_array_append(match ? first : rest, row);
    }
    if (rc == 0 && json_array_size(first) > 0) {
        rc |= json_object_set(object, "status",
                              json_object_get(json_array_get(first, 0), "status"));
        rc |= json_array_extend(first, rest);
        rc |= json_object_set(object, "statuses", first);
    }
    json_decref(first);
    json_decref(rest);
    return rc != 0 ? -1 : 0;
}
