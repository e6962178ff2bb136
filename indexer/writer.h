/* writer.h - what a run writes to the index: documents gone, entries, commits
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. Each function works on the writer
 * run->idx of a run (claims.h), keeps the tables in step with what it
 * writes, and returns an exit code, having logged any failure.
 */
#ifndef MS_WRITER_H
#define MS_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"

/* Open a writer on 'path' into *out (close it with ms_index_close()).
 * MS_EXIT_OK, MS_EXIT_LOCKED (a writer that takes no lock file holds it)
 * or MS_EXIT_RUNTIME; failures are logged. */
int ms_run__open_writer(ms_index_t **out, const char *path, unsigned shards);

/* For a rebuild's writer run->idx: take the time each document was first
 * indexed from the live index run->opts->index_path, so that a rebuild
 * does not make every document look newly added. Never fails the run: if
 * the live index cannot be read, documents count as added now (logged). */
void ms_run__keep_added(ms_run_ctx_t *run);

/* Commit if a batch is full, or if 'force'. */
int ms_run__commit(ms_run_ctx_t *run, bool force);

/* Add the CPU time of the phases of writer run->idx (ms_index_profile),
 * if there is one, to run->report: before the writer is closed. */
void ms_run__take_profile(ms_run_ctx_t *run);

/* Delete the document 'id' (an index into run->ids); it has no owner
 * then. A document already gone is fine. */
int ms_run__delete_document(ms_run_ctx_t *run, size_t id);

/* Store the entry of file 'f' (its fingerprint and the ids it owns), or
 * remove it when 'keep' is false. */
int ms_run__write_entry(ms_run_ctx_t *run, size_t f, bool keep);

/* File 'f' fails: it keeps nothing in the index and loses its entry, so
 * the next run reads it again. A file already failed keeps its first
 * reason. 'reason' is what the summary shows after the file's name;
 * 'log_text', if not NULL, is the whole log line (else it is made of the
 * file's name and 'reason'). 'release' gives up its claims (for a file
 * that could not be read: what it claims is unknown). */
int ms_run__fail_file(ms_run_ctx_t *run, size_t f, const char *reason,
                      const char *log_text, bool release);

/* File 'f', indexed by an earlier run and refused now for its content
 * (a recommendation set, front matter, a sidecar or _defaults.yaml with
 * an error), keeps its last good version: its documents and its entry
 * stay as they are, and it claims the ids it owns. Nothing of the new
 * version may have been written. 'reason' is what the summary shows
 * (the run adds that the old version stays); 'log_text' the log line. */
int ms_run__keep_file(ms_run_ctx_t *run, size_t f, const char *reason,
                      const char *log_text);

/* Give the index the settings that are not per document: the spelling
 * dictionary, and the synonyms (a bad synonyms file is logged, unless
 * 'quiet': a rebuild's workers, whose parent logs it; the index keeps the
 * synonyms it has). The writer indexes the synonym phrases of the
 * synonyms it has (docs/index-schema.md, "Synonym phrases"). */
int ms_run__apply_settings(ms_run_ctx_t *run, bool quiet);

/* The end of a run that ends with exit code 'rc' (MS_EXIT_OK or
 * MS_EXIT_PARTIAL): take the elapsed time, store the report as last_run
 * and commit. Returns 'rc', or the exit code of what failed. */
int ms_run__store_last_run(ms_run_ctx_t *run, int rc);

#endif /* MS_WRITER_H */
