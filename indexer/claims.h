/* claims.h - one run's tables: the files, the ids they claim and own
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. ms_run_ctx_t is the state of one run that
 * every part below run.c shares: the options, the report, the open
 * writer, and the tables of files and ids (claims.c has the rules of
 * claiming). Names with a double underscore are shared between the files
 * of a run only.
 */
#ifndef MS_CLAIMS_H
#define MS_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ms_index.h"
#include "ms_log.h"
#include "progress.h"
#include "report.h"
#include "run.h" /* ms_run_options_t */
#include "state.h"
#include "strmap.h"

/* What became of a file this run. */
enum ms_run_outcome {
    MS_RUN_NONE, /* not decided yet: new or changed, to be read */
    MS_RUN_UNCHANGED,
    MS_RUN_ADDED,
    MS_RUN_UPDATED,
    MS_RUN_DELETED,
    MS_RUN_FAILED,
    MS_RUN_KEPT /* failed, but its last good version stays (writer.c) */
};

/* An id, its claimant this run and its owner in the index. */
typedef struct ms_run_id {
    char *id;
    size_t claimant; /* file index, or MS_STRMAP_NONE */
    size_t owner;    /* file index, or MS_STRMAP_NONE */
} ms_run_id_t;

/* A list of indices into ms_run_ctx_t.ids. */
typedef struct ms_run_id_list {
    size_t *items;
    size_t n, capacity;
} ms_run_id_list_t;

typedef struct ms_run_file {
    char *path;     /* relative to the archive folder; the first member */
    bool listed;    /* found by this walk */
    bool has_entry; /* has a state entry in the index now */
    char *entry_fp; /* fingerprint stored in its entry now */
    /* Its entry's ids are not interned yet: an unchanged file's ids are
     * interned only if a run needs them (ms_run__own_file() reads the
     * entry again from the index then); 'owned' is empty meanwhile and
     * the file claims them implicitly. entry_ids counts them. */
    bool entry_pending;
    size_t entry_ids;
    char fp[MS_STATE_FINGERPRINT_SIZE];
    ms_run_id_list_t owned;   /* ids whose document in the index it gave */
    ms_run_id_list_t claimed; /* ids it gives this run */
    enum ms_run_outcome outcome;
    char *reason; /* why it failed, or was kept */
    bool dirty;   /* 'owned' changed: its entry must be rewritten */
    /* Parallel rebuilds, in the parent: the shard that indexed the file,
     * and whether it claims an id a file of another shard claims. */
    unsigned shard;
    bool conflict;
} ms_run_file_t;

typedef struct ms_run_ctx {
    const ms_run_options_t *opts;
    ms_run_report_t *report;
    ms_index_t *idx; /* the writer, while one is open */
    ms_progress_t *progress;
    uint64_t settings;     /* ms_state_settings_hash() of the options */
    struct timespec start; /* CLOCK_MONOTONIC, when the run began */
    struct timespec now;   /* CLOCK_REALTIME, when fingerprints were taken */
    ms_run_file_t *files;
    size_t n_files, files_capacity;
    ms_strmap_t *file_map; /* path -> index in files */
    ms_run_id_t *ids;
    size_t n_ids, ids_capacity;
    ms_strmap_t *id_map; /* id -> index in ids */
    bool all_owned;      /* no file's entry is pending */
    size_t *dirty;       /* files whose 'dirty' is set */
    size_t n_dirty, dirty_capacity;
    char **walk_failed; /* paths the walk could not read */
    size_t n_walk_failed, walk_failed_capacity;
    unsigned long pending; /* documents put or deleted since the last commit */
    bool nomem;            /* a callback ran out of memory */
    /* A worker of a parallel rebuild: it tells the parent of each file done
     * through parent_fd, and erases the parent's progress bar before a
     * log line (the bar is on the same terminal). */
    bool to_parent, erase_bar;
    int parent_fd;
} ms_run_ctx_t;

/* Set up *run for a run with 'opts' into 'report' (both borrowed): empty
 * tables, the settings hash, the start time. MS_EXIT_OK, or
 * MS_EXIT_RUNTIME on OOM (logged); release with ms_run__free() either
 * way. */
int ms_run__init(ms_run_ctx_t *run, const ms_run_options_t *opts,
                 ms_run_report_t *report);

/* Free the tables and the progress bar of 'run' (not the writer). */
void ms_run__free(ms_run_ctx_t *run);

/* Log a line, erasing the progress bar first. */
void ms_run__log(ms_run_ctx_t *run, ms_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Log that memory ran out; returns MS_EXIT_RUNTIME. */
int ms_run__nomem(ms_run_ctx_t *run);

/* Log that 'what' (a verb phrase: "commit to") failed on the index with
 * 'status' and the writer's message; returns MS_EXIT_RUNTIME. */
int ms_run__index_failed(ms_run_ctx_t *run, const char *what, ms_index_status_t status);

/* The index of 'id', or of 'path', in run->ids or run->files, added (with
 * no claimant and no owner) if new; MS_STRMAP_NONE on OOM. */
size_t ms_run__intern_id(ms_run_ctx_t *run, const char *id);
size_t ms_run__intern_file(ms_run_ctx_t *run, const char *path);

/* The ids of file 'f's pending entry, read again from the index,
 * interned and owned by it (the first entry keeps an id two entries
 * list; the other is marked dirty); if it is UNCHANGED, it claims them
 * too. Nothing to do if its entry is not pending. An exit status (the
 * failure logged): an entry that is gone or names another file or
 * fingerprint than it did when the run began is a failure, since only
 * this run writes entries and it never overwrites a pending one
 * (ms_run__write_entry()). */
int ms_run__own_file(ms_run_ctx_t *run, size_t f);

/* ms_run__own_file() of every file, in the order their entries were
 * read, and run->all_owned set. An exit status. */
int ms_run__own_all(ms_run_ctx_t *run);

/* The index of 'id', a document a file being read gives, in run->ids,
 * as ms_run__intern_id(), into *out. An id no file has interned may
 * belong to a file whose entry was not decoded: if the index has a
 * document with it, every entry is decoded first (ms_run__own_all()),
 * so its owner and claimant are known. An exit status (the failure
 * logged). */
int ms_run__intern_given_id(ms_run_ctx_t *run, const char *id, size_t *out);

/* Add 'item' to 'list': 0, or -1 on OOM. Remove it (order not kept). */
int ms_run__list_add(ms_run_id_list_t *list, size_t item);
void ms_run__list_remove(ms_run_id_list_t *list, size_t item);

/* Note that the entry of file 'f' must be rewritten. 0, or -1 on OOM. */
int ms_run__mark_dirty(ms_run_ctx_t *run, size_t f);

/* File 'f' is kept as it is (unchanged, or not readable this run): it
 * claims the ids it owns that no file claimed yet (with a pending entry,
 * it claims them implicitly; ms_run__own_file() makes that explicit). */
void ms_run__claim_owned(ms_run_ctx_t *run, size_t f);

/* The reason a file fails because 'id' is also used by file 'other', into
 * 'out' of 'size' bytes. */
void ms_run__conflict_reason(char *out, size_t size, const ms_run_ctx_t *run,
                             const char *id, size_t other);

#endif /* MS_CLAIMS_H */
