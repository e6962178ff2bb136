/* utf8.c - the one UTF-8 decoder: validate, repair, cut
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "ms_utf8.h"

size_t
ms_utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
    size_t need;
    uint32_t c, min;

    if (p[0] < 0x80) {
        if (cp != NULL)
            *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        need = 2, c = p[0] & 0x1Fu, min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        need = 3, c = p[0] & 0x0Fu, min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        need = 4, c = p[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (need > avail)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    if (cp != NULL)
        *cp = c;
    return need;
}

bool
ms_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = p[i] == 0 ? 0 : ms_utf8_decode(p + i, len - i, NULL);

        if (n == 0) {
            if (bad != NULL)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

char *
ms_utf8_repair(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out;
    size_t n = 0;

    /* Each bad byte grows to the three bytes of U+FFFD at worst. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t k = ms_utf8_decode(p + i, len - i, NULL);

        if (k == 0) {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
            continue;
        }
        if (p[i] != 0) {
            memcpy(out + n, p + i, k);
            n += k;
        }
        i += k;
    }
    out[n] = '\0';
    if (out_len != NULL)
        *out_len = n;
    return out;
}

size_t
ms_utf8_cut(const char *s, size_t size, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = len;

    if (len >= size)
        return size;
    /* Back up over continuation bytes to the start of the character that
     * byte 'len' belongs to: the cut goes before it. */
    while (n > 0 && (p[n] & 0xC0) == 0x80)
        n--;
    return n;
}

char *
ms_utf8_escape(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * len + 1), *o = out;
    static const char hex[] = "0123456789ABCDEF";

    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = ms_utf8_decode(p + i, len - i, &cp);
        if (n > 0 && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F)) {
            memcpy(o, p + i, n);
            o += n;
        } else {
            /* A control character, or a byte of no character. */
            for (size_t k = 0; k < (n ? n : 1); k++) {
                *o++ = '\\';
                *o++ = 'x';
                *o++ = hex[p[i + k] >> 4];
                *o++ = hex[p[i + k] & 15];
            }
        }
        i += n ? n : 1;
    }
    *o = '\0';
    return out;
}
