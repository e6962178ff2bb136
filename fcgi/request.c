/* request.c - query-string parsing and percent-decoding for the handlers
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Everything here treats its input as hostile: it comes straight from the
 * client through nginx. Decoding is strict (a '%' must be followed by two
 * hex digits) and the result must be UTF-8 without NUL bytes, so that later
 * code can use plain C strings and jansson never meets a string it refuses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_fcgi.h"

static int
hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The length of the well-formed UTF-8 sequence at 'p' (at most 'len'
 * bytes available), or 0 if there is none: a stray continuation byte, an
 * overlong form, a surrogate, a code point above U+10FFFF or a truncated
 * sequence. */
static size_t
utf8_sequence(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    size_t need;
    uint32_t cp, min;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len - 1 < need)
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need + 1;
}

bool
ms_request_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_sequence(p + i, len - i);

        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

char *
ms_request_utf8_repair(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    char *copy;
    size_t n = 0;

    /* Each bad byte grows to the three bytes of U+FFFD at worst. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    copy = malloc(len * 3 + 1);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_sequence(p + i, len - i);

        if (k == 0) {
            memcpy(copy + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
        } else {
            memcpy(copy + n, p + i, k);
            n += k;
            i += k;
        }
    }
    copy[n] = '\0';
    return copy;
}

/* The decoder behind ms_request_decode; on MS_REQUEST_BAD '*why' says what
 * was wrong in words a client can act on. */
static ms_request_status_t
decode(char **out, const char *in, size_t len, bool plus_is_space, const char **why)
{
    ms_request_status_t status = MS_REQUEST_OK;
    char *buf;
    size_t n = 0;

    *out = NULL;
    buf = malloc(len + 1);
    if (buf == NULL) {
        status = MS_REQUEST_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c == '%') {
            int hi = len - i > 2 ? hex_value((unsigned char)in[i + 1]) : -1;
            int lo = len - i > 2 ? hex_value((unsigned char)in[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                *why = "invalid percent-encoding";
                status = MS_REQUEST_BAD;
                goto out;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (c == '\0') {
                *why = "NUL byte (%00) not allowed";
                status = MS_REQUEST_BAD;
                goto out;
            }
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '\0') {
            *why = "NUL byte not allowed";
            status = MS_REQUEST_BAD;
            goto out;
        }
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    if (!ms_request_utf8_valid(buf, n)) {
        *why = "invalid UTF-8 after percent-decoding";
        status = MS_REQUEST_BAD;
        goto out;
    }
    *out = buf;
    buf = NULL;
out:
    free(buf);
    return status;
}

ms_request_status_t
ms_request_decode(char **out, const char *in, size_t len, bool plus_is_space)
{
    const char *why = NULL;

    return decode(out, in, len, plus_is_space, &why);
}

void
ms_params_free(ms_params_t *params)
{
    for (size_t i = 0; i < params->count; i++) {
        free(params->items[i].name);
        free(params->items[i].value);
    }
    free(params->items);
    params->items = NULL;
    params->count = 0;
}

ms_request_status_t
ms_params_parse(ms_params_t *out, const char *query, char *err, size_t err_size)
{
    ms_request_status_t status = MS_REQUEST_OK;
    ms_params_t params = {NULL, 0};
    size_t capacity = 0;
    const char *p = query;
    const char *why = NULL;

    out->items = NULL;
    out->count = 0;
    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if (query == NULL)
        goto out;

    while (*p != '\0') {
        size_t seg_len = strcspn(p, "&");
        const char *eq = memchr(p, '=', seg_len);
        size_t name_len = eq != NULL ? (size_t)(eq - p) : seg_len;
        ms_param_t param = {NULL, NULL};

        if (seg_len == 0) {
            p++;
            continue;
        }
        if (params.count == capacity) {
            size_t new_capacity = capacity == 0 ? 8 : capacity * 2;
            ms_param_t *items = realloc(params.items, new_capacity * sizeof(*items));

            if (items == NULL) {
                status = MS_REQUEST_NOMEM;
                goto out;
            }
            params.items = items;
            capacity = new_capacity;
        }
        status = decode(&param.name, p, name_len, true, &why);
        if (status == MS_REQUEST_OK) {
            const char *value = eq != NULL ? eq + 1 : p + seg_len;
            size_t value_len = (size_t)(p + seg_len - value);

            status = decode(&param.value, value, value_len, true, &why);
            if (status != MS_REQUEST_OK)
                free(param.name);
        }
        if (status != MS_REQUEST_OK) {
            if (status == MS_REQUEST_BAD && err != NULL && err_size > 0)
                snprintf(err, err_size, "query string: %s", why);
            goto out;
        }
        params.items[params.count++] = param;
        p += seg_len;
        if (*p == '&')
            p++;
    }
    *out = params;
    params.items = NULL;
    params.count = 0;
out:
    ms_params_free(&params);
    return status;
}

char *
ms_request_encode(const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out;
    size_t n = 0;

    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' ||
            (keep != NULL && c != '\0' && strchr(keep, c) != NULL)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
    return out;
}

/* true if the 'len' bytes of a group name can be passed to the index: a
 * name with control bytes or broken UTF-8 cannot have come from an honest
 * group directory, and the index would fold it into a term nobody has. */
static bool
group_acceptable(const char *name, size_t len)
{
    if (len == 0 || len > MS_VIEWER_GROUP_MAX || !ms_request_utf8_valid(name, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

void
ms_request_viewer(ms_viewer_buf_t *out, const char *groups)
{
    const char *p = groups;
    size_t used = 0;

    out->viewer.groups = out->names;
    out->viewer.n_groups = 0;
    if (p == NULL)
        return;
    while (*p != '\0' && out->viewer.n_groups < MS_VIEWER_MAX_GROUPS) {
        size_t seg_len = strcspn(p, ",");
        const char *start = p, *end = p + seg_len;

        while (start < end && (*start == ' ' || *start == '\t'))
            start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (group_acceptable(start, (size_t)(end - start))) {
            char *name = out->text + used;

            memcpy(name, start, (size_t)(end - start));
            name[end - start] = '\0';
            used += (size_t)(end - start) + 1;
            out->names[out->viewer.n_groups++] = name;
        }
        p += seg_len;
        if (*p == ',')
            p++;
    }
}
