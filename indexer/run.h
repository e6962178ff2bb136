/* run.h - the pieces of migsearch-index: runs, state entries, progress bar
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. main.c parses the command line and prints;
 * run.c does one update or rebuild (run.c's header comment has the
 * algorithm); state.c encodes what the index remembers about each archive
 * file; progress.c draws the progress bar.
 */
#ifndef MS_RUN_H
#define MS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "ms_archive.h"
#include "ms_index.h"

/* Exit codes of migsearch-index; part of its interface (docs/staff.md). */
enum ms_exit {
    MS_EXIT_OK = 0,      /* every file was indexed */
    MS_EXIT_RUNTIME = 1, /* the index cannot be opened or written; out of memory */
    MS_EXIT_USAGE = 2,   /* bad arguments, bad config, no archive folder */
    MS_EXIT_PARTIAL = 3, /* the run completed, but some files failed */
    MS_EXIT_LOCKED = 4   /* another migsearch-index holds the index */
};

/* --- runs (run.c) --- */

typedef struct ms_run_options {
    const char *archive;    /* the archive folder */
    const char *index_path; /* index.path: the live index (a link) */
    ms_archive_options_t archive_options;
    unsigned batch_size;       /* documents per commit */
    bool rebuild;              /* build a new generation and switch to it */
    bool spelling;             /* index.spelling */
    const char *synonyms_path; /* index.synonyms; may not exist */
    bool progress;             /* draw the progress bar on stderr */
    unsigned jobs;             /* worker processes of a rebuild (index.jobs, resolved:
                                  at least 1); 1 is one writer in this process */
} ms_run_options_t;

/* A file that could not be indexed, and why. */
typedef struct ms_run_failure {
    char *file;   /* relative to the archive folder */
    char *reason; /* one line */
} ms_run_failure_t;

/* What a run did. Filled by ms_run(); release with ms_run_report_clear(). */
typedef struct ms_run_report {
    const char *mode;                  /* "update" or "rebuild" (static) */
    struct timespec started, finished; /* wall clock */
    double elapsed;                    /* seconds */
    /* Files: each listed file is one of added (new), updated (changed),
     * unchanged (skipped without reading) or failed; deleted files were in
     * the index but are gone from the folder. */
    unsigned long files, added, updated, unchanged, deleted, failed;
    /* Documents written and removed, and in the index at the end. */
    unsigned long docs_written, docs_deleted, doc_count;
    unsigned long long bytes_read; /* of the files read */
    ms_run_failure_t *failures;
    size_t n_failures, failures_capacity;
    char **warnings; /* problems that cost part of a file */
    size_t n_warnings, warnings_capacity;
} ms_run_report_t;

/* Take the lock, then update (or rebuild) the index at opts->index_path
 * from opts->archive, logging problems as they happen (ms_log) and
 * filling *report. Returns an ms_exit code. */
int ms_run(ms_run_report_t *report, const ms_run_options_t *opts);

/* The report as the JSON object of --json and of the last_run metadata
 * (docs/staff.md); at most 'max_failures' failures and warnings are listed
 * (0: all). NULL on OOM. The caller owns the reference. */
json_t *ms_run_report_json(const ms_run_report_t *report, int exit_code,
                           size_t max_failures);

void ms_run_report_clear(ms_run_report_t *report);

/* Append a failure, or a warning, to 'report' (strings copied). 0, or -1
 * on OOM (then nothing is added). */
int ms_run_report_add_failure(ms_run_report_t *report, const char *file,
                              const char *reason);
int ms_run_report_add_warning(ms_run_report_t *report, const char *warning);

/* The lock file of the index at 'path' ("<path>.lock"). Caller frees.
 * NULL on OOM. */
char *ms_run_lock_path(const char *path);

/* --- state entries (state.c) --- */

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

/* Parse a metadata value into the zeroed *out. Returns 0, -1 if 'value'
 * is not an entry, -2 on OOM; on failure *out holds nothing. */
int ms_state_decode(ms_state_entry_t *out, const char *value);

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
 * the same times; such a fingerprint must not be trusted next time.
 * Returns 0, -1 (the file cannot be stat'ed; errno set) or -2 (OOM). */
int ms_state_fingerprint(char out[MS_STATE_FINGERPRINT_SIZE], bool *racy,
                         const char *root, const char *path, uint64_t settings,
                         const struct timespec *now);

/* A 64-bit FNV-1a hash of 'len' bytes, continuing from 'hash' (start with
 * MS_STATE_HASH_INIT). */
#define MS_STATE_HASH_INIT 0xcbf29ce484222325ULL
uint64_t ms_state_hash(uint64_t hash, const void *data, size_t len);

/* A map from strings to indices, for paths and ids. */
typedef struct ms_strmap ms_strmap_t;

ms_strmap_t *ms_strmap_new(void);
void ms_strmap_free(ms_strmap_t *map);

/* The value of 'key', or (size_t)-1. */
size_t ms_strmap_get(const ms_strmap_t *map, const char *key);

/* Set 'key' (borrowed: it must outlive the map) to 'value'. -1 on OOM. */
int ms_strmap_put(ms_strmap_t *map, const char *key, size_t value);

#define MS_STRMAP_NONE ((size_t)-1)

/* --- parallel rebuilds (shard.c) --- */

/* Split 'n' files of 'sizes' bytes over 'jobs' shards (jobs >= 1) so that
 * the byte totals come out close: largest first, each to the lightest
 * shard, ties to the first. Deterministic. out[i] is the shard of file i.
 * 0, or -1 on OOM. */
int ms_shard_partition(unsigned *out, const unsigned long long *sizes, size_t n,
                       unsigned jobs);

/* An id a file claimed in a worker. */
typedef struct ms_shard_claim {
    char *file; /* relative to the archive folder */
    char *id;
} ms_shard_claim_t;

/* What a worker leaves for the parent. Only the counts added, failed,
 * docs_written, docs_deleted and bytes_read of 'report' are carried, with
 * its failures and warnings. Release with ms_shard_result_clear(). */
typedef struct ms_shard_result {
    ms_run_report_t report;
    ms_shard_claim_t *claims;
    size_t n_claims, claims_capacity;
} ms_shard_result_t;

/* Write the file 'path' holding 'report' and 'claims' (borrowed). 0, or
 * -1 with errno set. */
int ms_shard_result_write(const char *path, const ms_run_report_t *report,
                          const ms_shard_claim_t *claims, size_t n_claims);

/* Read what ms_shard_result_write() wrote into *out (owned by the caller,
 * released with ms_shard_result_clear(), also after a failure). 0, -1 if
 * the file cannot be read or is not a whole result, -2 on OOM. */
int ms_shard_result_read(ms_shard_result_t *out, const char *path);

void ms_shard_result_clear(ms_shard_result_t *result);

/* Remove 'path' and everything below it (links are not followed); a
 * missing 'path' is fine. 0, or -1 with errno set. */
int ms_shard_remove_tree(const char *path);

/* --- progress bar (progress.c) --- */

typedef struct ms_progress ms_progress_t;

/* A progress bar on stderr for 'total' files, drawn only if 'enabled'.
 * NULL on OOM (then progress is simply not shown). */
ms_progress_t *ms_progress_new(bool enabled, size_t total);

/* 'done' files of the total are finished; 'current' is being read.
 * Redraws at most ten times a second. Accepts NULL. */
void ms_progress_update(ms_progress_t *progress, size_t done, const char *current);

/* Erase the bar, so that a log line can be written; the next update draws
 * it again. Accepts NULL. */
void ms_progress_clear(ms_progress_t *progress);

/* Erase the bar and free it. Accepts NULL. */
void ms_progress_free(ms_progress_t *progress);

#endif /* MS_RUN_H */
