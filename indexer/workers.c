/* workers.c - the worker processes of a parallel rebuild
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One forked worker per shard runs steps 3 to 5 of update.c over its
 * files into its own database, the same code as a single writer, and
 * leaves its counts, failures, warnings and claimed ids in a result file
 * (shard.c). It tells the parent of each file done with one byte through
 * a pipe, from which the parent draws the progress bar.
 *
 * Workers are processes, not threads: the extractor forks a sandboxed
 * child per file and expects a single-threaded process. A worker dies
 * with the parent (PR_SET_PDEATHSIG), and shares the parent's lock
 * (lock.c), so no second indexer can start while one of them still runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shard.h"
#include "update.h"
#include "util.h"
#include "workers.h"
#include "writer.h"

/* The ids the files of a worker claimed, for its result file. The
 * strings are borrowed from the run. */
static int
collect_claims(ms_run_ctx_t *run, ms_shard_claim_t **out, size_t *n)
{
    size_t capacity = 0;

    for (size_t f = 0; f < run->n_files; f++) {
        ms_run_file_t *file = &run->files[f];
        for (size_t i = 0; i < file->claimed.n; i++) {
            ms_run_id_t *id = &run->ids[file->claimed.items[i]];
            ms_shard_claim_t *claims;
            if (id->claimant != f)
                continue;
            claims = ms_util_grow(*out, &capacity, *n, sizeof(*claims));
            if (!claims)
                return ms_run__nomem(run);
            *out = claims;
            claims[*n].file = file->path;
            claims[(*n)++].id = id->id;
        }
    }
    return MS_EXIT_OK;
}

/* A worker: index the files of 'shard' into its database and leave the
 * result. Returns the worker's exit status. */
static int
run_worker(ms_run_ctx_t *run, const ms_run_plan_t *plan, unsigned shard, int progress_fd)
{
    ms_run_report_t report = {0};
    ms_shard_claim_t *claims = NULL;
    size_t n_claims = 0;
    int rc;

    /* The parent's report (walk failures) is the parent's to tell. */
    run->report = &report;
    run->progress = NULL;
    run->to_parent = progress_fd >= 0;
    run->parent_fd = progress_fd;
    run->erase_bar = run->opts->progress;
    if ((rc = ms_run__open_writer(&run->idx, plan->dbs[shard], run->opts->shards)) !=
        MS_EXIT_OK)
        goto out;
    ms_run__keep_added(run);
    /* The synonyms first, so that the worker indexes their phrases. */
    if ((rc = ms_run__apply_settings(run, true)) != MS_EXIT_OK)
        goto out;
    if ((rc = ms_run__index_listing(run, plan->listing, plan->shard_of, shard)) !=
        MS_EXIT_OK)
        goto out;
    if (ms_run__tally(run) != 0) {
        rc = ms_run__nomem(run);
        goto out;
    }
    if ((rc = ms_run__commit(run, true)) != MS_EXIT_OK ||
        (rc = collect_claims(run, &claims, &n_claims)) != MS_EXIT_OK)
        goto out;
    ms_run__take_profile(run);
    if (ms_shard_result_write(plan->results[shard], &report, claims, n_claims) != 0) {
        ms_run__log(run, MS_LOG_ERR, "cannot write %s: %s", plan->results[shard],
                    strerror(errno));
        rc = MS_EXIT_RUNTIME;
    }
out:
    /* No cleanup: the process ends here, and its database is closed
     * without a commit. */
    ms_index_close(run->idx);
    run->idx = NULL;
    return rc == MS_EXIT_OK ? 0 : 1;
}

static void
kill_workers(const pid_t *pids, unsigned jobs)
{
    for (unsigned k = 0; k < jobs; k++) {
        if (pids[k] > 0)
            kill(pids[k], SIGKILL);
    }
}

/* Start the workers; pids[k] is that of shard k's. Returns an exit code;
 * on failure the workers already started are in pids (others 0). */
static int
start_workers(pid_t *pids, ms_run_ctx_t *run, const ms_run_plan_t *plan,
              const int *progress_pipe)
{
    pid_t parent = getpid();

    /* What is buffered would be written again by every child. */
    fflush(stdout);
    fflush(stderr);
    for (unsigned k = 0; k < plan->jobs; k++) {
        pid_t pid = fork();
        if (pid < 0) {
            ms_run__log(run, MS_LOG_ERR, "cannot start a rebuild worker: %s",
                        strerror(errno));
            return MS_EXIT_RUNTIME;
        }
        if (pid == 0) {
            int code = 1;
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() == parent) {
                if (progress_pipe[0] >= 0)
                    close(progress_pipe[0]);
                code = run_worker(run, plan, k, progress_pipe[1]);
            }
            fflush(stderr);
            _exit(code);
        }
        pids[k] = pid;
    }
    return MS_EXIT_OK;
}

/* Worker 'k' of 'jobs' ended with wait 'status'. If it failed and is the
 * first to, log it, stop the others and set *rc. */
static void
worker_ended(ms_run_ctx_t *run, pid_t *pids, unsigned jobs, unsigned k, int status,
             int *rc)
{
    pids[k] = 0;
    if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) || *rc != MS_EXIT_OK)
        return;
    ms_progress_clear(run->progress);
    if (WIFSIGNALED(status))
        ms_run__log(run, MS_LOG_ERR, "rebuild worker %u of %u killed by signal %d", k + 1,
                    jobs, WTERMSIG(status));
    else
        ms_run__log(run, MS_LOG_ERR, "rebuild worker %u of %u failed (exit %d)", k + 1,
                    jobs, WEXITSTATUS(status));
    *rc = MS_EXIT_RUNTIME;
    kill_workers(pids, jobs);
}

/* Wait for every worker, drawing the progress bar from the bytes they send
 * (one a file) through 'progress_fd' (-1: none). Returns an exit code. */
static int
wait_workers(ms_run_ctx_t *run, pid_t *pids, unsigned jobs, int progress_fd, size_t total)
{
    unsigned running = 0;
    size_t done = 0;
    int rc = MS_EXIT_OK;

    for (unsigned k = 0; k < jobs; k++)
        running += pids[k] > 0;
    run->progress = ms_progress_new(run->opts->progress, total);
    while (running > 0) {
        struct pollfd pfd = {.fd = progress_fd, .events = POLLIN};
        char buf[4096];
        int status;
        pid_t pid;

        if (progress_fd >= 0 && poll(&pfd, 1, 200) > 0) {
            ssize_t n = read(progress_fd, buf, sizeof(buf));
            if (n > 0) {
                done += (size_t)n;
                ms_progress_update(run->progress, done, NULL);
            } else if (n == 0) {
                progress_fd = -1; /* every worker closed it: they are ending */
            }
        }
        /* Without the pipe, sleep in waitpid for the first worker to end. */
        pid = waitpid(-1, &status, progress_fd >= 0 ? WNOHANG : 0);
        for (unsigned k = 0; pid > 0 && k < jobs; k++) {
            if (pids[k] == pid) {
                running--;
                worker_ended(run, pids, jobs, k, status, &rc);
                break;
            }
        }
    }
    ms_progress_update(run->progress, done, NULL);
    ms_progress_clear(run->progress);
    return rc;
}

int
ms_run__workers_run(ms_run_ctx_t *run, const ms_run_plan_t *plan)
{
    pid_t *pids = calloc(plan->jobs, sizeof(*pids));
    int progress_pipe[2] = {-1, -1};
    int rc, waited;

    if (!pids)
        return ms_run__nomem(run);
    if (run->opts->progress && pipe(progress_pipe) != 0)
        progress_pipe[0] = progress_pipe[1] = -1; /* no bar, then */
    /* Not for the extractor's sandboxed children. */
    for (int i = 0; i < 2; i++) {
        if (progress_pipe[i] >= 0)
            (void)fcntl(progress_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    ms_run__log(run, MS_LOG_DEBUG, "rebuilding with %u workers", plan->jobs);

    rc = start_workers(pids, run, plan, progress_pipe);
    if (progress_pipe[1] >= 0)
        close(progress_pipe[1]);
    if (rc != MS_EXIT_OK)
        kill_workers(pids, plan->jobs);
    waited = wait_workers(run, pids, plan->jobs, rc == MS_EXIT_OK ? progress_pipe[0] : -1,
                          plan->listing->n_entries);
    if (rc == MS_EXIT_OK)
        rc = waited;
    if (progress_pipe[0] >= 0)
        close(progress_pipe[0]);
    free(pids);
    return rc;
}
