/* ms_escape.h - text made safe for URLs, XML and HTML, and header values
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Everything an endpoint writes into a URL, an XML
 * or HTML document or a header goes through one of these, so that there
 * is one rule for each kind of output. Bytes that are not UTF-8 become
 * U+FFFD (common/ms_utf8.h decides what UTF-8 is).
 */
#ifndef MS_ESCAPE_H
#define MS_ESCAPE_H

#include "ms_buf.h"

/* Percent-encode 's' for a URL: every byte but the unreserved characters
 * of RFC 3986 (letters, digits, "-._~") and those in 'keep' (may be NULL)
 * becomes %XX. Caller frees with free(); NULL on allocation failure. */
char *ms_escape_url(const char *s, const char *keep);

/* Append ms_escape_url(s, NULL) to 'b'; returns b->status. */
ms_buf_status_t ms_escape_url_into(ms_buf_t *b, const char *s);

/* 'text' escaped for XML (and HTML) character data and attribute values:
 * &, <, >, " and ' as references, bytes that are not UTF-8 as U+FFFD, and
 * characters XML 1.0 forbids (control characters but tab, newline and
 * carriage return; U+FFFE, U+FFFF) left out. Caller frees with free();
 * NULL on allocation failure. */
char *ms_escape_xml(const char *text);

/* Append ms_escape_xml(text) to 'b'; returns b->status. */
ms_buf_status_t ms_escape_xml_into(ms_buf_t *b, const char *text);

/* The plain text of a snippet (HTML from the index: escaped text with
 * <mark></mark> around terms): tags removed and character references
 * decoded. Characters XML cannot carry are dropped. Caller frees with
 * free(); NULL on allocation failure. */
char *ms_escape_snippet_text(const char *html);

/* The Content-Disposition value of 'type' ("inline" or "attachment",
 * static) for a file named 'name': a quoted ASCII fallback (anything
 * else, quotes and backslashes become '_') and, when that lost something,
 * the exact name as an RFC 8187 extended value.
 * Caller frees with free(); NULL on allocation failure. */
char *ms_escape_content_disposition(const char *type, const char *name);

#endif /* MS_ESCAPE_H */
