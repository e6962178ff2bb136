/* fcgi_bytes.h - FastCGI records built byte by byte, for tests
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Shared by test_records (the header check on its own) and test_conn (raw
 * peers on the server's socket), so that both speak the same bytes.
 */
#ifndef MS_TEST_FCGI_BYTES_H
#define MS_TEST_FCGI_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Append one record (version 1) to data[0..*length) of 'size' bytes.
 * Returns false, appending nothing, when it does not fit. */
static inline bool
fcgi_bytes_record(unsigned char *data, size_t size, size_t *length, unsigned type,
                  unsigned id, const void *content, size_t n, unsigned padding)
{
    unsigned char *p = data + *length;

    if (*length + 8 + n + padding > size)
        return false;
    p[0] = 1;
    p[1] = (unsigned char)type;
    p[2] = (unsigned char)(id >> 8);
    p[3] = (unsigned char)id;
    p[4] = (unsigned char)(n >> 8);
    p[5] = (unsigned char)n;
    p[6] = (unsigned char)padding;
    p[7] = 0;
    if (n > 0)
        memcpy(p + 8, content, n);
    memset(p + 8 + n, 0, padding);
    *length += 8 + n + padding;
    return true;
}

/* Write one name-value pair with one-byte lengths (both under 128) at
 * 'out'; returns its length. */
static inline size_t
fcgi_bytes_pair(unsigned char *out, const char *name, const char *value)
{
    size_t n = strlen(name), v = strlen(value);

    out[0] = (unsigned char)n;
    out[1] = (unsigned char)v;
    memcpy(out + 2, name, n);
    memcpy(out + 2 + n, value, v);
    return 2 + n + v;
}

#endif
