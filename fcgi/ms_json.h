/* ms_json.h - the JSON shapes of the API: strings, documents, hits, facets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. docs/api.md versions these shapes: absent scalars
 * are null and absent lists are []. Which fields a document shows, under
 * which key, and which fields have facets, is read from the one field
 * table (ms_schema.h), never listed here.
 */
#ifndef MS_JSON_H
#define MS_JSON_H

#include <stdbool.h>

#include <jansson.h>

#include "ms_index.h"

/* json_object_set_new / json_array_append_new that also report a NULL
 * value (a failed allocation) as an error, so builders can OR the results
 * together. The value is stolen either way. Return 0 or -1. */
int ms_json_put(json_t *object, const char *key, json_t *value);
int ms_json_append(json_t *array, json_t *value);

/* A JSON string for 's' (null for NULL), with invalid UTF-8 repaired, so
 * that one bad byte in the archive cannot turn a whole answer into a 500.
 * NULL only on allocation failure. */
json_t *ms_json_string(const char *s);

/* "<prefix><value percent-encoded>" as a JSON string; NULL on allocation
 * failure. */
json_t *ms_json_url(const char *prefix, const char *value);

/* "/doc/<id>" with 'id' (NULL: "") percent-encoded; as ms_json_url(). */
json_t *ms_json_doc_url(const char *id);

/* The metadata of 'doc' in the document shape of docs/api.md: id, title,
 * date and language, then, for each field of the table in its order, a
 * key of its own (MS_FIELD_SHOWN_SCALAR: the first value or null;
 * MS_FIELD_SHOWN_LIST: every value or []), nothing (MS_FIELD_SHOWN_NEVER)
 * or a place under "extra" (MS_FIELD_SHOWN_EXTRA, like any field the
 * table does not have: a string, an array once repeated).
 * Returns a new object, or NULL on allocation failure. */
json_t *ms_json_document(const ms_document_t *doc);

/* A search hit: the document shape plus "url" and "score", and, when
 * 'with_snippets', "snippet" and "snippets". NULL on allocation failure. */
json_t *ms_json_hit(const ms_hit_t *hit, bool with_snippets);

/* The "facets" object of a search: one key per field of the table with
 * MS_FIELD_FACET, in table order, each an array of {"value","count"} ([]
 * when the index counted nothing for it). NULL on allocation failure. */
json_t *ms_json_facets(const ms_results_t *results);

/* A score or a duration as a JSON real; NaN and infinities, which jansson
 * refuses, become 0. NULL on allocation failure. */
json_t *ms_json_number(double value);

#endif /* MS_JSON_H */
