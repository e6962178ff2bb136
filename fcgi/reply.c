/* reply.c - write an endpoint's answer as a FastCGI response
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every answer is never sniffed as something else by a browser and never
 * cached (results change with every indexer commit and depend on who
 * asks). JSON is the default body; an endpoint may answer text of another
 * type (the Atom feed, the metrics, the fragment) and add a few headers
 * (X-Accel-Redirect), or stream an archive file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "ms_server.h"

/* Sent when the handler's body is missing or cannot be encoded. */
static const char fallback_body[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";

static const char *
reason_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 503:
        return "Service Unavailable";
    default:
        return "Internal Server Error";
    }
}

/* The extra headers of 'resp' (NULL: none) and the empty line that ends
 * the header block. Returns 0, or -1 if the client went away. */
static int
end_headers(FCGX_Stream *out, const ms_response_t *resp)
{
    /* Values were checked for control bytes by ms_response_add_header. */
    for (size_t i = 0; resp != NULL && i < resp->n_headers; i++) {
        if (FCGX_PutS(resp->headers[i].name, out) < 0 || FCGX_PutS(": ", out) < 0 ||
            FCGX_PutS(resp->headers[i].value, out) < 0 || FCGX_PutS("\r\n", out) < 0)
            return -1;
    }
    return FCGX_PutS("\r\n", out) < 0 ? -1 : 0;
}

/* Write an HTTP response with 'status' and the compact JSON of 'body' (a
 * fixed internal-error document if 'body' is NULL or cannot be encoded),
 * with the extra headers of 'resp' (NULL: none; a 200's only, so that no
 * X-Accel-Redirect left behind rides on an error), to 'out'. 'head' sends
 * the headers only, with the Content-Length of the body a GET would get.
 * Returns 0, or -1 if the client went away. */
static int
send_json(FCGX_Stream *out, int status, const json_t *body, const ms_response_t *resp,
          bool head)
{
    char *text = NULL;
    const char *payload;
    size_t length;
    char header[512];
    int header_length;
    int rc = 0;

    if (body != NULL)
        text = json_dumps(body, MS_RESPONSE_JSON_FLAGS);
    if (text == NULL) {
        /* Whatever went wrong, the client must not see a 200 without a
         * body. */
        status = 500;
        payload = fallback_body;
    } else {
        payload = text;
    }
    if (status != 200 && status != 400 && status != 404 && status != 405 && status != 503)
        status = 500;
    length = strlen(payload);
    if (length > INT_MAX) {
        status = 500;
        payload = fallback_body;
        length = strlen(payload);
    }

    /* libfcgi's own printf knows no %zu: format the header block here. */
    header_length = snprintf(header, sizeof(header),
                             "Status: %d %s\r\n"
                             "Content-Type: " MS_RESPONSE_JSON_TYPE "\r\n"
                             "X-Content-Type-Options: nosniff\r\n"
                             "Cache-Control: no-store\r\n"
                             "Content-Length: %zu\r\n"
                             "%s",
                             status, reason_phrase(status), length,
                             status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (header_length < 0 || (size_t)header_length >= sizeof(header) ||
        FCGX_PutStr(header, header_length, out) != header_length ||
        end_headers(out, status == 200 && payload == text ? resp : NULL) != 0) {
        rc = -1;
        goto out;
    }
    if (!head && FCGX_PutStr(payload, (int)length, out) != (int)length) {
        rc = -1;
        goto out;
    }
out:
    free(text);
    return rc;
}

/* Copy the next 'length' bytes of 'file' to 'out'. Returns 0, or -1 if
 * the file ends early or cannot be read (the client then gets a short
 * body, which its Content-Length shows) or the client went away. */
static int
send_file(FCGX_Stream *out, FILE *file, size_t length)
{
    char chunk[65536];

    while (length > 0) {
        size_t want = length < sizeof(chunk) ? length : sizeof(chunk);
        size_t got = fread(chunk, 1, want, file);
        if (got == 0 || FCGX_PutStr(chunk, (int)got, out) != (int)got)
            return -1;
        length -= got;
    }
    return 0;
}

int
ms_reply_send_response(FCGX_Stream *out, const ms_response_t *resp, bool head)
{
    char header[512];
    int header_length;
    int status = resp->status;

    if (resp->text == NULL && resp->file == NULL)
        return send_json(out, status, resp->json, resp, head);
    if (resp->file == NULL && resp->text_length > INT_MAX)
        return send_json(out, 500, NULL, NULL, head);
    if (status != 200 && status != 400 && status != 404 && status != 405 && status != 503)
        status = 500;
    /* No type for an X-Accel-Redirect answer: nginx would keep ours
     * rather than take the one of the file's extension. */
    header_length = snprintf(header, sizeof(header),
                             "Status: %d %s\r\n"
                             "%s%s%s"
                             "X-Content-Type-Options: nosniff\r\n"
                             "Cache-Control: no-store\r\n"
                             "Content-Length: %zu\r\n",
                             status, reason_phrase(status),
                             resp->content_type != NULL ? "Content-Type: " : "",
                             resp->content_type != NULL ? resp->content_type : "",
                             resp->content_type != NULL ? "\r\n" : "", resp->text_length);
    if (header_length < 0 || (size_t)header_length >= sizeof(header) ||
        FCGX_PutStr(header, header_length, out) != header_length ||
        end_headers(out, resp) != 0)
        return -1;
    if (!head && resp->file != NULL)
        return send_file(out, resp->file, resp->text_length);
    if (!head && resp->text_length > 0 &&
        FCGX_PutStr(resp->text, (int)resp->text_length, out) != (int)resp->text_length)
        return -1;
    return 0;
}
