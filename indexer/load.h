/* load.h - reading one new or changed archive file into the index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index, used by update.c for each file whose
 * fingerprint changed.
 */
#ifndef MS_LOAD_H
#define MS_LOAD_H

#include <stddef.h>

#include "claims.h"

/* Read file 'f' (new or changed) and bring the index up to date with it:
 * put its documents, delete those it gave before and gives no more, and
 * store its entry; or, if it cannot be read or claims an id another file
 * claims, fail it (and that other file). Returns an exit code. */
int ms_run__load_file(ms_run_ctx_t *run, size_t f);

#endif /* MS_LOAD_H */
