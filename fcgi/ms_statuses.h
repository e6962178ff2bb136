/* ms_statuses.h - a document's status by country as JSON: breakdown and summary
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core, below json.c. A document's (country, status)
 * pairs (the generated field MS_SCHEMA_PAIR_FIELD of ms_schema.h) become
 * "statuses", the breakdown, and "status_summary", the counts per status
 * (docs/api.md, "Status by country"). A search that filters on countries
 * puts their entries first and marks them (ms_statuses_focus).
 */
#ifndef MS_STATUSES_H
#define MS_STATUSES_H

#include <jansson.h>

#include "ms_index.h"

/* Add "statuses" (one {"country", "status"} per pair, in the order the
 * archive wrote them, [] when there are none) and "status_summary"
 * ({"countries": n, then one count per status of the status field's
 * values}) to 'object' for 'doc'. Returns 0, or -1 on allocation
 * failure. */
int ms_statuses_put(json_t *object, const ms_document_t *doc);

/* For a hit 'object' (with "statuses") of a search with 'filters': the
 * entries of the filtered countries (with a status filter, those that
 * reported a filtered status) are marked "matched": true and moved first,
 * in their order, and "status" becomes the first one's status. Nothing
 * changes without a country or status filter. Returns 0 or -1. */
int ms_statuses_focus(json_t *object, const ms_field_t *filters, size_t n_filters);

#endif /* MS_STATUSES_H */
