/* records.c - checking the FastCGI records that open a request
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The checks are what libfcgi's ReadParams trusts: a name or value length
 * read from the params stream is used as is, so Debian's 2.4.2 (with only
 * the first of upstream's two fixes for CVE-2025-23016) asserts, and the
 * process aborts, on a name length of 0x40000000. Here every length must
 * fit in the params bytes actually sent, which also bounds what libfcgi
 * allocates. Management records (FCGI_GET_VALUES and kin, request id 0)
 * are refused: nginx never sends them, and answering one leaves libfcgi
 * waiting on the connection for a request that may never come.
 */
#include <stdbool.h>
#include <stdint.h>

#include <fastcgi.h>

#include "ms_records.h"

/* One record header, decoded. */
struct record {
    unsigned type;
    unsigned request_id;
    size_t content;
    size_t padding;
};

static void
decode(struct record *out, const unsigned char *header)
{
    out->type = header[1];
    out->request_id = (unsigned)header[2] << 8 | header[3];
    out->content = (size_t)header[4] << 8 | header[5];
    out->padding = header[6];
}

/* Read one length of a name-value pair: one byte below 128, else four
 * bytes with the top bit set. false when it runs past 'end'. */
static bool
pair_length(size_t *out, const unsigned char **at, const unsigned char *end)
{
    const unsigned char *p = *at;

    if (p >= end)
        return false;
    if ((p[0] & 0x80) == 0) {
        *out = p[0];
        *at = p + 1;
        return true;
    }
    if (end - p < 4)
        return false;
    *out = (size_t)(p[0] & 0x7f) << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    *at = p + 4;
    return true;
}

/* true when the params stream, split over the params records that start
 * at 'records' (already checked for framing), is a run of whole name-value
 * pairs. The content of all those records, back to back, fits in
 * MS_RECORDS_PARAMS_MAX: it is laid out contiguously once, in a buffer of
 * the calling thread. */
static bool
pairs_fit(const unsigned char *records, size_t params_total)
{
    static _Thread_local unsigned char stream[MS_RECORDS_PARAMS_MAX];
    const unsigned char *at = records, *end;
    size_t filled = 0;

    while (filled < params_total) {
        struct record record;

        decode(&record, at);
        for (size_t i = 0; i < record.content; i++)
            stream[filled + i] = at[FCGI_HEADER_LEN + i];
        filled += record.content;
        at += FCGI_HEADER_LEN + record.content + record.padding;
    }
    at = stream;
    end = stream + params_total;
    while (at < end) {
        size_t name, value;

        if (!pair_length(&name, &at, end) || !pair_length(&value, &at, end))
            return false;
        if (name > (size_t)(end - at) || value > (size_t)(end - at) - name)
            return false;
        at += name + value;
    }
    return true;
}

/* Check the begin-request record at 'bytes' (at least a whole header). */
static ms_records_status_t
check_begin(const unsigned char *bytes, size_t length, const char **reason)
{
    struct record record;

    decode(&record, bytes);
    if (bytes[0] != FCGI_VERSION_1) {
        *reason = "not FastCGI version 1";
        return MS_RECORDS_BAD;
    }
    if (record.request_id == FCGI_NULL_REQUEST_ID) {
        *reason = "management record (nginx sends none)";
        return MS_RECORDS_BAD;
    }
    if (record.type != FCGI_BEGIN_REQUEST || record.content != 8) {
        *reason = "the first record is not a begin-request";
        return MS_RECORDS_BAD;
    }
    if (length < FCGI_HEADER_LEN + 2)
        return MS_RECORDS_PARTIAL;
    if (((unsigned)bytes[FCGI_HEADER_LEN] << 8 | bytes[FCGI_HEADER_LEN + 1]) !=
        FCGI_RESPONDER) {
        *reason = "a role other than responder";
        return MS_RECORDS_BAD;
    }
    return MS_RECORDS_COMPLETE;
}

ms_records_status_t
ms_records_check(const unsigned char *bytes, size_t length, const char **reason)
{
    ms_records_status_t status;
    size_t at, params_at, params_total = 0;
    unsigned request_id;

    *reason = "";
    if (length < FCGI_HEADER_LEN)
        return MS_RECORDS_PARTIAL;
    status = check_begin(bytes, length, reason);
    if (status != MS_RECORDS_COMPLETE)
        return status;
    request_id = (unsigned)bytes[2] << 8 | bytes[3];
    at = FCGI_HEADER_LEN + 8 + bytes[6]; /* the begin body, its padding */
    params_at = at;
    for (;;) {
        struct record record;

        if (length - (at < length ? at : length) < FCGI_HEADER_LEN)
            return MS_RECORDS_PARTIAL;
        decode(&record, bytes + at);
        if (bytes[at] != FCGI_VERSION_1 || record.type != FCGI_PARAMS ||
            record.request_id != request_id) {
            *reason = "a record other than params before the params end";
            return MS_RECORDS_BAD;
        }
        if (record.content == 0) {
            if (at + FCGI_HEADER_LEN + record.padding > length)
                return MS_RECORDS_PARTIAL;
            break;
        }
        params_total += record.content;
        if (params_total > MS_RECORDS_PARAMS_MAX) {
            *reason = "params larger than 64 KiB";
            return MS_RECORDS_BAD;
        }
        at += FCGI_HEADER_LEN + record.content + record.padding;
        if (at > length)
            return MS_RECORDS_PARTIAL;
    }
    if (!pairs_fit(bytes + params_at, params_total)) {
        *reason = "a params length past the params sent";
        return MS_RECORDS_BAD;
    }
    return MS_RECORDS_COMPLETE;
}
