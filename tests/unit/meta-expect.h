/* meta-expect.h - checking metadata layers in unit tests of ms_archive
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Header-only (static functions), for test_pairs.c and test_meetings.c:
 * adding a value to a layer, and expecting an entry's values.
 */
#ifndef MS_TEST_META_EXPECT_H
#define MS_TEST_META_EXPECT_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "archive-meta.h"

static inline void
add(ms_archive_meta_t *meta, const char *name, const char *value)
{
    cr_assert_eq(ms_archive__meta_add(meta, name, value, strlen(value)), MS_ARCHIVE_OK);
}

/* The values of entry 'name' joined by '|' ("" if none, "-" if no entry). */
static inline const char *
joined(const ms_archive_meta_t *meta, const char *name, char *buf, size_t size)
{
    const ms_archive_meta_entry_t *entry = ms_archive__meta_get(meta, name);

    snprintf(buf, size, "%s", entry ? "" : "-");
    for (size_t i = 0; entry && i < entry->n_values; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "|" : "",
                 entry->values[i]);
    return buf;
}

#define expect_entry(meta, name, expected)                                               \
    do {                                                                                 \
        char buf_[1024];                                                                 \
        cr_expect_str_eq(joined(meta, name, buf_, sizeof(buf_)), expected, "%s", name);  \
    } while (0)

#endif /* MS_TEST_META_EXPECT_H */
