#!/bin/sh
# run.sh - ranking quality of migsearch on the IR test collections, one table row each
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/relevance/run.sh [--floors] [--markdown] [--lower-case] [--keep]
#                               [--max-terms N] [--feedback-window N]
#                               [--only NAME]... [BUILD_DIR]
#
# For each collection (Cranfield, MEDLINE, CACM, NPL, LISA, ADI) and the
# sample archive's questions: convert it into a temporary folder
# (convert.sh), index it with the real migsearch-index and a generated
# configuration, run its queries through ms_index_search as the server does
# (relevance-run), score the run (relevance-eval), and print a row:
# documents, judged queries, MAP, nDCG@10, P@10, R@100, the reference
# BM25's MAP and P@10 (issue 6) and our MAP's change relative to it.
#
#   BUILD_DIR    a CMake build with tests (default: build/release); it must
#                hold indexer/migsearch-index and tests/relevance/relevance-*
#   --floors     exit 1 when a collection's MAP is below its reference (the
#                quality floor of `make test`), when a collection with a
#                reference is missing (an unchecked floor is a failure), or
#                when a first page differs (below)
#   --markdown   print the table as Markdown (for docs/relevance.md)
#   --lower-case lower the NPL and LISA queries, written in capitals
#                (convert.sh); without it they are searched as written
#   --keep       keep the temporary folder and say where it is
#   --max-terms N  search with search.max_terms N instead of the shipped 64
#                (relevance-run), to see what the limit costs long queries
#   --feedback-window N  search with search.feedback_window N instead of the
#                shipped 0 (feedback reorders every match)
#   --only NAME  only this collection (repeatable): cranfield, medline,
#                cacm, npl, lisa, adi, sample
#
# Every query is also searched for a page of ten alone, which must be the
# first ten of its full run, hit for hit with the same score: a page inside
# the feedback window is matched over the window only (feedback.cc), and a
# delegate paging through results must see one list.
#
# The collections are read in place from $MS_RELEVANCE_DATA, by default
# ../shared/data/ir beside the checkout; they are never copied into the
# repository. A collection that is missing there is reported and skipped.
#
# The index is built with the default configuration except for paths and
# index.spelling: false. The spelling dictionary only feeds "did you mean"
# and does not change what a query matches or how it is ranked; leaving it
# out saves a third of the indexing time. The synonyms are the shipped
# config/synonyms.yaml, as the server's default configuration has them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

floors=0
markdown=0
keep=0
lower_case=
max_terms=
window=
only=
build=

while [ $# -gt 0 ]; do
    case "$1" in
    --floors) floors=1 ;;
    --markdown) markdown=1 ;;
    --keep) keep=1 ;;
    --lower-case) lower_case=--lower-case ;;
    --max-terms)
        [ $# -ge 2 ] || { echo "run.sh: --max-terms needs a number" >&2; exit 2; }
        max_terms="--max-terms $2"
        shift
        ;;
    --feedback-window)
        [ $# -ge 2 ] || { echo "run.sh: --feedback-window needs a number" >&2; exit 2; }
        window="--feedback-window $2"
        shift
        ;;
    --only)
        [ $# -ge 2 ] || { echo "run.sh: --only needs a name" >&2; exit 2; }
        only="$only $2"
        shift
        ;;
    -*)
        echo "usage: run.sh [--floors] [--markdown] [--lower-case] [--keep]" \
            "[--max-terms N] [--feedback-window N] [--only NAME]... [BUILD_DIR]" >&2
        exit 2
        ;;
    *)
        [ -z "$build" ] || { echo "run.sh: one BUILD_DIR only" >&2; exit 2; }
        build=$1
        ;;
    esac
    shift
done
build=${build:-$repo/build/release}
case "$build" in
/*) ;;
*) build=$(pwd)/$build ;;
esac
data=${MS_RELEVANCE_DATA:-$repo/../shared/data/ir}

indexer=$build/indexer/migsearch-index
runner=$build/tests/relevance/relevance-run
evaluator=$build/tests/relevance/relevance-eval
for tool in "$indexer" "$runner" "$evaluator"; do
    if [ ! -x "$tool" ]; then
        echo "run.sh: $tool not built (a build with MS_BUILD_TESTS=ON is needed)" >&2
        exit 2
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/migsearch-relevance.XXXXXX")
if [ "$keep" -eq 1 ]; then
    echo "run.sh: keeping $tmp" >&2
else
    trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

# The plain BM25 reference of issue 6 (k1 1.2, b 0.75, plural stemming):
# name, MAP, P@10; "-" where the issue gives none.
reference() {
    case "$1" in
    cranfield) echo "0.306 0.240" ;;
    medline) echo "0.513 0.617" ;;
    cacm) echo "0.322 0.308" ;;
    npl) echo "0.262 0.337" ;;
    lisa) echo "0.389 0.275" ;;
    *) echo "- -" ;;
    esac
}

# Search every query of 'work' with the index there into the run file
# 'out' (more options of relevance-run after it); exit 1 with its messages
# when it fails.
run_queries() {
    out=$1
    shift
    # shellcheck disable=SC2086 # each is an option and its value, or nothing
    "$runner" $max_terms $window "$@" --tag migsearch "$work/index" "$work/queries.tsv" \
        >"$out" 2>"$out.log" || {
        cat "$out.log" >&2
        exit 1
    }
}

wanted() {
    [ -z "$only" ] && return 0
    for name in $only; do
        [ "$name" = "$1" ] && return 0
    done
    return 1
}

# Index 'archive' into 'work/index' with a generated configuration; prints
# the number of documents in the index.
index_archive() {
    archive=$1
    work=$2
    cat >"$work/migsearch.yaml" <<EOF
index:
  path: $work/index
  synonyms: $repo/config/synonyms.yaml
  spelling: false
archive:
  path: $archive
EOF
    if ! "$indexer" --config "$work/migsearch.yaml" --rebuild --quiet --json \
        >"$work/index.json" 2>"$work/index.log"; then
        echo "run.sh: migsearch-index failed; see below" >&2
        cat "$work/index.log" "$work/index.json" >&2
        return 1
    fi
    awk '/"documents": *\{/ { f = 1 }
         f && /"total"/ { gsub(/[^0-9]/, ""); print; exit }' "$work/index.json"
}

if [ "$markdown" -eq 1 ]; then
    echo "| collection | docs | queries | MAP | nDCG@10 | P@10 | R@100 |" \
        "ref. MAP | ref. P@10 | MAP vs ref. |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
else
    printf "%-10s %6s %7s %6s %7s %6s %6s %8s %8s %7s %5s\n" collection docs queries \
        MAP nDCG@10 P@10 R@100 ref.MAP ref.P@10 vs.ref secs
fi

below=0
pages=0
found=0
total_start=$(date +%s)
for name in cranfield medline cacm npl lisa adi sample; do
    wanted "$name" || continue
    start=$(date +%s)
    work=$tmp/$name
    mkdir -p "$work/archive"
    if [ "$name" = sample ]; then
        # The sample archive itself, read in place, and the team's questions.
        archive=$repo/tests/data/archive
        cp "$here/sample-questions.tsv" "$work/queries.tsv"
        cp "$here/sample-qrels" "$work/qrels"
    else
        if [ ! -d "$data/$name" ]; then
            echo "run.sh: $name: no collection at $data/$name; skipped" >&2
            continue
        fi
        "$here/convert.sh" $lower_case "$name" "$data/$name" "$work" \
            2>"$work/convert.log" || {
            cat "$work/convert.log" >&2
            exit 1
        }
        mv "$work/docs.jsonl" "$work/archive/$name.jsonl"
        archive=$work/archive
        found=$((found + 1))
    fi
    docs=$(index_archive "$archive" "$work") || exit 1
    if [ "$name" != sample ]; then
        lines=$(wc -l <"$work/archive/$name.jsonl")
        if [ "$docs" -ne "$lines" ]; then
            echo "run.sh: $name: $lines documents converted, $docs indexed" >&2
            cat "$work/index.json" >&2
            exit 1
        fi
    fi
    run_queries "$work/run"
    # Queries the index refused (a user would get a 400) are scored 0.
    grep -v '^relevance-run: [0-9]* queries' "$work/run.log" >&2 || true
    run_queries "$work/run10" --limit 10
    differ=$(awk '$4 <= 10' "$work/run" | diff "$work/run10" - |
        awk '/^[<>]/ { print $2 }' | sort -u | wc -l)
    if [ "$differ" -gt 0 ]; then
        echo "run.sh: $name: the first page of $differ queries is not the first ten of their full list" >&2
        pages=$((pages + 1))
    fi
    "$evaluator" --per-query "$work/qrels" "$work/run" >"$work/eval" || exit 1
    end=$(date +%s)

    # shellcheck disable=SC2046 # two words: MAP and P@10
    set -- $(reference "$name")
    ref_map=$1
    ref_p10=$2
    all=$(wc -l <"$work/queries.tsv")
    awk -v name="$name" -v docs="$docs" -v ref_map="$ref_map" -v ref_p10="$ref_p10" \
        -v md="$markdown" -v secs=$((end - start)) -v all="$all" '
        /^#/ { next }
        NF == 2 { v[$1] = $2 }
        END {
            q = v["queries"] " / " all
            change = "-"
            if (ref_map != "-")
                change = sprintf("%+.1f%%", (v["map"] / ref_map - 1) * 100)
            if (md)
                printf "| %s | %d | %s | %.3f | %.3f | %.3f | %.3f | %s | %s | %s |\n",
                    name, docs, q, v["map"], v["ndcg10"], v["p10"], v["r100"],
                    ref_map, ref_p10, change
            else
                printf "%-10s %6d %7s %6.3f %7.3f %6.3f %6.3f %8s %8s %7s %5d\n",
                    name, docs, v["queries"] "/" all, v["map"], v["ndcg10"], v["p10"],
                    v["r100"], ref_map, ref_p10, change, secs
        }' "$work/eval"

    if [ "$ref_map" != "-" ]; then
        map=$(awk '$1 == "map" { print $2 }' "$work/eval")
        if awk -v a="$map" -v b="$ref_map" 'BEGIN { exit !(a + 0 < b + 0) }'; then
            echo "run.sh: $name: MAP $map is below the reference $ref_map" >&2
            below=$((below + 1))
        fi
    fi
done
total_end=$(date +%s)
echo "run.sh: $found test collections in $((total_end - total_start)) s" >&2

if [ "$floors" -eq 1 ]; then
    if [ "$found" -lt 6 ]; then
        echo "run.sh: only $found of 6 collections found under $data; floors not checked" >&2
        exit 1
    fi
    if [ "$below" -gt 0 ]; then
        echo "run.sh: $below collections below their reference MAP" >&2
        exit 1
    fi
    if [ "$pages" -gt 0 ]; then
        echo "run.sh: $pages collections page differently from their full lists" >&2
        exit 1
    fi
fi
exit 0
