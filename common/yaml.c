/* yaml.c - a YAML document under bounds: depth, nodes, aliases
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The document is built from libyaml's events with its own document API,
 * as yaml_parser_load() builds it, with the counts of ms_yaml.h kept on
 * the way. Every node remembers how many nodes and bytes of text it stands
 * for with the aliases inside it expanded (its weight), so an alias costs
 * one addition, and the running totals are exactly what a walk of the
 * finished document would meet. Anchors are found through a hash table,
 * so a file of many anchors and aliases stays linear too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_yaml.h"

struct frame {
    int node;           /* the open sequence or mapping */
    int key;            /* a mapping's key waiting for its value; 0 none */
    size_t start_nodes; /* the totals when it opened */
    size_t start_bytes;
};

struct weight {
    size_t nodes, bytes;
    int open; /* still being read: an alias to it would be a cycle */
};

struct anchor {
    char *name; /* NULL: a free slot */
    int node;
};

struct loader {
    yaml_document_t *doc;
    struct frame *stack;
    size_t depth, stack_capacity;
    struct weight *weights; /* by node id - 1 */
    size_t weights_capacity;
    struct anchor *anchors; /* open addressing, capacity a power of two */
    size_t n_anchors, anchors_capacity;
    size_t written;      /* nodes written in the file */
    size_t nodes, bytes; /* with aliases expanded */
    size_t alias_nodes, alias_bytes;
    unsigned first_line;
    const char *file;
    ms_file_error_t *err;
};

static ms_yaml_status_t
limit(struct loader *ld, yaml_mark_t mark, const char *reason)
{
    ms_file_error_set(ld->err, ld->file, ld->first_line + mark.line, mark.column + 1,
                      "%s", reason);
    return MS_YAML_LIMIT;
}

/* The slot of 'name': where it is, or the free slot where it would go. */
static struct anchor *
anchor_slot(struct loader *ld, const char *name)
{
    size_t mask = ld->anchors_capacity - 1;
    size_t i = ms_buf_hash(name) & mask;

    while (ld->anchors[i].name && strcmp(ld->anchors[i].name, name) != 0)
        i = (i + 1) & mask;
    return &ld->anchors[i];
}

/* Name node 'id' 'name' (a later anchor of the same name wins, as in
 * YAML). Takes 'name'. */
static ms_yaml_status_t
anchor_add(struct loader *ld, char *name, int id)
{
    struct anchor *slot;

    if (2 * (ld->n_anchors + 1) > ld->anchors_capacity) {
        struct anchor *old = ld->anchors;
        size_t old_capacity = ld->anchors_capacity;
        size_t capacity = old_capacity ? 2 * old_capacity : 64;
        ld->anchors = calloc(capacity, sizeof(*ld->anchors));
        if (!ld->anchors) {
            ld->anchors = old;
            free(name);
            return MS_YAML_NOMEM;
        }
        ld->anchors_capacity = capacity;
        for (size_t i = 0; i < old_capacity; i++) {
            if (old[i].name)
                *anchor_slot(ld, old[i].name) = old[i];
        }
        free(old);
    }
    slot = anchor_slot(ld, name);
    if (slot->name) {
        free(name);
    } else {
        slot->name = name;
        ld->n_anchors++;
    }
    slot->node = id;
    return MS_YAML_OK;
}

/* Room for frame 'depth' and for the weight of node 'id'. */
static bool
grow(void **items, size_t *capacity, size_t needed, size_t size)
{
    size_t cap = *capacity ? *capacity : 16;
    void *grown;

    if (needed <= *capacity)
        return true;
    while (cap < needed)
        cap *= 2;
    grown = realloc(*items, cap * size);
    if (!grown)
        return false;
    *items = grown;
    *capacity = cap;
    return true;
}

/* Node 'id', just made from an event at 'start'..'end', into its parent
 * (the root when there is none), with its anchor. Takes 'anchor'. */
static ms_yaml_status_t
attach(struct loader *ld, int id, yaml_char_t *anchor, yaml_mark_t start, yaml_mark_t end)
{
    yaml_node_t *node = &ld->doc->nodes.start[id - 1];
    struct frame *parent = ld->depth ? &ld->stack[ld->depth - 1] : NULL;
    int ok = 1;

    node->start_mark = start;
    node->end_mark = end;
    if (parent && ld->doc->nodes.start[parent->node - 1].type == YAML_SEQUENCE_NODE) {
        ok = yaml_document_append_sequence_item(ld->doc, parent->node, id);
    } else if (parent && !parent->key) {
        parent->key = id;
    } else if (parent) {
        ok = yaml_document_append_mapping_pair(ld->doc, parent->node, parent->key, id);
        parent->key = 0;
    }
    if (!ok) {
        free(anchor);
        return MS_YAML_NOMEM;
    }
    return anchor ? anchor_add(ld, (char *)anchor, id) : MS_YAML_OK;
}

/* A new node 'id' (a scalar of 'length' bytes, or a collection opening):
 * counted, given its weight slot. */
static ms_yaml_status_t
count(struct loader *ld, int id, size_t length, yaml_mark_t mark)
{
    if (!grow((void **)&ld->weights, &ld->weights_capacity, (size_t)id,
              sizeof(*ld->weights)))
        return MS_YAML_NOMEM;
    ld->weights[id - 1] = (struct weight){1, length, 0};
    ld->nodes++;
    ld->bytes += length;
    if (++ld->written > MS_YAML_MAX_NODES)
        return limit(ld, mark, "more than 1000000 YAML nodes");
    return MS_YAML_OK;
}

static ms_yaml_status_t
on_alias(struct loader *ld, const yaml_event_t *ev)
{
    struct anchor *slot = ld->anchors_capacity
                              ? anchor_slot(ld, (const char *)ev->data.alias.anchor)
                              : NULL;
    const struct weight *w;
    struct frame *parent = ld->depth ? &ld->stack[ld->depth - 1] : NULL;

    if (!slot || !slot->name)
        return limit(ld, ev->start_mark, "alias to an anchor not defined before it");
    w = &ld->weights[slot->node - 1];
    if (w->open)
        return limit(ld, ev->start_mark, "alias to a node that contains it");
    ld->alias_nodes += w->nodes;
    ld->alias_bytes += w->bytes;
    ld->nodes += w->nodes;
    ld->bytes += w->bytes;
    if (ld->alias_nodes > MS_YAML_MAX_ALIAS_NODES)
        return limit(
            ld, ev->start_mark,
            "aliases expand to more than 100000 YAML nodes; write the values out");
    if (ld->alias_bytes > MS_YAML_MAX_ALIAS_BYTES)
        return limit(ld, ev->start_mark,
                     "aliases expand to more than 4 MiB of text; write the values out");
    if (!parent)
        return limit(ld, ev->start_mark, "an alias cannot be the whole document");
    if (ld->doc->nodes.start[parent->node - 1].type == YAML_SEQUENCE_NODE)
        return yaml_document_append_sequence_item(ld->doc, parent->node, slot->node)
                   ? MS_YAML_OK
                   : MS_YAML_NOMEM;
    if (!parent->key) {
        parent->key = slot->node;
        return MS_YAML_OK;
    }
    int key = parent->key;
    parent->key = 0;
    return yaml_document_append_mapping_pair(ld->doc, parent->node, key, slot->node)
               ? MS_YAML_OK
               : MS_YAML_NOMEM;
}

static const yaml_char_t *
tag_or(const yaml_char_t *tag, const char *fallback)
{
    return !tag || strcmp((const char *)tag, "!") == 0 ? (const yaml_char_t *)fallback
                                                       : tag;
}

static ms_yaml_status_t
on_scalar(struct loader *ld, yaml_event_t *ev)
{
    int id = yaml_document_add_scalar(
        ld->doc, (yaml_char_t *)tag_or(ev->data.scalar.tag, YAML_DEFAULT_SCALAR_TAG),
        ev->data.scalar.value, (int)ev->data.scalar.length, ev->data.scalar.style);
    ms_yaml_status_t status;

    if (!id)
        return MS_YAML_NOMEM;
    status = count(ld, id, ev->data.scalar.length, ev->start_mark);
    if (status == MS_YAML_OK) {
        status = attach(ld, id, ev->data.scalar.anchor, ev->start_mark, ev->end_mark);
        ev->data.scalar.anchor = NULL; /* taken */
    }
    return status;
}

static ms_yaml_status_t
on_open(struct loader *ld, yaml_event_t *ev)
{
    bool sequence = ev->type == YAML_SEQUENCE_START_EVENT;
    yaml_char_t **anchor =
        sequence ? &ev->data.sequence_start.anchor : &ev->data.mapping_start.anchor;
    size_t start_nodes = ld->nodes, start_bytes = ld->bytes;
    int id;
    ms_yaml_status_t status;

    if (ld->depth >= MS_YAML_MAX_DEPTH)
        return limit(ld, ev->start_mark, "nested deeper than 64 levels");
    id = sequence
             ? yaml_document_add_sequence(
                   ld->doc,
                   (yaml_char_t *)tag_or(ev->data.sequence_start.tag,
                                         YAML_DEFAULT_SEQUENCE_TAG),
                   ev->data.sequence_start.style)
             : yaml_document_add_mapping(ld->doc,
                                         (yaml_char_t *)tag_or(ev->data.mapping_start.tag,
                                                               YAML_DEFAULT_MAPPING_TAG),
                                         ev->data.mapping_start.style);
    if (!id)
        return MS_YAML_NOMEM;
    status = count(ld, id, 0, ev->start_mark);
    if (status == MS_YAML_OK) {
        status = attach(ld, id, *anchor, ev->start_mark, ev->end_mark);
        *anchor = NULL; /* taken */
    }
    if (status != MS_YAML_OK)
        return status;
    if (!grow((void **)&ld->stack, &ld->stack_capacity, ld->depth + 1,
              sizeof(*ld->stack)))
        return MS_YAML_NOMEM;
    ld->weights[id - 1].open = 1;
    ld->stack[ld->depth++] = (struct frame){id, 0, start_nodes, start_bytes};
    return MS_YAML_OK;
}

static void
on_close(struct loader *ld, const yaml_event_t *ev)
{
    struct frame *f = &ld->stack[--ld->depth];

    ld->doc->nodes.start[f->node - 1].end_mark = ev->end_mark;
    ld->weights[f->node - 1] =
        (struct weight){ld->nodes - f->start_nodes, ld->bytes - f->start_bytes, 0};
}

/* One event into the document. *done once the document has ended. */
static ms_yaml_status_t
on_event(struct loader *ld, yaml_event_t *ev, bool *done)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (!yaml_document_initialize(ld->doc, NULL, NULL, NULL,
                                      ev->data.document_start.implicit, 1))
            return MS_YAML_NOMEM;
        ld->doc->start_mark = ev->start_mark;
        return MS_YAML_OK;
    case YAML_DOCUMENT_END_EVENT:
        ld->doc->end_implicit = ev->data.document_end.implicit;
        ld->doc->end_mark = ev->end_mark;
        *done = true;
        return MS_YAML_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(ld, ev);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return on_open(ld, ev);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_close(ld, ev);
        return MS_YAML_OK;
    case YAML_ALIAS_EVENT:
        return on_alias(ld, ev);
    default: /* the stream's start and end, no event */
        return MS_YAML_OK;
    }
}

ms_yaml_status_t
ms_yaml_load(yaml_document_t *out, yaml_parser_t *parser, unsigned first_line,
             const char *file, ms_file_error_t *err)
{
    struct loader ld = {.doc = out, .first_line = first_line, .file = file, .err = err};
    ms_yaml_status_t status = MS_YAML_OK;
    bool started = false, done = false;

    memset(out, 0, sizeof(*out));
    while (!done && status == MS_YAML_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(parser, &ev)) {
            status = MS_YAML_SYNTAX;
            break;
        }
        if (!started && (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_NO_EVENT)) {
            /* The end of the stream: an empty document, as libyaml's. */
            done = yaml_document_initialize(out, NULL, NULL, NULL, 1, 1);
            status = done ? MS_YAML_OK : MS_YAML_NOMEM;
            started = done;
        } else {
            started = started || ev.type == YAML_DOCUMENT_START_EVENT;
            status = on_event(&ld, &ev, &done);
        }
        yaml_event_delete(&ev);
    }
    if (status != MS_YAML_OK && started)
        yaml_document_delete(out);
    for (size_t i = 0; i < ld.anchors_capacity; i++)
        free(ld.anchors[i].name);
    free(ld.anchors);
    free(ld.weights);
    free(ld.stack);
    return status;
}
