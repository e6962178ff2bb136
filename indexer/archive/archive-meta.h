/* archive-meta.h - metadata layers: keys and their checks, YAML, metadata files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_archive library and its unit tests. Four files make
 * this layer, each calling only those before it and archive_io.c and
 * archive_yaml.c below:
 *   meta.c       the layer (ms_archive_meta_t), merging, metadata keys and
 *                the checks of their values;
 *   meta_read.c  a YAML mapping read into a layer, every key checked;
 *   layers.c     the metadata files: _defaults.yaml files and sidecars;
 *   meetings.c   the meetings file, _meetings.yaml, and its layer.
 *
 * Metadata keys: the document's own slots (id, title, date, language) are
 * meta.c's; every other key is looked up in the index's field table
 * (ms_schema.h), which says whether it takes a list and which values it
 * allows. A key that names no field staff may set is a free field. So a
 * field added to indexer/shim/fields.c is read and checked here with no
 * change to this library.
 */
#ifndef MS_ARCHIVE_META_H
#define MS_ARCHIVE_META_H

#include <stdbool.h>
#include <stddef.h>

#include "ms_archive.h"
#include "ms_schema.h"

struct yaml_document_s;
struct yaml_node_s;

/* --- keys (meta.c) --- */

/* The document slots a key may name; the rest are fields. */
typedef enum ms_archive_slot {
    MS_ARCHIVE_SLOT_NONE = 0, /* a field: of the schema, or free */
    MS_ARCHIVE_SLOT_ID,
    MS_ARCHIVE_SLOT_TITLE,
    MS_ARCHIVE_SLOT_DATE,
    MS_ARCHIVE_SLOT_LANGUAGE
} ms_archive_slot_t;

/* What a metadata key means and how its values are checked. */
typedef struct ms_archive_key {
    const char *name; /* canonical: the slot, the field's name, or the free key itself */
    ms_archive_slot_t slot;
    const ms_schema_field_t *field; /* a field staff set; NULL for a slot or a free key */
    bool list;        /* a list of values may be given (a MULTI field, a free key) */
    bool text_only;   /* a JSON number is refused: id, date, language, and a field
                         of one value out of a list (type) */
    bool check_empty; /* an empty value is a mistake (id, date, type), not absent */
} ms_archive_key_t;

/* Fill *out for metadata key 'key' as written by staff ("countries").
 * out->name is borrowed from a table, or is 'key' itself for a free key. */
void ms_archive__key(ms_archive_key_t *out, const char *key);

/* True for a free key: no slot and no field of the schema. */
bool ms_archive__key_free(const ms_archive_key_t *key);

/* Check one value of 'key' given by staff: an id by ms_schema_id_check(),
 * a date by ms_date_parse(), a language against ms_schema_languages, a
 * field with a list of values by ms_schema_value_valid(). Returns NULL if
 * it is usable, with *stored (may be NULL) the text to keep (a language
 * folded to its code, else 'value'); or the reason ("must be one of ..."),
 * static or in 'buf' of 'size' bytes. */
const char *ms_archive__value_check(const ms_archive_key_t *key, const char *value,
                                    const char **stored, char *buf, size_t size);

/* The language a tag names ("fr", "FR", "fr-FR", "fr_CA"): one of the
 * codes of ms_schema_languages (static), or NULL. */
const char *ms_archive__language_code(const char *tag);

/* --- layers (meta.c) --- */

/* Where a metadata layer comes from; decides what it may say. */
typedef enum ms_archive_layer {
    MS_ARCHIVE_LAYER_DEFAULTS, /* a _defaults.yaml: no id */
    MS_ARCHIVE_LAYER_SIDECAR,  /* NAME.meta.yaml */
    MS_ARCHIVE_LAYER_SHARED,   /* the sidecar of a file of many documents: no id */
    MS_ARCHIVE_LAYER_FILE      /* front matter, a JSON line */
} ms_archive_layer_t;

/* One key of a metadata layer, under its canonical name ("countries" and
 * "country" are both "country"). */
typedef struct ms_archive_meta_entry {
    char *name;    /* "id", "title", "date", "language" or a field name */
    char **values; /* n_values strings; an explicit empty list has none */
    size_t n_values;
    bool weak;    /* from a _defaults.yaml or what a format embeds: the meetings
                     file (meetings.c) may replace it */
    size_t *seen; /* private to meta.c: a hash set of the first n_seen values
                     (index + 1; 0 a free slot), for ms_archive__meta_add_distinct */
    size_t n_seen, seen_capacity;
} ms_archive_meta_entry_t;

/* A metadata layer, or the merge of several. Zero-initialise it; every
 * string is owned by it and released by ms_archive__meta_clear(). */
typedef struct ms_archive_meta {
    ms_archive_meta_entry_t *entries; /* in the order keys first appeared */
    size_t n_entries;
    size_t capacity;
} ms_archive_meta_t;

/* Release what 'meta' holds and leave it empty. Accepts NULL. */
void ms_archive__meta_clear(ms_archive_meta_t *meta);

/* The entry called 'name', borrowed from 'meta' (may be NULL), or NULL. */
const ms_archive_meta_entry_t *ms_archive__meta_get(const ms_archive_meta_t *meta,
                                                    const char *name);

/* Append 'len' bytes of 'value' to entry 'name', creating it; with
 * 'value' NULL, only make sure the entry exists.
 * Returns MS_ARCHIVE_OK or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__meta_add(ms_archive_meta_t *meta, const char *name,
                                         const char *value, size_t len);

/* Add 'value' to entry 'name' unless the entry has it already. */
ms_archive_status_t ms_archive__meta_add_distinct(ms_archive_meta_t *meta,
                                                  const char *name, const char *value);

/* Replace entry 'name' by the single value 'value'. */
ms_archive_status_t ms_archive__meta_set(ms_archive_meta_t *meta, const char *name,
                                         const char *value);

/* Lay 'nearer' (may be NULL) over 'base': each entry of 'nearer' replaces
 * the entry of the same name in 'base' whole (lists are replaced, not
 * appended), weak or not as it is in 'nearer'.
 * Returns MS_ARCHIVE_OK or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__meta_merge(ms_archive_meta_t *base,
                                           const ms_archive_meta_t *nearer);

/* Mark every entry of 'meta' weak: a layer the meetings file may override. */
void ms_archive__meta_weaken(ms_archive_meta_t *meta);

/* --- YAML (meta_read.c) --- */

/* Read the YAML mapping 'mapping' of 'ydoc' into the empty layer 'out',
 * checking every key for a layer of kind 'layer'. Positions in errors are
 * counted from line 'first_line' of the file.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__meta_yaml(ms_archive_meta_t *out,
                                          struct yaml_document_s *ydoc,
                                          struct yaml_node_s *mapping,
                                          unsigned first_line, ms_archive_layer_t layer,
                                          ms_archive_error_t *err);

/* Read one key (a scalar node) and its value into 'out' as
 * ms_archive__meta_yaml() does, for formats that mix metadata keys with
 * keys of their own. */
ms_archive_status_t ms_archive__meta_pair(ms_archive_meta_t *out,
                                          struct yaml_document_s *ydoc,
                                          struct yaml_node_s *key,
                                          struct yaml_node_s *value, unsigned first_line,
                                          ms_archive_layer_t layer,
                                          ms_archive_error_t *err);

/* --- metadata files (layers.c) --- */

/* A folder's defaults, and the ending of a sidecar ("dir/NAME.meta.yaml"
 * describes "dir/NAME.ext"). */
#define MS_ARCHIVE__DEFAULTS_NAME "_defaults.yaml"
#define MS_ARCHIVE__SIDECAR_SUFFIX ".meta.yaml"

/* The metadata staff wrote outside 'path': its _defaults.yaml files, root
 * first, then its sidecar, merged into the empty layer *out. 'many' says
 * the file holds many documents, so its sidecar may not give an id.
 * 'err' names the metadata file at fault.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID, MS_ARCHIVE_IO or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__layers_load(ms_archive_meta_t *out, const char *root,
                                            const char *path, bool many,
                                            ms_archive_error_t *err);

/* True for a helper file, never a document: a name (last component of
 * 'name') starting with '_', or ending in ".meta.yaml". */
bool ms_archive__is_helper(const char *name);

/* --- the meetings file (meetings.c) --- */

/* Read the text of a meetings file ('len' bytes) into *out (NULL on
 * failure; free it with ms_archive_meetings_free()). 'err' has the file
 * name already. Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__meetings_read(ms_archive_meetings_t **out,
                                              const char *text, size_t len,
                                              ms_archive_error_t *err);

/* Lay the entry of the meeting 'meta' names (its first "meeting" value
 * the file lists) over 'meta': each key of the meeting replaces one 'meta'
 * lacks or holds weak. 'meetings' may be NULL. Returns MS_ARCHIVE_OK or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__meetings_apply(ms_archive_meta_t *meta,
                                               const ms_archive_meetings_t *meetings);

#endif /* MS_ARCHIVE_META_H */
