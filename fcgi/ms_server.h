/* ms_server.h - what the files of the migsearch-fcgi executable share
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Not a library header: main.c (socket, signals, workers, the accept
 * loop) and reply.c (FastCGI output) share these declarations. They are
 * the only files that talk FastCGI; the endpoints below them see plain C
 * data (ms_route.h).
 */
#ifndef MS_SERVER_H
#define MS_SERVER_H

#include <stdbool.h>

#include "ms_response.h"

struct FCGX_Stream;

/* ---- reply.c ---- */

/* Write 'resp' as an HTTP response to 'out': its status (anything but 200,
 * 400, 404, 405 and 503 is sent as 500), its body (a fixed internal-error
 * JSON document when it has none), its content type and extra headers, and
 * the common headers (nosniff, no-store, Content-Length). 'head' sends the
 * headers only. Returns 0, or -1 if the client went away. */
int ms_reply_send_response(struct FCGX_Stream *out, const ms_response_t *resp, bool head);

#endif /* MS_SERVER_H */
