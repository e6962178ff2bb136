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
 * which would also change what is stored ("ﬁ" into "fi", "²" into "2").
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

bool
ms_index__compose(std::string *out, const char *text, size_t len)
{
    if (!has_non_ascii(text, len))
        return false;
    utf8proc_uint8_t *mapped = nullptr;
    utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(text),
                     static_cast<utf8proc_ssize_t>(len), &mapped,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n == UTF8PROC_ERROR_NOMEM)
        throw std::bad_alloc();
    /* Not UTF-8 (the indexer passes only UTF-8 on): kept as it is. */
    bool changed =
        n >= 0 && (static_cast<size_t>(n) != len || memcmp(mapped, text, len) != 0);
    if (changed)
        out->assign(reinterpret_cast<char *>(mapped), static_cast<size_t>(n));
    free(mapped);
    return changed;
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
