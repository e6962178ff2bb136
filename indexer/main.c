/* main.c - migsearch-index: build the search index from the archive folder
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A run takes the writer lock first (so a second indexer fails fast), then
 * reads the archive twice. The first pass parses every file and collects
 * the ids; ids used by two files are found there, so that neither file is
 * indexed. The second pass parses the files again and writes them. Parsing
 * twice costs far less than the Xapian writes, and unlike keeping every
 * parsed document until the end it keeps memory bounded by one file.
 *
 * The exit codes are part of the interface (cron jobs and the integration
 * test rely on them) and are listed in usage() and docs/staff.md. They
 * differ from CONVENTIONS.md on two points, as the indexer's issue asks:
 * 3 tells "finished, but some files were skipped" apart from success, and a
 * held lock is 4, not 1, so a cron job can treat an overlapping run as
 * harmless.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ms_archive.h"
#include "ms_config.h"
#include "ms_index.h"
#include "ms_log.h"

#define DEFAULT_CONFIG "/etc/migsearch/migsearch.yaml"

enum exit_code {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* the index cannot be opened or written; out of memory */
    EXIT_USAGE = 2,   /* bad arguments, bad config, no archive folder */
    EXIT_PARTIAL = 3, /* finished, but some files were skipped */
    EXIT_LOCKED = 4   /* another migsearch-index holds the index */
};

/* One run over the archive. */
struct run {
    const char *archive;
    const char *index_path;
    ms_archive_options_t opts;
    unsigned batch_size;
    ms_archive_listing_t *listing;
    char **ids;            /* per listing entry: its id, NULL if it failed */
    unsigned long failed;  /* files skipped with a warning */
    unsigned long indexed; /* documents written */
};

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: migsearch-index [OPTION]...\n"
            "Index the .txt and .md files of the archive folder into the search index.\n"
            "\n"
            "  --config PATH    read the configuration from PATH\n"
            "                   (default " DEFAULT_CONFIG ")\n"
            "  --check-config   load and validate the configuration, print \"PATH: ok\"\n"
            "                   or the first error, and exit\n"
            "  --archive DIR    index DIR instead of archive.path\n"
            "  --index DIR      write to DIR instead of index.path\n"
            "  --quiet          no summary line and no info messages; warnings remain\n"
            "  --help           show this help and exit\n"
            "\n"
            "Exit status:\n"
            "  0  every file was indexed\n"
            "  1  runtime failure: the index could not be opened or written\n"
            "  2  usage or configuration error (including a missing archive folder)\n"
            "  3  the run completed, but some files were skipped (see the warnings)\n"
            "  4  another migsearch-index is already running on the index\n");
}

static double
elapsed_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void
walk_problem(const char *path, const char *reason, bool failed, void *payload)
{
    struct run *run = payload;

    ms_log(MS_LOG_WARN, "%s/%s: %s", run->archive, path, reason);
    if (failed)
        run->failed++;
}

static void
warn_skipped(const ms_archive_error_t *err)
{
    char text[sizeof(err->file) + sizeof(err->text) + 32];

    ms_log(MS_LOG_WARN, "%s (file skipped)",
           ms_archive_error_format(err, text, sizeof(text)));
}

static int
out_of_memory(void)
{
    ms_log(MS_LOG_ERR, "out of memory");
    return EXIT_RUNTIME;
}

/* Pass 1: parse every file and keep its id. Returns EXIT_OK or
 * EXIT_RUNTIME (out of memory). */
static int
collect_ids(struct run *run)
{
    ms_archive_listing_t *l = run->listing;

    run->ids = calloc(l->n_entries ? l->n_entries : 1, sizeof(*run->ids));
    if (!run->ids)
        return out_of_memory();
    for (size_t i = 0; i < l->n_entries; i++) {
        ms_archive_doc_t *doc;
        ms_archive_error_t err;
        ms_archive_status_t status =
            ms_archive_doc_load(&doc, run->archive, l->entries[i].path, &run->opts, &err);
        if (status == MS_ARCHIVE_NOMEM)
            return out_of_memory();
        if (status != MS_ARCHIVE_OK) {
            warn_skipped(&err);
            run->failed++;
            continue;
        }
        run->ids[i] = strdup(doc->id);
        ms_archive_doc_free(doc);
        if (!run->ids[i])
            return out_of_memory();
    }
    return EXIT_OK;
}

static char **sort_ids; /* qsort has no payload argument */

static int
compare_by_id(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_ids[i], sort_ids[j]);

    return c ? c : (i > j) - (i < j);
}

/* Find ids claimed by more than one file; warn about each such file and
 * drop it from the run. Returns EXIT_OK or EXIT_RUNTIME (out of memory). */
static int
drop_duplicates(struct run *run)
{
    ms_archive_listing_t *l = run->listing;
    size_t *order = malloc((l->n_entries ? l->n_entries : 1) * sizeof(*order));
    bool *dup = calloc(l->n_entries ? l->n_entries : 1, sizeof(*dup));
    size_t n = 0;
    int rc = EXIT_OK;

    if (!order || !dup) {
        rc = out_of_memory();
        goto out;
    }
    for (size_t i = 0; i < l->n_entries; i++) {
        if (run->ids[i])
            order[n++] = i;
    }
    sort_ids = run->ids;
    if (n > 0)
        qsort(order, n, sizeof(*order), compare_by_id);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        size_t other;
        if (k + 1 < n && strcmp(run->ids[i], run->ids[order[k + 1]]) == 0)
            other = order[k + 1];
        else if (k > 0 && strcmp(run->ids[i], run->ids[order[k - 1]]) == 0)
            other = order[k - 1];
        else
            continue;
        ms_log(MS_LOG_WARN, "%s/%s: id '%s' is also used by %s/%s; neither is indexed",
               run->archive, l->entries[i].path, run->ids[i], run->archive,
               l->entries[other].path);
        dup[i] = true;
    }
    for (size_t i = 0; i < l->n_entries; i++) {
        if (dup[i]) {
            free(run->ids[i]);
            run->ids[i] = NULL;
            run->failed++;
        }
    }

out:
    free(order);
    free(dup);
    return rc;
}

/* Pass 2: parse again and write. Returns an exit code. */
static int
write_documents(struct run *run, ms_index_t *idx)
{
    ms_archive_listing_t *l = run->listing;
    ms_index_status_t put;

    for (size_t i = 0; i < l->n_entries; i++) {
        ms_archive_doc_t *doc;
        ms_archive_error_t err;
        ms_document_t view;
        ms_archive_status_t status;

        if (!run->ids[i])
            continue;
        status =
            ms_archive_doc_load(&doc, run->archive, l->entries[i].path, &run->opts, &err);
        if (status == MS_ARCHIVE_NOMEM)
            return out_of_memory();
        if (status != MS_ARCHIVE_OK) {
            warn_skipped(&err);
            run->failed++;
            continue;
        }
        if (strcmp(doc->id, run->ids[i]) != 0) {
            /* Edited between the passes: its new id was never checked for
             * duplicates, so leave it for the next run. */
            ms_log(MS_LOG_WARN, "%s/%s: changed while indexing (file skipped)",
                   run->archive, l->entries[i].path);
            ms_archive_doc_free(doc);
            run->failed++;
            continue;
        }
        ms_archive_doc_view(&view, doc);
        put = ms_index_put(idx, &view);
        if (put != MS_INDEX_OK) {
            ms_log(MS_LOG_ERR, "cannot write %s/%s to the index: %s: %s", run->archive,
                   l->entries[i].path, ms_index_status_string(put), ms_index_errmsg(idx));
            ms_archive_doc_free(doc);
            return EXIT_RUNTIME;
        }
        ms_log(MS_LOG_DEBUG, "indexed %s/%s id=%s", run->archive, l->entries[i].path,
               doc->id);
        ms_archive_doc_free(doc);
        run->indexed++;
        if (run->batch_size > 0 && run->indexed % run->batch_size == 0) {
            put = ms_index_commit(idx);
            if (put != MS_INDEX_OK) {
                ms_log(MS_LOG_ERR, "cannot commit to %s: %s: %s", run->index_path,
                       ms_index_status_string(put), ms_index_errmsg(idx));
                return EXIT_RUNTIME;
            }
        }
    }
    put = ms_index_commit(idx);
    if (put != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot commit to %s: %s: %s", run->index_path,
               ms_index_status_string(put), ms_index_errmsg(idx));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'k'},
        {"archive", required_argument, NULL, 'a'},
        {"index", required_argument, NULL, 'i'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = DEFAULT_CONFIG;
    const char *archive = NULL, *index_path = NULL;
    bool check_only = false, quiet = false;
    ms_config_t *cfg = NULL;
    ms_config_error_t cfg_err;
    ms_index_t *idx = NULL;
    ms_index_error_t idx_err;
    ms_index_status_t opened;
    struct run run = {0};
    struct timespec start;
    struct stat st;
    char text[sizeof(cfg_err.file) + sizeof(cfg_err.text) + 32];
    int opt, rc = EXIT_OK;

    clock_gettime(CLOCK_MONOTONIC, &start);
    ms_log_init("index", MS_LOG_INFO);
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'k':
            check_only = true;
            break;
        case 'a':
            archive = optarg;
            break;
        case 'i':
            index_path = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            fprintf(stderr, "Try 'migsearch-index --help' for more information.\n");
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "migsearch-index: unexpected argument '%s'\n", argv[optind]);
        fprintf(stderr, "Try 'migsearch-index --help' for more information.\n");
        return EXIT_USAGE;
    }

    if (ms_config_load(&cfg, config_path, &cfg_err) != 0) {
        fprintf(stderr, "%s\n", ms_config_error_format(&cfg_err, text, sizeof(text)));
        rc = EXIT_USAGE;
        goto out;
    }
    if (check_only) {
        printf("%s: ok\n", config_path);
        goto out;
    }
    ms_log_init("index",
                quiet && cfg->log.level > MS_LOG_WARN ? MS_LOG_WARN : cfg->log.level);

    run.archive = archive ? archive : cfg->archive.path;
    run.index_path = index_path ? index_path : cfg->index.path;
    run.opts.default_language = cfg->index.language;
    run.opts.max_file_size = cfg->archive.max_file_size;
    run.batch_size = cfg->archive.batch_size;

    /* Check the archive before the index is opened, and so created. */
    if (stat(run.archive, &st) != 0) {
        ms_log(MS_LOG_ERR, "archive folder %s: %s", run.archive, strerror(errno));
        rc = EXIT_USAGE;
        goto out;
    }
    if (!S_ISDIR(st.st_mode)) {
        ms_log(MS_LOG_ERR, "archive folder %s: not a directory", run.archive);
        rc = EXIT_USAGE;
        goto out;
    }

    opened = ms_index_open(&idx, run.index_path, MS_INDEX_WRITE, &idx_err);
    if (opened == MS_INDEX_LOCKED) {
        ms_log(MS_LOG_ERR, "another migsearch-index is already running on %s",
               run.index_path);
        rc = EXIT_LOCKED;
        goto out;
    }
    if (opened != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot open the index %s: %s: %s", run.index_path,
               ms_index_status_string(opened), idx_err.text);
        rc = EXIT_RUNTIME;
        goto out;
    }

    switch (ms_archive_walk(&run.listing, run.archive, walk_problem, &run)) {
    case MS_ARCHIVE_OK:
        break;
    case MS_ARCHIVE_NOMEM:
        rc = out_of_memory();
        goto out;
    default:
        ms_log(MS_LOG_ERR, "cannot read the archive folder %s: %s", run.archive,
               strerror(errno));
        rc = EXIT_RUNTIME;
        goto out;
    }
    ms_log(MS_LOG_INFO, "found %zu files in %s", run.listing->n_entries, run.archive);

    rc = collect_ids(&run);
    if (rc == EXIT_OK)
        rc = drop_duplicates(&run);
    if (rc == EXIT_OK)
        rc = write_documents(&run, idx);
    if (rc != EXIT_OK)
        goto out;

    if (!quiet)
        printf("indexed %lu documents from %zu files in %.2f s (%lu failed)\n",
               run.indexed, run.listing->n_entries, elapsed_since(&start), run.failed);
    if (run.failed > 0)
        rc = EXIT_PARTIAL;

out:
    if (run.ids) {
        for (size_t i = 0; i < run.listing->n_entries; i++)
            free(run.ids[i]);
        free(run.ids);
    }
    ms_archive_listing_free(run.listing);
    ms_index_close(idx);
    ms_config_free(cfg);
    return rc;
}
