/* limit_fcgi.cc - the limit of a search through nginx: the FastCGI floor plus Xapian's
 * own match
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: limit_fcgi SOCKET INDEX THREADS
 *        limit_fcgi INDEX QUERIES ROUNDS loop
 *   SOCKET   the unix socket to listen on (nginx's fastcgi_pass)
 *   INDEX    a migsearch index (built by migsearch-index)
 *   THREADS  responder threads, each with its own Xapian::Database
 *   loop     no server: the match of each line of QUERIES, ROUNDS times
 *            after a warm-up round, in one thread (as search_loop.c runs
 *            the shim's; profiled by callgrind in limit.sh)
 *
 * Issue 20's "limit": what a search through nginx and libfcgi costs when
 * the handler does nothing but Xapian's own match. A request without a
 * "q=" parameter is answered {"ok":true} at once, as the floor's responder
 * (../shared/bench/fcgi-floor/hello.c) answers it; a request with one has
 * its text parsed by Xapian's QueryParser (English stemming STEM_SOME, the
 * shim's stop words, the default operator OR, title: as the prefix S) and
 * matched with BM25 (the shim's k1 1.2 and b 0.5), top 10, Xapian's own
 * check (no check_at_least), no snippets, no feedback, no documents read:
 * the answer is the estimate and the ten document numbers as JSON. So
 * migsearch's time a request over this one's is what everything the shim
 * and the server add costs (tests/bench/limit.sh).
 *
 * Built by tests/bench/limit.sh with g++ against libxapian and libfcgi.
 */
#include <fcgiapp.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <xapian.h>

#include "stopwords.h" /* indexer/shim: the shim's list */

#define HITS 10u
#define BM25_K1 1.2
#define BM25_B 0.5

static int listen_socket;
static const char *index_path;

/* The value of 'q' in the query string 'qs', percent-decoded ('+' is a
 * space); false when there is none. */
static bool
query_text(std::string *out, const char *qs)
{
    for (const char *at = qs; at;
         at = std::strchr(at, '&') ? std::strchr(at, '&') + 1 : nullptr) {
        if (std::strncmp(at, "q=", 2) != 0)
            continue;
        out->clear();
        for (at += 2; *at && *at != '&'; at++) {
            unsigned byte;
            if (*at == '+') {
                out->push_back(' ');
            } else if (*at == '%' && std::sscanf(at + 1, "%2x", &byte) == 1) {
                out->push_back(static_cast<char>(byte));
                at += 2;
            } else {
                out->push_back(*at);
            }
        }
        return true;
    }
    return false;
}

/* Xapian's own match of 'text': the answer's JSON. */
static std::string
match(const Xapian::Database &db, const std::string &text)
{
    static const Xapian::SimpleStopper stopper(
        MS_STOP_WORDS, MS_STOP_WORDS + sizeof MS_STOP_WORDS / sizeof MS_STOP_WORDS[0]);
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_stopper(&stopper);
    parser.add_prefix("title", "S");
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(text));
    enquire.set_weighting_scheme(Xapian::BM25Weight(BM25_K1, 0, 1, BM25_B, 0.5));
    Xapian::MSet mset = enquire.get_mset(0, HITS);
    std::string json =
        "{\"estimate\":" + std::to_string(mset.get_matches_estimated()) + ",\"hits\":[";
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        json += (it == mset.begin() ? "" : ",") + std::to_string(*it);
    return json + "]}\n";
}

static void *
worker(void *)
{
    Xapian::Database db(index_path);
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_socket, 0);
    std::string text;
    while (FCGX_Accept_r(&request) >= 0) {
        std::string body = "{\"ok\":true}\n";
        if (query_text(&text, FCGX_GetParam("QUERY_STRING", request.envp))) {
            try {
                body = match(db, text);
            } catch (const Xapian::Error &e) {
                body = std::string("{\"error\":\"") + e.get_type() + "\"}\n";
            }
        }
        FCGX_FPrintF(request.out, "Content-Type: application/json\r\n\r\n");
        FCGX_PutStr(body.data(), static_cast<int>(body.size()), request.out);
        FCGX_Finish_r(&request);
    }
    return nullptr;
}

/* The loop mode: prints the bytes of every answer, so that none is
 * optimised away. */
static int
loop(const char *index, const char *queries, int rounds)
{
    Xapian::Database db(index);
    std::ifstream in(queries);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    size_t bytes = 0;
    for (int r = 0; r <= rounds; r++)
        for (const std::string &text : lines)
            bytes += match(db, text).size();
    std::printf("queries=%zu bytes=%zu\n", lines.size() * (rounds + 1), bytes);
    return lines.empty() ? 1 : 0;
}

int
main(int argc, char **argv)
{
    if (argc == 5 && std::strcmp(argv[4], "loop") == 0)
        return loop(argv[1], argv[2], std::atoi(argv[3]));
    if (argc != 4 || std::atoi(argv[3]) < 1 || std::atoi(argv[3]) > 64) {
        std::fprintf(stderr, "usage: limit_fcgi SOCKET INDEX THREADS\n");
        return 2;
    }
    index_path = argv[2];
    FCGX_Init();
    listen_socket = FCGX_OpenSocket(argv[1], 128);
    if (listen_socket < 0) {
        std::perror(argv[1]);
        return 1;
    }
    int n = std::atoi(argv[3]);
    pthread_t threads[64];
    for (int i = 0; i < n; i++)
        pthread_create(&threads[i], nullptr, worker, nullptr);
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], nullptr);
    return 0;
}
