/* extract_html.c - HTML to text with libxml2's HTML parser
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The bytes are converted to UTF-8 before libxml2 sees them: the charset
 * comes from a byte order mark or a <meta charset> / <meta http-equiv>
 * near the top of the file, else UTF-8 is assumed; iconv converts, and
 * every byte that does not convert becomes U+FFFD. Left to itself,
 * libxml2 2.9 switches to Latin-1 at the first invalid UTF-8 byte and
 * garbles the rest of the page, so it is given clean UTF-8 and told to
 * ignore the document's own encoding hint.
 *
 * The tree is walked without recursion (a page may nest deeply). Only
 * <body> contributes text; script, style, noscript, template, svg and
 * math are dropped with everything inside them. Block elements end a
 * line, so headings and list items stay separate lines; <br> always
 * breaks the line, so <br><br> leaves a blank one.
 */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "extract-private.h"
#include "ms_utf8.h"

/* How far into the file a charset declaration is looked for. */
#define PRESCAN_BYTES 4096

static const char *const dropped[] = {
    "script", "style", "noscript", "template", "svg",    "math",
    "head",   "title", "iframe",   "object",   "select",
};

static const char *const blocks[] = {
    "address", "article", "aside",   "blockquote", "br",       "caption",    "dd",
    "details", "div",     "dl",      "dt",         "fieldset", "figcaption", "figure",
    "footer",  "form",    "h1",      "h2",         "h3",       "h4",         "h5",
    "h6",      "header",  "hr",      "li",         "main",     "nav",        "ol",
    "p",       "pre",     "section", "summary",    "table",    "tbody",      "thead",
    "tfoot",   "tr",      "ul",
};

static int
name_in(const xmlChar *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcasecmp((const char *)name, list[i]) == 0)
            return 1;
    }
    return 0;
}

#define NAME_IN(name, list) name_in(name, list, sizeof(list) / sizeof(list[0]))

/* Find "charset" followed by '=' (optionally quoted) inside a <meta> tag
 * in the first PRESCAN_BYTES and copy the label into 'out'. */
static int
prescan_charset(const char *data, size_t length, char *out, size_t size)
{
    size_t end = length < PRESCAN_BYTES ? length : PRESCAN_BYTES;
    size_t i;

    for (i = 0; i + 5 < end; i++) {
        size_t j, tag_end, n = 0;

        if (data[i] != '<' || strncasecmp(data + i + 1, "meta", 4) != 0)
            continue;
        for (tag_end = i; tag_end < end && data[tag_end] != '>'; tag_end++)
            ;
        for (j = i + 5; j + 7 < tag_end; j++) {
            if (strncasecmp(data + j, "charset", 7) != 0)
                continue;
            j += 7;
            while (j < tag_end && data[j] == ' ')
                j++;
            if (j >= tag_end || data[j] != '=')
                continue;
            j++;
            while (j < tag_end && (data[j] == ' ' || data[j] == '"' || data[j] == '\''))
                j++;
            while (j < tag_end && n + 1 < size &&
                   (strchr("-_.:", data[j]) || (data[j] >= '0' && data[j] <= '9') ||
                    (data[j] >= 'a' && data[j] <= 'z') ||
                    (data[j] >= 'A' && data[j] <= 'Z')))
                out[n++] = data[j++];
            out[n] = '\0';
            if (n > 0)
                return 1;
        }
    }
    return 0;
}

/* Convert 'data' from 'charset' to UTF-8 with iconv, replacing what does
 * not convert. Returns NULL with *nomem clear if iconv does not know the
 * charset. */
static char *
convert(const char *data, size_t length, const char *charset, size_t *out_length,
        int *nomem)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    char *in = (char *)data, *out = NULL, *o;
    size_t in_left = length, capacity, out_left;

    *nomem = 0;
    if (cd == (iconv_t)-1)
        return NULL;
    capacity = length <= (SIZE_MAX - 16) / 4 ? length * 4 + 16 : 0;
    out = capacity ? malloc(capacity) : NULL;
    if (!out) {
        *nomem = 1;
        goto out;
    }
    o = out;
    out_left = capacity - 1;
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1)
            break;
        if (errno == E2BIG) { /* cannot happen with 4 bytes per input byte */
            break;
        }
        /* EILSEQ or EINVAL (truncated at the end): one byte becomes U+FFFD. */
        if (out_left < 3)
            break;
        memcpy(o, "\xef\xbf\xbd", 3);
        o += 3;
        out_left -= 3;
        in++;
        in_left--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    *o = '\0';
    *out_length = (size_t)(o - out);
out:
    iconv_close(cd);
    return out;
}

/* Bring the page to clean UTF-8 (see the file comment). */
static char *
to_utf8(const char *data, size_t length, size_t *out_length, int *nomem)
{
    char charset[64] = "UTF-8";
    char *converted;

    *nomem = 0;
    if (length >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        data += 3;
        length -= 3;
    } else if (length >= 2 && memcmp(data, "\xff\xfe", 2) == 0) {
        strcpy(charset, "UTF-16LE");
        data += 2;
        length -= 2;
    } else if (length >= 2 && memcmp(data, "\xfe\xff", 2) == 0) {
        strcpy(charset, "UTF-16BE");
        data += 2;
        length -= 2;
    } else if (prescan_charset(data, length, charset, sizeof(charset))) {
        /* As browsers do: these labels mean windows-1252. */
        if (strcasecmp(charset, "iso-8859-1") == 0 ||
            strcasecmp(charset, "latin1") == 0 || strcasecmp(charset, "us-ascii") == 0 ||
            strcasecmp(charset, "ascii") == 0)
            strcpy(charset, "WINDOWS-1252");
    }
    if (strcasecmp(charset, "utf-8") != 0 && strcasecmp(charset, "utf8") != 0) {
        converted = convert(data, length, charset, out_length, nomem);
        if (converted || *nomem)
            return converted;
    }
    converted = ms_utf8_repair(data, length, out_length);
    if (!converted)
        *nomem = 1;
    return converted;
}

/* The node after 'node' in document order, going down into its children
 * when 'enter'; NULL at the end of the tree. */
static xmlNodePtr
next_node(xmlNodePtr node, bool enter)
{
    if (enter && node->children)
        return node->children;
    while (node && !node->next)
        node = node->parent;
    return node ? node->next : NULL;
}

static xmlNodePtr
find_element(xmlNodePtr node, const char *name)
{
    for (; node; node = next_node(node, true)) {
        if (node->type == XML_ELEMENT_NODE &&
            strcasecmp((const char *)node->name, name) == 0)
            return node;
    }
    return NULL;
}

/* A string attribute as a metadata field (NULL when absent or empty). */
static char *
attribute_field(xmlNodePtr node, const char *name, int *nomem)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *field;

    if (!value)
        return NULL;
    field = ms_extract__field((const char *)value, strlen((const char *)value), nomem);
    xmlFree(value);
    return field;
}

static ms_extract_status_t
read_metadata(ms_extract__job_t *job, xmlDocPtr doc)
{
    ms_extract_result_t *r = job->result;
    xmlNodePtr root = xmlDocGetRootElement(doc), title, node;
    int nomem = 0;

    if (!root)
        return MS_EXTRACT_OK;
    r->language = attribute_field(root, "lang", &nomem);
    title = find_element(root, "title");
    if (title) {
        xmlChar *content = xmlNodeGetContent(title);

        if (content) {
            r->title = ms_extract__field((const char *)content,
                                         strlen((const char *)content), &nomem);
            xmlFree(content);
        }
    }
    /* <meta name="description"> and a date, wherever they are. */
    for (node = root; node; node = next_node(node, node->type == XML_ELEMENT_NODE)) {
        if (node->type == XML_ELEMENT_NODE &&
            strcasecmp((const char *)node->name, "meta") == 0) {
            xmlChar *name = xmlGetProp(node, (const xmlChar *)"name");

            if (name && strcasecmp((const char *)name, "description") == 0 &&
                !r->description) {
                r->description = attribute_field(node, "content", &nomem);
            } else if (name && !r->date &&
                       (strcasecmp((const char *)name, "date") == 0 ||
                        strcasecmp((const char *)name, "dcterms.created") == 0 ||
                        strcasecmp((const char *)name, "dc.date") == 0)) {
                xmlChar *content = xmlGetProp(node, (const xmlChar *)"content");

                r->date = ms_extract__iso_date((const char *)content, &nomem);
                xmlFree(content);
            }
            xmlFree(name);
        }
    }
    return nomem ? MS_EXTRACT_NOMEM : MS_EXTRACT_OK;
}

/* Append a text node, collapsing whitespace outside <pre>. */
static ms_extract_status_t
append_text(ms_buf_t *text, const char *s, int preformatted)
{
    ms_extract_status_t status = MS_EXTRACT_OK;
    const char *run = s;

    if (preformatted)
        return ms_extract__text_append(text, s, strlen(s));
    for (; *s && status == MS_EXTRACT_OK; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f')
            continue;
        status = ms_extract__text_append(text, run, (size_t)(s - run));
        if (status == MS_EXTRACT_OK)
            status = ms_extract__text_space(text);
        run = s + 1;
    }
    if (status == MS_EXTRACT_OK)
        status = ms_extract__text_append(text, run, strlen(run));
    return status;
}

static int
entered(xmlNodePtr node)
{
    return node->type == XML_ELEMENT_NODE && !NAME_IN(node->name, dropped);
}

/* End the current line unless it is empty: block boundaries do not add
 * up to blank lines, only <br> does. */
static ms_extract_status_t
end_line(ms_buf_t *text)
{
    if (text->len == 0 || text->data[text->len - 1] == '\n')
        return MS_EXTRACT_OK;
    return ms_extract__text_putc(text, '\n');
}

/* The end of an element whose content was walked (or that had none). */
static ms_extract_status_t
leave(ms_buf_t *text, xmlNodePtr node, int *preformatted)
{
    if (strcasecmp((const char *)node->name, "pre") == 0)
        (*preformatted)--;
    if (strcasecmp((const char *)node->name, "br") == 0)
        return MS_EXTRACT_OK;
    return NAME_IN(node->name, blocks) ? end_line(text) : MS_EXTRACT_OK;
}

/* Walk the subtree under 'top' in document order, emitting text. */
static ms_extract_status_t
walk_body(ms_buf_t *text, xmlNodePtr top)
{
    ms_extract_status_t status = MS_EXTRACT_OK;
    xmlNodePtr node = top->children;
    int preformatted = 0;

    while (node && status == MS_EXTRACT_OK) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (node->content)
                status = append_text(text, (const char *)node->content, preformatted > 0);
        } else if (entered(node)) {
            if (strcasecmp((const char *)node->name, "br") == 0)
                status = ms_extract__text_putc(text, '\n');
            else if (NAME_IN(node->name, blocks))
                status = end_line(text);
            else if (strcasecmp((const char *)node->name, "td") == 0 ||
                     strcasecmp((const char *)node->name, "th") == 0)
                status = ms_extract__text_putc(text, ' ');
            if (strcasecmp((const char *)node->name, "pre") == 0)
                preformatted++;
            if (node->children) {
                node = node->children;
                continue;
            }
            if (status == MS_EXTRACT_OK)
                status = leave(text, node, &preformatted);
        }
        /* Move on: to the next sibling, or up, closing what we leave. */
        while (node && status == MS_EXTRACT_OK) {
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            if (!node || node == top) {
                node = NULL;
                break;
            }
            status = leave(text, node, &preformatted);
        }
    }
    return status;
}

ms_extract_status_t
ms_extract__html(ms_extract__job_t *job)
{
    ms_extract_status_t status;
    char *raw = NULL, *utf8 = NULL;
    size_t raw_length, utf8_length = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr root, body;
    int nomem = 0;

    status = ms_extract__read_all(job, &raw, &raw_length);
    if (status != MS_EXTRACT_OK)
        goto out;
    utf8 = to_utf8(raw, raw_length, &utf8_length, &nomem);
    if (!utf8) {
        status = MS_EXTRACT_NOMEM;
        goto out;
    }
    free(raw);
    raw = NULL;
    if (utf8_length > INT_MAX) {
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "HTML file is too large");
        goto out;
    }
    xmlInitParser();
    /* XML_PARSE_HUGE lifts libxml2's depth limit of 256 elements, past
     * which it silently dropped every word of the page (all of it, with
     * RECOVER): the depth is bounded by the sandbox's memory and time
     * instead, and the tree is walked without recursion. */
    doc = htmlReadMemory(utf8, (int)utf8_length, NULL, "UTF-8",
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    if (!doc) {
        /* An empty file gives no tree: no text, not an error. */
        status = utf8_length == 0
                     ? MS_EXTRACT_OK
                     : ms_extract__fail(job, MS_EXTRACT_INVALID, "HTML cannot be parsed");
        goto out;
    }
    status = read_metadata(job, doc);
    if (status != MS_EXTRACT_OK)
        goto out;
    root = xmlDocGetRootElement(doc);
    if (!root)
        goto out;
    body = find_element(root, "body");
    status = walk_body(&job->text, body ? body : root);
out:
    if (doc)
        xmlFreeDoc(doc);
    free(raw);
    free(utf8);
    return status;
}
