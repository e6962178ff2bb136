/* state.h - what the index remembers about each archive file, and fingerprints
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. A run reads these entries from the index
 * metadata at its start and writes them in the same transaction as the
 * documents of their files (update.c); `status` counts them.
 */
#ifndef MS_STATE_H
#define MS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Metadata keys of the state: "src:<path>" for a path of at most
 * MS_STATE_PATH_KEY_MAX bytes, else "srh:<64-bit hash of the path>". */
#define MS_STATE_PREFIX_PATH "src:"
#define MS_STATE_PREFIX_HASH "srh:"
#define MS_STATE_PATH_KEY_MAX 190
/* The last run, as JSON. */
#define MS_STATE_LAST_RUN "last_run"

/* What the index remembers about one archive file. */
typedef struct ms_state_entry {
    char *path;        /* relative to the archive folder */
    char *fingerprint; /* see ms_state_fingerprint() */
    char **ids;        /* the documents it gave */
    size_t n_ids;
} ms_state_entry_t;

/* The metadata key of 'path'. Caller frees. NULL on OOM. */
char *ms_state_key(const char *path);

/* 'entry' as a metadata value. Caller frees. NULL on OOM. */
char *ms_state_encode(const ms_state_entry_t *entry);

/* Parse a metadata value into *out. Returns 0, -1 if 'value' is not an
 * entry, -2 on OOM; on failure *out holds nothing. Release a decoded
 * entry with ms_state_entry_clear(). */
int ms_state_decode(ms_state_entry_t *out, const char *value);

/* As ms_state_decode(), but the ids are only checked and counted into
 * *n_ids: *out gets the path and fingerprint, no ids. An update reads
 * every entry this way and decodes in full only the entries whose ids it
 * needs (update.c). */
int ms_state_decode_head(ms_state_entry_t *out, size_t *n_ids, const char *value);

/* Free what 'entry' holds and zero it. Accepts NULL. */
void ms_state_entry_clear(ms_state_entry_t *entry);

/* A hash of the settings that change what a file becomes in the index
 * (the default language, the spelling dictionary), and of this program's
 * state format: a change makes every file "changed". */
uint64_t ms_state_settings_hash(const char *default_language, bool spelling);

#define MS_STATE_FINGERPRINT_SIZE 24

/* The fingerprint of 'root'/'path' into 'out': a hash of 'settings' and of
 * the size, times and inode of the file and of each of its
 * ms_archive_dependencies(). Taken before the file is read, so a change
 * made while it is read shows at the next run. *racy is set when the file
 * or a dependency changed so recently that a further change could keep
 * the same times; such a fingerprint must not be trusted next time (it
 * ends in '~'). Returns 0, -1 (the file cannot be stat'ed; errno set) or
 * -2 (OOM). */
int ms_state_fingerprint(char out[MS_STATE_FINGERPRINT_SIZE], bool *racy,
                         const char *root, const char *path, uint64_t settings,
                         const struct timespec *now);

#endif /* MS_STATE_H */
