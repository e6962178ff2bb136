/* chunk.cc - a hit's text cut into pages and chunks, the best chunks first
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A hit's text is cut into pages (a PDF's body separates them with '\f')
 * or chunks of about CHUNK_BYTES; the chunks are ranked by a cheap count
 * of the query's words, and the best few each give one passage
 * (snippet.cc), from the chunk's words as Xapian's tokeniser sees them
 * (found here once, kept with a kept record).
 */
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "index-snippets.hh"
#include "ms_utf8.h"

/* Snippet chunks: unpaged text, and a page longer than
 * MS_INDEX_CHUNK_MAX_BYTES, is cut after about CHUNK_BYTES at a space found
 * within CHUNK_SPACE_SEARCH bytes. Each chunk gives at most one passage. */
#define CHUNK_BYTES 2000u
#define CHUNK_SPACE_SEARCH 200u

static_assert(CHUNK_BYTES + CHUNK_SPACE_SEARCH <= MS_INDEX_CHUNK_MAX_BYTES &&
                  MS_INDEX_CHUNK_MAX_BYTES <= UINT16_MAX,
              "a cut chunk fits the maximum, and a word's place in it 16 bits");

/* Where to end a chunk that starts at 'pos' of text[.. end): after the
 * first space past CHUNK_BYTES, or on a character boundary at
 * CHUNK_BYTES when there is no space near (CJK text has none). */
static size_t
cut_point(const std::string &text, size_t pos, size_t end)
{
    size_t target = pos + CHUNK_BYTES;
    size_t limit = std::min(end, target + CHUNK_SPACE_SEARCH);
    for (size_t i = target; i < limit; i++) {
        if (ms_index__is_space(text[i]))
            return i + 1;
    }
    /* Not at 0: a chunk holds at least one byte. */
    return pos +
           std::max<size_t>(ms_utf8_cut(text.data() + pos, end - pos, CHUNK_BYTES), 1);
}

/* A PDF's body separates its pages with '\f'. */
std::vector<ms_index_chunk>
ms_index__chunks(const std::string &text)
{
    std::vector<ms_index_chunk> chunks;
    bool paged = text.find('\f') != std::string::npos;
    size_t start = 0;
    unsigned page = 1;
    for (;;) {
        size_t end = paged ? text.find('\f', start) : std::string::npos;
        if (end == std::string::npos)
            end = text.size();
        size_t pos = start;
        while (pos < end) {
            size_t stop =
                end - pos > MS_INDEX_CHUNK_MAX_BYTES ? cut_point(text, pos, end) : end;
            bool blank = true;
            for (size_t i = pos; blank && i < stop; i++)
                blank = ms_index__is_space(text[i]);
            if (!blank)
                chunks.push_back(
                    {pos, stop, paged ? page : 0, pos != start, stop != end, 0});
            pos = stop;
        }
        if (end == text.size())
            break;
        start = end + 1;
        page++;
    }
    return chunks;
}

/* Word characters among ASCII, as Xapian's tokeniser sees them. */
static bool
ascii_wordchar(unsigned char c)
{
    static bool table[128];
    static bool ready = false;
    if (!ready) {
        for (unsigned i = 0; i < 128; i++)
            table[i] = Xapian::Unicode::is_wordchar(i);
        ready = true;
    }
    return table[c];
}

size_t
ms_index__text_char(const std::string &text, size_t pos, unsigned *cp)
{
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    uint32_t code = 0;
    size_t n = ms_utf8_decode(reinterpret_cast<const unsigned char *>(text.data()) + pos,
                              text.size() - pos, &code);
    *cp = n ? code : 0xFFFD;
    return n ? n : 1;
}

static bool
is_wordchar(unsigned cp)
{
    return cp < 0x80 ? ascii_wordchar(static_cast<unsigned char>(cp))
                     : Xapian::Unicode::is_wordchar(cp);
}

std::vector<ms_index_span>
ms_index__chunk_words(const std::string &text, const ms_index_chunk &part)
{
    std::vector<ms_index_span> words;
    size_t pos = part.begin, end = part.end;
    unsigned cp = 0;
    for (;;) {
        while (pos < end) {
            size_t n = ms_index__text_char(text, pos, &cp);
            if (is_wordchar(cp))
                break;
            pos += n;
        }
        if (pos >= end)
            break;
        size_t start = pos;
        while (pos < end) {
            size_t n = ms_index__text_char(text, pos, &cp);
            if (!is_wordchar(cp))
                break;
            pos += n;
        }
        pos = std::min(pos, end);
        words.push_back({static_cast<uint16_t>(start - part.begin),
                         static_cast<uint16_t>(pos - part.begin)});
    }
    return words;
}

ms_index_snippet_text
ms_index__snippet_text(const std::string &text)
{
    ms_index_snippet_text out;
    out.chunks = ms_index__chunks(text);
    out.have_words.assign(out.chunks.size(), false);
    out.words.resize(out.chunks.size());
    if (out.chunks.size() <= 1)
        return out; /* not scored: ms_index__best_chunks() */
    out.lower = text;
    for (char &c : out.lower) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

size_t
ms_index__snippet_text_bytes(const ms_index_snippet_text &st)
{
    size_t n = sizeof st + st.lower.capacity() +
               st.chunks.capacity() * sizeof(ms_index_chunk) + st.have_words.size() / 8 +
               st.words.capacity() * sizeof(std::vector<ms_index_span>) +
               st.starts.capacity() * sizeof(st.starts[0]);
    for (const auto &words : st.words)
        n += words.capacity() * sizeof(ms_index_span);
    return n;
}

/* Where 'form' occurs whole in text[from, to), or npos: glibc's memmem,
 * which skips ahead by pairs of bytes, reads long texts several times faster
 * than std::string::find, which stops at every byte equal to the form's
 * first. */
static size_t
find_form(const std::string &text, const std::string &form, size_t from, size_t to)
{
    if (from > to)
        return std::string::npos;
    const void *at = memmem(text.data() + from, to - from, form.data(), form.size());
    return at ? static_cast<size_t>(static_cast<const char *>(at) - text.data())
              : std::string::npos;
}

/* Whether an occurrence of a form at lower[at] counts: a form that starts
 * with an ASCII letter or digit must start a word there, after the text's
 * beginning or an ASCII byte that is neither. */
static bool
starts_word(const std::string &lower, size_t at)
{
    if (at == 0)
        return true;
    unsigned char before = static_cast<unsigned char>(lower[at - 1]);
    return before < 0x80 && !ms_index__is_ascii_alnum(before);
}

/* The bit of the starts filter for a word starting with bytes a, b. */
static size_t
start_bit(unsigned char a, unsigned char b)
{
    return (a * 131u + b) % MS_INDEX_CHUNK_STARTS;
}

void
ms_index__chunk_starts(ms_index_snippet_text &st)
{
    const std::string &lower = st.lower;
    st.starts.assign(st.chunks.size(), {});
    for (size_t k = 0; k < st.chunks.size(); k++) {
        /* Every place a form of two bytes or more may count (score_chunks):
         * an ASCII letter or digit starting a word, with a byte after it. */
        for (size_t p = st.chunks[k].begin; p < st.chunks[k].end && p + 1 < lower.size();
             p++) {
            unsigned char c = static_cast<unsigned char>(lower[p]);
            if (ms_index__is_ascii_alnum(c) && starts_word(lower, p))
                st.starts[k].set(start_bit(c, static_cast<unsigned char>(lower[p + 1])));
        }
    }
}

/* The occurrences of 'form' whole in lower[from, to) that count, as
 * positions, given to 'count'. */
template <typename F>
static void
each_occurrence(const std::string &lower, const std::string &form, bool word_start,
                size_t from, size_t to, F count)
{
    for (size_t at = find_form(lower, form, from, to); at != std::string::npos;
         at = find_form(lower, form, at + 1, to)) {
        if (!word_start || starts_word(lower, at))
            count(at);
    }
}

/* Score each chunk: 1000 for every form it contains, plus its number of
 * occurrences (at most 999 a form), so a chunk with more of the query's
 * words beats one that repeats a single word. One pass over the text per
 * form, or, with the text's starts made, over the chunks whose words may
 * start as the form; only ASCII letters are folded, which keeps byte
 * offsets. */
static void
score_chunks(std::vector<ms_index_chunk> &chunks, const ms_index_snippet_text &st,
             const std::vector<std::string> &forms)
{
    const std::string &lower = st.lower;
    std::vector<unsigned long> counts(chunks.size());
    for (const std::string &form : forms) {
        std::fill(counts.begin(), counts.end(), 0);
        bool word_start = ms_index__is_ascii_alnum(static_cast<unsigned char>(form[0]));
        if (word_start && form.size() >= 2 && !st.starts.empty()) {
            size_t bit = start_bit(static_cast<unsigned char>(form[0]),
                                   static_cast<unsigned char>(form[1]));
            for (size_t i = 0; i < chunks.size(); i++) {
                if (!st.starts[i].test(bit))
                    continue;
                /* An occurrence counts for the chunk it starts in: it may
                 * end past the chunk's end. */
                size_t to = std::min(lower.size(), chunks[i].end + form.size() - 1);
                each_occurrence(lower, form, true, chunks[i].begin, to,
                                [&](size_t at) { counts[i] += at < chunks[i].end; });
            }
        } else {
            size_t k = 0;
            each_occurrence(lower, form, word_start, 0, lower.size(), [&](size_t at) {
                while (k < chunks.size() && chunks[k].end <= at)
                    k++;
                if (k < chunks.size() && at >= chunks[k].begin)
                    counts[k]++;
            });
        }
        for (size_t i = 0; i < chunks.size(); i++) {
            if (counts[i])
                chunks[i].score += 1000 + std::min(counts[i], 999ul);
        }
    }
}

std::vector<const ms_index_chunk *>
ms_index__best_chunks(std::vector<ms_index_chunk> &chunks,
                      const ms_index_snippet_text &st,
                      const std::vector<std::string> &forms, size_t wanted)
{
    std::vector<const ms_index_chunk *> picks;
    if (chunks.size() == 1)
        picks.push_back(&chunks[0]);
    if (chunks.size() <= 1)
        return picks;
    score_chunks(chunks, st, forms);
    std::vector<const ms_index_chunk *> order;
    for (const ms_index_chunk &part : chunks)
        order.push_back(&part);
    std::stable_sort(order.begin(), order.end(),
                     [](const ms_index_chunk *a, const ms_index_chunk *b) {
                         return a->score > b->score;
                     });
    for (const ms_index_chunk *part : order) {
        if (picks.size() == wanted || part->score == 0)
            break;
        picks.push_back(part);
    }
    /* Matched by the title or a wildcard only: show the beginning. */
    if (picks.empty())
        picks.push_back(&chunks[0]);
    return picks;
}
