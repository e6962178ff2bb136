#!/usr/bin/env bash
# zipf-queries.sh - a realistic query stream: Zipf over distinct queries from a corpus's words
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/zipf-queries.sh [--distinct N] [--stream M] [--seed S]
#                                    [--distinct-out FILE] CORPUS_DIR
#   CORPUS_DIR        every .md and .txt file under it is read
#   --distinct N      distinct queries to draw (default 5000)
#   --stream M        queries in the stream written to standard output
#                     (default 20000), one a line
#   --seed S          random seed (default 1): same seed and corpus, same bytes
#   --distinct-out F  also write the distinct queries to F, most asked first
#
# Issue 20's query stream, for any part that wants one (tests/bench/peers.sh
# measures migsearch on it): the distinct queries are 1 to 6 words (a
# quarter of one word, 30% of two, 20% of three, then 12, 8 and 5%), each
# word drawn by its frequency among the corpus's lower-cased ASCII words of
# 3 letters or more (a word with any other letter is left out whole), the 50 commonest (function words) and those seen fewer
# than 3 times left out; one query in 10 has a phrase (a frequent pair of
# adjacent words, quoted) and one in 10 a filter (lang:en, lang:fr or
# lang:es, migsearch's query syntax; other engines read it as two words).
# The stream draws from them by Zipf's law (the k-th query with weight 1/k),
# so a few queries come back often and most rarely: a cache helps only as
# much as it would for users.
set -euo pipefail
distinct=5000
stream=20000
seed=1
distinct_out=/dev/null
while [ $# -gt 1 ]; do
    case "$1" in
    --distinct) distinct=$2 ;;
    --stream) stream=$2 ;;
    --seed) seed=$2 ;;
    --distinct-out) distinct_out=$2 ;;
    *) break ;;
    esac
    shift 2
done
[ $# = 1 ] && [ -d "$1" ] || {
    echo "usage: zipf-queries.sh [--distinct N] [--stream M] [--seed S]" \
        "[--distinct-out FILE] CORPUS_DIR" >&2
    exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Words of 3 letters or more seen 3 times or more, commonest first ("W count
# word"), then pairs of adjacent words seen 20 times or more ("P a b").
find "$1" -type f \( -name '*.md' -o -name '*.txt' \) -print0 | LC_ALL=C sort -z |
    xargs -0 cat | LC_ALL=C awk '
    { n = split(tolower($0), w, /[^a-z\200-\377]+/); prev = ""
      for (i = 1; i <= n; i++) {
          # A word with a non-ASCII letter is left out whole, not cut
          # there ("informaci" of "información" is no word of the index).
          if (length(w[i]) < 3 || w[i] ~ /[\200-\377]/) { prev = ""; continue }
          count[w[i]]++
          if (prev != "") pair[prev " " w[i]]++
          prev = w[i] } }
    END { for (t in count) if (count[t] >= 3) print "W", count[t], t
          for (p in pair) if (pair[p] >= 20) print "P", p }' |
    LC_ALL=C sort -k1,1r -k2,2nr -k3,3 >"$tmp/vocabulary"

LC_ALL=C awk -v distinct="$distinct" -v stream="$stream" -v seed="$seed" \
    -v dout="$distinct_out" '
    # The index of the first cumulative weight above r (binary search).
    function pick(cum, n, r,    lo, hi, mid) {
        lo = 1; hi = n
        while (lo < hi) { mid = int((lo + hi) / 2); if (cum[mid] > r) hi = mid; else lo = mid + 1 }
        return lo }
    $1 == "W" && ++rank > 50 { nw++; word[nw] = $3; kept[$3] = 1; total += $2; wcum[nw] = total }
    $1 == "P" && ($2 in kept) && ($3 in kept) { np++; phrase[np] = $2 " " $3 }
    END {
        if (nw == 0) { print "zipf-queries.sh: no words in the corpus" > "/dev/stderr"; exit 1 }
        srand(seed)
        nlen = split("25 30 20 12 8 5", lw, " "); lt = 0
        for (i = 1; i <= nlen; i++) { lt += lw[i]; lcum[i] = lt }
        nlang = split("en fr es", lang, " ")
        while (nq < distinct && tries++ < distinct * 20) {
            len = pick(lcum, nlen, rand() * lt); q = ""
            for (i = 1; i <= len; i++) q = q (i > 1 ? " " : "") word[pick(wcum, nw, rand() * total)]
            if (np > 0 && rand() < 0.1) q = q " \"" phrase[1 + int(rand() * np)] "\""
            if (rand() < 0.1) q = q " lang:" lang[1 + int(rand() * nlang)]
            if (q in seen) continue
            seen[q] = 1; nq++; query[nq] = q; print q > dout }
        for (k = 1; k <= nq; k++) { z += 1 / k; zcum[k] = z }
        for (s = 0; s < stream; s++) print query[pick(zcum, nq, rand() * z)] }' "$tmp/vocabulary"
