/* ms_records.h - checking the FastCGI records that open a request
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Pure functions over bytes, no socket: conn.c peeks at what a peer sent
 * and asks this file whether libfcgi may parse it (see conn.c for why).
 */
#ifndef MS_RECORDS_H
#define MS_RECORDS_H

#include <stddef.h>

/* Bytes of FCGI_PARAMS content a request may carry in all. nginx's own
 * params are about 1 KiB; its records are at most 64 KiB each. */
#define MS_RECORDS_PARAMS_MAX (64 * 1024)

/* The most bytes of a request header conn.c looks at: the begin-request
 * record, params records with MS_RECORDS_PARAMS_MAX bytes of content in
 * up to 64 records with the most padding, and the empty params record.
 * nginx's headers take far less; a header still MS_RECORDS_PARTIAL at this
 * length is refused. */
#define MS_RECORDS_HEADER_MAX (2 * (8 + 8 + 255) + MS_RECORDS_PARAMS_MAX + 64 * (8 + 255))

typedef enum ms_records_status {
    MS_RECORDS_COMPLETE, /* a whole, well-formed header: libfcgi may read it */
    MS_RECORDS_PARTIAL,  /* well-formed so far; more bytes are needed */
    MS_RECORDS_BAD       /* never a valid header, whatever follows */
} ms_records_status_t;

/* Check the records at the start of a connection (or of the next request
 * on a kept one): FCGI_BEGIN_REQUEST for the responder role, then
 * FCGI_PARAMS records of the same request up to the empty one, with at
 * most MS_RECORDS_PARAMS_MAX bytes of content whose name-value pairs all
 * fit in it. '*reason' (a static string) says why on MS_RECORDS_BAD. */
ms_records_status_t ms_records_check(const unsigned char *bytes, size_t length,
                                     const char **reason);

#endif
