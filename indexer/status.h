/* status.h - `migsearch-index status`: what the index holds, and its last run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, called by main.c, which prints the object
 * as JSON or, through ms_status_print(), as text. Status only reads the
 * index, so it takes no lock.
 */
#ifndef MS_STATUS_H
#define MS_STATUS_H

#include <jansson.h>

/* The status of the index at 'index_path' as the JSON object of
 * docs/staff.md: documents, files, counts by type, language and status,
 * the generation and the last run. NULL on failure (logged). The caller
 * owns the reference. */
json_t *ms_status_json(const char *index_path);

/* Print 'status' (from ms_status_json) as text on standard output. */
void ms_status_print(json_t *status);

#endif /* MS_STATUS_H */
