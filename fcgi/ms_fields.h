/* ms_fields.h - what endpoints read from a document's fields
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Every endpoint that reads one field of a document
 * by name (the /doc details, the fragment's meta line, the file of
 * /doc/{id}/file) reads it here; the names are those of the field table
 * (ms_schema.h).
 */
#ifndef MS_FIELDS_H
#define MS_FIELDS_H

#include "ms_index.h"

/* The first value of the field 'name' of 'doc', borrowed from 'doc'; NULL
 * when the document has no such field. */
const char *ms_fields_value(const ms_document_t *doc, const char *name);

/* The archive path of 'doc' (its "source" field, borrowed from 'doc') if
 * it is a file a delegate can download, or NULL. JSONL files and
 * recommendation sets hold many documents each and are not what a
 * delegate asked for. A path that is not plainly relative (absolute,
 * empty or dot segments, control bytes, not UTF-8) is never handed to
 * nginx, whatever the index says. */
const char *ms_fields_file(const ms_document_t *doc);

#endif /* MS_FIELDS_H */
