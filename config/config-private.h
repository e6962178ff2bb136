/* config-private.h - the key table shared by config.c, keys.c and the tests
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Not installed and not part of the API: only config/ and
 * tests/unit/test_config.c include it. The table is the single place that
 * knows which keys exist; config.c only walks YAML and asks the table.
 */
#ifndef MS_CONFIG_PRIVATE_H
#define MS_CONFIG_PRIVATE_H

#include <stddef.h>

#include "ms_config.h"

typedef enum ms_config__type {
    MS_CONFIG__STRING,    /* char *; min/max bound the length in bytes */
    MS_CONFIG__PATH,      /* char *; relative values resolved against the file */
    MS_CONFIG__UINT,      /* unsigned; decimal, min..max */
    MS_CONFIG__SIZE,      /* size_t; bytes or a K/M/G suffix, min..max */
    MS_CONFIG__MODE,      /* unsigned; octal permission bits, min..max */
    MS_CONFIG__BOOL,      /* bool; true/false/yes/no/on/off */
    MS_CONFIG__LOGLEVEL,  /* ms_log_level_t; err/warn/info/debug */
    MS_CONFIG__LANGUAGE,  /* char *; one of the stemmer codes or "none" */
    MS_CONFIG__DELIVERY,  /* ms_file_delivery_t; how /doc/{id}/file is answered */
    MS_CONFIG__ADDRESS,   /* char *; "" or a numeric HOST:PORT (common/ms_net.h) */
    MS_CONFIG__ADDRESSES, /* char *; addresses and CIDRs (common/ms_net.h) */
    MS_CONFIG__SHARDS     /* char *; index.remote's shards (ms_net_each_shard) */
} ms_config__type_t;

typedef struct ms_config__key {
    const char *name; /* dotted: "server.threads" */
    ms_config__type_t type;
    size_t offset; /* offsetof(ms_config_t, ...) */
    const char *default_text;
    unsigned long long min;
    unsigned long long max;
    const char *doc; /* one line, used by docs/config.md */
} ms_config__key_t;

extern const ms_config__key_t ms_config__keys[];
extern const size_t ms_config__key_count;

/* Values ms_config__set() can return besides 0. */
#define MS_CONFIG__INVALID (-1) /* 'reason' says why */
#define MS_CONFIG__NOMEM (-2)

/* The index in ms_config__keys of 'name' (length 'len'), or -1. */
int ms_config__find(const char *name, size_t len);

/* True if some key's name starts with 'prefix' followed by a dot, i.e.
 * 'prefix' names a mapping of keys such as "server". */
int ms_config__is_section(const char *prefix, size_t len);

/* Describe what 'key' accepts, e.g. "an unsigned integer from 1 to 256",
 * into 'buf'. Returns 'buf'. */
const char *ms_config__describe(const ms_config__key_t *key, char *buf, size_t size);

/* Parse 'text' ('len' bytes, may hold NUL bytes, which are rejected) as the
 * value of 'key' and store it into 'cfg', freeing any string it replaces.
 * Relative paths are joined to 'base_dir' unless it is NULL.
 * Returns 0, MS_CONFIG__INVALID with "expected ..." in 'reason', or
 * MS_CONFIG__NOMEM. */
int ms_config__set(ms_config_t *cfg, const ms_config__key_t *key, const char *text,
                   size_t len, const char *base_dir, char *reason, size_t reason_size);

/* Join the relative path 'text' to 'base_dir' with one slash between.
 * Returns a string the caller frees with free(), or NULL on OOM. */
char *ms_config__join_path(const char *base_dir, const char *text);

/* Checks between keys, run once every key is set. 'seen' has one flag per
 * table entry, true when the file set that key; a rule blames a key the
 * file set rather than a default. Returns 0, or -1 with the index of the
 * blamed key in *key_index and "must ..." in 'reason'. */
int ms_config__check(const ms_config_t *cfg, const unsigned char *seen, size_t *key_index,
                     char *reason, size_t reason_size);

#endif /* MS_CONFIG_PRIVATE_H */
