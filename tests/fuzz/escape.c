/* escape.c - fuzz target: escaping for XML, HTML, URLs and headers (ms_escape.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The input, cut at its first NUL, is any text that reaches an answer (a
 * title, a query, a snippet, a file name). Properties: ms_escape_xml()'s
 * output put in an attribute and in the content of an element is
 * well-formed XML that adds no element, so no markup of the input got
 * through; a snippet's plain text escapes the same way; a URL escape
 * leaves only unreserved characters and %XX; a Content-Disposition value
 * is printable ASCII (no line break to start a header of its own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz.h"
#include "ms_escape.h"
#include "ms_utf8.h"

static const uint8_t *input;
static size_t input_size;

static void
fail(const char *what)
{
    ms_fuzz_fail(what, input, input_size);
}

/* 'text' through ms_escape_xml(), in an attribute and as content: one
 * element, no other, well-formed. */
static void
check_xml(const char *text)
{
    char *xml = ms_escape_xml(text), *doc_text;
    size_t size;
    xmlDocPtr doc;

    if (xml == NULL)
        return;
    size = 2 * strlen(xml) + 16;
    if (!ms_utf8_valid(xml, strlen(xml), NULL) || strpbrk(xml, "<>\"'") != NULL)
        fail("ms_escape_xml left markup or bad UTF-8");
    if ((doc_text = malloc(size)) == NULL)
        abort();
    snprintf(doc_text, size, "<a t=\"%s\">%s</a>", xml, xml);
    doc = xmlReadMemory(doc_text, (int)strlen(doc_text), "e.xml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        fail("ms_escape_xml's output is not well-formed XML");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr c = root != NULL ? root->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_TEXT_NODE)
            fail("ms_escape_xml's output made a node other than text");
    }
    xmlFreeDoc(doc);
    free(doc_text);
    free(xml);
}

static void
check_url(const char *text)
{
    char *url = ms_escape_url(text, "/");

    for (const char *p = url; p != NULL && *p != '\0'; p++) {
        if (*p == '%' && strspn(p + 1, "0123456789ABCDEF") >= 2)
            p += 2;
        else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."
                        "_~/",
                        *p) == NULL)
            fail("ms_escape_url left a reserved byte");
    }
    free(url);
}

static void
check_header(const char *text)
{
    char *value = ms_escape_content_disposition("attachment", text);

    for (const char *p = value; p != NULL && *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e)
            fail("a Content-Disposition value holds a byte that is not printable ASCII");
    }
    free(value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *plain;

    if (text == NULL)
        return 0;
    input = data;
    input_size = size;
    memcpy(text, data, size);
    text[size] = '\0';
    check_xml(text);
    plain = ms_escape_snippet_text(text);
    if (plain != NULL) {
        if (!ms_utf8_valid(plain, strlen(plain), NULL))
            fail("a snippet's plain text is not UTF-8");
        check_xml(plain);
    }
    free(plain);
    check_url(text);
    check_header(text);
    free(text);
    return 0;
}
