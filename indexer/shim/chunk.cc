/* chunk.cc - a hit's text cut into pages and chunks, the best chunks first
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A hit's text is cut into pages (a PDF's body separates them with '\f')
 * or chunks of about CHUNK_BYTES; the chunks are ranked by a cheap count
 * of the query's words, and the best few each give one passage
 * (snippet.cc).
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
               st.words.capacity() * sizeof(std::vector<ms_index_span>);
    for (const auto &words : st.words)
        n += words.capacity() * sizeof(ms_index_span);
    return n;
}

/* Where 'form' occurs in 'text' from 'from' on, or npos: glibc's memmem,
 * which skips ahead by pairs of bytes, reads long texts several times faster
 * than std::string::find, which stops at every byte equal to the form's
 * first. */
static size_t
find_form(const std::string &text, const std::string &form, size_t from)
{
    if (from > text.size())
        return std::string::npos;
    const void *at =
        memmem(text.data() + from, text.size() - from, form.data(), form.size());
    return at ? static_cast<size_t>(static_cast<const char *>(at) - text.data())
              : std::string::npos;
}

/* Score each chunk: 1000 for every form it contains, plus its number of
 * occurrences (at most 999 a form), so a chunk with more of the query's
 * words beats one that repeats a single word. One pass over the text per
 * form; only ASCII letters are folded, which keeps byte offsets. */
static void
score_chunks(std::vector<ms_index_chunk> &chunks, const std::string &lower,
             const std::vector<std::string> &forms)
{
    std::vector<unsigned long> counts(chunks.size());
    for (const std::string &form : forms) {
        std::fill(counts.begin(), counts.end(), 0);
        bool word_start = ms_index__is_ascii_alnum(static_cast<unsigned char>(form[0]));
        size_t k = 0;
        for (size_t at = find_form(lower, form, 0); at != std::string::npos;
             at = find_form(lower, form, at + 1)) {
            if (word_start && at > 0) {
                unsigned char before = static_cast<unsigned char>(lower[at - 1]);
                if (before >= 0x80 || ms_index__is_ascii_alnum(before))
                    continue;
            }
            while (k < chunks.size() && chunks[k].end <= at)
                k++;
            if (k == chunks.size())
                break;
            if (at >= chunks[k].begin)
                counts[k]++;
        }
        for (size_t i = 0; i < chunks.size(); i++) {
            if (counts[i])
                chunks[i].score += 1000 + std::min(counts[i], 999ul);
        }
    }
}

std::vector<const ms_index_chunk *>
ms_index__best_chunks(std::vector<ms_index_chunk> &chunks, const std::string &lower,
                      const std::vector<std::string> &forms, size_t wanted)
{
    std::vector<const ms_index_chunk *> picks;
    if (chunks.size() == 1)
        picks.push_back(&chunks[0]);
    if (chunks.size() <= 1)
        return picks;
    score_chunks(chunks, lower, forms);
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
