/* archive_yaml.c - YAML text to checked nodes, with errors at their place
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A document is loaded whole (ms_yaml_load(), under its bounds on depth,
 * nodes and aliases): the archive's YAML files are small, written by hand,
 * and read as mappings looked up by key. libyaml marks count lines and
 * columns from 0; errors count from 1.
 */
#include <stdio.h>
#include <string.h>

#include "archive-io.h"
#include "archive-yaml.h"
#include "ms_yaml.h"

/* The 1-based column (in characters) of the first tab in the indentation
 * of line 'index' (0-based) of 'text', or of the tab at 'column', or 0.
 * libyaml's "found character that cannot start any token" does not say
 * that the character is a tab, the one mistake staff make most. */
static unsigned
tab_on_line(const char *text, size_t len, unsigned index, unsigned column)
{
    size_t i = 0;
    unsigned c = 1;
    bool indent = true;

    for (unsigned l = 0; l < index && i < len; i++)
        l += text[i] == '\n';
    for (; i < len && text[i] != '\n'; i++) {
        if (text[i] == '\t' && (indent || c == column))
            return c;
        indent = indent && (text[i] == ' ' || text[i] == '\t' || text[i] == '-');
        c += ((unsigned char)text[i] & 0xC0) != 0x80;
    }
    return 0;
}

/* Report a libyaml parse failure at its own position in the file. */
static void
syntax_error(ms_archive_error_t *err, const yaml_parser_t *parser, const char *text,
             size_t len, unsigned first_line)
{
    unsigned line, column, tab;

    if (parser->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        ms_archive__position(text,
                             parser->problem_offset < len ? parser->problem_offset : len,
                             &line, &column);
        line += first_line - 1;
    } else {
        line = first_line + (unsigned)parser->problem_mark.line;
        column = (unsigned)parser->problem_mark.column + 1;
    }
    tab = line >= first_line ? tab_on_line(text, len, line - first_line, column) : 0;
    if (tab)
        ms_file_error_set(err, NULL, line, tab,
                          "invalid YAML: a tab character; YAML indents with spaces only, "
                          "replace the tab with spaces");
    else if (parser->context)
        ms_file_error_set(err, NULL, line, column, "invalid YAML: %s %s started at %u:%u",
                          parser->problem ? parser->problem : "syntax error",
                          parser->context,
                          first_line + (unsigned)parser->context_mark.line,
                          (unsigned)parser->context_mark.column + 1);
    else
        ms_file_error_set(err, NULL, line, column, "invalid YAML: %s",
                          parser->problem ? parser->problem : "syntax error");
}

/* One document of 'parser' into *out, as ms_archive__yaml_load() says. */
static ms_archive_status_t
load_one(yaml_document_t *out, yaml_parser_t *parser, const char *text, size_t len,
         unsigned first_line, ms_archive_error_t *err)
{
    switch (ms_yaml_load(out, parser, first_line, NULL, err)) {
    case MS_YAML_OK:
        return MS_ARCHIVE_OK;
    case MS_YAML_LIMIT:
        return MS_ARCHIVE_INVALID;
    case MS_YAML_NOMEM:
        return MS_ARCHIVE_NOMEM;
    case MS_YAML_SYNTAX:
        break;
    }
    if (parser->error == YAML_MEMORY_ERROR)
        return MS_ARCHIVE_NOMEM;
    syntax_error(err, parser, text, len, first_line);
    return MS_ARCHIVE_INVALID;
}

ms_archive_status_t
ms_archive__yaml_load(yaml_document_t *out, const char *text, size_t len,
                      unsigned first_line, ms_archive_error_t *err)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    ms_archive_status_t status;

    if (!yaml_parser_initialize(&parser))
        return MS_ARCHIVE_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    status = load_one(out, &parser, text, len, first_line, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    /* A second "---" document would be silently ignored; say so instead. */
    status = load_one(&extra, &parser, text, len, first_line, err);
    if (status == MS_ARCHIVE_OK) {
        if (yaml_document_get_root_node(&extra)) {
            ms_archive__yaml_error(
                err, first_line, yaml_document_get_root_node(&extra), NULL,
                "more than one YAML document; remove the second '---'");
            status = MS_ARCHIVE_INVALID;
        }
        yaml_document_delete(&extra);
    }
    if (status != MS_ARCHIVE_OK)
        yaml_document_delete(out);

out:
    yaml_parser_delete(&parser);
    return status;
}

void
ms_archive__yaml_error(ms_archive_error_t *err, unsigned first_line,
                       const yaml_node_t *node, const char *key, const char *reason)
{
    unsigned line = first_line + (unsigned)node->start_mark.line;
    unsigned column = (unsigned)node->start_mark.column + 1;

    if (key)
        ms_file_error_set(err, NULL, line, column, "%s: %s", key, reason);
    else
        ms_file_error_set(err, NULL, line, column, "%s", reason);
}

const char *
ms_archive__yaml_kind(const yaml_node_t *node)
{
    return node->type == YAML_MAPPING_NODE    ? "a mapping"
           : node->type == YAML_SEQUENCE_NODE ? "a list"
                                              : "a single value";
}

bool
ms_archive__yaml_null_scalar(yaml_scalar_style_t style, const char *value, size_t length)
{
    if (style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return length == 0 || strcmp(value, "~") == 0 || strcmp(value, "null") == 0 ||
           strcmp(value, "Null") == 0 || strcmp(value, "NULL") == 0;
}

bool
ms_archive__yaml_null(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE &&
           ms_archive__yaml_null_scalar(node->data.scalar.style,
                                        (const char *)node->data.scalar.value,
                                        node->data.scalar.length);
}

ms_archive_status_t
ms_archive__yaml_scalar(const yaml_node_t *node, const char *key, unsigned first_line,
                        ms_archive_error_t *err)
{
    char reason[64];

    if (node->type != YAML_SCALAR_NODE) {
        snprintf(reason, sizeof(reason), "expected a single value, found %s",
                 ms_archive__yaml_kind(node));
        ms_archive__yaml_error(err, first_line, node, key, reason);
        return MS_ARCHIVE_INVALID;
    }
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length)) {
        ms_archive__yaml_error(err, first_line, node, key,
                               "value contains a NUL character");
        return MS_ARCHIVE_INVALID;
    }
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__yaml_key(yaml_document_t *ydoc, const yaml_node_t *mapping, size_t i,
                     const char *what, unsigned first_line, ms_archive_error_t *err)
{
    yaml_node_pair_t *pairs = mapping->data.mapping.pairs.start;
    yaml_node_t *key = yaml_document_get_node(ydoc, pairs[i].key);
    const char *name = (const char *)key->data.scalar.value;

    if (key->type != YAML_SCALAR_NODE || key->data.scalar.length == 0 ||
        memchr(name, '\0', key->data.scalar.length)) {
        ms_archive__yaml_error(err, first_line, key, what,
                               "keys must be non-empty names");
        return MS_ARCHIVE_INVALID;
    }
    for (size_t j = 0; j < i; j++) {
        yaml_node_t *earlier = yaml_document_get_node(ydoc, pairs[j].key);
        if (strcmp((const char *)earlier->data.scalar.value, name) == 0) {
            ms_archive__yaml_error(err, first_line, key, name, "duplicate key");
            return MS_ARCHIVE_INVALID;
        }
    }
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__yaml_keys(yaml_document_t *ydoc, const yaml_node_t *mapping, const char *what,
                      unsigned first_line, ms_archive_error_t *err)
{
    size_t n =
        (size_t)(mapping->data.mapping.pairs.top - mapping->data.mapping.pairs.start);
    ms_archive_status_t status = MS_ARCHIVE_OK;

    for (size_t i = 0; i < n && status == MS_ARCHIVE_OK; i++)
        status = ms_archive__yaml_key(ydoc, mapping, i, what, first_line, err);
    return status;
}

ms_archive_status_t
ms_archive__yaml_mapping(yaml_document_t *ydoc, const yaml_node_t *node, const char *what,
                         const char *const *allowed, const char *expected,
                         unsigned first_line, ms_archive_error_t *err)
{
    char reason[200];
    ms_archive_status_t status;

    if (node->type != YAML_MAPPING_NODE) {
        snprintf(reason, sizeof(reason), "expected a mapping of keys to values, found %s",
                 ms_archive__yaml_kind(node));
        ms_archive__yaml_error(err, first_line, node, what, reason);
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__yaml_keys(ydoc, node, what, first_line, err);
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         status == MS_ARCHIVE_OK && p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(ydoc, p->key);
        const char *name = (const char *)key->data.scalar.value;
        bool known = false;
        for (const char *const *a = allowed; *a; a++)
            known = known || strcmp(*a, name) == 0;
        if (!known) {
            snprintf(reason, sizeof(reason), "unknown key in %s; expected %s", what,
                     expected);
            ms_archive__yaml_error(err, first_line, key, name, reason);
            status = MS_ARCHIVE_INVALID;
        }
    }
    return status;
}

yaml_node_t *
ms_archive__yaml_get(yaml_document_t *ydoc, const yaml_node_t *mapping, const char *key,
                     yaml_node_t **key_node)
{
    for (yaml_node_pair_t *p = mapping->data.mapping.pairs.start;
         p < mapping->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(ydoc, p->key);
        if (strcmp((const char *)k->data.scalar.value, key) == 0) {
            if (key_node)
                *key_node = k;
            return yaml_document_get_node(ydoc, p->value);
        }
    }
    return NULL;
}
