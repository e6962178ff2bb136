/* test_extract.c - unit tests for the sandboxed extractors (indexer/ms_extract.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Fixtures are generated into a fresh temporary directory by
 * tests/tools/fixtures.c: PDFs written object by object, DOCX and ODT
 * zipped with libzip from XML written here, zip bombs streamed through a
 * zip_source_function, an encrypted PDF made by the qpdf command. The
 * sandbox is tested with real inputs, not hooks in the library: a PDF that
 * takes poppler minutes (for the time limit), an HTML file too big for the
 * address-space limit, and a SIGSEGV sent to the extraction child from a
 * timer (for a crash). The extractors' toolkit (extract-job.h) is tested
 * directly.
 */
/* nftw() is an XSI function. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "extract-job.h"
#include "fixtures.h"
#include "ms_extract.h"

#define MiB (1024 * 1024)

static char tmpdir[64];
static ms_extract_result_t *result;
static char reason[256];

static void
setup(void)
{
    strcpy(tmpdir, "/tmp/ms-extract-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    result = NULL;
    reason[0] = '\0';
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
teardown(void)
{
    ms_extract_free(result);
    result = NULL;
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(extract, .init = setup, .fini = teardown, .timeout = 120);

static const ms_extract_limits_t default_limits = {20000, 256 * MiB, 0};

static const char *
in_tmp(const char *name)
{
    static char paths[4][256];
    static int next;
    char *path = paths[next++ % 4];

    snprintf(path, sizeof(paths[0]), "%s/%s", tmpdir, name);
    return path;
}

static ms_extract_status_t
extract(const char *name, ms_extract_format_t format, const ms_extract_limits_t *limits)
{
    ms_extract_free(result);
    result = NULL;
    reason[0] = '\0';
    return ms_extract_file(&result, in_tmp(name), format,
                           limits ? limits : &default_limits, reason, sizeof(reason));
}

static void
write_file(const char *name, const char *data, size_t length)
{
    cr_assert_eq(ms_fixture_write_file(in_tmp(name), data, length), 0);
}

/* A checker independent of the library's own: true if 's' is valid
 * UTF-8 and holds no NUL byte. */
static int
valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned long cp;
        int extra, k;

        if (p[i] == 0)
            return 0;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if ((p[i] & 0xe0) == 0xc0) {
            cp = p[i] & 0x1f;
            extra = 1;
        } else if ((p[i] & 0xf0) == 0xe0) {
            cp = p[i] & 0x0f;
            extra = 2;
        } else if ((p[i] & 0xf8) == 0xf0) {
            cp = p[i] & 0x07;
            extra = 3;
        } else {
            return 0;
        }
        if (i + (size_t)extra >= n)
            return 0;
        for (k = 1; k <= extra; k++) {
            if ((p[i + (size_t)k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + (size_t)k] & 0x3f);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += (size_t)extra + 1;
    }
    return 1;
}

static size_t
count_char(const char *s, char c)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == c;
    return n;
}

static void
assert_clean_text(void)
{
    cr_assert_not_null(result);
    cr_assert_not_null(result->text);
    cr_assert_eq(strlen(result->text), result->text_length, "text has a NUL byte");
    cr_assert(valid_utf8(result->text, result->text_length), "text is not valid UTF-8");
    cr_assert_null(strstr(result->text, "\n\n\n"), "blank lines not collapsed: %s",
                   result->text);
}

static int
open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    int n = 0;

    cr_assert_not_null(dir);
    while ((entry = readdir(dir)))
        n += entry->d_name[0] != '.';
    closedir(dir);
    return n;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- HTML ---------------------------------------------------------------- */

static const char page[] =
    "<!DOCTYPE html>\n<html lang=\"en-GB\"><head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>  Remittances &amp; development:\n the 2003 review </title>\n"
    "<meta name=\"Description\" content=\"What the &quot;Key Migration Issues&quot; "
    "series found\">\n"
    "<meta name=\"date\" content=\"2003-03-05\">\n"
    "<style>body { color: red; } .hidden-style {}</style>\n"
    "<script>var secretScript = 1;</script>\n"
    "</head><body>\n"
    "<h1>Key findings</h1>\n"
    "<p>Transfers cost &lt; 10 per cent &mdash; sometimes&nbsp;less. Caf&eacute; "
    "owners &amp; nurses.</p>\n"
    "<script type=\"text/javascript\">document.write('secretScript2');</script>\n"
    "<noscript>secretNoscript</noscript><template><p>secretTemplate</p></template>\n"
    "<svg><text>secretSvg</text></svg>\n"
    "<ul><li>first item</li><li>second <b>bold</b> item</li></ul>\n"
    "<p>line one<br>line two</p><div><div>nested</div></div>\n"
    "<p></p><p></p><br><br><br><br><p>after the gap</p>\n"
    "<table><tr><td>Kyrgyzstan</td><td>2003</td></tr></table>\n"
    "<!-- secretComment -->\n"
    "</body></html>\n";

Test(extract, html_gives_body_text_and_head_metadata)
{
    write_file("page.html", page, 0);
    cr_assert_eq(extract("page.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    cr_assert_str_eq(result->title, "Remittances & development: the 2003 review");
    cr_assert_str_eq(result->description,
                     "What the \"Key Migration Issues\" series found");
    cr_assert_str_eq(result->language, "en-GB");
    cr_assert_str_eq(result->date, "2003-03-05");
    cr_assert_eq(result->n_pages, 0);
    /* Headings are text, each block a line. */
    cr_assert_not_null(strstr(result->text, "Key findings\nTransfers cost < 10 per cent"),
                       "%s", result->text);
    cr_assert_not_null(strstr(result->text, "\xe2\x80\x94 sometimes\xc2\xa0less."));
    cr_assert_not_null(strstr(result->text, "Caf\xc3\xa9 owners & nurses."));
    cr_assert_not_null(strstr(result->text, "\nfirst item\nsecond bold item\n"), "%s",
                       result->text);
    cr_assert_not_null(strstr(result->text, "line one\nline two\nnested"), "%s",
                       result->text);
    cr_assert_not_null(strstr(result->text, "nested\n\nafter the gap"), "%s",
                       result->text);
    cr_assert_not_null(strstr(result->text, "Kyrgyzstan 2003"), "%s", result->text);
    cr_assert(strncmp(result->text, "Key findings", 12) == 0, "%s", result->text);
    /* Nothing from the head, scripts, styles and the like. */
    cr_assert_null(strstr(result->text, "secret"), "%s", result->text);
    cr_assert_null(strstr(result->text, "color"), "%s", result->text);
    cr_assert_null(strstr(result->text, "2003 review"), "the title is not body text");
}

Test(extract, html_follows_meta_charset)
{
    /* "Трудовая миграция" in windows-1251, declared in <meta charset>. */
    static const char cp1251[] =
        "<html><head><meta "
        "charset=\"windows-1251\"><title>\xd2\xf0\xf3\xe4</title></head>"
        "<body><p>\xd2\xf0\xf3\xe4\xee\xe2\xe0\xff \xec\xe8\xe3\xf0\xe0\xf6\xe8\xff</p>"
        "</body></html>";
    /* Latin-1 declared the old way, through http-equiv. */
    static const char latin1[] =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=ISO-8859-1\"></head><body>Caf\xe9 \x93quoted\x94</body></html>";

    write_file("ru.html", cp1251, 0);
    cr_assert_eq(extract("ru.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_OK, "%s", reason);
    assert_clean_text();
    cr_assert_str_eq(result->text, "Трудовая миграция");
    cr_assert_str_eq(result->title, "Труд");

    write_file("latin1.html", latin1, 0);
    cr_assert_eq(extract("latin1.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    /* iso-8859-1 means windows-1252, as in browsers: 0x93/0x94 are quotes. */
    cr_assert_str_eq(result->text, "Café “quoted”");
}

Test(extract, html_replaces_invalid_bytes_and_drops_nul)
{
    static const char bad[] =
        "<html><body><p>bad \xff\xfe bytes, "
        "then caf\xc3\xa9 \xe2\x82 and a NUL:\0:end</p></body></html>";
    /* Each byte of an invalid sequence becomes one U+FFFD. */

    write_file("bad.html", bad, sizeof(bad) - 1);
    cr_assert_eq(extract("bad.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_OK, "%s", reason);
    assert_clean_text();
    cr_assert_not_null(strstr(result->text, "bad \xef\xbf\xbd\xef\xbf\xbd bytes"), "%s",
                       result->text);
    /* Valid UTF-8 after the bad bytes is still read as UTF-8. */
    cr_assert_not_null(strstr(result->text, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd and"),
                       "%s", result->text);
    cr_assert_not_null(strstr(result->text, ":end"), "%s", result->text);
    cr_assert_null(result->title);
    cr_assert_null(result->language);
}

Test(extract, html_empty_file_is_empty_text)
{
    write_file("empty.html", "", 0);
    cr_assert_eq(extract("empty.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    cr_assert_str_eq(result->text, "");
    cr_assert_eq(result->text_length, 0);
}

/* ---- PDF ----------------------------------------------------------------- */

static const char *const report_pages[] = {
    "Implementation review\nPage one talks about remittances (and costs).",
    "Page two: caf\xc3\xa9 \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9 of trafficking findings.",
    "Page three closes the report.\nA second line.",
};

static void
write_report(const char *name)
{
    ms_fixture_pdf_t pdf = {"Review of the Country Reporting System — 2003",
                            "Three pages for tests", "D:20031020093000+02'00'",
                            report_pages, 3};

    cr_assert_eq(ms_fixture_write_pdf(in_tmp(name), &pdf), 0);
}

Test(extract, pdf_gives_pages_separated_by_form_feed)
{
    static const char first[] = "Implementation review\nPage one talks about remittances "
                                "(and costs).\fPage two: ";

    write_report("report.pdf");
    cr_assert_eq(extract("report.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    cr_assert_eq(result->n_pages, 3);
    cr_assert_eq(count_char(result->text, '\f'), 2, "%s", result->text);
    cr_assert_str_eq(result->title, "Review of the Country Reporting System — 2003");
    cr_assert_str_eq(result->description, "Three pages for tests");
    cr_assert_str_eq(result->date, "2003-10-20");
    cr_assert_null(result->language);

    cr_assert(strncmp(result->text, first, strlen(first)) == 0, "%s", result->text);
    cr_assert_not_null(
        strstr(result->text, "caf\xc3\xa9 \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9"), "%s",
        result->text);
    cr_assert_not_null(
        strstr(result->text, "findings.\fPage three closes the report.\nA second line."),
        "%s", result->text);
}

/* What poppler gives for a PDF whose font draws "fi" as one glyph and
 * says, in its ToUnicode CMap, that the glyph is U+FB01 (as fonts of
 * typesetters and word processors do): the ligature itself, which the
 * index folds into its letters (indexer/shim/compose.cc). This holds the
 * fixture of test_composed's ligature test to what it stands for. */
Test(extract, pdf_drawn_with_ligatures_gives_them)
{
    static const char *const pages[] = {"The \xef\xac\x81nancial o\xef\xac\x83"
                                        "ce"};
    ms_fixture_pdf_t pdf = {NULL, NULL, NULL, pages, 1};

    cr_assert_eq(ms_fixture_write_pdf(in_tmp("ligatures.pdf"), &pdf), 0);
    cr_assert_eq(extract("ligatures.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    cr_expect_not_null(strstr(result->text, "The \xef\xac\x81nancial o\xef\xac\x83"
                                            "ce"),
                       "%s", result->text);
}

Test(extract, pdf_that_needs_a_password_is_invalid)
{
    char command[1024];

    if (system("command -v qpdf >/dev/null 2>&1") != 0)
        cr_skip_test("qpdf is not installed");
    write_report("plain.pdf");
    snprintf(command, sizeof(command),
             "qpdf --encrypt user owner 256 -- '%s' '%s' >/dev/null 2>&1",
             in_tmp("plain.pdf"), in_tmp("locked.pdf"));
    cr_assert_eq(system(command), 0);
    cr_assert_eq(extract("locked.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "PDF is encrypted");
    cr_assert_null(result);
}

Test(extract, corrupt_pdf_is_invalid_with_poppler_reason)
{
    struct stat st;

    write_file("garbage.pdf", "%PDF-1.4\nthis is not a PDF at all\n", 0);
    cr_assert_eq(extract("garbage.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_INVALID);
    cr_assert(strncmp(reason, "PDF cannot be read: ", 20) == 0, "%s", reason);
    cr_assert_gt(strlen(reason), 20);
    cr_assert_null(strchr(reason, '\n'));

    /* Cut before the first page object: nothing left to recover. */
    write_report("whole.pdf");
    cr_assert_eq(stat(in_tmp("whole.pdf"), &st), 0);
    cr_assert_eq(ms_fixture_truncate_copy(in_tmp("whole.pdf"), in_tmp("cut.pdf"), 200),
                 0);
    cr_assert_eq(extract("cut.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_INVALID);
    cr_assert(strncmp(reason, "PDF ", 4) == 0, "%s", reason);

    write_file("zero.pdf", "", 0);
    cr_assert_eq(extract("zero.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_INVALID);
    cr_assert(strncmp(reason, "PDF cannot be read: ", 20) == 0, "%s", reason);
}

Test(extract, pdf_without_text_is_invalid)
{
    static const char *const blank[] = {"", ""};
    ms_fixture_pdf_t pdf = {"Scanned", NULL, NULL, blank, 2};

    cr_assert_eq(ms_fixture_write_pdf(in_tmp("scan.pdf"), &pdf), 0);
    cr_assert_eq(extract("scan.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "PDF has no extractable text");
}

Test(extract, text_over_max_text_bytes_is_a_limit)
{
    ms_extract_limits_t limits = default_limits;

    write_report("report.pdf");
    limits.max_text_bytes = 50;
    cr_assert_eq(extract("report.pdf", MS_EXTRACT_PDF, &limits), MS_EXTRACT_LIMIT);
    cr_assert_str_eq(reason, "extracted text is longer than 50 bytes");
    limits.max_text_bytes = 4096;
    cr_assert_eq(extract("report.pdf", MS_EXTRACT_PDF, &limits), MS_EXTRACT_OK, "%s",
                 reason);
}

/* ---- DOCX ------------------------------------------------------------------ */

static const char *const note_paragraphs[] = {
    "# Atelier sur la mobilité",
    "Première ligne & « guillemets ».",
    "Pays\tSénégal",
    "",
    "",
    "Dernier paragraphe.",
};

Test(extract, docx_gives_paragraphs_and_core_properties)
{
    char *document = ms_fixture_docx_document(note_paragraphs, 6);
    char *core = ms_fixture_docx_core("  Note d'atelier  ", "Mobilité de la main-d'œuvre",
                                      "2003-09-17T08:00:00Z", "fr-FR");

    cr_assert(document && core);
    cr_assert_eq(ms_fixture_write_docx(in_tmp("note.docx"), document, core), 0);
    free(document);
    free(core);
    cr_assert_eq(extract("note.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    cr_assert_str_eq(result->text,
                     "Atelier sur la mobilité\nPremière ligne & « guillemets ».\n"
                     "Pays\tSénégal\n\nDernier paragraphe.");
    cr_assert_str_eq(result->title, "Note d'atelier");
    cr_assert_str_eq(result->description, "Mobilité de la main-d'œuvre");
    cr_assert_str_eq(result->date, "2003-09-17");
    cr_assert_str_eq(result->language, "fr-FR");
    cr_assert_eq(result->n_pages, 0);
}

Test(extract, docx_word_runs_breaks_and_deleted_text)
{
    static const char document[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>Split</w:t></w:r><w:r><w:t xml:space=\"preserve\"> "
        "across </w:t></w:r><w:r><w:t>runs</w:t><w:br/><w:t>after break</w:t></w:r>"
        "<w:del><w:r><w:delText>deletedText</w:delText></w:r></w:del>"
        "<w:r><w:instrText>HYPERLINK fieldCode</w:instrText></w:r></w:p>"
        "<w:p/><w:p><w:r><w:t/></w:r></w:p><w:p><w:r><w:t>last</w:t></w:r></w:p>"
        "</w:body></w:document>";

    cr_assert_eq(ms_fixture_write_docx(in_tmp("runs.docx"), document, NULL), 0);
    cr_assert_eq(extract("runs.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    cr_assert_str_eq(result->text, "Split across runs\nafter break\n\nlast");
    cr_assert_null(result->title);
    cr_assert_null(result->date);
}

Test(extract, docx_does_not_expand_entities)
{
    /* An external entity (file disclosure) and an internal one; neither
     * may reach the text, and the parser must not fetch anything. */
    static const char document[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE w:document [\n"
        "  <!ENTITY secret SYSTEM \"file:///etc/hostname\">\n"
        "  <!ENTITY a \"expandedEntity expandedEntity expandedEntity\">\n"
        "  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "]>\n"
        "<w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>before &secret; &b; after</w:t></w:r></w:p></w:body>"
        "</w:document>";

    cr_assert_eq(ms_fixture_write_docx(in_tmp("xxe.docx"), document, NULL), 0);
    cr_assert_eq(extract("xxe.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_OK, "%s", reason);
    assert_clean_text();
    cr_assert_str_eq(result->text, "before after", "%s", result->text);
}

Test(extract, docx_with_broken_xml_is_invalid)
{
    static const char document[] =
        "<?xml version=\"1.0\"?>\n<w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\">\n<w:body><w:p><w:t>unclosed</w:p></w:body>";

    cr_assert_eq(ms_fixture_write_docx(in_tmp("broken.docx"), document, NULL), 0);
    cr_assert_eq(extract("broken.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert(strncmp(reason, "word/document.xml is not well-formed XML: line 3: ", 50) ==
                  0,
              "%s", reason);
}

Test(extract, zip_that_is_not_a_docx_is_invalid)
{
    ms_fixture_entry_t entries[] = {{"readme.txt", "hello", 0, 0},
                                    {"data/x.xml", "<x/>", 0, 0}};

    cr_assert_eq(ms_fixture_write_zip(in_tmp("other.docx"), entries, 2), 0);
    cr_assert_eq(extract("other.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "not a DOCX: the zip archive has no word/document.xml");

    write_file("text.docx", "just some text, not a zip archive\n", 0);
    cr_assert_eq(extract("text.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "DOCX is not a zip archive");

    write_file("zero.docx", "", 0);
    cr_assert_eq(extract("zero.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert(strncmp(reason, "DOCX is not", 11) == 0, "%s", reason);
}

Test(extract, zip_bomb_declared_honestly_is_refused_unread)
{
    long long start;
    struct stat st;

    /* 2 GiB of zeros, 2 MB on disk; refused from the header alone. */
    cr_assert_eq(ms_fixture_write_zip_bomb(in_tmp("bomb.docx"), 2048ULL * MiB, 0, 0), 0);
    cr_assert_eq(stat(in_tmp("bomb.docx"), &st), 0);
    cr_assert_lt(st.st_size, 3 * MiB);
    start = now_ms();
    cr_assert_eq(extract("bomb.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "zip entry word/document.xml expands beyond 64 MiB");
    cr_assert_lt(now_ms() - start, 5000);
}

Test(extract, zip_bomb_lying_about_its_size_is_stopped_by_ratio)
{
    /* 100 MiB of zeros whose headers claim 2000 bytes. */
    cr_assert_eq(ms_fixture_write_zip_bomb(in_tmp("liar.docx"), 100ULL * MiB, 0, 2000),
                 0);
    cr_assert_eq(extract("liar.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason,
                     "zip entry word/document.xml has a compression ratio above 200:1");
}

Test(extract, zip_entry_lying_about_its_size_is_stopped_by_the_hard_cap)
{
    ms_extract_limits_t limits = default_limits;

    /* Barely compressible, so only the cap can stop it: 6 MiB claiming
     * 2000 bytes, against a cap of a quarter of 16 MiB. */
    cr_assert_eq(ms_fixture_write_zip_bomb(in_tmp("big.docx"), 6ULL * MiB, 1, 2000), 0);
    limits.memory_bytes = 16 * MiB;
    cr_assert_eq(extract("big.docx", MS_EXTRACT_DOCX, &limits), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "zip entry word/document.xml expands beyond 4 MiB");
}

Test(extract, zip_with_too_many_entries_is_invalid)
{
    enum { N = 10001 };
    ms_fixture_entry_t *entries = calloc(N, sizeof(*entries));
    char(*names)[32] = calloc(N, sizeof(*names));
    size_t i;

    cr_assert(entries && names);
    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "word/part%zu.xml", i);
        entries[i].name = names[i];
        entries[i].data = "<x/>";
    }
    entries[0].name = "word/document.xml";
    entries[0].data = "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                      "wordprocessingml/2006/main\"/>";
    cr_assert_eq(ms_fixture_write_zip(in_tmp("many.docx"), entries, N), 0);
    cr_assert_eq(ms_fixture_write_zip(in_tmp("enough.docx"), entries, 100), 0);
    free(entries);
    free(names);
    cr_assert_eq(extract("many.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "zip archive has too many entries (10001)");
    cr_assert_eq(extract("enough.docx", MS_EXTRACT_DOCX, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    cr_assert_str_eq(result->text, "");
}

/* ---- ODT ----------------------------------------------------------------- */

Test(extract, odt_gives_paragraphs_and_meta)
{
    static const char content[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<office:document-content"
        " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
        " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\n"
        "<office:automatic-styles><style>noStyleText</style></office:automatic-styles>\n"
        "<office:body><office:text>\n"
        "  <text:h text:outline-level=\"1\">Taller sobre remesas</text:h>\n"
        "  <text:p>Las   <text:span>remesas</text:span>\n   familiares<text:s "
        "text:c=\"3\"/>"
        "y<text:tab/>costos<text:line-break/>segunda línea</text:p>\n"
        "  <text:p/>\n"
        "  <office:annotation><text:p>commentText</text:p></office:annotation>\n"
        "  <text:tracked-changes><text:changed-region><text:deletion><text:p>deletedText"
        "</text:p></text:deletion></text:changed-region></text:tracked-changes>\n"
        "  <text:list><text:list-item><text:p>elemento <text:a>enlace</text:a></text:p>"
        "</text:list-item></text:list>\n"
        "</office:text></office:body></office:document-content>\n";
    char *meta = ms_fixture_odt_meta("Taller: remesas", "Notas del taller",
                                     "2002-11-05T10:00:00", "es");

    cr_assert_not_null(meta);
    cr_assert_eq(ms_fixture_write_odt(in_tmp("taller.odt"), content, meta, NULL), 0);
    free(meta);
    cr_assert_eq(extract("taller.odt", MS_EXTRACT_ODT, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    assert_clean_text();
    cr_assert_str_eq(result->text,
                     "Taller sobre remesas\nLas remesas familiares y\tcostos\n"
                     "segunda línea\n\nelemento enlace",
                     "%s", result->text);
    cr_assert_str_eq(result->title, "Taller: remesas");
    cr_assert_str_eq(result->description, "Notas del taller");
    cr_assert_str_eq(result->date, "2002-11-05");
    cr_assert_str_eq(result->language, "es");
}

Test(extract, odt_needs_the_opendocument_text_mimetype)
{
    static const char *const paragraphs[] = {"hola"};
    char *content = ms_fixture_odt_content(paragraphs, 1);

    cr_assert_not_null(content);
    cr_assert_eq(ms_fixture_write_odt(in_tmp("sheet.odt"), content, NULL,
                                      "application/vnd.oasis.opendocument.spreadsheet"),
                 0);
    cr_assert_eq(ms_fixture_write_odt(in_tmp("ok.odt"), content, NULL, NULL), 0);
    free(content);
    cr_assert_eq(extract("sheet.odt", MS_EXTRACT_ODT, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "not an OpenDocument text: mimetype is not "
                             "application/vnd.oasis.opendocument.text");
    cr_assert_eq(extract("ok.odt", MS_EXTRACT_ODT, NULL), MS_EXTRACT_OK, "%s", reason);
    cr_assert_str_eq(result->text, "hola");
    cr_assert_null(result->title);
}

/* ---- the sandbox ----------------------------------------------------------- */

Test(extract, unreadable_paths_are_io_errors)
{
    cr_assert_eq(extract("missing.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_IO);
    cr_assert_str_eq(reason, "No such file or directory");
    cr_assert_eq(mkdir(in_tmp("dir.html"), 0700), 0);
    cr_assert_eq(extract("dir.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_IO);
    cr_assert_str_eq(reason, "not a regular file");
    cr_assert_eq(mkfifo(in_tmp("fifo.html"), 0600), 0);
    cr_assert_eq(extract("fifo.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_IO);
    cr_assert_eq(symlink("loop.html", in_tmp("loop.html")), 0);
    cr_assert_eq(extract("loop.html", MS_EXTRACT_HTML, NULL), MS_EXTRACT_IO);
    /* A NULL reason buffer is allowed. */
    cr_assert_eq(ms_extract_file(&result, in_tmp("missing.pdf"), MS_EXTRACT_PDF,
                                 &default_limits, NULL, 0),
                 MS_EXTRACT_IO);
    cr_assert_null(result);
}

Test(extract, a_format_without_an_extractor_is_invalid)
{
    write_file("x.html", "<p>x</p>", 8);
    cr_assert_eq(extract("x.html", (ms_extract_format_t)99, NULL), MS_EXTRACT_INVALID);
    cr_assert_str_eq(reason, "unknown format");
    cr_assert_null(result);
}

Test(extract, slow_extraction_is_stopped_at_the_timeout)
{
    ms_extract_limits_t limits = {1000, 0, 0};
    long long start, elapsed;
    int fds = open_fds();

    /* 10^8 nested form drawings: minutes of work for poppler. */
    cr_assert_eq(ms_fixture_write_slow_pdf(in_tmp("slow.pdf"), 8, 10), 0);
    start = now_ms();
    cr_assert_eq(extract("slow.pdf", MS_EXTRACT_PDF, &limits), MS_EXTRACT_LIMIT, "%s",
                 reason);
    elapsed = now_ms() - start;
    cr_assert_str_eq(reason, "extraction took longer than 1 s");
    cr_assert_geq(elapsed, 900);
    cr_assert_lt(elapsed, 3000, "took %lld ms", elapsed);
    cr_assert_null(result);
    cr_assert_eq(open_fds(), fds, "descriptors leaked");
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child was left unreaped");
    cr_assert_eq(errno, ECHILD);

    limits.timeout_ms = 1500;
    cr_assert_eq(extract("slow.pdf", MS_EXTRACT_PDF, &limits), MS_EXTRACT_LIMIT);
    cr_assert_str_eq(reason, "extraction took longer than 1.500 s");
}

Test(extract, memory_blow_up_is_stopped_at_the_memory_limit)
{
    ms_extract_limits_t limits = {20000, 16 * MiB, 0};
    static const char chunk[] =
        "<p>Remittances and migration data, again and again.</p>\n";
    size_t i, n = 24 * MiB / (sizeof(chunk) - 1);
    FILE *f = fopen(in_tmp("huge.html"), "w");

    cr_assert_not_null(f);
    fputs("<html><body>\n", f);
    for (i = 0; i < n; i++)
        fputs(chunk, f);
    fputs("</body></html>\n", f);
    cr_assert_eq(fclose(f), 0);
    write_file("small.html", "<p>small enough</p>", 0);

    cr_assert_eq(extract("huge.html", MS_EXTRACT_HTML, &limits), MS_EXTRACT_LIMIT, "%s",
                 reason);
    cr_assert_str_eq(reason, "extraction exceeded the memory limit");
    cr_assert_null(result);
    /* The same limit leaves room for an ordinary file. */
    cr_assert_eq(extract("small.html", MS_EXTRACT_HTML, &limits), MS_EXTRACT_OK, "%s",
                 reason);
    cr_assert_str_eq(result->text, "small enough");
}

/* The crash test: a timer interrupts the parent's poll() and sends
 * SIGSEGV to its child, found in /proc (the fork happens on this thread). */
static char children_path[64];

static void
crash_child(int sig)
{
    char buffer[64];
    ssize_t n;
    int fd = open(children_path, O_RDONLY), saved = errno;
    pid_t pid = 0;

    (void)sig;
    if (fd < 0)
        goto out;
    n = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    for (ssize_t i = 0; i < n && buffer[i] >= '0' && buffer[i] <= '9'; i++)
        pid = pid * 10 + (buffer[i] - '0');
    if (pid > 0)
        kill(pid, SIGSEGV);
out:
    errno = saved;
}

Test(extract, crash_in_the_child_is_a_limit_and_the_parent_carries_on)
{
    ms_extract_limits_t limits = {20000, 0, 0};
    struct itimerval timer = {{0, 100000}, {0, 300000}}, off = {{0, 0}, {0, 0}};
    struct sigaction action = {0}, previous;
    ms_extract_status_t status;
    long long start, elapsed;
    int fds = open_fds();

    snprintf(children_path, sizeof(children_path), "/proc/%d/task/%d/children",
             (int)getpid(), (int)getpid());
    cr_assert_eq(ms_fixture_write_slow_pdf(in_tmp("slow.pdf"), 8, 10), 0);
    write_report("report.pdf");
    action.sa_handler = crash_child; /* no SA_RESTART: poll() sees EINTR */
    sigemptyset(&action.sa_mask);
    cr_assert_eq(sigaction(SIGALRM, &action, &previous), 0);
    cr_assert_eq(setitimer(ITIMER_REAL, &timer, NULL), 0);
    start = now_ms();
    status = extract("slow.pdf", MS_EXTRACT_PDF, &limits);
    elapsed = now_ms() - start;
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &previous, NULL);

    cr_assert_eq(status, MS_EXTRACT_LIMIT, "%s", reason);
    cr_assert_str_eq(reason, "extractor crashed (signal 11)");
    cr_assert_lt(elapsed, 5000);
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child was left unreaped");
    cr_assert_eq(open_fds(), fds, "descriptors leaked");
    /* The parent is unharmed: the next file extracts normally. */
    cr_assert_eq(extract("report.pdf", MS_EXTRACT_PDF, NULL), MS_EXTRACT_OK, "%s",
                 reason);
    cr_assert_eq(result->n_pages, 3);
}

/* ---- the committed sample documents ------------------------------------------ */

#define SAMPLE(path) MS_TEST_DATA "/archive/" path
#define NOTICE                                                                           \
    "Illustrative sample document written for the migsearch demo; not an official "      \
    "record."

static void
extract_sample(const char *path, ms_extract_format_t format)
{
    struct stat st;

    ms_extract_free(result);
    result = NULL;
    cr_assert_eq(stat(path, &st), 0, "%s is missing", path);
    cr_assert_lt(st.st_size, 20 * 1024, "%s is over 20 KB", path);
    cr_assert_eq(
        ms_extract_file(&result, path, format, &default_limits, reason, sizeof(reason)),
        MS_EXTRACT_OK, "%s: %s", path, reason);
    assert_clean_text();
    cr_assert(strncmp(result->text, NOTICE "\n", strlen(NOTICE) + 1) == 0, "%s: %.100s",
              path, result->text);
}

Test(extract, sample_archive_documents_extract)
{
    extract_sample(SAMPLE("reports/crs-2003-implementation-review.pdf"), MS_EXTRACT_PDF);
    cr_assert_eq(result->n_pages, 3);
    cr_assert_eq(count_char(result->text, '\f'), 2);
    cr_assert_not_null(strstr(strchr(result->text, '\f'), "scorecard"));
    cr_assert_str_eq(result->title,
                     "Implementation review of the country reporting exercise, 2003");
    cr_assert_str_eq(result->date, "2003-12-09");

    extract_sample(SAMPLE("workshops/kmi-2003-atelier-mobilite.docx"), MS_EXTRACT_DOCX);
    cr_assert_not_null(
        strstr(result->text, "\nMobilité de la main-d’œuvre saisonnière\n"));
    cr_assert_not_null(strstr(result->text, "saisonniers"));
    cr_assert_str_eq(result->title,
                     "Note d’atelier : mobilité de la main-d’œuvre saisonnière");
    cr_assert_str_eq(result->date, "2003-09-24");
    cr_assert_str_eq(result->language, "fr");

    extract_sample(SAMPLE("workshops/crc-2002-taller-remesas.odt"), MS_EXTRACT_ODT);
    cr_assert_not_null(strstr(result->text, "microcréditos"));
    cr_assert_str_eq(result->title, "Taller sobre remesas y desarrollo local");
    cr_assert_str_eq(result->date, "2002-10-16");
    cr_assert_str_eq(result->language, "es");

    extract_sample(SAMPLE("reports/ikd-2004-press-release.html"), MS_EXTRACT_HTML);
    cr_assert_not_null(
        strstr(result->text, "\nIssyk-Kul Dialogue closes its fifth meeting"));
    cr_assert_not_null(strstr(result->text, "spokesperson"));
    cr_assert_null(strstr(result->text, "markPrinted"), "script text leaked");
    cr_assert_null(strstr(result->text, "font-family"), "style text leaked");
    cr_assert_null(strstr(result->text, "needs no script"), "noscript text leaked");
    cr_assert_str_eq(result->title,
                     "Issyk-Kul Dialogue closes its fifth meeting in Almaty");
    cr_assert_str_eq(result->date, "2004-06-18");
    cr_assert_str_eq(result->language, "en");
}

/* ---- the extractors' toolkit (extract-job.h) --------------------------------- */

Test(toolkit, dates_are_real_days_at_the_start)
{
    static const char *const cases[][2] = {
        {"2003-04-15", "2003-04-15"}, {"  2003-04-15T09:30:00Z", "2003-04-15"},
        {"2004-02-29", "2004-02-29"}, {"2003-02-30", NULL}, /* no such day */
        {"0000-01-01", NULL},                               /* no year 0 */
        {"2003-04-150", NULL},        {"2003-04", NULL},
        {"20030415", NULL},           {"", NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int nomem = 0;
        char *day = ms_extract__iso_date(cases[i][0], &nomem);

        if (cases[i][1])
            cr_expect_str_eq(day, cases[i][1], "%s", cases[i][0]);
        else
            cr_expect_null(day, "%s", cases[i][0]);
        cr_expect_eq(nomem, 0);
        free(day);
    }
    cr_expect_null(ms_extract__iso_date(NULL, NULL));
}

Test(toolkit, fields_are_clean_collapsed_and_cut_on_a_character)
{
    static const char raw[] = " \tA\n\x01 title\xff\0 ";
    char long_text[MS_EXTRACT__FIELD_MAX + 8];
    char *field;
    int nomem = 0;

    field = ms_extract__field(raw, sizeof(raw) - 1, &nomem);
    cr_expect_str_eq(field, "A title\xEF\xBF\xBD");
    free(field);
    cr_expect_null(ms_extract__field(" \n\t", 3, &nomem));
    cr_expect_eq(nomem, 0);
    /* One byte, then two-byte letters: the cut falls inside the last one. */
    long_text[0] = 'x';
    for (size_t i = 1; i + 1 < sizeof(long_text); i += 2)
        memcpy(long_text + i, "\xD0\x96", 2);
    field = ms_extract__field(long_text, sizeof(long_text) - 1, &nomem);
    cr_assert_not_null(field);
    cr_expect_eq(strlen(field), MS_EXTRACT__FIELD_MAX - 1);
    cr_expect(valid_utf8(field, strlen(field)));
    free(field);
}

Test(toolkit, text_spaces_separate_words_only)
{
    ms_buf_t text = MS_BUF_INIT;

    cr_expect_eq(ms_extract__text_space(&text), MS_EXTRACT_OK);
    cr_expect_eq(text.len, 0);
    ms_extract__text_append(&text, "a", 1);
    ms_extract__text_space(&text);
    ms_extract__text_space(&text);
    ms_extract__text_putc(&text, '\n');
    ms_extract__text_space(&text);
    cr_expect_str_eq(text.data, "a \n");
    text.limit = text.len;
    cr_expect_eq(ms_extract__text_putc(&text, 'b'), MS_EXTRACT_LIMIT);
    cr_expect_eq(text.status, MS_BUF_LIMIT);
    ms_buf_free(&text);
}
