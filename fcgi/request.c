/* request.c - query strings, percent-decoding, document ids and viewers
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * UTF-8 is what common/ms_utf8.h says it is and a document id what
 * ms_schema_id_check() accepts: this file applies those rules to what the
 * client sent and owns none of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_index.h"
#include "ms_request.h"
#include "ms_response.h"
#include "ms_schema.h"
#include "ms_utf8.h"

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
    if (!ms_utf8_valid(buf, n, NULL)) {
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

bool
ms_request_escapes_valid(const char *text)
{
    for (const char *p = text; p != NULL && (p = strchr(p, '%')) != NULL; p += 3) {
        if (hex_value((unsigned char)p[1]) < 0 || hex_value((unsigned char)p[2]) < 0)
            return false;
    }
    return true;
}

ms_request_status_t
ms_request_id(char **out, const char *segment, size_t len)
{
    ms_request_status_t status;

    *out = NULL;
    /* ids are single path segments: a raw '/' is never looked up. */
    if (memchr(segment, '/', len) != NULL)
        return MS_REQUEST_BAD;
    status = ms_request_decode(out, segment, len, false);
    if (status == MS_REQUEST_OK && ms_schema_id_check(*out) != NULL) {
        free(*out);
        *out = NULL;
        status = MS_REQUEST_BAD;
    }
    return status;
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
ms_request_compose(char **text)
{
    const unsigned char *p = (const unsigned char *)*text;
    char *composed, *copy;

    while (*p != '\0' && *p < 0x80)
        p++;
    if (*p == '\0')
        return MS_REQUEST_OK; /* ASCII: composed already */
    composed = ms_index_composed(*text);
    copy = composed != NULL ? strdup(composed) : NULL;
    ms_index_string_free(composed);
    free(*text);
    if (copy == NULL) {
        *text = NULL;
        return MS_REQUEST_NOMEM;
    }
    *text = copy;
    return MS_REQUEST_OK;
}

/* Decode the segment of 'seg_len' bytes at 'p' ("name[=value]") into
 * *param. */
static ms_request_status_t
decode_pair(ms_param_t *param, const char *p, size_t seg_len, const char **why)
{
    const char *eq = memchr(p, '=', seg_len);
    size_t name_len = eq != NULL ? (size_t)(eq - p) : seg_len;
    const char *value = eq != NULL ? eq + 1 : p + seg_len;
    ms_request_status_t status;

    status = decode(&param->name, p, name_len, true, why);
    if (status != MS_REQUEST_OK)
        return status;
    status = decode(&param->value, value, (size_t)(p + seg_len - value), true, why);
    if (status == MS_REQUEST_OK)
        status = ms_request_compose(&param->value);
    if (status != MS_REQUEST_OK) {
        free(param->name);
        param->name = NULL;
    }
    return status;
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
    while (p != NULL && *p != '\0') {
        size_t seg_len = strcspn(p, "&");

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
        status = decode_pair(&params.items[params.count], p, seg_len, &why);
        if (status != MS_REQUEST_OK) {
            if (status == MS_REQUEST_BAD && err != NULL && err_size > 0)
                snprintf(err, err_size, "query string: %s", why);
            goto out;
        }
        params.count++;
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

int
ms_params_unknown(json_t **out, const char *name)
{
    char message[128];

    if (strlen(name) > MS_PARAM_ECHO_MAX)
        return ms_response_bad_request(out, "unknown parameter");
    snprintf(message, sizeof(message), "unknown parameter '%s'", name);
    return ms_response_bad_request(out, message);
}

int
ms_params_read(ms_params_t *params, json_t **err, const char *query)
{
    char message[160];

    switch (ms_params_parse(params, query, message, sizeof(message))) {
    case MS_REQUEST_OK:
        return 0;
    case MS_REQUEST_BAD:
        return ms_response_bad_request(err, message);
    default:
        return ms_response_internal(err);
    }
}

int
ms_params_parse_only(ms_params_t *params, json_t **out, const char *query,
                     const char *const *allowed)
{
    char message[160];
    int http = ms_params_read(params, out, query);

    if (http != 0)
        return http;
    for (size_t i = 0; i < params->count; i++) {
        const char *name = params->items[i].name;
        size_t k;

        for (k = 0; allowed[k] != NULL && strcmp(allowed[k], name) != 0; k++)
            ;
        if (allowed[k] == NULL)
            return ms_params_unknown(out, name);
        if (ms_params_get(params, name) != params->items[i].value) {
            snprintf(message, sizeof(message), "parameter '%s' given more than once",
                     name);
            return ms_response_bad_request(out, message);
        }
    }
    return 0;
}

const char *
ms_params_get(const ms_params_t *params, const char *name)
{
    for (size_t i = 0; i < params->count; i++) {
        if (strcmp(params->items[i].name, name) == 0)
            return params->items[i].value;
    }
    return NULL;
}

/* true if the 'len' bytes of a group name can be passed to the index: a
 * name with control bytes or broken UTF-8 cannot have come from an honest
 * group directory, and the index would fold it into a term nobody has. */
static bool
group_acceptable(const char *name, size_t len)
{
    if (len == 0 || len > MS_VIEWER_GROUP_MAX || !ms_utf8_valid(name, len, NULL))
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
