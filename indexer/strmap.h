/* strmap.h - a map from strings to indices, for the paths and ids of a run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. The keys are borrowed: they belong to the
 * tables the values index (claims.c), which outlive the map.
 */
#ifndef MS_STRMAP_H
#define MS_STRMAP_H

#include <stddef.h>

typedef struct ms_strmap ms_strmap_t;

/* An empty map; release with ms_strmap_free(). NULL on OOM. */
ms_strmap_t *ms_strmap_new(void);

/* Accepts NULL. */
void ms_strmap_free(ms_strmap_t *map);

#define MS_STRMAP_NONE ((size_t)-1)

/* The value of 'key', or MS_STRMAP_NONE. */
size_t ms_strmap_get(const ms_strmap_t *map, const char *key);

/* Set 'key' (borrowed: it must outlive the map) to 'value'. 0, or -1 on
 * OOM (then the map is as it was). */
int ms_strmap_put(ms_strmap_t *map, const char *key, size_t value);

#endif /* MS_STRMAP_H */
