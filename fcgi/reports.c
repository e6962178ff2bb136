/* reports.c - a recommendation's status in each country (ms_reports.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ms_date.h"
#include "ms_reports.h"
#include "ms_schema.h"

/* The string member 'key' of 'object', or NULL. */
static const char *
member(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

json_t *
ms_reports_all(const ms_document_t *doc)
{
    json_t *all = json_array(), *parsed = NULL, *report;
    const char *text = NULL;
    size_t i;

    if (all == NULL)
        return NULL;
    for (size_t f = 0; f < doc->n_fields && text == NULL; f++) {
        if (doc->fields[f].name && strcmp(doc->fields[f].name, "reports") == 0)
            text = doc->fields[f].value;
    }
    parsed = text != NULL ? json_loads(text, 0, NULL) : NULL;
    json_array_foreach(parsed, i, report)
    {
        /* Only rows the indexer could have written: a country and a status. */
        if (json_is_object(report) && member(report, "country") != NULL &&
            member(report, "status") != NULL && json_array_append(all, report) != 0) {
            json_decref(all);
            all = NULL;
            break;
        }
    }
    json_decref(parsed);
    return all;
}

/* The iterator of the member of 'by' whose key is 'country' (ASCII case
 * ignored), or NULL. */
static void *
find_iter(json_t *by, const char *country)
{
    for (void *iter = json_object_iter(by); iter != NULL;
         iter = json_object_iter_next(by, iter)) {
        if (strcasecmp(json_object_iter_key(iter), country) == 0)
            return iter;
    }
    return NULL;
}

json_t *
ms_reports_find(json_t *by_country, const char *country)
{
    void *iter = find_iter(by_country, country);

    return iter != NULL ? json_object_iter_value(iter) : NULL;
}

/* The value of field 'name' of 'doc' number 'n' (0 first); NULL past the
 * last. */
static const char *
nth_value(const ms_document_t *doc, const char *name, size_t n)
{
    for (size_t f = 0; f < doc->n_fields; f++) {
        if (doc->fields[f].name && doc->fields[f].value &&
            strcmp(doc->fields[f].name, name) == 0 && n-- == 0)
            return doc->fields[f].value;
    }
    return NULL;
}

/* The cell of a country whose status the indexer decided: the status,
 * with the date and obstacles of the newest of its reports that gave it
 * (none for a participant without a report). */
static json_t *
cell_of(const ms_document_t *doc, const char *country, const char *status)
{
    json_t *cell = json_pack("{s:s}", "status", status);
    json_t *mine = cell != NULL ? ms_reports_of(doc, country) : NULL, *report;
    size_t i;

    json_array_foreach(mine, i, report)
    {
        const char *given = member(report, "status");
        if (given == NULL || strcmp(given, status) != 0)
            continue;
        for (size_t k = 0; k < 2 && cell != NULL; k++) {
            static const char *const keys[] = {"date", "obstacles"};
            const char *value = member(report, keys[k]);
            if (value != NULL &&
                json_object_set_new(cell, keys[k], json_string(value)) != 0) {
                json_decref(cell);
                cell = NULL;
            }
        }
        break;
    }
    if (cell != NULL && mine == NULL) {
        json_decref(cell);
        cell = NULL;
    }
    json_decref(mine);
    return cell;
}

json_t *
ms_reports_latest(const ms_document_t *doc)
{
    const ms_schema_field_t *pairs = ms_schema_field(MS_SCHEMA_PAIR_FIELD);
    json_t *by = json_object();
    const char *pair;
    int rc = by != NULL && pairs != NULL ? 0 : -1;

    for (size_t n = 0; rc == 0 && (pair = nth_value(doc, pairs->name, n)) != NULL; n++) {
        size_t country_len;
        const char *status = ms_schema_pair_split(pair, &country_len);
        char *country = status != NULL ? strndup(pair, country_len) : NULL;
        if (status == NULL)
            continue; /* not a pair: nothing the indexer wrote */
        rc = country != NULL && ms_reports_find(by, country) == NULL
                 ? json_object_set_new(by, country, cell_of(doc, country, status))
                 : (country != NULL ? 0 : -1);
        free(country);
    }
    if (rc != 0) {
        json_decref(by);
        by = NULL;
    }
    return by;
}

/* A report and its place in the file, to sort. */
struct dated {
    json_t *report;
    size_t place;
    char key[9];
};

/* Newest first; of the same date, the later in the file first. */
static int
newest_first(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;
    int c = strcmp(y->key, x->key);

    return c != 0 ? c : (y->place > x->place) - (y->place < x->place);
}

json_t *
ms_reports_of(const ms_document_t *doc, const char *country)
{
    json_t *all = ms_reports_all(doc), *mine = json_array(), *report;
    size_t i, n = 0;
    struct dated *sorted = calloc(json_array_size(all) + 1, sizeof(*sorted));
    int rc = all != NULL && mine != NULL && sorted != NULL ? 0 : -1;

    json_array_foreach(all, i, report)
    {
        if (rc != 0 || strcasecmp(member(report, "country"), country) != 0)
            continue;
        sorted[n].report = report;
        sorted[n].place = i;
        ms_date_sort_key(sorted[n].key, member(report, "date"));
        n++;
    }
    if (rc == 0)
        qsort(sorted, n, sizeof(*sorted), newest_first);
    for (i = 0; rc == 0 && i < n; i++)
        rc = json_array_append(mine, sorted[i].report);
    free(sorted);
    json_decref(all);
    if (rc != 0) {
        json_decref(mine);
        mine = NULL;
    }
    return mine;
}
