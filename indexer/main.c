/* main.c - migsearch-index: keep the search index in step with the archive folder
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The command line, the summary and --json. The work itself is in run.c:
 * an update skips unchanged files, reads new and changed ones and deletes
 * what is gone; --rebuild builds a new generation beside the live index
 * and switches to it atomically. `status` is status.c, `check` check.c.
 *
 * The exit codes are part of the interface (cron jobs and the integration
 * tests rely on them) and are listed in usage() and docs/staff.md. They
 * differ from CONVENTIONS.md on two points, as the indexer's issue asks:
 * 3 tells "finished, but some files failed" apart from success, and a held
 * lock is 4, not 1, so a cron job can treat an overlapping run as harmless.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "ms_config.h"
#include "ms_log.h"
#include "run.h"
#include "status.h"
#include "util.h"

#define DEFAULT_CONFIG MS_CONFIG_DEFAULT_PATH

static void
usage(FILE *out)
{
    fprintf(
        out,
        "Usage: migsearch-index [OPTION]... [update]\n"
        "       migsearch-index [OPTION]... --rebuild\n"
        "       migsearch-index [OPTION]... status [--json]\n"
        "       migsearch-index [OPTION]... check [PATH]...\n"
        "Keep the search index in step with the archive folder.\n"
        "\n"
        "  update           (the default) index new and changed files, delete the\n"
        "                   documents of deleted files, skip unchanged files unread\n"
        "  --rebuild        build a complete new index beside the live one and switch\n"
        "                   to it at the end; the server keeps answering from the old\n"
        "                   one until then\n"
        "  status           documents by type, language and status, the last run and\n"
        "                   the files that failed in it\n"
        "  check [PATH]...  read the archive's files (or the files and folders\n"
        "                   named) as an update would and print every error of\n"
        "                   every file as file:line:column; changes nothing\n"
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
        "  --version        show the version and exit\n"
        "\n"
        "Exit status:\n"
        "  0  every file was indexed\n"
        "  1  runtime failure: the index could not be opened or written\n"
        "  2  usage or configuration error (including a missing archive folder)\n"
        "  3  the run completed, but some files failed (see the summary)\n"
        "  4  another migsearch-index is already running on the index; nothing\n"
        "     was changed\n"
        "`check` exits 0 when it found no error, 3 when it found some, 2 when a\n"
        "PATH does not exist.\n");
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
            ms_util_print_failure(r->failures[i].file, r->failures[i].reason);
    }
    ms_util_print_unindexed((const char *const *)r->unindexed_phrases,
                            r->n_unindexed_phrases);
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

/* `migsearch-index status`. Returns an exit code. */
static int
show_status(const char *index_path, bool as_json)
{
    json_t *status = ms_status_json(index_path);
    int rc = status ? MS_EXIT_OK : MS_EXIT_RUNTIME;

    if (status && as_json && print_json(status) != 0)
        rc = MS_EXIT_RUNTIME;
    else if (status && !as_json)
        ms_status_print(status);
    json_decref(status);
    return rc;
}

/* The command line. */
struct command_line {
    const char *config_path, *command; /* command: "update", "status", "check" */
    const char *const *paths;          /* check's PATHs */
    size_t n_paths;
    const char *archive, *index_path;        /* NULL: from the configuration */
    int check_only, quiet, as_json, rebuild; /* set by getopt_long() */
};

/* Parse the command line into *out. Returns -1 to go on, or the exit
 * code to end with (after --help, or a usage error). */
static int
parse_command_line(struct command_line *out, int argc, char **argv)
{
    /* Switches set their flag; options with a value are stored through
     * 'value_of', by the short name getopt_long() returns for them. */
    const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, &out->check_only, 1},
        {"archive", required_argument, NULL, 'a'},
        {"index", required_argument, NULL, 'i'},
        {"rebuild", no_argument, &out->rebuild, 1},
        {"quiet", no_argument, &out->quiet, 1},
        {"json", no_argument, &out->as_json, 1},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char **value_of[128] = {
        ['c'] = &out->config_path, ['a'] = &out->archive, ['i'] = &out->index_path};
    int opt;

    *out = (struct command_line){.config_path = DEFAULT_CONFIG, .command = "update"};
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (opt > 0 && opt < 128 && value_of[opt]) {
            *value_of[opt] = optarg;
        } else if (opt == 'h') {
            usage(stdout);
            return MS_EXIT_OK;
        } else if (opt == 'V') {
            printf("migsearch-index %s\n", MS_VERSION);
            return MS_EXIT_OK;
        } else if (opt != 0) {
            fprintf(stderr, "Try 'migsearch-index --help' for more information.\n");
            return MS_EXIT_USAGE;
        }
    }
    if (optind < argc)
        out->command = argv[optind++];
    if (strcmp(out->command, "check") == 0) {
        out->paths = (const char *const *)argv + optind;
        out->n_paths = (size_t)(argc - optind);
        optind = argc;
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (strcmp(out->command, "update") != 0 && strcmp(out->command, "status") != 0 &&
        strcmp(out->command, "check") != 0)
        return usage_error("unknown command '%s'", out->command);
    if (out->rebuild && strcmp(out->command, "update") != 0)
        return usage_error("--rebuild does not go with '%s'", out->command);
    return -1;
}

/* The options of a run, from the command line and the configuration
 * (both borrowed: they must outlive *out). */
static void
run_options(ms_run_options_t *out, const struct command_line *cli, const ms_config_t *cfg)
{
    *out = (ms_run_options_t){0};
    out->index_path = cli->index_path ? cli->index_path : cfg->index.path;
    out->archive = cli->archive ? cli->archive : cfg->archive.path;
    out->archive_options.default_language = cfg->index.language;
    out->archive_options.max_file_size = cfg->archive.max_file_size;
    out->archive_options.max_document_text = cfg->archive.max_document_text;
    out->archive_options.max_jsonl_size = cfg->archive.max_jsonl_size;
    out->archive_options.extract.timeout_ms = cfg->archive.extract_timeout * 1000u;
    out->archive_options.extract.memory_bytes = cfg->archive.extract_memory;
    out->archive_options.extract.max_text_bytes = cfg->archive.max_file_size;
    out->batch_size = cfg->archive.batch_size;
    out->rebuild = cli->rebuild;
    out->spelling = cfg->index.spelling;
    out->synonyms_path = cfg->index.synonyms;
    out->progress = !cli->quiet && isatty(STDERR_FILENO);
    out->jobs = cfg->index.jobs;
    out->shards = cfg->index.shards;
    if (out->jobs == 0) {
        /* One worker per CPU; past eight the merge and the disk gain
         * little from more. */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        out->jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned)cpus;
    }
}

/* Check the archive folder before anything is locked or created. Returns
 * an exit code. */
static int
check_archive(const char *archive)
{
    struct stat st;

    if (stat(archive, &st) != 0) {
        ms_log(MS_LOG_ERR, "archive folder %s: %s", archive, strerror(errno));
        return MS_EXIT_USAGE;
    }
    if (!S_ISDIR(st.st_mode)) {
        ms_log(MS_LOG_ERR, "archive folder %s: not a directory", archive);
        return MS_EXIT_USAGE;
    }
    return MS_EXIT_OK;
}

/* Update or rebuild, then print the summary or the --json report.
 * Returns an exit code. */
static int
run(const struct command_line *cli, const ms_config_t *cfg)
{
    ms_run_options_t opts;
    ms_run_report_t report = {0};
    int rc;

    run_options(&opts, cli, cfg);
    report.mode = opts.rebuild ? "rebuild" : "update";
    clock_gettime(CLOCK_REALTIME, &report.started);
    report.finished = report.started;
    if ((rc = check_archive(opts.archive)) == MS_EXIT_OK)
        rc = ms_run(&report, &opts);
    if (cli->as_json) {
        /* Always an object, whatever the exit: scripts parse it. */
        json_t *json = ms_run_report_json(&report, rc, 0);
        const char *error =
            rc == MS_EXIT_LOCKED
                ? "another migsearch-index holds the lock; try again later"
            : rc == MS_EXIT_USAGE   ? "the archive folder cannot be read"
            : rc == MS_EXIT_RUNTIME ? "the run failed; the log says why"
                                    : NULL;
        if (json && error)
            json_object_set_new(json, "error", json_string(error));
        if (print_json(json) != 0 && rc == MS_EXIT_OK)
            rc = MS_EXIT_RUNTIME;
        json_decref(json);
    } else if (rc != MS_EXIT_LOCKED && !cli->quiet &&
               (rc == MS_EXIT_OK || rc == MS_EXIT_PARTIAL)) {
        print_summary(&report, &opts);
    }
    ms_run_report_clear(&report);
    return rc;
}

/* `check`: what an update would say of the files, changing nothing. */
static int
check(const struct command_line *cli, const ms_config_t *cfg)
{
    ms_run_options_t opts;

    run_options(&opts, cli, cfg);
    return ms_check(opts.archive, &opts.archive_options, cli->paths, cli->n_paths);
}

int
main(int argc, char **argv)
{
    struct command_line cli;
    ms_config_t *cfg = NULL;
    ms_config_error_t cfg_err;
    char text[sizeof(cfg_err.file) + sizeof(cfg_err.text) + 32];
    int rc;

    ms_log_init("index", MS_LOG_INFO);
    if ((rc = parse_command_line(&cli, argc, argv)) >= 0)
        return rc;
    if (ms_config_load(&cfg, cli.config_path, &cfg_err) != 0) {
        fprintf(stderr, "%s\n", ms_file_error_format(&cfg_err, text, sizeof(text)));
        rc = MS_EXIT_USAGE;
    } else if (cli.check_only) {
        printf("%s: ok\n", cli.config_path);
        rc = MS_EXIT_OK;
    } else {
        ms_log_init("index", cli.quiet && cfg->log.level > MS_LOG_WARN ? MS_LOG_WARN
                                                                       : cfg->log.level);
        if (strcmp(cli.command, "status") == 0)
            rc = show_status(cli.index_path ? cli.index_path : cfg->index.path,
                             cli.as_json);
        else if (strcmp(cli.command, "check") == 0)
            rc = check(&cli, cfg);
        else
            rc = run(&cli, cfg);
    }
    ms_config_free(cfg);
    return rc;
}
