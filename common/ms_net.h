/* ms_net.h - TCP addresses and address lists, the one parser of both
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * server.listen ("HOST:PORT", "[IPV6]:PORT") and server.allow_addresses
 * (CIDRs such as "10.0.0.0/24 ::1 fd00::/8") are read here: the config
 * validates them with these functions (so a bad value is named with its
 * file, line and column) and migsearch-fcgi parses them again with the
 * same functions when it opens its socket and checks its peers. Numeric
 * addresses only: no name is resolved, so a value means the same at
 * every start. An IPv4 peer seen through an IPv6 socket (::ffff:a.b.c.d)
 * matches the IPv4 entries.
 */
#ifndef MS_NET_H
#define MS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One entry of an allow-list: 'family' AF_INET or AF_INET6, the network's
 * address bytes (4 or 16 used) and its prefix length. */
typedef struct ms_net_cidr {
    int family;
    unsigned char bytes[16];
    unsigned prefix;
} ms_net_cidr_t;

/* Entries one allow-list may hold. */
#define MS_NET_CIDRS_MAX 64

/* Parse "A.B.C.D:PORT" or "[IPV6]:PORT" (port 1 to 65535) into *out and
 * *length. Returns 0, or -1 with a one-line reason in 'reason'. */
int ms_net_parse_address(struct sockaddr_storage *out, socklen_t *length,
                         const char *text, char *reason, size_t reason_size);

/* Parse a list of addresses or CIDRs separated by spaces or commas ("" is
 * the empty list) into out[0..*count). Returns 0, or -1 with a reason
 * naming the bad entry. */
int ms_net_parse_cidrs(ms_net_cidr_t *out, size_t max, size_t *count, const char *text,
                       char *reason, size_t reason_size);

/* Called by ms_net_each_shard() for each endpoint, in order: the shard's
 * number and one "HOST:PORT", 'length' bytes, not NUL-terminated. A
 * non-zero return stops the walk and is returned. */
typedef int (*ms_net_shard_cb)(unsigned shard, const char *endpoint, size_t length,
                               void *payload);

/* Walk index.remote: shards separated by spaces, each "K=HOST:PORT" with
 * replicas after commas ("1=10.0.0.21:7100,10.0.0.22:7100"); K is 0 to
 * 999 and names each shard once, HOST is not empty (a name or an
 * address), PORT is 1 to 65535. The config checks a value with 'each'
 * NULL; the shim builds its list of shards with it. Returns 0, 'each''s
 * non-zero return, or -1 with a reason naming the bad entry. */
int ms_net_each_shard(const char *text, ms_net_shard_cb each, void *payload, char *reason,
                      size_t reason_size);

/* Whether the peer 'address' lies in one of list[0..count). */
bool ms_net_cidrs_match(const ms_net_cidr_t *list, size_t count,
                        const struct sockaddr *address);

/* 'address' (AF_INET or AF_INET6) as "A.B.C.D:PORT" or "[IPV6]:PORT". */
const char *ms_net_format(const struct sockaddr *address, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MS_NET_H */
