/* xapian-phrase-filter.cc - does the installed Xapian weigh a phrase wrongly under a
 * filter?
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Xapian alone, no migsearch code: an in-memory database of 240
 * generated texts (words with positions, a stem term per word, one of
 * three boolean type terms), and the shape of query our parser makes of
 * "labour-mobility rights return": a phrase ORed with other words. A
 * boolean filter may only keep or drop a hit, so every hit of the query
 * filtered by a type must weigh what it weighs unfiltered. Xapian 1.4.22
 * gives 15 hits another weight, each without the phrase (the phrase's
 * weight credited to it; docs/relevance.md, "Filters and phrases").
 * migsearch works round it (indexer/shim/filter.cc, ms_index__restrict);
 * this program tells whether a newer Xapian still needs that, and is the
 * reproduction for a report upstream.
 *
 * Build and run:
 *   g++ -o xapian-phrase-filter tests/tools/xapian-phrase-filter.cc \
 *       $(pkg-config --cflags --libs xapian-core) && ./xapian-phrase-filter
 * Prints each hit weighed differently and a summary; exits 1 if any. */
#include <xapian.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using Query = Xapian::Query;

namespace
{

unsigned long seed = 20;

unsigned
next_random(unsigned n)
{
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    return static_cast<unsigned>((seed >> 33) % n);
}

/* One word at 'pos' as our indexer writes it: the word with its
 * position, and a stem term ("Z" and the word without a final s). */
void
add_word(Xapian::Document &doc, const std::string &word, Xapian::termpos pos)
{
    doc.add_posting(word, pos);
    std::string stem = word.back() == 's' ? word.substr(0, word.size() - 1) : word;
    doc.add_term("Z" + stem);
}

void
fill(Xapian::WritableDatabase &db)
{
    static const char *const words[] = {
        "border",  "management", "irregular", "migration", "labour", "mobility",
        "archive", "themes",     "delegates", "rights",    "return", "health",
    };
    for (int i = 0; i < 240; i++) {
        Xapian::Document doc;
        unsigned n = 8 + next_random(33);
        Xapian::termpos pos = 1;
        for (unsigned k = 0; k < n; k++) {
            if (next_random(6) == 0 && k + 1 < n) {
                add_word(doc, "border", pos++);
                add_word(doc, "management", pos++);
            } else {
                add_word(doc, words[next_random(12)], pos++);
            }
        }
        doc.add_boolean_term("T" + std::to_string(next_random(3)));
        db.add_document(doc);
    }
    db.commit();
}

/* The hits of 'query' in 'db', top 'count', with their weights. */
std::map<Xapian::docid, double>
hits(const Xapian::Database &db, const Query &query, unsigned count)
{
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.5, 0.5));
    enquire.set_query(query);
    std::map<Xapian::docid, double> out;
    Xapian::MSet mset = enquire.get_mset(0, count);
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        out[*it] = it.get_weight();
    return out;
}

} /* namespace */

int
main()
{
    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    fill(db);
    std::vector<Query> words{Query("labour"), Query("mobility")};
    Query phrase(Query::OP_PHRASE, words.begin(), words.end(), 2);
    std::vector<Query> rights{Query("Zright"), Query("Zrights")};
    std::vector<Query> rest{Query(Query::OP_SYNONYM, rights.begin(), rights.end()),
                            Query("Zreturn")};
    Query query(Query::OP_OR, phrase, Query(Query::OP_OR, rest.begin(), rest.end()));

    std::map<Xapian::docid, double> all = hits(db, query, 1000);
    std::map<Xapian::docid, double> with_phrase = hits(db, phrase, 1000);
    int differ = 0;
    for (int type = 0; type < 3; type++) {
        Query filter("T" + std::to_string(type));
        for (unsigned count : {10u, 1000u}) {
            for (const auto &hit :
                 hits(db, Query(Query::OP_FILTER, query, filter), count)) {
                if (std::fabs(hit.second - all[hit.first]) <= 1e-9)
                    continue;
                differ++;
                std::printf("filter T%d, top %u: document %u weighs %.6f, unfiltered %.6f"
                            " (has the phrase: %s)\n",
                            type, count, hit.first, hit.second, all[hit.first],
                            with_phrase.count(hit.first) ? "yes" : "no");
            }
        }
    }
    std::printf("Xapian %s: %d filtered hits weigh other than unfiltered\n",
                Xapian::version_string(), differ);
    return differ != 0;
}
