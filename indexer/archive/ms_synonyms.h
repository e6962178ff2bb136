/* ms_synonyms.h - the synonyms file (index.synonyms) as groups for the index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. The file is YAML: a list of groups, each a
 * list of two or more words or phrases that mean the same, for example
 *
 *     - [remittances, money transfers, transferts de fonds, remesas]
 *     - - return migration
 *       - reintegration
 *
 * An empty file (or one with only comments) has no groups. Anchors and
 * aliases are refused: a group is written out, never shared. The loaded
 * groups go to ms_index_set_synonyms() unchanged; the index normalises the
 * entries (docs/index-schema.md, "Synonyms").
 */
#ifndef MS_SYNONYMS_H
#define MS_SYNONYMS_H

#include <stddef.h>

#include "ms_error.h"
#include "ms_index.h"

/* Largest synonyms file read, and longest entry (the index's limit). */
#define MS_SYNONYMS_MAX_FILE (1024 * 1024)
#define MS_SYNONYMS_MAX_ENTRY 200

typedef enum ms_synonyms_status {
    MS_SYNONYMS_OK = 0,
    MS_SYNONYMS_NOMEM,     /* allocation failed */
    MS_SYNONYMS_NOT_FOUND, /* no file at the path: there are no synonyms */
    MS_SYNONYMS_IO,        /* the file exists but cannot be read */
    MS_SYNONYMS_INVALID    /* not YAML, or not a list of groups of strings */
} ms_synonyms_status_t;

/* Why a synonyms file cannot be used (common/ms_error.h): owned by the
 * caller, nothing allocated on the error path; line and column 1-based (in
 * characters), 0 when the problem has no place in the file. */
typedef ms_file_error_t ms_synonyms_error_t;

/* The groups of one file. Every string and array is owned by the object. */
typedef struct ms_synonyms {
    ms_synonym_group_t *groups;
    size_t n_groups;
} ms_synonyms_t;

/* Read the synonyms file at 'path'.
 *
 * On success *out is a new object the caller releases with
 * ms_synonyms_free(); it may have no groups. On failure *out is NULL and
 * 'err', if not NULL, holds the file, the place and the reason.
 * Returns MS_SYNONYMS_OK, MS_SYNONYMS_NOT_FOUND (nothing at 'path': the
 * caller treats that as "no synonyms"), MS_SYNONYMS_IO (unreadable, not a
 * regular file, or larger than MS_SYNONYMS_MAX_FILE), MS_SYNONYMS_INVALID
 * (a YAML error, or a value of the wrong type or size, at
 * err->line:err->column) or MS_SYNONYMS_NOMEM. */
ms_synonyms_status_t ms_synonyms_load(ms_synonyms_t **out, const char *path,
                                      ms_synonyms_error_t *err);

/* Free what ms_synonyms_load() returned. Accepts NULL. */
void ms_synonyms_free(ms_synonyms_t *synonyms);

#endif /* MS_SYNONYMS_H */
