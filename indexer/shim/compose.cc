/* compose.cc - text in Unicode's composed form (NFC), indexed and typed
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The same letter can be written two ways: "й" as one character (U+0439)
 * or as "и" and a combining breve (U+0438 U+0306); "é" likewise. Keyboards
 * type the first (the composed form, NFC); PDF extraction, some editors
 * and the UN's published SDG texts in French, Spanish and Russian give the
 * second. Xapian compares terms byte for byte, so a delegate's "крайнюю"
 * did not find a document that spells it decomposed. Everything that
 * becomes a term, indexed or searched, is composed first: a document's
 * title, text and field values (ms_index_put: also what is stored, so the
 * text shown and its snippets match the terms), a query's text, a filter's
 * value (ms_index__boolean_term) and the synonym entries. Composition is
 * canonical: the text reads the same, only its bytes change. Not NFKC,
 * which would also change what is stored ("²" into "2", "№" into "No").
 *
 * One compatibility mapping is made, though: the Latin ligatures of
 * Unicode's Alphabetic Presentation Forms (U+FB00 to U+FB06: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ
 * ﬆ) become their letters. A ligature is how two or three letters were
 * drawn, not other text: a PDF whose fonts map their "fi" glyph to U+FB01
 * (poppler gives what the font's ToUnicode says) would otherwise hold
 * "ﬁnancial", which no one types, and its snippets would show the glyph.
 */
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <utf8proc.h>

#include "index-private.hh"

/* Whether the 'len' bytes at 'text' have one outside ASCII: text without
 * one is already composed, and most of an English archive is. */
static bool
has_non_ascii(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (static_cast<unsigned char>(text[i]) >= 0x80)
            return true;
    }
    return false;
}

/* U+FB00 to U+FB06 as their letters. In UTF-8 each is EF AC 80 to EF AC
 * 86. */
static const char *const ligature_letters[] = {"ff",  "fi", "fl", "ffi",
                                               "ffl", "st", "st"};

static bool
is_ligature(const char *at, const char *end)
{
    return end - at >= 3 && static_cast<unsigned char>(at[0]) == 0xef &&
           static_cast<unsigned char>(at[1]) == 0xac &&
           static_cast<unsigned char>(at[2]) >= 0x80 &&
           static_cast<unsigned char>(at[2]) <= 0x86;
}

/* 'text' with its Latin ligatures as letters into *out; false (and *out
 * untouched) when it has none. */
static bool
unligature(std::string *out, const char *text, size_t len)
{
    const char *end = text + len, *at = text;
    while (at < end && !is_ligature(at, end))
        at++;
    if (at == end)
        return false;
    out->assign(text, static_cast<size_t>(at - text));
    while (at < end) {
        if (is_ligature(at, end)) {
            out->append(ligature_letters[static_cast<unsigned char>(at[2]) - 0x80]);
            at += 3;
        } else {
            out->push_back(*at++);
        }
    }
    return true;
}

bool
ms_index__compose(std::string *out, const char *text, size_t len)
{
    if (!has_non_ascii(text, len))
        return false;
    std::string letters;
    bool unligatured = unligature(&letters, text, len);
    if (unligatured) {
        text = letters.data();
        len = letters.size();
    }
    utf8proc_uint8_t *mapped = nullptr;
    utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(text),
                     static_cast<utf8proc_ssize_t>(len), &mapped,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n == UTF8PROC_ERROR_NOMEM)
        throw std::bad_alloc();
    /* Not UTF-8 (the indexer passes only UTF-8 on): kept as it is, but
     * for its ligatures. */
    bool composed =
        n >= 0 && (static_cast<size_t>(n) != len || memcmp(mapped, text, len) != 0);
    if (composed)
        out->assign(reinterpret_cast<char *>(mapped), static_cast<size_t>(n));
    else if (unligatured)
        out->swap(letters);
    free(mapped);
    return composed || unligatured;
}

std::string
ms_index__composed(const std::string &text)
{
    std::string out;
    return ms_index__compose(&out, text.data(), text.size()) ? out : text;
}

extern "C" MS_EXPORT char *
ms_index_composed(const char *text) noexcept
{
    assert(text);
    try {
        std::string out;
        size_t len = strlen(text);
        return ms_index__compose(&out, text, len) ? strdup(out.c_str())
                                                  : strndup(text, len);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}
