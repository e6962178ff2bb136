/* fields-extra.c - the field table with one throw-away field added
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Linked into test builds of migsearch-index and migsearch-fcgi in place of
 * indexer/shim/fields.c (it defines the same two symbols, so the linker
 * never takes fields.o from the library). It adds one row and nothing else,
 * which is the whole of "add a filter field" in code: test_schema_field
 * then checks, through the real programs and nginx, that the field is read
 * from the archive, filterable, counted in facets, usable as a query
 * prefix, shown in results and offered by GET /schema.
 */
#define MS_SCHEMA_EXTRA_FIELDS                                                           \
    {"funding",                                                                          \
     NULL,                                                                               \
     "funding",                                                                          \
     "XF",                                                                               \
     "funding",                                                                          \
     "Funding source",                                                                   \
     MS_FIELD_FROM_META,                                                                 \
     MS_FIELD_SHOWN_SCALAR,                                                              \
     MS_FIELD_FILTER | MS_FIELD_FACET,                                                   \
     NULL},

#include "fields.c"
