/* extract_zip.c - DOCX and ODT to text: libzip for the container, libxml2 for the XML
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Both formats are zip archives of XML parts. A zip is the classic bomb:
 * a few kilobytes that inflate to gigabytes. Defences, in order:
 *   - at most MAX_ENTRIES entries in the archive;
 *   - an entry whose declared size exceeds the cap (64 MiB, or a quarter
 *     of the memory limit if that is smaller) is refused before reading;
 *   - an entry declaring more than 200 times its compressed size, once
 *     that is over 1 MiB, is refused;
 *   - the entry is then inflated in chunks and the same two checks are
 *     made on what actually comes out, because the sizes in the header are
 *     whatever the file's author wrote there.
 * The sandbox's memory limit stays the last line of defence.
 *
 * The XML parts are read with libxml2's streaming reader, with network
 * access off and without entity substitution or DTD loading: a part that
 * declares entities gets them as unexpanded references, which are
 * skipped, so neither an external entity nor a "billion laughs" reaches
 * the text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "extract-private.h"

#define MAX_ENTRIES 10000
#define ENTRY_CAP (64 * 1024 * 1024)
#define RATIO_FLOOR (1024 * 1024)
#define MAX_RATIO 200
#define MAX_SPACES 1000

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"

#define ODT_MIMETYPE "application/vnd.oasis.opendocument.text"

static size_t
entry_cap(const ms_extract__job_t *job)
{
    size_t cap = ENTRY_CAP;

    if (job->limits->memory_bytes && job->limits->memory_bytes / 4 < cap)
        cap = job->limits->memory_bytes / 4;
    return cap;
}

static void
format_size(char *out, size_t size, size_t bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        snprintf(out, size, "%zu MiB", bytes / (1024 * 1024));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(out, size, "%zu KiB", bytes / 1024);
    else
        snprintf(out, size, "%zu bytes", bytes);
}

static ms_extract_status_t
too_big(ms_extract__job_t *job, const char *name, size_t cap)
{
    char text[32];

    format_size(text, sizeof(text), cap);
    return ms_extract__fail(job, MS_EXTRACT_INVALID, "zip entry %s expands beyond %s",
                            name, text);
}

static ms_extract_status_t
too_compressed(ms_extract__job_t *job, const char *name)
{
    return ms_extract__fail(job, MS_EXTRACT_INVALID,
                            "zip entry %s has a compression ratio above %d:1", name,
                            MAX_RATIO);
}

static int
ratio_too_high(zip_uint64_t size, zip_uint64_t compressed)
{
    return size > RATIO_FLOOR && size / MAX_RATIO > compressed;
}

/* Open the archive on job->fd. libzip takes the descriptor. */
static ms_extract_status_t
open_archive(ms_extract__job_t *job, const char *what, zip_t **out)
{
    zip_error_t error;
    zip_int64_t entries;
    int code = 0;

    *out = zip_fdopen(job->fd, 0, &code);
    if (!*out) {
        if (code == ZIP_ER_NOZIP)
            return ms_extract__fail(job, MS_EXTRACT_INVALID, "%s is not a zip archive",
                                    what);
        if (code == ZIP_ER_MEMORY)
            return MS_EXTRACT_NOMEM;
        zip_error_init_with_code(&error, code);
        ms_extract__fail(job, MS_EXTRACT_INVALID, "%s is not a valid zip archive: %s",
                         what, zip_error_strerror(&error));
        zip_error_fini(&error);
        return MS_EXTRACT_INVALID;
    }
    job->fd = -1;
    entries = zip_get_num_entries(*out, 0);
    if (entries > MAX_ENTRIES)
        return ms_extract__fail(job, MS_EXTRACT_INVALID,
                                "zip archive has too many entries (%lld)",
                                (long long)entries);
    return MS_EXTRACT_OK;
}

/* Inflate entry 'name' into a malloc()ed, NUL-terminated buffer (see the
 * file comment for the checks). A missing entry leaves *out NULL and
 * returns MS_EXTRACT_OK. */
static ms_extract_status_t
read_entry(ms_extract__job_t *job, zip_t *archive, const char *name, char **out,
           size_t *out_length)
{
    ms_extract_status_t status = MS_EXTRACT_OK;
    ms_buf_t buffer = MS_BUF_INIT;
    size_t cap = entry_cap(job);
    zip_uint64_t compressed = 0;
    zip_file_t *file = NULL;
    zip_stat_t st;
    zip_int64_t index;
    char chunk[65536];

    *out = NULL;
    *out_length = 0;
    index = zip_name_locate(archive, name, 0);
    if (index < 0)
        return MS_EXTRACT_OK;
    zip_stat_init(&st);
    if (zip_stat_index(archive, (zip_uint64_t)index, 0, &st) < 0) {
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "zip entry %s: %s", name,
                                  zip_strerror(archive));
        goto out;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
        status = too_big(job, name, cap);
        goto out;
    }
    if (st.valid & ZIP_STAT_COMP_SIZE) {
        compressed = st.comp_size;
        if ((st.valid & ZIP_STAT_SIZE) && ratio_too_high(st.size, compressed)) {
            status = too_compressed(job, name);
            goto out;
        }
    }
    file = zip_fopen_index(archive, (zip_uint64_t)index, 0);
    if (!file) {
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "zip entry %s: %s", name,
                                  zip_strerror(archive));
        goto out;
    }
    buffer.limit = cap;
    for (;;) {
        zip_int64_t n = zip_fread(file, chunk, sizeof(chunk));

        if (n < 0) {
            status =
                ms_extract__fail(job, MS_EXTRACT_INVALID, "zip entry %s is corrupt: %s",
                                 name, zip_file_strerror(file));
            goto out;
        }
        if (n == 0)
            break;
        status = ms_extract__text_append(&buffer, chunk, (size_t)n);
        if (status == MS_EXTRACT_LIMIT) {
            status = too_big(job, name, cap);
            goto out;
        }
        if (status != MS_EXTRACT_OK)
            goto out;
        if ((st.valid & ZIP_STAT_COMP_SIZE) && ratio_too_high(buffer.len, compressed)) {
            status = too_compressed(job, name);
            goto out;
        }
    }
    *out = ms_buf_take(&buffer, out_length);
    if (!*out)
        status = MS_EXTRACT_NOMEM;
out:
    if (file)
        zip_fclose(file);
    ms_buf_free(&buffer);
    return status;
}

/* ---- XML --------------------------------------------------------------- */

static void
ignore_errors(void *arg, const char *msg, xmlParserSeverities severity,
              xmlTextReaderLocatorPtr locator)
{
    (void)arg;
    (void)msg;
    (void)severity;
    (void)locator;
}

static xmlTextReaderPtr
open_reader(const char *xml, size_t length, const char *name)
{
    xmlTextReaderPtr reader;

    if (length > INT32_MAX)
        return NULL;
    reader =
        xmlReaderForMemory(xml, (int)length, name, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (reader)
        xmlTextReaderSetErrorHandler(reader, ignore_errors, NULL);
    return reader;
}

static ms_extract_status_t
not_well_formed(ms_extract__job_t *job, const char *name)
{
    xmlErrorPtr error = xmlGetLastError();

    if (error && error->code == XML_ERR_NO_MEMORY)
        return MS_EXTRACT_NOMEM;
    if (error && error->message) {
        int n = (int)strcspn(error->message, "\n");

        return ms_extract__fail(job, MS_EXTRACT_INVALID,
                                "%s is not well-formed XML: line %d: %.*s", name,
                                error->line, n > 100 ? 100 : n, error->message);
    }
    return ms_extract__fail(job, MS_EXTRACT_INVALID, "%s is not well-formed XML", name);
}

static int
is(xmlTextReaderPtr reader, const char *ns, const char *local)
{
    const xmlChar *uri = xmlTextReaderConstNamespaceUri(reader);
    const xmlChar *name = xmlTextReaderConstLocalName(reader);

    return uri && name && strcmp((const char *)uri, ns) == 0 &&
           strcmp((const char *)name, local) == 0;
}

/* Called with the reader on each node of a part, in document order. */
typedef ms_extract_status_t (*node_fn)(ms_extract__job_t *job, xmlTextReaderPtr reader,
                                       void *state);

/* Stream the XML part 'name' ('length' bytes of 'xml') node by node
 * through 'fn'. With 'strict', a part that is not well-formed is an error;
 * else what could be read is kept (a broken metadata part only means
 * less metadata). */
static ms_extract_status_t
stream(ms_extract__job_t *job, const char *xml, size_t length, const char *name,
       bool strict, node_fn fn, void *state)
{
    xmlTextReaderPtr reader = open_reader(xml, length, name);
    ms_extract_status_t status = MS_EXTRACT_OK;
    int rc = 1;

    if (!reader)
        return strict ? MS_EXTRACT_NOMEM : MS_EXTRACT_OK;
    while (status == MS_EXTRACT_OK && (rc = xmlTextReaderRead(reader)) == 1)
        status = fn(job, reader, state);
    if (status == MS_EXTRACT_OK && rc < 0 && strict)
        status = not_well_formed(job, name);
    xmlFreeTextReader(reader);
    return status;
}

/* Stream part 'name' of 'archive' through 'fn'. A part that gives the
 * text is required (missing: the error 'missing') and read strictly; a
 * metadata part ('missing' NULL) may be absent or broken. */
static ms_extract_status_t
read_part(ms_extract__job_t *job, zip_t *archive, const char *name, const char *missing,
          node_fn fn, void *state)
{
    char *xml = NULL;
    size_t length;
    ms_extract_status_t status = read_entry(job, archive, name, &xml, &length);

    if (status == MS_EXTRACT_OK && !xml && missing)
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "%s", missing);
    else if (status == MS_EXTRACT_OK && xml)
        status = stream(job, xml, length, name, missing != NULL, fn, state);
    free(xml);
    return status;
}

/* ---- metadata ------------------------------------------------------------ */

/* One metadata element to look for in core.xml or meta.xml. */
typedef struct wanted {
    const char *ns, *local;
    char **slot;
    int date;
} wanted_t;

/* The elements a metadata part is searched for. */
typedef struct wanted_set {
    wanted_t *wanted;
    size_t n;
} wanted_set_t;

/* Fill each wanted slot from the first element of that name that has
 * text. */
static ms_extract_status_t
metadata_node(ms_extract__job_t *job, xmlTextReaderPtr reader, void *state)
{
    wanted_set_t *set = state;
    int nomem = 0;

    (void)job;
    if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT)
        return MS_EXTRACT_OK;
    for (size_t i = 0; i < set->n; i++) {
        wanted_t *w = &set->wanted[i];
        xmlChar *value;

        if (*w->slot || !is(reader, w->ns, w->local))
            continue;
        value = xmlTextReaderReadString(reader);
        if (value) {
            *w->slot = w->date ? ms_extract__iso_date((const char *)value, &nomem)
                               : ms_extract__field((const char *)value,
                                                   strlen((const char *)value), &nomem);
            xmlFree(value);
        }
        break;
    }
    return nomem ? MS_EXTRACT_NOMEM : MS_EXTRACT_OK;
}

/* ---- DOCX ---------------------------------------------------------------- */

static bool
is_text(int type)
{
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* Text of word/document.xml: w:t runs, w:tab, w:br/w:cr, one line per
 * w:p. Deleted text (w:delText) and field codes (w:instrText) are not
 * w:t and so are left out. 'state' says whether the reader is in a w:t. */
static ms_extract_status_t
docx_node(ms_extract__job_t *job, xmlTextReaderPtr reader, void *state)
{
    bool *in_t = state;
    int type = xmlTextReaderNodeType(reader);
    const xmlChar *value;

    if (type == XML_READER_TYPE_ELEMENT) {
        if (is(reader, NS_W, "t"))
            *in_t = !xmlTextReaderIsEmptyElement(reader);
        else if (is(reader, NS_W, "tab"))
            return ms_extract__text_putc(&job->text, '\t');
        else if (is(reader, NS_W, "br") || is(reader, NS_W, "cr"))
            return ms_extract__text_putc(&job->text, '\n');
        else if (is(reader, NS_W, "p") && xmlTextReaderIsEmptyElement(reader))
            return ms_extract__text_putc(&job->text, '\n');
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
        if (is(reader, NS_W, "t"))
            *in_t = false;
        else if (is(reader, NS_W, "p"))
            return ms_extract__text_putc(&job->text, '\n');
    } else if (*in_t && (is_text(type) || type == XML_READER_TYPE_WHITESPACE) &&
               (value = xmlTextReaderConstValue(reader)) != NULL) {
        return ms_extract__text_append(&job->text, (const char *)value,
                                       strlen((const char *)value));
    }
    return MS_EXTRACT_OK;
}

ms_extract_status_t
ms_extract__docx(ms_extract__job_t *job)
{
    ms_extract_result_t *r = job->result;
    char *subject = NULL, *description = NULL;
    wanted_t wanted[] = {
        {NS_DC, "title", &r->title, 0},          {NS_DC, "subject", &subject, 0},
        {NS_DC, "description", &description, 0}, {NS_DCTERMS, "created", &r->date, 1},
        {NS_DC, "language", &r->language, 0},
    };
    wanted_set_t set = {wanted, sizeof(wanted) / sizeof(wanted[0])};
    zip_t *archive = NULL;
    bool in_t = false;
    ms_extract_status_t status;

    xmlInitParser();
    status = open_archive(job, "DOCX", &archive);
    if (status == MS_EXTRACT_OK)
        status = read_part(job, archive, "word/document.xml",
                           "not a DOCX: the zip archive has no word/document.xml",
                           docx_node, &in_t);
    if (status == MS_EXTRACT_OK)
        status = read_part(job, archive, "docProps/core.xml", NULL, metadata_node, &set);
    if (status == MS_EXTRACT_OK) {
        r->description = subject ? subject : description;
        if (subject)
            subject = NULL;
        else
            description = NULL;
    }
    if (archive)
        zip_discard(archive);
    free(subject);
    free(description);
    return status;
}

/* ---- ODT ----------------------------------------------------------------- */

/* Where the reader is in content.xml. */
typedef struct odt_state {
    bool in_body;     /* inside office:text */
    int in_paragraph; /* depth of text:p and text:h */
    int skip_depth;   /* inside a tracked change or comment at this depth; -1: not */
} odt_state_t;

/* Append ODF character data: whitespace runs collapse to one space
 * (ODF 1.2, 6.1.2); text:s and text:tab carry the deliberate ones. */
static ms_extract_status_t
odt_characters(ms_buf_t *text, const char *s)
{
    ms_extract_status_t status = MS_EXTRACT_OK;

    for (; *s && status == MS_EXTRACT_OK; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            status = ms_extract__text_space(text);
        else
            status = ms_extract__text_putc(text, *s);
    }
    return status;
}

/* An element start inside office:text. */
static ms_extract_status_t
odt_element(ms_extract__job_t *job, xmlTextReaderPtr reader, odt_state_t *st)
{
    ms_extract_status_t status = MS_EXTRACT_OK;
    int empty = xmlTextReaderIsEmptyElement(reader);

    if (is(reader, NS_TEXT, "tracked-changes") || is(reader, NS_OFFICE, "annotation")) {
        if (!empty)
            st->skip_depth = xmlTextReaderDepth(reader);
    } else if (is(reader, NS_TEXT, "p") || is(reader, NS_TEXT, "h")) {
        if (empty)
            status = ms_extract__text_putc(&job->text, '\n');
        else
            st->in_paragraph++;
    } else if (is(reader, NS_TEXT, "s")) {
        xmlChar *count = xmlTextReaderGetAttributeNs(reader, (const xmlChar *)"c",
                                                     (const xmlChar *)NS_TEXT);
        int n = count ? atoi((const char *)count) : 1;

        xmlFree(count);
        for (n = n < 1            ? 1
                 : n > MAX_SPACES ? MAX_SPACES
                                  : n;
             n > 0 && status == MS_EXTRACT_OK; n--)
            status = ms_extract__text_putc(&job->text, ' ');
    } else if (is(reader, NS_TEXT, "tab")) {
        status = ms_extract__text_putc(&job->text, '\t');
    } else if (is(reader, NS_TEXT, "line-break")) {
        status = ms_extract__text_putc(&job->text, '\n');
    }
    return status;
}

/* Text of content.xml: paragraphs and headings inside office:text, with
 * spans, links, text:s, text:tab and text:line-break. Tracked deletions
 * and comments are skipped. */
static ms_extract_status_t
odt_node(ms_extract__job_t *job, xmlTextReaderPtr reader, void *state)
{
    odt_state_t *st = state;
    int type = xmlTextReaderNodeType(reader);
    const xmlChar *value;

    if (st->skip_depth >= 0) {
        if (type == XML_READER_TYPE_END_ELEMENT &&
            xmlTextReaderDepth(reader) == st->skip_depth)
            st->skip_depth = -1;
    } else if (is(reader, NS_OFFICE, "text")) {
        st->in_body =
            type == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(reader);
    } else if (!st->in_body) {
        return MS_EXTRACT_OK;
    } else if (type == XML_READER_TYPE_ELEMENT) {
        return odt_element(job, reader, st);
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
        if (is(reader, NS_TEXT, "p") || is(reader, NS_TEXT, "h")) {
            st->in_paragraph--;
            return ms_extract__text_putc(&job->text, '\n');
        }
    } else if (st->in_paragraph > 0 && is_text(type) &&
               (value = xmlTextReaderConstValue(reader)) != NULL) {
        return odt_characters(&job->text, (const char *)value);
    }
    return MS_EXTRACT_OK;
}

/* Whether the zip's "mimetype" entry says OpenDocument text. */
static ms_extract_status_t
odt_mimetype(ms_extract__job_t *job, zip_t *archive)
{
    char *data = NULL;
    size_t length;
    ms_extract_status_t status = read_entry(job, archive, "mimetype", &data, &length);

    while (
        data && length > 0 &&
        (data[length - 1] == '\n' || data[length - 1] == '\r' || data[length - 1] == ' '))
        length--;
    if (status == MS_EXTRACT_OK && (!data || length != strlen(ODT_MIMETYPE) ||
                                    memcmp(data, ODT_MIMETYPE, length) != 0))
        status = ms_extract__fail(job, MS_EXTRACT_INVALID,
                                  "not an OpenDocument text: mimetype is not %s",
                                  ODT_MIMETYPE);
    free(data);
    return status;
}

ms_extract_status_t
ms_extract__odt(ms_extract__job_t *job)
{
    ms_extract_result_t *r = job->result;
    char *subject = NULL;
    wanted_t wanted[] = {
        {NS_DC, "title", &r->title, 0},       {NS_DC, "description", &r->description, 0},
        {NS_DC, "subject", &subject, 0},      {NS_META, "creation-date", &r->date, 1},
        {NS_DC, "language", &r->language, 0},
    };
    wanted_set_t set = {wanted, sizeof(wanted) / sizeof(wanted[0])};
    odt_state_t state = {false, 0, -1};
    zip_t *archive = NULL;
    ms_extract_status_t status;

    xmlInitParser();
    status = open_archive(job, "ODT", &archive);
    if (status == MS_EXTRACT_OK)
        status = odt_mimetype(job, archive);
    if (status == MS_EXTRACT_OK)
        status = read_part(job, archive, "content.xml", "ODT has no content.xml",
                           odt_node, &state);
    if (status == MS_EXTRACT_OK)
        status = read_part(job, archive, "meta.xml", NULL, metadata_node, &set);
    if (status == MS_EXTRACT_OK && !r->description) {
        r->description = subject;
        subject = NULL;
    }
    if (archive)
        zip_discard(archive);
    free(subject);
    return status;
}
