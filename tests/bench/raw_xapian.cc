/* raw_xapian.cc - the cost of migsearch's queries in a plain loop over libxapian
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: raw_xapian INDEX QUERIES SECONDS
 *   INDEX    a migsearch index (built by migsearch-index)
 *   QUERIES  one query a line, the list wrk rotates through
 *   SECONDS  run the list over and over for at least this long
 * Prints one line: "queries N cpu_us_per_query X wall_us_per_query Y
 * qps_per_core Z bytes B p50_us P p99_us Q": the percentiles are of each
 * query's wall time, nearest rank, as tests/bench/fts5_bench.c reports them
 * (compare-search.sh reads the fields by name; new ones go at the end).
 *
 * Built by tests/bench/lib.sh (build_raw_xapian) with g++ against
 * libxapian-dev; it links nothing of migsearch and includes only its stop
 * list, so it measures what Xapian itself costs for the shim's work. It
 * repeats what indexer/shim/search.cc does for an anonymous
 * /search?q=...&facets=0 request, with the same settings but Xapian's own
 * functions: an English stemmer under STEM_SOME, the same parser flags,
 * prefixes and stop words, the filter hiding restricted documents, BM25
 * (k1 1.2, b 0.5), pseudo relevance feedback with Enquire::get_eset(), 10
 * hits checked over at least 1000 documents, the stored record decoded,
 * and up to 3 snippets of 240 characters a hit made by MSet::snippet()
 * from the best 2000-byte chunks of the body.
 * What it leaves out (synonym expansion, the symbol boost, the spelling
 * check of the correction, JSON) is cheap or rarely taken; the report says
 * so beside the figures.
 */
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <xapian.h>

#include "stopwords.h" /* indexer/shim: the shim's list */

/* Kept equal to indexer/shim/search.cc and config defaults. */
#define HITS 10u
#define CHECK_AT_LEAST 1000u
#define SNIPPET_LENGTH 240u
#define SNIPPETS 3u
#define CHUNK_BYTES 2000u
#define MAX_WILDCARD_EXPANSION 100u
#define DATA_FORMAT_BYTES 1u
#define BM25_K1 1.2
#define BM25_B 0.5
#define FEEDBACK_DOCS 10u
#define FEEDBACK_TERMS 20u
#define FEEDBACK_WEIGHT 0.2

static const unsigned SNIPPET_FLAGS = Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                      Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                      Xapian::MSet::SNIPPET_CJK_NGRAM;
static const unsigned QUERY_FLAGS =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_LOVEHATE |
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_CJK_NGRAM |
    Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS |
    Xapian::QueryParser::FLAG_SPELLING_CORRECTION;

static double
now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Nearest-rank percentile 'p' of the sorted, non-empty 'v'. */
static double
percentile(const std::vector<double> &v, double p)
{
    size_t rank = static_cast<size_t>(p * v.size() + 0.999999);
    rank = std::max<size_t>(1, std::min(rank, v.size()));
    return v[rank - 1];
}

/* The body of migsearch's length-prefixed record (format byte, then id,
 * title, body as varint length + 1 and bytes); "" if it is malformed. */
static std::string
record_body(const std::string &data)
{
    size_t pos = DATA_FORMAT_BYTES;
    std::string field;
    for (int i = 0; i < 3; i++) {
        uint64_t n = 0;
        unsigned shift = 0;
        for (;;) {
            if (pos >= data.size() || shift > 63)
                return std::string();
            unsigned char c = static_cast<unsigned char>(data[pos++]);
            n |= static_cast<uint64_t>(c & 0x7f) << shift;
            shift += 7;
            if (!(c & 0x80))
                break;
        }
        if (n == 0) {
            field.clear();
            continue;
        }
        n--;
        if (n > data.size() - pos)
            return std::string();
        field.assign(data, pos, n);
        pos += n;
    }
    return field;
}

/* Up to SNIPPETS highlighted passages from the chunks of 'text' holding
 * most of the query's words, as the shim picks them; returns their bytes. */
static size_t
snippets(const Xapian::MSet &mset, const std::string &text,
         const std::vector<std::string> &forms, const Xapian::Stem &stemmer)
{
    struct chunk {
        size_t begin, end;
        unsigned long score;
    };
    std::vector<chunk> chunks;
    for (size_t at = 0; at < text.size();) {
        size_t end = std::min(text.size(), at + CHUNK_BYTES);
        size_t space = text.find(' ', end);
        end = space == std::string::npos || space > end + 200 ? std::min(text.size(), end)
                                                              : space;
        chunks.push_back({at, end, 0});
        at = end + 1;
    }
    std::string lower(text);
    for (char &c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    for (const std::string &form : forms) {
        size_t k = 0;
        std::vector<unsigned long> counts(chunks.size());
        for (size_t at = lower.find(form); at != std::string::npos;
             at = lower.find(form, at + 1)) {
            while (k < chunks.size() && chunks[k].end <= at)
                k++;
            if (k == chunks.size())
                break;
            counts[k]++;
        }
        for (size_t i = 0; i < chunks.size(); i++)
            if (counts[i])
                chunks[i].score += 1000 + std::min(counts[i], 999ul);
    }
    std::stable_sort(chunks.begin(), chunks.end(),
                     [](const chunk &a, const chunk &b) { return a.score > b.score; });
    size_t bytes = 0;
    for (size_t i = 0; i < chunks.size() && i < SNIPPETS; i++) {
        if (i > 0 && chunks[i].score == 0)
            break;
        bytes +=
            mset.snippet(text.substr(chunks[i].begin, chunks[i].end - chunks[i].begin),
                         SNIPPET_LENGTH, stemmer, SNIPPET_FLAGS, "<mark>", "</mark>",
                         "\xe2\x80\xa6")
                .size();
    }
    return bytes;
}

/* Expansion terms: stems only. get_eset() leaves out the query's own
 * terms by itself. */
class StemsOnly : public Xapian::ExpandDecider
{
  public:
    bool operator()(const std::string &term) const override
    {
        return term.size() > 1 && term[0] == 'Z';
    }
};

/* One search as the shim runs it; returns bytes of output, so the work
 * cannot be optimised away. */
static size_t
search(const Xapian::Database &db, const std::string &text)
{
    Xapian::Stem stemmer("english");
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_max_expansion(MAX_WILDCARD_EXPANSION,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    parser.add_prefix("title", "S");
    static const Xapian::SimpleStopper stopper(
        MS_STOP_WORDS, MS_STOP_WORDS + sizeof MS_STOP_WORDS / sizeof MS_STOP_WORDS[0]);
    parser.set_stopper(&stopper);
    Xapian::Query query;
    try {
        query = parser.parse_query(text, QUERY_FLAGS);
    } catch (const Xapian::QueryParserError &) {
        return 0;
    }
    std::string corrected = parser.get_corrected_query_string();
    Xapian::Query words = query;
    Xapian::Query visible(Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()),
                          Xapian::Query("XR"));
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, visible);

    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(BM25_K1, 0, 1, BM25_B, 0.5));
    /* Pseudo relevance feedback: the best stems of the first hits, added
     * with OP_AND_MAYBE at a fraction of their weight. */
    Xapian::MSet top = enquire.get_mset(0, FEEDBACK_DOCS);
    Xapian::MSet snippet_mset;
    bool expanded = false;
    if (!top.empty()) {
        Xapian::RSet rset;
        for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it)
            rset.add_document(*it);
        StemsOnly decider;
        Xapian::ESet eset = enquire.get_eset(FEEDBACK_TERMS, rset, &decider);
        if (!eset.empty()) {
            std::vector<Xapian::Query> more(eset.begin(), eset.end());
            Xapian::Query extra(
                Xapian::Query::OP_SCALE_WEIGHT,
                Xapian::Query(Xapian::Query::OP_OR, more.begin(), more.end()),
                FEEDBACK_WEIGHT);
            enquire.set_query(Xapian::Query(
                Xapian::Query::OP_FILTER,
                Xapian::Query(Xapian::Query::OP_AND_MAYBE, words, extra), visible));
            expanded = true;
        }
    }
    Xapian::MSet mset = enquire.get_mset(0, HITS, CHECK_AT_LEAST);
    /* Snippets mark the words typed: an MSet of the query as typed. */
    snippet_mset = mset;
    if (expanded) {
        Xapian::Enquire plain(db);
        plain.set_query(query);
        snippet_mset = plain.get_mset(0, 0);
    }

    std::vector<std::string> forms;
    for (Xapian::TermIterator it = words.get_unique_terms_begin();
         it != words.get_unique_terms_end() && forms.size() < 16; ++it) {
        const std::string &term = *it;
        if (term.empty())
            continue;
        if (term[0] == 'Z' && term.size() > 1)
            forms.push_back(term.substr(1));
        else if (!(term[0] >= 'A' && term[0] <= 'Z'))
            forms.push_back(term);
    }
    size_t bytes = corrected.size() + query.get_description().size();
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        bytes += snippets(snippet_mset, record_body(it.get_document().get_data()), forms,
                          stemmer);
    return bytes;
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: raw_xapian INDEX QUERIES SECONDS\n");
        return 2;
    }
    std::vector<std::string> queries;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            queries.push_back(line);
    if (queries.empty()) {
        fprintf(stderr, "raw_xapian: no queries in %s\n", argv[2]);
        return 2;
    }
    double seconds = atof(argv[3]);
    try {
        Xapian::Database db(argv[1]);
        size_t bytes = 0;
        /* One warm-up pass, as wrk's first requests warm the server. */
        for (const std::string &q : queries)
            bytes += search(db, q);
        unsigned long n = 0;
        std::vector<double> times;
        times.reserve(1u << 16);
        double wall0 = now(CLOCK_MONOTONIC), cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
        do {
            for (const std::string &q : queries) {
                double t0 = now(CLOCK_MONOTONIC);
                bytes += search(db, q);
                times.push_back(now(CLOCK_MONOTONIC) - t0);
                n++;
            }
        } while (now(CLOCK_MONOTONIC) - wall0 < seconds);
        double wall = now(CLOCK_MONOTONIC) - wall0;
        double cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        std::sort(times.begin(), times.end());
        printf("queries %lu cpu_us_per_query %.1f wall_us_per_query %.1f "
               "qps_per_core %.0f bytes %zu p50_us %.1f p99_us %.1f\n",
               n, cpu / n * 1e6, wall / n * 1e6, n / cpu, bytes,
               percentile(times, 0.50) * 1e6, percentile(times, 0.99) * 1e6);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "raw_xapian: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}
