/* meta.c - metadata layers: keys, checks, _defaults.yaml files and sidecars
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every source of metadata (a _defaults.yaml, a sidecar, front matter, a
 * JSON line, what a PDF says about itself) becomes an ms_archive_meta_t:
 * keys under their canonical names with their values, already checked.
 * Layers are then laid over one another with ms_archive__meta_merge(), a
 * nearer key replacing the farther one whole. Replacing lists rather than
 * appending them is deliberate: a sidecar that says "countries: [Kenya]"
 * for one file of a folder whose defaults say "[Kenya, Uganda]" means
 * Kenya only, and appending would give staff no way to say so.
 *
 * Values are checked where they are read, so each error can name the
 * file, line and column of the value; merging never fails but for memory.
 */
#include "ms_archive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

/* A _defaults.yaml or a sidecar is a few lines written by hand; anything
 * much larger is a mistake (a document saved under the wrong name). */
#define META_FILE_MAX (1024 * 1024)

/* More keys than this in one layer is certainly not hand-written
 * metadata; the cap also keeps the duplicate-key check cheap. */
#define META_MAX_KEYS 256

#define DEFAULTS_NAME "_defaults.yaml"
#define SIDECAR_SUFFIX ".meta.yaml"

/* Keys and their checks */

static const struct meta_key {
    const char *key;  /* as written in YAML or JSON */
    const char *name; /* canonical: the document slot or field name */
    ms_archive_key_kind_t kind;
} meta_keys[] = {
    {"id", "id", MS_ARCHIVE_KEY_ID},
    {"title", "title", MS_ARCHIVE_KEY_TITLE},
    {"date", "date", MS_ARCHIVE_KEY_DATE},
    {"language", "language", MS_ARCHIVE_KEY_LANGUAGE},
    {"type", "type", MS_ARCHIVE_KEY_TYPE},
    {"symbol", "symbol", MS_ARCHIVE_KEY_SCALAR},
    {"process", "process", MS_ARCHIVE_KEY_SCALAR},
    {"meeting", "meeting", MS_ARCHIVE_KEY_SCALAR},
    {"venue", "venue", MS_ARCHIVE_KEY_SCALAR},
    {"number", "number", MS_ARCHIVE_KEY_SCALAR},
    {"description", "description", MS_ARCHIVE_KEY_SCALAR},
    {"status", "status", MS_ARCHIVE_KEY_STATUS},
    {"countries", "country", MS_ARCHIVE_KEY_LIST},
    {"country", "country", MS_ARCHIVE_KEY_LIST},
    {"themes", "theme", MS_ARCHIVE_KEY_LIST},
    {"theme", "theme", MS_ARCHIVE_KEY_LIST},
    {"access", "access", MS_ARCHIVE_KEY_LIST},
    {"addressees", "addressee", MS_ARCHIVE_KEY_LIST},
    {"addressee", "addressee", MS_ARCHIVE_KEY_LIST},
};

const char *
ms_archive__key(const char *key, ms_archive_key_kind_t *kind)
{
    for (size_t i = 0; i < sizeof(meta_keys) / sizeof(meta_keys[0]); i++) {
        if (strcmp(key, meta_keys[i].key) == 0) {
            *kind = meta_keys[i].kind;
            return meta_keys[i].name;
        }
    }
    *kind = MS_ARCHIVE_KEY_LIST;
    return key;
}

bool
ms_archive__language_code(char out[3], const char *tag)
{
    static const char *const codes[] = {"en", "fr", "es", "ru", "ar", "zh"};
    size_t len = strcspn(tag, "-_");

    /* "fr", "fr-FR", "fr_CA", "zh-Hant-TW": the primary subtag decides. */
    if (len != 2 || (tag[len] != '\0' && tag[len + 1] == '\0'))
        return false;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strncasecmp(tag, codes[i], 2) == 0) {
            memcpy(out, codes[i], 3);
            return true;
        }
    }
    return false;
}

bool
ms_archive__status_valid(const char *status)
{
    static const char *const statuses[] = {"implemented", "partially implemented",
                                           "not implemented", "no information"};

    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (strcmp(status, statuses[i]) == 0)
            return true;
    }
    return false;
}

const char *
ms_archive__value_check(ms_archive_key_kind_t kind, const char *value)
{
    char code[3];

    switch (kind) {
    case MS_ARCHIVE_KEY_ID:
        return ms_archive_id_check(value);
    case MS_ARCHIVE_KEY_DATE:
        return ms_archive_date_valid(value)
                   ? NULL
                   : "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD";
    case MS_ARCHIVE_KEY_LANGUAGE:
        return ms_archive__language_code(code, value)
                   ? NULL
                   : "must be one of en, fr, es, ru, ar, zh";
    case MS_ARCHIVE_KEY_TYPE:
        return ms_archive_type_valid(value)
                   ? NULL
                   : "must be one of recommendation, workshop, report, other";
    case MS_ARCHIVE_KEY_STATUS:
        return ms_archive__status_valid(value)
                   ? NULL
                   : "must be one of implemented, partially implemented, "
                     "not implemented, no information";
    case MS_ARCHIVE_KEY_TITLE:
    case MS_ARCHIVE_KEY_SCALAR:
    case MS_ARCHIVE_KEY_LIST:
        break;
    }
    return NULL;
}

/* Layers */

static void
entry_clear(ms_archive_meta_entry_t *entry)
{
    for (size_t i = 0; i < entry->n_values; i++)
        free(entry->values[i]);
    free(entry->values);
    free(entry->name);
}

void
ms_archive__meta_clear(ms_archive_meta_t *meta)
{
    if (!meta)
        return;
    for (size_t i = 0; i < meta->n_entries; i++)
        entry_clear(&meta->entries[i]);
    free(meta->entries);
    meta->entries = NULL;
    meta->n_entries = 0;
    meta->capacity = 0;
}

const ms_archive_meta_entry_t *
ms_archive__meta_get(const ms_archive_meta_t *meta, const char *name)
{
    for (size_t i = 0; meta && i < meta->n_entries; i++) {
        if (strcmp(meta->entries[i].name, name) == 0)
            return &meta->entries[i];
    }
    return NULL;
}

/* The entry called 'name', created empty at the end if missing. */
static ms_archive_meta_entry_t *
entry_for(ms_archive_meta_t *meta, const char *name)
{
    ms_archive_meta_entry_t *entry =
        (ms_archive_meta_entry_t *)ms_archive__meta_get(meta, name);

    if (entry)
        return entry;
    if (meta->n_entries == meta->capacity) {
        size_t cap = meta->capacity ? meta->capacity * 2 : 8;
        ms_archive_meta_entry_t *grown = realloc(meta->entries, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        meta->entries = grown;
        meta->capacity = cap;
    }
    entry = &meta->entries[meta->n_entries];
    memset(entry, 0, sizeof(*entry));
    entry->name = strdup(name);
    if (!entry->name)
        return NULL;
    meta->n_entries++;
    return entry;
}

static ms_archive_status_t
entry_append(ms_archive_meta_entry_t *entry, const char *value, size_t len)
{
    char **values = realloc(entry->values, (entry->n_values + 1) * sizeof(*values));

    if (!values)
        return MS_ARCHIVE_NOMEM;
    entry->values = values;
    values[entry->n_values] = strndup(value, len);
    if (!values[entry->n_values])
        return MS_ARCHIVE_NOMEM;
    entry->n_values++;
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__meta_add(ms_archive_meta_t *meta, const char *name, const char *value,
                     size_t len)
{
    ms_archive_meta_entry_t *entry = entry_for(meta, name);

    if (!entry)
        return MS_ARCHIVE_NOMEM;
    return value ? entry_append(entry, value, len) : MS_ARCHIVE_OK;
}

/* Empty entry 'name' of its values, keeping its place in the order. */
static ms_archive_meta_entry_t *
entry_reset(ms_archive_meta_t *meta, const char *name)
{
    ms_archive_meta_entry_t *entry = entry_for(meta, name);

    if (!entry)
        return NULL;
    for (size_t i = 0; i < entry->n_values; i++)
        free(entry->values[i]);
    entry->n_values = 0;
    return entry;
}

ms_archive_status_t
ms_archive__meta_set(ms_archive_meta_t *meta, const char *name, const char *value)
{
    ms_archive_meta_entry_t *entry = entry_reset(meta, name);

    if (!entry)
        return MS_ARCHIVE_NOMEM;
    return entry_append(entry, value, strlen(value));
}

ms_archive_status_t
ms_archive__meta_merge(ms_archive_meta_t *base, const ms_archive_meta_t *nearer)
{
    for (size_t i = 0; nearer && i < nearer->n_entries; i++) {
        const ms_archive_meta_entry_t *from = &nearer->entries[i];
        ms_archive_meta_entry_t *to = entry_reset(base, from->name);
        if (!to)
            return MS_ARCHIVE_NOMEM;
        for (size_t j = 0; j < from->n_values; j++) {
            if (entry_append(to, from->values[j], strlen(from->values[j])) !=
                MS_ARCHIVE_OK)
                return MS_ARCHIVE_NOMEM;
        }
    }
    return MS_ARCHIVE_OK;
}

/* YAML */

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
    ms_archive__set_error(r->err, r->first_line + (unsigned)node->start_mark.line,
                          (unsigned)node->start_mark.column + 1, "%s: %s", key, reason);
}

/* YAML's null: an empty plain scalar, "~" or "null". Such a key counts as
 * absent, the way "date:" left blank in a template should. */
static bool
is_null(const yaml_node_t *node)
{
    const char *v = (const char *)node->data.scalar.value;

    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* Check that 'node' is a usable scalar. Double-quoted escapes can put a
 * NUL in a scalar, which no C string downstream would survive. */
static ms_archive_status_t
check_scalar(struct reader *r, const yaml_node_t *node, const char *key)
{
    if (node->type == YAML_MAPPING_NODE) {
        node_error(r, node, key, "expected a single value, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    if (node->type == YAML_SEQUENCE_NODE) {
        node_error(r, node, key, "expected a single value, found a list");
        return MS_ARCHIVE_INVALID;
    }
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length)) {
        node_error(r, node, key, "value contains a NUL character");
        return MS_ARCHIVE_INVALID;
    }
    return MS_ARCHIVE_OK;
}

/* Check one value and add it to entry 'name'. */
static ms_archive_status_t
add_value(struct reader *r, const yaml_node_t *node, const char *key, const char *name,
          ms_archive_key_kind_t kind)
{
    const char *text = (const char *)node->data.scalar.value;
    const char *reason = ms_archive__value_check(kind, text);
    char code[3];

    if (reason) {
        node_error(r, node, key, reason);
        return MS_ARCHIVE_INVALID;
    }
    if (kind == MS_ARCHIVE_KEY_LANGUAGE && ms_archive__language_code(code, text))
        return ms_archive__meta_add(r->meta, name, code, strlen(code));
    return ms_archive__meta_add(r->meta, name, text, node->data.scalar.length);
}

/* A scalar or a list of scalars; one value each. An explicit empty list
 * makes an entry with no values, which replaces a farther layer's list. */
static ms_archive_status_t
read_list(struct reader *r, const yaml_node_t *node, const char *key, const char *name,
          ms_archive_key_kind_t kind)
{
    ms_archive_status_t status;

    if (node->type == YAML_MAPPING_NODE) {
        node_error(r, node, key, "expected a value or a list of values, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    if (node->type == YAML_SCALAR_NODE) {
        status = check_scalar(r, node, key);
        if (status != MS_ARCHIVE_OK || is_null(node) || node->data.scalar.length == 0)
            return status;
        return add_value(r, node, key, name, kind);
    }
    status = ms_archive__meta_add(r->meta, name, NULL, 0);
    for (yaml_node_item_t *item = node->data.sequence.items.start;
         status == MS_ARCHIVE_OK && item < node->data.sequence.items.top; item++) {
        yaml_node_t *value = yaml_document_get_node(r->yaml, *item);
        if (value->type == YAML_SEQUENCE_NODE) {
            node_error(r, value, key,
                       "expected a value in the list, found a nested list");
            return MS_ARCHIVE_INVALID;
        }
        status = check_scalar(r, value, key);
        if (status == MS_ARCHIVE_OK && !is_null(value) && value->data.scalar.length > 0)
            status = add_value(r, value, key, name, kind);
    }
    return status;
}

static ms_archive_status_t
read_pair(struct reader *r, const yaml_node_t *key_node, const yaml_node_t *value)
{
    const char *key = (const char *)key_node->data.scalar.value;
    ms_archive_key_kind_t kind;
    const char *name = ms_archive__key(key, &kind);
    ms_archive_status_t status;

    if (kind == MS_ARCHIVE_KEY_ID && r->layer == MS_ARCHIVE_LAYER_DEFAULTS) {
        node_error(r, key_node, key,
                   "not allowed in " DEFAULTS_NAME "; an id names one file, so set it "
                   "in the file or its sidecar");
        return MS_ARCHIVE_INVALID;
    }
    if (kind == MS_ARCHIVE_KEY_ID && r->layer == MS_ARCHIVE_LAYER_SHARED) {
        node_error(r, key_node, key,
                   "not allowed in the sidecar of a file of many documents; each "
                   "document has its own id");
        return MS_ARCHIVE_INVALID;
    }
    if (kind == MS_ARCHIVE_KEY_LIST || kind == MS_ARCHIVE_KEY_STATUS)
        return read_list(r, value, key, name, kind);

    status = check_scalar(r, value, key);
    if (status != MS_ARCHIVE_OK || is_null(value))
        return status;
    /* A quoted empty title or language counts as absent; a quoted empty
     * id or date is a mistake worth reporting. */
    if (value->data.scalar.length == 0 && kind != MS_ARCHIVE_KEY_ID &&
        kind != MS_ARCHIVE_KEY_DATE && kind != MS_ARCHIVE_KEY_TYPE)
        return MS_ARCHIVE_OK;
    return add_value(r, value, key, name, kind);
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
        ms_archive__set_error(err, first_line + (unsigned)mapping->start_mark.line,
                              (unsigned)mapping->start_mark.column + 1,
                              "more than %d keys", META_MAX_KEYS);
        return MS_ARCHIVE_INVALID;
    }
    for (size_t i = 0; i < n_pairs; i++) {
        yaml_node_t *key = yaml_document_get_node(ydoc, pairs[i].key);
        yaml_node_t *value = yaml_document_get_node(ydoc, pairs[i].value);
        if (key->type != YAML_SCALAR_NODE || key->data.scalar.length == 0 ||
            memchr(key->data.scalar.value, '\0', key->data.scalar.length)) {
            ms_archive__set_error(err, first_line + (unsigned)key->start_mark.line,
                                  (unsigned)key->start_mark.column + 1,
                                  "keys must be non-empty names");
            return MS_ARCHIVE_INVALID;
        }
        for (size_t j = 0; j < i; j++) {
            yaml_node_t *earlier = yaml_document_get_node(ydoc, pairs[j].key);
            if (strcmp((const char *)earlier->data.scalar.value,
                       (const char *)key->data.scalar.value) == 0) {
                node_error(&r, key, (const char *)key->data.scalar.value,
                           "duplicate key");
                return MS_ARCHIVE_INVALID;
            }
        }
        status = read_pair(&r, key, value);
        if (status != MS_ARCHIVE_OK)
            return status;
    }
    return status;
}

/* Report a libyaml parse failure at its own position in the file. */
static void
syntax_error(ms_archive_error_t *err, const yaml_parser_t *parser, const char *text,
             size_t len, unsigned first_line)
{
    unsigned line, column;

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
    if (parser->context)
        ms_archive__set_error(err, line, column, "invalid YAML: %s %s started at %u:%u",
                              parser->problem ? parser->problem : "syntax error",
                              parser->context,
                              first_line + (unsigned)parser->context_mark.line,
                              (unsigned)parser->context_mark.column + 1);
    else
        ms_archive__set_error(err, line, column, "invalid YAML: %s",
                              parser->problem ? parser->problem : "syntax error");
}

ms_archive_status_t
ms_archive__yaml_load(struct yaml_document_s *out, const char *text, size_t len,
                      unsigned first_line, ms_archive_error_t *err)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    ms_archive_status_t status = MS_ARCHIVE_OK;
    bool loaded = false;

    if (!yaml_parser_initialize(&parser))
        return MS_ARCHIVE_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, out))
        goto failed;
    loaded = true;
    /* A second "---" document would be silently ignored; say so instead. */
    if (!yaml_parser_load(&parser, &extra))
        goto failed;
    if (yaml_document_get_root_node(&extra)) {
        yaml_node_t *root = yaml_document_get_root_node(&extra);
        ms_archive__set_error(err, first_line + (unsigned)root->start_mark.line,
                              (unsigned)root->start_mark.column + 1,
                              "more than one YAML document; remove the second '---'");
        status = MS_ARCHIVE_INVALID;
    }
    yaml_document_delete(&extra);
    goto out;

failed:
    if (parser.error == YAML_MEMORY_ERROR) {
        status = MS_ARCHIVE_NOMEM;
    } else {
        syntax_error(err, &parser, text, len, first_line);
        status = MS_ARCHIVE_INVALID;
    }

out:
    if (status != MS_ARCHIVE_OK && loaded)
        yaml_document_delete(out);
    yaml_parser_delete(&parser);
    return status;
}

/* Metadata files */

/* Read the metadata file 'root'/'rel' as a layer of kind 'layer' into
 * *out. A missing file is an empty layer. */
static ms_archive_status_t
load_meta_file(ms_archive_meta_t *out, const char *root, const char *rel,
               ms_archive_layer_t layer, ms_archive_error_t *err)
{
    char full[4096];
    char *data = NULL;
    size_t len = 0, bad;
    yaml_document_t ydoc;
    yaml_node_t *node;
    struct stat st;
    ms_archive_status_t status;

    snprintf(full, sizeof(full), "%s/%s", root, rel);
    /* lstat first: a dangling link must not pass for a missing file. */
    if (lstat(full, &st) != 0 && errno == ENOENT)
        return MS_ARCHIVE_OK;
    ms_archive__error_reset(err, full);
    status = ms_archive__read_file(&data, &len, full, META_FILE_MAX,
                                   "the limit for metadata files", err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    if (!ms_archive_utf8_valid(data, len, &bad)) {
        unsigned line, column;
        ms_archive__position(data, bad, &line, &column);
        ms_archive__set_error(err, line, column, "not valid UTF-8 (byte 0x%02X)",
                              (unsigned char)data[bad]);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    status = ms_archive__yaml_load(&ydoc, data, len, 1, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    node = yaml_document_get_root_node(&ydoc);
    if (node && node->type != YAML_MAPPING_NODE) {
        ms_archive__set_error(err, (unsigned)node->start_mark.line + 1,
                              (unsigned)node->start_mark.column + 1,
                              "must be a mapping of keys to values");
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
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t stem;
    char *out;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (!dot || dot == base)
        return NULL;
    stem = (size_t)(dot - path);
    out = malloc(stem + sizeof(SIDECAR_SUFFIX));
    if (out) {
        memcpy(out, path, stem);
        memcpy(out + stem, SIDECAR_SUFFIX, sizeof(SIDECAR_SUFFIX));
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
    char *rel = malloc(len + sizeof(DEFAULTS_NAME) + 1);
    char *sidecar = NULL;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (!rel)
        return MS_ARCHIVE_NOMEM;
    /* 'i' is where the folder part of 'path' ends: the root first, then
     * after each '/', down to the file's own folder. */
    for (size_t i = 0;;) {
        const char *slash = strchr(path + i, '/');
        memcpy(rel, path, i);
        memcpy(rel + i, DEFAULTS_NAME, sizeof(DEFAULTS_NAME));
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
        ms_archive__set_error(err, 0, 0, "out of memory");
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
    snprintf(full, sizeof(full), "%s/%s", d->root, rel);
    if (lstat(full, &st) != 0)
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
    const char *base = strrchr(name, '/');
    size_t len;

    base = base ? base + 1 : name;
    len = strlen(base);
    if (base[0] == '_')
        return true;
    return len > strlen(SIDECAR_SUFFIX) &&
           strcasecmp(base + len - strlen(SIDECAR_SUFFIX), SIDECAR_SUFFIX) == 0;
}
