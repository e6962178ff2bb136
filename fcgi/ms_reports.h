/* ms_reports.h - a recommendation's status in each country it concerns
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * What a country reported, for GET /meeting and GET /country. The rule
 * that decides a country's status is the indexer's alone
 * (indexer/archive/pairs.c: the latest report; "no information" for a
 * participant without one; a document's own status for each of its
 * countries): it stores the outcome as the pairs of the field
 * MS_SCHEMA_PAIR_FIELD, which this file reads. The reports themselves
 * (the stored field "reports", a JSON array the indexer writes,
 * docs/index-schema.md) give the dates and obstacles, and the history a
 * country view lists.
 */
#ifndef MS_REPORTS_H
#define MS_REPORTS_H

#include <jansson.h>

#include "ms_index.h"

/* The status of a country nobody reported for. */
#define MS_REPORTS_NO_INFORMATION "no information"

/* Every report of 'doc' as given, a new JSON array of objects with the
 * string members "country", "status" and, when known, "date" and
 * "obstacles"; an empty array when 'doc' has no (readable) "reports"
 * field. NULL on allocation failure. Caller frees with json_decref(). */
json_t *ms_reports_all(const ms_document_t *doc);

/* The status of each country 'doc' concerns, as the indexer decided it
 * (its pairs): a new JSON object whose keys are the countries, in the
 * order of the pairs (the document's countries, then other countries
 * that reported), and whose values are objects {"status": ..., "date":
 * ..., "obstacles": ...}, date and obstacles from the newest report of
 * that country with that status, when there is one. An empty object for
 * a document without pairs (an index built before them). NULL on
 * allocation failure. Caller frees with json_decref(). */
json_t *ms_reports_latest(const ms_document_t *doc);

/* The reports of 'country' (ASCII case ignored) in 'doc', newest first
 * (by date, an undated one oldest, of the same date the later in the
 * file first), as a new JSON array
 * of report objects. NULL on allocation failure. Caller frees with
 * json_decref(). */
json_t *ms_reports_of(const ms_document_t *doc, const char *country);

/* The member of the object 'by_country' whose key is 'country' compared
 * without regard to ASCII case; borrowed, NULL when there is none. */
json_t *ms_reports_find(json_t *by_country, const char *country);

#endif /* MS_REPORTS_H */
