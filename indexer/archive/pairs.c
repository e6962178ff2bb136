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

/* The status 'country' reported in 'reports' (a JSON array), by the rule
 * above, or NULL if it did not report. Borrowed from 'reports'. */
static const char *
reported(json_t *reports, const char *country)
{
    const char *status = NULL;
    char best[9] = "", key[9];
    size_t i;
    json_t *report;

    json_array_foreach(reports, i, report)
    {
        const char *who = json_string_value(json_object_get(report, "country"));
        const char *what = json_string_value(json_object_get(report, "status"));

        if (!who || !what || strcmp(who, country) != 0)
            continue;
        ms_date_sort_key(key, json_string_value(json_object_get(report, "date")));
        if (!status || strcmp(key, best) >= 0) {
            status = what;
            memcpy(best, key, sizeof(best));
        }
    }
    return status;
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
    size_t i;
    json_t *report;

    for (size_t c = 0; countries && c < countries->n_values; c++) {
        const char *status = reported(reports, countries->values[c]);
        if (add_pair(out, countries->values[c],
                     status ? status : MS_SCHEMA_NO_INFORMATION, true) != MS_ARCHIVE_OK)
            return MS_ARCHIVE_NOMEM;
    }
    /* A reporting country the document does not name still counts. */
    json_array_foreach(reports, i, report)
    {
        const char *who = json_string_value(json_object_get(report, "country"));
        bool named = false;

        for (size_t c = 0; who && countries && c < countries->n_values; c++)
            named = named || strcmp(countries->values[c], who) == 0;
        if (who && !named && reported(reports, who) &&
            add_pair(out, who, reported(reports, who), true) != MS_ARCHIVE_OK)
            return MS_ARCHIVE_NOMEM;
    }
    if (!ms_archive__meta_get(out, MS_SCHEMA_PAIR_STATUS))
        return ms_archive__meta_set(out, MS_SCHEMA_PAIR_STATUS, MS_SCHEMA_NO_INFORMATION);
    return MS_ARCHIVE_OK;
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
