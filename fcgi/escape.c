/* escape.c - text made safe for URLs, XML and HTML, and header values
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_escape.h"
#include "ms_utf8.h"

static bool
unreserved(unsigned char c, const char *keep)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' ||
           (keep != NULL && c != '\0' && strchr(keep, c) != NULL);
}

static ms_buf_status_t
url_into(ms_buf_t *b, const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char code[3] = {'%', hex[*p >> 4], hex[*p & 15]};

        if (unreserved(*p, keep))
            ms_buf_putc(b, (char)*p);
        else
            ms_buf_append(b, code, 3);
    }
    return b->status;
}

ms_buf_status_t
ms_escape_url_into(ms_buf_t *b, const char *s)
{
    return url_into(b, s, NULL);
}

char *
ms_escape_url(const char *s, const char *keep)
{
    ms_buf_t b = MS_BUF_INIT;

    url_into(&b, s, keep);
    return ms_buf_take(&b, NULL);
}

static bool
xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

ms_buf_status_t
ms_escape_xml_into(ms_buf_t *b, const char *text)
{
    static const char specials[] = "&<>\"'";
    static const char *const references[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text);

    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = ms_utf8_decode(p + i, len - i, &cp);
        const char *special = n == 1 ? strchr(specials, text[i]) : NULL;

        if (n == 0) {
            ms_buf_puts(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        if (special != NULL)
            ms_buf_puts(b, references[special - specials]);
        else if (xml_char(cp))
            ms_buf_append(b, text + i, n);
        i += n;
    }
    return b->status;
}

char *
ms_escape_xml(const char *text)
{
    ms_buf_t b = MS_BUF_INIT;

    ms_escape_xml_into(&b, text);
    return ms_buf_take(&b, NULL);
}

/* Append the UTF-8 form of 'cp' if it is a character XML can carry. */
static void
add_code_point(ms_buf_t *b, uint32_t cp)
{
    char out[4];

    if (!xml_char(cp))
        return;
    if (cp < 0x80) {
        out[0] = (char)cp;
        ms_buf_append(b, out, 1);
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        ms_buf_append(b, out, 2);
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        ms_buf_append(b, out, 3);
    } else {
        out[0] = (char)(0xf0 | cp >> 18);
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        ms_buf_append(b, out, 4);
    }
}

/* Decode the character reference at 's' ("&...;"), appending its text.
 * Returns the bytes consumed, or 0 if 's' is not a reference this knows
 * (the '&' is then ordinary text). */
static size_t
decode_reference(ms_buf_t *b, const char *s)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    uint32_t cp = 0;
    size_t i = 2;
    bool hex;

    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        size_t n = strlen(named[k].name);

        if (strncmp(s, named[k].name, n) == 0) {
            ms_buf_append(b, &named[k].c, 1);
            return n;
        }
    }
    if (s[1] != '#')
        return 0;
    hex = s[2] == 'x' || s[2] == 'X';
    if (hex)
        i++;
    for (size_t start = i; i - start < 8; i++) {
        char c = s[i];
        int digit = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;

        if (c == ';' && i > start) {
            add_code_point(b, cp);
            return i + 1;
        }
        if (digit < 0)
            return 0;
        cp = cp * (hex ? 16 : 10) + (uint32_t)digit;
    }
    return 0;
}

/* The text of 'html' with its tags removed and references decoded; NULL
 * on allocation failure. */
static char *
strip_markup(const char *html)
{
    ms_buf_t b = MS_BUF_INIT;

    for (const char *p = html; *p != '\0';) {
        if (*p == '<') {
            const char *close = strchr(p, '>');

            if (close == NULL)
                break;
            p = close + 1;
        } else if (*p == '&') {
            size_t n = decode_reference(&b, p);

            if (n == 0) {
                ms_buf_append(&b, p, 1);
                n = 1;
            }
            p += n;
        } else {
            size_t n = strcspn(p, "<&");

            ms_buf_append(&b, p, n);
            p += n;
        }
    }
    return ms_buf_take(&b, NULL);
}

char *
ms_escape_snippet_text(const char *html)
{
    ms_buf_t plain = MS_BUF_INIT;
    char *text = strip_markup(html);
    char *escaped;

    if (text == NULL)
        return NULL;
    /* Drop what XML cannot carry (and repair broken UTF-8) by escaping
     * and decoding again; cheaper to reason about than a second filter. */
    escaped = ms_escape_xml(text);
    free(text);
    if (escaped == NULL)
        return NULL;
    for (const char *p = escaped; *p != '\0';) {
        size_t n = *p == '&' ? decode_reference(&plain, p) : 0;

        if (n == 0) {
            n = strcspn(p + 1, "&") + 1;
            ms_buf_append(&plain, p, n);
        }
        p += n;
    }
    free(escaped);
    return ms_buf_take(&plain, NULL);
}

char *
ms_escape_content_disposition(const char *type, const char *name)
{
    ms_buf_t fallback = MS_BUF_INIT, value = MS_BUF_INIT;

    /* One '_' per character: continuation bytes of UTF-8 add nothing. */
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            ms_buf_putc(&fallback, (char)*p);
        else if ((*p & 0xc0) != 0x80)
            ms_buf_putc(&fallback, '_');
    }
    ms_buf_append(&fallback, "", 0);
    if (fallback.status == MS_BUF_OK) {
        ms_buf_printf(&value, "%s; filename=\"%s\"", type, fallback.data);
        if (strcmp(fallback.data, name) != 0) {
            ms_buf_puts(&value, "; filename*=UTF-8''");
            ms_escape_url_into(&value, name);
        }
    } else {
        value.status = fallback.status;
    }
    ms_buf_free(&fallback);
    return ms_buf_take(&value, NULL);
}
