#!/bin/sh
# test_zipf_queries.sh - tests/bench/zipf-queries.sh draws the stream it promises
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_zipf_queries.sh SOURCE_DIR
# Writes a corpus of known word frequencies (the N-th word, "xx" and N's
# digits as letters a to j, appears in proportion to 1/N, and "alpha beta"
# 40 times as a pair), asks the generator for 400
# distinct queries and a stream of 4000, and checks: the same seed gives the
# same bytes and another seed others; the counts; distinct queries are
# distinct, of 1 to 6 words besides a phrase and a filter; about one in 10
# has a phrase and one in 10 a filter; none has one of the 50 commonest
# words; the stream follows Zipf's law (the first query about 1/H(400) =
# 15% of it, the second half as often).
set -eu
src=$(realpath "$1")
gen=$src/tests/bench/zipf-queries.sh
tmp=$(mktemp -d /tmp/ms-zipf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
fail() { echo "test_zipf_queries: FAIL: $*" >&2; echo "zipf: $passed passed, 1 failed"; exit 1; }
ok() { passed=$((passed + 1)); }

mkdir -p "$tmp/corpus/sub"
awk 'function word(n,    s) { s = "xx"; while (n > 0) { s = s substr("abcdefghij", n % 10 + 1, 1)
        n = int(n / 10) } return s }
    BEGIN { for (n = 1; n <= 300; n++) { line = ""
        for (k = 0; k < int(3000 / n); k++) line = line " " word(n)
        print line > ("'"$tmp"'/corpus/sub/f" (n % 7) ".txt") }
    for (k = 0; k < 40; k++) print "alpha beta" > "'"$tmp"'/corpus/pair.md"
    print "never read" > "'"$tmp"'/corpus/skip.json" }'

"$gen" --distinct 400 --stream 4000 --seed 7 --distinct-out "$tmp/d1" "$tmp/corpus" \
    >"$tmp/s1"
"$gen" --distinct 400 --stream 4000 --seed 7 --distinct-out "$tmp/d2" "$tmp/corpus" \
    >"$tmp/s2"
"$gen" --distinct 400 --stream 4000 --seed 8 "$tmp/corpus" >"$tmp/s3"
cmp -s "$tmp/s1" "$tmp/s2" && cmp -s "$tmp/d1" "$tmp/d2" || fail "same seed, other bytes"
ok
cmp -s "$tmp/s1" "$tmp/s3" && fail "another seed, the same stream"
ok
[ "$(wc -l <"$tmp/d1")" = 400 ] && [ "$(wc -l <"$tmp/s1")" = 4000 ] || fail "counts"
ok
[ "$(sort -u "$tmp/d1" | wc -l)" = 400 ] || fail "distinct queries repeat"
ok
# Words besides the phrase and the filter: 1 to 6, none of the 50 commonest
# (xxb to xxaf: 1 to 50), every one a corpus word.
awk 'function number(s,    n, i) { n = 0
        for (i = length(s); i > 2; i--) n = n * 10 + index("abcdefghij", substr(s, i, 1)) - 1
        return n }
    { sub(/ "[^"]*"/, ""); sub(/ lang:[a-z][a-z]$/, "")
       if (NF < 1 || NF > 6) { print "length " NF ": " $0; exit 1 }
       for (i = 1; i <= NF; i++) {
           if ($i !~ /^(xx[a-j]+|alpha|beta)$/) { print "not a word: " $i; exit 1 }
           if ($i ~ /^xx/ && number($i) <= 50) { print "common: " $i; exit 1 } } }' \
    "$tmp/d1" || fail "a query's words"
ok
phrases=$(grep -c ' "[a-z]* [a-z]*"' "$tmp/d1" || true)
filters=$(grep -c ' lang:\(en\|fr\|es\)$' "$tmp/d1" || true)
[ "$phrases" -ge 20 ] && [ "$phrases" -le 60 ] || fail "$phrases phrases in 400"
ok
[ "$filters" -ge 20 ] && [ "$filters" -le 60 ] || fail "$filters filters in 400"
ok
first=$(grep -cxF -- "$(sed -n 1p "$tmp/d1")" "$tmp/s1")
second=$(grep -cxF -- "$(sed -n 2p "$tmp/d1")" "$tmp/s1")
[ "$first" -ge 460 ] && [ "$first" -le 740 ] || fail "first query $first times in 4000"
ok
awk -v a="$first" -v b="$second" 'BEGIN { exit !(b > a * 0.35 && b < a * 0.65) }' ||
    fail "second query $second times against the first's $first"
ok
"$gen" "$tmp/nothing" >/dev/null 2>&1 && fail "a missing folder is accepted"
ok
echo "zipf: $passed passed, 0 failed"
