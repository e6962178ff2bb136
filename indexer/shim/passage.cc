/* passage.cc - a passage of a hit's text as HTML, its query words marked
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * snippet.cc finds which words of a chunk match the query and the window
 * of them a passage shows; this file cuts the passage around the window
 * and writes it as HTML (index-snippets.hh).
 */
#include <cstring>
#include <string>
#include <vector>

#include "index-snippets.hh"
#include "index-words.hh"

bool
ms_index__ends_with(const std::string &text, const char *tail)
{
    size_t n = strlen(tail);
    return text.size() >= n && text.compare(text.size() - n, n, tail) == 0;
}

/* Append 'c' escaped for HTML text and attribute values. */
static void
append_escaped(std::string &out, char c)
{
    switch (c) {
    case '&':
        out += "&amp;";
        break;
    case '<':
        out += "&lt;";
        break;
    case '>':
        out += "&gt;";
        break;
    case '"':
        out += "&quot;";
        break;
    case '\'':
        out += "&#39;";
        break;
    default:
        out += c;
    }
}

/* Where a passage showing words[first .. last] of text[part) begins: up
 * to a third of the room 'length' leaves before the window, from a
 * sentence's start if one starts there. */
static size_t
passage_begin(const std::string &text, const std::vector<ms_index_word> &words,
              size_t first, size_t last, const ms_index_chunk &part, size_t length)
{
    size_t span = words[last].end - words[first].begin;
    size_t room = span < length ? (length - span) / 3 : 0;
    size_t k = first;
    while (k > 0 && words[first].begin - words[k - 1].begin <= room) {
        k--;
        if (text[words[k].end] == '.') {
            k++;
            break;
        }
    }
    return k == 0 && words[first].begin - part.begin <= room ? part.begin
                                                             : words[k].begin;
}

/* Where a passage beginning at 'begin' ends: on the last word end within
 * 'length' bytes of it; the whole rest of the chunk if it fits. */
static size_t
passage_end(const std::vector<ms_index_word> &words, size_t begin,
            const ms_index_chunk &part, size_t length)
{
    size_t end = begin;
    bool whole = true;
    for (const ms_index_word &w : words) {
        if (w.begin < begin)
            continue;
        if (w.end - begin > length && end > begin) {
            whole = false;
            break;
        }
        end = w.end;
    }
    if (whole && part.end - begin <= length + length / 4)
        end = part.end;
    return end;
}

/* text[begin, end) as HTML, escaped, runs of white space as one space,
 * the query's words marked, with an ellipsis where it cuts the chunk, a
 * page or the text. */
static std::string
render(const std::string &text, const std::vector<ms_index_word> &words, size_t begin,
       size_t end, const ms_index_chunk &part)
{
    std::string html;
    html.reserve((end - begin) + 64);
    if (begin > part.begin || part.cut_before)
        html += MS_INDEX_ELLIPSIS;
    bool any = false, space = false;
    size_t w = 0;
    while (w < words.size() && words[w].begin < begin)
        w++;
    for (size_t pos = begin; pos < end;) {
        bool at_word = w < words.size() && words[w].begin == pos;
        unsigned char c = static_cast<unsigned char>(text[pos]);
        if (!at_word && (ms_index__is_space(static_cast<char>(c)) || c < 0x20)) {
            space = true;
            pos++;
            continue;
        }
        if (space && any)
            html += ' ';
        space = false;
        any = true;
        if (!at_word) {
            append_escaped(html, static_cast<char>(c));
            pos++;
            continue;
        }
        bool mark = words[w].match >= 0;
        if (mark)
            html += "<mark>";
        for (size_t i = words[w].begin; i < words[w].end; i++)
            append_escaped(html, text[i]);
        if (mark)
            html += "</mark>";
        pos = words[w].end;
        w++;
    }
    if ((end < part.end || part.cut_after) &&
        !ms_index__ends_with(html, MS_INDEX_ELLIPSIS))
        html += MS_INDEX_ELLIPSIS;
    return html;
}

std::string
ms_index__passage_html(const std::string &text, const std::vector<ms_index_word> &words,
                       bool found, size_t first, size_t last, const ms_index_chunk &part,
                       size_t length)
{
    size_t begin =
        found ? passage_begin(text, words, first, last, part, length) : part.begin;
    size_t end = passage_end(words, begin, part, length);
    return render(text, words, begin, end, part);
}
