/* main.c - migsearch-index: keep the search index in step with the archive folder
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The command line, the summary, --json and `status`. The work itself is
 * in run.c: an update skips unchanged files, reads new and changed ones
 * and deletes what is gone; --rebuild builds a new generation beside the
 * live index and switches to it atomically.
 *
 * The exit codes are part of the interface (cron jobs and the integration
 * tests rely on them) and are listed in usage() and docs/staff.md. They
 * differ from CONVENTIONS.md on two points, as the indexer's issue asks:
 * 3 tells "finished, but some files failed" apart from success, and a held
 * lock is 4, not 1, so a cron job can treat an overlapping run as harmless.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ms_config.h"
#include "ms_index.h"
#include "ms_log.h"
#include "run.h"
#include "state.h"

#define DEFAULT_CONFIG "/etc/migsearch/migsearch.yaml"

static void
usage(FILE *out)
{
    fprintf(
        out,
        "Usage: migsearch-index [OPTION]... [update]\n"
        "       migsearch-index [OPTION]... --rebuild\n"
        "       migsearch-index [OPTION]... status [--json]\n"
        "Keep the search index in step with the archive folder.\n"
        "\n"
        "  update           (the default) index new and changed files, delete the\n"
        "                   documents of deleted files, skip unchanged files unread\n"
        "  --rebuild        build a complete new index beside the live one and switch\n"
        "                   to it at the end; the server keeps answering from the old\n"
        "                   one until then\n"
        "  status           documents by type, language and status, the last run and\n"
        "                   the files that failed in it\n"
        "\n"
        "  --config PATH    read the configuration from PATH\n"
        "                   (default " DEFAULT_CONFIG ")\n"
        "  --check-config   load and validate the configuration, print \"PATH: ok\"\n"
        "                   or the first error, and exit\n"
        "  --archive DIR    read DIR instead of archive.path\n"
        "  --index DIR      use DIR instead of index.path\n"
        "  --quiet          no progress bar, summary or info messages; warnings remain\n"
        "  --json           print a machine-readable report on standard output\n"
        "                   instead of the summary (docs/staff.md)\n"
        "  --help           show this help and exit\n"
        "\n"
        "Exit status:\n"
        "  0  every file was indexed\n"
        "  1  runtime failure: the index could not be opened or written\n"
        "  2  usage or configuration error (including a missing archive folder)\n"
        "  3  the run completed, but some files failed (see the summary)\n"
        "  4  another migsearch-index is already running on the index; nothing\n"
        "     was changed\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "migsearch-index: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'migsearch-index --help' for more information.\n");
    return MS_EXIT_USAGE;
}

static void
print_summary(const ms_run_report_t *r, const ms_run_options_t *opts)
{
    double rate = r->elapsed > 0 ? (double)r->docs_written / r->elapsed : 0.0;

    printf("%s of %s from %s: %lu added, %lu updated, %lu deleted, %lu unchanged, "
           "%lu failed\n",
           r->mode, opts->index_path, opts->archive, r->added, r->updated, r->deleted,
           r->unchanged, r->failed);
    printf(
        "%lu documents written, %lu deleted, %lu in the index; %.2f s, %.0f documents/s, "
        "%.2f MB/s\n",
        r->docs_written, r->docs_deleted, r->doc_count, r->elapsed, rate,
        r->elapsed > 0 ? (double)r->bytes_read / (1024.0 * 1024.0) / r->elapsed : 0.0);
    if (r->n_failures > 0) {
        printf("failed:\n");
        for (size_t i = 0; i < r->n_failures; i++)
            printf("  %s: %s\n", r->failures[i].file, r->failures[i].reason);
    }
}

static int
print_json(json_t *json)
{
    char *text = json ? json_dumps(json, JSON_INDENT(2)) : NULL;

    if (!text) {
        ms_log(MS_LOG_ERR, "out of memory");
        return -1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

/* --- status --- */

static int
count_entry(const char *key, const char *value, void *payload)
{
    (void)key;
    (void)value;
    (*(unsigned long *)payload)++;
    return 0;
}

/* The counts of 'field' as a JSON object, or NULL (message logged). */
static json_t *
counts_json(ms_index_t *idx, const char *field)
{
    ms_index_counts_t *counts;
    ms_index_status_t status = ms_index_count_by(&counts, idx, field);
    json_t *object;

    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot count documents by %s: %s: %s", field,
               ms_index_status_string(status), ms_index_errmsg(idx));
        return NULL;
    }
    object = json_object();
    for (size_t i = 0; object && i < counts->n_items; i++) {
        if (json_object_set_new(object, counts->items[i].value,
                                json_integer((json_int_t)counts->items[i].count)) != 0) {
            json_decref(object);
            object = NULL;
        }
    }
    ms_index_counts_free(counts);
    return object;
}

static void
print_counts(const char *label, json_t *counts)
{
    const char *value;
    json_t *count;
    bool first = true;

    printf("  by %-9s", label);
    json_object_foreach(counts, value, count)
    {
        printf("%s%s %" JSON_INTEGER_FORMAT, first ? " " : ", ", value,
               json_integer_value(count));
        first = false;
    }
    printf("%s\n", first ? " (none)" : "");
}

static json_int_t
int_at(json_t *object, const char *a, const char *b)
{
    return json_integer_value(json_object_get(json_object_get(object, a), b));
}

static void
print_status(json_t *status)
{
    json_t *last = json_object_get(status, "last_run");
    const char *generation = json_string_value(json_object_get(status, "generation"));

    printf("index %s%s%s\n", json_string_value(json_object_get(status, "index")),
           generation ? " -> " : "", generation ? generation : "");
    printf("  documents: %" JSON_INTEGER_FORMAT " from %" JSON_INTEGER_FORMAT " files\n",
           json_integer_value(json_object_get(status, "documents")),
           json_integer_value(json_object_get(status, "files")));
    print_counts("type:", json_object_get(status, "by_type"));
    print_counts("language:", json_object_get(status, "by_language"));
    print_counts("status:", json_object_get(status, "by_status"));
    if (!json_is_object(last)) {
        printf("last run: none recorded\n");
        return;
    }
    printf("last run: %s, %s to %s (%.2f s), exit %" JSON_INTEGER_FORMAT "\n",
           json_string_value(json_object_get(last, "mode")),
           json_string_value(json_object_get(last, "started")),
           json_string_value(json_object_get(last, "finished")),
           json_real_value(json_object_get(last, "elapsed")),
           json_integer_value(json_object_get(last, "exit")));
    printf("  files: %" JSON_INTEGER_FORMAT " added, %" JSON_INTEGER_FORMAT
           " updated, %" JSON_INTEGER_FORMAT " deleted, %" JSON_INTEGER_FORMAT
           " unchanged, %" JSON_INTEGER_FORMAT " failed\n",
           int_at(last, "files", "added"), int_at(last, "files", "updated"),
           int_at(last, "files", "deleted"), int_at(last, "files", "unchanged"),
           int_at(last, "files", "failed"));
    json_t *failures = json_object_get(last, "failures");
    if (json_array_size(failures) > 0) {
        size_t i;
        json_t *item;
        printf("failed files:\n");
        json_array_foreach(failures, i, item)
        {
            printf("  %s: %s\n", json_string_value(json_object_get(item, "file")),
                   json_string_value(json_object_get(item, "reason")));
        }
    }
}

/* `migsearch-index status`. Returns an exit code. */
static int
run_status(const char *index_path, bool as_json)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_info_t info;
    ms_index_status_t status;
    json_t *root = NULL, *last = NULL;
    char *last_text = NULL, target[PATH_MAX];
    unsigned long files = 0;
    ssize_t n;
    int rc = MS_EXIT_RUNTIME;

    status = ms_index_open(&idx, index_path, MS_INDEX_READ, &err);
    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot open the index %s: %s: %s", index_path,
               ms_index_status_string(status), err.text);
        return MS_EXIT_RUNTIME;
    }
    status = ms_index_info(&info, idx);
    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(idx, MS_STATE_PREFIX_PATH, count_entry, &files);
    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(idx, MS_STATE_PREFIX_HASH, count_entry, &files);
    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot read the index %s: %s: %s", index_path,
               ms_index_status_string(status), ms_index_errmsg(idx));
        goto out;
    }
    status = ms_index_metadata_get(&last_text, idx, MS_STATE_LAST_RUN);
    if (status == MS_INDEX_OK)
        last = json_loads(last_text, 0, NULL);
    else if (status != MS_INDEX_NOT_FOUND)
        ms_log(MS_LOG_WARN, "cannot read the last run from %s: %s", index_path,
               ms_index_errmsg(idx));

    root = json_pack("{s:s, s:I, s:I, s:I}", "index", index_path, "documents",
                     (json_int_t)info.doc_count, "revision", (json_int_t)info.revision,
                     "files", (json_int_t)files);
    if (!root)
        goto nomem;
    n = readlink(index_path, target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        json_object_set_new(root, "generation", json_string(target));
    } else {
        json_object_set_new(root, "generation", json_null());
    }
    static const char *const fields[][2] = {
        {"by_type", "type"}, {"by_language", "language"}, {"by_status", "status"}};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *counts = counts_json(idx, fields[i][1]);
        if (!counts)
            goto out;
        json_object_set_new(root, fields[i][0], counts);
    }
    json_object_set_new(root, "last_run", last ? last : json_null());
    last = NULL;

    if (as_json) {
        if (print_json(root) != 0)
            goto out;
    } else {
        print_status(root);
    }
    rc = MS_EXIT_OK;
    goto out;

nomem:
    ms_log(MS_LOG_ERR, "out of memory");
out:
    json_decref(root);
    json_decref(last);
    ms_index_string_free(last_text);
    ms_index_close(idx);
    return rc;
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'k'},
        {"archive", required_argument, NULL, 'a'},
        {"index", required_argument, NULL, 'i'},
        {"rebuild", no_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = DEFAULT_CONFIG, *command = "update";
    const char *archive = NULL, *index_path = NULL;
    bool check_only = false, quiet = false, as_json = false, rebuild = false;
    ms_config_t *cfg = NULL;
    ms_config_error_t cfg_err;
    ms_run_options_t opts = {0};
    ms_run_report_t report = {0};
    struct stat st;
    char text[sizeof(cfg_err.file) + sizeof(cfg_err.text) + 32];
    int opt, rc = MS_EXIT_OK;

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
        case 'r':
            rebuild = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            usage(stdout);
            return MS_EXIT_OK;
        default:
            fprintf(stderr, "Try 'migsearch-index --help' for more information.\n");
            return MS_EXIT_USAGE;
        }
    }
    if (optind < argc)
        command = argv[optind++];
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (strcmp(command, "update") != 0 && strcmp(command, "status") != 0)
        return usage_error("unknown command '%s'", command);
    if (rebuild && strcmp(command, "update") != 0)
        return usage_error("--rebuild does not go with '%s'", command);

    if (ms_config_load(&cfg, config_path, &cfg_err) != 0) {
        fprintf(stderr, "%s\n", ms_config_error_format(&cfg_err, text, sizeof(text)));
        rc = MS_EXIT_USAGE;
        goto out;
    }
    if (check_only) {
        printf("%s: ok\n", config_path);
        goto out;
    }
    ms_log_init("index",
                quiet && cfg->log.level > MS_LOG_WARN ? MS_LOG_WARN : cfg->log.level);

    opts.index_path = index_path ? index_path : cfg->index.path;
    if (strcmp(command, "status") == 0) {
        rc = run_status(opts.index_path, as_json);
        goto out;
    }

    opts.archive = archive ? archive : cfg->archive.path;
    opts.archive_options.default_language = cfg->index.language;
    opts.archive_options.max_file_size = cfg->archive.max_file_size;
    opts.archive_options.extract.timeout_ms = cfg->archive.extract_timeout * 1000u;
    opts.archive_options.extract.memory_bytes = cfg->archive.extract_memory;
    opts.archive_options.extract.max_text_bytes = cfg->archive.max_file_size;
    opts.batch_size = cfg->archive.batch_size;
    opts.rebuild = rebuild;
    opts.spelling = cfg->index.spelling;
    opts.synonyms_path = cfg->index.synonyms;
    opts.progress = !quiet && isatty(STDERR_FILENO);
    opts.jobs = cfg->index.jobs;
    if (opts.jobs == 0) {
        /* One worker per CPU; past eight the merge and the disk gain
         * little from more. */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        opts.jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned)cpus;
    }

    /* Check the archive before anything is locked or created. */
    if (stat(opts.archive, &st) != 0) {
        ms_log(MS_LOG_ERR, "archive folder %s: %s", opts.archive, strerror(errno));
        rc = MS_EXIT_USAGE;
        goto out;
    }
    if (!S_ISDIR(st.st_mode)) {
        ms_log(MS_LOG_ERR, "archive folder %s: not a directory", opts.archive);
        rc = MS_EXIT_USAGE;
        goto out;
    }

    rc = ms_run(&report, &opts);
    if (rc == MS_EXIT_LOCKED)
        goto out;
    if (as_json) {
        json_t *json = ms_run_report_json(&report, rc, 0);
        if (print_json(json) != 0 && rc == MS_EXIT_OK)
            rc = MS_EXIT_RUNTIME;
        json_decref(json);
    } else if (!quiet && (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL)) {
        print_summary(&report, &opts);
    }

out:
    ms_run_report_clear(&report);
    ms_config_free(cfg);
    return rc;
}
