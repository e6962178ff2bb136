/* meta_read.c - a YAML mapping of metadata keys read into a checked layer
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Front matter, _defaults.yaml files, sidecars and the metadata keys of a
 * recommendation set are all read here, so a key means the same and is
 * refused with the same words wherever staff write it. What each key
 * takes (one value or a list) and allows is meta.c's (ms_archive__key);
 * this file only walks the YAML and reports at the value's position.
 */
#include <string.h>

#include "archive-io.h"
#include "archive-meta.h"
#include "archive-yaml.h"

/* A _defaults.yaml or a sidecar is a few lines written by hand; more keys
 * than this in one layer is certainly not hand-written metadata, and the
 * cap also keeps the duplicate-key check cheap. */
#define META_MAX_KEYS 256

/* The state of reading one YAML mapping into a layer. */
struct reader {
    ms_archive_meta_t *meta;
    yaml_document_t *yaml;
    unsigned first_line; /* line of the file where the YAML text starts */
    ms_archive_layer_t layer;
    ms_archive_error_t *err;
};

static void
node_error(struct reader *r, const yaml_node_t *node, const char *key, const char *reason)
{
    ms_archive__yaml_error(r->err, r->first_line, node, key, reason);
}

/* Check one value of 'key' (written as 'written') and add it. */
static ms_archive_status_t
add_value(struct reader *r, const yaml_node_t *node, const char *written,
          const ms_archive_key_t *key)
{
    const char *text = (const char *)node->data.scalar.value, *stored;
    char buf[256];
    const char *reason = ms_archive__value_check(key, text, &stored, buf, sizeof(buf));

    if (reason) {
        node_error(r, node, written, reason);
        return MS_ARCHIVE_INVALID;
    }
    return ms_archive__meta_add(r->meta, key->name, stored,
                                stored == text ? node->data.scalar.length
                                               : strlen(stored));
}

/* One scalar of a list key: a null or empty one is left out. */
static ms_archive_status_t
add_item(struct reader *r, const yaml_node_t *node, const char *written,
         const ms_archive_key_t *key)
{
    ms_archive_status_t status =
        ms_archive__yaml_scalar(node, written, r->first_line, r->err);

    if (status != MS_ARCHIVE_OK || ms_archive__yaml_null(node) ||
        node->data.scalar.length == 0)
        return status;
    return add_value(r, node, written, key);
}

/* A scalar or a list of scalars; one value each. An explicit empty list
 * makes an entry with no values, which replaces a farther layer's list. */
static ms_archive_status_t
read_list(struct reader *r, const yaml_node_t *node, const char *written,
          const ms_archive_key_t *key)
{
    ms_archive_status_t status;

    if (node->type == YAML_MAPPING_NODE) {
        node_error(r, node, written,
                   "expected a value or a list of values, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    if (node->type == YAML_SCALAR_NODE)
        return add_item(r, node, written, key);
    status = ms_archive__meta_add(r->meta, key->name, NULL, 0);
    for (yaml_node_item_t *item = node->data.sequence.items.start;
         status == MS_ARCHIVE_OK && item < node->data.sequence.items.top; item++) {
        yaml_node_t *value = yaml_document_get_node(r->yaml, *item);
        if (value->type == YAML_SEQUENCE_NODE) {
            node_error(r, value, written,
                       "expected a value in the list, found a nested list");
            return MS_ARCHIVE_INVALID;
        }
        status = add_item(r, value, written, key);
    }
    return status;
}

static ms_archive_status_t
read_pair(struct reader *r, const yaml_node_t *key_node, const yaml_node_t *value)
{
    const char *written = (const char *)key_node->data.scalar.value;
    ms_archive_key_t key;
    ms_archive_status_t status;

    ms_archive__key(&key, written);
    if (key.slot == MS_ARCHIVE_SLOT_ID && r->layer == MS_ARCHIVE_LAYER_DEFAULTS) {
        node_error(r, key_node, written,
                   "not allowed in " MS_ARCHIVE__DEFAULTS_NAME "; an id names one file, "
                   "so set it in the file or its sidecar");
        return MS_ARCHIVE_INVALID;
    }
    if (key.slot == MS_ARCHIVE_SLOT_ID && r->layer == MS_ARCHIVE_LAYER_SHARED) {
        node_error(r, key_node, written,
                   "not allowed in the sidecar of a file of many documents; each "
                   "document has its own id");
        return MS_ARCHIVE_INVALID;
    }
    if (key.list)
        return read_list(r, value, written, &key);

    status = ms_archive__yaml_scalar(value, written, r->first_line, r->err);
    if (status != MS_ARCHIVE_OK || ms_archive__yaml_null(value))
        return status;
    /* A quoted empty title or language counts as absent; a quoted empty
     * id or date is a mistake worth reporting. */
    if (value->data.scalar.length == 0 && !key.check_empty)
        return MS_ARCHIVE_OK;
    return add_value(r, value, written, &key);
}

ms_archive_status_t
ms_archive__meta_pair(ms_archive_meta_t *out, struct yaml_document_s *ydoc,
                      struct yaml_node_s *key, struct yaml_node_s *value,
                      unsigned first_line, ms_archive_layer_t layer,
                      ms_archive_error_t *err)
{
    struct reader r = {out, ydoc, first_line, layer, err};

    return read_pair(&r, key, value);
}

ms_archive_status_t
ms_archive__meta_yaml(ms_archive_meta_t *out, struct yaml_document_s *ydoc,
                      struct yaml_node_s *mapping, unsigned first_line,
                      ms_archive_layer_t layer, ms_archive_error_t *err)
{
    struct reader r = {out, ydoc, first_line, layer, err};
    yaml_node_pair_t *pairs = mapping->data.mapping.pairs.start;
    size_t n_pairs = (size_t)(mapping->data.mapping.pairs.top - pairs);
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (n_pairs > META_MAX_KEYS) {
        ms_file_error_set(err, NULL, first_line + (unsigned)mapping->start_mark.line,
                          (unsigned)mapping->start_mark.column + 1, "more than %d keys",
                          META_MAX_KEYS);
        return MS_ARCHIVE_INVALID;
    }
    /* Key by key, so the first problem in the file is the one reported. */
    for (size_t i = 0; i < n_pairs && status == MS_ARCHIVE_OK; i++) {
        status = ms_archive__yaml_key(ydoc, mapping, i, NULL, first_line, err);
        if (status == MS_ARCHIVE_OK)
            status = read_pair(&r, yaml_document_get_node(ydoc, pairs[i].key),
                               yaml_document_get_node(ydoc, pairs[i].value));
    }
    return status;
}
