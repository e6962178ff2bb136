/* ms_views.h - what the meeting and country views share: fetching, order,
 * summaries, the format parameter and the CSV answer
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * GET /meeting/{id} and GET /country/{name} (endpoints/meeting.c,
 * country.c) are tables over every recommendation a viewer may see of a
 * meeting or for a country. They read documents only through
 * ms_index_search() with the viewer, so a hidden document is never in a
 * table or a count.
 */
#ifndef MS_VIEWS_H
#define MS_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ms_buf.h"
#include "ms_index.h"
#include "ms_response.h"
#include "ms_worker.h"

/* Most documents one view reads; a recommendation set holds at most
 * 10000 recommendations (indexer/archive/recset.c). */
#define MS_VIEWS_MAX_DOCUMENTS 10000u

/* The recommendations whose field 'field' has 'value' and that 'viewer'
 * may see, at most MS_VIEWS_MAX_DOCUMENTS in 'sort' order, into *out
 * (caller frees with ms_results_free()); when there is none, at most one
 * other document of the view, so that an empty view (a meeting of
 * workshops only) can be told from a missing one (no document at all).
 * Returns 0, or the HTTP status of the error document stored in *err. */
int ms_views_fetch(ms_results_t **out, json_t **err, ms_worker_t *w,
                   const ms_viewer_t *viewer, const char *field, const char *value,
                   ms_sort_t sort);

/* true if 'hit' is a recommendation: a row of a view's table. */
bool ms_views_recommendation(const ms_hit_t *hit);

/* The answer for a view whose meeting or country no document gave
 * ('what': "no such meeting"): 404, or the 503 of ms_worker_shard_down()
 * when a shard of the index is missing, since its documents may be the
 * ones. Fills *out, returns the status. */
int ms_views_not_found(json_t **out, ms_worker_t *w, const char *what);

/* A row of a view for the recommendation 'doc': the result shape
 * (ms_json_document) plus "number" (string or null) and "url"
 * ("/doc/{id}"). NULL on allocation failure. */
json_t *ms_views_row(const ms_document_t *doc);

/* Sort 'hits' (pointers into results) by their "number" field as a whole
 * number, unnumbered after numbered, then by id. */
void ms_views_sort_by_number(const ms_hit_t **hits, size_t n);

/* A new summary: {<total>: 0} ("countries" in a recommendation's,
 * "recommendations" in a country's) and every status value of the field
 * table at 0. NULL on allocation failure. */
json_t *ms_views_summary_new(const char *total);

/* Count one cell with 'status' in 'summary': the total and the status.
 * Returns 0 or -1. */
int ms_views_summary_add(json_t *summary, const char *status);

/* Read the one parameter of a view, "format" ("json", the default, or
 * "csv"), from 'query' into *csv. Returns 0, or the HTTP status of the
 * error document in *err (400 for another parameter or value). */
int ms_views_format(bool *csv, json_t **err, const char *query);

/* Answer 'csv' (its text is taken) as a download named 'filename':
 * text/csv; charset=utf-8 with Content-Disposition: attachment. Returns
 * 200, or 500 with the error document in out->json. */
int ms_views_csv(ms_response_t *out, ms_buf_t *csv, const char *filename);

#endif /* MS_VIEWS_H */
