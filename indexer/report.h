/* report.h - what a migsearch-index run did: exit codes, counts, failures
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. Every part of a run adds to one report;
 * main.c prints it as the summary or --json, and the run stores it in the
 * index as last_run, which `status` shows. A parallel rebuild's workers
 * hand theirs to the parent through result files (shard.h).
 */
#ifndef MS_REPORT_H
#define MS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

/* Exit codes of migsearch-index; part of its interface (docs/staff.md). */
enum ms_exit {
    MS_EXIT_OK = 0,      /* every file was indexed */
    MS_EXIT_RUNTIME = 1, /* the index cannot be opened or written; out of memory */
    MS_EXIT_USAGE = 2,   /* bad arguments, bad config, no archive folder */
    MS_EXIT_PARTIAL = 3, /* the run completed, but some files failed */
    MS_EXIT_LOCKED = 4   /* another migsearch-index holds the index */
};

/* A file that could not be indexed, and why. */
typedef struct ms_run_failure {
    char *file;   /* relative to the archive folder */
    char *reason; /* one line */
} ms_run_failure_t;

/* The phases of a run's CPU time that are measured (report.c names them
 * in --json); the rest of it (the walk, extraction, fingerprints, the
 * synonyms) is the total less these. */
enum ms_run_phase {
    MS_RUN_PHASE_TERMS,     /* ms_index_profile_t's, of every writer */
    MS_RUN_PHASE_INVERSION, /* the same */
    MS_RUN_PHASE_SPELLING,  /* the same */
    MS_RUN_PHASE_COMMIT,    /* the same */
    MS_RUN_PHASE_MERGE,     /* a parallel rebuild's ms_index_merge() */
    MS_RUN_N_PHASES
};

/* What a run did. Zero-initialise; release with ms_run_report_clear(). */
typedef struct ms_run_report {
    const char *mode;                  /* "update" or "rebuild" (static) */
    struct timespec started, finished; /* wall clock */
    double elapsed;                    /* seconds */
    /* Files: each listed file is one of added (new), updated (changed),
     * unchanged (skipped without reading) or failed; deleted files were in
     * the index but are gone from the folder. A kept file is a failed one
     * whose last good version stays in the index; it counts as failed too. */
    unsigned long files, added, updated, unchanged, deleted, failed, kept;
    /* Documents written and removed, and in the index at the end. */
    unsigned long docs_written, docs_deleted, doc_count;
    unsigned long long bytes_read; /* of the files read */
    ms_run_failure_t *failures;
    size_t n_failures, failures_capacity;
    char **warnings; /* problems that cost part of a file */
    size_t n_warnings, warnings_capacity;
    char **kept_files; /* the kept files, also listed in failures */
    size_t n_kept_files, kept_files_capacity;
    /* Synonym entries of several words that searches still match word by
     * word until a rebuild (ms_index_phrases_unindexed), looked up once
     * the run has ended: until then 'phrases_checked' is false. */
    char **unindexed_phrases;
    size_t n_unindexed_phrases, unindexed_phrases_capacity;
    bool phrases_checked;
    /* CPU seconds of each phase, summed over the processes (workers
     * included), and of the whole run, the parent and the processes it
     * waited for; cpu_total is 0 until the run ends. */
    double cpu[MS_RUN_N_PHASES], cpu_total;
} ms_run_report_t;

/* The report as the JSON object of --json and of the last_run metadata
 * (docs/staff.md); at most 'max_failures' failures and warnings are listed
 * (0: all). Bytes that are not UTF-8 in names and reasons become U+FFFD
 * (ms_utf8_repair). NULL on OOM. The caller owns the reference. */
json_t *ms_run_report_json(const ms_run_report_t *report, int exit_code,
                           size_t max_failures);

/* Free what 'report' holds and zero it. Accepts NULL. */
void ms_run_report_clear(ms_run_report_t *report);

/* Append a failure, or a warning, to 'report' (strings copied). 0, or -1
 * on OOM (then nothing is added). */
int ms_run_report_add_failure(ms_run_report_t *report, const char *file,
                              const char *reason);
int ms_run_report_add_warning(ms_run_report_t *report, const char *warning);

/* Append a synonym entry that searches match word by word until a
 * rebuild. 0, or -1 on OOM (then nothing is added). */
int ms_run_report_add_unindexed_phrase(ms_run_report_t *report, const char *entry);

/* Append a failure of a file whose last good version stays in the index:
 * to the failures, and to the kept files. 0, or -1 on OOM. */
int ms_run_report_add_kept(ms_run_report_t *report, const char *file, const char *reason);

#endif /* MS_REPORT_H */
