/* walk.c - list the indexable files of an archive folder, in a stable order
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The order is depth first with the entries of each directory sorted by
 * name in byte order, so two runs over the same folder index the same files
 * in the same order, whatever order readdir(3) returns. Each directory is
 * read completely and closed before its subdirectories are entered, so the
 * walk holds one directory stream at a time however deep the tree is.
 *
 * The archive is a boundary. A symbolic link is followed only when what it
 * resolves to is inside the archive (staff link folders to one another);
 * a link leading outside it (to /etc, to "..", to "/") is refused with a
 * warning naming it and its target, and nothing under it is listed. Every
 * directory entered is remembered by device and inode, so a link back up
 * the tree, or two links to one folder, cannot loop or index the same
 * files twice.
 *
 * Only documents are listed (ms_archive_supported): helper files such as
 * _defaults.yaml and sidecars (*.meta.yaml) are metadata of other files and
 * never appear. A document that exists but cannot be read (permissions, a
 * dangling link, a link loop) is reported through the callback as failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-io.h"
#include "ms_file.h"

#define WALK_MAX_DEPTH 64

struct dir_id {
    dev_t dev;
    ino_t ino;
};

struct walker {
    const char *root;
    char *real_root; /* 'root' resolved: the boundary */
    ms_archive_listing_t *listing;
    size_t entries_capacity;
    struct dir_id *visited;
    size_t n_visited;
    size_t visited_capacity;
    ms_archive_walk_cb problem;
    void *payload;
};

static void
report(struct walker *w, const char *path, const char *reason, bool failed)
{
    if (w->problem)
        w->problem(path, reason, failed, w->payload);
}

/* Remember directory 'st'. Returns 1 if it was new, 0 if already visited,
 * -1 on OOM. */
static int
visit(struct walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_visited; i++) {
        if (w->visited[i].dev == st->st_dev && w->visited[i].ino == st->st_ino)
            return 0;
    }
    if (!ms_archive__grow(&w->visited, &w->visited_capacity, w->n_visited,
                          sizeof(*w->visited), 64))
        return -1;
    w->visited[w->n_visited].dev = st->st_dev;
    w->visited[w->n_visited].ino = st->st_ino;
    w->n_visited++;
    return 1;
}

static ms_archive_status_t
add_entry(struct walker *w, const char *path, off_t size)
{
    ms_archive_listing_t *l = w->listing;

    if (!ms_archive__grow(&l->entries, &w->entries_capacity, l->n_entries,
                          sizeof(*l->entries), 256))
        return MS_ARCHIVE_NOMEM;
    l->entries[l->n_entries].path = strdup(path);
    if (!l->entries[l->n_entries].path)
        return MS_ARCHIVE_NOMEM;
    l->entries[l->n_entries].size = size;
    l->n_entries++;
    return MS_ARCHIVE_OK;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether 'child' (at 'full'), a symbolic link, may be followed: only
 * when it resolves inside the archive. A link that does not resolve is
 * left to the stat that follows, which says why. */
static bool
link_inside(struct walker *w, const char *child, const char *full)
{
    char *real = realpath(full, NULL);
    char reason[512];
    bool inside = !real || ms_file_within(w->real_root, real);

    if (!inside) {
        snprintf(reason, sizeof(reason),
                 "symbolic link leads outside the archive (to %s); refused", real);
        report(w, child, reason, false);
    }
    free(real);
    return inside;
}

/* "a/b" + "c" -> "a/b/c"; "" + "c" -> "c". Caller frees. */
static char *
join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);

    if (path)
        snprintf(path, n, "%s%s%s", dir, dir[0] ? "/" : "", name);
    return path;
}

/* Read the names in directory 'rel' (relative to the root), hidden ones
 * left out, sorted. Returns MS_ARCHIVE_IO with errno set if it cannot be
 * read. */
static ms_archive_status_t
read_names(char ***out, size_t *n_out, const char *full)
{
    DIR *dir = opendir(full);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *entry;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *out = NULL;
    *n_out = 0;
    if (!dir)
        return MS_ARCHIVE_IO;
    for (;;) {
        errno = 0;
        entry = readdir(dir);
        if (!entry) {
            if (errno != 0)
                status = MS_ARCHIVE_IO;
            break;
        }
        if (entry->d_name[0] == '.')
            continue;
        if (!ms_archive__grow(&names, &cap, n, sizeof(*names), 32) ||
            !(names[n] = strdup(entry->d_name))) {
            status = MS_ARCHIVE_NOMEM;
            goto out;
        }
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), compare_names);

out:
    if (status != MS_ARCHIVE_OK) {
        int saved = errno;
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        names = NULL;
        n = 0;
        errno = saved;
    }
    closedir(dir);
    *out = names;
    *n_out = n;
    return status;
}

static ms_archive_status_t
walk_dir(struct walker *w, const char *rel, unsigned depth)
{
    char *full = join(w->root, rel);
    char **names = NULL;
    size_t n_names = 0;
    ms_archive_status_t status;

    if (!full)
        return MS_ARCHIVE_NOMEM;
    /* The root itself is joined as "root/" + "", which stat accepts. */
    status = read_names(&names, &n_names, full);
    if (status == MS_ARCHIVE_IO) {
        char reason[128];
        snprintf(reason, sizeof(reason), "cannot read directory: %s", strerror(errno));
        report(w, rel[0] ? rel : ".", reason, true);
        status = MS_ARCHIVE_OK;
        goto out;
    }
    if (status != MS_ARCHIVE_OK)
        goto out;

    for (size_t i = 0; i < n_names; i++) {
        char *child = join(rel, names[i]);
        char *child_full = child ? join(w->root, child) : NULL;
        struct stat st;

        if (!child_full) {
            free(child);
            status = MS_ARCHIVE_NOMEM;
            goto out;
        }
        if (lstat(child_full, &st) == 0 && S_ISLNK(st.st_mode) &&
            !link_inside(w, child, child_full)) {
            /* refused, and said so */
        } else if (stat(child_full, &st) != 0) {
            /* Only worth a warning if it might have been a document. */
            if (ms_archive_supported(names[i])) {
                char reason[128];
                snprintf(reason, sizeof(reason), "cannot read: %s", strerror(errno));
                report(w, child, reason, true);
            }
        } else if (S_ISDIR(st.st_mode)) {
            int fresh = visit(w, &st);
            if (fresh < 0) {
                status = MS_ARCHIVE_NOMEM;
            } else if (fresh == 0) {
                report(w, child,
                       "directory already visited through another path; skipped", false);
            } else if (depth + 1 >= WALK_MAX_DEPTH) {
                report(w, child, "directory nested too deep; skipped", true);
            } else {
                status = walk_dir(w, child, depth + 1);
            }
        } else if (S_ISREG(st.st_mode) && ms_archive_supported(names[i])) {
            /* Said here rather than left to the load: the walk is where
             * staff look for what was not read, and why. */
            if (access(child_full, R_OK) != 0) {
                char reason[128];
                snprintf(reason, sizeof(reason), "cannot read: %s", strerror(errno));
                report(w, child, reason, true);
            } else {
                status = add_entry(w, child, st.st_size);
            }
        }
        free(child_full);
        free(child);
        if (status != MS_ARCHIVE_OK)
            goto out;
    }

out:
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    free(full);
    return status;
}

ms_archive_status_t
ms_archive_walk(ms_archive_listing_t **out, const char *root, ms_archive_walk_cb problem,
                void *payload)
{
    struct walker w = {root, NULL, NULL, 0, NULL, 0, 0, problem, payload};
    struct stat st;
    ms_archive_status_t status;

    *out = NULL;
    if (stat(root, &st) != 0)
        return MS_ARCHIVE_IO;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return MS_ARCHIVE_IO;
    }
    w.real_root = realpath(root, NULL);
    if (!w.real_root)
        return errno == ENOMEM ? MS_ARCHIVE_NOMEM : MS_ARCHIVE_IO;
    w.listing = calloc(1, sizeof(*w.listing));
    if (!w.listing || visit(&w, &st) < 0) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = walk_dir(&w, "", 0);

out:
    free(w.real_root);
    free(w.visited);
    if (status == MS_ARCHIVE_OK) {
        *out = w.listing;
    } else {
        ms_archive_listing_free(w.listing);
    }
    return status;
}

void
ms_archive_listing_free(ms_archive_listing_t *listing)
{
    if (!listing)
        return;
    for (size_t i = 0; i < listing->n_entries; i++)
        free(listing->entries[i].path);
    free(listing->entries);
    free(listing);
}
