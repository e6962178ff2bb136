/* strmap.c - a map from strings to indices, for the paths and ids of a run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Open addressing with linear probing over a power-of-two table, kept at
 * most half full; keys hash with ms_hash() (FNV-1a). Nothing is
 * ever removed, which keeps probing simple.
 */
#include <stdlib.h>
#include <string.h>

#include "ms_hash.h"
#include "strmap.h"

struct ms_strmap {
    const char **keys; /* borrowed */
    size_t *values;
    size_t size; /* a power of two */
    size_t used;
};

/* Give 'map' empty tables of 'size' slots. -1 on OOM (then it keeps its
 * old ones). */
static int
make_tables(ms_strmap_t *map, size_t size)
{
    const char **keys = calloc(size, sizeof(*keys));
    size_t *values = calloc(size, sizeof(*values));

    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    map->keys = keys;
    map->values = values;
    map->size = size;
    return 0;
}

ms_strmap_t *
ms_strmap_new(void)
{
    ms_strmap_t *map = calloc(1, sizeof(*map));

    if (map && make_tables(map, 64) != 0) {
        free(map);
        map = NULL;
    }
    return map;
}

void
ms_strmap_free(ms_strmap_t *map)
{
    if (map) {
        free(map->keys);
        free(map->values);
    }
    free(map);
}

static size_t
slot_of(const char **keys, size_t size, const char *key)
{
    size_t i = (size_t)ms_hash(MS_HASH_INIT, key, strlen(key)) & (size - 1);

    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & (size - 1);
    return i;
}

size_t
ms_strmap_get(const ms_strmap_t *map, const char *key)
{
    size_t i = slot_of(map->keys, map->size, key);

    return map->keys[i] ? map->values[i] : MS_STRMAP_NONE;
}

/* Double the tables of 'map'. -1 on OOM (then it is as it was). */
static int
grow_map(ms_strmap_t *map)
{
    ms_strmap_t old = *map;

    if (make_tables(map, old.size * 2) != 0)
        return -1;
    for (size_t j = 0; j < old.size; j++) {
        if (old.keys[j]) {
            size_t k = slot_of(map->keys, map->size, old.keys[j]);
            map->keys[k] = old.keys[j];
            map->values[k] = old.values[j];
        }
    }
    free(old.keys);
    free(old.values);
    return 0;
}

int
ms_strmap_put(ms_strmap_t *map, const char *key, size_t value)
{
    size_t i;

    if ((map->used + 1) * 2 > map->size && grow_map(map) != 0)
        return -1;
    i = slot_of(map->keys, map->size, key);
    if (!map->keys[i]) {
        map->keys[i] = key;
        map->used++;
    }
    map->values[i] = value;
    return 0;
}
