/* ms_utf8.h - the one UTF-8 decoder: validate, repair, cut
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Well-formed means what RFC 3629 says: shortest forms only, no
 * surrogates, nothing above U+10FFFF. Archive files, query strings, index
 * data handed back to clients and extracted text all go through these
 * functions, so every layer agrees on what a character is.
 */
#ifndef MS_UTF8_H
#define MS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The length (1 to 4) of the well-formed sequence at 'p', of which 'avail'
 * bytes (at least 1) may be read, with its code point in *cp (may be NULL);
 * 0 when there is none: a stray continuation byte, an overlong form, a
 * surrogate, a code point above U+10FFFF or a sequence cut short. A NUL
 * byte is a sequence of length 1. */
size_t ms_utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp);

/* true if the 'len' bytes at 's' are well-formed UTF-8 without NUL bytes.
 * On failure, if 'bad' is not NULL, *bad is the offset of the first
 * offending byte. */
bool ms_utf8_valid(const char *s, size_t len, size_t *bad);

/* A copy of 'len' bytes of 's' in which every byte that is not part of a
 * well-formed sequence becomes U+FFFD and NUL bytes are dropped; *out_len
 * (may be NULL) receives its length. Caller frees with free(); NULL on
 * allocation failure. */
char *ms_utf8_repair(const char *s, size_t len, size_t *out_len);

/* A copy of 'len' bytes of 's' fit for one line of text a person reads
 * (the summary, `status`) and for the JSON report: every control
 * character (C0, DEL, C1) and every byte that is not part of a
 * well-formed sequence is written as "\xNN", so a file name with a newline
 * cannot forge a line and a name that is not UTF-8 shows its bytes. Text
 * already escaped stays as it is. Caller frees with free(); NULL on
 * allocation failure. */
char *ms_utf8_escape(const char *s, size_t len);

/* The largest n <= 'len' such that the first n bytes of 's' do not end
 * inside a multi-byte sequence: where to cut a string to at most 'len'
 * bytes without splitting a character. 's' is read up to its length 'size'
 * ('size' >= 'len'), so a cut at 'len' can see whether the character
 * there is complete. */
size_t ms_utf8_cut(const char *s, size_t size, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MS_UTF8_H */
