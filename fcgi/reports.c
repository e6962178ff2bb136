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

/* The sort key of a report's date: "" (older than any date) when it has
 * none or an unreadable one. */
static void
date_key(char out[9], json_t *report)
{
    const char *text = member(report, "date");
    ms_date_t date;

    out[0] = '\0';
    if (text != NULL && ms_date_parse(&date, text))
        ms_date_key(out, &date, MS_DATE_FIRST);
}

/* The cell of one report: status, and date and obstacles when given. */
static json_t *
cell_of(json_t *report)
{
    json_t *cell = json_object();
    static const char *const keys[] = {"status", "date", "obstacles"};

    for (size_t k = 0; cell != NULL && k < 3; k++) {
        const char *value = member(report, keys[k]);
        if (value != NULL &&
            json_object_set_new(cell, keys[k], json_string(value)) != 0) {
            json_decref(cell);
            cell = NULL;
        }
    }
    return cell;
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

/* What a country of 'doc' without a report of its own has: "no
 * information" for a recommendation of a set (it has the field
 * "reports"), else the document's one status. */
static const char *
fallback_status(const ms_document_t *doc)
{
    const char *status = nth_value(doc, "status", 0);

    if (nth_value(doc, "reports", 0) != NULL || status == NULL ||
        nth_value(doc, "status", 1) != NULL)
        return MS_REPORTS_NO_INFORMATION;
    return status;
}

/* Put each report of 'all' into 'by' unless the country has a later one
 * there already. Setting an existing key keeps its place (jansson). */
static int
take_latest(json_t *by, json_t *all)
{
    json_t *report;
    size_t i;

    json_array_foreach(all, i, report)
    {
        const char *country = member(report, "country");
        void *iter = find_iter(by, country);
        json_t *best = iter != NULL ? json_object_iter_value(iter) : NULL;
        char mine[9], theirs[9];

        if (json_is_object(best)) {
            date_key(mine, report);
            date_key(theirs, best);
            if (strcmp(mine, theirs) < 0)
                continue;
        }
        /* A country already there keeps its spelling and its place. */
        if (iter != NULL) {
            if (json_object_iter_set_new(by, iter, cell_of(report)) != 0)
                return -1;
            continue;
        }
        if (json_object_set_new(by, country, cell_of(report)) != 0)
            return -1;
    }
    return 0;
}

json_t *
ms_reports_latest(const ms_document_t *doc)
{
    json_t *by = json_object(), *all = ms_reports_all(doc), *cell;
    const char *country, *fallback = fallback_status(doc);
    void *iter;
    int rc = by != NULL && all != NULL ? 0 : -1;

    /* Participants first, in the document's order, waiting for a report. */
    for (size_t n = 0; rc == 0 && (country = nth_value(doc, "country", n)) != NULL; n++) {
        if (ms_reports_find(by, country) == NULL)
            rc = json_object_set_new(by, country, json_null());
    }
    if (rc == 0)
        rc = take_latest(by, all);
    for (iter = json_object_iter(by); rc == 0 && iter != NULL;
         iter = json_object_iter_next(by, iter)) {
        if (!json_is_null(json_object_iter_value(iter)))
            continue;
        cell = json_pack("{s:s}", "status", fallback);
        rc = cell != NULL ? json_object_iter_set_new(by, iter, cell) : -1;
    }
    json_decref(all);
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
        date_key(sorted[n].key, report);
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
