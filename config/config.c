/* config.c - load config/migsearch.yaml into an ms_config_t with libyaml
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The file is read whole (it is small, and capped) and loaded with
 * ms_yaml_load() (libyaml under bounds on depth, nodes and aliases), which
 * keeps a start mark on every node. The tree is then
 * walked once: a mapping key is either a key of the table in keys.c, a
 * section that prefixes some keys ("server"), or an error. Every value is
 * parsed by keys.c, so the walk knows nothing about types.
 *
 * The walk stops at the first error. That also bounds its cost: a mapping
 * can only grow past the handful of keys a section has by holding an
 * unknown or duplicate key, and the walk never descends below the depth of
 * the table, however deep or self-referencing (through aliases) the YAML is.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config-private.h"
#include "ms_file.h"
#include "ms_yaml.h"

/* A config file is a few dozen lines; anything this big is a mistake. */
#define MS_CONFIG_MAX_FILE_SIZE (1024 * 1024)
/* Longest dotted name looked up; every table name is far shorter. */
#define MS_CONFIG_NAME_MAX 128
/* Bytes of a section or key name quoted in a message. */
#define MS_CONFIG_SHOWN_MAX 64

typedef struct loader {
    ms_config_t *cfg;
    yaml_document_t *doc;
    const char *base_dir;
    unsigned char *seen; /* per table key: set by the file */
    yaml_mark_t *marks;  /* per table key: where the file set it */
    ms_config_error_t *err;
    const char *path;
} loader_t;

/* "name: reason" at the start of 'node'. */
static void
set_node_error(loader_t *ld, const yaml_node_t *node, const char *name,
               const char *reason)
{
    ms_file_error_set(ld->err, ld->path, node->start_mark.line + 1,
                      node->start_mark.column + 1, "%s: %s", name, reason);
}

/* Messages are one line and bounded: control bytes in a key (a quoted
 * "a\nb" is a legal key) become '?', and long keys are cut. */
static void
display_name(char *buf, size_t size, const char *prefix, const char *key, size_t len)
{
    size_t used = 0, limit = MS_CONFIG_SHOWN_MAX;

    assert(size >= 2 * limit + 5); /* prefix, '.', key, "...", NUL */
    if (prefix[0] != '\0')
        used = (size_t)snprintf(buf, size, "%.*s.", (int)limit, prefix);
    for (size_t i = 0; i < len && i < limit; i++) {
        unsigned char c = (unsigned char)key[i];
        buf[used++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (len > limit) {
        memcpy(buf + used, "...", 3);
        used += 3;
    }
    buf[used] = '\0';
}

static const char *
node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a sequence";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

/* YAML 1.1 null: an empty plain scalar, "~" or "null". Quoted "" is a
 * string, so socket_group: "" can still mean "no group". */
static int
is_null(const yaml_node_t *node)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    const char *text = (const char *)node->data.scalar.value;

    if (node->type != YAML_SCALAR_NODE ||
        node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
        if (strlen(nulls[i]) == node->data.scalar.length && strcmp(text, nulls[i]) == 0)
            return 1;
    }
    return 0;
}

static int
set_leaf(loader_t *ld, size_t index, const yaml_node_t *value)
{
    const ms_config__key_t *key = &ms_config__keys[index];
    char reason[200], expected[160];
    int status = 0;

    if (value->type != YAML_SCALAR_NODE || is_null(value)) {
        snprintf(reason, sizeof(reason), "expected %s, found %s",
                 ms_config__describe(key, expected, sizeof(expected)),
                 is_null(value) ? "an empty value" : node_kind(value));
        set_node_error(ld, value, key->name, reason);
        status = -1;
        goto out;
    }
    status =
        ms_config__set(ld->cfg, key, (const char *)value->data.scalar.value,
                       value->data.scalar.length, ld->base_dir, reason, sizeof(reason));
    if (status == MS_CONFIG__NOMEM) {
        ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
        goto out;
    }
    if (status != 0) {
        set_node_error(ld, value, key->name, reason);
        goto out;
    }
    ld->seen[index] = 1;
    ld->marks[index] = value->start_mark;
out:
    return status == 0 ? 0 : -1;
}

static int
scalar_equal(const yaml_node_t *a, const yaml_node_t *b)
{
    return a->data.scalar.length == b->data.scalar.length &&
           memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

/* Walk the mapping 'node' whose keys are named under 'prefix' ("" at the
 * top level). Returns 0, or -1 with ld->err filled. */
static int
walk_mapping(loader_t *ld, const yaml_node_t *node, const char *prefix)
{
    yaml_node_pair_t *start = node->data.mapping.pairs.start;
    yaml_node_pair_t *top = node->data.mapping.pairs.top;
    char name[MS_CONFIG_NAME_MAX], shown[2 * MS_CONFIG_SHOWN_MAX + 5];
    size_t prefix_len = strlen(prefix);
    int status = 0;

    for (yaml_node_pair_t *pair = start; pair < top; pair++) {
        yaml_node_t *key = yaml_document_get_node(ld->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(ld->doc, pair->value);
        const char *text;
        size_t len, name_len;
        int index;

        assert(key != NULL && value != NULL);
        if (key->type != YAML_SCALAR_NODE) {
            ms_file_error_set(ld->err, ld->path, key->start_mark.line + 1,
                              key->start_mark.column + 1,
                              "%s%sexpected a scalar key, found %s", prefix,
                              prefix_len > 0 ? ": " : "", node_kind(key));
            status = -1;
            goto out;
        }
        text = (const char *)key->data.scalar.value;
        len = key->data.scalar.length;
        display_name(shown, sizeof(shown), prefix, text, len);

        for (yaml_node_pair_t *prev = start; prev < pair; prev++) {
            yaml_node_t *other = yaml_document_get_node(ld->doc, prev->key);
            if (other->type == YAML_SCALAR_NODE && scalar_equal(key, other)) {
                ms_file_error_set(ld->err, ld->path, key->start_mark.line + 1,
                                  key->start_mark.column + 1,
                                  "%s: duplicate key (first at line %zu)", shown,
                                  other->start_mark.line + 1);
                status = -1;
                goto out;
            }
        }

        /* A name too long for the buffer, or holding a NUL, matches no key. */
        name_len = prefix_len + (prefix_len > 0) + len;
        index = -1;
        if (name_len < sizeof(name) && memchr(text, '\0', len) == NULL) {
            snprintf(name, sizeof(name), "%s%s%s", prefix, prefix_len > 0 ? "." : "",
                     text);
            index = ms_config__find(name, name_len);
            if (index < 0 && ms_config__is_section(name, name_len)) {
                if (is_null(value))
                    continue; /* "search:" with every key commented out */
                if (value->type != YAML_MAPPING_NODE) {
                    set_node_error(ld, value, name, "expected a mapping");
                    status = -1;
                    goto out;
                }
                status = walk_mapping(ld, value, name);
                if (status != 0)
                    goto out;
                continue;
            }
        }
        if (index < 0) {
            set_node_error(ld, key, shown, "unknown key");
            status = -1;
            goto out;
        }
        status = set_leaf(ld, (size_t)index, value);
        if (status != 0)
            goto out;
    }
out:
    return status;
}

/* libyaml reports reader errors (bad UTF-8, control characters) as a byte
 * offset only; turn it into the line and column the other errors use.
 * Columns count characters, as libyaml's marks do. */
static void
offset_position(const char *buf, size_t len, size_t offset, size_t *line, size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
            (*column)++;
        }
    }
}

static void
set_yaml_error(const yaml_parser_t *parser, const char *path, const char *buf, size_t len,
               ms_config_error_t *err)
{
    const char *problem = parser->problem != NULL ? parser->problem : "invalid YAML";
    size_t line, column;

    switch (parser->error) {
    case YAML_MEMORY_ERROR:
        ms_file_error_set(err, path, 0, 0, "out of memory");
        break;
    case YAML_READER_ERROR:
        offset_position(buf, len, parser->problem_offset, &line, &column);
        ms_file_error_set(err, path, line, column, "%s", problem);
        break;
    default:
        line = parser->problem_mark.line + 1;
        column = parser->problem_mark.column + 1;
        if (parser->context != NULL)
            ms_file_error_set(err, path, line, column, "%s (%s at line %zu, column %zu)",
                              problem, parser->context, parser->context_mark.line + 1,
                              parser->context_mark.column + 1);
        else
            ms_file_error_set(err, path, line, column, "%s", problem);
        break;
    }
}

/* Read all of 'path' into a malloc'ed buffer. Returns 0, or -1 with 'err'
 * filled. */
static int
read_file(char **out, size_t *out_len, const char *path, ms_config_error_t *err)
{
    switch (ms_file_read(out, out_len, path, MS_CONFIG_MAX_FILE_SIZE)) {
    case MS_FILE_OK:
        return 0;
    case MS_FILE_IO:
        ms_file_error_set(err, path, 0, 0, "%s", strerror(errno));
        return -1;
    case MS_FILE_TOO_BIG:
        ms_file_error_set(err, path, 0, 0, "larger than %d bytes",
                          MS_CONFIG_MAX_FILE_SIZE);
        return -1;
    default:
        ms_file_error_set(err, path, 0, 0, "out of memory");
        return -1;
    }
}

/* The absolute directory holding 'path', against which relative paths in
 * the file are resolved. Made absolute now because the executables may
 * change directory later. Returns 0, or -1 with 'err' filled. */
static int
config_dir(char **out, const char *path, ms_config_error_t *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL, cwd[PATH_MAX];
    int status = -1;

    *out = NULL;
    if (slash == path)
        dir = strdup("/");
    else if (slash != NULL)
        dir = strndup(path, (size_t)(slash - path));
    else
        dir = strdup(".");
    if (dir == NULL) {
        ms_file_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    if (dir[0] != '/') {
        char *joined;
        if (getcwd(cwd, sizeof(cwd)) == NULL) {
            ms_file_error_set(err, path, 0, 0, "cannot resolve the current directory: %s",
                              strerror(errno));
            goto out;
        }
        joined = ms_config__join_path(cwd, strcmp(dir, ".") == 0 ? "" : dir);
        if (joined == NULL) {
            ms_file_error_set(err, path, 0, 0, "out of memory");
            goto out;
        }
        free(dir);
        dir = joined;
    }
    *out = dir;
    dir = NULL;
    status = 0;
out:
    free(dir);
    return status;
}

/* One document of 'parser' into *doc, under the bounds of ms_yaml.h.
 * 0, or -1 with the error set (*doc then not to be released). */
static int
load_bounded(loader_t *ld, yaml_parser_t *parser, yaml_document_t *doc, const char *buf,
             size_t len)
{
    switch (ms_yaml_load(doc, parser, 1, ld->path, ld->err)) {
    case MS_YAML_OK:
        return 0;
    case MS_YAML_SYNTAX:
        set_yaml_error(parser, ld->path, buf, len, ld->err);
        return -1;
    case MS_YAML_NOMEM:
        ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
        return -1;
    case MS_YAML_LIMIT:
        break;
    }
    return -1;
}

static int
load_document(loader_t *ld, const char *buf, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    yaml_node_t *root;
    int status = -1, have_doc = 0, have_extra = 0;

    if (!yaml_parser_initialize(&parser)) {
        ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (load_bounded(ld, &parser, &doc, buf, len) != 0)
        goto out;
    have_doc = 1;
    ld->doc = &doc;

    root = yaml_document_get_root_node(&doc);
    if (root != NULL && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE) {
            ms_file_error_set(
                ld->err, ld->path, root->start_mark.line + 1, root->start_mark.column + 1,
                "expected a mapping at the top level, found %s", node_kind(root));
            goto out;
        }
        if (walk_mapping(ld, root, "") != 0)
            goto out;
    }

    /* A second "---" document would be silently ignored; refuse it. */
    if (load_bounded(ld, &parser, &extra, buf, len) != 0)
        goto out;
    have_extra = 1;
    root = yaml_document_get_root_node(&extra);
    if (root != NULL) {
        ms_file_error_set(ld->err, ld->path, root->start_mark.line + 1,
                          root->start_mark.column + 1, "expected a single YAML document");
        goto out;
    }
    status = 0;
out:
    if (have_extra)
        yaml_document_delete(&extra);
    if (have_doc)
        yaml_document_delete(&doc);
    ld->doc = NULL;
    yaml_parser_delete(&parser);
    return status;
}

int
ms_config_load(ms_config_t **out, const char *path, ms_config_error_t *err)
{
    loader_t ld = {.err = err, .path = path};
    ms_config_t *cfg = NULL;
    char *buf = NULL, *base_dir = NULL;
    char reason[200];
    size_t len = 0, blamed;
    int status = -1;

    assert(out != NULL && path != NULL);
    *out = NULL;
    if (read_file(&buf, &len, path, err) != 0)
        goto out;
    if (config_dir(&base_dir, path, err) != 0)
        goto out;
    ld.seen = calloc(ms_config__key_count, sizeof(*ld.seen));
    ld.marks = calloc(ms_config__key_count, sizeof(*ld.marks));
    if (ld.seen == NULL || ld.marks == NULL || ms_config_defaults(&cfg) != 0) {
        ms_file_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    free(cfg->source);
    cfg->source = strdup(path);
    if (cfg->source == NULL) {
        ms_file_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    ld.cfg = cfg;
    ld.base_dir = base_dir;

    if (load_document(&ld, buf, len) != 0)
        goto out;
    if (ms_config__check(cfg, ld.seen, &blamed, reason, sizeof(reason)) != 0) {
        /* An unset key has no place in the file; point at the file's start. */
        yaml_mark_t mark = ld.marks[blamed];
        ms_file_error_set(err, path, ld.seen[blamed] ? mark.line + 1 : 1,
                          ld.seen[blamed] ? mark.column + 1 : 1, "%s: %s",
                          ms_config__keys[blamed].name, reason);
        goto out;
    }
    *out = cfg;
    cfg = NULL;
    status = 0;
out:
    ms_config_free(cfg);
    free(ld.seen);
    free(ld.marks);
    free(base_dir);
    free(buf);
    return status;
}

int
ms_config_defaults(ms_config_t **out)
{
    ms_config_t *cfg;
    char reason[200];
    int status = -1;

    assert(out != NULL);
    *out = NULL;
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL)
        goto out;
    cfg->source = strdup("");
    if (cfg->source == NULL)
        goto out;
    for (size_t i = 0; i < ms_config__key_count; i++) {
        const ms_config__key_t *key = &ms_config__keys[i];
        int set = ms_config__set(cfg, key, key->default_text, strlen(key->default_text),
                                 NULL, reason, sizeof(reason));
        /* An invalid default is a bug in the table, not a runtime failure. */
        assert(set != MS_CONFIG__INVALID);
        if (set != 0)
            goto out;
    }
    *out = cfg;
    cfg = NULL;
    status = 0;
out:
    ms_config_free(cfg);
    return status;
}

void
ms_config_free(ms_config_t *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < ms_config__key_count; i++) {
        const ms_config__key_t *key = &ms_config__keys[i];
        if (key->type == MS_CONFIG__STRING || key->type == MS_CONFIG__PATH ||
            key->type == MS_CONFIG__LANGUAGE || key->type == MS_CONFIG__ADDRESS ||
            key->type == MS_CONFIG__ADDRESSES || key->type == MS_CONFIG__SHARDS)
            free(*(char **)((char *)cfg + key->offset));
    }
    free(cfg->source);
    free(cfg);
}
