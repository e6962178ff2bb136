/* fixtures.c - generators for test documents: PDF, DOCX, ODT, zip bombs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The PDF writer emits PDF 1.4 objects one by one, remembers the byte
 * offset of each and writes the cross-reference table from those offsets,
 * so poppler reads the file without having to repair it. Strings in page
 * content are WinAnsi (the encoding declared for Helvetica), written with
 * octal escapes so the file stays ASCII.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "fixtures.h"

#define MAX_OBJECTS 64
#define WRAP_COLUMNS 90
#define LINES_PER_PAGE 52
/* Zip entries are dated 2004-01-01 00:00 UTC, so output is reproducible. */
#define FIXED_MTIME ((time_t)1072915200)

/* ---- small helpers ------------------------------------------------------ */

typedef struct strbuf {
    char *data;
    size_t length, capacity;
    int failed;
} strbuf_t;

static void
sb_add(strbuf_t *sb, const char *s, size_t n)
{
    if (sb->failed)
        return;
    if (sb->length + n + 1 > sb->capacity) {
        size_t capacity = sb->capacity ? sb->capacity : 1024;
        char *grown;

        while (sb->length + n + 1 > capacity)
            capacity *= 2;
        grown = realloc(sb->data, capacity);
        if (!grown) {
            sb->failed = 1;
            return;
        }
        sb->data = grown;
        sb->capacity = capacity;
    }
    memcpy(sb->data + sb->length, s, n);
    sb->length += n;
    sb->data[sb->length] = '\0';
}

static void
sb_puts(strbuf_t *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

static void sb_printf(strbuf_t *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(strbuf_t *sb, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        sb->failed = 1;
        return;
    }
    sb_add(sb, line, (size_t)n);
}

static char *
sb_finish(strbuf_t *sb)
{
    if (sb->failed) {
        free(sb->data);
        return NULL;
    }
    return sb->data;
}

/* Next code point of UTF-8 text (no validation beyond what a fixture
 * needs: the text is ours). */
static unsigned long
next_code_point(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned long cp;
    int extra;

    if (p[0] < 0x80) {
        cp = p[0];
        extra = 0;
    } else if (p[0] < 0xe0) {
        cp = p[0] & 0x1f;
        extra = 1;
    } else if (p[0] < 0xf0) {
        cp = p[0] & 0x0f;
        extra = 2;
    } else {
        cp = p[0] & 0x07;
        extra = 3;
    }
    p++;
    while (extra-- > 0 && (*p & 0xc0) == 0x80)
        cp = (cp << 6) | (*p++ & 0x3f);
    *s = (const char *)p;
    return cp;
}

static int
winansi(unsigned long cp)
{
    static const struct {
        unsigned long cp;
        int byte;
    } table[] = {
        {0x20ac, 0x80}, {0x2026, 0x85}, {0x2018, 0x91}, {0x2019, 0x92},
        {0x201c, 0x93}, {0x201d, 0x94}, {0x2022, 0x95}, {0x2013, 0x96},
        {0x2014, 0x97}, {0x0152, 0x8c}, {0x0153, 0x9c},
    };
    size_t i;

    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff))
        return (int)cp;
    /* The ligatures ff, fi, fl, ffi, ffl: codes 1 to 5 of the font's
     * /Differences (ms_fixture_write_pdf). */
    if (cp >= 0xfb00 && cp <= 0xfb04)
        return 1 + (int)(cp - 0xfb00);
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].cp == cp)
            return table[i].byte;
    }
    return '?';
}

/* A PDF literal string of 'n' bytes of UTF-8 text, in WinAnsi. */
static void
pdf_string(strbuf_t *sb, const char *s, size_t n)
{
    const char *end = s + n;

    sb_puts(sb, "(");
    while (s < end) {
        int byte = winansi(next_code_point(&s));

        if (byte == '(' || byte == ')' || byte == '\\')
            sb_printf(sb, "\\%c", byte);
        else if (byte < 0x20 || byte >= 0x7f)
            sb_printf(sb, "\\%03o", byte);
        else
            sb_printf(sb, "%c", byte);
    }
    sb_puts(sb, ")");
}

/* A PDF text string in UTF-16BE with a byte order mark, as hex. */
static void
pdf_text_string(strbuf_t *sb, const char *s)
{
    sb_puts(sb, "<FEFF");
    while (*s) {
        unsigned long cp = next_code_point(&s);

        if (cp >= 0x10000) {
            cp -= 0x10000;
            sb_printf(sb, "%04lX%04lX", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else {
            sb_printf(sb, "%04lX", cp);
        }
    }
    sb_puts(sb, ">");
}

/* Number of bytes of 's' (up to a newline) that fit in 'columns'
 * characters, breaking at a space when the line is longer. */
static size_t
wrap(const char *s, size_t columns, size_t *skip)
{
    size_t bytes = 0, chars = 0, last_space = 0;

    *skip = 0;
    while (s[bytes] && s[bytes] != '\n') {
        if (chars == columns) {
            if (last_space) {
                *skip = 1;
                return last_space;
            }
            return bytes;
        }
        if (s[bytes] == ' ')
            last_space = bytes;
        bytes++;
        while ((s[bytes] & 0xc0) == 0x80)
            bytes++;
        chars++;
    }
    if (s[bytes] == '\n')
        *skip = 1;
    return bytes;
}

static char *
page_content(const char *text)
{
    strbuf_t sb = {0};
    int lines = 0;

    if (!*text) {
        sb_puts(&sb, "0.5 w 72 700 m 540 100 l S\n");
        return sb_finish(&sb);
    }
    sb_puts(&sb, "BT\n/F1 11 Tf\n14 TL\n72 760 Td\n");
    while (*text && lines < LINES_PER_PAGE) {
        size_t skip, n = wrap(text, WRAP_COLUMNS, &skip);

        pdf_string(&sb, text, n);
        sb_puts(&sb, " Tj T*\n");
        text += n + skip;
        lines++;
    }
    sb_puts(&sb, "ET\n");
    return sb_finish(&sb);
}

/* ---- PDF ---------------------------------------------------------------- */

typedef struct pdf_writer {
    FILE *f;
    long offsets[MAX_OBJECTS + 1];
    int n_objects;
} pdf_writer_t;

static void
pdf_begin_object(pdf_writer_t *w, int number)
{
    w->offsets[number] = ftell(w->f);
    if (number > w->n_objects)
        w->n_objects = number;
    fprintf(w->f, "%d 0 obj\n", number);
}

static void
pdf_stream_object(pdf_writer_t *w, int number, const char *dictionary, const char *data)
{
    pdf_begin_object(w, number);
    fprintf(w->f, "<< %s /Length %zu >>\nstream\n", dictionary, strlen(data));
    fputs(data, w->f);
    fputs("\nendstream\nendobj\n", w->f);
}

static int
pdf_finish(pdf_writer_t *w, int root, int info)
{
    long xref = ftell(w->f);
    int i;

    fprintf(w->f, "xref\n0 %d\n0000000000 65535 f \n", w->n_objects + 1);
    for (i = 1; i <= w->n_objects; i++)
        fprintf(w->f, "%010ld 00000 n \n", w->offsets[i]);
    fprintf(w->f, "trailer\n<< /Size %d /Root %d 0 R", w->n_objects + 1, root);
    if (info)
        fprintf(w->f, " /Info %d 0 R", info);
    fprintf(w->f, " >>\nstartxref\n%ld\n%%%%EOF\n", xref);
    return ferror(w->f) ? -1 : 0;
}

/* Whether a page of 'pdf' holds a ligature U+FB00 to U+FB04 (UTF-8 EF AC
 * 80 to 84). */
static int
has_ligature(const ms_fixture_pdf_t *pdf)
{
    for (size_t i = 0; i < pdf->n_pages; i++) {
        for (const char *at = pdf->pages[i]; (at = strstr(at, "\xef\xac")) != NULL;
             at++) {
            if ((unsigned char)at[2] >= 0x80 && (unsigned char)at[2] <= 0x84)
                return 1;
        }
    }
    return 0;
}

/* The ToUnicode CMap of the ligature glyphs (codes 1 to 5), as a font
 * whose "fi" glyph a typesetter draws says what it stands for. */
static const char ligature_cmap[] =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
    "5 beginbfchar\n<01> <FB00>\n<02> <FB01>\n<03> <FB02>\n<04> <FB03>\n<05> <FB04>\n"
    "endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend";

int
ms_fixture_write_pdf(const char *path, const ms_fixture_pdf_t *pdf)
{
    pdf_writer_t w = {0};
    strbuf_t kids = {0}, info = {0};
    size_t i;
    int rc = -1, info_object = 0;
    /* Objects: 1 catalog, 2 pages, 3 font, 4 info, then page/content
     * pairs, then with ligatures the font's ToUnicode CMap. */
    int first_page = 5, ligatures = has_ligature(pdf);
    int cmap = first_page + 2 * (int)pdf->n_pages;

    if (pdf->n_pages == 0 || cmap + ligatures > MAX_OBJECTS)
        return -1;
    w.f = fopen(path, "wb");
    if (!w.f)
        return -1;
    fputs("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", w.f);

    pdf_begin_object(&w, 1);
    fputs("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", w.f);
    for (i = 0; i < pdf->n_pages; i++)
        sb_printf(&kids, "%d 0 R ", first_page + 2 * (int)i);
    if (kids.failed)
        goto out;
    pdf_begin_object(&w, 2);
    fprintf(w.f, "<< /Type /Pages /Kids [ %s] /Count %zu >>\nendobj\n", kids.data,
            pdf->n_pages);
    pdf_begin_object(&w, 3);
    if (ligatures)
        fprintf(
            w.f,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding"
            " << /Type /Encoding /BaseEncoding /WinAnsiEncoding"
            " /Differences [1 /ff /fi /fl /ffi /ffl] >> /ToUnicode %d 0 R >>\nendobj\n",
            cmap);
    else
        fputs("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
              " /Encoding /WinAnsiEncoding >>\nendobj\n",
              w.f);

    sb_puts(&info, "<< /Producer (migsearch test fixtures)");
    if (pdf->title) {
        sb_puts(&info, " /Title ");
        pdf_text_string(&info, pdf->title);
    }
    if (pdf->subject) {
        sb_puts(&info, " /Subject ");
        pdf_text_string(&info, pdf->subject);
    }
    if (pdf->creation_date)
        sb_printf(&info, " /CreationDate (%s)", pdf->creation_date);
    sb_puts(&info, " >>");
    if (info.failed)
        goto out;
    pdf_begin_object(&w, 4);
    fprintf(w.f, "%s\nendobj\n", info.data);
    info_object = 4;

    for (i = 0; i < pdf->n_pages; i++) {
        int page = first_page + 2 * (int)i;
        char *content = page_content(pdf->pages[i]);

        if (!content)
            goto out;
        pdf_begin_object(&w, page);
        fprintf(w.f,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
                " /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\nendobj\n",
                page + 1);
        pdf_stream_object(&w, page + 1, "", content);
        free(content);
    }
    if (ligatures)
        pdf_stream_object(&w, cmap, "", ligature_cmap);
    rc = pdf_finish(&w, 1, info_object);
out:
    if (fclose(w.f) != 0)
        rc = -1;
    free(kids.data);
    free(info.data);
    return rc;
}

int
ms_fixture_write_slow_pdf(const char *path, unsigned levels, unsigned fan_out)
{
    pdf_writer_t w = {0};
    strbuf_t sb = {0};
    unsigned level, i;
    int rc = -1;
    /* Objects: 1 catalog, 2 pages, 3 page, 4 page content, 5.. forms. */
    int first_form = 5;

    if (levels == 0 || first_form + (int)levels > MAX_OBJECTS)
        return -1;
    w.f = fopen(path, "wb");
    if (!w.f)
        return -1;
    fputs("%PDF-1.4\n", w.f);
    pdf_begin_object(&w, 1);
    fputs("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", w.f);
    pdf_begin_object(&w, 2);
    fputs("<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n", w.f);
    pdf_begin_object(&w, 3);
    fprintf(w.f,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            " /Resources << /XObject << /X %d 0 R >> >> /Contents 4 0 R >>\nendobj\n",
            first_form);
    pdf_stream_object(&w, 4, "", "/X Do");
    for (level = 0; level < levels; level++) {
        char dictionary[256];

        sb.length = 0;
        if (level + 1 < levels) {
            for (i = 0; i < fan_out; i++)
                sb_puts(&sb, "q /X Do Q\n");
            snprintf(dictionary, sizeof(dictionary),
                     "/Type /XObject /Subtype /Form /BBox [0 0 612 792]"
                     " /Resources << /XObject << /X %d 0 R >> >>",
                     first_form + (int)level + 1);
        } else {
            for (i = 0; i < fan_out; i++)
                sb_puts(&sb, "0 0 m 10 10 l S\n");
            snprintf(dictionary, sizeof(dictionary),
                     "/Type /XObject /Subtype /Form /BBox [0 0 612 792]");
        }
        if (sb.failed)
            goto out;
        pdf_stream_object(&w, first_form + (int)level, dictionary, sb.data);
    }
    rc = pdf_finish(&w, 1, 0);
out:
    if (fclose(w.f) != 0)
        rc = -1;
    free(sb.data);
    return rc;
}

int
ms_fixture_write_file(const char *path, const char *data, size_t length)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f)
        return -1;
    if (length == 0)
        length = strlen(data);
    if (length && fwrite(data, 1, length, f) != length)
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int
ms_fixture_truncate_copy(const char *from, const char *to, size_t length)
{
    FILE *in = fopen(from, "rb"), *out = NULL;
    char buffer[4096];
    int rc = -1;

    if (!in)
        return -1;
    out = fopen(to, "wb");
    if (!out)
        goto out;
    while (length > 0) {
        size_t n =
            fread(buffer, 1, length < sizeof(buffer) ? length : sizeof(buffer), in);

        if (n == 0 || fwrite(buffer, 1, n, out) != n)
            goto out;
        length -= n;
    }
    rc = 0;
out:
    if (out && fclose(out) != 0)
        rc = -1;
    fclose(in);
    return rc;
}

/* ---- zip containers ------------------------------------------------------ */

int
ms_fixture_write_zip(const char *path, const ms_fixture_entry_t *entries, size_t n)
{
    zip_t *archive;
    size_t i;
    int error = 0;

    archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive)
        return -1;
    for (i = 0; i < n; i++) {
        size_t length = entries[i].length ? entries[i].length : strlen(entries[i].data);
        zip_source_t *source = zip_source_buffer(archive, entries[i].data, length, 0);
        zip_int64_t index;

        if (!source)
            goto fail;
        index = zip_file_add(archive, entries[i].name, source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            goto fail;
        }
        if (zip_set_file_compression(archive, (zip_uint64_t)index,
                                     entries[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                     0) < 0 ||
            zip_file_set_mtime(archive, (zip_uint64_t)index, FIXED_MTIME, 0) < 0)
            goto fail;
    }
    return zip_close(archive) < 0 ? (zip_discard(archive), -1) : 0;
fail:
    zip_discard(archive);
    return -1;
}

static void
xml_escaped(strbuf_t *sb, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            sb_puts(sb, "&amp;");
            break;
        case '<':
            sb_puts(sb, "&lt;");
            break;
        case '>':
            sb_puts(sb, "&gt;");
            break;
        case '"':
            sb_puts(sb, "&quot;");
            break;
        default:
            sb_add(sb, s + i, 1);
        }
    }
}

char *
ms_fixture_docx_document(const char *const *paragraphs, size_t n)
{
    strbuf_t sb = {0};
    size_t i;

    sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                 "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                 "wordprocessingml/2006/main\"><w:body>\n");
    for (i = 0; i < n; i++) {
        const char *p = paragraphs[i];
        int heading = strncmp(p, "# ", 2) == 0;

        if (heading)
            p += 2;
        sb_puts(&sb, "<w:p>");
        if (heading)
            sb_puts(&sb, "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>");
        sb_puts(&sb, "<w:r>");
        while (*p) {
            size_t run = strcspn(p, "\t");

            if (run) {
                sb_puts(&sb, "<w:t xml:space=\"preserve\">");
                xml_escaped(&sb, p, run);
                sb_puts(&sb, "</w:t>");
            }
            p += run;
            if (*p == '\t') {
                sb_puts(&sb, "<w:tab/>");
                p++;
            }
        }
        sb_puts(&sb, "</w:r></w:p>\n");
    }
    sb_puts(&sb, "<w:sectPr/></w:body></w:document>\n");
    return sb_finish(&sb);
}

char *
ms_fixture_odt_content(const char *const *paragraphs, size_t n)
{
    strbuf_t sb = {0};
    size_t i;

    sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<office:document-content"
                 " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                 " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
                 " office:version=\"1.2\"><office:body><office:text>\n");
    for (i = 0; i < n; i++) {
        const char *p = paragraphs[i];
        int heading = strncmp(p, "# ", 2) == 0;

        if (heading) {
            p += 2;
            sb_puts(&sb, "<text:h text:outline-level=\"1\">");
        } else {
            sb_puts(&sb, "<text:p>");
        }
        while (*p) {
            size_t run = strcspn(p, "\t");

            xml_escaped(&sb, p, run);
            p += run;
            if (*p == '\t') {
                sb_puts(&sb, "<text:tab/>");
                p++;
            }
        }
        sb_puts(&sb, heading ? "</text:h>\n" : "</text:p>\n");
    }
    sb_puts(&sb, "</office:text></office:body></office:document-content>\n");
    return sb_finish(&sb);
}

static void
xml_element(strbuf_t *sb, const char *name, const char *value)
{
    if (!value)
        return;
    sb_printf(sb, "<%s>", name);
    xml_escaped(sb, value, strlen(value));
    sb_printf(sb, "</%s>", name);
}

char *
ms_fixture_docx_core(const char *title, const char *subject, const char *created,
                     const char *language)
{
    strbuf_t sb = {0};

    sb_puts(
        &sb,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/"
        "2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
        " xmlns:dcterms=\"http://purl.org/dc/terms/\""
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    xml_element(&sb, "dc:title", title);
    xml_element(&sb, "dc:subject", subject);
    xml_element(&sb, "dc:language", language);
    if (created)
        sb_printf(&sb,
                  "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>",
                  created);
    sb_puts(&sb, "</cp:coreProperties>\n");
    return sb_finish(&sb);
}

char *
ms_fixture_odt_meta(const char *title, const char *description, const char *created,
                    const char *language)
{
    strbuf_t sb = {0};

    sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<office:document-meta"
                 " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                 " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
                 " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
                 " office:version=\"1.2\"><office:meta>");
    xml_element(&sb, "dc:title", title);
    xml_element(&sb, "dc:description", description);
    xml_element(&sb, "dc:language", language);
    xml_element(&sb, "meta:creation-date", created);
    sb_puts(&sb, "</office:meta></office:document-meta>\n");
    return sb_finish(&sb);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/"
    "vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/"
    "vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>\n";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
    "2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>\n";

int
ms_fixture_write_docx(const char *path, const char *document_xml, const char *core_xml)
{
    ms_fixture_entry_t entries[] = {
        {"[Content_Types].xml", content_types, 0, 0},
        {"_rels/.rels", package_rels, 0, 0},
        {"word/document.xml", document_xml, 0, 0},
        {"docProps/core.xml", core_xml, 0, 0},
    };

    return ms_fixture_write_zip(path, entries, core_xml ? 4 : 3);
}

static const char odt_manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:manifest "
    "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
    " manifest:version=\"1.2\">"
    "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/"
    "vnd.oasis.opendocument.text\"/>"
    "<manifest:file-entry manifest:full-path=\"content.xml\" "
    "manifest:media-type=\"text/xml\"/>"
    "<manifest:file-entry manifest:full-path=\"meta.xml\" "
    "manifest:media-type=\"text/xml\"/>"
    "</manifest:manifest>\n";

int
ms_fixture_write_odt(const char *path, const char *content_xml, const char *meta_xml,
                     const char *mimetype)
{
    ms_fixture_entry_t entries[] = {
        {"mimetype", mimetype ? mimetype : "application/vnd.oasis.opendocument.text", 0,
         1},
        {"META-INF/manifest.xml", odt_manifest, 0, 0},
        {"content.xml", content_xml, 0, 0},
        {"meta.xml", meta_xml, 0, 0},
    };

    return ms_fixture_write_zip(path, entries, meta_xml ? 4 : 3);
}

/* ---- zip bombs ---------------------------------------------------------- */

typedef struct bomb_source {
    uint64_t size, position, state;
    int random;
} bomb_source_t;

static zip_int64_t
bomb_callback(void *userdata, void *data, zip_uint64_t length, zip_source_cmd_t command)
{
    bomb_source_t *b = userdata;

    switch (command) {
    case ZIP_SOURCE_OPEN:
        b->position = 0;
        b->state = 0x9e3779b97f4a7c15ULL;
        return 0;
    case ZIP_SOURCE_READ: {
        zip_uint64_t n = b->size - b->position < length ? b->size - b->position : length;
        unsigned char *out = data;
        zip_uint64_t i;

        if (!b->random) {
            memset(out, 0, (size_t)n);
        } else {
            /* xorshift64: letters, digits and spaces, enough entropy that
             * deflate gets about 1.3:1. */
            for (i = 0; i < n; i++) {
                b->state ^= b->state << 13;
                b->state ^= b->state >> 7;
                b->state ^= b->state << 17;
                out[i] = (unsigned char)("abcdefghijklmnopqrstuvwxyz "
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789"[(b->state >> 20) % 63]);
            }
        }
        b->position += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;

        if (length < sizeof(*st))
            return -1;
        zip_stat_init(st);
        st->size = b->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof(*st);
    }
    case ZIP_SOURCE_ERROR:
        return 2 * sizeof(int) <= length ? (zip_int64_t)(2 * sizeof(int)) : -1;
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
                                              ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                              ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
        return -1;
    }
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint16_t
le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static int
patch32(FILE *f, long offset, uint32_t value)
{
    unsigned char bytes[4] = {(unsigned char)value, (unsigned char)(value >> 8),
                              (unsigned char)(value >> 16), (unsigned char)(value >> 24)};

    return fseek(f, offset, SEEK_SET) == 0 && fwrite(bytes, 1, 4, f) == 4 ? 0 : -1;
}

/* Overwrite the uncompressed size of entry 'name' in the central
 * directory and in its local header. The archive has no comment and no
 * zip64 records (we wrote it). */
static int
lie_about_size(const char *path, const char *name, uint32_t size)
{
    FILE *f = fopen(path, "r+b");
    unsigned char eocd[22], header[46];
    char entry_name[256];
    long end, directory;
    uint16_t entries, i;
    int rc = -1;

    if (!f)
        return -1;
    if (fseek(f, -22, SEEK_END) != 0 || fread(eocd, 1, 22, f) != 22 ||
        le32(eocd) != 0x06054b50)
        goto out;
    end = ftell(f);
    (void)end;
    entries = le16(eocd + 10);
    directory = (long)le32(eocd + 16);
    for (i = 0; i < entries; i++) {
        uint16_t name_length, extra_length, comment_length;

        if (fseek(f, directory, SEEK_SET) != 0 || fread(header, 1, 46, f) != 46 ||
            le32(header) != 0x02014b50)
            goto out;
        name_length = le16(header + 28);
        extra_length = le16(header + 30);
        comment_length = le16(header + 32);
        if (name_length >= sizeof(entry_name) ||
            fread(entry_name, 1, name_length, f) != name_length)
            goto out;
        entry_name[name_length] = '\0';
        if (strcmp(entry_name, name) == 0) {
            long local = (long)le32(header + 42);

            if (patch32(f, directory + 24, size) < 0 || patch32(f, local + 22, size) < 0)
                goto out;
            rc = 0;
            break;
        }
        directory += 46 + name_length + extra_length + comment_length;
    }
out:
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int
ms_fixture_write_zip_bomb(const char *path, uint64_t size, int random,
                          uint64_t declared_size)
{
    bomb_source_t bomb = {size, 0, 0, random};
    zip_t *archive;
    zip_source_t *source;
    zip_int64_t index;
    int error = 0;

    if (declared_size > UINT32_MAX || size > UINT32_MAX)
        return -1;
    archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive)
        return -1;
    source = zip_source_buffer(archive, content_types, strlen(content_types), 0);
    if (!source || zip_file_add(archive, "[Content_Types].xml", source, 0) < 0) {
        zip_source_free(source);
        goto fail;
    }
    source = zip_source_function(archive, bomb_callback, &bomb);
    if (!source)
        goto fail;
    index = zip_file_add(archive, "word/document.xml", source, 0);
    if (index < 0) {
        zip_source_free(source);
        goto fail;
    }
    /* Level 9 gives zeros deflate's best ratio, about 1030:1. */
    if (zip_set_file_compression(archive, (zip_uint64_t)index, ZIP_CM_DEFLATE, 9) < 0)
        goto fail;
    if (zip_close(archive) < 0)
        goto fail;
    if (declared_size)
        return lie_about_size(path, "word/document.xml", (uint32_t)declared_size);
    return 0;
fail:
    zip_discard(archive);
    return -1;
}
