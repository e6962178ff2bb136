/* state.c - what the index remembers about each archive file, and fingerprints
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A state entry is a small text record, not JSON: archive paths are bytes,
 * not necessarily UTF-8, and JSON cannot carry every byte string. The
 * format (docs/index-schema.md, "Metadata"):
 *
 *     migsearch-state 1\n
 *     path <escaped path>\n
 *     fp <fingerprint>\n
 *     id <id>\n            (once per document)
 *
 * Ids never hold whitespace or control bytes (ms_index_put refuses them),
 * so they need no escaping. In the path, '%' and bytes below 0x21 or equal
 * to 0x7f are written as %XX.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"

#define STATE_MAGIC "migsearch-state 1\n"

/* Bump when what the indexer makes of a file changes in a way that old
 * entries should not be trusted (a new state format, say). */
#define STATE_SETTINGS_VERSION "1"

uint64_t
ms_state_hash(uint64_t hash, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        hash ^= p[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

char *
ms_state_key(const char *path)
{
    size_t len = strlen(path);
    char *key = malloc(len + 8 > 24 ? len + 8 : 24);

    if (!key)
        return NULL;
    /* Xapian limits keys to about 245 bytes; archive paths can be longer. A
     * hashed key is checked against the path stored in its value. */
    if (len <= MS_STATE_PATH_KEY_MAX)
        snprintf(key, len + 8, MS_STATE_PREFIX_PATH "%s", path);
    else
        snprintf(key, 24, MS_STATE_PREFIX_HASH "%016llx",
                 (unsigned long long)ms_state_hash(MS_STATE_HASH_INIT, path, len));
    return key;
}

static bool
needs_escape(unsigned char c)
{
    return c == '%' || c < 0x21 || c == 0x7f;
}

char *
ms_state_encode(const ms_state_entry_t *entry)
{
    size_t size = sizeof(STATE_MAGIC) + 8 + strlen(entry->fingerprint) + 8;
    char *out, *p;

    for (const unsigned char *s = (const unsigned char *)entry->path; *s; s++)
        size += needs_escape(*s) ? 3 : 1;
    for (size_t i = 0; i < entry->n_ids; i++)
        size += strlen(entry->ids[i]) + 4;
    out = malloc(size);
    if (!out)
        return NULL;
    p = out + sprintf(out, STATE_MAGIC "path ");
    for (const unsigned char *s = (const unsigned char *)entry->path; *s; s++) {
        if (needs_escape(*s))
            p += sprintf(p, "%%%02X", *s);
        else
            *p++ = (char)*s;
    }
    p += sprintf(p, "\nfp %s\n", entry->fingerprint);
    for (size_t i = 0; i < entry->n_ids; i++)
        p += sprintf(p, "id %s\n", entry->ids[i]);
    return out;
}

void
ms_state_entry_clear(ms_state_entry_t *entry)
{
    if (!entry)
        return;
    free(entry->path);
    free(entry->fingerprint);
    for (size_t i = 0; i < entry->n_ids; i++)
        free(entry->ids[i]);
    free(entry->ids);
    memset(entry, 0, sizeof(*entry));
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode the escaped path of 'len' bytes at 's'. NULL with *nomem set on
 * OOM, NULL alone if it is malformed. */
static char *
unescape(const char *s, size_t len, bool *nomem)
{
    char *out = malloc(len + 1), *p = out;

    if (!out) {
        *nomem = true;
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            *p++ = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        *p++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *p = '\0';
    return out;
}

int
ms_state_decode(ms_state_entry_t *out, const char *value)
{
    size_t capacity = 0;
    bool nomem = false;
    int rc = -1;
    const char *line;

    memset(out, 0, sizeof(*out));
    if (strncmp(value, STATE_MAGIC, strlen(STATE_MAGIC)) != 0)
        return -1;
    for (line = value + strlen(STATE_MAGIC); *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            goto out;
        size_t len = (size_t)(end - line);
        if (len > 5 && strncmp(line, "path ", 5) == 0 && !out->path) {
            out->path = unescape(line + 5, len - 5, &nomem);
            if (!out->path)
                goto out;
        } else if (len > 3 && strncmp(line, "fp ", 3) == 0 && !out->fingerprint) {
            out->fingerprint = strndup(line + 3, len - 3);
            if (!out->fingerprint) {
                nomem = true;
                goto out;
            }
        } else if (len > 3 && strncmp(line, "id ", 3) == 0) {
            if (out->n_ids == capacity) {
                size_t grown = capacity ? capacity * 2 : 4;
                char **ids = realloc(out->ids, grown * sizeof(*ids));
                if (!ids) {
                    nomem = true;
                    goto out;
                }
                out->ids = ids;
                capacity = grown;
            }
            out->ids[out->n_ids] = strndup(line + 3, len - 3);
            if (!out->ids[out->n_ids]) {
                nomem = true;
                goto out;
            }
            out->n_ids++;
        } else {
            goto out;
        }
        line = end + 1;
    }
    if (out->path && out->fingerprint)
        rc = 0;

out:
    if (rc != 0) {
        ms_state_entry_clear(out);
        if (nomem)
            rc = -2;
    }
    return rc;
}

uint64_t
ms_state_settings_hash(const char *default_language, bool spelling)
{
    uint64_t hash = MS_STATE_HASH_INIT;
    const char *language = default_language ? default_language : "";

    hash = ms_state_hash(hash, STATE_SETTINGS_VERSION, sizeof(STATE_SETTINGS_VERSION));
    hash = ms_state_hash(hash, language, strlen(language) + 1);
    hash = ms_state_hash(hash, spelling ? "s1" : "s0", 2);
    return hash;
}

static long long
ns_of(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Mix the identity of a stat'ed file into 'hash', and keep the newest of
 * its times in *newest. */
static uint64_t
hash_stat(uint64_t hash, const struct stat *st, long long *newest, bool *coarse)
{
    long long stamp[4] = {(long long)st->st_size, ns_of(&st->st_mtim),
                          ns_of(&st->st_ctim), (long long)st->st_ino};

    if (stamp[1] > *newest)
        *newest = stamp[1];
    if (stamp[2] > *newest)
        *newest = stamp[2];
    /* Whole-second times suggest a file system that keeps no more. */
    if (st->st_mtim.tv_nsec == 0 && st->st_ctim.tv_nsec == 0)
        *coarse = true;
    return ms_state_hash(hash, stamp, sizeof(stamp));
}

int
ms_state_fingerprint(char out[MS_STATE_FINGERPRINT_SIZE], bool *racy, const char *root,
                     const char *path, uint64_t settings, const struct timespec *now)
{
    char **deps = NULL;
    char *full = NULL;
    size_t full_size = strlen(root) + strlen(path) + 2;
    uint64_t hash = ms_state_hash(MS_STATE_HASH_INIT, &settings, sizeof(settings));
    long long newest = 0, window;
    bool coarse = false;
    struct stat st;
    int rc = 0;

    *racy = false;
    full = malloc(full_size + 4096);
    if (!full)
        return -2;
    snprintf(full, full_size, "%s/%s", root, path);
    if (stat(full, &st) != 0) {
        rc = -1;
        goto out;
    }
    hash = hash_stat(hash, &st, &newest, &coarse);

    if (ms_archive_dependencies(&deps, root, path) != MS_ARCHIVE_OK) {
        rc = -2;
        goto out;
    }
    for (size_t i = 0; deps[i]; i++) {
        int n = snprintf(full, full_size + 4096, "%s/%s", root, deps[i]);
        hash = ms_state_hash(hash, deps[i], strlen(deps[i]) + 1);
        /* A dependency that cannot be stat'ed (a dangling link) still
         * counts, by name: ms_archive_load() reports it. */
        if (n > 0 && (size_t)n < full_size + 4096 && stat(full, &st) == 0)
            hash = hash_stat(hash, &st, &newest, &coarse);
        else
            hash = ms_state_hash(hash, "missing", 7);
    }

    /* Two writes within one tick of the file system's clock leave the same
     * times. If the newest time is that close to now, a write right after
     * this stat could go unnoticed; the entry is then marked so that the
     * next run reads the file again. */
    window = coarse ? 2000000000LL : 100000000LL;
    *racy = ns_of(now) - newest < window;
    snprintf(out, MS_STATE_FINGERPRINT_SIZE, "%016llx%s", (unsigned long long)hash,
             *racy ? "~" : "");

out:
    ms_archive_strings_free(deps);
    free(full);
    return rc;
}

/* A map with open addressing; keys are borrowed. */
struct ms_strmap {
    const char **keys;
    size_t *values;
    size_t size; /* a power of two */
    size_t used;
};

ms_strmap_t *
ms_strmap_new(void)
{
    ms_strmap_t *map = calloc(1, sizeof(*map));

    if (!map)
        return NULL;
    map->size = 64;
    map->keys = calloc(map->size, sizeof(*map->keys));
    map->values = calloc(map->size, sizeof(*map->values));
    if (!map->keys || !map->values) {
        ms_strmap_free(map);
        return NULL;
    }
    return map;
}

void
ms_strmap_free(ms_strmap_t *map)
{
    if (!map)
        return;
    free(map->keys);
    free(map->values);
    free(map);
}

static size_t
slot_of(const char **keys, size_t size, const char *key)
{
    size_t i = (size_t)ms_state_hash(MS_STATE_HASH_INIT, key, strlen(key)) & (size - 1);

    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & (size - 1);
    return i;
}

size_t
ms_strmap_get(const ms_strmap_t *map, const char *key)
{
    size_t i = slot_of(map->keys, map->size, key);

    return map->keys[i] ? map->values[i] : MS_STRMAP_NONE;
}

int
ms_strmap_put(ms_strmap_t *map, const char *key, size_t value)
{
    size_t i;

    if ((map->used + 1) * 2 > map->size) {
        size_t size = map->size * 2;
        const char **keys = calloc(size, sizeof(*keys));
        size_t *values = calloc(size, sizeof(*values));
        if (!keys || !values) {
            free(keys);
            free(values);
            return -1;
        }
        for (size_t j = 0; j < map->size; j++) {
            if (map->keys[j]) {
                size_t k = slot_of(keys, size, map->keys[j]);
                keys[k] = map->keys[j];
                values[k] = map->values[j];
            }
        }
        free(map->keys);
        free(map->values);
        map->keys = keys;
        map->values = values;
        map->size = size;
    }
    i = slot_of(map->keys, map->size, key);
    if (!map->keys[i]) {
        map->keys[i] = key;
        map->used++;
    }
    map->values[i] = value;
    return 0;
}
