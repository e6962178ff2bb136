/* rebuild.c - --rebuild: a new generation, filled and switched in
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A rebuild is an update (update.c) into a new, empty generation, which
 * ms_index_generation_switch() makes live at the end. With index.jobs > 1
 * it is parallel:
 *
 * The parent walks the archive once and splits the files over 'jobs'
 * shards of similar byte totals (ms_shard_partition). One forked worker
 * per shard indexes its files into its own database (workers.c). The
 * databases live in "<generation>/.shards", so whatever a killed run
 * leaves there goes with the unfinished generation at the next run's
 * prune.
 *
 * Two files in one shard that claim one id are handled by the worker as
 * in a single run. Two files in different shards are found by the parent
 * from the claims: both fail, and the documents and entry of either one
 * that its worker indexed are deleted from its shard before the merge,
 * so that each shard still holds each id once and the spelling
 * dictionary loses exactly the words of the deleted documents. Unlike a
 * single writer, both files' documents then count as written (and
 * deleted). The merge (ms_index_merge) writes the shards into the new
 * generation; the parent then applies the synonyms and stores last_run in
 * the merged index.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ms_clock.h"
#include "ms_index_build.h"
#include "rebuild.h"
#include "shard.h"
#include "update.h"
#include "util.h"
#include "workers.h"
#include "writer.h"

static void
plan_free(ms_run_plan_t *plan)
{
    for (unsigned k = 0; k < plan->jobs && plan->dbs && plan->results; k++) {
        free(plan->dbs[k]);
        free(plan->results[k]);
    }
    free(plan->dbs);
    free(plan->results);
    free(plan->shard_of);
    free(plan->shards);
}

/* Split the files of 'listing' over 'jobs' shards, and name their
 * databases and result files. Returns an exit code. */
static int
plan_make(ms_run_ctx_t *run, ms_run_plan_t *plan, const char *generation,
          const ms_archive_listing_t *listing, unsigned jobs)
{
    size_t n = listing->n_entries;
    unsigned long long *sizes = calloc(n ? n : 1, sizeof(*sizes));
    char name[32];
    int rc = MS_EXIT_OK;

    *plan = (ms_run_plan_t){.listing = listing, .jobs = jobs};
    plan->shard_of = calloc(n ? n : 1, sizeof(*plan->shard_of));
    plan->dbs = calloc(jobs, sizeof(*plan->dbs));
    plan->results = calloc(jobs, sizeof(*plan->results));
    plan->shards = ms_util_path_join(generation, ".shards");
    if (!sizes || !plan->shard_of || !plan->dbs || !plan->results || !plan->shards) {
        rc = ms_run__nomem(run);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sizes[i] = listing->entries[i].size > 0
                       ? (unsigned long long)listing->entries[i].size
                       : 0;
    if (ms_shard_partition(plan->shard_of, sizes, n, jobs) != 0)
        rc = ms_run__nomem(run);
    for (unsigned k = 0; rc == MS_EXIT_OK && k < jobs; k++) {
        snprintf(name, sizeof(name), "%u", k);
        plan->dbs[k] = ms_util_path_join(plan->shards, name);
        snprintf(name, sizeof(name), "%u.result", k);
        plan->results[k] = ms_util_path_join(plan->shards, name);
        if (!plan->dbs[k] || !plan->results[k])
            rc = ms_run__nomem(run);
    }
out:
    free(sizes);
    return rc;
}

/* Add a worker's result to the report. */
static int
take_result(ms_run_ctx_t *run, const ms_shard_result_t *result)
{
    ms_run_report_t *r = run->report;
    const ms_run_report_t *w = &result->report;

    r->added += w->added;
    r->failed += w->failed;
    r->docs_written += w->docs_written;
    r->docs_deleted += w->docs_deleted;
    r->bytes_read += w->bytes_read;
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++)
        r->cpu[i] += w->cpu[i];
    for (size_t i = 0; i < w->n_failures; i++) {
        size_t f = ms_run__intern_file(run, w->failures[i].file);
        if (f == MS_STRMAP_NONE ||
            ms_run_report_add_failure(r, w->failures[i].file, w->failures[i].reason) != 0)
            return ms_run__nomem(run);
        run->files[f].outcome = MS_RUN_FAILED;
    }
    for (size_t i = 0; i < w->n_warnings; i++) {
        if (ms_run_report_add_warning(r, w->warnings[i]) != 0)
            return ms_run__nomem(run);
    }
    return MS_EXIT_OK;
}

/* Files 'f' and 'other', of two shards, both claim 'id': each is
 * conflicted (unless it failed already), with the other as its reason. */
static int
mark_conflict(ms_run_ctx_t *run, size_t f, size_t other, size_t id)
{
    size_t pair[2] = {f, other};
    char reason[1024];

    for (size_t j = 0; j < 2; j++) {
        ms_run_file_t *file = &run->files[pair[j]];
        if (file->conflict || file->outcome == MS_RUN_FAILED)
            continue;
        ms_run__conflict_reason(reason, sizeof(reason), run, run->ids[id].id,
                                pair[1 - j]);
        file->conflict = true;
        free(file->reason);
        file->reason = strdup(reason);
        if (!file->reason)
            return ms_run__nomem(run);
    }
    return MS_EXIT_OK;
}

/* Note the claims of shard 'shard' in run->files and run->ids (files
 * listed, their shard, and the ids they claim); a claim of an id that a
 * file of another shard claimed first makes both files conflicted. */
static int
take_claims(ms_run_ctx_t *run, const ms_shard_result_t *result, unsigned shard)
{
    int rc;

    for (size_t i = 0; i < result->n_claims; i++) {
        size_t f = ms_run__intern_file(run, result->claims[i].file);
        size_t id =
            f == MS_STRMAP_NONE ? f : ms_run__intern_id(run, result->claims[i].id);
        if (id == MS_STRMAP_NONE || ms_run__list_add(&run->files[f].claimed, id) != 0)
            return ms_run__nomem(run);
        run->files[f].shard = shard;
        size_t other = run->ids[id].claimant;
        if (other == MS_STRMAP_NONE) {
            run->ids[id].claimant = f;
            continue;
        }
        if (run->files[other].shard == shard)
            continue; /* cannot happen: the worker kept one claimant */
        if ((rc = mark_conflict(run, f, other, id)) != MS_EXIT_OK)
            return rc;
    }
    return MS_EXIT_OK;
}

/* Delete the documents and the entry of the conflicted file 'f' from the
 * shard open in run->idx, and count it as failed. An index failure is
 * returned in *status; the exit code is for OOM. */
static int
drop_file(ms_run_ctx_t *run, size_t f, ms_index_status_t *status)
{
    ms_run_file_t *file = &run->files[f];
    ms_run_report_t *r = run->report;
    char *key;

    for (size_t i = 0; *status == MS_INDEX_OK && i < file->claimed.n; i++) {
        *status = ms_index_delete(run->idx, run->ids[file->claimed.items[i]].id);
        if (*status == MS_INDEX_OK)
            r->docs_deleted++;
        else if (*status == MS_INDEX_NOT_FOUND)
            *status = MS_INDEX_OK;
    }
    if ((key = ms_state_key(file->path)) == NULL)
        return ms_run__nomem(run);
    if (*status == MS_INDEX_OK)
        *status = ms_index_metadata_set(run->idx, key, NULL);
    free(key);
    if (*status != MS_INDEX_OK)
        return MS_EXIT_OK;
    file->outcome = MS_RUN_FAILED;
    r->added--;
    r->failed++;
    if (ms_run_report_add_failure(r, file->path, file->reason) != 0)
        return ms_run__nomem(run);
    ms_run__log(run, MS_LOG_WARN, "%s/%s: %s (file skipped)", run->opts->archive,
                file->path, file->reason);
    return MS_EXIT_OK;
}

/* Take the documents and entries of the conflicted files of shard 'shard'
 * out of its database 'db', and count them as failed. */
static int
drop_conflicts(ms_run_ctx_t *run, unsigned shard, const char *db)
{
    ms_index_status_t status = MS_INDEX_OK;
    int rc = MS_EXIT_OK;
    bool any = false;

    for (size_t f = 0; f < run->n_files && !any; f++)
        any = run->files[f].conflict && run->files[f].shard == shard;
    if (!any)
        return MS_EXIT_OK;
    if ((rc = ms_run__open_writer(&run->idx, db, run->opts->shards)) != MS_EXIT_OK)
        return rc;
    status = ms_index_set_spelling(run->idx, run->opts->spelling);
    for (size_t f = 0; status == MS_INDEX_OK && rc == MS_EXIT_OK && f < run->n_files;
         f++) {
        if (run->files[f].conflict && run->files[f].shard == shard)
            rc = drop_file(run, f, &status);
    }
    if (rc == MS_EXIT_OK && status == MS_INDEX_OK)
        status = ms_index_commit(run->idx);
    if (rc == MS_EXIT_OK && status != MS_INDEX_OK)
        rc = ms_run__index_failed(run, "drop conflicting files from a shard of", status);
    ms_index_close(run->idx);
    run->idx = NULL;
    return rc;
}

/* Read the workers' results into the report and the tables, and drop
 * the files that claim an id across shards. */
static int
collect_results(ms_run_ctx_t *run, const ms_run_plan_t *plan, ms_shard_result_t *got)
{
    int rc = MS_EXIT_OK;

    for (unsigned k = 0; rc == MS_EXIT_OK && k < plan->jobs; k++) {
        int loaded = ms_shard_result_read(&got[k], plan->results[k]);
        if (loaded == -2)
            return ms_run__nomem(run);
        if (loaded != 0) {
            ms_run__log(run, MS_LOG_ERR,
                        "cannot read the result of rebuild worker %u: %s", k + 1,
                        plan->results[k]);
            return MS_EXIT_RUNTIME;
        }
        rc = take_result(run, &got[k]);
    }
    for (unsigned k = 0; rc == MS_EXIT_OK && k < plan->jobs; k++)
        rc = take_claims(run, &got[k], k);
    for (unsigned k = 0; rc == MS_EXIT_OK && k < plan->jobs; k++)
        rc = drop_conflicts(run, k, plan->dbs[k]);
    return rc;
}

/* Merge the shards into 'generation', then give it the settings and
 * last_run. */
static int
merge(ms_run_ctx_t *run, const ms_run_plan_t *plan, const char *generation)
{
    ms_index_error_t err;
    ms_index_info_t info;
    double started = ms_clock_cpu_seconds();
    ms_index_status_t status =
        ms_index_merge(generation, (const char *const *)plan->dbs, plan->jobs, &err);
    int rc;

    run->report->cpu[MS_RUN_PHASE_MERGE] += ms_clock_cpu_seconds() - started;
    if (status != MS_INDEX_OK) {
        ms_run__log(run, MS_LOG_ERR, "cannot merge the rebuild of %s: %s: %s",
                    run->opts->index_path, ms_index_status_string(status), err.text);
        return MS_EXIT_RUNTIME;
    }
    if (ms_shard_remove_tree(plan->shards) != 0) {
        ms_run__log(run, MS_LOG_ERR, "cannot remove %s: %s", plan->shards,
                    strerror(errno));
        return MS_EXIT_RUNTIME;
    }
    if ((rc = ms_run__open_writer(&run->idx, generation, run->opts->shards)) !=
            MS_EXIT_OK ||
        (rc = ms_run__apply_settings(run, false)) != MS_EXIT_OK)
        return rc;
    status = ms_index_info(&info, run->idx);
    if (status != MS_INDEX_OK)
        return ms_run__index_failed(run, "read", status);
    run->report->doc_count = info.doc_count;
    return ms_run__store_last_run(run,
                                  run->report->failed > 0 ? MS_EXIT_PARTIAL : MS_EXIT_OK);
}

/* The rebuild into 'generation' with 'jobs' workers over 'listing', up to
 * and including last_run and the last commit. Returns an exit code; on a
 * failure the caller prunes the generation. */
static int
rebuild_parallel(ms_run_ctx_t *run, const char *generation,
                 const ms_archive_listing_t *listing, unsigned jobs)
{
    ms_run_plan_t plan;
    ms_shard_result_t *got = calloc(jobs, sizeof(*got));
    int rc = plan_make(run, &plan, generation, listing, jobs);

    if (rc == MS_EXIT_OK && !got)
        rc = ms_run__nomem(run);
    if (rc != MS_EXIT_OK)
        goto out;
    run->report->files = listing->n_entries;
    if ((mkdir(generation, 0755) != 0 && errno != EEXIST) ||
        mkdir(plan.shards, 0755) != 0) {
        ms_run__log(run, MS_LOG_ERR, "cannot create %s: %s", plan.shards,
                    strerror(errno));
        rc = MS_EXIT_RUNTIME;
        goto out;
    }
    if ((rc = ms_run__workers_run(run, &plan)) == MS_EXIT_OK &&
        (rc = collect_results(run, &plan, got)) == MS_EXIT_OK)
        rc = merge(run, &plan, generation);

out:
    ms_run__take_profile(run);
    ms_index_close(run->idx);
    run->idx = NULL;
    if (plan.shards && ms_shard_remove_tree(plan.shards) != 0)
        ms_run__log(run, MS_LOG_WARN, "cannot remove %s: %s", plan.shards,
                    strerror(errno));
    for (unsigned k = 0; got && k < jobs; k++)
        ms_shard_result_clear(&got[k]);
    free(got);
    plan_free(&plan);
    return rc;
}

/* Make 'generation' live if the rebuild into it ended with 'rc'
 * MS_EXIT_OK or MS_EXIT_PARTIAL; else remove it, so that a failed rebuild
 * leaves the live index as it was. Returns the exit code of the run. */
static int
switch_or_prune(const char *index_path, const char *generation, int rc)
{
    ms_index_error_t err;

    if ((rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL) &&
        ms_index_generation_switch(index_path, generation, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot switch %s to the new index: %s", index_path, err.text);
        rc = MS_EXIT_RUNTIME;
    }
    if (rc != MS_EXIT_OK && rc != MS_EXIT_PARTIAL &&
        ms_index_generation_prune(index_path, &err) != MS_INDEX_OK)
        ms_log(MS_LOG_WARN, "cannot clean up beside %s: %s", index_path, err.text);
    return rc;
}

int
ms_run__rebuild(ms_run_ctx_t *run)
{
    const ms_run_options_t *opts = run->opts;
    ms_archive_listing_t *listing = NULL;
    ms_index_error_t err;
    char *generation = NULL;
    unsigned jobs = 1;
    int rc;

    if (ms_index_generation_new(&generation, opts->index_path, &err) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot create a new generation of %s: %s", opts->index_path,
               err.text);
        return MS_EXIT_RUNTIME;
    }
    /* A parallel rebuild splits the walk; one writer walks as it always
     * has. The next run's prune takes a generation left unfilled here. */
    if (opts->jobs > 1 && (rc = ms_run__walk(&listing, run)) != MS_EXIT_OK)
        goto out;
    if (listing)
        jobs =
            listing->n_entries < opts->jobs ? (unsigned)listing->n_entries : opts->jobs;
    if (jobs > 1)
        rc = rebuild_parallel(run, generation, listing, jobs);
    else if ((rc = ms_run__open_writer(&run->idx, generation, run->opts->shards)) ==
             MS_EXIT_OK) {
        ms_run__keep_added(run);
        rc = ms_run__update(run, listing);
    } else
        goto out;
    rc = switch_or_prune(opts->index_path, generation, rc);

out:
    ms_archive_listing_free(listing);
    ms_index_string_free(generation);
    return rc;
}
