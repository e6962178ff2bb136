/* request.c - fuzz target: the FastCGI records and the request's own strings
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The whole input is checked as the bytes opening a FastCGI connection
 * (ms_records_check, before libfcgi sees them). The same bytes, cut at
 * their first NUL, are then the query string (ms_params_parse, which
 * decodes every name and value), a path segment naming a document
 * (ms_request_id) and the MS_GROUPS header (ms_request_viewer), with the
 * properties the server relies on: every decoded name and value is
 * UTF-8, every group is a short UTF-8 name without control bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ms_records.h"
#include "ms_request.h"
#include "ms_utf8.h"

static void
check_params(const char *text, const uint8_t *data, size_t size)
{
    ms_params_t params = {0};
    char err[256];

    if (ms_params_parse(&params, text, err, sizeof(err)) != MS_REQUEST_OK)
        return;
    for (size_t i = 0; i < params.count; i++) {
        const ms_param_t *p = &params.items[i];
        if (!ms_utf8_valid(p->name, strlen(p->name), NULL) ||
            !ms_utf8_valid(p->value, strlen(p->value), NULL))
            ms_fuzz_fail("a decoded parameter is not UTF-8", data, size);
    }
    ms_params_free(&params);
}

static void
check_viewer(const char *text, const uint8_t *data, size_t size)
{
    ms_viewer_buf_t viewer;

    ms_request_viewer(&viewer, text);
    if (viewer.viewer.n_groups > MS_VIEWER_MAX_GROUPS)
        ms_fuzz_fail("too many groups", data, size);
    for (size_t i = 0; i < viewer.viewer.n_groups; i++) {
        const char *g = viewer.viewer.groups[i];
        size_t n = strlen(g);
        if (n == 0 || n > MS_VIEWER_GROUP_MAX || !ms_utf8_valid(g, n, NULL))
            ms_fuzz_fail("a group is empty, too long or not UTF-8", data, size);
        for (size_t j = 0; j < n; j++) {
            if ((unsigned char)g[j] < 0x20 || g[j] == ',')
                ms_fuzz_fail("a group holds a control byte or a comma", data, size);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *reason = NULL;
    char *text = malloc(size + 1), *id = NULL;

    if (text == NULL)
        return 0;
    ms_records_check(data, size, &reason);
    memcpy(text, data, size);
    text[size] = '\0';
    check_params(text, data, size);
    if (ms_request_id(&id, text, strlen(text)) == MS_REQUEST_OK && strlen(id) == 0)
        ms_fuzz_fail("an empty document id", data, size);
    free(id);
    check_viewer(text, data, size);
    free(text);
    return 0;
}
