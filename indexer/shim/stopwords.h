/* stopwords.h - the English words dropped from queries
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Included by search.cc (the shim's stopper) and by
 * tests/bench/raw_xapian.cc, so that the raw Xapian loop of the benchmarks
 * parses with the same list. Measured in docs/relevance.md.
 */
#ifndef MS_STOPWORDS_H
#define MS_STOPWORDS_H

/* English stop words: function words that say nothing about what a
 * document is about, and the words of a request ("I would be interested
 * in ...", "I would be pleased to receive ..."), which delegates and the
 * test collections' queries write around the subject. Negations ("no",
 * "nor", "not") are kept: "recommendations not implemented" means what it
 * says. The parser drops
 * them from a query with other words (a query of stop words only is
 * searched as typed) and keeps them inside phrases. Lower case. */
static const char *const MS_STOP_WORDS[] = {
    "a",          "about",        "above",    "after",      "again",
    "against",    "all",          "also",     "am",         "an",
    "and",        "any",          "are",      "as",         "at",
    "be",         "been",         "before",   "being",      "below",
    "between",    "both",         "but",      "by",         "can",
    "could",      "did",          "do",       "does",       "doing",
    "down",       "during",       "each",     "few",        "for",
    "from",       "further",      "had",      "has",        "have",
    "having",     "he",           "her",      "here",       "hers",
    "him",        "his",          "how",      "i",          "if",
    "in",         "into",         "is",       "it",         "its",
    "itself",     "just",         "may",      "me",         "might",
    "more",       "most",         "must",     "my",         "of",
    "off",        "on",           "once",     "only",       "or",
    "other",      "our",          "ours",     "out",        "over",
    "own",        "same",         "shall",    "she",        "should",
    "so",         "some",         "such",     "than",       "that",
    "the",        "their",        "theirs",   "them",       "then",
    "there",      "these",        "they",     "this",       "those",
    "through",    "to",           "too",      "under",      "until",
    "up",         "upon",         "us",       "very",       "was",
    "we",         "were",         "what",     "when",       "where",
    "which",      "while",        "who",      "whom",       "why",
    "will",       "with",         "would",    "you",        "your",
    "yours",      "especially",   "grateful", "interested", "like",
    "particular", "particularly", "please",   "pleased",    "receive",
    "want",       "wish",
};

#endif /* MS_STOPWORDS_H */
