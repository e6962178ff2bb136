/* ms_schema.h - the index's vocabulary: its fields, languages and id rule
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Plain C, part of the ms_index library. Everything that names a field
 * reads the one table below: the shim (terms, query prefixes, facets),
 * the server (request parameters, result JSON, GET /schema), the
 * indexer's metadata loader (keys and their checks) and, through
 * GET /schema, the search page. Adding a filter field is one row here,
 * plus its tests and docs (docs/architecture.md, "Add a field").
 *
 * Dates follow the one rule of ms_date.h (common/).
 */
#ifndef MS_SCHEMA_H
#define MS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a field's values come from. */
typedef enum ms_field_source {
    MS_FIELD_FROM_META = 0, /* the document's metadata fields of this name */
    MS_FIELD_FROM_LANGUAGE, /* ms_document_t.language (a field of the name is stored only)
                             */
    MS_FIELD_FROM_YEAR,     /* the year of ms_document_t.date (likewise) */
    MS_FIELD_FROM_INDEX     /* written by the index itself: the time the document was
                               first indexed (a field of the name is stored only) */
} ms_field_source_t;

/* How a result (docs/api.md, the document shape) shows a field. */
typedef enum ms_field_shown {
    MS_FIELD_SHOWN_EXTRA = 0, /* under "extra", like a free field */
    MS_FIELD_SHOWN_SCALAR,    /* a key of its own: the first value, or null */
    MS_FIELD_SHOWN_LIST,      /* a key of its own: every value, or [] */
    MS_FIELD_SHOWN_NEVER      /* internal to the server: never shown */
} ms_field_shown_t;

/* Flags of a field. */
#define MS_FIELD_MULTI (1u << 0)  /* staff may give a list of values */
#define MS_FIELD_FILTER (1u << 1) /* a request parameter 'param' filters on it */
#define MS_FIELD_FACET (1u << 2)  /* its values are counted in a search's facets */
#define MS_FIELD_TEXT                                                                    \
    (1u << 4) /* its values are words of the document too, at                            \
                 the weight of a word of the body (document.cc) */
#define MS_FIELD_GENERATED                                                               \
    (1u << 3) /* written by migsearch-index, not by staff: a                             \
                 metadata key of the name is a free field */

typedef struct ms_schema_field {
    const char *name;   /* canonical: in ms_document_t.fields, filters, facets */
    const char *key;    /* another metadata key meaning the same ("countries"); NULL */
    const char *param;  /* request parameter (with MS_FIELD_FILTER) and query prefix
                           ("lang" for "lang:fr"); NULL: neither */
    const char *prefix; /* Xapian term prefix (docs/index-schema.md); NULL: stored only */
    const char *json;   /* the result key when shown SCALAR or LIST; NULL otherwise */
    const char *label;  /* what people read: "Implementation status"; NULL: internal */
    ms_field_source_t source;
    ms_field_shown_t shown;
    unsigned flags;            /* MS_FIELD_* */
    const char *const *values; /* the values staff may give, NULL-terminated; NULL: any */
} ms_schema_field_t;

/* The fields, in the order the page shows its filters. Defined alone in
 * fields.c, so that a test program can link a table of its own. */
extern const ms_schema_field_t ms_schema_fields[];
extern const size_t ms_schema_n_fields;

/* The field called 'name' (canonical), or NULL. */
const ms_schema_field_t *ms_schema_field(const char *name);

/* The field whose request parameter and query prefix is 'param', or NULL. */
const ms_schema_field_t *ms_schema_param(const char *param);

/* The field a metadata key names: its canonical name or its other key
 * ("countries" and "country" are both country). NULL for a free key. */
const ms_schema_field_t *ms_schema_key(const char *key);

/* true if 'value' may be given for 'field' (any value when the field has
 * no list of values). */
bool ms_schema_value_valid(const ms_schema_field_t *field, const char *value);

/* "one of a, b, c" for a field with a list of values, into 'buf'. */
const char *ms_schema_values_text(const ms_schema_field_t *field, char *buf, size_t size);

/* Term prefixes the shim writes besides the fields' own; no field prefix
 * may be a prefix of one of them or the other way round (test_schema). */
#define MS_SCHEMA_PREFIX_ID "Q"        /* the unique term of a document's id */
#define MS_SCHEMA_PREFIX_TITLE "S"     /* title words, for title: */
#define MS_SCHEMA_PREFIX_STEM "Z"      /* stems, written by Xapian */
#define MS_SCHEMA_TERM_RESTRICTED "XR" /* on every document with access groups */
#define MS_SCHEMA_PREFIX_PHRASE "XW"   /* a synonym phrase a document holds */

/* --- (country, status) pairs --- */

/* The generated field of the status each country reported: one value
 * "<country>\t<status>" per country a document concerns, written by the
 * archive layer (docs/staff.md, "Implementation status by country"). A
 * search with both a country and a status filter matches these pairs,
 * and its facets count them (docs/index-schema.md). */
#define MS_SCHEMA_PAIR_FIELD "report"
#define MS_SCHEMA_PAIR_COUNTRY "country"          /* the field of a pair's country */
#define MS_SCHEMA_PAIR_STATUS "status"            /* the field of a pair's status */
#define MS_SCHEMA_NO_INFORMATION "no information" /* a country that did not report */

/* The status of pair value 'value' ("Ghana\timplemented"): borrowed from
 * 'value', after its last tab, with *country_len the length of the
 * country before it; NULL if 'value' has no tab or an empty part. */
const char *ms_schema_pair_split(const char *value, size_t *country_len);

/* --- languages --- */

/* The writing system of a word, as far as choosing a stemmer cares. */
typedef enum ms_schema_script {
    MS_SCHEMA_SCRIPT_OTHER = 0, /* digits, punctuation, scripts of no language here */
    MS_SCHEMA_SCRIPT_LATIN,
    MS_SCHEMA_SCRIPT_CYRILLIC,
    MS_SCHEMA_SCRIPT_ARABIC,
    MS_SCHEMA_SCRIPT_HAN /* CJK ideographs */
} ms_schema_script_t;

typedef struct ms_schema_language {
    const char *code;          /* ISO 639-1, lower case */
    const char *stemmer;       /* Xapian's stemmer name; NULL: none (CJK n-grams) */
    const char *label;         /* "French" */
    ms_schema_script_t script; /* the script its words are written in */
} ms_schema_language_t;

/* The languages the index knows, and how many. */
extern const ms_schema_language_t ms_schema_languages[];
extern const size_t ms_schema_n_languages;

/* The language whose code is exactly 'code', ASCII case ignored ("FR" is
 * fr, "fr-FR" is none), or NULL. */
const ms_schema_language_t *ms_schema_language(const char *code);

/* The script of the first letter of the 'len' bytes of UTF-8 at 'word'
 * that belongs to one of ms_schema_script_t's scripts (Latin with its
 * accented letters, Cyrillic, Arabic with its presentation forms, CJK
 * ideographs); MS_SCHEMA_SCRIPT_OTHER when none does. Ill-formed bytes
 * are skipped. A query word in Arabic or Cyrillic is stemmed by the
 * languages of that script, not by the default language (query.cc). */
ms_schema_script_t ms_schema_script(const char *word, size_t len);

/* --- document ids --- */

/* Longest id, in bytes. */
#define MS_SCHEMA_ID_MAX 200

/* Whether 'id' can name a document: 1 to MS_SCHEMA_ID_MAX bytes of
 * well-formed UTF-8 with no whitespace (ASCII or Unicode spaces, NBSP,
 * BOM), no control characters (C0, DEL, C1), no '/' or '\', and not "."
 * or "..": an id is a term, a URL path segment and a name in logs.
 * Returns NULL if it can, else a static reason ("must not contain '/'"). */
const char *ms_schema_id_check(const char *id);

#ifdef __cplusplus
}
#endif

#endif /* MS_SCHEMA_H */
