/* snippet.cc - the passages of a hit's text shown with the query's words marked
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A hit's text is cut into pages or chunks, and the best few chunks
 * (chunk.cc) each give one passage.
 *
 * Marking the words is done here rather than by Xapian's MSet::snippet():
 * measured on the sample archive (docs/benchmarks.md), MSet::snippet() was
 * 93% of a query's cost (1.0 ms of 1.07 ms for 10 hits), half of it its
 * background model looking up the frequency of every word of the text.
 * Here a word of the text is lower-cased and compared with the query's
 * words; it is stemmed only when it could have one of the query's stems
 * (its first bytes are a stem's), and each distinct word is stemmed once a
 * query. The passage is the window of the chunk holding the most weight of
 * distinct query words, each word weighted by its rarity in the index.
 *
 * Where the words of a chunk are does not depend on the query: they are
 * found the first time a snippet reads the chunk and kept with the hit's
 * record (ms_index_snippet_text), so a record a reader keeps is not
 * tokenised again; each query then looks at the first two bytes of each
 * word and lowers and looks up only the words that could match.
 *
 * A word of the query that is only in its phrases (a synonym group's
 * "migration de retour", a quoted phrase) is marked only where the phrase
 * stands (confine()), and chunks are ranked by the phrase and its longest
 * word rather than by each of its words, so that "de" is not marked
 * wherever it stands. The passage around the window is written as HTML
 * by passage.cc.
 *
 * A query with CJK words still goes through MSet::snippet(): those words
 * are n-grams of a text without spaces, which this word-based matcher does
 * not model.
 */
#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index-snippets.hh"
#include "index-words.hh"

/* Snippets per hit whatever the caller asks. */
#define MAX_SNIPPETS 16u

/* Query words looked for when ranking chunks. */
#define MAX_SNIPPET_FORMS 16u

/* Matches of one chunk considered when choosing its window: bounds the
 * quadratic window search on a chunk that repeats a word. */
#define MAX_CHUNK_MATCHES 256u

/* Bytes of a word compared with a stem's before the word is stemmed. The
 * stemmers of the languages in SUFFIX_STEMMERS only change a word's end,
 * and none shortens a word to fewer than this many bytes and changes them. */
#define STEM_PREFIX_BYTES 2u

/* Chunks tried for each extract asked when the query has phrases: a
 * chunk ranked for a phrase's longest word may show nothing marked (see
 * fill()). Bounds the chunks read for a hit. */
#define PHRASE_CANDIDATES 4u

/* A repeat of a query word in a window counts this part of its weight:
 * two different words beat one word twice. */
#define REPEAT_WEIGHT 0.2

/* Xapian's snippets, for CJK queries only. */
static const unsigned SNIPPET_FLAGS = Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                      Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                      Xapian::MSet::SNIPPET_CJK_NGRAM;

/* Languages whose stemmers only remove or change suffixes (Snowball's
 * Arabic, for one, also removes prefixes): a word of theirs can only stem
 * to a query's stem if it starts like it. */
static const char *const SUFFIX_STEMMERS[] = {
    "da", "de", "en", "es", "fi", "fr", "hu", "it", "nb",
    "nl", "nn", "no", "pt", "ro", "ru", "sv", "tr", nullptr,
};

/* Xapian escapes <, > and & in snippets but not quotes; escape those too so
 * the snippet is safe anywhere HTML text may go. */
static std::string
escape_quotes(const std::string &html)
{
    std::string out;
    out.reserve(html.size());
    for (char c : html) {
        if (c == '"')
            out += "&quot;";
        else if (c == '\'')
            out += "&#39;";
        else
            out += c;
    }
    return out;
}

/* Whether 'term' holds a CJK character. */
static bool
has_cjk(const std::string &term)
{
    const unsigned char *s = reinterpret_cast<const unsigned char *>(term.c_str());
    for (; *s; s++) {
        if (ms_index__is_cjk_at(s))
            return true;
    }
    return false;
}

/* The terms of 'query' that stand alone into *loose, and the terms of each
 * of its phrases into *phrases ("return migration" of a synonym group, a
 * quoted phrase, words the parser joined as in "non-users"). */
static void
query_phrases(const Xapian::Query &query, std::set<std::string> *loose,
              std::vector<std::vector<std::string>> *phrases)
{
    if (query.get_type() == Xapian::Query::LEAF_TERM) {
        loose->insert(*query.get_terms_begin());
        return;
    }
    if (query.get_type() == Xapian::Query::OP_PHRASE) {
        std::vector<Xapian::Query> subs;
        std::vector<std::string> words;
        for (size_t i = 0; i < query.get_num_subqueries(); i++) {
            subs.push_back(query.get_subquery(i));
            if (subs.back().get_type() == Xapian::Query::LEAF_TERM)
                words.push_back(*subs.back().get_terms_begin());
        }
        /* Only a phrase of words side by side: `a ADJ b` is an OP_PHRASE
         * with a wider window, whose words need not touch. Xapian 1.4
         * does not give a query's window; the same words with the
         * default window (their number) describe the same query. */
        Xapian::Query exact(Xapian::Query::OP_PHRASE, subs.begin(), subs.end());
        if (words.size() == subs.size() &&
            exact.get_description() == query.get_description()) {
            phrases->push_back(std::move(words));
            return;
        }
    }
    for (size_t i = 0; i < query.get_num_subqueries(); i++)
        query_phrases(query.get_subquery(i), loose, phrases);
}

ms_index_snippets::ms_index_snippets(const Xapian::Database &db,
                                     const Xapian::Query &words,
                                     const Xapian::Stem &stemmer, const char *language,
                                     unsigned length, size_t max_snippets)
    : stemmer_(stemmer), length_(length),
      wanted_(max_snippets ? std::min<size_t>(max_snippets, MAX_SNIPPETS) : 1)
{
    prefix_filter_ = false;
    for (const char *const *code = SUFFIX_STEMMERS; *code; code++) {
        if (language && strcmp(language, *code) == 0)
            prefix_filter_ = true;
    }
    std::set<std::string> loose;
    std::vector<std::vector<std::string>> phrases;
    query_phrases(words, &loose, &phrases);
    std::set<std::string> in_phrases;
    for (const auto &phrase : phrases)
        in_phrases.insert(phrase.begin(), phrase.end());
    double docs = std::max(1.0, static_cast<double>(db.get_doccount()));
    for (Xapian::TermIterator it = words.get_unique_terms_begin();
         it != words.get_unique_terms_end(); ++it) {
        const std::string &term = *it;
        if (term.empty() || has_cjk(term)) {
            cjk_ = cjk_ || !term.empty();
            continue;
        }
        std::string text;
        bool stem = false;
        if (term[0] == MS_SCHEMA_PREFIX_STEM[0] && term.size() > 1 &&
            !(term[1] >= 'A' && term[1] <= 'Z')) {
            text = term.substr(1);
            stem = true;
        } else if (!(term[0] >= 'A' && term[0] <= 'Z')) {
            text = term;
        } else {
            continue; /* a field's term: not in the body */
        }
        /* Rarer words weigh more, as in ranking: log(1 + N / df). */
        double df = std::max(1.0, static_cast<double>(db.get_termfreq(term)));
        weights_.push_back(std::log(1.0 + docs / df));
        /* A word only of phrases is looked for as its phrases (below);
         * one whose stem the query has alone ("labour" of `labour
         * mobility`, typed without quotes) is marked wherever it stands. */
        bool phrase_only = !stem && in_phrases.count(term) && !loose.count(term) &&
                           !loose.count(MS_SCHEMA_PREFIX_STEM + stemmer_(term));
        phrase_only_.push_back(phrase_only);
        if (stem)
            stems_.emplace(text, weights_.size() - 1);
        else
            exact_.emplace(text, weights_.size() - 1);
        if (forms_.size() < MAX_SNIPPET_FORMS && !phrase_only)
            forms_.push_back(text);
    }
    for (const auto &phrase : phrases)
        add_phrase(phrase);
    add_wildcards(words);
    /* A word matches an exact word or a wildcard only if it starts with
     * its first bytes, and a stem, under prefix_filter_, only if it starts
     * with the stem's first bytes (match(), allow()): most words of a
     * passage start otherwise, and need no look-up. Without the prefix
     * filter a stem may match any word. */
    first_filter_ = prefix_filter_ || stems_.empty();
    for (const auto &word : exact_)
        allow(word.first, false);
    for (const auto &stem : stems_)
        allow(stem.first, true);
    for (const auto &pattern : wildcards_)
        allow(pattern.first, true);
}

/* Let words starting as 'form' (a query word in lower case) past the
 * filter of words_of(): its first two bytes, as match() compares them. A word of one byte
 * has 0 for its second. An exact word is matched whole, so only a word of one byte
 * matches one of one byte. A stem (under prefix_filter_) is compared on at most its first
 * two bytes and the word's, and a wildcard is a prefix: one of one byte lets every word
 * starting with it past, one of more bytes a word of one byte too (for a stem; for a
 * wildcard, the look-up refuses it). */
void
ms_index_snippets::allow(const std::string &form, bool prefix)
{
    unsigned char a = static_cast<unsigned char>(form[0]);
    if (form.size() == 1 && prefix) {
        for (unsigned b = 0; b < 256; b++)
            pairs_.set(a * 256 + b);
        return;
    }
    pairs_.set(a * 256 + (form.size() > 1 ? static_cast<unsigned char>(form[1]) : 0));
    if (prefix)
        pairs_.set(a * 256);
}

/* Patterns of field prefixes (upper-case first byte) are not in the
 * body. */
void
ms_index_snippets::add_wildcards(const Xapian::Query &query)
{
    if (query.get_type() == Xapian::Query::OP_WILDCARD) {
        std::string pattern = ms_index__wildcard_pattern(query);
        if (pattern.empty() || (pattern[0] >= 'A' && pattern[0] <= 'Z'))
            return;
        weights_.push_back(1.0);
        phrase_only_.push_back(false);
        wildcards_.emplace_back(pattern, weights_.size() - 1);
        if (forms_.size() < MAX_SNIPPET_FORMS)
            forms_.push_back(pattern);
        return;
    }
    for (size_t i = 0; i < query.get_num_subqueries(); i++)
        add_wildcards(query.get_subquery(i));
}

/* Look for 'phrase' (its terms) as one: its words in a row mark a
 * passage, a word only of phrases alone does not (confine()). A phrase
 * with a word snippets do not look for (a CJK or a field's term) is left
 * out. Chunks are ranked by the phrase as written with single spaces and
 * by its longest word, which the text holds wherever it holds the phrase,
 * however the words are spaced or joined ("non-users"), and which is the
 * least likely to be a word like "de". */
void
ms_index_snippets::add_phrase(const std::vector<std::string> &phrase)
{
    std::vector<int> indexes;
    std::string longest, written;
    for (const std::string &term : phrase) {
        auto found = exact_.find(term);
        if (found == exact_.end())
            return;
        indexes.push_back(static_cast<int>(found->second));
        if (term.size() > longest.size())
            longest = term;
        written += (written.empty() ? "" : " ") + term;
    }
    if (std::find(phrases_.begin(), phrases_.end(), indexes) != phrases_.end())
        return;
    phrases_.push_back(std::move(indexes));
    for (const std::string &form : {written, longest}) {
        if (forms_.size() < MAX_SNIPPET_FORMS &&
            std::find(forms_.begin(), forms_.end(), form) == forms_.end())
            forms_.push_back(form);
    }
}

/* Unmark in 'words' each word only of phrases that is not part of one of
 * them there: "de" of the synonym "migration de retour" is marked inside
 * that phrase, not wherever it stands. */
void
ms_index_snippets::confine(std::vector<ms_index_word> &words) const
{
    std::vector<bool> in_phrase(words.size());
    for (const std::vector<int> &phrase : phrases_) {
        for (size_t i = 0; i + phrase.size() <= words.size(); i++) {
            size_t k = 0;
            while (k < phrase.size() && words[i + k].match == phrase[k])
                k++;
            if (k == phrase.size())
                std::fill(in_phrase.begin() + static_cast<std::ptrdiff_t>(i),
                          in_phrase.begin() + static_cast<std::ptrdiff_t>(i + k), true);
        }
    }
    for (size_t i = 0; i < words.size(); i++) {
        int m = words[i].match;
        if (m >= 0 && phrase_only_[static_cast<size_t>(m)] && !in_phrase[i])
            words[i].match = -1;
    }
}

/* The query word 'lower' (a word of the text in lower case) matches, or
 * -1. */
int
ms_index_snippets::match(const std::string &lower)
{
    auto exact = exact_.find(lower);
    if (exact != exact_.end())
        return static_cast<int>(exact->second);
    for (const auto &pattern : wildcards_) {
        if (lower.compare(0, pattern.first.size(), pattern.first) == 0)
            return static_cast<int>(pattern.second);
    }
    if (stems_.empty())
        return -1;
    if (prefix_filter_) {
        size_t n = std::min<size_t>(lower.size(), STEM_PREFIX_BYTES);
        bool possible = false;
        for (const auto &stem : stems_) {
            size_t k = std::min(n, stem.first.size());
            if (lower.compare(0, k, stem.first, 0, k) == 0) {
                possible = true;
                break;
            }
        }
        if (!possible)
            return -1;
    }
    auto cached = stemmed_.find(lower);
    if (cached == stemmed_.end()) {
        auto found = stems_.find(stemmer_(lower));
        int index = found == stems_.end() ? -1 : static_cast<int>(found->second);
        cached = stemmed_.emplace(lower, index).first;
    }
    return cached->second;
}

/* text[begin, end) (a word) in lower case, as the query's words are. */
static void
lower_word(std::string &lower, const std::string &text, size_t begin, size_t end)
{
    lower.clear();
    unsigned cp = 0;
    for (size_t pos = begin; pos < end;) {
        size_t n = ms_index__text_char(text, pos, &cp);
        if (cp < 0x80)
            lower += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
        else
            Xapian::Unicode::append_utf8(lower, Xapian::Unicode::tolower(cp));
        pos += n;
    }
}

/* The words 'spans' of chunk 'part' of 'text', each looked up in the
 * query. */
std::vector<ms_index_word>
ms_index_snippets::words_of(const std::string &text, const ms_index_chunk &part,
                            const std::vector<ms_index_span> &spans)
{
    std::vector<ms_index_word> words;
    words.reserve(spans.size());
    std::string lower;
    for (const ms_index_span &span : spans) {
        size_t begin = part.begin + span.begin, end = part.begin + span.end;
        bool lowered = false;
        if (first_filter_) {
            /* The first two bytes in lower case (0 after a word of one). */
            unsigned char a = static_cast<unsigned char>(text[begin]);
            unsigned char b =
                end - begin > 1 ? static_cast<unsigned char>(text[begin + 1]) : 0;
            if (a < 0x80 && b < 0x80) {
                a = static_cast<unsigned char>(a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a);
                b = static_cast<unsigned char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
            } else {
                lower_word(lower, text, begin, end);
                lowered = true;
                a = static_cast<unsigned char>(lower[0]);
                b = lower.size() > 1 ? static_cast<unsigned char>(lower[1]) : 0;
            }
            if (!pairs_.test(a * 256u + b)) {
                words.push_back({begin, end, -1});
                continue;
            }
        }
        if (!lowered)
            lower_word(lower, text, begin, end);
        words.push_back({begin, end, match(lower)});
    }
    return words;
}

/* The window of 'words' holding the most weight of distinct query words
 * within length_ bytes: words[*first .. *last]. *found is false when no
 * word matches. */
void
ms_index_snippets::best_window(const std::vector<ms_index_word> &words, size_t *first,
                               size_t *last, bool *found) const
{
    std::vector<size_t> matches;
    for (size_t i = 0; i < words.size() && matches.size() < MAX_CHUNK_MATCHES; i++) {
        if (words[i].match >= 0)
            matches.push_back(i);
    }
    *first = *last = 0;
    *found = !matches.empty();
    double best = -1;
    std::vector<unsigned> seen(weights_.size());
    for (size_t a = 0; a < matches.size(); a++) {
        std::fill(seen.begin(), seen.end(), 0);
        double score = 0;
        for (size_t b = a; b < matches.size(); b++) {
            const ms_index_word &w = words[matches[b]];
            if (b > a && w.end - words[matches[a]].begin > length_)
                break;
            unsigned m = static_cast<unsigned>(w.match);
            score += seen[m]++ ? REPEAT_WEIGHT * weights_[m] : weights_[m];
            if (score > best) {
                best = score;
                *first = matches[a];
                *last = matches[b];
            }
        }
    }
}

/* One passage of text[part) with the query's words marked: the best
 * window of query words and some text before it, or the chunk's beginning
 * when no word matches (*found false). */
std::string
ms_index_snippets::passage(const std::string &text, const ms_index_chunk &part,
                           const std::vector<ms_index_span> &spans, bool *found)
{
    std::vector<ms_index_word> words = words_of(text, part, spans);
    if (!phrases_.empty())
        confine(words);
    size_t first, last;
    best_window(words, &first, &last, found);
    return ms_index__passage_html(text, words, *found, first, last, part, length_);
}

/* Xapian's highlight of chunk 'part' of 'text', marking that it continues
 * where the chunk cuts a page or unpaged text (MSet::snippet() only knows
 * the chunk). */
std::string
ms_index_snippets::xapian_passage(const Xapian::MSet &mset, const std::string &text,
                                  const ms_index_chunk &part) const
{
    std::string html =
        mset.snippet(text.substr(part.begin, part.end - part.begin), length_, stemmer_,
                     SNIPPET_FLAGS, "<mark>", "</mark>", MS_INDEX_ELLIPSIS);
    if (!html.empty()) {
        if (part.cut_before &&
            html.compare(0, strlen(MS_INDEX_ELLIPSIS), MS_INDEX_ELLIPSIS) != 0)
            html.insert(0, MS_INDEX_ELLIPSIS);
        if (part.cut_after && !ms_index__ends_with(html, MS_INDEX_ELLIPSIS))
            html += MS_INDEX_ELLIPSIS;
    }
    return escape_quotes(html);
}

void
ms_index_snippets::fill(ms_hit_t *hit, ms_index_record &record, const Xapian::MSet *mset)
{
    const ms_index_stored &stored = record.stored;
    const std::string &text = stored.has_body ? stored.body : stored.title;
    if (!record.snippet_text)
        record.snippet_text =
            std::make_shared<ms_index_snippet_text>(ms_index__snippet_text(text));
    ms_index_snippet_text &st = *record.snippet_text;
    /* Read again: the record is kept, and its chunks' starts pay. */
    if (++st.uses == 2 && st.chunks.size() > 1)
        ms_index__chunk_starts(st);
    std::vector<ms_index_chunk> chunks = st.chunks;
    /* A chunk ranked for a phrase's longest word alone has that word
     * unmarked (confine()) and may show nothing marked: such a passage is
     * left out for the next chunk's, and shown only when no chunk tried
     * marks anything. */
    size_t tried = phrases_.empty() ? wanted_ : wanted_ * PHRASE_CANDIDATES;
    std::vector<const ms_index_chunk *> picks =
        ms_index__best_chunks(chunks, st, forms_, tried);

    std::vector<std::pair<std::string, unsigned>> passages, unmarked;
    for (const ms_index_chunk *part : picks) {
        if (passages.size() == wanted_)
            break;
        if (cjk_ && mset) {
            passages.emplace_back(xapian_passage(*mset, text, *part), part->page);
            continue;
        }
        /* The chunk's words, found the first time a snippet reads it. */
        size_t k = static_cast<size_t>(part - chunks.data());
        if (!st.have_words[k]) {
            st.words[k] = ms_index__chunk_words(text, *part);
            st.have_words[k] = true;
        }
        bool found;
        std::string html = passage(text, *part, st.words[k], &found);
        if (found || phrases_.empty())
            passages.emplace_back(std::move(html), part->page);
        else if (unmarked.empty())
            unmarked.emplace_back(std::move(html), part->page);
    }
    if (passages.empty())
        passages = unmarked;
    if (passages.empty())
        passages.emplace_back(std::string(), 0);

    ms_snippet_t *snippets =
        static_cast<ms_snippet_t *>(calloc(passages.size(), sizeof *snippets));
    if (!snippets)
        throw std::bad_alloc();
    /* Published zeroed, so that a failure below frees what exists. */
    hit->snippets = snippets;
    hit->n_snippets = passages.size();
    for (size_t i = 0; i < passages.size(); i++) {
        snippets[i].html = ms_index__strdup(passages[i].first);
        snippets[i].page = passages[i].second;
    }
    hit->snippet = snippets[0].html;
}
