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
 * Ids never hold whitespace or control bytes (ms_index_put refuses them,
 * by ms_schema_id_check), so they need no escaping. In the path, '%' and
 * bytes below 0x21 or equal to 0x7f are written as %XX.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ms_archive.h"
#include "ms_hash.h"
#include "ms_buf.h"
#include "state.h"
#include "util.h"

#define STATE_MAGIC "migsearch-state 1\n"

/* Bump when what the indexer makes of a file changes in a way that old
 * entries should not be trusted (a new state format, say). 2: theme and
 * country names became words of their documents, so every
 * file is read again once. 3: text is composed (NFC) before it becomes
 * terms and stored data (indexer/shim/compose.cc). 4: the Latin
 * ligatures (U+FB00 to U+FB06) become their letters there too. */
#define STATE_SETTINGS_VERSION "4"

char *
ms_state_key(const char *path)
{
    ms_buf_t key = MS_BUF_INIT;
    size_t len = strlen(path);

    /* Xapian limits keys to about 245 bytes; archive paths can be longer. A
     * hashed key is checked against the path stored in its value. */
    if (len <= MS_STATE_PATH_KEY_MAX)
        ms_buf_printf(&key, MS_STATE_PREFIX_PATH "%s", path);
    else
        ms_buf_printf(&key, MS_STATE_PREFIX_HASH "%016llx",
                      (unsigned long long)ms_hash(MS_HASH_INIT, path, len));
    return ms_buf_take(&key, NULL);
}

static bool
needs_escape(unsigned char c)
{
    return c == '%' || c < 0x21 || c == 0x7f;
}

char *
ms_state_encode(const ms_state_entry_t *entry)
{
    ms_buf_t out = MS_BUF_INIT;

    ms_buf_puts(&out, STATE_MAGIC "path ");
    for (const unsigned char *s = (const unsigned char *)entry->path; *s; s++) {
        if (needs_escape(*s))
            ms_buf_printf(&out, "%%%02X", *s);
        else
            ms_buf_putc(&out, (char)*s);
    }
    ms_buf_printf(&out, "\nfp %s\n", entry->fingerprint);
    for (size_t i = 0; i < entry->n_ids; i++)
        ms_buf_printf(&out, "id %s\n", entry->ids[i]);
    return ms_buf_take(&out, NULL);
}

void
ms_state_entry_clear(ms_state_entry_t *entry)
{
    if (!entry)
        return;
    while (entry->n_ids > 0)
        free(entry->ids[--entry->n_ids]);
    free(entry->ids);
    free(entry->path);
    free(entry->fingerprint);
    memset(entry, 0, sizeof(*entry));
}

/* The value of the hex digit 'c', or -1. */
static int
hex_value(char c)
{
    static const char digits[] = "0123456789abcdef";
    const char *at = c ? strchr(digits, tolower((unsigned char)c)) : NULL;

    return at ? (int)(at - digits) : -1;
}

/* Decode the escaped path of 'len' bytes at 's' into *out. 0, -1 if it is
 * malformed, -2 on OOM. */
static int
unescape(char **out, const char *s, size_t len)
{
    char *p = *out = malloc(len + 1);

    if (!p)
        return -2;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            *p++ = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0))
            return -1; /* the caller frees *out */
        *p++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *p = '\0';
    return 0;
}

/* Add the id of 'len' bytes at 's' to 'entry'. 0, or -2 on OOM. */
static int
add_id(ms_state_entry_t *entry, size_t *capacity, const char *s, size_t len)
{
    char **ids = ms_util_grow(entry->ids, capacity, entry->n_ids, sizeof(*ids));

    if (!ids)
        return -2;
    entry->ids = ids;
    if ((ids[entry->n_ids] = strndup(s, len)) == NULL)
        return -2;
    entry->n_ids++;
    return 0;
}

/* Take the line of 'len' bytes at 'line' into 'out', or only count it in
 * *counted if it is an id and 'counted' is not NULL. 0, -1 if it is not a
 * line of an entry, -2 on OOM. */
static int
take_line(ms_state_entry_t *out, size_t *capacity, size_t *counted, const char *line,
          size_t len)
{
    /* Ids first, compared in place: nearly every line is one, and an
     * update counts a million of them (docs/performance.md). */
    if (len > 3 && line[0] == 'i' && line[1] == 'd' && line[2] == ' ') {
        if (counted) {
            (*counted)++;
            return 0;
        }
        return add_id(out, capacity, line + 3, len - 3);
    }
    if (len > 5 && strncmp(line, "path ", 5) == 0 && !out->path)
        return unescape(&out->path, line + 5, len - 5);
    if (len > 3 && strncmp(line, "fp ", 3) == 0 && !out->fingerprint)
        return (out->fingerprint = strndup(line + 3, len - 3)) ? 0 : -2;
    return -1;
}

/* ms_state_decode(), or ms_state_decode_head() when 'counted' is not
 * NULL. */
static int
decode(ms_state_entry_t *out, size_t *counted, const char *value)
{
    size_t capacity = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (counted)
        *counted = 0;
    if (strncmp(value, STATE_MAGIC, strlen(STATE_MAGIC)) != 0)
        return -1;
    for (const char *line = value + strlen(STATE_MAGIC); *line;) {
        const char *end = strchr(line, '\n');
        rc = end ? take_line(out, &capacity, counted, line, (size_t)(end - line)) : -1;
        if (rc != 0)
            goto out;
        line = end + 1;
    }
    rc = out->path && out->fingerprint ? 0 : -1;

out:
    if (rc != 0) {
        ms_state_entry_clear(out);
        if (counted)
            *counted = 0;
    }
    return rc;
}

int
ms_state_decode(ms_state_entry_t *out, const char *value)
{
    return decode(out, NULL, value);
}

int
ms_state_decode_head(ms_state_entry_t *out, size_t *n_ids, const char *value)
{
    return decode(out, n_ids, value);
}

uint64_t
ms_state_settings_hash(const char *default_language, bool spelling)
{
    uint64_t hash = MS_HASH_INIT;
    const char *language = default_language ? default_language : "";

    hash = ms_hash(hash, STATE_SETTINGS_VERSION, sizeof(STATE_SETTINGS_VERSION));
    hash = ms_hash(hash, language, strlen(language) + 1);
    hash = ms_hash(hash, spelling ? "s1" : "s0", 2);
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
    return ms_hash(hash, stamp, sizeof(stamp));
}

/* Mix the dependency 'root'/'dep' into 'hash'. -2 on OOM, else 0. */
static int
hash_dependency(uint64_t *hash, const char *root, const char *dep, long long *newest,
                bool *coarse)
{
    char *full = ms_util_path_join(root, dep);
    struct stat st;

    if (!full)
        return -2;
    *hash = ms_hash(*hash, dep, strlen(dep) + 1);
    /* A dependency that cannot be stat'ed (a dangling link) still counts,
     * by name: ms_archive_load() reports it. */
    if (stat(full, &st) == 0)
        *hash = hash_stat(*hash, &st, newest, coarse);
    else
        *hash = ms_hash(*hash, "missing", 7);
    free(full);
    return 0;
}

int
ms_state_fingerprint(char out[MS_STATE_FINGERPRINT_SIZE], bool *racy, const char *root,
                     const char *path, uint64_t settings, const struct timespec *now)
{
    char **deps = NULL;
    char *full = ms_util_path_join(root, path);
    uint64_t hash = ms_hash(MS_HASH_INIT, &settings, sizeof(settings));
    long long newest = 0, window;
    bool coarse = false;
    struct stat st;
    int rc = 0;

    *racy = false;
    if (!full)
        return -2;
    if (stat(full, &st) != 0) {
        rc = -1;
        goto out;
    }
    hash = hash_stat(hash, &st, &newest, &coarse);
    if (ms_archive_dependencies(&deps, root, path) != MS_ARCHIVE_OK) {
        rc = -2;
        goto out;
    }
    for (size_t i = 0; rc == 0 && deps[i]; i++)
        rc = hash_dependency(&hash, root, deps[i], &newest, &coarse);
    if (rc != 0)
        goto out;

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
