/* fixtures.h - generators for test documents: PDF, DOCX, ODT, zip bombs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Binary fixtures are generated at test time (and, for the sample
 * archive, by tools/mksample.c) rather than committed, so that every byte
 * of them is explained by code in this file. Every function returns 0 on
 * success and -1 on failure (errno or libzip's error is not kept: a test
 * only needs to know that the fixture could not be written).
 */
#ifndef MS_FIXTURES_H
#define MS_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

/* A PDF written by hand: Helvetica, WinAnsi text, one content stream per
 * page. Page text is UTF-8 with '\n' between lines; long lines wrap at
 * 90 columns; characters outside WinAnsi become '?', but for the
 * ligatures U+FB00 to U+FB04 (ﬀ ﬁ ﬂ ﬃ ﬄ), which are drawn as a typesetter
 * draws them: the glyphs /ff /fi /fl /ffi /ffl of the font's encoding,
 * whose ToUnicode CMap maps them back to U+FB00 to U+FB04. An empty page
 * gets a drawn line and no text, like a scan. */
typedef struct ms_fixture_pdf {
    const char *title;         /* /Info /Title (UTF-16BE in the file); NULL: none */
    const char *subject;       /* /Info /Subject; NULL: none */
    const char *creation_date; /* /Info /CreationDate, e.g. "D:20031020090000Z" */
    const char *const *pages;
    size_t n_pages;
} ms_fixture_pdf_t;

int ms_fixture_write_pdf(const char *path, const ms_fixture_pdf_t *pdf);

/* A one-page PDF whose content draws form XObjects nested 'levels' deep,
 * each drawing the next 'fan_out' times: fan_out^levels line drawings.
 * Small on disk, and it takes poppler minutes to walk. */
int ms_fixture_write_slow_pdf(const char *path, unsigned levels, unsigned fan_out);

/* Write 'length' bytes (length 0: strlen(data)). */
int ms_fixture_write_file(const char *path, const char *data, size_t length);

/* Copy the first 'length' bytes of one file to another. */
int ms_fixture_truncate_copy(const char *from, const char *to, size_t length);

/* One zip entry. 'length' 0 means strlen(data). 'store' writes it
 * uncompressed (as ODF requires for "mimetype"). */
typedef struct ms_fixture_entry {
    const char *name;
    const char *data;
    size_t length;
    int store;
} ms_fixture_entry_t;

int ms_fixture_write_zip(const char *path, const ms_fixture_entry_t *entries, size_t n);

/* Paragraphs to XML. A paragraph starting with "# " is a heading; '\t'
 * in a paragraph is a tab. Text is XML-escaped here. The result is
 * malloc()ed (caller frees) or NULL. */
char *ms_fixture_docx_document(const char *const *paragraphs, size_t n);
char *ms_fixture_odt_content(const char *const *paragraphs, size_t n);

/* docProps/core.xml and meta.xml; any argument may be NULL. 'created' is
 * an ISO 8601 date-time. malloc()ed or NULL. */
char *ms_fixture_docx_core(const char *title, const char *subject, const char *created,
                           const char *language);
char *ms_fixture_odt_meta(const char *title, const char *description, const char *created,
                          const char *language);

/* A DOCX (with [Content_Types].xml and _rels/.rels) around the given
 * word/document.xml and docProps/core.xml (NULL: none). */
int ms_fixture_write_docx(const char *path, const char *document_xml,
                          const char *core_xml);

/* An ODT: mimetype (stored, first), content.xml, meta.xml (NULL: none),
 * META-INF/manifest.xml. 'mimetype' NULL means the right one. */
int ms_fixture_write_odt(const char *path, const char *content_xml, const char *meta_xml,
                         const char *mimetype);

/* A DOCX-looking zip whose word/document.xml holds 'size' bytes, streamed
 * through a zip_source_function (never held in memory): zeros, or
 * pseudo-random letters if 'random' (about 1.3:1 compressible). If
 * 'declared_size' is not 0 the entry's size is then overwritten with it
 * in both the local and the central header, so the archive lies. */
int ms_fixture_write_zip_bomb(const char *path, uint64_t size, int random,
                              uint64_t declared_size);

#endif /* MS_FIXTURES_H */
