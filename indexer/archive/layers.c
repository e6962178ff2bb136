/* layers.c - the metadata files: _defaults.yaml files and sidecars
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A file's metadata from outside itself: every _defaults.yaml from the
 * archive root down to its folder, then its sidecar, each nearer one laid
 * over the farther (docs/staff.md, "Where metadata comes from"). The same
 * walk over the candidate files answers ms_archive_dependencies(), so
 * change detection and loading cannot disagree on which files count; the
 * meetings file (meetings.c), read once per run, is a dependency of every
 * file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "archive-io.h"
#include "archive-meta.h"
#include "archive-yaml.h"

/* A _defaults.yaml or a sidecar is a few lines written by hand; anything
 * much larger is a mistake (a document saved under the wrong name). */
#define META_FILE_MAX (1024 * 1024)

/* Read the metadata file 'root'/'rel' as a layer of kind 'layer' into
 * *out. A missing file is an empty layer. */
static ms_archive_status_t
load_meta_file(ms_archive_meta_t *out, const char *root, const char *rel,
               ms_archive_layer_t layer, ms_archive_error_t *err)
{
    char full[4096];
    char *data = NULL;
    size_t len = 0;
    yaml_document_t ydoc;
    yaml_node_t *node;
    struct stat st;
    ms_archive_status_t status;

    ms_archive__full_path(full, sizeof(full), root, rel);
    /* lstat first: a dangling link must not pass for a missing file. */
    if (lstat(full, &st) != 0 && errno == ENOENT)
        return MS_ARCHIVE_OK;
    ms_archive__error_reset(err, full);
    status = ms_archive__inside(root, full, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__read_file(&data, &len, full, META_FILE_MAX,
                                       "the limit for metadata files", err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__text_check(data, len, 0, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__yaml_load(&ydoc, data, len, 1, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    node = yaml_document_get_root_node(&ydoc);
    if (node && node->type != YAML_MAPPING_NODE) {
        ms_archive__yaml_error(err, 1, node, NULL, "must be a mapping of keys to values");
        status = MS_ARCHIVE_INVALID;
    } else if (node) {
        status = ms_archive__meta_yaml(out, &ydoc, node, 1, layer, err);
    }
    yaml_document_delete(&ydoc);

out:
    free(data);
    return status;
}

/* The sidecar of 'path': "dir/NAME.ext" -> "dir/NAME.meta.yaml". NULL on
 * OOM or when 'path' has no extension to replace. */
static char *
sidecar_of(const char *path)
{
    size_t stem = ms_archive__stem_length(path);
    char *out;

    if (path[stem] == '\0')
        return NULL;
    out = malloc(stem + sizeof(MS_ARCHIVE__SIDECAR_SUFFIX));
    if (out) {
        memcpy(out, path, stem);
        memcpy(out + stem, MS_ARCHIVE__SIDECAR_SUFFIX,
               sizeof(MS_ARCHIVE__SIDECAR_SUFFIX));
    }
    return out;
}

/* Call 'fn' with each candidate metadata file of 'path', relative to the
 * root: "_defaults.yaml", "a/_defaults.yaml", ..., then the sidecar. */
typedef ms_archive_status_t (*candidate_fn)(const char *rel, ms_archive_layer_t layer,
                                            void *payload);

static ms_archive_status_t
each_candidate(const char *path, candidate_fn fn, void *payload)
{
    size_t len = strlen(path);
    char *rel = malloc(len + sizeof(MS_ARCHIVE__DEFAULTS_NAME) + 1);
    char *sidecar = NULL;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (!rel)
        return MS_ARCHIVE_NOMEM;
    /* 'i' is where the folder part of 'path' ends: the root first, then
     * after each '/', down to the file's own folder. */
    for (size_t i = 0;;) {
        const char *slash = strchr(path + i, '/');
        memcpy(rel, path, i);
        memcpy(rel + i, MS_ARCHIVE__DEFAULTS_NAME, sizeof(MS_ARCHIVE__DEFAULTS_NAME));
        status = fn(rel, MS_ARCHIVE_LAYER_DEFAULTS, payload);
        if (status != MS_ARCHIVE_OK || !slash)
            break;
        i = (size_t)(slash - path) + 1;
    }
    if (status == MS_ARCHIVE_OK && (sidecar = sidecar_of(path)) != NULL)
        status = fn(sidecar, MS_ARCHIVE_LAYER_SIDECAR, payload);
    free(sidecar);
    free(rel);
    return status;
}

struct layers {
    const char *root;
    ms_archive_meta_t *out;
    bool many;
    ms_archive_error_t *err;
};

static ms_archive_status_t
merge_candidate(const char *rel, ms_archive_layer_t layer, void *payload)
{
    struct layers *l = payload;
    ms_archive_meta_t meta = {0};
    ms_archive_status_t status;

    if (layer == MS_ARCHIVE_LAYER_SIDECAR && l->many)
        layer = MS_ARCHIVE_LAYER_SHARED;
    status = load_meta_file(&meta, l->root, rel, layer, l->err);
    if (layer == MS_ARCHIVE_LAYER_DEFAULTS)
        ms_archive__meta_weaken(&meta);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__meta_merge(l->out, &meta);
    ms_archive__meta_clear(&meta);
    return status;
}

ms_archive_status_t
ms_archive__layers_load(ms_archive_meta_t *out, const char *root, const char *path,
                        bool many, ms_archive_error_t *err)
{
    struct layers l = {root, out, many, err};
    ms_archive_status_t status = each_candidate(path, merge_candidate, &l);

    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    return status;
}

struct dependencies {
    const char *root;
    char **list;
    size_t n;
};

static ms_archive_status_t
note_candidate(const char *rel, ms_archive_layer_t layer, void *payload)
{
    struct dependencies *d = payload;
    char full[4096];
    struct stat st;
    char **grown;

    (void)layer;
    if (lstat(ms_archive__full_path(full, sizeof(full), d->root, rel), &st) != 0)
        return MS_ARCHIVE_OK;
    grown = realloc(d->list, (d->n + 2) * sizeof(*grown));
    if (!grown)
        return MS_ARCHIVE_NOMEM;
    d->list = grown;
    d->list[d->n + 1] = NULL;
    d->list[d->n] = strdup(rel);
    if (!d->list[d->n])
        return MS_ARCHIVE_NOMEM;
    d->n++;
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive_dependencies(char ***out, const char *root, const char *path)
{
    struct dependencies d = {root, calloc(1, sizeof(char *)), 0};
    ms_archive_status_t status =
        d.list ? each_candidate(path, note_candidate, &d) : MS_ARCHIVE_NOMEM;

    /* Every document may name a meeting of the meetings file. */
    if (status == MS_ARCHIVE_OK)
        status = note_candidate(MS_ARCHIVE_MEETINGS_NAME, MS_ARCHIVE_LAYER_DEFAULTS, &d);
    if (status != MS_ARCHIVE_OK) {
        ms_archive_strings_free(d.list);
        d.list = NULL;
    }
    *out = d.list;
    return status;
}

void
ms_archive_strings_free(char **strings)
{
    if (!strings)
        return;
    for (char **s = strings; *s; s++)
        free(*s);
    free(strings);
}

bool
ms_archive__is_helper(const char *name)
{
    const char *base = ms_archive__base(name);
    size_t len = strlen(base), suffix = strlen(MS_ARCHIVE__SIDECAR_SUFFIX);

    if (base[0] == '_')
        return true;
    return len > suffix &&
           strcasecmp(base + len - suffix, MS_ARCHIVE__SIDECAR_SUFFIX) == 0;
}
