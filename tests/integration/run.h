/* run.h - run the real migsearch-index on an archive made at test time
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_ix_setup() makes a temporary directory holding an archive folder, a
 * config pointing at it and at an index path beside it. Tests write
 * archive files with ms_ix_write(), run the indexer with ms_ix_run() (its
 * stdout, stderr and exit status captured) and look at the index through
 * ms_index.h. MS_TEST_LEAVE keeps the directory.
 */
#ifndef MS_TEST_RUN_H
#define MS_TEST_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ms_index.h"

typedef struct ms_ix {
    char dir[128];
    char archive[192];
    char index[192];
    char config[192];
} ms_ix_t;

/* What one run printed. json is stdout parsed as JSON, or NULL. */
typedef struct ms_ix_result {
    int status; /* exit code, or 128 + signal */
    char *out;
    char *err;
    json_t *json;
} ms_ix_result_t;

/* A fresh directory and config; 'batch_size' documents per commit. */
void ms_ix_setup(ms_ix_t *ix, unsigned batch_size);

/* Remove the directory (unless MS_TEST_LEAVE). */
void ms_ix_teardown(ms_ix_t *ix);

/* Write 'content' to archive file 'rel', making folders as needed. */
void ms_ix_write(ms_ix_t *ix, const char *rel, const char *content);

/* Remove archive file 'rel'. */
void ms_ix_remove(ms_ix_t *ix, const char *rel);

/* Wait until what was just written is older than the indexer's "too
 * recent to trust" window, so that the next runs may skip it. */
void ms_ix_settle(void);

/* Run migsearch-index --config <config> followed by 'args' (a NULL-
 * terminated list; NULL for none) and wait for it. */
void ms_ix_run(ms_ix_result_t *out, ms_ix_t *ix, const char *const *args);

/* The same, with stderr on a pseudo-terminal (so the progress bar shows);
 * the terminal's output lands in out->err. */
void ms_ix_run_tty(ms_ix_result_t *out, ms_ix_t *ix, const char *const *args);

/* Start migsearch-index with 'args' and return at once; output goes to
 * /dev/null. The child dies with the test. */
pid_t ms_ix_spawn(ms_ix_t *ix, const char *const *args);

/* The exit code of a child from ms_ix_spawn, waiting for it. */
int ms_ix_wait(pid_t pid);

void ms_ix_result_free(ms_ix_result_t *res);

/* Run a program (argv[0] looked up in PATH) with output to /dev/null;
 * returns its exit code, 127 if it cannot be run. */
int ms_ix_system(const char *const *argv);

/* Open the index at 'path' for reading; fails the test if it cannot. */
ms_index_t *ms_ix_open(const char *path);

/* True if the index has a document with 'id'. */
bool ms_ix_has(ms_index_t *idx, const char *id);

/* The ids of the index, sorted and joined with '\n'. Caller frees. */
char *ms_ix_ids(ms_index_t *idx);

/* The number "files"."<name>" (or "documents"."<name>") of a --json report. */
long long ms_ix_count(const ms_ix_result_t *res, const char *group, const char *name);

/* The reason a --json report gives for the failed file whose name
 * contains 'file', or NULL (borrowed from res->json). */
const char *ms_ix_reason(const ms_ix_result_t *res, const char *file);

#endif /* MS_TEST_RUN_H */
