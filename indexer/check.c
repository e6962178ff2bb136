/* check.c - `migsearch-index check [PATH...]`: every error of every file
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Reads archive files exactly as an update would (ms_archive_load_each,
 * with the meetings file) and writes nothing: no lock, no index. Each
 * error is printed "file:line:column: text" on standard output.
 *
 * The archive library stops at a file's first error. To report the rest,
 * the file and its metadata files are copied to a scratch folder
 * (scratch.c), the erring line is commented out there (with the lines
 * indented under it), and the file is read again, until it reads cleanly,
 * an error has no line, or one repeats. The archive itself is never
 * changed. An error of a _defaults.yaml or a sidecar is printed once,
 * however many documents it spoils.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "ms_error.h"
#include "ms_file.h"
#include "scratch.h"
#include "util.h"

/* At most this many errors are looked for in one file. */
#define MAX_ERRORS_PER_FILE 100

/* One check. */
struct check {
    const char *archive;
    ms_archive_options_t options;
    char **printed;          /* the errors printed, each once */
    size_t capacity;         /* of 'printed' */
    unsigned long files;     /* documents read */
    unsigned long errors;    /* errors printed, the length of 'printed' */
    unsigned long bad_files; /* documents with at least one error */
    bool nomem;
};

/* Print 'line' unless printed before; true if it is new. (A check finds
 * few errors; a file with many is cut at MAX_ERRORS_PER_FILE.) */
static bool
print_once(struct check *check, const char *line)
{
    char **grown;

    for (size_t i = 0; i < check->errors; i++) {
        if (strcmp(check->printed[i], line) == 0)
            return false;
    }
    grown = ms_util_grow(check->printed, &check->capacity, check->errors, sizeof(*grown));
    if (!grown || !(grown[check->errors] = strdup(line))) {
        check->printed = grown ? grown : check->printed;
        check->nomem = true;
        return false;
    }
    check->printed = grown;
    printf("%s\n", line);
    check->errors++;
    return true;
}

/* 'text' with the scratch folder 'scratch' (may be NULL) at its start
 * replaced by 'root', into 'out'. */
static const char *
unscratch(char *out, size_t size, const char *text, const char *scratch, const char *root)
{
    size_t n = scratch ? strlen(scratch) : 0;

    if (n > 0 && strncmp(text, scratch, n) == 0)
        snprintf(out, size, "%s%s", root, text + n);
    else
        snprintf(out, size, "%s", text);
    return out;
}

static ms_archive_status_t
discard(ms_archive_doc_t *doc, void *payload)
{
    (void)payload;
    ms_archive_doc_free(doc);
    return MS_ARCHIVE_OK;
}

/* A walk of a folder being checked. */
struct walking {
    struct check *check;
    const char *full; /* the folder walked */
};

/* A line set aside in a scratch copy. */
struct aside {
    char file[PATH_MAX];
    unsigned line;
};

/* A file being checked: where it is read from now, and what it found. */
struct reading {
    struct check *check;
    const char *root;    /* the real root */
    char *scratch;       /* the copy, once there is one */
    unsigned long found; /* errors of this file (printed or not) */
    bool trial;          /* a read that only tries a repair: no warnings */
    struct aside aside[MAX_ERRORS_PER_FILE];
    unsigned n_aside;
};

static void
take_warning(const char *warning, void *payload)
{
    struct reading *r = payload;
    char text[PATH_MAX + 512];

    if (r->trial)
        return;
    r->found++;
    print_once(r->check, unscratch(text, sizeof(text), warning, r->scratch, r->root));
}

/* Whether 'err' (in 'copy', the scratch copy of its file) only follows
 * from a line set aside before: a key "missing" from the block that held
 * it. */
static bool
follows_from_aside(const struct reading *r, const char *copy,
                   const ms_archive_error_t *err)
{
    unsigned last;

    if (!strstr(err->text, "missing"))
        return false;
    last = ms_scratch_block(copy, err->line, false);
    for (unsigned i = 0; i < r->n_aside; i++) {
        if (strcmp(r->aside[i].file, copy) == 0 && r->aside[i].line > err->line &&
            r->aside[i].line <= last)
            return true;
    }
    return false;
}

/* The scratch copy of the file 'err' is in, into 'copy'; false when it is
 * not one the copy holds. */
static bool
copy_of(char *copy, size_t size, const struct reading *r, const ms_archive_error_t *err)
{
    size_t n = strlen(r->root), s = strlen(r->scratch);

    if (strncmp(err->file, r->scratch, s) == 0 && err->file[s] == '/')
        snprintf(copy, size, "%s", err->file);
    else if (strncmp(err->file, r->root, n) == 0 && err->file[n] == '/')
        snprintf(copy, size, "%s%s", r->scratch, err->file + n);
    else
        return false;
    return true;
}

/* Read 'path' once, from the scratch copy if there is one. */
static ms_archive_status_t
read_once(struct reading *r, const char *path, ms_archive_error_t *err)
{
    ms_archive_status_t status;

    memset(err, 0, sizeof(*err));
    status = ms_archive_load_each(r->scratch ? r->scratch : r->root, path,
                                  &r->check->options, discard, take_warning, r, err);
    r->check->nomem = r->check->nomem || status == MS_ARCHIVE_NOMEM;
    return status;
}

/* Repair 'i' (from 0) of the line of 'err' in 'copy': 0, or -1 when there
 * is no repair 'i'. */
typedef int (*repair_fn)(const char *copy, const ms_archive_error_t *err, unsigned i);

/* A tab in the indentation: what it stands for is not known, so each
 * likely width is a repair. */
static int
untab(const char *copy, const ms_archive_error_t *err, unsigned i)
{
    static const unsigned widths[] = {2, 4, 8, 0, 1, 6, 3};

    if (i >= sizeof(widths) / sizeof(*widths))
        return -1;
    return ms_scratch_untab(copy, err->line, widths[i]);
}

/* A bad value: the first the error says it must be ("must be one of A,
 * B"), then the value of each other line with the same key, so that a key
 * a later check needs is still there. */
static int
borrow(const char *copy, const ms_archive_error_t *err, unsigned i)
{
    const char *allowed = strstr(err->text, "one of ");
    char first[64];

    if (allowed && i == 0) {
        allowed += strlen("one of ");
        snprintf(first, sizeof(first), "%.*s", (int)strcspn(allowed, ",;"), allowed);
        return ms_scratch_set_value(copy, err->line, first, 0);
    }
    i -= allowed != NULL;
    return i < 8 ? ms_scratch_set_value(copy, err->line, NULL, i) : -1;
}

/* Try each repair of the line of 'err' in 'copy', and keep the first
 * after which the line reads (the next error, if any, is elsewhere and is
 * not a key gone missing). False if none does; the copy is then as it
 * was. Warnings of these trial reads are not counted. */
static bool
repair(struct reading *r, const char *copy, const ms_archive_error_t *err,
       const char *path, repair_fn fn)
{
    ms_archive_error_t next;
    ms_archive_status_t status;
    char *saved = NULL;
    size_t len = 0;
    bool fixed = false;

    if (ms_file_read(&saved, &len, copy, 0) != MS_FILE_OK)
        return false;
    r->trial = true;
    for (unsigned i = 0; !fixed && fn(copy, err, i) == 0; i++) {
        status = read_once(r, path, &next);
        fixed = status == MS_ARCHIVE_OK ||
                (status == MS_ARCHIVE_INVALID && !strstr(next.text, "missing") &&
                 (next.line != err->line || strcmp(next.file, copy) != 0));
        if (!fixed && ms_scratch_write(copy, saved, len) != 0)
            break;
    }
    r->trial = false;
    free(saved);
    return fixed;
}

/* Take the error of one read of the file: print it (unless it only
 * follows from a line set aside), then set its line aside in the scratch
 * copy. Returns true to read the file again. */
static bool
take_error(struct reading *r, const ms_archive_error_t *err, ms_archive_status_t status,
           const char *path)
{
    char text[sizeof(err->file) + sizeof(err->text) + 32], line[sizeof(text) + PATH_MAX];
    char copy[PATH_MAX];
    bool again = status == MS_ARCHIVE_INVALID && err->line > 0, have_copy = false;

    if (again && !r->scratch)
        r->scratch = ms_scratch_copy(r->root, path);
    if (again && r->scratch)
        have_copy = copy_of(copy, sizeof(copy), r, err);
    if (!have_copy || !follows_from_aside(r, copy, err)) {
        ms_file_error_format(err, text, sizeof(text));
        r->found++;
        if (!print_once(r->check,
                        unscratch(line, sizeof(line), text, r->scratch, r->root)))
            return false; /* printed before: an error seen again, or OOM */
    }
    if (have_copy && !strstr(err->text, "missing") &&
        repair(r, copy, err, path, strstr(err->text, "a tab character") ? untab : borrow))
        return true;
    if (!have_copy || r->n_aside == MAX_ERRORS_PER_FILE ||
        ms_scratch_block(copy, err->line, true) == 0)
        return false;
    snprintf(r->aside[r->n_aside].file, sizeof(r->aside[0].file), "%s", copy);
    r->aside[r->n_aside++].line = err->line;
    return true;
}

/* Read 'path' again and again, setting each error's line aside in a
 * scratch copy, until no new error turns up. */
static void
check_file(struct check *check, const char *root, const char *path)
{
    struct reading *r = calloc(1, sizeof(*r));
    ms_archive_error_t err;
    ms_archive_status_t status;

    if (!r) {
        check->nomem = true;
        return;
    }
    *r = (struct reading){.check = check, .root = root};
    check->files++;
    do
        status = read_once(r, path, &err);
    while (status != MS_ARCHIVE_OK && status != MS_ARCHIVE_NOMEM &&
           take_error(r, &err, status, path));
    ms_scratch_remove(r->scratch);
    check->bad_files += r->found > 0;
    free(r);
}

/* A folder or file the walk could not read is an error of the check too. */
static void
walk_problem(const char *path, const char *reason, bool failed, void *payload)
{
    struct walking *walking = payload;
    char line[PATH_MAX + 512];

    if (!failed)
        return;
    snprintf(line, sizeof(line), "%s/%s: %s", walking->full, path, reason);
    walking->check->bad_files++;
    print_once(walking->check, line);
}

/* Check every document under 'root'/'dir' ("" for all of 'root'). */
static int
check_folder(struct check *check, const char *root, const char *dir)
{
    ms_archive_listing_t *listing = NULL;
    char *full = dir[0] ? ms_util_path_join(root, dir) : strdup(root);
    struct walking walking = {.check = check, .full = full};
    int rc = MS_EXIT_OK;

    if (!full)
        return MS_EXIT_RUNTIME;
    switch (ms_archive_walk(&listing, full, walk_problem, &walking)) {
    case MS_ARCHIVE_OK:
        break;
    case MS_ARCHIVE_NOMEM:
        rc = MS_EXIT_RUNTIME;
        goto out;
    default:
        fprintf(stderr, "migsearch-index: cannot read the folder %s\n", full);
        rc = MS_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < listing->n_entries && !check->nomem; i++) {
        char *path = dir[0] ? ms_util_path_join(dir, listing->entries[i].path)
                            : strdup(listing->entries[i].path);
        if (!path) {
            check->nomem = true;
            break;
        }
        check_file(check, root, path);
        free(path);
    }

out:
    ms_archive_listing_free(listing);
    free(full);
    return rc;
}

/* Check what 'given' names: a folder or a file, inside the archive (read
 * with its metadata files) or outside it (read alone: a file about to be
 * copied in). A metadata file is checked through the documents of its
 * folder. */
static int
check_path(struct check *check, const char *archive_real, const char *given)
{
    char real[PATH_MAX], root[PATH_MAX];
    size_t n = strlen(archive_real);
    const char *rel, *slash;
    struct stat st;

    if (!realpath(given, real) || stat(real, &st) != 0) {
        fprintf(stderr, "migsearch-index: %s: no such file or folder\n", given);
        return MS_EXIT_USAGE;
    }
    if (strncmp(real, archive_real, n) == 0 && (real[n] == '/' || real[n] == '\0')) {
        snprintf(root, sizeof(root), "%s", check->archive);
        rel = real[n] ? real + n + 1 : "";
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(root, sizeof(root), "%s", real);
        rel = "";
    } else {
        slash = strrchr(real, '/');
        snprintf(root, sizeof(root), "%.*s", (int)(slash - real), real);
        rel = real + (slash - real) + 1;
    }
    if (S_ISDIR(st.st_mode))
        return check_folder(check, root, rel);
    if (ms_archive_supported(rel)) {
        check_file(check, root, rel);
        return MS_EXIT_OK;
    }
    /* _defaults.yaml, a sidecar, _meetings.yaml: the documents beside it. */
    slash = strrchr(rel, '/');
    snprintf(real, sizeof(real), "%.*s", slash ? (int)(slash - rel) : 0, rel);
    return check_folder(check, root, real);
}

/* The meetings file, as an update reads it; it is handed to every load. */
static void
load_meetings(struct check *check, ms_archive_meetings_t **out)
{
    ms_archive_error_t err;
    char text[sizeof(err.file) + sizeof(err.text) + 32];

    memset(&err, 0, sizeof(err));
    if (ms_archive_meetings_load(out, check->archive, &err) == MS_ARCHIVE_OK)
        return;
    *out = NULL;
    print_once(check, ms_file_error_format(&err, text, sizeof(text)));
}

int
ms_check(const char *archive, const ms_archive_options_t *options,
         const char *const *paths, size_t n_paths)
{
    struct check check = {.archive = archive, .options = *options};
    ms_archive_meetings_t *meetings = NULL;
    char archive_real[PATH_MAX];
    int rc = MS_EXIT_OK;

    if (!realpath(archive, archive_real)) {
        fprintf(stderr, "migsearch-index: archive folder %s: not found\n", archive);
        return MS_EXIT_USAGE;
    }
    load_meetings(&check, &meetings);
    check.options.meetings = meetings;
    if (n_paths == 0)
        rc = check_folder(&check, archive, "");
    for (size_t i = 0; i < n_paths && rc == MS_EXIT_OK; i++)
        rc = check_path(&check, archive_real, paths[i]);
    if (check.nomem)
        rc = MS_EXIT_RUNTIME;
    if (rc == MS_EXIT_OK) {
        printf("files checked: %lu; with errors: %lu; errors: %lu\n", check.files,
               check.bad_files, check.errors);
        rc = check.errors > 0 ? MS_EXIT_PARTIAL : MS_EXIT_OK;
        fflush(stdout);
    }
    ms_archive_meetings_free(meetings);
    while (check.errors > 0)
        free(check.printed[--check.errors]);
    free(check.printed);
    return rc;
}
