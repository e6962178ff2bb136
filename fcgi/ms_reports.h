/* ms_reports.h - a recommendation's status in each country it concerns
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one rule for "the status a country reported": a recommendation of
 * a set carries its reports in the stored field "reports" (a JSON array
 * written by the indexer, docs/index-schema.md); a country's status is its
 * latest report (the greatest date; an undated report is older than any
 * dated one, and of two reports of the same date the later in the file
 * wins); a participant (a value of "countries") with no report is "no
 * information". A recommendation that is a document of its own (Markdown,
 * text) has no reports: each of its countries has the document's status,
 * or "no information" when it gives none or several. GET /meeting and
 * GET /country read the rule from here, and so can any endpoint.
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

/* The status of each country 'doc' concerns, by the rule above: a new
 * JSON object whose keys are the countries (participants first, in the
 * document's order, then the other countries that reported, in report
 * order) and whose values are objects {"status": ..., "date": ...,
 * "obstacles": ...} (date and obstacles only when the report gives them).
 * NULL on allocation failure. Caller frees with json_decref(). */
json_t *ms_reports_latest(const ms_document_t *doc);

/* The reports of 'country' (ASCII case ignored) in 'doc', newest first
 * (by the rule above, so the first is the latest), as a new JSON array
 * of report objects. NULL on allocation failure. Caller frees with
 * json_decref(). */
json_t *ms_reports_of(const ms_document_t *doc, const char *country);

/* The member of the object 'by_country' whose key is 'country' compared
 * without regard to ASCII case; borrowed, NULL when there is none. */
json_t *ms_reports_find(json_t *by_country, const char *country);

#endif /* MS_REPORTS_H */
