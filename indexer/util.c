/* util.c - small helpers under every part of a migsearch-index run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Arrays grow by doubling from 16 items, so appending n items costs
 * O(n) copies in all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_utf8.h"
#include "util.h"

void *
ms_util_grow(void *array, size_t *capacity, size_t n, size_t size)
{
    size_t grown;
    void *bigger;

    if (n < *capacity)
        return array;
    grown = *capacity ? *capacity * 2 : 16;
    bigger = realloc(array, grown * size);
    if (bigger)
        *capacity = grown;
    return bigger;
}

char *
ms_util_path_join(const char *dir, const char *name)
{
    ms_buf_t path = MS_BUF_INIT;

    ms_buf_printf(&path, "%s/%s", dir, name);
    return ms_buf_take(&path, NULL);
}

void
ms_util_print_failure(const char *file, const char *reason)
{
    char *name = ms_utf8_escape(file ? file : "", file ? strlen(file) : 0);
    char *why = ms_utf8_escape(reason ? reason : "", reason ? strlen(reason) : 0);

    printf("  %s: %s\n", name ? name : "?", why ? why : "?");
    free(why);
    free(name);
}

void
ms_util_print_unindexed(const char *const *entries, size_t n)
{
    if (n == 0)
        return;
    printf("synonym phrases matched word by word until migsearch-index --rebuild:\n");
    for (size_t i = 0; i < n; i++) {
        char *entry = ms_utf8_escape(entries[i], strlen(entries[i]));
        printf("  \"%s\"\n", entry ? entry : "?");
        free(entry);
    }
}
