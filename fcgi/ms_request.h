/* ms_request.h - a request as endpoints see it: path, query string, viewer
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Everything here treats its input as hostile: it
 * comes straight from the client through nginx. Decoding is strict (a '%'
 * must be followed by two hex digits) and the result must be UTF-8
 * without NUL bytes, so that later code can use plain C strings and
 * jansson never meets a string it refuses.
 */
#ifndef MS_REQUEST_H
#define MS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ms_index.h"

/* One HTTP request. Every string is borrowed from the caller for the
 * duration of ms_route(); NULL is allowed for all and means "not sent". */
typedef struct ms_request {
    const char *method;      /* REQUEST_METHOD, e.g. "GET" */
    const char *path;        /* raw path part of REQUEST_URI, before '?' */
    const char *query;       /* raw QUERY_STRING, without '?' */
    const char *request_id;  /* REQUEST_ID (nginx's $request_id) */
    const char *remote_user; /* REMOTE_USER */
    const char *groups;      /* MS_GROUPS: comma-separated access groups of the
                                user nginx authenticated; NULL: anonymous */
    const char *uri;         /* REQUEST_URI as the client sent it: lighttpd
                                re-encodes QUERY_STRING ("%ZZ" becomes
                                "%25ZZ"), so ms_route() checks its query's
                                escapes */
} ms_request_t;

typedef enum ms_request_status {
    MS_REQUEST_OK = 0,
    MS_REQUEST_NOMEM,
    MS_REQUEST_BAD /* malformed input; a message is in the error buffer */
} ms_request_status_t;

typedef struct ms_param {
    char *name;  /* decoded, NUL-terminated, valid UTF-8 */
    char *value; /* decoded; "" for "name" or "name=" */
} ms_param_t;

typedef struct ms_params {
    ms_param_t *items;
    size_t count;
} ms_params_t;

/* Decode 'len' bytes of 'in' ('%XX' escapes; '+' becomes a space when
 * 'plus_is_space'). The result is rejected unless every escape is two hex
 * digits, no escape yields a NUL byte and the decoded bytes are valid
 * UTF-8.
 * On success *out is a new string the caller frees with free().
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_request_decode(char **out, const char *in, size_t len,
                                      bool plus_is_space);

/* Whether every '%' in 'text' (NULL: none) is followed by two hex digits:
 * a request path or a client's query string that breaks this is a 400
 * whatever the front end made of it. */
bool ms_request_escapes_valid(const char *text);

/* The document id a raw path segment of 'len' bytes names: percent-decoded
 * ('+' stays '+') and checked with the one id rule, ms_schema_id_check().
 * On success *out is a new string the caller frees with free(). Returns
 * MS_REQUEST_OK, MS_REQUEST_BAD (no id could be named so: the same 404 as
 * an unknown one) or MS_REQUEST_NOMEM. */
ms_request_status_t ms_request_id(char **out, const char *segment, size_t len);

/* '*text' (a string from free()'s heap, valid UTF-8) in Unicode's
 * composed form (NFC), as the index composes what it indexes and is
 * asked, so that a value compared here with stored ones (a country's
 * status, ms_statuses_focus) agrees with the search; replaced in place.
 * On MS_REQUEST_NOMEM *text is freed and NULL. Returns MS_REQUEST_OK or
 * MS_REQUEST_NOMEM. */
ms_request_status_t ms_request_compose(char **text);

/* Split the query string 'query' (NULL or "" for none) on '&' into
 * decoded name/value pairs, in order, keeping repeats; each value composed
 * (ms_request_compose). Empty segments ("a=1&&b=2") are skipped.
 * On success *out holds the pairs; release them with ms_params_free().
 * On MS_REQUEST_BAD 'err' (of 'err_size' bytes, may be NULL) holds a
 * message fit for a client. *out is empty on failure.
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_params_parse(ms_params_t *out, const char *query, char *err,
                                    size_t err_size);

/* ms_params_parse() for an endpoint: on failure *err holds the error
 * document to answer (400 with the parser's message, or 500). Returns 0
 * or its status. *params is released by the caller with ms_params_free()
 * either way. */
int ms_params_read(ms_params_t *params, json_t **err, const char *query);

/* ms_params_read() for an endpoint that takes only the parameters in
 * 'allowed' (NULL-terminated), each at most once. Returns 0, or the
 * status of the error document stored in *out (400 naming the parameter,
 * or 500). *params is released by the caller with ms_params_free()
 * either way. */
int ms_params_parse_only(ms_params_t *params, json_t **out, const char *query,
                         const char *const *allowed);

/* The value of the first parameter called 'name', borrowed from 'params';
 * NULL when there is none. */
const char *ms_params_get(const ms_params_t *params, const char *name);

/* Free the pairs of 'params' and leave it empty. Accepts an empty set. */
void ms_params_free(ms_params_t *params);

/* Parameter names echoed in messages are cut at this many bytes: a longer
 * one is left out ("unknown parameter"), since it might be cut inside a
 * UTF-8 sequence and is not worth echoing. */
#define MS_PARAM_ECHO_MAX 64

/* Fill *out with the 400 error document for the unknown parameter 'name'
 * and return its status. */
int ms_params_unknown(json_t **out, const char *name);

/* Most access groups taken from MS_GROUPS, and the longest group name, in
 * bytes. Groups past the first MS_VIEWER_MAX_GROUPS and longer names are
 * ignored: a viewer can only ever see less than it asked for, never more. */
#define MS_VIEWER_MAX_GROUPS 32
#define MS_VIEWER_GROUP_MAX 100

/* A viewer and the storage its group names point into. */
typedef struct ms_viewer_buf {
    ms_viewer_t viewer; /* groups point into 'names' and 'text' below */
    const char *names[MS_VIEWER_MAX_GROUPS];
    char text[MS_VIEWER_MAX_GROUPS * (MS_VIEWER_GROUP_MAX + 1)];
} ms_viewer_buf_t;

/* Fill 'out' from the MS_GROUPS value 'groups' (NULL: anonymous): split on
 * ',', trim spaces and tabs, skip empty names and names that are too long,
 * not UTF-8 or carry control bytes, keep at most MS_VIEWER_MAX_GROUPS.
 * out->viewer is then ready to pass to the index; it points into 'out'. */
void ms_request_viewer(ms_viewer_buf_t *out, const char *groups);

#endif /* MS_REQUEST_H */
