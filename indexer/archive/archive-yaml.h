/* archive-yaml.h - YAML text to checked nodes, with errors at their place
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_archive library. Every YAML the archive reads (front
 * matter, _defaults.yaml files, sidecars, recommendation sets) is loaded
 * and checked through these, so a syntax error, a NUL hidden in a quoted
 * escape or a duplicate key reads the same whichever file it is in. Above
 * archive_io.c, below the metadata layers and the formats.
 *
 * 'first_line' is the line of the file where the YAML text starts (2 for
 * front matter, after its "---"): positions in errors count from there.
 */
#ifndef MS_ARCHIVE_YAML_H
#define MS_ARCHIVE_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "ms_archive.h"

/* Parse 'len' bytes of YAML text (one YAML document at most) into *out,
 * which the caller then releases with yaml_document_delete(). Syntax
 * errors are reported at their position. On failure *out is not to be
 * released.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__yaml_load(yaml_document_t *out, const char *text,
                                          size_t len, unsigned first_line,
                                          ms_archive_error_t *err);

/* Report "key: reason" ("reason" when 'key' is NULL) at 'node'. */
void ms_archive__yaml_error(ms_archive_error_t *err, unsigned first_line,
                            const yaml_node_t *node, const char *key, const char *reason);

/* "a mapping", "a list" or "a single value": what 'node' is, for errors. */
const char *ms_archive__yaml_kind(const yaml_node_t *node);

/* YAML's null: an empty plain scalar, "~", "null", "Null" or "NULL". Such
 * a value counts as absent, the way "date:" left blank should. The first
 * takes a node of a loaded document, the second the parts of a scalar
 * (of an event, for a reader of libyaml's events). */
bool ms_archive__yaml_null(const yaml_node_t *node);
bool ms_archive__yaml_null_scalar(yaml_scalar_style_t style, const char *value,
                                  size_t length);

/* Check that 'node', the value of 'key', is one usable scalar: not a
 * mapping or a list, and without a NUL (double-quoted escapes can put one
 * in, which no C string downstream would survive).
 * Returns MS_ARCHIVE_OK or MS_ARCHIVE_INVALID. */
ms_archive_status_t ms_archive__yaml_scalar(const yaml_node_t *node, const char *key,
                                            unsigned first_line, ms_archive_error_t *err);

/* Check that key 'i' of 'mapping' is a non-empty scalar, unlike the keys
 * before it; 'what' (may be NULL) names the mapping in the error about an
 * empty key. Returns MS_ARCHIVE_OK or MS_ARCHIVE_INVALID. */
ms_archive_status_t ms_archive__yaml_key(yaml_document_t *ydoc,
                                         const yaml_node_t *mapping, size_t i,
                                         const char *what, unsigned first_line,
                                         ms_archive_error_t *err);

/* ms_archive__yaml_key() for every key of 'mapping'. */
ms_archive_status_t ms_archive__yaml_keys(yaml_document_t *ydoc,
                                          const yaml_node_t *mapping, const char *what,
                                          unsigned first_line, ms_archive_error_t *err);

/* Check that 'node', the mapping 'what' ("report"), has keys as
 * ms_archive__yaml_keys() wants them, each one of the NULL-terminated
 * 'allowed'; 'expected' lists them for the error.
 * Returns MS_ARCHIVE_OK or MS_ARCHIVE_INVALID. */
ms_archive_status_t ms_archive__yaml_mapping(yaml_document_t *ydoc,
                                             const yaml_node_t *node, const char *what,
                                             const char *const *allowed,
                                             const char *expected, unsigned first_line,
                                             ms_archive_error_t *err);

/* The value of 'key' in 'mapping' (its keys checked), or NULL; its key
 * node in *key_node when that is not NULL. */
yaml_node_t *ms_archive__yaml_get(yaml_document_t *ydoc, const yaml_node_t *mapping,
                                  const char *key, yaml_node_t **key_node);

#endif /* MS_ARCHIVE_YAML_H */
