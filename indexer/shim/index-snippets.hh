/* index-snippets.hh - a hit's text cut into chunks, and the snippets marked in them
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: what chunk.cc and snippet.cc offer
 * search.cc and records.cc (which keeps a hit's record with its snippet
 * text). Kept apart from index-private.hh, which holds the rest.
 */
#ifndef MS_INDEX_SNIPPETS_HH
#define MS_INDEX_SNIPPETS_HH

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "index-private.hh"

/* --- the chunks a snippet may come from (chunk.cc), used by snippet.cc --- */

/* A chunk holds at most this many bytes, so that a word's place in it
 * fits in 16 bits (ms_index_span). */
#define MS_INDEX_CHUNK_MAX_BYTES 3000u

/* One passage of a text that a snippet may come from. */
struct ms_index_chunk {
    size_t begin, end;   /* byte range in the text */
    unsigned page;       /* 1-based page of a paged text, else 0 */
    bool cut_before;     /* starts inside a page (or unpaged text) */
    bool cut_after;      /* ends inside one */
    unsigned long score; /* how well it matches the query; see ms_index__best_chunks() */
};

/* Cut 'text' into the passages snippets come from: its pages if it has
 * '\f', cut further when a page is long, else chunks of about 2000 bytes.
 * Blank passages are left out. */
std::vector<ms_index_chunk> ms_index__chunks(const std::string &text);

/* Bits of a chunk's filter of the pairs of bytes its words start with. */
#define MS_INDEX_CHUNK_STARTS 1024u

/* A word of a chunk: its bytes from the chunk's beginning. */
struct ms_index_span {
    uint16_t begin, end;
};

/* What snippets read of a hit's text whatever the query: its chunks, the
 * text with ASCII letters in lower case (byte offsets unchanged), in which
 * the query's words are looked for, and the words of each chunk a snippet
 * came from. A reader keeps it with the hit's record (records.cc). */
struct ms_index_snippet_text {
    std::vector<ms_index_chunk> chunks;
    std::string lower;
    /* By chunk: whether its words were found yet, and those words, as
     * Xapian's tokeniser sees them (ms_index_snippets::fill). */
    std::vector<bool> have_words;
    std::vector<std::vector<ms_index_span>> words;
    /* Searches that read it so far (ms_index_snippets::fill). */
    unsigned uses = 0;
    /* By chunk, once ms_index__chunk_starts() made them: the pairs of
     * bytes its words start with, hashed (chunk.cc); empty before. */
    std::vector<std::bitset<MS_INDEX_CHUNK_STARTS>> starts;
};

/* Make the starts of 'st''s chunks: then a query's word is looked for
 * only in the chunks whose words may start as it does. Made for a text
 * read again (a kept record), whose scan it makes cheaper every time. */
void ms_index__chunk_starts(ms_index_snippet_text &st);

/* The character at text[pos] in *cp (U+FFFD for a byte that does not
 * start valid UTF-8); returns its length in bytes. A sequence may run
 * past a chunk's end but not past the string's end. */
size_t ms_index__text_char(const std::string &text, size_t pos, unsigned *cp);

/* The words of chunk 'part' of 'text', as Xapian's tokeniser sees them:
 * whatever the query, so a reader keeps them (ms_index_snippet_text). A
 * word's last character may run past the chunk's end; the word is cut
 * there. */
std::vector<ms_index_span> ms_index__chunk_words(const std::string &text,
                                                 const ms_index_chunk &part);

/* The snippet text of 'text' (a hit's body, or its title). */
ms_index_snippet_text ms_index__snippet_text(const std::string &text);

/* The bytes 'st' holds, as a reader's cache counts them. */
size_t ms_index__snippet_text_bytes(const ms_index_snippet_text &st);

/* The at most 'wanted' chunks of 'chunks' (a copy of those of 'st', for
 * their scores) that hold the most of 'forms' (the query's words, lower
 * case) in st.lower, best first, scoring each chunk; the first chunk when
 * none holds any. */
std::vector<const ms_index_chunk *>
ms_index__best_chunks(std::vector<ms_index_chunk> &chunks,
                      const ms_index_snippet_text &st,
                      const std::vector<std::string> &forms, size_t wanted);

/* A hit's record as a reader keeps it (records.cc): the stored fields,
 * and its snippet text once snippets have asked for it. */
struct ms_index_record {
    ms_index_stored stored;
    std::shared_ptr<ms_index_snippet_text> snippet_text;
};

/* --- snippets (snippet.cc), used by search.cc --- */

/* What marks a passage cut inside a chunk, a page or the text. */
#define MS_INDEX_ELLIPSIS "\xe2\x80\xa6"

/* Whether 'text' ends with 'tail' (passage.cc). */
bool ms_index__ends_with(const std::string &text, const char *tail);

/* A word of a chunk: its byte range and the query word it matches (an
 * index into ms_index_snippets::weights_), or -1. */
struct ms_index_word {
    size_t begin, end;
    int match;
};

/* The passage of chunk 'part' of 'text' as HTML (passage.cc): around
 * words[first .. last] when 'found' (some text before them, from a
 * sentence's start if one is near), else from the chunk's beginning, of
 * about 'length' bytes; escaped, runs of white space as one space, the
 * words that match marked, with an ellipsis where it cuts the chunk, a
 * page or the text. */
std::string ms_index__passage_html(const std::string &text,
                                   const std::vector<ms_index_word> &words, bool found,
                                   size_t first, size_t last, const ms_index_chunk &part,
                                   size_t length);

/* The snippets of one search's hits: the query's words, their weights and
 * a cache of the words of the text already stemmed. One per search and
 * thread; it borrows nothing after construction. */
class ms_index_snippets
{
  public:
    /* 'words' is the query as typed (no feedback terms, no filters);
     * 'length' the bytes of text a passage aims at; 'max_snippets' the
     * passages a hit gets (0: one). Throws Xapian::Error. */
    ms_index_snippets(const Xapian::Database &db, const Xapian::Query &words,
                      const Xapian::Stem &stemmer, const char *language, unsigned length,
                      size_t max_snippets);

    /* The query has CJK words, which only MSet::snippet() marks: fill()
     * then needs an MSet of 'words'. */
    bool needs_mset() const
    {
        return cjk_;
    }

    /* Fill hit->snippets (and hit->snippet, their first) from the best
     * passages of the stored body, or of the title when there is none;
     * the record's snippet text is made first if it has none yet.
     * 'mset' is used only when needs_mset(). Throws std::bad_alloc;
     * on a throw, the hit holds what was allocated (free_results()). */
    void fill(ms_hit_t *hit, ms_index_record &record, const Xapian::MSet *mset);

  private:
    void add_wildcards(const Xapian::Query &query);
    void add_phrase(const std::vector<std::string> &phrase);
    void confine(std::vector<ms_index_word> &words) const;
    int match(const std::string &lower);
    std::vector<ms_index_word> words_of(const std::string &text,
                                        const ms_index_chunk &part,
                                        const std::vector<ms_index_span> &spans);
    void best_window(const std::vector<ms_index_word> &words, size_t *first, size_t *last,
                     bool *found) const;
    std::string passage(const std::string &text, const ms_index_chunk &part,
                        const std::vector<ms_index_span> &spans, bool *found);
    std::string xapian_passage(const Xapian::MSet &mset, const std::string &text,
                               const ms_index_chunk &part) const;

    Xapian::Stem stemmer_;
    unsigned length_;
    size_t wanted_;
    bool cjk_ = false;
    bool prefix_filter_ = false;
    /* Weight of each query word (exact, stem or wildcard) by index. */
    std::vector<double> weights_;
    /* By the same index: the word is in the query's phrases only. */
    std::vector<bool> phrase_only_;
    /* The query's phrases, each as the indexes of its words. */
    std::vector<std::vector<int>> phrases_;
    std::unordered_map<std::string, size_t> exact_, stems_;
    std::vector<std::pair<std::string, size_t>> wildcards_;
    /* Words of the texts seen so far -> the stem's index or -1. */
    std::unordered_map<std::string, int> stemmed_;
    /* Strings looked for when ranking chunks. */
    std::vector<std::string> forms_;
    void allow(const std::string &form, bool prefix);

    /* When 'first_filter_': the first two bytes (256 * first + second, 0
     * for a word of one byte) a word in lower case may start with to match
     * a query word (allow()); a word starting otherwise is not looked up
     * (words_of). */
    bool first_filter_ = false;
    std::bitset<65536> pairs_;
};

#endif /* MS_INDEX_SNIPPETS_HH */
