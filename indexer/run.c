/* run.c - one migsearch-index run: lock, then update or rebuild
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_run() only dispatches: it takes the lock (lock.c), clears what a
 * killed rebuild left, and hands the work to the update of the live index
 * (update.c, whose header comment has the algorithm) or to a rebuild into
 * a new generation (rebuild.c).
 *
 * The files of a run, each with its header, in an order in which every
 * file calls only files after it, never one before (check-structure.sh
 * checks there is no circle):
 *
 *   run.c       the dispatcher: lock, open, update or rebuild, finish
 *   rebuild.c   a new generation, one writer or parallel, merge, switch
 *   workers.c   the worker processes of a parallel rebuild
 *   update.c    one pass over the archive: state, walk, gone, orphans
 *   load.c      one new or changed file read into the index
 *   writer.c    index writes: entries, deletes, failures, commits
 *   claims.c    the run's tables: files, ids, their claims and owners
 *   shard.c     partition and result files of a parallel rebuild
 *   lock.c      the lock file
 *   report.c    what the run did, as counts and JSON
 *   progress.c  the progress bar
 *   strmap.c    a map from strings to indices
 *   state.c     state entries and fingerprints
 *   util.c      growing arrays, joining paths, measuring time
 *
 * main.c (the command line) and status.c (`status`) sit above them all.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_clock.h"
#include "claims.h"
#include "lock.h"
#include "ms_index_build.h"
#include "rebuild.h"
#include "update.h"
#include "util.h"
#include "writer.h"

/* Create an empty generation and make it live: the first run. */
static int
create_index(const char *path, unsigned shards)
{
    ms_index_error_t err;
    ms_index_t *idx = NULL;
    char *generation = NULL;
    int rc;

    if (ms_index_generation_new(&generation, path, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", path, err.text);
        return MS_EXIT_RUNTIME;
    }
    rc = ms_run__open_writer(&idx, generation, shards);
    if (rc == MS_EXIT_OK && ms_index_commit(idx) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", generation,
               ms_index_errmsg(idx));
        rc = MS_EXIT_RUNTIME;
    }
    ms_index_close(idx);
    if (rc == MS_EXIT_OK &&
        ms_index_generation_switch(path, generation, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create the index %s: %s", path, err.text);
        rc = MS_EXIT_RUNTIME;
    }
    ms_index_string_free(generation);
    return rc;
}

/* Whether an update cannot write into the live index and must rebuild
 * it, saying why: it has the layout before partitions, or another number
 * of shards than index.shards (docs/index-schema.md). Served as it is
 * until the switch. */
static bool
must_rebuild(const ms_run_options_t *opts)
{
    unsigned have = ms_index_shard_count(opts->index_path);
    unsigned want = opts->shards ? opts->shards : 1;

    if (ms_index_outdated(opts->index_path)) {
        ms_log(MS_LOG_WARN, "%s has the layout of an earlier version: rebuilding it",
               opts->index_path);
        return true;
    }
    if (have != 0 && have != want) {
        ms_log(MS_LOG_WARN, "%s has %u shard(s), index.shards is %u: rebuilding it",
               opts->index_path, have, want);
        return true;
    }
    return false;
}

/* Update the live index. With no index yet, make an empty one live
 * first, then fill it like any update, so that a killed first run is
 * resumed, not redone. */
static int
update_live(ms_run_ctx_t *run)
{
    const char *index_path = run->opts->index_path;
    struct stat st;
    int rc = MS_EXIT_OK;

    if (lstat(index_path, &st) != 0 && errno == ENOENT)
        rc = create_index(index_path, run->opts->shards);
    if (rc == MS_EXIT_OK)
        rc = ms_run__open_writer(&run->idx, index_path, run->opts->shards);
    if (rc == MS_EXIT_OK)
        rc = ms_run__update(run, NULL);
    return rc;
}

/* The meetings file of the archive, or NULL. A broken one fails alone:
 * it is reported as a failed file and the documents are indexed without
 * it, keeping all their other metadata. */
static ms_archive_meetings_t *
load_meetings(ms_run_report_t *report, const char *archive)
{
    ms_archive_meetings_t *meetings = NULL;
    ms_archive_error_t err;
    char text[sizeof(err.file) + sizeof(err.text) + 64], reason[sizeof(text) + 96];

    if (ms_archive_meetings_load(&meetings, archive, &err) == MS_ARCHIVE_OK)
        return meetings;
    ms_log(MS_LOG_WARN, "%s (meetings file skipped)",
           ms_file_error_format(&err, text, sizeof(text)));
    /* As load.c words a file's failure: the place without the file. */
    if (err.line > 0)
        snprintf(reason, sizeof(reason), "line %u, column %u: %s", err.line, err.column,
                 err.text);
    else
        snprintf(reason, sizeof(reason), "%s", err.text);
    snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason),
             " (meetings file skipped: documents indexed without it)");
    report->failed++;
    ms_run_report_add_failure(report, MS_ARCHIVE_MEETINGS_NAME, reason);
    return NULL;
}

/* CPU seconds of this process and of the children it waited for (a
 * rebuild's workers, the extractor's sandboxes). */
static double
cpu_seconds(void)
{
    struct rusage self, children;

    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
                    children.ru_utime.tv_sec + children.ru_stime.tv_sec) +
           (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
                    children.ru_utime.tv_usec + children.ru_stime.tv_usec) /
               1e6;
}

/* Name in 'report' the synonym phrases that searches of the index at
 * 'path' still match word by word: entries added to the synonyms after
 * documents that are still there, which only a rebuild indexes as terms
 * (docs/staff.md). A failure to tell is logged; the run's work stands. */
static void
check_phrases(ms_run_report_t *report, const char *path)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_strings_t *entries = NULL;

    if (ms_index_open(&idx, path, MS_INDEX_READ, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_WARN, "cannot read the synonym phrases of %s: %s", path, err.text);
        return;
    }
    if (ms_index_phrases_unindexed(&entries, idx) != MS_INDEX_OK) {
        ms_log(MS_LOG_WARN, "cannot read the synonym phrases of %s: %s", path,
               ms_index_errmsg(idx));
    } else {
        report->phrases_checked = true;
        for (size_t i = 0; i < entries->n_items && report->phrases_checked; i++)
            report->phrases_checked =
                ms_run_report_add_unindexed_phrase(report, entries->items[i]) == 0;
    }
    ms_strings_free(entries);
    ms_index_close(idx);
}

int
ms_run(ms_run_report_t *report, const ms_run_options_t *given)
{
    ms_run_options_t local = *given, *opts = &local;
    ms_run_ctx_t run;
    ms_index_error_t err;
    struct timespec end;
    int lock_fd, rc;

    memset(report, 0, sizeof(*report));
    report->mode = opts->rebuild ? "rebuild" : "update";
    clock_gettime(CLOCK_REALTIME, &report->started);
    if ((rc = ms_run_lock_take(&lock_fd, opts->index_path)) != MS_EXIT_OK) {
        report->finished = report->started;
        return rc;
    }
    local.archive_options.meetings = load_meetings(report, opts->archive);
    rc = ms_run__init(&run, opts, report);
    if (rc == MS_EXIT_OK) {
        /* What a killed rebuild left is garbage now that the lock is ours. */
        if (ms_index_generation_prune(opts->index_path, &err) != MS_INDEX_OK)
            ms_log(MS_LOG_WARN, "cannot clean up beside %s: %s", opts->index_path,
                   err.text);
        bool rebuild = opts->rebuild || must_rebuild(opts);
        if (rebuild)
            report->mode = "rebuild";
        rc = rebuild ? ms_run__rebuild(&run) : update_live(&run);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    report->elapsed = ms_clock_seconds(&run.start, &end);
    report->cpu_total = cpu_seconds();
    clock_gettime(CLOCK_REALTIME, &report->finished);
    ms_index_close(run.idx);
    if (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL)
        check_phrases(report, opts->index_path);
    ms_run__free(&run);
    ms_archive_meetings_free((ms_archive_meetings_t *)local.archive_options.meetings);
    close(lock_fd);
    return rc;
}
