/* sentence.c - a title from a text's first sentence
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A recommendation without a title that staff gave is titled by what it
 * says: its first sentence, cut at a word to about 100 characters. A
 * sentence ends at '.', '!' or '?' (and their Arabic and CJK forms)
 * followed by a space or the end of the text, so "1.5 million" goes on;
 * a period after an abbreviation ("e.g.", "U.N.", "No. 5", "Art. 3") or
 * before a lower-case word ("approx. ten") does not end it either. A
 * text without any sentence end is cut like a long sentence.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archive-doc.h"
#include "ms_buf.h"
#include "ms_utf8.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Words after which a period is not the end of a sentence, lower case and
 * without the period. Words with an inner period ("e.g") are found by
 * that period and need no row. */
static const char *const ABBREVIATIONS[] = {
    "approx", "art", "arts", "cf", "ch",  "dr",   "fig",   "incl",
    "mr",     "mrs", "ms",   "no", "nos", "para", "paras", "pp",
    "prof",   "rev", "sec",  "st", "viz", "vol",  "vs",    NULL};

/* 'text' with every run of white space as one space, trimmed. */
static char *
collapse(const char *text, size_t len, size_t *out_len)
{
    ms_buf_t out = MS_BUF_INIT;
    bool space = false;

    for (size_t i = 0; i < len; i++) {
        if (isspace((unsigned char)text[i])) {
            space = out.len > 0;
            continue;
        }
        if (space)
            ms_buf_putc(&out, ' ');
        space = false;
        ms_buf_putc(&out, text[i]);
    }
    return ms_buf_take(&out, out_len);
}

/* Whether the word that ends with the period at text[dot] is an
 * abbreviation: one with an inner period, a single letter (an initial), or
 * one of ABBREVIATIONS. */
static bool
abbreviation(const char *text, size_t dot)
{
    size_t start = dot;

    while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '(')
        start--;
    if (dot - start == 1 && isalpha((unsigned char)text[start]))
        return true;
    if (memchr(text + start, '.', dot - start) != NULL)
        return true;
    for (const char *const *a = ABBREVIATIONS; *a; a++) {
        if (strlen(*a) == dot - start && strncasecmp(text + start, *a, dot - start) == 0)
            return true;
    }
    return false;
}

/* The length of the sentence end at text[i] ('.', '!', '?', or the
 * full stops and question marks of Arabic and CJK), or 0. */
static size_t
end_mark(const char *text, size_t i)
{
    static const char *const MARKS[] = {"\xd8\x9f",     /* ARABIC QUESTION MARK */
                                        "\xdb\x94",     /* ARABIC FULL STOP */
                                        "\xe3\x80\x82", /* IDEOGRAPHIC FULL STOP */
                                        "\xef\xbc\x81", /* FULLWIDTH EXCLAMATION MARK */
                                        "\xef\xbc\x9f", /* FULLWIDTH QUESTION MARK */
                                        NULL};

    if (text[i] == '.' || text[i] == '!' || text[i] == '?')
        return 1;
    for (const char *const *m = MARKS; *m; m++) {
        if (strncmp(text + i, *m, strlen(*m)) == 0)
            return strlen(*m);
    }
    return 0;
}

/* Where the first sentence of the collapsed 'text' ends: after its mark,
 * or 'len' when it has none. A CJK mark ends a sentence wherever it is; a
 * Latin one only before a space (or the end) and a word that does not
 * start in lower case, and not after an abbreviation. */
static size_t
sentence_end(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        size_t mark = end_mark(text, i);
        size_t next = i + mark;

        if (mark == 0)
            continue;
        if (mark > 1)
            return next;
        /* Closing quotes and brackets belong to the sentence. */
        while (next < len && strchr("\"')]", text[next]))
            next++;
        if (next < len && text[next] != ' ')
            continue;
        if (next + 1 < len && islower((unsigned char)text[next + 1]))
            continue;
        if (text[i] == '.' && abbreviation(text, i))
            continue;
        return next;
    }
    return len;
}

/* The number of bytes of 'text' holding at most 'max' characters. */
static size_t
chars_to_bytes(const char *text, size_t len, size_t max)
{
    size_t i = 0, n = 0;

    while (i < len) {
        uint32_t cp;
        size_t step = ms_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (n == max)
            break;
        i += step ? step : 1;
        n++;
    }
    return i;
}

char *
ms_archive__sentence_title(const char *text, size_t len, size_t max_chars)
{
    size_t n = 0, end, cut;
    char *flat = collapse(text, len, &n), *title = NULL;
    ms_buf_t out = MS_BUF_INIT;

    if (!flat)
        return NULL;
    end = sentence_end(flat, n);
    /* A title does not end in a full stop; a question keeps its mark. */
    if (end > 0 && flat[end - 1] == '.')
        end--;
    cut = chars_to_bytes(flat, end, max_chars);
    if (cut < end) {
        /* At the last space within the limit, unless that leaves too
         * little (a text without spaces, such as Chinese). */
        size_t space = cut;
        while (space > 0 && flat[space] != ' ')
            space--;
        if (space > cut / 2)
            cut = space;
        while (cut > 0 && strchr(" ,;:-", flat[cut - 1]))
            cut--;
        ms_buf_append(&out, flat, cut);
        ms_buf_puts(&out, ELLIPSIS);
    } else {
        ms_buf_append(&out, flat, end);
    }
    title = ms_buf_take(&out, NULL);
    ms_buf_free(&out);
    free(flat);
    return title;
}
