/* response.c - what an endpoint answers: status, body, headers, errors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Clients get short fixed messages in error documents; whatever the index
 * layer says (paths, Xapian descriptions) goes to the worker's detail for
 * the log instead (ms_worker.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ms_response.h"

void
ms_response_free(ms_response_t *resp)
{
    json_decref(resp->json);
    free(resp->text);
    if (resp->file != NULL)
        fclose(resp->file);
    for (size_t i = 0; i < resp->n_headers && i < MS_RESPONSE_MAX_HEADERS; i++)
        free(resp->headers[i].value);
    memset(resp, 0, sizeof(*resp));
}

int
ms_response_add_header(ms_response_t *resp, const char *name, const char *value)
{
    char *copy;

    if (resp->n_headers == MS_RESPONSE_MAX_HEADERS)
        return -1;
    for (const char *p = value; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
    }
    copy = strdup(value);
    if (copy == NULL)
        return -1;
    resp->headers[resp->n_headers].name = name;
    resp->headers[resp->n_headers].value = copy;
    resp->n_headers++;
    return 0;
}

void
ms_response_drop_text(ms_response_t *resp)
{
    free(resp->text);
    resp->text = NULL;
    if (resp->file != NULL)
        fclose(resp->file);
    resp->file = NULL;
    resp->text_length = 0;
    for (size_t i = 0; i < resp->n_headers; i++)
        free(resp->headers[i].value);
    resp->n_headers = 0;
}

int
ms_response_error(json_t **out, int status, const char *code, const char *message)
{
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);

    *out = body;
    return body != NULL ? status : 500;
}

int
ms_response_bad_request(json_t **out, const char *message)
{
    return ms_response_error(out, 400, "bad_request", message);
}

int
ms_response_internal(json_t **out)
{
    return ms_response_error(out, 500, "internal", "internal error");
}

int
ms_response_json(ms_response_t *out, json_t *body)
{
    out->json = body;
    return body != NULL ? 200 : ms_response_internal(&out->json);
}
