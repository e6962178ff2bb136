/* fields.c - what endpoints read from a document's fields
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "ms_fields.h"
#include "ms_utf8.h"

const char *
ms_fields_value(const ms_document_t *doc, const char *name)
{
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (doc->fields[i].name != NULL && doc->fields[i].value != NULL &&
            strcmp(doc->fields[i].name, name) == 0)
            return doc->fields[i].value;
    }
    return NULL;
}

static bool
ends_with_ci(const char *s, const char *suffix)
{
    size_t len = strlen(s), n = strlen(suffix);

    return len >= n && strcasecmp(s + len - n, suffix) == 0;
}

/* true if every '/'-separated segment of 'path' is a name: not empty, not
 * "." and not "..". */
static bool
plain_segments(const char *path)
{
    for (const char *segment = path;; segment++) {
        size_t seg_len = strcspn(segment, "/");

        if (seg_len == 0 || (seg_len == 1 && segment[0] == '.') ||
            (seg_len == 2 && segment[0] == '.' && segment[1] == '.'))
            return false;
        segment += seg_len;
        if (*segment == '\0')
            return true;
    }
}

const char *
ms_fields_file(const ms_document_t *doc)
{
    const char *source = ms_fields_value(doc, "source");
    size_t len;

    if (source == NULL || (len = strlen(source)) == 0 || len > 4096 ||
        !ms_utf8_valid(source, len, NULL))
        return NULL;
    if (ends_with_ci(source, ".jsonl") || ends_with_ci(source, ".recommendations.yaml"))
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)source[i];

        if (c < 0x20 || c == 0x7f)
            return NULL;
    }
    return plain_segments(source) ? source : NULL;
}
