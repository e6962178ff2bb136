/* test_records.c - the check of the FastCGI records that open a request
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Headers are built here byte by byte, as nginx sends them and as an
 * attacker would: the crafted params length of CVE-2025-23016, management
 * records, params past 64 KiB, headers cut anywhere.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../fcgi_bytes.h"
#include "ms_records.h"

typedef struct bytes {
    unsigned char data[MS_RECORDS_HEADER_MAX + 1024];
    size_t length;
} bytes_t;

static void
record(bytes_t *b, unsigned type, unsigned id, const void *content, size_t length,
       unsigned padding)
{
    cr_assert(fcgi_bytes_record(b->data, sizeof(b->data), &b->length, type, id, content,
                                length, padding));
}

static void
begin(bytes_t *b, unsigned role, unsigned flags)
{
    unsigned char body[8] = {(unsigned char)(role >> 8), (unsigned char)role,
                             (unsigned char)flags};

    b->length = 0;
    record(b, 1, 1, body, sizeof(body), 0);
}

static ms_records_status_t
check(const bytes_t *b, size_t length)
{
    const char *reason;

    return ms_records_check(b->data, length, &reason);
}

static void
nginx_like(bytes_t *b)
{
    unsigned char params[256];
    size_t n = 0;

    begin(b, 1, 1);
    n += fcgi_bytes_pair(params + n, "REQUEST_METHOD", "GET");
    n += fcgi_bytes_pair(params + n, "SCRIPT_NAME", "/search");
    record(b, 4, 1, params, n, (8 - n % 8) % 8);
    record(b, 4, 1, NULL, 0, 0);
}

Test(records, accepts_a_header_as_nginx_sends_it)
{
    bytes_t b;

    nginx_like(&b);
    cr_expect_eq(check(&b, b.length), MS_RECORDS_COMPLETE);
}

Test(records, waits_for_every_cut_of_a_valid_header)
{
    bytes_t b;

    nginx_like(&b);
    for (size_t cut = 0; cut < b.length; cut++)
        cr_expect_eq(check(&b, cut), MS_RECORDS_PARTIAL, "cut at %zu", cut);
}

/* A whole header whose params are 'params' in one record. */
static ms_records_status_t
check_params(const unsigned char *params, size_t n)
{
    bytes_t b;

    begin(&b, 1, 0);
    record(&b, 4, 1, params, n, (8 - n % 8) % 8);
    cr_expect_eq(check(&b, b.length), MS_RECORDS_PARTIAL,
                 "decided before the params end");
    record(&b, 4, 1, NULL, 0, 0);
    return check(&b, b.length);
}

/* The record that aborts Debian's libfcgi 2.4.2: name and value lengths of
 * 0x40000000 (four bytes each), whose sum overflows its int. */
Test(records, refuses_the_crafted_params_length)
{
    static const unsigned char params[] = {0xc0, 0, 0, 0, 0xc0, 0, 0, 0, 'A', 'B'};

    cr_expect_eq(check_params(params, sizeof(params)), MS_RECORDS_BAD);
}

Test(records, refuses_a_value_one_byte_past_the_params)
{
    unsigned char params[64];
    size_t n = fcgi_bytes_pair(params, "NAME", "value");

    cr_expect_eq(check_params(params, n), MS_RECORDS_COMPLETE);
    params[1] = 6; /* the value claims a byte more than was sent */
    cr_expect_eq(check_params(params, n), MS_RECORDS_BAD);
}

Test(records, accepts_pairs_split_over_records)
{
    bytes_t b;
    unsigned char params[64];
    size_t n = fcgi_bytes_pair(params, "QUERY_STRING", "q=water");

    begin(&b, 1, 0);
    record(&b, 4, 1, params, 5, 3);
    record(&b, 4, 1, params + 5, n - 5, 0);
    record(&b, 4, 1, NULL, 0, 0);
    cr_expect_eq(check(&b, b.length), MS_RECORDS_COMPLETE);
}

Test(records, refuses_management_records_and_other_roles)
{
    bytes_t b;
    unsigned char get_values[16];
    size_t n = fcgi_bytes_pair(get_values, "FCGI_MAX_CONNS", "");

    b.length = 0;
    record(&b, 9, 0, get_values, n, 0); /* FCGI_GET_VALUES */
    cr_expect_eq(check(&b, b.length), MS_RECORDS_BAD);
    cr_expect_eq(check(&b, 8), MS_RECORDS_BAD, "decided on the header alone");
    begin(&b, 2, 0); /* FCGI_AUTHORIZER */
    cr_expect_eq(check(&b, b.length), MS_RECORDS_BAD);
    begin(&b, 1, 0);
    record(&b, 5, 1, "x", 1, 0); /* stdin before the params end */
    cr_expect_eq(check(&b, b.length), MS_RECORDS_BAD);
    b.data[0] = 2; /* version */
    cr_expect_eq(check(&b, b.length), MS_RECORDS_BAD);
}

Test(records, refuses_params_over_64_kib_and_takes_64_kib)
{
    static bytes_t b;
    static unsigned char params[65535];
    size_t name = 100, value = MS_RECORDS_PARAMS_MAX - 100 - 8;

    /* One pair of exactly MS_RECORDS_PARAMS_MAX bytes in two records. */
    params[0] = 0x80;
    params[3] = (unsigned char)name;
    params[4] = 0x80 | (unsigned char)(value >> 24);
    params[5] = (unsigned char)(value >> 16);
    params[6] = (unsigned char)(value >> 8);
    params[7] = (unsigned char)value;
    begin(&b, 1, 0);
    record(&b, 4, 1, params, 65535, 0);
    record(&b, 4, 1, params, MS_RECORDS_PARAMS_MAX - 65535, 0);
    record(&b, 4, 1, NULL, 0, 0);
    cr_expect_eq(check(&b, b.length), MS_RECORDS_COMPLETE);
    b.length -= 8;
    record(&b, 4, 1, params, 1, 0);
    cr_expect_eq(check(&b, b.length), MS_RECORDS_BAD);
}
