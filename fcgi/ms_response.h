/* ms_response.h - what an endpoint answers: status, body, headers, errors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core, the layer below the endpoints. An answer is plain
 * C data (a status, a JSON or text body, a few extra headers) so that
 * endpoints never include libfcgi headers and can be unit-tested without a
 * socket; reply.c, in the executable, writes it as FastCGI output.
 */
#ifndef MS_RESPONSE_H
#define MS_RESPONSE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The version reported by /health and the feed; CMake passes the project
 * version. */
#ifndef MS_VERSION
#define MS_VERSION "0.0.0"
#endif

/* The version of the JSON schema documented in docs/api.md. */
#define MS_API_VERSION 2

/* Most extra headers one response carries. */
#define MS_RESPONSE_MAX_HEADERS 4

/* How a JSON body is written, and its Content-Type (reply.c; an answer
 * kept as text is written the same way: endpoints/search.c). */
#define MS_RESPONSE_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))
#define MS_RESPONSE_JSON_TYPE "application/json; charset=utf-8"

typedef struct ms_header {
    const char *name; /* static, e.g. "X-Accel-Redirect" */
    char *value;      /* owned by the response */
} ms_header_t;

/* What an endpoint answers. The body is 'text' when it is not NULL (of
 * 'text_length' bytes, with 'content_type', a static string, or no
 * Content-Type at all when it is NULL: an X-Accel-Redirect answer, whose
 * type nginx takes from the file), else the JSON 'json'; both NULL means
 * the error document itself could not be allocated (status is then 500).
 * When 'file' is not NULL the body is instead its next 'text_length' bytes
 * (an archive file sent by the server itself, server.file_delivery
 * "stream"); 'text' is then NULL.
 * Everything is owned by the response and released with
 * ms_response_free(). */
typedef struct ms_response {
    int status;
    json_t *json;
    char *text;
    size_t text_length;
    const char *content_type;
    FILE *file; /* owned; closed by ms_response_free() */
    ms_header_t headers[MS_RESPONSE_MAX_HEADERS];
    size_t n_headers;
} ms_response_t;

/* Release what 'resp' owns and leave it empty (status 0, no body). Also
 * initialises a response that was only zero-filled. */
void ms_response_free(ms_response_t *resp);

/* Add the header 'name' (static; borrowed for the life of 'resp') with a
 * copy of 'value'. A value with a control byte is refused, so that no
 * endpoint can split the header block. Returns 0, or -1 when the value is
 * refused, the table is full or memory runs out. */
int ms_response_add_header(ms_response_t *resp, const char *name, const char *value);

/* Drop the text body and the extra headers of 'resp', keeping its JSON:
 * what an endpoint that fails half-way through a text answer does before
 * it answers with an error document. */
void ms_response_drop_text(ms_response_t *resp);

/* Fill *out with a new error document {"error":{"code":..,"message":..}}
 * and return 'status'; when it cannot be allocated *out is NULL and the
 * status 500. */
int ms_response_error(json_t **out, int status, const char *code, const char *message);

/* Store 'body' (NULL: its allocation failed) as the JSON answer of
 * 'out'. Returns 200, or the status of the internal error document
 * stored instead of a NULL body. */
int ms_response_json(ms_response_t *out, json_t *body);

/* ms_response_error() for the two answers every endpoint gives: a 400
 * "bad_request" with 'message', and a 500 "internal" error. */
int ms_response_bad_request(json_t **out, const char *message);
int ms_response_internal(json_t **out);

#endif /* MS_RESPONSE_H */
