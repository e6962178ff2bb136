#!/bin/sh
# convert.sh - one test collection -> docs.jsonl, queries.tsv and qrels
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: convert.sh [--lower-case] COLLECTION SOURCE_DIR OUT_DIR
#   COLLECTION   cranfield | medline | cacm | npl | lisa | adi
#   SOURCE_DIR   the collection's folder under ../shared/data/ir (read in place)
#   OUT_DIR      where docs.jsonl (indexer input), queries.tsv (qid TAB text)
#                and qrels (TREC: qid 0 docid grade) are written
#
# Plain POSIX sh and awk, so that a fresh machine needs nothing more.
# Document ids are the collection's document numbers without leading zeros;
# the qrels use the same ids. What goes into title and text, and how grades
# are mapped, is in docs/relevance.md ("Collections"). Counts go to stderr.
#
# NPL and LISA queries are written entirely in capitals. They are kept so:
# the shim reads a query in capitals as lower case (in_capitals() in
# indexer/shim/search.cc), as a delegate with caps lock on means it, and
# the quality floors check that it does. --lower-case lowers them, to
# compare.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
lower_case=0
if [ "${1:-}" = "--lower-case" ]; then
    lower_case=1
    shift
fi
if [ $# -ne 3 ]; then
    echo "usage: convert.sh [--lower-case] COLLECTION SOURCE_DIR OUT_DIR" >&2
    exit 2
fi
collection=$1
src=$2
out=$3
if [ ! -d "$src" ]; then
    echo "convert: $collection: no folder $src" >&2
    exit 2
fi
mkdir -p "$out"

# awk with the shared helpers and the collection name for messages.
conv() {
    script=$1
    shift
    awk -v collection="$collection" -f "$here/json.awk" -f "$here/$script" "$@"
}

case "$collection" in
cranfield)
    conv smart.awk -v mode=docs -v title=T -v text="W A" \
        "$src/cran.all.1400" >"$out/docs.jsonl"
    # Query ids in cran.qry are not 1..225; cranqrel numbers them by position.
    conv smart.awk -v mode=queries -v position=1 "$src/cran.qry" >"$out/queries.tsv"
    conv qrels.awk -v layout=cranfield "$src/cranqrel" >"$out/qrels"
    ;;
medline)
    conv smart.awk -v mode=docs -v title= -v text=W "$src/MED.ALL" >"$out/docs.jsonl"
    conv smart.awk -v mode=queries "$src/MED.QRY" >"$out/queries.tsv"
    conv qrels.awk -v layout=trec "$src/MED.REL" >"$out/qrels"
    ;;
cacm)
    conv smart.awk -v mode=docs -v title=T -v text="W K A" \
        "$src/cacm.all" >"$out/docs.jsonl"
    conv smart.awk -v mode=queries "$src/query.text" >"$out/queries.tsv"
    conv qrels.awk -v layout=pairs "$src/qrels.text" >"$out/qrels"
    ;;
adi)
    conv smart.awk -v mode=docs -v title=T -v text="W A" "$src/ADI.ALL" >"$out/docs.jsonl"
    conv smart.awk -v mode=queries "$src/ADI.QRY" >"$out/queries.tsv"
    conv qrels.awk -v layout=pairs "$src/ADI.REL" >"$out/qrels"
    ;;
npl)
    conv npl.awk -v mode=docs "$src/doc-text" >"$out/docs.jsonl"
    conv npl.awk -v mode=queries -v lower=$lower_case \
        "$src/query-text" >"$out/queries.tsv"
    conv npl.awk -v mode=qrels "$src/rlv-ass" >"$out/qrels"
    ;;
lisa)
    # The documents are one sequence split over 14 files, in name order.
    set --
    for f in "$src"/LISA[0-9].[0-9][0-9][0-9]; do
        set -- "$@" "$f"
    done
    conv lisa.awk -v mode=docs "$@" >"$out/docs.jsonl"
    conv lisa.awk -v mode=queries -v lower=$lower_case \
        "$src/LISA.QUE" >"$out/queries.tsv"
    conv lisa.awk -v mode=qrels "$src/LISARJ.NUM" >"$out/qrels"
    ;;
*)
    echo "convert: unknown collection '$collection'" \
        "(cranfield, medline, cacm, npl, lisa, adi)" >&2
    exit 2
    ;;
esac
