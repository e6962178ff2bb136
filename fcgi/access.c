/* access.c - the log line of one request
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One line per request (CONVENTIONS.md, "Logging"): id, method, path,
 * the user nginx authenticated ("-" for anonymous), status, milliseconds, the hits of a
 * search and, when log.queries allows it and the route's row says its query may be
 * logged, the query string. Everything from the client is escaped so that it cannot forge
 * or split log lines.
 */
#include <stdio.h>
#include <string.h>

#include "ms_log.h"
#include "ms_server.h"

/* Longest field copied into a log line, before escaping. */
#define LOG_FIELD_MAX 200

/* Room for a field escaped: every byte as \xNN, and "...". */
#define LOG_FIELD_SIZE (4 * LOG_FIELD_MAX + 8)

/* Copy 'src' into 'dst' for a log line: printable ASCII stays, anything
 * else (quotes, backslashes, control and non-ASCII bytes) becomes \xNN,
 * and long values are cut, so a client cannot forge or split log lines.
 * Spaces stay only in values the caller puts in double quotes. */
static const char *
log_escape(char *dst, size_t size, const char *src, bool quoted)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    size_t i;

    if (src == NULL)
        src = "-";
    for (i = 0; src[i] != '\0' && i < LOG_FIELD_MAX; i++) {
        unsigned char c = (unsigned char)src[i];

        if (n + 5 >= size)
            break;
        if ((c > 0x20 || (c == 0x20 && quoted)) && c < 0x7f && c != '"' && c != '\\') {
            dst[n++] = (char)c;
        } else {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        }
    }
    if (src[i] != '\0' && n + 4 < size) {
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    dst[n] = '\0';
    return dst;
}

void
ms_access_log(const ms_request_t *req, int status, double ms, const ms_worker_t *w,
              bool log_query)
{
    char id_buf[LOG_FIELD_SIZE], method_buf[64], path_buf[LOG_FIELD_SIZE];
    char q_buf[LOG_FIELD_SIZE], escaped[LOG_FIELD_SIZE], hits_buf[32];
    char user_buf[LOG_FIELD_SIZE];

    hits_buf[0] = '\0';
    if (w->hits >= 0)
        snprintf(hits_buf, sizeof(hits_buf), " hits=%ld", w->hits);
    q_buf[0] = '\0';
    if (log_query)
        snprintf(q_buf, sizeof(q_buf), " query=\"%s\"",
                 log_escape(escaped, sizeof(escaped), req->query, true));
    ms_log(MS_LOG_INFO, "request id=%s method=%s path=%s user=%s status=%d ms=%.2f%s%s",
           log_escape(id_buf, sizeof(id_buf), req->request_id, false),
           log_escape(method_buf, sizeof(method_buf), req->method, false),
           log_escape(path_buf, sizeof(path_buf), req->path, false),
           log_escape(user_buf, sizeof(user_buf),
                      req->remote_user && *req->remote_user ? req->remote_user : NULL,
                      false),
           status, ms, hits_buf, q_buf);
    if (w->detail[0] != '\0')
        ms_log(status >= 500 && status != 503 ? MS_LOG_ERR : MS_LOG_WARN,
               "request failed id=%s status=%d detail=\"%s\"", id_buf, status,
               log_escape(escaped, sizeof(escaped), w->detail, true));
}
