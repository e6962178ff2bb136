/* fields.c - the table of the index's fields (ms_schema.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one list of metadata fields: what each is called in archive files,
 * requests, queries and results, its term prefix, and whether it filters,
 * is counted in facets and how results show it. Rows are in the order the
 * search page shows its filters and a document's details. docs/index-schema.md
 * ("Filterable fields") and docs/api.md describe the same rows; test_schema checks that
 * they agree.
 *
 * This file holds the table and nothing else, so that a test program can
 * link a table of its own instead (tests/tools/fields-extra.c adds a
 * throw-away field to these rows to show that the table alone makes a
 * field filterable and faceted end to end).
 */
#include "ms_schema.h"

static const char *const types[] = {"recommendation", "workshop", "report", "other",
                                    NULL};
static const char *const statuses[] = {"implemented", "partially implemented",
                                       "not implemented", "no information", NULL};

/* clang-format off */
const ms_schema_field_t ms_schema_fields[] = {
    /* name      key          param      prefix json         label
     *   source, shown, flags, values */
    {"type",     NULL,        "type",    "XT",  "type",      "Type",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR, MS_FIELD_FILTER | MS_FIELD_FACET, types},
    /* A recommendation's number within its set, shown after its type. */
    {"number",   NULL,        NULL,      NULL,  NULL,        "Number",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_EXTRA, 0, NULL},
    /* Not MS_FIELD_TEXT: as words, process names ("Dialogue", "Regional",
     * "Caribbean") lifted every document of a process for every query
     * naming it, and the sample's MAP fell from 0.783 to 0.751 (their
     * documents say the name in their text or title anyway). */
    {"process",  NULL,        "process", "XP",  "process",   "Process",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR, MS_FIELD_FILTER | MS_FIELD_FACET, NULL},
    {"meeting",  NULL,        "meeting", "XM",  "meeting",   "Meeting",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR, MS_FIELD_FILTER | MS_FIELD_FACET, NULL},
    /* The meeting's title: a recommendation set's "title", or what staff
     * write; GET /meeting/{id} and /country/{name} show it. */
    {"meeting_title", NULL,   NULL,      NULL,  "meeting_title", "Meeting title",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR, 0, NULL},
    {"year",     NULL,        "year",    "Y",   NULL,        "Year",
        MS_FIELD_FROM_YEAR, MS_FIELD_SHOWN_NEVER, MS_FIELD_FILTER | MS_FIELD_FACET, NULL},
    {"country",  "countries", "country", "XC",  "countries", "Country",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_LIST,
        MS_FIELD_MULTI | MS_FIELD_FILTER | MS_FIELD_FACET | MS_FIELD_TEXT, NULL},
    {"theme",    "themes",    "theme",   "XH",  "themes",    "Theme",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_LIST,
        MS_FIELD_MULTI | MS_FIELD_FILTER | MS_FIELD_FACET | MS_FIELD_TEXT, NULL},
    {"status",   NULL,        "status",  "XS",  "status",    "Implementation status",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR,
        MS_FIELD_MULTI | MS_FIELD_FILTER | MS_FIELD_FACET, statuses},
    {"language", NULL,        "lang",    "L",   NULL,        "Language",
        MS_FIELD_FROM_LANGUAGE, MS_FIELD_SHOWN_NEVER, MS_FIELD_FILTER | MS_FIELD_FACET, NULL},
    {"symbol",   NULL,        "symbol",  "XY",  "symbol",    "Symbol",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_SCALAR, 0, NULL},
    /* The groups that may see a document: a filter every reader applies,
     * never a query prefix (docs/index-schema.md, "Access"). */
    {"access",   NULL,        NULL,      "XA",  NULL,        NULL,
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_EXTRA, MS_FIELD_MULTI, NULL},
    /* Stored and shown only. */
    {"venue",    NULL,        NULL,      NULL,  NULL,        "Venue",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_EXTRA, 0, NULL},
    {"description", NULL,     NULL,      NULL,  NULL,        "Description",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_EXTRA, 0, NULL},
    {"addressee", "addressees", NULL,    NULL,  NULL,        "Addressees",
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_EXTRA, MS_FIELD_MULTI, NULL},
    /* Written by migsearch-index: the archive file (for /doc/{id}/file),
     * a recommendation's implementation reports (shown parsed by
     * /doc/{id} as "implementation") and a Markdown document's source
     * (sent by /doc/{id} as "markdown", rendered by the page). */
    {"source",   NULL,        NULL,      NULL,  NULL,        NULL,
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_NEVER, MS_FIELD_GENERATED, NULL},
    {"reports",  NULL,        NULL,      NULL,  NULL,        NULL,
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_NEVER, MS_FIELD_GENERATED, NULL},
    {"markdown", NULL,        NULL,      NULL,  NULL,        NULL,
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_NEVER, MS_FIELD_GENERATED, NULL},
    /* The status each country reported, "<country>\t<status>" (ms_schema.h,
     * MS_SCHEMA_PAIR_FIELD): written by the archive layer for every
     * document with countries and a status; filters and facets of country
     * and status read it together. Shown as "statuses", never as a field. */
    {"report",   NULL,        NULL,      "XI",  NULL,        NULL,
        MS_FIELD_FROM_META, MS_FIELD_SHOWN_NEVER, MS_FIELD_MULTI | MS_FIELD_GENERATED,
        NULL},
    /* When the index first saw the document (docs/index-schema.md, slot 2). */
    {"added",    NULL,        NULL,      NULL,  "added",     "Added",
        MS_FIELD_FROM_INDEX, MS_FIELD_SHOWN_SCALAR, MS_FIELD_GENERATED, NULL},
#ifdef MS_SCHEMA_EXTRA_FIELDS
    MS_SCHEMA_EXTRA_FIELDS
#endif
};
/* clang-format on */

const size_t ms_schema_n_fields = sizeof(ms_schema_fields) / sizeof(ms_schema_fields[0]);
