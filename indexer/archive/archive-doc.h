/* archive-doc.h - the document model: making, completing and titling documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_archive library and its unit tests. document.c sits
 * above the metadata layers (it completes a document from a merged layer)
 * and below every format: a loader makes a document with
 * ms_archive__doc_new(), sets its body and any title its text suggests,
 * and hands it to ms_archive__doc_finish() with the merged metadata.
 */
#ifndef MS_ARCHIVE_DOC_H
#define MS_ARCHIVE_DOC_H

#include <stddef.h>

#include "archive-meta.h"
#include "ms_archive.h"

/* A new empty document for 'path', or NULL on OOM. The caller frees it
 * with ms_archive_doc_free(). */
ms_archive_doc_t *ms_archive__doc_new(const char *path);

/* Complete 'doc', whose body (and any title found in its text) is set,
 * with 'meta' (may be NULL): id (from 'meta', else derived from the path),
 * title (from 'meta', else the one found, else the file name), date,
 * language (else opts->default_language; 'opts' may be NULL) and fields,
 * then its view.
 * Returns MS_ARCHIVE_OK, MS_ARCHIVE_INVALID (the derived id is unusable)
 * or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__doc_finish(ms_archive_doc_t *doc,
                                           const ms_archive_meta_t *meta,
                                           const ms_archive_options_t *opts,
                                           ms_archive_error_t *err);

/* Give the merged metadata 'meta' of a document its (country, status)
 * pairs (pairs.c, the one rule for every format): entry
 * MS_SCHEMA_PAIR_FIELD gets "<country>\t<status>" for each country the
 * document concerns, and a recommendation's statuses become exactly the
 * distinct statuses of its pairs. Returns MS_ARCHIVE_OK or
 * MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__pairs_apply(ms_archive_meta_t *meta);

/* A copy of 'len' bytes of 's' trimmed of blanks and cut to a title's
 * length (200 bytes) on a character boundary; "" if all blank. Caller
 * frees; NULL on OOM. */
char *ms_archive__title_from(const char *s, size_t len);

/* The first line of 'len' bytes of 'text' with more than blanks on it,
 * as a title (ms_archive__title_from), in *out; NULL if there is none.
 * Returns MS_ARCHIVE_OK or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive__first_line_title(char **out, const char *text,
                                                 size_t len);

/* A title from the first sentence of 'len' bytes of 'text' (sentence.c):
 * white space collapsed, without its final full stop, cut at a word to at
 * most 'max_chars' characters plus an ellipsis. Caller frees; NULL on
 * OOM. */
char *ms_archive__sentence_title(const char *text, size_t len, size_t max_chars);

/* Derive the id of the file at 'path' (relative to the archive root):
 * the path without its extension, '/' replaced by '.', and whitespace,
 * control bytes and ?#%"'<>\ replaced by '-', and a byte that is part of
 * no UTF-8 character (a name that is not UTF-8) by "~XX", its value in
 * hex. Other characters, non-ASCII letters included, are kept.
 * *out is owned by the caller (free()). Returns MS_ARCHIVE_OK,
 * MS_ARCHIVE_INVALID (the id would be empty or over MS_SCHEMA_ID_MAX
 * bytes) or MS_ARCHIVE_NOMEM. */
ms_archive_status_t ms_archive_id_derive(char **out, const char *path);

#endif /* MS_ARCHIVE_DOC_H */
