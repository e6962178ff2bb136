/* pairs.c - the status each country reported: a document's (country, status) pairs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one place that decides what status a country reported, for every
 * format (docs/staff.md, "Implementation status by country"). It runs on
 * a document's merged metadata when the document is finished
 * (document.c), so a recommendation set, front matter, a sidecar and a
 * JSON line all get the same rule:
 *
 *  - a recommendation (its metadata has "reports", the JSON recset.c
 *    writes): every country that reported, with its latest report by date
 *    (a report without a date is older than any dated one; of two equally
 *    recent ones the later in the file counts), and every other country of
 *    the document (the set's participants) as "no information";
 *  - any other document: its one status applies to each of its countries
 *    (several statuses given: each applies to each country).
 *
 * The pairs go to the generated field MS_SCHEMA_PAIR_FIELD, one value
 * "<country>\t<status>" per pair, in the order of the document's
 * countries (then any reporting country it does not name). A
 * recommendation's statuses become exactly the distinct statuses of its
 * pairs, "no information" when it has none. Anything staff wrote under the
 * pair field's name is replaced.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive-doc.h"
#include "ms_buf.h"
#include "ms_date.h"

/* The status each country reported in 'reports' (a JSON array), by the
 * rule above: a new JSON object of country -> status, or NULL on OOM.
 * One pass, hashed: looking each country up in every report was quadratic,
 * minutes for a recommendation with 30,000 reports. */
static json_t *
latest_reports(json_t *reports)
{
    json_t *latest = json_object(), *keys = json_object(), *report;
    char key[9];
    size_t i;
    bool ok = latest && keys;

    json_array_foreach(reports, i, report)
    {
        const char *who = json_string_value(json_object_get(report, "country"));
        const char *what = json_string_value(json_object_get(report, "status"));
        const char *best;

        if (!ok || !who || !what)
            continue;
        ms_date_sort_key(key, json_string_value(json_object_get(report, "date")));
        best = json_string_value(json_object_get(keys, who));
        /* Of two equally recent reports the later in the file counts. */
        if (!best || strcmp(key, best) >= 0)
            ok = json_object_set_new(keys, who, json_string(key)) == 0 &&
                 json_object_set_new(latest, who, json_string(what)) == 0;
    }
    json_decref(keys);
    if (!ok) {
        json_decref(latest);
        latest = NULL;
    }
    return latest;
}

/* Add the pair (country, status) to 'out' once, and with 'with_status'
 * the status to its statuses once. */
static ms_archive_status_t
add_pair(ms_archive_meta_t *out, const char *country, const char *status,
         bool with_status)
{
    ms_buf_t pair = MS_BUF_INIT;
    ms_archive_status_t result = MS_ARCHIVE_NOMEM;

    ms_buf_printf(&pair, "%s\t%s", country, status);
    if (pair.status == MS_BUF_OK &&
        ms_archive__meta_add_distinct(out, MS_SCHEMA_PAIR_FIELD, pair.data) ==
            MS_ARCHIVE_OK &&
        (!with_status || ms_archive__meta_add_distinct(out, MS_SCHEMA_PAIR_STATUS,
                                                       status) == MS_ARCHIVE_OK))
        result = MS_ARCHIVE_OK;
    ms_buf_free(&pair);
    return result;
}

/* The pairs of a recommendation whose reports are 'reports' into 'out'. */
static ms_archive_status_t
recommendation_pairs(ms_archive_meta_t *out, const ms_archive_meta_entry_t *countries,
                     json_t *reports)
{
    json_t *latest = latest_reports(reports), *named = json_object(), *report;
    ms_archive_status_t status = latest && named ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
    size_t i;

    for (size_t c = 0; status == MS_ARCHIVE_OK && countries && c < countries->n_values;
         c++) {
        const char *what =
            json_string_value(json_object_get(latest, countries->values[c]));
        if (json_object_set_new(named, countries->values[c], json_true()) != 0 ||
            add_pair(out, countries->values[c], what ? what : MS_SCHEMA_NO_INFORMATION,
                     true) != MS_ARCHIVE_OK)
            status = MS_ARCHIVE_NOMEM;
    }
    /* A reporting country the document does not name still counts. */
    json_array_foreach(reports, i, report)
    {
        const char *who = json_string_value(json_object_get(report, "country"));
        const char *what = who ? json_string_value(json_object_get(latest, who)) : NULL;

        if (status == MS_ARCHIVE_OK && what && !json_object_get(named, who) &&
            add_pair(out, who, what, true) != MS_ARCHIVE_OK)
            status = MS_ARCHIVE_NOMEM;
    }
    json_decref(named);
    json_decref(latest);
    if (status == MS_ARCHIVE_OK && !ms_archive__meta_get(out, MS_SCHEMA_PAIR_STATUS))
        return ms_archive__meta_set(out, MS_SCHEMA_PAIR_STATUS, MS_SCHEMA_NO_INFORMATION);
    return status;
}

/* The pairs of any other document: each of its statuses for each of its
 * countries. */
static ms_archive_status_t
document_pairs(ms_archive_meta_t *out, const ms_archive_meta_entry_t *countries,
               const ms_archive_meta_entry_t *statuses)
{
    for (size_t c = 0; countries && c < countries->n_values; c++) {
        for (size_t s = 0; statuses && s < statuses->n_values; s++) {
            if (add_pair(out, countries->values[c], statuses->values[s], false) !=
                MS_ARCHIVE_OK)
                return MS_ARCHIVE_NOMEM;
        }
    }
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__pairs_apply(ms_archive_meta_t *meta)
{
    const ms_archive_meta_entry_t *reports = ms_archive__meta_get(meta, "reports");
    ms_archive_meta_t own = {0};
    json_t *parsed = NULL;
    ms_archive_status_t status;

    if (reports && reports->n_values > 0)
        parsed = json_loads(reports->values[reports->n_values - 1], 0, NULL);
    if (json_is_array(parsed))
        status =
            recommendation_pairs(&own, ms_archive__meta_get(meta, "country"), parsed);
    else
        status = document_pairs(&own, ms_archive__meta_get(meta, "country"),
                                ms_archive__meta_get(meta, MS_SCHEMA_PAIR_STATUS));
    /* Staff's own "report" key never stands: the pairs are the rule's. */
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__meta_add(&own, MS_SCHEMA_PAIR_FIELD, NULL, 0);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__meta_merge(meta, &own);
    json_decref(parsed);
    ms_archive__meta_clear(&own);
    return status;
}
