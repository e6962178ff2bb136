/* words.cc - a query's text before parsing: limits, capitals, plain words
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Queries come straight from intranet users, so the work one may cost is
 * bounded here, on the raw text, before Xapian sees it (docs/index-schema.md,
 * "Limits"): a query over max_bytes is cut at a word boundary and searched
 * as its first words; a query with more words than max_terms is not
 * refused either, its first max_terms words that are not stop words are
 * searched as plain words (a delegate pasting a paragraph); and bracket
 * nesting deeper than max_depth is never parsed (Xapian's matcher recurses
 * once per level, so deep nesting would overflow the stack), the query is
 * searched as plain words. A bound left at 0 takes the default of
 * ms_limits.h, the same number the server's configuration defaults to.
 */
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "index-private.hh"
#include "ms_limits.h"
#include "ms_utf8.h"
#include "stopwords.h"

/* Words with capitals, and no lower-case letter anywhere, that make a
 * query read as typed with caps lock on (see in_capitals()). */
#define CAPITALS_MIN_WORDS 3u

/* Symbols looked up per query. */
#define MAX_SYMBOLS 8u

static bool
is_blank(const char *text)
{
    for (; *text; text++) {
        if (!ms_index__is_space(*text))
            return false;
    }
    return true;
}

/* A byte of a word as the limits count words: an ASCII letter or digit,
 * or any byte of a non-ASCII character. */
static bool
is_word_byte(unsigned char c)
{
    return c >= 0x80 || ms_index__is_ascii_alnum(c);
}

/* The words of 'query' as a limit checked before parsing counts them,
 * operators included: runs of ASCII letters and digits and non-ASCII
 * bytes, each CJK character on its own. Slightly generous ("E/CN.4" is
 * three), which errs on the safe side. */
static size_t
count_terms(const char *query)
{
    size_t n = 0;
    bool in_word = false;
    const unsigned char *s = reinterpret_cast<const unsigned char *>(query);
    while (*s) {
        if (ms_index__is_cjk_at(s)) {
            n++;
            in_word = false;
            s += 3;
            continue;
        }
        bool word = is_word_byte(*s);
        if (word && !in_word)
            n++;
        in_word = word;
        s++;
    }
    return n;
}

std::vector<std::string>
ms_index__split(const std::string &text, char separator)
{
    std::vector<std::string> pieces;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(separator, start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            pieces.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return pieces;
}

std::vector<std::string>
ms_index__words_of(const std::string &text)
{
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_word_byte(static_cast<unsigned char>(text[i]))) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i])))
            i++;
        words.push_back(text.substr(start, i - start));
    }
    return words;
}

/* The deepest bracket nesting of 'query'. Brackets inside quotes count
 * too: counting too many only sends a query to plain words. */
static size_t
bracket_depth(const char *query)
{
    size_t depth = 0, deepest = 0;
    for (const char *s = query; *s; s++) {
        if (*s == '(' && ++depth > deepest)
            deepest = depth;
        else if (*s == ')' && depth > 0)
            depth--;
    }
    return deepest;
}

/* Whether 'token' looks like a UN document symbol: ASCII letters, digits,
 * '.' and '-' in at least three non-empty parts separated by '/', first
 * a letter (E/CN.4/2003/74, A/RES/73/195). */
static bool
is_symbol(const std::string &token)
{
    unsigned char first = token.empty() ? 0 : static_cast<unsigned char>(token[0]);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
        return false;
    size_t slashes = 0;
    bool after_slash = false;
    for (char c : token) {
        if (c == '/') {
            if (after_slash)
                return false;
            slashes++;
            after_slash = true;
            continue;
        }
        if (!ms_index__is_ascii_alnum(static_cast<unsigned char>(c)) && c != '.' &&
            c != '-')
            return false;
        after_slash = false;
    }
    return slashes >= 2 && !after_slash;
}

/* Symbols are space-separated tokens with leading brackets, quotes and '+'
 * and trailing brackets, quotes and punctuation taken off. A token with a
 * field prefix (symbol:...) is left to the parser, and one excluded with
 * '-' is not a symbol. */
std::vector<std::string>
ms_index__find_symbols(const char *query, size_t len)
{
    std::vector<std::string> symbols;
    const char *s = query, *stop = query + len;
    while (s < stop && symbols.size() < MAX_SYMBOLS) {
        while (s < stop && ms_index__is_space(*s))
            s++;
        const char *start = s;
        while (s < stop && !ms_index__is_space(*s))
            s++;
        const char *end = s;
        while (start < end && (*start == '+' || *start == '(' || *start == '"'))
            start++;
        while (end > start && strchr(")\",;.", end[-1]))
            end--;
        std::string token(start, static_cast<size_t>(end - start));
        if (is_symbol(token))
            symbols.push_back(token);
    }
    return symbols;
}

/* No brackets, quotes, prefixes or love/hate marks remain; bytes of
 * multi-byte UTF-8 characters are kept. */
std::string
ms_index__plain_words(const std::string &query)
{
    std::string out(query);
    for (char &c : out) {
        if (!is_word_byte(static_cast<unsigned char>(c)))
            c = ' ';
    }
    return out;
}

const Xapian::Stopper *
ms_index__stop_words()
{
    static const Xapian::SimpleStopper stopper(
        MS_STOP_WORDS, MS_STOP_WORDS + sizeof MS_STOP_WORDS / sizeof MS_STOP_WORDS[0]);
    return &stopper;
}

static bool
is_stop_word(const std::string &word)
{
    return (*ms_index__stop_words())(Xapian::Unicode::tolower(word));
}

/* A query with more than 'max_terms' words, as plain words: its first
 * 'max_terms' words that are not stop words (all words if it has no
 * others). A delegate who pastes a paragraph gets results for its
 * beginning rather than an error, and the work stays bounded by the
 * limit. */
static std::string
first_words(const std::string &query, unsigned max_terms)
{
    std::vector<std::string> words = ms_index__words_of(query);
    bool skip_stop = !std::all_of(words.begin(), words.end(), is_stop_word);
    std::string out;
    size_t n = 0;
    for (const std::string &word : words) {
        if (skip_stop && is_stop_word(word))
            continue;
        size_t terms = count_terms(word.c_str());
        if (n + terms > max_terms)
            break;
        n += terms;
        if (!out.empty())
            out += ' ';
        out += word;
    }
    return out;
}

/* Whether 'query' is written in capitals: no lower-case letter in any
 * script, and at least CAPITALS_MIN_WORDS words with an upper-case one.
 * Such a query is read in lower case. To the parser a capital means "this
 * exact form" (not stemmed) and AND, OR, NOT are operators, but a delegate
 * with caps lock on, or pasting a heading, means the words
 * (docs/relevance.md: NPL's and LISA's queries, written in capitals, lose
 * a quarter of their MAP read as capitals). One or two words in capitals
 * ("UNHCR", "HIV AIDS") are more likely acronyms, and stay exact. */
static bool
in_capitals(const char *query)
{
    size_t words = 0;
    bool upper = false;
    for (Xapian::Utf8Iterator it(query); it != Xapian::Utf8Iterator(); ++it) {
        unsigned ch = *it;
        Xapian::Unicode::category category = Xapian::Unicode::get_category(ch);
        if (category == Xapian::Unicode::LOWERCASE_LETTER)
            return false;
        if (!Xapian::Unicode::is_wordchar(ch)) {
            words += upper;
            upper = false;
        } else if (category == Xapian::Unicode::UPPERCASE_LETTER ||
                   category == Xapian::Unicode::TITLECASE_LETTER) {
            upper = true;
        }
    }
    words += upper;
    return words >= CAPITALS_MIN_WORDS;
}

/* Whether a cut before s[at] falls between two words as count_terms()
 * sees them: next to a byte that is not part of a word, or next to a CJK
 * character (each is a word of its own). */
static bool
word_boundary(const unsigned char *s, size_t at)
{
    if (!is_word_byte(s[at]) || !is_word_byte(s[at - 1]))
        return true;
    return ms_index__is_cjk_at(s + at) || (at >= 3 && ms_index__is_cjk_at(s + at - 3));
}

/* Where to cut 'query', of which more than 'max' bytes ('len' of them
 * known) are to be searched: at the last word boundary within 'max'
 * bytes, never inside a character. A first word longer than 'max' is cut
 * at its last character that fits. */
static size_t
cut_at_word(const char *query, size_t len, size_t max)
{
    const unsigned char *s = reinterpret_cast<const unsigned char *>(query);
    size_t cut = ms_utf8_cut(query, len, max);
    for (size_t at = cut; at > 0; at--) {
        if ((s[at] & 0xC0) != 0x80 && word_boundary(s, at))
            return at;
    }
    return cut;
}

ms_index_parse_as
ms_index__query_text(std::string *text, size_t *used, const char *query,
                     const ms_search_t *search)
{
    size_t max_bytes = search->max_bytes ? search->max_bytes : MS_LIMIT_QUERY_BYTES;
    unsigned max_terms = search->max_terms ? search->max_terms : MS_LIMIT_QUERY_TERMS;
    unsigned max_depth = search->max_depth ? search->max_depth : MS_LIMIT_QUERY_DEPTH;
    if (is_blank(query))
        return MS_INDEX_PARSE_ALL;
    /* Past the blanks, never read beyond max_bytes + 1: a query may be a
     * megabyte. */
    size_t len = strnlen(query, max_bytes + 1);
    bool cut = len > max_bytes;
    if (cut)
        len = cut_at_word(query, len, max_bytes);
    *used = len;
    text->assign(query, len);
    std::string composed; /* as the documents were indexed */
    if (ms_index__compose(&composed, text->data(), text->size()))
        *text = std::move(composed);
    if (in_capitals(text->c_str()))
        *text = Xapian::Unicode::tolower(*text);
    if (cut || count_terms(text->c_str()) > max_terms) {
        *text = first_words(*text, max_terms);
        return MS_INDEX_PARSE_WORDS;
    }
    if (bracket_depth(text->c_str()) > max_depth) {
        *text = ms_index__plain_words(*text);
        return MS_INDEX_PARSE_WORDS;
    }
    return MS_INDEX_PARSE_QUERY;
}
