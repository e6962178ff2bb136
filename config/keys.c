/* keys.c - every configuration key: name, type, default, range and parser
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_config__keys is the one list of keys. config.c walks the YAML tree and
 * looks names up here; ms_config_defaults() feeds each default_text through
 * the same parser the file goes through, so a default can never be a value
 * the file could not hold. docs/config.md and config/migsearch.yaml follow
 * this table, and tests/unit/test_config.c checks that they do.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-private.h"
#include "ms_limits.h"
#include "ms_net.h"

#define KEY(name, type, field, def, min, max, doc)                                       \
    {                                                                                    \
        name, type, offsetof(ms_config_t, field), def, min, max, doc                     \
    }

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* sizeof(struct sockaddr_un.sun_path) is 108 on Linux; one byte is the NUL. */
#define MS_SOCKET_PATH_MAX 107
/* groupadd (shadow-utils) refuses group names longer than 32 bytes. */
#define MS_GROUP_NAME_MAX 32
/* Lists of user or group names (server.allow_users, allow_groups). */
#define MS_PEER_NAMES_MAX 512
#define MS_PATH_MAX 4095

const ms_config__key_t ms_config__keys[] = {
    KEY("index.path", MS_CONFIG__PATH, index.path, "/var/lib/migsearch/index", 1,
        MS_PATH_MAX, "the Xapian index directory, written by migsearch-index"),
    KEY("index.language", MS_CONFIG__LANGUAGE, index.language, "en", 0, 0,
        "stemming language for documents and queries that do not name one"),
    KEY("index.synonyms", MS_CONFIG__PATH, index.synonyms, "", 0, MS_PATH_MAX,
        "YAML file of synonym groups applied to queries; \"\": none; a file "
        "named must exist and be readable"),
    KEY("index.spelling", MS_CONFIG__BOOL, index.spelling, "true", 0, 0,
        "whether the indexer builds the spelling dictionary for did-you-mean"),
    KEY("index.jobs", MS_CONFIG__UINT, index.jobs, "0", 0, 64,
        "worker processes of a full rebuild; 0: one per online CPU, at most 8"),
    KEY("index.shards", MS_CONFIG__UINT, index.shards, "1", 1, 256,
        "shards migsearch-index writes, each document in shard hash(id) mod N; "
        "a change needs --rebuild"),
    KEY("index.remote", MS_CONFIG__SHARDS, index.remote, "", 0, 4096,
        "shards migsearch-fcgi reaches through xapian-tcpsrv instead of their folders: "
        "K=host:port[,host:port...] for each (replicas tried in order), separated by "
        "spaces; \"\": none"),
    KEY("index.remote_timeout_ms", MS_CONFIG__UINT, index.remote_timeout_ms, "1000", 10,
        60000,
        "milliseconds one operation on a remote shard may take before the shard "
        "counts as down; at most half of search.time_budget_ms is waited"),
    KEY("index.remote_connect_timeout_ms", MS_CONFIG__UINT,
        index.remote_connect_timeout_ms, "250", 10, 60000,
        "milliseconds a connection to a shard host may take before its next replica is "
        "tried"),
    KEY("index.remote_reprobe_s", MS_CONFIG__UINT, index.remote_reprobe_s, "5", 1, 3600,
        "seconds before a remote shard that was down is tried again"),

    KEY("archive.path", MS_CONFIG__PATH, archive.path, "/srv/migsearch/archive", 1,
        MS_PATH_MAX, "the archive folder migsearch-index reads"),
    KEY("archive.max_file_size", MS_CONFIG__SIZE, archive.max_file_size, "64M", 1, GIB,
        "archive files larger than this are skipped with a warning"),
    KEY("archive.batch_size", MS_CONFIG__UINT, archive.batch_size, "500", 1, 100000,
        "documents written per index commit"),
    KEY("archive.extract_timeout", MS_CONFIG__UINT, archive.extract_timeout, "30", 1,
        3600, "seconds one HTML, PDF, DOCX or ODT extraction may take"),
    KEY("archive.extract_memory", MS_CONFIG__SIZE, archive.extract_memory, "1G", 16 * MIB,
        16 * GIB, "memory one extraction may use; past it the file is skipped"),
    KEY("archive.max_document_text", MS_CONFIG__SIZE, archive.max_document_text, "16M",
        64 * 1024, 64 * MIB,
        "text of one document kept, indexed and stored; the rest is cut, with a "
        "warning naming the file"),
    KEY("archive.max_jsonl_size", MS_CONFIG__SIZE, archive.max_jsonl_size, "4G", MIB,
        64 * GIB,
        ".jsonl files larger than this are skipped with a warning (their lines are "
        "each held to max_file_size)"),

    KEY("server.socket", MS_CONFIG__PATH, server.socket, "/run/migsearch/migsearch.sock",
        1, MS_SOCKET_PATH_MAX, "unix socket migsearch-fcgi listens on for nginx"),
    KEY("server.socket_mode", MS_CONFIG__MODE, server.socket_mode, "0660", 0, 0777,
        "permission bits of the socket"),
    KEY("server.socket_group", MS_CONFIG__STRING, server.socket_group, "www-data", 0,
        MS_GROUP_NAME_MAX, "group owning the socket; \"\" keeps the process's group"),
    KEY("server.threads", MS_CONFIG__UINT, server.threads, "4", 1, 256,
        "worker threads, each with its own read-only index handle"),
    KEY("server.files_location", MS_CONFIG__STRING, server.files_location,
        "/_migsearch/files/", 1, 200,
        "nginx internal location that serves archive files (X-Accel-Redirect)"),
    KEY("server.file_delivery", MS_CONFIG__DELIVERY, server.file_delivery,
        "x-accel-redirect", 0, 0,
        "how /doc/{id}/file hands out a file: x-accel-redirect (nginx), x-sendfile "
        "(lighttpd, Apache with mod_xsendfile) or stream (the server sends it)"),
    KEY("server.backlog", MS_CONFIG__UINT, server.backlog, "256", 1, 65535,
        "listen() backlog of the socket"),
    KEY("server.allow_users", MS_CONFIG__STRING, server.allow_users, "www-data", 0,
        MS_PEER_NAMES_MAX,
        "users whose processes may connect to the socket, separated by spaces or commas; "
        "root and the server's own user always may"),
    KEY("server.allow_groups", MS_CONFIG__STRING, server.allow_groups, "", 0,
        MS_PEER_NAMES_MAX,
        "groups whose processes (by primary group) may connect, separated by spaces or "
        "commas"),
    KEY("server.read_timeout", MS_CONFIG__UINT, server.read_timeout, "10", 1, 3600,
        "seconds a request's header may take to arrive, and a kept connection may stay "
        "idle; then the connection is closed"),
    KEY("server.write_timeout", MS_CONFIG__UINT, server.write_timeout, "30", 1, 3600,
        "seconds one write of an answer may wait for the peer to read; then the "
        "connection is closed"),
    KEY("server.peer_share", MS_CONFIG__UINT, server.peer_share, "0", 0, 256,
        "worker threads one peer process may keep waiting for a request header; 0: half "
        "of server.threads (at least one)"),
    KEY("server.listen", MS_CONFIG__ADDRESS, server.listen, "", 0, 64,
        "numeric TCP address and port to listen on instead of server.socket, such as "
        "10.0.0.2:9000 or [fd00::2]:9000; \"\": the unix socket"),
    KEY("server.allow_addresses", MS_CONFIG__ADDRESSES, server.allow_addresses, "", 0,
        MS_PEER_NAMES_MAX,
        "addresses and networks (CIDR) whose TCP connections are served, separated by "
        "spaces or commas, such as 10.0.0.5 fd00::/64; every other TCP peer is refused"),

    KEY("search.per_page", MS_CONFIG__UINT, search.per_page, "10", 1, 1000,
        "results per page when the request does not say"),
    KEY("search.max_per_page", MS_CONFIG__UINT, search.max_per_page, "100", 1, 1000,
        "largest per_page a request may ask for"),
    KEY("search.max_page", MS_CONFIG__UINT, search.max_page, "1000", 1, 1000000,
        "largest page number a request may ask for"),
    KEY("search.max_query_length", MS_CONFIG__UINT, search.max_query_length,
        MS_LIMIT_TEXT(MS_LIMIT_QUERY_BYTES), 1, 4096,
        "bytes of a query searched; a longer query is cut to its first words and "
        "searched as plain words (plain_words: true)"),
    KEY("search.snippet_length", MS_CONFIG__UINT, search.snippet_length, "240", 16, 4096,
        "characters of context shown around each hit"),
    KEY("search.snippets", MS_CONFIG__UINT, search.snippets, "3", 1, 10,
        "highlighted passages shown per hit of a long document"),
    KEY("search.max_terms", MS_CONFIG__UINT, search.max_terms,
        MS_LIMIT_TEXT(MS_LIMIT_QUERY_TERMS), 1, 1024,
        "most words and operators a query may have; a longer query is cut to its first "
        "max_terms words that are not stop words and searched as plain words "
        "(plain_words: "
        "true)"),
    KEY("search.max_depth", MS_CONFIG__UINT, search.max_depth,
        MS_LIMIT_TEXT(MS_LIMIT_QUERY_DEPTH), 1, 64,
        "deepest bracket nesting parsed; deeper queries are searched as plain words"),
    KEY("search.max_expansion", MS_CONFIG__UINT, search.max_expansion,
        MS_LIMIT_TEXT(MS_LIMIT_EXPANSION), 1, 10000,
        "terms one wildcard expands to, the most frequent first"),
    KEY("search.max_expansion_total", MS_CONFIG__UINT, search.max_expansion_total,
        MS_LIMIT_TEXT(MS_LIMIT_EXPANSION_TOTAL), 1, 10000,
        "terms all wildcards of one query expand to together; with more wildcards "
        "than that allows at max_expansion each, each expands to an equal share"),
    KEY("search.feedback", MS_CONFIG__BOOL, search.feedback, "true", 0, 0,
        "pseudo relevance feedback: words of the best hits reorder the results (better "
        "ranking, docs/relevance.md; about three times the CPU of a search)"),
    KEY("search.feedback_window", MS_CONFIG__UINT, search.feedback_window,
        MS_LIMIT_TEXT(MS_LIMIT_FEEDBACK_WINDOW), 0, 100000,
        "nonzero: for a query whose words are in at least four times as many "
        "documents, feedback reorders only that many best matches, which stay first, "
        "the rest following in their own order (cheaper where a query matches many "
        "documents); 0: every match"),
    KEY("search.facet_limit", MS_CONFIG__UINT, search.facet_limit,
        MS_LIMIT_TEXT(MS_LIMIT_FACET_MATCHES), 100, 10000000,
        "matches counted for facets; a search with more counts an even sample of that "
        "many and scales the counts to the total (facets_estimated: true)"),
    KEY("search.feed_size", MS_CONFIG__UINT, search.feed_size, "20", 1, 100,
        "entries in an Atom feed of a search"),
    KEY("search.suggestions", MS_CONFIG__UINT, search.suggestions, "8", 1, 50,
        "completions /suggest returns"),
    KEY("search.time_budget_ms", MS_CONFIG__UINT, search.time_budget_ms,
        MS_LIMIT_TEXT(MS_LIMIT_TIME_BUDGET_MS), 10, 60000,
        "milliseconds one search may work; phases not begun in time are skipped "
        "(partial: true) or, before the match, the answer is 503 over_budget"),
    KEY("search.partial_shards", MS_CONFIG__BOOL, search.partial_shards, "true", 0, 0,
        "with a shard down, answer from the others (partial: true, missing_shards); "
        "false: 503 shard_down, and /health 503 degraded"),
    KEY("search.cache_mb", MS_CONFIG__UINT, search.cache_mb, "32", 0, 1024,
        "megabytes of documents each server thread keeps until the index changes (hits' "
        "records and text for snippets, feedback documents' terms, half each); 0: none"),
    KEY("search.result_cache_mb", MS_CONFIG__UINT, search.result_cache_mb, "32", 0, 1024,
        "megabytes of whole /search answers the server keeps (one store for all its "
        "threads), given again for the same query string and groups until the index or "
        "config changes; 0: none"),

    KEY("log.level", MS_CONFIG__LOGLEVEL, log.level, "info", 0, 0,
        "least severe level written: err, warn, info or debug"),
    KEY("log.queries", MS_CONFIG__BOOL, log.queries, "false", 0, 0,
        "whether query text may appear in the log"),
};

const size_t ms_config__key_count = sizeof(ms_config__keys) / sizeof(ms_config__keys[0]);

/* The stemmers ms_index knows, plus "none" for unstemmed indexing. */
static const char *const languages[] = {"en", "fr", "es", "ru", "ar", "zh", "none"};

/* The names of ms_file_delivery_t, in its order. */
static const char *const deliveries[] = {"x-accel-redirect", "x-sendfile", "stream"};

int
ms_config__find(const char *name, size_t len)
{
    for (size_t i = 0; i < ms_config__key_count; i++) {
        const char *key = ms_config__keys[i].name;
        if (strlen(key) == len && memcmp(key, name, len) == 0)
            return (int)i;
    }
    return -1;
}

int
ms_config__is_section(const char *prefix, size_t len)
{
    for (size_t i = 0; i < ms_config__key_count; i++) {
        const char *key = ms_config__keys[i].name;
        if (strlen(key) > len && memcmp(key, prefix, len) == 0 && key[len] == '.')
            return 1;
    }
    return 0;
}

/* "64M" rather than "67108864" in messages, when the value allows it. */
static void
format_size(char *buf, size_t size, unsigned long long value)
{
    if (value != 0 && value % GIB == 0)
        snprintf(buf, size, "%lluG", value / GIB);
    else if (value != 0 && value % MIB == 0)
        snprintf(buf, size, "%lluM", value / MIB);
    else if (value != 0 && value % KIB == 0)
        snprintf(buf, size, "%lluK", value / KIB);
    else
        snprintf(buf, size, "%llu", value);
}

const char *
ms_config__describe(const ms_config__key_t *key, char *buf, size_t size)
{
    char min[32], max[32];

    switch (key->type) {
    case MS_CONFIG__STRING:
        snprintf(buf, size, "%s of at most %llu bytes",
                 key->min > 0 ? "a non-empty string" : "a string", key->max);
        break;
    case MS_CONFIG__PATH:
        snprintf(buf, size, "%s of at most %llu bytes",
                 key->min > 0 ? "a non-empty path" : "a path (or \"\")", key->max);
        break;
    case MS_CONFIG__UINT:
        snprintf(buf, size, "an unsigned integer from %llu to %llu", key->min, key->max);
        break;
    case MS_CONFIG__SIZE:
        format_size(min, sizeof(min), key->min);
        format_size(max, sizeof(max), key->max);
        snprintf(buf, size,
                 "a size from %s to %s (bytes, or a number with suffix K, M or G)", min,
                 max);
        break;
    case MS_CONFIG__MODE:
        snprintf(buf, size, "an octal mode from %04llo to %04llo, such as 0660", key->min,
                 key->max);
        break;
    case MS_CONFIG__BOOL:
        snprintf(buf, size, "true or false (or yes/no, on/off)");
        break;
    case MS_CONFIG__LOGLEVEL:
        snprintf(buf, size, "one of err, warn, info, debug");
        break;
    case MS_CONFIG__LANGUAGE:
        snprintf(buf, size, "one of en, fr, es, ru, ar, zh, none");
        break;
    case MS_CONFIG__DELIVERY:
        snprintf(buf, size, "one of x-accel-redirect, x-sendfile, stream");
        break;
    case MS_CONFIG__ADDRESS:
        snprintf(buf, size, "\"\" or a numeric A.B.C.D:PORT or [IPV6]:PORT");
        break;
    case MS_CONFIG__ADDRESSES:
        snprintf(buf, size, "addresses or networks such as 10.0.0.0/24 fd00::/8");
        break;
    case MS_CONFIG__SHARDS:
        snprintf(buf, size,
                 "shards such as 1=10.0.0.21:7100,10.0.0.22:7100 2=10.0.0.22:7200");
        break;
    }
    return buf;
}

/* Decimal or octal digits only: no sign, no spaces, no "0x", no trailing
 * junk, and no silent wrap-around. Returns 0, or -1. */
static int
parse_digits(unsigned long long *out, const char *text, size_t len, unsigned base)
{
    unsigned long long value = 0;

    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned digit = (unsigned char)text[i] - '0';
        if (digit >= base)
            return -1;
        if (value > (ULLONG_MAX - digit) / base)
            return -1;
        value = value * base + digit;
    }
    *out = value;
    return 0;
}

static int
parse_size(unsigned long long *out, const char *text, size_t len)
{
    unsigned long long multiplier = 1;

    if (len > 0) {
        switch (text[len - 1]) {
        case 'K':
        case 'k':
            multiplier = KIB;
            break;
        case 'M':
        case 'm':
            multiplier = MIB;
            break;
        case 'G':
        case 'g':
            multiplier = GIB;
            break;
        }
        if (multiplier != 1)
            len--;
    }
    if (parse_digits(out, text, len, 10) != 0 || *out > ULLONG_MAX / multiplier)
        return -1;
    *out *= multiplier;
    return 0;
}

static int
parse_bool(bool *out, const char *text)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* A leading "./" is dropped so that "./idx" and "idx" give the same, tidy
 * path; ".." is kept, since only the file system knows what it means. */
char *
ms_config__join_path(const char *base_dir, const char *text)
{
    size_t base_len, text_len;
    char *joined;

    while (text[0] == '.' && text[1] == '/') {
        text += 2;
        while (text[0] == '/')
            text++;
    }
    if (strcmp(text, ".") == 0)
        text = "";
    base_len = strlen(base_dir);
    while (base_len > 1 && base_dir[base_len - 1] == '/')
        base_len--;
    text_len = strlen(text);
    joined = malloc(base_len + 1 + text_len + 1);
    if (joined == NULL)
        return NULL;
    memcpy(joined, base_dir, base_len);
    if (text_len > 0 && !(base_len == 1 && base_dir[0] == '/'))
        joined[base_len++] = '/';
    memcpy(joined + base_len, text, text_len + 1);
    return joined;
}

static int
set_string(ms_config_t *cfg, const ms_config__key_t *key, const char *text,
           const char *base_dir)
{
    char **slot = (char **)((char *)cfg + key->offset);
    char *copy;
    size_t len;
    int status = 0;

    /* Bound the text as written too: "" must not resolve to the directory. */
    if (key->type != MS_CONFIG__LANGUAGE && strlen(text) < key->min) {
        status = MS_CONFIG__INVALID;
        goto out;
    }
    if (key->type == MS_CONFIG__PATH && text[0] != '/' && text[0] != '\0' &&
        base_dir != NULL)
        copy = ms_config__join_path(base_dir, text);
    else
        copy = strdup(text);
    if (copy == NULL) {
        status = MS_CONFIG__NOMEM;
        goto out;
    }
    len = strlen(copy);
    if (key->type != MS_CONFIG__LANGUAGE && (len < key->min || len > key->max)) {
        free(copy);
        status = MS_CONFIG__INVALID;
        goto out;
    }
    free(*slot);
    *slot = copy;
out:
    return status;
}

/* server.listen and server.allow_addresses: checked by the parser
 * migsearch-fcgi uses (ms_net.h), kept as written. */
static int
set_address(ms_config_t *cfg, const ms_config__key_t *key, const char *text, char *reason,
            size_t reason_size)
{
    struct sockaddr_storage address;
    socklen_t length;
    ms_net_cidr_t list[MS_NET_CIDRS_MAX];
    size_t count;

    if (strlen(text) > key->max)
        return MS_CONFIG__INVALID;
    if (key->type == MS_CONFIG__ADDRESS && text[0] != '\0' &&
        ms_net_parse_address(&address, &length, text, reason, reason_size) != 0)
        return MS_CONFIG__INVALID;
    if (key->type == MS_CONFIG__ADDRESSES &&
        ms_net_parse_cidrs(list, MS_NET_CIDRS_MAX, &count, text, reason, reason_size) !=
            0)
        return MS_CONFIG__INVALID;
    if (key->type == MS_CONFIG__SHARDS &&
        ms_net_each_shard(text, NULL, NULL, reason, reason_size) != 0)
        return MS_CONFIG__INVALID;
    return set_string(cfg, key, text, NULL);
}

int
ms_config__set(ms_config_t *cfg, const ms_config__key_t *key, const char *text,
               size_t len, const char *base_dir, char *reason, size_t reason_size)
{
    char *field = (char *)cfg + key->offset;
    unsigned long long number = 0;
    int status = 0;
    char expected[160];

    reason[0] = '\0';
    /* libyaml allows "\0" in quoted scalars; C strings cannot carry it. */
    if (memchr(text, '\0', len) != NULL) {
        snprintf(reason, reason_size, "must not contain a NUL byte");
        status = MS_CONFIG__INVALID;
        goto out;
    }

    switch (key->type) {
    case MS_CONFIG__STRING:
    case MS_CONFIG__PATH:
        status = set_string(cfg, key, text, base_dir);
        break;
    case MS_CONFIG__LANGUAGE:
        status = MS_CONFIG__INVALID;
        for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++) {
            if (strcmp(text, languages[i]) == 0) {
                status = set_string(cfg, key, text, NULL);
                break;
            }
        }
        break;
    case MS_CONFIG__UINT:
    case MS_CONFIG__MODE:
        if (parse_digits(&number, text, len, key->type == MS_CONFIG__MODE ? 8 : 10) !=
                0 ||
            number < key->min || number > key->max)
            status = MS_CONFIG__INVALID;
        else
            *(unsigned *)field = (unsigned)number;
        break;
    case MS_CONFIG__SIZE:
        if (parse_size(&number, text, len) != 0 || number < key->min ||
            number > key->max || number > SIZE_MAX)
            status = MS_CONFIG__INVALID;
        else
            *(size_t *)field = (size_t)number;
        break;
    case MS_CONFIG__BOOL:
        if (parse_bool((bool *)field, text) != 0)
            status = MS_CONFIG__INVALID;
        break;
    case MS_CONFIG__LOGLEVEL:
        if (ms_log_level_parse((ms_log_level_t *)field, text) != 0)
            status = MS_CONFIG__INVALID;
        break;
    case MS_CONFIG__DELIVERY:
        status = MS_CONFIG__INVALID;
        for (size_t i = 0; i < sizeof(deliveries) / sizeof(deliveries[0]); i++) {
            if (strcmp(text, deliveries[i]) == 0) {
                *(ms_file_delivery_t *)field = (ms_file_delivery_t)i;
                status = 0;
            }
        }
        break;
    case MS_CONFIG__ADDRESS:
    case MS_CONFIG__ADDRESSES:
    case MS_CONFIG__SHARDS:
        status = set_address(cfg, key, text, reason, reason_size);
        break;
    }

    if (status == MS_CONFIG__INVALID && reason[0] == '\0')
        snprintf(reason, reason_size, "expected %s",
                 ms_config__describe(key, expected, sizeof(expected)));
out:
    return status;
}

/* Whether the file at 'path' can be read: the synonyms file is read by
 * the indexer on every run, and a file named but missing would otherwise
 * turn synonyms off in silence. Checked by both programs at start (and by
 * --check-config), so a typo shows before the first search. */
static int
check_readable(const char *path, char *reason, size_t reason_size)
{
    struct stat st;
    /* O_NONBLOCK: a FIFO at the path must not hang the check. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    int status = -1;

    if (fd < 0) {
        snprintf(reason, reason_size, "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(reason, reason_size, "cannot read %s: not a regular file", path);
        goto out;
    }
    status = 0;
out:
    if (fd >= 0)
        close(fd);
    return status;
}

int
ms_config__check(const ms_config_t *cfg, const unsigned char *seen, size_t *key_index,
                 char *reason, size_t reason_size)
{
    int per_page = ms_config__find("search.per_page", strlen("search.per_page"));
    int max_per_page =
        ms_config__find("search.max_per_page", strlen("search.max_per_page"));

    if (cfg->search.per_page > cfg->search.max_per_page) {
        /* Blame a key the file set, per_page if it set both. */
        if (seen[per_page] || !seen[max_per_page]) {
            *key_index = (size_t)per_page;
            snprintf(reason, reason_size, "must not exceed search.max_per_page (%u)",
                     cfg->search.max_per_page);
        } else {
            *key_index = (size_t)max_per_page;
            snprintf(reason, reason_size, "must be at least search.per_page (%u)",
                     cfg->search.per_page);
        }
        return -1;
    }
    if (cfg->index.synonyms[0] != '\0' &&
        check_readable(cfg->index.synonyms, reason, reason_size) != 0) {
        *key_index = (size_t)ms_config__find("index.synonyms", strlen("index.synonyms"));
        return -1;
    }
    return 0;
}
