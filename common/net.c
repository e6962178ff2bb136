/* net.c - TCP addresses and address lists (ms_net.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_list.h"
#include "ms_net.h"

/* Longest text of one address with its brackets, prefix or port. */
#define ENTRY_MAX 64

/* text[0..length): decimal digits only, at least one, within 'max'.
 * Returns 0, or -1. */
static int
parse_digits(unsigned *out, const char *text, size_t length, unsigned max)
{
    unsigned long value = 0;

    if (length == 0)
        return -1;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (unsigned)(text[i] - '0');
        if (value > max)
            return -1;
    }
    *out = (unsigned)value;
    return 0;
}

/* The same for a NUL-terminated 'text'. */
static int
parse_number(unsigned *out, const char *text, unsigned max)
{
    return parse_digits(out, text, strlen(text), max);
}

int
ms_net_parse_address(struct sockaddr_storage *out, socklen_t *length, const char *text,
                     char *reason, size_t reason_size)
{
    char host[ENTRY_MAX];
    const char *colon;
    unsigned port = 0;
    size_t host_length;
    bool bracketed = text[0] == '[';
    int status = -1;

    memset(out, 0, sizeof(*out));
    if (bracketed) {
        const char *close = strchr(text, ']');

        if (close == NULL || close[1] != ':')
            goto bad;
        host_length = (size_t)(close - text - 1);
        text++;
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL)
            goto bad;
        host_length = (size_t)(colon - text);
    }
    if (host_length == 0 || host_length >= sizeof(host) ||
        parse_number(&port, colon + 1, 65535) != 0 || port == 0)
        goto bad;
    memcpy(host, text, host_length);
    host[host_length] = '\0';
    /* An IPv6 address only in brackets: "fd00::2:9000" is ambiguous. */
    if (!bracketed &&
        inet_pton(AF_INET, host, &((struct sockaddr_in *)out)->sin_addr) == 1) {
        ((struct sockaddr_in *)out)->sin_family = AF_INET;
        ((struct sockaddr_in *)out)->sin_port = htons((unsigned short)port);
        *length = sizeof(struct sockaddr_in);
    } else if (bracketed &&
               inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)out)->sin6_addr) == 1) {
        ((struct sockaddr_in6 *)out)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)out)->sin6_port = htons((unsigned short)port);
        *length = sizeof(struct sockaddr_in6);
    } else {
        goto bad;
    }
    status = 0;
    goto out;
bad:
    snprintf(reason, reason_size,
             "expected a numeric address and port, A.B.C.D:PORT or [IPV6]:PORT");
out:
    return status;
}

/* One entry, "ADDRESS" or "ADDRESS/PREFIX". Returns 0, or -1. */
static int
parse_cidr(ms_net_cidr_t *out, const char *entry)
{
    char host[ENTRY_MAX];
    const char *slash = strchr(entry, '/');
    size_t host_length = slash != NULL ? (size_t)(slash - entry) : strlen(entry);
    unsigned max;

    if (host_length == 0 || host_length >= sizeof(host))
        return -1;
    memcpy(host, entry, host_length);
    host[host_length] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, host, out->bytes) == 1)
        out->family = AF_INET, max = 32;
    else if (inet_pton(AF_INET6, host, out->bytes) == 1)
        out->family = AF_INET6, max = 128;
    else
        return -1;
    out->prefix = max;
    if (slash != NULL && parse_number(&out->prefix, slash + 1, max) != 0)
        return -1;
    return 0;
}

int
ms_net_parse_cidrs(ms_net_cidr_t *out, size_t max, size_t *count, const char *text,
                   char *reason, size_t reason_size)
{
    char entry[ENTRY_MAX];
    const char *at = text, *item;
    size_t length;

    *count = 0;
    while ((length = ms_list_next(&at, &item)) > 0) {
        if (length >= sizeof(entry) || *count >= max) {
            snprintf(reason, reason_size,
                     "expected at most %zu addresses or networks, each such as "
                     "10.0.0.0/24 or fd00::/8",
                     max);
            return -1;
        }
        memcpy(entry, item, length);
        entry[length] = '\0';
        if (parse_cidr(&out[*count], entry) != 0) {
            snprintf(reason, reason_size,
                     "'%s' is not an address or network such as 10.0.0.0/24 or fd00::/8",
                     entry);
            return -1;
        }
        (*count)++;
    }
    return 0;
}

/* Whether text[0..length) is "HOST:PORT" with a host and a port of 1 to
 * 65535 (the last colon separates them). */
static bool
is_endpoint(const char *text, size_t length)
{
    const char *colon = NULL;
    unsigned port;

    for (size_t i = 0; i < length; i++)
        if (text[i] == ':')
            colon = text + i;
    if (colon == NULL || colon == text || text + length - colon > 6)
        return false;
    return parse_digits(&port, colon + 1, (size_t)(text + length - colon - 1), 65535) ==
               0 &&
           port > 0;
}

/* One shard's "K=HOST:PORT[,HOST:PORT...]", 'length' bytes; 'seen' marks
 * the numbers already given. */
static int
each_endpoint(const char *item, size_t length, bool *seen, ms_net_shard_cb each,
              void *payload)
{
    const char *eq = memchr(item, '=', length), *end = item + length;
    unsigned shard;

    if (eq == NULL || eq - item > 3 ||
        parse_digits(&shard, item, (size_t)(eq - item), 999) != 0)
        return -1;
    if (seen[shard])
        return -1;
    seen[shard] = true;
    for (const char *at = eq + 1; at <= end;) {
        const char *comma = memchr(at, ',', (size_t)(end - at));
        const char *stop = comma != NULL ? comma : end;
        int status;

        if (!is_endpoint(at, (size_t)(stop - at)))
            return -1;
        if (each != NULL && (status = each(shard, at, (size_t)(stop - at), payload)) != 0)
            return status;
        at = stop + 1;
    }
    return 0;
}

int
ms_net_each_shard(const char *text, ms_net_shard_cb each, void *payload, char *reason,
                  size_t reason_size)
{
    bool seen[1000] = {false};

    for (const char *at = text; *at != '\0';) {
        size_t length = strcspn(at, " ");
        int status;

        if (length > 0 &&
            (status = each_endpoint(at, length, seen, each, payload)) != 0) {
            if (status == -1)
                snprintf(reason, reason_size,
                         "'%.*s' is not a shard such as 1=10.0.0.21:7100,10.0.0.22:7100 "
                         "(each shard 0 to 999 once)",
                         (int)(length < 200 ? length : 200), at);
            return status;
        }
        at += length;
        at += strspn(at, " ");
    }
    return 0;
}

/* Whether the first 'prefix' bits of 'a' and 'b' agree. */
static bool
same_prefix(const unsigned char *a, const unsigned char *b, unsigned prefix)
{
    unsigned whole = prefix / 8, rest = prefix % 8;

    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[whole] ^ b[whole]) & (0xFF << (8 - rest)) & 0xFF) == 0;
}

bool
ms_net_cidrs_match(const ms_net_cidr_t *list, size_t count,
                   const struct sockaddr *address)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    const unsigned char *bytes;
    int family = address->sa_family;

    if (family == AF_INET) {
        bytes = (const unsigned char *)&((const struct sockaddr_in *)address)->sin_addr;
    } else if (family == AF_INET6) {
        bytes = (const unsigned char *)&((const struct sockaddr_in6 *)address)->sin6_addr;
        if (memcmp(bytes, mapped, sizeof(mapped)) == 0) {
            family = AF_INET;
            bytes += sizeof(mapped);
        }
    } else {
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (list[i].family == family && same_prefix(list[i].bytes, bytes, list[i].prefix))
            return true;
    }
    return false;
}

const char *
ms_net_format(const struct sockaddr *address, char *buf, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;

        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(buf, size, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(buf, size, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
    } else {
        snprintf(buf, size, "(not an IP address)");
    }
    return buf;
}
