/* schema.c - GET /schema: the fields and languages, for clients that filter
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one table of ms_schema.h, so that the search page builds its
 * filters from the server instead of a copy of its own. Internal fields
 * (no label: the access groups, the archive path) are left out.
 */
#include "ms_endpoints.h"
#include "ms_json.h"
#include "ms_query.h"
#include "ms_schema.h"

/* One field of GET /schema: the public vocabulary, no internal field. */
static json_t *
schema_field_json(const ms_schema_field_t *f)
{
    json_t *values = json_null();

    if (f->values != NULL) {
        values = json_array();
        for (const char *const *v = f->values; values != NULL && *v != NULL; v++) {
            if (ms_json_append(values, json_string(*v)) != 0) {
                json_decref(values);
                values = NULL;
            }
        }
    }
    if (values == NULL)
        return NULL;
    return json_pack(
        "{s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:o}", "name", f->name, "label", f->label, "param",
        ms_json_string(f->param), "key", ms_json_string(f->json), "multiple",
        (f->flags & MS_FIELD_MULTI) != 0, "filter", (f->flags & MS_FIELD_FILTER) != 0,
        "facet", (f->flags & MS_FIELD_FACET) != 0, "values", values);
}

int
ms_endpoint_schema(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    json_t *fields = json_array(), *languages = json_array(), *sorts = json_array();
    int rc = fields != NULL && languages != NULL && sorts != NULL ? 0 : -1;
    const char *sort;

    (void)w;
    (void)ctx;
    for (size_t i = 0; rc == 0 && i < ms_schema_n_fields; i++) {
        if (ms_schema_fields[i].label != NULL)
            rc |= ms_json_append(fields, schema_field_json(&ms_schema_fields[i]));
    }
    for (size_t i = 0; rc == 0 && i < ms_schema_n_languages; i++)
        rc |= ms_json_append(languages,
                             json_pack("{s:s,s:s}", "code", ms_schema_languages[i].code,
                                       "label", ms_schema_languages[i].label));
    for (size_t i = 0; rc == 0 && (sort = ms_query_sort_name(i)) != NULL; i++)
        rc |= ms_json_append(sorts, json_string(sort));
    if (rc == 0)
        out->json = json_pack("{s:i,s:O,s:O,s:O}", "api", MS_API_VERSION, "fields",
                              fields, "languages", languages, "sorts", sorts);
    json_decref(fields);
    json_decref(languages);
    json_decref(sorts);
    if (rc != 0 || out->json == NULL)
        return ms_response_internal(&out->json);
    return 200;
}
